"""Rebalancing policies through the binding, against the rules derived by hand: the calendar clock,
the delta band (to zero and to the edge), the Whalley-Wilmott band
H = (3/2 e^{-r tau} k S G^2 / gamma)^{1/3}, Leland's adjusted volatility, cost against risk; the
rebalancer on the sample market, its trades checked by revaluing the book plus the orders one
instrument at a time; errors."""
import math

import numpy as np
import pytest

import libhedge as lh

STATE = dict(delta=0.8, gamma=-3e-5, spot=95000.0, vol=0.55, rate=0.04, time_left=0.2, days_since_last=0.5)


def test_calendar_trades_once_the_interval_has_passed():
    p = lh.Policy.calendar(interval_days=1.0)
    d = lh.decide(p, **STATE)
    assert not d.trade and d.target_delta == STATE["delta"] and d.band == 0.0 and d.hedge_vol == STATE["vol"]
    d = lh.decide(p, **{**STATE, "days_since_last": 1.0})
    assert d.trade and d.target_delta == 0.0
    # never traded: infinity days, the default of State
    s = lh.State(delta=-2.0, gamma=0.0, spot=100.0, vol=0.3)
    assert s.days_since_last == math.inf and lh.decide(p, s).trade
    # a State and keyword overrides of it
    assert not lh.decide(p, s, days_since_last=0.25).trade


@pytest.mark.parametrize("delta", [-0.31, -0.29, 0.0, 0.29, 0.31])
@pytest.mark.parametrize("to_edge", [False, True])
def test_delta_band_leaves_only_beyond_its_edge(delta, to_edge):
    d = lh.decide(lh.Policy.delta_band(0.3, to_edge=to_edge), **{**STATE, "delta": delta})
    outside = abs(delta) > 0.3
    assert d.trade == outside and d.band == 0.3
    if outside:
        assert d.target_delta == (math.copysign(0.3, delta) if to_edge else 0.0)
    else:
        assert d.target_delta == delta


@pytest.mark.parametrize("gamma,rate,tau,k,risk_aversion", [
    (-3e-5, 0.04, 0.2, 0.0005, 1e-4), (2e-4, 0.0, 1.0, 0.001, 5e-5), (-1e-6, 0.1, 0.01, 0.002, 1e-3)])
def test_whalley_wilmott_band_is_the_closed_form(gamma, rate, tau, k, risk_aversion):
    S = STATE["spot"]
    H = (1.5 * math.exp(-rate * tau) * k * S * gamma ** 2 / risk_aversion) ** (1.0 / 3.0)
    p = lh.Policy.whalley_wilmott(risk_aversion=risk_aversion, cost_rate=k)
    base = {**STATE, "gamma": gamma, "rate": rate, "time_left": tau}
    for delta in (1.5 * H, -1.5 * H, 0.5 * H, -0.5 * H):
        d = lh.decide(p, **{**base, "delta": delta})
        assert d.band == pytest.approx(H, rel=1e-12)
        if abs(delta) > H:
            # trade to the nearest edge, not to zero
            assert d.trade and d.target_delta == pytest.approx(math.copysign(H, delta), rel=1e-12)
        else:
            assert not d.trade and d.target_delta == delta


@pytest.mark.parametrize("gamma,interval", [(-3e-5, 1.0), (-3e-5, 1 / 24), (4e-5, 1.0)])
def test_leland_volatility_is_the_adjusted_one(gamma, interval):
    k, sigma = 0.0005, STATE["vol"]
    dt = interval / 365.0
    sign = 1.0 if gamma < 0 else -1.0  # a short option (negative gamma) hedges with a higher vol
    want = sigma * math.sqrt(1.0 + sign * math.sqrt(2.0 / math.pi) * k / (sigma * math.sqrt(dt)))
    p = lh.Policy.leland(cost_rate=k, interval_days=interval)
    d = lh.decide(p, **{**STATE, "gamma": gamma, "days_since_last": interval})
    assert d.hedge_vol == pytest.approx(want, rel=1e-12)
    assert d.trade and d.target_delta == 0.0
    assert (d.hedge_vol > sigma) == (gamma < 0)
    assert not lh.decide(p, **{**STATE, "gamma": gamma, "days_since_last": 0.99 * interval}).trade


def test_leland_refuses_a_long_option_hedged_too_often_for_its_costs():
    # 1 + sign sqrt(2/pi) k / (sigma sqrt(dt)) < 0 for a long option: k = 1%, every minute
    p = lh.Policy.leland(cost_rate=0.01, interval_days=1 / 1440)
    with pytest.raises(lh.DomainError) as e:
        lh.decide(p, **{**STATE, "gamma": 1e-5})
    assert e.value.status == lh.Status.DOMAIN
    # the same policy for a short option is fine
    assert lh.decide(p, **{**STATE, "gamma": -1e-5}).hedge_vol > STATE["vol"]


@pytest.mark.parametrize("delta", [0.05, -0.4, 2.0])
def test_cost_risk_trades_when_the_priced_variance_beats_the_cost(delta):
    ra, k, fixed, horizon = 2e-4, 0.0005, 15.0, 2.0
    S, sigma = STATE["spot"], STATE["vol"]
    benefit = 0.5 * ra * (delta * S * sigma) ** 2 * horizon / 365.0
    cost = k * abs(delta) * S + fixed
    d = lh.decide(lh.Policy.cost_risk(ra, k, fixed, horizon), **{**STATE, "delta": delta})
    assert d.benefit_usd == pytest.approx(benefit, rel=1e-12)
    assert d.cost_usd == pytest.approx(cost, rel=1e-12)
    assert d.trade == (benefit > cost)
    assert d.target_delta == (0.0 if benefit > cost else delta)
    assert abs(benefit - cost) > 1e-3 * cost  # the cases are not on the edge


def test_decide_rejects_bad_policies_and_states():
    with pytest.raises(lh.DomainError) as e:
        lh.decide(lh.Policy.delta_band(-1.0), **STATE)
    assert e.value.status == lh.Status.DOMAIN and "band" in e.value.message
    with pytest.raises(lh.DomainError):
        lh.decide(lh.Policy.whalley_wilmott(0.0, 0.001), **STATE)
    with pytest.raises(lh.DomainError):
        lh.decide(lh.Policy.calendar(0.0), **STATE)
    with pytest.raises(lh.DomainError):
        lh.decide(lh.Policy(), **{**STATE, "spot": 0.0})
    with pytest.raises(lh.DomainError):
        lh.decide(lh.Policy(), **{**STATE, "delta": math.nan})
    with pytest.raises(ValueError):
        lh.Policy("weekly")
    with pytest.raises(TypeError):
        lh.decide(lh.Policy(), delta=1.0)  # a State needs its fields


# ---- the rebalancer on the sample market -------------------------------------------------------


def _delta_coin(market, held, underlying):
    """Coin delta of (instrument, contracts) pairs, one instrument's valuation at a time."""
    return math.fsum(q * market.value(inst).delta_coin for inst, q in held if inst.underlying == underlying)


@pytest.fixture
def desk(market, market_text):
    book = lh.Portfolio.read_json(market, market_text)
    problem = lh.Problem()
    for symbol in ("BTC-PERPETUAL", "ETH-PERPETUAL"):
        problem.add_candidate(symbol, taker_fee=0.0005)
    yield book, problem
    problem.close()
    book.close()


def test_rebalancer_trades_to_zero_delta_through_the_solver(market, desk):
    book, problem = desk
    held = [(p.instrument, p.quantity) for p in book]
    before = _delta_coin(market, held, "BTC")
    assert abs(before) > 1e-3
    with lh.Rebalancer(problem, "BTC", lh.Policy.calendar(1.0)) as rb:
        d, orders = rb.check(book, market)
        assert d.trade and d.target_delta == 0.0 and orders is not None
        with orders:
            assert orders.status == lh.SolveStatus.OPTIMAL
            after = _delta_coin(market, held + [(market.find(t.symbol), t.quantity) for t in orders.trades], "BTC")
        assert after == pytest.approx(0.0, abs=1e-7)
        # the same instant: not a day since the trade (the book itself has not changed)
        d, orders = rb.check(book, market)
        assert not d.trade and orders is None
        assert d.target_delta == pytest.approx(before, rel=1e-9)


def test_rebalancer_decides_without_solving_and_keeps_its_band(market, desk):
    book, problem = desk
    held = [(p.instrument, p.quantity) for p in book]
    before = _delta_coin(market, held, "BTC")
    wide = lh.Rebalancer(problem, "BTC", lh.Policy.delta_band(abs(before) + 1.0))
    d, orders = wide.check(book, market)
    assert not d.trade and orders is None and d.target_delta == pytest.approx(before, rel=1e-9)
    narrow = lh.Rebalancer(problem, "BTC", lh.Policy.delta_band(abs(before) / 2, to_edge=True))
    d, orders = narrow.check(book, market, solve=False)
    assert d.trade and orders is None
    assert d.target_delta == pytest.approx(math.copysign(abs(before) / 2, before), rel=1e-12)
    # deciding without solving counts no trade: the calendar still trades at once
    cal = lh.Rebalancer(problem, "BTC", lh.Policy.calendar(1.0))
    assert cal.check(book, market, solve=False)[0].trade
    assert cal.check(book, market, solve=False)[0].trade
    for r in (wide, narrow, cal):
        r.close()
    with pytest.raises(ValueError):
        cal.check(book, market)  # closed


def test_rebalancer_errors_carry_the_status(market, desk):
    book, problem = desk
    with pytest.raises(lh.InvalidArgumentError) as e:
        lh.Rebalancer(problem, "", lh.Policy.delta_band(1.0))
    assert e.value.status == lh.Status.INVALID_ARG
    with pytest.raises(lh.DomainError):
        lh.Rebalancer(problem, "BTC", lh.Policy.delta_band(-1.0))
    with lh.Rebalancer(problem, "DOGE", lh.Policy.delta_band(1.0)) as rb:
        with pytest.raises(lh.NotFoundError) as e:
            rb.check(book, market)
        assert e.value.status == lh.Status.NOT_FOUND and e.value.message


def test_the_rebalancer_keeps_its_problem_alive(market, market_text):
    import gc
    book = lh.Portfolio.read_json(market, market_text)
    problem = lh.Problem()
    problem.add_candidate("BTC-PERPETUAL")
    rb = lh.Rebalancer(problem, "BTC", lh.Policy.calendar(1.0))
    del problem
    gc.collect()
    d, orders = rb.check(book, market)
    assert d.trade and orders is not None and np.isfinite(orders.summary.cost_usd)
    orders.close()
    rb.close()
    book.close()
