use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result};
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
    /// at-the-money band. Stale, one-sided and in-the-money quotes are skipped.
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
