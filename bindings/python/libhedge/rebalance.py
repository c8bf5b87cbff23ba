"""Rebalancing policies (rebalance.h): when a hedge pays for itself, and the rebalancer, which turns
a policy's decision into orders through the hedge solver.

The rules look at one underlying's net coin delta D (book and hedges), its gamma G (coins per
USD), spot S and volatility sigma:

- CALENDAR: every ``interval_days``, back to delta 0.
- DELTA_BAND: when |D| > ``band`` coins, back to 0 (or to the band's nearest edge with ``to_edge``).
- WHALLEY_WILMOTT: the no-transaction band of Whalley and Wilmott (1997), half-width
  H = (3 e^{-r tau} k S G^2 / (2 gamma))^{1/3} coins, k = ``cost_rate``, gamma = ``risk_aversion``,
  tau the time left; outside it, trade to the nearest edge.
- LELAND: every ``interval_days``, with Leland's (1985) adjusted volatility
  sigma_L^2 = sigma^2 (1 + sign sqrt(2/pi) k / (sigma sqrt(dt))), sign +1 for negative gamma (a
  short option) and -1 for positive gamma; the decision's ``hedge_vol`` is sigma_L.
- COST_RISK: trade when gamma/2 (D S sigma)^2 h (h = ``horizon_days`` / 365 years), the priced
  variance the trade removes, exceeds its cost k |D| S + ``fixed_cost``.

Units: deltas in coins of the underlying, gamma in coins per USD, spot in USD, volatility per
sqrt(year), rates continuously compounded, risk aversion per USD, costs as fractions of the USD
notional and USD, days calendar days, times in years.

Threads: :func:`decide` is a pure function; a :class:`Rebalancer` keeps the time of its last trade
and is used by one thread at a time.
"""

import dataclasses
import enum
import math

from ._core import Handle, _ctx, _enum, check, context_check
from ._ffi import ffi, lib, new


class RebalanceRule(enum.IntEnum):
    """When to rebalance (hedge_rebalance_rule)."""
    CALENDAR = 0         #: at fixed intervals
    DELTA_BAND = 1       #: when the delta leaves a fixed band
    WHALLEY_WILMOTT = 2  #: when the delta leaves the Whalley-Wilmott band
    LELAND = 3           #: at fixed intervals, with Leland's adjusted volatility
    COST_RISK = 4        #: when the risk removed is worth the cost


@dataclasses.dataclass(frozen=True)
class Policy:
    """A rebalancing policy (hedge_rebalance_policy); the defaults are daily calendar rebalancing.

    rule: a :class:`RebalanceRule` (or its name). interval_days: calendar and Leland, days between
    rebalances, > 0. band: delta band half-width, coins, >= 0. risk_aversion: Whalley-Wilmott and
    cost-risk, gamma per USD, > 0 for those rules. cost_rate: proportional cost, a fraction of the
    USD notional traded (fees plus half-spread), >= 0. fixed_cost: cost-risk, USD per trade, >= 0.
    horizon_days: cost-risk, days over which unhedged risk is priced, > 0. to_edge: delta band,
    trade to the band's nearest edge instead of to 0.

    The library checks the values (DomainError naming the field) when the policy is used.
    """
    rule: RebalanceRule = RebalanceRule.CALENDAR
    interval_days: float = 1.0
    band: float = 0.0
    risk_aversion: float = 0.0
    cost_rate: float = 0.0
    fixed_cost: float = 0.0
    horizon_days: float = 1.0
    to_edge: bool = False

    def __post_init__(self):
        object.__setattr__(self, "rule", _enum(RebalanceRule, self.rule))

    @classmethod
    def calendar(cls, interval_days=1.0):
        """Back to delta 0 every ``interval_days`` days."""
        return cls(RebalanceRule.CALENDAR, interval_days=interval_days)

    @classmethod
    def delta_band(cls, band, to_edge=False):
        """Back to 0 (or to the nearest edge) when |delta| > ``band`` coins."""
        return cls(RebalanceRule.DELTA_BAND, band=band, to_edge=to_edge)

    @classmethod
    def whalley_wilmott(cls, risk_aversion, cost_rate):
        """To the nearest edge of the Whalley-Wilmott band (risk aversion per USD, cost as a fraction)."""
        return cls(RebalanceRule.WHALLEY_WILMOTT, risk_aversion=risk_aversion, cost_rate=cost_rate)

    @classmethod
    def leland(cls, cost_rate, interval_days=1.0):
        """Every ``interval_days`` days, hedging with Leland's adjusted volatility for ``cost_rate``."""
        return cls(RebalanceRule.LELAND, interval_days=interval_days, cost_rate=cost_rate)

    @classmethod
    def cost_risk(cls, risk_aversion, cost_rate=0.0, fixed_cost=0.0, horizon_days=1.0):
        """When the variance removed over ``horizon_days``, priced at risk_aversion/2, beats the cost."""
        return cls(RebalanceRule.COST_RISK, risk_aversion=risk_aversion, cost_rate=cost_rate, fixed_cost=fixed_cost,
                   horizon_days=horizon_days)

    def _to_c(self):
        p = new("hedge_rebalance_policy")
        p.rule = int(self.rule)
        p.interval_days, p.band, p.risk_aversion = self.interval_days, self.band, self.risk_aversion
        p.cost_rate, p.fixed_cost, p.horizon_days = self.cost_rate, self.fixed_cost, self.horizon_days
        p.to_edge = int(bool(self.to_edge))
        return p

    @classmethod
    def _from_c(cls, p):
        return cls(RebalanceRule(p.rule), p.interval_days, p.band, p.risk_aversion, p.cost_rate, p.fixed_cost,
                   p.horizon_days, bool(p.to_edge))


@dataclasses.dataclass(frozen=True)
class State:
    """What a policy looks at (hedge_rebalance_state).

    delta: net delta now (book and hedges), coins. gamma: net gamma, coins per USD. spot: USD, > 0.
    vol: per sqrt(year), > 0. rate: the discount rate of Whalley-Wilmott's e^{-r tau}.
    time_left: years to the hedged position's expiry, >= 0. days_since_last: days since the last
    rebalance, >= 0 (inf: never, so calendar rules trade).
    """
    delta: float
    gamma: float
    spot: float
    vol: float
    rate: float = 0.0
    time_left: float = 0.0
    days_since_last: float = math.inf

    def _to_c(self):
        s = new("hedge_rebalance_state")
        for f in dataclasses.fields(self):
            setattr(s, f.name, getattr(self, f.name))
        return s


@dataclasses.dataclass(frozen=True)
class Decision:
    """A policy's answer (hedge_rebalance_decision).

    trade: rebalance now. target_delta: the net delta to trade to, coins (the current delta when
    not trading). band: the no-trade half-width the rule used, coins (0 for calendar rules).
    hedge_vol: the volatility deltas should use, Leland's adjusted one or else the state's.
    benefit_usd, cost_usd: cost-risk, the priced variance a trade removes and its cost, USD (0
    for the other rules).
    """
    trade: bool
    target_delta: float
    band: float
    hedge_vol: float
    benefit_usd: float
    cost_usd: float

    @classmethod
    def _from_c(cls, d):
        return cls(bool(d.trade), d.target_delta, d.band, d.hedge_vol, d.benefit_usd, d.cost_usd)


def decide(policy, state=None, **state_fields):
    """Applies a :class:`Policy` to a :class:`State` (or to the State's fields given as keywords)
    and returns the :class:`Decision` (hedge_rebalance_decide). Pure; safe from any thread.

    Raises InvalidArgumentError for an unknown rule, DomainError for a policy or state value out of
    its range (the message names it), Leland's adjustment for a long option hedged too often for
    its costs (a negative variance) included.
    """
    if state is None:
        state = State(**state_fields)
    elif state_fields:
        state = dataclasses.replace(state, **state_fields)
    d = new("hedge_rebalance_decision")
    check(lib.hedge_rebalance_decide(d, policy._to_c(), state._to_c()))
    return Decision._from_c(d)


class Rebalancer(Handle):
    """A policy watching one underlying of a book, with a hedge :class:`~libhedge.Problem` to trade
    with (hedge_rebalancer).

    When the policy says trade, the rebalancer solves the problem with one more hard target: the
    underlying's coin delta at the decision's target (to within 1e-9 coins). The problem must not
    change while the rebalancer uses it (the rebalancer keeps it alive). The policy and the
    underlying's name are copied. One thread at a time.

    Raises InvalidArgumentError for an empty name or unknown rule, DomainError for a policy value
    out of its range.
    """

    _destroy = "hedge_rebalancer_destroy"

    def __init__(self, problem, underlying, policy=None, *, ctx=None):
        ctx = problem._ctx if ctx is None else _ctx(ctx)
        policy = Policy() if policy is None else policy
        out = ffi.new("hedge_rebalancer **")
        context_check(ctx, lib.hedge_rebalancer_create(out, ctx.ptr, problem.ptr, underlying.encode(),
                                                       policy._to_c()))
        # the problem (and what it depends on) must outlive the rebalancer
        super().__init__(out[0], [ctx.ptr, problem.ptr] + list(problem._keep))
        self._ctx = ctx
        self.underlying = underlying
        self.policy = policy

    def check(self, book, market, *, solve=True):
        """Looks at ``book`` (a Portfolio) in ``market`` and decides; returns (Decision, Result or
        None).

        The state is the underlying's coin delta and gamma from the book's risk, the spot, the
        at-the-money volatility 30 days out from the market's surface and the time to the book's
        last option expiry on the underlying; the market's valuation time is the clock of calendar
        rules. When the decision is to trade and ``solve`` is true, the hedge solver's
        :class:`~libhedge.Result` (trades, costs, Greeks) comes with it; a trade is counted (the
        calendar restarts) only when that solve is optimal. With ``solve=False`` it only decides.

        Raises NotFoundError when the underlying has no spot or surface in the market, HedgeError
        with status STATE when the market's valuation time is before the last trade's, and the
        errors of risk and hedge solving.
        """
        from .hedging import Result
        d = new("hedge_rebalance_decision")
        orders = ffi.new("hedge_result **") if solve else ffi.NULL
        context_check(self._ctx, lib.hedge_rebalancer_check(d, orders, self.ptr, book.ptr, market.ptr))
        result = None
        if solve and orders[0] != ffi.NULL:
            result = Result.__new__(Result)
            Handle.__init__(result, orders[0], [self._ctx.ptr])
        return Decision._from_c(d), result


__all__ = ["RebalanceRule", "Policy", "State", "Decision", "decide", "Rebalancer"]
