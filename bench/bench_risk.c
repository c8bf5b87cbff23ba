/*
 * The risk issue's timings: aggregating a large book's per-position figures into buckets against
 * the memory-bandwidth floor (reading the same data once, in the same process), and the throughput
 * of full scenario revaluation in position-scenarios per second.
 */
#include "chain.h"

#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define COLUMNS 7
#define BUCKETS 64
#define MAX_BUCKETS 1024

static void check(hedge_status st, const char *what) {
    if (st != HEDGE_OK) {
        fprintf(stderr, "bench_risk: %s: %s (%s)\n", what, hedge_status_name(st), hedge_error_message());
        exit(1);
    }
}

typedef struct agg {
    size_t n, n_buckets;
    uint32_t *bucket;
    double *col[COLUMNS];
    double sums[MAX_BUCKETS * COLUMNS];
    double floor_sink;
} agg;

static void run_aggregate(void *arg) {
    agg *a = arg;
    check(hedge_aggregate_columns(a->n, a->bucket, (const double *const *)a->col, COLUMNS, a->sums, a->n_buckets),
          "hedge_aggregate_columns");
}

/* The floor: every byte the aggregation must read (bucket ids and columns), read once and summed.
 * Three ways of reading them are timed and the fastest is the floor, so the ratio is not flattered
 * by a slow read: one array at a time with the plain loop below, the same with a prefetch 2 KiB
 * ahead on every cache line as the aggregation kernel does, and all arrays in lockstep (on this VM
 * any of them can be the fastest, depending on the load from other jobs). */
static double floor_ids(const agg *a) {
    uint64_t ids = 0;
    for (size_t i = 0; i < a->n; i++)
        ids += a->bucket[i];
    return (double)ids;
}

static void run_floor(void *arg) {
    agg *a = arg;
    double s = floor_ids(a);
    for (int c = 0; c < COLUMNS; c++) {
        const double *col = a->col[c];
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        size_t i = 0;
        for (; i + 4 <= a->n; i += 4) {
            t0 += col[i];
            t1 += col[i + 1];
            t2 += col[i + 2];
            t3 += col[i + 3];
        }
        for (; i < a->n; i++)
            t0 += col[i];
        s += t0 + t1 + t2 + t3;
    }
    a->floor_sink += s;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif
static void run_floor_prefetch(void *arg) {
    agg *a = arg;
    double s = floor_ids(a);
    for (int c = 0; c < COLUMNS; c++) {
        const double *col = a->col[c];
        double t[8] = {0};
        size_t i = 0;
        for (; i + 8 <= a->n; i += 8) {
            if (i + 256 < a->n)
                PREFETCH(col + i + 256);
            for (int k = 0; k < 8; k++)
                t[k] += col[i + (size_t)k];
        }
        for (; i < a->n; i++)
            t[0] += col[i];
        s += ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
    }
    a->floor_sink += s;
}

/* The third read: every array at once, in lockstep, with the same prefetch (how the kernel streams
 * them; on this VM eight streams in flight can outrun one, so without it the "floor" could be
 * slower than the aggregation). */
static void run_floor_lockstep(void *arg) {
    agg *a = arg;
    uint64_t ids = 0;
    double t[COLUMNS][4] = {{0}};
    size_t i = 0;
    for (; i + 8 <= a->n; i += 8) {
        if (i + 256 < a->n) {
            if (i % 16 == 0)
                PREFETCH(a->bucket + i + 256);
            for (int c = 0; c < COLUMNS; c++)
                PREFETCH(a->col[c] + i + 256);
        }
        for (int k = 0; k < 8; k++)
            ids += a->bucket[i + (size_t)k];
        for (int c = 0; c < COLUMNS; c++)
            for (int k = 0; k < 8; k++)
                t[c][k % 4] += a->col[c][i + (size_t)k];
    }
    double s = 0;
    for (; i < a->n; i++) {
        ids += a->bucket[i];
        for (int c = 0; c < COLUMNS; c++)
            s += a->col[c][i];
    }
    for (int c = 0; c < COLUMNS; c++)
        s += (t[c][0] + t[c][1]) + (t[c][2] + t[c][3]);
    a->floor_sink += s + (double)ids;
}

/* Min over rounds that alternate the aggregation and the reads, so a burst of load from other processes on the machine
 * cannot fall on one side only. */
static void time_pair(agg *a, int samples, double *t_agg, double *t_floor) {
    *t_agg = *t_floor = INFINITY;
    for (int r = 0; r < 3; r++) {
        *t_agg = fmin(*t_agg, bench_time(run_aggregate, a, samples, 50.0));
        *t_floor = fmin(*t_floor, bench_time(run_floor, a, samples, 50.0));
        *t_floor = fmin(*t_floor, bench_time(run_floor_prefetch, a, samples, 50.0));
        *t_floor = fmin(*t_floor, bench_time(run_floor_lockstep, a, samples, 50.0));
    }
}

static void print_pair(const char *label, size_t n, double t_agg, double t_floor) {
    double bytes = (double)n * (sizeof(uint32_t) + COLUMNS * sizeof(double));
    printf("  %s\n", label);
    printf("    aggregate        %9.2f ms  %6.2f GB/s\n", t_agg / 1e6, bytes / t_agg);
    printf("    read-once floor  %9.2f ms  %6.2f GB/s\n", t_floor / 1e6, bytes / t_floor);
    printf("    ratio            %9.2fx   (target <= 1.3x)  %s\n", t_agg / t_floor,
           t_agg / t_floor <= 1.3 ? "met" : "MISSED");
}

typedef struct scen {
    hedge_context *ctx;
    hedge_market *market;
    hedge_portfolio *book;
    hedge_scenario sc[51];
    hedge_shift sh[51];
    size_t n_sc;
    unsigned threads;
} scen;

static void run_scenarios(void *arg) {
    scen *s = arg;
    hedge_scenario_options o = HEDGE_SCENARIO_OPTIONS_INIT;
    o.threads = s->threads;
    hedge_scenario_pnl *r;
    check(hedge_scenarios_run(&r, s->ctx, s->book, s->market, s->sc, s->n_sc, &o), "hedge_scenarios_run");
    hedge_scenario_pnl_destroy(r);
}

static void run_risk(void *arg) {
    scen *s = arg;
    hedge_risk *r;
    check(hedge_risk_compute(&r, s->ctx, s->book, s->market, NULL), "hedge_risk_compute");
    hedge_risk_destroy(r);
}

/* A book of n options on one underlying: 6 expiries, strikes across the smile, calls and puts,
 * random quantities; a flat-skew SVI surface and a snapshot without forward points. */
static void make_book(scen *s, size_t n) {
    check(hedge_context_create(&s->ctx, NULL), "hedge_context_create");
    hedge_snapshot_builder *b;
    check(hedge_snapshot_builder_create(&b, s->ctx, NOW, NULL), "builder");
    check(hedge_snapshot_builder_set_spot(b, "BTC", 60000, NOW, 0), "spot");
    check(hedge_snapshot_builder_set_rate(b, "BTC", 0.04), "rate");
    hedge_snapshot *snap;
    check(hedge_snapshot_builder_finish(&snap, b), "finish");
    hedge_snapshot_builder_destroy(b);
    static const int days[6] = {7, 14, 30, 60, 91, 182};
    hedge_svi_slice sl[6];
    for (int e = 0; e < 6; e++) {
        double T = days[e] / 365.0;
        sl[e] = (hedge_svi_slice){NOW + days[e] * DAY, 0, 60000 * exp(0.04 * T), 0.36 * T * 0.8, 0.1 * sqrt(T),
                                  -0.3, 0.0, 0.1, 0};
    }
    hedge_vol_surface *surf;
    check(hedge_vol_surface_create(&surf, s->ctx, NOW, sl, 6), "surface");
    hedge_instrument **inst = malloc(n * sizeof *inst);
    check(hedge_portfolio_create(&s->book, s->ctx), "portfolio");
    uint64_t st = BENCH_SEED;
    for (size_t i = 0; i < n; i++) {
        st = st * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        int e = (int)((st >> 33) % 6);
        double T = days[e] / 365.0, z = ((double)((st >> 20) % 1000) / 500.0 - 1.0) * 2.5;
        char sym[64];
        snprintf(sym, sizeof sym, "BTC-%d-%zu", days[e], i);
        hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
        sp.kind = HEDGE_INSTRUMENT_OPTION;
        sp.symbol = sym;
        sp.underlying = "BTC";
        sp.settlement = i % 3 ? HEDGE_SETTLE_INVERSE : HEDGE_SETTLE_LINEAR;
        sp.option_type = z < 0 ? HEDGE_PUT : HEDGE_CALL;
        sp.strike = round(60000 * exp(0.04 * T + z * 0.6 * sqrt(T)));
        sp.expiry_ms = NOW + days[e] * DAY;
        check(hedge_instrument_create(&inst[i], s->ctx, &sp), "instrument");
        hedge_position p = HEDGE_POSITION_INIT;
        p.instrument = inst[i];
        p.quantity = (double)((st >> 40) % 200) - 100.0;
        check(hedge_portfolio_add(s->book, &p), "add");
    }
    const char *names[1] = {"BTC"};
    const hedge_vol_surface *surfs[1] = {surf};
    check(hedge_market_create(&s->market, s->ctx, snap, NULL, 0, surfs, names, 1), "market");
    for (size_t i = 0; i < n; i++)
        hedge_instrument_destroy(inst[i]);
    free(inst);
    hedge_vol_surface_destroy(surf);
    hedge_snapshot_destroy(snap);
    static const double vols[3] = {-0.3, 0.0, 0.45};
    check(hedge_scenario_grid(s->sc, s->sh, 51, &s->n_sc, 0.16, 8, vols, 3, 0.0), "grid");
}

int main(int argc, char **argv) {
    size_t n = 10000000;
    int samples = 7;
    bench_args(argc, argv, &n, &samples, NULL);
    static agg a;
    a.n = n;
    a.bucket = malloc(n * sizeof *a.bucket);
    for (int c = 0; c < COLUMNS; c++)
        a.col[c] = malloc(n * sizeof(double));
    if (!a.bucket)
        return 1;
    uint64_t st = BENCH_SEED;
    for (size_t i = 0; i < n; i++) {
        st = st * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        for (int c = 0; c < COLUMNS; c++)
            a.col[c][i] = (double)(st >> (c + 11)) * 1e-15;
    }
    printf("libhedge %s: risk layer, min of %d samples x 3 rounds (aggregation), min of %d samples (rest)\n\n",
           hedge_version_string(), samples, samples);
    /* 64 buckets is the case (the accumulator, four copies); above 128 the kernel adds into
     * the caller's sums. */
    static const size_t bucket_counts[] = {BUCKETS, 512, MAX_BUCKETS};
    for (size_t j = 0; j < sizeof bucket_counts / sizeof bucket_counts[0]; j++) {
        a.n_buckets = bucket_counts[j];
        for (size_t i = 0; i < n; i++) {
            st = st * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
            a.bucket[i] = (uint32_t)((st >> 33) % a.n_buckets);
        }
        printf("aggregation of %zu positions x %d figures into %zu buckets (hedge_aggregate_columns)\n", n, COLUMNS,
               a.n_buckets);
        double t_agg, t_floor;
        time_pair(&a, samples, &t_agg, &t_floor);
        print_pair("buckets at random", n, t_agg, t_floor);
        /* The same book sorted by bucket (one run per bucket), as a book kept in underlying and expiry
         * order arrives: every add hits the row the previous adds just wrote. */
        static size_t count[MAX_BUCKETS];
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[a.bucket[i]]++;
        for (size_t b = 0, i = 0; b < a.n_buckets; b++)
            for (size_t k = 0; k < count[b]; k++)
                a.bucket[i++] = (uint32_t)b;
        time_pair(&a, samples, &t_agg, &t_floor);
        print_pair("buckets sorted (one run per bucket)", n, t_agg, t_floor);
        printf("\n");
    }
    free(a.bucket);
    for (int c = 0; c < COLUMNS; c++)
        free(a.col[c]);

    static scen s;
    const size_t book = 20000;
    make_book(&s, book);
    double t_risk = bench_time(run_risk, &s, samples, 50.0);
    printf("Greeks of a book of %zu options valued one by one (hedge_risk_compute): %.1f ms, %.0f ns/position\n",
           book, t_risk / 1e6, t_risk / book);
    for (unsigned th = 1; th <= 2; th++) {
        s.threads = th;
        double t = bench_time(run_scenarios, &s, samples, 50.0);
        printf("scenario revaluation, %zu positions x %zu scenarios, %u thread%s: %.1f ms, %.2f million "
               "position-scenarios/s\n",
               book, s.n_sc, th, th > 1 ? "s" : "", t / 1e6, book * s.n_sc / t * 1e3);
    }
    hedge_portfolio_destroy(s.book);
    hedge_market_destroy(s.market);
    hedge_context_destroy(s.ctx);
    return 0;
}
