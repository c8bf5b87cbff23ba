use std::marker::PhantomData;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result};
use crate::market::Market;
use crate::portfolio::Portfolio;
use crate::util::{borrowed_str, cstring, opt_cstring, opt_ptr};

/// How the rows of a breakdown are keyed.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Breakdown {
    Underlying = 0,
    Expiry = 1,
    Venue = 2,
    /// Only when [`RiskOptions::per_position`] was set.
    Position = 3,
    Tenor = 4,
}

/// Options of [`Risk::compute`].
#[derive(Clone, Debug, Default)]
pub struct RiskOptions<'a> {
    /// Underlying in whose units the beta-weighted delta is also given.
    pub beta_reference: Option<&'a str>,
    /// (underlying, beta to the reference); unlisted underlyings have beta 1.
    pub betas: &'a [(&'a str, f64)],
    /// Keep one row per position.
    pub per_position: bool,
    /// Upper edges of the tenor buckets in days, or `None` for 7, 30, 90, 180 and 365.
    pub tenor_days: Option<&'a [f64]>,
}

/// One row of a breakdown or the whole book (`hedge_risk_row`, units in `risk.h`); its strings
/// borrow the report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RiskRow<'a> {
    pub underlying: Option<&'a str>,
    pub venue: Option<&'a str>,
    pub symbol: Option<&'a str>,
    pub expiry_ms: i64,
    pub positions: usize,
    pub quantity: f64,
    pub spot: f64,
    pub value_usd: f64,
    pub delta_coin: f64,
    pub delta_usd: f64,
    pub gamma_coin: f64,
    pub gamma_usd: f64,
    pub vega_usd: f64,
    pub theta_usd: f64,
    pub beta_delta_usd: f64,
    pub beta_delta_ref: f64,
    pub tenor_days: f64,
}

impl<'a> RiskRow<'a> {
    pub(crate) unsafe fn from_raw(r: &sys::hedge_risk_row) -> RiskRow<'a> {
        RiskRow {
            underlying: borrowed_str(r.underlying),
            venue: borrowed_str(r.venue),
            symbol: borrowed_str(r.symbol),
            expiry_ms: r.expiry_ms, positions: r.positions, quantity: r.quantity, spot: r.spot,
            value_usd: r.value_usd, delta_coin: r.delta_coin, delta_usd: r.delta_usd, gamma_coin: r.gamma_coin,
            gamma_usd: r.gamma_usd, vega_usd: r.vega_usd, theta_usd: r.theta_usd, beta_delta_usd: r.beta_delta_usd,
            beta_delta_ref: r.beta_delta_ref, tenor_days: r.tenor_days,
        }
    }
}

/// A book's value and Greeks, in total and by breakdown. Immutable once computed.
///
/// `Send + Sync`: the report is never written after `hedge_risk_compute` returns.
pub struct Risk<'ctx> {
    raw: NonNull<sys::hedge_risk>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Risk<'ctx> {}
unsafe impl<'ctx> Sync for Risk<'ctx> {}

impl<'ctx> Risk<'ctx> {
    /// Values every position off the market and aggregates (reads the portfolio under its lock).
    pub fn compute(ctx: &'ctx Context, portfolio: &Portfolio<'_>, market: &Market<'_>, options: &RiskOptions<'_>)
        -> Result<Risk<'ctx>> {
        let reference = opt_cstring("beta_reference", options.beta_reference)?;
        let names = options.betas.iter().map(|(u, _)| cstring("beta underlying", u)).collect::<Result<Vec<_>>>()?;
        let name_ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
        let betas: Vec<f64> = options.betas.iter().map(|(_, b)| *b).collect();
        let mut o = sys::hedge_risk_options::init();
        o.beta_reference = opt_ptr(&reference);
        if !betas.is_empty() {
            o.beta_underlyings = name_ptrs.as_ptr();
            o.betas = betas.as_ptr();
            o.n_betas = betas.len();
        }
        o.per_position = options.per_position as i32;
        if let Some(t) = options.tenor_days {
            o.tenor_days = t.as_ptr();
            o.n_tenors = t.len();
        }
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_risk_compute(&mut raw, ctx.as_ptr(), portfolio.as_ptr(), market.as_ptr(), &o) })?;
        Ok(Risk { raw: NonNull::new(raw).expect("NULL risk"), _ctx: PhantomData })
    }

    pub fn as_ptr(&self) -> *const sys::hedge_risk {
        self.raw.as_ptr()
    }

    /// The whole book (USD figures summed over every underlying; coin figures 0).
    pub fn total(&self) -> RiskRow<'_> {
        let mut r = sys::hedge_risk_row::init();
        // Cannot fail with a valid report and our own struct_size.
        unsafe {
            sys::hedge_risk_total(&mut r, self.raw.as_ptr());
            RiskRow::from_raw(&r)
        }
    }

    pub fn row_count(&self, by: Breakdown) -> usize {
        unsafe { sys::hedge_risk_row_count(self.raw.as_ptr(), by as i32) }
    }

    /// Row `index` of a breakdown.
    pub fn row(&self, by: Breakdown, index: usize) -> Result<RiskRow<'_>> {
        let mut r = sys::hedge_risk_row::init();
        check(unsafe { sys::hedge_risk_row_get(&mut r, self.raw.as_ptr(), by as i32, index) })?;
        Ok(unsafe { RiskRow::from_raw(&r) })
    }

    /// Every row of a breakdown.
    pub fn rows(&self, by: Breakdown) -> Vec<RiskRow<'_>> {
        (0..self.row_count(by)).filter_map(|i| self.row(by, i).ok()).collect()
    }
}

impl<'ctx> Drop for Risk<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_risk_destroy(self.raw.as_ptr()) }
    }
}

/// What moved a book's value between two markets, USD (`hedge_pnl_explain`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PnlExplain {
    pub actual: f64,
    pub delta: f64,
    pub gamma: f64,
    pub vega: f64,
    pub theta: f64,
    pub funding: f64,
    pub residual: f64,
}

/// Explains a book's P&L from `before` to `after`, for one underlying or (`None`) the whole book.
pub fn pnl_explain(portfolio: &Portfolio<'_>, before: &Market<'_>, after: &Market<'_>, underlying: Option<&str>)
    -> Result<PnlExplain> {
    let u = opt_cstring("underlying", underlying)?;
    let mut e = sys::hedge_pnl_explain::init();
    check(unsafe {
        sys::hedge_pnl_explain_compute(&mut e, portfolio.as_ptr(), before.as_ptr(), after.as_ptr(), opt_ptr(&u))
    })?;
    Ok(PnlExplain {
        actual: e.actual, delta: e.delta, gamma: e.gamma, vega: e.vega, theta: e.theta, funding: e.funding,
        residual: e.residual,
    })
}

/// The most columns [`aggregate_columns`] sums in one call (`hedge_aggregate_columns`' limit).
pub const AGGREGATE_MAX_COLUMNS: usize = 64;

/// Adds columns of per-position figures into buckets (`hedge_aggregate_columns`): for every
/// position `i` and column `c`, `sums[buckets[i] * columns.len() + c] += columns[c][i]`.
///
/// `sums` holds `n_buckets` rows of `columns.len()` running sums, row-major by bucket; they are
/// added to, not overwritten, so a large book can be fed in slices. The kernel for books too large
/// to value position by position, whose Greeks come from the batch pricers (quantity-weighted
/// deltas, vegas, ... in USD, say: the units are the columns').
///
/// The order of the additions is unspecified: a sum can differ from a plain loop's by rounding,
/// within `n * f64::EPSILON * sum|x|` over the figures it adds. Nothing is allocated.
///
/// # Errors
/// `HEDGE_ERR_INVALID_ARG`, with `sums` unchanged, when a column's length differs from the
/// number of bucket ids, `sums` does not hold `n_buckets * columns.len()` values, there are no
/// columns or more than [`AGGREGATE_MAX_COLUMNS`], or a bucket id is `n_buckets` or more (the
/// library checks every id before writing).
pub fn aggregate_columns(buckets: &[u32], columns: &[&[f64]], sums: &mut [f64], n_buckets: usize) -> Result<()> {
    let n = buckets.len();
    if columns.is_empty() || columns.len() > AGGREGATE_MAX_COLUMNS {
        return Err(HedgeError::invalid_arg(format!(
            "aggregate_columns: 1 to {} columns, got {}", AGGREGATE_MAX_COLUMNS, columns.len())));
    }
    if let Some((c, col)) = columns.iter().enumerate().find(|(_, col)| col.len() != n) {
        return Err(HedgeError::invalid_arg(format!(
            "aggregate_columns: column {} has {} values for {} bucket ids", c, col.len(), n)));
    }
    match n_buckets.checked_mul(columns.len()) {
        Some(want) if want == sums.len() => {}
        _ => {
            return Err(HedgeError::invalid_arg(format!(
                "aggregate_columns: sums holds {} values, {} buckets x {} columns expected", sums.len(), n_buckets,
                columns.len())))
        }
    }
    // The column pointers on the stack: the kernel is a hot path and allocates nothing, nor does this.
    let mut ptrs = [ptr::null::<f64>(); AGGREGATE_MAX_COLUMNS];
    for (p, col) in ptrs.iter_mut().zip(columns) {
        *p = col.as_ptr();
    }
    // Empty slices have dangling, non-NULL pointers, which the library accepts with n = 0 or
    // n_buckets = 0 (it reads and writes nothing through them then).
    check(unsafe {
        sys::hedge_aggregate_columns(n, buckets.as_ptr(), ptrs.as_ptr(), columns.len(), sums.as_mut_ptr(), n_buckets)
    })
}
