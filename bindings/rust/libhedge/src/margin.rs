use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, Result};
use crate::instrument::Settlement;
use crate::market::Market;
use crate::portfolio::Portfolio;

/// Settings of [`MarginResult::compute`] (`hedge_margin_options`; defaults as in `margin.h`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarginOptions {
    pub spot_range: f64,
    pub spot_steps: usize,
    pub vol_up: f64,
    pub vol_down: f64,
    pub delta_addon: f64,
    pub threads: u32,
}

impl Default for MarginOptions {
    fn default() -> Self {
        let o = sys::hedge_margin_options::init();
        MarginOptions {
            spot_range: o.spot_range, spot_steps: o.spot_steps, vol_up: o.vol_up, vol_down: o.vol_down,
            delta_addon: o.delta_addon, threads: o.threads,
        }
    }
}

/// Scenario-grid portfolio margin of a book, USD.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MarginResult {
    pub margin: f64,
    pub worst_loss: f64,
    pub addon: f64,
    pub worst_spot: f64,
    pub worst_vol: f64,
    pub scenarios: usize,
}

impl MarginResult {
    /// The worst loss over the spot x vol grid plus the delta add-on (`hedge_portfolio_margin`).
    pub fn compute(ctx: &Context, portfolio: &Portfolio<'_>, market: &Market<'_>, options: &MarginOptions)
        -> Result<MarginResult> {
        let mut o = sys::hedge_margin_options::init();
        o.spot_range = options.spot_range;
        o.spot_steps = options.spot_steps;
        o.vol_up = options.vol_up;
        o.vol_down = options.vol_down;
        o.delta_addon = options.delta_addon;
        o.threads = options.threads;
        let mut r = sys::hedge_margin_result::init();
        check(unsafe { sys::hedge_portfolio_margin(&mut r, ctx.as_ptr(), portfolio.as_ptr(), market.as_ptr(), &o) })?;
        Ok(MarginResult {
            margin: r.margin, worst_loss: r.worst_loss, addon: r.addon, worst_spot: r.worst_spot,
            worst_vol: r.worst_vol, scenarios: r.scenarios,
        })
    }
}

/// Liquidation price of an isolated futures or perpetual position (+infinity or 0 when it cannot be liquidated).
pub fn liquidation_price(settlement: Settlement, multiplier: f64, quantity: f64, entry: f64, collateral: f64,
                         mmr: f64) -> Result<f64> {
    let mut p = 0.0;
    check(unsafe {
        sys::hedge_liquidation_price(&mut p, settlement as i32, multiplier, quantity, entry, collateral, mmr)
    })?;
    Ok(p)
}

/// One futures or perpetual position of a cross-margin account.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrossPosition {
    pub settlement: Settlement,
    pub multiplier: f64,
    pub quantity: f64,
    pub entry: f64,
    pub mmr: f64,
}

/// Liquidation price of a cross-margin account nearest the current `mark`.
pub fn cross_liquidation_price(positions: &[CrossPosition], collateral: f64, mark: f64) -> Result<f64> {
    let raw: Vec<sys::hedge_cross_position> = positions
        .iter()
        .map(|p| sys::hedge_cross_position {
            settlement: p.settlement as i32, multiplier: p.multiplier, quantity: p.quantity, entry: p.entry,
            mmr: p.mmr,
        })
        .collect();
    let mut price = 0.0;
    check(unsafe { sys::hedge_cross_liquidation_price(&mut price, raw.as_ptr(), raw.len(), collateral, mark) })?;
    Ok(price)
}
