use std::alloc::{self, Layout};
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{self, NonNull};

use libhedge_sys as sys;

use crate::error::{check, Result};

/// Severity of a log message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
    /// As a threshold: log nothing.
    None = 4,
}

impl LogLevel {
    fn from_raw(level: c_int) -> LogLevel {
        match level {
            0 => LogLevel::Debug,
            1 => LogLevel::Info,
            2 => LogLevel::Warn,
            3 => LogLevel::Error,
            _ => LogLevel::None,
        }
    }
}

type LogFn = dyn Fn(LogLevel, &str) + Send + Sync;

/// The library context: allocator and log sink of every object created from it.
///
/// `Send + Sync`: the C context is immutable after creation, and shareable when its allocator and
/// log callback are thread-safe. The only hooks this wrapper installs are Rust's global allocator
/// (thread-safe by `GlobalAlloc`'s contract) and a callback bound to be `Send + Sync`.
pub struct Context {
    raw: NonNull<sys::hedge_context>,
    // Boxed twice so that the pointer handed to C stays put and thin; freed after the context.
    _log: Option<Box<Box<LogFn>>>,
    // The backends registered from Rust (name and trait object, which the C registry points
    // into); boxed so they stay put, dropped after the context, which never forgets a backend.
    pub(crate) backends: Vec<Box<dyn std::any::Any + Send + Sync>>,
}

unsafe impl Send for Context {}
unsafe impl Sync for Context {}

impl Context {
    /// A context with the C library's allocator and no logging.
    pub fn new() -> Result<Context> {
        ContextBuilder::new().build()
    }

    /// Settings beyond the defaults: Rust's allocator, a log callback.
    pub fn builder() -> ContextBuilder {
        ContextBuilder::new()
    }

    pub fn as_ptr(&self) -> *mut sys::hedge_context {
        self.raw.as_ptr()
    }

    /// Sends a message through the context's log sink, if it reaches the threshold.
    pub fn log(&self, level: LogLevel, message: &str) {
        if let Ok(m) = std::ffi::CString::new(message) {
            unsafe { sys::hedge_context_log(self.raw.as_ptr(), level as c_int, m.as_ptr()) }
        }
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // Every handle borrows the context, so none is left when this runs, and no solver, so no
        // backend state; the registered backends themselves are dropped after this.
        unsafe { sys::hedge_context_destroy(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("raw", &self.raw).finish()
    }
}

/// Settings of a [`Context`].
pub struct ContextBuilder {
    rust_alloc: bool,
    log: Option<Box<LogFn>>,
    log_level: LogLevel,
}

impl Default for ContextBuilder {
    fn default() -> Self {
        ContextBuilder::new()
    }
}

impl ContextBuilder {
    pub fn new() -> ContextBuilder {
        ContextBuilder { rust_alloc: false, log: None, log_level: LogLevel::Warn }
    }

    /// Route every allocation of the library through Rust's global allocator (so a custom
    /// `#[global_allocator]` accounts for the library's memory too). The C API hands the size and
    /// alignment to free, which is exactly what `std::alloc::dealloc` needs.
    pub fn rust_allocator(mut self) -> ContextBuilder {
        self.rust_alloc = true;
        self
    }

    /// Receives the library's log messages at or above `level`. A panic in the callback is caught
    /// and dropped: it must not unwind into C.
    pub fn log<F>(mut self, level: LogLevel, callback: F) -> ContextBuilder
    where
        F: Fn(LogLevel, &str) + Send + Sync + 'static,
    {
        self.log = Some(Box::new(callback));
        self.log_level = level;
        self
    }

    pub fn build(self) -> Result<Context> {
        let mut opts = sys::hedge_context_options::init();
        if self.rust_alloc {
            opts.alloc = Some(rust_alloc);
            opts.realloc = Some(rust_realloc);
            opts.free = Some(rust_free);
        }
        let log = self.log.map(Box::new);
        if let Some(cb) = &log {
            opts.log = Some(log_trampoline);
            opts.log_user = &**cb as *const Box<LogFn> as *mut c_void;
        }
        opts.log_level = self.log_level as c_int;
        let mut raw = ptr::null_mut();
        check(unsafe { sys::hedge_context_create(&mut raw, &opts) })?;
        Ok(Context {
            raw: NonNull::new(raw).expect("hedge_context_create returned OK and NULL"), _log: log,
            backends: Vec::new(),
        })
    }
}

unsafe extern "C" fn log_trampoline(user: *mut c_void, level: c_int, message: *const c_char) {
    let cb = &*(user as *const Box<LogFn>);
    let text = CStr::from_ptr(message).to_string_lossy();
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(LogLevel::from_raw(level), &text)));
}

unsafe extern "C" fn rust_alloc(_user: *mut c_void, size: usize, align: usize) -> *mut c_void {
    match Layout::from_size_align(size, align) {
        Ok(layout) if size > 0 => alloc::alloc(layout) as *mut c_void,
        _ => ptr::null_mut(),
    }
}

unsafe extern "C" fn rust_realloc(_user: *mut c_void, p: *mut c_void, old: usize, new: usize, align: usize)
    -> *mut c_void {
    match Layout::from_size_align(old, align) {
        Ok(layout) if new > 0 && Layout::from_size_align(new, align).is_ok() => {
            alloc::realloc(p as *mut u8, layout, new) as *mut c_void
        }
        _ => ptr::null_mut(),
    }
}

unsafe extern "C" fn rust_free(_user: *mut c_void, p: *mut c_void, size: usize, align: usize) {
    alloc::dealloc(p as *mut u8, Layout::from_size_align_unchecked(size, align))
}
