/* SVI smiles: derivatives, arbitrage scans checked against the density implied by call prices, and
 * calibration recovering known parameters. */
#include "support/testutil.h"
#include "suites.h"

#include "market/svi.h"

#include <math.h>

/* Undiscounted Black call on F = 1, T = 1, with total variance w: the independent route to the density. */
static double black_call(double K, double w) {
    double s = sqrt(w);
    double d1 = (-log(K) + 0.5 * w) / s, d2 = d1 - s;
    return 0.5 * erfc(-d1 / sqrt(2.0)) - K * 0.5 * erfc(-d2 / sqrt(2.0));
}

/* Breeden-Litzenberger: the risk-neutral density at K is d2C/dK2. */
static double density(const hedge__svi *p, double k) {
    double K = exp(k), h = 1e-3 * K;
    double cm = black_call(K - h, hedge__svi_w(p, log(K - h)));
    double c0 = black_call(K, hedge__svi_w(p, k));
    double cp = black_call(K + h, hedge__svi_w(p, log(K + h)));
    return (cp - 2 * c0 + cm) / (h * h);
}

START_TEST(derivatives_match_finite_differences) {
    const hedge__svi p = {0.02, 0.3, -0.5, 0.1, 0.25};
    for (double k = -1.5; k <= 1.5; k += 0.25) {
        double w, w1, w2, h = 1e-4;
        hedge__svi_derivs(&p, k, &w, &w1, &w2);
        ck_assert_close(w, hedge__svi_w(&p, k), 1e-15, 0);
        /* central-difference truncation error: h^2/6 max|w'''| ~ 2.4e-8 here */
        ck_assert_close(w1, (hedge__svi_w(&p, k + h) - hedge__svi_w(&p, k - h)) / (2 * h), 1e-7, 1e-7);
        ck_assert_close(w2, (hedge__svi_w(&p, k + h) - 2 * w + hedge__svi_w(&p, k - h)) / (h * h), 1e-5, 1e-8);
    }
}
END_TEST

/* Gatheral & Jacquier (2014), example 3.1 (Axel Vogt's parameters, t = 1): a smile with butterfly
 * arbitrage. The scan must flag it, and where it says g is most negative the density of the call
 * prices built from the same smile must indeed be negative. */
START_TEST(butterfly_flags_the_published_arbitrageable_smile) {
    const hedge__svi vogt = {-0.0410, 0.1331, 0.3060, 0.3586, 0.4153};
    ck_assert(hedge__svi_is_valid(&vogt));
    hedge__arb_scan s = hedge__svi_butterfly_scan(&vogt, -1.5, 1.5, 3001, 0);
    ck_assert_uint_gt(s.violations, 0);
    ck_assert(s.worst < 0);
    ck_assert_msg(density(&vogt, s.worst_k) < 0, "density at k = %g is %g", s.worst_k, density(&vogt, s.worst_k));
    /* and the sign of g agrees with the sign of the density on the whole grid, away from the zeros */
    for (double k = -1.5; k <= 1.5; k += 0.01) {
        double g = hedge__svi_g(&vogt, k);
        if (fabs(g) > 1e-3)
            ck_assert_msg((g < 0) == (density(&vogt, k) < 0), "k = %g: g = %g, density = %g", k, g,
                          density(&vogt, k));
    }
}
END_TEST

START_TEST(butterfly_passes_an_arbitrage_free_smile) {
    const hedge__svi p = {0.04, 0.1, -0.3, 0.0, 0.3};
    hedge__arb_scan s = hedge__svi_butterfly_scan(&p, -3, 3, 6001, 0);
    ck_assert_uint_eq(s.violations, 0);
    ck_assert(s.worst > 0);
    for (double k = -3; k <= 3; k += 0.05)
        ck_assert_msg(density(&p, k) > 0, "density at k = %g is %g", k, density(&p, k));
}
END_TEST

START_TEST(calendar_flags_crossing_smiles) {
    const hedge__svi near = {0.02, 0.2, -0.6, 0.0, 0.2};
    /* more total variance at the money, but a flatter wing that dips under the near smile for k << 0 */
    const hedge__svi far = {0.05, 0.1, 0.0, 0.0, 0.2};
    hedge__arb_scan s = hedge__svi_calendar_scan(&near, &far, -2, 2, 401, 0);
    ck_assert_uint_gt(s.violations, 0);
    ck_assert(hedge__svi_w(&far, s.worst_k) < hedge__svi_w(&near, s.worst_k));
    ck_assert(hedge__svi_w(&far, 0) > hedge__svi_w(&near, 0));

    const hedge__svi later = {0.03, 0.2, -0.6, 0.0, 0.2}; /* the same smile shifted up */
    s = hedge__svi_calendar_scan(&near, &later, -2, 2, 401, 0);
    ck_assert_uint_eq(s.violations, 0);
    ck_assert_close(s.worst, 0.01, 1e-12, 0);
}
END_TEST

static void check_recovery(const hedge__svi *truth, const double *weight) {
    double k[41], w[41];
    for (int i = 0; i < 41; i++) {
        k[i] = -1.2 + 0.06 * i;
        w[i] = hedge__svi_w(truth, k[i]);
    }
    hedge__svi fit;
    double rmse = -1;
    ck_assert_status(hedge__svi_fit(&fit, &rmse, k, w, weight, 41), HEDGE_OK);
    ck_assert_msg(rmse < 1e-9, "rmse %g", rmse);
    ck_assert_close(fit.a, truth->a, 0, 1e-6);
    ck_assert_close(fit.b, truth->b, 0, 1e-6);
    ck_assert_close(fit.rho, truth->rho, 0, 1e-6);
    ck_assert_close(fit.m, truth->m, 0, 1e-6);
    ck_assert_close(fit.sigma, truth->sigma, 0, 1e-6);
}

START_TEST(fit_recovers_known_parameters) {
    const hedge__svi cases[] = {
        {0.04, 0.4, -0.4, 0.05, 0.2},   /* equity-like skew */
        {0.01, 0.15, 0.3, -0.1, 0.1},   /* crypto-like call skew */
        {0.10, 0.6, -0.8, 0.2, 0.5},    /* steep, wide */
        {0.002, 0.05, 0.0, 0.0, 0.05},  /* short expiry, sharp smile */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_recovery(&cases[i], NULL);
    double weight[41];
    for (int i = 0; i < 41; i++)
        weight[i] = exp(-0.5 * (-1.2 + 0.06 * i) * (-1.2 + 0.06 * i) / 0.25); /* vega-like */
    check_recovery(&cases[0], weight);
}
END_TEST

/* With noise, the fit is a least-squares fit: it must beat the truth's own residual, never lose to it. */
START_TEST(fit_with_noise_is_no_worse_than_the_truth) {
    const hedge__svi truth = {0.04, 0.4, -0.4, 0.05, 0.2};
    double k[41], w[41];
    uint64_t state = 12345;
    double sse_truth = 0;
    for (int i = 0; i < 41; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(state >> 11) / 9007199254740992.0 - 0.5;
        k[i] = -1.2 + 0.06 * i;
        w[i] = hedge__svi_w(&truth, k[i]) * (1 + 0.01 * u);
        double e = hedge__svi_w(&truth, k[i]) - w[i];
        sse_truth += e * e;
    }
    hedge__svi fit;
    double rmse;
    ck_assert_status(hedge__svi_fit(&fit, &rmse, k, w, NULL, 41), HEDGE_OK);
    double sse_fit = 0;
    for (int i = 0; i < 41; i++) {
        double e = hedge__svi_w(&fit, k[i]) - w[i];
        sse_fit += e * e;
    }
    ck_assert_close(rmse, sqrt(sse_fit / 41), 1e-9, 0);
    ck_assert_msg(sse_fit <= sse_truth * (1 + 1e-9), "fit sse %g > truth sse %g", sse_fit, sse_truth);
    ck_assert_close(fit.rho, truth.rho, 0, 0.05);
}
END_TEST

/* Data whose right wing grows like 3|k| (beyond Lee's bound of 2) must get a smile whose wings obey it. */
START_TEST(fit_respects_lee_bound) {
    const hedge__svi steep = {0.01, 1.5, 1.0 - 1e-9, 0.0, 0.1}; /* right slope b (1 + rho) = 3 */
    double k[41], w[41];
    for (int i = 0; i < 41; i++) {
        k[i] = -1.0 + 0.05 * i;
        w[i] = hedge__svi_w(&steep, k[i]);
    }
    hedge__svi fit;
    ck_assert_status(hedge__svi_fit(&fit, NULL, k, w, NULL, 41), HEDGE_OK);
    ck_assert_msg(fit.b * (1 + fabs(fit.rho)) <= 2 * (1 + 1e-12), "wing slope %g", fit.b * (1 + fabs(fit.rho)));
    /* and the far-wing growth of the fitted smile respects it */
    ck_assert((hedge__svi_w(&fit, 50) - hedge__svi_w(&fit, 40)) / 10 <= 2 * (1 + 1e-12));
}
END_TEST

START_TEST(fit_rejects_bad_input) {
    double k[6] = {-0.2, -0.1, 0, 0.1, 0.2, 0.3}, w[6] = {0.05, 0.045, 0.04, 0.042, 0.046, 0.05};
    double wt[6] = {1, 1, 1, 0, 1, 1};
    hedge__svi out = {1, 2, 0.5, 4, 5}, before = out;
    ck_assert_status(hedge__svi_fit(&out, NULL, k, w, NULL, 4), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge__svi_fit(&out, NULL, NULL, w, NULL, 6), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge__svi_fit(&out, NULL, k, w, wt, 6), HEDGE_ERR_DOMAIN);
    w[2] = NAN;
    ck_assert_status(hedge__svi_fit(&out, NULL, k, w, NULL, 6), HEDGE_ERR_DOMAIN);
    w[2] = -0.01;
    ck_assert_status(hedge__svi_fit(&out, NULL, k, w, NULL, 6), HEDGE_ERR_DOMAIN);
    w[2] = 0.04;
    k[1] = k[0];
    k[3] = k[0];
    ck_assert_status(hedge__svi_fit(&out, NULL, k, w, NULL, 6), HEDGE_ERR_DOMAIN); /* 4 distinct strikes */
    ck_assert(out.a == before.a && out.b == before.b && out.sigma == before.sigma);
}
END_TEST

/* ---- a brute-force reference for the calibration ---------------------------------------------- */

/* The weighted squared error of a smile, straight from its definition. */
static double sse_of(const hedge__svi *p, const double *k, const double *w, const double *wt, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
        double e = hedge__svi_w(p, k[i]) - w[i];
        s += (wt ? wt[i] : 1) * e * e;
    }
    return s;
}

/* Gaussian elimination with partial pivoting on an n x (n + 1) augmented matrix; 0 when singular. */
static int ref_solve(double A[6][7], int n, double *x) {
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(A[r][c]) > fabs(A[p][c]))
                p = r;
        if (fabs(A[p][c]) < 1e-14)
            return 0;
        for (int j = 0; j <= n; j++) {
            double t = A[c][j];
            A[c][j] = A[p][j];
            A[p][j] = t;
        }
        for (int r = 0; r < n; r++)
            if (r != c) {
                double f = A[r][c] / A[c][c];
                for (int j = c; j <= n; j++)
                    A[r][j] -= f * A[c][j];
            }
    }
    for (int i = 0; i < n; i++)
        x[i] = A[i][n] / A[i][i];
    return 1;
}

/* For fixed (m, sigma), the best smile over the documented domain (0 <= a <= max w, |rho| b <= b,
 * b (1 + |rho|) <= 2): every equality-constrained optimum on every face of the polytope, the best
 * feasible one kept. Returns its weighted squared error, computed from the residuals. */
static double ref_inner(const double *k, const double *w, const double *wt, int n, double m, double sigma,
                        hedge__svi *best_p) {
    double wmax = 0;
    for (int i = 0; i < n; i++)
        wmax = fmax(wmax, w[i]);
    /* unknowns x = (a, b rho sigma, b sigma) multiply (1, y, sqrt(y^2 + 1)), y = (k - m) / sigma */
    double H[3][3] = {{0}}, g[3] = {0};
    for (int i = 0; i < n; i++) {
        double y = (k[i] - m) / sigma, f[3] = {1, y, sqrt(y * y + 1)}, c = wt ? wt[i] : 1;
        for (int r = 0; r < 3; r++) {
            g[r] += c * f[r] * w[i];
            for (int q = 0; q < 3; q++)
                H[r][q] += c * f[r] * f[q];
        }
    }
    static const double C[6][3] = {{-1, 0, 0}, {1, 0, 0}, {0, 1, -1}, {0, -1, -1}, {0, 1, 1}, {0, -1, 1}};
    const double d[6] = {0, wmax, 0, 0, 2 * sigma, 2 * sigma};
    double best = INFINITY;
    for (int mask = 0; mask < 64; mask++) {
        int act[6], na = 0;
        for (int j = 0; j < 6; j++)
            if (mask >> j & 1)
                act[na++] = j;
        if (na > 3)
            continue;
        double A[6][7] = {{0}}, x[6];
        for (int r = 0; r < 3; r++) {
            for (int q = 0; q < 3; q++)
                A[r][q] = H[r][q];
            A[r][3 + na] = g[r];
        }
        for (int j = 0; j < na; j++) {
            for (int q = 0; q < 3; q++)
                A[3 + j][q] = A[q][3 + j] = C[act[j]][q];
            A[3 + j][3 + na] = d[act[j]];
        }
        if (!ref_solve(A, 3 + na, x))
            continue;
        int ok = 1;
        for (int j = 0; j < 6; j++)
            ok &= C[j][0] * x[0] + C[j][1] * x[1] + C[j][2] * x[2] <= d[j] + 1e-12;
        if (!ok || !(x[2] > 0))
            continue;
        hedge__svi p = {x[0], x[2] / sigma, fmax(-1 + 1e-16, fmin(1 - 1e-16, x[1] / x[2])), m, sigma};
        double f = sse_of(&p, k, w, wt, n);
        if (f < best) {
            best = f;
            *best_p = p;
        }
    }
    return best;
}

/* A 41 x 31 grid over (m, log sigma), then a compass search down to steps of 1e-10 from each of the
 * eight best grid points: slow, simple and thorough. */
static double ref_fit(const double *k, const double *w, const double *wt, int n, hedge__svi *out) {
    double lo = k[0], hi = k[0];
    for (int i = 1; i < n; i++) {
        lo = fmin(lo, k[i]);
        hi = fmax(hi, k[i]);
    }
    double span = hi - lo;
    enum { NM = 41, NS = 31, NSTART = 8 };
    double m0 = lo - 0.5 * span, dm = 2 * span / (NM - 1), ls0 = log(1e-3), dls = (log(5.0) - ls0) / (NS - 1);
    double gf[NM * NS];
    hedge__svi p;
    for (int i = 0; i < NM; i++)
        for (int j = 0; j < NS; j++)
            gf[i * NS + j] = ref_inner(k, w, wt, n, m0 + i * dm, exp(ls0 + j * dls), &p);
    double best = INFINITY;
    for (int s = 0; s < NSTART; s++) {
        int b = 0;
        for (int i = 1; i < NM * NS; i++)
            if (gf[i] < gf[b])
                b = i;
        if (!isfinite(gf[b]))
            break;
        double v[2] = {m0 + (b / NS) * dm, ls0 + (b % NS) * dls}, step[2] = {dm, dls};
        double f = gf[b];
        gf[b] = INFINITY;
        while (step[0] > 1e-10 || step[1] > 1e-10) {
            int moved = 0;
            for (int dir = 0; dir < 4 && !moved; dir++) {
                double t[2] = {v[0], v[1]};
                t[dir / 2] += (dir % 2 ? -1 : 1) * step[dir / 2];
                double ft = ref_inner(k, w, wt, n, t[0], exp(t[1]), &p);
                if (ft < f) {
                    f = ft;
                    v[0] = t[0];
                    v[1] = t[1];
                    moved = 1;
                }
            }
            if (!moved) {
                step[0] *= 0.5;
                step[1] *= 0.5;
            }
        }
        if (f < best) {
            best = ref_inner(k, w, wt, n, v[0], exp(v[1]), out);
        }
    }
    return best;
}

/* Noisy smiles, dense and sparse, equal and vega-like weights: the fit must find the least squares
 * the brute-force search finds (or better), within a relative 1e-6. */
START_TEST(fit_matches_brute_force_reference) {
    const hedge__svi truths[] = {
        {0.04, 0.4, -0.4, 0.05, 0.2},   {0.01, 0.15, 0.3, -0.1, 0.1}, {0.10, 0.6, -0.8, 0.2, 0.5},
        {0.002, 0.05, 0.0, 0.0, 0.05},  {0.0195, 0.094, -0.3, 0.0, 0.137},
    };
    const int sizes[] = {41, 12, 7};
    uint64_t state = 987654321;
    int cases = 0;
    for (size_t t = 0; t < sizeof truths / sizeof truths[0]; t++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
            for (int weighted = 0; weighted < 2; weighted++)
                for (int rep = 0; rep < 2; rep++) {
                    int n = sizes[z];
                    double k[41], w[41], wt[41], sd = sqrt(hedge__svi_w(&truths[t], truths[t].m));
                    for (int i = 0; i < n; i++) {
                        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                        double u = (double)(state >> 11) / 9007199254740992.0 - 0.5;
                        k[i] = truths[t].m + sd * (-3.0 + 6.0 * i / (n - 1));
                        w[i] = hedge__svi_w(&truths[t], k[i]) * (1 + 0.08 * u);
                        wt[i] = exp(-0.5 * (k[i] / sd) * (k[i] / sd)) + 0.05;
                    }
                    const double *wp = weighted ? wt : NULL;
                    hedge__svi fit, ref;
                    ck_assert_status(hedge__svi_fit(&fit, NULL, k, w, wp, (size_t)n), HEDGE_OK);
                    double f_fit = sse_of(&fit, k, w, wp, n), f_ref = ref_fit(k, w, wp, n, &ref);
                    double excess = (f_fit - f_ref) / f_ref;
                    ck_assert_msg(excess <= 1e-6,
                                  "truth %zu, n %d, weighted %d, rep %d: fit sse %.10g (m %g, sigma %g) vs "
                                  "reference %.10g (m %g, sigma %g)",
                                  t, n, weighted, rep, f_fit, fit.m, fit.sigma, f_ref, ref.m, ref.sigma);
                    cases++;
                }
    ck_assert_int_eq(cases, 60);
}
END_TEST

START_TEST(validity) {
    const hedge__svi ok = {0.01, 0.1, -0.5, 0, 0.1};
    ck_assert(hedge__svi_is_valid(&ok));
    hedge__svi p = ok;
    p.rho = 1;
    ck_assert(!hedge__svi_is_valid(&p));
    p = ok;
    p.b = -0.1;
    ck_assert(!hedge__svi_is_valid(&p));
    p = ok;
    p.a = -0.1; /* minimum of w = a + b sigma sqrt(1 - rho^2) < 0 */
    ck_assert(!hedge__svi_is_valid(&p));
    p = ok;
    p.sigma = NAN;
    ck_assert(!hedge__svi_is_valid(&p));
}
END_TEST

Suite *hedge_test_suite_svi(void) {
    Suite *s = suite_create("svi");
    TCase *tc = tcase_create("svi");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, derivatives_match_finite_differences);
    tcase_add_test(tc, butterfly_flags_the_published_arbitrageable_smile);
    tcase_add_test(tc, butterfly_passes_an_arbitrage_free_smile);
    tcase_add_test(tc, calendar_flags_crossing_smiles);
    tcase_add_test(tc, fit_recovers_known_parameters);
    tcase_add_test(tc, fit_with_noise_is_no_worse_than_the_truth);
    tcase_add_test(tc, fit_respects_lee_bound);
    tcase_add_test(tc, fit_rejects_bad_input);
    tcase_add_test(tc, fit_matches_brute_force_reference);
    tcase_add_test(tc, validity);
    suite_add_tcase(s, tc);
    return s;
}
