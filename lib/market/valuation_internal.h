/* Valuation split in two, so that scenarios can revalue with shifted inputs without the lookups. */
#ifndef HEDGE_MARKET_VALUATION_INTERNAL_H
#define HEDGE_MARKET_VALUATION_INTERNAL_H

#include <hedge/valuation.h>

#include <stdbool.h>

/* What one instrument's valuation reads from the snapshot and surface. */
typedef struct hedge__val_inputs {
    double S;            /* spot */
    double F;            /* forward for the expiry (futures, options); S otherwise */
    double b;            /* carry ln(F/S)/T, held fixed when S moves */
    double T;            /* years to expiry; 0 for spot and perpetuals */
    double r;            /* discount rate (options) */
    double vol;          /* the surface's vol at the strike (options) */
    double funding_rate; /* per interval (perpetuals, when has_funding) */
    bool has_funding;
} hedge__val_inputs;

hedge_status hedge__valuation_inputs(hedge__val_inputs *in, const hedge_instrument *instrument,
                                     const hedge_snapshot *snapshot, const hedge_vol_surface *surface);

/* Values from given inputs; writes the whole of *out (struct_size must be sizeof(hedge_valuation)
 * or smaller, as for hedge_instrument_value()). Never fails for inputs from the function above,
 * shifted to positive S and F, T >= 0 and vol >= 0. */
void hedge__value_from(hedge_valuation *out, const hedge_instrument_spec *spec, const hedge__val_inputs *in);

#endif
