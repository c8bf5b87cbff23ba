/*
 * The optimizer's timings on hedge-shaped problems: n instruments, k scenarios of P&L (the factor F,
 * so the objective is the scenario variance of the hedged book), six Greek rows kept in a band,
 * position limits as boxes and transaction costs as L1 terms around the current positions. For each
 * size: a cold solve (setup, which forms and factorises, plus the solve) and a warm re-solve after
 * a small change of c (a move of the market), and the same problem given to cvxopt's interior-point
 * QP by bench_optimize_cvxopt.py when python3-cvxopt is installed. Then the same kind of problem in
 * whole lots (x_j = lot_j k_j, k_j integer), solved by the backend's branch and bound.
 */
#include "chain.h"

#include <hedge/hedge.h>
#include <hedge/sys/backend.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HEDGE_BENCH_SRCDIR
#define HEDGE_BENCH_SRCDIR "."
#endif

enum { GREEKS = 6, FACTORS = 8 };

static void check(hedge_status st, const char *what) {
    if (st != HEDGE_OK) {
        fprintf(stderr, "bench_optimize: %s: %s (%s)\n", what, hedge_status_name(st), hedge_error_message());
        exit(1);
    }
}

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "bench_optimize: out of memory\n");
        exit(1);
    }
    return p;
}

static uint64_t state = 20240611;
static double unif(void) { /* splitmix64 */
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}
static double sym(void) { return 2 * unif() - 1; }

typedef struct problem {
    size_t n, k, m;
    double *D, *F, *A, *c, *c2, *w, *t, *lo, *hi, *lb, *ub;
} problem;

/* Scenario P&L from a few factors plus noise; the book to hedge has its own P&L f0, so the
 * variance term 1/2 |F x + f0|^2 is 1/2 x'F'F x + (F'f0)'x up to a constant. */
static void make(problem *p, size_t n, size_t k) {
    size_t m = GREEKS;
    p->n = n, p->k = k, p->m = m;
    p->D = xcalloc(n, sizeof(double));
    p->F = xcalloc(k * n, sizeof(double));
    p->A = xcalloc(m * n, sizeof(double));
    p->c = xcalloc(n, sizeof(double));
    p->c2 = xcalloc(n, sizeof(double));
    p->w = xcalloc(n, sizeof(double));
    p->t = xcalloc(n, sizeof(double));
    p->lo = xcalloc(m, sizeof(double));
    p->hi = xcalloc(m, sizeof(double));
    p->lb = xcalloc(n, sizeof(double));
    p->ub = xcalloc(n, sizeof(double));
    double *B = xcalloc(FACTORS * n, sizeof(double)), *Z = xcalloc(k * FACTORS, sizeof(double));
    double *f0 = xcalloc(k, sizeof(double)), *xf = xcalloc(n, sizeof(double));
    for (size_t i = 0; i < FACTORS * n; i++)
        B[i] = sym();
    for (size_t i = 0; i < k * FACTORS; i++)
        Z[i] = sym() / sqrt((double)k);
    for (size_t r = 0; r < k; r++) {
        for (size_t j = 0; j < n; j++) {
            double v = 0.2 * sym() / sqrt((double)k);
            for (size_t f = 0; f < FACTORS; f++)
                v += Z[r * FACTORS + f] * B[f * n + j];
            p->F[r * n + j] = v;
        }
        for (size_t f = 0; f < FACTORS; f++)
            f0[r] += 3 * Z[r * FACTORS + f] * sym();
    }
    for (size_t j = 0; j < n; j++) {
        for (size_t r = 0; r < k; r++)
            p->c[j] += p->F[r * n + j] * f0[r];
        p->lb[j] = -1, p->ub[j] = 1;
        xf[j] = 0.5 * sym();
        p->t[j] = 0.3 * sym();
        p->w[j] = 0.002 + 0.01 * unif();
    }
    for (size_t i = 0; i < m; i++) { /* Greeks in a band that a point inside the boxes meets */
        double ax = 0, scale = 0;
        for (size_t j = 0; j < n; j++) {
            p->A[i * n + j] = B[(i % FACTORS) * n + j] + 0.3 * sym();
            ax += p->A[i * n + j] * xf[j];
            scale += fabs(p->A[i * n + j]);
        }
        p->lo[i] = ax - 0.01 * scale / (double)n;
        p->hi[i] = ax + 0.01 * scale / (double)n;
    }
    for (size_t j = 0; j < n; j++)
        p->c2[j] = p->c[j] * (1 + 1e-3 * sym());
    free(B), free(Z), free(f0), free(xf);
}

static void free_problem(problem *p) {
    free(p->D), free(p->F), free(p->A), free(p->c), free(p->c2), free(p->w), free(p->t);
    free(p->lo), free(p->hi), free(p->lb), free(p->ub);
}

typedef struct run {
    hedge_context *ctx;
    hedge_qp *qp;
    hedge_solver *solver; /* the warm one */
    problem *p;
    double *x, *y, *z;
    hedge_solution sol;
    int flip;
} run;

static void run_cold(void *arg) {
    run *r = arg;
    hedge_solver *s = NULL;
    check(hedge_solver_create(&s, r->ctx, NULL, r->qp, NULL), "hedge_solver_create");
    check(hedge_solver_solve(s, &r->sol), "hedge_solver_solve");
    hedge_solver_destroy(s);
}

/* Alternates between two nearby c so that every call is a real re-solve. */
static void run_warm(void *arg) {
    run *r = arg;
    r->flip ^= 1;
    check(hedge_solver_update(r->solver, HEDGE_QP_LINEAR, r->flip ? r->p->c2 : r->p->c), "hedge_solver_update");
    check(hedge_solver_solve(r->solver, &r->sol), "hedge_solver_solve");
}

/* Writes the problem for the cvxopt script, runs it and reads back "<ms> <objective>". */
static bool run_cvxopt(const problem *p, double *ms, double *obj, char *why, size_t why_len) {
    char path[] = "/tmp/hedge-bench-qp-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        snprintf(why, why_len, "cannot write a temporary file");
        return false;
    }
    double dims[3] = {(double)p->n, (double)p->k, (double)p->m};
    fwrite(dims, sizeof(double), 3, f);
    const double *vecs[] = {p->D, p->c, p->w, p->t, p->lb, p->ub};
    for (int v = 0; v < 6; v++)
        fwrite(vecs[v], sizeof(double), p->n, f);
    fwrite(p->lo, sizeof(double), p->m, f);
    fwrite(p->hi, sizeof(double), p->m, f);
    fwrite(p->F, sizeof(double), p->k * p->n, f);
    fwrite(p->A, sizeof(double), p->m * p->n, f);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/bench/bench_optimize_cvxopt.py %s 2>&1", HEDGE_BENCH_SRCDIR,
             path);
    FILE *pipe = popen(cmd, "r");
    char line[512] = "";
    bool ok = false;
    if (pipe) {
        if (fgets(line, sizeof line, pipe))
            ok = sscanf(line, "%lf %lf", ms, obj) == 2;
        pclose(pipe);
    }
    remove(path);
    if (!ok) {
        line[strcspn(line, "\n")] = 0;
        snprintf(why, why_len, "%s", line[0] ? line : "python3 not found");
    }
    return ok;
}

/* The problem in lots: k_j = x_j / lot_j integer. In k the data are D lot^2, F diag(lot), c lot, the
 * L1 terms w lot around t / lot, rows A diag(lot) and boxes [lb, ub] / lot; the Greek band is
 * widened to +-0.25 around the generator's point so that whole lots can meet it. */
static void to_lots(problem *p, const double *lot) {
    size_t n = p->n;
    for (size_t j = 0; j < n; j++) {
        double l = lot[j];
        p->D[j] *= l * l, p->c[j] *= l, p->c2[j] *= l, p->w[j] *= l, p->t[j] /= l, p->lb[j] /= l, p->ub[j] /= l;
        for (size_t r = 0; r < p->k; r++)
            p->F[r * n + j] *= l;
        for (size_t i = 0; i < p->m; i++)
            p->A[i * n + j] *= l;
    }
    for (size_t i = 0; i < p->m; i++) {
        double mid = 0.5 * (p->lo[i] + p->hi[i]);
        p->lo[i] = mid - 0.25, p->hi[i] = mid + 0.25;
    }
}

static void bench_miqp(hedge_context *ctx, int samples) {
    /* n, k, and every how many instruments one trades in lots (the others in any amount) */
    static const size_t sizes[][3] = {{50, 500, 5}, {50, 500, 2}, {200, 2000, 10}, {20, 200, 1}};
    printf("\nbranch and bound: the same hedge problems with some instruments traded in whole lots (lot_j = "
           "0.05, 0.1, 0.15 or 0.2)\n");
    printf("%6s %6s %5s | %10s %6s %7s | %10s %6s %7s | %12s %12s\n", "n", "k", "lots", "cold ms", "nodes",
           "iters", "warm ms", "nodes", "iters", "objective", "relaxation");
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        problem p;
        make(&p, sizes[si][0], sizes[si][1]);
        double *lot = xcalloc(p.n, sizeof(double));
        unsigned char *isint = xcalloc(p.n, 1);
        for (size_t j = 0; j < p.n; j++)
            lot[j] = 0.05 * (double)(1 + j % 4), isint[j] = j % sizes[si][2] == 0;
        to_lots(&p, lot);
        run r;
        memset(&r, 0, sizeof r);
        r.ctx = ctx;
        r.p = &p;
        r.x = xcalloc(p.n, sizeof(double));
        r.y = xcalloc(p.m, sizeof(double));
        r.z = xcalloc(p.n, sizeof(double));
        hedge_solution init = HEDGE_SOLUTION_INIT;
        r.sol = init;
        r.sol.x = r.x, r.sol.y = r.y, r.sol.z = r.z;
        check(hedge_qp_create(&r.qp, ctx, p.n, p.k, p.m), "hedge_qp_create");
        check(hedge_qp_set(r.qp, HEDGE_QP_DIAGONAL, p.D), "D");
        check(hedge_qp_set(r.qp, HEDGE_QP_LINEAR, p.c), "c");
        check(hedge_qp_set(r.qp, HEDGE_QP_L1_WEIGHT, p.w), "w");
        check(hedge_qp_set(r.qp, HEDGE_QP_L1_TARGET, p.t), "t");
        check(hedge_qp_set(r.qp, HEDGE_QP_ROW_HI, p.hi), "hi");
        check(hedge_qp_set(r.qp, HEDGE_QP_ROW_LO, p.lo), "lo");
        check(hedge_qp_set(r.qp, HEDGE_QP_UB, p.ub), "ub");
        check(hedge_qp_set(r.qp, HEDGE_QP_LB, p.lb), "lb");
        check(hedge_qp_set_factor(r.qp, p.F, p.n), "F");
        check(hedge_qp_set_rows(r.qp, p.A, p.n), "A");
        hedge_solver *relaxed = NULL;
        check(hedge_solver_create(&relaxed, ctx, NULL, r.qp, NULL), "hedge_solver_create");
        check(hedge_solver_solve(relaxed, &r.sol), "hedge_solver_solve");
        double relaxation = r.sol.objective;
        hedge_solver_destroy(relaxed);
        check(hedge_qp_set_integer(r.qp, isint), "integer");
        size_t n_int = 0;
        for (size_t j = 0; j < p.n; j++)
            n_int += isint[j];
        int s_here = samples < 3 ? samples : 3; /* these take up to a second */
        double cold = bench_time(run_cold, &r, s_here, 20.0);
        hedge_solution cs = r.sol;
        check(hedge_solver_create(&r.solver, ctx, NULL, r.qp, NULL), "hedge_solver_create");
        check(hedge_solver_solve(r.solver, &r.sol), "hedge_solver_solve");
        double warm = bench_time(run_warm, &r, s_here, 20.0);
        if (cs.status != HEDGE_SOLVE_OPTIMAL || r.sol.status != HEDGE_SOLVE_OPTIMAL) {
            fprintf(stderr, "bench_optimize: lots, n = %zu: status %d / %d\n", p.n, (int)cs.status,
                    (int)r.sol.status);
            exit(1);
        }
        printf("%6zu %6zu %5zu | %10.3f %6zu %7zu | %10.3f %6zu %7zu | %12.6g %12.6g\n", p.n, p.k, n_int, cold / 1e6,
               cs.nodes, cs.iterations, warm / 1e6, r.sol.nodes, r.sol.iterations, cs.objective, relaxation);
        fflush(stdout);
        hedge_solver_destroy(r.solver);
        hedge_qp_destroy(r.qp);
        free(r.x), free(r.y), free(r.z), free(lot), free(isint);
        free_problem(&p);
    }
    printf("cold: setup + branch and bound; warm: hedge_solver_update of c (+-0.1%%) + branch and bound; lots: "
           "integer variables; nodes: relaxations solved; iters: ADMM iterations over all of them.\n");
}

int main(int argc, char **argv) {
    /* cvxopt needs minutes at n = 1000 (a dense interior-point method on 3n variables), so it gets
     * the largest size only when asked */
    static const char *const extra[] = {"--no-cvxopt", "--cvxopt-all", NULL};
    size_t unused_n = 0;
    int samples = 15;
    bool cvx = true, cvx_all = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-cvxopt") == 0)
            cvx = false;
        if (strcmp(argv[i], "--cvxopt-all") == 0)
            cvx_all = true;
    }
    bench_args(argc, argv, &unused_n, &samples, extra);
    hedge_context *ctx = NULL;
    check(hedge_context_create(&ctx, NULL), "hedge_context_create");
    static const size_t sizes[][2] = {{50, 500}, {200, 2000}, {1000, 5000}};
    printf("libhedge %s: optimizer (admm backend), hedge problems with %d Greek rows, boxes and L1 costs; "
           "min of %d samples\n\n", hedge_version_string(), GREEKS, samples);
    printf("%6s %6s | %10s %6s | %10s %6s | %12s | %10s %9s %9s\n", "n", "k", "cold ms", "iters", "warm ms",
           "iters", "objective", "cvxopt ms", "cold x", "warm x");
    bool met = true, measured_target = false;
    double target_cold = 0, target_warm = 0;
    for (size_t si = 0; si < 3; si++) {
        problem p;
        make(&p, sizes[si][0], sizes[si][1]);
        run r;
        memset(&r, 0, sizeof r);
        r.ctx = ctx;
        r.p = &p;
        r.x = xcalloc(p.n, sizeof(double));
        r.y = xcalloc(p.m, sizeof(double));
        r.z = xcalloc(p.n, sizeof(double));
        hedge_solution init = HEDGE_SOLUTION_INIT;
        r.sol = init;
        r.sol.x = r.x, r.sol.y = r.y, r.sol.z = r.z;
        check(hedge_qp_create(&r.qp, ctx, p.n, p.k, p.m), "hedge_qp_create");
        check(hedge_qp_set(r.qp, HEDGE_QP_DIAGONAL, p.D), "D");
        check(hedge_qp_set(r.qp, HEDGE_QP_LINEAR, p.c), "c");
        check(hedge_qp_set(r.qp, HEDGE_QP_L1_WEIGHT, p.w), "w");
        check(hedge_qp_set(r.qp, HEDGE_QP_L1_TARGET, p.t), "t");
        check(hedge_qp_set(r.qp, HEDGE_QP_ROW_HI, p.hi), "hi");
        check(hedge_qp_set(r.qp, HEDGE_QP_ROW_LO, p.lo), "lo");
        check(hedge_qp_set(r.qp, HEDGE_QP_UB, p.ub), "ub");
        check(hedge_qp_set(r.qp, HEDGE_QP_LB, p.lb), "lb");
        check(hedge_qp_set_factor(r.qp, p.F, p.n), "F");
        check(hedge_qp_set_rows(r.qp, p.A, p.n), "A");
        int s_here = p.n >= 1000 ? (samples < 3 ? samples : 3) : samples;
        double cold = bench_time(run_cold, &r, s_here, p.n >= 1000 ? 0.0 : 20.0);
        size_t cold_iters = r.sol.iterations;
        double objective = r.sol.objective;
        if (r.sol.status != HEDGE_SOLVE_OPTIMAL) {
            fprintf(stderr, "bench_optimize: n = %zu: status %d\n", p.n, (int)r.sol.status);
            return 1;
        }
        check(hedge_solver_create(&r.solver, ctx, NULL, r.qp, NULL), "hedge_solver_create");
        check(hedge_solver_solve(r.solver, &r.sol), "hedge_solver_solve");
        double warm = bench_time(run_warm, &r, samples, 20.0);
        size_t warm_iters = r.sol.iterations;
        if (r.sol.status != HEDGE_SOLVE_OPTIMAL) {
            fprintf(stderr, "bench_optimize: n = %zu warm: status %d\n", p.n, (int)r.sol.status);
            return 1;
        }
        printf("%6zu %6zu | %10.3f %6zu | %10.4f %6zu | %12.6g |", p.n, p.k, cold / 1e6, cold_iters, warm / 1e6,
               warm_iters, objective);
        double cms, cobj;
        char why[256];
        if (!cvx)
            printf(" (cvxopt skipped)\n");
        else if (p.n >= 1000 && !cvx_all)
            printf(" (minutes: --cvxopt-all)\n");
        else if (run_cvxopt(&p, &cms, &cobj, why, sizeof why))
            printf(" %10.1f %8.0fx %8.0fx%s\n", cms, cms / (cold / 1e6), cms / (warm / 1e6),
                   fabs(cobj - objective) <= 1e-6 * fmax(fabs(objective), 1e-12) ? ""
                                                                                  : "  (objectives differ!)");
        else {
            printf(" %s\n", why);
            if (strstr(why, "not installed"))
                cvx = false;
        }
        fflush(stdout);
        if (p.n == 200) {
            measured_target = true;
            target_cold = cold / 1e6, target_warm = warm / 1e6;
            met = target_cold < 5.0 && target_warm < 0.5;
        }
        hedge_solver_destroy(r.solver);
        hedge_qp_destroy(r.qp);
        free(r.x), free(r.y), free(r.z);
        free_problem(&p);
    }
    if (measured_target)
        printf("\ntarget (n = 200, k = 2000): cold < 5 ms and warm < 0.5 ms on one core: cold %.2f ms, warm %.3f ms, "
               "%s\n", target_cold, target_warm, met ? "met" : "MISSED");
    printf("cold: hedge_solver_create (copy, scale, form and factorise) + solve; warm: hedge_solver_update of c "
           "(+-0.1%%) + solve. \"cold x\", \"warm x\": cvxopt's time over ours.\n");
    bench_miqp(ctx, samples);
    hedge_context_destroy(ctx);
    return 0;
}
