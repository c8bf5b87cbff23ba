/* The wide path of the pricing kernel (see wide.h): hedge__bsm_kernel()'s formulas, term for term, in
 * an arithmetic whose exponent cannot overflow. */
#include "pricing/wide.h"

#include "pricing/black.h"

#include "core/normal.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define SQRT1_2 0.707106781186547524400844362104849039
#define SQRT_2_OVER_PI 0.797884560802865355879892119868763737

typedef hedge__xd xd;
#define X(v) hedge__xd_of(v)
#define MUL hedge__xd_mul
#define DIV hedge__xd_div
#define ADD hedge__xd_add
#define SUB hedge__xd_sub

static xd mul3(xd a, xd b, xd c) { return MUL(MUL(a, b), c); }

/* e^{-d^2/2} for any d: d^2 = hi + lo exactly, both halves exponentiated (lo can exceed 1 for |d| beyond
 * 2^26, where the first-order correction of hedge__exp_neg_half_square() would not do). */
static xd gauss(double d) {
    if (!(fabs(d) < 1e154))
        return X(0.0); /* e^{-5e307} or less: below any scale the other factors can reach */
    double hi = d * d, lo = fma(d, d, -hi);
    return MUL(hedge__xd_exp(-0.5 * hi), hedge__xd_exp(-0.5 * lo));
}

static xd pdf(double d) { return hedge__xd_muld(gauss(d), HEDGE__INV_SQRT_2PI); }

/* N(d): the double form while it is comfortably normal, below that e^{-d^2/2} erfcx(-d/sqrt2)/2. */
static xd cdf(double d) {
    if (d >= -30.0)
        return X(hedge__norm_cdf(d));
    return hedge__xd_muld(gauss(d), 0.5 * hedge__erfcx(-d * SQRT1_2));
}

/* M_1(z) = int_0^inf w exp(-2 z w - w^2) dw for z >= 0 (the moments of black.c): 1/2 - z M_0(z) while
 * that does not cancel; beyond z = 2 the minimal solution of M_{k-1} = (2/k)(M_{k+1} + z M_k), run
 * down from where the dominant solution's contamination is below 2^-55 (as moments() starts) and
 * normalised by M_0; beyond 1e8, 1/(4 z^2) to within its correction 3/(2 z^2). */
static double moment1(double z) {
    double m0 = 0.5 * HEDGE__SQRT_PI * hedge__erfcx(z);
    if (z < 2.0)
        return 0.5 - z * m0;
    if (z > 1e8)
        return 0.25 / z / z;
    double root = 1.4142135623730951 + 19.0 / z;
    int start = (int)(0.5 * root * root) + 2; /* at most 61 steps, growing by 2z/k < 2e8/k each: no overflow */
    double above = 0.0, here = 1.0, m1 = 0.0;
    for (int k = start; k > 0; k--) {
        double below = (2.0 / k) * (above + z * here); /* M_{k-1} */
        above = here;
        here = below;
        if (k == 2)
            m1 = here;
    }
    return m1 * (m0 / here);
}

/*
 * The out-of-the-money value K e^{x/2 - rT} b(x, v) for a total volatility v that may lie outside the
 * range of a double; kfr = K e^{-rT}, sfq = S e^{-qT} and d2 = x/v - v/2 as the kernel has them.
 * e^{x/2} is never formed against the factor of b that undoes it: x can be 1e192 where the price is
 * bounded by K e^{-rT} with rT = 1e96, and e^{x/2 - rT} e^{-x/2} would lose rT to rounding. Where
 * b = e^{-|x|/2} m the value is m times K e^{-rT} (x > 0) or S e^{-qT} (x < 0); where b = e^{L} m with
 * L = -(h^2 + t^2)/2 it is m K e^{-rT} e^{-d2^2/2}, since x/2 - (h^2 + t^2)/2 = -d2^2/2 on either side.
 */
static xd otm_price(double x, xd v, double d2, xd kfr, xd sfq) {
    double vd = hedge__xd_double(v);
    if (isinf(vd)) /* sigma sqrt(T) -> inf: b -> e^{-|x|/2} */
        return x > 0.0 ? kfr : sfq;
    if (x == 0.0) {
        if (vd < 0x1p-900) /* erf(v / (2 sqrt 2)) = v / sqrt(2 pi) (1 - v^2/24 + ...) */
            return MUL(kfr, hedge__xd_muld(v, HEDGE__INV_SQRT_2PI));
        return hedge__xd_muld(kfr, erf(vd * (0.5 * SQRT1_2)));
    }
    if (vd < 0x1p-900) {
        /* v is subnormal or below: only the first term of the series counts, b = v g sqrt(2/pi) M_1(z)
         * with z = -h/sqrt2 and g = e^{-h^2/2} (t^2 is below 2^-1800, and |x| < 2^-900 |h| makes
         * e^{x/2} 1); v is kept in the wide form, where its bits are. */
        double h = -fabs(hedge__xd_double(DIV(X(x), v)));
        return MUL(MUL(kfr, MUL(v, gauss(h))), X(SQRT_2_OVER_PI * moment1(-h * SQRT1_2)));
    }
    double L[2];
    bool gaussian;
    double m = hedge__black_otm_scaled(x, vd, L, &gaussian);
    if (!gaussian)
        return hedge__xd_muld(x > 0.0 ? kfr : sfq, m);
    return hedge__xd_muld(MUL(kfr, gauss(d2)), m);
}

/* d1, d2 = h +- t with h = x/v and t = v/2 formed as doubles: an infinite one (x/v or v/2 beyond
 * DBL_MAX) is the limit of d1 and d2, where the densities vanish and N is 0 or 1; both cannot be
 * infinite at once. */
static void d_of(double *d1, double *d2, double x, xd v) {
    double h = hedge__xd_double(DIV(X(x), v)), t = hedge__xd_double(hedge__xd_muld(v, 0.5));
    if (isinf(t))
        h = 0.0;
    *d1 = h + t;
    *d2 = h - t;
}

/* sigma sqrt(T) == 0: degenerate() of black.c in the wide arithmetic. */
static void degenerate(hedge__xgreeks *out, int theta, double S, double K, double T, double r, double q, double b,
                       xd dfq, xd dfr, double x, bool black76) {
    xd *g = out->v;
    double w = theta * x > 0.0 ? 1.0 : x == 0.0 ? 0.5 : 0.0;
    bool kink = x == 0.0;
    xd sfq = MUL(X(S), dfq), kfr = MUL(X(K), dfr);
    xd vega_atm = hedge__xd_muld(hedge__xd_muld(sfq, sqrt(T)), HEDGE__INV_SQRT_2PI);
    xd price = X(0.0);
    if (theta * x > 0.0)
        price = hedge__xd_muld(fabs(x) < 0.5 ? hedge__xd_muld(kfr, expm1(x)) : SUB(sfq, kfr), theta);
    for (int k = 0; k < HEDGE__N_GREEKS; k++)
        g[k] = X(0.0);
    g[0] = price;
    g[1] = hedge__xd_muld(dfq, theta * w);
    g[3] = kink ? vega_atm : X(0.0);
    g[4] = hedge__xd_muld(SUB(hedge__xd_muld(sfq, q), hedge__xd_muld(kfr, r)), w * theta);
    g[6] = hedge__xd_muld(hedge__xd_muld(sfq, T), w * theta);
    g[5] = black76 ? hedge__xd_muld(price, -T) : hedge__xd_muld(hedge__xd_muld(kfr, T), w * theta);
    g[7] = kink ? hedge__xd_muld(hedge__xd_muld(dfq, sqrt(T)), 0.5 * HEDGE__INV_SQRT_2PI) : X(0.0);
    g[9] = kink && b != 0.0 ? X(0.0) : hedge__xd_muld(g[1], q);
    if (kink && T > 0.0) /* vega (r - b/2 - 1/(2T)), with 1/(2T) wide: T may be subnormal */
        g[10] = MUL(vega_atm, SUB(X(r - 0.5 * b), DIV(X(0.5), X(T))));
    g[14] = hedge__xd_muld(dfr, -theta * w);
}

void hedge__bsm_kernel_wide(hedge__xgreeks *out, int theta, double S, double K, double T, double r, double q,
                            double b, double sigma, bool black76) {
    xd *g = out->v;
    double sqrt_t = sqrt(T);
    xd v = MUL(X(sigma), X(sqrt_t));
    double bT = T == 0.0 ? 0.0 : b * T;
    double x = hedge__log_moneyness(S, K) + bT;
    xd dfr = hedge__xd_exp(-r * T), dfq = hedge__xd_exp(-q * T);
    if (v.m == 0.0) {
        degenerate(out, theta, S, K, T, r, q, b, dfq, dfr, x, black76);
        return;
    }
    double d1, d2;
    d_of(&d1, &d2, x, v);
    xd n1 = pdf(d1), n2 = pdf(d2);
    xd N1 = cdf(theta * d1), N2 = cdf(theta * d2);
    xd sfq = MUL(X(S), dfq), kfr = MUL(X(K), dfr);

    /* price: the out-of-the-money value K e^{x/2 - rT} b plus the intrinsic value */
    xd price = otm_price(x, v, d2, kfr, sfq);
    if (theta * x > 0.0)
        price = ADD(price, hedge__xd_muld(x < 0.5 && x > -0.5 ? hedge__xd_muld(kfr, expm1(x)) : SUB(sfq, kfr),
                                          theta));
    g[0] = price;
    g[1] = hedge__xd_muld(MUL(dfq, N1), theta);                 /* delta */
    g[14] = hedge__xd_muld(MUL(dfr, N2), -theta);               /* dual delta */
    g[6] = hedge__xd_muld(mul3(X(T), sfq, N1), theta);          /* carry rho */
    g[5] = black76 ? hedge__xd_muld(price, -T) : hedge__xd_muld(mul3(X(T), kfr, N2), theta);
    xd r_price = hedge__xd_muld(price, r);
    xd carry = hedge__xd_muld(MUL(sfq, N1), theta * b);        /* theta b F e^{-rT} N(theta d1) */
    xd charm_n = hedge__xd_muld(MUL(dfq, N1), theta * q);
    xd Kv = MUL(X(K), v);
    xd dual_gamma = n2.m == 0.0 ? X(0.0) : DIV(MUL(dfr, n2), Kv);
    if (n1.m == 0.0) {
        for (int k = 2; k < HEDGE__N_GREEKS; k++)
            if (k != 5 && k != 6 && k != 14)
                g[k] = X(0.0);
        g[4] = SUB(r_price, carry);
        g[9] = charm_n;
        g[15] = dual_gamma;
        return;
    }
    /* n(d1) > 0: |d1| < 1e154, so d2 = d1 - v is finite as well */
    xd two_T = hedge__xd_muld(X(T), 2.0);
    xd inv_2T = DIV(X(1.0), two_T);
    xd b_over_v = DIV(X(b), v);
    xd d1d2 = MUL(X(d1), X(d2));
    xd gamma = DIV(MUL(dfq, n1), MUL(X(S), v));
    xd vega = mul3(sfq, n1, X(sqrt_t));
    xd dd1_dT = SUB(b_over_v, MUL(X(d2), inv_2T));
    xd d1_b_over_v = MUL(X(d1), b_over_v);
    g[2] = gamma;
    g[3] = vega;
    /* theta = r V - theta b F e^{-rT} N(theta d1) - F e^{-rT} n(d1) sigma / (2 sqrt T) */
    g[4] = SUB(SUB(r_price, carry), DIV(mul3(sfq, n1, X(sigma)), X(2.0 * sqrt_t)));
    g[7] = hedge__xd_neg(DIV(mul3(dfq, n1, X(d2)), X(sigma)));                     /* vanna */
    g[8] = DIV(MUL(vega, d1d2), X(sigma));                                          /* volga */
    g[9] = SUB(charm_n, MUL(MUL(dfq, n1), dd1_dT));                                 /* charm */
    g[10] = MUL(vega, SUB(ADD(X(q), d1_b_over_v), MUL(ADD(X(1.0), d1d2), inv_2T))); /* veta */
    g[11] = hedge__xd_neg(MUL(DIV(gamma, X(S)), ADD(DIV(X(d1), v), X(1.0))));       /* speed */
    g[12] = DIV(MUL(gamma, SUB(d1d2, X(1.0))), X(sigma));                           /* zomma */
    g[13] = MUL(gamma, ADD(ADD(X(q), d1_b_over_v), MUL(SUB(X(1.0), d1d2), inv_2T))); /* color */
    g[15] = dual_gamma;
}

void hedge__xgreeks_double(hedge_greeks *out, const hedge__xgreeks *g) {
    double f[HEDGE__N_GREEKS];
    for (int k = 0; k < HEDGE__N_GREEKS; k++)
        f[k] = hedge__xd_double(g->v[k]);
    memcpy(&out->price, f, sizeof f); /* the fields after struct_size are 16 doubles in a row */
}

enum { PRICE, DELTA, GAMMA, VEGA, THETA, RHO, CARRY_RHO, VANNA, VOLGA, CHARM, VETA, SPEED, ZOMMA, COLOR, DUAL_DELTA,
       DUAL_GAMMA };

void hedge__inverse_kernel_wide(hedge__xgreeks *out, int theta, double F, double K, double T, double rc, double sigma) {
    hedge__xgreeks bg;
    hedge__bsm_kernel_wide(&bg, theta, F, K, T, 0.0, 0.0, 0.0, sigma, true);
    const xd *b = bg.v;
    xd *u = out->v;
    xd D = hedge__xd_exp(-rc * T), f1 = DIV(X(1.0), X(F)), Df1 = MUL(D, f1), Df2 = MUL(Df1, f1);
    xd v = MUL(X(sigma), X(sqrt(T)));
    double x = hedge__log_moneyness(F, K), d1 = 0.0, d2 = 0.0;
    xd n1 = X(0.0), N2;
    if (v.m == 0.0) {
        N2 = X(theta * x > 0.0 ? 1.0 : x == 0.0 ? 0.5 : 0.0);
    } else {
        d_of(&d1, &d2, x, v);
        n1 = pdf(d1);
        N2 = cdf(theta * d2);
    }
    xd KN2f = DIV(MUL(X(K), N2), X(F)); /* (K/F) N(theta d2) */
    u[PRICE] = MUL(Df1, b[PRICE]);
    u[DELTA] = hedge__xd_muld(MUL(Df1, KN2f), theta);
    xd gamma_n = X(0.0), speed_n = X(0.0);
    if (n1.m != 0.0) {
        gamma_n = DIV(n1, v);
        speed_n = MUL(n1, ADD(DIV(X(5.0), v), DIV(X(d2), MUL(v, v))));
    }
    u[GAMMA] = MUL(Df2, SUB(gamma_n, hedge__xd_muld(KN2f, 2.0 * theta)));
    u[SPEED] = MUL(MUL(Df2, f1), SUB(hedge__xd_muld(KN2f, 6.0 * theta), speed_n));
    u[VEGA] = MUL(Df1, b[VEGA]);
    u[VOLGA] = MUL(Df1, b[VOLGA]);
    if (v.m == 0.0) { /* the kink's conventions, as the quotient rule gives them from degenerate() */
        u[VANNA] = MUL(Df1, SUB(b[VANNA], MUL(b[VEGA], f1)));
        u[ZOMMA] = MUL(Df1, ADD(SUB(b[ZOMMA], hedge__xd_muld(MUL(b[VANNA], f1), 2.0)),
                                hedge__xd_muld(MUL(MUL(b[VEGA], f1), f1), 2.0)));
    } else if (n1.m == 0.0) {
        u[VANNA] = u[ZOMMA] = X(0.0);
    } else {
        u[VANNA] = hedge__xd_neg(DIV(mul3(Df1, n1, X(d1)), X(sigma)));
        xd poly = ADD(ADD(MUL(X(d1), X(d1)), MUL(X(d1), v)), X(-1.0)); /* d1^2 + d1 v - 1 */
        u[ZOMMA] = DIV(mul3(Df2, n1, poly), MUL(X(sigma), v));
    }
    u[THETA] = ADD(hedge__xd_muld(u[PRICE], rc), MUL(Df1, b[THETA]));
    u[VETA] = ADD(hedge__xd_muld(u[VEGA], rc), MUL(Df1, b[VETA]));
    xd charm_n = X(0.0), color_n = X(0.0);
    if (n1.m != 0.0) {
        xd inv_2T = DIV(X(1.0), hedge__xd_muld(X(T), 2.0));
        charm_n = mul3(mul3(Df1, n1, X(d1)), inv_2T, X(1.0));
        xd poly = ADD(ADD(MUL(X(d1), X(d2)), X(-1.0)), hedge__xd_muld(MUL(X(d1), v), 2.0)); /* d1 d2 - 1 + 2 d1 v */
        color_n = DIV(mul3(mul3(Df2, n1, poly), inv_2T, X(1.0)), v);
    }
    u[CHARM] = ADD(hedge__xd_muld(u[DELTA], rc), charm_n);
    u[COLOR] = SUB(hedge__xd_muld(u[GAMMA], rc), color_n);
    u[RHO] = hedge__xd_muld(u[PRICE], -T);
    u[CARRY_RHO] = hedge__xd_muld(hedge__xd_muld(u[DELTA], F), T);
    u[DUAL_DELTA] = MUL(Df1, b[DUAL_DELTA]);
    u[DUAL_GAMMA] = MUL(Df1, b[DUAL_GAMMA]);
}
