use std::marker::PhantomData;
use std::os::raw::c_char;
use std::path::Path;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, Result};
use crate::instrument::Instrument;
use crate::market::{path_cstring, Market};
use crate::util::{cstring, opt_cstring, opt_ptr, write_string};

/// One position read from a portfolio: the instrument (with its own reference), the quantity in
/// contracts and the entry price per unit of underlying in the instrument's quote (0: unknown).
#[derive(Clone, Debug)]
pub struct Position<'ctx> {
    pub instrument: Instrument<'ctx>,
    pub quantity: f64,
    pub entry_price: f64,
}

/// Positions in instruments, at most one per symbol.
///
/// `Send + Sync`: the C portfolio takes a read-write lock inside every call, so adding, updating
/// and removing work through `&self` from any thread; each change is seen whole or not at all.
pub struct Portfolio<'ctx> {
    raw: NonNull<sys::hedge_portfolio>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Portfolio<'ctx> {}
unsafe impl<'ctx> Sync for Portfolio<'ctx> {}

impl<'ctx> Portfolio<'ctx> {
    pub fn new(ctx: &'ctx Context) -> Result<Portfolio<'ctx>> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_portfolio_create(&mut raw, ctx.as_ptr()) })?;
        Ok(unsafe { Portfolio::from_raw(raw) })
    }

    /// Reads the `book` of a market JSON document; its symbols name instruments of `market`.
    pub fn from_json(ctx: &'ctx Context, market: &Market<'ctx>, text: &str, name: Option<&str>)
        -> Result<Portfolio<'ctx>> {
        let name = opt_cstring("name", name)?;
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_portfolio_read_json(&mut raw, ctx.as_ptr(), market.as_ptr(), text.as_ptr() as *const c_char,
                                           text.len(), opt_ptr(&name))
        })?;
        Ok(unsafe { Portfolio::from_raw(raw) })
    }

    /// As [`Portfolio::from_json`], from a file.
    pub fn load_json<P: AsRef<Path>>(ctx: &'ctx Context, market: &Market<'ctx>, path: P) -> Result<Portfolio<'ctx>> {
        let path = path_cstring(path.as_ref())?;
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_portfolio_load_json(&mut raw, ctx.as_ptr(), market.as_ptr(), path.as_ptr()) })?;
        Ok(unsafe { Portfolio::from_raw(raw) })
    }

    /// Takes ownership of a portfolio.
    ///
    /// # Safety
    /// `raw` must be a live portfolio the caller gives up, created from a context that outlives `'ctx`.
    pub unsafe fn from_raw(raw: *mut sys::hedge_portfolio) -> Portfolio<'ctx> {
        Portfolio { raw: NonNull::new(raw).expect("NULL portfolio"), _ctx: PhantomData }
    }

    pub fn as_ptr(&self) -> *const sys::hedge_portfolio {
        self.raw.as_ptr()
    }

    /// Adds a position in an instrument not held yet; the portfolio takes a reference to it, so
    /// the instrument's context must outlive the portfolio (the shared `'ctx`).
    pub fn add(&self, instrument: &Instrument<'ctx>, quantity: f64, entry_price: f64) -> Result<()> {
        let mut p = sys::hedge_position::init();
        p.instrument = instrument.as_ptr();
        p.quantity = quantity;
        p.entry_price = entry_price;
        check(unsafe { sys::hedge_portfolio_add(self.raw.as_ptr(), &p) })
    }

    /// Changes the quantity and entry price of a held position.
    pub fn update(&self, symbol: &str, quantity: f64, entry_price: f64) -> Result<()> {
        let s = cstring("symbol", symbol)?;
        check(unsafe { sys::hedge_portfolio_update(self.raw.as_ptr(), s.as_ptr(), quantity, entry_price) })
    }

    /// Removes a position; the order of the others may change.
    pub fn remove(&self, symbol: &str) -> Result<()> {
        let s = cstring("symbol", symbol)?;
        check(unsafe { sys::hedge_portfolio_remove(self.raw.as_ptr(), s.as_ptr()) })
    }

    /// Number of positions at the time of the call.
    pub fn len(&self) -> usize {
        unsafe { sys::hedge_portfolio_count(self.raw.as_ptr()) }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(f: impl FnOnce(*mut sys::hedge_position) -> i32) -> Result<Position<'ctx>> {
        let mut p = sys::hedge_position::init();
        check(f(&mut p))?;
        // The position's reference becomes the Instrument's; dropping it releases it, which is
        // what hedge_position_clear() would do.
        Ok(Position {
            instrument: unsafe { Instrument::from_raw(p.instrument as *mut _) },
            quantity: p.quantity,
            entry_price: p.entry_price,
        })
    }

    /// Position `index`; indexes shift when positions are removed.
    pub fn position(&self, index: usize) -> Result<Position<'ctx>> {
        Self::read(|p| unsafe { sys::hedge_portfolio_position(p, self.raw.as_ptr(), index) })
    }

    /// The position in `symbol`.
    pub fn find(&self, symbol: &str) -> Result<Position<'ctx>> {
        let s = cstring("symbol", symbol)?;
        Self::read(|p| unsafe { sys::hedge_portfolio_find(p, self.raw.as_ptr(), s.as_ptr()) })
    }

    /// Every position. Under concurrent removals the list may miss positions, never repeat one
    /// beyond what the removal's reordering does.
    pub fn positions(&self) -> Vec<Position<'ctx>> {
        let mut out = Vec::with_capacity(self.len());
        let mut i = 0;
        while let Ok(p) = self.position(i) {
            out.push(p);
            i += 1;
        }
        out
    }

    /// The market and this book as one JSON document.
    pub fn to_json(&self, market: &Market<'_>) -> Result<String> {
        write_string(|buf, cap, len| unsafe {
            sys::hedge_portfolio_write_json(buf, cap, len, market.as_ptr(), self.raw.as_ptr())
        })
    }
}

impl<'ctx> Drop for Portfolio<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_portfolio_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for Portfolio<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portfolio").field("positions", &self.len()).finish()
    }
}
