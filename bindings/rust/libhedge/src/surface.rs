use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result, Status};
use crate::instrument::Instrument;
use crate::snapshot::Snapshot;
use crate::util::opt_cstring;

/// One fitted smile: raw SVI parameters in total variance (`hedge_svi_slice`).
pub type SviSlice = sys::hedge_svi_slice;

/// The implied volatilities observed for one expiry, input to [`VolSurface::fit`].
#[derive(Clone, Copy, Debug)]
pub struct SmileData<'a> {
    pub expiry_ms: i64,
    pub forward: f64,
    pub strikes: &'a [f64],
    pub vols: &'a [f64],
    /// Fit weights, or `None` for equal weights.
    pub weights: Option<&'a [f64]>,
}

/// The kind of static arbitrage a check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArbitrageKind {
    Butterfly,
    Calendar,
}

/// Where a surface admits static arbitrage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArbitrageReport {
    pub kind: ArbitrageKind,
    pub slice: usize,
    pub worst_k: f64,
    pub worst_value: f64,
    pub points: usize,
}

/// How the points of a smile fitted from quotes are weighted (`hedge_surface_weighting`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SurfaceWeighting {
    /// By Black vega: a vol error costs what it moves the price.
    #[default]
    Vega = 0,
    /// By 1 / (bid-ask spread expressed in vol): tight quotes count more.
    InverseSpread = 1,
    /// Every point alike.
    Equal = 2,
}

/// Settings of [`VolSurface::fit_quotes_with_report`] (`hedge_surface_fit_options`); the
/// defaults are the header's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceFitOptions<'a> {
    /// Only this venue's quotes (1 to 31 bytes); `None`: any venue, taking for each option the
    /// fresh two-sided quote with the narrowest spread.
    pub venue: Option<&'a str>,
    /// A stale quote fails the call (`HEDGE_ERR_STALE`) instead of being skipped.
    pub stale_is_error: bool,
    pub weighting: SurfaceWeighting,
    /// Half-width of the at-the-money band in |ln(K/F)|, finite and >= 0 (default 0.01): inside
    /// it calls and puts are used, outside only out-of-the-money ones.
    pub atm_band: f64,
}

impl Default for SurfaceFitOptions<'_> {
    fn default() -> Self {
        let o = sys::hedge_surface_fit_options::init();
        SurfaceFitOptions { venue: None, stale_is_error: false, weighting: SurfaceWeighting::Vega, atm_band: o.atm_band }
    }
}

/// What a fit from quotes made of one option's quote (`hedge_quote_verdict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuoteVerdict {
    /// Its mid's implied volatility is a point of the fit.
    Used,
    /// No quote for the option (on the chosen venue).
    Missing,
    /// Only quotes older than their age limit.
    Stale,
    /// No fresh quote with both a bid and an ask, so no mid.
    OneSided,
    /// In the money outside the at-the-money band (its out-of-the-money twin is used).
    InTheMoney,
    /// The mid is at or outside the no-arbitrage bounds: no positive implied volatility.
    OutOfBounds,
    /// The option expires at or before the valuation time.
    Expired,
    /// Usable, but its expiry has fewer than 5 usable distinct strikes and is not fitted.
    ThinExpiry,
    /// A verdict this crate does not know (from a newer library).
    Other(i32),
}

impl QuoteVerdict {
    fn from_raw(v: sys::hedge_quote_verdict) -> QuoteVerdict {
        match v {
            sys::HEDGE_QUOTE_USED => QuoteVerdict::Used,
            sys::HEDGE_QUOTE_MISSING => QuoteVerdict::Missing,
            sys::HEDGE_QUOTE_STALE => QuoteVerdict::Stale,
            sys::HEDGE_QUOTE_ONE_SIDED => QuoteVerdict::OneSided,
            sys::HEDGE_QUOTE_IN_THE_MONEY => QuoteVerdict::InTheMoney,
            sys::HEDGE_QUOTE_OUT_OF_BOUNDS => QuoteVerdict::OutOfBounds,
            sys::HEDGE_QUOTE_EXPIRED => QuoteVerdict::Expired,
            sys::HEDGE_QUOTE_THIN_EXPIRY => QuoteVerdict::ThinExpiry,
            other => QuoteVerdict::Other(other),
        }
    }
}

/// The fit of one expiry (`hedge_surface_fit_expiry`). Each option of the expiry is counted
/// under exactly one verdict; expired options belong to no expiry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpiryFit {
    /// The expiry, ms since the Unix epoch.
    pub expiry_ms: i64,
    /// The snapshot's forward for it, quote currency per unit.
    pub forward: f64,
    /// The expiry is a slice of the surface (false: fewer than 5 usable distinct strikes).
    pub fitted: bool,
    pub used: usize,
    pub missing: usize,
    pub stale: usize,
    pub one_sided: usize,
    pub in_the_money: usize,
    pub out_of_bounds: usize,
    pub thin: usize,
    /// Weighted root-mean-square difference between the fitted smile and the points' implied
    /// volatilities, in volatility (0.01 = 1 point), with the fit's weights; 0 when not fitted.
    pub rmse_vol: f64,
    /// Largest absolute difference at a point, in volatility; 0 when not fitted.
    pub max_error_vol: f64,
}

impl ExpiryFit {
    fn from_raw(e: &sys::hedge_surface_fit_expiry) -> ExpiryFit {
        ExpiryFit {
            expiry_ms: e.expiry_ms, forward: e.forward, fitted: e.fitted != 0, used: e.used, missing: e.missing,
            stale: e.stale, one_sided: e.one_sided, in_the_money: e.in_the_money, out_of_bounds: e.out_of_bounds,
            thin: e.thin, rmse_vol: e.rmse_vol, max_error_vol: e.max_error_vol,
        }
    }

    /// Options of this expiry not used, whatever the reason.
    pub fn skipped(&self) -> usize {
        self.missing + self.stale + self.one_sided + self.in_the_money + self.out_of_bounds + self.thin
    }
}

/// What a fit from quotes did with each option and expiry (`hedge_surface_fit_report`).
#[derive(Clone, Debug, PartialEq)]
pub struct SurfaceFitReport {
    /// Per expiry among the unexpired options, in increasing order of expiry.
    pub expiries: Vec<ExpiryFit>,
    /// One per option, in the order given.
    pub verdicts: Vec<QuoteVerdict>,
    /// Distinct expiries among the unexpired options (`expiries.len()`).
    pub n_expiries: usize,
    /// Expiries fitted: the surface's slice count.
    pub n_fitted: usize,
    /// Quotes used, over all expiries.
    pub n_used: usize,
    /// Options not used, over all expiries, expired ones included.
    pub n_skipped: usize,
}

/// A surface fitted from quotes, and its report.
#[derive(Debug)]
pub struct SurfaceFit<'ctx> {
    pub surface: VolSurface<'ctx>,
    pub report: SurfaceFitReport,
}

/// A failed fit from quotes: the error, and the report when the library wrote one (when nothing
/// could be fitted, or a smile did not converge).
#[derive(Clone, Debug, PartialEq)]
pub struct SurfaceFitError {
    pub error: HedgeError,
    pub report: Option<SurfaceFitReport>,
}

impl From<HedgeError> for SurfaceFitError {
    fn from(error: HedgeError) -> Self {
        SurfaceFitError { error, report: None }
    }
}

impl From<SurfaceFitError> for HedgeError {
    fn from(e: SurfaceFitError) -> Self {
        e.error
    }
}

impl std::fmt::Display for SurfaceFitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for SurfaceFitError {}

/// An SVI volatility surface, immutable and reference-counted. `Clone` takes a reference.
///
/// `Send + Sync`: immutable, atomic reference count.
pub struct VolSurface<'ctx> {
    raw: NonNull<sys::hedge_vol_surface>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for VolSurface<'ctx> {}
unsafe impl<'ctx> Sync for VolSurface<'ctx> {}

impl<'ctx> VolSurface<'ctx> {
    /// Fits one SVI smile per expiry to observed implied volatilities.
    pub fn fit(ctx: &'ctx Context, valuation_ms: i64, smiles: &[SmileData<'_>]) -> Result<VolSurface<'ctx>> {
        let mut raw_smiles = Vec::with_capacity(smiles.len());
        for s in smiles {
            crate::pricing::check_len("vols", s.strikes.len(), s.vols.len())?;
            if let Some(w) = s.weights {
                crate::pricing::check_len("weights", s.strikes.len(), w.len())?;
            }
            raw_smiles.push(sys::hedge_smile_data {
                expiry_ms: s.expiry_ms,
                forward: s.forward,
                n: s.strikes.len(),
                strikes: s.strikes.as_ptr(),
                vols: s.vols.as_ptr(),
                weights: s.weights.map_or(ptr::null(), |w| w.as_ptr()),
            });
        }
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_vol_surface_fit(&mut raw, ctx.as_ptr(), valuation_ms, raw_smiles.as_ptr(), raw_smiles.len())
        })?;
        Ok(unsafe { VolSurface::from_raw(raw) })
    }

    /// A surface from given SVI slices (`T` and `rmse_vol` are ignored).
    pub fn new(ctx: &'ctx Context, valuation_ms: i64, slices: &[SviSlice]) -> Result<VolSurface<'ctx>> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_vol_surface_create(&mut raw, ctx.as_ptr(), valuation_ms, slices.as_ptr(), slices.len()) })?;
        Ok(unsafe { VolSurface::from_raw(raw) })
    }

    /// Fits a surface to the option quotes of a snapshot (the mids' implied volatilities), taking
    /// the narrowest fresh quote of any venue, or only `venue`'s; default weighting (vega) and
    /// at-the-money band. Stale, one-sided and in-the-money quotes are skipped; use
    /// [`VolSurface::fit_quotes_with_report`] to learn which, and for the other settings.
    pub fn fit_quotes(ctx: &'ctx Context, snapshot: &Snapshot<'_>, options: &[&Instrument<'_>], venue: Option<&str>)
        -> Result<VolSurface<'ctx>> {
        let venue = opt_cstring("venue", venue)?;
        let mut opts = sys::hedge_surface_fit_options::init();
        opts.venue = crate::util::opt_ptr(&venue);
        let ptrs: Vec<*const sys::hedge_instrument> = options.iter().map(|i| i.as_ptr()).collect();
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_vol_surface_fit_quotes(&mut raw, ctx.as_ptr(), snapshot.as_ptr(), ptrs.as_ptr(), ptrs.len(),
                                              &opts, ptr::null_mut())
        })?;
        Ok(unsafe { VolSurface::from_raw(raw) })
    }

    /// Fits a surface to the option quotes of a snapshot with the given settings, and reports
    /// what became of each option (a [`QuoteVerdict`] per entry of `options`, in that order) and
    /// of each expiry (points used and skipped by reason, fit residuals in volatility).
    ///
    /// `options` are option instruments of one underlying. When nothing could be fitted
    /// (`HEDGE_ERR_NOT_FOUND`: no expiry with 5 usable strikes) or a smile did not converge
    /// (`HEDGE_ERR_NOT_CONVERGED`), the error carries the report, which says why; other errors
    /// (bad arguments, a stale quote with [`SurfaceFitOptions::stale_is_error`], no spot) carry
    /// none. `?` turns the error into a [`HedgeError`].
    pub fn fit_quotes_with_report(ctx: &'ctx Context, snapshot: &Snapshot<'_>, options: &[&Instrument<'_>],
                                  settings: &SurfaceFitOptions<'_>)
        -> std::result::Result<SurfaceFit<'ctx>, SurfaceFitError> {
        let venue = opt_cstring("venue", settings.venue)?;
        let mut opts = sys::hedge_surface_fit_options::init();
        opts.venue = crate::util::opt_ptr(&venue);
        opts.flags = if settings.stale_is_error { sys::HEDGE_SURFACE_FIT_STALE_IS_ERROR } else { 0 };
        opts.weighting = settings.weighting as sys::hedge_surface_weighting;
        opts.atm_band = settings.atm_band;
        let ptrs: Vec<*const sys::hedge_instrument> = options.iter().map(|i| i.as_ptr()).collect();
        // An expiry is one of the options', so there are at most as many expiries as options.
        let mut expiries = vec![sys::hedge_surface_fit_expiry::default(); options.len()];
        let mut verdicts: Vec<sys::hedge_quote_verdict> = vec![-1; options.len()];
        let mut rep = sys::hedge_surface_fit_report::init();
        rep.expiries = if expiries.is_empty() { ptr::null_mut() } else { expiries.as_mut_ptr() };
        rep.expiry_capacity = expiries.len();
        rep.verdicts = if verdicts.is_empty() { ptr::null_mut() } else { verdicts.as_mut_ptr() };
        // HEDGE_ERR_NOT_FOUND means either "nothing to fit" (report written) or "no spot, rate or
        // forward" (not written): a count the library can never write tells them apart.
        rep.n_expiries = usize::MAX;
        let mut raw = ptr::null_mut();
        let st = unsafe {
            sys::hedge_vol_surface_fit_quotes(&mut raw, ctx.as_ptr(), snapshot.as_ptr(), ptrs.as_ptr(), ptrs.len(),
                                              &opts, &mut rep)
        };
        // Read the error detail before anything else can call into the library.
        let error = if st == sys::HEDGE_OK { None } else { Some(HedgeError::last(st)) };
        let written = rep.n_expiries != usize::MAX;
        let report = if written {
            expiries.truncate(rep.n_expiries.min(expiries.len()));
            Some(SurfaceFitReport {
                expiries: expiries.iter().map(ExpiryFit::from_raw).collect(),
                verdicts: verdicts.iter().map(|&v| QuoteVerdict::from_raw(v)).collect(),
                n_expiries: rep.n_expiries,
                n_fitted: rep.n_fitted,
                n_used: rep.n_used,
                n_skipped: rep.n_skipped,
            })
        } else {
            None
        };
        match (error, report) {
            (None, Some(report)) => Ok(SurfaceFit { surface: unsafe { VolSurface::from_raw(raw) }, report }),
            (Some(error), report) => Err(SurfaceFitError { error, report }),
            (None, None) => {
                drop(unsafe { VolSurface::from_raw(raw) });
                Err(HedgeError::new(Status::INTERNAL, "hedge_vol_surface_fit_quotes: no report written").into())
            }
        }
    }

    /// Takes ownership of one reference.
    ///
    /// # Safety
    /// `raw` must be a live surface whose reference the caller gives up, created from a context
    /// that outlives `'ctx`.
    pub unsafe fn from_raw(raw: *mut sys::hedge_vol_surface) -> VolSurface<'ctx> {
        VolSurface { raw: NonNull::new(raw).expect("NULL surface"), _ctx: PhantomData }
    }

    pub fn as_ptr(&self) -> *const sys::hedge_vol_surface {
        self.raw.as_ptr()
    }

    /// Number of expiries.
    pub fn slice_count(&self) -> usize {
        unsafe { sys::hedge_vol_surface_slice_count(self.raw.as_ptr()) }
    }

    /// The slices, in increasing order of expiry.
    pub fn slices(&self) -> Vec<SviSlice> {
        (0..self.slice_count())
            .map(|i| {
                let mut s = SviSlice::default();
                // In range by construction.
                unsafe { sys::hedge_vol_surface_slice(&mut s, self.raw.as_ptr(), i) };
                s
            })
            .collect()
    }

    /// Total implied variance at log-moneyness `k` and `t` years.
    pub fn total_variance(&self, k: f64, t: f64) -> Result<f64> {
        let mut w = 0.0;
        check(unsafe { sys::hedge_vol_surface_total_variance(&mut w, self.raw.as_ptr(), k, t) })?;
        Ok(w)
    }

    /// Implied volatility at a strike and an expiry, given the forward for that expiry.
    pub fn vol(&self, strike: f64, forward: f64, expiry_ms: i64) -> Result<f64> {
        let mut v = 0.0;
        check(unsafe { sys::hedge_vol_surface_vol(&mut v, self.raw.as_ptr(), strike, forward, expiry_ms) })?;
        Ok(v)
    }

    /// Static-arbitrage findings on `grid_points` points of [k_min, k_max]; empty when none.
    pub fn check_arbitrage(&self, k_min: f64, k_max: f64, grid_points: usize) -> Result<Vec<ArbitrageReport>> {
        let mut count = 0usize;
        check(unsafe {
            sys::hedge_vol_surface_check(ptr::null_mut(), 0, &mut count, self.raw.as_ptr(), k_min, k_max, grid_points)
        })?;
        let mut raw = vec![sys::hedge_arbitrage_report::default(); count];
        check(unsafe {
            sys::hedge_vol_surface_check(raw.as_mut_ptr(), raw.len(), &mut count, self.raw.as_ptr(), k_min, k_max,
                                         grid_points)
        })?;
        if count > raw.len() {
            return Err(HedgeError::invalid_arg("arbitrage count changed between calls".to_string()));
        }
        Ok(raw[..count]
            .iter()
            .map(|r| ArbitrageReport {
                kind: if r.kind == sys::HEDGE_ARBITRAGE_CALENDAR { ArbitrageKind::Calendar } else { ArbitrageKind::Butterfly },
                slice: r.slice,
                worst_k: r.worst_k,
                worst_value: r.worst_value,
                points: r.points,
            })
            .collect())
    }
}

impl<'ctx> Clone for VolSurface<'ctx> {
    fn clone(&self) -> Self {
        unsafe { VolSurface::from_raw(sys::hedge_vol_surface_ref(self.raw.as_ptr())) }
    }
}

impl<'ctx> Drop for VolSurface<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_vol_surface_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for VolSurface<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VolSurface").field("slices", &self.slice_count()).finish()
    }
}
