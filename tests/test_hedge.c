/*
 * The hedge solver, checked against answers derived independently of it: the minimum-variance
 * hedge ratio -Cov(B, P) / Var(P) and its soft-thresholded form under proportional costs, the
 * cheapest trade into a delta band (by hand), orders filled venue by venue in order of cost, shadow
 * prices against finite differences of the optimum, margin against hedge_portfolio_margin() of the
 * hedged book, conflicting limits, the JSON form against the API, bad input and OOM.
 */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define S0 100000.0
#define VOL 0.6

enum { CALL, PUT, PERP_A, PERP_B, FUT, N_INST };

typedef struct fixture {
    hedge_context *ctx;
    hedge_instrument *inst[N_INST];
    hedge_market *market;
    hedge_portfolio *book;
    hedge_problem *problem;
} fixture;

static hedge_instrument *make(hedge_context *ctx, const char *sym, const char *venue, hedge_instrument_kind kind,
                              hedge_option_type type, double K, int64_t expiry) {
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    s.kind = kind;
    s.symbol = sym;
    s.underlying = "BTC";
    s.venue = venue;
    s.settlement = HEDGE_SETTLE_LINEAR;
    s.multiplier = 1.0;
    s.option_type = kind == HEDGE_INSTRUMENT_OPTION ? type : (hedge_option_type)0;
    s.strike = K;
    s.expiry_ms = expiry;
    hedge_instrument *i = NULL;
    ck_assert_status(hedge_instrument_create(&i, ctx, &s), HEDGE_OK);
    return i;
}

/* A quote with `depth` contracts on each side, half-spread `half` around `mid` (no ladder). */
static void quote(hedge_snapshot_builder *sb, const char *sym, const char *venue, double mid, double half,
                  double depth, int64_t age_ms) {
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.symbol = sym;
    q.venue = venue;
    q.bid = mid - half;
    q.ask = mid + half;
    q.bid_size = q.ask_size = depth;
    q.timestamp_ms = NOW - age_ms;
    ck_assert_status(hedge_snapshot_builder_add_quote(sb, &q), HEDGE_OK);
}

static double bsm(hedge_option_type type, double S, double K, double T, double vol) {
    double p = 0;
    ck_assert_status(hedge_bsm_price(&p, type, S, K, T, 0.0, 0.0, vol), HEDGE_OK);
    return p;
}

/* BTC at S0, rate 0, no funding, flat vol VOL; options 30 days; perps on venues a (half-spread
 * half_a, depth depth_a) and b; the book is short 10 calls. */
static void fx_make(fixture *f, double half_a, double depth_a, double half_b, double depth_b) {
    memset(f, 0, sizeof *f);
    ck_assert_status(hedge_context_create(&f->ctx, NULL), HEDGE_OK);
    int64_t exp30 = NOW + 30 * DAY;
    f->inst[CALL] = make(f->ctx, "CALL", "a", HEDGE_INSTRUMENT_OPTION, HEDGE_CALL, 100000, exp30);
    f->inst[PUT] = make(f->ctx, "PUT", "a", HEDGE_INSTRUMENT_OPTION, HEDGE_PUT, 90000, exp30);
    f->inst[PERP_A] = make(f->ctx, "PERP-A", "a", HEDGE_INSTRUMENT_PERPETUAL, (hedge_option_type)0, 0, 0);
    f->inst[PERP_B] = make(f->ctx, "PERP-B", "b", HEDGE_INSTRUMENT_PERPETUAL, (hedge_option_type)0, 0, 0);
    f->inst[FUT] = make(f->ctx, "FUT", "a", HEDGE_INSTRUMENT_FUTURE, (hedge_option_type)0, 0, exp30);
    hedge_snapshot_builder *sb;
    ck_assert_status(hedge_snapshot_builder_create(&sb, f->ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(sb, "BTC", S0, NOW, 0), HEDGE_OK);
    double T = 30.0 / 365.0;
    quote(sb, "CALL", "a", bsm(HEDGE_CALL, S0, 100000, T, VOL), 20.0, 100, 0);
    quote(sb, "PUT", "a", bsm(HEDGE_PUT, S0, 90000, T, VOL), 20.0, 100, 0);
    quote(sb, "PERP-A", "a", S0, half_a, depth_a, 0);
    quote(sb, "PERP-B", "b", S0, half_b, depth_b, 0);
    quote(sb, "FUT", "a", S0, 5.0, 1000, 0);
    hedge_snapshot *snap;
    ck_assert_status(hedge_snapshot_builder_finish(&snap, sb), HEDGE_OK);
    hedge_snapshot_builder_destroy(sb);
    hedge_svi_slice sl = {exp30, T, S0, VOL * VOL * T, 0, 0, 0, 0.1, 0};
    hedge_vol_surface *surf;
    ck_assert_status(hedge_vol_surface_create(&surf, f->ctx, NOW, &sl, 1), HEDGE_OK);
    const char *names[1] = {"BTC"};
    const hedge_vol_surface *surfs[1] = {surf};
    ck_assert_status(hedge_market_create(&f->market, f->ctx, snap, (const hedge_instrument *const *)f->inst, N_INST,
                                         surfs, names, 1),
                     HEDGE_OK);
    hedge_vol_surface_destroy(surf);
    hedge_snapshot_destroy(snap);
    ck_assert_status(hedge_portfolio_create(&f->book, f->ctx), HEDGE_OK);
    hedge_position p = HEDGE_POSITION_INIT;
    p.instrument = f->inst[CALL];
    p.quantity = -10;
    ck_assert_status(hedge_portfolio_add(f->book, &p), HEDGE_OK);
    ck_assert_status(hedge_problem_create(&f->problem, f->ctx), HEDGE_OK);
}

static void fx_free(fixture *f) {
    hedge_problem_destroy(f->problem);
    hedge_portfolio_destroy(f->book);
    hedge_market_destroy(f->market);
    for (int i = 0; i < N_INST; i++)
        hedge_instrument_destroy(f->inst[i]);
    hedge_context_destroy(f->ctx);
}

static void add_cand(fixture *f, const char *sym, double taker_fee) {
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = sym;
    c.taker_fee = taker_fee;
    ck_assert_status(hedge_problem_add_candidate(f->problem, &c), HEDGE_OK);
}

static void add_band(fixture *f, hedge_greek g, const char *underlying, double lo, double hi) {
    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    t.greek = g;
    t.underlying = underlying;
    t.lo = lo;
    t.hi = hi;
    ck_assert_status(hedge_problem_add_target(f->problem, &t), HEDGE_OK);
}

static hedge_result *solve(fixture *f) {
    hedge_result *r = NULL;
    ck_assert_status(hedge_solve(&r, f->ctx, f->problem, f->book, f->market, NULL), HEDGE_OK);
    return r;
}

static hedge_hedge_summary summary(const hedge_result *r) {
    hedge_hedge_summary s = HEDGE_HEDGE_SUMMARY_INIT;
    ck_assert_status(hedge_result_summary(&s, r), HEDGE_OK);
    return s;
}

/* The traded quantity of a symbol (0 if not traded). */
static double traded(const hedge_result *r, const char *sym) {
    double q = 0;
    for (size_t i = 0; i < hedge_result_trade_count(r); i++) {
        hedge_trade t = HEDGE_TRADE_INIT;
        ck_assert_status(hedge_result_trade(&t, r, i), HEDGE_OK);
        if (strcmp(t.symbol, sym) == 0)
            q += t.quantity;
    }
    return q;
}

/* The book's coin delta, from the pricing kernel directly. */
static double book_delta(void) {
    hedge_greeks g = HEDGE_GREEKS_INIT;
    ck_assert_status(hedge_bsm_greeks(&g, HEDGE_CALL, S0, 100000, 30.0 / 365.0, 0.0, 0.0, VOL), HEDGE_OK);
    return -10.0 * g.delta;
}

/* Scenarios: spot moves only, no time, so the book's P&L is the call's repricing. */
enum { NS = 9 };
static const double moves[NS] = {-0.08, -0.05, -0.03, -0.01, 0.0, 0.015, 0.03, 0.06, 0.09};

static void set_variance(fixture *f, double lambda, hedge_scenario *sc, hedge_shift *sh) {
    for (int k = 0; k < NS; k++) {
        sh[k] = (hedge_shift){"BTC", moves[k], 0.0, 0.0};
        sc[k] = (hedge_scenario){&sh[k], 1, 0.0};
    }
    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    o.risk_aversion = lambda;
    o.scenarios = sc;
    o.n_scenarios = NS;
    ck_assert_status(hedge_problem_set_objective(f->problem, &o), HEDGE_OK);
}

/* Var(B + x P) over equally weighted scenarios with P = S0 * move (one linear perp contract) and
 * B the short calls' repricing: the minimiser of lambda/2 Var + w |x| is
 * x = -sign(g) max(|g| - w, 0) / (lambda Var P), g = lambda Cov(B, P). */
static double expected_hedge(double lambda, double w) {
    double B[NS], P[NS], mb = 0, mp = 0, cov = 0, var = 0, T = 30.0 / 365.0;
    double base = bsm(HEDGE_CALL, S0, 100000, T, VOL);
    for (int k = 0; k < NS; k++) {
        B[k] = -10.0 * (bsm(HEDGE_CALL, S0 * (1 + moves[k]), 100000, T, VOL) - base);
        P[k] = S0 * moves[k];
        mb += B[k] / NS;
        mp += P[k] / NS;
    }
    for (int k = 0; k < NS; k++) {
        cov += (B[k] - mb) * (P[k] - mp) / NS;
        var += (P[k] - mp) * (P[k] - mp) / NS;
    }
    double g = lambda * cov;
    return -(g > 0 ? 1 : -1) * fmax(fabs(g) - w, 0.0) / (lambda * var);
}

START_TEST(minimum_variance_hedge_is_the_regression_ratio) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6); /* no spread */
    add_cand(&f, "PERP-A", 0.0);
    hedge_scenario sc[NS];
    hedge_shift sh[NS];
    set_variance(&f, 1e-4, sc, sh);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    double want = expected_hedge(1e-4, 0.0);
    ck_assert(want > 0.5); /* a short call: the hedge buys */
    ck_assert_close(traded(r, "PERP-A"), want, 1e-7, 1e-9);
    ck_assert(s.std_after < s.std_before);
    ck_assert_uint_eq(s.scenarios, NS);
    ck_assert_uint_eq(s.nodes, 0); /* no integer variables: no branch and bound */
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

/* VaR and CVaR of the summary at 80% over the nine scenarios, worked by hand from the repriced
 * book: losses sorted L_1 <= ... <= L_9 with 1/9 each, VaR is the first L_i with i/9 >= 0.8 (L_8),
 * and the expected shortfall averages the loss quantile over (0.8, 1]: (8/9 - 0.8) L_8 + 1/9 L_9,
 * over 0.2. After the trade the P&L is B_k + x P_k with x the perpetuals bought. */
static void var_es_by_hand(const double *pnl, double *var, double *es) {
    double L[NS];
    for (int k = 0; k < NS; k++)
        L[k] = -pnl[k];
    for (int i = 1; i < NS; i++) /* insertion sort, ascending */
        for (int j = i; j > 0 && L[j - 1] > L[j]; j--) {
            double t = L[j];
            L[j] = L[j - 1];
            L[j - 1] = t;
        }
    *var = L[7];
    *es = ((8.0 / 9.0 - 0.8) * L[7] + L[8] / 9.0) / 0.2;
}

START_TEST(summary_var_and_es_are_the_loss_quantile_and_its_tail_mean) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6);
    add_cand(&f, "PERP-A", 0.0);
    hedge_scenario sc[NS];
    hedge_shift sh[NS];
    set_variance(&f, 1e-4, sc, sh);
    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    o.risk_aversion = 1e-4;
    o.scenarios = sc;
    o.n_scenarios = NS;
    o.var_confidence = 0.8;
    ck_assert_status(hedge_problem_set_objective(f.problem, &o), HEDGE_OK);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    double x = traded(r, "PERP-A"), T = 30.0 / 365.0, base = bsm(HEDGE_CALL, S0, 100000, T, VOL);
    double before[NS], after[NS], var, es;
    for (int k = 0; k < NS; k++) {
        before[k] = -10.0 * (bsm(HEDGE_CALL, S0 * (1 + moves[k]), 100000, T, VOL) - base);
        after[k] = before[k] + x * S0 * moves[k];
    }
    var_es_by_hand(before, &var, &es);
    ck_assert_close(s.var_before, var, 1e-9, 1e-6);
    ck_assert_close(s.cvar_before, es, 1e-9, 1e-6);
    ck_assert(es > var); /* L_9 > L_8 here: the test tells ES from VaR */
    var_es_by_hand(after, &var, &es);
    ck_assert_close(s.var_after, var, 1e-9, 1e-6);
    ck_assert_close(s.cvar_after, es, 1e-9, 1e-6);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

START_TEST(proportional_costs_soft_threshold_the_hedge) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6);
    /* a 5 bp taker fee on 100000 USD of notional: 50 USD per contract */
    add_cand(&f, "PERP-A", 0.0005);
    hedge_scenario sc[NS];
    hedge_shift sh[NS];
    const double lambdas[3] = {1e-4, 1e-6, 1e-8};
    for (int i = 0; i < 3; i++) {
        set_variance(&f, lambdas[i], sc, sh);
        hedge_result *r = solve(&f);
        hedge_hedge_summary s = summary(r);
        ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
        double want = expected_hedge(lambdas[i], 50.0);
        ck_assert_close(traded(r, "PERP-A"), want, 1e-6, 1e-7);
        ck_assert_close(s.fees_usd, 50.0 * fabs(want), 1e-6, 1e-6);
        /* at the smallest aversion the variance removed is not worth the fee: no trade */
        if (i == 2)
            ck_assert_uint_eq(hedge_result_trade_count(r), 0);
        hedge_result_destroy(r);
    }
    fx_free(&f);
}
END_TEST

/* No variance term: the cheapest trade into a band is exactly to the band's edge, at the cheaper
 * venue first; past its depth the rest goes to the dearer one. */
START_TEST(delta_band_is_met_at_its_edge_by_the_cheapest_venue) {
    static fixture f;
    fx_make(&f, 10.0, 2.0, 30.0, 100.0); /* a: cheaper, 2 contracts deep; b: dearer, deep */
    add_cand(&f, "PERP-A", 0.0);
    add_cand(&f, "PERP-B", 0.0);
    double d = book_delta(); /* about -5.3 coins */
    ck_assert(d < -1.0);
    add_band(&f, HEDGE_GREEK_DELTA_COIN, "BTC", -0.5, 0.5);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    double need = -0.5 - d;
    ck_assert_close(traded(r, "PERP-A"), 2.0, 1e-8, 1e-8);
    ck_assert_close(traded(r, "PERP-B"), need - 2.0, 1e-8, 1e-8);
    ck_assert_close(s.spread_usd, 10.0 * 2.0 + 30.0 * (need - 2.0), 1e-8, 1e-6);
    hedge_risk_row before = HEDGE_RISK_ROW_INIT, after = HEDGE_RISK_ROW_INIT;
    ck_assert_uint_eq(hedge_result_underlying_count(r), 1);
    ck_assert_status(hedge_result_greeks(&before, &after, r, 0), HEDGE_OK);
    ck_assert_str_eq(after.underlying, "BTC");
    ck_assert_close(before.delta_coin, d, 1e-12, 1e-12);
    ck_assert_close(after.delta_coin, -0.5, 1e-8, 1e-8);
    /* binding: the band (its shadow price is the marginal venue's cost per coin, 30 USD) and the
     * cheaper venue's depth (worth 30 - 10 = 20 USD per contract) */
    ck_assert_uint_eq(hedge_result_limit_count(r), 2);
    hedge_limit_report l = HEDGE_LIMIT_REPORT_INIT;
    ck_assert_status(hedge_result_limit(&l, r, 0), HEDGE_OK);
    ck_assert_int_eq(l.kind, HEDGE_LIMIT_GREEK);
    ck_assert_int_eq(l.upper, 0);
    ck_assert_close(l.bound, -0.5, 0, 0);
    ck_assert_close(l.shadow_price, 30.0, 1e-6, 1e-6);
    ck_assert_status(hedge_result_limit(&l, r, 1), HEDGE_OK);
    ck_assert_int_eq(l.kind, HEDGE_LIMIT_TRADE);
    ck_assert_uint_eq(l.index, 0);
    ck_assert_int_eq(l.upper, 1);
    ck_assert_close(l.shadow_price, 20.0, 1e-6, 1e-6);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

/* The shadow price of a band is the derivative of the optimum in the band's edge. */
START_TEST(shadow_price_matches_a_finite_difference) {
    static fixture f;
    fx_make(&f, 10.0, 1e6, 30.0, 1e6);
    add_cand(&f, "PERP-A", 0.0002);
    add_cand(&f, "PUT", 0.0003);
    hedge_scenario sc[NS];
    hedge_shift sh[NS];
    set_variance(&f, 1e-5, sc, sh);
    add_band(&f, HEDGE_GREEK_VEGA_USD, "BTC", -2000.0, 2000.0);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s0 = summary(r);
    ck_assert_int_eq(s0.status, HEDGE_SOLVE_OPTIMAL);
    hedge_limit_report l = HEDGE_LIMIT_REPORT_INIT;
    int found = 0;
    for (size_t i = 0; i < hedge_result_limit_count(r); i++) {
        ck_assert_status(hedge_result_limit(&l, r, i), HEDGE_OK);
        if (l.kind == HEDGE_LIMIT_GREEK) {
            found = 1;
            break;
        }
    }
    ck_assert_msg(found, "the vega band should bind (the short calls carry about -11000 USD of vega)");
    hedge_result_destroy(r);
    /* relax the binding side by eps and re-solve from scratch */
    const double eps = 1.0;
    hedge_problem_destroy(f.problem);
    ck_assert_status(hedge_problem_create(&f.problem, f.ctx), HEDGE_OK);
    add_cand(&f, "PERP-A", 0.0002);
    add_cand(&f, "PUT", 0.0003);
    set_variance(&f, 1e-5, sc, sh);
    add_band(&f, HEDGE_GREEK_VEGA_USD, "BTC", -2000.0 - (l.upper ? 0 : eps), 2000.0 + (l.upper ? eps : 0));
    r = solve(&f);
    hedge_hedge_summary s1 = summary(r);
    double fd = (s0.objective - s1.objective) / eps;
    ck_assert_close(fd, l.shadow_price, 2e-3, 1e-6);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

START_TEST(unreachable_band_reports_the_conflicting_limits) {
    static fixture f;
    fx_make(&f, 10.0, 1.0, 30.0, 1.0); /* two contracts of depth in all, 5 coins of delta to cover */
    add_cand(&f, "PERP-A", 0.0);
    add_cand(&f, "PERP-B", 0.0);
    add_band(&f, HEDGE_GREEK_DELTA_COIN, "BTC", -0.5, 0.5);
    for (int rep = 0; rep < 3; rep++) {
        hedge_result *r = solve(&f);
        hedge_hedge_summary s = summary(r);
        ck_assert_int_eq(s.status, HEDGE_SOLVE_PRIMAL_INFEASIBLE);
        ck_assert_uint_eq(hedge_result_trade_count(r), 0);
        int greek = 0, depth = 0;
        for (size_t i = 0; i < hedge_result_limit_count(r); i++) {
            hedge_limit_report l = HEDGE_LIMIT_REPORT_INIT;
            ck_assert_status(hedge_result_limit(&l, r, i), HEDGE_OK);
            ck_assert(l.shadow_price > 0 && l.shadow_price <= 1.0);
            greek += l.kind == HEDGE_LIMIT_GREEK && l.upper == 0;
            depth += l.kind == HEDGE_LIMIT_TRADE && l.upper == 1;
        }
        ck_assert_int_eq(greek, 1);
        ck_assert_int_eq(depth, 2);
        hedge_result_destroy(r);
    }
    fx_free(&f);
}
END_TEST

/* A soft target alone: minimise w/2 (G + x g - target)^2 + c |x|, so x = (target - G)/g shrunk by
 * c / (w g^2). */
START_TEST(soft_target_is_met_up_to_its_price) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6);
    add_cand(&f, "PERP-A", 0.0001); /* 10 USD per contract */
    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    t.greek = HEDGE_GREEK_DELTA_COIN;
    t.underlying = "BTC";
    t.target = 1.0;
    t.weight = 40.0; /* USD per coin^2 */
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_OK);
    hedge_result *r = solve(&f);
    double d = book_delta();
    double want = (1.0 - d) - 10.0 / 40.0; /* buy: the shrinkage takes c / w off */
    ck_assert_close(traded(r, "PERP-A"), want, 1e-7, 1e-9);
    hedge_hedge_summary s = summary(r);
    double miss = d + want - 1.0;
    ck_assert_close(s.objective, 0.5 * 40.0 * miss * miss + 10.0 * want, 1e-7, 1e-7);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

START_TEST(premium_budget_and_buy_only_hold) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6);
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "CALL";
    c.buy_only = 1;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    hedge_scenario sc[NS];
    hedge_shift sh[NS];
    set_variance(&f, 1e-4, sc, sh);
    double premium = bsm(HEDGE_CALL, S0, 100000, 30.0 / 365.0, VOL);
    hedge_limits l = HEDGE_LIMITS_INIT;
    l.premium_budget = 3.5 * premium; /* buying back 10 calls would cancel the risk; only 3.5 fit */
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_OK);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_close(traded(r, "CALL"), 3.5, 1e-7, 1e-9);
    ck_assert_close(s.premium_usd, 3.5 * premium, 1e-7, 1e-6);
    hedge_limit_report rep = HEDGE_LIMIT_REPORT_INIT;
    ck_assert_status(hedge_result_limit(&rep, r, 0), HEDGE_OK);
    ck_assert_int_eq(rep.kind, HEDGE_LIMIT_BUDGET);
    ck_assert(rep.shadow_price > 0);
    hedge_result_destroy(r);
    /* a budget that forces collecting premium, with a buy-only candidate, cannot be met */
    l.premium_budget = -1.0;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_OK);
    r = solve(&f);
    ck_assert_int_eq(summary(r).status, HEDGE_SOLVE_PRIMAL_INFEASIBLE);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

START_TEST(venue_caps_and_allowed_venues_move_the_order) {
    static fixture f;
    fx_make(&f, 10.0, 1e6, 30.0, 1e6);
    add_cand(&f, "PERP-A", 0.0);
    add_cand(&f, "PERP-B", 0.0);
    double d = book_delta();
    add_band(&f, HEDGE_GREEK_DELTA_COIN, "BTC", 0.0, 0.0);
    /* a cap of 2 contracts' notional on the cheap venue a */
    const char *cv[1] = {"a"};
    double cap[1] = {2.0 * S0};
    hedge_limits l = HEDGE_LIMITS_INIT;
    l.cap_venues = cv;
    l.venue_caps = cap;
    l.n_venue_caps = 1;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_OK);
    hedge_result *r = solve(&f);
    ck_assert_int_eq(summary(r).status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_close(traded(r, "PERP-A"), 2.0, 1e-7, 1e-7);
    ck_assert_close(traded(r, "PERP-B"), -d - 2.0, 1e-7, 1e-7);
    int capped = 0;
    for (size_t i = 0; i < hedge_result_limit_count(r); i++) {
        hedge_limit_report rep = HEDGE_LIMIT_REPORT_INIT;
        ck_assert_status(hedge_result_limit(&rep, r, i), HEDGE_OK);
        if (rep.kind == HEDGE_LIMIT_VENUE_CAP) {
            capped = 1;
            /* each USD of cap saves (30 - 10) / S0 */
            ck_assert_close(rep.shadow_price, 20.0 / S0, 1e-5, 1e-12);
        }
    }
    ck_assert(capped);
    hedge_result_destroy(r);
    /* only venue b allowed */
    const char *allowed[1] = {"b"};
    l = (hedge_limits)HEDGE_LIMITS_INIT;
    l.venues = allowed;
    l.n_venues = 1;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_OK);
    r = solve(&f);
    ck_assert_close(traded(r, "PERP-A"), 0.0, 0, 0);
    ck_assert_close(traded(r, "PERP-B"), -d, 1e-8, 1e-8);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

/* The margin the result reports equals hedge_portfolio_margin() of the book with the trades
 * added, and stays within the collateral. */
START_TEST(margin_after_matches_the_margin_of_the_hedged_book) {
    static fixture f;
    fx_make(&f, 5.0, 1e6, 5.0, 1e6);
    add_cand(&f, "PERP-A", 0.0002);
    add_cand(&f, "PUT", 0.0003);
    add_cand(&f, "CALL", 0.0003);
    hedge_margin_result m0 = HEDGE_MARGIN_RESULT_INIT;
    ck_assert_status(hedge_portfolio_margin(&m0, f.ctx, f.book, f.market, NULL), HEDGE_OK);
    hedge_limits l = HEDGE_LIMITS_INIT;
    l.collateral = 0.4 * m0.margin;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_OK);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_close(s.margin_before, m0.margin, 1e-12, 1e-9);
    ck_assert(s.margin_after <= l.collateral * (1 + 1e-7));
    /* rebuild the hedged book and ask margin.h */
    for (size_t i = 0; i < hedge_result_trade_count(r); i++) {
        hedge_trade t = HEDGE_TRADE_INIT;
        ck_assert_status(hedge_result_trade(&t, r, i), HEDGE_OK);
        hedge_position held = HEDGE_POSITION_INIT;
        if (hedge_portfolio_find(&held, f.book, t.symbol) == HEDGE_OK) {
            ck_assert_status(hedge_portfolio_update(f.book, t.symbol, held.quantity + t.quantity, 0), HEDGE_OK);
            hedge_position_clear(&held);
        } else {
            hedge_position p = HEDGE_POSITION_INIT;
            ck_assert_status(hedge_market_find_instrument(&p.instrument, f.market, t.symbol), HEDGE_OK);
            p.quantity = t.quantity;
            ck_assert_status(hedge_portfolio_add(f.book, &p), HEDGE_OK);
        }
    }
    hedge_margin_result m1 = HEDGE_MARGIN_RESULT_INIT;
    ck_assert_status(hedge_portfolio_margin(&m1, f.ctx, f.book, f.market, NULL), HEDGE_OK);
    ck_assert_close(s.margin_after, m1.margin, 1e-9, 1e-6);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

/* Tracking a benchmark equal to the book leaves nothing to hedge. */
START_TEST(benchmark_equal_to_the_book_needs_no_hedge) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6);
    add_cand(&f, "PERP-A", 0.0);
    hedge_position bench = HEDGE_POSITION_INIT;
    bench.instrument = f.inst[CALL];
    bench.quantity = -10;
    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    o.risk_aversion = 1e-4;
    o.benchmark = &bench;
    o.n_benchmark = 1;
    ck_assert_status(hedge_problem_set_objective(f.problem, &o), HEDGE_OK);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_close(s.std_before, 0.0, 0, 1e-6);
    ck_assert_uint_eq(hedge_result_trade_count(r), 0);
    /* generated scenarios: 21 spot x 3 vol points */
    ck_assert_uint_eq(s.scenarios, 63);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

/* Position bounds are on the instrument after the trade; trade bounds on the trade. */
START_TEST(position_and_trade_bounds_hold) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6);
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "CALL";
    c.max_position = -7.0; /* hold at most -7 after trading: buy back at most 3 */
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    c = (hedge_candidate)HEDGE_CANDIDATE_INIT;
    c.symbol = "PERP-A";
    c.max_trade = 1.5;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    add_band(&f, HEDGE_GREEK_DELTA_COIN, "BTC", -100, 100);
    hedge_scenario sc[NS];
    hedge_shift sh[NS];
    set_variance(&f, 1e-3, sc, sh);
    hedge_result *r = solve(&f);
    ck_assert_int_eq(summary(r).status, HEDGE_SOLVE_OPTIMAL);
    ck_assert(traded(r, "CALL") <= 3.0 + 1e-8);
    ck_assert(traded(r, "PERP-A") <= 1.5 + 1e-8);
    int pos = 0, trade = 0;
    for (size_t i = 0; i < hedge_result_limit_count(r); i++) {
        hedge_limit_report rep = HEDGE_LIMIT_REPORT_INIT;
        ck_assert_status(hedge_result_limit(&rep, r, i), HEDGE_OK);
        pos += rep.kind == HEDGE_LIMIT_POSITION && rep.upper && rep.bound == -7.0;
        trade += rep.kind == HEDGE_LIMIT_TRADE && rep.upper && rep.bound == 1.5;
    }
    ck_assert_int_eq(pos, 1);
    ck_assert_int_eq(trade, 1);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

/* A target limited to expiries counts the book's positions by their expiry, as it counts the
 * candidates: the short 30-day calls fall outside a band on expiries up to 10 days and inside one
 * on expiries from 10 days. */
START_TEST(tenor_limited_bands_count_the_book_by_expiry) {
    static fixture f;
    fx_make(&f, 10.0, 1e6, 10.0, 1e6);
    add_cand(&f, "PUT", 0.0003); /* 30 days, like the calls */
    add_cand(&f, "PERP-A", 0.0);
    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    t.greek = HEDGE_GREEK_VEGA_USD;
    t.underlying = "BTC";
    t.max_days = 10.0;
    t.lo = -1000.0;
    t.hi = 1000.0;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_OK);
    /* nothing of the book or the candidates expires within 10 days: the band holds untouched */
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_uint_eq(hedge_result_trade_count(r), 0);
    hedge_result_destroy(r);

    /* from 10 days on, the calls' vega (about -11000 USD) counts and puts must be bought */
    hedge_problem_destroy(f.problem);
    ck_assert_status(hedge_problem_create(&f.problem, f.ctx), HEDGE_OK);
    add_cand(&f, "PUT", 0.0003);
    t.max_days = HUGE_VAL;
    t.min_days = 10.0;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_OK);
    r = solve(&f);
    s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    hedge_risk_row before = HEDGE_RISK_ROW_INIT, after = HEDGE_RISK_ROW_INIT;
    ck_assert_status(hedge_result_greeks(&before, &after, r, 0), HEDGE_OK);
    ck_assert(before.vega_usd < -5000.0);
    ck_assert(traded(r, "PUT") > 0.0);
    ck_assert_close(after.vega_usd, -1000.0, 1e-7, 1e-6); /* every position is 30 days: the band's edge */
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

static const char problem_json[] =
    "{\"hedge\": {\n"
    "  \"objective\": {\"risk_aversion\": 1e-5, \"horizon_days\": 2, \"spot_points\": 11, \"vol_points\": 1},\n"
    "  \"targets\": [{\"greek\": \"delta_coin\", \"underlying\": \"BTC\", \"min\": -1, \"max\": 1},\n"
    "              {\"greek\": \"vega_usd\", \"target\": 0, \"weight\": 1e-4}],\n"
    "  \"candidates\": [{\"symbol\": \"PERP-A\", \"taker_fee\": 0.0005},\n"
    "                 {\"symbol\": \"PERP-B\", \"taker_fee\": 0.0004, \"max_trade\": 3},\n"
    "                 {\"symbol\": \"PUT\", \"taker_fee\": 0.0003, \"fee_cap\": 0.125, \"buy_only\": true}],\n"
    "  \"limits\": {\"premium_budget\": 50000, \"depth_fraction\": 0.5, \"venue_caps\": {\"b\": 1e6}}\n"
    "}}\n";

START_TEST(json_problem_matches_the_api) {
    static fixture f;
    fx_make(&f, 10.0, 100, 12.0, 100);
    hedge_problem *pj = NULL;
    ck_assert_status(hedge_problem_read_json(&pj, f.ctx, f.market, problem_json, strlen(problem_json), "t.json"),
                     HEDGE_OK);
    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    o.risk_aversion = 1e-5;
    o.horizon_days = 2;
    o.spot_points = 11;
    o.vol_points = 1;
    ck_assert_status(hedge_problem_set_objective(f.problem, &o), HEDGE_OK);
    add_band(&f, HEDGE_GREEK_DELTA_COIN, "BTC", -1, 1);
    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    t.greek = HEDGE_GREEK_VEGA_USD;
    t.weight = 1e-4;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_OK);
    add_cand(&f, "PERP-A", 0.0005);
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "PERP-B";
    c.taker_fee = 0.0004;
    c.max_trade = 3;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    c = (hedge_candidate)HEDGE_CANDIDATE_INIT;
    c.symbol = "PUT";
    c.taker_fee = 0.0003;
    c.fee_cap = 0.125;
    c.buy_only = 1;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    const char *cv[1] = {"b"};
    double cap[1] = {1e6};
    hedge_limits l = HEDGE_LIMITS_INIT;
    l.premium_budget = 50000;
    l.depth_fraction = 0.5;
    l.cap_venues = cv;
    l.venue_caps = cap;
    l.n_venue_caps = 1;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_OK);
    hedge_result *ra = solve(&f), *rj = NULL;
    ck_assert_status(hedge_solve(&rj, f.ctx, pj, f.book, f.market, NULL), HEDGE_OK);
    hedge_hedge_summary sa = summary(ra), sj = summary(rj);
    ck_assert_int_eq(sa.status, HEDGE_SOLVE_OPTIMAL);
    ck_assert_uint_eq(sa.scenarios, 11);
    ck_assert(hedge_result_trade_count(ra) > 0);
    ck_assert_uint_eq(hedge_result_trade_count(ra), hedge_result_trade_count(rj));
    ck_assert(sa.objective == sj.objective);
    for (size_t i = 0; i < hedge_result_trade_count(ra); i++) {
        hedge_trade a = HEDGE_TRADE_INIT, b = HEDGE_TRADE_INIT;
        ck_assert_status(hedge_result_trade(&a, ra, i), HEDGE_OK);
        ck_assert_status(hedge_result_trade(&b, rj, i), HEDGE_OK);
        ck_assert_str_eq(a.symbol, b.symbol);
        ck_assert(a.quantity == b.quantity);
    }
    /* the JSON writer: two calls, the second fills exactly length + 1 bytes */
    size_t len = 0;
    ck_assert_status(hedge_result_write_json(NULL, 0, &len, ra), HEDGE_ERR_BUFFER_TOO_SMALL);
    char *buf = malloc(len + 1);
    ck_assert_status(hedge_result_write_json(buf, len + 1, &len, ra), HEDGE_OK);
    ck_assert_uint_eq(strlen(buf), len);
    ck_assert_ptr_nonnull(strstr(buf, "\"status\": \"optimal\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"symbol\": \"PERP-"));
    free(buf);
    hedge_result_destroy(ra);
    hedge_result_destroy(rj);
    hedge_problem_destroy(pj);
    fx_free(&f);
}
END_TEST

START_TEST(json_errors_name_the_place) {
    static fixture f;
    fx_make(&f, 10.0, 100, 12.0, 100);
    static const struct {
        const char *text;
        hedge_status st;
        const char *where;
    } cases[] = {
        {"{}", HEDGE_ERR_PARSE, "missing member \"hedge\""},
        {"{\"hedge\": {\"candidates\": [{\"symbol\": \"X\", \"fee\": 1}]}}", HEDGE_ERR_PARSE, "/hedge/candidates/0/fee"},
        {"{\"hedge\": {\"candidates\": [{\"symbol\": \"PERP-A\", \"taker_fee\": \"5bp\"}]}}", HEDGE_ERR_PARSE,
         "/hedge/candidates/0/taker_fee"},
        {"{\"hedge\": {\"candidates\": [{\"symbol\": \"PERP-A\", \"lot_size\": -1}]}}", HEDGE_ERR_DOMAIN,
         "/hedge/candidates/0"},
        {"{\"hedge\": {\"candidates\": [], \"targets\": [{\"greek\": \"rho\"}]}}", HEDGE_ERR_PARSE,
         "/hedge/targets/0/greek"},
        {"{\"hedge\": {\"candidates\": [], \"objective\": {\"benchmark\": [{\"symbol\": \"NOPE\", \"quantity\": 1}]}}}",
         HEDGE_ERR_NOT_FOUND, "/hedge/objective/benchmark/0/symbol"},
        {"{\"hedge\": {\"candidates\": [], \"limits\": {\"depth_fraction\": 2}}}", HEDGE_ERR_DOMAIN, "/hedge/limits"},
        {"{\"hedge\": {\"candidates\": [], \"limits\": {\"venue_caps\": {\"a\": \"lots\"}}}}", HEDGE_ERR_PARSE,
         "/hedge/limits/venue_caps/a"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hedge_problem *p = (hedge_problem *)&f; /* must be reset to NULL */
        ck_assert_status(hedge_problem_read_json(&p, f.ctx, f.market, cases[i].text, strlen(cases[i].text), "x.json"),
                         cases[i].st);
        ck_assert_ptr_null(p);
        ck_assert_msg(strstr(hedge_error_message(), cases[i].where), "case %zu: \"%s\" lacks \"%s\"", i,
                      hedge_error_message(), cases[i].where);
        ck_assert_msg(strncmp(hedge_error_message(), "x.json:", 7) == 0, "case %zu: %s", i, hedge_error_message());
    }
    fx_free(&f);
}
END_TEST

START_TEST(bad_input_is_rejected_and_changes_nothing) {
    static fixture f;
    fx_make(&f, 10.0, 100, 12.0, 100);
    hedge_result *r = (hedge_result *)&f;
    /* no candidates */
    ck_assert_status(hedge_solve(&r, f.ctx, f.problem, f.book, f.market, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_ptr_null(r);
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "PERP-A";
    const double bad[] = {NAN, INFINITY, 1.5, -1.5};
    for (size_t i = 0; i < 4; i++) {
        c.taker_fee = bad[i];
        ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_ERR_DOMAIN);
    }
    c.taker_fee = 0;
    c.min_trade = 2;
    c.max_trade = 1;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_ERR_DOMAIN);
    c.min_trade = -HUGE_VAL;
    c.max_trade = HUGE_VAL;
    c.lot_size = NAN;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_ERR_DOMAIN);
    c.lot_size = 0;
    c.symbol = NULL;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_ERR_INVALID_ARG);
    c.symbol = "PERP-A";
    c.struct_size = 4;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_ERR_INVALID_ARG);
    c.struct_size = sizeof c;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_ERR_EXISTS);

    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    t.greek = HEDGE_GREEK_DELTA_COIN; /* without an underlying */
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_ERR_INVALID_ARG);
    t.underlying = "BTC";
    t.lo = 1;
    t.hi = -1;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_ERR_DOMAIN);
    t.lo = NAN;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_ERR_DOMAIN);
    t.lo = -1;
    t.hi = 1;
    t.weight = -1;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_ERR_DOMAIN);
    t.weight = 0;
    t.greek = (hedge_greek)42;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_ERR_INVALID_ARG);
    t.greek = HEDGE_GREEK_DELTA_COIN;
    t.underlying = "DOGE";
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_OK);
    /* a target on an underlying nobody holds or trades */
    ck_assert_status(hedge_solve(&r, f.ctx, f.problem, f.book, f.market, NULL), HEDGE_ERR_NOT_FOUND);
    ck_assert_ptr_null(r);

    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    const struct { double lambda, horizon, vov, conf; } bad_obj[] = {
        {-1, 1, 1, 0.99}, {NAN, 1, 1, 0.99}, {1, 0, 1, 0.99}, {1, INFINITY, 1, 0.99}, {1, 1, -1, 0.99},
        {1, 1, 1, 0.4}, {1, 1, 1, 1.0}};
    for (size_t i = 0; i < sizeof bad_obj / sizeof bad_obj[0]; i++) {
        o.risk_aversion = bad_obj[i].lambda;
        o.horizon_days = bad_obj[i].horizon;
        o.vol_of_vol = bad_obj[i].vov;
        o.var_confidence = bad_obj[i].conf;
        ck_assert_status(hedge_problem_set_objective(f.problem, &o), HEDGE_ERR_DOMAIN);
    }
    o = (hedge_objective)HEDGE_OBJECTIVE_INIT;
    hedge_shift sh[2] = {{"BTC", 0.1, 0, 0}, {"BTC", -0.1, 0, 0}};
    hedge_scenario sc = {sh, 2, 0};
    o.scenarios = &sc;
    o.n_scenarios = 1;
    ck_assert_status(hedge_problem_set_objective(f.problem, &o), HEDGE_ERR_INVALID_ARG); /* BTC twice */
    sh[1].underlying = "ETH";
    sh[1].spot = -1.0;
    ck_assert_status(hedge_problem_set_objective(f.problem, &o), HEDGE_ERR_DOMAIN);

    hedge_limits l = HEDGE_LIMITS_INIT;
    l.depth_fraction = 0;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_ERR_DOMAIN);
    l.depth_fraction = 1;
    l.collateral = -1;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_ERR_DOMAIN);
    l.collateral = HUGE_VAL;
    l.premium_budget = NAN;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_ERR_DOMAIN);
    l.premium_budget = HUGE_VAL;
    l.n_venues = 1;
    ck_assert_status(hedge_problem_set_limits(f.problem, &l), HEDGE_ERR_INVALID_ARG);

    /* the rejected calls changed nothing: drop the DOGE target (a new problem with the one good
     * candidate) and the solve matches a problem built cleanly */
    hedge_problem_destroy(f.problem);
    ck_assert_status(hedge_problem_create(&f.problem, f.ctx), HEDGE_OK);
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    ck_assert_status(hedge_solve(&r, f.ctx, f.problem, f.book, f.market, NULL), HEDGE_OK);
    hedge_result_destroy(r);

    /* candidates the market cannot trade */
    static const struct { const char *sym, *venue; hedge_status st; } bad_cand[] = {
        {"NOPE", NULL, HEDGE_ERR_NOT_FOUND},   /* no such instrument */
        {"PERP-A", "b", HEDGE_ERR_NOT_FOUND},  /* no quote there */
    };
    for (size_t i = 0; i < 2; i++) {
        hedge_problem *p;
        ck_assert_status(hedge_problem_create(&p, f.ctx), HEDGE_OK);
        hedge_candidate k = HEDGE_CANDIDATE_INIT;
        k.symbol = bad_cand[i].sym;
        k.venue = bad_cand[i].venue;
        ck_assert_status(hedge_problem_add_candidate(p, &k), HEDGE_OK);
        ck_assert_status(hedge_solve(&r, f.ctx, p, f.book, f.market, NULL), bad_cand[i].st);
        ck_assert_ptr_null(r);
        ck_assert_ptr_nonnull(strstr(hedge_error_message(), bad_cand[i].sym));
        hedge_problem_destroy(p);
    }
    /* a fixed cost with unbounded trades */
    {
        hedge_problem *p;
        ck_assert_status(hedge_problem_create(&p, f.ctx), HEDGE_OK);
        hedge_candidate k = HEDGE_CANDIDATE_INIT;
        k.symbol = "PERP-A";
        k.fixed_cost = 5;
        ck_assert_status(hedge_problem_add_candidate(p, &k), HEDGE_OK);
        /* the quote's depth bounds it, so this is fine ... */
        ck_assert_status(hedge_solve(&r, f.ctx, p, f.book, f.market, NULL), HEDGE_OK);
        hedge_result_destroy(r);
        hedge_problem_destroy(p);
    }
    ck_assert_status(hedge_solve(NULL, f.ctx, f.problem, f.book, f.market, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_solve(&r, f.ctx, f.problem, NULL, f.market, NULL), HEDGE_ERR_INVALID_ARG);
    hedge_solve_options so = HEDGE_SOLVE_OPTIONS_INIT;
    so.backend = "no-such-backend";
    ck_assert_status(hedge_solve(&r, f.ctx, f.problem, f.book, f.market, &so), HEDGE_ERR_NOT_FOUND);
    ck_assert_ptr_null(r);
    fx_free(&f);
}
END_TEST

START_TEST(stale_quotes_are_refused) {
    static fixture f;
    fx_make(&f, 10.0, 100, 12.0, 100);
    /* rebuild the market with a quote two minutes old on PERP-B */
    hedge_snapshot_builder *sb;
    ck_assert_status(hedge_snapshot_builder_create(&sb, f.ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(sb, "BTC", S0, NOW, 0), HEDGE_OK);
    quote(sb, "PERP-B", "b", S0, 10, 100, 120000);
    hedge_snapshot *snap;
    ck_assert_status(hedge_snapshot_builder_finish(&snap, sb), HEDGE_OK);
    hedge_snapshot_builder_destroy(sb);
    hedge_market *m;
    ck_assert_status(hedge_market_create(&m, f.ctx, snap, (const hedge_instrument *const *)f.inst, N_INST, NULL, NULL,
                                         0),
                     HEDGE_OK);
    hedge_snapshot_destroy(snap);
    hedge_portfolio *empty;
    ck_assert_status(hedge_portfolio_create(&empty, f.ctx), HEDGE_OK);
    add_cand(&f, "PERP-B", 0);
    hedge_result *r;
    ck_assert_status(hedge_solve(&r, f.ctx, f.problem, empty, m, NULL), HEDGE_ERR_STALE);
    hedge_portfolio_destroy(empty);
    hedge_market_destroy(m);
    fx_free(&f);
}
END_TEST

typedef struct oom_payload {
    int json;
} oom_payload;

/* Everything from the market up, so that every allocation of the solve path is swept. */
static hedge_status oom_run(hedge_context *ctx, void *arg) {
    oom_payload *pl = arg;
    if (!ctx)
        return HEDGE_ERR_NOMEM;
    fixture f;
    fx_make(&f, 10.0, 100, 12.0, 100); /* built on its own context, outside the sweep */
    hedge_problem *p = NULL;
    hedge_result *r = NULL;
    hedge_status st;
    if (pl->json) {
        st = hedge_problem_read_json(&p, ctx, f.market, problem_json, strlen(problem_json), "t.json");
    } else {
        st = hedge_problem_create(&p, ctx);
        hedge_candidate c = HEDGE_CANDIDATE_INIT;
        c.symbol = "PERP-A";
        if (!st)
            st = hedge_problem_add_candidate(p, &c);
        c.symbol = "PUT";
        if (!st)
            st = hedge_problem_add_candidate(p, &c);
        hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
        t.greek = HEDGE_GREEK_DELTA_COIN;
        t.underlying = "BTC";
        t.lo = -1;
        t.hi = 1;
        if (!st)
            st = hedge_problem_add_target(p, &t);
        const char *cv[1] = {"a"};
        double cap[1] = {1e6};
        hedge_limits l = HEDGE_LIMITS_INIT;
        l.collateral = 1e7;
        l.premium_budget = 1e5;
        l.cap_venues = cv;
        l.venue_caps = cap;
        l.n_venue_caps = 1;
        if (!st)
            st = hedge_problem_set_limits(p, &l);
        hedge_objective o = HEDGE_OBJECTIVE_INIT;
        o.risk_aversion = 1e-5;
        o.spot_points = 5;
        if (!st)
            st = hedge_problem_set_objective(p, &o);
    }
    if (!st)
        st = hedge_solve(&r, ctx, p, f.book, f.market, NULL);
    if (!st) { /* the writer allocates its text: it is swept too */
        size_t len;
        st = hedge_result_write_json(NULL, 0, &len, r);
        if (st == HEDGE_ERR_BUFFER_TOO_SMALL)
            st = HEDGE_OK;
    }
    hedge_result_destroy(r);
    hedge_problem_destroy(p);
    fx_free(&f);
    return st;
}

START_TEST(oom_sweep_over_problem_and_solve) {
    oom_payload pl = {0};
    long n = test_oom_sweep(oom_run, &pl);
    ck_assert(n > 10);
    pl.json = 1;
    n = test_oom_sweep(oom_run, &pl);
    ck_assert(n > 10);
}
END_TEST


/* The rebalancer from creation to its orders, swept: a check that fails for want of memory must
 * leave the rebalancer as it was, so the same check again (the allocator fails only once) trades
 * as a first check does (a daily calendar never traded), and its orders reach delta 0. */
static hedge_status oom_rebalance(hedge_context *ctx, void *arg) {
    (void)arg;
    if (!ctx)
        return HEDGE_ERR_NOMEM;
    fixture f;
    fx_make(&f, 5.0, 1e6, 8.0, 1e6); /* on its own context, outside the sweep */
    hedge_problem *p = NULL;
    hedge_rebalancer *rb = NULL;
    hedge_result *orders = NULL;
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "PERP-A";
    hedge_rebalance_policy pol = HEDGE_REBALANCE_POLICY_INIT;
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    hedge_status st = hedge_problem_create(&p, ctx);
    if (!st)
        st = hedge_problem_add_candidate(p, &c);
    if (!st)
        st = hedge_rebalancer_create(&rb, ctx, p, "BTC", &pol);
    if (!st) {
        st = hedge_rebalancer_check(&d, &orders, rb, f.book, f.market);
        hedge_status again = st;
        if (st == HEDGE_ERR_NOMEM && !orders)
            again = hedge_rebalancer_check(&d, &orders, rb, f.book, f.market);
        hedge_risk_row before = HEDGE_RISK_ROW_INIT, after = HEDGE_RISK_ROW_INIT;
        bool reached = again == HEDGE_OK && d.trade && orders &&
                       hedge_result_greeks(&before, &after, orders, 0) == HEDGE_OK && fabs(after.delta_coin) < 1e-8;
        if (!reached)
            st = HEDGE_ERR_STATE; /* not what the sweep accepts: the rebalancer was left changed */
    }
    hedge_result_destroy(orders);
    hedge_rebalancer_destroy(rb);
    hedge_problem_destroy(p);
    fx_free(&f);
    return st;
}

START_TEST(oom_sweep_over_the_rebalancer) { ck_assert(test_oom_sweep(oom_rebalance, NULL) > 5); }
END_TEST

/* ---- rebalancing policies (rebalance.h) ------------------------------------------------------ */

static hedge_rebalance_decision decide(const hedge_rebalance_policy *p, double delta, double gamma, double days) {
    hedge_rebalance_state st = HEDGE_REBALANCE_STATE_INIT;
    st.delta = delta;
    st.gamma = gamma;
    st.spot = 50000;
    st.vol = 0.6;
    st.rate = 0.04;
    st.time_left = 0.25;
    st.days_since_last = days;
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    ck_assert_status(hedge_rebalance_decide(&d, p, &st), HEDGE_OK);
    return d;
}

/* Whalley-Wilmott: H = (3/2 e^{-r tau} k S G^2 / gamma)^{1/3}, trade to the nearest edge. */
START_TEST(whalley_wilmott_band_by_hand) {
    hedge_rebalance_policy p = HEDGE_REBALANCE_POLICY_INIT;
    p.rule = HEDGE_REBALANCE_WHALLEY_WILMOTT;
    p.cost_rate = 0.001;
    p.risk_aversion = 1e-4;
    const double G = -2e-4; /* short gamma, coins per USD */
    double H = pow(1.5 * exp(-0.04 * 0.25) * 0.001 * 50000 * G * G / 1e-4, 1.0 / 3.0);
    hedge_rebalance_decision in = decide(&p, 0.999 * H, G, 0), out = decide(&p, -1.001 * H, G, 0);
    ck_assert_close(in.band, H, 1e-14, 0);
    ck_assert_int_eq(in.trade, 0);
    ck_assert_close(in.target_delta, 0.999 * H, 0, 0);
    ck_assert_int_eq(out.trade, 1);
    ck_assert_close(out.target_delta, -H, 1e-14, 0);
    /* the band grows as the cube root of the cost: eight times the cost, twice the band */
    p.cost_rate = 0.008;
    ck_assert_close(decide(&p, 0, G, 0).band, 2 * H, 1e-14, 0);
}
END_TEST

START_TEST(leland_volatility_by_hand) {
    hedge_rebalance_policy p = HEDGE_REBALANCE_POLICY_INIT;
    p.rule = HEDGE_REBALANCE_LELAND;
    p.interval_days = 1;
    p.cost_rate = 0.002;
    double le = sqrt(2.0 / (4.0 * atan(1.0))) * 0.002 / (0.6 * sqrt(1.0 / 365.0));
    hedge_rebalance_decision shortg = decide(&p, 1, -1e-4, 0.5), longg = decide(&p, 1, 1e-4, 1.0);
    ck_assert_close(shortg.hedge_vol, 0.6 * sqrt(1 + le), 1e-14, 0);
    ck_assert_close(longg.hedge_vol, 0.6 * sqrt(1 - le), 1e-14, 0);
    ck_assert_int_eq(shortg.trade, 0); /* half a day since the last rebalance */
    ck_assert_int_eq(longg.trade, 1);
    ck_assert_close(longg.target_delta, 0, 0, 0);
    /* costs so high against so short an interval that a long option's variance would turn negative */
    p.cost_rate = 0.5;
    hedge_rebalance_state st = HEDGE_REBALANCE_STATE_INIT;
    st.gamma = 1e-4;
    st.spot = 50000;
    st.vol = 0.6;
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    d.target_delta = 123;
    ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_ERR_DOMAIN);
    ck_assert_close(d.target_delta, 123, 0, 0);
}
END_TEST

START_TEST(bands_calendar_and_cost_risk_by_hand) {
    hedge_rebalance_policy p = HEDGE_REBALANCE_POLICY_INIT;
    p.rule = HEDGE_REBALANCE_DELTA_BAND;
    p.band = 0.5;
    ck_assert_int_eq(decide(&p, 0.5, 0, 0).trade, 0);
    ck_assert_close(decide(&p, -0.7, 0, 0).target_delta, 0, 0, 0);
    p.to_edge = 1;
    ck_assert_close(decide(&p, -0.7, 0, 0).target_delta, -0.5, 0, 0);
    p = (hedge_rebalance_policy)HEDGE_REBALANCE_POLICY_INIT;
    p.interval_days = 7;
    ck_assert_int_eq(decide(&p, 3, 0, 6.99).trade, 0);
    ck_assert_int_eq(decide(&p, 3, 0, 7).trade, 1);
    ck_assert_int_eq(decide(&p, 3, 0, HUGE_VAL).trade, 1); /* never rebalanced */
    /* cost against risk: benefit gamma/2 (D S sigma)^2 h against k |D| S + g; the break-even delta is
     * D* = (k S + sqrt((k S)^2 + 2 gamma (S sigma)^2 h g)) / (gamma (S sigma)^2 h) */
    p = (hedge_rebalance_policy)HEDGE_REBALANCE_POLICY_INIT;
    p.rule = HEDGE_REBALANCE_COST_RISK;
    p.risk_aversion = 2e-5;
    p.cost_rate = 0.0005;
    p.fixed_cost = 15;
    p.horizon_days = 1;
    double a = 2e-5 * pow(50000 * 0.6, 2) / 365.0, b = 0.0005 * 50000;
    double dstar = (b + sqrt(b * b + 2 * a * 15)) / a;
    hedge_rebalance_decision lo = decide(&p, 0.999 * dstar, 0, 0), hi = decide(&p, -1.001 * dstar, 0, 0);
    ck_assert_int_eq(lo.trade, 0);
    ck_assert_int_eq(hi.trade, 1);
    ck_assert_close(hi.benefit_usd, 0.5 * a * pow(1.001 * dstar, 2), 1e-13, 0);
    ck_assert_close(hi.cost_usd, b * 1.001 * dstar + 15, 1e-13, 0);
    ck_assert_close(hi.target_delta, 0, 0, 0);
}
END_TEST

START_TEST(rebalance_bad_input) {
    hedge_rebalance_policy p = HEDGE_REBALANCE_POLICY_INIT;
    hedge_rebalance_state st = HEDGE_REBALANCE_STATE_INIT;
    st.spot = 50000;
    st.vol = 0.5;
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_OK);
    p.rule = HEDGE_REBALANCE_WHALLEY_WILMOTT; /* needs a risk aversion */
    ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_ERR_DOMAIN);
    p.rule = (hedge_rebalance_rule)9;
    ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_ERR_INVALID_ARG);
    p = (hedge_rebalance_policy)HEDGE_REBALANCE_POLICY_INIT;
    p.interval_days = 0;
    ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_ERR_DOMAIN);
    p.interval_days = 1;
    p.cost_rate = NAN;
    ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_ERR_DOMAIN);
    p.cost_rate = 0;
    const double bad[] = {NAN, 0.0, -1.0, INFINITY};
    for (int i = 0; i < 4; i++) {
        st.vol = bad[i];
        ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_ERR_DOMAIN);
    }
    st.vol = 0.5;
    st.delta = NAN;
    ck_assert_status(hedge_rebalance_decide(&d, &p, &st), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_rebalance_decide(NULL, &p, &st), HEDGE_ERR_INVALID_ARG);
}
END_TEST

/* The rebalancer on the fixture's book: a daily calendar trades at once (never traded), brings the
 * delta exactly to 0 through the hedge solver, and not again within the day. */
START_TEST(rebalancer_trades_through_the_solver) {
    static fixture f;
    fx_make(&f, 5.0, 1e6, 8.0, 1e6);
    add_cand(&f, "PERP-A", 0.0002);
    add_cand(&f, "PERP-B", 0.0002);
    hedge_rebalance_policy pol = HEDGE_REBALANCE_POLICY_INIT;
    hedge_rebalancer *rb = NULL;
    ck_assert_status(hedge_rebalancer_create(&rb, f.ctx, f.problem, "BTC", &pol), HEDGE_OK);
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    hedge_result *orders = NULL;
    ck_assert_status(hedge_rebalancer_check(&d, &orders, rb, f.book, f.market), HEDGE_OK);
    ck_assert_int_eq(d.trade, 1);
    ck_assert_ptr_nonnull(orders);
    hedge_risk_row before = HEDGE_RISK_ROW_INIT, after = HEDGE_RISK_ROW_INIT;
    ck_assert_status(hedge_result_greeks(&before, &after, orders, 0), HEDGE_OK);
    ck_assert_close(before.delta_coin, book_delta(), 1e-12, 1e-12);
    ck_assert_close(after.delta_coin, 0.0, 0, 2e-9);
    ck_assert_close(traded(orders, "PERP-A"), -book_delta(), 1e-8, 1e-8); /* the cheaper venue, deep enough */
    hedge_result_destroy(orders);
    /* the same instant: not a day since the last trade */
    ck_assert_status(hedge_rebalancer_check(&d, &orders, rb, f.book, f.market), HEDGE_OK);
    ck_assert_int_eq(d.trade, 0);
    ck_assert_ptr_null(orders);
    hedge_rebalancer_destroy(rb);

    /* a band wider than the book's delta: no trade */
    pol.rule = HEDGE_REBALANCE_DELTA_BAND;
    pol.band = 10;
    ck_assert_status(hedge_rebalancer_create(&rb, f.ctx, f.problem, "BTC", &pol), HEDGE_OK);
    ck_assert_status(hedge_rebalancer_check(&d, &orders, rb, f.book, f.market), HEDGE_OK);
    ck_assert_int_eq(d.trade, 0);
    ck_assert_ptr_null(orders);
    hedge_rebalancer_destroy(rb);
    /* bad input */
    ck_assert_status(hedge_rebalancer_create(&rb, f.ctx, f.problem, "", &pol), HEDGE_ERR_INVALID_ARG);
    ck_assert_ptr_null(rb);
    pol.band = -1;
    ck_assert_status(hedge_rebalancer_create(&rb, f.ctx, f.problem, "BTC", &pol), HEDGE_ERR_DOMAIN);
    pol.band = 1;
    ck_assert_status(hedge_rebalancer_create(&rb, f.ctx, f.problem, "DOGE", &pol), HEDGE_OK);
    ck_assert_status(hedge_rebalancer_check(&d, &orders, rb, f.book, f.market), HEDGE_ERR_NOT_FOUND);
    hedge_rebalancer_destroy(rb);
    fx_free(&f);
}
END_TEST


/* ---- integer trades: lot sizes, minimum sizes, fixed costs (branch and bound in the backend) --- */

/* The cheapest trade into a band, in whole lots: the smallest number of lots that reaches it. */
START_TEST(lots_round_up_to_the_band) {
    static fixture f;
    fx_make(&f, 5.0, 1e6, 5.0, 1e6);
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "PERP-A";
    c.lot_size = 0.7;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    double d = book_delta();
    add_band(&f, HEDGE_GREEK_DELTA_COIN, "BTC", -0.5, 0.5);
    hedge_result *r = solve(&f);
    ck_assert_int_eq(summary(r).status, HEDGE_SOLVE_OPTIMAL);
    double want = ceil((-0.5 - d) / 0.7) * 0.7; /* lots needed to lift the delta above -0.5 */
    ck_assert(want - 0.7 < -0.5 - d && d + want <= 0.5);
    ck_assert_close(traded(r, "PERP-A"), want, 1e-12, 1e-12);
    /* the relaxation stops inside a lot (checked above): the search solved it and at least a child */
    ck_assert_uint_ge(summary(r).nodes, 2);
    double lots = traded(r, "PERP-A") / 0.7;
    ck_assert_close(lots, round(lots), 0, 1e-9);
    hedge_result_destroy(r);
    fx_free(&f);
}
END_TEST

/* A soft target needing 1.2 contracts: w/2 (1.2 - x)^2 + cost. With a minimum size of 3, the
 * answer is 0 or 3, whichever costs less; with a fixed cost, trading pays only when the penalty it
 * removes exceeds it. */
static double soft_trade(double min_size, double fixed_cost, double weight) {
    static fixture f;
    fx_make(&f, 0.0, 1e6, 0.0, 1e6);
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "PERP-A";
    c.min_size = min_size;
    c.fixed_cost = fixed_cost;
    c.min_trade = -50;
    c.max_trade = 50;
    ck_assert_status(hedge_problem_add_candidate(f.problem, &c), HEDGE_OK);
    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    t.greek = HEDGE_GREEK_DELTA_COIN;
    t.underlying = "BTC";
    t.target = book_delta() + 1.2;
    t.weight = weight;
    ck_assert_status(hedge_problem_add_target(f.problem, &t), HEDGE_OK);
    hedge_result *r = solve(&f);
    hedge_hedge_summary s = summary(r);
    ck_assert_int_eq(s.status, HEDGE_SOLVE_OPTIMAL);
    double x = traded(r, "PERP-A");
    /* the objective the result reports is the one its answer attains */
    double miss = 1.2 - x;
    ck_assert_close(s.objective, 0.5 * weight * miss * miss + (x != 0 ? fixed_cost : 0), 1e-9, 1e-9);
    ck_assert_close(s.fixed_usd, x != 0 ? fixed_cost : 0, 0, 0);
    hedge_result_destroy(r);
    fx_free(&f);
    return x;
}

START_TEST(minimum_sizes_and_fixed_costs_decide_by_cost) {
    /* min size 3: 0 costs w/2 1.44, 3 costs w/2 3.24: no trade */
    ck_assert_close(soft_trade(3.0, 0.0, 10.0), 0.0, 0, 0);
    /* min size 2: 0 costs w/2 1.44, 2 costs w/2 0.64: trade exactly the minimum */
    ck_assert_close(soft_trade(2.0, 0.0, 10.0), 2.0, 1e-9, 1e-9);
    /* fixed cost 5 against the penalty w/2 1.44 = 7.2 at w = 10: trade the whole 1.2 */
    ck_assert_close(soft_trade(0.0, 5.0, 10.0), 1.2, 1e-8, 1e-8);
    /* fixed cost 8 > 7.2: leave it */
    ck_assert_close(soft_trade(0.0, 8.0, 10.0), 0.0, 0, 0);
}
END_TEST

/* A book whose Greeks overflow a double (1e308 perpetuals, found by fuzzing) has no hedge: the
 * solve fails with HEDGE_ERR_DOMAIN instead of a result holding infinities. */
START_TEST(overflowing_books_are_refused) {
    static fixture f;
    fx_make(&f, 10.0, 100, 12.0, 100);
    add_cand(&f, "PERP-A", 0.0005);
    add_band(&f, HEDGE_GREEK_DELTA_COIN, "BTC", -1, 1);
    hedge_position pos = HEDGE_POSITION_INIT;
    pos.instrument = f.inst[PERP_B];
    pos.quantity = 1e308;
    ck_assert_status(hedge_portfolio_add(f.book, &pos), HEDGE_OK);
    hedge_result *r = (hedge_result *)0x1;
    ck_assert_status(hedge_solve(&r, f.ctx, f.problem, f.book, f.market, NULL), HEDGE_ERR_DOMAIN);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(hedge_error_message(), "overflow"));
    fx_free(&f);
}
END_TEST

Suite *hedge_test_suite_hedge(void) {
    Suite *s = suite_create("hedge");
    TCase *tc = tcase_create("solve");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, minimum_variance_hedge_is_the_regression_ratio);
    tcase_add_test(tc, summary_var_and_es_are_the_loss_quantile_and_its_tail_mean);
    tcase_add_test(tc, proportional_costs_soft_threshold_the_hedge);
    tcase_add_test(tc, delta_band_is_met_at_its_edge_by_the_cheapest_venue);
    tcase_add_test(tc, shadow_price_matches_a_finite_difference);
    tcase_add_test(tc, unreachable_band_reports_the_conflicting_limits);
    tcase_add_test(tc, soft_target_is_met_up_to_its_price);
    tcase_add_test(tc, premium_budget_and_buy_only_hold);
    tcase_add_test(tc, venue_caps_and_allowed_venues_move_the_order);
    tcase_add_test(tc, margin_after_matches_the_margin_of_the_hedged_book);
    tcase_add_test(tc, benchmark_equal_to_the_book_needs_no_hedge);
    tcase_add_test(tc, position_and_trade_bounds_hold);
    tcase_add_test(tc, tenor_limited_bands_count_the_book_by_expiry);
    tcase_add_test(tc, json_problem_matches_the_api);
    tcase_add_test(tc, json_errors_name_the_place);
    tcase_add_test(tc, bad_input_is_rejected_and_changes_nothing);
    tcase_add_test(tc, stale_quotes_are_refused);
    tcase_add_test(tc, oom_sweep_over_problem_and_solve);
    tcase_add_test(tc, oom_sweep_over_the_rebalancer);
    tcase_add_test(tc, lots_round_up_to_the_band);
    tcase_add_test(tc, minimum_sizes_and_fixed_costs_decide_by_cost);
    tcase_add_test(tc, overflowing_books_are_refused);
    suite_add_tcase(s, tc);
    TCase *rb = tcase_create("rebalance");
    tcase_add_test(rb, whalley_wilmott_band_by_hand);
    tcase_add_test(rb, leland_volatility_by_hand);
    tcase_add_test(rb, bands_calendar_and_cost_risk_by_hand);
    tcase_add_test(rb, rebalance_bad_input);
    tcase_add_test(rb, rebalancer_trades_through_the_solver);
    suite_add_tcase(s, rb);
    return s;
}
