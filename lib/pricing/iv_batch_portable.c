/* Batch implied-volatility kernel for baseline x86-64 (SSE2) and every other architecture. */
#define IV_KERNEL hedge__iv_kernel_portable
#include "pricing/iv_kernel.h"
