/*
 * hedge_aggregate_columns: per-position figures (column-major) summed into buckets. The work is
 * one add per position and figure, so the aim is to add as fast as memory delivers the columns.
 * For up to HEDGE__AGG_MAX_BUCKETS buckets the figures are added into a padded, L1-resident
 * accumulator by a per-SIMD-level kernel (aggregate_kernels.h), then folded into the caller's sums
 * once; for more buckets, by scalar adds.
 */
#include "core/cpu.h"
#include "core/internal.h"
#include "risk/aggregate_kernels.h"

#include <hedge/risk.h>

#include <stdbool.h>
#include <string.h>

enum {
    BLOCK = 2048, /* positions per block: the block's row offsets (8 KiB) stay in L1 for every column group */
    ACC = 4096    /* doubles in the accumulator (32 KiB, on the stack like the offsets) */
};

void hedge__agg_portable(double *acc, size_t stride, const uint32_t *row, const double *const *cols, size_t m,
                         size_t len) {
    for (size_t c = 0; c < m; c++) {
        const double *col = cols[c];
        double *a0 = acc + c, *a1 = a0 + stride, *a2 = a1 + stride, *a3 = a2 + stride;
        size_t i = 0;
        for (; i + 4 <= len; i += 4) {
            a0[row[i]] += col[i];
            a1[row[i + 1]] += col[i + 1];
            a2[row[i + 2]] += col[i + 2];
            a3[row[i + 3]] += col[i + 3];
        }
        for (; i < len; i++)
            a0[row[i]] += col[i];
    }
}

hedge__agg_kernel hedge__agg_pick(void) {
#ifdef HEDGE__AGG_X86
    /* AVX-512 machines get the AVX2 kernel too: on the Zen 5 the benchmark runs on, 512-bit rows
     * (one 8 x 8 transpose and one 64-byte load-add-store per position) were 10-15% slower than
     * two 256-bit halves, with the column data streaming from memory (bench/README.md). */
    if (hedge__simd_level() >= HEDGE__SIMD_AVX2)
        return hedge__agg_avx2;
#endif
    return hedge__agg_portable;
}

/* Many buckets: four interleaved copies of the unpadded sums while they fit the accumulator, else
 * adds straight into the caller's sums (one load-add-store per figure). */
static void aggregate_scalar(double *acc, uint32_t *idx, size_t n, const uint32_t *bucket,
                             const double *const *columns, size_t n_columns, double *sums, size_t n_buckets) {
    enum { SMALL = ACC / HEDGE__AGG_COPIES };
    size_t cells = n_buckets * n_columns;
    bool split = n_buckets <= SMALL && cells <= SMALL;
    if (split)
        memset(acc, 0, HEDGE__AGG_COPIES * SMALL * sizeof(double));
    for (size_t begin = 0; begin < n; begin += BLOCK) {
        size_t len = n - begin < BLOCK ? n - begin : BLOCK;
        const uint32_t *bk = bucket + begin;
        if (split)
            for (size_t i = 0; i < len; i++)
                idx[i] = bk[i] * (uint32_t)n_columns;
        for (size_t c = 0; c < n_columns; c++) {
            const double *col = columns[c] + begin;
            if (split) {
                const double *cp[1] = {col};
                hedge__agg_portable(acc + c, SMALL, idx, cp, 1, len);
            } else {
                double *out = sums + c;
                for (size_t i = 0; i < len; i++)
                    out[(size_t)bk[i] * n_columns] += col[i];
            }
        }
    }
    if (split)
        for (size_t k = 0; k < cells; k++)
            sums[k] += (acc[k] + acc[SMALL + k]) + (acc[2 * SMALL + k] + acc[3 * SMALL + k]);
}

/* The largest bucket id of n; 0 for none. */
static uint32_t top_bucket(const uint32_t *bucket, size_t n) {
    uint32_t top = 0;
    for (size_t i = 0; i < n; i++)
        top = bucket[i] > top ? bucket[i] : top;
    return top;
}

bool hedge__aggregate(hedge__agg_kernel kernel, size_t n, const uint32_t *bucket, const double *const *columns,
                      size_t n_columns, double *sums, size_t n_buckets, uint32_t *bad) {
    _Alignas(64) double acc[ACC];
    uint32_t row[BLOCK];
    /* Columns go in groups of 8 (one row of the accumulator each). When buckets x groups rows do not
     * fit, the groups are split into passes: each column is still read once, the bucket ids (4 bytes
     * a position against 64 for a group of columns) once per pass. */
    enum { ROWS = ACC / (HEDGE__AGG_COPIES * HEDGE__AGG_W) };
    _Static_assert((int)ROWS == (int)HEDGE__AGG_MAX_BUCKETS, "the accumulator holds a row per bucket");
    size_t groups = (n_columns + HEDGE__AGG_W - 1) / HEDGE__AGG_W;
    size_t per_pass = n_buckets && n_buckets <= ROWS ? ROWS / n_buckets : 1;
    if (per_pass > groups)
        per_pass = groups;
    /* With one pass the caller's sums are only touched at the end, so the bucket ids are checked as
     * the blocks go by instead of in a pass of their own (4 more bytes read per position); otherwise
     * they are checked first. */
    bool one_pass = n_buckets <= ROWS && per_pass == groups;
    if (!one_pass) {
        uint32_t top = top_bucket(bucket, n);
        if (n && top >= n_buckets) {
            *bad = top;
            return false;
        }
    }
    if (n_buckets > ROWS) {
        aggregate_scalar(acc, row, n, bucket, columns, n_columns, sums, n_buckets);
        return true;
    }
    for (size_t g0 = 0; g0 < groups; g0 += per_pass) {
        size_t gp = groups - g0 < per_pass ? groups - g0 : per_pass;
        size_t stride = n_buckets * gp * HEDGE__AGG_W; /* one copy */
        uint32_t scale = (uint32_t)(gp * HEDGE__AGG_W);
        memset(acc, 0, HEDGE__AGG_COPIES * stride * sizeof(double));
        for (size_t begin = 0; begin < n; begin += BLOCK) {
            size_t len = n - begin < BLOCK ? n - begin : BLOCK;
            const uint32_t *bk = bucket + begin;
            uint32_t top = 0;
            for (size_t i = 0; i < len; i++) {
                top = bk[i] > top ? bk[i] : top;
                row[i] = bk[i] * scale;
            }
            if (top >= n_buckets) { /* only reachable in one pass: nothing has been added yet */
                *bad = top;
                return false;
            }
            for (size_t g = 0; g < gp; g++) {
                size_t c0 = (g0 + g) * HEDGE__AGG_W, m = n_columns - c0 < HEDGE__AGG_W ? n_columns - c0 : HEDGE__AGG_W;
                const double *cp[HEDGE__AGG_W];
                for (size_t c = 0; c < m; c++)
                    cp[c] = columns[c0 + c] + begin;
                kernel(acc + g * HEDGE__AGG_W, stride, row, cp, m, len);
            }
        }
        for (size_t b = 0; b < n_buckets; b++)
            for (size_t g = 0; g < gp; g++) {
                size_t c0 = (g0 + g) * HEDGE__AGG_W, m = n_columns - c0 < HEDGE__AGG_W ? n_columns - c0 : HEDGE__AGG_W;
                const double *a = acc + (b * gp + g) * HEDGE__AGG_W;
                for (size_t c = 0; c < m; c++)
                    sums[b * n_columns + c0 + c] += (a[c] + a[stride + c]) + (a[2 * stride + c] + a[3 * stride + c]);
            }
    }
    return true;
}

HEDGE_API hedge_status hedge_aggregate_columns(size_t n, const uint32_t *bucket, const double *const *columns,
                                               size_t n_columns, double *sums, size_t n_buckets) {
    static const char fn[] = "hedge_aggregate_columns";
    if ((n && (!bucket || !columns)) || !sums)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (n_columns == 0 || n_columns > 64)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: 1 to 64 columns, got %zu", fn, n_columns);
    for (size_t c = 0; c < n_columns; c++)
        if (n && !columns[c])
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: column %zu is NULL", fn, c);
    uint32_t bad = 0;
    if (n && !hedge__aggregate(hedge__agg_pick(), n, bucket, columns, n_columns, sums, n_buckets, &bad))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: bucket %u is not below %zu", fn, bad, n_buckets);
    return HEDGE_OK;
}
