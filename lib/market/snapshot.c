/* Market snapshots: a builder collects and validates, finish() sorts, combines sources and freezes. */
#include "core/internal.h"
#include "market/market_internal.h"

#include <hedge/snapshot.h>
#include <hedge/types.h>

#include <math.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

HEDGE_API void hedge_snapshot_options_init(hedge_snapshot_options *options) {
    if (!options)
        return;
    const hedge_snapshot_options defaults = HEDGE_SNAPSHOT_OPTIONS_INIT;
    *options = defaults;
}

static void free_data(const hedge_context *ctx, market_data *d) {
    for (size_t i = 0; i < d->n_und; i++) {
        hedge__free(ctx, d->und[i].fwd, d->und[i].cap_fwd * sizeof(forward_point), 0);
        hedge__free(ctx, d->und[i].src, d->und[i].cap_src * sizeof(source_entry), 0);
    }
    hedge__free(ctx, d->und, d->cap_und * sizeof(underlying_entry), 0);
    for (size_t i = 0; i < d->n_quotes; i++)
        hedge__free(ctx, d->quotes[i].levels, (d->quotes[i].q.n_bids + d->quotes[i].q.n_asks) * sizeof(hedge_depth_level),
                    0);
    hedge__free(ctx, d->quotes, d->cap_quotes * sizeof(quote_entry), 0);
    hedge__free(ctx, d->funding, d->cap_funding * sizeof(funding_entry), 0);
    memset(d, 0, sizeof *d);
}

HEDGE_API hedge_status hedge_snapshot_builder_create(hedge_snapshot_builder **out, hedge_context *ctx,
                                                     int64_t valuation_ms, const hedge_snapshot_options *options) {
    static const char fn[] = "hedge_snapshot_builder_create";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: ctx is NULL", fn);
    hedge_snapshot_options o = HEDGE_SNAPSHOT_OPTIONS_INIT;
    hedge_status st;
    if (options && (st = hedge__options_copy(&o, sizeof o, options, fn)) != HEDGE_OK)
        return st;
    if (o.default_max_age_ms <= 0)
        return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: default_max_age_ms must be > 0 (got %lld)", fn,
                           (long long)o.default_max_age_ms);
    if (!isfinite(o.source_max_deviation) || o.source_max_deviation <= 0)
        return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: source_max_deviation must be finite and > 0 (got %g)", fn,
                           o.source_max_deviation);
    if (o.source_min_count == 0)
        return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: source_min_count must be >= 1", fn);
    hedge_snapshot_builder *b = hedge__alloc(ctx, sizeof *b, alignof(hedge_snapshot_builder));
    if (!b)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate the builder", fn);
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
    b->valuation_ms = valuation_ms;
    b->opt = o;
    *out = b;
    return HEDGE_OK;
}

HEDGE_API void hedge_snapshot_builder_destroy(hedge_snapshot_builder *builder) {
    if (!builder)
        return;
    free_data(builder->ctx, &builder->d);
    hedge__free(builder->ctx, builder, sizeof *builder, alignof(hedge_snapshot_builder));
}

/* ---- validation helpers --------------------------------------------------------------------- */

static hedge_status check_name(const hedge_context *ctx, const char *fn, const char *what, const char *s, size_t cap) {
    if (!s)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s is NULL", fn, what);
    size_t n = 0;
    while (n < cap && s[n])
        n++;
    if (n == 0 || n >= cap)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s must have 1 to %zu bytes", fn, what, cap - 1);
    return HEDGE_OK;
}

static hedge_status check_time(const hedge_snapshot_builder *b, const char *fn, const char *what, int64_t ts,
                               int64_t max_age) {
    if (ts > b->valuation_ms)
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s observed at %lld, after the valuation time %lld", fn,
                           what, (long long)ts, (long long)b->valuation_ms);
    if (max_age < 0)
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s: max_age_ms must be >= 0 (got %lld)", fn, what,
                           (long long)max_age);
    return HEDGE_OK;
}

/* The age of an observation, ts <= valuation_ms: as unsigned, since the difference of two int64
 * values (a timestamp of INT64_MIN, say) can exceed INT64_MAX. */
static uint64_t age_ms(int64_t valuation_ms, int64_t ts) { return (uint64_t)valuation_ms - (uint64_t)ts; }

static bool is_stale(int64_t valuation_ms, int64_t ts, int64_t max_age) {
    return age_ms(valuation_ms, ts) > (uint64_t)max_age;
}

/* Finds an underlying, or appends a fresh entry for it (the builder only grows on success). */
static hedge_status find_or_add_underlying(hedge_snapshot_builder *b, const char *name, underlying_entry **out) {
    for (size_t i = 0; i < b->d.n_und; i++)
        if (strcmp(b->d.und[i].name, name) == 0) {
            *out = &b->d.und[i];
            return HEDGE_OK;
        }
    hedge_status st = hedge__vec_reserve(b->ctx, (void **)&b->d.und, &b->d.cap_und, b->d.n_und + 1,
                                         sizeof(underlying_entry));
    if (st != HEDGE_OK)
        return st;
    underlying_entry *u = &b->d.und[b->d.n_und++];
    memset(u, 0, sizeof *u);
    strcpy(u->name, name);
    *out = u;
    return HEDGE_OK;
}

/* ---- adding data ---------------------------------------------------------------------------- */

HEDGE_API hedge_status hedge_snapshot_builder_set_spot(hedge_snapshot_builder *b, const char *underlying, double spot,
                                                       int64_t timestamp_ms, int64_t max_age_ms) {
    static const char fn[] = "hedge_snapshot_builder_set_spot";
    if (!b)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: builder is NULL", fn);
    hedge_status st;
    if ((st = check_name(b->ctx, fn, "underlying", underlying, NAME_CAP)) != HEDGE_OK)
        return st;
    if (!isfinite(spot) || spot <= 0)
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s: spot must be finite and > 0 (got %g)", fn, underlying,
                           spot);
    if ((st = check_time(b, fn, underlying, timestamp_ms, max_age_ms)) != HEDGE_OK)
        return st;
    underlying_entry *u;
    if ((st = find_or_add_underlying(b, underlying, &u)) != HEDGE_OK)
        return st;
    if (u->has_spot || u->n_src > 0)
        return hedge__fail(b->ctx, HEDGE_ERR_EXISTS, "%s: %s already has a spot or price sources", fn, underlying);
    u->has_spot = true;
    u->spot = spot;
    u->spot_ts = timestamp_ms;
    u->spot_max_age = max_age_ms ? max_age_ms : b->opt.default_max_age_ms;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_builder_add_source(hedge_snapshot_builder *b, const char *underlying,
                                                         const char *source, double price, int64_t timestamp_ms,
                                                         int64_t max_age_ms) {
    static const char fn[] = "hedge_snapshot_builder_add_source";
    if (!b)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: builder is NULL", fn);
    hedge_status st;
    if ((st = check_name(b->ctx, fn, "underlying", underlying, NAME_CAP)) != HEDGE_OK ||
        (st = check_name(b->ctx, fn, "source", source, NAME_CAP)) != HEDGE_OK)
        return st;
    if (!isfinite(price) || price <= 0)
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s from %s: price must be finite and > 0 (got %g)", fn,
                           underlying, source, price);
    if ((st = check_time(b, fn, source, timestamp_ms, max_age_ms)) != HEDGE_OK)
        return st;
    underlying_entry *u;
    if ((st = find_or_add_underlying(b, underlying, &u)) != HEDGE_OK)
        return st;
    if (u->has_spot)
        return hedge__fail(b->ctx, HEDGE_ERR_EXISTS, "%s: %s has a spot set directly", fn, underlying);
    for (size_t i = 0; i < u->n_src; i++)
        if (strcmp(u->src[i].name, source) == 0)
            return hedge__fail(b->ctx, HEDGE_ERR_EXISTS, "%s: %s already has source %s", fn, underlying, source);
    if ((st = hedge__vec_reserve(b->ctx, (void **)&u->src, &u->cap_src, u->n_src + 1, sizeof(source_entry))) !=
        HEDGE_OK)
        return st;
    source_entry *e = &u->src[u->n_src++];
    memset(e, 0, sizeof *e);
    strcpy(e->name, source);
    e->price = price;
    e->timestamp_ms = timestamp_ms;
    e->max_age_ms = max_age_ms ? max_age_ms : b->opt.default_max_age_ms;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_builder_set_rate(hedge_snapshot_builder *b, const char *underlying, double rate) {
    static const char fn[] = "hedge_snapshot_builder_set_rate";
    if (!b)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: builder is NULL", fn);
    hedge_status st;
    if ((st = check_name(b->ctx, fn, "underlying", underlying, NAME_CAP)) != HEDGE_OK)
        return st;
    if (!isfinite(rate))
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s: rate must be finite (got %g)", fn, underlying, rate);
    underlying_entry *u;
    if ((st = find_or_add_underlying(b, underlying, &u)) != HEDGE_OK)
        return st;
    u->rate = rate;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_builder_add_forward(hedge_snapshot_builder *b, const char *underlying,
                                                          int64_t expiry_ms, double forward) {
    static const char fn[] = "hedge_snapshot_builder_add_forward";
    if (!b)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: builder is NULL", fn);
    hedge_status st;
    if ((st = check_name(b->ctx, fn, "underlying", underlying, NAME_CAP)) != HEDGE_OK)
        return st;
    if (!isfinite(forward) || forward <= 0)
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s: forward must be finite and > 0 (got %g)", fn, underlying,
                           forward);
    if (expiry_ms <= b->valuation_ms)
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s: expiry %lld is not after the valuation time %lld", fn,
                           underlying, (long long)expiry_ms, (long long)b->valuation_ms);
    underlying_entry *u;
    if ((st = find_or_add_underlying(b, underlying, &u)) != HEDGE_OK)
        return st;
    for (size_t i = 0; i < u->n_fwd; i++)
        if (u->fwd[i].expiry_ms == expiry_ms)
            return hedge__fail(b->ctx, HEDGE_ERR_EXISTS, "%s: %s already has a forward at %lld", fn, underlying,
                               (long long)expiry_ms);
    if ((st = hedge__vec_reserve(b->ctx, (void **)&u->fwd, &u->cap_fwd, u->n_fwd + 1, sizeof(forward_point))) !=
        HEDGE_OK)
        return st;
    /* keep the curve sorted by expiry as it is built: curves are short */
    size_t i = u->n_fwd++;
    while (i > 0 && u->fwd[i - 1].expiry_ms > expiry_ms) {
        u->fwd[i] = u->fwd[i - 1];
        i--;
    }
    u->fwd[i].expiry_ms = expiry_ms;
    u->fwd[i].forward = forward;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_builder_set_funding(hedge_snapshot_builder *b, const char *symbol, double rate,
                                                          double predicted, int64_t timestamp_ms,
                                                          int64_t max_age_ms) {
    static const char fn[] = "hedge_snapshot_builder_set_funding";
    if (!b)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: builder is NULL", fn);
    hedge_status st;
    if ((st = check_name(b->ctx, fn, "symbol", symbol, SYMBOL_CAP)) != HEDGE_OK)
        return st;
    if (!isfinite(rate) || !isfinite(predicted))
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s: rates must be finite (got %g, %g)", fn, symbol, rate,
                           predicted);
    if ((st = check_time(b, fn, symbol, timestamp_ms, max_age_ms)) != HEDGE_OK)
        return st;
    for (size_t i = 0; i < b->d.n_funding; i++)
        if (strcmp(b->d.funding[i].symbol, symbol) == 0)
            return hedge__fail(b->ctx, HEDGE_ERR_EXISTS, "%s: %s already has funding", fn, symbol);
    if ((st = hedge__vec_reserve(b->ctx, (void **)&b->d.funding, &b->d.cap_funding, b->d.n_funding + 1,
                                 sizeof(funding_entry))) != HEDGE_OK)
        return st;
    funding_entry *f = &b->d.funding[b->d.n_funding++];
    memset(f, 0, sizeof *f);
    strcpy(f->symbol, symbol);
    f->rate = rate;
    f->predicted = predicted;
    f->timestamp_ms = timestamp_ms;
    f->max_age_ms = max_age_ms ? max_age_ms : b->opt.default_max_age_ms;
    return HEDGE_OK;
}

/* A ladder must start at the top of book and move away from it strictly, with positive sizes. */
static hedge_status check_ladder(const hedge_context *ctx, const hedge_quote *q, const hedge_depth_level *lv, size_t n,
                                 double top, double top_size, int dir, const char *side) {
    static const char fn[] = "hedge_snapshot_builder_add_quote";
    if (n > 0 && !lv)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s@%s: %s ladder is NULL with %zu levels", fn, q->symbol,
                           q->venue, side, n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(lv[i].price) || lv[i].price <= 0 || !isfinite(lv[i].size) || lv[i].size <= 0)
            return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: %s@%s: %s level %zu must have finite price and size > 0",
                               fn, q->symbol, q->venue, side, i);
        if (i == 0 && (lv[0].price != top || lv[0].size != top_size))
            return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: %s@%s: %s ladder must start at the top of book", fn,
                               q->symbol, q->venue, side);
        if (i > 0 && !(dir * (lv[i].price - lv[i - 1].price) > 0))
            return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: %s@%s: %s ladder is not strictly ordered at level %zu", fn,
                               q->symbol, q->venue, side, i);
    }
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_builder_add_quote(hedge_snapshot_builder *b, const hedge_quote *quote) {
    static const char fn[] = "hedge_snapshot_builder_add_quote";
    if (!b || !quote)
        return hedge__fail(b ? b->ctx : NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge_quote q = HEDGE_QUOTE_INIT;
    hedge_status st = hedge__options_copy(&q, sizeof q, quote, fn);
    if (st != HEDGE_OK)
        return st;
    if ((st = check_name(b->ctx, fn, "symbol", q.symbol, SYMBOL_CAP)) != HEDGE_OK ||
        (st = check_name(b->ctx, fn, "venue", q.venue, NAME_CAP)) != HEDGE_OK)
        return st;
    const double v[4] = {q.bid, q.ask, q.bid_size, q.ask_size};
    for (int i = 0; i < 4; i++)
        if (!isfinite(v[i]) || v[i] < 0)
            return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN,
                               "%s: %s@%s: bid, ask and sizes must be finite and >= 0 (got %g, %g, %g, %g)", fn,
                               q.symbol, q.venue, q.bid, q.ask, q.bid_size, q.ask_size);
    if ((q.bid > 0) != (q.bid_size > 0) || (q.ask > 0) != (q.ask_size > 0))
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s@%s: a side needs both a price and a size, or neither", fn,
                           q.symbol, q.venue);
    if (q.bid > 0 && q.ask > 0 && q.bid > q.ask)
        return hedge__fail(b->ctx, HEDGE_ERR_DOMAIN, "%s: %s@%s: crossed book (bid %g > ask %g)", fn, q.symbol, q.venue,
                           q.bid, q.ask);
    if ((st = check_ladder(b->ctx, &q, q.bids, q.n_bids, q.bid, q.bid_size, -1, "bid")) != HEDGE_OK ||
        (st = check_ladder(b->ctx, &q, q.asks, q.n_asks, q.ask, q.ask_size, +1, "ask")) != HEDGE_OK)
        return st;
    if ((st = check_time(b, fn, q.symbol, q.timestamp_ms, q.max_age_ms)) != HEDGE_OK)
        return st;

    size_t nlev = q.n_bids + q.n_asks, bytes;
    if (nlev < q.n_bids || !hedge__mul_size(nlev, sizeof(hedge_depth_level), &bytes))
        return hedge__fail(b->ctx, HEDGE_ERR_TOO_LARGE, "%s: %s@%s: ladder too large", fn, q.symbol, q.venue);
    hedge_depth_level *levels = NULL;
    if (nlev > 0 && !(levels = hedge__alloc(b->ctx, bytes, 0)))
        return hedge__fail(b->ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate %zu ladder levels", fn, nlev);
    if ((st = hedge__vec_reserve(b->ctx, (void **)&b->d.quotes, &b->d.cap_quotes, b->d.n_quotes + 1,
                                 sizeof(quote_entry))) != HEDGE_OK) {
        hedge__free(b->ctx, levels, bytes, 0);
        return st;
    }
    quote_entry *e = &b->d.quotes[b->d.n_quotes++];
    memset(e, 0, sizeof *e);
    strcpy(e->symbol, q.symbol);
    strcpy(e->venue, q.venue);
    if (q.n_bids)
        memcpy(levels, q.bids, q.n_bids * sizeof *levels);
    if (q.n_asks)
        memcpy(levels + q.n_bids, q.asks, q.n_asks * sizeof *levels);
    e->levels = levels;
    e->q = q;
    e->q.struct_size = sizeof(hedge_quote);
    if (e->q.max_age_ms == 0)
        e->q.max_age_ms = b->opt.default_max_age_ms;
    /* the string and ladder pointers are fixed up at finish, once the array no longer moves */
    return HEDGE_OK;
}

/* ---- finishing ------------------------------------------------------------------------------ */

static int cmp_quote(const void *a, const void *b) {
    const quote_entry *x = a, *y = b;
    int c = strcmp(x->symbol, y->symbol);
    return c ? c : strcmp(x->venue, y->venue);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_sorted(const double *v, size_t n) { return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]); }

/* Median of the fresh sources, then the median of those within max_dev of it. */
static void combine_sources(underlying_entry *u, const hedge_snapshot_builder *b, double *scratch) {
    size_t n = 0;
    for (size_t i = 0; i < u->n_src; i++) {
        source_entry *s = &u->src[i];
        s->verdict = is_stale(b->valuation_ms, s->timestamp_ms, s->max_age_ms) ? HEDGE_SOURCE_STALE
                                                                                : HEDGE_SOURCE_ACCEPTED;
        if (s->verdict == HEDGE_SOURCE_ACCEPTED)
            scratch[n++] = s->price;
    }
    u->has_spot = true;
    u->spot_stale = true;
    u->spot_ts = b->valuation_ms;
    u->spot_max_age = INT64_MAX;
    if (n == 0)
        return;
    qsort(scratch, n, sizeof *scratch, cmp_double);
    double med = median_sorted(scratch, n);
    size_t m = 0;
    for (size_t i = 0; i < u->n_src; i++) {
        source_entry *s = &u->src[i];
        if (s->verdict != HEDGE_SOURCE_ACCEPTED)
            continue;
        if (fabs(s->price - med) > b->opt.source_max_deviation * med)
            s->verdict = HEDGE_SOURCE_OUTLIER;
        else
            scratch[m++] = s->price;
    }
    if (m < b->opt.source_min_count)
        return;
    qsort(scratch, m, sizeof *scratch, cmp_double);
    u->spot = median_sorted(scratch, m);
    u->spot_stale = false;
}

HEDGE_API hedge_status hedge_snapshot_builder_finish(hedge_snapshot **out, hedge_snapshot_builder *b) {
    static const char fn[] = "hedge_snapshot_builder_finish";
    if (out)
        *out = NULL; /* documented: NULL on every failure, the NULL builder included */
    if (!out || !b)
        return hedge__fail(b ? b->ctx : NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    *out = NULL;
    size_t max_src = 0;
    for (size_t i = 0; i < b->d.n_und; i++)
        if (b->d.und[i].n_src > max_src)
            max_src = b->d.und[i].n_src;
    /* everything that can fail happens before the builder is touched */
    hedge_snapshot *s = hedge__alloc(b->ctx, sizeof *s, alignof(hedge_snapshot));
    double *scratch = max_src ? hedge__alloc(b->ctx, max_src * sizeof(double), 0) : NULL;
    if (!s || (max_src && !scratch)) {
        hedge__free(b->ctx, s, sizeof *s, alignof(hedge_snapshot));
        hedge__free(b->ctx, scratch, max_src * sizeof(double), 0);
        return hedge__fail(b->ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate the snapshot", fn);
    }
    if (b->d.n_quotes > 1) /* qsort's base may not be NULL, even for no elements */
        qsort(b->d.quotes, b->d.n_quotes, sizeof(quote_entry), cmp_quote);
    for (size_t i = 1; i < b->d.n_quotes; i++)
        if (cmp_quote(&b->d.quotes[i - 1], &b->d.quotes[i]) == 0) {
            hedge__free(b->ctx, s, sizeof *s, alignof(hedge_snapshot));
            hedge__free(b->ctx, scratch, max_src * sizeof(double), 0);
            return hedge__fail(b->ctx, HEDGE_ERR_EXISTS, "%s: two quotes for %s on %s", fn, b->d.quotes[i].symbol,
                               b->d.quotes[i].venue);
        }
    for (size_t i = 0; i < b->d.n_und; i++)
        if (b->d.und[i].n_src > 0)
            combine_sources(&b->d.und[i], b, scratch);
    hedge__free(b->ctx, scratch, max_src * sizeof(double), 0);
    for (size_t i = 0; i < b->d.n_quotes; i++) {
        quote_entry *e = &b->d.quotes[i];
        e->q.symbol = e->symbol;
        e->q.venue = e->venue;
        e->q.bids = e->q.n_bids ? e->levels : NULL;
        e->q.asks = e->q.n_asks ? e->levels + e->q.n_bids : NULL;
    }
    atomic_init(&s->refs, 1);
    s->ctx = b->ctx;
    s->valuation_ms = b->valuation_ms;
    s->opt = b->opt;
    s->d = b->d;
    memset(&b->d, 0, sizeof b->d);
    *out = s;
    return HEDGE_OK;
}

HEDGE_API hedge_snapshot *hedge_snapshot_ref(const hedge_snapshot *snapshot) {
    if (!snapshot)
        return NULL;
    hedge_snapshot *s = (hedge_snapshot *)(uintptr_t)snapshot;
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

HEDGE_API void hedge_snapshot_destroy(hedge_snapshot *snapshot) {
    if (!snapshot)
        return;
    if (atomic_fetch_sub_explicit(&snapshot->refs, 1, memory_order_release) != 1)
        return;
    atomic_thread_fence(memory_order_acquire);
    free_data(snapshot->ctx, &snapshot->d);
    hedge__free(snapshot->ctx, snapshot, sizeof *snapshot, alignof(hedge_snapshot));
}

/* ---- queries -------------------------------------------------------------------------------- */

HEDGE_API int64_t hedge_snapshot_valuation_ms(const hedge_snapshot *snapshot) { return snapshot->valuation_ms; }

static const underlying_entry *find_underlying(const hedge_snapshot *s, const char *name) {
    for (size_t i = 0; i < s->d.n_und; i++)
        if (strcmp(s->d.und[i].name, name) == 0)
            return &s->d.und[i];
    return NULL;
}

static hedge_status spot_of(double *spot, const hedge_snapshot *s, const char *underlying, const char *fn) {
    const underlying_entry *u = find_underlying(s, underlying);
    if (!u || !u->has_spot)
        return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: no spot for %s", fn, underlying);
    if (u->spot_stale)
        return hedge__fail(NULL, HEDGE_ERR_STALE, "%s: %s: too few fresh, agreeing price sources", fn, underlying);
    if (is_stale(s->valuation_ms, u->spot_ts, u->spot_max_age))
        return hedge__fail(NULL, HEDGE_ERR_STALE, "%s: %s: spot is %llu ms old, limit %lld", fn, underlying,
                           (unsigned long long)age_ms(s->valuation_ms, u->spot_ts), (long long)u->spot_max_age);
    *spot = u->spot;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_spot(double *spot, const hedge_snapshot *snapshot, const char *underlying) {
    if (!spot || !snapshot || !underlying)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_snapshot_spot: NULL argument");
    return spot_of(spot, snapshot, underlying, "hedge_snapshot_spot");
}

HEDGE_API hedge_status hedge_snapshot_rate(double *rate, const hedge_snapshot *snapshot, const char *underlying) {
    if (!rate || !snapshot || !underlying)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_snapshot_rate: NULL argument");
    const underlying_entry *u = find_underlying(snapshot, underlying);
    *rate = u ? u->rate : 0;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_forward(double *forward, const hedge_snapshot *snapshot, const char *underlying,
                                              int64_t expiry_ms) {
    static const char fn[] = "hedge_snapshot_forward";
    if (!forward || !snapshot || !underlying)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (expiry_ms < snapshot->valuation_ms)
        return hedge__fail(NULL, HEDGE_ERR_EXPIRED, "%s: %s: date %lld is before the valuation time %lld", fn,
                           underlying, (long long)expiry_ms, (long long)snapshot->valuation_ms);
    double S;
    hedge_status st = spot_of(&S, snapshot, underlying, fn);
    if (st != HEDGE_OK)
        return st;
    const underlying_entry *u = find_underlying(snapshot, underlying);
    double T = hedge__years_between(snapshot->valuation_ms, expiry_ms);
    if (u->n_fwd == 0) {
        *forward = S * exp(u->rate * T);
        return HEDGE_OK;
    }
    /* ln F piecewise linear in T through (0, ln S) and the curve points */
    double t0 = 0, l0 = log(S);
    for (size_t i = 0; i < u->n_fwd; i++) {
        double t1 = hedge__years_between(snapshot->valuation_ms, u->fwd[i].expiry_ms);
        double l1 = log(u->fwd[i].forward);
        if (T <= t1) {
            *forward = exp(l0 + (l1 - l0) * (T - t0) / (t1 - t0));
            return HEDGE_OK;
        }
        t0 = t1;
        l0 = l1;
    }
    /* beyond the curve: the last point's average basis rate */
    *forward = S * exp((l0 - log(S)) / t0 * T);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_funding(double *rate, double *predicted, const hedge_snapshot *snapshot,
                                              const char *symbol) {
    static const char fn[] = "hedge_snapshot_funding";
    if (!snapshot || !symbol)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    for (size_t i = 0; i < snapshot->d.n_funding; i++) {
        const funding_entry *f = &snapshot->d.funding[i];
        if (strcmp(f->symbol, symbol) != 0)
            continue;
        if (is_stale(snapshot->valuation_ms, f->timestamp_ms, f->max_age_ms))
            return hedge__fail(NULL, HEDGE_ERR_STALE, "%s: %s: funding is %llu ms old, limit %lld", fn, symbol,
                               (unsigned long long)age_ms(snapshot->valuation_ms, f->timestamp_ms), (long long)f->max_age_ms);
        if (rate)
            *rate = f->rate;
        if (predicted)
            *predicted = f->predicted;
        return HEDGE_OK;
    }
    return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: no funding for %s", fn, symbol);
}

HEDGE_API hedge_status hedge_snapshot_quote(hedge_quote *quote, const hedge_snapshot *snapshot, const char *symbol,
                                            const char *venue) {
    static const char fn[] = "hedge_snapshot_quote";
    if (!quote || !snapshot || !symbol || !venue)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (quote->struct_size < sizeof(size_t))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: struct_size %zu is too small", fn, quote->struct_size);
    quote_entry key;
    size_t sl = strlen(symbol), vl = strlen(venue);
    if (sl >= SYMBOL_CAP || vl >= NAME_CAP)
        return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: no quote for %s on %s", fn, symbol, venue);
    memcpy(key.symbol, symbol, sl + 1);
    memcpy(key.venue, venue, vl + 1);
    const quote_entry *e = snapshot->d.n_quotes == 0 ? NULL
                           : bsearch(&key, snapshot->d.quotes, snapshot->d.n_quotes, sizeof(quote_entry), cmp_quote);
    if (!e)
        return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: no quote for %s on %s", fn, symbol, venue);
    if (is_stale(snapshot->valuation_ms, e->q.timestamp_ms, e->q.max_age_ms))
        return hedge__fail(NULL, HEDGE_ERR_STALE, "%s: %s on %s is %llu ms old, limit %lld", fn, symbol, venue,
                           (unsigned long long)age_ms(snapshot->valuation_ms, e->q.timestamp_ms), (long long)e->q.max_age_ms);
    size_t size = quote->struct_size < sizeof(hedge_quote) ? quote->struct_size : sizeof(hedge_quote);
    memcpy((char *)quote + sizeof(size_t), (const char *)&e->q + sizeof(size_t), size - sizeof(size_t));
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_snapshot_sources(hedge_source_report *reports, size_t capacity, size_t *count,
                                              const hedge_snapshot *snapshot, const char *underlying) {
    static const char fn[] = "hedge_snapshot_sources";
    if (!count || !snapshot || !underlying || (!reports && capacity > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    const underlying_entry *u = find_underlying(snapshot, underlying);
    if (!u || u->n_src == 0)
        return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: %s has no price sources", fn, underlying);
    for (size_t i = 0; i < u->n_src && i < capacity; i++) {
        reports[i].source = u->src[i].name;
        reports[i].price = u->src[i].price;
        reports[i].timestamp_ms = u->src[i].timestamp_ms;
        reports[i].verdict = u->src[i].verdict;
    }
    *count = u->n_src;
    return HEDGE_OK;
}
