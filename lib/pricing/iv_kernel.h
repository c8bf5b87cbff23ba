/*
 * The vectorisable implied-volatility kernel, compiled once per instruction set (iv_batch_portable.c,
 * iv_batch_avx2.c, iv_batch_avx512.c define IV_KERNEL and include this file after selecting their
 * target); implied_vol.c picks one at run time.
 *
 * It is the scalar solver of implied_vol.c made branch-free: the same reduction to the normalised
 * problem (beta, x <= 0), the same Let's-Be-Rational initial guess (every branch's rational-cubic
 * data is formed, the lane's own branch is selected, and one rational cubic is evaluated), and two
 * third-order Householder steps on the same per-branch objectives. Where the scalar solver calls
 * erfc, this one uses the Mills ratio R = N(-a)/n(a) of simd_math.h: with h = x/s, t = s/2,
 * d1 = h + t, d2 = h - t and the normalised vega v = e^{x/2} n(d1),
 *     d1 < 0 (same side):  b = v (R(-d1) - R(-d2)), the difference formed without cancellation;
 *     d1 >= 0 (straddle):  b = e^{x/2} - v (R(d1) + R(-d2)).
 * A lane is returned as NaN, for implied_vol.c to redo with the scalar solver (which also validates
 * and writes the error detail), when anything falls outside what this form does to full accuracy:
 * invalid numbers, a price at or outside a bound, a time value below 1e-300 or below 2^-44 of the
 * intrinsic value, |x| beyond 600 or
 * x == 0, the upper branch (beta > b(s_u), total volatility beyond about 2.5), a guess or step that
 * leaves the branch's bracket, a second step still larger than 2^-16 s, |d2| beyond 37 at the last
 * evaluation, or, above s = 1, a straddling b less than 1/8 of e^{x/2} (more than 3 bits of cancellation;
 * below s = 1 the straddling b comes from erf, see ik_black()).
 */
#include "pricing/iv_batch.h"
#include "pricing/simd_math.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

#ifndef IV_KERNEL
#error "define IV_KERNEL before including iv_kernel.h"
#endif

#define IK_INV_SQRT_2PI 0.398942280401432677939946059934381868
#define IK_SQRT1_2 0.707106781186547524400844362104849039
#define IK_SQRT3 1.73205080756887729352744634150587237
#define IK_TWO_PI_OVER_SQRT27 1.20919957615614523372938550509477049
#define IK_R_LINEAR 1e30
#define IK_R_FLOOR (-(1.0 - 0x1p-26))
#define REQUIRE(c) (ok = (c) ? ok : 0.0)

/* Normalised vega e^{x/2} n(x/s + s/2) = exp(-(h^2 + t^2)/2)/sqrt(2 pi), with the rounding of h = x/s
 * and of both squares carried, as hedge__iv_vega() does. */
BK_INLINE double ik_vega(double x, double s) {
    double h = x / s, hl = BK_FMA(-h, s, x) / s, t = 0.5 * s;
    double hh = h * h, hh_lo = BK_PROD_LO(h, h, hh) + 2.0 * h * hl;
    double tt = t * t, tt_lo = BK_PROD_LO(t, t, tt);
    double sum = hh + tt, bv = sum - hh;
    double sum_lo = (hh - (sum - bv)) + (tt - bv);
    return IK_INV_SQRT_2PI * bk_exp(-0.5 * sum) * (1.0 - 0.5 * (sum_lo + hh_lo + tt_lo));
}

/* erf(y) for 0 <= y <= sqrt(1/2): its Taylor series to y^29 (truncation below 2^-55 relative), whose
 * terms alternate but fall by y^2/n <= 1/2 at every step, so nothing cancels. */
BK_INLINE double ik_erf_small(double y) {
    static const double c[15] = {
        1.1283791670955126, -0.37612638903183754, 0.11283791670955126, -0.026866170645131252,
        0.005223977625442188, -0.0008548327023450853, 0.00012055332981789664, -1.492565035840625e-05,
        1.6462114365889248e-06, -1.6365844691234924e-07, 1.4807192815879218e-08, -1.2290555301717928e-09,
        9.422759064650411e-11, -6.7113668551641105e-12, 4.4632242632864775e-13,
    };
    double y2 = y * y, p = c[14];
#pragma GCC unroll 16
    for (int n = 13; n >= 0; n--)
        p = BK_FMA(p, y2, c[n]);
    return y * p;
}

/*
 * b(x, s), b_max - b and the vega v, for x < 0 and s > 0, with em = e^{x/2}, ep = e^{-x/2} and
 * sh = sinh(-x/2); *reach = |d2|, the largest argument of R. When d1 and d2 straddle 0 with s <= 1,
 * b = e^{x/2} (N(d1) - 1/2) + e^{-x/2} (1/2 - N(d2)) - sinh(-x/2), where the two erf terms outweigh the
 * sinh (|x|/2 = |h| t < t^2 against about 0.8 t): no cancellation where e^{x/2} minus the Mills terms
 * would lose everything (b small against b_max, near the money at small s). Above s = 1 a straddling b
 * is a sizeable fraction of b_max and the Mills complement serves.
 */
BK_INLINE void ik_black(double x, double s, double em, double ep, double sh, double *b, double *cmp, double *v,
                        double *reach) {
    double h = x / s, t = 0.5 * s, d1 = h + t;
    double vg = ik_vega(x, s);
    double same = d1 < 0.0 ? 1.0 : 0.0;
    double a = fabs(d1), gap = same != 0.0 ? s : -2.0 * h;
    double r_lo, r_hi, diff;
    bk_mills2(a, gap, &r_lo, &r_hi, &diff);
    double b_same = vg * diff, c_str = vg * (r_lo + r_hi);
    double small = s <= 1.0 ? 1.0 : 0.0;
    double e1 = ik_erf_small(a * IK_SQRT1_2), e2 = ik_erf_small((a + gap) * IK_SQRT1_2);
    double b_erf = BK_FMA(0.5 * em, e1, BK_FMA(0.5 * ep, e2, -sh));
    double b_str = small != 0.0 ? b_erf : em - c_str;
    *b = same != 0.0 ? b_same : b_str;
    *cmp = same != 0.0 ? em - b_same : c_str;
    *v = vg;
    *reach = a + gap;
}

/* The inverse normal distribution function for p in (0, 1/2): AS241 as in implied_vol.c, with the
 * three rational forms all evaluated and the right one selected. */
BK_INLINE double ik_inv_norm_cdf(double p) {
    double q = p - 0.5;
    double r = 0.180625 - q * q;
    double c = q *
               (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
                    4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
                 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) /
               (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
                    2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
                 4.2313330701600911252e+1) * r + 1.0);
    double pc = p > 1e-300 ? p : 1e-300; /* only the selected form must be right; keep the others finite */
    double rt = sqrt(-bk_log(pc));
    double r1 = rt - 1.6, r2 = rt - 5.0;
    double z1 = (((((((7.74545014278341407640e-4 * r1 + 2.27238449892691845833e-2) * r1 + 2.41780725177450611770e-1) * r1 +
                     1.27045825245236838258e+0) * r1 + 3.64784832476320460504e+0) * r1 + 5.76949722146069140550e+0) * r1 +
                  4.63033784615654529590e+0) * r1 + 1.42343711074968357734e+0) /
                (((((((1.05075007164441684324e-9 * r1 + 5.47593808499534494600e-4) * r1 + 1.51986665636164571966e-2) * r1 +
                     1.48103976427480074590e-1) * r1 + 6.89767334985100004550e-1) * r1 + 1.67638483018380384940e+0) * r1 +
                  2.05319162663775882187e+0) * r1 + 1.0);
    double z2 = (((((((2.01033439929228813265e-7 * r2 + 2.71155556874348757815e-5) * r2 + 1.24266094738807843860e-3) * r2 +
                     2.65321895265761230930e-2) * r2 + 2.96560571828504891230e-1) * r2 + 1.78482653991729133580e+0) * r2 +
                  5.46378491116411436990e+0) * r2 + 6.65790464350110377720e+0) /
                (((((((2.04426310338993978564e-15 * r2 + 1.42151175831644588870e-7) * r2 + 1.84631831751005468180e-5) * r2 +
                     7.86869131145613259100e-4) * r2 + 1.48753612908506148525e-2) * r2 + 1.36929880922735805310e-1) * r2 +
                  5.99832206555887937690e-1) * r2 + 1.0);
    double tail = rt <= 5.0 ? z1 : z2;
    return fabs(q) <= 0.425 ? c : -tail;
}

/* The smallest rational-cubic control parameter that keeps the shape (shape_min_r() in implied_vol.c). */
BK_INLINE double ik_shape_min_r(double w, double yl, double yr, double dl, double dr) {
    double delta = (yr - yl) / w, r = IK_R_FLOOR;
    double ratio = (dl + dr) / delta;
    double r_mono = delta != 0.0 ? (ratio > r ? ratio : r) : IK_R_LINEAR;
    double monotone = dl * delta >= 0.0 ? (dr * delta >= 0.0 ? 1.0 : 0.0) : 0.0;
    r = monotone != 0.0 ? r_mono : r;
    double convex = dl <= delta ? (delta <= dr ? 1.0 : 0.0) : 0.0;
    convex = dl >= delta ? (delta >= dr ? 1.0 : convex) : convex;
    double a = delta - dl, c = dr - delta;
    double e1 = fabs((dr - dl) / c), e2 = fabs((dr - dl) / a);
    double e = e1 > e2 ? e1 : e2;
    double r_conv = a != 0.0 ? (c != 0.0 ? (e > r ? e : r) : IK_R_LINEAR) : IK_R_LINEAR;
    return convex != 0.0 ? r_conv : r;
}

/* One third-order Householder step (householder_step() in implied_vol.c) from *s, on the objective
 * 1/ln b (lowest) or b; clears *ok when the step leaves (lo, hi). Returns the step. */
BK_INLINE double ik_step(double x, double em, double ep, double sh, double beta, double ln_beta, double lowest, double *sp, double lo,
                             double hi, double *ok, double *reach, double *straddle_small) {
    double s = *sp, b, cmp, v;
    ik_black(x, s, em, ep, sh, &b, &cmp, &v, reach);
    double h = x / s;
    double B2 = h * h / s - 0.25 * s;
    double B3 = B2 * B2 - 3.0 * (h / s) * (h / s) - 0.25;
    double L = bk_log(b), pq = v / b, k = 1.0 + 2.0 / L;
    double nu_l = (ln_beta - L) * L / (ln_beta * pq);
    double h2_l = B2 - pq * k;
    double h3_l = B3 - 3.0 * B2 * pq * k + 2.0 * pq * pq * (1.0 + 3.0 / L * (1.0 + 1.0 / L));
    double nu_m = (beta - b) / v;
    double nu = lowest != 0.0 ? nu_l : nu_m;
    double h2 = lowest != 0.0 ? h2_l : B2;
    double h3 = lowest != 0.0 ? h3_l : B3;
    double ds = nu * (1.0 + 0.5 * h2 * nu) / (1.0 + nu * (h2 + h3 * nu * (1.0 / 6.0)));
    double s_new = s + ds;
    double inside = s_new > lo ? (s_new < hi ? 1.0 : 0.0) : 0.0;
    *ok = fabs(ds) <= 4.0 * DBL_EPSILON * s ? *ok : inside != 0.0 ? *ok : 0.0;
    /* the last b decides the result: it must come from a form accurate to a few ulp, so a straddling
     * b above s = 1 (e^{x/2} minus a positive term) must not have cancelled more than 3 bits */
    *straddle_small = h + 0.5 * s >= 0.0 ? (b < 0.125 * em ? 1.0 : 0.0) : 0.0;
    *straddle_small = s > 1.0 ? *straddle_small : 0.0;
    *sp = s_new;
    return ds;
}

void IV_KERNEL(const hedge__iv_args *in, size_t begin, size_t count, double *sigma) {
    const int32_t *restrict type = in->type + begin;
    const double *restrict pp = in->price + begin, *restrict Sp = in->S + begin, *restrict Kp = in->K + begin;
    const double *restrict Tp = in->T + begin, *restrict rp = in->r + begin;
    const double *restrict qp = (in->black76 ? in->r : in->q) + begin;
    double *restrict out = sigma;
    for (size_t i = 0; i < count; i++) {
        double th = (double)type[i];
        double price = pp[i], S = Sp[i], K = Kp[i], T = Tp[i], r = rp[i], q = qp[i];
        double carry = r - q, sk = S / K;
        /* ok is a double (1 or 0) combined by selects: boolean arithmetic mixed with the branch
         * selects below makes GCC form byte-sized masks it cannot convert, and the loop stays scalar */
        double ok = 1.0;
        REQUIRE(th * th == 1.0);
        REQUIRE(price > 0.0);
        REQUIRE(price <= DBL_MAX);
        REQUIRE(S > 0.0);
        REQUIRE(S <= DBL_MAX);
        REQUIRE(K > 0.0);
        REQUIRE(K <= DBL_MAX);
        REQUIRE(T > 0.0);
        REQUIRE(T <= DBL_MAX);
        REQUIRE(fabs(r) <= DBL_MAX);
        REQUIRE(fabs(q) <= DBL_MAX);
        REQUIRE(sk >= DBL_MIN);
        REQUIRE(sk <= DBL_MAX);
        REQUIRE(fabs(r * T) <= 700.0);
        REQUIRE(fabs(carry * T) <= 700.0);

        /* ---- the price to the normalised problem, as solve() in implied_vol.c ---- */
        double rT = r * T;
        double sk_lo = (S - sk * K - BK_PROD_LO(sk, K, sk * K)) / K; /* S/K = sk + sk_lo */
        double xs = bk_log(sk) + sk_lo / sk + carry * T;               /* ln(F/K) without forming F */
        double D = bk_exp(-rT);
        double F = S * bk_exp(carry * T);
        double p = price / D;
        double upper = th > 0.0 ? F : K;
        double itm = th * xs > 0.0 ? 1.0 : 0.0;
        double intrinsic = th * (fabs(xs) < 0.5 ? K * D * bk_expm1(xs) : K * (bk_exp(xs - rT) - D));
        intrinsic = itm != 0.0 ? intrinsic : 0.0;
        double norm = K * bk_exp(0.5 * xs - rT);
        double beta = (price - intrinsic) / norm;
        double gap = D * (upper - p) / norm;
        REQUIRE(p < upper);
        REQUIRE(beta > 1e-300);
        /* a time value within a few hundred ulp of the intrinsic value is left to the scalar solver: the
         * intrinsic value here (bk_expm1, bk_exp) may differ from the scalar one by an ulp or two, which
         * would decide between a volatility and none */
        REQUIRE(price - intrinsic > 0x1p-44 * intrinsic);
        REQUIRE(gap > 0.0);
        REQUIRE(fabs(xs) <= 600.0);
        REQUIRE(xs != 0.0);

        /* ---- the initial guess ---- */
        double x = -fabs(xs), ax = -x;
        double em = bk_exp(0.5 * x), ep = bk_exp(-0.5 * x);
        double sh = 0.5 * (bk_expm1(-0.5 * x) - bk_expm1(0.5 * x)); /* sinh(-x/2), two positive terms */
        double s_c = sqrt(-2.0 * x);
        double b_c, c_c, v_unused, reach;
        ik_black(x, s_c, em, ep, sh, &b_c, &c_c, &v_unused, &reach);
        double v_c = IK_INV_SQRT_2PI * em;
        double s_l = s_c - b_c / v_c;
        double s_u = s_c + (em - b_c) / v_c;
        double b_l, c_l, v_l, b_u, c_u, v_u;
        ik_black(x, s_l, em, ep, sh, &b_l, &c_l, &v_l, &reach);
        ik_black(x, s_u, em, ep, sh, &b_u, &c_u, &v_u, &reach);
        double lowest = beta < b_l ? 1.0 : 0.0;
        /* the lower middle branch where not lowest; kept a separate test (not beta >= b_l as well), since
         * correlated conditions let GCC merge the selects into multi-way phis it cannot if-convert */
        double mid_lo = beta <= b_c ? 1.0 : 0.0;
        REQUIRE(beta <= b_u); /* the upper branch is left to the scalar solver */
        REQUIRE(s_l > 0.0);

        /* the lower map f = c |x| N(-z)^3, z = |x|/(sqrt3 s), at s_l, and its derivatives in b */
        double z = ax / (IK_SQRT3 * s_l);
        /* a product, not a logical and: GCC would fold that into byte-sized masks it cannot convert */
        REQUIRE(lowest * (z <= 37.0 ? 0.0 : 1.0) == 0.0);
        double zc = z < 37.0 ? z : 37.0;
        double phi = IK_INV_SQRT_2PI * bk_exp(-0.5 * zc * zc);
        double Phi = phi * bk_mills1(zc), cm = IK_TWO_PI_OVER_SQRT27 * ax;
        double hl_ = x / s_l;
        double B2_l = hl_ * hl_ / s_l - 0.25 * s_l;
        double fs = 3.0 * cm * Phi * Phi * phi * z / s_l;
        double fss = cm * phi * z * (6.0 * Phi * phi * z + 3.0 * Phi * Phi * (z * z - 2.0)) / (s_l * s_l);
        double f_l = cm * Phi * Phi * Phi, fb_l = fs / v_l, fbb_l = (fss - fs * B2_l) / (v_l * v_l);

        /* the branch's rational-cubic data: [left node, right node], values, slopes, fitted end */
        double w = lowest != 0.0 ? b_l : mid_lo != 0.0 ? b_c - b_l : b_u - b_c;
        double yl = lowest != 0.0 ? 0.0 : mid_lo != 0.0 ? s_l : s_c;
        double yr = lowest != 0.0 ? f_l : mid_lo != 0.0 ? s_c : s_u;
        double inv_vl = 1.0 / v_l, inv_vc = 1.0 / v_c, inv_vu = 1.0 / v_u;
        double dl = lowest != 0.0 ? 1.0 : mid_lo != 0.0 ? inv_vl : inv_vc;
        double dr = lowest != 0.0 ? fb_l : mid_lo != 0.0 ? inv_vc : inv_vu;
        double d2 = lowest != 0.0 ? fbb_l : 0.0;
        double t = (beta - (lowest != 0.0 ? 0.0 : mid_lo != 0.0 ? b_l : b_c)) / w;
        double delta = (yr - yl) / w;
        double r_fit = (0.5 * w * d2 + (dr - dl)) / (mid_lo != 0.0 ? dr - delta : delta - dl);
        double r_min = ik_shape_min_r(w, yl, yr, dl, dr);
        double rc = r_fit > r_min ? r_fit : r_min; /* a NaN fit gives way to the shape's bound */
        double omt = 1.0 - t;
        double num = yr * t * t * t + (rc * yr - w * dr) * t * t * omt + (rc * yl + w * dl) * t * omt * omt +
                     yl * omt * omt * omt;
        double y = rc < IK_R_LINEAR ? num / (1.0 + (rc - 3.0) * t * omt) : yr * t + yl * omt;
        double f_low = y > 0.0 ? y : (f_l * t + b_l * omt) * t;
        double pcb = bk_exp(bk_log(f_low / cm) * (1.0 / 3.0)); /* cbrt */
        double s_low = ax / (IK_SQRT3 * -ik_inv_norm_cdf(pcb));
        double s = lowest != 0.0 ? s_low : y;
        double straddle_small;
        double lo = lowest != 0.0 ? 0.0 : mid_lo != 0.0 ? s_l : s_c;
        double hi = lowest != 0.0 ? s_l : mid_lo != 0.0 ? s_c : s_u;
        lo *= 1.0 - 0x1p-16;
        hi *= 1.0 + 0x1p-16;
        REQUIRE(s > lo);
        REQUIRE(s < hi);

        /* ---- two Householder steps: objective 1/ln b on the lowest branch, b elsewhere ---- */
        double ln_beta = bk_log(beta);
        double ds1 = ik_step(x, em, ep, sh, beta, ln_beta, lowest, &s, lo, hi, &ok, &reach, &straddle_small);
        double ds = ik_step(x, em, ep, sh, beta, ln_beta, lowest, &s, lo, hi, &ok, &reach, &straddle_small);
        double ds_prev = ds1;
        REQUIRE(reach <= 37.0);
        REQUIRE(straddle_small == 0.0);
        double ratio = ds / ds_prev;
        double settled = fabs(ds) * (ratio * ratio) * (ratio * ratio) <= 0.5 * DBL_EPSILON * s ? 1.0 : 0.0;
        settled = fabs(ds) <= 0x1p-16 * s ? 1.0 : settled;
        REQUIRE(settled != 0.0);
        double sig = s / sqrt(T);
        REQUIRE(sig > 0.0);
        REQUIRE(sig <= DBL_MAX);
        out[i] = ok != 0.0 ? sig : NAN;
    }
}
