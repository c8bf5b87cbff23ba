/* Markets in JSON: reading, exact round trips, error locations, nothing created on failure, OOM. */
#define _DEFAULT_SOURCE /* timegm: the independent reference for timestamps */
#include "support/testutil.h"
#include "suites.h"

#include "core/timefmt.h"

#include <hedge/market.h>
#include <hedge/types.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char doc[] =
    "{\n"
    "  \"format\": \"libhedge-market/1\",\n"
    "  \"valuation_time\": \"2026-11-25T08:00:00Z\",\n"
    "  \"instruments\": [\n"
    "    {\"symbol\": \"BTC-25DEC26-100000-C\", \"kind\": \"option\", \"underlying\": \"BTC\", \"venue\": \"deribit\",\n"
    "     \"settlement\": \"inverse\", \"type\": \"call\", \"strike\": 100000, \"expiry\": \"2026-12-25T08:00:00Z\"},\n"
    "    {\"symbol\": \"BTC-PERPETUAL\", \"kind\": \"perpetual\", \"underlying\": \"BTC\", \"settlement\": \"inverse\",\n"
    "     \"multiplier\": 10},\n"
    "    {\"symbol\": \"BTC-USD\", \"kind\": \"spot\", \"underlying\": \"BTC\"}\n"
    "  ],\n"
    "  \"market\": {\n"
    "    \"settings\": {\"default_max_age_ms\": 120000},\n"
    "    \"underlyings\": [\n"
    "      {\"name\": \"BTC\", \"rate\": 0.045,\n"
    "       \"sources\": [{\"source\": \"a\", \"price\": 97000.5, \"time\": \"2026-11-25T07:59:59.250Z\"},\n"
    "                   {\"source\": \"b\", \"price\": 97010, \"time\": 1795593599000}],\n"
    "       \"forwards\": [{\"expiry\": \"2026-12-25T08:00:00Z\", \"forward\": 97500.25}]},\n"
    "      {\"name\": \"ETH\", \"spot\": {\"price\": 3500.1, \"time\": \"2026-11-25T07:59:00Z\", \"max_age_ms\": 600000}}\n"
    "    ],\n"
    "    \"funding\": [{\"symbol\": \"BTC-PERPETUAL\", \"rate\": 0.0001, \"time\": \"2026-11-25T07:59:30Z\"}],\n"
    "    \"quotes\": [\n"
    "      {\"symbol\": \"BTC-25DEC26-100000-C\", \"venue\": \"deribit\", \"bids\": [[0.0305, 12], [0.03, 40]],\n"
    "       \"asks\": [[0.031, 9]], \"time\": \"2026-11-25T07:59:58Z\"}\n"
    "    ]\n"
    "  },\n"
    "  \"surfaces\": [\n"
    "    {\"underlying\": \"BTC\", \"slices\": [\n"
    "      {\"expiry\": \"2026-12-25T08:00:00Z\", \"forward\": 97500.25, \"a\": 0.01, \"b\": 0.1, \"rho\": -0.3,\n"
    "       \"m\": 0.0, \"sigma\": 0.1}]}\n"
    "  ],\n"
    "  \"book\": [\"other readers' sections are skipped\"]\n"
    "}\n";

static int64_t utc_ms(int y, int mo, int d, int h, int mi, int s) {
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm) * 1000;
}

START_TEST(reads_every_section) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_market *m;
    ck_assert_status(hedge_market_read_json(&m, ctx, doc, strlen(doc), "doc.json"), HEDGE_OK);
    const hedge_snapshot *s = hedge_market_snapshot(m);
    ck_assert(hedge_snapshot_valuation_ms(s) == utc_ms(2026, 11, 25, 8, 0, 0));
    ck_assert_uint_eq(hedge_market_instrument_count(m), 3);
    const hedge_instrument *inst;
    ck_assert_status(hedge_market_find_instrument(&inst, m, "BTC-25DEC26-100000-C"), HEDGE_OK);
    hedge_instrument_spec spec = HEDGE_INSTRUMENT_SPEC_INIT;
    hedge_instrument_info(&spec, inst);
    ck_assert(spec.kind == HEDGE_INSTRUMENT_OPTION && spec.option_type == HEDGE_CALL && spec.strike == 100000);
    ck_assert(spec.settlement == HEDGE_SETTLE_INVERSE && spec.expiry_ms == utc_ms(2026, 12, 25, 8, 0, 0));
    ck_assert_str_eq(spec.venue, "deribit");
    ck_assert_status(hedge_market_find_instrument(&inst, m, "BTC-PERPETUAL"), HEDGE_OK);
    hedge_instrument_info(&spec, inst);
    ck_assert(spec.multiplier == 10 && spec.funding_interval_s == 28800);
    ck_assert_status(hedge_market_find_instrument(&inst, m, "ETH-PERPETUAL"), HEDGE_ERR_NOT_FOUND);

    double S, F, r, fr;
    ck_assert_status(hedge_snapshot_spot(&S, s, "BTC"), HEDGE_OK);
    ck_assert(S == (97000.5 + 97010) / 2); /* median of two sources */
    ck_assert_status(hedge_snapshot_forward(&F, s, "BTC", utc_ms(2026, 12, 25, 8, 0, 0)), HEDGE_OK);
    ck_assert_close(F, 97500.25, 1e-15, 0);
    ck_assert_status(hedge_snapshot_rate(&r, s, "BTC"), HEDGE_OK);
    ck_assert(r == 0.045);
    ck_assert_status(hedge_snapshot_spot(&S, s, "ETH"), HEDGE_OK);
    ck_assert(S == 3500.1);
    ck_assert_status(hedge_snapshot_funding(&r, &fr, s, "BTC-PERPETUAL"), HEDGE_OK);
    ck_assert(r == 0.0001 && fr == 0.0001); /* predicted defaults to the current rate */
    hedge_quote q = HEDGE_QUOTE_INIT;
    ck_assert_status(hedge_snapshot_quote(&q, s, "BTC-25DEC26-100000-C", "deribit"), HEDGE_OK);
    ck_assert(q.bid == 0.0305 && q.bid_size == 12 && q.ask == 0.031 && q.ask_size == 9 && q.n_bids == 2);
    ck_assert(q.max_age_ms == 120000);
    const hedge_vol_surface *vs;
    ck_assert_status(hedge_market_surface(&vs, m, "BTC"), HEDGE_OK);
    hedge_svi_slice sl;
    ck_assert_status(hedge_vol_surface_slice(&sl, vs, 0), HEDGE_OK);
    ck_assert(sl.rho == -0.3 && sl.forward == 97500.25);
    ck_assert_status(hedge_market_surface(&vs, m, "ETH"), HEDGE_ERR_NOT_FOUND);
    hedge_market_destroy(m);
    hedge_context_destroy(ctx);
}
END_TEST

static char *write_all(const hedge_market *m, size_t *len) {
    ck_assert_status(hedge_market_write_json(NULL, 0, len, m), HEDGE_ERR_BUFFER_TOO_SMALL);
    char *buf = malloc(*len + 1);
    size_t len2;
    ck_assert_status(hedge_market_write_json(buf, *len + 1, &len2, m), HEDGE_OK);
    ck_assert_uint_eq(len2, *len);
    ck_assert_uint_eq(strlen(buf), *len);
    return buf;
}

/* read -> write -> read -> write: the two texts are identical, and so are the numbers. */
START_TEST(round_trip_is_exact) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_market *m1, *m2;
    ck_assert_status(hedge_market_read_json(&m1, ctx, doc, strlen(doc), "doc.json"), HEDGE_OK);
    size_t n1, n2;
    char *t1 = write_all(m1, &n1);
    ck_assert_status(hedge_market_read_json(&m2, ctx, t1, n1, "written.json"), HEDGE_OK);
    char *t2 = write_all(m2, &n2);
    ck_assert_str_eq(t1, t2);
    /* values that do not print short survive to the last bit */
    ck_assert(strstr(t1, "97500.25") && strstr(t1, "\"2026-11-25T07:59:59.250Z\""));
    double a, b;
    hedge_snapshot_spot(&a, hedge_market_snapshot(m1), "ETH");
    hedge_snapshot_spot(&b, hedge_market_snapshot(m2), "ETH");
    ck_assert(a == b);
    const hedge_vol_surface *v1, *v2;
    hedge_market_surface(&v1, m1, "BTC");
    hedge_market_surface(&v2, m2, "BTC");
    hedge_svi_slice s1, s2;
    hedge_vol_surface_slice(&s1, v1, 0);
    hedge_vol_surface_slice(&s2, v2, 0);
    ck_assert(memcmp(&s1, &s2, sizeof s1) == 0);
    char small[8];
    size_t n;
    ck_assert_status(hedge_market_write_json(small, sizeof small, &n, m1), HEDGE_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, n1);
    free(t1);
    free(t2);
    hedge_market_destroy(m1);
    hedge_market_destroy(m2);
    hedge_context_destroy(ctx);
}
END_TEST

/* Line and column of the first occurrence of needle in text, counted here independently. */
static void position_of(const char *text, const char *needle, int *line, int *col) {
    const char *at = strstr(text, needle);
    ck_assert_ptr_nonnull(at);
    *line = 1;
    const char *line_start = text;
    for (const char *p = text; p < at; p++)
        if (*p == '\n') {
            (*line)++;
            line_start = p + 1;
        }
    *col = (int)(at - line_start) + 1;
}

/* Replaces the first occurrence of from in doc by to; the caller frees. */
static char *edit(const char *from, const char *to) {
    const char *at = strstr(doc, from);
    ck_assert_ptr_nonnull(at);
    size_t n = strlen(doc) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    size_t pre = (size_t)(at - doc);
    memcpy(out, doc, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

/* Each bad document fails with its status, and the message points at the value with its line and column. */
static void expect_error(const char *from, const char *to, const char *at_text, hedge_status status,
                         const char *pointer, const char *fragment) {
    char *bad = edit(from, to);
    test_allocator a;
    test_allocator_reset(&a, 0);
    hedge_context *ctx;
    ck_assert_status(test_context_create(&ctx, &a), HEDGE_OK);
    hedge_market *m = (hedge_market *)(uintptr_t)1;
    ck_assert_status(hedge_market_read_json(&m, ctx, bad, strlen(bad), "bad.json"), status);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(a.live_blocks, 1); /* nothing but the context: no object was left behind */
    int line, col;
    position_of(bad, at_text, &line, &col);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "bad.json:%d:%d: %s", line, col, pointer);
    ck_assert_msg(strncmp(hedge_error_message(), prefix, strlen(prefix)) == 0, "message '%s' does not start with '%s'",
                  hedge_error_message(), prefix);
    ck_assert_msg(strstr(hedge_error_message(), fragment), "message '%s' lacks '%s'", hedge_error_message(), fragment);
    hedge_context_destroy(ctx);
    free(bad);
}

START_TEST(errors_name_the_place) {
    expect_error("\"strike\": 100000", "\"strike\": \"high\"", "\"high\"", HEDGE_ERR_PARSE,
                 "/instruments/0/strike", "expected a number");
    expect_error("\"strike\": 100000", "\"strike\": -100000", "{\"symbol\": \"BTC-25DEC26", HEDGE_ERR_DOMAIN,
                 "/instruments/0", "strike must be finite and > 0");
    expect_error("\"kind\": \"perpetual\"", "\"kind\": \"perp\"", "\"perp\"", HEDGE_ERR_PARSE, "/instruments/1/kind",
                 "is not one of");
    expect_error("\"multiplier\": 10}", "\"multiplier\": 10, \"colour\": 1}", "1}", HEDGE_ERR_PARSE,
                 "/instruments/1/colour", "unknown member \"colour\"");
    expect_error("[[0.031, 9]]", "[[0.031]]", "[0.031]]", HEDGE_ERR_PARSE, "/market/quotes/0/asks/0",
                 "[price, size]");
    expect_error("[[0.031, 9]]", "[[0.029, 9]]", "{\"symbol\": \"BTC-25DEC26-100000-C\", \"venue\"", HEDGE_ERR_DOMAIN,
                 "/market/quotes/0", "crossed book");
    expect_error("\"time\": 1795593599000", "\"time\": \"yesterday\"", "\"yesterday\"", HEDGE_ERR_PARSE,
                 "/market/underlyings/0/sources/1/time", "expected a time");
    expect_error("\"rho\": -0.3", "\"rho\": -1.3", "{\"underlying\": \"BTC\", \"slices\"", HEDGE_ERR_DOMAIN,
                 "/surfaces/0", "slice 0 is not a valid SVI smile");
    expect_error("\"valuation_time\": \"2026-11-25T08:00:00Z\",", "", "{", HEDGE_ERR_PARSE, "/",
                 "missing member \"valuation_time\"");
    expect_error("libhedge-market/1", "libhedge-market/2", "\"libhedge-market/2\"", HEDGE_ERR_UNSUPPORTED, "/format",
                 "is not");
    expect_error("{\"symbol\": \"BTC-USD\", \"kind\": \"spot\"", "{\"symbol\": \"BTC-PERPETUAL\", \"kind\": \"spot\"",
                 "{", HEDGE_ERR_EXISTS, "/", "two instruments named BTC-PERPETUAL");
}
END_TEST

/* Syntax errors come from jansson with its own line and column. */
START_TEST(syntax_errors_have_positions) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    char *bad = edit("\"rate\": 0.045,", "\"rate\": 0.045");
    hedge_market *m;
    ck_assert_status(hedge_market_read_json(&m, ctx, bad, strlen(bad), "bad.json"), HEDGE_ERR_PARSE);
    int line, col;
    position_of(bad, "\"sources\"", &line, &col);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "bad.json:%d:", line);
    ck_assert_msg(strncmp(hedge_error_message(), prefix, strlen(prefix)) == 0, "message '%s'", hedge_error_message());
    free(bad);
    ck_assert_status(hedge_market_read_json(&m, ctx, "", 0, NULL), HEDGE_ERR_PARSE);
    ck_assert(strncmp(hedge_error_message(), "<json>:", 7) == 0);
    ck_assert_status(hedge_market_read_json(&m, ctx, "[1]", 3, NULL), HEDGE_ERR_PARSE);
    ck_assert_status(hedge_market_read_json(&m, ctx, "{\"a\":1,\"a\":2}", 13, NULL), HEDGE_ERR_PARSE); /* duplicate key */
    ck_assert_status(hedge_market_load_json(&m, ctx, "/nonexistent/market.json"), HEDGE_ERR_IO);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(time_format) {
    int64_t ms;
    ck_assert(hedge__time_parse("1970-01-01T00:00:00Z", &ms) && ms == 0);
    ck_assert(hedge__time_parse("2024-02-29T23:59:59.999Z", &ms) && ms == utc_ms(2024, 2, 29, 23, 59, 59) + 999);
    ck_assert(hedge__time_parse("2026-11-25", &ms) && ms == utc_ms(2026, 11, 25, 0, 0, 0));
    ck_assert(hedge__time_parse("2026-11-25 08:00:00+00:00", &ms) && ms == utc_ms(2026, 11, 25, 8, 0, 0));
    ck_assert(hedge__time_parse("1969-12-31T23:59:59.5Z", &ms) && ms == -500);
    ck_assert(hedge__time_parse("2000-03-01T00:00:00.100000Z", &ms) && ms == utc_ms(2000, 3, 1, 0, 0, 0) + 100);
    const char *bad[] = {"2023-02-29T00:00:00Z", "2026-13-01", "2026-11-25T24:00:00Z", "2026-11-25T08:00:00",
                         "2026-11-25T08:00:00+01:00", "2026-11-25T08:00:00.0001Z", "2026-11-25T08:00:00.Z", "26-11-25",
                         "2026-11-25x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!hedge__time_parse(bad[i], &ms), "accepted %s", bad[i]);
    /* format and parse are inverse over a spread of instants, including before 1970 */
    char t[32];
    for (int64_t x = -INT64_C(2208988800000); x < INT64_C(4102444800000); x += INT64_C(86399999) * 97 + 7) {
        ck_assert(hedge__time_format(t, x));
        ck_assert(hedge__time_parse(t, &ms));
        ck_assert_msg(ms == x, "%lld -> %s -> %lld", (long long)x, t, (long long)ms);
    }
    ck_assert(hedge__time_format(t, utc_ms(2026, 11, 25, 8, 0, 0) + 7));
    ck_assert_str_eq(t, "2026-11-25T08:00:00.007Z");
}
END_TEST

START_TEST(reads_the_shipped_sample) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_market *m;
    ck_assert_status(hedge_market_load_json(&m, ctx, HEDGE_TEST_SRCDIR "/examples/market.json"), HEDGE_OK);
    ck_assert_uint_gt(hedge_market_instrument_count(m), 100);
    const hedge_vol_surface *v;
    ck_assert_status(hedge_market_surface(&v, m, "BTC"), HEDGE_OK);
    ck_assert_status(hedge_market_surface(&v, m, "ETH"), HEDGE_OK);
    size_t n = 1;
    ck_assert_status(hedge_vol_surface_check(NULL, 0, &n, v, -1.5, 1.5, 301), HEDGE_OK);
    ck_assert_uint_eq(n, 0); /* the sample's surfaces are free of static arbitrage */
    hedge_market_destroy(m);
    hedge_context_destroy(ctx);
}
END_TEST

static hedge_status oom_read(hedge_context *ctx, void *payload) {
    (void)payload;
    hedge_market *m = NULL;
    hedge_status st = hedge_market_read_json(&m, ctx, doc, strlen(doc), "doc.json");
    if (st == HEDGE_OK) {
        size_t n;
        char buf[8];
        st = hedge_market_write_json(buf, sizeof buf, &n, m);
        if (st == HEDGE_ERR_BUFFER_TOO_SMALL)
            st = HEDGE_OK;
    }
    hedge_market_destroy(m);
    return st;
}

START_TEST(oom_sweep) { ck_assert_int_gt(test_oom_sweep(oom_read, NULL), 10); }
END_TEST

Suite *hedge_test_suite_json(void) {
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reads_every_section);
    tcase_add_test(tc, round_trip_is_exact);
    tcase_add_test(tc, errors_name_the_place);
    tcase_add_test(tc, syntax_errors_have_positions);
    tcase_add_test(tc, time_format);
    tcase_add_test(tc, reads_the_shipped_sample);
    tcase_add_test(tc, oom_sweep);
    suite_add_tcase(s, tc);
    return s;
}
