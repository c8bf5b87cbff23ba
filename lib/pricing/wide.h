/*
 * The pricing kernels' wide path: every value held as m 2^e with a double exponent, so that nothing
 * a price or Greek is made of can overflow or underflow on the way.
 *
 * The ordinary kernel (black.c) works in plain doubles and is exact to a few ulp as long as its
 * intermediate products stay in range. Far outside ordinary markets they do not: 1/F^4 of an
 * inverse option overflows for F below 1e-77 although F^-4 B(F) may be a modest number, e^{-rT}
 * underflows while K e^{-rT} N(d2) is normal, sqrt(T) d2 / (2T) overflows for T near DBL_MAX, and
 * their products became 0 * inf = NaN. The wide path evaluates the same formulas in an arithmetic
 * whose exponent range is that of a double itself (2^(+-1e308)), so the only values that come out
 * infinite are those whose true value exceeds DBL_MAX; those become HEDGE_ERR_TOO_LARGE at the API.
 * It is slower (a frexp per operation) and only runs where the ordinary kernel cannot be trusted.
 */
#ifndef HEDGE_PRICING_WIDE_H
#define HEDGE_PRICING_WIDE_H

#include <hedge/pricing.h>

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

/* m 2^e with 1/2 <= |m| < 1, or m == 0 and e == 0. e is an integer held in a double; beyond 2^53 it
 * only says how far out of range the value is, which is all that is left to say there. */
typedef struct hedge__xd {
    double m, e;
} hedge__xd;

static inline hedge__xd hedge__xd_make(double m, double e) {
    hedge__xd r = {m, 0.0};
    if (m == 0.0 || !isfinite(m))
        return r; /* 0 (exactly), or a NaN or infinity carried through to the result unchanged */
    int k;
    r.m = frexp(m, &k);
    r.e = e + k;
    return r;
}

static inline hedge__xd hedge__xd_of(double x) { return hedge__xd_make(x, 0.0); }

static inline hedge__xd hedge__xd_mul(hedge__xd a, hedge__xd b) { return hedge__xd_make(a.m * b.m, a.e + b.e); }

static inline hedge__xd hedge__xd_div(hedge__xd a, hedge__xd b) { return hedge__xd_make(a.m / b.m, a.e - b.e); }

static inline hedge__xd hedge__xd_muld(hedge__xd a, double b) { return hedge__xd_mul(a, hedge__xd_of(b)); }

static inline hedge__xd hedge__xd_neg(hedge__xd a) {
    a.m = -a.m;
    return a;
}

static inline hedge__xd hedge__xd_add(hedge__xd a, hedge__xd b) {
    if (a.m == 0.0)
        return b;
    if (b.m == 0.0)
        return a;
    if (a.e < b.e) {
        hedge__xd t = a;
        a = b;
        b = t;
    }
    double d = b.e - a.e; /* <= 0 */
    if (d < -1100.0)
        return a; /* b is below half an ulp of a */
    return hedge__xd_make(a.m + ldexp(b.m, (int)d), a.e);
}

static inline hedge__xd hedge__xd_sub(hedge__xd a, hedge__xd b) { return hedge__xd_add(a, hedge__xd_neg(b)); }

/* e^y for any y (-inf gives 0): 2^k e^r with y = k ln 2 + r, |r| <= ln2/2. */
static inline hedge__xd hedge__xd_exp(double y) {
    if (y == -INFINITY)
        return hedge__xd_of(0.0);
    double k = nearbyint(y * 1.44269504088896338700);
    if (!(fabs(k) < 0x1p52)) /* e^y beyond 2^(+-2^52): only its order remains (NaN stays NaN) */
        return hedge__xd_make(isnan(k) ? k : 1.0, k);
    double r = fma(-k, 6.93147180369123816490e-01, y);
    r = fma(-k, 1.90821492927058770002e-10, r);
    return hedge__xd_make(exp(r), k);
}

/* The nearest double: +-inf when the value is beyond DBL_MAX, 0 or a subnormal below DBL_MIN. */
static inline double hedge__xd_double(hedge__xd a) {
    if (a.m == 0.0 || !isfinite(a.m))
        return a.m;
    if (isnan(a.e))
        return NAN; /* inf * 0 of exponents: cannot happen for validated input, and must not hide */
    if (a.e > 1100.0)
        return copysign(INFINITY, a.m);
    if (a.e < -1200.0)
        return copysign(0.0, a.m);
    return ldexp(a.m, (int)a.e);
}

/* a < b for a, b >= 0 */
static inline bool hedge__xd_less(hedge__xd a, hedge__xd b) {
    if (a.m == 0.0 || b.m == 0.0)
        return a.m < b.m;
    return a.e < b.e || (a.e == b.e && a.m < b.m);
}

/* Every field of hedge_greeks after struct_size, in order. */
enum { HEDGE__N_GREEKS = 16 };
_Static_assert(sizeof(hedge_greeks) == sizeof(size_t) + HEDGE__N_GREEKS * sizeof(double) &&
                   offsetof(hedge_greeks, dual_gamma) - offsetof(hedge_greeks, price) == 15 * sizeof(double),
               "hedge_greeks is struct_size and 16 doubles");
typedef struct hedge__xgreeks {
    hedge__xd v[HEDGE__N_GREEKS];
} hedge__xgreeks;

/* hedge__bsm_kernel()'s formulas in the wide arithmetic, for validated input: the same arguments
 * (q the yield, b the carry r - q), and the results before their rounding to double. */
void hedge__bsm_kernel_wide(hedge__xgreeks *g, int theta, double S, double K, double T, double r, double q,
                            double b, double sigma, bool black76);

/* Every Greek of an inverse option in coins (hedge_inverse_greeks()), in the wide arithmetic. */
void hedge__inverse_kernel_wide(hedge__xgreeks *g, int theta, double F, double K, double T, double r_coin,
                                double sigma);

/* The rounding to double of every field: an infinite field is a true value beyond DBL_MAX. */
void hedge__xgreeks_double(hedge_greeks *out, const hedge__xgreeks *g);

#endif
