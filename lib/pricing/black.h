/*
 * Internal kernels shared by the scalar, batch and implied-volatility code.
 *
 * Everything is expressed through the normalised Black function of Jaeckel ("Let's Be Rational"):
 * with x = ln(F/K) and s = sigma sqrt(T) the total volatility,
 *     b(x, s) = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2)   (a call; the undiscounted price / sqrt(F K)).
 */
#ifndef HEDGE_PRICING_BLACK_H
#define HEDGE_PRICING_BLACK_H

#include <hedge/pricing.h>

#include <stdbool.h>

/* Normalised out-of-the-money value: b(-|x|, s) for a call, which equals the put at +|x|. It is
 * computed to a few ulp of relative error for every s >= 0 (0 when s == 0). */
double hedge__black_otm(double x, double s);

/* The same, given g = exp(-(h^2 + t^2)/2) (h = x/s, t = s/2, the rounding of h and of the squares
 * compensated; the normalised vega is g / sqrt(2 pi)), which a caller that has the vega need not pay
 * for twice. */
double hedge__black_otm_g(double x, double s, double g);

/* ln(F/K) to a few ulp of itself, also near the money where log(F/K) is off by the rounding of the
 * quotient (1e-16 absolute: 1e-11 of the price when x and the total volatility are both 1e-5). */
double hedge__log_moneyness(double F, double K);

/* Normalised call (theta = +1) or put (theta = -1) value b(x, s, theta) including intrinsic value. */
double hedge__black_normalised(double x, double s, int theta);

/* Discounted intrinsic value e^{-rT} max(theta (F - K), 0) from x = ln(F/K): the pricer's and the
 * implied-volatility solver's lower bound, bit for bit. */
double hedge__black_intrinsic(double x, double K, int theta, double rT);

/* Discounted Black value e^{-rT} theta (F N(theta d1) - K N(theta d2)) from x = ln(F/K), the strike,
 * s = sigma sqrt(T) and rT. Taking x rather than F matters: an out-of-the-money price moves |d|/s
 * times any relative error of F, so F must not be rounded on the way. */
double hedge__black_value(double x, double K, double s, int theta, double rT);

/*
 * Every Greek of a European option under BSM with carry b, written to g (all fields).
 * S is the spot (or the forward when b == 0 and black76 is true), q = r - b. The rho field is dV/dr
 * with q fixed (BSM) or with F fixed (black76). Inputs must already be validated.
 */
void hedge__bsm_kernel(hedge_greeks *g, int theta, double S, double K, double T, double r, double b, double sigma,
                       bool black76);

/* NULL or a struct_size too small for the price: the error, naming fn; HEDGE_OK otherwise. */
hedge_status hedge__greeks_size_ok(const char *fn, const hedge_greeks *g);

/* Validates one option's numbers; returns the status and sets the thread's error detail, naming
 * the function `fn` and the batch `index` (SIZE_MAX for a scalar call). */
hedge_status hedge__check_option(const char *fn, size_t index, int theta, double S_or_F, double K, double T,
                                 double r, double q, double sigma);

#endif
