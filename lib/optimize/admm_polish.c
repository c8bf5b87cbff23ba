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
 *
 * A guess with more active rows than free variables is trimmed, and one with fewer completed where
 * the free variables have no curvature (trim(), complete()). A failed try is followed by a simplex
 * pivot where the guess is a vertex without curvature (an LP's; pivot() and dual_pivot()), else by
 * a primal-dual active-set step; see each for why.
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
enum { REFINE_STEPS = 50, PDAS_STEPS = 3, MAX_PIVOTS = 25 };

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

/* No curvature on the free variables (P_ff = 0: P is positive semidefinite, so a zero diagonal
 * entry means a zero row and column), as the dual pivot assumes: their gradient does not move
 * with x. */
static bool flat(const hedge__admm *s) {
    size_t n = s->n;
    for (size_t a = 0; a < s->nf; a++) {
        size_t j = s->fidx[a];
        if (s->Dg[j] != 0.0)
            return false;
        if (!s->woodbury) {
            if (s->P[j * n + j] != 0.0)
                return false;
        } else {
            for (size_t r = 0; r < s->k; r++)
                if (s->F[r * n + j] != 0.0)
                    return false;
        }
    }
    return true;
}

/*
 * Fewer active rows than free variables, with no curvature on the free ones (an LP's guess short of
 * its vertex), leave the reduced system singular too: nothing pins the free variables down along
 * the null space of the active rows. The guess fixes the nf - na free variables nearest to a bound
 * or an L1 kink (measured from zeta) at that bound or kink, which makes it square; the pivots can
 * then move from that vertex. (On random 300 x 200 LPs ADMM's guesses were 1 to 18 short at the
 * tries that failed.)
 */
static void complete(hedge__admm *s, const double *zeta) {
    size_t n = s->n, m = s->m, missing = s->nf - s->na;
    unsigned char *act = s->act;
    double *dist = s->pe1; /* free variables only; trim() is not called on the same guess */
    for (size_t j = 0; j < n; j++) {
        dist[j] = HUGE_VAL;
        if (act[m + j] != HEDGE__ACT_NONE)
            continue;
        double x = zeta[m + j] - s->pdx[j]; /* the point the guess puts it at, off its kink */
        dist[j] = fmin(fabs(x - s->lb[j]), fabs(s->ub[j] - x));
        if (s->w[j] > 0)
            dist[j] = fmin(dist[j], fabs(x - s->t[j]));
    }
    for (size_t k = 0; k < missing; k++) {
        size_t best = SIZE_MAX;
        double low = HUGE_VAL;
        for (size_t j = 0; j < n; j++)
            if (dist[j] < low)
                low = dist[j], best = j;
        if (best == SIZE_MAX)
            break;
        size_t j = best;
        double x = zeta[m + j] - s->pdx[j], dl = fabs(x - s->lb[j]), du = fabs(s->ub[j] - x);
        double dk = s->w[j] > 0 ? fabs(x - s->t[j]) : HUGE_VAL;
        unsigned char a = dk <= dl && dk <= du ? HEDGE__ACT_KINK : dl <= du ? HEDGE__ACT_LO : HEDGE__ACT_HI;
        act[m + j] = a;
        s->xB[j] = a == HEDGE__ACT_KINK ? s->t[j] : a == HEDGE__ACT_LO ? s->lb[j] : s->ub[j];
        dist[j] = HUGE_VAL;
    }
    s->nf = 0;
    for (size_t j = 0; j < n; j++)
        if (act[m + j] == HEDGE__ACT_NONE)
            s->fidx[s->nf++] = j;
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
    else if (s->na < s->nf && flat(s))
        complete(s, zeta_v);
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

/* The basis after a pivot: constraint `leave` (an index into act) made inactive, `enter` active
 * as `kind`; the index lists and fixed values rebuilt; free variables take their L1 slopes from
 * slope (n entries; only the free ones are read). */
static void rebasis(hedge__admm *s, size_t leave, size_t enter, unsigned char kind, const double *slope) {
    size_t n = s->n, m = s->m;
    unsigned char *act = s->act;
    act[leave] = HEDGE__ACT_NONE;
    act[enter] = kind;
    s->na = s->nf = 0;
    for (size_t i = 0; i < m; i++)
        if (act[i] != HEDGE__ACT_NONE)
            s->aidx[s->na++] = i;
    for (size_t j = 0; j < n; j++) {
        unsigned char a = act[m + j];
        s->xB[j] = a == HEDGE__ACT_LO || a == HEDGE__ACT_EQ ? s->lb[j]
                   : a == HEDGE__ACT_HI                     ? s->ub[j]
                   : a == HEDGE__ACT_KINK                   ? s->t[j]
                                                            : 0.0;
        if (a == HEDGE__ACT_NONE) {
            s->pdx[j] = slope[j];
            s->fidx[s->nf++] = j;
        }
    }
}

/* The raw multipliers of the last candidate: rows' (pyf) from the reduced solve; for every
 * variable g = (P x + q + A'y)_j, the gradient of the smooth part and the rows at x. */
static void gradient(hedge__admm *s, double *g) {
    size_t n = s->n;
    hedge__admm_Pmul(s, g, s->cx);
    for (size_t b = 0; b < s->na; b++)
        s->la->axpy(g, s->pyf[b], s->A + s->aidx[b] * s->n, n);
    for (size_t j = 0; j < n; j++)
        g[j] += s->q[j];
}

/*
 * The dual simplex pivot, for a failed candidate at a vertex that violates an inactive row or a
 * free variable's bound: the worst violation enters at the bound it crosses, and the active
 * constraint whose multiplier reaches zero first as the entering one's grows leaves (the dual
 * ratio test; a multiplier already of the wrong sign leaves at once where the step would push it
 * further). An LP's ADMM guess often names such a basis (a random 300 x 200 LP: dual feasible,
 * 0.003 outside a row, at every try until the iteration limit). On a basis whose multipliers are
 * right this is the textbook dual simplex step; it is taken on one whose multipliers are wrong too,
 * as then no pivot has a guarantee and this one measured best: of twelve random 300 x 200 LPs none
 * reached the limit against two of eight when it waited for dual feasibility (median 1,825
 * iterations; ADMM alone, before the pivots: about 45,000). Every basis it makes is still only
 * taken through the polish's KKT test. Returns false when no pivot applies.
 */
static bool dual_pivot(hedge__admm *s, const hedge__admm_eval *ev) {
    size_t n = s->n, m = s->m, nf = s->nf, na = s->na;
    unsigned char *act = s->act;
    const hedge__la_kernels *la = s->la;
    if (na != nf || ev->prim <= ev->eps_prim || !flat(s))
        return false;
    /* the entering constraint: the worst violated inactive row or free variable bound */
    size_t enter = SIZE_MAX;
    double worst = 0, sign = 0;
    for (size_t i = 0; i < m; i++) {
        if (act[i] != HEDGE__ACT_NONE)
            continue;
        double ax = la->dot(s->A + i * n, s->cx, n), v = maxd(ax - s->hi[i], s->lo[i] - ax) * s->e[i];
        if (v > worst)
            worst = v, enter = i, sign = ax > s->hi[i] ? 1.0 : -1.0;
    }
    for (size_t a = 0; a < nf; a++) {
        size_t j = s->fidx[a];
        double x = s->cx[j], v = maxd(x - s->ub[j], s->lb[j] - x) / s->d[j];
        if (v > worst)
            worst = v, enter = m + j, sign = x > s->ub[j] ? 1.0 : -1.0;
    }
    if (enter == SIZE_MAX)
        return false;
    /* mu: the change of the active rows' multipliers per unit of the entering one's, keeping the
     * free variables stationary: A_af' mu = -sign a_e,f (the transposed system through the square
     * reduced one, with x ~ 0) */
    for (size_t a = 0; a < nf; a++) {
        size_t j = s->fidx[a];
        s->pr1[a] = enter < m ? -sign * s->A[enter * n + j] : (m + j == enter ? -sign : 0.0);
    }
    memset(s->pr2, 0, na * sizeof(double));
    double *g = s->wn, *dg = s->pe1, *y = s->pe2;
    gradient(s, g); /* before reg_solve overwrites pyf */
    memcpy(y, s->pyf, na * sizeof(double));
    reg_solve(s, s->pr1, s->pr2, s->pxf, s->pyf);
    const double *mu = s->pyf;
    /* the fixed variables' gradients change by dg = A_a' mu + sign a_e per unit */
    memset(dg, 0, n * sizeof(double));
    for (size_t b = 0; b < na; b++)
        la->axpy(dg, mu[b], s->A + s->aidx[b] * n, n);
    if (enter < m)
        la->axpy(dg, sign, s->A + enter * n, n);
    else
        dg[enter - m] += sign;
    /* The dual ratio test, in two passes (Harris's): the smallest step at which a multiplier
     * reaches its bound, among pivots of a usable size, then the largest pivot among the steps
     * that tie with it. A tiny pivot at a degenerate vertex (a step of 0 with a pivot of 1e-17)
     * made a basis that was neither primal nor dual feasible, and the polish stopped there. */
    double theta = HUGE_VAL, big = 0;
    size_t leave = SIZE_MAX;
    for (int pass = 0; pass < 3; pass++) {
        double best = 0;
        for (size_t r = 0; r < na + n; r++) {
            double t = HUGE_VAL, piv = 0;
            if (r < na) {
                unsigned char a = act[s->aidx[r]];
                piv = fabs(mu[r]);
                if (a == HEDGE__ACT_HI && mu[r] < 0)
                    t = maxd(y[r], 0.0) / piv;
                else if (a == HEDGE__ACT_LO && mu[r] > 0)
                    t = maxd(-y[r], 0.0) / piv;
            } else {
                size_t j = r - na;
                unsigned char a = act[m + j];
                double w = s->w[j], up = s->cx[j] >= s->t[j] ? w : -w, down = s->cx[j] > s->t[j] ? w : -w;
                piv = fabs(dg[j]);
                if (a == HEDGE__ACT_LO && dg[j] < 0)
                    t = maxd(g[j] + up, 0.0) / piv;
                else if (a == HEDGE__ACT_HI && dg[j] > 0)
                    t = maxd(-(g[j] + down), 0.0) / piv;
                else if (a == HEDGE__ACT_KINK && dg[j] != 0)
                    t = (dg[j] > 0 ? maxd(w - g[j], 0.0) : maxd(g[j] + w, 0.0)) / piv;
            }
            if (t == HUGE_VAL)
                continue;
            if (pass == 0)
                big = maxd(big, piv);
            else if (pass == 1 && piv >= 1e-9 * big && t < theta)
                theta = t;
            else if (pass == 2 && piv >= 1e-9 * big && t <= theta * (1 + 1e-9) + 1e-15 && piv > best)
                best = piv, leave = r < na ? s->aidx[r] : m + (r - na);
        }
    }
    if (leave == SIZE_MAX)
        return false; /* no constraint can leave: the iterations will find the certificate */
    for (size_t j = 0; j < n; j++)
        s->wn2[j] = act[m + j] == HEDGE__ACT_NONE ? s->pdx[j] : 0.0;
    if (leave >= m) { /* the leaving variable's side: where its gradient reached the edge */
        size_t j = leave - m;
        unsigned char a = act[leave];
        double w = s->w[j];
        s->wn2[j] = a == HEDGE__ACT_LO ? (s->cx[j] >= s->t[j] ? w : -w)
                    : a == HEDGE__ACT_HI ? (s->cx[j] > s->t[j] ? w : -w)
                    : dg[j] > 0 ? -w : w; /* a kink left as g reaches +w goes below t */
    }
    rebasis(s, leave, enter, sign > 0 ? HEDGE__ACT_HI : HEDGE__ACT_LO, s->wn2);
    return true;
}

/* The curvature d'Pd of the direction d (n entries). */
static double curvature(hedge__admm *s, const double *d) {
    hedge__admm_Pmul(s, s->wn2, d);
    return s->la->dot(s->wn2, d, s->n);
}

/*
 * A simplex pivot from a failed candidate that sits at a vertex (as many active constraints as
 * free variables), is primal feasible, and has a multiplier of the wrong sign: the constraint with
 * the worst multiplier leaves, the others stay active, and the point moves along the edge this
 * opens, which lowers the objective at the rate of that multiplier, until the first inactive row,
 * bound or L1 kink blocks it; that one enters. Why: on an LP the primal-dual active-set step
 * cannot do this (releasing a constraint without taking in another leaves the reduced system
 * singular, since P_ff = 0), and ADMM can hover near a vertex for tens of thousands of iterations
 * while its guess keeps naming the same wrong basis (a random 150 x 100 LP: the same feasible
 * basis with one wrong-signed multiplier at 13 tries, then the iteration limit). Only edges
 * without curvature are taken; on a curved one the minimiser lies inside the edge and the
 * active-set step applies. Returns false when no pivot applies; otherwise the new guess is in
 * act, aidx, fidx, xB and pdx.
 */
static bool pivot(hedge__admm *s, const hedge__admm_eval *ev) {
    size_t n = s->n, m = s->m, nf = s->nf, na = s->na;
    unsigned char *act = s->act;
    const hedge__la_kernels *la = s->la;
    if (na != nf || !(ev->prim <= ev->eps_prim))
        return false;
    /* raw multipliers: rows' from the reduced solve, bounds' from stationarity */
    double *z = s->wn;
    gradient(s, z);
    for (size_t j = 0; j < n; j++)
        z[j] = -z[j];
    size_t leave = SIZE_MAX;
    double worst = ev->eps_dual, sigma = 0;
    for (size_t b = 0; b < na; b++) {
        unsigned char a = act[s->aidx[b]];
        double v = a == HEDGE__ACT_LO ? s->pyf[b] : a == HEDGE__ACT_HI ? -s->pyf[b] : 0.0;
        if (v > worst)
            worst = v, leave = b, sigma = a == HEDGE__ACT_LO ? 1.0 : -1.0;
    }
    for (size_t j = 0; j < n; j++) {
        /* a bound leaves when moving off it, L1 slope included, lowers the objective */
        unsigned char a = act[m + j];
        double up = s->cx[j] >= s->t[j] ? s->w[j] : -s->w[j], down = s->cx[j] > s->t[j] ? s->w[j] : -s->w[j];
        double v = a == HEDGE__ACT_LO ? z[j] - up : a == HEDGE__ACT_HI ? down - z[j]
                   : a == HEDGE__ACT_KINK ? fabs(z[j]) - s->w[j] : 0.0;
        if (v > worst)
            worst = v, leave = na + j, sigma = a == HEDGE__ACT_KINK ? (z[j] > 0 ? 1.0 : -1.0)
                                                : a == HEDGE__ACT_LO ? 1.0 : -1.0;
    }
    if (leave == SIZE_MAX)
        return false;
    /* the edge: A_af d_f = sigma e_leave (a row leaving) or -sigma A_aj (variable j leaving) */
    size_t jl = leave >= na ? leave - na : SIZE_MAX;
    memset(s->pr1, 0, nf * sizeof(double));
    for (size_t b = 0; b < na; b++)
        s->pr2[b] = jl == SIZE_MAX ? (b == leave ? sigma : 0.0) : -sigma * s->A[s->aidx[b] * n + jl];
    reg_solve(s, s->pr1, s->pr2, s->pxf, s->pyf);
    double *d = s->pe1;
    memset(d, 0, n * sizeof(double));
    for (size_t a = 0; a < nf; a++)
        d[s->fidx[a]] = s->pxf[a];
    if (jl != SIZE_MAX)
        d[jl] = sigma;
    double dn = 0;
    for (size_t j = 0; j < n; j++)
        dn = maxd(dn, fabs(d[j]));
    if (!(dn > 0) || curvature(s, d) > 1e-12 * dn * dn)
        return false;
    /* The ratio test, in Harris's two passes as in dual_pivot(): the first row, bound or L1 kink
     * the edge meets, among those it meets at a usable angle, the largest such among the ties. A
     * step below 0 is round-off at a degenerate vertex. */
    double step = HUGE_VAL, big = 0;
    size_t enter = SIZE_MAX;
    unsigned char kind = HEDGE__ACT_NONE;
    for (int pass = 0; pass < 3; pass++) {
        double best = 0;
        for (size_t r = 0; r < m + n; r++) {
            double t = HUGE_VAL, piv = 0;
            unsigned char k = HEDGE__ACT_NONE;
            if (r < m) {
                if (act[r] != HEDGE__ACT_NONE)
                    continue;
                double v = la->dot(s->A + r * n, d, n), ax = la->dot(s->A + r * n, s->cx, n);
                piv = fabs(v);
                if (v > 0 && s->hi[r] < HUGE_VAL)
                    t = maxd(s->hi[r] - ax, 0.0) / v, k = HEDGE__ACT_HI;
                else if (v < 0 && s->lo[r] > -HUGE_VAL)
                    t = maxd(ax - s->lo[r], 0.0) / -v, k = HEDGE__ACT_LO;
            } else {
                size_t j = r - m;
                if ((act[r] != HEDGE__ACT_NONE && j != jl) || d[j] == 0)
                    continue;
                double x = s->cx[j];
                piv = fabs(d[j]);
                t = maxd(d[j] > 0 ? s->ub[j] - x : x - s->lb[j], 0.0) / piv;
                k = d[j] > 0 ? HEDGE__ACT_HI : HEDGE__ACT_LO;
                double tk = (s->t[j] - x) / d[j]; /* the L1 kink ahead, if any */
                if (s->w[j] > 0 && tk > 0 && tk < t && !(j == jl && act[r] == HEDGE__ACT_KINK))
                    t = tk, k = HEDGE__ACT_KINK;
            }
            if (t == HUGE_VAL)
                continue;
            if (pass == 0)
                big = maxd(big, piv);
            else if (pass == 1 && piv >= 1e-9 * big && t < step)
                step = t;
            else if (pass == 2 && piv >= 1e-9 * big && t <= step * (1 + 1e-9) + 1e-15 && piv > best)
                best = piv, enter = r, kind = k;
        }
    }
    if (enter == SIZE_MAX)
        return false; /* an unbounded edge: the iterations will find the certificate */
    /* the new basis; a free variable's L1 slope is the one on the side the point moves to */
    for (size_t j = 0; j < n; j++) {
        double side = s->cx[j] + step * d[j] - s->t[j];
        s->pe1[j] = s->w[j] > 0 ? (side > 0 ? s->w[j] : side < 0 ? -s->w[j] : sigma * s->w[j]) : 0.0;
    }
    rebasis(s, jl == SIZE_MAX ? s->aidx[leave] : m + jl, enter, kind, s->pe1);
    return true;
}

bool hedge__admm_polish(hedge__admm *s, hedge__admm_eval *ev) {
    size_t n = s->n, m = s->m;
    for (int step = 0, pivots = 0;; step++) {
        if (polish_once(s, ev))
            return true;
        if (pivots < MAX_PIVOTS && (pivot(s, ev) || dual_pivot(s, ev))) {
            pivots++;
            step--; /* a pivot is not one of the active-set steps */
            continue;
        }
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
