/**
 * @file sys/glpk.h
 * @brief The optimizer backend "glpk": linear and mixed-integer problems through GLPK, in the
 *        separate library libhedge-glpk.
 *
 * @defgroup glpk The glpk plugin (GPL)
 * @brief An optimizer backend of its own library, because GLPK is licensed under the GPL.
 *
 * @par Licence
 * GLPK, the GNU Linear Programming Kit, is licensed under the GNU General Public License, version 3
 * or later. libhedge-glpk links GLPK, so <b>a program that links libhedge-glpk is covered by the
 * GPL</b>: when it is distributed, the GPL's terms apply to the program as a whole, including its
 * source. libhedge itself (MIT) never links GLPK, and a program that uses libhedge without
 * libhedge-glpk is not affected. Use this plugin only where the GPL's terms are acceptable.
 *
 * @par Building and linking
 * libhedge-glpk.so.1 is built from source next to libhedge when GLPK is found (Debian:
 * libglpk-dev; meson option @c glpk, auto by default). It is not part of the Debian packages of
 * libhedge, which stay MIT-only. A program compiles with <tt>pkg-config --cflags --libs
 * libhedge-glpk</tt> (which brings libhedge's flags too) and registers the backend in each context
 * that should offer it:
 * @code
 * #include <hedge/sys/glpk.h>
 *
 * hedge_context_register_backend(ctx, hedge_glpk_backend());
 * hedge_solver_create(&solver, ctx, "glpk", qp, NULL);
 * @endcode
 * A static link (libhedge-glpk.a, <tt>pkg-config --static</tt>) defines @c HEDGE_STATIC, as for
 * libhedge.a.
 *
 * @par What it solves
 * The linear and mixed-integer form of optimize.h's problem (D = 0 and k = 0: the backend does not
 * claim ::HEDGE_BACKEND_CAP_QP, so hedge_solver_create() refuses others with
 * ::HEDGE_ERR_UNSUPPORTED), with GLPK's primal simplex method, presolve off, and for integer
 * variables with GLPK's branch and cut (no presolve, no cut generators) after the LP relaxation.
 * Each L1 term becomes split variables, x_j - p_j + q_j = t_j with p_j, q_j >= 0 costing
 * w_j (p_j + q_j). The bounds of an integer variable are rounded inwards, forgiving 1e-9 relative
 * noise. GLPK works on a scaled copy of each LP; when its optimal vertex is not optimal for the
 * problem as given (badly scaled rows can do that), the solve continues unscaled from there.
 * Answers are simplex vertices, exact to GLPK's factorisation (about 1e-11 relative);
 * @c eps_abs, @c eps_rel and @c polish are not used. @c iterations counts simplex iterations over
 * every LP a solve runs, and @c max_iter bounds them (branch and cut checks between nodes, so it may
 * overrun by one node's LP); @c time_limit_s goes to GLPK in whole milliseconds. With integer
 * variables, @c nodes counts the subproblems of GLPK's search tree, @c max_nodes bounds that count
 * (checked as the tree grows, two nodes a branching, so it may overrun by one; the outcome is then
 * ::HEDGE_SOLVE_ITERATION_LIMIT), and @c mip_gap is GLPK's relative gap: a search that reaches it
 * ends ::HEDGE_SOLVE_OPTIMAL with its incumbent. Capabilities:
 * ::HEDGE_BACKEND_CAP_L1, ::HEDGE_BACKEND_CAP_MIP, ::HEDGE_BACKEND_CAP_DUALS and
 * ::HEDGE_BACKEND_CAP_CERTIFICATES.
 *  - Duals. For an LP, GLPK's row and column duals in the convention of ::hedge_solution (y = -pi,
 *    z = -d). For a mixed-integer optimum, the duals of the LP that remains when every integer
 *    variable is fixed at its value, which the solve re-solves (and whose solution gives x's
 *    continuous part): stationarity and complementarity hold for that LP, so the z of an integer
 *    variable is the price of fixing it and may be non-zero away from its bounds. y and z are 0
 *    when that LP fails, and at an iteration or time limit of a mixed-integer solve, where x is
 *    the best integer point found (the relaxation's point when there is none).
 *  - Certificates. Primal infeasibility: (y, z) are the duals of the elastic problem (the rows'
 *    violation minimised within the bounds, integrality ignored) and x its least infeasible point;
 *    an integer problem that is infeasible only through integrality has no such certificate, and y
 *    and z are 0. Unboundedness: x is a direction minimising c'd + sum w|d| over the recession cone
 *    of the rows and bounds within [-1, 1]^n. An integer problem whose relaxation is unbounded is
 *    reported unbounded when it has an integer point (branch and cut on a zero objective decides;
 *    the direction is one of the relaxation), infeasible otherwise. The residuals are measured at
 *    the x, y and z returned.
 *  - Updates and warm starts. An update only replaces the solver's copy of a vector. Each solve
 *    builds the GLPK problem afresh (O(nonzeros)) and hands GLPK the basis the previous solve ended
 *    with, so a re-solve after a small change takes few iterations and one after no change none;
 *    when that basis no longer fits (an L1 term switched off, say), GLPK starts from a crash basis.
 *    hedge_solver_warm_start() is accepted and ignored, since a point gives the simplex nothing
 *    better than its last basis: the backend does not claim ::HEDGE_BACKEND_CAP_WARM_START.
 *  - Memory. Setup allocates through the context (and only setup does); GLPK allocates the problem,
 *    its factorisation and the search tree with malloc during every solve, outside the context's
 *    allocator. When GLPK runs out of memory the solve returns ::HEDGE_ERR_NOMEM instead of GLPK's
 *    default abort() (on a thread without an application GLPK environment; see below).
 *  - Errors. A failure's message (GLPK's own words where GLPK stopped) goes to the context's log at
 *    ::HEDGE_LOG_ERROR; the error detail, which libhedge records, names the backend and the status
 *    (see sys/backend.h).
 *  - Threads. GLPK keeps its environment per thread (as Debian builds it, with thread-local
 *    storage), so a solve creates, uses and deletes its GLPK objects on the calling thread: glpk
 *    solvers follow the rule for solvers in optimize.h, may move between threads between calls, and
 *    solvers on different threads may solve at the same time. A solve on a thread without a GLPK
 *    environment creates one with its own error hook and frees it before returning, so no thread
 *    keeps GLPK memory. On a thread where the application uses GLPK itself, the solve leaves that
 *    environment, its hooks and its settings as they were (terminal output is silenced during the
 *    solve and restored), and a fatal GLPK error then ends the process, as GLPK does by default.
 *    With a GLPK built without thread-local storage (glp_config("TLS") returns NULL) every glpk
 *    solve in the process takes one lock. docs/threading.md has the reasons.
 *
 * @par ABI
 * libhedge-glpk.so.1 exports hedge_glpk_backend() alone, under the symbol version HEDGE_GLPK_0.1.
 * @{
 */
#ifndef HEDGE_SYS_GLPK_H
#define HEDGE_SYS_GLPK_H

#include <hedge/sys/backend.h>

/**
 * @brief Marks a function of libhedge-glpk's ABI (::HEDGE_API is libhedge's).
 *
 * libhedge-glpk is built with hidden visibility and with @c HEDGE_GLPK_BUILDING defined, so only
 * functions carrying this macro (and listed in its version script, plugins/glpk/libhedge-glpk.map)
 * are exported.
 */
#if defined(_WIN32) && defined(HEDGE_GLPK_BUILDING) && !defined(HEDGE_STATIC)
#define HEDGE_GLPK_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(HEDGE_STATIC)
#define HEDGE_GLPK_API __declspec(dllimport)
#elif defined(__GNUC__) && defined(HEDGE_GLPK_BUILDING)
#define HEDGE_GLPK_API __attribute__((visibility("default")))
#else
#define HEDGE_GLPK_API
#endif

HEDGE_BEGIN_DECLS

/**
 * @brief The backend table of "glpk", for hedge_context_register_backend().
 *
 * Registering it in a context is what makes "glpk" available there: libhedge has no built-in
 * backend of that name. The table is copied by the registration.
 * @return The table, in static storage: never NULL, never to be freed or modified.
 * @par Thread safety
 * Callable from any thread; the registration itself is for program start-up (sys/backend.h).
 */
HEDGE_GLPK_API const hedge_backend *hedge_glpk_backend(void);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_SYS_GLPK_H */
