/* Declarations shared by the strategy layer's sources; nothing here is exported. */
#ifndef HEDGE_STRATEGY_INTERNAL_H
#define HEDGE_STRATEGY_INTERNAL_H

#include <hedge/status.h>

/* HEDGE_OK for a finite periods_per_year > 0, else HEDGE_ERR_DOMAIN with fn's message. */
hedge_status hedge__check_periods(const char *fn, double periods_per_year);

#endif
