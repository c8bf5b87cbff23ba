/* Portfolios: the position set against a brute-force model, references, JSON books, OOM, threads. */
#define _POSIX_C_SOURCE 200809L
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE HEDGE_TEST_SRCDIR "/examples/market.json"

static hedge_instrument *spot_instrument(hedge_context *ctx, const char *symbol) {
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    s.kind = HEDGE_INSTRUMENT_SPOT;
    s.symbol = symbol;
    s.underlying = "BTC";
    hedge_instrument *inst = NULL;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &s), HEDGE_OK);
    return inst;
}

START_TEST(add_find_update_remove) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_portfolio *pf;
    ck_assert_status(hedge_portfolio_create(&pf, ctx), HEDGE_OK);
    hedge_instrument *a = spot_instrument(ctx, "A"), *b = spot_instrument(ctx, "B");
    hedge_position p = HEDGE_POSITION_INIT;
    p.instrument = a;
    p.quantity = 2.5;
    p.entry_price = 100;
    ck_assert_status(hedge_portfolio_add(pf, &p), HEDGE_OK);
    ck_assert_status(hedge_portfolio_add(pf, &p), HEDGE_ERR_EXISTS);
    p.instrument = b;
    p.quantity = NAN;
    ck_assert_status(hedge_portfolio_add(pf, &p), HEDGE_ERR_DOMAIN);
    p.quantity = -1;
    p.entry_price = -3;
    ck_assert_status(hedge_portfolio_add(pf, &p), HEDGE_ERR_DOMAIN);
    ck_assert_uint_eq(hedge_portfolio_count(pf), 1);
    /* the portfolio keeps its own reference: the creator's may go */
    hedge_instrument_destroy(a);
    hedge_position got = HEDGE_POSITION_INIT;
    ck_assert_status(hedge_portfolio_find(&got, pf, "A"), HEDGE_OK);
    ck_assert(got.quantity == 2.5 && got.entry_price == 100);
    hedge_instrument_spec spec = HEDGE_INSTRUMENT_SPEC_INIT;
    ck_assert_status(hedge_instrument_info(&spec, got.instrument), HEDGE_OK);
    ck_assert_str_eq(spec.symbol, "A");
    ck_assert_status(hedge_portfolio_update(pf, "A", -4, 0), HEDGE_OK);
    ck_assert_status(hedge_portfolio_update(pf, "A", INFINITY, 0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_portfolio_update(pf, "B", 1, 0), HEDGE_ERR_NOT_FOUND);
    hedge_position again = HEDGE_POSITION_INIT;
    ck_assert_status(hedge_portfolio_position(&again, pf, 0), HEDGE_OK);
    ck_assert(again.quantity == -4);
    ck_assert_status(hedge_portfolio_position(&again, pf, 1), HEDGE_ERR_NOT_FOUND);
    ck_assert_status(hedge_portfolio_remove(pf, "A"), HEDGE_OK);
    ck_assert_status(hedge_portfolio_remove(pf, "A"), HEDGE_ERR_NOT_FOUND);
    ck_assert_uint_eq(hedge_portfolio_count(pf), 0);
    /* the positions handed out still hold their instrument */
    ck_assert_status(hedge_instrument_info(&spec, got.instrument), HEDGE_OK);
    hedge_position_clear(&got);
    hedge_position_clear(&again);
    hedge_position small = HEDGE_POSITION_INIT;
    small.struct_size = sizeof(size_t);
    ck_assert_status(hedge_portfolio_find(&small, pf, "A"), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_portfolio_find(&got, pf, NULL), HEDGE_ERR_INVALID_ARG);
    hedge_instrument_destroy(b);
    hedge_portfolio_destroy(pf);
    hedge_context_destroy(ctx);
}
END_TEST

/* Thousands of adds and removes in a random order against a plain array that is searched linearly:
 * the hash index (with backward-shift deletion) must agree on every lookup. */
START_TEST(matches_a_brute_force_model) {
    enum { N = 3000 };
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_portfolio *pf;
    ck_assert_status(hedge_portfolio_create(&pf, ctx), HEDGE_OK);
    static hedge_instrument *inst[N];
    static double held[N]; /* NAN: not held */
    for (int i = 0; i < N; i++) {
        char sym[32];
        snprintf(sym, sizeof sym, "SYM-%d", i);
        inst[i] = spot_instrument(ctx, sym);
        held[i] = NAN;
    }
    unsigned long long st = 12345;
    long count = 0;
    for (int step = 0; step < 20000; step++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        int i = (int)((st >> 33) % N);
        hedge_instrument_spec spec = HEDGE_INSTRUMENT_SPEC_INIT;
        hedge_instrument_info(&spec, inst[i]);
        if (isnan(held[i])) {
            hedge_position p = HEDGE_POSITION_INIT;
            p.instrument = inst[i];
            p.quantity = step;
            ck_assert_status(hedge_portfolio_add(pf, &p), HEDGE_OK);
            held[i] = step;
            count++;
        } else if (st & 1) {
            ck_assert_status(hedge_portfolio_remove(pf, spec.symbol), HEDGE_OK);
            held[i] = NAN;
            count--;
        } else {
            ck_assert_status(hedge_portfolio_update(pf, spec.symbol, -step, 1), HEDGE_OK);
            held[i] = -step;
        }
        if (step % 997 == 0) {
            ck_assert_int_eq((long)hedge_portfolio_count(pf), count);
            for (int j = 0; j < N; j++) {
                hedge_instrument_info(&spec, inst[j]);
                hedge_position p = HEDGE_POSITION_INIT;
                hedge_status s = hedge_portfolio_find(&p, pf, spec.symbol);
                if (isnan(held[j])) {
                    ck_assert_int_eq(s, HEDGE_ERR_NOT_FOUND);
                } else {
                    ck_assert_int_eq(s, HEDGE_OK);
                    ck_assert(p.quantity == held[j]);
                    hedge_position_clear(&p);
                }
            }
        }
    }
    for (int i = 0; i < N; i++)
        hedge_instrument_destroy(inst[i]);
    hedge_portfolio_destroy(pf);
    hedge_context_destroy(ctx);
}
END_TEST

static hedge_market *sample_market(hedge_context *ctx) {
    hedge_market *m;
    ck_assert_status(hedge_market_load_json(&m, ctx, SAMPLE), HEDGE_OK);
    return m;
}

START_TEST(reads_and_round_trips_the_sample_book) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_market *m = sample_market(ctx);
    hedge_portfolio *pf;
    ck_assert_status(hedge_portfolio_load_json(&pf, ctx, m, SAMPLE), HEDGE_OK);
    ck_assert_uint_eq(hedge_portfolio_count(pf), 8);
    /* examples/market.json: {"symbol": "BTC-PERPETUAL", "quantity": 450000, "entry_price": 96100.0} */
    hedge_position p = HEDGE_POSITION_INIT;
    ck_assert_status(hedge_portfolio_find(&p, pf, "BTC-PERPETUAL"), HEDGE_OK);
    ck_assert(p.quantity == 450000 && p.entry_price == 96100.0);
    hedge_position_clear(&p);
    size_t len = 0;
    ck_assert_status(hedge_portfolio_write_json(NULL, 0, &len, m, pf), HEDGE_ERR_BUFFER_TOO_SMALL);
    char *text = malloc(len + 1);
    ck_assert_status(hedge_portfolio_write_json(text, len + 1, &len, m, pf), HEDGE_OK);
    hedge_market *m2;
    hedge_portfolio *pf2;
    ck_assert_status(hedge_market_read_json(&m2, ctx, text, len, "written"), HEDGE_OK);
    ck_assert_status(hedge_portfolio_read_json(&pf2, ctx, m2, text, len, "written"), HEDGE_OK);
    ck_assert_uint_eq(hedge_portfolio_count(pf2), hedge_portfolio_count(pf));
    for (size_t i = 0; i < hedge_portfolio_count(pf); i++) {
        hedge_position a = HEDGE_POSITION_INIT, b = HEDGE_POSITION_INIT;
        ck_assert_status(hedge_portfolio_position(&a, pf, i), HEDGE_OK);
        hedge_instrument_spec sa = HEDGE_INSTRUMENT_SPEC_INIT;
        hedge_instrument_info(&sa, a.instrument);
        ck_assert_status(hedge_portfolio_find(&b, pf2, sa.symbol), HEDGE_OK);
        ck_assert(memcmp(&a.quantity, &b.quantity, sizeof(double)) == 0);
        ck_assert(memcmp(&a.entry_price, &b.entry_price, sizeof(double)) == 0);
        hedge_position_clear(&a);
        hedge_position_clear(&b);
    }
    free(text);
    hedge_portfolio_destroy(pf2);
    hedge_market_destroy(m2);
    hedge_portfolio_destroy(pf);
    hedge_market_destroy(m);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(bad_books_name_the_place_and_create_nothing) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_market *m = sample_market(ctx);
    static const struct {
        const char *text;
        hedge_status st;
        const char *fragment;
    } cases[] = {
        {"{\"book\": [{\"symbol\": \"BTC-PERPETUAL\", \"quantity\": 1},\n {\"symbol\": \"NOPE\", \"quantity\": 2}]}",
         HEDGE_ERR_NOT_FOUND, "b.json:2:13"},
        {"{\"book\": [{\"symbol\": \"BTC-PERPETUAL\", \"quantity\": \"many\"}]}", HEDGE_ERR_PARSE, "quantity"},
        {"{\"book\": [{\"symbol\": \"BTC-PERPETUAL\", \"quantity\": 1, \"colour\": 2}]}", HEDGE_ERR_PARSE, "colour"},
        {"{\"book\": [{\"symbol\": \"BTC-PERPETUAL\", \"quantity\": 1},\n {\"symbol\": \"BTC-PERPETUAL\", \"quantity\": 1}]}",
         HEDGE_ERR_EXISTS, "b.json:2"},
        {"{\"book\": [{\"symbol\": \"BTC-PERPETUAL\", \"quantity\": 1, \"entry_price\": -5}]}", HEDGE_ERR_DOMAIN, "entry price"},
        {"{\"book\": [", HEDGE_ERR_PARSE, "b.json:1:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hedge_portfolio *pf = (hedge_portfolio *)1;
        ck_assert_status(hedge_portfolio_read_json(&pf, ctx, m, cases[i].text, strlen(cases[i].text), "b.json"),
                         cases[i].st);
        ck_assert_msg(strstr(hedge_error_message(), cases[i].fragment), "case %zu: %s", i, hedge_error_message());
        ck_assert_ptr_null(pf);
    }
    hedge_portfolio *empty;
    ck_assert_status(hedge_portfolio_read_json(&empty, ctx, m, "{}", 2, NULL), HEDGE_OK);
    ck_assert_uint_eq(hedge_portfolio_count(empty), 0);
    hedge_portfolio_destroy(empty);
    hedge_market_destroy(m);
    hedge_context_destroy(ctx);
}
END_TEST

static hedge_status oom_book(hedge_context *ctx, void *payload) {
    (void)payload;
    static const char doc[] =
        "{\"valuation_time\": \"2026-11-25T12:00:00Z\", \"instruments\": ["
        "{\"symbol\": \"S1\", \"kind\": \"spot\", \"underlying\": \"BTC\"},"
        "{\"symbol\": \"S2\", \"kind\": \"spot\", \"underlying\": \"BTC\"}],"
        "\"market\": {\"underlyings\": [{\"name\": \"BTC\", \"spot\": {\"price\": 100, \"time\": \"2026-11-25T12:00:00Z\"}}]},"
        "\"book\": [{\"symbol\": \"S1\", \"quantity\": 1}, {\"symbol\": \"S2\", \"quantity\": -2}]}";
    hedge_market *m = NULL;
    hedge_portfolio *pf = NULL;
    hedge_status st = hedge_market_read_json(&m, ctx, doc, strlen(doc), "doc");
    if (st == HEDGE_OK)
        st = hedge_portfolio_read_json(&pf, ctx, m, doc, strlen(doc), "doc");
    if (st == HEDGE_OK) {
        size_t n;
        char buf[8];
        st = hedge_portfolio_write_json(buf, sizeof buf, &n, m, pf);
        if (st == HEDGE_ERR_BUFFER_TOO_SMALL)
            st = HEDGE_OK;
    }
    if (st == HEDGE_OK) { /* a failed add leaves the portfolio as it was */
        hedge_instrument *extra = NULL;
        hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
        s.kind = HEDGE_INSTRUMENT_SPOT;
        s.symbol = "S3";
        s.underlying = "BTC";
        st = hedge_instrument_create(&extra, ctx, &s);
        for (int k = 0; st == HEDGE_OK && k < 40; k++) {
            char sym[16];
            snprintf(sym, sizeof sym, "X%d", k);
            hedge_instrument *x = NULL;
            s.symbol = sym;
            st = hedge_instrument_create(&x, ctx, &s);
            if (st == HEDGE_OK) {
                hedge_position p = HEDGE_POSITION_INIT;
                p.instrument = x;
                size_t before = hedge_portfolio_count(pf);
                st = hedge_portfolio_add(pf, &p);
                if (st != HEDGE_OK && hedge_portfolio_count(pf) != before)
                    st = HEDGE_ERR_INTERNAL;
                hedge_instrument_destroy(x);
            }
        }
        hedge_instrument_destroy(extra);
    }
    hedge_portfolio_destroy(pf);
    hedge_market_destroy(m);
    return st;
}

START_TEST(oom_sweep) { ck_assert_int_gt(test_oom_sweep(oom_book, NULL), 10); }
END_TEST

/* Readers and one writer at once: run under ThreadSanitizer by scripts/test.sh. */
typedef struct shared {
    hedge_portfolio *pf;
    hedge_instrument *inst[64];
} shared;

static void *reader_thread(void *arg) {
    shared *sh = arg;
    long seen = 0;
    for (int k = 0; k < 20000; k++) {
        hedge_position p = HEDGE_POSITION_INIT;
        if (hedge_portfolio_find(&p, sh->pf, "T-7") == HEDGE_OK) {
            seen += p.quantity == 7.0;
            hedge_position_clear(&p);
        }
        (void)hedge_portfolio_count(sh->pf);
    }
    return (void *)(intptr_t)(seen >= 0);
}

START_TEST(readers_and_a_writer) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    static shared sh;
    ck_assert_status(hedge_portfolio_create(&sh.pf, ctx), HEDGE_OK);
    for (int i = 0; i < 64; i++) {
        char sym[16];
        snprintf(sym, sizeof sym, "T-%d", i);
        sh.inst[i] = spot_instrument(ctx, sym);
    }
    pthread_t th[3];
    for (int t = 0; t < 3; t++)
        pthread_create(&th[t], NULL, reader_thread, &sh);
    for (int round = 0; round < 200; round++)
        for (int i = 0; i < 64; i++) {
            char sym[16];
            snprintf(sym, sizeof sym, "T-%d", i);
            hedge_position p = HEDGE_POSITION_INIT;
            p.instrument = sh.inst[i];
            p.quantity = i;
            if (round % 2 == 0)
                ck_assert_status(hedge_portfolio_add(sh.pf, &p), HEDGE_OK);
            else
                ck_assert_status(hedge_portfolio_remove(sh.pf, sym), HEDGE_OK);
        }
    for (int t = 0; t < 3; t++) {
        void *ok;
        pthread_join(th[t], &ok);
        ck_assert(ok != NULL);
    }
    for (int i = 0; i < 64; i++)
        hedge_instrument_destroy(sh.inst[i]);
    hedge_portfolio_destroy(sh.pf);
    hedge_context_destroy(ctx);
}
END_TEST

Suite *hedge_test_suite_portfolio(void) {
    Suite *s = suite_create("portfolio");
    TCase *tc = tcase_create("portfolio");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, add_find_update_remove);
    tcase_add_test(tc, matches_a_brute_force_model);
    tcase_add_test(tc, reads_and_round_trips_the_sample_book);
    tcase_add_test(tc, bad_books_name_the_place_and_create_nothing);
    tcase_add_test(tc, oom_sweep);
    tcase_add_test(tc, readers_and_a_writer);
    suite_add_tcase(s, tc);
    return s;
}
