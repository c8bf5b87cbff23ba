/*
 * Issue 4's two market-layer timings: fitting a 6-expiry x 40-strike volatility surface, and
 * pricing a whole chain off a snapshot and that surface: with hedge_instrument_value() one
 * instrument at a time, and by hand (forward and rate per expiry, vol per strike, one Black-76
 * batch call). The breakdown shows which of those steps the time goes to.
 */
#include "chain.h"

#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define N_EXPIRIES 6
#define N_STRIKES 40
#define N_OPTIONS (N_EXPIRIES * N_STRIKES * 2)
#define MIN_SAMPLE_MS 20.0

static const int expiry_days[N_EXPIRIES] = {7, 14, 30, 60, 91, 182};
static const double spot = 60000.0, rate = 0.04, basis = 0.06, atm_vol = 0.6;

typedef struct market {
    hedge_context *ctx;
    hedge_snapshot *snap;
    hedge_vol_surface *surface;
    hedge_smile_data smiles[N_EXPIRIES];
    double strikes[N_EXPIRIES][N_STRIKES], vols[N_EXPIRIES][N_STRIKES];
    /* the chain: every strike of every expiry, call and put */
    int64_t expiry[N_OPTIONS];
    int32_t type[N_OPTIONS];
    double K[N_OPTIONS], F[N_OPTIONS], T[N_OPTIONS], r[N_OPTIONS], sigma[N_OPTIONS];
    double price[N_OPTIONS], delta[N_OPTIONS], gamma[N_OPTIONS], vega[N_OPTIONS], theta[N_OPTIONS],
        rho[N_OPTIONS];
    hedge_instrument *inst[N_OPTIONS];
    double value_usd[N_OPTIONS];
} market;

static void check(hedge_status st, const char *what) {
    if (st != HEDGE_OK) {
        fprintf(stderr, "bench_market: %s: %s (%s)\n", what, hedge_status_name(st), hedge_error_message());
        exit(1);
    }
}

static double T_of(int64_t expiry) { return (double)(expiry - NOW) / HEDGE_MS_PER_YEAR; }

/* A BTC-like skewed surface in raw SVI, free of calendar arbitrage (ATM total variance and both
 * wings grow with T), sampled at 40 strikes over +-3 ATM standard deviations, with +-0.5 vol
 * points of deterministic noise so the fit has residuals to work on, as with market quotes. */
static void make_smiles(market *m) {
    uint64_t st = BENCH_SEED;
    for (int e = 0; e < N_EXPIRIES; e++) {
        int64_t expiry = NOW + expiry_days[e] * DAY;
        double T = T_of(expiry), F = spot * exp(basis * T);
        double theta = atm_vol * atm_vol * T, s = 0.1 + 0.1 * sqrt(T), b = 0.2 * sqrt(T), rho = -0.3;
        double a = theta - b * s, sd = atm_vol * sqrt(T);
        for (int j = 0; j < N_STRIKES; j++) {
            double k = -3.0 * sd + 6.0 * sd * j / (N_STRIKES - 1);
            double w = a + b * (rho * k + sqrt(k * k + s * s));
            st = st * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
            double noise = ((double)(st >> 11) * 0x1p-53 - 0.5) * 0.01;
            m->strikes[e][j] = F * exp(k);
            m->vols[e][j] = sqrt(w / T) + noise;
        }
        m->smiles[e] = (hedge_smile_data){expiry, F, N_STRIKES, m->strikes[e], m->vols[e], NULL};
    }
}

static void make_snapshot(market *m) {
    hedge_snapshot_builder *b;
    check(hedge_snapshot_builder_create(&b, m->ctx, NOW, NULL), "hedge_snapshot_builder_create");
    check(hedge_snapshot_builder_set_spot(b, "BTC", spot, NOW, 0), "hedge_snapshot_builder_set_spot");
    check(hedge_snapshot_builder_set_rate(b, "BTC", rate), "hedge_snapshot_builder_set_rate");
    for (int e = 0; e < N_EXPIRIES; e++)
        check(hedge_snapshot_builder_add_forward(b, "BTC", m->smiles[e].expiry_ms, m->smiles[e].forward),
              "hedge_snapshot_builder_add_forward");
    check(hedge_snapshot_builder_finish(&m->snap, b), "hedge_snapshot_builder_finish");
    hedge_snapshot_builder_destroy(b);
}

static void run_fit(void *arg) {
    market *m = arg;
    hedge_vol_surface *s;
    check(hedge_vol_surface_fit(&s, m->ctx, NOW, m->smiles, N_EXPIRIES), "hedge_vol_surface_fit");
    hedge_vol_surface_destroy(s);
}

static void price_one(market *m, size_t i) {
    double F, r, vol;
    check(hedge_snapshot_forward(&F, m->snap, "BTC", m->expiry[i]), "hedge_snapshot_forward");
    check(hedge_snapshot_rate(&r, m->snap, "BTC"), "hedge_snapshot_rate");
    check(hedge_vol_surface_vol(&vol, m->surface, m->K[i], F, m->expiry[i]), "hedge_vol_surface_vol");
    hedge_greeks g = HEDGE_GREEKS_INIT;
    check(hedge_black76_greeks(&g, (hedge_option_type)m->type[i], F, m->K[i], T_of(m->expiry[i]), r, vol),
          "hedge_black76_greeks");
    m->price[i] = g.price;
    m->delta[i] = g.delta;
    m->gamma[i] = g.gamma;
    m->vega[i] = g.vega;
    m->theta[i] = g.theta;
    m->rho[i] = g.rho;
}

/* The library's own valuation, one instrument at a time (linear options of 1 BTC). */
static void run_chain_value(void *arg) {
    market *m = arg;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        hedge_valuation v = HEDGE_VALUATION_INIT;
        check(hedge_instrument_value(&v, m->inst[i], m->snap, m->surface), "hedge_instrument_value");
        m->value_usd[i] = v.value_usd;
    }
}

/* One option at a time, every input looked up: the simplest correct caller. */
static void run_chain_scalar(void *arg) {
    market *m = arg;
    for (size_t i = 0; i < N_OPTIONS; i++)
        price_one(m, i);
}

/* Forward and rate once per expiry, the vol per strike, then one batch call for the whole chain. */
static void run_chain_batch(void *arg) {
    market *m = arg;
    double r;
    check(hedge_snapshot_rate(&r, m->snap, "BTC"), "hedge_snapshot_rate");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        if (i == 0 || m->expiry[i] != m->expiry[i - 1]) {
            check(hedge_snapshot_forward(&m->F[i], m->snap, "BTC", m->expiry[i]), "hedge_snapshot_forward");
            m->T[i] = T_of(m->expiry[i]);
        } else {
            m->F[i] = m->F[i - 1];
            m->T[i] = m->T[i - 1];
        }
        m->r[i] = r;
        check(hedge_vol_surface_vol(&m->sigma[i], m->surface, m->K[i], m->F[i], m->expiry[i]),
              "hedge_vol_surface_vol");
    }
    hedge_greeks_arrays out = {sizeof out, m->price, m->delta, m->gamma, m->vega, m->theta, m->rho, NULL};
    check(hedge_black76_greeks_batch(N_OPTIONS, m->type, m->F, m->K, m->T, m->r, m->sigma, &out),
          "hedge_black76_greeks_batch");
}

static void run_forwards(void *arg) {
    market *m = arg;
    for (size_t i = 0; i < N_OPTIONS; i++)
        check(hedge_snapshot_forward(&m->F[i], m->snap, "BTC", m->expiry[i]), "hedge_snapshot_forward");
}

static void run_vols(void *arg) {
    market *m = arg;
    for (size_t i = 0; i < N_OPTIONS; i++)
        check(hedge_vol_surface_vol(&m->sigma[i], m->surface, m->K[i], m->F[i], m->expiry[i]),
              "hedge_vol_surface_vol");
}

static void run_kernel_scalar(void *arg) {
    market *m = arg;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        hedge_greeks g = HEDGE_GREEKS_INIT;
        check(hedge_black76_greeks(&g, (hedge_option_type)m->type[i], m->F[i], m->K[i], m->T[i], m->r[i],
                                   m->sigma[i]),
              "hedge_black76_greeks");
        m->price[i] = g.price;
    }
}

static void run_kernel_batch(void *arg) {
    market *m = arg;
    hedge_greeks_arrays out = {sizeof out, m->price, m->delta, m->gamma, m->vega, m->theta, m->rho, NULL};
    check(hedge_black76_greeks_batch(N_OPTIONS, m->type, m->F, m->K, m->T, m->r, m->sigma, &out),
          "hedge_black76_greeks_batch");
}

/* ns, us or ms, whichever keeps three or four significant digits readable. */
static void fmt_time(char *buf, size_t size, double ns) {
    if (ns < 1e3)
        snprintf(buf, size, "%.1f ns", ns);
    else if (ns < 1e6)
        snprintf(buf, size, "%.1f us", ns / 1e3);
    else
        snprintf(buf, size, "%.1f ms", ns / 1e6);
}

static void row(const char *name, double ns_per_call, size_t per_call, const char *unit) {
    char each[32], whole[32];
    fmt_time(each, sizeof each, ns_per_call / (double)per_call);
    fmt_time(whole, sizeof whole, ns_per_call);
    printf("%-58s %12s per %-7s %12s\n", name, each, unit, whole);
}

int main(int argc, char **argv) {
    size_t unused_n = 0;
    int samples = 15;
    bench_args(argc, argv, &unused_n, &samples, NULL);
    static market m; /* about 40 KB: off the stack */
    check(hedge_context_create(&m.ctx, NULL), "hedge_context_create");
    make_smiles(&m);
    make_snapshot(&m);
    check(hedge_vol_surface_fit(&m.surface, m.ctx, NOW, m.smiles, N_EXPIRIES), "hedge_vol_surface_fit");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        size_t e = i / (2 * N_STRIKES), j = i % (2 * N_STRIKES) / 2;
        m.expiry[i] = m.smiles[e].expiry_ms;
        m.type[i] = i % 2 ? HEDGE_PUT : HEDGE_CALL;
        m.K[i] = m.strikes[e][j];
        char symbol[64];
        snprintf(symbol, sizeof symbol, "BTC-%dD-%.2f-%c", expiry_days[e], m.K[i], i % 2 ? 'P' : 'C');
        hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
        sp.kind = HEDGE_INSTRUMENT_OPTION;
        sp.symbol = symbol;
        sp.underlying = "BTC";
        sp.option_type = (hedge_option_type)m.type[i];
        sp.strike = m.K[i];
        sp.expiry_ms = m.expiry[i];
        check(hedge_instrument_create(&m.inst[i], m.ctx, &sp), "hedge_instrument_create");
    }
    run_chain_batch(&m); /* fills F, T, r and sigma for the component timings */

    double fit = bench_time(run_fit, &m, samples, MIN_SAMPLE_MS);
    double chain_value = bench_time(run_chain_value, &m, samples, MIN_SAMPLE_MS);
    double chain_scalar = bench_time(run_chain_scalar, &m, samples, MIN_SAMPLE_MS);
    double chain_batch = bench_time(run_chain_batch, &m, samples, MIN_SAMPLE_MS);
    double fwd = bench_time(run_forwards, &m, samples, MIN_SAMPLE_MS);
    double vols = bench_time(run_vols, &m, samples, MIN_SAMPLE_MS);
    double kernel_scalar = bench_time(run_kernel_scalar, &m, samples, MIN_SAMPLE_MS);
    double kernel_batch = bench_time(run_kernel_batch, &m, samples, MIN_SAMPLE_MS);

    double worst_rmse = 0.0;
    for (size_t e = 0; e < N_EXPIRIES; e++) {
        hedge_svi_slice sl;
        check(hedge_vol_surface_slice(&sl, m.surface, e), "hedge_vol_surface_slice");
        worst_rmse = fmax(worst_rmse, sl.rmse_vol);
    }
    printf("libhedge %s: market layer, BTC-like surface of %d expiries (7 days..6 months) x %d strikes "
           "(+-3 sd), min of %d samples >= %.0f ms; batch path %s\n",
           hedge_version_string(), N_EXPIRIES, N_STRIKES, samples, MIN_SAMPLE_MS,
           bench_simd_name(hedge_capabilities()));
    /* the two ways of pricing the chain must agree (BSM on spot with the snapshot's carry vs Black-76 on F) */
    run_chain_value(&m);
    run_chain_batch(&m);
    double worst = 0.0;
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (m.price[i] > 1e-6 * spot)
            worst = fmax(worst, fabs(m.value_usd[i] - m.price[i]) / m.price[i]);
    printf("\n%-58s %20s %12s\n", "operation", "time per unit", "per call");
    row("hedge_vol_surface_fit, 6 x 40 quotes", fit, N_EXPIRIES, "smile");
    row("chain of 480 options, hedge_instrument_value each", chain_value, N_OPTIONS, "option");
    row("chain of 480 options off the snapshot, one at a time", chain_scalar, N_OPTIONS, "option");
    row("chain of 480, lookups per expiry/strike + black76 batch", chain_batch, N_OPTIONS, "option");
    printf("breakdown, per option:\n");
    row("  hedge_snapshot_forward", fwd, N_OPTIONS, "option");
    row("  hedge_vol_surface_vol", vols, N_OPTIONS, "option");
    row("  hedge_black76_greeks, scalar (all 16 Greeks)", kernel_scalar, N_OPTIONS, "option");
    row("  hedge_black76_greeks_batch, price + 5 Greeks", kernel_batch, N_OPTIONS, "option");
    printf("\nfit quality: worst slice rmse %.4f vol points (input noise +-0.5 points, uniform)\n", worst_rmse * 100);
    printf("hedge_instrument_value vs the Black-76 batch: price max rel %.2g (options >= 1e-6 S)\n", worst);
    for (size_t i = 0; i < N_OPTIONS; i++)
        hedge_instrument_destroy(m.inst[i]);

    hedge_vol_surface_destroy(m.surface);
    hedge_snapshot_destroy(m.snap);
    hedge_context_destroy(m.ctx);
    return 0;
}
