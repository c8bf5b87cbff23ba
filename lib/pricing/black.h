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

#include <float.h>
#include <math.h>
#include <stdbool.h>

/* Normalised out-of-the-money value: b(-|x|, s) for a call, which equals the put at +|x|. It is
 * computed to a few ulp of relative error for every s >= 0 (0 when s == 0). */
double hedge__black_otm(double x, double s);

/* The same, given g = exp(-(h^2 + t^2)/2) (h = x/s, t = s/2, the rounding of h and of the squares
 * compensated; the normalised vega is g / sqrt(2 pi)), which a caller that has the vega need not pay
 * for twice. */
double hedge__black_otm_g(double x, double s, double g);

/* b(-|x|, s) = m e^{L[0] + L[1]}, returning m: the same value as hedge__black_otm() with the exponent of
 * its Gaussian factor (or of e^{x/2}) kept apart, for the wide path, where that factor underflows a
 * double while the price it scales is a normal number. For x != 0 and 2^-900 <= s <= inf.
 * *gaussian tells which: true for L = -(h^2 + t^2)/2 (h = -|x|/s, t = s/2), false for L = -|x|/2. */
double hedge__black_otm_scaled(double x, double s, double L[2], bool *gaussian);

/* ln(F/K) to a few ulp of itself, also near the money where log(F/K) is off by the rounding of the
 * quotient (1e-16 absolute: 1e-11 of the price when x and the total volatility are both 1e-5).
 * Inline: the implied-volatility solver's chain starts here. */
static inline double hedge__log_moneyness(double F, double K) {
    /* ln(F/K) without the rounding of F/K: an out-of-the-money price moves |d|/(sigma sqrt T) times
     * any error in ln(F/K), several hundred for a one-day option in the wing, which would turn the
     * half-ulp of the division into 1e-13 of the price. Within a factor 2 of each other F - K is
     * exact (Sterbenz), so only the division rounds, and log1p keeps that relative. */
    if (F >= 0.5 * K && F <= 2.0 * K)
        return log1p((F - K) / K);
    double q = F / K;
    /* a quotient that overflowed, or underflowed into the subnormals (where it keeps only part of its
     * bits, all of them at 4.9e-324): the difference of the logarithms, each exact to an ulp */
    return q >= DBL_MIN && q <= DBL_MAX ? log(q) : log(F) - log(K);
}

/* Normalised call (theta = +1) or put (theta = -1) value b(x, s, theta) including intrinsic value. */
double hedge__black_normalised(double x, double s, int theta);

/* Discounted intrinsic value e^{-rT} max(theta (F - K), 0) from x = ln(F/K): the pricer's and the
 * implied-volatility solver's lower bound, bit for bit. */
double hedge__black_intrinsic(double x, double K, int theta, double rT);

/* The same with D = exp(-rT) supplied by a caller that has it (exactly that expression: the result is
 * then the same bits). F - K = K expm1(x) keeps its accuracy near the money; far from it the discount
 * factor joins the exponent, since e^{-rT} alone can underflow while e^{x} overflows. */
static inline double hedge__black_intrinsic_d(double x, double K, int theta, double rT, double D) {
    if (!(theta * x > 0.0))
        return 0.0;
    return theta * (fabs(x) < 0.5 ? K * D * expm1(x) : K * (exp(x - rT) - D));
}

/* Discounted Black value e^{-rT} theta (F N(theta d1) - K N(theta d2)) from x = ln(F/K), the strike,
 * s = sigma sqrt(T) and rT. Taking x rather than F matters: an out-of-the-money price moves |d|/s
 * times any relative error of F, so F must not be rounded on the way. */
double hedge__black_value(double x, double K, double s, int theta, double rT);

/*
 * The box of ordinary inputs: spot and strike within 2^+-100, T and sigma 0 or within 2^+-60, |r| and
 * |q| up to 2^64, |rT| and |qT| up to 100. There every Greek of the double kernel is provably finite,
 * so the common path needs
 * no check of its sixteen results: e^{100} < 2^145 bounds the discount factors, the total volatility v
 * is 0 or at least 2^-90, |d1|, |d2| are at most 40 + 2^90 where the density is not 0, |b| <= 2^65, and
 * with those gamma < 2^335, speed < 2^530, zomma < 2^500, color < 2^500, veta and volga < 2^440, theta and
 * the rhos < 2^320 (the largest factor of each times its terms' bounds). Nothing a normal result is
 * made of underflows on the way either: S e^{-qT} and K e^{-rT} are at least 2^-245. Elsewhere the
 * wide path (wide.h) computes.
 */
static inline bool hedge__ordinary_inputs(double S, double K, double T, double sigma, double r, double q,
                                          double rT, double qT) {
    return S >= 0x1p-100 && S <= 0x1p100 && K >= 0x1p-100 && K <= 0x1p100 &&
           (T == 0.0 || (T >= 0x1p-60 && T <= 0x1p60)) && (sigma == 0.0 || (sigma >= 0x1p-60 && sigma <= 0x1p60)) &&
           fabs(rT) <= 100.0 && fabs(qT) <= 100.0 && fabs(r) <= 0x1p64 && fabs(q) <= 0x1p64;
}

/*
 * Every Greek of a European option under BSM with carry b, written to g (all fields).
 * S is the spot (or the forward when b == 0 and black76 is true), q = r - b, passed as well because
 * b = r - q rounded loses q when |r| is far larger (e^{-qT} with qT = 1e97 against rT = 1e192, or
 * merely a worse ulp of q), and a caller given F has b but not q exactly. The rho field is dV/dr
 * with q fixed (BSM) or with F fixed (black76). Inputs must already be validated. Never NaN for
 * validated input: a field is +-inf exactly when its true value is beyond DBL_MAX. Returns true when
 * the ordinary path computed, whose fields are all finite, false after the wide path (check them).
 */
bool hedge__bsm_kernel(hedge_greeks *g, int theta, double S, double K, double T, double r, double q, double b,
                       double sigma, bool black76);

/* NULL or a struct_size too small for the price: the error, naming fn; HEDGE_OK otherwise. */
hedge_status hedge__greeks_size_ok(const char *fn, const hedge_greeks *g);

/* Copies the fields of g that fit in dst->struct_size to dst, or, when one of them is infinite (its
 * true value beyond DBL_MAX), writes nothing and returns HEDGE_ERR_TOO_LARGE naming fn and the field.
 * known_finite (hedge__bsm_kernel()'s result) skips the check. */
hedge_status hedge__greeks_finish(const char *fn, hedge_greeks *dst, const hedge_greeks *g, bool known_finite);

/* The name of field k (0 = price, ...) of hedge_greeks. */
const char *hedge__greek_name(int k);

/* The value alone, as hedge_bsm_price() returns it: +-inf when it is beyond DBL_MAX. */
double hedge__price(int theta, double S, double K, double T, double r, double q, double b, double sigma);

/* The largest |r|, |q|, |r T| and |q T| the kernels accept (pricing.h): 2^1022, about 4.49e307. */
#define HEDGE__MAX_EXPONENT 0x1p1022

/* Validates one option's numbers; returns the status and sets the thread's error detail, naming
 * the function `fn` and the batch `index` (SIZE_MAX for a scalar call). */
hedge_status hedge__check_option(const char *fn, size_t index, int theta, double S_or_F, double K, double T,
                                 double r, double q, double sigma);

#endif
