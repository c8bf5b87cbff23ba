use std::marker::PhantomData;
use std::os::raw::c_char;
use std::path::Path;
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::context::Context;
use crate::error::{check, HedgeError, Result};
use crate::instrument::Instrument;
use crate::snapshot::Snapshot;
use crate::surface::VolSurface;
use crate::util::{cstring, opt_cstring, opt_ptr, write_string, Borrowed};

/// Instruments, a snapshot and volatility surfaces at one valuation time, immutable and
/// reference-counted. `Clone` takes a reference.
///
/// `Send + Sync`: immutable, atomic reference count.
pub struct Market<'ctx> {
    raw: NonNull<sys::hedge_market>,
    _ctx: PhantomData<&'ctx Context>,
}

unsafe impl<'ctx> Send for Market<'ctx> {}
unsafe impl<'ctx> Sync for Market<'ctx> {}

impl<'ctx> Market<'ctx> {
    /// Bundles parts into a market, which takes a reference to each. The parts share the
    /// market's `'ctx`, because the market keeps them alive and their contexts must outlive it.
    pub fn new(ctx: &'ctx Context, snapshot: &Snapshot<'ctx>, instruments: &[&Instrument<'ctx>],
               surfaces: &[(&str, &VolSurface<'ctx>)]) -> Result<Market<'ctx>> {
        let inst: Vec<*const sys::hedge_instrument> = instruments.iter().map(|i| i.as_ptr()).collect();
        let names = surfaces.iter().map(|(u, _)| cstring("underlying", u)).collect::<Result<Vec<_>>>()?;
        let name_ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
        let surf: Vec<*const sys::hedge_vol_surface> = surfaces.iter().map(|(_, s)| s.as_ptr()).collect();
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_market_create(&mut raw, ctx.as_ptr(), snapshot.as_ptr(), inst.as_ptr(), inst.len(),
                                     surf.as_ptr(), name_ptrs.as_ptr(), surf.len())
        })?;
        Ok(unsafe { Market::from_raw(raw) })
    }

    /// Reads a market from JSON text (`docs/json-format.md`); `name` goes into error messages.
    pub fn from_json(ctx: &'ctx Context, text: &str, name: Option<&str>) -> Result<Market<'ctx>> {
        let name = opt_cstring("name", name)?;
        let mut raw = ptr::null_mut();
        check(unsafe {
            sys::hedge_market_read_json(&mut raw, ctx.as_ptr(), text.as_ptr() as *const c_char, text.len(),
                                        opt_ptr(&name))
        })?;
        Ok(unsafe { Market::from_raw(raw) })
    }

    /// Reads a market from a JSON file.
    pub fn load_json<P: AsRef<Path>>(ctx: &'ctx Context, path: P) -> Result<Market<'ctx>> {
        let path = path_cstring(path.as_ref())?;
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_market_load_json(&mut raw, ctx.as_ptr(), path.as_ptr()) })?;
        Ok(unsafe { Market::from_raw(raw) })
    }

    /// Takes ownership of one reference.
    ///
    /// # Safety
    /// `raw` must be a live market whose reference the caller gives up, created from a context
    /// that outlives `'ctx`.
    pub unsafe fn from_raw(raw: *mut sys::hedge_market) -> Market<'ctx> {
        Market { raw: NonNull::new(raw).expect("NULL market"), _ctx: PhantomData }
    }

    pub fn as_ptr(&self) -> *const sys::hedge_market {
        self.raw.as_ptr()
    }

    /// The market as JSON that [`Market::from_json`] reads back to an identical market.
    pub fn to_json(&self) -> Result<String> {
        write_string(|buf, cap, len| unsafe { sys::hedge_market_write_json(buf, cap, len, self.raw.as_ptr()) })
    }

    /// The snapshot, borrowed from the market (clone it to keep it longer).
    pub fn snapshot(&self) -> Borrowed<'_, Snapshot<'ctx>> {
        Borrowed::new(unsafe { Snapshot::from_raw(sys::hedge_market_snapshot(self.raw.as_ptr()) as *mut _) })
    }

    pub fn instrument_count(&self) -> usize {
        unsafe { sys::hedge_market_instrument_count(self.raw.as_ptr()) }
    }

    /// Instrument `index`, in the order given or read, borrowed from the market.
    pub fn instrument(&self, index: usize) -> Option<Borrowed<'_, Instrument<'ctx>>> {
        let p = unsafe { sys::hedge_market_instrument(self.raw.as_ptr(), index) };
        if p.is_null() {
            None
        } else {
            Some(Borrowed::new(unsafe { Instrument::from_raw(p as *mut _) }))
        }
    }

    /// Every instrument, borrowed.
    pub fn instruments(&self) -> impl Iterator<Item = Borrowed<'_, Instrument<'ctx>>> + '_ {
        (0..self.instrument_count()).filter_map(move |i| self.instrument(i))
    }

    /// The instrument with `symbol`, borrowed.
    pub fn find_instrument(&self, symbol: &str) -> Result<Borrowed<'_, Instrument<'ctx>>> {
        let s = cstring("symbol", symbol)?;
        let mut p = ptr::null();
        check(unsafe { sys::hedge_market_find_instrument(&mut p, self.raw.as_ptr(), s.as_ptr()) })?;
        Ok(Borrowed::new(unsafe { Instrument::from_raw(p as *mut _) }))
    }

    /// The volatility surface of an underlying, borrowed.
    pub fn surface(&self, underlying: &str) -> Result<Borrowed<'_, VolSurface<'ctx>>> {
        let u = cstring("underlying", underlying)?;
        let mut p = ptr::null();
        check(unsafe { sys::hedge_market_surface(&mut p, self.raw.as_ptr(), u.as_ptr()) })?;
        Ok(Borrowed::new(unsafe { VolSurface::from_raw(p as *mut _) }))
    }
}

pub(crate) fn path_cstring(path: &Path) -> Result<std::ffi::CString> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::CString::new(path.as_os_str().as_bytes())
            .map_err(|_| HedgeError::invalid_arg(format!("path contains a NUL byte: {:?}", path)))
    }
    #[cfg(not(unix))]
    {
        match path.to_str() {
            Some(s) => cstring("path", s),
            None => Err(HedgeError::invalid_arg(format!("path is not UTF-8: {:?}", path))),
        }
    }
}

impl<'ctx> Clone for Market<'ctx> {
    fn clone(&self) -> Self {
        unsafe { Market::from_raw(sys::hedge_market_ref(self.raw.as_ptr())) }
    }
}

impl<'ctx> Drop for Market<'ctx> {
    fn drop(&mut self) {
        unsafe { sys::hedge_market_destroy(self.raw.as_ptr()) }
    }
}

impl<'ctx> std::fmt::Debug for Market<'ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Market").field("instruments", &self.instrument_count()).finish()
    }
}
