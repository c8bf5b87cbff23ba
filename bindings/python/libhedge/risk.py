"""Portfolios, Greek aggregation, scenarios, margin and liquidation prices (portfolio.h, risk.h,
scenario.h, margin.h).

Units: quantities in contracts (signed); entry prices per unit of underlying in the instrument's
quote (coins for inverse options, USD per coin otherwise); every risk figure in USD unless its
name says coin; vega per 1.00 of volatility, theta per year; cash gamma (gamma_usd) is the change
of delta_usd for a 1% rise of the spot; scenario P&L in USD per position, quantity applied.
"""

import dataclasses
import enum
import os

import numpy as np

from ._core import Handle, Status, _cstr, _ctx, _text, check, context_check, error_for, settlement
from ._ffi import ffi, lib, new
from .market import Instrument


@dataclasses.dataclass(frozen=True)
class Position:
    """A position read from a Portfolio: the instrument, contracts held and entry price."""
    instrument: Instrument
    quantity: float
    entry_price: float

    @property
    def symbol(self):
        return self.instrument.symbol


class Portfolio(Handle):
    """A mutable book of positions, at most one per instrument symbol. Thread-safe in C."""

    _destroy = "hedge_portfolio_destroy"

    def __init__(self, *, ctx=None):
        ctx = _ctx(ctx)
        out = ffi.new("hedge_portfolio **")
        context_check(ctx, lib.hedge_portfolio_create(out, ctx.ptr))
        super().__init__(out[0], [ctx.ptr])
        self._ctx = ctx

    @classmethod
    def read_json(cls, market, text, name=None, *, ctx=None):
        """The ``book`` of a market JSON document (symbols refer to ``market``'s instruments)."""
        ctx = _ctx(ctx)
        data = text.encode() if isinstance(text, str) else bytes(text)
        out = ffi.new("hedge_portfolio **")
        context_check(ctx, lib.hedge_portfolio_read_json(out, ctx.ptr, market.ptr, data, len(data),
                                                         name.encode() if name else ffi.NULL))
        return cls._own(out[0], [ctx.ptr, market.ptr], ctx)

    @classmethod
    def load_json(cls, market, path, *, ctx=None):
        ctx = _ctx(ctx)
        out = ffi.new("hedge_portfolio **")
        context_check(ctx, lib.hedge_portfolio_load_json(out, ctx.ptr, market.ptr, os.fsencode(path)))
        return cls._own(out[0], [ctx.ptr, market.ptr], ctx)

    def to_json(self, market):
        """Market and book as one JSON document."""
        length = ffi.new("size_t *")
        st = lib.hedge_portfolio_write_json(ffi.NULL, 0, length, market.ptr, self.ptr)
        if st not in (0, -13):
            check(st)
        buf = ffi.new("char[]", length[0] + 1)
        check(lib.hedge_portfolio_write_json(buf, length[0] + 1, length, market.ptr, self.ptr))
        return ffi.string(buf, length[0]).decode()

    def add(self, instrument, quantity, entry_price=0.0):
        """Adds a position in an instrument not held yet (ExistsError otherwise)."""
        pos = new("hedge_position")
        pos.instrument = instrument.ptr
        pos.quantity = quantity
        pos.entry_price = entry_price
        context_check(self._ctx, lib.hedge_portfolio_add(self.ptr, pos))
        # the portfolio now holds a reference to the instrument, allocated from its own context
        self._keep_alive(instrument)

    def _keep_alive(self, handle):
        for dep in handle._keep:
            if all(dep is not k for k in self._keep):
                self._keep.append(dep)

    def update(self, symbol, quantity, entry_price=0.0):
        check(lib.hedge_portfolio_update(self.ptr, symbol.encode(), quantity, entry_price))

    def remove(self, symbol):
        check(lib.hedge_portfolio_remove(self.ptr, symbol.encode()))

    def _read(self, pos):
        inst = Instrument.__new__(Instrument)
        # hedge_portfolio_position/find handed us a reference: the Instrument owns it now
        Handle.__init__(inst, ffi.cast("hedge_instrument *", pos.instrument), self._keep)
        return Position(inst, pos.quantity, pos.entry_price)

    def find(self, symbol):
        """The position in an instrument; NotFoundError if the book does not hold it."""
        pos = new("hedge_position")
        check(lib.hedge_portfolio_find(pos, self.ptr, symbol.encode()))
        return self._read(pos)

    def __contains__(self, symbol):
        pos = new("hedge_position")
        st = lib.hedge_portfolio_find(pos, self.ptr, symbol.encode())
        if st == 0:
            lib.hedge_position_clear(pos)
            return True
        lib.hedge_error_clear()
        return False

    def __len__(self):
        return lib.hedge_portfolio_count(self.ptr)

    def position(self, index):
        pos = new("hedge_position")
        st = lib.hedge_portfolio_position(pos, self.ptr, index)
        if st == -6:
            raise IndexError(index)
        check(st)
        return self._read(pos)

    def __iter__(self):
        for i in range(len(self)):
            yield self.position(i)


class Breakdown(enum.IntEnum):
    UNDERLYING = 0
    EXPIRY = 1
    VENUE = 2
    POSITION = 3
    TENOR = 4


ROW_FIELDS = ("underlying", "venue", "symbol", "expiry_ms", "positions", "quantity", "spot", "value_usd",
              "delta_coin", "delta_usd", "gamma_coin", "gamma_usd", "vega_usd", "theta_usd", "beta_delta_usd",
              "beta_delta_ref", "tenor_days")

ROW_DTYPE = np.dtype([("underlying", "U31"), ("venue", "U31"), ("symbol", "U127"), ("expiry_ms", "i8"),
                      ("positions", "u8")] + [(f, "f8") for f in ROW_FIELDS[5:]])


def _row(r):
    return {f: (_text(getattr(r, f)) if f in ("underlying", "venue", "symbol") else getattr(r, f))
            for f in ROW_FIELDS}


class Risk(Handle):
    """A book's value and Greeks off a market, in total and by underlying, expiry, venue, tenor
    bucket or position (hedge_risk_compute). See the module docstring for the units."""

    _destroy = "hedge_risk_destroy"

    def __init__(self, portfolio, market, *, beta_reference=None, betas=None, per_position=False, tenor_days=None,
                 ctx=None):
        ctx = _ctx(ctx)
        keep = []
        opts = new("hedge_risk_options")
        opts.beta_reference = _cstr(beta_reference, keep)
        if betas:
            names = ffi.new("const char *[]", [_cstr(u, keep) for u in betas])
            vals = ffi.new("double[]", list(betas.values()))
            keep += [names, vals]
            opts.beta_underlyings, opts.betas, opts.n_betas = names, vals, len(betas)
        opts.per_position = 1 if per_position else 0
        if tenor_days is not None:
            td = ffi.new("double[]", list(tenor_days))
            keep.append(td)
            opts.tenor_days, opts.n_tenors = td, len(tenor_days)
        out = ffi.new("hedge_risk **")
        context_check(ctx, lib.hedge_risk_compute(out, ctx.ptr, portfolio.ptr, market.ptr, opts))
        super().__init__(out[0], [ctx.ptr])

    def total(self):
        """The whole-book row as a dict (USD figures summed over every underlying)."""
        r = new("hedge_risk_row")
        check(lib.hedge_risk_total(r, self.ptr))
        return _row(r)

    def rows(self, by="underlying"):
        """The rows of a breakdown ("underlying", "expiry", "venue", "position", "tenor") as dicts."""
        by = Breakdown[by.upper()] if isinstance(by, str) else Breakdown(by)
        out = []
        for i in range(lib.hedge_risk_row_count(self.ptr, by)):
            r = new("hedge_risk_row")
            check(lib.hedge_risk_row_get(r, self.ptr, by, i))
            out.append(_row(r))
        return out

    def table(self, by="underlying"):
        """The rows of a breakdown as a structured numpy array (dtype ROW_DTYPE; None strings as "")."""
        rows = self.rows(by)
        return np.array([tuple("" if v is None else v for v in (r[f] for f in ROW_FIELDS)) for r in rows],
                        dtype=ROW_DTYPE)


def pnl_explain(portfolio, before, after, underlying=None):
    """What moved the book's USD value from market ``before`` to ``after``: a dict of actual,
    delta, gamma, vega, theta, funding and residual, USD."""
    e = new("hedge_pnl_explain")
    check(lib.hedge_pnl_explain_compute(e, portfolio.ptr, before.ptr, after.ptr,
                                        underlying.encode() if underlying else ffi.NULL))
    return {f: getattr(e, f) for f in ("actual", "delta", "gamma", "vega", "theta", "funding", "residual")}


def aggregate_columns(bucket, columns, n_buckets, sums=None):
    """Sums per-position figures into buckets with the C kernel: sums[b, c] += columns[c][i] for
    every i with bucket[i] == b. Columns are float64 arrays read in place when contiguous; the
    order of additions is unspecified (results can differ from a plain loop by rounding). Bucket
    ids of any integer dtype are accepted when they fit in 32 bits unsigned (else ValueError, not a
    silent wrap into another bucket); ids of n_buckets or more raise InvalidArgumentError."""
    ids = np.asarray(bucket)
    if not (np.issubdtype(ids.dtype, np.integer) or (ids.size == 0 and ids.dtype == np.float64)):
        raise TypeError("bucket ids must be integers, got %s" % ids.dtype)
    if ids.dtype != np.uint32 and ids.size and (int(ids.min()) < 0 or int(ids.max()) > 0xFFFFFFFF):
        raise ValueError("bucket ids must lie in [0, 2**32)")
    bucket = np.ascontiguousarray(ids, np.uint32)
    cols = [np.ascontiguousarray(c, np.float64) for c in columns]
    if any(c.shape != bucket.shape for c in cols):
        raise ValueError("every column needs one figure per position")
    if sums is None:
        sums = np.zeros((n_buckets, len(cols)), np.float64)
    elif sums.shape != (n_buckets, len(cols)) or sums.dtype != np.float64 or not sums.flags.c_contiguous:
        raise ValueError("sums must be a C-contiguous float64 array of shape (n_buckets, n_columns)")
    ptrs = ffi.new("const double *[]", [ffi.cast("double *", ffi.from_buffer(c)) for c in cols] or 1)
    check(lib.hedge_aggregate_columns(bucket.size, ffi.cast("uint32_t *", ffi.from_buffer(bucket)), ptrs, len(cols),
                                      ffi.cast("double *", ffi.from_buffer(sums)), n_buckets))
    return sums


# ---- scenarios ---------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Shift:
    """The move of one underlying (None: every underlying without its own shift): spot relative
    (0.1 = +10%), vol relative and absolute (sigma' = max(sigma (1 + vol_rel) + vol_abs, 0))."""
    underlying: str = None
    spot: float = 0.0
    vol_rel: float = 0.0
    vol_abs: float = 0.0


@dataclasses.dataclass(frozen=True)
class Scenario:
    """Shifts per underlying and calendar days forward (ACT/365)."""
    shifts: tuple = ()
    days: float = 0.0


def scenario_grid(spot_range=0.16, spot_steps=8, vol_moves=(-0.3, 0.0, 0.45), days=0.0):
    """A spot x vol grid for every underlying: scenario i * len(vol_moves) + j is spot move i (from
    -spot_range to +spot_range in 2 spot_steps steps) with relative vol move j."""
    vm = ffi.new("double[]", list(vol_moves))
    count = ffi.new("size_t *")
    st = lib.hedge_scenario_grid(ffi.NULL, ffi.NULL, 0, count, spot_range, spot_steps, vm, len(vol_moves), days)
    if st not in (0, -13):
        check(st)
    sc = ffi.new("hedge_scenario[]", count[0])
    sh = ffi.new("hedge_shift[]", count[0])
    check(lib.hedge_scenario_grid(sc, sh, count[0], count, spot_range, spot_steps, vm, len(vol_moves), days))
    return [Scenario((Shift(None, sh[i].spot, sh[i].vol_rel, sh[i].vol_abs),), sc[i].days) for i in range(count[0])]


_SHIFT_DTYPE = np.dtype([("underlying", np.uintp), ("spot", np.float64), ("vol_rel", np.float64),
                         ("vol_abs", np.float64)])


def _doubles(a, name, ndim):
    """a as a C-contiguous float64 array of ndim dimensions (a copy only when needed)."""
    arr = np.ascontiguousarray(a, dtype=np.float64)
    if arr.ndim != ndim:
        raise error_for(Status.INVALID_ARG, f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    return arr


def _ptr(arr):
    return ffi.cast("double *", ffi.from_buffer(arr)) if arr.size else ffi.NULL


def _names(underlyings, keep):
    names = [str(u) for u in underlyings]
    arr = ffi.new("const char *[]", [_cstr(u, keep) for u in names] or [ffi.NULL])
    return names, arr


def _scenario_output(sh, n, names, days, as_arrays):
    """The C shifts as Scenario objects, or as (spot, vol_abs) arrays of shape (n, len(names))."""
    if sh is None or n == 0:
        raw = np.zeros(0, _SHIFT_DTYPE)
    else:
        raw = np.frombuffer(ffi.buffer(sh, n * len(names) * ffi.sizeof("hedge_shift")), _SHIFT_DTYPE)
    assert _SHIFT_DTYPE.itemsize == ffi.sizeof("hedge_shift")
    spot = raw["spot"].reshape(n, len(names)).copy()
    vol_abs = raw["vol_abs"].reshape(n, len(names)).copy()
    if as_arrays:
        return spot, vol_abs
    return [Scenario(tuple(Shift(u, float(spot[k, j]), 0.0, float(vol_abs[k, j])) for j, u in enumerate(names)),
                     float(days)) for k in range(n)]


def historical_scenarios(underlyings, prices, horizon=1, vols=None, days=0.0, *, as_arrays=False):
    """Joint scenarios from a price history (hedge_scenario_historical).

    prices: array of shape (n_obs, len(underlyings)), oldest row first, > 0. Scenario t moves
    underlying u by prices[t + horizon, u] / prices[t, u] - 1 (overlapping windows, t = 0 ..
    n_obs - horizon - 1) and, with vols (ATM vols as fractions, same shape), its vols by the absolute
    vols[t + horizon, u] - vols[t, u]; each scenario moves time by days (ACT/365).
    Returns a list of :class:`Scenario` for :func:`run_scenarios`, or with as_arrays=True the
    arrays (spot, vol_abs), each of shape (n_obs - horizon, len(underlyings))."""
    keep = []
    names, c_names = _names(underlyings, keep)
    S = _doubles(prices, "prices", 2)
    if S.shape[1] != len(names):
        raise error_for(Status.INVALID_ARG, f"prices has {S.shape[1]} columns for {len(names)} underlyings")
    V = None
    if vols is not None:
        V = _doubles(vols, "vols", 2)
        if V.shape != S.shape:
            raise error_for(Status.INVALID_ARG, f"vols has shape {V.shape}, prices {S.shape}")
    count = ffi.new("size_t *")
    args = (c_names, len(names), _ptr(S), ffi.NULL if V is None else _ptr(V), S.shape[0], int(horizon), float(days))
    st = lib.hedge_scenario_historical(ffi.NULL, ffi.NULL, 0, count, *args)
    if st != -13:  # HEDGE_ERR_BUFFER_TOO_SMALL is the size query's answer
        check(st)
    n = count[0]
    sc = ffi.new("hedge_scenario[]", max(n, 1))
    sh = ffi.new("hedge_shift[]", max(n * len(names), 1))
    check(lib.hedge_scenario_historical(sc, sh, n, count, *args))
    return _scenario_output(sh, n, names, days, as_arrays)


def sample_scenarios(underlyings, vols, correlation, days, n, seed=0, k_begin=0, *, as_arrays=False):
    """n joint lognormal spot scenarios (hedge_scenario_sample): underlying u moves by
    exp(-vols[u]^2 t / 2 + vols[u] sqrt(t) Z_u) - 1 with t = days / 365 and Z ~ N(0, correlation),
    so the expected move is 0; vols annualised fractions; correlation a symmetric PSD matrix with
    unit diagonal (a singular one is accepted). Scenario number k_begin + k depends only on (seed,
    its number): chunks made with k_begin concatenate to one call's result exactly.
    Returns a list of :class:`Scenario`, or with as_arrays=True the arrays (spot, vol_abs) of shape
    (n, len(underlyings)) (vol_abs is all zeros)."""
    keep = []
    names, c_names = _names(underlyings, keep)
    v = _doubles(vols, "vols", 1)
    c = _doubles(correlation, "correlation", 2)
    if v.shape != (len(names),) or c.shape != (len(names), len(names)):
        raise error_for(Status.INVALID_ARG, f"{len(names)} underlyings need as many vols and a square correlation "
                                            f"of that size, got {v.shape} and {c.shape}")
    n = int(n)
    m = len(names)
    ws = ffi.new("double[]", max(m * (m + 1), 1))
    sc = ffi.new("hedge_scenario[]", max(n, 1))
    sh = ffi.new("hedge_shift[]", max(n * m, 1))
    check(lib.hedge_scenario_sample(sc, sh, n, c_names, m, _ptr(v), _ptr(c), float(days), int(seed), int(k_begin),
                                    ws, m * (m + 1)))
    return _scenario_output(sh, n, names, days, as_arrays)


def scenario_var(pnl, level=0.99, probabilities=None):
    """(VaR, ES) of a P&L sample at the confidence level (hedge_scenario_var), as losses (positive is
    a loss, in the P&L's unit). VaR is the lower level-quantile of the loss -pnl; ES is Acerbi and
    Tasche's expected shortfall, 1/(1 - level) times the integral of the loss quantile over
    (level, 1), which counts only the part of an atom at VaR beyond the level. probabilities: one
    per value, >= 0, summing to 1 within 1e-9; None for equal weights."""
    x = _doubles(pnl, "pnl", 1)
    p = None
    if probabilities is not None:
        p = _doubles(probabilities, "probabilities", 1)
        if p.shape != x.shape:
            raise error_for(Status.INVALID_ARG, f"{x.size} P&L values but {p.size} probabilities")
    var, es = ffi.new("double *"), ffi.new("double *")
    ws = ffi.new("double[]", max(2 * x.size, 1))
    check(lib.hedge_scenario_var(var, es, _ptr(x), ffi.NULL if p is None else _ptr(p), x.size, float(level), ws,
                                 2 * x.size))
    return var[0], es[0]


class _MatrixView:
    """Exposes the C matrix to numpy while keeping its owner alive (the array's .base)."""

    def __init__(self, owner, ptr, shape):
        self.owner = owner
        self.__array_interface__ = {"data": (int(ffi.cast("uintptr_t", ptr)), True), "shape": shape,
                                    "typestr": "<f8", "version": 3}


class ScenarioPnL(Handle):
    """A positions x scenarios P&L matrix in USD (hedge_scenarios_run)."""

    _destroy = "hedge_scenario_pnl_destroy"

    def __init__(self, portfolio, market, scenarios, *, threads=0, ctx=None):
        ctx = _ctx(ctx)
        scenarios = list(scenarios)
        keep = []
        sc = ffi.new("hedge_scenario[]", max(len(scenarios), 1))
        for c, s in zip(sc, scenarios):
            sh = ffi.new("hedge_shift[]", [(_cstr(h.underlying, keep), h.spot, h.vol_rel, h.vol_abs)
                                           for h in s.shifts] or 1)
            keep.append(sh)
            c.shifts, c.n_shifts, c.days = sh, len(s.shifts), s.days
        opts = new("hedge_scenario_options")
        opts.threads = threads
        out = ffi.new("hedge_scenario_pnl **")
        context_check(ctx, lib.hedge_scenarios_run(out, ctx.ptr, portfolio.ptr, market.ptr, sc, len(scenarios), opts))
        super().__init__(out[0], [ctx.ptr])

    @property
    def shape(self):
        return (lib.hedge_scenario_pnl_positions(self.ptr), lib.hedge_scenario_pnl_scenarios(self.ptr))

    def matrix(self, copy=True):
        """The P&L matrix, positions x scenarios, USD. copy=False returns a read-only view of the C
        memory, valid until close() (the view keeps this object from being collected)."""
        view = np.asarray(_MatrixView(self, lib.hedge_scenario_pnl_matrix(self.ptr), self.shape))
        return view.copy() if copy else view

    @property
    def symbols(self):
        return [_text(lib.hedge_scenario_pnl_symbol(self.ptr, i)) for i in range(self.shape[0])]

    def totals(self):
        """The book's P&L per scenario, USD (column sums added in position order)."""
        n = self.shape[1]
        out = np.empty(n, np.float64)
        check(lib.hedge_scenario_pnl_totals(ffi.cast("double *", ffi.from_buffer(out)), n, self.ptr))
        return out


def run_scenarios(portfolio, market, scenarios, *, threads=0, ctx=None):
    """Full revaluation of every position under every scenario; returns a ScenarioPnL."""
    return ScenarioPnL(portfolio, market, scenarios, threads=threads, ctx=ctx)


# ---- margin ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class MarginResult:
    """Scenario-grid portfolio margin, USD: margin = max(worst_loss + addon, 0); the worst
    scenario's relative spot and vol moves; the number of grid scenarios."""
    margin: float
    worst_loss: float
    addon: float
    worst_spot: float
    worst_vol: float
    scenarios: int


def portfolio_margin(portfolio, market, *, spot_range=0.16, spot_steps=8, vol_up=0.45, vol_down=0.30,
                     delta_addon=0.01, threads=0, ctx=None):
    """Portfolio margin of a book on a spot x vol grid (defaults: Deribit-like +-16%, vols x1.45/x0.70,
    1% delta add-on)."""
    ctx = _ctx(ctx)
    o = new("hedge_margin_options")
    o.spot_range, o.spot_steps, o.vol_up, o.vol_down, o.delta_addon, o.threads = (
        spot_range, spot_steps, vol_up, vol_down, delta_addon, threads)
    r = new("hedge_margin_result")
    context_check(ctx, lib.hedge_portfolio_margin(r, ctx.ptr, portfolio.ptr, market.ptr, o))
    return MarginResult(r.margin, r.worst_loss, r.addon, r.worst_spot, r.worst_vol, r.scenarios)


def liquidation_price(settlement_, multiplier, quantity, entry, collateral, mmr):
    """Isolated-margin liquidation price, USD per coin (inf or 0 when it cannot be liquidated).
    Collateral in the settlement currency; mmr the maintenance margin rate."""
    out = ffi.new("double *")
    check(lib.hedge_liquidation_price(out, settlement(settlement_), multiplier, quantity, entry, collateral, mmr))
    return out[0]


@dataclasses.dataclass(frozen=True)
class CrossPosition:
    """One futures or perpetual position of a cross-margin account."""
    settlement: str
    multiplier: float
    quantity: float
    entry: float
    mmr: float


def cross_liquidation_price(positions, collateral, mark):
    """Liquidation price of a cross-margin account of CrossPositions on one underlying."""
    positions = list(positions)
    arr = ffi.new("hedge_cross_position[]", [(settlement(p.settlement), p.multiplier, p.quantity, p.entry, p.mmr)
                                             for p in positions] or 1)
    out = ffi.new("double *")
    check(lib.hedge_cross_liquidation_price(out, arr, len(positions), collateral, mark))
    return out[0]


__all__ = ["Position", "Portfolio", "Breakdown", "Risk", "ROW_DTYPE", "pnl_explain", "aggregate_columns", "Shift",
           "Scenario", "scenario_grid", "historical_scenarios", "sample_scenarios", "scenario_var", "ScenarioPnL",
           "run_scenarios", "MarginResult", "portfolio_margin",
           "liquidation_price", "CrossPosition", "cross_liquidation_price"]
