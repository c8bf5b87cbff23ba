/*
 * The Greek-aggregation layer: every position valued off the market (hedge_instrument_value),
 * scaled by its quantity and added into rows by underlying, by expiry and by venue. Rows are few
 * (tens), so each position finds its rows by a linear scan of a small array.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_rwlock_t */

#include "core/internal.h"
#include "market/market_internal.h"
#include "risk/risk_internal.h"

#include <hedge/risk.h>
#include <hedge/valuation.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_BREAKDOWNS = 5, MAX_TENORS = 64 };

typedef struct racc {
    char underlying[32], venue[32], symbol[128];
    int64_t expiry_ms;
    double tenor_days; /* the bucket's upper edge (tenor rows); for a position: its time to expiry in days */
    size_t positions;
    double quantity, spot;
    double value_usd, delta_coin, delta_usd, gamma_coin, gamma_usd, vega_usd, theta_usd, beta_delta_usd;
} racc;

struct hedge_risk {
    hedge_context *ctx;
    racc *rows[N_BREAKDOWNS];
    size_t n[N_BREAKDOWNS], cap[N_BREAKDOWNS];
    racc total;
    double ref_spot; /* 0 without a beta reference */
};

HEDGE_API void hedge_risk_destroy(hedge_risk *r) {
    if (!r)
        return;
    for (int b = 0; b < N_BREAKDOWNS; b++)
        hedge__free(r->ctx, r->rows[b], r->cap[b] * sizeof(racc), 0);
    hedge__free(r->ctx, r, sizeof *r, 0);
}

static void add_into(racc *row, const racc *one) {
    row->positions += one->positions;
    row->value_usd += one->value_usd;
    row->delta_coin += one->delta_coin;
    row->delta_usd += one->delta_usd;
    row->gamma_coin += one->gamma_coin;
    row->gamma_usd += one->gamma_usd;
    row->vega_usd += one->vega_usd;
    row->theta_usd += one->theta_usd;
    row->beta_delta_usd += one->beta_delta_usd;
}

/* The row of breakdown `b` that `one` belongs to, created (zeroed, keyed) if new. */
static hedge_status row_for(hedge_risk *r, int b, const racc *one, racc **out) {
    for (size_t i = 0; i < r->n[b]; i++) {
        racc *row = &r->rows[b][i];
        if (strcmp(row->underlying, one->underlying) == 0 &&
            (b != HEDGE_BREAKDOWN_EXPIRY || row->expiry_ms == one->expiry_ms) &&
            (b != HEDGE_BREAKDOWN_TENOR || row->tenor_days == one->tenor_days) &&
            (b != HEDGE_BREAKDOWN_VENUE || strcmp(row->venue, one->venue) == 0)) {
            *out = row;
            return HEDGE_OK;
        }
    }
    hedge_status st = hedge__vec_reserve(r->ctx, (void **)&r->rows[b], &r->cap[b], r->n[b] + 1, sizeof(racc));
    if (st)
        return st;
    racc *row = &r->rows[b][r->n[b]++];
    memset(row, 0, sizeof *row);
    memcpy(row->underlying, one->underlying, sizeof row->underlying);
    row->spot = one->spot;
    if (b == HEDGE_BREAKDOWN_EXPIRY)
        row->expiry_ms = one->expiry_ms;
    if (b == HEDGE_BREAKDOWN_VENUE)
        memcpy(row->venue, one->venue, sizeof row->venue);
    if (b == HEDGE_BREAKDOWN_TENOR)
        row->tenor_days = one->tenor_days;
    *out = row;
    return HEDGE_OK;
}

static int by_key(const void *pa, const void *pb) {
    const racc *a = pa, *b = pb;
    int c = strcmp(a->underlying, b->underlying);
    if (c)
        return c;
    if (a->expiry_ms != b->expiry_ms)
        return a->expiry_ms < b->expiry_ms ? -1 : 1;
    if (a->tenor_days != b->tenor_days)
        return a->tenor_days < b->tenor_days ? -1 : 1;
    return strcmp(a->venue, b->venue);
}

static double beta_of(const hedge_risk_options *o, const char *underlying) {
    for (size_t i = 0; i < o->n_betas; i++)
        if (strcmp(o->beta_underlyings[i], underlying) == 0)
            return o->betas[i];
    return 1.0;
}

/* Values position k into `one`; on failure the message names the position. */
static hedge_status value_position(const char *fn, const hedge__pos *p, const hedge_market *market,
                                   const hedge_risk_options *o, racc *one) {
    const hedge_instrument_spec *sp = &p->instrument->spec;
    const hedge_vol_surface *surface = NULL;
    hedge_status st = HEDGE_OK;
    if (sp->kind == HEDGE_INSTRUMENT_OPTION && (st = hedge_market_surface(&surface, market, sp->underlying)))
        return hedge__fail(NULL, st, "%s: position %s: no volatility surface for %s", fn, sp->symbol,
                           sp->underlying);
    hedge_valuation v = HEDGE_VALUATION_INIT;
    if ((st = hedge_instrument_value(&v, p->instrument, hedge_market_snapshot(market), surface))) {
        char why[256];
        snprintf(why, sizeof why, "%s", hedge_error_message());
        return hedge__fail(NULL, st, "%s: position %s: %s", fn, sp->symbol, why);
    }
    double q = p->quantity;
    memset(one, 0, sizeof *one);
    snprintf(one->underlying, sizeof one->underlying, "%s", sp->underlying);
    snprintf(one->venue, sizeof one->venue, "%s", sp->venue ? sp->venue : "");
    snprintf(one->symbol, sizeof one->symbol, "%s", sp->symbol);
    one->expiry_ms = sp->kind == HEDGE_INSTRUMENT_OPTION || sp->kind == HEDGE_INSTRUMENT_FUTURE ? sp->expiry_ms : 0;
    one->tenor_days = v.time_to_expiry * 365.0;
    one->positions = 1;
    one->quantity = q;
    one->spot = v.spot;
    one->value_usd = q * v.value_usd;
    one->delta_coin = q * v.delta_coin;
    one->delta_usd = q * v.delta_usd;
    one->gamma_coin = q * v.gamma_coin;
    one->gamma_usd = one->gamma_coin * v.spot * v.spot / 100.0;
    one->vega_usd = q * v.vega_usd;
    one->theta_usd = q * v.theta_usd;
    one->beta_delta_usd = beta_of(o, sp->underlying) * one->delta_usd;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_risk_compute(hedge_risk **out, hedge_context *ctx, const hedge_portfolio *portfolio,
                                          const hedge_market *market, const hedge_risk_options *options) {
    static const char fn[] = "hedge_risk_compute";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !portfolio || !market)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge_risk_options o = HEDGE_RISK_OPTIONS_INIT;
    hedge_status st = HEDGE_OK;
    if (options && (st = hedge__options_copy(&o, sizeof o, options, fn)))
        return st;
    if (o.n_betas && (!o.beta_underlyings || !o.betas))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %zu betas without their arrays", fn, o.n_betas);
    for (size_t i = 0; i < o.n_betas; i++) {
        if (!o.beta_underlyings[i])
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: beta underlying %zu is NULL", fn, i);
        if (!isfinite(o.betas[i]))
            return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: beta of %s must be finite, got %g", fn,
                               o.beta_underlyings[i], o.betas[i]);
    }
    static const double default_tenors[] = {7, 30, 90, 180, 365};
    const double *tenors = o.n_tenors ? o.tenor_days : default_tenors;
    size_t n_tenors = o.n_tenors ? o.n_tenors : sizeof default_tenors / sizeof default_tenors[0];
    if (o.n_tenors && !o.tenor_days)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %zu tenor edges without their array", fn, o.n_tenors);
    if (n_tenors > MAX_TENORS)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: at most %d tenor edges, got %zu", fn, MAX_TENORS,
                           n_tenors);
    for (size_t i = 0; i < n_tenors; i++)
        if (!(tenors[i] > (i ? tenors[i - 1] : 0.0)) || !isfinite(tenors[i]))
            return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: tenor edges must be finite, > 0 and increasing (edge %zu "
                               "is %g)", fn, i, tenors[i]);
    double ref_spot = 0.0;
    if (o.beta_reference &&
        (st = hedge_snapshot_spot(&ref_spot, hedge_market_snapshot(market), o.beta_reference)))
        return st;

    hedge_risk *r = hedge__alloc(ctx, sizeof *r, 0);
    if (!r)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->ref_spot = ref_spot;

    hedge__portfolio_rdlock(portfolio);
    if (o.per_position)
        st = hedge__vec_reserve(ctx, (void **)&r->rows[HEDGE_BREAKDOWN_POSITION], &r->cap[HEDGE_BREAKDOWN_POSITION],
                                portfolio->n, sizeof(racc));
    for (size_t k = 0; st == HEDGE_OK && k < portfolio->n; k++) {
        racc one;
        if ((st = value_position(fn, &portfolio->pos[k], market, &o, &one)))
            break;
        for (int b = HEDGE_BREAKDOWN_UNDERLYING; st == HEDGE_OK && b < N_BREAKDOWNS; b++) {
            racc *row;
            if (b == HEDGE_BREAKDOWN_POSITION) {
                if (o.per_position)
                    r->rows[b][r->n[b]++] = one;
            } else if (b == HEDGE_BREAKDOWN_TENOR) {
                /* the first edge at or beyond the position's tenor, else +infinity */
                racc key = one;
                key.tenor_days = INFINITY;
                for (size_t t = 0; t < n_tenors; t++)
                    if (one.tenor_days <= tenors[t]) {
                        key.tenor_days = tenors[t];
                        break;
                    }
                if ((st = row_for(r, b, &key, &row)) == HEDGE_OK)
                    add_into(row, &one);
            } else if ((st = row_for(r, b, &one, &row)) == HEDGE_OK) {
                add_into(row, &one);
            }
        }
        if (st == HEDGE_OK) {
            add_into(&r->total, &one);
        }
    }
    hedge__portfolio_unlock(portfolio);
    if (st) {
        hedge_risk_destroy(r);
        return st;
    }
    /* the whole book mixes coins: its coin figures would not add up */
    r->total.delta_coin = r->total.gamma_coin = 0.0;
    for (int b = HEDGE_BREAKDOWN_UNDERLYING; b < N_BREAKDOWNS; b++)
        if (b != HEDGE_BREAKDOWN_POSITION && r->n[b] > 1)
            qsort(r->rows[b], r->n[b], sizeof(racc), by_key);
    *out = r;
    return HEDGE_OK;
}

HEDGE_API size_t hedge_risk_row_count(const hedge_risk *r, hedge_breakdown by) {
    if (!r || (int)by < 0 || (int)by >= N_BREAKDOWNS)
        return 0;
    return r->n[by];
}

static void fill(hedge_risk_row *dst, const racc *a, const hedge_risk *r, hedge_breakdown by, bool total) {
    hedge_risk_row row = HEDGE_RISK_ROW_INIT;
    row.underlying = total ? NULL : a->underlying;
    row.venue = by == HEDGE_BREAKDOWN_VENUE || by == HEDGE_BREAKDOWN_POSITION ? a->venue : NULL;
    row.symbol = by == HEDGE_BREAKDOWN_POSITION ? a->symbol : NULL;
    row.expiry_ms = by == HEDGE_BREAKDOWN_EXPIRY || by == HEDGE_BREAKDOWN_POSITION ? a->expiry_ms : 0;
    row.positions = a->positions;
    row.quantity = by == HEDGE_BREAKDOWN_POSITION ? a->quantity : 0.0;
    row.spot = total ? 0.0 : a->spot;
    row.value_usd = a->value_usd;
    row.delta_coin = a->delta_coin;
    row.delta_usd = a->delta_usd;
    row.gamma_coin = a->gamma_coin;
    row.gamma_usd = a->gamma_usd;
    row.vega_usd = a->vega_usd;
    row.theta_usd = a->theta_usd;
    row.beta_delta_usd = a->beta_delta_usd;
    row.beta_delta_ref = r->ref_spot > 0.0 ? a->beta_delta_usd / r->ref_spot : 0.0;
    row.tenor_days = by == HEDGE_BREAKDOWN_TENOR && !total ? a->tenor_days : 0.0;
    hedge__output_copy(dst, &row, sizeof row);
}

static hedge_status row_ok(const char *fn, const hedge_risk_row *row, const hedge_risk *r) {
    if (!row || !r)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (row->struct_size < offsetof(hedge_risk_row, beta_delta_usd) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: row->struct_size %zu is too small (set it with "
                           "HEDGE_RISK_ROW_INIT)", fn, row->struct_size);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_risk_row_get(hedge_risk_row *row, const hedge_risk *r, hedge_breakdown by,
                                          size_t index) {
    static const char fn[] = "hedge_risk_row_get";
    hedge_status st = row_ok(fn, row, r);
    if (st)
        return st;
    if ((int)by < 0 || (int)by >= N_BREAKDOWNS)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown breakdown %d", fn, (int)by);
    if (index >= r->n[by])
        return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: row %zu is past the %zu rows", fn, index, r->n[by]);
    fill(row, &r->rows[by][index], r, by, false);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_risk_total(hedge_risk_row *row, const hedge_risk *r) {
    hedge_status st = row_ok("hedge_risk_total", row, r);
    if (st)
        return st;
    fill(row, &r->total, r, HEDGE_BREAKDOWN_UNDERLYING, true);
    return HEDGE_OK;
}
