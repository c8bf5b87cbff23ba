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

/* One element in scalar: validated, priced by the kernel, and refused with HEDGE_ERR_TOO_LARGE when one of
 * the batch's six outputs is beyond DBL_MAX (the other Greeks are not the batch's business). Sets the
 * thread's error detail on failure and fills g with NaN. */
static hedge_status scalar_element(const char *fn, size_t j, const hedge__batch_args *a, hedge_greeks *g) {
    double qj = a->black76 ? a->r[j] : a->q[j];
    hedge_status st = hedge__check_option(fn, j, a->type[j], a->S[j], a->K[j], a->T[j], a->r[j], qj, a->sigma[j]);
    if (st == HEDGE_OK) {
        bool finite = hedge__bsm_kernel(g, a->type[j], a->S[j], a->K[j], a->T[j], a->r[j], qj, a->r[j] - qj,
                                        a->sigma[j], a->black76);
        const double six[] = {g->price, g->delta, g->gamma, g->vega, g->theta, g->rho};
        static const char *const names[] = {"price", "delta", "gamma", "vega", "theta", "rho"};
        for (int k = 0; k < 6 && st == HEDGE_OK && !finite; k++)
            if (!isfinite(six[k]))
                st = hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s (element %zu): %s is beyond the range of double", fn,
                                 j, names[k]);
    }
    if (st != HEDGE_OK)
        g->price = g->delta = g->gamma = g->vega = g->theta = g->rho = NAN;
    return st;
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
    hedge__batch_args args = {type, S, K, T, r, q, sigma, black76, out->price || out->theta || out->rho};
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
                hedge_greeks g;
                st = scalar_element(fn, j, &args, &g);
                if (st != HEDGE_OK && first == HEDGE_OK) {
                    first = st;
                    first_index = j;
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
        hedge_greeks g;
        scalar_element(fn, first_index, &args, &g);
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
