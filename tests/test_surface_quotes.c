/* Surfaces fitted to option quotes: quotes priced from known SVI smiles (linear and coin-premium inverse) must give
 * back the smiles; bad quotes must be skipped and reported, bad calls rejected, and no allocation failure may leak. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define N_EXP 3
#define N_K 21
#define MAX_OPT 400

static const double spot = 60000, rate = 0.04, basis = 0.06;

/* The generating smiles, raw SVI in total variance; forward filled in by the fixture. */
static const double truth[N_EXP][5] = {
    /* a, b, rho, m, sigma */
    {0.004, 0.030, -0.30, 0.00, 0.05},
    {0.015, 0.060, -0.35, 0.01, 0.10},
    {0.045, 0.100, -0.40, 0.02, 0.20},
};
static const int days[N_EXP] = {7, 30, 91};

static double svi_w(const double *p, double k) {
    return p[0] + p[1] * (p[2] * (k - p[3]) + sqrt((k - p[3]) * (k - p[3]) + p[4] * p[4]));
}

/* Undiscounted Black-76, written out here rather than taken from the library under test. */
static double black(int call, double F, double K, double w) {
    double s = sqrt(w), d1 = (log(F / K) + 0.5 * w) / s, d2 = d1 - s;
    double nd1 = 0.5 * erfc(-d1 / sqrt(2.0)), nd2 = 0.5 * erfc(-d2 / sqrt(2.0));
    return call ? F * nd1 - K * nd2 : K * (1 - nd2) - F * (1 - nd1);
}

typedef struct fixture {
    hedge_context *ctx;
    hedge_snapshot *snap;
    hedge_snapshot_builder *b;
    const hedge_instrument *opt[MAX_OPT];
    size_t n;
    int64_t expiry[N_EXP];
    double F[N_EXP], T[N_EXP];
} fixture;

static const hedge_instrument *add_option(fixture *fx, const char *sym, const char *und, hedge_settlement settle,
                                          int call, double K, int64_t expiry) {
    hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
    sp.kind = HEDGE_INSTRUMENT_OPTION;
    sp.symbol = sym;
    sp.underlying = und;
    sp.settlement = settle;
    sp.option_type = call ? HEDGE_CALL : HEDGE_PUT;
    sp.strike = K;
    sp.expiry_ms = expiry;
    hedge_instrument *in;
    ck_assert_status(hedge_instrument_create(&in, fx->ctx, &sp), HEDGE_OK);
    ck_assert_uint_lt(fx->n, MAX_OPT);
    fx->opt[fx->n++] = in;
    return in;
}

static void add_quote(fixture *fx, const char *sym, const char *venue, double bid, double ask, int64_t ts) {
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.symbol = sym;
    q.venue = venue;
    q.bid = bid;
    q.ask = ask;
    q.bid_size = bid > 0 ? 10 : 0;
    q.ask_size = ask > 0 ? 10 : 0;
    q.timestamp_ms = ts;
    ck_assert_status(hedge_snapshot_builder_add_quote(fx->b, &q), HEDGE_OK);
}

/* The true premium of an option: USD for linear, coins (USD / spot) for inverse. */
static double premium(const fixture *fx, int e, int call, double K, int inverse) {
    double usd = exp(-rate * fx->T[e]) * black(call, fx->F[e], K, svi_w(truth[e], log(K / fx->F[e])));
    return inverse ? usd / spot : usd;
}

/* Expiry 0 quoted by linear options only, expiry 1 by inverse ones only, expiry 2 by both. Every
 * quote has a symmetric spread of 2% around the true premium, so the mid is the true premium. */
static void fixture_begin(fixture *fx) {
    memset(fx, 0, sizeof *fx);
    ck_assert_status(hedge_context_create(&fx->ctx, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_create(&fx->b, fx->ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(fx->b, "BTC", spot, NOW, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_rate(fx->b, "BTC", rate), HEDGE_OK);
    for (int e = 0; e < N_EXP; e++) {
        fx->expiry[e] = NOW + days[e] * DAY;
        fx->T[e] = (double)(days[e] * DAY) / HEDGE_MS_PER_YEAR;
        fx->F[e] = spot * exp(basis * fx->T[e]);
        ck_assert_status(hedge_snapshot_builder_add_forward(fx->b, "BTC", fx->expiry[e], fx->F[e]), HEDGE_OK);
        double sd = sqrt(svi_w(truth[e], 0));
        for (int j = 0; j < N_K; j++) {
            double K = round(fx->F[e] * exp(sd * (-3.0 + 6.0 * j / (N_K - 1))));
            for (int inv = 0; inv < 2; inv++) {
                if ((e == 0 && inv) || (e == 1 && !inv))
                    continue;
                for (int call = 0; call < 2; call++) {
                    char sym[64];
                    snprintf(sym, sizeof sym, "%s-%d-%.0f-%c", inv ? "I" : "L", e, K, call ? 'C' : 'P');
                    add_option(fx, sym, "BTC", inv ? HEDGE_SETTLE_INVERSE : HEDGE_SETTLE_LINEAR, call, K,
                               fx->expiry[e]);
                    double p = premium(fx, e, call, K, inv);
                    add_quote(fx, sym, inv ? "coinvenue" : "usdvenue", p * 0.99, p * 1.01, NOW - 1000);
                }
            }
        }
    }
}

static void fixture_finish(fixture *fx) {
    ck_assert_status(hedge_snapshot_builder_finish(&fx->snap, fx->b), HEDGE_OK);
}

static void fixture_end(fixture *fx) {
    for (size_t i = 0; i < fx->n; i++)
        hedge_instrument_destroy((hedge_instrument *)(uintptr_t)fx->opt[i]);
    hedge_snapshot_destroy(fx->snap);
    hedge_snapshot_builder_destroy(fx->b);
    hedge_context_destroy(fx->ctx);
}

/* Whether the contract says an option is used: out of the money, or inside the at-the-money band. */
static int otm(const fixture *fx, const hedge_instrument *in, int e, double band) {
    hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
    hedge_instrument_info(&sp, in);
    double k = log(sp.strike / fx->F[e]);
    return sp.option_type == HEDGE_CALL ? k >= -band : k <= band;
}

static int expiry_index(const fixture *fx, const hedge_instrument *in) {
    hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
    hedge_instrument_info(&sp, in);
    for (int e = 0; e < N_EXP; e++)
        if (sp.expiry_ms == fx->expiry[e])
            return e;
    return -1;
}

static void check_slice(const hedge_vol_surface *s, size_t i, int e, const fixture *fx) {
    hedge_svi_slice got;
    ck_assert_status(hedge_vol_surface_slice(&got, s, i), HEDGE_OK);
    ck_assert(got.expiry_ms == fx->expiry[e]);
    ck_assert_close(got.forward, fx->F[e], 1e-15, 0);
    ck_assert_close(got.a, truth[e][0], 0, 1e-6);
    ck_assert_close(got.b, truth[e][1], 0, 1e-5);
    ck_assert_close(got.rho, truth[e][2], 0, 1e-4);
    ck_assert_close(got.m, truth[e][3], 0, 1e-5);
    ck_assert_close(got.sigma, truth[e][4], 0, 1e-5);
    ck_assert_msg(got.rmse_vol < 1e-6, "slice %zu rmse_vol %g", i, got.rmse_vol);
    /* and the smile's vols where it was quoted, against the truth's */
    for (double k = -0.2; k <= 0.2; k += 0.05) {
        double v;
        ck_assert_status(hedge_vol_surface_vol(&v, s, fx->F[e] * exp(k), fx->F[e], fx->expiry[e]), HEDGE_OK);
        ck_assert_close(v, sqrt(svi_w(truth[e], k) / fx->T[e]), 0, 1e-6);
    }
}

START_TEST(recovers_the_generating_smiles) {
    fixture fx;
    fixture_begin(&fx);
    fixture_finish(&fx);
    const hedge_surface_weighting weightings[] = {HEDGE_SURFACE_WEIGHT_VEGA, HEDGE_SURFACE_WEIGHT_INVERSE_SPREAD,
                                                  HEDGE_SURFACE_WEIGHT_EQUAL};
    for (size_t wi = 0; wi < 3; wi++) {
        hedge_surface_fit_options o;
        hedge_surface_fit_options_init(&o);
        o.weighting = weightings[wi];
        hedge_surface_fit_expiry ex[N_EXP + 1];
        hedge_quote_verdict verdicts[MAX_OPT];
        hedge_surface_fit_report rep = HEDGE_SURFACE_FIT_REPORT_INIT;
        rep.expiries = ex;
        rep.expiry_capacity = N_EXP + 1;
        rep.verdicts = verdicts;
        hedge_vol_surface *s;
        ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, fx.n, wi == 0 ? NULL : &o, &rep),
                         HEDGE_OK);
        ck_assert_uint_eq(hedge_vol_surface_slice_count(s), N_EXP);
        ck_assert_uint_eq(rep.n_expiries, N_EXP);
        ck_assert_uint_eq(rep.n_fitted, N_EXP);
        size_t expect_used[N_EXP] = {0}, total = 0;
        for (size_t i = 0; i < fx.n; i++) {
            int e = expiry_index(&fx, fx.opt[i]), use = otm(&fx, fx.opt[i], e, 0.01);
            ck_assert_int_eq(verdicts[i], use ? HEDGE_QUOTE_USED : HEDGE_QUOTE_IN_THE_MONEY);
            expect_used[e] += (size_t)use;
            total += (size_t)use;
        }
        ck_assert_uint_eq(rep.n_used, total);
        ck_assert_uint_eq(rep.n_skipped, fx.n - total);
        for (int e = 0; e < N_EXP; e++) {
            check_slice(s, (size_t)e, e, &fx);
            ck_assert(ex[e].expiry_ms == fx.expiry[e]);
            ck_assert(ex[e].fitted == 1);
            ck_assert_uint_eq(ex[e].used, expect_used[e]);
            ck_assert_uint_eq(ex[e].used + ex[e].in_the_money, e == 2 ? 4 * N_K : 2 * N_K);
            hedge_svi_slice sl;
            hedge_vol_surface_slice(&sl, s, (size_t)e);
            ck_assert(ex[e].rmse_vol == sl.rmse_vol);
            ck_assert(ex[e].max_error_vol >= ex[e].rmse_vol && ex[e].max_error_vol < 1e-5);
        }
        hedge_vol_surface_destroy(s);
    }
    fixture_end(&fx);
}
END_TEST

/* Bad quotes next to good ones: each is skipped with its reason and does not disturb the fit. */
START_TEST(skips_and_reports_bad_quotes) {
    fixture fx;
    fixture_begin(&fx);
    const int e = 2;
    int64_t x = fx.expiry[e];
    double F = fx.F[e];
    size_t first_extra = fx.n;
    /* stale: a minute and a half old against the default limit of one minute */
    add_option(&fx, "X-stale-C", "BTC", HEDGE_SETTLE_LINEAR, 1, round(F * 1.05) + 0.5, x);
    add_quote(&fx, "X-stale-C", "usdvenue", 1, 2, NOW - 90000);
    /* one-sided: an ask and no bid */
    add_option(&fx, "X-bidless-P", "BTC", HEDGE_SETTLE_LINEAR, 0, round(F * 0.95) + 0.5, x);
    add_quote(&fx, "X-bidless-P", "usdvenue", 0, 5, NOW - 1000);
    /* below intrinsic: a call just inside the at-the-money band quoted under F - K, discounted */
    double K = round(F * 0.995);
    add_option(&fx, "X-cheap-C", "BTC", HEDGE_SETTLE_LINEAR, 1, K, x);
    double intrinsic = exp(-rate * fx.T[e]) * (F - K);
    add_quote(&fx, "X-cheap-C", "usdvenue", 0.5 * intrinsic, 0.9 * intrinsic, NOW - 1000);
    /* no quote at all */
    add_option(&fx, "X-unquoted-C", "BTC", HEDGE_SETTLE_LINEAR, 1, round(F * 1.1) + 0.5, x);
    /* expired at the valuation time */
    add_option(&fx, "X-expired-C", "BTC", HEDGE_SETTLE_LINEAR, 1, round(F * 1.1), NOW);
    /* on two venues: the narrower quote is the one used, so the wide, off-centre one must lose */
    double K2 = round(F * 1.02) + 0.5, p2 = premium(&fx, e, 1, K2, 0);
    add_option(&fx, "X-twice-C", "BTC", HEDGE_SETTLE_LINEAR, 1, K2, x);
    add_quote(&fx, "X-twice-C", "usdvenue", p2 * 0.999, p2 * 1.001, NOW - 1000);
    add_quote(&fx, "X-twice-C", "widevenue", p2 * 0.5, p2 * 2.5, NOW - 1000);
    fixture_finish(&fx);

    hedge_surface_fit_expiry ex[N_EXP];
    hedge_quote_verdict verdicts[MAX_OPT];
    hedge_surface_fit_report rep = HEDGE_SURFACE_FIT_REPORT_INIT;
    rep.expiries = ex;
    rep.expiry_capacity = N_EXP;
    rep.verdicts = verdicts;
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, fx.n, NULL, &rep), HEDGE_OK);
    const hedge_quote_verdict want[] = {HEDGE_QUOTE_STALE,   HEDGE_QUOTE_ONE_SIDED, HEDGE_QUOTE_OUT_OF_BOUNDS,
                                        HEDGE_QUOTE_MISSING, HEDGE_QUOTE_EXPIRED,   HEDGE_QUOTE_USED};
    for (size_t i = 0; i < 6; i++)
        ck_assert_int_eq(verdicts[first_extra + i], want[i]);
    ck_assert_uint_eq(ex[e].stale, 1);
    ck_assert_uint_eq(ex[e].one_sided, 1);
    ck_assert_uint_eq(ex[e].out_of_bounds, 1);
    ck_assert_uint_eq(ex[e].missing, 1);
    ck_assert_uint_eq(ex[0].stale + ex[0].one_sided + ex[0].out_of_bounds + ex[0].missing, 0);
    ck_assert_uint_eq(rep.n_expiries, N_EXP); /* the expired option adds no expiry */
    ck_assert_uint_eq(rep.n_used + rep.n_skipped, fx.n);
    for (int i = 0; i < N_EXP; i++)
        check_slice(s, (size_t)i, i, &fx);
    hedge_vol_surface_destroy(s);

    /* the same stale quote fails the call when asked to */
    hedge_surface_fit_options o = HEDGE_SURFACE_FIT_OPTIONS_INIT;
    o.flags = HEDGE_SURFACE_FIT_STALE_IS_ERROR;
    rep.n_expiries = 99;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, fx.n, &o, &rep), HEDGE_ERR_STALE);
    ck_assert_ptr_null(s);
    ck_assert(strstr(hedge_error_message(), "X-stale-C"));
    ck_assert_uint_eq(rep.n_expiries, 99); /* untouched on that failure */

    /* one venue only: expiry 0 has no inverse options, so its quotes are all missing and it is not fitted */
    o.flags = 0;
    o.venue = "coinvenue";
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, fx.n, &o, &rep), HEDGE_OK);
    ck_assert_uint_eq(hedge_vol_surface_slice_count(s), 2);
    ck_assert_uint_eq(rep.n_fitted, 2);
    ck_assert(ex[0].fitted == 0 && ex[0].used == 0 && ex[0].missing == 2 * N_K && ex[0].rmse_vol == 0);
    check_slice(s, 0, 1, &fx);
    check_slice(s, 1, 2, &fx);
    hedge_vol_surface_destroy(s);
    fixture_end(&fx);
}
END_TEST

START_TEST(too_few_strikes) {
    fixture fx;
    fixture_begin(&fx);
    /* ETH with 4 strikes: nothing to fit, and the report says why */
    for (int j = 0; j < 4; j++) {
        char sym[32];
        snprintf(sym, sizeof sym, "ETH-%d-C", j);
        add_option(&fx, sym, "ETH", HEDGE_SETTLE_LINEAR, 1, 3000 + 100 * j, fx.expiry[1]);
        add_quote(&fx, sym, "usdvenue", 50, 60, NOW - 1000);
    }
    ck_assert_status(hedge_snapshot_builder_set_spot(fx.b, "ETH", 2900, NOW, 0), HEDGE_OK);
    /* and SOL with no spot at all: the same status, but nothing to report on */
    add_option(&fx, "SOL-0-C", "SOL", HEDGE_SETTLE_LINEAR, 1, 150, fx.expiry[1]);
    add_quote(&fx, "SOL-0-C", "usdvenue", 5, 6, NOW - 1000);
    fixture_finish(&fx);
    hedge_quote_verdict verdicts[4];
    hedge_surface_fit_report rep = HEDGE_SURFACE_FIT_REPORT_INIT;
    rep.verdicts = verdicts;
    rep.n_expiries = SIZE_MAX; /* volsurface.h: how a caller tells a written report from an untouched one */
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt + fx.n - 1, 1, NULL, &rep),
                     HEDGE_ERR_NOT_FOUND);
    ck_assert_ptr_null(s);
    ck_assert(strstr(hedge_error_message(), "SOL") != NULL);
    ck_assert(rep.n_expiries == SIZE_MAX);
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt + fx.n - 5, 4, NULL, &rep),
                     HEDGE_ERR_NOT_FOUND);
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(rep.n_expiries, 1);
    ck_assert_uint_eq(rep.n_fitted, 0);
    ck_assert_uint_eq(rep.n_used, 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(verdicts[i], HEDGE_QUOTE_THIN_EXPIRY);
    fixture_end(&fx);
}
END_TEST

START_TEST(rejects_bad_calls) {
    fixture fx;
    fixture_begin(&fx);
    add_option(&fx, "ETH-X-C", "ETH", HEDGE_SETTLE_LINEAR, 1, 3000, fx.expiry[0]);
    hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
    sp.kind = HEDGE_INSTRUMENT_FUTURE;
    sp.symbol = "BTC-FUT";
    sp.underlying = "BTC";
    sp.expiry_ms = fx.expiry[0];
    hedge_instrument *fut;
    ck_assert_status(hedge_instrument_create(&fut, fx.ctx, &sp), HEDGE_OK);
    fixture_finish(&fx);
    hedge_vol_surface *s = (hedge_vol_surface *)(uintptr_t)1;
    const size_t n_btc = fx.n - 1;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, fx.n, NULL, NULL),
                     HEDGE_ERR_INVALID_ARG); /* BTC and ETH */
    ck_assert_ptr_null(s);
    ck_assert(strstr(hedge_error_message(), "ETH"));
    ck_assert_status(hedge_vol_surface_fit_quotes(NULL, fx.ctx, fx.snap, fx.opt, n_btc, NULL, NULL),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, NULL, fx.snap, fx.opt, n_btc, NULL, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, NULL, fx.opt, n_btc, NULL, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, NULL, n_btc, NULL, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, 0, NULL, NULL), HEDGE_ERR_INVALID_ARG);
    const hedge_instrument *with_null[2] = {fx.opt[0], NULL}, *with_future[2] = {fx.opt[0], fut};
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, with_null, 2, NULL, NULL),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, with_future, 2, NULL, NULL),
                     HEDGE_ERR_INVALID_ARG);
    hedge_surface_fit_options o = HEDGE_SURFACE_FIT_OPTIONS_INIT;
    o.atm_band = -0.1;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, n_btc, &o, NULL), HEDGE_ERR_DOMAIN);
    o.atm_band = NAN;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, n_btc, &o, NULL), HEDGE_ERR_DOMAIN);
    o.atm_band = 0;
    o.weighting = (hedge_surface_weighting)7;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, n_btc, &o, NULL), HEDGE_ERR_INVALID_ARG);
    o.weighting = HEDGE_SURFACE_WEIGHT_VEGA;
    o.venue = "";
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, n_btc, &o, NULL), HEDGE_ERR_INVALID_ARG);
    o.venue = NULL;
    o.struct_size = 1;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, n_btc, &o, NULL), HEDGE_ERR_INVALID_ARG);
    hedge_surface_fit_report rep = HEDGE_SURFACE_FIT_REPORT_INIT;
    rep.expiry_capacity = 3; /* with no array */
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, n_btc, NULL, &rep),
                     HEDGE_ERR_INVALID_ARG);
    rep.expiry_capacity = 0;
    rep.struct_size = 8;
    ck_assert_status(hedge_vol_surface_fit_quotes(&s, fx.ctx, fx.snap, fx.opt, n_btc, NULL, &rep),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert_ptr_null(s);
    hedge_instrument_destroy(fut);
    fixture_end(&fx);
}
END_TEST

static fixture oom_fx;

static hedge_status oom_fit(hedge_context *ctx, void *payload) {
    (void)payload;
    hedge_vol_surface *s = NULL;
    hedge_surface_fit_report rep = HEDGE_SURFACE_FIT_REPORT_INIT;
    hedge_status st = hedge_vol_surface_fit_quotes(&s, ctx, oom_fx.snap, oom_fx.opt, oom_fx.n, NULL, &rep);
    hedge_vol_surface_destroy(s);
    return st;
}

/* The context, the scratch block of the quotes, and hedge_vol_surface_fit's scratch and surface. */
START_TEST(oom_sweep) {
    fixture_begin(&oom_fx);
    fixture_finish(&oom_fx);
    ck_assert_int_eq(test_oom_sweep(oom_fit, NULL), 4);
    fixture_end(&oom_fx);
}
END_TEST

Suite *hedge_test_suite_surface_quotes(void) {
    Suite *s = suite_create("surface_quotes");
    TCase *tc = tcase_create("surface_quotes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, recovers_the_generating_smiles);
    tcase_add_test(tc, skips_and_reports_bad_quotes);
    tcase_add_test(tc, too_few_strikes);
    tcase_add_test(tc, rejects_bad_calls);
    tcase_add_test(tc, oom_sweep);
    suite_add_tcase(s, tc);
    return s;
}
