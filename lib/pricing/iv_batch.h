/* Shared types of the batch implied-volatility kernels (see iv_kernel.h). */
#ifndef HEDGE_PRICING_IV_BATCH_H
#define HEDGE_PRICING_IV_BATCH_H

#include "pricing/batch.h" /* HEDGE__BATCH_X86 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Elements per kernel call: the output buffer lives on the dispatcher's stack and stays in L1. */
#define HEDGE__IV_CHUNK 256

typedef struct hedge__iv_args {
    const int32_t *type;
    const double *price, *S, *K, *T, *r, *q; /* S is the forward and q unused (taken as r) for Black-76 */
    bool black76;
} hedge__iv_args;

typedef void (*hedge__iv_kernel_fn)(const hedge__iv_args *in, size_t begin, size_t count, double *sigma);

/* Elements [begin, begin + count), count <= HEDGE__IV_CHUNK, into sigma[0 .. count); NaN where the
 * scalar solver must redo the element (invalid input, a bound, or anything not solved to full accuracy). */
void hedge__iv_kernel_portable(const hedge__iv_args *in, size_t begin, size_t count, double *sigma);
#ifdef HEDGE__BATCH_X86
void hedge__iv_kernel_avx2(const hedge__iv_args *in, size_t begin, size_t count, double *sigma);
void hedge__iv_kernel_avx512(const hedge__iv_args *in, size_t begin, size_t count, double *sigma);
#endif

#endif
