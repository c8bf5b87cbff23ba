/*
 * The polish of the ADMM backend: guess which constraints are active (and which variables sit at
 * their L1 targets) from the iterate, solve the equality-constrained QP that guess defines exactly,
 * and keep the answer only if it satisfies the KKT conditions to the requested tolerances. ADMM
 * converges linearly at best; the polish turns a moderately accurate iterate with the right active
 * set into an answer accurate to the linear algebra.
 *
 * The reduced system, with free variables f (off their bounds and targets) and active rows a:
 *     [ P_ff  A_af' ] [x_f]   [ -(q + s)_f - P_fb x_b ]
 *     [ A_af   0    ] [y_a] = [   b_a - A_ab x_b      ]
 * where x_b are the fixed variables' values and s the L1 slope (+-w) on the side each free variable
 * is on. It is solved regularised (P_ff + delta I, -delta I) by a Schur complement on the few active
 * rows, and refined iteratively against the unregularised system, as OSQP does. The factors depend
 * only on which variables are free and which rows active, so they are kept: a re-solve whose active
 * set has not changed (a warm start after a small update) polishes in O(n^2).
 */
#include "optimize/admm_internal.h"

#include <math.h>
#include <string.h>

/* Iterative refinement steps against the unregularised system, and the active-set corrections a
 * polish makes after a failed try before it returns to the ADMM iterations. Refinement stops as
 * soon as the residual stops falling, so the cap only matters for ill-conditioned reduced systems:
 * a free variable whose curvature is far below the regularisation (a hedge leg of a 1-USD contract
 * beside option legs) gains only a factor P/(P + delta) per step, and OSQP's few steps then leave
 * the polish short of the tolerance on a correctly guessed active set. */
enum { REFINE_STEPS = 50, PDAS_STEPS = 3 };

static inline double maxd(double a, double b) { return a > b ? a : b; } /* see admm.c */
static inline double mind(double a, double b) { return a < b ? a : b; }

/* H^-1 v in place, H = P_ff + delta I. */
static void h_solve(hedge__admm *s, double *v) {
    const hedge__la_kernels *la = s->la;
    size_t nf = s->nf, k = s->k;
    if (s->pmode == 0) {
        hedge__la_chol_solve(la, s->H, nf, nf, v);
        return;
    }
    /* (Lambda + F_f'F_f)^-1 = Lambda^-1/2 (I - W C^-1 W') Lambda^-1/2, W = Lambda^-1/2 F_f' */
    for (size_t a = 0; a < nf; a++)
        v[a] /= sqrt(s->plam[a]);
    memset(s->wk, 0, k * sizeof(double));
    hedge__la_gemv_t(la, s->wk, s->Wt, nf, k, k, v);
    hedge__la_chol_solve(la, s->H, k, k, s->wk);
    for (size_t a = 0; a < nf; a++)
        v[a] = (v[a] - la->dot(s->Wt + a * k, s->wk, k)) / sqrt(s->plam[a]);
}

static bool factor_h(hedge__admm *s) {
    const hedge__la_kernels *la = s->la;
    size_t n = s->n, nf = s->nf, k = s->k;
    const size_t *f = s->fidx;
    if (!s->woodbury) {
        s->pmode = 0;
        for (size_t a = 0; a < nf; a++) {
            const double *prow = s->P + f[a] * n;
            double *hrow = s->H + a * nf;
            for (size_t b = 0; b <= a; b++)
                hrow[b] = prow[f[b]];
            hrow[a] += s->delta_reg;
        }
        return hedge__la_cholesky(la, s->H, nf, nf);
    }
    if (nf <= k) { /* few free variables: form P_ff itself from the gathered columns of F */
        s->pmode = 0;
        for (size_t r = 0; r < k; r++)
            for (size_t a = 0; a < nf; a++)
                s->Wt[r * nf + a] = s->F[r * n + f[a]];
        la->gram(s->H, nf, s->Wt, k, nf, nf);
        for (size_t a = 0; a < nf; a++)
            s->H[a * nf + a] += s->Dg[f[a]] + s->delta_reg;
        return hedge__la_cholesky(la, s->H, nf, nf);
    }
    s->pmode = 1;
    for (size_t a = 0; a < nf; a++) {
        s->plam[a] = s->Dg[f[a]] + s->delta_reg;
        double isl = 1.0 / sqrt(s->plam[a]);
        for (size_t r = 0; r < k; r++)
            s->Wt[a * k + r] = s->F[r * n + f[a]] * isl;
    }
    la->gram(s->H, k, s->Wt, nf, k, k);
    for (size_t r = 0; r < k; r++)
        s->H[r * k + r] += 1.0;
    return hedge__la_cholesky(la, s->H, k, k);
}

/* S = A_af H^-1 A_af' + delta I, with the columns H^-1 A_af' kept in HA. */
static bool factor_s(hedge__admm *s) {
    size_t n = s->n, nf = s->nf, na = s->na;
    for (size_t b = 0; b < na; b++) {
        const double *arow = s->A + s->aidx[b] * n;
        double *h = s->HA + b * nf;
        for (size_t a = 0; a < nf; a++)
            h[a] = arow[s->fidx[a]];
        h_solve(s, h);
    }
    for (size_t b = 0; b < na; b++) {
        const double *arow = s->A + s->aidx[b] * n;
        for (size_t c = 0; c <= b; c++) {
            const double *h = s->HA + c * nf;
            double v = 0;
            for (size_t a = 0; a < nf; a++)
                v += arow[s->fidx[a]] * h[a];
            s->S[b * na + c] = v + (b == c ? s->delta_reg : 0.0);
        }
    }
    return hedge__la_cholesky(s->la, s->S, na, na);
}

/* The regularised solve: x = H^-1 (r1 - A'y) with (A H^-1 A' + delta I) y = A H^-1 r1 - r2. */
static void reg_solve(hedge__admm *s, const double *r1, const double *r2, double *x, double *y) {
    size_t n = s->n, nf = s->nf, na = s->na;
    memcpy(x, r1, nf * sizeof(double));
    h_solve(s, x);
    for (size_t b = 0; b < na; b++) {
        const double *arow = s->A + s->aidx[b] * n;
        double v = 0;
        for (size_t a = 0; a < nf; a++)
            v += arow[s->fidx[a]] * x[a];
        y[b] = v - r2[b];
    }
    hedge__la_chol_solve(s->la, s->S, na, na, y);
    for (size_t b = 0; b < na; b++)
        s->la->axpy(x, -y[b], s->HA + b * nf, nf);
}

/* Residual of the unregularised reduced system at (x, y), into (e1, e2); returns its largest entry. */
static double kkt_residual(hedge__admm *s, const double *x, const double *y, double *e1, double *e2) {
    size_t n = s->n, nf = s->nf, na = s->na;
    double *v = s->wn2, *pv = s->Px;
    memset(v, 0, n * sizeof(double));
    for (size_t a = 0; a < nf; a++)
        v[s->fidx[a]] = x[a];
    hedge__admm_Pmul(s, pv, v);
    double big = 0;
    for (size_t a = 0; a < nf; a++)
        e1[a] = s->pr1[a] - pv[s->fidx[a]];
    for (size_t b = 0; b < na; b++) {
        const double *arow = s->A + s->aidx[b] * n;
        double ax = 0;
        for (size_t a = 0; a < nf; a++) {
            e1[a] -= arow[s->fidx[a]] * y[b];
            ax += arow[s->fidx[a]] * x[a];
        }
        e2[b] = s->pr2[b] - ax;
        big = maxd(big, fabs(e2[b]));
    }
    for (size_t a = 0; a < nf; a++)
        big = maxd(big, fabs(e1[a]));
    return big;
}

/*
 * More active rows than free variables make the reduced system singular (the active rows of A_af
 * cannot all be independent), and the polish fails on that guess however close the iterate is.
 * That is the usual guess near an LP's vertex: a few constraints whose multipliers are still
 * small look active beside the ones that define the vertex (measured on a random 300 x 200 LP:
 * 141 active rows against 138 free variables at each try, 34,000 iterations until a guess came
 * out square). The guess releases the na - nf constraints it is least sure of (rows or bounds or
 * L1 kinks, not equalities): each released row lowers na by one, each released variable raises nf
 * by one.
 */
static void trim(hedge__admm *s, const double *zeta) {
    size_t n = s->n, m = s->m, excess = s->na - s->nf;
    unsigned char *act = s->act;
    double *row_score = s->pe2, *var_score = s->pe1;
    for (size_t i = 0; i < m; i++)
        row_score[i] = act[i] == HEDGE__ACT_LO ? s->lo[i] - zeta[i] : act[i] == HEDGE__ACT_HI ? zeta[i] - s->hi[i]
                                                                                              : HUGE_VAL;
    for (size_t k = 0; k < excess; k++) {
        size_t best = SIZE_MAX;
        double low = HUGE_VAL;
        for (size_t r = 0; r < m + n; r++) {
            double v = r < m ? row_score[r] : var_score[r - m];
            if (v < low)
                low = v, best = r;
        }
        if (best == SIZE_MAX)
            break; /* only equalities left: the guess stays degenerate */
        if (best < m) {
            act[best] = HEDGE__ACT_NONE;
            row_score[best] = HUGE_VAL;
        } else {
            size_t j = best - m;
            double u = zeta[best] - s->t[j];
            /* a released kink leaves on the side zeta points to; a released bound, inwards */
            s->pdx[j] = s->w[j] > 0 ? (act[best] == HEDGE__ACT_KINK ? (u > 0 ? s->w[j] : -s->w[j]) : s->pdx[j]) : 0.0;
            act[best] = HEDGE__ACT_NONE;
            s->xB[j] = 0.0;
            var_score[j] = HUGE_VAL;
        }
    }
    s->na = s->nf = 0;
    for (size_t i = 0; i < m; i++)
        if (act[i] != HEDGE__ACT_NONE)
            s->aidx[s->na++] = i;
    for (size_t j = 0; j < n; j++)
        if (act[m + j] == HEDGE__ACT_NONE)
            s->fidx[s->nf++] = j;
}

bool hedge__admm_guess(hedge__admm *s, const double *zeta_v) {
    size_t n = s->n, m = s->m;
    unsigned char *act = s->act;
    /* The guess, OSQP's: a bound is active when the pre-projection point zeta = z + y lies beyond it.
     * For a variable the same point, soft-thresholded by w, also says whether it sits at its target. */
    s->na = 0;
    for (size_t i = 0; i < m; i++) {
        double zeta = zeta_v[i];
        act[i] = s->lo[i] == s->hi[i] ? HEDGE__ACT_EQ
                 : zeta < s->lo[i]    ? HEDGE__ACT_LO
                 : zeta > s->hi[i]    ? HEDGE__ACT_HI
                                      : HEDGE__ACT_NONE;
        if (act[i] != HEDGE__ACT_NONE)
            s->aidx[s->na++] = i;
    }
    s->nf = 0;
    for (size_t j = 0; j < n; j++) {
        double zeta = zeta_v[m + j], u = zeta - s->t[j], wj = s->w[j];
        bool kink = wj > 0 && fabs(u) <= wj;
        double pos = kink ? s->t[j] : u > 0 ? zeta - wj : zeta + wj;
        unsigned char a = s->lb[j] == s->ub[j] ? HEDGE__ACT_EQ
                          : pos <= s->lb[j]    ? HEDGE__ACT_LO
                          : pos >= s->ub[j]    ? HEDGE__ACT_HI
                          : kink               ? HEDGE__ACT_KINK
                                               : HEDGE__ACT_NONE;
        act[m + j] = a;
        s->xB[j] = a == HEDGE__ACT_LO || a == HEDGE__ACT_EQ ? s->lb[j]
                   : a == HEDGE__ACT_HI                     ? s->ub[j]
                   : a == HEDGE__ACT_KINK                   ? s->t[j]
                                                            : 0.0;
        s->pdx[j] = wj > 0 ? (u > 0 ? wj : -wj) : 0.0; /* the L1 slope of a free variable */
        if (a == HEDGE__ACT_NONE)
            s->fidx[s->nf++] = j;
        /* how surely the guess holds: how far zeta lies beyond the bound, or inside the kink */
        s->pe1[j] = a == HEDGE__ACT_LO ? s->lb[j] - pos : a == HEDGE__ACT_HI ? pos - s->ub[j]
                    : a == HEDGE__ACT_KINK ? wj - fabs(u) : HUGE_VAL;
    }
    if (s->na > s->nf)
        trim(s, zeta_v);
    return !s->key_set || memcmp(act, s->key, m + n) != 0;
}

/* One try on the current guess. */
static bool polish_once(hedge__admm *s, hedge__admm_eval *ev) {
    size_t n = s->n, m = s->m;
    const hedge__la_kernels *la = s->la;
    const unsigned char *act = s->act;
    /* factors: kept while the free variables (H) and the active rows (S) are the same */
    bool same_free = s->key_h_valid, same_rows;
    for (size_t j = 0; same_free && j < n; j++)
        same_free = (s->key[m + j] == HEDGE__ACT_NONE) == (act[m + j] == HEDGE__ACT_NONE);
    same_rows = same_free && s->key_s_valid;
    for (size_t i = 0; same_rows && i < m; i++)
        same_rows = (s->key[i] == HEDGE__ACT_NONE) == (act[i] == HEDGE__ACT_NONE);
    memcpy(s->key, act, m + n);
    s->key_set = true;
    if (s->na > n) { /* more active rows than variables: degenerate, and beyond the workspace */
        s->key_h_valid = s->key_s_valid = false; /* no factors go with this key */
        return false;
    }
    if (!same_free) {
        s->key_s_valid = false;
        if (!(s->key_h_valid = factor_h(s)))
            return false;
    }
    if (!same_rows && !(s->key_s_valid = factor_s(s)))
        return false;

    /* right-hand side */
    hedge__admm_Pmul(s, s->wn, s->xB);
    for (size_t a = 0; a < s->nf; a++) {
        size_t j = s->fidx[a];
        s->pr1[a] = -(s->q[j] + s->pdx[j] + s->wn[j]);
    }
    for (size_t b = 0; b < s->na; b++) {
        size_t i = s->aidx[b];
        double target = act[i] == HEDGE__ACT_HI ? s->hi[i] : s->lo[i];
        s->pr2[b] = target - la->dot(s->A + i * n, s->xB, n);
    }
    reg_solve(s, s->pr1, s->pr2, s->pxf, s->pyf);
    double last = HUGE_VAL;
    for (int step = 0; step < REFINE_STEPS; step++) {
        double r = kkt_residual(s, s->pxf, s->pyf, s->pe1, s->pe2);
        if (!(r < last) || r == 0.0)
            break;
        last = r;
        reg_solve(s, s->pe1, s->pe2, s->pdx, s->pdy); /* pdx: the slopes are in pr1 by now */
        for (size_t a = 0; a < s->nf; a++)
            s->pxf[a] += s->pdx[a];
        for (size_t b = 0; b < s->na; b++)
            s->pyf[b] += s->pdy[b];
    }

    /* the candidate, its duals projected on the signs the active set demands */
    memcpy(s->cx, s->xB, n * sizeof(double));
    for (size_t a = 0; a < s->nf; a++)
        s->cx[s->fidx[a]] = s->pxf[a];
    memset(s->cy, 0, m * sizeof(double));
    for (size_t b = 0; b < s->na; b++) {
        size_t i = s->aidx[b];
        double v = s->pyf[b];
        s->cy[i] = act[i] == HEDGE__ACT_LO ? mind(v, 0.0) : act[i] == HEDGE__ACT_HI ? maxd(v, 0.0) : v;
    }
    hedge__admm_Pmul(s, s->wn, s->cx);
    hedge__la_gemv_t(la, s->wn, s->A, m, n, n, s->cy);
    for (size_t j = 0; j < n; j++)
        s->cyb[j] = -(s->wn[j] + s->q[j]);
    *ev = hedge__admm_evaluate(s, s->cx, s->cy, s->cyb, s->cx);
    return ev->prim <= ev->eps_prim && ev->dual <= ev->eps_dual;
}

bool hedge__admm_polish(hedge__admm *s, hedge__admm_eval *ev) {
    size_t n = s->n, m = s->m;
    for (int step = 0;; step++) {
        if (polish_once(s, ev))
            return true;
        if (step == PDAS_STEPS)
            return false;
        /* A primal-dual active-set step from the failed candidate: the same test as the guess from
         * the iterate, on x (not clipped) plus its own multipliers, releases the constraints whose
         * multipliers have the wrong sign and takes in those x violates. It stops when it repeats. */
        double *zeta = s->wmn;
        for (size_t i = 0; i < m; i++)
            zeta[i] = s->la->dot(s->A + i * n, s->cx, n);
        for (size_t b = 0; b < s->na; b++)
            zeta[s->aidx[b]] += s->pyf[b];
        for (size_t j = 0; j < n; j++)
            zeta[m + j] = s->cx[j] + s->cyb[j];
        if (!hedge__admm_guess(s, zeta))
            return false;
    }
}
