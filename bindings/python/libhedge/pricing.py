"""Pricing kernels and implied volatility: scalar functions and numpy batch forms.

Units (pricing.h): times in years (ACT/365), rates and yields continuously compounded per year as
fractions (0.05 = 5%), volatility per sqrt(year) as a fraction (0.6 = 60%), prices in the strike
currency per unit of underlying. Greeks are plain partial derivatives: vega per 1.00 of volatility,
theta per year of calendar time, rho per 1.00 of rate. ``greeks_to_market_units`` converts to
per-point, per-day and per-basis-point units.
"""

import dataclasses

import numpy as np

from ._core import check, error_for, option_type, settlement
from ._ffi import ffi, lib, new


@dataclasses.dataclass(frozen=True)
class Greeks:
    """Value and Greeks of one option (hedge_greeks), in the units of the module docstring.

    price: value, strike currency per unit of underlying; delta dV/dS (dV/dF for Black-76 and
    inverse); gamma d2V/dS2; vega dV/dsigma per 1.00 of vol; theta dV/dt per year; rho dV/dr per
    1.00 of rate; carry_rho dV/db; vanna d2V/dS dsigma; volga d2V/dsigma2; charm d(delta)/dt per
    year; veta d(vega)/dt per year; speed d3V/dS3; zomma d(gamma)/dsigma; color d(gamma)/dt per
    year; dual_delta dV/dK; dual_gamma d2V/dK2.
    """
    price: float
    delta: float
    gamma: float
    vega: float
    theta: float
    rho: float
    carry_rho: float
    vanna: float
    volga: float
    charm: float
    veta: float
    speed: float
    zomma: float
    color: float
    dual_delta: float
    dual_gamma: float

    @classmethod
    def _from_c(cls, g):
        return cls(**{f.name: getattr(g, f.name) for f in dataclasses.fields(cls)})

    def _to_c(self):
        g = new("hedge_greeks")
        for f in dataclasses.fields(self):
            setattr(g, f.name, getattr(self, f.name))
        return g

    def as_dict(self):
        return dataclasses.asdict(self)


def bsm_price(type, S, K, T, r, q, sigma):
    """Generalised Black-Scholes-Merton price of a European option (type "call"/"put" or +1/-1;
    spot S, strike K, T years, rate r, yield q, vol sigma), strike currency per unit."""
    out = ffi.new("double *")
    check(lib.hedge_bsm_price(out, option_type(type), S, K, T, r, q, sigma))
    return out[0]


def bsm_greeks(type, S, K, T, r, q, sigma):
    """Price and every Greek under generalised BSM (cost of carry b = r - q) as a :class:`Greeks`."""
    g = new("hedge_greeks")
    check(lib.hedge_bsm_greeks(g, option_type(type), S, K, T, r, q, sigma))
    return Greeks._from_c(g)


def black76_price(type, F, K, T, r, sigma):
    """Black-76 price of an option on a forward F, discounted at r."""
    out = ffi.new("double *")
    check(lib.hedge_black76_price(out, option_type(type), F, K, T, r, sigma))
    return out[0]


def black76_greeks(type, F, K, T, r, sigma):
    """Black-76 price and Greeks; spot Greeks are with respect to F, and rho = -T V (F held)."""
    g = new("hedge_greeks")
    check(lib.hedge_black76_greeks(g, option_type(type), F, K, T, r, sigma))
    return Greeks._from_c(g)


def inverse_greeks(type, F, K, T, r_coin, sigma):
    """Inverse (coin-margined) option: value in coins per coin of notional and its Greeks in coin
    terms, with respect to the forward F in USD per coin."""
    g = new("hedge_greeks")
    check(lib.hedge_inverse_greeks(g, option_type(type), F, K, T, r_coin, sigma))
    return Greeks._from_c(g)


def inverse_delta_premium_adjusted(type, F, K, T, r_coin, sigma):
    """Premium-adjusted delta of an inverse option, coins per coin of notional."""
    out = ffi.new("double *")
    check(lib.hedge_inverse_delta_premium_adjusted(out, option_type(type), F, K, T, r_coin, sigma))
    return out[0]


def greeks_to_market_units(greeks, days_per_year=365.0):
    """Greeks in traders' units: vega, vanna, zomma per vol point; volga per point squared; theta,
    charm, color per day; veta per point per day; rho and carry_rho per basis point."""
    g = greeks._to_c()
    check(lib.hedge_greeks_to_market_units(g, days_per_year))
    return Greeks._from_c(g)


@dataclasses.dataclass(frozen=True)
class FutureRisk:
    """A futures or perpetual position at a mark: value (P&L since entry, USD linear or coins
    inverse), delta in contracts, coins and USD, and the coins one contract adds."""
    value: float
    delta_contracts: float
    delta_coin: float
    delta_usd: float
    coin_per_contract: float


def future_risk(settlement_, multiplier, quantity, entry, mark):
    """Value and deltas of a dated future or perpetual position (see FutureRisk). multiplier is
    coins per contract (linear) or USD face value per contract (inverse); prices USD per coin."""
    out = new("hedge_future_risk")
    check(lib.hedge_future_risk_eval(out, settlement(settlement_), multiplier, quantity, entry, mark))
    return FutureRisk(out.value, out.delta_contracts, out.delta_coin, out.delta_usd, out.coin_per_contract)


def perpetual_funding(settlement_, multiplier, quantity, mark, funding_rate, interval_hours=8.0, horizon_hours=8.0):
    """Funding received (negative: paid) over horizon_hours in the settlement currency, at
    funding_rate per interval of interval_hours (longs pay when the rate is positive)."""
    out = ffi.new("double *")
    check(lib.hedge_perpetual_funding(out, settlement(settlement_), multiplier, quantity, mark, funding_rate,
                                      interval_hours, horizon_hours))
    return out[0]


def implied_vol_bsm(type, price, S, K, T, r, q):
    """BSM implied volatility (per sqrt(year)) of a price in the strike currency.
    Raises PriceBoundsError outside the no-arbitrage bounds."""
    out = ffi.new("double *")
    check(lib.hedge_implied_vol_bsm(out, option_type(type), price, S, K, T, r, q))
    return out[0]


def implied_vol_black76(type, price, F, K, T, r):
    """Black-76 implied volatility of a discounted price."""
    out = ffi.new("double *")
    check(lib.hedge_implied_vol_black76(out, option_type(type), price, F, K, T, r))
    return out[0]


def implied_vol_inverse(type, price_coin, F, K, T, r_coin=0.0):
    """Implied volatility of an inverse option from its premium in coins per coin of notional."""
    out = ffi.new("double *")
    check(lib.hedge_implied_vol_inverse(out, option_type(type), price_coin, F, K, T, r_coin))
    return out[0]


# ---- batch forms -------------------------------------------------------------------------------

def _types(type):
    if isinstance(type, str):
        return np.int32(option_type(type))
    arr = np.asarray(type)
    if arr.dtype.kind in "OU":
        return np.vectorize(lambda t: int(option_type(t)), otypes=[np.int32])(arr)
    # numbers are passed as int32: anything that would not survive the conversion (2**32 + 1 would
    # become a call, 1.5 a call too) is refused here rather than priced as something else
    if arr.dtype != np.int32 and not np.array_equal(arr.astype(np.int32), arr):
        raise ValueError("option types are +1 (call) or -1 (put), got values that are not 32-bit integers")
    return arr


def _broadcast(type, *values):
    """Inputs broadcast to one shape, flattened; contiguous float64 (int32 for types) arrays of
    that shape come through unchanged."""
    t = _types(type)
    shape = np.broadcast_shapes(np.shape(t), *(np.shape(v) for v in values))
    ins = []
    for v, dt in [(t, np.int32)] + [(v, np.float64) for v in values]:
        a = np.asarray(v)
        if a.shape != shape:
            a = np.broadcast_to(a, shape)
        arr = np.ascontiguousarray(a, dtype=dt).reshape(-1)
        ins.append(arr)
    return shape, ins


def _ptr(arr, ctype):
    return ffi.cast(ctype, ffi.from_buffer(arr)) if arr.size else ffi.NULL


@dataclasses.dataclass
class BatchGreeks:
    """Arrays of a batch pricing call, in the shape of the broadcast inputs. Elements that failed
    are NaN in every array and carry their status (a Status value) in ``status``."""
    price: np.ndarray
    delta: np.ndarray
    gamma: np.ndarray
    vega: np.ndarray
    theta: np.ndarray
    rho: np.ndarray
    status: np.ndarray


_OUTPUTS = ("price", "delta", "gamma", "vega", "theta", "rho")


def _batch_out(n, shape, out):
    res = {}
    for name in _OUTPUTS:
        a = out.get(name) if out else None
        if a is None:
            a = np.empty(shape, np.float64)
        elif a.dtype != np.float64 or not a.flags.c_contiguous or a.shape != shape:
            raise ValueError(f"out[{name!r}] must be a C-contiguous float64 array of shape {shape}")
        res[name] = a
    st = np.empty(shape, np.int32)
    arrays = new("hedge_greeks_arrays")
    for name in _OUTPUTS:
        setattr(arrays, name, _ptr(res[name], "double *"))
    arrays.status = _ptr(st, "hedge_status *")
    return arrays, BatchGreeks(status=st, **res)


def _finish(status, result, errors):
    if status != 0:
        err = error_for(status)
        if errors == "raise":
            err.result = result
            raise err
    return result


def bsm_greeks_batch(type, S, K, T, r, q, sigma, *, out=None, errors="raise"):
    """Generalised BSM price, delta, gamma, vega, theta and rho of many options (SIMD kernels).

    Inputs broadcast against each other (scalars are fine). C-contiguous float64 arrays (int32 for
    ``type``, +1 call / -1 put) of the common shape are read in place without a copy. ``out`` may
    give preallocated float64 arrays by name ("price", "delta", ...), written in place.
    ``errors="raise"`` raises the first invalid element's HedgeError (with the computed arrays as
    ``.result``); ``errors="ignore"`` returns NaN and the per-element ``status`` instead.
    """
    shape, (t, s, k, tt, rr, qq, v) = _broadcast(type, S, K, T, r, q, sigma)
    arrays, res = _batch_out(t.size, shape, out)
    st = lib.hedge_bsm_greeks_batch(t.size, _ptr(t, "int32_t *"), _ptr(s, "double *"), _ptr(k, "double *"),
                                    _ptr(tt, "double *"), _ptr(rr, "double *"), _ptr(qq, "double *"),
                                    _ptr(v, "double *"), arrays)
    return _finish(st, res, errors)


def black76_greeks_batch(type, F, K, T, r, sigma, *, out=None, errors="raise"):
    """Black-76 form of :func:`bsm_greeks_batch` (forwards F; delta and gamma with respect to F)."""
    shape, (t, f, k, tt, rr, v) = _broadcast(type, F, K, T, r, sigma)
    arrays, res = _batch_out(t.size, shape, out)
    st = lib.hedge_black76_greeks_batch(t.size, _ptr(t, "int32_t *"), _ptr(f, "double *"), _ptr(k, "double *"),
                                        _ptr(tt, "double *"), _ptr(rr, "double *"), _ptr(v, "double *"), arrays)
    return _finish(st, res, errors)


def _iv_batch(fn, type, price, X, K, T, r, q, errors):
    vals = (price, X, K, T, r) if q is None else (price, X, K, T, r, q)
    shape, ins = _broadcast(type, *vals)
    sigma = np.empty(shape, np.float64)
    status = np.empty(shape, np.int32)
    ptrs = [_ptr(ins[0], "int32_t *")] + [_ptr(a, "double *") for a in ins[1:]]
    st = fn(ins[0].size, *ptrs, _ptr(sigma, "double *"), _ptr(status, "hedge_status *"))
    return _finish(st, (sigma, status), errors)


def implied_vol_bsm_batch(type, price, S, K, T, r, q, *, errors="raise"):
    """BSM implied volatilities of many prices; returns (sigma, status) arrays. Broadcasting, no-copy
    inputs and ``errors`` as in :func:`bsm_greeks_batch` (failed elements are NaN)."""
    return _iv_batch(lib.hedge_implied_vol_bsm_batch, type, price, S, K, T, r, q, errors)


def implied_vol_black76_batch(type, price, F, K, T, r, *, errors="raise"):
    """Black-76 implied volatilities of many discounted prices; returns (sigma, status)."""
    return _iv_batch(lib.hedge_implied_vol_black76_batch, type, price, F, K, T, r, None, errors)


__all__ = [
    "Greeks", "FutureRisk", "BatchGreeks", "bsm_price", "bsm_greeks", "black76_price", "black76_greeks",
    "inverse_greeks", "inverse_delta_premium_adjusted", "greeks_to_market_units", "future_risk",
    "perpetual_funding", "implied_vol_bsm", "implied_vol_black76", "implied_vol_inverse", "bsm_greeks_batch",
    "black76_greeks_batch", "implied_vol_bsm_batch", "implied_vol_black76_batch",
]
