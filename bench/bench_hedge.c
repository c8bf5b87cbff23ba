/*
 * The hedge solver end to end on the sample market (examples/market.json): the whole hedge_solve()
 * (market data gathered, book and candidates revalued under the variance scenarios and the margin
 * grid, the optimizer problem built and solved, the answer mapped back), against the revaluation
 * alone that any hedge of the same book must do (the baseline: the book's risk, its scenario P&L and
 * its margin). Then the same book with every quoted BTC and ETH option of both venues added as a
 * candidate (a few hundred), to show how the solve grows with the candidate set.
 */
#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_SAMPLE_S 0.5

static void check(hedge_status st, const char *what) {
    if (st != HEDGE_OK) {
        fprintf(stderr, "bench_hedge: %s: %s (%s)\n", what, hedge_status_name(st), hedge_error_message());
        exit(1);
    }
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct env {
    hedge_context *ctx;
    hedge_market *market;
    hedge_portfolio *book;
    hedge_problem *problem;
} env;

static hedge_hedge_summary last;

static void solve_once(const env *e) {
    hedge_result *r = NULL;
    check(hedge_solve(&r, e->ctx, e->problem, e->book, e->market, NULL), "hedge_solve");
    last = (hedge_hedge_summary)HEDGE_HEDGE_SUMMARY_INIT;
    check(hedge_result_summary(&last, r), "summary");
    hedge_result_destroy(r);
}

/* What every hedge of this book has to compute anyway: risk, scenario P&L, margin. */
static void revalue_once(const env *e) {
    hedge_risk *risk = NULL;
    check(hedge_risk_compute(&risk, e->ctx, e->book, e->market, NULL), "risk");
    hedge_risk_destroy(risk);
    hedge_scenario sc[63];
    hedge_shift sh[63];
    size_t n = 0;
    const double vols[3] = {-0.06, 0.0, 0.06};
    check(hedge_scenario_grid(sc, sh, 63, &n, 0.08, 10, vols, 3, 1.0), "grid");
    hedge_scenario_pnl *pnl = NULL;
    check(hedge_scenarios_run(&pnl, e->ctx, e->book, e->market, sc, n, NULL), "scenarios");
    hedge_scenario_pnl_destroy(pnl);
    hedge_margin_result m = HEDGE_MARGIN_RESULT_INIT;
    check(hedge_portfolio_margin(&m, e->ctx, e->book, e->market, NULL), "margin");
}

/* Median of a few samples of the mean time per call over >= MIN_SAMPLE_S. */
static double time_it(void (*fn)(const env *), const env *e) {
    double samples[5];
    for (int k = 0; k < 5; k++) {
        size_t reps = 0;
        double t0 = now_s(), t;
        do {
            fn(e);
            reps++;
        } while ((t = now_s() - t0) < MIN_SAMPLE_S / 5);
        samples[k] = t / (double)reps;
    }
    for (int a = 0; a < 5; a++)
        for (int b = a + 1; b < 5; b++)
            if (samples[b] < samples[a]) {
                double x = samples[a];
                samples[a] = samples[b];
                samples[b] = x;
            }
    return samples[2];
}

int main(void) {
    const char *path = HEDGE_BENCH_SRCDIR "/examples/market.json";
    env e = {0};
    check(hedge_context_create(&e.ctx, NULL), "context");
    check(hedge_market_load_json(&e.market, e.ctx, path), "market");
    check(hedge_portfolio_load_json(&e.book, e.ctx, e.market, path), "book");
    check(hedge_problem_load_json(&e.problem, e.ctx, e.market, path), "problem");

    double solve = time_it(solve_once, &e), base = time_it(revalue_once, &e);
    printf("hedge_solve on examples/market.json (8 positions, 13 candidates, 63 scenarios, margin grid)\n");
    printf("  %-44s %10.3f ms   (%s, %zu trades, %zu iterations)\n", "hedge_solve, cold, end to end", 1e3 * solve,
           last.status == HEDGE_SOLVE_OPTIMAL ? "optimal" : "NOT optimal", last.trades, last.iterations);
    printf("  %-44s %10.3f ms\n", "baseline: the book's risk, scenarios, margin", 1e3 * base);
    printf("  %-44s %10.2f\n", "ratio solve / baseline", solve / base);

    /* every quoted option of the market as a candidate too */
    size_t added = 0;
    const hedge_snapshot *snap = hedge_market_snapshot(e.market);
    for (size_t i = 0; i < hedge_market_instrument_count(e.market); i++) {
        const hedge_instrument *ins = hedge_market_instrument(e.market, i);
        hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
        check(hedge_instrument_info(&sp, ins), "info");
        hedge_quote q = HEDGE_QUOTE_INIT;
        if (sp.kind != HEDGE_INSTRUMENT_OPTION || !sp.venue || hedge_snapshot_quote(&q, snap, sp.symbol, sp.venue))
            continue;
        hedge_candidate c = HEDGE_CANDIDATE_INIT;
        c.symbol = sp.symbol;
        c.taker_fee = 0.0003;
        c.fee_cap = 0.125;
        c.impact_from_book = 1;
        if (hedge_problem_add_candidate(e.problem, &c) == HEDGE_OK)
            added++;
    }
    hedge_error_clear();
    solve = time_it(solve_once, &e);
    printf("the same book with %zu more option candidates (every quoted option, both venues)\n", added);
    printf("  %-44s %10.3f ms   (%s, %zu trades, %zu iterations)\n", "hedge_solve, cold, end to end", 1e3 * solve,
           last.status == HEDGE_SOLVE_OPTIMAL ? "optimal" : "NOT optimal", last.trades, last.iterations);
    printf("  %-44s %10.2f\n", "ratio solve / baseline", solve / base);

    hedge_problem_destroy(e.problem);
    hedge_portfolio_destroy(e.book);
    hedge_market_destroy(e.market);
    hedge_context_destroy(e.ctx);
    return 0;
}
