/* The inner loops of hedge_aggregate_columns, one version per SIMD level (picked at run time like
 * the linear-algebra kernels, see core/cpu.h), and the driver that runs any of them. */
#ifndef HEDGE_RISK_AGGREGATE_KERNELS_H
#define HEDGE_RISK_AGGREGATE_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The accumulator the kernels add into: HEDGE__AGG_COPIES interleaved copies, each `copy_stride`
 * doubles apart, of rows of HEDGE__AGG_W doubles (64 bytes, 64-byte aligned), one row per (bucket,
 * group of up to 8 columns in the pass). A position's figures, transposed into one row, are added
 * with one or two vector load-add-stores instead of one scalar load-add-store per figure;
 * consecutive positions go to different copies so that positions of one bucket close together do
 * not chain every add on the previous add's store (store-to-load forwarding costs several cycles
 * per link).
 */
enum { HEDGE__AGG_W = 8, HEDGE__AGG_COPIES = 4 };

/*
 * The kernels of one SIMD level.
 *
 * add: adds positions [0, len) of the m (1 to 8) columns cols[0..m) into rows: the position at
 * offset k goes to the row starting at acc + copy * copy_stride + bucket[k] * scale, its figure
 * from column c into lane c, in whichever copy the kernel picks (copy_stride 0 makes one copy).
 * Padded rows (packed false): the accumulator above, scale a multiple of 8, acc 64-byte aligned,
 * and lanes m to 7 may be written. Packed rows (packed true): any scale and alignment (rows of the
 * caller's sums), and only lanes 0 to m - 1 are touched. Every row must be inside the array:
 * callers check the ids with `top` first. Columns may have any alignment.
 *
 * top: the largest of bucket[0..n), 0 for n = 0.
 */
typedef struct hedge__agg_kernel {
    void (*add)(double *acc, size_t copy_stride, const uint32_t *bucket, uint32_t scale, const double *const *cols,
                size_t m, size_t len, bool packed);
    uint32_t (*top)(const uint32_t *bucket, size_t n);
} hedge__agg_kernel;

extern const hedge__agg_kernel hedge__agg_portable;
#if defined(__x86_64__) && defined(__GNUC__)
#define HEDGE__AGG_X86 1
extern const hedge__agg_kernel hedge__agg_avx2;
#endif

/* The kernels for this CPU: AVX2 where it runs (AVX-512 machines included), else portable. */
const hedge__agg_kernel *hedge__agg_pick(void);

/* Rows in each copy of the accumulator (32 KiB in all, on the stack): bucket counts up to
 * HEDGE__AGG_MAX_BUCKETS take the accumulator (any kernel); above, the kernel adds straight into
 * the caller's sums as packed rows. */
enum { HEDGE__AGG_ROWS = 128, HEDGE__AGG_MAX_BUCKETS = HEDGE__AGG_ROWS };

/* hedge_aggregate_columns after its pointer and column-count checks (no NULLs, 1 to 64 columns),
 * with the given kernels. False, with sums unchanged and *bad set to the offending id, when a
 * bucket id is not below n_buckets. */
bool hedge__aggregate(const hedge__agg_kernel *kernel, size_t n, const uint32_t *bucket, const double *const *columns,
                      size_t n_columns, double *sums, size_t n_buckets, uint32_t *bad);

#endif
