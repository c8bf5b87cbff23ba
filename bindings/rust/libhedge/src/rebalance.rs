//! Rebalancing (`rebalance.h`): policies that say when a hedge pays for itself, and the
//! [`Rebalancer`], which turns a policy's decision into orders through the hedge solver.
//!
//! A policy looks at one underlying's net coin delta D (book and hedges), its gamma G (coins per
//! USD), the spot S and volatility sigma, and says whether to trade and to which net delta:
//! - [`RebalanceRule::Calendar`]: every `interval_days`, back to delta 0;
//! - [`RebalanceRule::DeltaBand`]: when |D| > `band` coins, back to 0 (or to the band's edge);
//! - [`RebalanceRule::WhalleyWilmott`]: outside the band of half-width
//!   H = (3 e^{-r tau} k S G^2 / (2 gamma))^{1/3} coins, to its nearest edge;
//! - [`RebalanceRule::Leland`]: every `interval_days`, with Leland's adjusted volatility
//!   sigma_L^2 = sigma^2 (1 +- sqrt(2/pi) k / (sigma sqrt(dt))) for the deltas (+ for a short
//!   option, - for a long one);
//! - [`RebalanceRule::CostRisk`]: when gamma/2 (D S sigma)^2 h (the variance removed over the
//!   horizon h, priced) exceeds the cost k |D| S + `fixed_cost`.
//!
//! Units: deltas in coins of the underlying, gamma in coins per USD, spot in USD, volatility per
//! square-root year, continuously compounded rates, risk aversion per USD, costs as fractions of
//! USD notional and in USD, times in years unless named in days.

use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result, Status};
use crate::hedging::{HedgeResult, Problem};
use crate::market::Market;
use crate::portfolio::Portfolio;
use crate::util::cstring;

/// When to rebalance (`hedge_rebalance_rule`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RebalanceRule {
    /// At fixed intervals.
    Calendar = 0,
    /// When the delta leaves a fixed band.
    DeltaBand = 1,
    /// When the delta leaves the Whalley-Wilmott band.
    WhalleyWilmott = 2,
    /// At fixed intervals, with Leland's adjusted volatility.
    Leland = 3,
    /// When the risk removed is worth the cost.
    CostRisk = 4,
}

impl RebalanceRule {
    pub(crate) fn from_raw(r: sys::hedge_rebalance_rule) -> Result<RebalanceRule> {
        Ok(match r {
            sys::HEDGE_REBALANCE_CALENDAR => RebalanceRule::Calendar,
            sys::HEDGE_REBALANCE_DELTA_BAND => RebalanceRule::DeltaBand,
            sys::HEDGE_REBALANCE_WHALLEY_WILMOTT => RebalanceRule::WhalleyWilmott,
            sys::HEDGE_REBALANCE_LELAND => RebalanceRule::Leland,
            sys::HEDGE_REBALANCE_COST_RISK => RebalanceRule::CostRisk,
            _ => {
                let msg = format!("rebalance rule {} is unknown to the Rust binding", r);
                return Err(HedgeError::new(Status::UNSUPPORTED, msg));
            }
        })
    }
}

/// A rebalancing policy (`hedge_rebalance_policy`). [`Default`] is `HEDGE_REBALANCE_POLICY_INIT`,
/// daily calendar rebalancing; the constructors set the fields each rule reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RebalancePolicy {
    pub rule: RebalanceRule,
    /// Calendar and Leland: days between rebalances, > 0; default 1.
    pub interval_days: f64,
    /// Delta band: half-width in coins, >= 0.
    pub band: f64,
    /// Whalley-Wilmott and cost-risk: gamma, per USD, > 0 for those rules.
    pub risk_aversion: f64,
    /// Proportional cost the policy assumes, fraction of the USD notional traded, in [0, 1).
    pub cost_rate: f64,
    /// Cost-risk: USD per trade, >= 0.
    pub fixed_cost: f64,
    /// Cost-risk: days over which unhedged risk is priced, > 0; default 1.
    pub horizon_days: f64,
    /// Delta band: trade to the band's nearest edge instead of to 0.
    pub to_edge: bool,
}

impl Default for RebalancePolicy {
    fn default() -> Self {
        // The only rule the C initialiser can hold is one the binding knows.
        RebalancePolicy::from_raw(&sys::hedge_rebalance_policy::init()).expect("a known rule")
    }
}

impl RebalancePolicy {
    /// Every `interval_days`, back to delta 0.
    pub fn calendar(interval_days: f64) -> Self {
        RebalancePolicy { rule: RebalanceRule::Calendar, interval_days, ..Default::default() }
    }

    /// When |delta| exceeds `band` coins: back to 0, or to the band's edge when `to_edge`.
    pub fn delta_band(band: f64, to_edge: bool) -> Self {
        RebalancePolicy { rule: RebalanceRule::DeltaBand, band, to_edge, ..Default::default() }
    }

    /// The Whalley-Wilmott band for risk aversion `risk_aversion` (per USD) and proportional cost
    /// `cost_rate`.
    pub fn whalley_wilmott(risk_aversion: f64, cost_rate: f64) -> Self {
        RebalancePolicy { rule: RebalanceRule::WhalleyWilmott, risk_aversion, cost_rate, ..Default::default() }
    }

    /// Every `interval_days`, with Leland's volatility for proportional cost `cost_rate`.
    pub fn leland(interval_days: f64, cost_rate: f64) -> Self {
        RebalancePolicy { rule: RebalanceRule::Leland, interval_days, cost_rate, ..Default::default() }
    }

    /// Trade when the variance removed over `horizon_days`, priced at `risk_aversion`/2, exceeds
    /// `cost_rate` |D| S + `fixed_cost`.
    pub fn cost_risk(risk_aversion: f64, cost_rate: f64, fixed_cost: f64, horizon_days: f64) -> Self {
        RebalancePolicy {
            rule: RebalanceRule::CostRisk, risk_aversion, cost_rate, fixed_cost, horizon_days, ..Default::default()
        }
    }

    pub(crate) fn to_raw(self) -> sys::hedge_rebalance_policy {
        sys::hedge_rebalance_policy {
            rule: self.rule as i32, interval_days: self.interval_days, band: self.band,
            risk_aversion: self.risk_aversion, cost_rate: self.cost_rate, fixed_cost: self.fixed_cost,
            horizon_days: self.horizon_days, to_edge: self.to_edge as i32, ..sys::hedge_rebalance_policy::init()
        }
    }

    pub(crate) fn from_raw(p: &sys::hedge_rebalance_policy) -> Result<Self> {
        Ok(RebalancePolicy {
            rule: RebalanceRule::from_raw(p.rule)?, interval_days: p.interval_days, band: p.band,
            risk_aversion: p.risk_aversion, cost_rate: p.cost_rate, fixed_cost: p.fixed_cost,
            horizon_days: p.horizon_days, to_edge: p.to_edge != 0,
        })
    }

    /// Applies the policy to `state` (`hedge_rebalance_decide`, a pure function). A policy or
    /// state value out of range is `HEDGE_ERR_DOMAIN` (the message names it), as is a Leland
    /// adjustment that would make a long option's variance negative.
    pub fn decide(&self, state: &RebalanceState) -> Result<Decision> {
        let p = self.to_raw();
        let s = sys::hedge_rebalance_state {
            delta: state.delta, gamma: state.gamma, spot: state.spot, vol: state.vol, rate: state.rate,
            time_left: state.time_left, days_since_last: state.days_since_last, ..sys::hedge_rebalance_state::init()
        };
        let mut d = sys::hedge_rebalance_decision::init();
        check(unsafe { sys::hedge_rebalance_decide(&mut d, &p, &s) })?;
        Ok(Decision::from_raw(&d))
    }
}

/// What a policy looks at (`hedge_rebalance_state`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RebalanceState {
    /// Net delta now (book and hedges), coins.
    pub delta: f64,
    /// Net gamma, coins per USD.
    pub gamma: f64,
    /// Spot, USD, > 0.
    pub spot: f64,
    /// Volatility per square-root year, > 0.
    pub vol: f64,
    /// Discount rate (Whalley-Wilmott's e^{-r tau}).
    pub rate: f64,
    /// Years to the hedged position's expiry (Whalley-Wilmott), >= 0.
    pub time_left: f64,
    /// Days since the last rebalance, >= 0; `f64::INFINITY`: never.
    pub days_since_last: f64,
}

/// A policy's answer (`hedge_rebalance_decision`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    /// Rebalance now.
    pub trade: bool,
    /// The net delta to trade to, coins (the current delta when not trading).
    pub target_delta: f64,
    /// The no-trade half-width the rule used, coins (0 for calendar rules).
    pub band: f64,
    /// The volatility deltas should use: Leland's adjusted one, else the state's.
    pub hedge_vol: f64,
    /// Cost-risk: the priced variance a trade removes, USD; else 0.
    pub benefit_usd: f64,
    /// Cost-risk: the cost of that trade, USD; else 0.
    pub cost_usd: f64,
}

impl Decision {
    fn from_raw(d: &sys::hedge_rebalance_decision) -> Decision {
        Decision {
            trade: d.trade != 0, target_delta: d.target_delta, band: d.band, hedge_vol: d.hedge_vol,
            benefit_usd: d.benefit_usd, cost_usd: d.cost_usd,
        }
    }
}

/// A policy watching one underlying of a book, with a hedge problem to trade through
/// (`hedge_rebalancer`). It keeps the time of its last trade, the clock of calendar rules.
///
/// It borrows the problem (`'p`), which the C rebalancer reads on every check: the problem cannot
/// be changed (its setters take `&mut`) or dropped while the rebalancer lives.
///
/// `Send`, not `Sync`: the header allows one thread at a time per rebalancer, and [`check`]
/// takes `&mut self`. Sending it to another thread shares only what is `Sync` already (the
/// context and the problem, which many threads may read at once).
///
/// [`check`]: Rebalancer::check
pub struct Rebalancer<'p, 'ctx> {
    raw: NonNull<sys::hedge_rebalancer>,
    _problem: PhantomData<&'p Problem<'ctx>>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'p, 'ctx> Send for Rebalancer<'p, 'ctx> {}

impl<'p, 'ctx> Rebalancer<'p, 'ctx> {
    /// A rebalancer of `underlying`'s delta by `policy` (both copied), trading through `problem`.
    pub fn new(ctx: &'ctx Context, problem: &'p Problem<'ctx>, underlying: &str, policy: &RebalancePolicy)
        -> Result<Rebalancer<'p, 'ctx>> {
        let u = cstring("underlying", underlying)?;
        let p = policy.to_raw();
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_rebalancer_create(&mut raw, ctx.as_ptr(), problem.as_ptr(), u.as_ptr(), &p) })?;
        Ok(Rebalancer { raw: NonNull::new(raw).expect("NULL rebalancer"), _problem: PhantomData, _ctx: PhantomData })
    }

    pub fn as_ptr(&self) -> *mut sys::hedge_rebalancer {
        self.raw.as_ptr()
    }

    /// Looks at `book` in `market` and decides; when the decision is to trade, solves the hedge
    /// problem with one more hard target (the underlying's coin delta at the decision's target) and
    /// returns its result too. The clock restarts only when that solve is optimal.
    ///
    /// The state is the book's coin delta and gamma of the underlying, its spot, the 30-day
    /// at-the-money volatility of the market's surface, and the time to the book's last option
    /// expiry on it. `HEDGE_ERR_NOT_FOUND`: no spot or surface for the underlying;
    /// `HEDGE_ERR_STATE`: the market's time is before the last trade's.
    pub fn check(&mut self, book: &Portfolio<'_>, market: &Market<'_>)
        -> Result<(Decision, Option<HedgeResult<'ctx>>)> {
        let mut d = sys::hedge_rebalance_decision::init();
        let mut orders = ptr::null_mut();
        check(unsafe {
            sys::hedge_rebalancer_check(&mut d, &mut orders, self.raw.as_ptr(), book.as_ptr(), market.as_ptr())
        })?;
        // The result comes from the rebalancer's context, which outlives 'ctx.
        let orders = if orders.is_null() { None } else { Some(unsafe { HedgeResult::from_raw(orders) }) };
        Ok((Decision::from_raw(&d), orders))
    }

    /// As [`Rebalancer::check`] without solving: only the decision. The clock does not restart.
    pub fn decide(&mut self, book: &Portfolio<'_>, market: &Market<'_>) -> Result<Decision> {
        let mut d = sys::hedge_rebalance_decision::init();
        check(unsafe {
            sys::hedge_rebalancer_check(&mut d, ptr::null_mut(), self.raw.as_ptr(), book.as_ptr(), market.as_ptr())
        })?;
        Ok(Decision::from_raw(&d))
    }
}

impl<'p, 'ctx> Drop for Rebalancer<'p, 'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_rebalancer_destroy(self.raw.as_ptr()) }
    }
}

impl<'p, 'ctx> std::fmt::Debug for Rebalancer<'p, 'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rebalancer").field("raw", &self.raw).finish()
    }
}
