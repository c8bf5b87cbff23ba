"""libhedge: derivatives pricing, Greek aggregation and risk, the constraint optimizer, the hedge
solver, rebalancing policies, volatility forecasting and the hedging simulator, over the C library
through cffi.

Units everywhere unless a docstring says otherwise: times in years (ACT/365), timestamps in ms
since the Unix epoch (UTC), rates continuously compounded per year, volatility per sqrt(year) as a
fraction, vega per 1.00 of volatility, theta per year, prices in the quote currency (USD) per unit
of underlying, quantities in contracts.
"""

from ._core import (Allocator, CancelledError, Context, DomainError, ExistsError, ExpiredError, HedgeError,
                    HedgeIOError, InstrumentKind, InvalidArgumentError, LogLevel, NoMemoryError, NotConvergedError,
                    NotFoundError, OptionType, ParseError, PriceBoundsError, Settlement, StaleError, StateError,
                    Status, TrackingAllocator, UnsupportedError, default_context, status_name, status_str)
from ._ffi import ffi, lib, library_path
from .hedging import *  # noqa: F401,F403
from .market import *  # noqa: F401,F403
from .optimize import *  # noqa: F401,F403
from .pricing import *  # noqa: F401,F403
from .rebalance import *  # noqa: F401,F403
from .risk import *  # noqa: F401,F403
from .simulate import *  # noqa: F401,F403
from .volatility import *  # noqa: F401,F403


def version():
    """The loaded library's version string, such as "0.1.0"."""
    return ffi.string(lib.hedge_version_string()).decode()


def capabilities():
    """Names of the capabilities of the loaded library on this machine (such as "json", "simd-avx2")."""
    caps = lib.hedge_capabilities()
    names = []
    for bit in range(64):
        if caps >> bit & 1:
            p = lib.hedge_capability_name(1 << bit)
            names.append(ffi.string(p).decode() if p != ffi.NULL else f"bit{bit}")
    return names
