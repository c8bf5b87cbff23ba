/**
 * @file scenario.h
 * @brief The scenario engine: a book fully revalued under spot, volatility and time shifts, as a
 *        positions x scenarios P&L matrix.
 *
 * @defgroup scenario Scenarios
 * @brief Full revaluation (not a Taylor expansion) of every position under every scenario.
 *
 * @par Model
 * A scenario moves each underlying's spot by a relative amount, its volatilities by a relative and
 * an absolute amount, and the valuation time forward by some days. Forwards move with their spot
 * (the carry ln(F/S)/T is held), rates and funding rates stay, and each option keeps the vol of its
 * strike (sticky strike): sigma' = max(sigma (1 + vol_rel) + vol_abs, 0). Options that expire
 * within the time shift are worth their intrinsic value; futures converge to the spot.
 *
 * @par Units
 * P&L in USD per position (its quantity applied): the change of the position's USD value
 * (valuation.h) from the unshifted market to the scenario.
 *
 * @par Thread safety
 * Results are immutable. The engine may use several threads; each matrix cell is computed alone
 * and totals are added in position order, so results do not depend on the thread count.
 * @{
 */
#ifndef HEDGE_SCENARIO_H
#define HEDGE_SCENARIO_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/market.h>
#include <hedge/portfolio.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief The move of one underlying (or of every underlying) in a scenario. */
typedef struct hedge_shift {
    const char *underlying; /**< The underlying, or NULL for every underlying without a shift of its own. */
    double spot;            /**< Relative spot move: S' = S (1 + spot); > -1. 0.1 is +10%. */
    double vol_rel;         /**< Relative vol move: sigma' = sigma (1 + vol_rel) + vol_abs; finite. */
    double vol_abs;         /**< Absolute vol move as a fraction (0.05 is 5 vol points); finite. */
} hedge_shift;

/** @brief One scenario: shifts per underlying, and a move of the valuation time. */
typedef struct hedge_scenario {
    const hedge_shift *shifts; /**< @c n_shifts shifts; at most one per underlying, and at most one with NULL. */
    size_t n_shifts;           /**< Number of shifts; 0 leaves every underlying where it is. */
    double days;               /**< Calendar days forward, >= 0 (ACT/365). */
} hedge_scenario;

/** @brief Options of hedge_scenarios_run(). Initialise with ::HEDGE_SCENARIO_OPTIONS_INIT. */
typedef struct hedge_scenario_options {
    size_t struct_size; /**< sizeof(hedge_scenario_options) as the caller knows it. */
    unsigned threads;   /**< Worker threads; 0 or 1 computes on the calling thread. */
} hedge_scenario_options;

/** @brief Initialiser for ::hedge_scenario_options: one thread. */
#define HEDGE_SCENARIO_OPTIONS_INIT { sizeof(hedge_scenario_options), 0 }

/** @brief Opaque, immutable P&L matrix. */
typedef struct hedge_scenario_pnl hedge_scenario_pnl;

/**
 * @brief Revalues every position of a book under every scenario.
 * @param[out] out      The result; NULL on failure.
 * @param ctx           The context; must outlive the result.
 * @param portfolio     The book (read under its read lock).
 * @param market        Snapshot and surfaces of the unshifted market.
 * @param scenarios     @p n_scenarios scenarios (copied as needed, not kept).
 * @param n_scenarios   At least 1.
 * @param options       Options, or NULL.
 * @retval HEDGE_OK computed; release with hedge_scenario_pnl_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, no scenarios, two shifts for one underlying.
 * @retval HEDGE_ERR_DOMAIN a spot move <= -1, non-finite moves, negative or non-finite days.
 * @retval HEDGE_ERR_NOT_FOUND / HEDGE_ERR_STALE / HEDGE_ERR_EXPIRED a position cannot be valued
 *         in the unshifted market; the message names it.
 * @retval HEDGE_ERR_TOO_LARGE the matrix would not fit in memory addressing.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_scenarios_run(hedge_scenario_pnl **out, hedge_context *ctx,
                                           const hedge_portfolio *portfolio, const hedge_market *market,
                                           const hedge_scenario *scenarios, size_t n_scenarios,
                                           const hedge_scenario_options *options);

/**
 * @brief Destroys a result. NULL is ignored.
 * @param pnl  The result.
 */
HEDGE_API void hedge_scenario_pnl_destroy(hedge_scenario_pnl *pnl);

/**
 * @brief Number of positions (rows of the matrix), in the portfolio's order at the time of the run.
 * @param pnl  The result, or NULL (0).
 * @return The count.
 */
HEDGE_API size_t hedge_scenario_pnl_positions(const hedge_scenario_pnl *pnl);

/**
 * @brief Number of scenarios (columns).
 * @param pnl  The result, or NULL (0).
 * @return The count.
 */
HEDGE_API size_t hedge_scenario_pnl_scenarios(const hedge_scenario_pnl *pnl);

/**
 * @brief The P&L matrix, row-major: element [i * scenarios + j] is position i under scenario j, USD.
 * @param pnl  The result.
 * @return A pointer valid while the result lives, or NULL for NULL.
 */
HEDGE_API const double *hedge_scenario_pnl_matrix(const hedge_scenario_pnl *pnl);

/**
 * @brief The symbol of position @p index of the matrix.
 * @param pnl    The result.
 * @param index  0 to hedge_scenario_pnl_positions() - 1.
 * @return The symbol, valid while the result lives; NULL when out of range.
 */
HEDGE_API const char *hedge_scenario_pnl_symbol(const hedge_scenario_pnl *pnl, size_t index);

/**
 * @brief The book's P&L per scenario (column sums, added in position order).
 * @param[out] totals  @p n values, USD.
 * @param n            Must equal hedge_scenario_pnl_scenarios().
 * @param pnl          The result.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a wrong @p n.
 */
HEDGE_API hedge_status hedge_scenario_pnl_totals(double *totals, size_t n, const hedge_scenario_pnl *pnl);

/**
 * @brief Builds a Deribit-style spot x volatility grid applied to every underlying.
 *
 * Spot moves are -spot_range .. +spot_range in 2 @p spot_steps equal steps (2 spot_steps + 1
 * values, 0 included); each is combined with every relative vol move in @p vol_moves. Scenario
 * (i, j) is spot move i with vol move j, at index i * n_vol_moves + j, with @p days forward.
 * @param[out] scenarios   (2 spot_steps + 1) n_vol_moves scenarios.
 * @param[out] shifts      As many shifts (one per scenario, underlying NULL); must outlive @p scenarios.
 * @param capacity         Entries available in each of @p scenarios and @p shifts.
 * @param[out] count       The number of scenarios, also when @p capacity is too small.
 * @param spot_range       Largest relative spot move, in (0, 1) (0.16 for Deribit's BTC grid).
 * @param spot_steps       Steps on each side, >= 1.
 * @param vol_moves        @p n_vol_moves relative vol moves (for example -0.3, 0, +0.45).
 * @param n_vol_moves      At least 1.
 * @param days             Days forward for every scenario, >= 0.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p capacity is below @p count; nothing written but @p count.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, no steps or vol moves.
 * @retval HEDGE_ERR_DOMAIN a range outside (0, 1), non-finite moves or days.
 */
HEDGE_API hedge_status hedge_scenario_grid(hedge_scenario *scenarios, hedge_shift *shifts, size_t capacity,
                                           size_t *count, double spot_range, size_t spot_steps,
                                           const double *vol_moves, size_t n_vol_moves, double days);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_SCENARIO_H */
