use std::ffi::CString;
use std::marker::PhantomData;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result, Status};
use crate::market::Market;
use crate::portfolio::Portfolio;
use crate::util::{borrowed_str, cstring, opt_cstring, opt_ptr};

/// The move of one underlying (or, with `underlying` `None`, of every underlying without a shift of
/// its own): S' = S (1 + spot), sigma' = max(sigma (1 + vol_rel) + vol_abs, 0).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shift {
    pub underlying: Option<String>,
    pub spot: f64,
    pub vol_rel: f64,
    pub vol_abs: f64,
}

/// Shifts per underlying and a move of the valuation time by `days` (ACT/365).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    pub shifts: Vec<Shift>,
    pub days: f64,
}

/// Scenarios in the C layout: the names and shift arrays the structs point into live alongside
/// them (moving this value moves none of their heap buffers).
pub(crate) struct RawScenarios {
    _names: Vec<Option<CString>>,
    _shifts: Vec<Vec<sys::hedge_shift>>,
    scenarios: Vec<sys::hedge_scenario>,
}

impl RawScenarios {
    pub(crate) fn new(scenarios: &[Scenario]) -> Result<RawScenarios> {
        // C strings and shift arrays first, then the scenario structs that point into them.
        let mut names = Vec::new();
        for s in scenarios {
            for sh in &s.shifts {
                names.push(opt_cstring("underlying", sh.underlying.as_deref())?);
            }
        }
        let mut it = names.iter();
        let shifts: Vec<Vec<sys::hedge_shift>> = scenarios
            .iter()
            .map(|s| {
                s.shifts
                    .iter()
                    .map(|sh| sys::hedge_shift {
                        underlying: opt_ptr(it.next().expect("one name per shift")),
                        spot: sh.spot,
                        vol_rel: sh.vol_rel,
                        vol_abs: sh.vol_abs,
                    })
                    .collect()
            })
            .collect();
        let raw: Vec<sys::hedge_scenario> = scenarios
            .iter()
            .zip(&shifts)
            .map(|(s, sh)| sys::hedge_scenario {
                shifts: if sh.is_empty() { ptr::null() } else { sh.as_ptr() },
                n_shifts: sh.len(),
                days: s.days,
            })
            .collect();
        Ok(RawScenarios { _names: names, _shifts: shifts, scenarios: raw })
    }

    pub(crate) fn as_ptr(&self) -> *const sys::hedge_scenario {
        self.scenarios.as_ptr()
    }

    pub(crate) fn len(&self) -> usize {
        self.scenarios.len()
    }
}

/// The positions x scenarios P&L matrix of a full revaluation, USD. Immutable.
///
/// `Send + Sync`: immutable once computed.
pub struct ScenarioPnl<'ctx> {
    raw: NonNull<sys::hedge_scenario_pnl>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for ScenarioPnl<'ctx> {}
unsafe impl<'ctx> Sync for ScenarioPnl<'ctx> {}

impl<'ctx> ScenarioPnl<'ctx> {
    /// Revalues every position under every scenario on `threads` threads (0 or 1: this one); the
    /// result does not depend on the thread count.
    pub fn run(ctx: &'ctx Context, portfolio: &Portfolio<'_>, market: &Market<'_>, scenarios: &[Scenario],
               threads: u32) -> Result<ScenarioPnl<'ctx>> {
        let raw_scenarios = RawScenarios::new(scenarios)?;
        let mut opts = sys::hedge_scenario_options::init();
        opts.threads = threads;
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_scenarios_run(&mut raw, ctx.as_ptr(), portfolio.as_ptr(), market.as_ptr(),
                                     raw_scenarios.as_ptr(), raw_scenarios.len(), &opts)
        })?;
        Ok(ScenarioPnl { raw: NonNull::new(raw).expect("NULL scenario result"), _ctx: PhantomData })
    }

    /// Rows: positions, in the portfolio's order at the time of the run.
    pub fn positions(&self) -> usize {
        unsafe { sys::hedge_scenario_pnl_positions(self.raw.as_ptr()) }
    }

    /// Columns: scenarios.
    pub fn scenarios(&self) -> usize {
        unsafe { sys::hedge_scenario_pnl_scenarios(self.raw.as_ptr()) }
    }

    /// Row-major: `[i * scenarios() + j]` is position i under scenario j, USD.
    pub fn matrix(&self) -> &[f64] {
        let n = self.positions() * self.scenarios();
        let p = unsafe { sys::hedge_scenario_pnl_matrix(self.raw.as_ptr()) };
        if n == 0 || p.is_null() { &[] } else { unsafe { std::slice::from_raw_parts(p, n) } }
    }

    /// The symbol of row `index`.
    pub fn symbol(&self, index: usize) -> Option<&str> {
        unsafe { borrowed_str(sys::hedge_scenario_pnl_symbol(self.raw.as_ptr(), index)) }
    }

    /// The book's P&L per scenario (column sums in position order), USD.
    pub fn totals(&self) -> Vec<f64> {
        let mut t = vec![0.0; self.scenarios()];
        // n is the scenario count, so this cannot fail.
        unsafe { sys::hedge_scenario_pnl_totals(t.as_mut_ptr(), t.len(), self.raw.as_ptr()) };
        t
    }
}

impl<'ctx> Drop for ScenarioPnl<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_scenario_pnl_destroy(self.raw.as_ptr()) }
    }
}

/// A spot x volatility grid for every underlying: spot moves -range..+range in 2 `spot_steps`
/// steps, each with every relative vol move; scenario (i, j) at index i * vol_moves.len() + j.
pub fn scenario_grid(spot_range: f64, spot_steps: usize, vol_moves: &[f64], days: f64) -> Result<Vec<Scenario>> {
    let mut count = 0usize;
    let st = unsafe {
        sys::hedge_scenario_grid(ptr::null_mut(), ptr::null_mut(), 0, &mut count, spot_range, spot_steps,
                                 vol_moves.as_ptr(), vol_moves.len(), days)
    };
    if st != sys::HEDGE_OK && st != sys::HEDGE_ERR_BUFFER_TOO_SMALL {
        return Err(HedgeError::last(st));
    }
    let mut scn = filled("scenario_grid", count, EMPTY_SCENARIO)?;
    let mut shifts = filled("scenario_grid", count, EMPTY_SHIFT)?;
    check(unsafe {
        sys::hedge_scenario_grid(scn.as_mut_ptr(), shifts.as_mut_ptr(), count, &mut count, spot_range, spot_steps,
                                 vol_moves.as_ptr(), vol_moves.len(), days)
    })?;
    Ok(unsafe { from_raw(&scn[..count]) })
}

const EMPTY_SCENARIO: sys::hedge_scenario = sys::hedge_scenario { shifts: ptr::null(), n_shifts: 0, days: 0.0 };
const EMPTY_SHIFT: sys::hedge_shift =
    sys::hedge_shift { underlying: ptr::null::<c_char>(), spot: 0.0, vol_rel: 0.0, vol_abs: 0.0 };

/// `n` copies of `value`, or `HEDGE_ERR_NOMEM` instead of an abort when they do not fit: the sizes
/// here come from the caller's data (observations, scenario counts), not from the program.
fn filled<T: Copy>(what: &str, n: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| HedgeError::new(Status::NOMEM, format!("{}: cannot allocate {} elements", what, n)))?;
    v.resize(n, value);
    Ok(v)
}

/// Scenarios the library wrote, copied into Rust values.
///
/// # Safety
/// Every scenario's `shifts` points at `n_shifts` valid shifts whose names are NULL or valid C
/// strings, as the library's generators leave them.
unsafe fn from_raw(scenarios: &[sys::hedge_scenario]) -> Vec<Scenario> {
    scenarios
        .iter()
        .map(|s| {
            let sh: &[sys::hedge_shift] =
                if s.n_shifts == 0 { &[] } else { std::slice::from_raw_parts(s.shifts, s.n_shifts) };
            Scenario {
                shifts: sh
                    .iter()
                    .map(|x| Shift {
                        underlying: borrowed_str(x.underlying).map(str::to_string),
                        spot: x.spot,
                        vol_rel: x.vol_rel,
                        vol_abs: x.vol_abs,
                    })
                    .collect(),
                days: s.days,
            }
        })
        .collect()
}

/// Underlying names as C strings and the array of pointers the generators take. The pointers
/// point into the strings' own heap buffers, so moving this value keeps them valid.
struct Names {
    _owned: Vec<CString>,
    ptrs: Vec<*const c_char>,
}

fn c_names<S: AsRef<str>>(what: &str, underlyings: &[S]) -> Result<Names> {
    let owned = underlyings.iter().map(|u| cstring(what, u.as_ref())).collect::<Result<Vec<_>>>()?;
    let ptrs = owned.iter().map(|c| c.as_ptr()).collect();
    Ok(Names { _owned: owned, ptrs })
}

fn too_large(what: &str, a: usize, b: usize) -> HedgeError {
    HedgeError::new(Status::TOO_LARGE, format!("{}: {} x {} is too large", what, a, b))
}

/// Historical joint scenarios from a price history given as a flat row-major slice: row t (oldest
/// first) is `prices[t * n .. (t + 1) * n]`, one price per underlying in the order of
/// `underlyings` (n = `underlyings.len()`).
///
/// Scenario t (t = 0 .. n_obs - horizon - 1, overlapping windows) moves underlying u by
/// `spot = S[t + horizon][u] / S[t][u] - 1` and, with `vols` (an ATM vol history of the same shape,
/// fractions: 0.55 is 55%), its vols by the absolute `vol_abs = v[t + horizon][u] - v[t][u]`
/// (vol_rel 0). Every scenario has one [`Shift`] per underlying, named, in the order of
/// `underlyings`, and moves time by `days` (calendar days, ACT/365; usually the horizon in days,
/// 0 for an instantaneous shock). Prices are in any unit (only ratios are used), finite and > 0;
/// vols finite and >= 0. The result goes to [`ScenarioPnl::run`] as it is.
///
/// Errors (`hedge_scenario_historical`): `HEDGE_ERR_INVALID_ARG` when `prices.len()` is not a
/// multiple of the number of underlyings or `vols` has another length (checked here), no
/// underlyings, a repeated name or one with a NUL byte, `horizon` 0 or >= the number of rows;
/// `HEDGE_ERR_DOMAIN` for a price <= 0 or non-finite, a vol < 0 or non-finite, a ratio of prices
/// that overflows, or `days` negative or non-finite (the message names the observation and
/// underlying); `HEDGE_ERR_NOMEM` when the scenarios do not fit in memory.
///
/// ```
/// # use libhedge::*;
/// // BTC 100 -> 110 -> 99, ETH 10 -> 12 -> 6, one row per day
/// let prices = [100.0, 10.0, 110.0, 12.0, 99.0, 6.0];
/// let s = historical_scenarios(&["BTC", "ETH"], &prices, None, 1, 1.0).unwrap();
/// assert_eq!(s.len(), 2);
/// assert_eq!(s[1].shifts[1].underlying.as_deref(), Some("ETH"));
/// assert!((s[1].shifts[1].spot - (6.0 / 12.0 - 1.0)).abs() < 1e-15);
/// ```
pub fn historical_scenarios<S: AsRef<str>>(underlyings: &[S], prices: &[f64], vols: Option<&[f64]>, horizon: usize,
                                           days: f64) -> Result<Vec<Scenario>> {
    const FN: &str = "historical_scenarios";
    let m = underlyings.len();
    if m > 0 && prices.len() % m != 0 {
        return Err(HedgeError::invalid_arg(format!(
            "{}: {} prices do not make whole rows of {} underlyings", FN, prices.len(), m)));
    }
    if let Some(v) = vols {
        if v.len() != prices.len() {
            return Err(HedgeError::invalid_arg(format!("{}: {} vols for {} prices", FN, v.len(), prices.len())));
        }
    }
    let names = c_names(FN, underlyings)?;
    // With no underlyings there are no rows; the library refuses that with its own message.
    let n_obs = prices.len().checked_div(m).unwrap_or(0);
    // The count when the horizon is valid (1 .. n_obs - 1); the library refuses any other horizon
    // before writing, so a capacity computed from it is never used. count * m <= prices.len(): no
    // overflow.
    let capacity = n_obs.saturating_sub(horizon);
    let mut scn = filled(FN, capacity, EMPTY_SCENARIO)?;
    let mut shifts = filled(FN, capacity * m, EMPTY_SHIFT)?;
    let mut count = 0usize;
    check(unsafe {
        sys::hedge_scenario_historical(scn.as_mut_ptr(), shifts.as_mut_ptr(), capacity, &mut count,
                                       names.ptrs.as_ptr(), m, prices.as_ptr(),
                                       vols.map_or(ptr::null(), <[f64]>::as_ptr), n_obs, horizon, days)
    })?;
    // The shifts' names point into `names`, which lives until the copy is made.
    Ok(unsafe { from_raw(&scn[..count]) })
}

/// As [`historical_scenarios`], with the history as a slice of rows (oldest first), each row one
/// price per underlying in the order of `underlyings`: `&[[f64; 2]]`, `&[Vec<f64>]` and `&[&[f64]]`
/// all do. `vols`, when given, has as many rows of the same length.
///
/// A row of another length, or a vol history with another number of rows, is
/// `HEDGE_ERR_INVALID_ARG` (the message names the row); otherwise the errors are those of
/// [`historical_scenarios`].
///
/// ```
/// # use libhedge::*;
/// let prices = vec![[100.0, 10.0], [110.0, 12.0], [99.0, 6.0]];
/// let vols = vec![[0.50, 0.70], [0.55, 0.65], [0.60, 0.90]];
/// let s = historical_scenarios_rows(&["BTC", "ETH"], &prices, Some(&vols), 2, 2.0).unwrap();
/// assert_eq!(s.len(), 1);
/// assert!((s[0].shifts[1].vol_abs - 0.20).abs() < 1e-15);
/// ```
pub fn historical_scenarios_rows<S: AsRef<str>, R: AsRef<[f64]>>(underlyings: &[S], prices: &[R],
                                                                 vols: Option<&[R]>, horizon: usize, days: f64)
    -> Result<Vec<Scenario>> {
    const FN: &str = "historical_scenarios_rows";
    let m = underlyings.len();
    let flat_p = flatten(FN, "prices", prices, m)?;
    let flat_v = match vols {
        Some(v) if v.len() != prices.len() => {
            return Err(HedgeError::invalid_arg(format!("{}: {} rows of vols for {} rows of prices", FN, v.len(),
                                                       prices.len())));
        }
        Some(v) => Some(flatten(FN, "vols", v, m)?),
        None => None,
    };
    historical_scenarios(underlyings, &flat_p, flat_v.as_deref(), horizon, days)
}

fn flatten<R: AsRef<[f64]>>(what: &str, name: &str, rows: &[R], width: usize) -> Result<Vec<f64>> {
    let len = rows.len().checked_mul(width).ok_or_else(|| too_large(what, rows.len(), width))?;
    let mut flat = Vec::new();
    flat.try_reserve_exact(len)
        .map_err(|_| HedgeError::new(Status::NOMEM, format!("{}: cannot allocate {} values", what, len)))?;
    for (t, row) in rows.iter().enumerate() {
        let row = row.as_ref();
        if row.len() != width {
            return Err(HedgeError::invalid_arg(format!("{}: row {} of {} has {} values for {} underlyings", what,
                                                       t, name, row.len(), width)));
        }
        flat.extend_from_slice(row);
    }
    Ok(flat)
}

/// `n` joint lognormal spot scenarios of correlated underlyings, numbered `k_begin` ..
/// `k_begin + n - 1`.
///
/// With t = `days` / 365, scenario k moves underlying u by spot = exp(-sigma_u^2 t / 2 +
/// sigma_u sqrt(t) Z_u) - 1, Z ~ N(0, C), so the expected move is 0 (the scenarios shock the book;
/// [`ScenarioPnl::run`] rolls time by `days` itself); vols do not move. `vols` are annualised
/// lognormal vols per underlying (fractions), `correlation` the m x m matrix C row-major for
/// m = `underlyings.len()` (`correlation[i * m + j]`; finite, symmetric and with unit diagonal within 1e-12, entries in
/// [-1, 1], positive semi-definite: a singular matrix is accepted, a correlation of exactly 1 gives
/// identical moves up to the vols). Every scenario has one named [`Shift`] per underlying, in the
/// order of `underlyings`, and moves time by `days`.
///
/// Scenario number k is a pure function of (`seed`, k, the other inputs) (a Philox4x32-10 stream
/// per scenario): calls over `k_begin` = 0 with `n` = a, then `k_begin` = a with `n` = b - a, give
/// bit for bit the scenarios of one call with `n` = b, on any thread or machine. The workspace the
/// C function needs (m (m + 1) doubles) is allocated here.
///
/// Errors (`hedge_scenario_sample`): `HEDGE_ERR_INVALID_ARG` when `vols` does not have one entry per
/// underlying or `correlation` is not m x m (checked here), `n` 0, no underlyings, a repeated name
/// or one with a NUL byte, `k_begin + n` beyond 2^64; `HEDGE_ERR_DOMAIN` for a vol < 0 or
/// non-finite, `days` negative or non-finite, a correlation matrix that is not finite, not
/// symmetric, without unit diagonal, with an entry outside [-1, 1] or not PSD (the message says
/// which); `HEDGE_ERR_TOO_LARGE` / `HEDGE_ERR_NOMEM` when the scenarios do not fit in memory.
///
/// ```
/// # use libhedge::*;
/// let corr = [1.0, 0.5, 0.5, 1.0];
/// let all = sample_scenarios(&["BTC", "ETH"], &[0.6, 0.8], &corr, 1.0, 10, 42, 0).unwrap();
/// let tail = sample_scenarios(&["BTC", "ETH"], &[0.6, 0.8], &corr, 1.0, 4, 42, 6).unwrap();
/// assert_eq!(&all[6..], &tail[..]);
/// ```
pub fn sample_scenarios<S: AsRef<str>>(underlyings: &[S], vols: &[f64], correlation: &[f64], days: f64, n: usize,
                                       seed: u64, k_begin: u64) -> Result<Vec<Scenario>> {
    const FN: &str = "sample_scenarios";
    let m = underlyings.len();
    if vols.len() != m {
        return Err(HedgeError::invalid_arg(format!("{}: {} vols for {} underlyings", FN, vols.len(), m)));
    }
    if m.checked_mul(m) != Some(correlation.len()) {
        return Err(HedgeError::invalid_arg(format!(
            "{}: the correlation of {} underlyings needs {} x {} entries, got {}", FN, m, m, m, correlation.len())));
    }
    let names = c_names(FN, underlyings)?;
    // HEDGE_SCENARIO_SAMPLE_WORKSPACE: m * m fits (it is the correlation's length), m more as well.
    let ws_len = m * m + m;
    let n_shifts = n.checked_mul(m).ok_or_else(|| too_large(FN, n, m))?;
    let mut workspace = filled(FN, ws_len, 0.0f64)?;
    let mut scn = filled(FN, n, EMPTY_SCENARIO)?;
    let mut shifts = filled(FN, n_shifts, EMPTY_SHIFT)?;
    check(unsafe {
        sys::hedge_scenario_sample(scn.as_mut_ptr(), shifts.as_mut_ptr(), n, names.ptrs.as_ptr(), m, vols.as_ptr(),
                                   correlation.as_ptr(), days, seed, k_begin, workspace.as_mut_ptr(), ws_len)
    })?;
    Ok(unsafe { from_raw(&scn) })
}

/// Value-at-risk and expected shortfall `(var, es)` of a scenario P&L distribution at the
/// confidence `level` in (0, 1) (0.99 for 99%), both as losses in the P&L's unit (positive is a
/// loss; USD for [`ScenarioPnl::totals`]).
///
/// The loss is L = -P&L, scenario i having probability `probabilities[i]` (finite, >= 0, summing
/// to 1 within 1e-9, then divided by their sum) or 1/n each with `None`. VaR is the lower `level`
/// quantile of L: the smallest loss L_(i) whose cumulative probability reaches the level (within
/// 1e-12, so that 0.99 of 100 equally likely scenarios is the 99th smallest loss). ES is Acerbi
/// and Tasche's expected shortfall, 1/(1 - level) times the integral of the loss quantile over
/// (level, 1) = (E[L 1{L > VaR}] + VaR (P(L <= VaR) - level)) / (1 - level): an atom at VaR counts
/// only with the part of its probability beyond the level, so ES >= VaR and ES is subadditive;
/// it is not E[L | L >= VaR]. The workspace the C function needs (2 `pnl.len()` doubles) is
/// allocated here.
///
/// Errors (`hedge_scenario_var`): `HEDGE_ERR_INVALID_ARG` when `probabilities` has another length
/// than `pnl` (checked here) or `pnl` is empty; `HEDGE_ERR_DOMAIN` for a level outside (0, 1) or
/// NaN, a non-finite P&L, a negative or non-finite probability, or probabilities that do not sum
/// to 1 (the message names the index).
///
/// ```
/// # use libhedge::*;
/// // losses 1 .. 100, equally likely: VaR 95% is the 95th smallest, ES the mean of the 5 above it
/// let pnl: Vec<f64> = (1..=100).map(|i| -(i as f64)).collect();
/// let (var, es) = scenario_var(&pnl, None, 0.95).unwrap();
/// assert_eq!(var, 95.0);
/// assert!((es - 98.0).abs() < 1e-12);
/// ```
pub fn scenario_var(pnl: &[f64], probabilities: Option<&[f64]>, level: f64) -> Result<(f64, f64)> {
    const FN: &str = "scenario_var";
    if let Some(p) = probabilities {
        if p.len() != pnl.len() {
            return Err(HedgeError::invalid_arg(format!("{}: {} probabilities for {} P&L values", FN, p.len(),
                                                       pnl.len())));
        }
    }
    // HEDGE_SCENARIO_VAR_WORKSPACE
    let ws_len = pnl.len().checked_mul(2).ok_or_else(|| too_large(FN, pnl.len(), 2))?;
    let mut workspace = filled(FN, ws_len, 0.0f64)?;
    let (mut var, mut es) = (0.0, 0.0);
    check(unsafe {
        sys::hedge_scenario_var(&mut var, &mut es, pnl.as_ptr(), probabilities.map_or(ptr::null(), <[f64]>::as_ptr),
                                pnl.len(), level, workspace.as_mut_ptr(), ws_len)
    })?;
    Ok((var, es))
}
