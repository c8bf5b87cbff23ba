// Historical and sampled scenario sets and the tail measures of a P&L distribution, checked against
// values worked out here: ratios of the test's own prices, the lognormal model's moments, and a
// brute-force VaR/ES from the definitions (a plain scan for the quantile, the integral of the
// quantile function for ES).

use libhedge::*;

/// A small deterministic generator (64-bit LCG, top bits) for test data: uniform in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

const NAMES: [&str; 3] = ["BTC", "ETH", "SOL"];

/// n_obs rows of prices and ATM vols for the three NAMES, a random walk from the test's generator.
fn history(n_obs: usize) -> (Vec<[f64; 3]>, Vec<[f64; 3]>) {
    let mut g = Lcg(7);
    let mut p = [60_000.0, 3_000.0, 150.0];
    let mut v = [0.55, 0.70, 0.90];
    let (mut prices, mut vols) = (Vec::new(), Vec::new());
    for _ in 0..n_obs {
        prices.push(p);
        vols.push(v);
        for u in 0..3 {
            p[u] *= 1.0 + 0.08 * (g.next() - 0.5);
            v[u] = (v[u] + 0.04 * (g.next() - 0.5)).max(0.0);
        }
    }
    (prices, vols)
}

#[test]
fn historical_moves_are_the_price_ratios() {
    let (prices, vols) = history(30);
    let horizon = 3;
    let rows = historical_scenarios_rows(&NAMES, &prices, Some(&vols), horizon, 3.0).unwrap();
    assert_eq!(rows.len(), 30 - horizon);
    for (t, s) in rows.iter().enumerate() {
        assert_eq!(s.days, 3.0);
        assert_eq!(s.shifts.len(), 3);
        for (u, sh) in s.shifts.iter().enumerate() {
            assert_eq!(sh.underlying.as_deref(), Some(NAMES[u]));
            let want = prices[t + horizon][u] / prices[t][u] - 1.0;
            assert!(close(sh.spot, want, 1e-15), "t {} u {}: {} vs {}", t, u, sh.spot, want);
            assert!(close(sh.vol_abs, vols[t + horizon][u] - vols[t][u], 1e-15));
            assert_eq!(sh.vol_rel, 0.0);
        }
    }

    // The flat row-major form is the same history: the same scenarios.
    let flat: Vec<f64> = prices.iter().flatten().copied().collect();
    let flat_vols: Vec<f64> = vols.iter().flatten().copied().collect();
    assert_eq!(historical_scenarios(&NAMES, &flat, Some(&flat_vols), horizon, 3.0).unwrap(), rows);

    // Without vols nothing but the spot moves; names as String work as well as &str.
    let owned: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
    let no_vols = historical_scenarios(&owned, &flat, None, 1, 0.0).unwrap();
    assert_eq!(no_vols.len(), 29);
    assert!(no_vols.iter().flat_map(|s| &s.shifts).all(|sh| sh.vol_abs == 0.0 && sh.vol_rel == 0.0));
    assert!(close(no_vols[28].shifts[2].spot, prices[29][2] / prices[28][2] - 1.0, 1e-15));
    assert!(no_vols.iter().all(|s| s.days == 0.0));
}

#[test]
fn generated_scenarios_revalue_like_hand_written_ones() {
    // The example book holds BTC and ETH positions: each underlying must get its own move, which a
    // mix-up of names or columns would change. The same moves written out by hand are the reference.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../examples/market.json");
    let ctx = Context::new().unwrap();
    let market = Market::load_json(&ctx, path).unwrap();
    let book = Portfolio::load_json(&ctx, &market, path).unwrap();

    let prices = [[70_000.0, 2_500.0], [73_500.0, 2_400.0], [69_000.0, 2_650.0], [71_000.0, 2_600.0]];
    let vols = [[0.50, 0.60], [0.55, 0.58], [0.48, 0.70], [0.52, 0.66]];
    let mut scenarios = historical_scenarios_rows(&["BTC", "ETH"], &prices, Some(&vols), 1, 1.0).unwrap();
    let corr = [1.0, 0.8, 0.8, 1.0];
    scenarios.extend(sample_scenarios(&["BTC", "ETH"], &[0.5, 0.6], &corr, 1.0, 4, 11, 0).unwrap());

    let mut by_hand: Vec<Scenario> = (0..3)
        .map(|t| Scenario {
            shifts: ["BTC", "ETH"]
                .iter()
                .enumerate()
                .map(|(u, name)| Shift {
                    underlying: Some(name.to_string()),
                    spot: prices[t + 1][u] / prices[t][u] - 1.0,
                    vol_rel: 0.0,
                    vol_abs: vols[t + 1][u] - vols[t][u],
                })
                .collect(),
            days: 1.0,
        })
        .collect();
    // The sampled moves in the reverse order of names: the library matches shifts by name.
    for s in &scenarios[3..] {
        let mut shifts = s.shifts.clone();
        shifts.reverse();
        by_hand.push(Scenario { shifts, days: 1.0 });
    }

    let got = ScenarioPnl::run(&ctx, &book, &market, &scenarios, 1).unwrap().totals();
    let want = ScenarioPnl::run(&ctx, &book, &market, &by_hand, 1).unwrap().totals();
    assert_eq!(got.len(), 7);
    for (g, w) in got.iter().zip(&want) {
        assert!(close(*g, *w, 1e-12), "{} vs {}", g, w);
    }
    assert!(got.iter().any(|&x| x != 0.0));
}

#[test]
fn sampled_chunks_are_one_call_bit_for_bit() {
    let vols = [0.6, 0.8, 0.3];
    let corr = [1.0, 0.5, -0.3, 0.5, 1.0, 0.2, -0.3, 0.2, 1.0];
    let one = sample_scenarios(&NAMES, &vols, &corr, 7.0, 1000, 2024, 0).unwrap();
    let mut chunks = Vec::new();
    for (begin, end) in [(0u64, 300u64), (300, 301), (301, 1000)] {
        chunks.extend(sample_scenarios(&NAMES, &vols, &corr, 7.0, (end - begin) as usize, 2024, begin).unwrap());
    }
    assert_eq!(chunks.len(), one.len());
    for (a, b) in one.iter().zip(&chunks) {
        assert_eq!(a.days, 7.0);
        for (x, y) in a.shifts.iter().zip(&b.shifts) {
            assert_eq!(x.spot.to_bits(), y.spot.to_bits());
            assert_eq!(x.underlying, y.underlying);
        }
    }
    // Another seed is another sample.
    let other = sample_scenarios(&NAMES, &vols, &corr, 7.0, 10, 2025, 0).unwrap();
    assert_ne!(other[..], one[..10]);
    // The last scenario number there is (2^64 - 1) is allowed.
    assert_eq!(sample_scenarios(&NAMES, &vols, &corr, 7.0, 1, 2024, u64::MAX).unwrap().len(), 1);
}

#[test]
fn sampled_moments_match_the_lognormal_model() {
    // log(1 + spot) ~ N(-sigma^2 t / 2, sigma^2 t) with the given correlation, and E[spot] = 0.
    let vols = [0.6, 0.8, 0.3];
    let corr = [1.0, 0.5, -0.3, 0.5, 1.0, 0.2, -0.3, 0.2, 1.0];
    let days = 10.0;
    let t = days / 365.0;
    let n = 20_000;
    let s = sample_scenarios(&NAMES, &vols, &corr, days, n, 99, 0).unwrap();
    assert_eq!(s.len(), n);
    let nf = n as f64;
    let x: Vec<[f64; 3]> = s
        .iter()
        .map(|sc| {
            assert!(sc.shifts.iter().all(|sh| sh.vol_rel == 0.0 && sh.vol_abs == 0.0));
            [sc.shifts[0].spot.ln_1p(), sc.shifts[1].spot.ln_1p(), sc.shifts[2].spot.ln_1p()]
        })
        .collect();
    let mean = |u: usize| x.iter().map(|r| r[u]).sum::<f64>() / nf;
    let means = [mean(0), mean(1), mean(2)];
    let cov = |u: usize, w: usize| x.iter().map(|r| (r[u] - means[u]) * (r[w] - means[w])).sum::<f64>() / (nf - 1.0);
    for u in 0..3 {
        let var = vols[u] * vols[u] * t;
        let se_mean = (var / nf).sqrt();
        assert!((means[u] + var / 2.0).abs() < 5.0 * se_mean, "mean {}: {} vs {}", u, means[u], -var / 2.0);
        let se_var = var * (2.0 / (nf - 1.0)).sqrt();
        assert!((cov(u, u) - var).abs() < 5.0 * se_var, "variance {}: {} vs {}", u, cov(u, u), var);
        let spot_mean = s.iter().map(|sc| sc.shifts[u].spot).sum::<f64>() / nf;
        let se_spot = ((var.exp() - 1.0) / nf).sqrt();
        assert!(spot_mean.abs() < 5.0 * se_spot, "E[spot] {}: {}", u, spot_mean);
        for w in 0..u {
            let rho = corr[u * 3 + w];
            let r = cov(u, w) / (cov(u, u) * cov(w, w)).sqrt();
            let se_rho = (1.0 - rho * rho) / (nf - 1.0).sqrt();
            assert!((r - rho).abs() < 5.0 * se_rho, "correlation ({}, {}): {} vs {}", u, w, r, rho);
        }
    }
}

#[test]
fn singular_correlation_gives_locked_moves() {
    // Correlation exactly +1 and -1 (a singular matrix): the standardised log moves are equal and
    // opposite, scenario by scenario.
    let vols = [0.5, 0.9, 0.7];
    let corr = [1.0, 1.0, -1.0, 1.0, 1.0, -1.0, -1.0, -1.0, 1.0];
    let t = 30.0 / 365.0;
    let s = sample_scenarios(&NAMES, &vols, &corr, 30.0, 200, 5, 0).unwrap();
    let z = |sh: &Shift, sigma: f64| (sh.spot.ln_1p() + sigma * sigma * t / 2.0) / (sigma * t.sqrt());
    for sc in &s {
        let z0 = z(&sc.shifts[0], vols[0]);
        assert!((z(&sc.shifts[1], vols[1]) - z0).abs() < 1e-9);
        assert!((z(&sc.shifts[2], vols[2]) + z0).abs() < 1e-9);
    }
}

/// VaR and ES from the definitions, independently of the library's sort-and-sum: VaR the smallest
/// loss x with P(L <= x) >= level (the same 1e-12 tolerance), by a plain scan over every candidate;
/// ES = 1/(1 - level) * integral over (level, 1) of the quantile function, each sorted loss weighing
/// the length of its probability interval (c_{i-1}, c_i] that lies above the level.
fn brute_var_es(pnl: &[f64], probabilities: Option<&[f64]>, level: f64) -> (f64, f64) {
    let n = pnl.len();
    let p: Vec<f64> = match probabilities {
        Some(p) => {
            let sum: f64 = p.iter().sum();
            p.iter().map(|x| x / sum).collect()
        }
        None => vec![1.0 / n as f64; n],
    };
    let loss: Vec<f64> = pnl.iter().map(|x| -x).collect();
    let mut var = f64::INFINITY;
    for &x in &loss {
        let cdf: f64 = loss.iter().zip(&p).filter(|(l, _)| **l <= x).map(|(_, q)| q).sum();
        if cdf >= level - 1e-12 && x < var {
            var = x;
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| loss[a].partial_cmp(&loss[b]).unwrap());
    let (mut c, mut integral) = (0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        let lo = c;
        c += p[i];
        let hi = if k + 1 == n { 1.0 } else { c.min(1.0) };
        let len = hi - lo.max(level);
        if len > 0.0 {
            integral += loss[i] * len;
        }
    }
    (var, integral / (1.0 - level))
}

fn check_against_brute(pnl: &[f64], probabilities: Option<&[f64]>, level: f64) {
    let (var, es) = scenario_var(pnl, probabilities, level).unwrap();
    let (bvar, bes) = brute_var_es(pnl, probabilities, level);
    assert_eq!(var, bvar, "VaR at {}", level);
    let scale = pnl.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    assert!((es - bes).abs() <= 1e-10 * scale, "ES at {}: {} vs {}", level, es, bes);
    assert!(es >= var - 1e-12 * scale, "ES {} below VaR {}", es, var);
}

#[test]
fn var_and_es_of_hand_worked_distributions() {
    // Losses 1 .. 100, equally likely, shuffled: at 95% VaR is the 95th smallest loss and ES the
    // mean of the 5 largest; at 99% (where the cumulative sum may round either side of 0.99) the
    // 99th smallest, and ES the largest.
    let mut g = Lcg(3);
    let mut pnl: Vec<f64> = (1..=100).map(|i| -(i as f64)).collect();
    for i in (1..pnl.len()).rev() {
        pnl.swap(i, (g.next() * (i + 1) as f64) as usize);
    }
    let (var, es) = scenario_var(&pnl, None, 0.95).unwrap();
    assert_eq!(var, 95.0);
    assert!(close(es, 98.0, 1e-12), "{}", es);
    let (var, es) = scenario_var(&pnl, None, 0.99).unwrap();
    assert_eq!(var, 99.0);
    assert!(close(es, 100.0, 1e-12), "{}", es);

    // The textbook atom: loss 0 w.p. 0.94, 10 w.p. 0.04, 100 w.p. 0.02, at 95%. VaR 10; ES counts
    // only 0.03 of the atom at 10: (0.02 100 + 0.03 10) / 0.05 = 46, not E[L | L >= 10] = 40.
    let (var, es) = scenario_var(&[-100.0, 0.0, -10.0], Some(&[0.02, 0.94, 0.04]), 0.95).unwrap();
    assert_eq!(var, 10.0);
    assert!(close(es, 46.0, 1e-12), "{}", es);

    // The same with equal probabilities: seven losses of 0, two of 10, one of 100, at 75%:
    // VaR 10, ES = (0.1 100 + 0.1 10 + 0.05 10) / 0.25 = 46.
    let pnl = [0.0, -10.0, 0.0, 0.0, -100.0, 0.0, 0.0, -10.0, 0.0, 0.0];
    let (var, es) = scenario_var(&pnl, None, 0.75).unwrap();
    assert_eq!(var, 10.0);
    assert!(close(es, 46.0, 1e-12), "{}", es);

    // One scenario: both are its loss; a gain is a negative VaR.
    assert_eq!(scenario_var(&[12.5], None, 0.99).unwrap(), (-12.5, -12.5));
}

#[test]
fn var_and_es_match_brute_force() {
    let mut g = Lcg(17);
    let levels = [0.5, 0.9, 0.95, 0.975, 0.99, 0.995];

    // Continuous-looking P&L, equal and unequal probabilities.
    let pnl: Vec<f64> = (0..1000).map(|_| 1e4 * (g.next() - 0.55) * (1.0 + 3.0 * g.next())).collect();
    let w: Vec<f64> = (0..1000).map(|_| g.next()).collect();
    let sum: f64 = w.iter().sum();
    let probs: Vec<f64> = w.iter().map(|x| x / sum).collect();
    for &level in &levels {
        check_against_brute(&pnl, None, level);
        check_against_brute(&pnl, Some(&probs), level);
    }

    // Many ties (atoms straddling the levels), equal and unequal probabilities, some of them 0.
    let ties: Vec<f64> = (0..200).map(|_| ((g.next() * 11.0).floor() - 5.0) * 100.0).collect();
    let mut w: Vec<f64> = (0..200).map(|_| if g.next() < 0.1 { 0.0 } else { g.next() }).collect();
    let sum: f64 = w.iter().sum();
    w.iter_mut().for_each(|x| *x /= sum);
    for &level in &levels {
        check_against_brute(&ties, None, level);
        check_against_brute(&ties, Some(&w), level);
    }

    // Probabilities summing to 1 within 1e-9 are normalised: the same answer as normalised ones.
    let off: Vec<f64> = probs.iter().map(|x| x * (1.0 + 5e-10)).collect();
    let a = scenario_var(&pnl, Some(&off), 0.99).unwrap();
    let b = brute_var_es(&pnl, Some(&probs), 0.99);
    assert_eq!(a.0, b.0);
    assert!(close(a.1, b.1, 1e-10));
}

#[test]
fn historical_bad_inputs() {
    let (prices, _) = history(5);
    let flat: Vec<f64> = prices.iter().flatten().copied().collect();
    let status = |r: Result<Vec<Scenario>>| r.unwrap_err().status();

    // Checked by the wrapper: shapes.
    let e = historical_scenarios(&NAMES, &flat[..14], None, 1, 0.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert!(e.message().contains("14 prices"), "{}", e);
    let e = historical_scenarios(&NAMES, &flat, Some(&flat[..12]), 1, 0.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    let ragged: Vec<Vec<f64>> = vec![vec![1.0, 2.0, 3.0], vec![1.0, 2.0], vec![1.0, 2.0, 3.0]];
    let e = historical_scenarios_rows(&NAMES, &ragged, None, 1, 0.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert!(e.message().contains("row 1 of prices"), "{}", e);
    let e = historical_scenarios_rows(&NAMES, &prices, Some(&prices[..4]), 1, 0.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert_eq!(status(historical_scenarios(&["BT\0C", "ETH", "SOL"], &flat, None, 1, 0.0)), Status::INVALID_ARG);

    // Refused by the library.
    let none: [&str; 0] = [];
    assert_eq!(status(historical_scenarios(&none, &[], None, 1, 0.0)), Status::INVALID_ARG);
    let e = historical_scenarios(&["BTC", "ETH", "BTC"], &flat, None, 1, 0.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert!(e.message().contains("BTC"), "{}", e);
    assert_eq!(status(historical_scenarios(&NAMES, &flat, None, 0, 0.0)), Status::INVALID_ARG);
    assert_eq!(status(historical_scenarios(&NAMES, &flat, None, 5, 0.0)), Status::INVALID_ARG);
    assert_eq!(status(historical_scenarios(&NAMES, &flat[..3], None, 1, 0.0)), Status::INVALID_ARG);
    assert_eq!(status(historical_scenarios(&NAMES, &flat, None, 1, -1.0)), Status::DOMAIN);
    assert_eq!(status(historical_scenarios(&NAMES, &flat, None, 1, f64::INFINITY)), Status::DOMAIN);
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let mut p = flat.clone();
        p[7] = bad; // ETH at observation 2
        let e = historical_scenarios(&NAMES, &p, None, 1, 0.0).unwrap_err();
        assert_eq!(e.status(), Status::DOMAIN);
        assert!(e.message().contains("ETH") && e.message().contains("observation 2"), "{}", e);
    }
    let mut v = vec![0.5; flat.len()];
    v[2] = -0.1;
    assert_eq!(status(historical_scenarios(&NAMES, &flat, Some(&v), 1, 0.0)), Status::DOMAIN);
    v[2] = f64::NAN;
    assert_eq!(status(historical_scenarios(&NAMES, &flat, Some(&v), 1, 0.0)), Status::DOMAIN);
    // Finite positive prices whose ratio overflows.
    assert_eq!(status(historical_scenarios(&["BTC"], &[1e-300, 1e300], None, 1, 0.0)), Status::DOMAIN);
}

#[test]
fn sample_bad_inputs() {
    let vols = [0.6, 0.8, 0.3];
    let corr = [1.0, 0.5, -0.3, 0.5, 1.0, 0.2, -0.3, 0.2, 1.0];
    let status = |r: Result<Vec<Scenario>>| r.unwrap_err().status();

    // Checked by the wrapper: shapes.
    let e = sample_scenarios(&NAMES, &vols[..2], &corr, 1.0, 5, 0, 0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert!(e.message().contains("2 vols for 3 underlyings"), "{}", e);
    assert_eq!(status(sample_scenarios(&NAMES, &vols, &corr[..8], 1.0, 5, 0, 0)), Status::INVALID_ARG);
    assert_eq!(status(sample_scenarios(&["BTC", "E\0TH", "SOL"], &vols, &corr, 1.0, 5, 0, 0)), Status::INVALID_ARG);

    // Refused by the library.
    let none: [&str; 0] = [];
    assert_eq!(status(sample_scenarios(&none, &[], &[], 1.0, 5, 0, 0)), Status::INVALID_ARG);
    assert_eq!(status(sample_scenarios(&NAMES, &vols, &corr, 1.0, 0, 0, 0)), Status::INVALID_ARG);
    assert_eq!(status(sample_scenarios(&["BTC", "ETH", "ETH"], &vols, &corr, 1.0, 5, 0, 0)), Status::INVALID_ARG);
    assert_eq!(status(sample_scenarios(&NAMES, &vols, &corr, 1.0, 2, 0, u64::MAX)), Status::INVALID_ARG);
    assert_eq!(status(sample_scenarios(&NAMES, &[0.6, -0.8, 0.3], &corr, 1.0, 5, 0, 0)), Status::DOMAIN);
    assert_eq!(status(sample_scenarios(&NAMES, &[0.6, f64::NAN, 0.3], &corr, 1.0, 5, 0, 0)), Status::DOMAIN);
    assert_eq!(status(sample_scenarios(&NAMES, &vols, &corr, -1.0, 5, 0, 0)), Status::DOMAIN);
    assert_eq!(status(sample_scenarios(&NAMES, &vols, &corr, f64::NAN, 5, 0, 0)), Status::DOMAIN);
    let bad = |i: usize, x: f64| {
        let mut c = corr;
        c[i] = x;
        sample_scenarios(&NAMES, &vols, &c, 1.0, 5, 0, 0).unwrap_err()
    };
    for e in [bad(1, 0.6), bad(4, 0.9), bad(5, f64::NAN)] {
        assert_eq!(e.status(), Status::DOMAIN, "{}", e);
    }
    let e = {
        let c = [1.0, 1.5, 1.5, 1.0];
        sample_scenarios(&["BTC", "ETH"], &[0.5, 0.5], &c, 1.0, 5, 0, 0).unwrap_err()
    };
    assert_eq!(e.status(), Status::DOMAIN);
    // Symmetric, unit diagonal, entries in [-1, 1], but not PSD: x = y = z cannot hold with y = -z.
    let not_psd = [1.0, 0.9, 0.9, 0.9, 1.0, -0.9, 0.9, -0.9, 1.0];
    let e = sample_scenarios(&NAMES, &vols, &not_psd, 1.0, 5, 0, 0).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains("positive semi-definite"), "{}", e);
}

#[test]
fn var_bad_inputs() {
    let pnl = [1.0, -2.0, 3.0];
    let status = |r: Result<(f64, f64)>| r.unwrap_err().status();
    let e = scenario_var(&pnl, Some(&[0.5, 0.5]), 0.9).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert!(e.message().contains("2 probabilities for 3"), "{}", e);
    assert_eq!(status(scenario_var(&[], None, 0.9)), Status::INVALID_ARG);
    for level in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert_eq!(status(scenario_var(&pnl, None, level)), Status::DOMAIN);
    }
    let e = scenario_var(&[1.0, f64::NAN, 3.0], None, 0.9).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains("P&L 1"), "{}", e);
    let e = scenario_var(&pnl, Some(&[0.5, 0.7, -0.2]), 0.9).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains("probability 2"), "{}", e);
    assert_eq!(status(scenario_var(&pnl, Some(&[0.5, 0.5, 0.1]), 0.9)), Status::DOMAIN);
    assert_eq!(status(scenario_var(&pnl, Some(&[0.5, f64::INFINITY, 0.1]), 0.9)), Status::DOMAIN);
}
