/* Dense linear algebra for the optimizer: row-major matrices, symmetric ones kept in their lower
 * triangle. Only what the ADMM backend needs, written for the sizes it meets (n up to a few
 * thousand), with the inner kernels picked once per process for the CPU's SIMD level. */
#ifndef HEDGE_OPTIMIZE_LINALG_H
#define HEDGE_OPTIMIZE_LINALG_H

#include <stdbool.h>
#include <stddef.h>

/* The kernels that carry the flops; every other routine here is written on top of them. */
typedef struct hedge__la_kernels {
    /* The lower triangle of C = X'X (X rows x cols, leading dimension ldx), C cols x cols with
     * leading dimension ldc. The lower triangle and diagonal are overwritten; entries above the
     * diagonal may be overwritten too (callers mirror the lower triangle when they need it). */
    void (*gram)(double *C, size_t ldc, const double *X, size_t rows, size_t cols, size_t ldx);
    double (*dot)(const double *a, const double *b, size_t n);
    void (*axpy)(double *y, double a, const double *x, size_t n); /* y += a x */
} hedge__la_kernels;

/* The widest kernels this CPU runs (see core/cpu.h). */
const hedge__la_kernels *hedge__la_pick(void);

extern const hedge__la_kernels hedge__la_portable;
#if defined(__x86_64__) && defined(__GNUC__)
#define HEDGE__LA_X86 1
extern const hedge__la_kernels hedge__la_avx2;
extern const hedge__la_kernels hedge__la_avx512;
#endif

/* For the kernel sets: rows of X per pass of a Gram kernel (a pass should stay in L2), and the
 * generic tile code that serves the ragged edges of every kernel set: adds the part on or below the
 * diagonal of rows [i0, i0+ni) x columns [j0, j0+nj) of X'X, over X's rows [r0, r1), into C. */
static inline size_t hedge__la_gram_chunk(size_t cols) {
    size_t kc = (size_t)32768 / (cols ? cols : 1);
    return kc < 16 ? 16 : kc;
}
void hedge__la_gram_edge(double *C, size_t ldc, const double *X, size_t ldx, size_t r0, size_t r1, size_t i0,
                         size_t ni, size_t j0, size_t nj);

/* In-place Cholesky factorisation of the n x n matrix in the lower triangle of a (leading
 * dimension ld): afterwards L with L L' = a. False when a pivot is not positive (the matrix is
 * not numerically positive definite); a is then partly overwritten. */
bool hedge__la_cholesky(const hedge__la_kernels *la, double *a, size_t n, size_t ld);

/* Solves L L' x = b in place (b becomes x), L from hedge__la_cholesky(). */
void hedge__la_chol_solve(const hedge__la_kernels *la, const double *L, size_t n, size_t ld, double *b);

/* y = M x for a full (not triangular) rows x cols matrix M. */
void hedge__la_gemv(const hedge__la_kernels *la, double *y, const double *M, size_t rows, size_t cols, size_t ld,
                    const double *x);

/* y += M' x (M rows x cols, so y has cols entries). */
void hedge__la_gemv_t(const hedge__la_kernels *la, double *y, const double *M, size_t rows, size_t cols, size_t ld,
                      const double *x);

/* Copies the lower triangle of the n x n matrix a to its upper triangle. */
void hedge__la_mirror(double *a, size_t n, size_t ld);

#endif
