/* Crypto conventions: inverse (coin-settled) options, futures and perpetual swaps. */
#include "pricing/black.h"
#include "pricing/wide.h"

#include "core/internal.h"
#include "core/normal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * Greeks of V_c = D B(F) / F with D = e^{-r_c T} and B the undiscounted Black-76 value. The quotient
 * rule would give the F-derivatives as sums like B_FF/F - 2 B_F/F^2 + 2 B/F^3, whose terms cancel:
 * deep in the money (B = F - K) to a value smaller by K/F, and for a tiny forward the terms overflow
 * while their sum does not. With B_F - B/F = theta (K/F) N(theta d2) and K n(d2) = F n(d1) they are
 * instead (a call theta = 1, a put -1; n1 = n(d1), N2 = N(theta d2), v = sigma sqrt T):
 *   V_F   = D theta K N2 / F^2
 *   V_FF  = D (n1/v - 2 theta (K/F) N2) / F^2
 *   V_FFF = D (6 theta (K/F) N2 - n1 (5/v + d2/v^2)) / F^3
 *   vanna = -D n1 d1 / (sigma F),   zomma = D n1 (d1^2 + d1 v - 1) / (sigma v F^2),
 *   charm = r_c V_F + D n1 d1 / (2 T F),   color = r_c V_FF - D n1 (d1 d2 - 1 + 2 d1 v) / (2 T v F^2),
 * each a product or a sum of terms that only cancel at the Greek's own zero. Vega, volga, theta,
 * veta and the dual Greeks are D/F times Black's.
 */
enum { PRICE, DELTA, GAMMA, VEGA, THETA, RHO, CARRY_RHO, VANNA, VOLGA, CHARM, VETA, SPEED, ZOMMA, COLOR, DUAL_DELTA,
       DUAL_GAMMA };

/* Ordinary options are computed in doubles, with the forward scaled into [1, 2) by 2^-e (see
 * inverse_kernel()); anything else, or a result that overflowed on the way, again in the wide
 * arithmetic (wide.h), which gives +-inf only for a true value beyond DBL_MAX. "Ordinary" bounds what
 * a density or probability that underflowed to 0 could have contributed once multiplied back up: by
 * D <= e (a coin discount factor above 1 would lift a coin value that underflowed back into the
 * normal range), by the inner factors 1/v^2 <= 2^600, and by the scaling 2^(3|e|) of speed, in all
 * less than 2^1700, so a Greek whose true value exceeds DBL_MAX cannot come out finite. */
static bool inverse_ordinary(int e, double Fs, double Ks, double T, double rc, double sigma) {
    double rcT = rc * T;
    return e >= -250 && e <= 250 && rcT >= -1.0 && rcT <= 300.0 &&
           hedge__ordinary_inputs(Fs, Ks, T, sigma, 0.0, 0.0, 0.0, 0.0);
}

/* n(d1), d1, d2 and N(theta d2) as the kernel forms them; for sigma sqrt T = 0 the step N2 = 0, 1/2, 1. */
static double inverse_terms(int theta, double F, double K, double T, double sigma, double *n1, double *d1,
                            double *d2) {
    double v = sigma * sqrt(T), x = hedge__log_moneyness(F, K);
    if (!(v > 0.0)) {
        *n1 = *d1 = *d2 = 0.0;
        return theta * x > 0.0 ? 1.0 : x == 0.0 ? 0.5 : 0.0;
    }
    *d1 = x / v + 0.5 * v;
    *d2 = x / v - 0.5 * v;
    *n1 = hedge__norm_pdf(*d1);
    return hedge__norm_cdf(theta * *d2);
}

static bool inverse_fast(hedge_greeks *u, int theta, double F, double K, double T, double rc, double sigma) {
    hedge_greeks b;
    hedge__bsm_kernel(&b, theta, F, K, T, 0.0, 0.0, 0.0, sigma, true);
    double n1, d1, d2, N2 = inverse_terms(theta, F, K, T, sigma, &n1, &d1, &d2);
    double v = sigma * sqrt(T), D = exp(-rc * T), f1 = 1.0 / F, Df1 = D * f1, Df2 = Df1 * f1, KN2f = K * N2 * f1;
    u->price = Df1 * b.price;
    u->delta = theta * Df1 * KN2f;
    double gamma_n = n1 == 0.0 ? 0.0 : n1 / v, speed_n = n1 == 0.0 ? 0.0 : n1 * (5.0 / v + d2 / (v * v));
    u->gamma = Df2 * (gamma_n - 2.0 * theta * KN2f);
    u->speed = Df2 * f1 * (6.0 * theta * KN2f - speed_n);
    u->vega = Df1 * b.vega;
    u->volga = Df1 * b.volga;
    if (!(v > 0.0)) { /* the kink's conventions, as the quotient rule gives them from the degenerate limits */
        u->vanna = Df1 * (b.vanna - b.vega * f1);
        u->zomma = Df1 * (b.zomma - 2.0 * b.vanna * f1 + 2.0 * b.vega * f1 * f1);
    } else {
        u->vanna = n1 == 0.0 ? 0.0 : -Df1 * n1 * d1 / sigma;
        u->zomma = n1 == 0.0 ? 0.0 : Df2 * n1 * (d1 * d1 + d1 * v - 1.0) / (sigma * v);
    }
    u->theta = rc * u->price + Df1 * b.theta;
    u->veta = rc * u->vega + Df1 * b.veta;
    u->charm = rc * u->delta + (n1 == 0.0 ? 0.0 : Df1 * n1 * d1 / (2.0 * T));
    u->color = rc * u->gamma - (n1 == 0.0 ? 0.0 : Df2 * n1 * (d1 * d2 - 1.0 + 2.0 * d1 * v) / (2.0 * T * v));
    u->rho = -T * u->price;
    u->carry_rho = T * F * u->delta; /* dF/db = T F */
    u->dual_delta = Df1 * b.dual_delta;
    u->dual_gamma = Df1 * b.dual_gamma;
    double f[HEDGE__N_GREEKS];
    memcpy(f, &u->price, sizeof f);
    for (int k = 0; k < HEDGE__N_GREEKS; k++)
        if (!isfinite(f[k]))
            return false;
    return true;
}

/*
 * V_c(F, K) is homogeneous of degree 0 (B is of degree 1): V_c(F, K) = V_c(F 2^-e, K 2^-e), and each
 * derivative in F or K brings a factor 2^-e. The forward is scaled into [1, 2) first, which keeps the
 * doubles from underflowing on the way where 1/F would lift them back (a Black value of 1e-318 for
 * F = 1e-57 is a coin value of 1e-261, which must keep its digits); the scaling back is exact.
 */
static void inverse_kernel(hedge_greeks *u, int theta, double F, double K, double T, double rc, double sigma) {
    int e = ilogb(F);
    double Fs = ldexp(F, -e), Ks = ldexp(K, -e);
    if (inverse_ordinary(e, Fs, Ks, T, rc, sigma) && inverse_fast(u, theta, Fs, Ks, T, rc, sigma)) {
        u->delta = ldexp(u->delta, -e);
        u->vanna = ldexp(u->vanna, -e);
        u->charm = ldexp(u->charm, -e);
        u->dual_delta = ldexp(u->dual_delta, -e);
        u->gamma = ldexp(u->gamma, -2 * e);
        u->zomma = ldexp(u->zomma, -2 * e);
        u->color = ldexp(u->color, -2 * e);
        u->dual_gamma = ldexp(u->dual_gamma, -2 * e);
        u->speed = ldexp(u->speed, -3 * e);
        return;
    }
    hedge__xgreeks w;
    hedge__inverse_kernel_wide(&w, theta, F, K, T, rc, sigma);
    hedge__xgreeks_double(u, &w);
}

HEDGE_API hedge_status hedge_inverse_greeks(hedge_greeks *greeks, hedge_option_type type, double F, double K,
                                            double T, double r_coin, double sigma) {
    hedge_status st = hedge__greeks_size_ok("hedge_inverse_greeks", greeks);
    if (st)
        return st;
    st = hedge__check_option("hedge_inverse_greeks", SIZE_MAX, (int)type, F, K, T, r_coin, 0.0, sigma);
    if (st)
        return st;
    hedge_greeks g;
    inverse_kernel(&g, (int)type, F, K, T, r_coin, sigma);
    return hedge__greeks_finish("hedge_inverse_greeks", greeks, &g, false); /* the scaling back can overflow */
}

HEDGE_API hedge_status hedge_inverse_delta_premium_adjusted(double *delta, hedge_option_type type, double F,
                                                            double K, double T, double r_coin, double sigma) {
    if (!delta)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_inverse_delta_premium_adjusted: delta is NULL");
    hedge_status st = hedge__check_option("hedge_inverse_delta_premium_adjusted", SIZE_MAX, (int)type, F, K, T,
                                          r_coin, 0.0, sigma);
    if (st)
        return st;
    /* F dV_c/dF = D (B_F - B/F) = D theta (K/F) N(theta d2): the Black forward delta less the premium
     * in coins, without subtracting the two */
    double pa = NAN;
    int e = ilogb(F);
    double Fs = ldexp(F, -e), Ks = ldexp(K, -e); /* degree 0 in (F, K), as in inverse_kernel() */
    if (inverse_ordinary(e, Fs, Ks, T, r_coin, sigma)) {
        double n1, d1, d2, N2 = inverse_terms((int)type, Fs, Ks, T, sigma, &n1, &d1, &d2);
        pa = (int)type * exp(-r_coin * T) * (Ks * N2 / Fs);
    }
    if (!isfinite(pa)) {
        hedge__xgreeks w;
        hedge__inverse_kernel_wide(&w, (int)type, F, K, T, r_coin, sigma);
        pa = hedge__xd_double(hedge__xd_muld(w.v[DELTA], F));
    }
    if (!isfinite(pa))
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "hedge_inverse_delta_premium_adjusted: the delta is beyond "
                           "the range of double");
    *delta = pa;
    return HEDGE_OK;
}

static hedge_status check_contract(const char *fn, hedge_settlement settlement, double multiplier, double quantity) {
    if (settlement != HEDGE_SETTLE_LINEAR && settlement != HEDGE_SETTLE_INVERSE)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: settlement must be linear or inverse, got %d", fn,
                           (int)settlement);
    if (!(multiplier > 0.0) || !isfinite(multiplier))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: multiplier must be finite and > 0, got %g", fn, multiplier);
    if (!isfinite(quantity))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: quantity must be finite, got %g", fn, quantity);
    return HEDGE_OK;
}

static hedge_status check_price(const char *fn, const char *what, double p) {
    if (!(p > 0.0) || !isfinite(p))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s must be finite and > 0, got %g", fn, what, p);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_future_risk_eval(hedge_future_risk *risk, hedge_settlement settlement,
                                              double multiplier, double quantity, double entry, double mark) {
    static const char fn[] = "hedge_future_risk_eval";
    if (!risk)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: risk is NULL", fn);
    if (risk->struct_size < offsetof(hedge_future_risk, coin_per_contract) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: risk->struct_size %zu is too small (set it with "
                           "HEDGE_FUTURE_RISK_INIT)", fn, risk->struct_size);
    hedge_status st = check_contract(fn, settlement, multiplier, quantity);
    if (st || (st = check_price(fn, "entry", entry)) || (st = check_price(fn, "mark", mark)))
        return st;
    hedge_future_risk out = HEDGE_FUTURE_RISK_INIT;
    if (settlement == HEDGE_SETTLE_LINEAR) {
        out.value = quantity * multiplier * (mark - entry);
        out.coin_per_contract = multiplier;
    } else {
        /* 1/entry - 1/mark written as (mark - entry)/(entry mark): exact to rounding near entry */
        out.value = quantity * multiplier * ((mark - entry) / (entry * mark));
        out.coin_per_contract = multiplier / mark;
    }
    out.delta_contracts = quantity;
    out.delta_coin = quantity * out.coin_per_contract;
    out.delta_usd = out.delta_coin * mark;
    hedge__output_copy(risk, &out, sizeof out);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_perpetual_funding(double *carry, hedge_settlement settlement, double multiplier,
                                               double quantity, double mark, double funding_rate,
                                               double interval_hours, double horizon_hours) {
    static const char fn[] = "hedge_perpetual_funding";
    if (!carry)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: carry is NULL", fn);
    hedge_status st = check_contract(fn, settlement, multiplier, quantity);
    if (st || (st = check_price(fn, "mark", mark)))
        return st;
    if (!isfinite(funding_rate))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: funding rate must be finite, got %g", fn, funding_rate);
    if (!(interval_hours > 0.0) || !isfinite(interval_hours))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: funding interval must be finite and > 0 hours, got %g", fn,
                           interval_hours);
    if (!(horizon_hours >= 0.0) || !isfinite(horizon_hours))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: horizon must be finite and >= 0 hours, got %g", fn,
                           horizon_hours);
    double notional = settlement == HEDGE_SETTLE_LINEAR ? quantity * multiplier * mark : quantity * multiplier / mark;
    *carry = -funding_rate * notional * (horizon_hours / interval_hours); /* longs pay a positive rate */
    return HEDGE_OK;
}
