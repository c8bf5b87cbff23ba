/* Hedge results: a builder collects the answer during hedge_solve(); the result is read-only. */
#include "hedge/result_internal.h"

#include "core/internal.h"

#include <hedge/snapshot.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hedge__result_builder_init(hedge__result_builder *rb, hedge_context *ctx) {
    memset(rb, 0, sizeof *rb);
    rb->ctx = ctx;
    rb->status = HEDGE_SOLVE_OPTIMAL;
}

void hedge__result_builder_clear(hedge__result_builder *rb) {
    hedge__free(rb->ctx, rb->trades, rb->cap_trades * sizeof *rb->trades, 0);
    hedge__free(rb->ctx, rb->limits, rb->cap_limits * sizeof *rb->limits, 0);
    hedge__free(rb->ctx, rb->under, (rb->n_under + 1) * sizeof *rb->under, 0);
    rb->trades = NULL;
    rb->limits = NULL;
    rb->under = NULL;
    rb->n_trades = rb->cap_trades = rb->n_limits = rb->cap_limits = rb->n_under = 0;
}

hedge_status hedge__result_add_trade(hedge__result_builder *rb, const hedge__trade_in *in) {
    hedge_status st = hedge__vec_reserve(rb->ctx, (void **)&rb->trades, &rb->cap_trades, rb->n_trades + 1,
                                         sizeof *rb->trades);
    if (st)
        return st;
    hedge__trade_entry *e = &rb->trades[rb->n_trades++];
    memset(e, 0, sizeof *e);
    e->t = (hedge_trade)HEDGE_TRADE_INIT;
    snprintf(e->symbol, sizeof e->symbol, "%s", in->symbol);
    snprintf(e->venue, sizeof e->venue, "%s", in->venue);
    e->t.candidate = in->candidate;
    e->t.quantity = in->quantity;
    e->t.mid = in->mid;
    e->t.notional_usd = in->notional_usd;
    e->t.fee_usd = in->fee_usd;
    e->t.spread_usd = in->spread_usd;
    e->t.impact_usd = in->impact_usd;
    e->t.funding_usd = in->funding_usd;
    e->t.fixed_usd = in->fixed_usd;
    e->premium_usd = in->premium_usd;
    rb->fees_usd += in->fee_usd;
    rb->spread_usd += in->spread_usd;
    rb->impact_usd += in->impact_usd;
    rb->funding_usd += in->funding_usd;
    rb->fixed_usd += in->fixed_usd;
    rb->premium_usd += in->premium_usd;
    rb->cost_usd = rb->fees_usd + rb->spread_usd + rb->impact_usd + rb->funding_usd + rb->fixed_usd;
    return HEDGE_OK;
}

hedge_status hedge__result_add_limit(hedge__result_builder *rb, hedge_limit_kind kind, size_t index, int upper,
                                     double bound, double shadow_price, const char *name) {
    hedge_status st = hedge__vec_reserve(rb->ctx, (void **)&rb->limits, &rb->cap_limits, rb->n_limits + 1,
                                         sizeof *rb->limits);
    if (st)
        return st;
    hedge__limit_entry *e = &rb->limits[rb->n_limits++];
    memset(e, 0, sizeof *e);
    e->r = (hedge_limit_report)HEDGE_LIMIT_REPORT_INIT;
    e->r.kind = kind;
    e->r.index = index;
    e->r.upper = upper;
    e->r.bound = bound;
    e->r.shadow_price = shadow_price;
    snprintf(e->name, sizeof e->name, "%s", name);
    return HEDGE_OK;
}

hedge_status hedge__result_set_underlyings(hedge__result_builder *rb, const hedge_risk *risk,
                                           const hedge_market *market, const char (*names)[HEDGE__NAME_BYTES],
                                           size_t n) {
    size_t bytes;
    if (!hedge__mul_size(n + 1, sizeof *rb->under, &bytes))
        return hedge__fail(rb->ctx, HEDGE_ERR_TOO_LARGE, "hedge_solve: too many underlyings");
    hedge__under_entry *u = hedge__alloc(rb->ctx, bytes, 0);
    if (!u)
        return hedge__fail(rb->ctx, HEDGE_ERR_NOMEM, "hedge_solve: out of memory");
    memset(u, 0, bytes);
    size_t nb = hedge_risk_row_count(risk, HEDGE_BREAKDOWN_UNDERLYING);
    for (size_t i = 0; i <= n; i++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        if (i == n) {
            hedge_risk_total(&row, risk);
        } else {
            snprintf(u[i].name, sizeof u[i].name, "%s", names[i]);
            bool found = false;
            for (size_t r = 0; r < nb && !found; r++) {
                hedge_risk_row_get(&row, risk, HEDGE_BREAKDOWN_UNDERLYING, r);
                found = strcmp(row.underlying, names[i]) == 0;
            }
            if (!found) { /* an underlying only the candidates trade */
                row = (hedge_risk_row)HEDGE_RISK_ROW_INIT;
                if (hedge_snapshot_spot(&row.spot, hedge_market_snapshot(market), names[i]) != HEDGE_OK) {
                    row.spot = 0.0;
                    hedge_error_clear();
                }
            }
        }
        row.underlying = NULL;
        u[i].before = row;
        u[i].after = row;
    }
    rb->under = u;
    rb->n_under = n;
    return HEDGE_OK;
}

void hedge__result_add_greeks(hedge__result_builder *rb, size_t ui, const double g[5]) {
    hedge_risk_row *rows[2] = {&rb->under[ui].after, &rb->under[rb->n_under].after};
    for (int k = 0; k < 2; k++) {
        hedge_risk_row *r = rows[k];
        if (k == 0) {
            r->delta_coin += g[HEDGE_GREEK_DELTA_COIN];
            if (r->spot > 0.0)
                r->gamma_coin += g[HEDGE_GREEK_GAMMA_USD] * 100.0 / (r->spot * r->spot);
        }
        r->delta_usd += g[HEDGE_GREEK_DELTA_USD];
        r->gamma_usd += g[HEDGE_GREEK_GAMMA_USD];
        r->vega_usd += g[HEDGE_GREEK_VEGA_USD];
        r->theta_usd += g[HEDGE_GREEK_THETA_USD];
    }
}

double hedge__result_delta_addon(const hedge__result_builder *rb, double delta_addon) {
    double a = 0.0;
    for (size_t i = 0; i < rb->n_under; i++)
        a += delta_addon * fabs(rb->under[i].after.delta_usd);
    return a;
}

static int by_price(const void *pa, const void *pb) {
    const hedge__limit_entry *a = pa, *b = pb;
    if (a->r.shadow_price != b->r.shadow_price)
        return a->r.shadow_price > b->r.shadow_price ? -1 : 1;
    return (int)a->r.kind - (int)b->r.kind;
}

static bool row_finite(const hedge_risk_row *r) {
    return isfinite(r->delta_coin) && isfinite(r->gamma_coin) && isfinite(r->delta_usd) && isfinite(r->gamma_usd) &&
           isfinite(r->vega_usd) && isfinite(r->theta_usd);
}

/* Whether every number of the result that has no infinite meaning is finite: a book whose Greeks or
 * P&L overflow a double (a position of 1e308 contracts, found by fuzzing) has no hedge to report. */
static bool result_finite(const hedge__result_builder *rb) {
    const double sums[] = {rb->cost_usd,  rb->fees_usd,  rb->spread_usd,  rb->impact_usd,    rb->funding_usd,
                           rb->fixed_usd, rb->premium_usd, rb->std_before, rb->std_after,    rb->var_before,
                           rb->var_after, rb->cvar_before, rb->cvar_after, rb->margin_before, rb->margin_after};
    for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++)
        if (!isfinite(sums[i]))
            return false;
    for (size_t i = 0; rb->under && i <= rb->n_under; i++)
        if (!row_finite(&rb->under[i].before) || !row_finite(&rb->under[i].after))
            return false;
    for (size_t i = 0; i < rb->n_trades; i++) {
        const hedge_trade *t = &rb->trades[i].t;
        if (!isfinite(t->quantity) || !isfinite(t->mid) || !isfinite(t->notional_usd) || !isfinite(t->fee_usd) ||
            !isfinite(t->spread_usd) || !isfinite(t->impact_usd) || !isfinite(t->funding_usd) ||
            !isfinite(t->fixed_usd))
            return false;
    }
    for (size_t i = 0; i < rb->n_limits; i++)
        if (!isfinite(rb->limits[i].r.shadow_price))
            return false;
    return true;
}

hedge_status hedge__result_finish(hedge_result **out, hedge__result_builder *rb) {
    if (!result_finite(rb))
        return hedge__fail(rb->ctx, HEDGE_ERR_DOMAIN, "hedge_solve: the book's Greeks, P&L or the hedge's numbers "
                           "overflow a double (a position too large?)");
    hedge_result *r = hedge__alloc(rb->ctx, sizeof *r, 0);
    if (!r)
        return hedge__fail(rb->ctx, HEDGE_ERR_NOMEM, "hedge_solve: out of memory");
    if (rb->n_limits > 1)
        qsort(rb->limits, rb->n_limits, sizeof *rb->limits, by_price);
    r->b = *rb;
    /* ownership moved: the builder forgets its arrays */
    rb->trades = NULL;
    rb->limits = NULL;
    rb->under = NULL;
    rb->n_trades = rb->cap_trades = rb->n_limits = rb->cap_limits = rb->n_under = 0;
    *out = r;
    return HEDGE_OK;
}

HEDGE_API void hedge_result_destroy(hedge_result *r) {
    if (!r)
        return;
    hedge_context *ctx = r->b.ctx;
    hedge__result_builder_clear(&r->b);
    hedge__free(ctx, r, sizeof *r, 0);
}

HEDGE_API hedge_status hedge_result_summary(hedge_hedge_summary *summary, const hedge_result *r) {
    if (!summary || !r || summary->struct_size < offsetof(hedge_hedge_summary, objective))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_result_summary: NULL argument or struct_size too small");
    const hedge__result_builder *b = &r->b;
    hedge_hedge_summary s = {
        .struct_size = sizeof s, .status = b->status, .objective = b->objective, .cost_usd = b->cost_usd,
        .fees_usd = b->fees_usd, .spread_usd = b->spread_usd, .impact_usd = b->impact_usd,
        .funding_usd = b->funding_usd, .fixed_usd = b->fixed_usd, .premium_usd = b->premium_usd,
        .std_before = b->std_before, .std_after = b->std_after, .var_before = b->var_before, .var_after = b->var_after,
        .cvar_before = b->cvar_before, .cvar_after = b->cvar_after, .margin_before = b->margin_before,
        .margin_after = b->margin_after, .trades = b->n_trades, .scenarios = b->scenarios,
        .iterations = b->iterations, .solve_time_s = b->solve_time_s, .nodes = b->nodes};
    hedge__output_copy(summary, &s, sizeof s);
    return HEDGE_OK;
}

HEDGE_API size_t hedge_result_trade_count(const hedge_result *r) { return r ? r->b.n_trades : 0; }

HEDGE_API hedge_status hedge_result_trade(hedge_trade *trade, const hedge_result *r, size_t index) {
    if (!trade || !r || trade->struct_size < offsetof(hedge_trade, candidate) || index >= r->b.n_trades)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                           "hedge_result_trade: NULL argument, struct_size too small or index out of range");
    const hedge__trade_entry *e = &r->b.trades[index];
    hedge_trade t = e->t;
    t.symbol = e->symbol;
    t.venue = e->venue;
    hedge__output_copy(trade, &t, sizeof t);
    return HEDGE_OK;
}

HEDGE_API size_t hedge_result_underlying_count(const hedge_result *r) { return r ? r->b.n_under : 0; }

HEDGE_API hedge_status hedge_result_greeks(hedge_risk_row *before, hedge_risk_row *after, const hedge_result *r,
                                           size_t index) {
    static const char fn[] = "hedge_result_greeks";
    if (!r || index > r->b.n_under || (before && before->struct_size < offsetof(hedge_risk_row, venue)) ||
        (after && after->struct_size < offsetof(hedge_risk_row, venue)))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL result, struct_size too small or index out of range",
                           fn);
    const hedge__under_entry *e = &r->b.under[index];
    hedge_risk_row rows[2] = {e->before, e->after};
    hedge_risk_row *dst[2] = {before, after};
    for (int k = 0; k < 2; k++) {
        if (!dst[k])
            continue;
        rows[k].struct_size = sizeof rows[k];
        rows[k].underlying = index < r->b.n_under ? e->name : NULL;
        hedge__output_copy(dst[k], &rows[k], sizeof rows[k]);
    }
    return HEDGE_OK;
}

HEDGE_API size_t hedge_result_limit_count(const hedge_result *r) { return r ? r->b.n_limits : 0; }

HEDGE_API hedge_status hedge_result_limit(hedge_limit_report *report, const hedge_result *r, size_t index) {
    if (!report || !r || report->struct_size < offsetof(hedge_limit_report, kind) + sizeof(hedge_limit_kind) ||
        index >= r->b.n_limits)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                           "hedge_result_limit: NULL argument, struct_size too small or index out of range");
    hedge_limit_report l = r->b.limits[index].r;
    l.name = r->b.limits[index].name;
    hedge__output_copy(report, &l, sizeof l);
    return HEDGE_OK;
}
