/* Batch kernel for baseline x86-64 (SSE2) and every other architecture. */
#define BATCH_KERNEL hedge__batch_kernel_portable
#include "pricing/batch_kernel.h"
