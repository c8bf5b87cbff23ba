// The hand-written #[repr(C)] structs against a C compiler's view of the real headers: a probe
// prints sizeof and every offsetof, and each must equal Rust's. A field the C struct lacks fails the
// probe's compile. Skipped (with a message) when no C compiler runs; $HEDGE_CC names one.

use std::mem::{size_of, MaybeUninit};
use std::path::PathBuf;
use std::process::Command;

use libhedge_sys as sys;

// offset_of! needs Rust 1.77; the crate's minimum is 1.63.
macro_rules! offset {
    ($t:ty, $f:ident) => {{
        let u = MaybeUninit::<$t>::uninit();
        let base = u.as_ptr();
        // addr_of! takes the address without reading the uninitialised field
        unsafe { (std::ptr::addr_of!((*base).$f) as *const u8).offset_from(base as *const u8) as usize }
    }};
}

/// The C name of a Rust field: `type_` is C's `type`, a Rust keyword.
fn c_field(rust: &str) -> &str {
    rust.strip_suffix('_').unwrap_or(rust)
}

macro_rules! layouts {
    ($($t:ident { $($f:ident),* $(,)? })*) => {
        fn rust_view() -> Vec<String> {
            let mut v = Vec::new();
            $(
                v.push(format!("{} {}", stringify!($t), size_of::<sys::$t>()));
                $( v.push(format!("{}.{} {}", stringify!($t), c_field(stringify!($f)), offset!(sys::$t, $f))); )*
            )*
            v
        }
        fn c_probe() -> String {
            let mut s = String::new();
            $(
                s += &format!("printf(\"{} %zu\\n\", sizeof({}));\n", stringify!($t), stringify!($t));
                $( s += &format!("printf(\"{}.{} %zu\\n\", offsetof({}, {}));\n", stringify!($t),
                                 c_field(stringify!($f)), stringify!($t), c_field(stringify!($f))); )*
            )*
            s
        }
    };
}

layouts! {
    hedge_position { struct_size, instrument, quantity, entry_price }
    hedge_risk_row { struct_size, underlying, venue, symbol, expiry_ms, positions, quantity, spot, value_usd, delta_coin,
                     delta_usd, gamma_coin, gamma_usd, vega_usd, theta_usd, beta_delta_usd, beta_delta_ref, tenor_days }
    hedge_shift { underlying, spot, vol_rel, vol_abs }
    hedge_scenario { shifts, n_shifts, days }
    hedge_margin_options { struct_size, spot_range, spot_steps, vol_up, vol_down, delta_addon, threads }
    hedge_solver_options { struct_size, eps_abs, eps_rel, max_iter, time_limit_s, polish }
    hedge_solution { struct_size, x, y, z, status, objective, primal_residual, dual_residual, iterations,
                     solve_time_s }
    hedge_candidate { struct_size, symbol, venue, taker_fee, maker_fee, fee_cap, fee_usd, fixed_cost, impact,
                      impact_from_book, lot_size, min_size, min_trade, max_trade, min_position, max_position,
                      buy_only }
    hedge_greek_target { struct_size, greek, underlying, min_days, max_days, lo, hi, target, weight }
    hedge_objective { struct_size, risk_aversion, horizon_days, scenarios, n_scenarios, spot_points, vol_points,
                      vol_of_vol, benchmark, n_benchmark, passive, var_confidence }
    hedge_limits { struct_size, premium_budget, collateral, margin, depth_fraction, venues, n_venues, cap_venues,
                   venue_caps, n_venue_caps }
    hedge_solve_options { struct_size, backend, solver, threads }
    hedge_hedge_summary { struct_size, status, objective, cost_usd, fees_usd, spread_usd, impact_usd, funding_usd,
                          fixed_usd, premium_usd, std_before, std_after, var_before, var_after, cvar_before,
                          cvar_after, margin_before, margin_after, trades, scenarios, iterations, solve_time_s,
                          nodes }
    hedge_trade { struct_size, symbol, venue, candidate, quantity, mid, notional_usd, fee_usd, spread_usd, impact_usd,
                  funding_usd, fixed_usd }
    hedge_limit_report { struct_size, kind, index, upper, bound, shadow_price, name }
    hedge_garch { struct_size, omega, alpha, beta, mean, log_likelihood, next_variance, long_run_variance, iterations,
                  observations, converged }
    hedge_garch_options { struct_size, tolerance, max_iter, demean }
    hedge_rebalance_policy { struct_size, rule, interval_days, band, risk_aversion, cost_rate, fixed_cost,
                             horizon_days, to_edge }
    hedge_rebalance_state { struct_size, delta, gamma, spot, vol, rate, time_left, days_since_last }
    hedge_rebalance_decision { struct_size, trade, target_delta, band, hedge_vol, benefit_usd, cost_usd }
    hedge_sim_paths { struct_size, model, spot, drift, vol, jump_intensity, jump_mean, jump_std, kappa, theta, xi, rho,
                      v0, garch_omega, garch_alpha, garch_beta, garch_var0, prices, n_prices, windows }
    hedge_sim_option { struct_size, type_, quantity, strike, expiry, rate, hedge_vol }
    hedge_sim_hedge { struct_size, instrument, funding_rate, option_type, option_strike, option_expiry, cost_rate,
                      fixed_cost, latency_steps }
    hedge_sim_options { struct_size, paths, steps, seed, threads, progress, payload }
    hedge_sim_stats { struct_size, paths, option_price, mean, std, var95, cvar95, var99, cvar99, worst, best,
                      mean_cost, mean_funding, mean_trades, std_over_price }
    hedge_sim_setup { struct_size, paths, option, hedge, options, n_policies, replay_csv, replay_column }
    hedge_smile_data { expiry_ms, forward, n, strikes, vols, weights }
    hedge_svi_slice { expiry_ms, T, forward, a, b, rho, m, sigma, rmse_vol }
    hedge_surface_fit_options { struct_size, venue, flags, weighting, atm_band }
    hedge_surface_fit_expiry { expiry_ms, forward, fitted, used, missing, stale, one_sided, in_the_money,
                               out_of_bounds, thin, rmse_vol, max_error_vol }
    hedge_surface_fit_report { struct_size, expiry_struct_size, expiries, expiry_capacity, n_expiries, n_fitted,
                               n_used, n_skipped, verdicts }
    hedge_backend { abi_version, struct_size, name, capabilities, user, setup, solve, update, warm_start, destroy }
}

/// The initialisers agree with the headers' `_INIT` macros: each numeric field as a double, compared
/// bit for bit (infinities and 1e-9 included).
const INIT_PROBE: &str = r#"
#include <string.h>
#define SAME(T, INIT, f)                                                                               \
    {                                                                                                  \
        T v_ = INIT;                                                                                   \
        double d_ = (double)v_.f;                                                                      \
        unsigned long long b_;                                                                         \
        memcpy(&b_, &d_, sizeof b_);                                                                   \
        printf(#T "." #f " %016llx\n", b_);                                                            \
    }
"#;

macro_rules! inits {
    ($($t:ident = $init:ident { $($f:ident),* $(,)? })*) => {
        fn rust_inits() -> Vec<String> {
            let mut v = Vec::new();
            $(
                let x = sys::$t::init();
                $( v.push(format!("{}.{} {:016x}", stringify!($t), c_field(stringify!($f)), (x.$f as f64).to_bits())); )*
            )*
            v
        }
        fn c_inits() -> String {
            let mut s = String::new();
            $( $( s += &format!("SAME({}, {}, {})\n", stringify!($t), stringify!($init), c_field(stringify!($f))); )* )*
            s
        }
    };
}

inits! {
    hedge_solver_options = HEDGE_SOLVER_OPTIONS_INIT { eps_abs, eps_rel, max_iter, time_limit_s, polish }
    hedge_candidate = HEDGE_CANDIDATE_INIT { taker_fee, maker_fee, fee_cap, fee_usd, fixed_cost, impact,
                                             impact_from_book, lot_size, min_size, min_trade, max_trade,
                                             min_position, max_position, buy_only }
    hedge_greek_target = HEDGE_GREEK_TARGET_INIT { greek, min_days, max_days, lo, hi, target, weight }
    hedge_objective = HEDGE_OBJECTIVE_INIT { risk_aversion, horizon_days, n_scenarios, spot_points, vol_points,
                                             vol_of_vol, n_benchmark, passive, var_confidence }
    hedge_limits = HEDGE_LIMITS_INIT { premium_budget, collateral, depth_fraction, n_venues, n_venue_caps }
    hedge_solve_options = HEDGE_SOLVE_OPTIONS_INIT { threads }
    hedge_margin_options = HEDGE_MARGIN_OPTIONS_INIT { spot_range, spot_steps, vol_up, vol_down, delta_addon,
                                                       threads }
    hedge_garch = HEDGE_GARCH_INIT { omega, alpha, beta, mean, log_likelihood, next_variance, long_run_variance,
                                     iterations, observations, converged }
    hedge_garch_options = HEDGE_GARCH_OPTIONS_INIT { tolerance, max_iter, demean }
    hedge_rebalance_policy = HEDGE_REBALANCE_POLICY_INIT { rule, interval_days, band, risk_aversion, cost_rate,
                                                           fixed_cost, horizon_days, to_edge }
    hedge_rebalance_state = HEDGE_REBALANCE_STATE_INIT { delta, gamma, spot, vol, rate, time_left, days_since_last }
    hedge_rebalance_decision = HEDGE_REBALANCE_DECISION_INIT { trade, target_delta, band, hedge_vol, benefit_usd,
                                                               cost_usd }
    hedge_sim_paths = HEDGE_SIM_PATHS_INIT { model, spot, drift, vol, jump_intensity, jump_mean, jump_std, kappa,
                                             theta, xi, rho, v0, garch_omega, garch_alpha, garch_beta, garch_var0,
                                             n_prices, windows }
    hedge_sim_option = HEDGE_SIM_OPTION_INIT { type_, quantity, strike, expiry, rate, hedge_vol }
    hedge_sim_hedge = HEDGE_SIM_HEDGE_INIT { instrument, funding_rate, option_type, option_strike, option_expiry,
                                             cost_rate, fixed_cost, latency_steps }
    hedge_sim_options = HEDGE_SIM_OPTIONS_INIT { paths, steps, seed, threads }
    hedge_sim_stats = HEDGE_SIM_STATS_INIT { paths, option_price, mean, std, var95, cvar95, var99, cvar99, worst,
                                             best, mean_cost, mean_funding, mean_trades, std_over_price }
    hedge_sim_setup = HEDGE_SIM_SETUP_INIT { n_policies }
    hedge_surface_fit_options = HEDGE_SURFACE_FIT_OPTIONS_INIT { flags, weighting, atm_band }
    hedge_surface_fit_report = HEDGE_SURFACE_FIT_REPORT_INIT { expiry_struct_size, expiry_capacity, n_expiries,
                                                               n_fitted, n_used, n_skipped }
}

fn probe(name: &str, body: &str, prelude: &str) -> Option<Vec<String>> {
    let cc = std::env::var("HEDGE_CC").unwrap_or_else(|_| "cc".to_string());
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../include");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let src = dir.join(format!("{}.c", name));
    let exe = dir.join(name);
    let headers = ["hedging.h", "rebalance.h", "simulate.h", "volatility.h", "volsurface.h", "sys/backend.h"]
        .iter()
        .map(|h| format!("#include <hedge/{}>\n", h))
        .collect::<String>();
    std::fs::write(&src, format!("#include <stddef.h>\n#include <stdio.h>\n{}{}\nint main(void) {{\n{}return 0;\n}}\n",
                                 headers, prelude, body)).unwrap();
    // A sanitizer build runs the tests with the sanitizer runtime preloaded (cargo-test.sh): the
    // compiler and the probe are not instrumented and must not inherit it.
    let status = Command::new(&cc).env_remove("LD_PRELOAD").arg("-std=c11").arg("-I").arg(&include).arg(&src)
        .arg("-o").arg(&exe).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("the probe did not compile ({}): a declared field is missing in C?", s),
        Err(e) => {
            eprintln!("skipped: cannot run the C compiler {:?}: {}", cc, e);
            return None;
        }
    }
    let out = Command::new(&exe).env_remove("LD_PRELOAD").output().expect("run the probe");
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect())
}

#[test]
fn struct_sizes_and_offsets_match_the_c_headers() {
    if let Some(c) = probe("layout_probe", &c_probe(), "") {
        assert_eq!(rust_view(), c);
    }
}

#[test]
fn initialisers_match_the_c_init_macros() {
    if let Some(c) = probe("init_probe", &c_inits(), INIT_PROBE) {
        assert_eq!(rust_inits(), c);
    }
}

#[test]
fn sized_structs_start_with_their_size() {
    assert_eq!(sys::hedge_candidate::init().struct_size, size_of::<sys::hedge_candidate>());
    assert_eq!(offset!(sys::hedge_hedge_summary, struct_size), 0);
    macro_rules! sized {
        ($($t:ident),*) => {$(
            assert_eq!(sys::$t::init().struct_size, size_of::<sys::$t>(), stringify!($t));
            assert_eq!(offset!(sys::$t, struct_size), 0, stringify!($t));
        )*};
    }
    sized!(hedge_surface_fit_options, hedge_surface_fit_report, hedge_garch, hedge_garch_options, hedge_rebalance_policy, hedge_rebalance_state, hedge_rebalance_decision,
           hedge_sim_paths, hedge_sim_option, hedge_sim_hedge, hedge_sim_options, hedge_sim_stats, hedge_sim_setup);
}

/// The pointer members the numeric comparison above leaves out: NULL in every `_INIT` macro.
#[test]
fn initialisers_leave_pointers_null() {
    assert!(sys::hedge_sim_paths::init().prices.is_null());
    let o = sys::hedge_sim_options::init();
    assert!(o.progress.is_none() && o.payload.is_null());
    let s = sys::hedge_sim_setup::init();
    assert!(s.paths.is_null() && s.option.is_null() && s.hedge.is_null() && s.options.is_null());
    assert!(s.replay_csv.is_null() && s.replay_column.is_null());
    assert!(sys::hedge_surface_fit_options::init().venue.is_null());
    let r = sys::hedge_surface_fit_report::init();
    assert!(r.expiries.is_null() && r.verdicts.is_null());
}

/// `hedge_backend` has no `_INIT` macro: `init()` sets the version and size the library checks on
/// registration (`HEDGE_BACKEND_ABI_VERSION`, compared with the header's by the probe) and nothing else.
#[test]
fn backend_table_init_sets_version_and_size() {
    let b = sys::hedge_backend::init();
    assert_eq!(b.struct_size, size_of::<sys::hedge_backend>());
    assert!(b.name.is_null() && b.user.is_null() && b.capabilities == 0);
    assert!(b.setup.is_none() && b.solve.is_none() && b.update.is_none() && b.warm_start.is_none());
    assert!(b.destroy.is_none());
    if let Some(c) = probe("backend_probe", "printf(\"%d\\n\", HEDGE_BACKEND_ABI_VERSION);\n", "") {
        assert_eq!(c, vec![sys::HEDGE_BACKEND_ABI_VERSION.to_string()]);
    }
}

/// `hedge_garch_options_init()` (the library's function, not the macro) writes what `init()` holds.
#[test]
fn garch_options_init_function_agrees() {
    let mut o = sys::hedge_garch_options { struct_size: 0, tolerance: -1.0, max_iter: 7, demean: 9 };
    unsafe { sys::hedge_garch_options_init(&mut o) };
    assert_eq!(o, sys::hedge_garch_options::init());
    unsafe { sys::hedge_garch_options_init(std::ptr::null_mut()) }; // NULL is ignored
}
