/* The aggregation kernel for AVX2 (also taken on AVX-512 machines, see hedge__agg_pick): four
 * positions at a time, each half (four columns) of a group of eight transposed 4 x 4 in registers,
 * so a position's figures are added to its bucket's row with one or two 256-bit load-add-stores
 * instead of up to eight scalar ones. */
#include "risk/aggregate_kernels.h"
#ifdef HEDGE__AGG_X86
#if defined(__clang__) /* clang ignores GCC's pragma; the intrinsics need the target on every function */
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif
#include <immintrin.h>

/* Positions ahead that each column is prefetched (2 KiB): the hardware prefetcher alone left the
 * kernel 10-20% slower with eight streams in flight; 1 KiB to 2 KiB did best, 8 KiB and more worse. */
enum { PREFETCH = 256 };

#define NO_RUN UINT32_MAX

/* Transposes the 4 x 4 block x0..x3 (x_c holds four positions of column c) into r: r[k] holds
 * position k's four figures. */
static inline __attribute__((always_inline)) void transpose4(__m256d x0, __m256d x1, __m256d x2, __m256d x3,
                                                             __m256d r[4]) {
    __m256d t0 = _mm256_unpacklo_pd(x0, x1), t1 = _mm256_unpackhi_pd(x0, x1);
    __m256d t2 = _mm256_unpacklo_pd(x2, x3), t3 = _mm256_unpackhi_pd(x2, x3);
    r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

static inline __attribute__((always_inline)) void add_to(double *p, __m256d x) {
    _mm256_store_pd(p, _mm256_add_pd(_mm256_load_pd(p), x));
}

/* The run's column registers into its row (each summed across its four lanes), then zeroed. */
static inline __attribute__((always_inline)) void flush(double *p, __m256d racc[8], size_t m) {
    for (size_t k = 0; k < m; k++) {
        __m128d h = _mm_add_pd(_mm256_castpd256_pd128(racc[k]), _mm256_extractf128_pd(racc[k], 1));
        p[k] += _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
        racc[k] = _mm256_setzero_pd();
    }
}

/* One body per column count m (a constant after inlining): absent columns are zero registers, and
 * with m <= 4 the upper half of each row is never touched. */
static inline __attribute__((always_inline)) void body(double *acc, size_t stride, const uint32_t *row,
                                                       const double *const *cols, size_t m, size_t len) {
    double *a0 = acc, *a1 = acc + stride, *a2 = acc + 2 * stride, *a3 = acc + 3 * stride;
    /* locals, so the compiler does not reload the pointers after every store into the accumulator */
    const double *c[8];
    for (size_t k = 0; k < 8; k++)
        c[k] = k < m ? cols[k] : cols[0];
    const __m256d z = _mm256_setzero_pd();
    /* Columns from malloc are typically 16 bytes past a cache line: unpeeled, every other 32-byte
     * load would straddle two lines. The first positions, up to column 0's next line, go one by one
     * (the other columns gain too when they share its alignment, as separate mallocs of one size do). */
    size_t i = 0, head = ((uintptr_t)0 - (uintptr_t)c[0]) % 64 / sizeof(double);
    for (; i < head && i < len; i++)
        for (size_t k = 0; k < m; k++)
            a0[row[i] + k] += c[k][i];
    /* Four positions of one bucket, as in a book sorted by bucket, need no transpose: each column's
     * four figures are added to that column's register for the current run, and reach the row
     * (summed across the register) once when the run ends, instead of every add waiting on the
     * previous add's store. Transposing them anyway cost 16 shuffles per four positions and left a
     * sorted book 10-20% slower than a random one. */
    uint32_t run = NO_RUN;
    __m256d racc[8];
    for (size_t k = 0; k < 8; k++)
        racc[k] = z;
    for (; i + 4 <= len; i += 4) {
        /* one prefetch per column per cache line (eight positions) */
        if ((i - head) % 8 == 0)
            for (size_t k = 0; k < m; k++)
                _mm_prefetch((const char *)((uintptr_t)(c[k] + i) + PREFETCH * sizeof(double)), _MM_HINT_T0);
        const uint32_t *rw = row + i;
        if (rw[0] == rw[1] && rw[0] == rw[2] && rw[0] == rw[3]) {
            if (rw[0] != run) {
                if (run != NO_RUN)
                    flush(a0 + run, racc, m);
                run = rw[0];
            }
            for (size_t k = 0; k < m; k++)
                racc[k] = _mm256_add_pd(racc[k], _mm256_loadu_pd(c[k] + i));
            continue;
        }
        __m256d lo[4], hi[4];
        transpose4(_mm256_loadu_pd(c[0] + i), m > 1 ? _mm256_loadu_pd(c[1] + i) : z,
                   m > 2 ? _mm256_loadu_pd(c[2] + i) : z, m > 3 ? _mm256_loadu_pd(c[3] + i) : z, lo);
        if (m > 4)
            transpose4(_mm256_loadu_pd(c[4] + i), m > 5 ? _mm256_loadu_pd(c[5] + i) : z,
                       m > 6 ? _mm256_loadu_pd(c[6] + i) : z, m > 7 ? _mm256_loadu_pd(c[7] + i) : z, hi);
        double *p0 = a0 + rw[0], *p1 = a1 + rw[1], *p2 = a2 + rw[2], *p3 = a3 + rw[3];
        add_to(p0, lo[0]), add_to(p1, lo[1]), add_to(p2, lo[2]), add_to(p3, lo[3]);
        if (m > 4)
            add_to(p0 + 4, hi[0]), add_to(p1 + 4, hi[1]), add_to(p2 + 4, hi[2]), add_to(p3 + 4, hi[3]);
    }
    if (run != NO_RUN)
        flush(a0 + run, racc, m);
    for (; i < len; i++)
        for (size_t k = 0; k < m; k++)
            a0[row[i] + k] += c[k][i];
}

void hedge__agg_avx2(double *acc, size_t stride, const uint32_t *row, const double *const *cols, size_t m,
                     size_t len) {
    switch (m) {
    case 1: body(acc, stride, row, cols, 1, len); break;
    case 2: body(acc, stride, row, cols, 2, len); break;
    case 3: body(acc, stride, row, cols, 3, len); break;
    case 4: body(acc, stride, row, cols, 4, len); break;
    case 5: body(acc, stride, row, cols, 5, len); break;
    case 6: body(acc, stride, row, cols, 6, len); break;
    case 7: body(acc, stride, row, cols, 7, len); break;
    default: body(acc, stride, row, cols, 8, len); break;
    }
}

#if defined(__clang__)
#pragma clang attribute pop
#endif
#else
typedef int hedge__agg_avx2_unused; /* ISO C wants a declaration in every translation unit */
#endif
