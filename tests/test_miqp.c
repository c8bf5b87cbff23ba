/* Integer variables on the built-in backend (the branch and bound of lib/optimize/admm_bnb.c),
 * checked against answers found without it: brute-force enumeration of small integer boxes, with
 * the continuous variables of each assignment minimised by an exact active-set enumeration written
 * here (or, where rows couple them, by the continuous backend with the integers fixed); lot-size
 * problems against an enumeration of every integer point the relaxation's strong convexity leaves
 * possible; fixed trading costs and minimum trade sizes against their closed forms; integer
 * infeasibility; limits; versioned options and results; allocation (none in solve, OOM sweep). */
#include "support/qptest.h"
#include "support/testutil.h"
#include "suites.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t below(rng *r, size_t n) { return (size_t)(rng_next(r) % n); }

/* ---- a problem in plain arrays, so that the checks need nothing from the library ---- */

/* A problem with integer flags: qptest's prob, its flags allocated. */
static void mp_alloc(prob *p, size_t n, size_t k, size_t m) {
    prob_alloc(p, n, k, m);
    p->isint = calloc(n, 1);
}

/* The problem as a hedge_qp, integer flags included unless `relaxed`. */
static hedge_qp *mp_qp(hedge_context *ctx, const prob *p, bool relaxed) {
    hedge_qp *qp = prob_qp(ctx, p);
    if (relaxed)
        ck_assert_status(hedge_qp_set_integer(qp, NULL), HEDGE_OK);
    return qp;
}

/* P = D + F'F, dense n x n. */
static double *mp_P(const prob *p) {
    size_t n = p->n;
    double *P = calloc(n * n, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        P[i * n + i] = p->D[i];
        for (size_t j = 0; j < n; j++)
            for (size_t r = 0; r < p->k; r++)
                P[i * n + j] += p->F[r * n + i] * p->F[r * n + j];
    }
    return P;
}

static double mp_objective(const prob *p, const double *P, const double *x) {
    size_t n = p->n;
    double f = 0;
    for (size_t i = 0; i < n; i++) {
        double px = 0;
        for (size_t j = 0; j < n; j++)
            px += P[i * n + j] * x[j];
        f += 0.5 * x[i] * px + p->c[i] * x[i] + p->w[i] * fabs(x[i] - p->t[i]);
    }
    return f;
}

/* The largest violation of a row or a bound at x, relative to 1 + the row's magnitude. */
static double mp_violation(const prob *p, const double *x) {
    double v = 0;
    for (size_t j = 0; j < p->n; j++)
        v = fmax(v, fmax(p->lb[j] - x[j], x[j] - p->ub[j]) / (1 + fabs(x[j])));
    for (size_t i = 0; i < p->m; i++) {
        double ax = rowdot(p, i, x), s = 1;
        for (size_t j = 0; j < p->n; j++)
            s += fabs(p->A[i * p->n + j] * x[j]);
        v = fmax(v, fmax(p->lo[i] - ax, ax - p->hi[i]) / s);
    }
    return v;
}

/* Solves p with its integer flags on admm; returns the solve status. */
static hedge_solve_status mp_solve(hedge_context *ctx, const prob *p, const hedge_solver_options *o, answer *a) {
    hedge_qp *qp = mp_qp(ctx, p, false);
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, "admm", qp, o), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(sv, &a->sol), HEDGE_OK);
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    return a->sol.status;
}

/* The checks every answer with status OPTIMAL must pass on its own: integer entries exactly
 * integral, x feasible (to feas_tol), the objective reported that of x. */
static void check_integer_answer_tol(const prob *p, const double *P, const answer *a, const char *what, int rep,
                                     double feas_tol) {
    for (size_t j = 0; j < p->n; j++)
        if (p->isint[j])
            ck_assert_msg(a->x[j] == nearbyint(a->x[j]), "%s %d: x[%zu] = %.17g is not integral", what, rep, j,
                          a->x[j]);
    double viol = mp_violation(p, a->x);
    ck_assert_msg(viol <= feas_tol, "%s %d: x violates a row or bound by %g", what, rep, viol);
    double f = mp_objective(p, P, a->x);
    ck_assert_msg(test_close(a->sol.objective, f, 1e-9, 1e-10), "%s %d: reported objective %.17g, f(x) = %.17g",
                  what, rep, a->sol.objective, f);
}

static void check_integer_answer(const prob *p, const double *P, const answer *a, const char *what, int rep) {
    check_integer_answer_tol(p, P, a, what, rep, 1e-7);
}

/* ---- an exact minimiser over a few continuous variables ---- */

/* Solves the k x k system M v = b in place by Gaussian elimination with partial pivoting. */
static bool gauss(double *M, double *b, size_t k) {
    for (size_t c = 0; c < k; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(M[r * k + c]) > fabs(M[piv * k + c]))
                piv = r;
        if (fabs(M[piv * k + c]) < 1e-300)
            return false;
        for (size_t j = 0; j < k; j++) {
            double tmp = M[c * k + j];
            M[c * k + j] = M[piv * k + j], M[piv * k + j] = tmp;
        }
        double tmp = b[c];
        b[c] = b[piv], b[piv] = tmp;
        for (size_t r = c + 1; r < k; r++) {
            double f = M[r * k + c] / M[c * k + c];
            for (size_t j = c; j < k; j++)
                M[r * k + j] -= f * M[c * k + j];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = k; c-- > 0;) {
        for (size_t j = c + 1; j < k; j++)
            b[c] -= M[c * k + j] * b[j];
        b[c] /= M[c * k + c];
    }
    return true;
}

/* The minimum of the objective over the continuous variables cidx (nc <= 4, no L1 terms on them,
 * P positive definite on them), the rest held at x's values: every continuous variable at its
 * lower bound, at its upper bound or free, the free ones solving their stationarity equations.
 * The minimiser is one of these candidates and the candidate inside the boxes with the lowest
 * objective is it. Writes it into x; returns its objective. */
static double continuous_min(const prob *p, const double *P, double *x, const size_t *cidx, size_t nc) {
    size_t n = p->n, states = 1;
    for (size_t a = 0; a < nc; a++)
        states *= 3;
    double best = HUGE_VAL, xbest[8] = {0}, M[16], b[4];
    size_t fidx[4];
    for (size_t code = 0; code < states; code++) {
        size_t cc = code, nf = 0;
        bool ok = true;
        for (size_t a = 0; a < nc && ok; a++, cc /= 3) {
            size_t j = cidx[a];
            if (cc % 3 == 0)
                fidx[nf++] = j;
            else if (cc % 3 == 1)
                ok = isfinite(p->lb[j]), x[j] = p->lb[j];
            else
                ok = isfinite(p->ub[j]), x[j] = p->ub[j];
        }
        if (!ok)
            continue;
        for (size_t a = 0; a < nf; a++) {
            size_t i = fidx[a];
            b[a] = -p->c[i];
            for (size_t j = 0; j < n; j++) {
                bool free_j = false;
                for (size_t e = 0; e < nf; e++)
                    free_j |= fidx[e] == j;
                if (!free_j)
                    b[a] -= P[i * n + j] * x[j];
            }
            for (size_t e = 0; e < nf; e++)
                M[a * nf + e] = P[i * n + fidx[e]];
        }
        if (nf && !gauss(M, b, nf))
            continue;
        for (size_t a = 0; a < nf && ok; a++) {
            size_t j = fidx[a];
            x[j] = b[a];
            ok = x[j] >= p->lb[j] - 1e-12 && x[j] <= p->ub[j] + 1e-12;
        }
        if (!ok)
            continue;
        double f = mp_objective(p, P, x);
        if (f < best) {
            best = f;
            for (size_t a = 0; a < nc; a++)
                xbest[a] = x[cidx[a]];
        }
    }
    for (size_t a = 0; a < nc; a++)
        x[cidx[a]] = xbest[a];
    return best;
}

/* ---- (1) random problems against brute force ---- */

/*
 * A random mixed problem: 2 to 6 integer variables with boxes of 2 to 5 values (at most 300
 * assignments in all), 0 to 3 continuous ones, in random positions. P = D + F'F with D > 0 on the
 * continuous variables; c puts the unconstrained minimiser near a random point of the boxes, so the
 * relaxation is fractional. L1 terms on integer variables. `coupled` (family b): rows over every
 * variable with real coefficients and L1 terms on continuous variables too; otherwise (family a)
 * rows over the integer variables only, with small integer coefficients and bounds that no integer
 * point can meet only approximately (half-integers, or integers for equalities).
 */
static void random_mixed(prob *p, rng *r, bool coupled) {
    size_t ni = 2 + below(r, 5), nc = below(r, 4), n = ni + nc, k = below(r, 4), m = below(r, 3);
    mp_alloc(p, n, k, m);
    size_t perm[9];
    for (size_t j = 0; j < n; j++)
        perm[j] = j;
    for (size_t j = n; j-- > 1;) {
        size_t q = below(r, j + 1), tmp = perm[j];
        perm[j] = perm[q], perm[q] = tmp;
    }
    size_t values[9], total = 1;
    for (size_t a = 0; a < ni; a++) {
        values[a] = 2 + below(r, 4);
        total *= values[a];
    }
    for (size_t a = 0; total > 300; a = (a + 1) % ni)
        if (values[a] > 2) {
            total = total / values[a] * (values[a] - 1);
            values[a]--;
        }
    double *x0 = calloc(n, sizeof(double));
    for (size_t a = 0; a < n; a++) {
        size_t j = perm[a];
        if (a < ni) {
            p->isint[j] = 1;
            p->lb[j] = -(double)below(r, 3);
            p->ub[j] = p->lb[j] + (double)(values[a] - 1);
            x0[j] = p->lb[j] + unif(r) * (p->ub[j] - p->lb[j]);
            p->D[j] = unif(r) < 0.5 ? 0.0 : 0.5 * unif(r);
            if (unif(r) < 0.3)
                p->w[j] = 0.5 * unif(r), p->t[j] = nearbyint(x0[j] + sym(r));
        } else {
            p->D[j] = 0.1 + unif(r);
            x0[j] = 2 * sym(r);
            if (unif(r) < 0.6)
                p->lb[j] = x0[j] - 0.2 - unif(r);
            if (unif(r) < 0.6)
                p->ub[j] = x0[j] + 0.2 + unif(r);
            if (coupled && unif(r) < 0.4)
                p->w[j] = 0.3 * unif(r), p->t[j] = x0[j] + 0.3 * sym(r);
        }
    }
    for (size_t i = 0; i < k * n; i++)
        p->F[i] = sym(r);
    double *P = mp_P(p);
    for (size_t i = 0; i < n; i++) {
        p->c[i] = 0.3 * sym(r);
        for (size_t j = 0; j < n; j++)
            p->c[i] -= P[i * n + j] * x0[j];
    }
    for (size_t i = 0; i < m; i++) {
        double ax = 0;
        for (size_t a = 0; a < n; a++) {
            size_t j = perm[a];
            if (coupled)
                p->A[i * n + j] = sym(r);
            else if (a < ni)
                p->A[i * n + j] = (double)below(r, 5) - 2.0;
            ax += p->A[i * n + j] * x0[j];
        }
        double u = unif(r);
        if (coupled) {
            if (u < 0.5)
                p->hi[i] = ax + 0.3 * unif(r);
            else
                p->lo[i] = ax - 0.3 * unif(r);
        } else if (u < 0.25) {
            p->lo[i] = p->hi[i] = nearbyint(ax);
        } else if (u < 0.6) {
            p->hi[i] = floor(ax) + 0.5;
        } else {
            p->lo[i] = ceil(ax) - 0.5;
        }
    }
    free(P);
    free(x0);
}

/* Steps x's integer entries through every assignment of their boxes; false after the last. */
static bool next_assignment(const prob *p, double *x) {
    for (size_t j = 0; j < p->n; j++) {
        if (!p->isint[j])
            continue;
        if (x[j] < p->ub[j]) {
            x[j] += 1;
            return true;
        }
        x[j] = p->lb[j];
    }
    return false;
}

/* Family a: the continuous part of each assignment by continuous_min(), rows checked exactly. */
static double brute_force_exact(const prob *p, const double *P, double *xbest) {
    size_t n = p->n, cidx[8], nc = 0;
    double *x = calloc(n, sizeof(double)), best = HUGE_VAL;
    for (size_t j = 0; j < n; j++) {
        if (p->isint[j])
            x[j] = p->lb[j];
        else
            cidx[nc++] = j;
    }
    do {
        bool feasible = true;
        for (size_t i = 0; i < p->m && feasible; i++) { /* integer data: exact */
            double ax = rowdot(p, i, x);
            feasible = ax >= p->lo[i] && ax <= p->hi[i];
        }
        if (!feasible)
            continue;
        double f = continuous_min(p, P, x, cidx, nc);
        if (f < best) {
            best = f;
            memcpy(xbest, x, n * sizeof(double));
        }
    } while (next_assignment(p, x));
    free(x);
    return best;
}

/* Family b: the continuous part of each assignment by the continuous backend with the integers
 * fixed through bound updates; an assignment is out when that problem is infeasible. */
static double brute_force_fixed(hedge_context *ctx, const prob *p, double *xbest) {
    size_t n = p->n;
    hedge_qp *qp = mp_qp(ctx, p, true);
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, "admm", qp, NULL), HEDGE_OK);
    double *x = calloc(n, sizeof(double)), *lb = malloc(n * sizeof(double)), *ub = malloc(n * sizeof(double));
    double *inf = malloc(n * sizeof(double)), best = HUGE_VAL;
    for (size_t j = 0; j < n; j++)
        inf[j] = HUGE_VAL, x[j] = p->isint[j] ? p->lb[j] : 0;
    answer a;
    answer_init(&a, n, p->m);
    do {
        for (size_t j = 0; j < n; j++)
            lb[j] = p->isint[j] ? x[j] : p->lb[j], ub[j] = p->isint[j] ? x[j] : p->ub[j];
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_UB, inf), HEDGE_OK);
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LB, lb), HEDGE_OK);
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_UB, ub), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_msg(a.sol.status == HEDGE_SOLVE_OPTIMAL || a.sol.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE,
                      "brute force: continuous status %d", (int)a.sol.status);
        if (a.sol.status == HEDGE_SOLVE_OPTIMAL && a.sol.objective < best) {
            best = a.sol.objective;
            memcpy(xbest, a.x, n * sizeof(double));
        }
    } while (next_assignment(p, x));
    answer_free(&a);
    free(x), free(lb), free(ub), free(inf);
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    return best;
}

static void compare_with_brute_force(bool coupled, int reps, uint64_t seed) {
    hedge_context *ctx = plain_context();
    rng r = {seed};
    size_t nodes = 0, max_nodes = 0, infeasible = 0, optimal = 0;
    double worst = 0, worst_rough = 0;
    for (int rep = 0; rep < reps; rep++) {
        prob p;
        random_mixed(&p, &r, coupled);
        double *P = mp_P(&p), *xb = calloc(p.n, sizeof(double));
        double best = coupled ? brute_force_fixed(ctx, &p, xb) : brute_force_exact(&p, P, xb);
        /* every fourth without the polish, to 1e-7: relaxations answered only roughly, which the
         * search's bounds must stay valid for */
        hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
        o.mip_gap = rep % 2 ? 0.0 : 1e-6;
        bool rough = rep % 4 == 3;
        if (rough)
            o.polish = 0, o.eps_abs = o.eps_rel = 1e-7;
        double acc = rough ? 1e-5 : 1e-8; /* the relaxations' accuracy, in the objective */
        answer a;
        answer_init(&a, p.n, p.m);
        hedge_solve_status st = mp_solve(ctx, &p, &o, &a);
        ck_assert_uint_gt(a.sol.nodes, 0);
        nodes += a.sol.nodes;
        max_nodes = a.sol.nodes > max_nodes ? a.sol.nodes : max_nodes;
        if (best == HUGE_VAL) {
            ck_assert_msg(st == HEDGE_SOLVE_PRIMAL_INFEASIBLE, "%s rep %d: no integer point, status %d",
                          coupled ? "coupled" : "exact", rep, (int)st);
            ck_assert(a.sol.objective == HUGE_VAL);
            infeasible++;
        } else {
            ck_assert_msg(st == HEDGE_SOLVE_OPTIMAL, "%s rep %d: status %d, brute force %.17g",
                          coupled ? "coupled" : "exact", rep, (int)st, best);
            check_integer_answer_tol(&p, P, &a, coupled ? "coupled" : "exact", rep, rough ? 1e-5 : 1e-7);
            /* x is feasible, so f(x) >= best up to the accuracies; the search's guarantee is
             * f(x) <= best + mip_gap |f(x)|, up to the relaxations' accuracy */
            double f = a.sol.objective, tol = 1e-6 * fabs(f) + acc * (1 + fabs(best));
            ck_assert_msg(f <= best + tol && f >= best - acc * (1 + fabs(best)),
                          "%s rep %d: branch and bound %.17g, brute force %.17g (%zu nodes)",
                          coupled ? "coupled" : "exact", rep, f, best, a.sol.nodes);
            if (!rough)
                worst = fmax(worst, fabs(f - best) / (1 + fabs(best)));
            else
                worst_rough = fmax(worst_rough, fabs(f - best) / (1 + fabs(best)));
            optimal++;
        }
        answer_free(&a);
        free(P), free(xb);
        prob_free(&p);
    }
    printf("miqp: %s: %d problems against brute force, %zu optimal, %zu integer infeasible; worst relative "
           "objective difference %.2g (%.2g without the polish, to 1e-7); nodes: mean %.1f, max %zu\n",
           coupled ? "rows over all variables (continuous part by the backend)" : "exact continuous part", reps,
           optimal, infeasible, worst, worst_rough, (double)nodes / reps, max_nodes);
    ck_assert_uint_gt(optimal, (size_t)reps / 2);
    if (!coupled) /* integer rows make some problems integer infeasible */
        ck_assert_uint_gt(infeasible, 0);
    hedge_context_destroy(ctx);
}

START_TEST(random_problems_match_brute_force) { compare_with_brute_force(false, 300, 20250101); }
END_TEST

START_TEST(coupled_problems_match_brute_force) { compare_with_brute_force(true, 200, 777); }
END_TEST

/* ---- (2) lot sizes ---- */

/*
 * Hedge trades in whole lots: x_j = lot_j k_j with k_j integer and unbounded. In the variables k
 * the problem is D_k = lot^2 D, F_k = F diag(lot), c_k = lot c, rows A diag(lot) (the data are drawn
 * so that the risk of one lot is of the same order for every instrument). P_k >= diag(D_k),
 * so f(k) >= f(k*) + lambda/2 |k - k*|^2 for the relaxation's minimiser k* over the rows (its
 * first-order term is >= 0 on the feasible set) with lambda = min D_k: every integer point at least
 * as good as the answer lies within sqrt(2 (f(answer) - f(k*)) / lambda) of k*, and enumerating
 * that box proves the answer optimal, independently of the search.
 */
START_TEST(lot_sizes_match_enumeration_of_the_strong_convexity_box) {
    hedge_context *ctx = plain_context();
    rng r = {4711};
    int verified = 0, reps = 40;
    size_t nodes = 0;
    for (int rep = 0; rep < reps; rep++) {
        size_t n = 3 + below(&r, 3), k = 2 + below(&r, 4), m = rep % 2;
        prob p;
        mp_alloc(&p, n, k, m);
        double lot[8];
        for (size_t j = 0; j < n; j++) {
            static const double lots[] = {0.01, 0.05, 0.1, 0.25};
            lot[j] = lots[below(&r, 4)];
            p.isint[j] = 1;
            double Dx = (0.5 + unif(&r)) / (lot[j] * lot[j]), cx = 4 * sym(&r) / lot[j]; /* a few lots */
            p.D[j] = lot[j] * lot[j] * Dx;
            p.c[j] = lot[j] * cx;
        }
        for (size_t q = 0; q < k; q++)
            for (size_t j = 0; j < n; j++)
                p.F[q * n + j] = lot[j] * (0.5 * sym(&r) / lot[j]);
        if (m) { /* a delta band that the unconstrained hedge does not meet */
            for (size_t j = 0; j < n; j++)
                p.A[j] = lot[j] * (0.5 + unif(&r));
            p.lo[0] = -0.3, p.hi[0] = 0.3;
        }
        double *P = mp_P(&p);
        answer a, rel;
        answer_init(&a, n, m);
        answer_init(&rel, n, m);
        ck_assert_int_eq(mp_solve(ctx, &p, NULL, &a), HEDGE_SOLVE_OPTIMAL);
        check_integer_answer(&p, P, &a, "lot", rep);
        nodes += a.sol.nodes;
        hedge_qp *qp = mp_qp(ctx, &p, true);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &rel.sol), HEDGE_OK);
        ck_assert_int_eq(rel.sol.status, HEDGE_SOLVE_OPTIMAL);
        hedge_solver_destroy(sv);
        hedge_qp_destroy(qp);
        double lambda = HUGE_VAL;
        for (size_t j = 0; j < n; j++)
            lambda = fmin(lambda, p.D[j]);
        double gap = a.sol.objective - rel.sol.objective + 1e-9 * (1 + fabs(rel.sol.objective));
        ck_assert_double_ge(gap, 0);
        double radius = sqrt(2 * gap / lambda) + 1e-6, lo[8], hi[8], count = 1;
        for (size_t j = 0; j < n; j++) {
            lo[j] = ceil(rel.x[j] - radius), hi[j] = floor(rel.x[j] + radius);
            count *= hi[j] - lo[j] + 1;
        }
        if (count <= 200000) {
            double *x = malloc(n * sizeof(double)), best = HUGE_VAL;
            memcpy(x, lo, n * sizeof(double));
            for (;;) {
                if (mp_violation(&p, x) <= 0)
                    best = fmin(best, mp_objective(&p, P, x));
                size_t j = 0;
                while (j < n && x[j] == hi[j])
                    x[j] = lo[j], j++;
                if (j == n)
                    break;
                x[j] += 1;
            }
            ck_assert_msg(best >= a.sol.objective - 1e-6 * fabs(a.sol.objective) - 1e-9,
                          "lot rep %d: an integer point at %.17g beats the answer's %.17g", rep, best,
                          a.sol.objective);
            ck_assert_msg(a.sol.objective <= best + 1e-9 * (1 + fabs(best)),
                          "lot rep %d: the answer %.17g is not in the enumerated box (best %.17g)", rep,
                          a.sol.objective, best);
            free(x);
            verified++;
        }
        answer_free(&a);
        answer_free(&rel);
        free(P);
        prob_free(&p);
    }
    printf("miqp: lot sizes: %d of %d answers proved optimal by enumeration; mean %.1f nodes\n", verified, reps,
           (double)nodes / reps);
    ck_assert_int_ge(verified, reps * 3 / 4);
    hedge_context_destroy(ctx);
}
END_TEST

/*
 * Two flat substitutes and one decisive variable, as when a hedge trades a perpetual and a future in
 * lots of 10 USD beside a swap in lots of 1,000 USD: f = a/2 (u1 + u2 - B)^2 + delta/2 (u1^2 + u2^2)
 * + Dv/2 (v - mu)^2, all three integer and unbounded, delta tiny (moving u1 alone costs almost
 * nothing, u2 takes it up). The u are the most fractional in the relaxation, so a search that
 * branches on them first walks hundreds of u1 values before the bound rises by v's rounding loss;
 * strong branching measures that u barely moves the bound and branches on v first. The answer is
 * checked against enumeration: f separates into v (nearest integer to mu) and (u1, u2), whose
 * best split of a sum s is floor and ceiling of s / 2, the best sum within 3 of the relaxation's.
 * The bound of a node with u1 fixed also needs D: its dual residual (~1e-6 on columns of ~1e4)
 * times the column's magnitude would be ~1e-2, the gap; the curvature makes it ~1e-12.
 */
START_TEST(flat_substitutes_do_not_blow_up_the_search) {
    hedge_context *ctx = plain_context();
    const double a = 1e-4, delta = 1e-6, Dv = 10;
    for (int rep = 0; rep < 4; rep++) {
        double ur = 9950.5 + 1000 * rep, B = ur * (2 * a + delta) / a, mu = 7.3 + rep; /* u1 = u2 = ur relaxed */
        prob p;
        mp_alloc(&p, 3, 1, 0);
        for (size_t j = 0; j < 3; j++)
            p.isint[j] = 1;
        p.F[0] = p.F[1] = sqrt(a);
        p.D[0] = p.D[1] = delta, p.D[2] = Dv;
        p.c[0] = p.c[1] = -a * B, p.c[2] = -Dv * mu;
        double *P = mp_P(&p), best = HUGE_VAL, x[3];
        for (double sum = floor(2 * ur) - 3; sum <= ceil(2 * ur) + 3; sum++)
            for (double u1 = floor(sum / 2) - 1; u1 <= ceil(sum / 2) + 1; u1++)
                for (double v = floor(mu) - 1; v <= ceil(mu) + 1; v++) {
                    x[0] = u1, x[1] = sum - u1, x[2] = v;
                    best = fmin(best, mp_objective(&p, P, x));
                }
        hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
        o.max_nodes = 300;
        answer ans;
        answer_init(&ans, 3, 0);
        ck_assert_int_eq(mp_solve(ctx, &p, &o, &ans), HEDGE_SOLVE_OPTIMAL);
        check_integer_answer(&p, P, &ans, "substitutes", rep);
        ck_assert_msg(ans.sol.objective <= best + 1e-6 * fabs(best) && ans.sol.objective >= best - 1e-9 * fabs(best),
                      "rep %d: %.17g against the enumerated %.17g", rep, ans.sol.objective, best);
        ck_assert_double_eq(ans.x[2], nearbyint(mu));
        printf("miqp: flat substitutes %d: %zu nodes, %zu iterations\n", rep, ans.sol.nodes, ans.sol.iterations);
        answer_free(&ans);
        free(P);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- (3) fixed trading costs and minimum sizes: closed forms ---- */

/*
 * Instrument j hedges an exposure b_j with variance sigma_j^2: the variance term 1/2 sigma^2 (b + x)^2
 * is, up to a constant, 1/2 sigma^2 x^2 + sigma^2 b x. Trading costs g_j, paid through a binary z_j
 * with |x_j| <= U_j z_j. The best trade is x = -sign(b) min(|b|, U), which lowers the variance by
 * R = 1/2 sigma^2 (b^2 - (|b| - min(|b|, U))^2): the answer trades exactly when R > g.
 */
START_TEST(fixed_costs_trade_only_when_the_variance_reduction_pays) {
    hedge_context *ctx = plain_context();
    rng r = {99};
    int trades = 0, holds = 0;
    for (int rep = 0; rep < 20; rep++) {
        size_t np = 1 + below(&r, 6), n = 2 * np, m = 2 * np;
        prob p;
        mp_alloc(&p, n, 0, m);
        double expect_obj = 0, ex[12], ez[12];
        for (size_t q = 0; q < np; q++) {
            size_t x = q, z = np + q;
            double sig = 0.2 + unif(&r), b = 3 * sym(&r), U = 0.5 + 2 * unif(&r);
            double move = fmin(fabs(b), U), R = 0.5 * sig * sig * (b * b - (fabs(b) - move) * (fabs(b) - move));
            double g = R * (unif(&r) < 0.5 ? 0.5 + 0.45 * unif(&r) : 1.05 + unif(&r)); /* 5% from the tie */
            p.D[x] = sig * sig, p.c[x] = sig * sig * b;
            p.c[z] = g, p.isint[z] = 1, p.lb[z] = 0, p.ub[z] = 1;
            p.A[(2 * q) * n + x] = 1, p.A[(2 * q) * n + z] = -U, p.hi[2 * q] = 0;         /* x <= U z */
            p.A[(2 * q + 1) * n + x] = -1, p.A[(2 * q + 1) * n + z] = -U, p.hi[2 * q + 1] = 0; /* -x <= U z */
            bool trade = R > g;
            ex[x] = trade ? -copysign(move, b) : 0.0, ez[q] = trade ? 1 : 0;
            expect_obj += trade ? g - R : 0.0;
            trades += trade, holds += !trade;
        }
        double *P = mp_P(&p);
        answer a;
        answer_init(&a, n, m);
        ck_assert_int_eq(mp_solve(ctx, &p, NULL, &a), HEDGE_SOLVE_OPTIMAL);
        check_integer_answer(&p, P, &a, "fixed cost", rep);
        for (size_t q = 0; q < np; q++) {
            ck_assert_msg(a.x[np + q] == ez[q], "rep %d: z[%zu] = %g, expected %g", rep, q, a.x[np + q], ez[q]);
            ck_assert_msg(fabs(a.x[q] - ex[q]) <= 1e-7 * (1 + fabs(ex[q])), "rep %d: x[%zu] = %.17g, expected %.17g",
                          rep, q, a.x[q], ex[q]);
        }
        ck_assert_close(a.sol.objective, expect_obj, 1e-8, 1e-9);
        answer_free(&a);
        free(P);
        prob_free(&p);
    }
    ck_assert_int_gt(trades, 5);
    ck_assert_int_gt(holds, 5);
    hedge_context_destroy(ctx);
}
END_TEST

/*
 * A minimum order size: x = 0 or mn <= x <= U, through a binary z with mn z <= x <= U z, towards a
 * wished-for position x0 (objective 1/2 D (x - x0)^2). The answer: min(x0, U) when x0 >= mn; for
 * 0 < x0 < mn the nearer of 0 and mn (mn when x0 > mn / 2); 0 when x0 <= 0. Buying and selling
 * each have their own binary in the two-sided version, with at most one of them on.
 */
START_TEST(minimum_sizes_are_semi_continuous) {
    hedge_context *ctx = plain_context();
    rng r = {2024};
    for (int rep = 0; rep < 40; rep++) {
        bool two = rep % 2;
        double D = 0.5 + unif(&r), mn = 0.5 + unif(&r), U = mn + 0.5 + 2 * unif(&r), x0 = 4 * sym(&r);
        if (fabs(fabs(x0) - mn / 2) < 0.02) /* keep off the tie */
            x0 += 0.05;
        /* variables: x, z (buy), and for the two-sided case zs (sell) */
        size_t n = two ? 3 : 2, m = two ? 3 : 2;
        prob p;
        mp_alloc(&p, n, 0, m);
        p.D[0] = D, p.c[0] = -D * x0;
        p.isint[1] = 1, p.lb[1] = 0, p.ub[1] = 1;
        p.A[0 * n + 0] = 1, p.A[0 * n + 1] = -U; /* x - U z (+ U zs) <= 0 */
        p.A[1 * n + 0] = 1, p.A[1 * n + 1] = -mn; /* x - mn z (+ mn zs) >= 0 */
        p.hi[0] = 0, p.lo[1] = 0;
        if (two) {
            p.isint[2] = 1, p.lb[2] = 0, p.ub[2] = 1;
            p.A[0 * n + 2] = mn, p.A[1 * n + 2] = U; /* -U zs <= x <= -mn zs when zs = 1 */
            p.A[2 * n + 1] = 1, p.A[2 * n + 2] = 1, p.hi[2] = 1;
        }
        double ax = two ? fabs(x0) : x0, e;
        e = ax >= mn ? fmin(ax, U) : ax > mn / 2 ? mn : 0.0;
        if (two)
            e = copysign(e, x0);
        double *P = mp_P(&p);
        answer a;
        answer_init(&a, n, m);
        ck_assert_int_eq(mp_solve(ctx, &p, NULL, &a), HEDGE_SOLVE_OPTIMAL);
        check_integer_answer(&p, P, &a, "minimum size", rep);
        ck_assert_msg(fabs(a.x[0] - e) <= 1e-7 * (1 + fabs(e)), "rep %d (two-sided %d): x0 %g, mn %g, U %g: x = %.17g, "
                      "expected %.17g", rep, two, x0, mn, U, a.x[0], e);
        ck_assert_close(a.sol.objective, 0.5 * D * e * e - D * x0 * e, 1e-8, 1e-9);
        answer_free(&a);
        free(P);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* A variable that is integer and unbounded, with a separable objective: the answer is the nearer
 * integer to each unconstrained minimiser, whatever its magnitude. */
START_TEST(unbounded_integers_round_to_the_nearer_integer) {
    hedge_context *ctx = plain_context();
    rng r = {5};
    for (int rep = 0; rep < 20; rep++) {
        size_t n = 1 + below(&r, 8);
        prob p;
        mp_alloc(&p, n, 0, 0);
        double e[8];
        for (size_t j = 0; j < n; j++) {
            double mu = (rep < 10 ? 10 : 1e5) * sym(&r);
            if (fabs(mu - floor(mu) - 0.5) < 0.01)
                mu += 0.1;
            p.isint[j] = 1, p.D[j] = 0.1 + unif(&r), p.c[j] = -p.D[j] * mu;
            e[j] = nearbyint(mu);
        }
        double *P = mp_P(&p);
        answer a;
        answer_init(&a, n, 0);
        ck_assert_int_eq(mp_solve(ctx, &p, NULL, &a), HEDGE_SOLVE_OPTIMAL);
        check_integer_answer(&p, P, &a, "unbounded", rep);
        for (size_t j = 0; j < n; j++)
            ck_assert_msg(a.x[j] == e[j], "rep %d: x[%zu] = %.17g, expected %g", rep, j, a.x[j], e[j]);
        answer_free(&a);
        free(P);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- (4) infeasible and unbounded ---- */

START_TEST(integer_infeasibility_is_recognised) {
    hedge_context *ctx = plain_context();
    for (int kind = 0; kind < 5; kind++) {
        size_t n = kind >= 2 ? 3 : 1;
        prob p;
        mp_alloc(&p, n, 0, 1);
        for (size_t j = 0; j < n; j++)
            p.isint[j] = 1, p.D[j] = 1;
        switch (kind) {
        case 0: /* 2x = 1 */
            p.A[0] = 2, p.lo[0] = p.hi[0] = 1;
            break;
        case 1: /* an integer box with no integer in it */
            p.lb[0] = 0.2, p.ub[0] = 0.8;
            break;
        case 2: /* 2x + 4y - 6z = 3, bounded */
            p.A[0] = 2, p.A[1] = 4, p.A[2] = -6, p.lo[0] = p.hi[0] = 3;
            for (size_t j = 0; j < n; j++)
                p.lb[j] = -3, p.ub[j] = 3;
            break;
        case 3: /* x + y + z in [1.2, 1.8], a continuous third variable fixed at 0 */
            p.A[0] = p.A[1] = p.A[2] = 1, p.lo[0] = 1.2, p.hi[0] = 1.8;
            p.isint[2] = 0, p.lb[2] = p.ub[2] = 0;
            for (size_t j = 0; j < 2; j++)
                p.lb[j] = -5, p.ub[j] = 5;
            break;
        default: /* the relaxation itself infeasible: x + y + z >= 10 on [0, 3]^3 */
            p.A[0] = p.A[1] = p.A[2] = 1, p.lo[0] = 10;
            for (size_t j = 0; j < n; j++)
                p.lb[j] = 0, p.ub[j] = 3;
            break;
        }
        answer a;
        answer_init(&a, n, 1);
        ck_assert_int_eq(mp_solve(ctx, &p, NULL, &a), HEDGE_SOLVE_PRIMAL_INFEASIBLE);
        ck_assert(a.sol.objective == HUGE_VAL);
        double big = fabs(a.y[0]);
        for (size_t j = 0; j < n; j++)
            big = fmax(big, fabs(a.z[j]));
        if (kind == 4) /* the relaxation's certificate: y = -1 on the row, z = +1 on the upper bounds */
            ck_assert_msg(big > 0 && a.y[0] < 0 && a.z[0] > 0, "y %g z %g", a.y[0], a.z[0]);
        else /* no certificate exists for integer infeasibility: zero */
            ck_assert_msg(big == 0, "kind %d: certificate %g", kind, big);
        ck_assert_uint_ge(a.sol.nodes, 1);
        answer_free(&a);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(unbounded_relaxation_is_reported) {
    hedge_context *ctx = plain_context();
    prob p;
    mp_alloc(&p, 2, 0, 0);
    p.isint[0] = 1, p.lb[0] = 0, p.c[0] = -1; /* x integer >= 0, minimise -x */
    p.D[1] = 1, p.c[1] = 0.5;
    answer a;
    answer_init(&a, 2, 0);
    ck_assert_int_eq(mp_solve(ctx, &p, NULL, &a), HEDGE_SOLVE_DUAL_INFEASIBLE);
    ck_assert(a.sol.objective == -HUGE_VAL);
    ck_assert_double_gt(a.x[0], 0.5); /* the direction: x up */
    answer_free(&a);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- (5) limits, warm re-solves, options and results ---- */

/* A problem with many nodes: 12 binaries in a knapsack-like row, correlated through F. */
static void many_nodes_problem(prob *p, rng *r) {
    size_t n = 12;
    mp_alloc(p, n, 3, 1);
    for (size_t j = 0; j < n; j++) {
        p->isint[j] = 1, p->lb[j] = 0, p->ub[j] = 1;
        p->D[j] = 0.1 * unif(r);
        p->c[j] = -1 - unif(r);
        p->A[j] = 1 + unif(r);
    }
    for (size_t i = 0; i < 3 * n; i++)
        p->F[i] = 0.5 * sym(r);
    p->hi[0] = 6.5;
}

START_TEST(node_and_time_limits_are_honoured) {
    hedge_context *ctx = plain_context();
    rng r = {3};
    prob p;
    many_nodes_problem(&p, &r);
    double *P = mp_P(&p);
    answer a;
    answer_init(&a, p.n, p.m);
    ck_assert_int_eq(mp_solve(ctx, &p, NULL, &a), HEDGE_SOLVE_OPTIMAL);
    size_t full = a.sol.nodes;
    double best = a.sol.objective;
    ck_assert_uint_gt(full, 10);
    for (size_t limit = 1; limit < full; limit += (limit < 8 ? 1 : full / 7)) {
        hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
        o.max_nodes = limit;
        hedge_solve_status st = mp_solve(ctx, &p, &o, &a);
        ck_assert_int_eq(st, HEDGE_SOLVE_ITERATION_LIMIT);
        ck_assert_uint_eq(a.sol.nodes, limit);
        /* the answer is the best integer point found (feasible, integral, no better than the
         * optimum) or, before any, the root relaxation (not integral, no worse than it) */
        bool integral = true;
        for (size_t j = 0; j < p.n; j++)
            integral &= a.x[j] == nearbyint(a.x[j]);
        if (integral) {
            check_integer_answer(&p, P, &a, "limit", (int)limit);
            ck_assert_double_ge(a.sol.objective, best - 1e-9 * fabs(best));
        } else {
            ck_assert_double_le(a.sol.objective, best + 1e-9 * fabs(best));
        }
    }
    hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
    o.max_nodes = full;
    ck_assert_int_eq(mp_solve(ctx, &p, &o, &a), HEDGE_SOLVE_OPTIMAL);
    ck_assert_uint_eq(a.sol.nodes, full);
    o.max_nodes = 100000;
    o.time_limit_s = 1e-9;
    ck_assert_int_eq(mp_solve(ctx, &p, &o, &a), HEDGE_SOLVE_TIME_LIMIT);
    ck_assert_double_lt(a.sol.solve_time_s, 0.5);
    /* relaxations that stop at their iteration limit: their bounds still prune, but an integer
     * point whose own relaxation was not solved cannot be taken, so the search cannot claim an
     * optimum */
    o.time_limit_s = 0;
    o.max_iter = 5, o.polish = 0;
    ck_assert_int_eq(mp_solve(ctx, &p, &o, &a), HEDGE_SOLVE_ITERATION_LIMIT);
    ck_assert_uint_le(a.sol.iterations, 5 * a.sol.nodes);
    o.max_iter = 100000, o.polish = 1;
    /* a looser gap: within it of the optimum, with fewer nodes */
    o.time_limit_s = 0;
    o.mip_gap = 0.2;
    ck_assert_int_eq(mp_solve(ctx, &p, &o, &a), HEDGE_SOLVE_OPTIMAL);
    check_integer_answer(&p, P, &a, "gap", 0);
    ck_assert_double_le(a.sol.objective, best + 0.2 * fabs(a.sol.objective) + 1e-9);
    ck_assert_uint_le(a.sol.nodes, full);
    printf("miqp: 12 binaries: %zu nodes at mip_gap 1e-6, %zu at 0.2 (objectives %.6g and %.6g)\n", full,
           a.sol.nodes, best, a.sol.objective);
    answer_free(&a);
    free(P);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* A hard search: 16 integer variables in wide boxes, an objective of rank 3 plus a small diagonal
 * (directions it barely sees) with its minimum inside the boxes, a narrow row: about 120000 nodes
 * and seconds to finish. Stopped by the time limit, it returns its best answer so far. */
START_TEST(a_search_stopped_by_the_time_limit_keeps_its_best_point) {
    hedge_context *ctx = plain_context();
    rng r = {12};
    size_t n = 16;
    prob p;
    mp_alloc(&p, n, 3, 1);
    double x0[16];
    for (size_t j = 0; j < n; j++) {
        p.isint[j] = 1, p.lb[j] = -20, p.ub[j] = 20, p.D[j] = 1e-3;
        p.A[j] = 0.5 + unif(&r), x0[j] = 10 * sym(&r);
    }
    for (size_t i = 0; i < 3 * n; i++)
        p.F[i] = sym(&r);
    {
        double *P0 = mp_P(&p), ax = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++)
                p.c[i] -= P0[i * n + j] * x0[j];
            ax += p.A[i] * x0[i];
        }
        p.lo[0] = ax, p.hi[0] = ax + 0.15;
        free(P0);
    }
    double *P = mp_P(&p);
    hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
    o.time_limit_s = 0.02;
    o.max_nodes = 100000000;
    answer a;
    answer_init(&a, n, 1);
    ck_assert_int_eq(mp_solve(ctx, &p, &o, &a), HEDGE_SOLVE_TIME_LIMIT);
    ck_assert_double_lt(a.sol.solve_time_s, 0.02 + 0.5);
    ck_assert_uint_ge(a.sol.nodes, 1);
    bool integral = true;
    for (size_t j = 0; j < n; j++)
        integral &= a.x[j] == nearbyint(a.x[j]);
    /* the best integer point found; or, before any was (the narrow row makes many dives end in
     * infeasible leaves, and under valgrind 20 ms is few nodes), the root relaxation's answer */
    if (integral)
        check_integer_answer(&p, P, &a, "time limit", 0);
    else
        ck_assert_close(a.sol.objective, mp_objective(&p, P, a.x), 1e-9, 1e-10);
    printf("miqp: a hard search stopped after %.3f s: %zu nodes, %s\n", a.sol.solve_time_s, a.sol.nodes,
           integral ? "its best integer point" : "no integer point yet (the root relaxation)");
    answer_free(&a);
    free(P);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* A re-solve after an update starts by trying the last answer's integers: the same answers as a
 * fresh solver's, with fewer nodes overall. */
START_TEST(warm_resolves_after_updates_match_fresh_solves) {
    hedge_context *ctx = plain_context();
    rng r = {8};
    size_t warm_nodes = 0, fresh_nodes = 0;
    for (int rep = 0; rep < 40; rep++) {
        prob p;
        random_mixed(&p, &r, rep % 2);
        hedge_qp *qp = mp_qp(ctx, &p, false);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
        answer a, b;
        answer_init(&a, p.n, p.m);
        answer_init(&b, p.n, p.m);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        for (int round = 0; round < 3; round++) {
            for (size_t j = 0; j < p.n; j++)
                p.c[j] += 0.05 * sym(&r);
            ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
            ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
            ck_assert_status(hedge_qp_set(qp, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
            hedge_solver *fresh = NULL;
            ck_assert_status(hedge_solver_create(&fresh, ctx, NULL, qp, NULL), HEDGE_OK);
            ck_assert_status(hedge_solver_solve(fresh, &b.sol), HEDGE_OK);
            ck_assert_int_eq(a.sol.status, b.sol.status);
            if (a.sol.status == HEDGE_SOLVE_OPTIMAL)
                ck_assert_msg(test_close(a.sol.objective, b.sol.objective, 2e-6, 1e-8),
                              "rep %d round %d: warm %.17g, fresh %.17g", rep, round, a.sol.objective,
                              b.sol.objective);
            warm_nodes += a.sol.nodes, fresh_nodes += b.sol.nodes;
            hedge_solver_destroy(fresh);
        }
        answer_free(&a);
        answer_free(&b);
        hedge_solver_destroy(sv);
        hedge_qp_destroy(qp);
        prob_free(&p);
    }
    printf("miqp: re-solves after small updates of c: %zu nodes warm, %zu fresh\n", warm_nodes, fresh_nodes);
    ck_assert_uint_lt(warm_nodes, fresh_nodes);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(options_and_results_are_versioned) {
    hedge_context *ctx = plain_context();
    rng r = {3};
    prob p;
    many_nodes_problem(&p, &r);
    hedge_qp *qp = mp_qp(ctx, &p, false);
    hedge_solver *sv = NULL;
    /* bad new options */
    hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
    o.max_nodes = 0;
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, &o), HEDGE_ERR_INVALID_ARG);
    o.max_nodes = 10, o.mip_gap = -1;
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, &o), HEDGE_ERR_INVALID_ARG);
    o.mip_gap = NAN;
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, &o), HEDGE_ERR_INVALID_ARG);
    /* a caller that knows only the first version: its prefix is read, the new members default
     * (max_nodes 10 is not read, so the search finishes) */
    o.mip_gap = 1e-6;
    o.struct_size = offsetof(hedge_solver_options, max_nodes);
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, &o), HEDGE_OK);
    /* ... and a first-version result: nothing is written past its end */
    struct {
        hedge_solution sol;
        unsigned char guard[64];
    } old;
    memset(&old, 0xA5, sizeof old);
    hedge_solution init = HEDGE_SOLUTION_INIT;
    memcpy(&old.sol, &init, offsetof(hedge_solution, nodes));
    old.sol.struct_size = offsetof(hedge_solution, nodes);
    ck_assert_status(hedge_solver_solve(sv, &old.sol), HEDGE_OK);
    ck_assert_int_eq(old.sol.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_uint_eq(old.sol.struct_size, offsetof(hedge_solution, nodes));
    const unsigned char *tail = (const unsigned char *)&old.sol + offsetof(hedge_solution, nodes);
    for (size_t i = 0; i < sizeof old - offsetof(hedge_solution, nodes); i++)
        ck_assert_msg(tail[i] == 0xA5, "byte %zu past a first-version result was written", i);
    hedge_solution full = HEDGE_SOLUTION_INIT;
    ck_assert_status(hedge_solver_solve(sv, &full), HEDGE_OK);
    ck_assert_int_eq(full.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_uint_gt(full.nodes, 10);
    ck_assert_close(full.objective, old.sol.objective, 1e-9, 1e-12);
    hedge_solver_destroy(sv);
    /* without integer variables nothing is counted */
    ck_assert_status(hedge_qp_set_integer(qp, NULL), HEDGE_OK);
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
    full.nodes = 12345;
    ck_assert_status(hedge_solver_solve(sv, &full), HEDGE_OK);
    ck_assert_uint_eq(full.nodes, 0);
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- (6) allocation ---- */

START_TEST(solve_never_allocates) {
    for (int path = 0; path < 2; path++) { /* the n x n factorisation, then Woodbury */
        test_allocator al;
        test_allocator_reset(&al, 0);
        hedge_context *ctx = NULL;
        ck_assert_status(test_context_create(&ctx, &al), HEDGE_OK);
        rng r = {path ? 21u : 22u};
        prob p;
        if (path) { /* lot sizes, Woodbury (k + m < n) */
            mp_alloc(&p, 14, 3, 1);
            for (size_t j = 0; j < p.n; j++) {
                p.isint[j] = j % 2, p.D[j] = 0.2 + unif(&r), p.c[j] = 2 * sym(&r);
                p.A[j] = 1, p.lb[j] = -4, p.ub[j] = 4;
            }
            for (size_t i = 0; i < 3 * p.n; i++)
                p.F[i] = 0.3 * sym(&r);
            p.lo[0] = -1.5, p.hi[0] = 1.5;
        } else {
            many_nodes_problem(&p, &r);
        }
        hedge_qp *qp = mp_qp(ctx, &p, false);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
        hedge_qp_destroy(qp);
        al.fail_at = al.calls + 1; /* from here on every allocation fails */
        al.sticky = true;
        answer a;
        answer_init(&a, p.n, p.m);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_uint_gt(a.sol.nodes, 2);
        for (size_t j = 0; j < p.n; j++)
            p.c[j] *= 1.1;
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_int_eq(al.failures, 0);
        ck_assert_int_eq(al.calls, al.fail_at - 1);
        answer_free(&a);
        hedge_solver_destroy(sv);
        hedge_context_destroy(ctx);
        ck_assert_int_eq(al.live_blocks, 0);
        prob_free(&p);
    }
}
END_TEST

static hedge_status oom_run(hedge_context *ctx, void *payload) {
    if (!ctx)
        return HEDGE_ERR_NOMEM;
    rng r = {*(const uint64_t *)payload};
    prob p;
    random_mixed(&p, &r, false);
    hedge_qp *qp = NULL;
    hedge_solver *sv = NULL;
    answer a;
    answer_init(&a, p.n, p.m);
    hedge_status st = hedge_qp_create(&qp, ctx, p.n, p.k, p.m);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_LINEAR, p.c);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_DIAGONAL, p.D);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_UB, p.ub);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_LB, p.lb);
    if (!st && p.k)
        st = hedge_qp_set_factor(qp, p.F, p.n);
    if (!st)
        st = hedge_qp_set_integer(qp, p.isint);
    if (!st)
        st = hedge_solver_create(&sv, ctx, NULL, qp, NULL);
    if (!st)
        st = hedge_solver_solve(sv, &a.sol);
    if (!st && (a.sol.status != HEDGE_SOLVE_OPTIMAL || a.sol.nodes == 0))
        st = HEDGE_ERR_INTERNAL;
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    answer_free(&a);
    prob_free(&p);
    return st;
}

START_TEST(oom_sweep_over_a_mixed_integer_setup) {
    static uint64_t seeds[] = {1, 2, 3};
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_gt(test_oom_sweep(oom_run, &seeds[i]), 2);
}
END_TEST

Suite *hedge_test_suite_miqp(void) {
    Suite *s = suite_create("miqp");
    TCase *tc = tcase_create("branch_and_bound");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, random_problems_match_brute_force);
    tcase_add_test(tc, coupled_problems_match_brute_force);
    tcase_add_test(tc, lot_sizes_match_enumeration_of_the_strong_convexity_box);
    tcase_add_test(tc, flat_substitutes_do_not_blow_up_the_search);
    tcase_add_test(tc, fixed_costs_trade_only_when_the_variance_reduction_pays);
    tcase_add_test(tc, minimum_sizes_are_semi_continuous);
    tcase_add_test(tc, unbounded_integers_round_to_the_nearer_integer);
    tcase_add_test(tc, integer_infeasibility_is_recognised);
    tcase_add_test(tc, unbounded_relaxation_is_reported);
    tcase_add_test(tc, node_and_time_limits_are_honoured);
    tcase_add_test(tc, a_search_stopped_by_the_time_limit_keeps_its_best_point);
    tcase_add_test(tc, warm_resolves_after_updates_match_fresh_solves);
    tcase_add_test(tc, options_and_results_are_versioned);
    tcase_add_test(tc, solve_never_allocates);
    tcase_add_test(tc, oom_sweep_over_a_mixed_integer_setup);
    suite_add_tcase(s, tc);
    return s;
}
