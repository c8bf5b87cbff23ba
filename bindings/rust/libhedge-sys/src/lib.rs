//! Raw declarations of libhedge's C API (`include/hedge/*.h`), written by hand from the headers.
//!
//! Everything here is `unsafe` to call and follows the C contracts exactly: read the header of each
//! function for ownership, NULL behaviour, units and thread safety. The safe wrappers are in the
//! `libhedge` crate.
//!
//! C enums are declared as `c_int` type aliases with constants rather than Rust enums: a value the
//! Rust side does not know (a status added by a newer library) must not be undefined behaviour.
//!
//! Structs that begin with `struct_size` carry an `init()` constructor that fills it in, the
//! equivalent of the headers' `HEDGE_*_INIT` macros; the library reads or writes only the prefix
//! that `struct_size` covers, so these declarations may lag a newer library safely.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use std::mem::size_of;
use std::ptr;
// std::os::raw rather than core::ffi: the latter needs Rust 1.64, Debian 12 ships 1.63.
pub use std::os::raw::{c_char, c_int, c_uint, c_void};

macro_rules! opaque {
    ($($name:ident),*) => {$(
        /// Opaque handle; only ever used behind a pointer.
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
            // Not Send, Sync or Unpin: what may cross threads is decided by the safe wrappers.
            _marker: std::marker::PhantomData<(*mut u8, std::marker::PhantomPinned)>,
        }
    )*};
}

opaque!(hedge_context, hedge_instrument, hedge_snapshot, hedge_snapshot_builder, hedge_vol_surface, hedge_market,
        hedge_portfolio, hedge_risk, hedge_scenario_pnl, hedge_qp, hedge_solver, hedge_problem, hedge_result,
        hedge_rebalancer, hedge_sim_config);

macro_rules! init_with_size {
    ($name:ident { $($field:ident : $value:expr),* $(,)? }) => {
        impl $name {
            /// The header's `_INIT` macro: `struct_size` set, the documented defaults elsewhere.
            pub const fn init() -> Self {
                $name { struct_size: size_of::<$name>(), $($field: $value),* }
            }
        }
    };
}

// ---- status.h ----------------------------------------------------------------------------------

/// `hedge_status`: 0 or a negative code, pinned forever.
pub type hedge_status = c_int;
pub const HEDGE_OK: hedge_status = 0;
pub const HEDGE_ERR_NOMEM: hedge_status = -1;
pub const HEDGE_ERR_INVALID_ARG: hedge_status = -2;
pub const HEDGE_ERR_DOMAIN: hedge_status = -3;
pub const HEDGE_ERR_PRICE_BOUNDS: hedge_status = -4;
pub const HEDGE_ERR_NOT_CONVERGED: hedge_status = -5;
pub const HEDGE_ERR_NOT_FOUND: hedge_status = -6;
pub const HEDGE_ERR_EXISTS: hedge_status = -7;
pub const HEDGE_ERR_STALE: hedge_status = -8;
pub const HEDGE_ERR_EXPIRED: hedge_status = -9;
pub const HEDGE_ERR_PARSE: hedge_status = -10;
pub const HEDGE_ERR_IO: hedge_status = -11;
pub const HEDGE_ERR_UNSUPPORTED: hedge_status = -12;
pub const HEDGE_ERR_BUFFER_TOO_SMALL: hedge_status = -13;
pub const HEDGE_ERR_CANCELLED: hedge_status = -14;
pub const HEDGE_ERR_STATE: hedge_status = -15;
pub const HEDGE_ERR_TOO_LARGE: hedge_status = -16;
pub const HEDGE_ERR_BACKEND: hedge_status = -17;
pub const HEDGE_ERR_INTERNAL: hedge_status = -18;

// ---- types.h -----------------------------------------------------------------------------------

pub type hedge_option_type = c_int;
pub const HEDGE_PUT: hedge_option_type = -1;
pub const HEDGE_CALL: hedge_option_type = 1;

pub type hedge_settlement = c_int;
pub const HEDGE_SETTLE_LINEAR: hedge_settlement = 0;
pub const HEDGE_SETTLE_INVERSE: hedge_settlement = 1;

pub const HEDGE_MS_PER_YEAR: f64 = 31536000000.0;

// ---- context.h ---------------------------------------------------------------------------------

pub type hedge_alloc_fn = Option<unsafe extern "C" fn(user: *mut c_void, size: usize, align: usize) -> *mut c_void>;
pub type hedge_realloc_fn = Option<
    unsafe extern "C" fn(user: *mut c_void, ptr: *mut c_void, old_size: usize, new_size: usize, align: usize) -> *mut c_void,
>;
pub type hedge_free_fn = Option<unsafe extern "C" fn(user: *mut c_void, ptr: *mut c_void, size: usize, align: usize)>;

pub type hedge_log_level = c_int;
pub const HEDGE_LOG_DEBUG: hedge_log_level = 0;
pub const HEDGE_LOG_INFO: hedge_log_level = 1;
pub const HEDGE_LOG_WARN: hedge_log_level = 2;
pub const HEDGE_LOG_ERROR: hedge_log_level = 3;
pub const HEDGE_LOG_NONE: hedge_log_level = 4;

pub type hedge_log_fn = Option<unsafe extern "C" fn(user: *mut c_void, level: hedge_log_level, message: *const c_char)>;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_context_options {
    pub struct_size: usize,
    pub alloc: hedge_alloc_fn,
    pub realloc: hedge_realloc_fn,
    pub free: hedge_free_fn,
    pub alloc_user: *mut c_void,
    pub log: hedge_log_fn,
    pub log_user: *mut c_void,
    pub log_level: hedge_log_level,
}
init_with_size!(hedge_context_options {
    alloc: None, realloc: None, free: None, alloc_user: ptr::null_mut(), log: None, log_user: ptr::null_mut(),
    log_level: HEDGE_LOG_WARN,
});

// ---- version.h ---------------------------------------------------------------------------------

pub const HEDGE_CAP_THREAD_LOCAL_ERRORS: u64 = 1 << 0;
pub const HEDGE_CAP_CUSTOM_ALLOCATOR: u64 = 1 << 1;
pub const HEDGE_CAP_SIMD_AVX2: u64 = 1 << 2;
pub const HEDGE_CAP_SIMD_AVX512: u64 = 1 << 3;
pub const HEDGE_CAP_JSON: u64 = 1 << 4;

// ---- pricing.h ---------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_greeks {
    pub struct_size: usize,
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
init_with_size!(hedge_greeks {
    price: 0.0, delta: 0.0, gamma: 0.0, vega: 0.0, theta: 0.0, rho: 0.0, carry_rho: 0.0, vanna: 0.0, volga: 0.0,
    charm: 0.0, veta: 0.0, speed: 0.0, zomma: 0.0, color: 0.0, dual_delta: 0.0, dual_gamma: 0.0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_future_risk {
    pub struct_size: usize,
    pub value: f64,
    pub delta_contracts: f64,
    pub delta_coin: f64,
    pub delta_usd: f64,
    pub coin_per_contract: f64,
}
init_with_size!(hedge_future_risk { value: 0.0, delta_contracts: 0.0, delta_coin: 0.0, delta_usd: 0.0, coin_per_contract: 0.0 });

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_greeks_arrays {
    pub struct_size: usize,
    pub price: *mut f64,
    pub delta: *mut f64,
    pub gamma: *mut f64,
    pub vega: *mut f64,
    pub theta: *mut f64,
    pub rho: *mut f64,
    pub status: *mut hedge_status,
}
init_with_size!(hedge_greeks_arrays {
    price: ptr::null_mut(), delta: ptr::null_mut(), gamma: ptr::null_mut(), vega: ptr::null_mut(),
    theta: ptr::null_mut(), rho: ptr::null_mut(), status: ptr::null_mut(),
});

// ---- instrument.h ------------------------------------------------------------------------------

pub type hedge_instrument_kind = c_int;
pub const HEDGE_INSTRUMENT_SPOT: hedge_instrument_kind = 1;
pub const HEDGE_INSTRUMENT_FUTURE: hedge_instrument_kind = 2;
pub const HEDGE_INSTRUMENT_PERPETUAL: hedge_instrument_kind = 3;
pub const HEDGE_INSTRUMENT_OPTION: hedge_instrument_kind = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_instrument_spec {
    pub struct_size: usize,
    pub kind: hedge_instrument_kind,
    pub symbol: *const c_char,
    pub underlying: *const c_char,
    pub venue: *const c_char,
    pub settlement: hedge_settlement,
    pub multiplier: f64,
    pub option_type: hedge_option_type,
    pub strike: f64,
    pub expiry_ms: i64,
    pub funding_interval_s: f64,
}
init_with_size!(hedge_instrument_spec {
    kind: 0, symbol: ptr::null(), underlying: ptr::null(), venue: ptr::null(), settlement: HEDGE_SETTLE_LINEAR,
    multiplier: 0.0, option_type: 0, strike: 0.0, expiry_ms: 0, funding_interval_s: 0.0,
});

// ---- snapshot.h --------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_snapshot_options {
    pub struct_size: usize,
    pub default_max_age_ms: i64,
    pub source_max_deviation: f64,
    pub source_min_count: u32,
}
init_with_size!(hedge_snapshot_options { default_max_age_ms: 60000, source_max_deviation: 0.02, source_min_count: 1 });

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct hedge_depth_level {
    pub price: f64,
    pub size: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_quote {
    pub struct_size: usize,
    pub symbol: *const c_char,
    pub venue: *const c_char,
    pub bid: f64,
    pub ask: f64,
    pub bid_size: f64,
    pub ask_size: f64,
    pub bids: *const hedge_depth_level,
    pub n_bids: usize,
    pub asks: *const hedge_depth_level,
    pub n_asks: usize,
    pub timestamp_ms: i64,
    pub max_age_ms: i64,
}
init_with_size!(hedge_quote {
    symbol: ptr::null(), venue: ptr::null(), bid: 0.0, ask: 0.0, bid_size: 0.0, ask_size: 0.0, bids: ptr::null(),
    n_bids: 0, asks: ptr::null(), n_asks: 0, timestamp_ms: 0, max_age_ms: 0,
});

pub type hedge_source_verdict = c_int;
pub const HEDGE_SOURCE_ACCEPTED: hedge_source_verdict = 0;
pub const HEDGE_SOURCE_STALE: hedge_source_verdict = 1;
pub const HEDGE_SOURCE_OUTLIER: hedge_source_verdict = 2;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_source_report {
    pub source: *const c_char,
    pub price: f64,
    pub timestamp_ms: i64,
    pub verdict: hedge_source_verdict,
}

// ---- volsurface.h ------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_smile_data {
    pub expiry_ms: i64,
    pub forward: f64,
    pub n: usize,
    pub strikes: *const f64,
    pub vols: *const f64,
    pub weights: *const f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct hedge_svi_slice {
    pub expiry_ms: i64,
    pub T: f64,
    pub forward: f64,
    pub a: f64,
    pub b: f64,
    pub rho: f64,
    pub m: f64,
    pub sigma: f64,
    pub rmse_vol: f64,
}

pub type hedge_arbitrage_kind = c_int;
pub const HEDGE_ARBITRAGE_BUTTERFLY: hedge_arbitrage_kind = 1;
pub const HEDGE_ARBITRAGE_CALENDAR: hedge_arbitrage_kind = 2;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct hedge_arbitrage_report {
    pub kind: hedge_arbitrage_kind,
    pub slice: usize,
    pub worst_k: f64,
    pub worst_value: f64,
    pub points: usize,
}

pub type hedge_surface_weighting = c_int;
pub const HEDGE_SURFACE_WEIGHT_VEGA: hedge_surface_weighting = 0;
pub const HEDGE_SURFACE_WEIGHT_INVERSE_SPREAD: hedge_surface_weighting = 1;
pub const HEDGE_SURFACE_WEIGHT_EQUAL: hedge_surface_weighting = 2;

pub const HEDGE_SURFACE_FIT_STALE_IS_ERROR: u32 = 0x1;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_surface_fit_options {
    pub struct_size: usize,
    pub venue: *const c_char,
    pub flags: u32,
    pub weighting: hedge_surface_weighting,
    pub atm_band: f64,
}
init_with_size!(hedge_surface_fit_options { venue: ptr::null(), flags: 0, weighting: HEDGE_SURFACE_WEIGHT_VEGA, atm_band: 0.01 });

pub type hedge_quote_verdict = c_int;
pub const HEDGE_QUOTE_USED: hedge_quote_verdict = 0;
pub const HEDGE_QUOTE_MISSING: hedge_quote_verdict = 1;
pub const HEDGE_QUOTE_STALE: hedge_quote_verdict = 2;
pub const HEDGE_QUOTE_ONE_SIDED: hedge_quote_verdict = 3;
pub const HEDGE_QUOTE_IN_THE_MONEY: hedge_quote_verdict = 4;
pub const HEDGE_QUOTE_OUT_OF_BOUNDS: hedge_quote_verdict = 5;
pub const HEDGE_QUOTE_EXPIRED: hedge_quote_verdict = 6;
pub const HEDGE_QUOTE_THIN_EXPIRY: hedge_quote_verdict = 7;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct hedge_surface_fit_expiry {
    pub expiry_ms: i64,
    pub forward: f64,
    pub fitted: c_int,
    pub used: usize,
    pub missing: usize,
    pub stale: usize,
    pub one_sided: usize,
    pub in_the_money: usize,
    pub out_of_bounds: usize,
    pub thin: usize,
    pub rmse_vol: f64,
    pub max_error_vol: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_surface_fit_report {
    pub struct_size: usize,
    pub expiry_struct_size: usize,
    pub expiries: *mut hedge_surface_fit_expiry,
    pub expiry_capacity: usize,
    pub n_expiries: usize,
    pub n_fitted: usize,
    pub n_used: usize,
    pub n_skipped: usize,
    pub verdicts: *mut hedge_quote_verdict,
}
init_with_size!(hedge_surface_fit_report {
    expiry_struct_size: size_of::<hedge_surface_fit_expiry>(), expiries: ptr::null_mut(), expiry_capacity: 0,
    n_expiries: 0, n_fitted: 0, n_used: 0, n_skipped: 0, verdicts: ptr::null_mut(),
});

// ---- valuation.h -------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_valuation {
    pub struct_size: usize,
    pub value: f64,
    pub value_usd: f64,
    pub delta_coin: f64,
    pub delta_usd: f64,
    pub gamma_coin: f64,
    pub vega_usd: f64,
    pub theta_usd: f64,
    pub vol: f64,
    pub forward: f64,
    pub spot: f64,
    pub time_to_expiry: f64,
}
init_with_size!(hedge_valuation {
    value: 0.0, value_usd: 0.0, delta_coin: 0.0, delta_usd: 0.0, gamma_coin: 0.0, vega_usd: 0.0, theta_usd: 0.0,
    vol: 0.0, forward: 0.0, spot: 0.0, time_to_expiry: 0.0,
});

// ---- portfolio.h -------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_position {
    pub struct_size: usize,
    pub instrument: *const hedge_instrument,
    pub quantity: f64,
    pub entry_price: f64,
}
init_with_size!(hedge_position { instrument: ptr::null(), quantity: 0.0, entry_price: 0.0 });

// ---- risk.h ------------------------------------------------------------------------------------

pub type hedge_breakdown = c_int;
pub const HEDGE_BREAKDOWN_UNDERLYING: hedge_breakdown = 0;
pub const HEDGE_BREAKDOWN_EXPIRY: hedge_breakdown = 1;
pub const HEDGE_BREAKDOWN_VENUE: hedge_breakdown = 2;
pub const HEDGE_BREAKDOWN_POSITION: hedge_breakdown = 3;
pub const HEDGE_BREAKDOWN_TENOR: hedge_breakdown = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_risk_options {
    pub struct_size: usize,
    pub beta_reference: *const c_char,
    pub beta_underlyings: *const *const c_char,
    pub betas: *const f64,
    pub n_betas: usize,
    pub per_position: c_int,
    pub tenor_days: *const f64,
    pub n_tenors: usize,
}
init_with_size!(hedge_risk_options {
    beta_reference: ptr::null(), beta_underlyings: ptr::null(), betas: ptr::null(), n_betas: 0, per_position: 0,
    tenor_days: ptr::null(), n_tenors: 0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_risk_row {
    pub struct_size: usize,
    pub underlying: *const c_char,
    pub venue: *const c_char,
    pub symbol: *const c_char,
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
init_with_size!(hedge_risk_row {
    underlying: ptr::null(), venue: ptr::null(), symbol: ptr::null(), expiry_ms: 0, positions: 0, quantity: 0.0,
    spot: 0.0, value_usd: 0.0, delta_coin: 0.0, delta_usd: 0.0, gamma_coin: 0.0, gamma_usd: 0.0, vega_usd: 0.0,
    theta_usd: 0.0, beta_delta_usd: 0.0, beta_delta_ref: 0.0, tenor_days: 0.0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_pnl_explain {
    pub struct_size: usize,
    pub actual: f64,
    pub delta: f64,
    pub gamma: f64,
    pub vega: f64,
    pub theta: f64,
    pub funding: f64,
    pub residual: f64,
}
init_with_size!(hedge_pnl_explain { actual: 0.0, delta: 0.0, gamma: 0.0, vega: 0.0, theta: 0.0, funding: 0.0, residual: 0.0 });

// ---- scenario.h --------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_shift {
    pub underlying: *const c_char,
    pub spot: f64,
    pub vol_rel: f64,
    pub vol_abs: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_scenario {
    pub shifts: *const hedge_shift,
    pub n_shifts: usize,
    pub days: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_scenario_options {
    pub struct_size: usize,
    pub threads: c_uint,
}
init_with_size!(hedge_scenario_options { threads: 0 });

// ---- margin.h ----------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_margin_options {
    pub struct_size: usize,
    pub spot_range: f64,
    pub spot_steps: usize,
    pub vol_up: f64,
    pub vol_down: f64,
    pub delta_addon: f64,
    pub threads: c_uint,
}
init_with_size!(hedge_margin_options {
    spot_range: 0.16, spot_steps: 8, vol_up: 0.45, vol_down: 0.30, delta_addon: 0.01, threads: 0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_margin_result {
    pub struct_size: usize,
    pub margin: f64,
    pub worst_loss: f64,
    pub addon: f64,
    pub worst_spot: f64,
    pub worst_vol: f64,
    pub scenarios: usize,
}
init_with_size!(hedge_margin_result { margin: 0.0, worst_loss: 0.0, addon: 0.0, worst_spot: 0.0, worst_vol: 0.0, scenarios: 0 });

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_cross_position {
    pub settlement: hedge_settlement,
    pub multiplier: f64,
    pub quantity: f64,
    pub entry: f64,
    pub mmr: f64,
}

// ---- optimize.h --------------------------------------------------------------------------------

/// `hedge_qp_vector`: which vector of a problem a setter or an update addresses.
pub type hedge_qp_vector = c_int;
pub const HEDGE_QP_DIAGONAL: hedge_qp_vector = 0;
pub const HEDGE_QP_LINEAR: hedge_qp_vector = 1;
pub const HEDGE_QP_L1_WEIGHT: hedge_qp_vector = 2;
pub const HEDGE_QP_L1_TARGET: hedge_qp_vector = 3;
pub const HEDGE_QP_ROW_LO: hedge_qp_vector = 4;
pub const HEDGE_QP_ROW_HI: hedge_qp_vector = 5;
pub const HEDGE_QP_LB: hedge_qp_vector = 6;
pub const HEDGE_QP_UB: hedge_qp_vector = 7;

/// `hedge_solve_status`: the outcome of a solve (not an error).
pub type hedge_solve_status = c_int;
pub const HEDGE_SOLVE_OPTIMAL: hedge_solve_status = 0;
pub const HEDGE_SOLVE_PRIMAL_INFEASIBLE: hedge_solve_status = 1;
pub const HEDGE_SOLVE_DUAL_INFEASIBLE: hedge_solve_status = 2;
pub const HEDGE_SOLVE_ITERATION_LIMIT: hedge_solve_status = 3;
pub const HEDGE_SOLVE_TIME_LIMIT: hedge_solve_status = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_solver_options {
    pub struct_size: usize,
    pub eps_abs: f64,
    pub eps_rel: f64,
    pub max_iter: usize,
    pub time_limit_s: f64,
    pub polish: c_int,
    pub max_nodes: usize,
    pub mip_gap: f64,
}
init_with_size!(hedge_solver_options {
    eps_abs: 1e-9, eps_rel: 1e-9, max_iter: 100000, time_limit_s: 0.0, polish: 1, max_nodes: 100000, mip_gap: 1e-6,
});

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_solution {
    pub struct_size: usize,
    pub x: *mut f64,
    pub y: *mut f64,
    pub z: *mut f64,
    pub status: hedge_solve_status,
    pub objective: f64,
    pub primal_residual: f64,
    pub dual_residual: f64,
    pub iterations: usize,
    pub solve_time_s: f64,
    pub nodes: usize,
}
init_with_size!(hedge_solution {
    x: ptr::null_mut(), y: ptr::null_mut(), z: ptr::null_mut(), status: HEDGE_SOLVE_OPTIMAL, objective: 0.0,
    primal_residual: 0.0, dual_residual: 0.0, iterations: 0, solve_time_s: 0.0, nodes: 0,
});

/// `hedge_backend_capability` bits, as `hedge_backends` reports them (a `uint64_t` per backend).
pub const HEDGE_BACKEND_CAP_QP: u64 = 1;
pub const HEDGE_BACKEND_CAP_L1: u64 = 2;
pub const HEDGE_BACKEND_CAP_MIP: u64 = 4;
pub const HEDGE_BACKEND_CAP_WARM_START: u64 = 8;
pub const HEDGE_BACKEND_CAP_DUALS: u64 = 16;
pub const HEDGE_BACKEND_CAP_CERTIFICATES: u64 = 32;

// ---- sys/backend.h ----------------------------------------------------------------------------

/// The version of [`hedge_backend`] these declarations describe (`HEDGE_BACKEND_ABI_VERSION`).
pub const HEDGE_BACKEND_ABI_VERSION: u32 = 1;

/// `hedge_backend::setup`: sets up on a problem; on success `*state` is freed by `destroy`.
pub type hedge_backend_setup_fn = Option<
    unsafe extern "C" fn(state: *mut *mut c_void, user: *mut c_void, ctx: *mut hedge_context, qp: *const hedge_qp,
                         options: *const hedge_solver_options) -> hedge_status,
>;
/// `hedge_backend::solve`: solves into `solution` (its arrays may be NULL).
pub type hedge_backend_solve_fn = Option<unsafe extern "C" fn(state: *mut c_void, solution: *mut hedge_solution)
                                                               -> hedge_status>;
/// `hedge_backend::update`: replaces one vector (never `HEDGE_QP_DIAGONAL`).
pub type hedge_backend_update_fn = Option<
    unsafe extern "C" fn(state: *mut c_void, which: hedge_qp_vector, values: *const f64) -> hedge_status,
>;
/// `hedge_backend::warm_start`: the next solve starts from (x, y); either may be NULL.
pub type hedge_backend_warm_start_fn = Option<unsafe extern "C" fn(state: *mut c_void, x: *const f64, y: *const f64)
                                                                    -> hedge_status>;
/// `hedge_backend::destroy`: frees the state (never NULL).
pub type hedge_backend_destroy_fn = Option<unsafe extern "C" fn(state: *mut c_void)>;

/// An optimizer backend's function table (`sys/backend.h`), registered with
/// [`hedge_context_register_backend`], which copies it; `name` must outlive the context.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_backend {
    pub abi_version: u32,
    pub struct_size: usize,
    pub name: *const c_char,
    pub capabilities: u64,
    pub user: *mut c_void,
    pub setup: hedge_backend_setup_fn,
    pub solve: hedge_backend_solve_fn,
    pub update: hedge_backend_update_fn,
    pub warm_start: hedge_backend_warm_start_fn,
    pub destroy: hedge_backend_destroy_fn,
}
impl hedge_backend {
    /// A table of this version (`abi_version` and `struct_size` set), with no name and no
    /// functions: the header has no `_INIT` macro, and the library refuses a table until every
    /// function and the name are filled in.
    pub const fn init() -> Self {
        hedge_backend {
            abi_version: HEDGE_BACKEND_ABI_VERSION, struct_size: size_of::<hedge_backend>(), name: ptr::null(),
            capabilities: 0, user: ptr::null_mut(), setup: None, solve: None, update: None, warm_start: None,
            destroy: None,
        }
    }
}

// ---- hedging.h ---------------------------------------------------------------------------------

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_candidate {
    pub struct_size: usize,
    pub symbol: *const c_char,
    pub venue: *const c_char,
    pub taker_fee: f64,
    pub maker_fee: f64,
    pub fee_cap: f64,
    pub fee_usd: f64,
    pub fixed_cost: f64,
    pub impact: f64,
    pub impact_from_book: c_int,
    pub lot_size: f64,
    pub min_size: f64,
    pub min_trade: f64,
    pub max_trade: f64,
    pub min_position: f64,
    pub max_position: f64,
    pub buy_only: c_int,
}
init_with_size!(hedge_candidate {
    symbol: ptr::null(), venue: ptr::null(), taker_fee: 0.0, maker_fee: 0.0, fee_cap: 0.0, fee_usd: 0.0,
    fixed_cost: 0.0, impact: 0.0, impact_from_book: 0, lot_size: 0.0, min_size: 0.0, min_trade: f64::NEG_INFINITY,
    max_trade: f64::INFINITY, min_position: f64::NEG_INFINITY, max_position: f64::INFINITY, buy_only: 0,
});

/// `hedge_greek`: the Greeks a target can address.
pub type hedge_greek = c_int;
pub const HEDGE_GREEK_DELTA_COIN: hedge_greek = 0;
pub const HEDGE_GREEK_DELTA_USD: hedge_greek = 1;
pub const HEDGE_GREEK_GAMMA_USD: hedge_greek = 2;
pub const HEDGE_GREEK_VEGA_USD: hedge_greek = 3;
pub const HEDGE_GREEK_THETA_USD: hedge_greek = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_greek_target {
    pub struct_size: usize,
    pub greek: hedge_greek,
    pub underlying: *const c_char,
    pub min_days: f64,
    pub max_days: f64,
    pub lo: f64,
    pub hi: f64,
    pub target: f64,
    pub weight: f64,
}
init_with_size!(hedge_greek_target {
    greek: HEDGE_GREEK_DELTA_USD, underlying: ptr::null(), min_days: 0.0, max_days: f64::INFINITY,
    lo: f64::NEG_INFINITY, hi: f64::INFINITY, target: 0.0, weight: 0.0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_objective {
    pub struct_size: usize,
    pub risk_aversion: f64,
    pub horizon_days: f64,
    pub scenarios: *const hedge_scenario,
    pub n_scenarios: usize,
    pub spot_points: usize,
    pub vol_points: usize,
    pub vol_of_vol: f64,
    pub benchmark: *const hedge_position,
    pub n_benchmark: usize,
    pub passive: c_int,
    pub var_confidence: f64,
}
init_with_size!(hedge_objective {
    risk_aversion: 0.0, horizon_days: 1.0, scenarios: ptr::null(), n_scenarios: 0, spot_points: 21, vol_points: 3,
    vol_of_vol: 1.0, benchmark: ptr::null(), n_benchmark: 0, passive: 0, var_confidence: 0.99,
});

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_limits {
    pub struct_size: usize,
    pub premium_budget: f64,
    pub collateral: f64,
    pub margin: *const hedge_margin_options,
    pub depth_fraction: f64,
    pub venues: *const *const c_char,
    pub n_venues: usize,
    pub cap_venues: *const *const c_char,
    pub venue_caps: *const f64,
    pub n_venue_caps: usize,
}
init_with_size!(hedge_limits {
    premium_budget: f64::INFINITY, collateral: f64::INFINITY, margin: ptr::null(), depth_fraction: 1.0,
    venues: ptr::null(), n_venues: 0, cap_venues: ptr::null(), venue_caps: ptr::null(), n_venue_caps: 0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_solve_options {
    pub struct_size: usize,
    pub backend: *const c_char,
    pub solver: *const hedge_solver_options,
    pub threads: c_uint,
}
init_with_size!(hedge_solve_options { backend: ptr::null(), solver: ptr::null(), threads: 0 });

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_hedge_summary {
    pub struct_size: usize,
    pub status: hedge_solve_status,
    pub objective: f64,
    pub cost_usd: f64,
    pub fees_usd: f64,
    pub spread_usd: f64,
    pub impact_usd: f64,
    pub funding_usd: f64,
    pub fixed_usd: f64,
    pub premium_usd: f64,
    pub std_before: f64,
    pub std_after: f64,
    pub var_before: f64,
    pub var_after: f64,
    pub cvar_before: f64,
    pub cvar_after: f64,
    pub margin_before: f64,
    pub margin_after: f64,
    pub trades: usize,
    pub scenarios: usize,
    pub iterations: usize,
    pub solve_time_s: f64,
    pub nodes: usize,
}
init_with_size!(hedge_hedge_summary {
    status: HEDGE_SOLVE_OPTIMAL, objective: 0.0, cost_usd: 0.0, fees_usd: 0.0, spread_usd: 0.0, impact_usd: 0.0,
    funding_usd: 0.0, fixed_usd: 0.0, premium_usd: 0.0, std_before: 0.0, std_after: 0.0, var_before: 0.0,
    var_after: 0.0, cvar_before: 0.0, cvar_after: 0.0, margin_before: 0.0, margin_after: 0.0, trades: 0,
    scenarios: 0, iterations: 0, solve_time_s: 0.0, nodes: 0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_trade {
    pub struct_size: usize,
    pub symbol: *const c_char,
    pub venue: *const c_char,
    pub candidate: usize,
    pub quantity: f64,
    pub mid: f64,
    pub notional_usd: f64,
    pub fee_usd: f64,
    pub spread_usd: f64,
    pub impact_usd: f64,
    pub funding_usd: f64,
    pub fixed_usd: f64,
}
init_with_size!(hedge_trade {
    symbol: ptr::null(), venue: ptr::null(), candidate: 0, quantity: 0.0, mid: 0.0, notional_usd: 0.0, fee_usd: 0.0,
    spread_usd: 0.0, impact_usd: 0.0, funding_usd: 0.0, fixed_usd: 0.0,
});

/// `hedge_limit_kind`: what kind of limit a report is about.
pub type hedge_limit_kind = c_int;
pub const HEDGE_LIMIT_GREEK: hedge_limit_kind = 0;
pub const HEDGE_LIMIT_BUDGET: hedge_limit_kind = 1;
pub const HEDGE_LIMIT_MARGIN: hedge_limit_kind = 2;
pub const HEDGE_LIMIT_VENUE_CAP: hedge_limit_kind = 3;
pub const HEDGE_LIMIT_POSITION: hedge_limit_kind = 4;
pub const HEDGE_LIMIT_TRADE: hedge_limit_kind = 5;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_limit_report {
    pub struct_size: usize,
    pub kind: hedge_limit_kind,
    pub index: usize,
    pub upper: c_int,
    pub bound: f64,
    pub shadow_price: f64,
    pub name: *const c_char,
}
init_with_size!(hedge_limit_report {
    kind: HEDGE_LIMIT_GREEK, index: 0, upper: 0, bound: 0.0, shadow_price: 0.0, name: ptr::null(),
});

// ---- volatility.h ------------------------------------------------------------------------------

pub type hedge_vol_estimator = c_int;
pub const HEDGE_VOL_CLOSE_TO_CLOSE: hedge_vol_estimator = 0;
pub const HEDGE_VOL_PARKINSON: hedge_vol_estimator = 1;
pub const HEDGE_VOL_GARMAN_KLASS: hedge_vol_estimator = 2;
pub const HEDGE_VOL_ROGERS_SATCHELL: hedge_vol_estimator = 3;
pub const HEDGE_VOL_YANG_ZHANG: hedge_vol_estimator = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_garch {
    pub struct_size: usize,
    pub omega: f64,
    pub alpha: f64,
    pub beta: f64,
    pub mean: f64,
    pub log_likelihood: f64,
    pub next_variance: f64,
    pub long_run_variance: f64,
    pub iterations: usize,
    pub observations: usize,
    pub converged: c_int,
}
init_with_size!(hedge_garch {
    omega: 0.0, alpha: 0.0, beta: 0.0, mean: 0.0, log_likelihood: 0.0, next_variance: 0.0, long_run_variance: 0.0,
    iterations: 0, observations: 0, converged: 0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_garch_options {
    pub struct_size: usize,
    pub tolerance: f64,
    pub max_iter: usize,
    pub demean: c_int,
}
init_with_size!(hedge_garch_options { tolerance: 1e-7, max_iter: 500, demean: 1 });

// ---- rebalance.h -------------------------------------------------------------------------------

pub type hedge_rebalance_rule = c_int;
pub const HEDGE_REBALANCE_CALENDAR: hedge_rebalance_rule = 0;
pub const HEDGE_REBALANCE_DELTA_BAND: hedge_rebalance_rule = 1;
pub const HEDGE_REBALANCE_WHALLEY_WILMOTT: hedge_rebalance_rule = 2;
pub const HEDGE_REBALANCE_LELAND: hedge_rebalance_rule = 3;
pub const HEDGE_REBALANCE_COST_RISK: hedge_rebalance_rule = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_rebalance_policy {
    pub struct_size: usize,
    pub rule: hedge_rebalance_rule,
    pub interval_days: f64,
    pub band: f64,
    pub risk_aversion: f64,
    pub cost_rate: f64,
    pub fixed_cost: f64,
    pub horizon_days: f64,
    pub to_edge: c_int,
}
init_with_size!(hedge_rebalance_policy {
    rule: HEDGE_REBALANCE_CALENDAR, interval_days: 1.0, band: 0.0, risk_aversion: 0.0, cost_rate: 0.0,
    fixed_cost: 0.0, horizon_days: 1.0, to_edge: 0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_rebalance_state {
    pub struct_size: usize,
    pub delta: f64,
    pub gamma: f64,
    pub spot: f64,
    pub vol: f64,
    pub rate: f64,
    pub time_left: f64,
    pub days_since_last: f64,
}
init_with_size!(hedge_rebalance_state {
    delta: 0.0, gamma: 0.0, spot: 0.0, vol: 0.0, rate: 0.0, time_left: 0.0, days_since_last: 0.0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_rebalance_decision {
    pub struct_size: usize,
    pub trade: c_int,
    pub target_delta: f64,
    pub band: f64,
    pub hedge_vol: f64,
    pub benefit_usd: f64,
    pub cost_usd: f64,
}
init_with_size!(hedge_rebalance_decision {
    trade: 0, target_delta: 0.0, band: 0.0, hedge_vol: 0.0, benefit_usd: 0.0, cost_usd: 0.0,
});

// ---- simulate.h --------------------------------------------------------------------------------

pub type hedge_sim_model = c_int;
pub const HEDGE_SIM_GBM: hedge_sim_model = 0;
pub const HEDGE_SIM_MERTON: hedge_sim_model = 1;
pub const HEDGE_SIM_HESTON: hedge_sim_model = 2;
pub const HEDGE_SIM_GARCH: hedge_sim_model = 3;
pub const HEDGE_SIM_REPLAY: hedge_sim_model = 4;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_sim_paths {
    pub struct_size: usize,
    pub model: hedge_sim_model,
    pub spot: f64,
    pub drift: f64,
    pub vol: f64,
    pub jump_intensity: f64,
    pub jump_mean: f64,
    pub jump_std: f64,
    pub kappa: f64,
    pub theta: f64,
    pub xi: f64,
    pub rho: f64,
    pub v0: f64,
    pub garch_omega: f64,
    pub garch_alpha: f64,
    pub garch_beta: f64,
    pub garch_var0: f64,
    pub prices: *const f64,
    pub n_prices: usize,
    pub windows: c_int,
}
init_with_size!(hedge_sim_paths {
    model: HEDGE_SIM_GBM, spot: 0.0, drift: 0.0, vol: 0.0, jump_intensity: 0.0, jump_mean: 0.0, jump_std: 0.0,
    kappa: 0.0, theta: 0.0, xi: 0.0, rho: 0.0, v0: 0.0, garch_omega: 0.0, garch_alpha: 0.0, garch_beta: 0.0,
    garch_var0: 0.0, prices: ptr::null(), n_prices: 0, windows: 0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_sim_option {
    pub struct_size: usize,
    pub type_: hedge_option_type,
    pub quantity: f64,
    pub strike: f64,
    pub expiry: f64,
    pub rate: f64,
    pub hedge_vol: f64,
}
init_with_size!(hedge_sim_option {
    type_: HEDGE_CALL, quantity: 0.0, strike: 0.0, expiry: 0.0, rate: 0.0, hedge_vol: 0.0,
});

pub type hedge_sim_instrument = c_int;
pub const HEDGE_SIM_SPOT: hedge_sim_instrument = 0;
pub const HEDGE_SIM_PERPETUAL: hedge_sim_instrument = 1;
pub const HEDGE_SIM_OPTION: hedge_sim_instrument = 2;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_sim_hedge {
    pub struct_size: usize,
    pub instrument: hedge_sim_instrument,
    pub funding_rate: f64,
    pub option_type: hedge_option_type,
    pub option_strike: f64,
    pub option_expiry: f64,
    pub cost_rate: f64,
    pub fixed_cost: f64,
    pub latency_steps: usize,
}
init_with_size!(hedge_sim_hedge {
    instrument: HEDGE_SIM_SPOT, funding_rate: 0.0, option_type: HEDGE_CALL, option_strike: 0.0, option_expiry: 0.0,
    cost_rate: 0.0, fixed_cost: 0.0, latency_steps: 0,
});

pub type hedge_sim_progress_fn = Option<unsafe extern "C" fn(payload: *mut c_void, done: usize, total: usize) -> c_int>;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_sim_options {
    pub struct_size: usize,
    pub paths: usize,
    pub steps: usize,
    pub seed: u64,
    pub threads: c_uint,
    pub progress: hedge_sim_progress_fn,
    pub payload: *mut c_void,
}
init_with_size!(hedge_sim_options {
    paths: 10000, steps: 365, seed: 1, threads: 0, progress: None, payload: ptr::null_mut(),
});

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hedge_sim_stats {
    pub struct_size: usize,
    pub paths: usize,
    pub option_price: f64,
    pub mean: f64,
    pub std: f64,
    pub var95: f64,
    pub cvar95: f64,
    pub var99: f64,
    pub cvar99: f64,
    pub worst: f64,
    pub best: f64,
    pub mean_cost: f64,
    pub mean_funding: f64,
    pub mean_trades: f64,
    pub std_over_price: f64,
}
init_with_size!(hedge_sim_stats {
    paths: 0, option_price: 0.0, mean: 0.0, std: 0.0, var95: 0.0, cvar95: 0.0, var99: 0.0, cvar99: 0.0, worst: 0.0,
    best: 0.0, mean_cost: 0.0, mean_funding: 0.0, mean_trades: 0.0, std_over_price: 0.0,
});

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hedge_sim_setup {
    pub struct_size: usize,
    pub paths: *const hedge_sim_paths,
    pub option: *const hedge_sim_option,
    pub hedge: *const hedge_sim_hedge,
    pub options: *const hedge_sim_options,
    pub n_policies: usize,
    pub replay_csv: *const c_char,
    pub replay_column: *const c_char,
}
init_with_size!(hedge_sim_setup {
    paths: ptr::null(), option: ptr::null(), hedge: ptr::null(), options: ptr::null(), n_policies: 0,
    replay_csv: ptr::null(), replay_column: ptr::null(),
});

// ---- functions ---------------------------------------------------------------------------------

extern "C" {
    // status.h
    pub fn hedge_status_str(status: hedge_status) -> *const c_char;
    pub fn hedge_status_name(status: hedge_status) -> *const c_char;
    pub fn hedge_error_message() -> *const c_char;
    pub fn hedge_error_status() -> hedge_status;
    pub fn hedge_error_clear();

    // version.h
    pub fn hedge_version_number() -> c_uint;
    pub fn hedge_version_string() -> *const c_char;
    pub fn hedge_capabilities() -> u64;
    pub fn hedge_capability_name(capability: u64) -> *const c_char;

    // context.h
    pub fn hedge_context_options_init(options: *mut hedge_context_options);
    pub fn hedge_context_create(out: *mut *mut hedge_context, options: *const hedge_context_options) -> hedge_status;
    pub fn hedge_context_destroy(ctx: *mut hedge_context);
    pub fn hedge_context_log(ctx: *const hedge_context, level: hedge_log_level, message: *const c_char);

    // pricing.h
    pub fn hedge_bsm_price(price: *mut f64, type_: hedge_option_type, S: f64, K: f64, T: f64, r: f64, q: f64,
                           sigma: f64) -> hedge_status;
    pub fn hedge_bsm_greeks(greeks: *mut hedge_greeks, type_: hedge_option_type, S: f64, K: f64, T: f64, r: f64,
                            q: f64, sigma: f64) -> hedge_status;
    pub fn hedge_black76_price(price: *mut f64, type_: hedge_option_type, F: f64, K: f64, T: f64, r: f64,
                               sigma: f64) -> hedge_status;
    pub fn hedge_black76_greeks(greeks: *mut hedge_greeks, type_: hedge_option_type, F: f64, K: f64, T: f64,
                                r: f64, sigma: f64) -> hedge_status;
    pub fn hedge_greeks_to_market_units(greeks: *mut hedge_greeks, days_per_year: f64) -> hedge_status;
    pub fn hedge_inverse_greeks(greeks: *mut hedge_greeks, type_: hedge_option_type, F: f64, K: f64, T: f64,
                                r_coin: f64, sigma: f64) -> hedge_status;
    pub fn hedge_inverse_delta_premium_adjusted(delta: *mut f64, type_: hedge_option_type, F: f64, K: f64, T: f64,
                                                r_coin: f64, sigma: f64) -> hedge_status;
    pub fn hedge_future_risk_eval(risk: *mut hedge_future_risk, settlement: hedge_settlement, multiplier: f64,
                                  quantity: f64, entry: f64, mark: f64) -> hedge_status;
    pub fn hedge_perpetual_funding(carry: *mut f64, settlement: hedge_settlement, multiplier: f64, quantity: f64,
                                   mark: f64, funding_rate: f64, interval_hours: f64, horizon_hours: f64)
                                   -> hedge_status;
    pub fn hedge_bsm_greeks_batch(n: usize, type_: *const i32, S: *const f64, K: *const f64, T: *const f64,
                                  r: *const f64, q: *const f64, sigma: *const f64, out: *const hedge_greeks_arrays)
                                  -> hedge_status;
    pub fn hedge_black76_greeks_batch(n: usize, type_: *const i32, F: *const f64, K: *const f64, T: *const f64,
                                      r: *const f64, sigma: *const f64, out: *const hedge_greeks_arrays)
                                      -> hedge_status;

    // implied_vol.h
    pub fn hedge_implied_vol_black76(sigma: *mut f64, type_: hedge_option_type, price: f64, F: f64, K: f64, T: f64,
                                     r: f64) -> hedge_status;
    pub fn hedge_implied_vol_bsm(sigma: *mut f64, type_: hedge_option_type, price: f64, S: f64, K: f64, T: f64,
                                 r: f64, q: f64) -> hedge_status;
    pub fn hedge_implied_vol_inverse(sigma: *mut f64, type_: hedge_option_type, price_coin: f64, F: f64, K: f64,
                                     T: f64, r_coin: f64) -> hedge_status;
    pub fn hedge_implied_vol_black76_batch(n: usize, type_: *const i32, price: *const f64, F: *const f64,
                                           K: *const f64, T: *const f64, r: *const f64, sigma: *mut f64,
                                           status: *mut hedge_status) -> hedge_status;
    pub fn hedge_implied_vol_bsm_batch(n: usize, type_: *const i32, price: *const f64, S: *const f64,
                                       K: *const f64, T: *const f64, r: *const f64, q: *const f64, sigma: *mut f64,
                                       status: *mut hedge_status) -> hedge_status;

    // instrument.h
    pub fn hedge_instrument_spec_init(spec: *mut hedge_instrument_spec);
    pub fn hedge_instrument_create(out: *mut *mut hedge_instrument, ctx: *mut hedge_context,
                                   spec: *const hedge_instrument_spec) -> hedge_status;
    pub fn hedge_instrument_ref(instrument: *const hedge_instrument) -> *mut hedge_instrument;
    pub fn hedge_instrument_destroy(instrument: *mut hedge_instrument);
    pub fn hedge_instrument_info(spec: *mut hedge_instrument_spec, instrument: *const hedge_instrument)
                                 -> hedge_status;
    pub fn hedge_instrument_time_to_expiry(years: *mut f64, instrument: *const hedge_instrument, now_ms: i64)
                                           -> hedge_status;

    // snapshot.h
    pub fn hedge_snapshot_options_init(options: *mut hedge_snapshot_options);
    pub fn hedge_snapshot_builder_create(out: *mut *mut hedge_snapshot_builder, ctx: *mut hedge_context,
                                         valuation_ms: i64, options: *const hedge_snapshot_options) -> hedge_status;
    pub fn hedge_snapshot_builder_destroy(builder: *mut hedge_snapshot_builder);
    pub fn hedge_snapshot_builder_set_spot(builder: *mut hedge_snapshot_builder, underlying: *const c_char,
                                           spot: f64, timestamp_ms: i64, max_age_ms: i64) -> hedge_status;
    pub fn hedge_snapshot_builder_add_source(builder: *mut hedge_snapshot_builder, underlying: *const c_char,
                                             source: *const c_char, price: f64, timestamp_ms: i64,
                                             max_age_ms: i64) -> hedge_status;
    pub fn hedge_snapshot_builder_set_rate(builder: *mut hedge_snapshot_builder, underlying: *const c_char,
                                           rate: f64) -> hedge_status;
    pub fn hedge_snapshot_builder_add_forward(builder: *mut hedge_snapshot_builder, underlying: *const c_char,
                                              expiry_ms: i64, forward: f64) -> hedge_status;
    pub fn hedge_snapshot_builder_set_funding(builder: *mut hedge_snapshot_builder, symbol: *const c_char,
                                              rate: f64, predicted: f64, timestamp_ms: i64, max_age_ms: i64)
                                              -> hedge_status;
    pub fn hedge_snapshot_builder_add_quote(builder: *mut hedge_snapshot_builder, quote: *const hedge_quote)
                                            -> hedge_status;
    pub fn hedge_snapshot_builder_finish(out: *mut *mut hedge_snapshot, builder: *mut hedge_snapshot_builder)
                                         -> hedge_status;
    pub fn hedge_snapshot_ref(snapshot: *const hedge_snapshot) -> *mut hedge_snapshot;
    pub fn hedge_snapshot_destroy(snapshot: *mut hedge_snapshot);
    pub fn hedge_snapshot_valuation_ms(snapshot: *const hedge_snapshot) -> i64;
    pub fn hedge_snapshot_spot(spot: *mut f64, snapshot: *const hedge_snapshot, underlying: *const c_char)
                               -> hedge_status;
    pub fn hedge_snapshot_rate(rate: *mut f64, snapshot: *const hedge_snapshot, underlying: *const c_char)
                               -> hedge_status;
    pub fn hedge_snapshot_forward(forward: *mut f64, snapshot: *const hedge_snapshot, underlying: *const c_char,
                                  expiry_ms: i64) -> hedge_status;
    pub fn hedge_snapshot_funding(rate: *mut f64, predicted: *mut f64, snapshot: *const hedge_snapshot,
                                  symbol: *const c_char) -> hedge_status;
    pub fn hedge_snapshot_quote(quote: *mut hedge_quote, snapshot: *const hedge_snapshot, symbol: *const c_char,
                                venue: *const c_char) -> hedge_status;
    pub fn hedge_snapshot_sources(reports: *mut hedge_source_report, capacity: usize, count: *mut usize,
                                  snapshot: *const hedge_snapshot, underlying: *const c_char) -> hedge_status;

    // volsurface.h
    pub fn hedge_vol_surface_fit(out: *mut *mut hedge_vol_surface, ctx: *mut hedge_context, valuation_ms: i64,
                                 smiles: *const hedge_smile_data, n_smiles: usize) -> hedge_status;
    pub fn hedge_surface_fit_options_init(options: *mut hedge_surface_fit_options);
    pub fn hedge_vol_surface_fit_quotes(out: *mut *mut hedge_vol_surface, ctx: *mut hedge_context,
                                        snapshot: *const hedge_snapshot, options: *const *const hedge_instrument,
                                        n_options: usize, opts: *const hedge_surface_fit_options,
                                        report: *mut hedge_surface_fit_report) -> hedge_status;
    pub fn hedge_vol_surface_create(out: *mut *mut hedge_vol_surface, ctx: *mut hedge_context, valuation_ms: i64,
                                    slices: *const hedge_svi_slice, n_slices: usize) -> hedge_status;
    pub fn hedge_vol_surface_ref(surface: *const hedge_vol_surface) -> *mut hedge_vol_surface;
    pub fn hedge_vol_surface_destroy(surface: *mut hedge_vol_surface);
    pub fn hedge_vol_surface_slice_count(surface: *const hedge_vol_surface) -> usize;
    pub fn hedge_vol_surface_slice(slice: *mut hedge_svi_slice, surface: *const hedge_vol_surface, index: usize)
                                   -> hedge_status;
    pub fn hedge_vol_surface_total_variance(w: *mut f64, surface: *const hedge_vol_surface, k: f64, T: f64)
                                            -> hedge_status;
    pub fn hedge_vol_surface_vol(vol: *mut f64, surface: *const hedge_vol_surface, strike: f64, forward: f64,
                                 expiry_ms: i64) -> hedge_status;
    pub fn hedge_vol_surface_check(reports: *mut hedge_arbitrage_report, capacity: usize, count: *mut usize,
                                   surface: *const hedge_vol_surface, k_min: f64, k_max: f64, grid_points: usize)
                                   -> hedge_status;

    // market.h
    pub fn hedge_market_create(out: *mut *mut hedge_market, ctx: *mut hedge_context, snapshot: *const hedge_snapshot,
                               instruments: *const *const hedge_instrument, n_instruments: usize,
                               surfaces: *const *const hedge_vol_surface, surface_underlyings: *const *const c_char,
                               n_surfaces: usize) -> hedge_status;
    pub fn hedge_market_read_json(out: *mut *mut hedge_market, ctx: *mut hedge_context, text: *const c_char,
                                  length: usize, name: *const c_char) -> hedge_status;
    pub fn hedge_market_load_json(out: *mut *mut hedge_market, ctx: *mut hedge_context, path: *const c_char)
                                  -> hedge_status;
    pub fn hedge_market_write_json(buffer: *mut c_char, capacity: usize, length: *mut usize,
                                   market: *const hedge_market) -> hedge_status;
    pub fn hedge_market_ref(market: *const hedge_market) -> *mut hedge_market;
    pub fn hedge_market_destroy(market: *mut hedge_market);
    pub fn hedge_market_snapshot(market: *const hedge_market) -> *const hedge_snapshot;
    pub fn hedge_market_instrument_count(market: *const hedge_market) -> usize;
    pub fn hedge_market_instrument(market: *const hedge_market, index: usize) -> *const hedge_instrument;
    pub fn hedge_market_find_instrument(instrument: *mut *const hedge_instrument, market: *const hedge_market,
                                        symbol: *const c_char) -> hedge_status;
    pub fn hedge_market_surface(surface: *mut *const hedge_vol_surface, market: *const hedge_market,
                                underlying: *const c_char) -> hedge_status;

    // valuation.h
    pub fn hedge_instrument_value(out: *mut hedge_valuation, instrument: *const hedge_instrument,
                                  snapshot: *const hedge_snapshot, surface: *const hedge_vol_surface)
                                  -> hedge_status;

    // portfolio.h
    pub fn hedge_position_clear(position: *mut hedge_position);
    pub fn hedge_portfolio_create(out: *mut *mut hedge_portfolio, ctx: *mut hedge_context) -> hedge_status;
    pub fn hedge_portfolio_destroy(portfolio: *mut hedge_portfolio);
    pub fn hedge_portfolio_add(portfolio: *mut hedge_portfolio, position: *const hedge_position) -> hedge_status;
    pub fn hedge_portfolio_update(portfolio: *mut hedge_portfolio, symbol: *const c_char, quantity: f64,
                                  entry_price: f64) -> hedge_status;
    pub fn hedge_portfolio_remove(portfolio: *mut hedge_portfolio, symbol: *const c_char) -> hedge_status;
    pub fn hedge_portfolio_count(portfolio: *const hedge_portfolio) -> usize;
    pub fn hedge_portfolio_position(position: *mut hedge_position, portfolio: *const hedge_portfolio, index: usize)
                                    -> hedge_status;
    pub fn hedge_portfolio_find(position: *mut hedge_position, portfolio: *const hedge_portfolio,
                                symbol: *const c_char) -> hedge_status;
    pub fn hedge_portfolio_read_json(out: *mut *mut hedge_portfolio, ctx: *mut hedge_context,
                                     market: *const hedge_market, text: *const c_char, length: usize,
                                     name: *const c_char) -> hedge_status;
    pub fn hedge_portfolio_load_json(out: *mut *mut hedge_portfolio, ctx: *mut hedge_context,
                                     market: *const hedge_market, path: *const c_char) -> hedge_status;
    pub fn hedge_portfolio_write_json(buffer: *mut c_char, capacity: usize, length: *mut usize,
                                      market: *const hedge_market, portfolio: *const hedge_portfolio)
                                      -> hedge_status;

    // risk.h
    pub fn hedge_risk_compute(out: *mut *mut hedge_risk, ctx: *mut hedge_context, portfolio: *const hedge_portfolio,
                              market: *const hedge_market, options: *const hedge_risk_options) -> hedge_status;
    pub fn hedge_risk_destroy(risk: *mut hedge_risk);
    pub fn hedge_risk_row_count(risk: *const hedge_risk, by: hedge_breakdown) -> usize;
    pub fn hedge_risk_row_get(row: *mut hedge_risk_row, risk: *const hedge_risk, by: hedge_breakdown, index: usize)
                              -> hedge_status;
    pub fn hedge_risk_total(row: *mut hedge_risk_row, risk: *const hedge_risk) -> hedge_status;
    pub fn hedge_pnl_explain_compute(explain: *mut hedge_pnl_explain, portfolio: *const hedge_portfolio,
                                     before: *const hedge_market, after: *const hedge_market,
                                     underlying: *const c_char) -> hedge_status;
    pub fn hedge_aggregate_columns(n: usize, bucket: *const u32, columns: *const *const f64, n_columns: usize,
                                   sums: *mut f64, n_buckets: usize) -> hedge_status;

    // scenario.h
    pub fn hedge_scenarios_run(out: *mut *mut hedge_scenario_pnl, ctx: *mut hedge_context,
                               portfolio: *const hedge_portfolio, market: *const hedge_market,
                               scenarios: *const hedge_scenario, n_scenarios: usize,
                               options: *const hedge_scenario_options) -> hedge_status;
    pub fn hedge_scenario_pnl_destroy(pnl: *mut hedge_scenario_pnl);
    pub fn hedge_scenario_pnl_positions(pnl: *const hedge_scenario_pnl) -> usize;
    pub fn hedge_scenario_pnl_scenarios(pnl: *const hedge_scenario_pnl) -> usize;
    pub fn hedge_scenario_pnl_matrix(pnl: *const hedge_scenario_pnl) -> *const f64;
    pub fn hedge_scenario_pnl_symbol(pnl: *const hedge_scenario_pnl, index: usize) -> *const c_char;
    pub fn hedge_scenario_pnl_totals(totals: *mut f64, n: usize, pnl: *const hedge_scenario_pnl) -> hedge_status;
    pub fn hedge_scenario_grid(scenarios: *mut hedge_scenario, shifts: *mut hedge_shift, capacity: usize,
                               count: *mut usize, spot_range: f64, spot_steps: usize, vol_moves: *const f64,
                               n_vol_moves: usize, days: f64) -> hedge_status;
    pub fn hedge_scenario_historical(scenarios: *mut hedge_scenario, shifts: *mut hedge_shift, capacity: usize,
                                     count: *mut usize, underlyings: *const *const c_char, n_underlyings: usize,
                                     prices: *const f64, vols: *const f64, n_obs: usize, horizon: usize,
                                     days: f64) -> hedge_status;
    pub fn hedge_scenario_sample(scenarios: *mut hedge_scenario, shifts: *mut hedge_shift, n: usize,
                                 underlyings: *const *const c_char, n_underlyings: usize, vols: *const f64,
                                 correlation: *const f64, days: f64, seed: u64, k_begin: u64, workspace: *mut f64,
                                 workspace_len: usize) -> hedge_status;
    pub fn hedge_scenario_var(var: *mut f64, es: *mut f64, pnl: *const f64, probabilities: *const f64, n: usize,
                              level: f64, workspace: *mut f64, workspace_len: usize) -> hedge_status;

    // margin.h
    pub fn hedge_portfolio_margin(result: *mut hedge_margin_result, ctx: *mut hedge_context,
                                  portfolio: *const hedge_portfolio, market: *const hedge_market,
                                  options: *const hedge_margin_options) -> hedge_status;
    pub fn hedge_liquidation_price(price: *mut f64, settlement: hedge_settlement, multiplier: f64, quantity: f64,
                                   entry: f64, collateral: f64, mmr: f64) -> hedge_status;
    pub fn hedge_cross_liquidation_price(price: *mut f64, positions: *const hedge_cross_position, n: usize,
                                         collateral: f64, mark: f64) -> hedge_status;

    // optimize.h
    pub fn hedge_qp_create(out: *mut *mut hedge_qp, ctx: *mut hedge_context, n: usize, k: usize, m: usize)
                           -> hedge_status;
    pub fn hedge_qp_destroy(qp: *mut hedge_qp);
    pub fn hedge_qp_set(qp: *mut hedge_qp, which: hedge_qp_vector, values: *const f64) -> hedge_status;
    pub fn hedge_qp_set_factor(qp: *mut hedge_qp, F: *const f64, ld: usize) -> hedge_status;
    pub fn hedge_qp_set_rows(qp: *mut hedge_qp, A: *const f64, ld: usize) -> hedge_status;
    pub fn hedge_qp_set_integer(qp: *mut hedge_qp, is_integer: *const u8) -> hedge_status;
    pub fn hedge_qp_size(qp: *const hedge_qp, n: *mut usize, k: *mut usize, m: *mut usize) -> hedge_status;
    pub fn hedge_qp_vector_data(qp: *const hedge_qp, which: hedge_qp_vector) -> *const f64;
    pub fn hedge_qp_matrix_data(qp: *const hedge_qp, factor: c_int) -> *const f64;
    pub fn hedge_qp_integer_data(qp: *const hedge_qp) -> *const u8;
    pub fn hedge_solver_create(out: *mut *mut hedge_solver, ctx: *mut hedge_context, backend: *const c_char,
                               qp: *const hedge_qp, options: *const hedge_solver_options) -> hedge_status;
    pub fn hedge_solver_destroy(solver: *mut hedge_solver);
    pub fn hedge_solver_solve(solver: *mut hedge_solver, solution: *mut hedge_solution) -> hedge_status;
    pub fn hedge_solver_update(solver: *mut hedge_solver, which: hedge_qp_vector, values: *const f64)
                               -> hedge_status;
    pub fn hedge_solver_warm_start(solver: *mut hedge_solver, x: *const f64, y: *const f64) -> hedge_status;
    pub fn hedge_solver_backend(solver: *const hedge_solver) -> *const c_char;
    pub fn hedge_backends(ctx: *const hedge_context, names: *mut *const c_char, capacity: usize, count: *mut usize,
                          capabilities: *mut u64) -> hedge_status;

    // sys/backend.h
    pub fn hedge_context_register_backend(ctx: *mut hedge_context, backend: *const hedge_backend) -> hedge_status;
    pub fn hedge_context_alloc(ctx: *mut hedge_context, size: usize, align: usize) -> *mut c_void;
    pub fn hedge_context_free(ctx: *mut hedge_context, ptr: *mut c_void, size: usize, align: usize);

    // hedging.h
    pub fn hedge_problem_create(out: *mut *mut hedge_problem, ctx: *mut hedge_context) -> hedge_status;
    pub fn hedge_problem_destroy(problem: *mut hedge_problem);
    pub fn hedge_problem_add_candidate(problem: *mut hedge_problem, candidate: *const hedge_candidate)
                                       -> hedge_status;
    pub fn hedge_problem_add_target(problem: *mut hedge_problem, target: *const hedge_greek_target) -> hedge_status;
    pub fn hedge_problem_set_objective(problem: *mut hedge_problem, objective: *const hedge_objective)
                                       -> hedge_status;
    pub fn hedge_problem_set_limits(problem: *mut hedge_problem, limits: *const hedge_limits) -> hedge_status;
    pub fn hedge_problem_read_json(out: *mut *mut hedge_problem, ctx: *mut hedge_context, market: *const hedge_market,
                                   text: *const c_char, length: usize, name: *const c_char) -> hedge_status;
    pub fn hedge_problem_load_json(out: *mut *mut hedge_problem, ctx: *mut hedge_context, market: *const hedge_market,
                                   path: *const c_char) -> hedge_status;
    pub fn hedge_solve(out: *mut *mut hedge_result, ctx: *mut hedge_context, problem: *const hedge_problem,
                       book: *const hedge_portfolio, market: *const hedge_market, options: *const hedge_solve_options)
                       -> hedge_status;
    pub fn hedge_result_destroy(result: *mut hedge_result);
    pub fn hedge_result_summary(summary: *mut hedge_hedge_summary, result: *const hedge_result) -> hedge_status;
    pub fn hedge_result_trade_count(result: *const hedge_result) -> usize;
    pub fn hedge_result_trade(trade: *mut hedge_trade, result: *const hedge_result, index: usize) -> hedge_status;
    pub fn hedge_result_underlying_count(result: *const hedge_result) -> usize;
    pub fn hedge_result_greeks(before: *mut hedge_risk_row, after: *mut hedge_risk_row, result: *const hedge_result,
                               index: usize) -> hedge_status;
    pub fn hedge_result_limit_count(result: *const hedge_result) -> usize;
    pub fn hedge_result_limit(report: *mut hedge_limit_report, result: *const hedge_result, index: usize)
                              -> hedge_status;
    pub fn hedge_result_write_json(buffer: *mut c_char, capacity: usize, length: *mut usize,
                                   result: *const hedge_result) -> hedge_status;

    // volatility.h
    pub fn hedge_realized_vol(vol: *mut f64, est: hedge_vol_estimator, open: *const f64, high: *const f64,
                              low: *const f64, close: *const f64, n: usize, periods_per_year: f64) -> hedge_status;
    pub fn hedge_ewma_vol(vol: *mut f64, series: *mut f64, returns: *const f64, n: usize, lambda: f64,
                          initial_variance: f64, periods_per_year: f64) -> hedge_status;
    pub fn hedge_garch_options_init(options: *mut hedge_garch_options);
    pub fn hedge_garch_fit(model: *mut hedge_garch, returns: *const f64, n: usize, options: *const hedge_garch_options)
                           -> hedge_status;
    pub fn hedge_garch_forecast_variance(variance: *mut f64, model: *const hedge_garch, steps: usize) -> hedge_status;
    pub fn hedge_garch_forecast_vol(vol: *mut f64, model: *const hedge_garch, horizon: usize, periods_per_year: f64)
                                    -> hedge_status;
    pub fn hedge_garch_simulate(returns: *mut f64, variances: *mut f64, n: usize, model: *const hedge_garch,
                                initial_variance: f64, seed: u64, stream: u64) -> hedge_status;

    // rebalance.h
    pub fn hedge_rebalance_decide(decision: *mut hedge_rebalance_decision, policy: *const hedge_rebalance_policy,
                                  state: *const hedge_rebalance_state) -> hedge_status;
    pub fn hedge_rebalancer_create(out: *mut *mut hedge_rebalancer, ctx: *mut hedge_context,
                                   problem: *const hedge_problem, underlying: *const c_char,
                                   policy: *const hedge_rebalance_policy) -> hedge_status;
    pub fn hedge_rebalancer_destroy(rebalancer: *mut hedge_rebalancer);
    pub fn hedge_rebalancer_check(decision: *mut hedge_rebalance_decision, orders: *mut *mut hedge_result,
                                  rebalancer: *mut hedge_rebalancer, book: *const hedge_portfolio,
                                  market: *const hedge_market) -> hedge_status;

    // simulate.h
    pub fn hedge_sim_run(stats: *mut hedge_sim_stats, pnl: *mut f64, n_pnl: usize, ctx: *mut hedge_context,
                         paths: *const hedge_sim_paths, option: *const hedge_sim_option, hedge: *const hedge_sim_hedge,
                         policy: *const hedge_rebalance_policy, options: *const hedge_sim_options) -> hedge_status;
    pub fn hedge_sim_generate(prices: *mut f64, capacity: usize, paths: *const hedge_sim_paths, horizon: f64,
                              steps: usize, seed: u64, first_path: usize, n_paths: usize) -> hedge_status;
    pub fn hedge_sim_config_read_json(out: *mut *mut hedge_sim_config, ctx: *mut hedge_context, text: *const c_char,
                                      length: usize, name: *const c_char) -> hedge_status;
    pub fn hedge_sim_config_load_json(out: *mut *mut hedge_sim_config, ctx: *mut hedge_context, path: *const c_char)
                                      -> hedge_status;
    pub fn hedge_sim_config_destroy(config: *mut hedge_sim_config);
    pub fn hedge_sim_config_setup(setup: *mut hedge_sim_setup, config: *const hedge_sim_config) -> hedge_status;
    pub fn hedge_sim_config_policy(policy: *mut hedge_rebalance_policy, name: *mut *const c_char,
                                   config: *const hedge_sim_config, index: usize) -> hedge_status;
}
