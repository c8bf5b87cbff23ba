/*
 * Helpers shared by the optimizer suites (test_optimize.c, test_backends.c, test_miqp.c): a small deterministic
 * generator, problems held in plain arrays so that the checks need nothing from the library, the
 * KKT conditions and the infeasibility certificates checked from the problem's definition.
 */
#ifndef HEDGE_TEST_QPTEST_H
#define HEDGE_TEST_QPTEST_H

#include "support/testutil.h"

#include <hedge/optimize.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64 */
typedef struct rng {
    uint64_t s;
} rng;

uint64_t rng_next(rng *r);
double unif(rng *r);           /* [0, 1) */
double sym(rng *r);            /* [-1, 1) */
bool coin(rng *r, double p);   /* true with probability p */

/* A problem in plain arrays: D (n), F (k x n), A (m x n), c, w, t (n), lo, hi (m), lb, ub (n), and
 * integer flags (n), NULL unless a suite allocates them (prob_free frees them). */
typedef struct prob {
    size_t n, k, m;
    double *D, *F, *A, *c, *w, *t, *lo, *hi, *lb, *ub;
    unsigned char *isint;
} prob;

/* All data zero, rows and bounds infinite. */
void prob_alloc(prob *p, size_t n, size_t k, size_t m);
void prob_free(prob *p);
/* The problem as a hedge_qp (integrality not set). */
hedge_qp *prob_qp(hedge_context *ctx, const prob *p);

void pmul(const prob *p, const double *x, double *out); /* out = (D + F'F) x */
double rowdot(const prob *p, size_t i, const double *x);
double objective(const prob *p, const double *x);

/*
 * The KKT conditions at (x, y, z), each relative to the magnitudes it involves: stationarity
 * 0 in P x + c + w d|x - t| + A'y + z (the best subgradient of the L1 term taken, with x counted
 * at its target within xtol), primal feasibility, and for every row and bound the sign of its dual
 * (y_i > 0 only at the upper bound, < 0 only at the lower) with complementary slackness: |dual| times
 * the distance to its bound, or |dual| alone when that bound is infinite.
 */
typedef struct kkt {
    double stat, prim, comp;
} kkt;
kkt kkt_check(const prob *p, const double *x, const double *y, const double *z);

/* A solution with its own arrays (x and z of n, y of m entries). */
typedef struct answer {
    double *x, *y, *z;
    hedge_solution sol;
} answer;
void answer_init(answer *a, size_t n, size_t m);
void answer_free(answer *a);

/* A context with the libc allocator and no log. */
hedge_context *plain_context(void);

/* A primal infeasibility certificate in (y, z): A'y + z ~ 0 and a negative support function of the
 * bounds. A dual one in x: P d ~ 0, c'd + w|d| < 0, in the recession cone of rows and bounds. */
void check_primal_certificate(const prob *p, const answer *a);
void check_dual_certificate(const prob *p, const answer *a);

#endif
