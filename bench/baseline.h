/* The "naive" baselines: Black-Scholes-Merton as a textbook writes it, with libm's erfc, exp and
 * log and nothing clever. They set the floor any kernel must beat to justify its complexity, and
 * a second opinion on the library's numbers. */
#ifndef HEDGE_BENCH_BASELINE_H
#define HEDGE_BENCH_BASELINE_H

#include <stddef.h>
#include <stdint.h>

/* Price, delta, gamma, vega (per 1.00 vol), theta (per year) and rho (per 1.00 rate, q fixed) of n
 * options, in the units of pricing.h; any output may be NULL. */
void naive_bsm_greeks(size_t n, const int32_t *type, const double *S, const double *K, const double *T,
                      const double *r, const double *q, const double *sigma, double *price, double *delta,
                      double *gamma, double *vega, double *theta, double *rho);

/* Price only, the same formula. */
double naive_bsm_price(int type, double S, double K, double T, double r, double q, double sigma);

/* Implied volatility by Newton's method on the price, falling back to bisection whenever a step
 * leaves the bracket [0, 10]; stops when the step is below 1e-12 or after 100 iterations.
 * Returns NaN when the price is outside the bracket's prices. *iterations gets the count. */
double naive_implied_vol(int type, double price, double S, double K, double T, double r, double q,
                         int *iterations);

#endif
