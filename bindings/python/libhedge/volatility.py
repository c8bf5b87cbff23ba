"""Volatility forecasting (volatility.h): realised volatility from price bars, EWMA (RiskMetrics)
and GARCH(1,1) fitted by maximum likelihood, with its forecasts and a simulator.

Units: volatilities are annualised fractions (0.5 is 50% a year): a per-period variance v becomes
sqrt(periods_per_year v). ``periods_per_year`` is the number of bars or returns in a year: 365 for
daily crypto bars, 252 for daily equity bars, 8760 for hourly crypto bars. Returns are log returns
per period, ln(P_t / P_{t-1}). Variances that are not annualised (EWMA seeds, GARCH parameters and
forecasts) are per period, in squared log return.

Arrays go to C as they are when they are C-contiguous float64 (no copy), and outputs are numpy
arrays the library writes into. Every function is a pure function of its arguments, safe from any
thread; a failing call raises (InvalidArgumentError, DomainError with the library's message,
which names the first offending index) and returns nothing.
"""

import dataclasses
import enum

import numpy as np

from ._core import _enum, check
from ._ffi import ffi, lib, new


class VolEstimator(enum.IntEnum):
    """Realised-volatility estimators (hedge_vol_estimator), with the bars each reads and its minimum
    number of bars n. With o_i = ln(O_i / C_{i-1}), c_i = ln(C_i / O_i):"""
    CLOSE_TO_CLOSE = 0   #: sample variance of ln(C_i / C_{i-1}); close; n >= 3
    PARKINSON = 1        #: mean ln(H/L)^2 / (4 ln 2); high, low; n >= 1
    GARMAN_KLASS = 2     #: mean 0.5 ln(H/L)^2 - (2 ln 2 - 1) c^2; all four; n >= 1
    ROGERS_SATCHELL = 3  #: mean ln(H/C) ln(H/O) + ln(L/C) ln(L/O); all four; n >= 1
    YANG_ZHANG = 4       #: V_o + k V_c + (1 - k) V_rs over bars 1 .. n-1; all four; n >= 3


# the bars each estimator reads (the others are passed as NULL)
_USES = {
    VolEstimator.CLOSE_TO_CLOSE: ("close",),
    VolEstimator.PARKINSON: ("high", "low"),
    VolEstimator.GARMAN_KLASS: ("open", "high", "low", "close"),
    VolEstimator.ROGERS_SATCHELL: ("open", "high", "low", "close"),
    VolEstimator.YANG_ZHANG: ("open", "high", "low", "close"),
}


def _in(values, what, length=None):
    """values as a C-contiguous float64 array (the caller's own when it already is one) and a
    pointer to it."""
    a = np.ascontiguousarray(values, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{what}: expected a 1-d array, got shape {a.shape}")
    if length is not None and a.shape[0] != length:
        raise ValueError(f"{what}: expected {length} values, got {a.shape[0]}")
    return a, ffi.cast("const double *", ffi.from_buffer(a)) if a.size else ffi.NULL


def realized_vol(estimator, *, open=None, high=None, low=None, close=None, periods_per_year=365.0):
    """Annualised realised volatility of n price bars (hedge_realized_vol).

    estimator: a :class:`VolEstimator` or its name ("parkinson", "yang_zhang"...). open, high,
    low, close: n prices each (USD, > 0), as numpy arrays or sequences; only the ones the
    estimator reads are needed (see :class:`VolEstimator`) and the others are ignored.
    periods_per_year: bars per year (365 for daily crypto bars).

    Raises InvalidArgumentError when a needed array is missing or there are fewer bars than the
    estimator's minimum, DomainError for a price that is not > 0 and finite or a bar whose open or
    close lies outside [low, high] (the message names the index).
    """
    est = _enum(VolEstimator, estimator)
    given = {"open": open, "high": high, "low": low, "close": close}
    arrays, ptrs, n = [], {}, None
    for name in ("open", "high", "low", "close"):
        v = given[name]
        if name not in _USES[est] or v is None:
            ptrs[name] = ffi.NULL
            continue
        a, p = _in(v, name, n)
        n = a.shape[0]
        arrays.append(a)
        ptrs[name] = p
    vol = ffi.new("double *")
    check(lib.hedge_realized_vol(vol, est, ptrs["open"], ptrs["high"], ptrs["low"], ptrs["close"], n or 0,
                                 float(periods_per_year)))
    return vol[0]


def ewma_vol(returns, lam=0.94, *, initial_variance=0.0, periods_per_year=365.0, series=False):
    """EWMA (RiskMetrics) volatility forecast of n log returns (hedge_ewma_vol).

    The variance of return t given the ones before it is s2_1 = seed, s2_{t+1} = lam s2_t +
    (1 - lam) r_t^2 (returns not demeaned). Returns the annualised forecast for the period after
    the last return, sqrt(periods_per_year s2_{n+1}). lam: decay in (0, 1) (0.94 daily
    RiskMetrics). initial_variance: s2_1 per period (> 0), or 0 for the mean of the squares of the
    first min(n, 30) returns. With ``series=True`` returns (forecast, array of n annualised
    volatilities sqrt(periods_per_year s2_t)), the forecast of each return made before it.
    """
    r, rp = _in(returns, "returns")
    out = np.empty(r.shape[0]) if series else None
    vol = ffi.new("double *")
    check(lib.hedge_ewma_vol(vol, ffi.cast("double *", ffi.from_buffer(out)) if series and out.size else ffi.NULL,
                             rp, r.shape[0], float(lam), float(initial_variance), float(periods_per_year)))
    return (vol[0], out) if series else vol[0]


@dataclasses.dataclass(frozen=True)
class Garch:
    """A GARCH(1,1) model of per-period log returns (hedge_garch):
    r_t = mean + e_t, e_t = sqrt(h_t) z_t, h_{t+1} = omega + alpha e_t^2 + beta h_t.

    Made by :meth:`fit`, or by hand (``Garch(omega=..., alpha=..., beta=...)``) for the forecasts
    and the simulator. Variances per period (squared log return): omega > 0, alpha >= 0,
    beta >= 0 with alpha + beta < 1; mean: mean return per period. The fit also writes
    log_likelihood (Gaussian, with its ln 2 pi terms), next_variance (h_{n+1}, read by the
    forecasts), long_run_variance (omega / (1 - alpha - beta)), iterations, observations and
    converged (False when the fit stopped at max_iter; the best point found is kept).
    """
    omega: float
    alpha: float
    beta: float
    mean: float = 0.0
    log_likelihood: float = 0.0
    next_variance: float = 0.0
    long_run_variance: float = 0.0
    iterations: int = 0
    observations: int = 0
    converged: bool = False

    @property
    def persistence(self):
        """alpha + beta: how slowly a shock to the variance decays (per period)."""
        return self.alpha + self.beta

    def _to_c(self):
        m = new("hedge_garch")
        for f in dataclasses.fields(self):
            setattr(m, f.name, int(getattr(self, f.name)) if f.name == "converged" else getattr(self, f.name))
        return m

    @classmethod
    def _from_c(cls, m):
        return cls(**{f.name: bool(m.converged) if f.name == "converged" else getattr(m, f.name)
                      for f in dataclasses.fields(cls)})

    @classmethod
    def fit(cls, returns, *, tolerance=1e-7, max_iter=500, demean=True):
        """Fits the model to n >= 3 log returns by Gaussian maximum likelihood (hedge_garch_fit).

        demean: subtract the sample mean (else the mean is 0). tolerance: the fit stops when every
        component of the gradient of the mean log-likelihood in the unconstrained parameters is at
        most this. max_iter: most quasi-Newton iterations. A fit that does not converge is still
        returned, with ``converged`` False. DomainError for a non-finite return or residuals that
        are all 0.
        """
        r, rp = _in(returns, "returns")
        opts = new("hedge_garch_options")
        opts.tolerance, opts.max_iter, opts.demean = float(tolerance), int(max_iter), int(bool(demean))
        m = new("hedge_garch")
        check(lib.hedge_garch_fit(m, rp, r.shape[0], opts))
        return cls._from_c(m)

    def forecast_variance(self, steps=1):
        """Expected per-period variance ``steps`` periods ahead (hedge_garch_forecast_variance):
        V_L + (alpha + beta)^(k-1) (next_variance - V_L); steps = 1 gives next_variance itself.
        DomainError for a model without next_variance > 0 or one that is not stationary."""
        v = ffi.new("double *")
        check(lib.hedge_garch_forecast_variance(v, self._to_c(), int(steps)))
        return v[0]

    def forecast_vol(self, horizon, periods_per_year=365.0):
        """Average annualised volatility over the next ``horizon`` periods
        (hedge_garch_forecast_vol): sqrt(periods_per_year mean_{k=1..H} E h_{n+k}), the volatility
        to price an option expiring in H periods with."""
        v = ffi.new("double *")
        check(lib.hedge_garch_forecast_vol(v, self._to_c(), int(horizon), float(periods_per_year)))
        return v[0]

    def simulate(self, n, *, initial_variance=0.0, seed=1, stream=0):
        """Simulates n returns (hedge_garch_simulate) and returns (returns, variances), two numpy
        arrays of n: r_t = mean + sqrt(h_t) z_t, with h_1 = initial_variance (0: the long-run
        variance). The path is a pure function of the model, initial_variance, seed, stream and n
        (Philox counter-based generator): the same on any thread, and a longer path extends a
        shorter one. next_variance is not read."""
        n = int(n)
        returns, variances = np.empty(n), np.empty(n)
        check(lib.hedge_garch_simulate(ffi.cast("double *", ffi.from_buffer(returns)) if n else ffi.NULL,
                                       ffi.cast("double *", ffi.from_buffer(variances)) if n else ffi.NULL, n,
                                       self._to_c(), float(initial_variance), int(seed), int(stream)))
        return returns, variances


def garch_fit(returns, **options):
    """:meth:`Garch.fit`."""
    return Garch.fit(returns, **options)


__all__ = ["VolEstimator", "realized_vol", "ewma_vol", "Garch", "garch_fit"]
