use std::ffi::CStr;
use std::fmt;

use libhedge_sys as sys;

/// A libhedge status code: 0 is success, errors are negative and keep their value forever.
///
/// A newtype over the C value rather than an enum, so a code added by a newer library is carried
/// through instead of being undefined behaviour.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Status(pub i32);

impl Status {
    pub const OK: Status = Status(sys::HEDGE_OK);
    pub const NOMEM: Status = Status(sys::HEDGE_ERR_NOMEM);
    pub const INVALID_ARG: Status = Status(sys::HEDGE_ERR_INVALID_ARG);
    pub const DOMAIN: Status = Status(sys::HEDGE_ERR_DOMAIN);
    pub const PRICE_BOUNDS: Status = Status(sys::HEDGE_ERR_PRICE_BOUNDS);
    pub const NOT_CONVERGED: Status = Status(sys::HEDGE_ERR_NOT_CONVERGED);
    pub const NOT_FOUND: Status = Status(sys::HEDGE_ERR_NOT_FOUND);
    pub const EXISTS: Status = Status(sys::HEDGE_ERR_EXISTS);
    pub const STALE: Status = Status(sys::HEDGE_ERR_STALE);
    pub const EXPIRED: Status = Status(sys::HEDGE_ERR_EXPIRED);
    pub const PARSE: Status = Status(sys::HEDGE_ERR_PARSE);
    pub const IO: Status = Status(sys::HEDGE_ERR_IO);
    pub const UNSUPPORTED: Status = Status(sys::HEDGE_ERR_UNSUPPORTED);
    pub const BUFFER_TOO_SMALL: Status = Status(sys::HEDGE_ERR_BUFFER_TOO_SMALL);
    pub const CANCELLED: Status = Status(sys::HEDGE_ERR_CANCELLED);
    pub const STATE: Status = Status(sys::HEDGE_ERR_STATE);
    pub const TOO_LARGE: Status = Status(sys::HEDGE_ERR_TOO_LARGE);
    pub const BACKEND: Status = Status(sys::HEDGE_ERR_BACKEND);
    pub const INTERNAL: Status = Status(sys::HEDGE_ERR_INTERNAL);

    pub fn is_ok(self) -> bool {
        self.0 == sys::HEDGE_OK
    }

    /// The symbolic name, such as "HEDGE_ERR_DOMAIN" ("HEDGE_ERR_UNKNOWN" for an unknown code).
    pub fn name(self) -> &'static str {
        unsafe { crate::util::static_str(sys::hedge_status_name(self.0)) }
    }

    /// A short English description, such as "out of memory".
    pub fn description(self) -> &'static str {
        unsafe { crate::util::static_str(sys::hedge_status_str(self.0)) }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed libhedge call: its status and the detail the library recorded for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HedgeError {
    status: Status,
    message: String,
}

/// `Result` with [`HedgeError`].
pub type Result<T> = std::result::Result<T, HedgeError>;

impl HedgeError {
    /// The error of a call that just returned `code` on this thread. The library keeps the detail
    /// per thread until the next failing call, so it must be read before any other libhedge call.
    pub(crate) fn last(code: i32) -> HedgeError {
        let message = unsafe { CStr::from_ptr(sys::hedge_error_message()) }.to_string_lossy().into_owned();
        HedgeError { status: Status(code), message }
    }

    /// An argument the wrapper rejects before calling the library (an interior NUL, slices of
    /// different lengths), reported as the library reports its own argument errors.
    pub(crate) fn invalid_arg(message: String) -> HedgeError {
        HedgeError { status: Status::INVALID_ARG, message }
    }

    /// An error with a status and a message of the caller's: what a [`Backend`](crate::Backend)
    /// written in Rust returns when it fails, and what the wrapper reports for errors it detects
    /// itself, with the status the library would give them.
    pub fn new(status: Status, message: impl Into<String>) -> HedgeError {
        HedgeError { status, message: message.into() }
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// The numeric code, negative.
    pub fn code(&self) -> i32 {
        self.status.0
    }

    /// The symbolic name of the status, such as "HEDGE_ERR_DOMAIN".
    pub fn name(&self) -> &'static str {
        self.status.name()
    }

    /// The library's message, naming the function, the argument and the value at fault.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HedgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{} ({})", self.status.name(), self.status.description())
        } else {
            write!(f, "{}: {}", self.status.name(), self.message)
        }
    }
}

impl std::error::Error for HedgeError {}

#[inline]
pub(crate) fn check(code: i32) -> Result<()> {
    if code == sys::HEDGE_OK {
        Ok(())
    } else {
        Err(HedgeError::last(code))
    }
}
