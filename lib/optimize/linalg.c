/* Dense linear algebra for the optimizer: portable kernels, the dispatch, and the factorisation and
 * triangular solves written on top of the kernels. */
#include "optimize/linalg.h"

#include "core/cpu.h"

#include <math.h>
#include <string.h>

/* One tile of the Gram matrix: rows [i0, i0+ni) and columns [j0, j0+nj) of X'X over X's rows
 * [r0, r1), added into C below the diagonal. Shared by both kernel sets for the ragged edges. */
static void gram_tile(double *C, size_t ldc, const double *X, size_t ldx, size_t r0, size_t r1, size_t i0,
                      size_t ni, size_t j0, size_t nj) {
    double acc[4][4] = {{0}};
    if (ni == 4 && nj == 4) { /* constant bounds: the compiler keeps the tile in vector registers */
        for (size_t r = r0; r < r1; r++) {
            const double *x = X + r * ldx;
            for (size_t a = 0; a < 4; a++)
                for (size_t b = 0; b < 4; b++)
                    acc[a][b] += x[i0 + a] * x[j0 + b];
        }
    } else {
        for (size_t r = r0; r < r1; r++) {
            const double *x = X + r * ldx;
            for (size_t a = 0; a < ni; a++)
                for (size_t b = 0; b < nj; b++)
                    acc[a][b] += x[i0 + a] * x[j0 + b];
        }
    }
    for (size_t a = 0; a < ni; a++)
        for (size_t b = 0; b < nj && j0 + b <= i0 + a; b++)
            C[(i0 + a) * ldc + j0 + b] += acc[a][b];
}

void hedge__la_gram_edge(double *C, size_t ldc, const double *X, size_t ldx, size_t r0, size_t r1, size_t i0,
                         size_t ni, size_t j0, size_t nj) {
    for (size_t i = 0; i < ni; i += 4)
        for (size_t j = 0; j < nj; j += 4)
            if (j0 + j <= i0 + i + 3)
                gram_tile(C, ldc, X, ldx, r0, r1, i0 + i, ni - i < 4 ? ni - i : 4, j0 + j, nj - j < 4 ? nj - j : 4);
}

static void gram_portable(double *C, size_t ldc, const double *X, size_t rows, size_t cols, size_t ldx) {
    for (size_t i = 0; i < cols; i++)
        memset(C + i * ldc, 0, (i + 1) * sizeof *C);
    size_t kc = hedge__la_gram_chunk(cols);
    for (size_t r0 = 0; r0 < rows; r0 += kc) {
        size_t r1 = rows - r0 < kc ? rows : r0 + kc;
        for (size_t i0 = 0; i0 < cols; i0 += 4) {
            size_t ni = cols - i0 < 4 ? cols - i0 : 4;
            for (size_t j0 = 0; j0 < i0 + ni; j0 += 4)
                gram_tile(C, ldc, X, ldx, r0, r1, i0, ni, j0, cols - j0 < 4 ? cols - j0 : 4);
        }
    }
}

/* Four partial sums break the dependency chain of the additions (the compiler may not reassociate
 * them itself) and let it use vector registers. */
static double dot_portable(const double *a, const double *b, size_t n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s2) + (s1 + s3);
}

static void axpy_portable(double *y, double a, const double *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

const hedge__la_kernels hedge__la_portable = {gram_portable, dot_portable, axpy_portable};

const hedge__la_kernels *hedge__la_pick(void) {
#ifdef HEDGE__LA_X86
    switch (hedge__simd_level()) {
    case HEDGE__SIMD_AVX512:
        return &hedge__la_avx512;
    case HEDGE__SIMD_AVX2:
        return &hedge__la_avx2;
    default:
        break;
    }
#endif
    return &hedge__la_portable;
}

/* Cholesky-Banachiewicz, row by row: every inner product runs over two contiguous row prefixes,
 * which is what the dot kernel is fast at. */
bool hedge__la_cholesky(const hedge__la_kernels *la, double *a, size_t n, size_t ld) {
    for (size_t i = 0; i < n; i++) {
        double *ri = a + i * ld;
        for (size_t j = 0; j < i; j++) {
            const double *rj = a + j * ld;
            ri[j] = (ri[j] - la->dot(ri, rj, j)) / rj[j];
        }
        double d = ri[i] - la->dot(ri, ri, i);
        if (!(d > 0.0) || !isfinite(d))
            return false;
        ri[i] = sqrt(d);
    }
    return true;
}

/* Forward substitution with dot products over rows of L, back substitution with L' as updates
 * along rows of L: both walk L row by row, contiguously. */
void hedge__la_chol_solve(const hedge__la_kernels *la, const double *L, size_t n, size_t ld, double *b) {
    for (size_t i = 0; i < n; i++) {
        const double *ri = L + i * ld;
        b[i] = (b[i] - la->dot(ri, b, i)) / ri[i];
    }
    for (size_t i = n; i-- > 0;) {
        const double *ri = L + i * ld;
        b[i] /= ri[i];
        la->axpy(b, -b[i], ri, i);
    }
}

void hedge__la_gemv(const hedge__la_kernels *la, double *y, const double *M, size_t rows, size_t cols, size_t ld,
                    const double *x) {
    for (size_t i = 0; i < rows; i++)
        y[i] = la->dot(M + i * ld, x, cols);
}

void hedge__la_gemv_t(const hedge__la_kernels *la, double *y, const double *M, size_t rows, size_t cols, size_t ld,
                      const double *x) {
    for (size_t i = 0; i < rows; i++)
        if (x[i] != 0.0)
            la->axpy(y, x[i], M + i * ld, cols);
}

void hedge__la_mirror(double *a, size_t n, size_t ld) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            a[j * ld + i] = a[i * ld + j];
}
