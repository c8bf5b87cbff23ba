// Rebalancing decisions against the rules' formulas derived by hand here (rebalance.h), and the
// rebalancer on the sample market: its state gathered as documented, its orders reaching the target.

use libhedge::*;

const MARKET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../examples/market.json");
const DAY_MS: i64 = 86_400_000;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-300
}

fn state(delta: f64, gamma: f64) -> RebalanceState {
    RebalanceState { delta, gamma, spot: 60_000.0, vol: 0.55, rate: 0.04, time_left: 0.25, days_since_last: 0.5 }
}

#[test]
fn whalley_wilmott_band_is_the_cube_root_formula() {
    let (gamma_ra, k) = (2e-5, 0.0008);
    let p = RebalancePolicy::whalley_wilmott(gamma_ra, k);
    for &g in &[-4e-5, 1e-5, 3e-4] {
        let s = state(0.0, g);
        // H = (3/2 e^{-r tau} k S G^2 / gamma)^{1/3}
        let h = (1.5 * (-s.rate * s.time_left).exp() * k * s.spot * g * g / gamma_ra).powf(1.0 / 3.0);
        for &d in &[0.5 * h, -0.99 * h, 1.01 * h, -3.0 * h] {
            let got = p.decide(&RebalanceState { delta: d, ..s }).unwrap();
            assert!(close(got.band, h, 1e-12), "band {} vs {}", got.band, h);
            assert_eq!(got.trade, d.abs() > h, "delta {} band {}", d, h);
            // outside the band: to its nearest edge; inside: stay
            let want = if d.abs() > h { h.copysign(d) } else { d };
            assert!(close(got.target_delta, want, 1e-12), "target {} vs {}", got.target_delta, want);
            assert_eq!(got.hedge_vol, s.vol);
            assert_eq!((got.benefit_usd, got.cost_usd), (0.0, 0.0));
        }
    }
    // the band narrows with the cube root of risk aversion: 8 times the aversion halves it
    let s = state(0.0, 1e-4);
    let h1 = p.decide(&s).unwrap().band;
    let h8 = RebalancePolicy::whalley_wilmott(8.0 * gamma_ra, k).decide(&s).unwrap().band;
    assert!(close(h1 / h8, 2.0, 1e-12));
}

#[test]
fn delta_band_and_calendar_rules() {
    let band = RebalancePolicy::delta_band(0.3, false);
    let edge = RebalancePolicy::delta_band(0.3, true);
    for &d in &[0.1, -0.3, 0.31, -2.0] {
        let s = state(d, 1e-5);
        let (a, b) = (band.decide(&s).unwrap(), edge.decide(&s).unwrap());
        assert_eq!(a.trade, d.abs() > 0.3);
        assert_eq!(b.trade, a.trade);
        assert_eq!(a.band, 0.3);
        if a.trade {
            assert_eq!(a.target_delta, 0.0);
            assert_eq!(b.target_delta, 0.3f64.copysign(d));
        } else {
            assert_eq!((a.target_delta, b.target_delta), (d, d));
        }
    }
    // calendar: trade when the interval has passed (never traded: +infinity), back to 0
    let cal = RebalancePolicy::calendar(2.0);
    for &(days, trade) in &[(0.0, false), (1.99, false), (2.0, true), (f64::INFINITY, true)] {
        let got = cal.decide(&RebalanceState { days_since_last: days, ..state(1.5, 0.0) }).unwrap();
        assert_eq!(got.trade, trade, "{} days", days);
        assert_eq!(got.target_delta, if trade { 0.0 } else { 1.5 });
        assert_eq!(got.band, 0.0);
    }
    // the default policy is daily calendar rebalancing
    let d = RebalancePolicy::default();
    assert_eq!((d.rule, d.interval_days, d.horizon_days), (RebalanceRule::Calendar, 1.0, 1.0));
}

#[test]
fn leland_adjusts_the_volatility_by_the_sign_of_gamma() {
    let (k, days) = (0.002, 1.0);
    let p = RebalancePolicy::leland(days, k);
    let dt = days / 365.0;
    for &g in &[-1e-4, 2e-4] {
        let s = RebalanceState { days_since_last: 1.0, ..state(0.7, g) };
        // sigma_L^2 = sigma^2 (1 + sign sqrt(2/pi) k / (sigma sqrt(dt))), + for a short option
        let le = (2.0 / std::f64::consts::PI).sqrt() * k / (s.vol * dt.sqrt());
        let sign = if g <= 0.0 { 1.0 } else { -1.0 };
        let want = s.vol * (1.0 + sign * le).sqrt();
        let got = p.decide(&s).unwrap();
        assert!(close(got.hedge_vol, want, 1e-12), "gamma {}: {} vs {}", g, got.hedge_vol, want);
        assert!(got.trade && got.target_delta == 0.0);
        assert_eq!(got.hedge_vol > s.vol, g < 0.0);
    }
    // a long option hedged every day at 6% cost: Leland's number sqrt(2/pi) k / (sigma sqrt(dt)) is
    // 1.66 (at 3% it is 0.83 and the variance stays positive), so the adjusted variance is negative
    assert!(RebalancePolicy::leland(1.0, 0.03).decide(&state(0.7, 1e-4)).is_ok());
    let e = RebalancePolicy::leland(1.0, 0.06).decide(&state(0.7, 1e-4)).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains("Leland"), "{}", e);
}

#[test]
fn cost_risk_trades_past_the_break_even_delta() {
    let (ra, k, fixed, days) = (1e-4, 0.0005, 20.0, 2.0);
    let p = RebalancePolicy::cost_risk(ra, k, fixed, days);
    let s = state(0.0, 0.0);
    let h = days / 365.0;
    // benefit gamma/2 (D S sigma)^2 h against cost k |D| S + fixed: equal at
    // D* = (k S + sqrt(k^2 S^2 + 2 gamma S^2 sigma^2 h fixed)) / (gamma S^2 sigma^2 h)
    let a = ra * s.spot * s.spot * s.vol * s.vol * h;
    let d_star = (k * s.spot + (k * k * s.spot * s.spot + 2.0 * a * fixed).sqrt()) / a;
    for &d in &[0.9 * d_star, 1.1 * d_star, -1.1 * d_star, -0.5 * d_star] {
        let got = p.decide(&RebalanceState { delta: d, ..s }).unwrap();
        let benefit = 0.5 * ra * (d * s.spot * s.vol).powi(2) * h;
        let cost = k * d.abs() * s.spot + fixed;
        assert!(close(got.benefit_usd, benefit, 1e-12) && close(got.cost_usd, cost, 1e-12), "{:?}", got);
        assert_eq!(got.trade, d.abs() > d_star, "delta {} vs break-even {}", d, d_star);
        assert_eq!(got.target_delta, if got.trade { 0.0 } else { d });
    }
    // no delta, no trade, even at no cost
    assert!(!RebalancePolicy::cost_risk(ra, 0.0, 0.0, 1.0).decide(&s).unwrap().trade);
}

#[test]
fn bad_policies_and_states_are_domain_errors() {
    let s = state(1.0, 1e-5);
    let bad = [
        RebalancePolicy::delta_band(-0.1, false),
        RebalancePolicy::whalley_wilmott(0.0, 0.001),
        RebalancePolicy::calendar(0.0),
        RebalancePolicy::cost_risk(1e-4, 1.5, 0.0, 1.0),
        RebalancePolicy::cost_risk(1e-4, 0.001, 0.0, f64::NAN),
    ];
    for p in &bad {
        let e = p.decide(&s).unwrap_err();
        assert_eq!(e.status(), Status::DOMAIN, "{:?}: {}", p, e);
    }
    let ok = RebalancePolicy::delta_band(0.5, false);
    for st in &[RebalanceState { spot: 0.0, ..s }, RebalanceState { vol: -0.1, ..s },
                RebalanceState { delta: f64::NAN, ..s }, RebalanceState { days_since_last: -1.0, ..s }] {
        assert_eq!(ok.decide(st).unwrap_err().status(), Status::DOMAIN, "{:?}", st);
    }
}

/// The rebalancer's documented state, from the public API: the book's coin delta and gamma of the
/// underlying, the spot and rate, the 30-day at-the-money vol, the years to its last option expiry.
fn gathered_state(ctx: &Context, market: &Market<'_>, book: &Portfolio<'_>, u: &str) -> RebalanceState {
    let risk = Risk::compute(ctx, book, market, &RiskOptions { per_position: true, ..Default::default() }).unwrap();
    let row = risk.rows(Breakdown::Underlying).into_iter().find(|r| r.underlying == Some(u)).unwrap();
    let snap = market.snapshot();
    let now = snap.valuation_ms();
    let last = risk.rows(Breakdown::Position).iter().filter(|r| r.underlying == Some(u)).map(|r| r.expiry_ms)
        .fold(now, i64::max);
    let t30 = now + 30 * DAY_MS;
    let f = snap.forward(u, t30).unwrap();
    RebalanceState {
        delta: row.delta_coin, gamma: row.gamma_coin, spot: snap.spot(u).unwrap(), rate: snap.rate(u).unwrap(),
        vol: market.surface(u).unwrap().vol(f, f, t30).unwrap(), time_left: (last - now) as f64 / 31_536_000_000.0,
        days_since_last: f64::INFINITY,
    }
}

/// Coin delta of `u` after the trades: the book's plus each trade's contracts times one contract's delta.
fn hedged_delta(ctx: &Context, market: &Market<'_>, book: &Portfolio<'_>, trades: &[Trade<'_>], u: &str) -> f64 {
    let mut d = gathered_state(ctx, market, book, u).delta;
    for t in trades {
        let inst = market.find_instrument(t.symbol).unwrap();
        if inst.underlying() == u {
            let surface = market.surface(u).ok();
            d += t.quantity * inst.value(&market.snapshot(), surface.as_deref()).unwrap().delta_coin;
        }
    }
    d
}

#[test]
fn rebalancer_decides_from_the_book_and_trades_to_the_target() {
    let ctx = Context::new().unwrap();
    let market = Market::load_json(&ctx, MARKET).unwrap();
    let book = Portfolio::load_json(&ctx, &market, MARKET).unwrap();
    let problem = Problem::load_json(&ctx, &market, MARKET).unwrap();
    let s = gathered_state(&ctx, &market, &book, "BTC");
    assert!(s.delta.abs() > 0.3, "the sample book is not delta-neutral: {}", s.delta);

    // cost-risk on the gathered state: the rebalancer's benefit and cost are the formula's with
    // the 30-day ATM vol, so it saw the same delta, spot and vol
    let cr = RebalancePolicy::cost_risk(1e-3, 0.0005, 5.0, 1.0);
    let mut r = Rebalancer::new(&ctx, &problem, "BTC", &cr).unwrap();
    let d = r.decide(&book, &market).unwrap();
    assert_eq!(d, cr.decide(&s).unwrap());
    assert!(close(d.benefit_usd, 0.5e-3 * (s.delta * s.spot * s.vol).powi(2) / 365.0, 1e-9));
    // Whalley-Wilmott reads gamma, rate and the time left as well
    let ww = RebalancePolicy::whalley_wilmott(1e-5, 0.0005);
    let mut r = Rebalancer::new(&ctx, &problem, "BTC", &ww).unwrap();
    let d = r.decide(&book, &market).unwrap();
    let h = (1.5 * (-s.rate * s.time_left).exp() * 0.0005 * s.spot * s.gamma * s.gamma / 1e-5).cbrt();
    assert!(close(d.band, h, 1e-9), "{} vs {}", d.band, h);

    // a band of 0.2 coins traded to its edge: the orders bring the delta to +-0.2
    let policy = RebalancePolicy::delta_band(0.2, true);
    let mut r = Rebalancer::new(&ctx, &problem, "BTC", &policy).unwrap();
    let (d, orders) = r.check(&book, &market).unwrap();
    assert!(d.trade);
    assert_eq!(d.target_delta, 0.2f64.copysign(s.delta));
    let orders = orders.expect("orders when trading");
    assert_eq!(orders.status(), SolveStatus::Optimal);
    let after = hedged_delta(&ctx, &market, &book, &orders.trades(), "BTC");
    assert!((after - d.target_delta).abs() < 1e-6, "delta after {} vs {}", after, d.target_delta);

    // calendar: the first check trades (never traded); once the solve was optimal the clock
    // restarted, so a check at the same market time does not; decide() alone never restarts it
    let mut cal = Rebalancer::new(&ctx, &problem, "BTC", &RebalancePolicy::calendar(1.0)).unwrap();
    assert!(cal.decide(&book, &market).unwrap().trade);
    assert!(cal.decide(&book, &market).unwrap().trade);
    let (d, orders) = cal.check(&book, &market).unwrap();
    assert!(d.trade && orders.is_some());
    let (d, orders) = cal.check(&book, &market).unwrap();
    assert!(!d.trade && orders.is_none());

    // an underlying the market has no spot or surface for
    let mut none = Rebalancer::new(&ctx, &problem, "DOGE", &policy).unwrap();
    assert_eq!(none.check(&book, &market).unwrap_err().status(), Status::NOT_FOUND);
    // bad arguments at creation
    assert_eq!(Rebalancer::new(&ctx, &problem, "", &policy).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(Rebalancer::new(&ctx, &problem, "BT\0C", &policy).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(Rebalancer::new(&ctx, &problem, "BTC", &RebalancePolicy::delta_band(-1.0, false)).unwrap_err().status(),
               Status::DOMAIN);
}
