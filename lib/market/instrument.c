/* Instruments: validated once, immutable, reference-counted. */
#include "core/internal.h"
#include "market/market_internal.h"

#include <hedge/instrument.h>

#include <math.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>

#define SYMBOL_MAX 127
#define NAME_MAX_LEN 31
#define DEFAULT_FUNDING_INTERVAL_S (8.0 * 3600.0)

HEDGE_API void hedge_instrument_spec_init(hedge_instrument_spec *spec) {
    if (!spec)
        return;
    const hedge_instrument_spec defaults = HEDGE_INSTRUMENT_SPEC_INIT;
    *spec = defaults;
}

static hedge_status check_name(const char *s, size_t max, bool required, const char *what, size_t *len) {
    *len = 0;
    if (!s) {
        if (required)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_instrument_create: %s is required", what);
        return HEDGE_OK;
    }
    size_t n = 0;
    while (n <= max && s[n] != '\0')
        n++;
    if ((required && n == 0) || n > max)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_instrument_create: %s must have 1 to %zu bytes", what,
                           max);
    *len = n;
    return HEDGE_OK;
}

/* Everything about a spec that can be wrong, in the order a reader would check it. */
static hedge_status validate(hedge_instrument_spec *s, size_t lens[3]) {
    static const char fn[] = "hedge_instrument_create";
    hedge_status st;
    if (s->kind < HEDGE_INSTRUMENT_SPOT || s->kind > HEDGE_INSTRUMENT_OPTION)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown kind %d", fn, (int)s->kind);
    if ((st = check_name(s->symbol, SYMBOL_MAX, true, "symbol", &lens[0])) != HEDGE_OK ||
        (st = check_name(s->underlying, NAME_MAX_LEN, true, "underlying", &lens[1])) != HEDGE_OK ||
        (st = check_name(s->venue, NAME_MAX_LEN, false, "venue", &lens[2])) != HEDGE_OK)
        return st;
    if (s->settlement != HEDGE_SETTLE_LINEAR && s->settlement != HEDGE_SETTLE_INVERSE)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s: unknown settlement %d", fn, s->symbol,
                           (int)s->settlement);
    if (s->kind == HEDGE_INSTRUMENT_SPOT && s->settlement == HEDGE_SETTLE_INVERSE)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s: spot cannot be inverse", fn, s->symbol);
    if (s->multiplier == 0)
        s->multiplier = 1;
    if (!isfinite(s->multiplier) || s->multiplier <= 0)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s: multiplier must be finite and > 0 (got %g)", fn, s->symbol,
                           s->multiplier);

    bool option = s->kind == HEDGE_INSTRUMENT_OPTION;
    bool dated = option || s->kind == HEDGE_INSTRUMENT_FUTURE;
    bool perp = s->kind == HEDGE_INSTRUMENT_PERPETUAL;
    if (option) {
        if (s->option_type != HEDGE_CALL && s->option_type != HEDGE_PUT)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s: option_type must be HEDGE_CALL or HEDGE_PUT", fn,
                               s->symbol);
        if (!isfinite(s->strike) || s->strike <= 0)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s: strike must be finite and > 0 (got %g)", fn,
                               s->symbol, s->strike);
    } else if (s->option_type != 0 || s->strike != 0) {
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s: option_type and strike apply to options only", fn,
                           s->symbol);
    }
    if (dated) {
        if (s->expiry_ms <= 0)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s: expiry_ms must be > 0 (got %lld)", fn, s->symbol,
                               (long long)s->expiry_ms);
    } else if (s->expiry_ms != 0) {
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s: expiry_ms applies to futures and options only", fn,
                           s->symbol);
    }
    if (perp) {
        if (s->funding_interval_s == 0)
            s->funding_interval_s = DEFAULT_FUNDING_INTERVAL_S;
        if (!isfinite(s->funding_interval_s) || s->funding_interval_s <= 0)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s: funding_interval_s must be finite and > 0 (got %g)", fn,
                               s->symbol, s->funding_interval_s);
    } else if (s->funding_interval_s != 0) {
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s: funding_interval_s applies to perpetuals only", fn,
                           s->symbol);
    }
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_instrument_create(hedge_instrument **out, hedge_context *ctx,
                                               const hedge_instrument_spec *spec) {
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "hedge_instrument_create: out is NULL");
    *out = NULL;
    if (!ctx || !spec)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "hedge_instrument_create: %s is NULL", ctx ? "spec" : "ctx");
    /* kind, symbol and underlying are required: a spec too short to hold them is the caller's
     * struct_size, and saying so beats "unknown kind 0" */
    if (spec->struct_size < offsetof(hedge_instrument_spec, underlying) + sizeof spec->underlying)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "hedge_instrument_create: spec->struct_size %zu is too small "
                           "(set it with HEDGE_INSTRUMENT_SPEC_INIT or hedge_instrument_spec_init())",
                           spec->struct_size);
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    hedge_status st = hedge__options_copy(&s, sizeof s, spec, "hedge_instrument_create");
    if (st != HEDGE_OK)
        return st;
    size_t lens[3];
    if ((st = validate(&s, lens)) != HEDGE_OK) {
        hedge__log(ctx, HEDGE_LOG_ERROR, "%s", hedge_error_message());
        return st;
    }
    size_t size = sizeof(hedge_instrument) + lens[0] + lens[1] + lens[2] + 3;
    hedge_instrument *inst = hedge__alloc(ctx, size, alignof(hedge_instrument));
    if (!inst)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "hedge_instrument_create: cannot allocate %zu bytes", size);
    atomic_init(&inst->refs, 1);
    inst->ctx = ctx;
    inst->alloc_size = size;
    char *p = inst->names;
    const char *src[3] = {s.symbol, s.underlying, s.venue};
    const char **dst[3] = {&s.symbol, &s.underlying, &s.venue};
    for (int i = 0; i < 3; i++) {
        if (!src[i]) {
            *dst[i] = NULL;
            continue;
        }
        memcpy(p, src[i], lens[i]);
        p[lens[i]] = '\0';
        *dst[i] = p;
        p += lens[i] + 1;
    }
    inst->spec = s;
    *out = inst;
    return HEDGE_OK;
}

HEDGE_API hedge_instrument *hedge_instrument_ref(const hedge_instrument *instrument) {
    if (!instrument)
        return NULL;
    hedge_instrument *inst = (hedge_instrument *)(uintptr_t)instrument;
    /* relaxed: taking a reference needs no ordering, the holder already sees the object */
    atomic_fetch_add_explicit(&inst->refs, 1, memory_order_relaxed);
    return inst;
}

HEDGE_API void hedge_instrument_destroy(hedge_instrument *instrument) {
    if (!instrument)
        return;
    /* release/acquire so that the thread that frees sees every other thread's last use */
    if (atomic_fetch_sub_explicit(&instrument->refs, 1, memory_order_release) != 1)
        return;
    atomic_thread_fence(memory_order_acquire);
    hedge__free(instrument->ctx, instrument, instrument->alloc_size, alignof(hedge_instrument));
}

HEDGE_API hedge_status hedge_instrument_info(hedge_instrument_spec *spec, const hedge_instrument *instrument) {
    if (!spec || !instrument)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_instrument_info: NULL argument");
    size_t size = spec->struct_size;
    if (size < sizeof(size_t))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_instrument_info: struct_size %zu is too small", size);
    if (size > sizeof(hedge_instrument_spec))
        size = sizeof(hedge_instrument_spec);
    memcpy((char *)spec + sizeof(size_t), (const char *)&instrument->spec + sizeof(size_t), size - sizeof(size_t));
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_instrument_time_to_expiry(double *years, const hedge_instrument *instrument,
                                                       int64_t now_ms) {
    if (!years || !instrument)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_instrument_time_to_expiry: NULL argument");
    const hedge_instrument_spec *s = &instrument->spec;
    if (s->kind != HEDGE_INSTRUMENT_FUTURE && s->kind != HEDGE_INSTRUMENT_OPTION)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_instrument_time_to_expiry: %s has no expiry",
                           s->symbol);
    if (now_ms > s->expiry_ms)
        return hedge__fail(NULL, HEDGE_ERR_EXPIRED, "hedge_instrument_time_to_expiry: %s expired %llu ms before %lld",
                           s->symbol, (unsigned long long)((uint64_t)now_ms - (uint64_t)s->expiry_ms), (long long)now_ms);
    /* the difference of two int64 ms is exact; one rounding in the division */
    *years = hedge__years_between(now_ms, s->expiry_ms);
    return HEDGE_OK;
}
