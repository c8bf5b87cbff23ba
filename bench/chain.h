/* Shared by every benchmark: the synthetic option chain and the timer, so that all programs (C and
 * C++) measure the same inputs the same way. */
#ifndef HEDGE_BENCH_CHAIN_H
#define HEDGE_BENCH_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Structure of arrays, the layout the batch kernels take. T is a whole number of days / 365 so
 * that libraries which count in dates (QuantLib) see exactly the same expiries. */
typedef struct bench_chain {
    size_t n;
    int32_t *type; /* +1 call, -1 put */
    double *S, *K, *T, *r, *q, *sigma;
    int32_t *days; /* T * 365 */
} bench_chain;

/* The default size: 4096 options keep inputs and outputs (about 450 KB) in L2, so the numbers are
 * compute cost, not memory bandwidth; --n changes it. */
#define BENCH_DEFAULT_N 4096
#define BENCH_SEED UINT64_C(20240601)

/* Fills a chain of n options from the fixed seed: half equity-like (S = 100), half BTC-like
 * (S = 60000); T from 1 day to 2 years, denser at the short end as listed expiries are; vol 20% to
 * 150%; strikes spread over +-3 standard deviations of the forward; calls and puts; r in [0, 5%],
 * q in [0, 3%]. Exits the process if memory runs out. */
void bench_chain_make(bench_chain *c, size_t n, uint64_t seed);
void bench_chain_free(bench_chain *c);

/* Monotonic clock in nanoseconds. */
double bench_now_ns(void);

typedef void (*bench_fn)(void *arg);

/* Runs fn(arg) in samples of enough repetitions to last at least min_sample_ms, and returns the
 * fastest sample's time per call in ns: the minimum discards interruptions by the OS, which only
 * ever add time. One untimed call first warms caches and branch predictors. */
double bench_time(bench_fn fn, void *arg, int samples, double min_sample_ms);

/* Parses "--n N" and "--samples N" from argv (both optional); exits with usage on anything else
 * that starts with "--" unless it is listed in extra (NULL-terminated). */
void bench_args(int argc, char **argv, size_t *n, int *samples, const char *const *extra);

/* The batch kernels' SIMD path, from hedge_capabilities() bits: "avx512", "avx2" or "portable". */
const char *bench_simd_name(uint64_t capabilities);

/* The batch kernels fix their SIMD path once per process and HEDGE_SIMD can only lower it, so
 * each path is timed in a child: runs self (argv[0]; /proc/self/exe first) with HEDGE_SIMD=simd
 * and the arguments flag --n n --samples samples, and reads the line "<path> <ns>" the child
 * prints. Returns the ns (NaN if the child failed) and copies the path the child reports having
 * run into ran (16 bytes), which differs from simd when the library lacks that path. */
double bench_child(const char *self, const char *flag, const char *simd, size_t n, int samples, char *ran);

#ifdef __cplusplus
}
#endif

#endif
