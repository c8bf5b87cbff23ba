/* The counter-based generator: Random123's published known answers for Philox4x32-10, uniformity
 * (chi-square), normal moments against N(0, 1), independence of streams, and that a stream is a pure
 * function of (seed, stream) whatever was drawn from other streams in between. */
#include "support/testutil.h"
#include "suites.h"

#include "core/rng.h"

#include <math.h>
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

Suite *hedge_test_suite_rng(void) {
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("philox");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, philox_known_answers);
    tcase_add_test(tc, uniforms_are_uniform);
    tcase_add_test(tc, normals_have_normal_moments);
    tcase_add_test(tc, streams_are_independent_and_pure);
    suite_add_tcase(s, tc);
    return s;
}
