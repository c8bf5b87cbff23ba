/* Run-time choice of the SIMD code path. */
#ifndef HEDGE_CORE_CPU_H
#define HEDGE_CORE_CPU_H

typedef enum hedge__simd {
    HEDGE__SIMD_PORTABLE = 0,
    HEDGE__SIMD_AVX2 = 1,   /* AVX2 + FMA */
    HEDGE__SIMD_AVX512 = 2  /* AVX-512 F + DQ + VL */
} hedge__simd;

/*
 * The widest code path that is both compiled in and supported by this CPU and OS. The environment
 * variable HEDGE_SIMD (portable, avx2, avx512) can only lower it: tests and benchmarks use it to
 * exercise every path on one machine. Read once; the answer is cached (a benign race: every thread
 * computes the same value).
 */
hedge__simd hedge__simd_level(void);

#endif
