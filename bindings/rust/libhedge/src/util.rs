use std::ffi::{CStr, CString};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::os::raw::c_char;

use crate::error::{HedgeError, Result};

/// A handle lent out by its owner without a reference of its own (a market's snapshot, one of its
/// instruments). It derefs to the handle, cannot outlive the owner `'a`, and releases nothing when
/// dropped; `clone()` through the deref takes a real reference that may outlive the owner.
pub struct Borrowed<'a, T> {
    inner: ManuallyDrop<T>,
    _owner: PhantomData<&'a T>,
}

impl<'a, T> Borrowed<'a, T> {
    pub(crate) fn new(inner: T) -> Self {
        Borrowed { inner: ManuallyDrop::new(inner), _owner: PhantomData }
    }
}

impl<'a, T> Deref for Borrowed<'a, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<'a, T: std::fmt::Debug> std::fmt::Debug for Borrowed<'a, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

/// A string the library keeps for the life of the process.
pub(crate) unsafe fn static_str(p: *const c_char) -> &'static str {
    if p.is_null() {
        return "";
    }
    CStr::from_ptr(p).to_str().unwrap_or("")
}

/// A string that lives as long as the handle it points into; the caller picks the lifetime.
pub(crate) unsafe fn borrowed_str<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        None
    } else {
        // The library only stores names it validated as text, but a lossy conversion would need
        // an allocation and a lifetime of its own, so invalid UTF-8 reads as "".
        Some(CStr::from_ptr(p).to_str().unwrap_or(""))
    }
}

/// A Rust string as a C string; an interior NUL is reported as the C library reports bad names.
pub(crate) fn cstring(what: &str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| HedgeError::invalid_arg(format!("{}: contains a NUL byte: {:?}", what, s)))
}

pub(crate) fn opt_cstring(what: &str, s: Option<&str>) -> Result<Option<CString>> {
    s.map(|s| cstring(what, s)).transpose()
}

pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Calls a sizing function twice (`capacity` 0 to learn the length, then for real), as the
/// library's JSON writers ask.
pub(crate) fn write_string(mut call: impl FnMut(*mut c_char, usize, *mut usize) -> i32) -> Result<String> {
    let mut len = 0usize;
    let st = call(std::ptr::null_mut(), 0, &mut len);
    if st != 0 && st != libhedge_sys::HEDGE_ERR_BUFFER_TOO_SMALL {
        return Err(HedgeError::last(st));
    }
    let mut buf = vec![0u8; len + 1];
    crate::error::check(call(buf.as_mut_ptr() as *mut c_char, buf.len(), &mut len))?;
    buf.truncate(len);
    String::from_utf8(buf).map_err(|_| HedgeError::invalid_arg("JSON writer produced invalid UTF-8".to_string()))
}
