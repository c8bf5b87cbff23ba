/*
 * The normalised implied-volatility solver behind implied_vol.h, visible to the tests so that they
 * can count its Householder steps and probe it without the price conversions around it.
 */
#ifndef HEDGE_PRICING_IV_INTERNAL_H
#define HEDGE_PRICING_IV_INTERNAL_H

/*
 * Total volatility s = sigma sqrt(T) with b(x, s) = beta, where b is the normalised out-of-the-money
 * value hedge__black_otm() and x <= 0. gap = e^{x/2} - beta is passed separately because the caller
 * forms it from prices without cancellation (upper bound minus price), and near the upper bound
 * only the gap carries the information. Requires beta > 0 and gap > 0.
 *
 * The production rule takes at most two Householder steps and continues only when the second step
 * was still large (a safety net the tests prove unused on their grid). extra_steps forces that many
 * further steps, so a test can show that one more step would not move the result. *iterations (if
 * not NULL) receives the number of steps taken, extra ones included.
 */
double hedge__iv_normalised(double beta, double gap, double x, int extra_steps, int *iterations);

/* Normalised vega db/ds = exp(-(x^2/s^2 + s^2/4)/2) / sqrt(2 pi), with the squares' rounding compensated. */
double hedge__iv_vega(double x, double s);

#endif
