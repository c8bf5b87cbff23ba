/*
 * Integer variables on the ADMM backend: a depth-first branch and bound over the continuous
 * relaxations, each the backend's own QP with some bounds changed.
 *
 * The search. A level of the stack fixes one integer variable to one value after another, outward
 * from its value in the level's relaxation: the nearer of floor and ceiling first, then whichever
 * side's next value is nearer. Every variable is fixed at most once on a path, so the stack never
 * holds more levels than there are integer variables, and a level needs only the variable, its
 * old bounds and where each side stands. A side ends when a
 * value's relaxation is infeasible or its lower bound reaches the incumbent: the relaxation's
 * optimal value as a function of the fixed value is convex with its minimum at the level's
 * relaxation value, and the feasible values form an interval containing it, so nothing further out
 * can do better. (Binary variables get the usual two children.) This is what gives the depth bound
 * that keeps all of the search's memory in the block setup allocates.
 *
 * The branching variable. Pseudo-costs: for each integer variable, the mean rise of the bound per
 * unit the variable was moved down (to the floor of its value) and up (to the ceiling), measured
 * on the nodes solved so far; the variable chosen maximises the product of the expected rises on
 * its two sides (the product rule; Achterberg, Koch and Martin, "Branching rules revisited", 2005).
 * A fractional variable not yet measured on a side is measured first by strong branching (its
 * child on that side solved from the node's answer), so the first choice is informed too; see
 * measure(). On lot-size problems pseudo-costs needed 2 to 10 times fewer nodes than the most
 * fractional variable throughout, and the strong-branching start another 1.5 to 6 times fewer
 * (bench_optimize) and 800 times fewer where flat substitutes sit beside a decisive variable.
 *
 * The nodes. A value's relaxation changes the variable's two bounds (hedge__admm_set_bounds, the
 * update path) and starts from the level's relaxation answer (hedge__admm_start_from, the warm
 * start path); the solve's first polish on that point usually answers it without an iteration.
 *
 * The bounds. ADMM answers are approximate, so the relaxation's objective is not a safe bound. The
 * bound used is Lagrangian: for row duals y (signs made consistent with the row bounds) and any x,
 *     min over the box of  f(x') + sum_i (y_i a_i'x' - sigma_i(y_i))  <=  the relaxation's optimum,
 * sigma_i the support function of [lo_i, hi_i]; the left side is at least its value at x plus the
 * minimum over the box of v'(x' - x) + (x' - x)'D(x' - x)/2, v a subgradient at x (chosen for the
 * L1 kinks to make v smallest) and D the diagonal part of P (P - D = F'F is positive semidefinite,
 * so the quadratic's curvature is at least D's). That holds for any x and y, so the bound is valid
 * however roughly the relaxation was solved, and separable, so the minimum is exact. The curvature
 * matters: an answer accepted at a relative tolerance still has a dual residual v_j ~ 1e-5 on
 * columns of size 1e4 (a lot of 10 USD beside millions), and the linear term alone lost v_j times
 * the box (~1 USD, more than the gap) where D_j > 0 loses only v_j^2 / 2 D_j. Only where D_j = 0
 * and a side of the box is infinite is the minimum taken within 1 + |x_j| of x_j (in unscaled
 * units), an assumption that enters multiplied by v_j, the dual residual. At a polished answer the
 * bound is the objective to about 1e-12.
 *
 * The incumbents. A relaxation integral within INT_TOL is rounded: its integer variables are fixed
 * at the rounded values and the continuous ones re-solved, so an incumbent is exactly integral and
 * its continuous part optimal for it. If that re-solve fails (rounding broke a row), the node is
 * branched on as any other. A re-solve (after an update, say) first tries the last answer's
 * integer values the same way: usually still good, that incumbent prunes from the start.
 */
#include "optimize/admm_internal.h"

#include "core/internal.h"

#include <math.h>
#include <string.h>

/* A relaxation value this close to an integer is taken as integral (then rounded and re-solved). */
static const double INT_TOL = 1e-6;

typedef struct bnb {
    hedge__admm *s;
    double t0, time_limit;  /* the whole search's limit (the user's), 0 for none */
    size_t nodes, iterations, depth;
    double incumbent;       /* objective of the best integer point, +inf while there is none */
    bool have_incumbent;
    bool incomplete;        /* a node could be neither solved nor branched on (iteration limit) */
    bool root_bounded;      /* the root relaxation was solved, so no restriction of it is unbounded */
    int best;               /* which answer buffer holds the best answer (the root's, before an incumbent) */
    hedge_solution ans[2];
    hedge_solve_status stop;/* OPTIMAL while the search runs; the limit that stopped it */
} bnb;

static inline double maxd(double a, double b) { return a > b ? a : b; } /* see admm.c */
static inline double mind(double a, double b) { return a < b ? a : b; }

static bool prunable(const bnb *b, double bound) {
    return b->have_incumbent && bound >= b->incumbent - b->s->mip_gap * fabs(b->incumbent);
}

/* The Lagrangian lower bound (unscaled) of the relaxation just solved, from its answer cx, cy. */
static double lagrange_bound(hedge__admm *s) {
    size_t n = s->n, m = s->m;
    const hedge__la_kernels *la = s->la;
    const double *x = s->cx;
    double *y = s->wmn, lag = 0, f = 0;
    for (size_t i = 0; i < m; i++) {
        double v = s->cy[i];
        if (s->hi[i] == HUGE_VAL)
            v = mind(v, 0.0);
        if (s->lo[i] == -HUGE_VAL)
            v = maxd(v, 0.0);
        y[i] = v;
        if (v != 0.0)
            lag += v * (la->dot(s->A + i * n, x, n) - (v > 0 ? s->hi[i] : s->lo[i]));
    }
    hedge__admm_Pmul(s, s->Px, x);
    memset(s->Aty, 0, n * sizeof(double));
    hedge__la_gemv_t(la, s->Aty, s->A, m, n, n, y);
    for (size_t j = 0; j < n; j++) {
        double xj = x[j], wj = s->w[j], tj = s->t[j];
        f += (0.5 * s->Px[j] + s->q[j]) * xj + wj * fabs(xj - tj);
        double g = s->Px[j] + s->q[j] + s->Aty[j];
        if (wj > 0)
            g += xj > tj ? wj : xj < tj ? -wj : -maxd(-wj, mind(g, wj)); /* at the kink: the smallest |g| */
        double h = s->Dg[j], lo = s->lb[j] - xj, hi = s->ub[j] - xj; /* the step's box */
        if (h > 0) { /* the curvature floor: the exact minimum of g t + h t^2 / 2 over the box */
            double t = mind(maxd(-g / h, lo), hi);
            lag += t * (g + 0.5 * h * t);
        } else {
            double reach = (1.0 + fabs(xj) * s->d[j]) / s->d[j];
            lag += g > 0 ? g * maxd(lo, -reach) : g * mind(hi, reach);
        }
    }
    return (f + lag) / s->cs;
}

/* Solves the relaxation at the current bounds into answer buffer `slot`, as one node. False when
 * a limit stopped the search first (b->stop says which). */
static bool relax(bnb *b, int slot, hedge_status *st) {
    hedge__admm *s = b->s;
    *st = HEDGE_OK;
    if (b->nodes >= s->max_nodes) {
        b->stop = HEDGE_SOLVE_ITERATION_LIMIT;
        return false;
    }
    if (b->time_limit > 0) {
        double left = b->time_limit - (hedge__admm_now() - b->t0);
        if (!(left > 0)) {
            b->stop = HEDGE_SOLVE_TIME_LIMIT;
            return false;
        }
        s->time_limit_s = left;
    }
    hedge_solution *a = &b->ans[slot];
    if ((*st = hedge__admm_relax(s, a)) != HEDGE_OK)
        return false;
    b->nodes++;
    b->iterations += a->iterations;
    if (a->status == HEDGE_SOLVE_TIME_LIMIT) {
        b->stop = HEDGE_SOLVE_TIME_LIMIT;
        return false;
    }
    return true;
}

/* An answer in buffer `slot` whose integer variables are fixed: the incumbent if it is optimal
 * and the best so far. */
static void offer(bnb *b, int slot) {
    const hedge_solution *a = &b->ans[slot];
    if (a->status == HEDGE_SOLVE_OPTIMAL && (!b->have_incumbent || a->objective < b->incumbent)) {
        b->best = slot;
        b->incumbent = a->objective;
        b->have_incumbent = true;
    }
}

/* The integer values a variable may take within scaled bounds [lb, ub]: rounding the unscaled
 * bound with a margin for the scaling's round-off, so that an integral bound stays in. */
static double first_int(double lb, double d) {
    double v = lb * d;
    return ceil(v - 1e-9 * maxd(1.0, fabs(v)));
}
static double last_int(double ub, double d) {
    double v = ub * d;
    return floor(v + 1e-9 * maxd(1.0, fabs(v)));
}

/* An integer point: the integer variables fixed at the values (unscaled, n_int of them; NULL for
 * the rounded values of the relaxation just solved) if those are within their boxes, the
 * continuous ones re-solved, offered as the incumbent; the bounds are restored afterwards. */
static hedge_status try_integers(bnb *b, const double *values) {
    hedge__admm *s = b->s;
    for (size_t a = 0; a < s->n_int; a++) {
        size_t j = s->int_idx[a];
        double v = values ? values[a] : nearbyint(s->d[j] * s->cx[j]);
        if (v < first_int(s->lb[j], s->d[j]) || v > last_int(s->ub[j], s->d[j]))
            return HEDGE_OK; /* the branching will find what there is */
        s->fix_ub[a] = v; /* kept here until the old bounds are saved below */
    }
    for (size_t a = 0; a < s->n_int; a++) {
        size_t j = s->int_idx[a];
        double v = s->fix_ub[a] / s->d[j];
        s->fix_lb[a] = s->lb[j];
        s->fix_ub[a] = s->ub[j];
        hedge__admm_set_bounds(s, j, v, v);
    }
    hedge_status st;
    bool solved = relax(b, 1 - b->best, &st);
    for (size_t a = 0; a < s->n_int; a++)
        hedge__admm_set_bounds(s, s->int_idx[a], s->fix_lb[a], s->fix_ub[a]);
    if (solved)
        offer(b, 1 - b->best);
    return st;
}

/* The mean pseudo-costs over the variables measured, down and up (1 when none is). */
static void pcost_means(const hedge__admm *s, double mean[2]) {
    for (int e = 0; e < 2; e++) {
        double sum = 0, count = 0;
        for (size_t a = 0; a < s->n_int; a++)
            if (s->pcost[4 * a + 2 * e + 1] > 0) {
                sum += s->pcost[4 * a + 2 * e] / s->pcost[4 * a + 2 * e + 1];
                count++;
            }
        mean[e] = count > 0 ? sum / count : 1.0;
    }
}

static double pcost_mean(const hedge__admm *s, size_t a, int up, const double mean[2]) {
    const double *pc = s->pcost + 4 * a + 2 * up;
    return pc[1] > 0 ? pc[0] / pc[1] : mean[up];
}

/* The branching variable (see the top of the file) at the relaxation answer x (scaled), among those
 * not fixed by their bounds. *most gets the most fractional one, SIZE_MAX when all are fixed; the
 * result is SIZE_MAX when none is fractional beyond INT_TOL. */
static size_t choose(const hedge__admm *s, const double *x, double eps, size_t *most, double *worst) {
    double mean[2], best_score = -1;
    pcost_means(s, mean);
    size_t pick = SIZE_MAX;
    *most = SIZE_MAX;
    *worst = -1;
    for (size_t a = 0; a < s->n_int; a++) {
        size_t j = s->int_idx[a];
        if (s->lb[j] == s->ub[j])
            continue;
        double v = s->d[j] * x[j], fr = fabs(v - nearbyint(v)), f = v - floor(v);
        if (fr > *worst) {
            *worst = fr;
            *most = a;
        }
        double score = maxd(pcost_mean(s, a, 0, mean) * f, eps) * maxd(pcost_mean(s, a, 1, mean) * (1 - f), eps);
        if (fr > INT_TOL && score > best_score) {
            best_score = score;
            pick = a;
        }
    }
    return pick;
}

/* Strong branching where the pseudo-costs know nothing yet: for each fractional integer variable
 * never measured on a side, the relaxation with the variable fixed at that side's integer, solved
 * from this node's answer (level d's), measures the bound's rise. Why: a variable the objective
 * barely sees (a lot of 10 USD beside substitutes that absorb it) looks as good a first choice as
 * one that decides the cost (a lot of 1,000 USD), and branching first on the flat one walks its
 * values outward through thousands of subtrees before the bound rises past the incumbent
 * (measured: 6,831 nodes, 3.7 million iterations, against 40 nodes once measured). Each variable
 * is measured at most once per side per solve, so this costs at most 2 relaxations per integer
 * variable, most of them answered by the polish alone. False when a limit stopped the search. */
static bool measure(bnb *b, size_t d, double node_bound, hedge_status *st) {
    hedge__admm *s = b->s;
    size_t n = s->n, m = s->m;
    const double *x = s->lvl_x + d * n;
    *st = HEDGE_OK;
    for (size_t a = 0; a < s->n_int; a++) {
        size_t j = s->int_idx[a];
        double v = s->d[j] * x[j];
        if (s->lb[j] == s->ub[j] || fabs(v - nearbyint(v)) <= INT_TOL)
            continue;
        for (int up = 0; up < 2; up++) {
            double *pc = s->pcost + 4 * a + 2 * up, target = up ? ceil(v) : floor(v);
            if (pc[1] > 0 || target < first_int(s->lb[j], s->d[j]) || target > last_int(s->ub[j], s->d[j]))
                continue;
            double lb = s->lb[j], ub = s->ub[j];
            hedge__admm_set_bounds(s, j, target / s->d[j], target / s->d[j]);
            hedge__admm_start_from(s, x, s->lvl_y + d * m);
            bool solved = relax(b, 1 - b->best, st);
            /* the child's bound, on the child's box */
            double rise = solved && b->ans[1 - b->best].status == HEDGE_SOLVE_OPTIMAL
                              ? maxd(lagrange_bound(s) - node_bound, 0.0)
                              : -1;
            hedge__admm_set_bounds(s, j, lb, ub);
            if (!solved)
                return false;
            if (rise >= 0) {
                pc[0] += rise / fabs(target - v);
                pc[1] += 1;
            }
        }
    }
    return true;
}

/* The node whose relaxation was just solved into buffer `slot` (optimal or at the iteration limit):
 * pruned, taken as an integer point, or branched on by pushing a level. *bound gets its lower
 * bound. */
static hedge_status visit(bnb *b, int slot, double *bound) {
    hedge__admm *s = b->s;
    size_t n = s->n, m = s->m, d = b->depth;
    double lb = lagrange_bound(s);
    *bound = lb;
    if (prunable(b, lb))
        return HEDGE_OK;
    /* a variable fixed at a value that is not integral makes the node integer infeasible */
    for (size_t a = 0; a < s->n_int; a++) {
        size_t j = s->int_idx[a];
        double v = s->d[j] * s->lb[j];
        if (s->lb[j] == s->ub[j] && fabs(v - nearbyint(v)) > INT_TOL)
            return HEDGE_OK;
    }
    double eps = 1e-9 * (1.0 + fabs(lb)), worst;
    size_t most, pick = choose(s, s->cx, eps, &most, &worst);
    if (most == SIZE_MAX) { /* every integer variable is fixed: this relaxation is an integer point */
        if (b->ans[slot].status == HEDGE_SOLVE_ITERATION_LIMIT)
            b->incomplete = true; /* unsolved, and nothing left to branch on */
        offer(b, slot);
        return HEDGE_OK;
    }
    /* children start from this answer, which the rounded re-solve and the measurements overwrite */
    memcpy(s->lvl_x + d * n, s->cx, n * sizeof(double));
    memcpy(s->lvl_y + d * m, s->cy, m * sizeof(double));
    hedge_status st;
    if (pick != SIZE_MAX) {
        if (!measure(b, d, lb, &st))
            return st;
        pick = choose(s, s->lvl_x + d * n, eps, &most, &worst);
    }
    if (pick == SIZE_MAX) /* integral within INT_TOL, yet not pruned once rounded: the most fractional */
        pick = most;
    if (worst <= INT_TOL) {
        memcpy(s->cx, s->lvl_x + d * n, n * sizeof(double)); /* the rounding reads this node's answer */
        st = try_integers(b, NULL);
        if (st != HEDGE_OK || b->stop != HEDGE_SOLVE_OPTIMAL || prunable(b, lb))
            return st;
    }
    size_t j = s->int_idx[pick];
    double dj = s->d[j], lo = first_int(s->lb[j], dj), hi = last_int(s->ub[j], dj);
    double xstar = dj * s->lvl_x[d * n + j], f = floor(xstar);
    if (!(lo <= hi)) /* no integer in the box */
        return HEDGE_OK;
    f = f > hi ? hi : f < lo - 1 ? lo - 1 : f;
    hedge__bnb_level *L = &s->lvl[d];
    L->var = j;
    L->idx = pick;
    L->lb = s->lb[j];
    L->ub = s->ub[j];
    L->xstar = xstar;
    L->down = f;
    L->up = f + 1;
    L->down_done = f < lo;
    L->up_done = f + 1 > hi;
    L->bound = lb;
    L->bound_down = L->bound_up = -HUGE_VAL;
    b->depth = d + 1;
    return HEDGE_OK;
}

/* One step of the search at the top level: the next value tried, or the level left. */
static hedge_status step(bnb *b) {
    hedge__admm *s = b->s;
    size_t d = b->depth - 1;
    hedge__bnb_level *L = &s->lvl[d];
    size_t j = L->var;
    bool down = !L->down_done && !prunable(b, L->bound_down);
    bool up = !L->up_done && !prunable(b, L->bound_up);
    if (prunable(b, L->bound) || (!down && !up)) {
        hedge__admm_set_bounds(s, j, L->lb, L->ub);
        b->depth = d;
        return HEDGE_OK;
    }
    if (down && up) /* the nearer side; on a tie, down */
        down = L->xstar - L->down <= L->up - L->xstar;
    double v = down ? L->down : L->up, lo = first_int(L->lb, s->d[j]), hi = last_int(L->ub, s->d[j]);
    if (down) {
        L->down = v - 1;
        L->down_done = v - 1 < lo || v - 1 == v; /* the second: beyond 2^53, where v - 1 is v */
    } else {
        L->up = v + 1;
        L->up_done = v + 1 > hi || v + 1 == v;
    }
    hedge__admm_set_bounds(s, j, v / s->d[j], v / s->d[j]);
    hedge__admm_start_from(s, s->lvl_x + d * s->n, s->lvl_y + d * s->m);
    hedge_status st;
    if (!relax(b, 1 - b->best, &st))
        return st;
    hedge_solve_status out = b->ans[1 - b->best].status;
    if (out == HEDGE_SOLVE_DUAL_INFEASIBLE && !b->root_bounded) { /* the root was not settled: believe it */
        b->stop = HEDGE_SOLVE_DUAL_INFEASIBLE;
        return HEDGE_OK;
    }
    /* a restriction of a bounded relaxation cannot be unbounded: a certificate here is a misjudged
     * one, and the side it ends cannot be claimed explored */
    b->incomplete |= out == HEDGE_SOLVE_DUAL_INFEASIBLE;
    if (out == HEDGE_SOLVE_PRIMAL_INFEASIBLE || out == HEDGE_SOLVE_DUAL_INFEASIBLE) {
        /* an infeasible value: so is every value further out on this side */
        if (down)
            L->down_done = true;
        else
            L->up_done = true;
        return HEDGE_OK;
    }
    double bound;
    if ((st = visit(b, 1 - b->best, &bound)) != HEDGE_OK)
        return st;
    double dist = fabs(v - L->xstar);
    if (dist > 0 && dist <= 1) { /* the floor or the ceiling: a pseudo-cost measurement */
        double *pc = s->pcost + 4 * L->idx + 2 * !down;
        pc[0] += maxd(bound - L->bound, 0.0) / dist;
        pc[1] += 1;
    }
    if (down)
        L->bound_down = bound;
    else
        L->bound_up = bound;
    return HEDGE_OK;
}

static void write_out(const bnb *b, const hedge_solution *a, hedge_solution *sol, hedge_solve_status status,
                      bool round) {
    const hedge__admm *s = b->s;
    size_t n = s->n, m = s->m;
    if (sol->x)
        memcpy(sol->x, a->x, n * sizeof(double));
    if (sol->y)
        memcpy(sol->y, a->y, m * sizeof(double));
    if (sol->z)
        memcpy(sol->z, a->z, n * sizeof(double));
    for (size_t k = 0; round && sol->x && k < s->n_int; k++)
        sol->x[s->int_idx[k]] = nearbyint(sol->x[s->int_idx[k]]);
    sol->status = status;
    sol->objective = a->objective;
    sol->primal_residual = a->primal_residual;
    sol->dual_residual = a->dual_residual;
}

hedge_status hedge__admm_bnb(hedge__admm *s, hedge_solution *sol) {
    bnb b;
    memset(&b, 0, sizeof b);
    b.s = s;
    b.t0 = hedge__admm_now();
    b.time_limit = s->time_limit_s;
    b.incumbent = HUGE_VAL;
    b.stop = HEDGE_SOLVE_OPTIMAL;
    for (int a = 0; a < 2; a++) {
        hedge_solution init = HEDGE_SOLUTION_INIT;
        b.ans[a] = init;
        b.ans[a].x = s->ans_x[a], b.ans[a].y = s->ans_y[a], b.ans[a].z = s->ans_z[a];
    }
    memset(s->pcost, 0, 4 * s->n_int * sizeof(double)); /* each solve measures its own */
    hedge_status st = HEDGE_OK;
    bool root = relax(&b, 0, &st);
    hedge_solve_status root_status = b.ans[0].status;
    b.root_bounded = root && root_status == HEDGE_SOLVE_OPTIMAL;
    bool searched = root && root_status != HEDGE_SOLVE_PRIMAL_INFEASIBLE && root_status != HEDGE_SOLVE_DUAL_INFEASIBLE;
    if (searched) {
        /* the root's answer: where the next solve starts (and the first level's children) */
        memcpy(s->lvl_x, s->cx, s->n * sizeof(double));
        memcpy(s->lvl_y, s->cy, s->m * sizeof(double));
        if (s->have_prev) { /* the last answer's integers, then the root's answer back for visit() */
            st = try_integers(&b, s->prev_int);
            memcpy(s->cx, s->lvl_x, s->n * sizeof(double));
            memcpy(s->cy, s->lvl_y, s->m * sizeof(double));
        }
        double bound;
        if (st == HEDGE_OK && b.stop == HEDGE_SOLVE_OPTIMAL)
            st = visit(&b, 0, &bound);
        while (st == HEDGE_OK && b.depth > 0 && b.stop == HEDGE_SOLVE_OPTIMAL)
            st = step(&b);
        for (; b.depth > 0; b.depth--) /* a limit or a failure: the bounds are restored all the same */
            hedge__admm_set_bounds(s, s->lvl[b.depth - 1].var, s->lvl[b.depth - 1].lb, s->lvl[b.depth - 1].ub);
        /* the next solve (after an update, say) starts from the root's relaxation */
        hedge__admm_start_from(s, s->lvl_x, s->lvl_y);
    }
    s->time_limit_s = b.time_limit;
    if (st != HEDGE_OK)
        return st;
    if (!searched) /* the root: infeasible, unbounded or stopped by the time limit */
        write_out(&b, &b.ans[0], sol, root ? root_status : b.stop, false);
    else if (b.stop == HEDGE_SOLVE_DUAL_INFEASIBLE)
        write_out(&b, &b.ans[1 - b.best], sol, b.stop, false);
    else if (b.have_incumbent)
        write_out(&b, &b.ans[b.best], sol,
                  b.stop != HEDGE_SOLVE_OPTIMAL ? b.stop
                  : b.incomplete                ? HEDGE_SOLVE_ITERATION_LIMIT
                                                : HEDGE_SOLVE_OPTIMAL,
                  true);
    else if (b.stop != HEDGE_SOLVE_OPTIMAL || b.incomplete)
        write_out(&b, &b.ans[b.best], sol, b.stop != HEDGE_SOLVE_OPTIMAL ? b.stop : HEDGE_SOLVE_ITERATION_LIMIT,
                  false);
    else { /* the search ended without an integer point: integer infeasible, with no certificate */
        write_out(&b, &b.ans[b.best], sol, HEDGE_SOLVE_PRIMAL_INFEASIBLE, false);
        if (sol->y)
            memset(sol->y, 0, s->m * sizeof(double));
        if (sol->z)
            memset(sol->z, 0, s->n * sizeof(double));
        sol->objective = HUGE_VAL;
    }
    s->have_prev = searched && b.have_incumbent; /* the next solve tries these integers first */
    for (size_t a = 0; s->have_prev && a < s->n_int; a++)
        s->prev_int[a] = nearbyint(b.ans[b.best].x[s->int_idx[a]]);
    sol->iterations = b.iterations;
    sol->nodes = b.nodes;
    sol->solve_time_s = hedge__admm_now() - b.t0;
    return HEDGE_OK;
}
