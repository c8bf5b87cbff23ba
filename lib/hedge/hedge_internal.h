/* Internal layout of hedge problems and results, shared by the hedge layer's files. */
#ifndef HEDGE_HEDGE_INTERNAL_H
#define HEDGE_HEDGE_INTERNAL_H

#include <hedge/hedging.h>
#include <hedge/margin.h>

#include <stdbool.h>

#define HEDGE__SYMBOL_BYTES 128
#define HEDGE__NAME_BYTES 32

typedef struct hedge__cand {
    hedge_candidate c; /* symbol and venue point into the two arrays below */
    char symbol[HEDGE__SYMBOL_BYTES];
    char venue[HEDGE__NAME_BYTES]; /* "" with has_venue false: the instrument's own venue */
    bool has_venue;
} hedge__cand;

typedef struct hedge__target {
    hedge_greek_target t; /* underlying points into the array below, or is NULL */
    char underlying[HEDGE__NAME_BYTES];
} hedge__target;

struct hedge_problem {
    hedge_context *ctx;
    hedge__cand *cands;
    size_t n_cands, cap_cands;
    hedge__target *targets;
    size_t n_targets, cap_targets;

    hedge_objective obj;        /* scenarios and benchmark point into the owned copies below */
    hedge_scenario *scenarios;  /* n_scenarios */
    hedge_shift *shifts;        /* every scenario's shifts, back to back */
    char (*shift_names)[HEDGE__NAME_BYTES];
    size_t n_shifts;
    hedge_position *bench;      /* the benchmark's positions */
    hedge_instrument **bench_refs; /* the references they hold */

    hedge_limits lim;           /* margin and the venue lists point into the copies below */
    hedge_margin_options margin;
    char (*venues)[HEDGE__NAME_BYTES];
    const char **venue_ptrs;
    char (*cap_venues)[HEDGE__NAME_BYTES];
    const char **cap_venue_ptrs;
    double *venue_caps;
};

/* A Greek's name as JSON and messages spell it ("delta_coin", ...); NULL for an unknown one. */
const char *hedge__target_greek_name(hedge_greek g);

/* The at-the-money implied vol 30 days out (strike = the forward for that date) of an underlying:
 * the one volatility the generated hedge scenarios and the rebalancer use. Statuses of
 * hedge_market_surface(), hedge_snapshot_forward() and hedge_vol_surface_vol(). */
hedge_status hedge__atm_vol_30d(double *vol, const hedge_market *market, const char *underlying);

#endif
