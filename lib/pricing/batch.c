/* Batch (structure-of-arrays) pricing: validation, dispatch and the scalar fix-up pass. */
#include "pricing/batch.h"
#include "pricing/black.h"

#include "core/cpu.h"
#include "core/internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static hedge__batch_kernel_fn pick_kernel(void) {
#ifdef HEDGE__BATCH_X86
    switch (hedge__simd_level()) {
    case HEDGE__SIMD_AVX512:
        return hedge__batch_kernel_avx512;
    case HEDGE__SIMD_AVX2:
        return hedge__batch_kernel_avx2;
    default:
        break;
    }
#endif
    return hedge__batch_kernel_portable;
}

static void store(double *dst, const double *src, size_t n) {
    if (dst)
        memcpy(dst, src, n * sizeof *src);
}

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
    hedge__batch_kernel_fn kernel = pick_kernel();
    hedge__batch_args args = {type, S, K, T, r, q, sigma, black76};
    hedge__batch_chunk buf;
    hedge_status first = HEDGE_OK;
    size_t first_index = 0;
    for (size_t begin = 0; begin < n; begin += HEDGE__BATCH_CHUNK) {
        size_t count = n - begin < HEDGE__BATCH_CHUNK ? n - begin : HEDGE__BATCH_CHUNK;
        kernel(&args, begin, count, &buf);
        for (size_t i = 0; i < count; i++) {
            hedge_status st = HEDGE_OK;
            if (isnan(buf.price[i])) { /* the SIMD kernel declined: validate and redo in scalar */
                size_t j = begin + i;
                double qj = black76 ? r[j] : q[j];
                st = hedge__check_option(fn, j, type[j], S[j], K[j], T[j], r[j], qj, sigma[j]);
                hedge_greeks g;
                if (st == HEDGE_OK) {
                    hedge__bsm_kernel(&g, type[j], S[j], K[j], T[j], r[j], r[j] - qj, sigma[j], black76);
                } else {
                    g.price = g.delta = g.gamma = g.vega = g.theta = g.rho = NAN;
                    if (first == HEDGE_OK) {
                        first = st;
                        first_index = j;
                    }
                }
                buf.price[i] = g.price;
                buf.delta[i] = g.delta;
                buf.gamma[i] = g.gamma;
                buf.vega[i] = g.vega;
                buf.theta[i] = g.theta;
                buf.rho[i] = g.rho;
            }
            if (out->status)
                out->status[begin + i] = st;
        }
        store(out->price ? out->price + begin : NULL, buf.price, count);
        store(out->delta ? out->delta + begin : NULL, buf.delta, count);
        store(out->gamma ? out->gamma + begin : NULL, buf.gamma, count);
        store(out->vega ? out->vega + begin : NULL, buf.vega, count);
        store(out->theta ? out->theta + begin : NULL, buf.theta, count);
        store(out->rho ? out->rho + begin : NULL, buf.rho, count);
    }
    if (first != HEDGE_OK) {
        /* later elements overwrote the thread's error detail: restate the first failure */
        size_t j = first_index;
        hedge__check_option(fn, j, type[j], S[j], K[j], T[j], r[j], black76 ? r[j] : q[j], sigma[j]);
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
