/* The built-in backend "admm" (to be written on this branch: an operator-splitting QP solver). */
#include "optimize/qp_internal.h"

#include "core/internal.h"

static hedge_status setup(void **state, void *user, hedge_context *ctx, const hedge_qp *qp,
                          const hedge_solver_options *options) {
    (void)state, (void)user, (void)qp, (void)options;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "admm: not written yet");
}
static hedge_status solve(void *state, hedge_solution *solution) {
    (void)state, (void)solution;
    return HEDGE_ERR_UNSUPPORTED;
}
static hedge_status update(void *state, hedge_qp_vector which, const double *values) {
    (void)state, (void)which, (void)values;
    return HEDGE_ERR_UNSUPPORTED;
}
static hedge_status warm_start(void *state, const double *x, const double *y) {
    (void)state, (void)x, (void)y;
    return HEDGE_ERR_UNSUPPORTED;
}
static void destroy(void *state) { (void)state; }

const hedge_backend hedge__backend_admm = {
    HEDGE_BACKEND_ABI_VERSION, sizeof(hedge_backend), "admm",
    HEDGE_BACKEND_CAP_QP | HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_WARM_START | HEDGE_BACKEND_CAP_DUALS |
        HEDGE_BACKEND_CAP_CERTIFICATES,
    NULL, setup, solve, update, warm_start, destroy,
};
