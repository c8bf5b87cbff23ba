/**
 * @file hedging.h
 * @brief The hedge solver: from a book, a market, candidate hedge instruments, costs and limits to
 *        the trades that keep the book inside its limits at the lowest cost.
 *
 * @defgroup hedging Hedge solver
 * @brief Builds an optimization problem (optimize.h) from a book and maps its answer back to trades.
 *
 * @par The decision
 * One variable per candidate: x_j, the contracts of candidate j bought (> 0) or sold (< 0). A
 * candidate is an instrument of the market traded on one venue at that venue's quote, so one
 * instrument offered on two venues (or two listings of the same economics) is two candidates and
 * an order can be split between them by their depth and fees.
 *
 * @par The objective, in USD
 *     minimise  lambda/2 Var_s[B_s + sum_j x_j P_js]               (variance of hedged P&L)
 *             + sum_g weight_g/2 (G_g + sum_j x_j g_gj - target_g)^2   (soft Greek targets)
 *             + sum_j (fee_j + half_spread_j) |x_j| + impact_j x_j^2   (trading costs)
 *             + sum_j funding_j x_j + sum_j fixed_j [x_j != 0]        (carry and fixed costs)
 * where B_s is the book's P&L minus the benchmark's in scenario s (scenario.h, full revaluation),
 * P_js candidate j's P&L per contract, Var_s the variance over the equally weighted scenarios,
 * lambda the risk aversion (per USD: lambda Var is money), G_g the book's Greek g and g_gj a
 * contract's. So a hedge is bought only when the variance it removes, priced at lambda/2, is worth
 * more than its cost. Trades are valued at the quote's mid; the half-spread, fees, impact and
 * funding are the costs.
 *
 * @par Costs, per contract traded
 * - fee: the taker fee rate (or the maker rate when ::hedge_objective.passive is set) times the
 *   contract's USD notional, for options at most @c fee_cap times the option's USD premium (the
 *   Deribit and OKX rule), plus a flat @c fee_usd. A maker rebate (a negative rate) is counted
 *   down to a fee of 0, never below: a negative cost per contract would make the problem reward
 *   churning.
 * - half-spread: half the quote's ask - bid in USD (0 when passive).
 * - impact: @c impact x^2 USD, convex in size; with @c impact_from_book the coefficient is fitted
 *   to the quote's depth ladder (the cost of walking it beyond the half-spread, least squares in x^2).
 * - funding: a perpetual's funding paid over the horizon at the snapshot's current rate (valuation.h).
 * - fixed: @c fixed_cost USD per candidate traded at all (gas, ticket charges); needs a backend with
 *   integer variables, like the lot sizes and minimum sizes.
 *
 * @par Limits
 * Hard Greek bands (per underlying or on the whole book's USD Greeks); trade bounds per
 * candidate; post-trade position bounds per instrument; visible depth (a buy takes at most
 * @c depth_fraction of the ask ladder, a sale of the bid ladder); a premium budget (net option
 * premium paid at mid); scenario margin within collateral (margin.h's grid: every grid scenario's
 * loss plus the unhedged book's delta add-on must stay within the collateral); per-venue caps on
 * the USD notional traded; allowed venues; buy-only candidates; lot sizes and minimum sizes.
 *
 * @par Units
 * Greeks as in risk.h: delta in coins of the underlying or USD, cash gamma in USD of delta per 1%
 * move, vega in USD per 1.00 of volatility, theta in USD per year. Trades in contracts.
 *
 * @par Thread safety
 * A problem is changed by one thread at a time and may be read (solved) by many at once while
 * nobody changes it. A result is immutable. hedge_solve() copies the book under one read lock
 * before anything else, so it hedges one consistent version of a book other threads edit.
 * @{
 */
#ifndef HEDGE_HEDGING_H
#define HEDGE_HEDGING_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/margin.h>
#include <hedge/market.h>
#include <hedge/optimize.h>
#include <hedge/portfolio.h>
#include <hedge/risk.h>
#include <hedge/scenario.h>
#include <hedge/status.h>

#include <math.h> /* HUGE_VAL in the initialisers */

HEDGE_BEGIN_DECLS

/** @brief Opaque hedge problem: candidates, Greek targets, objective and limits (not the book). */
typedef struct hedge_problem hedge_problem;

/** @brief Opaque, immutable answer of hedge_solve(). */
typedef struct hedge_result hedge_result;

/** @brief A candidate hedge: an instrument traded on one venue. Initialise with ::HEDGE_CANDIDATE_INIT. */
typedef struct hedge_candidate {
    size_t struct_size;   /**< sizeof(hedge_candidate) as the caller knows it. */
    const char *symbol;   /**< An instrument of the market; copied. */
    const char *venue;    /**< The venue whose quote is traded; NULL: the instrument's own venue. Copied. */
    double taker_fee;     /**< Fee rate taking liquidity, fraction of USD notional (0.0005 = 5 bp), finite. */
    double maker_fee;     /**< Fee rate posting liquidity; negative for a rebate; finite. */
    double fee_cap;       /**< Options: fee at most this fraction of the premium (0.125 on Deribit); 0: no cap. */
    double fee_usd;       /**< Flat fee per contract, USD, >= 0. */
    double fixed_cost;    /**< USD charged once if the candidate trades at all (gas), >= 0. */
    double impact;        /**< Impact coefficient, USD per contract squared, >= 0 (cost impact x^2). */
    int impact_from_book; /**< Non-zero: fit the impact coefficient to the quote's ladder instead. */
    double lot_size;      /**< Trades are whole multiples of this many contracts; 0: any size. */
    double min_size;      /**< A trade, if any, is at least this many contracts either way; 0: none. */
    double min_trade;     /**< Lowest trade, contracts (-HUGE_VAL: none); <= max_trade. */
    double max_trade;     /**< Highest trade, contracts (HUGE_VAL: none). */
    /** Post-trade position bounds of the instrument, book position included, in contracts
     *  (-HUGE_VAL and HUGE_VAL: none). Candidates of one instrument share them: the tightest applies. */
    double min_position;
    double max_position;  /**< See @c min_position. */
    int buy_only;         /**< Non-zero: may only be bought (a long option, say). */
} hedge_candidate;

/** @brief Initialiser for ::hedge_candidate: no fees, no bounds, continuous size. */
#define HEDGE_CANDIDATE_INIT                                                                              \
    { sizeof(hedge_candidate), NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, -HUGE_VAL, HUGE_VAL, -HUGE_VAL, \
      HUGE_VAL, 0 }

/** @brief The Greeks a target can address (risk.h's units). */
typedef enum hedge_greek {
    HEDGE_GREEK_DELTA_COIN = 0, /**< Delta in coins of one underlying (needs an underlying). */
    HEDGE_GREEK_DELTA_USD = 1,  /**< Delta in USD. */
    HEDGE_GREEK_GAMMA_USD = 2,  /**< Cash gamma: USD of delta per 1% move. */
    HEDGE_GREEK_VEGA_USD = 3,   /**< USD per 1.00 of volatility. */
    HEDGE_GREEK_THETA_USD = 4   /**< USD per year. */
} hedge_greek;

/**
 * @brief A Greek the hedged book must keep within a band, or should keep near a target.
 *        Initialise with ::HEDGE_GREEK_TARGET_INIT.
 *
 * The Greek is summed over the positions (book and trades) of @c underlying, or of the whole
 * book when it is NULL, whose time to expiry lies in [@c min_days, @c max_days] (perpetuals and
 * spot count as 0 days), so vega can be bounded per tenor.
 */
typedef struct hedge_greek_target {
    size_t struct_size;     /**< sizeof(hedge_greek_target) as the caller knows it. */
    hedge_greek greek;      /**< Which Greek. */
    const char *underlying; /**< The underlying, or NULL for the whole book (not with ::HEDGE_GREEK_DELTA_COIN). Copied. */
    double min_days;        /**< Shortest expiry counted, days, >= 0. */
    double max_days;        /**< Longest expiry counted, days (HUGE_VAL: all). */
    double lo;              /**< Hard lower bound on the hedged Greek (-HUGE_VAL: none). */
    double hi;              /**< Hard upper bound (HUGE_VAL: none); >= lo. */
    double target;          /**< Soft target, finite. */
    double weight;          /**< Soft penalty weight/2 (G - target)^2, USD per unit squared, >= 0; 0: no soft term. */
} hedge_greek_target;

/** @brief Initialiser for ::hedge_greek_target: a delta band of nothing, every expiry. */
#define HEDGE_GREEK_TARGET_INIT \
    { sizeof(hedge_greek_target), HEDGE_GREEK_DELTA_USD, NULL, 0, HUGE_VAL, -HUGE_VAL, HUGE_VAL, 0, 0 }

/**
 * @brief The objective's settings. Initialise with ::HEDGE_OBJECTIVE_INIT.
 *
 * @par The scenario set of the variance
 * Given scenarios are used as they are, equally weighted. Otherwise a set is generated for the
 * horizon: @c spot_points equal-probability log-normal spot moves (z_i = N^-1((i + 1/2) / n),
 * S' = S exp(sigma sqrt(h) z_i - sigma^2 h / 2) with sigma the underlying's 30-day ATM vol), every
 * underlying moving together (perfect correlation: give scenarios of your own for anything finer),
 * each crossed with @c vol_points equal-probability relative vol moves of standard deviation
 * vol_of_vol sqrt(h), and the valuation time rolled by the horizon.
 */
typedef struct hedge_objective {
    size_t struct_size;    /**< sizeof(hedge_objective) as the caller knows it. */
    double risk_aversion;  /**< lambda, per USD, >= 0; 0: no variance term (Greek targets and costs only). */
    double horizon_days;   /**< Hedge horizon in days, > 0: funding carry and the generated scenarios. */
    const hedge_scenario *scenarios; /**< Scenarios for the variance, or NULL to generate them; copied. */
    size_t n_scenarios;    /**< Entries in @c scenarios. */
    size_t spot_points;    /**< Generated spot moves, 2 to 100000; default 21. */
    size_t vol_points;     /**< Generated vol moves, 1 (vols fixed) to 1000, at most 100000 scenarios in all; default 3. */
    double vol_of_vol;     /**< Annualised standard deviation of relative vol moves, >= 0; default 1.0. */
    /** Positions whose P&L the hedged book should track (variance of book + hedge - benchmark), or
     *  NULL for none; copied, instruments referenced. */
    const hedge_position *benchmark;
    size_t n_benchmark;    /**< Entries in @c benchmark. */
    int passive;           /**< Non-zero: orders rest at the touch (maker fees, no half-spread). */
    double var_confidence; /**< Confidence of the reported VaR and CVaR, in (0.5, 1); default 0.99. */
} hedge_objective;

/** @brief Initialiser for ::hedge_objective: lambda 0, one day, generated scenarios 21 x 3. */
#define HEDGE_OBJECTIVE_INIT { sizeof(hedge_objective), 0, 1.0, NULL, 0, 21, 3, 1.0, NULL, 0, 0, 0.99 }

/** @brief Limits beyond the candidates' own. Initialise with ::HEDGE_LIMITS_INIT. */
typedef struct hedge_limits {
    size_t struct_size;     /**< sizeof(hedge_limits) as the caller knows it. */
    double premium_budget;  /**< Most net option premium paid at mid, USD (HUGE_VAL: none; negative: must collect). */
    double collateral;      /**< USD of collateral the hedged book's grid margin must fit in (HUGE_VAL: no margin limit). */
    const hedge_margin_options *margin; /**< The margin grid (margin.h), or NULL for its defaults; copied. */
    double depth_fraction;  /**< Share of the visible depth a trade may take, in (0, 1]; default 1. */
    const char *const *venues; /**< Venues candidates may trade on, or NULL for all; copied. */
    size_t n_venues;        /**< Entries in @c venues. */
    const char *const *cap_venues; /**< Venues with a cap on the USD notional traded there; copied. */
    const double *venue_caps; /**< The caps, USD, >= 0, one per entry of @c cap_venues. */
    size_t n_venue_caps;    /**< Entries in @c cap_venues and @c venue_caps. */
} hedge_limits;

/** @brief Initialiser for ::hedge_limits: no limits, all the depth. */
#define HEDGE_LIMITS_INIT { sizeof(hedge_limits), HUGE_VAL, HUGE_VAL, NULL, 1.0, NULL, 0, NULL, NULL, 0 }

/**
 * @brief Creates an empty problem: no candidates, no targets, ::HEDGE_OBJECTIVE_INIT, ::HEDGE_LIMITS_INIT.
 * @param[out] out  The problem; NULL on failure.
 * @param ctx       The context; must outlive the problem.
 * @retval HEDGE_OK created; release with hedge_problem_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_problem_create(hedge_problem **out, hedge_context *ctx);

/**
 * @brief Destroys a problem and releases what it references. NULL is ignored.
 * @param problem  The problem.
 * @par Thread safety
 * Not while another thread uses @p problem.
 */
HEDGE_API void hedge_problem_destroy(hedge_problem *problem);

/**
 * @brief Adds a candidate. The instrument is resolved against the market at hedge_solve().
 * @param problem    The problem.
 * @param candidate  The candidate; copied.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a missing or over-long symbol or venue, a bad @c struct_size.
 * @retval HEDGE_ERR_DOMAIN a fee, size or bound out of its range (the message names the field); nothing changed.
 * @retval HEDGE_ERR_EXISTS a candidate with the same symbol and venue exists.
 * @retval HEDGE_ERR_NOMEM allocation failed; nothing changed.
 * @par Thread safety
 * One thread at a time per problem, and not while it is being solved.
 */
HEDGE_API hedge_status hedge_problem_add_candidate(hedge_problem *problem, const hedge_candidate *candidate);

/**
 * @brief Adds a Greek band or soft target.
 * @param problem  The problem.
 * @param target   The target; copied.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, an unknown Greek, a coin delta without underlying.
 * @retval HEDGE_ERR_DOMAIN lo > hi, NaN, a negative weight or days out of order; nothing changed.
 * @retval HEDGE_ERR_NOMEM allocation failed; nothing changed.
 * @par Thread safety
 * One thread at a time per problem, and not while it is being solved.
 */
HEDGE_API hedge_status hedge_problem_add_target(hedge_problem *problem, const hedge_greek_target *target);

/**
 * @brief Sets the objective (replacing the previous one).
 * @param problem    The problem.
 * @param objective  The settings; the scenarios and benchmark are copied.
 * @retval HEDGE_OK set.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a bad @c struct_size, a NULL benchmark instrument,
 *         a scenario with a NULL shift array or two shifts for one underlying.
 * @retval HEDGE_ERR_DOMAIN a value out of range (the message names it); nothing changed.
 * @retval HEDGE_ERR_NOMEM allocation failed; nothing changed.
 * @par Thread safety
 * One thread at a time per problem, and not while it is being solved.
 */
HEDGE_API hedge_status hedge_problem_set_objective(hedge_problem *problem, const hedge_objective *objective);

/**
 * @brief Sets the limits (replacing the previous ones).
 * @param problem  The problem.
 * @param limits   The limits; copied.
 * @retval HEDGE_OK set.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument (also inside the venue lists), a bad @c struct_size.
 * @retval HEDGE_ERR_DOMAIN a value out of range; nothing changed.
 * @retval HEDGE_ERR_NOMEM allocation failed; nothing changed.
 * @par Thread safety
 * One thread at a time per problem, and not while it is being solved.
 */
HEDGE_API hedge_status hedge_problem_set_limits(hedge_problem *problem, const hedge_limits *limits);

/**
 * @brief Reads the `hedge` member of a JSON document (docs/json-format.md) into a new problem.
 * @param[out] out  The problem; NULL on failure.
 * @param ctx       The context.
 * @param market    The market the benchmark's instruments are looked up in.
 * @param text      The document, @p length bytes (need not be NUL-terminated).
 * @param length    Its length.
 * @param name      A name for messages (the file name), or NULL.
 * @retval HEDGE_OK read.
 * @retval HEDGE_ERR_PARSE malformed JSON, a missing `hedge` member, an unknown member or a wrong
 *         type; the message starts with name:line:column.
 * @retval HEDGE_ERR_NOT_FOUND a benchmark symbol the market lacks.
 * @retval HEDGE_ERR_DOMAIN, HEDGE_ERR_INVALID_ARG, HEDGE_ERR_EXISTS as the setters, with the location.
 * @retval HEDGE_ERR_UNSUPPORTED built without JSON support.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_problem_read_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                               const char *text, size_t length, const char *name);

/**
 * @brief As hedge_problem_read_json(), from a file.
 * @param[out] out  The problem.
 * @param ctx       The context.
 * @param market    The market.
 * @param path      The file.
 * @retval HEDGE_ERR_IO the file cannot be read; otherwise as hedge_problem_read_json().
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_problem_load_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                               const char *path);

/** @brief Settings of hedge_solve(). Initialise with ::HEDGE_SOLVE_OPTIONS_INIT. */
typedef struct hedge_solve_options {
    size_t struct_size;         /**< sizeof(hedge_solve_options) as the caller knows it. */
    const char *backend;        /**< Optimizer backend by name, or NULL for the default. */
    const hedge_solver_options *solver; /**< Solver settings, or NULL for the defaults. */
    unsigned threads;           /**< Threads of the scenario revaluation; 0 or 1: the calling thread. */
} hedge_solve_options;

/** @brief Initialiser for ::hedge_solve_options. */
#define HEDGE_SOLVE_OPTIONS_INIT { sizeof(hedge_solve_options), NULL, NULL, 0 }

/**
 * @brief Finds the hedge of a book.
 *
 * "No hedge meets the limits" is an answer, not an error: the call succeeds and the result's
 * status says ::HEDGE_SOLVE_PRIMAL_INFEASIBLE, with the conflicting limits listed.
 * @param[out] out   The result; NULL on failure.
 * @param ctx        The context; must outlive the result.
 * @param problem    The problem.
 * @param book       The book to hedge (copied under its read lock).
 * @param market     The market: instruments, snapshot with quotes, surfaces.
 * @param options    Settings, or NULL.
 * @retval HEDGE_OK solved (whatever the outcome); release with hedge_result_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a bad @c struct_size, no candidates.
 * @retval HEDGE_ERR_NOT_FOUND a candidate's instrument or quote, or a targeted underlying, is not
 *         in the market; the message names it.
 * @retval HEDGE_ERR_STALE, HEDGE_ERR_EXPIRED a candidate or position cannot be valued or traded.
 * @retval HEDGE_ERR_DOMAIN a fixed cost or minimum size on a candidate without finite trade bounds,
 *         or a book whose Greeks or P&L, or a hedge whose numbers, overflow a double.
 * @retval HEDGE_ERR_UNSUPPORTED the backend cannot solve the problem (integers, say).
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @retval HEDGE_ERR_BACKEND the optimizer failed.
 * @par Thread safety
 * Any number of threads may solve one problem for one book and market at once (each sets up its
 * own optimizer); the book may be edited meanwhile (it is copied under its read lock first).
 */
HEDGE_API hedge_status hedge_solve(hedge_result **out, hedge_context *ctx, const hedge_problem *problem,
                                   const hedge_portfolio *book, const hedge_market *market,
                                   const hedge_solve_options *options);

/**
 * @brief Destroys a result. NULL is ignored.
 * @param result  The result.
 * @par Thread safety
 * Not while another thread reads @p result.
 */
HEDGE_API void hedge_result_destroy(hedge_result *result);

/** @brief The outcome of a solve in figures. Initialise with ::HEDGE_HEDGE_SUMMARY_INIT. */
typedef struct hedge_hedge_summary {
    size_t struct_size;        /**< sizeof(hedge_hedge_summary) as the caller knows it. */
    hedge_solve_status status; /**< The optimizer's outcome (optimize.h). */
    /** The objective above at the answer, USD (its constant terms included); when the outcome is
     *  not optimal, that of the book left as it is (no trades). */
    double objective;
    double cost_usd;           /**< fees + spread + impact + funding + fixed, USD. */
    double fees_usd;           /**< Exchange fees, USD. */
    double spread_usd;         /**< Half-spreads crossed, USD. */
    double impact_usd;         /**< Market impact, USD. */
    double funding_usd;        /**< Perpetual funding paid over the horizon (negative: received), USD. */
    double fixed_usd;          /**< Fixed per-trade costs, USD. */
    double premium_usd;        /**< Net option premium paid at mid, USD (negative: collected). */
    double std_before;         /**< Standard deviation of the book's P&L over the scenarios (benchmark removed), USD. */
    double std_after;          /**< The same with the trades. */
    /** Value at risk at ::hedge_objective.var_confidence over the equally weighted scenarios, USD
     *  of loss: the lower quantile of the loss, as hedge_scenario_var() defines it. */
    double var_before;
    double var_after;          /**< The same with the trades. */
    /** Expected shortfall at the same level (Acerbi and Tasche, as hedge_scenario_var()), USD. */
    double cvar_before;
    double cvar_after;         /**< The same with the trades. */
    double margin_before;      /**< Grid margin of the book (margin.h), USD; computed when a collateral is set, else 0. */
    double margin_after;       /**< The same with the trades. */
    size_t trades;             /**< Candidates traded. */
    size_t scenarios;          /**< Scenarios of the variance term. */
    size_t iterations;         /**< Optimizer iterations. */
    double solve_time_s;       /**< Wall-clock time of the whole hedge_solve(), seconds. */
    /** Relaxations the optimizer's branch and bound solved when candidates have lot sizes, minimum
     *  sizes or fixed costs (::hedge_solution.nodes); 0 without integer variables. Appended in 0.1. */
    size_t nodes;
} hedge_hedge_summary;

/** @brief Initialiser for ::hedge_hedge_summary. */
#define HEDGE_HEDGE_SUMMARY_INIT \
    { sizeof(hedge_hedge_summary), HEDGE_SOLVE_OPTIMAL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Reads a result's summary.
 * @param[in,out] summary  Output; @c struct_size set.
 * @param result           The result.
 * @retval HEDGE_OK written. HEDGE_ERR_INVALID_ARG NULL argument or a too small @c struct_size.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API hedge_status hedge_result_summary(hedge_hedge_summary *summary, const hedge_result *result);

/** @brief One trade of the answer. Initialise with ::HEDGE_TRADE_INIT. */
typedef struct hedge_trade {
    size_t struct_size;  /**< sizeof(hedge_trade) as the caller knows it. */
    const char *symbol;  /**< The instrument; valid while the result lives. */
    const char *venue;   /**< The venue traded on; valid while the result lives. */
    size_t candidate;    /**< Index of the candidate, in the order added. */
    double quantity;     /**< Contracts, > 0 bought, < 0 sold. */
    double mid;          /**< The quote's mid, in its premium currency per unit of underlying. */
    double notional_usd; /**< |quantity| times the USD notional of a contract. */
    double fee_usd;      /**< Fee, USD. */
    double spread_usd;   /**< Half-spread crossed, USD. */
    double impact_usd;   /**< Impact, USD. */
    double funding_usd;  /**< Funding paid over the horizon, USD. */
    double fixed_usd;    /**< Fixed cost, USD. */
} hedge_trade;

/** @brief Initialiser for ::hedge_trade. */
#define HEDGE_TRADE_INIT { sizeof(hedge_trade), NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Number of trades (candidates with a non-zero answer), 0 unless the outcome is optimal.
 * @param result  The result, or NULL (0).
 * @return The count.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API size_t hedge_result_trade_count(const hedge_result *result);

/**
 * @brief Reads one trade, in candidate order.
 * @param[in,out] trade  Output; @c struct_size set.
 * @param result         The result.
 * @param index          0 to hedge_result_trade_count() - 1.
 * @retval HEDGE_OK written. HEDGE_ERR_INVALID_ARG NULL argument, bad @c struct_size or index.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API hedge_status hedge_result_trade(hedge_trade *trade, const hedge_result *result, size_t index);

/**
 * @brief Number of underlyings with Greeks before and after (those of the book and the candidates).
 * @param result  The result, or NULL (0).
 * @return The count.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API size_t hedge_result_underlying_count(const hedge_result *result);

/**
 * @brief The Greeks of one underlying, sorted by name, or of the whole book, before and after the trades.
 *
 * The rows are risk.h's: the "after" row adds the trades' Greeks at the market's values. Value,
 * positions and beta fields are those of the book alone in both rows.
 * @param[in,out] before  Output, or NULL; @c struct_size set.
 * @param[in,out] after   Output, or NULL; @c struct_size set.
 * @param result          The result.
 * @param index           0 to hedge_result_underlying_count() - 1, or exactly that count for the whole book.
 * @retval HEDGE_OK written. HEDGE_ERR_INVALID_ARG NULL result, bad @c struct_size or index.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API hedge_status hedge_result_greeks(hedge_risk_row *before, hedge_risk_row *after, const hedge_result *result,
                                           size_t index);

/** @brief What kind of limit a ::hedge_limit_report is about. */
typedef enum hedge_limit_kind {
    HEDGE_LIMIT_GREEK = 0,     /**< A Greek band; @c index is the target's, in the order added. */
    HEDGE_LIMIT_BUDGET = 1,    /**< The premium budget. */
    HEDGE_LIMIT_MARGIN = 2,    /**< Margin within collateral in one grid scenario; @c index is the scenario. */
    HEDGE_LIMIT_VENUE_CAP = 3, /**< A venue's notional cap; @c index is the cap's. */
    HEDGE_LIMIT_POSITION = 4,  /**< An instrument's post-trade position bound; @c index is a candidate of it. */
    HEDGE_LIMIT_TRADE = 5      /**< A candidate's trade bound, depth or buy-only; @c index is the candidate. */
} hedge_limit_kind;

/** @brief A limit that binds the answer, or one of the limits that conflict. Initialise with ::HEDGE_LIMIT_REPORT_INIT. */
typedef struct hedge_limit_report {
    size_t struct_size;    /**< sizeof(hedge_limit_report) as the caller knows it. */
    hedge_limit_kind kind; /**< Kind of limit. */
    size_t index;          /**< Which one (see ::hedge_limit_kind). */
    int upper;             /**< Non-zero: its upper side binds (or conflicts); zero: its lower side. */
    double bound;          /**< The limit, in its own units (Greek units, USD, contracts). */
    /** Binding limits: the shadow price, objective USD saved per unit the limit is relaxed (>= 0).
     *  Conflicts: the limit's weight in the infeasibility certificate (> 0, largest 1). */
    double shadow_price;
    const char *name;      /**< A readable name, such as "delta_coin BTC <= 0.5"; valid while the result lives. */
} hedge_limit_report;

/** @brief Initialiser for ::hedge_limit_report. */
#define HEDGE_LIMIT_REPORT_INIT { sizeof(hedge_limit_report), HEDGE_LIMIT_GREEK, 0, 0, 0, 0, NULL }

/**
 * @brief Number of limits reported: those that bind an optimal answer (shadow price above
 *        1e-9 of the objective's scale), or those that conflict when no hedge meets the limits.
 * @param result  The result, or NULL (0).
 * @return The count.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API size_t hedge_result_limit_count(const hedge_result *result);

/**
 * @brief Reads one reported limit, largest shadow price (or certificate weight) first.
 * @param[in,out] report  Output; @c struct_size set.
 * @param result          The result.
 * @param index           0 to hedge_result_limit_count() - 1.
 * @retval HEDGE_OK written. HEDGE_ERR_INVALID_ARG NULL argument, bad @c struct_size or index.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API hedge_status hedge_result_limit(hedge_limit_report *report, const hedge_result *result, size_t index);

/**
 * @brief Writes a result as JSON (summary, trades, Greeks before and after, limits).
 *
 * Call with @p capacity 0 to learn the length, then with a buffer of length + 1 bytes.
 * @param buffer       Output, NUL-terminated when it fits; may be NULL when @p capacity is 0.
 * @param capacity     Bytes available.
 * @param[out] length  The document's length without the NUL.
 * @param result       The result.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p capacity is at most @p length (nothing useful written).
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @par Thread safety
 * Safe from any thread: a result is immutable.
 */
HEDGE_API hedge_status hedge_result_write_json(char *buffer, size_t capacity, size_t *length,
                                               const hedge_result *result);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_HEDGING_H */
