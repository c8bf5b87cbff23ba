/* Batch implied-volatility kernel for AVX2 + FMA, selected at run time by implied_vol.c. */
#include "pricing/iv_batch.h"
#ifdef HEDGE__BATCH_X86
#pragma GCC target("avx2,fma")
#define IV_KERNEL hedge__iv_kernel_avx2
#include "pricing/iv_kernel.h"
#else
typedef int hedge__iv_avx2_unused; /* ISO C wants a declaration in every translation unit */
#endif
