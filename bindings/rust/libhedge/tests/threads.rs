// The thread contract of docs/threading.md, checked at compile time, then exercised.

use libhedge::*;

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>() {}

// A type implementing Sync makes the call below ambiguous (two impls apply) and fails to compile,
// so this only builds for types that are not Sync.
trait AmbiguousIfSync<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
#[allow(dead_code)]
struct IsSync;
impl<T: ?Sized + Sync> AmbiguousIfSync<IsSync> for T {}

#[test]
fn static_thread_contract() {
    send_sync::<Context>();
    send_sync::<Instrument<'static>>();
    send_sync::<Snapshot<'static>>();
    send_sync::<VolSurface<'static>>();
    send_sync::<Market<'static>>();
    send_sync::<Portfolio<'static>>();
    send_sync::<Risk<'static>>();
    send_sync::<ScenarioPnl<'static>>();
    send_sync::<HedgeError>();
    send_sync::<Borrowed<'static, Snapshot<'static>>>();
    send::<SnapshotBuilder<'static>>();
    <SnapshotBuilder<'static> as AmbiguousIfSync<_>>::check();
    // optimize.h: a problem may be read by many threads while nobody changes it (setters take
    // &mut); a solver is used by one thread at a time
    send_sync::<Qp<'static>>();
    send::<Solver<'static>>();
    <Solver<'static> as AmbiguousIfSync<_>>::check();
    // hedging.h: a problem is solved by many threads at once while nobody changes it; a result is
    // immutable
    send_sync::<Problem<'static>>();
    send_sync::<HedgeResult<'static>>();
    // rebalance.h: a rebalancer keeps the time of its last trade, one thread at a time
    send::<Rebalancer<'static, 'static>>();
    <Rebalancer<'static, 'static> as AmbiguousIfSync<_>>::check();
    // simulate.h: a config is immutable once read; runs only read their inputs
    send_sync::<SimConfig<'static>>();
    send_sync::<Simulation<'static>>();
    send_sync::<SimPaths<'static>>();
}

#[test]
fn a_rebalancer_moves_to_another_thread_and_simulations_run_at_once() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../examples/market.json");
    let ctx = Context::new().unwrap();
    let market = Market::load_json(&ctx, path).unwrap();
    let book = Portfolio::load_json(&ctx, &market, path).unwrap();
    let problem = Problem::load_json(&ctx, &market, path).unwrap();
    let mut r = Rebalancer::new(&ctx, &problem, "BTC", &RebalancePolicy::delta_band(0.2, false)).unwrap();
    let here = r.decide(&book, &market).unwrap();
    let there = std::thread::scope(|s| {
        let (ctx, book, market, problem) = (&ctx, &book, &market, &problem);
        // the rebalancer itself moves (Send); the problem stays shared with this thread (Sync)
        s.spawn(move || (r.decide(book, market).unwrap(), problem.solve(ctx, book, market, &SolveOptions::default())
            .unwrap().status())).join().unwrap()
    });
    assert_eq!(there.0, here);
    assert_eq!(there.1, SolveStatus::Optimal);

    let sim = Simulation {
        paths: SimPaths::Gbm { spot: 100.0, drift: 0.0, vol: 0.5 },
        option: SimOption { option_type: OptionType::Put, quantity: -1.0, strike: 95.0, expiry: 0.1, rate: 0.0,
                            hedge_vol: 0.5 },
        hedge: SimHedge::default(),
        policy: RebalancePolicy::delta_band(0.05, true),
        options: SimOptions { paths: 300, steps: 36, seed: 9, threads: 2 },
    };
    let want = sim.run_pnl(&ctx).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..3).map(|_| s.spawn(|| sim.run_pnl(&ctx).unwrap())).collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), want);
        }
    });
}

#[test]
fn shared_market_and_portfolio_across_threads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../examples/market.json");
    let ctx = Context::new().unwrap();
    let market = Market::load_json(&ctx, path).unwrap();
    let book = Portfolio::load_json(&ctx, &market, path).unwrap();
    let want = Risk::compute(&ctx, &book, &market, &RiskOptions::default()).unwrap().total().delta_usd;
    let extra = market.find_instrument("BTC-27NOV26").unwrap().clone();
    std::thread::scope(|s| {
        for i in 0..4 {
            let (ctx, market, book, extra) = (&ctx, &market, &book, &extra);
            s.spawn(move || {
                for _ in 0..20 {
                    let risk = Risk::compute(ctx, book, market, &RiskOptions::default()).unwrap();
                    assert!(risk.total().delta_usd.is_finite());
                }
                // Each thread's error detail is its own.
                let err = bsm_price(OptionType::Call, 100.0, 100.0, 1.0, 0.0, 0.0, -(i as f64) - 1.0).unwrap_err();
                assert!(err.message().contains(&format!("-{}", i + 1)), "{}", err);
                if i == 0 {
                    // The portfolio is internally locked: changing it through &self is allowed.
                    let _ = book.add(extra, 1.0, 0.0);
                    book.remove("BTC-27NOV26").unwrap();
                }
            });
        }
    });
    let after = Risk::compute(&ctx, &book, &market, &RiskOptions::default()).unwrap().total().delta_usd;
    assert_eq!(after, want);
}
