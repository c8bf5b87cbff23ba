/*
 * ns/option of implied volatility, scalar and batch, against a plain Newton/bisection timed in the
 * same run, on prices of the shared chain computed by hedge_bsm_price. As in bench_pricing, the
 * batch call is timed once per SIMD path, each in a child process with HEDGE_SIMD set.
 */
#include "baseline.h"
#include "chain.h"

#include <hedge/hedge.h>
#include <hedge/implied_vol.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_FLAG "--batch-child"
#define MIN_SAMPLE_MS 20.0

typedef struct job {
    const bench_chain *c;
    double *price, *sigma;
    hedge_status *status;
    long iterations;
} job;

static void die_status(const char *what, hedge_status st) {
    fprintf(stderr, "bench_iv: %s failed: %s (%s)\n", what, hedge_status_name(st), hedge_error_message());
    exit(1);
}

static void run_naive(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    long total = 0;
    for (size_t i = 0; i < c->n; i++) {
        int it;
        j->sigma[i] = naive_implied_vol(c->type[i], j->price[i], c->S[i], c->K[i], c->T[i], c->r[i], c->q[i], &it);
        total += it;
    }
    j->iterations = total;
}

static void run_scalar(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    for (size_t i = 0; i < c->n; i++) {
        hedge_status st = hedge_implied_vol_bsm(&j->sigma[i], (hedge_option_type)c->type[i], j->price[i], c->S[i],
                                                c->K[i], c->T[i], c->r[i], c->q[i]);
        if (st != HEDGE_OK)
            die_status("hedge_implied_vol_bsm", st);
    }
}

static void run_batch(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    hedge_status st = hedge_implied_vol_bsm_batch(c->n, c->type, j->price, c->S, c->K, c->T, c->r, c->q, j->sigma,
                                                  j->status);
    if (st != HEDGE_OK)
        die_status("hedge_implied_vol_bsm_batch", st);
}

static void *alloc_or_die(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "bench_iv: out of memory\n");
        exit(1);
    }
    return p;
}

/* The chain's prices, from the library's own pricer so that every solver inverts the same numbers. */
static void job_make(job *j, const bench_chain *c) {
    j->c = c;
    j->price = alloc_or_die(c->n, sizeof(double));
    j->sigma = alloc_or_die(c->n, sizeof(double));
    j->status = alloc_or_die(c->n, sizeof(hedge_status));
    j->iterations = 0;
    for (size_t i = 0; i < c->n; i++) {
        hedge_status st = hedge_bsm_price(&j->price[i], (hedge_option_type)c->type[i], c->S[i], c->K[i], c->T[i],
                                          c->r[i], c->q[i], c->sigma[i]);
        if (st != HEDGE_OK)
            die_status("hedge_bsm_price", st);
    }
}

static void job_free(job *j) {
    free(j->price);
    free(j->sigma);
    free(j->status);
}

/* Worst |sigma - true sigma| over the chain; NaN counts as a miss and is reported as such. */
static double worst_error(const bench_chain *c, const double *sigma, size_t *misses) {
    double worst = 0.0;
    *misses = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (isnan(sigma[i])) {
            ++*misses;
            continue;
        }
        worst = fmax(worst, fabs(sigma[i] - c->sigma[i]));
    }
    return worst;
}

static int batch_child(size_t n, int samples) {
    bench_chain c;
    bench_chain_make(&c, n, BENCH_SEED);
    job j;
    job_make(&j, &c);
    double ns = bench_time(run_batch, &j, samples, MIN_SAMPLE_MS) / (double)n;
    printf("%s %.6f\n", bench_simd_name(hedge_capabilities()), ns);
    job_free(&j);
    bench_chain_free(&c);
    return 0;
}

static void row(const char *name, double ns, double base_ns, const char *target, int met) {
    printf("%-48s %10.1f %9.2fx   %-10s %s\n", name, ns, base_ns / ns, target, met < 0 ? "" : met ? "met" : "MISSED");
}

int main(int argc, char **argv) {
    size_t n = BENCH_DEFAULT_N;
    int samples = 15;
    const char *const extra[] = {CHILD_FLAG, NULL};
    bench_args(argc, argv, &n, &samples, extra);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], CHILD_FLAG) == 0)
            return batch_child(n, samples);

    bench_chain c;
    bench_chain_make(&c, n, BENCH_SEED);
    job j;
    job_make(&j, &c);

    double naive = bench_time(run_naive, &j, samples, MIN_SAMPLE_MS) / (double)n;
    size_t naive_miss, scalar_miss, batch_miss;
    double naive_err = worst_error(&c, j.sigma, &naive_miss);
    double naive_iters = (double)j.iterations / (double)n;
    double scalar = bench_time(run_scalar, &j, samples, MIN_SAMPLE_MS) / (double)n;
    double scalar_err = worst_error(&c, j.sigma, &scalar_miss);

    uint64_t caps = hedge_capabilities();
    const char *levels[3] = {"portable", NULL, NULL};
    size_t n_levels = 1;
    if (caps & HEDGE_CAP_SIMD_AVX2)
        levels[n_levels++] = "avx2";
    if (caps & HEDGE_CAP_SIMD_AVX512)
        levels[n_levels++] = "avx512";
    double batch_ns[3];
    char ran[3][16] = {"", "", ""};
    for (size_t l = 0; l < n_levels; l++)
        batch_ns[l] = bench_child(argv[0], CHILD_FLAG, levels[l], n, samples, ran[l]);
    run_batch(&j);
    double batch_err = worst_error(&c, j.sigma, &batch_miss);

    printf("libhedge %s: BSM implied volatility, %zu options (seed %llu) repeated, min of %d samples >= %.0f ms\n",
           hedge_version_string(), n, (unsigned long long)BENCH_SEED, samples, MIN_SAMPLE_MS);
    printf("prices from hedge_bsm_price on the bench_pricing chain; speed-up = naive ns / ns; 'naive' is Newton "
           "on the textbook price with bisection fallback (%.1f iterations per option)\n\n",
           naive_iters);
    printf("%-48s %10s %10s   %-10s\n", "solver", "ns/option", "speed-up", "target");
    row("naive Newton/bisection (baseline)", naive, naive, "", -1);
    row("hedge_implied_vol_bsm, scalar", scalar, naive, "< 250 ns", scalar < 250.0);
    for (size_t l = 0; l < n_levels; l++) {
        char name[96]; /* the level names are short; the compiler cannot see that levels[] are literals */
        if (strcmp(ran[l], levels[l]) == 0 || !ran[l][0])
            snprintf(name, sizeof name, "hedge_implied_vol_bsm_batch [%s]", levels[l]);
        else
            snprintf(name, sizeof name, "hedge_implied_vol_bsm_batch [%s ran %s]", levels[l], ran[l]);
        if (isnan(batch_ns[l]))
            printf("%-48s %10s  (the child process failed)\n", name, "-");
        else
            row(name, batch_ns[l], naive, "<= 50 ns", batch_ns[l] <= 50.0);
    }
    printf("\naccuracy, worst |sigma - true sigma| (unsolved): naive %.1e (%zu), scalar %.1e (%zu), batch [%s] "
           "%.1e (%zu)\n",
           naive_err, naive_miss, scalar_err, scalar_miss, bench_simd_name(caps), batch_err, batch_miss);

    job_free(&j);
    bench_chain_free(&c);
    return 0;
}
