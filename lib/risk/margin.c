/* Portfolio margin on a scenario grid, and liquidation prices under isolated and cross margin. */
#include "core/internal.h"

#include <hedge/margin.h>
#include <hedge/risk.h>
#include <hedge/scenario.h>

#include <math.h>
#include <string.h>

HEDGE_API hedge_status hedge_portfolio_margin(hedge_margin_result *result, hedge_context *ctx,
                                              const hedge_portfolio *portfolio, const hedge_market *market,
                                              const hedge_margin_options *options) {
    static const char fn[] = "hedge_portfolio_margin";
    if (!result || !ctx || !portfolio || !market)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (result->struct_size < offsetof(hedge_margin_result, scenarios) + sizeof(size_t))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: result->struct_size %zu is too small (set it with "
                           "HEDGE_MARGIN_RESULT_INIT)", fn, result->struct_size);
    hedge_margin_options o = HEDGE_MARGIN_OPTIONS_INIT;
    hedge_status st = HEDGE_OK;
    if (options && (st = hedge__options_copy(&o, sizeof o, options, fn)))
        return st;
    if (!(o.vol_up >= 0.0) || !isfinite(o.vol_up) || !(o.vol_down >= 0.0 && o.vol_down < 1.0) ||
        !(o.delta_addon >= 0.0) || !isfinite(o.delta_addon))
        return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: vol_up must be >= 0, vol_down in [0, 1), delta_addon >= 0 "
                           "(got %g, %g, %g)", fn, o.vol_up, o.vol_down, o.delta_addon);
    const double vols[3] = {-o.vol_down, 0.0, o.vol_up};
    size_t n = 0;
    if ((st = hedge_scenario_grid(NULL, NULL, 0, &n, o.spot_range, o.spot_steps, vols, 3, 0.0)) !=
        HEDGE_ERR_BUFFER_TOO_SMALL)
        return st;
    hedge_scenario *sc = hedge__alloc(ctx, n * sizeof *sc, 0);
    hedge_shift *sh = hedge__alloc(ctx, n * sizeof *sh, 0);
    double *tot = hedge__alloc(ctx, n * sizeof *tot, 0);
    hedge_scenario_pnl *pnl = NULL;
    hedge_risk *risk = NULL;
    if (!sc || !sh || !tot) {
        st = hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate %zu scenarios", fn, n);
        goto done;
    }
    hedge_scenario_options so = HEDGE_SCENARIO_OPTIONS_INIT;
    so.threads = o.threads;
    if ((st = hedge_scenario_grid(sc, sh, n, &n, o.spot_range, o.spot_steps, vols, 3, 0.0)) ||
        (st = hedge_scenarios_run(&pnl, ctx, portfolio, market, sc, n, &so)) ||
        (st = hedge_scenario_pnl_totals(tot, n, pnl)) ||
        (st = hedge_risk_compute(&risk, ctx, portfolio, market, NULL)))
        goto done;
    hedge_margin_result r = HEDGE_MARGIN_RESULT_INIT;
    size_t worst = 0;
    for (size_t s = 1; s < n; s++)
        if (tot[s] < tot[worst])
            worst = s;
    r.worst_loss = -tot[worst];
    r.worst_spot = sh[worst].spot;
    r.worst_vol = sh[worst].vol_rel;
    r.scenarios = n;
    for (size_t u = 0; u < hedge_risk_row_count(risk, HEDGE_BREAKDOWN_UNDERLYING); u++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        hedge_risk_row_get(&row, risk, HEDGE_BREAKDOWN_UNDERLYING, u);
        r.addon += o.delta_addon * fabs(row.delta_usd);
    }
    r.margin = fmax(r.worst_loss + r.addon, 0.0);
    hedge__output_copy(result, &r, sizeof r);
done:
    hedge_risk_destroy(risk);
    hedge_scenario_pnl_destroy(pnl);
    hedge__free(ctx, tot, n * sizeof *tot, 0);
    hedge__free(ctx, sh, n * sizeof *sh, 0);
    hedge__free(ctx, sc, n * sizeof *sc, 0);
    return st;
}

static hedge_status check_position(const char *fn, hedge_settlement settlement, double multiplier, double quantity,
                                   double entry, double mmr) {
    if (settlement != HEDGE_SETTLE_LINEAR && settlement != HEDGE_SETTLE_INVERSE)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: settlement must be linear or inverse, got %d", fn,
                           (int)settlement);
    if (!(multiplier > 0.0) || !isfinite(multiplier) || !(quantity != 0.0) || !isfinite(quantity) ||
        !(entry > 0.0) || !isfinite(entry) || !(mmr >= 0.0 && mmr < 1.0))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: need multiplier > 0, a non-zero finite quantity, entry > 0 "
                           "and mmr in [0, 1) (got %g, %g, %g, %g)", fn, multiplier, quantity, entry, mmr);
    return HEDGE_OK;
}

/* Equity minus maintenance margin of one position at price P, in its settlement currency. */
static double surplus(const hedge_cross_position *p, double P) {
    double a = fabs(p->quantity) * p->multiplier;
    if (p->settlement == HEDGE_SETTLE_LINEAR)
        return p->quantity * p->multiplier * (P - p->entry) - p->mmr * a * P;
    return p->quantity * p->multiplier * (1.0 / p->entry - 1.0 / P) - p->mmr * a / P;
}

HEDGE_API hedge_status hedge_liquidation_price(double *price, hedge_settlement settlement, double multiplier,
                                               double quantity, double entry, double collateral, double mmr) {
    static const char fn[] = "hedge_liquidation_price";
    if (!price)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: price is NULL", fn);
    hedge_status st = check_position(fn, settlement, multiplier, quantity, entry, mmr);
    if (st)
        return st;
    if (!(collateral >= 0.0) || !isfinite(collateral))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: collateral must be finite and >= 0, got %g", fn, collateral);
    hedge_cross_position p = {settlement, multiplier, quantity, entry, mmr};
    if (collateral + surplus(&p, entry) < 0.0)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the collateral %g is below the maintenance margin at entry",
                           fn, collateral);
    double qm = quantity * multiplier, a = fabs(qm), P;
    if (settlement == HEDGE_SETTLE_LINEAR) {
        double den = qm - mmr * a, num = qm * entry - collateral;
        /* a long whose collateral covers the whole entry value never fails */
        P = quantity > 0 ? (num > 0.0 ? num / den : 0.0) : num / den;
    } else {
        double num = qm + mmr * a, den = collateral + qm / entry;
        /* a short whose coin collateral covers its coin notional never fails */
        P = quantity > 0 ? num / den : (den < 0.0 ? num / den : INFINITY);
    }
    *price = P;
    return HEDGE_OK;
}

/* f(P) = collateral + sum of surpluses: the account fails where it reaches 0 */
static double account(const hedge_cross_position *ps, size_t n, double collateral, double P) {
    double f = collateral;
    for (size_t i = 0; i < n; i++)
        f += surplus(&ps[i], P);
    return f;
}

/* The failing price between mark and the far end of the search in direction `up`, or 0 / +inf. */
static double search(const hedge_cross_position *ps, size_t n, double c, double mark, bool up) {
    double good = mark, step = up ? 1.05 : 1.0 / 1.05, bad = NAN;
    for (int k = 0; k < 1000; k++) { /* 1.05^1000: beyond any price */
        double P = good * step;
        if (!(P > 0.0) || !isfinite(P))
            break;
        if (account(ps, n, c, P) <= 0.0) {
            bad = P;
            break;
        }
        good = P;
    }
    if (isnan(bad))
        return up ? INFINITY : 0.0;
    for (int k = 0; k < 200 && fabs(bad - good) > 1e-13 * good; k++) {
        double mid = 0.5 * (good + bad);
        if (account(ps, n, c, mid) <= 0.0)
            bad = mid;
        else
            good = mid;
    }
    return bad;
}

HEDGE_API hedge_status hedge_cross_liquidation_price(double *price, const hedge_cross_position *positions, size_t n,
                                                     double collateral, double mark) {
    static const char fn[] = "hedge_cross_liquidation_price";
    if (!price || !positions || n == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument or no positions", fn);
    for (size_t i = 0; i < n; i++) {
        hedge_status st = check_position(fn, positions[i].settlement, positions[i].multiplier, positions[i].quantity,
                                         positions[i].entry, positions[i].mmr);
        if (st)
            return st;
        if (positions[i].settlement != positions[0].settlement)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: position %zu settles differently from position 0",
                               fn, i);
    }
    if (!(collateral >= 0.0) || !isfinite(collateral) || !(mark > 0.0) || !isfinite(mark))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: need collateral >= 0 and mark > 0 (got %g, %g)", fn,
                           collateral, mark);
    if (account(positions, n, collateral, mark) <= 0.0)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the account is already at or below its maintenance margin",
                           fn);
    double down = search(positions, n, collateral, mark, false), up = search(positions, n, collateral, mark, true);
    /* the nearer in relative terms; neither: +inf */
    double dd = down > 0.0 ? log(mark / down) : INFINITY, du = isfinite(up) ? log(up / mark) : INFINITY;
    *price = dd <= du ? (down > 0.0 ? down : INFINITY) : up;
    return HEDGE_OK;
}
