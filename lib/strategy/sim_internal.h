/*
 * Internal interface of the hedging simulator: the path models, shared by the generator
 * (hedge_sim_generate) and the simulator (hedge_sim_run), so both produce the same paths bit for bit.
 */
#ifndef HEDGE_STRATEGY_SIM_INTERNAL_H
#define HEDGE_STRATEGY_SIM_INTERNAL_H

#include "core/rng.h"

#include <hedge/simulate.h>

#include <stdbool.h>

/* A validated path model with its per-step constants. */
typedef struct hedge__sim_model {
    hedge_sim_model kind;
    size_t steps;
    double dt, S0;
    double a, b;                 /* GBM and Merton: per-step log drift and sigma sqrt(dt) */
    double lam_dt, exp_neg_lam_dt, jump_mean, jump_std;
    double mu_dt, kappa_dt, theta, xi, rho, rho_c, v0; /* Heston */
    double omega, alpha, beta, h0;                     /* GARCH, per step */
    const double *prices;        /* replay */
    size_t n_prices, n_windows;  /* replay: paths the series gives */
    bool windows;
} hedge__sim_model;

/* Normals are drawn from a path's streams this many at a time (a group of Philox blocks side by
 * side, hedge__rng_normals_inv) into the path's buffers; the values are those of one-by-one draws. */
enum { HEDGE__SIM_NORMALS = 16 };

/* One path being generated: its two streams (normals of the spot; jumps and the variance's own
 * shocks), the spot and the variance state. */
typedef struct hedge__sim_path {
    hedge__rng main, aux;
    double S, v;
    const double *series; /* replay: the window's first price */
    double scale;         /* replay: prices[0] / series[0], so every window starts at prices[0] */
    size_t k;             /* steps taken */
    /* the next normals of main and (Heston) aux; z_next[s] == HEDGE__SIM_NORMALS: none left */
    unsigned z_next[2];
    double z[2][HEDGE__SIM_NORMALS];
} hedge__sim_path;

/* A simulation config read from JSON (simulate.h); every buffer allocated through ctx. */
#define HEDGE__SIM_NAME_BYTES 64
struct hedge_sim_config {
    hedge_context *ctx;
    hedge_sim_paths paths;
    hedge_sim_option option;
    hedge_sim_hedge hedge;
    hedge_sim_options options;
    size_t n_policies;
    hedge_rebalance_policy *policies;     /* n_policies */
    char (*names)[HEDGE__SIM_NAME_BYTES]; /* n_policies */
    double *prices;                       /* replay inline: n_prices (paths.prices points here) */
    char *replay_csv;                     /* replay from a file: its name as written, or NULL */
    size_t csv_bytes;
    char replay_column[HEDGE__SIM_NAME_BYTES];
};

/* Checks the option and the hedge (fn names the public function in messages). */
hedge_status hedge__sim_check(const hedge_sim_option *option, const hedge_sim_hedge *hedge, const char *fn);

/* Checks a caller's model (fn names the public function in messages) and fills m. */
hedge_status hedge__sim_model_setup(hedge__sim_model *m, const hedge_sim_paths *paths, double horizon,
                                    size_t steps, const char *fn);

/* Starts path `index` of the model at S_0. */
void hedge__sim_path_start(hedge__sim_path *p, const hedge__sim_model *m, uint64_t seed, uint64_t index);

/* Advances the path one step and returns the new spot. */
double hedge__sim_path_step(hedge__sim_path *p, const hedge__sim_model *m);

/* Advances n paths one step each, as hedge__sim_path_step() on each, and writes their new spots. */
void hedge__sim_paths_step(hedge__sim_path *p, size_t n, const hedge__sim_model *m, double *S);

#endif
