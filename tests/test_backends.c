/*
 * Conformance of every optimizer backend this build has: the same problems on each backend that has the
 * capabilities they need (as hedge_backends() reports them), checked against things the backends do
 * not compute themselves:
 *   - linear programs with L1 terms: the KKT conditions written from the problem's definition, the
 *     duals' signs and sizes against finite differences of the optimum, and the backends against
 *     each other;
 *   - infeasible and unbounded families, each recognised every time, with certificates checked;
 *   - updates: a re-solve after updating every vector equals a fresh setup on the updated problem;
 *   - mixed-integer problems (backends with HEDGE_BACKEND_CAP_MIP): exhaustive enumeration of small
 *     integer problems, enumeration of the integer part with the continuous remainder solved by
 *     admm, knapsacks, and fixed-cost problems whose every configuration has a greedy answer;
 *   - allocation through the context (OOM sweeps), and for glpk its own allocator running out, its
 *     thread contract and the limits.
 * "glpk" is the plugin libhedge-glpk (GPL, so outside libhedge): built with GLPK, the runner links its
 * archive and every context of this suite registers it, as an application does. Without GLPK the
 * suite runs the admm part of everything above.
 */
#include "support/qptest.h"
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>
#include <hedge/sys/backend.h>

#if HEDGE_HAVE_GLPK
#include <hedge/sys/glpk.h>

#include "glpk_internal.h"
#include "optimize/qp_internal.h"

#include <glpk.h>
#endif

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_BACKENDS = 8 };

typedef struct backend_set {
    size_t count;
    const char *names[MAX_BACKENDS];
    uint64_t caps[MAX_BACKENDS];
} backend_set;

/* The backends of ctx that offer every capability in `need`, with all their capabilities. */
static backend_set backends_with(hedge_context *ctx, uint64_t need) {
    const char *names[MAX_BACKENDS];
    uint64_t caps[MAX_BACKENDS];
    size_t count = 0;
    ck_assert_status(hedge_backends(ctx, names, MAX_BACKENDS, &count, caps), HEDGE_OK);
    ck_assert_uint_le(count, MAX_BACKENDS);
    backend_set s = {0, {NULL}, {0}};
    for (size_t i = 0; i < count; i++)
        if ((caps[i] & need) == need) {
            s.names[s.count] = names[i];
            s.caps[s.count++] = caps[i];
        }
    return s;
}

static bool under_valgrind(void) { return getenv("HEDGE_UNDER_VALGRIND") != NULL; }

/* Offers the plugins built with the library in ctx: "glpk" when GLPK was found. */
static void register_plugins(hedge_context *ctx) {
#if HEDGE_HAVE_GLPK
    ck_assert_status(hedge_context_register_backend(ctx, hedge_glpk_backend()), HEDGE_OK);
#else
    (void)ctx;
#endif
}

/* A context without a log, with every backend this build has. */
static hedge_context *backend_context(void) {
    hedge_context *ctx = plain_context();
    register_plugins(ctx);
    return ctx;
}

/* Solves p (with integrality flags, or NULL) on a backend; the answer is in a. */
static void solve_on(hedge_context *ctx, const char *backend, const prob *p, const unsigned char *is_int,
                     const hedge_solver_options *o, answer *a) {
    hedge_qp *qp = prob_qp(ctx, p);
    if (is_int)
        ck_assert_status(hedge_qp_set_integer(qp, is_int), HEDGE_OK);
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, backend, qp, o), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(sv, &a->sol), HEDGE_OK);
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
}

/* ---- random linear programs ---- */

/* Row bounds around the point x0: equalities, two-sided and one-sided rows, and free ones. */
static void rows_around(prob *p, rng *r, const double *x0) {
    for (size_t i = 0; i < p->m; i++) {
        double ax = rowdot(p, i, x0), u = unif(r);
        p->lo[i] = -HUGE_VAL, p->hi[i] = HUGE_VAL;
        if (u < 0.2)
            p->lo[i] = p->hi[i] = ax;
        else if (u < 0.5)
            p->lo[i] = ax - 0.5 * unif(r), p->hi[i] = ax + 0.5 * unif(r);
        else if (u < 0.7)
            p->hi[i] = ax + 0.2 * unif(r);
        else if (u < 0.9)
            p->lo[i] = ax - 0.2 * unif(r);
    }
}

/*
 * A random feasible LP with L1 terms, built around a random point x0 (returned when x0 is not NULL):
 * fixed, boxed, one-sided and free variables, rows of every kind. A variable whose box is not
 * finite on both sides gets w_j > |c_j|, so the objective is bounded below and an optimum exists.
 * With `boxed`, every variable has a finite box.
 */
static void random_lp(prob *p, rng *r, size_t n, size_t m, bool boxed, double *x0_out) {
    prob_alloc(p, n, 0, m);
    double *x0 = malloc(n * sizeof(double));
    double scale = exp(2 * sym(r));
    for (size_t j = 0; j < n; j++) {
        x0[j] = 2 * sym(r);
        p->c[j] = scale * sym(r);
        p->w[j] = coin(r, 0.7) ? scale * unif(r) : 0.0;
        p->t[j] = coin(r, 0.5) ? x0[j] + 0.3 * sym(r) : 0.0;
        double u = unif(r);
        if (u < 0.1)
            p->lb[j] = p->ub[j] = x0[j];
        else if (u < 0.75 || boxed)
            p->lb[j] = x0[j] - 0.1 - unif(r), p->ub[j] = x0[j] + 0.1 + unif(r);
        else {
            if (u < 0.85)
                p->lb[j] = x0[j] - unif(r);
            else if (u < 0.95)
                p->ub[j] = x0[j] + unif(r);
            p->w[j] = fabs(p->c[j]) + scale * (0.1 + unif(r));
        }
    }
    for (size_t i = 0; i < m * n; i++)
        p->A[i] = coin(r, 0.7) ? sym(r) : 0.0;
    rows_around(p, r, x0);
    if (x0_out)
        memcpy(x0_out, x0, n * sizeof(double));
    free(x0);
}

static const size_t lp_shapes[][2] = {{1, 0}, {1, 1}, {4, 2}, {8, 3}, {12, 6}, {20, 8},
                                      {30, 15}, {25, 30}, {40, 10}, {60, 20}};
enum { N_LP_SHAPES = sizeof lp_shapes / sizeof lp_shapes[0] };

/* Every backend answers random LPs optimally, its answer meets the KKT conditions (duals with the
 * library's signs) to 1e-7 relative, reports the objective of its x, and the backends agree on the
 * optimum to 1e-7 relative. */
START_TEST(random_lps_meet_kkt_and_backends_agree) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_DUALS);
    ck_assert_uint_ge(bs.count, 1 + HEDGE_HAVE_GLPK);
    rng r = {20250101};
    int per_shape = under_valgrind() ? 2 : 12;
    kkt worst[MAX_BACKENDS];
    memset(worst, 0, sizeof worst);
    double worst_gap = 0;
    size_t solved = 0;
    for (size_t s = 0; s < N_LP_SHAPES; s++)
        for (int rep = 0; rep < per_shape; rep++) {
            prob p;
            random_lp(&p, &r, lp_shapes[s][0], lp_shapes[s][1], false, NULL);
            double first = 0;
            for (size_t b = 0; b < bs.count; b++) {
                answer a;
                answer_init(&a, p.n, p.m);
                solve_on(ctx, bs.names[b], &p, NULL, NULL, &a);
                ck_assert_msg(a.sol.status == HEDGE_SOLVE_OPTIMAL, "%s, shape %zu rep %d: status %d", bs.names[b], s,
                              rep, (int)a.sol.status);
                kkt c = kkt_check(&p, a.x, a.y, a.z);
                ck_assert_msg(c.stat <= 1e-7 && c.prim <= 1e-7 && c.comp <= 1e-7,
                              "%s, shape %zu rep %d: stationarity %g, primal %g, complementarity %g", bs.names[b], s,
                              rep, c.stat, c.prim, c.comp);
                ck_assert_close(a.sol.objective, objective(&p, a.x), 1e-10, 1e-12);
                ck_assert_double_le(a.sol.primal_residual, 1e-7 * (1 + fabs(a.sol.objective)));
                worst[b].stat = fmax(worst[b].stat, c.stat);
                worst[b].prim = fmax(worst[b].prim, c.prim);
                worst[b].comp = fmax(worst[b].comp, c.comp);
                if (b == 0)
                    first = a.sol.objective;
                else {
                    ck_assert_msg(test_close(a.sol.objective, first, 1e-7, 1e-9),
                                  "shape %zu rep %d: %s finds %.17g, %s %.17g", s, rep, bs.names[b], a.sol.objective,
                                  bs.names[0], first);
                    worst_gap = fmax(worst_gap, fabs(a.sol.objective - first) / fmax(1, fabs(first)));
                }
                answer_free(&a);
            }
            solved++;
            prob_free(&p);
        }
    for (size_t b = 0; b < bs.count; b++)
        printf("backends: %s on %zu random LPs: worst relative KKT residuals stationarity %.2g, primal %.2g, "
               "complementarity %.2g\n", bs.names[b], solved, worst[b].stat, worst[b].prim, worst[b].comp);
    printf("backends: largest relative difference of the optima between backends %.2g\n", worst_gap);
    hedge_context_destroy(ctx);
}
END_TEST

/* The optimum v(s) of the problem with one row's (or variable's) bounds shifted by s is convex in s,
 * and minus the dual of that row is a subgradient of v at 0 (the rate at which the optimum falls as
 * the constraint moves outwards), so it lies between the secant slopes on either side:
 * (v(0) - v(-d)) / d <= -y_i <= (v(d) - v(0)) / d, for any d. This checks the duals' signs and sizes
 * with nothing but more solves. */
START_TEST(duals_are_subgradients_of_the_optimum) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_DUALS);
    rng r = {777};
    int reps = under_valgrind() ? 2 : 12;
    const double d = 1e-3;
    size_t checked = 0;
    for (int rep = 0; rep < reps; rep++) {
        prob p;
        random_lp(&p, &r, 6 + (size_t)rep % 7, 2 + (size_t)rep % 5, false, NULL);
        for (size_t b = 0; b < bs.count; b++) {
            answer a0;
            answer_init(&a0, p.n, p.m);
            solve_on(ctx, bs.names[b], &p, NULL, NULL, &a0);
            ck_assert_int_eq(a0.sol.status, HEDGE_SOLVE_OPTIMAL);
            for (size_t k = 0; k < p.m + p.n; k++) {
                bool row = k < p.m;
                double *lo = row ? &p.lo[k] : &p.lb[k - p.m], *hi = row ? &p.hi[k] : &p.ub[k - p.m];
                double dual = row ? a0.y[k] : a0.z[k - p.m];
                if (isinf(*lo) && isinf(*hi))
                    continue;
                double v[2];
                bool ok = true;
                for (int side = 0; side < 2; side++) {
                    double s = side ? d : -d, lo0 = *lo, hi0 = *hi;
                    *lo += s, *hi += s;
                    answer a;
                    answer_init(&a, p.n, p.m);
                    solve_on(ctx, bs.names[b], &p, NULL, NULL, &a);
                    *lo = lo0, *hi = hi0;
                    ok &= a.sol.status == HEDGE_SOLVE_OPTIMAL;
                    v[side] = a.sol.objective;
                    answer_free(&a);
                }
                if (!ok)
                    continue; /* the shift made the problem infeasible */
                double left = (a0.sol.objective - v[0]) / d, right = (v[1] - a0.sol.objective) / d;
                double tol = 1e-6 * (1 + fabs(dual) + fabs(a0.sol.objective));
                ck_assert_msg(left - tol <= -dual && -dual <= right + tol,
                              "%s, rep %d, %s %zu: dual %.10g, secant slopes %.10g and %.10g", bs.names[b], rep,
                              row ? "row" : "variable", row ? k : k - p.m, dual, left, right);
                checked++;
            }
            answer_free(&a0);
        }
        prob_free(&p);
    }
    ck_assert_uint_gt(checked, 10);
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- infeasible and unbounded LPs ---- */

START_TEST(infeasible_lps_are_recognised_by_every_backend) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_L1);
    rng r = {99};
    int reps = under_valgrind() ? 6 : 45;
    for (int rep = 0; rep < reps; rep++) {
        size_t n = 3 + (size_t)(unif(&r) * 20), m = 2 + (size_t)(unif(&r) * 4);
        prob p;
        random_lp(&p, &r, n, m, true, NULL);
        int kind = rep % 3;
        if (kind == 0) { /* a row beyond what the box allows */
            double best = 0;
            for (size_t j = 0; j < n; j++) {
                double a = p.A[j] = sym(&r) + (p.A[j] == 0 ? 0.5 : 0);
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
        for (size_t b = 0; b < bs.count; b++) {
            answer a;
            answer_init(&a, n, m);
            solve_on(ctx, bs.names[b], &p, NULL, NULL, &a);
            ck_assert_msg(a.sol.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE, "%s, rep %d (kind %d): status %d",
                          bs.names[b], rep, kind, (int)a.sol.status);
            ck_assert(a.sol.objective == HUGE_VAL);
            if (bs.caps[b] & HEDGE_BACKEND_CAP_CERTIFICATES)
                check_primal_certificate(&p, &a);
            answer_free(&a);
        }
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * A venue cap written with epigraph columns: t_j >= |u_j| (rows t - u >= 0, t + u >= 0), t >= 0
 * cost-less and free above, sum s_j t_j <= C, and a band sum a_j u_j >= L with a_j <= s_j and
 * L > C: infeasible, since sum a u <= sum s |u| <= sum s t <= C. The u carry L1 costs (and a
 * diagonal on odd reps, for admm). Every backend must say so with a certificate. On admm these
 * free cost-less columns made the iterates' bound duals lag behind the row duals; the test that
 * completes the bound duals from the row duals recognises this family in a median of 460
 * iterations (the iterates' own took 1,865): the median is held under 1,000.
 */
START_TEST(infeasible_caps_with_costless_free_columns) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_L1);
    rng r = {2024};
    enum { REPS = 60 };
    size_t iters[REPS], n_admm = 0;
    int reps = under_valgrind() ? 6 : REPS;
    for (int rep = 0; rep < reps; rep++) {
        size_t k = 2 + (size_t)(unif(&r) * 4), n = 2 * k, m = 2 * k + 2;
        prob p;
        prob_alloc(&p, n, 0, m);
        double C = 1 + 4 * unif(&r);
        for (size_t j = 0; j < k; j++) {
            double sj = 0.5 + 1.5 * unif(&r);
            p.A[(2 * j) * n + k + j] = 1, p.A[(2 * j) * n + j] = -1, p.lo[2 * j] = 0;
            p.A[(2 * j + 1) * n + k + j] = 1, p.A[(2 * j + 1) * n + j] = 1, p.lo[2 * j + 1] = 0;
            p.A[(2 * k) * n + k + j] = sj;
            p.A[(2 * k + 1) * n + j] = sj * (0.8 + 0.2 * unif(&r));
            p.lb[j] = -10, p.ub[j] = 10, p.lb[k + j] = 0;
            p.w[j] = 0.01 + 0.09 * unif(&r);
            p.D[j] = rep % 2 ? unif(&r) : 0.0;
        }
        p.hi[2 * k] = C;
        p.lo[2 * k + 1] = C * (1.05 + 0.45 * unif(&r));
        for (size_t b = 0; b < bs.count; b++) {
            if (rep % 2 && !(bs.caps[b] & HEDGE_BACKEND_CAP_QP)) /* the odd reps are quadratic */
                continue;
            answer a;
            answer_init(&a, n, m);
            solve_on(ctx, bs.names[b], &p, NULL, NULL, &a);
            ck_assert_msg(a.sol.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE, "%s, rep %d: status %d", bs.names[b], rep,
                          (int)a.sol.status);
            if (bs.caps[b] & HEDGE_BACKEND_CAP_CERTIFICATES)
                check_primal_certificate(&p, &a);
            if (strcmp(bs.names[b], "admm") == 0)
                iters[n_admm++] = a.sol.iterations;
            answer_free(&a);
        }
        prob_free(&p);
    }
    qsort(iters, n_admm, sizeof iters[0], cmp_size);
    ck_assert_uint_eq(n_admm, (size_t)reps);
    printf("backends: infeasible caps with cost-less free columns: admm median %zu iterations, max %zu\n",
           iters[n_admm / 2], iters[n_admm - 1]);
    if (reps == REPS)
        ck_assert_uint_le(iters[n_admm / 2], 1000);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(unbounded_lps_are_recognised_by_every_backend) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_CERTIFICATES);
    rng r = {31337};
    int reps = under_valgrind() ? 6 : 45;
    for (int rep = 0; rep < reps; rep++) {
        size_t n = 4 + (size_t)(unif(&r) * 20), m = (size_t)(unif(&r) * 5);
        prob p;
        double *x0 = malloc(n * sizeof(double));
        random_lp(&p, &r, n, m, false, x0);
        /* j1 and j2 move together along equal columns of A, unbounded, with a linear cost that pays
         * more than the L1 terms charge; or j1 alone, bounded below, going up */
        size_t j1 = rng_next(&r) % n, j2 = (j1 + 1 + rng_next(&r) % (n - 1)) % n;
        p.lb[j1] = p.lb[j2] = -HUGE_VAL, p.ub[j1] = p.ub[j2] = HUGE_VAL;
        if (rep % 3 == 0) {
            for (size_t i = 0; i < m; i++)
                p.A[i * n + j1] = 0;
            p.lb[j1] = x0[j1] - unif(&r);
            p.c[j1] = -(p.w[j1] + 0.1 + unif(&r));
        } else {
            for (size_t i = 0; i < m; i++)
                p.A[i * n + j2] = p.A[i * n + j1];
            p.c[j1] = p.c[j2] - (p.w[j1] + p.w[j2] + 0.1 + unif(&r));
        }
        rows_around(&p, &r, x0); /* feasible again at x0 after the surgery */
        for (size_t b = 0; b < bs.count; b++) {
            answer a;
            answer_init(&a, n, m);
            solve_on(ctx, bs.names[b], &p, NULL, NULL, &a);
            ck_assert_msg(a.sol.status == HEDGE_SOLVE_DUAL_INFEASIBLE, "%s, rep %d: status %d", bs.names[b], rep,
                          (int)a.sol.status);
            ck_assert(a.sol.objective == -HUGE_VAL);
            check_dual_certificate(&p, &a);
            answer_free(&a);
        }
        free(x0);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- updates ---- */

/* Rounds of updates of every vector (bounds passing through infinite, rows and variables turned
 * into equalities, L1 terms switched on and off); after each, the re-solve must be optimal, meet the
 * KKT conditions and equal a fresh setup on the updated problem. A rejected update changes nothing. */
START_TEST(updates_then_resolve_equal_cold_solves) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_DUALS);
    rng r = {5};
    int rounds = under_valgrind() ? 3 : 10;
    for (size_t b = 0; b < bs.count; b++)
        for (int rep = 0; rep < (under_valgrind() ? 1 : 4); rep++) {
            size_t n = 8 + 6 * (size_t)rep, m = 3 + 2 * (size_t)rep;
            prob p;
            double *x0 = malloc(n * sizeof(double)), *ninf = malloc((n + m) * sizeof(double));
            for (size_t i = 0; i < n + m; i++)
                ninf[i] = -HUGE_VAL;
            random_lp(&p, &r, n, m, true, x0);
            hedge_qp *qp = prob_qp(ctx, &p);
            hedge_solver *sv = NULL;
            ck_assert_status(hedge_solver_create(&sv, ctx, bs.names[b], qp, NULL), HEDGE_OK);
            hedge_qp_destroy(qp);
            answer a, c;
            answer_init(&a, n, m);
            answer_init(&c, n, m);
            ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
            ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
            /* a lower bound above its upper bound is refused and changes nothing */
            double before = a.sol.objective, *bad = malloc(n * sizeof(double));
            for (size_t j = 0; j < n; j++)
                bad[j] = j == n / 2 ? p.ub[j] + 1 : p.lb[j];
            ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LB, bad), HEDGE_ERR_DOMAIN);
            free(bad);
            ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
            ck_assert_close(a.sol.objective, before, 1e-12, 1e-12);
            for (int round = 0; round < rounds; round++) {
                for (size_t j = 0; j < n; j++) {
                    x0[j] += 0.3 * sym(&r);
                    p.c[j] += 0.3 * sym(&r);
                    p.w[j] = coin(&r, 0.3) ? 0.0 : coin(&r, 0.5) ? p.w[j] : unif(&r);
                    p.t[j] = coin(&r, 0.5) ? x0[j] + 0.2 * sym(&r) : p.t[j];
                    double u = unif(&r);
                    p.lb[j] = u < 0.15 ? x0[j] : x0[j] - 0.1 - unif(&r);
                    p.ub[j] = u < 0.15 ? x0[j] : x0[j] + 0.1 + unif(&r);
                }
                rows_around(&p, &r, x0);
                /* lower bounds to -inf first, so that each step keeps lo <= hi */
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_L1_WEIGHT, p.w), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_L1_TARGET, p.t), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LB, ninf), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_UB, p.ub), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LB, p.lb), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_ROW_LO, ninf), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_ROW_HI, p.hi), HEDGE_OK);
                ck_assert_status(hedge_solver_update(sv, HEDGE_QP_ROW_LO, p.lo), HEDGE_OK);
                ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
                ck_assert_msg(a.sol.status == HEDGE_SOLVE_OPTIMAL, "%s rep %d round %d: status %d", bs.names[b], rep,
                              round, (int)a.sol.status);
                kkt k = kkt_check(&p, a.x, a.y, a.z);
                ck_assert_msg(k.stat <= 1e-7 && k.prim <= 1e-7 && k.comp <= 1e-7, "%s rep %d round %d: %g %g %g",
                              bs.names[b], rep, round, k.stat, k.prim, k.comp);
                solve_on(ctx, bs.names[b], &p, NULL, NULL, &c);
                ck_assert_int_eq(c.sol.status, HEDGE_SOLVE_OPTIMAL);
                ck_assert_msg(test_close(a.sol.objective, c.sol.objective, 1e-9, 1e-12),
                              "%s rep %d round %d: updated %.17g, fresh %.17g", bs.names[b], rep, round,
                              a.sol.objective, c.sol.objective);
            }
            answer_free(&a);
            answer_free(&c);
            hedge_solver_destroy(sv);
            free(x0);
            free(ninf);
            prob_free(&p);
        }
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- what backends without a capability refuse ---- */

/*
 * On LPs ADMM's path from the last answer can be longer than from zero (the old rho, the old
 * vertex's duals): admm restarts a warm solve from zero once it has run twice the last cold
 * solve's iterations. So a re-solve after a 1% cost change costs at most about three times the
 * larger of the two fresh solves, and converges whenever they do (before the restart: up to 9
 * times, and the iteration limit on a 300 x 200 LP whose fresh solve needed 24,000).
 */
START_TEST(admm_warm_lp_resolves_are_bounded_by_fresh_solves) {
    hedge_context *ctx = plain_context();
    rng r = {31337};
    int reps = under_valgrind() ? 3 : 30;
    double worst = 0;
    for (int rep = 0; rep < reps; rep++) {
        size_t n = 100, m = 60;
        prob p;
        random_lp(&p, &r, n, m, true, NULL);
        answer first, warm, fresh;
        answer_init(&first, n, m), answer_init(&warm, n, m), answer_init(&fresh, n, m);
        hedge_qp *qp = prob_qp(ctx, &p);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, "admm", qp, NULL), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &first.sol), HEDGE_OK);
        for (size_t j = 0; j < n; j++)
            p.c[j] *= 1 + 0.01 * sym(&r);
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &warm.sol), HEDGE_OK);
        solve_on(ctx, "admm", &p, NULL, NULL, &fresh);
        if (first.sol.status == HEDGE_SOLVE_OPTIMAL && fresh.sol.status == HEDGE_SOLVE_OPTIMAL) {
            double most = (double)(first.sol.iterations > fresh.sol.iterations ? first.sol.iterations
                                                                                : fresh.sol.iterations);
            ck_assert_msg(warm.sol.status == HEDGE_SOLVE_OPTIMAL, "rep %d: warm status %d", rep, (int)warm.sol.status);
            ck_assert_msg((double)warm.sol.iterations <= 4 * most + 200,
                          "rep %d: warm %zu iterations against %zu and %zu fresh", rep, warm.sol.iterations,
                          first.sol.iterations, fresh.sol.iterations);
            ck_assert(test_close(warm.sol.objective, fresh.sol.objective, 1e-6, 1e-9));
            worst = fmax(worst, (double)warm.sol.iterations / most);
        }
        hedge_solver_destroy(sv);
        hedge_qp_destroy(qp);
        answer_free(&first), answer_free(&warm), answer_free(&fresh);
        prob_free(&p);
    }
    printf("backends: admm warm LP re-solves: at most %.2f times the larger fresh solve\n", worst);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(capabilities_are_enforced) {
    hedge_context *ctx = backend_context();
    const char *names[MAX_BACKENDS];
    uint64_t caps[MAX_BACKENDS];
    size_t count = 0;
    ck_assert_status(hedge_backends(ctx, names, MAX_BACKENDS, &count, caps), HEDGE_OK);
    ck_assert_uint_ge(count, 1);
    ck_assert_str_eq(names[0], "admm");
#if HEDGE_HAVE_GLPK
    /* built with GLPK: the registered plugin follows the built-in admm, for linear and integer
     * problems only */
    ck_assert_uint_eq(count, 2);
    ck_assert_str_eq(names[1], "glpk");
    ck_assert_uint_eq(caps[1], HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_MIP | HEDGE_BACKEND_CAP_DUALS |
                                   HEDGE_BACKEND_CAP_CERTIFICATES);
#else
    for (size_t i = 0; i < count; i++)
        ck_assert_str_ne(names[i], "glpk");
#endif
    /* each backend refuses what it lacks: a diagonal, a factor, integers */
    hedge_qp *qd = NULL, *qf = NULL, *qi = NULL;
    double D[3] = {0, 1, 0}, F[3] = {0, 0, 0};
    unsigned char ints[3] = {0, 0, 1};
    ck_assert_status(hedge_qp_create(&qd, ctx, 3, 0, 1), HEDGE_OK);
    ck_assert_status(hedge_qp_set(qd, HEDGE_QP_DIAGONAL, D), HEDGE_OK);
    ck_assert_status(hedge_qp_create(&qf, ctx, 3, 1, 0), HEDGE_OK);
    ck_assert_status(hedge_qp_set_factor(qf, F, 3), HEDGE_OK); /* k > 0 even with F = 0 */
    ck_assert_status(hedge_qp_create(&qi, ctx, 3, 0, 0), HEDGE_OK);
    ck_assert_status(hedge_qp_set_integer(qi, ints), HEDGE_OK);
    for (size_t i = 0; i < count; i++) {
        hedge_solver *sv = NULL;
        hedge_status want = caps[i] & HEDGE_BACKEND_CAP_QP ? HEDGE_OK : HEDGE_ERR_UNSUPPORTED;
        ck_assert_status(hedge_solver_create(&sv, ctx, names[i], qd, NULL), want);
        hedge_solver_destroy(sv);
        sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, names[i], qf, NULL), want);
        hedge_solver_destroy(sv);
        sv = NULL;
        want = caps[i] & HEDGE_BACKEND_CAP_MIP ? HEDGE_OK : HEDGE_ERR_UNSUPPORTED;
        ck_assert_status(hedge_solver_create(&sv, ctx, names[i], qi, NULL), want);
        if (want == HEDGE_OK)
            ck_assert_str_eq(hedge_solver_backend(sv), names[i]);
        hedge_solver_destroy(sv);
    }
    hedge_qp_destroy(qd);
    hedge_qp_destroy(qf);
    hedge_qp_destroy(qi);
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- mixed-integer problems ---- */

/* The KKT conditions of the LP left when the integer variables are fixed at their values: what a
 * mixed-integer answer's duals promise (optimize.h). */
static kkt fixed_kkt(const prob *p, const unsigned char *is_int, const answer *a) {
    prob f = *p;
    double *lb = malloc(p->n * sizeof(double)), *ub = malloc(p->n * sizeof(double));
    for (size_t j = 0; j < p->n; j++) {
        lb[j] = is_int[j] ? a->x[j] : p->lb[j];
        ub[j] = is_int[j] ? a->x[j] : p->ub[j];
    }
    f.lb = lb, f.ub = ub;
    kkt k = kkt_check(&f, a->x, a->y, a->z);
    free(lb), free(ub);
    return k;
}

/* x is integer where flagged and within tol (relative to the bound, or absolute below 1) of every
 * row and bound. */
static double slack(double bound, double tol) { return isfinite(bound) ? tol * (1 + fabs(bound)) : 0.0; }

static void check_mip_point(const prob *p, const unsigned char *is_int, const double *x, double tol) {
    for (size_t j = 0; j < p->n; j++) {
        if (is_int[j])
            ck_assert_msg(x[j] == round(x[j]), "x[%zu] = %.17g is not integer", j, x[j]);
        ck_assert(x[j] >= p->lb[j] - slack(p->lb[j], tol) && x[j] <= p->ub[j] + slack(p->ub[j], tol));
    }
    for (size_t i = 0; i < p->m; i++) {
        double ax = rowdot(p, i, x);
        ck_assert_msg(ax >= p->lo[i] - slack(p->lo[i], tol) && ax <= p->hi[i] + slack(p->hi[i], tol),
                      "row %zu: %.17g outside [%.17g, %.17g]", i, ax, p->lo[i], p->hi[i]);
    }
}

/* Calls fn on every integer point of the box [ceil(lb), floor(ub)] of the variables flagged in
 * is_int (the others left as they are in x). */
static void enumerate(const prob *p, const unsigned char *is_int, double *x, size_t j,
                      void (*fn)(const prob *, double *, void *), void *payload) {
    while (j < p->n && !is_int[j])
        j++;
    if (j == p->n) {
        fn(p, x, payload);
        return;
    }
    for (double v = ceil(p->lb[j]); v <= floor(p->ub[j]); v++) {
        x[j] = v;
        enumerate(p, is_int, x, j + 1, fn, payload);
    }
}

typedef struct best {
    double value;
    size_t points;
} best;

static void pure_visit(const prob *p, double *x, void *payload) {
    best *b = payload;
    b->points++;
    for (size_t i = 0; i < p->m; i++) {
        double ax = rowdot(p, i, x);
        if (ax < p->lo[i] - 1e-9 || ax > p->hi[i] + 1e-9)
            return;
    }
    b->value = fmin(b->value, objective(p, x));
}

/* Pure integer problems in small boxes (some bounds fractional), integer costs and rows, targets on
 * halves: every integer point is enumerated; the backend's optimum must equal the best of them
 * (objectives here are multiples of 1/2, so ties are exact), or it must say infeasible when no
 * point is feasible. A fifth of the problems have a row a'x = b + 1/2 that integer points cannot
 * meet while the relaxation can. */
START_TEST(pure_integer_programs_match_enumeration) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_MIP | HEDGE_BACKEND_CAP_L1);
    rng r = {424242};
    int reps = under_valgrind() ? 8 : 60, infeasible = 0;
    for (int rep = 0; rep < reps; rep++) {
        size_t n = 3 + (size_t)rep % 4, m = 1 + (size_t)rep % 3;
        prob p;
        prob_alloc(&p, n, 0, m);
        unsigned char is_int[6];
        double xr[6];
        for (size_t j = 0; j < n; j++) {
            is_int[j] = 1;
            p.lb[j] = floor(4 * sym(&r)) + (coin(&r, 0.3) ? 0.5 : 0.0);
            p.ub[j] = p.lb[j] + floor(1 + 4 * unif(&r)) + (coin(&r, 0.3) ? 0.25 : 0.0);
            xr[j] = ceil(p.lb[j]) + floor(unif(&r) * (floor(p.ub[j]) - ceil(p.lb[j]) + 1));
            p.c[j] = floor(11 * unif(&r)) - 5;
            p.w[j] = coin(&r, 0.5) ? floor(4 * unif(&r)) : 0;
            p.t[j] = floor(8 * sym(&r)) / 2;
        }
        for (size_t i = 0; i < m; i++) {
            for (size_t j = 0; j < n; j++)
                p.A[i * n + j] = floor(7 * unif(&r)) - 3;
            double ax = rowdot(&p, i, xr), u = unif(&r);
            if (u < 0.25)
                p.lo[i] = p.hi[i] = ax;
            else if (u < 0.5)
                p.hi[i] = ax + floor(3 * unif(&r));
            else if (u < 0.75)
                p.lo[i] = ax - floor(3 * unif(&r));
            else
                p.lo[i] = ax - 1.5, p.hi[i] = ax + 0.5;
        }
        if (rep % 5 == 4)
            p.lo[0] = p.hi[0] = rowdot(&p, 0, xr) + 0.5;
        double *x = calloc(n, sizeof(double));
        best bb = {HUGE_VAL, 0};
        enumerate(&p, is_int, x, 0, pure_visit, &bb);
        free(x);
        for (size_t b = 0; b < bs.count; b++) {
            answer a;
            answer_init(&a, n, m);
            solve_on(ctx, bs.names[b], &p, is_int, NULL, &a);
            if (bb.value == HUGE_VAL) {
                ck_assert_msg(a.sol.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE, "%s rep %d: status %d, enumeration "
                              "found no feasible point", bs.names[b], rep, (int)a.sol.status);
                infeasible += b == 0;
            } else {
                ck_assert_msg(a.sol.status == HEDGE_SOLVE_OPTIMAL, "%s rep %d: status %d", bs.names[b], rep,
                              (int)a.sol.status);
                check_mip_point(&p, is_int, a.x, 1e-9);
                ck_assert_msg(fabs(a.sol.objective - bb.value) <= 1e-9 * (1 + fabs(bb.value)),
                              "%s rep %d: objective %.17g, enumeration %.17g over %zu points", bs.names[b], rep,
                              a.sol.objective, bb.value, bb.points);
                ck_assert_close(objective(&p, a.x), bb.value, 1e-12, 1e-9);
                kkt k = fixed_kkt(&p, is_int, &a);
                ck_assert_msg(k.stat <= 1e-7 && k.prim <= 1e-7 && k.comp <= 1e-7, "%s rep %d: fixed KKT %g %g %g",
                              bs.names[b], rep, k.stat, k.prim, k.comp);
            }
            answer_free(&a);
        }
        prob_free(&p);
    }
    if (bs.count)
        ck_assert_int_ge(infeasible, reps / 5);
    hedge_context_destroy(ctx);
}
END_TEST

typedef struct mixed_best {
    hedge_context *ctx;
    const unsigned char *is_int;
    double value;
    size_t solves;
} mixed_best;

/* The continuous remainder of one integer point, solved by admm with the integers fixed. */
static void mixed_visit(const prob *p, double *x, void *payload) {
    mixed_best *mb = payload;
    prob f = *p;
    double *lb = malloc(p->n * sizeof(double)), *ub = malloc(p->n * sizeof(double));
    for (size_t j = 0; j < p->n; j++) {
        lb[j] = mb->is_int[j] ? x[j] : p->lb[j];
        ub[j] = mb->is_int[j] ? x[j] : p->ub[j];
    }
    f.lb = lb, f.ub = ub;
    answer a;
    answer_init(&a, p->n, p->m);
    solve_on(mb->ctx, "admm", &f, NULL, NULL, &a);
    ck_assert(a.sol.status == HEDGE_SOLVE_OPTIMAL || a.sol.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE);
    if (a.sol.status == HEDGE_SOLVE_OPTIMAL)
        mb->value = fmin(mb->value, a.sol.objective);
    mb->solves++;
    answer_free(&a);
    free(lb), free(ub);
}

/* Mixed problems: two or three integer variables in small boxes and continuous ones; the integer
 * part is enumerated and for each integer point the continuous remainder is solved by admm (an
 * independent method). The backend's optimum must equal the best of them. */
START_TEST(mixed_integer_programs_match_enumeration_with_admm) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_MIP | HEDGE_BACKEND_CAP_L1);
    rng r = {8080};
    int reps = under_valgrind() ? 3 : 25;
    for (int rep = 0; rep < reps && bs.count; rep++) {
        size_t n = 5 + (size_t)rep % 3, m = 2 + (size_t)rep % 2;
        prob p;
        double *x0 = malloc(n * sizeof(double));
        random_lp(&p, &r, n, m, true, x0);
        unsigned char *is_int = calloc(n, 1);
        for (size_t j = 0; j < 2 + (size_t)rep % 2; j++) {
            size_t k = (j * 2 + (size_t)rep) % n;
            is_int[k] = 1;
            x0[k] = round(x0[k]);
            p.lb[k] = x0[k] - floor(1 + 2 * unif(&r)), p.ub[k] = x0[k] + floor(3 * unif(&r));
        }
        rows_around(&p, &r, x0); /* feasible at the integer point x0 */
        mixed_best mb = {ctx, is_int, HUGE_VAL, 0};
        double *x = calloc(n, sizeof(double));
        enumerate(&p, is_int, x, 0, mixed_visit, &mb);
        free(x);
        ck_assert(isfinite(mb.value));
        for (size_t b = 0; b < bs.count; b++) {
            answer a;
            answer_init(&a, n, m);
            solve_on(ctx, bs.names[b], &p, is_int, NULL, &a);
            ck_assert_msg(a.sol.status == HEDGE_SOLVE_OPTIMAL, "%s rep %d: status %d", bs.names[b], rep,
                          (int)a.sol.status);
            check_mip_point(&p, is_int, a.x, 1e-8);
            ck_assert_msg(test_close(a.sol.objective, mb.value, 1e-7, 1e-9),
                          "%s rep %d: objective %.17g, enumeration with admm %.17g over %zu integer points",
                          bs.names[b], rep, a.sol.objective, mb.value, mb.solves);
            kkt k = fixed_kkt(&p, is_int, &a);
            ck_assert_msg(k.stat <= 1e-7 && k.prim <= 1e-7 && k.comp <= 1e-7, "%s rep %d: fixed KKT %g %g %g",
                          bs.names[b], rep, k.stat, k.prim, k.comp);
            answer_free(&a);
        }
        free(is_int);
        free(x0);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* 0-1 knapsacks with one or two capacity rows (maximise value: minimise minus it), every subset
 * enumerated. */
START_TEST(knapsacks_match_enumeration) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_MIP);
    rng r = {1234};
    int reps = under_valgrind() ? 2 : 8;
    for (int rep = 0; rep < reps && bs.count; rep++) {
        size_t n = 10 + (size_t)rep % 5, m = 1 + (size_t)rep % 2;
        prob p;
        prob_alloc(&p, n, 0, m);
        unsigned char is_int[16];
        for (size_t j = 0; j < n; j++) {
            is_int[j] = 1;
            p.lb[j] = 0, p.ub[j] = 1;
            p.c[j] = -floor(1 + 30 * unif(&r));
        }
        for (size_t i = 0; i < m; i++) {
            double total = 0;
            for (size_t j = 0; j < n; j++)
                total += p.A[i * n + j] = floor(1 + 20 * unif(&r));
            p.hi[i] = floor((0.3 + 0.3 * unif(&r)) * total);
        }
        double bestv = HUGE_VAL;
        for (unsigned long set = 0; set < 1ul << n; set++) {
            double x[16], v = 0;
            bool ok = true;
            for (size_t j = 0; j < n; j++)
                x[j] = (double)((set >> j) & 1);
            for (size_t i = 0; i < m; i++)
                ok &= rowdot(&p, i, x) <= p.hi[i];
            for (size_t j = 0; j < n; j++)
                v += p.c[j] * x[j];
            if (ok)
                bestv = fmin(bestv, v);
        }
        for (size_t b = 0; b < bs.count; b++) {
            answer a;
            answer_init(&a, n, m);
            solve_on(ctx, bs.names[b], &p, is_int, NULL, &a);
            ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
            check_mip_point(&p, is_int, a.x, 0);
            ck_assert_msg(test_close(a.sol.objective, bestv, 1e-12, 1e-12), "%s rep %d: value %.17g, enumeration %g",
                          bs.names[b], rep, -a.sol.objective, -bestv);
            answer_free(&a);
        }
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* Fixed-cost supply: K sources, amounts y_k in [0, U_k] costing c_k each plus f_k if source k is open
 * (b_k = 1, binary; rows y_k - U_k b_k <= 0), demand sum y >= dem. For each set of open sources the
 * continuous part has a greedy answer (cheapest first), so every configuration is priced exactly. */
START_TEST(fixed_cost_problems_match_enumeration) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_MIP);
    rng r = {5150};
    int reps = under_valgrind() ? 2 : 12;
    for (int rep = 0; rep < reps && bs.count; rep++) {
        size_t K = 4 + (size_t)rep % 4, n = 2 * K, m = K + 1;
        prob p;
        prob_alloc(&p, n, 0, m);
        unsigned char is_int[16] = {0};
        double U[8], cap = 0;
        for (size_t k = 0; k < K; k++) {
            U[k] = 1 + 9 * unif(&r);
            cap += U[k];
            p.lb[k] = 0, p.ub[k] = U[k];
            p.c[k] = 0.5 + 3 * unif(&r);
            p.lb[K + k] = 0, p.ub[K + k] = 1, is_int[K + k] = 1;
            p.c[K + k] = 20 * unif(&r);
            p.A[k * n + k] = 1, p.A[k * n + K + k] = -U[k];
            p.hi[k] = 0;
            p.A[K * n + k] = 1;
        }
        double dem = (0.2 + 0.6 * unif(&r)) * cap;
        p.lo[K] = dem;
        double bestv = HUGE_VAL;
        for (unsigned set = 0; set < 1u << K; set++) {
            double v = 0, left = dem, open_cap = 0;
            size_t order[8], cnt = 0;
            for (size_t k = 0; k < K; k++)
                if (set >> k & 1) {
                    v += p.c[K + k];
                    open_cap += U[k];
                    order[cnt++] = k;
                }
            if (open_cap < dem)
                continue;
            for (size_t a = 0; a < cnt; a++) /* cheapest first */
                for (size_t b2 = a + 1; b2 < cnt; b2++)
                    if (p.c[order[b2]] < p.c[order[a]]) {
                        size_t t = order[a];
                        order[a] = order[b2], order[b2] = t;
                    }
            for (size_t a = 0; a < cnt && left > 0; a++) {
                double y = fmin(U[order[a]], left);
                v += p.c[order[a]] * y;
                left -= y;
            }
            bestv = fmin(bestv, v);
        }
        for (size_t b = 0; b < bs.count; b++) {
            answer a;
            answer_init(&a, n, m);
            solve_on(ctx, bs.names[b], &p, is_int, NULL, &a);
            ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
            /* glpk's vertices are exact; admm's relaxations meet their tolerances (1e-9) */
            check_mip_point(&p, is_int, a.x, 1e-8);
            ck_assert_msg(test_close(a.sol.objective, bestv, 1e-8, 1e-8), "%s rep %d: cost %.17g, enumeration %.17g",
                          bs.names[b], rep, a.sol.objective, bestv);
            kkt k = fixed_kkt(&p, is_int, &a);
            ck_assert_msg(k.stat <= 1e-7 && k.prim <= 1e-7 && k.comp <= 1e-7, "%s rep %d: fixed KKT %g %g %g",
                          bs.names[b], rep, k.stat, k.prim, k.comp);
            answer_free(&a);
        }
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* Integer problems that are infeasible or unbounded for each of the reasons a backend meets. */
START_TEST(integer_infeasibility_and_unboundedness) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_MIP);
    for (size_t b = 0; b < bs.count; b++) {
        const char *be = bs.names[b];
        /* admm's branch and bound reports an unbounded relaxation as unbounded without deciding
         * whether an integer point exists; its suite (miqp) holds its own contract */
        if (strcmp(be, "admm") == 0)
            continue;
        prob p;
        answer a;
        unsigned char ints[4] = {1, 1, 0, 0};
        /* parity: 2 x0 + 2 x1 = 3 has real solutions in the box, no integer one */
        prob_alloc(&p, 3, 0, 1);
        for (int j = 0; j < 3; j++)
            p.lb[j] = -10, p.ub[j] = 10, p.c[j] = 1;
        p.A[0] = 2, p.A[1] = 2;
        p.lo[0] = p.hi[0] = 3;
        answer_init(&a, 3, 1);
        solve_on(ctx, be, &p, ints, NULL, &a);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_PRIMAL_INFEASIBLE);
        ck_assert(a.sol.objective == HUGE_VAL);
        /* ... and again with x2 free and paid to grow: the relaxation is unbounded, still no point */
        p.lb[2] = -HUGE_VAL, p.ub[2] = HUGE_VAL, p.c[2] = -1;
        solve_on(ctx, be, &p, ints, NULL, &a);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_PRIMAL_INFEASIBLE);
        /* with 2 x0 + 2 x1 = 4 the integer points exist: unbounded, along x2 */
        p.lo[0] = p.hi[0] = 4;
        solve_on(ctx, be, &p, ints, NULL, &a);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_DUAL_INFEASIBLE);
        ck_assert(a.sol.objective == -HUGE_VAL);
        check_dual_certificate(&p, &a);
        /* an integer variable going up without bound */
        p.lb[2] = 0, p.ub[2] = 5, p.c[2] = 1;
        p.ub[0] = HUGE_VAL, p.A[0] = 0, p.c[0] = -1;
        solve_on(ctx, be, &p, ints, NULL, &a);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_DUAL_INFEASIBLE);
        check_dual_certificate(&p, &a);
        ck_assert_double_eq(a.x[0], 1);
        /* an integer variable whose box holds no integer */
        p.ub[0] = 10, p.A[0] = 2;
        p.lb[1] = 0.2, p.ub[1] = 0.8;
        solve_on(ctx, be, &p, ints, NULL, &a);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_PRIMAL_INFEASIBLE);
        /* the relaxation itself infeasible: a certificate on the original bounds */
        p.lb[1] = 0, p.ub[1] = 1, p.lb[0] = 0, p.ub[0] = 1;
        p.lo[0] = p.hi[0] = 5;
        solve_on(ctx, be, &p, ints, NULL, &a);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_PRIMAL_INFEASIBLE);
        check_primal_certificate(&p, &a);
        answer_free(&a);
        prob_free(&p);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* ---- allocation through the context ---- */

typedef struct oom_case {
    const char *backend;
    bool integer;
} oom_case;

static hedge_status oom_run(hedge_context *ctx, void *payload) {
    if (!ctx)
        return HEDGE_ERR_NOMEM;
    const oom_case *oc = payload;
    register_plugins(ctx); /* copies the table into the context: no allocation */
    rng r = {17};
    prob p;
    random_lp(&p, &r, 8, 4, true, NULL);
    unsigned char ints[8] = {1, 0, 1, 0, 0, 0, 0, 0};
    hedge_qp *qp = NULL;
    hedge_solver *sv = NULL;
    answer a;
    answer_init(&a, p.n, p.m);
    hedge_status st = hedge_qp_create(&qp, ctx, p.n, 0, p.m);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_LINEAR, p.c);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_L1_WEIGHT, p.w);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_UB, p.ub);
    if (!st)
        st = hedge_qp_set(qp, HEDGE_QP_LB, p.lb);
    if (!st)
        st = hedge_qp_set_rows(qp, p.A, p.n);
    if (!st && oc->integer)
        st = hedge_qp_set_integer(qp, ints);
    if (!st)
        st = hedge_solver_create(&sv, ctx, oc->backend, qp, NULL);
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

START_TEST(oom_sweeps_over_every_backend) {
    hedge_context *ctx = backend_context();
    backend_set bs = backends_with(ctx, HEDGE_BACKEND_CAP_L1);
    for (size_t i = 0; i < bs.count; i++) {
        oom_case oc = {bs.names[i], false};
        ck_assert_int_gt(test_oom_sweep(oom_run, &oc), 1);
        if (bs.caps[i] & HEDGE_BACKEND_CAP_MIP) {
            oc.integer = true;
            ck_assert_int_gt(test_oom_sweep(oom_run, &oc), 1);
        }
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* After setup nothing goes through the context's allocator: solves, updates and warm starts run
 * with every allocation refused (GLPK's own allocations are outside the context; see optimize.h). */
START_TEST(solve_update_and_warm_start_allocate_nothing_through_the_context) {
    hedge_context *probe = backend_context();
    backend_set bs = backends_with(probe, HEDGE_BACKEND_CAP_L1);
    hedge_context_destroy(probe);
    for (size_t b = 0; b < bs.count; b++) {
        test_allocator al;
        test_allocator_reset(&al, 0);
        hedge_context *ctx = NULL;
        ck_assert_status(test_context_create(&ctx, &al), HEDGE_OK);
        register_plugins(ctx);
        rng r = {77};
        prob p;
        random_lp(&p, &r, 15, 6, true, NULL);
        hedge_qp *qp = prob_qp(ctx, &p);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, bs.names[b], qp, NULL), HEDGE_OK);
        hedge_qp_destroy(qp);
        al.fail_at = al.calls + 1;
        al.sticky = true;
        answer a;
        answer_init(&a, p.n, p.m);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        for (size_t j = 0; j < p.n; j++)
            p.c[j] *= 1.01;
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_status(hedge_solver_warm_start(sv, a.x, a.y), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_int_eq(al.failures, 0);
        answer_free(&a);
        hedge_solver_destroy(sv);
        hedge_context_destroy(ctx);
        ck_assert_int_eq(al.live_blocks, 0);
        ck_assert_int_eq(al.bad_frees, 0);
        prob_free(&p);
    }
}
END_TEST

#if HEDGE_HAVE_GLPK

/* ---- glpk: the basis carried between solves, limits, its allocator, threads ---- */

/* A re-solve starts from the last basis: unchanged, it takes no simplex iteration; after a small
 * change of the costs it takes fewer than a fresh setup needs (in total over the problems). An
 * explicit warm start is accepted and changes nothing. */
START_TEST(glpk_resolves_start_from_the_last_basis) {
    hedge_context *ctx = backend_context();
    rng r = {2718};
    size_t warm = 0, cold = 0;
    for (int rep = 0; rep < 10; rep++) {
        prob p;
        random_lp(&p, &r, 40, 20, rep % 2 == 0, NULL);
        hedge_qp *qp = prob_qp(ctx, &p);
        hedge_solver *sv = NULL;
        ck_assert_status(hedge_solver_create(&sv, ctx, "glpk", qp, NULL), HEDGE_OK);
        hedge_qp_destroy(qp);
        answer a, c;
        answer_init(&a, p.n, p.m);
        answer_init(&c, p.n, p.m);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_uint_gt(a.sol.iterations, 0);
        double first = a.sol.objective;
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_uint_eq(a.sol.iterations, 0);
        ck_assert_close(a.sol.objective, first, 1e-10, 1e-12); /* the same basis, factorised afresh */
        ck_assert_status(hedge_solver_warm_start(sv, NULL, NULL), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        ck_assert_uint_eq(a.sol.iterations, 0);
        for (size_t j = 0; j < p.n; j++)
            p.c[j] += 0.05 * sym(&r) * (1 + fabs(p.c[j]));
        ck_assert_status(hedge_solver_update(sv, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
        ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
        solve_on(ctx, "glpk", &p, NULL, NULL, &c);
        ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_close(a.sol.objective, c.sol.objective, 1e-9, 1e-12);
        warm += a.sol.iterations;
        cold += c.sol.iterations;
        answer_free(&a);
        answer_free(&c);
        hedge_solver_destroy(sv);
        prob_free(&p);
    }
    printf("backends: glpk simplex iterations after a 5%% change of the costs: %zu from the last basis, %zu "
           "fresh\n", warm, cold);
    ck_assert_uint_lt(2 * warm, cold);
    hedge_context_destroy(ctx);
}
END_TEST

/* Jeroslow's knapsack: maximise sum 2 x_j subject to sum 2 x_j <= n + 1, x binary. No subset
 * reaches the relaxation's bound until branching has fixed about half of the items, so branch and
 * bound without cuts needs exponentially many nodes. The values get a little noise (2 + 1e-3 u_j):
 * with equal integer values GLPK proves the optimum at once from the objective's integrality. */
static void jeroslow(prob *p, unsigned char *is_int, size_t n, rng *r) {
    prob_alloc(p, n, 0, 1);
    for (size_t j = 0; j < n; j++) {
        p->lb[j] = 0, p->ub[j] = 1, p->c[j] = -(2 + 1e-3 * unif(r)), p->A[j] = 2;
        is_int[j] = 1;
    }
    p->hi[0] = (double)n + 1;
}

START_TEST(glpk_honours_iteration_and_time_limits) {
    hedge_context *ctx = backend_context();
    rng r = {11};
    prob p;
    random_lp(&p, &r, 60, 30, true, NULL);
    answer a;
    answer_init(&a, 60, 30);
    solve_on(ctx, "glpk", &p, NULL, NULL, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_uint_gt(a.sol.iterations, 3);
    hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
    o.max_iter = 3;
    solve_on(ctx, "glpk", &p, NULL, &o, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_ITERATION_LIMIT);
    ck_assert_uint_le(a.sol.iterations, 3);
    ck_assert(isfinite(a.sol.objective));
    answer_free(&a);
    prob_free(&p);
    /* an LP that takes about 150 ms (and 1,300 iterations) on a 2020s core, stopped after 5 ms */
    random_lp(&p, &r, 300, 200, true, NULL);
    answer_init(&a, 300, 200);
    o.max_iter = 100000000;
    o.time_limit_s = 0.005;
    solve_on(ctx, "glpk", &p, NULL, &o, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_TIME_LIMIT);
    ck_assert_double_lt(a.sol.solve_time_s, 1.0);
    o.time_limit_s = 0;
    answer_free(&a);
    prob_free(&p);

    unsigned char is_int[40];
    jeroslow(&p, is_int, 40, &r);
    answer_init(&a, 40, 1);
    o.max_iter = 200;
    solve_on(ctx, "glpk", &p, is_int, &o, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_ITERATION_LIMIT);
    ck_assert_uint_le(a.sol.iterations, 200 + 40); /* checked between nodes: one node's LP may overrun */
    o.max_iter = 100000000;
    o.time_limit_s = 0.05;
    solve_on(ctx, "glpk", &p, is_int, &o, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_TIME_LIMIT);
    ck_assert_double_lt(a.sol.solve_time_s, 1.0);
    /* stopped with an incumbent: x is that integer point */
    for (size_t j = 0; j < 40; j++)
        ck_assert(a.x[j] == 0 || a.x[j] == 1);
    ck_assert_double_le(rowdot(&p, 0, a.x), p.hi[0]);
    /* the node limit, counted on GLPK's tree (which grows by two nodes a branching) */
    o.time_limit_s = 0;
    o.max_nodes = 25;
    solve_on(ctx, "glpk", &p, is_int, &o, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_ITERATION_LIMIT);
    ck_assert_uint_ge(a.sol.nodes, 25);
    ck_assert_uint_le(a.sol.nodes, 27);
    /* a gap of 10%: the first incumbents (20 items, about 40 against the relaxation's 41) end it */
    o.max_nodes = 100000;
    o.mip_gap = 0.1;
    solve_on(ctx, "glpk", &p, is_int, &o, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_uint_ge(a.sol.nodes, 1);
    ck_assert_uint_le(a.sol.nodes, 200);
    ck_assert_double_le(a.sol.objective, -0.9 * 40);
    ck_assert_double_le(rowdot(&p, 0, a.x), p.hi[0]);
    answer_free(&a);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* The plugin's test hook on a solver: false unless the solver runs on glpk. */
static bool glpk_mem_limit(hedge_solver *sv, int megabytes) {
    if (!sv || sv->backend.setup != hedge_glpk_backend()->setup)
        return false;
    hedge__glpk_test_mem_limit(sv->state, megabytes);
    return true;
}

typedef struct log_capture {
    char text[2048];
    size_t len;
} log_capture;

static void capture(void *user, hedge_log_level level, const char *message) {
    log_capture *c = user;
    int n = snprintf(c->text + c->len, sizeof c->text - c->len, "%d %s\n", (int)level, message);
    if (n > 0)
        c->len = c->len + (size_t)n < sizeof c->text ? c->len + (size_t)n : sizeof c->text - 1;
}

/* GLPK's own allocator running out inside a solve (its limit set low) is a status, not abort(): the
 * solve returns HEDGE_ERR_NOMEM, whose error detail names the backend while GLPK's own words reach
 * the context's log, leaks nothing (valgrind and ASan runs check), and the solver works once the
 * limit is lifted. */
START_TEST(glpk_running_out_of_memory_is_a_status) {
    log_capture log = {{0}, 0};
    hedge_context_options co = HEDGE_CONTEXT_OPTIONS_INIT;
    co.log = capture;
    co.log_user = &log;
    co.log_level = HEDGE_LOG_ERROR;
    hedge_context *ctx = NULL;
    ck_assert_status(hedge_context_create(&ctx, &co), HEDGE_OK);
    register_plugins(ctx);
    rng r = {4};
    prob p;
    random_lp(&p, &r, 300, 200, true, NULL);
    hedge_qp *qp = prob_qp(ctx, &p);
    hedge_solver *sv = NULL;
    ck_assert_status(hedge_solver_create(&sv, ctx, "glpk", qp, NULL), HEDGE_OK);
    hedge_qp_destroy(qp);
    ck_assert(glpk_mem_limit(sv, 1));
    answer a;
    answer_init(&a, p.n, p.m);
    ck_assert_uint_eq(log.len, 0);
    ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_ERR_NOMEM);
    ck_assert_str_eq(hedge_error_message(), "hedge_solver_solve: backend glpk failed: out of memory");
    ck_assert_ptr_nonnull(strstr(log.text, "memory allocation limit exceeded")); /* GLPK's words */
    ck_assert_ptr_nonnull(strstr(log.text, "glpk: GLPK stopped"));
    ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_ERR_NOMEM); /* and again, cleanly */
    ck_assert(glpk_mem_limit(sv, 0));
    ck_assert_status(hedge_solver_solve(sv, &a.sol), HEDGE_OK);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
    hedge_solver_destroy(sv);
    /* the hook is refused for another backend's solver */
    qp = prob_qp(ctx, &p);
    ck_assert_status(hedge_solver_create(&sv, ctx, "admm", qp, NULL), HEDGE_OK);
    ck_assert(!glpk_mem_limit(sv, 1));
    ck_assert(!glpk_mem_limit(NULL, 1));
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    answer_free(&a);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* A hedge LP from the sample market: six candidates, the collateral limit alone, no risk or impact
 * terms. Not trading meets the limit, so the cheapest hedge costs nothing. Its margin rows hold
 * entries from 1e-10 (rounding noise) to 1e6, and on them GLPK's scaled simplex called a vertex
 * costing 46505 USD optimal; the backend must notice and finish unscaled. */
static const char linear_hedge_json[] =
    "{\"hedge\": {\"objective\": {\"risk_aversion\": 0, \"horizon_days\": 1, \"spot_points\": 21,"
    " \"vol_points\": 3, \"vol_of_vol\": 1.2, \"var_confidence\": 0.99},"
    " \"candidates\": ["
    "{\"symbol\": \"BTC-25DEC26\", \"venue\": \"deribit\", \"taker_fee\": 0.0005},"
    "{\"symbol\": \"BTC-USD-261225-100000-C\", \"venue\": \"okx\", \"taker_fee\": 0.0003, \"fee_cap\": 0.125},"
    "{\"symbol\": \"BTC-04DEC26-95000-P\", \"venue\": \"deribit\", \"taker_fee\": 0.0003, \"fee_cap\": 0.125},"
    "{\"symbol\": \"BTC-29JAN27-90000-P\", \"venue\": \"deribit\", \"taker_fee\": 0.0003, \"fee_cap\": 0.125},"
    "{\"symbol\": \"ETH-PERPETUAL\", \"venue\": \"deribit\", \"taker_fee\": 0.0005},"
    "{\"symbol\": \"ETH-25DEC26-3300-P\", \"venue\": \"deribit\", \"taker_fee\": 0.0003, \"fee_cap\": 0.125}],"
    " \"limits\": {\"collateral\": 4000000}}}";

START_TEST(glpk_finishes_a_badly_scaled_lp_unscaled) {
    hedge_context *ctx = backend_context();
    static const char sample[] = HEDGE_TEST_SRCDIR "/examples/market.json";
    hedge_market *market = NULL;
    hedge_portfolio *book = NULL;
    hedge_problem *problem = NULL;
    ck_assert_status(hedge_market_load_json(&market, ctx, sample), HEDGE_OK);
    ck_assert_status(hedge_portfolio_load_json(&book, ctx, market, sample), HEDGE_OK);
    ck_assert_status(hedge_problem_read_json(&problem, ctx, market, linear_hedge_json, strlen(linear_hedge_json),
                                             "linear.json"),
                     HEDGE_OK);
    const char *backends[2] = {"admm", "glpk"};
    for (int b = 0; b < 2; b++) {
        hedge_solve_options so = HEDGE_SOLVE_OPTIONS_INIT;
        so.backend = backends[b];
        hedge_result *result = NULL;
        ck_assert_status(hedge_solve(&result, ctx, problem, book, market, &so), HEDGE_OK);
        hedge_hedge_summary sum = HEDGE_HEDGE_SUMMARY_INIT;
        ck_assert_status(hedge_result_summary(&sum, result), HEDGE_OK);
        ck_assert_int_eq(sum.status, HEDGE_SOLVE_OPTIMAL);
        ck_assert_msg(sum.cost_usd <= 1e-6, "%s: cost %.10g USD, the optimum is 0", backends[b], sum.cost_usd);
        ck_assert_uint_eq(hedge_result_trade_count(result), 0);
        hedge_result_destroy(result);
    }
    hedge_problem_destroy(problem);
    hedge_portfolio_destroy(book);
    hedge_market_destroy(market);
    hedge_context_destroy(ctx);
}
END_TEST

/* An application that uses GLPK itself on the calling thread keeps its environment and objects: the
 * solve neither frees them nor replaces the environment's hooks. */
START_TEST(glpk_leaves_an_applications_environment_alone) {
    hedge_context *ctx = backend_context();
    ck_assert_int_eq(glp_init_env(), 0);
    glp_prob *mine = glp_create_prob();
    glp_add_rows(mine, 3);
    rng r = {6};
    prob p;
    random_lp(&p, &r, 10, 4, true, NULL);
    answer a, b;
    answer_init(&a, p.n, p.m);
    answer_init(&b, p.n, p.m);
    solve_on(ctx, "glpk", &p, NULL, NULL, &a);
    ck_assert_int_eq(a.sol.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_int_eq(glp_get_num_rows(mine), 3); /* still a valid object of the same environment */
    ck_assert_int_eq(glp_term_out(GLP_ON), GLP_ON); /* its terminal output is on again, as it was */
    glp_delete_prob(mine);
    ck_assert_int_eq(glp_free_env(), 0);
    ck_assert_int_eq(glp_free_env(), 1); /* and only one environment existed */
    solve_on(ctx, "glpk", &p, NULL, NULL, &b);
    ck_assert_double_eq(a.sol.objective, b.sol.objective);
    ck_assert_int_eq(glp_free_env(), 1); /* a solve on a thread without one leaves none behind */
    answer_free(&a);
    answer_free(&b);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

/* Threads: two threads each solve their own problems at the same time on glpk solvers; one solver
 * is handed from thread to thread between solves. Each answer must equal the one computed on the
 * main thread alone (GLPK is deterministic, so exactly). */
enum { THREAD_PROBLEMS = 12 };

typedef struct thread_job {
    hedge_context *ctx;
    uint64_t seed;
    double objective[THREAD_PROBLEMS]; /* NaN where the solve failed or was not optimal */
    hedge_solver *handed;
    double handed_objective;
} thread_job;

static void thread_solve_all(thread_job *job) {
    rng r = {job->seed};
    for (int i = 0; i < THREAD_PROBLEMS; i++) {
        prob p;
        random_lp(&p, &r, 20 + (size_t)i, 10, i % 2 == 0, NULL);
        unsigned char ints[40] = {0};
        for (size_t j = 0; j < p.n; j += 3) /* integers where the box holds some */
            ints[j] = i % 3 == 0 && floor(p.ub[j]) >= ceil(p.lb[j]);
        answer a;
        answer_init(&a, p.n, p.m);
        hedge_qp *qp = prob_qp(job->ctx, &p);
        hedge_solver *sv = NULL;
        bool ok = hedge_qp_set_integer(qp, ints) == HEDGE_OK &&
                  hedge_solver_create(&sv, job->ctx, "glpk", qp, NULL) == HEDGE_OK &&
                  hedge_solver_solve(sv, &a.sol) == HEDGE_OK && a.sol.status == HEDGE_SOLVE_OPTIMAL;
        job->objective[i] = ok ? a.sol.objective : NAN; /* NaN never equals the reference */
        hedge_solver_destroy(sv);
        hedge_qp_destroy(qp);
        answer_free(&a);
        prob_free(&p);
    }
}

static void *thread_main(void *arg) {
    thread_job *job = arg;
    thread_solve_all(job);
    if (job->handed) { /* Check's assertions belong to the main thread: report through the job */
        double x[64], y[64];
        hedge_solution sol = HEDGE_SOLUTION_INIT;
        sol.x = x, sol.y = y;
        bool ok = hedge_solver_solve(job->handed, &sol) == HEDGE_OK && sol.status == HEDGE_SOLVE_OPTIMAL;
        job->handed_objective = ok ? sol.objective : NAN;
    }
    return NULL;
}

START_TEST(glpk_solvers_run_on_several_threads) {
    hedge_context *ctx = backend_context();
    thread_job ref[2] = {{ctx, 100, {0}, NULL, 0}, {ctx, 200, {0}, NULL, 0}};
    thread_solve_all(&ref[0]);
    thread_solve_all(&ref[1]);
    int optimal = 0;
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < THREAD_PROBLEMS; i++)
            optimal += !isnan(ref[t].objective[i]);
    ck_assert_int_ge(optimal, THREAD_PROBLEMS);
    rng r = {300};
    prob p;
    random_lp(&p, &r, 30, 12, true, NULL);
    hedge_qp *qp = prob_qp(ctx, &p);
    answer solo;
    answer_init(&solo, p.n, p.m);
    solve_on(ctx, "glpk", &p, NULL, NULL, &solo);
    hedge_solver *handed = NULL;
    ck_assert_status(hedge_solver_create(&handed, ctx, "glpk", qp, NULL), HEDGE_OK);
    for (int round = 0; round < 2; round++) {
        thread_job jobs[2] = {{ctx, 100, {0}, round ? NULL : handed, NAN}, {ctx, 200, {0}, round ? handed : NULL, NAN}};
        pthread_t th[2];
        for (int t = 0; t < 2; t++)
            ck_assert_int_eq(pthread_create(&th[t], NULL, thread_main, &jobs[t]), 0);
        for (int t = 0; t < 2; t++)
            ck_assert_int_eq(pthread_join(th[t], NULL), 0);
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < THREAD_PROBLEMS; i++)
                ck_assert_msg(jobs[t].objective[i] == ref[t].objective[i] ||
                                  (isnan(jobs[t].objective[i]) && isnan(ref[t].objective[i])),
                              "thread %d problem %d: %.17g, alone %.17g", t, i, jobs[t].objective[i],
                              ref[t].objective[i]);
        /* round 0 solves from scratch like solo, round 1 from the basis round 0 left */
        ck_assert_close(jobs[round].handed_objective, solo.sol.objective, 1e-10, 1e-12);
    }
    /* and back on the main thread, updated, then destroyed here */
    for (size_t j = 0; j < p.n; j++)
        p.c[j] = -p.c[j];
    ck_assert_status(hedge_solver_update(handed, HEDGE_QP_LINEAR, p.c), HEDGE_OK);
    ck_assert_status(hedge_solver_solve(handed, &solo.sol), HEDGE_OK);
    ck_assert_int_eq(solo.sol.status, HEDGE_SOLVE_OPTIMAL);
    kkt k = kkt_check(&p, solo.x, solo.y, solo.z);
    ck_assert(k.stat <= 1e-7 && k.prim <= 1e-7 && k.comp <= 1e-7);
    hedge_solver_destroy(handed);
    hedge_qp_destroy(qp);
    answer_free(&solo);
    prob_free(&p);
    hedge_context_destroy(ctx);
}
END_TEST

#endif /* HEDGE_HAVE_GLPK */

Suite *hedge_test_suite_backends(void) {
    Suite *s = suite_create("backends");
    TCase *tc = tcase_create("conformance");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, admm_warm_lp_resolves_are_bounded_by_fresh_solves);
    tcase_add_test(tc, capabilities_are_enforced);
    tcase_add_test(tc, random_lps_meet_kkt_and_backends_agree);
    tcase_add_test(tc, duals_are_subgradients_of_the_optimum);
    tcase_add_test(tc, infeasible_lps_are_recognised_by_every_backend);
    tcase_add_test(tc, infeasible_caps_with_costless_free_columns);
    tcase_add_test(tc, unbounded_lps_are_recognised_by_every_backend);
    tcase_add_test(tc, updates_then_resolve_equal_cold_solves);
    tcase_add_test(tc, pure_integer_programs_match_enumeration);
    tcase_add_test(tc, mixed_integer_programs_match_enumeration_with_admm);
    tcase_add_test(tc, knapsacks_match_enumeration);
    tcase_add_test(tc, fixed_cost_problems_match_enumeration);
    tcase_add_test(tc, integer_infeasibility_and_unboundedness);
    tcase_add_test(tc, oom_sweeps_over_every_backend);
    tcase_add_test(tc, solve_update_and_warm_start_allocate_nothing_through_the_context);
    suite_add_tcase(s, tc);
#if HEDGE_HAVE_GLPK
    TCase *tg = tcase_create("glpk");
    tcase_set_timeout(tg, 240);
    tcase_add_test(tg, glpk_resolves_start_from_the_last_basis);
    tcase_add_test(tg, glpk_honours_iteration_and_time_limits);
    tcase_add_test(tg, glpk_finishes_a_badly_scaled_lp_unscaled);
    tcase_add_test(tg, glpk_running_out_of_memory_is_a_status);
    tcase_add_test(tg, glpk_leaves_an_applications_environment_alone);
    tcase_add_test(tg, glpk_solvers_run_on_several_threads);
    suite_add_tcase(s, tg);
#endif
    return s;
}
