#include "chain.h"

#include <hedge/version.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* splitmix64: tiny, and the same sequence on every platform, unlike rand(). */
static uint64_t next(uint64_t *state) {
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double uniform(uint64_t *state) { return (double)(next(state) >> 11) * 0x1p-53; }

static void *alloc_or_die(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "bench: out of memory for %zu options\n", n);
        exit(1);
    }
    return p;
}

void bench_chain_make(bench_chain *c, size_t n, uint64_t seed) {
    c->n = n;
    c->type = alloc_or_die(n, sizeof *c->type);
    c->days = alloc_or_die(n, sizeof *c->days);
    c->S = alloc_or_die(n, sizeof *c->S);
    c->K = alloc_or_die(n, sizeof *c->K);
    c->T = alloc_or_die(n, sizeof *c->T);
    c->r = alloc_or_die(n, sizeof *c->r);
    c->q = alloc_or_die(n, sizeof *c->q);
    c->sigma = alloc_or_die(n, sizeof *c->sigma);
    uint64_t st = seed;
    for (size_t i = 0; i < n; i++) {
        double S = uniform(&st) < 0.5 ? 100.0 : 60000.0;
        /* log-uniform in days: as many options inside a month as between one and two years */
        int days = (int)floor(exp(uniform(&st) * log(731.0)));
        if (days < 1)
            days = 1;
        double T = days / 365.0;
        double sigma = 0.20 + 1.30 * uniform(&st);
        double r = 0.05 * uniform(&st), q = 0.03 * uniform(&st);
        double F = S * exp((r - q) * T);
        double z = -3.0 + 6.0 * uniform(&st);
        c->type[i] = uniform(&st) < 0.5 ? 1 : -1;
        c->days[i] = days;
        c->S[i] = S;
        c->K[i] = F * exp(z * sigma * sqrt(T));
        c->T[i] = T;
        c->r[i] = r;
        c->q[i] = q;
        c->sigma[i] = sigma;
    }
}

void bench_chain_free(bench_chain *c) {
    free(c->type);
    free(c->days);
    free(c->S);
    free(c->K);
    free(c->T);
    free(c->r);
    free(c->q);
    free(c->sigma);
    memset(c, 0, sizeof *c);
}

double bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

double bench_time(bench_fn fn, void *arg, int samples, double min_sample_ms) {
    double t0 = bench_now_ns();
    fn(arg);
    double once = bench_now_ns() - t0;
    long reps = 1;
    if (once > 0.0 && once < min_sample_ms * 1e6)
        reps = (long)ceil(min_sample_ms * 1e6 / once);
    double best = INFINITY;
    for (int s = 0; s < samples; s++) {
        double start = bench_now_ns();
        for (long k = 0; k < reps; k++)
            fn(arg);
        double per_call = (bench_now_ns() - start) / (double)reps;
        if (per_call < best)
            best = per_call;
    }
    return best;
}

static void usage(const char *prog) {
    fprintf(stderr, "usage: %s [--n OPTIONS] [--samples N]\n", prog);
    exit(2);
}

void bench_args(int argc, char **argv, size_t *n, int *samples, const char *const *extra) {
    for (int i = 1; i < argc; i++) {
        int known = 0;
        for (const char *const *e = extra; e && *e; e++)
            known |= strcmp(argv[i], *e) == 0;
        if (known)
            continue;
        if (i + 1 < argc && strcmp(argv[i], "--n") == 0) {
            long v = strtol(argv[++i], NULL, 10);
            if (v < 1)
                usage(argv[0]);
            *n = (size_t)v;
        } else if (i + 1 < argc && strcmp(argv[i], "--samples") == 0) {
            long v = strtol(argv[++i], NULL, 10);
            if (v < 1 || v > 1000)
                usage(argv[0]);
            *samples = (int)v;
        } else {
            usage(argv[0]);
        }
    }
}

const char *bench_simd_name(uint64_t capabilities) {
    return capabilities & HEDGE_CAP_SIMD_AVX512 ? "avx512" : capabilities & HEDGE_CAP_SIMD_AVX2 ? "avx2" : "portable";
}

double bench_child(const char *self, const char *flag, const char *simd, size_t n, int samples, char *ran) {
    int fd[2];
    if (pipe(fd) != 0)
        return NAN;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return NAN;
    }
    if (pid == 0) {
        char nbuf[32], sbuf[16];
        snprintf(nbuf, sizeof nbuf, "%zu", n);
        snprintf(sbuf, sizeof sbuf, "%d", samples);
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        setenv("HEDGE_SIMD", simd, 1);
        char *args[] = {strdup(self), strdup(flag), (char *)"--n", nbuf, (char *)"--samples", sbuf, NULL};
        execv("/proc/self/exe", args); /* survives a relative argv[0] and a changed directory */
        execv(self, args);
        _exit(127);
    }
    close(fd[1]);
    char line[128] = "";
    FILE *in = fdopen(fd[0], "r");
    if (!in || !fgets(line, sizeof line, in))
        line[0] = '\0';
    if (in)
        fclose(in);
    else
        close(fd[0]);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    double ns = NAN;
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || sscanf(line, "%15s %lf", ran, &ns) != 2)
        return NAN;
    return ns;
}
