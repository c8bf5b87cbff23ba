/* Batch (structure-of-arrays) pricing: validation, dispatch and the scalar fix-up pass. */
#include "pricing/black.h"

#include "core/internal.h"

#include <math.h>
#include <stdint.h>

static hedge_status batch(const char *fn, size_t n, const int32_t *type, const double *S, const double *K,
                          const double *T, const double *r, const double *q, const double *sigma,
                          const hedge_greeks_arrays *out, bool black76) {
    if (!out)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    if (out->struct_size < offsetof(hedge_greeks_arrays, status) + sizeof(hedge_status *))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: out->struct_size %zu is too small (set it with "
                           "HEDGE_GREEKS_ARRAYS_INIT)", fn, out->struct_size);
    if (n == 0)
        return HEDGE_OK;
    if (!type || !S || !K || !T || !r || (!black76 && !q) || !sigma)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: an input array is NULL", fn);
    hedge_status first = HEDGE_OK;
    size_t first_index = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        double qi = black76 ? r[i] : q[i];
        hedge_status st = hedge__check_option(fn, i, type[i], S[i], K[i], T[i], r[i], qi, sigma[i]);
        hedge_greeks g;
        if (st == HEDGE_OK) {
            hedge__bsm_kernel(&g, type[i], S[i], K[i], T[i], r[i], r[i] - qi, sigma[i], black76);
        } else {
            g.price = g.delta = g.gamma = g.vega = g.theta = g.rho = NAN;
            if (bad++ == 0) {
                first = st;
                first_index = i;
            }
        }
        if (out->price) out->price[i] = g.price;
        if (out->delta) out->delta[i] = g.delta;
        if (out->gamma) out->gamma[i] = g.gamma;
        if (out->vega) out->vega[i] = g.vega;
        if (out->theta) out->theta[i] = g.theta;
        if (out->rho) out->rho[i] = g.rho;
        if (out->status) out->status[i] = st;
    }
    if (bad) {
        /* the detail names the first bad element; re-validate it so the message is about it */
        double qi = black76 ? r[first_index] : q[first_index];
        hedge__check_option(fn, first_index, type[first_index], S[first_index], K[first_index], T[first_index],
                            r[first_index], qi, sigma[first_index]);
        (void)first;
    }
    return first;
}

HEDGE_API hedge_status hedge_bsm_greeks_batch(size_t n, const int32_t *type, const double *S, const double *K,
                                              const double *T, const double *r, const double *q,
                                              const double *sigma, const hedge_greeks_arrays *out) {
    return batch("hedge_bsm_greeks_batch", n, type, S, K, T, r, q, sigma, out, false);
}

HEDGE_API hedge_status hedge_black76_greeks_batch(size_t n, const int32_t *type, const double *F,
                                                  const double *K, const double *T, const double *r,
                                                  const double *sigma, const hedge_greeks_arrays *out) {
    return batch("hedge_black76_greeks_batch", n, type, F, K, T, r, NULL, sigma, out, true);
}
