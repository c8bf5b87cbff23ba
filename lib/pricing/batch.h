/* Shared types of the batch pricing kernels (see batch_kernel.h). */
#ifndef HEDGE_PRICING_BATCH_H
#define HEDGE_PRICING_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Elements per chunk: the kernel writes into stack buffers of this size, which stay in L1. */
#define HEDGE__BATCH_CHUNK 256

typedef struct hedge__batch_args {
    const int32_t *type;
    const double *S, *K, *T, *r, *q, *sigma; /* q unused (taken as r) for Black-76 */
    bool black76;
    /* The price, theta or rho is asked for. When none is, the kernel keeps the lanes whose price
     * alone would lose bits to cancellation: delta, gamma and vega do not use the price. */
    bool price_used;
} hedge__batch_args;

typedef struct hedge__batch_chunk {
    double price[HEDGE__BATCH_CHUNK], delta[HEDGE__BATCH_CHUNK], gamma[HEDGE__BATCH_CHUNK];
    double vega[HEDGE__BATCH_CHUNK], theta[HEDGE__BATCH_CHUNK], rho[HEDGE__BATCH_CHUNK];
} hedge__batch_chunk;

typedef void (*hedge__batch_kernel_fn)(const hedge__batch_args *in, size_t begin, size_t count,
                                       hedge__batch_chunk *out);

/* Elements [begin, begin + count) with count <= HEDGE__BATCH_CHUNK; price is NaN where the scalar
 * kernel must redo the element (the price itself is not meaningful without in->price_used). */
void hedge__batch_kernel_portable(const hedge__batch_args *in, size_t begin, size_t count, hedge__batch_chunk *out);
#if defined(__x86_64__) && defined(__GNUC__)
#define HEDGE__BATCH_X86 1
void hedge__batch_kernel_avx2(const hedge__batch_args *in, size_t begin, size_t count, hedge__batch_chunk *out);
void hedge__batch_kernel_avx512(const hedge__batch_args *in, size_t begin, size_t count, hedge__batch_chunk *out);
#endif

#endif
