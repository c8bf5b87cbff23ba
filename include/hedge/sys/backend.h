/**
 * @file sys/backend.h
 * @brief The optimizer plugin interface: a versioned table of functions a backend provides.
 *
 * @defgroup backend Optimizer backends
 * @brief How to plug a solver into libhedge.
 *
 * A backend is a ::hedge_backend table registered in a context with
 * hedge_context_register_backend(); hedge_solver_create() then finds it by name. The library
 * calls the table's functions only as documented here, from the thread that calls the matching
 * hedge_solver_* function, never two at a time on one state.
 *
 * A backend reads the problem through hedge_qp_size(), hedge_qp_vector_data(),
 * hedge_qp_matrix_data() and hedge_qp_integer_data() during setup, and must keep whatever it
 * needs: the problem may be destroyed after setup. It should allocate through the context
 * (hedge_context_alloc(), hedge_context_free()) so that the application's allocator and its
 * out-of-memory behaviour apply, and report failures with a status.
 *
 * @par Errors
 * When a backend's function fails, the library records the calling thread's error detail
 * (hedge_error_message()) naming the function, the backend and the status. A backend cannot record
 * a detail of its own: its message, GLPK's words for instance, goes to the context's log with
 * hedge_context_log() at ::HEDGE_LOG_ERROR, where the application's log callback receives it.
 *
 * @par ABI
 * The table starts with @c abi_version and @c struct_size: later versions only append members, and
 * the library accepts any table whose version it knows.
 * @{
 */
#ifndef HEDGE_SYS_BACKEND_H
#define HEDGE_SYS_BACKEND_H

#include <hedge/optimize.h>

HEDGE_BEGIN_DECLS

/** @brief The version of ::hedge_backend this header describes. */
#define HEDGE_BACKEND_ABI_VERSION 1

/** @brief A backend's function table. */
typedef struct hedge_backend {
    uint32_t abi_version;   /**< ::HEDGE_BACKEND_ABI_VERSION. */
    size_t struct_size;     /**< sizeof(hedge_backend). */
    const char *name;       /**< 1 to 31 bytes, unique in a context; static storage. */
    uint64_t capabilities;  /**< ::hedge_backend_capability bits. */
    void *user;             /**< Passed to setup(). */
    /**
     * Sets up on a problem. On success *state is the backend's state, freed by destroy().
     * Returns ::HEDGE_OK, ::HEDGE_ERR_NOMEM, ::HEDGE_ERR_UNSUPPORTED or ::HEDGE_ERR_BACKEND.
     */
    hedge_status (*setup)(void **state, void *user, hedge_context *ctx, const hedge_qp *qp,
                          const hedge_solver_options *options);
    /** Solves into @p solution (its arrays may be NULL); must not allocate through the context. The
     *  library passes a complete ::hedge_solution of its own version (@c struct_size says which),
     *  initialised with ::HEDGE_SOLUTION_INIT and the caller's arrays, and copies to the caller only
     *  the members the caller's struct holds: a backend sets the members it knows and may leave the
     *  rest. Returns ::HEDGE_OK (the outcome, optimal or not, in @p solution), ::HEDGE_ERR_NOMEM
     *  when memory of the backend's own ran out, or ::HEDGE_ERR_BACKEND; hedge_solver_solve()
     *  reports any other status as ::HEDGE_ERR_BACKEND. */
    hedge_status (*solve)(void *state, hedge_solution *solution);
    /** Replaces one vector (never ::HEDGE_QP_DIAGONAL). The library has checked each value's own
     *  range; the backend returns ::HEDGE_ERR_DOMAIN, changing nothing, if a lower bound would then
     *  exceed its upper bound. */
    hedge_status (*update)(void *state, hedge_qp_vector which, const double *values);
    /** Starts the next solve from (x, y); either may be NULL for zeros. */
    hedge_status (*warm_start)(void *state, const double *x, const double *y);
    /** Frees the state; NULL is never passed. */
    void (*destroy)(void *state);
} hedge_backend;

/**
 * @brief Registers a backend in a context. The table is copied; its name must stay valid.
 *
 * Registration is for program start-up: do not register while other threads create solvers on the
 * same context (solvers in flight are not affected). At most 16 backends per context.
 * @param ctx      The context.
 * @param backend  The table.
 * @retval HEDGE_OK registered.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a missing function, a bad name or an unknown
 *         @c abi_version.
 * @retval HEDGE_ERR_EXISTS a backend of that name (built-in or registered) exists.
 * @retval HEDGE_ERR_TOO_LARGE the context's registry is full.
 */
HEDGE_API hedge_status hedge_context_register_backend(hedge_context *ctx, const hedge_backend *backend);

/**
 * @brief Allocates through a context's allocator (for backends).
 * @param ctx    The context.
 * @param size   Bytes; 0 is served as 1.
 * @param align  Alignment, a power of two, or 0 for that of max_align_t.
 * @return The block, or NULL when the allocator refused.
 */
HEDGE_API void *hedge_context_alloc(hedge_context *ctx, size_t size, size_t align);

/**
 * @brief Frees a block from hedge_context_alloc(), with the size and alignment it was allocated with.
 * @param ctx    The context.
 * @param ptr    The block, or NULL.
 * @param size   Its size as requested.
 * @param align  Its alignment as requested.
 */
HEDGE_API void hedge_context_free(hedge_context *ctx, void *ptr, size_t size, size_t align);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_SYS_BACKEND_H */
