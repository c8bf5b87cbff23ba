/**
 * @file simulate.h
 * @brief The hedging simulator: one European option position hedged along simulated or historical
 *        price paths by a rebalancing policy, and the distribution of its hedged P&L.
 *
 * @defgroup simulate Hedging simulator
 * @brief Path generators (GBM, Merton jumps, Heston, GARCH(1,1), replay), hedge instruments
 *        (spot, perpetual, a second option), costs and latency, statistics of hedged P&L.
 *
 * @par The experiment
 * A position of @c quantity units of the underlying in a European option (strike K, expiry T
 * years, rate r) is bought (quantity > 0) or written (< 0) at time 0 at its Black-Scholes-Merton
 * value with the "hedge vol" (::hedge_sim_option.hedge_vol: the volatility of the model used
 * for prices and deltas, which need not be the volatility of the paths). Time runs in @c steps
 * equal steps dt = T / steps; the path gives the spot S_0 .. S_steps. At each step i < steps
 * (time t_i = i dt) the policy (rebalance.h, applied through hedge_rebalance_decide()) looks at the
 * net delta of the position plus its hedge (including orders still in flight), the net gamma,
 * the spot, the hedge vol, r, the time left T - t_i and the days since its last trade
 * (dt in days = 365 T / steps; +infinity before the first trade, so calendar rules trade at step
 * 0), and when it says trade, an order brings the net delta to the decision's target. Deltas and
 * gammas are BSM's with the decision's @c hedge_vol (Leland's adjusted volatility for that rule,
 * the hedge vol otherwise) and no dividend yield.
 *
 * @par Hedge instruments
 * - ::HEDGE_SIM_SPOT: units of the underlying, bought and sold at the spot and financed through
 *   a cash account at r (borrowing and lending at the same rate).
 * - ::HEDGE_SIM_PERPETUAL: a linear perpetual whose mark is the spot. Holding h units over a
 *   step settles h (S_{i+1} - S_i) into the cash account and pays funding h S_i f dt, f the
 *   funding rate per year (longs pay when f > 0). It ties up no cash; with f = r it hedges
 *   like spot financed at r.
 * - ::HEDGE_SIM_OPTION: gamma and delta hedging. On every trade the position in a second
 *   European option (its own type, strike and expiry T2 >= T, priced with the same hedge vol)
 *   is set to make the net gamma zero, n2 = -quantity Gamma_1 / Gamma_2 (unchanged while
 *   Gamma_2 is not positive), and spot is traded so that the net delta, the hedge option's
 *   included, reaches the decision's target. The hedge option is bought and sold at its BSM value
 *   with the hedge vol (no vega risk is simulated: the hedge vol is also the implied vol), and
 *   valued at its BSM value at expiry T (its payoff when T2 = T). The policy sees the net gamma
 *   (position and hedge option), so a gamma-neutral book gets a narrow Whalley-Wilmott band.
 *
 * @par Costs and latency
 * Every executed order of one instrument pays @c cost_rate times its notional (units times the
 * spot at execution, for the hedge option too: crypto venues charge options on the underlying's
 * notional) plus @c fixed_cost USD (gas), and counts as one trade. Orders of at most 1e-9
 * |quantity| units are rounding, not trades, and are not placed. A decision at step i
 * executes at step i + @c latency_steps at that step's price (decisions whose execution would fall
 * at or after expiry are not taken). At expiry the hedge is closed at S_T and the closing trades
 * pay the same costs (a cash-settled option: nothing is delivered); a remainder of 1e-9 |quantity|
 * units or less is settled at its value without an order, like any order that small.
 *
 * @par Hedged P&L of a path
 * Discounted to time 0 at r, in USD: - quantity * V_0 (premium; a writer receives it) + quantity
 * * payoff(S_T) e^{-rT} + the hedge's gains, interest on the cash account, funding received
 * (negative: paid) and minus costs, each discounted from when it is paid. With no costs, funding
 * equal to r and paths from the hedge model, its mean tends to 0 and its standard deviation to 0 as
 * the rebalancing interval shrinks. For a written option, the P&L is minus Hull's "cost of hedging"
 * plus the premium, so std(P&L) / (|quantity| V_0) is Hull's performance measure
 * (::hedge_sim_stats.std_over_price).
 *
 * @par Path models (::hedge_sim_model)
 * - GBM: exact log-normal steps, ln S_{i+1} = ln S_i + (mu - sigma^2/2) dt + sigma sqrt(dt) z.
 * - Merton: GBM plus compound Poisson jumps in ln S, N ~ Poisson(lambda dt) jumps per step, each
 *   N(jump_mean, jump_std^2); the drift is compensated by lambda k, k = e^{m + s^2/2} - 1, so that
 *   E[S_T] = S_0 e^{mu T}. The diffusion draws the same normals as GBM (jumps come from a second
 *   stream), so with lambda = 0 the paths are GBM's, bit for bit.
 * - Heston: dS/S = mu dt + sqrt(v) dW1, dv = kappa (theta - v) dt + xi sqrt(v) dW2, corr rho, by
 *   the full-truncation Euler scheme (Lord, Koekkoek and van Dijk, 2010): v+ = max(v, 0) in every
 *   coefficient, ln S stepped with (mu - v+/2) dt + sqrt(v+ dt) z1. Its discretisation bias is
 *   O(dt); use enough steps.
 * - GARCH(1,1): per-step log returns mu dt - h_i/2 + sqrt(h_i) z_i with conditional variance
 *   h_{i+1} = omega + alpha h_i z_i^2 + beta h_i (omega, alpha, beta per step, not annualised);
 *   h_0 = @c garch_var0, or the unconditional omega / (1 - alpha - beta) when it is 0.
 * - Replay: a historical series of prices sampled every dt (the caller's array, see
 *   ::hedge_sim_paths): one path (its first steps + 1 prices), or every overlapping window of
 *   steps + 1 consecutive prices as a path; window k (prices k .. k + steps) is scaled by
 *   prices[0] / prices[k] so that every path starts at the series' first price and hedges the
 *   same option (the returns are the series', the level is not).
 *
 * @par Reproducibility and threads
 * Path p draws from its own streams of a counter-based generator keyed by the seed, so its prices
 * are the same whichever thread computes it; results are aggregated in path order, so the
 * statistics and the per-path P&L are bit-identical for any thread count. hedge_sim_generate()
 * writes the same paths. All allocation happens before the paths run (through the context); none
 * per path or step.
 *
 * @par Thread safety
 * hedge_sim_run() and hedge_sim_generate() only read their inputs: any number of calls may run at
 * once. hedge_sim_run() starts @c threads - 1 worker threads and joins them before it returns;
 * the progress callback is only ever called from the calling thread. A ::hedge_sim_config is
 * immutable once read.
 *
 * @par Units
 * Prices in USD per unit of the underlying, quantities in units of the underlying, times in years,
 * rates, drift, volatilities and funding per year (continuously compounded), GARCH parameters per
 * step, costs as fractions of USD notional and USD.
 * @{
 */
#ifndef HEDGE_SIMULATE_H
#define HEDGE_SIMULATE_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/rebalance.h>
#include <hedge/status.h>
#include <hedge/types.h>

HEDGE_BEGIN_DECLS

/** @brief How price paths are generated. */
typedef enum hedge_sim_model {
    HEDGE_SIM_GBM = 0,    /**< Geometric Brownian motion, exact steps. */
    HEDGE_SIM_MERTON = 1, /**< Merton jump-diffusion. */
    HEDGE_SIM_HESTON = 2, /**< Heston stochastic volatility, full-truncation Euler. */
    HEDGE_SIM_GARCH = 3,  /**< GARCH(1,1) log returns. */
    HEDGE_SIM_REPLAY = 4  /**< A historical price series. */
} hedge_sim_model;

/** @brief A path model and its parameters. Initialise with ::HEDGE_SIM_PATHS_INIT. */
typedef struct hedge_sim_paths {
    size_t struct_size;    /**< sizeof(hedge_sim_paths) as the caller knows it. */
    hedge_sim_model model; /**< The model. */
    double spot;           /**< S_0, USD, > 0 (replay: unused, the series gives it). */
    double drift;          /**< mu, real-world expected return per year, finite (not replay). */
    double vol;            /**< GBM and Merton: diffusion volatility per sqrt(year), >= 0. */
    double jump_intensity; /**< Merton: lambda, expected jumps per year, >= 0. */
    double jump_mean;      /**< Merton: mean of the jump in ln S, finite. */
    double jump_std;       /**< Merton: standard deviation of the jump in ln S, >= 0. */
    double kappa;          /**< Heston: mean reversion per year, >= 0. */
    double theta;          /**< Heston: long-run variance per year, >= 0. */
    double xi;             /**< Heston: volatility of variance, >= 0. */
    double rho;            /**< Heston: correlation of the spot's and the variance's shocks, in [-1, 1]. */
    double v0;             /**< Heston: initial variance per year, >= 0. */
    double garch_omega;    /**< GARCH: constant of the per-step variance, > 0. */
    double garch_alpha;    /**< GARCH: weight of the last squared shock, >= 0. */
    double garch_beta;     /**< GARCH: weight of the last variance, >= 0. */
    double garch_var0;     /**< GARCH: initial per-step variance, >= 0; 0 = unconditional (alpha + beta < 1). */
    const double *prices;  /**< Replay: the series, USD, each > 0; not copied, read during the call. */
    size_t n_prices;       /**< Replay: its length, >= steps + 1. */
    int windows;           /**< Replay: non-zero for every window of steps + 1 prices, 0 for one path. */
} hedge_sim_paths;

/** @brief Initialiser for ::hedge_sim_paths: GBM with every parameter 0 (set spot and vol). */
#define HEDGE_SIM_PATHS_INIT { sizeof(hedge_sim_paths), HEDGE_SIM_GBM, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0 }

/** @brief The hedged option position. Initialise with ::HEDGE_SIM_OPTION_INIT. */
typedef struct hedge_sim_option {
    size_t struct_size;     /**< sizeof(hedge_sim_option) as the caller knows it. */
    hedge_option_type type; /**< ::HEDGE_CALL or ::HEDGE_PUT. */
    double quantity;        /**< Units of the underlying, > 0 long, < 0 written; finite, not 0. */
    double strike;          /**< K, USD, > 0. */
    double expiry;          /**< T, years, > 0. */
    double rate;            /**< r, continuously compounded per year, finite. */
    double hedge_vol;       /**< Volatility of prices and deltas per sqrt(year), > 0. */
} hedge_sim_option;

/** @brief Initialiser for ::hedge_sim_option: a call, every number 0 (set them). */
#define HEDGE_SIM_OPTION_INIT { sizeof(hedge_sim_option), HEDGE_CALL, 0, 0, 0, 0, 0 }

/** @brief The instrument that hedges the delta. */
typedef enum hedge_sim_instrument {
    HEDGE_SIM_SPOT = 0,      /**< The underlying, financed at r. */
    HEDGE_SIM_PERPETUAL = 1, /**< A linear perpetual paying funding. */
    HEDGE_SIM_OPTION = 2     /**< A second option for gamma, plus spot for delta. */
} hedge_sim_instrument;

/** @brief The hedge: instrument, costs and latency. Initialise with ::HEDGE_SIM_HEDGE_INIT. */
typedef struct hedge_sim_hedge {
    size_t struct_size;              /**< sizeof(hedge_sim_hedge) as the caller knows it. */
    hedge_sim_instrument instrument; /**< The instrument. */
    double funding_rate;             /**< Perpetual: funding per year as a fraction of notional, finite; longs pay when > 0. */
    hedge_option_type option_type;   /**< Option hedge: ::HEDGE_CALL or ::HEDGE_PUT. */
    double option_strike;            /**< Option hedge: strike, USD, > 0. */
    double option_expiry;            /**< Option hedge: expiry in years, >= the position's. */
    double cost_rate;                /**< Proportional cost, fraction of the notional traded, in [0, 1). */
    double fixed_cost;               /**< USD per executed order (gas), >= 0. */
    size_t latency_steps;            /**< Steps between a decision and its execution, < steps. */
} hedge_sim_hedge;

/** @brief Initialiser for ::hedge_sim_hedge: spot, no costs, no latency. */
#define HEDGE_SIM_HEDGE_INIT { sizeof(hedge_sim_hedge), HEDGE_SIM_SPOT, 0, HEDGE_CALL, 0, 0, 0, 0, 0 }

/**
 * @brief Progress of hedge_sim_run(), called from the thread that called it.
 * @param payload  ::hedge_sim_options.payload.
 * @param done     Paths finished so far; increases from call to call, and reaches @p total.
 * @param total    Paths in the run.
 * @return 0 to go on; any other value cancels the run (hedge_sim_run() returns
 *         ::HEDGE_ERR_CANCELLED and writes nothing).
 */
typedef int (*hedge_sim_progress_fn)(void *payload, size_t done, size_t total);

/** @brief Settings of a run. Initialise with ::HEDGE_SIM_OPTIONS_INIT. */
typedef struct hedge_sim_options {
    size_t struct_size;             /**< sizeof(hedge_sim_options) as the caller knows it. */
    size_t paths;                   /**< Paths, >= 1; replay: 0 for every path the series gives, else at most that. */
    size_t steps;                   /**< Steps to expiry, >= 1. */
    uint64_t seed;                  /**< Seed of the generator; any value. */
    unsigned threads;               /**< Threads (at most 64 are used); 0 or 1 runs on the calling thread only. */
    hedge_sim_progress_fn progress; /**< Progress callback, or NULL. */
    void *payload;                  /**< Passed to @c progress. */
} hedge_sim_options;

/** @brief Initialiser for ::hedge_sim_options: 10,000 paths, 365 steps, seed 1, one thread. */
#define HEDGE_SIM_OPTIONS_INIT { sizeof(hedge_sim_options), 10000, 365, 1, 0, NULL, NULL }

/**
 * @brief Statistics of the hedged P&L over the paths. Initialise with ::HEDGE_SIM_STATS_INIT.
 *
 * P&L in USD discounted to time 0. VaR and CVaR are losses (positive when the P&L is negative) over
 * the equally weighted paths, as hedge_scenario_var() defines them: VaR at confidence c is the lower
 * c quantile of the loss (with the losses sorted ascending, the k-th for the first k with k/n >= c),
 * CVaR the Acerbi-Tasche expected shortfall, the mean of the loss quantile over (c, 1] (the mean of
 * the (1 - c) n largest losses when that is a whole number, with a fraction of the next otherwise).
 */
typedef struct hedge_sim_stats {
    size_t struct_size;    /**< sizeof(hedge_sim_stats) as the caller knows it. */
    size_t paths;          /**< Paths simulated. */
    double option_price;   /**< V_0: BSM value of one unit of the option with the hedge vol, USD. */
    double mean;           /**< Mean P&L, USD. */
    double std;            /**< Standard deviation (n - 1 denominator; 0 for one path), USD. */
    double var95;          /**< VaR at 95%, USD of loss. */
    double cvar95;         /**< CVaR (expected shortfall) at 95%, USD of loss. */
    double var99;          /**< VaR at 99%, USD of loss. */
    double cvar99;         /**< CVaR at 99%, USD of loss. */
    double worst;          /**< Smallest P&L, USD. */
    double best;           /**< Largest P&L, USD. */
    double mean_cost;      /**< Mean of the costs paid (proportional and fixed), discounted, USD. */
    double mean_funding;   /**< Mean funding received by the perpetual (negative: paid), discounted, USD. */
    double mean_trades;    /**< Mean number of executed orders per path (closing trades included). */
    double std_over_price; /**< std / (|quantity| V_0): Hull's performance measure (0 when V_0 is 0). */
} hedge_sim_stats;

/** @brief Initialiser for ::hedge_sim_stats. */
#define HEDGE_SIM_STATS_INIT { sizeof(hedge_sim_stats), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Simulates the hedged option over the paths and summarises its P&L.
 * @param[in,out] stats  Output; @c struct_size set (::HEDGE_SIM_STATS_INIT).
 * @param[out] pnl       The P&L of each path, USD, in path order (@p n_pnl >= the number of paths),
 *                       or NULL.
 * @param n_pnl          Capacity of @p pnl; ignored when @p pnl is NULL.
 * @param ctx            The context: every buffer comes from its allocator, before the paths run.
 * @param paths          The path model.
 * @param option         The hedged position.
 * @param hedge          The hedge instrument, costs and latency.
 * @param policy         The rebalancing policy; its @c cost_rate and @c fixed_cost are what the
 *                       policy assumes, the costs charged are @p hedge's.
 * @param options        Paths, steps, seed, threads, progress; NULL for ::HEDGE_SIM_OPTIONS_INIT.
 * @retval HEDGE_OK simulated; @p stats and @p pnl written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a bad @c struct_size, an unknown model, instrument,
 *         option type or rule, no paths or steps, a latency of @c steps or more, a replay series
 *         with fewer than steps + 1 prices or fewer paths than asked.
 * @retval HEDGE_ERR_DOMAIN a number out of its range (the message names it), a policy that
 *         hedge_rebalance_decide() rejects for the position (Leland's volatility for a long option
 *         hedged too often for its costs), or a path model whose spot overflows (or reaches 0) on a
 *         path, which makes its Greeks or P&L non-finite (the message names the path).
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p n_pnl is below the number of paths.
 * @retval HEDGE_ERR_TOO_LARGE the buffers would not fit in memory addressing.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @retval HEDGE_ERR_CANCELLED the progress callback returned non-zero.
 * On failure nothing is written.
 * @par Thread safety
 * Reads its inputs only; see the file's thread-safety section.
 */
HEDGE_API hedge_status hedge_sim_run(hedge_sim_stats *stats, double *pnl, size_t n_pnl, hedge_context *ctx,
                                     const hedge_sim_paths *paths, const hedge_sim_option *option,
                                     const hedge_sim_hedge *hedge, const hedge_rebalance_policy *policy,
                                     const hedge_sim_options *options);

/**
 * @brief Writes price paths of a model: the paths hedge_sim_run() hedges, bit for bit.
 *
 * Path first_path + j (j < n_paths) goes to prices[j (steps + 1) .. j (steps + 1) + steps],
 * S_0 first. Replay copies the series' windows (or its one path).
 * @param[out] prices    n_paths (steps + 1) prices, USD.
 * @param capacity       Elements available in @p prices.
 * @param paths          The path model.
 * @param horizon        Years the steps span (the option's expiry in hedge_sim_run()), > 0.
 * @param steps          Steps, >= 1.
 * @param seed           The seed, as ::hedge_sim_options.seed.
 * @param first_path     Index of the first path to write.
 * @param n_paths        Paths to write.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a bad @c struct_size or unknown model, no steps, a
 *         replay series too short for the paths asked.
 * @retval HEDGE_ERR_DOMAIN a parameter out of range.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p capacity below n_paths (steps + 1); nothing written.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_sim_generate(double *prices, size_t capacity, const hedge_sim_paths *paths,
                                          double horizon, size_t steps, uint64_t seed, size_t first_path,
                                          size_t n_paths);

/**
 * @name Simulation configs in JSON
 * A document with a `simulate` member (docs/json-format.md, section "simulate") describes a whole
 * experiment: path model, option, hedge, costs, run settings and several named policies to compare
 * on the same paths.
 * @{
 */

/** @brief Opaque, immutable simulation config read from JSON. */
typedef struct hedge_sim_config hedge_sim_config;

/**
 * @brief The parts of a config, pointing into it. Initialise with ::HEDGE_SIM_SETUP_INIT.
 *
 * Pointers stay valid while the config lives. A replay config whose series is inline (`prices`)
 * has it in @c paths; one that names a CSV file has @c replay_csv set and no prices (the caller
 * loads them: the `hedge` program does). A replay's path count omitted in the JSON is 0 in
 * @c options, which hedge_sim_run() takes for every path the series gives (its windows of
 * steps + 1 prices, or its one path); more than an inline series gives is a ::HEDGE_ERR_DOMAIN of
 * the reader.
 */
typedef struct hedge_sim_setup {
    size_t struct_size;               /**< sizeof(hedge_sim_setup) as the caller knows it. */
    const hedge_sim_paths *paths;     /**< The path model. */
    const hedge_sim_option *option;   /**< The position. */
    const hedge_sim_hedge *hedge;     /**< The hedge. */
    const hedge_sim_options *options; /**< Paths, steps, seed and threads (no progress callback). */
    size_t n_policies;                /**< Policies to compare, >= 1. */
    const char *replay_csv;           /**< Replay: the CSV file named by the config, as written there, or NULL. */
    const char *replay_column;        /**< Replay: the CSV column of prices ("price" unless named). */
} hedge_sim_setup;

/** @brief Initialiser for ::hedge_sim_setup. */
#define HEDGE_SIM_SETUP_INIT { sizeof(hedge_sim_setup), NULL, NULL, NULL, NULL, 0, NULL, NULL }

/**
 * @brief Reads the `simulate` member of a JSON document into a new config.
 * @param[out] out  The config; NULL on failure.
 * @param ctx       The context; must outlive the config.
 * @param text      The document, @p length bytes (need not be NUL-terminated).
 * @param length    Its length.
 * @param name      A name for messages (the file name), or NULL.
 * @retval HEDGE_OK read; release with hedge_sim_config_destroy().
 * @retval HEDGE_ERR_PARSE malformed JSON, a missing or unknown member, a wrong type or an unknown
 *         name (model, instrument, rule); the message starts with name:line:column and the JSON
 *         pointer of the value.
 * @retval HEDGE_ERR_DOMAIN a number out of range, with the location.
 * @retval HEDGE_ERR_UNSUPPORTED built without JSON support.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_sim_config_read_json(hedge_sim_config **out, hedge_context *ctx, const char *text,
                                                  size_t length, const char *name);

/**
 * @brief As hedge_sim_config_read_json(), from a file.
 * @param[out] out  The config.
 * @param ctx       The context.
 * @param path      The file.
 * @retval HEDGE_ERR_IO the file cannot be read; otherwise as hedge_sim_config_read_json().
 */
HEDGE_API hedge_status hedge_sim_config_load_json(hedge_sim_config **out, hedge_context *ctx, const char *path);

/**
 * @brief Destroys a config. NULL is ignored.
 * @param config  The config.
 */
HEDGE_API void hedge_sim_config_destroy(hedge_sim_config *config);

/**
 * @brief The parts of a config.
 * @param[in,out] setup  Output; @c struct_size set.
 * @param config         The config.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a bad @c struct_size.
 */
HEDGE_API hedge_status hedge_sim_config_setup(hedge_sim_setup *setup, const hedge_sim_config *config);

/**
 * @brief One of a config's policies and its name.
 * @param[in,out] policy  Output; @c struct_size set.
 * @param[out] name       The policy's name, valid while the config lives; may be NULL.
 * @param config          The config.
 * @param index           0 to ::hedge_sim_setup.n_policies - 1.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a bad @c struct_size.
 * @retval HEDGE_ERR_NOT_FOUND @p index out of range.
 */
HEDGE_API hedge_status hedge_sim_config_policy(hedge_rebalance_policy *policy, const char **name,
                                               const hedge_sim_config *config, size_t index);
/** @} */

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_SIMULATE_H */
