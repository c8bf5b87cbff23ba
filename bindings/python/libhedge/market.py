"""Instruments, market snapshots, volatility surfaces and markets (instrument.h, snapshot.h,
volsurface.h, market.h, valuation.h).

Conventions: timestamps are ms since the Unix epoch, UTC (ints; datetimes are accepted where a
time is given); ages are ms; times to expiry ACT/365 years; rates continuously compounded per
year; spots, forwards and strikes in the quote currency (USD) per unit of underlying; quote
prices in the instrument's premium currency (coins for inverse options); sizes in contracts;
volatilities per sqrt(year) as fractions.
"""

import dataclasses
import enum
import os

import numpy as np

from ._core import (Handle, InstrumentKind, OptionType, Settlement, _cstr, _ctx, _enum, _text, check,
                    context_check, option_type, settlement, to_ms)
from ._ffi import ffi, lib, new


@dataclasses.dataclass(frozen=True)
class Valuation:
    """Value and risk of one contract (valuation.h), the multiplier applied.

    value: settlement currency (USD linear, coins inverse); value_usd: USD; delta_coin: coin
    exposure; delta_usd = delta_coin * spot; gamma_coin: d(delta_coin)/dS, coins per USD;
    vega_usd: USD per 1.00 of vol; theta_usd: USD per year; vol: implied vol used; forward and
    spot in USD per coin; time_to_expiry in ACT/365 years.
    """
    value: float
    value_usd: float
    delta_coin: float
    delta_usd: float
    gamma_coin: float
    vega_usd: float
    theta_usd: float
    vol: float
    forward: float
    spot: float
    time_to_expiry: float


class Instrument(Handle):
    """An immutable instrument (a reference to a hedge_instrument).

    Build one with :meth:`option`, :meth:`future`, :meth:`perpetual` or :meth:`spot`, or take it
    from a :class:`Market`. Strikes in USD per unit of underlying; expiries in ms since the epoch
    (or datetimes); multiplier: units of underlying per contract, except inverse futures and
    perpetuals, where it is the face value in USD per contract.
    """

    _destroy = "hedge_instrument_destroy"

    def __init__(self, kind, symbol, underlying, *, venue=None, settlement_="linear", multiplier=1.0,
                 option_type_=None, strike=0.0, expiry=0, funding_interval_s=0.0, ctx=None):
        ctx = _ctx(ctx)
        keep = []
        spec = new("hedge_instrument_spec")
        spec.kind = _enum(InstrumentKind, kind)
        spec.symbol = _cstr(symbol, keep)
        spec.underlying = _cstr(underlying, keep)
        spec.venue = _cstr(venue, keep)
        spec.settlement = settlement(settlement_)
        spec.multiplier = multiplier
        spec.option_type = 0 if option_type_ is None else option_type(option_type_)
        spec.strike = strike
        spec.expiry_ms = to_ms(expiry)
        spec.funding_interval_s = funding_interval_s
        out = ffi.new("hedge_instrument **")
        context_check(ctx, lib.hedge_instrument_create(out, ctx.ptr, spec))
        super().__init__(out[0], [ctx.ptr])

    @classmethod
    def option(cls, symbol, underlying, type, strike, expiry, *, venue=None, settlement="linear",
               multiplier=1.0, ctx=None):
        """A European option: type "call"/"put", strike USD per unit, expiry ms or datetime."""
        return cls(InstrumentKind.OPTION, symbol, underlying, venue=venue, settlement_=settlement,
                   multiplier=multiplier, option_type_=type, strike=strike, expiry=expiry, ctx=ctx)

    @classmethod
    def future(cls, symbol, underlying, expiry, *, venue=None, settlement="linear", multiplier=1.0, ctx=None):
        return cls(InstrumentKind.FUTURE, symbol, underlying, venue=venue, settlement_=settlement,
                   multiplier=multiplier, expiry=expiry, ctx=ctx)

    @classmethod
    def perpetual(cls, symbol, underlying, *, venue=None, settlement="linear", multiplier=1.0,
                  funding_interval_s=0.0, ctx=None):
        """A perpetual swap; funding every funding_interval_s seconds (0: 8 hours)."""
        return cls(InstrumentKind.PERPETUAL, symbol, underlying, venue=venue, settlement_=settlement,
                   multiplier=multiplier, funding_interval_s=funding_interval_s, ctx=ctx)

    @classmethod
    def spot(cls, symbol, underlying, *, venue=None, multiplier=1.0, ctx=None):
        return cls(InstrumentKind.SPOT, symbol, underlying, venue=venue, multiplier=multiplier, ctx=ctx)

    @classmethod
    def _borrow(cls, ptr, keep):
        """Wraps an instrument owned by someone else, taking a reference of our own."""
        self = cls.__new__(cls)
        Handle.__init__(self, lib.hedge_instrument_ref(ptr), keep)
        return self

    def _spec(self):
        spec = new("hedge_instrument_spec")
        check(lib.hedge_instrument_info(spec, self.ptr))
        return spec

    def info(self):
        """The instrument's description as a dict (kind, symbol, underlying, venue, settlement,
        multiplier, option_type, strike, expiry_ms, funding_interval_s)."""
        s = self._spec()
        return {
            "kind": InstrumentKind(s.kind), "symbol": _text(s.symbol), "underlying": _text(s.underlying),
            "venue": _text(s.venue), "settlement": Settlement(s.settlement), "multiplier": s.multiplier,
            "option_type": OptionType(s.option_type) if s.option_type else None, "strike": s.strike,
            "expiry_ms": s.expiry_ms, "funding_interval_s": s.funding_interval_s,
        }

    @property
    def symbol(self):
        return _text(self._spec().symbol)

    @property
    def underlying(self):
        return _text(self._spec().underlying)

    @property
    def kind(self):
        return InstrumentKind(self._spec().kind)

    def time_to_expiry(self, now):
        """ACT/365 years from now (ms or datetime) to the expiry of a future or option."""
        out = ffi.new("double *")
        check(lib.hedge_instrument_time_to_expiry(out, self.ptr, to_ms(now)))
        return out[0]

    def value(self, snapshot, surface=None):
        """Value and risk of one contract off a Snapshot (and a VolSurface for options)."""
        out = new("hedge_valuation")
        check(lib.hedge_instrument_value(out, self.ptr, snapshot.ptr, surface.ptr if surface else ffi.NULL))
        return Valuation(*(getattr(out, f.name) for f in dataclasses.fields(Valuation)))

    def __repr__(self):
        return f"<Instrument {self.symbol}>" if not self.closed else "<Instrument (closed)>"


class SourceVerdict(enum.IntEnum):
    ACCEPTED = 0
    STALE = 1
    OUTLIER = 2


@dataclasses.dataclass(frozen=True)
class SourceReport:
    """One price source of an underlying's spot, and what the combination made of it."""
    source: str
    price: float
    timestamp_ms: int
    verdict: SourceVerdict


@dataclasses.dataclass(frozen=True)
class Quote:
    """A two-sided quote: prices in the premium currency, sizes in contracts; ladders as lists of
    (price, size), best first."""
    symbol: str
    venue: str
    bid: float
    ask: float
    bid_size: float
    ask_size: float
    bids: list
    asks: list
    timestamp_ms: int
    max_age_ms: int


class SnapshotBuilder(Handle):
    """Assembles a :class:`Snapshot` valued at ``valuation`` (ms or datetime). One thread at a time.

    default_max_age_ms: age limit of data added with max_age_ms = 0 (default 60000);
    source_max_deviation: relative distance from the median beyond which a price source is an
    outlier (default 0.02); source_min_count: agreeing fresh sources needed (default 1).
    """

    _destroy = "hedge_snapshot_builder_destroy"

    def __init__(self, valuation, *, default_max_age_ms=None, source_max_deviation=None, source_min_count=None,
                 ctx=None):
        ctx = _ctx(ctx)
        opts = ffi.new("hedge_snapshot_options *")
        lib.hedge_snapshot_options_init(opts)
        if default_max_age_ms is not None:
            opts.default_max_age_ms = default_max_age_ms
        if source_max_deviation is not None:
            opts.source_max_deviation = source_max_deviation
        if source_min_count is not None:
            opts.source_min_count = source_min_count
        out = ffi.new("hedge_snapshot_builder **")
        context_check(ctx, lib.hedge_snapshot_builder_create(out, ctx.ptr, to_ms(valuation), opts))
        super().__init__(out[0], [ctx.ptr])
        self._ctx = ctx

    def set_spot(self, underlying, spot, timestamp, max_age_ms=0):
        context_check(self._ctx, lib.hedge_snapshot_builder_set_spot(self.ptr, underlying.encode(), spot,
                                                                     to_ms(timestamp), max_age_ms))
        return self

    def add_source(self, underlying, source, price, timestamp, max_age_ms=0):
        context_check(self._ctx, lib.hedge_snapshot_builder_add_source(self.ptr, underlying.encode(),
                                                                       source.encode(), price, to_ms(timestamp),
                                                                       max_age_ms))
        return self

    def set_rate(self, underlying, rate):
        """The quote currency's discount rate for the underlying's options, continuously compounded."""
        context_check(self._ctx, lib.hedge_snapshot_builder_set_rate(self.ptr, underlying.encode(), rate))
        return self

    def add_forward(self, underlying, expiry, forward):
        context_check(self._ctx, lib.hedge_snapshot_builder_add_forward(self.ptr, underlying.encode(),
                                                                        to_ms(expiry), forward))
        return self

    def set_funding(self, symbol, rate, predicted=None, timestamp=0, max_age_ms=0):
        """A perpetual's funding rate per interval (0.0001 = 0.01%); longs pay when positive."""
        context_check(self._ctx, lib.hedge_snapshot_builder_set_funding(
            self.ptr, symbol.encode(), rate, rate if predicted is None else predicted, to_ms(timestamp), max_age_ms))
        return self

    def add_quote(self, symbol, venue, *, bid=0.0, ask=0.0, bid_size=0.0, ask_size=0.0, timestamp=0,
                  max_age_ms=0, bids=None, asks=None):
        keep = []
        q = new("hedge_quote")
        q.symbol = _cstr(symbol, keep)
        q.venue = _cstr(venue, keep)
        q.bid, q.ask, q.bid_size, q.ask_size = bid, ask, bid_size, ask_size
        for side, ladder in (("bids", bids), ("asks", asks)):
            if ladder:
                arr = ffi.new("hedge_depth_level[]", [tuple(level) for level in ladder])
                keep.append(arr)
                setattr(q, side, arr)
                setattr(q, "n_" + side, len(ladder))
        q.timestamp_ms = to_ms(timestamp)
        q.max_age_ms = max_age_ms
        context_check(self._ctx, lib.hedge_snapshot_builder_add_quote(self.ptr, q))
        return self

    def finish(self):
        """Freezes what was added into a Snapshot; the builder is emptied and stays usable."""
        out = ffi.new("hedge_snapshot **")
        context_check(self._ctx, lib.hedge_snapshot_builder_finish(out, self.ptr))
        return Snapshot._own(out[0], [self._ctx.ptr])


class Snapshot(Handle):
    """Immutable market data at one valuation time (see :class:`SnapshotBuilder`)."""

    _destroy = "hedge_snapshot_destroy"

    @property
    def valuation_ms(self):
        return lib.hedge_snapshot_valuation_ms(self.ptr)

    def spot(self, underlying):
        """Spot, USD per unit. Raises NotFoundError or StaleError."""
        out = ffi.new("double *")
        check(lib.hedge_snapshot_spot(out, self.ptr, underlying.encode()))
        return out[0]

    def rate(self, underlying):
        out = ffi.new("double *")
        check(lib.hedge_snapshot_rate(out, self.ptr, underlying.encode()))
        return out[0]

    def forward(self, underlying, expiry):
        """Forward for a date (ms or datetime), USD per unit."""
        out = ffi.new("double *")
        check(lib.hedge_snapshot_forward(out, self.ptr, underlying.encode(), to_ms(expiry)))
        return out[0]

    def funding(self, symbol):
        """(rate, predicted) of a perpetual, per funding interval."""
        rate, predicted = ffi.new("double *"), ffi.new("double *")
        check(lib.hedge_snapshot_funding(rate, predicted, self.ptr, symbol.encode()))
        return rate[0], predicted[0]

    def quote(self, symbol, venue):
        q = new("hedge_quote")
        check(lib.hedge_snapshot_quote(q, self.ptr, symbol.encode(), venue.encode()))
        return Quote(_text(q.symbol), _text(q.venue), q.bid, q.ask, q.bid_size, q.ask_size,
                     [(q.bids[i].price, q.bids[i].size) for i in range(q.n_bids)],
                     [(q.asks[i].price, q.asks[i].size) for i in range(q.n_asks)], q.timestamp_ms, q.max_age_ms)

    def sources(self, underlying):
        count = ffi.new("size_t *")
        check(lib.hedge_snapshot_sources(ffi.NULL, 0, count, self.ptr, underlying.encode()))
        reports = ffi.new("hedge_source_report[]", count[0])
        check(lib.hedge_snapshot_sources(reports, count[0], count, self.ptr, underlying.encode()))
        return [SourceReport(_text(r.source), r.price, r.timestamp_ms, SourceVerdict(r.verdict)) for r in reports]


@dataclasses.dataclass(frozen=True)
class SviSlice:
    """One smile in raw SVI total variance w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)),
    k = ln(K/F); T in years; rmse_vol the fit error in volatility."""
    expiry_ms: int
    forward: float
    a: float
    b: float
    rho: float
    m: float
    sigma: float
    T: float = 0.0
    rmse_vol: float = 0.0


@dataclasses.dataclass(frozen=True)
class ArbitrageReport:
    """Static arbitrage found by VolSurface.check: kind "butterfly" or "calendar"."""
    kind: str
    slice: int
    worst_k: float
    worst_value: float
    points: int


class VolSurface(Handle):
    """An immutable volatility surface: an SVI smile per expiry, interpolated in total variance."""

    _destroy = "hedge_vol_surface_destroy"

    @classmethod
    def fit(cls, valuation, smiles, *, ctx=None):
        """Fits one SVI smile per expiry. smiles: iterable of dicts with expiry (ms or datetime),
        forward, strikes, vols (per sqrt(year)) and optional weights."""
        ctx = _ctx(ctx)
        smiles = list(smiles)
        data = ffi.new("hedge_smile_data[]", len(smiles))
        keep = []
        for d, s in zip(data, smiles):
            d.expiry_ms = to_ms(s["expiry"])
            d.forward = s["forward"]
            strikes = np.ascontiguousarray(s["strikes"], np.float64)
            vols = np.ascontiguousarray(s["vols"], np.float64)
            if strikes.shape != vols.shape:
                raise ValueError("strikes and vols differ in length")
            d.n = strikes.size
            d.strikes = ffi.from_buffer("double[]", strikes)
            d.vols = ffi.from_buffer("double[]", vols)
            keep += [strikes, vols]
            if s.get("weights") is not None:
                w = np.ascontiguousarray(s["weights"], np.float64)
                keep.append(w)
                d.weights = ffi.from_buffer("double[]", w)
        out = ffi.new("hedge_vol_surface **")
        context_check(ctx, lib.hedge_vol_surface_fit(out, ctx.ptr, to_ms(valuation), data, len(smiles)))
        return cls._own(out[0], [ctx.ptr])

    @classmethod
    def from_slices(cls, valuation, slices, *, ctx=None):
        """A surface from given SVI slices (SviSlice or dicts; T and rmse_vol are ignored)."""
        ctx = _ctx(ctx)
        slices = [s if isinstance(s, SviSlice) else SviSlice(**s) for s in slices]
        arr = ffi.new("hedge_svi_slice[]", len(slices))
        for c, s in zip(arr, slices):
            c.expiry_ms, c.forward, c.a, c.b, c.rho, c.m, c.sigma = (to_ms(s.expiry_ms), s.forward, s.a, s.b,
                                                                     s.rho, s.m, s.sigma)
        out = ffi.new("hedge_vol_surface **")
        context_check(ctx, lib.hedge_vol_surface_create(out, ctx.ptr, to_ms(valuation), arr, len(slices)))
        return cls._own(out[0], [ctx.ptr])

    @classmethod
    def fit_quotes(cls, snapshot, options, *, venue=None, weighting="vega", atm_band=0.01, stale_is_error=False,
                   ctx=None):
        """Fits a surface to the quotes of a snapshot for option Instruments of one underlying.
        Returns (surface, report) where report has per-expiry dicts and per-option verdicts."""
        ctx = _ctx(ctx)
        options = list(options)
        keep = []
        opts = ffi.new("hedge_surface_fit_options *")
        lib.hedge_surface_fit_options_init(opts)
        opts.venue = _cstr(venue, keep)
        opts.flags = 1 if stale_is_error else 0
        opts.weighting = {"vega": 0, "inverse_spread": 1, "equal": 2}[weighting]
        opts.atm_band = atm_band
        ptrs = ffi.new("const hedge_instrument *[]", [o.ptr for o in options])
        cap = 256
        expiries = ffi.new("hedge_surface_fit_expiry[]", cap)
        verdicts = ffi.new("hedge_quote_verdict[]", max(len(options), 1))
        rep = new("hedge_surface_fit_report")
        rep.expiry_struct_size = ffi.sizeof("hedge_surface_fit_expiry")
        rep.expiries, rep.expiry_capacity, rep.verdicts = expiries, cap, verdicts
        out = ffi.new("hedge_vol_surface **")
        context_check(ctx, lib.hedge_vol_surface_fit_quotes(out, ctx.ptr, snapshot.ptr, ptrs, len(options), opts, rep))
        fields = [f for f, _ in ffi.typeof("hedge_surface_fit_expiry").fields]
        report = {
            "n_expiries": rep.n_expiries, "n_fitted": rep.n_fitted, "n_used": rep.n_used,
            "n_skipped": rep.n_skipped,
            "expiries": [{f: getattr(e, f) for f in fields} for e in expiries[0:min(rep.n_expiries, cap)]],
            "verdicts": [int(v) for v in verdicts[0:len(options)]],
        }
        return cls._own(out[0], [ctx.ptr, snapshot.ptr]), report

    @property
    def slices(self):
        out = []
        for i in range(lib.hedge_vol_surface_slice_count(self.ptr)):
            s = ffi.new("hedge_svi_slice *")
            check(lib.hedge_vol_surface_slice(s, self.ptr, i))
            out.append(SviSlice(s.expiry_ms, s.forward, s.a, s.b, s.rho, s.m, s.sigma, s.T, s.rmse_vol))
        return out

    def total_variance(self, k, T):
        """w = sigma_imp^2 T at log-moneyness k = ln(K/F) and T years."""
        out = ffi.new("double *")
        check(lib.hedge_vol_surface_total_variance(out, self.ptr, k, T))
        return out[0]

    def vol(self, strike, forward, expiry):
        """Implied volatility at a strike and expiry (ms or datetime), given the forward for it."""
        out = ffi.new("double *")
        check(lib.hedge_vol_surface_vol(out, self.ptr, strike, forward, to_ms(expiry)))
        return out[0]

    def check(self, k_min=-1.5, k_max=1.5, grid_points=301):
        """Static-arbitrage findings on a log-moneyness grid; an empty list means none found."""
        count = ffi.new("size_t *")
        check(lib.hedge_vol_surface_check(ffi.NULL, 0, count, self.ptr, k_min, k_max, grid_points))
        reps = ffi.new("hedge_arbitrage_report[]", max(count[0], 1))
        check(lib.hedge_vol_surface_check(reps, count[0], count, self.ptr, k_min, k_max, grid_points))
        kinds = {1: "butterfly", 2: "calendar"}
        return [ArbitrageReport(kinds[r.kind], r.slice, r.worst_k, r.worst_value, r.points) for r in reps[0:count[0]]]


class Market(Handle):
    """Instruments, a snapshot and a volatility surface per underlying, immutable; usually read
    from the JSON format of docs/json-format.md."""

    _destroy = "hedge_market_destroy"

    @classmethod
    def read_json(cls, text, name=None, *, ctx=None):
        """A market from JSON text (str or bytes); name is used in error messages."""
        ctx = _ctx(ctx)
        data = text.encode() if isinstance(text, str) else bytes(text)
        out = ffi.new("hedge_market **")
        context_check(ctx, lib.hedge_market_read_json(out, ctx.ptr, data, len(data),
                                                      name.encode() if name else ffi.NULL))
        return cls._own(out[0], [ctx.ptr])

    @classmethod
    def load_json(cls, path, *, ctx=None):
        """A market from a JSON file."""
        ctx = _ctx(ctx)
        out = ffi.new("hedge_market **")
        context_check(ctx, lib.hedge_market_load_json(out, ctx.ptr, os.fsencode(path)))
        return cls._own(out[0], [ctx.ptr])

    @classmethod
    def create(cls, snapshot, instruments=(), surfaces=None, *, ctx=None):
        """Bundles parts: surfaces is a dict underlying -> VolSurface."""
        ctx = _ctx(ctx)
        instruments = list(instruments)
        surfaces = dict(surfaces or {})
        keep = []
        inst = ffi.new("const hedge_instrument *[]", [i.ptr for i in instruments] or 1)
        surf = ffi.new("const hedge_vol_surface *[]", [s.ptr for s in surfaces.values()] or 1)
        names = ffi.new("const char *[]", [_cstr(u, keep) for u in surfaces] or 1)
        out = ffi.new("hedge_market **")
        context_check(ctx, lib.hedge_market_create(out, ctx.ptr, snapshot.ptr, inst, len(instruments), surf, names,
                                                   len(surfaces)))
        deps = [ctx.ptr, snapshot.ptr] + [i.ptr for i in instruments] + [s.ptr for s in surfaces.values()]
        return cls._own(out[0], deps)

    def to_json(self):
        """The market as JSON text that read_json reads back to an identical market."""
        length = ffi.new("size_t *")
        st = lib.hedge_market_write_json(ffi.NULL, 0, length, self.ptr)
        if st not in (0, -13):
            check(st)
        buf = ffi.new("char[]", length[0] + 1)
        check(lib.hedge_market_write_json(buf, length[0] + 1, length, self.ptr))
        return ffi.string(buf, length[0]).decode()

    @property
    def snapshot(self):
        return Snapshot._own(lib.hedge_snapshot_ref(lib.hedge_market_snapshot(self.ptr)), self._keep)

    def __len__(self):
        return lib.hedge_market_instrument_count(self.ptr)

    def instrument(self, index):
        p = lib.hedge_market_instrument(self.ptr, index)
        if p == ffi.NULL:
            raise IndexError(index)
        return Instrument._borrow(p, self._keep)

    @property
    def instruments(self):
        return [self.instrument(i) for i in range(len(self))]

    def find(self, symbol):
        """The instrument with that symbol; NotFoundError if none."""
        out = ffi.new("const hedge_instrument **")
        check(lib.hedge_market_find_instrument(out, self.ptr, symbol.encode()))
        return Instrument._borrow(out[0], self._keep)

    def surface(self, underlying):
        out = ffi.new("const hedge_vol_surface **")
        check(lib.hedge_market_surface(out, self.ptr, underlying.encode()))
        return VolSurface._own(lib.hedge_vol_surface_ref(out[0]), self._keep)

    def value(self, instrument):
        """Valuation of one contract of an instrument (or symbol) off this market."""
        if isinstance(instrument, str):
            instrument = self.find(instrument)
        with self.snapshot as snap:
            sp = ffi.new("const hedge_vol_surface **")
            has = lib.hedge_market_surface(sp, self.ptr, instrument.underlying.encode()) == 0
            if not has:
                lib.hedge_error_clear()
            out = new("hedge_valuation")
            check(lib.hedge_instrument_value(out, instrument.ptr, snap.ptr, sp[0] if has else ffi.NULL))
        return Valuation(*(getattr(out, f.name) for f in dataclasses.fields(Valuation)))


__all__ = ["Valuation", "Instrument", "SnapshotBuilder", "Snapshot", "SourceReport", "SourceVerdict", "Quote",
           "SviSlice", "ArbitrageReport", "VolSurface", "Market"]
