"""The hedge solver through the binding, checked against figures obtained without it: the sample
market's hedge section (bands, budget, venue cap, collateral) against the hedged book revalued with
valuation.h, risk.h and margin.h; costs against the fee and quote conventions; the minimum-variance
hedge of a short call against -Cov/Var from Black-Scholes P&L computed in numpy; errors; the
allocator hook."""
import gc
import json
import math

import numpy as np
import pytest

import libhedge as lh

# ---- the sample market's hedge problem -------------------------------------------------------


@pytest.fixture
def sample(market, market_text):
    book = lh.Portfolio.read_json(market, market_text)
    problem = lh.Problem.from_json(market, market_text, "market.json")
    result = lh.solve(problem, book, market)
    yield book, json.loads(market_text)["hedge"], result
    for h in (result, problem, book):
        h.close()


def _days(inst, valuation_ms):
    """Calendar days to expiry; perpetuals and spot count as 0 (hedging.h)."""
    if inst.kind in (lh.InstrumentKind.PERPETUAL, lh.InstrumentKind.SPOT):
        return 0.0
    return inst.time_to_expiry(valuation_ms) * 365.0


def _hedged_greek(market, book, trades, greek, underlying, min_days=0.0, max_days=math.inf):
    """A Greek of book + trades, summed position by position from one-contract valuations."""
    field = {"delta_coin": "delta_coin", "delta_usd": "delta_usd", "vega_usd": "vega_usd",
             "theta_usd": "theta_usd"}[greek]
    now = market.snapshot.valuation_ms
    held = [(p.instrument, p.quantity) for p in book] + [(market.find(t.symbol), t.quantity) for t in trades]
    total = []
    for inst, qty in held:
        if underlying is not None and inst.underlying != underlying:
            continue
        if min_days <= _days(inst, now) <= max_days:
            total.append(qty * getattr(market.value(inst), field))
    return math.fsum(total)


def test_sample_problem_solves_within_the_bands_of_its_hedge_section(market, sample):
    book, spec, result = sample
    s = result.summary
    assert s.status == lh.SolveStatus.OPTIMAL
    trades = result.trades
    assert len(trades) == s.trades > 0
    banded = [t for t in spec["targets"] if "min" in t or "max" in t]
    assert {t["greek"] for t in banded} >= {"delta_coin", "vega_usd"}
    for t in banded:
        args = (t["greek"], t.get("underlying"), t.get("min_days", 0.0), t.get("max_days", math.inf))
        before = _hedged_greek(market, book, [], *args)
        after = _hedged_greek(market, book, trades, *args)
        lo, hi = t.get("min", -math.inf), t.get("max", math.inf)
        tol = 1e-6 * max(1.0, abs(lo), abs(hi))
        assert lo - tol <= after <= hi + tol, (t, before, after)
    # the book starts outside its BTC delta band: the hedge is not vacuous
    btc = next(t for t in banded if t["greek"] == "delta_coin" and t["underlying"] == "BTC")
    assert _hedged_greek(market, book, [], "delta_coin", "BTC") > btc["max"]

    limits = spec["limits"]
    spot = {u: market.snapshot.spot(u) for u in ("BTC", "ETH")}
    premium = []
    for t in trades:
        info = market.find(t.symbol).info()
        if info["kind"] == lh.InstrumentKind.OPTION:
            per_unit = spot[info["underlying"]] if info["settlement"] == lh.Settlement.INVERSE else 1.0
            premium.append(t.quantity * t.mid * per_unit * info["multiplier"])
    assert s.premium_usd == pytest.approx(math.fsum(premium), rel=1e-9)
    assert s.premium_usd <= limits["premium_budget"] * (1 + 1e-6)
    for venue, cap in limits["venue_caps"].items():
        assert math.fsum(t.notional_usd for t in trades if t.venue == venue) <= cap * (1 + 1e-6)
    assert s.margin_after <= limits["collateral"] * (1 + 1e-6)

    # margin.h's figure for the hedged book, rebuilt position by position
    hedged = lh.Portfolio()
    for p in book:
        hedged.add(p.instrument, p.quantity)
    for t in trades:
        if t.symbol in hedged:
            hedged.update(t.symbol, hedged.find(t.symbol).quantity + t.quantity)
        else:
            hedged.add(market.find(t.symbol), t.quantity)
    assert s.margin_before == pytest.approx(lh.portfolio_margin(book, market).margin, rel=1e-9)
    assert s.margin_after == pytest.approx(lh.portfolio_margin(hedged, market).margin, rel=1e-7)
    assert s.std_after < s.std_before and s.var_after < s.var_before


def test_sample_costs_add_up_and_follow_the_fee_and_quote_conventions(market, sample):
    book, spec, result = sample
    s, trades = result.summary, result.trades
    parts = ("fees_usd", "spread_usd", "impact_usd", "funding_usd", "fixed_usd")
    assert s.cost_usd == pytest.approx(math.fsum(getattr(s, p) for p in parts), rel=1e-12)
    for total, field in zip(parts, ("fee_usd", "spread_usd", "impact_usd", "funding_usd", "fixed_usd")):
        assert getattr(s, total) == pytest.approx(math.fsum(getattr(t, field) for t in trades), rel=1e-9, abs=1e-9)
    assert s.fixed_usd == 0.0  # no fixed costs in the sample
    cands = {(c["symbol"], c.get("venue")): c for c in spec["candidates"]}
    snap = market.snapshot
    for t in trades:
        c = cands[(t.symbol, t.venue)]
        info = market.find(t.symbol).info()
        spot = snap.spot(info["underlying"])
        q = snap.quote(t.symbol, t.venue)
        assert t.mid == pytest.approx((q.bid + q.ask) / 2, rel=1e-12)
        inverse = info["settlement"] == lh.Settlement.INVERSE
        option = info["kind"] == lh.InstrumentKind.OPTION
        # instrument.h: the multiplier is units of underlying per contract, except inverse futures
        # and perpetuals, where it is the face value in USD
        per_contract = info["multiplier"] if inverse and not option else info["multiplier"] * spot
        assert t.notional_usd == pytest.approx(abs(t.quantity) * per_contract, rel=1e-12)
        # taker fee on the notional; the options' premium cap must not bind for this to hold
        fee = c["taker_fee"] * t.notional_usd
        if option:
            assert fee < c["fee_cap"] * abs(t.quantity) * t.mid * (spot if inverse else 1.0) * info["multiplier"]
        assert t.fee_usd == pytest.approx(fee, rel=1e-9)
        # half the quoted spread, in USD per contract: premium currency times spot for inverse
        # options; an inverse contract of face value F is worth F / P coins, so a price step dP
        # moves it by F dP / P^2 coins, spot times that in USD
        half = (q.ask - q.bid) / 2
        if option:
            usd = half * (spot if inverse else 1.0) * info["multiplier"]
        elif inverse:
            usd = info["multiplier"] * half / t.mid ** 2 * spot
        else:
            usd = half * info["multiplier"]
        assert t.spread_usd == pytest.approx(abs(t.quantity) * usd, rel=1e-9)
        assert t.impact_usd >= 0.0
        assert t.cost_usd == pytest.approx(t.fee_usd + t.spread_usd + t.impact_usd + t.funding_usd + t.fixed_usd)


def test_sample_greeks_before_and_after_match_risk_and_valuations(market, sample):
    book, spec, result = sample
    risk = lh.Risk(book, market)
    rows = {r["underlying"]: r for r in risk.rows("underlying")}
    assert result.underlyings == sorted(rows)
    trades = result.trades
    for u, g in result.greeks_by_underlying().items():
        for field in ("delta_coin", "delta_usd", "gamma_usd", "vega_usd", "theta_usd"):
            assert g.before[field] == pytest.approx(rows[u][field], rel=1e-9, abs=1e-6), (u, field)
        for field in ("delta_coin", "delta_usd", "vega_usd", "theta_usd"):
            want = _hedged_greek(market, book, trades, field, u)
            assert g.after[field] == pytest.approx(want, rel=1e-9, abs=1e-6), (u, field)
        assert g.change("delta_coin") == pytest.approx(g.after["delta_coin"] - g.before["delta_coin"])
        assert result.greeks(u) == g
    whole = result.greeks()
    assert whole.before["underlying"] is None
    for field in ("delta_usd", "vega_usd"):
        assert whole.before[field] == pytest.approx(risk.total()[field], rel=1e-9)
        assert whole.after[field] == pytest.approx(sum(g.after[field] for g in result.greeks_by_underlying().values()),
                                                   rel=1e-9)
    with pytest.raises(KeyError):
        result.greeks("DOGE")


def test_sample_result_json_and_binding_limits(market, sample):
    book, spec, result = sample
    doc = json.loads(result.to_json())
    assert doc["status"] == "optimal"
    assert [(t["symbol"], t["venue"], t["quantity"]) for t in doc["trades"]] == \
        [(t.symbol, t.venue, t.quantity) for t in result.trades]
    limits = result.limits
    assert limits and all(lim.shadow_price > 0 for lim in limits)
    assert [lim.shadow_price for lim in limits] == sorted((lim.shadow_price for lim in limits), reverse=True)
    # the BTC delta band binds, at its bound, on the side the book was pushed to
    btc = [lim for lim in limits if lim.kind == lh.LimitKind.GREEK and lim.index == 0]
    assert len(btc) == 1 and btc[0].upper and btc[0].bound == 0.5
    assert result.greeks("BTC").after["delta_coin"] == pytest.approx(0.5, abs=1e-6)


# ---- a small market of our own ---------------------------------------------------------------

NOW = 1_790_000_000_000
DAY = 86_400_000
S0, K, VOL, T = 100_000.0, 100_000.0, 0.6, 30.0 / 365.0
MOVES = np.array([-0.08, -0.05, -0.03, -0.01, 0.0, 0.015, 0.03, 0.06, 0.09])


def _bs_call(S, K, T, vol):
    """Black-Scholes call, rates 0, in numpy."""
    S = np.asarray(S, dtype=float)
    d1 = (np.log(S / K) + 0.5 * vol * vol * T) / (vol * math.sqrt(T))
    d2 = d1 - vol * math.sqrt(T)
    N = np.vectorize(lambda x: 0.5 * (1.0 + math.erf(x / math.sqrt(2.0))))
    return S * N(d1) - K * N(d2)


@pytest.fixture
def small():
    """BTC at S0, rates 0, a flat VOL surface; a 30-day call and two perpetuals on venues a and b
    (spread 0, depth 1e6, or as the test asks); the book is short 10 calls."""
    def make(half_a=0.0, depth_a=1e6, half_b=0.0, depth_b=1e6, ctx=None):
        expiry = NOW + 30 * DAY
        call = lh.Instrument.option("CALL", "BTC", "call", K, expiry, venue="a", ctx=ctx)
        perp_a = lh.Instrument.perpetual("PERP-A", "BTC", venue="a", ctx=ctx)
        perp_b = lh.Instrument.perpetual("PERP-B", "BTC", venue="b", ctx=ctx)
        b = lh.SnapshotBuilder(NOW, ctx=ctx)
        b.set_spot("BTC", S0, NOW)
        mid = float(_bs_call(S0, K, T, VOL))
        b.add_quote("CALL", "a", bid=mid - 20, ask=mid + 20, bid_size=100, ask_size=100, timestamp=NOW)
        for sym, venue, half, depth in (("PERP-A", "a", half_a, depth_a), ("PERP-B", "b", half_b, depth_b)):
            b.add_quote(sym, venue, bid=S0 - half, ask=S0 + half, bid_size=depth, ask_size=depth, timestamp=NOW)
        snap = b.finish()
        surface = lh.VolSurface.from_slices(NOW, [lh.SviSlice(expiry, S0, VOL * VOL * T, 0.0, 0.0, 0.0, 0.1)], ctx=ctx)
        market = lh.Market.create(snap, [call, perp_a, perp_b], {"BTC": surface}, ctx=ctx)
        book = lh.Portfolio(ctx=ctx)
        book.add(call, -10.0)
        return market, book
    return make


def _scenarios():
    return [lh.Scenario((lh.Shift("BTC", spot=float(m)),), 0.0) for m in MOVES]


def _regression_hedge(B, P, lam, w):
    """argmin lambda/2 Var(B + x P) + w |x| over equally weighted scenarios: the regression ratio
    -Cov(B, P) / Var(P), soft-thresholded by the cost w per contract."""
    cov = np.mean((B - B.mean()) * (P - P.mean()))
    var = np.mean((P - P.mean()) ** 2)
    g = lam * cov
    return -math.copysign(max(abs(g) - w, 0.0), g) / (lam * var)


@pytest.mark.parametrize("lam, taker_fee", [(1e-4, 0.0), (1e-4, 0.0005), (1e-6, 0.0005), (1e-8, 0.0005)])
def test_minimum_variance_hedge_of_a_short_call_is_the_regression_ratio(small, lam, taker_fee):
    market, book = small()
    # the book's and the perpetual's P&L per scenario, from Black-Scholes in numpy ...
    B = -10.0 * (_bs_call(S0 * (1 + MOVES), K, T, VOL) - _bs_call(S0, K, T, VOL))
    P = S0 * MOVES
    # ... which is the library's own revaluation of the book (scenario.h), so the model agrees
    np.testing.assert_allclose(lh.run_scenarios(book, market, _scenarios()).totals(), B, rtol=1e-9, atol=1e-6)
    w = taker_fee * S0  # USD per contract: the fee rate on one contract's notional at mid
    want = _regression_hedge(B, P, lam, w)

    problem = lh.Problem().add_candidate("PERP-A", taker_fee=taker_fee)
    problem.set_objective(risk_aversion=lam, scenarios=_scenarios())
    r = problem.solve(book, market)
    s = r.summary
    assert s.status == lh.SolveStatus.OPTIMAL and s.scenarios == len(MOVES)
    got = sum(t.quantity for t in r.trades if t.symbol == "PERP-A")
    if want == 0.0:
        assert r.trades == [] and got == 0.0  # the variance removed is not worth the fee
    else:
        assert got == pytest.approx(want, rel=1e-6)
        assert s.fees_usd == pytest.approx(w * abs(want), rel=1e-6, abs=1e-9)
        # the standard deviations the result reports are those of the P&L columns above
        assert s.std_before == pytest.approx(np.std(B), rel=1e-9)
        assert s.std_after == pytest.approx(np.std(B + got * P), rel=1e-6)
    assert (lam, taker_fee) != (1e-4, 0.0) or want > 0.5  # a short call: the hedge buys


def test_allowed_venues_and_a_benchmark(small):
    market, book = small(half_a=10.0, half_b=30.0)
    delta = -10.0 * market.value("CALL").delta_coin  # the book's coin delta, from valuation.h
    problem = lh.Problem().add_candidate("PERP-A").add_candidate("PERP-B")
    problem.add_target("delta_coin", "BTC", lo=0.0, hi=0.0)
    r = lh.solve(problem, book, market)
    assert [(t.symbol, t.quantity) for t in r.trades] == [("PERP-A", pytest.approx(-delta, rel=1e-8))]  # cheaper
    problem.set_limits(venues=["b"])
    r = lh.solve(problem, book, market)
    assert [(t.symbol, t.quantity) for t in r.trades] == [("PERP-B", pytest.approx(-delta, rel=1e-8))]
    assert r.summary.spread_usd == pytest.approx(30.0 * abs(delta), rel=1e-8)
    # tracking a benchmark equal to the book leaves no variance to remove
    p2 = lh.Problem().add_candidate("PERP-A")
    p2.set_objective(risk_aversion=1e-4, benchmark=[(market.find("CALL"), -10.0)], spot_points=11, vol_points=1)
    s = lh.solve(p2, book, market).summary
    assert s.std_before == pytest.approx(0.0, abs=1e-6) and s.trades == 0 and s.scenarios == 11


def test_an_unreachable_band_reports_the_conflicting_limits(small):
    market, book = small(half_a=10.0, depth_a=1.0, half_b=30.0, depth_b=1.0)  # 2 contracts for ~5 coins
    problem = lh.Problem().add_candidate("PERP-A").add_candidate("PERP-B")
    problem.add_target("delta_coin", "BTC", lo=-0.5, hi=0.5)
    r = lh.solve(problem, book, market)
    assert r.status == lh.SolveStatus.PRIMAL_INFEASIBLE
    assert r.trades == []
    kinds = [(lim.kind, lim.upper) for lim in r.limits]
    assert kinds.count((lh.LimitKind.GREEK, False)) == 1  # the band's lower side ...
    assert kinds.count((lh.LimitKind.TRADE, True)) == 2   # ... against both venues' depth
    assert all(0 < lim.shadow_price <= 1.0 for lim in r.limits)
    assert json.loads(r.to_json())["status"] != "optimal"


def test_bad_input_raises_with_the_status_and_message(small, market, market_text):
    market_s, book = small()
    p = lh.Problem()
    with pytest.raises(lh.InvalidArgumentError) as e:
        lh.solve(p, book, market_s)  # no candidates
    assert e.value.status == lh.Status.INVALID_ARG
    for bad in (math.nan, math.inf, 1.5, -1.5):
        with pytest.raises(lh.DomainError) as e:
            p.add_candidate("PERP-A", taker_fee=bad)
        assert e.value.status == lh.Status.DOMAIN and e.value.message
    with pytest.raises(lh.DomainError):
        p.add_candidate("PERP-A", min_trade=2.0, max_trade=1.0)
    with pytest.raises(TypeError):
        p.add_candidate("PERP-A", fee=1.0)  # not a field
    p.add_candidate("PERP-A")
    with pytest.raises(lh.ExistsError):
        p.add_candidate("PERP-A")
    with pytest.raises(lh.InvalidArgumentError):
        p.add_target("delta_coin", lo=-1, hi=1)  # a coin delta needs an underlying
    with pytest.raises(lh.DomainError):
        p.add_target("delta_usd", lo=1, hi=-1)
    with pytest.raises(ValueError):
        p.add_target("rho")
    with pytest.raises(lh.DomainError):
        p.set_objective(risk_aversion=-1.0)
    with pytest.raises(lh.DomainError):
        p.set_objective(var_confidence=1.0)
    with pytest.raises(lh.DomainError):
        p.set_limits(depth_fraction=2.0)
    with pytest.raises(lh.DomainError):
        p.set_limits(collateral=-1.0)
    # the rejected calls changed nothing: the one good candidate solves
    assert lh.solve(p, book, market_s).status == lh.SolveStatus.OPTIMAL
    with pytest.raises(lh.NotFoundError) as e:
        lh.solve(p, book, market_s, backend="no-such-backend")
    q = lh.Problem().add_candidate("NOPE")
    with pytest.raises(lh.NotFoundError) as e:
        lh.solve(q, book, market_s)
    assert e.value.status == lh.Status.NOT_FOUND and "NOPE" in e.value.message
    with pytest.raises(lh.NotFoundError):
        lh.solve(lh.Problem().add_candidate("PERP-A", "b"), book, market_s)  # no quote of PERP-A there
    # JSON: the place of the fault, after the name
    with pytest.raises(lh.ParseError) as e:
        lh.Problem.from_json(market, '{"hedge": {"candidates": [{"symbol": "X", "fee": 1}]}}', "x.json")
    assert e.value.status == lh.Status.PARSE and e.value.message.startswith("x.json:")
    assert "/hedge/candidates/0/fee" in e.value.message
    with pytest.raises(lh.ParseError) as e:
        lh.Problem.from_json(market, "{}", "y.json")
    assert 'missing member "hedge"' in e.value.message
    with pytest.raises(lh.HedgeIOError) as e:
        lh.Problem.from_json(market, "/nonexistent/market.json")
    assert e.value.status == lh.Status.IO


def test_problem_from_a_path_equals_the_problem_from_its_text(market, market_text, tmp_path, sample):
    book, spec, result = sample
    path = tmp_path / "m.json"
    path.write_text(market_text)
    again = lh.solve(lh.Problem.from_json(market, path), book, market)
    assert [(t.symbol, t.quantity) for t in again.trades] == [(t.symbol, t.quantity) for t in result.trades]
    assert again.summary.objective == result.summary.objective


def test_the_allocator_hook_sees_the_problem_and_the_solve(small):
    alloc = lh.TrackingAllocator()
    ctx = lh.Context(allocator=alloc)
    market, book = small()  # on the default context: only the hedge layer's allocations are counted
    base = alloc.allocations
    problem = lh.Problem(ctx=ctx).add_candidate("PERP-A", taker_fee=0.0005)
    problem.set_objective(risk_aversion=1e-4, scenarios=_scenarios())
    after_problem = alloc.allocations
    assert after_problem > base
    result = lh.solve(problem, book, market)  # allocated from the problem's context
    assert result.status == lh.SolveStatus.OPTIMAL
    assert alloc.allocations > after_problem and alloc.live_blocks > 0
    for h in (result, problem, ctx):
        h.close()
    gc.collect()
    assert alloc.live_blocks == 0 and alloc.frees == alloc.allocations


def test_every_failed_allocation_in_problem_and_solve_is_nomem(small):
    market, book = small()
    for n_ok in range(2000):
        alloc = lh.TrackingAllocator(fail_after=n_ok)
        try:
            with lh.Context(allocator=alloc) as ctx:
                with lh.Problem(ctx=ctx) as problem:
                    problem.add_candidate("PERP-A", taker_fee=0.0005).add_candidate("PERP-B")
                    problem.add_target("delta_coin", "BTC", lo=-1.0, hi=1.0)
                    problem.set_objective(risk_aversion=1e-4, scenarios=_scenarios())
                    problem.set_limits(venue_caps={"a": 1e6}, collateral=1e7,
                                       margin={"spot_range": 0.12, "spot_steps": 4})
                    with lh.solve(problem, book, market) as r:
                        assert r.status == lh.SolveStatus.OPTIMAL
                        r.to_json()
        except lh.NoMemoryError as e:
            # the first failure decides; a call may try its other allocations before it checks them
            assert e.status == lh.Status.NOMEM and alloc.failures >= 1
            continue
        finally:
            gc.collect()
            assert alloc.live_blocks == 0, f"leak after failing allocation {n_ok}"
        assert alloc.failures == 0
        break
    else:
        pytest.fail("never succeeded")
    assert n_ok > 10
