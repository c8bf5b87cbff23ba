/* Helpers shared by the optimizer suites; see qptest.h. */
#include "support/qptest.h"

#include <math.h>
#include <stdlib.h>

uint64_t rng_next(rng *r) { /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
double unif(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }
double sym(rng *r) { return 2 * unif(r) - 1; }
bool coin(rng *r, double p) { return unif(r) < p; }

void prob_alloc(prob *p, size_t n, size_t k, size_t m) {
    p->n = n, p->k = k, p->m = m;
    p->D = calloc(n, sizeof(double));
    p->F = calloc(k * n + 1, sizeof(double));
    p->A = calloc(m * n + 1, sizeof(double));
    p->c = calloc(n, sizeof(double));
    p->w = calloc(n, sizeof(double));
    p->t = calloc(n, sizeof(double));
    p->lo = calloc(m + 1, sizeof(double));
    p->hi = calloc(m + 1, sizeof(double));
    p->lb = calloc(n, sizeof(double));
    p->ub = calloc(n, sizeof(double));
    p->isint = NULL;
    for (size_t i = 0; i < m; i++)
        p->lo[i] = -HUGE_VAL, p->hi[i] = HUGE_VAL;
    for (size_t j = 0; j < n; j++)
        p->lb[j] = -HUGE_VAL, p->ub[j] = HUGE_VAL;
}

void prob_free(prob *p) {
    free(p->D), free(p->F), free(p->A), free(p->c), free(p->w), free(p->t);
    free(p->lo), free(p->hi), free(p->lb), free(p->ub), free(p->isint);
}

hedge_qp *prob_qp(hedge_context *ctx, const prob *p) {
    hedge_qp *qp = NULL;
    ck_assert_status(hedge_qp_create(&qp, ctx, p->n, p->k, p->m), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_DIAGONAL, p->D), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_LINEAR, p->c), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_L1_WEIGHT, p->w), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_L1_TARGET, p->t), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_ROW_HI, p->hi), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_ROW_LO, p->lo), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_UB, p->ub), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_LB, p->lb), HEDGE_OK);
    if (p->k)
        ck_assert_status(hedge_qp_set_factor(qp, p->F, p->n), HEDGE_OK);
    if (p->m)
        ck_assert_status(hedge_qp_set_rows(qp, p->A, p->n), HEDGE_OK);
    if (p->isint)
        ck_assert_status(hedge_qp_set_integer(qp, p->isint), HEDGE_OK);
    return qp;
}

/* P x = D x + F'(F x). */
void pmul(const prob *p, const double *x, double *out) {
    for (size_t j = 0; j < p->n; j++)
        out[j] = p->D[j] * x[j];
    for (size_t r = 0; r < p->k; r++) {
        double v = 0;
        for (size_t j = 0; j < p->n; j++)
            v += p->F[r * p->n + j] * x[j];
        for (size_t j = 0; j < p->n; j++)
            out[j] += p->F[r * p->n + j] * v;
    }
}

double rowdot(const prob *p, size_t i, const double *x) {
    double v = 0;
    for (size_t j = 0; j < p->n; j++)
        v += p->A[i * p->n + j] * x[j];
    return v;
}

double objective(const prob *p, const double *x) {
    double *px = malloc(p->n * sizeof(double)), f = 0;
    pmul(p, x, px);
    for (size_t j = 0; j < p->n; j++)
        f += 0.5 * x[j] * px[j] + p->c[j] * x[j] + p->w[j] * fabs(x[j] - p->t[j]);
    free(px);
    return f;
}

kkt kkt_check(const prob *p, const double *x, const double *y, const double *z) {
    size_t n = p->n, m = p->m;
    double *g = malloc(n * sizeof(double));
    pmul(p, x, g);
    double scale = 1, xs = 1;
    for (size_t j = 0; j < n; j++) {
        scale = fmax(scale, fmax(fabs(g[j]), fmax(fabs(p->c[j]), fmax(p->w[j], fabs(z[j])))));
        xs = fmax(xs, fabs(x[j]));
    }
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++)
            g[j] += p->A[i * n + j] * y[i];
        scale = fmax(scale, fabs(y[i]));
    }
    kkt r = {0, 0, 0};
    for (size_t j = 0; j < n; j++) {
        g[j] += p->c[j] + z[j];
        double wj = p->w[j], slo = -wj, shi = wj, xtol = 1e-7 * (1 + fabs(p->t[j]));
        if (x[j] > p->t[j] + xtol)
            slo = wj;
        else if (x[j] < p->t[j] - xtol)
            shi = -wj;
        double s = fmin(fmax(-g[j], slo), shi);
        r.stat = fmax(r.stat, fabs(g[j] + s) / scale);
        r.prim = fmax(r.prim, fmax(p->lb[j] - x[j], x[j] - p->ub[j]) / xs);
        /* a positive z pays for the upper bound, a negative one for the lower */
        double gap = z[j] > 0 ? p->ub[j] - x[j] : z[j] < 0 ? x[j] - p->lb[j] : 0;
        r.comp = fmax(r.comp, isinf(gap) ? fabs(z[j]) / scale : fabs(z[j]) * gap / (scale * xs));
    }
    for (size_t i = 0; i < m; i++) {
        double ax = rowdot(p, i, x), as = 1;
        for (size_t j = 0; j < n; j++)
            as = fmax(as, fabs(p->A[i * n + j]) * xs);
        r.prim = fmax(r.prim, fmax(p->lo[i] - ax, ax - p->hi[i]) / as);
        double gap = y[i] > 0 ? p->hi[i] - ax : y[i] < 0 ? ax - p->lo[i] : 0;
        r.comp = fmax(r.comp, isinf(gap) ? fabs(y[i]) / scale : fabs(y[i]) * gap / (scale * as));
    }
    free(g);
    return r;
}

void answer_init(answer *a, size_t n, size_t m) {
    a->x = calloc(n, sizeof(double));
    a->y = calloc(m + 1, sizeof(double));
    a->z = calloc(n, sizeof(double));
    hedge_solution init = HEDGE_SOLUTION_INIT;
    a->sol = init;
    a->sol.x = a->x, a->sol.y = a->y, a->sol.z = a->z;
}
void answer_free(answer *a) { free(a->x), free(a->y), free(a->z); }

hedge_context *plain_context(void) {
    hedge_context *ctx = NULL;
    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    o.log_level = HEDGE_LOG_NONE;
    ck_assert_status(hedge_context_create(&ctx, &o), HEDGE_OK);
    return ctx;
}

void check_primal_certificate(const prob *p, const answer *a) {
    /* A'y + z = 0 and the support function of the bounds at (y, z) negative */
    size_t n = p->n, m = p->m;
    double big = 0, support = 0, gmax = 0;
    for (size_t i = 0; i < m; i++) {
        big = fmax(big, fabs(a->y[i]));
        if (a->y[i] > 0)
            support += a->y[i] * p->hi[i];
        else if (a->y[i] < 0)
            support += a->y[i] * p->lo[i];
    }
    for (size_t j = 0; j < n; j++) {
        big = fmax(big, fabs(a->z[j]));
        if (a->z[j] > 0)
            support += a->z[j] * p->ub[j];
        else if (a->z[j] < 0)
            support += a->z[j] * p->lb[j];
        double g = a->z[j];
        for (size_t i = 0; i < m; i++)
            g += p->A[i * n + j] * a->y[i];
        gmax = fmax(gmax, fabs(g));
    }
    ck_assert_double_gt(big, 0);
    ck_assert_msg(gmax <= 1e-4 * big, "|A'y + z| = %g against |(y, z)| = %g", gmax, big);
    ck_assert_msg(support < 0 && isfinite(support), "support %g", support);
}

void check_dual_certificate(const prob *p, const answer *a) {
    size_t n = p->n, m = p->m;
    double *pd = malloc(n * sizeof(double)), big = 0, lin = 0, pbig = 0;
    pmul(p, a->x, pd);
    for (size_t j = 0; j < n; j++) {
        big = fmax(big, fabs(a->x[j]));
        lin += p->c[j] * a->x[j] + p->w[j] * fabs(a->x[j]);
        pbig = fmax(pbig, fabs(pd[j]));
    }
    ck_assert_double_gt(big, 0);
    ck_assert_msg(pbig <= 1e-4 * big, "|P d| = %g", pbig);
    ck_assert_msg(lin < 0, "c'd + w|d| = %g", lin);
    for (size_t j = 0; j < n; j++) {
        ck_assert(!(isfinite(p->ub[j]) && a->x[j] > 1e-4 * big));
        ck_assert(!(isfinite(p->lb[j]) && a->x[j] < -1e-4 * big));
    }
    for (size_t i = 0; i < m; i++) {
        double ad = rowdot(p, i, a->x);
        ck_assert(!(isfinite(p->hi[i]) && ad > 1e-4 * big));
        ck_assert(!(isfinite(p->lo[i]) && ad < -1e-4 * big));
    }
    free(pd);
}
