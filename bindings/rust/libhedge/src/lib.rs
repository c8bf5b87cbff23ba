//! Safe Rust bindings to libhedge: pricing kernels with every Greek, implied volatility, instruments,
//! market snapshots, volatility surfaces, markets read from JSON, portfolios, aggregated risk,
//! scenario revaluation with historical and sampled scenario sets and their VaR and expected
//! shortfall, margin, the constraint optimizer ([`Qp`], [`Solver`], and backends written
//! in Rust: [`Backend`], [`Context::register_backend`]), the hedge solver
//! ([`Problem`], [`HedgeResult`]), volatility forecasting ([`realized_vol`], [`ewma_vol`],
//! [`Garch`]), rebalancing ([`RebalancePolicy`], [`Rebalancer`]) and the hedging simulator
//! ([`Simulation`], [`SimConfig`]).
//!
//! Units are the C library's everywhere: times in years (ACT/365), continuously compounded rates,
//! volatility as a fraction per square-root year, vega per 1.00 of volatility, theta per year,
//! timestamps in milliseconds since the Unix epoch (UTC).
//!
//! # Ownership and lifetimes
//! Every handle made from a [`Context`] borrows it (`Instrument<'ctx>`, `Market<'ctx>`, ...), because
//! the C library requires the context to outlive every object created from it, including objects
//! another handle holds a reference to (a portfolio keeps its instruments). Accessors that hand out
//! a part of a handle without a new reference return a [`Borrowed`], which cannot outlive the owner.
//!
//! A market's snapshot is lent, not given; it cannot outlive the market:
//!
//! ```compile_fail,E0597
//! # use libhedge::*;
//! let ctx = Context::new().unwrap();
//! let snapshot = {
//!     let market = Market::from_json(&ctx, "{}", None).unwrap();
//!     market.snapshot()
//! };
//! ```
//!
//! and no handle outlives its context:
//!
//! ```compile_fail,E0597
//! # use libhedge::*;
//! let book = {
//!     let ctx = Context::new().unwrap();
//!     Portfolio::new(&ctx).unwrap()
//! };
//! ```
//!
//! A [`Rebalancer`] borrows the hedge problem it trades through, which the C library reads on every
//! check: the problem cannot be changed while the rebalancer lives:
//!
//! ```compile_fail,E0502
//! # use libhedge::*;
//! let ctx = Context::new().unwrap();
//! let mut problem = Problem::new(&ctx).unwrap();
//! let rebalancer = Rebalancer::new(&ctx, &problem, "BTC", &RebalancePolicy::default()).unwrap();
//! problem.set_limits(&Limits::default()).unwrap();
//! drop(rebalancer);
//! ```
//!
//! A clone of the lent snapshot is a reference of its own, which may outlive the market (not the
//! context):
//!
//! ```no_run
//! # use libhedge::*;
//! let ctx = Context::new().unwrap();
//! let snapshot = {
//!     let market = Market::load_json(&ctx, "market.json").unwrap();
//!     let s = market.snapshot().clone();
//!     s
//! };
//! println!("{}", snapshot.spot("BTC").unwrap());
//! ```
//!
//! # Threads
//! Follows `docs/threading.md`: the context and the immutable handles ([`Instrument`], [`Snapshot`],
//! [`VolSurface`], [`Market`], [`Risk`], [`ScenarioPnl`]) are `Send + Sync`; a [`Portfolio`] locks
//! internally and is `Send + Sync`; a [`SnapshotBuilder`] belongs to one thread at a time (`Send`,
//! not `Sync`). A [`Qp`] and a hedge [`Problem`] may be read (solved) by many threads while nobody
//! changes them, so they are `Send + Sync` with `&mut self` setters; a [`Solver`] is used by one
//! thread at a time (`Send`, not `Sync`); a [`HedgeResult`] is immutable (`Send + Sync`). A
//! [`Rebalancer`] keeps the time of its last trade and belongs to one thread at a time (`Send`,
//! not `Sync`); a [`SimConfig`] is immutable (`Send + Sync`), and simulations only read their
//! inputs, so one [`Simulation`] may run on several threads at once. The pricing and volatility
//! functions, the scenario sets ([`historical_scenarios`], [`sample_scenarios`], [`scenario_var`])
//! and [`RebalancePolicy::decide`] are pure and callable from anywhere.
//!
//! # Errors
//! A failing call returns [`HedgeError`]: the status code, its symbolic name and the message the
//! library recorded on the calling thread, which names the argument at fault.

mod backend;
mod context;
mod error;
mod hedging;
mod implied_vol;
mod instrument;
mod margin;
mod market;
mod optimize;
mod portfolio;
mod pricing;
mod rebalance;
mod risk;
mod scenario;
mod simulate;
mod snapshot;
mod surface;
mod util;
mod volatility;

pub use libhedge_sys as sys;

pub use backend::{Backend, BackendSolution, BackendState};
pub use context::{Context, ContextBuilder, LogLevel};
pub use error::{HedgeError, Result, Status};
pub use hedging::{Candidate, Greek, GreekChange, GreekTarget, HedgeResult, LimitKind, LimitReport, Limits, Objective,
                  Problem, SolveOptions, Summary, Trade};
pub use implied_vol::*;
pub use instrument::{Instrument, InstrumentKind, InstrumentSpec, Settlement, Valuation};
pub use margin::{cross_liquidation_price, liquidation_price, CrossPosition, MarginOptions, MarginResult};
pub use market::Market;
pub use optimize::{backends, BackendInfo, Capabilities, Qp, QpVector, Solution, SolveInfo, SolveStatus, Solver,
                   SolverOptions};
pub use portfolio::{Portfolio, Position};
pub use pricing::*;
pub use rebalance::{Decision, RebalancePolicy, RebalanceRule, RebalanceState, Rebalancer};
pub use risk::{aggregate_columns, pnl_explain, Breakdown, AGGREGATE_MAX_COLUMNS, PnlExplain, Risk, RiskOptions, RiskRow};
pub use scenario::{historical_scenarios, historical_scenarios_rows, sample_scenarios, scenario_grid, scenario_var, Scenario,
                   ScenarioPnl, Shift};
pub use simulate::{SimConfig, SimHedge, SimInstrument, SimOption, SimOptions, SimPaths, SimSetup, SimStats, Simulation};
pub use snapshot::{DepthLevel, Quote, Snapshot, SnapshotBuilder, SnapshotOptions, SourceReport, SourceVerdict};
pub use surface::{ArbitrageKind, ArbitrageReport, ExpiryFit, QuoteVerdict, SmileData, SurfaceFit, SurfaceFitError,
                  SurfaceFitOptions, SurfaceFitReport, SurfaceWeighting, SviSlice, VolSurface};
pub use util::Borrowed;
pub use volatility::{ewma_vol, ewma_vol_series, realized_vol, Bars, Garch, GarchOptions, VolEstimator};

/// Version of the libhedge loaded at run time, major * 10000 + minor * 100 + patch.
pub fn version_number() -> u32 {
    unsafe { sys::hedge_version_number() }
}

/// Version of the libhedge loaded at run time, "major.minor.patch".
pub fn version_string() -> &'static str {
    unsafe { util::static_str(sys::hedge_version_string()) }
}

/// Capability bits of the loaded library on this machine (`sys::HEDGE_CAP_*`).
pub fn capabilities() -> u64 {
    unsafe { sys::hedge_capabilities() }
}
