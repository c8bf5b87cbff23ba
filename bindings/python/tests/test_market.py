"""Instruments, snapshots, surfaces and markets."""
import math

import numpy as np
import pytest

import libhedge as lh

NOW = 1_800_000_000_000
DAY = 86_400_000


def test_sample_market_loads(market, market_text):
    assert len(market) > 100
    snap = market.snapshot
    assert snap.spot("BTC") > 0 and snap.spot("ETH") > 0
    first = market.instrument(0)
    assert market.find(first.symbol).info() == first.info()
    with pytest.raises(lh.NotFoundError) as e:
        market.find("NO-SUCH-SYMBOL")
    assert e.value.status == lh.Status.NOT_FOUND
    again = lh.Market.read_json(market.to_json())
    assert again.to_json() == market.to_json()
    loaded = lh.Market.load_json(str(__import__("conftest").MARKET_JSON))
    assert len(loaded) == len(market)


def test_bad_json_raises_parse_error_with_location():
    with pytest.raises(lh.ParseError) as e:
        lh.Market.read_json('{"valuation_time": 5, "market": [}', "bad.json")
    assert e.value.status == lh.Status.PARSE and "bad.json:1:" in e.value.message
    with pytest.raises(lh.HedgeIOError):
        lh.Market.load_json("/nonexistent/market.json")


def build():
    b = lh.SnapshotBuilder(NOW)
    b.set_spot("BTC", 100000.0, NOW).set_rate("BTC", 0.04)
    b.add_forward("BTC", NOW + 90 * DAY, 101500.0)
    b.add_source("ETH", "binance", 3000.0, NOW).add_source("ETH", "coinbase", 3002.0, NOW)
    b.add_source("ETH", "bad", 3500.0, NOW)
    b.set_funding("BTC-PERP", 0.0001, 0.00012, NOW)
    b.add_quote("BTC-C", "deribit", bid=0.05, ask=0.051, bid_size=10, ask_size=5, timestamp=NOW,
                bids=[(0.05, 10), (0.049, 20)])
    return b.finish()


def test_snapshot_builder_and_queries():
    s = build()
    assert s.valuation_ms == NOW
    assert s.spot("BTC") == 100000.0 and s.rate("BTC") == 0.04
    assert s.forward("BTC", NOW + 90 * DAY) == pytest.approx(101500.0)
    assert s.spot("ETH") == pytest.approx(3001.0)
    verdicts = {r.source: r.verdict for r in s.sources("ETH")}
    assert verdicts["bad"] == lh.SourceVerdict.OUTLIER
    assert s.funding("BTC-PERP") == (0.0001, 0.00012)
    q = s.quote("BTC-C", "deribit")
    assert q.bid == 0.05 and q.bids == [(0.05, 10.0), (0.049, 20.0)]
    with pytest.raises(lh.StaleError):
        lh.SnapshotBuilder(NOW).set_spot("X", 1.0, NOW - 10 * DAY).finish().spot("X")


def test_surface_from_slices_and_fit():
    sl = lh.SviSlice(expiry_ms=NOW + 90 * DAY, forward=101500.0, a=0.04, b=0.1, rho=-0.3, m=0.0, sigma=0.2)
    surf = lh.VolSurface.from_slices(NOW, [sl])
    T = 90 / 365
    w = surf.total_variance(0.0, T)
    assert w == pytest.approx(0.04 + 0.1 * 0.2, rel=1e-12)
    assert surf.vol(101500.0, 101500.0, NOW + 90 * DAY) == pytest.approx(math.sqrt(w / T), rel=1e-12)
    assert surf.check() == []
    strikes = np.linspace(70000, 140000, 15)
    vols = [surf.vol(k, 101500.0, NOW + 90 * DAY) for k in strikes]
    fit = lh.VolSurface.fit(NOW, [{"expiry": NOW + 90 * DAY, "forward": 101500.0, "strikes": strikes, "vols": vols}])
    assert [fit.vol(k, 101500.0, NOW + 90 * DAY) for k in strikes] == pytest.approx(vols, rel=1e-6)
    assert fit.slices[0].rmse_vol < 1e-6


def test_option_value_is_bsm_with_the_snapshot_carry():
    s = build()
    expiry = NOW + 90 * DAY
    surf = lh.VolSurface.from_slices(NOW, [dict(expiry_ms=expiry, forward=101500.0, a=0.04, b=0.1, rho=-0.3, m=0.0,
                                                sigma=0.2)])
    opt = lh.Instrument.option("BTC-C", "BTC", "call", 110000, expiry, multiplier=0.5)
    v = opt.value(s, surf)
    T = opt.time_to_expiry(NOW)
    assert T == 90 / 365
    b = math.log(101500.0 / 100000.0) / T
    vol = surf.vol(110000, 101500.0, expiry)
    g = lh.bsm_greeks("call", 100000.0, 110000, T, 0.04, 0.04 - b, vol)
    assert v.value_usd == pytest.approx(0.5 * g.price, rel=1e-12)
    assert v.delta_usd == pytest.approx(0.5 * g.delta * 100000.0, rel=1e-12)
    assert v.vega_usd == pytest.approx(0.5 * g.vega, rel=1e-12)
    m = lh.Market.create(s, [opt], {"BTC": surf})
    assert m.value("BTC-C") == v
    with pytest.raises(lh.InvalidArgumentError):
        opt.value(s)  # an option needs a surface
    with pytest.raises(lh.ExpiredError):
        opt.time_to_expiry(expiry + 1)


def test_instrument_validation_raises_with_status():
    with pytest.raises(lh.DomainError) as e:
        lh.Instrument.option("X", "BTC", "put", -5, NOW)
    assert e.value.status == lh.Status.DOMAIN and "strike" in e.value.message
    inst = lh.Instrument.perpetual("BTC-PERP", "BTC", settlement="inverse", multiplier=10, venue="deribit")
    info = inst.info()
    assert info["kind"] == lh.InstrumentKind.PERPETUAL and info["settlement"] == lh.Settlement.INVERSE
    assert info["venue"] == "deribit" and info["funding_interval_s"] == 28800
