/*
 * Raw SVI smiles (Gatheral 2004) in total implied variance w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)),
 * k = ln(K/F), w = sigma_imp^2 T. The fit is Zeliade's quasi-explicit calibration; the checks are
 * Gatheral & Jacquier's butterfly (Durrleman's g >= 0) and calendar (w non-decreasing in T) conditions.
 * Internal: the surface handle of the market layer is built on it. Nothing here allocates.
 */
#ifndef HEDGE_MARKET_SVI_H
#define HEDGE_MARKET_SVI_H

#include <hedge/status.h>

#include <stddef.h>

typedef struct hedge__svi {
    double a, b, rho, m, sigma;
} hedge__svi;

/* Parameters a smile can have: b >= 0, |rho| < 1, sigma > 0, all finite, and w >= 0 everywhere
 * (a + b sigma sqrt(1 - rho^2) >= 0). */
int hedge__svi_is_valid(const hedge__svi *p);

double hedge__svi_w(const hedge__svi *p, double k);

/* w and its first two derivatives in k. */
void hedge__svi_derivs(const hedge__svi *p, double k, double *w, double *dw, double *d2w);

/* Durrleman's function: the risk-neutral density is c(k) g(k) with c > 0, so g < 0 somewhere is
 * butterfly arbitrage. Needs w(k) > 0. */
double hedge__svi_g(const hedge__svi *p, double k);

/* Result of an arbitrage scan over [k_lo, k_hi]. */
typedef struct hedge__arb_scan {
    size_t violations; /* grid points that fail */
    double worst_k;    /* where the condition fails worst (meaningful when violations > 0) */
    double worst;      /* its value there: min g for butterflies, min w2 - w1 for calendars */
} hedge__arb_scan;

/* g on n >= 2 evenly spaced points of [k_lo, k_hi]; fails where g < -tol. */
hedge__arb_scan hedge__svi_butterfly_scan(const hedge__svi *p, double k_lo, double k_hi, size_t n, double tol);

/* w_later - w_earlier on n points; fails where it is < -tol (the later smile dips below the earlier). */
hedge__arb_scan hedge__svi_calendar_scan(const hedge__svi *earlier, const hedge__svi *later, double k_lo,
                                        double k_hi, size_t n, double tol);

/*
 * Least-squares fit of a smile to n >= 5 points (k_i, w_i) with weights weight_i > 0 (NULL: all 1).
 * For fixed (m, sigma) the problem is linear in (a, b sigma, rho b sigma) on a polytope that keeps
 * w >= 0 and b (1 + |rho|) <= 2 (Lee's moment formula: the wings of w may not grow faster than 2|k|;
 * Zeliade's paper uses Rogers & Tehranchi's weaker 4): solved exactly by an active-set search.
 * (m, sigma) are then found by Nelder-Mead from the best local minima of a coarse grid over them, and
 * a tight final run from the best. Returns the weighted RMS error in total variance through rmse
 * (may be NULL).
 * HEDGE_ERR_INVALID_ARG: NULL arrays or n < 5; HEDGE_ERR_DOMAIN: a non-finite k or w, w < 0, a
 * weight <= 0, or fewer than 5 distinct k; HEDGE_ERR_NOT_CONVERGED: no valid smile found.
 */
hedge_status hedge__svi_fit(hedge__svi *out, double *rmse, const double *k, const double *w, const double *weight,
                            size_t n);

#endif
