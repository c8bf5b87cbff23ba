"""Scale-out of a large option book over Dask's distributed scheduler.

A book of millions of option positions is held as columns (:class:`OptionBook`), not as a
million instrument handles. Each shard is valued off a market with the SIMD batch pricer: spot,
rate, forward and the surface's volatility come from the market once per distinct underlying,
expiry and strike, then every position is priced in one ``hedge_bsm_greeks_batch`` call per
scenario. The model is the library's own (valuation.h and scenario.h): BSM on the snapshot's spot
with the carry ln(F/S)/T implied by its forward, sticky-strike vols, spot moves that carry the
forward along, time rolled forward at held carry.

Exact combination. Floating-point addition is not associative, so the sums of two different
partitions of a book generally differ in the last bits. Each shard therefore returns its sums
exactly, as rationals (``fractions.Fraction``): every double is an integer times a power of two,
so a shard adds integer mantissas per exponent with integer arithmetic (:func:`exact_sums`). The
client adds the shards' rationals, again exactly, and rounds once. The result is the correctly
rounded sum of all per-position figures (what ``math.fsum`` gives over the whole book), so it is
the same, bit for bit, for any number of shards and any order in which they finish. This holds
because each position's figures do not depend on the shard it is in: the batch kernels compute
each element alone, and per-key market data is looked up one key at a time.

Units: USD for value, delta_usd, gamma_usd (per 1% spot move), vega_usd (per 1.00 of volatility),
theta_usd (per year); delta_coin and gamma_coin in units of the underlying (per USD of spot);
scenario P&L in USD, quantity applied.
"""

import dataclasses
import fractions
import hashlib
import math

import numpy as np

from ._ffi import ffi, lib, new
from .market import Market
from .risk import Scenario, Shift, scenario_grid

MS_PER_YEAR = 31536000000.0
GREEKS = ("value_usd", "delta_coin", "delta_usd", "gamma_coin", "gamma_usd", "vega_usd", "theta_usd")


@dataclasses.dataclass
class OptionBook:
    """European option positions as columns, one entry per position.

    underlying: int32 index into ``underlyings``; type: int32 (+1 call, -1 put); strike: USD per
    unit; expiry_ms: int64 ms since the epoch; quantity: contracts, signed; multiplier: units of
    underlying per contract; inverse: bool, coin-settled (value in coins; USD figures as for a
    linear option, coin delta premium-adjusted, as valuation.h says).
    """
    underlyings: tuple
    underlying: np.ndarray
    type: np.ndarray
    strike: np.ndarray
    expiry_ms: np.ndarray
    quantity: np.ndarray
    multiplier: np.ndarray
    inverse: np.ndarray

    def __post_init__(self):
        self.underlyings = tuple(self.underlyings)
        conv = {"underlying": np.int32, "type": np.int32, "strike": np.float64, "expiry_ms": np.int64,
                "quantity": np.float64, "multiplier": np.float64, "inverse": np.bool_}
        for name, dt in conv.items():
            setattr(self, name, np.ascontiguousarray(getattr(self, name), dt))
        n = self.underlying.shape
        if any(getattr(self, name).shape != n for name in conv) or len(n) != 1:
            raise ValueError("every column of a book needs one 1-D entry per position")

    def __len__(self):
        return self.underlying.size

    def slice(self, begin, end):
        return OptionBook(self.underlyings, *(getattr(self, f.name)[begin:end] for f in dataclasses.fields(self)[1:]))

    def shards(self, n_shards):
        """n_shards contiguous slices of nearly equal size."""
        bounds = np.linspace(0, len(self), n_shards + 1).astype(np.int64)
        return [self.slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def random_book(market, n, seed=0, underlyings=None, linear_share=0.75):
    """A synthetic book of n option positions on the market's surfaces: expiries among the
    surfaces' slices, strikes on a 1%-of-spot grid from 60% to 160% of spot, quantities -50..50."""
    rng = np.random.default_rng(seed)
    snap = market.snapshot
    names = list(underlyings or ("BTC", "ETH"))
    spots = np.array([snap.spot(u) for u in names])
    expiries = [np.array([s.expiry_ms for s in market.surface(u).slices], np.int64) for u in names]
    u = rng.integers(0, len(names), n).astype(np.int32)
    pick = rng.random(n)
    expiry = np.empty(n, np.int64)
    for i, e in enumerate(expiries):
        sel = u == i
        expiry[sel] = e[(pick[sel] * e.size).astype(np.int64)]
    steps = rng.integers(60, 161, n)
    strike = np.round(spots[u] * steps / 100.0, 0)
    return OptionBook(names, u, np.where(rng.random(n) < 0.5, 1, -1), strike, expiry,
                      rng.integers(-50, 51, n).astype(np.float64), np.where(rng.random(n) < 0.5, 1.0, 0.1),
                      rng.random(n) >= linear_share)


# ---- per-position figures ----------------------------------------------------------------------

def _ptr(a, ctype="double *"):
    return ffi.cast(ctype, ffi.from_buffer(a)) if a.size else ffi.NULL


def _price(type, S, K, T, r, q, sigma, greeks):
    """hedge_bsm_greeks_batch on contiguous arrays; returns the requested outputs."""
    n = type.size
    out = {g: np.empty(n) for g in greeks}
    arrays = new("hedge_greeks_arrays")
    for g, a in out.items():
        setattr(arrays, g, _ptr(a))
    st = lib.hedge_bsm_greeks_batch(n, _ptr(type, "int32_t *"), _ptr(S), _ptr(K), _ptr(T), _ptr(r), _ptr(q),
                                    _ptr(sigma), arrays)
    if st != 0:
        from ._core import check
        check(st)
    return out


class _Inputs:
    """The market inputs of every position: S, K, T, r, q = r - b and the vol, per position."""

    def __init__(self, market, book):
        snap = market.snapshot
        now = snap.valuation_ms
        spot = np.array([snap.spot(u) for u in book.underlyings])
        rate = np.array([snap.rate(u) for u in book.underlyings])
        surfaces = [market.surface(u) for u in book.underlyings]
        # Market data per distinct (underlying, expiry) and (underlying, expiry, strike), looked up
        # one key at a time so that a position's inputs are the same in any shard.
        ue_key = book.underlying.astype(np.int64) * (1 << 42) + (book.expiry_ms - now)
        ue, ue_inv = np.unique(ue_key, return_inverse=True)
        T_ue, q_ue, F_ue = np.empty(ue.size), np.empty(ue.size), np.empty(ue.size)
        for j, key in enumerate(ue):
            ui, dt = int(key >> 42), int(key & ((1 << 42) - 1))
            if dt <= 0:
                raise ValueError("a position expires at or before the valuation time")
            T = float(dt) / MS_PER_YEAR  # as hedge_instrument_time_to_expiry
            F = snap.forward(book.underlyings[ui], now + dt)
            b = math.log(F / spot[ui]) / T
            T_ue[j], q_ue[j], F_ue[j] = T, rate[ui] - b, F
        # an int64 key per (underlying, expiry, strike): unique on it is much faster than on records
        strikes, k_inv = np.unique(book.strike, return_inverse=True)
        combos, inv = np.unique(ue_inv.astype(np.int64) * strikes.size + k_inv, return_inverse=True)
        vol = np.empty(combos.size)
        for j, c in enumerate(combos.tolist()):
            e, k = divmod(c, strikes.size)
            ui = int(ue[e] >> 42)
            vol[j] = surfaces[ui].vol(float(strikes[k]), F_ue[e], now + int(ue[e] & ((1 << 42) - 1)))
        for s in surfaces:
            s.close()
        snap.close()
        self.spot_u, self.rate_u = spot, rate
        self.S = spot[book.underlying]
        self.K = book.strike
        self.T = T_ue[ue_inv]
        self.r = rate[book.underlying]
        self.q = q_ue[ue_inv]
        self.vol = vol[inv]
        self.b = self.r - self.q


def position_greeks(inputs, book):
    """Per-position figures, quantity applied: a dict of arrays named as GREEKS, and "price", the
    value of one unit of underlying (USD)."""
    g = _price(book.type, inputs.S, inputs.K, inputs.T, inputs.r, inputs.q, inputs.vol,
               ("price", "delta", "gamma", "vega", "theta"))
    qm = book.quantity * book.multiplier
    S = inputs.S
    vc = g["price"] / S
    delta = np.where(book.inverse, g["delta"] - vc, g["delta"])
    gamma = np.where(book.inverse, g["gamma"] - (g["delta"] - vc) / S, g["gamma"])
    out = {"value_usd": qm * g["price"], "delta_coin": qm * delta, "gamma_coin": qm * gamma,
           "vega_usd": qm * g["vega"], "theta_usd": qm * g["theta"]}
    out["delta_usd"] = out["delta_coin"] * S
    out["gamma_usd"] = out["gamma_coin"] * S * S / 100.0
    out["price"] = g["price"]  # per unit of underlying, the base of the scenario P&L
    return out


def _move(scenario, underlyings):
    """(spot, vol_rel, vol_abs) per underlying index for one scenario."""
    own = {h.underlying: h for h in scenario.shifts if h.underlying is not None}
    default = next((h for h in scenario.shifts if h.underlying is None), Shift())
    hs = [own.get(u, default) for u in underlyings]
    return (np.array([h.spot for h in hs]), np.array([h.vol_rel for h in hs]), np.array([h.vol_abs for h in hs]))


def position_pnl(inputs, book, scenarios, base_price=None):
    """Yields, for each scenario, the per-position P&L in USD (quantity applied), as
    hedge_scenarios_run computes it for options: q (m price' - m price), full revaluation."""
    if base_price is None:
        base_price = _price(book.type, inputs.S, inputs.K, inputs.T, inputs.r, inputs.q, inputs.vol,
                            ("price",))["price"]
    base = book.multiplier * base_price
    for sc in scenarios:
        spot, vol_rel, vol_abs = _move(sc, book.underlyings)
        u = book.underlying
        S = inputs.S * (1.0 + spot)[u]
        T = np.maximum(inputs.T - sc.days / 365.0, 0.0) if sc.days > 0 else inputs.T
        vol = np.maximum(inputs.vol * (1.0 + vol_rel)[u] + vol_abs[u], 0.0)
        price = _price(book.type, S, inputs.K, T, inputs.r, inputs.q, vol, ("price",))["price"]
        yield book.quantity * (book.multiplier * price - base)


def _blocked_pnl_sums(inputs, book, scenarios, base_price):
    """The exact per-scenario sums of position_pnl, computed a block of positions at a time into
    reused buffers: the same figures, without a fresh array per step (Dask's workers set
    MALLOC_TRIM_THRESHOLD_, which makes every large temporary a new mmap, several times slower)."""
    sums = [ExactSum() for _ in scenarios]
    moves = [(1.0 + sp, 1.0 + vr, va) for sp, vr, va in (_move(sc, book.underlyings) for sc in scenarios)]
    B = _BLOCK
    S, T, vol, tmp, price = (np.empty(B) for _ in range(5))
    out = new("hedge_greeks_arrays")
    for a in range(0, len(book), B):
        n = min(len(book), a + B) - a
        sl = slice(a, a + n)
        u, K, r, q = book.underlying[sl], inputs.K[sl], inputs.r[sl], inputs.q[sl]
        S0, T0, v0, typ = inputs.S[sl], inputs.T[sl], inputs.vol[sl], book.type[sl]
        qty, m = book.quantity[sl], book.multiplier[sl]
        base = m * base_price[sl]
        out.price = _ptr(price)
        for j, (sc, (grow, vgrow, vabs)) in enumerate(zip(scenarios, moves)):
            np.multiply(S0, np.take(grow, u, out=tmp[:n]), out=S[:n])
            if sc.days > 0:
                np.maximum(np.subtract(T0, sc.days / 365.0, out=T[:n]), 0.0, out=T[:n])
                Tp = T[:n]
            else:
                Tp = T0
            np.multiply(v0, np.take(vgrow, u, out=tmp[:n]), out=vol[:n])
            np.add(vol[:n], np.take(vabs, u, out=tmp[:n]), out=vol[:n])
            np.maximum(vol[:n], 0.0, out=vol[:n])
            Tc = np.ascontiguousarray(Tp)
            st = lib.hedge_bsm_greeks_batch(n, _ptr(typ, "int32_t *"), _ptr(S), _ptr(K), _ptr(Tc), _ptr(r), _ptr(q),
                                            _ptr(vol), out)
            if st != 0:
                from ._core import check
                check(st)
            p = np.multiply(m, price[:n], out=tmp[:n])
            np.subtract(p, base, out=p)
            np.multiply(qty, p, out=p)
            sums[j].add(p)
    return [x.fractions()[0] for x in sums]


# ---- exact sums --------------------------------------------------------------------------------

_CHUNK = 1 << 24  # positions per bincount: |hi| < 2**27, so partial sums stay below 2**51, exact in a double
_BLOCK = 8192     # positions per block of the scenario loop: its buffers stay in cache
_EMIN = -1074     # the exponent of the smallest subnormal: integer totals count units of 2**(_EMIN - 53)


class ExactSum:
    """Exact running sums of doubles per bucket, as Python integers (see exact_sums)."""

    def __init__(self, n_buckets=1):
        self.totals = [0] * n_buckets

    def add(self, values, bucket=None):
        x = np.asarray(values, np.float64).reshape(-1)
        nb = len(self.totals)
        bucket = np.zeros(x.size, np.int64) if bucket is None else np.asarray(bucket, np.int64).reshape(-1)
        if not np.isfinite(x).all():
            raise ValueError("exact sums: values must be finite")
        for a in range(0, x.size, _CHUNK):
            m, e = np.frexp(x[a:a + _CHUNK])
            M = np.ldexp(m, 53).astype(np.int64)  # x = M 2**(e - 53), |M| < 2**53, exactly
            emin, emax = int(e.min()), int(e.max())
            span = emax - emin + 1
            key = bucket[a:a + _CHUNK] * span + (e - emin)
            hi = np.bincount(key, weights=(M >> 26).astype(np.float64), minlength=nb * span)
            lo = np.bincount(key, weights=(M & ((1 << 26) - 1)).astype(np.float64), minlength=nb * span)
            hi, lo = hi.astype(np.int64).reshape(nb, span), lo.astype(np.int64).reshape(nb, span)
            for b in range(nb):
                acc = 0
                for j in range(span - 1, -1, -1):  # Horner in powers of two
                    acc = (acc << 1) + (int(hi[b, j]) << 26) + int(lo[b, j])
                self.totals[b] += acc << (emin - _EMIN)
        return self

    def fractions(self):
        return [fractions.Fraction(t, 1 << (53 - _EMIN)) for t in self.totals]


def exact_sums(values, bucket=None, n_buckets=1):
    """Exact sums of a float64 array per bucket, as Fractions (a list of n_buckets).

    x = M 2**(e - 53) with an integer mantissa |M| < 2**53 (frexp); M is split into a high part
    (< 2**27 in magnitude) and a low part (< 2**26), whose sums per (bucket, exponent) are exact
    even in bincount's doubles because every partial sum is an integer below 2**53. The rest is
    Python integer arithmetic. Non-finite values raise ValueError.
    """
    return ExactSum(n_buckets).add(values, bucket).fractions()


# ---- shards ------------------------------------------------------------------------------------

_markets = {}


def _market(market_json):
    """The market of a JSON text, read once per worker process."""
    key = hashlib.sha256(market_json.encode()).hexdigest()
    if key not in _markets:
        _markets[key] = Market.read_json(market_json, "market")
    return _markets[key]


def shard_risk(market_json, book, scenarios):
    """A shard's exact sums: Greeks per underlying and P&L per scenario, as Fractions.

    Runs on a worker: reads the market from its JSON text (cached per process), values the shard
    with the batch kernels, and returns {"positions", "greeks": {name: [Fraction per underlying]},
    "pnl": [Fraction per scenario]}.
    """
    market = _market(market_json)
    inputs = _Inputs(market, book)
    nb = len(book.underlyings)
    greeks = position_greeks(inputs, book)
    sums = {g: exact_sums(greeks[g], book.underlying, nb) for g in GREEKS}
    pnl = _blocked_pnl_sums(inputs, book, list(scenarios), greeks["price"])
    return {"positions": len(book), "underlyings": book.underlyings, "greeks": sums, "pnl": pnl}


def combine(results):
    """Adds shard results exactly and rounds once: {"positions", "by_underlying": {u: {greek: float}},
    "total": {greek: float} (USD figures only), "pnl": np.ndarray per scenario, USD}."""
    results = list(results)
    names = results[0]["underlyings"]
    greeks = {g: [sum((r["greeks"][g][i] for r in results), fractions.Fraction(0)) for i in range(len(names))]
              for g in GREEKS}
    pnl = [sum((r["pnl"][j] for r in results), fractions.Fraction(0)) for j in range(len(results[0]["pnl"]))]
    return {
        "positions": sum(r["positions"] for r in results),
        "by_underlying": {u: {g: float(greeks[g][i]) for g in GREEKS} for i, u in enumerate(names)},
        "total": {g: float(sum(greeks[g], fractions.Fraction(0))) for g in GREEKS if g.endswith("_usd")},
        "pnl": np.array([float(p) for p in pnl]),
    }


def book_risk(market_json, book, scenarios):
    """The single-process result: the whole book as one shard, in this process."""
    return combine([shard_risk(market_json, book, scenarios)])


def sharded_risk(client, market_json, book, scenarios=None, n_shards=None):
    """Greeks and scenario P&L totals of a book computed on a Dask cluster.

    client: a ``distributed.Client``; the market JSON text is broadcast to every worker once and
    the book is split into n_shards contiguous shards (default: one per worker), scattered, valued
    in parallel and combined exactly (see the module docstring). scenarios default to the
    Deribit-style grid of :func:`libhedge.scenario_grid`.
    """
    scenarios = list(scenario_grid() if scenarios is None else scenarios)
    n_shards = n_shards or max(len(client.scheduler_info()["workers"]), 1)
    # hash=False: a second scatter of the same text must not reuse a key the first run released
    text = client.scatter(market_json, broadcast=True, hash=False)
    shards = client.scatter(book.shards(n_shards), hash=False)
    futures = [client.submit(shard_risk, text, s, scenarios, pure=False) for s in shards]
    return combine(client.gather(futures))


__all__ = ["OptionBook", "random_book", "position_greeks", "position_pnl", "exact_sums", "shard_risk", "combine",
           "book_risk", "sharded_risk", "ExactSum", "GREEKS", "Scenario", "Shift"]
