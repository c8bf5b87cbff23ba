//! Volatility forecasting (`volatility.h`): realised volatility from price bars, the EWMA
//! (RiskMetrics) forecast, and GARCH(1,1) fitted by maximum likelihood with its forecasts and a
//! simulator.
//!
//! Units: volatilities are annualised decimals (0.5 is 50% a year), a per-period variance v being
//! the volatility `sqrt(periods_per_year * v)`; `periods_per_year` is the number of bars or returns
//! in a year (365 for daily crypto bars, 252 for daily equity bars, 8760 for hourly crypto bars).
//! Returns are log returns per period. Variances that are not annualised (EWMA seeds, GARCH
//! parameters and forecasts) are per period, in squared log return.
//!
//! Every function here is pure: callable from any thread, allocating nothing on the C side, and
//! writing nothing when it fails.

use std::ptr;

use libhedge_sys as sys;

use crate::error::{check, HedgeError, Result};

/// A realised-volatility estimator of [`realized_vol`] (`hedge_vol_estimator`); see `volatility.h`
/// for each formula. With o_i = ln(O_i / C_{i-1}), c_i = ln(C_i / O_i):
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VolEstimator {
    /// Sample variance of the close-to-close log returns (divisor n - 2). Closes; n >= 3.
    CloseToClose = 0,
    /// Parkinson (1980): mean of ln(H/L)^2 / (4 ln 2). Highs and lows; n >= 1.
    Parkinson = 1,
    /// Garman-Klass (1980): mean of 0.5 ln(H/L)^2 - (2 ln 2 - 1) c_i^2. All four; n >= 1.
    GarmanKlass = 2,
    /// Rogers-Satchell (1991): mean of ln(H/C) ln(H/O) + ln(L/C) ln(L/O). All four; n >= 1.
    RogersSatchell = 3,
    /// Yang-Zhang (2000): overnight, open-to-close and Rogers-Satchell variances combined over the
    /// n - 1 periods after the first bar. All four; n >= 3.
    YangZhang = 4,
}

/// Price bars as separate arrays (opens, highs, lows, closes; USD or any price unit, all > 0).
/// An array the estimator does not use may be `None`; the arrays given must have one length, the
/// number of bars.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bars<'a> {
    pub open: Option<&'a [f64]>,
    pub high: Option<&'a [f64]>,
    pub low: Option<&'a [f64]>,
    pub close: Option<&'a [f64]>,
}

impl<'a> Bars<'a> {
    /// Closes only (close-to-close).
    pub fn closes(close: &'a [f64]) -> Bars<'a> {
        Bars { close: Some(close), ..Bars::default() }
    }

    /// Highs and lows only (Parkinson).
    pub fn high_low(high: &'a [f64], low: &'a [f64]) -> Bars<'a> {
        Bars { high: Some(high), low: Some(low), ..Bars::default() }
    }

    /// All four (every estimator).
    pub fn ohlc(open: &'a [f64], high: &'a [f64], low: &'a [f64], close: &'a [f64]) -> Bars<'a> {
        Bars { open: Some(open), high: Some(high), low: Some(low), close: Some(close) }
    }

    /// The number of bars: the common length of the arrays given (0 when none is).
    fn len(&self) -> Result<usize> {
        let mut n = None;
        for (name, a) in [("open", self.open), ("high", self.high), ("low", self.low), ("close", self.close)] {
            if let Some(a) = a {
                match n {
                    None => n = Some(a.len()),
                    Some(m) if m != a.len() => {
                        return Err(HedgeError::invalid_arg(format!(
                            "realized_vol: {} has {} bars, the arrays before it {}", name, a.len(), m)))
                    }
                    _ => {}
                }
            }
        }
        Ok(n.unwrap_or(0))
    }
}

fn ptr_of(a: Option<&[f64]>) -> *const f64 {
    a.map_or(ptr::null(), |a| a.as_ptr())
}

/// ```
/// # use libhedge::*;
/// let (high, low) = ([101.0, 102.5, 101.8], [99.2, 100.1, 99.9]);
/// let vol = realized_vol(VolEstimator::Parkinson, &Bars::high_low(&high, &low), 365.0)?;
/// let by_hand = (365.0 * high.iter().zip(&low).map(|(h, l)| (h / l).ln().powi(2)).sum::<f64>()
///                / (3.0 * 4.0 * 2f64.ln())).sqrt();
/// assert!((vol - by_hand).abs() < 1e-12);
/// # Ok::<(), HedgeError>(())
/// ```
///
/// Annualised realised volatility of `bars` by `est`. A missing array the estimator needs, or fewer
/// bars than its minimum, is `HEDGE_ERR_INVALID_ARG`; a bad price (the message names its index), a
/// high below its low, an open or close outside [low, high] or a bad `periods_per_year` is
/// `HEDGE_ERR_DOMAIN`.
pub fn realized_vol(est: VolEstimator, bars: &Bars<'_>, periods_per_year: f64) -> Result<f64> {
    // Every array handed to C is one of `n` elements; the ones left out are NULL and not read.
    let n = bars.len()?;
    let mut vol = 0.0;
    check(unsafe {
        sys::hedge_realized_vol(&mut vol, est as i32, ptr_of(bars.open), ptr_of(bars.high), ptr_of(bars.low),
                                ptr_of(bars.close), n, periods_per_year)
    })?;
    Ok(vol)
}

/// EWMA (RiskMetrics) forecast of the volatility of the period after the last of `returns`: the
/// variance recursion s2_{t+1} = lambda s2_t + (1 - lambda) r_t^2 (returns not demeaned), annualised.
/// `initial_variance` seeds s2_1 (per period); 0 takes the mean square of the first min(n, 30)
/// returns. `lambda` in (0, 1): 0.94 is RiskMetrics' daily decay.
pub fn ewma_vol(returns: &[f64], lambda: f64, initial_variance: f64, periods_per_year: f64) -> Result<f64> {
    let mut vol = 0.0;
    check(unsafe {
        sys::hedge_ewma_vol(&mut vol, ptr::null_mut(), returns.as_ptr(), returns.len(), lambda, initial_variance,
                            periods_per_year)
    })?;
    Ok(vol)
}

/// As [`ewma_vol`], also writing the annualised forecast made before each return:
/// `series[t]` = sqrt(periods_per_year s2_{t+1}) for return t (0-based), `series[0]` the seed's.
/// `series` must have one element per return.
pub fn ewma_vol_series(series: &mut [f64], returns: &[f64], lambda: f64, initial_variance: f64,
                       periods_per_year: f64) -> Result<f64> {
    if series.len() != returns.len() {
        return Err(HedgeError::invalid_arg(format!(
            "ewma_vol_series: {} series elements for {} returns", series.len(), returns.len())));
    }
    let mut vol = 0.0;
    check(unsafe {
        sys::hedge_ewma_vol(&mut vol, series.as_mut_ptr(), returns.as_ptr(), returns.len(), lambda, initial_variance,
                            periods_per_year)
    })?;
    Ok(vol)
}

/// Settings of [`Garch::fit`] (`hedge_garch_options`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GarchOptions {
    /// Stop when every gradient component of the mean log-likelihood per return (in the fit's
    /// unconstrained parameters) is at most this; finite and > 0. Default 1e-7.
    pub tolerance: f64,
    /// Most quasi-Newton iterations, >= 1; default 500.
    pub max_iter: usize,
    /// Subtract the sample mean of the returns (default); `false`: mean 0.
    pub demean: bool,
}

impl Default for GarchOptions {
    /// `HEDGE_GARCH_OPTIONS_INIT`.
    fn default() -> Self {
        let o = sys::hedge_garch_options::init();
        GarchOptions { tolerance: o.tolerance, max_iter: o.max_iter, demean: o.demean != 0 }
    }
}

/// A GARCH(1,1) model of per-period log returns (`hedge_garch`): r_t = mean + e_t,
/// e_t = sqrt(h_t) z_t, h_{t+1} = omega + alpha e_t^2 + beta h_t, variances per period.
///
/// Made by [`Garch::fit`], or by hand with [`Garch::new`] for the forecasts and the simulator,
/// which read only `omega`, `alpha`, `beta`, `mean` and (forecasts) `next_variance`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Garch {
    /// Constant of the variance recursion, > 0.
    pub omega: f64,
    /// Weight of the last squared residual, >= 0.
    pub alpha: f64,
    /// Weight of the last variance, >= 0; alpha + beta < 1.
    pub beta: f64,
    /// Mean return per period.
    pub mean: f64,
    /// Gaussian log-likelihood of the fitted returns (fit only).
    pub log_likelihood: f64,
    /// h_{n+1}: the variance of the period after the last fitted return.
    pub next_variance: f64,
    /// omega / (1 - alpha - beta), written by the fit; not read by the forecasts.
    pub long_run_variance: f64,
    /// Quasi-Newton iterations of the fit.
    pub iterations: usize,
    /// Returns fitted.
    pub observations: usize,
    /// The fit met its tolerance (`false`: it stopped at `max_iter` with the best point found).
    pub converged: bool,
}

impl Garch {
    /// A model set by hand; the fit's statistics are 0 and `long_run_variance` is
    /// omega / (1 - alpha - beta) as the fit would write it.
    pub fn new(omega: f64, alpha: f64, beta: f64, mean: f64, next_variance: f64) -> Garch {
        Garch {
            omega, alpha, beta, mean, log_likelihood: 0.0, next_variance,
            long_run_variance: omega / (1.0 - alpha - beta), iterations: 0, observations: 0, converged: false,
        }
    }

    fn to_raw(self) -> sys::hedge_garch {
        sys::hedge_garch {
            omega: self.omega, alpha: self.alpha, beta: self.beta, mean: self.mean,
            log_likelihood: self.log_likelihood, next_variance: self.next_variance,
            long_run_variance: self.long_run_variance, iterations: self.iterations, observations: self.observations,
            converged: self.converged as i32, ..sys::hedge_garch::init()
        }
    }

    fn from_raw(m: &sys::hedge_garch) -> Garch {
        Garch {
            omega: m.omega, alpha: m.alpha, beta: m.beta, mean: m.mean, log_likelihood: m.log_likelihood,
            next_variance: m.next_variance, long_run_variance: m.long_run_variance, iterations: m.iterations,
            observations: m.observations, converged: m.converged != 0,
        }
    }

    /// Fits the model to `returns` (at least 3, not all equal; a useful fit needs several hundred)
    /// by Gaussian maximum likelihood, h_1 being the residuals' mean square. A fit that stops at
    /// `max_iter` is still `Ok`, with `converged` false.
    pub fn fit(returns: &[f64], options: &GarchOptions) -> Result<Garch> {
        let o = sys::hedge_garch_options {
            tolerance: options.tolerance, max_iter: options.max_iter, demean: options.demean as i32,
            ..sys::hedge_garch_options::init()
        };
        let mut m = sys::hedge_garch::init();
        check(unsafe { sys::hedge_garch_fit(&mut m, returns.as_ptr(), returns.len(), &o) })?;
        Ok(Garch::from_raw(&m))
    }

    /// Expected per-period variance `steps` (>= 1) periods ahead:
    /// V_L + (alpha + beta)^(steps - 1) (next_variance - V_L).
    pub fn forecast_variance(&self, steps: usize) -> Result<f64> {
        let m = self.to_raw();
        let mut v = 0.0;
        check(unsafe { sys::hedge_garch_forecast_variance(&mut v, &m, steps) })?;
        Ok(v)
    }

    /// Annualised volatility averaged over the next `horizon` (>= 1) periods:
    /// sqrt(periods_per_year / horizon * sum of the forecast variances 1..=horizon).
    pub fn forecast_vol(&self, horizon: usize, periods_per_year: f64) -> Result<f64> {
        let m = self.to_raw();
        let mut v = 0.0;
        check(unsafe { sys::hedge_garch_forecast_vol(&mut v, &m, horizon, periods_per_year) })?;
        Ok(v)
    }

    /// Simulates `returns.len()` (>= 1) returns, and their conditional variances h_t into
    /// `variances` when given (same length), from h_1 = `initial_variance` (0: the long-run
    /// variance). The path is a pure function of the model, the variance, `seed`, `stream` and the
    /// length; a longer path extends a shorter one.
    pub fn simulate_into(&self, returns: &mut [f64], variances: Option<&mut [f64]>, initial_variance: f64, seed: u64,
                         stream: u64) -> Result<()> {
        let var_ptr = match variances {
            Some(v) if v.len() != returns.len() => {
                return Err(HedgeError::invalid_arg(format!(
                    "Garch::simulate_into: {} variances for {} returns", v.len(), returns.len())))
            }
            Some(v) => v.as_mut_ptr(),
            None => ptr::null_mut(),
        };
        let m = self.to_raw();
        check(unsafe {
            sys::hedge_garch_simulate(returns.as_mut_ptr(), var_ptr, returns.len(), &m, initial_variance, seed, stream)
        })
    }

    /// As [`Garch::simulate_into`], into new vectors: (returns, variances).
    pub fn simulate(&self, n: usize, initial_variance: f64, seed: u64, stream: u64) -> Result<(Vec<f64>, Vec<f64>)> {
        let (mut r, mut v) = (vec![0.0; n], vec![0.0; n]);
        self.simulate_into(&mut r, Some(&mut v), initial_variance, seed, stream)?;
        Ok((r, v))
    }
}
