/* A program that uses the glpk plugin as a user of an installed build writes it: <hedge/hedge.h>,
 * <hedge/sys/glpk.h> and `pkg-config libhedge-glpk`. It registers the backend and solves
 * min -x0 - 2 x1 s.t. x0 + x1 <= 3.5, x0, x1 in [0, 2], x1 integer: x = (1.5, 2), objective -5.5. */
#include <hedge/hedge.h>
#include <hedge/sys/glpk.h>

#include <stdio.h>
#include <string.h>

/* no libm: the shared link has only what `pkg-config --libs` gives */
static double dist(double a, double b) { return a > b ? a - b : b - a; }

int main(void) {
    hedge_context *ctx = NULL;
    hedge_qp *qp = NULL;
    hedge_solver *sv = NULL;
    int code = 1;
    double c[2] = {-1, -2}, a[2] = {1, 1}, hi[1] = {3.5}, lb[2] = {0, 0}, ub[2] = {2, 2}, x[2] = {0, 0};
    unsigned char is_int[2] = {0, 1};
    hedge_solution sol = HEDGE_SOLUTION_INIT;
    sol.x = x;
    if (hedge_context_create(&ctx, NULL) != HEDGE_OK ||
        hedge_context_register_backend(ctx, hedge_glpk_backend()) != HEDGE_OK ||
        hedge_qp_create(&qp, ctx, 2, 0, 1) != HEDGE_OK || hedge_qp_set(qp, HEDGE_QP_LINEAR, c) != HEDGE_OK ||
        hedge_qp_set_rows(qp, a, 2) != HEDGE_OK || hedge_qp_set(qp, HEDGE_QP_ROW_HI, hi) != HEDGE_OK ||
        hedge_qp_set(qp, HEDGE_QP_LB, lb) != HEDGE_OK || hedge_qp_set(qp, HEDGE_QP_UB, ub) != HEDGE_OK ||
        hedge_qp_set_integer(qp, is_int) != HEDGE_OK || hedge_solver_create(&sv, ctx, "glpk", qp, NULL) != HEDGE_OK ||
        hedge_solver_solve(sv, &sol) != HEDGE_OK) {
        fprintf(stderr, "consumer-glpk: %s\n", hedge_error_message());
        goto done;
    }
    if (sol.status != HEDGE_SOLVE_OPTIMAL || dist(x[0], 1.5) > 1e-9 || x[1] != 2.0 ||
        dist(sol.objective, -5.5) > 1e-9) {
        fprintf(stderr, "consumer-glpk: status %d, x = (%g, %g), objective %g\n", (int)sol.status, x[0], x[1],
                sol.objective);
        goto done;
    }
    printf("consumer-glpk: libhedge %s, backend %s: x = (%g, %g), objective %g\n", hedge_version_string(),
           hedge_solver_backend(sv), x[0], x[1], sol.objective);
    code = 0;
done:
    hedge_solver_destroy(sv);
    hedge_qp_destroy(qp);
    hedge_context_destroy(ctx);
    return code;
}
