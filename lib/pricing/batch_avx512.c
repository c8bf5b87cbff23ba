/* Batch kernel for AVX-512 (F, DQ, VL), selected at run time by batch.c. 512-bit vectors are
 * requested explicitly: GCC prefers 256-bit ones by default, which halves the width here. */
#include "pricing/batch.h"
#ifdef HEDGE__BATCH_X86
#pragma GCC target("avx512f,avx512dq,avx512vl,fma,prefer-vector-width=512")
#define BATCH_KERNEL hedge__batch_kernel_avx512
#include "pricing/batch_kernel.h"
#else
typedef int hedge__batch_avx512_unused;
#endif
