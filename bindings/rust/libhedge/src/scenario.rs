use std::marker::PhantomData;
use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result};
use crate::market::Market;
use crate::portfolio::Portfolio;
use crate::util::{borrowed_str, opt_cstring, opt_ptr};

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
    let empty_scn = sys::hedge_scenario { shifts: ptr::null(), n_shifts: 0, days: 0.0 };
    let empty_shift = sys::hedge_shift { underlying: ptr::null::<c_char>(), spot: 0.0, vol_rel: 0.0, vol_abs: 0.0 };
    let st = unsafe {
        sys::hedge_scenario_grid(ptr::null_mut(), ptr::null_mut(), 0, &mut count, spot_range, spot_steps,
                                 vol_moves.as_ptr(), vol_moves.len(), days)
    };
    if st != sys::HEDGE_OK && st != sys::HEDGE_ERR_BUFFER_TOO_SMALL {
        return Err(HedgeError::last(st));
    }
    let mut scn = vec![empty_scn; count];
    let mut shifts = vec![empty_shift; count];
    check(unsafe {
        sys::hedge_scenario_grid(scn.as_mut_ptr(), shifts.as_mut_ptr(), count, &mut count, spot_range, spot_steps,
                                 vol_moves.as_ptr(), vol_moves.len(), days)
    })?;
    Ok(scn
        .iter()
        .take(count)
        .map(|s| {
            let sh: &[sys::hedge_shift] =
                if s.n_shifts == 0 { &[] } else { unsafe { std::slice::from_raw_parts(s.shifts, s.n_shifts) } };
            Scenario {
                shifts: sh
                    .iter()
                    .map(|x| Shift {
                        underlying: unsafe { borrowed_str(x.underlying) }.map(str::to_string),
                        spot: x.spot,
                        vol_rel: x.vol_rel,
                        vol_abs: x.vol_abs,
                    })
                    .collect(),
                days: s.days,
            }
        })
        .collect())
}
