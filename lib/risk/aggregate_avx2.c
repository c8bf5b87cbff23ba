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

/* Lanes [0, w) of x added to p[0..w) (any alignment), nothing beyond: rows in the caller's sums are
 * packed, so a full vector would spill into the next row or past the array. */
static inline __attribute__((always_inline)) void add_lanes(double *p, __m256d x, size_t w) {
    if (w >= 4) {
        _mm256_storeu_pd(p, _mm256_add_pd(_mm256_loadu_pd(p), x));
        return;
    }
    __m128d l = _mm256_castpd256_pd128(x);
    if (w >= 2)
        _mm_storeu_pd(p, _mm_add_pd(_mm_loadu_pd(p), l));
    if (w == 3)
        p[2] += _mm_cvtsd_f64(_mm256_extractf128_pd(x, 1));
    else if (w == 1)
        p[0] += _mm_cvtsd_f64(l);
}

/* The run's column registers into its row (each summed across its four lanes), then zeroed. */
static inline __attribute__((always_inline)) void flush(double *p, __m256d racc[8], size_t m) {
    for (size_t k = 0; k < m; k++) {
        __m128d h = _mm_add_pd(_mm256_castpd256_pd128(racc[k]), _mm256_extractf128_pd(racc[k], 1));
        p[k] += _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
        racc[k] = _mm256_setzero_pd();
    }
}

/* One body per column count m and row kind (constants after inlining): absent columns are zero
 * registers; padded rows take whole vectors (with m <= 4 the upper half of each row is never
 * touched), packed rows exactly m lanes (whole vectors there cost 8% on the padded path). */
static inline __attribute__((always_inline)) void body(double *acc, size_t stride, const uint32_t *bucket,
                                                       uint32_t scale, const double *const *cols, size_t m, size_t len,
                                                       bool packed) {
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
            a0[(size_t)bucket[i] * scale + k] += c[k][i];
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
        /* one prefetch per column per cache line (eight positions), one for the ids per line */
        if ((i - head) % 8 == 0) {
            for (size_t k = 0; k < m; k++)
                _mm_prefetch((const char *)((uintptr_t)(c[k] + i) + PREFETCH * sizeof(double)), _MM_HINT_T0);
            if ((i - head) % 16 == 0)
                _mm_prefetch((const char *)((uintptr_t)(bucket + i) + PREFETCH * sizeof(uint32_t)), _MM_HINT_T0);
        }
        const uint32_t *b = bucket + i;
        if (b[0] == b[1] && b[0] == b[2] && b[0] == b[3]) {
            if (b[0] != run) {
                if (run != NO_RUN)
                    flush(a0 + (size_t)run * scale, racc, m);
                run = b[0];
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
        double *p0 = a0 + (size_t)b[0] * scale, *p1 = a1 + (size_t)b[1] * scale, *p2 = a2 + (size_t)b[2] * scale,
               *p3 = a3 + (size_t)b[3] * scale;
        if (packed) {
            size_t w = m < 4 ? m : 4;
            add_lanes(p0, lo[0], w), add_lanes(p1, lo[1], w), add_lanes(p2, lo[2], w), add_lanes(p3, lo[3], w);
            if (m > 4)
                add_lanes(p0 + 4, hi[0], m - 4), add_lanes(p1 + 4, hi[1], m - 4), add_lanes(p2 + 4, hi[2], m - 4),
                    add_lanes(p3 + 4, hi[3], m - 4);
        } else {
            add_to(p0, lo[0]), add_to(p1, lo[1]), add_to(p2, lo[2]), add_to(p3, lo[3]);
            if (m > 4)
                add_to(p0 + 4, hi[0]), add_to(p1 + 4, hi[1]), add_to(p2 + 4, hi[2]), add_to(p3 + 4, hi[3]);
        }
    }
    if (run != NO_RUN)
        flush(a0 + (size_t)run * scale, racc, m);
    for (; i < len; i++)
        for (size_t k = 0; k < m; k++)
            a0[(size_t)bucket[i] * scale + k] += c[k][i];
}

static void add_avx2(double *acc, size_t stride, const uint32_t *bucket, uint32_t scale, const double *const *cols,
                     size_t m, size_t len, bool packed) {
#define BODY(M)                                                                                                        \
    (packed ? body(acc, stride, bucket, scale, cols, M, len, true)                                                     \
            : body(acc, stride, bucket, scale, cols, M, len, false))
    switch (m) {
    case 1: BODY(1); break;
    case 2: BODY(2); break;
    case 3: BODY(3); break;
    case 4: BODY(4); break;
    case 5: BODY(5); break;
    case 6: BODY(6); break;
    case 7: BODY(7); break;
    default: BODY(8); break;
    }
#undef BODY
}

/* The ids are checked before any add (a block at a time), so this pass is on the critical path: as a
 * loop of the driver, compiled for baseline x86-64 (SSE2 has no unsigned 32-bit max), it took 3-4 ms
 * of a 23 ms aggregation of 10 million positions. */
static uint32_t top_avx2(const uint32_t *bucket, size_t n) {
    __m256i t0 = _mm256_setzero_si256(), t1 = t0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        t0 = _mm256_max_epu32(t0, _mm256_loadu_si256((const __m256i *)(bucket + i)));
        t1 = _mm256_max_epu32(t1, _mm256_loadu_si256((const __m256i *)(bucket + i + 8)));
    }
    t0 = _mm256_max_epu32(t0, t1);
    __m128i h = _mm_max_epu32(_mm256_castsi256_si128(t0), _mm256_extracti128_si256(t0, 1));
    h = _mm_max_epu32(h, _mm_shuffle_epi32(h, 0x4e));
    h = _mm_max_epu32(h, _mm_shuffle_epi32(h, 0xb1));
    uint32_t top = (uint32_t)_mm_cvtsi128_si32(h);
    for (; i < n; i++)
        top = bucket[i] > top ? bucket[i] : top;
    return top;
}

const hedge__agg_kernel hedge__agg_avx2 = {add_avx2, top_avx2};

#if defined(__clang__)
#pragma clang attribute pop
#endif
#else
typedef int hedge__agg_avx2_unused; /* ISO C wants a declaration in every translation unit */
#endif
