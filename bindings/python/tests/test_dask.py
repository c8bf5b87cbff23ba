"""The sharded book: the batch path against the library's own valuation and scenario engine,
exact sums, and the 1M-position run on a local Dask cluster."""
import math
import time

import numpy as np
import pytest

import libhedge as lh
from libhedge import dask as hd


def small_book(market, n=60):
    book = hd.random_book(market, n, seed=11)
    book.quantity[book.quantity == 0] = 1.0
    return book


def test_batch_path_matches_risk_and_scenarios_of_the_library(market, market_text):
    """The same positions as instruments in a Portfolio: Risk and the scenario engine agree with
    the numpy/batch path to rounding."""
    book = small_book(market)
    port = lh.Portfolio()
    for i in range(len(book)):
        inst = lh.Instrument.option(f"OPT-{i}", book.underlyings[book.underlying[i]], int(book.type[i]),
                                    float(book.strike[i]), int(book.expiry_ms[i]), multiplier=float(book.multiplier[i]),
                                    settlement="inverse" if book.inverse[i] else "linear")
        port.add(inst, float(book.quantity[i]))
    grid = lh.scenario_grid(0.16, 2, (-0.3, 0.0, 0.45), days=3.0)
    mine = hd.book_risk(market_text, book, grid)
    risk = lh.Risk(port, market)
    for row in risk.rows("underlying"):
        for g in hd.GREEKS:
            assert mine["by_underlying"][row["underlying"]][g] == pytest.approx(row[g], rel=1e-9, abs=1e-6), g
    theirs = lh.run_scenarios(port, market, grid).totals()
    assert mine["pnl"] == pytest.approx(theirs, rel=1e-9, abs=1e-6)


def test_exact_sums_are_correctly_rounded():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(size=5000) * 1e8, rng.normal(size=5000) * 1e-8, [1e300, -1e300, 5e-324, -0.0]])
    assert float(hd.exact_sums(x)[0]) == math.fsum(x)
    b = rng.integers(0, 3, x.size)
    assert [float(s) for s in hd.exact_sums(x, b, 3)] == [math.fsum(x[b == k]) for k in range(3)]
    with pytest.raises(ValueError):
        hd.exact_sums([1.0, math.inf])


def test_position_figures_do_not_depend_on_the_shard(market):
    book = hd.random_book(market, 5003, seed=2)
    whole = hd.position_greeks(hd._Inputs(market, book), book)
    parts = [hd.position_greeks(hd._Inputs(market, s), s) for s in book.shards(7)]
    for g in hd.GREEKS:
        assert np.array_equal(whole[g], np.concatenate([p[g] for p in parts])), g


@pytest.mark.dask
def test_a_million_positions_sharded_over_dask_equal_the_single_process_result(market, market_text):
    distributed = pytest.importorskip("distributed")
    book = hd.random_book(market, 1_000_000, seed=42)
    grid = lh.scenario_grid()  # 17 spot moves x 3 vol moves
    t0 = time.perf_counter()
    single = hd.book_risk(market_text, book, grid)
    t_single = time.perf_counter() - t0

    t0 = time.perf_counter()
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        sharded = hd.sharded_risk(client, market_text, book, grid)
        t_sharded = time.perf_counter() - t0
        uneven = hd.sharded_risk(client, market_text, book, grid, n_shards=5)
    print(f"\n1M positions, {len(grid)} scenarios: single process {t_single:.1f} s; cluster start {t_start:.1f} s, "
          f"2 shards on 2 workers {t_sharded:.1f} s")

    # exact: the same doubles, not merely close, whatever the partition
    assert sharded["positions"] == uneven["positions"] == single["positions"] == len(book)
    assert sharded["by_underlying"] == single["by_underlying"] == uneven["by_underlying"]
    assert sharded["total"] == single["total"] == uneven["total"]
    assert np.array_equal(sharded["pnl"], single["pnl"]) and np.array_equal(uneven["pnl"], single["pnl"])

    # and those doubles are the correctly rounded sums of the per-position figures (math.fsum)
    inputs = hd._Inputs(market, book)
    per = hd.position_greeks(inputs, book)
    for i, u in enumerate(book.underlyings):
        sel = book.underlying == i
        for g in ("delta_coin", "vega_usd"):
            assert single["by_underlying"][u][g] == math.fsum(per[g][sel])
    cols = hd.position_pnl(inputs, book, [grid[0], grid[-1]], per["price"])
    assert [single["pnl"][0], single["pnl"][-1]] == [math.fsum(c) for c in cols]
