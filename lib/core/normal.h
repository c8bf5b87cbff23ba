/*
 * The standard normal distribution, accurate to a few ulp of relative error in both tails.
 *
 * Pricing divides tail probabilities by each other and takes differences of them; 1 - N(x) would
 * lose every digit past x = 8, so the lower tail is always computed directly from erfc, and the
 * rounding of the argument x / sqrt(2) and of x * x is compensated instead of ignored.
 */
#ifndef HEDGE_CORE_NORMAL_H
#define HEDGE_CORE_NORMAL_H

#define HEDGE__INV_SQRT_2PI 0.398942280401432677939946059934381868
#define HEDGE__SQRT_PI 1.77245385090551602729816748334114518
#define HEDGE__SQRT_2PI 2.50662827463100050241576528481104525

#include <math.h>

/* a b - p exactly, for p = a b rounded (|a|, |b| below 1e150): one instruction with hardware FMA, else
 * Dekker's splitting. Not fma(): in a baseline x86-64 build that is a library call, and every call
 * makes the caller spill its floating-point registers, which the implied-volatility solver, a chain
 * of short computations, paid for a dozen times a solve. */
static inline double hedge__prod_lo(double a, double b, double p) {
#ifdef __FMA__
    return fma(a, b, -p);
#else
    double ca = 134217729.0 * a, cb = 134217729.0 * b; /* 2^27 + 1 */
    double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
#endif
}

/* x - h s exactly, for h = x/s rounded: x - h s is then exact in double (Sterbenz), and the rounding of
 * the product is its low part. */
static inline double hedge__div_residual(double x, double h, double s) {
    double p = h * s;
    return (x - p) - hedge__prod_lo(h, s, p);
}

/* Density exp(-x^2/2)/sqrt(2 pi). */
double hedge__norm_pdf(double x);

/* Distribution function N(x) = P(Z <= x); N(-x) for the upper tail, never 1 - N(x). */
double hedge__norm_cdf(double x);

/* exp(x^2) erfc(x), the scaled complementary error function, for every finite x. */
double hedge__erfcx(double x);

/* exp(-x^2/2) with the rounding of x^2 compensated: full relative accuracy up to |x| = 38. */
double hedge__exp_neg_half_square(double x);

#endif
