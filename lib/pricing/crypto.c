/* Crypto conventions: inverse (coin-settled) options, futures and perpetual swaps. */
#include "pricing/black.h"

#include "core/internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * Greeks of V_c = D B(F) / F with D = e^{-r_c T} and B the undiscounted Black-76 value, from the
 * Black-76 Greeks of B by the quotient rule (Leibniz in F for the higher orders).
 */
static void inverse_kernel(hedge_greeks *u, int theta, double F, double K, double T, double rc, double sigma) {
    hedge_greeks b;
    hedge__bsm_kernel(&b, theta, F, K, T, 0.0, 0.0, sigma, true);
    double D = exp(-rc * T), f1 = 1.0 / F, f2 = f1 * f1, f3 = f2 * f1, f4 = f2 * f2;
    double U = b.price * f1;
    double U_F = b.delta * f1 - b.price * f2;
    double U_FF = b.gamma * f1 - 2.0 * b.delta * f2 + 2.0 * b.price * f3;
    double U_FFF = b.speed * f1 - 3.0 * b.gamma * f2 + 6.0 * b.delta * f3 - 6.0 * b.price * f4;
    u->price = D * U;
    u->delta = D * U_F;
    u->gamma = D * U_FF;
    u->speed = D * U_FFF;
    u->vega = D * b.vega * f1;
    u->volga = D * b.volga * f1;
    u->vanna = D * (b.vanna * f1 - b.vega * f2);
    u->zomma = D * (b.zomma * f1 - 2.0 * b.vanna * f2 + 2.0 * b.vega * f3);
    /* time derivatives: d/dt (D U) = r_c D U + D dU/dt */
    u->theta = rc * u->price + D * b.theta * f1;
    u->charm = rc * u->delta + D * (b.charm * f1 - b.theta * f2);
    u->color = rc * u->gamma + D * (b.color * f1 - 2.0 * b.charm * f2 + 2.0 * b.theta * f3);
    u->veta = rc * u->vega + D * b.veta * f1;
    u->rho = -T * u->price;
    u->carry_rho = T * F * u->delta; /* dF/db = T F */
    u->dual_delta = D * b.dual_delta * f1;
    u->dual_gamma = D * b.dual_gamma * f1;
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
    hedge__output_copy(greeks, &g, sizeof g);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_inverse_delta_premium_adjusted(double *delta, hedge_option_type type, double F,
                                                            double K, double T, double r_coin, double sigma) {
    if (!delta)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_inverse_delta_premium_adjusted: delta is NULL");
    hedge_status st = hedge__check_option("hedge_inverse_delta_premium_adjusted", SIZE_MAX, (int)type, F, K, T,
                                          r_coin, 0.0, sigma);
    if (st)
        return st;
    hedge_greeks b;
    hedge__bsm_kernel(&b, (int)type, F, K, T, 0.0, 0.0, sigma, true);
    /* F dV_c/dF = D (B_F - B/F): the Black forward delta less the premium in coins */
    *delta = exp(-r_coin * T) * (b.delta - b.price / F);
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
