use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, Result};
use crate::pricing::OptionType;
use crate::snapshot::Snapshot;
use crate::surface::VolSurface;
use crate::util::{borrowed_str, cstring, opt_cstring, opt_ptr};

/// How a contract settles: linear (quote currency) or inverse (coin-margined).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Settlement {
    #[default]
    Linear = 0,
    Inverse = 1,
}

/// What kind of contract an instrument is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InstrumentKind {
    Spot,
    Future { expiry_ms: i64 },
    /// Funding every `funding_interval_s` seconds (0: 8 hours).
    Perpetual { funding_interval_s: f64 },
    Option { option_type: OptionType, strike: f64, expiry_ms: i64 },
}

/// Description of an instrument (`hedge_instrument_spec`).
#[derive(Clone, Debug, PartialEq)]
pub struct InstrumentSpec {
    pub kind: InstrumentKind,
    pub symbol: String,
    pub underlying: String,
    pub venue: Option<String>,
    pub settlement: Settlement,
    /// Units of the underlying per contract, or USD face value for inverse futures and perpetuals;
    /// 0 means 1.
    pub multiplier: f64,
}

impl InstrumentSpec {
    pub fn new(kind: InstrumentKind, symbol: &str, underlying: &str) -> InstrumentSpec {
        InstrumentSpec {
            kind, symbol: symbol.to_string(), underlying: underlying.to_string(), venue: None,
            settlement: Settlement::Linear, multiplier: 0.0,
        }
    }

    pub fn venue(mut self, venue: &str) -> Self {
        self.venue = Some(venue.to_string());
        self
    }

    pub fn settlement(mut self, settlement: Settlement) -> Self {
        self.settlement = settlement;
        self
    }

    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }
}

/// An immutable, reference-counted instrument. `Clone` takes another reference.
///
/// `Send + Sync`: nothing changes after creation and the reference count is atomic.
pub struct Instrument<'ctx> {
    raw: NonNull<sys::hedge_instrument>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Instrument<'ctx> {}
unsafe impl<'ctx> Sync for Instrument<'ctx> {}

impl<'ctx> Instrument<'ctx> {
    pub fn new(ctx: &'ctx Context, spec: &InstrumentSpec) -> Result<Instrument<'ctx>> {
        let symbol = cstring("symbol", &spec.symbol)?;
        let underlying = cstring("underlying", &spec.underlying)?;
        let venue = opt_cstring("venue", spec.venue.as_deref())?;
        let mut s = sys::hedge_instrument_spec::init();
        s.symbol = symbol.as_ptr();
        s.underlying = underlying.as_ptr();
        s.venue = opt_ptr(&venue);
        s.settlement = spec.settlement as i32;
        s.multiplier = spec.multiplier;
        match spec.kind {
            InstrumentKind::Spot => s.kind = sys::HEDGE_INSTRUMENT_SPOT,
            InstrumentKind::Future { expiry_ms } => {
                s.kind = sys::HEDGE_INSTRUMENT_FUTURE;
                s.expiry_ms = expiry_ms;
            }
            InstrumentKind::Perpetual { funding_interval_s } => {
                s.kind = sys::HEDGE_INSTRUMENT_PERPETUAL;
                s.funding_interval_s = funding_interval_s;
            }
            InstrumentKind::Option { option_type, strike, expiry_ms } => {
                s.kind = sys::HEDGE_INSTRUMENT_OPTION;
                s.option_type = option_type as i32;
                s.strike = strike;
                s.expiry_ms = expiry_ms;
            }
        }
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_instrument_create(&mut raw, ctx.as_ptr(), &s) })?;
        Ok(unsafe { Instrument::from_raw(raw) })
    }

    /// Takes ownership of one reference.
    ///
    /// # Safety
    /// `raw` must be a live instrument whose reference the caller gives up, created from a
    /// context that outlives `'ctx`.
    pub unsafe fn from_raw(raw: *mut sys::hedge_instrument) -> Instrument<'ctx> {
        Instrument { raw: NonNull::new(raw).expect("NULL instrument"), _ctx: PhantomData }
    }

    pub fn as_ptr(&self) -> *const sys::hedge_instrument {
        self.raw.as_ptr()
    }

    fn info(&self) -> sys::hedge_instrument_spec {
        let mut s = sys::hedge_instrument_spec::init();
        // Cannot fail: the handle is valid and struct_size is ours.
        let st = unsafe { sys::hedge_instrument_info(&mut s, self.raw.as_ptr()) };
        debug_assert_eq!(st, sys::HEDGE_OK);
        s
    }

    /// The symbol, valid as long as this reference.
    pub fn symbol(&self) -> &str {
        unsafe { borrowed_str(self.info().symbol) }.unwrap_or("")
    }

    pub fn underlying(&self) -> &str {
        unsafe { borrowed_str(self.info().underlying) }.unwrap_or("")
    }

    pub fn venue(&self) -> Option<&str> {
        unsafe { borrowed_str(self.info().venue) }
    }

    /// The full description, copied.
    pub fn spec(&self) -> InstrumentSpec {
        let s = self.info();
        let kind = match s.kind {
            sys::HEDGE_INSTRUMENT_FUTURE => InstrumentKind::Future { expiry_ms: s.expiry_ms },
            sys::HEDGE_INSTRUMENT_PERPETUAL => {
                InstrumentKind::Perpetual { funding_interval_s: s.funding_interval_s }
            }
            sys::HEDGE_INSTRUMENT_OPTION => InstrumentKind::Option {
                option_type: if s.option_type == sys::HEDGE_PUT { OptionType::Put } else { OptionType::Call },
                strike: s.strike,
                expiry_ms: s.expiry_ms,
            },
            _ => InstrumentKind::Spot,
        };
        InstrumentSpec {
            kind,
            symbol: self.symbol().to_string(),
            underlying: self.underlying().to_string(),
            venue: self.venue().map(str::to_string),
            settlement: if s.settlement == sys::HEDGE_SETTLE_INVERSE { Settlement::Inverse } else { Settlement::Linear },
            multiplier: s.multiplier,
        }
    }

    /// ACT/365 years from `now_ms` to expiry (futures and options).
    pub fn time_to_expiry(&self, now_ms: i64) -> Result<f64> {
        let mut years = 0.0;
        check(unsafe { sys::hedge_instrument_time_to_expiry(&mut years, self.raw.as_ptr(), now_ms) })?;
        Ok(years)
    }

    /// Value and risk of one contract off a snapshot and (for options) a surface (`valuation.h`).
    pub fn value(&self, snapshot: &Snapshot<'_>, surface: Option<&VolSurface<'_>>) -> Result<Valuation> {
        let mut v = sys::hedge_valuation::init();
        let surf = surface.map_or(ptr::null(), |s| s.as_ptr());
        check(unsafe { sys::hedge_instrument_value(&mut v, self.raw.as_ptr(), snapshot.as_ptr(), surf) })?;
        Ok(Valuation {
            value: v.value, value_usd: v.value_usd, delta_coin: v.delta_coin, delta_usd: v.delta_usd,
            gamma_coin: v.gamma_coin, vega_usd: v.vega_usd, theta_usd: v.theta_usd, vol: v.vol, forward: v.forward,
            spot: v.spot, time_to_expiry: v.time_to_expiry,
        })
    }
}

/// Value and risk of one contract (`hedge_valuation`; units in `valuation.h`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Valuation {
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

impl<'ctx> Clone for Instrument<'ctx> {
    fn clone(&self) -> Self {
        unsafe { Instrument::from_raw(sys::hedge_instrument_ref(self.raw.as_ptr())) }
    }
}

impl<'ctx> Drop for Instrument<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_instrument_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for Instrument<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Instrument").field(&self.symbol()).finish()
    }
}
