/* The built-in backend "glpk" (lib/optimize/glpk.c), present when the library is built with GLPK. */
#ifndef HEDGE_OPTIMIZE_GLPK_INTERNAL_H
#define HEDGE_OPTIMIZE_GLPK_INTERNAL_H

#include "optimize/qp_internal.h"

#include <stdbool.h>

extern const hedge_backend hedge__backend_glpk;

/*
 * For tests: caps GLPK's own allocations in the environment each later solve of `solver` sets up, in
 * megabytes (0: no cap), so that the path where GLPK runs out of memory can be taken on purpose. It
 * takes effect only where the solve owns the thread's GLPK environment (see glpk.c). Returns false
 * when the solver does not run on the glpk backend.
 */
bool hedge__glpk_test_mem_limit(hedge_solver *solver, int megabytes);

#endif
