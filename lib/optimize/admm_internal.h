/* State of the built-in ADMM backend, shared by its files (admm.c: setup, iterations, updates;
 * admm_polish.c: the active-set refinement). Everything lives in one block allocated by setup, so
 * solves never allocate. */
#ifndef HEDGE_OPTIMIZE_ADMM_INTERNAL_H
#define HEDGE_OPTIMIZE_ADMM_INTERNAL_H

#include "optimize/linalg.h"
#include "optimize/qp_internal.h"

#include <stdbool.h>
#include <stddef.h>

/* Activity of a row or a variable, as the polish guesses it. */
enum {
    HEDGE__ACT_NONE = 0, /* row strictly inside its bounds; variable free (on one side of its target) */
    HEDGE__ACT_LO = 1,   /* at the lower bound */
    HEDGE__ACT_HI = 2,   /* at the upper bound */
    HEDGE__ACT_EQ = 3,   /* both bounds equal */
    HEDGE__ACT_KINK = 4  /* variable at its L1 target */
};

/* One level of the branch and bound's depth-first search (admm_bnb.c): it fixes one integer variable
 * to one value after another, outward from its value in the level's relaxation. */
typedef struct hedge__bnb_level {
    size_t var, idx;             /* the variable, and its place in int_idx */
    double lb, ub;               /* its bounds before the level (scaled), restored when the level ends */
    double xstar;                /* its value in the level's relaxation (unscaled) */
    double down, up;             /* the next values to try below and above xstar (unscaled integers) */
    double bound;                /* lower bound of the level's relaxation (unscaled objective) */
    double bound_down, bound_up; /* lower bounds of the last value tried on each side */
    bool down_done, up_done;     /* no value on that side can do better */
} hedge__bnb_level;

typedef struct hedge__admm {
    hedge_context *ctx;
    const hedge__la_kernels *la;
    unsigned char *block;
    size_t block_bytes;
    size_t n, k, m;
    size_t nr;     /* k + m: order of the Woodbury capacitance matrix */
    bool woodbury; /* factor through the capacitance matrix (k + m < n) instead of the n x n matrix */

    double eps_abs, eps_rel, time_limit_s;
    size_t max_iter;
    size_t cold_iters; /* iterations of the last solve that started from zero and converged; 0: none */
    bool polish;

    /* Ruiz scaling: x = d .* xs, rows of A scaled by e, the objective by cs. Every vector below is
     * in the scaled problem; bounds beyond HEDGE__QP_INF are infinite. */
    double *d, *e;
    double cs;
    double *P;  /* dense: n x n, the scaled D + F'F, both triangles */
    double *Dg; /* n, the scaled diagonal D (also the branch and bound's curvature floor: P >= D) */
    double *F;  /* Woodbury: k x n, the scaled factor */
    double *A;  /* m x n */
    double *q, *w, *t, *lo, *hi, *lb, *ub;

    /* ADMM: constraints l <= [A; I] x <= u, rows first, then one row per variable */
    double sigma, alpha, rho;
    double *rho_v;       /* m + n */
    unsigned char *kind; /* m + n: 0 loose (both bounds infinite), 1 inequality, 2 equality */
    bool kind_changed;   /* an update changed a kind: refactorise before the next iteration */
    double *L;           /* dense: n x n factor of P + sigma I + [A;I]' R [A;I]; Woodbury: nr x nr */
    double *delta;       /* Woodbury: n, the diagonal part of that matrix */
    double *Wt;          /* Woodbury: n x nr workspace for the capacitance matrix (and the polish) */
    double factor_flops, iter_flops;

    double *x, *z, *y;   /* iterates: n, m + n, m + n */
    double *xt, *rhs;    /* n */
    double *zt;          /* m */
    double *xprev, *yprev; /* n, m + n: the iterate before a check, for the infeasibility tests */
    double *Px, *Aty;    /* n */
    double *wn, *wn2;    /* n scratch */
    double *wmn;         /* m + n scratch */
    double *wk;          /* nr scratch */
    bool have_start;     /* x, z, y hold a previous solution or a warm start */
    bool fresh_start;    /* ... which has not been solved from yet (try the polish at once) */

    /* polish */
    double delta_reg;    /* regularisation of the reduced KKT system */
    double *H;           /* dense: n x n; Woodbury: nr x nr */
    double *HA;          /* m x n: H^-1 times each active row (restricted to free variables) */
    double *S;           /* m x m */
    double *plam;        /* n: Woodbury capacitance mode, Dg + delta_reg on the free variables */
    size_t *fidx, *aidx; /* n, m */
    unsigned char *act;  /* m + n: this attempt's activity */
    unsigned char *key;  /* m + n: the activity the cached factors were made for */
    bool key_set;        /* key holds the last guess the polish was tried on */
    bool key_h_valid, key_s_valid;
    int pmode;           /* how H is factored: 0 explicit, 1 Woodbury capacitance */
    size_t nf, na;
    double *pxf, *pyf, *pr1, *pr2, *pe1, *pe2, *pdx, *pdy; /* n, m, n, m, n, m, n, m */
    double *cx, *cy, *cyb;  /* candidate: n, m, n */
    double *xB;          /* n */

    /* integrality (admm_bnb.c): every array has n_int levels or entries, none without integers */
    size_t n_int, max_nodes;
    double mip_gap;
    size_t *int_idx;          /* the integer variables */
    hedge__bnb_level *lvl;    /* the search's stack */
    double *lvl_x, *lvl_y;    /* n_int x n, n_int x m: each level's relaxation answer (scaled cx, cy) */
    double *fix_lb, *fix_ub;  /* bounds kept while the integers are fixed at a candidate's values */
    double *pcost;            /* 4 n_int: per integer variable, sum and count of the bound's rise per
                               * unit moved down, then up (pseudo-costs, for the branching choice) */
    double *prev_int;         /* the last answer's integer values (unscaled), when have_prev */
    bool have_prev;
    double *ans_x[2], *ans_y[2], *ans_z[2]; /* n, m, n: the best answer and the trial one (unscaled) */
} hedge__admm;

/* Linear algebra on the scaled problem, shared with the polish. */
void hedge__admm_Pmul(const hedge__admm *s, double *out, const double *x); /* out = P x */

/* Evaluates a candidate (scaled x, row duals ya, bound-row duals yb including the L1 subgradient,
 * positions p deciding which bounds and which side of each target x is on): the unscaled primal
 * and dual residuals and their tolerances. Fills Px, wn (Ax is not kept) and wn2 (the bound duals,
 * scaled). */
typedef struct hedge__admm_eval {
    double prim, dual, eps_prim, eps_dual, objective;
} hedge__admm_eval;
hedge__admm_eval hedge__admm_evaluate(hedge__admm *s, const double *x, const double *ya, const double *yb,
                                      const double *p);

/* Guesses the active set (into act and the index lists) from the point zeta (m + n: z + y for the
 * ADMM iterate); true when the guess differs from the last one the polish was tried on. */
bool hedge__admm_guess(hedge__admm *s, const double *zeta);

/* Tries the polish on the guess hedge__admm_guess() made, then on up to a few corrected guesses:
 * on success the candidate is in cx, cy, cyb and the evaluation in *ev, and true is returned.
 * Uses wmn. Never allocates. */
bool hedge__admm_polish(hedge__admm *s, hedge__admm_eval *ev);

/* The continuous solve (admm.c): the problem with the current bounds, integrality ignored. On an
 * optimal or limited outcome the answer is also in cx, cy (scaled). Never allocates. */
hedge_status hedge__admm_relax(hedge__admm *s, hedge_solution *sol);

/* Sets variable j's scaled bounds, as an update does (a change of kind refactorises before the
 * next ADMM iteration). */
void hedge__admm_set_bounds(hedge__admm *s, size_t j, double lb, double ub);

/* Starts the next solve from the scaled point (x, y), y the m row duals, as a warm start does. */
void hedge__admm_start_from(hedge__admm *s, const double *x, const double *y);

/* Seconds on a monotonic clock. */
double hedge__admm_now(void);

/* The branch and bound (admm_bnb.c), for problems with integer variables. Never allocates. */
hedge_status hedge__admm_bnb(hedge__admm *s, hedge_solution *sol);

#endif
