/*
 * Writing a market as JSON. The emitter is small and allocates only through the context; doubles
 * use 17 significant digits so that reading the text back gives the same bits.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_rwlock_t in risk_internal.h */

#include "core/internal.h"
#include "core/timefmt.h"
#include "market/market_internal.h"
#include "risk/risk_internal.h"
#include "hedge/result_internal.h"

#include <hedge/market.h>
#include <hedge/portfolio.h>
#include <hedge/risk.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct emitter {
    const hedge_context *ctx;
    char *buf;
    size_t len, cap;
    hedge_status st;
    int indent;
    bool first; /* no comma before the next member or element */
} emitter;

static void put(emitter *e, const char *s, size_t n) {
    if (e->st != HEDGE_OK)
        return;
    if ((e->st = hedge__vec_reserve(e->ctx, (void **)&e->buf, &e->cap, e->len + n + 1, 1)) != HEDGE_OK)
        return;
    memcpy(e->buf + e->len, s, n);
    e->len += n;
    e->buf[e->len] = '\0';
}

static void putf(emitter *e, const char *fmt, ...) HEDGE_PRINTF(2, 3);
static void putf(emitter *e, const char *fmt, ...) {
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(e, tmp, (size_t)n);
}

static void newline(emitter *e) {
    put(e, "\n", 1);
    for (int i = 0; i < e->indent; i++)
        put(e, "  ", 2);
}

/* Strings in a market are names and symbols; escape what JSON requires anyway. */
static void put_string(emitter *e, const char *s) {
    put(e, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(e, esc, 2);
        } else if (c < 0x20) {
            putf(e, "\\u%04x", c);
        } else {
            put(e, (const char *)&c, 1);
        }
    }
    put(e, "\"", 1);
}

static void open_(emitter *e, const char *key, char bracket) {
    if (!e->first)
        put(e, ",", 1);
    newline(e);
    if (key) {
        put_string(e, key);
        put(e, ": ", 2);
    }
    put(e, &bracket, 1);
    e->indent++;
    e->first = true;
}

static void close_(emitter *e, char bracket) {
    e->indent--;
    if (!e->first)
        newline(e);
    put(e, &bracket, 1);
    e->first = false;
}

static void key_(emitter *e, const char *key) {
    if (!e->first)
        put(e, ",", 1);
    newline(e);
    put_string(e, key);
    put(e, ": ", 2);
    e->first = false;
}

/* %.17g writes -0.0 as "-0", which JSON readers (jansson included) take for the integer 0: the
 * sign would be lost on the round trip, so negative zero is written as a real. */
static void double_(emitter *e, double v) {
    if (v == 0 && signbit(v))
        put(e, "-0.0", 4);
    else
        putf(e, "%.17g", v);
}

static void num(emitter *e, const char *key, double v) {
    key_(e, key);
    double_(e, v);
}

static void integer(emitter *e, const char *key, int64_t v) {
    key_(e, key);
    putf(e, "%lld", (long long)v);
}

static void str(emitter *e, const char *key, const char *v) {
    key_(e, key);
    put_string(e, v);
}

static void time_(emitter *e, const char *key, int64_t ms) {
    char t[32];
    if (hedge__time_format(t, ms))
        str(e, key, t);
    else
        integer(e, key, ms); /* outside years 0..9999: the reader takes ms too */
}

static void write_instrument(emitter *e, const hedge_instrument *inst) {
    static const char *const kinds[] = {"", "spot", "future", "perpetual", "option"};
    const hedge_instrument_spec *s = &inst->spec;
    open_(e, NULL, '{');
    str(e, "symbol", s->symbol);
    str(e, "kind", kinds[s->kind]);
    str(e, "underlying", s->underlying);
    if (s->venue)
        str(e, "venue", s->venue);
    str(e, "settlement", s->settlement == HEDGE_SETTLE_INVERSE ? "inverse" : "linear");
    num(e, "multiplier", s->multiplier);
    if (s->kind == HEDGE_INSTRUMENT_OPTION) {
        str(e, "type", s->option_type == HEDGE_CALL ? "call" : "put");
        num(e, "strike", s->strike);
    }
    if (s->kind == HEDGE_INSTRUMENT_OPTION || s->kind == HEDGE_INSTRUMENT_FUTURE)
        time_(e, "expiry", s->expiry_ms);
    if (s->kind == HEDGE_INSTRUMENT_PERPETUAL)
        num(e, "funding_interval_s", s->funding_interval_s);
    close_(e, '}');
}

static void write_ladder(emitter *e, const char *key, const hedge_depth_level *lv, size_t n) {
    if (n == 0)
        return;
    key_(e, key);
    put(e, "[", 1);
    for (size_t i = 0; i < n; i++) {
        put(e, i ? ", [" : "[", i ? 3 : 1);
        double_(e, lv[i].price);
        put(e, ", ", 2);
        double_(e, lv[i].size);
        put(e, "]", 1);
    }
    put(e, "]", 1);
}

static void write_snapshot(emitter *e, const hedge_snapshot *s) {
    open_(e, "market", '{');
    open_(e, "settings", '{');
    integer(e, "default_max_age_ms", s->opt.default_max_age_ms);
    num(e, "source_max_deviation", s->opt.source_max_deviation);
    integer(e, "source_min_count", s->opt.source_min_count);
    close_(e, '}');
    open_(e, "underlyings", '[');
    for (size_t i = 0; i < s->d.n_und; i++) {
        const underlying_entry *u = &s->d.und[i];
        open_(e, NULL, '{');
        str(e, "name", u->name);
        num(e, "rate", u->rate);
        if (u->n_src == 0 && u->has_spot) {
            open_(e, "spot", '{');
            num(e, "price", u->spot);
            time_(e, "time", u->spot_ts);
            integer(e, "max_age_ms", u->spot_max_age);
            close_(e, '}');
        }
        if (u->n_src) {
            open_(e, "sources", '[');
            for (size_t j = 0; j < u->n_src; j++) {
                open_(e, NULL, '{');
                str(e, "source", u->src[j].name);
                num(e, "price", u->src[j].price);
                time_(e, "time", u->src[j].timestamp_ms);
                integer(e, "max_age_ms", u->src[j].max_age_ms);
                close_(e, '}');
            }
            close_(e, ']');
        }
        if (u->n_fwd) {
            open_(e, "forwards", '[');
            for (size_t j = 0; j < u->n_fwd; j++) {
                open_(e, NULL, '{');
                time_(e, "expiry", u->fwd[j].expiry_ms);
                num(e, "forward", u->fwd[j].forward);
                close_(e, '}');
            }
            close_(e, ']');
        }
        close_(e, '}');
    }
    close_(e, ']');
    open_(e, "funding", '[');
    for (size_t i = 0; i < s->d.n_funding; i++) {
        const funding_entry *f = &s->d.funding[i];
        open_(e, NULL, '{');
        str(e, "symbol", f->symbol);
        num(e, "rate", f->rate);
        num(e, "predicted", f->predicted);
        time_(e, "time", f->timestamp_ms);
        integer(e, "max_age_ms", f->max_age_ms);
        close_(e, '}');
    }
    close_(e, ']');
    open_(e, "quotes", '[');
    for (size_t i = 0; i < s->d.n_quotes; i++) {
        const hedge_quote *q = &s->d.quotes[i].q;
        open_(e, NULL, '{');
        str(e, "symbol", q->symbol);
        str(e, "venue", q->venue);
        num(e, "bid", q->bid);
        num(e, "ask", q->ask);
        num(e, "bid_size", q->bid_size);
        num(e, "ask_size", q->ask_size);
        write_ladder(e, "bids", q->bids, q->n_bids);
        write_ladder(e, "asks", q->asks, q->n_asks);
        time_(e, "time", q->timestamp_ms);
        integer(e, "max_age_ms", q->max_age_ms);
        close_(e, '}');
    }
    close_(e, ']');
    close_(e, '}');
}

static void write_surface(emitter *e, const char *underlying, const hedge_vol_surface *s) {
    open_(e, NULL, '{');
    str(e, "underlying", underlying);
    open_(e, "slices", '[');
    for (size_t i = 0; i < s->n; i++) {
        const hedge_svi_slice *sl = &s->slices[i];
        open_(e, NULL, '{');
        time_(e, "expiry", sl->expiry_ms);
        num(e, "forward", sl->forward);
        num(e, "a", sl->a);
        num(e, "b", sl->b);
        num(e, "rho", sl->rho);
        num(e, "m", sl->m);
        num(e, "sigma", sl->sigma);
        close_(e, '}');
    }
    close_(e, ']');
    close_(e, '}');
}

static void write_book(emitter *e, const hedge_portfolio *pf) {
    open_(e, "book", '[');
    hedge__portfolio_rdlock(pf);
    for (size_t k = 0; k < pf->n; k++) {
        open_(e, NULL, '{');
        str(e, "symbol", pf->pos[k].instrument->spec.symbol);
        num(e, "quantity", pf->pos[k].quantity);
        num(e, "entry_price", pf->pos[k].entry_price);
        close_(e, '}');
    }
    hedge__portfolio_unlock(pf);
    close_(e, ']');
}

static hedge_status write_document(const char *fn, char *buffer, size_t capacity, size_t *length,
                                   const hedge_market *market, const hedge_portfolio *book) {
    emitter e = {market->ctx, NULL, 0, 0, HEDGE_OK, 0, true};
    put(&e, "{", 1);
    e.indent = 1;
    str(&e, "format", "libhedge-market/1");
    time_(&e, "valuation_time", market->snapshot->valuation_ms);
    open_(&e, "instruments", '[');
    for (size_t i = 0; i < market->n_instruments; i++)
        write_instrument(&e, market->instruments[i]);
    close_(&e, ']');
    write_snapshot(&e, market->snapshot);
    open_(&e, "surfaces", '[');
    for (size_t i = 0; i < market->n_surfaces; i++)
        write_surface(&e, market->surface_names[i], market->surfaces[i]);
    close_(&e, ']');
    if (book)
        write_book(&e, book);
    e.indent = 0;
    newline(&e);
    put(&e, "}\n", 2);
    hedge_status st = e.st;
    if (st == HEDGE_OK) {
        *length = e.len;
        if (capacity < e.len + 1)
            st = hedge__fail(market->ctx, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: needs %zu bytes, got %zu", fn, e.len + 1,
                             capacity);
        else
            memcpy(buffer, e.buf, e.len + 1);
    }
    hedge__free(market->ctx, e.buf, e.cap, 0);
    return st;
}

HEDGE_API hedge_status hedge_market_write_json(char *buffer, size_t capacity, size_t *length,
                                               const hedge_market *market) {
    static const char fn[] = "hedge_market_write_json";
    if (!length || !market || (!buffer && capacity > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    return write_document(fn, buffer, capacity, length, market, NULL);
}

HEDGE_API hedge_status hedge_portfolio_write_json(char *buffer, size_t capacity, size_t *length,
                                                  const hedge_market *market, const hedge_portfolio *portfolio) {
    static const char fn[] = "hedge_portfolio_write_json";
    if (!length || !market || !portfolio || (!buffer && capacity > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    return write_document(fn, buffer, capacity, length, market, portfolio);
}

/* Results carry infinities (an unlimited bound) that JSON cannot spell: they are written as null. */
static void num_or_null(emitter *e, const char *key, double v) {
    key_(e, key);
    if (isfinite(v))
        double_(e, v);
    else
        put(e, "null", 4);
}

static void write_greek_row(emitter *e, const char *key, const hedge_risk_row *r) {
    open_(e, key, '{');
    if (r->underlying) {
        num(e, "delta_coin", r->delta_coin);
        num(e, "gamma_coin", r->gamma_coin);
    }
    num(e, "delta_usd", r->delta_usd);
    num(e, "gamma_usd", r->gamma_usd);
    num(e, "vega_usd", r->vega_usd);
    num(e, "theta_usd", r->theta_usd);
    close_(e, '}');
}

HEDGE_API hedge_status hedge_result_write_json(char *buffer, size_t capacity, size_t *length,
                                               const hedge_result *result) {
    static const char fn[] = "hedge_result_write_json";
    static const char *const status_names[] = {"optimal", "primal_infeasible", "dual_infeasible", "iteration_limit",
                                               "time_limit"};
    static const char *const limit_kinds[] = {"greek", "budget", "margin", "venue_cap", "position", "trade"};
    if (!length || !result || (!buffer && capacity > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    const hedge__result_builder *b = &result->b;
    emitter e = {b->ctx, NULL, 0, 0, HEDGE_OK, 0, true};
    put(&e, "{", 1);
    e.indent = 1;
    str(&e, "format", "libhedge-hedge-result/1");
    hedge_hedge_summary s = HEDGE_HEDGE_SUMMARY_INIT;
    hedge_result_summary(&s, result);
    str(&e, "status", (unsigned)s.status < 5 ? status_names[s.status] : "unknown");
    open_(&e, "summary", '{');
    num_or_null(&e, "objective", s.objective);
    num(&e, "cost_usd", s.cost_usd);
    num(&e, "fees_usd", s.fees_usd);
    num(&e, "spread_usd", s.spread_usd);
    num(&e, "impact_usd", s.impact_usd);
    num(&e, "funding_usd", s.funding_usd);
    num(&e, "fixed_usd", s.fixed_usd);
    num(&e, "premium_usd", s.premium_usd);
    num(&e, "std_before", s.std_before);
    num(&e, "std_after", s.std_after);
    num(&e, "var_before", s.var_before);
    num(&e, "var_after", s.var_after);
    num(&e, "cvar_before", s.cvar_before);
    num(&e, "cvar_after", s.cvar_after);
    num(&e, "margin_before", s.margin_before);
    num(&e, "margin_after", s.margin_after);
    integer(&e, "scenarios", (int64_t)s.scenarios);
    integer(&e, "iterations", (int64_t)s.iterations);
    integer(&e, "nodes", (int64_t)s.nodes);
    num(&e, "solve_time_s", s.solve_time_s);
    close_(&e, '}');
    open_(&e, "trades", '[');
    for (size_t i = 0; i < hedge_result_trade_count(result); i++) {
        hedge_trade t = HEDGE_TRADE_INIT;
        hedge_result_trade(&t, result, i);
        open_(&e, NULL, '{');
        str(&e, "symbol", t.symbol);
        str(&e, "venue", t.venue);
        integer(&e, "candidate", (int64_t)t.candidate);
        num(&e, "quantity", t.quantity);
        num(&e, "mid", t.mid);
        num(&e, "notional_usd", t.notional_usd);
        num(&e, "fee_usd", t.fee_usd);
        num(&e, "spread_usd", t.spread_usd);
        num(&e, "impact_usd", t.impact_usd);
        num(&e, "funding_usd", t.funding_usd);
        num(&e, "fixed_usd", t.fixed_usd);
        close_(&e, '}');
    }
    close_(&e, ']');
    open_(&e, "greeks", '[');
    for (size_t i = 0; i <= hedge_result_underlying_count(result); i++) {
        hedge_risk_row before = HEDGE_RISK_ROW_INIT, after = HEDGE_RISK_ROW_INIT;
        hedge_result_greeks(&before, &after, result, i);
        open_(&e, NULL, '{');
        if (before.underlying)
            str(&e, "underlying", before.underlying);
        else
            key_(&e, "underlying"), put(&e, "null", 4);
        write_greek_row(&e, "before", &before);
        write_greek_row(&e, "after", &after);
        close_(&e, '}');
    }
    close_(&e, ']');
    open_(&e, s.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE ? "conflicts" : "binding", '[');
    for (size_t i = 0; i < hedge_result_limit_count(result); i++) {
        hedge_limit_report l = HEDGE_LIMIT_REPORT_INIT;
        hedge_result_limit(&l, result, i);
        open_(&e, NULL, '{');
        str(&e, "kind", limit_kinds[l.kind]);
        integer(&e, "index", (int64_t)l.index);
        str(&e, "side", l.upper ? "upper" : "lower");
        num_or_null(&e, "bound", l.bound);
        num(&e, s.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE ? "weight" : "shadow_price", l.shadow_price);
        str(&e, "name", l.name);
        close_(&e, '}');
    }
    close_(&e, ']');
    e.indent = 0;
    newline(&e);
    put(&e, "}\n", 2);
    hedge_status st = e.st;
    if (st == HEDGE_OK) {
        *length = e.len;
        if (capacity < e.len + 1)
            st = hedge__fail(b->ctx, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: needs %zu bytes, got %zu", fn, e.len + 1,
                             capacity);
        else
            memcpy(buffer, e.buf, e.len + 1);
    }
    hedge__free(b->ctx, e.buf, e.cap, 0);
    return st;
}
