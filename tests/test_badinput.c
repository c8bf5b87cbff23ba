/* The bad-input catalogue: one table over the public entry points of lib/libhedge.map, each row a
 * call with one bad argument (NaN, an infinity, a negative or zero vol, time or price, an expired
 * instrument, stale data, an unknown name, NULL, a too small struct_size, an absurd size), the
 * precise status it must return and a fragment of the message hedge_error_message() must give.
 * Every output starts as a sentinel and must still hold it afterwards (status.h: "a call that fails
 * writes none of its out-parameters"), out-handles must be NULL, and the shared handles must read
 * the same before and after the whole table. */
#include "support/testutil.h"
#include "suites.h"

#include <hedge/hedge.h>
#include <hedge/implied_vol.h>

#include <float.h>
#include <math.h>
#include <string.h>

#define NOW INT64_C(1790000000000)
#define DAY INT64_C(86400000)
#define EXPIRY (NOW + 30 * DAY)
#define SENTINEL (-9.75e55)

typedef struct fx {
    hedge_context *ctx;
    hedge_snapshot *snap;       /* BTC spot fresh, ETH spot stale, funding and a quote on BTC-PERP */
    hedge_vol_surface *surf;
    hedge_instrument *option;   /* BTC call expiring at EXPIRY */
    hedge_snapshot *after;      /* valued after EXPIRY */
    hedge_snapshot_builder *builder;
    double d[4];                /* scalar outputs */
    hedge_greeks g;
    hedge_valuation v;
    hedge_quote q;
    size_t count;
    void *handle;               /* out-handle of create calls */
    hedge_market *market;       /* snap + surf, for the risk layer */
    hedge_portfolio *pf;        /* 3 BTC-C */
} fx;

typedef struct row {
    const char *what;
    hedge_status expect;
    const char *fragment;
    hedge_status (*call)(fx *f);
} row;

/* Variadic, because the bodies hold commas. */
#define ROW(name, ...) \
    static hedge_status name(fx *f) { __VA_ARGS__; }
#define H(type) ((type **)&f->handle)

static const double nan_ = NAN, inf_ = INFINITY;

/* pricing.h */
ROW(bsm_price_nan_S, return hedge_bsm_price(&f->d[0], HEDGE_CALL, nan_, 100, 1, 0, 0, 0.2))
ROW(bsm_price_neg_K, return hedge_bsm_price(&f->d[0], HEDGE_CALL, 100, -1, 1, 0, 0, 0.2))
ROW(bsm_price_neg_T, return hedge_bsm_price(&f->d[0], HEDGE_CALL, 100, 100, -1, 0, 0, 0.2))
ROW(bsm_price_inf_r, return hedge_bsm_price(&f->d[0], HEDGE_CALL, 100, 100, 1, inf_, 0, 0.2))
ROW(bsm_price_neg_vol, return hedge_bsm_price(&f->d[0], HEDGE_CALL, 100, 100, 1, 0, 0, -0.2))
ROW(bsm_price_bad_type, return hedge_bsm_price(&f->d[0], (hedge_option_type)0, 100, 100, 1, 0, 0, 0.2))
ROW(bsm_price_null, return hedge_bsm_price(NULL, HEDGE_CALL, 100, 100, 1, 0, 0, 0.2))
ROW(bsm_greeks_zero_S, return hedge_bsm_greeks(&f->g, HEDGE_PUT, 0, 100, 1, 0, 0, 0.2))
ROW(bsm_greeks_small_struct, f->g.struct_size = 4; return hedge_bsm_greeks(&f->g, HEDGE_PUT, 100, 100, 1, 0, 0, 0.2))
ROW(black76_price_ninf_F, return hedge_black76_price(&f->d[0], HEDGE_CALL, -inf_, 100, 1, 0, 0.2))
ROW(black76_greeks_nan_vol, return hedge_black76_greeks(&f->g, HEDGE_CALL, 100, 100, 1, 0, nan_))
ROW(inverse_greeks_zero_K, return hedge_inverse_greeks(&f->g, HEDGE_CALL, 100, 0, 1, 0, 0.2))
ROW(inverse_delta_nan_T, return hedge_inverse_delta_premium_adjusted(&f->d[0], HEDGE_CALL, 100, 100, nan_, 0, 0.2))
ROW(market_units_zero_days, return hedge_greeks_to_market_units(&f->g, 0))
ROW(future_risk_neg_mark, hedge_future_risk r = HEDGE_FUTURE_RISK_INIT; r.value = SENTINEL;
    hedge_status st = hedge_future_risk_eval(&r, HEDGE_SETTLE_LINEAR, 1, 1, 100, -5); f->d[0] = r.value; return st)
ROW(perp_funding_bad_settlement, return hedge_perpetual_funding(&f->d[0], (hedge_settlement)7, 1, 1, 100, 1e-4, 8, 24))
ROW(batch_null_out, return hedge_bsm_greeks_batch(1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))
ROW(batch_small_struct, hedge_greeks_arrays o = HEDGE_GREEKS_ARRAYS_INIT; o.struct_size = 1;
    return hedge_black76_greeks_batch(0, NULL, NULL, NULL, NULL, NULL, NULL, &o))
ROW(batch_absurd_n, hedge_greeks_arrays o = HEDGE_GREEKS_ARRAYS_INIT; o.price = f->d;
    return hedge_bsm_greeks_batch(SIZE_MAX, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &o))
ROW(batch_null_input, hedge_greeks_arrays o = HEDGE_GREEKS_ARRAYS_INIT; o.price = f->d;
    return hedge_bsm_greeks_batch(1, NULL, f->d, f->d, f->d, f->d, f->d, f->d, &o))
/* implied_vol.h */
ROW(iv_bsm_above_bound, return hedge_implied_vol_bsm(&f->d[0], HEDGE_CALL, 150, 100, 100, 1, 0, 0))
ROW(iv_bsm_zero_T, return hedge_implied_vol_bsm(&f->d[0], HEDGE_CALL, 10, 100, 100, 0, 0, 0))
ROW(iv_black76_nan_price, return hedge_implied_vol_black76(&f->d[0], HEDGE_PUT, nan_, 100, 100, 1, 0))
ROW(iv_inverse_neg_F, return hedge_implied_vol_inverse(&f->d[0], HEDGE_PUT, 0.05, -100, 100, 1, 0))
ROW(iv_batch_below_bound, int32_t t = HEDGE_CALL; double p = 1, S = 100, K = 50, T = 1, r = 0, q = 0;
    hedge_status s1 = HEDGE_OK; hedge_status st = hedge_implied_vol_bsm_batch(1, &t, &p, &S, &K, &T, &r, &q, &f->d[1], &s1);
    f->d[0] = s1 == HEDGE_ERR_PRICE_BOUNDS && isnan(f->d[1]) ? SENTINEL : 0; f->d[1] = SENTINEL; return st)
/* context.h, status.h */
ROW(context_null_out, return hedge_context_create(NULL, NULL))
ROW(context_partial_allocator, hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT; o.free = NULL;
    o.alloc = (hedge_alloc_fn)(void (*)(void))hedge_version_number; return hedge_context_create(H(hedge_context), &o))
ROW(context_small_struct, hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT; o.struct_size = 1;
    return hedge_context_create(H(hedge_context), &o))
ROW(context_bad_log_level, hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT; o.log_level = (hedge_log_level)9;
    return hedge_context_create(H(hedge_context), &o))
/* instrument.h */
ROW(instrument_null_spec, return hedge_instrument_create(H(hedge_instrument), f->ctx, NULL))
ROW(instrument_nan_strike, hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT; s.kind = HEDGE_INSTRUMENT_OPTION;
    s.symbol = "X"; s.underlying = "BTC"; s.option_type = HEDGE_CALL; s.strike = nan_; s.expiry_ms = EXPIRY;
    return hedge_instrument_create(H(hedge_instrument), f->ctx, &s))
ROW(instrument_strike_on_future, hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT; s.kind = HEDGE_INSTRUMENT_FUTURE;
    s.symbol = "X"; s.underlying = "BTC"; s.strike = 100; s.expiry_ms = EXPIRY;
    return hedge_instrument_create(H(hedge_instrument), f->ctx, &s))
ROW(instrument_long_symbol, hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT; s.kind = HEDGE_INSTRUMENT_SPOT;
    char sym[200]; memset(sym, 'A', 199); sym[199] = 0; s.symbol = sym; s.underlying = "BTC";
    return hedge_instrument_create(H(hedge_instrument), f->ctx, &s))
ROW(instrument_small_struct, hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT; s.struct_size = 8;
    return hedge_instrument_create(H(hedge_instrument), f->ctx, &s))
ROW(instrument_info_small_struct, hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT; s.struct_size = 4;
    s.symbol = (const char *)f; hedge_status st = hedge_instrument_info(&s, f->option);
    f->d[0] = s.symbol == (const char *)f ? SENTINEL : 0; return st)
ROW(instrument_expired, return hedge_instrument_time_to_expiry(&f->d[0], f->option, EXPIRY + 1))
/* snapshot.h */
ROW(builder_nan_spot, return hedge_snapshot_builder_set_spot(f->builder, "SOL", nan_, NOW, 0))
ROW(builder_future_timestamp, return hedge_snapshot_builder_set_spot(f->builder, "SOL", 100, NOW + 1, 0))
ROW(builder_negative_age, return hedge_snapshot_builder_add_source(f->builder, "SOL", "x", 100, NOW, -1))
ROW(builder_inf_rate, return hedge_snapshot_builder_set_rate(f->builder, "SOL", -inf_))
ROW(builder_forward_in_past, return hedge_snapshot_builder_add_forward(f->builder, "SOL", NOW - DAY, 100))
ROW(builder_nan_funding, return hedge_snapshot_builder_set_funding(f->builder, "SOL-PERP", nan_, 0, NOW, 0))
ROW(builder_crossed_quote, hedge_quote q = HEDGE_QUOTE_INIT; q.symbol = "X"; q.venue = "v"; q.bid = 11; q.ask = 10;
    q.bid_size = q.ask_size = 1; q.timestamp_ms = NOW; return hedge_snapshot_builder_add_quote(f->builder, &q))
ROW(builder_ladder_count_without_pointer, hedge_quote q = HEDGE_QUOTE_INIT; q.symbol = "X"; q.venue = "v";
    q.n_bids = SIZE_MAX; q.timestamp_ms = NOW; return hedge_snapshot_builder_add_quote(f->builder, &q))
ROW(builder_bad_options, hedge_snapshot_options o = HEDGE_SNAPSHOT_OPTIONS_INIT; o.source_max_deviation = -1;
    return hedge_snapshot_builder_create(H(hedge_snapshot_builder), f->ctx, NOW, &o))
ROW(finish_null_builder, return hedge_snapshot_builder_finish(H(hedge_snapshot), NULL))
ROW(spot_unknown_underlying, return hedge_snapshot_spot(&f->d[0], f->snap, "DOGE"))
ROW(spot_stale, return hedge_snapshot_spot(&f->d[0], f->snap, "ETH"))
ROW(forward_expired, return hedge_snapshot_forward(&f->d[0], f->snap, "BTC", NOW - 1))
ROW(rate_null_underlying, return hedge_snapshot_rate(&f->d[0], f->snap, NULL))
ROW(funding_unknown_symbol, return hedge_snapshot_funding(&f->d[0], &f->d[1], f->snap, "ETH-PERP"))
ROW(quote_unknown_venue, return hedge_snapshot_quote(&f->q, f->snap, "BTC-PERP", "nowhere"))
ROW(quote_small_struct, f->q.struct_size = 3; return hedge_snapshot_quote(&f->q, f->snap, "BTC-PERP", "deribit"))
ROW(sources_null_reports, f->count = 77; return hedge_snapshot_sources(NULL, 5, &f->count, f->snap, "BTC"))
/* volsurface.h */
ROW(surface_no_slices, return hedge_vol_surface_create(H(hedge_vol_surface), f->ctx, NOW, NULL, 0))
ROW(surface_rho_one, hedge_svi_slice s = {EXPIRY, 0, 100, 0.01, 0.1, 1.0, 0, 0.1, 0};
    return hedge_vol_surface_create(H(hedge_vol_surface), f->ctx, NOW, &s, 1))
ROW(surface_expired_slice, hedge_svi_slice s = {NOW, 0, 100, 0.01, 0.1, 0, 0, 0.1, 0};
    return hedge_vol_surface_create(H(hedge_vol_surface), f->ctx, NOW, &s, 1))
ROW(fit_too_few_points, double k[4] = {90, 95, 100, 105}, v[4] = {0.5, 0.5, 0.5, 0.5};
    hedge_smile_data d = {EXPIRY, 100, 4, k, v, NULL};
    return hedge_vol_surface_fit(H(hedge_vol_surface), f->ctx, NOW, &d, 1))
ROW(fit_nan_vol, double k[5] = {90, 95, 100, 105, 110}, v[5] = {0.5, 0.5, 0.5, 0.5, nan_};
    hedge_smile_data d = {EXPIRY, 100, 5, k, v, NULL};
    return hedge_vol_surface_fit(H(hedge_vol_surface), f->ctx, NOW, &d, 1))
ROW(vol_nan_strike, return hedge_vol_surface_vol(&f->d[0], f->surf, nan_, 97000, EXPIRY))
ROW(vol_expired, return hedge_vol_surface_vol(&f->d[0], f->surf, 97000, 97000, NOW))
ROW(total_variance_neg_T, return hedge_vol_surface_total_variance(&f->d[0], f->surf, 0, -1))
ROW(slice_out_of_range, hedge_svi_slice s; s.a = SENTINEL; hedge_status st = hedge_vol_surface_slice(&s, f->surf, 99);
    f->d[0] = s.a; return st)
ROW(check_bad_grid, f->count = 77; return hedge_vol_surface_check(NULL, 0, &f->count, f->surf, 1, -1, 10))
/* valuation.h */
ROW(value_option_without_surface, return hedge_instrument_value(&f->v, f->option, f->snap, NULL))
ROW(value_expired, return hedge_instrument_value(&f->v, f->option, f->after, f->surf))
ROW(value_small_struct, f->v.struct_size = 8; return hedge_instrument_value(&f->v, f->option, f->snap, f->surf))
/* market.h */
ROW(market_duplicate_symbol, const hedge_instrument *two[2] = {f->option, f->option};
    return hedge_market_create(H(hedge_market), f->ctx, f->snap, two, 2, NULL, NULL, 0))
ROW(market_read_not_json, return hedge_market_read_json(H(hedge_market), f->ctx, "{\"valuation_time\": ", 19, "t.json"))
ROW(market_read_unknown_member, static const char t[] = "{\"valuation_time\": 0, \"market\": {\"typo\": 1}}";
    return hedge_market_read_json(H(hedge_market), f->ctx, t, sizeof t - 1, "t.json"))
ROW(market_load_missing_file, return hedge_market_load_json(H(hedge_market), f->ctx, "/nonexistent/market.json"))
ROW(market_write_null_buffer, f->count = 77; return hedge_market_write_json(NULL, 10, &f->count, NULL))

/* portfolio.h */
ROW(portfolio_add_null_instrument, hedge_position p = HEDGE_POSITION_INIT; return hedge_portfolio_add(f->pf, &p))
ROW(portfolio_add_nan_quantity, hedge_position p = HEDGE_POSITION_INIT; p.instrument = f->option; p.quantity = nan_;
    return hedge_portfolio_add(f->pf, &p))
ROW(portfolio_add_duplicate, hedge_position p = HEDGE_POSITION_INIT; p.instrument = f->option;
    return hedge_portfolio_add(f->pf, &p))
ROW(portfolio_update_unknown, return hedge_portfolio_update(f->pf, "NOPE", 1, 0))
ROW(portfolio_update_neg_entry, return hedge_portfolio_update(f->pf, "BTC-C", 1, -2))
ROW(portfolio_remove_null, return hedge_portfolio_remove(f->pf, NULL))
ROW(portfolio_find_small_struct, hedge_position p = HEDGE_POSITION_INIT; p.struct_size = 8; p.quantity = SENTINEL;
    hedge_status st = hedge_portfolio_find(&p, f->pf, "BTC-C"); f->d[0] = p.quantity; return st)
ROW(portfolio_read_unknown_symbol, static const char t[] = "{\"book\": [{\"symbol\": \"NOPE\", \"quantity\": 1}]}";
    return hedge_portfolio_read_json(H(hedge_portfolio), f->ctx, f->market, t, sizeof t - 1, "b.json"))
ROW(portfolio_write_null, f->count = 77; return hedge_portfolio_write_json(NULL, 0, &f->count, f->market, NULL))
/* risk.h */
ROW(risk_null_portfolio, return hedge_risk_compute(H(hedge_risk), f->ctx, NULL, f->market, NULL))
ROW(risk_nan_beta, const char *u[1] = {"BTC"}; double b[1] = {nan_}; hedge_risk_options o = HEDGE_RISK_OPTIONS_INIT;
    o.beta_underlyings = u; o.betas = b; o.n_betas = 1; return hedge_risk_compute(H(hedge_risk), f->ctx, f->pf, f->market, &o))
ROW(risk_bad_tenors, double t[2] = {30, 7}; hedge_risk_options o = HEDGE_RISK_OPTIONS_INIT; o.tenor_days = t; o.n_tenors = 2;
    return hedge_risk_compute(H(hedge_risk), f->ctx, f->pf, f->market, &o))
ROW(explain_reversed, hedge_pnl_explain x = HEDGE_PNL_EXPLAIN_INIT; x.actual = SENTINEL;
    hedge_market *later; hedge_status st = hedge_market_create(&later, f->ctx, f->after, NULL, 0, NULL, NULL, 0);
    if (st) return st;
    st = hedge_pnl_explain_compute(&x, f->pf, later, f->market, NULL); hedge_market_destroy(later);
    f->d[0] = x.actual; return st)
ROW(aggregate_bad_bucket, uint32_t b[2] = {0, 9}; double c[2] = {1, 2}; const double *cols[1] = {c};
    return hedge_aggregate_columns(2, b, cols, 1, f->d, 4))
ROW(aggregate_null_sums, uint32_t b[2] = {0, 1}; double c[2] = {1, 2}; const double *cols[1] = {c};
    return hedge_aggregate_columns(2, b, cols, 1, NULL, 4))
ROW(aggregate_null_buckets, double c[2] = {1, 2}; const double *cols[1] = {c};
    return hedge_aggregate_columns(2, NULL, cols, 1, f->d, 4))
ROW(aggregate_null_column, uint32_t b[2] = {0, 1}; double c[2] = {1, 2}; const double *cols[2] = {c, NULL};
    return hedge_aggregate_columns(2, b, cols, 2, f->d, 2))
ROW(aggregate_65_columns, uint32_t b[1] = {0}; double c[1] = {1}; const double *cols[65];
    for (int k = 0; k < 65; k++) cols[k] = c;
    return hedge_aggregate_columns(1, b, cols, 65, f->d, 1))
/* scenario.h */
ROW(scenarios_spot_crash, hedge_shift sh = {NULL, -1.0, 0, 0}; hedge_scenario sc = {&sh, 1, 0};
    return hedge_scenarios_run(H(hedge_scenario_pnl), f->ctx, f->pf, f->market, &sc, 1, NULL))
ROW(scenarios_none, hedge_scenario sc = {NULL, 0, 0};
    return hedge_scenarios_run(H(hedge_scenario_pnl), f->ctx, f->pf, f->market, &sc, 0, NULL))
ROW(scenario_grid_bad_range, double v[1] = {0}; hedge_scenario sc[3]; hedge_shift sh[3];
    return hedge_scenario_grid(sc, sh, 3, &f->count, 1.5, 1, v, 1, 0))
ROW(scenario_var_nan, double p[3] = {1, nan_, 2}; double w[6];
    return hedge_scenario_var(&f->d[0], &f->d[1], p, NULL, 3, 0.9, w, 6))
ROW(scenario_var_level_one, double p[3] = {1, -4, 2}; double w[6];
    return hedge_scenario_var(&f->d[0], &f->d[1], p, NULL, 3, 1.0, w, 6))
ROW(scenario_var_probabilities, double p[3] = {1, -4, 2}, q[3] = {0.5, 0.6, 0.0}; double w[6];
    return hedge_scenario_var(&f->d[0], &f->d[1], p, q, 3, 0.9, w, 6))
ROW(scenario_var_workspace, double p[3] = {1, -4, 2}; double w[5];
    return hedge_scenario_var(&f->d[0], &f->d[1], p, NULL, 3, 0.9, w, 5))
ROW(scenario_historical_zero_price, const char *u[1] = {"BTC"}; double px[3] = {100, 0, 101};
    hedge_scenario sc[2]; hedge_shift sh[2]; sh[0].spot = SENTINEL;
    hedge_status st = hedge_scenario_historical(sc, sh, 2, &f->count, u, 1, px, NULL, 3, 1, 1.0);
    f->d[0] = sh[0].spot == SENTINEL ? SENTINEL : 0; return st)
ROW(scenario_historical_horizon, const char *u[1] = {"BTC"}; double px[3] = {100, 99, 101};
    hedge_scenario sc[2]; hedge_shift sh[2];
    return hedge_scenario_historical(sc, sh, 2, &f->count, u, 1, px, NULL, 3, 3, 1.0))
ROW(scenario_sample_not_psd, const char *u[3] = {"BTC", "ETH", "SOL"}; double v[3] = {0.5, 0.6, 0.8};
    double c[9] = {1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1}; double w[12];
    hedge_scenario sc[2]; hedge_shift sh[6]; sh[0].spot = SENTINEL;
    hedge_status st = hedge_scenario_sample(sc, sh, 2, u, 3, v, c, 1.0, 7, 0, w, 12);
    f->d[0] = sh[0].spot == SENTINEL ? SENTINEL : 0; return st)
ROW(scenario_sample_asymmetric, const char *u[2] = {"BTC", "ETH"}; double v[2] = {0.5, 0.6};
    double c[4] = {1, 0.5, 0.4, 1}; double w[6]; hedge_scenario sc[1]; hedge_shift sh[2];
    return hedge_scenario_sample(sc, sh, 1, u, 2, v, c, 1.0, 7, 0, w, 6))
/* margin.h */
ROW(margin_bad_vol_down, hedge_margin_options o = HEDGE_MARGIN_OPTIONS_INIT; o.vol_down = 1.5;
    hedge_margin_result r = HEDGE_MARGIN_RESULT_INIT; r.margin = SENTINEL;
    hedge_status st = hedge_portfolio_margin(&r, f->ctx, f->pf, f->market, &o); f->d[0] = r.margin; return st)
ROW(liquidation_zero_quantity, return hedge_liquidation_price(&f->d[0], HEDGE_SETTLE_LINEAR, 1, 0, 100, 10, 0.005))
ROW(cross_mixed_settlements, hedge_cross_position p[2] = {{HEDGE_SETTLE_LINEAR, 1, 1, 100, 0.01},
    {HEDGE_SETTLE_INVERSE, 10, 1, 100, 0.01}}; return hedge_cross_liquidation_price(&f->d[0], p, 2, 100, 100))

static const row rows[] = {
#define R(name, st, frag) {#name, st, frag, name}
    R(bsm_price_nan_S, HEDGE_ERR_DOMAIN, "hedge_bsm_price: underlying price must be finite and > 0, got nan"),
    R(bsm_price_neg_K, HEDGE_ERR_DOMAIN, "strike must be finite and > 0, got -1"),
    R(bsm_price_neg_T, HEDGE_ERR_DOMAIN, "time to expiry must be finite and >= 0, got -1"),
    R(bsm_price_inf_r, HEDGE_ERR_DOMAIN, "rate must be finite, got inf"),
    R(bsm_price_neg_vol, HEDGE_ERR_DOMAIN, "volatility must be finite and >= 0, got -0.2"),
    R(bsm_price_bad_type, HEDGE_ERR_INVALID_ARG, "option type must be call (1) or put (-1), got 0"),
    R(bsm_price_null, HEDGE_ERR_INVALID_ARG, "price is NULL"),
    R(bsm_greeks_zero_S, HEDGE_ERR_DOMAIN, "underlying price must be finite and > 0, got 0"),
    R(bsm_greeks_small_struct, HEDGE_ERR_INVALID_ARG, "greeks->struct_size 4 is too small"),
    R(black76_price_ninf_F, HEDGE_ERR_DOMAIN, "underlying price must be finite and > 0, got -inf"),
    R(black76_greeks_nan_vol, HEDGE_ERR_DOMAIN, "volatility must be finite and >= 0, got nan"),
    R(inverse_greeks_zero_K, HEDGE_ERR_DOMAIN, "hedge_inverse_greeks: strike must be finite and > 0, got 0"),
    R(inverse_delta_nan_T, HEDGE_ERR_DOMAIN, "time to expiry must be finite and >= 0, got nan"),
    R(market_units_zero_days, HEDGE_ERR_DOMAIN, "days_per_year must be finite and > 0, got 0"),
    R(future_risk_neg_mark, HEDGE_ERR_DOMAIN, "mark must be finite and > 0, got -5"),
    R(perp_funding_bad_settlement, HEDGE_ERR_INVALID_ARG, "settlement must be linear or inverse, got 7"),
    R(batch_null_out, HEDGE_ERR_INVALID_ARG, "hedge_bsm_greeks_batch: out is NULL"),
    R(batch_small_struct, HEDGE_ERR_INVALID_ARG, "out->struct_size 1 is too small"),
    R(batch_absurd_n, HEDGE_ERR_INVALID_ARG, "an input array is NULL"),
    R(batch_null_input, HEDGE_ERR_INVALID_ARG, "an input array is NULL"),
    R(iv_bsm_above_bound, HEDGE_ERR_PRICE_BOUNDS, "price 150 is at or above the upper bound 100"),
    R(iv_bsm_zero_T, HEDGE_ERR_DOMAIN, "time to expiry must be finite and > 0, got 0"),
    R(iv_black76_nan_price, HEDGE_ERR_DOMAIN, "price must be finite and >= 0, got nan"),
    R(iv_inverse_neg_F, HEDGE_ERR_DOMAIN, "forward must be finite and > 0, got -100"),
    R(iv_batch_below_bound, HEDGE_ERR_PRICE_BOUNDS, "(element 0): price 1 is below the intrinsic value 50"),
    R(context_null_out, HEDGE_ERR_INVALID_ARG, "hedge_context_create: out is NULL"),
    R(context_partial_allocator, HEDGE_ERR_INVALID_ARG, "alloc and free must both be set"),
    R(context_small_struct, HEDGE_ERR_INVALID_ARG, "options struct_size 1 is too small"),
    R(context_bad_log_level, HEDGE_ERR_INVALID_ARG, "log_level 9 is out of range"),
    R(instrument_null_spec, HEDGE_ERR_INVALID_ARG, "spec is NULL"),
    R(instrument_nan_strike, HEDGE_ERR_DOMAIN, "X: strike must be finite and > 0 (got nan)"),
    R(instrument_strike_on_future, HEDGE_ERR_INVALID_ARG, "option_type and strike apply to options only"),
    R(instrument_long_symbol, HEDGE_ERR_INVALID_ARG, "symbol must have 1 to 127 bytes"),
    R(instrument_small_struct, HEDGE_ERR_INVALID_ARG, "spec->struct_size 8 is too small"),
    R(instrument_info_small_struct, HEDGE_ERR_INVALID_ARG, "struct_size 4 is too small"),
    R(instrument_expired, HEDGE_ERR_EXPIRED, "BTC-C expired 1 ms before"),
    R(builder_nan_spot, HEDGE_ERR_DOMAIN, "SOL: spot must be finite and > 0 (got nan)"),
    R(builder_future_timestamp, HEDGE_ERR_DOMAIN, "after the valuation time"),
    R(builder_negative_age, HEDGE_ERR_DOMAIN, "max_age_ms must be >= 0 (got -1)"),
    R(builder_inf_rate, HEDGE_ERR_DOMAIN, "SOL: rate must be finite (got -inf)"),
    R(builder_forward_in_past, HEDGE_ERR_DOMAIN, "is not after the valuation time"),
    R(builder_nan_funding, HEDGE_ERR_DOMAIN, "SOL-PERP: rates must be finite (got nan, 0)"),
    R(builder_crossed_quote, HEDGE_ERR_DOMAIN, "X@v: crossed book (bid 11 > ask 10)"),
    R(builder_ladder_count_without_pointer, HEDGE_ERR_INVALID_ARG, "bid ladder is NULL with 18446744073709551615 levels"),
    R(builder_bad_options, HEDGE_ERR_DOMAIN, "source_max_deviation must be finite and > 0 (got -1)"),
    R(finish_null_builder, HEDGE_ERR_INVALID_ARG, "hedge_snapshot_builder_finish: NULL argument"),
    R(spot_unknown_underlying, HEDGE_ERR_NOT_FOUND, "no spot for DOGE"),
    R(spot_stale, HEDGE_ERR_STALE, "ETH: spot is 3600000 ms old, limit 60000"),
    R(forward_expired, HEDGE_ERR_EXPIRED, "is before the valuation time"),
    R(rate_null_underlying, HEDGE_ERR_INVALID_ARG, "hedge_snapshot_rate: NULL argument"),
    R(funding_unknown_symbol, HEDGE_ERR_NOT_FOUND, "no funding for ETH-PERP"),
    R(quote_unknown_venue, HEDGE_ERR_NOT_FOUND, "no quote for BTC-PERP on nowhere"),
    R(quote_small_struct, HEDGE_ERR_INVALID_ARG, "struct_size 3 is too small"),
    R(sources_null_reports, HEDGE_ERR_INVALID_ARG, "hedge_snapshot_sources: NULL argument"),
    R(surface_no_slices, HEDGE_ERR_INVALID_ARG, "no slices"),
    R(surface_rho_one, HEDGE_ERR_DOMAIN, "slice 0 is not a valid SVI smile"),
    R(surface_expired_slice, HEDGE_ERR_DOMAIN, "not after the valuation time"),
    R(fit_too_few_points, HEDGE_ERR_INVALID_ARG, "needs at least 5 strikes and vols (got 4)"),
    R(fit_nan_vol, HEDGE_ERR_DOMAIN, "point 4: strike and vol must be finite and > 0 (got 110, nan)"),
    R(vol_nan_strike, HEDGE_ERR_DOMAIN, "strike and forward must be finite and > 0 (got nan, 97000)"),
    R(vol_expired, HEDGE_ERR_EXPIRED, "is not after the valuation time"),
    R(total_variance_neg_T, HEDGE_ERR_DOMAIN, "(got 0, -1)"),
    R(slice_out_of_range, HEDGE_ERR_INVALID_ARG, "index out of range"),
    R(check_bad_grid, HEDGE_ERR_DOMAIN, "need finite k_min < k_max and at least 2 points (got 1, -1, 10)"),
    R(value_option_without_surface, HEDGE_ERR_INVALID_ARG, "BTC-C is an option and needs a volatility surface"),
    R(value_expired, HEDGE_ERR_EXPIRED, "hedge_instrument_value: BTC-C expired 86400000 ms before"),
    R(value_small_struct, HEDGE_ERR_INVALID_ARG, "out->struct_size 8 is too small"),
    R(market_duplicate_symbol, HEDGE_ERR_EXISTS, "two instruments named BTC-C"),
    R(market_read_not_json, HEDGE_ERR_PARSE, "t.json:1:19: "),
    R(market_read_unknown_member, HEDGE_ERR_PARSE, "t.json:1:42: /market/typo: unknown member \"typo\""),
    R(market_load_missing_file, HEDGE_ERR_IO, "cannot open /nonexistent/market.json"),
    R(market_write_null_buffer, HEDGE_ERR_INVALID_ARG, "hedge_market_write_json: NULL argument"),
    R(portfolio_add_null_instrument, HEDGE_ERR_INVALID_ARG, "hedge_portfolio_add: NULL argument"),
    R(portfolio_add_nan_quantity, HEDGE_ERR_DOMAIN, "quantity must be finite, got nan"),
    R(portfolio_add_duplicate, HEDGE_ERR_EXISTS, "the portfolio already holds BTC-C"),
    R(portfolio_update_unknown, HEDGE_ERR_NOT_FOUND, "hedge_portfolio_update: no position in NOPE"),
    R(portfolio_update_neg_entry, HEDGE_ERR_DOMAIN, "entry price must be finite and >= 0, got -2"),
    R(portfolio_remove_null, HEDGE_ERR_INVALID_ARG, "hedge_portfolio_remove: NULL argument"),
    R(portfolio_find_small_struct, HEDGE_ERR_INVALID_ARG, "position->struct_size 8 is too small"),
    R(portfolio_read_unknown_symbol, HEDGE_ERR_NOT_FOUND, "no instrument \"NOPE\" in the market"),
    R(portfolio_write_null, HEDGE_ERR_INVALID_ARG, "hedge_portfolio_write_json: NULL argument"),
    R(risk_null_portfolio, HEDGE_ERR_INVALID_ARG, "hedge_risk_compute: NULL argument"),
    R(risk_nan_beta, HEDGE_ERR_DOMAIN, "beta of BTC must be finite, got nan"),
    R(risk_bad_tenors, HEDGE_ERR_DOMAIN, "tenor edges must be finite, > 0 and increasing (edge 1 is 7)"),
    R(explain_reversed, HEDGE_ERR_INVALID_ARG, "the second market is earlier than the first"),
    R(aggregate_bad_bucket, HEDGE_ERR_INVALID_ARG, "bucket 9 is not below 4"),
    R(scenario_var_nan, HEDGE_ERR_DOMAIN, "P&L 1 is not finite"),
    R(scenario_var_level_one, HEDGE_ERR_DOMAIN, "level must be in (0, 1)"),
    R(scenario_var_probabilities, HEDGE_ERR_DOMAIN, "probabilities sum to"),
    R(scenario_var_workspace, HEDGE_ERR_BUFFER_TOO_SMALL, "workspace needs 6 doubles"),
    R(scenario_historical_zero_price, HEDGE_ERR_DOMAIN, "price of BTC at observation 1"),
    R(scenario_historical_horizon, HEDGE_ERR_INVALID_ARG, "horizon must be 1 .. n_obs - 1"),
    R(scenario_sample_not_psd, HEDGE_ERR_DOMAIN, "not positive semi-definite"),
    R(scenario_sample_asymmetric, HEDGE_ERR_DOMAIN, "not symmetric"),
    R(aggregate_null_sums, HEDGE_ERR_INVALID_ARG, "NULL argument"),
    R(aggregate_null_buckets, HEDGE_ERR_INVALID_ARG, "NULL argument"),
    R(aggregate_null_column, HEDGE_ERR_INVALID_ARG, "column 1 is NULL"),
    R(aggregate_65_columns, HEDGE_ERR_INVALID_ARG, "1 to 64 columns, got 65"),
    R(scenarios_spot_crash, HEDGE_ERR_DOMAIN, "the spot move > -1"),
    R(scenarios_none, HEDGE_ERR_INVALID_ARG, "hedge_scenarios_run: no scenarios"),
    R(scenario_grid_bad_range, HEDGE_ERR_DOMAIN, "spot range must be in (0, 1), got 1.5"),
    R(margin_bad_vol_down, HEDGE_ERR_DOMAIN, "vol_down in [0, 1)"),
    R(liquidation_zero_quantity, HEDGE_ERR_DOMAIN, "a non-zero finite quantity"),
    R(cross_mixed_settlements, HEDGE_ERR_INVALID_ARG, "position 1 settles differently from position 0"),
#undef R
};

static void setup(fx *f) {
    memset(f, 0, sizeof *f);
    ck_assert_status(hedge_context_create(&f->ctx, NULL), HEDGE_OK);
    hedge_snapshot_builder *b;
    ck_assert_status(hedge_snapshot_builder_create(&b, f->ctx, NOW, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", 97000, NOW, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "ETH", 3500, NOW - 3600000, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_funding(b, "BTC-PERP", 1e-4, 1e-4, NOW, 0), HEDGE_OK);
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.symbol = "BTC-PERP";
    q.venue = "deribit";
    q.bid = 96990;
    q.ask = 97010;
    q.bid_size = q.ask_size = 1;
    q.timestamp_ms = NOW;
    ck_assert_status(hedge_snapshot_builder_add_quote(b, &q), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_finish(&f->snap, b), HEDGE_OK);
    hedge_snapshot_builder_destroy(b);
    ck_assert_status(hedge_snapshot_builder_create(&b, f->ctx, EXPIRY + DAY, NULL), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_set_spot(b, "BTC", 97000, EXPIRY + DAY, 0), HEDGE_OK);
    ck_assert_status(hedge_snapshot_builder_finish(&f->after, b), HEDGE_OK);
    hedge_snapshot_builder_destroy(b);
    ck_assert_status(hedge_snapshot_builder_create(&f->builder, f->ctx, NOW, NULL), HEDGE_OK);
    hedge_svi_slice sl = {EXPIRY, 0, 97000, 0.004, 0.03, -0.3, 0, 0.1, 0};
    ck_assert_status(hedge_vol_surface_create(&f->surf, f->ctx, NOW, &sl, 1), HEDGE_OK);
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    s.kind = HEDGE_INSTRUMENT_OPTION;
    s.symbol = "BTC-C";
    s.underlying = "BTC";
    s.option_type = HEDGE_CALL;
    s.strike = 100000;
    s.expiry_ms = EXPIRY;
    ck_assert_status(hedge_instrument_create(&f->option, f->ctx, &s), HEDGE_OK);
    const char *names[1] = {"BTC"};
    const hedge_vol_surface *surfs[1] = {f->surf};
    const hedge_instrument *insts[1] = {f->option};
    ck_assert_status(hedge_market_create(&f->market, f->ctx, f->snap, insts, 1, surfs, names, 1), HEDGE_OK);
    ck_assert_status(hedge_portfolio_create(&f->pf, f->ctx), HEDGE_OK);
    hedge_position p = HEDGE_POSITION_INIT;
    p.instrument = f->option;
    p.quantity = 3;
    ck_assert_status(hedge_portfolio_add(f->pf, &p), HEDGE_OK);
}

/* What the shared handles say, to compare before and after the table. */
static void observe(const fx *f, double out[8]) {
    hedge_valuation v = HEDGE_VALUATION_INIT;
    ck_assert_status(hedge_instrument_value(&v, f->option, f->snap, f->surf), HEDGE_OK);
    out[0] = v.value;
    ck_assert_status(hedge_snapshot_spot(&out[1], f->snap, "BTC"), HEDGE_OK);
    ck_assert_status(hedge_snapshot_forward(&out[2], f->snap, "BTC", EXPIRY), HEDGE_OK);
    ck_assert_status(hedge_vol_surface_vol(&out[3], f->surf, 100000, 97000, EXPIRY), HEDGE_OK);
    ck_assert_status(hedge_instrument_time_to_expiry(&out[4], f->option, NOW), HEDGE_OK);
    hedge_snapshot *built;
    ck_assert_status(hedge_snapshot_builder_finish(&built, f->builder), HEDGE_OK); /* nothing was added */
    out[5] = (double)hedge_snapshot_spot(&out[5], built, "SOL");
    out[6] = (double)hedge_portfolio_count(f->pf);
    hedge_position p = HEDGE_POSITION_INIT;
    ck_assert_status(hedge_portfolio_find(&p, f->pf, "BTC-C"), HEDGE_OK);
    out[7] = p.quantity + 1000 * p.entry_price;
    hedge_position_clear(&p);
    hedge_snapshot_destroy(built);
}

static void reset_outputs(fx *f) {
    for (int i = 0; i < 4; i++)
        f->d[i] = SENTINEL;
    hedge_greeks g = HEDGE_GREEKS_INIT;
    double *p = &g.price;
    for (size_t i = 0; i < (sizeof g - offsetof(hedge_greeks, price)) / sizeof(double); i++)
        p[i] = SENTINEL;
    f->g = g;
    hedge_valuation v = HEDGE_VALUATION_INIT;
    v.value = v.delta_usd = v.vol = SENTINEL;
    f->v = v;
    hedge_quote q = HEDGE_QUOTE_INIT;
    q.bid = q.ask = SENTINEL;
    f->q = q;
    f->count = 77;
    f->handle = (void *)f; /* a create call must set it to NULL on failure */
}

static int untouched(const fx *f) {
    for (int i = 0; i < 4; i++)
        if (f->d[i] != SENTINEL)
            return 0;
    const double *p = &f->g.price;
    for (size_t i = 0; i < (sizeof f->g - offsetof(hedge_greeks, price)) / sizeof(double); i++)
        if (p[i] != SENTINEL)
            return 0;
    return f->v.value == SENTINEL && f->v.delta_usd == SENTINEL && f->v.vol == SENTINEL && f->q.bid == SENTINEL &&
           f->q.ask == SENTINEL && f->count == 77;
}

START_TEST(every_entry_point_rejects_bad_input_precisely) {
    fx f;
    setup(&f);
    double before[8], after[8];
    observe(&f, before);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        reset_outputs(&f);
        hedge_error_clear();
        hedge_status st = r->call(&f);
        const char *msg = hedge_error_message();
        ck_assert_msg(st == r->expect, "%s: returned %s (%s), expected %s", r->what, hedge_status_name(st), msg,
                      hedge_status_name(r->expect));
        ck_assert_msg(hedge_error_status() == r->expect, "%s: hedge_error_status() is %s", r->what,
                      hedge_status_name(hedge_error_status()));
        ck_assert_msg(strstr(msg, r->fragment) != NULL, "%s: message \"%s\" lacks \"%s\"", r->what, msg, r->fragment);
        ck_assert_msg(untouched(&f), "%s: an output was written", r->what);
        ck_assert_msg(f.handle == NULL || f.handle == (void *)&f, "%s: out-handle %p after failure", r->what, f.handle);
    }
    observe(&f, after);
    ck_assert_msg(memcmp(before, after, sizeof before) == 0, "the shared handles changed");
    hedge_snapshot_builder_destroy(f.builder);
    hedge_portfolio_destroy(f.pf);
    hedge_market_destroy(f.market);
    hedge_instrument_destroy(f.option);
    hedge_vol_surface_destroy(f.surf);
    hedge_snapshot_destroy(f.after);
    hedge_snapshot_destroy(f.snap);
    hedge_context_destroy(f.ctx);
}
END_TEST

Suite *hedge_test_suite_badinput(void) {
    Suite *s = suite_create("badinput");
    TCase *tc = tcase_create("catalogue");
    tcase_add_test(tc, every_entry_point_rejects_bad_input_precisely);
    suite_add_tcase(s, tc);
    return s;
}
