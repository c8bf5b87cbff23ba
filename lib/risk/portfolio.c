/*
 * Portfolios: an array of positions plus an open-addressing index from instrument symbol to slot,
 * so that adding, finding and removing stay O(1) for books of millions of positions. A
 * reader-writer lock lets any number of risk computations read while changes wait their turn.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_rwlock_t */

#include "core/internal.h"
#include "market/market_internal.h"
#include "risk/risk_internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define EMPTY SIZE_MAX

/* The lock is the only state a reader changes: const handles may still lock. */
void hedge__portfolio_rdlock(const hedge_portfolio *pf) {
    pthread_rwlock_rdlock(&((hedge_portfolio *)(uintptr_t)pf)->lock);
}

void hedge__portfolio_unlock(const hedge_portfolio *pf) {
    pthread_rwlock_unlock(&((hedge_portfolio *)(uintptr_t)pf)->lock);
}

static uint64_t hash_symbol(const char *s) {
    uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

static const char *symbol_of(const hedge__pos *p) { return p->instrument->spec.symbol; }

/* Slot of `symbol` in the index, or of the empty slot where it would go. */
static size_t probe(const hedge_portfolio *pf, const char *symbol) {
    size_t mask = pf->index_cap - 1;
    for (size_t i = hash_symbol(symbol) & mask;; i = (i + 1) & mask) {
        size_t at = pf->index[i];
        if (at == EMPTY || strcmp(symbol_of(&pf->pos[at]), symbol) == 0)
            return i;
    }
}

/* A new index for `cap` slots (a power of two, at least twice the positions) built from pos[]. */
static hedge_status rebuild_index(hedge_portfolio *pf, size_t cap) {
    size_t bytes;
    if (!hedge__mul_size(cap, sizeof(size_t), &bytes))
        return hedge__fail(pf->ctx, HEDGE_ERR_TOO_LARGE, "portfolio: index of %zu slots is too large", cap);
    size_t *index = hedge__alloc(pf->ctx, bytes, 0);
    if (!index)
        return hedge__fail(pf->ctx, HEDGE_ERR_NOMEM, "portfolio: cannot allocate an index of %zu slots", cap);
    for (size_t i = 0; i < cap; i++)
        index[i] = EMPTY;
    hedge__free(pf->ctx, pf->index, pf->index_cap * sizeof(size_t), 0);
    pf->index = index;
    pf->index_cap = cap;
    for (size_t k = 0; k < pf->n; k++)
        pf->index[probe(pf, symbol_of(&pf->pos[k]))] = k;
    return HEDGE_OK;
}

HEDGE_API void hedge_position_clear(hedge_position *position) {
    if (!position)
        return;
    /* the reference was taken by read_out(); the const is for readers, not for the count */
    hedge_instrument_destroy((hedge_instrument *)(uintptr_t)position->instrument);
    position->instrument = NULL;
    position->quantity = position->entry_price = 0.0;
}

HEDGE_API hedge_status hedge_portfolio_create(hedge_portfolio **out, hedge_context *ctx) {
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "hedge_portfolio_create: out is NULL");
    *out = NULL;
    if (!ctx)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_portfolio_create: ctx is NULL");
    hedge_portfolio *pf = hedge__alloc(ctx, sizeof *pf, 0);
    if (!pf)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "hedge_portfolio_create: out of memory");
    memset(pf, 0, sizeof *pf);
    pf->ctx = ctx;
    if (pthread_rwlock_init(&pf->lock, NULL) != 0) {
        hedge__free(ctx, pf, sizeof *pf, 0);
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "hedge_portfolio_create: cannot create its lock");
    }
    *out = pf;
    return HEDGE_OK;
}

HEDGE_API void hedge_portfolio_destroy(hedge_portfolio *pf) {
    if (!pf)
        return;
    for (size_t k = 0; k < pf->n; k++)
        hedge_instrument_destroy(pf->pos[k].instrument);
    hedge__free(pf->ctx, pf->pos, pf->cap * sizeof *pf->pos, 0);
    hedge__free(pf->ctx, pf->index, pf->index_cap * sizeof(size_t), 0);
    pthread_rwlock_destroy(&pf->lock);
    hedge__free(pf->ctx, pf, sizeof *pf, 0);
}

static hedge_status check_numbers(const char *fn, double quantity, double entry) {
    if (!isfinite(quantity))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: quantity must be finite, got %g", fn, quantity);
    if (!(entry >= 0.0) || !isfinite(entry))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: entry price must be finite and >= 0, got %g", fn, entry);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_portfolio_add(hedge_portfolio *pf, const hedge_position *position) {
    static const char fn[] = "hedge_portfolio_add";
    if (!pf || !position || !position->instrument)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (position->struct_size < offsetof(hedge_position, entry_price) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: position->struct_size %zu is too small (set it with "
                           "HEDGE_POSITION_INIT)", fn, position->struct_size);
    hedge_status st = check_numbers(fn, position->quantity, position->entry_price);
    if (st)
        return st;
    const char *symbol = position->instrument->spec.symbol;
    pthread_rwlock_wrlock(&pf->lock);
    /* Both tables grow before anything changes, so a failed allocation leaves the portfolio as it was. */
    if (pf->index_cap && pf->index[probe(pf, symbol)] != EMPTY) {
        st = hedge__fail(pf->ctx, HEDGE_ERR_EXISTS, "%s: the portfolio already holds %s", fn, symbol);
    } else if ((st = hedge__vec_reserve(pf->ctx, (void **)&pf->pos, &pf->cap, pf->n + 1, sizeof *pf->pos)) ==
               HEDGE_OK) {
        if (2 * (pf->n + 1) > pf->index_cap)
            st = rebuild_index(pf, pf->index_cap ? 2 * pf->index_cap : 16);
        if (st == HEDGE_OK) {
            hedge__pos *p = &pf->pos[pf->n];
            p->instrument = hedge_instrument_ref(position->instrument);
            p->quantity = position->quantity;
            p->entry_price = position->entry_price;
            pf->index[probe(pf, symbol)] = pf->n++;
        }
    }
    pthread_rwlock_unlock(&pf->lock);
    return st;
}

HEDGE_API hedge_status hedge_portfolio_update(hedge_portfolio *pf, const char *symbol, double quantity,
                                              double entry_price) {
    static const char fn[] = "hedge_portfolio_update";
    if (!pf || !symbol)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge_status st = check_numbers(fn, quantity, entry_price);
    if (st)
        return st;
    pthread_rwlock_wrlock(&pf->lock);
    size_t at = pf->index_cap ? pf->index[probe(pf, symbol)] : EMPTY;
    if (at == EMPTY) {
        st = hedge__fail(pf->ctx, HEDGE_ERR_NOT_FOUND, "%s: no position in %s", fn, symbol);
    } else {
        pf->pos[at].quantity = quantity;
        pf->pos[at].entry_price = entry_price;
    }
    pthread_rwlock_unlock(&pf->lock);
    return st;
}

HEDGE_API hedge_status hedge_portfolio_remove(hedge_portfolio *pf, const char *symbol) {
    static const char fn[] = "hedge_portfolio_remove";
    if (!pf || !symbol)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge_status st = HEDGE_OK;
    hedge_instrument *gone = NULL;
    pthread_rwlock_wrlock(&pf->lock);
    size_t slot = pf->index_cap ? probe(pf, symbol) : 0;
    size_t at = pf->index_cap ? pf->index[slot] : EMPTY;
    if (at == EMPTY) {
        st = hedge__fail(pf->ctx, HEDGE_ERR_NOT_FOUND, "%s: no position in %s", fn, symbol);
    } else {
        gone = pf->pos[at].instrument;
        /* Backward-shift deletion keeps every probe sequence unbroken without tombstones. */
        size_t mask = pf->index_cap - 1, hole = slot;
        for (size_t i = (hole + 1) & mask; pf->index[i] != EMPTY; i = (i + 1) & mask) {
            size_t home = hash_symbol(symbol_of(&pf->pos[pf->index[i]])) & mask;
            /* move it into the hole unless its home lies cyclically in (hole, i] */
            bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                pf->index[hole] = pf->index[i];
                hole = i;
            }
        }
        pf->index[hole] = EMPTY;
        /* the last position fills the gap in the array */
        size_t last = --pf->n;
        if (at != last) {
            pf->pos[at] = pf->pos[last];
            pf->index[probe(pf, symbol_of(&pf->pos[at]))] = at;
        }
    }
    pthread_rwlock_unlock(&pf->lock);
    hedge_instrument_destroy(gone); /* outside the lock: it may free memory through the context */
    return st;
}

HEDGE_API size_t hedge_portfolio_count(const hedge_portfolio *pf) {
    if (!pf)
        return 0;
    hedge__portfolio_rdlock(pf);
    size_t n = pf->n;
    hedge__portfolio_unlock(pf);
    return n;
}

/* One position, by symbol when `symbol` is given, else by index. */
static hedge_status read_out(const char *fn, hedge_position *out, const hedge_portfolio *pf, const char *symbol,
                             size_t index) {
    if (!out || !pf)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (out->struct_size < offsetof(hedge_position, entry_price) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: position->struct_size %zu is too small (set it with "
                           "HEDGE_POSITION_INIT)", fn, out->struct_size);
    hedge_status st = HEDGE_OK;
    hedge__portfolio_rdlock(pf);
    size_t at = symbol ? (pf->index_cap ? pf->index[probe(pf, symbol)] : EMPTY) : index;
    if (at == EMPTY || at >= pf->n) {
        st = symbol ? hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: no position in %s", fn, symbol)
                    : hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: index %zu is past the %zu positions", fn, index,
                                  pf->n);
    } else {
        out->instrument = hedge_instrument_ref(pf->pos[at].instrument);
        out->quantity = pf->pos[at].quantity;
        out->entry_price = pf->pos[at].entry_price;
    }
    hedge__portfolio_unlock(pf);
    return st;
}

HEDGE_API hedge_status hedge_portfolio_position(hedge_position *position, const hedge_portfolio *portfolio,
                                                size_t index) {
    return read_out("hedge_portfolio_position", position, portfolio, NULL, index);
}

HEDGE_API hedge_status hedge_portfolio_find(hedge_position *position, const hedge_portfolio *portfolio,
                                            const char *symbol) {
    if (!symbol)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_portfolio_find: symbol is NULL");
    return read_out("hedge_portfolio_find", position, portfolio, symbol, EMPTY);
}

