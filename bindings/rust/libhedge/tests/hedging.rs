// The hedge solver: the sample market's hedge problem against the hedged book revalued position by
// position, and the minimum-variance hedge of a short call against -Cov/Var of scenario P&L.

use libhedge::*;

const MARKET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../examples/market.json");

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= abs + rel * a.abs().max(b.abs())
}

/// Coin delta of one underlying after the trades: the book's (risk.h) plus each trade's contracts
/// times one contract's delta (valuation.h).
fn hedged_delta_coin(market: &Market<'_>, book: &Portfolio<'_>, trades: &[Trade<'_>], ctx: &Context, u: &str) -> f64 {
    let risk = Risk::compute(ctx, book, market, &RiskOptions::default()).unwrap();
    let mut d = risk.rows(Breakdown::Underlying).iter().find(|r| r.underlying == Some(u)).map_or(0.0, |r| r.delta_coin);
    for t in trades {
        let inst = market.find_instrument(t.symbol).unwrap();
        if inst.underlying() != u {
            continue;
        }
        let surface = market.surface(u).ok();
        let v = inst.value(&market.snapshot(), surface.as_deref()).unwrap();
        d += t.quantity * v.delta_coin;
    }
    d
}

#[test]
fn sample_hedge_problem_solves_within_its_delta_bands() {
    let ctx = Context::new().unwrap();
    let market = Market::load_json(&ctx, MARKET).unwrap();
    let book = Portfolio::load_json(&ctx, &market, MARKET).unwrap();
    let problem = Problem::load_json(&ctx, &market, MARKET).unwrap();
    let result = problem.solve(&ctx, &book, &market, &SolveOptions::default()).unwrap();
    let s = result.summary();
    assert_eq!(s.status, SolveStatus::Optimal);
    let trades = result.trades();
    assert_eq!(trades.len(), s.trades);
    assert!(!trades.is_empty());

    // examples/market.json's hedge section: delta_coin BTC in [-0.5, 0.5], ETH in [-10, 10]
    for &(u, lo, hi) in &[("BTC", -0.5, 0.5), ("ETH", -10.0, 10.0)] {
        let after = hedged_delta_coin(&market, &book, &trades, &ctx, u);
        let tol = 1e-6 * hi;
        assert!(lo - tol <= after && after <= hi + tol, "{} delta {} outside [{}, {}]", u, after, lo, hi);
        let g = result.greeks(u).unwrap();
        assert!(close(g.after.delta_coin, after, 1e-9, 1e-9), "{}: {} vs {}", u, g.after.delta_coin, after);
    }
    // the BTC band was not met before the hedge
    assert!(hedged_delta_coin(&market, &book, &[], &ctx, "BTC") > 0.5);

    // the costs add up, trade by trade and in total
    let sum = |f: fn(&Trade<'_>) -> f64| trades.iter().map(f).sum::<f64>();
    assert!(close(s.fees_usd, sum(|t| t.fee_usd), 1e-9, 1e-9));
    assert!(close(s.spread_usd, sum(|t| t.spread_usd), 1e-9, 1e-9));
    assert!(close(s.impact_usd, sum(|t| t.impact_usd), 1e-9, 1e-9));
    assert!(close(s.funding_usd, sum(|t| t.funding_usd), 1e-9, 1e-9));
    assert!(close(s.cost_usd, s.fees_usd + s.spread_usd + s.impact_usd + s.funding_usd + s.fixed_usd, 1e-12, 1e-9));
    assert!(close(s.cost_usd, sum(|t| t.cost_usd()), 1e-9, 1e-9));
    // the premium budget of 250000 USD
    assert!(s.premium_usd <= 250_000.0 * (1.0 + 1e-6));

    let limits = result.limits();
    assert!(!limits.is_empty());
    assert!(limits.windows(2).all(|w| w[0].shadow_price >= w[1].shadow_price));
    assert!(limits.iter().any(|l| l.kind == LimitKind::Greek && l.index == 0 && l.upper && l.bound == 0.5));
    let json = result.to_json().unwrap();
    assert!(json.contains("\"status\": \"optimal\""), "{}", &json[..200]);
    assert!(result.greeks("DOGE").is_none());
    assert!(result.book_greeks().before.underlying.is_none());
}

const NOW: i64 = 1_790_000_000_000;
const DAY: i64 = 86_400_000;
const S0: f64 = 100_000.0;
const VOL: f64 = 0.6;
const MOVES: [f64; 9] = [-0.08, -0.05, -0.03, -0.01, 0.0, 0.015, 0.03, 0.06, 0.09];

#[test]
fn minimum_variance_hedge_of_a_short_call_is_the_regression_ratio() {
    let ctx = Context::new().unwrap();
    let expiry = NOW + 30 * DAY;
    let t = 30.0 / 365.0;
    let call = Instrument::new(&ctx, &InstrumentSpec::new(
        InstrumentKind::Option { option_type: OptionType::Call, strike: S0, expiry_ms: expiry }, "CALL", "BTC")
        .venue("a")).unwrap();
    let perp = Instrument::new(&ctx, &InstrumentSpec::new(InstrumentKind::Perpetual { funding_interval_s: 0.0 },
                                                          "PERP", "BTC").venue("a")).unwrap();
    let mut b = SnapshotBuilder::new(&ctx, NOW, None).unwrap();
    b.set_spot("BTC", S0, NOW, 0).unwrap();
    // no spread on the perpetual, so the only cost is its fee
    b.add_quote(&Quote { symbol: "PERP", venue: "a", bid: S0, ask: S0, bid_size: 1e6, ask_size: 1e6, timestamp_ms: NOW,
                         ..Default::default() }).unwrap();
    let snapshot = b.finish().unwrap();
    let surface = VolSurface::new(&ctx, NOW, &[SviSlice { expiry_ms: expiry, forward: S0, a: VOL * VOL * t, b: 0.0,
                                                           rho: 0.0, m: 0.0, sigma: 0.1, ..Default::default() }])
        .unwrap();
    let market = Market::new(&ctx, &snapshot, &[&call, &perp], &[("BTC", &surface)]).unwrap();
    let book = Portfolio::new(&ctx).unwrap();
    book.add(&call, -10.0, 0.0).unwrap();

    // the book's P&L per scenario from a full revaluation, checked against Black-Scholes; one
    // linear perpetual contract makes S0 * move
    let scenarios: Vec<Scenario> = MOVES
        .iter()
        .map(|&m| Scenario { shifts: vec![Shift { underlying: Some("BTC".into()), spot: m, ..Default::default() }],
                             days: 0.0 })
        .collect();
    let bp = ScenarioPnl::run(&ctx, &book, &market, &scenarios, 0).unwrap().totals();
    let base = bsm_price(OptionType::Call, S0, S0, t, 0.0, 0.0, VOL).unwrap();
    for (k, &m) in MOVES.iter().enumerate() {
        let bs = -10.0 * (bsm_price(OptionType::Call, S0 * (1.0 + m), S0, t, 0.0, 0.0, VOL).unwrap() - base);
        assert!(close(bp[k], bs, 1e-9, 1e-6), "scenario {}: {} vs {}", k, bp[k], bs);
    }
    let p: Vec<f64> = MOVES.iter().map(|m| S0 * m).collect();
    let n = MOVES.len() as f64;
    let (mb, mp) = (bp.iter().sum::<f64>() / n, p.iter().sum::<f64>() / n);
    let cov = bp.iter().zip(&p).map(|(b, p)| (b - mb) * (p - mp)).sum::<f64>() / n;
    let var = p.iter().map(|p| (p - mp) * (p - mp)).sum::<f64>() / n;

    for &(lambda, fee) in &[(1e-4, 0.0), (1e-4, 0.0005), (1e-8, 0.0005)] {
        // argmin lambda/2 Var(B + x P) + w |x|: the regression ratio soft-thresholded by w
        let w = fee * S0;
        let g = lambda * cov;
        let want = -g.signum() * (g.abs() - w).max(0.0) / (lambda * var);
        let mut problem = Problem::new(&ctx).unwrap();
        problem.add_candidate(&Candidate { taker_fee: fee, ..Candidate::new("PERP") }).unwrap();
        problem.set_objective(&Objective { risk_aversion: lambda, scenarios: Some(&scenarios), ..Default::default() })
            .unwrap();
        let r = problem.solve(&ctx, &book, &market, &SolveOptions::default()).unwrap();
        assert_eq!(r.status(), SolveStatus::Optimal);
        let got: f64 = r.trades().iter().filter(|t| t.symbol == "PERP").map(|t| t.quantity).sum();
        if want == 0.0 {
            assert!(r.trades().is_empty(), "lambda {}: the variance removed is not worth the fee", lambda);
        } else {
            assert!(close(got, want, 1e-6, 1e-9), "lambda {} fee {}: {} vs {}", lambda, fee, got, want);
            assert!(close(r.summary().fees_usd, w * want.abs(), 1e-6, 1e-9));
        }
        if (lambda, fee) == (1e-4, 0.0) {
            assert!(want > 0.5); // a short call: the hedge buys
        }
    }
}

#[test]
fn bad_input_and_infeasible_limits() {
    let ctx = Context::new().unwrap();
    let market = Market::load_json(&ctx, MARKET).unwrap();
    let book = Portfolio::load_json(&ctx, &market, MARKET).unwrap();
    let mut p = Problem::new(&ctx).unwrap();
    let err = p.solve(&ctx, &book, &market, &SolveOptions::default()).unwrap_err();
    assert_eq!(err.status(), Status::INVALID_ARG); // no candidates
    let err = p.add_candidate(&Candidate { taker_fee: f64::NAN, ..Candidate::new("BTC-PERPETUAL") }).unwrap_err();
    assert_eq!(err.status(), Status::DOMAIN);
    assert_eq!(p.add_target(&GreekTarget::band(Greek::DeltaCoin, None, -1.0, 1.0)).unwrap_err().status(),
               Status::INVALID_ARG); // a coin delta needs an underlying
    assert_eq!(p.set_limits(&Limits { depth_fraction: 2.0, ..Default::default() }).unwrap_err().status(),
               Status::DOMAIN);
    p.add_candidate(&Candidate::new("NOPE")).unwrap();
    let err = p.solve(&ctx, &book, &market, &SolveOptions::default()).unwrap_err();
    assert_eq!(err.status(), Status::NOT_FOUND);
    assert!(err.message().contains("NOPE"), "{}", err);
    let err = Problem::from_json(&ctx, &market, "{\"hedge\": {\"candidates\": [{\"fee\": 1}]}}", Some("x.json"))
        .unwrap_err();
    assert_eq!(err.status(), Status::PARSE);
    assert!(err.message().starts_with("x.json:"), "{}", err);

    // a BTC delta band the perpetual cannot reach when it may trade one contract
    let mut p = Problem::new(&ctx).unwrap();
    p.add_candidate(&Candidate { min_trade: -1.0, max_trade: 1.0, ..Candidate::new("BTC-PERPETUAL").on("deribit") })
        .unwrap();
    p.add_target(&GreekTarget::band(Greek::DeltaCoin, Some("BTC"), -0.5, 0.5)).unwrap();
    let r = p.solve(&ctx, &book, &market, &SolveOptions { threads: 2, ..Default::default() }).unwrap();
    assert_eq!(r.status(), SolveStatus::PrimalInfeasible);
    assert!(r.trades().is_empty());
    let limits = r.limits();
    assert!(limits.iter().any(|l| l.kind == LimitKind::Greek && l.upper), "{:?}", limits);
    assert!(limits.iter().any(|l| l.kind == LimitKind::Trade && !l.upper), "{:?}", limits);
}

#[test]
fn one_problem_solved_on_several_threads_gives_one_answer() {
    let ctx = Context::new().unwrap();
    let market = Market::load_json(&ctx, MARKET).unwrap();
    let book = Portfolio::load_json(&ctx, &market, MARKET).unwrap();
    let problem = Problem::load_json(&ctx, &market, MARKET).unwrap();
    let here = problem.solve(&ctx, &book, &market, &SolveOptions::default()).unwrap();
    let want: Vec<(String, f64)> = here.trades().iter().map(|t| (t.symbol.to_string(), t.quantity)).collect();
    let results: Vec<HedgeResult<'_>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| problem.solve(&ctx, &book, &market, &SolveOptions::default()).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in &results {
        let got: Vec<(String, f64)> = r.trades().iter().map(|t| (t.symbol.to_string(), t.quantity)).collect();
        assert_eq!(got, want);
    }
}
