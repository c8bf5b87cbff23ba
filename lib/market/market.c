/* A market bundles references to instruments, a snapshot and surfaces, with a symbol index. */
#include "core/internal.h"
#include "market/market_internal.h"

#include <hedge/market.h>

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* The market's own memory; the parts it references are released by free_market. */
static void free_tables(hedge_market *m) {
    hedge__free(m->ctx, m->instruments, m->n_instruments * sizeof *m->instruments, 0);
    hedge__free(m->ctx, m->by_symbol, m->n_instruments * sizeof *m->by_symbol, 0);
    hedge__free(m->ctx, m->surfaces, m->n_surfaces * sizeof *m->surfaces, 0);
    hedge__free(m->ctx, m->surface_names, m->n_surfaces * sizeof *m->surface_names, 0);
    hedge__free(m->ctx, m, sizeof *m, alignof(hedge_market));
}

static void free_market(hedge_market *m) {
    for (size_t i = 0; i < m->n_instruments; i++)
        hedge_instrument_destroy(m->instruments[i]);
    for (size_t i = 0; i < m->n_surfaces; i++)
        hedge_vol_surface_destroy(m->surfaces[i]);
    hedge_snapshot_destroy(m->snapshot);
    free_tables(m);
}

/* qsort has no context argument, so the index sorts pointers-to-symbol pairs instead. */
typedef struct symbol_ref {
    const char *symbol;
    size_t index;
} symbol_ref;

static int cmp_symbol_ref(const void *a, const void *b) {
    return strcmp(((const symbol_ref *)a)->symbol, ((const symbol_ref *)b)->symbol);
}

HEDGE_API hedge_status hedge_market_create(hedge_market **out, hedge_context *ctx, const hedge_snapshot *snapshot,
                                           const hedge_instrument *const *instruments, size_t n_instruments,
                                           const hedge_vol_surface *const *surfaces,
                                           const char *const *surface_underlyings, size_t n_surfaces) {
    static const char fn[] = "hedge_market_create";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !snapshot || (n_instruments && !instruments) || (n_surfaces && (!surfaces || !surface_underlyings)))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    for (size_t i = 0; i < n_instruments; i++)
        if (!instruments[i])
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: instrument %zu is NULL", fn, i);
    for (size_t i = 0; i < n_surfaces; i++) {
        const char *name = surface_underlyings[i];
        if (!surfaces[i] || !name || !name[0] || strlen(name) >= NAME_CAP)
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: surface %zu: NULL surface or bad underlying name", fn,
                               i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(surface_underlyings[j], name) == 0)
                return hedge__fail(ctx, HEDGE_ERR_EXISTS, "%s: two surfaces for %s", fn, name);
        /* a surface's times to expiry are measured from its own valuation time: mixing two would
         * misprice every option, and its JSON form would not read back (found by fuzzing) */
        if (surfaces[i]->valuation_ms != snapshot->valuation_ms)
            return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: the surface for %s is valued at %lld, the snapshot at %lld",
                               fn, name, (long long)surfaces[i]->valuation_ms, (long long)snapshot->valuation_ms);
    }

    hedge_market *m = hedge__alloc(ctx, sizeof *m, alignof(hedge_market));
    if (!m)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate the market", fn);
    memset(m, 0, sizeof *m);
    m->ctx = ctx;
    m->n_instruments = n_instruments;
    m->n_surfaces = n_surfaces;
    symbol_ref *refs = NULL;
    size_t refs_bytes = n_instruments * sizeof *refs;
    bool ok = true;
    if (n_instruments) {
        m->instruments = hedge__alloc(ctx, n_instruments * sizeof *m->instruments, 0);
        m->by_symbol = hedge__alloc(ctx, n_instruments * sizeof *m->by_symbol, 0);
        refs = hedge__alloc(ctx, refs_bytes, 0);
        ok = m->instruments && m->by_symbol && refs;
    }
    if (ok && n_surfaces) {
        m->surfaces = hedge__alloc(ctx, n_surfaces * sizeof *m->surfaces, 0);
        m->surface_names = hedge__alloc(ctx, n_surfaces * sizeof *m->surface_names, 0);
        ok = m->surfaces && m->surface_names;
    }
    if (!ok) {
        hedge__free(ctx, refs, refs_bytes, 0);
        free_tables(m);
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate the market's tables", fn);
    }
    for (size_t i = 0; i < n_instruments; i++)
        refs[i] = (symbol_ref){instruments[i]->spec.symbol, i};
    if (n_instruments > 1)
        qsort(refs, n_instruments, sizeof *refs, cmp_symbol_ref);
    for (size_t i = 1; i < n_instruments; i++)
        if (strcmp(refs[i - 1].symbol, refs[i].symbol) == 0) {
            hedge_status st = hedge__fail(ctx, HEDGE_ERR_EXISTS, "%s: two instruments named %s", fn, refs[i].symbol);
            hedge__free(ctx, refs, refs_bytes, 0);
            free_tables(m);
            return st;
        }
    for (size_t i = 0; i < n_instruments; i++) {
        m->by_symbol[i] = refs[i].index;
        m->instruments[i] = hedge_instrument_ref(instruments[i]);
    }
    hedge__free(ctx, refs, refs_bytes, 0);
    for (size_t i = 0; i < n_surfaces; i++) {
        m->surfaces[i] = hedge_vol_surface_ref(surfaces[i]);
        strcpy(m->surface_names[i], surface_underlyings[i]);
    }
    m->snapshot = hedge_snapshot_ref(snapshot);
    atomic_init(&m->refs, 1);
    *out = m;
    return HEDGE_OK;
}

HEDGE_API hedge_market *hedge_market_ref(const hedge_market *market) {
    if (!market)
        return NULL;
    hedge_market *m = (hedge_market *)(uintptr_t)market;
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

HEDGE_API void hedge_market_destroy(hedge_market *market) {
    if (!market)
        return;
    if (atomic_fetch_sub_explicit(&market->refs, 1, memory_order_release) != 1)
        return;
    atomic_thread_fence(memory_order_acquire);
    free_market(market);
}

HEDGE_API const hedge_snapshot *hedge_market_snapshot(const hedge_market *market) { return market->snapshot; }

HEDGE_API size_t hedge_market_instrument_count(const hedge_market *market) { return market->n_instruments; }

HEDGE_API const hedge_instrument *hedge_market_instrument(const hedge_market *market, size_t index) {
    return index < market->n_instruments ? market->instruments[index] : NULL;
}

HEDGE_API hedge_status hedge_market_find_instrument(const hedge_instrument **instrument, const hedge_market *market,
                                                    const char *symbol) {
    if (!instrument || !market || !symbol)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_market_find_instrument: NULL argument");
    size_t lo = 0, hi = market->n_instruments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const hedge_instrument *x = market->instruments[market->by_symbol[mid]];
        int c = strcmp(x->spec.symbol, symbol);
        if (c == 0) {
            *instrument = x;
            return HEDGE_OK;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "hedge_market_find_instrument: no instrument %s", symbol);
}

HEDGE_API hedge_status hedge_market_surface(const hedge_vol_surface **surface, const hedge_market *market,
                                            const char *underlying) {
    if (!surface || !market || !underlying)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_market_surface: NULL argument");
    for (size_t i = 0; i < market->n_surfaces; i++)
        if (strcmp(market->surface_names[i], underlying) == 0) {
            *surface = market->surfaces[i];
            return HEDGE_OK;
        }
    return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "hedge_market_surface: no surface for %s", underlying);
}
