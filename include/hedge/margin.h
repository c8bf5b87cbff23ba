/**
 * @file margin.h
 * @brief Margin: scenario-grid portfolio margin, and liquidation prices of futures and perpetual
 *        positions under isolated and cross margin, linear and inverse.
 *
 * @defgroup margin Margin and liquidation
 * @brief How much collateral a book needs, and where a leveraged position is closed out.
 *
 * @par Portfolio margin
 * The book is fully revalued on a spot x volatility grid applied to every underlying at once
 * (scenario.h); the margin is the worst loss over the grid, plus a delta add-on of
 * `delta_addon` times the absolute USD delta of each underlying (for moves beyond the grid), and
 * never below 0. This is the shape of Deribit's portfolio margin (price range +-16% for BTC,
 * volatility up and down); the venue's exact add-ons (roll, extended dampener) are not modelled.
 *
 * @par Maintenance-margin convention (liquidation prices)
 * A position is liquidated when its equity falls to its maintenance margin, the maintenance
 * margin rate `mmr` times the position's value at the mark price (Binance and OKX style; fees and
 * insurance-fund charges are ignored). Equity is the collateral plus the unrealised P&L, in USD
 * for linear contracts and in coins for inverse ones. For a linear position this is Binance's
 * published USDS-M formula LP = (WB - Side Pos EP) / (Pos MMR - Side Pos) in isolated mode with a
 * maintenance amount (cumB) of 0, that is for the first tier of its margin table.
 *
 * @par Thread safety and ownership
 * Every function here may be called from any thread; the portfolio is read under its read lock,
 * the market is only read, and results are written into the caller's structs (nothing is retained).
 * hedge_portfolio_margin() allocates scratch through @p ctx and frees it before returning.
 * @{
 */
#ifndef HEDGE_MARGIN_H
#define HEDGE_MARGIN_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/market.h>
#include <hedge/portfolio.h>
#include <hedge/status.h>
#include <hedge/types.h>

HEDGE_BEGIN_DECLS

/** @brief Settings of hedge_portfolio_margin(). Initialise with ::HEDGE_MARGIN_OPTIONS_INIT. */
typedef struct hedge_margin_options {
    size_t struct_size;    /**< sizeof(hedge_margin_options) as the caller knows it. */
    double spot_range;     /**< Largest spot move of the grid, in (0, 1); default 0.16. */
    size_t spot_steps;     /**< Steps on each side, >= 1; default 8 (2% apart at 16%). */
    double vol_up;         /**< Relative vol move up, >= 0; default 0.45 (vols times 1.45). */
    double vol_down;       /**< Relative vol move down, in [0, 1); default 0.30 (vols times 0.70). */
    double delta_addon;    /**< Add-on per USD of absolute delta, >= 0; default 0.01. */
    unsigned threads;      /**< Worker threads for the revaluation; 0 or 1: the calling thread. */
} hedge_margin_options;

/** @brief Initialiser for ::hedge_margin_options with the defaults above. */
#define HEDGE_MARGIN_OPTIONS_INIT { sizeof(hedge_margin_options), 0.16, 8, 0.45, 0.30, 0.01, 0 }

/** @brief Result of hedge_portfolio_margin(). Initialise with ::HEDGE_MARGIN_RESULT_INIT. */
typedef struct hedge_margin_result {
    size_t struct_size;   /**< sizeof(hedge_margin_result) as the caller knows it. */
    double margin;        /**< Required margin, USD: max(worst_loss + addon, 0). */
    double worst_loss;    /**< The largest loss over the grid, USD (negative when every scenario gains). */
    double addon;         /**< The delta add-on, USD. */
    double worst_spot;    /**< Spot move of the worst scenario (relative). */
    double worst_vol;     /**< Vol move of the worst scenario (relative). */
    size_t scenarios;     /**< Scenarios on the grid. */
} hedge_margin_result;

/** @brief Initialiser for ::hedge_margin_result. */
#define HEDGE_MARGIN_RESULT_INIT { sizeof(hedge_margin_result), 0, 0, 0, 0, 0, 0 }

/**
 * @brief Scenario-grid portfolio margin of a book.
 * @param[in,out] result  Output; @c struct_size must be set.
 * @param ctx             The context (scratch allocations).
 * @param portfolio       The book.
 * @param market          Its market.
 * @param options         Settings, or NULL for the defaults.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a too small @c struct_size, no spot steps.
 * @retval HEDGE_ERR_DOMAIN settings out of range.
 * @retval HEDGE_ERR_NOT_FOUND / HEDGE_ERR_STALE / HEDGE_ERR_EXPIRED a position cannot be valued.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_portfolio_margin(hedge_margin_result *result, hedge_context *ctx,
                                              const hedge_portfolio *portfolio, const hedge_market *market,
                                              const hedge_margin_options *options);

/**
 * @brief Liquidation price of one futures or perpetual position with its own (isolated) collateral.
 *
 * Linear, q m coins long (q > 0) or short, entry E, collateral c USD: equity c + q m (P - E)
 * meets mmr |q| m P at P = (q m E - c) / (q m - mmr |q| m). Inverse, face value m USD per
 * contract, collateral c coins: equity c + q m (1/E - 1/P) meets mmr |q| m / P at
 * P = (q m + mmr |q| m) / (c + q m / E).
 * @param[out] price     The liquidation price, USD per coin; +infinity when the position cannot
 *                       be liquidated (a short fully covered in coins, say), 0 when a long cannot.
 * @param settlement     Linear or inverse.
 * @param multiplier     Coins per contract (linear) or USD face value per contract (inverse), > 0.
 * @param quantity       Contracts, non-zero, finite.
 * @param entry          Entry price, > 0.
 * @param collateral     Collateral in the settlement currency, >= 0.
 * @param mmr            Maintenance margin rate, in [0, 1).
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL output or bad settlement.
 * @retval HEDGE_ERR_DOMAIN bad numbers, or a position already below its maintenance margin at entry.
 */
HEDGE_API hedge_status hedge_liquidation_price(double *price, hedge_settlement settlement, double multiplier,
                                               double quantity, double entry, double collateral, double mmr);

/** @brief One futures or perpetual position of a cross-margin account. */
typedef struct hedge_cross_position {
    hedge_settlement settlement; /**< Linear or inverse; every position of one account settles alike. */
    double multiplier;           /**< As for hedge_liquidation_price(). */
    double quantity;             /**< Contracts, signed. */
    double entry;                /**< Entry price, > 0. */
    double mmr;                  /**< Its maintenance margin rate, in [0, 1). */
} hedge_cross_position;

/**
 * @brief Liquidation price of a cross-margin account holding several futures or perpetuals on one
 *        underlying, all marked at one price: where the account's equity meets the sum of their
 *        maintenance margins.
 *
 * The equity minus the margin is monotone in the price when the net exposure is one-sided; in
 * general the price nearest the current mark at which the account fails is returned, found by
 * bisection to 1e-12 relative.
 * @param[out] price      The liquidation price; +infinity or 0 when the account cannot fail above or
 *                        below the mark; nothing written on error.
 * @param positions       @p n positions.
 * @param n               At least 1.
 * @param collateral      The account's collateral, in the settlement currency, >= 0.
 * @param mark            The current mark price, > 0.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, no positions, mixed settlements.
 * @retval HEDGE_ERR_DOMAIN bad numbers, or an account already below its maintenance margin.
 */
HEDGE_API hedge_status hedge_cross_liquidation_price(double *price, const hedge_cross_position *positions, size_t n,
                                                     double collateral, double mark);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_MARGIN_H */
