//! Pricing kernels: pure functions, no allocation, callable from any thread.

use libhedge_sys as sys;

use crate::error::{check, HedgeError, Result};
use crate::instrument::Settlement;

/// Call or put; the value is the sign of the payoff, max(type (S - K), 0), as in C.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptionType {
    Put = -1,
    Call = 1,
}

/// Value and every Greek of one option, as plain partial derivatives (see `pricing.h`): vega per
/// 1.00 of volatility, theta and the other time Greeks per year, rho per 1.00 of rate.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Greeks {
    pub price: f64,
    pub delta: f64,
    pub gamma: f64,
    pub vega: f64,
    pub theta: f64,
    pub rho: f64,
    pub carry_rho: f64,
    pub vanna: f64,
    pub volga: f64,
    pub charm: f64,
    pub veta: f64,
    pub speed: f64,
    pub zomma: f64,
    pub color: f64,
    pub dual_delta: f64,
    pub dual_gamma: f64,
}

impl From<sys::hedge_greeks> for Greeks {
    fn from(g: sys::hedge_greeks) -> Greeks {
        Greeks {
            price: g.price, delta: g.delta, gamma: g.gamma, vega: g.vega, theta: g.theta, rho: g.rho,
            carry_rho: g.carry_rho, vanna: g.vanna, volga: g.volga, charm: g.charm, veta: g.veta, speed: g.speed,
            zomma: g.zomma, color: g.color, dual_delta: g.dual_delta, dual_gamma: g.dual_gamma,
        }
    }
}

impl From<Greeks> for sys::hedge_greeks {
    fn from(g: Greeks) -> sys::hedge_greeks {
        sys::hedge_greeks {
            struct_size: std::mem::size_of::<sys::hedge_greeks>(),
            price: g.price, delta: g.delta, gamma: g.gamma, vega: g.vega, theta: g.theta, rho: g.rho,
            carry_rho: g.carry_rho, vanna: g.vanna, volga: g.volga, charm: g.charm, veta: g.veta, speed: g.speed,
            zomma: g.zomma, color: g.color, dual_delta: g.dual_delta, dual_gamma: g.dual_gamma,
        }
    }
}

impl Greeks {
    /// The same Greeks in the units traders quote: vega per vol point, theta per day (of
    /// `days_per_year`), rho per basis point (`hedge_greeks_to_market_units`).
    pub fn to_market_units(&self, days_per_year: f64) -> Result<Greeks> {
        let mut g: sys::hedge_greeks = (*self).into();
        check(unsafe { sys::hedge_greeks_to_market_units(&mut g, days_per_year) })?;
        Ok(g.into())
    }
}

fn greeks_with(f: impl FnOnce(*mut sys::hedge_greeks) -> i32) -> Result<Greeks> {
    let mut g = sys::hedge_greeks::init();
    check(f(&mut g))?;
    Ok(g.into())
}

fn scalar_with(f: impl FnOnce(*mut f64) -> i32) -> Result<f64> {
    let mut x = 0.0;
    check(f(&mut x))?;
    Ok(x)
}

/// Generalised Black-Scholes-Merton price: spot `s`, strike `k`, `t` years, rate `r`, yield `q`.
pub fn bsm_price(ty: OptionType, s: f64, k: f64, t: f64, r: f64, q: f64, sigma: f64) -> Result<f64> {
    scalar_with(|p| unsafe { sys::hedge_bsm_price(p, ty as i32, s, k, t, r, q, sigma) })
}

/// Generalised Black-Scholes-Merton price and every Greek.
pub fn bsm_greeks(ty: OptionType, s: f64, k: f64, t: f64, r: f64, q: f64, sigma: f64) -> Result<Greeks> {
    greeks_with(|g| unsafe { sys::hedge_bsm_greeks(g, ty as i32, s, k, t, r, q, sigma) })
}

/// Black-76 price of an option on the forward `f`, discounted at `r`.
pub fn black76_price(ty: OptionType, f: f64, k: f64, t: f64, r: f64, sigma: f64) -> Result<f64> {
    scalar_with(|p| unsafe { sys::hedge_black76_price(p, ty as i32, f, k, t, r, sigma) })
}

/// Black-76 price and every Greek (spot Greeks with respect to the forward; rho = -T V).
pub fn black76_greeks(ty: OptionType, f: f64, k: f64, t: f64, r: f64, sigma: f64) -> Result<Greeks> {
    greeks_with(|g| unsafe { sys::hedge_black76_greeks(g, ty as i32, f, k, t, r, sigma) })
}

/// Inverse (coin-margined) option: value in coins per coin of notional and its Greeks.
pub fn inverse_greeks(ty: OptionType, f: f64, k: f64, t: f64, r_coin: f64, sigma: f64) -> Result<Greeks> {
    greeks_with(|g| unsafe { sys::hedge_inverse_greeks(g, ty as i32, f, k, t, r_coin, sigma) })
}

/// Premium-adjusted delta of an inverse option, coins per coin of notional.
pub fn inverse_delta_premium_adjusted(ty: OptionType, f: f64, k: f64, t: f64, r_coin: f64, sigma: f64)
    -> Result<f64> {
    scalar_with(|p| unsafe { sys::hedge_inverse_delta_premium_adjusted(p, ty as i32, f, k, t, r_coin, sigma) })
}

/// Value and deltas of a futures or perpetual position (see [`future_risk`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FutureRisk {
    /// Mark-to-market P&L since entry, settlement currency.
    pub value: f64,
    pub delta_contracts: f64,
    pub delta_coin: f64,
    pub delta_usd: f64,
    pub coin_per_contract: f64,
}

/// Value and deltas of `quantity` contracts of a future or perpetual entered at `entry`, marked at `mark`.
pub fn future_risk(settlement: Settlement, multiplier: f64, quantity: f64, entry: f64, mark: f64)
    -> Result<FutureRisk> {
    let mut r = sys::hedge_future_risk::init();
    check(unsafe { sys::hedge_future_risk_eval(&mut r, settlement as i32, multiplier, quantity, entry, mark) })?;
    Ok(FutureRisk {
        value: r.value, delta_contracts: r.delta_contracts, delta_coin: r.delta_coin, delta_usd: r.delta_usd,
        coin_per_contract: r.coin_per_contract,
    })
}

/// Funding a perpetual position receives (negative: pays) over `horizon_hours`.
#[allow(clippy::too_many_arguments)]
pub fn perpetual_funding(settlement: Settlement, multiplier: f64, quantity: f64, mark: f64, funding_rate: f64,
                         interval_hours: f64, horizon_hours: f64) -> Result<f64> {
    scalar_with(|p| unsafe {
        sys::hedge_perpetual_funding(p, settlement as i32, multiplier, quantity, mark, funding_rate,
                                     interval_hours, horizon_hours)
    })
}

/// Inputs of [`bsm_greeks_batch`]: one element per option, every slice of the same length.
#[derive(Clone, Copy, Debug)]
pub struct BsmBatch<'a> {
    pub option_type: &'a [OptionType],
    pub spot: &'a [f64],
    pub strike: &'a [f64],
    pub time: &'a [f64],
    pub rate: &'a [f64],
    pub yield_: &'a [f64],
    pub vol: &'a [f64],
}

/// Inputs of [`black76_greeks_batch`]: one element per option, every slice of the same length.
#[derive(Clone, Copy, Debug)]
pub struct Black76Batch<'a> {
    pub option_type: &'a [OptionType],
    pub forward: &'a [f64],
    pub strike: &'a [f64],
    pub time: &'a [f64],
    pub rate: &'a [f64],
    pub vol: &'a [f64],
}

/// Outputs of a batch pricing call; `None` skips that output. Every given slice must have one
/// element per option. Invalid options get NaN and their status in `status`.
#[derive(Debug, Default)]
pub struct GreeksOut<'a> {
    pub price: Option<&'a mut [f64]>,
    pub delta: Option<&'a mut [f64]>,
    pub gamma: Option<&'a mut [f64]>,
    pub vega: Option<&'a mut [f64]>,
    pub theta: Option<&'a mut [f64]>,
    pub rho: Option<&'a mut [f64]>,
    pub status: Option<&'a mut [crate::Status]>,
}

pub(crate) fn check_len(what: &str, n: usize, len: usize) -> Result<()> {
    if len == n {
        Ok(())
    } else {
        Err(HedgeError::invalid_arg(format!("{}: {} elements where {} are expected", what, len, n)))
    }
}

fn out_ptr(name: &str, n: usize, s: &mut Option<&mut [f64]>) -> Result<*mut f64> {
    match s {
        Some(s) => check_len(name, n, s.len()).map(|_| s.as_mut_ptr()),
        None => Ok(std::ptr::null_mut()),
    }
}

impl<'a> GreeksOut<'a> {
    fn raw(&mut self, n: usize) -> Result<sys::hedge_greeks_arrays> {
        let mut a = sys::hedge_greeks_arrays::init();
        a.price = out_ptr("price", n, &mut self.price)?;
        a.delta = out_ptr("delta", n, &mut self.delta)?;
        a.gamma = out_ptr("gamma", n, &mut self.gamma)?;
        a.vega = out_ptr("vega", n, &mut self.vega)?;
        a.theta = out_ptr("theta", n, &mut self.theta)?;
        a.rho = out_ptr("rho", n, &mut self.rho)?;
        if let Some(s) = &mut self.status {
            check_len("status", n, s.len())?;
            // Status is repr(transparent) over the C enum's int.
            a.status = s.as_mut_ptr() as *mut sys::hedge_status;
        }
        Ok(a)
    }
}

pub(crate) fn types_ptr(t: &[OptionType]) -> *const i32 {
    // OptionType is repr(i32) with the C values, so the slice is the C array.
    t.as_ptr() as *const i32
}

/// Prices a chain under generalised BSM into caller-provided slices, without allocating.
///
/// On an invalid element the error is the first such element's (its index is in the message);
/// every valid element is still computed.
pub fn bsm_greeks_batch(input: &BsmBatch<'_>, out: &mut GreeksOut<'_>) -> Result<()> {
    let n = input.option_type.len();
    for (name, s) in [("spot", input.spot), ("strike", input.strike), ("time", input.time), ("rate", input.rate),
                      ("yield", input.yield_), ("vol", input.vol)] {
        check_len(name, n, s.len())?;
    }
    let arrays = out.raw(n)?;
    check(unsafe {
        sys::hedge_bsm_greeks_batch(n, types_ptr(input.option_type), input.spot.as_ptr(), input.strike.as_ptr(),
                                    input.time.as_ptr(), input.rate.as_ptr(), input.yield_.as_ptr(),
                                    input.vol.as_ptr(), &arrays)
    })
}

/// Prices a chain under Black-76 into caller-provided slices, without allocating; as [`bsm_greeks_batch`].
pub fn black76_greeks_batch(input: &Black76Batch<'_>, out: &mut GreeksOut<'_>) -> Result<()> {
    let n = input.option_type.len();
    for (name, s) in [("forward", input.forward), ("strike", input.strike), ("time", input.time),
                      ("rate", input.rate), ("vol", input.vol)] {
        check_len(name, n, s.len())?;
    }
    let arrays = out.raw(n)?;
    check(unsafe {
        sys::hedge_black76_greeks_batch(n, types_ptr(input.option_type), input.forward.as_ptr(),
                                        input.strike.as_ptr(), input.time.as_ptr(), input.rate.as_ptr(),
                                        input.vol.as_ptr(), &arrays)
    })
}
