// The surface-fit report of VolSurface::fit_quotes_with_report: quotes priced here (Black-76 with
// a normal CDF of this file) from known SVI smiles must come back as the smiles, with small
// residuals and every out-of-the-money option used; deliberately bad quotes must get the verdict
// the C documentation gives them, and every count must add up.

use libhedge::*;

const NOW: i64 = 1_790_000_000_000;
const DAY: i64 = 86_400_000;
const MS_PER_YEAR: f64 = 31_536_000_000.0;
const SPOT: f64 = 60_000.0;
const RATE: f64 = 0.04;
const BASIS: f64 = 0.06;

/// The generating smiles, raw SVI (a, b, rho, m, sigma) in total variance, and their expiries.
const TRUTH: [[f64; 5]; 2] = [[0.015, 0.060, -0.35, 0.01, 0.10], [0.045, 0.100, -0.40, 0.02, 0.20]];
const DAYS: [i64; 2] = [30, 91];

fn svi_w(p: &[f64; 5], k: f64) -> f64 {
    p[0] + p[1] * (p[2] * (k - p[3]) + ((k - p[3]) * (k - p[3]) + p[4] * p[4]).sqrt())
}

/// The standard normal CDF by Marsaglia's series (2004), accurate to about 1e-15 absolute.
fn ncdf(x: f64) -> f64 {
    if x < -9.0 {
        return 0.0;
    }
    if x > 9.0 {
        return 1.0;
    }
    let (mut s, mut t, mut b, q, mut i) = (x, 0.0, x, x * x, 1.0);
    while s != t {
        t = s;
        i += 2.0;
        b *= q / i;
        s = t + b;
    }
    0.5 + s * (-0.5 * q - 0.918_938_533_204_672_8).exp()
}

/// Discounted Black-76 premium with total variance w.
fn black(call: bool, f: f64, k: f64, w: f64, t: f64) -> f64 {
    let sd = w.sqrt();
    let d1 = ((f / k).ln() + 0.5 * w) / sd;
    let d2 = d1 - sd;
    let df = (-RATE * t).exp();
    if call {
        df * (f * ncdf(d1) - k * ncdf(d2))
    } else {
        df * (k * ncdf(-d2) - f * ncdf(-d1))
    }
}

fn expiry(e: usize) -> i64 {
    NOW + DAYS[e] * DAY
}

fn years(days: i64) -> f64 {
    (days * DAY) as f64 / MS_PER_YEAR
}

fn forward(days: i64) -> f64 {
    SPOT * (BASIS * years(days)).exp()
}

/// The grid of one expiry: 21 strikes spanning +-3 at-the-money standard deviations.
fn strikes(e: usize) -> Vec<f64> {
    let f = forward(DAYS[e]);
    let sd = svi_w(&TRUTH[e], 0.0).sqrt();
    (0..21).map(|j| (f * (sd * (-3.0 + 6.0 * j as f64 / 20.0)).exp()).round()).collect()
}

/// An option and how it is quoted.
struct Opt {
    symbol: String,
    call: bool,
    strike: f64,
    expiry_ms: i64,
}

struct Book {
    opts: Vec<Opt>,
}

impl Book {
    fn add(&mut self, symbol: String, call: bool, strike: f64, expiry_ms: i64) -> usize {
        self.opts.push(Opt { symbol, call, strike, expiry_ms });
        self.opts.len() - 1
    }

    fn instruments<'c>(&self, ctx: &'c Context) -> Vec<Instrument<'c>> {
        self.opts
            .iter()
            .map(|o| {
                let kind = InstrumentKind::Option {
                    option_type: if o.call { OptionType::Call } else { OptionType::Put },
                    strike: o.strike,
                    expiry_ms: o.expiry_ms,
                };
                Instrument::new(ctx, &InstrumentSpec::new(kind, &o.symbol, "BTC")).unwrap()
            })
            .collect()
    }
}

/// A two-sided quote 1% either side of `premium`, so that the mid is the premium.
fn quote(symbol: &str, premium: f64) -> Quote<'_> {
    Quote {
        symbol, venue: "deribit", bid: premium * 0.99, ask: premium * 1.01, bid_size: 10.0, ask_size: 10.0,
        timestamp_ms: NOW - 1000, ..Quote::default()
    }
}

/// Spot, rate and forwards of the fixture (and a forward for a third, 60-day expiry).
fn builder(ctx: &Context) -> SnapshotBuilder<'_> {
    let mut b = SnapshotBuilder::new(ctx, NOW, None).unwrap();
    b.set_spot("BTC", SPOT, NOW, 0).unwrap().set_rate("BTC", RATE).unwrap();
    for &d in &[30, 60, 91] {
        b.add_forward("BTC", NOW + d * DAY, forward(d)).unwrap();
    }
    b
}

/// Calls and puts on every grid strike of both expiries, quoted at the true premiums.
fn clean_book(b: &mut SnapshotBuilder<'_>) -> Book {
    let mut book = Book { opts: Vec::new() };
    for e in 0..2 {
        let (f, t) = (forward(DAYS[e]), years(DAYS[e]));
        for k in strikes(e) {
            for &call in &[true, false] {
                let sym = format!("BTC-{}-{}-{}", DAYS[e], k, if call { 'C' } else { 'P' });
                b.add_quote(&quote(&sym, black(call, f, k, svi_w(&TRUTH[e], (k / f).ln()), t))).unwrap();
                book.add(sym, call, k, expiry(e));
            }
        }
    }
    book
}

/// Whether the header says an option is used: out of the money, or inside the at-the-money band.
fn out_of_the_money(o: &Opt, band: f64) -> bool {
    let days = (o.expiry_ms - NOW) / DAY;
    let k = (o.strike / forward(days)).ln();
    if o.call { k >= -band } else { k <= band }
}

fn tally(verdicts: &[QuoteVerdict], book: &Book, expiry_ms: i64, v: QuoteVerdict) -> usize {
    verdicts.iter().zip(&book.opts).filter(|(&x, o)| o.expiry_ms == expiry_ms && x == v).count()
}

/// Every count of the report against the verdicts and the book.
fn check_counts(rep: &SurfaceFitReport, book: &Book) {
    let n = book.opts.len();
    assert_eq!(rep.verdicts.len(), n);
    assert_eq!(rep.n_used + rep.n_skipped, n);
    assert_eq!(rep.n_used, rep.verdicts.iter().filter(|&&v| v == QuoteVerdict::Used).count());
    assert_eq!(rep.expiries.len(), rep.n_expiries);
    assert_eq!(rep.n_fitted, rep.expiries.iter().filter(|e| e.fitted).count());
    assert_eq!(rep.n_used, rep.expiries.iter().map(|e| e.used).sum::<usize>());
    assert!(rep.expiries.windows(2).all(|w| w[0].expiry_ms < w[1].expiry_ms), "sorted by expiry");
    let expired = book.opts.iter().filter(|o| o.expiry_ms <= NOW).count();
    assert_eq!(expired, rep.verdicts.iter().filter(|&&v| v == QuoteVerdict::Expired).count());
    let mut covered = 0;
    for ex in &rep.expiries {
        let of_expiry = book.opts.iter().filter(|o| o.expiry_ms == ex.expiry_ms).count();
        assert_eq!(ex.used + ex.skipped(), of_expiry, "expiry {}", ex.expiry_ms);
        covered += of_expiry;
        let t = |v| tally(&rep.verdicts, book, ex.expiry_ms, v);
        assert_eq!(ex.used, t(QuoteVerdict::Used));
        assert_eq!(ex.missing, t(QuoteVerdict::Missing));
        assert_eq!(ex.stale, t(QuoteVerdict::Stale));
        assert_eq!(ex.one_sided, t(QuoteVerdict::OneSided));
        assert_eq!(ex.in_the_money, t(QuoteVerdict::InTheMoney));
        assert_eq!(ex.out_of_bounds, t(QuoteVerdict::OutOfBounds));
        assert_eq!(ex.thin, t(QuoteVerdict::ThinExpiry));
        let f = forward((ex.expiry_ms - NOW) / DAY);
        assert!((ex.forward - f).abs() <= 1e-14 * f, "forward {} vs {}", ex.forward, f);
        if ex.fitted {
            assert!(ex.rmse_vol <= ex.max_error_vol + 1e-15);
        } else {
            assert_eq!((ex.used, ex.rmse_vol, ex.max_error_vol), (0, 0.0, 0.0));
        }
    }
    assert_eq!(covered + expired, n, "every unexpired option belongs to one expiry");
}

/// The slice of expiry e against the generating smile.
fn check_slice(s: &SviSlice, e: usize) {
    assert_eq!(s.expiry_ms, expiry(e));
    let got = [s.a, s.b, s.rho, s.m, s.sigma];
    let tol = [1e-6, 1e-5, 1e-4, 1e-5, 1e-5];
    for i in 0..5 {
        assert!((got[i] - TRUTH[e][i]).abs() <= tol[i], "expiry {} parameter {}: {} vs {}", e, i, got[i],
                TRUTH[e][i]);
    }
}

#[test]
fn quotes_from_known_smiles_come_back_used_with_small_residuals() {
    let ctx = Context::new().unwrap();
    let mut b = builder(&ctx);
    let book = clean_book(&mut b);
    let snap = b.finish().unwrap();
    let ins = book.instruments(&ctx);
    let refs: Vec<&Instrument<'_>> = ins.iter().collect();
    for &w in &[SurfaceWeighting::Vega, SurfaceWeighting::InverseSpread, SurfaceWeighting::Equal] {
        let settings = SurfaceFitOptions { weighting: w, ..SurfaceFitOptions::default() };
        let fit = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &settings).unwrap();
        let rep = &fit.report;
        check_counts(rep, &book);
        assert_eq!((rep.n_expiries, rep.n_fitted), (2, 2));
        assert_eq!(fit.surface.slice_count(), 2);
        for (v, o) in rep.verdicts.iter().zip(&book.opts) {
            let want = if out_of_the_money(o, 0.01) { QuoteVerdict::Used } else { QuoteVerdict::InTheMoney };
            assert_eq!(*v, want, "{}", o.symbol);
        }
        for (e, (ex, s)) in rep.expiries.iter().zip(fit.surface.slices()).enumerate() {
            assert!(ex.fitted);
            assert_eq!(ex.expiry_ms, expiry(e));
            assert!(ex.rmse_vol < 1e-6 && ex.max_error_vol < 1e-5, "{:?}", ex);
            assert_eq!(s.rmse_vol, ex.rmse_vol, "the slice's rmse is the report's");
            check_slice(&s, e);
        }
    }
    // the plain fit_quotes gives the same surface as the reporting one with default settings
    let plain = VolSurface::fit_quotes(&ctx, &snap, &refs, None).unwrap();
    let fit = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &SurfaceFitOptions::default()).unwrap();
    assert_eq!(plain.slices(), fit.surface.slices());
}

#[test]
fn bad_quotes_get_the_documented_verdicts_and_counts_add_up() {
    let ctx = Context::new().unwrap();
    let mut b = builder(&ctx);
    let mut book = clean_book(&mut b);
    let (f0, t0) = (forward(30), years(30));
    let k_out = (f0 * 1.07).round();
    let vol_at = |k: f64| (svi_w(&TRUTH[0], (k / f0).ln()) / t0).sqrt();

    // no quote at all
    let missing = book.add("MISSING-C".into(), true, (f0 * 1.03).round(), expiry(0));
    // a bid without an ask
    let one_sided = book.add("ONESIDED-P".into(), false, (f0 * 0.97).round(), expiry(0));
    b.add_quote(&Quote { ask: 0.0, ask_size: 0.0, ..quote("ONESIDED-P", 500.0) }).unwrap();
    // quoted two minutes ago with a one-minute age limit
    let stale = book.add("STALE-C".into(), true, (f0 * 1.05).round(), expiry(0));
    b.add_quote(&Quote { timestamp_ms: NOW - 120_000, max_age_ms: 60_000, ..quote("STALE-C", 300.0) }).unwrap();
    // an out-of-the-money call priced above the discounted forward: no implied volatility
    let oob = book.add("OOB-C".into(), true, (f0 * 1.2).round(), expiry(0));
    b.add_quote(&quote("OOB-C", f0 * 1.1)).unwrap();
    // a crossed book is refused by the snapshot builder, so its option has no quote
    let crossed = book.add("CROSSED-C".into(), true, (f0 * 1.09).round(), expiry(0));
    match b.add_quote(&Quote { bid: 200.0, ask: 100.0, ..quote("CROSSED-C", 150.0) }) {
        Err(e) => assert_eq!(e.status(), Status::DOMAIN),
        Ok(_) => panic!("a crossed book was accepted"),
    }
    // an outlier: a fine quote, 25 vol points above the smile; it is used
    let outlier = book.add("OUTLIER-C".into(), true, k_out, expiry(0));
    let w_out = (vol_at(k_out) + 0.25).powi(2) * t0;
    b.add_quote(&quote("OUTLIER-C", black(true, f0, k_out, w_out, t0))).unwrap();
    // a third expiry with three usable strikes only
    let (f60, t60) = (forward(60), years(60));
    let mut thin = Vec::new();
    for &m in &[1.02, 1.05, 1.10] {
        let k = (f60 * m).round();
        let sym = format!("THIN-{}-C", k);
        b.add_quote(&quote(&sym, black(true, f60, k, 0.5 * 0.5 * t60, t60))).unwrap();
        thin.push(book.add(sym, true, k, NOW + 60 * DAY));
    }
    // an option that expired yesterday
    let expired = book.add("EXPIRED-C".into(), true, f0, NOW - DAY);

    let snap = b.finish().unwrap();
    let ins = book.instruments(&ctx);
    let refs: Vec<&Instrument<'_>> = ins.iter().collect();
    let fit = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &SurfaceFitOptions::default()).unwrap();
    let rep = &fit.report;
    check_counts(rep, &book);
    let v = &rep.verdicts;
    assert_eq!(v[missing], QuoteVerdict::Missing);
    assert_eq!(v[one_sided], QuoteVerdict::OneSided);
    assert_eq!(v[stale], QuoteVerdict::Stale);
    assert_eq!(v[oob], QuoteVerdict::OutOfBounds);
    assert_eq!(v[crossed], QuoteVerdict::Missing);
    assert_eq!(v[outlier], QuoteVerdict::Used);
    assert!(thin.iter().all(|&i| v[i] == QuoteVerdict::ThinExpiry));
    assert_eq!(v[expired], QuoteVerdict::Expired);

    assert_eq!((rep.n_expiries, rep.n_fitted, fit.surface.slice_count()), (3, 2, 2));
    let (ex30, ex60, ex91) = (&rep.expiries[0], &rep.expiries[1], &rep.expiries[2]);
    assert_eq!((ex30.missing, ex30.one_sided, ex30.stale, ex30.out_of_bounds), (2, 1, 1, 1));
    assert_eq!((ex60.fitted, ex60.thin, ex60.used), (false, 3, 0));
    // The outlier is the worst point of its expiry: the reported largest error is its distance
    // from the fitted smile, and it is large; the clean expiry is untouched.
    let fitted_vol = fit.surface.vol(k_out, f0, expiry(0)).unwrap();
    let quoted_vol = vol_at(k_out) + 0.25;
    assert!((ex30.max_error_vol - (quoted_vol - fitted_vol).abs()).abs() < 1e-6,
            "max error {} vs the outlier's {}", ex30.max_error_vol, (quoted_vol - fitted_vol).abs());
    assert!(ex30.max_error_vol > 0.1 && ex30.rmse_vol > 1e-3, "{:?}", ex30);
    assert!(ex91.rmse_vol < 1e-6 && ex91.max_error_vol < 1e-5, "{:?}", ex91);
    check_slice(&fit.surface.slices()[1], 1);
}

#[test]
fn nothing_to_fit_fails_with_the_report_other_errors_without() {
    let ctx = Context::new().unwrap();
    let mut b = builder(&ctx);
    let mut book = Book { opts: Vec::new() };
    for j in 0..4 {
        let k = 60_000.0 + 1000.0 * j as f64;
        let sym = format!("C-{}", k);
        b.add_quote(&quote(&sym, 2000.0 - 400.0 * j as f64)).unwrap();
        book.add(sym, true, k, NOW + 60 * DAY);
    }
    let snap = b.finish().unwrap();
    let ins = book.instruments(&ctx);
    let refs: Vec<&Instrument<'_>> = ins.iter().collect();

    // four strikes: not enough for a smile, and the report says so
    let e = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &SurfaceFitOptions::default()).unwrap_err();
    assert_eq!(e.error.status(), Status::NOT_FOUND);
    let rep = e.report.expect("a report when nothing could be fitted");
    check_counts(&rep, &book);
    assert!(rep.verdicts.iter().all(|&v| v == QuoteVerdict::ThinExpiry));
    assert_eq!((rep.n_fitted, rep.n_used, rep.n_skipped), (0, 0, 4));

    // another venue: every option is missing
    let other = SurfaceFitOptions { venue: Some("okx"), ..SurfaceFitOptions::default() };
    let rep = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &other).unwrap_err().report.unwrap();
    assert!(rep.verdicts.iter().all(|&v| v == QuoteVerdict::Missing));
    assert_eq!(rep.expiries[0].missing, 4);

    // no spot for the underlying: the same status, but nothing was reported
    let eth = Instrument::new(&ctx, &InstrumentSpec::new(InstrumentKind::Option {
        option_type: OptionType::Call, strike: 3000.0, expiry_ms: NOW + DAY }, "ETH-C", "ETH")).unwrap();
    let e = VolSurface::fit_quotes_with_report(&ctx, &snap, &[&eth], &SurfaceFitOptions::default()).unwrap_err();
    assert_eq!(e.error.status(), Status::NOT_FOUND);
    assert!(e.report.is_none());

    // bad settings: a negative band, a NUL in the venue
    let bad = SurfaceFitOptions { atm_band: -0.1, ..SurfaceFitOptions::default() };
    let e = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &bad).unwrap_err();
    assert_eq!((e.error.status(), e.report.is_none()), (Status::DOMAIN, true));
    let bad = SurfaceFitOptions { venue: Some("a\0b"), ..SurfaceFitOptions::default() };
    let e = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &bad).unwrap_err();
    assert_eq!(e.error.status(), Status::INVALID_ARG);

    // `?` turns the error into a HedgeError
    fn fit(ctx: &Context, snap: &Snapshot<'_>, refs: &[&Instrument<'_>]) -> Result<usize> {
        Ok(VolSurface::fit_quotes_with_report(ctx, snap, refs, &SurfaceFitOptions::default())?.surface.slice_count())
    }
    assert_eq!(fit(&ctx, &snap, &refs).unwrap_err().status(), Status::NOT_FOUND);
}

#[test]
fn a_stale_quote_is_an_error_when_asked() {
    let ctx = Context::new().unwrap();
    let mut b = builder(&ctx);
    let mut book = clean_book(&mut b);
    let f0 = forward(30);
    book.add("STALE-C".into(), true, (f0 * 1.05).round(), expiry(0));
    b.add_quote(&Quote { timestamp_ms: NOW - 120_000, max_age_ms: 60_000, ..quote("STALE-C", 300.0) }).unwrap();
    let snap = b.finish().unwrap();
    let ins = book.instruments(&ctx);
    let refs: Vec<&Instrument<'_>> = ins.iter().collect();
    let strict = SurfaceFitOptions { stale_is_error: true, ..SurfaceFitOptions::default() };
    let e = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &strict).unwrap_err();
    assert_eq!(e.error.status(), Status::STALE);
    assert!(e.report.is_none());
    // skipped by default
    let fit = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &SurfaceFitOptions::default()).unwrap();
    assert_eq!(fit.report.expiries[0].stale, 1);
    // a wider band uses both calls and puts near the money
    let wide = SurfaceFitOptions { atm_band: 0.2, ..SurfaceFitOptions::default() };
    let fit = VolSurface::fit_quotes_with_report(&ctx, &snap, &refs, &wide).unwrap();
    for (v, o) in fit.report.verdicts.iter().zip(&book.opts) {
        if o.symbol != "STALE-C" {
            let want = if out_of_the_money(o, 0.2) { QuoteVerdict::Used } else { QuoteVerdict::InTheMoney };
            assert_eq!(*v, want, "{}", o.symbol);
        }
    }
}
