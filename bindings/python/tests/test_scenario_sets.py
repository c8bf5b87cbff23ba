"""Historical and sampled scenario sets, VaR and expected shortfall, against numpy and scipy."""
import math

import numpy as np
import pytest
from scipy import stats

import libhedge as lh

NAMES = ["BTC", "ETH", "SOL"]


def _history(n_obs=60, seed=1):
    g = np.random.default_rng(seed)
    prices = 100.0 * np.exp(np.cumsum(g.normal(0, 0.03, (n_obs, 3)), axis=0))
    vols = 0.5 + 0.1 * np.abs(np.cumsum(g.normal(0, 0.1, (n_obs, 3)), axis=0))
    return prices, vols


def test_historical_moves_are_numpy_ratios_and_differences():
    prices, vols = _history()
    h = 5
    spot, vol_abs = lh.historical_scenarios(NAMES, prices, h, vols, days=5.0, as_arrays=True)
    np.testing.assert_allclose(spot, prices[h:] / prices[:-h] - 1.0, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(vol_abs, vols[h:] - vols[:-h], rtol=1e-14, atol=1e-15)
    scenarios = lh.historical_scenarios(NAMES, prices, h, vols, days=5.0)
    assert len(scenarios) == len(prices) - h
    s = scenarios[7]
    assert s.days == 5.0 and [x.underlying for x in s.shifts] == NAMES
    assert [x.spot for x in s.shifts] == pytest.approx(prices[7 + h] / prices[7] - 1.0, rel=1e-14)
    spot0, vol0 = lh.historical_scenarios(NAMES, prices, 1, as_arrays=True)
    assert spot0.shape == (len(prices) - 1, 3) and not vol0.any()


def test_historical_scenarios_revalue_the_book_like_a_moved_spot(market, market_text):
    """One move per underlying of the example book: the engine's P&L under the historical scenario
    equals its P&L under the same Shift objects written by hand."""
    book = lh.Portfolio.read_json(market, market_text)
    names = sorted({p.instrument.underlying for p in book})
    prices = np.array([[1.0 + 0.1 * i for i in range(len(names))], [1.05 + 0.08 * i for i in range(len(names))]])
    (sc,) = lh.historical_scenarios(names, prices, 1)
    by_hand = lh.Scenario(tuple(lh.Shift(u, prices[1, i] / prices[0, i] - 1.0) for i, u in enumerate(names)))
    np.testing.assert_array_equal(lh.run_scenarios(book, market, [sc]).totals(),
                                  lh.run_scenarios(book, market, [by_hand]).totals())


def test_historical_bad_inputs():
    prices, vols = _history(10)
    with pytest.raises(lh.InvalidArgumentError):
        lh.historical_scenarios(NAMES, prices, 1, vols[:, :2])
    with pytest.raises(lh.InvalidArgumentError):
        lh.historical_scenarios(NAMES[:2], prices, 1)
    for h in (0, 10, 11):
        with pytest.raises(lh.InvalidArgumentError):
            lh.historical_scenarios(NAMES, prices, h)
    for bad in (0.0, -1.0, math.nan, math.inf):
        p = prices.copy()
        p[4, 1] = bad
        with pytest.raises(lh.DomainError, match="ETH at observation 4"):
            lh.historical_scenarios(NAMES, p, 2)
    v = vols.copy()
    v[3, 0] = -0.1
    with pytest.raises(lh.DomainError):
        lh.historical_scenarios(NAMES, prices, 2, v)
    with pytest.raises(lh.InvalidArgumentError):
        lh.historical_scenarios(["BTC", "BTC", "SOL"], prices, 2)


VOLS = np.array([0.8, 0.5, 0.3])
CORR = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])


def test_sampled_log_moves_have_the_asked_distribution():
    n, days = 20000, 30.0
    t = days / 365.0
    spot, vol_abs = lh.sample_scenarios(NAMES, VOLS, CORR, days, n, seed=5, as_arrays=True)
    assert spot.shape == (n, 3) and not vol_abs.any()
    y = np.log1p(spot)
    s2 = VOLS**2 * t
    assert np.all(np.abs(y.mean(axis=0) + s2 / 2) < 5 * np.sqrt(s2 / n))
    assert np.all(np.abs(y.var(axis=0, ddof=1) - s2) < 5 * s2 * math.sqrt(2 / (n - 1)))
    assert np.all(np.abs(spot.mean(axis=0)) < 5 * np.sqrt(np.expm1(s2) / n))  # zero drift: E[move] = 0
    r = np.corrcoef(y, rowvar=False)
    assert np.all(np.abs(r - CORR) <= 5 * (1 - CORR**2) / math.sqrt(n) + 1e-12)
    z = (y + s2 / 2) / np.sqrt(s2)
    for u in range(3):  # each margin normal (Kolmogorov-Smirnov)
        assert stats.kstest(z[:, u], "norm").pvalue > 1e-4
    # the Cholesky factor's e = L^-1 z: independent standard normals
    e = np.linalg.solve(np.linalg.cholesky(CORR), z.T).T
    assert np.all(np.abs(np.corrcoef(e, rowvar=False) - np.eye(3)) < 5 / math.sqrt(n))


def test_sampled_chunks_concatenate_exactly():
    whole, _ = lh.sample_scenarios(NAMES, VOLS, CORR, 7.0, 500, seed=99, as_arrays=True)
    parts = [lh.sample_scenarios(NAMES, VOLS, CORR, 7.0, b - a, seed=99, k_begin=a, as_arrays=True)[0]
             for a, b in ((0, 123), (123, 124), (124, 500))]
    assert np.array_equal(np.concatenate(parts), whole)
    other, _ = lh.sample_scenarios(NAMES, VOLS, CORR, 7.0, 500, seed=100, as_arrays=True)
    assert not np.any(other == whole)
    sc = lh.sample_scenarios(NAMES, VOLS, CORR, 7.0, 3, seed=99)
    assert [[s.spot for s in x.shifts] for x in sc] == whole[:3].tolist() and sc[0].days == 7.0


def test_singular_correlation_works_and_indefinite_is_refused():
    a = np.array([0.0, 1.0, 2.5])
    corr = np.cos(a[:, None] - a[None, :])  # Gram matrix of three unit vectors in a plane: rank 2
    assert np.linalg.matrix_rank(corr, tol=1e-10) == 2
    spot, _ = lh.sample_scenarios(NAMES, [0.5, 0.5, 0.5], corr, 10.0, 4000, seed=3, as_arrays=True)
    t = 10.0 / 365.0
    z = (np.log1p(spot) + 0.125 * t) / (0.5 * math.sqrt(t))
    assert np.abs(np.corrcoef(z, rowvar=False) - corr).max() < 5 * 2 / math.sqrt(4000)
    coef, *_ = np.linalg.lstsq(z[:, :2], z[:, 2], rcond=None)  # exactly a combination of the first two
    np.testing.assert_allclose(z[:, :2] @ coef, z[:, 2], atol=1e-8)
    bad = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    assert np.linalg.eigvalsh(bad).min() < 0
    with pytest.raises(lh.DomainError, match="positive semi-definite"):
        lh.sample_scenarios(NAMES, VOLS, bad, 1.0, 10)
    with pytest.raises(lh.DomainError):
        lh.sample_scenarios(NAMES, VOLS, CORR + 0.01 * np.eye(3), 1.0, 10)  # diagonal not 1
    with pytest.raises(lh.InvalidArgumentError):
        lh.sample_scenarios(NAMES, VOLS, CORR[:2, :2], 1.0, 10)


def _numpy_var_es(pnl, level, p=None):
    """The lower quantile of the loss by cumulative sums, and ES as the integral of the quantile."""
    loss = -np.asarray(pnl, float)
    p = np.full(loss.size, 1.0 / loss.size) if p is None else np.asarray(p, float)
    order = np.lexsort((p, loss))
    loss, p = loss[order], p[order]
    c = np.cumsum(p)
    var = loss[np.searchsorted(c, level - 1e-12)]
    lo = np.maximum(np.concatenate(([0.0], c[:-1])), level)
    w = np.clip(c - lo, 0.0, None)
    return var, float(np.sum(w * loss) / (1 - level))


def test_var_and_es_against_numpy():
    g = np.random.default_rng(11)
    pnl = np.round(g.normal(0, 50, 3000))  # whole numbers: atoms
    p = g.uniform(0.1, 1.0, pnl.size)
    p /= p.sum()
    for level in (0.5, 0.9, 0.95, 0.99, 0.999):
        var, es = lh.scenario_var(pnl, level)
        assert var == np.quantile(-pnl, level, method="inverted_cdf")
        v2, e2 = _numpy_var_es(pnl, level)
        assert var == v2 and es == pytest.approx(e2, rel=1e-10) and es >= var
        var, es = lh.scenario_var(pnl, level, p)
        v2, e2 = _numpy_var_es(pnl, level, p)
        assert var == v2 and es == pytest.approx(e2, rel=1e-9)


def test_var_and_es_of_a_normal_sample_match_scipy():
    g = np.random.default_rng(4)
    n, sigma, level = 200000, 1000.0, 0.975
    var, es = lh.scenario_var(g.normal(0, sigma, n), level)
    z = stats.norm.ppf(level)
    assert var == pytest.approx(sigma * z, rel=0.02)
    assert es == pytest.approx(sigma * stats.norm.pdf(z) / (1 - level), rel=0.02)


def test_var_and_es_textbook_atom():
    # loss 0 w.p. 0.94, 10 w.p. 0.04, 100 w.p. 0.02 at 95%: VaR 10, ES (2 + 0.3) / 0.05 = 46
    var, es = lh.scenario_var([-100.0, 0.0, -10.0], 0.95, [0.02, 0.94, 0.04])
    assert var == 10.0 and es == pytest.approx(46.0, rel=1e-12)


def test_var_bad_inputs():
    with pytest.raises(lh.DomainError):
        lh.scenario_var([1.0, math.nan], 0.9)
    for level in (0.0, 1.0, 1.5, math.nan):
        with pytest.raises(lh.DomainError):
            lh.scenario_var([1.0, 2.0], level)
    with pytest.raises(lh.DomainError):
        lh.scenario_var([1.0, 2.0], 0.9, [0.5, 0.6])
    with pytest.raises(lh.DomainError):
        lh.scenario_var([1.0, 2.0], 0.9, [-0.5, 1.5])
    with pytest.raises(lh.InvalidArgumentError):
        lh.scenario_var([1.0, 2.0], 0.9, [1.0])
    with pytest.raises(lh.InvalidArgumentError):
        lh.scenario_var([], 0.9)
