/* The inner loop of hedge_aggregate_columns, one version per SIMD level (picked at run time like the
 * linear-algebra kernels, see core/cpu.h), and the driver that runs any of them. */
#ifndef HEDGE_RISK_AGGREGATE_KERNELS_H
#define HEDGE_RISK_AGGREGATE_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The accumulator the kernels add into: HEDGE__AGG_COPIES interleaved copies, each `copy_stride`
 * doubles, of rows of HEDGE__AGG_W doubles (64 bytes, 64-byte aligned), one row per (bucket, group
 * of up to 8 columns in the pass). A position's figures, transposed into one row, are added with
 * one or two vector load-add-stores instead of one scalar load-add-store per figure; consecutive
 * positions go to different copies so that a run of one bucket does not chain every add on the
 * previous add's store (store-to-load forwarding costs several cycles per link).
 */
enum { HEDGE__AGG_W = 8, HEDGE__AGG_COPIES = 4 };

/*
 * Adds positions [0, len) of the m (1 to 8) columns cols[0..m) into the accumulator: the position at
 * offset k goes to the row starting at acc + copy * copy_stride + row[k] (row[k] a multiple of 8;
 * acc 64-byte aligned), its figure from column c into lane c, in whichever copy the kernel picks
 * (consecutive positions in different ones). Columns may have any alignment.
 */
typedef void (*hedge__agg_kernel)(double *acc, size_t copy_stride, const uint32_t *row, const double *const *cols,
                                  size_t m, size_t len);

void hedge__agg_portable(double *acc, size_t copy_stride, const uint32_t *row, const double *const *cols, size_t m,
                         size_t len);
#if defined(__x86_64__) && defined(__GNUC__)
#define HEDGE__AGG_X86 1
void hedge__agg_avx2(double *acc, size_t copy_stride, const uint32_t *row, const double *const *cols, size_t m,
                     size_t len);
#endif

/* The kernel for this CPU: AVX2 where it runs (AVX-512 machines included), else portable. */
hedge__agg_kernel hedge__agg_pick(void);

/* Bucket counts up to this take the accumulator path (any kernel); above it a scalar loop adds into
 * four copies of the unpadded sums while they fit the accumulator, else into the caller's sums. */
enum { HEDGE__AGG_MAX_BUCKETS = 128 };

/* hedge_aggregate_columns after its pointer and column-count checks (no NULLs, 1 to 64 columns),
 * with the given kernel for the accumulator path. False, with sums unchanged and *bad set to the
 * offending id, when a bucket id is not below n_buckets. */
bool hedge__aggregate(hedge__agg_kernel kernel, size_t n, const uint32_t *bucket, const double *const *columns,
                      size_t n_columns, double *sums, size_t n_buckets, uint32_t *bad);

#endif
