//! The hedge solver (`hedging.h`): from a book, a market, candidate hedge instruments, costs and
//! limits to the trades that keep the book inside its limits at the lowest cost.
//!
//! One decision per candidate: the contracts of an instrument bought (> 0) or sold (< 0) on one
//! venue. The objective, in USD, adds lambda/2 times the variance of the hedged P&L over
//! scenarios, soft Greek targets, trading costs (fees, half-spreads, impact, funding, fixed
//! costs); hard limits are Greek bands, trade and position bounds, visible depth, a premium
//! budget, scenario margin within collateral, venue caps, allowed venues and buy-only candidates.
//!
//! Units: trades in contracts; fee rates as fractions of the USD notional (0.0005 = 5 bp); costs,
//! premium, P&L, VaR, CVaR and margin in USD; Greeks as in `risk.h` (delta in coins or USD, cash
//! gamma in USD per 1% move, vega in USD per 1.00 of volatility, theta in USD per year); horizons
//! and tenor filters in calendar days.
//!
//! "No hedge meets the limits" is an outcome, not an error: [`Problem::solve`] returns a
//! [`HedgeResult`] whose status is [`SolveStatus::PrimalInfeasible`] and whose
//! [`HedgeResult::limits`] are the limits that conflict.

use std::marker::PhantomData;
use std::os::raw::c_char;
use std::path::Path;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, Result};
use crate::instrument::Instrument;
use crate::margin::MarginOptions;
use crate::market::{path_cstring, Market};
use crate::optimize::{SolveStatus, SolverOptions};
use crate::portfolio::Portfolio;
use crate::risk::RiskRow;
use crate::scenario::{RawScenarios, Scenario};
use crate::util::{borrowed_str, cstring, opt_cstring, opt_ptr, write_string};

/// The Greeks a target can address (`hedge_greek`, `risk.h`'s units).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Greek {
    /// Coins of one underlying (a target on it needs an underlying).
    DeltaCoin = 0,
    /// USD.
    DeltaUsd = 1,
    /// Cash gamma: USD of delta per 1% move.
    GammaUsd = 2,
    /// USD per 1.00 of volatility.
    VegaUsd = 3,
    /// USD per year.
    ThetaUsd = 4,
}

/// A candidate hedge: an instrument traded on one venue (`hedge_candidate`). Build one with
/// [`Candidate::new`] and struct update syntax: `Candidate { taker_fee: 0.0005, ..Candidate::new("BTC-PERP") }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate<'a> {
    /// An instrument of the market (resolved at solve time).
    pub symbol: &'a str,
    /// The venue whose quote is traded; `None`: the instrument's own.
    pub venue: Option<&'a str>,
    /// Fee rate taking liquidity, fraction of the USD notional.
    pub taker_fee: f64,
    /// Fee rate posting liquidity (negative: a rebate, counted down to a fee of 0).
    pub maker_fee: f64,
    /// Options: the fee is at most this fraction of the premium; 0: no cap.
    pub fee_cap: f64,
    /// Flat fee per contract, USD.
    pub fee_usd: f64,
    /// USD charged once if the candidate trades at all (needs a MIP backend).
    pub fixed_cost: f64,
    /// Impact coefficient, USD per contract squared.
    pub impact: f64,
    /// Fit the impact coefficient to the quote's depth ladder instead.
    pub impact_from_book: bool,
    /// Trades in whole multiples of this many contracts; 0: any size (needs a MIP backend otherwise).
    pub lot_size: f64,
    /// A trade, if any, is at least this many contracts either way; 0: none.
    pub min_size: f64,
    /// Lowest trade, contracts.
    pub min_trade: f64,
    /// Highest trade, contracts.
    pub max_trade: f64,
    /// Post-trade position bounds of the instrument, book included, contracts.
    pub min_position: f64,
    pub max_position: f64,
    /// May only be bought.
    pub buy_only: bool,
}

impl<'a> Candidate<'a> {
    /// `HEDGE_CANDIDATE_INIT`: no fees, no bounds, any size, on the instrument's own venue.
    pub fn new(symbol: &'a str) -> Candidate<'a> {
        let c = sys::hedge_candidate::init();
        Candidate {
            symbol, venue: None, taker_fee: c.taker_fee, maker_fee: c.maker_fee, fee_cap: c.fee_cap,
            fee_usd: c.fee_usd, fixed_cost: c.fixed_cost, impact: c.impact, impact_from_book: false,
            lot_size: c.lot_size, min_size: c.min_size, min_trade: c.min_trade, max_trade: c.max_trade,
            min_position: c.min_position, max_position: c.max_position, buy_only: false,
        }
    }

    /// The same candidate on another venue.
    pub fn on(mut self, venue: &'a str) -> Self {
        self.venue = Some(venue);
        self
    }
}

/// A Greek band (hard, `lo..=hi`) and/or soft target (penalty weight/2 (G - target)^2 USD) on the
/// hedged book (`hedge_greek_target`), summed over the positions of `underlying` (`None`: the whole
/// book) whose expiry lies within `min_days..=max_days` (perpetuals and spot: 0 days).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GreekTarget<'a> {
    pub greek: Greek,
    pub underlying: Option<&'a str>,
    pub min_days: f64,
    pub max_days: f64,
    pub lo: f64,
    pub hi: f64,
    pub target: f64,
    /// USD per unit of the Greek squared; 0: no soft term.
    pub weight: f64,
}

impl<'a> GreekTarget<'a> {
    /// `HEDGE_GREEK_TARGET_INIT` for `greek` on `underlying`: no band, no soft term, every expiry.
    pub fn new(greek: Greek, underlying: Option<&'a str>) -> GreekTarget<'a> {
        let t = sys::hedge_greek_target::init();
        GreekTarget {
            greek, underlying, min_days: t.min_days, max_days: t.max_days, lo: t.lo, hi: t.hi, target: t.target,
            weight: t.weight,
        }
    }

    /// A hard band `lo <= G <= hi`.
    pub fn band(greek: Greek, underlying: Option<&'a str>, lo: f64, hi: f64) -> GreekTarget<'a> {
        GreekTarget { lo, hi, ..GreekTarget::new(greek, underlying) }
    }

    /// A soft target: penalty weight/2 (G - target)^2 USD.
    pub fn soft(greek: Greek, underlying: Option<&'a str>, target: f64, weight: f64) -> GreekTarget<'a> {
        GreekTarget { target, weight, ..GreekTarget::new(greek, underlying) }
    }

    /// Only positions expiring within `min_days..=max_days` count.
    pub fn days(mut self, min_days: f64, max_days: f64) -> Self {
        self.min_days = min_days;
        self.max_days = max_days;
        self
    }
}

/// The objective's settings (`hedge_objective`; defaults as `HEDGE_OBJECTIVE_INIT`).
#[derive(Clone, Copy, Debug)]
pub struct Objective<'a, 'ctx> {
    /// lambda, per USD; 0: no variance term.
    pub risk_aversion: f64,
    /// Hedge horizon, days: funding carry and the generated scenarios.
    pub horizon_days: f64,
    /// Scenarios used as they are, equally weighted; `None`: generated
    /// (`spot_points` x `vol_points`, see `hedging.h`).
    pub scenarios: Option<&'a [Scenario]>,
    pub spot_points: usize,
    pub vol_points: usize,
    /// Annualised standard deviation of relative vol moves of the generated scenarios.
    pub vol_of_vol: f64,
    /// Positions (instrument, contracts) whose P&L the hedged book should track.
    pub benchmark: &'a [(&'a Instrument<'ctx>, f64)],
    /// Orders rest at the touch: maker fees, no half-spread.
    pub passive: bool,
    /// Confidence of the reported VaR and CVaR, in (0.5, 1).
    pub var_confidence: f64,
}

impl<'a, 'ctx> Default for Objective<'a, 'ctx> {
    fn default() -> Self {
        let o = sys::hedge_objective::init();
        Objective {
            risk_aversion: o.risk_aversion, horizon_days: o.horizon_days, scenarios: None,
            spot_points: o.spot_points, vol_points: o.vol_points, vol_of_vol: o.vol_of_vol, benchmark: &[],
            passive: false, var_confidence: o.var_confidence,
        }
    }
}

/// Limits beyond the candidates' own (`hedge_limits`; defaults as `HEDGE_LIMITS_INIT`).
#[derive(Clone, Copy, Debug)]
pub struct Limits<'a> {
    /// Most net option premium paid at mid, USD (infinite: none; negative: must collect).
    pub premium_budget: f64,
    /// USD of collateral the hedged book's grid margin must fit in (infinite: no margin limit).
    pub collateral: f64,
    /// The margin grid, or `None` for `margin.h`'s defaults.
    pub margin: Option<MarginOptions>,
    /// Share of the visible depth a trade may take, in (0, 1].
    pub depth_fraction: f64,
    /// Venues candidates may trade on; `None` (or an empty list, as in C): all.
    pub venues: Option<&'a [&'a str]>,
    /// (venue, cap on the USD notional traded there).
    pub venue_caps: &'a [(&'a str, f64)],
}

impl<'a> Default for Limits<'a> {
    fn default() -> Self {
        let l = sys::hedge_limits::init();
        Limits {
            premium_budget: l.premium_budget, collateral: l.collateral, margin: None,
            depth_fraction: l.depth_fraction, venues: None, venue_caps: &[],
        }
    }
}

/// Settings of a solve (`hedge_solve_options`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SolveOptions<'a> {
    /// Optimizer backend by name; `None`: the default ("admm").
    pub backend: Option<&'a str>,
    /// Solver settings; `None`: the defaults.
    pub solver: Option<SolverOptions>,
    /// Threads of the scenario revaluation; 0 or 1: the calling thread.
    pub threads: u32,
}

/// A hedge problem: candidates, Greek targets, objective and limits, not the book (`hedge_problem`).
///
/// `Send + Sync`: a problem is changed by one thread at a time and may be solved by many at once
/// while nobody changes it; the setters take `&mut self`, [`Problem::solve`] `&self`.
pub struct Problem<'ctx> {
    raw: NonNull<sys::hedge_problem>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Problem<'ctx> {}
unsafe impl<'ctx> Sync for Problem<'ctx> {}

impl<'ctx> Problem<'ctx> {
    /// An empty problem: no candidates, no targets, the default objective and limits.
    pub fn new(ctx: &'ctx Context) -> Result<Problem<'ctx>> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_problem_create(&mut raw, ctx.as_ptr()) })?;
        Ok(unsafe { Problem::from_raw(raw) })
    }

    /// Reads the `hedge` member of a JSON document (`docs/json-format.md`); benchmark symbols are
    /// looked up in `market`, whose instruments the problem then references (hence the shared `'ctx`).
    pub fn from_json(ctx: &'ctx Context, market: &Market<'ctx>, text: &str, name: Option<&str>)
        -> Result<Problem<'ctx>> {
        let name = opt_cstring("name", name)?;
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_problem_read_json(&mut raw, ctx.as_ptr(), market.as_ptr(), text.as_ptr() as *const c_char,
                                         text.len(), opt_ptr(&name))
        })?;
        Ok(unsafe { Problem::from_raw(raw) })
    }

    /// As [`Problem::from_json`], from a file.
    pub fn load_json<P: AsRef<Path>>(ctx: &'ctx Context, market: &Market<'ctx>, path: P) -> Result<Problem<'ctx>> {
        let path = path_cstring(path.as_ref())?;
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_problem_load_json(&mut raw, ctx.as_ptr(), market.as_ptr(), path.as_ptr()) })?;
        Ok(unsafe { Problem::from_raw(raw) })
    }

    /// Takes ownership of a problem.
    ///
    /// # Safety
    /// `raw` must be a live problem the caller gives up, created from a context that outlives `'ctx`.
    pub unsafe fn from_raw(raw: *mut sys::hedge_problem) -> Problem<'ctx> {
        Problem { raw: NonNull::new(raw).expect("NULL problem"), _ctx: PhantomData }
    }

    pub fn as_ptr(&self) -> *const sys::hedge_problem {
        self.raw.as_ptr()
    }

    /// Adds a candidate; `HEDGE_ERR_DOMAIN` names a field out of range, `HEDGE_ERR_EXISTS` a
    /// second candidate of the same symbol and venue. Nothing changes on error.
    pub fn add_candidate(&mut self, c: &Candidate<'_>) -> Result<()> {
        let symbol = cstring("symbol", c.symbol)?;
        let venue = opt_cstring("venue", c.venue)?;
        let mut r = sys::hedge_candidate::init();
        r.symbol = symbol.as_ptr();
        r.venue = opt_ptr(&venue);
        r.taker_fee = c.taker_fee;
        r.maker_fee = c.maker_fee;
        r.fee_cap = c.fee_cap;
        r.fee_usd = c.fee_usd;
        r.fixed_cost = c.fixed_cost;
        r.impact = c.impact;
        r.impact_from_book = c.impact_from_book as i32;
        r.lot_size = c.lot_size;
        r.min_size = c.min_size;
        r.min_trade = c.min_trade;
        r.max_trade = c.max_trade;
        r.min_position = c.min_position;
        r.max_position = c.max_position;
        r.buy_only = c.buy_only as i32;
        check(unsafe { sys::hedge_problem_add_candidate(self.raw.as_ptr(), &r) })
    }

    /// Adds a Greek band or soft target.
    pub fn add_target(&mut self, t: &GreekTarget<'_>) -> Result<()> {
        let underlying = opt_cstring("underlying", t.underlying)?;
        let mut r = sys::hedge_greek_target::init();
        r.greek = t.greek as i32;
        r.underlying = opt_ptr(&underlying);
        r.min_days = t.min_days;
        r.max_days = t.max_days;
        r.lo = t.lo;
        r.hi = t.hi;
        r.target = t.target;
        r.weight = t.weight;
        check(unsafe { sys::hedge_problem_add_target(self.raw.as_ptr(), &r) })
    }

    /// Replaces the objective. The benchmark's instruments are referenced by the problem, so they
    /// share its `'ctx`.
    pub fn set_objective(&mut self, o: &Objective<'_, 'ctx>) -> Result<()> {
        let scenarios = o.scenarios.map(RawScenarios::new).transpose()?;
        let bench: Vec<sys::hedge_position> = o
            .benchmark
            .iter()
            .map(|(inst, qty)| {
                let mut p = sys::hedge_position::init();
                p.instrument = inst.as_ptr();
                p.quantity = *qty;
                p
            })
            .collect();
        let mut r = sys::hedge_objective::init();
        r.risk_aversion = o.risk_aversion;
        r.horizon_days = o.horizon_days;
        if let Some(s) = &scenarios {
            r.scenarios = s.as_ptr();
            r.n_scenarios = s.len();
        }
        r.spot_points = o.spot_points;
        r.vol_points = o.vol_points;
        r.vol_of_vol = o.vol_of_vol;
        if !bench.is_empty() {
            r.benchmark = bench.as_ptr();
            r.n_benchmark = bench.len();
        }
        r.passive = o.passive as i32;
        r.var_confidence = o.var_confidence;
        check(unsafe { sys::hedge_problem_set_objective(self.raw.as_ptr(), &r) })
    }

    /// Replaces the limits.
    pub fn set_limits(&mut self, l: &Limits<'_>) -> Result<()> {
        let venues = l.venues.map(|v| v.iter().map(|s| cstring("venue", s)).collect::<Result<Vec<_>>>()).transpose()?;
        let venue_ptrs: Option<Vec<*const c_char>> = venues.as_ref().map(|v| v.iter().map(|s| s.as_ptr()).collect());
        let cap_names = l.venue_caps.iter().map(|(v, _)| cstring("venue", v)).collect::<Result<Vec<_>>>()?;
        let cap_ptrs: Vec<*const c_char> = cap_names.iter().map(|s| s.as_ptr()).collect();
        let caps: Vec<f64> = l.venue_caps.iter().map(|(_, c)| *c).collect();
        let margin = l.margin.map(|m| {
            let mut o = sys::hedge_margin_options::init();
            o.spot_range = m.spot_range;
            o.spot_steps = m.spot_steps;
            o.vol_up = m.vol_up;
            o.vol_down = m.vol_down;
            o.delta_addon = m.delta_addon;
            o.threads = m.threads;
            o
        });
        let mut r = sys::hedge_limits::init();
        r.premium_budget = l.premium_budget;
        r.collateral = l.collateral;
        r.margin = margin.as_ref().map_or(ptr::null(), |m| m as *const _);
        r.depth_fraction = l.depth_fraction;
        if let Some(v) = venue_ptrs.as_ref().filter(|v| !v.is_empty()) {
            r.venues = v.as_ptr();
            r.n_venues = v.len();
        }
        if !caps.is_empty() {
            r.cap_venues = cap_ptrs.as_ptr();
            r.venue_caps = caps.as_ptr();
            r.n_venue_caps = caps.len();
        }
        check(unsafe { sys::hedge_problem_set_limits(self.raw.as_ptr(), &r) })
    }

    /// Finds the hedge of `book` off `market`; the result is allocated from `ctx`. Fails only when
    /// the call does (no candidates, a candidate or targeted underlying missing from the market,
    /// stale or expired data, a backend without what the problem needs); an infeasible problem is
    /// a result with [`SolveStatus::PrimalInfeasible`].
    pub fn solve(&self, ctx: &'ctx Context, book: &Portfolio<'_>, market: &Market<'_>, options: &SolveOptions<'_>)
        -> Result<HedgeResult<'ctx>> {
        let backend = opt_cstring("backend", options.backend)?;
        let solver = options.solver.map(|s| s.to_raw());
        let mut o = sys::hedge_solve_options::init();
        o.backend = opt_ptr(&backend);
        o.solver = solver.as_ref().map_or(ptr::null(), |s| s as *const _);
        o.threads = options.threads;
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_solve(&mut raw, ctx.as_ptr(), self.raw.as_ptr(), book.as_ptr(), market.as_ptr(), &o)
        })?;
        Ok(HedgeResult { raw: NonNull::new(raw).expect("NULL result"), _ctx: PhantomData })
    }
}

impl<'ctx> Drop for Problem<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_problem_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for Problem<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problem").field("raw", &self.raw).finish()
    }
}

/// The outcome of a hedge solve in figures (`hedge_hedge_summary`); money in USD.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub status: SolveStatus,
    /// The objective at the answer, USD, constant terms included.
    pub objective: f64,
    /// fees + spread + impact + funding + fixed, USD.
    pub cost_usd: f64,
    pub fees_usd: f64,
    pub spread_usd: f64,
    pub impact_usd: f64,
    /// Perpetual funding paid over the horizon (negative: received).
    pub funding_usd: f64,
    pub fixed_usd: f64,
    /// Net option premium paid at mid (negative: collected).
    pub premium_usd: f64,
    /// Standard deviation of the book's P&L over the scenarios (benchmark removed), before and after.
    pub std_before: f64,
    pub std_after: f64,
    /// Value at risk at the objective's confidence, USD of loss: the lower quantile of the loss
    /// (`hedge_scenario_var`'s definition).
    pub var_before: f64,
    pub var_after: f64,
    /// Expected shortfall at the same level (Acerbi and Tasche), USD of loss.
    pub cvar_before: f64,
    pub cvar_after: f64,
    /// Grid margin (0 unless a collateral limit is set).
    pub margin_before: f64,
    pub margin_after: f64,
    /// Candidates traded.
    pub trades: usize,
    /// Scenarios of the variance term.
    pub scenarios: usize,
    /// Optimizer iterations.
    pub iterations: usize,
    /// Wall clock of the whole solve, seconds.
    pub solve_time_s: f64,
    /// Branch-and-bound relaxations solved (lot sizes, minimum sizes, fixed costs); 0 without.
    pub nodes: usize,
}

/// One trade of the answer (`hedge_trade`); its strings borrow the result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trade<'a> {
    pub symbol: &'a str,
    pub venue: &'a str,
    /// Index of the candidate, in the order added.
    pub candidate: usize,
    /// Contracts, > 0 bought, < 0 sold.
    pub quantity: f64,
    /// The quote's mid, in its premium currency per unit of underlying.
    pub mid: f64,
    /// |quantity| times a contract's USD notional.
    pub notional_usd: f64,
    pub fee_usd: f64,
    /// Half-spread crossed, USD.
    pub spread_usd: f64,
    pub impact_usd: f64,
    /// Funding paid over the horizon, USD.
    pub funding_usd: f64,
    pub fixed_usd: f64,
}

impl<'a> Trade<'a> {
    /// fee + spread + impact + funding + fixed, USD.
    pub fn cost_usd(&self) -> f64 {
        self.fee_usd + self.spread_usd + self.impact_usd + self.funding_usd + self.fixed_usd
    }
}

/// What kind of limit a [`LimitReport`] is about (`hedge_limit_kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// A Greek band; the index is the target's, in the order added.
    Greek,
    /// The premium budget.
    Budget,
    /// Margin within collateral in one grid scenario; the index is the scenario.
    Margin,
    /// A venue's notional cap; the index is the cap's.
    VenueCap,
    /// An instrument's post-trade position bound; the index is a candidate of it.
    Position,
    /// A candidate's trade bound, depth or buy-only; the index is the candidate.
    Trade,
    /// A kind this crate does not know (from a newer library).
    Other(i32),
}

impl LimitKind {
    fn from_raw(k: sys::hedge_limit_kind) -> LimitKind {
        match k {
            sys::HEDGE_LIMIT_GREEK => LimitKind::Greek,
            sys::HEDGE_LIMIT_BUDGET => LimitKind::Budget,
            sys::HEDGE_LIMIT_MARGIN => LimitKind::Margin,
            sys::HEDGE_LIMIT_VENUE_CAP => LimitKind::VenueCap,
            sys::HEDGE_LIMIT_POSITION => LimitKind::Position,
            sys::HEDGE_LIMIT_TRADE => LimitKind::Trade,
            other => LimitKind::Other(other),
        }
    }
}

/// A limit that binds an optimal answer, or one of the limits that conflict (`hedge_limit_report`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LimitReport<'a> {
    pub kind: LimitKind,
    pub index: usize,
    /// Its upper side binds (or conflicts).
    pub upper: bool,
    /// The limit, in its own units (Greek units, USD, contracts).
    pub bound: f64,
    /// Binding: objective USD saved per unit the limit is relaxed (>= 0). Conflict: the limit's
    /// weight in the infeasibility certificate (> 0, largest 1).
    pub shadow_price: f64,
    /// Readable, such as "delta_coin BTC <= 0.5".
    pub name: &'a str,
}

/// The Greeks of one underlying, or of the whole book, before and after the trades (risk rows;
/// value, positions and beta fields are the book's alone in both).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GreekChange<'a> {
    pub before: RiskRow<'a>,
    pub after: RiskRow<'a>,
}

/// The immutable answer of [`Problem::solve`] (`hedge_result`).
///
/// `Send + Sync`: a result is never changed after the solve returns it.
pub struct HedgeResult<'ctx> {
    raw: NonNull<sys::hedge_result>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for HedgeResult<'ctx> {}
unsafe impl<'ctx> Sync for HedgeResult<'ctx> {}

impl<'ctx> HedgeResult<'ctx> {
    /// Takes ownership of a result the library returned (the rebalancer's orders).
    ///
    /// # Safety
    /// `raw` must be a live result nobody else frees, allocated from a context that outlives `'ctx`.
    pub(crate) unsafe fn from_raw(raw: *mut sys::hedge_result) -> HedgeResult<'ctx> {
        HedgeResult { raw: NonNull::new(raw).expect("NULL result"), _ctx: PhantomData }
    }

    pub fn as_ptr(&self) -> *const sys::hedge_result {
        self.raw.as_ptr()
    }

    /// The figures of the solve.
    pub fn summary(&self) -> Summary {
        let mut s = sys::hedge_hedge_summary::init();
        // Cannot fail with a live result and our own struct_size.
        unsafe { sys::hedge_result_summary(&mut s, self.raw.as_ptr()) };
        Summary {
            status: SolveStatus::from_raw(s.status), objective: s.objective, cost_usd: s.cost_usd,
            fees_usd: s.fees_usd, spread_usd: s.spread_usd, impact_usd: s.impact_usd, funding_usd: s.funding_usd,
            fixed_usd: s.fixed_usd, premium_usd: s.premium_usd, std_before: s.std_before, std_after: s.std_after,
            var_before: s.var_before, var_after: s.var_after, cvar_before: s.cvar_before, cvar_after: s.cvar_after,
            margin_before: s.margin_before, margin_after: s.margin_after, trades: s.trades, scenarios: s.scenarios,
            iterations: s.iterations, solve_time_s: s.solve_time_s, nodes: s.nodes,
        }
    }

    pub fn status(&self) -> SolveStatus {
        self.summary().status
    }

    /// The trades (candidates with a non-zero answer) in candidate order; empty unless optimal.
    pub fn trades(&self) -> Vec<Trade<'_>> {
        let n = unsafe { sys::hedge_result_trade_count(self.raw.as_ptr()) };
        (0..n)
            .filter_map(|i| {
                let mut t = sys::hedge_trade::init();
                if unsafe { sys::hedge_result_trade(&mut t, self.raw.as_ptr(), i) } != sys::HEDGE_OK {
                    return None;
                }
                Some(Trade {
                    symbol: unsafe { borrowed_str(t.symbol) }.unwrap_or(""),
                    venue: unsafe { borrowed_str(t.venue) }.unwrap_or(""),
                    candidate: t.candidate, quantity: t.quantity, mid: t.mid, notional_usd: t.notional_usd,
                    fee_usd: t.fee_usd, spread_usd: t.spread_usd, impact_usd: t.impact_usd,
                    funding_usd: t.funding_usd, fixed_usd: t.fixed_usd,
                })
            })
            .collect()
    }

    /// Number of underlyings with Greeks (the book's and the candidates'), sorted by name.
    pub fn underlying_count(&self) -> usize {
        unsafe { sys::hedge_result_underlying_count(self.raw.as_ptr()) }
    }

    /// Greeks of underlying `index` (0..underlying_count()), or of the whole book at
    /// `index == underlying_count()`.
    pub fn greeks_at(&self, index: usize) -> Result<GreekChange<'_>> {
        let (mut b, mut a) = (sys::hedge_risk_row::init(), sys::hedge_risk_row::init());
        check(unsafe { sys::hedge_result_greeks(&mut b, &mut a, self.raw.as_ptr(), index) })?;
        Ok(unsafe { GreekChange { before: RiskRow::from_raw(&b), after: RiskRow::from_raw(&a) } })
    }

    /// Greeks of one underlying (`None` if the result has none of it).
    pub fn greeks(&self, underlying: &str) -> Option<GreekChange<'_>> {
        (0..self.underlying_count())
            .filter_map(|i| self.greeks_at(i).ok())
            .find(|g| g.before.underlying == Some(underlying))
    }

    /// Greeks of the whole book (USD figures; coin figures are 0 there).
    pub fn book_greeks(&self) -> GreekChange<'_> {
        self.greeks_at(self.underlying_count()).expect("the whole-book row exists")
    }

    /// The limits that bind an optimal answer (largest shadow price first), or those that conflict
    /// when the status is [`SolveStatus::PrimalInfeasible`].
    pub fn limits(&self) -> Vec<LimitReport<'_>> {
        let n = unsafe { sys::hedge_result_limit_count(self.raw.as_ptr()) };
        (0..n)
            .filter_map(|i| {
                let mut r = sys::hedge_limit_report::init();
                if unsafe { sys::hedge_result_limit(&mut r, self.raw.as_ptr(), i) } != sys::HEDGE_OK {
                    return None;
                }
                Some(LimitReport {
                    kind: LimitKind::from_raw(r.kind), index: r.index, upper: r.upper != 0, bound: r.bound,
                    shadow_price: r.shadow_price, name: unsafe { borrowed_str(r.name) }.unwrap_or(""),
                })
            })
            .collect()
    }

    /// The result as JSON: summary, trades, Greeks before and after, limits.
    pub fn to_json(&self) -> Result<String> {
        write_string(|buf, cap, len| unsafe { sys::hedge_result_write_json(buf, cap, len, self.raw.as_ptr()) })
    }
}

impl<'ctx> Drop for HedgeResult<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_result_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for HedgeResult<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.summary();
        f.debug_struct("HedgeResult").field("status", &s.status).field("trades", &s.trades)
            .field("cost_usd", &s.cost_usd).finish()
    }
}
