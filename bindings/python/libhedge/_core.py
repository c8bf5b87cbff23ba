"""Status codes as exceptions, enumerations, the Context, and the handle base class."""

import datetime
import enum
import threading

from ._ffi import ffi, lib


class Status(enum.IntEnum):
    """libhedge's status codes (status.h): 0 is success, errors are negative and pinned forever."""
    OK = 0
    NOMEM = -1
    INVALID_ARG = -2
    DOMAIN = -3
    PRICE_BOUNDS = -4
    NOT_CONVERGED = -5
    NOT_FOUND = -6
    EXISTS = -7
    STALE = -8
    EXPIRED = -9
    PARSE = -10
    IO = -11
    UNSUPPORTED = -12
    BUFFER_TOO_SMALL = -13
    CANCELLED = -14
    STATE = -15
    TOO_LARGE = -16
    BACKEND = -17
    INTERNAL = -18


class HedgeError(Exception):
    """A libhedge call failed.

    Attributes: ``status`` (the int status code, see :class:`Status`), ``name`` (its symbolic
    name, such as ``"HEDGE_ERR_DOMAIN"``, from ``hedge_status_name``) and ``message`` (the detail
    the library recorded for the calling thread, from ``hedge_error_message``).
    """

    def __init__(self, status, message=None):
        self.status = int(status)
        self.name = ffi.string(lib.hedge_status_name(self.status)).decode()
        self.message = message if message is not None else ffi.string(lib.hedge_error_message()).decode()
        super().__init__(f"{self.name}: {self.message}" if self.message else self.name)


class NoMemoryError(HedgeError, MemoryError):
    """HEDGE_ERR_NOMEM: the context's allocator failed."""


class InvalidArgumentError(HedgeError, ValueError):
    """HEDGE_ERR_INVALID_ARG."""


class DomainError(HedgeError, ValueError):
    """HEDGE_ERR_DOMAIN: a number is NaN, infinite or outside its domain."""


class PriceBoundsError(HedgeError, ValueError):
    """HEDGE_ERR_PRICE_BOUNDS: no implied volatility reproduces the price."""


class NotConvergedError(HedgeError):
    """HEDGE_ERR_NOT_CONVERGED."""


class NotFoundError(HedgeError, LookupError):
    """HEDGE_ERR_NOT_FOUND: no instrument, underlying, quote... of that name."""


class ExistsError(HedgeError):
    """HEDGE_ERR_EXISTS: an object with that identity already exists."""


class StaleError(HedgeError):
    """HEDGE_ERR_STALE: market data older than its age limit."""


class ExpiredError(HedgeError):
    """HEDGE_ERR_EXPIRED: the instrument expired before the valuation time."""


class ParseError(HedgeError, ValueError):
    """HEDGE_ERR_PARSE: malformed JSON or CSV; the message gives file:line:column."""


class HedgeIOError(HedgeError):
    """HEDGE_ERR_IO: a file could not be read or written."""


class UnsupportedError(HedgeError):
    """HEDGE_ERR_UNSUPPORTED: not available in this build."""


class CancelledError(HedgeError):
    """HEDGE_ERR_CANCELLED: a progress callback stopped the call (it wrote nothing)."""


class StateError(HedgeError):
    """HEDGE_ERR_STATE: the call does not fit the object's state (a clock running backwards, say)."""


_ERRORS = {
    Status.NOMEM: NoMemoryError, Status.INVALID_ARG: InvalidArgumentError, Status.DOMAIN: DomainError,
    Status.PRICE_BOUNDS: PriceBoundsError, Status.NOT_CONVERGED: NotConvergedError,
    Status.NOT_FOUND: NotFoundError, Status.EXISTS: ExistsError, Status.STALE: StaleError,
    Status.EXPIRED: ExpiredError, Status.PARSE: ParseError, Status.IO: HedgeIOError,
    Status.UNSUPPORTED: UnsupportedError, Status.CANCELLED: CancelledError, Status.STATE: StateError,
}


def error_for(status, message=None):
    """The exception for a negative status (the most specific subclass of HedgeError)."""
    return _ERRORS.get(status, HedgeError)(status, message)


def check(status):
    """Raises the matching HedgeError for a negative status; the message is read at once, on the
    calling thread, because the library keeps it per thread and the next failure overwrites it."""
    if status != 0:
        raise error_for(status)


def status_name(status):
    """Symbolic name of a status code, such as "HEDGE_ERR_NOMEM"."""
    return ffi.string(lib.hedge_status_name(int(status))).decode()


def status_str(status):
    """Short English description of a status code."""
    return ffi.string(lib.hedge_status_str(int(status))).decode()


class OptionType(enum.IntEnum):
    """The sign of the payoff max(type (S - K), 0)."""
    PUT = -1
    CALL = 1


class Settlement(enum.IntEnum):
    """Linear: value in the quote currency (USD). Inverse (coin-margined): value in the coin."""
    LINEAR = 0
    INVERSE = 1


class InstrumentKind(enum.IntEnum):
    SPOT = 1
    FUTURE = 2
    PERPETUAL = 3
    OPTION = 4


class LogLevel(enum.IntEnum):
    DEBUG = 0
    INFO = 1
    WARN = 2
    ERROR = 3
    NONE = 4


def _enum(cls, value):
    """Accepts an enum member, its int value or its name in any case ("call", "inverse")."""
    if isinstance(value, str):
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown {cls.__name__}: {value!r}") from None
    return cls(value)


def option_type(value):
    return _enum(OptionType, value)


def settlement(value):
    return _enum(Settlement, value)


def to_ms(t):
    """A timestamp as int ms since the Unix epoch (UTC): an int, or an aware or UTC-naive datetime."""
    if isinstance(t, datetime.datetime):
        if t.tzinfo is None:
            t = t.replace(tzinfo=datetime.timezone.utc)
        return round(t.timestamp() * 1000)
    return int(t)


def _text(p):
    return None if p == ffi.NULL else ffi.string(p).decode()


def _cstr(s, keep):
    """A NUL-terminated copy of s (None gives NULL) that lives as long as the list keep does."""
    if s is None:
        return ffi.NULL
    c = ffi.new("char[]", s.encode())
    keep.append(c)
    return c


class Allocator:
    """Base class of a Python allocator for :class:`Context`.

    Subclasses implement ``alloc(size, align)`` returning an integer address (0 on failure) and
    ``free(address, size, align)``; libhedge passes back the size and alignment it asked for.
    ``realloc`` is optional: without it the library allocates, copies and frees. The callbacks may
    run on the library's worker threads (scenario engine), with the GIL held by cffi.
    """

    def alloc(self, size, align):
        raise NotImplementedError

    def free(self, address, size, align):
        raise NotImplementedError


class TrackingAllocator(Allocator):
    """An allocator that serves blocks from Python memory and counts what it sees.

    ``allocations``, ``frees``, ``live_bytes`` and ``peak_bytes`` tell what the library did;
    ``fail_after`` (None: never) makes the allocation after that many succeed fail, for
    out-of-memory tests in the style of SQLite's countdown allocator.
    """

    def __init__(self, fail_after=None):
        self._blocks = {}
        # Reentrant: the garbage collector can run inside alloc() (any Python allocation may start a
        # collection) and finalise an object whose context uses this allocator, which calls free()
        # on the same thread while alloc() holds the lock; a plain Lock deadlocked there (seen as a
        # hang of pytest -k simul).
        self._lock = threading.RLock()
        self.allocations = 0
        self.frees = 0
        self.failures = 0
        self.live_bytes = 0
        self.peak_bytes = 0
        self.fail_after = fail_after

    def alloc(self, size, align):
        with self._lock:
            if self.fail_after is not None and self.allocations >= self.fail_after:
                self.failures += 1
                return 0
            block = ffi.new("char[]", size + align)
            base = int(ffi.cast("uintptr_t", block))
            address = (base + align - 1) & ~(align - 1)
            self._blocks[address] = (block, size)
            self.allocations += 1
            self.live_bytes += size
            self.peak_bytes = max(self.peak_bytes, self.live_bytes)
            return address

    def free(self, address, size, align):
        with self._lock:
            block, known = self._blocks.pop(address)
            if known != size:
                raise AssertionError(f"free of {address:#x}: size {size}, allocated {known}")
            self.frees += 1
            self.live_bytes -= size

    @property
    def live_blocks(self):
        return len(self._blocks)


def _ctx_destroy(ptr):
    lib.hedge_context_destroy(ptr)


class Context:
    """The library context: the allocator and log sink every object made from it uses.

    ``Context()`` uses the C library's allocator. ``Context(allocator=a)`` routes every allocation
    the library makes through ``a`` (an :class:`Allocator`); ``log`` is an optional callable
    ``log(level, message)`` for messages at or above ``log_level``.

    Objects keep their context alive: :meth:`close` (or leaving a ``with`` block) releases this
    object's hold, and the C context is destroyed once every object made from it is closed or
    collected, as the C contract requires.
    """

    def __init__(self, allocator=None, log=None, log_level=LogLevel.WARN):
        opts = ffi.new("hedge_context_options *")
        lib.hedge_context_options_init(opts)
        self._callbacks = []
        # what a failing Python allocator raised; a list, not self, so no callback refers back to
        # this object (the C context's destructor holds the callbacks)
        self._pending = []
        if allocator is not None:
            self._add_allocator(opts, allocator)
        if log is not None:
            def on_log(user, level, message):
                log(LogLevel(level), ffi.string(message).decode(errors="replace"))
            cb = ffi.callback("hedge_log_fn", on_log)
            self._callbacks.append(cb)
            opts.log = cb
        opts.log_level = int(log_level)
        out = ffi.new("hedge_context **")
        check(lib.hedge_context_create(out, opts))
        # The callbacks must live as long as the C context: the destructor closure holds them.
        callbacks = self._callbacks
        # Looked up now, not in the finalizer: the first lookup of a lib attribute takes cffi's lock,
        # and a collection can run the finalizer while this thread holds that lock inside ffi.new()
        # (parsing a type allocates): the finalizer then waits for itself (seen as a hang of
        # pytest -k simul). Handle does the same for its destroy function.
        destroy_context = lib.hedge_context_destroy

        def destroy(ptr, _keep=callbacks):
            destroy_context(ptr)
        self._ptr = ffi.gc(out[0], destroy)
        self.allocator = allocator

    def _add_allocator(self, opts, allocator):
        # An exception inside a callback cannot cross the C frames: it becomes a failed allocation
        # (NULL), which the library reports as HEDGE_ERR_NOMEM, and is re-raised from that.
        pending = self._pending

        def remember(exc, value, tb):
            pending.append(value)

        def alloc(user, size, align):
            return ffi.cast("void *", allocator.alloc(size, align) or 0)

        def free(user, ptr, size, align):
            allocator.free(int(ffi.cast("uintptr_t", ptr)), size, align)

        a = ffi.callback("hedge_alloc_fn", alloc, onerror=remember)
        f = ffi.callback("hedge_free_fn", free, onerror=remember)
        self._callbacks += [a, f]
        opts.alloc, opts.free = a, f
        if hasattr(allocator, "realloc"):
            def realloc(user, ptr, old, new, align):
                return ffi.cast("void *", allocator.realloc(int(ffi.cast("uintptr_t", ptr)), old, new, align) or 0)
            r = ffi.callback("hedge_realloc_fn", realloc, onerror=remember)
            self._callbacks.append(r)
            opts.realloc = r

    @property
    def ptr(self):
        if self._ptr is None:
            raise ValueError("the context is closed")
        return self._ptr

    def log(self, level, message):
        """Sends a message through the context's log callback (if its level reaches the threshold)."""
        lib.hedge_context_log(self.ptr, int(level), message.encode())

    def close(self):
        self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_default = None
_default_lock = threading.Lock()


def default_context():
    """The context used when none is given: the C library's allocator, no logging."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Context()
        return _default


def _ctx(ctx):
    return default_context() if ctx is None else ctx


class Handle:
    """Base of the classes that own a libhedge object: ``close()`` or a ``with`` block releases it
    through its C destroy function (also done when the object is garbage-collected).

    ``_keep`` holds the C contexts (and anything else) the object's memory depends on, so that a
    context is never destroyed before the objects allocated from it.
    """

    _destroy = None  # name of the C function that releases one reference

    def __init__(self, ptr, keep):
        destroy = getattr(lib, self._destroy)

        # the same list as self._keep, so dependencies added later also outlive the object
        self._keep = list(keep)

        def release(p, _keep=self._keep):
            destroy(p)
        self._ptr = ffi.gc(ptr, release)

    @classmethod
    def _own(cls, ptr, keep, ctx=None):
        """An instance around a pointer the library handed out (no constructor runs): it releases
        ``ptr``, keeps ``keep`` alive, and remembers ``ctx`` (a Context) as ``_ctx`` when given."""
        self = cls.__new__(cls)
        Handle.__init__(self, ptr, keep)
        if ctx is not None:
            self._ctx = ctx
        return self

    @property
    def ptr(self):
        if self._ptr is None:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    @property
    def closed(self):
        return self._ptr is None

    def close(self):
        """Releases the C object now; further use raises ValueError. Closing twice is harmless."""
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None
            self._keep.clear()  # the contexts may go now

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def context_check(ctx, status):
    """check() for calls that allocate through ctx: an exception raised by a Python allocator is
    re-raised as the cause of the HEDGE_ERR_NOMEM it turned into."""
    pending = ctx._pending[-1] if ctx._pending else None
    ctx._pending.clear()
    if status != 0:
        err = error_for(status)
        if pending is not None:
            raise err from pending
        raise err
