/**
 * @file volatility.h
 * @brief Volatility forecasting: realised volatility from price bars, EWMA (RiskMetrics) and
 *        GARCH(1,1) fitted by maximum likelihood, with its forecasts and a simulator.
 *
 * @defgroup volatility Volatility forecasting
 * @brief How volatile an underlying has been, and how volatile it is expected to be.
 *
 * @par Units
 * Volatilities are annualised decimals (0.5 is 50% a year): a per-period variance v becomes the
 * volatility sqrt(periods_per_year v). @c periods_per_year is the number of bars or returns in a
 * year: 365 for daily crypto bars, 252 for daily equity bars, 8760 for hourly crypto bars,
 * 525600 for minute bars. Returns are log returns per period, ln(P_t / P_{t-1}), not percentages.
 * Variances that are not annualised (EWMA seeds, GARCH parameters and forecasts) are per period, in
 * squared log return.
 *
 * @par Bars
 * A bar i has an open O_i (its first trade), a high H_i, a low L_i and a close C_i (its last trade),
 * all > 0 and finite, with L_i <= O_i, C_i <= H_i. They are passed as separate arrays (structure of
 * arrays); an array an estimator does not use may be NULL and is not read.
 *
 * @par Thread safety and memory
 * Every function here is a pure function of its arguments: it may be called from any thread,
 * reads only its inputs, writes only its outputs, keeps nothing and allocates nothing. A call
 * that fails writes none of its outputs.
 * @{
 */
#ifndef HEDGE_VOLATILITY_H
#define HEDGE_VOLATILITY_H

#include <hedge/common.h>
#include <hedge/status.h>

#include <stddef.h>
#include <stdint.h>

HEDGE_BEGIN_DECLS

/**
 * @brief Realised-volatility estimators of hedge_realized_vol(), with the bars they need.
 *
 * Below o_i = ln(O_i / C_{i-1}) is the overnight (opening-gap) return, c_i = ln(C_i / O_i) the
 * open-to-close return, u_i = ln(H_i / O_i), d_i = ln(L_i / O_i), and a sample variance
 * subtracts the sample mean and divides by the count minus 1. Each estimator gives a per-period
 * variance v, and the function returns sqrt(periods_per_year v).
 */
typedef enum hedge_vol_estimator {
    /** Sample variance of the n - 1 close-to-close log returns ln(C_i / C_{i-1}) (divisor n - 2).
     *  Uses close; n >= 3. */
    HEDGE_VOL_CLOSE_TO_CLOSE = 0,
    /** Parkinson (1980): mean of ln(H_i / L_i)^2 over the n bars, divided by 4 ln 2. Uses high and
     *  low; n >= 1. Assumes no drift and no opening gaps. */
    HEDGE_VOL_PARKINSON = 1,
    /** Garman-Klass (1980): mean of 0.5 ln(H_i / L_i)^2 - (2 ln 2 - 1) c_i^2. Uses all four; n >= 1.
     *  Assumes no drift and no opening gaps. */
    HEDGE_VOL_GARMAN_KLASS = 2,
    /** Rogers-Satchell (1991): mean of ln(H_i / C_i) ln(H_i / O_i) + ln(L_i / C_i) ln(L_i / O_i).
     *  Uses all four; n >= 1. Unbiased whatever the drift; assumes no opening gaps. */
    HEDGE_VOL_ROGERS_SATCHELL = 3,
    /** Yang-Zhang (2000): V_o + k V_c + (1 - k) V_rs over the m = n - 1 periods i = 1 .. n - 1 (the
     *  first bar gives only its close C_0), with V_o the sample variance of o_i, V_c that of c_i,
     *  V_rs the Rogers-Satchell mean, and k = 0.34 / (1.34 + (m + 1) / (m - 1)). Uses all four;
     *  n >= 3. Unbiased whatever the drift and the opening gaps. */
    HEDGE_VOL_YANG_ZHANG = 4
} hedge_vol_estimator;

/**
 * @brief Realised volatility of @p n price bars by one of the ::hedge_vol_estimator estimators.
 * @param[out] vol          The annualised volatility, >= 0; written only on success.
 * @param est               The estimator.
 * @param open              @p n opens, or NULL when @p est does not use them.
 * @param high              @p n highs, or NULL when @p est does not use them.
 * @param low               @p n lows, or NULL when @p est does not use them.
 * @param close             @p n closes, or NULL when @p est does not use them.
 * @param n                 Number of bars, at least the estimator's minimum (3 for close-to-close
 *                          and Yang-Zhang, 1 for the others).
 * @param periods_per_year  Bars per year, finite and > 0 (365 for daily crypto bars).
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL @p vol, a NULL array the estimator needs, an unknown
 *         estimator, or fewer bars than its minimum.
 * @retval HEDGE_ERR_DOMAIN a price (of the arrays the estimator uses) that is NaN, infinite or
 *         <= 0, a high below its low, an open or close outside [low, high], or a bad
 *         @p periods_per_year. The message names the first offending index.
 */
HEDGE_API hedge_status hedge_realized_vol(double *vol, hedge_vol_estimator est, const double *open,
                                          const double *high, const double *low, const double *close, size_t n,
                                          double periods_per_year);

/**
 * @brief EWMA (RiskMetrics) volatility forecast of a series of returns.
 *
 * The variance of return r_t (t = 1 .. n, @c returns[t - 1]) given the returns before it is
 * s2_1 = the seed, s2_{t+1} = lambda s2_t + (1 - lambda) r_t^2, with zero mean (returns are not
 * demeaned, as in RiskMetrics). The forecast is that of the next period, sqrt(periods_per_year
 * s2_{n+1}). The seed is @p initial_variance when it is > 0, otherwise the mean of the squares of
 * the first min(n, 30) returns.
 * @param[out] vol          The annualised forecast for the period after the last return.
 * @param[out] series       NULL, or @p n annualised volatilities: @c series[t - 1] =
 *                          sqrt(periods_per_year s2_t), the forecast of return t made before it
 *                          (@c series[0] is the seed's).
 * @param returns           @p n log returns per period, finite.
 * @param n                 At least 1.
 * @param lambda            Decay, in (0, 1): 0.94 is RiskMetrics' daily value, 0.97 its monthly one.
 * @param initial_variance  Per-period variance of the first return (squared log return), >= 0;
 *                          0 for the default seed above.
 * @param periods_per_year  Periods per year, finite and > 0.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL @p vol or @p returns, or @p n of 0.
 * @retval HEDGE_ERR_DOMAIN a return that is not finite or whose square is not (|r| > 1e154; the
 *         message names its index), @p lambda outside
 *         (0, 1), a negative or non-finite @p initial_variance, a bad @p periods_per_year.
 */
HEDGE_API hedge_status hedge_ewma_vol(double *vol, double *series, const double *returns, size_t n, double lambda,
                                      double initial_variance, double periods_per_year);

/**
 * @brief A GARCH(1,1) model of per-period log returns r_t = mean + e_t, e_t = sqrt(h_t) z_t with
 *        z_t independent standard normals, and h_{t+1} = omega + alpha e_t^2 + beta h_t.
 *
 * Written by hedge_garch_fit(), or set by hand (from ::HEDGE_GARCH_INIT) for the forecasts and the
 * simulator, which read only @c omega, @c alpha, @c beta, @c mean and (forecasts) @c next_variance.
 * Variances are per period, in squared log return. Initialise with ::HEDGE_GARCH_INIT.
 */
typedef struct hedge_garch {
    size_t struct_size;        /**< sizeof(hedge_garch) as the caller knows it. */
    double omega;              /**< Constant of the variance recursion, > 0. */
    double alpha;              /**< Weight of the last squared residual, >= 0. */
    double beta;               /**< Weight of the last variance, >= 0; alpha + beta < 1 (stationary). */
    double mean;               /**< Mean return per period (0 when the fit did not demean). */
    double log_likelihood;     /**< Gaussian log-likelihood of the fitted returns (with its ln 2 pi terms). */
    double next_variance;      /**< h_{n+1}: the variance of the period after the last fitted return. */
    double long_run_variance;  /**< omega / (1 - alpha - beta), written by the fit; not read by the forecasts. */
    size_t iterations;         /**< Quasi-Newton iterations the fit took. */
    size_t observations;       /**< Returns fitted. */
    int converged;             /**< 1 when the fit met its tolerance, 0 when it stopped at @c max_iter. */
} hedge_garch;

/** @brief Initialiser for ::hedge_garch: every field 0. */
#define HEDGE_GARCH_INIT { sizeof(hedge_garch), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/** @brief Settings of hedge_garch_fit(). Initialise with ::HEDGE_GARCH_OPTIONS_INIT. */
typedef struct hedge_garch_options {
    size_t struct_size; /**< sizeof(hedge_garch_options) as the caller knows it. */
    /** Convergence: the fit stops when every component of the gradient of the mean log-likelihood
     *  per return, taken in the unconstrained parameters (see hedge_garch_fit()), is at most this
     *  in absolute value; finite and > 0. Default 1e-7. */
    double tolerance;
    size_t max_iter;    /**< Most quasi-Newton iterations, >= 1; default 500. */
    int demean;         /**< Non-zero (the default): subtract the sample mean of the returns; 0: mean 0. */
} hedge_garch_options;

/** @brief Initialiser for ::hedge_garch_options with the defaults above. */
#define HEDGE_GARCH_OPTIONS_INIT { sizeof(hedge_garch_options), 1e-7, 500, 1 }

/**
 * @brief Fills @p options with the defaults of ::HEDGE_GARCH_OPTIONS_INIT.
 * @param options  The struct to initialise; NULL is ignored.
 */
HEDGE_API void hedge_garch_options_init(hedge_garch_options *options);

/**
 * @brief Fits a GARCH(1,1) model to @p n returns by Gaussian maximum likelihood.
 *
 * The residuals are e_t = r_t - mean, with mean the sample mean of the returns when
 * @c options->demean is set (it is not a parameter of the likelihood) and 0 otherwise. The
 * recursion starts at h_1 = (1/n) sum e_t^2, the sample variance of the residuals, and the
 * log-likelihood maximised is -1/2 sum_{t=1..n} (ln 2 pi + ln h_t + e_t^2 / h_t).
 *
 * @par Method
 * The parameters are mapped to an unconstrained space where every point is a valid stationary
 * model: x = (ln(omega / s2), logit(alpha + beta), logit(alpha / (alpha + beta))), s2 the sample
 * variance (the residuals are scaled by it, so the fit does not depend on the units of the
 * returns), each coordinate kept within +-25 so that alpha + beta <= 1 - 1e-11. The start is the
 * best of a small grid of persistences and alpha shares, with omega / s2 = 1 - alpha - beta. The
 * mean log-likelihood per return is then maximised by BFGS with its analytic gradient (the
 * derivatives of h_t carried along the recursion) and a backtracking (Armijo) line search, and
 * BFGS is restarted once at the best point with a fresh Hessian estimate to confirm it. Each
 * iteration is O(n) on the caller's array; nothing is allocated.
 *
 * @par Convergence
 * The fit has converged when every component of the gradient of the mean log-likelihood with
 * respect to x is at most @c options->tolerance, or when no step can raise the log-likelihood
 * any more (in floating point) while the gradient is within 1000 times the tolerance. When
 * @c max_iter iterations pass first, the best point found is written with @c converged = 0.
 * @param[in,out] model  Output; @c struct_size must be set (::HEDGE_GARCH_INIT). Every field is written.
 * @param returns        @p n log returns per period, finite, not all equal.
 * @param n              At least 3 (a useful fit needs several hundred).
 * @param options        Settings, or NULL for the defaults.
 * @retval HEDGE_OK written (also when not converged: see @c converged).
 * @retval HEDGE_ERR_INVALID_ARG NULL @p model or @p returns, a too small @c struct_size (of the
 *         model or the options), options set beyond this version, fewer than 3 returns,
 *         @c max_iter of 0.
 * @retval HEDGE_ERR_DOMAIN a return that is not finite or whose square is not (the message names
 *         its index), residuals that are all 0 (nothing to fit), a bad tolerance.
 */
HEDGE_API hedge_status hedge_garch_fit(hedge_garch *model, const double *returns, size_t n,
                                       const hedge_garch_options *options);

/**
 * @brief Expected per-period variance @p steps periods ahead:
 *        E h_{n+k} = V_L + (alpha + beta)^(k-1) (h_{n+1} - V_L), with V_L = omega / (1 - alpha - beta)
 *        and h_{n+1} the model's @c next_variance (so @p steps = 1 gives @c next_variance itself).
 * @param[out] variance  The forecast, per period (squared log return).
 * @param model          The model: omega > 0, alpha >= 0, beta >= 0, alpha + beta < 1,
 *                       next_variance > 0, all finite.
 * @param steps          k, at least 1.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a too small @c struct_size, @p steps of 0.
 * @retval HEDGE_ERR_DOMAIN a model outside the ranges above (a non-stationary one included).
 */
HEDGE_API hedge_status hedge_garch_forecast_variance(double *variance, const hedge_garch *model, size_t steps);

/**
 * @brief Average annualised volatility over the next @p horizon periods:
 *        sqrt(periods_per_year (1/H) sum_{k=1..H} E h_{n+k}), the volatility to price an option
 *        expiring in H periods with. Long horizons tend to sqrt(periods_per_year V_L).
 * @param[out] vol          The annualised volatility.
 * @param model             The model, as for hedge_garch_forecast_variance().
 * @param horizon           H, at least 1.
 * @param periods_per_year  Periods per year, finite and > 0.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, a too small @c struct_size, @p horizon of 0.
 * @retval HEDGE_ERR_DOMAIN a bad model or @p periods_per_year.
 */
HEDGE_API hedge_status hedge_garch_forecast_vol(double *vol, const hedge_garch *model, size_t horizon,
                                                double periods_per_year);

/**
 * @brief Simulates @p n returns of a GARCH(1,1) model.
 *
 * r_t = mean + sqrt(h_t) z_t and h_{t+1} = omega + alpha (r_t - mean)^2 + beta h_t, for t = 1 .. n,
 * with z_t the t-th standard normal of the library's counter-based generator (Philox4x32-10,
 * Box-Muller) for key @p seed and stream @p stream. The path is a pure function of the model,
 * @p initial_variance, @p seed, @p stream and @p n: path p of a simulation may use stream p and
 * come out the same on any thread, and a longer path extends a shorter one.
 * @param[out] returns      @p n log returns.
 * @param[out] variances    NULL, or @p n variances: @c variances[t - 1] = h_t.
 * @param n                 At least 1.
 * @param model             omega > 0, alpha >= 0, beta >= 0, alpha + beta < 1, mean finite;
 *                          @c next_variance is not read.
 * @param initial_variance  h_1, per period, >= 0; 0 starts at the long-run variance V_L.
 * @param seed              The generator's key.
 * @param stream            The generator's stream.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL @p returns or @p model, a too small @c struct_size, @p n of 0.
 * @retval HEDGE_ERR_DOMAIN a bad model or a negative or non-finite @p initial_variance.
 */
HEDGE_API hedge_status hedge_garch_simulate(double *returns, double *variances, size_t n, const hedge_garch *model,
                                            double initial_variance, uint64_t seed, uint64_t stream);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_VOLATILITY_H */
