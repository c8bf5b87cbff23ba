/**
 * @file optimize.h
 * @brief The constraint optimizer: convex quadratic problems with a factored Hessian, L1 terms,
 *        bounds, linear rows and optional integrality, solved by pluggable backends.
 *
 * @defgroup optimize Optimization
 * @brief A finance-free optimization layer; the hedge layer builds its problems on it.
 *
 * @par The problem
 *     minimise    1/2 x' (D + F'F) x + c' x + sum_j w_j |x_j - t_j|
 *     subject to  lo_i <= a_i' x <= hi_i   (i < m, dense rows)
 *                 lb_j <= x_j <= ub_j       (j < n)
 *                 x_j integer where asked (only backends with ::HEDGE_BACKEND_CAP_MIP)
 * with D diagonal and non-negative and F a dense k x n matrix, so that a covariance or scenario
 * term F'F never has to be formed as a dense n x n matrix. Infinite bounds are written as
 * +-HUGE_VAL (or any value beyond +-1e30).
 *
 * @par Solving
 * A ::hedge_solver is a backend set up on a problem: the setup does every allocation and
 * factorisation; solve() never allocates through the context (a backend may allocate working memory
 * of its own: the glpk plugin's GLPK does). Vectors (c, w, t, lo, hi, lb, ub) can be updated on a
 * solver without a new setup, and a solve can be warm-started from any primal-dual point (by
 * backends with ::HEDGE_BACKEND_CAP_WARM_START).
 *
 * @par The built-in backend "admm"
 * An operator-splitting (ADMM) method after OSQP (Stellato et al., 2020): the bounds and the L1
 * terms are handled exactly by a proximal step, the data are equilibrated, and setup factorises
 * P + sigma I + A'RA once, as an n x n matrix when n <= k + m and through the (k + m) x (k + m)
 * Woodbury capacitance matrix otherwise (so F'F is formed only when it is the smaller object). When
 * the iterates settle, a polish solves the KKT system of the guessed active set exactly and is kept
 * only if it meets the tolerances, so answers are typically accurate to 1e-12 relative. Where the
 * free variables have no curvature (a linear program), a guess short of a vertex is completed with
 * the variables nearest their bounds, and a failed polish takes up to 25 primal or dual simplex
 * pivots from the vertex before ADMM resumes, which finishes the bases ADMM's iterates hover near; a solve whose ADMM iterations pass twice those of the last
 * solve from zero starts again from zero. An update
 * never refactorises; when it turns a row or bound between free, inequality and equality, the next
 * solve refactorises once, in memory set aside at setup. A solve first tries the polish on the
 * previous answer's active set (or on the warm start's), so a re-solve after a small change
 * usually takes no ADMM iteration at all. @c iterations counts ADMM iterations; @c max_iter
 * bounds them. Integer variables are handled by a branch and bound over these continuous
 * solves (::HEDGE_BACKEND_CAP_MIP), described next.
 *
 * @par Integer variables on "admm"
 * With integer variables "admm" runs a depth-first branch and bound over the continuous
 * relaxations. Each level of the search fixes one integer variable (chosen by pseudo-costs, the
 * bound's rise per unit measured on the nodes solved so far, each variable's first measurement
 * by strong branching: its floor and ceiling children solved once, and counted in @c nodes),
 * trying its values outward from the
 * relaxation's value, the nearer side first, so the search is never deeper than the number of
 * integer variables and all of its memory is allocated at setup. A value's relaxation is
 * the same QP with that variable's bounds changed, warm-started from the level's relaxation, so a
 * node usually costs one polish (a new factorisation happens only when ADMM iterations are needed
 * and a bound turned between free, inequality and equality; it uses memory set aside at setup).
 * A side is abandoned once its relaxation is infeasible or its lower bound reaches the incumbent:
 * the optimal value of a convex problem as a function of one fixed variable is convex, so values
 * further out cannot do better. An integer point is taken by rounding the integer variables of a
 * relaxation that is integral within 1e-6 and re-solving the continuous variables with those
 * values fixed: the integer entries of @c x are returned exactly integral, the continuous ones
 * optimal for them, and @c y and @c z are the duals of that last continuous problem (a bound dual
 * of an integer variable is the marginal value of its fixed value). A re-solve (after an update,
 * say) first tries the last answer's integer values that way, and starts from the last root
 * relaxation's answer unless hedge_solver_warm_start() says otherwise.
 * @par
 * Pruning compares the incumbent with a Lagrangian lower bound of each relaxation computed from
 * its primal-dual answer and the curvature of D, which is a valid bound however roughly the
 * relaxation was solved (exactly so where a variable's box is finite or its D_j > 0; across an
 * infinite side of a box with D_j = 0 the bound assumes that the relaxation's minimiser is within
 * 1 + |x_j| of the answer, a term that enters multiplied by the dual residual only). A search that finishes with ::HEDGE_SOLVE_OPTIMAL therefore returns
 * an integer point whose objective is within @c mip_gap times its magnitude of the best integer
 * point's, up to the relaxations' primal accuracy (the tolerances). @c iterations then counts the
 * ADMM iterations of every relaxation (each bounded by @c max_iter), @c nodes the relaxations
 * solved, bounded by @c max_nodes, and @c time_limit_s bounds the whole search. The search is
 * exhaustive in the worst case: many general integer variables in directions the quadratic
 * barely sees (a low-rank F, no D) can need more nodes than any limit allows; a looser
 * @c mip_gap, or fewer integer variables, keeps such problems tractable.
 *
 * @par The plugin backend "glpk"
 * The separate library libhedge-glpk (sys/glpk.h) offers the backend "glpk" for the linear and
 * mixed-integer form, through GLPK. GLPK is licensed under the GPL, and so is a program that links
 * the plugin; libhedge never links it. An application registers it in a context with
 * hedge_context_register_backend(ctx, hedge_glpk_backend()).
 *
 * @par Thread safety
 * A problem may be read by any number of threads (solvers set up on it, say) while nobody changes
 * it. A solver is used by one thread at a time.
 * @{
 */
#ifndef HEDGE_OPTIMIZE_H
#define HEDGE_OPTIMIZE_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque problem: the data of one optimization problem, owned copies. */
typedef struct hedge_qp hedge_qp;

/** @brief Opaque solver: a backend's state set up on a problem. */
typedef struct hedge_solver hedge_solver;

/**
 * @brief Creates a problem with @p n variables, a factor of @p k rows and @p m linear rows, all
 *        data zero: D = 0, F = 0, c = 0, no L1 terms, rows and bounds unbounded (-inf, +inf),
 *        no integer variables.
 * @param[out] out  The problem; NULL on failure.
 * @param ctx       The context; must outlive the problem.
 * @param n         Variables, >= 1.
 * @param k         Rows of the factor F (0: no factor term).
 * @param m         Linear rows (0: none).
 * @retval HEDGE_OK created; release with hedge_qp_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or n == 0.
 * @retval HEDGE_ERR_TOO_LARGE the data would not fit in memory addressing.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_qp_create(hedge_qp **out, hedge_context *ctx, size_t n, size_t k, size_t m);

/**
 * @brief Destroys a problem. NULL is ignored. Solvers set up on it stay usable.
 * @param qp  The problem.
 */
HEDGE_API void hedge_qp_destroy(hedge_qp *qp);

/** @brief Which vector of a problem a setter or an update addresses. */
typedef enum hedge_qp_vector {
    HEDGE_QP_DIAGONAL = 0, /**< D, n entries, finite and >= 0. */
    HEDGE_QP_LINEAR = 1,   /**< c, n entries, finite. */
    HEDGE_QP_L1_WEIGHT = 2,/**< w, n entries, finite and >= 0. */
    HEDGE_QP_L1_TARGET = 3,/**< t, n entries, finite. */
    HEDGE_QP_ROW_LO = 4,   /**< lo, m entries, not NaN, -inf allowed. */
    HEDGE_QP_ROW_HI = 5,   /**< hi, m entries, not NaN, +inf allowed, >= lo. */
    HEDGE_QP_LB = 6,       /**< lb, n entries, not NaN, -inf allowed. */
    HEDGE_QP_UB = 7        /**< ub, n entries, not NaN, +inf allowed, >= lb. */
} hedge_qp_vector;

/**
 * @brief Sets one vector of the problem.
 * @param qp      The problem.
 * @param which   Which vector.
 * @param values  n or m values, as ::hedge_qp_vector says; copied.
 * @retval HEDGE_OK set.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or unknown vector.
 * @retval HEDGE_ERR_DOMAIN a value out of its range (the message names its index); nothing changed.
 */
HEDGE_API hedge_status hedge_qp_set(hedge_qp *qp, hedge_qp_vector which, const double *values);

/**
 * @brief Sets the factor F, k x n, row-major with leading dimension @p ld (>= n).
 * @param qp      The problem.
 * @param F       k rows of n finite values; copied.
 * @param ld      Distance between rows in @p F, in elements.
 * @retval HEDGE_OK set. HEDGE_ERR_INVALID_ARG, HEDGE_ERR_DOMAIN (a non-finite entry) as hedge_qp_set().
 */
HEDGE_API hedge_status hedge_qp_set_factor(hedge_qp *qp, const double *F, size_t ld);

/**
 * @brief Sets the linear rows A, m x n, row-major with leading dimension @p ld (>= n).
 * @param qp      The problem.
 * @param A       m rows of n finite values; copied.
 * @param ld      Distance between rows, in elements.
 * @retval HEDGE_OK set. HEDGE_ERR_INVALID_ARG, HEDGE_ERR_DOMAIN as hedge_qp_set().
 */
HEDGE_API hedge_status hedge_qp_set_rows(hedge_qp *qp, const double *A, size_t ld);

/**
 * @brief Marks variables as integer (or continuous again).
 * @param qp          The problem.
 * @param is_integer  n flags, non-zero for integer; NULL clears them all.
 * @retval HEDGE_OK set. HEDGE_ERR_INVALID_ARG NULL problem.
 */
HEDGE_API hedge_status hedge_qp_set_integer(hedge_qp *qp, const unsigned char *is_integer);

/**
 * @brief Sizes of a problem.
 * @param qp      The problem.
 * @param[out] n  Variables, or NULL.
 * @param[out] k  Factor rows, or NULL.
 * @param[out] m  Linear rows, or NULL.
 * @retval HEDGE_OK written. HEDGE_ERR_INVALID_ARG NULL problem.
 */
HEDGE_API hedge_status hedge_qp_size(const hedge_qp *qp, size_t *n, size_t *k, size_t *m);

/**
 * @brief Read access to a problem's data, for backends and for checking: the vector @p which
 *        (n or m entries), valid until the problem is changed or destroyed.
 * @param qp     The problem.
 * @param which  The vector.
 * @return The values, or NULL for a NULL problem or unknown vector.
 */
HEDGE_API const double *hedge_qp_vector_data(const hedge_qp *qp, hedge_qp_vector which);

/**
 * @brief Read access to F (k x n) or A (m x n), row-major with leading dimension n.
 * @param qp      The problem.
 * @param factor  Non-zero for F, zero for A.
 * @return The matrix (NULL when it has no rows or for a NULL problem).
 */
HEDGE_API const double *hedge_qp_matrix_data(const hedge_qp *qp, int factor);

/**
 * @brief Read access to the integrality flags (n entries, 1 for integer).
 * @param qp  The problem.
 * @return The flags, or NULL for a NULL problem.
 */
HEDGE_API const unsigned char *hedge_qp_integer_data(const hedge_qp *qp);

/** @brief Outcome of a solve. */
typedef enum hedge_solve_status {
    HEDGE_SOLVE_OPTIMAL = 0,            /**< Converged to the requested tolerances. */
    HEDGE_SOLVE_PRIMAL_INFEASIBLE = 1,  /**< No point meets the constraints; a certificate is in y and
                                             z (A'y + z ~ 0 with a negative support function of the
                                             bounds), scaled to a largest entry of 1; objective +inf.
                                             With integer variables whose continuous relaxation is
                                             feasible, no such certificate exists: y and z are then
                                             zero and x is the relaxation's answer. */
    HEDGE_SOLVE_DUAL_INFEASIBLE = 2,    /**< The objective is unbounded below; a direction d is in x
                                             (P d ~ 0, c'd + sum w|d| < 0, feasible for the bounds),
                                             scaled to a largest entry of 1; objective -inf. */
    HEDGE_SOLVE_ITERATION_LIMIT = 3,    /**< Stopped at the iteration limit; x is the last iterate. With
                                             integer variables: the search did not finish (the node
                                             limit, or a relaxation that stopped at the iteration
                                             limit where no branching was left, or that ADMM could not
                                             settle); x is the best integer point found, or, when
                                             none was, the root relaxation's answer. */
    HEDGE_SOLVE_TIME_LIMIT = 4          /**< Stopped at the time limit (x as for the iteration limit). */
} hedge_solve_status;

/** @brief Solver settings. Initialise with ::HEDGE_SOLVER_OPTIONS_INIT. */
typedef struct hedge_solver_options {
    size_t struct_size;   /**< sizeof(hedge_solver_options) as the caller knows it. */
    double eps_abs;       /**< Absolute tolerance on residuals; default 1e-9. */
    double eps_rel;       /**< Relative tolerance on residuals; default 1e-9. */
    size_t max_iter;      /**< Iteration limit; default 100000 (backend-specific meaning; on "admm" with
                               integer variables, the limit of each relaxation). */
    double time_limit_s;  /**< Wall-clock limit in seconds; 0: none. */
    int polish;           /**< Non-zero: refine the answer on the active set (default 1). */
    size_t max_nodes;     /**< Integer variables: the most relaxations a branch and bound solves, >= 1;
                               default 100000. Ignored without integer variables. */
    double mip_gap;       /**< Integer variables: a node is pruned when its lower bound is within
                               mip_gap * |incumbent objective| of the incumbent, so the answer is
                               optimal within that relative gap; >= 0, default 1e-6 (0: prune only
                               nodes that cannot do better). Ignored without integer variables. */
} hedge_solver_options;

/** @brief Initialiser for ::hedge_solver_options with the defaults above. */
#define HEDGE_SOLVER_OPTIONS_INIT { sizeof(hedge_solver_options), 1e-9, 1e-9, 100000, 0.0, 1, 100000, 1e-6 }

/**
 * @brief A solve's answer. The arrays are the caller's: x of n, y of m, z of n entries (any may be
 *        NULL). Initialise with ::HEDGE_SOLUTION_INIT and point the arrays.
 *
 * Duals follow the sign convention of the Lagrangian L = f(x) + y'(Ax) + z'x with y_i >= 0 when
 * row i is at its upper bound and <= 0 at its lower bound (the same for z and the bounds): a
 * shadow price, the rate at which the optimum rises per unit the bound is tightened.
 */
typedef struct hedge_solution {
    size_t struct_size;         /**< sizeof(hedge_solution) as the caller knows it. */
    double *x;                  /**< n primal values (or an unbounded direction). */
    double *y;                  /**< m row duals (or an infeasibility certificate). */
    double *z;                  /**< n bound duals. */
    hedge_solve_status status;  /**< The outcome. */
    double objective;           /**< Objective at x, L1 terms included. */
    double primal_residual;     /**< Largest violation of a row or bound at x. */
    double dual_residual;       /**< Largest entry of the Lagrangian's (sub)gradient at (x, y, z). */
    size_t iterations;          /**< Iterations taken. */
    double solve_time_s;        /**< Wall-clock time of the solve. */
    size_t nodes;               /**< Integer variables: the relaxations the branch and bound solved (the
                                     root, every value tried, and every re-solve with the integer
                                     variables fixed at a candidate's values); 0 without integer
                                     variables, or from a backend that does not count them. Written
                                     only when @c struct_size covers it. */
} hedge_solution;

/** @brief Initialiser for ::hedge_solution (no arrays). */
#define HEDGE_SOLUTION_INIT { sizeof(hedge_solution), NULL, NULL, NULL, HEDGE_SOLVE_OPTIMAL, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Sets a backend up on a problem: checks what the problem needs against the backend's
 *        capabilities, copies the data, allocates and factorises.
 * @param[out] out    The solver; NULL on failure.
 * @param ctx         The context: its backend registry, allocator and log.
 * @param backend     A registered backend's name, or NULL for the built-in default ("admm").
 * @param qp          The problem; the solver keeps its own copy of what it needs.
 * @param options     Settings, or NULL for the defaults.
 * @retval HEDGE_OK set up; release with hedge_solver_destroy().
 * @retval HEDGE_ERR_NOT_FOUND no backend of that name.
 * @retval HEDGE_ERR_UNSUPPORTED the problem needs what the backend lacks (integers, say).
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, bad options.
 * @retval HEDGE_ERR_DOMAIN inconsistent data (lo > hi, lb > ub).
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @retval HEDGE_ERR_BACKEND the backend failed (its message is passed on).
 */
HEDGE_API hedge_status hedge_solver_create(hedge_solver **out, hedge_context *ctx, const char *backend,
                                           const hedge_qp *qp, const hedge_solver_options *options);

/**
 * @brief Destroys a solver. NULL is ignored.
 * @param solver  The solver.
 */
HEDGE_API void hedge_solver_destroy(hedge_solver *solver);

/**
 * @brief Solves; allocates nothing through the context (a backend may allocate working memory of
 *        its own: the glpk plugin's GLPK does, with malloc; sys/glpk.h).
 * @param solver        The solver.
 * @param[in,out] solution  Output; @c struct_size set, arrays pointed (or NULL).
 * @retval HEDGE_OK solved: the outcome, optimal or not, is in @c solution->status.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a too small @c struct_size.
 * @retval HEDGE_ERR_NOMEM memory the backend allocates outside the context ran out.
 * @retval HEDGE_ERR_BACKEND the backend failed.
 */
HEDGE_API hedge_status hedge_solver_solve(hedge_solver *solver, hedge_solution *solution);

/**
 * @brief Replaces one vector of the solver's problem (not D: that is in the factorisation), keeping
 *        the setup. The next solve starts from the last solution unless warm_start says otherwise.
 * @param solver  The solver.
 * @param which   Any vector but ::HEDGE_QP_DIAGONAL.
 * @param values  n or m values.
 * @retval HEDGE_OK replaced.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or ::HEDGE_QP_DIAGONAL.
 * @retval HEDGE_ERR_DOMAIN a bad value; nothing changed.
 */
HEDGE_API hedge_status hedge_solver_update(hedge_solver *solver, hedge_qp_vector which, const double *values);

/**
 * @brief Starts the next solve from a given point. Backends without
 *        ::HEDGE_BACKEND_CAP_WARM_START may check the point and ignore it ("glpk" does).
 * @param solver  The solver.
 * @param x       n primal values, or NULL for zeros.
 * @param y       m row duals, or NULL for zeros.
 * @retval HEDGE_OK set. HEDGE_ERR_INVALID_ARG NULL solver. HEDGE_ERR_DOMAIN non-finite values.
 */
HEDGE_API hedge_status hedge_solver_warm_start(hedge_solver *solver, const double *x, const double *y);

/**
 * @brief The name of the backend a solver runs on.
 * @param solver  The solver.
 * @return The name (static storage of the backend), or NULL for NULL.
 */
HEDGE_API const char *hedge_solver_backend(const hedge_solver *solver);

/**
 * @brief Names of the backends registered in a context (built-ins first).
 * @param ctx          The context.
 * @param[out] names   Up to @p capacity names (static storage); may be NULL when @p capacity is 0.
 * @param capacity     Entries available.
 * @param[out] count   The number of backends, also when more than @p capacity.
 * @param[out] capabilities  For each name written, its ::hedge_backend_capability bits; may be NULL.
 * @retval HEDGE_OK written. HEDGE_ERR_INVALID_ARG NULL argument.
 */
HEDGE_API hedge_status hedge_backends(const hedge_context *ctx, const char **names, size_t capacity, size_t *count,
                                      uint64_t *capabilities);

/** @brief What a backend can do (see include/hedge/sys/backend.h). */
typedef enum hedge_backend_capability {
    HEDGE_BACKEND_CAP_QP = 1,         /**< Quadratic objectives (D, F). */
    HEDGE_BACKEND_CAP_L1 = 2,         /**< L1 terms. */
    HEDGE_BACKEND_CAP_MIP = 4,        /**< Integer variables. */
    HEDGE_BACKEND_CAP_WARM_START = 8, /**< Warm starts shorten solves. */
    HEDGE_BACKEND_CAP_DUALS = 16,     /**< Returns duals (shadow prices). */
    HEDGE_BACKEND_CAP_CERTIFICATES = 32 /**< Returns infeasibility certificates. */
} hedge_backend_capability;

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_OPTIMIZE_H */
