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

/* Uniform on the open interval (0, 1), 53 random bits: never 0 (so log() is safe) nor 1. */
static inline double hedge__rng_uniform(hedge__rng *r) {
    uint64_t hi = hedge__rng_u32(r), lo = hedge__rng_u32(r);
    uint64_t bits = (hi << 21) ^ (lo >> 11); /* 53 bits */
    return ((double)bits + 0.5) * 0x1p-53;
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

#endif
