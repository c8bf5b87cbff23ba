/* Margin: liquidation prices worked by hand and checked against the equity = maintenance identity,
 * cross margin against a brute-force scan, portfolio margin against an independently built grid. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>

#include <math.h>
#include <string.h>

#define SAMPLE HEDGE_TEST_SRCDIR "/examples/market.json"

/* equity - maintenance margin at P, written out again for the test */
static double slack(hedge_settlement s, double m, double q, double E, double c, double mmr, double P) {
    if (s == HEDGE_SETTLE_LINEAR)
        return c + q * m * (P - E) - mmr * fabs(q) * m * P;
    return c + q * m * (1 / E - 1 / P) - mmr * fabs(q) * m / P;
}

START_TEST(isolated_worked_examples) {
    double P;
    /* 1 BTC long at 50,000 on 10x (5,000 USD), mmr 0.5%: (50,000 - 5,000) / 0.995 = 45,226.13 */
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_LINEAR, 1, 1, 50000, 5000, 0.005), HEDGE_OK);
    ck_assert_close(P, 45000.0 / 0.995, 1e-14, 0);
    ck_assert_close(slack(HEDGE_SETTLE_LINEAR, 1, 1, 50000, 5000, 0.005, P), 0, 0, 1e-9);
    /* the same short: (50,000 + 5,000) / 1.005 = 54,726.37 */
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_LINEAR, 1, -1, 50000, 5000, 0.005), HEDGE_OK);
    ck_assert_close(P, 55000.0 / 1.005, 1e-14, 0);
    /* inverse: 1,000 contracts of 10 USD long at 50,000 with 0.04 BTC, mmr 0.5%:
     * 10,000 x 1.005 / (0.04 + 0.2) = 41,875 */
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_INVERSE, 10, 1000, 50000, 0.04, 0.005), HEDGE_OK);
    ck_assert_close(P, 10050.0 / 0.24, 1e-14, 0);
    ck_assert_close(slack(HEDGE_SETTLE_INVERSE, 10, 1000, 50000, 0.04, 0.005, P), 0, 0, 1e-15);
    /* inverse short with 0.04 BTC: -10,000 x 0.995 / (0.04 - 0.2) = 62,187.5 */
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_INVERSE, 10, -1000, 50000, 0.04, 0.005), HEDGE_OK);
    ck_assert_close(P, 9950.0 / 0.16, 1e-14, 0);
    /* a short covered by its coin notional (0.2 BTC) and a fully paid long never fail */
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_INVERSE, 10, -1000, 50000, 0.25, 0.005), HEDGE_OK);
    ck_assert(isinf(P) && P > 0);
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_LINEAR, 1, 1, 50000, 60000, 0.005), HEDGE_OK);
    ck_assert(P == 0.0);
    /* bad input and a position born below maintenance */
    P = 42;
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_LINEAR, 1, 1, 50000, 100, 0.005), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_LINEAR, 1, 0, 50000, 100, 0.005), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_liquidation_price(&P, HEDGE_SETTLE_LINEAR, 1, 1, NAN, 100, 0.005), HEDGE_ERR_DOMAIN);
    ck_assert_status(hedge_liquidation_price(&P, (hedge_settlement)5, 1, 1, 50000, 100, 0.005),
                     HEDGE_ERR_INVALID_ARG);
    ck_assert(P == 42);
}
END_TEST

/* Binance's published USDS-M formula (support FAQ "How to Calculate Liquidation Price of
 * USDT-Margined Futures"), isolated mode (TMM1 = UPNL1 = 0), first tier (cumB = 0), written as
 * published: LP = (WB - Side Pos EP) / (Pos MMR - Side Pos), Pos the absolute size in coins. */
START_TEST(matches_binance_formula) {
    static const double sizes[] = {0.01, 0.5, 3, 40}, entries[] = {2500, 31000, 97000};
    static const double levs[] = {2, 10, 50, 100}, mmrs[] = {0.004, 0.005, 0.01};
    int n = 0;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t l = 0; l < 4; l++)
                for (size_t k = 0; k < 3; k++)
                    for (int side = -1; side <= 1; side += 2) {
                        double pos = sizes[a], ep = entries[b], mmr = mmrs[k], wb = pos * ep / levs[l];
                        double want = (wb - side * pos * ep) / (pos * mmr - side * pos);
                        double got;
                        hedge_status st = hedge_liquidation_price(&got, HEDGE_SETTLE_LINEAR, 1.0, side * pos, ep, wb, mmr);
                        if (1.0 / levs[l] <= mmr) { /* 100x at 1% maintenance: born at or below it */
                            ck_assert(st == HEDGE_ERR_DOMAIN || (st == HEDGE_OK && fabs(got / ep - 1) < 1e-12));
                            continue;
                        }
                        ck_assert_int_eq(st, HEDGE_OK);
                        ck_assert_close(got, want, 1e-13, 0);
                        n++;
                    }
    ck_assert_int_gt(n, 250);
}
END_TEST

START_TEST(cross_margin) {
    /* one position: the isolated answer */
    hedge_cross_position one = {HEDGE_SETTLE_LINEAR, 1, 2, 50000, 0.005};
    double P, Q;
    ck_assert_status(hedge_cross_liquidation_price(&P, &one, 1, 12000, 51000), HEDGE_OK);
    ck_assert_status(hedge_liquidation_price(&Q, HEDGE_SETTLE_LINEAR, 1, 2, 50000, 12000, 0.005), HEDGE_OK);
    ck_assert_close(P, Q, 1e-11, 0);
    /* a long perpetual partly hedged by a short future: a brute-force scan finds the nearest failure */
    hedge_cross_position two[2] = {{HEDGE_SETTLE_INVERSE, 10, 3000, 50000, 0.005},
                                   {HEDGE_SETTLE_INVERSE, 10, -1000, 51000, 0.01}};
    const double c = 0.1, mark = 50500;
    ck_assert_status(hedge_cross_liquidation_price(&P, two, 2, c, mark), HEDGE_OK);
    double found = INFINITY;
    for (double x = mark; x > 1000; x *= 1 - 1e-6) {
        double f = c + slack(HEDGE_SETTLE_INVERSE, 10, 3000, 50000, 0, 0.005, x) +
                   slack(HEDGE_SETTLE_INVERSE, 10, -1000, 51000, 0, 0.01, x);
        if (f <= 0) {
            found = x;
            break;
        }
    }
    ck_assert(isfinite(found));
    ck_assert_close(P, found, 2e-6, 0);
    hedge_cross_position mixed[2] = {one, two[0]};
    ck_assert_status(hedge_cross_liquidation_price(&P, mixed, 2, c, mark), HEDGE_ERR_INVALID_ARG);
    ck_assert_status(hedge_cross_liquidation_price(&P, &one, 1, 10, 49000), HEDGE_ERR_DOMAIN); /* already failed */
}
END_TEST

/* The margin is the worst loss over a grid built here by hand (17 spot moves of 2% x vols times
 * 0.7, 1, 1.45) plus 1% of each underlying's absolute USD delta. */
START_TEST(portfolio_margin) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    hedge_market *m;
    hedge_portfolio *pf;
    ck_assert_status(hedge_market_load_json(&m, ctx, SAMPLE), HEDGE_OK);
    ck_assert_status(hedge_portfolio_load_json(&pf, ctx, m, SAMPLE), HEDGE_OK);
    hedge_margin_result r = HEDGE_MARGIN_RESULT_INIT;
    ck_assert_status(hedge_portfolio_margin(&r, ctx, pf, m, NULL), HEDGE_OK);
    ck_assert_uint_eq(r.scenarios, 51);
    static hedge_shift sh[51];
    static hedge_scenario sc[51];
    for (int i = 0; i < 17; i++)
        for (int j = 0; j < 3; j++) {
            sh[i * 3 + j] = (hedge_shift){NULL, -0.16 + 0.02 * i, j == 0 ? -0.3 : j == 1 ? 0.0 : 0.45, 0};
            sc[i * 3 + j] = (hedge_scenario){&sh[i * 3 + j], 1, 0};
        }
    hedge_scenario_pnl *pnl;
    ck_assert_status(hedge_scenarios_run(&pnl, ctx, pf, m, sc, 51, NULL), HEDGE_OK);
    double tot[51], worst = INFINITY;
    ck_assert_status(hedge_scenario_pnl_totals(tot, 51, pnl), HEDGE_OK);
    for (int s = 0; s < 51; s++)
        worst = fmin(worst, tot[s]);
    ck_assert_close(r.worst_loss, -worst, 1e-9, 1e-6);
    hedge_risk *risk;
    ck_assert_status(hedge_risk_compute(&risk, ctx, pf, m, NULL), HEDGE_OK);
    double addon = 0;
    for (size_t u = 0; u < 2; u++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        hedge_risk_row_get(&row, risk, HEDGE_BREAKDOWN_UNDERLYING, u);
        addon += 0.01 * fabs(row.delta_usd);
    }
    ck_assert_close(r.addon, addon, 1e-12, 1e-6);
    ck_assert_close(r.margin, fmax(-worst + addon, 0), 1e-9, 1e-6);
    ck_assert(r.margin > 0);
    hedge_margin_options o = HEDGE_MARGIN_OPTIONS_INIT;
    o.vol_down = 1.5;
    ck_assert_status(hedge_portfolio_margin(&r, ctx, pf, m, &o), HEDGE_ERR_DOMAIN);
    hedge_risk_destroy(risk);
    hedge_scenario_pnl_destroy(pnl);
    hedge_portfolio_destroy(pf);
    hedge_market_destroy(m);
    hedge_context_destroy(ctx);
}
END_TEST

typedef struct oom_arg {
    hedge_market *m;
    hedge_portfolio *pf;
} oom_arg;

static hedge_status oom_margin(hedge_context *ctx, void *arg) {
    oom_arg *a = arg;
    hedge_margin_result r = HEDGE_MARGIN_RESULT_INIT;
    return hedge_portfolio_margin(&r, ctx, a->pf, a->m, NULL);
}

/* Every allocation of the margin computation (grid, scenario matrix, risk report) may fail. */
START_TEST(oom_sweep) {
    hedge_context *ctx;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    oom_arg a;
    ck_assert_status(hedge_market_load_json(&a.m, ctx, SAMPLE), HEDGE_OK);
    ck_assert_status(hedge_portfolio_load_json(&a.pf, ctx, a.m, SAMPLE), HEDGE_OK);
    ck_assert_int_gt(test_oom_sweep(oom_margin, &a), 5);
    hedge_portfolio_destroy(a.pf);
    hedge_market_destroy(a.m);
    hedge_context_destroy(ctx);
}
END_TEST

Suite *hedge_test_suite_margin(void) {
    Suite *s = suite_create("margin");
    TCase *tc = tcase_create("margin");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, isolated_worked_examples);
    tcase_add_test(tc, matches_binance_formula);
    tcase_add_test(tc, cross_margin);
    tcase_add_test(tc, portfolio_margin);
    tcase_add_test(tc, oom_sweep);
    suite_add_tcase(s, tc);
    return s;
}
