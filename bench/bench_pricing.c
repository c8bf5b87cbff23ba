/*
 * ns/option of the BSM pricing kernels against a textbook baseline timed in the same run.
 *
 * The batch kernels choose their SIMD path once per process (HEDGE_SIMD can only lower it), so the
 * program re-executes itself once per path with HEDGE_SIMD set and reads the child's timing from a
 * pipe; everything else is measured in the parent.
 */
#include "baseline.h"
#include "chain.h"

#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_FLAG "--batch-child"
#define MIN_SAMPLE_MS 20.0

typedef struct outputs {
    double *price, *delta, *gamma, *vega, *theta, *rho;
} outputs;

typedef struct job {
    const bench_chain *c;
    outputs o;
} job;

static void die_status(const char *what, hedge_status st) {
    fprintf(stderr, "bench_pricing: %s failed: %s (%s)\n", what, hedge_status_name(st), hedge_error_message());
    exit(1);
}

static void outputs_alloc(outputs *o, size_t n) {
    double **all[] = {&o->price, &o->delta, &o->gamma, &o->vega, &o->theta, &o->rho};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        *all[k] = calloc(n, sizeof(double));
        if (!*all[k]) {
            fprintf(stderr, "bench_pricing: out of memory\n");
            exit(1);
        }
    }
}

static void outputs_free(outputs *o) {
    free(o->price);
    free(o->delta);
    free(o->gamma);
    free(o->vega);
    free(o->theta);
    free(o->rho);
}

static void run_naive_greeks(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    naive_bsm_greeks(c->n, c->type, c->S, c->K, c->T, c->r, c->q, c->sigma, j->o.price, j->o.delta, j->o.gamma,
                     j->o.vega, j->o.theta, j->o.rho);
}

static void run_naive_price(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    for (size_t i = 0; i < c->n; i++)
        j->o.price[i] = naive_bsm_price(c->type[i], c->S[i], c->K[i], c->T[i], c->r[i], c->q[i], c->sigma[i]);
}

/* Stores the same six outputs as the batch call, so the two do the same memory traffic. */
static void run_scalar_greeks(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    for (size_t i = 0; i < c->n; i++) {
        hedge_greeks g = HEDGE_GREEKS_INIT;
        hedge_status st = hedge_bsm_greeks(&g, (hedge_option_type)c->type[i], c->S[i], c->K[i], c->T[i], c->r[i],
                                           c->q[i], c->sigma[i]);
        if (st != HEDGE_OK)
            die_status("hedge_bsm_greeks", st);
        j->o.price[i] = g.price;
        j->o.delta[i] = g.delta;
        j->o.gamma[i] = g.gamma;
        j->o.vega[i] = g.vega;
        j->o.theta[i] = g.theta;
        j->o.rho[i] = g.rho;
    }
}

static void run_scalar_price(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    for (size_t i = 0; i < c->n; i++) {
        hedge_status st = hedge_bsm_price(&j->o.price[i], (hedge_option_type)c->type[i], c->S[i], c->K[i], c->T[i],
                                          c->r[i], c->q[i], c->sigma[i]);
        if (st != HEDGE_OK)
            die_status("hedge_bsm_price", st);
    }
}

static void run_batch(void *arg) {
    job *j = arg;
    const bench_chain *c = j->c;
    hedge_greeks_arrays out = HEDGE_GREEKS_ARRAYS_INIT;
    out.price = j->o.price;
    out.delta = j->o.delta;
    out.gamma = j->o.gamma;
    out.vega = j->o.vega;
    out.theta = j->o.theta;
    out.rho = j->o.rho;
    hedge_status st = hedge_bsm_greeks_batch(c->n, c->type, c->S, c->K, c->T, c->r, c->q, c->sigma, &out);
    if (st != HEDGE_OK)
        die_status("hedge_bsm_greeks_batch", st);
}

/* The path the batch kernels take in this process, from what the library reports. */
static const char *simd_in_use(void) {
    return bench_simd_name(hedge_capabilities());
}

/* Child mode: time the batch kernel at whatever path HEDGE_SIMD left, print "<path> <ns/option>". */
static int batch_child(size_t n, int samples) {
    bench_chain c;
    bench_chain_make(&c, n, BENCH_SEED);
    job j = {&c, {0}};
    outputs_alloc(&j.o, n);
    double ns = bench_time(run_batch, &j, samples, MIN_SAMPLE_MS) / (double)n;
    printf("%s %.6f\n", simd_in_use(), ns);
    outputs_free(&j.o);
    bench_chain_free(&c);
    return 0;
}

static double max_rel(const double *a, const double *b, size_t n, const double *scale, double floor_frac) {
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double floor = scale ? floor_frac * scale[i] : floor_frac;
        if (fabs(b[i]) < floor)
            continue;
        double d = fabs(a[i] - b[i]) / fabs(b[i]);
        if (d > worst)
            worst = d;
    }
    return worst;
}

static double max_abs(const double *a, const double *b, size_t n) {
    double worst = 0.0;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) > worst)
            worst = fabs(a[i] - b[i]);
    return worst;
}

static void row(const char *name, double ns, double base_ns, const char *base, const char *target, int met) {
    printf("%-52s %10.1f %9.2fx  %-14s %-10s %s\n", name, ns, base_ns / ns, base, target,
           met < 0 ? "" : met ? "met" : "MISSED");
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
    job j = {&c, {0}};
    outputs_alloc(&j.o, n);

    double naive = bench_time(run_naive_greeks, &j, samples, MIN_SAMPLE_MS) / (double)n;
    outputs ref;
    outputs_alloc(&ref, n);
    naive_bsm_greeks(n, c.type, c.S, c.K, c.T, c.r, c.q, c.sigma, ref.price, ref.delta, ref.gamma, ref.vega,
                     ref.theta, ref.rho);
    double naive_price = bench_time(run_naive_price, &j, samples, MIN_SAMPLE_MS) / (double)n;
    double scalar_price = bench_time(run_scalar_price, &j, samples, MIN_SAMPLE_MS) / (double)n;
    double scalar_greeks = bench_time(run_scalar_greeks, &j, samples, MIN_SAMPLE_MS) / (double)n;
    outputs scalar;
    outputs_alloc(&scalar, n);
    memcpy(scalar.price, j.o.price, n * sizeof(double));
    memcpy(scalar.delta, j.o.delta, n * sizeof(double));

    /* Every path this machine has, lowest first; the parent's own run gives the outputs to check. */
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

    printf("libhedge %s: BSM pricing kernels, %zu options (seed %llu) repeated, min of %d samples >= %.0f ms\n",
           hedge_version_string(), n, (unsigned long long)BENCH_SEED, samples, MIN_SAMPLE_MS);
    printf("chain: S = 100 or 60000, T 1 day..2 years, vol 20%%..150%%, strikes +-3 sd of the forward, calls and "
           "puts, r 0..5%%, q 0..3%%\n");
    printf("speed-up = baseline ns / ns (above 1: faster than the baseline); 'naive' is the textbook formula with "
           "libm erfc/exp/log, compiled in this program\n\n");
    printf("%-52s %10s %10s  %-14s %-10s %s\n", "kernel", "ns/option", "speed-up", "vs", "target", "");
    row("naive price + 5 Greeks (baseline)", naive, naive, "naive greeks", "", -1);
    row("naive price only (baseline)", naive_price, naive_price, "naive price", "", -1);
    row("hedge_bsm_price, scalar", scalar_price, naive_price, "naive price", "", -1);
    row("hedge_bsm_greeks, scalar (all 16 Greeks)", scalar_greeks, naive, "naive greeks", "", -1);
    for (size_t l = 0; l < n_levels; l++) {
        char name[96];
        int avx512 = strcmp(levels[l], "avx512") == 0, avx2 = strcmp(levels[l], "avx2") == 0;
        if (strcmp(ran[l], levels[l]) == 0 || !ran[l][0])
            snprintf(name, sizeof name, "hedge_bsm_greeks_batch, price + 5 Greeks [%s]", levels[l]);
        else
            snprintf(name, sizeof name, "hedge_bsm_greeks_batch, price + 5 [%s ran %s]", levels[l], ran[l]);
        if (isnan(batch_ns[l])) {
            printf("%-52s %10s  (the child process failed)\n", name, "-");
            continue;
        }
        const char *target = avx512 ? "<= 10 ns" : avx2 ? "<= 15 ns" : "";
        int met = avx512 ? batch_ns[l] <= 10.0 : avx2 ? batch_ns[l] <= 15.0 : -1;
        row(name, batch_ns[l], naive, "naive greeks", target, met);
    }
    if (n_levels < 3)
        printf("(paths this CPU lacks are not shown: %s)\n", caps & HEDGE_CAP_SIMD_AVX2 ? "avx512" : "avx2, avx512");
    printf("issue targets for reference: QuantLib AnalyticEuropeanEngine ~2400 ns, BlackCalculator ~200 ns "
           "(bench_quantlib measures both)\n\n");

    /* A timing means nothing if the kernels disagree: check against the textbook and each other.
     * The textbook price cancels in the far wings, so prices under 1e-6 of spot are left out. */
    printf("agreement (batch [%s] vs naive): price max rel %.2e (options >= 1e-6 S), delta max abs %.2e, "
           "vega max rel %.2e\n",
           simd_in_use(), max_rel(j.o.price, ref.price, n, c.S, 1e-6), max_abs(j.o.delta, ref.delta, n),
           max_rel(j.o.vega, ref.vega, n, c.S, 1e-6));
    printf("agreement (batch vs scalar hedge_bsm_greeks): price max rel %.2e, delta max abs %.2e\n",
           max_rel(j.o.price, scalar.price, n, NULL, 1e-300), max_abs(j.o.delta, scalar.delta, n));

    outputs_free(&scalar);
    outputs_free(&ref);
    outputs_free(&j.o);
    bench_chain_free(&c);
    return 0;
}
