/*
 * hedge_aggregate_columns: per-position figures (column-major) summed into buckets. The work is one
 * add per position and figure, so the aim is to add as fast as memory delivers the columns. A
 * per-SIMD-level kernel (aggregate_kernels.h) adds them, for up to HEDGE__AGG_MAX_BUCKETS buckets
 * into a padded, L1-resident accumulator folded into the caller's sums once, for more straight into
 * the caller's sums.
 */
#include "core/cpu.h"
#include "core/internal.h"
#include "risk/aggregate_kernels.h"

#include <hedge/risk.h>

#include <stdbool.h>
#include <string.h>

/* Positions per block: a block's ids (8 KiB) are checked, then stay in L1 for every column group.
 * The accumulator: 32 KiB of doubles, on the stack. */
enum { BLOCK = 2048, ACC = HEDGE__AGG_COPIES * HEDGE__AGG_ROWS * HEDGE__AGG_W };

/* Scalar adds touch only the m lanes, so padded and packed rows are the same here. Four positions
 * of one bucket go to four running sums instead (as in a book sorted by bucket: the adds into the
 * row would otherwise wait on each other's stores, 12x the time to read the data). */
static void add_portable(double *acc, size_t stride, const uint32_t *bucket, uint32_t scale, const double *const *cols,
                         size_t m, size_t len, bool packed) {
    (void)packed;
    for (size_t c = 0; c < m; c++) {
        const double *col = cols[c];
        double *a0 = acc + c, *a1 = a0 + stride, *a2 = a1 + stride, *a3 = a2 + stride;
        uint32_t run = UINT32_MAX;
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        size_t i = 0;
        for (; i + 4 <= len; i += 4) {
            const uint32_t *b = bucket + i;
            if (b[0] == b[1] && b[0] == b[2] && b[0] == b[3]) {
                if (b[0] != run) {
                    if (run != UINT32_MAX)
                        a0[(size_t)run * scale] += (t0 + t1) + (t2 + t3);
                    run = b[0], t0 = t1 = t2 = t3 = 0;
                }
                t0 += col[i], t1 += col[i + 1], t2 += col[i + 2], t3 += col[i + 3];
                continue;
            }
            a0[(size_t)b[0] * scale] += col[i];
            a1[(size_t)b[1] * scale] += col[i + 1];
            a2[(size_t)b[2] * scale] += col[i + 2];
            a3[(size_t)b[3] * scale] += col[i + 3];
        }
        if (run != UINT32_MAX)
            a0[(size_t)run * scale] += (t0 + t1) + (t2 + t3);
        for (; i < len; i++)
            a0[(size_t)bucket[i] * scale] += col[i];
    }
}

static uint32_t top_portable(const uint32_t *bucket, size_t n) {
    uint32_t top = 0;
    for (size_t i = 0; i < n; i++)
        top = bucket[i] > top ? bucket[i] : top;
    return top;
}

const hedge__agg_kernel hedge__agg_portable = {add_portable, top_portable};

const hedge__agg_kernel *hedge__agg_pick(void) {
#ifdef HEDGE__AGG_X86
    /* AVX-512 machines get the AVX2 kernel too: on the Zen 5 the benchmark runs on, 512-bit rows
     * (one 8 x 8 transpose and one 64-byte load-add-store per position) were 10-15% slower than two
     * 256-bit halves, with the column data streaming from memory (bench/README.md). */
    if (hedge__simd_level() >= HEDGE__SIMD_AVX2)
        return &hedge__agg_avx2;
#endif
    return &hedge__agg_portable;
}

/* Many buckets: the kernel adds each block's groups of up to 8 columns straight into the caller's
 * sums as packed rows of n_columns, one copy (with more buckets than the four copies of the
 * accumulator hold, ids close together rarely repeat: at 512 buckets this measured as fast as one
 * padded copy, at 64 buckets 13% slower than four). The ids were checked by the caller. */
static void aggregate_packed(const hedge__agg_kernel *kern, size_t n, const uint32_t *bucket,
                             const double *const *columns, size_t n_columns, double *sums) {
    for (size_t begin = 0; begin < n; begin += BLOCK) {
        size_t len = n - begin < BLOCK ? n - begin : BLOCK;
        for (size_t c0 = 0; c0 < n_columns; c0 += HEDGE__AGG_W) {
            size_t m = n_columns - c0 < HEDGE__AGG_W ? n_columns - c0 : HEDGE__AGG_W;
            const double *cp[HEDGE__AGG_W];
            for (size_t c = 0; c < m; c++)
                cp[c] = columns[c0 + c] + begin;
            kern->add(sums + c0, 0, bucket + begin, (uint32_t)n_columns, cp, m, len, true);
        }
    }
}

bool hedge__aggregate(const hedge__agg_kernel *kern, size_t n, const uint32_t *bucket, const double *const *columns,
                      size_t n_columns, double *sums, size_t n_buckets, uint32_t *bad) {
    if (n_buckets == 0 || n_buckets > HEDGE__AGG_MAX_BUCKETS) {
        uint32_t top = kern->top(bucket, n);
        if (n && top >= n_buckets) {
            *bad = top;
            return false;
        }
        aggregate_packed(kern, n, bucket, columns, n_columns, sums);
        return true;
    }
    _Alignas(64) double acc[ACC];
    /* Columns go in groups of 8 (one row of the accumulator each). When buckets x groups rows do
     * not fit, the groups are split into passes: each column is still read once, the bucket ids (4
     * bytes a position against 64 for a group of columns) once per pass. */
    size_t groups = (n_columns + HEDGE__AGG_W - 1) / HEDGE__AGG_W;
    size_t per_pass = HEDGE__AGG_ROWS / n_buckets < groups ? HEDGE__AGG_ROWS / n_buckets : groups;
    for (size_t g0 = 0; g0 < groups; g0 += per_pass) {
        size_t gp = groups - g0 < per_pass ? groups - g0 : per_pass;
        size_t stride = n_buckets * gp * HEDGE__AGG_W; /* one copy */
        uint32_t scale = (uint32_t)(gp * HEDGE__AGG_W);
        memset(acc, 0, HEDGE__AGG_COPIES * stride * sizeof(double));
        for (size_t begin = 0; begin < n; begin += BLOCK) {
            size_t len = n - begin < BLOCK ? n - begin : BLOCK;
            const uint32_t *bk = bucket + begin;
            /* Every id is checked in the first pass before its block adds anything; the caller's
             * sums are only touched when a pass ends. */
            if (g0 == 0) {
                uint32_t top = kern->top(bk, len);
                if (top >= n_buckets) {
                    *bad = top;
                    return false;
                }
            }
            for (size_t g = 0; g < gp; g++) {
                size_t c0 = (g0 + g) * HEDGE__AGG_W, m = n_columns - c0 < HEDGE__AGG_W ? n_columns - c0 : HEDGE__AGG_W;
                const double *cp[HEDGE__AGG_W];
                for (size_t c = 0; c < m; c++)
                    cp[c] = columns[c0 + c] + begin;
                kern->add(acc + g * HEDGE__AGG_W, stride, bk, scale, cp, m, len, false);
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
