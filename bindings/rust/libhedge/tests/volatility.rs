// Volatility forecasting against plain-Rust implementations of the textbook formulas written here:
// the five realised-volatility estimators, the EWMA recursion, the GARCH(1,1) likelihood, variance
// recursion and k-step forecast, and the simulator's recursion; errors mapped to their statuses.

use libhedge::*;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-300
}

/// A small deterministic generator for the test's own data (xorshift64*, Box-Muller): independent
/// of the library's Philox streams.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Bars of a random walk with opening gaps: each bar's open, close, high and low are consistent
/// (low <= open, close <= high).
fn bars(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = Rng(seed);
    let (mut o, mut h, mut l, mut c) = (vec![], vec![], vec![], vec![]);
    let mut prev = 100.0;
    for _ in 0..n {
        let open = prev * (0.004 * rng.normal()).exp();
        let close = open * (0.02 * rng.normal()).exp();
        let high = open.max(close) * (0.01 * rng.uniform()).exp();
        let low = open.min(close) * (-0.01 * rng.uniform()).exp();
        o.push(open);
        h.push(high);
        l.push(low);
        c.push(close);
        prev = close;
    }
    (o, h, l, c)
}

fn sample_var(x: &[f64]) -> f64 {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

#[test]
fn realised_volatility_estimators_match_their_formulas() {
    let (o, h, l, c) = bars(250, 7);
    let n = o.len();
    let ppy = 365.0;
    let ann = |v: f64| (ppy * v).sqrt();
    let ln2 = 2f64.ln();

    let cc: Vec<f64> = (1..n).map(|i| (c[i] / c[i - 1]).ln()).collect();
    let want_cc = ann(sample_var(&cc));
    let parkinson: Vec<f64> = (0..n).map(|i| (h[i] / l[i]).ln().powi(2) / (4.0 * ln2)).collect();
    let want_p = ann(mean(&parkinson));
    let gk: Vec<f64> = (0..n)
        .map(|i| 0.5 * (h[i] / l[i]).ln().powi(2) - (2.0 * ln2 - 1.0) * (c[i] / o[i]).ln().powi(2))
        .collect();
    let want_gk = ann(mean(&gk));
    let rs_bar = |i: usize| (h[i] / c[i]).ln() * (h[i] / o[i]).ln() + (l[i] / c[i]).ln() * (l[i] / o[i]).ln();
    let want_rs = ann(mean(&(0..n).map(rs_bar).collect::<Vec<_>>()));
    // Yang-Zhang over the m = n - 1 periods after the first bar
    let m = (n - 1) as f64;
    let ov: Vec<f64> = (1..n).map(|i| (o[i] / c[i - 1]).ln()).collect();
    let oc: Vec<f64> = (1..n).map(|i| (c[i] / o[i]).ln()).collect();
    let vrs = mean(&(1..n).map(rs_bar).collect::<Vec<_>>());
    let k = 0.34 / (1.34 + (m + 1.0) / (m - 1.0));
    let want_yz = ann(sample_var(&ov) + k * sample_var(&oc) + (1.0 - k) * vrs);

    let all = Bars::ohlc(&o, &h, &l, &c);
    let cases = [
        (VolEstimator::CloseToClose, Bars::closes(&c), want_cc),
        (VolEstimator::Parkinson, Bars::high_low(&h, &l), want_p),
        (VolEstimator::GarmanKlass, all, want_gk),
        (VolEstimator::RogersSatchell, all, want_rs),
        (VolEstimator::YangZhang, all, want_yz),
    ];
    for (est, b, want) in cases {
        let got = realized_vol(est, &b, ppy).unwrap();
        assert!(close(got, want, 1e-12), "{:?}: {} vs {}", est, got, want);
        // every estimator reads only its arrays: the full set gives the same answer
        assert_eq!(realized_vol(est, &all, ppy).unwrap(), got);
        // the data were drawn with 2% open-to-close moves a day: a plausible annual figure
        assert!(got > 0.1 && got < 1.0, "{:?}: {}", est, got);
    }
    // annualisation is sqrt(periods_per_year)
    let daily = realized_vol(VolEstimator::Parkinson, &all, 1.0).unwrap();
    assert!(close(daily * 365f64.sqrt(), want_p, 1e-12));
}

#[test]
fn realised_volatility_rejects_bad_bars() {
    let (o, mut h, l, c) = bars(10, 3);
    // an array the estimator needs is missing
    let e = realized_vol(VolEstimator::GarmanKlass, &Bars::high_low(&h, &l), 365.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    // too few bars for close-to-close
    let e = realized_vol(VolEstimator::CloseToClose, &Bars::closes(&c[..2]), 365.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    // arrays of different lengths: the wrapper's own check
    let e = realized_vol(VolEstimator::Parkinson, &Bars::high_low(&h, &l[..9]), 365.0).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert!(e.message().contains("low"), "{}", e);
    // a high below its low, named by index
    h[4] = l[4] * 0.99;
    let e = realized_vol(VolEstimator::Parkinson, &Bars::high_low(&h, &l), 365.0).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains('4'), "{}", e);
    let e = realized_vol(VolEstimator::RogersSatchell, &Bars::ohlc(&o, &h, &l, &c), 365.0).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    // periods per year must be positive
    let e = realized_vol(VolEstimator::CloseToClose, &Bars::closes(&c), 0.0).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
}

/// s2_1 = seed, s2_{t+1} = lambda s2_t + (1 - lambda) r_t^2; the series holds s2_1 .. s2_n.
fn ewma_by_hand(r: &[f64], lambda: f64, seed: f64) -> (Vec<f64>, f64) {
    let mut s2 = seed;
    let mut series = vec![];
    for &x in r {
        series.push(s2);
        s2 = lambda * s2 + (1.0 - lambda) * x * x;
    }
    (series, s2)
}

#[test]
fn ewma_follows_the_riskmetrics_recursion() {
    let mut rng = Rng(11);
    let r: Vec<f64> = (0..100).map(|_| 0.03 * rng.normal()).collect();
    let ppy = 365.0;
    for &(seed, lambda) in &[(0.0004, 0.94), (0.0, 0.97)] {
        // the default seed: the mean square of the first min(n, 30) returns
        let s0 = if seed > 0.0 { seed } else { r[..30].iter().map(|x| x * x).sum::<f64>() / 30.0 };
        let (series, next) = ewma_by_hand(&r, lambda, s0);
        let vol = ewma_vol(&r, lambda, seed, ppy).unwrap();
        assert!(close(vol, (ppy * next).sqrt(), 1e-12), "{} vs {}", vol, (ppy * next).sqrt());
        let mut out = vec![0.0; r.len()];
        assert_eq!(ewma_vol_series(&mut out, &r, lambda, seed, ppy).unwrap(), vol);
        for (t, (&got, &s2)) in out.iter().zip(&series).enumerate() {
            assert!(close(got, (ppy * s2).sqrt(), 1e-12), "t {}: {} vs {}", t, got, (ppy * s2).sqrt());
        }
    }
    // a series shorter than 30 seeds with all of it
    let s0 = r[..5].iter().map(|x| x * x).sum::<f64>() / 5.0;
    let (_, next) = ewma_by_hand(&r[..5], 0.94, s0);
    assert!(close(ewma_vol(&r[..5], 0.94, 0.0, 1.0).unwrap(), next.sqrt(), 1e-12));

    // errors: no returns, lambda outside (0, 1), a negative seed, a non-finite return
    assert_eq!(ewma_vol(&[], 0.94, 0.0, ppy).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(ewma_vol(&r, 1.0, 0.0, ppy).unwrap_err().status(), Status::DOMAIN);
    assert_eq!(ewma_vol(&r, 0.94, -1e-4, ppy).unwrap_err().status(), Status::DOMAIN);
    let mut bad = r.clone();
    bad[17] = f64::NAN;
    let e = ewma_vol(&bad, 0.94, 0.0, ppy).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains("17"), "{}", e);
    let mut short = vec![0.0; 3];
    assert_eq!(ewma_vol_series(&mut short, &r, 0.94, 0.0, ppy).unwrap_err().status(), Status::INVALID_ARG);
}

/// GARCH(1,1) returns drawn by the test's own generator: h_1 = V_L.
fn garch_returns(n: usize, omega: f64, alpha: f64, beta: f64, mean: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng(seed);
    let mut h = omega / (1.0 - alpha - beta);
    (0..n)
        .map(|_| {
            let e = h.sqrt() * rng.normal();
            h = omega + alpha * e * e + beta * h;
            mean + e
        })
        .collect()
}

/// The fit's likelihood: residuals e_t = r_t - mean, h_1 = mean of e^2, and
/// -1/2 sum (ln 2 pi + ln h_t + e_t^2 / h_t); also h_{n+1}.
fn garch_loglik(r: &[f64], omega: f64, alpha: f64, beta: f64, mean: f64) -> (f64, f64) {
    let e: Vec<f64> = r.iter().map(|x| x - mean).collect();
    let mut h = e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64;
    let mut ll = 0.0;
    for &x in &e {
        ll -= 0.5 * ((2.0 * std::f64::consts::PI).ln() + h.ln() + x * x / h);
        h = omega + alpha * x * x + beta * h;
    }
    (ll, h)
}

#[test]
fn garch_fit_maximises_the_likelihood_and_recovers_the_model() {
    let (omega, alpha, beta) = (2e-5, 0.10, 0.85);
    let r = garch_returns(4000, omega, alpha, beta, 0.0005, 5);
    let m = Garch::fit(&r, &GarchOptions::default()).unwrap();
    assert!(m.converged, "{:?}", m);
    assert_eq!(m.observations, r.len());
    assert!(close(m.mean, mean(&r), 1e-12), "demeaned by the sample mean");
    // the parameters are near the true ones (4000 returns: a standard error of a few hundredths)
    assert!((m.alpha - alpha).abs() < 0.05 && (m.beta - beta).abs() < 0.07, "{:?}", m);
    assert!(close(m.long_run_variance, m.omega / (1.0 - m.alpha - m.beta), 1e-12));
    let vl = omega / (1.0 - alpha - beta);
    assert!(close(m.long_run_variance, vl, 0.3), "{} vs {}", m.long_run_variance, vl);

    // the reported likelihood and next variance are those of the fitted parameters
    let (ll, next) = garch_loglik(&r, m.omega, m.alpha, m.beta, m.mean);
    assert!(close(m.log_likelihood, ll, 1e-9), "{} vs {}", m.log_likelihood, ll);
    assert!(close(m.next_variance, next, 1e-9), "{} vs {}", m.next_variance, next);
    // and it is a maximum: every small move of a parameter lowers the likelihood
    for &(dw, da, db) in &[(1.02, 0.0, 0.0), (0.98, 0.0, 0.0), (1.0, 0.005, 0.0), (1.0, -0.005, 0.0),
                           (1.0, 0.0, 0.005), (1.0, 0.0, -0.005), (1.0, 0.004, -0.004)] {
        let (l2, _) = garch_loglik(&r, m.omega * dw, m.alpha + da, m.beta + db, m.mean);
        assert!(l2 < ll, "moving by ({}, {}, {}) raised the likelihood: {} > {}", dw, da, db, l2, ll);
    }

    // without demeaning the mean is 0
    let m0 = Garch::fit(&r, &GarchOptions { demean: false, ..Default::default() }).unwrap();
    assert_eq!(m0.mean, 0.0);
    let (ll0, _) = garch_loglik(&r, m0.omega, m0.alpha, m0.beta, 0.0);
    assert!(close(m0.log_likelihood, ll0, 1e-9));
    // one iteration is not enough to converge, and says so
    let m1 = Garch::fit(&r, &GarchOptions { max_iter: 1, ..Default::default() }).unwrap();
    assert!(!m1.converged && m1.iterations <= 1, "{:?}", m1);
}

#[test]
fn garch_forecasts_follow_the_k_step_recursion() {
    let r = garch_returns(2000, 1e-5, 0.08, 0.9, 0.0, 9);
    let m = Garch::fit(&r, &GarchOptions::default()).unwrap();
    // E h_{n+k+1} = omega + (alpha + beta) E h_{n+k}, from h_{n+1} = next_variance: iterated, not
    // the closed form the library documents
    let mut h = m.next_variance;
    let mut sum = 0.0;
    for k in 1..=60usize {
        let got = m.forecast_variance(k).unwrap();
        assert!(close(got, h, 1e-12), "step {}: {} vs {}", k, got, h);
        sum += h;
        let vol = m.forecast_vol(k, 365.0).unwrap();
        assert!(close(vol, (365.0 * sum / k as f64).sqrt(), 1e-12), "horizon {}", k);
        h = m.omega + (m.alpha + m.beta) * h;
    }
    assert_eq!(m.forecast_variance(1).unwrap(), m.next_variance);
    // far out, the long-run variance
    let far = m.forecast_variance(100_000).unwrap();
    assert!(close(far, m.long_run_variance, 1e-9), "{} vs {}", far, m.long_run_variance);

    // a model by hand: forecasts read omega, alpha, beta and next_variance only
    let g = Garch::new(2e-6, 0.05, 0.9, 0.0, 8e-5);
    let vl = 2e-6 / 0.05;
    assert!(close(g.forecast_variance(11).unwrap(), vl + 0.95f64.powi(10) * (8e-5 - vl), 1e-12));

    // errors: zero steps; a non-stationary or negative model
    assert_eq!(g.forecast_variance(0).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(g.forecast_vol(0, 365.0).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(Garch::new(1e-6, 0.2, 0.8, 0.0, 1e-4).forecast_variance(2).unwrap_err().status(), Status::DOMAIN);
    assert_eq!(Garch::new(-1e-6, 0.1, 0.8, 0.0, 1e-4).forecast_variance(2).unwrap_err().status(), Status::DOMAIN);
    assert_eq!(g.forecast_vol(3, 0.0).unwrap_err().status(), Status::DOMAIN);
}

#[test]
fn garch_fit_rejects_what_it_cannot_fit() {
    assert_eq!(Garch::fit(&[0.01, -0.01], &GarchOptions::default()).unwrap_err().status(), Status::INVALID_ARG);
    // returns all equal (0.25: their sample mean is exact, so the residuals are 0): nothing to fit
    assert_eq!(Garch::fit(&[0.25; 50], &GarchOptions::default()).unwrap_err().status(), Status::DOMAIN);
    let mut r = garch_returns(100, 1e-5, 0.1, 0.8, 0.0, 1);
    assert_eq!(Garch::fit(&r, &GarchOptions { max_iter: 0, ..Default::default() }).unwrap_err().status(),
               Status::INVALID_ARG);
    assert_eq!(Garch::fit(&r, &GarchOptions { tolerance: -1.0, ..Default::default() }).unwrap_err().status(),
               Status::DOMAIN);
    r[42] = f64::INFINITY;
    let e = Garch::fit(&r, &GarchOptions::default()).unwrap_err();
    assert_eq!(e.status(), Status::DOMAIN);
    assert!(e.message().contains("42"), "{}", e);
}

#[test]
fn garch_simulation_follows_its_recursion_with_standard_normal_shocks() {
    let g = Garch::new(4e-6, 0.12, 0.85, 0.0002, 0.0);
    let vl = 4e-6 / (1.0 - 0.12 - 0.85);
    let n = 20_000;
    let (r, h) = g.simulate(n, 0.0, 42, 3).unwrap();
    assert!(close(h[0], vl, 1e-12), "h_1 is the long-run variance when 0 is given");
    let mut z = Vec::with_capacity(n);
    for t in 0..n {
        let e = r[t] - g.mean;
        z.push(e / h[t].sqrt());
        if t + 1 < n {
            let want = g.omega + g.alpha * e * e + g.beta * h[t];
            assert!(close(h[t + 1], want, 1e-12), "t {}: {} vs {}", t, h[t + 1], want);
        }
    }
    // the shocks are standard normal: mean 0 (standard error 1/sqrt(n)), variance 1 (sqrt(2/n))
    let (zm, zv) = (mean(&z), sample_var(&z));
    let nf = n as f64;
    assert!(zm.abs() < 4.0 / nf.sqrt(), "mean of z {}", zm);
    assert!((zv - 1.0).abs() < 4.0 * (2.0 / nf).sqrt(), "variance of z {}", zv);

    // reproducible, a longer path extends a shorter one, streams differ
    let (r2, _) = g.simulate(n, 0.0, 42, 3).unwrap();
    assert_eq!(r, r2);
    let mut short = vec![0.0; 100];
    g.simulate_into(&mut short, None, 0.0, 42, 3).unwrap();
    assert_eq!(&short[..], &r[..100]);
    let (other, _) = g.simulate(100, 0.0, 42, 4).unwrap();
    assert_ne!(&other[..], &r[..100]);
    // an initial variance of one's own
    let (_, h0) = g.simulate(5, 1e-3, 42, 3).unwrap();
    assert_eq!(h0[0], 1e-3);

    assert_eq!(g.simulate(0, 0.0, 1, 1).unwrap_err().status(), Status::INVALID_ARG);
    assert_eq!(g.simulate(5, -1.0, 1, 1).unwrap_err().status(), Status::DOMAIN);
    assert_eq!(Garch::new(1e-6, 0.5, 0.6, 0.0, 0.0).simulate(5, 0.0, 1, 1).unwrap_err().status(), Status::DOMAIN);
    let mut v = vec![0.0; 4];
    assert_eq!(g.simulate_into(&mut short, Some(&mut v), 0.0, 1, 1).unwrap_err().status(), Status::INVALID_ARG);
}

/// The header asks for returns "not all equal"; equal returns whose sample mean rounds (0.01 fifty
/// times sums to 0.5000000000000002) leave residuals of 1e-18, which the C fit once accepted (omega
/// 5e-36); it now takes a spread below the summation's rounding bound for none.
#[test]
fn garch_fit_rejects_equal_returns_whose_mean_rounds() {
    assert_eq!(Garch::fit(&[0.01; 50], &GarchOptions::default()).unwrap_err().status(), Status::DOMAIN);
}
