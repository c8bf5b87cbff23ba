// A market built from parts and one read from JSON, a portfolio, its risk, scenarios and margin.

use libhedge::*;

const NOW: i64 = 1_790_000_000_000;
const DAY: i64 = 86_400_000;
const SPOT: f64 = 100_000.0;
const RATE: f64 = 0.03;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

struct Parts<'ctx> {
    snapshot: Snapshot<'ctx>,
    surface: VolSurface<'ctx>,
    call: Instrument<'ctx>,
    future: Instrument<'ctx>,
    perp: Instrument<'ctx>,
}

fn parts(ctx: &Context) -> Parts<'_> {
    let mut b = SnapshotBuilder::new(ctx, NOW, None).unwrap();
    b.set_spot("BTC", SPOT, NOW - 1000, 0).unwrap().set_rate("BTC", RATE).unwrap();
    b.set_funding("BTC-PERP", 0.0001, 0.0001, NOW - 1000, 0).unwrap();
    let bids = [DepthLevel { price: 0.05, size: 3.0 }, DepthLevel { price: 0.049, size: 10.0 }];
    b.add_quote(&Quote {
        symbol: "BTC-C",
        venue: "deribit",
        bid: 0.05,
        ask: 0.051,
        bid_size: 3.0,
        ask_size: 2.0,
        bids: &bids,
        timestamp_ms: NOW - 500,
        ..Default::default()
    })
    .unwrap();
    let snapshot = b.finish().unwrap();

    let expiry = NOW + 30 * DAY;
    let t = 30.0 / 365.0;
    let surface = VolSurface::new(
        ctx,
        NOW,
        &[SviSlice {
            expiry_ms: expiry,
            forward: SPOT * (RATE * t).exp(),
            a: 0.018,
            b: 0.05,
            rho: -0.3,
            m: 0.0,
            sigma: 0.05,
            ..Default::default()
        }],
    )
    .unwrap();
    let call = Instrument::new(
        ctx,
        &InstrumentSpec::new(
            InstrumentKind::Option { option_type: OptionType::Call, strike: 105_000.0, expiry_ms: expiry },
            "BTC-C",
            "BTC",
        )
        .venue("deribit"),
    )
    .unwrap();
    let future = Instrument::new(ctx, &InstrumentSpec::new(InstrumentKind::Future { expiry_ms: expiry }, "BTC-F", "BTC"))
        .unwrap();
    let perp = Instrument::new(
        ctx,
        &InstrumentSpec::new(InstrumentKind::Perpetual { funding_interval_s: 0.0 }, "BTC-PERP", "BTC"),
    )
    .unwrap();
    Parts { snapshot, surface, call, future, perp }
}

#[test]
fn snapshot_and_instruments_read_back() {
    let ctx = Context::new().unwrap();
    let p = parts(&ctx);
    assert_eq!(p.snapshot.valuation_ms(), NOW);
    assert_eq!(p.snapshot.spot("BTC").unwrap(), SPOT);
    assert_eq!(p.snapshot.rate("BTC").unwrap(), RATE);
    assert_eq!(p.snapshot.funding("BTC-PERP").unwrap(), (0.0001, 0.0001));
    let q = p.snapshot.quote("BTC-C", "deribit").unwrap();
    assert_eq!((q.symbol, q.venue, q.bid, q.ask), ("BTC-C", "deribit", 0.05, 0.051));
    assert_eq!(q.bids.len(), 2);
    assert_eq!(q.bids[1].price, 0.049);
    assert_eq!(p.snapshot.spot("ETH").unwrap_err().status(), Status::NOT_FOUND);

    assert_eq!(p.call.symbol(), "BTC-C");
    assert_eq!(p.call.venue(), Some("deribit"));
    assert_eq!(p.future.venue(), None);
    let spec = p.call.spec();
    assert_eq!(spec.underlying, "BTC");
    assert!(matches!(spec.kind, InstrumentKind::Option { strike, .. } if strike == 105_000.0));
    assert!(close(p.call.time_to_expiry(NOW).unwrap(), 30.0 / 365.0, 1e-15));
    assert_eq!(p.call.time_to_expiry(NOW + 31 * DAY).unwrap_err().status(), Status::EXPIRED);
    // A second reference outlives the first.
    let again = p.call.clone();
    drop(p);
    assert_eq!(again.symbol(), "BTC-C");
}

#[test]
fn option_valuation_is_bsm_on_the_surface_vol() {
    let ctx = Context::new().unwrap();
    let p = parts(&ctx);
    let expiry = NOW + 30 * DAY;
    let t = 30.0 / 365.0;
    let f = p.snapshot.forward("BTC", expiry).unwrap();
    assert!(close(f, SPOT * (RATE * t).exp(), 1e-14));
    let vol = p.surface.vol(105_000.0, f, expiry).unwrap();
    let v = p.call.value(&p.snapshot, Some(&p.surface)).unwrap();
    assert_eq!(v.vol, vol);
    let price = bsm_price(OptionType::Call, SPOT, 105_000.0, t, RATE, 0.0, vol).unwrap();
    assert!(close(v.value, price, 1e-10), "{} vs {}", v.value, price);
    // An option needs a surface.
    assert_eq!(p.call.value(&p.snapshot, None).unwrap_err().status(), Status::INVALID_ARG);
    assert!(p.surface.check_arbitrage(-1.0, 1.0, 101).unwrap().is_empty());
}

#[test]
fn portfolio_risk_adds_up_and_scenarios_revalue() {
    let ctx = Context::new().unwrap();
    let p = parts(&ctx);
    let market = Market::new(&ctx, &p.snapshot, &[&p.call, &p.future, &p.perp], &[("BTC", &p.surface)]).unwrap();
    assert_eq!(market.instrument_count(), 3);
    assert_eq!(market.find_instrument("BTC-F").unwrap().symbol(), "BTC-F");
    assert_eq!(market.snapshot().spot("BTC").unwrap(), SPOT);

    let book = Portfolio::new(&ctx).unwrap();
    book.add(&p.call, -10.0, 0.0).unwrap();
    book.add(&p.future, 3.0, 99_000.0).unwrap();
    book.add(&p.perp, 1.5, 100_500.0).unwrap();
    assert_eq!(book.len(), 3);
    let err = book.add(&p.call, 1.0, 0.0).unwrap_err();
    assert_eq!(err.status(), Status::EXISTS);
    assert!(err.message().contains("BTC-C"), "{}", err);
    book.update("BTC-PERP", 2.0, 100_500.0).unwrap();
    assert_eq!(book.find("BTC-PERP").unwrap().quantity, 2.0);
    assert_eq!(book.find("ETH-PERP").unwrap_err().status(), Status::NOT_FOUND);

    let risk = Risk::compute(&ctx, &book, &market, &RiskOptions { per_position: true, ..Default::default() }).unwrap();
    let mut delta = 0.0;
    let mut vega = 0.0;
    for pos in book.positions() {
        let surface = market.surface("BTC").unwrap();
        let v = pos.instrument.value(&market.snapshot(), Some(&surface)).unwrap();
        delta += pos.quantity * v.delta_usd;
        vega += pos.quantity * v.vega_usd;
    }
    let total = risk.total();
    assert!(total.underlying.is_none());
    assert_eq!(total.positions, 3);
    assert!(close(total.delta_usd, delta, 1e-12), "{} vs {}", total.delta_usd, delta);
    assert!(close(total.vega_usd, vega, 1e-12));
    let rows = risk.rows(Breakdown::Underlying);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].underlying, Some("BTC"));
    assert!(close(rows[0].delta_coin * SPOT, total.delta_usd, 1e-12));
    let by_position = risk.rows(Breakdown::Position);
    assert_eq!(by_position.len(), 3);
    assert!(by_position.iter().any(|r| r.symbol == Some("BTC-F") && r.quantity == 3.0));

    // Full revaluation: nothing moves under the empty scenario; a +10% spot move is the
    // future's forward move times its quantity.
    let scenarios = vec![
        Scenario::default(),
        Scenario { shifts: vec![Shift { underlying: Some("BTC".into()), spot: 0.1, ..Default::default() }], days: 0.0 },
    ];
    let pnl = ScenarioPnl::run(&ctx, &book, &market, &scenarios, 2).unwrap();
    assert_eq!((pnl.positions(), pnl.scenarios()), (3, 2));
    assert!(pnl.matrix().iter().step_by(2).all(|&x| x == 0.0));
    let row = (0..3).find(|&i| pnl.symbol(i) == Some("BTC-F")).unwrap();
    let f = market.snapshot().forward("BTC", NOW + 30 * DAY).unwrap();
    assert!(close(pnl.matrix()[row * 2 + 1], 3.0 * 0.1 * f, 1e-10));
    let totals = pnl.totals();
    assert!(close(totals[1], (0..3).map(|i| pnl.matrix()[i * 2 + 1]).sum::<f64>(), 1e-12));

    let grid = scenario_grid(0.16, 8, &[-0.3, 0.0, 0.45], 0.0).unwrap();
    assert_eq!(grid.len(), 17 * 3);
    let margin = MarginResult::compute(&ctx, &book, &market, &MarginOptions::default()).unwrap();
    assert_eq!(margin.scenarios, 17 * 3);
    assert!(close(margin.margin, (margin.worst_loss + margin.addon).max(0.0), 1e-12));
    assert!(margin.margin > 0.0);

    book.remove("BTC-F").unwrap();
    assert_eq!(book.len(), 2);
}

#[test]
fn example_market_and_book_from_json() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../examples/market.json");
    let ctx = Context::builder().rust_allocator().build().unwrap();
    let market = Market::load_json(&ctx, path).unwrap();
    assert!(market.instrument_count() > 10);
    let book = Portfolio::load_json(&ctx, &market, path).unwrap();
    assert!(!book.is_empty());
    let risk = Risk::compute(&ctx, &book, &market, &RiskOptions::default()).unwrap();
    let by_underlying = risk.rows(Breakdown::Underlying);
    let sum: f64 = by_underlying.iter().map(|r| r.delta_usd).sum();
    assert!(close(risk.total().delta_usd, sum, 1e-9));

    // The JSON round trip reproduces the market.
    let text = market.to_json().unwrap();
    let again = Market::from_json(&ctx, &text, Some("again.json")).unwrap();
    assert_eq!(again.to_json().unwrap(), text);
    let both = book.to_json(&market).unwrap();
    let book2 = Portfolio::from_json(&ctx, &again, &both, None).unwrap();
    assert_eq!(book2.len(), book.len());
}

#[test]
fn json_errors_name_the_place() {
    let ctx = Context::new().unwrap();
    let err = Market::from_json(&ctx, "{\"valuation_time\": 12,", Some("broken.json")).unwrap_err();
    assert_eq!(err.status(), Status::PARSE);
    assert_eq!(err.name(), "HEDGE_ERR_PARSE");
    assert!(err.message().contains("broken.json"), "{}", err);
    let err = Market::load_json(&ctx, "/nonexistent/market.json").unwrap_err();
    assert_eq!(err.status(), Status::IO);
    let err = Instrument::new(&ctx, &InstrumentSpec::new(InstrumentKind::Spot, "A\0B", "BTC")).unwrap_err();
    assert_eq!(err.status(), Status::INVALID_ARG);
}

#[test]
fn log_callback_sees_errors() {
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let ctx = Context::builder()
        .log(LogLevel::Warn, move |level, msg| sink.lock().unwrap().push((level, msg.to_string())))
        .build()
        .unwrap();
    let _ = SnapshotBuilder::new(&ctx, NOW, None).unwrap().set_spot("BTC", -1.0, NOW, 0);
    ctx.log(LogLevel::Info, "below the threshold");
    ctx.log(LogLevel::Warn, "from Rust");
    let seen = seen.lock().unwrap();
    assert!(seen.iter().any(|(l, m)| *l == LogLevel::Error && m.contains("spot")), "{:?}", seen);
    assert!(seen.iter().any(|(_, m)| m == "from Rust"));
    assert!(!seen.iter().any(|(_, m)| m == "below the threshold"));
}
