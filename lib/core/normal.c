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
    double lo = hedge__prod_lo(x, x, hi);
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
    double yl = hedge__prod_lo(z, inv_sqrt2_hi, yh) + z * inv_sqrt2_lo;
    double e = erfc(yh);
    if (e == 0.0)
        return 0.0;
    double slope = (2.0 / HEDGE__SQRT_PI) * exp(-yh * yh); /* only scales a 1e-16 correction */
    return 0.5 * (e - yl * slope);
}

#include "core/erfcx_table.h"

_Static_assert(HEDGE__ERFCX_X_PER_UNIT == 8 && (int)HEDGE__ERFCX_X_END == 8,
               "normal.h's hedge__erfcx_fast() knows the table");

double hedge__erfcx(double x) {
    /* Below 26, the tables of erfcx_table.h, within 2 ulp (against 5 for exp(x^2) erfc(x), which also
     * cost an exp and an erfc): pieces of width 1/8 in x below 8, reached by a multiplication;
     * above, pieces of t = 1/(1 + x), where u = (t - mid) 128 is formed as ((1 - mid) - mid x) 128 t
     * with x split so that mid x_hi is exact, u then carrying only the rounding of t. */
    if (x >= 0.0 && x < HEDGE__ERFCX_X_END) {
        double y = x * (2 * HEDGE__ERFCX_X_PER_UNIT);
        int k = (int)(0.5 * y);
        return hedge__erfcx_poly(hedge__erfcx_x[k], y - (2 * k + 1));
    }
    if (x >= HEDGE__ERFCX_X_END && x < 26.0) {
        double t = 1.0 / (1.0 + x);
        int k = (int)(t * HEDGE__ERFCX_T_PIECES);
        double mid = (k + 0.5) * (1.0 / HEDGE__ERFCX_T_PIECES);
        double xh = (x + 0x1.8p7) - 0x1.8p7, xl = x - xh;
        double u = (((1.0 - mid) - mid * xh) - mid * xl) * (2.0 * HEDGE__ERFCX_T_PIECES) * t;
        return hedge__erfcx_poly(hedge__erfcx_t[k - HEDGE__ERFCX_T_FIRST], u);
    }
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

/* Acklam's rational approximations (relative error 1.15e-9) refined by one Halley step on
 * N(x) - p, which squares the error: full double precision over (0, 1). p <= 0 or >= 1 gives
 * -inf or +inf. */
double hedge__norm_inv(double p) {
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                3.754408661907416e+00};
    if (!(p > 0.0))
        return -HUGE_VAL;
    if (!(p < 1.0))
        return HUGE_VAL;
    double x;
    if (p < 0.02425 || p > 1.0 - 0.02425) {
        /* tails: in the upper one, 1 - p is exact only as far as p has bits, which is what the
         * caller has given anyway */
        double q = sqrt(-2.0 * log(p < 0.5 ? p : 1.0 - p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
        if (p > 0.5)
            x = -x;
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    /* Halley: e = N(x) - p, u = e / n(x), x -= u / (1 + x u / 2) */
    double e = p < 0.5 ? hedge__norm_cdf(x) - p : (1.0 - p) - hedge__norm_cdf(-x); /* N(x) = 1 - N(-x) */
    double u = e * HEDGE__SQRT_2PI * exp(0.5 * x * x);
    return x - u / (1.0 + 0.5 * x * u);
}
