/* Linear-algebra kernels for AVX2 + FMA, picked at run time by linalg.c; the rest of the library
 * stays baseline x86-64. */
#include "optimize/linalg.h"
#ifdef HEDGE__LA_X86
#if defined(__clang__) /* clang ignores GCC's pragma; the intrinsics need the target on every function */
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif
#include <immintrin.h>
#include <string.h>

/* A 4 x 8 tile of X'X lives in eight registers while the rows of X stream past: per row two loads
 * of the tile's columns, four broadcasts of its rows and eight FMAs, so the FMA units set the pace
 * rather than the loads. */
static void gram_avx2(double *C, size_t ldc, const double *X, size_t rows, size_t cols, size_t ldx) {
    for (size_t i = 0; i < cols; i++)
        memset(C + i * ldc, 0, (i + 1) * sizeof *C);
    size_t kc = hedge__la_gram_chunk(cols);
    for (size_t r0 = 0; r0 < rows; r0 += kc) {
        size_t r1 = rows - r0 < kc ? rows : r0 + kc;
        for (size_t i0 = 0; i0 < cols; i0 += 4) {
            if (cols - i0 < 4) {
                hedge__la_gram_edge(C, ldc, X, ldx, r0, r1, i0, cols - i0, 0, cols);
                continue;
            }
            for (size_t j0 = 0; j0 < i0 + 4; j0 += 8) {
                if (cols - j0 < 8) {
                    hedge__la_gram_edge(C, ldc, X, ldx, r0, r1, i0, 4, j0, cols - j0);
                    continue;
                }
                __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                        c30 = c00, c31 = c00;
                const double *p = X + r0 * ldx;
                for (size_t r = r0; r < r1; r++, p += ldx) {
                    __m256d b0 = _mm256_loadu_pd(p + j0), b1 = _mm256_loadu_pd(p + j0 + 4);
                    __m256d a = _mm256_broadcast_sd(p + i0);
                    c00 = _mm256_fmadd_pd(a, b0, c00);
                    c01 = _mm256_fmadd_pd(a, b1, c01);
                    a = _mm256_broadcast_sd(p + i0 + 1);
                    c10 = _mm256_fmadd_pd(a, b0, c10);
                    c11 = _mm256_fmadd_pd(a, b1, c11);
                    a = _mm256_broadcast_sd(p + i0 + 2);
                    c20 = _mm256_fmadd_pd(a, b0, c20);
                    c21 = _mm256_fmadd_pd(a, b1, c21);
                    a = _mm256_broadcast_sd(p + i0 + 3);
                    c30 = _mm256_fmadd_pd(a, b0, c30);
                    c31 = _mm256_fmadd_pd(a, b1, c31);
                }
                __m256d acc[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
                for (size_t a = 0; a < 4; a++) {
                    double *crow = C + (i0 + a) * ldc + j0;
                    if (j0 + 7 <= i0 + a) {
                        _mm256_storeu_pd(crow, _mm256_add_pd(_mm256_loadu_pd(crow), acc[a][0]));
                        _mm256_storeu_pd(crow + 4, _mm256_add_pd(_mm256_loadu_pd(crow + 4), acc[a][1]));
                    } else { /* the tile crosses the diagonal: keep the lower part only */
                        double tmp[8];
                        _mm256_storeu_pd(tmp, acc[a][0]);
                        _mm256_storeu_pd(tmp + 4, acc[a][1]);
                        for (size_t b = 0; b < 8 && j0 + b <= i0 + a; b++)
                            crow[b] += tmp[b];
                    }
                }
            }
        }
    }
}

static double dot_avx2(const double *a, const double *b, size_t n) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i), s0);
        s1 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 4), _mm256_loadu_pd(b + i + 4), s1);
        s2 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 8), _mm256_loadu_pd(b + i + 8), s2);
        s3 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 12), _mm256_loadu_pd(b + i + 12), s3);
    }
    for (; i + 4 <= n; i += 4)
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i), s0);
    __m256d s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    double r = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    for (; i < n; i++)
        r += a[i] * b[i];
    return r;
}

static void axpy_avx2(double *y, double a, const double *x, size_t n) {
    __m256d va = _mm256_set1_pd(a);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_pd(y + i, _mm256_fmadd_pd(va, _mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i)));
        _mm256_storeu_pd(y + i + 4, _mm256_fmadd_pd(va, _mm256_loadu_pd(x + i + 4), _mm256_loadu_pd(y + i + 4)));
    }
    for (; i < n; i++)
        y[i] += a * x[i];
}

const hedge__la_kernels hedge__la_avx2 = {gram_avx2, dot_avx2, axpy_avx2};
#if defined(__clang__)
#pragma clang attribute pop
#endif
#else
typedef int hedge__la_avx2_unused; /* ISO C wants a declaration in every translation unit */
#endif
