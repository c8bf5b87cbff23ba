/*
 * The optimizer backend "glpk" of the plugin libhedge-glpk (include/hedge/sys/glpk.h): linear and
 * mixed-integer problems (no D, no F) solved by GLPK's primal simplex method and, when variables are
 * integer, its branch and cut (glp_intopt) after the LP relaxation.
 *
 * It is a library of its own because GLPK is GPL-3.0-or-later: libhedge (MIT) must not link it. So
 * this file sees libhedge only through the public headers and the plugin interface (sys/backend.h):
 * memory through hedge_context_alloc() and hedge_context_free(), messages to the context's log with
 * hedge_context_log(). The library records the error detail of a failure itself (a plugin cannot).
 *
 * The L1 terms become split variables: for each j with w_j > 0 a row x_j - p_j + q_j = t_j with
 * p_j, q_j >= 0 costing w_j (p_j + q_j), which equals w_j |x_j - t_j| at any optimum.
 *
 * GLPK keeps its environment (its allocator's bookkeeping, its hooks) per thread, and every block a
 * problem object owns is linked into the list of the thread that allocated it: a GLPK object must
 * be created, used and deleted on one thread, and must not outlive that thread's environment. A
 * hedge solver, however, may move between threads (docs/threading.md). So no GLPK object outlives a
 * call: setup only copies the data (through the context), and each solve builds the GLPK problem,
 * solves it and deletes it, on the calling thread. What carries over between solves is ours: the
 * data, which update() replaces, and the simplex basis (the status of every row and column), which
 * the next solve hands back to GLPK so that a re-solve after an update starts where the last one
 * ended. Building costs O(nnz) per solve, small beside the simplex itself.
 *
 * A solve that finds no GLPK environment on its thread creates one and frees it before returning
 * (so threads leave nothing behind), and in it installs hooks that turn GLPK's fatal errors (its
 * allocator failing, above all) into a status instead of abort(): GLPK allows leaving its error hook
 * by longjmp provided the environment is then freed, which frees every block GLPK allocated in it.
 * A thread that already has an environment belongs to an application that uses GLPK itself: the
 * solve then leaves the environment, its hooks and its settings alone.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "glpk_internal.h"

#include <hedge/sys/backend.h>
#include <hedge/sys/glpk.h>

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

/* optimize.h: a bound beyond +-1e30 is infinite. */
static const double BOUND_INF = 1e30;

/* Integer variables' bounds are rounded inwards, forgiving this much (relative) noise: 2.9999999999
 * is a bound of 3, 2.5 one of 2 or 3. */
static const double INT_BOUND_TOL = 1e-9;

typedef struct glpk_state {
    hedge_context *ctx;
    unsigned char *block;
    size_t block_bytes;
    size_t n, m, nnz, n_int;
    size_t max_iter;
    double time_limit_s;
    size_t max_nodes; /* SIZE_MAX and 0 when the library's options predate them */
    double mip_gap;
    double *c, *w, *t, *lo, *hi, *lb, *ub; /* owned copies; infinite bounds as +-HUGE_VAL */
    unsigned char *is_int;
    /* GLPK's triplets, 1-based: A's nonzeros at 1..nnz (fixed at setup), then what a build adds */
    int *ia, *ja;
    double *ar;
    int *l1col; /* n: GLPK column of p_j (q_j follows) in the current build, 0 when j has no L1 term */
    double *x, *y, *z, *wn, *wm; /* the answer (n, m, n) and scratch (n, m) */
    /* the basis of the last solve: rows, columns, and (row, p, q) per L1 term, as GLP_BS..GLP_NS */
    unsigned char *row_stat, *col_stat, *l1_stat;
    bool have_basis;
    /* one solve */
    size_t iter_done; /* simplex iterations of problem objects already erased in this solve */
    size_t nodes;     /* branch-and-bound subproblems of this solve */
    bool own_env;
    jmp_buf jb;
    char msg[256]; /* GLPK's terminal output in this solve (its error messages) */
    size_t msg_len;
    int mem_limit_mb; /* tests: GLPK's allocation limit; 0 for none */
} glpk_state;

/* Only for a GLPK built without thread-local storage, whose environment is then one for the whole
 * process: every solve takes this lock (GLPK as Debian and most distributions build it has TLS). */
static pthread_mutex_t serial_lock = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double clean_inf(double v) { return v >= BOUND_INF ? HUGE_VAL : v <= -BOUND_INF ? -HUGE_VAL : v; }

/* A failure: the message goes to the context's log (the library records the thread's error detail,
 * naming the backend and the status). */
static hedge_status fail(const hedge_context *ctx, hedge_status status, const char *fmt, ...) PRINTF_LIKE(3, 4);
static hedge_status fail(const hedge_context *ctx, hedge_status status, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hedge_context_log(ctx, HEDGE_LOG_ERROR, msg);
    return status;
}

/* ---- memory: one block, carved in two passes (sizes, then pointers) ---- */

static void *carve(unsigned char *base, size_t *off, size_t count, size_t elem, bool *ok) {
    size_t bytes = count * elem;
    if (elem != 0 && count > (size_t)-1 / elem)
        *ok = false;
    size_t o = (*off + 63) & ~(size_t)63;
    if (o < *off || o + bytes < o)
        *ok = false;
    if (!*ok)
        return NULL;
    *off = o + bytes;
    return base ? base + o : NULL;
}

/* Entries a build may load: A's, three per L1 row, or two per row for the elastic problem. */
static size_t triplet_capacity(const glpk_state *s) { return 1 + s->nnz + 3 * s->n + 2 * s->m; }

static size_t layout(glpk_state *s, unsigned char *base) {
    size_t n = s->n, m = s->m, off = 0, cap = triplet_capacity(s);
    bool ok = true;
    double **vn[] = {&s->c, &s->w, &s->t, &s->lb, &s->ub, &s->x, &s->z, &s->wn};
    double **vm[] = {&s->lo, &s->hi, &s->y, &s->wm};
    for (size_t i = 0; i < sizeof vn / sizeof vn[0]; i++)
        *vn[i] = carve(base, &off, n, sizeof(double), &ok);
    for (size_t i = 0; i < sizeof vm / sizeof vm[0]; i++)
        *vm[i] = carve(base, &off, m, sizeof(double), &ok);
    s->ar = carve(base, &off, cap, sizeof(double), &ok);
    s->ia = carve(base, &off, cap, sizeof(int), &ok);
    s->ja = carve(base, &off, cap, sizeof(int), &ok);
    s->l1col = carve(base, &off, n, sizeof(int), &ok);
    s->is_int = carve(base, &off, n, 1, &ok);
    s->row_stat = carve(base, &off, m, 1, &ok);
    s->col_stat = carve(base, &off, n, 1, &ok);
    s->l1_stat = carve(base, &off, 3 * n, 1, &ok);
    return ok ? off : 0;
}

/* ---- setup, update, warm start ---- */

static void destroy(void *state) {
    glpk_state *s = state;
    hedge_context_free(s->ctx, s->block, s->block_bytes, 64);
    hedge_context_free(s->ctx, s, sizeof *s, 0);
}

static double *vector_slot(glpk_state *s, hedge_qp_vector which) {
    switch (which) {
    case HEDGE_QP_LINEAR:
        return s->c;
    case HEDGE_QP_L1_WEIGHT:
        return s->w;
    case HEDGE_QP_L1_TARGET:
        return s->t;
    case HEDGE_QP_ROW_LO:
        return s->lo;
    case HEDGE_QP_ROW_HI:
        return s->hi;
    case HEDGE_QP_LB:
        return s->lb;
    case HEDGE_QP_UB:
        return s->ub;
    default:
        return NULL;
    }
}

static hedge_status setup(void **state, void *user, hedge_context *ctx, const hedge_qp *qp,
                          const hedge_solver_options *o) {
    (void)user;
    *state = NULL;
    size_t n, k, m;
    hedge_qp_size(qp, &n, &k, &m);
    const double *D = hedge_qp_vector_data(qp, HEDGE_QP_DIAGONAL), *A = hedge_qp_matrix_data(qp, 0);
    bool quadratic = k > 0;
    for (size_t j = 0; j < n; j++)
        quadratic |= D[j] != 0.0;
    if (quadratic)
        return fail(ctx, HEDGE_ERR_UNSUPPORTED, "glpk: a quadratic term (D or F) is beyond a linear solver");
    size_t nnz = 0;
    for (size_t i = 0; i < m * n; i++)
        nnz += A[i] != 0.0;
    /* GLPK counts rows, columns and entries in int; a build has at most 3n columns, m + n rows and
     * nnz + 3n + 2m entries */
    if (n > INT_MAX / 8 || m > INT_MAX / 8 || nnz > INT_MAX / 2)
        return fail(ctx, HEDGE_ERR_UNSUPPORTED, "glpk: %zu variables, %zu rows and %zu nonzeros exceed "
                           "GLPK's int indices", n, m, nnz);
    glpk_state tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.n = n;
    tmp.m = m;
    tmp.nnz = nnz;
    size_t bytes = layout(&tmp, NULL);
    if (!bytes)
        return fail(ctx, HEDGE_ERR_NOMEM, "glpk: %zu variables and %zu rows need more memory than can be "
                           "addressed", n, m);
    glpk_state *s = hedge_context_alloc(ctx, sizeof *s, 0);
    if (!s)
        return fail(ctx, HEDGE_ERR_NOMEM, "glpk: out of memory");
    *s = tmp;
    s->ctx = ctx;
    s->block_bytes = bytes;
    s->block = hedge_context_alloc(ctx, bytes, 64);
    if (!s->block) {
        hedge_context_free(ctx, s, sizeof *s, 0);
        return fail(ctx, HEDGE_ERR_NOMEM, "glpk: cannot allocate %zu bytes for the problem's data", bytes);
    }
    memset(s->block, 0, bytes);
    layout(s, s->block);
    for (size_t j = 0; j < n; j++) { /* an L1 term's first basis: its row basic, p_j = q_j = 0 */
        s->l1_stat[3 * j] = GLP_BS;
        s->l1_stat[3 * j + 1] = s->l1_stat[3 * j + 2] = GLP_NL;
    }
    s->max_iter = o->max_iter;
    s->time_limit_s = o->time_limit_s;
    /* a libhedge older than these options passes a shorter struct */
    bool mip_options = o->struct_size >= offsetof(hedge_solver_options, mip_gap) + sizeof o->mip_gap;
    s->max_nodes = mip_options ? o->max_nodes : SIZE_MAX;
    s->mip_gap = mip_options ? o->mip_gap : 0.0;
    for (int v = HEDGE_QP_LINEAR; v <= HEDGE_QP_UB; v++) {
        const double *src = hedge_qp_vector_data(qp, (hedge_qp_vector)v);
        double *dst = vector_slot(s, (hedge_qp_vector)v);
        size_t len = v == HEDGE_QP_ROW_LO || v == HEDGE_QP_ROW_HI ? m : n;
        for (size_t i = 0; i < len; i++)
            dst[i] = clean_inf(src[i]);
    }
    const unsigned char *is_int = hedge_qp_integer_data(qp);
    for (size_t j = 0; j < n; j++) {
        s->is_int[j] = is_int[j] != 0;
        s->n_int += s->is_int[j];
    }
    size_t e = 1;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            if (A[i * n + j] != 0.0) {
                s->ia[e] = (int)i + 1;
                s->ja[e] = (int)j + 1;
                s->ar[e++] = A[i * n + j];
            }
    *state = s;
    return HEDGE_OK;
}

static hedge_status update(void *state, hedge_qp_vector which, const double *values) {
    glpk_state *s = state;
    double *slot = vector_slot(s, which);
    if (!slot)
        return fail(s->ctx, HEDGE_ERR_INVALID_ARG, "glpk: vector %d cannot be updated", (int)which);
    bool rows = which == HEDGE_QP_ROW_LO || which == HEDGE_QP_ROW_HI;
    size_t len = rows ? s->m : s->n;
    const double *partner = which == HEDGE_QP_ROW_LO ? s->hi : which == HEDGE_QP_ROW_HI ? s->lo
                            : which == HEDGE_QP_LB   ? s->ub : which == HEDGE_QP_UB     ? s->lb : NULL;
    bool lower = which == HEDGE_QP_ROW_LO || which == HEDGE_QP_LB;
    for (size_t i = 0; partner && i < len; i++) {
        double v = clean_inf(values[i]);
        if (lower ? v > partner[i] : v < partner[i])
            return fail(s->ctx, HEDGE_ERR_DOMAIN, "glpk: %s bound %zu (%g) would %s its partner",
                               lower ? "lower" : "upper", i, values[i], lower ? "exceed" : "fall below");
    }
    for (size_t i = 0; i < len; i++)
        slot[i] = clean_inf(values[i]);
    return HEDGE_OK;
}

/* The simplex restarts from the last basis, which a point cannot improve on; see optimize.h. */
static hedge_status warm_start(void *state, const double *x, const double *y) {
    (void)state, (void)x, (void)y;
    return HEDGE_OK;
}

void hedge__glpk_test_mem_limit(void *state, int megabytes) { ((glpk_state *)state)->mem_limit_mb = megabytes; }

/* ---- building the GLPK problem ---- */

typedef enum build_mode {
    BUILD_SOLVE,     /* the problem itself, integer bounds rounded inwards */
    BUILD_RECESSION, /* its recession cone in the box [-1, 1]^n: min c'd + w|d|, for a direction */
    BUILD_ELASTIC    /* min the rows' violation over the bounds, for an infeasibility certificate */
} build_mode;

static void set_bounds(glp_prob *P, bool row, int i, double lo, double hi) {
    bool fl = lo > -HUGE_VAL, fh = hi < HUGE_VAL;
    int type = !fl && !fh ? GLP_FR : !fh ? GLP_LO : !fl ? GLP_UP : lo == hi ? GLP_FX : GLP_DB;
    (row ? glp_set_row_bnds : glp_set_col_bnds)(P, i, type, fl ? lo : 0.0, fh ? hi : 0.0);
}

/* Loads the problem of `mode` into the empty P. Returns false when an integer variable's rounded
 * bounds leave it no value (BUILD_SOLVE only). */
static bool build(glpk_state *s, glp_prob *P, build_mode mode) {
    size_t n = s->n, m = s->m, extra = 0;
    if (mode == BUILD_ELASTIC) {
        for (size_t i = 0; i < m; i++)
            extra += s->lo[i] > -HUGE_VAL || s->hi[i] < HUGE_VAL;
    } else {
        for (size_t j = 0; j < n; j++)
            extra += s->w[j] > 0.0;
    }
    size_t rows = m + (mode == BUILD_ELASTIC ? 0 : extra), cols = n + 2 * extra;
    glp_set_obj_dir(P, GLP_MIN);
    if (rows)
        glp_add_rows(P, (int)rows);
    glp_add_cols(P, (int)cols);
    for (size_t i = 0; i < m; i++) {
        double lo = s->lo[i], hi = s->hi[i];
        if (mode == BUILD_RECESSION) {
            lo = lo > -HUGE_VAL ? 0.0 : lo;
            hi = hi < HUGE_VAL ? 0.0 : hi;
        }
        set_bounds(P, true, (int)i + 1, lo, hi);
    }
    bool nonempty = true;
    for (size_t j = 0; j < n; j++) {
        double lb = s->lb[j], ub = s->ub[j];
        if (mode == BUILD_RECESSION) {
            lb = lb > -HUGE_VAL ? 0.0 : -1.0;
            ub = ub < HUGE_VAL ? 0.0 : 1.0;
        } else if (mode == BUILD_SOLVE && s->is_int[j]) {
            lb = lb > -HUGE_VAL ? ceil(lb - INT_BOUND_TOL * fmax(1.0, fabs(lb))) : lb;
            ub = ub < HUGE_VAL ? floor(ub + INT_BOUND_TOL * fmax(1.0, fabs(ub))) : ub;
            if (lb > ub) {
                nonempty = false;
                ub = lb;
            }
            glp_set_col_kind(P, (int)j + 1, GLP_IV);
        }
        set_bounds(P, false, (int)j + 1, lb, ub);
        glp_set_obj_coef(P, (int)j + 1, mode == BUILD_ELASTIC ? 0.0 : s->c[j]);
    }
    size_t e = s->nnz + 1, k = 0;
    if (mode == BUILD_ELASTIC) { /* lo <= a'x + u - v <= hi, u, v >= 0 costing 1 */
        for (size_t i = 0; i < m; i++) {
            if (!(s->lo[i] > -HUGE_VAL || s->hi[i] < HUGE_VAL))
                continue;
            for (int side = 0; side < 2; side++) {
                int col = (int)(n + 2 * k) + 1 + side;
                set_bounds(P, false, col, 0.0, HUGE_VAL);
                glp_set_obj_coef(P, col, 1.0);
                s->ia[e] = (int)i + 1;
                s->ja[e] = col;
                s->ar[e++] = side ? -1.0 : 1.0;
            }
            k++;
        }
    } else { /* x_j - p_j + q_j = t_j (0 for the recession cone), p, q >= 0 costing w_j */
        for (size_t j = 0; j < n; j++) {
            s->l1col[j] = 0;
            if (!(s->w[j] > 0.0))
                continue;
            int row = (int)(m + k) + 1, p = (int)(n + 2 * k) + 1;
            double t = mode == BUILD_SOLVE ? s->t[j] : 0.0;
            set_bounds(P, true, row, t, t);
            for (int v = 0; v < 2; v++) {
                set_bounds(P, false, p + v, 0.0, HUGE_VAL);
                glp_set_obj_coef(P, p + v, s->w[j]);
            }
            int cols3[3] = {(int)j + 1, p, p + 1};
            double vals[3] = {1.0, -1.0, 1.0};
            for (int v = 0; v < 3; v++) {
                s->ia[e] = row;
                s->ja[e] = cols3[v];
                s->ar[e++] = vals[v];
            }
            s->l1col[j] = p;
            k++;
        }
    }
    glp_load_matrix(P, (int)(e - 1), s->ia, s->ja, s->ar);
    glp_scale_prob(P, GLP_SF_AUTO);
    return nonempty;
}

/* The basis of the last solve onto a fresh BUILD_SOLVE problem. L1 terms that were absent then
 * start with their row basic and both split variables at 0, so a term switched on by an update
 * adds one basic variable for its one row; when the counts still do not match (a term switched
 * off), GLPK refuses the basis and simplex() falls back to a fresh one. */
static void restore_basis(const glpk_state *s, glp_prob *P) {
    for (size_t i = 0; i < s->m; i++)
        glp_set_row_stat(P, (int)i + 1, s->row_stat[i]);
    int row = (int)s->m;
    for (size_t j = 0; j < s->n; j++) {
        glp_set_col_stat(P, (int)j + 1, s->col_stat[j]);
        if (s->l1col[j]) {
            glp_set_row_stat(P, ++row, s->l1_stat[3 * j]);
            glp_set_col_stat(P, s->l1col[j], s->l1_stat[3 * j + 1]);
            glp_set_col_stat(P, s->l1col[j] + 1, s->l1_stat[3 * j + 2]);
        }
    }
}

static void save_basis(glpk_state *s, glp_prob *P) {
    for (size_t i = 0; i < s->m; i++)
        s->row_stat[i] = (unsigned char)glp_get_row_stat(P, (int)i + 1);
    int row = (int)s->m;
    for (size_t j = 0; j < s->n; j++) {
        s->col_stat[j] = (unsigned char)glp_get_col_stat(P, (int)j + 1);
        if (s->l1col[j]) {
            s->l1_stat[3 * j] = (unsigned char)glp_get_row_stat(P, ++row);
            s->l1_stat[3 * j + 1] = (unsigned char)glp_get_col_stat(P, s->l1col[j]);
            s->l1_stat[3 * j + 2] = (unsigned char)glp_get_col_stat(P, s->l1col[j] + 1);
        }
    }
    s->have_basis = true;
}

/* Empties P for another build, keeping the count of the iterations spent on it. */
static void erase(glpk_state *s, glp_prob *P) {
    s->iter_done += (size_t)glp_get_it_cnt(P);
    glp_erase_prob(P);
}

/* ---- solving ---- */

static size_t iterations(const glpk_state *s, glp_prob *P) { return s->iter_done + (size_t)glp_get_it_cnt(P); }

static int iteration_budget(const glpk_state *s, glp_prob *P) {
    size_t used = iterations(s, P), left = used < s->max_iter ? s->max_iter - used : 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

static int time_budget_ms(const glpk_state *s, double t0) {
    if (s->time_limit_s <= 0)
        return INT_MAX;
    double left = ceil(1e3 * (s->time_limit_s - (now_s() - t0)));
    return left <= 0 ? 0 : left >= INT_MAX ? INT_MAX : (int)left;
}

/* The primal simplex from the basis in P; when GLPK cannot start from that basis (invalid,
 * singular or ill-conditioned) or fails on the way, once more from the all-slack basis. With
 * `limited`, the solve's iteration and time budgets apply. Returns glp_simplex's code. */
static int simplex_pass(glpk_state *s, glp_prob *P, double t0, bool limited) {
    glp_smcp parm;
    int ret = GLP_EFAIL;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt)
            glp_std_basis(P);
        glp_init_smcp(&parm);
        parm.msg_lev = GLP_MSG_OFF;
        parm.meth = GLP_PRIMAL;
        parm.presolve = GLP_OFF; /* the basis, and so the duals, are of the problem as given */
        if (limited) {
            parm.it_lim = iteration_budget(s, P);
            parm.tm_lim = time_budget_ms(s, t0);
        }
        ret = glp_simplex(P, &parm);
        if (ret != GLP_EBADB && ret != GLP_ESING && ret != GLP_ECOND && ret != GLP_EFAIL)
            break;
    }
    return ret;
}

/*
 * Whether the basic solution in P is optimal for the problem as given, unscaled: every non-basic row
 * and column has a reduced cost of the sign its bound allows (minimising: >= 0 at a lower bound,
 * <= 0 at an upper one, 0 when free), within 1e-9 of the largest cost, and the rows and bounds hold
 * to 1e-9 relative. glp_check_kkt() does not look at the signs.
 */
static bool optimal_unscaled(glp_prob *P) {
    int rows = glp_get_num_rows(P), cols = glp_get_num_cols(P);
    double big = 1.0;
    for (int j = 1; j <= cols; j++)
        big = fmax(big, fabs(glp_get_obj_coef(P, j)));
    double tol = 1e-9 * big;
    for (int k = 1; k <= rows + cols; k++) {
        bool row = k <= rows;
        int i = row ? k : k - rows, st = row ? glp_get_row_stat(P, i) : glp_get_col_stat(P, i);
        double d = row ? glp_get_row_dual(P, i) : glp_get_col_dual(P, i);
        if ((st == GLP_NL && d < -tol) || (st == GLP_NU && d > tol) || (st == GLP_NF && fabs(d) > tol))
            return false;
    }
    static const int conditions[2] = {GLP_KKT_PE, GLP_KKT_PB};
    for (int c = 0; c < 2; c++) {
        double ae, re;
        int ai, ri;
        glp_check_kkt(P, GLP_SOL, conditions[c], &ae, &ai, &re, &ri);
        if (re > 1e-9)
            return false;
    }
    return true;
}

/*
 * simplex_pass() on the scaled problem, and when GLPK calls that optimal while the unscaled problem
 * disagrees, once more unscaled from the basis it ended with. GLPK's scaling can make it stop far
 * from the optimum: on a hedge LP whose rows hold entries from 1e-10 (rounding noise of a margin
 * row) to 1e6, its primal simplex declared a vertex optimal that cost 85% more than the optimum,
 * with reduced costs of the wrong sign in the hundreds. P stays unscaled afterwards.
 */
static int simplex(glpk_state *s, glp_prob *P, double t0, bool limited) {
    int ret = simplex_pass(s, P, t0, limited);
    if (ret == 0 && glp_get_status(P) == GLP_OPT && !optimal_unscaled(P)) {
        glp_unscale_prob(P);
        ret = simplex_pass(s, P, t0, limited);
    }
    return ret;
}

typedef enum lp_outcome { LP_OPTIMAL, LP_INFEASIBLE, LP_UNBOUNDED, LP_ITER, LP_TIME, LP_FAILED } lp_outcome;

static lp_outcome outcome(glp_prob *P, int ret) {
    if (ret == GLP_EITLIM)
        return LP_ITER;
    if (ret == GLP_ETMLIM)
        return LP_TIME;
    if (ret != 0)
        return LP_FAILED;
    if (glp_get_prim_stat(P) == GLP_NOFEAS)
        return LP_INFEASIBLE;
    int st = glp_get_status(P);
    return st == GLP_OPT ? LP_OPTIMAL : st == GLP_UNBND ? LP_UNBOUNDED : LP_FAILED;
}

/* GLPK's duals are those of L = f - pi'(Ax) - d'x (pi >= 0 at a row's lower bound when minimising),
 * the library's those of L = f + y'Ax + z'x: y = -pi, z = -d. The L1 rows' duals stay inside: at an
 * optimum -pi_r / w_j is the subgradient of |x_j - t_j| that stationarity needs. */
static void read_lp(glpk_state *s, glp_prob *P, bool duals) {
    for (size_t j = 0; j < s->n; j++) {
        s->x[j] = glp_get_col_prim(P, (int)j + 1);
        s->z[j] = duals ? 0.0 - glp_get_col_dual(P, (int)j + 1) : 0.0;
    }
    for (size_t i = 0; i < s->m; i++)
        s->y[i] = duals ? 0.0 - glp_get_row_dual(P, (int)i + 1) : 0.0;
}

static void zero_duals(glpk_state *s) {
    memset(s->y, 0, s->m * sizeof(double));
    memset(s->z, 0, s->n * sizeof(double));
}

/* Scales v (len entries) to a largest magnitude of 1; false when it is all zero. */
static bool normalise(double *v, size_t len, double *v2, size_t len2) {
    double big = 0;
    for (size_t i = 0; i < len; i++)
        big = fmax(big, fabs(v[i]));
    for (size_t i = 0; i < len2; i++)
        big = fmax(big, fabs(v2[i]));
    if (!(big > 0))
        return false;
    for (size_t i = 0; i < len; i++)
        v[i] /= big;
    for (size_t i = 0; i < len2; i++)
        v2[i] /= big;
    return true;
}

/* A certificate of primal infeasibility from the elastic problem min sum(u + v) s.t. lo <= Ax + u - v
 * <= hi, lb <= x <= ub (the original bounds, integrality ignored): its optimum is positive exactly
 * when the rows and bounds conflict, and by LP duality its duals (y, z) then have A'y + z = 0 and a
 * support function of the bounds equal to minus that optimum. x becomes the least infeasible point.
 * y and z stay 0 when the elastic problem finds no conflict (the rounding of integer bounds or the
 * integrality itself is what makes the problem infeasible). */
static void primal_certificate(glpk_state *s, glp_prob *P, double t0) {
    erase(s, P);
    build(s, P, BUILD_ELASTIC);
    glp_adv_basis(P, 0);
    zero_duals(s);
    if (outcome(P, simplex(s, P, t0, false)) == LP_OPTIMAL && glp_get_obj_val(P) > 0) {
        read_lp(s, P, true);
        /* a dual on an infinite bound must be 0: what GLPK leaves there is rounding (or within its
         * optimality tolerance), and would make the support function infinite */
        for (size_t i = 0; i < s->m; i++)
            s->y[i] = s->hi[i] == HUGE_VAL && s->y[i] > 0 ? 0.0 : s->lo[i] == -HUGE_VAL && s->y[i] < 0 ? 0.0 : s->y[i];
        for (size_t j = 0; j < s->n; j++)
            s->z[j] = s->ub[j] == HUGE_VAL && s->z[j] > 0 ? 0.0 : s->lb[j] == -HUGE_VAL && s->z[j] < 0 ? 0.0 : s->z[j];
        normalise(s->y, s->m, s->z, s->n);
    }
}

/* A direction of unbounded descent: min c'd + sum w|d| over the recession cone of the rows and
 * bounds, in the box [-1, 1]^n. A negative optimum gives d, scaled to a largest entry of 1; x is
 * left 0 when there is none to be found. */
static void dual_certificate(glpk_state *s, glp_prob *P, double t0) {
    double scale = 1.0;
    for (size_t j = 0; j < s->n; j++)
        scale = fmax(scale, fmax(fabs(s->c[j]), s->w[j]));
    erase(s, P);
    build(s, P, BUILD_RECESSION);
    glp_adv_basis(P, 0);
    zero_duals(s);
    memset(s->x, 0, s->n * sizeof(double));
    if (outcome(P, simplex(s, P, t0, false)) == LP_OPTIMAL && glp_get_obj_val(P) < -1e-12 * scale) {
        read_lp(s, P, false);
        normalise(s->x, s->n, NULL, 0);
    }
}

static void mip_callback(glp_tree *T, void *info) {
    glpk_state *s = info;
    int total = 0;
    glp_ios_tree_size(T, NULL, NULL, &total);
    s->nodes = (size_t)total;
    if (iterations(s, glp_ios_get_prob(T)) >= s->max_iter || s->nodes >= s->max_nodes)
        glp_ios_terminate(T);
}

static void read_mip(glpk_state *s, glp_prob *P) {
    for (size_t j = 0; j < s->n; j++) {
        double v = glp_mip_col_val(P, (int)j + 1);
        s->x[j] = s->is_int[j] ? round(v) : v;
    }
}

/* Branch and cut from the optimal relaxation in P, no presolve, every cut generator off (GLPK's
 * default; the cover cuts' knapsack routine also keeps static state, unsafe across threads). On
 * return s->x holds the best integer point, or the relaxation's point when none was found. */
static int branch_and_cut(glpk_state *s, glp_prob *P, double t0, int *mip_status) {
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    parm.tm_lim = time_budget_ms(s, t0);
    parm.mip_gap = s->mip_gap; /* GLPK's gap is relative to the incumbent's objective, as the option's */
    parm.cb_func = mip_callback;
    parm.cb_info = s;
    read_lp(s, P, false);
    int ret = glp_intopt(P, &parm);
    *mip_status = glp_mip_status(P);
    if (*mip_status == GLP_OPT || *mip_status == GLP_FEAS)
        read_mip(s, P);
    return ret;
}

/* The duals of a mixed-integer optimum: those of the LP left when every integer variable is fixed
 * at its value. The continuous part of x is that LP's solution (as good as the one branch and cut
 * found, or better by its tolerance); when that LP fails, x stays and the duals are 0. */
static void fixed_duals(glpk_state *s, glp_prob *P, double t0) {
    for (size_t j = 0; j < s->n; j++)
        if (s->is_int[j])
            glp_set_col_bnds(P, (int)j + 1, GLP_FX, s->x[j], s->x[j]);
    zero_duals(s);
    if (outcome(P, simplex(s, P, t0, false)) != LP_OPTIMAL)
        return;
    for (size_t j = 0; j < s->n; j++) {
        if (!s->is_int[j])
            s->x[j] = glp_get_col_prim(P, (int)j + 1);
        s->z[j] = 0.0 - glp_get_col_dual(P, (int)j + 1);
    }
    for (size_t i = 0; i < s->m; i++)
        s->y[i] = 0.0 - glp_get_row_dual(P, (int)i + 1);
}

static hedge_solve_status limit_status(int ret) {
    return ret == GLP_ETMLIM ? HEDGE_SOLVE_TIME_LIMIT : HEDGE_SOLVE_ITERATION_LIMIT;
}

/* A mixed-integer problem whose relaxation is optimal in P. */
static hedge_status solve_mip(glpk_state *s, glp_prob *P, double t0, hedge_solve_status *status) {
    int mst, ret = branch_and_cut(s, P, t0, &mst);
    zero_duals(s);
    /* GLP_EMIPGAP: stopped with an incumbent within mip_gap of the bound, optimal as the option means */
    if ((ret == 0 && mst == GLP_OPT) || (ret == GLP_EMIPGAP && mst == GLP_FEAS)) {
        fixed_duals(s, P, t0);
        *status = HEDGE_SOLVE_OPTIMAL;
    } else if (ret == 0 && mst == GLP_NOFEAS)
        *status = HEDGE_SOLVE_PRIMAL_INFEASIBLE;
    else if (ret == GLP_ETMLIM || ret == GLP_ESTOP)
        *status = limit_status(ret);
    else
        return fail(s->ctx, HEDGE_ERR_BACKEND, "glpk: branch and cut failed (glp_intopt returned %d)", ret);
    return HEDGE_OK;
}

/* A mixed-integer problem whose relaxation is unbounded is unbounded when it has an integer point
 * at all (for rational data), and infeasible otherwise: branch and cut on the zero objective
 * decides which. */
static hedge_status solve_mip_unbounded(glpk_state *s, glp_prob *P, double t0, hedge_solve_status *status) {
    int cols = glp_get_num_cols(P);
    for (int j = 1; j <= cols; j++)
        glp_set_obj_coef(P, j, 0.0);
    int ret = simplex(s, P, t0, true), mst = GLP_UNDEF;
    lp_outcome lp = outcome(P, ret);
    if (lp == LP_ITER || lp == LP_TIME) {
        read_lp(s, P, false);
        *status = limit_status(ret);
        return HEDGE_OK;
    }
    if (lp != LP_OPTIMAL)
        return fail(s->ctx, HEDGE_ERR_BACKEND, "glpk: the simplex method failed on the feasibility "
                           "problem (glp_simplex returned %d, status %d)", ret, glp_get_status(P));
    ret = branch_and_cut(s, P, t0, &mst);
    zero_duals(s);
    if ((ret == 0 || ret == GLP_EMIPGAP) && (mst == GLP_OPT || mst == GLP_FEAS)) {
        *status = HEDGE_SOLVE_DUAL_INFEASIBLE;
        dual_certificate(s, P, t0);
    } else if (ret == 0 && mst == GLP_NOFEAS)
        *status = HEDGE_SOLVE_PRIMAL_INFEASIBLE;
    else if (ret == GLP_ETMLIM || ret == GLP_ESTOP)
        *status = limit_status(ret);
    else
        return fail(s->ctx, HEDGE_ERR_BACKEND, "glpk: branch and cut failed (glp_intopt returned %d)", ret);
    return HEDGE_OK;
}

/* Objective, largest row or bound violation, and largest entry of c + A'y + z + w s with the
 * subgradient s of |x - t| that fits best: all at the answer in s->x, s->y, s->z. */
static void measure(glpk_state *s, hedge_solution *sol) {
    size_t n = s->n, m = s->m;
    memset(s->wm, 0, m * sizeof(double));
    memset(s->wn, 0, n * sizeof(double));
    for (size_t e = 1; e <= s->nnz; e++) {
        size_t i = (size_t)s->ia[e] - 1, j = (size_t)s->ja[e] - 1;
        s->wm[i] += s->ar[e] * s->x[j];
        s->wn[j] += s->ar[e] * s->y[i];
    }
    double prim = 0, dual = 0, obj = 0;
    for (size_t i = 0; i < m; i++)
        prim = fmax(prim, fmax(s->lo[i] - s->wm[i], s->wm[i] - s->hi[i]));
    for (size_t j = 0; j < n; j++) {
        double x = s->x[j], w = s->w[j], g = s->c[j] + s->wn[j] + s->z[j];
        prim = fmax(prim, fmax(s->lb[j] - x, x - s->ub[j]));
        obj += s->c[j] * x + w * fabs(x - s->t[j]);
        double lo = x > s->t[j] ? w : -w, hi = x < s->t[j] ? -w : w;
        dual = fmax(dual, fabs(g + fmin(fmax(-g, lo), hi)));
    }
    sol->objective = obj;
    sol->primal_residual = prim;
    sol->dual_residual = dual;
}

static hedge_status run(glpk_state *s, hedge_solution *sol, double t0) {
    hedge_solve_status status = HEDGE_SOLVE_OPTIMAL;
    hedge_status st = HEDGE_OK;
    glp_prob *P = glp_create_prob();
    s->iter_done = 0;
    s->nodes = 0;
    if (!build(s, P, BUILD_SOLVE)) { /* an integer variable without an integer value */
        for (size_t j = 0; j < s->n; j++)
            s->x[j] = fmin(fmax(0.0, s->lb[j]), s->ub[j]);
        zero_duals(s);
        status = HEDGE_SOLVE_PRIMAL_INFEASIBLE;
    } else {
        if (s->have_basis)
            restore_basis(s, P);
        else
            glp_adv_basis(P, 0);
        int ret = simplex(s, P, t0, true);
        lp_outcome lp = outcome(P, ret);
        if (lp != LP_FAILED)
            save_basis(s, P);
        switch (lp) {
        case LP_ITER:
        case LP_TIME:
            read_lp(s, P, s->n_int == 0);
            status = limit_status(ret);
            break;
        case LP_OPTIMAL:
            if (s->n_int)
                st = solve_mip(s, P, t0, &status);
            else
                read_lp(s, P, true);
            break;
        case LP_INFEASIBLE:
            status = HEDGE_SOLVE_PRIMAL_INFEASIBLE;
            primal_certificate(s, P, t0);
            break;
        case LP_UNBOUNDED:
            if (s->n_int)
                st = solve_mip_unbounded(s, P, t0, &status);
            else {
                status = HEDGE_SOLVE_DUAL_INFEASIBLE;
                dual_certificate(s, P, t0);
            }
            break;
        default:
            st = fail(s->ctx, HEDGE_ERR_BACKEND, "glpk: the simplex method failed (glp_simplex returned %d, "
                             "status %d)", ret, glp_get_status(P));
            break;
        }
    }
    size_t its = iterations(s, P);
    glp_delete_prob(P);
    if (st != HEDGE_OK)
        return st;
    measure(s, sol);
    if (status == HEDGE_SOLVE_PRIMAL_INFEASIBLE)
        sol->objective = HUGE_VAL;
    else if (status == HEDGE_SOLVE_DUAL_INFEASIBLE)
        sol->objective = -HUGE_VAL;
    sol->status = status;
    sol->iterations = its;
    if (sol->struct_size >= offsetof(hedge_solution, nodes) + sizeof sol->nodes)
        sol->nodes = s->nodes;
    if (sol->x)
        memcpy(sol->x, s->x, s->n * sizeof(double));
    if (sol->z)
        memcpy(sol->z, s->z, s->n * sizeof(double));
    if (sol->y && s->m)
        memcpy(sol->y, s->y, s->m * sizeof(double));
    return HEDGE_OK;
}

/* ---- GLPK's environment and its fatal errors ---- */

static int on_output(void *info, const char *text) {
    glpk_state *s = info;
    size_t len = strlen(text), room = sizeof s->msg - 1 - s->msg_len;
    if (len > room)
        len = room;
    memcpy(s->msg + s->msg_len, text, len);
    s->msg_len += len;
    s->msg[s->msg_len] = '\0';
    return 1; /* nothing reaches stdout */
}

static void on_error(void *info) {
    glpk_state *s = info;
    longjmp(s->jb, 1);
}

/* run() inside the error hook's landing pad. Nothing here changes between setjmp and a longjmp. */
static hedge_status guarded_run(glpk_state *s, hedge_solution *sol, double t0) {
    if (setjmp(s->jb) == 0)
        return run(s, sol, t0);
    for (char *p = s->msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    while (s->msg_len && s->msg[s->msg_len - 1] == ' ')
        s->msg[--s->msg_len] = '\0';
    bool memory = strstr(s->msg, "memory") || strstr(s->msg, "too large");
    return fail(s->ctx, memory ? HEDGE_ERR_NOMEM : HEDGE_ERR_BACKEND, "glpk: GLPK stopped: %s", s->msg);
}

static hedge_status solve(void *state, hedge_solution *sol) {
    glpk_state *s = state;
    double t0 = now_s();
    bool serial = glp_config("TLS") == NULL;
    if (serial)
        pthread_mutex_lock(&serial_lock);
    hedge_status st;
    int env = glp_init_env();
    if (env == 0 || env == 1) {
        s->own_env = env == 0;
        s->msg_len = 0;
        s->msg[0] = '\0';
        /* GLPK's routines print whatever their parameters say (glp_scale_prob, glp_adv_basis do):
         * silence it for the solve. Its fatal errors turn the output back on, so the hook still
         * catches their message. */
        int term = glp_term_out(GLP_OFF);
        if (s->own_env) {
            glp_term_hook(on_output, s);
            glp_error_hook(on_error, s);
            if (s->mem_limit_mb > 0)
                glp_mem_limit(s->mem_limit_mb);
        }
        st = guarded_run(s, sol, t0);
        if (s->own_env)
            glp_free_env(); /* also every block of a solve that GLPK's error hook cut short */
        else
            glp_term_out(term);
    } else {
        st = fail(s->ctx, env == 2 ? HEDGE_ERR_NOMEM : HEDGE_ERR_BACKEND,
                         "glpk: GLPK's environment cannot be set up (glp_init_env returned %d)", env);
    }
    if (serial)
        pthread_mutex_unlock(&serial_lock);
    if (st == HEDGE_OK)
        sol->solve_time_s = now_s() - t0;
    return st;
}

static const hedge_backend glpk_backend = {
    HEDGE_BACKEND_ABI_VERSION, sizeof(hedge_backend), "glpk",
    HEDGE_BACKEND_CAP_L1 | HEDGE_BACKEND_CAP_MIP | HEDGE_BACKEND_CAP_DUALS | HEDGE_BACKEND_CAP_CERTIFICATES,
    NULL, setup, solve, update, warm_start, destroy,
};

HEDGE_GLPK_API const hedge_backend *hedge_glpk_backend(void) { return &glpk_backend; }
