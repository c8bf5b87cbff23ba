"""Pricing against formulas written here, and properties: parity, batch = scalar, IV round trips."""
import math

import numpy as np
import pytest

import libhedge as lh
from libhedge import pricing


def N(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def n(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def textbook(cp, S, K, T, r, q, v):
    """Generalised BSM from the textbook (Haug), with delta, gamma, vega, theta per year."""
    d1 = (math.log(S / K) + (r - q + 0.5 * v * v) * T) / (v * math.sqrt(T))
    d2 = d1 - v * math.sqrt(T)
    dq, dr = math.exp(-q * T), math.exp(-r * T)
    if cp == 1:
        price = S * dq * N(d1) - K * dr * N(d2)
        delta = dq * N(d1)
        theta = -S * dq * n(d1) * v / (2 * math.sqrt(T)) + q * S * dq * N(d1) - r * K * dr * N(d2)
    else:
        price = K * dr * N(-d2) - S * dq * N(-d1)
        delta = -dq * N(-d1)
        theta = -S * dq * n(d1) * v / (2 * math.sqrt(T)) - q * S * dq * N(-d1) + r * K * dr * N(-d2)
    gamma = dq * n(d1) / (S * v * math.sqrt(T))
    vega = S * dq * n(d1) * math.sqrt(T)
    return price, delta, gamma, vega, theta


CASES = [(cp, S, K, T, r, q, v) for cp in (1, -1) for S, K in ((100, 100), (100, 80), (95000, 120000))
         for T in (0.05, 1.0, 2.5) for r, q in ((0.05, 0.0), (0.03, 0.07)) for v in (0.15, 0.8)]


@pytest.mark.parametrize("cp,S,K,T,r,q,v", CASES)
def test_bsm_matches_the_textbook_formula(cp, S, K, T, r, q, v):
    g = lh.bsm_greeks(cp, S, K, T, r, q, v)
    price, delta, gamma, vega, theta = textbook(cp, S, K, T, r, q, v)
    scale = S  # absolute errors relative to the spot: the textbook form loses digits to cancellation
    assert g.price == pytest.approx(price, rel=1e-9, abs=1e-12 * scale)
    assert g.delta == pytest.approx(delta, rel=1e-9, abs=1e-12)
    assert g.gamma == pytest.approx(gamma, rel=1e-9)
    assert g.vega == pytest.approx(vega, rel=1e-9)
    assert g.theta == pytest.approx(theta, rel=1e-9, abs=1e-12 * scale)
    assert lh.bsm_price(cp, S, K, T, r, q, v) == g.price


def test_scipy_reference_where_available():
    stats = pytest.importorskip("scipy.stats")
    S, K, T, r, q, v = 3000.0, 3300.0, 0.4, 0.045, 0.01, 0.65
    d1 = (math.log(S / K) + (r - q + v * v / 2) * T) / (v * math.sqrt(T))
    d2 = d1 - v * math.sqrt(T)
    ref = S * math.exp(-q * T) * stats.norm.cdf(d1) - K * math.exp(-r * T) * stats.norm.cdf(d2)
    assert lh.bsm_price("call", S, K, T, r, q, v) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("S,K,T,r,q,v", [(100, 90, 0.5, 0.02, 0.01, 0.3), (60000, 90000, 1.5, 0.05, 0.0, 0.9)])
def test_put_call_parity(S, K, T, r, q, v):
    c = lh.bsm_price("call", S, K, T, r, q, v)
    p = lh.bsm_price("put", S, K, T, r, q, v)
    assert c - p == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T), rel=1e-12, abs=1e-12 * S)
    F = S * math.exp((r - q) * T)
    c76, p76 = lh.black76_price("call", F, K, T, r, v), lh.black76_price("put", F, K, T, r, v)
    assert c76 - p76 == pytest.approx(math.exp(-r * T) * (F - K), rel=1e-12, abs=1e-12 * S)
    assert c76 == pytest.approx(c, rel=1e-12)


def test_market_units_divide_as_documented():
    g = lh.bsm_greeks("call", 100, 105, 0.5, 0.03, 0.0, 0.25)
    m = lh.greeks_to_market_units(g, 365)
    assert m.vega == pytest.approx(g.vega / 100)
    assert m.theta == pytest.approx(g.theta / 365)
    assert m.rho == pytest.approx(g.rho / 1e4)
    assert m.price == g.price and m.delta == g.delta


def test_inverse_option_is_black76_in_coins():
    F, K, T, v = 90000.0, 100000.0, 0.25, 0.55
    inv = lh.inverse_greeks("call", F, K, T, 0.0, v)
    assert inv.price == pytest.approx(lh.black76_price("call", F, K, T, 0.0, v) / F, rel=1e-13)
    pa = lh.inverse_delta_premium_adjusted("call", F, K, T, 0.0, v)
    assert pa == pytest.approx(lh.black76_greeks("call", F, K, T, 0.0, v).delta - inv.price, rel=1e-12)


def test_futures_and_funding():
    lin = lh.future_risk("linear", 1.0, 2.0, 50000.0, 51000.0)
    assert lin.value == pytest.approx(2000.0) and lin.delta_coin == pytest.approx(2.0)
    inv = lh.future_risk("inverse", 10.0, 100.0, 50000.0, 51000.0)
    assert inv.value == pytest.approx(100 * 10 * (1 / 50000 - 1 / 51000))
    # longs pay a positive rate: one interval of 0.01% on 1 BTC at 50000 is 5 USD
    assert lh.perpetual_funding("linear", 1.0, 1.0, 50000.0, 0.0001, 8, 8) == pytest.approx(-5.0)


def chain(size=1000, seed=7):
    rng = np.random.default_rng(seed)
    return (np.where(rng.random(size) < 0.5, 1, -1).astype(np.int32), rng.uniform(50, 150, size),
            rng.uniform(60, 140, size), rng.uniform(0.01, 3, size), rng.uniform(-0.01, 0.08, size),
            rng.uniform(0, 0.05, size), rng.uniform(0.05, 1.5, size))


def test_batch_matches_scalar():
    t, S, K, T, r, q, v = chain()
    b = lh.bsm_greeks_batch(t, S, K, T, r, q, v)
    assert (b.status == 0).all()
    for i in range(0, t.size, 37):
        g = lh.bsm_greeks(int(t[i]), S[i], K[i], T[i], r[i], q[i], v[i])
        for name in ("price", "delta", "gamma", "vega", "theta", "rho"):
            assert getattr(b, name)[i] == pytest.approx(getattr(g, name), rel=1e-12, abs=1e-13), name
    F = S * np.exp((r - q) * T)
    b76 = lh.black76_greeks_batch(t, F, K, T, r, v)
    assert np.allclose(b76.price, b.price, rtol=1e-12, atol=1e-13)


def test_batch_reads_contiguous_inputs_in_place_and_writes_into_out():
    t, S, K, T, r, q, v = chain(64)
    shape, ins = pricing._broadcast(t, S, K, T, r, q, v)
    for given, used in zip((t, S, K, T, r, q, v), ins):
        assert np.shares_memory(given, used)  # no copy
    out = {"price": np.empty(64), "vega": np.empty(64)}
    res = lh.bsm_greeks_batch(t, S, K, T, r, q, v, out=out)
    assert res.price is out["price"] and res.vega is out["vega"]
    assert out["price"][5] == pytest.approx(lh.bsm_price(int(t[5]), S[5], K[5], T[5], r[5], q[5], v[5]), rel=1e-13)
    # a strided view, a float32 array and scalars are converted, and still priced right
    res2 = lh.bsm_greeks_batch(t[::2], S[::2], K[::2].astype(np.float32), 1.0, 0.01, 0.0, 0.3)
    assert res2.price[3] == pytest.approx(lh.bsm_price(int(t[6]), S[6], float(np.float32(K[6])), 1.0, 0.01, 0.0, 0.3),
                                          rel=1e-13)


def test_batch_errors_raise_or_flag():
    t, S, K, T, r, q, v = chain(16)
    v = v.copy()
    v[3] = -0.2
    with pytest.raises(lh.DomainError) as e:
        lh.bsm_greeks_batch(t, S, K, T, r, q, v)
    assert e.value.status == lh.Status.DOMAIN and "3" in e.value.message
    res = lh.bsm_greeks_batch(t, S, K, T, r, q, v, errors="ignore")
    assert res.status[3] == lh.Status.DOMAIN and math.isnan(res.price[3])
    assert (np.delete(res.status, 3) == 0).all()
    # types that int32 would wrap or truncate into a call are refused, not priced as calls
    for bad in (2**32 + 1, 1.5):
        wide = np.asarray(t, np.int64 if isinstance(bad, int) else np.float64).copy()
        wide[0] = bad
        with pytest.raises(ValueError):
            lh.bsm_greeks_batch(wide, S, K, T, r, q, 0.2)
    # int64 and float types holding +-1 exactly are fine
    ok = lh.bsm_greeks_batch(np.asarray(t, np.float64), S, K, T, r, q, 0.2)
    assert np.array_equal(ok.price, lh.bsm_greeks_batch(t, S, K, T, r, q, 0.2).price)


def test_implied_vol_round_trip_scalar_and_batch():
    t, S, K, T, r, q, v = chain(500, seed=3)
    # out of the money only: deep in the money a price is its intrinsic value to within its own
    # rounding, and has no well-defined implied volatility
    otm = t * (K - S * np.exp((r - q) * T)) > 0
    t, S, K, T, r, q, v = (a[otm] for a in (t, S, K, T, r, q, v))
    assert t.size > 200
    prices = lh.bsm_greeks_batch(t, S, K, T, r, q, v).price
    iv, st = lh.implied_vol_bsm_batch(t, prices, S, K, T, r, q)
    assert (st == 0).all()
    assert np.allclose(iv, v, rtol=1e-9)
    for i in range(0, t.size, 25):
        assert lh.implied_vol_bsm(int(t[i]), prices[i], S[i], K[i], T[i], r[i], q[i]) == pytest.approx(v[i], rel=1e-9)
    F = S * np.exp((r - q) * T)
    iv76, _ = lh.implied_vol_black76_batch(t, prices, F, K, T, r)
    assert np.allclose(iv76, v, rtol=1e-9)
    coin = lh.inverse_greeks("put", 80000, 70000, 0.3, 0.0, 0.7).price
    assert lh.implied_vol_inverse("put", coin, 80000, 70000, 0.3) == pytest.approx(0.7, rel=1e-10)


@pytest.mark.parametrize("call,exc,status", [
    (lambda: lh.bsm_price("call", -1, 100, 1, 0, 0, 0.2), lh.DomainError, lh.Status.DOMAIN),
    (lambda: lh.bsm_price(3, 100, 100, 1, 0, 0, 0.2), ValueError, None),
    (lambda: lh.implied_vol_bsm("call", 1000.0, 100, 100, 1, 0, 0), lh.PriceBoundsError, lh.Status.PRICE_BOUNDS),
])
def test_errors_raise_with_status_name_and_message(call, exc, status):
    with pytest.raises(exc) as e:
        call()
    if status is not None:
        assert isinstance(e.value, lh.HedgeError)
        assert e.value.status == status
        assert e.value.name == lh.status_name(status) == "HEDGE_ERR_" + status.name
        assert e.value.message.startswith("hedge_")
