// The hedging simulator: per-path P&L against the test's own replication of the accounting on the
// same paths, reproducibility by seed and across thread counts, Hull's experiment (the std of a
// delta-hedged written call shrinking like 1/sqrt(rebalances)), progress and cancellation through a
// Rust closure, panics kept out of C, configs from JSON, and errors mapped to their statuses.

use std::panic;

use libhedge::*;

const SIMULATE_JSON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../examples/simulate.json");

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= abs + rel * a.abs().max(b.abs())
}

/// Hull's example (Options, Futures and Other Derivatives, "delta hedging"): 100,000 calls written
/// on a stock at 49, strike 50, 20 weeks, r 5%, sigma 20%, real-world drift 13%.
fn hull(steps: usize, paths: usize, threads: u32) -> Simulation<'static> {
    Simulation {
        paths: SimPaths::Gbm { spot: 49.0, drift: 0.13, vol: 0.2 },
        option: SimOption { option_type: OptionType::Call, quantity: -100_000.0, strike: 50.0, expiry: 20.0 / 52.0,
                            rate: 0.05, hedge_vol: 0.2 },
        hedge: SimHedge::default(),
        // a trade at every step, whatever the step
        policy: RebalancePolicy::calendar(1e-9),
        options: SimOptions { paths, steps, seed: 2024, threads },
    }
}

struct Replicated {
    pnl: f64,
    cost: f64,
    funding: f64,
    trades: f64,
}

/// The P&L of hedging `sim`'s option along `path` (S_0 .. S_N) at every step back to delta 0,
/// written from simulate.h's description: premium received at time 0, BSM deltas with the hedge
/// vol, spot bought and sold at S_i and financed at r (or a perpetual settling h (S_{i+1} - S_i)
/// and paying funding h S_i f dt), costs k |units| S_i + fixed per order, closed at S_T, all
/// discounted to time 0. Discounted, a self-financed holding of h gains h (S_{i+1} e^{-r t_{i+1}} -
/// S_i e^{-r t_i}) over a step, which is how the spot's financing enters here.
fn replicate(sim: &Simulation<'_>, path: &[f64]) -> Replicated {
    let o = &sim.option;
    let (q, r, t_exp) = (o.quantity, o.rate, o.expiry);
    let n = path.len() - 1;
    let dt = t_exp / n as f64;
    let (k, fixed) = (sim.hedge.cost_rate, sim.hedge.fixed_cost);
    let funding_rate = match sim.hedge.instrument {
        SimInstrument::Perpetual { funding_rate } => Some(funding_rate),
        _ => None,
    };
    let v0 = bsm_price(o.option_type, path[0], o.strike, t_exp, r, 0.0, o.hedge_vol).unwrap();
    let mut rep = Replicated { pnl: -q * v0, cost: 0.0, funding: 0.0, trades: 0.0 };
    let mut h = 0.0;
    for i in 0..n {
        let t = i as f64 * dt;
        let (s, s_next) = (path[i], path[i + 1]);
        let delta = bsm_greeks(o.option_type, s, o.strike, t_exp - t, r, 0.0, o.hedge_vol).unwrap().delta;
        let dh = -q * delta - h;
        if dh.abs() > 1e-9 * q.abs() {
            rep.cost += (k * dh.abs() * s + fixed) * (-r * t).exp();
            rep.trades += 1.0;
            h += dh;
        }
        match funding_rate {
            None => rep.pnl += h * (s_next * (-r * (t + dt)).exp() - s * (-r * t).exp()),
            Some(f) => {
                let paid = -h * s * f * dt;
                rep.pnl += (h * (s_next - s) + paid) * (-r * (t + dt)).exp();
                rep.funding += paid * (-r * (t + dt)).exp();
            }
        }
    }
    let s_t = path[n];
    let payoff = match o.option_type {
        OptionType::Call => (s_t - o.strike).max(0.0),
        OptionType::Put => (o.strike - s_t).max(0.0),
    };
    rep.pnl += q * payoff * (-r * t_exp).exp();
    // what is left is closed at S_T; a remainder of rounding size places no order (simulate.h)
    if h.abs() > 1e-9 * q.abs() {
        rep.cost += (k * h.abs() * s_t + fixed) * (-r * t_exp).exp();
        rep.trades += 1.0;
    }
    rep.pnl -= rep.cost;
    rep
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// simulate.h's VaR and CVaR of equally likely outcomes: with the losses sorted ascending, the
/// first L_k with k / n >= c, and the mean of the loss quantile over (c, 1] (Acerbi-Tasche).
fn var_es(sorted_pnl: &[f64], c: f64) -> (f64, f64) {
    let n = sorted_pnl.len();
    let losses: Vec<f64> = sorted_pnl.iter().rev().map(|x| -x).collect();
    let k = (1..=n).find(|&k| k as f64 / n as f64 >= c - 1e-12).unwrap();
    let mut tail = (k as f64 / n as f64 - c) * losses[k - 1];
    for loss in &losses[k..] {
        tail += loss / n as f64;
    }
    (losses[k - 1], tail / (1.0 - c))
}

#[test]
fn per_path_pnl_is_the_replicated_hedge_on_the_same_paths() {
    let ctx = Context::new().unwrap();
    let mut cases = vec![];
    // spot with costs and gas
    let mut a = hull(30, 40, 1);
    a.hedge.cost_rate = 0.001;
    a.hedge.fixed_cost = 3.0;
    cases.push(a);
    // a perpetual paying 8% funding a year, a put bought, Merton jumps
    let mut b = hull(25, 40, 1);
    b.paths = SimPaths::Merton { spot: 49.0, drift: 0.05, vol: 0.25, jump_intensity: 3.0, jump_mean: -0.05,
                                 jump_std: 0.1 };
    b.option.option_type = OptionType::Put;
    b.option.quantity = 250.0;
    b.hedge = SimHedge { instrument: SimInstrument::Perpetual { funding_rate: 0.08 }, cost_rate: 0.0005,
                         ..SimHedge::default() };
    cases.push(b);
    for sim in &cases {
        let n = sim.options.steps;
        let (stats, pnl) = sim.run_pnl(&ctx).unwrap();
        let paths = sim.paths.generate(sim.option.expiry, n, sim.options.seed, 0, sim.options.paths).unwrap();
        assert_eq!(paths.len(), sim.options.paths * (n + 1));
        let reps: Vec<Replicated> = paths.chunks(n + 1).map(|p| replicate(sim, p)).collect();
        let scale = sim.option.quantity.abs() * 49.0;
        for (p, (got, rep)) in pnl.iter().zip(&reps).enumerate() {
            assert!(close(*got, rep.pnl, 1e-9, 1e-9 * scale), "path {}: {} vs {}", p, got, rep.pnl);
        }
        let v0 = bsm_price(sim.option.option_type, 49.0, 50.0, sim.option.expiry, 0.05, 0.0, 0.2).unwrap();
        assert!(close(stats.option_price, v0, 1e-12, 0.0));
        assert_eq!(stats.paths, sim.options.paths);
        assert!(close(stats.mean, mean(&pnl), 1e-12, 1e-9));
        assert!(close(stats.mean_cost, mean(&reps.iter().map(|r| r.cost).collect::<Vec<_>>()), 1e-9, 1e-9));
        assert!(close(stats.mean_funding, mean(&reps.iter().map(|r| r.funding).collect::<Vec<_>>()), 1e-9, 1e-9));
        assert_eq!(stats.mean_trades, mean(&reps.iter().map(|r| r.trades).collect::<Vec<_>>()));
        assert!(stats.mean_cost > 0.0);
        // order statistics of the P&L, from simulate.h's definitions
        let mut sorted = pnl.clone();
        sorted.sort_by(|x, y| x.partial_cmp(y).unwrap());
        for &(c, var, cvar) in &[(0.95, stats.var95, stats.cvar95), (0.99, stats.var99, stats.cvar99)] {
            let (want_var, want_es) = var_es(&sorted, c);
            assert_eq!(var, want_var, "VaR at {}", c);
            assert!(close(cvar, want_es, 1e-12, 1e-9), "CVaR at {}: {} against {}", c, cvar, want_es);
        }
        assert_eq!((stats.worst, stats.best), (sorted[0], sorted[pnl.len() - 1]));
        let var = pnl.iter().map(|x| (x - stats.mean).powi(2)).sum::<f64>() / (pnl.len() - 1) as f64;
        assert!(close(stats.std, var.sqrt(), 1e-9, 0.0));
        assert!(close(stats.std_over_price, stats.std / (sim.option.quantity.abs() * v0), 1e-12, 0.0));
    }
}

#[test]
fn reproducible_by_seed_and_identical_on_any_thread_count() {
    let ctx = Context::new().unwrap();
    let one = hull(52, 1000, 1).run_pnl(&ctx).unwrap();
    assert_eq!(hull(52, 1000, 1).run_pnl(&ctx).unwrap(), one);
    for &threads in &[2, 3, 8] {
        let (stats, pnl) = hull(52, 1000, threads).run_pnl(&ctx).unwrap();
        // bit for bit: compare the bits, not within a tolerance
        assert_eq!(stats, one.0, "{} threads", threads);
        assert!(pnl.iter().zip(&one.1).all(|(a, b)| a.to_bits() == b.to_bits()), "{} threads", threads);
    }
    let mut other = hull(52, 1000, 1);
    other.options.seed += 1;
    let (s2, p2) = other.run_pnl(&ctx).unwrap();
    assert_ne!(p2, one.1);
    assert_ne!(s2.mean, one.0.mean);
    // run and run_into agree with run_pnl
    assert_eq!(hull(52, 1000, 2).run(&ctx).unwrap(), one.0);
    let mut buf = vec![0.0; 1200];
    assert_eq!(hull(52, 1000, 1).run_into(&ctx, &mut buf).unwrap(), one.0);
    assert_eq!(&buf[..1000], &one.1[..]);
    // generated paths are reproducible too, and a slice of paths is the same as part of a longer run
    let g = hull(52, 0, 1).paths;
    let all = g.generate(20.0 / 52.0, 52, 2024, 0, 10).unwrap();
    assert_eq!(g.generate(20.0 / 52.0, 52, 2024, 4, 3).unwrap(), &all[4 * 53..7 * 53]);
}

/// sqrt((m4 / s^4 - 1) / (4 n)): the standard error of ln(std) of a sample, from its own kurtosis.
fn se_log_std(x: &[f64]) -> f64 {
    let m = mean(x);
    let m2 = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64;
    let m4 = x.iter().map(|v| (v - m).powi(4)).sum::<f64>() / x.len() as f64;
    ((m4 / (m2 * m2) - 1.0) / (4.0 * x.len() as f64)).sqrt()
}

#[test]
fn hull_halving_the_rebalancing_interval_divides_the_std_by_sqrt_2() {
    let ctx = Context::new().unwrap();
    let paths = 40_000;
    // rebalancing every week, half week, quarter week, eighth of a week
    let runs: Vec<(SimStats, Vec<f64>)> =
        [20, 40, 80, 160].iter().map(|&n| hull(n, paths, 2).run_pnl(&ctx).unwrap()).collect();
    // Hull's table gives 0.19 for weekly rebalancing (his own 1,000-path simulation, two decimals)
    let weekly = runs[0].0.std_over_price;
    eprintln!("std / price: {:?}", runs.iter().map(|r| r.0.std_over_price).collect::<Vec<_>>());
    assert!((weekly - 0.19).abs() < 0.02, "weekly: std / price {}", weekly);
    for w in runs.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let ratio = a.0.std / b.0.std;
        // the two runs treated as independent samples: the error of ln(ratio) combines theirs
        let se = (se_log_std(&a.1).powi(2) + se_log_std(&b.1).powi(2)).sqrt();
        let z = (ratio.ln() - 0.5 * 2f64.ln()) / se;
        eprintln!("std {:.0} -> {:.0}: ratio {:.4} (sqrt 2 = 1.4142), {:+.2} standard errors", a.0.std, b.0.std,
                  ratio, z);
        assert!(z.abs() < 4.0, "std ratio {} vs sqrt 2 ({} standard errors; se of ln {})", ratio, z, se);
    }
    // the mean hedged P&L is 0 within its sampling error
    for (s, pnl) in &runs {
        assert!(s.mean.abs() < 4.0 * s.std / (pnl.len() as f64).sqrt(), "mean {} std {}", s.mean, s.std);
    }
}

#[test]
fn progress_reaches_the_total_and_false_cancels() {
    let ctx = Context::new().unwrap();
    let sim = hull(20, 1000, 2);
    let mut seen = vec![];
    let stats = sim.run_with_progress(&ctx, None, |done, total| {
        seen.push((done, total));
        true
    }).unwrap();
    assert_eq!(stats, sim.run(&ctx).unwrap());
    assert!(!seen.is_empty());
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{:?}", seen);
    assert!(seen.iter().all(|&(_, t)| t == 1000));
    assert_eq!(seen.last().unwrap().0, 1000);

    // returning false at the first call: cancelled, nothing written
    let mut pnl = vec![-7.0; 1000];
    let mut calls = 0;
    let e = sim.run_with_progress(&ctx, Some(&mut pnl), |_, _| {
        calls += 1;
        false
    }).unwrap_err();
    assert_eq!(e.status(), Status::CANCELLED);
    assert_eq!(calls, 1);
    assert!(pnl.iter().all(|&x| x == -7.0));
}

#[test]
fn a_panic_in_the_progress_callback_cancels_the_run_and_is_resumed_in_rust() {
    let ctx = Context::new().unwrap();
    let sim = hull(20, 500, 2);
    let caught = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        sim.run_with_progress(&ctx, None, |done, _| {
            if done > 0 {
                panic!("stop at {}", done);
            }
            true
        })
    }));
    let payload = caught.expect_err("the panic reaches the caller");
    let msg = payload.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.starts_with("stop at "), "{:?}", msg);
    // the library is still usable on this thread
    assert_eq!(sim.run(&ctx).unwrap().paths, 500);
}

#[test]
fn replay_windows_are_the_scaled_series() {
    let ctx = Context::new().unwrap();
    let series: Vec<f64> = (0..40).map(|i| 100.0 * (0.01 * i as f64 + 0.05 * (i as f64).sin()).exp()).collect();
    let steps = 10;
    let paths = SimPaths::Replay { prices: &series, windows: true };
    // windows k = 0 .. 29: prices k .. k + 10 of the 40
    let got = paths.generate(10.0 / 365.0, steps, 1, 0, 30).unwrap();
    for k in 0..30 {
        for i in 0..=steps {
            let want = series[k + i] * series[0] / series[k];
            assert!(close(got[k * (steps + 1) + i], want, 1e-12, 0.0), "window {} step {}", k, i);
        }
    }
    // every window is a path when 0 are asked
    let sim = Simulation {
        paths,
        option: SimOption { option_type: OptionType::Put, quantity: -1.0, strike: 100.0, expiry: 10.0 / 365.0,
                            rate: 0.0, hedge_vol: 0.3 },
        hedge: SimHedge::default(),
        policy: RebalancePolicy::calendar(1.0),
        options: SimOptions { paths: 0, steps, seed: 1, threads: 1 },
    };
    assert_eq!(sim.path_count(), 30);
    let (stats, pnl) = sim.run_pnl(&ctx).unwrap();
    assert_eq!((stats.paths, pnl.len()), (30, 30));
    assert_eq!(paths.generate(1.0, steps, 1, 0, 31).unwrap_err().status(), Status::INVALID_ARG);
    for (k, w) in got.chunks(steps + 1).enumerate() {
        assert!(close(pnl[k], replicate(&sim, w).pnl, 1e-9, 1e-9), "window {}", k);
    }
    // one path: the series' first steps + 1 prices
    let one = SimPaths::Replay { prices: &series, windows: false };
    assert_eq!(one.generate(1.0, steps, 1, 0, 1).unwrap(), &series[..=steps]);
    assert_eq!(Simulation { paths: one, ..sim }.path_count(), 1);
}

#[test]
fn bad_runs_map_to_their_statuses() {
    let ctx = Context::new().unwrap();
    let ok = hull(10, 50, 1);
    let status = |s: Simulation<'_>| s.run(&ctx).unwrap_err().status();
    assert_eq!(status(Simulation { options: SimOptions { steps: 0, ..ok.options }, ..ok }), Status::INVALID_ARG);
    assert_eq!(status(Simulation { options: SimOptions { paths: 0, ..ok.options }, ..ok }), Status::INVALID_ARG);
    assert_eq!(status(Simulation { hedge: SimHedge { latency_steps: 10, ..ok.hedge }, ..ok }), Status::INVALID_ARG);
    assert_eq!(status(Simulation { paths: SimPaths::Gbm { spot: 49.0, drift: 0.0, vol: -0.2 }, ..ok }), Status::DOMAIN);
    assert_eq!(status(Simulation { option: SimOption { quantity: 0.0, ..ok.option }, ..ok }), Status::DOMAIN);
    assert_eq!(status(Simulation { policy: RebalancePolicy::delta_band(-1.0, false), ..ok }), Status::DOMAIN);
    let e = Simulation { paths: SimPaths::Heston { spot: 49.0, drift: 0.0, kappa: 1.0, theta: 0.04, xi: 0.5,
                                                   rho: -1.5, v0: 0.04 }, ..ok }.run(&ctx).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains("rho"), "{}", e);
    let short = [100.0; 5];
    assert_eq!(status(Simulation { paths: SimPaths::Replay { prices: &short, windows: false }, ..ok }),
               Status::INVALID_ARG);
    let mut pnl = vec![0.0; 49];
    assert_eq!(ok.run_into(&ctx, &mut pnl).unwrap_err().status(), Status::BUFFER_TOO_SMALL);
    let mut prices = vec![0.0; 21];
    assert_eq!(ok.paths.generate_into(&mut prices, 1.0, 10, 1, 0, 2).unwrap_err().status(), Status::BUFFER_TOO_SMALL);
    assert_eq!(ok.paths.generate(0.0, 10, 1, 0, 2).unwrap_err().status(), Status::DOMAIN);
}

#[test]
fn config_from_json_reads_the_sample_experiment() {
    let ctx = Context::new().unwrap();
    let cfg = SimConfig::load_json(&ctx, SIMULATE_JSON).unwrap();
    let s = cfg.setup().unwrap();
    // examples/simulate.json, by hand
    assert_eq!(s.paths, SimPaths::Gbm { spot: 97000.0, drift: 0.0, vol: 0.6 });
    assert_eq!(s.option, SimOption { option_type: OptionType::Call, quantity: -10.0, strike: 97000.0,
                                     expiry: 30.0 / 365.0, rate: 0.04, hedge_vol: 0.6 });
    assert_eq!(s.hedge, SimHedge { instrument: SimInstrument::Perpetual { funding_rate: 0.1 }, cost_rate: 0.0005,
                                   fixed_cost: 2.0, latency_steps: 0 });
    assert_eq!(s.options, SimOptions { paths: 4000, steps: 720, seed: 1, threads: 2 });
    assert_eq!((s.n_policies, s.replay_csv), (6, None));
    let policies = cfg.policies().unwrap();
    let names: Vec<&str> = policies.iter().map(|p| p.0).collect();
    assert_eq!(names, ["weekly", "daily", "hourly", "band 0.5 BTC", "whalley-wilmott", "leland daily"]);
    assert_eq!(policies[0].1, RebalancePolicy { cost_rate: 0.0005, fixed_cost: 2.0, ..RebalancePolicy::calendar(7.0) });
    assert_eq!(policies[3].1.rule, RebalanceRule::DeltaBand);
    assert_eq!(policies[3].1.band, 0.5);
    // the policies assume the costs of `costs` unless they say otherwise
    assert_eq!((policies[4].1.risk_aversion, policies[4].1.cost_rate), (0.0001, 0.0005));
    assert_eq!(cfg.policy(6).unwrap_err().status(), Status::NOT_FOUND);

    // a policy's experiment runs as the setup says (fewer paths here); a config is Sync
    let mut sim = cfg.simulation(1).unwrap();
    sim.options.paths = 64;
    sim.options.steps = 30;
    let (a, b) = std::thread::scope(|sc| {
        let h = sc.spawn(|| sim.run(&ctx).unwrap());
        (sim.run(&ctx).unwrap(), h.join().unwrap())
    });
    assert_eq!(a, b);
    assert!(a.mean_funding != 0.0 && a.mean_cost > 0.0);

    // inline replay prices point into the config
    let text = r#"{"simulate": {"paths": {"model": "replay", "prices": [100, 101, 99, 102, 103], "windows": true},
        "option": {"type": "put", "quantity": 1, "strike": 100, "expiry_days": 2, "hedge_vol": 0.5},
        "run": {"steps": 2, "paths": 0}, "policies": [{"rule": "delta_band", "band": 0.1}]}}"#;
    let cfg = SimConfig::from_json(&ctx, text, Some("inline.json")).unwrap();
    let s = cfg.setup().unwrap();
    assert_eq!(s.paths, SimPaths::Replay { prices: &[100.0, 101.0, 99.0, 102.0, 103.0], windows: true });
    assert_eq!(cfg.policy(0).unwrap().0, "delta_band");
    assert_eq!(cfg.simulation(0).unwrap().run(&ctx).unwrap().paths, 3);

    let e = SimConfig::from_json(&ctx, r#"{"simulate": {"paths": {"model": "brownian"}}}"#, Some("bad.json"))
        .unwrap_err();
    assert_eq!(e.status(), Status::PARSE);
    assert!(e.message().starts_with("bad.json:"), "{}", e);
    assert_eq!(SimConfig::load_json(&ctx, "/nonexistent/sim.json").unwrap_err().status(), Status::IO);
}

/// docs/json-format.md: `run.paths` "default 10000; replay: 0 or omitted for every window". The C
/// reader once kept 10000 for an omitted count in a replay config, so the run asked for more paths
/// than the series gives and failed (the `hedge` program clamped the count itself).
#[test]
fn replay_config_without_a_path_count_runs_every_window() {
    let ctx = Context::new().unwrap();
    let text = r#"{"simulate": {"paths": {"model": "replay", "prices": [100, 101, 99, 102, 103], "windows": true},
        "option": {"type": "put", "quantity": 1, "strike": 100, "expiry_days": 2, "hedge_vol": 0.5},
        "run": {"steps": 2}, "policies": [{"rule": "delta_band", "band": 0.1}]}}"#;
    let cfg = SimConfig::from_json(&ctx, text, None).unwrap();
    assert_eq!(cfg.simulation(0).unwrap().run(&ctx).unwrap().paths, 3);
}

#[test]
fn generated_paths_have_their_models_moments() {
    let (steps, n, t) = (50usize, 4000usize, 0.5);
    let dt = t / steps as f64;
    let log_returns = |p: &[f64]| -> Vec<f64> {
        p.chunks(steps + 1).flat_map(|w| w.windows(2).map(|x| (x[1] / x[0]).ln()).collect::<Vec<_>>()).collect()
    };
    let moments = |x: &[f64]| {
        let m = mean(x);
        (m, x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64)
    };
    // GBM: log returns N((mu - sigma^2/2) dt, sigma^2 dt)
    let (mu, sigma) = (0.1, 0.4);
    let gbm = SimPaths::Gbm { spot: 100.0, drift: mu, vol: sigma };
    let p = gbm.generate(t, steps, 3, 0, n).unwrap();
    assert!(p.chunks(steps + 1).all(|w| w[0] == 100.0));
    let (m, v) = moments(&log_returns(&p));
    let k = (n * steps) as f64;
    let (want_m, want_v) = ((mu - 0.5 * sigma * sigma) * dt, sigma * sigma * dt);
    assert!((m - want_m).abs() < 4.0 * (want_v / k).sqrt(), "mean {} vs {}", m, want_m);
    assert!((v / want_v - 1.0).abs() < 4.0 * (2.0 / k).sqrt(), "variance {} vs {}", v, want_v);
    // no volatility: S_i = S_0 e^{mu t_i}
    let flat = SimPaths::Gbm { spot: 100.0, drift: mu, vol: 0.0 }.generate(t, steps, 3, 0, 1).unwrap();
    for (i, s) in flat.iter().enumerate() {
        assert!(close(*s, 100.0 * (mu * i as f64 * dt).exp(), 1e-12, 0.0), "step {}", i);
    }
    // Merton without jumps draws GBM's normals: the same paths, bit for bit
    let merton = SimPaths::Merton { spot: 100.0, drift: mu, vol: sigma, jump_intensity: 0.0, jump_mean: -0.1,
                                    jump_std: 0.2 };
    assert_eq!(merton.generate(t, steps, 3, 0, 20).unwrap(), &p[..20 * (steps + 1)]);
    // GARCH(1,1) per step: the unconditional variance of the shocks is omega / (1 - alpha - beta)
    let (omega, alpha, beta) = (2e-5, 0.05, 0.9);
    let garch = SimPaths::Garch { spot: 100.0, drift: 0.0, omega, alpha, beta, var0: 0.0 };
    let (_, v) = moments(&log_returns(&garch.generate(t, steps, 3, 0, n).unwrap()));
    let vl = omega / (1.0 - alpha - beta);
    // volatility clustering widens the error of a variance estimate beyond the iid bound used for
    // GBM, so a looser 10% band (seed 3 gives 0.998 V_L)
    assert!((v / vl - 1.0).abs() < 0.1, "GARCH variance {} vs {}", v, vl);
}
