/* Internal layout of portfolios, shared by the risk layer's files. */
#ifndef HEDGE_RISK_INTERNAL_H
#define HEDGE_RISK_INTERNAL_H

#include <hedge/portfolio.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct hedge__pos {
    hedge_instrument *instrument; /* one reference held */
    double quantity, entry_price;
} hedge__pos;

struct hedge_portfolio {
    hedge_context *ctx;
    pthread_rwlock_t lock; /* read: queries and risk; write: add, update, remove */
    hedge__pos *pos;
    size_t n, cap;
    size_t *index; /* open addressing by symbol: slot -> position, SIZE_MAX empty; a power of two */
    size_t index_cap;
};

/* Read-locks a portfolio for a computation over its positions (the lock is logically const). */
/* hedge_scenario_var() of n >= 1 equally likely P&L values at each of n_levels levels in (0, 1),
 * sorting once, for the library's own summaries (the hedge solver's, the simulator's). False, with
 * nothing written to var and es, when a value is not finite. work holds 2 n doubles. */
bool hedge__var_es_equal(const double *pnl, size_t n, const double *levels, size_t n_levels, double *var, double *es,
                         double *work);

void hedge__portfolio_rdlock(const hedge_portfolio *pf);
void hedge__portfolio_unlock(const hedge_portfolio *pf);

#endif
