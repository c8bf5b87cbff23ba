"""The hedging simulator (simulate.h): one European option position hedged along simulated or
historical price paths by a rebalancing :class:`~libhedge.Policy`, and the distribution of its
hedged P&L.

The experiment: ``quantity`` units of the underlying in a European option (strike K, expiry T
years, rate r) are bought (quantity > 0) or written (< 0) at time 0 at the Black-Scholes-Merton
value with the hedge vol. Time runs in ``steps`` equal steps dt = T / steps along a path
S_0 .. S_steps; at each step before expiry the policy looks at the net delta (position, hedge and
orders in flight), the net gamma, the spot, the hedge vol, r, the time left and the days since its
last trade, and when it says trade an order brings the net delta to its target. At expiry the hedge
is closed. The P&L of a path is discounted to time 0 at r, in USD: minus the premium paid, plus
the payoff, the hedge's gains, interest on the cash account, funding received, minus costs.

Path models (:class:`PathModel`): GBM (exact log-normal steps), Merton jump-diffusion (drift
compensated so that E[S_T] = S_0 e^{mu T}), Heston (full-truncation Euler), GARCH(1,1) (per-step
parameters) and replay of a historical series (one path, or every window of steps + 1 prices).

Units: prices in USD per unit of the underlying, quantities in units of the underlying, times in
years, rates, drift, volatilities and funding per year (continuously compounded), GARCH parameters
per step, costs as fractions of USD notional and USD.

Reproducibility and threads: path p draws from its own streams of a counter-based generator keyed
by the seed, so the statistics and the per-path P&L are bit-identical for any thread count, and
:func:`generate` writes the paths :func:`run` hedges, bit for bit. :func:`run` starts
``threads - 1`` worker threads inside the call (the GIL is released while C runs); the progress
callback is only called on the calling thread.
"""

import dataclasses
import enum
import os

import numpy as np

from ._core import Handle, OptionType, _ctx, _enum, _text, check, context_check, option_type as _option_type
from ._ffi import ffi, lib, new
from .rebalance import Policy


class PathModel(enum.IntEnum):
    """How price paths are generated (hedge_sim_model)."""
    GBM = 0     #: geometric Brownian motion, exact steps
    MERTON = 1  #: Merton jump-diffusion
    HESTON = 2  #: Heston stochastic volatility, full-truncation Euler
    GARCH = 3   #: GARCH(1,1) returns, parameters per step
    REPLAY = 4  #: a historical series of prices


class HedgeInstrument(enum.IntEnum):
    """The instrument that hedges the delta (hedge_sim_instrument)."""
    SPOT = 0       #: the underlying, financed at r
    PERPETUAL = 1  #: a linear perpetual paying funding
    OPTION = 2     #: a second option for gamma, plus spot for delta


_PATH_FIELDS = ("spot", "drift", "vol", "jump_intensity", "jump_mean", "jump_std", "kappa", "theta", "xi", "rho",
                "v0", "garch_omega", "garch_alpha", "garch_beta", "garch_var0")


@dataclasses.dataclass(frozen=True, eq=False)
class Paths:
    """A path model (hedge_sim_paths). Build it with :meth:`gbm`, :meth:`merton`, :meth:`heston`,
    :meth:`garch` or :meth:`replay`.

    spot: S_0, USD. drift: mu per year (real-world). vol: GBM and Merton diffusion volatility per
    sqrt(year). Merton: jump_intensity (jumps per year), jump_mean and jump_std (of the jump in
    ln S). Heston: kappa (mean reversion per year), theta (long-run variance per year), xi (vol of
    variance), rho (correlation in [-1, 1]), v0 (initial variance per year). GARCH: garch_omega,
    garch_alpha, garch_beta (per step), garch_var0 (initial per-step variance; 0: unconditional).
    Replay: prices (USD, each > 0, sampled every step; kept as a float64 numpy array, not copied
    when it already is one) and windows (every window of steps + 1 prices is a path, scaled to
    start at prices[0]; False: one path).
    """
    model: PathModel = PathModel.GBM
    spot: float = 0.0
    drift: float = 0.0
    vol: float = 0.0
    jump_intensity: float = 0.0
    jump_mean: float = 0.0
    jump_std: float = 0.0
    kappa: float = 0.0
    theta: float = 0.0
    xi: float = 0.0
    rho: float = 0.0
    v0: float = 0.0
    garch_omega: float = 0.0
    garch_alpha: float = 0.0
    garch_beta: float = 0.0
    garch_var0: float = 0.0
    prices: np.ndarray = None
    windows: bool = False

    def __post_init__(self):
        object.__setattr__(self, "model", _enum(PathModel, self.model))
        if self.prices is not None:
            a = np.ascontiguousarray(self.prices, dtype=np.float64)
            if a.ndim != 1:
                raise ValueError(f"prices: expected a 1-d array, got shape {a.shape}")
            object.__setattr__(self, "prices", a)

    @classmethod
    def gbm(cls, spot, vol, drift=0.0):
        """GBM: ln S_{i+1} = ln S_i + (drift - vol^2/2) dt + vol sqrt(dt) z."""
        return cls(PathModel.GBM, spot=spot, vol=vol, drift=drift)

    @classmethod
    def merton(cls, spot, vol, jump_intensity, jump_mean, jump_std, drift=0.0):
        """GBM plus compound Poisson jumps in ln S, N(jump_mean, jump_std^2) each, jump_intensity a year."""
        return cls(PathModel.MERTON, spot=spot, vol=vol, drift=drift, jump_intensity=jump_intensity,
                   jump_mean=jump_mean, jump_std=jump_std)

    @classmethod
    def heston(cls, spot, v0, kappa, theta, xi, rho, drift=0.0):
        """Heston: dS/S = drift dt + sqrt(v) dW1, dv = kappa (theta - v) dt + xi sqrt(v) dW2, corr rho."""
        return cls(PathModel.HESTON, spot=spot, drift=drift, v0=v0, kappa=kappa, theta=theta, xi=xi, rho=rho)

    @classmethod
    def garch(cls, spot, omega, alpha, beta, var0=0.0, drift=0.0):
        """GARCH(1,1) per-step log returns drift dt - h/2 + sqrt(h) z, h' = omega + alpha h z^2 + beta h."""
        return cls(PathModel.GARCH, spot=spot, drift=drift, garch_omega=omega, garch_alpha=alpha,
                   garch_beta=beta, garch_var0=var0)

    @classmethod
    def replay(cls, prices, windows=False):
        """A historical series sampled every step: one path, or every window of steps + 1 prices."""
        return cls(PathModel.REPLAY, prices=prices, windows=windows)

    def _to_c(self, keep):
        p = new("hedge_sim_paths")
        p.model = int(self.model)
        for f in _PATH_FIELDS:
            setattr(p, f, getattr(self, f))
        if self.prices is not None and self.prices.size:
            keep.append(self.prices)
            p.prices = ffi.cast("const double *", ffi.from_buffer(self.prices))
            p.n_prices = self.prices.size
        p.windows = int(bool(self.windows))
        return p

    @classmethod
    def _from_c(cls, p):
        prices = None
        if p.prices != ffi.NULL and p.n_prices:
            prices = np.frombuffer(ffi.buffer(p.prices, 8 * p.n_prices), dtype=np.float64).copy()
        return cls(PathModel(p.model), *[getattr(p, f) for f in _PATH_FIELDS], prices=prices,
                   windows=bool(p.windows))

    def count(self, steps):
        """Paths the model gives for ``steps`` steps when a run asks for 0: replay's windows
        (len(prices) - steps) or its one path; None for the random models (they need a number)."""
        if self.model != PathModel.REPLAY:
            return None
        n = 0 if self.prices is None else self.prices.size
        return max(n - steps, 0) if self.windows else 1


@dataclasses.dataclass(frozen=True)
class SimOption:
    """The hedged option position (hedge_sim_option).

    type: "call"/"put" (or an :class:`~libhedge.OptionType`). quantity: units of the underlying,
    > 0 long, < 0 written, not 0. strike: USD, > 0. expiry: T, years, > 0. hedge_vol: the
    volatility of prices and deltas per sqrt(year), > 0 (it need not be the paths'). rate: r,
    continuously compounded per year.
    """
    type: OptionType
    quantity: float
    strike: float
    expiry: float
    hedge_vol: float
    rate: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "type", _option_type(self.type))

    def _to_c(self):
        o = new("hedge_sim_option")
        o.type = int(self.type)
        o.quantity, o.strike, o.expiry, o.rate, o.hedge_vol = (self.quantity, self.strike, self.expiry, self.rate,
                                                                self.hedge_vol)
        return o

    @classmethod
    def _from_c(cls, o):
        return cls(OptionType(o.type), o.quantity, o.strike, o.expiry, o.hedge_vol, o.rate)


@dataclasses.dataclass(frozen=True)
class SimHedge:
    """The hedge: instrument, costs and latency (hedge_sim_hedge); the default is spot, no costs.

    instrument: a :class:`HedgeInstrument` (or its name). funding_rate: perpetual, funding per year
    as a fraction of the notional (longs pay when > 0). option_type, option_strike (USD),
    option_expiry (years, >= the position's): the gamma-hedging option. cost_rate: proportional
    cost, a fraction of the notional traded, in [0, 1). fixed_cost: USD per executed order (gas).
    latency_steps: steps between a decision and its execution, < steps.
    """
    instrument: HedgeInstrument = HedgeInstrument.SPOT
    funding_rate: float = 0.0
    option_type: OptionType = OptionType.CALL
    option_strike: float = 0.0
    option_expiry: float = 0.0
    cost_rate: float = 0.0
    fixed_cost: float = 0.0
    latency_steps: int = 0

    def __post_init__(self):
        object.__setattr__(self, "instrument", _enum(HedgeInstrument, self.instrument))
        object.__setattr__(self, "option_type", _option_type(self.option_type))

    @classmethod
    def spot(cls, cost_rate=0.0, fixed_cost=0.0, latency_steps=0):
        return cls(HedgeInstrument.SPOT, cost_rate=cost_rate, fixed_cost=fixed_cost, latency_steps=latency_steps)

    @classmethod
    def perpetual(cls, funding_rate, cost_rate=0.0, fixed_cost=0.0, latency_steps=0):
        return cls(HedgeInstrument.PERPETUAL, funding_rate=funding_rate, cost_rate=cost_rate, fixed_cost=fixed_cost,
                   latency_steps=latency_steps)

    @classmethod
    def option(cls, type, strike, expiry, cost_rate=0.0, fixed_cost=0.0, latency_steps=0):
        return cls(HedgeInstrument.OPTION, option_type=type, option_strike=strike, option_expiry=expiry,
                   cost_rate=cost_rate, fixed_cost=fixed_cost, latency_steps=latency_steps)

    def _to_c(self):
        h = new("hedge_sim_hedge")
        for f in dataclasses.fields(self):
            setattr(h, f.name, int(getattr(self, f.name)) if f.name in ("instrument", "option_type")
                    else getattr(self, f.name))
        return h

    @classmethod
    def _from_c(cls, h):
        return cls(HedgeInstrument(h.instrument), h.funding_rate, OptionType(h.option_type), h.option_strike,
                   h.option_expiry, h.cost_rate, h.fixed_cost, h.latency_steps)


@dataclasses.dataclass(frozen=True, eq=False)
class SimStats:
    """Statistics of the hedged P&L over the paths (hedge_sim_stats), USD discounted to time 0.

    paths: paths simulated. option_price: V_0, the BSM value of one unit with the hedge vol. mean,
    std (n - 1 denominator), worst, best: of the P&L. var95, cvar95, var99, cvar99: value at risk
    and expected shortfall as losses, as scenario_var defines them (the lower c quantile of the
    loss, and the Acerbi-Tasche mean of the loss quantile over (c, 1]). mean_cost: mean costs paid. mean_funding: mean funding
    received (negative: paid). mean_trades: executed orders per path, closing trades included.
    std_over_price: std / (|quantity| V_0), Hull's performance measure. pnl: the P&L of each path
    in path order (a numpy array), or None when not asked for.
    """
    paths: int
    option_price: float
    mean: float
    std: float
    var95: float
    cvar95: float
    var99: float
    cvar99: float
    worst: float
    best: float
    mean_cost: float
    mean_funding: float
    mean_trades: float
    std_over_price: float
    pnl: np.ndarray = None


_STATS_FIELDS = [f.name for f in dataclasses.fields(SimStats) if f.name != "pnl"]


def _progress_callback(progress, errors):
    """A C progress callback around progress(done, total): a true return value cancels, as the C
    contract's non-zero does. An exception (KeyboardInterrupt too) cancels the run and is kept in
    ``errors`` to be raised once the C call has returned: it cannot cross the C frames."""
    def on_progress(payload, done, total):
        try:
            return 1 if progress(done, total) else 0
        except BaseException as e:  # noqa: B036 - re-raised by run() after the C call
            errors.append(e)
            return 1
    return ffi.callback("hedge_sim_progress_fn", on_progress, error=1)


def run(paths, option, policy=None, hedge=None, *, n_paths=10000, steps=365, seed=1, threads=0, progress=None,
        pnl=True, ctx=None):
    """Simulates the hedged ``option`` (:class:`SimOption`) along ``paths`` (:class:`Paths`) under
    ``policy`` (a :class:`~libhedge.Policy`, default daily calendar) with ``hedge``
    (:class:`SimHedge`, default spot without costs), and returns its :class:`SimStats`.

    The policy's cost_rate and fixed_cost are what the policy assumes; the costs charged are the
    hedge's. n_paths: paths (replay: 0 for every path the series gives). steps: steps to expiry.
    seed: the generator's seed (any value up to 2^64 - 1). threads: threads used inside the call
    (0 or 1: the calling thread); the results do not depend on it. progress: an optional callable
    progress(done, total), called on the calling thread with the paths finished so far; returning
    a true value cancels the run, which then raises CancelledError, and an exception it raises
    cancels the run and is re-raised here. pnl: also return the P&L of every path (numpy array in
    ``SimStats.pnl``, written in place by the library). ctx: the context whose allocator serves the
    run's buffers.

    Raises InvalidArgumentError (an unknown model or rule, no paths or steps, a latency of steps or
    more, a replay series too short), DomainError (a number out of its range, named in the
    message; Leland's volatility for a long option hedged too often for its costs; a path whose
    spot overflows), CancelledError, NoMemoryError. Nothing is returned on failure.
    """
    ctx = _ctx(ctx)
    policy = Policy() if policy is None else policy
    hedge = SimHedge() if hedge is None else hedge
    keep = []
    cpaths = paths._to_c(keep)
    opts = new("hedge_sim_options")
    opts.paths, opts.steps, opts.seed, opts.threads = int(n_paths), int(steps), int(seed), int(threads)
    errors = []
    if progress is not None:
        cb = _progress_callback(progress, errors)
        keep.append(cb)
        opts.progress = cb
    count = int(n_paths) or (paths.count(int(steps)) or 0)
    out = np.empty(max(count, 1)) if pnl else None
    stats = new("hedge_sim_stats")
    status = lib.hedge_sim_run(stats, ffi.cast("double *", ffi.from_buffer(out)) if pnl else ffi.NULL,
                               out.size if pnl else 0, ctx.ptr, cpaths, option._to_c(), hedge._to_c(), policy._to_c(),
                               opts)
    if errors:
        # the callback's own exception (KeyboardInterrupt included) says more than the cancellation
        # it caused
        raise errors[0]
    context_check(ctx, status)
    values = {f: getattr(stats, f) for f in _STATS_FIELDS}
    return SimStats(**values, pnl=out[:stats.paths] if pnl else None)


def generate(paths, horizon, steps, *, seed=1, first_path=0, n_paths=1):
    """Price paths of a model, the ones :func:`run` hedges bit for bit (hedge_sim_generate).

    Returns an (n_paths, steps + 1) numpy array (written in place by the library), row j the path
    first_path + j, S_0 first, USD. horizon: years the steps span (the option's expiry in
    :func:`run`), > 0. seed: as in :func:`run`.
    """
    n_paths, steps = int(n_paths), int(steps)
    out = np.empty((n_paths, steps + 1))
    keep = []
    check(lib.hedge_sim_generate(ffi.cast("double *", ffi.from_buffer(out)) if out.size else ffi.NULL, out.size,
                                 paths._to_c(keep), float(horizon), steps, int(seed), int(first_path), n_paths))
    return out


class SimConfig(Handle):
    """A whole experiment read from the ``simulate`` member of a JSON document (hedge_sim_config,
    docs/json-format.md): path model, option, hedge and costs, run settings and several named
    policies to compare on the same paths. Immutable.

    Read it with :meth:`read_json`, :meth:`load_json` or :meth:`from_json`; its parts come out as
    this module's dataclasses, and :meth:`run` simulates one policy or all of them.
    """

    _destroy = "hedge_sim_config_destroy"

    @classmethod
    def read_json(cls, text, name=None, *, ctx=None):
        """The ``simulate`` member of a JSON document (str or bytes). ParseError messages start with
        name:line:column and the JSON pointer of the value; DomainError for a value out of range."""
        ctx = _ctx(ctx)
        data = text.encode() if isinstance(text, str) else bytes(text)
        out = ffi.new("hedge_sim_config **")
        context_check(ctx, lib.hedge_sim_config_read_json(out, ctx.ptr, data, len(data),
                                                          name.encode() if name else ffi.NULL))
        return cls._own(out[0], [ctx.ptr], ctx)

    @classmethod
    def load_json(cls, path, *, ctx=None):
        """As :meth:`read_json`, from a file (HedgeIOError if it cannot be read)."""
        ctx = _ctx(ctx)
        out = ffi.new("hedge_sim_config **")
        context_check(ctx, lib.hedge_sim_config_load_json(out, ctx.ptr, os.fsencode(path)))
        return cls._own(out[0], [ctx.ptr], ctx)

    @classmethod
    def from_json(cls, source, name=None, *, ctx=None):
        """:meth:`read_json` for JSON text (bytes, or a str starting with ``{``), else :meth:`load_json`."""
        if isinstance(source, (bytes, bytearray)) or (isinstance(source, str) and source.lstrip().startswith("{")):
            return cls.read_json(source, name, ctx=ctx)
        return cls.load_json(source, ctx=ctx)

    def _setup(self):
        s = new("hedge_sim_setup")
        check(lib.hedge_sim_config_setup(s, self.ptr))
        return s

    @property
    def paths(self):
        """The path model, :class:`Paths` (an inline replay series copied into it)."""
        return Paths._from_c(self._setup().paths)

    @property
    def option(self):
        """The position, :class:`SimOption`."""
        return SimOption._from_c(self._setup().option)

    @property
    def hedge(self):
        """The hedge instrument, costs and latency, :class:`SimHedge`."""
        return SimHedge._from_c(self._setup().hedge)

    @property
    def settings(self):
        """The run settings as a dict: n_paths, steps, seed, threads (the keywords of :func:`run`)."""
        o = self._setup().options
        return {"n_paths": o.paths, "steps": o.steps, "seed": o.seed, "threads": o.threads}

    @property
    def replay_csv(self):
        """Replay: the CSV file the config names (as written there; the caller loads it), or None."""
        return _text(self._setup().replay_csv)

    @property
    def replay_column(self):
        """Replay: the CSV column of prices, or None."""
        return _text(self._setup().replay_column)

    @property
    def policies(self):
        """The policies to compare, as a list of (name, :class:`~libhedge.Policy`)."""
        out = []
        for i in range(self._setup().n_policies):
            p = new("hedge_rebalance_policy")
            name = ffi.new("const char **")
            check(lib.hedge_sim_config_policy(p, name, self.ptr, i))
            out.append((_text(name[0]), Policy._from_c(p)))
        return out

    def run(self, policy=None, *, prices=None, progress=None, pnl=True, **settings):
        """Runs the experiment: with ``policy`` None, every policy on the same paths, returning
        {name: SimStats} in the config's order; with a policy name (or index), that one's
        :class:`SimStats`. prices: the series of a replay config that names a CSV file (the caller
        loads it). settings override the config's run settings (n_paths, steps, seed, threads);
        progress and pnl are as in :func:`run`."""
        paths = self.paths
        if prices is not None:
            paths = dataclasses.replace(paths, prices=prices)
        kw = {**self.settings, **settings}
        named = self.policies
        if policy is None:
            return {name: run(paths, self.option, p, self.hedge, progress=progress, pnl=pnl, ctx=self._ctx, **kw)
                    for name, p in named}
        if isinstance(policy, int):
            chosen = named[policy][1]
        else:
            found = [p for name, p in named if name == policy]
            if not found:
                raise KeyError(policy)
            chosen = found[0]
        return run(paths, self.option, chosen, self.hedge, progress=progress, pnl=pnl, ctx=self._ctx, **kw)


# The package exports them as run_simulation and generate_paths: "run" and "generate" alone would
# say nothing at the top level of libhedge.
run_simulation = run
generate_paths = generate

__all__ = ["PathModel", "HedgeInstrument", "Paths", "SimOption", "SimHedge", "SimStats", "run_simulation",
           "generate_paths", "SimConfig"]
