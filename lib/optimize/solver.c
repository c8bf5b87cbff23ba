/* Solvers: a backend found by name in the context's registry, set up on a problem. */
#include "optimize/qp_internal.h"

#include "core/internal.h"

#include <math.h>
#include <string.h>

static const hedge_backend *const builtins[] = {&hedge__backend_admm};
enum { N_BUILTINS = sizeof builtins / sizeof builtins[0], MAX_REGISTERED = 16 };

HEDGE_API void *hedge_context_alloc(hedge_context *ctx, size_t size, size_t align) {
    return ctx ? hedge__alloc(ctx, size, align) : NULL;
}

HEDGE_API void hedge_context_free(hedge_context *ctx, void *ptr, size_t size, size_t align) {
    if (ctx)
        hedge__free(ctx, ptr, size, align);
}

/*
 * After a backend's function returned the failure st: keeps the error detail the backend recorded,
 * or records one naming the backend. Built-in backends record theirs with hedge__fail(); a backend
 * outside the library cannot (the plugin interface gives it the context's log for its messages), and
 * the thread's detail may then be an older failure's, with the same status even: the serial taken
 * before the call tells whether the backend recorded this one.
 */
static hedge_status backend_failed(const hedge_context *ctx, unsigned long serial, hedge_status st, const char *fn,
                                   const char *name, const char *what) {
    if (hedge__error_serial() != serial && hedge_error_status() == st)
        return st;
    return hedge__fail(ctx, st, "%s: backend %s %s: %s", fn, name, what, hedge_status_str(st));
}

static const hedge_backend *find(const hedge_context *ctx, const char *name) {
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(builtins[i]->name, name) == 0)
            return builtins[i];
    size_t n = atomic_load_explicit(&((hedge_context *)(uintptr_t)ctx)->n_backends, memory_order_acquire);
    for (size_t i = 0; i < n; i++)
        if (strcmp(ctx->backends[i].name, name) == 0)
            return &ctx->backends[i];
    return NULL;
}

HEDGE_API hedge_status hedge_context_register_backend(hedge_context *ctx, const hedge_backend *b) {
    static const char fn[] = "hedge_context_register_backend";
    if (!ctx || !b)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (b->abi_version != HEDGE_BACKEND_ABI_VERSION || b->struct_size < sizeof(hedge_backend))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: unknown table version %u (size %zu)", fn,
                           (unsigned)b->abi_version, b->struct_size);
    if (!b->name || !b->name[0] || strlen(b->name) > 31 || !b->setup || !b->solve || !b->update ||
        !b->warm_start || !b->destroy)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: the table needs a name of 1 to 31 bytes and every "
                           "function", fn);
    if (find(ctx, b->name))
        return hedge__fail(ctx, HEDGE_ERR_EXISTS, "%s: a backend named %s exists", fn, b->name);
    size_t n = atomic_load_explicit(&ctx->n_backends, memory_order_relaxed);
    if (n >= MAX_REGISTERED)
        return hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: %d backends are registered already", fn, MAX_REGISTERED);
    memcpy(&ctx->backends[n], b, sizeof *b);
    ctx->backends[n].struct_size = sizeof *b;
    atomic_store_explicit(&ctx->n_backends, n + 1, memory_order_release);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_backends(const hedge_context *ctx, const char **names, size_t capacity, size_t *count,
                                      uint64_t *capabilities) {
    if (!ctx || !count || (!names && capacity))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "hedge_backends: NULL argument");
    size_t reg = atomic_load_explicit(&((hedge_context *)(uintptr_t)ctx)->n_backends, memory_order_acquire);
    *count = N_BUILTINS + reg;
    for (size_t i = 0; i < *count && i < capacity; i++) {
        const hedge_backend *b = i < N_BUILTINS ? builtins[i] : &ctx->backends[i - N_BUILTINS];
        names[i] = b->name;
        if (capabilities)
            capabilities[i] = b->capabilities;
    }
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_solver_create(hedge_solver **out, hedge_context *ctx, const char *backend,
                                           const hedge_qp *qp, const hedge_solver_options *options) {
    static const char fn[] = "hedge_solver_create";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !qp)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge_solver_options o = HEDGE_SOLVER_OPTIONS_INIT;
    hedge_status st = HEDGE_OK;
    if (options && (st = hedge__options_copy(&o, sizeof o, options, fn)))
        return st;
    if (!(o.eps_abs >= 0.0) || !(o.eps_rel >= 0.0) || !(o.eps_abs + o.eps_rel > 0.0) || o.max_iter == 0 ||
        !(o.time_limit_s >= 0.0) || o.max_nodes == 0 || !(o.mip_gap >= 0.0 && o.mip_gap < HUGE_VAL))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: tolerances must be >= 0 and not both 0, max_iter > 0, "
                           "time_limit_s >= 0, max_nodes > 0, mip_gap finite and >= 0", fn);
    const hedge_backend *b = find(ctx, backend ? backend : "admm");
    if (!b)
        return hedge__fail(ctx, HEDGE_ERR_NOT_FOUND, "%s: no backend named %s", fn, backend);
    /* what the problem needs, against what the backend offers */
    bool quadratic = qp->k > 0, l1 = false, integer = false;
    for (size_t j = 0; j < qp->n; j++) {
        quadratic |= qp->vec[HEDGE_QP_DIAGONAL][j] != 0.0;
        l1 |= qp->vec[HEDGE_QP_L1_WEIGHT][j] != 0.0;
        integer |= qp->is_int[j] != 0;
    }
    const char *lack = quadratic && !(b->capabilities & HEDGE_BACKEND_CAP_QP) ? "quadratic terms"
                       : l1 && !(b->capabilities & HEDGE_BACKEND_CAP_L1)      ? "L1 terms"
                       : integer && !(b->capabilities & HEDGE_BACKEND_CAP_MIP) ? "integer variables"
                                                                                : NULL;
    if (lack)
        return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "%s: backend %s does not handle %s", fn, b->name, lack);
    hedge_solver *s = hedge__alloc(ctx, sizeof *s, 0);
    if (!s)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->backend = *b;
    s->n = qp->n;
    s->m = qp->m;
    unsigned long serial = hedge__error_serial();
    if ((st = b->setup(&s->state, b->user, ctx, qp, &o)) != HEDGE_OK) {
        hedge__free(ctx, s, sizeof *s, 0);
        if (st != HEDGE_ERR_NOMEM && st != HEDGE_ERR_UNSUPPORTED && st != HEDGE_ERR_DOMAIN)
            st = HEDGE_ERR_BACKEND;
        return backend_failed(ctx, serial, st, fn, b->name, "failed to set up");
    }
    *out = s;
    return HEDGE_OK;
}

HEDGE_API void hedge_solver_destroy(hedge_solver *s) {
    if (!s)
        return;
    s->backend.destroy(s->state);
    hedge__free(s->ctx, s, sizeof *s, 0);
}

HEDGE_API hedge_status hedge_solver_solve(hedge_solver *s, hedge_solution *solution) {
    static const char fn[] = "hedge_solver_solve";
    if (!s || !solution)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (solution->struct_size < offsetof(hedge_solution, solve_time_s) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: solution->struct_size %zu is too small (set it with "
                           "HEDGE_SOLUTION_INIT)", fn, solution->struct_size);
    /* the backend fills a struct of this version; the caller gets the prefix its struct_size covers */
    hedge_solution full = HEDGE_SOLUTION_INIT;
    full.x = solution->x, full.y = solution->y, full.z = solution->z;
    unsigned long serial = hedge__error_serial();
    hedge_status st = s->backend.solve(s->state, &full);
    hedge__output_copy(solution, &full, sizeof full);
    if (st == HEDGE_OK)
        return st;
    if (st != HEDGE_ERR_NOMEM)
        st = HEDGE_ERR_BACKEND;
    return backend_failed(s->ctx, serial, st, fn, s->backend.name, "failed");
}

HEDGE_API hedge_status hedge_solver_update(hedge_solver *s, hedge_qp_vector which, const double *values) {
    static const char fn[] = "hedge_solver_update";
    if (!s || !values || (int)which <= HEDGE_QP_DIAGONAL || (int)which > HEDGE_QP_UB)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument, or a vector that cannot be updated", fn);
    hedge_status st = hedge__qp_check(fn, NULL, s->n, s->m, which, values);
    if (st)
        return st;
    unsigned long serial = hedge__error_serial();
    st = s->backend.update(s->state, which, values);
    return st == HEDGE_OK ? st : backend_failed(s->ctx, serial, st, fn, s->backend.name, "refused the update");
}

HEDGE_API hedge_status hedge_solver_warm_start(hedge_solver *s, const double *x, const double *y) {
    static const char fn[] = "hedge_solver_warm_start";
    if (!s)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: solver is NULL", fn);
    for (size_t j = 0; x && j < s->n; j++)
        if (!isfinite(x[j]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: x[%zu] is not finite", fn, j);
    for (size_t i = 0; y && i < s->m; i++)
        if (!isfinite(y[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: y[%zu] is not finite", fn, i);
    unsigned long serial = hedge__error_serial();
    hedge_status st = s->backend.warm_start(s->state, x, y);
    return st == HEDGE_OK ? st : backend_failed(s->ctx, serial, st, fn, s->backend.name, "refused the warm start");
}

HEDGE_API const char *hedge_solver_backend(const hedge_solver *s) { return s ? s->backend.name : NULL; }
