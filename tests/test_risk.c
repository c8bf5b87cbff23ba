/* Greek aggregation: against per-position valuations summed independently, additivity over books,
 * breakdowns that add up to their underlying, beta weighting by hand, errors and OOM. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>

#include "core/cpu.h"
#include "risk/aggregate_kernels.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE HEDGE_TEST_SRCDIR "/examples/market.json"

typedef struct fixture {
    hedge_context *ctx;
    hedge_market *market;
    hedge_portfolio *book;
} fixture;

static void setup(fixture *f) {
    ck_assert_status(hedge_context_create(&f->ctx, NULL), HEDGE_OK);
    ck_assert_status(hedge_market_load_json(&f->market, f->ctx, SAMPLE), HEDGE_OK);
    ck_assert_status(hedge_portfolio_load_json(&f->book, f->ctx, f->market, SAMPLE), HEDGE_OK);
}

static void teardown(fixture *f) {
    hedge_portfolio_destroy(f->book);
    hedge_market_destroy(f->market);
    hedge_context_destroy(f->ctx);
}

static hedge_risk_row row_of(const hedge_risk *r, hedge_breakdown by, size_t i) {
    hedge_risk_row row = HEDGE_RISK_ROW_INIT;
    ck_assert_status(hedge_risk_row_get(&row, r, by, i), HEDGE_OK);
    return row;
}

/* |a - b| <= 1e-12 of the larger magnitude in the sum, since rows add positions of both signs */
#define ck_sum_close(a, b, scale) ck_assert_close(a, b, 0, 1e-12 * (scale) + 1e-300)

/* The totals per underlying are the sums, done here, of quantity x hedge_instrument_value(). */
START_TEST(rows_are_sums_of_position_valuations) {
    fixture f;
    setup(&f);
    hedge_risk *r;
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, NULL), HEDGE_OK);
    ck_assert_uint_eq(hedge_risk_row_count(r, HEDGE_BREAKDOWN_UNDERLYING), 2); /* BTC, ETH */
    for (size_t u = 0; u < 2; u++) {
        hedge_risk_row row = row_of(r, HEDGE_BREAKDOWN_UNDERLYING, u);
        double sum[7] = {0}, scale[7] = {0};
        size_t n = 0;
        for (size_t k = 0; k < hedge_portfolio_count(f.book); k++) {
            hedge_position p = HEDGE_POSITION_INIT;
            ck_assert_status(hedge_portfolio_position(&p, f.book, k), HEDGE_OK);
            hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
            hedge_instrument_info(&sp, p.instrument);
            if (strcmp(sp.underlying, row.underlying) == 0) {
                const hedge_vol_surface *surf = NULL;
                hedge_market_surface(&surf, f.market, sp.underlying);
                hedge_valuation v = HEDGE_VALUATION_INIT;
                ck_assert_status(hedge_instrument_value(&v, p.instrument, hedge_market_snapshot(f.market), surf),
                                 HEDGE_OK);
                double x[7] = {v.value_usd, v.delta_coin, v.delta_usd, v.gamma_coin, v.vega_usd, v.theta_usd,
                               v.gamma_coin * v.spot * v.spot / 100};
                for (int j = 0; j < 7; j++) {
                    sum[j] += p.quantity * x[j];
                    scale[j] += fabs(p.quantity * x[j]);
                }
                n++;
            }
            hedge_position_clear(&p);
        }
        ck_assert_uint_eq(row.positions, n);
        ck_sum_close(row.value_usd, sum[0], scale[0]);
        ck_sum_close(row.delta_coin, sum[1], scale[1]);
        ck_sum_close(row.delta_usd, sum[2], scale[2]);
        ck_sum_close(row.gamma_coin, sum[3], scale[3]);
        ck_sum_close(row.vega_usd, sum[4], scale[4]);
        ck_sum_close(row.theta_usd, sum[5], scale[5]);
        ck_sum_close(row.gamma_usd, sum[6], scale[6]);
        ck_assert_close(row.delta_usd, row.delta_coin * row.spot, 1e-12, 1e-9);
    }
    hedge_risk_row total = HEDGE_RISK_ROW_INIT;
    ck_assert_status(hedge_risk_total(&total, r), HEDGE_OK);
    hedge_risk_row btc = row_of(r, HEDGE_BREAKDOWN_UNDERLYING, 0), eth = row_of(r, HEDGE_BREAKDOWN_UNDERLYING, 1);
    ck_assert_str_eq(btc.underlying, "BTC");
    ck_assert_ptr_null(total.underlying);
    ck_assert_uint_eq(total.positions, 8);
    ck_assert_close(total.delta_usd, btc.delta_usd + eth.delta_usd, 1e-13, 1e-6);
    ck_assert_close(total.vega_usd, btc.vega_usd + eth.vega_usd, 1e-13, 1e-6);
    ck_assert(total.delta_coin == 0 && total.spot == 0); /* coins of different underlyings do not add */
    hedge_risk_destroy(r);
    teardown(&f);
}
END_TEST

/* Every breakdown partitions the positions: its rows add up to their underlying's row. */
START_TEST(breakdowns_add_up) {
    fixture f;
    setup(&f);
    hedge_risk_options o = HEDGE_RISK_OPTIONS_INIT;
    o.per_position = 1;
    hedge_risk *r;
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, &o), HEDGE_OK);
    ck_assert_uint_eq(hedge_risk_row_count(r, HEDGE_BREAKDOWN_POSITION), 8);
    for (size_t u = 0; u < hedge_risk_row_count(r, HEDGE_BREAKDOWN_UNDERLYING); u++) {
        hedge_risk_row ur = row_of(r, HEDGE_BREAKDOWN_UNDERLYING, u);
        for (int by = HEDGE_BREAKDOWN_EXPIRY; by <= HEDGE_BREAKDOWN_TENOR; by++) {
            double delta = 0, vega = 0, theta = 0;
            size_t n = 0;
            int64_t last = by == HEDGE_BREAKDOWN_TENOR ? 0 : INT64_MIN;
            for (size_t i = 0; i < hedge_risk_row_count(r, (hedge_breakdown)by); i++) {
                hedge_risk_row row = row_of(r, (hedge_breakdown)by, i);
                if (strcmp(row.underlying, ur.underlying) != 0)
                    continue;
                if (by == HEDGE_BREAKDOWN_EXPIRY) { /* sorted by expiry within the underlying */
                    ck_assert(row.expiry_ms > last);
                    last = row.expiry_ms;
                }
                if (by == HEDGE_BREAKDOWN_TENOR) { /* default edges, increasing */
                    double e = row.tenor_days;
                    ck_assert(e == 7 || e == 30 || e == 90 || e == 180 || e == 365 || isinf(e));
                    ck_assert((double)last < e);
                    last = isinf(e) ? INT64_MAX : (int64_t)e;
                }
                delta += row.delta_coin;
                vega += row.vega_usd;
                theta += row.theta_usd;
                n += row.positions;
            }
            ck_assert_uint_eq(n, ur.positions);
            ck_assert_close(delta, ur.delta_coin, 1e-12, 1e-12);
            ck_assert_close(vega, ur.vega_usd, 1e-12, 1e-9);
            ck_assert_close(theta, ur.theta_usd, 1e-12, 1e-9);
        }
    }
    hedge_risk_row pos = row_of(r, HEDGE_BREAKDOWN_POSITION, 0);
    ck_assert_ptr_nonnull(pos.symbol);
    hedge_risk_destroy(r);
    teardown(&f);
}
END_TEST

/* The sample's BTC positions by tenor, from the expiries in examples/market.json (valuation
 * 2026-11-25): the perpetual (0 days) in the 7-day bucket, 4 Dec and 25 Dec in 30, 26 Mar in 180. */
START_TEST(vega_by_tenor) {
    fixture f;
    setup(&f);
    hedge_risk *r;
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, NULL), HEDGE_OK);
    double vega7 = 0, vega30 = 0, vega180 = 0;
    size_t n7 = 0, n30 = 0, n180 = 0;
    for (size_t i = 0; i < hedge_risk_row_count(r, HEDGE_BREAKDOWN_TENOR); i++) {
        hedge_risk_row row = row_of(r, HEDGE_BREAKDOWN_TENOR, i);
        if (strcmp(row.underlying, "BTC") != 0)
            continue;
        if (row.tenor_days == 7) { vega7 = row.vega_usd; n7 = row.positions; }
        if (row.tenor_days == 30) { vega30 = row.vega_usd; n30 = row.positions; }
        if (row.tenor_days == 180) { vega180 = row.vega_usd; n180 = row.positions; }
    }
    ck_assert_uint_eq(n7, 1);
    ck_assert_uint_eq(n30, 3);
    ck_assert_uint_eq(n180, 1);
    ck_assert(vega7 == 0.0); /* a perpetual has no vega */
    double e30 = 0, e180 = 0;
    for (size_t i = 0; i < hedge_risk_row_count(r, HEDGE_BREAKDOWN_EXPIRY); i++) {
        hedge_risk_row row = row_of(r, HEDGE_BREAKDOWN_EXPIRY, i);
        if (strcmp(row.underlying, "BTC") != 0 || row.expiry_ms == 0)
            continue;
        double days = (double)(row.expiry_ms - hedge_snapshot_valuation_ms(hedge_market_snapshot(f.market))) / 86400000.0;
        if (days <= 30) e30 += row.vega_usd; else e180 += row.vega_usd;
    }
    ck_assert_close(vega30, e30, 1e-12, 1e-9);
    ck_assert_close(vega180, e180, 1e-12, 1e-9);
    hedge_risk_options o = HEDGE_RISK_OPTIONS_INIT;
    double bad[2] = {30, 7};
    o.tenor_days = bad;
    o.n_tenors = 2;
    hedge_risk_destroy(r);
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, &o), HEDGE_ERR_DOMAIN);
    teardown(&f);
}
END_TEST

/* Risk is additive: the sample book split into two books gives, row by row, the sum of the two. */
START_TEST(additive_over_books) {
    fixture f;
    setup(&f);
    hedge_portfolio *a, *b;
    ck_assert_status(hedge_portfolio_create(&a, f.ctx), HEDGE_OK);
    ck_assert_status(hedge_portfolio_create(&b, f.ctx), HEDGE_OK);
    for (size_t k = 0; k < hedge_portfolio_count(f.book); k++) {
        hedge_position p = HEDGE_POSITION_INIT;
        ck_assert_status(hedge_portfolio_position(&p, f.book, k), HEDGE_OK);
        ck_assert_status(hedge_portfolio_add(k % 3 ? a : b, &p), HEDGE_OK);
        hedge_position_clear(&p);
    }
    hedge_risk *rall, *ra, *rb;
    ck_assert_status(hedge_risk_compute(&rall, f.ctx, f.book, f.market, NULL), HEDGE_OK);
    ck_assert_status(hedge_risk_compute(&ra, f.ctx, a, f.market, NULL), HEDGE_OK);
    ck_assert_status(hedge_risk_compute(&rb, f.ctx, b, f.market, NULL), HEDGE_OK);
    hedge_risk_row t = HEDGE_RISK_ROW_INIT, ta = HEDGE_RISK_ROW_INIT, tb = HEDGE_RISK_ROW_INIT;
    hedge_risk_total(&t, rall);
    hedge_risk_total(&ta, ra);
    hedge_risk_total(&tb, rb);
    ck_assert_close(t.value_usd, ta.value_usd + tb.value_usd, 1e-13, 1e-6);
    ck_assert_close(t.delta_usd, ta.delta_usd + tb.delta_usd, 1e-13, 1e-6);
    ck_assert_close(t.gamma_usd, ta.gamma_usd + tb.gamma_usd, 1e-13, 1e-9);
    ck_assert_close(t.vega_usd, ta.vega_usd + tb.vega_usd, 1e-13, 1e-6);
    ck_assert_close(t.theta_usd, ta.theta_usd + tb.theta_usd, 1e-13, 1e-6);
    ck_assert_uint_eq(t.positions, ta.positions + tb.positions);
    hedge_risk_destroy(rall);
    hedge_risk_destroy(ra);
    hedge_risk_destroy(rb);
    hedge_portfolio_destroy(a);
    hedge_portfolio_destroy(b);
    teardown(&f);
}
END_TEST

/* Beta weighting worked by hand: ETH at beta 1.3 to BTC. */
START_TEST(beta_weighted_delta) {
    fixture f;
    setup(&f);
    const char *names[] = {"ETH"};
    const double betas[] = {1.3};
    hedge_risk_options o = HEDGE_RISK_OPTIONS_INIT;
    o.beta_reference = "BTC";
    o.beta_underlyings = names;
    o.betas = betas;
    o.n_betas = 1;
    hedge_risk *r;
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, &o), HEDGE_OK);
    hedge_risk_row btc = row_of(r, HEDGE_BREAKDOWN_UNDERLYING, 0), eth = row_of(r, HEDGE_BREAKDOWN_UNDERLYING, 1);
    hedge_risk_row t = HEDGE_RISK_ROW_INIT;
    hedge_risk_total(&t, r);
    double expect = btc.delta_usd + 1.3 * eth.delta_usd;
    ck_assert_close(t.beta_delta_usd, expect, 1e-13, 1e-6);
    ck_assert_close(t.beta_delta_ref, expect / btc.spot, 1e-13, 1e-12);
    ck_assert_close(eth.beta_delta_usd, 1.3 * eth.delta_usd, 1e-15, 0);
    hedge_risk_destroy(r);
    double bad = NAN;
    o.betas = &bad;
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, &o), HEDGE_ERR_DOMAIN);
    ck_assert_ptr_null(r);
    o.betas = betas;
    o.beta_reference = "DOGE";
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, &o), HEDGE_ERR_NOT_FOUND);
    teardown(&f);
}
END_TEST

/* A position that cannot be valued fails the computation and is named. */
START_TEST(errors_name_the_position) {
    fixture f;
    setup(&f);
    hedge_market *bare; /* the same snapshot and instruments, no surfaces */
    hedge_position p = HEDGE_POSITION_INIT;
    ck_assert_status(hedge_portfolio_find(&p, f.book, "ETH-25DEC26-3500-C"), HEDGE_OK);
    const hedge_instrument *inst[1] = {p.instrument};
    ck_assert_status(hedge_market_create(&bare, f.ctx, hedge_market_snapshot(f.market),
                                         inst, 1, NULL, NULL, 0),
                     HEDGE_OK);
    hedge_risk *r;
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, bare, NULL), HEDGE_ERR_NOT_FOUND);
    ck_assert_msg(strstr(hedge_error_message(), "position"), "%s", hedge_error_message());
    ck_assert_ptr_null(r);
    ck_assert_status(hedge_risk_compute(&r, f.ctx, NULL, f.market, NULL), HEDGE_ERR_INVALID_ARG);
    hedge_risk_row small = HEDGE_RISK_ROW_INIT;
    small.struct_size = 8;
    ck_assert_status(hedge_risk_compute(&r, f.ctx, f.book, f.market, NULL), HEDGE_OK);
    ck_assert_status(hedge_risk_total(&small, r), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_risk_row_get(&small, r, HEDGE_BREAKDOWN_UNDERLYING, 0), HEDGE_ERR_INVALID_ARG);
    hedge_risk_row row = HEDGE_RISK_ROW_INIT;
    ck_assert_status(hedge_risk_row_get(&row, r, HEDGE_BREAKDOWN_UNDERLYING, 99), HEDGE_ERR_NOT_FOUND);
    ck_assert_status(hedge_risk_row_get(&row, r, (hedge_breakdown)7, 0), HEDGE_ERR_INVALID_ARG);
    ck_assert_uint_eq(hedge_risk_row_count(r, HEDGE_BREAKDOWN_POSITION), 0);
    hedge_risk_destroy(r);
    hedge_position_clear(&p);
    hedge_market_destroy(bare);
    teardown(&f);
}
END_TEST

typedef struct oom_payload {
    hedge_market *market;
    hedge_portfolio *book;
} oom_payload;

static hedge_status oom_risk(hedge_context *ctx, void *arg) {
    oom_payload *p = arg;
    hedge_risk_options o = HEDGE_RISK_OPTIONS_INIT;
    o.per_position = 1;
    hedge_risk *r = NULL;
    hedge_status st = hedge_risk_compute(&r, ctx, p->book, p->market, &o);
    hedge_risk_destroy(r);
    return st;
}

START_TEST(oom_sweep) {
    fixture f;
    setup(&f);
    oom_payload p = {f.market, f.book};
    ck_assert_int_gt(test_oom_sweep(oom_risk, &p), 3);
    teardown(&f);
}
END_TEST

/* The column aggregation against a plain double loop; slices add up to the whole; a bad bucket
 * adds nothing. */
START_TEST(aggregate_columns) {
    enum { N = 10007, C = 3, B = 5 };
    static uint32_t bucket[N];
    static double col[C][N];
    unsigned long long st = 99;
    for (int i = 0; i < N; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        bucket[i] = (uint32_t)((st >> 33) % B);
        for (int c = 0; c < C; c++)
            col[c][i] = (double)((st >> (11 + 7 * c)) % 1000) - 500.0; /* integers: sums are exact */
    }
    const double *cols[C] = {col[0], col[1], col[2]};
    double sums[B * C] = {0}, want[B * C] = {0}, sliced[B * C] = {0};
    for (int i = 0; i < N; i++)
        for (int c = 0; c < C; c++)
            want[bucket[i] * C + c] += col[c][i];
    ck_assert_status(hedge_aggregate_columns(N, bucket, cols, C, sums, B), HEDGE_OK);
    ck_assert(memcmp(sums, want, sizeof sums) == 0);
    const double *tail[C] = {col[0] + 5000, col[1] + 5000, col[2] + 5000};
    ck_assert_status(hedge_aggregate_columns(5000, bucket, cols, C, sliced, B), HEDGE_OK);
    ck_assert_status(hedge_aggregate_columns(N - 5000, bucket + 5000, tail, C, sliced, B), HEDGE_OK);
    ck_assert(memcmp(sliced, want, sizeof sums) == 0);
    bucket[N - 1] = B;
    ck_assert_status(hedge_aggregate_columns(N, bucket, cols, C, sums, B), HEDGE_ERR_INVALID_ARG);
    ck_assert(memcmp(sums, want, sizeof sums) == 0);
    ck_assert_status(hedge_aggregate_columns(N, bucket, cols, 0, sums, B), HEDGE_ERR_INVALID_ARG);
}
END_TEST

/* ---- hedge_aggregate_columns on every code path against a long double loop ---- */

typedef struct agg_case {
    size_t n, n_columns, n_buckets;
    bool runs; /* buckets in runs (a sorted book) rather than at random */
} agg_case;

static uint64_t agg_next(uint64_t *st) {
    *st = *st * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *st >> 11;
}

/* Fills a case: columns start at different offsets (multiples of 8 bytes, so none shares column 0's
 * position in a cache line unless by chance), figures of both signs spread over six decades (every
 * add rounds), buckets in runs of 1 to 40 or at random, sums pre-filled with nonzero values. */
typedef struct agg_data {
    uint32_t *bucket;
    double *store;
    const double *cols[64];
    double *init;
} agg_data;

static void agg_fill(agg_data *d, const agg_case *k, uint64_t seed) {
    uint64_t st = seed;
    d->bucket = malloc((k->n ? k->n : 1) * sizeof(uint32_t));
    d->store = malloc((k->n_columns * (k->n + 8) + 1) * sizeof(double));
    d->init = malloc(k->n_buckets * k->n_columns * sizeof(double));
    double *p = d->store;
    for (size_t c = 0; c < k->n_columns; c++) {
        double *col = p + (c * 3 + 1) % 8;
        for (size_t i = 0; i < k->n; i++) {
            double mag = pow(10.0, (double)(agg_next(&st) % 6000) / 1000.0 - 3.0);
            col[i] = agg_next(&st) % 2 ? mag : -mag;
        }
        d->cols[c] = col;
        p += k->n + 8;
    }
    uint32_t b = 0;
    size_t left = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (!k->runs)
            b = (uint32_t)(agg_next(&st) % k->n_buckets);
        else if (left-- == 0) {
            b = (uint32_t)(agg_next(&st) % k->n_buckets);
            left = agg_next(&st) % 40;
        }
        d->bucket[i] = b;
    }
    for (size_t j = 0; j < k->n_buckets * k->n_columns; j++)
        d->init[j] = (double)(agg_next(&st) % 2001) - 1000.5;
}

static void agg_free(agg_data *d) {
    free(d->bucket);
    free(d->store);
    free(d->init);
}

/* Every cell against a long double sum of its terms (pre-filled value included). Recursive summation
 * of m terms in any order and grouping errs by at most (m - 1) u sum|x| (u = DBL_EPSILON / 2, to
 * first order); the cell sums m = count + 1 terms, and the long double reference itself is off by at
 * most m 2^-64 sum|x|, so m * DBL_EPSILON * sum|x| bounds the difference with room for both. */
static void agg_check(const agg_case *k, const agg_data *d, const double *sums, const char *path) {
    size_t cells = k->n_buckets * k->n_columns;
    long double *want = malloc(cells * sizeof(long double)), *mag = malloc(cells * sizeof(long double));
    size_t *count = calloc(k->n_buckets, sizeof(size_t));
    for (size_t j = 0; j < cells; j++)
        want[j] = d->init[j], mag[j] = fabs(d->init[j]);
    for (size_t i = 0; i < k->n; i++) {
        count[d->bucket[i]]++;
        for (size_t c = 0; c < k->n_columns; c++) {
            want[d->bucket[i] * k->n_columns + c] += d->cols[c][i];
            mag[d->bucket[i] * k->n_columns + c] += fabs(d->cols[c][i]);
        }
    }
    for (size_t j = 0; j < cells; j++) {
        double tol = (double)(count[j / k->n_columns] + 1) * DBL_EPSILON * (double)mag[j];
        /* ck_assert on failure only: Check reports every passing assert through a pipe */
        if (!(fabsl((long double)sums[j] - want[j]) <= tol))
            ck_abort_msg("%s, n %zu x %zu columns into %zu buckets (%s): cell %zu (bucket %zu, column %zu) "
                         "is %.17g, expected %.17Lg within %.3g",
                         path, k->n, k->n_columns, k->n_buckets, k->runs ? "runs" : "random", j, j / k->n_columns,
                         j % k->n_columns, sums[j], want[j], tol);
    }
    free(want);
    free(mag);
    free(count);
}

START_TEST(aggregate_columns_every_path) {
    /* n: odd, below one vector step, across the 2048-position blocks; every column count from 1 to
     * 64 (groups of 4 and 8, full and partial); buckets from 1 to the accumulator's 128, several
     * passes (9 or more columns in 100 buckets), and the packed rows in the caller's sums above 128. */
    static const size_t ns[] = {1, 3, 7, 9, 1001, 4099};
    static const size_t nbs[] = {1, 5, 64, 100, 128, 129, 512, 513};
    struct {
        const char *name;
        const hedge__agg_kernel *kernel;
    } paths[2] = {{"portable", &hedge__agg_portable}, {NULL, NULL}};
#ifdef HEDGE__AGG_X86
    if (hedge__simd_level() >= HEDGE__SIMD_AVX2)
        paths[1].name = "avx2", paths[1].kernel = &hedge__agg_avx2;
#endif
    uint64_t seed = 5;
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t cols = 1; cols <= 64; cols++)
            for (size_t c = 0; c < sizeof nbs / sizeof nbs[0]; c++)
                for (int runs = 0; runs < 2; runs++) {
                    agg_case k = {ns[a], cols, nbs[c], runs};
                    /* the big n with three bucket counts only (time) */
                    if (k.n == 4099 && k.n_buckets != 64 && k.n_buckets != 100 && k.n_buckets != 513)
                        continue;
                    agg_data d;
                    agg_fill(&d, &k, ++seed);
                    size_t cells = k.n_buckets * k.n_columns;
                    double *sums = malloc(cells * sizeof(double));
                    for (int p = 0; p < 2; p++) {
                        if (!paths[p].kernel)
                            continue;
                        memcpy(sums, d.init, cells * sizeof(double));
                        uint32_t bad = 0;
                        ck_assert(hedge__aggregate(paths[p].kernel, k.n, d.bucket, d.cols, k.n_columns, sums,
                                                   k.n_buckets, &bad));
                        agg_check(&k, &d, sums, paths[p].name);
                    }
                    memcpy(sums, d.init, cells * sizeof(double));
                    ck_assert_status(hedge_aggregate_columns(k.n, d.bucket, d.cols, k.n_columns, sums, k.n_buckets),
                                     HEDGE_OK);
                    agg_check(&k, &d, sums, "hedge_aggregate_columns");
                    free(sums);
                    agg_free(&d);
                }
}
END_TEST

/* A bucket id out of range, first, in the middle or last (after whole blocks went by), on the
 * one-pass path, the multi-pass path (both checked block by block) and the packed path: an error, and
 * the sums as they were. */
START_TEST(aggregate_columns_bad_bucket_adds_nothing) {
    static const agg_case cases[] = {{5000, 7, 64, false}, {5000, 17, 100, true}, {5000, 64, 100, true},
                                     {5000, 7, 700, false}, {9, 3, 5, true}};
    const hedge__agg_kernel *kernels[2] = {&hedge__agg_portable, NULL};
#ifdef HEDGE__AGG_X86
    if (hedge__simd_level() >= HEDGE__SIMD_AVX2)
        kernels[1] = &hedge__agg_avx2;
#endif
    for (size_t j = 0; j < sizeof cases / sizeof cases[0]; j++) {
        const agg_case *k = &cases[j];
        size_t where[3] = {0, k->n / 2, k->n - 1};
        agg_data d;
        agg_fill(&d, k, 77 + j);
        size_t cells = k->n_buckets * k->n_columns;
        double *sums = malloc(cells * sizeof(double));
        for (int w = 0; w < 3; w++) {
            uint32_t keep = d.bucket[where[w]];
            d.bucket[where[w]] = (uint32_t)k->n_buckets + (uint32_t)w;
            memcpy(sums, d.init, cells * sizeof(double));
            ck_assert_status(hedge_aggregate_columns(k->n, d.bucket, d.cols, k->n_columns, sums, k->n_buckets),
                             HEDGE_ERR_INVALID_ARG);
            ck_assert(strstr(hedge_error_message(), "is not below") != NULL);
            ck_assert(memcmp(sums, d.init, cells * sizeof(double)) == 0);
            for (int p = 0; p < 2; p++) {
                if (!kernels[p])
                    continue;
                uint32_t bad = 0;
                ck_assert(!hedge__aggregate(kernels[p], k->n, d.bucket, d.cols, k->n_columns, sums, k->n_buckets,
                                            &bad));
                ck_assert_uint_eq(bad, k->n_buckets + (uint32_t)w);
                ck_assert(memcmp(sums, d.init, cells * sizeof(double)) == 0);
            }
            d.bucket[where[w]] = keep;
        }
        free(sums);
        agg_free(&d);
    }
}
END_TEST

Suite *hedge_test_suite_risk(void) {
    Suite *s = suite_create("risk");
    TCase *tc = tcase_create("risk");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rows_are_sums_of_position_valuations);
    tcase_add_test(tc, breakdowns_add_up);
    tcase_add_test(tc, vega_by_tenor);
    tcase_add_test(tc, additive_over_books);
    tcase_add_test(tc, beta_weighted_delta);
    tcase_add_test(tc, errors_name_the_position);
    tcase_add_test(tc, oom_sweep);
    tcase_add_test(tc, aggregate_columns);
    tcase_add_test(tc, aggregate_columns_every_path);
    tcase_add_test(tc, aggregate_columns_bad_bucket_adds_nothing);
    suite_add_tcase(s, tc);
    return s;
}
