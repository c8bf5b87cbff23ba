"""The hedging simulator through the binding, against numpy written here: the P&L of every path
replayed by a plain numpy delta hedge on the library's own paths (costs, rates, calls and puts,
long and written), the mean and standard deviation of a delta-hedged call on GBM against an
independent numpy Monte Carlo (numpy's generator, compared within standard errors), the
statistics against the per-path P&L, the BSM premium against its closed form, the path
generators' moments and replay windows; reproducibility by seed and across thread counts; the
progress callback, cancellation and exceptions raised inside it; JSON configs; errors."""
import json
import math
import pathlib

import numpy as np
import pytest

import libhedge as lh

ndtr = pytest.importorskip("scipy.special").ndtr

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "simulate.json"


def bsm(S, K, tau, r, sigma, call=True):
    """BSM value and delta per unit, no dividend yield."""
    sd = sigma * np.sqrt(tau)
    d1 = (np.log(S / K) + (r + 0.5 * sigma * sigma) * tau) / sd
    d2 = d1 - sd
    if call:
        return S * ndtr(d1) - K * np.exp(-r * tau) * ndtr(d2), ndtr(d1)
    return K * np.exp(-r * tau) * ndtr(-d2) - S * ndtr(-d1), ndtr(d1) - 1.0


def np_delta_hedge(S, q, K, T, r, hedge_vol, call=True, cost_rate=0.0, fixed_cost=0.0):
    """Hedged P&L of each row of S (paths, steps + 1) for q units of the option, delta rebalanced
    to zero at every step through spot financed at r, costs charged on every order; discounted to
    time 0. Returns (pnl, discounted costs, orders per path)."""
    n, steps = S.shape[0], S.shape[1] - 1
    dt = T / steps
    v0, _ = bsm(S[:, 0], K, T, r, hedge_vol, call)
    cash = -q * v0                       # the premium
    held = np.zeros(n)
    costs = np.zeros(n)
    orders = np.zeros(n)
    growth = math.exp(r * dt)
    for i in range(steps):
        _, delta = bsm(S[:, i], K, T - i * dt, r, hedge_vol, call)
        trade = -q * delta - held
        placed = np.abs(trade) > 1e-9 * abs(q)  # smaller orders are rounding (simulate.h)
        cost = np.where(placed, cost_rate * np.abs(trade) * S[:, i] + fixed_cost, 0.0)
        cash = cash - np.where(placed, trade, 0.0) * S[:, i] - cost
        costs += cost * math.exp(-r * i * dt)
        orders += placed
        held = np.where(placed, held + trade, held)
        cash = cash * growth
    # expiry: the hedge is closed at S_T with the same costs (a remainder of rounding size is
    # settled at its value without an order), the option pays off in cash
    ST = S[:, -1]
    closing = np.abs(held) > 1e-9 * abs(q)
    cost = np.where(closing, cost_rate * np.abs(held) * ST + fixed_cost, 0.0)
    cash = cash + held * ST - cost
    costs += cost * math.exp(-r * T)
    orders += closing
    payoff = np.maximum(ST - K, 0.0) if call else np.maximum(K - ST, 0.0)
    return (cash + q * payoff) * math.exp(-r * T), costs, orders


@pytest.mark.parametrize("call,q,hedge_vol,cost_rate,fixed", [
    (True, -3.0, 0.5, 0.0, 0.0), (True, -3.0, 0.4, 0.001, 0.5), (False, 2.0, 0.6, 0.0005, 0.0),
    (False, -1.0, 0.5, 0.0, 2.0)])
def test_every_paths_pnl_is_a_numpy_delta_hedge_of_the_same_path(call, q, hedge_vol, cost_rate, fixed):
    paths = lh.Paths.gbm(spot=30000.0, vol=0.5, drift=0.1)
    T, steps, n, seed = 0.25, 40, 300, 17
    opt = lh.SimOption("call" if call else "put", q, 31000.0, T, hedge_vol, rate=0.03)
    hedge = lh.SimHedge.spot(cost_rate=cost_rate, fixed_cost=fixed)
    stats = lh.run_simulation(paths, opt, lh.Policy.delta_band(0.0), hedge, n_paths=n, steps=steps, seed=seed)
    S = lh.generate_paths(paths, T, steps, seed=seed, n_paths=n)
    pnl, costs, orders = np_delta_hedge(S, q, 31000.0, T, 0.03, hedge_vol, call, cost_rate, fixed)
    scale = abs(q) * 30000.0
    np.testing.assert_allclose(stats.pnl, pnl, rtol=0, atol=1e-9 * scale)
    assert stats.mean_cost == pytest.approx(costs.mean(), rel=1e-9, abs=1e-12)
    assert stats.mean_trades == pytest.approx(orders.mean(), rel=1e-12)
    v0, _ = bsm(30000.0, 31000.0, T, 0.03, hedge_vol, call)
    assert stats.option_price == pytest.approx(float(v0), rel=1e-12)


def test_statistics_are_those_of_the_per_path_pnl():
    stats = lh.run_simulation(lh.Paths.gbm(100.0, 0.3), lh.SimOption("put", -5.0, 95.0, 0.5, 0.25, rate=0.02),
                              lh.Policy.calendar(7.0), n_paths=1999, steps=26, seed=3)
    p = stats.pnl
    assert stats.paths == p.size == 1999
    assert stats.mean == pytest.approx(p.mean(), rel=1e-12, abs=1e-12)
    assert stats.std == pytest.approx(p.std(ddof=1), rel=1e-12)
    assert (stats.worst, stats.best) == (p.min(), p.max())
    losses = np.sort(-p)
    for c, var, cvar in ((0.95, stats.var95, stats.cvar95), (0.99, stats.var99, stats.cvar99)):
        # simulate.h: the lower c quantile of the loss (numpy's inverted_cdf), and the Acerbi-Tasche
        # expected shortfall: the mean of the loss quantile over (c, 1]; (1 - c) n is not whole here
        assert var == np.quantile(losses, c, method="inverted_cdf")
        k = math.ceil(c * p.size - 1e-9)
        es = ((k / p.size - c) * losses[k - 1] + losses[k:].sum() / p.size) / (1 - c)
        assert cvar == pytest.approx(es, rel=1e-12)
        assert cvar != pytest.approx(losses[k - 1:].mean(), rel=1e-9)  # not the mean of whole samples
    assert stats.std_over_price == pytest.approx(stats.std / (5.0 * stats.option_price), rel=1e-12)
    # without pnl, the same statistics
    again = lh.run_simulation(lh.Paths.gbm(100.0, 0.3), lh.SimOption("put", -5.0, 95.0, 0.5, 0.25, rate=0.02),
                              lh.Policy.calendar(7.0), n_paths=1999, steps=26, seed=3, pnl=False)
    assert again.pnl is None and again.mean == stats.mean and again.cvar99 == stats.cvar99


@pytest.mark.parametrize("path_vol,hedge_vol", [(0.6, 0.6), (0.75, 0.5)])
def test_delta_hedged_call_matches_an_independent_numpy_monte_carlo(path_vol, hedge_vol):
    # a written call, hedged daily for 30 days; numpy's own GBM paths, so the two samples are
    # independent and their means and standard deviations agree within their standard errors
    S0, K, T, r, mu, q, steps = 50000.0, 52000.0, 30 / 365, 0.04, 0.15, -2.0, 30
    n = 20000
    stats = lh.run_simulation(lh.Paths.gbm(S0, path_vol, drift=mu), lh.SimOption("call", q, K, T, hedge_vol, rate=r),
                              lh.Policy.delta_band(0.0), n_paths=n, steps=steps, seed=2024)
    rng = np.random.default_rng(99)
    dt = T / steps
    z = rng.standard_normal((n, steps))
    logS = np.log(S0) + np.cumsum((mu - 0.5 * path_vol ** 2) * dt + path_vol * math.sqrt(dt) * z, axis=1)
    S = np.exp(np.hstack([np.full((n, 1), math.log(S0)), logS]))
    pnl, _, _ = np_delta_hedge(S, q, K, T, r, hedge_vol)

    a, b = stats.pnl, pnl
    se_mean = math.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n)
    assert abs(a.mean() - b.mean()) < 4 * se_mean, (a.mean(), b.mean(), se_mean)

    def se_std(x):  # delta method: Var(s) ~ s^2 (kurtosis - 1) / (4 n)
        k = np.mean((x - x.mean()) ** 4) / x.var() ** 2
        return x.std(ddof=1) * math.sqrt((k - 1) / (4 * len(x)))
    assert abs(a.std(ddof=1) - b.std(ddof=1)) < 4 * math.hypot(se_std(a), se_std(b))
    if path_vol > hedge_vol:
        # a call written at too low a vol loses money on average: the test can tell them apart
        assert a.mean() < -10 * se_mean


def test_results_are_reproducible_by_seed_and_across_threads():
    args = (lh.Paths.merton(100.0, 0.4, 3.0, -0.05, 0.1), lh.SimOption("call", -1.0, 100.0, 0.1, 0.45),
            lh.Policy.whalley_wilmott(1e-2, 0.001), lh.SimHedge.spot(cost_rate=0.001))
    one = lh.run_simulation(*args, n_paths=500, steps=36, seed=9, threads=1)
    two = lh.run_simulation(*args, n_paths=500, steps=36, seed=9, threads=2)
    np.testing.assert_array_equal(one.pnl, two.pnl)
    assert one.std == two.std and one.var99 == two.var99
    other = lh.run_simulation(*args, n_paths=500, steps=36, seed=10)
    assert not np.array_equal(one.pnl, other.pnl)
    # path p is path p whatever the window asked for
    every = lh.generate_paths(args[0], 0.1, 36, seed=9, n_paths=6)
    np.testing.assert_array_equal(lh.generate_paths(args[0], 0.1, 36, seed=9, first_path=4, n_paths=2), every[4:])


def test_gbm_paths_have_the_log_normal_moments():
    mu, sigma, T, steps, n = 0.2, 0.8, 1.0, 12, 20000
    S = lh.generate_paths(lh.Paths.gbm(100.0, sigma, drift=mu), T, steps, seed=5, n_paths=n)
    assert (S[:, 0] == 100.0).all()
    x = np.diff(np.log(S), axis=1).ravel()
    dt = T / steps
    assert abs(x.mean() - (mu - 0.5 * sigma ** 2) * dt) < 4 * sigma * math.sqrt(dt / x.size)
    assert abs(x.var() / (sigma ** 2 * dt) - 1) < 4 * math.sqrt(2 / x.size)
    # E[S_T] = S_0 e^{mu T}
    st = S[:, -1]
    assert abs(st.mean() - 100.0 * math.exp(mu * T)) < 4 * st.std() / math.sqrt(n)


def test_replay_windows_are_the_series_scaled_to_its_first_price():
    prices = np.array([100.0, 102.0, 99.0, 101.0, 104.0, 103.0])
    steps = 3
    got = lh.generate_paths(lh.Paths.replay(prices, windows=True), 3 / 365, steps, n_paths=3)
    for k in range(3):
        np.testing.assert_allclose(got[k], prices[k:k + steps + 1] * prices[0] / prices[k], rtol=1e-15)
    # n_paths 0: every window the series gives (len - steps)
    stats = lh.run_simulation(lh.Paths.replay(prices, windows=True), lh.SimOption("call", -1.0, 100.0, 3 / 365, 0.5),
                              lh.Policy.delta_band(0.0), n_paths=0, steps=steps)
    assert stats.paths == 3 and stats.pnl.size == 3
    pnl, _, _ = np_delta_hedge(got, -1.0, 100.0, 3 / 365, 0.0, 0.5)
    np.testing.assert_allclose(stats.pnl, pnl, atol=1e-10)
    with pytest.raises(lh.InvalidArgumentError):
        lh.generate_paths(lh.Paths.replay(prices[:3]), 1.0, steps)  # too short for 3 steps


# ---- progress and cancellation ---------------------------------------------------------------


ARGS = (lh.Paths.gbm(100.0, 0.5), lh.SimOption("call", -1.0, 100.0, 0.25, 0.5), lh.Policy.calendar(1.0))


@pytest.mark.parametrize("threads", [1, 2])
def test_progress_is_reported_up_to_the_total(threads):
    seen = []
    stats = lh.run_simulation(*ARGS, n_paths=3000, steps=20, threads=threads,
                              progress=lambda done, total: seen.append((done, total)))
    assert seen and all(t == 3000 for _, t in seen)
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == 3000
    assert stats.paths == 3000


def test_a_true_return_cancels_the_run():
    calls = []

    def stop(done, total):
        calls.append(done)
        return True
    with pytest.raises(lh.CancelledError) as e:
        lh.run_simulation(*ARGS, n_paths=3000, steps=20, progress=stop)
    assert e.value.status == lh.Status.CANCELLED
    assert len(calls) == 1
    # cancelling at the very end still writes nothing and raises
    with pytest.raises(lh.CancelledError):
        lh.run_simulation(*ARGS, n_paths=300, steps=20, progress=lambda d, t: d == t)


@pytest.mark.parametrize("exc", [ValueError("from the callback"), KeyboardInterrupt()])
def test_an_exception_in_the_callback_cancels_the_run_and_is_raised(exc):
    def boom(done, total):
        raise exc
    with pytest.raises(type(exc)) as e:
        lh.run_simulation(*ARGS, n_paths=3000, steps=20, threads=2, progress=boom)
    assert e.value is exc
    # the process and the library are fine afterwards
    assert lh.run_simulation(*ARGS, n_paths=100, steps=20).paths == 100


# ---- configs ---------------------------------------------------------------------------------


def test_the_example_config_reads_into_its_parts_and_runs_them():
    spec = json.loads(EXAMPLE.read_text())["simulate"]
    with lh.SimConfig.from_json(str(EXAMPLE)) as cfg:
        paths, opt, hedge = cfg.paths, cfg.option, cfg.hedge
        assert paths.model == lh.PathModel.GBM and paths.spot == spec["paths"]["spot"]
        assert paths.vol == spec["paths"]["vol"]
        assert opt.type == lh.OptionType.CALL and opt.quantity == spec["option"]["quantity"]
        assert opt.expiry == pytest.approx(spec["option"]["expiry_days"] / 365, rel=1e-15)
        assert opt.hedge_vol == spec["option"]["hedge_vol"] and opt.rate == spec["option"]["rate"]
        assert hedge.instrument == lh.HedgeInstrument.PERPETUAL
        assert hedge.funding_rate == spec["hedge"]["funding_rate"]
        assert hedge.cost_rate == spec["costs"]["proportional"] and hedge.fixed_cost == spec["costs"]["fixed"]
        assert cfg.settings == {"n_paths": spec["run"]["paths"], "steps": spec["run"]["steps"],
                                "seed": spec["run"]["seed"], "threads": spec["run"]["threads"]}
        named = cfg.policies
        assert [n for n, _ in named] == [p["name"] for p in spec["policies"]]
        # policies assume the config's costs unless they say otherwise
        assert all(p.cost_rate == spec["costs"]["proportional"] for _, p in named)
        weekly = dict(named)["weekly"]
        assert weekly.rule == lh.RebalanceRule.CALENDAR and weekly.interval_days == 7
        assert cfg.replay_csv is None

        small = dict(n_paths=200, steps=60, threads=1)
        daily = cfg.run("daily", **small)
        direct = lh.run_simulation(paths, opt, dict(named)["daily"], hedge, seed=spec["run"]["seed"], **small)
        np.testing.assert_array_equal(daily.pnl, direct.pnl)
        every = cfg.run(**small)
        assert list(every) == [p["name"] for p in spec["policies"]]
        np.testing.assert_array_equal(every["daily"].pnl, daily.pnl)
        np.testing.assert_array_equal(cfg.run(1, **small).pnl, daily.pnl)
        with pytest.raises(KeyError):
            cfg.run("monthly", **small)


def test_an_inline_replay_config_carries_its_prices():
    doc = {"simulate": {"paths": {"model": "replay", "prices": [100, 101, 99, 102, 103], "windows": True},
                        "option": {"type": "put", "quantity": 1, "strike": 100, "expiry_days": 2, "hedge_vol": 0.5},
                        "run": {"steps": 2},
                        "policies": [{"rule": "delta_band", "band": 0}]}}
    cfg = lh.SimConfig.read_json(json.dumps(doc), "replay.json")
    np.testing.assert_array_equal(cfg.paths.prices, [100, 101, 99, 102, 103])
    assert cfg.paths.windows
    stats = cfg.run(n_paths=0)["delta_band"]
    assert stats.paths == 3
    cfg.close()


def test_config_errors_name_the_place():
    with pytest.raises(lh.ParseError) as e:
        lh.SimConfig.read_json('{"simulate": {"paths": {"model": "brownian"}}}', "bad.json")
    assert e.value.status == lh.Status.PARSE and e.value.message.startswith("bad.json:1:")
    with pytest.raises(lh.HedgeIOError):
        lh.SimConfig.load_json("/nonexistent/sim.json")


# ---- errors and memory -----------------------------------------------------------------------


def test_bad_input_raises_with_the_status():
    paths, opt, pol = ARGS
    with pytest.raises(lh.DomainError) as e:
        lh.run_simulation(paths, lh.SimOption("call", -1.0, -100.0, 0.25, 0.5), pol, n_paths=10, steps=5)
    assert e.value.status == lh.Status.DOMAIN and "strike" in e.value.message
    with pytest.raises(lh.InvalidArgumentError) as e:
        lh.run_simulation(paths, opt, pol, n_paths=10, steps=0)
    assert e.value.status == lh.Status.INVALID_ARG
    with pytest.raises(lh.InvalidArgumentError):
        lh.run_simulation(paths, opt, pol, lh.SimHedge.spot(latency_steps=5), n_paths=10, steps=5)
    with pytest.raises(lh.DomainError):
        lh.run_simulation(lh.Paths.gbm(100.0, -0.5), opt, pol, n_paths=10, steps=5)
    with pytest.raises(lh.DomainError):
        # Leland for a long option rebalanced every step of 1/1000 day at 1%: a negative variance
        lh.run_simulation(paths, lh.SimOption("call", 1.0, 100.0, 0.25, 0.5), lh.Policy.leland(0.01, 1 / 1000),
                          n_paths=10, steps=5)
    with pytest.raises(lh.DomainError):
        lh.generate_paths(lh.Paths.gbm(100.0, 0.5), -1.0, 5)
    with pytest.raises(ValueError):
        lh.Paths(model="lognormal")
    with pytest.raises(ValueError):
        lh.SimOption("straddle", 1.0, 100.0, 0.25, 0.5)


def test_run_allocates_through_the_context_and_frees_everything():
    tracker = lh.TrackingAllocator()
    ctx = lh.Context(allocator=tracker)
    live, made = tracker.live_blocks, tracker.allocations  # the context's own
    lh.run_simulation(*ARGS, n_paths=200, steps=10, threads=2, ctx=ctx)
    assert tracker.allocations > made and tracker.live_blocks == live
    failing = lh.Context(allocator=lh.TrackingAllocator(fail_after=1))  # the context, then nothing
    with pytest.raises(lh.NoMemoryError) as e:
        lh.run_simulation(*ARGS, n_paths=200, steps=10, ctx=failing)
    assert e.value.status == lh.Status.NOMEM
