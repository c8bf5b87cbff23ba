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
 * @par Scenario sets and tail measures
 * Scenarios come from a Deribit-style grid (hedge_scenario_grid()), from a price history
 * (hedge_scenario_historical()) or from a correlated lognormal model (hedge_scenario_sample()); all
 * three fill caller-provided arrays and allocate nothing. hedge_scenario_var() turns the book's P&L
 * per scenario (hedge_scenario_pnl_totals()) into value-at-risk and expected shortfall.
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

/**
 * @brief Builds historical joint scenarios: the relative moves of several underlyings over a
 *        horizon, from equally spaced observations of their prices.
 *
 * Scenario t (t = 0 .. n_obs - horizon - 1, overlapping windows) moves underlying u by
 * spot = S[t + horizon][u] / S[t][u] - 1 and, when @p vols is given, its vols by the absolute
 * vol_abs = v[t + horizon][u] - v[t][u] (vol_rel 0); each scenario moves time by @p days. Its
 * shifts are shifts[t * n_underlyings + u], u in the order of @p underlyings, so that
 * hedge_scenarios_run() applies to each underlying its own history. Nothing is allocated.
 * @param[out] scenarios   @p count scenarios; each points into @p shifts.
 * @param[out] shifts      @p capacity * @p n_underlyings shifts; must outlive @p scenarios. Their
 *                         underlying pointers are the caller's @p underlyings strings.
 * @param capacity         Scenarios available in @p scenarios (and @p capacity * @p n_underlyings
 *                         in @p shifts).
 * @param[out] count       n_obs - horizon, also when @p capacity is too small.
 * @param underlyings      @p n_underlyings distinct names (not copied: must outlive @p shifts).
 * @param n_underlyings    At least 1.
 * @param prices           @p n_obs x @p n_underlyings prices, row-major (row = observation, oldest
 *                         first), finite and > 0, any unit (only ratios are used).
 * @param vols             NULL for no vol moves, or an ATM vol history of the same shape, as
 *                         fractions (0.55 is 55%), finite and >= 0.
 * @param n_obs            Observations (rows).
 * @param horizon          Observations per move, 1 .. n_obs - 1 (1 for daily moves of daily data).
 * @param days             Calendar days forward of every scenario, finite and >= 0 (ACT/365);
 *                         usually the horizon in days (0 for an instantaneous shock).
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p capacity is below @p count; nothing written but @p count.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument (arrays may be NULL only with @p capacity 0), no
 *         underlyings, a NULL or repeated name, @p horizon 0 or >= @p n_obs; nothing written.
 * @retval HEDGE_ERR_DOMAIN a price <= 0 or non-finite, a vol < 0 or non-finite, a ratio of prices
 *         that overflows, bad @p days; the message names the observation and underlying; nothing
 *         written.
 * @retval HEDGE_ERR_TOO_LARGE the shift count overflows size_t.
 * @par Thread safety
 * Reentrant: reads only its arguments and writes only its outputs.
 */
HEDGE_API hedge_status hedge_scenario_historical(hedge_scenario *scenarios, hedge_shift *shifts, size_t capacity,
                                                 size_t *count, const char *const *underlyings, size_t n_underlyings,
                                                 const double *prices, const double *vols, size_t n_obs,
                                                 size_t horizon, double days);

/** @brief Doubles of workspace hedge_scenario_sample() needs for @p n_underlyings underlyings:
 *         the correlation factor and one vector of draws, n (n + 1). */
#define HEDGE_SCENARIO_SAMPLE_WORKSPACE(n_underlyings) ((n_underlyings) * ((n_underlyings) + 1))

/**
 * @brief Samples joint lognormal spot scenarios of several correlated underlyings.
 *
 * @par Model
 * With t = @p days / 365 (ACT/365), scenario k moves underlying u to
 * S' = S exp(-sigma_u^2 t / 2 + sigma_u sqrt(t) Z_u), i.e. spot = S'/S - 1, where Z = L e, L a
 * lower-triangular factor of the correlation matrix (C = L L') and e independent standard normals.
 * The drift is chosen so that the expected move is 0 (E[S'] = S): the scenarios shock the book, they
 * do not forecast carry (hedge_scenarios_run() rolls forwards and time for @p days by itself). The
 * log moves are N(-sigma^2 t/2, sigma^2 t) with correlation C. Vols do not move (vol_rel = vol_abs = 0).
 * A move is clamped to [-1 + 2^-53, DBL_MAX] so that every scenario is valid for
 * hedge_scenarios_run(); only sigma sqrt(t) beyond about 5 can reach the clamp.
 *
 * @par Reproducibility
 * Scenario number k_begin + k (k = 0 .. n - 1) draws its n_underlyings normals from the
 * Philox4x32-10 stream (key @p seed, stream k_begin + k), so it is a pure function of (@p seed, its
 * number, the other inputs): calls over [0, a) and [a, b) give bit for bit the scenarios of one
 * call over [0, b), whatever machine thread or process makes them.
 *
 * @par Correlation
 * @p correlation must be finite, symmetric within 1e-12, with |entries| <= 1 and a unit diagonal
 * within 1e-12, and positive semi-definite. It is factored by a Cholesky decomposition that accepts
 * a singular (PSD) matrix: a pivot within 1e-12 of zero means that underlying is a combination of
 * the ones before it, so it gets no draw of its own (a zero column of L; its remaining
 * off-diagonal residuals must then be within 1e-6, their largest value in a PSD matrix); e.g. a
 * correlation of exactly 1 gives identical moves (up to the vols). A pivot below -1e-12 or a larger
 * residual means the matrix is not PSD: refused. Each scenario still draws n_underlyings normals,
 * so the rank does not change which draws the others get.
 *
 * @param[out] scenarios     @p n scenarios, each pointing at its @p n_underlyings shifts.
 * @param[out] shifts        @p n * @p n_underlyings shifts, shifts[k * n_underlyings + u] the move
 *                           of underlyings[u]; must outlive @p scenarios.
 * @param n                  Scenarios to write, >= 1.
 * @param underlyings        @p n_underlyings distinct names (not copied: must outlive @p shifts).
 * @param n_underlyings      At least 1.
 * @param vols               Annualised lognormal vols per underlying, fractions, finite and >= 0.
 * @param correlation        @p n_underlyings x @p n_underlyings correlation matrix, row-major.
 * @param days               Horizon in calendar days, finite and >= 0; also each scenario's days.
 * @param seed               The generator's key.
 * @param k_begin            The number of the first scenario written (0 for a single call).
 * @param workspace          Scratch of @p workspace_len doubles; contents undefined after the call.
 * @param workspace_len      At least HEDGE_SCENARIO_SAMPLE_WORKSPACE(n_underlyings).
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, @p n or @p n_underlyings 0, a NULL or repeated name,
 *         k_begin + n beyond 2^64; nothing written.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p workspace_len is too small; nothing written.
 * @retval HEDGE_ERR_DOMAIN a vol < 0 or non-finite, bad @p days, a correlation matrix that is not
 *         finite, not symmetric, without unit diagonal, with an entry beyond [-1, 1] or not PSD (the
 *         message says which); nothing written.
 * @retval HEDGE_ERR_TOO_LARGE a size overflows size_t.
 * @par Thread safety
 * Reentrant: no state besides the arguments; calls on disjoint outputs may run concurrently.
 */
HEDGE_API hedge_status hedge_scenario_sample(hedge_scenario *scenarios, hedge_shift *shifts, size_t n,
                                             const char *const *underlyings, size_t n_underlyings,
                                             const double *vols, const double *correlation, double days,
                                             uint64_t seed, uint64_t k_begin, double *workspace,
                                             size_t workspace_len);

/** @brief Doubles of workspace hedge_scenario_var() needs for @p n P&L values: 2 n. */
#define HEDGE_SCENARIO_VAR_WORKSPACE(n) (2 * (n))

/**
 * @brief Value-at-risk and expected shortfall of a scenario P&L distribution.
 *
 * The loss is L = -P&L. With losses sorted ascending, L_(1) <= ... <= L_(n), probabilities p_(i)
 * and cumulative probabilities c_i = p_(1) + ... + p_(i):
 * - VaR is the lower @p level quantile of the loss, VaR = inf { x : P(L <= x) >= level } = L_(i)
 *   for the first i with c_i >= level (compared with a tolerance of 1e-12, so that level 0.99 of
 *   100 equally likely scenarios is the 99th smallest loss however the sums round).
 * - ES is Acerbi and Tasche's expected shortfall (2002), the average of the loss quantiles above
 *   the level: ES = 1/(1 - level) * integral from level to 1 of VaR_u du
 *   = 1/(1 - level) * ( E[L 1{L > VaR}] + VaR (P(L <= VaR) - level) ).
 *   An atom at the VaR point counts with the fraction of it beyond the level only, so ES is coherent
 *   (subadditive) for discrete distributions and ES >= VaR always. It is not E[L | L >= VaR].
 *
 * Both are losses in the P&L's unit (USD for hedge_scenario_pnl_totals() output): positive numbers
 * are losses, a negative VaR means even the level quantile is a gain.
 * @param[out] var           The VaR; written only on success.
 * @param[out] es            The expected shortfall; written only on success.
 * @param pnl                @p n P&L values, finite (gains positive).
 * @param probabilities      @p n probabilities of the scenarios, finite and >= 0, summing to 1
 *                           within 1e-9 (they are then divided by their sum); NULL for 1/n each.
 * @param n                  At least 1.
 * @param level              The confidence level, in (0, 1) (0.99 for 99%).
 * @param workspace          Scratch of @p workspace_len doubles; contents undefined after the call.
 * @param workspace_len      At least HEDGE_SCENARIO_VAR_WORKSPACE(n).
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, @p n 0.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p workspace_len is too small.
 * @retval HEDGE_ERR_DOMAIN @p level outside (0, 1) or NaN, a non-finite P&L, a negative or non-finite
 *         probability, probabilities not summing to 1 within 1e-9; the message names the index.
 * @retval HEDGE_ERR_TOO_LARGE the workspace size overflows size_t.
 * @par Thread safety
 * Reentrant. O(n log n) time; nothing allocated.
 */
HEDGE_API hedge_status hedge_scenario_var(double *var, double *es, const double *pnl, const double *probabilities,
                                          size_t n, double level, double *workspace, size_t workspace_len);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_SCENARIO_H */
