/*
 * Branch-free, vectorisable elementary functions shared by the SIMD kernels (batch_kernel.h,
 * iv_kernel.h) and usable from scalar code: static inline, so each translation unit compiles them
 * for its own target (with or without FMA). No libm calls: a loop that calls them still vectorises.
 */
#ifndef HEDGE_PRICING_SIMD_MATH_H
#define HEDGE_PRICING_SIMD_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Forced inline: a call left in a kernel's loop body (GCC declines some by size once a kernel uses
 * these many times) stops the loop from vectorising. */
#if defined(__GNUC__)
#define BK_INLINE static inline __attribute__((always_inline))
#else
#define BK_INLINE static inline
#endif

/* Without hardware FMA, fma() is a slow library call: the polynomials then use a plain multiply-add
 * (their accuracy does not need fusion) and the two exact products, the low parts of d1^2 and of
 * (s/k) k, use Dekker's splitting. */
#ifdef __FMA__
#define BK_FMA(a, b, c) fma(a, b, c)
#define BK_PROD_LO(a, b, hi) fma(a, b, -(hi))
#else
#define BK_FMA(a, b, c) ((a) * (b) + (c))
BK_INLINE double bk_prod_lo(double a, double b, double hi) { /* a b - hi exactly (Dekker) */
    double ca = 134217729.0 * a, cb = 134217729.0 * b; /* 2^27 + 1 */
    double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return ((ah * bh - hi) + ah * bl + al * bh) + al * bl;
}
#define BK_PROD_LO(a, b, hi) bk_prod_lo(a, b, hi)
#endif

#define BK_LN2_HI 6.93147180369123816490e-01
#define BK_LN2_LO 1.90821492927058770002e-10
#define BK_LOG2E 1.44269504088896338700e+00
#define BK_SHIFTER 0x1.8p52 /* adding it rounds to an integer held in the low mantissa bits */

BK_INLINE uint64_t bk_bits(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

BK_INLINE double bk_double(uint64_t u) {
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* x = k ln2 + r with |r| <= ln2/2 (x in [-708, 708]): returns 2^k in *scale and e^r - 1 from a
 * degree-13 Taylor polynomial (truncation 5e-18 relative), kept apart from the 1 so that e^x and
 * e^x - 1 can each be rounded once. */
BK_INLINE double bk_exp_reduced(double x, double *scale) {
    double kd = BK_FMA(x, BK_LOG2E, BK_SHIFTER);
    uint64_t ki = bk_bits(kd);
    kd -= BK_SHIFTER;
    double r = BK_FMA(-kd, BK_LN2_HI, x);
    r = BK_FMA(-kd, BK_LN2_LO, r);
    double p = 1.0 / 6227020800.0;
    p = BK_FMA(p, r, 1.0 / 479001600.0);
    p = BK_FMA(p, r, 1.0 / 39916800.0);
    p = BK_FMA(p, r, 1.0 / 3628800.0);
    p = BK_FMA(p, r, 1.0 / 362880.0);
    p = BK_FMA(p, r, 1.0 / 40320.0);
    p = BK_FMA(p, r, 1.0 / 5040.0);
    p = BK_FMA(p, r, 1.0 / 720.0);
    p = BK_FMA(p, r, 1.0 / 120.0);
    p = BK_FMA(p, r, 1.0 / 24.0);
    p = BK_FMA(p, r, 1.0 / 6.0);
    p = BK_FMA(p, r, 0.5);
    *scale = bk_double((ki + 1023u) << 52);
    return BK_FMA(p, r * r, r);
}

/* e^x for x in [-708, 708]: 2^k (1 + p). */
BK_INLINE double bk_exp(double x) {
    double scale, p = bk_exp_reduced(x, &scale);
    return BK_FMA(scale, p, scale);
}

/* e^x - 1 with full relative accuracy near 0: 2^k p + (2^k - 1), where 2^k - 1 is exact and
 * vanishes for |x| < ln2/2. */
BK_INLINE double bk_expm1(double x) {
    double scale, p = bk_exp_reduced(x, &scale);
    return BK_FMA(scale, p, scale - 1.0);
}

/* ln x for a positive normal x: x = 2^e m with m in [sqrt(1/2), sqrt 2), ln m = 2 atanh(f) with
 * f = (m - 1)/(m + 1), |f| <= 0.1716, summed to f^23 (truncation 1e-18 relative). */
BK_INLINE double bk_log(double x) {
    uint64_t u = bk_bits(x);
    double e = bk_double((u >> 52) | 0x4330000000000000u) - (0x1p52 + 1023.0);
    double m = bk_double((u & 0x000fffffffffffffu) | 0x3ff0000000000000u);
    /* halve m by decrementing its exponent field: GCC folds a select into a conditional multiply,
     * which "could trap" and stops the loop from being if-converted for AVX2 (no masked arithmetic) */
    /* selects of double constants only: an integer select of the comparison needs a bool-to-int
     * conversion SSE2 lacks, and stops the baseline build from vectorising */
    int big = m > 1.4142135623730951;
    e += big ? 1.0 : 0.0;
    m *= big ? 0.5 : 1.0;
    double f = (m - 1.0) / (m + 1.0);
    double f2 = f * f;
    double p = 1.0 / 23;
    p = BK_FMA(p, f2, 1.0 / 21);
    p = BK_FMA(p, f2, 1.0 / 19);
    p = BK_FMA(p, f2, 1.0 / 17);
    p = BK_FMA(p, f2, 1.0 / 15);
    p = BK_FMA(p, f2, 1.0 / 13);
    p = BK_FMA(p, f2, 1.0 / 11);
    p = BK_FMA(p, f2, 1.0 / 9);
    p = BK_FMA(p, f2, 1.0 / 7);
    p = BK_FMA(p, f2, 1.0 / 5);
    p = BK_FMA(p, f2, 1.0 / 3);
    double two_f = 2.0 * f;
    double lnm = BK_FMA(two_f * f2, p, two_f);
    return BK_FMA(e, BK_LN2_HI, BK_FMA(e, BK_LN2_LO, lnm));
}

/* Chebyshev coefficients of (1 + sqrt2 a) R(a) in t = (a - 5)/(a + 5); see bk_mills2(). */
static const double BK_MILLS_C[25] = {
    1.4759378946624524, -0.002594567003628325, -0.10890289413782299, 0.072945553136033417,
    -0.030936640932973179, 0.0097131564008720098, -0.0022999737871652352, 0.00038763629165196924,
    -3.5666117122361187e-05, -1.9654604374715699e-06, 1.1487670345988095e-06, -1.0554667509114094e-07,
    -1.8776507001534845e-08, 4.8706661348539116e-09, 1.6310702131767556e-10, -1.6501981953678965e-10,
    3.5728625782078711e-12, 5.5261028723515697e-12, -2.9067702816325764e-13, -1.9908713933363086e-13,
    1.2605602625503285e-14, 7.8825055926254525e-15, -4.1474098191105526e-16, -3.3787835018691485e-16,
    7.5192709919676134e-18,
};

/*
 * Mills ratio R(a) = N(-a)/n(a) at a and at a + gap (a, gap >= 0), and their difference without
 * cancellation. (1 + sqrt2 a) R(a) = f(t) is a Chebyshev series in t = (a - 5)/(a + 5), with
 * coefficients from scripts/gen-mills-chebyshev.c (5e-16 relative over [0, 40] against a 113-bit
 * reference). The Chebyshev polynomials are run forward at t together with their divided
 * differences (T_n(t') - T_n(t))/(t' - t), which obey
 *     dT_{n+1} = 2 t' dT_n + 2 T_n(t) - dT_{n-1},
 * so f(t') - f(t) comes out as (t' - t) times a sum, never as a difference of two sums. That is what
 * an out-of-the-money price needs: it is n(d1) S e^{-qT} (R(a) - R(a + sigma sqrt T)).
 */
BK_INLINE void bk_mills2(double a, double gap, double *r_lo, double *r_hi, double *diff) {
    double b = a + gap;
    double t = (a - 5.0) / (a + 5.0), t_hi = (b - 5.0) / (b + 5.0);
    double dt = 10.0 * gap / ((a + 5.0) * (b + 5.0)); /* t_hi - t, formed without subtracting */
    double t2 = 2.0 * t, th2 = 2.0 * t_hi;
    double T0 = 1.0, T1 = t, D0 = 0.0, D1 = 1.0;
    double f = BK_FMA(BK_MILLS_C[1], T1, BK_MILLS_C[0]), df = BK_MILLS_C[1];
#pragma GCC unroll 32
    for (int n = 1; n < 24; n++) {
        double T2 = BK_FMA(t2, T1, -T0);
        double D2 = BK_FMA(th2, D1, BK_FMA(2.0, T1, -D0));
        f = BK_FMA(BK_MILLS_C[n + 1], T2, f);
        df = BK_FMA(BK_MILLS_C[n + 1], D2, df);
        T0 = T1;
        T1 = T2;
        D0 = D1;
        D1 = D2;
    }
    double p_lo = BK_FMA(1.4142135623730951, a, 1.0), p_hi = BK_FMA(1.4142135623730951, b, 1.0);
    double f_hi = BK_FMA(dt, df, f);
    *r_lo = f / p_lo;
    *r_hi = f_hi / p_hi;
    /* R(a) - R(b) = (sqrt2 gap f(t) - (t_hi - t) df p_lo) / (p_lo p_hi) */
    *diff = BK_FMA(1.4142135623730951 * gap, f, -dt * df * p_lo) / (p_lo * p_hi);
}

/* R(a) alone, for a >= 0: the same Chebyshev series as bk_mills2() without the divided differences. */
BK_INLINE double bk_mills1(double a) {
    double t = (a - 5.0) / (a + 5.0), t2 = 2.0 * t;
    double T0 = 1.0, T1 = t;
    double f = BK_FMA(BK_MILLS_C[1], T1, BK_MILLS_C[0]);
#pragma GCC unroll 32
    for (int n = 1; n < 24; n++) {
        double T2 = BK_FMA(t2, T1, -T0);
        f = BK_FMA(BK_MILLS_C[n + 1], T2, f);
        T0 = T1;
        T1 = T2;
    }
    return f / BK_FMA(1.4142135623730951, a, 1.0);
}

#endif
