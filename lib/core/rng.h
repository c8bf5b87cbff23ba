/*
 * A counter-based random number generator: Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel
 * random numbers: as easy as 1, 2, 3", SC11). Each output block is a pure function of a key (the
 * seed) and a 128-bit counter (a stream number and a block number), so the draws of simulated path
 * p are the same whichever thread computes it and however many threads there are: the property
 * the simulator's results rest on. Internal to the library.
 */
#ifndef HEDGE_CORE_RNG_H
#define HEDGE_CORE_RNG_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One Philox4x32 round block: ten rounds of two 32x32->64 multiplications, Weyl key increments. */
static inline void hedge__philox4x32_10(uint32_t out[4], const uint32_t ctr[4], const uint32_t key[2]) {
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* A stream of draws: key = seed, counter = (block, stream). Streams are independent for any two
 * stream numbers; a stream has 2^64 blocks of four 32-bit words. */
typedef struct hedge__rng {
    uint32_t key[2];
    uint64_t stream, block;
    uint32_t buf[4];
    int left;          /* unread words in buf */
    int has_spare;     /* a second normal from the last Box-Muller pair */
    double spare;
} hedge__rng;

static inline void hedge__rng_init(hedge__rng *r, uint64_t seed, uint64_t stream) {
    r->key[0] = (uint32_t)seed;
    r->key[1] = (uint32_t)(seed >> 32);
    r->stream = stream;
    r->block = 0;
    r->left = 0;
    r->has_spare = 0;
    r->spare = 0.0;
}

static inline uint32_t hedge__rng_u32(hedge__rng *r) {
    if (r->left == 0) {
        const uint32_t ctr[4] = {(uint32_t)r->block, (uint32_t)(r->block >> 32), (uint32_t)r->stream,
                                 (uint32_t)(r->stream >> 32)};
        hedge__philox4x32_10(r->buf, ctr, r->key);
        r->block++;
        r->left = 4;
    }
    return r->buf[4 - r->left--];
}

/* Uniform on the open interval (0, 1), 53 random bits: never 0 (so log() is safe) nor 1. Above 1/2
 * the doubles are 2^-53 apart, so (bits + 1/2) 2^-53 rounds there, and the largest would round up
 * to 1: it is kept below. */
static inline double hedge__rng_uniform(hedge__rng *r) {
    uint64_t hi = hedge__rng_u32(r), lo = hedge__rng_u32(r);
    uint64_t bits = (hi << 21) ^ (lo >> 11); /* 53 bits */
    double u = ((double)bits + 0.5) * 0x1p-53;
    return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

/* Standard normal by Box-Muller; the pair's second value is kept for the next call. */
static inline double hedge__rng_normal(hedge__rng *r) {
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1 = hedge__rng_uniform(r), u2 = hedge__rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1)), ang = 6.283185307179586476925286766559 * u2;
    r->spare = rad * sin(ang);
    r->has_spare = 1;
    return rad * cos(ang);
}

/*
 * The standard normal quantile N^-1(p) by Wichura's rational approximations (Algorithm AS 241,
 * PPND16, Applied Statistics 37, 1988), relative error about 1e-16: the transform of the simulator's
 * normals, which takes one uniform per normal, is monotone, and whose central piece (|p - 1/2| <=
 * 0.425, 85% of draws) is a branch-free ratio of polynomials that vectorises over a block of draws.
 * The tail pieces need a logarithm. The coefficients are the paper's.
 */
static inline double hedge__normal_quantile_central(double q) { /* q = p - 1/2, |q| <= 0.425 */
    double r = 0.180625 - q * q;
    double num = ((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
                     4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
                  1.3314166789178437745e+2) * r + 3.3871328727963666080e+0;
    double den = ((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
                     2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
                  4.2313330701600911252e+1) * r + 1.0;
    return q * num / den;
}

/* N^-1(p) for p = min(u, 1 - u) < 0.075 as a magnitude: -N^-1(p) > 0. */
static inline double hedge__normal_quantile_tail(double p) {
    double r = sqrt(-log(p));
    if (r <= 5.0) { /* p >= e^-25, about 1.4e-11 */
        r -= 1.6;
        return (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
                    1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
                 4.63033784615654529590e+0) * r + 1.42343711074968357734e+0) /
               (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
                    1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
                 2.05319162663775882187e+0) * r + 1.0);
    }
    r -= 5.0;
    return (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
                2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
             5.46378491116411436990e+0) * r + 6.65790464350110377720e+0) /
           (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
                7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
             5.99832206555887937690e-1) * r + 1.0);
}

/* N^-1(1/2 + q) for |q| < 1/2, given t = 1/2 - |q| exactly (the smaller tail probability). */
static inline double hedge__normal_quantile_qt(double q, double t) {
    if (fabs(q) <= 0.425)
        return hedge__normal_quantile_central(q);
    double x = hedge__normal_quantile_tail(t);
    return q < 0.0 ? -x : x;
}

/* N^-1(u) for u in (0, 1); 1 - u is exact for u >= 1/2, so the upper tail keeps what u has. */
static inline double hedge__normal_quantile(double u) {
    return hedge__normal_quantile_qt(u - 0.5, u < 0.5 ? u : 1.0 - u);
}

/*
 * The inverted uniform of two words: u = (k + 1/2) 2^-53 with k = (hi << 21) ^ (lo >> 11) the 53
 * bits hedge__rng_uniform() takes, symmetric about 1/2 and never 0 or 1. u itself is not a double
 * above 1/2, but q = u - 1/2 = (2k + 1 - 2^53) 2^-54 is, and so is t = 1/2 - |q|: both are formed
 * exactly (hi 2^22 - 2^53 is a multiple of 2^22 below 2^53 in size, and the odd rest below 2^22
 * brings no rounding), so each tail has the full 53 bits and N^-1(1 - u) = -N^-1(u) exactly.
 * |z| <= N^-1(1 - 2^-54) = 8.29.
 */
static inline double hedge__normal_of_words(uint32_t hi, uint32_t lo) {
    double q = (((double)hi * 0x1p22 - 0x1p53) + (double)(2u * (lo >> 11) + 1u)) * 0x1p-54;
    return hedge__normal_quantile_qt(q, 0.5 - fabs(q));
}

/* Standard normal by inversion of one uniform (two words of the stream). */
static inline double hedge__rng_normal_inv(hedge__rng *r) {
    uint32_t hi = hedge__rng_u32(r), lo = hedge__rng_u32(r);
    return hedge__normal_of_words(hi, lo);
}

/* Philox blocks `block` .. `block` + HEDGE__RNG_LANES - 1 of a stream: word w of block block + j in
 * w[w][j] (the words of one position side by side, as vector registers hold them). */
enum { HEDGE__RNG_LANES = 8 };
static inline void hedge__philox_lanes(uint32_t w[4][HEDGE__RNG_LANES], uint64_t block, uint64_t stream,
                                       const uint32_t key[2]) {
    for (int j = 0; j < HEDGE__RNG_LANES; j++) {
        uint64_t b = block + (uint64_t)j;
        const uint32_t ctr[4] = {(uint32_t)b, (uint32_t)(b >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)};
        uint32_t out[4];
        hedge__philox4x32_10(out, ctr, key);
        for (int k = 0; k < 4; k++)
            w[k][j] = out[k];
    }
}

/*
 * 2 HEDGE__RNG_LANES normals from the words of HEDGE__RNG_LANES blocks, in stream order: block j
 * gives hedge__normal_of_words of its words 0, 1 and of its words 2, 3, as one-by-one draws read
 * them. Every draw goes through the central piece of the quantile in one branch-free loop; the
 * indices of those in the tails (|u - 1/2| > 0.425) are gathered without a branch and redone, so
 * no branch depends on the draws but the one per tail draw.
 */
enum { HEDGE__RNG_GROUP = 2 * HEDGE__RNG_LANES };
static inline void hedge__rng_group_normals(double out[HEDGE__RNG_GROUP], uint32_t w[4][HEDGE__RNG_LANES]) {
    double q[HEDGE__RNG_GROUP];
    for (int j = 0; j < HEDGE__RNG_LANES; j++) { /* as hedge__normal_of_words, in a loop that vectorises */
        q[2 * j] = (((double)w[0][j] * 0x1p22 - 0x1p53) + (double)(2u * (w[1][j] >> 11) + 1u)) * 0x1p-54;
        q[2 * j + 1] = (((double)w[2][j] * 0x1p22 - 0x1p53) + (double)(2u * (w[3][j] >> 11) + 1u)) * 0x1p-54;
    }
    for (int k = 0; k < HEDGE__RNG_GROUP; k++)
        out[k] = hedge__normal_quantile_central(q[k]);
    int tail[HEDGE__RNG_GROUP], n = 0;
    for (int k = 0; k < HEDGE__RNG_GROUP; k++) {
        tail[n] = k;
        n += fabs(q[k]) > 0.425;
    }
    for (int i = 0; i < n; i++) {
        double qk = q[tail[i]];
        out[tail[i]] = hedge__normal_quantile_qt(qk, 0.5 - fabs(qk));
    }
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HEDGE__RNG_AVX2 1
#include "core/cpu.h"

#include <immintrin.h>

/* The high and low words of the eight 32 x 32-bit products a_j m, in lane order: vpmuludq
 * multiplies the even lanes, so the odd ones are shifted down for a second multiplication. */
__attribute__((target("avx2"))) static inline void hedge__mul_hilo_avx2(__m256i a, __m256i m, __m256i *hi,
                                                                      __m256i *lo) {
    __m256i even = _mm256_mul_epu32(a, m), odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

/* hedge__philox_lanes with the eight blocks' rounds in AVX2 registers: the same words (integer
 * arithmetic, exact), about three times as fast. */
__attribute__((target("avx2"))) static inline void hedge__philox_lanes_avx2(uint32_t w[4][HEDGE__RNG_LANES],
                                                                          uint64_t block, uint64_t stream,
                                                                          const uint32_t key[2]) {
    uint32_t lo[HEDGE__RNG_LANES], hi[HEDGE__RNG_LANES];
    for (int j = 0; j < HEDGE__RNG_LANES; j++) {
        lo[j] = (uint32_t)(block + (uint64_t)j);
        hi[j] = (uint32_t)((block + (uint64_t)j) >> 32);
    }
    __m256i c0 = _mm256_loadu_si256((const __m256i *)lo), c1 = _mm256_loadu_si256((const __m256i *)hi);
    __m256i c2 = _mm256_set1_epi32((int)(uint32_t)stream), c3 = _mm256_set1_epi32((int)(uint32_t)(stream >> 32));
    const __m256i m0 = _mm256_set1_epi32((int)0xD2511F53u), m1 = _mm256_set1_epi32((int)0xCD9E8D57u);
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        __m256i hi0, lo0, hi1, lo1;
        hedge__mul_hilo_avx2(c0, m0, &hi0, &lo0);
        hedge__mul_hilo_avx2(c2, m1, &hi1, &lo1);
        c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32((int)k0));
        c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32((int)k1));
        c1 = lo1;
        c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    _mm256_storeu_si256((__m256i *)w[0], c0);
    _mm256_storeu_si256((__m256i *)w[1], c1);
    _mm256_storeu_si256((__m256i *)w[2], c2);
    _mm256_storeu_si256((__m256i *)w[3], c3);
}

/* One group of normals with AVX2: the words above, and the transform compiled for AVX2 too. No
 * FMA is enabled here, so every product and sum rounds as in the baseline code: the same bits. */
__attribute__((target("avx2"))) static inline void hedge__rng_group_avx2(double out[HEDGE__RNG_GROUP], uint64_t block,
                                                                       uint64_t stream, const uint32_t key[2]) {
    uint32_t w[4][HEDGE__RNG_LANES];
    hedge__philox_lanes_avx2(w, block, stream, key);
    hedge__rng_group_normals(out, w);
}
#endif

/*
 * n normals of the stream by inversion: bit for bit the values of n calls of hedge__rng_normal_inv,
 * and the stream is left where those calls would leave it. Whole groups of HEDGE__RNG_LANES blocks
 * are drawn side by side (with AVX2 where the CPU has it) and transformed together.
 */
static inline void hedge__rng_normals_inv(hedge__rng *r, double *out, size_t n) {
    size_t i = 0;
    while (i < n && r->left != 0) /* what is left of the current block */
        out[i++] = hedge__rng_normal_inv(r);
#ifdef HEDGE__RNG_AVX2
    const bool avx2 = hedge__simd_level() >= HEDGE__SIMD_AVX2;
#endif
    for (; n - i >= HEDGE__RNG_GROUP; i += HEDGE__RNG_GROUP, r->block += HEDGE__RNG_LANES) {
#ifdef HEDGE__RNG_AVX2
        if (avx2) {
            hedge__rng_group_avx2(out + i, r->block, r->stream, r->key);
            continue;
        }
#endif
        uint32_t w[4][HEDGE__RNG_LANES];
        hedge__philox_lanes(w, r->block, r->stream, r->key);
        hedge__rng_group_normals(out + i, w);
    }
    while (i < n)
        out[i++] = hedge__rng_normal_inv(r);
}

#endif
