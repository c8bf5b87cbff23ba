// Pricing and implied volatility against the textbook formulas, written here independently of the
// library, with libm's erfc for the normal distribution.

use libhedge::*;

extern "C" {
    fn erfc(x: f64) -> f64;
}

fn norm_cdf(x: f64) -> f64 {
    // erfc keeps full relative accuracy in the lower tail, where 1 + erf would cancel.
    0.5 * unsafe { erfc(-x / std::f64::consts::SQRT_2) }
}

fn norm_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

struct Bsm {
    price: f64,
    delta: f64,
    gamma: f64,
    vega: f64,
}

fn textbook_bsm(ty: OptionType, s: f64, k: f64, t: f64, r: f64, q: f64, sigma: f64) -> Bsm {
    let sd = sigma * t.sqrt();
    let d1 = ((s / k).ln() + (r - q + 0.5 * sigma * sigma) * t) / sd;
    let d2 = d1 - sd;
    let (dq, dr) = ((-q * t).exp(), (-r * t).exp());
    let w = ty as i32 as f64;
    Bsm {
        price: w * (s * dq * norm_cdf(w * d1) - k * dr * norm_cdf(w * d2)),
        delta: w * dq * norm_cdf(w * d1),
        gamma: dq * norm_pdf(d1) / (s * sd),
        vega: s * dq * norm_pdf(d1) * t.sqrt(),
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

const CASES: &[(OptionType, f64, f64, f64, f64, f64, f64)] = &[
    (OptionType::Call, 100.0, 100.0, 1.0, 0.05, 0.02, 0.2),
    (OptionType::Put, 100.0, 100.0, 1.0, 0.05, 0.02, 0.2),
    (OptionType::Call, 95000.0, 110000.0, 0.25, 0.04, 0.0, 0.65),
    (OptionType::Put, 95000.0, 80000.0, 30.0 / 365.0, 0.04, 0.01, 0.8),
    (OptionType::Call, 50.0, 45.0, 2.0, -0.005, 0.03, 0.35),
];

#[test]
fn bsm_matches_the_textbook_formula() {
    for &(ty, s, k, t, r, q, sigma) in CASES {
        let want = textbook_bsm(ty, s, k, t, r, q, sigma);
        let price = bsm_price(ty, s, k, t, r, q, sigma).unwrap();
        let g = bsm_greeks(ty, s, k, t, r, q, sigma).unwrap();
        // The textbook evaluation itself loses a few ulps to ln and the subtraction.
        assert!(close(price, want.price, 1e-12), "{:?} price {} vs {}", ty, price, want.price);
        assert_eq!(price, g.price);
        assert!(close(g.delta, want.delta, 1e-12), "delta {} vs {}", g.delta, want.delta);
        assert!(close(g.gamma, want.gamma, 1e-12), "gamma {} vs {}", g.gamma, want.gamma);
        assert!(close(g.vega, want.vega, 1e-12), "vega {} vs {}", g.vega, want.vega);
    }
}

#[test]
fn put_call_parity_and_black76() {
    let (s, k, t, r, q, sigma) = (100.0, 90.0, 0.5, 0.03, 0.01, 0.25);
    let c = bsm_price(OptionType::Call, s, k, t, r, q, sigma).unwrap();
    let p = bsm_price(OptionType::Put, s, k, t, r, q, sigma).unwrap();
    let parity = s * (-q * t).exp() - k * (-r * t).exp();
    assert!(close(c - p, parity, 1e-13));
    // Black-76 on the forward is BSM with the carry folded in.
    let f = s * ((r - q) * t).exp();
    let c76 = black76_price(OptionType::Call, f, k, t, r, sigma).unwrap();
    assert!(close(c76, c, 1e-13), "{} vs {}", c76, c);
    let g76 = black76_greeks(OptionType::Call, f, k, t, r, sigma).unwrap();
    assert!(close(g76.rho, -t * c76, 1e-13));
}

#[test]
fn market_units_divide_vega_by_100_and_theta_by_days() {
    let g = bsm_greeks(OptionType::Call, 100.0, 100.0, 1.0, 0.05, 0.0, 0.2).unwrap();
    let m = g.to_market_units(365.0).unwrap();
    assert!(close(m.vega, g.vega / 100.0, 1e-15));
    assert!(close(m.theta, g.theta / 365.0, 1e-15));
    assert_eq!(m.delta, g.delta);
}

#[test]
fn batch_agrees_with_scalar_and_flags_bad_elements() {
    let n = CASES.len() + 1;
    let mut ty: Vec<OptionType> = CASES.iter().map(|c| c.0).collect();
    let mut s: Vec<f64> = CASES.iter().map(|c| c.1).collect();
    let mut k: Vec<f64> = CASES.iter().map(|c| c.2).collect();
    let mut t: Vec<f64> = CASES.iter().map(|c| c.3).collect();
    let mut r: Vec<f64> = CASES.iter().map(|c| c.4).collect();
    let mut q: Vec<f64> = CASES.iter().map(|c| c.5).collect();
    let mut v: Vec<f64> = CASES.iter().map(|c| c.6).collect();
    // One invalid element at the end: negative volatility.
    ty.push(OptionType::Call);
    s.push(100.0);
    k.push(100.0);
    t.push(1.0);
    r.push(0.0);
    q.push(0.0);
    v.push(-0.1);
    let (mut price, mut delta, mut vega) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut status = vec![Status::OK; n];
    let err = bsm_greeks_batch(
        &BsmBatch { option_type: &ty, spot: &s, strike: &k, time: &t, rate: &r, yield_: &q, vol: &v },
        &mut GreeksOut {
            price: Some(&mut price),
            delta: Some(&mut delta),
            vega: Some(&mut vega),
            status: Some(&mut status),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.status(), Status::DOMAIN);
    for i in 0..CASES.len() {
        let g = bsm_greeks(ty[i], s[i], k[i], t[i], r[i], q[i], v[i]).unwrap();
        assert!(close(price[i], g.price, 3e-14), "{}: {} vs {}", i, price[i], g.price);
        assert!(close(delta[i], g.delta, 1e-13));
        assert!(close(vega[i], g.vega, 1e-13));
        assert_eq!(status[i], Status::OK);
    }
    assert!(price[n - 1].is_nan());
    assert_eq!(status[n - 1], Status::DOMAIN);

    // Slices of different lengths are refused before the library is called.
    let err = bsm_greeks_batch(
        &BsmBatch { option_type: &ty, spot: &s[1..], strike: &k, time: &t, rate: &r, yield_: &q, vol: &v },
        &mut GreeksOut::default(),
    )
    .unwrap_err();
    assert_eq!(err.status(), Status::INVALID_ARG);
    assert!(err.message().contains("spot"), "{}", err);
}

#[test]
fn implied_vol_round_trips() {
    for &(ty, s, k, t, r, q, sigma) in CASES {
        let price = bsm_price(ty, s, k, t, r, q, sigma).unwrap();
        let iv = implied_vol_bsm(ty, price, s, k, t, r, q).unwrap();
        assert!(close(iv, sigma, 1e-12), "{:?} {} {}: {} vs {}", ty, s, k, iv, sigma);
        let f = s * ((r - q) * t).exp();
        let iv76 = implied_vol_black76(ty, price, f, k, t, r).unwrap();
        assert!(close(iv76, sigma, 1e-11), "{} vs {}", iv76, sigma);
    }
    // Inverse options: the coin premium of a Black-76 USD price.
    let (f, k, t, sigma) = (100000.0, 110000.0, 0.1, 0.6);
    let coin = inverse_greeks(OptionType::Call, f, k, t, 0.0, sigma).unwrap().price;
    assert!(close(implied_vol_inverse(OptionType::Call, coin, f, k, t, 0.0).unwrap(), sigma, 1e-12));

    // The batch solver on a chain.
    let strikes: Vec<f64> = (0..32).map(|i| 60000.0 + 2500.0 * i as f64).collect();
    let n = strikes.len();
    let ty: Vec<OptionType> =
        strikes.iter().map(|&k| if k < f { OptionType::Put } else { OptionType::Call }).collect();
    let vols: Vec<f64> = strikes.iter().map(|&k| 0.5 + 0.3 * ((k / f).ln()).powi(2)).collect();
    let prices: Vec<f64> =
        (0..n).map(|i| black76_price(ty[i], f, strikes[i], t, 0.02, vols[i]).unwrap()).collect();
    let mut out = vec![0.0; n];
    implied_vol_black76_batch(&ty, &prices, &vec![f; n], &strikes, &vec![t; n], &vec![0.02; n], &mut out, None)
        .unwrap();
    for i in 0..n {
        assert!(close(out[i], vols[i], 1e-11), "{}: {} vs {}", strikes[i], out[i], vols[i]);
    }
}

#[test]
fn errors_carry_status_name_and_message() {
    let err = bsm_price(OptionType::Call, 100.0, 100.0, 1.0, 0.0, 0.0, -0.2).unwrap_err();
    assert_eq!(err.status(), Status::DOMAIN);
    assert_eq!(err.code(), -3);
    assert_eq!(err.name(), "HEDGE_ERR_DOMAIN");
    assert!(err.message().starts_with("hedge_bsm_price: volatility"), "{}", err.message());
    assert!(err.message().contains("-0.2"), "{}", err.message());
    assert!(err.to_string().starts_with("HEDGE_ERR_DOMAIN: "));

    // A call worth more than the forward has no implied volatility.
    let err = implied_vol_black76(OptionType::Call, 120.0, 100.0, 100.0, 1.0, 0.0).unwrap_err();
    assert_eq!(err.status(), Status::PRICE_BOUNDS);
    assert_eq!(err.name(), "HEDGE_ERR_PRICE_BOUNDS");
    assert!(!err.message().is_empty());

    // Unknown codes from a newer library still have a name.
    assert_eq!(Status(-1000).name(), "HEDGE_ERR_UNKNOWN");
    assert_eq!(Status::NOMEM.name(), "HEDGE_ERR_NOMEM");
}

#[test]
fn futures_funding_and_liquidation() {
    let r = future_risk(Settlement::Linear, 1.0, 2.0, 100.0, 110.0).unwrap();
    assert_eq!(r.value, 20.0);
    assert_eq!(r.delta_coin, 2.0);
    // Long pays at a positive rate: 3 intervals of 8 hours.
    let carry = perpetual_funding(Settlement::Linear, 1.0, 1.0, 100.0, 0.0001, 8.0, 24.0).unwrap();
    assert!(close(carry, -0.03, 1e-12), "{}", carry);
    // Equity 10 + (P - 100) meets maintenance 0: P = 90.
    assert!(close(liquidation_price(Settlement::Linear, 1.0, 1.0, 100.0, 10.0, 0.0).unwrap(), 90.0, 1e-14));
    let p = cross_liquidation_price(
        &[CrossPosition { settlement: Settlement::Linear, multiplier: 1.0, quantity: 1.0, entry: 100.0, mmr: 0.0 }],
        10.0,
        100.0,
    )
    .unwrap();
    assert!(close(p, 90.0, 1e-10), "{}", p);
}

#[test]
fn version_and_capabilities() {
    assert!(version_number() >= 100);
    assert_eq!(version_string().split('.').count(), 3);
    assert_ne!(capabilities() & sys::HEDGE_CAP_THREAD_LOCAL_ERRORS, 0);
}
