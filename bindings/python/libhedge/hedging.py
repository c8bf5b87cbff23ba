"""The hedge solver (hedging.h): from a book, a market, candidate hedge instruments, costs and
limits to the trades that keep the book inside its limits at the lowest cost.

One decision per candidate: x_j, the contracts of candidate j bought (> 0) or sold (< 0). A
candidate is an instrument of the market traded on one venue at that venue's quote. The objective,
in USD::

    lambda/2 Var_s[B_s + sum_j x_j P_js]                       variance of the hedged P&L
    + sum_g weight_g/2 (G_g + sum_j x_j g_gj - target_g)^2     soft Greek targets
    + sum_j (fee_j + half_spread_j) |x_j| + impact_j x_j^2     trading costs
    + sum_j funding_j x_j + sum_j fixed_j [x_j != 0]           carry and fixed costs

with B_s the book's P&L (minus a benchmark's) in scenario s, P_js candidate j's P&L per contract,
lambda the risk aversion per USD. Hard limits: Greek bands, trade and position bounds, visible
depth, a premium budget, scenario margin within collateral, venue caps, allowed venues, buy-only.

Units: trades in contracts; costs, premium, P&L, VaR, margin in USD; Greeks as in risk.h (delta
in coins of the underlying or USD, cash gamma in USD of delta per 1% move, vega in USD per 1.00
of volatility, theta in USD per year); days are calendar days.

"No hedge meets the limits" is an outcome, not an error: :func:`solve` returns a :class:`Result`
whose status is PRIMAL_INFEASIBLE and whose :attr:`Result.limits` are the conflicting limits.
Failed calls raise :class:`~libhedge.HedgeError` subclasses carrying the status and the
library's message.

Threads: a Problem is changed by one thread at a time and may be solved by many at once while
nobody changes it; a Result is immutable.
"""

import dataclasses
import enum
import math
import os

from ._core import Handle, _cstr, _ctx, _enum, _text, check, context_check
from ._ffi import ffi, lib, new
from .optimize import SolveStatus, _solver_options
from .risk import _row

INF = math.inf


class Greek(enum.IntEnum):
    """The Greeks a target can address (risk.h's units)."""
    DELTA_COIN = 0  #: coins of one underlying (needs an underlying)
    DELTA_USD = 1   #: USD
    GAMMA_USD = 2   #: USD of delta per 1% move
    VEGA_USD = 3    #: USD per 1.00 of volatility
    THETA_USD = 4   #: USD per year


class LimitKind(enum.IntEnum):
    """What a :class:`LimitReport` is about; ``index`` means what the comment says."""
    GREEK = 0      #: a Greek band; index: the target's, in the order added
    BUDGET = 1     #: the premium budget
    MARGIN = 2     #: margin within collateral in one grid scenario; index: the scenario
    VENUE_CAP = 3  #: a venue's notional cap; index: the cap's
    POSITION = 4   #: an instrument's post-trade position bound; index: a candidate of it
    TRADE = 5      #: a candidate's trade bound, depth or buy-only; index: the candidate


# hedge_candidate fields with HEDGE_CANDIDATE_INIT's values (symbol and venue aside). Units: fee
# rates as fractions of the USD notional (0.0005 = 5 bp), fee_cap a fraction of the option premium,
# fee_usd and fixed_cost USD, impact USD per contract squared, sizes and bounds in contracts.
CANDIDATE_DEFAULTS = {
    "taker_fee": 0.0, "maker_fee": 0.0, "fee_cap": 0.0, "fee_usd": 0.0, "fixed_cost": 0.0, "impact": 0.0,
    "impact_from_book": False, "lot_size": 0.0, "min_size": 0.0, "min_trade": -INF, "max_trade": INF,
    "min_position": -INF, "max_position": INF, "buy_only": False,
}

_MARGIN_DEFAULTS = {"spot_range": 0.16, "spot_steps": 8, "vol_up": 0.45, "vol_down": 0.30, "delta_addon": 0.01,
                    "threads": 0}


class Problem(Handle):
    """A hedge problem: candidates, Greek targets, the objective and limits (not the book).

    Build one with the setters, or read the ``hedge`` member of a market JSON document with
    :meth:`from_json`. Solve it with :func:`solve` (or :meth:`solve`) against a book and a market.
    Each setter validates its input in C and changes nothing when it raises.
    """

    _destroy = "hedge_problem_destroy"

    def __init__(self, *, ctx=None):
        ctx = _ctx(ctx)
        out = ffi.new("hedge_problem **")
        context_check(ctx, lib.hedge_problem_create(out, ctx.ptr))
        super().__init__(out[0], [ctx.ptr])
        self._ctx = ctx

    @classmethod
    def read_json(cls, market, text, name=None, *, ctx=None):
        """The ``hedge`` member of a JSON document (str or bytes); benchmark symbols are looked up in
        ``market``. ParseError messages start with name:line:column."""
        ctx = _ctx(ctx)
        data = text.encode() if isinstance(text, str) else bytes(text)
        out = ffi.new("hedge_problem **")
        context_check(ctx, lib.hedge_problem_read_json(out, ctx.ptr, market.ptr, data, len(data),
                                                       name.encode() if name else ffi.NULL))
        return cls._own(out[0], [ctx.ptr, market.ptr], ctx)

    @classmethod
    def load_json(cls, market, path, *, ctx=None):
        """As :meth:`read_json`, from a file (HedgeIOError if it cannot be read)."""
        ctx = _ctx(ctx)
        out = ffi.new("hedge_problem **")
        context_check(ctx, lib.hedge_problem_load_json(out, ctx.ptr, market.ptr, os.fsencode(path)))
        return cls._own(out[0], [ctx.ptr, market.ptr], ctx)

    @classmethod
    def from_json(cls, market, source, name=None, *, ctx=None):
        """:meth:`read_json` for JSON text (bytes, or a str whose first non-blank character is
        ``{``), :meth:`load_json` for a path (os.PathLike or any other str)."""
        if isinstance(source, (bytes, bytearray)) or (isinstance(source, str) and source.lstrip().startswith("{")):
            return cls.read_json(market, source, name, ctx=ctx)
        return cls.load_json(market, source, ctx=ctx)

    def add_candidate(self, symbol, venue=None, **fields):
        """Adds a candidate: instrument ``symbol`` traded on ``venue`` (None: the instrument's own).

        Fields (defaults in CANDIDATE_DEFAULTS): taker_fee, maker_fee (fractions of the USD
        notional; maker negative for a rebate), fee_cap (options: fee at most this fraction of the
        premium; 0 none), fee_usd (flat USD per contract), fixed_cost (USD if traded at all; needs a
        MIP backend), impact (USD per contract squared), impact_from_book (fit impact to the quote's
        ladder), lot_size, min_size (contracts; need a MIP backend), min_trade, max_trade (contracts),
        min_position, max_position (post-trade position of the instrument, contracts), buy_only.
        The instrument is resolved against the market at solve time.
        """
        unknown = set(fields) - set(CANDIDATE_DEFAULTS)
        if unknown:
            raise TypeError(f"add_candidate: unknown field(s) {sorted(unknown)}")
        keep = []
        c = new("hedge_candidate")
        c.symbol = _cstr(symbol, keep)
        c.venue = _cstr(venue, keep)
        for key, default in CANDIDATE_DEFAULTS.items():
            value = fields.get(key, default)
            setattr(c, key, int(bool(value)) if isinstance(default, bool) else value)
        context_check(self._ctx, lib.hedge_problem_add_candidate(self.ptr, c))
        return self

    def add_target(self, greek, underlying=None, *, lo=-INF, hi=INF, target=0.0, weight=0.0, min_days=0.0,
                   max_days=INF):
        """Adds a hard band lo <= G <= hi and/or a soft target (penalty weight/2 (G - target)^2 USD,
        weight in USD per unit squared; 0: none) on the hedged Greek ``greek`` (a :class:`Greek`
        or its name, "delta_coin", ...), summed over the positions of ``underlying`` (None: the
        whole book; not with delta_coin) whose expiry lies in [min_days, max_days] days
        (perpetuals and spot count as 0 days)."""
        keep = []
        t = new("hedge_greek_target")
        t.greek = _enum(Greek, greek)
        t.underlying = _cstr(underlying, keep)
        t.min_days, t.max_days, t.lo, t.hi, t.target, t.weight = min_days, max_days, lo, hi, target, weight
        context_check(self._ctx, lib.hedge_problem_add_target(self.ptr, t))
        return self

    def set_objective(self, *, risk_aversion=0.0, horizon_days=1.0, scenarios=None, spot_points=21, vol_points=3,
                      vol_of_vol=1.0, benchmark=None, passive=False, var_confidence=0.99):
        """Replaces the objective's settings.

        risk_aversion: lambda per USD (0: no variance term). horizon_days: the hedge horizon in
        days (funding carry, generated scenarios). scenarios: :class:`~libhedge.Scenario` objects
        used as they are, equally weighted; None generates ``spot_points`` log-normal spot moves
        times ``vol_points`` relative vol moves of annual standard deviation ``vol_of_vol``.
        benchmark: positions the hedged book should track, as (Instrument, contracts) pairs or
        Positions. passive: orders rest at the touch (maker fees, no half-spread).
        var_confidence: confidence of the reported VaR and CVaR, in (0.5, 1).
        """
        keep = []
        o = new("hedge_objective")
        o.risk_aversion, o.horizon_days, o.spot_points, o.vol_points = risk_aversion, horizon_days, spot_points, \
            vol_points
        o.vol_of_vol, o.passive, o.var_confidence = vol_of_vol, int(bool(passive)), var_confidence
        if scenarios is not None:
            scenarios = list(scenarios)
            sc = ffi.new("hedge_scenario[]", max(len(scenarios), 1))
            for c, s in zip(sc, scenarios):
                sh = ffi.new("hedge_shift[]", [(_cstr(h.underlying, keep), h.spot, h.vol_rel, h.vol_abs)
                                               for h in s.shifts] or 1)
                keep.append(sh)
                c.shifts, c.n_shifts, c.days = sh, len(s.shifts), s.days
            keep.append(sc)
            o.scenarios, o.n_scenarios = sc, len(scenarios)
        instruments = []
        if benchmark is not None:
            pairs = [(p.instrument, p.quantity) if hasattr(p, "instrument") else tuple(p) for p in benchmark]
            pos = ffi.new("hedge_position[]", max(len(pairs), 1))
            for c, (inst, qty) in zip(pos, pairs):
                c.struct_size = ffi.sizeof("hedge_position")
                c.instrument, c.quantity = inst.ptr, qty
                instruments.append(inst)
            keep.append(pos)
            o.benchmark, o.n_benchmark = pos, len(pairs)
        context_check(self._ctx, lib.hedge_problem_set_objective(self.ptr, o))
        # the problem now references the benchmark's instruments: their contexts must outlive it
        for inst in instruments:
            for dep in inst._keep:
                if all(dep is not k for k in self._keep):
                    self._keep.append(dep)
        return self

    def set_limits(self, *, premium_budget=INF, collateral=INF, margin=None, depth_fraction=1.0, venues=None,
                   venue_caps=None):
        """Replaces the limits.

        premium_budget: most net option premium paid at mid, USD (negative: must collect).
        collateral: USD the hedged book's grid margin must fit in (inf: no margin limit).
        margin: the margin grid as a dict of spot_range, spot_steps, vol_up, vol_down,
        delta_addon (margin.h; missing keys take its defaults). depth_fraction: share of the
        visible depth a trade may take, in (0, 1]. venues: the venues candidates may trade on
        (None: all). venue_caps: {venue: USD cap on the notional traded there}.
        """
        keep = []
        lim = new("hedge_limits")
        lim.premium_budget, lim.collateral, lim.depth_fraction = premium_budget, collateral, depth_fraction
        if margin is not None:
            unknown = set(margin) - set(_MARGIN_DEFAULTS)
            if unknown:
                raise TypeError(f"set_limits: unknown margin field(s) {sorted(unknown)}")
            m = new("hedge_margin_options")
            for key, default in _MARGIN_DEFAULTS.items():
                setattr(m, key, margin.get(key, default))
            keep.append(m)
            lim.margin = m
        if venues is not None:
            venues = list(venues)
            v = ffi.new("const char *[]", [_cstr(x, keep) for x in venues] or 1)
            keep.append(v)
            lim.venues, lim.n_venues = v, len(venues)
        if venue_caps:
            names = ffi.new("const char *[]", [_cstr(x, keep) for x in venue_caps])
            caps = ffi.new("double[]", [float(x) for x in venue_caps.values()])
            keep += [names, caps]
            lim.cap_venues, lim.venue_caps, lim.n_venue_caps = names, caps, len(venue_caps)
        context_check(self._ctx, lib.hedge_problem_set_limits(self.ptr, lim))
        return self

    def solve(self, book, market, backend=None, threads=0, **kw):
        """:func:`solve` of this problem."""
        return solve(self, book, market, backend, threads, **kw)


@dataclasses.dataclass(frozen=True)
class Summary:
    """The outcome of a hedge solve in figures (hedge_hedge_summary).

    status: the optimizer's :class:`~libhedge.SolveStatus`. objective: the objective at the answer,
    USD, constant terms included. cost_usd = fees_usd + spread_usd + impact_usd + funding_usd +
    fixed_usd, all USD (funding negative when received). premium_usd: net option premium paid at
    mid, USD (negative: collected). std_before/after: standard deviation of the book's P&L over
    the scenarios (benchmark removed), USD. var_/cvar_before/after: value at risk and expected
    shortfall at the objective's confidence, USD of loss (as scenario_var defines them). margin_before/after: grid margin, USD
    (0 unless a collateral limit is set). trades: candidates traded. scenarios: scenarios of the
    variance term. iterations: optimizer iterations. solve_time_s: wall clock of the whole solve.
    nodes: branch-and-bound relaxations solved (lot sizes, minimum sizes, fixed costs); 0 without.
    """
    status: SolveStatus
    objective: float
    cost_usd: float
    fees_usd: float
    spread_usd: float
    impact_usd: float
    funding_usd: float
    fixed_usd: float
    premium_usd: float
    std_before: float
    std_after: float
    var_before: float
    var_after: float
    cvar_before: float
    cvar_after: float
    margin_before: float
    margin_after: float
    trades: int
    scenarios: int
    iterations: int
    solve_time_s: float
    nodes: int


@dataclasses.dataclass(frozen=True)
class Trade:
    """One trade of the answer (hedge_trade).

    symbol, venue: the instrument and the venue traded on. candidate: the candidate's index in the
    order added. quantity: contracts, > 0 bought, < 0 sold. mid: the quote's mid in its premium
    currency per unit of underlying (coins for inverse options). notional_usd: |quantity| times a
    contract's USD notional. fee_usd, spread_usd (half-spread crossed), impact_usd, funding_usd
    (over the horizon), fixed_usd: the costs, USD.
    """
    symbol: str
    venue: str
    candidate: int
    quantity: float
    mid: float
    notional_usd: float
    fee_usd: float
    spread_usd: float
    impact_usd: float
    funding_usd: float
    fixed_usd: float

    @property
    def cost_usd(self):
        """fee + spread + impact + funding + fixed, USD."""
        return self.fee_usd + self.spread_usd + self.impact_usd + self.funding_usd + self.fixed_usd


@dataclasses.dataclass(frozen=True)
class GreekChange:
    """Greeks of one underlying (or of the whole book) before and after the trades: two risk rows
    as dicts with risk.h's fields (delta_coin in coins, delta_usd, gamma_usd per 1% move, vega_usd
    per 1.00 of vol, theta_usd per year, ...). Value, positions and beta fields are the book's
    alone in both rows."""
    before: dict
    after: dict

    def change(self, field):
        """after[field] - before[field]: what the trades add."""
        return self.after[field] - self.before[field]


@dataclasses.dataclass(frozen=True)
class LimitReport:
    """A limit that binds an optimal answer, or one of the limits that conflict when none exists.

    kind: :class:`LimitKind`; index: which one (see LimitKind); upper: True when its upper side
    binds (or conflicts); bound: the limit in its own units (Greek units, USD, contracts);
    shadow_price: for a binding limit, objective USD saved per unit the limit is relaxed (>= 0);
    for a conflict, the limit's weight in the infeasibility certificate (> 0, largest 1);
    name: readable, such as "delta_coin BTC <= 0.5".
    """
    kind: LimitKind
    index: int
    upper: bool
    bound: float
    shadow_price: float
    name: str


_SUMMARY_FIELDS = [f.name for f in dataclasses.fields(Summary)]
_TRADE_FIELDS = [f.name for f in dataclasses.fields(Trade)]


class Result(Handle):
    """The immutable answer of :func:`solve` (hedge_result). Every accessor copies out of C."""

    _destroy = "hedge_result_destroy"

    @property
    def summary(self):
        """The :class:`Summary` (USD figures)."""
        s = new("hedge_hedge_summary")
        check(lib.hedge_result_summary(s, self.ptr))
        return Summary(*[SolveStatus(s.status) if f == "status" else getattr(s, f) for f in _SUMMARY_FIELDS])

    @property
    def status(self):
        """The optimizer's outcome, a :class:`~libhedge.SolveStatus`."""
        return self.summary.status

    @property
    def trades(self):
        """The trades (candidates with a non-zero answer) in candidate order, as :class:`Trade`;
        empty unless the outcome is optimal."""
        out = []
        for i in range(lib.hedge_result_trade_count(self.ptr)):
            t = new("hedge_trade")
            check(lib.hedge_result_trade(t, self.ptr, i))
            out.append(Trade(*[_text(getattr(t, f)) if f in ("symbol", "venue") else getattr(t, f)
                               for f in _TRADE_FIELDS]))
        return out

    @property
    def underlyings(self):
        """Names of the underlyings with Greeks (the book's and the candidates'), sorted."""
        return [self._greeks(i).before["underlying"] for i in range(lib.hedge_result_underlying_count(self.ptr))]

    def _greeks(self, index):
        before, after = new("hedge_risk_row"), new("hedge_risk_row")
        check(lib.hedge_result_greeks(before, after, self.ptr, index))
        return GreekChange(_row(before), _row(after))

    def greeks(self, underlying=None):
        """A :class:`GreekChange` for one underlying, or for the whole book (USD Greeks summed over
        every underlying; coin delta is meaningless there) when ``underlying`` is None.
        KeyError for an underlying the result does not have."""
        n = lib.hedge_result_underlying_count(self.ptr)
        if underlying is None:
            return self._greeks(n)
        for i in range(n):
            g = self._greeks(i)
            if g.before["underlying"] == underlying:
                return g
        raise KeyError(underlying)

    def greeks_by_underlying(self):
        """{underlying: GreekChange} for every underlying of the result."""
        return {g.before["underlying"]: g for g in (self._greeks(i)
                                                    for i in range(lib.hedge_result_underlying_count(self.ptr)))}

    @property
    def limits(self):
        """The limits that bind an optimal answer (largest shadow price first), or those that
        conflict when the status is PRIMAL_INFEASIBLE (largest certificate weight first)."""
        out = []
        for i in range(lib.hedge_result_limit_count(self.ptr)):
            r = new("hedge_limit_report")
            check(lib.hedge_result_limit(r, self.ptr, i))
            out.append(LimitReport(LimitKind(r.kind), r.index, bool(r.upper), r.bound, r.shadow_price, _text(r.name)))
        return out

    def to_json(self):
        """The result as a JSON document: summary, trades, Greeks before and after, limits."""
        length = ffi.new("size_t *")
        st = lib.hedge_result_write_json(ffi.NULL, 0, length, self.ptr)
        if st not in (0, -13):
            check(st)
        buf = ffi.new("char[]", length[0] + 1)
        check(lib.hedge_result_write_json(buf, length[0] + 1, length, self.ptr))
        return ffi.string(buf, length[0]).decode()

    def __repr__(self):
        if self.closed:
            return "<hedging.Result (closed)>"
        s = self.summary
        return f"<hedging.Result {s.status.name} trades={s.trades} cost_usd={s.cost_usd:.2f}>"


def solve(problem, book, market, backend=None, threads=0, *, solver_options=None, ctx=None):
    """Finds the hedge of ``book`` (a Portfolio, read under its lock) off ``market``.

    backend: an optimizer backend's name (None: the default, "admm"). threads: threads of the
    scenario revaluation (0 or 1: the calling thread). solver_options: a dict of the optimizer's
    settings (eps_abs, eps_rel, max_iter, time_limit_s, polish). ctx: the context the result is
    allocated from (default: the problem's).

    Returns a :class:`Result` whatever the outcome; raises (InvalidArgumentError: no candidates;
    NotFoundError: a candidate's instrument or quote, or a targeted underlying, is not in the
    market; StaleError, ExpiredError; UnsupportedError: the backend lacks what the problem needs)
    only when the call fails.
    """
    ctx = problem._ctx if ctx is None else ctx
    keep = []
    o = new("hedge_solve_options")
    o.backend = _cstr(backend, keep)
    o.threads = threads
    if solver_options is not None:
        so = _solver_options(**solver_options)
        keep.append(so)
        o.solver = so
    out = ffi.new("hedge_result **")
    context_check(ctx, lib.hedge_solve(out, ctx.ptr, problem.ptr, book.ptr, market.ptr, o))
    r = Result.__new__(Result)
    Handle.__init__(r, out[0], [ctx.ptr])
    return r


__all__ = ["Greek", "LimitKind", "CANDIDATE_DEFAULTS", "Problem", "Summary", "Trade", "GreekChange", "LimitReport",
           "Result", "solve"]
