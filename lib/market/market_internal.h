/*
 * Layouts of the market layer's handles, shared by their implementations and by the JSON reader
 * and writer (which must see everything a snapshot holds). Nothing outside lib/ includes this.
 */
#ifndef HEDGE_MARKET_INTERNAL_H
#define HEDGE_MARKET_INTERNAL_H

#include <hedge/context.h>
#include <hedge/instrument.h>
#include <hedge/snapshot.h>
#include <hedge/volsurface.h>

#include <stdatomic.h>
#include <stdbool.h>

struct hedge_instrument {
    atomic_size_t refs;
    const hedge_context *ctx;
    size_t alloc_size;
    hedge_instrument_spec spec; /* strings point into names[] below */
    char names[];
};

#define NAME_CAP 32    /* underlying, venue and source names: up to 31 bytes */
#define SYMBOL_CAP 128 /* instrument symbols: up to 127 bytes */

typedef struct source_entry {
    char name[NAME_CAP];
    double price;
    int64_t timestamp_ms, max_age_ms;
    hedge_source_verdict verdict;
} source_entry;

typedef struct forward_point {
    int64_t expiry_ms;
    double forward;
} forward_point;

typedef struct underlying_entry {
    char name[NAME_CAP];
    bool has_spot;   /* set directly, or combined from sources at finish */
    bool spot_stale; /* combined: too few fresh, agreeing sources */
    double spot;
    int64_t spot_ts, spot_max_age;
    double rate;
    forward_point *fwd;
    size_t n_fwd, cap_fwd;
    source_entry *src;
    size_t n_src, cap_src;
} underlying_entry;

typedef struct quote_entry {
    char symbol[SYMBOL_CAP];
    char venue[NAME_CAP];
    hedge_quote q;            /* strings and ladders point into this entry and levels */
    hedge_depth_level *levels; /* bids then asks, one allocation */
} quote_entry;

typedef struct funding_entry {
    char symbol[SYMBOL_CAP];
    double rate, predicted;
    int64_t timestamp_ms, max_age_ms;
} funding_entry;

/* What a builder collects and a snapshot owns: finish() moves it from one to the other. */
typedef struct market_data {
    underlying_entry *und;
    size_t n_und, cap_und;
    quote_entry *quotes;
    size_t n_quotes, cap_quotes;
    funding_entry *funding;
    size_t n_funding, cap_funding;
} market_data;

struct hedge_snapshot_builder {
    hedge_context *ctx;
    int64_t valuation_ms;
    hedge_snapshot_options opt;
    market_data d;
};

struct hedge_snapshot {
    atomic_size_t refs;
    hedge_context *ctx;
    int64_t valuation_ms;
    hedge_snapshot_options opt; /* kept so that a written snapshot rebuilds the same source verdicts */
    market_data d;
};

struct hedge_vol_surface {
    atomic_size_t refs;
    hedge_context *ctx;
    int64_t valuation_ms;
    size_t n;
    hedge_svi_slice slices[];
};

struct hedge_market {
    atomic_size_t refs;
    hedge_context *ctx;
    hedge_snapshot *snapshot;
    hedge_instrument **instruments; /* in the order given */
    size_t *by_symbol;              /* indices into instruments, sorted by symbol */
    size_t n_instruments;
    hedge_vol_surface **surfaces;
    char (*surface_names)[NAME_CAP];
    size_t n_surfaces;
};

#endif
