/* Volatility forecasting: the realised estimators on four bars worked in Python, and unbiased on
 * simulated GBM bars (highs and lows of the continuous path, 1,000 steps a bar); EWMA against the
 * recursion written out again; GARCH(1,1) fits that recover the parameters of simulated data and
 * beat the likelihood of the truth (computed here by a separate loop), forecasts against the
 * iterated recursion, the simulator's moments and reproducibility; and every bad input. */
#include "support/testutil.h"
#include "suites.h"

#include "core/rng.h"

#include <hedge/volatility.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL (-9.75e55)

/* ---------------------------------------------------------------------------------------------
 * Realised volatility
 * ------------------------------------------------------------------------------------------- */

static const double O4[4] = {100, 102, 100.5, 104}, H4[4] = {103, 105, 103, 106}, L4[4] = {99, 101, 98, 102},
                    C4[4] = {102, 101, 102, 105};

/* Four daily bars. The references come from Python's math module, from the definitions:
 *   close-to-close: r = ln(101/102), ln(102/101), ln(105/102); sqrt(365 * sample variance(r))
 *   Parkinson:      sqrt(365 * sum ln(H/L)^2 / (4 * 4 ln 2))
 *   Garman-Klass:   sqrt(365 * sum (0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2) / 4)
 *   Rogers-Satchell: sqrt(365 * sum (ln(H/C) ln(H/O) + ln(L/C) ln(L/O)) / 4)
 *   Yang-Zhang:     m = 3 periods (bars 1..3), o = ln(O_i/C_{i-1}), c = ln(C_i/O_i), k = 0.34/(1.34 + 4/2);
 *                   sqrt(365 * (var(o) + k var(c) + (1 - k) RS mean over bars 1..3)) */
START_TEST(realized_four_bars_by_hand) {
    static const struct {
        hedge_vol_estimator est;
        double want;
    } cases[] = {
        {HEDGE_VOL_CLOSE_TO_CLOSE, 0.3710302742800999}, {HEDGE_VOL_PARKINSON, 0.48111914086862984},
        {HEDGE_VOL_GARMAN_KLASS, 0.5410030015303223},   {HEDGE_VOL_ROGERS_SATCHELL, 0.5814621063510433},
        {HEDGE_VOL_YANG_ZHANG, 0.6383391978706732},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double vol = SENTINEL;
        ck_assert_status(hedge_realized_vol(&vol, cases[i].est, O4, H4, L4, C4, 4, 365), HEDGE_OK);
        ck_assert_close(vol, cases[i].want, 1e-13, 0);
        /* the same bars at 8760 periods a year: sqrt(8760 / 365) times the daily figure */
        ck_assert_status(hedge_realized_vol(&vol, cases[i].est, O4, H4, L4, C4, 4, 8760), HEDGE_OK);
        ck_assert_close(vol, cases[i].want * sqrt(24.0), 1e-13, 0);
    }
    /* arrays an estimator does not use may be NULL, and are not read */
    double vol = SENTINEL;
    ck_assert_status(hedge_realized_vol(&vol, HEDGE_VOL_CLOSE_TO_CLOSE, NULL, NULL, NULL, C4, 4, 365), HEDGE_OK);
    ck_assert_close(vol, 0.3710302742800999, 1e-13, 0);
    static const double garbage[4] = {NAN, -1, 0, INFINITY};
    ck_assert_status(hedge_realized_vol(&vol, HEDGE_VOL_PARKINSON, garbage, H4, L4, garbage, 4, 365), HEDGE_OK);
    ck_assert_close(vol, 0.48111914086862984, 1e-13, 0);
    /* the smallest samples: one bar for the range estimators, three for the others */
    ck_assert_status(hedge_realized_vol(&vol, HEDGE_VOL_PARKINSON, NULL, H4, L4, NULL, 1, 1), HEDGE_OK);
    ck_assert_close(vol, log(103.0 / 99.0) / sqrt(4 * log(2.0)), 1e-14, 0);
    ck_assert_status(hedge_realized_vol(&vol, HEDGE_VOL_CLOSE_TO_CLOSE, NULL, NULL, NULL, C4, 3, 1), HEDGE_OK);
    ck_assert_close(vol, fabs(log(101.0 / 102.0) - log(102.0 / 101.0)) / sqrt(2.0), 1e-14, 0);
    /* flat bars: zero, not a rounding-negative NaN */
    static const double flat[5] = {50, 50, 50, 50, 50};
    for (int e = 0; e <= 4; e++) {
        vol = SENTINEL;
        ck_assert_status(hedge_realized_vol(&vol, (hedge_vol_estimator)e, flat, flat, flat, flat, 5, 365), HEDGE_OK);
        ck_assert(vol == 0.0);
    }
}
END_TEST

/* Bad bars: the exact status, the index in the message, and nothing written. */
START_TEST(realized_rejects_bad_bars) {
    double o[4], h[4], l[4], c[4];
    struct {
        const char *what;
        hedge_vol_estimator est;
        int which;    /* 0 open, 1 high, 2 low, 3 close: the array to spoil; -1 none */
        double value; /* put at index 2 */
        int null_arr; /* array passed as NULL, -1 none */
        size_t n;
        double ppy;
        hedge_status want;
        const char *fragment;
    } rows[] = {
        {"NaN close", HEDGE_VOL_CLOSE_TO_CLOSE, 3, NAN, -1, 4, 365, HEDGE_ERR_DOMAIN, "close[2]"},
        {"zero close", HEDGE_VOL_CLOSE_TO_CLOSE, 3, 0.0, -1, 4, 365, HEDGE_ERR_DOMAIN, "close[2]"},
        {"infinite high", HEDGE_VOL_PARKINSON, 1, INFINITY, -1, 4, 365, HEDGE_ERR_DOMAIN, "high[2]"},
        {"negative low", HEDGE_VOL_PARKINSON, 2, -98, -1, 4, 365, HEDGE_ERR_DOMAIN, "low[2]"},
        {"high below low", HEDGE_VOL_PARKINSON, 1, 97, -1, 4, 365, HEDGE_ERR_DOMAIN, "high[2]"},
        {"close above high", HEDGE_VOL_GARMAN_KLASS, 3, 103.5, -1, 4, 365, HEDGE_ERR_DOMAIN, "close[2]"},
        {"close below low", HEDGE_VOL_ROGERS_SATCHELL, 3, 97.5, -1, 4, 365, HEDGE_ERR_DOMAIN, "close[2]"},
        {"open above high", HEDGE_VOL_YANG_ZHANG, 0, 104, -1, 4, 365, HEDGE_ERR_DOMAIN, "open[2]"},
        {"NaN open", HEDGE_VOL_YANG_ZHANG, 0, NAN, -1, 4, 365, HEDGE_ERR_DOMAIN, "open[2]"},
        {"NULL close", HEDGE_VOL_CLOSE_TO_CLOSE, -1, 0, 3, 4, 365, HEDGE_ERR_INVALID_ARG, "close"},
        {"NULL low", HEDGE_VOL_PARKINSON, -1, 0, 2, 4, 365, HEDGE_ERR_INVALID_ARG, "low"},
        {"NULL open", HEDGE_VOL_GARMAN_KLASS, -1, 0, 0, 4, 365, HEDGE_ERR_INVALID_ARG, "open"},
        {"two bars close-to-close", HEDGE_VOL_CLOSE_TO_CLOSE, -1, 0, -1, 2, 365, HEDGE_ERR_INVALID_ARG, "at least 3"},
        {"two bars Yang-Zhang", HEDGE_VOL_YANG_ZHANG, -1, 0, -1, 2, 365, HEDGE_ERR_INVALID_ARG, "at least 3"},
        {"no bars", HEDGE_VOL_PARKINSON, -1, 0, -1, 0, 365, HEDGE_ERR_INVALID_ARG, "at least 1"},
        {"zero periods", HEDGE_VOL_PARKINSON, -1, 0, -1, 4, 0, HEDGE_ERR_DOMAIN, "periods_per_year"},
        {"NaN periods", HEDGE_VOL_YANG_ZHANG, -1, 0, -1, 4, NAN, HEDGE_ERR_DOMAIN, "periods_per_year"},
        {"unknown estimator", (hedge_vol_estimator)5, -1, 0, -1, 4, 365, HEDGE_ERR_INVALID_ARG, "estimator"},
        {"negative estimator", (hedge_vol_estimator)-1, -1, 0, -1, 4, 365, HEDGE_ERR_INVALID_ARG, "estimator"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        memcpy(o, O4, sizeof o);
        memcpy(h, H4, sizeof h);
        memcpy(l, L4, sizeof l);
        memcpy(c, C4, sizeof c);
        double *arr[4] = {o, h, l, c};
        if (rows[r].which >= 0)
            arr[rows[r].which][2] = rows[r].value;
        const double *in[4] = {o, h, l, c};
        if (rows[r].null_arr >= 0)
            in[rows[r].null_arr] = NULL;
        double vol = SENTINEL;
        hedge_status st = hedge_realized_vol(&vol, rows[r].est, in[0], in[1], in[2], in[3], rows[r].n, rows[r].ppy);
        ck_assert_msg(st == rows[r].want, "%s: %s (%s)", rows[r].what, hedge_status_name(st), hedge_error_message());
        ck_assert_msg(strstr(hedge_error_message(), rows[r].fragment), "%s: message \"%s\" lacks \"%s\"",
                      rows[r].what, hedge_error_message(), rows[r].fragment);
        ck_assert_msg(vol == SENTINEL, "%s: vol written", rows[r].what);
    }
    ck_assert_status(hedge_realized_vol(NULL, HEDGE_VOL_PARKINSON, O4, H4, L4, C4, 4, 365), HEDGE_ERR_INVALID_ARG);
}
END_TEST

/*
 * Bars of a log price x following dx = drift dt + sigma dW, each bar 1,000 steps of dt = 1/1000
 * period (sigma per square-root period), opening with a gap of gap_sd N(0, 1) from the last close.
 * Highs and lows are those of the continuous path: for each step from a to b, the extremes of the
 * Brownian bridge between them are drawn exactly, max = (a + b + sqrt((b - a)^2 - 2 v ln U)) / 2
 * with v = sigma^2 dt, and likewise the min; so the range estimators see no discretisation bias.
 * (Within a step the max and min are drawn independently; they are dependent, but both extremes of
 * a bar fall in the same step with probability about 1/1000, and the error then is tiny.)
 */
enum { STEPS = 1000 };
static void gbm_bars(double *O, double *H, double *L, double *C, size_t n, double sigma, double drift, double gap_sd,
                     uint64_t seed) {
    hedge__rng rng;
    hedge__rng_init(&rng, seed, 0);
    double x = log(100.0), dt = 1.0 / STEPS, sd = sigma * sqrt(dt), v = sigma * sigma * dt;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            x += gap_sd * hedge__rng_normal(&rng);
        double hi = x, lo = x;
        O[i] = exp(x);
        for (int s = 0; s < STEPS; s++) {
            double a = x, b = x + drift * dt + sd * hedge__rng_normal(&rng);
            double m1 = 0.5 * (a + b + sqrt((b - a) * (b - a) - 2 * v * log(hedge__rng_uniform(&rng))));
            double m2 = 0.5 * (a + b - sqrt((b - a) * (b - a) - 2 * v * log(hedge__rng_uniform(&rng))));
            hi = fmax(hi, m1);
            lo = fmin(lo, m2);
            x = b;
        }
        C[i] = exp(x);
        H[i] = fmax(exp(hi), fmax(O[i], C[i])); /* exp rounding must not put the open outside */
        L[i] = fmin(exp(lo), fmin(O[i], C[i]));
    }
}

/* Mean and standard error of the mean of x[0..n). */
static void mean_se(const double *x, size_t n, double *mean, double *se) {
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *se = sqrt(ss / (double)(n - 1) / (double)n);
}

/* The library's per-period variance against the truth, in standard errors of the per-bar terms
 * the test computes itself (the estimators are means of those terms); *mean receives their mean. */
static double z_score(hedge_vol_estimator est, const double *O, const double *H, const double *L, const double *C,
                      size_t n, const double *terms, size_t n_terms, double truth, double *var, double *mean) {
    double vol, se;
    ck_assert_status(hedge_realized_vol(&vol, est, O, H, L, C, n, 1.0), HEDGE_OK);
    mean_se(terms, n_terms, mean, &se);
    *var = vol * vol;
    return (*var - truth) / se;
}

/* Within 4 standard errors of the truth, and the mean of the test's own terms (so the terms whose
 * spread gave the standard error are the estimator's). */
#define CHECK_UNBIASED(est, truth, label)                                                                 \
    do {                                                                                                  \
        size_t m_ = terms_of(est, O, H, L, C, NBARS, t);                                                   \
        double var_, mean_, z_ = z_score(est, O, H, L, C, NBARS, t, m_, truth, &var_, &mean_);             \
        ck_assert_msg(fabs(z_) < 4, "%s: %.2f standard errors from the true variance", label, z_);        \
        ck_assert_close(var_, mean_, 1e-9, 0);                                                            \
    } while (0)

/* Per-bar terms of each estimator, written from the definitions, with the sample variances as means
 * of squared deviations times m / (m - 1). */
static size_t terms_of(hedge_vol_estimator est, const double *O, const double *H, const double *L, const double *C,
                       size_t n, double *t) {
    const double ln2 = log(2.0);
    size_t m = n - 1;
    double mo = 0, mc = 0, mr = 0;
    for (size_t i = 1; i < n; i++) {
        mo += log(O[i] / C[i - 1]) / (double)m;
        mc += log(C[i] / O[i]) / (double)m;
        mr += log(C[i] / C[i - 1]) / (double)m;
    }
    double k = 0.34 / (1.34 + (double)(m + 1) / (double)(m - 1)), corr = (double)m / (double)(m - 1);
    switch (est) {
    case HEDGE_VOL_CLOSE_TO_CLOSE:
        for (size_t i = 1; i < n; i++)
            t[i - 1] = corr * pow(log(C[i] / C[i - 1]) - mr, 2);
        return m;
    case HEDGE_VOL_PARKINSON:
        for (size_t i = 0; i < n; i++)
            t[i] = pow(log(H[i] / L[i]), 2) / (4 * ln2);
        return n;
    case HEDGE_VOL_GARMAN_KLASS:
        for (size_t i = 0; i < n; i++)
            t[i] = 0.5 * pow(log(H[i] / L[i]), 2) - (2 * ln2 - 1) * pow(log(C[i] / O[i]), 2);
        return n;
    case HEDGE_VOL_ROGERS_SATCHELL:
        for (size_t i = 0; i < n; i++)
            t[i] = log(H[i] / C[i]) * log(H[i] / O[i]) + log(L[i] / C[i]) * log(L[i] / O[i]);
        return n;
    case HEDGE_VOL_YANG_ZHANG:
        for (size_t i = 1; i < n; i++)
            t[i - 1] = corr * pow(log(O[i] / C[i - 1]) - mo, 2) + k * corr * pow(log(C[i] / O[i]) - mc, 2) +
                       (1 - k) * (log(H[i] / C[i]) * log(H[i] / O[i]) + log(L[i] / C[i]) * log(L[i] / O[i]));
        return m;
    }
    return 0;
}

enum { NBARS = 4000 };

/* Driftless bars without gaps, sigma = 0.8 a year on daily bars: every estimator within 4 standard
 * errors of the true per-period variance (a standard error is 0.5% to 2% of it). */
START_TEST(realized_unbiased_on_gbm) {
    double *O = malloc(4 * NBARS * sizeof *O), *H = O + NBARS, *L = H + NBARS, *C = L + NBARS;
    double *t = malloc(NBARS * sizeof *t);
    ck_assert(O && t);
    double sigma = 0.8 / sqrt(365.0), truth = sigma * sigma;
    gbm_bars(O, H, L, C, NBARS, sigma, 0.0, 0.0, 20260101);
    static const char *names[] = {"close-to-close", "Parkinson", "Garman-Klass", "Rogers-Satchell", "Yang-Zhang"};
    for (int e = 0; e <= 4; e++)
        CHECK_UNBIASED((hedge_vol_estimator)e, truth, names[e]);
    /* annualised: the daily estimate times sqrt(365) */
    double vol;
    ck_assert_status(hedge_realized_vol(&vol, HEDGE_VOL_YANG_ZHANG, O, H, L, C, NBARS, 365), HEDGE_OK);
    ck_assert_msg(fabs(vol / 0.8 - 1) < 0.03, "Yang-Zhang %g for 0.8", vol);
    free(t);
    free(O);
}
END_TEST

/* Opening gaps of half the intraday sd and a drift of half an sd per bar: Yang-Zhang and
 * close-to-close still find the total variance (gap + intraday), Rogers-Satchell the intraday one;
 * Parkinson, which assumes neither gaps nor drift, is more than 4 standard errors from the total:
 * the check has the power to see a wrong estimator. */
START_TEST(realized_with_gaps_and_drift) {
    double *O = malloc(4 * NBARS * sizeof *O), *H = O + NBARS, *L = H + NBARS, *C = L + NBARS;
    double *t = malloc(NBARS * sizeof *t);
    ck_assert(O && t);
    double sigma = 0.8 / sqrt(365.0), gap = 0.5 * sigma;
    double intraday = sigma * sigma, total = intraday + gap * gap;
    gbm_bars(O, H, L, C, NBARS, sigma, 0.5 * sigma, gap, 777);
    CHECK_UNBIASED(HEDGE_VOL_YANG_ZHANG, total, "Yang-Zhang");
    CHECK_UNBIASED(HEDGE_VOL_CLOSE_TO_CLOSE, total, "close-to-close");
    CHECK_UNBIASED(HEDGE_VOL_ROGERS_SATCHELL, intraday, "Rogers-Satchell");
    size_t m = terms_of(HEDGE_VOL_PARKINSON, O, H, L, C, NBARS, t);
    double var, mean, z = z_score(HEDGE_VOL_PARKINSON, O, H, L, C, NBARS, t, m, total, &var, &mean);
    ck_assert_msg(z < -4, "Parkinson should miss the gaps, but is %.2f standard errors off", z);
    free(t);
    free(O);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * EWMA
 * ------------------------------------------------------------------------------------------- */

/* The recursion written out: s2 = seed; for each return, record, then s2 = l s2 + (1 - l) r^2. */
static double ewma_ref(double *series, const double *r, size_t n, double lambda, double seed, double ppy) {
    double s2 = seed;
    for (size_t t = 0; t < n; t++) {
        series[t] = sqrt(ppy * s2);
        s2 = lambda * s2 + (1 - lambda) * r[t] * r[t];
    }
    return sqrt(ppy * s2);
}

START_TEST(ewma_matches_the_recursion) {
    enum { N = 500 };
    double r[N], series[N], want[N];
    hedge__rng rng;
    hedge__rng_init(&rng, 31, 4);
    for (int i = 0; i < N; i++)
        r[i] = 0.03 * hedge__rng_normal(&rng);
    /* the caller's seed */
    double vol = SENTINEL;
    ck_assert_status(hedge_ewma_vol(&vol, series, r, N, 0.94, 4e-4, 365), HEDGE_OK);
    double ref = ewma_ref(want, r, N, 0.94, 4e-4, 365);
    ck_assert_close(vol, ref, 1e-13, 0);
    ck_assert(series[0] == sqrt(365 * 4e-4));
    for (int i = 0; i < N; i++)
        ck_assert_close(series[i], want[i], 1e-13, 0);
    /* the default seed: mean square of the first 30 returns */
    double seed = 0;
    for (int i = 0; i < 30; i++)
        seed += r[i] * r[i] / 30;
    ck_assert_status(hedge_ewma_vol(&vol, NULL, r, N, 0.97, 0, 252), HEDGE_OK);
    ck_assert_close(vol, ewma_ref(want, r, N, 0.97, seed, 252), 1e-13, 0);
    /* fewer than 30 returns: all of them */
    seed = 0;
    for (int i = 0; i < 7; i++)
        seed += r[i] * r[i] / 7;
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 7, 0.9, 0, 8760), HEDGE_OK);
    ck_assert_close(vol, ewma_ref(want, r, 7, 0.9, seed, 8760), 1e-13, 0);
    ck_assert_close(series[0], sqrt(8760 * seed), 1e-14, 0);
}
END_TEST

/* Constant returns c: seeded at c^2 the forecast stays |c| sqrt(ppy); seeded elsewhere the variance
 * closes the gap geometrically, s2_{n+1} = c^2 + lambda^n (seed - c^2). */
START_TEST(ewma_constant_returns) {
    enum { N = 200 };
    double r[N], series[N];
    for (int i = 0; i < N; i++)
        r[i] = -0.02;
    double vol;
    ck_assert_status(hedge_ewma_vol(&vol, series, r, N, 0.94, 0, 365), HEDGE_OK); /* default seed = c^2 */
    ck_assert_close(vol, 0.02 * sqrt(365.0), 1e-14, 0);
    for (int i = 0; i < N; i++)
        ck_assert_close(series[i], 0.02 * sqrt(365.0), 1e-14, 0);
    const size_t ns[] = {1, 10, 200};
    for (size_t j = 0; j < 3; j++) {
        ck_assert_status(hedge_ewma_vol(&vol, NULL, r, ns[j], 0.94, 1e-3, 365), HEDGE_OK);
        double want = 4e-4 + pow(0.94, (double)ns[j]) * (1e-3 - 4e-4);
        ck_assert_close(vol, sqrt(365 * want), 1e-13, 0);
    }
}
END_TEST

START_TEST(ewma_rejects_bad_input) {
    double r[5] = {0.01, -0.02, 0.005, 0.0, 0.03}, series[5] = {SENTINEL, SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    double vol = SENTINEL;
    ck_assert_status(hedge_ewma_vol(NULL, series, r, 5, 0.94, 0, 365), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_ewma_vol(&vol, series, NULL, 5, 0.94, 0, 365), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 0, 0.94, 0, 365), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, 1.0, 0, 365), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, 0.0, 0, 365), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, NAN, 0, 365), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, 0.94, -1e-4, 365), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, 0.94, INFINITY, 365), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, 0.94, 0, -365), HEDGE_ERR_DOMAIN);
    r[3] = NAN;
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, 0.94, 0, 365), HEDGE_ERR_DOMAIN);
    ck_assert_msg(strstr(hedge_error_message(), "returns[3]"), "%s", hedge_error_message());
    r[3] = 1e200; /* finite, but its square is not */
    ck_assert_status(hedge_ewma_vol(&vol, series, r, 5, 0.94, 0, 365), HEDGE_ERR_DOMAIN);
    ck_assert(vol == SENTINEL);
    for (int i = 0; i < 5; i++)
        ck_assert(series[i] == SENTINEL);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * GARCH(1,1)
 * ------------------------------------------------------------------------------------------- */

/* The Gaussian log-likelihood of the fit's definition, written again: residuals r - mu, h_1 their
 * mean square, h_{t+1} = w + a e_t^2 + b h_t. next receives h_{n+1}. */
static double garch_ll(const double *r, size_t n, double mu, double w, double a, double b, double *next) {
    double h = 0, ll = 0;
    for (size_t t = 0; t < n; t++)
        h += (r[t] - mu) * (r[t] - mu) / (double)n;
    for (size_t t = 0; t < n; t++) {
        double e = r[t] - mu;
        ll -= 0.5 * (log(2 * 3.14159265358979323846) + log(h) + e * e / h);
        h = w + a * e * e + b * h;
    }
    if (next)
        *next = h;
    return ll;
}

static hedge_garch model_of(double omega, double alpha, double beta, double mean) {
    hedge_garch m = HEDGE_GARCH_INIT;
    m.omega = omega;
    m.alpha = alpha;
    m.beta = beta;
    m.mean = mean;
    m.next_variance = omega / (1 - alpha - beta);
    return m;
}

/* n = 20,000 returns of omega = 2e-6, alpha = 0.08, beta = 0.90 (V_L = 1e-4, 19% a year on daily
 * bars) with a mean of 3e-4, four seeds: alpha and beta within 0.02, omega within 30% (its standard
 * error is about 12% here; over 300 seeds the largest miss was 41%, one seed beyond 30%), and the
 * fitted likelihood at least that of the true parameters. The reported likelihood and next
 * variance are those of the reported parameters, and moving any parameter by 1% lowers it. */
START_TEST(garch_fit_recovers_parameters) {
    enum { N = 20000 };
    double *r = malloc(N * sizeof *r);
    ck_assert(r);
    const hedge_garch truth = model_of(2e-6, 0.08, 0.90, 3e-4);
    for (uint64_t seed = 1; seed <= 4; seed++) {
        ck_assert_status(hedge_garch_simulate(r, NULL, N, &truth, 0, seed, 0), HEDGE_OK);
        hedge_garch m = HEDGE_GARCH_INIT;
        ck_assert_status(hedge_garch_fit(&m, r, N, NULL), HEDGE_OK);
        ck_assert_msg(m.converged == 1 && m.iterations > 0 && m.iterations < 500, "iterations %zu", m.iterations);
        ck_assert_uint_eq(m.observations, N);
        ck_assert_msg(fabs(m.alpha - 0.08) < 0.02, "seed %d: alpha %g", (int)seed, m.alpha);
        ck_assert_msg(fabs(m.beta - 0.90) < 0.02, "seed %d: beta %g", (int)seed, m.beta);
        ck_assert_msg(fabs(m.omega / 2e-6 - 1) < 0.3, "seed %d: omega %g", (int)seed, m.omega);
        double mu = 0;
        for (int t = 0; t < N; t++)
            mu += r[t] / N;
        ck_assert_close(m.mean, mu, 1e-12, 0);
        double next, ll = garch_ll(r, N, mu, m.omega, m.alpha, m.beta, &next);
        ck_assert_close(m.log_likelihood, ll, 1e-11, 0);
        ck_assert_close(m.next_variance, next, 1e-10, 0);
        ck_assert_close(m.long_run_variance, m.omega / (1 - m.alpha - m.beta), 1e-14, 0);
        double ll_true = garch_ll(r, N, mu, 2e-6, 0.08, 0.90, NULL);
        ck_assert_msg(ll >= ll_true, "seed %d: fitted log-likelihood %.6f below the truth's %.6f", (int)seed, ll,
                      ll_true);
        const double f[2] = {0.99, 1.01};
        for (int k = 0; k < 2; k++) {
            ck_assert(garch_ll(r, N, mu, m.omega * f[k], m.alpha, m.beta, NULL) < ll);
            ck_assert(garch_ll(r, N, mu, m.omega, m.alpha * f[k], m.beta, NULL) < ll);
            ck_assert(garch_ll(r, N, mu, m.omega, m.alpha, m.beta * f[k], NULL) < ll);
        }
    }
    free(r);
}
END_TEST

/* Without demeaning the mean is 0 and the likelihood that of the raw returns; the fit does not
 * depend on the units of the returns (percent instead of decimals: omega times 1e4, the same alpha
 * and beta, the likelihood shifted by -n ln 100); an iteration limit gives the best point so far. */
START_TEST(garch_fit_options_and_units) {
    enum { N = 5000 };
    double *r = malloc(2 * N * sizeof *r), *pct = r + N;
    ck_assert(r);
    const hedge_garch truth = model_of(1e-5, 0.1, 0.85, 0.0);
    ck_assert_status(hedge_garch_simulate(r, NULL, N, &truth, 0, 11, 3), HEDGE_OK);
    for (int t = 0; t < N; t++)
        pct[t] = 100 * r[t];
    hedge_garch_options o = HEDGE_GARCH_OPTIONS_INIT;
    o.demean = 0;
    hedge_garch a = HEDGE_GARCH_INIT, b = HEDGE_GARCH_INIT;
    ck_assert_status(hedge_garch_fit(&a, r, N, &o), HEDGE_OK);
    ck_assert_status(hedge_garch_fit(&b, pct, N, &o), HEDGE_OK);
    ck_assert(a.mean == 0.0 && a.converged && b.converged);
    ck_assert_close(a.log_likelihood, garch_ll(r, N, 0.0, a.omega, a.alpha, a.beta, NULL), 1e-11, 0);
    ck_assert_close(b.omega, 1e4 * a.omega, 1e-5, 0);
    ck_assert_close(b.alpha, a.alpha, 1e-5, 0);
    ck_assert_close(b.beta, a.beta, 1e-5, 0);
    ck_assert_close(b.log_likelihood, a.log_likelihood - N * log(100.0), 1e-9, 0);
    /* the defaults through the init function, and an iteration limit of 1 */
    hedge_garch_options d;
    hedge_garch_options_init(&d);
    ck_assert(d.struct_size == sizeof d && d.tolerance == 1e-7 && d.max_iter == 500 && d.demean == 1);
    hedge_garch_options_init(NULL);
    d.max_iter = 1;
    d.demean = 0;
    hedge_garch c = HEDGE_GARCH_INIT;
    ck_assert_status(hedge_garch_fit(&c, r, N, &d), HEDGE_OK);
    ck_assert(c.converged == 0 && c.iterations == 1);
    ck_assert(c.omega > 0 && c.alpha >= 0 && c.beta >= 0 && c.alpha + c.beta < 1);
    ck_assert(c.log_likelihood < a.log_likelihood + 1e-6 * fabs(a.log_likelihood));
    free(r);
}
END_TEST

/* E h_{n+k} against iterating E h_{k+1} = omega + (alpha + beta) E h_k from h_{n+1}; the average
 * volatility against the mean of those forecasts, and its limits: H = 1 gives sqrt(ppy h_{n+1}),
 * long horizons sqrt(ppy V_L). */
START_TEST(garch_forecasts) {
    hedge_garch m = model_of(2e-6, 0.08, 0.90, 0.0);
    m.next_variance = 4e-4; /* a volatile day: four times V_L = 1e-4 */
    double eh = m.next_variance, sum = 0;
    for (size_t k = 1; k <= 300; k++) {
        double v = SENTINEL;
        ck_assert_status(hedge_garch_forecast_variance(&v, &m, k), HEDGE_OK);
        ck_assert_close(v, eh, 1e-12, 0);
        sum += eh;
        double vol;
        ck_assert_status(hedge_garch_forecast_vol(&vol, &m, k, 365), HEDGE_OK);
        ck_assert_close(vol, sqrt(365 * sum / (double)k), 1e-12, 0);
        eh = 2e-6 + 0.98 * eh;
    }
    double vol;
    ck_assert_status(hedge_garch_forecast_vol(&vol, &m, 1, 365), HEDGE_OK);
    ck_assert(vol == sqrt(365 * 4e-4));
    ck_assert_status(hedge_garch_forecast_vol(&vol, &m, 100000000, 365), HEDGE_OK);
    ck_assert_close(vol, sqrt(365 * 1e-4), 1e-6, 0);
    double v;
    ck_assert_status(hedge_garch_forecast_variance(&v, &m, 100000), HEDGE_OK);
    ck_assert_close(v, 1e-4, 1e-14, 0);
    /* persistence 0: the second period is already at the long-run variance */
    hedge_garch z = model_of(1e-4, 0.0, 0.0, 0.0);
    z.next_variance = 9e-4;
    ck_assert_status(hedge_garch_forecast_variance(&v, &z, 2), HEDGE_OK);
    ck_assert_close(v, 1e-4, 1e-15, 0);
    ck_assert_status(hedge_garch_forecast_vol(&vol, &z, 4, 1), HEDGE_OK);
    ck_assert_close(vol, sqrt((9e-4 + 3e-4) / 4), 1e-15, 0);
    /* persistence near 1: the average keeps its digits (1 - p^H is not computed as a difference) */
    hedge_garch near = model_of(1e-12, 0.05, 0.95 - 1e-8, 0.0);
    near.next_variance = 2e-4; /* V_L = 1e-4 */
    ck_assert_status(hedge_garch_forecast_vol(&vol, &near, 10, 1), HEDGE_OK);
    double mean = 0, h = 2e-4;
    for (int k = 0; k < 10; k++, h = 1e-12 + (1 - 1e-8) * h)
        mean += h / 10;
    ck_assert_close(vol, sqrt(mean), 1e-13, 0);
}
END_TEST

/* The simulator: variances follow the recursion of the returns it wrote; h_1 is the given or the
 * long-run variance; a path is a pure function of (seed, stream) and a longer one extends a shorter
 * one; the standardised residuals are N(0, 1) and the mean square return is V_L, within 4 standard
 * errors (of batch means, since squared GARCH returns are autocorrelated). */
START_TEST(garch_simulator) {
    enum { N = 200000, BATCH = 2000 };
    double *r = malloc(3 * N * sizeof *r), *h = r + N, *r2 = h + N;
    ck_assert(r);
    const hedge_garch m = model_of(1e-5, 0.1, 0.8, 5e-4); /* V_L = 1e-4 */
    ck_assert_status(hedge_garch_simulate(r, h, N, &m, 0, 42, 9), HEDGE_OK);
    ck_assert_close(h[0], 1e-4, 1e-15, 0);
    for (int t = 1; t < N; t++) {
        double e = r[t - 1] - 5e-4;
        ck_assert_close(h[t], 1e-5 + 0.1 * e * e + 0.8 * h[t - 1], 1e-13, 0);
    }
    double zs = 0, zz = 0, bm[N / BATCH] = {0}, bz[N / BATCH] = {0};
    for (int t = 0; t < N; t++) {
        double z = (r[t] - 5e-4) / sqrt(h[t]);
        zs += z;
        zz += z * z;
        bm[t / BATCH] += (r[t] - 5e-4) * (r[t] - 5e-4) / BATCH;
        bz[t / BATCH] += (r[t] - 5e-4) / BATCH;
    }
    ck_assert_msg(fabs(zs / N) < 4 / sqrt((double)N), "mean of z %g", zs / N);
    ck_assert_msg(fabs(zz / N - 1) < 4 * sqrt(2.0 / N), "variance of z %g", zz / N);
    double mean, se;
    mean_se(bm, N / BATCH, &mean, &se);
    ck_assert_msg(fabs(mean - 1e-4) < 4 * se, "mean square %g, V_L 1e-4, se %g", mean, se);
    mean_se(bz, N / BATCH, &mean, &se);
    ck_assert_msg(fabs(mean) < 4 * se, "mean return %g, se %g", mean + 5e-4, se);
    /* reproducible, extendable, and a function of the stream */
    ck_assert_status(hedge_garch_simulate(r2, NULL, 1000, &m, 0, 42, 9), HEDGE_OK);
    ck_assert(memcmp(r2, r, 1000 * sizeof *r) == 0);
    ck_assert_status(hedge_garch_simulate(r2, NULL, 10, &m, 0, 42, 10), HEDGE_OK);
    ck_assert(r2[0] != r[0]);
    /* a given start */
    ck_assert_status(hedge_garch_simulate(r2, h, 5, &m, 2.5e-3, 42, 9), HEDGE_OK);
    ck_assert(h[0] == 2.5e-3);
    ck_assert_close((r2[0] - 5e-4) / sqrt(2.5e-3), (r[0] - 5e-4) / sqrt(1e-4), 1e-12, 0); /* same draw */
    free(r);
}
END_TEST

/* Every way the GARCH calls fail: the exact status, and the outputs untouched. */
START_TEST(garch_rejects_bad_input) {
    double r[50];
    hedge__rng rng;
    hedge__rng_init(&rng, 5, 5);
    for (int i = 0; i < 50; i++)
        r[i] = 0.01 * hedge__rng_normal(&rng);
    hedge_garch m = HEDGE_GARCH_INIT;
    m.omega = m.alpha = m.beta = m.mean = m.log_likelihood = m.next_variance = m.long_run_variance = SENTINEL;
    m.iterations = m.observations = 77;
    m.converged = 77;
#define UNTOUCHED()                                                                                             \
    ck_assert(m.omega == SENTINEL && m.alpha == SENTINEL && m.beta == SENTINEL && m.mean == SENTINEL &&          \
              m.log_likelihood == SENTINEL && m.next_variance == SENTINEL && m.long_run_variance == SENTINEL && \
              m.iterations == 77 && m.observations == 77 && m.converged == 77)
    ck_assert_status(hedge_garch_fit(NULL, r, 50, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_fit(&m, NULL, 50, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_fit(&m, r, 2, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_fit(&m, r, 0, NULL), HEDGE_ERR_INVALID_ARG);
    r[17] = NAN;
    ck_assert_status(hedge_garch_fit(&m, r, 50, NULL), HEDGE_ERR_DOMAIN);
    ck_assert_msg(strstr(hedge_error_message(), "returns[17]"), "%s", hedge_error_message());
    r[17] = -INFINITY;
    ck_assert_status(hedge_garch_fit(&m, r, 50, NULL), HEDGE_ERR_DOMAIN);
    r[17] = 0.01;
    static const double same[4] = {0.01, 0.01, 0.01, 0.01}, zero[4] = {0, 0, 0, 0};
    ck_assert_status(hedge_garch_fit(&m, same, 4, NULL), HEDGE_ERR_DOMAIN); /* demeaned: all 0 */
    /* 50 equal returns: their mean rounds to 0.010000000000000004, and the residuals' variance
     * (1e-35) is the rounding alone (found by the Rust binding's tests) */
    double equal[50];
    for (int i = 0; i < 50; i++)
        equal[i] = 0.01;
    ck_assert_status(hedge_garch_fit(&m, equal, 50, NULL), HEDGE_ERR_DOMAIN);
    ck_assert_msg(strstr(hedge_error_message(), "within rounding"), "%s", hedge_error_message());
    equal[7] = 0.0100001; /* one return apart by 1e-7: a spread, however small, is data */
    hedge_garch spread = HEDGE_GARCH_INIT;
    ck_assert_status(hedge_garch_fit(&spread, equal, 50, NULL), HEDGE_OK);
    hedge_garch_options o = HEDGE_GARCH_OPTIONS_INIT;
    o.demean = 0;
    ck_assert_status(hedge_garch_fit(&m, zero, 4, &o), HEDGE_ERR_DOMAIN);
    o.tolerance = 0;
    ck_assert_status(hedge_garch_fit(&m, r, 50, &o), HEDGE_ERR_DOMAIN);
    o.tolerance = NAN;
    ck_assert_status(hedge_garch_fit(&m, r, 50, &o), HEDGE_ERR_DOMAIN);
    o.tolerance = 1e-7;
    o.max_iter = 0;
    ck_assert_status(hedge_garch_fit(&m, r, 50, &o), HEDGE_ERR_INVALID_ARG);
    o.max_iter = 10;
    o.struct_size = 4;
    ck_assert_status(hedge_garch_fit(&m, r, 50, &o), HEDGE_ERR_INVALID_ARG);
    struct {
        hedge_garch_options o;
        double future;
    } longer = {HEDGE_GARCH_OPTIONS_INIT, 1.0}; /* a later version with a field set */
    longer.o.struct_size = sizeof longer;
    ck_assert_status(hedge_garch_fit(&m, r, 50, &longer.o), HEDGE_ERR_INVALID_ARG);
    m.struct_size = offsetof(hedge_garch, converged);
    ck_assert_status(hedge_garch_fit(&m, r, 50, NULL), HEDGE_ERR_INVALID_ARG);
    m.struct_size = sizeof m;
    UNTOUCHED();
    /* a longer options struct whose unknown tail is zero is fine */
    longer.future = 0;
    hedge_garch ok = HEDGE_GARCH_INIT;
    ck_assert_status(hedge_garch_fit(&ok, r, 50, &longer.o), HEDGE_OK);

    /* forecasts and the simulator */
    double v = SENTINEL, out[4] = {SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    hedge_garch g = model_of(1e-5, 0.1, 0.8, 0.0);
    hedge_garch bad = g;
    bad.alpha = 0.2; /* alpha + beta = 1 */
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 1), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_forecast_vol(&v, &bad, 5, 365), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &bad, 1e-4, 1, 1), HEDGE_ERR_DOMAIN);
    bad.alpha = 0.5; /* alpha + beta > 1 */
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 3), HEDGE_ERR_DOMAIN);
    bad = g;
    bad.omega = -1e-5;
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 1), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &bad, 0, 1, 1), HEDGE_ERR_DOMAIN);
    bad.omega = 0;
    ck_assert_status(hedge_garch_forecast_vol(&v, &bad, 2, 365), HEDGE_ERR_DOMAIN);
    bad = g;
    bad.beta = -0.1;
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 1), HEDGE_ERR_DOMAIN);
    bad = g;
    bad.alpha = NAN;
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 1), HEDGE_ERR_DOMAIN);
    bad = g;
    bad.next_variance = 0;
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 1), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &bad, 0, 1, 1), HEDGE_OK); /* not read there */
    for (int i = 0; i < 4; i++)
        out[i] = SENTINEL;
    bad = g;
    bad.mean = INFINITY;
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &bad, 0, 1, 1), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 1), HEDGE_OK); /* not read there */
    v = SENTINEL;
    bad = g;
    bad.struct_size = offsetof(hedge_garch, next_variance);
    ck_assert_status(hedge_garch_forecast_variance(&v, &bad, 1), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &bad, 0, 1, 1), HEDGE_OK); /* reads up to mean */
    for (int i = 0; i < 4; i++)
        out[i] = SENTINEL;
    bad.struct_size = offsetof(hedge_garch, mean);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &bad, 0, 1, 1), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_forecast_variance(&v, &g, 0), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_forecast_variance(NULL, &g, 1), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_forecast_variance(&v, NULL, 1), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_forecast_vol(&v, &g, 0, 365), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_forecast_vol(&v, &g, 5, 0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_forecast_vol(&v, &g, 5, INFINITY), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_forecast_vol(NULL, &g, 5, 365), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_simulate(out, NULL, 0, &g, 0, 1, 1), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_simulate(NULL, NULL, 4, &g, 0, 1, 1), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, NULL, 0, 1, 1), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &g, -1e-4, 1, 1), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_garch_simulate(out, NULL, 4, &g, NAN, 1, 1), HEDGE_ERR_DOMAIN);
    ck_assert(v == SENTINEL);
    for (int i = 0; i < 4; i++)
        ck_assert(out[i] == SENTINEL);
#undef UNTOUCHED
}
END_TEST

Suite *hedge_test_suite_volatility(void) {
    Suite *s = suite_create("volatility");
    TCase *tc = tcase_create("realized");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, realized_four_bars_by_hand);
    tcase_add_test(tc, realized_rejects_bad_bars);
    tcase_add_test(tc, realized_unbiased_on_gbm);
    tcase_add_test(tc, realized_with_gaps_and_drift);
    suite_add_tcase(s, tc);
    tc = tcase_create("ewma");
    tcase_add_test(tc, ewma_matches_the_recursion);
    tcase_add_test(tc, ewma_constant_returns);
    tcase_add_test(tc, ewma_rejects_bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("garch");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, garch_fit_recovers_parameters);
    tcase_add_test(tc, garch_fit_options_and_units);
    tcase_add_test(tc, garch_forecasts);
    tcase_add_test(tc, garch_simulator);
    tcase_add_test(tc, garch_rejects_bad_input);
    suite_add_tcase(s, tc);
    return s;
}
