/*
 * Implied volatility: round trips against an independent 113-bit price where libquadmath exists (the
 * library's own pricer otherwise), the solver's step count, the bounds and domain contract, the BSM
 * and inverse forms against Black-76, and batch against scalar.
 */
#include "core/cpu.h"
#include "pricing/black.h"
#include "pricing/iv_batch.h"
#include "pricing/iv_internal.h"
#include "suites.h"
#include "support/testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#if HEDGE_HAVE_QUADMATH
#include <quadmath.h>
static __float128 q_norm_cdf(__float128 x) { return (__float128)0.5 * erfcq(-x / sqrtq((__float128)2)); }
#endif

#define MINUTE (1.0 / (365.0 * 24.0 * 60.0))

/* Sentinel an out-parameter must keep when a call fails. */
#define UNTOUCHED 12345.0

/* The grid of the round trip: expiries from a minute to 30 years, volatilities from 1% to 500%, and
 * log-moneyness ln(K/F) up to 3 either side. */
static const double grid_T[] = {MINUTE, 60 * MINUTE, 1.0 / 365, 7.0 / 365, 1.0 / 12, 0.25, 1, 5, 30};
static const double grid_vol[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1, 1.5, 2, 3, 5};
static const double grid_k[] = {-3, -2, -1.2, -0.7, -0.4, -0.2, -0.1, -0.05, -0.02, -0.01, -1e-3, -1e-5, 0,
                                1e-5, 1e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.2, 2, 3};
#define N_T (sizeof grid_T / sizeof grid_T[0])
#define N_VOL (sizeof grid_vol / sizeof grid_vol[0])
#define N_K (sizeof grid_k / sizeof grid_k[0])

static const double grid_F = 100.0, grid_r = 0.03;

/* Discounted Black-76 price and vega (per 1.00 vol), independently of the library when possible. */
static void ref_black76(double *price, double *vega, int theta, double F, double K, double T, double r,
                        double sigma) {
#if HEDGE_HAVE_QUADMATH
    __float128 qF = F, qK = K, qT = T, v = (__float128)sigma * sqrtq(qT);
    __float128 d1 = logq(qF / qK) / v + v / 2, d2 = d1 - v, D = expq(-(__float128)r * qT);
    *price = (double)(D * theta * (qF * q_norm_cdf(theta * d1) - qK * q_norm_cdf(theta * d2)));
    *vega = (double)(D * qF * expq(-d1 * d1 / 2) / sqrtq(2 * acosq((__float128)-1)) * sqrtq(qT));
#else
    if (s1 == 0.0) { /* at the lower bound: exactly 0 both ways */
        ck_assert_msg(sigma == 0.0, "%s element %zu: %.17g vs scalar 0", what, i, sigma);
        return;
    }
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_black76_greeks(&g, (hedge_option_type)theta, F, K, T, r, sigma), HEDGE_OK);
    ck_assert_status(hedge_black76_price(price, (hedge_option_type)theta, F, K, T, r, sigma), HEDGE_OK);
    *vega = g.vega;
#endif
}

/* Strictly inside the no-arbitrage bounds as the contract states them: in the forward measure. */
static bool strictly_inside(double price, int theta, double F, double K, double T, double r) {
    double p = price / exp(-r * T), intrinsic = fmax(theta * (F - K), 0.0);
    return p > intrinsic && p < (theta > 0 ? F : K);
}

/*
 * Every grid point whose price is strictly inside the bounds must solve. Where the volatility is well
 * conditioned, kappa = price / (sigma vega) < 100 (the relative change of sigma per relative change of
 * price), the rounding of the input price moves sigma by under 1e-13 and sigma itself is compared.
 * Elsewhere (deep in the money, where the time value is a few ulp of the price, or next to the upper
 * bound at huge total volatility) the price does not determine sigma to 1e-12, and the honest check
 * is that the volatility found reprices the input.
 */
START_TEST(round_trip_grid) {
    long inside = 0, by_vol = 0, by_price = 0, outside = 0, tiny = 0;
    double worst_vol = 0.0, worst_price = 0.0;
    for (size_t i = 0; i < N_T; i++)
        for (size_t j = 0; j < N_VOL; j++)
            for (size_t k = 0; k < N_K; k++)
                for (int theta = -1; theta <= 1; theta += 2) {
                    double T = grid_T[i], vol = grid_vol[j], F = grid_F, K = F * exp(grid_k[k]), r = grid_r;
                    double p, vega, sigma = UNTOUCHED;
                    ref_black76(&p, &vega, theta, F, K, T, r, vol);
                    hedge_status st = hedge_implied_vol_black76(&sigma, (hedge_option_type)theta, p, F, K, T, r);
                    if (p > 0.0 && p < 1e3 * F * DBL_MIN) {
                        /* A subnormal price has lost bits: it must solve, but cannot round-trip. */
                        tiny++;
                        ck_assert_msg(st == HEDGE_OK && sigma >= 0.0 && isfinite(sigma), "price %g: %s", p,
                                      hedge_status_name(st));
                        continue;
                    }
                    if (!strictly_inside(p, theta, F, K, T, r)) {
                        /* at a bound after rounding: 0 at the lower one, an error at the upper one */
                        outside++;
                        ck_assert_msg((st == HEDGE_OK && sigma == 0.0) ||
                                      (st == HEDGE_ERR_PRICE_BOUNDS && sigma == UNTOUCHED),
                                      "bound price %.17g T=%g vol=%g k=%g theta=%d: %s, sigma %g", p, T, vol,
                                      grid_k[k], theta, hedge_status_name(st), sigma);
                        continue;
                    }
                    inside++;
                    ck_assert_msg(st == HEDGE_OK, "T=%g vol=%g k=%g theta=%d price %.17g: %s (%s)", T, vol,
                                  grid_k[k], theta, p, hedge_status_name(st), hedge_error_message());
                    double kappa = p / (vol * vega);
                    if (kappa < 100.0) {
                        double err = fabs(sigma - vol) / vol;
                        worst_vol = fmax(worst_vol, err);
                        ck_assert_msg(err <= 1e-12, "T=%g vol=%g k=%g theta=%d: sigma %.17g, rel err %.3g", T,
                                      vol, grid_k[k], theta, sigma, err);
                        by_vol++;
                    } else {
                        double p2, vega2;
                        ref_black76(&p2, &vega2, theta, F, K, T, r, sigma);
                        double err = fabs(p2 - p) / p;
                        worst_price = fmax(worst_price, err);
                        ck_assert_msg(err <= 2e-15, "T=%g vol=%g k=%g theta=%d: sigma %.17g reprices %.17g vs %.17g",
                                      T, vol, grid_k[k], theta, sigma, p2, p);
                        by_price++;
                    }
                }
    fprintf(stderr, "iv grid: %ld inside the bounds (%ld by vol, worst %.3g; %ld by price, worst %.3g), %ld at a "
            "bound, %ld subnormal\n", inside, by_vol, worst_vol, by_price, worst_price, outside, tiny);
    /* The grid is fixed, so the split is too: a change here means points silently moved category. */
    ck_assert_int_eq(inside + outside + tiny, 2 * N_T * N_VOL * N_K);
#if HEDGE_HAVE_QUADMATH
    ck_assert_int_eq(inside, 4432);
    ck_assert_int_eq(by_vol, 3690);
    ck_assert_int_eq(by_price, 742);
#else
    ck_assert_int_gt(inside, 4200); /* the library's own prices round more of them onto a bound */
#endif
}
END_TEST

/*
 * Out-of-the-money prices from 1e-12 of the forward down to 1e-300. The volatility of such a price is
 * well conditioned, but the price is not: it moves by elasticity e = sigma vega / price (x^2/s^2,
 * up to 1e7 here) times the relative change of sigma. So the check is that the volatility found
 * reprices the target within a few ulp of sigma, that is 16 eps (1 + e) relative.
 */
START_TEST(deep_otm) {
    static const double ks[] = {-3, -1, -0.3, -0.05, 0.05, 0.3, 1, 3};
    static const double Ts[] = {MINUTE, 1.0 / 365, 1, 30};
    static const double targets[] = {1e-12, 1e-16, 1e-30, 1e-60, 1e-100, 1e-200, 1e-300};
    const double F = 100.0, r = 0.01;
    long checked = 0;
    for (size_t a = 0; a < sizeof ks / sizeof ks[0]; a++)
        for (size_t b = 0; b < sizeof Ts / sizeof Ts[0]; b++)
            for (size_t c = 0; c < sizeof targets / sizeof targets[0]; c++) {
                double K = F * exp(ks[a]), T = Ts[b], price = targets[c] * F;
                int theta = K > F ? 1 : -1; /* out of the money: the bounds are 0 and F or K */
                double sigma = UNTOUCHED;
                ck_assert_status(hedge_implied_vol_black76(&sigma, (hedge_option_type)theta, price, F, K, T, r),
                                 HEDGE_OK);
                ck_assert(sigma > 0.0 && isfinite(sigma));
                double p2, vega;
                ref_black76(&p2, &vega, theta, F, K, T, r, sigma);
                double elasticity = sigma * vega / p2, err = fabs(p2 - price) / price;
                ck_assert_msg(err <= 16 * DBL_EPSILON * (1 + elasticity),
                              "k=%g T=%g price %g: sigma %.17g reprices %.17g (rel %.3g, elasticity %.3g)", ks[a],
                              T, price, sigma, p2, err, elasticity);
                checked++;
            }
    ck_assert_int_eq(checked, 8 * 4 * 7);
}
END_TEST

/* e^{x/2} - b(x, s) for x <= 0, the distance to the upper bound, as the solver's caller forms it. */
static double ref_gap(double x, double s) {
#if HEDGE_HAVE_QUADMATH
    __float128 X = x, S = s, h = X / S, t = S / 2;
    return (double)(expq(X / 2) * q_norm_cdf(-h - t) + expq(-X / 2) * q_norm_cdf(h - t));
#else
    double h = x / s, t = s / 2;
    return exp(x / 2) * (0.5 * erfc((h + t) / sqrt(2.0))) + exp(-x / 2) * (0.5 * erfc((t - h) / sqrt(2.0)));
#endif
}

/*
 * The normalised solver over the grid's (x, s) and a finer sweep: never more than two Householder
 * steps, and a forced third step moves the result by no more than rounding, amplified by the
 * conditioning kappa = min(b, gap) / (s b') of whichever end the objective measures from.
 */
START_TEST(householder_steps) {
    long points = 0, hist[3] = {0, 0, 0};
    double worst = 0.0;
    for (int sweep = 0; sweep < 2; sweep++) {
        size_t nx = sweep == 0 ? N_K : 120, ns = sweep == 0 ? N_T * N_VOL : 150;
        for (size_t a = 0; a < nx; a++)
            for (size_t c = 0; c < ns; c++) {
                double x, s;
                if (sweep == 0) {
                    x = -fabs(grid_k[a]);
                    s = grid_vol[c % N_VOL] * sqrt(grid_T[c / N_VOL]);
                } else { /* |x| from 1e-8 to 50, s from 1e-4 to 40, geometrically */
                    x = -1e-8 * pow(5e9, a / (nx - 1.0));
                    s = 1e-4 * pow(4e5, c / (ns - 1.0));
                }
                double beta = hedge__black_otm(x, s), gap = ref_gap(x, s);
                /* representable on both sides: a normal time value, and a gap the price can express */
                if (!(beta >= DBL_MIN) || !(gap >= 2 * DBL_EPSILON * exp(x / 2)))
                    continue;
                int n = -1, n3 = -1;
                double s2 = hedge__iv_normalised(beta, gap, x, 0, &n);
                double s3 = hedge__iv_normalised(beta, gap, x, 1, &n3);
                ck_assert_msg(n >= 1 && n <= 2, "x=%.17g s=%.17g took %d steps", x, s, n);
                ck_assert_int_eq(n3, n + 1);
                hist[n]++;
                double kappa = fmin(beta, gap) / (s * hedge__iv_vega(x, s));
                double moved = fabs(s3 - s2) / s2;
                worst = fmax(worst, moved / (1 + kappa));
                ck_assert_msg(moved <= 16 * DBL_EPSILON * (1 + kappa),
                              "x=%.17g s=%.17g: a third step moved %.17g by %.3g (kappa %.3g)", x, s, s2, moved,
                              kappa);
                ck_assert_msg(fabs(s2 - s) / s <= 1e-12 * (1 + kappa), "x=%.17g s=%.17g: found %.17g", x, s, s2);
                points++;
            }
    }
    ck_assert_int_eq(points, hist[1] + hist[2]);
    ck_assert_int_gt(points, 15000);
    fprintf(stderr, "iv steps: %ld points, %ld in one step, %ld in two; third step moved <= %.3g eps (1 + kappa)\n",
            points, hist[1], hist[2], worst / DBL_EPSILON);
}
END_TEST

/* Statuses and the untouched output of every way a call can fail, and the exact lower bound. */
START_TEST(bounds_and_domain) {
    double s = UNTOUCHED;
    /* upper bounds: F e^{-rT} for a call, K e^{-rT} for a put */
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 100.0, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_PRICE_BOUNDS);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 150.0, 100.0, 110.0, 1.0, 0.05), HEDGE_ERR_PRICE_BOUNDS);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_PUT, 110.0, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_PRICE_BOUNDS);
    ck_assert(strstr(hedge_error_message(), "hedge_implied_vol_black76") != NULL);
    ck_assert(strstr(hedge_error_message(), "upper bound") != NULL);
    /* below intrinsic: a call 10 in the money for 9.99 */
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 9.99, 110.0, 100.0, 1.0, 0.0), HEDGE_ERR_PRICE_BOUNDS);
    ck_assert(strstr(hedge_error_message(), "intrinsic") != NULL);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_PUT, 9.99, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_PRICE_BOUNDS);
    ck_assert(s == UNTOUCHED);
    /* exactly at the lower bound, also when discounted, and a worthless out-of-the-money option */
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 10.0, 110.0, 100.0, 1.0, 0.0), HEDGE_OK);
    ck_assert(s == 0.0);
    s = UNTOUCHED;
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_PUT, 10.0 * exp(-0.05 * 2.0), 100.0, 110.0, 2.0, 0.05),
                     HEDGE_OK);
    ck_assert(s == 0.0);
    s = UNTOUCHED;
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 0.0, 100.0, 110.0, 1.0, 0.0), HEDGE_OK);
    ck_assert(s == 0.0);
    s = UNTOUCHED;
    /* domain */
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, NAN, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "price") != NULL);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, INFINITY, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, -1.0, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 1.0, -100.0, 110.0, 1.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "forward") != NULL);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 1.0, 100.0, NAN, 1.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "strike") != NULL);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 1.0, 100.0, 110.0, 0.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "time to expiry") != NULL);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 1.0, 100.0, 110.0, -1.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, 1.0, 100.0, 110.0, 1.0, INFINITY), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_implied_vol_bsm(&s, HEDGE_CALL, 1.0, 0.0, 110.0, 1.0, 0.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "spot") != NULL);
    ck_assert_status(hedge_implied_vol_bsm(&s, HEDGE_CALL, 1.0, 100.0, 110.0, 1.0, 0.0, NAN), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "yield") != NULL);
    ck_assert_status(hedge_implied_vol_inverse(&s, HEDGE_CALL, -0.1, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "hedge_implied_vol_inverse") != NULL);
    /* invalid arguments */
    ck_assert_status(hedge_implied_vol_black76(NULL, HEDGE_CALL, 1.0, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_implied_vol_bsm(NULL, HEDGE_CALL, 1.0, 100.0, 110.0, 1.0, 0.0, 0.0), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_implied_vol_inverse(NULL, HEDGE_CALL, 0.01, 100.0, 110.0, 1.0, 0.0), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_implied_vol_black76(&s, (hedge_option_type)0, 1.0, 100.0, 110.0, 1.0, 0.0),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_implied_vol_black76(&s, (hedge_option_type)2, 1.0, 100.0, 110.0, 1.0, 0.0),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert(s == UNTOUCHED);
}
END_TEST

/* The BSM and inverse forms are the Black-76 problem on the forward S e^{(r-q)T}, or on the premium
 * in quote currency F V_c discounted at the coin rate. */
START_TEST(bsm_and_inverse_match_black76) {
    static const double Ks[] = {60, 90, 100, 110, 180};
    static const double Ts[] = {MINUTE, 0.02, 0.5, 3};
    static const double vols[] = {0.05, 0.3, 1.2};
    const double S = 100.0, r = 0.04, q = 0.01, rc = 0.02;
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 4; b++)
            for (size_t c = 0; c < 3; c++)
                for (int theta = -1; theta <= 1; theta += 2) {
                    double K = Ks[a], T = Ts[b], vol = vols[c], F = S * exp((r - q) * T);
                    hedge_option_type type = (hedge_option_type)theta;
                    double p, s_bsm, s_76;
                    ck_assert_status(hedge_bsm_price(&p, type, S, K, T, r, q, vol), HEDGE_OK);
                    if (!strictly_inside(p, theta, F, K, T, r))
                        continue; /* a minute at 5% far from the money is worth 0 */
                    ck_assert_status(hedge_implied_vol_bsm(&s_bsm, type, p, S, K, T, r, q), HEDGE_OK);
                    ck_assert_status(hedge_implied_vol_black76(&s_76, type, p, F, K, T, r), HEDGE_OK);
                    hedge_greeks g = HEDGE_GREEKS_INIT;
                    ck_assert_status(hedge_bsm_greeks(&g, type, S, K, T, r, q, vol), HEDGE_OK);
                    double kappa = p / (vol * g.vega);
                    /* BSM takes ln(F/K) from S/K and the carry, Black-76 from the rounded forward: they
                     * differ by that rounding, 1e-16 / s relative (s = 3e-5 at a minute and 5%). */
                    if (kappa < 100.0) {
                        ck_assert_close(s_bsm, vol, 1e-12, 0);
                        /* the rounding of F also moves the intrinsic value by an ulp of F */
                        ck_assert_close(s_76, s_bsm, 4 * DBL_EPSILON * (1 / (vol * sqrt(T)) + F / (vol * g.vega)), 0);
                    }

                    hedge_greeks u = HEDGE_GREEKS_INIT;
                    double s_inv, s_76c;
                    ck_assert_status(hedge_inverse_greeks(&u, type, F, K, T, rc, vol), HEDGE_OK);
                    if (!strictly_inside(u.price * F, theta, F, K, T, rc))
                        continue;
                    ck_assert_status(hedge_implied_vol_inverse(&s_inv, type, u.price, F, K, T, rc), HEDGE_OK);
                    ck_assert_status(hedge_implied_vol_black76(&s_76c, type, u.price * F, F, K, T, rc), HEDGE_OK);
                    ck_assert(s_inv == s_76c);
                    if (kappa < 100.0)
                        ck_assert_close(s_inv, vol, 1e-12, 0);
                }
}
END_TEST

/*
 * The batch solves with the SIMD kernel and redoes in scalar what it declines: it agrees with the
 * scalar solver to BATCH_TOL (1 + kappa) relative, kappa = price / (sigma vega) being the relative
 * change of sigma per relative change of price (implied_vol.h states the bound). Bad elements get NaN
 * and their status, the good ones are solved, and the returned status and message are those of the
 * first failure.
 */
#define BATCH_TOL (32 * DBL_EPSILON)

/* sigma against the scalar solver's s1 on the option (theta, price, F, K, T, r), within the bound. */
static void check_batch_close(double sigma, double s1, int theta, double price, double F, double K, double T,
                              double r, const char *what, size_t i) {
    if (s1 == 0.0) { /* at the lower bound: exactly 0 both ways */
        ck_assert_msg(sigma == 0.0, "%s element %zu: %.17g vs scalar 0", what, i, sigma);
        return;
    }
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_black76_greeks(&g, (hedge_option_type)theta, F, K, T, r, s1), HEDGE_OK);
    double kappa = s1 > 0.0 && g.vega > 0.0 ? price / (s1 * g.vega) : INFINITY;
    ck_assert_msg(fabs(sigma - s1) <= BATCH_TOL * (1.0 + kappa) * s1,
                  "%s element %zu: %.17g vs scalar %.17g (kappa %.3g)", what, i, sigma, s1, kappa);
}
START_TEST(batch_matches_scalar) {
    enum { N = 64 };
    int32_t type[N];
    double price[N], F[N], K[N], T[N], r[N], q[N], sigma[N], sigma_bsm[N];
    hedge_status status[N];
    for (int i = 0; i < N; i++) {
        type[i] = i % 2 ? HEDGE_CALL : HEDGE_PUT;
        F[i] = 100.0;
        K[i] = 60.0 + 1.5 * i;
        T[i] = 0.01 + 0.1 * i;
        r[i] = 0.01 * (i % 5);
        q[i] = 0.005 * (i % 3);
        ck_assert_status(hedge_black76_price(&price[i], (hedge_option_type)type[i], F[i], K[i], T[i], r[i],
                                             0.1 + 0.02 * i), HEDGE_OK);
    }
    price[5] = NAN;           /* domain */
    price[9] = -1.0;          /* domain */
    type[17] = 0;             /* invalid type */
    T[23] = 0.0;              /* domain */
    price[31] = 2.0 * F[31];  /* above the upper bound */
    price[41] = 0.0;          /* an out-of-the-money call (K = 121.5) worth nothing: sigma 0 */
    hedge_status st = hedge_implied_vol_black76_batch(N, type, price, F, K, T, r, sigma, status);
    ck_assert_int_eq(st, HEDGE_ERR_DOMAIN);
    ck_assert_msg(strstr(hedge_error_message(), "element 5") != NULL, "%s", hedge_error_message());
    for (int i = 0; i < N; i++) {
        double one = UNTOUCHED;
        hedge_status s1 = hedge_implied_vol_black76(&one, (hedge_option_type)type[i], price[i], F[i], K[i], T[i],
                                                    r[i]);
        ck_assert_int_eq(status[i], s1);
        if (s1 == HEDGE_OK)
            check_batch_close(sigma[i], one, type[i], price[i], F[i], K[i], T[i], r[i], "black76", (size_t)i);
        else
            ck_assert(isnan(sigma[i]));
    }
    ck_assert_int_eq(status[17], HEDGE_ERR_INVALID_ARG);
    ck_assert_int_eq(status[31], HEDGE_ERR_PRICE_BOUNDS);
    ck_assert(sigma[41] == 0.0 && status[41] == HEDGE_OK);
    ck_assert(sigma[30] > 0.0 && status[30] == HEDGE_OK);

    /* without the status array, and the BSM form on the same inputs as spots */
    hedge_status bsm_st = hedge_implied_vol_bsm_batch(N, type, price, F, K, T, r, q, sigma_bsm, NULL);
    hedge_status first = HEDGE_OK;
    for (int i = 0; i < N; i++) {
        double one = UNTOUCHED;
        hedge_status s1 = hedge_implied_vol_bsm(&one, (hedge_option_type)type[i], price[i], F[i], K[i], T[i], r[i],
                                                q[i]);
        if (s1 == HEDGE_OK) /* the spot S here is the forward S e^{(r-q)T} of the Black-76 check */
            check_batch_close(sigma_bsm[i], one, type[i], price[i], F[i] * exp((r[i] - q[i]) * T[i]), K[i], T[i], r[i],
                              "bsm", (size_t)i);
        else
            ck_assert(isnan(sigma_bsm[i]));
        if (first == HEDGE_OK)
            first = s1;
    }
    ck_assert_int_eq(bsm_st, first);
    /* a first failure of another kind is the one returned, named by its index */
    type[2] = 7;
    ck_assert_int_eq(hedge_implied_vol_black76_batch(N, type, price, F, K, T, r, sigma, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert(strstr(hedge_error_message(), "element 2") != NULL);

    ck_assert_int_eq(hedge_implied_vol_black76_batch(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), HEDGE_OK);
    ck_assert_int_eq(hedge_implied_vol_black76_batch(N, type, NULL, F, K, T, r, sigma, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_int_eq(hedge_implied_vol_bsm_batch(N, type, price, F, K, T, r, q, NULL, NULL), HEDGE_ERR_INVALID_ARG);
}
END_TEST

/*
 * Every SIMD kernel this process can run (the portable one always; AVX2 and AVX-512 where the CPU has
 * them and HEDGE_SIMD does not lower the level), called directly on the round-trip grid and on BSM
 * inputs with a yield: each element is either declined (NaN, for the scalar pass) or within the batch
 * bound of the scalar solver, and the kernel must take the bulk of the ordinary options itself.
 */
typedef struct kernel_level {
    const char *name;
    hedge__iv_kernel_fn fn;
    int level;
} kernel_level;

START_TEST(batch_kernels_match_scalar) {
    static const kernel_level levels[] = {
        {"portable", hedge__iv_kernel_portable, HEDGE__SIMD_PORTABLE},
#ifdef HEDGE__BATCH_X86
        {"avx2", hedge__iv_kernel_avx2, HEDGE__SIMD_AVX2},
        {"avx512", hedge__iv_kernel_avx512, HEDGE__SIMD_AVX512},
#endif
    };
    enum { N = (int)(N_T * N_VOL * N_K * 2) };
    static int32_t type[N];
    static double price[N], S[N], K[N], T[N], r[N], q[N], scalar[N], out[HEDGE__IV_CHUNK];
    static hedge_status st[N];
    for (int bsm = 0; bsm <= 1; bsm++) {
        size_t n = 0;
        for (size_t i = 0; i < N_T; i++)
            for (size_t j = 0; j < N_VOL; j++)
                for (size_t k = 0; k < N_K; k++)
                    for (int theta = -1; theta <= 1; theta += 2, n++) {
                        type[n] = theta;
                        S[n] = grid_F;
                        K[n] = grid_F * exp(grid_k[k]);
                        T[n] = grid_T[i];
                        r[n] = grid_r;
                        q[n] = bsm ? 0.01 : grid_r;
                        ck_assert_status(hedge_bsm_price(&price[n], (hedge_option_type)theta, S[n], K[n], T[n], r[n],
                                                         q[n], grid_vol[j]), HEDGE_OK);
                        st[n] = hedge_implied_vol_bsm(&scalar[n], (hedge_option_type)theta, price[n], S[n], K[n],
                                                      T[n], r[n], q[n]);
                    }
        hedge__iv_args args = {type, price, S, K, T, r, q, !bsm};
        for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
            if ((int)hedge__simd_level() < levels[l].level)
                continue;
            long solved = 0, ordinary = 0;
            for (size_t begin = 0; begin < n; begin += HEDGE__IV_CHUNK) {
                size_t count = n - begin < HEDGE__IV_CHUNK ? n - begin : HEDGE__IV_CHUNK;
                levels[l].fn(&args, begin, count, out);
                for (size_t c = 0; c < count; c++) {
                    size_t e = begin + c;
                    /* ordinary: a time value of 1e-8 of the forward or more, a total volatility of 2 or less */
                    double s = scalar[e] * sqrt(T[e]);
                    bool ord = st[e] == HEDGE_OK && s > 0.0 && s <= 2.0 &&
                               price[e] - fmax(type[e] * (S[e] * exp((r[e] - q[e]) * T[e]) - K[e]), 0.0) *
                                   exp(-r[e] * T[e]) > 1e-8 * S[e];
                    ordinary += ord;
                    if (isnan(out[c]))
                        continue;
                    solved += ord;
                    ck_assert_msg(st[e] == HEDGE_OK, "%s element %zu: kernel solved what the scalar rejects",
                                  levels[l].name, e);
                    check_batch_close(out[c], scalar[e], type[e], price[e], S[e] * exp((r[e] - q[e]) * T[e]), K[e],
                                      T[e], r[e], levels[l].name, e);
                }
            }
            fprintf(stderr, "iv kernel %s (%s): %ld of %ld ordinary grid options solved in SIMD\n",
                    levels[l].name, bsm ? "bsm" : "black76", solved, ordinary);
            ck_assert_msg(solved >= 0.9 * ordinary, "%s: only %ld of %ld", levels[l].name, solved, ordinary);
        }
    }
}
END_TEST

Suite *hedge_test_suite_iv(void) {
    Suite *s = suite_create("iv");
    TCase *tc = tcase_create("solve");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, round_trip_grid);
    tcase_add_test(tc, deep_otm);
    tcase_add_test(tc, householder_steps);
    tcase_add_test(tc, bounds_and_domain);
    tcase_add_test(tc, bsm_and_inverse_match_black76);
    tcase_add_test(tc, batch_matches_scalar);
    tcase_add_test(tc, batch_kernels_match_scalar);
    suite_add_tcase(s, tc);
    return s;
}
