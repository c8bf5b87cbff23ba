/* Market snapshots: staleness, combined sources, forward interpolation, quotes, funding, OOM, sharing. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/snapshot.h>
#include <hedge/types.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)

static hedge_context *ctx_new(void) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    return ctx;
}

START_TEST(spot_and_staleness) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", 97000, NOW - 60000, 0), HEDGE_OK); /* exactly at the limit */
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "ETH", 3500, NOW - 60001, 0), HEDGE_OK);  /* 1 ms too old */
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "SOL", 200, NOW - 600000, 3600000), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", 1, NOW, 0), HEDGE_ERR_EXISTS);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "XRP", 1, NOW + 1, 0), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "after the valuation time"));
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "XRP", -1, NOW, 0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "XRP", NAN, NOW, 0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "XRP", 1, NOW, -5), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "", 1, NOW, 0), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "A-NAME-LONGER-THAN-THIRTY-ONE-BYTES", 1, NOW, 0),
                     HEDGE_ERR_INVALID_ARG);
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    hedge_snapshot_builder_destroy(b);

    double S = 0;
    ck_assert_status(hedge_snapshot_spot(&S, s, "BTC"), HEDGE_OK);
    ck_assert(S == 97000);
    S = -1;
    ck_assert_status(hedge_snapshot_spot(&S, s, "ETH"), HEDGE_ERR_STALE);
    ck_assert(S == -1);
    ck_assert(strstr(hedge_error_message(), "60001 ms old"));
    ck_assert_status(hedge_snapshot_spot(&S, s, "SOL"), HEDGE_OK);
    ck_assert_status(hedge_snapshot_spot(&S, s, "DOGE"), HEDGE_ERR_NOT_FOUND);
    ck_assert(hedge_snapshot_valuation_ms(s) == NOW);
    hedge_snapshot_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

/* Fresh prices 99.8, 100, 100.5 and 150 have median 100.25; 150 is 50% away (> 2%), the rest are
 * within 0.5%, so the combined spot is the median of {99.8, 100, 100.5} = 100. The stale 101 and the
 * outlier are reported as such. */
START_TEST(sources_are_combined_robustly) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_source(b, "BTC", "venue-a", 100.0, NOW - 1000, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_source(b, "BTC", "venue-b", 100.5, NOW, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_source(b, "BTC", "oracle-c", 99.8, NOW - 5000, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_source(b, "BTC", "venue-d", 150.0, NOW, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_source(b, "BTC", "venue-e", 101.0, NOW - 120000, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_source(b, "BTC", "venue-a", 100.0, NOW, 0), HEDGE_ERR_EXISTS);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", 100.0, NOW, 0), HEDGE_ERR_EXISTS);
    /* a second underlying whose only source is stale: no spot, and it says why */
    ck_assert_status(hedge_snapshot_builder_add_source(b, "ETH", "venue-a", 3500, NOW - 3600000, 0), HEDGE_OK);
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);

    double S;
    ck_assert_status(hedge_snapshot_spot(&S, s, "BTC"), HEDGE_OK);
    ck_assert(S == 100.0);
    hedge_source_report r[8];
    size_t n = 0;
    ck_assert_status(hedge_snapshot_sources(r, 8, &n, s, "BTC"), HEDGE_OK);
    ck_assert_uint_eq(n, 5);
    const hedge_source_verdict want[5] = {HEDGE_SOURCE_ACCEPTED, HEDGE_SOURCE_ACCEPTED, HEDGE_SOURCE_ACCEPTED,
                                          HEDGE_SOURCE_OUTLIER, HEDGE_SOURCE_STALE};
    for (size_t i = 0; i < 5; i++)
        ck_assert_msg(r[i].verdict == want[i], "source %s: verdict %d", r[i].source, (int)r[i].verdict);
    ck_assert_str_eq(r[3].source, "venue-d");
    ck_assert(r[3].price == 150.0);
    ck_assert_status(hedge_snapshot_sources(NULL, 0, &n, s, "BTC"), HEDGE_OK); /* count only */
    ck_assert_uint_eq(n, 5);
    ck_assert_status(hedge_snapshot_spot(&S, s, "ETH"), HEDGE_ERR_STALE);
    ck_assert_status(hedge_snapshot_sources(r, 8, &n, s, "SOL"), HEDGE_ERR_NOT_FOUND);
    hedge_snapshot_destroy(s);

    /* demanding four agreeing sources leaves BTC without a spot: only three agree */
    hedge_snapshot_options o = HEDGE_SNAPSHOT_OPTIONS_INIT;
    o.source_min_count = 4;
    hedge_snapshot_builder_destroy(b);
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, &o), HEDGE_OK);
    const double px[4] = {100.0, 100.5, 99.8, 150.0};
    for (int i = 0; i < 4; i++) {
        char name[8] = {'s', (char)('0' + i), 0};
        ck_assert_status(hedge_snapshot_builder_add_source(b, "BTC", name, px[i], NOW, 0), HEDGE_OK);
    }
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    ck_assert_status(hedge_snapshot_spot(&S, s, "BTC"), HEDGE_ERR_STALE);
    ck_assert(strstr(hedge_error_message(), "too few"));
    hedge_snapshot_destroy(s);
    hedge_snapshot_builder_destroy(b);
    hedge_context_destroy(ctx);
}
END_TEST

/* ln F is linear in T: halfway between two points the forward is their geometric mean, and past the
 * last point the average basis rate continues, so at twice its time the forward is F2^2 / S. */
START_TEST(forward_curve_interpolation) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    const double S = 100000, F1 = 100800, F2 = 102500;
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", S, NOW, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_forward(b, "BTC", NOW + 90 * DAY, F2), HEDGE_OK); /* out of order */
    ck_assert_status(hedge_snapshot_builder_add_forward(b, "BTC", NOW + 30 * DAY, F1), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_forward(b, "BTC", NOW + 30 * DAY, F1), HEDGE_ERR_EXISTS);
    ck_assert_status(hedge_snapshot_builder_add_forward(b, "BTC", NOW, F1), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_snapshot_builder_add_forward(b, "BTC", NOW + DAY, 0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "ETH", 3500, NOW, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_rate(b, "ETH", 0.05), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_rate(b, "ETH", INFINITY), HEDGE_ERR_DOMAIN);
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    hedge_snapshot_builder_destroy(b);

    double F;
    ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", NOW), HEDGE_OK);
    ck_assert_close(F, S, 1e-15, 0);
    ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", NOW + 30 * DAY), HEDGE_OK);
    ck_assert_close(F, F1, 1e-14, 0);
    ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", NOW + 15 * DAY), HEDGE_OK);
    ck_assert_close(F, sqrt(S * F1), 1e-14, 0);
    ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", NOW + 60 * DAY), HEDGE_OK);
    ck_assert_close(F, sqrt(F1 * F2), 1e-14, 0);
    ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", NOW + 180 * DAY), HEDGE_OK);
    ck_assert_close(F, F2 * F2 / S, 1e-14, 0);
    ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", NOW - 1), HEDGE_ERR_EXPIRED);
    /* no curve: carry at the underlying's rate */
    ck_assert_status(hedge_snapshot_forward(&F, s, "ETH", NOW + 365 * DAY), HEDGE_OK);
    ck_assert_close(F, 3500 * exp(0.05), 1e-14, 0);
    double r = -1;
    ck_assert_status(hedge_snapshot_rate(&r, s, "ETH"), HEDGE_OK);
    ck_assert(r == 0.05);
    ck_assert_status(hedge_snapshot_rate(&r, s, "BTC"), HEDGE_OK);
    ck_assert(r == 0);
    ck_assert_status(hedge_snapshot_forward(&F, s, "SOL", NOW + DAY), HEDGE_ERR_NOT_FOUND);
    hedge_snapshot_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

static hedge_quote quote_with_ladder(const char *symbol, const char *venue, const hedge_depth_level *bids,
                                     const hedge_depth_level *asks) {
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.symbol = symbol;
    q.venue = venue;
    q.bid = bids[0].price;
    q.bid_size = bids[0].size;
    q.ask = asks[0].price;
    q.ask_size = asks[0].size;
    q.bids = bids;
    q.n_bids = 3;
    q.asks = asks;
    q.n_asks = 2;
    q.timestamp_ms = NOW - 10;
    return q;
}

START_TEST(quotes_with_depth) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    hedge_depth_level bids[3] = {{0.0500, 10}, {0.0495, 25}, {0.0480, 40}};
    hedge_depth_level asks[2] = {{0.0510, 8}, {0.0525, 30}};
    hedge_quote q = quote_with_ladder("BTC-27DEC26-100000-C", "deribit", bids, asks);
    ck_assert_status(hedge_snapshot_builder_add_quote(b, &q), HEDGE_OK);
    q.venue = "okx";
    q.timestamp_ms = NOW - 120000; /* stale with the default one-minute limit */
    ck_assert_status(hedge_snapshot_builder_add_quote(b, &q), HEDGE_OK);
    hedge_quote one_sided = HEDGE_QUOTE_INIT;
    one_sided.symbol = "BTC-27DEC26-200000-C";
    one_sided.venue = "deribit";
    one_sided.ask = 0.0005;
    one_sided.ask_size = 100;
    one_sided.timestamp_ms = NOW;
    ck_assert_status(hedge_snapshot_builder_add_quote(b, &one_sided), HEDGE_OK);

    /* every malformed quote is refused, and the builder does not grow */
    hedge_quote bad;
#define BAD(mutation, status)                                        \
    do {                                                             \
        bad = quote_with_ladder("X", "deribit", bids, asks);         \
        mutation;                                                    \
        ck_assert_status(hedge_snapshot_builder_add_quote(b, &bad), status); \
    } while (0)
    BAD(bad.bid = 0.06, HEDGE_ERR_DOMAIN);                       /* crossed, and ladder mismatch */
    BAD((bad.n_bids = 0, bad.bid = 0.052), HEDGE_ERR_DOMAIN);      /* crossed */
    BAD(bad.ask_size = NAN, HEDGE_ERR_DOMAIN);
    BAD((bad.n_bids = 0, bad.bid_size = 0), HEDGE_ERR_DOMAIN);      /* price without size */
    BAD(bad.bids = NULL, HEDGE_ERR_INVALID_ARG);
    bids[2].price = 0.0499;
    BAD((void)0, HEDGE_ERR_DOMAIN); /* bid ladder not decreasing */
    bids[2].price = 0.0480;
    BAD(bad.timestamp_ms = NOW + 1, HEDGE_ERR_DOMAIN);
    BAD(bad.venue = NULL, HEDGE_ERR_INVALID_ARG);
    BAD(bad.struct_size = 3, HEDGE_ERR_INVALID_ARG);
#undef BAD
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    /* the snapshot owns copies: scribbling over the caller's arrays changes nothing */
    memset(bids, 0, sizeof bids);
    memset(asks, 0, sizeof asks);
    hedge_snapshot_builder_destroy(b);

    hedge_quote got = HEDGE_QUOTE_INIT;
    ck_assert_status(hedge_snapshot_quote(&got, s, "BTC-27DEC26-100000-C", "deribit"), HEDGE_OK);
    ck_assert_str_eq(got.symbol, "BTC-27DEC26-100000-C");
    ck_assert_str_eq(got.venue, "deribit");
    ck_assert(got.bid == 0.05 && got.ask == 0.051 && got.bid_size == 10 && got.ask_size == 8);
    ck_assert_uint_eq(got.n_bids, 3);
    ck_assert_uint_eq(got.n_asks, 2);
    ck_assert(got.bids[2].price == 0.048 && got.bids[2].size == 40);
    ck_assert(got.asks[1].price == 0.0525 && got.asks[1].size == 30);
    ck_assert(got.max_age_ms == 60000);
    ck_assert_status(hedge_snapshot_quote(&got, s, "BTC-27DEC26-100000-C", "okx"), HEDGE_ERR_STALE);
    ck_assert_status(hedge_snapshot_quote(&got, s, "BTC-27DEC26-100000-C", "binance"), HEDGE_ERR_NOT_FOUND);
    ck_assert_status(hedge_snapshot_quote(&got, s, "BTC-27DEC26-200000-C", "deribit"), HEDGE_OK);
    ck_assert(got.bid == 0 && got.bid_size == 0 && got.ask == 0.0005 && got.n_bids == 0 && got.bids == NULL);
    hedge_snapshot_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(duplicate_quotes_fail_at_finish) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.symbol = "BTC-PERPETUAL";
    q.venue = "deribit";
    q.bid = 97000;
    q.bid_size = 1;
    q.timestamp_ms = NOW;
    ck_assert_status(hedge_snapshot_builder_add_quote(b, &q), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_add_quote(b, &q), HEDGE_OK);
    hedge_snapshot *s = (hedge_snapshot *)(uintptr_t)1;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_ERR_EXISTS);
    ck_assert_ptr_null(s);
    ck_assert(strstr(hedge_error_message(), "two quotes for BTC-PERPETUAL on deribit"));
    hedge_snapshot_builder_destroy(b);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(funding_rates) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "BTC-PERPETUAL", 0.0001, 0.00012, NOW - 5000, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "BTC-PERPETUAL", 0.0, 0.0, NOW, 0), HEDGE_ERR_EXISTS);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "ETH-PERPETUAL", -0.0002, 0.0, NOW - 3600001, 3600000),
                     HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "SOL-PERPETUAL", NAN, 0.0, NOW, 0), HEDGE_ERR_DOMAIN);
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    double rate = 0, predicted = 0;
    ck_assert_status(hedge_snapshot_funding(&rate, &predicted, s, "BTC-PERPETUAL"), HEDGE_OK);
    ck_assert(rate == 0.0001 && predicted == 0.00012);
    ck_assert_status(hedge_snapshot_funding(&rate, NULL, s, "ETH-PERPETUAL"), HEDGE_ERR_STALE);
    ck_assert_status(hedge_snapshot_funding(&rate, NULL, s, "SOL-PERPETUAL"), HEDGE_ERR_NOT_FOUND);
    hedge_snapshot_destroy(s);

    /* the builder is empty but usable after finish */
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    ck_assert_status(hedge_snapshot_funding(&rate, NULL, s, "BTC-PERPETUAL"), HEDGE_ERR_NOT_FOUND);
    hedge_snapshot_destroy(s);
    hedge_snapshot_builder_destroy(b);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(bad_builder_options) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b = (hedge_snapshot_builder *)(uintptr_t)1;
    hedge_snapshot_options o = HEDGE_SNAPSHOT_OPTIONS_INIT;
    o.default_max_age_ms = 0;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, &o), HEDGE_ERR_DOMAIN);
    ck_assert_ptr_null(b);
    hedge_snapshot_options_init(&o);
    o.source_max_deviation = NAN;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, &o), HEDGE_ERR_DOMAIN);
    hedge_snapshot_options_init(&o);
    o.source_min_count = 0;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, &o), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_snapshot_builder_create(&b, NULL, NOW, NULL), HEDGE_ERR_INVALID_ARG);
    hedge_snapshot_builder_destroy(NULL);
    hedge_snapshot_destroy(NULL);
    ck_assert_ptr_null(hedge_snapshot_ref(NULL));
    hedge_context_destroy(ctx);
}
END_TEST

/* Build a snapshot touching every kind of data; used by the OOM sweep and the thread test. */
static hedge_status build_sample(hedge_context *ctx, hedge_snapshot **out) {
    hedge_snapshot_builder *b = NULL;
    hedge_status st = hedge_snapshot_builder_create(&b, ctx, NOW, NULL);
    const hedge_depth_level bids[3] = {{0.05, 10}, {0.049, 20}, {0.048, 30}}, asks[2] = {{0.051, 5}, {0.052, 9}};
    char sym[32];
    for (int i = 0; st == HEDGE_OK && i < 20; i++) {
        snprintf(sym, sizeof sym, "BTC-OPT-%d", i / 2);
        hedge_quote q = quote_with_ladder(sym, i % 2 ? "deribit" : "okx", bids, asks);
        st = hedge_snapshot_builder_add_quote(b, &q);
    }
    for (int i = 0; st == HEDGE_OK && i < 12; i++) {
        char src[8];
        snprintf(src, sizeof src, "src%d", i);
        st = hedge_snapshot_builder_add_source(b, "BTC", src, 97000 + i, NOW, 0);
    }
    for (int i = 1; st == HEDGE_OK && i <= 10; i++)
        st = hedge_snapshot_builder_add_forward(b, "BTC", NOW + i * 30 * DAY, 97000 * (1 + 0.01 * i));
    if (st == HEDGE_OK)
        st = hedge_snapshot_builder_set_funding(b, "BTC-PERPETUAL", 0.0001, 0.0001, NOW, 0);
    if (st == HEDGE_OK)
        st = hedge_snapshot_builder_set_rate(b, "ETH", 0.04);
    if (st == HEDGE_OK)
        st = hedge_snapshot_builder_finish(out, b);
    hedge_snapshot_builder_destroy(b);
    return st;
}

static hedge_status oom_build(hedge_context *ctx, void *payload) {
    (void)payload;
    hedge_snapshot *s = NULL;
    hedge_status st = build_sample(ctx, &s);
    if (st == HEDGE_OK) {
        double F;
        ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", NOW + 45 * DAY), HEDGE_OK);
    }
    hedge_snapshot_destroy(s);
    return st;
}

START_TEST(oom_sweep) {
    long allocs = test_oom_sweep(oom_build, NULL);
    ck_assert_int_gt(allocs, 10);
}
END_TEST

static void *read_snapshot(void *p) {
    const hedge_snapshot *s = p;
    for (int i = 0; i < 2000; i++) {
        hedge_quote q = HEDGE_QUOTE_INIT;
        double F, S;
        char sym[32];
        snprintf(sym, sizeof sym, "BTC-OPT-%d", i % 10);
        if (hedge_snapshot_quote(&q, s, sym, "deribit") != HEDGE_OK || q.bids[2].size != 30 ||
            hedge_snapshot_spot(&S, s, "BTC") != HEDGE_OK || hedge_snapshot_forward(&F, s, "BTC", NOW + i * DAY) != HEDGE_OK)
            return (void *)1;
        hedge_snapshot_destroy(hedge_snapshot_ref(s));
    }
    return NULL;
}

START_TEST(shared_between_threads) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot *s;
    ck_assert_status(build_sample(ctx, &s), HEDGE_OK);
    pthread_t th[2];
    void *res[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, read_snapshot, s);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], &res[i]);
    ck_assert_ptr_null(res[0]);
    ck_assert_ptr_null(res[1]);
    hedge_snapshot_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

/* Ages are computed without signed overflow: a spot observed at INT64_MIN (found by fuzz_handles)
 * is simply stale, with its age in the message. */
START_TEST(ancient_timestamps_are_stale) {
    hedge_context *ctx = ctx_new();
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", 97000, INT64_MIN, 1), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "BTC-PERP", 1e-4, 1e-4, INT64_MIN, 1), HEDGE_OK);
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    double v;
    ck_assert_status(hedge_snapshot_spot(&v, s, "BTC"), HEDGE_ERR_STALE);
    ck_assert(strstr(hedge_error_message(), "9223373826854775808 ms old"));
    ck_assert_status(hedge_snapshot_funding(&v, NULL, s, "BTC-PERP"), HEDGE_ERR_STALE);
    hedge_snapshot_destroy(s);
    hedge_snapshot_builder_destroy(b);
    hedge_context_destroy(ctx);
}
END_TEST

Suite *hedge_test_suite_snapshot(void) {
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("snapshot");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, spot_and_staleness);
    tcase_add_test(tc, sources_are_combined_robustly);
    tcase_add_test(tc, forward_curve_interpolation);
    tcase_add_test(tc, quotes_with_depth);
    tcase_add_test(tc, duplicate_quotes_fail_at_finish);
    tcase_add_test(tc, funding_rates);
    tcase_add_test(tc, bad_builder_options);
    tcase_add_test(tc, oom_sweep);
    tcase_add_test(tc, shared_between_threads);
    tcase_add_test(tc, ancient_timestamps_are_stale);
    suite_add_tcase(s, tc);
    return s;
}
