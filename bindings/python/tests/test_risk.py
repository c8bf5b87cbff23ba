"""Portfolios, aggregation, scenarios, margin and liquidation."""
import math

import numpy as np
import pytest

import libhedge as lh


@pytest.fixture
def book(market, market_text):
    with lh.Portfolio.read_json(market, market_text) as p:
        yield p


def test_portfolio_add_update_remove_find(market):
    p = lh.Portfolio()
    a, b = market.instrument(0), market.instrument(1)
    p.add(a, 3.0, 0.0)
    p.add(b, -2.0, 0.01)
    assert len(p) == 2 and a.symbol in p
    with pytest.raises(lh.ExistsError) as e:
        p.add(a, 1.0)
    assert e.value.status == lh.Status.EXISTS
    p.update(b.symbol, 5.0, 0.02)
    pos = p.find(b.symbol)
    assert (pos.symbol, pos.quantity, pos.entry_price) == (b.symbol, 5.0, 0.02)
    p.remove(a.symbol)
    assert a.symbol not in p and len(p) == 1
    with pytest.raises(lh.NotFoundError):
        p.find(a.symbol)
    with pytest.raises(lh.DomainError):
        p.update(b.symbol, math.nan)
    assert [x.symbol for x in p] == [b.symbol]
    back = lh.Portfolio.read_json(market, p.to_json(market))
    assert [(x.symbol, x.quantity) for x in back] == [(b.symbol, 5.0)]


def test_risk_totals_equal_the_sum_of_per_position_valuations(market, book):
    risk = lh.Risk(book, market, per_position=True)
    total = risk.total()
    vals = [(pos.quantity, market.value(pos.instrument)) for pos in book]
    for field in ("value_usd", "delta_usd", "vega_usd", "theta_usd"):
        assert total[field] == pytest.approx(math.fsum(q * getattr(v, field) for q, v in vals), rel=1e-12), field
    assert total["positions"] == len(book)
    by_u = risk.rows("underlying")
    assert {r["underlying"] for r in by_u} == {"BTC", "ETH"}
    for field in ("value_usd", "delta_usd", "gamma_usd", "vega_usd"):
        assert sum(r[field] for r in by_u) == pytest.approx(total[field], rel=1e-12)
    rows = risk.rows("position")
    assert [r["symbol"] for r in rows] == [pos.symbol for pos in book]
    table = risk.table("expiry")
    assert table.dtype == lh.ROW_DTYPE and table["vega_usd"].sum() == pytest.approx(total["vega_usd"], rel=1e-12)
    assert len(risk.rows("tenor")) >= 2


def test_beta_weighted_delta(market, book):
    risk = lh.Risk(book, market, beta_reference="BTC", betas={"ETH": 1.5})
    rows = {r["underlying"]: r for r in risk.rows()}
    assert rows["ETH"]["beta_delta_usd"] == pytest.approx(1.5 * rows["ETH"]["delta_usd"], rel=1e-12)
    assert risk.total()["beta_delta_ref"] == pytest.approx(risk.total()["beta_delta_usd"] / market.snapshot.spot("BTC"))


def test_scenario_matrix_view_copy_and_totals(market, book):
    grid = lh.scenario_grid(0.1, 2, (-0.2, 0.0, 0.3))
    assert len(grid) == 15 and grid[7].shifts[0].spot == 0.0 and grid[7].shifts[0].vol_rel == 0.0
    pnl = lh.run_scenarios(book, market, grid, threads=2)
    assert pnl.shape == (len(book), 15)
    view = pnl.matrix(copy=False)
    assert not view.flags.writeable
    m = pnl.matrix()
    assert np.array_equal(m, view)
    assert pnl.totals() == pytest.approx(m.sum(axis=0), rel=1e-12)
    assert np.abs(m[:, 7]).max() < 1e-6 * np.abs(m).max()  # the unshifted scenario
    assert pnl.symbols == [p.symbol for p in book]
    # one underlying moved alone
    only_btc = lh.run_scenarios(book, market, [lh.Scenario((lh.Shift("BTC", spot=0.05),))]).matrix()[:, 0]
    eth = np.array([p.instrument.underlying == "ETH" for p in book])
    assert (only_btc[eth] == 0).all() and (only_btc[~eth] != 0).any()
    with pytest.raises(lh.DomainError):
        lh.run_scenarios(book, market, [lh.Scenario((lh.Shift(None, spot=-1.5),))])


def test_margin_is_the_worst_grid_loss_plus_addon(market, book):
    res = lh.portfolio_margin(book, market)
    grid = lh.scenario_grid(0.16, 8, (-0.30, 0.0, 0.45))
    worst = -lh.run_scenarios(book, market, grid).totals().min()
    assert res.worst_loss == pytest.approx(worst, rel=1e-9)
    assert res.margin == pytest.approx(max(res.worst_loss + res.addon, 0.0))
    assert res.scenarios == len(grid)


def test_liquidation_prices_follow_the_documented_formulas():
    q, m, E, c, mmr = 2.0, 1.0, 50000.0, 10000.0, 0.005
    lp = lh.liquidation_price("linear", m, q, E, c, mmr)
    assert lp == pytest.approx((q * m * E - c) / (q * m - mmr * abs(q) * m), rel=1e-12)
    qi, mi, ci = 1000.0, 10.0, 0.5
    lpi = lh.liquidation_price("inverse", mi, qi, E, ci, mmr)
    assert lpi == pytest.approx((qi * mi + mmr * qi * mi) / (ci + qi * mi / E), rel=1e-12)
    cross = lh.cross_liquidation_price([lh.CrossPosition("linear", m, q, E, mmr)], c, E)
    assert cross == pytest.approx(lp, rel=1e-9)
    with pytest.raises(lh.DomainError):
        lh.liquidation_price("linear", m, q, E, c, 1.5)


def test_aggregate_columns_matches_numpy():
    rng = np.random.default_rng(1)
    bucket = rng.integers(0, 4, 10000).astype(np.uint32)
    cols = [rng.normal(size=10000), rng.normal(size=10000)]
    sums = lh.aggregate_columns(bucket, cols, 4)
    for b in range(4):
        for c in range(2):
            assert sums[b, c] == pytest.approx(math.fsum(cols[c][bucket == b]), rel=1e-12, abs=1e-12)
    with pytest.raises(lh.InvalidArgumentError):
        lh.aggregate_columns(bucket, cols, 3)
    # ids of a wider dtype that do not fit 32 bits are refused, not wrapped into bucket 1
    wide = bucket.astype(np.int64)
    wide[7] = 2**32 + 1
    with pytest.raises(ValueError):
        lh.aggregate_columns(wide, cols, 4)
    wide[7] = -3
    with pytest.raises(ValueError):
        lh.aggregate_columns(wide, cols, 4)
    with pytest.raises(TypeError):
        lh.aggregate_columns(bucket.astype(np.float64), cols, 4)
    # int64 ids in range give the same sums as uint32 ones
    assert np.array_equal(lh.aggregate_columns(bucket.astype(np.int64), cols, 4), sums)


def test_pnl_explain_adds_up(market, book, market_text):
    explain = lh.pnl_explain(book, market, market)
    assert explain["actual"] == 0.0
    parts = ("delta", "gamma", "vega", "theta", "funding", "residual")
    assert sum(explain[k] for k in parts) == pytest.approx(explain["actual"], abs=1e-6)
