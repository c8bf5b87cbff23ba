/* Valuing instruments off a snapshot: against Black-76 on the snapshot's forward, finite differences
 * of the value in spot, and hand-derived futures and funding figures. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>

#include <math.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define EXPIRY (NOW + 30 * DAY)

static hedge_instrument *make(hedge_context *ctx, hedge_instrument_kind kind, hedge_settlement settle, double mult,
                              hedge_option_type type, double strike) {
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    s.kind = kind;
    s.symbol = kind == HEDGE_INSTRUMENT_PERPETUAL ? "BTC-PERP" : "BTC-X";
    s.underlying = "BTC";
    s.settlement = settle;
    s.multiplier = mult;
    if (kind == HEDGE_INSTRUMENT_OPTION) {
        s.option_type = type;
        s.strike = strike;
    }
    if (kind == HEDGE_INSTRUMENT_OPTION || kind == HEDGE_INSTRUMENT_FUTURE)
        s.expiry_ms = EXPIRY;
    hedge_instrument *inst = NULL;
    ck_assert_status(hedge_instrument_create(&inst, ctx, &s), HEDGE_OK);
    return inst;
}

/* spot S, rate r, and (when F > 0) a forward point at EXPIRY; funding 1e-4 per 8 h on BTC-PERP */
static hedge_snapshot *snap(hedge_context *ctx, double S, double r, double F, int64_t spot_age) {
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", S, NOW - spot_age, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_rate(b, "BTC", r), HEDGE_OK);
    if (F > 0)
        ck_assert_status(hedge_snapshot_builder_add_forward(b, "BTC", EXPIRY, F), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "BTC-PERP", 1e-4, 2e-4, NOW, 0), HEDGE_OK);
    hedge_snapshot *s;
    ck_assert_status(hedge_snapshot_builder_finish(&s, b), HEDGE_OK);
    hedge_snapshot_builder_destroy(b);
    return s;
}

/* A flat smile (b = 0): total variance a at every strike, so the vol is sqrt(a/T) and does not move
 * when the forward moves, which lets finite differences in spot see only the model's delta. */
static hedge_vol_surface *flat(hedge_context *ctx, double vol) {
    double T = (double)(EXPIRY - NOW) / HEDGE_MS_PER_YEAR;
    hedge_svi_slice sl = {EXPIRY, 0, 100000, vol * vol * T, 0.0, 0.0, 0.0, 0.1, 0};
    hedge_vol_surface *s;
    ck_assert_status(hedge_vol_surface_create(&s, ctx, NOW, &sl, 1), HEDGE_OK);
    return s;
}

static hedge_valuation value(const hedge_instrument *i, const hedge_snapshot *s, const hedge_vol_surface *v) {
    hedge_valuation out = HEDGE_VALUATION_INIT;
    ck_assert_status(hedge_instrument_value(&out, i, s, v), HEDGE_OK);
    return out;
}

START_TEST(options_price_with_black76_on_the_snapshot_forward) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    const double S = 97000, F = 97800, r = 0.04, vol = 0.55, T = 30.0 / 365;
    hedge_snapshot *s = snap(ctx, S, r, F, 0);
    hedge_vol_surface *surf = flat(ctx, vol);
    for (int inverse = 0; inverse < 2; inverse++)
        for (int t = -1; t <= 1; t += 2) {
            hedge_instrument *opt = make(ctx, HEDGE_INSTRUMENT_OPTION, inverse ? HEDGE_SETTLE_INVERSE : HEDGE_SETTLE_LINEAR,
                                         0.1, (hedge_option_type)t, 105000);
            hedge_valuation v = value(opt, s, surf);
            double b76;
            ck_assert_status(hedge_black76_price(&b76, (hedge_option_type)t, F, 105000, T, r, vol), HEDGE_OK);
            ck_assert_close(v.vol, vol, 1e-15, 0);
            ck_assert_close(v.value_usd, 0.1 * b76, 1e-13, 0);
            ck_assert_close(v.value, inverse ? 0.1 * b76 / S : 0.1 * b76, 1e-13, 0);
            ck_assert_close(v.forward, F, 1e-15, 0);
            ck_assert_close(v.time_to_expiry, T, 1e-15, 0);
            hedge_instrument_destroy(opt);
        }
    hedge_vol_surface_destroy(surf);
    hedge_snapshot_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

/* Without forward points F = S e^{rT}, so bumping the spot keeps the carry fixed, as the Greeks
 * assume; the coin delta of an inverse contract is dV_usd/dS less its own coin value. */
START_TEST(coin_deltas_match_finite_differences) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    const double S = 97000, r = 0.03, h = 1.0;
    hedge_snapshot *s0 = snap(ctx, S, r, 0, 0), *up = snap(ctx, S + h, r, 0, 0), *dn = snap(ctx, S - h, r, 0, 0);
    hedge_vol_surface *surf = flat(ctx, 0.6);
    struct {
        hedge_instrument_kind kind;
        hedge_settlement settle;
        double mult;
        hedge_option_type type;
        double K;
    } cases[] = {
        {HEDGE_INSTRUMENT_OPTION, HEDGE_SETTLE_LINEAR, 0.01, HEDGE_CALL, 90000},
        {HEDGE_INSTRUMENT_OPTION, HEDGE_SETTLE_INVERSE, 1, HEDGE_PUT, 90000},
        {HEDGE_INSTRUMENT_OPTION, HEDGE_SETTLE_INVERSE, 1, HEDGE_CALL, 110000},
        {HEDGE_INSTRUMENT_FUTURE, HEDGE_SETTLE_LINEAR, 0.001, HEDGE_CALL, 0},
        {HEDGE_INSTRUMENT_FUTURE, HEDGE_SETTLE_INVERSE, 10, HEDGE_CALL, 0},
        {HEDGE_INSTRUMENT_PERPETUAL, HEDGE_SETTLE_INVERSE, 10, HEDGE_CALL, 0},
        {HEDGE_INSTRUMENT_SPOT, HEDGE_SETTLE_LINEAR, 2, HEDGE_CALL, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        hedge_instrument *in = make(ctx, cases[c].kind, cases[c].settle, cases[c].mult, cases[c].type, cases[c].K);
        hedge_valuation v = value(in, s0, surf), vu = value(in, up, surf), vd = value(in, dn, surf);
        bool inverse = cases[c].settle == HEDGE_SETTLE_INVERSE;
        double dusd = (vu.value_usd - vd.value_usd) / (2 * h);
        double coin_delta = inverse ? dusd - v.value : dusd;
        ck_assert_msg(test_close(v.delta_coin, coin_delta, 1e-7, 1e-12), "case %zu: delta_coin %.12g, FD %.12g", c,
                      v.delta_coin, coin_delta);
        /* gamma: central difference of the coin delta itself */
        double gamma_fd = (vu.delta_coin - vd.delta_coin) / (2 * h);
        ck_assert_msg(test_close(v.gamma_coin, gamma_fd, 1e-6, 1e-13), "case %zu: gamma_coin %.12g, FD %.12g", c,
                      v.gamma_coin, gamma_fd);
        ck_assert_close(v.delta_usd, v.delta_coin * S, 1e-15, 0);
        hedge_instrument_destroy(in);
    }
    hedge_vol_surface_destroy(surf);
    hedge_snapshot_destroy(s0);
    hedge_snapshot_destroy(up);
    hedge_snapshot_destroy(dn);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(futures_and_perpetuals_by_hand) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    const double S = 100000, F = 101000, T = 30.0 / 365;
    hedge_snapshot *s = snap(ctx, S, 0.0, F, 0);
    /* inverse future of 10 USD face: -10/F coins, 10/F coins of exposure, the USD value -10 S/F */
    hedge_instrument *fut = make(ctx, HEDGE_INSTRUMENT_FUTURE, HEDGE_SETTLE_INVERSE, 10, HEDGE_CALL, 0);
    hedge_valuation v = value(fut, s, NULL);
    ck_assert_close(v.value, -10.0 / F, 1e-15, 0);
    ck_assert_close(v.delta_coin, 10.0 / F, 1e-15, 0);
    ck_assert_close(v.value_usd, -10.0 * S / F, 1e-15, 0);
    /* the basis b = ln(F/S)/T rolls down: d(value_usd)/dt = -10 S b / F */
    ck_assert_close(v.theta_usd, -10.0 * S * log(F / S) / T / F, 1e-13, 0);
    /* linear perpetual of 0.001 BTC at a funding rate of 1e-4 per 8 h: a long pays
     * 1e-4 * 0.001 * S three times a day, 365 days a year */
    hedge_instrument *perp = make(ctx, HEDGE_INSTRUMENT_PERPETUAL, HEDGE_SETTLE_LINEAR, 0.001, HEDGE_CALL, 0);
    v = value(perp, s, NULL);
    ck_assert_close(v.theta_usd, -1e-4 * 0.001 * S * 3 * 365, 1e-13, 0);
    ck_assert_close(v.value_usd, 0.001 * S, 1e-15, 0);
    ck_assert_close(v.delta_coin, 0.001, 1e-15, 0);
    double carry;
    ck_assert_status(hedge_perpetual_funding(&carry, HEDGE_SETTLE_LINEAR, 0.001, 1, S, 1e-4, 8, 365 * 24), HEDGE_OK);
    ck_assert_close(v.theta_usd, carry, 1e-13, 0);
    hedge_instrument_destroy(fut);
    hedge_instrument_destroy(perp);
    hedge_snapshot_destroy(s);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(bad_requests_change_nothing) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_snapshot *s = snap(ctx, 97000, 0.0, 0, 0);
    hedge_snapshot *stale = snap(ctx, 97000, 0.0, 0, 3600 * 1000);
    hedge_vol_surface *surf = flat(ctx, 0.5);
    hedge_instrument *opt = make(ctx, HEDGE_INSTRUMENT_OPTION, HEDGE_SETTLE_INVERSE, 1, HEDGE_CALL, 100000);
    hedge_valuation v = HEDGE_VALUATION_INIT;
    v.value = 42;
    ck_assert_status(hedge_instrument_value(&v, opt, s, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert(strstr(hedge_error_message(), "surface"));
    ck_assert_status(hedge_instrument_value(&v, opt, stale, surf), HEDGE_ERR_STALE);
    ck_assert_status(hedge_instrument_value(NULL, opt, s, surf), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_instrument_value(&v, NULL, s, surf), HEDGE_ERR_INVALID_ARG);
    hedge_valuation small = HEDGE_VALUATION_INIT;
    small.struct_size = sizeof(size_t) + sizeof(double);
    ck_assert_status(hedge_instrument_value(&small, opt, s, surf), HEDGE_ERR_INVALID_ARG);
    ck_assert(v.value == 42);
    /* valued after its expiry */
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, ctx, EXPIRY + DAY, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", 97000, EXPIRY + DAY, 0), HEDGE_OK);
    hedge_snapshot *later;
    ck_assert_status(hedge_snapshot_builder_finish(&later, b), HEDGE_OK);
    hedge_snapshot_builder_destroy(b);
    ck_assert_status(hedge_instrument_value(&v, opt, later, surf), HEDGE_ERR_EXPIRED);
    ck_assert(v.value == 42);
    hedge_snapshot_destroy(later);
    hedge_instrument_destroy(opt);
    hedge_vol_surface_destroy(surf);
    hedge_snapshot_destroy(s);
    hedge_snapshot_destroy(stale);
    hedge_context_destroy(ctx);
}
END_TEST

Suite *hedge_test_suite_valuation(void) {
    Suite *s = suite_create("valuation");
    TCase *tc = tcase_create("valuation");
    tcase_add_test(tc, options_price_with_black76_on_the_snapshot_forward);
    tcase_add_test(tc, coin_deltas_match_finite_differences);
    tcase_add_test(tc, futures_and_perpetuals_by_hand);
    tcase_add_test(tc, bad_requests_change_nothing);
    suite_add_tcase(s, tc);
    return s;
}
