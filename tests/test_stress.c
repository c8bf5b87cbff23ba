/* Thread-safety stress: 8 threads share immutable instruments, a snapshot and a volatility surface,
 * hammer every read path, take and drop references to the shared handles, and build and destroy
 * handles of their own, all at once. Each thread's results must be bit-identical to a run on one
 * thread: shared handles are read-only, so any difference is a data race the ThreadSanitizer build
 * (scripts/test.sh runs the unit suites under it) may not have caught in the act. Each thread also
 * checks that its error detail is its own (docs/threading.md). */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>
#include <hedge/implied_vol.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define NTHREADS 8
#define NSTRIKES 12
#define NEXPIRIES 3
#define NOPTIONS (2 * NSTRIKES * NEXPIRIES)
#define NINSTRUMENTS (NOPTIONS + 3)
/* Enough rounds to interleave the threads thoroughly, few enough for valgrind and TSan. */
#define ROUNDS 40

static const int64_t expiries[NEXPIRIES] = {NOW + 7 * DAY, NOW + 30 * DAY, NOW + 91 * DAY};

typedef struct shared {
    hedge_context *ctx;
    hedge_snapshot *snapshot;
    hedge_vol_surface *surface;
    hedge_instrument *instruments[NINSTRUMENTS];
    pthread_barrier_t start;
} shared;

/* Everything one round computes, compared bit for bit. */
typedef struct results {
    double value[NINSTRUMENTS][4]; /* value, delta_usd, vega_usd, vol */
    double forward[NEXPIRIES];
    double spot, rate, bid, ask, funding;
    double surface_vol[NEXPIRIES][NSTRIKES];
    double batch[6][NOPTIONS];
    double iv[NOPTIONS];
    double own_value; /* from the thread's own handles */
} results;

static double strike_of(int j) { return 70000.0 + 5000.0 * j; }

static hedge_snapshot *make_snapshot(hedge_context *ctx, double spot) {
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", spot, NOW - 1000, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_rate(b, "BTC", 0.045), HEDGE_OK);
    for (int e = 0; e < NEXPIRIES; e++)
        ck_assert_status(hedge_snapshot_builder_add_forward(b, "BTC", expiries[e], spot * (1 + 0.01 * (e + 1))),
                         HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "BTC-PERP", 1e-4, 1.2e-4, NOW, 0), HEDGE_OK);
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.symbol = "BTC-PERP";
    q.venue = "deribit";
    q.bid = spot - 5;
    q.ask = spot + 5;
    q.bid_size = 3;
    q.ask_size = 4;
    q.timestamp_ms = NOW;
    ck_assert_status(hedge_snapshot_builder_add_quote(b, &q), HEDGE_OK);
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    hedge_snapshot_builder_destroy(b);
    return s;
}

static hedge_vol_surface *make_surface(hedge_context *ctx, double level) {
    hedge_svi_slice sl[NEXPIRIES];
    for (int e = 0; e < NEXPIRIES; e++)
        sl[e] = (hedge_svi_slice){expiries[e], 0, 97000 * (1 + 0.01 * (e + 1)), level * (e + 1), 0.03 * (e + 1),
                                  -0.3, 0.01, 0.1, 0};
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, sl, NEXPIRIES), HEDGE_OK);
    return s;
}

static hedge_instrument *make_instrument(hedge_context *ctx, hedge_instrument_kind kind, const char *symbol,
                                         hedge_option_type type, double strike, int64_t expiry) {
    hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
    sp.kind = kind;
    sp.symbol = symbol;
    sp.underlying = "BTC";
    if (kind == HEDGE_INSTRUMENT_OPTION) {
        sp.option_type = type;
        sp.strike = strike;
    }
    if (kind == HEDGE_INSTRUMENT_OPTION || kind == HEDGE_INSTRUMENT_FUTURE)
        sp.expiry_ms = expiry;
    hedge_instrument *inst;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &sp), HEDGE_OK);
    return inst;
}

static void setup_shared(shared *sh) {
    ck_assert_status(hedge_context_create(&sh->ctx, NULL), HEDGE_OK);
    sh->snapshot = make_snapshot(sh->ctx, 97000);
    sh->surface = make_surface(sh->ctx, 0.004);
    int n = 0;
    for (int e = 0; e < NEXPIRIES; e++)
        for (int j = 0; j < NSTRIKES; j++)
            for (int c = 0; c < 2; c++) {
                char sym[64];
                snprintf(sym, sizeof sym, "BTC-%d-%d-%c", e, (int)strike_of(j), c ? 'C' : 'P');
                sh->instruments[n++] = make_instrument(sh->ctx, HEDGE_INSTRUMENT_OPTION, sym, c ? HEDGE_CALL : HEDGE_PUT,
                                                       strike_of(j), expiries[e]);
            }
    sh->instruments[n++] = make_instrument(sh->ctx, HEDGE_INSTRUMENT_FUTURE, "BTC-F", HEDGE_CALL, 0, expiries[1]);
    sh->instruments[n++] = make_instrument(sh->ctx, HEDGE_INSTRUMENT_PERPETUAL, "BTC-PERP", HEDGE_CALL, 0, 0);
    sh->instruments[n++] = make_instrument(sh->ctx, HEDGE_INSTRUMENT_SPOT, "BTC", HEDGE_CALL, 0, 0);
}

static void teardown_shared(shared *sh) {
    for (int i = 0; i < NINSTRUMENTS; i++)
        hedge_instrument_destroy(sh->instruments[i]);
    hedge_vol_surface_destroy(sh->surface);
    hedge_snapshot_destroy(sh->snapshot);
    hedge_context_destroy(sh->ctx);
}

/* One round over every read path. Returns the number of calls that failed (expected 0); assertions
 * are avoided here because Check's failure path is not meant for threads other than the test's. */
static int round_of_reads(const shared *sh, results *r) {
    int bad = 0;
    memset(r, 0, sizeof *r);
    for (int i = 0; i < NINSTRUMENTS; i++) {
        /* a reference taken and dropped around each use, as a portfolio on another thread would */
        hedge_instrument *inst = hedge_instrument_ref(sh->instruments[i]);
        hedge_snapshot *snap = hedge_snapshot_ref(sh->snapshot);
        hedge_vol_surface *surf = hedge_vol_surface_ref(sh->surface);
        hedge_valuation v = HEDGE_VALUATION_INIT;
        bad += hedge_instrument_value(&v, inst, snap, surf) != HEDGE_OK;
        r->value[i][0] = v.value;
        r->value[i][1] = v.delta_usd;
        r->value[i][2] = v.vega_usd;
        r->value[i][3] = v.vol;
        hedge_vol_surface_destroy(surf);
        hedge_snapshot_destroy(snap);
        hedge_instrument_destroy(inst);
    }
    for (int e = 0; e < NEXPIRIES; e++) {
        bad += hedge_snapshot_forward(&r->forward[e], sh->snapshot, "BTC", expiries[e]) != HEDGE_OK;
        for (int j = 0; j < NSTRIKES; j++)
            bad += hedge_vol_surface_vol(&r->surface_vol[e][j], sh->surface, strike_of(j), r->forward[e],
                                         expiries[e]) != HEDGE_OK;
    }
    bad += hedge_snapshot_spot(&r->spot, sh->snapshot, "BTC") != HEDGE_OK;
    bad += hedge_snapshot_rate(&r->rate, sh->snapshot, "BTC") != HEDGE_OK;
    bad += hedge_snapshot_funding(&r->funding, NULL, sh->snapshot, "BTC-PERP") != HEDGE_OK;
    hedge_quote q = HEDGE_QUOTE_INIT;
    bad += hedge_snapshot_quote(&q, sh->snapshot, "BTC-PERP", "deribit") != HEDGE_OK;
    r->bid = q.bid;
    r->ask = q.ask;

    int32_t type[NOPTIONS];
    double S[NOPTIONS], K[NOPTIONS], T[NOPTIONS], rr[NOPTIONS], qq[NOPTIONS], sigma[NOPTIONS];
    for (int n = 0; n < NOPTIONS; n++) {
        int e = n / (2 * NSTRIKES), j = n / 2 % NSTRIKES;
        type[n] = n % 2 ? HEDGE_CALL : HEDGE_PUT;
        S[n] = r->spot;
        K[n] = strike_of(j);
        T[n] = (double)(expiries[e] - NOW) / HEDGE_MS_PER_YEAR;
        rr[n] = r->rate;
        qq[n] = r->rate - log(r->forward[e] / r->spot) / T[n];
        sigma[n] = r->surface_vol[e][j];
    }
    hedge_greeks_arrays out = {sizeof out, r->batch[0], r->batch[1], r->batch[2], r->batch[3], r->batch[4],
                               r->batch[5], NULL};
    bad += hedge_bsm_greeks_batch(NOPTIONS, type, S, K, T, rr, qq, sigma, &out) != HEDGE_OK;
    for (int n = 0; n < NOPTIONS; n++)
        bad += hedge_implied_vol_bsm(&r->iv[n], (hedge_option_type)type[n], r->batch[0][n], S[n], K[n], T[n], rr[n],
                                     qq[n]) != HEDGE_OK;
    return bad;
}

/* Handles of the thread's own, created and destroyed while the others read the shared ones. */
static int own_handles(const shared *sh, results *r) {
    hedge_snapshot *snap = make_snapshot(sh->ctx, 97000);
    hedge_vol_surface *surf = make_surface(sh->ctx, 0.004);
    hedge_instrument *inst = make_instrument(sh->ctx, HEDGE_INSTRUMENT_OPTION, "OWN", HEDGE_CALL, 100000, expiries[2]);
    hedge_valuation v = HEDGE_VALUATION_INIT;
    int bad = hedge_instrument_value(&v, inst, snap, surf) != HEDGE_OK;
    r->own_value = v.value;
    hedge_instrument_destroy(inst);
    hedge_vol_surface_destroy(surf);
    hedge_snapshot_destroy(snap);
    return bad;
}

typedef struct worker {
    shared *sh;
    const results *reference;
    int index;
    int failed_calls, mismatches, foreign_errors;
    results r;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    char expected[64];
    pthread_barrier_wait(&w->sh->start);
    for (int round = 0; round < ROUNDS; round++) {
        w->failed_calls += round_of_reads(w->sh, &w->r);
        w->failed_calls += own_handles(w->sh, &w->r);
        if (memcmp(&w->r, w->reference, sizeof w->r) != 0)
            w->mismatches++;
        /* a failure whose message names this thread's own number: no other thread may overwrite it */
        double vol = 1;
        double bad_strike = -(double)(w->index + 1);
        if (hedge_vol_surface_vol(&vol, w->sh->surface, bad_strike, 97000, expiries[0]) != HEDGE_ERR_DOMAIN)
            w->failed_calls++;
        snprintf(expected, sizeof expected, "(got %g,", bad_strike);
        if (!strstr(hedge_error_message(), expected) || hedge_error_status() != HEDGE_ERR_DOMAIN)
            w->foreign_errors++;
    }
    return NULL;
}

START_TEST(shared_handles_read_by_eight_threads_match_one_thread) {
    static shared sh;
    setup_shared(&sh);
    static results reference;
    ck_assert_int_eq(round_of_reads(&sh, &reference), 0);
    ck_assert_int_eq(own_handles(&sh, &reference), 0);
    for (int n = 0; n < NOPTIONS; n++)
        ck_assert_msg(isfinite(reference.batch[0][n]) && reference.iv[n] > 0, "reference option %d", n);

    static worker workers[NTHREADS];
    pthread_t threads[NTHREADS];
    ck_assert_int_eq(pthread_barrier_init(&sh.start, NULL, NTHREADS), 0);
    for (int t = 0; t < NTHREADS; t++) {
        workers[t] = (worker){.sh = &sh, .reference = &reference, .index = t};
        ck_assert_int_eq(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++)
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    pthread_barrier_destroy(&sh.start);
    for (int t = 0; t < NTHREADS; t++) {
        ck_assert_msg(workers[t].failed_calls == 0, "thread %d: %d calls failed", t, workers[t].failed_calls);
        ck_assert_msg(workers[t].mismatches == 0, "thread %d: %d of %d rounds differ from the single-threaded run", t,
                      workers[t].mismatches, ROUNDS);
        ck_assert_msg(workers[t].foreign_errors == 0, "thread %d: %d error messages were not its own", t,
                      workers[t].foreign_errors);
    }
    teardown_shared(&sh);
}
END_TEST


/* A second round: 8 threads share one market, one book, one hedge problem and one return series,
 * and each solves the hedge (its own optimizer inside), runs scenarios and aggregates risk, runs a
 * simulator of its own, fits GARCH to the shared returns and runs a rebalancer of its own on the
 * shared problem and book, while changing a portfolio of its own. Every answer must be
 * bit-identical to the single-threaded one. */
#define SOLVE_ROUNDS 4

typedef struct hedge_shared {
    shared base;
    hedge_market *market;
    hedge_portfolio *book;
    hedge_problem *problem;
    pthread_barrier_t start;
} hedge_shared;

typedef struct hedge_answer {
    double objective, std_after, quantity[4], delta_after, pnl[3];
    size_t trades;
    /* each thread's own simulator, GARCH fit (of returns all threads share) and rebalancer */
    double sim_mean, sim_std, sim_cost, garch[4], rebalance_target, rebalance_objective;
    int rebalance_trade;
} hedge_answer;

#define GARCH_RETURNS 2000
static double shared_returns[GARCH_RETURNS]; /* written once before the threads start, then only read */

static int solve_round(const hedge_shared *hs, hedge_answer *a) {
    memset(a, 0, sizeof *a);
    hedge_result *r = NULL;
    hedge_solve_options so = HEDGE_SOLVE_OPTIONS_INIT;
    int bad = hedge_solve(&r, hs->base.ctx, hs->problem, hs->book, hs->market, &so) != HEDGE_OK;
    if (bad)
        return bad;
    hedge_hedge_summary s = HEDGE_HEDGE_SUMMARY_INIT;
    bad += hedge_result_summary(&s, r) != HEDGE_OK;
    a->objective = s.objective;
    a->std_after = s.std_after;
    a->trades = hedge_result_trade_count(r);
    for (size_t i = 0; i < a->trades && i < 4; i++) {
        hedge_trade t = HEDGE_TRADE_INIT;
        bad += hedge_result_trade(&t, r, i) != HEDGE_OK;
        a->quantity[i] = t.quantity;
    }
    hedge_risk_row before = HEDGE_RISK_ROW_INIT, after = HEDGE_RISK_ROW_INIT;
    bad += hedge_result_greeks(&before, &after, r, 0) != HEDGE_OK;
    a->delta_after = after.delta_coin;
    hedge_result_destroy(r);
    hedge_shift sh[3] = {{"BTC", -0.1, 0, 0}, {"BTC", 0.05, 0.1, 0}, {"BTC", 0.2, -0.2, 0}};
    hedge_scenario sc[3] = {{&sh[0], 1, 0}, {&sh[1], 1, 1}, {&sh[2], 1, 7}};
    hedge_scenario_pnl *pnl = NULL;
    bad += hedge_scenarios_run(&pnl, hs->base.ctx, hs->book, hs->market, sc, 3, NULL) != HEDGE_OK;
    bad += hedge_scenario_pnl_totals(a->pnl, 3, pnl) != HEDGE_OK;
    hedge_scenario_pnl_destroy(pnl);

    hedge_sim_paths paths = HEDGE_SIM_PATHS_INIT;
    paths.spot = 100, paths.drift = 0.05, paths.vol = 0.6;
    hedge_sim_option option = HEDGE_SIM_OPTION_INIT;
    option.quantity = -1, option.strike = 100, option.expiry = 0.1, option.hedge_vol = 0.6;
    hedge_sim_hedge hedge = HEDGE_SIM_HEDGE_INIT;
    hedge.cost_rate = 0.0005;
    hedge_rebalance_policy daily = HEDGE_REBALANCE_POLICY_INIT;
    hedge_sim_options sim = HEDGE_SIM_OPTIONS_INIT;
    sim.paths = 200, sim.steps = 36, sim.seed = 11;
    hedge_sim_stats st = HEDGE_SIM_STATS_INIT;
    bad += hedge_sim_run(&st, NULL, 0, hs->base.ctx, &paths, &option, &hedge, &daily, &sim) != HEDGE_OK;
    a->sim_mean = st.mean, a->sim_std = st.std, a->sim_cost = st.mean_cost;

    hedge_garch g = HEDGE_GARCH_INIT;
    bad += hedge_garch_fit(&g, shared_returns, GARCH_RETURNS, NULL) != HEDGE_OK;
    a->garch[0] = g.omega, a->garch[1] = g.alpha, a->garch[2] = g.beta, a->garch[3] = g.log_likelihood;

    hedge_rebalance_policy band = HEDGE_REBALANCE_POLICY_INIT;
    band.rule = HEDGE_REBALANCE_DELTA_BAND, band.band = 0.01;
    hedge_rebalancer *rb = NULL;
    bad += hedge_rebalancer_create(&rb, hs->base.ctx, hs->problem, "BTC", &band) != HEDGE_OK;
    hedge_rebalance_decision dec = HEDGE_REBALANCE_DECISION_INIT;
    hedge_result *orders = NULL;
    bad += hedge_rebalancer_check(&dec, &orders, rb, hs->book, hs->market) != HEDGE_OK;
    a->rebalance_trade = dec.trade, a->rebalance_target = dec.target_delta;
    if (orders) {
        hedge_hedge_summary os = HEDGE_HEDGE_SUMMARY_INIT;
        bad += hedge_result_summary(&os, orders) != HEDGE_OK;
        a->rebalance_objective = os.objective;
    }
    hedge_result_destroy(orders);
    hedge_rebalancer_destroy(rb);
    return bad;
}

typedef struct solver_worker {
    hedge_shared *hs;
    const hedge_answer *reference;
    int failed_calls, mismatches;
} solver_worker;

static void *solve_work(void *arg) {
    solver_worker *w = arg;
    hedge_answer a;
    pthread_barrier_wait(&w->hs->start);
    for (int round = 0; round < SOLVE_ROUNDS; round++) {
        w->failed_calls += solve_round(w->hs, &a);
        if (memcmp(&a, w->reference, sizeof a) != 0)
            w->mismatches++;
        /* a portfolio of its own, changed while the shared one is read */
        hedge_portfolio *mine = NULL;
        w->failed_calls += hedge_portfolio_create(&mine, w->hs->base.ctx) != HEDGE_OK;
        hedge_position p = HEDGE_POSITION_INIT;
        p.instrument = w->hs->base.instruments[round];
        p.quantity = round + 1;
        w->failed_calls += hedge_portfolio_add(mine, &p) != HEDGE_OK;
        hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
        w->failed_calls += hedge_instrument_info(&sp, p.instrument) != HEDGE_OK;
        w->failed_calls += hedge_portfolio_update(mine, sp.symbol, 2.0 * (round + 1), 0) != HEDGE_OK;
        hedge_portfolio_destroy(mine);
    }
    return NULL;
}

START_TEST(hedge_solves_on_eight_threads_match_one_thread) {
    static hedge_shared hs;
    setup_shared(&hs.base);
    const hedge_vol_surface *surfs[1] = {hs.base.surface};
    const char *names[1] = {"BTC"};
    ck_assert_status(hedge_market_create(&hs.market, hs.base.ctx, hs.base.snapshot,
                                         (const hedge_instrument *const *)hs.base.instruments, NINSTRUMENTS, surfs,
                                         names, 1),
                     HEDGE_OK);
    ck_assert_status(hedge_portfolio_create(&hs.book, hs.base.ctx), HEDGE_OK);
    for (int i = 0; i < 6; i++) {
        hedge_position p = HEDGE_POSITION_INIT;
        p.instrument = hs.base.instruments[5 * i + 3];
        p.quantity = i % 2 ? -0.8 : 0.5;
        ck_assert_status(hedge_portfolio_add(hs.book, &p), HEDGE_OK);
    }
    ck_assert_status(hedge_problem_create(&hs.problem, hs.base.ctx), HEDGE_OK);
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "BTC-PERP";
    c.venue = "deribit";
    c.taker_fee = 0.0005;
    ck_assert_status(hedge_problem_add_candidate(hs.problem, &c), HEDGE_OK);
    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    o.risk_aversion = 1e-3;
    o.spot_points = 9;
    ck_assert_status(hedge_problem_set_objective(hs.problem, &o), HEDGE_OK);

    hedge_garch truth = HEDGE_GARCH_INIT;
    truth.omega = 2e-6, truth.alpha = 0.08, truth.beta = 0.9;
    ck_assert_status(hedge_garch_simulate(shared_returns, NULL, GARCH_RETURNS, &truth, 1e-4, 5, 0), HEDGE_OK);

    static hedge_answer reference;
    ck_assert_int_eq(solve_round(&hs, &reference), 0);
    ck_assert_uint_eq(reference.trades, 1);
    /* the extra work did something: a simulated P&L, a fit near the truth, a trade decided */
    ck_assert(reference.sim_std > 0 && isfinite(reference.sim_mean));
    ck_assert(fabs(reference.garch[1] + reference.garch[2] - 0.98) < 0.05);
    ck_assert_int_eq(reference.rebalance_trade, 1);
    ck_assert(isfinite(reference.rebalance_objective) && reference.rebalance_objective != 0);

    static solver_worker workers[NTHREADS];
    pthread_t threads[NTHREADS];
    ck_assert_int_eq(pthread_barrier_init(&hs.start, NULL, NTHREADS), 0);
    for (int t = 0; t < NTHREADS; t++) {
        workers[t] = (solver_worker){.hs = &hs, .reference = &reference};
        ck_assert_int_eq(pthread_create(&threads[t], NULL, solve_work, &workers[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++)
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    pthread_barrier_destroy(&hs.start);
    for (int t = 0; t < NTHREADS; t++) {
        ck_assert_msg(workers[t].failed_calls == 0, "thread %d: %d calls failed", t, workers[t].failed_calls);
        ck_assert_msg(workers[t].mismatches == 0, "thread %d: %d of %d solves differ from the single-threaded one", t,
                      workers[t].mismatches, SOLVE_ROUNDS);
    }
    hedge_problem_destroy(hs.problem);
    hedge_portfolio_destroy(hs.book);
    hedge_market_destroy(hs.market);
    teardown_shared(&hs.base);
}
END_TEST

Suite *hedge_test_suite_stress(void) {
    Suite *s = suite_create("stress");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 240); /* valgrind runs the eight threads one at a time */
    tcase_add_test(tc, shared_handles_read_by_eight_threads_match_one_thread);
    tcase_add_test(tc, hedge_solves_on_eight_threads_match_one_thread);
    suite_add_tcase(s, tc);
    return s;
}
