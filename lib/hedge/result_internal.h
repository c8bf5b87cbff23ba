/* Results of hedge_solve(), assembled by a builder that owns everything until it is finished. */
#ifndef HEDGE_HEDGE_RESULT_INTERNAL_H
#define HEDGE_HEDGE_RESULT_INTERNAL_H

#include "hedge/hedge_internal.h"

#include <hedge/risk.h>

typedef struct hedge__trade_entry {
    hedge_trade t; /* symbol and venue are set on reading: the arrays below move with the array */
    char symbol[HEDGE__SYMBOL_BYTES];
    char venue[HEDGE__NAME_BYTES];
    double premium_usd;
} hedge__trade_entry;

typedef struct hedge__limit_entry {
    hedge_limit_report r;
    char name[192];
} hedge__limit_entry;

typedef struct hedge__under_entry {
    char name[HEDGE__NAME_BYTES];
    hedge_risk_row before, after; /* underlying set on reading */
} hedge__under_entry;

/* One trade as the solver reports it. */
typedef struct hedge__trade_in {
    const char *symbol, *venue;
    size_t candidate;
    double quantity, mid, notional_usd, fee_usd, spread_usd, impact_usd, funding_usd, fixed_usd, premium_usd;
} hedge__trade_in;

typedef struct hedge__result_builder {
    hedge_context *ctx;
    hedge_solve_status status;
    double objective, cost_usd, fees_usd, spread_usd, impact_usd, funding_usd, fixed_usd, premium_usd;
    double std_before, std_after, var_before, var_after, cvar_before, cvar_after, margin_before, margin_after;
    double horizon_years, solve_time_s;
    size_t scenarios, iterations, nodes;
    hedge__trade_entry *trades;
    size_t n_trades, cap_trades;
    hedge__limit_entry *limits;
    size_t n_limits, cap_limits;
    hedge__under_entry *under; /* n_under + 1: the last is the whole book */
    size_t n_under;
} hedge__result_builder;

struct hedge_result {
    hedge__result_builder b;
};

void hedge__result_builder_init(hedge__result_builder *rb, hedge_context *ctx);
/* Frees what the builder still owns (nothing after a successful finish). */
void hedge__result_builder_clear(hedge__result_builder *rb);
hedge_status hedge__result_add_trade(hedge__result_builder *rb, const hedge__trade_in *t);
hedge_status hedge__result_add_limit(hedge__result_builder *rb, hedge_limit_kind kind, size_t index, int upper,
                                     double bound, double shadow_price, const char *name);
/* The before rows of the book per underlying (names sorted); after rows start equal. */
hedge_status hedge__result_set_underlyings(hedge__result_builder *rb, const hedge_risk *risk,
                                           const hedge_market *market, const char (*names)[HEDGE__NAME_BYTES],
                                           size_t n);
/* Adds a trade's Greeks (per hedge_greek) to the after rows of underlying ui. */
void hedge__result_add_greeks(hedge__result_builder *rb, size_t ui, const double greeks[5]);
/* delta_addon times the sum over underlyings of |delta_usd| after the trades. */
double hedge__result_delta_addon(const hedge__result_builder *rb, double delta_addon);
/* Moves the builder into a new result (limits sorted by shadow price). */
hedge_status hedge__result_finish(hedge_result **out, hedge__result_builder *rb);

#endif
