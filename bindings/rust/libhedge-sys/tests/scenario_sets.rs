// The scenario-set declarations called through the raw FFI: a wrong argument order or type shows
// up as a wrong answer against values worked by hand.

use std::ffi::CStr;
use std::os::raw::c_char;
use std::ptr;

use libhedge_sys as sys;

const BTC: &[u8] = b"BTC\0";
const ETH: &[u8] = b"ETH\0";

fn names() -> [*const c_char; 2] {
    [BTC.as_ptr() as *const c_char, ETH.as_ptr() as *const c_char]
}

fn shift() -> sys::hedge_shift {
    sys::hedge_shift { underlying: ptr::null(), spot: 0.0, vol_rel: 0.0, vol_abs: 0.0 }
}

fn scenario() -> sys::hedge_scenario {
    sys::hedge_scenario { shifts: ptr::null(), n_shifts: 0, days: 0.0 }
}

#[test]
fn historical_moves_are_the_ratios() {
    let n = names();
    // BTC 100 -> 110 -> 99, ETH 10 -> 12 -> 6: moves +10%, +20% then -10%, -50%
    let prices = [100.0, 10.0, 110.0, 12.0, 99.0, 6.0];
    let mut sc = [scenario(); 2];
    let mut sh = [shift(); 4];
    let mut count = 0usize;
    let st = unsafe {
        sys::hedge_scenario_historical(sc.as_mut_ptr(), sh.as_mut_ptr(), 2, &mut count, n.as_ptr(), 2,
                                       prices.as_ptr(), ptr::null(), 3, 1, 1.0)
    };
    assert_eq!(st, sys::HEDGE_OK);
    assert_eq!(count, 2);
    let want = [0.1, 0.2, -0.1, -0.5];
    for (s, w) in sh.iter().zip(want.iter()) {
        assert!((s.spot - w).abs() < 1e-15, "{} vs {}", s.spot, w);
    }
    assert_eq!(unsafe { CStr::from_ptr(sh[3].underlying) }.to_bytes(), b"ETH");
    assert_eq!(sc[1].n_shifts, 2);
    assert_eq!(sc[1].days, 1.0);
}

#[test]
fn sampled_chunks_match_one_call() {
    let n = names();
    let vols = [0.6, 0.4];
    let corr = [1.0, 0.5, 0.5, 1.0];
    let mut ws = [0.0f64; 6];
    let (mut a, mut b) = ([scenario(); 5], [scenario(); 5]);
    let (mut sa, mut sb) = ([shift(); 10], [shift(); 10]);
    unsafe {
        assert_eq!(sys::hedge_scenario_sample(a.as_mut_ptr(), sa.as_mut_ptr(), 5, n.as_ptr(), 2, vols.as_ptr(),
                                              corr.as_ptr(), 3.0, 7, 0, ws.as_mut_ptr(), 6), sys::HEDGE_OK);
        assert_eq!(sys::hedge_scenario_sample(b.as_mut_ptr(), sb.as_mut_ptr(), 2, n.as_ptr(), 2, vols.as_ptr(),
                                              corr.as_ptr(), 3.0, 7, 0, ws.as_mut_ptr(), 6), sys::HEDGE_OK);
        assert_eq!(sys::hedge_scenario_sample(b.as_mut_ptr().add(2), sb.as_mut_ptr().add(4), 3, n.as_ptr(), 2,
                                              vols.as_ptr(), corr.as_ptr(), 3.0, 7, 2, ws.as_mut_ptr(), 6),
                   sys::HEDGE_OK);
        assert_eq!(sys::hedge_scenario_sample(b.as_mut_ptr(), sb.as_mut_ptr(), 1, n.as_ptr(), 2, vols.as_ptr(),
                                              corr.as_ptr(), 3.0, 7, 0, ws.as_mut_ptr(), 5),
                   sys::HEDGE_ERR_BUFFER_TOO_SMALL);
    }
    for (x, y) in sa.iter().zip(sb.iter()) {
        assert_eq!(x.spot.to_bits(), y.spot.to_bits());
    }
}

#[test]
fn var_and_es_of_the_textbook_atom() {
    // loss 0 w.p. 0.94, 10 w.p. 0.04, 100 w.p. 0.02 at 95%: VaR 10, ES (0.02 100 + 0.03 10) / 0.05 = 46
    let pnl = [-100.0, 0.0, -10.0];
    let p = [0.02, 0.94, 0.04];
    let (mut var, mut es) = (0.0, 0.0);
    let mut ws = [0.0f64; 6];
    let st = unsafe { sys::hedge_scenario_var(&mut var, &mut es, pnl.as_ptr(), p.as_ptr(), 3, 0.95, ws.as_mut_ptr(), 6) };
    assert_eq!(st, sys::HEDGE_OK);
    assert_eq!(var, 10.0);
    assert!((es - 46.0).abs() < 1e-12, "{}", es);
    let st = unsafe { sys::hedge_scenario_var(&mut var, &mut es, pnl.as_ptr(), p.as_ptr(), 3, 1.0, ws.as_mut_ptr(), 6) };
    assert_eq!(st, sys::HEDGE_ERR_DOMAIN);
}
