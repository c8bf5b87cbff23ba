/* Internal layout of optimization problems and solvers, and the built-in backends. */
#ifndef HEDGE_OPTIMIZE_QP_INTERNAL_H
#define HEDGE_OPTIMIZE_QP_INTERNAL_H

#include <hedge/optimize.h>
#include <hedge/sys/backend.h>

/* Bounds beyond this magnitude are infinite. */
#define HEDGE__QP_INF 1e30

struct hedge_qp {
    hedge_context *ctx;
    size_t n, k, m;
    double *vec[8];         /* indexed by hedge_qp_vector: D, c, w, t (n), lo, hi (m), lb, ub (n) */
    double *F;              /* k x n, row-major, leading dimension n; NULL when k == 0 */
    double *A;              /* m x n, row-major, leading dimension n; NULL when m == 0 */
    unsigned char *is_int;  /* n */
};

struct hedge_solver {
    hedge_context *ctx;
    hedge_backend backend; /* a copy of the table */
    void *state;
    size_t n, m;
};

/* Length of vector `which` in a problem of n variables and m rows. */
static inline size_t hedge__qp_len(size_t n, size_t m, hedge_qp_vector which) {
    return which == HEDGE_QP_ROW_LO || which == HEDGE_QP_ROW_HI ? m : n;
}

/* Checks values for vector `which` against its domain (and against its partner bound in qp, when
 * qp is given); sets the error detail naming `fn` and the index. */
hedge_status hedge__qp_check(const char *fn, const hedge_qp *qp, size_t n, size_t m, hedge_qp_vector which,
                             const double *values);

/* The built-in backends, always present in every context before the registered ones. */
extern const hedge_backend hedge__backend_admm;

#endif
