/* GARCH(1,1): Gaussian maximum likelihood by BFGS in an unconstrained parametrisation, the variance
 * forecasts, and a simulator on the counter-based generator. Nothing is allocated: a likelihood
 * evaluation is one pass over the caller's returns. */
#include "core/internal.h"
#include "core/rng.h"
#include "strategy/strategy_internal.h"

#include <hedge/volatility.h>

#include <float.h>
#include <math.h>
#include <stdbool.h>

#define LN_2PI 1.83787706640934548356

/* The unconstrained coordinates stay within +-X_MAX: a persistence of logistic(25) = 1 - 1.4e-11
 * keeps 1 - alpha - beta far above rounding, so the long-run variance of a fit stays finite. */
#define X_MAX 25.0
/* Largest step of the line search in any coordinate (a factor e^4 in omega, say). */
#define STEP_MAX 4.0

/* The returns, their mean and scale: the fit runs on e_t = (r_t - mu) / s, whose mean square is 1,
 * so the parameters it sees do not depend on the units of the returns. */
typedef struct fit_data {
    const double *r;
    size_t n;
    double mu, inv_s;
} fit_data;

/* The scaled model at x = (ln w, logit p, logit q): alpha = p q, beta = p (1 - q), w = omega / s^2.
 * The complements 1 - p and 1 - q come from logistic(-x), which stays accurate near 1. */
typedef struct params {
    double w, a, b, p, pc, q, qc;
} params;

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

static params unpack(const double x[3]) {
    params P;
    P.w = exp(x[0]);
    P.p = logistic(x[1]);
    P.pc = logistic(-x[1]);
    P.q = logistic(x[2]);
    P.qc = logistic(-x[2]);
    P.a = P.p * P.q;
    P.b = P.p * P.qc;
    return P;
}

/*
 * The mean negative log-likelihood per return of the scaled residuals at x, with h_1 = 1 (their
 * sample variance): f = 1/2 (ln 2 pi + (1/n) sum (ln h_t + e_t^2 / h_t)). With g, also its gradient
 * in x: the derivatives of h_t in (w, alpha, beta) follow the recursion
 * dh_{t+1} = (1, e_t^2, h_t) + beta dh_t from dh_1 = 0, and the chain rule maps them to x.
 * h_next receives h_{n+1} when not NULL.
 */
static double objective(const fit_data *d, const double x[3], double g[3], double *h_next) {
    params P = unpack(x);
    double h = 1.0, sum = 0.0;
    double dw = 0.0, da = 0.0, db = 0.0, gw = 0.0, ga = 0.0, gb = 0.0;
    for (size_t t = 0; t < d->n; t++) {
        double e = (d->r[t] - d->mu) * d->inv_s, e2 = e * e;
        sum += log(h) + e2 / h;
        if (g) {
            double c = (1.0 - e2 / h) / h; /* d(ln h + e^2 / h) / dh */
            gw += c * dw;
            ga += c * da;
            gb += c * db;
            dw = 1.0 + P.b * dw;
            da = e2 + P.b * da;
            db = h + P.b * db; /* h_t, before it moves on */
        }
        h = P.w + P.a * e2 + P.b * h;
    }
    if (h_next)
        *h_next = h;
    double inv = 0.5 / (double)d->n;
    if (g) {
        gw *= inv;
        ga *= inv;
        gb *= inv;
        g[0] = P.w * gw;
        g[1] = P.p * P.pc * (P.q * ga + P.qc * gb);
        g[2] = P.p * P.q * P.qc * (ga - gb);
    }
    return 0.5 * LN_2PI + inv * sum;
}

/* The gradient with the components that point out of the box at a bound set to zero: the part a
 * step can follow, and the one convergence is judged by. */
static double projected(const double x[3], const double g[3], double pg[3]) {
    double m = 0.0;
    for (int i = 0; i < 3; i++) {
        pg[i] = ((x[i] <= -X_MAX && g[i] > 0.0) || (x[i] >= X_MAX && g[i] < 0.0)) ? 0.0 : g[i];
        m = fmax(m, fabs(pg[i]));
    }
    return m;
}

typedef struct bfgs_state {
    double x[3], f, g[3];
    size_t iterations;
} bfgs_state;

/*
 * Minimises the objective from s (x, f and g filled in) by BFGS on the inverse Hessian, starting
 * from the identity, with a backtracking Armijo line search projected onto the box. Returns true
 * when converged: a projected gradient within tol, or no decrease possible in floating point
 * (every trial step back to 2^-60 failed even along the gradient) with the gradient within
 * 1000 tol, where the remaining gain is below rounding.
 */
static bool bfgs(const fit_data *d, bfgs_state *s, size_t max_iter, double tol) {
    double H[3][3];
    bool reset = true, identity = true; /* identity: H is the identity, no curvature learnt yet */
    for (;;) {
        if (reset) {
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    H[i][j] = i == j;
            identity = true;
            reset = false;
        }
        double pg[3];
        double gmax = projected(s->x, s->g, pg);
        if (gmax <= tol)
            return true;
        if (s->iterations >= max_iter)
            return false;
        double dir[3], slope = 0.0, dmax = 0.0;
        for (int i = 0; i < 3; i++) {
            dir[i] = -(H[i][0] * pg[0] + H[i][1] * pg[1] + H[i][2] * pg[2]);
            if ((s->x[i] <= -X_MAX && dir[i] < 0.0) || (s->x[i] >= X_MAX && dir[i] > 0.0))
                dir[i] = 0.0; /* blocked by the box */
            slope += s->g[i] * dir[i];
            dmax = fmax(dmax, fabs(dir[i]));
        }
        if (!(slope < 0.0)) { /* the estimate lost positive definiteness: steepest descent */
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    H[i][j] = i == j;
            identity = true;
            for (int i = 0; i < 3; i++)
                dir[i] = -pg[i];
            dmax = gmax;
        }
        double t = dmax > STEP_MAX ? STEP_MAX / dmax : 1.0, xn[3], gn[3], fn = 0.0;
        bool accepted = false;
        for (int k = 0; k < 60 && !accepted; k++, t *= 0.5) {
            double decrease = 0.0;
            for (int i = 0; i < 3; i++) {
                xn[i] = fmin(fmax(s->x[i] + t * dir[i], -X_MAX), X_MAX);
                decrease += s->g[i] * (xn[i] - s->x[i]);
            }
            fn = objective(d, xn, gn, NULL);
            accepted = fn <= s->f + 1e-4 * decrease && fn < s->f;
        }
        if (!accepted) {
            if (!identity) { /* retry along the gradient with a fresh estimate */
                reset = true;
                continue;
            }
            return gmax <= 1000.0 * tol;
        }
        double sv[3], yv[3], sy = 0.0, yy = 0.0, ss = 0.0;
        for (int i = 0; i < 3; i++) {
            sv[i] = xn[i] - s->x[i];
            yv[i] = gn[i] - s->g[i];
            sy += sv[i] * yv[i];
            yy += yv[i] * yv[i];
            ss += sv[i] * sv[i];
        }
        if (sy > 1e-12 * sqrt(ss * yy)) {
            if (identity) /* scale the first estimate to the curvature just seen (Nocedal and Wright 6.20) */
                for (int i = 0; i < 3; i++)
                    H[i][i] = sy / yy;
            /* H <- (I - rho s y') H (I - rho y s') + rho s s' */
            double rho = 1.0 / sy, Hy[3], yHy = 0.0;
            for (int i = 0; i < 3; i++) {
                Hy[i] = H[i][0] * yv[0] + H[i][1] * yv[1] + H[i][2] * yv[2];
                yHy += yv[i] * Hy[i];
            }
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    H[i][j] += rho * ((1.0 + rho * yHy) * sv[i] * sv[j] - Hy[i] * sv[j] - sv[i] * Hy[j]);
            identity = false;
        }
        for (int i = 0; i < 3; i++) {
            s->x[i] = xn[i];
            s->g[i] = gn[i];
        }
        s->f = fn;
        s->iterations++;
    }
}

HEDGE_API void hedge_garch_options_init(hedge_garch_options *options) {
    if (!options)
        return;
    const hedge_garch_options defaults = HEDGE_GARCH_OPTIONS_INIT;
    *options = defaults;
}

HEDGE_API hedge_status hedge_garch_fit(hedge_garch *model, const double *returns, size_t n,
                                       const hedge_garch_options *options) {
    static const char fn[] = "hedge_garch_fit";
    if (!model || !returns)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s is NULL", fn, !model ? "model" : "returns");
    if (model->struct_size < offsetof(hedge_garch, converged) + sizeof(int))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                           "%s: model->struct_size %zu is too small (set it with HEDGE_GARCH_INIT)", fn,
                           model->struct_size);
    hedge_garch_options o = HEDGE_GARCH_OPTIONS_INIT;
    hedge_status st;
    if (options && (st = hedge__options_copy(&o, sizeof o, options, fn)))
        return st;
    if (!(o.tolerance > 0.0) || !isfinite(o.tolerance))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: tolerance must be finite and > 0 (got %g)", fn, o.tolerance);
    if (o.max_iter == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: max_iter must be >= 1", fn);
    if (n < 3)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: at least 3 returns are needed (got %zu)", fn, n);
    double sum = 0.0, top = 0.0;
    for (size_t t = 0; t < n; t++) {
        if (!isfinite(returns[t] * returns[t]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: returns[%zu] = %g is not a finite log return", fn, t,
                               returns[t]);
        sum += returns[t];
        top = fmax(top, fabs(returns[t]));
    }
    fit_data d = {returns, n, o.demean ? sum / (double)n : 0.0, 0.0};
    double s2 = 0.0;
    for (size_t t = 0; t < n; t++)
        s2 += (returns[t] - d.mu) * (returns[t] - d.mu);
    s2 /= (double)n;
    /* Equal returns leave residuals of the mean's rounding alone (50 returns of 0.01: a mean of
     * 0.010000000000000004 and a variance of 1e-35, which the fit took for data): a spread below
     * the summation's error bound, 2 n eps max|r|, is no spread. */
    if (!(s2 > 0.0) || !isfinite(s2) || sqrt(s2) <= 2.0 * (double)n * DBL_EPSILON * top)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the residuals have %s variance, nothing to fit", fn,
                           isfinite(s2) ? "zero (within rounding)" : "an infinite");
    d.inv_s = 1.0 / sqrt(s2);

    /* start: the best of a grid of persistences p and alpha shares q, with the long-run variance at
     * the sample variance (w = 1 - p) */
    static const double ps[] = {0.6, 0.9, 0.97, 0.995}, qs[] = {0.03, 0.1, 0.3};
    bfgs_state s = {{0}, HUGE_VAL, {0}, 0};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        for (size_t j = 0; j < sizeof qs / sizeof qs[0]; j++) {
            double x[3] = {log1p(-ps[i]), log(ps[i] / (1.0 - ps[i])), log(qs[j] / (1.0 - qs[j]))};
            double f = objective(&d, x, NULL, NULL);
            if (f < s.f) {
                s.f = f;
                for (int k = 0; k < 3; k++)
                    s.x[k] = x[k];
            }
        }
    s.f = objective(&d, s.x, s.g, NULL);
    /* BFGS, then once more from its answer with a fresh Hessian estimate: a stale estimate can stop
     * the first run short of the maximum */
    bool converged = bfgs(&d, &s, o.max_iter, o.tolerance);
    if (converged)
        converged = bfgs(&d, &s, o.max_iter, o.tolerance);

    double h_next;
    s.f = objective(&d, s.x, NULL, &h_next);
    params P = unpack(s.x);
    hedge_garch m = HEDGE_GARCH_INIT;
    m.omega = P.w * s2;
    m.alpha = P.a;
    m.beta = P.b;
    m.mean = d.mu;
    /* ln h_t of the returns is that of the scaled residuals plus ln s^2; e^2 / h is the same */
    m.log_likelihood = -(double)n * (s.f + 0.5 * log(s2));
    m.next_variance = h_next * s2;
    m.long_run_variance = m.omega / (1.0 - (m.alpha + m.beta));
    m.iterations = s.iterations;
    m.observations = n;
    m.converged = converged;
    hedge__output_copy(model, &m, sizeof m);
    return HEDGE_OK;
}

/* What a forecast or a simulation reads of a model. */
enum { READ_MEAN = 1, READ_NEXT = 2 };

static hedge_status check_model(const char *fn, const hedge_garch *m, unsigned reads) {
    size_t need = (reads & READ_NEXT) ? offsetof(hedge_garch, next_variance) + sizeof(double)
                                      : offsetof(hedge_garch, mean) + sizeof(double);
    if (m->struct_size < need)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                           "%s: model->struct_size %zu is too small (set it with HEDGE_GARCH_INIT)", fn,
                           m->struct_size);
    if (!(m->omega > 0.0) || !isfinite(m->omega))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: omega must be finite and > 0 (got %g)", fn, m->omega);
    if (!(m->alpha >= 0.0) || !(m->beta >= 0.0) || !isfinite(m->alpha) || !isfinite(m->beta))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: alpha and beta must be finite and >= 0 (got %g, %g)", fn,
                           m->alpha, m->beta);
    if (!(m->alpha + m->beta < 1.0))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN,
                           "%s: alpha + beta = %.17g must be < 1 (the model is not stationary)", fn,
                           m->alpha + m->beta);
    if ((reads & READ_MEAN) && !isfinite(m->mean))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: mean must be finite (got %g)", fn, m->mean);
    if ((reads & READ_NEXT) && (!(m->next_variance > 0.0) || !isfinite(m->next_variance)))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: next_variance must be finite and > 0 (got %g)", fn,
                           m->next_variance);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_garch_forecast_variance(double *variance, const hedge_garch *model, size_t steps) {
    static const char fn[] = "hedge_garch_forecast_variance";
    if (!variance || !model)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s is NULL", fn, !variance ? "variance" : "model");
    hedge_status st = check_model(fn, model, READ_NEXT);
    if (st)
        return st;
    if (steps == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: steps must be >= 1", fn);
    double p = model->alpha + model->beta, vl = model->omega / (1.0 - p);
    *variance = vl + pow(p, (double)(steps - 1)) * (model->next_variance - vl);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_garch_forecast_vol(double *vol, const hedge_garch *model, size_t horizon,
                                                double periods_per_year) {
    static const char fn[] = "hedge_garch_forecast_vol";
    if (!vol || !model)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s is NULL", fn, !vol ? "vol" : "model");
    hedge_status st = check_model(fn, model, READ_NEXT);
    if (st || (st = hedge__check_periods(fn, periods_per_year)))
        return st;
    if (horizon == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: horizon must be >= 1", fn);
    /* (1/H) sum_{k=1..H} (V_L + p^(k-1) (h - V_L)) = V_L + (h - V_L) (1 - p^H) / ((1 - p) H); the
     * numerator as -expm1(H ln p), which keeps its digits when p is near 1 */
    double p = model->alpha + model->beta, vl = model->omega / (1.0 - p), H = (double)horizon;
    double geometric = p > 0.0 ? -expm1(H * log(p)) / (1.0 - p) : 1.0; /* sum_{k<H} p^k */
    double mean = vl + (model->next_variance - vl) * (geometric / H);
    *vol = sqrt(periods_per_year * mean);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_garch_simulate(double *returns, double *variances, size_t n, const hedge_garch *model,
                                            double initial_variance, uint64_t seed, uint64_t stream) {
    static const char fn[] = "hedge_garch_simulate";
    if (!returns || !model)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s is NULL", fn, !returns ? "returns" : "model");
    hedge_status st = check_model(fn, model, READ_MEAN);
    if (st)
        return st;
    if (n == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: n must be >= 1", fn);
    if (!(initial_variance >= 0.0) || !isfinite(initial_variance))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: initial_variance must be finite and >= 0 (got %g)", fn,
                           initial_variance);
    hedge__rng rng;
    hedge__rng_init(&rng, seed, stream);
    double h = initial_variance > 0.0 ? initial_variance : model->omega / (1.0 - (model->alpha + model->beta));
    for (size_t t = 0; t < n; t++) {
        double e = sqrt(h) * hedge__rng_normal(&rng);
        returns[t] = model->mean + e;
        if (variances)
            variances[t] = h;
        h = model->omega + model->alpha * e * e + model->beta * h;
    }
    return HEDGE_OK;
}
