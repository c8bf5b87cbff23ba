/* The counter-based generator: Random123's published known answers for Philox4x32-10 (and the
 * side-by-side blocks, scalar and AVX2, against them), uniformity (chi-square), normal moments
 * against N(0, 1), independence of streams, and that a stream is a pure function of (seed, stream)
 * whatever was drawn from other streams in between. The normals by inversion: the quantile against
 * high-precision values and against the distribution function, block draws against one-by-one
 * draws bit for bit, and their distribution against N(0, 1) by moments, tail frequencies, a
 * chi-square and a Kolmogorov-Smirnov test. */
#include "support/testutil.h"
#include "suites.h"

#include "core/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Random123, tests/kat_vectors: philox4x32 10, counter (4 words), key (2 words) -> output. */
START_TEST(philox_known_answers) {
    static const uint32_t kat[3][10] = {
        {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c,
         0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d, 0x41c83b0e, 0xa20bc7c6,
         0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb, 0x5001e420,
         0x24126ea1},
    };
    for (int i = 0; i < 3; i++) {
        uint32_t out[4];
        hedge__philox4x32_10(out, kat[i], kat[i] + 4);
        for (int w = 0; w < 4; w++)
            ck_assert_msg(out[w] == kat[i][6 + w], "vector %d word %d: %08x, want %08x", i, w, out[w], kat[i][6 + w]);
    }
}
END_TEST

/* 1,000,000 uniforms in 100 bins: the chi-square statistic of 99 degrees of freedom lies below
 * 148.2 (its 0.9999 quantile) unless the generator is biased; every value is inside (0, 1). */
START_TEST(uniforms_are_uniform) {
    hedge__rng r;
    hedge__rng_init(&r, 20261125, 7);
    enum { N = 1000000, BINS = 100 };
    static long count[BINS];
    memset(count, 0, sizeof count);
    double lo = 1, hi = 0;
    for (int i = 0; i < N; i++) {
        double u = hedge__rng_uniform(&r);
        lo = fmin(lo, u);
        hi = fmax(hi, u);
        count[(int)(u * BINS)]++;
    }
    ck_assert(lo > 0.0 && hi < 1.0);
    double chi2 = 0, e = (double)N / BINS;
    for (int b = 0; b < BINS; b++)
        chi2 += (count[b] - e) * (count[b] - e) / e;
    ck_assert_msg(chi2 < 148.2, "chi-square %g", chi2);
}
END_TEST

/* Mean, variance, skewness and kurtosis of 1,000,000 normals within 5 standard errors of 0, 1, 0, 3. */
START_TEST(normals_have_normal_moments) {
    hedge__rng r;
    hedge__rng_init(&r, 42, 0);
    enum { N = 1000000 };
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (int i = 0; i < N; i++) {
        double z = hedge__rng_normal(&r);
        m1 += z;
        m2 += z * z;
        m3 += z * z * z;
        m4 += z * z * z * z;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    m4 /= N;
    ck_assert_msg(fabs(m1) < 5 * sqrt(1.0 / N), "mean %g", m1);
    ck_assert_msg(fabs(m2 - 1) < 5 * sqrt(2.0 / N), "variance %g", m2);
    ck_assert_msg(fabs(m3) < 5 * sqrt(15.0 / N), "third moment %g", m3);
    ck_assert_msg(fabs(m4 - 3) < 5 * sqrt(96.0 / N), "fourth moment %g", m4);
}
END_TEST

/* Two streams of one seed are uncorrelated; a stream's draws do not depend on what other streams
 * drew before (each draw is a function of the counter alone). */
START_TEST(streams_are_independent_and_pure) {
    enum { N = 200000 };
    hedge__rng a, b;
    hedge__rng_init(&a, 99, 1);
    hedge__rng_init(&b, 99, 2);
    double sab = 0, first[8];
    for (int i = 0; i < N; i++) {
        double x = hedge__rng_normal(&a), y = hedge__rng_normal(&b);
        sab += x * y;
        if (i < 8)
            first[i] = y;
    }
    ck_assert_msg(fabs(sab / N) < 5 / sqrt((double)N), "correlation %g", sab / N);
    hedge__rng c;
    hedge__rng_init(&c, 99, 2); /* stream 2 again, nothing drawn from stream 1 this time */
    for (int i = 0; i < 8; i++)
        ck_assert(hedge__rng_normal(&c) == first[i]);
    hedge__rng d;
    hedge__rng_init(&d, 100, 2); /* another seed: another stream */
    ck_assert(hedge__rng_normal(&d) != first[0]);
}
END_TEST

/* Blocks side by side are the blocks one by one, across a carry into the counter's second word,
 * on the scalar path and (where the CPU has it) the AVX2 one. */
START_TEST(philox_lanes_are_the_blocks) {
    static const uint64_t starts[] = {0, 5, 0xFFFFFFFCull, 0x123456789ABCDEFull};
    static const uint64_t streams[] = {0, 7, 0xFFFFFFFFFFFFFFFFull};
    const uint32_t key[2] = {0x243F6A88u, 0x85A308D3u};
    for (size_t a = 0; a < sizeof starts / sizeof starts[0]; a++)
        for (size_t b = 0; b < sizeof streams / sizeof streams[0]; b++) {
            uint32_t want[4][HEDGE__RNG_LANES], got[4][HEDGE__RNG_LANES];
            for (int j = 0; j < HEDGE__RNG_LANES; j++) {
                uint64_t blk = starts[a] + (uint64_t)j;
                const uint32_t ctr[4] = {(uint32_t)blk, (uint32_t)(blk >> 32), (uint32_t)streams[b],
                                         (uint32_t)(streams[b] >> 32)};
                uint32_t out[4];
                hedge__philox4x32_10(out, ctr, key);
                for (int w = 0; w < 4; w++)
                    want[w][j] = out[w];
            }
            hedge__philox_lanes(got, starts[a], streams[b], key);
            ck_assert(memcmp(got, want, sizeof got) == 0);
#ifdef HEDGE__RNG_AVX2
            if (hedge__simd_level() >= HEDGE__SIMD_AVX2) {
                memset(got, 0, sizeof got);
                hedge__philox_lanes_avx2(got, starts[a], streams[b], key);
                ck_assert_msg(memcmp(got, want, sizeof got) == 0, "AVX2 blocks from %llu, stream %llu",
                              (unsigned long long)starts[a], (unsigned long long)streams[b]);
            }
#endif
        }
}
END_TEST

/* N^-1 at points whose quantiles were computed to 20 digits (mpmath, -sqrt(2) erfinv(1 - 2p) at the
 * double p), through every piece of the approximation: the centre, the tails to p = 1.4e-11, and
 * beyond, down to the smallest uniform of the generator (2^-54). */
START_TEST(normal_quantile_known_values) {
    static const struct { double p, x; } known[] = {
        {0.5, 0.0},
        {0.5 + 0x1p-30, 2.3344794983332981399e-9},
        {0.975, 1.9599639845400538556},
        {0.025, -1.9599639845400542118},
        {0.1, -1.2815515655446004353},
        {0.9, 1.2815515655446005935},
        {0.075, -1.4395314709384559349}, /* the tail piece, just past the centre's edge at 0.075 */
        {0.925, 1.4395314709384562291},
        {1e-10, -6.3613409024040561991},
        {1e-15, -7.9413453261709967713}, /* the far tail piece (p < e^-25) */
        {0x1p-54, -8.2923610758135955382},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        double x = hedge__normal_quantile(known[i].p);
        ck_assert_msg(fabs(x - known[i].x) <= 4e-16 * fabs(known[i].x), "N^-1(%.17g) = %.17g, want %.17g", known[i].p,
                      x, known[i].x);
    }
}
END_TEST

/* Over a grid of p from 2^-54 to 1 - 2^-54: N(N^-1(p)) = p to 1e-15 of the quantile (the error in p
 * divided by the density is the error in x), with N from libm's erfc, not from the quantile's code;
 * exactly antisymmetric, N^-1(1 - p) = -N^-1(p) (1 - p is exact for these p); increasing. */
START_TEST(normal_quantile_inverts_the_cdf) {
    double prev = -HUGE_VAL;
    for (int k = -53; k < (1 << 18); k++) {
        /* 2^-54 .. 2^-19 by halves of an octave, then multiples of 2^-19 */
        double p = k < 0 ? ldexp(k % 2 ? 1.0 : 1.5, -19 + k / 2 - 1) : (k + 1) * 0x1p-19;
        if (p >= 1.0)
            break;
        double x = hedge__normal_quantile(p);
        double n = exp(-0.5 * x * x) / sqrt(2.0 * 3.14159265358979323846);
        /* N(x) - p in the lower half, (1 - p) - N(-x) in the upper one: no cancellation in a tail */
        double back = p <= 0.5 ? 0.5 * erfc(-x / sqrt(2.0)) - p : (1.0 - p) - 0.5 * erfc(x / sqrt(2.0));
        ck_assert_msg(fabs(back / n) <= 1e-15 * fmax(1.0, fabs(x)), "p %.17g: x %.17g, N(x) - p %g", p, x, back);
        ck_assert_msg(hedge__normal_quantile(1.0 - p) == -x, "p %.17g: not antisymmetric", p);
        ck_assert_msg(x > prev, "not increasing at p %.17g", p);
        prev = x;
    }
}
END_TEST

/* The generator's inverted uniforms (k + 1/2) 2^-53: the words (hi, lo) give the quantile of that
 * exact point, the extreme ones included (they would be 0 and 1 with a rounded uniform), and the
 * mirror image k -> 2^53 - 1 - k gives exactly minus the value. */
START_TEST(normal_of_words_inverts_exact_points) {
    ck_assert(fabs(hedge__normal_of_words(0, 0) - -8.2923610758135955382) <= 4e-16 * 8.3);
    ck_assert(hedge__normal_of_words(0xFFFFFFFFu, 0xFFFFFFFFu) == -hedge__normal_of_words(0, 0));
    hedge__rng r;
    hedge__rng_init(&r, 3, 4);
    for (int i = 0; i < 100000; i++) {
        uint32_t hi = hedge__rng_u32(&r), lo = hedge__rng_u32(&r);
        uint64_t k = ((uint64_t)hi << 21) | (lo >> 11);
        double z = hedge__normal_of_words(hi, lo);
        /* the mirror point 2^53 - 1 - k in words: complement the 53 bits */
        ck_assert(hedge__normal_of_words(~hi, ~lo) == -z);
        /* below 1/2, u = (k + 1/2) 2^-53 is a double and the quantile of it is the same value */
        if (k < (1ull << 52))
            ck_assert(hedge__normal_quantile(((double)k + 0.5) * 0x1p-53) == z);
    }
    /* the uniform of the last 53-bit value is below 1, not rounded up to it */
    r.buf[0] = r.buf[1] = 0xFFFFFFFFu;
    r.left = 4;
    ck_assert(hedge__rng_uniform(&r) < 1.0);
}
END_TEST

/* Block draws are one-by-one draws, bit for bit, from any position in the stream and for any count
 * (the prefix left in a block, whole groups, the rest), and leave the stream in the same place. */
START_TEST(block_normals_are_the_one_by_one_normals) {
    for (int skip = 0; skip < 5; skip++)
        for (size_t n = 0; n <= 3 * HEDGE__RNG_GROUP + 3; n++) {
            hedge__rng a, b;
            hedge__rng_init(&a, 0x5EEDull + n, 1000 + (uint64_t)skip);
            hedge__rng_init(&b, 0x5EEDull + n, 1000 + (uint64_t)skip);
            for (int k = 0; k < skip; k++)
                ck_assert(hedge__rng_normal_inv(&a) == hedge__rng_normal_inv(&b));
            double block[3 * HEDGE__RNG_GROUP + 3];
            hedge__rng_normals_inv(&a, block, n);
            for (size_t k = 0; k < n; k++) {
                double z = hedge__rng_normal_inv(&b);
                ck_assert_msg(memcmp(&z, &block[k], sizeof z) == 0, "skip %d, n %zu, draw %zu: %.17g vs %.17g", skip,
                              n, k, block[k], z);
            }
            ck_assert(hedge__rng_normal_inv(&a) == hedge__rng_normal_inv(&b)); /* the same place */
        }
}
END_TEST

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* 1,000,000 block-drawn normals against N(0, 1), with N from libm's erfc: the moments within 5
 * standard errors; the frequencies beyond 2, 3 and 4 (where the tail pieces work) within 5
 * standard errors of the binomial; a chi-square over 64 bins of equal width on [-4, 4] plus the two
 * tails below its 0.9999 quantile (66 bins, 65 degrees of freedom: 111.0); the Kolmogorov-Smirnov
 * statistic sqrt(n) D below 1.95 (its 0.999 quantile). Every draw is finite and inside the
 * generator's range |z| < 8.3. */
START_TEST(block_normals_are_normal) {
    enum { N = 1000000, GROUPS = 1000, PER = N / GROUPS, BINS = 66 };
    double *z = malloc(N * sizeof *z);
    ck_assert_ptr_nonnull(z);
    for (int g = 0; g < GROUPS; g++) { /* many streams, as the simulator draws them */
        hedge__rng r;
        hedge__rng_init(&r, 20261126, 2 * (uint64_t)g);
        hedge__rng_normals_inv(&r, z + (size_t)g * PER, PER);
    }
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    long beyond[3] = {0, 0, 0}, count[BINS] = {0};
    for (int i = 0; i < N; i++) {
        double x = z[i];
        ck_assert(isfinite(x) && fabs(x) < 8.3);
        m1 += x;
        m2 += x * x;
        m3 += x * x * x;
        m4 += x * x * x * x;
        for (int t = 0; t < 3; t++)
            beyond[t] += fabs(x) > 2.0 + t;
        int b = x < -4.0 ? 0 : x >= 4.0 ? BINS - 1 : 1 + (int)((x + 4.0) * 8.0);
        count[b]++;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    m4 /= N;
    ck_assert_msg(fabs(m1) < 5 * sqrt(1.0 / N), "mean %g", m1);
    ck_assert_msg(fabs(m2 - 1) < 5 * sqrt(2.0 / N), "variance %g", m2);
    ck_assert_msg(fabs(m3) < 5 * sqrt(15.0 / N), "third moment %g", m3);
    ck_assert_msg(fabs(m4 - 3) < 5 * sqrt(96.0 / N), "fourth moment %g", m4);
    for (int t = 0; t < 3; t++) {
        double pr = erfc((2.0 + t) / sqrt(2.0)), e = pr * N, se = sqrt(N * pr * (1 - pr));
        ck_assert_msg(fabs((double)beyond[t] - e) < 5 * se, "beyond %d: %ld, want %g", 2 + t, beyond[t], e);
    }
    double chi2 = 0;
    for (int b = 0; b < BINS; b++) {
        double lo = b == 0 ? -HUGE_VAL : -4.0 + (b - 1) / 8.0, hi = b == BINS - 1 ? HUGE_VAL : -4.0 + b / 8.0;
        double pr = 0.5 * erfc(-hi / sqrt(2.0)) - 0.5 * erfc(-lo / sqrt(2.0)), e = pr * N;
        chi2 += (count[b] - e) * (count[b] - e) / e;
    }
    ck_assert_msg(chi2 < 111.0, "chi-square %g with 65 degrees of freedom", chi2);
    qsort(z, N, sizeof *z, cmp_double);
    double D = 0;
    for (int i = 0; i < N; i++) {
        double F = 0.5 * erfc(-z[i] / sqrt(2.0));
        D = fmax(D, fmax((i + 1.0) / N - F, F - (double)i / N));
    }
    if (getenv("HEDGE_TEST_VERBOSE"))
        printf("block normals: mean %.2e variance %.6f skew %.2e kurtosis %.4f chi-square %.1f (65 df) KS %.3f\n", m1,
               m2, m3, m4, chi2, sqrt((double)N) * D);
    ck_assert_msg(sqrt((double)N) * D < 1.95, "Kolmogorov-Smirnov sqrt(n) D = %g", sqrt((double)N) * D);
    free(z);
}
END_TEST

Suite *hedge_test_suite_rng(void) {
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("philox");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, philox_known_answers);
    tcase_add_test(tc, uniforms_are_uniform);
    tcase_add_test(tc, normals_have_normal_moments);
    tcase_add_test(tc, streams_are_independent_and_pure);
    tcase_add_test(tc, philox_lanes_are_the_blocks);
    tcase_add_test(tc, normal_quantile_known_values);
    tcase_add_test(tc, normal_quantile_inverts_the_cdf);
    tcase_add_test(tc, normal_of_words_inverts_exact_points);
    tcase_add_test(tc, block_normals_are_the_one_by_one_normals);
    tcase_add_test(tc, block_normals_are_normal);
    suite_add_tcase(s, tc);
    return s;
}
