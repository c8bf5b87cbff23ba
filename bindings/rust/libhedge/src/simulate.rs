//! The hedging simulator (`simulate.h`): one European option position hedged along simulated or
//! historical price paths by a rebalancing policy, and the distribution of its hedged P&L.
//!
//! The position ([`SimOption`]) is bought or written at time 0 at its Black-Scholes-Merton value
//! with the hedge vol, and hedged at each of `steps` equal steps by the policy
//! ([`RebalancePolicy`]) with spot, a perpetual or a second option ([`SimHedge`]), paying costs
//! and with a latency. The P&L of a path is in USD discounted to time 0; [`SimStats`] summarises
//! it over the paths. Paths come from GBM, Merton jumps, Heston, GARCH(1,1) or a replayed series
//! ([`SimPaths`]).
//!
//! Path p draws from its own streams of a counter-based generator keyed by the seed, and results
//! are aggregated in path order: the statistics and the per-path P&L are bit-identical for any
//! thread count.
//!
//! Units: prices in USD per unit of the underlying, quantities in units of the underlying, times
//! in years, rates, drift, volatilities and funding per year (continuously compounded), GARCH
//! parameters per step, costs as fractions of USD notional and in USD.

use std::any::Any;
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result, Status};
use crate::market::path_cstring;
use crate::pricing::OptionType;
use crate::rebalance::RebalancePolicy;
use crate::util::{borrowed_str, opt_cstring, opt_ptr};

fn option_type_from_raw(t: sys::hedge_option_type) -> Result<OptionType> {
    match t {
        sys::HEDGE_CALL => Ok(OptionType::Call),
        sys::HEDGE_PUT => Ok(OptionType::Put),
        _ => Err(HedgeError::new(Status::UNSUPPORTED, format!("option type {} is unknown to the Rust binding", t))),
    }
}

/// A path model and its parameters (`hedge_sim_paths`). Drift, volatilities, jump intensity and
/// Heston's parameters are per year; GARCH's are per step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SimPaths<'a> {
    /// Geometric Brownian motion, exact log-normal steps.
    Gbm { spot: f64, drift: f64, vol: f64 },
    /// GBM plus compound Poisson jumps in ln S, each N(jump_mean, jump_std^2), `jump_intensity`
    /// expected per year; the drift is compensated so that `E[S_T] = S_0 e^(drift T)`.
    Merton { spot: f64, drift: f64, vol: f64, jump_intensity: f64, jump_mean: f64, jump_std: f64 },
    /// Heston stochastic volatility by full-truncation Euler (variances per year, `rho` the
    /// correlation of the spot's and the variance's shocks).
    Heston { spot: f64, drift: f64, kappa: f64, theta: f64, xi: f64, rho: f64, v0: f64 },
    /// GARCH(1,1) log returns, per-step parameters; `var0` 0 starts at omega / (1 - alpha - beta).
    Garch { spot: f64, drift: f64, omega: f64, alpha: f64, beta: f64, var0: f64 },
    /// A historical series sampled every step: one path (its first steps + 1 prices), or with
    /// `windows` every window of steps + 1 consecutive prices, each scaled to start at the first.
    Replay { prices: &'a [f64], windows: bool },
}

impl<'a> SimPaths<'a> {
    /// The C struct; a replay's points into the caller's prices, which live for `'a`.
    fn to_raw(self) -> sys::hedge_sim_paths {
        let mut p = sys::hedge_sim_paths::init();
        match self {
            SimPaths::Gbm { spot, drift, vol } => {
                p.model = sys::HEDGE_SIM_GBM;
                p.spot = spot;
                p.drift = drift;
                p.vol = vol;
            }
            SimPaths::Merton { spot, drift, vol, jump_intensity, jump_mean, jump_std } => {
                p.model = sys::HEDGE_SIM_MERTON;
                p.spot = spot;
                p.drift = drift;
                p.vol = vol;
                p.jump_intensity = jump_intensity;
                p.jump_mean = jump_mean;
                p.jump_std = jump_std;
            }
            SimPaths::Heston { spot, drift, kappa, theta, xi, rho, v0 } => {
                p.model = sys::HEDGE_SIM_HESTON;
                p.spot = spot;
                p.drift = drift;
                p.kappa = kappa;
                p.theta = theta;
                p.xi = xi;
                p.rho = rho;
                p.v0 = v0;
            }
            SimPaths::Garch { spot, drift, omega, alpha, beta, var0 } => {
                p.model = sys::HEDGE_SIM_GARCH;
                p.spot = spot;
                p.drift = drift;
                p.garch_omega = omega;
                p.garch_alpha = alpha;
                p.garch_beta = beta;
                p.garch_var0 = var0;
            }
            SimPaths::Replay { prices, windows } => {
                p.model = sys::HEDGE_SIM_REPLAY;
                p.prices = prices.as_ptr();
                p.n_prices = prices.len();
                p.windows = windows as c_int;
            }
        }
        p
    }

    /// # Safety
    /// A replay model's `prices` must point to `n_prices` doubles that live for `'a`.
    unsafe fn from_raw(p: &sys::hedge_sim_paths) -> Result<SimPaths<'a>> {
        Ok(match p.model {
            sys::HEDGE_SIM_GBM => SimPaths::Gbm { spot: p.spot, drift: p.drift, vol: p.vol },
            sys::HEDGE_SIM_MERTON => SimPaths::Merton {
                spot: p.spot, drift: p.drift, vol: p.vol, jump_intensity: p.jump_intensity, jump_mean: p.jump_mean,
                jump_std: p.jump_std,
            },
            sys::HEDGE_SIM_HESTON => SimPaths::Heston {
                spot: p.spot, drift: p.drift, kappa: p.kappa, theta: p.theta, xi: p.xi, rho: p.rho, v0: p.v0,
            },
            sys::HEDGE_SIM_GARCH => SimPaths::Garch {
                spot: p.spot, drift: p.drift, omega: p.garch_omega, alpha: p.garch_alpha, beta: p.garch_beta,
                var0: p.garch_var0,
            },
            sys::HEDGE_SIM_REPLAY => SimPaths::Replay {
                prices: if p.prices.is_null() || p.n_prices == 0 {
                    &[]
                } else {
                    std::slice::from_raw_parts(p.prices, p.n_prices)
                },
                windows: p.windows != 0,
            },
            m => {
                let msg = format!("path model {} is unknown to the Rust binding", m);
                return Err(HedgeError::new(Status::UNSUPPORTED, msg));
            }
        })
    }

    /// Paths a replay gives for `steps` steps (every window, or one); `None` for random models.
    fn replay_paths(&self, steps: usize) -> Option<usize> {
        match *self {
            SimPaths::Replay { prices, windows } => Some(if prices.len() <= steps {
                0
            } else if windows {
                prices.len() - steps
            } else {
                1
            }),
            _ => None,
        }
    }

    /// Writes paths `first_path .. first_path + n_paths` of `steps` steps over `horizon` years
    /// (> 0), the paths [`Simulation::run`] hedges with the same seed, bit for bit: path
    /// first_path + j fills `prices[j (steps + 1) ..= j (steps + 1) + steps]`, S_0 first.
    /// `prices` shorter than n_paths (steps + 1) is `HEDGE_ERR_BUFFER_TOO_SMALL`.
    pub fn generate_into(&self, prices: &mut [f64], horizon: f64, steps: usize, seed: u64, first_path: usize,
                         n_paths: usize) -> Result<()> {
        let p = self.to_raw();
        check(unsafe {
            sys::hedge_sim_generate(prices.as_mut_ptr(), prices.len(), &p, horizon, steps, seed, first_path, n_paths)
        })
    }

    /// As [`SimPaths::generate_into`], into a new vector of n_paths (steps + 1) prices.
    pub fn generate(&self, horizon: f64, steps: usize, seed: u64, first_path: usize, n_paths: usize)
        -> Result<Vec<f64>> {
        let len = steps.checked_add(1).and_then(|s| n_paths.checked_mul(s)).ok_or_else(|| {
            HedgeError::new(Status::TOO_LARGE, format!("SimPaths::generate: {} paths of {} steps", n_paths, steps))
        })?;
        let mut v = vec![0.0; len];
        self.generate_into(&mut v, horizon, steps, seed, first_path, n_paths)?;
        Ok(v)
    }
}

/// The hedged option position (`hedge_sim_option`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimOption {
    pub option_type: OptionType,
    /// Units of the underlying: > 0 bought, < 0 written; not 0.
    pub quantity: f64,
    /// K, USD, > 0.
    pub strike: f64,
    /// T, years, > 0.
    pub expiry: f64,
    /// r, continuously compounded per year.
    pub rate: f64,
    /// Volatility of prices and deltas per square-root year, > 0.
    pub hedge_vol: f64,
}

impl SimOption {
    fn to_raw(self) -> sys::hedge_sim_option {
        sys::hedge_sim_option {
            type_: self.option_type as i32, quantity: self.quantity, strike: self.strike, expiry: self.expiry,
            rate: self.rate, hedge_vol: self.hedge_vol, ..sys::hedge_sim_option::init()
        }
    }

    fn from_raw(o: &sys::hedge_sim_option) -> Result<SimOption> {
        Ok(SimOption {
            option_type: option_type_from_raw(o.type_)?, quantity: o.quantity, strike: o.strike, expiry: o.expiry,
            rate: o.rate, hedge_vol: o.hedge_vol,
        })
    }
}

/// The instrument that hedges the delta (`hedge_sim_instrument` and its parameters).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SimInstrument {
    /// The underlying, bought and sold at the spot, financed at r.
    Spot,
    /// A linear perpetual marked at the spot, paying `funding_rate` per year of notional (longs pay
    /// when > 0); ties up no cash.
    Perpetual { funding_rate: f64 },
    /// A second European option (expiry in years, no earlier than the position's) held to make the
    /// net gamma zero, plus spot for the delta.
    Option { option_type: OptionType, strike: f64, expiry: f64 },
}

/// The hedge: instrument, costs and latency (`hedge_sim_hedge`). [`Default`] is
/// `HEDGE_SIM_HEDGE_INIT`: spot, no costs, no latency.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimHedge {
    pub instrument: SimInstrument,
    /// Proportional cost, fraction of the notional traded, in [0, 1).
    pub cost_rate: f64,
    /// USD per executed order (gas), >= 0.
    pub fixed_cost: f64,
    /// Steps between a decision and its execution, below the run's steps.
    pub latency_steps: usize,
}

impl Default for SimHedge {
    fn default() -> Self {
        SimHedge::from_raw(&sys::hedge_sim_hedge::init()).expect("a known instrument")
    }
}

impl SimHedge {
    fn to_raw(self) -> sys::hedge_sim_hedge {
        let mut h = sys::hedge_sim_hedge::init();
        match self.instrument {
            SimInstrument::Spot => h.instrument = sys::HEDGE_SIM_SPOT,
            SimInstrument::Perpetual { funding_rate } => {
                h.instrument = sys::HEDGE_SIM_PERPETUAL;
                h.funding_rate = funding_rate;
            }
            SimInstrument::Option { option_type, strike, expiry } => {
                h.instrument = sys::HEDGE_SIM_OPTION;
                h.option_type = option_type as i32;
                h.option_strike = strike;
                h.option_expiry = expiry;
            }
        }
        h.cost_rate = self.cost_rate;
        h.fixed_cost = self.fixed_cost;
        h.latency_steps = self.latency_steps;
        h
    }

    fn from_raw(h: &sys::hedge_sim_hedge) -> Result<SimHedge> {
        let instrument = match h.instrument {
            sys::HEDGE_SIM_SPOT => SimInstrument::Spot,
            sys::HEDGE_SIM_PERPETUAL => SimInstrument::Perpetual { funding_rate: h.funding_rate },
            sys::HEDGE_SIM_OPTION => SimInstrument::Option {
                option_type: option_type_from_raw(h.option_type)?, strike: h.option_strike, expiry: h.option_expiry,
            },
            i => {
                let msg = format!("hedge instrument {} is unknown to the Rust binding", i);
                return Err(HedgeError::new(Status::UNSUPPORTED, msg));
            }
        };
        Ok(SimHedge { instrument, cost_rate: h.cost_rate, fixed_cost: h.fixed_cost, latency_steps: h.latency_steps })
    }
}

/// Paths, steps, seed and threads of a run (`hedge_sim_options` without the callback, which
/// [`Simulation::run_with_progress`] takes). [`Default`] is `HEDGE_SIM_OPTIONS_INIT`: 10,000 paths,
/// 365 steps, seed 1, the calling thread only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimOptions {
    /// Paths, >= 1; replay: 0 for every path the series gives, else at most that.
    pub paths: usize,
    /// Steps to expiry, >= 1.
    pub steps: usize,
    /// Seed of the generator; any value.
    pub seed: u64,
    /// Threads (at most 64 are used); 0 or 1 runs on the calling thread only.
    pub threads: u32,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions::from_raw(&sys::hedge_sim_options::init())
    }
}

impl SimOptions {
    fn from_raw(o: &sys::hedge_sim_options) -> SimOptions {
        SimOptions { paths: o.paths, steps: o.steps, seed: o.seed, threads: o.threads }
    }
}

/// Statistics of the hedged P&L over the paths (`hedge_sim_stats`), USD discounted to time 0.
/// VaR and CVaR are losses (positive when the P&L is negative), as [`scenario_var`](crate::scenario_var)
/// defines them: the lower c quantile of the loss, and the Acerbi-Tasche expected shortfall (the
/// mean of the loss quantile over (c, 1]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimStats {
    /// Paths simulated.
    pub paths: usize,
    /// V_0: BSM value of one unit of the option with the hedge vol, USD.
    pub option_price: f64,
    pub mean: f64,
    /// Standard deviation (n - 1 denominator; 0 for one path).
    pub std: f64,
    pub var95: f64,
    pub cvar95: f64,
    pub var99: f64,
    pub cvar99: f64,
    /// Smallest P&L.
    pub worst: f64,
    /// Largest P&L.
    pub best: f64,
    /// Mean of the costs paid (proportional and fixed), discounted.
    pub mean_cost: f64,
    /// Mean funding received by the perpetual (negative: paid), discounted.
    pub mean_funding: f64,
    /// Mean number of executed orders per path (closing trades included).
    pub mean_trades: f64,
    /// std / (|quantity| V_0): Hull's performance measure (0 when V_0 is 0).
    pub std_over_price: f64,
}

impl SimStats {
    fn from_raw(s: &sys::hedge_sim_stats) -> SimStats {
        SimStats {
            paths: s.paths, option_price: s.option_price, mean: s.mean, std: s.std, var95: s.var95,
            cvar95: s.cvar95, var99: s.var99, cvar99: s.cvar99, worst: s.worst, best: s.best,
            mean_cost: s.mean_cost, mean_funding: s.mean_funding, mean_trades: s.mean_trades,
            std_over_price: s.std_over_price,
        }
    }
}

/// One experiment: the paths, the position, the hedge, the policy and the run settings
/// (the arguments of `hedge_sim_run`). The policy's `cost_rate` and `fixed_cost` are what the
/// policy assumes; the costs charged are the hedge's.
///
/// ```
/// # use libhedge::*;
/// let ctx = Context::new()?;
/// // 10 calls written at the money, 30 days, hedged with a perpetual inside a 0.5-coin band
/// let sim = Simulation {
///     paths: SimPaths::Gbm { spot: 97_000.0, drift: 0.0, vol: 0.6 },
///     option: SimOption { option_type: OptionType::Call, quantity: -10.0, strike: 97_000.0,
///                         expiry: 30.0 / 365.0, rate: 0.04, hedge_vol: 0.6 },
///     hedge: SimHedge { instrument: SimInstrument::Perpetual { funding_rate: 0.1 }, cost_rate: 0.0005,
///                       ..SimHedge::default() },
///     policy: RebalancePolicy::delta_band(0.5, false),
///     options: SimOptions { paths: 500, steps: 720, ..SimOptions::default() },
/// };
/// let mut last = 0;
/// let stats = sim.run_with_progress(&ctx, None, |done, _total| {
///     last = done;
///     true // false would cancel the run
/// })?;
/// assert_eq!((stats.paths, last), (500, 500));
/// println!("std of the hedged P&L: {:.0} USD, {:.1}% of the premium", stats.std, 100.0 * stats.std_over_price);
/// # Ok::<(), HedgeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Simulation<'a> {
    pub paths: SimPaths<'a>,
    pub option: SimOption,
    pub hedge: SimHedge,
    pub policy: RebalancePolicy,
    pub options: SimOptions,
}

/// What the progress trampoline carries: the caller's closure, and a panic it raised, kept to be
/// resumed once the C call has returned (unwinding through C is undefined behaviour).
struct Progress<'f> {
    callback: &'f mut dyn FnMut(usize, usize) -> bool,
    panic: Option<Box<dyn Any + Send + 'static>>,
}

unsafe extern "C" fn progress_trampoline(payload: *mut c_void, done: usize, total: usize) -> c_int {
    // The library calls this only from the thread that called hedge_sim_run (simulate.h), while
    // the Progress it points to lives on that thread's stack.
    let p = &mut *(payload as *mut Progress<'_>);
    if p.panic.is_some() {
        return 1;
    }
    match panic::catch_unwind(AssertUnwindSafe(|| (p.callback)(done, total))) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            p.panic = Some(e);
            1
        }
    }
}

impl<'a> Simulation<'a> {
    /// The number of paths the run simulates: the options' count, or for a replay with 0 paths
    /// every path its series gives.
    pub fn path_count(&self) -> usize {
        match self.paths.replay_paths(self.options.steps) {
            Some(n) if self.options.paths == 0 => n,
            _ => self.options.paths,
        }
    }

    /// Runs the simulation (`hedge_sim_run`) and returns its statistics. Every buffer comes from
    /// `ctx`'s allocator; the run's worker threads are joined before it returns.
    pub fn run(&self, ctx: &Context) -> Result<SimStats> {
        self.run_raw(ctx, None, None)
    }

    /// As [`Simulation::run`], also returning the P&L of each path in path order.
    pub fn run_pnl(&self, ctx: &Context) -> Result<(SimStats, Vec<f64>)> {
        let mut pnl = vec![0.0; self.path_count()];
        let stats = self.run_raw(ctx, Some(&mut pnl), None)?;
        Ok((stats, pnl))
    }

    /// As [`Simulation::run`], writing the P&L of each path into `pnl` (at least one element per
    /// path, else `HEDGE_ERR_BUFFER_TOO_SMALL`).
    pub fn run_into(&self, ctx: &Context, pnl: &mut [f64]) -> Result<SimStats> {
        self.run_raw(ctx, Some(pnl), None)
    }

    /// As [`Simulation::run_into`] (`pnl` may be `None`), calling `progress(done, total)` as paths
    /// finish, always from the calling thread: `done` grows from call to call and reaches `total`.
    /// Returning `false` cancels the run, which then fails with `HEDGE_ERR_CANCELLED` and writes
    /// nothing.
    ///
    /// A panic in `progress` cancels the run too (it must not unwind through the C library) and is
    /// resumed once the library has returned.
    pub fn run_with_progress<F>(&self, ctx: &Context, pnl: Option<&mut [f64]>, mut progress: F) -> Result<SimStats>
    where
        F: FnMut(usize, usize) -> bool,
    {
        let mut p = Progress { callback: &mut progress, panic: None };
        let result = self.run_raw(ctx, pnl, Some(&mut p));
        if let Some(e) = p.panic.take() {
            panic::resume_unwind(e);
        }
        result
    }

    fn run_raw(&self, ctx: &Context, pnl: Option<&mut [f64]>, progress: Option<&mut Progress<'_>>) -> Result<SimStats> {
        let paths = self.paths.to_raw();
        let option = self.option.to_raw();
        let hedge = self.hedge.to_raw();
        let policy = self.policy.to_raw();
        let mut o = sys::hedge_sim_options::init();
        o.paths = self.options.paths;
        o.steps = self.options.steps;
        o.seed = self.options.seed;
        o.threads = self.options.threads;
        if let Some(p) = progress {
            o.progress = Some(progress_trampoline);
            o.payload = p as *mut Progress<'_> as *mut c_void;
        }
        let (pnl_ptr, n_pnl) = match pnl {
            Some(s) => (s.as_mut_ptr(), s.len()),
            None => (ptr::null_mut(), 0),
        };
        let mut stats = sys::hedge_sim_stats::init();
        check(unsafe {
            sys::hedge_sim_run(&mut stats, pnl_ptr, n_pnl, ctx.as_ptr(), &paths, &option, &hedge, &policy, &o)
        })?;
        Ok(SimStats::from_raw(&stats))
    }
}

/// A whole experiment read from the `simulate` member of a JSON document (`hedge_sim_config`,
/// `docs/json-format.md`): paths, position, hedge, run settings and named policies to compare.
///
/// `Send + Sync`: immutable once read.
pub struct SimConfig<'ctx> {
    raw: NonNull<sys::hedge_sim_config>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for SimConfig<'ctx> {}
unsafe impl<'ctx> Sync for SimConfig<'ctx> {}

/// The parts of a [`SimConfig`], borrowed from it (`hedge_sim_setup`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimSetup<'a> {
    /// The path model; a replay's inline series points into the config.
    pub paths: SimPaths<'a>,
    pub option: SimOption,
    pub hedge: SimHedge,
    /// Paths, steps, seed and threads.
    pub options: SimOptions,
    /// Policies to compare, >= 1.
    pub n_policies: usize,
    /// Replay: the CSV file the config names, as written there (the caller loads it), or `None`.
    pub replay_csv: Option<&'a str>,
    /// Replay: the CSV column of prices.
    pub replay_column: Option<&'a str>,
}

impl<'ctx> SimConfig<'ctx> {
    /// Reads the `simulate` member of `text`. `HEDGE_ERR_PARSE` (name:line:column and the JSON
    /// pointer of the value) for a malformed document or member, `HEDGE_ERR_DOMAIN` for a number
    /// out of range, `HEDGE_ERR_UNSUPPORTED` in a library built without JSON.
    pub fn from_json(ctx: &'ctx Context, text: &str, name: Option<&str>) -> Result<SimConfig<'ctx>> {
        let name = opt_cstring("name", name)?;
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_sim_config_read_json(&mut raw, ctx.as_ptr(), text.as_ptr() as *const c_char, text.len(),
                                            opt_ptr(&name))
        })?;
        Ok(SimConfig { raw: NonNull::new(raw).expect("NULL config"), _ctx: PhantomData })
    }

    /// As [`SimConfig::from_json`], from a file (`HEDGE_ERR_IO` when it cannot be read).
    pub fn load_json<P: AsRef<Path>>(ctx: &'ctx Context, path: P) -> Result<SimConfig<'ctx>> {
        let path = path_cstring(path.as_ref())?;
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_sim_config_load_json(&mut raw, ctx.as_ptr(), path.as_ptr()) })?;
        Ok(SimConfig { raw: NonNull::new(raw).expect("NULL config"), _ctx: PhantomData })
    }

    pub fn as_ptr(&self) -> *const sys::hedge_sim_config {
        self.raw.as_ptr()
    }

    /// The config's parts.
    pub fn setup(&self) -> Result<SimSetup<'_>> {
        let mut s = sys::hedge_sim_setup::init();
        check(unsafe { sys::hedge_sim_config_setup(&mut s, self.raw.as_ptr()) })?;
        // Every pointer points into the config, which the returned borrow cannot outlive.
        unsafe {
            Ok(SimSetup {
                paths: SimPaths::from_raw(&*s.paths)?, option: SimOption::from_raw(&*s.option)?,
                hedge: SimHedge::from_raw(&*s.hedge)?, options: SimOptions::from_raw(&*s.options),
                n_policies: s.n_policies, replay_csv: borrowed_str(s.replay_csv),
                replay_column: borrowed_str(s.replay_column),
            })
        }
    }

    /// Policy `index` (0..n_policies) and its name; `HEDGE_ERR_NOT_FOUND` out of range.
    pub fn policy(&self, index: usize) -> Result<(&str, RebalancePolicy)> {
        let mut p = sys::hedge_rebalance_policy::init();
        let mut name = ptr::null();
        check(unsafe { sys::hedge_sim_config_policy(&mut p, &mut name, self.raw.as_ptr(), index) })?;
        Ok((unsafe { borrowed_str(name) }.unwrap_or(""), RebalancePolicy::from_raw(&p)?))
    }

    /// Every policy with its name, in the config's order.
    pub fn policies(&self) -> Result<Vec<(&str, RebalancePolicy)>> {
        (0..self.setup()?.n_policies).map(|i| self.policy(i)).collect()
    }

    /// The experiment of policy `index`, ready to [`Simulation::run`]. A replay config that names
    /// a CSV file has no prices here: load them and set `paths` to a [`SimPaths::Replay`] of them.
    pub fn simulation(&self, index: usize) -> Result<Simulation<'_>> {
        let s = self.setup()?;
        let (_, policy) = self.policy(index)?;
        Ok(Simulation { paths: s.paths, option: s.option, hedge: s.hedge, policy, options: s.options })
    }
}

impl<'ctx> Drop for SimConfig<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_sim_config_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for SimConfig<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig").field("raw", &self.raw).finish()
    }
}
