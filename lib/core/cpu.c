/* CPU feature detection for the batch kernels. */
#include "cpu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HEDGE_X86 1
#endif

static hedge__simd detect(void) {
#ifdef HEDGE_X86
    __builtin_cpu_init();
    /* __builtin_cpu_supports checks the OS has enabled the register state (XCR0) as well. */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl"))
        return HEDGE__SIMD_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return HEDGE__SIMD_AVX2;
#endif
    return HEDGE__SIMD_PORTABLE;
}

hedge__simd hedge__simd_level(void) {
    /* -1 = not yet known. Relaxed atomics: the value is idempotent, only tearing must be excluded. */
    static atomic_int cached = -1;
    int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v >= 0)
        return (hedge__simd)v;
    hedge__simd level = detect();
    const char *env = getenv("HEDGE_SIMD");
    if (env) {
        hedge__simd cap = level;
        if (strcmp(env, "portable") == 0)
            cap = HEDGE__SIMD_PORTABLE;
        else if (strcmp(env, "avx2") == 0)
            cap = HEDGE__SIMD_AVX2;
        else if (strcmp(env, "avx512") == 0)
            cap = HEDGE__SIMD_AVX512; /* the top level: accepted so scripts can name every level */
        if (cap < level)
            level = cap;
    }
    atomic_store_explicit(&cached, (int)level, memory_order_relaxed);
    return level;
}
