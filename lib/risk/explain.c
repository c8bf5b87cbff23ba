/* P&L explain between two markets, in the first market's Greeks. */
#define _POSIX_C_SOURCE 200809L /* pthread_rwlock_t in risk_internal.h */

#include "core/internal.h"
#include "market/market_internal.h"
#include "market/valuation_internal.h"
#include "risk/risk_internal.h"

#include <hedge/risk.h>

#include <stdio.h>
#include <string.h>

static hedge_status inputs(const char *fn, hedge__val_inputs *in, const hedge_instrument *inst,
                           const hedge_market *m) {
    const hedge_instrument_spec *sp = &inst->spec;
    const hedge_vol_surface *surface = NULL;
    hedge_status st;
    if (sp->kind == HEDGE_INSTRUMENT_OPTION && (st = hedge_market_surface(&surface, m, sp->underlying)))
        return hedge__fail(NULL, st, "%s: position %s: no volatility surface for %s", fn, sp->symbol, sp->underlying);
    if ((st = hedge__valuation_inputs(in, inst, hedge_market_snapshot(m), surface))) {
        char why[256];
        snprintf(why, sizeof why, "%s", hedge_error_message());
        return hedge__fail(NULL, st, "%s: position %s: %s", fn, sp->symbol, why);
    }
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_pnl_explain_compute(hedge_pnl_explain *explain, const hedge_portfolio *pf,
                                                 const hedge_market *before, const hedge_market *after,
                                                 const char *underlying) {
    static const char fn[] = "hedge_pnl_explain_compute";
    if (!explain || !pf || !before || !after)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (explain->struct_size < offsetof(hedge_pnl_explain, residual) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: explain->struct_size %zu is too small (set it with "
                           "HEDGE_PNL_EXPLAIN_INIT)", fn, explain->struct_size);
    int64_t t0 = hedge_snapshot_valuation_ms(hedge_market_snapshot(before));
    int64_t t1 = hedge_snapshot_valuation_ms(hedge_market_snapshot(after));
    if (t1 < t0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: the second market is earlier than the first", fn);
    double dt = hedge__years_between(t0, t1);
    hedge_pnl_explain x = HEDGE_PNL_EXPLAIN_INIT;
    hedge_status st = HEDGE_OK;
    hedge__portfolio_rdlock(pf);
    for (size_t k = 0; k < pf->n && st == HEDGE_OK; k++) {
        const hedge__pos *p = &pf->pos[k];
        const hedge_instrument_spec *sp = &p->instrument->spec;
        if (underlying && strcmp(sp->underlying, underlying) != 0)
            continue;
        hedge__val_inputs a, b;
        if ((st = inputs(fn, &a, p->instrument, before)) || (st = inputs(fn, &b, p->instrument, after)))
            break;
        hedge_valuation v0 = HEDGE_VALUATION_INIT, v1 = HEDGE_VALUATION_INIT;
        hedge__value_from(&v0, sp, &a);
        hedge__value_from(&v1, sp, &b);
        const bool inverse = sp->settlement == HEDGE_SETTLE_INVERSE;
        const bool perp = sp->kind == HEDGE_INSTRUMENT_PERPETUAL;
        const double q = p->quantity, dS = b.S - a.S;
        /* derivatives of the USD value: an inverse contract's value is coins, worth S each */
        double dV = v0.delta_coin + (inverse ? v0.value : 0.0);
        double d2V = v0.gamma_coin + (inverse ? v0.delta_coin / a.S : 0.0);
        double funding = perp ? q * v0.theta_usd * dt : 0.0;
        x.actual += q * (v1.value_usd - v0.value_usd) + funding;
        x.delta += q * dV * dS;
        x.gamma += 0.5 * q * d2V * dS * dS;
        x.vega += q * v0.vega_usd * (b.vol - a.vol);
        x.theta += perp ? 0.0 : q * v0.theta_usd * dt;
        x.funding += funding;
    }
    hedge__portfolio_unlock(pf);
    if (st)
        return st;
    x.residual = x.actual - x.delta - x.gamma - x.vega - x.theta - x.funding;
    hedge__output_copy(explain, &x, sizeof x);
    return HEDGE_OK;
}
