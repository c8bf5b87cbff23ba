/* The optimizer: KKT conditions of the built-in backend's answers on random problems of every shape,
 * exact answers where they are known in closed form, infeasible and unbounded families with their
 * certificates, warm starts, allocation (OOM sweeps, no allocation after setup) and the backend
 * registry. The KKT checks here are written from the problem's definition, independently of the
 * solver's own residuals. */
#include "support/qptest.h"
#include "support/testutil.h"
#include "suites.h"

#include <hedge/sys/backend.h>

#include "core/cpu.h"
#include "core/internal.h"
#include "optimize/linalg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Random feasible problems of a given shape: the boxes and rows are built around a random point,
 * some rows two-sided, some one-sided, some equalities. When P = D + F'F may be singular the boxes
 * are made finite, so that every problem has a minimiser. */
typedef struct shape {
    size_t n, k, m;
    bool bounds, l1, diag;
} shape;

static void random_problem(prob *p, rng *r, shape sh) {
    size_t n = sh.n, k = sh.k, m = sh.m;
    prob_alloc(p, n, k, m);
    double *x0 = malloc(n * sizeof(double));
    double fscale = exp(3 * sym(r)); /* magnitudes from e^-3 to e^3 */
    bool boxes = sh.bounds || (!sh.diag && k < n);
    for (size_t j = 0; j < n; j++) {
        x0[j] = 2 * sym(r);
        p->D[j] = sh.diag ? 0.01 + unif(r) : 0.0;
        p->c[j] = fscale * sym(r);
        if (sh.l1) {
            p->w[j] = coin(r, 0.8) ? fscale * unif(r) : 0.0;
            p->t[j] = coin(r, 0.5) ? x0[j] + 0.3 * sym(r) : 0.0;
        }
        if (boxes) {
            double u = unif(r);
            if (u < 0.1 && sh.bounds)
                p->lb[j] = p->ub[j] = x0[j]; /* a fixed variable */
            else {
                p->lb[j] = x0[j] - 0.1 - unif(r);
                p->ub[j] = x0[j] + 0.1 + unif(r);
                if (sh.bounds && u > 0.9 && (sh.diag || k >= n))
                    p->ub[j] = HUGE_VAL;
            }
        }
    }
    for (size_t i = 0; i < k * n; i++)
        p->F[i] = sqrt(fscale) * sym(r) / sqrt((double)(k + 1));
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++)
            p->A[i * n + j] = coin(r, 0.8) ? sym(r) : 0.0;
        double ax = rowdot(p, i, x0), u = unif(r);
        if (u < 0.2)
            p->lo[i] = p->hi[i] = ax;
        else if (u < 0.5)
            p->lo[i] = ax - 0.5 * unif(r), p->hi[i] = ax + 0.5 * unif(r);
        else if (u < 0.75)
            p->hi[i] = ax + 0.2 * unif(r);
        else
            p->lo[i] = ax - 0.2 * unif(r);
    }
    free(x0);
}

static const shape shapes[] = {
    {12, 40, 3, true, true, false}, /* k > n: the n x n factorisation */
    {30, 90, 6, true, true, true},  {20, 20, 0, true, true, false}, {10, 30, 4, false, true, true},
    {25, 6, 3, true, true, true},   /* k + m < n: Woodbury */
    {40, 10, 5, true, true, false}, {30, 5, 0, false, true, true},  {16, 0, 4, true, true, true},
    {20, 0, 0, true, false, true},  {18, 50, 5, true, false, true}, {24, 8, 4, false, false, true},
    {1, 1, 1, true, true, true},    {6, 3, 6, true, true, true},
    {20, 0, 5, true, true, false},  /* P = 0: linear programs with L1 terms */
    {15, 0, 15, true, false, false}, {60, 150, 8, true, true, false},
};
enum { N_SHAPES = sizeof shapes / sizeof shapes[0], PER_SHAPE = 30 };

/* (1) Hundreds of random feasible problems: optimal, KKT conditions to 1e-7 with the polish (and to
 * the tolerances asked for without it), the reported objective and residuals honest. */
START_TEST(kkt_holds_on_random_problems) {
    hedge_context *ctx = plain_context();
    rng r = {20240611};
    kkt worst = {0, 0, 0}, worst_np = {0, 0, 0};
    size_t solved = 0, polished_iters = 0;
    for (size_t s = 0; s < N_SHAPES; s++)
        for (int rep = 0; rep < PER_SHAPE; rep++) {
            prob p;
            random_problem(&p, &r, shapes[s]);
            hedge_qp *qp = prob_qp(ctx, &p);
            /* a third without the polish, to 1e-8: all but the pure LPs, on which plain ADMM's tail is
             * slow enough (degenerate vertices) to need more than the default iteration limit; the
             * polish is what answers those exactly */
            bool lp = shapes[s].k == 0 && !shapes[s].diag;
            bool polish = lp || rep % 3 != 2;
            hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
            if (!polish) {
                o.polish = 0;
                o.eps_abs = o.eps_rel = 1e-8;
            }
            hedge_solver *sv = NULL;
            ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, &o), HEDGE_OK);
            answer a;
            answer_init(&a, p.n, p.m);
            ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
            ck_assert_msg(a.sol.status == HEDGE_SOLVE_OPTIMAL, "shape %zu rep %d: status %d after %zu iterations",
                          s, rep, (int)a.sol.status, a.sol.iterations);
            kkt c = kkt_check(&p, a.x, a.y, a.z);
            double tol = polish ? 1e-7 : 1e-5;
            ck_assert_msg(c.stat <= tol && c.prim <= tol && c.comp <= tol,
                          "shape %zu rep %d (polish %d): stationarity %g, primal %g, complementarity %g", s, rep,
                          polish, c.stat, c.prim, c.comp);
            ck_assert_close(a.sol.objective, objective(&p, a.x), 1e-10, 1e-12);
            kkt *wst = polish ? &worst : &worst_np;
            wst->stat = fmax(wst->stat, c.stat), wst->prim = fmax(wst->prim, c.prim);
            wst->comp = fmax(wst->comp, c.comp);
            polished_iters += a.sol.iterations;
            solved++;
            answer_free(&a);
            hedge_solver_destroy(sv);
            hedge_qp_destroy(qp);
            prob_free(&p);
        }
    printf("optimize: %zu random problems optimal; worst relative KKT residuals with polish: stationarity %.2g, "
           "primal %.2g, complementarity %.2g; without: %.2g, %.2g, %.2g; mean %.1f iterations\n",
           solved, worst.stat, worst.prim, worst.comp, worst_np.stat, worst_np.prim, worst_np.comp,
           (double)polished_iters / (double)solved);
    hedge_context_destroy(ctx);
}
END_TEST

/* Separable problems have closed-form answers: with P = diag(D), no rows, the minimiser of
 * D/2 x^2 + c x + w|x - t| over [lb, ub] is the clip of the soft-thresholded unconstrained one. */
START_TEST(separable_problems_are_exact) {
    hedge_context *ctx = plain_context();
    rng r = {7};
    for (int rep = 0; rep < 20; rep++) {
        size_t n = 5 + (size_t)(rep * 3);
        prob p;
        prob_alloc(&p, n, 0, 0);
        for (size_t j = 0; j < n; j++) {
            p.D[j] = 0.1 + 10 * unif(&r);
            p.c[j] = 3 * sym(&r);
            p.w[j] = coin(&r, 0.7) ? 2 * unif(&r) : 0;
            p.t[j] = sym(&r);
            p.lb[j] = coin(&r, 0.5) ? -1 + 0.5 * sym(&r) : -HUGE_VAL;
            p.ub[j] = coin(&r, 0.5) ? 1 + 0.5 * sym(&r) : HUGE_VAL;
        }
        hedge_qp *qp = prob_qp(ctx, &p);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, "admm", qp, NULL), HEDGE_OK);
        answer a;
        answer_init(&a, n, 0);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        for (size_t j = 0; j < n; j++) {
            /* the objective is convex in x: its minimiser is where the derivative crosses 0 */
            double xs;
            double right = p.D[j] * p.t[j] + p.c[j]; /* derivative of the smooth part at t */
            if (right + p.w[j] < 0)
                xs = (-p.c[j] - p.w[j]) / p.D[j];
            else if (right - p.w[j] > 0)
                xs = (-p.c[j] + p.w[j]) / p.D[j];
            else
                xs = p.t[j];
            xs = fmin(fmax(xs, p.lb[j]), p.ub[j]);
            ck_assert_msg(fabs(a.x[j] - xs) <= 1e-9 * (1 + fabs(xs)), "rep %d, x[%zu] = %.17g, exact %.17g", rep, j,
                          a.x[j], xs);
        }
        answer_free(&a);
        hedge_solver_destroy(sv);
        hedge_qp_destroy(qp);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- (3) infeasible and unbounded families ---- */

static hedge_solve_status solve_status(hedge_context *ctx, const prob *p, answer *a) {
    hedge_qp *qp = prob_qp(ctx, p);
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(sv, &a->sol), HEDGE_OK);
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    return a->sol.status;
}

START_TEST(infeasible_problems_are_recognised) {
    hedge_context *ctx = plain_context();
    rng r = {99};
    int count = 0;
    for (int rep = 0; rep < 60; rep++) {
        size_t n = 3 + (size_t)(unif(&r) * 20), m = 2 + (size_t)(unif(&r) * 4);
        size_t k = rep % 2 ? n + 5 : (size_t)(unif(&r) * 3);
        prob p;
        random_problem(&p, &r, (shape){n, k, m, true, rep % 3 != 0, true});
        /* make row 0 impossible on the box, or rows 0 and 1 contradict each other */
        int kind = rep % 3;
        if (kind == 0) { /* a row beyond what the box allows */
            double best = 0;
            for (size_t j = 0; j < n; j++) {
                double a = p.A[j] = sym(&r) + (p.A[j] == 0 ? 0.5 : 0);
                if (!isfinite(p.lb[j]) || !isfinite(p.ub[j]))
                    p.lb[j] = -1 - unif(&r), p.ub[j] = 1 + unif(&r);
                best += a > 0 ? a * p.ub[j] : a * p.lb[j];
            }
            p.lo[0] = best + 0.01 + unif(&r);
            p.hi[0] = HUGE_VAL;
        } else if (kind == 1) { /* a'x >= b and a'x <= b - gap */
            for (size_t j = 0; j < n; j++)
                p.A[n + j] = p.A[j];
            p.lo[0] = sym(&r), p.hi[0] = HUGE_VAL;
            p.lo[1] = -HUGE_VAL, p.hi[1] = p.lo[0] - 0.05 - unif(&r);
        } else { /* two equalities on the same combination */
            for (size_t j = 0; j < n; j++)
                p.A[n + j] = 2 * p.A[j];
            p.lo[0] = p.hi[0] = sym(&r);
            p.lo[1] = p.hi[1] = 2 * p.lo[0] + 0.1 + unif(&r);
        }
        answer a;
        answer_init(&a, n, m);
        hedge_solve_status st = solve_status(ctx, &p, &a);
        ck_assert_msg(st == HEDGE_SOLVE_PRIMAL_INFEASIBLE, "rep %d (kind %d, n %zu, k %zu): status %d", rep, kind, n,
                      k, (int)st);
        check_primal_certificate(&p, &a);
        count++;
        answer_free(&a);
        prob_free(&p);
    }
    ck_assert_int_eq(count, 60);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(unbounded_problems_are_recognised) {
    hedge_context *ctx = plain_context();
    rng r = {31337};
    for (int rep = 0; rep < 60; rep++) {
        size_t n = 4 + (size_t)(unif(&r) * 20), m = (size_t)(unif(&r) * 4);
        size_t k = rep % 2 ? n + 3 : 1 + (size_t)(unif(&r) * 3);
        prob p;
        random_problem(&p, &r, (shape){n, k, m, false, rep % 4 != 0, true});
        /* variables j1 and j2 move together in a direction P does not see: equal columns of F and
         * A, no D, no bounds, and a linear cost that pays more than the L1 terms charge */
        size_t j1 = rng_next(&r) % n, j2 = (j1 + 1 + rng_next(&r) % (n - 1)) % n;
        p.D[j1] = p.D[j2] = 0;
        for (size_t i = 0; i < k; i++)
            p.F[i * n + j2] = p.F[i * n + j1];
        for (size_t i = 0; i < m; i++)
            p.A[i * n + j2] = p.A[i * n + j1];
        p.lb[j1] = p.lb[j2] = -HUGE_VAL, p.ub[j1] = p.ub[j2] = HUGE_VAL;
        if (rep % 3 == 0) { /* or one variable alone, bounded below, going up */
            for (size_t i = 0; i < k; i++)
                p.F[i * n + j1] = 0;
            for (size_t i = 0; i < m; i++)
                p.A[i * n + j1] = 0;
            p.lb[j1] = -unif(&r);
            p.c[j1] = -(p.w[j1] + 0.1 + unif(&r));
        } else {
            p.c[j1] = p.c[j2] - (p.w[j1] + p.w[j2] + 0.1 + unif(&r));
        }
        /* the surgery on the columns moved the rows' values at the generator's point: make x = 0
         * (inside every bound of this shape) feasible again, so the problem is unbounded, not
         * infeasible */
        for (size_t i = 0; i < m; i++) {
            if (p.lo[i] == p.hi[i])
                p.lo[i] = p.hi[i] = 0;
            if (p.lo[i] > 0)
                p.lo[i] = -unif(&r);
            if (p.hi[i] < 0)
                p.hi[i] = unif(&r);
        }
        answer a;
        answer_init(&a, n, m);
        hedge_solve_status st = solve_status(ctx, &p, &a);
        ck_assert_msg(st == HEDGE_SOLVE_DUAL_INFEASIBLE, "rep %d (n %zu, k %zu, m %zu): status %d", rep, n, k, m,
                      (int)st);
        check_dual_certificate(&p, &a);
        ck_assert(a.sol.objective == -HUGE_VAL);
        answer_free(&a);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- (4) warm starts ---- */

START_TEST(warm_resolve_matches_cold_in_fewer_iterations) {
    hedge_context *ctx = plain_context();
    rng r = {4242};
    for (int rep = 0; rep < 24; rep++) {
        shape sh = shapes[(size_t)rep % N_SHAPES];
        if (sh.n < 5)
            sh = shapes[0];
        prob p;
        random_problem(&p, &r, sh);
        hedge_qp *qp = prob_qp(ctx, &p);
        hedge_solver *warm = NULL, *cold = NULL;
        ck_assert_status(hedge_solver_create(&warm, ctx, NULL, qp, NULL), HEDGE_OK);
        answer a, b;
        answer_init(&a, p.n, p.m);
        answer_init(&b, p.n, p.m);
        ck_assert_status(hedge_solver_solve(warm, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        for (size_t j = 0; j < p.n; j++)
            p.c[j] += 1e-3 * sym(&r) * (1 + fabs(p.c[j]));
        ck_assert_status(hedge_solver_update(warm, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(warm, &a.sol), HEDGE_OK);
        ck_assert_status(hedge_qp_set(qp, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
        ck_assert_status(hedge_solver_create(&cold, ctx, NULL, qp, NULL), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(cold, &b.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_int_eq(b.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_msg(a.sol.iterations < b.sol.iterations, "rep %d: warm %zu iterations, cold %zu", rep,
                      a.sol.iterations, b.sol.iterations);
        ck_assert_close(a.sol.objective, b.sol.objective, 1e-9, 1e-12);
        for (size_t j = 0; j < p.n; j++)
            ck_assert_close(a.x[j], b.x[j], 1e-6, 1e-6);
        kkt c = kkt_check(&p, a.x, a.y, a.z);
        ck_assert(c.stat <= 1e-7 && c.prim <= 1e-7 && c.comp <= 1e-7);
        /* and an explicit warm start from the answer on a fresh solver */
        hedge_solver_destroy(cold);
        ck_assert_status(hedge_solver_create(&cold, ctx, NULL, qp, NULL), HEDGE_OK);
        ck_assert_status(hedge_solver_warm_start(cold, b.x, b.y), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(cold, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_msg(a.sol.iterations < b.sol.iterations, "rep %d: warm start %zu iterations, cold %zu", rep,
                      a.sol.iterations, b.sol.iterations);
        ck_assert_close(a.sol.objective, b.sol.objective, 1e-9, 1e-12);
        answer_free(&a);
        answer_free(&b);
        hedge_solver_destroy(warm);
        hedge_solver_destroy(cold);
        hedge_qp_destroy(qp);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(updates_are_checked_and_applied) {
    hedge_context *ctx = plain_context();
    rng r = {5};
    prob p;
    random_problem(&p, &r, (shape){10, 20, 3, true, true, true});
    /* x = 0 feasible throughout: boxes [-1, 1], rows in [-1, 1] */
    for (size_t j = 0; j < p.n; j++)
        p.lb[j] = -1, p.ub[j] = 1;
    for (size_t i = 0; i < p.m; i++)
        p.lo[i] = -1, p.hi[i] = 1;
    hedge_qp *qp = prob_qp(ctx, &p);
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
    double v[10], u[3];
    for (size_t j = 0; j < p.n; j++)
        v[j] = j == 3 ? 2 : -1; /* lb 3 above its stored ub */
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LB, v), HEDGE_ERR_DOMAIN);
    for (size_t i = 0; i < p.m; i++)
        u[i] = i == 1 ? -2 : 1; /* hi 1 below its stored lo */
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_ROW_HI, u), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_DIAGONAL, p.D), HEDGE_ERR_INVALID_ARG);
    answer a, b;
    answer_init(&a, p.n, p.m);
    answer_init(&b, p.n, p.m);
    ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
    /* change every updatable vector, turning bounds into equalities and rows into one-sided ones;
     * the answer must be that of a fresh setup on the changed problem */
    for (size_t j = 0; j < p.n; j++) {
        p.c[j] = sym(&r), p.w[j] = unif(&r), p.t[j] = sym(&r);
        bool fix = j % 4 == 0;
        p.lb[j] = fix ? 0 : -unif(&r), p.ub[j] = fix ? 0 : j % 3 ? unif(&r) : HUGE_VAL;
    }
    for (size_t i = 0; i < p.m; i++)
        p.lo[i] = i == 0 ? 0 : -HUGE_VAL, p.hi[i] = i == 0 ? 0 : 0.5;
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_L1_WEIGHT, p.w), HEDGE_OK);
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_L1_TARGET, p.t), HEDGE_OK);
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_UB, p.ub), HEDGE_OK);
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LB, p.lb), HEDGE_OK);
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_ROW_HI, p.hi), HEDGE_OK);
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_ROW_LO, p.lo), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
    kkt c = kkt_check(&p, a.x, a.y, a.z);
    ck_assert_msg(c.stat <= 1e-7 && c.prim <= 1e-7 && c.comp <= 1e-7, "%g %g %g", c.stat, c.prim, c.comp);
    hedge_qp *qp2 = prob_qp(ctx, &p);
    hedge_solver *fresh = NULL;
    ck_assert_status(hedge_solver_create(&fresh, ctx, NULL, qp2, NULL), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(fresh, &b.sol), HEDGE_OK);
    ck_assert_close(a.sol.objective, b.sol.objective, 1e-9, 1e-12);
    answer_free(&a);
    answer_free(&b);
    hedge_solver_destroy(fresh);
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp2);
    hedge_qp_destroy(qp);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(limits_are_honoured) {
    hedge_context *ctx = plain_context();
    rng r = {11};
    prob p;
    random_problem(&p, &r, (shape){60, 200, 6, true, true, false});
    hedge_qp *qp = prob_qp(ctx, &p);
    hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
    o.polish = 0;
    o.max_iter = 7;
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, &o), HEDGE_OK);
    answer a;
    answer_init(&a, p.n, p.m);
    ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_ITERATION_LIMIT);
    ck_assert_uint_eq(a.sol.iterations, 7);
    ck_assert(isfinite(a.sol.objective) && a.sol.primal_residual >= 0 && a.sol.dual_residual > 0);
    hedge_solver_destroy(sv);
    o.max_iter = 100000000;
    o.time_limit_s = 1e-4;
    o.eps_abs = o.eps_rel = 1e-15;
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, &o), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_TIME_LIMIT);
    ck_assert_double_lt(a.sol.solve_time_s, 0.5);
    answer_free(&a);
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- (5) allocation ---- */

typedef struct oom_case {
    shape sh;
    uint64_t seed;
} oom_case;

static hedge_status oom_run(hedge_context *ctx, void *payload) {
    if (!ctx)
        return HEDGE_ERR_NOMEM;
    const oom_case *oc = payload;
    rng r = {oc->seed};
    prob p;
    random_problem(&p, &r, oc->sh);
    hedge_qp *qp = NULL;
    hedge_solver *sv = NULL;
    answer a;
    answer_init(&a, p.n, p.m);
    hedge_status st = hedge_qp_create(&qp, ctx, p.n, p.k, p.m);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_LINEAR, p.c);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_DIAGONAL, p.D);
    if (!st && p.k)
        st = hedge_qp_set_factor(qp, p.F, p.n);
    if (!st)
        st = hedge_solver_create(&sv, ctx, NULL, qp, NULL);
    if (!st)
        st = hedge_solver_solve(sv, &a.sol);
    if (!st && a.sol.status != HEDGE_SOLVE_OPTIMAL)
        st = HEDGE_ERR_INTERNAL;
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    answer_free(&a);
    prob_free(&p);
    return st;
}

START_TEST(oom_sweep_over_create_setup_and_solve) {
    static oom_case cases[] = {{{8, 20, 3, true, true, true}, 1}, {{20, 4, 2, true, true, true}, 2}};
    for (size_t i = 0; i < 2; i++)
        ck_assert_int_gt(test_oom_sweep(oom_run, &cases[i]), 1);
}
END_TEST

START_TEST(solve_update_and_warm_start_never_allocate) {
    for (int path = 0; path < 2; path++) {
        test_allocator al;
        test_allocator_reset(&al, 0);
        hedge_context *ctx = NULL;
        ck_assert_status(test_context_create(&ctx, &al), HEDGE_OK);
        rng r = {77};
        prob p;
        random_problem(&p, &r, path ? (shape){30, 5, 4, true, true, true} : (shape){15, 40, 4, true, true, false});
        hedge_qp *qp = prob_qp(ctx, &p);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
        hedge_qp_destroy(qp); /* the solver keeps what it needs */
        al.fail_at = al.calls + 1; /* from here on every allocation fails */
        al.sticky = true;
        answer a;
        answer_init(&a, p.n, p.m);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        for (size_t j = 0; j < p.n; j++)
            p.c[j] *= 1.01;
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_UB, p.ub), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_status(hedge_solver_warm_start(sv, NULL, NULL), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_int_eq(al.failures, 0);
        answer_free(&a);
        hedge_solver_destroy(sv);
        hedge_context_destroy(ctx);
        ck_assert_int_eq(al.live_blocks, 0);
        prob_free(&p);
    }
}
END_TEST

/* ---- the dense kernels, every set this CPU runs, against plain loops ---- */

START_TEST(linalg_kernels_agree_with_plain_loops) {
    const hedge__la_kernels *sets[3] = {&hedge__la_portable, NULL, NULL};
#ifdef HEDGE__LA_X86
    if (hedge__simd_level() >= HEDGE__SIMD_AVX2)
        sets[1] = &hedge__la_avx2;
    if (hedge__simd_level() >= HEDGE__SIMD_AVX512)
        sets[2] = &hedge__la_avx512;
#endif
    static const size_t dims[][2] = {{1, 1}, {7, 3}, {50, 17}, {33, 40}, {300, 61}, {5, 130}};
    rng r = {3};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        size_t rows = dims[d][0], cols = dims[d][1], ld = cols + 3;
        double *X = malloc(rows * ld * sizeof(double)), *C = malloc(cols * (cols + 1) * sizeof(double));
        double *ref = calloc(cols * cols, sizeof(double)), *b = malloc(cols * sizeof(double));
        double *x = malloc(cols * sizeof(double)), *y = malloc(cols * sizeof(double));
        for (size_t i = 0; i < rows * ld; i++)
            X[i] = sym(&r);
        for (size_t i = 0; i < cols; i++)
            for (size_t j = 0; j < cols; j++)
                for (size_t q = 0; q < rows; q++)
                    ref[i * cols + j] += X[q * ld + i] * X[q * ld + j];
        for (int k = 0; k < 3; k++) {
            const hedge__la_kernels *la = sets[k];
            if (!la)
                continue;
            la->gram(C, cols + 1, X, rows, cols, ld);
            for (size_t i = 0; i < cols; i++)
                for (size_t j = 0; j <= i; j++)
                    ck_assert_msg(fabs(C[i * (cols + 1) + j] - ref[i * cols + j]) <= 1e-12 * rows,
                                  "set %d, %zu x %zu: C[%zu][%zu] = %g, expected %g", k, rows, cols, i, j,
                                  C[i * (cols + 1) + j], ref[i * cols + j]);
            for (size_t j = 0; j < cols; j++)
                x[j] = sym(&r), y[j] = sym(&r);
            double dref = 0;
            for (size_t j = 0; j < cols; j++)
                dref += x[j] * y[j];
            ck_assert_close(la->dot(x, y, cols), dref, 1e-13, 1e-13);
            memcpy(b, y, cols * sizeof(double));
            la->axpy(b, 0.5, x, cols);
            for (size_t j = 0; j < cols; j++)
                ck_assert_close(b[j], y[j] + 0.5 * x[j], 1e-15, 1e-15);
            /* Cholesky of X'X + I, then a solve checked by multiplying back */
            for (size_t i = 0; i < cols; i++)
                C[i * (cols + 1) + i] += 1.0;
            ck_assert(hedge__la_cholesky(la, C, cols, cols + 1));
            memcpy(b, y, cols * sizeof(double));
            hedge__la_chol_solve(la, C, cols, cols + 1, b);
            for (size_t i = 0; i < cols; i++) {
                double v = b[i];
                for (size_t j = 0; j < cols; j++)
                    v += ref[i * cols + j] * b[j];
                ck_assert_close(v, y[i], 1e-9, 1e-9);
            }
        }
        /* a matrix that is not positive definite is refused */
        double bad[4] = {1, 2, 2, 1};
        ck_assert(!hedge__la_cholesky(&hedge__la_portable, bad, 2, 2));
        free(X), free(C), free(ref), free(b), free(x), free(y);
    }
}
END_TEST

/* ---- (6) the registry ---- */

/* A toy backend of the test's own: unconstrained problems with a positive diagonal only. */
typedef struct toy {
    hedge_context *ctx;
    size_t n;
    double *x;
} toy;

static hedge_status toy_setup(void **state, void *user, hedge_context *ctx, const hedge_qp *qp,
                              const hedge_solver_options *o) {
    (void)o;
    ++*(int *)user;
    size_t n, k, m;
    hedge_qp_size(qp, &n, &k, &m);
    const double *D = hedge_qp_vector_data(qp, HEDGE_QP_DIAGONAL), *c = hedge_qp_vector_data(qp, HEDGE_QP_LINEAR);
    if (k || m)
        return HEDGE_ERR_UNSUPPORTED;
    for (size_t j = 0; j < n; j++)
        if (!(D[j] > 0) || isfinite(hedge_qp_vector_data(qp, HEDGE_QP_LB)[j]) ||
            isfinite(hedge_qp_vector_data(qp, HEDGE_QP_UB)[j]))
            return HEDGE_ERR_UNSUPPORTED;
    toy *t = hedge_context_alloc(ctx, sizeof *t, 0);
    if (!t)
        return HEDGE_ERR_NOMEM;
    t->x = hedge_context_alloc(ctx, n * sizeof(double), 0);
    if (!t->x) {
        hedge_context_free(ctx, t, sizeof *t, 0);
        return HEDGE_ERR_NOMEM;
    }
    t->ctx = ctx, t->n = n;
    for (size_t j = 0; j < n; j++)
        t->x[j] = -c[j] / D[j];
    *state = t;
    return HEDGE_OK;
}
static hedge_status toy_solve(void *state, hedge_solution *sol) {
    toy *t = state;
    if (sol->x)
        memcpy(sol->x, t->x, t->n * sizeof(double));
    sol->status = HEDGE_SOLVE_OPTIMAL;
    sol->iterations = 1;
    return HEDGE_OK;
}
static hedge_status toy_update(void *state, hedge_qp_vector which, const double *v) {
    (void)state, (void)which, (void)v;
    return HEDGE_ERR_UNSUPPORTED;
}
static hedge_status toy_warm(void *state, const double *x, const double *y) {
    (void)state, (void)x, (void)y;
    return HEDGE_OK;
}
static void toy_destroy(void *state) {
    toy *t = state;
    hedge_context_free(t->ctx, t->x, t->n * sizeof(double), 0);
    hedge_context_free(t->ctx, t, sizeof *t, 0);
}
/* Solves that fail the way a backend outside the library does, without recording an error detail:
 * out of its own memory, and with a status the interface does not know for a solve. */
static hedge_status toy_solve_nomem(void *state, hedge_solution *sol) {
    (void)state, (void)sol;
    return HEDGE_ERR_NOMEM;
}
static hedge_status toy_solve_odd(void *state, hedge_solution *sol) {
    (void)state, (void)sol;
    return HEDGE_ERR_PARSE;
}

START_TEST(registry_lists_registers_and_dispatches) {
    hedge_context *ctx = plain_context();
    const char *names[4];
    uint64_t caps[4];
    size_t count = 0;
    /* the one built-in; plugins such as libhedge-glpk are registered by the application */
    const size_t builtins = 1;
    ck_assert_status(hedge_backends(ctx, names, 4, &count, caps), HEDGE_OK);
    ck_assert_uint_eq(count, builtins);
    ck_assert_str_eq(names[0], "admm");
    ck_assert(caps[0] & HEDGE_BACKEND_CAP_L1);
    ck_assert(caps[0] & HEDGE_BACKEND_CAP_MIP);

    int setups = 0;
    hedge_backend tb = {HEDGE_BACKEND_ABI_VERSION, sizeof(hedge_backend), "toy", HEDGE_BACKEND_CAP_QP, &setups,
                        toy_setup, toy_solve, toy_update, toy_warm, toy_destroy};
    ck_assert_status(hedge_context_register_backend(ctx, &tb), HEDGE_OK);
    ck_assert_status(hedge_context_register_backend(ctx, &tb), HEDGE_ERR_EXISTS);
    hedge_backend dup = tb;
    dup.name = "admm";
    ck_assert_status(hedge_context_register_backend(ctx, &dup), HEDGE_ERR_EXISTS);
    ck_assert_status(hedge_backends(ctx, names, 4, &count, caps), HEDGE_OK);
    ck_assert_uint_eq(count, builtins + 1);
    ck_assert_str_eq(names[builtins], "toy");

    double D[3] = {1, 2, 4}, c[3] = {1, -2, 2}, x[3];
    hedge_qp *qp = NULL;
    ck_assert_status(hedge_qp_create(&qp, ctx, 3, 0, 0), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_DIAGONAL, D), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_LINEAR, c), HEDGE_OK);
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, "toy", qp, NULL), HEDGE_OK);
    ck_assert_int_eq(setups, 1);
    ck_assert_str_eq(hedge_solver_backend(sv), "toy");
    hedge_solution sol = HEDGE_SOLUTION_INIT;
    sol.x = x;
    ck_assert_status(hedge_solver_solve(sv, &sol), HEDGE_OK);
    ck_assert_double_eq(x[0], -1);
    ck_assert_double_eq(x[1], 1);
    ck_assert_double_eq(x[2], -0.5);
    /* a failing backend that records no detail: the library records one naming it, even where an
     * older failure left the same status behind */
    (void)hedge__fail(NULL, HEDGE_ERR_UNSUPPORTED, "an older failure");
    ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, c), HEDGE_ERR_UNSUPPORTED);
    ck_assert_str_eq(hedge_error_message(), "hedge_solver_update: backend toy refused the update: not supported by "
                                            "this build or backend");
    hedge_solver_destroy(sv);
    int other_setups = 0;
    hedge_backend tn = tb, to = tb;
    tn.name = "toy-nomem", tn.solve = toy_solve_nomem, tn.user = &other_setups;
    to.name = "toy-odd", to.solve = toy_solve_odd, to.user = &other_setups;
    ck_assert_status(hedge_context_register_backend(ctx, &tn), HEDGE_OK);
    ck_assert_status(hedge_context_register_backend(ctx, &to), HEDGE_OK);
    ck_assert_status(hedge_solver_create(&sv, ctx, "toy-nomem", qp, NULL), HEDGE_OK);
    (void)hedge__fail(NULL, HEDGE_ERR_NOMEM, "an older failure");
    ck_assert_status(hedge_solver_solve(sv, &sol), HEDGE_ERR_NOMEM);
    ck_assert_str_eq(hedge_error_message(), "hedge_solver_solve: backend toy-nomem failed: out of memory");
    hedge_solver_destroy(sv);
    ck_assert_status(hedge_solver_create(&sv, ctx, "toy-odd", qp, NULL), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(sv, &sol), HEDGE_ERR_BACKEND);
    ck_assert_str_eq(hedge_error_message(), "hedge_solver_solve: backend toy-odd failed: backend failure");
    hedge_solver_destroy(sv);
    /* the same problem on admm agrees; an L1 term is beyond the toy's declared capabilities */
    double xa[3];
    ck_assert_status(hedge_solver_create(&sv, ctx, NULL, qp, NULL), HEDGE_OK);
    ck_assert_str_eq(hedge_solver_backend(sv), "admm");
    sol.x = xa;
    ck_assert_status(hedge_solver_solve(sv, &sol), HEDGE_OK);
    for (int j = 0; j < 3; j++)
        ck_assert_close(xa[j], x[j], 1e-12, 1e-12);
    hedge_solver_destroy(sv);
    double w[3] = {1, 0, 0};
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_L1_WEIGHT, w), HEDGE_OK);
    ck_assert_status(hedge_solver_create(&sv, ctx, "toy", qp, NULL), HEDGE_ERR_UNSUPPORTED);
    ck_assert_status(hedge_solver_create(&sv, ctx, "nope", qp, NULL), HEDGE_ERR_NOT_FOUND);
    /* integer variables: admm does them (tests/test_miqp.c), the toy, which does not declare them,
     * is refused them */
    unsigned char isint[3] = {0, 1, 0};
    ck_assert_status(hedge_qp_set_integer(qp, isint), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qp, HEDGE_QP_L1_WEIGHT, (double[3]){0, 0, 0}), HEDGE_OK);
    ck_assert_status(hedge_solver_create(&sv, ctx, "toy", qp, NULL), HEDGE_ERR_UNSUPPORTED);
    ck_assert_ptr_null(sv);
    ck_assert_int_eq(setups, 1); /* refused before its setup ran */
    hedge_qp_destroy(qp);
    hedge_context_destroy(ctx);
}
END_TEST

Suite *hedge_test_suite_optimize(void) {
    Suite *s = suite_create("optimize");
    TCase *tc = tcase_create("admm");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, kkt_holds_on_random_problems);
    tcase_add_test(tc, separable_problems_are_exact);
    tcase_add_test(tc, infeasible_problems_are_recognised);
    tcase_add_test(tc, unbounded_problems_are_recognised);
    tcase_add_test(tc, warm_resolve_matches_cold_in_fewer_iterations);
    tcase_add_test(tc, updates_are_checked_and_applied);
    tcase_add_test(tc, limits_are_honoured);
    tcase_add_test(tc, oom_sweep_over_create_setup_and_solve);
    tcase_add_test(tc, solve_update_and_warm_start_never_allocate);
    tcase_add_test(tc, registry_lists_registers_and_dispatches);
    tcase_add_test(tc, linalg_kernels_agree_with_plain_loops);
    suite_add_tcase(s, tc);
    return s;
}
