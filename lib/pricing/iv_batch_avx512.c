/* Batch implied-volatility kernel for AVX-512 (F, DQ, VL), selected at run time by implied_vol.c;
 * 512-bit vectors requested explicitly, as in batch_avx512.c. */
#include "pricing/iv_batch.h"
#ifdef HEDGE__BATCH_X86
#pragma GCC target("avx512f,avx512dq,avx512vl,fma,prefer-vector-width=512")
#define IV_KERNEL hedge__iv_kernel_avx512
#include "pricing/iv_kernel.h"
#else
typedef int hedge__iv_avx512_unused;
#endif
