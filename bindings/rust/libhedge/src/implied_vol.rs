//! Implied volatility: pure functions, callable from any thread.

use libhedge_sys as sys;

use crate::error::{check, Result};
use crate::pricing::{check_len, types_ptr, OptionType};
use crate::Status;

fn solve(f: impl FnOnce(*mut f64) -> i32) -> Result<f64> {
    let mut sigma = 0.0;
    check(f(&mut sigma))?;
    Ok(sigma)
}

/// Black-76 implied volatility of a discounted option price on the forward `f`.
pub fn implied_vol_black76(ty: OptionType, price: f64, f: f64, k: f64, t: f64, r: f64) -> Result<f64> {
    solve(|s| unsafe { sys::hedge_implied_vol_black76(s, ty as i32, price, f, k, t, r) })
}

/// Black-Scholes-Merton implied volatility (spot `s`, yield `q`).
pub fn implied_vol_bsm(ty: OptionType, price: f64, s: f64, k: f64, t: f64, r: f64, q: f64) -> Result<f64> {
    solve(|out| unsafe { sys::hedge_implied_vol_bsm(out, ty as i32, price, s, k, t, r, q) })
}

/// Implied volatility of an inverse option from its premium in coins per coin of notional.
pub fn implied_vol_inverse(ty: OptionType, price_coin: f64, f: f64, k: f64, t: f64, r_coin: f64) -> Result<f64> {
    solve(|s| unsafe { sys::hedge_implied_vol_inverse(s, ty as i32, price_coin, f, k, t, r_coin) })
}

fn status_ptr(n: usize, status: Option<&mut [Status]>) -> Result<*mut sys::hedge_status> {
    match status {
        Some(s) => check_len("status", n, s.len()).map(|_| s.as_mut_ptr() as *mut sys::hedge_status),
        None => Ok(std::ptr::null_mut()),
    }
}

/// Batch Black-76 implied volatility into `sigma` (NaN where an element fails, with its status in
/// `status` when given). Never allocates. The error, if any, is the first failing element's.
#[allow(clippy::too_many_arguments)]
pub fn implied_vol_black76_batch(option_type: &[OptionType], price: &[f64], f: &[f64], k: &[f64], t: &[f64],
                                 r: &[f64], sigma: &mut [f64], status: Option<&mut [Status]>) -> Result<()> {
    let n = option_type.len();
    for (name, s) in [("price", price), ("forward", f), ("strike", k), ("time", t), ("rate", r)] {
        check_len(name, n, s.len())?;
    }
    check_len("sigma", n, sigma.len())?;
    let st = status_ptr(n, status)?;
    check(unsafe {
        sys::hedge_implied_vol_black76_batch(n, types_ptr(option_type), price.as_ptr(), f.as_ptr(), k.as_ptr(),
                                             t.as_ptr(), r.as_ptr(), sigma.as_mut_ptr(), st)
    })
}

/// Batch BSM implied volatility; as [`implied_vol_black76_batch`].
#[allow(clippy::too_many_arguments)]
pub fn implied_vol_bsm_batch(option_type: &[OptionType], price: &[f64], s: &[f64], k: &[f64], t: &[f64],
                             r: &[f64], q: &[f64], sigma: &mut [f64], status: Option<&mut [Status]>) -> Result<()> {
    let n = option_type.len();
    for (name, x) in [("price", price), ("spot", s), ("strike", k), ("time", t), ("rate", r), ("yield", q)] {
        check_len(name, n, x.len())?;
    }
    check_len("sigma", n, sigma.len())?;
    let st = status_ptr(n, status)?;
    check(unsafe {
        sys::hedge_implied_vol_bsm_batch(n, types_ptr(option_type), price.as_ptr(), s.as_ptr(), k.as_ptr(),
                                         t.as_ptr(), r.as_ptr(), q.as_ptr(), sigma.as_mut_ptr(), st)
    })
}
