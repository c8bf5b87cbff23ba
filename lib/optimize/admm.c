/*
 * The built-in backend "admm": an operator-splitting QP solver after OSQP (Stellato, Banjac, Goulart,
 * Bemporad and Boyd, "OSQP: an operator splitting solver for quadratic programs", Math. Prog. Comp.
 * 2020), written for this library's problem:
 *
 *     minimise 1/2 x'(D + F'F)x + c'x + sum_j w_j |x_j - t_j|   s.t.  lo <= A x <= hi,  lb <= x <= ub.
 *
 * The constraints are stacked as l <= [A; I] x <= u. The identity rows carry the bounds and the L1
 * terms: their part of the ADMM z-update is the proximal operator of w|.-t| plus the box, a soft
 * threshold followed by a clip, so the L1 terms are handled exactly without new variables. The
 * matrix P + sigma I + [A;I]' R [A;I] is factorised at setup, either as itself (n x n, when n <= k + m)
 * or through the Woodbury identity with the (k + m) x (k + m) capacitance matrix, so F'F is formed
 * only when it is the smaller object. The data are equilibrated (Ruiz), rho adapts (refactorising
 * only when it moves by a factor 5, in memory set aside at setup), the steps are over-relaxed,
 * termination is on unscaled residuals with eps_abs/eps_rel, infeasibility and unboundedness are
 * detected with OSQP's certificates, and a polish on the guessed active set (admm_polish.c) makes
 * answers exact to the reduced KKT system's accuracy.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "optimize/admm_internal.h"

#include "core/internal.h"

#include <math.h>
#include <string.h>
#include <time.h>

enum { RUIZ_PASSES = 10, CHECK_EVERY = 5, MIN_RHO_INTERVAL = 25 };
static const double RHO_START = 0.1, RHO_MIN = 1e-6, RHO_MAX = 1e6, RHO_EQ = 1e3, SIGMA = 1e-6, ALPHA = 1.6;
/* Infeasibility certificates are accepted at this relative accuracy (OSQP uses 1e-4 to 1e-5). */
static const double EPS_INF = 1e-5;
/* The polish is first tried when the scaled relative residuals fall below this. */
static const double POLISH_FIRST = 1e-3;
/* Woodbury divides by the diagonal part of the matrix, so it must not be as small as RHO_MIN. */
static const double RHO_WOODBURY_MIN = 1e-4;
/* Equilibration factors are kept within [1e-4, 1e4] per pass; a norm below the floor is left alone. */
static double scale_limit(double v) { return v < 1e-4 ? 1.0 : v > 1e4 ? 1e4 : v; }

double hedge__admm_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* fmax and fmin are libm calls on baseline x86-64 (their NaN rules keep them from being inlined);
 * these compile to one instruction. The data are checked finite or infinite, never NaN. */
static inline double maxd(double a, double b) { return a > b ? a : b; }
static inline double mind(double a, double b) { return a < b ? a : b; }

static double clean_inf(double v) { return v >= HEDGE__QP_INF ? HUGE_VAL : v <= -HEDGE__QP_INF ? -HUGE_VAL : v; }
static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* ---- memory: one block, carved in two passes (sizes, then pointers) ---- */

static size_t mul(size_t a, size_t b, bool *ok) {
    size_t r = 0;
    if (!hedge__mul_size(a, b, &r))
        *ok = false;
    return r;
}

static void *carve(unsigned char *base, size_t *off, size_t count, size_t elem, bool *ok) {
    size_t bytes = mul(count, elem, ok);
    size_t o = (*off + 63) & ~(size_t)63;
    if (o < *off || o + bytes < o)
        *ok = false;
    if (!*ok)
        return NULL;
    *off = o + bytes;
    return base ? base + o : NULL;
}

static size_t layout(hedge__admm *s, unsigned char *base) {
    size_t n = s->n, m = s->m, k = s->k, nr = s->nr, mn = m + n, off = 0;
    bool ok = m <= SIZE_MAX - n;
#define V(field, count) s->field = carve(base, &off, (count), sizeof *s->field, &ok)
    V(d, n);
    V(e, m);
    V(Dg, n);
    if (s->woodbury) {
        V(F, mul(k, n, &ok));
        V(L, mul(nr, nr, &ok));
        V(delta, n);
        V(Wt, mul(n, nr, &ok));
        V(H, mul(nr, nr, &ok));
        V(plam, n);
    } else {
        V(P, mul(n, n, &ok));
        V(L, mul(n, n, &ok));
        V(H, mul(n, n, &ok));
    }
    V(A, mul(m, n, &ok));
    V(q, n);
    V(w, n);
    V(t, n);
    V(lo, m);
    V(hi, m);
    V(lb, n);
    V(ub, n);
    V(rho_v, mn);
    V(kind, mn);
    V(x, n);
    V(z, mn);
    V(y, mn);
    V(xt, n);
    V(rhs, n);
    V(zt, m);
    V(xprev, n);
    V(yprev, mn);
    V(Px, n);
    V(Aty, n);
    V(wn, n);
    V(wn2, n);
    V(wmn, mn);
    V(wk, nr);
    V(HA, mul(m, n, &ok));
    /* the polish's Schur complement on the active rows: more active rows than variables make the
     * reduced system singular, and the polish declines such a guess, so min(m, n) squared suffices
     * (m squared was 8.8 GB for a 33,000-scenario margin grid on six variables) */
    V(S, mul(m < n ? m : n, m < n ? m : n, &ok));
    V(fidx, n);
    V(aidx, m);
    V(act, mn);
    V(key, mn);
    V(pxf, n);
    V(pyf, m);
    V(pr1, n);
    V(pr2, m);
    V(pe1, n);
    V(pe2, m);
    V(pdx, n);
    V(pdy, m);
    V(cx, n);
    V(cy, m);
    V(cyb, n);
    V(xB, n);
    size_t ni = s->n_int;
    V(int_idx, ni);
    V(lvl, ni);
    V(lvl_x, mul(ni, n, &ok));
    V(lvl_y, mul(ni, m, &ok));
    V(fix_lb, ni);
    V(fix_ub, ni);
    V(pcost, mul(4, ni, &ok));
    V(prev_int, ni);
    for (int a = 0; a < 2; a++) {
        V(ans_x[a], ni ? n : 0);
        V(ans_y[a], ni ? m : 0);
        V(ans_z[a], ni ? n : 0);
    }
#undef V
    return ok ? off : 0;
}

/* ---- products with the scaled problem's matrices ---- */

void hedge__admm_Pmul(const hedge__admm *s, double *out, const double *x) {
    size_t n = s->n;
    if (!s->woodbury) {
        hedge__la_gemv(s->la, out, s->P, n, n, n, x);
        return;
    }
    for (size_t j = 0; j < n; j++)
        out[j] = s->Dg[j] * x[j];
    for (size_t r = 0; r < s->k; r++) {
        const double *f = s->F + r * n;
        s->la->axpy(out, s->la->dot(f, x, n), f, n);
    }
}

/* ---- scaling ---- */

/* Ruiz equilibration of [P A' I; A 0 0; I 0 0], the identity rows kept at 1 (their row scaling is
 * the inverse of the column scaling, which is where OSQP's iteration converges for them), and a
 * cost scaling that brings the mean column of P and the largest linear or L1 coefficient near 1.
 * A column's norm in P is its largest entry; on the Woodbury path, where P is never formed, its
 * diagonal (for a PSD matrix the same scale). pdiag: the unscaled diagonal of P (Woodbury path).
 * c, w: the unscaled linear and L1 vectors. Each pass sweeps P once: the sweep that applies a pass's
 * scaling also finds the next pass's norms, and the cost scaling is applied to P at the end. */
static void equilibrate(hedge__admm *s, double *pdiag, const double *c, const double *w) {
    size_t n = s->n, m = s->m;
    double *col = s->wn2, *row = s->wmn, *pmax = s->Px, pg = 1.0; /* the scaled P is pg times P */
    for (size_t j = 0; j < n; j++)
        s->d[j] = 1.0;
    for (size_t i = 0; i < m; i++)
        s->e[i] = 1.0;
    s->cs = 1.0;
    for (size_t j = 0; j < n; j++) {
        double v = 0;
        if (s->woodbury)
            v = pdiag[j];
        else
            for (size_t i = 0; i < n; i++)
                v = maxd(v, fabs(s->P[j * n + i]));
        pmax[j] = v;
    }
    for (int pass = 0; pass < RUIZ_PASSES; pass++) {
        for (size_t j = 0; j < n; j++)
            col[j] = maxd(pg * pmax[j], 1.0);
        for (size_t i = 0; i < m; i++) {
            double r = 0;
            const double *a = s->A + i * n;
            for (size_t j = 0; j < n; j++) {
                double v = fabs(a[j]);
                r = maxd(r, v);
                col[j] = maxd(col[j], v);
            }
            row[i] = 1.0 / sqrt(scale_limit(r));
        }
        for (size_t j = 0; j < n; j++)
            col[j] = 1.0 / sqrt(scale_limit(col[j]));
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            if (s->woodbury) {
                pmax[i] = pdiag[i] *= col[i] * col[i];
            } else {
                double *pr = s->P + i * n, ci = col[i], v = 0;
                for (size_t j = 0; j < n; j++) {
                    pr[j] *= ci * col[j];
                    v = maxd(v, fabs(pr[j]));
                }
                pmax[i] = v;
            }
            sum += pmax[i];
        }
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++)
                s->A[i * n + j] *= row[i] * col[j];
        for (size_t j = 0; j < n; j++)
            s->d[j] *= col[j];
        for (size_t i = 0; i < m; i++)
            s->e[i] *= row[i];
        double lin = 0;
        for (size_t j = 0; j < n; j++)
            lin = maxd(lin, s->cs * s->d[j] * maxd(fabs(c[j]), w[j]));
        double g = 1.0 / scale_limit(maxd(pg * sum / (double)n, lin));
        pg *= g;
        s->cs *= g;
    }
    if (s->woodbury)
        for (size_t j = 0; j < n; j++)
            pdiag[j] *= pg;
    else
        for (size_t i = 0; i < n * n; i++)
            s->P[i] *= pg;
}

/* Writes the scaled form of one vector of the problem into dst. */
static void scale_vector(const hedge__admm *s, hedge_qp_vector which, const double *v, double *dst) {
    size_t n = s->n, m = s->m;
    switch (which) {
    case HEDGE_QP_LINEAR:
    case HEDGE_QP_L1_WEIGHT:
        for (size_t j = 0; j < n; j++)
            dst[j] = s->cs * s->d[j] * v[j];
        break;
    case HEDGE_QP_L1_TARGET:
        for (size_t j = 0; j < n; j++)
            dst[j] = v[j] / s->d[j];
        break;
    case HEDGE_QP_ROW_LO:
    case HEDGE_QP_ROW_HI:
        for (size_t i = 0; i < m; i++)
            dst[i] = clean_inf(v[i]) * s->e[i];
        break;
    case HEDGE_QP_LB:
    case HEDGE_QP_UB:
        for (size_t j = 0; j < n; j++)
            dst[j] = clean_inf(v[j]) / s->d[j];
        break;
    default:
        break;
    }
}

static double *vector_slot(hedge__admm *s, hedge_qp_vector which) {
    switch (which) {
    case HEDGE_QP_LINEAR: return s->q;
    case HEDGE_QP_L1_WEIGHT: return s->w;
    case HEDGE_QP_L1_TARGET: return s->t;
    case HEDGE_QP_ROW_LO: return s->lo;
    case HEDGE_QP_ROW_HI: return s->hi;
    case HEDGE_QP_LB: return s->lb;
    case HEDGE_QP_UB: return s->ub;
    default: return NULL;
    }
}

/* ---- rho and the factorisation ---- */

/* 0: no bound (the row does nothing), 1: an inequality (or an L1 term), 2: an equality. */
static unsigned char kind_of(double lo, double hi, double w) {
    if (lo == hi)
        return 2;
    return lo == -HUGE_VAL && hi == HUGE_VAL && w == 0.0 ? 0 : 1;
}

static bool update_kinds(hedge__admm *s) {
    bool changed = false;
    for (size_t i = 0; i < s->m; i++) {
        unsigned char kd = kind_of(s->lo[i], s->hi[i], 0.0);
        changed |= kd != s->kind[i];
        s->kind[i] = kd;
    }
    for (size_t j = 0; j < s->n; j++) {
        unsigned char kd = kind_of(s->lb[j], s->ub[j], s->w[j]);
        changed |= kd != s->kind[s->m + j];
        s->kind[s->m + j] = kd;
    }
    return changed;
}

/* OSQP's choice: rho on inequalities, 1e3 rho on equalities, almost nothing on rows without bounds. */
static void set_rho_vector(hedge__admm *s) {
    size_t m = s->m;
    for (size_t r = 0; r < m + s->n; r++) {
        double v = s->kind[r] == 2 ? RHO_EQ * s->rho : s->kind[r] == 1 ? s->rho : RHO_MIN;
        if (s->woodbury && r >= m)
            v = maxd(v, RHO_WOODBURY_MIN);
        s->rho_v[r] = v;
    }
}

static bool factor(hedge__admm *s) {
    size_t n = s->n, m = s->m, k = s->k, nr = s->nr;
    const hedge__la_kernels *la = s->la;
    set_rho_vector(s);
    if (!s->woodbury) {
        for (size_t i = 0; i < n; i++) {
            memcpy(s->L + i * n, s->P + i * n, (i + 1) * sizeof(double));
            s->L[i * n + i] += s->sigma + s->rho_v[m + i];
        }
        for (size_t i = 0; i < m; i++) {
            const double *a = s->A + i * n;
            for (size_t j = 0; j < n; j++)
                if (a[j] != 0.0)
                    la->axpy(s->L + j * n, s->rho_v[i] * a[j], a, j + 1);
        }
        return hedge__la_cholesky(la, s->L, n, n);
    }
    /* K = Delta + G'G with G = [F; R^1/2 A]: K^-1 = Delta^-1 - Delta^-1 G' C^-1 G Delta^-1 with
     * C = I + G Delta^-1 G', built as the Gram matrix of (G Delta^-1/2)' */
    for (size_t j = 0; j < n; j++) {
        s->delta[j] = s->Dg[j] + s->sigma + s->rho_v[m + j];
        double isd = 1.0 / sqrt(s->delta[j]);
        double *wt = s->Wt + j * nr;
        for (size_t r = 0; r < k; r++)
            wt[r] = s->F[r * n + j] * isd;
        for (size_t i = 0; i < m; i++)
            wt[k + i] = sqrt(s->rho_v[i]) * s->A[i * n + j] * isd;
    }
    s->key_h_valid = s->key_s_valid = false; /* the polish's capacitance mode shares Wt */
    la->gram(s->L, nr, s->Wt, n, nr, nr);
    for (size_t r = 0; r < nr; r++)
        s->L[r * nr + r] += 1.0;
    return hedge__la_cholesky(la, s->L, nr, nr);
}

/* Solves (P + sigma I + [A;I]' R [A;I]) x = b in place. */
static void linsolve(hedge__admm *s, double *b) {
    size_t n = s->n, m = s->m, k = s->k, nr = s->nr;
    const hedge__la_kernels *la = s->la;
    if (!s->woodbury) {
        hedge__la_chol_solve(la, s->L, n, n, b);
        return;
    }
    for (size_t j = 0; j < n; j++)
        b[j] /= s->delta[j];
    for (size_t r = 0; r < k; r++)
        s->wk[r] = la->dot(s->F + r * n, b, n);
    for (size_t i = 0; i < m; i++)
        s->wk[k + i] = sqrt(s->rho_v[i]) * la->dot(s->A + i * n, b, n);
    hedge__la_chol_solve(la, s->L, nr, nr, s->wk);
    memset(s->wn, 0, n * sizeof(double));
    for (size_t r = 0; r < k; r++)
        la->axpy(s->wn, s->wk[r], s->F + r * n, n);
    for (size_t i = 0; i < m; i++)
        la->axpy(s->wn, sqrt(s->rho_v[i]) * s->wk[k + i], s->A + i * n, n);
    for (size_t j = 0; j < n; j++)
        b[j] -= s->wn[j] / s->delta[j];
}

/* ---- setup ---- */

static void destroy(void *state) {
    hedge__admm *s = state;
    hedge__free(s->ctx, s->block, s->block_bytes, 64);
    hedge__free(s->ctx, s, sizeof *s, 0);
}

static hedge_status setup(void **state, void *user, hedge_context *ctx, const hedge_qp *qp,
                          const hedge_solver_options *o) {
    (void)user;
    *state = NULL;
    size_t n, k, m;
    hedge_qp_size(qp, &n, &k, &m);
    hedge__admm tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.n = n;
    tmp.k = k;
    tmp.m = m;
    tmp.nr = k + m;
    tmp.woodbury = k + m < n;
    const unsigned char *is_int = hedge_qp_integer_data(qp);
    for (size_t j = 0; j < n; j++)
        tmp.n_int += is_int[j] != 0;
    size_t bytes = layout(&tmp, NULL);
    if (!bytes)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "admm: %zu variables, %zu factor rows and %zu rows need more "
                           "memory than can be addressed", n, k, m);
    hedge__admm *s = hedge__alloc(ctx, sizeof *s, 0);
    if (!s)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "admm: out of memory");
    *s = tmp;
    s->ctx = ctx;
    s->block_bytes = bytes;
    s->block = hedge__alloc(ctx, bytes, 64);
    if (!s->block) {
        hedge__free(ctx, s, sizeof *s, 0);
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "admm: cannot allocate %zu bytes of workspace", bytes);
    }
    memset(s->block, 0, bytes);
    layout(s, s->block);
    s->la = hedge__la_pick();
    s->eps_abs = o->eps_abs;
    s->eps_rel = o->eps_rel;
    s->max_iter = o->max_iter;
    s->time_limit_s = o->time_limit_s;
    s->polish = o->polish != 0;
    s->sigma = SIGMA;
    s->alpha = ALPHA;
    s->rho = RHO_START;
    s->cold_iters = 0;
    s->delta_reg = 1e-7;
    s->max_nodes = o->max_nodes;
    s->mip_gap = o->mip_gap;
    for (size_t j = 0, a = 0; j < n; j++)
        if (is_int[j])
            s->int_idx[a++] = j;

    const double *D = hedge_qp_vector_data(qp, HEDGE_QP_DIAGONAL);
    const double *c = hedge_qp_vector_data(qp, HEDGE_QP_LINEAR);
    const double *w = hedge_qp_vector_data(qp, HEDGE_QP_L1_WEIGHT);
    const double *F = hedge_qp_matrix_data(qp, 1), *A = hedge_qp_matrix_data(qp, 0);
    if (m)
        memcpy(s->A, A, m * n * sizeof(double));
    double *pdiag = s->wn;
    if (s->woodbury) {
        if (k)
            memcpy(s->F, F, k * n * sizeof(double));
        for (size_t j = 0; j < n; j++)
            pdiag[j] = D[j];
        for (size_t r = 0; r < k; r++)
            for (size_t j = 0; j < n; j++)
                pdiag[j] += F[r * n + j] * F[r * n + j];
    } else {
        if (k)
            s->la->gram(s->P, n, F, k, n, n);
        for (size_t j = 0; j < n; j++)
            s->P[j * n + j] = (k ? s->P[j * n + j] : 0.0) + D[j];
        hedge__la_mirror(s->P, n, n);
    }
    equilibrate(s, pdiag, c, w);
    if (s->woodbury) {
        double rc = sqrt(s->cs);
        for (size_t r = 0; r < k; r++)
            for (size_t j = 0; j < n; j++)
                s->F[r * n + j] *= rc * s->d[j];
    }
    for (size_t j = 0; j < n; j++)
        s->Dg[j] = s->cs * s->d[j] * s->d[j] * D[j];
    for (int v = HEDGE_QP_LINEAR; v <= HEDGE_QP_UB; v++)
        scale_vector(s, (hedge_qp_vector)v, hedge_qp_vector_data(qp, (hedge_qp_vector)v),
                     vector_slot(s, (hedge_qp_vector)v));
    update_kinds(s);
    if (s->woodbury)
        s->factor_flops = (double)n * (double)s->nr * (double)s->nr / 2 + (double)s->nr * s->nr * s->nr / 3;
    else
        s->factor_flops = (double)n * n * n / 3 + (double)m * n * n / 2;
    s->iter_flops = s->woodbury ? 4.0 * (double)n * (double)s->nr + (double)s->nr * s->nr
                                : (double)n * n + 4.0 * (double)m * n;
    if (!factor(s)) {
        destroy(s);
        return hedge__fail(ctx, HEDGE_ERR_BACKEND, "admm: the KKT matrix is not numerically positive definite "
                           "(are the data finite and of sane magnitude?)");
    }
    *state = s;
    return HEDGE_OK;
}

/* ---- iterations ---- */

/* The soft threshold of v around t by w (the prox of w|.-t|), then the clip to [lb, ub]: the prox of
 * their sum, since both are functions of one variable. */
static double prox_bound(double v, double t, double w, double lb, double ub) {
    double z = v;
    if (w > 0.0) {
        double u = v - t;
        z = u > w ? v - w : u < -w ? v + w : t;
    }
    return z < lb ? lb : z > ub ? ub : z;
}

static void iterate(hedge__admm *s, bool save) {
    size_t n = s->n, m = s->m;
    const hedge__la_kernels *la = s->la;
    double a = s->alpha, *x = s->x, *z = s->z, *y = s->y, *xt = s->xt, *rho = s->rho_v;
    if (save) {
        memcpy(s->xprev, x, n * sizeof(double));
        memcpy(s->yprev, y, (m + n) * sizeof(double));
    }
    for (size_t j = 0; j < n; j++)
        xt[j] = s->sigma * x[j] - s->q[j] + rho[m + j] * z[m + j] - y[m + j];
    for (size_t i = 0; i < m; i++) {
        double coef = rho[i] * z[i] - y[i];
        if (coef != 0.0)
            la->axpy(xt, coef, s->A + i * n, n);
    }
    linsolve(s, xt);
    for (size_t i = 0; i < m; i++) {
        /* y + rho (zr - zn) written as rho (v - zn): exactly 0 when the projection is inactive */
        double zr = a * la->dot(s->A + i * n, xt, n) + (1 - a) * z[i], v = zr + y[i] / rho[i];
        double zn = clampd(v, s->lo[i], s->hi[i]);
        y[i] = rho[i] * (v - zn);
        z[i] = zn;
    }
    for (size_t j = 0; j < n; j++) {
        double r = rho[m + j], zr = a * xt[j] + (1 - a) * z[m + j];
        double v = zr + y[m + j] / r, zn = prox_bound(v, s->t[j], s->w[j] / r, s->lb[j], s->ub[j]);
        y[m + j] = r * (v - zn);
        z[m + j] = zn;
        x[j] = a * xt[j] + (1 - a) * x[j];
    }
}

typedef struct residuals {
    double prim, dual, eps_prim, eps_dual; /* unscaled */
    double prim_rel, dual_rel;             /* scaled, relative: for rho and the polish trigger */
} residuals;

static residuals measure(hedge__admm *s) {
    size_t n = s->n, m = s->m;
    const hedge__la_kernels *la = s->la;
    double *x = s->x, *z = s->z, *y = s->y;
    hedge__admm_Pmul(s, s->Px, x);
    memset(s->Aty, 0, n * sizeof(double));
    hedge__la_gemv_t(la, s->Aty, s->A, m, n, n, y);
    double pu = 0, axu = 0, zu = 0, ps = 0, axs = 0, zs = 0;
    for (size_t i = 0; i < m; i++) {
        double ax = la->dot(s->A + i * n, x, n), r = fabs(ax - z[i]), ie = 1.0 / s->e[i];
        pu = maxd(pu, r * ie);
        axu = maxd(axu, fabs(ax) * ie);
        zu = maxd(zu, fabs(z[i]) * ie);
        ps = maxd(ps, r);
        axs = maxd(axs, fabs(ax));
        zs = maxd(zs, fabs(z[i]));
    }
    double du = 0, pxu = 0, atu = 0, qu = 0, ds = 0, pxs = 0, ats = 0, qs = 0;
    for (size_t j = 0; j < n; j++) {
        double r = fabs(x[j] - z[m + j]), dj = s->d[j];
        pu = maxd(pu, r * dj);
        axu = maxd(axu, fabs(x[j]) * dj);
        zu = maxd(zu, fabs(z[m + j]) * dj);
        ps = maxd(ps, r);
        axs = maxd(axs, fabs(x[j]));
        zs = maxd(zs, fabs(z[m + j]));
        double at = s->Aty[j] + y[m + j], g = fabs(s->Px[j] + s->q[j] + at), u = 1.0 / (s->cs * dj);
        du = maxd(du, g * u);
        pxu = maxd(pxu, fabs(s->Px[j]) * u);
        atu = maxd(atu, fabs(at) * u);
        qu = maxd(qu, fabs(s->q[j]) * u);
        ds = maxd(ds, g);
        pxs = maxd(pxs, fabs(s->Px[j]));
        ats = maxd(ats, fabs(at));
        qs = maxd(qs, fabs(s->q[j]));
    }
    residuals r;
    r.prim = pu;
    r.dual = du;
    r.eps_prim = s->eps_abs + s->eps_rel * maxd(axu, zu);
    r.eps_dual = s->eps_abs + s->eps_rel * maxd(pxu, maxd(atu, qu));
    r.prim_rel = ps / maxd(maxd(axs, zs), 1e-10);
    r.dual_rel = ds / maxd(maxd(pxs, maxd(ats, qs)), 1e-10);
    return r;
}

/* OSQP's test: the last change of y, projected on the polar of the bounds' recession cone, is a
 * certificate when [A; I]' dy ~ 0 and the support function of the bounds at dy is negative. Both
 * sides are homogeneous in the scalings, so the test runs on unscaled norms. */
static bool primal_infeasible(hedge__admm *s) {
    size_t n = s->n, m = s->m;
    double *dy = s->wmn, norm = 0, support = 0;
    for (size_t r = 0; r < m + n; r++) {
        double lo = r < m ? s->lo[r] : s->lb[r - m], hi = r < m ? s->hi[r] : s->ub[r - m];
        double v = s->y[r] - s->yprev[r];
        if (hi == HUGE_VAL)
            v = mind(v, 0.0);
        if (lo == -HUGE_VAL)
            v = maxd(v, 0.0);
        dy[r] = v;
        norm = maxd(norm, fabs(v) * (r < m ? s->e[r] : 1.0 / s->d[r - m]));
        support += v > 0 ? hi * v : v < 0 ? lo * v : 0.0;
    }
    if (!(norm > 0))
        return false;
    memcpy(s->wn, dy + m, n * sizeof(double));
    hedge__la_gemv_t(s->la, s->wn, s->A, m, n, n, dy);
    bool stationary = true;
    for (size_t j = 0; j < n; j++)
        stationary &= fabs(s->wn[j]) / s->d[j] <= EPS_INF * norm;
    if (stationary && support < -EPS_INF * norm)
        return true;
    /* The bound duals completed from the row duals instead: z = -A'dy projected on the polar cone,
     * which is stationary exactly wherever a box lets it be. The iterates' own bound duals lag
     * behind where a column is cost-less and free on a side ("t >= |u|" columns of a cap): the
     * test above then waited a median 1,540 to 1,870 iterations on such problems, this one 270 to
     * 460 (tests/test_backends.c). */
    memset(s->wn, 0, n * sizeof(double));
    hedge__la_gemv_t(s->la, s->wn, s->A, m, n, n, dy);
    double worst = 0;
    norm = support = 0;
    for (size_t r = 0; r < m; r++) {
        norm = maxd(norm, fabs(dy[r]) * s->e[r]);
        support += dy[r] > 0 ? s->hi[r] * dy[r] : dy[r] < 0 ? s->lo[r] * dy[r] : 0.0;
    }
    for (size_t j = 0; j < n; j++) {
        double want = -s->wn[j], v = want;
        if (s->ub[j] == HUGE_VAL)
            v = mind(v, 0.0);
        if (s->lb[j] == -HUGE_VAL)
            v = maxd(v, 0.0);
        dy[m + j] = v;
        worst = maxd(worst, fabs(want - v) / s->d[j]);
        norm = maxd(norm, fabs(v) / s->d[j]);
        support += v > 0 ? s->ub[j] * v : v < 0 ? s->lb[j] * v : 0.0;
    }
    return norm > 0 && support < -EPS_INF * norm && worst <= EPS_INF * norm;
}

/* The last change of x is a direction of unbounded descent when P dx ~ 0, c'dx + sum w|dx| < 0 and
 * [A; I] dx lies in the recession cone of the bounds. */
static bool dual_infeasible(hedge__admm *s) {
    size_t n = s->n, m = s->m;
    double *dx = s->wn, norm = 0, lin = 0;
    for (size_t j = 0; j < n; j++) {
        dx[j] = s->x[j] - s->xprev[j];
        norm = maxd(norm, fabs(dx[j]) * s->d[j]);
        lin += s->q[j] * dx[j] + s->w[j] * fabs(dx[j]);
    }
    double tol = EPS_INF * norm;
    if (!(norm > 0) || !(lin / s->cs < -tol))
        return false;
    for (size_t j = 0; j < n; j++) {
        double v = dx[j] * s->d[j];
        if ((s->ub[j] < HUGE_VAL && v > tol) || (s->lb[j] > -HUGE_VAL && v < -tol))
            return false;
    }
    for (size_t i = 0; i < m; i++) {
        double v = s->la->dot(s->A + i * n, dx, n) / s->e[i];
        if ((s->hi[i] < HUGE_VAL && v > tol) || (s->lo[i] > -HUGE_VAL && v < -tol))
            return false;
    }
    hedge__admm_Pmul(s, s->wn2, dx);
    for (size_t j = 0; j < n; j++)
        if (fabs(s->wn2[j]) / (s->cs * s->d[j]) > tol)
            return false;
    return true;
}

/* ---- evaluation of a candidate and the answer ---- */

/* The subdifferential [slo, shi] of w|.-t| at position p. */
static void l1_subdiff(double p, double t, double w, double *slo, double *shi) {
    if (w == 0.0 || p > t)
        *slo = *shi = w;
    else if (p < t)
        *slo = *shi = -w;
    else {
        *slo = -w;
        *shi = w;
    }
    if (w == 0.0)
        *slo = *shi = 0.0;
}

hedge__admm_eval hedge__admm_evaluate(hedge__admm *s, const double *x, const double *ya, const double *yb,
                                      const double *p) {
    size_t n = s->n, m = s->m;
    const hedge__la_kernels *la = s->la;
    hedge__admm_Pmul(s, s->Px, x);
    memset(s->Aty, 0, n * sizeof(double));
    hedge__la_gemv_t(la, s->Aty, s->A, m, n, n, ya);
    double prim = 0, axn = 0, obj = 0;
    for (size_t i = 0; i < m; i++) {
        double ax = la->dot(s->A + i * n, x, n);
        prim = maxd(prim, maxd(maxd(s->lo[i] - ax, ax - s->hi[i]), 0.0) / s->e[i]);
        axn = maxd(axn, fabs(ax) / s->e[i]);
    }
    double dual = 0, pxn = 0, atn = 0, qn = 0;
    for (size_t j = 0; j < n; j++) {
        double xj = x[j], dj = s->d[j], u = 1.0 / (s->cs * dj);
        prim = maxd(prim, maxd(maxd(s->lb[j] - xj, xj - s->ub[j]), 0.0) * dj);
        axn = maxd(axn, fabs(xj) * dj);
        obj += (0.5 * s->Px[j] + s->q[j]) * xj + s->w[j] * fabs(xj - s->t[j]);
        /* split the bound row's dual into the bounds' normal cone and the L1 subgradient */
        double slo, shi, zb = 0.0, v = yb[j];
        l1_subdiff(p[j], s->t[j], s->w[j], &slo, &shi);
        bool at_lo = p[j] <= s->lb[j], at_hi = p[j] >= s->ub[j];
        if (at_lo && at_hi)
            zb = v - clampd(v, slo, shi);
        else if (at_hi)
            zb = maxd(0.0, v - shi);
        else if (at_lo)
            zb = mind(0.0, v - slo);
        s->wn2[j] = zb;
        double g = s->Px[j] + s->q[j] + s->Aty[j] + zb, sub = clampd(-g, slo, shi);
        dual = maxd(dual, fabs(g + sub) * u);
        pxn = maxd(pxn, fabs(s->Px[j]) * u);
        atn = maxd(atn, fabs(s->Aty[j] + v) * u);
        qn = maxd(qn, fabs(s->q[j]) * u);
    }
    hedge__admm_eval ev;
    ev.prim = prim;
    ev.dual = dual;
    ev.eps_prim = s->eps_abs + s->eps_rel * axn;
    ev.eps_dual = s->eps_abs + s->eps_rel * maxd(pxn, maxd(atn, qn));
    ev.objective = obj / s->cs;
    return ev;
}

/* Unscaled answer from the candidate in cx, cy and the bound duals evaluate() left in wn2. */
static void write_answer(const hedge__admm *s, hedge_solution *sol, const hedge__admm_eval *ev) {
    for (size_t j = 0; j < s->n; j++) {
        if (sol->x)
            sol->x[j] = s->d[j] * s->cx[j];
        if (sol->z)
            sol->z[j] = s->wn2[j] / (s->d[j] * s->cs);
    }
    for (size_t i = 0; sol->y && i < s->m; i++)
        sol->y[i] = s->e[i] * s->cy[i] / s->cs;
    sol->objective = ev->objective;
    sol->primal_residual = ev->prim;
    sol->dual_residual = ev->dual;
}

/* The ADMM iterate as a candidate: x is the z-update's copy of it, which the prox put exactly on
 * a bound or an L1 target where it belongs there (so that "no trade" comes out as exactly none);
 * it differs from the x iterate by the primal residual. */
static hedge__admm_eval iterate_candidate(hedge__admm *s) {
    size_t n = s->n, m = s->m;
    for (size_t j = 0; j < n; j++) {
        s->cx[j] = s->z[m + j];
        s->cyb[j] = s->y[m + j];
    }
    memcpy(s->cy, s->y, m * sizeof(double));
    return hedge__admm_evaluate(s, s->cx, s->cy, s->cyb, s->z + m);
}

/* After a polished answer the iterate restarts from it, so that a re-solve after a small update
 * starts next to the answer (and tries the polish on the same active set first). */
static void adopt_candidate(hedge__admm *s) {
    size_t n = s->n, m = s->m;
    for (size_t i = 0; i < m; i++) {
        s->z[i] = clampd(s->la->dot(s->A + i * n, s->cx, n), s->lo[i], s->hi[i]);
        s->y[i] = s->cy[i];
    }
    for (size_t j = 0; j < n; j++) {
        s->x[j] = s->cx[j];
        s->z[m + j] = clampd(s->cx[j], s->lb[j], s->ub[j]);
        s->y[m + j] = s->cyb[j];
    }
}

/* The guess from the iterate: zeta = z + y. */
static bool guess_from_iterate(hedge__admm *s) {
    for (size_t r = 0; r < s->m + s->n; r++)
        s->wmn[r] = s->z[r] + s->y[r];
    return hedge__admm_guess(s, s->wmn);
}

hedge_status hedge__admm_relax(hedge__admm *s, hedge_solution *sol) {
    double t0 = hedge__admm_now();
    size_t n = s->n, m = s->m;
    if (!s->have_start) {
        memset(s->x, 0, n * sizeof(double));
        memset(s->z, 0, (m + n) * sizeof(double));
        memset(s->y, 0, (m + n) * sizeof(double));
    }
    hedge_solve_status status = HEDGE_SOLVE_ITERATION_LIMIT;
    hedge__admm_eval ev;
    bool polished = false, answered = false, cold = !s->have_start;
    size_t it = 0, since_factor = 0, before_restart = 0;
    /* A warm start is no guarantee: on LPs ADMM's path from the last answer (and its rho) can be
     * longer than from zero (measured on random LPs after a 1% cost change: 9 times the fresh
     * solve at 100 x 60, and the iteration limit at 300 x 200 where the fresh solve needed
     * 24,000). A warm solve that has run twice the last cold solve's iterations starts again from
     * zero with the initial rho, which bounds it near three times a fresh solve. */
    size_t restart_at = !cold && s->cold_iters ? 2 * s->cold_iters + 100 : SIZE_MAX;
    /* rho may change after this many iterations since the last factorisation: at least what makes a
     * refactorisation a minor part of the work, doubled after each change, so that rho settles (ADMM
     * converges for a fixed rho; a rho that keeps jumping can keep it from converging, as on LPs) */
    double rho_interval = maxd((double)MIN_RHO_INTERVAL, 0.4 * s->factor_flops / s->iter_flops);
    double tau = POLISH_FIRST, polish_interval = MIN_RHO_INTERVAL;
    size_t since_polish = 0;
    if (s->polish && s->have_start && (guess_from_iterate(s), hedge__admm_polish(s, &ev))) {
        status = HEDGE_SOLVE_OPTIMAL;
        polished = answered = true;
    }
    /* a bound that changed kind needs a new factorisation, but only if ADMM iterates: a polish
     * from the previous answer often settles a re-solve without one (a branch and bound's nodes) */
    if (!answered && s->kind_changed) {
        s->kind_changed = false;
        if (!factor(s))
            return hedge__fail(s->ctx, HEDGE_ERR_BACKEND, "admm: refactorisation failed");
    }
    while (!answered && it < s->max_iter) {
        it++;
        if (it == restart_at) {
            memset(s->x, 0, n * sizeof(double));
            memset(s->z, 0, (m + n) * sizeof(double));
            memset(s->y, 0, (m + n) * sizeof(double));
            before_restart = it - 1;
            cold = true;
            tau = POLISH_FIRST, polish_interval = MIN_RHO_INTERVAL, since_polish = 0;
            rho_interval = maxd((double)MIN_RHO_INTERVAL, 0.4 * s->factor_flops / s->iter_flops);
            if (s->rho != RHO_START) {
                s->rho = RHO_START;
                since_factor = 0;
                if (!factor(s))
                    return hedge__fail(s->ctx, HEDGE_ERR_BACKEND, "admm: refactorisation failed");
            }
        }
        since_factor++;
        since_polish++;
        bool check = it % CHECK_EVERY == 0 || it == s->max_iter;
        iterate(s, check);
        if (!check)
            continue;
        residuals r = measure(s);
        if (r.prim <= r.eps_prim && r.dual <= r.eps_dual) {
            status = HEDGE_SOLVE_OPTIMAL;
            polished = s->polish && (guess_from_iterate(s), hedge__admm_polish(s, &ev));
            break;
        }
        if (primal_infeasible(s)) {
            status = HEDGE_SOLVE_PRIMAL_INFEASIBLE;
            break;
        }
        if (dual_infeasible(s)) {
            status = HEDGE_SOLVE_DUAL_INFEASIBLE;
            break;
        }
        /* The polish is tried when the residuals first fall below 1e-3 and then at every tenfold
         * fall; and, since a degenerate vertex can make one guess fail long before the next level,
         * also whenever the guess has changed since the last try, at intervals that double. */
        if (s->polish) {
            double level = maxd(r.prim_rel, r.dual_rel);
            bool at_level = level <= tau;
            bool attempt = at_level;
            if (!attempt && tau < POLISH_FIRST && level <= POLISH_FIRST && (double)since_polish >= polish_interval)
                attempt = guess_from_iterate(s);
            else if (attempt)
                guess_from_iterate(s);
            if (attempt) {
                if (at_level)
                    tau = 0.1 * mind(tau, level);
                else
                    polish_interval *= 2;
                since_polish = 0;
                if (hedge__admm_polish(s, &ev)) {
                    status = HEDGE_SOLVE_OPTIMAL;
                    polished = true;
                    break;
                }
            }
        }
        if (s->time_limit_s > 0 && hedge__admm_now() - t0 >= s->time_limit_s) {
            status = HEDGE_SOLVE_TIME_LIMIT;
            break;
        }
        if ((double)since_factor >= rho_interval) {
            double ratio = sqrt(r.prim_rel / maxd(r.dual_rel, 1e-300));
            double rho = clampd(s->rho * ratio, RHO_MIN, RHO_MAX);
            if (rho > 5 * s->rho || rho < s->rho / 5) {
                s->rho = rho;
                since_factor = 0;
                rho_interval *= 2;
                if (!factor(s))
                    return hedge__fail(s->ctx, HEDGE_ERR_BACKEND, "admm: refactorisation failed");
            }
        }
    }
    sol->status = status;
    sol->iterations = it;
    if (cold && status == HEDGE_SOLVE_OPTIMAL && it > before_restart)
        s->cold_iters = it - before_restart;
    if (status == HEDGE_SOLVE_PRIMAL_INFEASIBLE || status == HEDGE_SOLVE_DUAL_INFEASIBLE) {
        hedge__admm_eval last = iterate_candidate(s);
        write_answer(s, sol, &last);
        if (status == HEDGE_SOLVE_PRIMAL_INFEASIBLE) {
            double norm = 0;
            for (size_t i = 0; i < m; i++)
                norm = maxd(norm, fabs(s->wmn[i]) * s->e[i]);
            for (size_t j = 0; j < n; j++)
                norm = maxd(norm, fabs(s->wmn[m + j]) / s->d[j]);
            for (size_t i = 0; sol->y && i < m; i++)
                sol->y[i] = s->wmn[i] * s->e[i] / norm;
            for (size_t j = 0; sol->z && j < n; j++)
                sol->z[j] = s->wmn[m + j] / s->d[j] / norm;
            sol->objective = HUGE_VAL;
        } else {
            double norm = 0;
            for (size_t j = 0; j < n; j++)
                norm = maxd(norm, fabs(s->x[j] - s->xprev[j]) * s->d[j]);
            for (size_t j = 0; sol->x && j < n; j++)
                sol->x[j] = (s->x[j] - s->xprev[j]) * s->d[j] / norm;
            for (size_t i = 0; sol->y && i < m; i++)
                sol->y[i] = 0.0;
            for (size_t j = 0; sol->z && j < n; j++)
                sol->z[j] = 0.0;
            sol->objective = -HUGE_VAL;
        }
        s->have_start = false; /* diverging iterates are no place to start from */
    } else {
        if (!polished)
            ev = iterate_candidate(s);
        write_answer(s, sol, &ev);
        if (polished)
            adopt_candidate(s);
        s->have_start = true;
    }
    sol->solve_time_s = hedge__admm_now() - t0;
    return HEDGE_OK;
}

static hedge_status solve(void *state, hedge_solution *sol) {
    hedge__admm *s = state;
    return s->n_int ? hedge__admm_bnb(s, sol) : hedge__admm_relax(s, sol);
}

/* ---- updates and warm starts ---- */

static hedge_status update(void *state, hedge_qp_vector which, const double *values) {
    hedge__admm *s = state;
    double *slot = vector_slot(s, which);
    if (!slot)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "admm: vector %d cannot be updated", (int)which);
    size_t len = which == HEDGE_QP_ROW_LO || which == HEDGE_QP_ROW_HI ? s->m : s->n;
    double *tmp = which == HEDGE_QP_ROW_LO || which == HEDGE_QP_ROW_HI ? s->wmn : s->wn;
    scale_vector(s, which, values, tmp);
    /* scaling by a positive factor preserves order, so the check can run on scaled values */
    const double *partner = which == HEDGE_QP_ROW_LO ? s->hi : which == HEDGE_QP_ROW_HI ? s->lo
                            : which == HEDGE_QP_LB   ? s->ub : which == HEDGE_QP_UB     ? s->lb : NULL;
    bool lower = which == HEDGE_QP_ROW_LO || which == HEDGE_QP_LB;
    for (size_t i = 0; partner && i < len; i++)
        if (lower ? tmp[i] > partner[i] : tmp[i] < partner[i])
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "hedge_solver_update: %s bound %zu (%g) would %s its partner",
                               lower ? "lower" : "upper", i, values[i], lower ? "exceed" : "fall below");
    memcpy(slot, tmp, len * sizeof(double));
    if (update_kinds(s))
        s->kind_changed = true;
    return HEDGE_OK;
}

void hedge__admm_set_bounds(hedge__admm *s, size_t j, double lb, double ub) {
    s->lb[j] = lb;
    s->ub[j] = ub;
    unsigned char kd = kind_of(lb, ub, s->w[j]);
    if (kd != s->kind[s->m + j]) {
        s->kind[s->m + j] = kd;
        s->kind_changed = true;
    }
}

void hedge__admm_start_from(hedge__admm *s, const double *x, const double *y) {
    size_t n = s->n, m = s->m;
    if (x != s->x)
        memcpy(s->x, x, n * sizeof(double));
    if (y != s->y)
        memcpy(s->y, y, m * sizeof(double));
    for (size_t i = 0; i < m; i++)
        s->z[i] = clampd(s->la->dot(s->A + i * n, s->x, n), s->lo[i], s->hi[i]);
    /* the bound rows' duals are what stationarity leaves for them, projected on what the bounds and
     * the L1 term allow at the clipped point */
    hedge__admm_Pmul(s, s->wn, s->x);
    hedge__la_gemv_t(s->la, s->wn, s->A, m, n, n, s->y);
    for (size_t j = 0; j < n; j++) {
        double zj = clampd(s->x[j], s->lb[j], s->ub[j]), v = -(s->wn[j] + s->q[j]), slo, shi;
        l1_subdiff(zj, s->t[j], s->w[j], &slo, &shi);
        if (zj <= s->lb[j])
            slo = -HUGE_VAL;
        if (zj >= s->ub[j])
            shi = HUGE_VAL;
        s->z[m + j] = zj;
        s->y[m + j] = clampd(v, slo, shi);
    }
    s->have_start = true;
}

static hedge_status warm_start(void *state, const double *x, const double *y) {
    hedge__admm *s = state;
    for (size_t j = 0; j < s->n; j++)
        s->x[j] = x ? x[j] / s->d[j] : 0.0;
    for (size_t i = 0; i < s->m; i++)
        s->y[i] = y ? s->cs * y[i] / s->e[i] : 0.0;
    hedge__admm_start_from(s, s->x, s->y);
    return HEDGE_OK;
}

const hedge_backend hedge__backend_admm = {
    HEDGE_BACKEND_ABI_VERSION, sizeof(hedge_backend), "admm",
    HEDGE_BACKEND_CAP_QP | HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_MIP | HEDGE_BACKEND_CAP_WARM_START |
        HEDGE_BACKEND_CAP_DUALS | HEDGE_BACKEND_CAP_CERTIFICATES,
    NULL, setup, solve, update, warm_start, destroy,
};
