/* Fuzzes sequences of calls on handles: snapshot builders (add, finish, query), instruments
 * (create, reference, destroy), volatility surfaces (create, fit, query), valuation and markets,
 * driven by the fuzz bytes, over the countdown allocator of tests/support failing one allocation
 * at a fuzzed index. Checked after every call: the status is a documented one; a call that met the
 * failed allocation returns HEDGE_ERR_NOMEM and no other call does; a failed call leaves its
 * outputs as they were (sentinels) and its out-handle NULL; successful queries are never NaN. At
 * the end, once everything is released, no block is live and every free matched its allocation.
 *
 * Input layout: two bytes for the failing allocation's index (modulo 400; 0: none; the top two
 * bits both set also allow one SVI fit), then one byte per operation followed by that operation's
 * arguments. */
#include "fuzz.h"

#include "support/testutil.h"

#include <hedge/hedge.h>
#include <hedge/market.h>
#include <hedge/valuation.h>

FILE *fuzz_report;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define NSNAP 3
#define NINST 6
#define NSURF 3
#define SENTINEL (-3.5e99)

typedef struct state {
    fuzz_bytes in;
    test_allocator alloc;
    hedge_context *ctx;
    hedge_snapshot_builder *builder;
    hedge_snapshot *snap[NSNAP];
    int snap_refs[NSNAP];
    hedge_instrument *inst[NINST];
    int inst_refs[NINST];
    hedge_vol_surface *surf[NSURF];
    int surf_refs[NSURF];
    hedge_market *market;
    long failures_before;
    const char *op;
    int fits; /* SVI fits dominate the run time under coverage instrumentation: at most one, in a
               * quarter of the inputs, keeps the rest of the API fuzzed at a useful rate */
} state;

static const char long_name[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
                                "YZ0123456789abcdefghijklmnopqrstuvwxyz0123456789";

static const char *underlying(state *s) {
    static const char *const names[] = {"BTC", "ETH", "BTC", "ETH", "", NULL, long_name + 96, long_name + 95};
    return names[fuzz_u8(&s->in) % 8]; /* the last two are 32 and 33 bytes: just past the limit of 31 */
}

static const char *symbol(state *s) {
    static const char *const names[] = {"BTC-X", "BTC-PERP", "ETH-X", "BTC-Y", "", NULL, long_name + 1, long_name};
    return names[fuzz_u8(&s->in) % 8]; /* 127 and 128 bytes */
}

static const char *venue(state *s) {
    static const char *const names[] = {"deribit", "okx", "deribit", NULL};
    return names[fuzz_u8(&s->in) % 4];
}

static int64_t when(state *s) {
    uint8_t k = fuzz_u8(&s->in);
    switch (k >> 6) {
    case 0:
        return NOW - (int64_t)(k & 63) * 1000 * 60; /* the past hour: fresh or stale */
    case 1:
        return NOW + (int64_t)(k & 63) * DAY; /* expiries */
    case 2:
        return NOW;
    default: {
        static const int64_t odd[] = {INT64_MIN, INT64_MAX, 0, -1, NOW + 1, NOW - 1, 1, INT64_MAX - 1};
        return odd[k % 8];
    }
    }
}

static int64_t age(state *s) {
    static const int64_t ages[] = {0, 0, 1000, 60000, -1, INT64_MAX, 1, 3600000};
    return ages[fuzz_u8(&s->in) % 8];
}

static int known_status(hedge_status st) { return st <= HEDGE_OK && st > HEDGE_ERR_INTERNAL; }

static void begin(state *s, const char *op) {
    s->op = op;
    s->failures_before = s->alloc.failures;
}

/* A call that met the refused allocation must say so, and only such a call may. */
static hedge_status end(state *s, hedge_status st) {
    FUZZ_CHECK(known_status(st), "%s returned %d", s->op, (int)st);
    int failed = s->alloc.failures > s->failures_before;
    FUZZ_CHECK(!failed || st == HEDGE_ERR_NOMEM, "%s met a failed allocation but returned %s (%s)", s->op,
               hedge_status_name(st), hedge_error_message());
    FUZZ_CHECK(failed || st != HEDGE_ERR_NOMEM, "%s returned HEDGE_ERR_NOMEM with no failed allocation", s->op);
    FUZZ_CHECK(st == HEDGE_OK || st == HEDGE_ERR_BUFFER_TOO_SMALL || *hedge_error_message() != '\0', "%s failed with %s but no message", s->op,
               hedge_status_name(st));
    return st;
}

static void op_builder_create(state *s) {
    if (s->builder)
        return;
    hedge_snapshot_options o = HEDGE_SNAPSHOT_OPTIONS_INIT;
    uint8_t k = fuzz_u8(&s->in);
    if (k & 1)
        o.default_max_age_ms = (k & 2) ? 0 : 1000;
    if (k & 4)
        o.source_max_deviation = (k & 8) ? NAN : 0.5;
    if (k & 16)
        o.source_min_count = (k & 32) ? 0 : 2;
    if (k & 64)
        o.struct_size = 1;
    s->builder = (hedge_snapshot_builder *)&o; /* must become NULL on failure */
    begin(s, "hedge_snapshot_builder_create");
    hedge_status st = end(s, hedge_snapshot_builder_create(&s->builder, s->ctx, (k & 128) ? when(s) : NOW, &o));
    FUZZ_CHECK(st == HEDGE_OK || s->builder == NULL, "failed builder_create left a handle");
}

static void op_builder_add(state *s) {
    uint8_t k = fuzz_u8(&s->in);
    hedge_snapshot_builder *b = s->builder;
    switch (k % 6) {
    case 0: {
        const char *u = underlying(s);
        double spot = fuzz_double(&s->in, 1, 1e5);
        int64_t t = when(s), a = age(s);
        begin(s, "hedge_snapshot_builder_set_spot");
        end(s, hedge_snapshot_builder_set_spot(b, u, spot, t, a));
        break;
    }
    case 1: {
        const char *u = underlying(s), *src = venue(s);
        double price = fuzz_double(&s->in, 1, 1e5);
        int64_t t = when(s), a = age(s);
        begin(s, "hedge_snapshot_builder_add_source");
        end(s, hedge_snapshot_builder_add_source(b, u, src, price, t, a));
        break;
    }
    case 2: {
        const char *u = underlying(s);
        double r = fuzz_double(&s->in, -0.1, 0.2);
        begin(s, "hedge_snapshot_builder_set_rate");
        end(s, hedge_snapshot_builder_set_rate(b, u, r));
        break;
    }
    case 3: {
        const char *u = underlying(s);
        int64_t t = when(s);
        double f = fuzz_double(&s->in, 1, 1e5);
        begin(s, "hedge_snapshot_builder_add_forward");
        end(s, hedge_snapshot_builder_add_forward(b, u, t, f));
        break;
    }
    case 4: {
        const char *sym = symbol(s);
        double rate = fuzz_double(&s->in, -1e-3, 1e-3), pred = fuzz_double(&s->in, -1e-3, 1e-3);
        int64_t t = when(s), a = age(s);
        begin(s, "hedge_snapshot_builder_set_funding");
        end(s, hedge_snapshot_builder_set_funding(b, sym, rate, pred, t, a));
        break;
    }
    default: {
        hedge_quote q = HEDGE_QUOTE_INIT;
        hedge_depth_level bids[3], asks[3];
        q.symbol = symbol(s);
        q.venue = venue(s);
        q.bid = fuzz_double(&s->in, 0, 100);
        q.ask = q.bid + fuzz_double(&s->in, 0, 10);
        q.bid_size = fuzz_double(&s->in, 0, 10);
        q.ask_size = fuzz_double(&s->in, 0, 10);
        uint8_t l = fuzz_u8(&s->in);
        q.n_bids = l % 4;
        q.n_asks = (l >> 2) % 4;
        for (size_t i = 0; i < 3; i++) {
            bids[i] = (hedge_depth_level){q.bid - (double)i * (l & 16 ? -1 : 1), q.bid_size + 1};
            asks[i] = (hedge_depth_level){q.ask + (double)i, q.ask_size};
        }
        bids[0] = (hedge_depth_level){q.bid, q.bid_size};
        q.bids = (l & 32) ? NULL : bids;
        q.asks = asks;
        q.timestamp_ms = when(s);
        q.max_age_ms = age(s);
        if (l & 64)
            q.struct_size = sizeof q - 1;
        begin(s, "hedge_snapshot_builder_add_quote");
        end(s, hedge_snapshot_builder_add_quote(b, (l & 128) ? NULL : &q));
        break;
    }
    }
}

static void op_finish(state *s) {
    size_t i = fuzz_u8(&s->in) % NSNAP;
    if (s->snap[i])
        return;
    hedge_snapshot *out = (hedge_snapshot *)s;
    begin(s, "hedge_snapshot_builder_finish");
    hedge_status st = end(s, hedge_snapshot_builder_finish(&out, s->builder));
    FUZZ_CHECK((st == HEDGE_OK) == (out != NULL), "finish: %s with handle %p", hedge_status_name(st), (void *)out);
    if (st == HEDGE_OK) {
        s->snap[i] = out;
        s->snap_refs[i] = 1;
    }
}

static void op_instrument_create(state *s) {
    size_t i = fuzz_u8(&s->in) % NINST;
    if (s->inst[i])
        return;
    hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
    uint8_t k = fuzz_u8(&s->in);
    sp.kind = (hedge_instrument_kind)(k % 6); /* 0 and 5 are not kinds */
    sp.symbol = symbol(s);
    sp.underlying = underlying(s);
    sp.venue = venue(s);
    sp.settlement = (k & 8) ? HEDGE_SETTLE_INVERSE : HEDGE_SETTLE_LINEAR;
    if (k & 16)
        sp.multiplier = fuzz_double(&s->in, 0, 100);
    if (sp.kind == HEDGE_INSTRUMENT_OPTION || (k & 32)) {
        sp.option_type = (k & 64) ? HEDGE_PUT : HEDGE_CALL;
        sp.strike = fuzz_double(&s->in, 1000, 200000);
    }
    if (sp.kind == HEDGE_INSTRUMENT_OPTION || sp.kind == HEDGE_INSTRUMENT_FUTURE || (k & 32))
        sp.expiry_ms = when(s);
    if (sp.kind == HEDGE_INSTRUMENT_PERPETUAL && (k & 128))
        sp.funding_interval_s = fuzz_double(&s->in, 0, 86400);
    hedge_instrument *out = (hedge_instrument *)s;
    begin(s, "hedge_instrument_create");
    hedge_status st = end(s, hedge_instrument_create(&out, s->ctx, &sp));
    FUZZ_CHECK((st == HEDGE_OK) == (out != NULL), "instrument_create: %s with handle %p", hedge_status_name(st),
               (void *)out);
    if (st == HEDGE_OK) {
        s->inst[i] = out;
        s->inst_refs[i] = 1;
        hedge_instrument_spec back = HEDGE_INSTRUMENT_SPEC_INIT;
        FUZZ_CHECK(hedge_instrument_info(&back, out) == HEDGE_OK, "info: %s", hedge_error_message());
        FUZZ_CHECK(back.kind == sp.kind && strcmp(back.symbol, sp.symbol) == 0, "info disagrees with the spec");
    }
}

static void op_surface_create(state *s) {
    size_t i = fuzz_u8(&s->in) % NSURF;
    if (s->surf[i])
        return;
    uint8_t k = fuzz_u8(&s->in);
    size_t n = k % 4; /* 0 slices is an error */
    hedge_vol_surface *out = (hedge_vol_surface *)s;
    hedge_status st;
    if ((k & 4) && s->fits++ == 0) {
        hedge_smile_data smiles[3];
        double strikes[3][6], vols[3][6];
        for (size_t j = 0; j < n; j++) {
            smiles[j].expiry_ms = when(s);
            smiles[j].forward = fuzz_double(&s->in, 1000, 200000);
            smiles[j].n = 5 + (fuzz_u8(&s->in) & 1);
            /* a smooth smile (level, skew, curvature) with one point free: noise everywhere makes
             * every fit a slow search, and the fuzzer would spend its time there */
            double level = fuzz_double(&s->in, 0.05, 2), skew = fuzz_double(&s->in, -0.5, 0.5);
            size_t odd = fuzz_u8(&s->in) % 8;
            for (size_t p = 0; p < smiles[j].n; p++) {
                double x = -0.3 + 0.12 * (double)p;
                strikes[j][p] = smiles[j].forward * exp(x);
                vols[j][p] = p == odd ? fuzz_double(&s->in, 0.05, 2) : level + skew * x + 0.5 * x * x;
            }
            smiles[j].strikes = strikes[j];
            smiles[j].vols = vols[j];
            smiles[j].weights = NULL;
        }
        begin(s, "hedge_vol_surface_fit");
        st = end(s, hedge_vol_surface_fit(&out, s->ctx, NOW, smiles, n));
    } else {
        hedge_svi_slice sl[3];
        for (size_t j = 0; j < n; j++) {
            sl[j].expiry_ms = when(s);
            sl[j].T = 0;
            sl[j].forward = fuzz_double(&s->in, 1000, 200000);
            sl[j].a = fuzz_double(&s->in, -0.01, 0.2);
            sl[j].b = fuzz_double(&s->in, 0, 0.5);
            sl[j].rho = fuzz_double(&s->in, -1, 1);
            sl[j].m = fuzz_double(&s->in, -0.5, 0.5);
            sl[j].sigma = fuzz_double(&s->in, 0, 1);
            sl[j].rmse_vol = 0;
        }
        begin(s, "hedge_vol_surface_create");
        st = end(s, hedge_vol_surface_create(&out, s->ctx, NOW, sl, n));
    }
    FUZZ_CHECK((st == HEDGE_OK) == (out != NULL), "surface: %s with handle %p", hedge_status_name(st), (void *)out);
    if (st == HEDGE_OK) {
        s->surf[i] = out;
        s->surf_refs[i] = 1;
    }
}

static void check_value(state *s, hedge_status st, double v, double sentinel) {
    if (st == HEDGE_OK)
        FUZZ_CHECK(!isnan(v), "%s gave NaN", s->op);
    else
        FUZZ_CHECK(v == sentinel, "%s failed (%s) but wrote %.17g", s->op, hedge_status_name(st), v);
}

static void op_snapshot_query(state *s) {
    const hedge_snapshot *snap = s->snap[fuzz_u8(&s->in) % NSNAP];
    uint8_t k = fuzz_u8(&s->in);
    double v = SENTINEL, w = SENTINEL;
    hedge_status st;
    switch (k % 6) {
    case 0: {
        const char *u = underlying(s);
        begin(s, "hedge_snapshot_spot");
        st = end(s, hedge_snapshot_spot(&v, snap, u));
        check_value(s, st, v, SENTINEL);
        FUZZ_CHECK(st != HEDGE_OK || v > 0, "spot %.17g", v);
        break;
    }
    case 1: {
        const char *u = underlying(s);
        int64_t t = when(s);
        begin(s, "hedge_snapshot_forward");
        st = end(s, hedge_snapshot_forward(&v, snap, u, t));
        check_value(s, st, v, SENTINEL);
        break;
    }
    case 2: {
        const char *u = underlying(s);
        begin(s, "hedge_snapshot_rate");
        st = end(s, hedge_snapshot_rate(&v, snap, u));
        check_value(s, st, v, SENTINEL);
        break;
    }
    case 3: {
        const char *sym = symbol(s);
        begin(s, "hedge_snapshot_funding");
        st = end(s, hedge_snapshot_funding(&v, &w, snap, sym));
        check_value(s, st, v, SENTINEL);
        check_value(s, st, w, SENTINEL);
        break;
    }
    case 4: {
        hedge_quote q = HEDGE_QUOTE_INIT;
        q.bid = SENTINEL;
        if (k & 64)
            q.struct_size = 8;
        const char *sym = symbol(s), *ven = venue(s);
        begin(s, "hedge_snapshot_quote");
        st = end(s, hedge_snapshot_quote(&q, snap, sym, ven));
        check_value(s, st, q.bid, SENTINEL);
        break;
    }
    default: {
        hedge_source_report rep[2];
        size_t count = 12345, cap = (k >> 4) % 3;
        const char *u = underlying(s);
        begin(s, "hedge_snapshot_sources");
        st = end(s, hedge_snapshot_sources((k & 8) ? NULL : rep, cap, &count, snap, u));
        FUZZ_CHECK(st == HEDGE_OK || count == 12345, "sources failed but wrote count");
        for (size_t j = 0; st == HEDGE_OK && j < count && j < cap; j++)
            FUZZ_CHECK(rep[j].source && !isnan(rep[j].price), "source report %zu", j);
        break;
    }
    }
}

static void op_surface_query(state *s) {
    const hedge_vol_surface *surf = s->surf[fuzz_u8(&s->in) % NSURF];
    uint8_t k = fuzz_u8(&s->in);
    double v = SENTINEL;
    hedge_status st;
    switch (k % 4) {
    case 0: {
        double K = fuzz_double(&s->in, 100, 1e6), F = fuzz_double(&s->in, 1000, 2e5);
        int64_t t = when(s);
        begin(s, "hedge_vol_surface_vol");
        st = end(s, hedge_vol_surface_vol(&v, surf, K, F, t));
        if (st == HEDGE_OK && isnan(v)) {
            for (size_t j = 0; j < hedge_vol_surface_slice_count(surf); j++) {
                hedge_svi_slice sl;
                hedge_vol_surface_slice(&sl, surf, j);
                fprintf(fuzz_report ? fuzz_report : stderr,
                        "slice %zu: expiry %lld forward %.17g a %.17g b %.17g rho %.17g m %.17g sigma %.17g\n", j,
                        (long long)sl.expiry_ms, sl.forward, sl.a, sl.b, sl.rho, sl.m, sl.sigma);
            }
        }
        FUZZ_CHECK(st != HEDGE_OK || !isnan(v), "hedge_vol_surface_vol(K %.17g, F %.17g, expiry %lld) is NaN", K, F,
                   (long long)t);
        check_value(s, st, v, SENTINEL);
        FUZZ_CHECK(st != HEDGE_OK || v >= 0, "vol %.17g", v);
        break;
    }
    case 1: {
        double kk = fuzz_double(&s->in, -3, 3), T = fuzz_double(&s->in, 0, 10);
        begin(s, "hedge_vol_surface_total_variance");
        st = end(s, hedge_vol_surface_total_variance(&v, surf, kk, T));
        check_value(s, st, v, SENTINEL);
        break;
    }
    case 2: {
        hedge_svi_slice sl;
        sl.a = SENTINEL;
        size_t idx = fuzz_u8(&s->in) % 4;
        begin(s, "hedge_vol_surface_slice");
        st = end(s, hedge_vol_surface_slice(&sl, surf, idx));
        check_value(s, st, sl.a, SENTINEL);
        FUZZ_CHECK(st != HEDGE_OK || idx < hedge_vol_surface_slice_count(surf), "slice %zu of %zu", idx,
                   hedge_vol_surface_slice_count(surf));
        break;
    }
    default: {
        hedge_arbitrage_report rep[3];
        size_t count = 12345;
        double lo = fuzz_double(&s->in, -2, 0), hi = fuzz_double(&s->in, 0, 2);
        size_t pts = fuzz_u8(&s->in) % 40;
        begin(s, "hedge_vol_surface_check");
        st = end(s, hedge_vol_surface_check(rep, 3, &count, surf, lo, hi, pts));
        FUZZ_CHECK(st == HEDGE_OK || count == 12345, "check failed but wrote count");
        break;
    }
    }
}

static void op_value(state *s) {
    const hedge_instrument *ins = s->inst[fuzz_u8(&s->in) % NINST];
    const hedge_snapshot *snap = s->snap[fuzz_u8(&s->in) % NSNAP];
    const hedge_vol_surface *surf = s->surf[fuzz_u8(&s->in) % NSURF];
    hedge_valuation v = HEDGE_VALUATION_INIT;
    v.value = v.delta_usd = SENTINEL;
    begin(s, "hedge_instrument_value");
    hedge_status st = end(s, hedge_instrument_value(&v, ins, snap, surf));
    check_value(s, st, v.value, SENTINEL);
    check_value(s, st, v.delta_usd, SENTINEL);
}

static void op_ref(state *s) {
    uint8_t k = fuzz_u8(&s->in);
    size_t i = (k >> 3) % NSNAP, j = (k >> 3) % NINST;
    switch (k & 7) {
    case 0:
        if (s->snap[i]) {
            FUZZ_CHECK(hedge_snapshot_ref(s->snap[i]) == s->snap[i], "snapshot_ref");
            s->snap_refs[i]++;
        }
        break;
    case 1:
        if (s->snap[i]) {
            hedge_snapshot_destroy(s->snap[i]);
            if (--s->snap_refs[i] == 0)
                s->snap[i] = NULL;
        }
        break;
    case 2:
        if (s->inst[j]) {
            FUZZ_CHECK(hedge_instrument_ref(s->inst[j]) == s->inst[j], "instrument_ref");
            s->inst_refs[j]++;
        }
        break;
    case 3:
        if (s->inst[j]) {
            hedge_instrument_destroy(s->inst[j]);
            if (--s->inst_refs[j] == 0)
                s->inst[j] = NULL;
        }
        break;
    case 4:
        if (s->surf[i]) {
            FUZZ_CHECK(hedge_vol_surface_ref(s->surf[i]) == s->surf[i], "vol_surface_ref");
            s->surf_refs[i]++;
        }
        break;
    case 5:
        if (s->surf[i]) {
            hedge_vol_surface_destroy(s->surf[i]);
            if (--s->surf_refs[i] == 0)
                s->surf[i] = NULL;
        }
        break;
    case 6:
        hedge_snapshot_builder_destroy(s->builder);
        s->builder = NULL;
        break;
    default:
        hedge_market_destroy(s->market);
        s->market = NULL;
        break;
    }
}

/* A market of whatever the handles are now; what the API accepted must survive JSON. */
static void op_market(state *s) {
    if (s->market)
        return;
    const hedge_snapshot *snap = s->snap[fuzz_u8(&s->in) % NSNAP];
    const hedge_instrument *ins[NINST];
    size_t n = 0;
    for (size_t i = 0; i < NINST; i++)
        if (s->inst[i])
            ins[n++] = s->inst[i];
    const hedge_vol_surface *surf[NSURF];
    const char *names[NSURF];
    size_t m = 0;
    for (size_t i = 0; i < NSURF; i++)
        if (s->surf[i]) {
            surf[m] = s->surf[i];
            names[m++] = i == 0 ? "BTC" : i == 1 ? "ETH" : "BTC";
        }
    hedge_market *out = (hedge_market *)s;
    begin(s, "hedge_market_create");
    hedge_status st = end(s, hedge_market_create(&out, s->ctx, snap, ins, n, surf, names, m));
    FUZZ_CHECK((st == HEDGE_OK) == (out != NULL), "market_create: %s with handle %p", hedge_status_name(st),
               (void *)out);
    if (st != HEDGE_OK)
        return;
    s->market = out;
    size_t len = 0;
    begin(s, "hedge_market_write_json(size)");
    st = end(s, hedge_market_write_json(NULL, 0, &len, out));
    if (st != HEDGE_ERR_BUFFER_TOO_SMALL)
        return; /* HEDGE_ERR_NOMEM, checked above */
    char *text = malloc(len + 1);
    FUZZ_CHECK(text != NULL, "out of memory");
    begin(s, "hedge_market_write_json");
    st = end(s, hedge_market_write_json(text, len + 1, &len, out));
    if (st == HEDGE_OK) {
        hedge_market *back = NULL;
        begin(s, "hedge_market_read_json");
        st = end(s, hedge_market_read_json(&back, s->ctx, text, len, "api.json"));
        FUZZ_CHECK(st == HEDGE_OK || st == HEDGE_ERR_NOMEM, "what the API built does not read back: %s\n%s",
                   hedge_error_message(), text);
        hedge_market_destroy(back);
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    state s;
    memset(&s, 0, sizeof s);
    s.in = (fuzz_bytes){data, size};
    unsigned hi = fuzz_u8(&s.in), lo = fuzz_u8(&s.in);
    long fail_at = (long)(hi << 8 | lo) % 400;
    test_allocator_reset(&s.alloc, fail_at);
    s.fits = (hi & 0xc0) == 0xc0 ? 0 : 1;
    hedge_status st = test_context_create(&s.ctx, &s.alloc);
    if (st != HEDGE_OK) {
        FUZZ_CHECK(st == HEDGE_ERR_NOMEM && fail_at == 1, "context: %s", hedge_status_name(st));
        FUZZ_CHECK(s.alloc.live_blocks == 0, "context creation leaked");
        return 0;
    }
    for (int ops = 0; ops < 256 && s.in.n > 0; ops++) {
        switch (fuzz_u8(&s.in) % 10) {
        case 0:
            op_builder_create(&s);
            break;
        case 1:
        case 2:
            op_builder_add(&s);
            break;
        case 3:
            op_finish(&s);
            break;
        case 4:
            op_instrument_create(&s);
            break;
        case 5:
            op_surface_create(&s);
            break;
        case 6:
            op_snapshot_query(&s);
            break;
        case 7:
            op_surface_query(&s);
            break;
        case 8:
            (fuzz_u8(&s.in) & 1) ? op_value(&s) : op_market(&s);
            break;
        default:
            op_ref(&s);
            break;
        }
    }
    hedge_market_destroy(s.market);
    hedge_snapshot_builder_destroy(s.builder);
    for (size_t i = 0; i < NSNAP; i++)
        while (s.snap[i] && s.snap_refs[i]--)
            hedge_snapshot_destroy(s.snap[i]);
    for (size_t i = 0; i < NINST; i++)
        while (s.inst[i] && s.inst_refs[i]--)
            hedge_instrument_destroy(s.inst[i]);
    for (size_t i = 0; i < NSURF; i++)
        while (s.surf[i] && s.surf_refs[i]--)
            hedge_vol_surface_destroy(s.surf[i]);
    hedge_context_destroy(s.ctx);
    FUZZ_CHECK(s.alloc.bad_frees == 0, "%ld frees with the wrong size or alignment", s.alloc.bad_frees);
    FUZZ_CHECK(s.alloc.live_blocks == 0, "%ld blocks (%lld bytes) leaked", s.alloc.live_blocks, s.alloc.live_bytes);
    return 0;
}
