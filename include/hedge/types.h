/**
 * @file types.h
 * @brief Small value types shared by several modules: option type, settlement, timestamps.
 *
 * @defgroup types Shared value types
 * @brief Enumerations and conventions used across the pricing, market and risk modules.
 * @{
 */
#ifndef HEDGE_TYPES_H
#define HEDGE_TYPES_H

#include <hedge/common.h>

HEDGE_BEGIN_DECLS

#ifndef HEDGE_OPTION_TYPE_DEFINED
/** @brief Guards ::hedge_option_type against a second definition. */
#define HEDGE_OPTION_TYPE_DEFINED
/** @brief Call or put. The values are the sign of the payoff: max(type * (S - K), 0). */
typedef enum hedge_option_type {
    HEDGE_PUT = -1, /**< Right to sell at the strike. */
    HEDGE_CALL = 1  /**< Right to buy at the strike. */
} hedge_option_type;
#endif

/** @brief How a contract settles, which fixes the currency of its value and P&L. */
typedef enum hedge_settlement {
    /** Linear: value and P&L in the quote currency (USD, USDT, USDC); the multiplier counts units
     *  of the underlying per contract. */
    HEDGE_SETTLE_LINEAR = 0,
    /** Inverse (coin-margined): value and P&L in the underlying coin. For futures and perpetuals
     *  the multiplier is the contract's face value in the quote currency (10 USD per Deribit BTC
     *  contract); for options it counts units of the underlying, as for linear ones. */
    HEDGE_SETTLE_INVERSE = 1
} hedge_settlement;

/** @brief Milliseconds in a year of 365 days: times to expiry are ACT/365, (expiry - now) / this. */
#define HEDGE_MS_PER_YEAR 31536000000.0

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_TYPES_H */
