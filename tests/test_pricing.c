/*
 * Pricing kernels (pricing.h) against references that do not share code with the library:
 *  - a 113-bit evaluation of the textbook formulas (Haug 2007, ch. 1-2, generalised BSM);
 *  - Richardson-extrapolated finite differences of the library's own price, which check the
 *    definitions and sign conventions of every Greek rather than their algebra;
 *  - put-call parity and published values;
 *  - the limits and the invalid-input behaviour that pricing.h documents.
 * Set HEDGE_TEST_VERBOSE=1 to print the worst errors measured by each sweep.
 */
#include "core/normal.h"
#include "pricing/black.h"
#include "suites.h"
#include "support/testutil.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HEDGE_HAVE_QUADMATH
#include <quadmath.h>
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static bool verbose(void) {
    const char *v = getenv("HEDGE_TEST_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

/* Valgrind runs the suite some 50 times slower: the sweeps then visit every k-th point only. */
static int sweep_stride(void) { return getenv("HEDGE_UNDER_VALGRIND") ? 7 : 1; }

/* The Greeks as an array, in the order of the struct, so sweeps can loop over them. */
enum { G_PRICE, G_DELTA, G_GAMMA, G_VEGA, G_THETA, G_RHO, G_CARRY_RHO, G_VANNA, G_VOLGA, G_CHARM, G_VETA,
       G_SPEED, G_ZOMMA, G_COLOR, G_DUAL_DELTA, G_DUAL_GAMMA, G_COUNT };
static const char *const greek_name[G_COUNT] = {"price", "delta", "gamma", "vega", "theta", "rho", "carry_rho",
                                                "vanna", "volga", "charm", "veta", "speed", "zomma", "color",
                                                "dual_delta", "dual_gamma"};

static void greeks_to_array(double out[G_COUNT], const hedge_greeks *g) {
    const double *f = &g->price;
    for (int i = 0; i < G_COUNT; i++)
        out[i] = f[i];
}

/* The fields really are contiguous doubles after struct_size; the array view above depends on it. */
_Static_assert(offsetof(hedge_greeks, dual_gamma) - offsetof(hedge_greeks, price) == 15 * sizeof(double),
               "hedge_greeks layout");

static hedge_greeks bsm(hedge_option_type type, double S, double K, double T, double r, double q, double sigma) {
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_bsm_greeks(&g, type, S, K, T, r, q, sigma), HEDGE_OK);
    return g;
}

static hedge_greeks b76(hedge_option_type type, double F, double K, double T, double r, double sigma) {
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_black76_greeks(&g, type, F, K, T, r, sigma), HEDGE_OK);
    return g;
}

static double bsm_price(hedge_option_type type, double S, double K, double T, double r, double q, double sigma) {
    double p = NAN;
    ck_assert_status(hedge_bsm_price(&p, type, S, K, T, r, q, sigma), HEDGE_OK);
    return p;
}

static double b76_price(hedge_option_type type, double F, double K, double T, double r, double sigma) {
    double p = NAN;
    ck_assert_status(hedge_black76_price(&p, type, F, K, T, r, sigma), HEDGE_OK);
    return p;
}

/*
 * The natural size of each Greek at a point: the sum of the magnitudes of the terms of its textbook
 * formula, with the density n(d) replaced by its maximum n(0) and every |d1|, |d2| by
 * D = |ln(F/K)|/v + v/2, which bounds both without cancellation.
 *
 * "Not tiny" means |value| >= 1e-2 scale. A Greek whose value is a smaller fraction of its terms
 * either sits next to one of its zeros (vanna at d2 = 0, volga at d1 d2 = 0, veta and color where
 * 1 + d1 d2 or 1 - d1 d2 cancels, theta where its terms balance), where no double evaluation of the
 * formula resolves more than a few ulp of the largest term, or it is a density deep in a tail. The
 * comparison is therefore |got - ref| <= tol (|ref| + 1e-2 scale): relative where the value is not
 * tiny, and an absolute bound of 1e-15 scale (5 ulp of the largest term at tol = 1e-13) below.
 * The tails of the Greeks that are one product (no sum of terms) are checked relative to their own
 * value separately, see single_term.
 */
static void greek_scales(double sc[G_COUNT], bool black76, double S, double K, double T, double r, double q,
                         double sigma) {
    const double n0 = 0.3989422804014327;
    double b = black76 ? 0.0 : r - q;
    double dfr = exp(-r * T), dfq = exp(-(r - b) * T), v = sigma * sqrt(T);
    double D = fabs(log(S / K) + b * T) / v + 0.5 * v;
    double gamma = dfq * n0 / (S * v), vega = S * dfq * sqrt(T) * n0;
    sc[G_PRICE] = S * dfq + K * dfr;
    sc[G_DELTA] = dfq;
    sc[G_GAMMA] = gamma;
    sc[G_VEGA] = vega;
    sc[G_THETA] = S * dfq * n0 * sigma / (2 * sqrt(T)) + fabs(b - r) * S * dfq + fabs(r) * K * dfr;
    sc[G_RHO] = black76 ? T * sc[G_PRICE] : T * K * dfr;
    sc[G_CARRY_RHO] = T * S * dfq;
    sc[G_VANNA] = dfq * n0 * D / sigma;
    sc[G_VOLGA] = vega * D * D / sigma;
    sc[G_CHARM] = dfq * (n0 * (fabs(b) / v + D / (2 * T)) + fabs(b - r));
    sc[G_VETA] = vega * (fabs(r - b) + fabs(b) * D / v + (1 + D * D) / (2 * T));
    sc[G_SPEED] = gamma * (D / v + 1) / S;
    sc[G_ZOMMA] = gamma * (D * D + 1) / sigma;
    sc[G_COLOR] = gamma * (fabs(r - b) + fabs(b) * D / v + (1 + D * D) / (2 * T));
    sc[G_DUAL_DELTA] = dfr;
    sc[G_DUAL_GAMMA] = dfr * n0 / (K * v);
}

/* The grid of the sweeps: calls and puts, S/K 0.3..3, T one hour..30 years, vol 1%..300%, r and q
 * in [-0.05, 0.1] (negative, zero and equal rates, and b of either sign). */
static const double grid_moneyness[] = {0.3, 0.5, 0.8, 0.9, 0.97, 0.999, 1.0, 1.001, 1.03, 1.1, 1.25, 1.6, 2.0, 3.0};
static const double grid_T[] = {1.0 / 8760, 1.0 / 365, 7.0 / 365, 0.1, 0.5, 1.0, 3.0, 10.0, 30.0};
static const double grid_sigma[] = {0.01, 0.05, 0.2, 0.5, 1.0, 2.0, 3.0};
static const double grid_rq[][2] = {{-0.05, 0.1}, {0.0, 0.0}, {0.05, 0.02}, {0.1, -0.05}, {0.03, 0.03}};
#define GRID_K 100.0

/* Worst relative error per Greek over a sweep, with the point where it happened. */
typedef struct worst {
    double err[G_COUNT];
    char where[G_COUNT][160];
} worst;

static void worst_note(worst *w, int k, double err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void worst_note(worst *w, int k, double err, const char *fmt, ...) {
    if (!(err <= w->err[k])) {
        w->err[k] = err;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->where[k], sizeof w->where[k], fmt, ap);
        va_end(ap);
    }
}

static void worst_print(const worst *w, const char *title) {
    if (!verbose())
        return;
    fprintf(stderr, "%s: worst relative error per Greek\n", title);
    for (int k = 0; k < G_COUNT; k++)
        fprintf(stderr, "  %-10s %.3g  at %s\n", greek_name[k], w->err[k], w->where[k]);
}

/* N(0) once recursed forever (0 reflected to -0.0 and back); b(x, s) meets it at s = sqrt(2|x|), the
 * inflexion point the implied-volatility solver starts from. */
START_TEST(norm_cdf_at_zero) {
    ck_assert(hedge__norm_cdf(0.0) == 0.5);
    ck_assert(hedge__norm_cdf(-0.0) == 0.5);
    ck_assert(isnan(hedge__norm_cdf(NAN)));
    ck_assert(hedge__black_otm(-0.5, 1.0) > 0.0);
}
END_TEST

#if HEDGE_HAVE_QUADMATH
/* ---- 113-bit reference ---- */

typedef __float128 quad;

static quad q_N(quad x) { return (quad)0.5 * erfcq(-x / sqrtq((quad)2)); }
/* sqrt(2 pi) from atan: M_PIq is written with a Q suffix, which -Wpedantic rejects. */
static quad q_n(quad x) { return expq(-x * x / 2) / sqrtq(8 * atanq((quad)1)); }

/*
 * Every Greek from Haug (2007), section 2.1 (generalised BSM: b = r - q, theta = +1 call, -1 put),
 * written directly from the book in 113 bits: nothing here is shared with lib/pricing.
 * Black-76 is the model with b = 0 except for rho, which holds F fixed: -T V.
 * *cancel receives the factor by which the plain price formula magnifies relative rounding:
 * (F N(theta d1) + K N(theta d2)) / |V|.
 */
static void q_greeks(quad g[G_COUNT], quad *cancel, int th, double S_, double K_, double T_, double r_, double q_,
                     double sigma_, bool black76) {
    quad S = S_, K = K_, T = T_, r = r_, sig = sigma_;
    quad b = black76 ? 0 : r - (quad)q_;
    quad sT = sqrtq(T), v = sig * sT;
    quad d1 = (logq(S / K) + (b + sig * sig / 2) * T) / v, d2 = d1 - v;
    quad ebr = expq((b - r) * T), er = expq(-r * T);
    quad n1 = q_n(d1), n2 = q_n(d2), N1 = q_N(th * d1), N2 = q_N(th * d2);
    quad a = S * ebr * N1, c = K * er * N2;
    quad V = th * (a - c);
    *cancel = (a + c) / fabsq(V);
    quad gamma = ebr * n1 / (S * v), vega = S * ebr * n1 * sT;
    g[G_PRICE] = V;
    g[G_DELTA] = th * ebr * N1;
    g[G_GAMMA] = gamma;
    g[G_VEGA] = vega;
    g[G_THETA] = -S * ebr * n1 * sig / (2 * sT) - th * (b - r) * S * ebr * N1 - th * r * K * er * N2;
    g[G_RHO] = black76 ? -T * V : th * T * K * er * N2;
    g[G_CARRY_RHO] = th * T * S * ebr * N1;
    g[G_VANNA] = -ebr * d2 / sig * n1;
    g[G_VOLGA] = vega * d1 * d2 / sig;
    g[G_CHARM] = -ebr * (n1 * (b / v - d2 / (2 * T)) + th * (b - r) * N1);
    g[G_VETA] = vega * (r - b + b * d1 / v - (1 + d1 * d2) / (2 * T));
    g[G_SPEED] = -gamma * (1 + d1 / v) / S;
    g[G_ZOMMA] = gamma * (d1 * d2 - 1) / sig;
    g[G_COLOR] = gamma * (r - b + b * d1 / v + (1 - d1 * d2) / (2 * T));
    g[G_DUAL_DELTA] = -th * er * N2;
    g[G_DUAL_GAMMA] = er * n2 / (K * v);
}

/* Relative error of got against a 113-bit ref, in double. */
static double rel_err(double got, quad ref) {
    if (ref == 0)
        return got == 0 ? 0 : INFINITY;
    return fabs((double)(((quad)got - ref) / ref));
}

/* The Greeks that are a single product of exponentials, N(.) or n(.): no cancellation, so they
 * keep relative accuracy into the tails, limited by the rounding of d, a relative error of about
 * d^2 eps in n(d) and |d| eps |n(d)/N(d)| ~ d^2 eps in N(d) (and |d| < 38.5 while n(d) is normal). */
static const bool single_term[G_COUNT] = {[G_DELTA] = true, [G_GAMMA] = true, [G_VEGA] = true,
                                          [G_CARRY_RHO] = true, [G_DUAL_DELTA] = true, [G_DUAL_GAMMA] = true};

typedef struct sweep_stats {
    worst mixed;      /* |err| / (|ref| + 1e-2 scale) */
    worst tail;       /* single-term Greeks and prices below the not-tiny threshold, relative */
    worst price_fn;   /* hedge_*_price, relative (down to 1e-300) */
    long points, checked, tail_checked, skipped_cancel;
} sweep_stats;

typedef struct quad_tol {
    double mixed;      /* for every Greek and the price from *_greeks */
    double tail;       /* single-term Greeks and prices in the tails, relative, times (1 + d^2 / 64) */
    double price_fn;   /* hedge_bsm_price / hedge_black76_price, relative */
} quad_tol;

/* One point of the 113-bit comparison; returns false (after recording) when a tolerance is broken. */
static bool quad_point(sweep_stats *st, bool black76, int th, double S, double K, double T, double r, double q,
                       double sigma, const quad_tol *tol) {
    hedge_greeks g;
    double price_fn;
    if (black76) {
        g = b76(th, S, K, T, r, sigma);
        price_fn = b76_price(th, S, K, T, r, sigma);
    } else {
        g = bsm(th, S, K, T, r, q, sigma);
        price_fn = bsm_price(th, S, K, T, r, q, sigma);
    }
    double got[G_COUNT], sc[G_COUNT];
    greeks_to_array(got, &g);
    greek_scales(sc, black76, S, K, T, r, q, sigma);
    quad ref[G_COUNT], cancel;
    q_greeks(ref, &cancel, th, S, K, T, r, q, sigma, black76);
    double v = sigma * sqrt(T), x = log(S / K) + (black76 ? 0 : r - q) * T;
    double dmax = fabs(x) / v + 0.5 * v;
    st->points++;
    bool ok = true;
    char at[160];
    snprintf(at, sizeof at, "%s %s S=%.17g K=%g T=%.17g r=%g q=%g sigma=%g", black76 ? "b76" : "bsm",
             th > 0 ? "call" : "put", S, K, T, r, q, sigma);
    /* The reference price subtracts two terms, leaving 1e-33 * cancel of relative rounding; on this
     * grid cancel stays below 1e6, but a point where the reference itself is doubtful is skipped. */
    bool ref_price_ok = cancel * 1e-33 <= 1e-17;
    st->skipped_cancel += !ref_price_ok;
    for (int k = 0; k < G_COUNT; k++) {
        if (k == G_PRICE && !ref_price_ok)
            continue;
        double mag = fabs((double)ref[k]);
        double e = fabs((double)((quad)got[k] - ref[k])) / (mag + 1e-2 * sc[k]);
        worst_note(&st->mixed, k, e, "%s", at);
        st->checked++;
        if (e > tol->mixed) {
            ok = false;
            if (verbose())
                fprintf(stderr, "  %s: err %.3g (value/scale %.3g) at %s\n", greek_name[k], e, mag / sc[k], at);
        }
        if ((single_term[k] || k == G_PRICE) && mag < 1e-2 * sc[k] && mag > 1e-300) {
            double et = rel_err(got[k], ref[k]) / (1 + dmax * dmax / 64);
            worst_note(&st->tail, k, et, "%s", at);
            st->tail_checked++;
            if (et > tol->tail) {
                ok = false;
                if (verbose())
                    fprintf(stderr, "  %s tail: err %.3g at %s\n", greek_name[k], et, at);
            }
        }
    }
    if (ref_price_ok && fabs((double)ref[G_PRICE]) > 1e-300) {
        double e = rel_err(price_fn, ref[G_PRICE]);
        worst_note(&st->price_fn, G_PRICE, e, "%s", at);
        if (e > tol->price_fn) {
            ok = false;
            if (verbose())
                fprintf(stderr, "  price fn: err %.3g at %s\n", e, at);
        }
    }
    return ok;
}

static long quad_sweep(sweep_stats *st, bool black76, const quad_tol *tol) {
    long bad = 0, i = 0;
    int stride = sweep_stride();
    for (size_t a = 0; a < N_ELEMS(grid_moneyness); a++)
        for (size_t t = 0; t < N_ELEMS(grid_T); t++)
            for (size_t s = 0; s < N_ELEMS(grid_sigma); s++)
                for (size_t j = 0; j < N_ELEMS(grid_rq); j++)
                    for (int th = -1; th <= 1; th += 2) {
                        if (i++ % stride)
                            continue;
                        double S = grid_moneyness[a] * GRID_K;
                        bad += !quad_point(st, black76, th, S, GRID_K, grid_T[t], grid_rq[j][0], grid_rq[j][1],
                                           grid_sigma[s], tol);
                    }
    return bad;
}

static void stats_print(const sweep_stats *st, const char *title) {
    if (!verbose())
        return;
    fprintf(stderr, "%s: %ld points, %ld values, %ld tail values, %ld reference prices skipped\n", title,
            st->points, st->checked, st->tail_checked, st->skipped_cancel);
    worst_print(&st->mixed, "|err| / (|value| + 1e-2 scale)");
    worst_print(&st->tail, "tails of single-term Greeks and prices, relative / (1 + d^2/64)");
    worst_print(&st->price_fn, "price function, relative");
}
/* Near the money at a minute's expiry, x = ln(F/K) and s are both 1e-5: the rounding of F/K alone
 * (1e-16 absolute in x) would move the price by 1e-11 relative. */
START_TEST(short_expiry_near_money_vs_quad) {
    const double F = 100.0, T = 1.0 / 525600.0, sigma = 0.01;
    static const double ks[] = {-2e-5, -1e-5, -3e-6, 3e-6, 1e-5, 2e-5};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
        for (int theta = -1; theta <= 1; theta += 2) {
            double K = F * exp(ks[i]), p;
            ck_assert_status(hedge_black76_price(&p, (hedge_option_type)theta, F, K, T, 0.0, sigma), HEDGE_OK);
            __float128 v = (__float128)sigma * sqrtq((__float128)T), d1 = logq((__float128)F / K) / v + v / 2;
            __float128 ref = theta * (F * q_N(theta * d1) - K * q_N(theta * (d1 - v)));
            ck_assert_msg(fabs((double)((p - ref) / ref)) < 1e-14, "K=%.17g theta=%d: %.17g vs %.17g", K, theta, p,
                          (double)ref);
        }
}
END_TEST

/* hedge__erfcx() against 113 bits: its tables (within 2 ulp by their generator, held here to 3) on a fine
 * grid and at every piece's ends, where an off-by-one piece or a wrong local variable would show first,
 * and the other forms beyond the tables (negative x; the asymptotic series from 26, 3.2 ulp). */
START_TEST(erfcx_vs_quad) {
    double worst_ulp = 0.0;
    for (int pass = 0; pass < 3; pass++) {
        int n = pass == 0 ? 40000 / sweep_stride() : pass == 1 ? 8 * 8 + 1 : 64;
        for (int i = 0; i < n; i++) {
            double x;
            if (pass == 0)
                x = 40.0 * i / n;
            else if (pass == 1)
                x = i / 8.0; /* the x pieces' ends */
            else
                x = 1.0 / ((i + 1) / 64.0) - 1.0; /* the t pieces' ends (t = 1/(1 + x) = k/64) */
            for (int d = -1; d <= 1; d++) {
                double xx = d < 0 ? nextafter(x, 0.0) : d > 0 ? nextafter(x, INFINITY) : x;
                if (!(xx >= 0.0) || xx > 40.0)
                    continue;
                quad ref = expq((quad)xx * xx) * erfcq(xx);
                double e = rel_err(hedge__erfcx(xx), ref);
                worst_ulp = fmax(worst_ulp, e);
                /* the tables within 3 ulp; the asymptotic series from 26 (unchanged) within 4 */
                ck_assert_msg(e <= (xx < 26.0 ? 3 : 4) * 0x1p-53, "erfcx(%.17g) = %.17g, 113-bit %.17g: %.3g ulp", xx,
                              hedge__erfcx(xx),
                              (double)ref, e / 0x1p-53);
            }
        }
    }
    for (double x = -26.0; x < 0.0; x += 0.00917) {
        quad ref = expq((quad)x * x) * erfcq(x);
        ck_assert_msg(rel_err(hedge__erfcx(x), ref) <= 1e-14, "erfcx(%g)", x);
    }
    if (verbose())
        fprintf(stderr, "erfcx: worst %.2f ulp on [0, 40]\n", worst_ulp / 0x1p-53);
}
END_TEST

/* The normalised Black function against a 113-bit evaluation of its definition, across regions
 * (plain difference, scaled tails, the series where the difference cancels) down to 1e-300. */
START_TEST(normalised_black_vs_quad) {
    static const double xs[] = {-1e-12, -1e-8, -1e-4, -0.01, -0.05, -0.1, -0.3, -1, -2, -3, -5, -10, -20, -50};
    double worst_seen = 0.0;
    for (size_t i = 0; i < N_ELEMS(xs); i++)
        for (double s = 1e-6; s < 40.0; s *= 1.05) {
            quad X = xs[i], S = s, h = X / S, t = S / 2;
            quad ref = expq(X / 2) * q_N(h + t) - expq(-X / 2) * q_N(h - t);
            if (ref < (quad)1e-300)
                continue;
            double got = hedge__black_otm(xs[i], s);
            double rel = rel_err(got, ref);
            worst_seen = fmax(worst_seen, rel);
            ck_assert_msg(rel < 1e-13, "b(%g, %g) = %.17g, 113-bit %.17g, rel err %.3g", xs[i], s, got,
                          (double)ref, rel);
        }
    ck_assert(worst_seen > 0.0); /* the grid was not empty */
}
END_TEST

/* The documented accuracy: 1e-13 where the value is not tiny, 1e-12 in the tails. Near the money with
 * a small total volatility v this needs ln(S/K) with the rounding of S/K put back (an error of
 * 1.1e-16 in ln(S/K) is divided by v in d1 and d2) and the in-the-money part as K e^{-rT} expm1(x);
 * the price functions must also not round F = S e^{bT} before ln(F/K). Each of these once failed
 * here, at up to 1.2e-11. */
static const quad_tol tol_contract = {1e-13, 1e-12, 1e-12}; /* not tiny 1e-13, tails 1e-12 */

START_TEST(bsm_vs_quad) {
    static sweep_stats st;
    memset(&st, 0, sizeof st);
    long bad = quad_sweep(&st, false, &tol_contract);
    stats_print(&st, "BSM vs 113-bit, contract");
    ck_assert_msg(bad == 0, "%ld of %ld points outside 1e-13 (run with HEDGE_TEST_VERBOSE=1)", bad, st.points);
}
END_TEST

START_TEST(black76_vs_quad) {
    static sweep_stats st;
    memset(&st, 0, sizeof st);
    long bad = quad_sweep(&st, true, &tol_contract);
    stats_print(&st, "Black-76 vs 113-bit, contract");
    ck_assert_msg(bad == 0, "%ld of %ld points outside 1e-13 (run with HEDGE_TEST_VERBOSE=1)", bad, st.points);
}
END_TEST
#endif

/* ---- Finite differences of the library's own price ---- */

/* Coordinates of the price function: S (or F), K, T, r, q (Black-76: a basis b in F e^{bT}), sigma. */
enum { C_S, C_K, C_T, C_R, C_Q, C_SIGMA, C_COUNT };

typedef struct fd_ctx {
    bool black76;
    int th;
    double h[C_COUNT]; /* step per coordinate */
} fd_ctx;

/* The price field of *_greeks, not the price functions: those are 100 times less accurate near the
 * money at small v (see the 113-bit tests), which a third difference would magnify by 1/h^3. */
static double fd_price(const fd_ctx *c, const double p[C_COUNT]) {
    if (c->black76)
        return b76(c->th, p[C_S] * exp(p[C_Q] * p[C_T]), p[C_K], p[C_T], p[C_R], p[C_SIGMA]).price;
    return bsm(c->th, p[C_S], p[C_K], p[C_T], p[C_R], p[C_Q], p[C_SIGMA]).price;
}

/*
 * d^n price / d p[dims[0]] ... d p[dims[n-1]] by nested central differences at h, h/2 and h/4,
 * extrapolated twice (Richardson), which cancels the h^2 and h^4 terms and leaves O(h^6).
 */
static double fd_deriv(const fd_ctx *c, const double p[C_COUNT], const int *dims, int n) {
    if (n == 0)
        return fd_price(c, p);
    int d = dims[0];
    double D[3];
    for (int i = 0; i < 3; i++) {
        double h = c->h[d] / (1 << i), q[C_COUNT];
        memcpy(q, p, sizeof q);
        q[d] = p[d] + h;
        double up = fd_deriv(c, q, dims + 1, n - 1);
        q[d] = p[d] - h;
        double down = fd_deriv(c, q, dims + 1, n - 1);
        D[i] = (up - down) / (2 * h);
    }
    double R0 = (4 * D[1] - D[0]) / 3, R1 = (4 * D[2] - D[1]) / 3;
    return (16 * R1 - R0) / 15;
}

/* Each Greek as a derivative of the price: the coordinates and the sign (-1 for the time Greeks,
 * dt = -dT, and for carry rho under BSM, dV/db|r = -dV/dq|r). */
typedef struct fd_spec {
    int n, dims[3];
    double sign;
} fd_spec;

static fd_spec fd_spec_of(int greek, bool black76) {
    switch (greek) {
    case G_PRICE: return (fd_spec){0, {0}, 1};
    case G_DELTA: return (fd_spec){1, {C_S}, 1};
    case G_GAMMA: return (fd_spec){2, {C_S, C_S}, 1};
    case G_VEGA: return (fd_spec){1, {C_SIGMA}, 1};
    case G_THETA: return (fd_spec){1, {C_T}, -1};
    case G_RHO: return (fd_spec){1, {C_R}, 1}; /* q fixed (BSM), F fixed (Black-76) */
    case G_CARRY_RHO: return (fd_spec){1, {C_Q}, black76 ? 1 : -1};
    case G_VANNA: return (fd_spec){2, {C_S, C_SIGMA}, 1};
    case G_VOLGA: return (fd_spec){2, {C_SIGMA, C_SIGMA}, 1};
    case G_CHARM: return (fd_spec){2, {C_S, C_T}, -1};
    case G_VETA: return (fd_spec){2, {C_SIGMA, C_T}, -1};
    case G_SPEED: return (fd_spec){3, {C_S, C_S, C_S}, 1};
    case G_ZOMMA: return (fd_spec){3, {C_S, C_S, C_SIGMA}, 1};
    case G_COLOR: return (fd_spec){3, {C_S, C_S, C_T}, -1};
    case G_DUAL_DELTA: return (fd_spec){1, {C_K}, 1};
    default: return (fd_spec){2, {C_K, C_K}, 1};
    }
}

/*
 * Steps from the scale on which the price varies: in ln S and ln K that is v / (1 + D) (D bounds
 * |d1|, |d2|), in sigma and T the relative scale 1 / (1 + D)^2, in the rates v / (T (1 + D)).
 * The fraction f of it grows with the order n of the derivative, since the rounding of the price,
 * eps V / (f^n scale^n), grows with n while the O(f^6) remainder of the extrapolation does not.
 */
static void fd_steps(fd_ctx *c, double S, double K, double T, double v, double sigma, double D, int n) {
    static const double frac[4] = {0, 0.05, 0.1, 0.2};
    double f = frac[n];
    c->h[C_S] = f * S * fmin(v, 1.0) / (1 + D);
    c->h[C_K] = f * K * fmin(v, 1.0) / (1 + D);
    c->h[C_SIGMA] = f * sigma / ((1 + D) * (1 + D));
    c->h[C_T] = f * T / ((1 + D) * (1 + D));
    c->h[C_R] = c->h[C_Q] = f * fmin(v, 1.0) / (T * (1 + D));
}

static void fd_sweep(bool black76) {
    static const double mny[] = {0.8, 0.97, 1.0, 1.1, 1.25};
    static const double Ts[] = {1.0 / 8760, 1.0 / 365, 0.25, 2.0, 30.0};
    static const double sigmas[] = {0.05, 0.3, 1.5};
    static const double rq[][2] = {{-0.05, 0.1}, {0.05, 0.02}, {0.1, -0.05}, {0.0, 0.0}};
    /* Measured worst: 1.1e-9 (first order), 8.2e-6 (second, volga next to its zero at one hour),
     * 4.7e-6 (third). A wrong sign, a wrong variable held fixed (rho vs carry rho) or a dropped
     * term of the time Greeks (r - b against 1/(2T) at 30 years) shows as 1e-3 or more. */
    static const double tol_order[4] = {1e-13, 1e-8, 5e-5, 5e-5};
    worst w;
    memset(&w, 0, sizeof w);
    long i = 0, points = 0, bad = 0;
    int stride = sweep_stride();
    for (size_t a = 0; a < N_ELEMS(mny); a++)
        for (size_t t = 0; t < N_ELEMS(Ts); t++)
            for (size_t s = 0; s < N_ELEMS(sigmas); s++)
                for (size_t j = 0; j < N_ELEMS(rq); j++)
                    for (int th = -1; th <= 1; th += 2) {
                        if (i++ % stride)
                            continue;
                        double K = 100, S = mny[a] * K, T = Ts[t], sigma = sigmas[s], r = rq[j][0], q = rq[j][1];
                        double v = sigma * sqrt(T), x = log(S / K) + (black76 ? 0 : r - q) * T;
                        double D = fabs(x) / v + 0.5 * v;
                        if (D > 4)
                            continue; /* the tails are the 113-bit test's business */
                        points++;
                        fd_ctx c = {black76, th, {0}};
                        double p[C_COUNT] = {S, K, T, r, black76 ? 0 : q, sigma};
                        hedge_greeks g = black76 ? b76(th, S, K, T, r, sigma) : bsm(th, S, K, T, r, q, sigma);
                        double got[G_COUNT], sc[G_COUNT];
                        greeks_to_array(got, &g);
                        greek_scales(sc, black76, S, K, T, r, q, sigma);
                        for (int k = 0; k < G_COUNT; k++) {
                            fd_spec sp = fd_spec_of(k, black76);
                            fd_steps(&c, S, K, T, v, sigma, D, sp.n);
                            double ref = sp.sign * fd_deriv(&c, p, sp.dims, sp.n);
                            double e = fabs(got[k] - ref) / (fabs(ref) + 1e-2 * sc[k]);
                            char at[160];
                            snprintf(at, sizeof at, "%s %s S=%g T=%g r=%g q=%g sigma=%g: %.10g vs fd %.10g",
                                     black76 ? "b76" : "bsm", th > 0 ? "call" : "put", S, T, r, q, sigma, got[k],
                                     ref);
                            worst_note(&w, k, e, "%s", at);
                            if (!(e <= tol_order[sp.n])) {
                                bad++;
                                if (verbose())
                                    fprintf(stderr, "  fd %s: %.3g at %s\n", greek_name[k], e, at);
                            }
                        }
                    }
    worst_print(&w, black76 ? "Black-76 vs finite differences" : "BSM vs finite differences");
    ck_assert_int_gt(points, 50);
    ck_assert_msg(bad == 0, "%ld Greeks disagree with finite differences (HEDGE_TEST_VERBOSE=1 lists them)", bad);
}

START_TEST(bsm_vs_finite_differences) { fd_sweep(false); }
END_TEST

START_TEST(black76_vs_finite_differences) { fd_sweep(true); }
END_TEST

/* ---- Put-call parity and published values ---- */

/*
 * C - P = S e^{-qT} - K e^{-rT}, and its derivatives: delta dfq, gamma and vega 0, theta
 * q S dfq - r K dfr, rho T K dfr (BSM, q fixed) or -T (C - P) (Black-76, F fixed). Each is held to
 * 1e-14 of the scale of the Greek (greek_scales), i.e. a few ulp of the larger of C and P.
 */
START_TEST(put_call_parity) {
    double worst_seen = 0;
    for (size_t a = 0; a < N_ELEMS(grid_moneyness); a++)
        for (size_t t = 0; t < N_ELEMS(grid_T); t++)
            for (size_t s = 0; s < N_ELEMS(grid_sigma); s += 2)
                for (size_t j = 0; j < N_ELEMS(grid_rq); j++)
                    for (int black76 = 0; black76 < 2; black76++) {
                        double K = GRID_K, S = grid_moneyness[a] * K, T = grid_T[t], sigma = grid_sigma[s];
                        double r = grid_rq[j][0], q = black76 ? r : grid_rq[j][1];
                        hedge_greeks c = black76 ? b76(HEDGE_CALL, S, K, T, r, sigma)
                                                 : bsm(HEDGE_CALL, S, K, T, r, q, sigma);
                        hedge_greeks p = black76 ? b76(HEDGE_PUT, S, K, T, r, sigma)
                                                 : bsm(HEDGE_PUT, S, K, T, r, q, sigma);
                        double dfr = exp(-r * T), dfq = exp(-q * T), sc[G_COUNT];
                        greek_scales(sc, black76, S, K, T, r, q, sigma);
                        double fwd = S * dfq - K * dfr;
                        struct { double lhs, rhs, scale; const char *what; } eq[] = {
                            {c.price - p.price, fwd, sc[G_PRICE], "price"},
                            {c.delta - p.delta, dfq, sc[G_DELTA], "delta"},
                            {c.gamma - p.gamma, 0, sc[G_GAMMA], "gamma"},
                            {c.vega - p.vega, 0, sc[G_VEGA], "vega"},
                            {c.theta - p.theta, q * S * dfq - r * K * dfr, sc[G_THETA], "theta"},
                            {c.rho - p.rho, black76 ? -T * fwd : T * K * dfr, sc[G_RHO], "rho"},
                            {c.carry_rho - p.carry_rho, T * S * dfq, sc[G_CARRY_RHO], "carry_rho"},
                            {c.dual_delta - p.dual_delta, -dfr, sc[G_DUAL_DELTA], "dual_delta"},
                        };
                        for (size_t k = 0; k < N_ELEMS(eq); k++) {
                            double e = fabs(eq[k].lhs - eq[k].rhs) / eq[k].scale;
                            worst_seen = fmax(worst_seen, e);
                            ck_assert_msg(e <= 1e-14, "%s parity off by %.3g of its scale: %s S=%g T=%g r=%g q=%g "
                                          "sigma=%g", eq[k].what, e, black76 ? "b76" : "bsm", S, T, r, q, sigma);
                        }
                    }
    if (verbose())
        fprintf(stderr, "put-call parity: worst %.3g of scale\n", worst_seen);
}
END_TEST

/* Published values, to the digits printed. Haug (2007): 1.1.1 (BSM), 1.1.2 (Merton 1973), 1.1.5
 * (Garman-Kohlhagen), 1.1.3 (Black 1976), 2.1 (the delta, gamma, theta and rho examples);
 * Hull, Options, Futures and Other Derivatives, ch. 19 (S = 49, K = 50, 20 weeks). */
START_TEST(published_values) {
    double p;
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 60, 65, 0.25, 0.08, 0.0, 0.30), HEDGE_OK);
    ck_assert_close(p, 2.1334, 0, 5e-5);
    ck_assert_status(hedge_bsm_price(&p, HEDGE_PUT, 100, 95, 0.5, 0.10, 0.05, 0.20), HEDGE_OK);
    ck_assert_close(p, 2.4648, 0, 5e-5);
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 1.56, 1.60, 0.5, 0.06, 0.08, 0.12), HEDGE_OK);
    ck_assert_close(p, 0.0291, 0, 5e-5);
    for (int th = -1; th <= 1; th += 2) {
        ck_assert_close(b76_price(th, 19, 19, 0.75, 0.10, 0.28), 1.7011, 0, 5e-5);
        ck_assert_close(b76(th, 19, 19, 0.75, 0.10, 0.28).price, 1.7011, 0, 5e-5);
    }
    /* Haug's Greek examples are in b (cost of carry); q = r - b. */
    ck_assert_close(bsm(HEDGE_CALL, 105, 100, 0.5, 0.10, 0.10, 0.36).delta, 0.5946, 0, 5e-5);
    ck_assert_close(bsm(HEDGE_PUT, 105, 100, 0.5, 0.10, 0.10, 0.36).delta, -0.3566, 0, 5e-5);
    ck_assert_close(b76(HEDGE_CALL, 105, 100, 0.5, 0.10, 0.36).delta, 0.5946, 0, 5e-5);
    ck_assert_close(bsm(HEDGE_CALL, 55, 60, 0.75, 0.10, 0.0, 0.30).gamma, 0.0278, 0, 5e-5);
    ck_assert_close(bsm(HEDGE_PUT, 430, 405, 0.0833, 0.07, 0.05, 0.20).theta, -31.1924, 0, 5e-5);
    ck_assert_close(bsm(HEDGE_CALL, 72, 75, 1.0, 0.09, 0.0, 0.19).rho, 38.7325, 0, 5e-5);
    hedge_greeks h = bsm(HEDGE_CALL, 49, 50, 20.0 / 52, 0.05, 0.0, 0.20);
    ck_assert_close(h.price, 2.40, 0, 5e-3);
    ck_assert_close(h.delta, 0.522, 0, 5e-4);
    ck_assert_close(h.gamma, 0.066, 0, 5e-4);
    ck_assert_close(h.theta, -4.31, 0, 5e-3);
    ck_assert_close(h.vega, 12.1, 0, 5e-2);
    ck_assert_close(h.rho, 8.91, 0, 5e-3);
}
END_TEST

/* ---- Limits ---- */

/* Degenerate (sigma sqrt(T) == 0) results against the same call a hair away, on the ordinary path:
 * off the money every Greek has a limit, and the two must agree. */
static void check_limit(bool black76, int th, double S, double K, double T, double r, double q, double sigma0,
                        double sigma1, double T1, double abs_tol) {
    hedge_greeks g0 = black76 ? b76(th, S, K, T, r, sigma0) : bsm(th, S, K, T, r, q, sigma0);
    hedge_greeks g1 = black76 ? b76(th, S, K, T1, r, sigma1) : bsm(th, S, K, T1, r, q, sigma1);
    double a[G_COUNT], b[G_COUNT];
    greeks_to_array(a, &g0);
    greeks_to_array(b, &g1);
    for (int k = 0; k < G_COUNT; k++)
        ck_assert_msg(test_close(a[k], b[k], 1e-9, abs_tol), "%s %s S=%g K=%g T=%g r=%g q=%g: %s = %.17g at "
                      "sigma=%g, T=%g but %.17g at sigma=%g, T=%g", black76 ? "b76" : "bsm",
                      th > 0 ? "call" : "put", S, K, T, r, q, greek_name[k], a[k], sigma0, T, b[k], sigma1, T1);
}

START_TEST(degenerate_limits_off_the_money) {
    static const double S[] = {50, 80, 120, 200};
    static const double rq[][2] = {{0.05, 0.02}, {-0.05, 0.1}, {0.0, 0.0}};
    for (size_t i = 0; i < N_ELEMS(S); i++)
        for (size_t j = 0; j < N_ELEMS(rq); j++)
            for (int th = -1; th <= 1; th += 2)
                for (int black76 = 0; black76 < 2; black76++) {
                    double r = rq[j][0], q = rq[j][1];
                    /* at expiry: T = 0 against T = 1e-10 (sigma sqrt T = 2e-6, d of order 1e5) */
                    /* rho and carry rho are proportional to T: K T1 = 1e-8 apart */
                    check_limit(black76, th, S[i], 100, 0.0, r, q, 0.2, 0.2, 1e-10, 2e-8);
                    /* zero volatility with carry: the forward, not the spot, decides the side */
                    check_limit(black76, th, S[i], 100, 2.0, r, q, 0.0, 1e-9, 2.0, 1e-300);
                }
}
END_TEST

/* The closed forms the contract documents, at T = 0 and at sigma = 0, at, above and below the money. */
START_TEST(degenerate_documented_values) {
    for (int th = -1; th <= 1; th += 2) {
        for (double S = 90; S <= 110; S += 10) {
            hedge_greeks g = bsm(th, S, 100, 0.0, 0.05, 0.02, 0.3);
            double w = th * (S - 100) > 0 ? 1 : S == 100 ? 0.5 : 0;
            ck_assert_double_eq(g.price, fmax(th * (S - 100), 0));
            ck_assert_double_eq(g.delta, th * w);
            ck_assert_double_eq(g.dual_delta, -th * w);
            double zero[] = {g.gamma, g.vega, g.vanna, g.volga, g.veta, g.speed, g.zomma, g.color, g.dual_gamma};
            for (size_t k = 0; k < N_ELEMS(zero); k++)
                ck_assert_double_eq(zero[k], 0);
        }
        /* sigma = 0, T = 1, b = r - q = 0.03: F = 100 e^{0.03}; K below, at (F = K: S = K e^{-bT},
         * which we reach with b = 0) and above the forward. */
        double r = 0.05, q = 0.02, T = 1, dfr = exp(-r * T), dfq = exp(-q * T);
        for (double K = 80; K <= 120; K += 40) {
            hedge_greeks g = bsm(th, 100, K, T, r, q, 0.0);
            double fwd = 100 * dfq - K * dfr, w = th * fwd > 0 ? 1 : 0;
            ck_assert_close(g.price, fmax(th * fwd, 0), 1e-15, 0);
            ck_assert_double_eq(g.delta, th * dfq * w);
            ck_assert_close(g.theta, w * th * (q * 100 * dfq - r * K * dfr), 1e-15, 0);
            ck_assert_close(g.rho, w * th * T * K * dfr, 1e-15, 0);
            ck_assert_close(g.carry_rho, w * th * T * 100 * dfq, 1e-15, 0);
        }
        /* exactly at the money forward (r = q): half the step, and the ATM vega S e^{-qT} sqrt(T) n(0),
         * which is also the limit of vega as sigma -> 0 there */
        hedge_greeks g = bsm(th, 100, 100, T, 0.03, 0.03, 0.0);
        ck_assert_double_eq(g.price, 0);
        ck_assert_close(g.delta, th * 0.5 * exp(-0.03), 1e-15, 0);
        ck_assert_close(g.dual_delta, -th * 0.5 * exp(-0.03), 1e-15, 0);
        ck_assert_close(g.vega, 100 * exp(-0.03) * 0.3989422804014327, 1e-15, 0);
        hedge_greeks near = bsm(th, 100, 100, T, 0.03, 0.03, 1e-9);
        ck_assert_close(g.delta, near.delta, 1e-9, 0);
        ck_assert_close(g.vega, near.vega, 1e-9, 0);
        ck_assert_close(g.price, near.price, 0, 1e-7);
        ck_assert_close(g.theta, near.theta, 0, 1e-6);
        hedge_greeks gb = b76(th, 100, 100, 0.0, 0.05, 0.3);
        ck_assert_double_eq(gb.price, 0);
        ck_assert_double_eq(gb.delta, th * 0.5);
    }
}
END_TEST

/* The price is continuous as sigma -> 0 and T -> 0: it approaches the degenerate value. */
START_TEST(price_tends_to_degenerate_value) {
    for (int th = -1; th <= 1; th += 2)
        for (double S = 80; S <= 120; S += 20) {
            double at0 = bsm(th, S, 100, 1.0, 0.05, 0.02, 0.0).price, prev = INFINITY;
            for (double sigma = 1e-2; sigma >= 1e-8; sigma /= 10) {
                double d = fabs(bsm(th, S, 100, 1.0, 0.05, 0.02, sigma).price - at0);
                ck_assert(d <= prev); /* monotone approach */
                prev = d;
            }
            ck_assert(prev <= 1e-12 * 100);
            double exp0 = bsm(th, S, 100, 0.0, 0.05, 0.02, 0.5).price;
            prev = INFINITY;
            for (double T = 1e-2; T >= 1e-12; T /= 100) {
                double d = fabs(bsm(th, S, 100, T, 0.05, 0.02, 0.5).price - exp0);
                ck_assert(d <= prev);
                prev = d;
            }
            /* at the money the time value falls only like S sigma sqrt(T) n(0) */
            ck_assert(prev <= (S == 100 ? 0.4 * S * 0.5 * 1e-6 * 1.001 : 1e-9 * 100));
        }
}
END_TEST

/* sigma -> infinity: the call is worth the discounted asset, the put the discounted strike. */
START_TEST(huge_volatility_limits) {
    for (double S = 10; S <= 1000; S *= 10) {
        double r = 0.05, q = 0.02, T = 1;
        hedge_greeks c = bsm(HEDGE_CALL, S, 100, T, r, q, 50), p = bsm(HEDGE_PUT, S, 100, T, r, q, 50);
        ck_assert_close(c.price, S * exp(-q * T), 1e-14, 0);
        ck_assert_close(p.price, 100 * exp(-r * T), 1e-14, 0);
        ck_assert_close(c.delta, exp(-q * T), 1e-14, 0);
        ck_assert_close(p.delta, 0, 0, 1e-100);
        ck_assert_close(b76(HEDGE_CALL, S, 100, T, r, 50).price, S * exp(-r * T), 1e-14, 0);
        ck_assert_close(b76(HEDGE_PUT, S, 100, T, r, 50).price, 100 * exp(-r * T), 1e-14, 0);
    }
}
END_TEST

/* One hour to expiry: theta is dominated by -S n(d1) sigma / (2 sqrt T); against a Richardson-
 * extrapolated difference in T of the price (the FD sweep covers it on a grid; here it is spelled
 * out near and at the money, where it is largest). */
START_TEST(theta_one_hour) {
    const double T = 1.0 / 8760;
    for (double S = 99; S <= 101; S += 0.5)
        for (int th = -1; th <= 1; th += 2) {
            hedge_greeks g = bsm(th, S, 100, T, 0.05, 0.01, 0.6);
            double D[3];
            for (int i = 0; i < 3; i++) {
                double h = 0.02 * T / (1 << i);
                D[i] = -(bsm(th, S, 100, T + h, 0.05, 0.01, 0.6).price - bsm(th, S, 100, T - h, 0.05, 0.01, 0.6).price) /
                       (2 * h);
            }
            double R0 = (4 * D[1] - D[0]) / 3, R1 = (4 * D[2] - D[1]) / 3;
            ck_assert_close(g.theta, (16 * R1 - R0) / 15, 1e-9, 0);
            ck_assert(g.theta < 0);
        }
}
END_TEST

/* No NaN or infinity for valid input, over a grid that includes the extremes the contract allows. */
static void extreme_grid(void) {
    static const double mny[] = {1e-6, 0.01, 0.5, 1.0, 2.0, 100, 1e6};
    static const double Ts[] = {0, 1e-12, 1e-6, 1.0 / 8760, 1, 30, 100};
    static const double sigmas[] = {0, 1e-8, 1e-4, 0.3, 5, 50};
    static const double rs[] = {-0.1, 0, 0.2};
    long n = 0;
    for (size_t a = 0; a < N_ELEMS(mny); a++)
        for (size_t t = 0; t < N_ELEMS(Ts); t++)
            for (size_t s = 0; s < N_ELEMS(sigmas); s++)
                for (size_t i = 0; i < N_ELEMS(rs); i++)
                    for (size_t j = 0; j < N_ELEMS(rs); j++)
                        for (int th = -1; th <= 1; th += 2) {
                            double S = 100 * mny[a], T = Ts[t], sigma = sigmas[s], r = rs[i], q = rs[j];
                            hedge_greeks g[2] = {bsm(th, S, 100, T, r, q, sigma), b76(th, S, 100, T, r, sigma)};
                            double p[2] = {bsm_price(th, S, 100, T, r, q, sigma), b76_price(th, S, 100, T, r, sigma)};
                            for (int m = 0; m < 2; m++) {
                                double f[G_COUNT];
                                greeks_to_array(f, &g[m]);
                                for (int k = 0; k < G_COUNT; k++)
                                    ck_assert_msg(isfinite(f[k]), "%s %s S=%g T=%g sigma=%g r=%g q=%g: %s = %g",
                                                  m ? "b76" : "bsm", th > 0 ? "call" : "put", S, T, sigma, r, q,
                                                  greek_name[k], f[k]);
                                ck_assert_msg(isfinite(p[m]) && p[m] >= 0, "price fn %g", p[m]);
                                /* no-arbitrage bounds, which the extremes test hardest */
                                ck_assert(g[m].price >= 0);
                                n++;
                            }
                        }
    ck_assert_int_gt(n, 5000);
}

START_TEST(no_nan_on_extreme_grid) { extreme_grid(); }
END_TEST

/*
 * Valid but extreme inputs once gave NaN: the series' backward recurrence overflowed for
 * |x|/v above 5e12, x * x overflowed for |d1| above 1e154, and e^{-rT} K e^{x/2} was 0 * inf for
 * r T = 3000. pricing.h promises no NaN for valid input.
 */
START_TEST(no_nan_extreme_valid_inputs) {
    static const double cases[][6] = {
        /* S, K, T, r, q, sigma */
        {110, 100, 1, 0, 0, 1e-300},
        {110, 100, 5e-324, 0, 0, 0.2},
        {100, 100, 1, 0, 0, 1e200},
        {100, 100, 30, 100, 0, 0.2},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++)
        for (int th = -1; th <= 1; th += 2) {
            const double *c = cases[i];
            hedge_greeks g = bsm(th, c[0], c[1], c[2], c[3], c[4], c[5]);
            double f[G_COUNT];
            greeks_to_array(f, &g);
            for (int k = 0; k < G_COUNT; k++)
                ck_assert_msg(isfinite(f[k]), "case %zu %s: %s = %g", i, th > 0 ? "call" : "put", greek_name[k], f[k]);
            ck_assert_msg(isfinite(bsm_price(th, c[0], c[1], c[2], c[3], c[4], c[5])), "case %zu: price %g", i,
                          bsm_price(th, c[0], c[1], c[2], c[3], c[4], c[5]));
        }
}
END_TEST

/* ---- Invalid input ---- */

typedef struct bad_case {
    int type;
    double S, K, T, r, q, sigma;
    hedge_status status;
    const char *mentions; /* the error message must name the argument */
} bad_case;

static const bad_case bad_cases[] = {
    {1, 100, 100, 1, 0.05, 0, -0.2, HEDGE_ERR_DOMAIN, "volatility"},
    {1, 100, 100, 1, 0.05, 0, NAN, HEDGE_ERR_DOMAIN, "volatility"},
    {-1, 100, 100, 1, 0.05, 0, INFINITY, HEDGE_ERR_DOMAIN, "volatility"},
    {1, 100, 100, -1e-9, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "time to expiry"},
    {1, 100, 100, INFINITY, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "time to expiry"},
    {1, 100, 100, NAN, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "time to expiry"},
    {1, 0, 100, 1, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "underlying"},
    {-1, -5, 100, 1, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "underlying"},
    {1, NAN, 100, 1, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "underlying"},
    {1, INFINITY, 100, 1, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "underlying"},
    {1, 100, 0, 1, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "strike"},
    {1, 100, -1, 1, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "strike"},
    {1, 100, NAN, 1, 0.05, 0, 0.2, HEDGE_ERR_DOMAIN, "strike"},
    {1, 100, 100, 1, NAN, 0, 0.2, HEDGE_ERR_DOMAIN, "rate"},
    {1, 100, 100, 1, -INFINITY, 0, 0.2, HEDGE_ERR_DOMAIN, "rate"},
    {1, 100, 100, 1, 0.05, NAN, 0.2, HEDGE_ERR_DOMAIN, "yield"}, /* BSM only: Black-76 has no q */
    {0, 100, 100, 1, 0.05, 0, 0.2, HEDGE_ERR_INVALID_ARG, "option type"},
    {2, 100, 100, 1, 0.05, 0, 0.2, HEDGE_ERR_INVALID_ARG, "option type"},
};

static void assert_mentions(const char *what) {
    const char *msg = hedge_error_message();
    ck_assert_msg(msg && strstr(msg, what), "error message '%s' does not mention '%s'", msg ? msg : "(null)", what);
}

#define SENTINEL (-12345.678)

START_TEST(invalid_input_rejected_untouched) {
    for (size_t i = 0; i < N_ELEMS(bad_cases); i++) {
        const bad_case *c = &bad_cases[i];
        hedge_option_type ty = (hedge_option_type)c->type;
        bool has_q = strcmp(c->mentions, "yield") == 0;
        for (int fn = 0; fn < 6; fn++) {
            if (has_q && fn >= 2)
                continue;
            double p = SENTINEL;
            hedge_greeks g, before;
            memset(&g, 0xA5, sizeof g);
            g.struct_size = sizeof g;
            before = g;
            hedge_status st;
            switch (fn) {
            case 0: st = hedge_bsm_price(&p, ty, c->S, c->K, c->T, c->r, c->q, c->sigma); break;
            case 1: st = hedge_bsm_greeks(&g, ty, c->S, c->K, c->T, c->r, c->q, c->sigma); break;
            case 2: st = hedge_black76_price(&p, ty, c->S, c->K, c->T, c->r, c->sigma); break;
            case 3: st = hedge_black76_greeks(&g, ty, c->S, c->K, c->T, c->r, c->sigma); break;
            case 4: st = hedge_inverse_greeks(&g, ty, c->S, c->K, c->T, c->r, c->sigma); break;
            default: st = hedge_inverse_delta_premium_adjusted(&p, ty, c->S, c->K, c->T, c->r, c->sigma); break;
            }
            ck_assert_msg(st == c->status, "case %zu fn %d: %s, expected %s", i, fn, hedge_status_name(st),
                          hedge_status_name(c->status));
            assert_mentions(c->mentions);
            ck_assert_msg(p == SENTINEL, "case %zu fn %d wrote its output", i, fn);
            ck_assert_msg(memcmp(&g, &before, sizeof g) == 0, "case %zu fn %d wrote the greeks", i, fn);
        }
    }
}
END_TEST

START_TEST(null_and_bad_struct_size) {
    ck_assert_status(hedge_bsm_price(NULL, HEDGE_CALL, 100, 100, 1, 0, 0, 0.2), HEDGE_ERR_INVALID_ARG);
    assert_mentions("price");
    ck_assert_status(hedge_black76_price(NULL, HEDGE_CALL, 100, 100, 1, 0, 0.2), HEDGE_ERR_INVALID_ARG);
    assert_mentions("price");
    ck_assert_status(hedge_bsm_greeks(NULL, HEDGE_CALL, 100, 100, 1, 0, 0, 0.2), HEDGE_ERR_INVALID_ARG);
    assert_mentions("greeks");
    ck_assert_status(hedge_black76_greeks(NULL, HEDGE_CALL, 100, 100, 1, 0, 0.2), HEDGE_ERR_INVALID_ARG);
    assert_mentions("greeks");
    ck_assert_status(hedge_inverse_greeks(NULL, HEDGE_CALL, 100, 100, 1, 0, 0.2), HEDGE_ERR_INVALID_ARG);
    assert_mentions("greeks");
    ck_assert_status(hedge_inverse_delta_premium_adjusted(NULL, HEDGE_CALL, 100, 100, 1, 0, 0.2),
                     HEDGE_ERR_INVALID_ARG);
    assert_mentions("delta");
    ck_assert_status(hedge_greeks_to_market_units(NULL, 365), HEDGE_ERR_INVALID_ARG);
    /* a struct_size that cannot even hold the price: rejected, nothing written */
    for (size_t size = 0; size < offsetof(hedge_greeks, price) + sizeof(double); size += 4) {
        hedge_greeks g, before;
        memset(&g, 0xA5, sizeof g);
        g.struct_size = size;
        before = g;
        ck_assert_status(hedge_bsm_greeks(&g, HEDGE_CALL, 100, 100, 1, 0, 0, 0.2), HEDGE_ERR_INVALID_ARG);
        assert_mentions("struct_size");
        ck_assert_status(hedge_black76_greeks(&g, HEDGE_CALL, 100, 100, 1, 0, 0.2), HEDGE_ERR_INVALID_ARG);
        ck_assert_status(hedge_inverse_greeks(&g, HEDGE_CALL, 100, 100, 1, 0, 0.2), HEDGE_ERR_INVALID_ARG);
        ck_assert_status(hedge_greeks_to_market_units(&g, 365), HEDGE_ERR_INVALID_ARG);
        ck_assert(memcmp(&g, &before, sizeof g) == 0);
    }
}
END_TEST

/* ---- The whole valid domain (pricing.h: finite values, or HEDGE_ERR_TOO_LARGE) ---- */

static bool all_fields_finite(const hedge_greeks *g) {
    double f[G_COUNT];
    greeks_to_array(f, g);
    for (int k = 0; k < G_COUNT; k++)
        if (!isfinite(f[k]))
            return false;
    return true;
}

/*
 * Found by fuzz_pricing: a strike of 5.5e-312 at expiry gave inf, since the intrinsic value was formed
 * as K (e^{x - rT} - e^{-rT}) with e^{x} = S/K = 9e317 overflowing. At T = 0 the value is the intrinsic
 * value, S - K = S to the last bit here, and the put is worthless.
 */
START_TEST(subnormal_strike_at_expiry) {
    const double S = 5e6, K = 5.5e-312;
    ck_assert_double_eq(bsm_price(HEDGE_CALL, S, K, 0.0, 0.0, 0.0, 0.2), S);
    ck_assert_double_eq(bsm_price(HEDGE_PUT, S, K, 0.0, 0.0, 0.0, 0.2), 0.0);
    ck_assert_double_eq(b76_price(HEDGE_CALL, S, K, 0.0, 0.03, 0.2), S);
    hedge_greeks g = bsm(HEDGE_CALL, S, K, 0.0, 0.05, 0.02, 0.2);
    ck_assert(all_fields_finite(&g));
    ck_assert_double_eq(g.price, S);
    ck_assert_double_eq(g.delta, 1.0);
    /* a moment before expiry the deep in-the-money call is S e^{-qT} - K e^{-rT}, still S to rounding */
    ck_assert_close(bsm_price(HEDGE_CALL, S, K, 1e-6, 0.05, 0.02, 0.2), S * exp(-0.02e-6), 1e-15, 0);
}
END_TEST

/*
 * Found by fuzz_pricing: T near DBL_MAX gave NaN Greeks (b / v - d2 / (2T) and the like with T^2
 * overflowing). sigma sqrt(T) is then beyond DBL_MAX: the limits are S e^{-qT} for a call and
 * K e^{-rT} for a put, delta e^{-qT} and 0, and every density-weighted Greek 0.
 */
START_TEST(time_near_dbl_max) {
    static const double Ts[] = {DBL_MAX, 1e300, 0x1p1000};
    /* rT = qT = T/2 below: DBL_MAX/2 is beyond the limit 2^1022, so those rates are 1/4 */
    for (size_t i = 0; i < N_ELEMS(Ts); i++) {
        double T = Ts[i];
        /* carry rho T S e^{-qT} N(d1) and the put's rho -T K e^{-rT} N(-d2) are T S and T K: beyond
         * DBL_MAX at T = DBL_MAX, so the fields up to theta are asked for */
        hedge_greeks c = HEDGE_GREEKS_INIT, p = HEDGE_GREEKS_INIT;
        c.struct_size = p.struct_size = offsetof(hedge_greeks, rho);
        ck_assert_status(hedge_bsm_greeks(&c, HEDGE_CALL, 100, 90, T, 0.0, 0.0, 0.2), HEDGE_OK);
        ck_assert_status(hedge_bsm_greeks(&p, HEDGE_PUT, 100, 90, T, 0.0, 0.0, 0.2), HEDGE_OK);
        hedge_greeks full = HEDGE_GREEKS_INIT;
        hedge_status st = hedge_bsm_greeks(&full, HEDGE_CALL, 100, 90, T, 0.0, 0.0, 0.2);
        if (100 * T > DBL_MAX) {
            ck_assert_int_eq(st, HEDGE_ERR_TOO_LARGE);
            assert_mentions("carry_rho");
        } else {
            ck_assert_int_eq(st, HEDGE_OK);
            ck_assert(all_fields_finite(&full));
            ck_assert_close(full.carry_rho, T * 100, 1e-15, 0);
            ck_assert_double_eq(full.vanna, 0.0);
            ck_assert_double_eq(full.speed, 0.0);
        }
        ck_assert_double_eq(c.price, 100.0);
        ck_assert_double_eq(p.price, 90.0);
        ck_assert_double_eq(c.delta, 1.0);
        ck_assert_double_eq(p.delta, 0.0);
        ck_assert_double_eq(c.gamma, 0.0);
        ck_assert_double_eq(c.vega, 0.0);
        ck_assert_double_eq(c.theta, 0.0);
        ck_assert_double_eq(bsm_price(HEDGE_CALL, 100, 90, T, 0.0, 0.0, 0.2), 100.0);
        /* a rate of 1e-300 over 1e300 years: e^{-rT} = e^{-1} exactly as the product is formed */
        double rT = 1e-300 * T;
        if (rT < 700 && T * 90 < DBL_MAX) {
            hedge_greeks d = bsm(HEDGE_PUT, 100, 90, T, 1e-300, 0.0, 0.2);
            ck_assert_close(d.price, 90 * exp(-rT), 1e-15, 0);
            ck_assert_close(d.rho, -T * 90 * exp(-rT), 1e-15, 0); /* theta T K e^{-rT} N(theta d2), N(-d2) = 1 */
        }
        /* e^{-rT} and e^{-qT} both underflow: everything is 0 */
        hedge_greeks z = bsm(HEDGE_CALL, 100, 90, T, 0.25, 0.25, 0.2);
        ck_assert(all_fields_finite(&z));
        ck_assert_double_eq(z.price, 0.0);
        ck_assert_double_eq(z.carry_rho, 0.0);
    }
}
END_TEST

/*
 * Found by fuzz_pricing once the whole domain was open (huge T, sigma and rates): two cases where the
 * value is bounded by a discount factor that underflows, but a rounding of huge exponents gave a
 * positive price. The put is at most K e^{-rT} with rT = 9e96, and the call at most S e^{-qT} with
 * qT = 2.7e97, which b = r - q rounded to r had dropped: both are 0.
 */
START_TEST(bounded_by_underflowing_discount) {
    hedge_greeks p = bsm(HEDGE_PUT, 7.978272136984623e-240, 5.4250689084791421e+97, 5.4250677102332443e+97,
                         0.16666666666666663, -8.4099219651568283e+94, 5.4250677102332443e+97);
    ck_assert(all_fields_finite(&p));
    ck_assert_double_eq(p.price, 0.0);
    hedge_greeks c = bsm(HEDGE_CALL, 7.9782708813063125e-240, 2154.4346900318851, 5.4250689038170616e+97,
                         -8.4099201200352665e+94, 0.5, 5.4250689038170616e+97);
    ck_assert(all_fields_finite(&c));
    ck_assert_double_eq(c.price, 0.0);
    ck_assert_double_eq(c.delta, 0.0); /* e^{-qT} N(d1) */
}
END_TEST

/* hedge_greeks must not be written, and the status must name the value, when one is too large. */
static void assert_too_large(hedge_status st, const char *what) {
    ck_assert_msg(st == HEDGE_ERR_TOO_LARGE, "got %s (%s)", hedge_status_name(st), hedge_error_message());
    assert_mentions(what);
}

/*
 * A value beyond DBL_MAX is HEDGE_ERR_TOO_LARGE, never inf. At the money with S = K = 1e-300 and a total
 * volatility of 1e-10, gamma = n(d1) / (S sigma sqrt T) is 4e309; the price (4e-311) and delta (1/2)
 * are fine, and a caller whose struct ends before gamma gets them. A put whose K e^{-rT} is beyond
 * DBL_MAX (rT = -800) is too large in the price function as well.
 */
START_TEST(too_large_is_a_status) {
    hedge_greeks g = HEDGE_GREEKS_INIT, before;
    g.price = SENTINEL;
    before = g;
    assert_too_large(hedge_bsm_greeks(&g, HEDGE_CALL, 1e-300, 1e-300, 1.0, 0.0, 0.0, 1e-10), "gamma");
    ck_assert(memcmp(&g, &before, sizeof g) == 0);
    assert_too_large(hedge_black76_greeks(&g, HEDGE_CALL, 1e-300, 1e-300, 1.0, 0.0, 1e-10), "gamma");
    g.struct_size = offsetof(hedge_greeks, gamma);
    ck_assert_status(hedge_bsm_greeks(&g, HEDGE_CALL, 1e-300, 1e-300, 1.0, 0.0, 0.0, 1e-10), HEDGE_OK);
    ck_assert_close(g.delta, 0.5, 1e-9, 0);                 /* N(v/2) */
    ck_assert_close(g.price, 1e-300 * 1e-10 * HEDGE__INV_SQRT_2PI, 1e-9, 0); /* S v n(0) (1 + O(v^2)) */
    double p = SENTINEL;
    assert_too_large(hedge_bsm_price(&p, HEDGE_PUT, 100, 1e300, 1.0, -800.0, 0.0, 0.2), "price");
    ck_assert_double_eq(p, SENTINEL);
    assert_too_large(hedge_black76_price(&p, HEDGE_PUT, 100, 1e300, 1.0, -800.0, 0.2), "price");
    /* the same put a little less extreme: K e^{-rT} = 1e300 e^{10}, to the rounding of rT */
    ck_assert_close(bsm_price(HEDGE_PUT, 100, 1e300, 1.0, -10.0, 0.0, 0.2), 1e300 * exp(10.0), 1e-15, 0);
}
END_TEST

/* pricing.h's limit on the exponents: |r|, |q|, |r T|, |q T| up to 2^1022, beyond it HEDGE_ERR_DOMAIN. */
START_TEST(rate_exponent_limit) {
    const double lim = 0x1p1022;
    double p = SENTINEL;
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, 1.0, lim, 0.0, 0.2), HEDGE_OK);
    ck_assert_double_eq(p, 100.0); /* e^{-rT} = 0, F e^{-rT} = S */
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, 1.0, 2 * lim, 0.0, 0.2), HEDGE_ERR_DOMAIN);
    assert_mentions("rate");
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, 4.0, lim, 0.0, 0.2), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, 4.0, 0.0, -lim, 0.2), HEDGE_ERR_DOMAIN);
    assert_mentions("yield");
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, 0.0, DBL_MAX, 0.0, 0.2), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, DBL_MAX, 0.25, 0.0, 0.2), HEDGE_OK);
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, DBL_MAX, 0.5, 0.0, 0.2), HEDGE_ERR_DOMAIN);
    /* at the limit, opposite signs: the carry r - q = 2^1023 and (r - q) T are still doubles; the put
     * is bounded by K e^{-rT} = 0 and the call is S e^{-qT}, beyond DBL_MAX */
    ck_assert_status(hedge_bsm_price(&p, HEDGE_PUT, 100, 100, 1.0, lim, -lim, 0.2), HEDGE_OK);
    ck_assert_double_eq(p, 0.0);
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 100, 100, 1.0, lim, -lim, 0.2), HEDGE_ERR_TOO_LARGE);
}
END_TEST

/*
 * sigma sqrt(T) = 0 with a subnormal T at the kink: veta = vega (r - b/2 - 1/(2T)) with vega =
 * S sqrt(T) n(0), that is -S n(0) / (2 sqrt T) to first order, 9e162 in magnitude although 1/(2T) is
 * beyond DBL_MAX.
 */
START_TEST(subnormal_time_at_the_kink) {
    const double T = 5e-324;
    hedge_greeks g = bsm(HEDGE_CALL, 100, 100, T, 0.0, 0.0, 0.0);
    ck_assert(all_fields_finite(&g));
    ck_assert_close(g.veta, -100 * HEDGE__INV_SQRT_2PI / (2 * sqrt(T)), 1e-15, 0);
    ck_assert_close(g.vega, 100 * sqrt(T) * HEDGE__INV_SQRT_2PI, 1e-15, 0);
}
END_TEST

/*
 * ln(S/K) of a quotient that underflows into the subnormals keeps a few bits only (all of them lost at
 * 4.9e-324): the difference of the logarithms instead. Found by a 113-bit comparison over the domain,
 * where it moved a price of 1e-264 by 60%.
 */
START_TEST(log_moneyness_subnormal_quotient) {
    static const double S[] = {DBL_TRUE_MIN, 1e-310, 3e-300, 1e300, DBL_MAX};
    static const double K[] = {1.6271341826595409, 1e10, 1e20, 1e-20, 1e-300};
    for (size_t i = 0; i < N_ELEMS(S); i++) {
        double want = log(S[i]) - log(K[i]); /* each logarithm to an ulp; no cancellation at these sizes */
        ck_assert_close(hedge__log_moneyness(S[i], K[i]), want, 4 * DBL_EPSILON, 0);
    }
}
END_TEST

#if HEDGE_HAVE_QUADMATH
/* The call's value from the Haug formula in 113 bits, which has the exponent range to hold every
 * intermediate of these inputs: a reference for the wide path. */
static double q_price(int th, double S_, double K_, double T_, double r_, double q_, double sigma_, bool black76) {
    quad g[G_COUNT], cancel;
    q_greeks(g, &cancel, th, S_, K_, T_, r_, q_, sigma_, black76);
    return (double)g[G_PRICE];
}

/*
 * Prices the ordinary double arithmetic could not give, against the 113-bit evaluation:
 *  - a strike of 1e100 at 3.35e96: b(x, s) = 1e-348 underflows, but K e^{x/2} b = 2e-250 (once 0);
 *  - S = DBL_TRUE_MIN, K = 1.63: the subnormal quotient S/K (once 60% off);
 *  - a put worth K e^{-rT} = 1e-313 with a subnormal strike and sigma = 2.5e29;
 * and, where 113 bits cannot resolve N(d1) - N(d2) = N(5e-311) - N(-5e-311), the limit S v n(0) (1 - v^2/24)
 * at the money with S = K = 1e300 and a total volatility v of 1e-310 (subnormal in a double).
 */
START_TEST(wide_path_vs_quad) {
    static const struct { int th; double S, K, T, r, q, sigma, tol; bool black76; } c[] = {
        {1, 1e100 * 3.3546262790251185e-4, 1e100, 1.0, 0.0, 0.0, 0.2, 1e-12, false},
        {-1, 1e100, 1e100 * 3.3546262790251185e-4, 1.0, 0.0, 0.0, 0.2, 1e-12, false},
        {1, DBL_TRUE_MIN, 1.6271341826595409, 8199.7349874293577, -0.016659857053008764, 0.0, 28633.023666570996,
         1e-9, true},
        {-1, 0.0029286445646252378, 2.6535501518579235e-316, 5.9780273517573228, -1.0, -0.3, 2.5353012004564498e+29,
         1e-15, false},
    };
    for (size_t i = 0; i < N_ELEMS(c); i++) {
        double want = q_price(c[i].th, c[i].S, c[i].K, c[i].T, c[i].r, c[i].q, c[i].sigma, c[i].black76);
        /* price to vega: the zomma and veta of the last case are beyond DBL_MAX (-S n(0) / (2 sqrt T) ...) */
        hedge_greeks g = HEDGE_GREEKS_INIT;
        g.struct_size = offsetof(hedge_greeks, theta);
        ck_assert_status(c[i].black76 ? hedge_black76_greeks(&g, c[i].th, c[i].S, c[i].K, c[i].T, c[i].r, c[i].sigma)
                                      : hedge_bsm_greeks(&g, c[i].th, c[i].S, c[i].K, c[i].T, c[i].r, c[i].q,
                                                         c[i].sigma),
                         HEDGE_OK);
        ck_assert_msg(want > 1e-320 && fabs(g.price - want) <= c[i].tol * want, "case %zu: %.17g vs 113-bit %.17g",
                      i, g.price, want);
        double p = c[i].black76 ? b76_price(c[i].th, c[i].S, c[i].K, c[i].T, c[i].r, c[i].sigma)
                                : bsm_price(c[i].th, c[i].S, c[i].K, c[i].T, c[i].r, c[i].q, c[i].sigma);
        ck_assert_msg(fabs(p - want) <= c[i].tol * want, "case %zu: price fn %.17g vs 113-bit %.17g", i, p, want);
    }
    double atm = 1e300 * (HEDGE__INV_SQRT_2PI * 1e-5) * 1e-305; /* S sqrt(T) n(0) sigma, kept normal */
    ck_assert_close(bsm_price(HEDGE_CALL, 1e300, 1e300, 1e-10, 0.0, 0.0, 1e-305), atm, 1e-15, 0);
    ck_assert_close(bsm_price(HEDGE_PUT, 1e300, 1e300, 1e-10, 0.0, 0.0, 1e-305), atm, 1e-15, 0);
    hedge_greeks g = HEDGE_GREEKS_INIT;
    g.struct_size = offsetof(hedge_greeks, theta);
    ck_assert_status(hedge_bsm_greeks(&g, HEDGE_CALL, 1e300, 1e300, 1e-10, 0.0, 0.0, 1e-305), HEDGE_OK);
    ck_assert_close(g.price, atm, 1e-15, 0);
    ck_assert_close(g.gamma, HEDGE__INV_SQRT_2PI / (1e300 * 1e-305) / 1e-5, 1e-15, 0); /* n(0) / (S v) */
}
END_TEST

/* A sweep of the wide path against the 113-bit Greeks on inputs far outside the ordinary box, with
 * the tolerance of the 113-bit sweep widened by the conditioning of the exponents. */
START_TEST(wide_path_greeks_vs_quad) {
    static const double Ss[] = {1e-300, 1e-150, 3e-100, 1e150, 1e300};
    static const double mny[] = {0.5, 1.0, 1.7};
    static const double Ts[] = {1e-250, 1e-100, 1.0, 1e100};
    static const double vols[] = {1e-80, 0.3, 1e40};
    long n = 0, bad = 0;
    for (size_t a = 0; a < N_ELEMS(Ss); a++)
        for (size_t m = 0; m < N_ELEMS(mny); m++)
            for (size_t t = 0; t < N_ELEMS(Ts); t++)
                for (size_t v = 0; v < N_ELEMS(vols); v++)
                    for (int th = -1; th <= 1; th += 2) {
                        double S = Ss[a], K = S * mny[m], T = Ts[t], sigma = vols[v];
                        double r = 1e-102 * (T > 1 ? 1 : 1e102), q = -0.5 * r; /* rT of 0.01 or 1 */
                        double sv = sigma * sqrt(T), x = log(S / K) + (r - q) * T, D = fabs(x) / sv + 0.5 * sv;
                        if (!(sv > 1e-300) || !(D < 30) || !(sv < 1e150))
                            continue; /* the double reference's own d, and n(d) > 0 */
                        hedge_greeks g = HEDGE_GREEKS_INIT;
                        hedge_status st = hedge_bsm_greeks(&g, th, S, K, T, r, q, sigma);
                        quad ref[G_COUNT], cancel;
                        q_greeks(ref, &cancel, th, S, K, T, r, q, sigma, false);
                        bool overflow = false;
                        for (int k = 0; k < G_COUNT; k++)
                            overflow |= fabsq(ref[k]) > (quad)DBL_MAX;
                        n++;
                        if (overflow) {
                            bad += st != HEDGE_ERR_TOO_LARGE;
                            continue;
                        }
                        ck_assert_status(st, HEDGE_OK);
                        double got[G_COUNT], sc[G_COUNT];
                        greeks_to_array(got, &g);
                        greek_scales(sc, false, S, K, T, r, q, sigma);
                        for (int k = 0; k < G_COUNT; k++) {
                            double e = got[k] == (double)ref[k] ? 0.0 /* both 0 where sc underflows too */
                                       : fabs((double)((quad)got[k] - ref[k])) / (fabs((double)ref[k]) + 1e-2 * sc[k]);
                            if (!(e <= 1e-12 * (1 + D * D))) {
                                bad++;
                                if (verbose())
                                    fprintf(stderr, "  wide %s: %.17g vs %.17g (err %.3g) S=%g K=%g T=%g sigma=%g th=%d\n",
                                            greek_name[k], got[k], (double)ref[k], e, S, K, T, sigma, th);
                            }
                        }
                    }
    ck_assert_int_gt(n, 60);
    ck_assert_msg(bad == 0, "%ld of %ld disagree with the 113-bit Greeks (HEDGE_TEST_VERBOSE=1)", bad, n);
}
END_TEST
#endif

/* ---- struct_size: older and newer callers ---- */

/* A caller compiled against a shorter hedge_greeks gets exactly the fields it knows; the guard
 * bytes after them stay as they were. A caller with a longer one (a future version) gets every
 * field this version has, and its extra tail is left alone. */
START_TEST(struct_size_prefix_only) {
    enum { GUARD = 64 };
    static const size_t sizes[] = {offsetof(hedge_greeks, price) + sizeof(double), offsetof(hedge_greeks, vanna),
                                   offsetof(hedge_greeks, dual_gamma), sizeof(hedge_greeks),
                                   sizeof(hedge_greeks) + 24};
    hedge_greeks full = bsm(HEDGE_PUT, 95, 100, 0.5, 0.03, 0.01, 0.4);
    hedge_greeks fullb = b76(HEDGE_PUT, 95, 100, 0.5, 0.03, 0.4);
    hedge_greeks fulli = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_inverse_greeks(&fulli, HEDGE_PUT, 95, 100, 0.5, 0.03, 0.4), HEDGE_OK);
    hedge_greeks fullm = full;
    ck_assert_status(hedge_greeks_to_market_units(&fullm, 365), HEDGE_OK);
    for (size_t i = 0; i < N_ELEMS(sizes); i++)
        for (int fn = 0; fn < 4; fn++) {
            size_t size = sizes[i];
            union {
                hedge_greeks g;
                unsigned char bytes[sizeof(hedge_greeks) + GUARD];
            } buf, before;
            memset(&buf, 0xA5, sizeof buf);
            const hedge_greeks *want;
            if (fn == 3) /* market units on a short struct: start from a short copy of the full set */
                memcpy(&buf, &full, size < sizeof full ? size : sizeof full);
            buf.g.struct_size = size;
            before = buf;
            switch (fn) {
            case 0: ck_assert_status(hedge_bsm_greeks(&buf.g, HEDGE_PUT, 95, 100, 0.5, 0.03, 0.01, 0.4), HEDGE_OK);
                want = &full; break;
            case 1: ck_assert_status(hedge_black76_greeks(&buf.g, HEDGE_PUT, 95, 100, 0.5, 0.03, 0.4), HEDGE_OK);
                want = &fullb; break;
            case 2: ck_assert_status(hedge_inverse_greeks(&buf.g, HEDGE_PUT, 95, 100, 0.5, 0.03, 0.4), HEDGE_OK);
                want = &fulli; break;
            default: ck_assert_status(hedge_greeks_to_market_units(&buf.g, 365), HEDGE_OK);
                want = &fullm; break;
            }
            size_t known = size < sizeof(hedge_greeks) ? size : sizeof(hedge_greeks);
            ck_assert_uint_eq(buf.g.struct_size, size);
            ck_assert_msg(memcmp((char *)&buf + sizeof(size_t), (const char *)want + sizeof(size_t),
                                 known - sizeof(size_t)) == 0, "fn %d size %zu: known fields differ", fn, size);
            ck_assert_msg(memcmp(buf.bytes + known, before.bytes + known, sizeof buf - known) == 0,
                          "fn %d size %zu: wrote beyond struct_size", fn, size);
        }
}
END_TEST

/* Market units against their definitions: a one-point move in vol, one day of time, one basis point
 * of rate, measured on the price by central differences (errors O(h^2); a units slip is 100x). */
START_TEST(market_units) {
    const double S = 97, K = 100, T = 0.5, r = 0.03, q = 0.01, sig = 0.4;
    hedge_greeks g = bsm(HEDGE_CALL, S, K, T, r, q, sig), m = g;
    ck_assert_status(hedge_greeks_to_market_units(&m, 365), HEDGE_OK);
    ck_assert_double_eq(m.price, g.price);
    ck_assert_double_eq(m.delta, g.delta);
    ck_assert_double_eq(m.gamma, g.gamma);
    ck_assert_double_eq(m.speed, g.speed);
    ck_assert_double_eq(m.dual_delta, g.dual_delta);
    ck_assert_double_eq(m.dual_gamma, g.dual_gamma);
    ck_assert_close(m.vega, g.vega / 100, 1e-15, 0);
    ck_assert_close(m.vanna, g.vanna / 100, 1e-15, 0);
    ck_assert_close(m.zomma, g.zomma / 100, 1e-15, 0);
    ck_assert_close(m.volga, g.volga / 1e4, 1e-15, 0);
    ck_assert_close(m.theta, g.theta / 365, 1e-15, 0);
    ck_assert_close(m.charm, g.charm / 365, 1e-15, 0);
    ck_assert_close(m.color, g.color / 365, 1e-15, 0);
    ck_assert_close(m.veta, g.veta / 36500, 1e-15, 0);
    ck_assert_close(m.rho, g.rho / 1e4, 1e-15, 0);
    ck_assert_close(m.carry_rho, g.carry_rho / 1e4, 1e-15, 0);
    /* the meaning, not the arithmetic: */
#define PX(dS, dT, dr, dq, ds) bsm(HEDGE_CALL, S + (dS), K, T + (dT), r + (dr), q + (dq), sig + (ds)).price
    ck_assert_close(m.vega, (PX(0, 0, 0, 0, 0.005) - PX(0, 0, 0, 0, -0.005)), 1e-5, 0);
    ck_assert_close(m.volga, PX(0, 0, 0, 0, 0.01) - 2 * g.price + PX(0, 0, 0, 0, -0.01), 1e-3, 0); /* h^2 term 2e-4 */
    ck_assert_close(m.theta, (PX(0, -0.5 / 365, 0, 0, 0) - PX(0, 0.5 / 365, 0, 0, 0)), 1e-5, 0);
    ck_assert_close(m.rho, (PX(0, 0, 0.5e-4, 0, 0) - PX(0, 0, -0.5e-4, 0, 0)), 1e-6, 0);
    ck_assert_close(m.carry_rho, (PX(0, 0, 0, -0.5e-4, 0) - PX(0, 0, 0, 0.5e-4, 0)), 1e-6, 0);
#undef PX
    hedge_greeks t = g;
    ck_assert_status(hedge_greeks_to_market_units(&t, 252), HEDGE_OK);
    ck_assert_close(t.theta, g.theta / 252, 1e-15, 0);
    static const double bad[] = {0, -365, NAN, INFINITY};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        hedge_greeks u = g;
        ck_assert_status(hedge_greeks_to_market_units(&u, bad[i]), HEDGE_ERR_DOMAIN);
        assert_mentions("days_per_year");
        ck_assert(memcmp(&u, &g, sizeof g) == 0);
    }
}
END_TEST

/* ---- Batch kernels ---- */

/* A deterministic spread of options: calls and puts across the sweep's ranges. */
static uint64_t lcg_state;
static double uniform(void) {
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) * 0x1p-53;
}

enum { NB = 257 };
typedef struct batch_in {
    int32_t type[NB];
    double S[NB], K[NB], T[NB], r[NB], q[NB], sigma[NB];
} batch_in;

static void batch_fill(batch_in *in) {
    lcg_state = 42;
    for (int i = 0; i < NB; i++) {
        in->type[i] = uniform() < 0.5 ? HEDGE_CALL : HEDGE_PUT;
        in->K[i] = 100;
        in->S[i] = 100 * exp(2.3 * (uniform() - 0.5));
        in->T[i] = exp(log(1.0 / 8760) + uniform() * (log(30) - log(1.0 / 8760)));
        in->sigma[i] = 0.01 + 2.99 * uniform();
        in->r[i] = -0.05 + 0.15 * uniform();
        in->q[i] = -0.05 + 0.15 * uniform();
    }
    in->T[7] = 0;      /* the degenerate path inside a batch */
    in->sigma[8] = 0;
}

/* The batch kernels promise (pricing.h) the scalar results to 3e-14 relative in the price and 1e-14
 * in the Greeks: they use their own exp, log and Mills ratio, each good to a few ulp, so exact
 * equality is not the contract. The absolute floor (1e-15 of the Greek's natural scale) covers
 * Greeks that cross zero and tails like a delta of 1e-190, whose relative error is set by the
 * rounding of d1 (d1^2 ulp), in the scalar kernel as much as in the batch. */
static void assert_near(double batch, double scalar, double rel, double scale, const char *what, int i) {
    double tol = rel * fabs(scalar) + 1e-15 * scale;
    ck_assert_msg(batch == scalar || fabs(batch - scalar) <= tol, "%s[%d] = %.17g, scalar %.17g (rel %.3g)", what, i,
                  batch, scalar, (batch - scalar) / scalar);
}

/* With price_too, every output against the scalar kernel. Without, delta, gamma and vega alone: the
 * kernel then keeps the near-the-money lanes whose price would lose bits to cancellation (the
 * simulator's case), and those Greeks must still be the scalar kernel's; every other element is
 * moved within 2% of the money with 1 hour to 2 weeks left, so that many lanes straddle. */
static void batch_compare(bool black76, bool price_too) {
    static batch_in in;
    batch_fill(&in);
    if (!price_too)
        for (int i = 0; i < NB; i += 2) {
            in.S[i] = 100 * (0.98 + 0.04 * uniform());
            in.T[i] = exp(log(1.0 / 8760) + uniform() * (log(14.0 / 365) - log(1.0 / 8760)));
        }
    static double price[NB], delta[NB], gamma[NB], vega[NB], theta[NB], rho[NB];
    static hedge_status status[NB];
    hedge_greeks_arrays out = {sizeof out, price, delta, gamma, vega, theta, rho, status};
    if (!price_too)
        out.price = out.theta = out.rho = NULL;
    hedge_status st = black76 ? hedge_black76_greeks_batch(NB, in.type, in.S, in.K, in.T, in.r, in.sigma, &out)
                              : hedge_bsm_greeks_batch(NB, in.type, in.S, in.K, in.T, in.r, in.q, in.sigma, &out);
    ck_assert_status(st, HEDGE_OK);
    for (int i = 0; i < NB; i++) {
        hedge_greeks g = black76 ? b76(in.type[i], in.S[i], in.K[i], in.T[i], in.r[i], in.sigma[i])
                                 : bsm(in.type[i], in.S[i], in.K[i], in.T[i], in.r[i], in.q[i], in.sigma[i]);
        ck_assert_int_eq(status[i], HEDGE_OK);
        /* floors in each Greek's natural scale: 1, 1/(S sigma sqrt T), S sqrt T, S, S T */
        double sv = in.sigma[i] * sqrt(in.T[i]), S = in.S[i];
        assert_near(delta[i], g.delta, 1e-14, 1.0, "delta", i);
        assert_near(gamma[i], g.gamma, 1e-14, sv > 0 ? 1.0 / (S * sv) : 0.0, "gamma", i);
        assert_near(vega[i], g.vega, 1e-14, S * sqrt(in.T[i]), "vega", i);
        if (price_too) {
            assert_near(price[i], g.price, 3e-14, S, "price", i);
            assert_near(theta[i], g.theta, 1e-14, S, "theta", i);
            assert_near(rho[i], g.rho, 1e-14, S * in.T[i], "rho", i);
        }
    }
}

START_TEST(bsm_batch_matches_scalar) {
    batch_compare(false, true);
    batch_compare(false, false);
}
END_TEST

START_TEST(black76_batch_matches_scalar) {
    batch_compare(true, true);
    batch_compare(true, false);
}
END_TEST

/* NULL output arrays are skipped, the others still filled; a bad element gets NaN and its status,
 * the call returns the first bad element's status and names its index, and the rest are right. */
START_TEST(batch_outputs_and_bad_elements) {
    static batch_in in;
    batch_fill(&in);
    in.sigma[5] = -0.1;
    in.type[9] = 0;
    in.K[200] = NAN;
    static double price[NB], theta[NB];
    static hedge_status status[NB];
    for (int black76 = 0; black76 < 2; black76++) {
        hedge_greeks_arrays out = HEDGE_GREEKS_ARRAYS_INIT;
        out.price = price;
        out.theta = theta;
        out.status = status;
        hedge_status st = black76 ? hedge_black76_greeks_batch(NB, in.type, in.S, in.K, in.T, in.r, in.sigma, &out)
                                  : hedge_bsm_greeks_batch(NB, in.type, in.S, in.K, in.T, in.r, in.q, in.sigma, &out);
        ck_assert_status(st, HEDGE_ERR_DOMAIN);
        assert_mentions("element 5");
        assert_mentions("volatility");
        for (int i = 0; i < NB; i++) {
            if (i == 5 || i == 9 || i == 200) {
                ck_assert_int_eq(status[i], i == 9 ? HEDGE_ERR_INVALID_ARG : HEDGE_ERR_DOMAIN);
                ck_assert(isnan(price[i]) && isnan(theta[i]));
                continue;
            }
            hedge_greeks g = black76 ? b76(in.type[i], in.S[i], in.K[i], in.T[i], in.r[i], in.sigma[i])
                                     : bsm(in.type[i], in.S[i], in.K[i], in.T[i], in.r[i], in.q[i], in.sigma[i]);
            ck_assert_int_eq(status[i], HEDGE_OK);
            assert_near(price[i], g.price, 3e-14, in.S[i], "price", i);
            assert_near(theta[i], g.theta, 1e-14, in.S[i], "theta", i);
        }
    }
    /* without a status array the return value still reports the first bad element */
    hedge_greeks_arrays only_price = HEDGE_GREEKS_ARRAYS_INIT;
    only_price.price = price;
    in.sigma[5] = 0.2;
    ck_assert_status(hedge_bsm_greeks_batch(NB, in.type, in.S, in.K, in.T, in.r, in.q, in.sigma, &only_price),
                     HEDGE_ERR_INVALID_ARG);
    assert_mentions("element 9");
}
END_TEST

/*
 * An element whose price or one of its five Greeks is beyond DBL_MAX gets HEDGE_ERR_TOO_LARGE and NaN:
 * element 3 is within the scalar kernel's ordinary box (2^-400, a total volatility of 2^-300,
 * e^{-rT} = e^{300}) with gamma = e^{300} n(0) / (S v) = 2^1133, element 5 outside it (S = K = 1e-300,
 * v = 1e-10, gamma 4e309). Neither is in the SIMD kernel's smaller box, where nothing can overflow
 * (batch_kernel.h); the fuzzer holds its lanes to finite values. The other elements are unaffected.
 */
START_TEST(batch_too_large_element) {
    enum { N = 16 };
    int32_t type[N];
    double S[N], K[N], T[N], r[N], q[N], sigma[N], price[N], gamma[N];
    hedge_status status[N];
    for (int i = 0; i < N; i++) {
        type[i] = i % 2 ? HEDGE_CALL : HEDGE_PUT;
        S[i] = 90 + i;
        K[i] = 100;
        T[i] = 0.5;
        r[i] = 0.03;
        q[i] = 0.01;
        sigma[i] = 0.3;
    }
    S[3] = K[3] = 0x1p-400;
    T[3] = sigma[3] = 0x1p-200;
    r[3] = q[3] = -300 * 0x1p200;
    S[5] = K[5] = 1e-300;
    T[5] = 1;
    r[5] = q[5] = 0.0; /* at the money forward */
    sigma[5] = 1e-10;
    hedge_greeks_arrays out = HEDGE_GREEKS_ARRAYS_INIT;
    out.price = price;
    out.gamma = gamma;
    out.status = status;
    for (int black76 = 0; black76 < 2; black76++) {
        hedge_status st = black76 ? hedge_black76_greeks_batch(N, type, S, K, T, r, sigma, &out)
                                  : hedge_bsm_greeks_batch(N, type, S, K, T, r, q, sigma, &out);
        ck_assert_status(st, HEDGE_ERR_TOO_LARGE);
        assert_mentions("element 3");
        assert_mentions("gamma");
        for (int i = 0; i < N; i++) {
            if (i == 3 || i == 5) {
                ck_assert_int_eq(status[i], HEDGE_ERR_TOO_LARGE);
                ck_assert(isnan(price[i]) && isnan(gamma[i]));
                continue;
            }
            ck_assert_int_eq(status[i], HEDGE_OK);
            hedge_greeks g = black76 ? b76(type[i], S[i], K[i], T[i], r[i], sigma[i])
                                     : bsm(type[i], S[i], K[i], T[i], r[i], q[i], sigma[i]);
            assert_near(price[i], g.price, 3e-14, S[i], "price", i);
        }
        /* the scalar call agrees: gamma (its third field) is what is too large */
        hedge_greeks g = HEDGE_GREEKS_INIT;
        ck_assert_status(black76 ? hedge_black76_greeks(&g, type[3], S[3], K[3], T[3], r[3], sigma[3])
                                 : hedge_bsm_greeks(&g, type[3], S[3], K[3], T[3], r[3], q[3], sigma[3]),
                         HEDGE_ERR_TOO_LARGE);
        assert_mentions("gamma");
    }
}
END_TEST

START_TEST(batch_empty_and_null) {
    static batch_in in;
    batch_fill(&in);
    double price[4] = {SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    hedge_greeks_arrays out = HEDGE_GREEKS_ARRAYS_INIT;
    out.price = price;
    ck_assert_status(hedge_bsm_greeks_batch(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &out), HEDGE_OK);
    ck_assert_status(hedge_black76_greeks_batch(0, NULL, NULL, NULL, NULL, NULL, NULL, &out), HEDGE_OK);
    ck_assert_status(hedge_bsm_greeks_batch(4, in.type, in.S, in.K, in.T, in.r, in.q, in.sigma, NULL),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_bsm_greeks_batch(4, in.type, NULL, in.K, in.T, in.r, in.q, in.sigma, &out),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_bsm_greeks_batch(4, in.type, in.S, in.K, in.T, in.r, NULL, in.sigma, &out),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_black76_greeks_batch(4, in.type, in.S, in.K, in.T, in.r, NULL, &out),
                     HEDGE_ERR_INVALID_ARG);
    out.struct_size = 8;
    ck_assert_status(hedge_bsm_greeks_batch(4, in.type, in.S, in.K, in.T, in.r, in.q, in.sigma, &out),
                     HEDGE_ERR_INVALID_ARG);
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq(price[i], SENTINEL);
    /* every output NULL: valid, computes nothing visible */
    hedge_greeks_arrays none = HEDGE_GREEKS_ARRAYS_INIT;
    ck_assert_status(hedge_bsm_greeks_batch(NB, in.type, in.S, in.K, in.T, in.r, in.q, in.sigma, &none), HEDGE_OK);
}
END_TEST

Suite *hedge_test_suite_pricing(void) {
    Suite *s = suite_create("pricing");
    TCase *tc = tcase_create("quad");
    tcase_set_timeout(tc, 120);
#if HEDGE_HAVE_QUADMATH
    tcase_add_test(tc, normalised_black_vs_quad);
    tcase_add_test(tc, erfcx_vs_quad);
    tcase_add_test(tc, bsm_vs_quad);
    tcase_add_test(tc, black76_vs_quad);
    tcase_add_test(tc, short_expiry_near_money_vs_quad);
#endif
    suite_add_tcase(s, tc);

    tc = tcase_create("finite_differences");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, bsm_vs_finite_differences);
    tcase_add_test(tc, black76_vs_finite_differences);
    tcase_add_test(tc, theta_one_hour);
    suite_add_tcase(s, tc);

    tc = tcase_create("identities");
    tcase_add_test(tc, put_call_parity);
    tcase_add_test(tc, published_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, degenerate_limits_off_the_money);
    tcase_add_test(tc, degenerate_documented_values);
    tcase_add_test(tc, price_tends_to_degenerate_value);
    tcase_add_test(tc, huge_volatility_limits);
    tcase_add_test(tc, no_nan_on_extreme_grid);
    tcase_add_test(tc, no_nan_extreme_valid_inputs);
    suite_add_tcase(s, tc);

    tc = tcase_create("extremes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, subnormal_strike_at_expiry);
    tcase_add_test(tc, time_near_dbl_max);
    tcase_add_test(tc, bounded_by_underflowing_discount);
    tcase_add_test(tc, too_large_is_a_status);
    tcase_add_test(tc, rate_exponent_limit);
    tcase_add_test(tc, subnormal_time_at_the_kink);
    tcase_add_test(tc, log_moneyness_subnormal_quotient);
#if HEDGE_HAVE_QUADMATH
    tcase_add_test(tc, wide_path_vs_quad);
    tcase_add_test(tc, wide_path_greeks_vs_quad);
#endif
    suite_add_tcase(s, tc);

    tc = tcase_create("api");
    tcase_add_test(tc, norm_cdf_at_zero);
    tcase_add_test(tc, invalid_input_rejected_untouched);
    tcase_add_test(tc, null_and_bad_struct_size);
    tcase_add_test(tc, struct_size_prefix_only);
    tcase_add_test(tc, market_units);
    suite_add_tcase(s, tc);

    tc = tcase_create("batch");
    tcase_add_test(tc, bsm_batch_matches_scalar);
    tcase_add_test(tc, black76_batch_matches_scalar);
    tcase_add_test(tc, batch_outputs_and_bad_elements);
    tcase_add_test(tc, batch_empty_and_null);
    tcase_add_test(tc, batch_too_large_element);
    suite_add_tcase(s, tc);
    return s;
}
