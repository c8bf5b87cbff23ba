use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, Result};
use crate::util::{borrowed_str, cstring};

/// One order-book level: price in the premium currency, size in contracts.
pub type DepthLevel = sys::hedge_depth_level;

/// Settings of a [`SnapshotBuilder`] (`hedge_snapshot_options`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnapshotOptions {
    /// Age limit for data added with `max_age_ms` 0.
    pub default_max_age_ms: i64,
    /// Sources further than this relative distance from the median are outliers.
    pub source_max_deviation: f64,
    /// Fresh, agreeing sources needed for a combined spot.
    pub source_min_count: u32,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        let o = sys::hedge_snapshot_options::init();
        SnapshotOptions {
            default_max_age_ms: o.default_max_age_ms,
            source_max_deviation: o.source_max_deviation,
            source_min_count: o.source_min_count,
        }
    }
}

/// A two-sided quote for one instrument on one venue; a missing side has price and size 0. Ladders
/// list levels best first, starting with the top of book.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Quote<'a> {
    pub symbol: &'a str,
    pub venue: &'a str,
    pub bid: f64,
    pub ask: f64,
    pub bid_size: f64,
    pub ask_size: f64,
    pub bids: &'a [DepthLevel],
    pub asks: &'a [DepthLevel],
    pub timestamp_ms: i64,
    /// 0: the builder's default.
    pub max_age_ms: i64,
}

/// What the combination of price sources made of one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceVerdict {
    Accepted,
    Stale,
    Outlier,
}

/// One price source of an underlying as judged by the snapshot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceReport<'a> {
    pub source: &'a str,
    pub price: f64,
    pub timestamp_ms: i64,
    pub verdict: SourceVerdict,
}

/// Assembles a [`Snapshot`].
///
/// `Send` but not `Sync`: a builder belongs to one thread at a time, which `&mut self` on every
/// change enforces, and it may be handed to another thread.
pub struct SnapshotBuilder<'ctx> {
    raw: NonNull<sys::hedge_snapshot_builder>,
    _ctx: PhantomData<&'ctx Context>,
    // Opts out of the Sync the unsafe Send below would otherwise invite.
    _not_sync: PhantomData<std::cell::Cell<()>>,
}

unsafe impl<'ctx> Send for SnapshotBuilder<'ctx> {}

impl<'ctx> SnapshotBuilder<'ctx> {
    pub fn new(ctx: &'ctx Context, valuation_ms: i64, options: Option<&SnapshotOptions>)
        -> Result<SnapshotBuilder<'ctx>> {
        let mut opts = sys::hedge_snapshot_options::init();
        if let Some(o) = options {
            opts.default_max_age_ms = o.default_max_age_ms;
            opts.source_max_deviation = o.source_max_deviation;
            opts.source_min_count = o.source_min_count;
        }
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_snapshot_builder_create(&mut raw, ctx.as_ptr(), valuation_ms, &opts) })?;
        Ok(SnapshotBuilder { raw: NonNull::new(raw).expect("NULL builder"), _ctx: PhantomData, _not_sync: PhantomData })
    }

    /// Sets an underlying's spot directly; `max_age_ms` 0 takes the default limit.
    pub fn set_spot(&mut self, underlying: &str, spot: f64, timestamp_ms: i64, max_age_ms: i64) -> Result<&mut Self> {
        let u = cstring("underlying", underlying)?;
        check(unsafe { sys::hedge_snapshot_builder_set_spot(self.raw.as_ptr(), u.as_ptr(), spot, timestamp_ms, max_age_ms) })?;
        Ok(self)
    }

    /// Adds a price source to be combined (robust median) into the underlying's spot.
    pub fn add_source(&mut self, underlying: &str, source: &str, price: f64, timestamp_ms: i64, max_age_ms: i64)
        -> Result<&mut Self> {
        let u = cstring("underlying", underlying)?;
        let s = cstring("source", source)?;
        check(unsafe {
            sys::hedge_snapshot_builder_add_source(self.raw.as_ptr(), u.as_ptr(), s.as_ptr(), price, timestamp_ms,
                                                   max_age_ms)
        })?;
        Ok(self)
    }

    /// Sets the continuously compounded discount rate of an underlying's options.
    pub fn set_rate(&mut self, underlying: &str, rate: f64) -> Result<&mut Self> {
        let u = cstring("underlying", underlying)?;
        check(unsafe { sys::hedge_snapshot_builder_set_rate(self.raw.as_ptr(), u.as_ptr(), rate) })?;
        Ok(self)
    }

    /// Adds a point of an underlying's forward curve.
    pub fn add_forward(&mut self, underlying: &str, expiry_ms: i64, forward: f64) -> Result<&mut Self> {
        let u = cstring("underlying", underlying)?;
        check(unsafe { sys::hedge_snapshot_builder_add_forward(self.raw.as_ptr(), u.as_ptr(), expiry_ms, forward) })?;
        Ok(self)
    }

    /// Sets a perpetual's funding rate and predicted rate, per funding interval.
    pub fn set_funding(&mut self, symbol: &str, rate: f64, predicted: f64, timestamp_ms: i64, max_age_ms: i64)
        -> Result<&mut Self> {
        let s = cstring("symbol", symbol)?;
        check(unsafe {
            sys::hedge_snapshot_builder_set_funding(self.raw.as_ptr(), s.as_ptr(), rate, predicted, timestamp_ms,
                                                    max_age_ms)
        })?;
        Ok(self)
    }

    /// Adds a quote; the library copies it with its strings and ladders.
    pub fn add_quote(&mut self, quote: &Quote<'_>) -> Result<&mut Self> {
        let symbol = cstring("symbol", quote.symbol)?;
        let venue = cstring("venue", quote.venue)?;
        let mut q = sys::hedge_quote::init();
        q.symbol = symbol.as_ptr();
        q.venue = venue.as_ptr();
        q.bid = quote.bid;
        q.ask = quote.ask;
        q.bid_size = quote.bid_size;
        q.ask_size = quote.ask_size;
        if !quote.bids.is_empty() {
            q.bids = quote.bids.as_ptr();
            q.n_bids = quote.bids.len();
        }
        if !quote.asks.is_empty() {
            q.asks = quote.asks.as_ptr();
            q.n_asks = quote.asks.len();
        }
        q.timestamp_ms = quote.timestamp_ms;
        q.max_age_ms = quote.max_age_ms;
        check(unsafe { sys::hedge_snapshot_builder_add_quote(self.raw.as_ptr(), &q) })?;
        Ok(self)
    }

    /// Freezes what was added into a snapshot; the builder is emptied and stays usable.
    pub fn finish(&mut self) -> Result<Snapshot<'ctx>> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_snapshot_builder_finish(&mut raw, self.raw.as_ptr()) })?;
        Ok(unsafe { Snapshot::from_raw(raw) })
    }
}

impl<'ctx> Drop for SnapshotBuilder<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_snapshot_builder_destroy(self.raw.as_ptr()) }
    }
}

/// The market at one valuation time, immutable and reference-counted. `Clone` takes a reference.
///
/// `Send + Sync`: immutable once built, with an atomic reference count.
pub struct Snapshot<'ctx> {
    raw: NonNull<sys::hedge_snapshot>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Snapshot<'ctx> {}
unsafe impl<'ctx> Sync for Snapshot<'ctx> {}

impl<'ctx> Snapshot<'ctx> {
    /// Takes ownership of one reference.
    ///
    /// # Safety
    /// `raw` must be a live snapshot whose reference the caller gives up, created from a context
    /// that outlives `'ctx`.
    pub unsafe fn from_raw(raw: *mut sys::hedge_snapshot) -> Snapshot<'ctx> {
        Snapshot { raw: NonNull::new(raw).expect("NULL snapshot"), _ctx: PhantomData }
    }

    pub fn as_ptr(&self) -> *const sys::hedge_snapshot {
        self.raw.as_ptr()
    }

    /// Valuation time, ms since the Unix epoch.
    pub fn valuation_ms(&self) -> i64 {
        unsafe { sys::hedge_snapshot_valuation_ms(self.raw.as_ptr()) }
    }

    fn read(&self, f: impl FnOnce(*mut f64) -> i32) -> Result<f64> {
        let mut x = 0.0;
        check(f(&mut x))?;
        Ok(x)
    }

    /// Spot of an underlying; `HEDGE_ERR_STALE` when too old.
    pub fn spot(&self, underlying: &str) -> Result<f64> {
        let u = cstring("underlying", underlying)?;
        self.read(|x| unsafe { sys::hedge_snapshot_spot(x, self.raw.as_ptr(), u.as_ptr()) })
    }

    /// Discount rate of an underlying's quote currency (0 where none was set).
    pub fn rate(&self, underlying: &str) -> Result<f64> {
        let u = cstring("underlying", underlying)?;
        self.read(|x| unsafe { sys::hedge_snapshot_rate(x, self.raw.as_ptr(), u.as_ptr()) })
    }

    /// Forward of an underlying for a date, from the curve (see `snapshot.h` for the interpolation).
    pub fn forward(&self, underlying: &str, expiry_ms: i64) -> Result<f64> {
        let u = cstring("underlying", underlying)?;
        self.read(|x| unsafe { sys::hedge_snapshot_forward(x, self.raw.as_ptr(), u.as_ptr(), expiry_ms) })
    }

    /// A perpetual's (current, predicted) funding rates per interval.
    pub fn funding(&self, symbol: &str) -> Result<(f64, f64)> {
        let s = cstring("symbol", symbol)?;
        let (mut rate, mut predicted) = (0.0, 0.0);
        check(unsafe { sys::hedge_snapshot_funding(&mut rate, &mut predicted, self.raw.as_ptr(), s.as_ptr()) })?;
        Ok((rate, predicted))
    }

    /// The quote of an instrument on a venue; its strings and ladders borrow the snapshot.
    pub fn quote(&self, symbol: &str, venue: &str) -> Result<Quote<'_>> {
        let s = cstring("symbol", symbol)?;
        let v = cstring("venue", venue)?;
        let mut q = sys::hedge_quote::init();
        check(unsafe { sys::hedge_snapshot_quote(&mut q, self.raw.as_ptr(), s.as_ptr(), v.as_ptr()) })?;
        Ok(Quote {
            symbol: unsafe { borrowed_str(q.symbol) }.unwrap_or(""),
            venue: unsafe { borrowed_str(q.venue) }.unwrap_or(""),
            bid: q.bid, ask: q.ask, bid_size: q.bid_size, ask_size: q.ask_size,
            bids: unsafe { ladder(q.bids, q.n_bids) },
            asks: unsafe { ladder(q.asks, q.n_asks) },
            timestamp_ms: q.timestamp_ms,
            max_age_ms: q.max_age_ms,
        })
    }

    /// How the price sources of an underlying were judged, in the order they were added.
    pub fn sources(&self, underlying: &str) -> Result<Vec<SourceReport<'_>>> {
        let u = cstring("underlying", underlying)?;
        let mut count = 0usize;
        check(unsafe { sys::hedge_snapshot_sources(ptr::null_mut(), 0, &mut count, self.raw.as_ptr(), u.as_ptr()) })?;
        let empty = sys::hedge_source_report { source: ptr::null(), price: 0.0, timestamp_ms: 0, verdict: 0 };
        let mut raw = vec![empty; count];
        check(unsafe {
            sys::hedge_snapshot_sources(raw.as_mut_ptr(), raw.len(), &mut count, self.raw.as_ptr(), u.as_ptr())
        })?;
        raw.truncate(count);
        Ok(raw
            .iter()
            .map(|r| SourceReport {
                source: unsafe { borrowed_str(r.source) }.unwrap_or(""),
                price: r.price,
                timestamp_ms: r.timestamp_ms,
                verdict: match r.verdict {
                    sys::HEDGE_SOURCE_ACCEPTED => SourceVerdict::Accepted,
                    sys::HEDGE_SOURCE_STALE => SourceVerdict::Stale,
                    _ => SourceVerdict::Outlier,
                },
            })
            .collect())
    }
}

unsafe fn ladder<'a>(p: *const DepthLevel, n: usize) -> &'a [DepthLevel] {
    if p.is_null() || n == 0 { &[] } else { std::slice::from_raw_parts(p, n) }
}

impl<'ctx> Clone for Snapshot<'ctx> {
    fn clone(&self) -> Self {
        unsafe { Snapshot::from_raw(sys::hedge_snapshot_ref(self.raw.as_ptr())) }
    }
}

impl<'ctx> Drop for Snapshot<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_snapshot_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for Snapshot<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot").field("valuation_ms", &self.valuation_ms()).finish()
    }
}
