/* Instruments: validation, immutability, references, expiry arithmetic, OOM. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/instrument.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

static hedge_instrument_spec option_spec(void) {
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    s.kind = HEDGE_INSTRUMENT_OPTION;
    s.symbol = "BTC-27DEC26-100000-C";
    s.underlying = "BTC";
    s.venue = "deribit";
    s.settlement = HEDGE_SETTLE_INVERSE;
    s.option_type = HEDGE_CALL;
    s.strike = 100000;
    s.expiry_ms = INT64_C(1798358400000); /* 2026-12-27 08:00 UTC */
    return s;
}

START_TEST(create_and_describe) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    char symbol[] = "BTC-27DEC26-100000-C";
    hedge_instrument_spec s = option_spec();
    s.symbol = symbol;
    hedge_instrument *inst = NULL;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &s), HEDGE_OK);
    symbol[0] = 'X'; /* the instrument keeps its own copy */

    hedge_instrument_spec info;
    memset(&info, 0xff, sizeof info);
    info.struct_size = sizeof info;
    ck_assert_status(hedge_instrument_info(&info, inst), HEDGE_OK);
    ck_assert_int_eq(info.kind, HEDGE_INSTRUMENT_OPTION);
    ck_assert_str_eq(info.symbol, "BTC-27DEC26-100000-C");
    ck_assert_str_eq(info.underlying, "BTC");
    ck_assert_str_eq(info.venue, "deribit");
    ck_assert_int_eq(info.settlement, HEDGE_SETTLE_INVERSE);
    ck_assert(info.multiplier == 1); /* 0 means 1 */
    ck_assert_int_eq(info.option_type, HEDGE_CALL);
    ck_assert(info.strike == 100000);
    ck_assert(info.expiry_ms == s.expiry_ms);
    ck_assert(info.funding_interval_s == 0);
    hedge_instrument_destroy(inst);
    hedge_instrument_destroy(NULL);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(defaults_for_perpetuals) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    s.kind = HEDGE_INSTRUMENT_PERPETUAL;
    s.symbol = "BTC-PERPETUAL";
    s.underlying = "BTC";
    s.settlement = HEDGE_SETTLE_INVERSE;
    s.multiplier = 10; /* USD face value per contract */
    hedge_instrument *inst;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &s), HEDGE_OK);
    hedge_instrument_spec info = HEDGE_INSTRUMENT_SPEC_INIT;
    ck_assert_status(hedge_instrument_info(&info, inst), HEDGE_OK);
    ck_assert(info.funding_interval_s == 8 * 3600);
    ck_assert_ptr_null(info.venue);
    ck_assert(info.multiplier == 10);
    double T;
    ck_assert_status(hedge_instrument_time_to_expiry(&T, inst, 0), HEDGE_ERR_INVALID_ARG);
    hedge_instrument_destroy(inst);
    hedge_context_destroy(ctx);
}
END_TEST

/* Every way a spec can be wrong gets its own status, and *out comes back NULL. */
START_TEST(rejects_bad_specs) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_instrument *inst = (hedge_instrument *)(uintptr_t)1;
    hedge_instrument_spec s;
    char long_name[200];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';

#define EXPECT(mutation, status, fragment)                                              \
    do {                                                                                \
        s = option_spec();                                                              \
        mutation;                                                                       \
        ck_assert_status(hedge_instrument_create(&inst, ctx, &s), status);              \
        ck_assert_ptr_null(inst);                                                       \
        ck_assert_msg(strstr(hedge_error_message(), fragment), "message '%s' lacks '%s'", \
                      hedge_error_message(), fragment);                                 \
    } while (0)

    EXPECT(s.kind = (hedge_instrument_kind)9, HEDGE_ERR_INVALID_ARG, "unknown kind");
    EXPECT(s.symbol = NULL, HEDGE_ERR_INVALID_ARG, "symbol is required");
    EXPECT(s.symbol = "", HEDGE_ERR_INVALID_ARG, "symbol must have");
    EXPECT(s.symbol = long_name, HEDGE_ERR_INVALID_ARG, "symbol must have");
    EXPECT(s.underlying = NULL, HEDGE_ERR_INVALID_ARG, "underlying is required");
    EXPECT(s.venue = long_name, HEDGE_ERR_INVALID_ARG, "venue must have");
    EXPECT(s.settlement = (hedge_settlement)5, HEDGE_ERR_INVALID_ARG, "unknown settlement");
    EXPECT(s.multiplier = -1, HEDGE_ERR_DOMAIN, "multiplier");
    EXPECT(s.multiplier = NAN, HEDGE_ERR_DOMAIN, "multiplier");
    EXPECT(s.option_type = (hedge_option_type)0, HEDGE_ERR_INVALID_ARG, "option_type");
    EXPECT(s.strike = 0, HEDGE_ERR_DOMAIN, "strike");
    EXPECT(s.strike = INFINITY, HEDGE_ERR_DOMAIN, "strike");
    EXPECT(s.expiry_ms = 0, HEDGE_ERR_DOMAIN, "expiry_ms");
    EXPECT(s.funding_interval_s = 3600, HEDGE_ERR_INVALID_ARG, "perpetuals only");
    EXPECT((s.kind = HEDGE_INSTRUMENT_FUTURE), HEDGE_ERR_INVALID_ARG, "options only");
    EXPECT((s.kind = HEDGE_INSTRUMENT_SPOT, s.strike = 0, s.option_type = (hedge_option_type)0),
           HEDGE_ERR_INVALID_ARG, "spot cannot be inverse");
    EXPECT((s.kind = HEDGE_INSTRUMENT_SPOT, s.settlement = HEDGE_SETTLE_LINEAR, s.strike = 0,
            s.option_type = (hedge_option_type)0),
           HEDGE_ERR_INVALID_ARG, "futures and options only");
    EXPECT((s.kind = HEDGE_INSTRUMENT_PERPETUAL, s.strike = 0, s.option_type = (hedge_option_type)0, s.expiry_ms = 0,
            s.funding_interval_s = -5),
           HEDGE_ERR_DOMAIN, "funding_interval_s");
    EXPECT(s.struct_size = 2, HEDGE_ERR_INVALID_ARG, "struct_size");
#undef EXPECT
    ck_assert_status(hedge_instrument_create(&inst, NULL, &s), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_instrument_create(&inst, ctx, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_instrument_create(NULL, ctx, &s), HEDGE_ERR_INVALID_ARG);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(time_to_expiry) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_instrument_spec s = option_spec();
    hedge_instrument *inst;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &s), HEDGE_OK);
    double T = -1;
    /* 30 days before expiry is 30/365 years; one hour is 1/8760 */
    ck_assert_status(hedge_instrument_time_to_expiry(&T, inst, s.expiry_ms - INT64_C(30) * 86400000), HEDGE_OK);
    ck_assert_close(T, 30.0 / 365.0, 1e-15, 0);
    ck_assert_status(hedge_instrument_time_to_expiry(&T, inst, s.expiry_ms - INT64_C(3600000)), HEDGE_OK);
    ck_assert_close(T, 1.0 / 8760.0, 1e-15, 0);
    ck_assert_status(hedge_instrument_time_to_expiry(&T, inst, s.expiry_ms), HEDGE_OK);
    ck_assert(T == 0);
    T = 42;
    ck_assert_status(hedge_instrument_time_to_expiry(&T, inst, s.expiry_ms + 1), HEDGE_ERR_EXPIRED);
    ck_assert(T == 42);
    ck_assert(strstr(hedge_error_message(), "expired 1 ms"));
    hedge_instrument_destroy(inst);
    hedge_context_destroy(ctx);
}
END_TEST

/* A reader compiled against an older, shorter spec gets only the prefix it knows. */
START_TEST(info_writes_only_the_callers_prefix) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_instrument_spec s = option_spec();
    hedge_instrument *inst;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &s), HEDGE_OK);
    hedge_instrument_spec info;
    memset(&info, 0, sizeof info);
    info.struct_size = offsetof(hedge_instrument_spec, venue);
    ck_assert_status(hedge_instrument_info(&info, inst), HEDGE_OK);
    ck_assert_str_eq(info.underlying, "BTC");
    ck_assert_ptr_null(info.venue);
    ck_assert(info.strike == 0);
    info.struct_size = 1;
    ck_assert_status(hedge_instrument_info(&info, inst), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_instrument_info(NULL, inst), HEDGE_ERR_INVALID_ARG);
    hedge_instrument_destroy(inst);
    hedge_context_destroy(ctx);
}
END_TEST

static void *ref_and_release(void *p) {
    hedge_instrument *inst = p;
    for (int i = 0; i < 100000; i++)
        hedge_instrument_destroy(hedge_instrument_ref(inst));
    return NULL;
}

/* References taken and dropped from two threads at once; the creator's reference survives, and the
 * allocator sees exactly one block until the last release. */
START_TEST(references_across_threads) {
    test_allocator a;
    test_allocator_reset(&a, 0);
    hedge_context *ctx;
    ck_assert_status(test_context_create(&ctx, &a), HEDGE_OK);
    hedge_instrument_spec s = option_spec();
    hedge_instrument *inst;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &s), HEDGE_OK);
    hedge_instrument *extra = hedge_instrument_ref(inst);
    ck_assert_ptr_eq(extra, inst);
    ck_assert_ptr_null(hedge_instrument_ref(NULL));
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, ref_and_release, inst);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(a.live_blocks, 2); /* context + instrument */
    hedge_instrument_destroy(inst);
    ck_assert_int_eq(a.live_blocks, 2);
    hedge_instrument_spec info = HEDGE_INSTRUMENT_SPEC_INIT;
    ck_assert_status(hedge_instrument_info(&info, extra), HEDGE_OK); /* still alive through extra */
    ck_assert_str_eq(info.symbol, s.symbol);
    hedge_instrument_destroy(extra);
    ck_assert_int_eq(a.live_blocks, 1);
    hedge_context_destroy(ctx);
    ck_assert_int_eq(a.bad_frees, 0);
}
END_TEST

static hedge_status create_instrument(hedge_context *ctx, void *payload) {
    (void)payload;
    hedge_instrument_spec s = option_spec();
    hedge_instrument *inst = NULL;
    hedge_status st = hedge_instrument_create(&inst, ctx, &s);
    if (st == HEDGE_OK)
        hedge_instrument_destroy(inst);
    else
        ck_assert_ptr_null(inst);
    return st;
}

START_TEST(oom_sweep) {
    ck_assert_int_eq(test_oom_sweep(create_instrument, NULL), 2); /* context, instrument */
}
END_TEST

Suite *hedge_test_suite_instrument(void) {
    Suite *s = suite_create("instrument");
    TCase *tc = tcase_create("instrument");
    tcase_add_test(tc, create_and_describe);
    tcase_add_test(tc, defaults_for_perpetuals);
    tcase_add_test(tc, rejects_bad_specs);
    tcase_add_test(tc, time_to_expiry);
    tcase_add_test(tc, info_writes_only_the_callers_prefix);
    tcase_add_test(tc, references_across_threads);
    tcase_add_test(tc, oom_sweep);
    suite_add_tcase(s, tc);
    return s;
}
