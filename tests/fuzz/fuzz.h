/* Shared by the libFuzzer targets: reading typed values off the fuzz bytes, and a check that
 * aborts with a message, which libFuzzer turns into a saved crash input. */
#ifndef HEDGE_FUZZ_H
#define HEDGE_FUZZ_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The inputs are consumed front to back; once they run out every read gives zero, so that any
 * prefix of an interesting input is still a valid (shorter) program. */
typedef struct fuzz_bytes {
    const uint8_t *p;
    size_t n;
} fuzz_bytes;

static inline uint8_t fuzz_u8(fuzz_bytes *in) {
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

static inline uint64_t fuzz_u64(fuzz_bytes *in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | fuzz_u8(in);
    return v;
}

/* A double for a parameter whose sensible values lie in [lo, hi]. Raw bit patterns alone would
 * almost never land in the domain where the interesting numerics live, and a uniform value alone
 * would never try NaN or the boundaries, so one byte picks the flavour. */
static inline double fuzz_double(fuzz_bytes *in, double lo, double hi) {
    static const double special[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, DBL_MIN, DBL_TRUE_MIN,
                                     DBL_MAX, -DBL_MAX, DBL_EPSILON, 1e-300, 1e300, 0.5, 2.0};
    uint8_t mode = fuzz_u8(in);
    uint64_t bits = fuzz_u64(in);
    switch (mode & 7) {
    case 0: {
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    case 1:
        return special[bits % (sizeof special / sizeof special[0])];
    case 2: /* log-uniform over [lo, hi] when both are > 0: prices and strikes span decades */
        if (lo > 0)
            return exp(log(lo) + (log(hi) - log(lo)) * (double)(bits >> 11) * 0x1p-53);
        /* fall through */
    default:
        return lo + (hi - lo) * (double)(bits >> 11) * 0x1p-53;
    case 7: /* the interval's ends, exactly: boundaries are where the special cases are */
        return (bits & 1) ? hi : lo;
    }
}

static inline int fuzz_finite(double x) { return isfinite(x); }

/* stderr of the targets may be pointed at /dev/null (the CLI target silences the program's own
 * messages), so failures go to a stream saved before that. */
extern FILE *fuzz_report;

#define FUZZ_CHECK(cond, ...)                                                                  \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(fuzz_report ? fuzz_report : stderr, "fuzz check failed at %s:%d: %s\n  ", \
                    __FILE__, __LINE__, #cond);                                                \
            fprintf(fuzz_report ? fuzz_report : stderr, __VA_ARGS__);                         \
            fputc('\n', fuzz_report ? fuzz_report : stderr);                                   \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

#endif
