/*
 * Crypto conventions of pricing.h: inverse (coin-settled) options, futures and perpetual swaps,
 * checked against Black-76, finite differences of the coin price and values derived by hand.
 */
#include "suites.h"
#include "support/testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HEDGE_HAVE_QUADMATH
#include <quadmath.h>
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static hedge_greeks inverse(hedge_option_type type, double F, double K, double T, double rc, double sigma) {
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_inverse_greeks(&g, type, F, K, T, rc, sigma), HEDGE_OK);
    return g;
}

static double black76_undiscounted(hedge_option_type type, double F, double K, double T, double sigma) {
    double p;
    ck_assert_status(hedge_black76_price(&p, type, F, K, T, 0.0, sigma), HEDGE_OK);
    return p;
}

/* V_c = e^{-r_c T} B(F) / F with B the undiscounted Black-76 value in USD. */
START_TEST(inverse_value_is_black76_over_forward) {
    static const double mny[] = {0.5, 0.9, 1.0, 1.1, 2.0};
    for (size_t i = 0; i < N_ELEMS(mny); i++)
        for (int th = -1; th <= 1; th += 2)
            for (double T = 1.0 / 365; T < 3; T *= 7)
                for (double rc = -0.02; rc <= 0.05; rc += 0.035) {
                    double K = 30000, F = mny[i] * K, sigma = 0.7;
                    hedge_greeks g = inverse(th, F, K, T, rc, sigma);
                    double want = exp(-rc * T) * black76_undiscounted(th, F, K, T, sigma) / F;
                    ck_assert_close(g.price, want, 4e-16, 0);
                    ck_assert_close(g.rho, -T * g.price, 4e-16, 0);
                    /* premium-adjusted delta: F dV_c/dF, and the Black delta less the coin premium */
                    double pa;
                    ck_assert_status(hedge_inverse_delta_premium_adjusted(&pa, th, F, K, T, rc, sigma), HEDGE_OK);
                    ck_assert_close(pa, F * g.delta, 1e-14, 1e-16);
                    hedge_greeks b = HEDGE_GREEKS_INIT;
                    ck_assert_status(hedge_black76_greeks(&b, th, F, K, T, 0.0, sigma), HEDGE_OK);
                    ck_assert_close(pa, exp(-rc * T) * (b.delta - b.price / F), 1e-14, 1e-16);
                }
}
END_TEST

/*
 * A Deribit-style BTC call, worked by hand: F = 50,000, K = 55,000, 30 days (T = 30/365), sigma = 60%,
 * r_c = 0 (venue marks). v = 0.6 sqrt(30/365) = 0.1720147, x = ln(50/55) = -0.0953102,
 * d1 = x/v + v/2 = -0.4680744, d2 = -0.6400891, N(d1) = 0.3198657, N(d2) = 0.2610573.
 * USD value B = 50,000 N(d1) - 55,000 N(d2) = 1635.130 USD; in coins B/F = 0.0327026 BTC.
 * The Black delta is 0.3198657, but the premium is itself BTC: the premium-adjusted delta is
 * N(d1) - B/F = 0.2871631 BTC per BTC of notional, and a 10-BTC position adds 2.87 BTC of exposure.
 */
START_TEST(inverse_deribit_example) {
    hedge_greeks g = inverse(HEDGE_CALL, 50000, 55000, 30.0 / 365, 0.0, 0.6);
    ck_assert_close(g.price, 0.0327026, 0, 5e-8);
    ck_assert_close(g.price * 50000, 1635.130, 0, 5e-4);
    double pa;
    ck_assert_status(hedge_inverse_delta_premium_adjusted(&pa, HEDGE_CALL, 50000, 55000, 30.0 / 365, 0.0, 0.6),
                     HEDGE_OK);
    ck_assert_close(pa, 0.2871631, 0, 5e-8);
    ck_assert_close(10 * pa, 2.871631, 0, 5e-7);
}
END_TEST

/* ---- every coin Greek against finite differences of the coin price ---- */

enum { C_F, C_K, C_T, C_RC, C_B, C_SIGMA, C_COUNT };

typedef struct fd_ctx {
    int th;
    double h[C_COUNT];
} fd_ctx;

/* the coin price with a continuous basis b in F e^{bT}, which is what carry_rho measures */
static double coin_price(const fd_ctx *c, const double p[C_COUNT]) {
    return inverse(c->th, p[C_F] * exp(p[C_B] * p[C_T]), p[C_K], p[C_T], p[C_RC], p[C_SIGMA]).price;
}

/* Nested central differences at h, h/2, h/4 with two Richardson steps: O(h^6). */
static double fd_deriv(const fd_ctx *c, const double p[C_COUNT], const int *dims, int n) {
    if (n == 0)
        return coin_price(c, p);
    double D[3];
    for (int i = 0; i < 3; i++) {
        double h = c->h[dims[0]] / (1 << i), q[C_COUNT];
        memcpy(q, p, sizeof q);
        q[dims[0]] = p[dims[0]] + h;
        double up = fd_deriv(c, q, dims + 1, n - 1);
        q[dims[0]] = p[dims[0]] - h;
        D[i] = (up - fd_deriv(c, q, dims + 1, n - 1)) / (2 * h);
    }
    double R0 = (4 * D[1] - D[0]) / 3, R1 = (4 * D[2] - D[1]) / 3;
    return (16 * R1 - R0) / 15;
}

START_TEST(inverse_greeks_vs_finite_differences) {
    static const struct { const char *name; size_t offset; int n, dims[3]; double sign; } spec[] = {
        {"delta", offsetof(hedge_greeks, delta), 1, {C_F}, 1},
        {"gamma", offsetof(hedge_greeks, gamma), 2, {C_F, C_F}, 1},
        {"vega", offsetof(hedge_greeks, vega), 1, {C_SIGMA}, 1},
        {"theta", offsetof(hedge_greeks, theta), 1, {C_T}, -1},
        {"rho", offsetof(hedge_greeks, rho), 1, {C_RC}, 1},
        {"carry_rho", offsetof(hedge_greeks, carry_rho), 1, {C_B}, 1},
        {"vanna", offsetof(hedge_greeks, vanna), 2, {C_F, C_SIGMA}, 1},
        {"volga", offsetof(hedge_greeks, volga), 2, {C_SIGMA, C_SIGMA}, 1},
        {"charm", offsetof(hedge_greeks, charm), 2, {C_F, C_T}, -1},
        {"veta", offsetof(hedge_greeks, veta), 2, {C_SIGMA, C_T}, -1},
        {"speed", offsetof(hedge_greeks, speed), 3, {C_F, C_F, C_F}, 1},
        {"zomma", offsetof(hedge_greeks, zomma), 3, {C_F, C_F, C_SIGMA}, 1},
        {"color", offsetof(hedge_greeks, color), 3, {C_F, C_F, C_T}, -1},
        {"dual_delta", offsetof(hedge_greeks, dual_delta), 1, {C_K}, 1},
        {"dual_gamma", offsetof(hedge_greeks, dual_gamma), 2, {C_K, C_K}, 1},
    };
    /* Steps as in the pricing suite (a fraction, growing with the order, of the scale on which the
     * price moves); the tolerance is relative to |value| plus 1e-2 of the Greek's size at the money,
     * since several coin Greeks (vanna, volga, charm, ...) cross zero on this grid. The far tails
     * (|d| > 4) are left out: there the differences resolve only the exponent. */
    static const double frac[4] = {0, 0.05, 0.1, 0.2}, tol[4] = {0, 1e-8, 5e-5, 5e-5};
    static const double mny[] = {0.8, 1.0, 1.25};
    double worst = 0;
    int points = 0;
    for (size_t a = 0; a < N_ELEMS(mny); a++)
        for (double T = 1.0 / 365; T < 3; T *= 12)
            for (double sigma = 0.3; sigma < 1; sigma += 0.5)
                for (double rc = 0; rc < 0.06; rc += 0.05)
                    for (int th = -1; th <= 1; th += 2) {
                        double K = 40000, F = mny[a] * K, v = sigma * sqrt(T);
                        double D = fabs(log(F / K)) / v + 0.5 * v;
                        if (D > 4)
                            continue;
                        points++;
                        hedge_greeks g = inverse(th, F, K, T, rc, sigma);
                        hedge_greeks atm = inverse(th, K, K, T, rc, sigma);
                        double p[C_COUNT] = {F, K, T, rc, 0, sigma};
                        for (size_t k = 0; k < N_ELEMS(spec); k++) {
                            double f = frac[spec[k].n];
                            fd_ctx c = {th, {f * F * fmin(v, 1) / (1 + D), f * K * fmin(v, 1) / (1 + D),
                                             f * T / ((1 + D) * (1 + D)), f * fmin(v, 1) / (T * (1 + D)),
                                             f * fmin(v, 1) / (T * (1 + D)), f * sigma / ((1 + D) * (1 + D))}};
                            double got = *(const double *)((const char *)&g + spec[k].offset);
                            double size = fabs(*(const double *)((const char *)&atm + spec[k].offset)) *
                                          pow(K / F, spec[k].n);
                            double ref = spec[k].sign * fd_deriv(&c, p, spec[k].dims, spec[k].n);
                            double e = fabs(got - ref) / (fabs(ref) + 1e-2 * size);
                            worst = fmax(worst, e);
                            ck_assert_msg(e <= tol[spec[k].n], "%s %s F=%g T=%g sigma=%g rc=%g: %.12g vs fd %.12g",
                                          th > 0 ? "call" : "put", spec[k].name, F, T, sigma, rc, got, ref);
                        }
                    }
    ck_assert_int_ge(points, 40);
    if (getenv("HEDGE_TEST_VERBOSE"))
        fprintf(stderr, "inverse Greeks vs finite differences: worst %.3g\n", worst);
}
END_TEST

/* ---- inverse options at the edges of the domain ---- */

#if HEDGE_HAVE_QUADMATH
typedef __float128 quad;
static quad qN(quad x) { return (quad)0.5 * erfcq(-x / sqrtq((quad)2)); }
static quad qn(quad x) { return expq(-x * x / 2) / sqrtq(8 * atanq((quad)1)); }

/* V_c and its first two F-derivatives by the quotient rule on the textbook Black-76 value, B, B_F and
 * B_FF, in 113 bits (whose exponent reaches 1e4932): V_c = D B / F, V_F = D (B_F/F - B/F^2),
 * V_FF = D (B_FF/F - 2 B_F/F^2 + 2 B/F^3). */
static void q_inverse(quad out[3], int th, double F_, double K_, double T_, double rc, double sigma) {
    quad F = F_, K = K_, T = T_, v = (quad)sigma * sqrtq(T), D = expq(-(quad)rc * T);
    quad d1 = logq(F / K) / v + v / 2, d2 = d1 - v;
    quad B = th * (F * qN(th * d1) - K * qN(th * d2)), BF = th * qN(th * d1), BFF = qn(d1) / (F * v);
    out[0] = D * B / F;
    out[1] = D * (BF / F - B / (F * F));
    out[2] = D * (BFF / F - 2 * BF / (F * F) + 2 * B / (F * F * F));
}

/*
 * Found by fuzz_pricing: a put on a forward of 4.94e-324 (K = 1e7, T = 30, r_c = 0.5, sigma = 5) gave NaN
 * vega, from 1/F^2 overflowing in the quotient rule. Its coin value D (K N(-d2) - F N(-d1)) / F is
 * 6e323 coins: beyond DBL_MAX, so HEDGE_ERR_TOO_LARGE; the premium-adjusted delta -D K N(-d2) / F too.
 * The call on the same forward is worth little and its value and delta come out against 113 bits.
 */
START_TEST(inverse_subnormal_forward) {
    const double F = 4.94e-324, K = 1e7, T = 30, rc = 0.5, sigma = 5;
    quad ref[3];
    q_inverse(ref, -1, F, K, T, rc, sigma);
    ck_assert(ref[0] > (quad)DBL_MAX); /* the 113-bit value itself is beyond the range */
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_inverse_greeks(&g, HEDGE_PUT, F, K, T, rc, sigma), HEDGE_ERR_TOO_LARGE);
    ck_assert(strstr(hedge_error_message(), "price"));
    double pa = 0.0;
    ck_assert_status(hedge_inverse_delta_premium_adjusted(&pa, HEDGE_PUT, F, K, T, rc, sigma), HEDGE_ERR_TOO_LARGE);
    ck_assert(pa == 0.0);

    q_inverse(ref, 1, F, K, T, rc, sigma);
    hedge_greeks c = HEDGE_GREEKS_INIT;
    c.struct_size = offsetof(hedge_greeks, gamma); /* price and delta; gamma is 1e600 and beyond */
    ck_assert_status(hedge_inverse_greeks(&c, HEDGE_CALL, F, K, T, rc, sigma), HEDGE_OK);
    ck_assert(ref[0] > (quad)1e-300 && ref[1] > (quad)1e-300 && ref[1] < (quad)DBL_MAX);
    ck_assert_close(c.price, (double)ref[0], 1e-12, 0);
    ck_assert_close(c.delta, (double)ref[1], 1e-12, 0);
    ck_assert_status(hedge_inverse_delta_premium_adjusted(&pa, HEDGE_CALL, F, K, T, rc, sigma), HEDGE_OK);
    ck_assert_close(pa, (double)(ref[1] * F), 1e-12, 0);
}
END_TEST

/*
 * Deep in the money the quotient rule's terms cancel: B = F - K and B_F = 1 make V_F = K/F^2 out of
 * 1/F - (F - K)/F^2, so K/F = 1e-15 left one digit in double. The closed forms keep them all, at an
 * ordinary forward and at 1e-150 (where 1/F^3 overflows), against the 113-bit quotient rule, which
 * has 19 digits to spare.
 */
START_TEST(inverse_deep_in_the_money) {
    static const double Fs[] = {1.0, 3e-100, 1e-150};
    for (size_t i = 0; i < N_ELEMS(Fs); i++) {
        double F = Fs[i], K = 1e-15 * F, T = 0.5, rc = 0.02, sigma = 0.8;
        quad ref[3];
        q_inverse(ref, 1, F, K, T, rc, sigma);
        hedge_greeks g = HEDGE_GREEKS_INIT;
        g.struct_size = offsetof(hedge_greeks, vega);
        ck_assert_status(hedge_inverse_greeks(&g, HEDGE_CALL, F, K, T, rc, sigma), HEDGE_OK);
        ck_assert_close(g.price, (double)ref[0], 1e-14, 0);
        ck_assert_close(g.delta, (double)ref[1], 1e-13, 0);
        ck_assert_close(g.gamma, (double)ref[2], 1e-13, 0);
        double pa;
        ck_assert_status(hedge_inverse_delta_premium_adjusted(&pa, HEDGE_CALL, F, K, T, rc, sigma), HEDGE_OK);
        ck_assert_close(pa, (double)(ref[1] * F), 1e-13, 0);
    }
}
END_TEST
#endif

/* ln N(d) for d < -38, where N(d) underflows: -d^2/2 - ln(-d sqrt(2 pi)) + ln(1 - 1/d^2 + 3/d^4 - 15/d^6
 * + 105/d^8), the asymptotic series of the Mills ratio (the next term, 945/d^10, is below 1e-13 there). */
static double log_norm_cdf_tail(double d) {
    double u = 1 / (d * d);
    return -0.5 * d * d - log(-d * 2.5066282746310002) + log1p(u * (-1 + u * (3 + u * (-15 + 105 * u)))); /* sqrt(2 pi) */
}

/*
 * Speed of an inverse call on a forward of 1.4e-256 (K = 1e-300) at a total volatility of 87:
 * D n(d1) (5/v + d2/v^2) / F^3 = 5e317, beyond DBL_MAX, was reported as 0 (the density that decides
 * it had underflowed on its way). The fields before it are finite: delta D K N(d2) / F^2 = 3e-193
 * and the value D (N(d1) - (K/F) N(d2)) with N(d1) = 1 to the last bit.
 */
START_TEST(inverse_tiny_forward_too_large) {
    const double F = 1.4329986595765948e-256, K = 1e-300, T = 108.8042337991787, rc = 0.31344830952830349;
    const double sigma = 8.3227397711843789;
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_inverse_greeks(&g, HEDGE_CALL, F, K, T, rc, sigma), HEDGE_ERR_TOO_LARGE);
    ck_assert(strstr(hedge_error_message(), "speed"));
    g.struct_size = offsetof(hedge_greeks, speed);
    ck_assert_status(hedge_inverse_greeks(&g, HEDGE_CALL, F, K, T, rc, sigma), HEDGE_OK);
    double v = sigma * sqrt(T), d2 = (log(F) - log(K)) / v - 0.5 * v;
    ck_assert(d2 < -38);
    ck_assert_close(g.delta, exp(-rc * T + log(K) - 2 * log(F) + log_norm_cdf_tail(d2)), 4e-12, 0);
    ck_assert_close(g.price, exp(-rc * T), 1e-14, 0); /* (K/F) N(d2) is 1e-434 */
}
END_TEST

/* ---- futures and perpetuals ---- */

static hedge_future_risk future(hedge_settlement s, double m, double qty, double entry, double mark) {
    hedge_future_risk r = HEDGE_FUTURE_RISK_INIT;
    ck_assert_status(hedge_future_risk_eval(&r, s, m, qty, entry, mark), HEDGE_OK);
    return r;
}

/*
 * Long 100 inverse BTC contracts of 10 USD face, entered at 50,000, marked at 55,000:
 * the position is 1,000 USD of face; in coins it was 1000/50000 = 0.02 BTC and is now
 * 1000/55000 = 0.0181818 BTC, so the P&L is 0.02 - 0.0181818 = 0.00181818 BTC (= 100 USD at the
 * mark, the 10% move on 1,000 USD). Exposure: 1000/55000 = 0.0181818 BTC, i.e. 1,000 USD;
 * one contract adds 10/55000 = 1.81818e-4 BTC.
 * Linear: short 3 BTCUSDT contracts of 1 BTC from 50,000 to 55,000 lose 15,000 USD; exposure
 * -3 BTC, -165,000 USD.
 */
START_TEST(future_risk_by_hand) {
    hedge_future_risk r = future(HEDGE_SETTLE_INVERSE, 10, 100, 50000, 55000);
    ck_assert_close(r.value, 1000.0 / 50000 - 1000.0 / 55000, 1e-15, 0);
    ck_assert_close(r.value, 0.0018181818181818182, 1e-15, 0);
    ck_assert_close(r.value * 55000, 100, 1e-14, 0);
    ck_assert_double_eq(r.delta_contracts, 100);
    ck_assert_close(r.delta_coin, 0.0181818181818182, 1e-14, 0);
    ck_assert_close(r.delta_usd, 1000, 1e-15, 0);
    ck_assert_close(r.coin_per_contract, 10.0 / 55000, 1e-15, 0);
    /* delta_coin is the coins whose USD value moves as the position does: at entry the USD value
     * of the coin P&L, V_c mark, has derivative mark dV_c/dmark + V_c = 1000/55000 when V_c = 0 */
    double h = 1.0;
    double dv = (future(HEDGE_SETTLE_INVERSE, 10, 100, 55000, 55000 + h).value -
                 future(HEDGE_SETTLE_INVERSE, 10, 100, 55000, 55000 - h).value) / (2 * h);
    ck_assert_close(r.delta_coin, 55000 * dv, 1e-8, 0);
    hedge_future_risk s = future(HEDGE_SETTLE_INVERSE, 10, -100, 50000, 55000);
    ck_assert_close(s.value, -r.value, 1e-15, 0);
    ck_assert_close(s.delta_coin, -r.delta_coin, 1e-15, 0);

    hedge_future_risk l = future(HEDGE_SETTLE_LINEAR, 1, -3, 50000, 55000);
    ck_assert_double_eq(l.value, -15000);
    ck_assert_double_eq(l.delta_contracts, -3);
    ck_assert_double_eq(l.delta_coin, -3);
    ck_assert_double_eq(l.delta_usd, -165000);
    ck_assert_double_eq(l.coin_per_contract, 1);
    /* linear value is exactly linear in the mark: its derivative is the coin delta */
    ck_assert_close((future(HEDGE_SETTLE_LINEAR, 1, -3, 50000, 55010).value - l.value) / 10, l.delta_coin, 1e-12, 0);
    /* no move, no P&L, also for inverse where 1/entry - 1/mark would round */
    ck_assert_double_eq(future(HEDGE_SETTLE_INVERSE, 10, 7, 61234.5, 61234.5).value, 0);
}
END_TEST

/* Funding with a positive rate: longs pay, shorts receive; over 24 h at 8 h intervals three payments
 * of rate * notional; partial intervals pro rata. */
START_TEST(perpetual_funding_signs) {
    double c;
    /* linear: long 2 BTC at 50,000, 0.01% per 8 h, one day: 3 * 1e-4 * 100,000 = 30 USD paid */
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, 2, 50000, 1e-4, 8, 24), HEDGE_OK);
    ck_assert_close(c, -30, 1e-14, 0);
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, -2, 50000, 1e-4, 8, 24), HEDGE_OK);
    ck_assert_close(c, 30, 1e-14, 0);
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, 2, 50000, -1e-4, 8, 24), HEDGE_OK);
    ck_assert_close(c, 30, 1e-14, 0);
    /* half an interval accrues half a payment */
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, 2, 50000, 1e-4, 8, 4), HEDGE_OK);
    ck_assert_close(c, -5, 1e-14, 0);
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, 2, 50000, 1e-4, 8, 0), HEDGE_OK);
    ck_assert_double_eq(c, 0);
    /* inverse: 100 contracts of 10 USD at 50,000 are 0.02 BTC; one day costs 3 * 1e-4 * 0.02 BTC */
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_INVERSE, 10, 100, 50000, 1e-4, 8, 24), HEDGE_OK);
    ck_assert_close(c, -6e-6, 1e-14, 0);
    /* hourly funding (some venues): the same rate per hour costs 8 times as much over 8 hours */
    double c8;
    ck_assert_status(hedge_perpetual_funding(&c8, HEDGE_SETTLE_INVERSE, 10, 100, 50000, 1e-4, 1, 24), HEDGE_OK);
    ck_assert_close(c8, 8 * c, 1e-14, 0);
}
END_TEST

START_TEST(crypto_invalid_input) {
    static const double sentinel = -12345.678;
    hedge_future_risk r, before;
    memset(&r, 0xA5, sizeof r);
    r.struct_size = sizeof r;
    before = r;
    ck_assert_status(hedge_future_risk_eval(&r, (hedge_settlement)2, 1, 1, 100, 100), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_future_risk_eval(&r, HEDGE_SETTLE_LINEAR, 0, 1, 100, 100), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "multiplier"));
    ck_assert_status(hedge_future_risk_eval(&r, HEDGE_SETTLE_LINEAR, NAN, 1, 100, 100), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_future_risk_eval(&r, HEDGE_SETTLE_LINEAR, 1, INFINITY, 100, 100), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "quantity"));
    ck_assert_status(hedge_future_risk_eval(&r, HEDGE_SETTLE_INVERSE, 1, 1, 0, 100), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "entry"));
    ck_assert_status(hedge_future_risk_eval(&r, HEDGE_SETTLE_INVERSE, 1, 1, 100, NAN), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "mark"));
    ck_assert_status(hedge_future_risk_eval(NULL, HEDGE_SETTLE_LINEAR, 1, 1, 100, 100), HEDGE_ERR_INVALID_ARG);
    r.struct_size = offsetof(hedge_future_risk, coin_per_contract);
    before.struct_size = r.struct_size;
    ck_assert_status(hedge_future_risk_eval(&r, HEDGE_SETTLE_LINEAR, 1, 1, 100, 100), HEDGE_ERR_INVALID_ARG);
    ck_assert(memcmp(&r, &before, sizeof r) == 0);

    double c = sentinel;
    ck_assert_status(hedge_perpetual_funding(NULL, HEDGE_SETTLE_LINEAR, 1, 1, 100, 1e-4, 8, 8), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, 1, 100, NAN, 8, 8), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "funding rate"));
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, 1, 100, 1e-4, 0, 8), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "interval"));
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_LINEAR, 1, 1, 100, 1e-4, 8, -1), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "horizon"));
    ck_assert_status(hedge_perpetual_funding(&c, HEDGE_SETTLE_INVERSE, 1, 1, -100, 1e-4, 8, 8), HEDGE_ERR_DOMAIN);
    ck_assert(strstr(hedge_error_message(), "mark"));
    ck_assert_double_eq(c, sentinel);
}
END_TEST

/* A caller with a longer hedge_future_risk (a later version) keeps its extra tail untouched. */
START_TEST(future_risk_struct_size) {
    union {
        hedge_future_risk r;
        unsigned char bytes[sizeof(hedge_future_risk) + 32];
    } buf, before;
    memset(&buf, 0xA5, sizeof buf);
    buf.r.struct_size = sizeof buf;
    before = buf;
    ck_assert_status(hedge_future_risk_eval(&buf.r, HEDGE_SETTLE_LINEAR, 1, 2, 100, 110), HEDGE_OK);
    ck_assert_uint_eq(buf.r.struct_size, sizeof buf);
    ck_assert_double_eq(buf.r.value, 20);
    ck_assert(memcmp(buf.bytes + sizeof(hedge_future_risk), before.bytes + sizeof(hedge_future_risk), 32) == 0);
}
END_TEST

Suite *hedge_test_suite_crypto(void) {
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("inverse_options");
    tcase_add_test(tc, inverse_value_is_black76_over_forward);
    tcase_add_test(tc, inverse_deribit_example);
    tcase_add_test(tc, inverse_greeks_vs_finite_differences);
    tcase_add_test(tc, inverse_tiny_forward_too_large);
#if HEDGE_HAVE_QUADMATH
    tcase_add_test(tc, inverse_subnormal_forward);
    tcase_add_test(tc, inverse_deep_in_the_money);
#endif
    suite_add_tcase(s, tc);
    tc = tcase_create("futures_perpetuals");
    tcase_add_test(tc, future_risk_by_hand);
    tcase_add_test(tc, perpetual_funding_signs);
    tcase_add_test(tc, crypto_invalid_input);
    tcase_add_test(tc, future_risk_struct_size);
    suite_add_tcase(s, tc);
    return s;
}
