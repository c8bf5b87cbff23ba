/**
 * @file pricing.h
 * @brief Pricing kernels: Black-Scholes-Merton with carry, Black-76, inverse (coin-margined) options,
 *        futures and perpetual swaps, with every Greek, scalar and batch.
 *
 * @defgroup pricing Pricing kernels
 * @brief Pure functions: no handles, no allocation, no global state, callable from any thread.
 *
 * @par Models
 * The generalised Black-Scholes-Merton model prices a European option on an asset with spot @p S,
 * continuously compounded rate @p r and continuous yield @p q (dividend yield, foreign rate, or the
 * coin's lending rate); the cost of carry is b = r - q and the forward is F = S e^{bT}. Black-76
 * prices the same option from the forward or futures price @p F directly; it is the BSM model with
 * q = r, except for rho (see ::hedge_greeks).
 *
 * @par Units and conventions (the same for every function here)
 * - Times are year fractions (ACT/365 when they come from timestamps, see ::HEDGE_MS_PER_YEAR).
 * - Rates and yields are continuously compounded, per year, as fractions (0.05 is 5%).
 * - Volatility is per sqrt(year) as a fraction (0.6 is 60%).
 * - Prices are in the currency of the strike, per one unit of the underlying.
 * - Greeks are plain partial derivatives: vega per 1.00 of volatility (not per point), theta per
 *   year of calendar time (not per day), rho per 1.00 of rate (not per basis point).
 *   hedge_greeks_to_market_units() converts a whole set to per-point, per-day and per-bp units.
 * - Time Greeks (theta, charm, veta, color) are derivatives with respect to the passage of time,
 *   that is minus the derivative with respect to the time to expiry T.
 *
 * @par Accuracy
 * Prices keep full relative accuracy in the tails: an out-of-the-money price is computed without
 * subtracting two nearly equal numbers, down to the smallest normal double. Tests hold prices and
 * Greeks to 1e-13 relative against a 113-bit evaluation where the value is not tiny, and deep
 * out-of-the-money prices to 1e-12 relative.
 *
 * @par Limits and invalid input
 * Inputs must be finite; @p S, @p F and @p K must be > 0; @p T and @p sigma must be >= 0; the rate
 * and yield, and the exponents r T and q T, must not exceed 2^1022 (about 4.49e307, a quarter of
 * DBL_MAX) in magnitude: e^{-rT} beyond that is outside the range even of an exponent held in a
 * double (T = DBL_MAX is accepted with |r| and |q| up to 1/4). Anything else
 * returns ::HEDGE_ERR_DOMAIN (a NULL output pointer ::HEDGE_ERR_INVALID_ARG), with a message naming
 * the argument, and writes nothing. Within that domain every input is priced, subnormal and
 * DBL_MAX-sized ones included, and no function here returns NaN or an infinity: when a value the
 * call would return is beyond the range of double (|value| > DBL_MAX: the gamma of a spot of
 * 1e-300 at a small volatility, a put whose K e^{-rT} overflows, an inverse put on a forward of
 * 1e-320) the call returns ::HEDGE_ERR_TOO_LARGE, with a message naming the value, and writes
 * nothing. The Greeks functions judge only the fields within the caller's @c struct_size; the batch
 * functions judge each element by its six outputs.
 *
 * When sigma sqrt(T) is exactly 0 (at expiry, or zero volatility) the results are the limits as
 * sigma sqrt(T) -> 0: the discounted intrinsic value, delta a step, charm q delta, and the other Greeks
 * of second or higher order 0. Exactly at the money (F = K) the option sits on its kink: price, delta
 * (half the step), vega, theta and rho are the limits as sigma -> 0, as are vanna, veta and (when
 * b = 0) charm; gamma, speed, zomma, color, dual gamma and (when b != 0) charm diverge there and are
 * reported as 0, so the Dirac mass of gamma at the strike is not represented. Very large
 * volatilities give the limits S e^{-qT} (call) and K e^{-rT} (put), which a sigma sqrt(T) beyond
 * DBL_MAX returns exactly.
 *
 * @par Extreme inputs
 * Spot, forward and strike within 2^+-400, T and sigma within 2^+-200 (or 0) and |r T|, |q T| up to
 * 300 are computed in plain double arithmetic. Outside that box, or when an intermediate value
 * would overflow, the kernels compute the same formulas in an arithmetic with a double's exponent
 * range (wide.h in the sources), so nothing underflows or overflows on the way; the accuracy there
 * is that of the inputs' conditioning (an exponent r T = 1e5 is itself only known to 1e5 ulp).
 * @{
 */
#ifndef HEDGE_PRICING_H
#define HEDGE_PRICING_H

#include <hedge/common.h>
#include <hedge/status.h>
#include <hedge/types.h>

HEDGE_BEGIN_DECLS

/**
 * @brief Value and Greeks of one option, all as partial derivatives in the units of pricing.h.
 *
 * Initialise with ::HEDGE_GREEKS_INIT (or set @c struct_size to sizeof(hedge_greeks)): the library
 * writes only the fields that fit in @c struct_size, so a program compiled against an older, shorter
 * struct keeps working when later versions append fields.
 *
 * With V the value, S the spot (the forward F for Black-76 and inverse options), K the strike,
 * sigma the volatility, T the time to expiry and t calendar time (dt = -dT):
 */
typedef struct hedge_greeks {
    size_t struct_size; /**< sizeof(hedge_greeks) as the caller knows it. */
    double price;       /**< V, in the strike currency per unit of underlying. */
    double delta;       /**< dV/dS. */
    double gamma;       /**< d2V/dS2, per unit of S. */
    double vega;        /**< dV/dsigma, per 1.00 of volatility. */
    double theta;       /**< dV/dt = -dV/dT, per year. */
    /** dV/dr per 1.00 of rate. BSM: with the yield q held fixed (so the forward moves with r).
     *  Black-76: with the forward held fixed, which gives -T V. */
    double rho;
    /** dV/db, the sensitivity to the cost of carry b = r - q with r fixed; dV/dq = -carry_rho.
     *  Black-76: the sensitivity to a continuous basis b in F e^{bT}, at b = 0. */
    double carry_rho;
    double vanna; /**< d2V/dS dsigma. */
    double volga; /**< d2V/dsigma2 (vomma). */
    double charm; /**< d(delta)/dt = -d(delta)/dT, per year. */
    double veta;  /**< d(vega)/dt = -d(vega)/dT, per year. */
    double speed; /**< d3V/dS3 = d(gamma)/dS. */
    double zomma; /**< d(gamma)/dsigma. */
    double color; /**< d(gamma)/dt = -d(gamma)/dT, per year. */
    double dual_delta; /**< dV/dK. */
    double dual_gamma; /**< d2V/dK2, the discounted risk-neutral density of the terminal price at K. */
} hedge_greeks;

/** @brief Initialiser for ::hedge_greeks: sets @c struct_size, zeroes the rest. */
#define HEDGE_GREEKS_INIT { sizeof(hedge_greeks), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Price of a European option under generalised Black-Scholes-Merton.
 * @param[out] price  Value in the strike currency per unit of underlying.
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param S           Spot price, > 0.
 * @param K           Strike, > 0.
 * @param T           Time to expiry in years, >= 0.
 * @param r           Continuously compounded rate of the strike currency, per year.
 * @param q           Continuous yield of the underlying, per year (cost of carry b = r - q).
 * @param sigma       Volatility per sqrt(year), >= 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_DOMAIN for invalid numbers, ::HEDGE_ERR_INVALID_ARG for a NULL
 *         output or an unknown type, ::HEDGE_ERR_TOO_LARGE when the price exceeds DBL_MAX.
 */
HEDGE_API hedge_status hedge_bsm_price(double *price, hedge_option_type type, double S, double K, double T,
                                       double r, double q, double sigma);

/**
 * @brief Price and every Greek under generalised Black-Scholes-Merton (see ::hedge_greeks for the
 *        definitions).
 * @param[in,out] greeks  Output; its @c struct_size must be set (::HEDGE_GREEKS_INIT).
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param S           Spot price, > 0.
 * @param K           Strike, > 0.
 * @param T           Time to expiry in years, >= 0.
 * @param r           Continuously compounded rate of the strike currency, per year.
 * @param q           Continuous yield of the underlying, per year.
 * @param sigma       Volatility per sqrt(year), >= 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_DOMAIN for invalid numbers, ::HEDGE_ERR_INVALID_ARG for a NULL
 *         output, a too small @c struct_size or an unknown type, ::HEDGE_ERR_TOO_LARGE when a field
 *         within @c struct_size exceeds DBL_MAX in magnitude.
 */
HEDGE_API hedge_status hedge_bsm_greeks(hedge_greeks *greeks, hedge_option_type type, double S, double K,
                                        double T, double r, double q, double sigma);

/**
 * @brief Price of a European option on a forward or futures price under Black-76.
 * @param[out] price  e^{-rT} (F N(d1) - K N(d2)) for a call; in the strike currency.
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param F           Forward (futures) price for the option's expiry, > 0.
 * @param K           Strike, > 0.
 * @param T           Time to expiry in years, >= 0.
 * @param r           Rate used to discount the payoff from expiry, per year.
 * @param sigma       Volatility per sqrt(year), >= 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_DOMAIN for invalid numbers, ::HEDGE_ERR_INVALID_ARG for a NULL
 *         output or an unknown type, ::HEDGE_ERR_TOO_LARGE when the price exceeds DBL_MAX.
 */
HEDGE_API hedge_status hedge_black76_price(double *price, hedge_option_type type, double F, double K, double T,
                                           double r, double sigma);

/**
 * @brief Price and every Greek under Black-76; delta, gamma, speed and the other spot Greeks are
 *        with respect to the forward F, and rho holds F fixed (rho = -T V).
 * @param[in,out] greeks  Output; its @c struct_size must be set (::HEDGE_GREEKS_INIT).
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param F           Forward (futures) price for the option's expiry, > 0.
 * @param K           Strike, > 0.
 * @param T           Time to expiry in years, >= 0.
 * @param r           Rate used to discount the payoff from expiry, per year.
 * @param sigma       Volatility per sqrt(year), >= 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_DOMAIN for invalid numbers, ::HEDGE_ERR_INVALID_ARG for a NULL
 *         output, a too small @c struct_size or an unknown type, ::HEDGE_ERR_TOO_LARGE when a field
 *         within @c struct_size exceeds DBL_MAX in magnitude.
 */
HEDGE_API hedge_status hedge_black76_greeks(hedge_greeks *greeks, hedge_option_type type, double F, double K,
                                            double T, double r, double sigma);

/**
 * @brief Converts a set of Greeks from pricing units to the units traders quote.
 *
 * Vega, vanna and zomma become per volatility point (divided by 100), volga per point squared
 * (1e4); theta, charm and color become per day (divided by @p days_per_year); veta per point per
 * day; rho and carry rho per basis point (divided by 1e4). Price, delta, gamma, speed and the dual
 * Greeks are unchanged. Applying it twice converts twice: keep track of which units you hold.
 * @param[in,out] greeks     Greeks from a pricing call; only fields within @c struct_size are touched.
 * @param days_per_year      365 for calendar days (crypto), 252 for trading days; finite and > 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_INVALID_ARG for NULL or a bad struct_size, ::HEDGE_ERR_DOMAIN for
 *         a bad @p days_per_year.
 */
HEDGE_API hedge_status hedge_greeks_to_market_units(hedge_greeks *greeks, double days_per_year);

/**
 * @name Inverse (coin-margined) options
 * An inverse call on BTC/USD pays max(S_T - K, 0) / S_T coins at expiry; premium, margin and P&L
 * are in coins (Deribit, OKX, Bybit coin-settled options). Its value in coins per coin of notional
 * is V_c = e^{-r_c T} B(F) / F, where B is the undiscounted Black-76 value in USD, F the forward
 * for the expiry and r_c the rate earned on the coin (0 on the venues' own marks). Its value in
 * USD is the Black-76 value: use hedge_black76_greeks() for the USD Greeks.
 * @{
 */

/**
 * @brief Value of an inverse option in coins and its Greeks in coin terms: every field of
 *        ::hedge_greeks is the partial derivative of V_c (coins) in the units of pricing.h,
 *        with respect to the forward F in USD per coin (so delta is coins per USD of F).
 * @param[in,out] greeks  Output; @c struct_size must be set.
 * @param type            ::HEDGE_CALL or ::HEDGE_PUT.
 * @param F               Forward for the expiry, USD per coin, > 0.
 * @param K               Strike, USD per coin, > 0.
 * @param T               Time to expiry in years, >= 0.
 * @param r_coin          Continuously compounded rate on the coin, per year (0 for venue marks).
 * @param sigma           Volatility per sqrt(year), >= 0.
 * @return as hedge_bsm_greeks(). The rho field is dV_c/dr_coin = -T V_c; carry_rho is the
 *         sensitivity to a continuous basis in F, as for Black-76.
 */
HEDGE_API hedge_status hedge_inverse_greeks(hedge_greeks *greeks, hedge_option_type type, double F, double K,
                                            double T, double r_coin, double sigma);

/**
 * @brief Premium-adjusted delta of an inverse option, the delta a coin-margined book carries.
 *
 * F dV_c/dF = e^{-r_c T} dB/dF - V_c: the Black-76 forward delta less the premium in coins, in
 * coins per coin of notional. A long call bought for 0.05 BTC with Black delta 0.55 adds 0.50 BTC
 * of exposure to a BTC-margined account, because the premium itself is BTC.
 * @param[out] delta  Coins per coin of notional.
 * @param type        ::HEDGE_CALL or ::HEDGE_PUT.
 * @param F           Forward for the expiry, USD per coin, > 0.
 * @param K           Strike, USD per coin, > 0.
 * @param T           Time to expiry in years, >= 0.
 * @param r_coin      Continuously compounded rate on the coin, per year.
 * @param sigma       Volatility per sqrt(year), >= 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_DOMAIN or ::HEDGE_ERR_INVALID_ARG as hedge_inverse_greeks(),
 *         ::HEDGE_ERR_TOO_LARGE when the delta exceeds DBL_MAX in magnitude (a put on a forward
 *         of 1e-310 has F dV_c/dF = -e^{-r_c T} K/F).
 */
HEDGE_API hedge_status hedge_inverse_delta_premium_adjusted(double *delta, hedge_option_type type, double F,
                                                            double K, double T, double r_coin, double sigma);
/** @} */

/**
 * @name Futures and perpetual swaps
 * @{
 */

/**
 * @brief Value and deltas of a futures or perpetual position marked at a price.
 *
 * Linear contracts (USDT/USD-margined): each contract is @c multiplier coins; P&L in USD is
 * quantity * multiplier * (mark - entry). Inverse contracts (coin-margined): each contract has a
 * face value of @c multiplier USD; P&L in coins is quantity * multiplier * (1/entry - 1/mark).
 */
typedef struct hedge_future_risk {
    size_t struct_size;   /**< sizeof(hedge_future_risk) as the caller knows it. */
    double value;         /**< Mark-to-market P&L since entry, in the settlement currency (USD linear, coin inverse). */
    double delta_contracts; /**< Exposure in contracts: the quantity. */
    /** Exposure in coins: the coins whose USD value moves as the position does. Linear q m; inverse
     *  q m / mark (mark d(coin P&L)/d(mark); the coin collateral's own exposure is not included). */
    double delta_coin;
    double delta_usd;     /**< Exposure in USD: delta_coin * mark. */
    double coin_per_contract; /**< Coins of exposure one contract adds at this mark: m (linear), m / mark (inverse). */
} hedge_future_risk;

/** @brief Initialiser for ::hedge_future_risk. */
#define HEDGE_FUTURE_RISK_INIT { sizeof(hedge_future_risk), 0, 0, 0, 0, 0 }

/**
 * @brief Value and deltas of a position in a dated future or perpetual swap.
 * @param[in,out] risk   Output; @c struct_size must be set.
 * @param settlement     ::HEDGE_SETTLE_LINEAR or ::HEDGE_SETTLE_INVERSE.
 * @param multiplier     Coins per contract (linear) or USD face value per contract (inverse), > 0.
 * @param quantity       Contracts held, positive long, negative short, finite.
 * @param entry          Entry price, USD per coin, > 0.
 * @param mark           Current mark price, USD per coin, > 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_DOMAIN or ::HEDGE_ERR_INVALID_ARG.
 *
 * The deltas are with respect to the futures price itself; a dated future's delta to spot is
 * e^{bT} times larger, which callers apply with their own carry.
 */
HEDGE_API hedge_status hedge_future_risk_eval(hedge_future_risk *risk, hedge_settlement settlement,
                                              double multiplier, double quantity, double entry, double mark);

/**
 * @brief Funding a perpetual position receives (positive) or pays (negative) over a horizon.
 *
 * With a positive funding rate longs pay shorts. Each funding interval exchanges
 * rate * notional, where the notional is quantity * multiplier * mark USD for a linear contract
 * and quantity * multiplier / mark coins for an inverse one; the rate is assumed to stay at
 * @p funding_rate and the mark at @p mark for the whole horizon, and partial intervals accrue
 * pro rata (as the venues' predicted funding does).
 * @param[out] carry       Funding received over the horizon, settlement currency; negative is paid.
 * @param settlement       ::HEDGE_SETTLE_LINEAR or ::HEDGE_SETTLE_INVERSE.
 * @param multiplier       Coins per contract (linear) or USD face value per contract (inverse), > 0.
 * @param quantity         Contracts held, positive long, negative short, finite.
 * @param mark             Mark price, USD per coin, > 0.
 * @param funding_rate     Rate per funding interval as a fraction (0.0001 is 0.01% per 8 hours).
 * @param interval_hours   Length of one funding interval in hours, > 0 (8 on most venues).
 * @param horizon_hours    Horizon in hours, >= 0.
 * @return ::HEDGE_OK, ::HEDGE_ERR_DOMAIN for invalid numbers, ::HEDGE_ERR_INVALID_ARG for NULL or a
 *         bad settlement.
 */
HEDGE_API hedge_status hedge_perpetual_funding(double *carry, hedge_settlement settlement, double multiplier,
                                               double quantity, double mark, double funding_rate,
                                               double interval_hours, double horizon_hours);
/** @} */

/**
 * @name Batch kernels
 * Structure-of-arrays forms for whole chains. They never allocate, pick the AVX-512, AVX2 or
 * portable code path at run time (the environment variable HEDGE_SIMD=portable|avx2|avx512 can
 * only lower the choice). They meet the same accuracy contract as the scalar functions (prices to
 * 1e-13 relative, deep out-of-the-money prices to 1e-12), and agree with them to 3e-14 relative
 * in the price and a few units in the last place in the Greeks: an option the SIMD code cannot
 * price to that standard (in the far wings of a very short expiry, or at a limit) is priced by
 * the scalar kernel instead.
 * @{
 */

/**
 * @brief Output arrays of a batch pricing call. Any pointer may be NULL to skip that output.
 * Each array holds @c n elements. Elements whose input is invalid, or one of whose six outputs
 * exceeds DBL_MAX in magnitude (::HEDGE_ERR_TOO_LARGE), get their status in @c status (when given)
 * and NaN in every output array, so that no NaN is ever unflagged.
 */
typedef struct hedge_greeks_arrays {
    size_t struct_size;    /**< sizeof(hedge_greeks_arrays) as the caller knows it. */
    double *price;         /**< Value. */
    double *delta;         /**< dV/dS (dV/dF for Black-76). */
    double *gamma;         /**< d2V/dS2. */
    double *vega;          /**< Per 1.00 of volatility. */
    double *theta;         /**< Per year of calendar time. */
    double *rho;           /**< Per 1.00 of rate, as in ::hedge_greeks. */
    hedge_status *status;  /**< Per element: ::HEDGE_OK or why it was rejected. */
} hedge_greeks_arrays;

/** @brief Initialiser for ::hedge_greeks_arrays (all outputs NULL). */
#define HEDGE_GREEKS_ARRAYS_INIT { sizeof(hedge_greeks_arrays), 0, 0, 0, 0, 0, 0, 0 }

/**
 * @brief Prices @p n options under generalised BSM with price, delta, gamma, vega, theta and rho.
 * @param n      Number of options; 0 is allowed and does nothing.
 * @param type   +1 call, -1 put (as ::hedge_option_type), per option.
 * @param S      Spot prices, > 0.
 * @param K      Strikes, > 0.
 * @param T      Times to expiry in years, >= 0.
 * @param r      Rates, per year.
 * @param q      Yields, per year.
 * @param sigma  Volatilities per sqrt(year), >= 0.
 * @param out    Output arrays; outputs must not overlap the inputs.
 * @return ::HEDGE_OK when every element is valid; otherwise the status of the first invalid element
 *         (its index is in the error message), with every valid element still computed.
 *         ::HEDGE_ERR_INVALID_ARG when a required pointer is NULL (then nothing is written).
 */
HEDGE_API hedge_status hedge_bsm_greeks_batch(size_t n, const int32_t *type, const double *S, const double *K,
                                              const double *T, const double *r, const double *q,
                                              const double *sigma, const hedge_greeks_arrays *out);

/**
 * @brief Black-76 batch form: as hedge_bsm_greeks_batch() with forwards @p F and no yield.
 * @param n      Number of options.
 * @param type   +1 call, -1 put, per option.
 * @param F      Forwards, > 0.
 * @param K      Strikes, > 0.
 * @param T      Times to expiry in years, >= 0.
 * @param r      Discount rates, per year.
 * @param sigma  Volatilities per sqrt(year), >= 0.
 * @param out    Output arrays; delta and gamma are with respect to F, rho = -T V.
 * @return as hedge_bsm_greeks_batch().
 */
HEDGE_API hedge_status hedge_black76_greeks_batch(size_t n, const int32_t *type, const double *F,
                                                  const double *K, const double *T, const double *r,
                                                  const double *sigma, const hedge_greeks_arrays *out);
/** @} */

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_PRICING_H */
