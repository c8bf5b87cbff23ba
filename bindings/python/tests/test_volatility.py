"""Volatility forecasting through the binding, against numpy written here from the textbook
formulas: the five realised-volatility estimators on random bars, the EWMA recursion, the GARCH
variance recursion and log-likelihood at the fitted parameters, its maximum checked by scipy's
optimizer on a numpy likelihood, forecasts from the fitted parameters by iterating E h, the
simulator's paths against the recursion they must obey; the estimators' consistency on GBM bars
with a known volatility; errors."""
import math

import numpy as np
import pytest

import libhedge as lh

LN2 = math.log(2.0)


def gbm_bars(n, sigma, ppy=365.0, ticks=200, gap_share=0.0, drift=0.0, seed=1, continuity=False):
    """n OHLC bars of a GBM with annual volatility sigma sampled ``ticks`` times a bar (numpy's
    generator). With gap_share > 0, that share of each bar's variance happens between one bar's
    close and the next one's open (an opening gap). continuity: widen each high and low by
    Broadie, Glasserman and Kou's correction 0.5826 sigma sqrt(tick), which makes the extremes of
    the sampled path estimate those of the continuous one."""
    rng = np.random.default_rng(seed)
    var = sigma * sigma / ppy
    intraday = math.sqrt((1.0 - gap_share) * var / ticks)
    gaps = rng.normal(0.0, math.sqrt(gap_share * var), n) if gap_share else np.zeros(n)
    steps = rng.normal((drift / ppy - 0.5 * var) / ticks, intraday, (n, ticks))
    o, h, lo, c = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    last = math.log(100.0)
    for i in range(n):
        start = last + gaps[i]
        path = start + np.concatenate(([0.0], np.cumsum(steps[i])))
        widen = 0.5826 * intraday if continuity else 0.0
        o[i], h[i], lo[i], c[i] = start, path.max() + widen, path.min() - widen, path[-1]
        last = path[-1]
    return np.exp(o), np.exp(h), np.exp(lo), np.exp(c)


# ---- realised volatility: the five estimators written out -----------------------------------


def np_close_to_close(o, h, lo, c, ppy):
    r = np.diff(np.log(c))
    return math.sqrt(ppy * r.var(ddof=1))


def np_parkinson(o, h, lo, c, ppy):
    return math.sqrt(ppy * np.mean(np.log(h / lo) ** 2) / (4.0 * LN2))


def np_garman_klass(o, h, lo, c, ppy):
    v = 0.5 * np.log(h / lo) ** 2 - (2.0 * LN2 - 1.0) * np.log(c / o) ** 2
    return math.sqrt(ppy * v.mean())


def _rs_terms(o, h, lo, c):
    return np.log(h / c) * np.log(h / o) + np.log(lo / c) * np.log(lo / o)


def np_rogers_satchell(o, h, lo, c, ppy):
    return math.sqrt(ppy * _rs_terms(o, h, lo, c).mean())


def np_yang_zhang(o, h, lo, c, ppy):
    # periods 1 .. n-1: the first bar only gives the close the first gap starts from
    m = len(c) - 1
    overnight = np.log(o[1:] / c[:-1])
    open_close = np.log(c[1:] / o[1:])
    k = 0.34 / (1.34 + (m + 1) / (m - 1))
    v = overnight.var(ddof=1) + k * open_close.var(ddof=1) + (1 - k) * _rs_terms(o[1:], h[1:], lo[1:], c[1:]).mean()
    return math.sqrt(ppy * v)


ESTIMATORS = [
    (lh.VolEstimator.CLOSE_TO_CLOSE, np_close_to_close),
    (lh.VolEstimator.PARKINSON, np_parkinson),
    (lh.VolEstimator.GARMAN_KLASS, np_garman_klass),
    (lh.VolEstimator.ROGERS_SATCHELL, np_rogers_satchell),
    (lh.VolEstimator.YANG_ZHANG, np_yang_zhang),
]


@pytest.mark.parametrize("est,reference", ESTIMATORS, ids=[e.name for e, _ in ESTIMATORS])
@pytest.mark.parametrize("n", [3, 17, 500])
def test_realized_vol_matches_the_textbook_formula(est, reference, n):
    o, h, lo, c = gbm_bars(n, 0.7, ppy=8760.0, ticks=30, gap_share=0.2, drift=0.5, seed=n)
    got = lh.realized_vol(est, open=o, high=h, low=lo, close=c, periods_per_year=8760.0)
    assert got == pytest.approx(reference(o, h, lo, c, 8760.0), rel=1e-12)
    # the name works as well as the enum, and the arrays the estimator does not read are not needed
    only = {"close_to_close": ("close",), "parkinson": ("high", "low")}.get(est.name.lower())
    if only:
        bars = dict(open=o, high=h, low=lo, close=c)
        assert lh.realized_vol(est.name.lower(), **{k: bars[k] for k in only}, periods_per_year=8760.0) == got


@pytest.mark.parametrize("est", [e for e, _ in ESTIMATORS])
def test_realized_vol_estimates_the_volatility_of_gbm_bars(est):
    # 4000 daily bars of a 60% GBM: every estimator within a few of its standard errors of 0.6.
    # The bars' highs and lows carry the continuity correction for the 400 ticks they are sampled
    # at (without it the range estimators come out 3-5% low); 1% is left for what it misses.
    sigma, n = 0.6, 4000
    o, h, lo, c = gbm_bars(n, sigma, ticks=400, seed=7, continuity=True)
    got = lh.realized_vol(est, open=o, high=h, low=lo, close=c)
    se = sigma / math.sqrt(2 * n)  # of the close-to-close estimate; the range estimators are tighter
    assert abs(got - sigma) < 4 * se + (0.01 * sigma if est != lh.VolEstimator.CLOSE_TO_CLOSE else 0.0)


def test_realized_vol_rejects_bad_bars_with_the_index():
    o, h, lo, c = gbm_bars(10, 0.5, seed=3)
    bad = c.copy()
    bad[4] = h[4] * 1.01  # a close above its high
    with pytest.raises(lh.DomainError) as e:
        lh.realized_vol("garman_klass", open=o, high=h, low=lo, close=bad)
    assert e.value.status == lh.Status.DOMAIN and "4" in e.value.message
    neg = lo.copy()
    neg[2] = -1.0
    with pytest.raises(lh.DomainError):
        lh.realized_vol("parkinson", high=h, low=neg)
    with pytest.raises(lh.InvalidArgumentError) as e:
        lh.realized_vol("close_to_close", close=c[:2])  # needs 3 closes
    assert e.value.status == lh.Status.INVALID_ARG
    with pytest.raises(lh.InvalidArgumentError):
        lh.realized_vol("rogers_satchell", high=h, low=lo, close=c)  # no opens
    with pytest.raises(lh.DomainError):
        lh.realized_vol("parkinson", high=h, low=lo, periods_per_year=0.0)
    with pytest.raises(ValueError):
        lh.realized_vol("parkinson", high=h, low=lo[:5])  # lengths differ: caught before C
    with pytest.raises(ValueError):
        lh.realized_vol("median", close=c)


# ---- EWMA ------------------------------------------------------------------------------------


def np_ewma(r, lam, seed_var, ppy):
    s2 = seed_var if seed_var > 0 else np.mean(r[:min(len(r), 30)] ** 2)
    series = []
    for x in r:
        series.append(math.sqrt(ppy * s2))
        s2 = lam * s2 + (1 - lam) * x * x
    return math.sqrt(ppy * s2), np.array(series)


@pytest.mark.parametrize("n,lam,seed_var", [(1, 0.94, 0.0), (25, 0.94, 0.0), (300, 0.97, 0.0), (300, 0.9, 4e-4)])
def test_ewma_follows_the_riskmetrics_recursion(n, lam, seed_var):
    r = np.random.default_rng(n).standard_t(4, n) * 0.02
    want, want_series = np_ewma(r, lam, seed_var, 365.0)
    got, series = lh.ewma_vol(r, lam, initial_variance=seed_var, series=True)
    assert got == pytest.approx(want, rel=1e-12)
    np.testing.assert_allclose(series, want_series, rtol=1e-12)
    assert lh.ewma_vol(r, lam, initial_variance=seed_var, periods_per_year=252.0) == pytest.approx(
        want * math.sqrt(252 / 365), rel=1e-12)


def test_ewma_rejects_bad_input():
    r = np.full(5, 0.01)
    for lam in (0.0, 1.0, math.nan):
        with pytest.raises(lh.DomainError):
            lh.ewma_vol(r, lam)
    with pytest.raises(lh.DomainError):
        lh.ewma_vol(r, initial_variance=-1e-4)
    with pytest.raises(lh.DomainError) as e:
        lh.ewma_vol([0.01, math.inf, 0.0])
    assert "1" in e.value.message
    with pytest.raises(lh.InvalidArgumentError):
        lh.ewma_vol([])


# ---- GARCH(1,1) ------------------------------------------------------------------------------


def np_garch_path(n, omega, alpha, beta, mean, seed):
    """A GARCH(1,1) path from numpy's generator, started at the long-run variance."""
    z = np.random.default_rng(seed).standard_normal(n)
    h = omega / (1 - alpha - beta)
    r = np.empty(n)
    for t in range(n):
        r[t] = mean + math.sqrt(h) * z[t]
        h = omega + alpha * (r[t] - mean) ** 2 + beta * h
    return r


def np_garch_loglik(params, e):
    """Log-likelihood and the variances h_1 .. h_{n+1} of residuals e, h_1 their mean square
    (volatility.h's start)."""
    omega, alpha, beta = params
    h = np.empty(len(e) + 1)
    h[0] = np.mean(e * e)
    for t in range(len(e)):
        h[t + 1] = omega + alpha * e[t] ** 2 + beta * h[t]
    ll = -0.5 * np.sum(np.log(2 * np.pi) + np.log(h[:-1]) + e * e / h[:-1])
    return ll, h


@pytest.fixture(scope="module")
def fitted():
    r = np_garch_path(3000, 2e-6, 0.08, 0.9, 3e-4, seed=5)
    return r, lh.Garch.fit(r)


def test_garch_fit_writes_the_recursion_and_likelihood_of_its_parameters(fitted):
    r, g = fitted
    assert g.converged and g.observations == len(r) and g.iterations >= 1
    assert g.mean == pytest.approx(r.mean(), rel=1e-12)
    ll, h = np_garch_loglik((g.omega, g.alpha, g.beta), r - r.mean())
    assert g.log_likelihood == pytest.approx(ll, rel=1e-10)
    assert g.next_variance == pytest.approx(h[-1], rel=1e-10)
    assert g.long_run_variance == pytest.approx(g.omega / (1 - g.alpha - g.beta), rel=1e-12)
    # 3000 returns pin the persistence down; alpha and beta less so
    assert abs(g.persistence - 0.98) < 0.02
    assert abs(g.alpha - 0.08) < 0.04


def test_garch_fit_is_the_maximum_scipy_finds(fitted):
    scipy_optimize = pytest.importorskip("scipy.optimize")
    r, g = fitted
    e = r - r.mean()
    s2 = np.mean(e * e)

    def nll(x):  # omega in units of the sample variance, so the three scales are alike
        omega, alpha, beta = x[0] * s2, x[1], x[2]
        if alpha + beta >= 1 - 1e-9:
            return 1e10
        return -np_garch_loglik((omega, alpha, beta), e)[0] / len(e)

    best = None
    for start in ([0.05, 0.05, 0.9], [0.2, 0.15, 0.6]):
        res = scipy_optimize.minimize(nll, start, method="L-BFGS-B",
                                      bounds=[(1e-8, 10), (0, 1), (0, 1)], options={"ftol": 1e-15, "gtol": 1e-10})
        if best is None or res.fun < best.fun:
            best = res
    # libhedge's maximum is at least as high as scipy's, and at the same place
    assert g.log_likelihood >= -best.fun * len(e) - 1e-6
    assert g.alpha == pytest.approx(best.x[1], abs=2e-3)
    assert g.beta == pytest.approx(best.x[2], abs=5e-3)


def test_garch_forecasts_iterate_the_expected_variance(fitted):
    _, g = fitted
    # E h_{n+1} = next_variance, E h_{n+k+1} = omega + (alpha + beta) E h_{n+k}
    expected, h = [], g.next_variance
    for _ in range(60):
        expected.append(h)
        h = g.omega + (g.alpha + g.beta) * h
    for k in (1, 2, 10, 60):
        assert g.forecast_variance(k) == pytest.approx(expected[k - 1], rel=1e-12)
    for horizon, ppy in ((1, 365.0), (7, 365.0), (60, 252.0)):
        want = math.sqrt(ppy * np.mean(expected[:horizon]))
        assert g.forecast_vol(horizon, ppy) == pytest.approx(want, rel=1e-12)
    # far out: the long-run volatility
    assert g.forecast_vol(10 ** 6) == pytest.approx(math.sqrt(365 * g.long_run_variance), rel=1e-3)


def test_garch_model_by_hand_and_its_checks():
    g = lh.Garch(omega=1e-6, alpha=0.1, beta=0.85, next_variance=4e-5)
    assert g.forecast_variance(3) == pytest.approx(2e-5 + 0.95 ** 2 * (4e-5 - 2e-5), rel=1e-12)
    with pytest.raises(lh.DomainError) as e:
        lh.Garch(omega=1e-6, alpha=0.2, beta=0.8, next_variance=4e-5).forecast_variance(2)  # not stationary
    assert e.value.status == lh.Status.DOMAIN
    with pytest.raises(lh.DomainError):
        lh.Garch(omega=1e-6, alpha=0.1, beta=0.85).forecast_vol(5)  # no next_variance
    with pytest.raises(lh.InvalidArgumentError):
        g.forecast_variance(0)
    with pytest.raises(lh.DomainError):
        lh.Garch.fit(np.full(50, 0.25))  # nothing to fit once demeaned (0.25: its mean is exact)
    with pytest.raises(lh.InvalidArgumentError):
        lh.Garch.fit([0.01, -0.02])
    with pytest.raises(lh.DomainError):
        lh.Garch.fit([0.01, -0.02, math.nan, 0.0])
    with pytest.raises(lh.InvalidArgumentError):
        lh.Garch.fit(np.random.default_rng(1).normal(size=100), max_iter=0)


def test_garch_fit_stopped_early_says_so():
    r = np_garch_path(1000, 2e-6, 0.1, 0.85, 0.0, seed=2)
    g = lh.Garch.fit(r, max_iter=1, demean=False)
    assert g.mean == 0.0 and not g.converged and g.iterations == 1


def test_garch_simulate_obeys_its_recursion_and_is_reproducible():
    g = lh.Garch(omega=3e-6, alpha=0.12, beta=0.85, mean=2e-4)
    r, h = g.simulate(20000, seed=42, stream=3)
    v_l = g.omega / (1 - g.alpha - g.beta)
    assert h[0] == pytest.approx(v_l, rel=1e-15)  # initial_variance 0: the long-run variance
    np.testing.assert_allclose(h[1:], g.omega + g.alpha * (r[:-1] - g.mean) ** 2 + g.beta * h[:-1], rtol=1e-13)
    z = (r - g.mean) / np.sqrt(h)
    n = len(z)
    assert abs(z.mean()) < 4 / math.sqrt(n)
    assert abs(z.var() - 1) < 4 * math.sqrt(2 / n)
    # reproducible by seed and stream, and a longer path extends a shorter one
    r2, h2 = g.simulate(20000, seed=42, stream=3)
    np.testing.assert_array_equal(r, r2)
    np.testing.assert_array_equal(h, h2)
    r3, _ = g.simulate(500, seed=42, stream=3)
    np.testing.assert_array_equal(r3, r[:500])
    assert not np.array_equal(g.simulate(500, seed=43, stream=3)[0], r3)
    assert not np.array_equal(g.simulate(500, seed=42, stream=4)[0], r3)
    # a given start
    _, h4 = g.simulate(3, initial_variance=1e-3, seed=1)
    assert h4[0] == 1e-3
    with pytest.raises(lh.DomainError):
        g.simulate(3, initial_variance=-1.0)
    with pytest.raises(lh.InvalidArgumentError):
        g.simulate(0)
    with pytest.raises(lh.DomainError):
        lh.Garch(omega=0.0, alpha=0.1, beta=0.8).simulate(3)
