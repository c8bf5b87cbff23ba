/*
 * A book hedged from C, start to finish, without JSON: instruments, a market snapshot and a
 * volatility surface built through the API, the book's Greeks, a hedge problem with fees and
 * limits, the trades, and a check of the answer by revaluing the hedged book with the risk layer.
 *
 *   cc hedge_book.c $(pkg-config --cflags --libs libhedge) -lm && ./a.out
 *
 * The book: short 25 BTC calls (30 days, strike 100,000) with BTC at 100,000. The hedges: a
 * 90,000 put on one venue, and the BTC perpetual on two venues with different fees and depth.
 * The limits: the hedged book's coin delta within +-0.5 BTC, and its vega no shorter than -2,000
 * USD per vol point (so some of the short vega must be bought back with the put). The objective
 * adds a variance term over the library's generated spot x vol scenarios to the trading costs.
 *
 * Every call's status is checked: a real program would do the same, since each one can fail on
 * bad data (the message of hedge_error_message() says which field). Exit status 0 when the trades
 * keep the book inside its limits, as revalued independently of the solver.
 */
#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                                                 \
    do {                                                                                            \
        hedge_status st_ = (call);                                                                  \
        if (st_ != HEDGE_OK) {                                                                      \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, hedge_status_name(st_),           \
                    hedge_error_message());                                                         \
            exit(1);                                                                                \
        }                                                                                           \
    } while (0)

#define DAY_MS INT64_C(86400000)

enum { CALL, PUT, PERP_DERIBIT, PERP_BINANCE, N_INST };

static hedge_instrument *instrument(hedge_context *ctx, const char *symbol, const char *venue,
                                    hedge_instrument_kind kind, hedge_option_type type, double strike,
                                    int64_t expiry_ms) {
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    s.kind = kind;
    s.symbol = symbol;
    s.underlying = "BTC";
    s.venue = venue;
    s.settlement = HEDGE_SETTLE_LINEAR; /* premiums in USD; HEDGE_SETTLE_INVERSE for coin-margined */
    s.multiplier = 1.0;                 /* one BTC per contract */
    if (kind == HEDGE_INSTRUMENT_OPTION) {
        s.option_type = type;
        s.strike = strike;
        s.expiry_ms = expiry_ms;
    }
    hedge_instrument *inst;
    CHECK(hedge_instrument_create(&inst, ctx, &s));
    return inst;
}

/* A quote of `size` contracts on each side, `half` either side of `mid` (USD per BTC). */
static void quote(hedge_snapshot_builder *b, const char *symbol, const char *venue, double mid, double half,
                  double size, int64_t now) {
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.symbol = symbol;
    q.venue = venue;
    q.bid = mid - half;
    q.ask = mid + half;
    q.bid_size = q.ask_size = size;
    q.timestamp_ms = now;
    CHECK(hedge_snapshot_builder_add_quote(b, &q));
}

int main(void) {
    const int64_t now = INT64_C(1790000000000), expiry = now + 30 * DAY_MS;
    const double spot = 100000.0, T = 30.0 / 365.0;

    hedge_context *ctx;
    CHECK(hedge_context_create(&ctx, NULL)); /* libc allocator; see hedge_context_options for your own */

    hedge_instrument *inst[N_INST];
    inst[CALL] = instrument(ctx, "BTC-30D-100000-C", "deribit", HEDGE_INSTRUMENT_OPTION, HEDGE_CALL, 100000, expiry);
    inst[PUT] = instrument(ctx, "BTC-30D-90000-P", "deribit", HEDGE_INSTRUMENT_OPTION, HEDGE_PUT, 90000, expiry);
    inst[PERP_DERIBIT] = instrument(ctx, "BTC-PERPETUAL", "deribit", HEDGE_INSTRUMENT_PERPETUAL, 0, 0, 0);
    inst[PERP_BINANCE] = instrument(ctx, "BTCUSDT", "binance", HEDGE_INSTRUMENT_PERPETUAL, 0, 0, 0);

    /* The volatility surface: one SVI smile, w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2))
     * in total variance, here 55% at the money with a put skew. */
    hedge_svi_slice smile = {expiry, T, spot, 0.55 * 0.55 * T - 0.1 * T * 0.1, 0.1 * T, -0.4, 0.0, 0.1, 0.0};
    hedge_vol_surface *surface;
    CHECK(hedge_vol_surface_create(&surface, ctx, now, &smile, 1));

    /* Option quotes at the surface's prices (a feed would supply them), the perpetuals at spot. */
    double vol_call, vol_put, call_mid, put_mid;
    CHECK(hedge_vol_surface_vol(&vol_call, surface, 100000, spot, expiry));
    CHECK(hedge_vol_surface_vol(&vol_put, surface, 90000, spot, expiry));
    CHECK(hedge_black76_price(&call_mid, HEDGE_CALL, spot, 100000, T, 0.0, vol_call));
    CHECK(hedge_black76_price(&put_mid, HEDGE_PUT, spot, 90000, T, 0.0, vol_put));

    hedge_snapshot_builder *b;
    CHECK(hedge_snapshot_builder_create(&b, ctx, now, NULL));
    CHECK(hedge_snapshot_builder_set_spot(b, "BTC", spot, now, 0));
    quote(b, "BTC-30D-100000-C", "deribit", call_mid, 25.0, 50, now);
    quote(b, "BTC-30D-90000-P", "deribit", put_mid, 25.0, 50, now);
    quote(b, "BTC-PERPETUAL", "deribit", spot, 0.5, 20, now);
    quote(b, "BTCUSDT", "binance", spot, 0.5, 200, now);
    hedge_snapshot *snapshot;
    CHECK(hedge_snapshot_builder_finish(&snapshot, b));
    hedge_snapshot_builder_destroy(b);

    /* The market holds references to the snapshot, instruments and surface: ours can go. */
    const char *names[1] = {"BTC"};
    const hedge_vol_surface *surfaces[1] = {surface};
    hedge_market *market;
    CHECK(hedge_market_create(&market, ctx, snapshot, (const hedge_instrument *const *)inst, N_INST, surfaces, names,
                              1));
    hedge_vol_surface_destroy(surface);
    hedge_snapshot_destroy(snapshot);

    hedge_portfolio *book;
    CHECK(hedge_portfolio_create(&book, ctx));
    hedge_position pos = HEDGE_POSITION_INIT;
    pos.instrument = inst[CALL];
    pos.quantity = -25;
    CHECK(hedge_portfolio_add(book, &pos));

    hedge_risk *risk;
    hedge_risk_row total = HEDGE_RISK_ROW_INIT;
    CHECK(hedge_risk_compute(&risk, ctx, book, market, NULL));
    CHECK(hedge_risk_row_get(&total, risk, HEDGE_BREAKDOWN_UNDERLYING, 0));
    printf("book: delta %.3f BTC, cash gamma %.0f USD/1%%, vega %.0f USD/vol point, theta %.0f USD/day\n",
           total.delta_coin, total.gamma_usd, total.vega_usd / 100, total.theta_usd / 365);
    hedge_risk_destroy(risk);

    /* The hedge problem: candidates with their venues' fees, two hard bands, a variance term. */
    hedge_problem *problem;
    CHECK(hedge_problem_create(&problem, ctx));
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    c.symbol = "BTC-30D-90000-P";
    c.taker_fee = 0.0003; /* of the underlying's notional ... */
    c.fee_cap = 0.125;    /* ... at most 12.5% of the premium (Deribit's option fee rule) */
    c.buy_only = 1;
    CHECK(hedge_problem_add_candidate(problem, &c));
    c = (hedge_candidate)HEDGE_CANDIDATE_INIT;
    c.symbol = "BTC-PERPETUAL";
    c.taker_fee = 0.0005;
    CHECK(hedge_problem_add_candidate(problem, &c));
    c.symbol = "BTCUSDT";
    c.taker_fee = 0.0004;
    c.lot_size = 0.001; /* whole lots of 0.001 BTC: the solver branches and bounds */
    CHECK(hedge_problem_add_candidate(problem, &c));

    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    t.greek = HEDGE_GREEK_DELTA_COIN;
    t.underlying = "BTC";
    t.lo = -0.5, t.hi = 0.5;
    CHECK(hedge_problem_add_target(problem, &t));
    t = (hedge_greek_target)HEDGE_GREEK_TARGET_INIT;
    t.greek = HEDGE_GREEK_VEGA_USD; /* USD per 1.00 of volatility: -2,000 per point is -200,000 */
    t.lo = -200000;
    CHECK(hedge_problem_add_target(problem, &t));

    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    o.risk_aversion = 1e-6; /* per USD: lambda/2 Var is USD, weighed against the costs */
    o.horizon_days = 1;
    CHECK(hedge_problem_set_objective(problem, &o));

    hedge_result *result;
    CHECK(hedge_solve(&result, ctx, problem, book, market, NULL));
    hedge_hedge_summary s = HEDGE_HEDGE_SUMMARY_INIT;
    CHECK(hedge_result_summary(&s, result));
    if (s.status != HEDGE_SOLVE_OPTIMAL) {
        fprintf(stderr, "no hedge within the limits (status %d)\n", (int)s.status);
        return 1;
    }
    printf("hedge: %zu trades, cost %.2f USD (fees %.2f, spread %.2f), P&L std %.0f -> %.0f USD, %.1f ms\n",
           s.trades, s.cost_usd, s.fees_usd, s.spread_usd, s.std_before, s.std_after, s.solve_time_s * 1e3);

    /* The trades, added to a copy of the book so the hedged book can be revalued on its own. */
    hedge_portfolio *hedged;
    CHECK(hedge_portfolio_create(&hedged, ctx));
    CHECK(hedge_portfolio_add(hedged, &pos));
    for (size_t i = 0; i < hedge_result_trade_count(result); i++) {
        hedge_trade tr = HEDGE_TRADE_INIT;
        CHECK(hedge_result_trade(&tr, result, i));
        printf("  %-18s %-8s %+12.3f  fee %8.2f  spread %8.2f USD\n", tr.symbol, tr.venue, tr.quantity, tr.fee_usd,
               tr.spread_usd);
        const hedge_instrument *hi;
        CHECK(hedge_market_find_instrument(&hi, market, tr.symbol));
        hedge_position p = HEDGE_POSITION_INIT;
        p.instrument = hi;
        p.quantity = tr.quantity;
        CHECK(hedge_portfolio_add(hedged, &p));
    }
    CHECK(hedge_risk_compute(&risk, ctx, hedged, market, NULL));
    CHECK(hedge_risk_row_get(&total, risk, HEDGE_BREAKDOWN_UNDERLYING, 0));
    hedge_risk_destroy(risk);
    printf("hedged book: delta %.3f BTC, vega %.0f USD/vol point\n", total.delta_coin, total.vega_usd / 100);
    int ok = total.delta_coin >= -0.5 - 1e-6 && total.delta_coin <= 0.5 + 1e-6 && total.vega_usd >= -200000 - 1e-3;
    if (!ok)
        fprintf(stderr, "the hedged book is outside its limits\n");

    hedge_portfolio_destroy(hedged);
    hedge_result_destroy(result);
    hedge_problem_destroy(problem);
    hedge_portfolio_destroy(book);
    hedge_market_destroy(market);
    for (int i = 0; i < N_INST; i++)
        hedge_instrument_destroy(inst[i]);
    hedge_context_destroy(ctx);
    return ok ? 0 : 1;
}
