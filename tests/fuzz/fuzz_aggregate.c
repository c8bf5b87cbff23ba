/* Fuzzes hedge_aggregate_columns, whose kernels write vectors into rows computed from the caller's
 * bucket ids: any count of positions, columns (1 to 64, and the refused 0 and 65) and buckets
 * (0 to 1100: the accumulator up to 128, the caller's own sums above), ids at random, in runs or
 * sorted, columns at any alignment, figures finite or not.
 *
 * Checked: with a bucket id out of range the call fails with HEDGE_ERR_INVALID_ARG and the sums are
 * unchanged; otherwise every sum equals a long double sum of its terms within the rounding bound of
 * risk.h ((count + 1) DBL_EPSILON sum|x|), a NaN or an infinity where the reference has one. The
 * arrays are allocated to their exact sizes, so ASan reports any write outside a row. */
#include "fuzz.h"

#include <hedge/hedge.h>

#include <stdbool.h>

FILE *fuzz_report;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_N = 5000, MAX_COLUMNS = 65, MAX_BUCKETS = 1100 };

static uint32_t u16(fuzz_bytes *in) {
    uint32_t hi = fuzz_u8(in);
    return hi << 8 | fuzz_u8(in);
}

static double figure(fuzz_bytes *in) {
    double x = fuzz_double(in, -1e6, 1e6);
    /* finite figures stay below 1e300, so that no sum of MAX_N overflows a double (the long double
     * reference would not, and the two could not be compared) */
    if (isfinite(x) && fabs(x) > 1e300)
        x = copysign(1e300, x);
    return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_report = stderr;
    fuzz_bytes in = {data, size};
    size_t n = u16(&in) % (MAX_N + 1);
    size_t n_columns = fuzz_u8(&in) % (MAX_COLUMNS + 1);
    size_t n_buckets = u16(&in) % (MAX_BUCKETS + 1);
    uint8_t layout = fuzz_u8(&in);
    size_t cells = n_buckets * n_columns;

    uint32_t *bucket = malloc((n ? n : 1) * sizeof *bucket);
    double *store[MAX_COLUMNS] = {0};
    const double *cols[MAX_COLUMNS] = {0};
    double *sums = malloc((cells ? cells : 1) * sizeof *sums), *before = malloc((cells ? cells : 1) * sizeof *sums);
    if (!bucket || !sums || !before)
        abort();
    /* ids: uniform, in runs (lengths from the input), or sorted runs; one in eight inputs plants an
     * id out of range (or any 32-bit value) somewhere */
    uint32_t nb = n_buckets ? (uint32_t)n_buckets : 1, cur = 0;
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        switch (layout & 3) {
        case 0: cur = u16(&in) % nb; break;
        case 1:
            if (left-- == 0)
                cur = u16(&in) % nb, left = fuzz_u8(&in) % 64;
            break;
        default:
            if (left-- == 0)
                cur = cur + 1 < nb ? cur + (fuzz_u8(&in) & 1) : cur, left = fuzz_u8(&in);
            break;
        }
        bucket[i] = n_buckets ? cur : 0;
    }
    if (n && (layout & 0x1c) == 0) {
        size_t at = fuzz_u64(&in) % n;
        bucket[at] = (layout & 0x20) ? (uint32_t)fuzz_u64(&in) : (uint32_t)n_buckets + fuzz_u8(&in);
    }
    for (size_t c = 0; c < n_columns; c++) {
        /* offsets of 0 to 7 doubles from malloc's alignment: the kernel's unaligned head and its
         * aligned body both run */
        size_t off = fuzz_u8(&in) % 8;
        store[c] = malloc((n + off + 1) * sizeof(double));
        if (!store[c])
            abort();
        double *col = store[c] + off;
        /* mostly plain values, so the fuzzer's bytes go into the layout; some columns of anything */
        bool wild = (fuzz_u8(&in) & 7) == 0;
        for (size_t i = 0; i < n; i++)
            col[i] = wild ? figure(&in) : (double)(int8_t)fuzz_u8(&in) * 0.125;
        cols[c] = col;
    }
    for (size_t j = 0; j < cells; j++)
        sums[j] = before[j] = (double)(int8_t)fuzz_u8(&in);

    bool ids_ok = true;
    for (size_t i = 0; i < n; i++)
        ids_ok = ids_ok && bucket[i] < n_buckets;
    bool cols_ok = n_columns >= 1 && n_columns <= 64;
    hedge_status st = hedge_aggregate_columns(n, bucket, cols, n_columns, sums, n_buckets);
    if (!cols_ok || (n && !ids_ok)) {
        FUZZ_CHECK(st == HEDGE_ERR_INVALID_ARG, "n %zu, %zu columns, %zu buckets: status %d", n, n_columns, n_buckets,
                   (int)st);
        FUZZ_CHECK(cells == 0 || memcmp(sums, before, cells * sizeof *sums) == 0, "a refused call changed the sums");
    } else {
        FUZZ_CHECK(st == HEDGE_OK, "n %zu, %zu columns, %zu buckets: %s", n, n_columns, n_buckets,
                   hedge_error_message());
        size_t *count = calloc(n_buckets ? n_buckets : 1, sizeof *count);
        long double *want = malloc((cells ? cells : 1) * sizeof *want), *mag = malloc((cells ? cells : 1) * sizeof *mag);
        if (!count || !want || !mag)
            abort();
        for (size_t j = 0; j < cells; j++)
            want[j] = before[j], mag[j] = fabs(before[j]);
        for (size_t i = 0; i < n; i++) {
            count[bucket[i]]++;
            for (size_t c = 0; c < n_columns; c++) {
                want[bucket[i] * n_columns + c] += cols[c][i];
                mag[bucket[i] * n_columns + c] += fabsl((long double)cols[c][i]);
            }
        }
        for (size_t j = 0; j < cells; j++) {
            long double w = want[j];
            if (isnan(w))
                FUZZ_CHECK(isnan(sums[j]), "cell %zu: %.17g, want NaN", j, sums[j]);
            else if (isinf(w))
                /* the terms hold an infinity and no NaN, and all infinities have w's sign */
                FUZZ_CHECK(sums[j] == (double)w, "cell %zu: %.17g, want %Lg", j, sums[j], w);
            else {
                long double tol = (long double)(count[j / n_columns] + 1) * DBL_EPSILON * mag[j];
                FUZZ_CHECK(fabsl((long double)sums[j] - w) <= tol, "cell %zu: %.17g, want %.17Lg within %.3Lg", j,
                           sums[j], w, tol);
            }
        }
        free(count);
        free(want);
        free(mag);
    }
    for (size_t c = 0; c < n_columns; c++)
        free(store[c]);
    free(bucket);
    free(sums);
    free(before);
    return 0;
}
