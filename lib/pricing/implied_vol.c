/*
 * Implied volatility after Jaeckel, "Let's Be Rational" (Wilmott 2015), written from the paper's
 * mathematics.
 *
 * Every price is reduced to the normalised out-of-the-money value b(x, s) with x = -|ln(F/K)| <= 0
 * and s = sigma sqrt(T); b rises from 0 to b_max = e^{x/2}. Its inflexion point s_c = sqrt(2|x|) and
 * the tangent there split the price axis into four branches: the tangent meets zero at s_l and b_max
 * at s_u. On each branch a rational cubic (Delbourgo-Gregory) interpolates a transform of the
 * inverse that is nearly linear there, which makes the initial guess good to a few digits; then at
 * most two third-order Householder steps on a per-branch objective reach full precision:
 *   beta < b_l          lowest:  s from the map f = (2 pi |x| / sqrt 27) N(-|x| / (sqrt(3) s))^3,
 *                                which tends to b as s -> 0; objective 1/ln b, nearly linear in s there;
 *   b_l <= beta <= b_u  middle:  s itself is interpolated; objective b;
 *   beta > b_u          upper:   s from the map f = N(-s/2), which the distance to b_max follows as
 *                                s -> inf; objective ln(b_max - b).
 */
#include "pricing/black.h"
#include "pricing/iv_batch.h"
#include "pricing/iv_internal.h"

#include "core/cpu.h"
#include "core/internal.h"
#include "core/normal.h"

#include <hedge/implied_vol.h>

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SQRT3 1.73205080756887729352744634150587237

/* The solver is one chain of dependent evaluations; GCC's inliner, left to itself, split it into calls
 * that spill the solver's state (10% of a solve). */
#if defined(__GNUC__)
#define IV_INLINE static inline __attribute__((always_inline))
#else
#define IV_INLINE static inline
#endif
#define TWO_PI_OVER_SQRT27 1.20919957615614523372938550509477049

/* A control parameter this large makes the rational cubic its linear interpolant (to rounding), and
 * keeps r y from overflowing. */
#define R_LINEAR 1e30
/* Just above -1: the rational cubic's denominator 1 + (r - 3) t (1 - t) stays positive on [0, 1]. */
#define R_FLOOR (-(1.0 - 0x1p-26))

/* Steps after the second one that the safety net may take; never needed on the tested grid. */
#define SAFETY_STEPS 8

/*
 * Inverse of the normal distribution function, Wichura's algorithm AS241 (PPND16, Applied
 * Statistics 37, 1988), relative accuracy about 1e-16. Only the initial guess depends on it, and
 * only for p in (0, 1/2), where 1 - p is never formed.
 */
/* AS241's tail, p < 0.075 (|p - 1/2| > 0.425), from r = sqrt(-ln p): the quantile is -num/den. Both
 * polynomials by Estrin's scheme: the guess does not need their last ulp, and the lowest branch's
 * guess ends in this chain of dependent operations. */
static void inv_norm_cdf_tail(double r, double *num, double *den) {
    static const double a1[8] = {1.42343711074968357734e+0, 4.63033784615654529590e+0, 5.76949722146069140550e+0,
                                 3.64784832476320460504e+0, 1.27045825245236838258e+0, 2.41780725177450611770e-1,
                                 2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double b1[8] = {1.0, 2.05319162663775882187e+0, 1.67638483018380384940e+0, 6.89767334985100004550e-1,
                                 1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
                                 1.05075007164441684324e-9};
    static const double a2[8] = {6.65790464350110377720e+0, 5.46378491116411436990e+0, 1.78482653991729133580e+0,
                                 2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                 2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double b2[8] = {1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
                                 7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
                                 2.04426310338993978564e-15};
    bool near = r <= 5.0;
    const double *a = near ? a1 : a2, *b = near ? b1 : b2;
    r -= near ? 1.6 : 5.0;
    double r2 = r * r, r4 = r2 * r2;
    *num = ((a[0] + a[1] * r) + r2 * (a[2] + a[3] * r)) + r4 * ((a[4] + a[5] * r) + r2 * (a[6] + a[7] * r));
    *den = ((b[0] + b[1] * r) + r2 * (b[2] + b[3] * r)) + r4 * ((b[4] + b[5] * r) + r2 * (b[6] + b[7] * r));
}

static double inv_norm_cdf(double p) {
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        /* the central rational by Estrin's scheme, as the tail's (only the guess depends on it) */
        static const double a[8] = {3.3871328727963666080e+0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                                    1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                    3.3430575583588128105e+4, 2.5090809287301226727e+3};
        static const double b[8] = {1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
                                    2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
                                    5.2264952788528545610e+3};
        double r = 0.180625 - q * q, r2 = r * r, r4 = r2 * r2;
        double num = ((a[0] + a[1] * r) + r2 * (a[2] + a[3] * r)) + r4 * ((a[4] + a[5] * r) + r2 * (a[6] + a[7] * r));
        double den = ((b[0] + b[1] * r) + r2 * (b[2] + b[3] * r)) + r4 * ((b[4] + b[5] * r) + r2 * (b[6] + b[7] * r));
        return q * num / den;
    }
    double num, den;
    inv_norm_cdf_tail(sqrt(-log(q < 0.0 ? p : 1.0 - p)), &num, &den);
    double z = -num / den;
    return q < 0.0 ? z : -z;
}

/* exp(-(h^2 + t^2)/2) with h = x/s, t = s/2, the rounding of h and of the squares compensated (see
 * hedge__iv_vega()); also returns h. */
IV_INLINE double gauss_exponent(double x, double s, double *h_out, double L[2]) {
    /* hl from the exact remainder x - h s times 1/s, computed alongside x/s: one division on the way */
    double inv_s = 1.0 / s, h = x / s, hl = hedge__div_residual(x, h, s) * inv_s, t = 0.5 * s;
    double hh = h * h, hh_lo = hedge__prod_lo(h, h, hh) + 2.0 * h * hl;
    double tt = t * t, tt_lo = hedge__prod_lo(t, t, tt);
    double sum = hh + tt, bv = sum - hh;
    double sum_lo = (hh - (sum - bv)) + (tt - bv);
    *h_out = h;
    L[0] = -0.5 * sum;
    L[1] = -0.5 * (sum_lo + hh_lo + tt_lo);
    return h;
}

IV_INLINE double gauss_ht(double x, double s, double *h_out) {
    double L[2];
    gauss_exponent(x, s, h_out, L);
    return exp(L[0]) * (1.0 + L[1]);
}

double hedge__iv_vega(double x, double s) {
    if (!(s > 0.0))
        return x == 0.0 ? HEDGE__INV_SQRT_2PI : 0.0;
    if (isinf(s))
        return 0.0;
    /* x^2/s^2 reaches 1e3 in the lowest branch: an ulp lost in h or in a square would cost 1e3 ulp of
     * vega. h + hl is x/s to twice the precision, and the rounding of both squares and of their sum
     * is carried into a first-order correction, so exp sees an exactly representable argument. */
    double h;
    return HEDGE__INV_SQRT_2PI * gauss_ht(x, s, &h);
}

/*
 * b(x, s) for the interpolation nodes and the first step, which need a few digits, not a few ulp,
 * given g = exp(-(h^2 + t^2)/2) (gauss_ht(), which the vega needs anyway) and em = e^{x/2}. Since
 * e^{x/2} n(d1) = e^{-x/2} n(d2) = g / sqrt(2 pi), the two terms of b are g erfcx(.)/2 each: with
 * d1 = h + t, d2 = h - t,
 *     d1 < 0:   b = (g/2) (erfcx(-d1/sqrt2) - erfcx(-d2/sqrt2)),
 *     d1 >= 0:  b = e^{x/2} - (g/2) (erfcx(d1/sqrt2) + erfcx(-d2/sqrt2)),
 * two evaluations of hedge__erfcx_fast()'s table and no exponential, where N from erfc cost two erfc and
 * their two exponentials. When the difference has lost more than 20 bits to cancellation the
 * accurate kernel is used after all.
 */
#define SQRT1_2 0.707106781186547524400844362104849039
IV_INLINE double node_black(double x, double s, double g, double em) {
    if (!(s > 0.0))
        return 0.0;
    if (isinf(s))
        return em;
    double h = x / s, t = 0.5 * s, d1 = h + t, d2 = h - t;
    double b, scale;
    if (d1 < 0.0) {
        scale = 0.5 * g * hedge__erfcx_fast(-d1 * SQRT1_2); /* e^{x/2} N(d1), the larger term */
        b = scale - 0.5 * g * hedge__erfcx_fast(-d2 * SQRT1_2);
    } else {
        scale = em;
        b = em - 0.5 * g * (hedge__erfcx_fast(d1 * SQRT1_2) + hedge__erfcx_fast(-d2 * SQRT1_2));
    }
    return b > 0x1p-20 * scale ? b : hedge__black_otm_g(x, s, g);
}

/* b_max - b(x, s) for x <= 0: e^{x/2} N(-x/s - s/2) + e^{-x/2} N(x/s - s/2), two positive terms, so
 * the small distance to the upper bound keeps its relative accuracy where b itself would round to b_max. */
static double black_complement(double x, double s, double em, double ep) {
    double h = x / s, t = 0.5 * s;
    return em * hedge__norm_cdf(-h - t) + ep * hedge__norm_cdf(h - t);
}

/*
 * The Delbourgo-Gregory rational cubic on [x_l, x_l + w] at t = (x - x_l)/w, 1 - t = omt (passed
 * separately so a caller near the right end can form it without cancellation), matching values y and
 * slopes d at both ends; r = 3 is the cubic Hermite interpolant, r -> inf the straight line.
 */
static double rational_cubic(double t, double omt, double w, double yl, double yr, double dl, double dr, double r) {
    if (!(r < R_LINEAR))
        return yr * t + yl * omt;
    double num = yr * t * t * t + (r * yr - w * dr) * t * t * omt + (r * yl + w * dl) * t * omt * omt +
                 yl * omt * omt * omt;
    return num / (1.0 + (r - 3.0) * t * omt);
}

/*
 * The smallest control parameter that keeps the interpolant monotone (r >= (d_l + d_r)/delta) and,
 * for convex or concave data, convex or concave (the second derivative at each end keeps its sign).
 */
/* fmax() inline (it is a library call in a baseline x86-64 build): the larger, a NaN giving way. */
static inline double max_num(double a, double b) { return a > b ? a : (b == b ? b : a); }

IV_INLINE double shape_min_r(double w, double yl, double yr, double dl, double dr) {
    /* the ratios over delta = (y_r - y_l)/w and its differences are formed with w multiplied through,
     * all divisions side by side instead of after the one for delta (which only decides the shape) */
    double dy = yr - yl, delta = dy / w, r = R_FLOOR;
    bool monotone = dl * delta >= 0.0 && dr * delta >= 0.0;
    bool convex = dl <= delta && delta <= dr, concave = dl >= delta && delta >= dr;
    double r_mono = (dl + dr) * w / dy;                          /* (d_l + d_r) / delta */
    double a_w = dy - dl * w, c_w = dr * w - dy;                 /* (delta - d_l) w, (d_r - delta) w */
    double e_c = fabs((dr - dl) * w / c_w), e_a = fabs((dr - dl) * w / a_w);
    if (monotone)
        r = delta != 0.0 ? max_num(r, r_mono) : R_LINEAR;
    if (convex || concave) {
        double a = delta - dl, c = dr - delta;
        r = a != 0.0 && c != 0.0 ? max_num(r, max_num(e_c, e_a)) : R_LINEAR;
    }
    return r;
}

/* Control parameter whose interpolant has second derivative d2 at the left end (from y''(x_l) =
 * (2/w) (r (delta - d_l) - (d_r - d_l))), raised to keep the shape. */
static double fit_r_left(double w, double yl, double yr, double dl, double dr, double d2) {
    /* (w d2/2 + d_r - d_l) / (delta - d_l) with delta = (y_r - y_l)/w, in one division */
    double r = (0.5 * w * d2 + (dr - dl)) * w / ((yr - yl) - dl * w);
    return max_num(r, shape_min_r(w, yl, yr, dl, dr)); /* a NaN fit gives way */
}

/* As fit_r_left(), at the right end: y''(x_r) = (2/w) (r (d_r - delta) - (d_r - d_l)). */
static double fit_r_right(double w, double yl, double yr, double dl, double dr, double d2) {
    double r = (0.5 * w * d2 + (dr - dl)) * w / (dr * w - (yr - yl));
    return max_num(r, shape_min_r(w, yl, yr, dl, dr));
}

/* b''/b' = h^2/s - s/4 with h = x/s, from d/ds of the exponent of the vega. */
static double vega_ratio(double x, double s) {
    double h = x / s;
    return h * h / s - 0.25 * s;
}

enum branch { LOWEST, MIDDLE, UPPER };

typedef struct solver {
    double x, beta, gap, ln_beta, ln_gap;
    double em, ep; /* e^{x/2} = b_max and e^{-x/2}, once per solve (ep as 1/em unless UPPER) */
    enum branch objective;
    double s, lo, hi; /* the root lies in (lo, hi) */
    bool bisected;
} solver;

/* A point inside (lo, hi) when a step or a guess left it: the midpoint, or double the lower end
 * while the bracket is open above. */
static void keep_inside(solver *sv, double s_new) {
    sv->bisected = !(s_new > sv->lo && s_new < sv->hi);
    if (!sv->bisected)
        sv->s = s_new;
    else
        sv->s = isinf(sv->hi) ? 2.0 * sv->lo : 0.5 * (sv->lo + sv->hi);
}

static double householder_factor(double nu, double h2, double h3) {
    return (1.0 + 0.5 * h2 * nu) / (1.0 + nu * (h2 + h3 * nu * (1.0 / 6.0)));
}

/*
 * One third-order Householder step on the branch's objective g: with nu = -g/g' (the Newton step),
 * h2 = g''/g' and h3 = g'''/g', ds = nu (1 + h2 nu/2) / (1 + h2 nu + h3 nu^2/6). The ratios follow from
 * B2 = b''/b' and B3 = b'''/b' = B2^2 - 3 h^2/s^2 - 1/4 by the chain rule:
 *   g = b:            h2 = B2, h3 = B3;
 *   g = 1/ln b:       with p = b'/b and L = ln b, h2 = B2 - p (1 + 2/L),
 *                     h3 = B3 - 3 B2 p (1 + 2/L) + 2 p^2 (1 + 3/L + 3/L^2);
 *   g = ln(b_max-b):  with q = b'/(b_max - b), h2 = B2 + q, h3 = B3 + 3 q B2 + 2 q^2.
 * Returns the step taken. Away from the root b needs only as many digits as the step it drives:
 * with accurate false the cheap node_black() (30 bits or more) serves, and the next, accurate step
 * removes its error along with the rest.
 */
IV_INLINE double finish_step(solver *sv, double s, bool accurate, int dir, double nu, double h2, double h3);
IV_INLINE double finish_ds(solver *sv, double s, bool accurate, int dir, double ds);
IV_INLINE double gauss_exponent(double x, double s, double *h_out, double L[2]);

/*
 * The lowest branch's Householder step on 1/ln b, from L = ln b, dL = ln beta - L and p = b'/b:
 * nu = dL L / (ln beta p), h2 = B2 - p (1 + 2/L), h3 = B3 - 3 B2 p (1 + 2/L) + 2 p^2 (1 + 3/L + 3/L^2). It is
 * formed over L^2 (H2 = h2 L, H3 = h3 L^2), so that no division waits on the logarithm but the last.
 */
IV_INLINE double lowest_ds(double ln_beta, double B2, double B3, double L, double dL, double p) {
    double Lp2 = L + 2.0, L2 = L * L;
    double H2 = B2 * L - p * Lp2;
    double H3 = B3 * L2 - 3.0 * B2 * p * L * Lp2 + 2.0 * p * p * (L2 + 3.0 * L + 3.0);
    double nu = dL * L * (1.0 / (ln_beta * p)); /* the reciprocal does not wait on L */
    return dL == 0.0 ? 0.0 : nu * (L2 + 0.5 * H2 * nu * L) / (L2 + nu * (H2 * L + H3 * nu * (1.0 / 6.0)));
}

/*
 * The lowest branch's step without the Gaussian factor g = exp(L), L = -(h^2 + t^2)/2: its objective
 * 1/ln b needs ln b = L + ln m and b'/b = 1/(sqrt(2 pi) m), where b = m g, and m comes from the scaled
 * forms of b (d1 < 0 below the inflexion): the cheap (erfcx(-d1/sqrt2) - erfcx(-d2/sqrt2))/2, as in
 * node_black(), or hedge__black_otm_scaled(). No exponential per step. Returns false, with nothing
 * done, where b is not of that form (the general step then takes over).
 */
IV_INLINE bool lowest_step(solver *sv, double s, bool accurate, double B2, double B3, double *ds_out) {
    double x = sv->x, Lg[2], h, m;
    bool gaussian = true;
    gauss_exponent(x, s, &h, Lg);
    double t = 0.5 * s, d1 = h + t;
    if (!(d1 < 0.0))
        return false;
    if (!accurate) {
        double e1 = hedge__erfcx_fast(-d1 * SQRT1_2);
        m = 0.5 * (e1 - hedge__erfcx_fast(-(h - t) * SQRT1_2));
        if (!(m > 0x1p-20 * 0.5 * e1)) /* more than 20 bits cancelled: the accurate form after all */
            m = hedge__black_otm_scaled(x, s, Lg, &gaussian);
    } else {
        m = hedge__black_otm_scaled(x, s, Lg, &gaussian);
    }
    if (!gaussian || !(m > 0.0) || !(m < INFINITY))
        return false;
    double lm = Lg[1] + log(m), L = Lg[0] + lm;
    double dL = (sv->ln_beta - Lg[0]) - lm; /* ln beta - ln b, the large parts first: they nearly cancel */
    double p = 1.0 / (HEDGE__SQRT_2PI * m);
    int dir = dL > 0.0 ? 1 : dL < 0.0 ? -1 : 0;
    *ds_out = finish_ds(sv, s, accurate, dir, lowest_ds(sv->ln_beta, B2, B3, L, dL, p));
    return true;
}

IV_INLINE double householder_step(solver *sv, bool accurate) {
    double x = sv->x, s = sv->s;
    bool regular = s > 0.0 && !isinf(s);
    if (sv->objective == LOWEST && regular) {
        double hh = x / s, hs0 = hh * (1.0 / s), B2l = hh * hs0 - 0.25 * s;
        double ds;
        if (lowest_step(sv, s, accurate, B2l, B2l * B2l - 3.0 * hs0 * hs0 - 0.25, &ds))
            return ds;
    }
    /* gh = exp(-(h^2 + t^2)/2) serves the vega and the accurate b (hedge__black_otm_g) alike */
    double h = x / s, gh = regular ? gauss_ht(x, s, &h) : 0.0;
    double v = regular ? HEDGE__INV_SQRT_2PI * gh : hedge__iv_vega(x, s);
    double hs = h * (1.0 / s); /* h/s: one division serves both ratios below */
    double B2 = h * hs - 0.25 * s;
    double B3 = B2 * B2 - 3.0 * hs * hs - 0.25;
    double nu, h2, h3;
    int dir; /* sign of beta - b(s) */
    if (sv->objective == UPPER) {
        double g = black_complement(x, s, sv->em, sv->ep), q = v / g;
        dir = g > sv->gap ? 1 : g < sv->gap ? -1 : 0;
        nu = (log(g) - sv->ln_gap) / q;
        h2 = B2 + q;
        h3 = B3 + 3.0 * q * B2 + 2.0 * q * q;
    } else {
        double b = accurate ? hedge__black_otm_g(x, s, gh) : node_black(x, s, gh, sv->em);
        dir = b < sv->beta ? 1 : b > sv->beta ? -1 : 0;
        if (sv->objective == LOWEST) { /* where lowest_step() declined: b not of its scaled forms */
            double L = log(b);
            double ds = dir == 0 ? 0.0 : lowest_ds(sv->ln_beta, B2, B3, L, sv->ln_beta - L, v / b);
            return finish_ds(sv, s, accurate, dir, ds);
        } else {
            nu = (sv->beta - b) / v;
            h2 = B2;
            h3 = B3;
        }
    }
    return finish_step(sv, s, accurate, dir, nu, h2, h3);
}

/* The step nu (1 + h2 nu/2) / (1 + h2 nu + h3 nu^2/6) from s, kept inside the bracket, which an accurate
 * evaluation (dir the sign of beta - b(s)) narrows. Returns the step taken. */
IV_INLINE double finish_step(solver *sv, double s, bool accurate, int dir, double nu, double h2, double h3) {
    return finish_ds(sv, s, accurate, dir, dir == 0 ? 0.0 : nu * householder_factor(nu, h2, h3));
}

/* The step ds from s, kept inside the bracket, which an accurate evaluation (dir the sign of
 * beta - b(s)) narrows. Returns the step taken. */
IV_INLINE double finish_ds(solver *sv, double s, bool accurate, int dir, double ds) {
    /* A comparison with the cheap b may be wrong within its error: it must not shrink the bracket. */
    if (accurate && dir > 0)
        sv->lo = s;
    else if (accurate && dir < 0)
        sv->hi = s;
    /* A step within rounding of s is convergence, not a reason to bisect: b's last-ulp noise can put
     * the root an ulp outside a bracket built from comparisons with it. */
    if (fabs(ds) <= 4.0 * DBL_EPSILON * s) {
        sv->bisected = false;
        sv->s = s + ds;
    } else {
        keep_inside(sv, s + ds);
    }
    return sv->s - s;
}

/* The lower map f(s) = c |x| N(-z)^3 with z = |x|/(sqrt(3) s), and its first two derivatives in b at
 * s, from those in s divided by the vega v (and b''/b' = B2): f_b = f_s/v, f_bb = (f_ss - f_s B2)/v^2. */
static void lower_map(double x, double s, double v, double B2, double *f, double *fb, double *fbb) {
    double ax = -x, z = ax / (SQRT3 * s);
    /* for the guess the bare exp serves: its last-ulp error is below the guess's own; N(-z) is
     * n(z) R(z) with the Mills ratio R(z) = sqrt(pi/2) erfcx(z/sqrt2), no second exponential */
    double phi = HEDGE__INV_SQRT_2PI * exp(-0.5 * z * z);
    double Phi = phi * (0.5 * HEDGE__SQRT_2PI) * hedge__erfcx_fast(z * SQRT1_2);
    double c = TWO_PI_OVER_SQRT27 * ax, inv_s = 1.0 / s, inv_v = 1.0 / v; /* two divisions side by side */
    double fs = 3.0 * c * Phi * Phi * phi * z * inv_s;
    double fss = c * phi * z * (6.0 * Phi * phi * z + 3.0 * Phi * Phi * (z * z - 2.0)) * (inv_s * inv_s);
    *f = c * Phi * Phi * Phi;
    *fb = fs * inv_v;
    *fbb = (fss - fs * B2) * (inv_v * inv_v);
}

static double inverse_lower_map(double x, double f) {
    double ax = -x;
    /* s = |x| / (sqrt3 z) with z = -N^{-1}(p), p = y^{1/3}, y = f / (c |x|). Below y = 0.075^3 the quantile is
     * AS241's tail, which needs only ln p = ln(y)/3 (no cube root: the common case, deep out of the
     * money), and z = num/den there, so s = |x| den / (sqrt3 num) in one division. ln y is ln f minus a
     * logarithm of x alone, which need not wait for f, and saves the division y = f / (c |x|). */
    double ln_y = log(f) - log(TWO_PI_OVER_SQRT27 * ax);
    if (ln_y < 3.0 * -2.5902671654458267) { /* ln(0.075) */
        double num, den;
        inv_norm_cdf_tail(sqrt(ln_y * (-1.0 / 3.0)), &num, &den);
        return ax * den / (SQRT3 * num);
    }
    return ax / (SQRT3 * -inv_norm_cdf(exp(ln_y * (1.0 / 3.0)))); /* y^{1/3}: ln y is at hand, a cube root
                                                                     * would cost more than exp */
}

/* The initial guess from the branch's rational interpolation; sets the objective and the bracket. */
IV_INLINE void initial_guess(solver *sv) {
    double x = sv->x, beta = sv->beta;
    double em = sv->em, ep = sv->ep, b_max = em;
    double s_c = sqrt(-2.0 * x);
    /* at the inflexion h^2 = t^2 = -x/2: the vega is e^{x/2}/sqrt(2 pi) without an exponential */
    /* d1 = 0 and d2 = -s_c there: b_c = e^{x/2}/2 - e^{-x/2} N(-s_c), and e^{-x/2} n(s_c) = e^{x/2} n(0)
     * (s_c^2 = -2x) makes it e^{x/2} (1 - erfcx(sqrt(-x)))/2, one evaluation of the table */
    double one_minus = 1.0 - hedge__erfcx_fast(sqrt(-x));
    double b_c = 0.5 * em * one_minus, v_c = HEDGE__INV_SQRT_2PI * em, inv_vc = HEDGE__SQRT_2PI * ep;
    double bc_over_vc = (0.5 * HEDGE__SQRT_2PI) * one_minus; /* b_c / v_c without the division */
    if (!(b_c > 0x1p-20 * em)) {
        double h;
        b_c = node_black(x, s_c, gauss_ht(x, s_c, &h), em);
        bc_over_vc = b_c / v_c;
    }
    double s;
    if (beta <= b_c) { /* only when x < 0: b_c = 0 at x = 0 and beta > 0 */
        double s_l = s_c - bc_over_vc, h;
        double g_l = s_l > 0.0 ? gauss_ht(x, s_l, &h) : 0.0; /* the vega's factor serves b too */
        double b_l = s_l > 0.0 ? node_black(x, s_l, g_l, em) : 0.0;
        double v_l = s_l > 0.0 ? HEDGE__INV_SQRT_2PI * g_l : hedge__iv_vega(x, s_l);
        if (beta < b_l) {
            double f_l, fb_l, fbb_l;
            lower_map(x, s_l, v_l, vega_ratio(x, s_l), &f_l, &fb_l, &fbb_l);
            /* f(0) = 0 and f'(0) = 1: the map follows b's asymptotic form as s -> 0. */
            double r = fit_r_right(b_l, 0.0, f_l, 1.0, fb_l, fbb_l);
            double t = beta / b_l;
            double f = rational_cubic(t, 1.0 - t, b_l, 0.0, f_l, 1.0, fb_l, r);
            if (!(f > 0.0)) /* rounding at extreme |x|: the quadratic through the same end data */
                f = (f_l * t + b_l * (1.0 - t)) * t;
            s = inverse_lower_map(x, f);
            sv->objective = LOWEST;
            sv->lo = 0.0;
            sv->hi = s_l;
        } else {
            /* s(b) has zero second derivative at b_c, the inflexion of b. */
            double w = b_c - b_l;
            double r = fit_r_right(w, s_l, s_c, 1.0 / v_l, inv_vc, 0.0);
            double t = (beta - b_l) / w;
            s = rational_cubic(t, 1.0 - t, w, s_l, s_c, 1.0 / v_l, inv_vc, r);
            sv->objective = MIDDLE;
            sv->lo = s_l;
            sv->hi = s_c;
        }
    } else {
        double s_u = s_c + (HEDGE__SQRT_2PI - bc_over_vc); /* (b_max - b_c) / v_c, b_max = e^{x/2} */
        double h, g_u = gauss_ht(x, s_u, &h); /* s_u > s_c > 0 */
        double v_u = HEDGE__INV_SQRT_2PI * g_u, b_u = node_black(x, s_u, g_u, em);
        if (beta <= b_u) {
            double w = b_u - b_c;
            double r = fit_r_left(w, s_c, s_u, inv_vc, 1.0 / v_u, 0.0);
            double t = (beta - b_c) / w;
            s = rational_cubic(t, 1.0 - t, w, s_c, s_u, inv_vc, 1.0 / v_u, r);
            sv->objective = MIDDLE;
            sv->lo = s_c;
            sv->hi = s_u;
        } else {
            /* The upper map f = N(-s/2), interpolated in b with f(b_max) = 0 and f'(b_max) = -1/2;
             * 1 - t comes from the gap so that prices next to b_max keep their digits. */
            double gap_u = black_complement(x, s_u, em, ep);
            double phi = hedge__norm_pdf(0.5 * s_u);
            double f_u = hedge__norm_cdf(-0.5 * s_u);
            double fs = -0.5 * phi, fss = 0.125 * s_u * phi;
            double fb = fs / v_u, fbb = (fss - fs * vega_ratio(x, s_u)) / (v_u * v_u);
            double r = fit_r_left(gap_u, f_u, 0.0, fb, -0.5, fbb);
            double omt = sv->gap / gap_u;
            double f = rational_cubic(1.0 - omt, omt, gap_u, f_u, 0.0, fb, -0.5, r);
            s = f > 0.0 && f < 0.5 ? -2.0 * inv_norm_cdf(f) : NAN;
            /* Far below b_max the distance to it is no better conditioned than b itself. */
            sv->objective = beta > 0.5 * b_max ? UPPER : MIDDLE;
            sv->lo = s_u;
            sv->hi = INFINITY;
        }
    }
    /* The nodes' b carries ~30 bits (node_black), so a root at a node may sit just outside. */
    sv->lo *= 1.0 - 0x1p-16;
    sv->hi *= 1.0 + 0x1p-16;
    keep_inside(sv, s);
}

/* The solver with em = e^{-|x|/2} supplied by a caller that has it. */
static double normalised(double beta, double gap, double x, double em, int extra_steps, int *iterations) {
    solver sv = {.x = -fabs(x), .beta = beta, .gap = gap};
    sv.em = em;
    sv.ep = 1.0 / sv.em; /* enough for the guess and the cheap b; the accurate complement sets its own */
    initial_guess(&sv);
    if (sv.objective == UPPER)
        sv.ep = exp(-0.5 * sv.x);
    /* only the transformed objectives need these logarithms */
    sv.ln_beta = sv.objective == LOWEST ? log(beta) : 0.0;
    sv.ln_gap = sv.objective == UPPER ? log(gap) : 0.0;
    int n = 0;
    double prev = INFINITY;
    for (;;) {
        /* The first step starts from a guess good to a few digits: 30 bits of b are plenty there. */
        double ds = householder_step(&sv, n > 0);
        n++;
        if (n > 1 && fabs(ds) <= DBL_EPSILON * sv.s)
            break;
        /* The Householder step converges with order four, e' = C e^4: a step under 2^-16 leaves about
         * 2^-64 C, and the last two steps estimate what a larger one leaves, |ds| (ds/prev)^4 (a far
         * guess in the upper branch converges from 6% in two steps that way). */
        double ratio = ds / prev;
        bool settled = !sv.bisected && (fabs(ds) <= 0x1p-16 * sv.s ||
                                        fabs(ds) * (ratio * ratio) * (ratio * ratio) <= 0.5 * DBL_EPSILON * sv.s);
        if (n >= 2 && (settled || n >= 2 + SAFETY_STEPS))
            break;
        prev = ds;
    }
    for (int k = 0; k < extra_steps; k++, n++)
        householder_step(&sv, true);
    if (iterations)
        *iterations = n;
    return sv.s;
}

double hedge__iv_normalised(double beta, double gap, double x, int extra_steps, int *iterations) {
    return normalised(beta, gap, x, exp(-0.5 * fabs(x)), extra_steps, iterations);
}

/* ---- prices to the normalised problem ---- */

/* " (element i)" for a batch element, "" for a scalar call; formatted only on failure, since the
 * batch must not pay for snprintf per element. */
#define AT_SIZE 40
static const char *at(char *buf, size_t index) {
    if (index == SIZE_MAX)
        return "";
    snprintf(buf, AT_SIZE, " (element %zu)", index);
    return buf;
}

static hedge_status check_inputs(const char *fn, size_t index, int theta, double price, const char *price_name,
                                 double F, const char *F_name, double K, double T, double r, double q) {
    char buf[AT_SIZE];
    if (theta != 1 && theta != -1)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s%s: option type must be call (1) or put (-1), got %d",
                           fn, at(buf, index), theta);
    if (!(price >= 0.0) || !isfinite(price))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: %s must be finite and >= 0, got %g", fn,
                           at(buf, index), price_name, price);
    if (!(F > 0.0) || !isfinite(F))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: %s must be finite and > 0, got %g", fn,
                           at(buf, index), F_name, F);
    if (!(K > 0.0) || !isfinite(K))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: strike must be finite and > 0, got %g", fn,
                           at(buf, index), K);
    if (!(T > 0.0) || !isfinite(T))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: time to expiry must be finite and > 0, got %g", fn,
                           at(buf, index), T);
    if (!isfinite(r))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: rate must be finite, got %g", fn, at(buf, index),
                           r);
    if (!isfinite(q))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: yield must be finite, got %g", fn, at(buf, index), q);
    return HEDGE_OK;
}

/*
 * The common solver. p_disc is the discounted price in quote currency, rT the discount exponent,
 * unit converts p_disc back to the caller's units for messages (1, or F for coin premiums),
 * x = ln(F/K).
 */
static hedge_status solve(const char *fn, size_t index, double *sigma, int theta, double p_disc, double rT,
                          double unit, double F, double K, double x, double T) {
    char buf[AT_SIZE];
    double D = exp(-rT), inv_sqrt_t = 1.0 / sqrt(T); /* off the solver's chain, which ends in sigma = s/sqrt(T) */
    if (!(D > 0.0) || !isfinite(D) || !isfinite(F))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: discount or growth factor over T out of range "
                           "(discount %g, forward %g)", fn, at(buf, index), D, F);
    /* The bounds are checked in the forward measure, price / e^{-rT}, as implied_vol.h states. */
    double p = p_disc / D;
    double diff = theta * (F - K);
    double intrinsic_fwd = diff > 0.0 ? diff : 0.0;
    double upper = theta > 0 ? F : K;
    if (!(p < upper))
        return hedge__fail(NULL, HEDGE_ERR_PRICE_BOUNDS, "%s%s: price %.17g is at or above the upper bound %.17g",
                           fn, at(buf, index), p_disc / unit, D * upper / unit);
    if (p <= intrinsic_fwd) {
        /* Below the bound in both measures: a price computed as D (F - K) may divide back to an ulp
         * under F - K, and it is still exactly at the lower bound. */
        if (p < intrinsic_fwd && p_disc < D * intrinsic_fwd)
            return hedge__fail(NULL, HEDGE_ERR_PRICE_BOUNDS, "%s%s: price %.17g is below the intrinsic value %.17g",
                               fn, at(buf, index), p_disc / unit, D * intrinsic_fwd / unit);
        *sigma = 0.0;
        return HEDGE_OK;
    }
    /* The time value is split off as the pricer splits it (hedge__black_intrinsic, K e^{x/2 - rT}),
     * not from F - K: with a time value of 1e-5 of the intrinsic value (a minute's expiry in the
     * money) a differently rounded F - K would move the answer by 1e-11. */
    /* norm = e^{-rT} sqrt(F K) = K e^{x/2 - rT}, from D and em = e^{-|x|/2}, which the solver needs
     * anyway; one exponential where either factor alone would leave the normal range */
    double em = exp(-0.5 * fabs(x)), ed = x <= 0.0 ? em * D : D / em;
    double norm = ed >= DBL_MIN && ed <= DBL_MAX ? K * ed : K * exp(0.5 * x - rT);
    double beta = (p_disc - hedge__black_intrinsic_d(x, K, theta, rT, D)) / norm;
    double gap = D * (upper - p) / norm; /* nearly exact next to the bound, by Sterbenz's lemma */
    if (!(beta > 0.0)) { /* at the pricer's lower bound, or a time value that underflowed */
        *sigma = 0.0;
        return HEDGE_OK;
    }
    double s = normalised(beta, gap, x, em, 0, NULL);
    double sig = s * inv_sqrt_t;
    if (!(sig >= 0.0) || !isfinite(sig))
        return hedge__fail(NULL, HEDGE_ERR_NOT_CONVERGED, "%s%s: no volatility found for price %.17g", fn,
                           at(buf, index), p_disc / unit);
    *sigma = sig;
    return HEDGE_OK;
}

static hedge_status black76_one(const char *fn, size_t index, double *sigma, int theta, double price, double F,
                                double K, double T, double r) {
    hedge_status st = check_inputs(fn, index, theta, price, "price", F, "forward", K, T, r, 0.0);
    if (st)
        return st;
    return solve(fn, index, sigma, theta, price, r * T, 1.0, F, K, hedge__log_moneyness(F, K), T);
}

static hedge_status bsm_one(const char *fn, size_t index, double *sigma, int theta, double price, double S,
                            double K, double T, double r, double q) {
    hedge_status st = check_inputs(fn, index, theta, price, "price", S, "spot", K, T, r, q);
    if (st)
        return st;
    /* The bounds use the forward as hedge_bsm_price() forms it; x is taken from S/K and the carry
     * directly, since ln(F/K) would inherit the rounding of F. */
    double x = hedge__log_moneyness(S, K) + (r - q) * T;
    return solve(fn, index, sigma, theta, price, r * T, 1.0, S * exp((r - q) * T), K, x, T);
}

HEDGE_API hedge_status hedge_implied_vol_black76(double *sigma, hedge_option_type type, double price, double F,
                                                 double K, double T, double r) {
    if (!sigma)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_implied_vol_black76: sigma is NULL");
    return black76_one("hedge_implied_vol_black76", SIZE_MAX, sigma, (int)type, price, F, K, T, r);
}

HEDGE_API hedge_status hedge_implied_vol_bsm(double *sigma, hedge_option_type type, double price, double S,
                                             double K, double T, double r, double q) {
    if (!sigma)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_implied_vol_bsm: sigma is NULL");
    return bsm_one("hedge_implied_vol_bsm", SIZE_MAX, sigma, (int)type, price, S, K, T, r, q);
}

HEDGE_API hedge_status hedge_implied_vol_inverse(double *sigma, hedge_option_type type, double price_coin,
                                                 double F, double K, double T, double r_coin) {
    static const char fn[] = "hedge_implied_vol_inverse";
    if (!sigma)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: sigma is NULL", fn);
    hedge_status st = check_inputs(fn, SIZE_MAX, (int)type, price_coin, "coin premium", F, "forward", K, T, r_coin,
                                   0.0);
    if (st)
        return st;
    /* V_c = e^{-r_c T} B / F: the premium times F is the Black price discounted at the coin rate. */
    return solve(fn, SIZE_MAX, sigma, (int)type, price_coin * F, r_coin * T, F, F, K,
                 hedge__log_moneyness(F, K), T);
}

/* ---- batches: the SIMD kernel (iv_kernel.h), and the scalar solver for every element it declines ---- */

static hedge__iv_kernel_fn pick_kernel(void) {
#ifdef HEDGE__BATCH_X86
    switch (hedge__simd_level()) {
    case HEDGE__SIMD_AVX512:
        return hedge__iv_kernel_avx512;
    case HEDGE__SIMD_AVX2:
        return hedge__iv_kernel_avx2;
    default:
        break;
    }
#endif
    return hedge__iv_kernel_portable;
}

static hedge_status one(const char *fn, size_t i, double *sig, const hedge__iv_args *a) {
    if (a->black76)
        return black76_one(fn, i, sig, a->type[i], a->price[i], a->S[i], a->K[i], a->T[i], a->r[i]);
    return bsm_one(fn, i, sig, a->type[i], a->price[i], a->S[i], a->K[i], a->T[i], a->r[i], a->q[i]);
}

static hedge_status batch(const char *fn, size_t n, const hedge__iv_args *a, double *sigma, hedge_status *status) {
    hedge__iv_kernel_fn kernel = pick_kernel();
    double buf[HEDGE__IV_CHUNK];
    size_t first = SIZE_MAX;
    for (size_t begin = 0; begin < n; begin += HEDGE__IV_CHUNK) {
        size_t count = n - begin < HEDGE__IV_CHUNK ? n - begin : HEDGE__IV_CHUNK;
        kernel(a, begin, count, buf);
        for (size_t k = 0; k < count; k++) {
            size_t i = begin + k;
            double sig = buf[k];
            hedge_status st = HEDGE_OK;
            if (isnan(sig)) { /* declined: validate and solve in scalar, with the error detail */
                st = one(fn, i, &sig, a);
                if (st != HEDGE_OK) {
                    sig = NAN;
                    if (first == SIZE_MAX)
                        first = i;
                }
            }
            sigma[i] = sig;
            if (status)
                status[i] = st;
        }
    }
    if (first == SIZE_MAX)
        return HEDGE_OK;
    /* Later failures overwrote the detail; solving the first bad element again restores its message. */
    double unused;
    return one(fn, first, &unused, a);
}

HEDGE_API hedge_status hedge_implied_vol_black76_batch(size_t n, const int32_t *type, const double *price,
                                                       const double *F, const double *K, const double *T,
                                                       const double *r, double *sigma, hedge_status *status) {
    static const char fn[] = "hedge_implied_vol_black76_batch";
    if (n == 0)
        return HEDGE_OK;
    if (!type || !price || !F || !K || !T || !r)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: an input array is NULL", fn);
    if (!sigma)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: sigma is NULL", fn);
    hedge__iv_args a = {type, price, F, K, T, r, NULL, true};
    return batch(fn, n, &a, sigma, status);
}

HEDGE_API hedge_status hedge_implied_vol_bsm_batch(size_t n, const int32_t *type, const double *price,
                                                   const double *S, const double *K, const double *T,
                                                   const double *r, const double *q, double *sigma,
                                                   hedge_status *status) {
    static const char fn[] = "hedge_implied_vol_bsm_batch";
    if (n == 0)
        return HEDGE_OK;
    if (!type || !price || !S || !K || !T || !r || !q)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: an input array is NULL", fn);
    if (!sigma)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: sigma is NULL", fn);
    hedge__iv_args a = {type, price, S, K, T, r, q, false};
    return batch(fn, n, &a, sigma, status);
}
