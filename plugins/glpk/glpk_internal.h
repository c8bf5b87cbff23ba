/* The plugin's internal hook for tests (tests/test_backends.c); not exported from libhedge-glpk.so. */
#ifndef HEDGE_PLUGIN_GLPK_INTERNAL_H
#define HEDGE_PLUGIN_GLPK_INTERNAL_H

/*
 * Caps GLPK's own allocations in the environment each later solve sets up, in megabytes (0: no cap),
 * so that the path where GLPK runs out of memory can be taken on purpose. `state` is the state the
 * glpk backend's setup() made (the caller checks that the solver runs on glpk). It takes effect only
 * where the solve owns the thread's GLPK environment (see glpk.c).
 */
void hedge__glpk_test_mem_limit(void *state, int megabytes);

#endif
