/**
 * @file rebalance.h
 * @brief Rebalancing policies (when a hedge pays for itself) and the rebalancer, which turns a
 *        policy's decision into orders through the hedge solver.
 *
 * @defgroup rebalance Rebalancing
 * @brief Calendar, delta band, Whalley-Wilmott band, Leland's adjusted volatility and cost against risk.
 *
 * @par The rules
 * A policy looks at one underlying's net coin delta D (book and hedges), its gamma G (coins per USD),
 * spot S and volatility sigma, and says whether to trade and to which net delta:
 * - ::HEDGE_REBALANCE_CALENDAR: every @c interval_days, back to delta 0.
 * - ::HEDGE_REBALANCE_DELTA_BAND: when |D| > @c band coins, back to 0 (or to the band's edge).
 * - ::HEDGE_REBALANCE_WHALLEY_WILMOTT: the asymptotically optimal no-transaction band under
 *   proportional costs (Whalley and Wilmott, 1997), half-width
 *   H = (3 e^{-r tau} k S G^2 / (2 gamma))^{1/3} coins with k = @c cost_rate, gamma = @c risk_aversion
 *   and tau the time left; outside it, trade to the nearest edge.
 * - ::HEDGE_REBALANCE_LELAND: every @c interval_days, hedging with Leland's (1985) adjusted
 *   volatility sigma_L^2 = sigma^2 (1 + sign sqrt(2/pi) k / (sigma sqrt(dt))), sign +1 for a short
 *   option position (negative gamma) and -1 for a long one; the policy gives sigma_L, the caller's
 *   deltas use it.
 * - ::HEDGE_REBALANCE_COST_RISK: trade when the variance the trade removes over @c horizon_days,
 *   priced at gamma/2 (gamma/2 (D S sigma)^2 h, h in years), exceeds its cost k |D| S + @c fixed_cost
 *   (fees and gas): the rule of the hedge solver's objective, applied to the decision to trade at all.
 *
 * @par Units
 * Deltas in coins of the underlying, gamma in coins per USD, spot in USD, volatility per square-root
 * year, rates continuously compounded, risk aversion per USD, costs as fractions of USD notional
 * and USD.
 *
 * @par Thread safety
 * hedge_rebalance_decide() is a pure function. A ::hedge_rebalancer keeps the time of its last
 * trade: one thread at a time.
 * @{
 */
#ifndef HEDGE_REBALANCE_H
#define HEDGE_REBALANCE_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/hedging.h>
#include <hedge/market.h>
#include <hedge/portfolio.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief When to rebalance. */
typedef enum hedge_rebalance_rule {
    HEDGE_REBALANCE_CALENDAR = 0,        /**< At fixed intervals. */
    HEDGE_REBALANCE_DELTA_BAND = 1,      /**< When the delta leaves a fixed band. */
    HEDGE_REBALANCE_WHALLEY_WILMOTT = 2, /**< When the delta leaves the Whalley-Wilmott band. */
    HEDGE_REBALANCE_LELAND = 3,          /**< At fixed intervals, with Leland's adjusted volatility. */
    HEDGE_REBALANCE_COST_RISK = 4        /**< When the risk removed is worth the cost. */
} hedge_rebalance_rule;

/** @brief A rebalancing policy. Initialise with ::HEDGE_REBALANCE_POLICY_INIT. */
typedef struct hedge_rebalance_policy {
    size_t struct_size;        /**< sizeof(hedge_rebalance_policy) as the caller knows it. */
    hedge_rebalance_rule rule; /**< The rule. */
    double interval_days;      /**< Calendar and Leland: days between rebalances, > 0; default 1. */
    double band;               /**< Delta band: half-width in coins, >= 0. */
    double risk_aversion;      /**< Whalley-Wilmott and cost-risk: gamma, per USD, > 0 for those rules. */
    double cost_rate;          /**< Proportional cost, fraction of USD notional traded (fees + half-spread), >= 0. */
    double fixed_cost;         /**< Cost-risk: USD per trade (gas, ticket charges), >= 0. */
    double horizon_days;       /**< Cost-risk: days over which unhedged risk is priced, > 0; default 1. */
    int to_edge;               /**< Delta band: trade to the band's nearest edge instead of to 0. */
} hedge_rebalance_policy;

/** @brief Initialiser for ::hedge_rebalance_policy: daily calendar rebalancing. */
#define HEDGE_REBALANCE_POLICY_INIT \
    { sizeof(hedge_rebalance_policy), HEDGE_REBALANCE_CALENDAR, 1.0, 0, 0, 0, 0, 1.0, 0 }

/** @brief What a policy looks at. Initialise with ::HEDGE_REBALANCE_STATE_INIT. */
typedef struct hedge_rebalance_state {
    size_t struct_size;     /**< sizeof(hedge_rebalance_state) as the caller knows it. */
    double delta;           /**< Net delta now (book and hedges), coins. */
    double gamma;           /**< Net gamma, coins per USD. */
    double spot;            /**< Spot, USD, > 0. */
    double vol;             /**< Volatility, per square-root year, > 0. */
    double rate;            /**< Discount rate (Whalley-Wilmott's e^{-r tau}). */
    double time_left;       /**< Years to the hedged position's expiry (Whalley-Wilmott), >= 0. */
    double days_since_last; /**< Days since the last rebalance, >= 0 (+infinity: never). */
} hedge_rebalance_state;

/** @brief Initialiser for ::hedge_rebalance_state. */
#define HEDGE_REBALANCE_STATE_INIT { sizeof(hedge_rebalance_state), 0, 0, 0, 0, 0, 0, 0 }

/** @brief A policy's answer. Initialise with ::HEDGE_REBALANCE_DECISION_INIT. */
typedef struct hedge_rebalance_decision {
    size_t struct_size;  /**< sizeof(hedge_rebalance_decision) as the caller knows it. */
    int trade;           /**< Non-zero: rebalance now. */
    double target_delta; /**< The net delta to trade to, coins (the current delta when not trading). */
    double band;         /**< The no-trade half-width the rule used, coins (0 for calendar rules). */
    double hedge_vol;    /**< The volatility deltas should use: Leland's adjusted one, else the state's. */
    double benefit_usd;  /**< Cost-risk: the priced variance a trade removes, USD; else 0. */
    double cost_usd;     /**< Cost-risk: the cost of that trade, USD; else 0. */
} hedge_rebalance_decision;

/** @brief Initialiser for ::hedge_rebalance_decision. */
#define HEDGE_REBALANCE_DECISION_INIT { sizeof(hedge_rebalance_decision), 0, 0, 0, 0, 0, 0 }

/**
 * @brief Applies a policy to a state.
 * @param[in,out] decision  Output; @c struct_size set.
 * @param policy            The policy.
 * @param state             The state.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a bad @c struct_size or an unknown rule.
 * @retval HEDGE_ERR_DOMAIN a policy or state value out of its range (the message names it);
 *         nothing written. A Leland adjustment that would make the variance negative (a long option
 *         hedged too often for its costs) is a domain error too.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_rebalance_decide(hedge_rebalance_decision *decision, const hedge_rebalance_policy *policy,
                                              const hedge_rebalance_state *state);

/** @brief Opaque rebalancer: a policy watching one underlying of a book, and a hedge problem to trade with. */
typedef struct hedge_rebalancer hedge_rebalancer;

/**
 * @brief Creates a rebalancer.
 *
 * The hedge problem says how to trade (candidates, costs, limits); when the policy says trade, the
 * rebalancer solves it with one more hard target, the underlying's coin delta at the decision's
 * target (to within 1e-9 coins).
 * @param[out] out      The rebalancer; NULL on failure.
 * @param ctx           The context; must outlive the rebalancer.
 * @param problem       The hedge problem; must outlive the rebalancer and not change while it is used.
 * @param underlying    The underlying whose delta the policy watches; copied.
 * @param policy        The policy; copied.
 * @retval HEDGE_OK created; release with hedge_rebalancer_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a bad @c struct_size, an unknown rule, a bad name.
 * @retval HEDGE_ERR_DOMAIN a policy value out of its range.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_rebalancer_create(hedge_rebalancer **out, hedge_context *ctx,
                                               const hedge_problem *problem, const char *underlying,
                                               const hedge_rebalance_policy *policy);

/**
 * @brief Destroys a rebalancer. NULL is ignored.
 * @param rebalancer  The rebalancer.
 */
HEDGE_API void hedge_rebalancer_destroy(hedge_rebalancer *rebalancer);

/**
 * @brief Looks at the book and decides; when it trades, returns the orders.
 *
 * The state comes from the book's risk in the market (risk.h): the underlying's coin delta and
 * gamma, the spot, and the at-the-money volatility 30 days out from the market's surface; the
 * time left is that of the book's last option expiry on the underlying. A trade is counted (the
 * clock of calendar rules restarts) only when the solve is optimal.
 * @param[in,out] decision  Output; @c struct_size set.
 * @param[out] orders       When the decision is to trade: the hedge solver's result (trades, costs,
 *                          Greeks), release with hedge_result_destroy(); otherwise NULL. May be
 *                          NULL to decide without solving.
 * @param rebalancer        The rebalancer.
 * @param book              The book.
 * @param market            The market; its valuation time is the clock of calendar rules.
 * @retval HEDGE_OK decided (and solved, when trading).
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a bad @c struct_size.
 * @retval HEDGE_ERR_NOT_FOUND the underlying has no spot or surface in the market.
 * @retval HEDGE_ERR_STATE the market's valuation time is before the last trade's.
 * @retval Other statuses of hedge_risk_compute() and hedge_solve().
 * @par Thread safety
 * One thread at a time per rebalancer.
 */
HEDGE_API hedge_status hedge_rebalancer_check(hedge_rebalance_decision *decision, hedge_result **orders,
                                              hedge_rebalancer *rebalancer, const hedge_portfolio *book,
                                              const hedge_market *market);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_REBALANCE_H */
