#include "core/normal.h"

#include <math.h>

/* 1/sqrt(2) as an unevaluated sum hi + lo, so that x / sqrt(2) can be formed with its rounding error. */
static const double inv_sqrt2_hi = 0.70710678118654757;
static const double inv_sqrt2_lo = -4.8336466567264567e-17;

double hedge__exp_neg_half_square(double x) {
    if (!(fabs(x) < 40.0))
        return 0.0; /* exp(-800) underflows, and x * x could overflow to inf (0 * inf = NaN below) */
    /* x*x rounds with a relative error of 2^-53, which exp(-x^2/2) would multiply by x^2/2 (700 at
     * x = 37); the low part of the square recovers it exactly. */
    double hi = x * x;
    double lo = fma(x, x, -hi);
    return exp(-0.5 * hi) * (1.0 - 0.5 * lo);
}

double hedge__norm_pdf(double x) {
    return HEDGE__INV_SQRT_2PI * hedge__exp_neg_half_square(x);
}

double hedge__norm_cdf(double x) {
    /* Strictly positive: at zero, -x is -0.0 >= 0 again and the reflection would never end. */
    if (x > 0.0)
        return 1.0 - hedge__norm_cdf(-x); /* the result is >= 1/2: no relative accuracy is lost */
    /* N(x) = erfc(y)/2 with y = -x/sqrt(2) = yh + yl. erfc is evaluated at yh and corrected to first
     * order: erfc(yh + yl) = erfc(yh) - yl (2/sqrt(pi)) exp(-yh^2). Without it the relative error of
     * N(-37) would be 700 ulp. */
    double z = -x;
    double yh = z * inv_sqrt2_hi;
    double yl = fma(z, inv_sqrt2_hi, -yh) + z * inv_sqrt2_lo;
    double e = erfc(yh);
    if (e == 0.0)
        return 0.0;
    double slope = (2.0 / HEDGE__SQRT_PI) * exp(-yh * yh); /* only scales a 1e-16 correction */
    return 0.5 * (e - yl * slope);
}

double hedge__erfcx(double x) {
    if (x < 26.0) {
        if (x < -26.7)
            return HUGE_VAL; /* exp(x^2) overflows: 2 exp(x^2) > DBL_MAX */
        double hi = x * x;
        double lo = fma(x, x, -hi);
        return exp(hi) * (1.0 + lo) * erfc(x);
    }
    /* Asymptotic series 1/(x sqrt(pi)) sum (-1)^k (2k-1)!! / (2x^2)^k; at x >= 26 the terms fall
     * below 2^-53 of the first long before they would start to grow. */
    double u = 1.0 / (2.0 * x * x), term = 1.0, sum = 1.0;
    for (int k = 1; k < 12; k++) {
        term *= -(2.0 * k - 1.0) * u;
        sum += term;
    }
    return sum / (x * HEDGE__SQRT_PI);
}
