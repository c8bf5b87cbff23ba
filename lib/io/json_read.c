/*
 * Reading a market from JSON. jansson parses; this file walks the tree, checks it against the
 * format (docs/json-format.md) and builds the objects. Errors name the file, line and column of
 * the offending value: jansson reports those for syntax errors, and for everything else the value
 * is found again in the text by following its JSON pointer (see locate()).
 *
 * jansson allocates its parse tree with the C library's allocator: its only allocator hook is
 * process-wide, which an embedded library must not take over. Every libhedge object built from
 * the tree is allocated through the context.
 */
#include "core/internal.h"
#include "core/timefmt.h"
#include "market/market_internal.h"
#include "strategy/sim_internal.h"

#include <hedge/market.h>
#include <hedge/portfolio.h>
#include <hedge/hedging.h>
#include <hedge/rebalance.h>
#include <hedge/simulate.h>

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16

typedef struct reader {
    hedge_context *ctx;
    const char *text;
    size_t length;
    const char *name;
    int depth;
    struct {
        const char *key; /* NULL for an array index */
        size_t index;
    } path[MAX_DEPTH];
} reader;

/* ---- locating a value in the text ----------------------------------------------------------- */

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static const char *skip_string(const char *p, const char *end) {
    for (p++; p < end && *p != '"'; p++)
        if (*p == '\\')
            p++;
    return p < end ? p + 1 : end;
}

/* Skips one value of text that jansson has already accepted as JSON. */
static const char *skip_value(const char *p, const char *end) {
    p = skip_ws(p, end);
    if (p < end && *p == '"')
        return skip_string(p, end);
    if (p < end && (*p == '{' || *p == '[')) {
        int depth = 0;
        while (p < end) {
            if (*p == '"') {
                p = skip_string(p, end);
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if (*p == '}' || *p == ']') {
                if (--depth == 0)
                    return p + 1;
            }
            p++;
        }
        return end;
    }
    while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
        p++;
    return p;
}

/* Where the value at the reader's current path starts (best effort: the start of the text when
 * the walk cannot follow, which does not happen for text jansson accepted). Keys are compared as
 * written; the format's keys need no escapes. */
static const char *locate(const reader *r) {
    const char *p = r->text, *end = r->text + r->length;
    for (int level = 0; level < r->depth; level++) {
        p = skip_ws(p, end);
        if (p >= end)
            return r->text;
        if (r->path[level].key) {
            if (*p != '{')
                return p;
            p++;
            size_t klen = strlen(r->path[level].key);
            for (;;) {
                p = skip_ws(p, end);
                if (p >= end || *p != '"')
                    return p;
                const char *k = p + 1;
                p = skip_string(p, end);
                bool match = (size_t)(p - 1 - k) == klen && memcmp(k, r->path[level].key, klen) == 0;
                p = skip_ws(p, end);
                if (p < end && *p == ':')
                    p++;
                if (match)
                    break;
                p = skip_value(p, end);
                p = skip_ws(p, end);
                if (p < end && *p == ',')
                    p++;
                else
                    return p;
            }
        } else {
            if (*p != '[')
                return p;
            p++;
            for (size_t i = 0; i < r->path[level].index; i++) {
                p = skip_value(p, end);
                p = skip_ws(p, end);
                if (p < end && *p == ',')
                    p++;
            }
        }
    }
    return skip_ws(p, end);
}

static void line_col(const char *text, const char *at, int *line, int *col) {
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)*p & 0xC0) != 0x80) { /* columns count characters, not UTF-8 bytes */
            (*col)++;
        }
    }
}

static hedge_status fail_at(reader *r, hedge_status st, const char *fmt, ...) HEDGE_PRINTF(3, 4);
static hedge_status fail_at(reader *r, hedge_status st, const char *fmt, ...) {
    char what[300], pointer[200] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t n = 0;
    for (int i = 0; i < r->depth && n < sizeof pointer; i++) {
        int w = r->path[i].key ? snprintf(pointer + n, sizeof pointer - n, "/%s", r->path[i].key)
                               : snprintf(pointer + n, sizeof pointer - n, "/%zu", r->path[i].index);
        n += w > 0 ? (size_t)w : 0;
    }
    int line, col;
    line_col(r->text, locate(r), &line, &col);
    return hedge__fail(r->ctx, st, "%s:%d:%d: %s: %s", r->name, line, col, n ? pointer : "/", what);
}

/* Re-reports a failure of a library call at the current path (its message is copied first: it
 * lives in the buffer the new message is written to). */
static hedge_status fail_call(reader *r, hedge_status st) {
    char why[400];
    snprintf(why, sizeof why, "%s", hedge_error_message());
    return fail_at(r, st, "%s", why);
}

static void push_key(reader *r, const char *key) {
    r->path[r->depth].key = key;
    r->path[r->depth].index = 0;
    r->depth++;
}

static void push_index(reader *r, size_t index) {
    r->path[r->depth].key = NULL;
    r->path[r->depth].index = index;
    r->depth++;
}

static void pop(reader *r) { r->depth--; }

/* ---- typed access ----------------------------------------------------------------------------- */

/* Every member of obj must be one of the allowed keys. */
static hedge_status only_keys(reader *r, json_t *obj, const char *const *allowed) {
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        bool known = false;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known) {
            push_key(r, key);
            hedge_status st = fail_at(r, HEDGE_ERR_PARSE, "unknown member \"%s\"", key);
            pop(r);
            return st;
        }
    }
    return HEDGE_OK;
}

static hedge_status expect(reader *r, json_t *v, json_type type, const char *what) {
    if (json_typeof(v) != type && !(type == JSON_REAL && json_is_integer(v)))
        return fail_at(r, HEDGE_ERR_PARSE, "expected %s", what);
    return HEDGE_OK;
}

/* The member `key` of obj: *out is NULL when it is absent and optional. */
static hedge_status member(reader *r, json_t *obj, const char *key, bool required, json_t **out) {
    *out = json_object_get(obj, key);
    if (!*out && required)
        return fail_at(r, HEDGE_ERR_PARSE, "missing member \"%s\"", key);
    return HEDGE_OK;
}

/* The member `key` of obj checked to be of `type`: *out is NULL when it is absent and optional. */
static hedge_status typed_member(reader *r, json_t *obj, const char *key, bool required, json_type type,
                                 const char *what, json_t **out) {
    hedge_status st = member(r, obj, key, required, out);
    if (st != HEDGE_OK || !*out)
        return st;
    push_key(r, key);
    st = expect(r, *out, type, what);
    pop(r);
    return st;
}

static hedge_status get_string(reader *r, json_t *obj, const char *key, bool required, const char **out) {
    json_t *v;
    hedge_status st = typed_member(r, obj, key, required, JSON_STRING, "a string", &v);
    if (st == HEDGE_OK && v)
        *out = json_string_value(v);
    return st;
}

static hedge_status get_number(reader *r, json_t *obj, const char *key, bool required, double *out) {
    json_t *v;
    hedge_status st = typed_member(r, obj, key, required, JSON_REAL, "a number", &v);
    if (st == HEDGE_OK && v)
        *out = json_number_value(v);
    return st;
}

static hedge_status get_int(reader *r, json_t *obj, const char *key, bool required, int64_t *out) {
    json_t *v;
    hedge_status st = typed_member(r, obj, key, required, JSON_INTEGER, "an integer", &v);
    if (st == HEDGE_OK && v)
        *out = (int64_t)json_integer_value(v);
    return st;
}

/* A time: an ISO 8601 UTC string, or an integer of ms since the Unix epoch. */
static hedge_status get_time(reader *r, json_t *obj, const char *key, bool required, int64_t *out) {
    json_t *v;
    hedge_status st = member(r, obj, key, required, &v);
    if (st != HEDGE_OK || !v)
        return st;
    push_key(r, key);
    if (json_is_integer(v))
        *out = (int64_t)json_integer_value(v);
    else if (!json_is_string(v) || !hedge__time_parse(json_string_value(v), out))
        st = fail_at(r, HEDGE_ERR_PARSE, "expected a time: \"YYYY-MM-DDTHH:MM:SS[.fff]Z\" or ms since the epoch");
    pop(r);
    return st;
}

static hedge_status get_array(reader *r, json_t *obj, const char *key, bool required, json_t **out) {
    return typed_member(r, obj, key, required, JSON_ARRAY, "an array", out);
}

/* Maps a string member onto one of names[] (NULL-terminated); *out receives its index. */
static hedge_status get_enum(reader *r, json_t *obj, const char *key, bool required, const char *const *names,
                             int *out) {
    const char *s = NULL;
    hedge_status st = get_string(r, obj, key, required, &s);
    if (st != HEDGE_OK || !s)
        return st;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return HEDGE_OK;
        }
    char choices[160] = "";
    for (int i = 0; names[i]; i++)
        snprintf(choices + strlen(choices), sizeof choices - strlen(choices), "%s\"%s\"", i ? ", " : "", names[i]);
    push_key(r, key);
    st = fail_at(r, HEDGE_ERR_PARSE, "\"%s\" is not one of %s", s, choices);
    pop(r);
    return st;
}

/* ---- sections ------------------------------------------------------------------------------- */

static const char *const kind_names[] = {"spot", "future", "perpetual", "option", NULL};
static const char *const settlement_names[] = {"linear", "inverse", NULL};
static const char *const type_names[] = {"put", "call", NULL};

static hedge_status read_instrument(reader *r, json_t *o, hedge_instrument **out) {
    static const char *const keys[] = {"symbol", "kind", "underlying", "venue", "settlement", "multiplier", "type",
                                       "strike", "expiry", "funding_interval_s", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "an instrument object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    hedge_instrument_spec s = HEDGE_INSTRUMENT_SPEC_INIT;
    int kind = 0, settlement = 0, type = -1;
    if ((st = get_string(r, o, "symbol", true, &s.symbol)) != HEDGE_OK ||
        (st = get_enum(r, o, "kind", true, kind_names, &kind)) != HEDGE_OK ||
        (st = get_string(r, o, "underlying", true, &s.underlying)) != HEDGE_OK ||
        (st = get_string(r, o, "venue", false, &s.venue)) != HEDGE_OK ||
        (st = get_enum(r, o, "settlement", false, settlement_names, &settlement)) != HEDGE_OK ||
        (st = get_number(r, o, "multiplier", false, &s.multiplier)) != HEDGE_OK ||
        (st = get_enum(r, o, "type", false, type_names, &type)) != HEDGE_OK ||
        (st = get_number(r, o, "strike", false, &s.strike)) != HEDGE_OK ||
        (st = get_time(r, o, "expiry", false, &s.expiry_ms)) != HEDGE_OK ||
        (st = get_number(r, o, "funding_interval_s", false, &s.funding_interval_s)) != HEDGE_OK)
        return st;
    s.kind = (hedge_instrument_kind)(kind + 1);
    s.settlement = (hedge_settlement)settlement;
    s.option_type = type < 0 ? (hedge_option_type)0 : type == 0 ? HEDGE_PUT : HEDGE_CALL;
    if ((st = hedge_instrument_create(out, r->ctx, &s)) != HEDGE_OK)
        return fail_call(r, st);
    return HEDGE_OK;
}

static hedge_status read_ladder(reader *r, json_t *arr, hedge_depth_level *levels, size_t n) {
    for (size_t i = 0; i < n; i++) {
        push_index(r, i);
        json_t *lv = json_array_get(arr, i);
        hedge_status st = HEDGE_OK;
        if (!json_is_array(lv) || json_array_size(lv) != 2 || !json_is_number(json_array_get(lv, 0)) ||
            !json_is_number(json_array_get(lv, 1)))
            st = fail_at(r, HEDGE_ERR_PARSE, "expected a level [price, size]");
        else
            levels[i] = (hedge_depth_level){json_number_value(json_array_get(lv, 0)),
                                            json_number_value(json_array_get(lv, 1))};
        pop(r);
        if (st != HEDGE_OK)
            return st;
    }
    return HEDGE_OK;
}

static hedge_status read_quote(reader *r, json_t *o, hedge_snapshot_builder *b) {
    static const char *const keys[] = {"symbol", "venue", "bid", "ask", "bid_size", "ask_size", "bids", "asks",
                                       "time", "max_age_ms", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "a quote object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    hedge_quote q = HEDGE_QUOTE_INIT;
    json_t *bids = NULL, *asks = NULL;
    if ((st = get_string(r, o, "symbol", true, &q.symbol)) != HEDGE_OK ||
        (st = get_string(r, o, "venue", true, &q.venue)) != HEDGE_OK ||
        (st = get_array(r, o, "bids", false, &bids)) != HEDGE_OK ||
        (st = get_array(r, o, "asks", false, &asks)) != HEDGE_OK ||
        (st = get_time(r, o, "time", true, &q.timestamp_ms)) != HEDGE_OK ||
        (st = get_int(r, o, "max_age_ms", false, &q.max_age_ms)) != HEDGE_OK)
        return st;
    q.n_bids = bids ? json_array_size(bids) : 0;
    q.n_asks = asks ? json_array_size(asks) : 0;
    size_t bytes = (q.n_bids + q.n_asks) * sizeof(hedge_depth_level);
    hedge_depth_level *levels = bytes ? hedge__alloc(r->ctx, bytes, 0) : NULL;
    if (bytes && !levels)
        return hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate a ladder", r->name);
    push_key(r, "bids");
    st = read_ladder(r, bids, levels, q.n_bids);
    pop(r);
    if (st == HEDGE_OK) {
        push_key(r, "asks");
        /* levels is NULL when there is no ladder at all, and NULL + 0 is undefined in C (UBSan). */
        st = read_ladder(r, asks, levels ? levels + q.n_bids : NULL, q.n_asks);
        pop(r);
    }
    /* the top of book defaults to the first level of a ladder */
    if (st == HEDGE_OK) {
        q.bids = q.n_bids ? levels : NULL;
        q.asks = q.n_asks ? levels + q.n_bids : NULL;
        if (q.n_bids) {
            q.bid = levels[0].price;
            q.bid_size = levels[0].size;
        }
        if (q.n_asks) {
            q.ask = levels[q.n_bids].price;
            q.ask_size = levels[q.n_bids].size;
        }
        if ((st = get_number(r, o, "bid", false, &q.bid)) == HEDGE_OK &&
            (st = get_number(r, o, "ask", false, &q.ask)) == HEDGE_OK &&
            (st = get_number(r, o, "bid_size", false, &q.bid_size)) == HEDGE_OK &&
            (st = get_number(r, o, "ask_size", false, &q.ask_size)) == HEDGE_OK &&
            (st = hedge_snapshot_builder_add_quote(b, &q)) != HEDGE_OK)
            st = fail_call(r, st);
    }
    hedge__free(r->ctx, levels, bytes, 0);
    return st;
}

static hedge_status read_underlying(reader *r, json_t *o, hedge_snapshot_builder *b) {
    static const char *const keys[] = {"name", "rate", "spot", "sources", "forwards", NULL};
    static const char *const spot_keys[] = {"price", "time", "max_age_ms", NULL};
    static const char *const source_keys[] = {"source", "price", "time", "max_age_ms", NULL};
    static const char *const forward_keys[] = {"expiry", "forward", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "an underlying object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    const char *name = NULL;
    double rate = 0;
    json_t *spot, *sources, *forwards, *rate_v;
    if ((st = get_string(r, o, "name", true, &name)) != HEDGE_OK ||
        (st = get_number(r, o, "rate", false, &rate)) != HEDGE_OK ||
        (st = member(r, o, "spot", false, &spot)) != HEDGE_OK ||
        (st = get_array(r, o, "sources", false, &sources)) != HEDGE_OK ||
        (st = get_array(r, o, "forwards", false, &forwards)) != HEDGE_OK)
        return st;
    if ((rate_v = json_object_get(o, "rate")) != NULL) {
        push_key(r, "rate");
        st = hedge_snapshot_builder_set_rate(b, name, rate);
        st = st == HEDGE_OK ? st : fail_call(r, st);
        pop(r);
        if (st != HEDGE_OK)
            return st;
    }
    if (spot) {
        push_key(r, "spot");
        double price = 0;
        int64_t t = 0, age = 0;
        if ((st = expect(r, spot, JSON_OBJECT, "a spot object {\"price\", \"time\"}")) == HEDGE_OK &&
            (st = only_keys(r, spot, spot_keys)) == HEDGE_OK &&
            (st = get_number(r, spot, "price", true, &price)) == HEDGE_OK &&
            (st = get_time(r, spot, "time", true, &t)) == HEDGE_OK &&
            (st = get_int(r, spot, "max_age_ms", false, &age)) == HEDGE_OK &&
            (st = hedge_snapshot_builder_set_spot(b, name, price, t, age)) != HEDGE_OK)
            st = fail_call(r, st);
        pop(r);
        if (st != HEDGE_OK)
            return st;
    }
    for (size_t i = 0; sources && i < json_array_size(sources); i++) {
        json_t *s = json_array_get(sources, i);
        push_key(r, "sources");
        push_index(r, i);
        const char *src = NULL;
        double price = 0;
        int64_t t = 0, age = 0;
        if ((st = expect(r, s, JSON_OBJECT, "a source object")) == HEDGE_OK &&
            (st = only_keys(r, s, source_keys)) == HEDGE_OK &&
            (st = get_string(r, s, "source", true, &src)) == HEDGE_OK &&
            (st = get_number(r, s, "price", true, &price)) == HEDGE_OK &&
            (st = get_time(r, s, "time", true, &t)) == HEDGE_OK &&
            (st = get_int(r, s, "max_age_ms", false, &age)) == HEDGE_OK &&
            (st = hedge_snapshot_builder_add_source(b, name, src, price, t, age)) != HEDGE_OK)
            st = fail_call(r, st);
        pop(r);
        pop(r);
        if (st != HEDGE_OK)
            return st;
    }
    for (size_t i = 0; forwards && i < json_array_size(forwards); i++) {
        json_t *f = json_array_get(forwards, i);
        push_key(r, "forwards");
        push_index(r, i);
        double fwd = 0;
        int64_t expiry = 0;
        if ((st = expect(r, f, JSON_OBJECT, "a forward object")) == HEDGE_OK &&
            (st = only_keys(r, f, forward_keys)) == HEDGE_OK &&
            (st = get_time(r, f, "expiry", true, &expiry)) == HEDGE_OK &&
            (st = get_number(r, f, "forward", true, &fwd)) == HEDGE_OK &&
            (st = hedge_snapshot_builder_add_forward(b, name, expiry, fwd)) != HEDGE_OK)
            st = fail_call(r, st);
        pop(r);
        pop(r);
        if (st != HEDGE_OK)
            return st;
    }
    /* an underlying with only a name still exists, with rate 0 */
    if (!rate_v && !spot && !sources && !forwards && (st = hedge_snapshot_builder_set_rate(b, name, 0)) != HEDGE_OK)
        return fail_call(r, st);
    return HEDGE_OK;
}

static hedge_status read_funding(reader *r, json_t *o, hedge_snapshot_builder *b) {
    static const char *const keys[] = {"symbol", "rate", "predicted", "time", "max_age_ms", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "a funding object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    const char *symbol = NULL;
    double rate = 0, predicted = NAN;
    int64_t t = 0, age = 0;
    if ((st = get_string(r, o, "symbol", true, &symbol)) != HEDGE_OK ||
        (st = get_number(r, o, "rate", true, &rate)) != HEDGE_OK ||
        (st = get_number(r, o, "predicted", false, &predicted)) != HEDGE_OK ||
        (st = get_time(r, o, "time", true, &t)) != HEDGE_OK ||
        (st = get_int(r, o, "max_age_ms", false, &age)) != HEDGE_OK)
        return st;
    if (isnan(predicted))
        predicted = rate; /* without a prediction, the current rate continues */
    if ((st = hedge_snapshot_builder_set_funding(b, symbol, rate, predicted, t, age)) != HEDGE_OK)
        return fail_call(r, st);
    return HEDGE_OK;
}

/* Reads each element of the array member `key` of obj with fn. */
static hedge_status each(reader *r, json_t *obj, const char *key, hedge_snapshot_builder *b,
                         hedge_status (*fn)(reader *, json_t *, hedge_snapshot_builder *)) {
    json_t *arr;
    hedge_status st = get_array(r, obj, key, false, &arr);
    for (size_t i = 0; st == HEDGE_OK && arr && i < json_array_size(arr); i++) {
        push_key(r, key);
        push_index(r, i);
        st = fn(r, json_array_get(arr, i), b);
        pop(r);
        pop(r);
    }
    return st;
}

static hedge_status read_snapshot(reader *r, json_t *m, int64_t valuation_ms, hedge_snapshot **out) {
    static const char *const keys[] = {"settings", "underlyings", "funding", "quotes", NULL};
    static const char *const settings_keys[] = {"default_max_age_ms", "source_max_deviation", "source_min_count", NULL};
    hedge_status st = expect(r, m, JSON_OBJECT, "a market object");
    if (st != HEDGE_OK || (st = only_keys(r, m, keys)) != HEDGE_OK)
        return st;
    hedge_snapshot_options opt = HEDGE_SNAPSHOT_OPTIONS_INIT;
    json_t *settings;
    if ((st = member(r, m, "settings", false, &settings)) != HEDGE_OK)
        return st;
    if (settings) {
        push_key(r, "settings");
        int64_t min_count = opt.source_min_count;
        if ((st = expect(r, settings, JSON_OBJECT, "a settings object")) == HEDGE_OK &&
            (st = only_keys(r, settings, settings_keys)) == HEDGE_OK &&
            (st = get_int(r, settings, "default_max_age_ms", false, &opt.default_max_age_ms)) == HEDGE_OK &&
            (st = get_number(r, settings, "source_max_deviation", false, &opt.source_max_deviation)) == HEDGE_OK &&
            (st = get_int(r, settings, "source_min_count", false, &min_count)) == HEDGE_OK) {
            if (min_count < 0 || min_count > UINT32_MAX)
                st = fail_at(r, HEDGE_ERR_DOMAIN, "source_min_count out of range");
            opt.source_min_count = (uint32_t)min_count;
        }
        pop(r);
        if (st != HEDGE_OK)
            return st;
    }
    hedge_snapshot_builder *b = NULL;
    if ((st = hedge_snapshot_builder_create(&b, r->ctx, valuation_ms, &opt)) != HEDGE_OK) {
        if (st == HEDGE_ERR_NOMEM)
            return st;
        push_key(r, "settings"); /* only the settings can make the builder refuse */
        st = fail_call(r, st);
        pop(r);
        return st;
    }
    if ((st = each(r, m, "underlyings", b, read_underlying)) == HEDGE_OK &&
        (st = each(r, m, "funding", b, read_funding)) == HEDGE_OK &&
        (st = each(r, m, "quotes", b, read_quote)) == HEDGE_OK && (st = hedge_snapshot_builder_finish(out, b)) != HEDGE_OK &&
        st != HEDGE_ERR_NOMEM)
        st = fail_call(r, st);
    hedge_snapshot_builder_destroy(b);
    return st;
}

static hedge_status read_surface(reader *r, json_t *o, int64_t valuation_ms, const char **underlying,
                                 hedge_vol_surface **out) {
    static const char *const keys[] = {"underlying", "slices", NULL};
    static const char *const slice_keys[] = {"expiry", "forward", "a", "b", "rho", "m", "sigma", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "a surface object");
    json_t *slices = NULL;
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK ||
        (st = get_string(r, o, "underlying", true, underlying)) != HEDGE_OK ||
        (st = get_array(r, o, "slices", true, &slices)) != HEDGE_OK)
        return st;
    size_t n = json_array_size(slices);
    if (n == 0) {
        push_key(r, "slices");
        st = fail_at(r, HEDGE_ERR_PARSE, "a surface needs at least one slice");
        pop(r);
        return st;
    }
    hedge_svi_slice *sl = hedge__alloc(r->ctx, n * sizeof *sl, 0);
    if (!sl)
        return hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate %zu slices", r->name, n);
    memset(sl, 0, n * sizeof *sl);
    for (size_t i = 0; st == HEDGE_OK && i < n; i++) {
        json_t *s = json_array_get(slices, i);
        push_key(r, "slices");
        push_index(r, i);
        if ((st = expect(r, s, JSON_OBJECT, "a slice object")) == HEDGE_OK &&
            (st = only_keys(r, s, slice_keys)) == HEDGE_OK &&
            (st = get_time(r, s, "expiry", true, &sl[i].expiry_ms)) == HEDGE_OK &&
            (st = get_number(r, s, "forward", true, &sl[i].forward)) == HEDGE_OK &&
            (st = get_number(r, s, "a", true, &sl[i].a)) == HEDGE_OK &&
            (st = get_number(r, s, "b", true, &sl[i].b)) == HEDGE_OK &&
            (st = get_number(r, s, "rho", true, &sl[i].rho)) == HEDGE_OK &&
            (st = get_number(r, s, "m", true, &sl[i].m)) == HEDGE_OK)
            st = get_number(r, s, "sigma", true, &sl[i].sigma);
        pop(r);
        pop(r);
    }
    if (st == HEDGE_OK && (st = hedge_vol_surface_create(out, r->ctx, valuation_ms, sl, n)) != HEDGE_OK &&
        st != HEDGE_ERR_NOMEM)
        st = fail_call(r, st);
    hedge__free(r->ctx, sl, n * sizeof *sl, 0);
    return st;
}

/* Everything read so far, released together on any failure. */
typedef struct parts {
    hedge_snapshot *snapshot;
    hedge_instrument **instruments;
    size_t n_instruments;
    hedge_vol_surface **surfaces;
    const char **surface_names;
    size_t n_surfaces;
} parts;

static void release_parts(hedge_context *ctx, parts *p, size_t inst_cap, size_t surf_cap) {
    for (size_t i = 0; i < p->n_instruments; i++)
        hedge_instrument_destroy(p->instruments[i]);
    for (size_t i = 0; i < p->n_surfaces; i++)
        hedge_vol_surface_destroy(p->surfaces[i]);
    hedge_snapshot_destroy(p->snapshot);
    hedge__free(ctx, p->instruments, inst_cap * sizeof *p->instruments, 0);
    hedge__free(ctx, p->surfaces, surf_cap * sizeof *p->surfaces, 0);
    hedge__free(ctx, (void *)p->surface_names, surf_cap * sizeof *p->surface_names, 0);
}

static hedge_status read_document(reader *r, json_t *root, hedge_market **out) {
    static const char format[] = "libhedge-market/1";
    hedge_status st = expect(r, root, JSON_OBJECT, "a JSON object at the top level");
    if (st != HEDGE_OK)
        return st;
    const char *fmt = NULL;
    int64_t valuation_ms = 0;
    json_t *instruments = NULL, *market = NULL, *surfaces = NULL;
    if ((st = get_string(r, root, "format", false, &fmt)) != HEDGE_OK)
        return st;
    if (fmt && strcmp(fmt, format) != 0) {
        push_key(r, "format");
        st = fail_at(r, HEDGE_ERR_UNSUPPORTED, "format \"%s\" is not \"%s\"", fmt, format);
        pop(r);
        return st;
    }
    if ((st = get_time(r, root, "valuation_time", true, &valuation_ms)) != HEDGE_OK ||
        (st = get_array(r, root, "instruments", false, &instruments)) != HEDGE_OK ||
        (st = member(r, root, "market", true, &market)) != HEDGE_OK ||
        (st = get_array(r, root, "surfaces", false, &surfaces)) != HEDGE_OK)
        return st;

    parts p = {0};
    size_t inst_cap = instruments ? json_array_size(instruments) : 0;
    size_t surf_cap = surfaces ? json_array_size(surfaces) : 0;
    if (inst_cap && !(p.instruments = hedge__alloc(r->ctx, inst_cap * sizeof *p.instruments, 0)))
        st = HEDGE_ERR_NOMEM;
    if (surf_cap && st == HEDGE_OK &&
        (!(p.surfaces = hedge__alloc(r->ctx, surf_cap * sizeof *p.surfaces, 0)) ||
         !(p.surface_names = hedge__alloc(r->ctx, surf_cap * sizeof *p.surface_names, 0))))
        st = HEDGE_ERR_NOMEM;
    if (st == HEDGE_ERR_NOMEM)
        hedge__fail(r->ctx, st, "%s: cannot allocate the market's tables", r->name);
    for (size_t i = 0; st == HEDGE_OK && i < inst_cap; i++) {
        push_key(r, "instruments");
        push_index(r, i);
        st = read_instrument(r, json_array_get(instruments, i), &p.instruments[i]);
        if (st == HEDGE_OK)
            p.n_instruments++;
        pop(r);
        pop(r);
    }
    if (st == HEDGE_OK) {
        push_key(r, "market");
        st = read_snapshot(r, market, valuation_ms, &p.snapshot);
        pop(r);
    }
    for (size_t i = 0; st == HEDGE_OK && i < surf_cap; i++) {
        push_key(r, "surfaces");
        push_index(r, i);
        st = read_surface(r, json_array_get(surfaces, i), valuation_ms, &p.surface_names[i], &p.surfaces[i]);
        if (st == HEDGE_OK)
            p.n_surfaces++;
        pop(r);
        pop(r);
    }
    if (st == HEDGE_OK &&
        (st = hedge_market_create(out, r->ctx, p.snapshot, (const hedge_instrument *const *)p.instruments,
                                  p.n_instruments, (const hedge_vol_surface *const *)p.surfaces, p.surface_names,
                                  p.n_surfaces)) != HEDGE_OK &&
        st != HEDGE_ERR_NOMEM)
        st = fail_call(r, st);
    release_parts(r->ctx, &p, inst_cap, surf_cap); /* the market holds its own references */
    return st;
}

/* Parses a document for one of the readers below: the reader set up for error locations, the tree in
 * *root (release with json_decref()), or HEDGE_ERR_PARSE at jansson's line and column. */
static hedge_status parse(reader *r, json_t **root, hedge_context *ctx, const char *text, size_t length,
                          const char *name) {
    *r = (reader){ctx, text, length, name ? name : "<json>", 0, {{0}}};
    json_error_t err;
    if (!(*root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &err)))
        return hedge__fail(ctx, HEDGE_ERR_PARSE, "%s:%d:%d: %s", r->name, err.line, err.column, err.text);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_market_read_json(hedge_market **out, hedge_context *ctx, const char *text, size_t length,
                                              const char *name) {
    static const char fn[] = "hedge_market_read_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !text)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    reader r;
    json_t *root;
    hedge_status st = parse(&r, &root, ctx, text, length, name);
    if (st)
        return st;
    st = read_document(&r, root, out);
    json_decref(root);
    return st;
}

/* The whole file at `path` in a context allocation of *cap bytes (free with that size). */
static hedge_status slurp(const char *fn, hedge_context *ctx, const char *path, char **out, size_t *len_out,
                          size_t *cap_out) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return hedge__fail(ctx, HEDGE_ERR_IO, "%s: cannot open %s", fn, path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    hedge_status st = HEDGE_OK;
    for (;;) {
        if ((st = hedge__vec_reserve(ctx, (void **)&buf, &cap, len + 65536, 1)) != HEDGE_OK)
            break;
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = hedge__fail(ctx, HEDGE_ERR_IO, "%s: error reading %s", fn, path);
            break;
        }
    }
    fclose(f);
    if (st != HEDGE_OK) {
        hedge__free(ctx, buf, cap, 0);
        return st;
    }
    *out = buf;
    *len_out = len;
    *cap_out = cap;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_market_load_json(hedge_market **out, hedge_context *ctx, const char *path) {
    static const char fn[] = "hedge_market_load_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !path)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    char *buf;
    size_t len, cap;
    hedge_status st = slurp(fn, ctx, path, &buf, &len, &cap);
    if (st == HEDGE_OK) {
        st = hedge_market_read_json(out, ctx, buf, len, path);
        hedge__free(ctx, buf, cap, 0);
    }
    return st;
}

/* ---- the book ------------------------------------------------------------------------------ */

static hedge_status read_book(reader *r, json_t *root, const hedge_market *market, hedge_portfolio *pf) {
    static const char *const keys[] = {"symbol", "quantity", "entry_price", NULL};
    hedge_status st = expect(r, root, JSON_OBJECT, "a JSON object at the top level");
    json_t *book = NULL;
    if (st != HEDGE_OK || (st = get_array(r, root, "book", false, &book)) != HEDGE_OK || !book)
        return st;
    for (size_t i = 0; st == HEDGE_OK && i < json_array_size(book); i++) {
        json_t *o = json_array_get(book, i);
        push_key(r, "book");
        push_index(r, i);
        const char *symbol = NULL;
        hedge_position pos = HEDGE_POSITION_INIT;
        if ((st = expect(r, o, JSON_OBJECT, "a position object")) == HEDGE_OK &&
            (st = only_keys(r, o, keys)) == HEDGE_OK && (st = get_string(r, o, "symbol", true, &symbol)) == HEDGE_OK &&
            (st = get_number(r, o, "quantity", true, &pos.quantity)) == HEDGE_OK &&
            (st = get_number(r, o, "entry_price", false, &pos.entry_price)) == HEDGE_OK) {
            if (hedge_market_find_instrument(&pos.instrument, market, symbol) != HEDGE_OK) {
                push_key(r, "symbol");
                st = fail_at(r, HEDGE_ERR_NOT_FOUND, "no instrument \"%s\" in the market", symbol);
                pop(r);
            } else if ((st = hedge_portfolio_add(pf, &pos)) != HEDGE_OK && st != HEDGE_ERR_NOMEM) {
                st = fail_call(r, st);
            }
        }
        pop(r);
        pop(r);
    }
    return st;
}

HEDGE_API hedge_status hedge_portfolio_read_json(hedge_portfolio **out, hedge_context *ctx,
                                                 const hedge_market *market, const char *text, size_t length,
                                                 const char *name) {
    static const char fn[] = "hedge_portfolio_read_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !market || !text)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    reader r;
    json_t *root;
    hedge_status st = parse(&r, &root, ctx, text, length, name);
    if (st)
        return st;
    hedge_portfolio *pf;
    st = hedge_portfolio_create(&pf, ctx);
    if (st == HEDGE_OK && (st = read_book(&r, root, market, pf)) != HEDGE_OK) {
        hedge_portfolio_destroy(pf);
        pf = NULL;
    }
    json_decref(root);
    *out = pf;
    return st;
}

HEDGE_API hedge_status hedge_portfolio_load_json(hedge_portfolio **out, hedge_context *ctx,
                                                 const hedge_market *market, const char *path) {
    static const char fn[] = "hedge_portfolio_load_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !market || !path)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    char *buf;
    size_t len, cap;
    hedge_status st = slurp(fn, ctx, path, &buf, &len, &cap);
    if (st == HEDGE_OK) {
        st = hedge_portfolio_read_json(out, ctx, market, buf, len, path);
        hedge__free(ctx, buf, cap, 0);
    }
    return st;
}

/* ---- the hedge problem ---------------------------------------------------------------------- */

static hedge_status get_bool(reader *r, json_t *obj, const char *key, int *out) {
    json_t *v = json_object_get(obj, key);
    if (!v)
        return HEDGE_OK;
    if (!json_is_boolean(v)) {
        push_key(r, key);
        hedge_status st = fail_at(r, HEDGE_ERR_PARSE, "expected true or false");
        pop(r);
        return st;
    }
    *out = json_is_true(v);
    return HEDGE_OK;
}

static hedge_status get_size(reader *r, json_t *obj, const char *key, size_t *out) {
    int64_t v = (int64_t)*out;
    hedge_status st = get_int(r, obj, key, false, &v);
    if (st == HEDGE_OK && v < 0) {
        push_key(r, key);
        st = fail_at(r, HEDGE_ERR_DOMAIN, "expected a count >= 0");
        pop(r);
    }
    if (st == HEDGE_OK)
        *out = (size_t)v;
    return st;
}

/* Reports a setter's failure at the current path, keeping out-of-memory as it is. */
static hedge_status setter(reader *r, hedge_status st) {
    return st == HEDGE_OK || st == HEDGE_ERR_NOMEM ? st : fail_call(r, st);
}

static hedge_status read_candidate(reader *r, json_t *o, hedge_problem *p) {
    static const char *const keys[] = {"symbol", "venue", "taker_fee", "maker_fee", "fee_cap", "fee_usd",
                                       "fixed_cost", "impact", "impact_from_book", "lot_size", "min_size",
                                       "min_trade", "max_trade", "min_position", "max_position", "buy_only", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "a candidate object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    hedge_candidate c = HEDGE_CANDIDATE_INIT;
    if ((st = get_string(r, o, "symbol", true, &c.symbol)) || (st = get_string(r, o, "venue", false, &c.venue)) ||
        (st = get_number(r, o, "taker_fee", false, &c.taker_fee)) ||
        (st = get_number(r, o, "maker_fee", false, &c.maker_fee)) ||
        (st = get_number(r, o, "fee_cap", false, &c.fee_cap)) || (st = get_number(r, o, "fee_usd", false, &c.fee_usd)) ||
        (st = get_number(r, o, "fixed_cost", false, &c.fixed_cost)) ||
        (st = get_number(r, o, "impact", false, &c.impact)) ||
        (st = get_bool(r, o, "impact_from_book", &c.impact_from_book)) ||
        (st = get_number(r, o, "lot_size", false, &c.lot_size)) ||
        (st = get_number(r, o, "min_size", false, &c.min_size)) ||
        (st = get_number(r, o, "min_trade", false, &c.min_trade)) ||
        (st = get_number(r, o, "max_trade", false, &c.max_trade)) ||
        (st = get_number(r, o, "min_position", false, &c.min_position)) ||
        (st = get_number(r, o, "max_position", false, &c.max_position)) ||
        (st = get_bool(r, o, "buy_only", &c.buy_only)))
        return st;
    return setter(r, hedge_problem_add_candidate(p, &c));
}

static const char *const greek_names[] = {"delta_coin", "delta_usd", "gamma_usd", "vega_usd", "theta_usd", NULL};

static hedge_status read_target(reader *r, json_t *o, hedge_problem *p) {
    static const char *const keys[] = {"greek", "underlying", "min_days", "max_days", "min", "max", "target",
                                       "weight", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "a target object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    hedge_greek_target t = HEDGE_GREEK_TARGET_INIT;
    int g = 0;
    if ((st = get_enum(r, o, "greek", true, greek_names, &g)) ||
        (st = get_string(r, o, "underlying", false, &t.underlying)) ||
        (st = get_number(r, o, "min_days", false, &t.min_days)) ||
        (st = get_number(r, o, "max_days", false, &t.max_days)) || (st = get_number(r, o, "min", false, &t.lo)) ||
        (st = get_number(r, o, "max", false, &t.hi)) || (st = get_number(r, o, "target", false, &t.target)) ||
        (st = get_number(r, o, "weight", false, &t.weight)))
        return st;
    t.greek = (hedge_greek)g;
    return setter(r, hedge_problem_add_target(p, &t));
}

static hedge_status read_scenario(reader *r, json_t *o, hedge_scenario *sc, hedge_shift *sh, size_t *n_sh) {
    static const char *const keys[] = {"days", "shifts", NULL};
    static const char *const shift_keys[] = {"underlying", "spot", "vol_rel", "vol_abs", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "a scenario object");
    json_t *shifts = NULL;
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) || (st = get_number(r, o, "days", false, &sc->days)) ||
        (st = get_array(r, o, "shifts", true, &shifts)))
        return st;
    sc->shifts = sh;
    sc->n_shifts = json_array_size(shifts);
    for (size_t i = 0; i < sc->n_shifts && st == HEDGE_OK; i++) {
        json_t *s = json_array_get(shifts, i);
        push_key(r, "shifts");
        push_index(r, i);
        hedge_shift *x = &sh[i];
        memset(x, 0, sizeof *x);
        if (!(st = expect(r, s, JSON_OBJECT, "a shift object")) && !(st = only_keys(r, s, shift_keys)) &&
            !(st = get_string(r, s, "underlying", false, &x->underlying)) &&
            !(st = get_number(r, s, "spot", false, &x->spot)) && !(st = get_number(r, s, "vol_rel", false, &x->vol_rel)))
            st = get_number(r, s, "vol_abs", false, &x->vol_abs);
        pop(r);
        pop(r);
    }
    *n_sh += sc->n_shifts;
    return st;
}

/* The objective; its scenarios and benchmark live in scratch arrays until the setter copies them. */
static hedge_status read_objective(reader *r, json_t *o, hedge_problem *p, const hedge_market *market) {
    static const char *const keys[] = {"risk_aversion", "horizon_days", "spot_points", "vol_points", "vol_of_vol",
                                       "passive", "var_confidence", "scenarios", "benchmark", NULL};
    static const char *const bench_keys[] = {"symbol", "quantity", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "an objective object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    hedge_objective ob = HEDGE_OBJECTIVE_INIT;
    json_t *scen = NULL, *bench = NULL;
    if ((st = get_number(r, o, "risk_aversion", false, &ob.risk_aversion)) ||
        (st = get_number(r, o, "horizon_days", false, &ob.horizon_days)) ||
        (st = get_size(r, o, "spot_points", &ob.spot_points)) || (st = get_size(r, o, "vol_points", &ob.vol_points)) ||
        (st = get_number(r, o, "vol_of_vol", false, &ob.vol_of_vol)) || (st = get_bool(r, o, "passive", &ob.passive)) ||
        (st = get_number(r, o, "var_confidence", false, &ob.var_confidence)) ||
        (st = get_array(r, o, "scenarios", false, &scen)) || (st = get_array(r, o, "benchmark", false, &bench)))
        return st;
    size_t ns = scen ? json_array_size(scen) : 0, nb = bench ? json_array_size(bench) : 0, nsh = 0;
    for (size_t i = 0; i < ns; i++) {
        json_t *sh = json_object_get(json_array_get(scen, i), "shifts");
        nsh += json_is_array(sh) ? json_array_size(sh) : 0;
    }
    hedge_scenario *sc = ns ? hedge__alloc(r->ctx, ns * sizeof *sc, 0) : NULL;
    hedge_shift *shifts = nsh ? hedge__alloc(r->ctx, nsh * sizeof *shifts, 0) : NULL;
    hedge_position *pos = nb ? hedge__alloc(r->ctx, nb * sizeof *pos, 0) : NULL;
    if ((ns && !sc) || (nsh && !shifts) || (nb && !pos)) {
        st = hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "hedge_problem_read_json: out of memory");
        goto done;
    }
    size_t used = 0;
    for (size_t i = 0; i < ns && st == HEDGE_OK; i++) {
        push_key(r, "scenarios");
        push_index(r, i);
        memset(&sc[i], 0, sizeof sc[i]);
        st = read_scenario(r, json_array_get(scen, i), &sc[i], shifts ? shifts + used : NULL, &used);
        pop(r);
        pop(r);
    }
    for (size_t i = 0; i < nb && st == HEDGE_OK; i++) {
        json_t *b = json_array_get(bench, i);
        push_key(r, "benchmark");
        push_index(r, i);
        const char *symbol = NULL;
        pos[i] = (hedge_position)HEDGE_POSITION_INIT;
        if (!(st = expect(r, b, JSON_OBJECT, "a position object")) && !(st = only_keys(r, b, bench_keys)) &&
            !(st = get_string(r, b, "symbol", true, &symbol)) && !(st = get_number(r, b, "quantity", true, &pos[i].quantity)) &&
            hedge_market_find_instrument(&pos[i].instrument, market, symbol) != HEDGE_OK) {
            push_key(r, "symbol");
            st = fail_at(r, HEDGE_ERR_NOT_FOUND, "no instrument \"%s\" in the market", symbol);
            pop(r);
        }
        pop(r);
        pop(r);
    }
    if (st == HEDGE_OK) {
        ob.scenarios = sc;
        ob.n_scenarios = ns;
        ob.benchmark = pos;
        ob.n_benchmark = nb;
        st = setter(r, hedge_problem_set_objective(p, &ob));
    }
done:
    hedge__free(r->ctx, sc, ns * sizeof *sc, 0);
    hedge__free(r->ctx, shifts, nsh * sizeof *shifts, 0);
    hedge__free(r->ctx, pos, nb * sizeof *pos, 0);
    return st;
}

static hedge_status read_limits(reader *r, json_t *o, hedge_problem *p) {
    static const char *const keys[] = {"premium_budget", "collateral", "depth_fraction", "venues", "venue_caps",
                                       "margin", NULL};
    static const char *const margin_keys[] = {"spot_range", "spot_steps", "vol_up", "vol_down", "delta_addon", NULL};
    hedge_status st = expect(r, o, JSON_OBJECT, "a limits object");
    if (st != HEDGE_OK || (st = only_keys(r, o, keys)) != HEDGE_OK)
        return st;
    hedge_limits l = HEDGE_LIMITS_INIT;
    hedge_margin_options m = HEDGE_MARGIN_OPTIONS_INIT;
    json_t *venues = NULL, *caps = NULL, *margin = NULL;
    if ((st = get_number(r, o, "premium_budget", false, &l.premium_budget)) ||
        (st = get_number(r, o, "collateral", false, &l.collateral)) ||
        (st = get_number(r, o, "depth_fraction", false, &l.depth_fraction)) ||
        (st = get_array(r, o, "venues", false, &venues)) ||
        (st = typed_member(r, o, "venue_caps", false, JSON_OBJECT, "an object of venue: USD cap", &caps)) ||
        (st = typed_member(r, o, "margin", false, JSON_OBJECT, "a margin grid object", &margin)))
        return st;
    if (margin) {
        push_key(r, "margin");
        if (!(st = only_keys(r, margin, margin_keys)) && !(st = get_number(r, margin, "spot_range", false, &m.spot_range)) &&
            !(st = get_size(r, margin, "spot_steps", &m.spot_steps)) &&
            !(st = get_number(r, margin, "vol_up", false, &m.vol_up)) &&
            !(st = get_number(r, margin, "vol_down", false, &m.vol_down)))
            st = get_number(r, margin, "delta_addon", false, &m.delta_addon);
        pop(r);
        if (st)
            return st;
        l.margin = &m;
    }
    size_t nv = venues ? json_array_size(venues) : 0, nc = caps ? json_object_size(caps) : 0;
    const char **vn = nv ? hedge__alloc(r->ctx, nv * sizeof *vn, 0) : NULL;
    const char **cn = nc ? hedge__alloc(r->ctx, nc * sizeof *cn, 0) : NULL;
    double *cv = nc ? hedge__alloc(r->ctx, nc * sizeof *cv, 0) : NULL;
    if ((nv && !vn) || (nc && (!cn || !cv))) {
        st = hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "hedge_problem_read_json: out of memory");
        goto done;
    }
    for (size_t i = 0; i < nv && st == HEDGE_OK; i++) {
        json_t *v = json_array_get(venues, i);
        push_key(r, "venues");
        push_index(r, i);
        if (!(st = expect(r, v, JSON_STRING, "a venue name")))
            vn[i] = json_string_value(v);
        pop(r);
        pop(r);
    }
    {
        const char *key;
        json_t *value;
        size_t i = 0;
        json_object_foreach(caps, key, value) {
            if (st != HEDGE_OK)
                break;
            push_key(r, "venue_caps");
            push_key(r, key);
            if (!(st = expect(r, value, JSON_REAL, "a cap in USD"))) {
                cn[i] = key;
                cv[i] = json_number_value(value);
                i++;
            }
            pop(r);
            pop(r);
        }
    }
    if (st == HEDGE_OK) {
        l.venues = vn;
        l.n_venues = nv;
        l.cap_venues = cn;
        l.venue_caps = cv;
        l.n_venue_caps = nc;
        st = setter(r, hedge_problem_set_limits(p, &l));
    }
done:
    hedge__free(r->ctx, vn, nv * sizeof *vn, 0);
    hedge__free(r->ctx, cn, nc * sizeof *cn, 0);
    hedge__free(r->ctx, cv, nc * sizeof *cv, 0);
    return st;
}

static hedge_status read_hedge(reader *r, json_t *root, const hedge_market *market, hedge_problem *p) {
    static const char *const keys[] = {"objective", "targets", "candidates", "limits", NULL};
    hedge_status st = expect(r, root, JSON_OBJECT, "a JSON object at the top level");
    json_t *h = NULL, *obj = NULL, *targets = NULL, *cands = NULL, *limits = NULL;
    if (st || (st = typed_member(r, root, "hedge", true, JSON_OBJECT, "a hedge problem object", &h)))
        return st;
    push_key(r, "hedge");
    if ((st = only_keys(r, h, keys)) || (st = typed_member(r, h, "objective", false, JSON_OBJECT, "an object", &obj)) ||
        (st = get_array(r, h, "targets", false, &targets)) || (st = get_array(r, h, "candidates", true, &cands)) ||
        (st = typed_member(r, h, "limits", false, JSON_OBJECT, "an object", &limits)))
        goto out;
    if (obj) {
        push_key(r, "objective");
        st = read_objective(r, obj, p, market);
        pop(r);
    }
    for (size_t i = 0; st == HEDGE_OK && targets && i < json_array_size(targets); i++) {
        push_key(r, "targets");
        push_index(r, i);
        st = read_target(r, json_array_get(targets, i), p);
        pop(r);
        pop(r);
    }
    for (size_t i = 0; st == HEDGE_OK && i < json_array_size(cands); i++) {
        push_key(r, "candidates");
        push_index(r, i);
        st = read_candidate(r, json_array_get(cands, i), p);
        pop(r);
        pop(r);
    }
    if (st == HEDGE_OK && limits) {
        push_key(r, "limits");
        st = read_limits(r, limits, p);
        pop(r);
    }
out:
    pop(r);
    return st;
}

HEDGE_API hedge_status hedge_problem_read_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                               const char *text, size_t length, const char *name) {
    static const char fn[] = "hedge_problem_read_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !market || !text)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    reader r;
    json_t *root;
    hedge_status st = parse(&r, &root, ctx, text, length, name);
    if (st)
        return st;
    hedge_problem *p;
    st = hedge_problem_create(&p, ctx);
    if (st == HEDGE_OK && (st = read_hedge(&r, root, market, p)) != HEDGE_OK) {
        hedge_problem_destroy(p);
        p = NULL;
    }
    json_decref(root);
    *out = p;
    return st;
}

HEDGE_API hedge_status hedge_problem_load_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                               const char *path) {
    static const char fn[] = "hedge_problem_load_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !market || !path)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    char *buf;
    size_t len, cap;
    hedge_status st = slurp(fn, ctx, path, &buf, &len, &cap);
    if (st == HEDGE_OK) {
        st = hedge_problem_read_json(out, ctx, market, buf, len, path);
        hedge__free(ctx, buf, cap, 0);
    }
    return st;
}

/* ---- the simulation config (simulate.h) -------------------------------------------------------- */

static const char *const sim_model_names[] = {"gbm", "merton", "heston", "garch", "replay", NULL};
static const char *const sim_instrument_names[] = {"spot", "perpetual", "option", NULL};
static const char *const rule_names[] = {"calendar", "delta_band", "whalley_wilmott", "leland", "cost_risk", NULL};

/* A time to expiry: "expiry" in years or "expiry_days" (ACT/365), exactly one of them. */
static hedge_status get_expiry(reader *r, json_t *o, double *out) {
    json_t *years = json_object_get(o, "expiry"), *days = json_object_get(o, "expiry_days");
    if ((years != NULL) == (days != NULL))
        return fail_at(r, HEDGE_ERR_PARSE, "give exactly one of \"expiry\" (years) and \"expiry_days\"");
    double v = 0;
    hedge_status st = get_number(r, o, years ? "expiry" : "expiry_days", true, &v);
    if (st == HEDGE_OK)
        *out = years ? v : v / 365.0;
    return st;
}

static hedge_status read_sim_paths(reader *r, json_t *o, hedge_sim_config *c) {
    static const char *const keys[] = {"model", "spot", "drift", "vol", "jump_intensity", "jump_mean", "jump_std",
                                       "kappa", "theta", "xi", "rho", "v0", "garch_omega", "garch_alpha",
                                       "garch_beta", "garch_var0", "prices", "csv", "column", "windows", NULL};
    hedge_sim_paths *p = &c->paths;
    int model = 0, windows = 0;
    json_t *prices = NULL;
    const char *csv = NULL, *column = NULL;
    hedge_status st;
    if ((st = only_keys(r, o, keys)) || (st = get_enum(r, o, "model", true, sim_model_names, &model)) ||
        (st = get_number(r, o, "spot", false, &p->spot)) || (st = get_number(r, o, "drift", false, &p->drift)) ||
        (st = get_number(r, o, "vol", false, &p->vol)) ||
        (st = get_number(r, o, "jump_intensity", false, &p->jump_intensity)) ||
        (st = get_number(r, o, "jump_mean", false, &p->jump_mean)) ||
        (st = get_number(r, o, "jump_std", false, &p->jump_std)) || (st = get_number(r, o, "kappa", false, &p->kappa)) ||
        (st = get_number(r, o, "theta", false, &p->theta)) || (st = get_number(r, o, "xi", false, &p->xi)) ||
        (st = get_number(r, o, "rho", false, &p->rho)) || (st = get_number(r, o, "v0", false, &p->v0)) ||
        (st = get_number(r, o, "garch_omega", false, &p->garch_omega)) ||
        (st = get_number(r, o, "garch_alpha", false, &p->garch_alpha)) ||
        (st = get_number(r, o, "garch_beta", false, &p->garch_beta)) ||
        (st = get_number(r, o, "garch_var0", false, &p->garch_var0)) ||
        (st = get_array(r, o, "prices", false, &prices)) || (st = get_string(r, o, "csv", false, &csv)) ||
        (st = get_string(r, o, "column", false, &column)) || (st = get_bool(r, o, "windows", &windows)))
        return st;
    p->model = (hedge_sim_model)model;
    p->windows = windows;
    if (p->model != HEDGE_SIM_REPLAY && (prices || csv))
        return fail_at(r, HEDGE_ERR_PARSE, "\"prices\" and \"csv\" are for the replay model only");
    if (p->model == HEDGE_SIM_REPLAY && (prices != NULL) == (csv != NULL))
        return fail_at(r, HEDGE_ERR_PARSE, "replay needs exactly one of \"prices\" (an array) and \"csv\" (a file)");
    snprintf(c->replay_column, sizeof c->replay_column, "%s", column ? column : "price");
    if (csv) {
        c->csv_bytes = strlen(csv) + 1;
        if (!(c->replay_csv = hedge__alloc(r->ctx, c->csv_bytes, 0))) {
            c->csv_bytes = 0;
            return hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "hedge_sim_config_read_json: out of memory");
        }
        memcpy(c->replay_csv, csv, c->csv_bytes);
    }
    if (prices) {
        size_t n = json_array_size(prices);
        if (n == 0) {
            push_key(r, "prices");
            st = fail_at(r, HEDGE_ERR_PARSE, "an empty series");
            pop(r);
            return st;
        }
        if (!(c->prices = hedge__alloc(r->ctx, n * sizeof *c->prices, 0)))
            return hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "hedge_sim_config_read_json: out of memory");
        p->n_prices = n;
        p->prices = c->prices;
        for (size_t i = 0; i < n; i++) {
            push_key(r, "prices");
            push_index(r, i);
            json_t *v = json_array_get(prices, i);
            if (!(st = expect(r, v, JSON_REAL, "a price")))
                c->prices[i] = json_number_value(v);
            pop(r);
            pop(r);
            if (st)
                return st;
        }
    }
    return HEDGE_OK;
}

static hedge_status read_sim_option(reader *r, json_t *o, hedge_sim_option *opt) {
    static const char *const keys[] = {"type", "quantity", "strike", "expiry", "expiry_days", "rate", "hedge_vol", NULL};
    int type = 1;
    hedge_status st;
    if ((st = only_keys(r, o, keys)) || (st = get_enum(r, o, "type", true, type_names, &type)) ||
        (st = get_number(r, o, "quantity", true, &opt->quantity)) ||
        (st = get_number(r, o, "strike", true, &opt->strike)) || (st = get_expiry(r, o, &opt->expiry)) ||
        (st = get_number(r, o, "rate", false, &opt->rate)) || (st = get_number(r, o, "hedge_vol", true, &opt->hedge_vol)))
        return st;
    opt->type = type == 0 ? HEDGE_PUT : HEDGE_CALL;
    return HEDGE_OK;
}

static hedge_status read_sim_hedge(reader *r, json_t *o, hedge_sim_hedge *h) {
    static const char *const keys[] = {"instrument", "funding_rate", "option", NULL};
    static const char *const option_keys[] = {"type", "strike", "expiry", "expiry_days", NULL};
    int instrument = 0, type = 1;
    json_t *opt = NULL;
    hedge_status st;
    if ((st = only_keys(r, o, keys)) || (st = get_enum(r, o, "instrument", true, sim_instrument_names, &instrument)) ||
        (st = get_number(r, o, "funding_rate", false, &h->funding_rate)) ||
        (st = typed_member(r, o, "option", instrument == HEDGE_SIM_OPTION, JSON_OBJECT, "a hedge option object", &opt)))
        return st;
    h->instrument = (hedge_sim_instrument)instrument;
    if (opt) {
        push_key(r, "option");
        if (!(st = only_keys(r, opt, option_keys)) && !(st = get_enum(r, opt, "type", true, type_names, &type)) &&
            !(st = get_number(r, opt, "strike", true, &h->option_strike)))
            st = get_expiry(r, opt, &h->option_expiry);
        pop(r);
        h->option_type = type == 0 ? HEDGE_PUT : HEDGE_CALL;
    }
    return st;
}

static hedge_status read_sim_policy(reader *r, json_t *o, hedge_sim_config *c, size_t i) {
    static const char *const keys[] = {"name", "rule", "interval_days", "band", "risk_aversion", "cost_rate",
                                       "fixed_cost", "horizon_days", "to_edge", NULL};
    hedge_rebalance_policy *p = &c->policies[i];
    *p = (hedge_rebalance_policy)HEDGE_REBALANCE_POLICY_INIT;
    /* what the policy assumes about costs defaults to what the simulation charges */
    p->cost_rate = c->hedge.cost_rate;
    p->fixed_cost = c->hedge.fixed_cost;
    const char *name = NULL;
    int rule = 0;
    hedge_status st = expect(r, o, JSON_OBJECT, "a policy object");
    if (st || (st = only_keys(r, o, keys)) || (st = get_string(r, o, "name", false, &name)) ||
        (st = get_enum(r, o, "rule", true, rule_names, &rule)) ||
        (st = get_number(r, o, "interval_days", false, &p->interval_days)) ||
        (st = get_number(r, o, "band", false, &p->band)) ||
        (st = get_number(r, o, "risk_aversion", false, &p->risk_aversion)) ||
        (st = get_number(r, o, "cost_rate", false, &p->cost_rate)) ||
        (st = get_number(r, o, "fixed_cost", false, &p->fixed_cost)) ||
        (st = get_number(r, o, "horizon_days", false, &p->horizon_days)) || (st = get_bool(r, o, "to_edge", &p->to_edge)))
        return st;
    p->rule = (hedge_rebalance_rule)rule;
    if (name && strlen(name) >= HEDGE__SIM_NAME_BYTES) {
        push_key(r, "name");
        st = fail_at(r, HEDGE_ERR_PARSE, "a name of at most %d bytes", HEDGE__SIM_NAME_BYTES - 1);
        pop(r);
        return st;
    }
    snprintf(c->names[i], sizeof c->names[i], "%s", name ? name : rule_names[rule]);
    /* the policy's ranges, checked by the decision function itself on a harmless state */
    hedge_rebalance_state s = HEDGE_REBALANCE_STATE_INIT;
    s.gamma = -1.0;
    s.spot = 1.0;
    s.vol = 0.2;
    s.time_left = 1.0;
    s.days_since_last = HUGE_VAL;
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    if ((st = hedge_rebalance_decide(&d, p, &s)))
        return fail_call(r, st);
    return HEDGE_OK;
}

static hedge_status read_sim_costs(reader *r, json_t *o, hedge_sim_hedge *h) {
    static const char *const keys[] = {"proportional", "fixed", "latency_steps", NULL};
    hedge_status st;
    if ((st = only_keys(r, o, keys)) || (st = get_number(r, o, "proportional", false, &h->cost_rate)) ||
        (st = get_number(r, o, "fixed", false, &h->fixed_cost)))
        return st;
    return get_size(r, o, "latency_steps", &h->latency_steps);
}

static hedge_status read_sim_run(reader *r, json_t *o, hedge_sim_options *run) {
    static const char *const keys[] = {"paths", "steps", "seed", "threads", NULL};
    size_t threads = run->threads;
    int64_t seed = 1;
    hedge_status st;
    if ((st = only_keys(r, o, keys)) || (st = get_size(r, o, "paths", &run->paths)) ||
        (st = get_size(r, o, "steps", &run->steps)) || (st = get_int(r, o, "seed", false, &seed)) ||
        (st = get_size(r, o, "threads", &threads)))
        return st;
    if (seed < 0) {
        push_key(r, "seed");
        st = fail_at(r, HEDGE_ERR_DOMAIN, "expected a seed >= 0");
        pop(r);
        return st;
    }
    if (run->steps == 0) {
        push_key(r, "steps");
        st = fail_at(r, HEDGE_ERR_DOMAIN, "expected steps >= 1");
        pop(r);
        return st;
    }
    run->seed = (uint64_t)seed;
    run->threads = threads > 1024 ? 1024 : (unsigned)threads;
    return HEDGE_OK;
}

/* Reads section `key` (an object) of s with fn at its pointer. */
#define SIM_SECTION(key, required, call)                                                                        \
    do {                                                                                                        \
        json_t *sec_ = NULL;                                                                                    \
        if ((st = typed_member(r, s, key, required, JSON_OBJECT, "an object", &sec_)) || !sec_)                 \
            break;                                                                                              \
        push_key(r, key);                                                                                       \
        json_t *o = sec_;                                                                                       \
        st = (call);                                                                                            \
        pop(r);                                                                                                 \
    } while (0)

static hedge_status read_simulate(reader *r, json_t *root, hedge_sim_config *c) {
    static const char *const keys[] = {"paths", "option", "hedge", "costs", "run", "policies", NULL};
    hedge_status st = expect(r, root, JSON_OBJECT, "a JSON object at the top level");
    json_t *s = NULL, *pols = NULL;
    if (st || (st = typed_member(r, root, "simulate", true, JSON_OBJECT, "a simulate object", &s)))
        return st;
    push_key(r, "simulate");
    if ((st = only_keys(r, s, keys)))
        goto out;
    SIM_SECTION("paths", true, read_sim_paths(r, o, c));
    if (st)
        goto out;
    SIM_SECTION("option", true, read_sim_option(r, o, &c->option));
    if (st)
        goto out;
    SIM_SECTION("hedge", false, read_sim_hedge(r, o, &c->hedge));
    if (st)
        goto out;
    SIM_SECTION("costs", false, read_sim_costs(r, o, &c->hedge));
    if (st)
        goto out;
    SIM_SECTION("run", false, read_sim_run(r, o, &c->options));
    if (st)
        goto out;
    if (c->paths.model == HEDGE_SIM_REPLAY) {
        /* a replay's path count omitted is 0, which hedge_sim_run() takes for every path the
         * series gives (the default of 10,000 asked more than a short series has); more than an
         * inline series gives is reported here, at the count */
        json_t *run = json_object_get(s, "run"), *given = run ? json_object_get(run, "paths") : NULL;
        size_t steps = c->options.steps, np = c->paths.n_prices;
        size_t every = !c->paths.windows ? 1 : np > steps ? np - steps : 0;
        if (!given) {
            c->options.paths = 0;
        } else if (!c->replay_csv && c->options.paths > every) {
            push_key(r, "run");
            push_key(r, "paths");
            st = fail_at(r, HEDGE_ERR_DOMAIN, "%zu paths asked of a series that gives %zu of %zu steps",
                         c->options.paths, every, steps);
            pop(r);
            pop(r);
            goto out;
        }
    }
    /* the parts, checked as the simulator will check them, reported at the section */
    push_key(r, "option");
    st = hedge__sim_check(&c->option, &c->hedge, "simulate");
    st = st ? fail_call(r, st) : st;
    pop(r);
    if (!st && !c->replay_csv) {
        hedge__sim_model m;
        push_key(r, "paths");
        st = hedge__sim_model_setup(&m, &c->paths, c->option.expiry, c->options.steps, "simulate");
        st = st ? fail_call(r, st) : st;
        pop(r);
    }
    if (!st && c->hedge.latency_steps >= c->options.steps) {
        push_key(r, "costs");
        push_key(r, "latency_steps");
        st = fail_at(r, HEDGE_ERR_DOMAIN, "a latency of %zu steps leaves no decision in %zu steps",
                     c->hedge.latency_steps, c->options.steps);
        pop(r);
        pop(r);
    }
    if (st || (st = get_array(r, s, "policies", true, &pols)))
        goto out;
    size_t n = json_array_size(pols);
    if (n == 0) {
        push_key(r, "policies");
        st = fail_at(r, HEDGE_ERR_PARSE, "expected at least one policy");
        pop(r);
        goto out;
    }
    c->policies = hedge__alloc(r->ctx, n * sizeof *c->policies, 0);
    c->names = c->policies ? hedge__alloc(r->ctx, n * sizeof *c->names, 0) : NULL;
    if (!c->names) {
        hedge__free(r->ctx, c->policies, n * sizeof *c->policies, 0);
        c->policies = NULL;
        st = hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "hedge_sim_config_read_json: out of memory");
        goto out;
    }
    c->n_policies = n;
    for (size_t i = 0; i < n && !st; i++) {
        push_key(r, "policies");
        push_index(r, i);
        st = read_sim_policy(r, json_array_get(pols, i), c, i);
        pop(r);
        pop(r);
    }
out:
    pop(r);
    return st;
}
#undef SIM_SECTION

HEDGE_API hedge_status hedge_sim_config_read_json(hedge_sim_config **out, hedge_context *ctx, const char *text,
                                                  size_t length, const char *name) {
    static const char fn[] = "hedge_sim_config_read_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !text)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    reader r;
    json_t *root;
    hedge_status st = parse(&r, &root, ctx, text, length, name);
    if (st)
        return st;
    hedge_sim_config *c = hedge__alloc(ctx, sizeof *c, 0);
    if (!c) {
        st = hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    } else {
        memset(c, 0, sizeof *c);
        c->ctx = ctx;
        c->paths = (hedge_sim_paths)HEDGE_SIM_PATHS_INIT;
        c->option = (hedge_sim_option)HEDGE_SIM_OPTION_INIT;
        c->hedge = (hedge_sim_hedge)HEDGE_SIM_HEDGE_INIT;
        c->options = (hedge_sim_options)HEDGE_SIM_OPTIONS_INIT;
        if ((st = read_simulate(&r, root, c))) {
            hedge_sim_config_destroy(c);
            c = NULL;
        }
    }
    json_decref(root);
    *out = c;
    return st;
}

HEDGE_API hedge_status hedge_sim_config_load_json(hedge_sim_config **out, hedge_context *ctx, const char *path) {
    static const char fn[] = "hedge_sim_config_load_json";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !path)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    char *buf;
    size_t len, cap;
    hedge_status st = slurp(fn, ctx, path, &buf, &len, &cap);
    if (st == HEDGE_OK) {
        st = hedge_sim_config_read_json(out, ctx, buf, len, path);
        hedge__free(ctx, buf, cap, 0);
    }
    return st;
}
