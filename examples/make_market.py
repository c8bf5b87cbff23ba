#!/usr/bin/python3
"""Generates examples/market.json: a realistic crypto derivatives market at one valuation time.

BTC and ETH: spot from several price sources (one stale, one an outlier), USD rate, dated futures
and the forward curve they imply, perpetuals with funding on two venues, option chains (five
expiries from days to months, 21 strikes, calls and puts) on two venues with coin-denominated
quotes and depth, SVI volatility surfaces with a put skew that are free of static arbitrage, and a
book of positions. Deterministic: run it again and the file is the same.

    /usr/bin/python3 examples/make_market.py > examples/market.json
"""
import datetime as dt
import json
import math
import random

VAL = dt.datetime(2026, 11, 25, 8, 0, 0, tzinfo=dt.timezone.utc)
RATE = 0.045  # USD, continuously compounded
EXPIRIES = [dt.datetime(2026, 11, 27, 8), dt.datetime(2026, 12, 4, 8), dt.datetime(2026, 12, 25, 8),
            dt.datetime(2027, 1, 29, 8), dt.datetime(2027, 3, 26, 8)]
UNDERLYINGS = {
    # spot, annual basis of the futures, ATM vol, skew (SVI rho), strike step
    "BTC": dict(spot=97250.0, basis=0.085, atm=0.52, rho=-0.28, step=2500, face=10, okx_mult=0.01),
    "ETH": dict(spot=3480.0, basis=0.095, atm=0.66, rho=-0.22, step=100, face=1, okx_mult=0.1),
}
rng = random.Random(20261125)


def iso(t):
    return t.replace(tzinfo=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def years(t):
    return (t.replace(tzinfo=dt.timezone.utc) - VAL).total_seconds() / (365 * 86400)


def ncdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def black76(F, K, T, vol, call):
    s = vol * math.sqrt(T)
    d1 = (math.log(F / K) + 0.5 * s * s) / s
    d2 = d1 - s
    return F * ncdf(d1) - K * ncdf(d2) if call else K * ncdf(-d2) - F * ncdf(-d1)


def svi_params(u, T):
    """Raw SVI in total variance: ATM vol u['atm'] rising slowly with T, skew rho, wings within Lee's bound."""
    atm = u["atm"] * (1 + 0.05 * math.sqrt(T))
    sig = 0.05 + 0.25 * math.sqrt(T)
    b = 0.18 * math.sqrt(T) + 0.02
    rho, m = u["rho"], 0.02
    # choose a so that w(0) = atm^2 T
    a = atm * atm * T - b * (rho * (0 - m) + math.hypot(m, sig))
    return dict(a=a, b=b, rho=rho, m=m, sigma=sig)


def svi_w(p, k):
    return p["a"] + p["b"] * (p["rho"] * (k - p["m"]) + math.hypot(k - p["m"], p["sigma"]))


def durrleman_g(p, k):
    x = k - p["m"]
    R = math.hypot(x, p["sigma"])
    w = svi_w(p, k)
    w1 = p["b"] * (p["rho"] + x / R)
    w2 = p["b"] * p["sigma"] ** 2 / R ** 3
    return (1 - k * w1 / (2 * w)) ** 2 - w1 * w1 / 4 * (1 / w + 0.25) + w2 / 2


def tick_round(x, tick):
    return round(round(x / tick) * tick, 10)


instruments, quotes, funding, underlyings, surfaces = [], [], [], [], []
for name, u in UNDERLYINGS.items():
    S = u["spot"]
    venue_prices = [("deribit-index", S * 1.0001, 1), ("okx", S * 0.9998, 2), ("coinbase", S * 1.0003, 0),
                    ("kraken", S * 0.9996, 180), ("dex-pool", S * 1.035, 3)]  # kraken stale, dex an outlier
    sources = [dict(source=s, price=round(p, 2), time=iso(VAL.replace(tzinfo=None) - dt.timedelta(seconds=age)))
               for s, p, age in venue_prices]
    forwards, slices = [], []
    for e in EXPIRIES:
        T = years(e)
        F = round(S * math.exp(u["basis"] * T), 2)
        forwards.append(dict(expiry=iso(e), forward=F))
        p = svi_params(u, T)
        for k in [x / 100 for x in range(-150, 151)]:
            assert durrleman_g(p, k) > 0, (name, e, k)
        if slices:
            prev = slices[-1]
            for k in [x / 100 for x in range(-150, 151)]:
                assert svi_w(p, k) >= svi_w(prev, k), (name, e, k)
        slices.append(dict(expiry=iso(e), forward=F, **p))
        code = e.strftime("%d%b%y").upper()
        instruments.append(dict(symbol=f"{name}-{code}", kind="future", underlying=name, venue="deribit",
                                settlement="inverse", multiplier=u["face"], expiry=iso(e)))
        mid = F
        quotes.append(dict(symbol=f"{name}-{code}", venue="deribit", bid=tick_round(mid - 0.5 * u["step"] / 1000, 0.5),
                           ask=tick_round(mid + 0.5 * u["step"] / 1000, 0.5), bid_size=50000, ask_size=42000,
                           time=iso(VAL.replace(tzinfo=None) - dt.timedelta(seconds=1))))
        for K in [u["step"] * round(S / u["step"]) + u["step"] * j for j in range(-10, 11)]:
            k = math.log(K / F)
            vol = math.sqrt(svi_w(p, k) / T)
            for call in (True, False):
                for venue in ("deribit", "okx"):
                    sym = (f"{name}-{code}-{K}-{'C' if call else 'P'}" if venue == "deribit"
                           else f"{name}-USD-{e.strftime('%y%m%d')}-{K}-{'C' if call else 'P'}")
                    instruments.append(dict(symbol=sym, kind="option", underlying=name, venue=venue,
                                            settlement="inverse", type="call" if call else "put", strike=K,
                                            expiry=iso(e)))
                    coin = math.exp(-RATE * T) * black76(F, K, T, vol, call) / S
                    tick = 0.0001 if name == "BTC" else 0.0005
                    half = max(tick, 0.015 * coin) * (1.0 if venue == "deribit" else 1.3)
                    bid, ask = tick_round(coin - half, tick), tick_round(coin + half, tick)
                    if ask <= 0:
                        continue
                    size = rng.choice([5, 10, 15, 25, 40]) * (1 if name == "BTC" else 10)
                    q = dict(symbol=sym, venue=venue,
                             time=iso(VAL.replace(tzinfo=None) - dt.timedelta(milliseconds=rng.randrange(200, 9000))))
                    asks = [[ask, size], [tick_round(ask + tick, tick), size * 2], [tick_round(ask + 3 * tick, tick), size * 4]]
                    q["asks"] = asks
                    if bid > 0:
                        levels = [(bid, size), (tick_round(bid - tick, tick), size * 2),
                                  (tick_round(bid - 3 * tick, tick), size * 4)]
                        q["bids"] = [[p, n] for p, n in levels if p > 0]
                    quotes.append(q)
    underlyings.append(dict(name=name, rate=RATE, sources=sources, forwards=forwards))
    surfaces.append(dict(underlying=name, slices=slices))
    # perpetuals: deribit inverse (USD face per contract), okx linear (coin per contract)
    for sym, venue, settle, mult, rate in ((f"{name}-PERPETUAL", "deribit", "inverse", u["face"], 0.00011),
                                           (f"{name}-USDT-SWAP", "okx", "linear", u["okx_mult"], 0.00008)):
        instruments.append(dict(symbol=sym, kind="perpetual", underlying=name, venue=venue, settlement=settle,
                                multiplier=mult, funding_interval_s=28800))
        funding.append(dict(symbol=sym, rate=rate, predicted=round(rate * 0.9, 8),
                            time=iso(VAL.replace(tzinfo=None) - dt.timedelta(seconds=20))))
        quotes.append(dict(symbol=sym, venue=venue, bid=round(S - 0.5, 1), ask=round(S + 0.5, 1),
                           # inverse sizes count USD of face value: the same USD depth for BTC and ETH
                           bid_size=2000000 // mult if settle == "inverse" else 3000,
                           ask_size=1800000 // mult if settle == "inverse" else 2500,
                           time=iso(VAL.replace(tzinfo=None) - dt.timedelta(milliseconds=300))))
    instruments.append(dict(symbol=f"{name}-USD", kind="spot", underlying=name, venue="coinbase"))

book = [
    dict(symbol="BTC-25DEC26-100000-C", quantity=-120, entry_price=0.0410),
    dict(symbol="BTC-25DEC26-90000-P", quantity=80, entry_price=0.0195),
    dict(symbol="BTC-26MAR27-120000-C", quantity=-60, entry_price=0.0300),
    dict(symbol="BTC-04DEC26-95000-P", quantity=-150, entry_price=0.0110),
    dict(symbol="BTC-PERPETUAL", quantity=450000, entry_price=96100.0),
    dict(symbol="ETH-25DEC26-3500-C", quantity=-900, entry_price=0.0780),
    dict(symbol="ETH-29JAN27-3000-P", quantity=500, entry_price=0.0540),
    dict(symbol="ETH-USDT-SWAP", quantity=-2000, entry_price=3510.0),
]
# The hedge problem `hedge solve` reads: candidates on both venues with their fee schedules, Greek
# bands, the risk aversion that prices variance, and limits.
def option_candidate(symbol, venue):
    return dict(symbol=symbol, venue=venue, taker_fee=0.0003, maker_fee=0.0003, fee_cap=0.125,
                impact_from_book=True)


hedge = {
    "objective": {"risk_aversion": 2e-6, "horizon_days": 1, "spot_points": 21, "vol_points": 3,
                  "vol_of_vol": 1.2, "var_confidence": 0.99},
    "targets": [
        {"greek": "delta_coin", "underlying": "BTC", "min": -0.5, "max": 0.5},
        {"greek": "delta_coin", "underlying": "ETH", "min": -10, "max": 10},
        {"greek": "vega_usd", "underlying": "BTC", "max_days": 45, "min": -150000, "max": 150000},
        {"greek": "gamma_usd", "target": 0, "weight": 1e-6},
    ],
    "candidates": [
        dict(symbol="BTC-PERPETUAL", venue="deribit", taker_fee=0.0005, maker_fee=0.0, impact=1e-6),
        dict(symbol="BTC-USDT-SWAP", venue="okx", taker_fee=0.0005, maker_fee=0.0002, impact=1e-4),
        dict(symbol="BTC-25DEC26", venue="deribit", taker_fee=0.0005, maker_fee=0.0, impact=1e-6),
        option_candidate("BTC-25DEC26-95000-P", "deribit"),
        option_candidate("BTC-USD-261225-95000-P", "okx"),
        option_candidate("BTC-25DEC26-100000-C", "deribit"),
        option_candidate("BTC-USD-261225-100000-C", "okx"),
        option_candidate("BTC-04DEC26-95000-P", "deribit"),
        option_candidate("BTC-29JAN27-90000-P", "deribit"),
        dict(symbol="ETH-PERPETUAL", venue="deribit", taker_fee=0.0005, maker_fee=0.0, impact=1e-7),
        dict(symbol="ETH-USDT-SWAP", venue="okx", taker_fee=0.0005, maker_fee=0.0002, impact=1e-5),
        option_candidate("ETH-25DEC26-3500-C", "deribit"),
        option_candidate("ETH-25DEC26-3300-P", "deribit"),
    ],
    "limits": {"premium_budget": 250000, "collateral": 4000000, "depth_fraction": 1.0,
               "venue_caps": {"okx": 2000000}},
}
doc = {
    "format": "libhedge-market/1",
    "valuation_time": iso(VAL.replace(tzinfo=None)),
    "instruments": instruments,
    "market": {"settings": {"default_max_age_ms": 60000, "source_max_deviation": 0.02, "source_min_count": 2},
               "underlyings": underlyings, "funding": funding, "quotes": quotes},
    "surfaces": surfaces,
    "book": book,
    "hedge": hedge,
}
print(json.dumps(doc, indent=1))
