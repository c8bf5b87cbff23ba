/*
 * Price paths of the hedging simulator: GBM, Merton jump-diffusion, Heston (full-truncation
 * Euler), GARCH(1,1) and replay of a series. Path p draws from streams 2p (the spot's normals) and
 * 2p + 1 (jumps, the variance's own shocks) of the counter-based generator keyed by the seed, so a
 * path is a pure function of (seed, p) and of the model: the thread that computes it, and the
 * other paths, do not matter. Normals are the generator's inverted uniforms (rng.h), drawn a group
 * at a time into the path's buffers where a stream holds nothing else; the Merton jumps, whose
 * number of draws varies, take theirs one by one.
 */
#include "strategy/sim_internal.h"

#include "core/internal.h"
#include "pricing/simd_math.h"

#include <math.h>
#include <string.h>

hedge_status hedge__sim_model_setup(hedge__sim_model *m, const hedge_sim_paths *paths, double horizon,
                                    size_t steps, const char *fn) {
    hedge_sim_paths p = HEDGE_SIM_PATHS_INIT;
    hedge_status st = hedge__options_copy(&p, sizeof p, paths, fn);
    if (st)
        return st;
    if ((unsigned)p.model > HEDGE_SIM_REPLAY)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown path model %d", fn, (int)p.model);
    if (steps == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: steps must be >= 1", fn);
    if (!(horizon > 0.0 && horizon < HUGE_VAL))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the horizon (expiry) must be finite and > 0, got %g", fn,
                           horizon);
    memset(m, 0, sizeof *m);
    m->kind = p.model;
    m->steps = steps;
    m->dt = horizon / (double)steps;
    m->S0 = p.spot;
    const double dt = m->dt;
    if (p.model == HEDGE_SIM_REPLAY) {
        if (!p.prices)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: replay without prices", fn);
        if (p.n_prices < steps + 1)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: replay of %zu prices cannot give a path of %zu steps",
                               fn, p.n_prices, steps);
        for (size_t i = 0; i < p.n_prices; i++)
            if (!(p.prices[i] > 0.0 && p.prices[i] < HUGE_VAL))
                return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: replay price %zu is %g, must be finite and > 0", fn, i,
                                   p.prices[i]);
        m->prices = p.prices;
        m->n_prices = p.n_prices;
        m->windows = p.windows != 0;
        m->n_windows = m->windows ? p.n_prices - steps : 1;
        m->S0 = p.prices[0];
        return HEDGE_OK;
    }
    struct { const char *name; double v; bool ok; } checks[] = {
        {"spot", p.spot, p.spot > 0.0 && p.spot < HUGE_VAL},
        {"drift", p.drift, isfinite(p.drift)},
        {"vol", p.vol, p.vol >= 0.0 && p.vol < HUGE_VAL},
        {"jump_intensity", p.jump_intensity, p.jump_intensity >= 0.0 && p.jump_intensity < HUGE_VAL},
        {"jump_mean", p.jump_mean, isfinite(p.jump_mean)},
        {"jump_std", p.jump_std, p.jump_std >= 0.0 && p.jump_std < HUGE_VAL},
        {"kappa", p.kappa, p.kappa >= 0.0 && p.kappa < HUGE_VAL},
        {"theta", p.theta, p.theta >= 0.0 && p.theta < HUGE_VAL},
        {"xi", p.xi, p.xi >= 0.0 && p.xi < HUGE_VAL},
        {"rho", p.rho, p.rho >= -1.0 && p.rho <= 1.0},
        {"v0", p.v0, p.v0 >= 0.0 && p.v0 < HUGE_VAL},
        {"garch_omega", p.garch_omega, p.model != HEDGE_SIM_GARCH || (p.garch_omega > 0.0 && p.garch_omega < HUGE_VAL)},
        {"garch_alpha", p.garch_alpha, p.garch_alpha >= 0.0 && p.garch_alpha < HUGE_VAL},
        {"garch_beta", p.garch_beta, p.garch_beta >= 0.0 && p.garch_beta < HUGE_VAL},
        {"garch_var0", p.garch_var0, p.garch_var0 >= 0.0 && p.garch_var0 < HUGE_VAL},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (!checks[i].ok)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: path %s %g is out of range", fn, checks[i].name,
                               checks[i].v);
    switch (p.model) {
    case HEDGE_SIM_GBM:
    case HEDGE_SIM_MERTON: {
        double lam = p.model == HEDGE_SIM_MERTON ? p.jump_intensity : 0.0;
        /* the compensator lambda k keeps E[S_T] = S_0 e^{mu T}; expm1 keeps k accurate for small jumps */
        double k = lam > 0.0 ? expm1(p.jump_mean + 0.5 * p.jump_std * p.jump_std) : 0.0;
        m->a = (p.drift - lam * k - 0.5 * p.vol * p.vol) * dt;
        m->b = p.vol * sqrt(dt);
        m->lam_dt = lam * dt;
        m->exp_neg_lam_dt = exp(-m->lam_dt);
        m->jump_mean = p.jump_mean;
        m->jump_std = p.jump_std;
        if (!isfinite(m->a))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the jumps' compensator overflows (jump_mean %g, jump_std %g)",
                               fn, p.jump_mean, p.jump_std);
        break;
    }
    case HEDGE_SIM_HESTON:
        m->mu_dt = p.drift * dt;
        m->kappa_dt = p.kappa * dt;
        m->theta = p.theta;
        m->xi = p.xi;
        m->rho = p.rho;
        m->rho_c = sqrt(fmax(0.0, 1.0 - p.rho * p.rho));
        m->v0 = p.v0;
        break;
    case HEDGE_SIM_GARCH: {
        double persistence = p.garch_alpha + p.garch_beta;
        if (p.garch_var0 == 0.0 && !(persistence < 1.0))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: GARCH alpha + beta = %g >= 1 has no unconditional variance: "
                               "set garch_var0", fn, persistence);
        m->mu_dt = p.drift * dt;
        m->omega = p.garch_omega;
        m->alpha = p.garch_alpha;
        m->beta = p.garch_beta;
        m->h0 = p.garch_var0 > 0.0 ? p.garch_var0 : p.garch_omega / (1.0 - persistence);
        break;
    }
    case HEDGE_SIM_REPLAY:
        break;
    }
    return HEDGE_OK;
}

void hedge__sim_path_start(hedge__sim_path *p, const hedge__sim_model *m, uint64_t seed, uint64_t index) {
    hedge__rng_init(&p->main, seed, 2 * index);
    hedge__rng_init(&p->aux, seed, 2 * index + 1);
    p->k = 0;
    p->series = NULL;
    p->S = m->S0;
    p->v = m->kind == HEDGE_SIM_HESTON ? m->v0 : m->kind == HEDGE_SIM_GARCH ? m->h0 : 0.0;
    p->scale = 1.0;
    p->z_next[0] = p->z_next[1] = HEDGE__SIM_NORMALS;
    if (m->kind == HEDGE_SIM_REPLAY) {
        p->series = m->prices + (m->windows ? index : 0);
        p->scale = m->prices[0] / p->series[0]; /* exactly 1 for the first window */
        p->S = m->prices[0];
    }
}

/* The next normal of stream 0 (main) or 1 (aux): the stream's normals by inversion, in order,
 * drawn HEDGE__SIM_NORMALS at a time. */
static inline double next_normal(hedge__sim_path *p, int stream) {
    if (p->z_next[stream] == HEDGE__SIM_NORMALS) {
        hedge__rng_normals_inv(stream ? &p->aux : &p->main, p->z[stream], HEDGE__SIM_NORMALS);
        p->z_next[stream] = 0;
    }
    return p->z[stream][p->z_next[stream]++];
}

/* The log of the next step's growth, ln(S_{k+1} / S_k), of a model other than replay; advances the
 * variance. */
static inline double log_step(hedge__sim_path *p, const hedge__sim_model *m) {
    switch (m->kind) {
    case HEDGE_SIM_GBM:
    case HEDGE_SIM_MERTON: {
        double x = m->a + m->b * next_normal(p, 0);
        if (m->lam_dt > 0.0) {
            /* Poisson(lambda dt) by inversion, then the sum of that many normal log-jumps, all from
             * aux one by one (the number of draws varies) */
            double u = hedge__rng_uniform(&p->aux), prob = m->exp_neg_lam_dt, cum = prob;
            unsigned n = 0;
            while (u > cum && n < 1000) {
                n++;
                prob *= m->lam_dt / n;
                cum += prob;
            }
            for (unsigned j = 0; j < n; j++)
                x += m->jump_mean + m->jump_std * hedge__rng_normal_inv(&p->aux);
        }
        return x;
    }
    case HEDGE_SIM_HESTON: {
        double z1 = next_normal(p, 0), z2 = next_normal(p, 1);
        double vp = fmax(p->v, 0.0), sd = sqrt(vp * m->dt);
        p->v += m->kappa_dt * (m->theta - vp) + m->xi * sd * (m->rho * z1 + m->rho_c * z2);
        return m->mu_dt - 0.5 * vp * m->dt + sd * z1;
    }
    case HEDGE_SIM_GARCH: {
        double z = next_normal(p, 0), h = p->v;
        p->v = m->omega + m->alpha * h * z * z + m->beta * h;
        return m->mu_dt - 0.5 * h + sqrt(h) * z;
    }
    case HEDGE_SIM_REPLAY:
        break;
    }
    return 0.0;
}

/* e^x by the SIMD kernels' branch-free exponential (pricing/simd_math.h, within an ulp of libm's)
 * where it applies, |x| <= 708, so that the growth of a block of paths vectorises; libm's beyond
 * (overflow to infinity, underflow to 0, NaN). The loop computes bk_exp for every lane (integer bit
 * operations only: a meaningless but harmless value out of range) and then redoes those out of
 * range. */
static inline bool exp_out_of_range(double x) { return !(fabs(x) <= 708.0); }
static inline double path_exp(double x) { return exp_out_of_range(x) ? exp(x) : bk_exp(x); }

double hedge__sim_path_step(hedge__sim_path *p, const hedge__sim_model *m) {
    p->k++;
    if (m->kind == HEDGE_SIM_REPLAY)
        p->S = p->series[p->k] * p->scale;
    else
        p->S *= path_exp(log_step(p, m));
    return p->S;
}

/* g[j] = e^{x[j]} for j < c by bk_exp (the lanes out of its range are redone after): a loop GCC
 * vectorises, in baseline SSE2 and, where the CPU has it, AVX2 (HEDGE__RNG_AVX2: x86 with GCC's
 * target attribute, as rng.h's normals). The AVX2 copy is compiled without FMA, so both round every
 * operation alike and give the same bits. */
static inline void exp_lanes(double *restrict g, const double *restrict x, size_t c) {
    for (size_t j = 0; j < c; j++)
        g[j] = bk_exp(x[j]);
}

#ifdef HEDGE__RNG_AVX2
__attribute__((target("avx2"))) static void exp_lanes_avx2(double *restrict g, const double *restrict x, size_t c) {
    exp_lanes(g, x, c);
}
#endif

/* As hedge__sim_path_step on each path, the same operations on the same values, with the
 * exponentials of a chunk of paths in one loop. */
void hedge__sim_paths_step(hedge__sim_path *p, size_t n, const hedge__sim_model *m, double *S) {
    if (m->kind == HEDGE_SIM_REPLAY) {
        for (size_t j = 0; j < n; j++)
            S[j] = hedge__sim_path_step(&p[j], m);
        return;
    }
    enum { CHUNK = 64 };
#ifdef HEDGE__RNG_AVX2
    const bool avx2 = hedge__simd_level() >= HEDGE__SIMD_AVX2;
#endif
    for (size_t first = 0; first < n; first += CHUNK) {
        size_t c = n - first < CHUNK ? n - first : CHUNK;
        hedge__sim_path *q = p + first;
        double x[CHUNK], s[CHUNK], g[CHUNK];
        for (size_t j = 0; j < c; j++) {
            q[j].k++;
            x[j] = log_step(&q[j], m);
            s[j] = q[j].S;
        }
#ifdef HEDGE__RNG_AVX2
        if (avx2)
            exp_lanes_avx2(g, x, c);
        else
#endif
            exp_lanes(g, x, c);
        for (size_t j = 0; j < c; j++)
            if (exp_out_of_range(x[j]))
                g[j] = exp(x[j]);
        for (size_t j = 0; j < c; j++)
            s[j] *= g[j];
        for (size_t j = 0; j < c; j++)
            S[first + j] = q[j].S = s[j];
    }
}

HEDGE_API hedge_status hedge_sim_generate(double *prices, size_t capacity, const hedge_sim_paths *paths,
                                          double horizon, size_t steps, uint64_t seed, size_t first_path,
                                          size_t n_paths) {
    static const char fn[] = "hedge_sim_generate";
    if (!paths || (!prices && n_paths > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge__sim_model m;
    hedge_status st = hedge__sim_model_setup(&m, paths, horizon, steps, fn);
    if (st)
        return st;
    if (m.kind == HEDGE_SIM_REPLAY && (first_path > m.n_windows || n_paths > m.n_windows - first_path))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: the series gives %zu paths, asked for %zu from %zu", fn,
                           m.n_windows, n_paths, first_path);
    size_t need;
    if (!hedge__mul_size(n_paths, steps + 1, &need) || steps + 1 == 0)
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: %zu paths of %zu steps is too large", fn, n_paths, steps);
    if (capacity < need)
        return hedge__fail(NULL, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: needs %zu prices, got %zu", fn, need, capacity);
    for (size_t j = 0; j < n_paths; j++) {
        hedge__sim_path p;
        hedge__sim_path_start(&p, &m, seed, first_path + j);
        double *row = prices + j * (steps + 1);
        row[0] = p.S;
        for (size_t i = 1; i <= steps; i++)
            row[i] = hedge__sim_path_step(&p, &m);
    }
    return HEDGE_OK;
}
