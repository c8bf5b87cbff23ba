/**
 * @file valuation.h
 * @brief Value and risk of one contract of any instrument, off a market snapshot and a volatility surface.
 *
 * @defgroup valuation Valuation
 * @brief The bridge from market data to the pricing kernels, used by the risk and hedge layers.
 *
 * @par Model
 * Options are priced with generalised Black-Scholes-Merton on the snapshot's spot S, the carry
 * b = ln(F/S)/T implied by the snapshot's forward F for the expiry, the snapshot's rate r for the
 * underlying, and the surface's implied volatility at the option's strike and expiry. Greeks hold
 * b and the volatility fixed (sticky strike). Dated futures are worth their forward, perpetuals
 * the spot (the index they are anchored to by funding), spot the spot.
 *
 * @par Units
 * Per contract (the instrument's multiplier is applied). Linear instruments settle in USD (the
 * quote currency), inverse ones in coins. USD figures use the snapshot's spot. A "coin delta" is
 * the coin exposure the contract adds to an account kept in its settlement currency: for a linear
 * contract dV_usd/dS; for an inverse one S dV_coin/dS = dV_usd/dS - V_coin, because the inverse
 * contract's own value is coins (for an inverse option this is the premium-adjusted delta; for an
 * inverse future of face value m USD it is m/F coins). Vega per 1.00 of volatility, theta per year.
 *
 * @par Multipliers
 * Options (linear or inverse) count units of the underlying per contract (1 BTC on Deribit).
 * Linear futures, perpetuals and spot count units of the underlying; inverse futures and
 * perpetuals count USD of face value per contract (see ::hedge_instrument_spec).
 * @{
 */
#ifndef HEDGE_VALUATION_H
#define HEDGE_VALUATION_H

#include <hedge/common.h>
#include <hedge/instrument.h>
#include <hedge/snapshot.h>
#include <hedge/status.h>
#include <hedge/volsurface.h>

HEDGE_BEGIN_DECLS

/** @brief Value and risk of one contract. Initialise with ::HEDGE_VALUATION_INIT. */
typedef struct hedge_valuation {
    size_t struct_size;  /**< sizeof(hedge_valuation) as the caller knows it. */
    /** Value in the settlement currency (USD linear, coins inverse). Futures and perpetuals are
     *  marked to market, so their value is given up to a constant fixed by the entry price: m F
     *  (linear) or -m / F (inverse), whose difference between two snapshots is the P&L. */
    double value;
    double value_usd;    /**< The value in USD: value (linear) or value * S (inverse). */
    double delta_coin;   /**< Coin exposure added to an account in the settlement currency, see the units above. */
    double delta_usd;    /**< delta_coin * S. */
    double gamma_coin;   /**< d(delta_coin)/dS, coins per USD of spot. */
    double vega_usd;     /**< d(value_usd)/d(sigma), USD per 1.00 of volatility; 0 for non-options. */
    /** d(value_usd)/dt, USD per year: option time decay; for a future the roll of its basis; for
     *  a perpetual the funding received at the snapshot's current rate (0 without a funding rate). */
    double theta_usd;
    double vol;          /**< Implied volatility used (options), else 0. */
    double forward;      /**< Forward for the expiry (options and futures), else the spot. */
    double spot;         /**< The snapshot's spot of the underlying. */
    double time_to_expiry; /**< Years (ACT/365) to expiry; 0 for spot and perpetuals. */
} hedge_valuation;

/** @brief Initialiser for ::hedge_valuation. */
#define HEDGE_VALUATION_INIT { sizeof(hedge_valuation), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Values one contract of an instrument.
 * @param[in,out] out       Output; @c struct_size must be set. Untouched on failure.
 * @param instrument        The instrument.
 * @param snapshot          Market data: the underlying's spot (and rate, forward curve, funding).
 * @param surface           The underlying's volatility surface; required for options, ignored (may
 *                          be NULL) otherwise.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a too small @c struct_size, or an option without a surface.
 * @retval HEDGE_ERR_EXPIRED the instrument expired at or before the valuation time.
 * @retval HEDGE_ERR_NOT_FOUND / HEDGE_ERR_STALE the snapshot lacks a fresh spot for the underlying.
 * @par Thread safety
 * Safe from any thread; the handles are only read.
 */
HEDGE_API hedge_status hedge_instrument_value(hedge_valuation *out, const hedge_instrument *instrument,
                                              const hedge_snapshot *snapshot, const hedge_vol_surface *surface);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_VALUATION_H */
