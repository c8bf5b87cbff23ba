/**
 * @file implied_vol.h
 * @brief Implied volatility to machine precision: Black-76, Black-Scholes-Merton and inverse options.
 *
 * @defgroup implied_vol Implied volatility
 * @brief Inverts the pricing kernels of pricing.h; pure functions, no allocation, any thread.
 *
 * @par Method
 * The price is reduced to the normalised Black function of the log-moneyness x = ln(F/K) and the
 * total volatility s = sigma sqrt(T) (Jaeckel, "Let's Be Rational", Wilmott 2015). A rational
 * initial guess on four branches of the price is refined by at most two third-order Householder
 * steps on an objective transformed per branch, which reaches full double precision for every price
 * strictly inside the no-arbitrage bounds, including out-of-the-money prices of 1e-12 of spot and
 * more, and expiries of minutes.
 *
 * @par Bounds
 * A call is worth between its discounted intrinsic value max(F - K, 0) e^{-rT} and F e^{-rT}; a put
 * between max(K - F, 0) e^{-rT} and K e^{-rT}. A price below the lower bound or at or above the
 * upper bound has no implied volatility: the functions return ::HEDGE_ERR_PRICE_BOUNDS and write
 * nothing. A price exactly at the lower bound returns volatility 0. The comparison is made in the
 * forward measure, price / e^{-rT}; a price that is below the lower bound only by the rounding of the
 * discount factor (below in one measure, not in the other) counts as at the bound. A subnormal time
 * value carries too few bits to determine the volatility closely: it still solves, approximately.
 * Units are those of pricing.h: volatility per sqrt(year) as a fraction (0.2 = 20%).
 *
 * @par Thread safety
 * Every function is a pure function of its arguments; any thread may call any of them at any time.
 * A failing call records its error detail in the calling thread's slot (hedge_error_message()).
 * @{
 */
#ifndef HEDGE_IMPLIED_VOL_H
#define HEDGE_IMPLIED_VOL_H

#include <hedge/common.h>
#include <hedge/status.h>
#include <hedge/types.h>

HEDGE_BEGIN_DECLS

/**
 * @brief Black-76 implied volatility of an option on a forward.
 * @param[out] sigma  Volatility per sqrt(year).
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param price       Discounted option price in the strike currency, finite.
 * @param F           Forward, > 0.
 * @param K           Strike, > 0.
 * @param T           Time to expiry in years, > 0.
 * @param r           Continuously compounded discount rate, per year.
 * @return ::HEDGE_OK, ::HEDGE_ERR_PRICE_BOUNDS outside the bounds, ::HEDGE_ERR_DOMAIN for invalid
 *         numbers, ::HEDGE_ERR_INVALID_ARG for a NULL output or unknown type.
 */
HEDGE_API hedge_status hedge_implied_vol_black76(double *sigma, hedge_option_type type, double price, double F,
                                                 double K, double T, double r);

/**
 * @brief Black-Scholes-Merton implied volatility (the forward is S e^{(r-q)T}).
 * @param[out] sigma  Volatility per sqrt(year).
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param price       Option price in the strike currency, finite.
 * @param S           Spot, > 0.
 * @param K           Strike, > 0.
 * @param T           Time to expiry in years, > 0.
 * @param r           Continuously compounded rate of the strike currency, per year.
 * @param q           Continuous yield of the underlying, per year.
 * @return ::HEDGE_OK, ::HEDGE_ERR_PRICE_BOUNDS outside the bounds, ::HEDGE_ERR_DOMAIN for invalid
 *         numbers, ::HEDGE_ERR_INVALID_ARG for a NULL output or unknown type.
 */
HEDGE_API hedge_status hedge_implied_vol_bsm(double *sigma, hedge_option_type type, double price, double S,
                                             double K, double T, double r, double q);

/**
 * @brief Implied volatility of an inverse (coin-margined) option from its premium in coins per
 *        coin of notional (see hedge_inverse_greeks() for the model).
 * @param[out] sigma  Volatility per sqrt(year).
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param price_coin  Premium in coins per coin of notional, finite.
 * @param F           Forward for the expiry, USD per coin, > 0.
 * @param K           Strike, USD per coin, > 0.
 * @param T           Time to expiry in years, > 0.
 * @param r_coin      Continuously compounded rate on the coin, per year (0 on venue marks).
 * @return ::HEDGE_OK, ::HEDGE_ERR_PRICE_BOUNDS outside the bounds, ::HEDGE_ERR_DOMAIN for invalid
 *         numbers, ::HEDGE_ERR_INVALID_ARG for a NULL output or unknown type.
 */
HEDGE_API hedge_status hedge_implied_vol_inverse(double *sigma, hedge_option_type type, double price_coin,
                                                 double F, double K, double T, double r_coin);

/**
 * @brief Batch Black-76 implied volatility over arrays of @p n options. Never allocates.
 *
 * The ordinary options of a chain are solved several at a time in SIMD code (AVX-512, AVX2 or
 * SSE2, chosen at run time; the environment variable HEDGE_SIMD=portable|avx2|avx512 can lower the
 * level, as for the pricing batches), and every element that code declines (invalid input, a bound,
 * extreme or degenerate numbers) is solved by the scalar function, which also writes the error
 * detail. The results are therefore not bit for bit those of hedge_implied_vol_black76(): they agree
 * with it to 32 DBL_EPSILON (1 + kappa) relative, where kappa = price / (sigma vega) is the relative
 * change of sigma per relative change of price (a few ulp for an ordinary option; larger only where
 * the price's own rounding moves sigma as much). An element at the lower bound is 0 in both.
 * @param n       Number of options; 0 does nothing.
 * @param type    +1 call, -1 put, per option.
 * @param price   Discounted option prices.
 * @param F       Forwards, > 0.
 * @param K       Strikes, > 0.
 * @param T       Times to expiry in years, > 0.
 * @param r       Discount rates, per year.
 * @param[out] sigma   Implied volatilities; NaN where the element's status is not ::HEDGE_OK.
 * @param[out] status  Per-element status, or NULL.
 * @return ::HEDGE_OK when every element solved; otherwise the status of the first failure (its index
 *         is in the error message), with every other element still solved.
 */
HEDGE_API hedge_status hedge_implied_vol_black76_batch(size_t n, const int32_t *type, const double *price,
                                                       const double *F, const double *K, const double *T,
                                                       const double *r, double *sigma, hedge_status *status);

/**
 * @brief Batch form of hedge_implied_vol_bsm(); as hedge_implied_vol_black76_batch().
 * @param n       Number of options; 0 does nothing.
 * @param type    +1 call, -1 put, per option.
 * @param price   Option prices.
 * @param S       Spots, > 0.
 * @param K       Strikes, > 0.
 * @param T       Times to expiry in years, > 0.
 * @param r       Rates, per year.
 * @param q       Yields, per year.
 * @param[out] sigma   Implied volatilities; NaN where the element's status is not ::HEDGE_OK.
 * @param[out] status  Per-element status, or NULL.
 * @return as hedge_implied_vol_black76_batch().
 */
HEDGE_API hedge_status hedge_implied_vol_bsm_batch(size_t n, const int32_t *type, const double *price,
                                                   const double *S, const double *K, const double *T,
                                                   const double *r, const double *q, double *sigma,
                                                   hedge_status *status);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_IMPLIED_VOL_H */
