/* Linear-algebra kernels for AVX-512 (F, DQ, VL), picked at run time by linalg.c: the AVX2 kernels'
 * shapes with registers twice as wide, which doubles the FMA rate on cores with 512-bit units. */
#include "optimize/linalg.h"
#ifdef HEDGE__LA_X86
#if defined(__clang__) /* clang ignores GCC's pragma; the intrinsics need the target on every function */
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512dq,avx512vl,avx2,fma")
#endif
#include <immintrin.h>
#include <string.h>

/* An 8 x 16 tile of X'X in sixteen registers (of 32): per row of X two loads, eight broadcasts,
 * sixteen FMAs, enough independent chains to cover the FMA latency on two units. */
enum { TR = 8, TW = 16 };
static void gram_avx512(double *C, size_t ldc, const double *X, size_t rows, size_t cols, size_t ldx) {
    for (size_t i = 0; i < cols; i++)
        memset(C + i * ldc, 0, (i + 1) * sizeof *C);
    size_t kc = hedge__la_gram_chunk(cols);
    for (size_t r0 = 0; r0 < rows; r0 += kc) {
        size_t r1 = rows - r0 < kc ? rows : r0 + kc;
        for (size_t i0 = 0; i0 < cols; i0 += TR) {
            if (cols - i0 < TR) {
                hedge__la_gram_edge(C, ldc, X, ldx, r0, r1, i0, cols - i0, 0, cols);
                continue;
            }
            for (size_t j0 = 0; j0 < i0 + TR; j0 += TW) {
                if (cols - j0 < TW) {
                    hedge__la_gram_edge(C, ldc, X, ldx, r0, r1, i0, TR, j0, cols - j0);
                    continue;
                }
                __m512d acc[TR][2];
#pragma GCC unroll 8
                for (int a = 0; a < TR; a++)
                    acc[a][0] = acc[a][1] = _mm512_setzero_pd();
                const double *p = X + r0 * ldx;
                for (size_t r = r0; r < r1; r++, p += ldx) {
                    __m512d b0 = _mm512_loadu_pd(p + j0), b1 = _mm512_loadu_pd(p + j0 + 8);
#pragma GCC unroll 8
                    for (int a = 0; a < TR; a++) {
                        __m512d va = _mm512_set1_pd(p[i0 + (size_t)a]);
                        acc[a][0] = _mm512_fmadd_pd(va, b0, acc[a][0]);
                        acc[a][1] = _mm512_fmadd_pd(va, b1, acc[a][1]);
                    }
                }
                for (size_t a = 0; a < TR; a++) {
                    double *crow = C + (i0 + a) * ldc + j0;
                    if (j0 + TW - 1 <= i0 + a) {
                        _mm512_storeu_pd(crow, _mm512_add_pd(_mm512_loadu_pd(crow), acc[a][0]));
                        _mm512_storeu_pd(crow + 8, _mm512_add_pd(_mm512_loadu_pd(crow + 8), acc[a][1]));
                    } else { /* the tile crosses the diagonal: keep the lower part only */
                        double tmp[TW];
                        _mm512_storeu_pd(tmp, acc[a][0]);
                        _mm512_storeu_pd(tmp + 8, acc[a][1]);
                        for (size_t b = 0; b < TW && j0 + b <= i0 + a; b++)
                            crow[b] += tmp[b];
                    }
                }
            }
        }
    }
}

static double dot_avx512(const double *a, const double *b, size_t n) {
    __m512d s0 = _mm512_setzero_pd(), s1 = s0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + i), _mm512_loadu_pd(b + i), s0);
        s1 = _mm512_fmadd_pd(_mm512_loadu_pd(a + i + 8), _mm512_loadu_pd(b + i + 8), s1);
    }
    if (i + 8 <= n) {
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + i), _mm512_loadu_pd(b + i), s0);
        i += 8;
    }
    if (i < n) { /* the tail under a mask: no scalar loop */
        __mmask8 k = (__mmask8)((1u << (n - i)) - 1);
        s1 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(k, a + i), _mm512_maskz_loadu_pd(k, b + i), s1);
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(s0, s1));
}

static void axpy_avx512(double *y, double a, const double *x, size_t n) {
    __m512d va = _mm512_set1_pd(a);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm512_storeu_pd(y + i, _mm512_fmadd_pd(va, _mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i)));
    if (i < n) {
        __mmask8 k = (__mmask8)((1u << (n - i)) - 1);
        _mm512_mask_storeu_pd(y + i, k,
                              _mm512_fmadd_pd(va, _mm512_maskz_loadu_pd(k, x + i), _mm512_maskz_loadu_pd(k, y + i)));
    }
}

const hedge__la_kernels hedge__la_avx512 = {gram_avx512, dot_avx512, axpy_avx512};
#if defined(__clang__)
#pragma clang attribute pop
#endif
#else
typedef int hedge__la_avx512_unused; /* ISO C wants a declaration in every translation unit */
#endif
