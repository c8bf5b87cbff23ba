/* Batch kernel for AVX2 + FMA, selected at run time by batch.c; the rest of the library stays
 * baseline x86-64, so a distro package runs everywhere and is still fast where AVX2 exists. */
#include "pricing/batch.h"
#ifdef HEDGE__BATCH_X86
#pragma GCC target("avx2,fma")
#define BATCH_KERNEL hedge__batch_kernel_avx2
#include "pricing/batch_kernel.h"
#else
typedef int hedge__batch_avx2_unused; /* ISO C wants a declaration in every translation unit */
#endif
