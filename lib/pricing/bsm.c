/* Public scalar entry points of the BSM and Black-76 kernels. */
#include "pricing/black.h"
#include "pricing/wide.h"

#include "core/internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Greeks are written through a full local struct and copied up to the caller's struct_size, so a
 * caller compiled against an older, shorter hedge_greeks never has memory beyond it touched. */
hedge_status hedge__greeks_size_ok(const char *fn, const hedge_greeks *g) {
    if (!g)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: greeks is NULL", fn);
    if (g->struct_size < offsetof(hedge_greeks, price) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: greeks->struct_size %zu is too small (set it with "
                           "HEDGE_GREEKS_INIT)", fn, g->struct_size);
    return HEDGE_OK;
}

const char *hedge__greek_name(int k) {
    static const char *const names[HEDGE__N_GREEKS] = {
        "price", "delta", "gamma", "vega", "theta", "rho", "carry_rho", "vanna", "volga", "charm", "veta", "speed",
        "zomma", "color", "dual_delta", "dual_gamma"};
    return k >= 0 && k < HEDGE__N_GREEKS ? names[k] : "?";
}

hedge_status hedge__greeks_finish(const char *fn, hedge_greeks *dst, const hedge_greeks *g, bool known_finite) {
    if (!known_finite) {
        double f[HEDGE__N_GREEKS];
        memcpy(f, &g->price, sizeof f);
        size_t have = (dst->struct_size - offsetof(hedge_greeks, price)) / sizeof(double);
        for (size_t k = 0; k < have && k < HEDGE__N_GREEKS; k++)
            if (!isfinite(f[k]))
                return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: %s is beyond the range of double (%s %g)", fn,
                                   hedge__greek_name((int)k), f[k] > 0 ? "above" : "below",
                                   f[k] > 0 ? DBL_MAX : -DBL_MAX);
    }
    hedge__output_copy(dst, g, sizeof *g);
    return HEDGE_OK;
}

/* Out of line, so that the ordinary path does not carry the wide one's frame. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static double wide_price(int theta, double S, double K, double T, double r, double q, double b, double sigma) {
    hedge__xgreeks w;
    hedge__bsm_kernel_wide(&w, theta, S, K, T, r, q, b, sigma, false);
    return hedge__xd_double(w.v[0]);
}

double hedge__price(int theta, double S, double K, double T, double r, double q, double b, double sigma) {
    double rT = r * T;
    if (HEDGE_LIKELY(hedge__ordinary_inputs(S, K, T, sigma, r, q, rT, q * T))) /* the price is finite there */
        return hedge__black_value(hedge__log_moneyness(S, K) + b * T, K, sigma * sqrt(T), theta, rT);
    return wide_price(theta, S, K, T, r, q, b, sigma);
}

static hedge_status price_out(const char *fn, double *price, double p) {
    if (!isfinite(p))
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: the price is beyond the range of double (> %g)", fn,
                           DBL_MAX);
    *price = p;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_bsm_price(double *price, hedge_option_type type, double S, double K, double T, double r,
                                       double q, double sigma) {
    if (!price)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_bsm_price: price is NULL");
    hedge_status st = hedge__check_option("hedge_bsm_price", SIZE_MAX, (int)type, S, K, T, r, q, sigma);
    if (st)
        return st;
    return price_out("hedge_bsm_price", price, hedge__price((int)type, S, K, T, r, q, r - q, sigma));
}

HEDGE_API hedge_status hedge_bsm_greeks(hedge_greeks *greeks, hedge_option_type type, double S, double K, double T,
                                        double r, double q, double sigma) {
    hedge_status st = hedge__greeks_size_ok("hedge_bsm_greeks", greeks);
    if (st || (st = hedge__check_option("hedge_bsm_greeks", SIZE_MAX, (int)type, S, K, T, r, q, sigma)))
        return st;
    hedge_greeks g;
    bool finite = hedge__bsm_kernel(&g, (int)type, S, K, T, r, q, r - q, sigma, false);
    return hedge__greeks_finish("hedge_bsm_greeks", greeks, &g, finite);
}

HEDGE_API hedge_status hedge_black76_price(double *price, hedge_option_type type, double F, double K, double T,
                                           double r, double sigma) {
    if (!price)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_black76_price: price is NULL");
    hedge_status st = hedge__check_option("hedge_black76_price", SIZE_MAX, (int)type, F, K, T, r, r, sigma);
    if (st)
        return st;
    return price_out("hedge_black76_price", price, hedge__price((int)type, F, K, T, r, r, 0.0, sigma));
}

HEDGE_API hedge_status hedge_black76_greeks(hedge_greeks *greeks, hedge_option_type type, double F, double K,
                                            double T, double r, double sigma) {
    hedge_status st = hedge__greeks_size_ok("hedge_black76_greeks", greeks);
    if (st || (st = hedge__check_option("hedge_black76_greeks", SIZE_MAX, (int)type, F, K, T, r, r, sigma)))
        return st;
    hedge_greeks g;
    bool finite = hedge__bsm_kernel(&g, (int)type, F, K, T, r, r, 0.0, sigma, true);
    return hedge__greeks_finish("hedge_black76_greeks", greeks, &g, finite);
}

HEDGE_API hedge_status hedge_greeks_to_market_units(hedge_greeks *greeks, double days_per_year) {
    hedge_status st = hedge__greeks_size_ok("hedge_greeks_to_market_units", greeks);
    if (st)
        return st;
    if (!(days_per_year > 0.0) || !isfinite(days_per_year))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN,
                           "hedge_greeks_to_market_units: days_per_year must be finite and > 0, got %g",
                           days_per_year);
    hedge_greeks g = HEDGE_GREEKS_INIT;
    /* the caller's fields into a full struct; those it lacks stay 0 and are not written back */
    size_t have = greeks->struct_size < sizeof g ? greeks->struct_size : sizeof g;
    memcpy((char *)&g + sizeof(size_t), (const char *)greeks + sizeof(size_t), have - sizeof(size_t));
    const double point = 0.01, bp = 1e-4, day = 1.0 / days_per_year;
    g.vega *= point;
    g.vanna *= point;
    g.zomma *= point;
    g.volga *= point * point;
    g.theta *= day;
    g.charm *= day;
    g.color *= day;
    g.veta *= point * day;
    g.rho *= bp;
    g.carry_rho *= bp;
    hedge__output_copy(greeks, &g, sizeof g);
    return HEDGE_OK;
}
