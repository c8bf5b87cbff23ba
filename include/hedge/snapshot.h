/**
 * @file snapshot.h
 * @brief Market snapshots: spots, rates, forward curves, funding, quotes with depth, combined price sources.
 *
 * @defgroup snapshot Market snapshots
 * @brief The market as seen at one valuation time, immutable once built.
 *
 * A snapshot is assembled with a ::hedge_snapshot_builder (one thread at a time), checked and
 * frozen by hedge_snapshot_builder_finish(), and then read by any number of threads. Every datum
 * carries the time it was observed and how old it may be; a query for data older than that limit
 * at the valuation time fails with ::HEDGE_ERR_STALE rather than return an old number.
 *
 * @par Conventions
 * Timestamps are ms since the Unix epoch (UTC); ages are ms. Rates are continuously compounded per
 * year; times ACT/365. Spots and forwards are in the quote currency per unit of underlying. Quote
 * prices are in the instrument's premium currency (quote currency for linear instruments, coin
 * for inverse options); sizes are in contracts.
 *
 * @par Thread safety
 * A builder belongs to one thread at a time. A finished snapshot is immutable: any number of
 * threads may read, reference and release it at once.
 * @{
 */
#ifndef HEDGE_SNAPSHOT_H
#define HEDGE_SNAPSHOT_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque, immutable market snapshot. */
typedef struct hedge_snapshot hedge_snapshot;
/** @brief Opaque builder of a ::hedge_snapshot. */
typedef struct hedge_snapshot_builder hedge_snapshot_builder;

/** @brief Settings of a snapshot builder. */
typedef struct hedge_snapshot_options {
    size_t struct_size;         /**< sizeof(hedge_snapshot_options), set by the initialisers. */
    int64_t default_max_age_ms; /**< Age limit for data added with max_age_ms = 0; default 60000 (one minute). */
    double source_max_deviation; /**< Price sources further than this relative distance from the median
                                      are rejected as outliers; default 0.02 (2%). */
    uint32_t source_min_count;  /**< Fresh, agreeing sources needed for a combined spot; default 1. */
} hedge_snapshot_options;

/** @brief Static initialiser for ::hedge_snapshot_options with the defaults. */
#define HEDGE_SNAPSHOT_OPTIONS_INIT { sizeof(hedge_snapshot_options), 60000, 0.02, 1 }

/**
 * @brief Fills @p options with the defaults of ::HEDGE_SNAPSHOT_OPTIONS_INIT.
 * @param options the struct to initialise; NULL is ignored.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API void hedge_snapshot_options_init(hedge_snapshot_options *options);

/** @brief One level of an order book: price in the premium currency, size in contracts. */
typedef struct hedge_depth_level {
    double price; /**< Limit price. */
    double size;  /**< Contracts available at that price, > 0. */
} hedge_depth_level;

/**
 * @brief A two-sided quote for one instrument on one venue.
 *
 * A missing side has price 0 and size 0. When a ladder is given it lists the levels best first,
 * starting with the top of book (so `bids[0]` repeats `bid`, `bid_size`).
 */
typedef struct hedge_quote {
    size_t struct_size;           /**< sizeof(hedge_quote). */
    const char *symbol;           /**< Instrument symbol, 1 to 127 bytes; copied. */
    const char *venue;            /**< Venue, 1 to 31 bytes; copied. */
    double bid;                   /**< Best bid, >= 0 (0 with bid_size 0: no bid). */
    double ask;                   /**< Best ask, >= bid (0 with ask_size 0: no ask). */
    double bid_size;              /**< Contracts at the best bid, >= 0. */
    double ask_size;              /**< Contracts at the best ask, >= 0. */
    const hedge_depth_level *bids; /**< Bid ladder, prices strictly decreasing, or NULL; copied. */
    size_t n_bids;                /**< Levels in @ref bids. */
    const hedge_depth_level *asks; /**< Ask ladder, prices strictly increasing, or NULL; copied. */
    size_t n_asks;                /**< Levels in @ref asks. */
    int64_t timestamp_ms;         /**< When the quote was observed; not after the valuation time. */
    int64_t max_age_ms;           /**< Older than this at the valuation time is stale; 0: the builder default. */
} hedge_quote;

/** @brief Static initialiser for ::hedge_quote: everything zero but `struct_size`. */
#define HEDGE_QUOTE_INIT { sizeof(hedge_quote), NULL, NULL, 0, 0, 0, 0, NULL, 0, NULL, 0, 0, 0 }

/** @brief Why a price source was or was not used for a combined spot. */
typedef enum hedge_source_verdict {
    HEDGE_SOURCE_ACCEPTED = 0, /**< Fresh and within the deviation limit: part of the median. */
    HEDGE_SOURCE_STALE = 1,    /**< Older than its age limit. */
    HEDGE_SOURCE_OUTLIER = 2   /**< Further from the median of fresh sources than the deviation limit. */
} hedge_source_verdict;

/** @brief One price source of an underlying, as judged by the snapshot. */
typedef struct hedge_source_report {
    const char *source;           /**< The source's name; valid while the snapshot is. */
    double price;                 /**< Its price. */
    int64_t timestamp_ms;         /**< When it was observed. */
    hedge_source_verdict verdict; /**< What the combination made of it. */
} hedge_source_report;

/**
 * @brief Creates a builder for a snapshot valued at @p valuation_ms.
 * @param[out] out receives the builder; NULL on failure.
 * @param ctx context for allocations; must outlive the builder and the snapshots it builds.
 * @param valuation_ms the valuation time, ms since the Unix epoch.
 * @param options settings, or NULL for the defaults.
 * @retval HEDGE_OK created; free with hedge_snapshot_builder_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL @p out or @p ctx, or a bad options struct.
 * @retval HEDGE_ERR_DOMAIN an age limit <= 0, a deviation that is not finite and > 0, or a minimum
 *         source count of 0.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_snapshot_builder_create(hedge_snapshot_builder **out, hedge_context *ctx,
                                                     int64_t valuation_ms, const hedge_snapshot_options *options);

/**
 * @brief Destroys a builder and everything added to it. NULL does nothing.
 * @param builder the builder, or NULL.
 * @par Thread safety
 * Not while another thread uses @p builder.
 */
HEDGE_API void hedge_snapshot_builder_destroy(hedge_snapshot_builder *builder);

/**
 * @brief Sets the spot of an underlying directly (instead of combining price sources).
 * @param builder the builder.
 * @param underlying name such as "BTC", 1 to 31 bytes; copied.
 * @param spot quote currency per unit, finite and > 0.
 * @param timestamp_ms when it was observed, not after the valuation time.
 * @param max_age_ms age limit, or 0 for the builder default.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or bad name.
 * @retval HEDGE_ERR_DOMAIN bad spot, a timestamp after the valuation time, or a negative age.
 * @retval HEDGE_ERR_EXISTS the underlying already has a spot or price sources.
 * @retval HEDGE_ERR_NOMEM allocation failed; the builder is unchanged.
 * @par Thread safety
 * One thread at a time per builder.
 */
HEDGE_API hedge_status hedge_snapshot_builder_set_spot(hedge_snapshot_builder *builder, const char *underlying,
                                                       double spot, int64_t timestamp_ms, int64_t max_age_ms);

/**
 * @brief Adds one price source for an underlying's spot, to be combined at hedge_snapshot_builder_finish().
 *
 * The combined spot is the median of the fresh sources that lie within `source_max_deviation` of
 * the median of all fresh sources (a robust filter, as price-oracle networks use).
 * @param builder the builder.
 * @param underlying name, 1 to 31 bytes; copied.
 * @param source the source's name (exchange, oracle), 1 to 31 bytes, unique per underlying; copied.
 * @param price quote currency per unit, finite and > 0.
 * @param timestamp_ms when it was observed, not after the valuation time.
 * @param max_age_ms age limit, or 0 for the builder default.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or bad name.
 * @retval HEDGE_ERR_DOMAIN bad price, a timestamp after the valuation time, or a negative age.
 * @retval HEDGE_ERR_EXISTS the underlying has a direct spot, or this source already.
 * @retval HEDGE_ERR_NOMEM allocation failed; the builder is unchanged.
 * @par Thread safety
 * One thread at a time per builder.
 */
HEDGE_API hedge_status hedge_snapshot_builder_add_source(hedge_snapshot_builder *builder, const char *underlying,
                                                         const char *source, double price, int64_t timestamp_ms,
                                                         int64_t max_age_ms);

/**
 * @brief Sets the discount rate used for an underlying's options (the quote currency's rate).
 * @param builder the builder.
 * @param underlying name, 1 to 31 bytes; copied.
 * @param rate continuously compounded per year, finite. Without a call the rate is 0.
 * @retval HEDGE_OK set (a second call replaces the first).
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or bad name.
 * @retval HEDGE_ERR_DOMAIN non-finite rate.
 * @retval HEDGE_ERR_NOMEM allocation failed; the builder is unchanged.
 * @par Thread safety
 * One thread at a time per builder.
 */
HEDGE_API hedge_status hedge_snapshot_builder_set_rate(hedge_snapshot_builder *builder, const char *underlying,
                                                       double rate);

/**
 * @brief Adds a point of an underlying's forward curve (from a dated future's mid, or given explicitly).
 * @param builder the builder.
 * @param underlying name, 1 to 31 bytes; copied.
 * @param expiry_ms the forward's date, after the valuation time.
 * @param forward quote currency per unit, finite and > 0.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or bad name.
 * @retval HEDGE_ERR_DOMAIN bad forward, or an expiry not after the valuation time.
 * @retval HEDGE_ERR_EXISTS a point at that expiry already.
 * @retval HEDGE_ERR_NOMEM allocation failed; the builder is unchanged.
 * @par Thread safety
 * One thread at a time per builder.
 */
HEDGE_API hedge_status hedge_snapshot_builder_add_forward(hedge_snapshot_builder *builder, const char *underlying,
                                                          int64_t expiry_ms, double forward);

/**
 * @brief Sets the funding rate of a perpetual swap.
 * @param builder the builder.
 * @param symbol the perpetual's symbol, 1 to 127 bytes; copied.
 * @param rate the current rate per funding interval (0.0001 = 0.01% per interval); longs pay shorts when positive.
 * @param predicted the predicted rate for the next interval, same units.
 * @param timestamp_ms when observed, not after the valuation time.
 * @param max_age_ms age limit, or 0 for the builder default.
 * @retval HEDGE_OK set.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or bad name.
 * @retval HEDGE_ERR_DOMAIN non-finite rates, a timestamp after the valuation time, or a negative age.
 * @retval HEDGE_ERR_EXISTS funding for that symbol already.
 * @retval HEDGE_ERR_NOMEM allocation failed; the builder is unchanged.
 * @par Thread safety
 * One thread at a time per builder.
 */
HEDGE_API hedge_status hedge_snapshot_builder_set_funding(hedge_snapshot_builder *builder, const char *symbol,
                                                          double rate, double predicted, int64_t timestamp_ms,
                                                          int64_t max_age_ms);

/**
 * @brief Adds a quote for one instrument on one venue.
 * @param builder the builder.
 * @param quote the quote; copied with its strings and ladders.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, bad names, a ladder pointer NULL with a non-zero
 *         count, or a bad `struct_size`.
 * @retval HEDGE_ERR_DOMAIN NaN or negative prices or sizes, a crossed book (bid > ask with both
 *         sides present), a side with a price but no size or the reverse, a ladder out of order or
 *         not starting at the top of book, a timestamp after the valuation time, a negative age.
 * @retval HEDGE_ERR_NOMEM allocation failed; the builder is unchanged.
 *
 * A second quote for the same symbol and venue is reported by hedge_snapshot_builder_finish()
 * (checking at finish keeps adding a chain of n quotes O(n log n)).
 * @par Thread safety
 * One thread at a time per builder.
 */
HEDGE_API hedge_status hedge_snapshot_builder_add_quote(hedge_snapshot_builder *builder, const hedge_quote *quote);

/**
 * @brief Freezes what was added into a snapshot and empties the builder (which stays usable).
 *
 * Combines price sources into spots. An underlying whose sources leave fewer than
 * `source_min_count` fresh, agreeing prices gets no spot: querying it fails with
 * ::HEDGE_ERR_STALE, and hedge_snapshot_sources() tells which sources were rejected and why.
 * @param[out] out receives the snapshot with one reference; NULL on failure.
 * @param builder the builder.
 * @retval HEDGE_OK built; release with hedge_snapshot_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_EXISTS two quotes for the same symbol and venue; the builder keeps its contents.
 * @retval HEDGE_ERR_NOMEM allocation failed; the builder keeps its contents.
 * @par Thread safety
 * One thread at a time per builder.
 */
HEDGE_API hedge_status hedge_snapshot_builder_finish(hedge_snapshot **out, hedge_snapshot_builder *builder);

/**
 * @brief Takes another reference to a snapshot.
 * @param snapshot the snapshot, or NULL.
 * @return @p snapshot, to be released with hedge_snapshot_destroy().
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_snapshot *hedge_snapshot_ref(const hedge_snapshot *snapshot);

/**
 * @brief Releases one reference; the last frees the snapshot. NULL does nothing.
 * @param snapshot the snapshot, or NULL.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API void hedge_snapshot_destroy(hedge_snapshot *snapshot);

/**
 * @brief The valuation time of a snapshot.
 * @param snapshot the snapshot; must not be NULL.
 * @return ms since the Unix epoch.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API int64_t hedge_snapshot_valuation_ms(const hedge_snapshot *snapshot);

/**
 * @brief The spot of an underlying.
 * @param[out] spot receives the spot (quote currency per unit).
 * @param snapshot the snapshot.
 * @param underlying its name.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_NOT_FOUND the snapshot has no spot or sources for @p underlying.
 * @retval HEDGE_ERR_STALE the spot is older than its limit, or too few sources survived.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_snapshot_spot(double *spot, const hedge_snapshot *snapshot, const char *underlying);

/**
 * @brief The discount rate of an underlying's quote currency (0 where none was set).
 * @param[out] rate receives the continuously compounded rate per year.
 * @param snapshot the snapshot.
 * @param underlying its name.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_snapshot_rate(double *rate, const hedge_snapshot *snapshot, const char *underlying);

/**
 * @brief The forward of an underlying for a date.
 *
 * Between curve points, ln F is linear in time (a constant basis rate on each segment), starting
 * from ln S at the valuation time; beyond the last point the last point's average basis rate
 * ln(F/S)/T continues. Without curve points, F = S e^{rT} with the underlying's rate (no yield).
 * @param[out] forward receives F, quote currency per unit.
 * @param snapshot the snapshot.
 * @param underlying its name.
 * @param expiry_ms the date; at or after the valuation time.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_EXPIRED @p expiry_ms is before the valuation time.
 * @retval HEDGE_ERR_NOT_FOUND / HEDGE_ERR_STALE as for hedge_snapshot_spot().
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_snapshot_forward(double *forward, const hedge_snapshot *snapshot, const char *underlying,
                                              int64_t expiry_ms);

/**
 * @brief The funding rates of a perpetual.
 * @param[out] rate receives the current rate per funding interval; may be NULL.
 * @param[out] predicted receives the predicted rate; may be NULL.
 * @param snapshot the snapshot.
 * @param symbol the perpetual's symbol.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL @p snapshot or @p symbol.
 * @retval HEDGE_ERR_NOT_FOUND no funding for @p symbol.
 * @retval HEDGE_ERR_STALE older than its limit.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_snapshot_funding(double *rate, double *predicted, const hedge_snapshot *snapshot,
                                              const char *symbol);

/**
 * @brief The quote of an instrument on a venue.
 * @param[out] quote filled up to its `struct_size`; strings and ladders point into the snapshot and
 *        stay valid while the caller holds a reference to it.
 * @param snapshot the snapshot.
 * @param symbol the instrument's symbol.
 * @param venue the venue.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or too small `struct_size`.
 * @retval HEDGE_ERR_NOT_FOUND no such quote.
 * @retval HEDGE_ERR_STALE older than its limit; nothing is written.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_snapshot_quote(hedge_quote *quote, const hedge_snapshot *snapshot, const char *symbol,
                                            const char *venue);

/**
 * @brief How the price sources of an underlying were judged.
 * @param[out] reports array to fill, in the order the sources were added; may be NULL when
 *        @p capacity is 0.
 * @param capacity entries available in @p reports.
 * @param[out] count receives the number of sources (which may exceed @p capacity).
 * @param snapshot the snapshot.
 * @param underlying its name.
 * @retval HEDGE_OK written (the first min(count, capacity) entries).
 * @retval HEDGE_ERR_INVALID_ARG NULL @p count, @p snapshot or @p underlying, or NULL @p reports with capacity > 0.
 * @retval HEDGE_ERR_NOT_FOUND @p underlying has no price sources.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_snapshot_sources(hedge_source_report *reports, size_t capacity, size_t *count,
                                              const hedge_snapshot *snapshot, const char *underlying);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_SNAPSHOT_H */
