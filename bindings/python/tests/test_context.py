"""The Context: a Python allocator sees every allocation, out-of-memory raises, logging, lifetimes."""
import gc

import pytest

import libhedge as lh


def test_allocator_hook_sees_every_allocation_and_every_free(market_text):
    alloc = lh.TrackingAllocator()
    ctx = lh.Context(allocator=alloc)
    assert alloc.allocations >= 1 and alloc.live_blocks >= 1  # the context itself
    base = alloc.allocations
    with lh.Market.read_json(market_text, ctx=ctx) as market:
        assert alloc.allocations > base + 100  # instruments, snapshot, surfaces
        with lh.Portfolio.read_json(market, market_text, ctx=ctx) as book, lh.Risk(book, market, ctx=ctx) as risk:
            assert risk.total()["positions"] == len(book) > 0
    ctx.close()
    gc.collect()
    assert alloc.live_blocks == 0 and alloc.live_bytes == 0
    assert alloc.frees == alloc.allocations


def test_every_failed_allocation_is_reported_as_nomem():
    """Countdown: fail the N-th allocation for every N until the call succeeds (SQLite's sweep)."""
    for n in range(0, 50):
        alloc = lh.TrackingAllocator(fail_after=n)
        try:
            with lh.Context(allocator=alloc) as ctx:
                with lh.Instrument.option("BTC-X-C", "BTC", "call", 100000, 1_900_000_000_000, ctx=ctx):
                    pass
                with lh.SnapshotBuilder(1_800_000_000_000, ctx=ctx) as builder:
                    builder.set_spot("BTC", 90000, 1_800_000_000_000).set_rate("BTC", 0.03)
                    with builder.finish():
                        pass
        except lh.NoMemoryError as e:
            assert e.status == lh.Status.NOMEM and e.name == "HEDGE_ERR_NOMEM"
            assert alloc.failures == 1
            continue
        finally:
            gc.collect()
            assert alloc.live_blocks == 0, f"leak after failing allocation {n}"
        assert alloc.failures == 0
        break
    else:
        pytest.fail("never succeeded")
    assert n > 3


def test_an_exception_in_the_allocator_becomes_nomem_with_its_cause():
    class Broken(lh.TrackingAllocator):
        armed = False

        def alloc(self, size, align):
            if self.armed:
                raise RuntimeError("pool exhausted")
            return super().alloc(size, align)

    alloc = Broken()
    ctx = lh.Context(allocator=alloc)
    alloc.armed = True
    with pytest.raises(lh.NoMemoryError) as e:
        lh.Portfolio(ctx=ctx)
    assert isinstance(e.value.__cause__, RuntimeError)


def test_log_callback_receives_messages():
    seen = []
    ctx = lh.Context(log=lambda level, msg: seen.append((level, msg)), log_level=lh.LogLevel.DEBUG)
    ctx.log(lh.LogLevel.WARN, "hello from python")
    assert (lh.LogLevel.WARN, "hello from python") in seen


def test_objects_keep_their_context_alive_and_close_is_idempotent():
    alloc = lh.TrackingAllocator()
    ctx = lh.Context(allocator=alloc)
    inst = lh.Instrument.future("BTC-F", "BTC", 1_900_000_000_000, ctx=ctx)
    ctx.close()
    del ctx
    gc.collect()
    assert inst.symbol == "BTC-F"  # the C context is still alive for the instrument
    inst.close()
    inst.close()
    with pytest.raises(ValueError):
        inst.symbol
    gc.collect()
    assert alloc.live_blocks == 0


def test_version_and_capabilities():
    assert lh.version().count(".") == 2
    caps = lh.capabilities()
    assert "custom-allocator" in caps and "thread-local-errors" in caps
