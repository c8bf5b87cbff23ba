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
    bool polish;

    /* Ruiz scaling: x = d .* xs, rows of A scaled by e, the objective by cs. Every vector below is
     * in the scaled problem; bounds beyond HEDGE__QP_INF are infinite. */
    double *d, *e;
    double cs;
    double *P;  /* dense: n x n, the scaled D + F'F, both triangles */
    double *Dg; /* Woodbury: n, the scaled diagonal D */
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

#endif
