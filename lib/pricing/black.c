#include "pricing/black.h"
#include "pricing/wide.h"

#include "core/internal.h"
#include "core/normal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SQRT1_2 0.707106781186547524400844362104849039

/*
 * Moments M_k(z) = int_0^inf w^k exp(-2 z w - w^2) dw, k = 0..kmax, for z >= 0.
 *
 * They satisfy M_{k+1} = (k/2) M_{k-1} - z M_k with M_0 = (sqrt(pi)/2) erfcx(z). The moments are
 * the minimal solution of that recurrence. For z >= FORWARD_Z they come from a backward (Miller)
 * recurrence normalised by M_0, started where the dominant solution's contamination
 * exp(-2 z (sqrt(2K) - sqrt(2k))) is below 2^-55. Below FORWARD_Z the forward recurrence loses at
 * most a few bits on the first moments, and the series weights the later ones by (u/z)^2 per step
 * or less, so their larger errors do not reach the sum.
 */
#define FORWARD_Z 2.0
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void moments(double *m, int kmax, double z) {
    double m0 = 0.5 * HEDGE__SQRT_PI * hedge__erfcx_fast(z);
    if (z < FORWARD_Z) {
        m[0] = m0;
        m[1] = 0.5 - z * m0;
        for (int k = 1; k < kmax; k++)
            m[k + 1] = 0.5 * k * m[k - 1] - z * m[k];
        return;
    }
    for (int k = 0; k <= kmax; k++) /* all set below (start > kmax); this only informs the compiler */
        m[k] = 0.0;
    double root = sqrt(2.0 * kmax) + 19.0 / z;
    int start = (int)(0.5 * root * root) + 2;
    double above = 0.0, here = 1.0; /* M_{k+1}, M_k up to a common factor */
    int k = start;
    for (; k > 1; k -= 2) {
        /* two moments per round, both from (M_{k+1}, M_k), side by side:
         *   M_{k-1} = (2/k) (M_{k+1} + z M_k),
         *   M_{k-2} = (2/(k-1)) (M_k + z M_{k-1}) = (2/(k-1)) ((1 + 2z^2/k) M_k + (2z/k) M_{k+1}) */
        double ck = 2.0 / k, ck1 = 2.0 / (k - 1);
        double below = ck * (above + z * here);                                      /* M_{k-1} */
        double below2 = ck1 * ((1.0 + z * z * ck) * here + (z * ck) * above);          /* M_{k-2} */
        above = below;
        here = below2;
        if (k - 1 <= kmax)
            m[k - 1] = above;
        if (k - 2 <= kmax)
            m[k - 2] = here;
        /* M_k falls like 1/Gamma(k/2) going down for small z and grows like z^-k for large z:
         * rescale the unnormalised solution, and what is already stored, to stay in range (a pair
         * moves by at most 1e10 on that scale, well inside the 1e100 of margin) */
        double f = fabs(here) < 1e-200 ? 1e200 : fabs(here) > 1e200 ? 1e-200 : 1.0;
        if (f != 1.0) {
            above *= f;
            here *= f;
            for (int j = k - 2; j <= kmax; j++)
                if (j >= 0)
                    m[j] *= f;
        }
    }
    if (k == 1) /* an odd count: the last moment alone */
        m[0] = 2.0 * (above + z * here);
    double scale = m0 / m[0];
    for (int j = 0; j <= kmax; j++)
        m[j] *= scale;
}

/*
 * b(h s, s) for h < 0 and t = s/2 small against max(1, |h|), where the difference of the two terms
 * of b would cancel. With z = -h/sqrt(2) and u = t/sqrt(2),
 *     b = (1/2) e^{-(h^2+t^2)/2} (erfcx(z - u) - erfcx(z + u))
 *       = (2/sqrt(pi)) e^{-(h^2+t^2)/2} int_0^inf exp(-2 z w - w^2) sinh(2 u w) dw,
 * and expanding sinh gives a series of positive terms sum_m (2u)^{2m+1}/(2m+1)! M_{2m+1}(z).
 */
/*
 * exp(-(h^2 + t^2)/2) where h + hl is the exact quotient x/s: the factor's relative error would be
 * h^2 times that of h (1e-13 at h = -37) if the rounding of h and of the squares were ignored.
 */
static double gauss2(double h, double hl, double t) {
    if (!(fabs(h) < 40.0 && t < 40.0))
        return 0.0; /* underflows; h * h could also overflow */
    double hh = h * h, hh_lo = hedge__prod_lo(h, h, hh) + 2.0 * h * hl;
    double tt = t * t, tt_lo = hedge__prod_lo(t, t, tt);
    return exp(-0.5 * hh) * exp(-0.5 * tt) * (1.0 - 0.5 * (hh_lo + tt_lo));
}

#define SERIES_TERMS 12

/* Terms the series needs for 2^-60: consecutive terms shrink by (2u)^2 M_{k+2} / (M_k (k+2)(k+3)),
 * and M_{k+2}/M_k lies below both (k+1)/2 (its value at z = 0) and (k+1)(k+2)/(4 z^2). */
/* 1/((2n + 1)(2n + 2)) for n = 0 .. SERIES_TERMS: the ratios of consecutive factorials as products,
 * so that neither loop below waits on a division per term. */
static const double inv_odd_pair[SERIES_TERMS + 1] = {
    1.0 / 2, 1.0 / 12, 1.0 / 30, 1.0 / 56, 1.0 / 90, 1.0 / 132, 1.0 / 182,
    1.0 / 240, 1.0 / 306, 1.0 / 380, 1.0 / 462, 1.0 / 552, 1.0 / 650,
};

/* 1/((2i + 2)(2i + 3)) for i = 0 .. SERIES_TERMS, the same for the series' coefficients. */
static const double inv_even_pair[SERIES_TERMS + 1] = {
    1.0 / 6, 1.0 / 20, 1.0 / 42, 1.0 / 72, 1.0 / 110, 1.0 / 156, 1.0 / 210,
    1.0 / 272, 1.0 / 342, 1.0 / 420, 1.0 / 506, 1.0 / 600, 1.0 / 702,
};

static int series_terms(double z, double u) {
    double s4 = 4.0 * u * u, prod = 1.0, inv_4z2 = 0.25 / (z * z);
    int n = 1;
    for (; n < SERIES_TERMS; n++) {
        double k = 2.0 * n - 1.0;
        double at_zero = 0.5 * (k + 1.0), large_z = (k + 1.0) * (k + 2.0) * inv_4z2;
        double growth = at_zero < large_z ? at_zero : large_z;
        prod *= s4 * growth * inv_odd_pair[n]; /* (k + 2)(k + 3) = (2n + 1)(2n + 2) */
        if (prod < 0x1p-60)
            break;
    }
    return n + 1; /* one more than the estimate: the loop below stops on the actual terms */
}

/* The series without its Gaussian factor: b = g series_sum(h, t) with g = exp(-(h^2 + t^2)/2). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline double series_sum(double h, double t) {
    double z = -h * SQRT1_2, u = t * SQRT1_2;
    if (z > 1e8) {
        /* Only the wide path gets here (the factor g of such an h underflows in a double). M_k(z) is
         * k!/(2z)^{k+1} to a relative O(k^2/z^2), which makes the series geometric in (u/z)^2 (u < z/16):
         * sum = u / (2 (z - u)(z + u)), without the moments, whose recurrence would overflow. */
        return (1.0 / HEDGE__SQRT_PI) * (u / (z - u)) / (z + u);
    }
    double two_u = 2.0 * u, sq = two_u * two_u;
    double c = two_u, sum = 0.0;
    if (z < FORWARD_Z) {
        /* The forward recurrence needs no term count in advance: it runs alongside the sum, two
         * moments per term, as far as the terms matter (the same arithmetic as moments()). */
        double m_prev = 0.5 * HEDGE__SQRT_PI * hedge__erfcx_fast(z), m_k = 0.5 - z * m_prev; /* M_0, M_1 */
        double z2 = z * z;
        for (int i = 0; i <= SERIES_TERMS; i++) {
            int k = 2 * i + 1;
            double term = c * m_k;
            sum += term;
            if (term <= 0x1p-60 * sum)
                break;
            c *= sq * inv_even_pair[i]; /* (k + 1)(k + 2) = (2i + 2)(2i + 3) */
            /* M_{k+1} and M_{k+2} both from (M_{k-1}, M_k), side by side rather than one after the
             * other: M_{k+2} = ((k+1)/2) M_k - z M_{k+1} = ((k+1)/2 + z^2) M_k - (k z/2) M_{k-1}. The same
             * accuracy (20 ulp at worst, next to z = 2, either way, against 113 bits), half the latency. */
            double m_next = 0.5 * k * m_prev - z * m_k;                       /* M_{k+1} */
            double m_next2 = (0.5 * (k + 1) + z2) * m_k - (0.5 * k * z) * m_prev; /* M_{k+2} */
            m_prev = m_next;
            m_k = m_next2;
        }
        return (2.0 / HEDGE__SQRT_PI) * sum;
    }
    int terms = series_terms(z, u);
    double m[2 * SERIES_TERMS + 1];
    moments(m, 2 * terms, z);
    for (int i = 0; i < terms; i++) {
        int k = 2 * i + 1;
        double term = c * m[k];
        sum += term;
        if (term <= 0x1p-60 * sum)
            break;
        c *= sq * inv_even_pair[i]; /* (k + 1)(k + 2) = (2i + 2)(2i + 3) */
    }
    return (2.0 / HEDGE__SQRT_PI) * sum;
}

static double otm_series(double h, double t, double g) {
    if (g == 0.0)
        return 0.0; /* the value underflows; the moments would overflow for |h| beyond 1e12 */
    return g * series_sum(h, t);
}

/* g < 0: not supplied, formed here. */
static double black_otm(double x, double s, double g) {
    x = -fabs(x);
    if (!(s > 0.0))
        return 0.0;
    if (x == 0.0)
        return erf(s * (0.5 * SQRT1_2)); /* 2 N(s/2) - 1 without the subtraction */
    double h = x / s, t = 0.5 * s;
    double z = -h * SQRT1_2, u = t * SQRT1_2;
    /* The two terms of b differ by a relative amount of about 2u / max(1, z); below 1/8 the
     * subtraction would lose more than three bits, and the series converges by (u/z)^2 < 2^-8. */
    if (g < 0.0 && (16.0 * u < fmax(1.0, z) || h + t < 0.0)) {
        double hl = hedge__div_residual(x, h, s) / s; /* x/s = h + hl exactly to first order */
        g = gauss2(h, hl, t);
    }
    if (16.0 * u < fmax(1.0, z))
        return otm_series(h, t, g);
    if (h + t < 0.0) {
        /* Both terms in the lower tail: the scaled form cannot overflow or underflow early. */
        double a = hedge__erfcx_fast(z - u), c = hedge__erfcx_fast(z + u);
        return 0.5 * g * (a - c);
    }
    double lower = hedge__norm_cdf(h - t);
    double upper = exp(0.5 * x) * hedge__norm_cdf(h + t);
    return lower == 0.0 ? upper : upper - exp(-0.5 * x) * lower;
}

double hedge__black_otm(double x, double s) { return black_otm(x, s, -1.0); }

double hedge__black_otm_g(double x, double s, double g) {
    /* a g that underflowed or lost its way (|h| beyond 1e154) is formed again, with gauss2's guards */
    return black_otm(x, s, g > 0.0 && g <= 1.0 ? g : -1.0);
}

double hedge__black_otm_scaled(double x, double s, double L[2], bool *gaussian) {
    x = -fabs(x);
    double h = x / s, t = 0.5 * s;
    double z = -h * SQRT1_2, u = t * SQRT1_2;
    bool series = 16.0 * u < fmax(1.0, z);
    *gaussian = series || h + t < 0.0;
    if (*gaussian) {
        /* the branches of black_otm() that carry the Gaussian factor: it becomes the exponent */
        if (!(fabs(h) < 1e154)) { /* h^2 overflows: e^{-h^2/2} is below any scale a price can have */
            L[0] = -INFINITY;
            L[1] = 0.0;
            return 0.0;
        }
        double hl = hedge__div_residual(x, h, s) / s; /* x/s = h + hl */
        double hh = h * h, hh_lo = hedge__prod_lo(h, h, hh) + 2.0 * h * hl;
        double tt = t * t, tt_lo = hedge__prod_lo(t, t, tt);
        double sum = hh + tt, bv = sum - hh, sum_lo = (hh - (sum - bv)) + (tt - bv);
        L[0] = -0.5 * sum;
        L[1] = -0.5 * (sum_lo + hh_lo + tt_lo);
        if (series)
            return series_sum(h, t);
        return 0.5 * (hedge__erfcx_fast(z - u) - hedge__erfcx_fast(z + u));
    }
    /* d1 = h + t >= 0 > d2 = h - t: b = e^{x/2} N(d1) - e^{-x/2} N(d2), and e^{-x} N(d2) =
     * e^{-x} n(d2) R(-d2) = n(d1) R(-d2) with the Mills ratio R(a) = N(-a)/n(a) = sqrt(pi/2) erfcx(a/sqrt2):
     * both terms bounded by 1 whatever the size of x. */
    L[0] = 0.5 * x;
    L[1] = 0.0;
    double d1 = h + t, a = t - h;
    double mills = 0.5 * HEDGE__SQRT_2PI * hedge__erfcx_fast(a * SQRT1_2);
    return hedge__norm_cdf(d1) - hedge__norm_pdf(d1) * mills;
}

double hedge__black_normalised(double x, double s, int theta) {
    double otm = hedge__black_otm(x, s);
    /* In the money the value is the intrinsic e^{x/2} - e^{-x/2} (signed) plus the out-of-the-money
     * value at -|x|, by put-call parity: the two parts add, nothing cancels. */
    if (theta * x > 0.0)
        otm += fabs(2.0 * sinh(0.5 * x));
    return otm;
}


double hedge__black_intrinsic(double x, double K, int theta, double rT) {
    return theta * x > 0.0 ? hedge__black_intrinsic_d(x, K, theta, rT, exp(-rT)) : 0.0;
}

/*
 * K e^{x/2 - rT} b(x, s) once b(x, s) itself has fallen below DBL_MIN (and so lost its bits or become 0):
 * the factor may still lift the product into the normal range (a strike of 1e100, or rT = -300).
 * b <= e^{-(h^2 + t^2)/2} there, which decides from two exponentials whether the product can reach
 * e^{-800}; only then is b formed again with its Gaussian factor kept as an exponent.
 */
static double otm_tail(double x, double K, double s, double rT) {
    double h = x / s, t = 0.5 * s, e = 0.5 * (h * h + t * t);
    double a = 0.5 * x - rT;
    /* ln K < (exponent of K + 1) ln 2, from the bits (K is normal here): most tails end here, before
     * any exponential (they did in one comparison with b = 0 before, and the far wings are common) */
    uint64_t kb;
    memcpy(&kb, &K, sizeof kb);
    double ln_k_above = ((double)(int)((kb >> 52) & 0x7ff) - 1022.0) * 0.69314718055994531;
    if (x == 0.0 || !(e - 800.0 < ln_k_above + a))
        return 0.0;
    double L[2];
    bool gaussian;
    double m = hedge__black_otm_scaled(x, s, L, &gaussian);
    hedge__xd p = hedge__xd_mul(hedge__xd_mul(hedge__xd_of(K), hedge__xd_of(m)), hedge__xd_exp(a));
    return hedge__xd_double(hedge__xd_mul(p, hedge__xd_mul(hedge__xd_exp(L[0]), hedge__xd_exp(L[1]))));
}

double hedge__black_value(double x, double K, double s, int theta, double rT) {
    /* intrinsic plus the out-of-the-money value e^{-rT} sqrt(F K) b, with sqrt(F K) = K e^{x/2} */
    double intrinsic = hedge__black_intrinsic(x, K, theta, rT);
    double otm = hedge__black_otm(x, s);
    if (otm < DBL_MIN)
        return intrinsic + otm_tail(x, K, s, rT);
    return intrinsic + K * exp(0.5 * x - rT) * otm;
}


hedge_status hedge__check_option(const char *fn, size_t index, int theta, double S, double K, double T, double r,
                                 double q, double sigma) {
    /* Valid arguments, the common case, cost comparisons only: the batch kernels call this for
     * every element they hand to the scalar path, and formatting the element's index first was
     * most of that call's time. The checks below repeat these conditions one by one to say which
     * failed. */
    if ((theta == 1 || theta == -1) && S > 0.0 && isfinite(S) && K > 0.0 && isfinite(K) && T >= 0.0 &&
        isfinite(T) && fabs(r) <= HEDGE__MAX_EXPONENT && fabs(r * T) <= HEDGE__MAX_EXPONENT &&
        fabs(q) <= HEDGE__MAX_EXPONENT && fabs(q * T) <= HEDGE__MAX_EXPONENT && sigma >= 0.0 && isfinite(sigma))
        return HEDGE_OK;
    char where[40] = "";
    if (index != SIZE_MAX)
        snprintf(where, sizeof where, " (element %zu)", index);
    if (theta != 1 && theta != -1)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s%s: option type must be call (1) or put (-1), got %d",
                           fn, where, theta);
    if (!(S > 0.0) || !isfinite(S))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: underlying price must be finite and > 0, got %g", fn,
                           where, S);
    if (!(K > 0.0) || !isfinite(K))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: strike must be finite and > 0, got %g", fn, where, K);
    if (!(T >= 0.0) || !isfinite(T))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: time to expiry must be finite and >= 0, got %g", fn,
                           where, T);
    if (!isfinite(r))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: rate must be finite, got %g", fn, where, r);
    if (!isfinite(q))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: yield must be finite, got %g", fn, where, q);
    /* pricing.h's limit on the exponents: the wide path holds e^{-rT} as 2^k m with k up to 1.44 |rT|
     * in a double, and adds two such exponents (e^{-rT} e^{-d2^2/2}); |r|, |q| <= 2^1022 keeps the
     * carry r - q finite, and |rT|, |qT| <= 2^1022 the log-moneyness ln(S/K) + (r - q)T. */
    if (!(fabs(r) <= HEDGE__MAX_EXPONENT) || !(fabs(r * T) <= HEDGE__MAX_EXPONENT))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: rate %g or rate times time %g is beyond +-2^1022", fn,
                           where, r, r * T);
    if (!(fabs(q) <= HEDGE__MAX_EXPONENT) || !(fabs(q * T) <= HEDGE__MAX_EXPONENT))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: yield %g or yield times time %g is beyond +-2^1022", fn,
                           where, q, q * T);
    if (!(sigma >= 0.0) || !isfinite(sigma))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s%s: volatility must be finite and >= 0, got %g", fn, where,
                           sigma);
    return HEDGE_OK;
}

/* sigma sqrt(T) == 0: the limits, see the contract in pricing.h. */
static void degenerate(hedge_greeks *g, int theta, double S, double K, double T, double r, double q, double b,
                       double dfq, double dfr, double x, bool black76) {
    double w = theta * x > 0.0 ? 1.0 : x == 0.0 ? 0.5 : 0.0; /* weight of the in-the-money side */
    bool kink = x == 0.0;
    double vega_atm = S * dfq * sqrt(T) * HEDGE__INV_SQRT_2PI;
    g->price = theta * x > 0.0 ? theta * (fabs(x) < 0.5 ? K * dfr * expm1(x) : S * dfq - K * dfr) : 0.0;
    g->delta = theta * dfq * w;
    g->gamma = 0.0;
    g->vega = kink ? vega_atm : 0.0;
    g->theta = w * theta * (q * S * dfq - r * K * dfr);
    g->carry_rho = w * theta * T * S * dfq;
    g->rho = black76 ? -T * g->price : w * theta * T * K * dfr;
    /* At the kink with T > 0 (sigma = 0), vanna and veta have finite limits as sigma -> 0, and
     * charm too when b = 0; every other second- and third-order Greek diverges there or tends
     * to 0, and is reported as 0. Off the kink all of them tend to 0 except charm = q delta. */
    g->vanna = kink ? 0.5 * dfq * sqrt(T) * HEDGE__INV_SQRT_2PI : 0.0;
    g->volga = 0.0;
    g->charm = kink && b != 0.0 ? 0.0 : q * g->delta;
    g->veta = kink && T > 0.0 ? vega_atm * (r - 0.5 * b - 0.5 / T) : 0.0;
    g->speed = g->zomma = g->color = 0.0;
    g->dual_delta = -theta * dfr * w;
    g->dual_gamma = 0.0;
}

/* The kernel in doubles, for ordinary inputs (hedge__ordinary_inputs()). */
static void kernel(hedge_greeks *g, int theta, double S, double K, double T, double r, double q, double b,
                   double sigma, bool black76) {
    double sqrt_t = sqrt(T);
    double v = sigma * sqrt_t;
    double x = hedge__log_moneyness(S, K) + b * T; /* ln(F/K) without forming F */
    double dfr = exp(-r * T), dfq = exp(-q * T);
    if (!(v > 0.0)) {
        degenerate(g, theta, S, K, T, r, q, b, dfq, dfr, x, black76);
        return;
    }
    double d1 = x / v + 0.5 * v, d2 = x / v - 0.5 * v;
    double nd1 = hedge__norm_pdf(d1), nd2 = hedge__norm_pdf(d2);
    double cd1 = hedge__norm_cdf(theta * d1), cd2 = hedge__norm_cdf(theta * d2);
    double sfq = S * dfq; /* = F e^{-rT} */

    /* The value comes from the normalised Black function: F N(d1) - K N(d2) cancels in the wings. */
    double otm = hedge__black_otm(x, v);
    /* e^{-rT} K e^{x/2} in one exponential: each factor alone can overflow when the other underflows */
    double price = otm < DBL_MIN ? otm_tail(x, K, v, r * T) : K * exp(0.5 * x - r * T) * otm;
    if (theta * x > 0.0) /* near the money K e^{-rT} expm1(x) keeps its digits; far away it may overflow */
        price += theta * (x < 0.5 ? K * dfr * expm1(x) : sfq - K * dfr);
    g->price = price;

    g->delta = theta * dfq * cd1;
    g->dual_delta = -theta * dfr * cd2;
    g->carry_rho = theta * T * sfq * cd1;
    g->rho = black76 ? -T * price : theta * T * K * dfr * cd2;
    if (nd1 == 0.0) {
        /* Every remaining Greek carries the density, which underflowed; the formulas would
         * multiply 0 by unbounded d1 d2 / sigma. */
        g->gamma = g->vega = g->vanna = g->volga = g->veta = g->speed = g->zomma = g->color = 0.0;
        g->theta = r * price - theta * b * sfq * cd1;
        g->charm = theta * q * dfq * cd1;
        g->dual_gamma = nd2 == 0.0 ? 0.0 : dfr * nd2 / (K * v);
        return;
    }
    double gamma = dfq * nd1 / (S * v);
    double vega = sfq * nd1 * sqrt_t;
    double dd1_dT = b / v - d2 / (2.0 * T); /* d(d1)/dT, since b/(sigma sqrt T) = b / v */
    g->gamma = gamma;
    g->vega = vega;
    /* theta = -dV/dT = r V - b F e^{-rT} N(theta d1) theta - F e^{-rT} n(d1) sigma / (2 sqrt T): using
     * the accurate V avoids the cancellation of q S N(d1) against r K N(d2) in the wings. */
    g->theta = r * price - theta * b * sfq * cd1 - sfq * nd1 * sigma / (2.0 * sqrt_t);
    g->vanna = -dfq * nd1 * d2 / sigma;
    g->volga = vega * d1 * d2 / sigma;
    g->charm = theta * q * dfq * cd1 - dfq * nd1 * dd1_dT;
    g->veta = vega * (q + d1 * b / v - (1.0 + d1 * d2) / (2.0 * T));
    g->speed = -gamma / S * (d1 / v + 1.0);
    g->zomma = gamma * (d1 * d2 - 1.0) / sigma;
    g->color = gamma * (q + d1 * b / v + (1.0 - d1 * d2) / (2.0 * T));
    g->dual_gamma = dfr * nd2 / (K * v);
}

/* Out of line, so that the ordinary path does not carry the wide one's frame. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static void wide(hedge_greeks *g, int theta, double S, double K, double T, double r, double q, double b, double sigma,
                 bool black76) {
    hedge__xgreeks w;
    hedge__bsm_kernel_wide(&w, theta, S, K, T, r, q, b, sigma, black76);
    hedge__xgreeks_double(g, &w);
}

bool hedge__bsm_kernel(hedge_greeks *g, int theta, double S, double K, double T, double r, double q, double b,
                       double sigma, bool black76) {
    if (HEDGE_LIKELY(hedge__ordinary_inputs(S, K, T, sigma, r, q, r * T, q * T))) {
        kernel(g, theta, S, K, T, r, q, b, sigma, black76);
        return true;
    }
    wide(g, theta, S, K, T, r, q, b, sigma, black76);
    return false;
}
