#include "baseline.h"

#include <math.h>

#define INV_SQRT_2PI 0.398942280401432677939946059934
#define INV_SQRT2 0.707106781186547524400844362104849039

static double cdf(double x) { return 0.5 * erfc(-x * INV_SQRT2); }

void naive_bsm_greeks(size_t n, const int32_t *type, const double *S, const double *K, const double *T,
                      const double *r, const double *q, const double *sigma, double *price, double *delta,
                      double *gamma, double *vega, double *theta, double *rho) {
    for (size_t i = 0; i < n; i++) {
        double w = type[i], s = S[i], k = K[i], t = T[i], sq = sqrt(t), v = sigma[i] * sq;
        double d1 = (log(s / k) + (r[i] - q[i] + 0.5 * sigma[i] * sigma[i]) * t) / v, d2 = d1 - v;
        double dfr = exp(-r[i] * t), dfq = exp(-q[i] * t);
        double pdf = INV_SQRT_2PI * exp(-0.5 * d1 * d1);
        double n1 = cdf(w * d1), n2 = cdf(w * d2);
        if (price) price[i] = w * (s * dfq * n1 - k * dfr * n2);
        if (delta) delta[i] = w * dfq * n1;
        if (gamma) gamma[i] = dfq * pdf / (s * v);
        if (vega) vega[i] = s * dfq * pdf * sq;
        if (theta) theta[i] = -s * dfq * pdf * sigma[i] / (2.0 * sq) - w * r[i] * k * dfr * n2 + w * q[i] * s * dfq * n1;
        if (rho) rho[i] = w * k * t * dfr * n2;
    }
}

double naive_bsm_price(int type, double S, double K, double T, double r, double q, double sigma) {
    double v = sigma * sqrt(T);
    double d1 = (log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / v, d2 = d1 - v;
    return type * (S * exp(-q * T) * cdf(type * d1) - K * exp(-r * T) * cdf(type * d2));
}

double naive_implied_vol(int type, double price, double S, double K, double T, double r, double q,
                         int *iterations) {
    double lo = 0.0, hi = 10.0;
    if (!(price > naive_bsm_price(type, S, K, T, r, q, 1e-8)) || !(price < naive_bsm_price(type, S, K, T, r, q, hi))) {
        *iterations = 0;
        return NAN;
    }
    /* Manaster and Koehler's start, where vega is largest. */
    double sigma = sqrt(2.0 * fabs(log(S / K) + (r - q) * T) / T);
    if (!(sigma > 0.05) || sigma > 3.0)
        sigma = 0.5;
    int it = 0;
    while (it++ < 100) {
        double sq = sqrt(T), v = sigma * sq;
        double d1 = (log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / v;
        double diff = naive_bsm_price(type, S, K, T, r, q, sigma) - price;
        if (diff > 0.0)
            hi = sigma;
        else
            lo = sigma;
        double vega = S * exp(-q * T) * INV_SQRT_2PI * exp(-0.5 * d1 * d1) * sq;
        double next = sigma - diff / vega;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        double step = fabs(next - sigma);
        sigma = next;
        if (step < 1e-12)
            break;
    }
    *iterations = it;
    return sigma;
}
