/* Volatility surfaces: fit recovery, interpolation in total variance, monotonicity, arbitrage reports. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/types.h>
#include <hedge/volsurface.h>

#include <float.h>
#include <math.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)

/* The SVI formula, written out again so the tests do not lean on the library's evaluation. */
static double svi(const hedge_svi_slice *s, double k) {
    return s->a + s->b * (s->rho * (k - s->m) + sqrt((k - s->m) * (k - s->m) + s->sigma * s->sigma));
}

/* Three smiles of a BTC-like surface with a put skew, total variance increasing with expiry at every k. */
static const hedge_svi_slice truth[3] = {
    {NOW + 7 * DAY, 0, 97500, 0.004, 0.030, -0.30, 0.00, 0.05, 0},
    {NOW + 30 * DAY, 0, 98200, 0.015, 0.060, -0.35, 0.01, 0.10, 0},
    {NOW + 91 * DAY, 0, 99800, 0.045, 0.100, -0.40, 0.02, 0.20, 0},
};

static double T_of(int64_t expiry) { return (double)(expiry - NOW) / HEDGE_MS_PER_YEAR; }

START_TEST(fit_recovers_the_generating_smiles) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    double strikes[3][25], vols[3][25];
    hedge_smile_data data[3];
    for (int e = 2; e >= 0; e--) { /* given out of order on purpose */
        double T = T_of(truth[e].expiry_ms);
        for (int j = 0; j < 25; j++) {
            double k = -0.6 + 0.05 * j;
            strikes[e][j] = truth[e].forward * exp(k);
            vols[e][j] = sqrt(svi(&truth[e], k) / T);
        }
        data[2 - e] = (hedge_smile_data){truth[e].expiry_ms, truth[e].forward, 25, strikes[e], vols[e], NULL};
    }
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_fit(&s, ctx, NOW, data, 3), HEDGE_OK);
    ck_assert_uint_eq(hedge_vol_surface_slice_count(s), 3);
    for (size_t e = 0; e < 3; e++) {
        hedge_svi_slice got;
        ck_assert_status(hedge_vol_surface_slice(&got, s, e), HEDGE_OK);
        ck_assert(got.expiry_ms == truth[e].expiry_ms);
        ck_assert_close(got.T, T_of(truth[e].expiry_ms), 1e-15, 0);
        ck_assert_close(got.a, truth[e].a, 0, 1e-7);
        ck_assert_close(got.b, truth[e].b, 0, 1e-6);
        ck_assert_close(got.rho, truth[e].rho, 0, 1e-5);
        ck_assert_close(got.m, truth[e].m, 0, 1e-6);
        ck_assert_close(got.sigma, truth[e].sigma, 0, 1e-6);
        ck_assert_msg(got.rmse_vol < 1e-7, "rmse_vol %g", got.rmse_vol);
        /* the vol at an input strike is the input vol */
        double v;
        ck_assert_status(hedge_vol_surface_vol(&v, s, strikes[e][3], truth[e].forward, truth[e].expiry_ms), HEDGE_OK);
        ck_assert_close(v, vols[e][3], 1e-6, 0);
    }
    hedge_svi_slice dummy;
    ck_assert_status(hedge_vol_surface_slice(&dummy, s, 3), HEDGE_ERR_INVALID_ARG);
    hedge_vol_surface_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

/* Between two expiries w is the time-weighted average of the two smiles at the same k; outside, the
 * nearest smile at constant implied volatility. */
START_TEST(interpolation_in_total_variance) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, truth, 3), HEDGE_OK);
    double T0 = T_of(truth[0].expiry_ms), T1 = T_of(truth[1].expiry_ms), T2 = T_of(truth[2].expiry_ms);
    for (double k = -1; k <= 1; k += 0.25) {
        double w;
        double T = 0.25 * T0 + 0.75 * T1;
        ck_assert_status(hedge_vol_surface_total_variance(&w, s, k, T), HEDGE_OK);
        ck_assert_close(w, 0.25 * svi(&truth[0], k) + 0.75 * svi(&truth[1], k), 1e-13, 1e-16); /* u = 0.75 */
        ck_assert_status(hedge_vol_surface_total_variance(&w, s, k, T1), HEDGE_OK);
        ck_assert_close(w, svi(&truth[1], k), 1e-13, 0);
        ck_assert_status(hedge_vol_surface_total_variance(&w, s, k, T0 / 3), HEDGE_OK);
        ck_assert_close(w, svi(&truth[0], k) / 3, 1e-13, 0);
        ck_assert_status(hedge_vol_surface_total_variance(&w, s, k, 2 * T2), HEDGE_OK);
        ck_assert_close(w, 2 * svi(&truth[2], k), 1e-13, 0);
        ck_assert_status(hedge_vol_surface_total_variance(&w, s, k, 0), HEDGE_OK);
        ck_assert(w == 0);
    }
    /* vol by strike uses the caller's forward: k = ln(K / F) */
    double v, F = 98000, K = 90000;
    int64_t expiry = NOW + 20 * DAY;
    ck_assert_status(hedge_vol_surface_vol(&v, s, K, F, expiry), HEDGE_OK);
    double T = T_of(expiry), u = (T - T0) / (T1 - T0), k = log(K / F);
    ck_assert_close(v, sqrt(((1 - u) * svi(&truth[0], k) + u * svi(&truth[1], k)) / T), 1e-13, 0);
    ck_assert_status(hedge_vol_surface_vol(&v, s, K, F, NOW), HEDGE_ERR_EXPIRED);
    ck_assert_status(hedge_vol_surface_vol(&v, s, -1, F, expiry), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_vol_surface_vol(&v, s, K, NAN, expiry), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_vol_surface_total_variance(&v, s, NAN, 0.1), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_vol_surface_total_variance(&v, s, 0, -0.1), HEDGE_ERR_DOMAIN);
    /* far beyond the last slice: w T / T2 is past DBL_MAX, an error that writes nothing */
    v = -7;
    ck_assert_status(hedge_vol_surface_total_variance(&v, s, 0, DBL_MAX), HEDGE_ERR_TOO_LARGE);
    ck_assert(v == -7);
    hedge_vol_surface_destroy(s);
    /* a slice whose variance is 0 at k (subnormal b and sigma, a = 0): 0 however far out, not
     * 0 x inf (found by fuzz_handles: NaN at T = DBL_MAX) */
    hedge_svi_slice flat = {truth[0].expiry_ms, 0, 1000, 0, 3.1620201333839779e-322, 0, 7.2562747451532896e-304,
                            4.9406564584124654e-324, 0};
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, &flat, 1), HEDGE_OK);
    ck_assert_status(hedge_vol_surface_total_variance(&v, s, -0.0, DBL_MAX), HEDGE_OK);
    ck_assert(v == 0);
    hedge_vol_surface_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

/* For a calendar-arbitrage-free input, total variance never decreases in time at any k. */
START_TEST(total_variance_is_monotone_in_time) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, truth, 3), HEDGE_OK);
    size_t n = 99;
    hedge_arbitrage_report r[4];
    ck_assert_status(hedge_vol_surface_check(r, 4, &n, s, -1.5, 1.5, 301), HEDGE_OK);
    ck_assert_uint_eq(n, 0);
    for (double k = -1.5; k <= 1.5; k += 0.05) {
        double prev = -1;
        for (double T = 0; T <= 0.6; T += 0.001) {
            double w;
            ck_assert_status(hedge_vol_surface_total_variance(&w, s, k, T), HEDGE_OK);
            ck_assert_msg(w >= prev, "w(%g, %g) = %g < %g", k, T, w, prev);
            prev = w;
        }
    }
    hedge_vol_surface_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(check_reports_butterflies_and_calendars) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    /* slice 1: Gatheral & Jacquier's arbitrageable smile (t = 1); slice 2 dips below it on the left */
    hedge_svi_slice sl[3] = {
        {NOW + 30 * DAY, 0, 100, 0.01, 0.05, -0.2, 0.0, 0.1, 0},
        {NOW + 365 * DAY, 0, 100, -0.0410, 0.1331, 0.3060, 0.3586, 0.4153, 0},
        {NOW + 400 * DAY, 0, 100, 0.001, 0.05, 0.9, 0.3586, 0.4153, 0},
    };
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, sl, 3), HEDGE_OK);
    hedge_arbitrage_report r[8];
    size_t n = 0;
    ck_assert_status(hedge_vol_surface_check(r, 8, &n, s, -1.5, 1.5, 601), HEDGE_OK);
    int butterfly1 = 0, calendar2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].kind == HEDGE_ARBITRAGE_BUTTERFLY && r[i].slice == 1)
            butterfly1 = 1;
        if (r[i].kind == HEDGE_ARBITRAGE_CALENDAR && r[i].slice == 2) {
            calendar2 = 1;
            ck_assert(r[i].worst_value < 0);
            hedge_svi_slice a, b;
            hedge_vol_surface_slice(&a, s, 1);
            hedge_vol_surface_slice(&b, s, 2);
            ck_assert(svi(&b, r[i].worst_k) < svi(&a, r[i].worst_k));
        }
        ck_assert(r[i].points > 0);
    }
    ck_assert(butterfly1);
    ck_assert(calendar2);
    size_t m = 0;
    ck_assert_status(hedge_vol_surface_check(NULL, 0, &m, s, -1.5, 1.5, 601), HEDGE_OK);
    ck_assert_uint_eq(m, n);
    ck_assert_status(hedge_vol_surface_check(r, 8, &m, s, 1, -1, 601), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_vol_surface_check(r, 8, &m, s, -1, 1, 1), HEDGE_ERR_DOMAIN);
    hedge_vol_surface_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(rejects_bad_input) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_vol_surface *s = (hedge_vol_surface *)(uintptr_t)1;
    hedge_svi_slice sl[2] = {truth[0], truth[1]};
    sl[1].rho = 1.0;
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, sl, 2), HEDGE_ERR_DOMAIN);
    ck_assert_ptr_null(s);
    sl[1] = truth[0];
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, sl, 2), HEDGE_ERR_EXISTS);
    ck_assert_status(hedge_vol_surface_create(&s, ctx, truth[0].expiry_ms, truth, 3), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, truth, 0), HEDGE_ERR_INVALID_ARG);
    double K[5] = {90, 95, 100, 105, 110}, v[5] = {0.5, 0.45, 0.4, 0.42, -0.1};
    hedge_smile_data d = {NOW + 30 * DAY, 100, 5, K, v, NULL};
    ck_assert_status(hedge_vol_surface_fit(&s, ctx, NOW, &d, 1), HEDGE_ERR_DOMAIN);
    v[4] = 0.45;
    d.n = 4;
    ck_assert_status(hedge_vol_surface_fit(&s, ctx, NOW, &d, 1), HEDGE_ERR_INVALID_ARG);
    d.n = 5;
    d.forward = 0;
    ck_assert_status(hedge_vol_surface_fit(&s, ctx, NOW, &d, 1), HEDGE_ERR_DOMAIN);
    d.forward = 100;
    double wt[5] = {1, 1, 0, 1, 1};
    d.weights = wt;
    ck_assert_status(hedge_vol_surface_fit(&s, ctx, NOW, &d, 1), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "smile 0"));
    ck_assert_ptr_null(s);
    hedge_vol_surface_destroy(NULL);
    hedge_context_destroy(ctx);
}
END_TEST

static hedge_status oom_fit(hedge_context *ctx, void *payload) {
    (void)payload;
    double K[7] = {80, 90, 95, 100, 105, 110, 120}, v[7] = {0.62, 0.55, 0.52, 0.50, 0.505, 0.52, 0.56};
    hedge_smile_data d[2] = {{NOW + 30 * DAY, 100, 7, K, v, NULL}, {NOW + 60 * DAY, 101, 7, K, v, NULL}};
    hedge_vol_surface *s = NULL;
    hedge_status st = hedge_vol_surface_fit(&s, ctx, NOW, d, 2);
    hedge_vol_surface_destroy(s);
    return st;
}

START_TEST(oom_sweep) { ck_assert_int_eq(test_oom_sweep(oom_fit, NULL), 3); }
END_TEST

Suite *hedge_test_suite_volsurface(void) {
    Suite *s = suite_create("volsurface");
    TCase *tc = tcase_create("volsurface");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fit_recovers_the_generating_smiles);
    tcase_add_test(tc, interpolation_in_total_variance);
    tcase_add_test(tc, total_variance_is_monotone_in_time);
    tcase_add_test(tc, check_reports_butterflies_and_calendars);
    tcase_add_test(tc, rejects_bad_input);
    tcase_add_test(tc, oom_sweep);
    suite_add_tcase(s, tc);
    return s;
}
