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

/* Density exp(-x^2/2)/sqrt(2 pi). */
double hedge__norm_pdf(double x);

/* Distribution function N(x) = P(Z <= x); N(-x) for the upper tail, never 1 - N(x). */
double hedge__norm_cdf(double x);

/* exp(x^2) erfc(x), the scaled complementary error function, for every finite x. */
double hedge__erfcx(double x);

/* exp(-x^2/2) with the rounding of x^2 compensated: full relative accuracy up to |x| = 38. */
double hedge__exp_neg_half_square(double x);

/* The quantile N^-1(p) for p in (0, 1), to full precision; -inf / +inf at 0 / 1 and beyond. */
double hedge__norm_inv(double p);

#endif
