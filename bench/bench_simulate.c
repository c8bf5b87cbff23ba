/*
 * The hedging simulator's throughput: a written ATM call (S = K = 100, vol 20%, one year, r = 3%,
 * drift 5%) delta hedged with spot every day under a 5 bp cost, on 10,000 GBM paths of 365 daily
 * steps, in path-steps per second, on one thread and on every CPU; against the same experiment
 * vectorised over paths with numpy (bench_simulate_numpy.py, run from here), whose std/price must
 * agree with ours within Monte Carlo error.
 */
#define _POSIX_C_SOURCE 200809L

#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef HEDGE_BENCH_SRCDIR
#define HEDGE_BENCH_SRCDIR "."
#endif

static void check(hedge_status st, const char *what) {
    if (st != HEDGE_OK) {
        fprintf(stderr, "bench_simulate: %s: %s (%s)\n", what, hedge_status_name(st), hedge_error_message());
        exit(1);
    }
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best of `samples` runs, in seconds; the last run's statistics in *out. */
static double time_run(hedge_context *ctx, size_t paths, size_t steps, unsigned threads, int samples,
                       hedge_sim_stats *out) {
    hedge_sim_paths P = HEDGE_SIM_PATHS_INIT;
    P.spot = 100;
    P.drift = 0.05;
    P.vol = 0.2;
    hedge_sim_option O = HEDGE_SIM_OPTION_INIT;
    O.quantity = -1;
    O.strike = 100;
    O.expiry = 1;
    O.rate = 0.03;
    O.hedge_vol = 0.2;
    hedge_sim_hedge H = HEDGE_SIM_HEDGE_INIT;
    H.cost_rate = 0.0005;
    hedge_rebalance_policy pol = HEDGE_REBALANCE_POLICY_INIT; /* daily calendar */
    pol.cost_rate = 0.0005;
    hedge_sim_options o = HEDGE_SIM_OPTIONS_INIT;
    o.paths = paths;
    o.steps = steps;
    o.threads = threads;
    double best = HUGE_VAL;
    for (int s = 0; s < samples; s++) {
        o.seed = 1 + (uint64_t)s;
        *out = (hedge_sim_stats)HEDGE_SIM_STATS_INIT;
        double t0 = now_s();
        check(hedge_sim_run(out, NULL, 0, ctx, &P, &O, &H, &pol, &o), "hedge_sim_run");
        double t = now_s() - t0;
        best = t < best ? t : best;
    }
    return best;
}

int main(int argc, char **argv) {
    size_t paths = 10000, steps = 365;
    int samples = 5, numpy = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            samples = atoi(argv[++i]);
        else if (strcmp(argv[i], "--no-numpy") == 0)
            numpy = 0;
        else if (strcmp(argv[i], "--paths") == 0 && i + 1 < argc)
            paths = (size_t)atol(argv[++i]);
    }
    if (samples < 1)
        samples = 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = cpus > 1 ? (unsigned)cpus : 1;
    hedge_context *ctx = NULL;
    check(hedge_context_create(&ctx, NULL), "hedge_context_create");
    printf("libhedge %s: hedging simulator, written ATM call delta hedged daily with spot (5 bp), GBM, %zu paths x "
           "%zu steps; best of %d\n\n", hedge_version_string(), paths, steps, samples);
    printf("%-34s %10s %16s %10s %12s\n", "", "ms", "path-steps/s", "std/price", "mean P&L");
    hedge_sim_stats s1, sn;
    double t1 = time_run(ctx, paths, steps, 1, samples, &s1);
    double work = (double)paths * (double)steps;
    printf("%-34s %10.1f %16.3g %10.4f %12.4f\n", "libhedge, 1 thread", 1e3 * t1, work / t1, s1.std_over_price, s1.mean);
    double tn = t1;
    if (threads > 1) {
        tn = time_run(ctx, paths, steps, threads, samples, &sn);
        char label[64];
        snprintf(label, sizeof label, "libhedge, %u threads", threads);
        printf("%-34s %10.1f %16.3g %10.4f %12.4f\n", label, 1e3 * tn, work / tn, sn.std_over_price, sn.mean);
    }
    if (numpy) {
        char cmd[1024], line[256] = "";
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/bench/bench_simulate_numpy.py %zu %zu %d 2>&1",
                 HEDGE_BENCH_SRCDIR, paths, steps, samples < 3 ? samples : 3);
        FILE *pipe = popen(cmd, "r");
        double ms = 0, ratio = 0, mean = 0;
        char cdf[64] = "";
        int ok = 0;
        if (pipe) {
            if (fgets(line, sizeof line, pipe))
                ok = sscanf(line, "%lf %lf %lf %63s", &ms, &ratio, &mean, cdf) == 4;
            pclose(pipe);
        }
        if (ok) {
            char label[80]; /* "numpy (" + up to 63 bytes of cdf + ")": GCC checks at -O0 */
            snprintf(label, sizeof label, "numpy (%s)", cdf);
            printf("%-34s %10.1f %16.3g %10.4f %12.4f\n", label, ms, work / (1e-3 * ms), ratio, mean);
            /* the standard error of std/price is about ratio / sqrt(2 n) (nearly normal P&L) */
            double se = s1.std_over_price / sqrt(2.0 * (double)paths) * sqrt(2.0);
            printf("\nnumpy time / libhedge time: %.1fx on 1 thread, %.1fx on %u threads; std/price agrees: %s "
                   "(%.4f vs %.4f, 4 se = %.4f)\n",
                   1e-3 * ms / t1, 1e-3 * ms / tn, threads, fabs(ratio - s1.std_over_price) <= 4 * se ? "yes" : "NO",
                   ratio, s1.std_over_price, 4 * se);
        } else {
            line[strcspn(line, "\n")] = 0;
            printf("numpy skipped: %s\n", line[0] ? line : "python3 not found");
        }
    }
    hedge_context_destroy(ctx);
    return 0;
}
