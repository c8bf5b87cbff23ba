/**
 * @file market.h
 * @brief A market: instruments, a snapshot and volatility surfaces together, read from and written to JSON.
 *
 * @defgroup market Markets and their JSON form
 * @brief Everything known about the market at one valuation time, as one immutable handle.
 *
 * A ::hedge_market bundles the instruments that can be held or traded, the ::hedge_snapshot of
 * market data and one ::hedge_vol_surface per underlying. It is what the `hedge` program reads
 * from a JSON file (the format is documented in docs/json-format.md) and what it writes back.
 *
 * @par Ownership
 * A market holds references to its parts. Pointers returned by the accessors are borrowed: valid
 * while the caller holds a reference to the market; take your own reference (hedge_snapshot_ref(),
 * ...) to keep a part longer.
 *
 * @par Thread safety
 * A market is immutable and reference-counted: any number of threads may read it at once.
 * @{
 */
#ifndef HEDGE_MARKET_H
#define HEDGE_MARKET_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/instrument.h>
#include <hedge/snapshot.h>
#include <hedge/status.h>
#include <hedge/volsurface.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque, immutable bundle of instruments, snapshot and surfaces. */
typedef struct hedge_market hedge_market;

/**
 * @brief Bundles existing parts into a market.
 * @param[out] out receives the market; NULL on failure.
 * @param ctx the context; must outlive the market.
 * @param snapshot the market data; the market takes a reference.
 * @param instruments @p n_instruments instruments with distinct symbols; the market takes a
 *        reference to each. May be NULL when @p n_instruments is 0.
 * @param n_instruments count.
 * @param surfaces @p n_surfaces surfaces; the market takes a reference to each. May be NULL when
 *        @p n_surfaces is 0.
 * @param surface_underlyings the underlying of each surface (1 to 31 bytes, distinct); copied.
 * @param n_surfaces count.
 * @retval HEDGE_OK created.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, or a NULL entry or bad name in the arrays.
 * @retval HEDGE_ERR_EXISTS two instruments with one symbol, or two surfaces for one underlying.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_market_create(hedge_market **out, hedge_context *ctx, const hedge_snapshot *snapshot,
                                           const hedge_instrument *const *instruments, size_t n_instruments,
                                           const hedge_vol_surface *const *surfaces,
                                           const char *const *surface_underlyings, size_t n_surfaces);

/**
 * @brief Reads a market from JSON text.
 *
 * The document's top-level members `valuation_time`, `instruments`, `market` and `surfaces` are
 * read; other top-level members (a book, a hedge problem) are left to their own readers. Inside
 * those sections an unknown member is an error, so a misspelt field never passes unnoticed.
 * @param[out] out receives the market; NULL on failure (nothing is created).
 * @param ctx the context; must outlive the market.
 * @param text the JSON text, UTF-8; need not be NUL-terminated.
 * @param length its length in bytes.
 * @param name the file name to put in error messages, or NULL for "<json>".
 * @retval HEDGE_OK read.
 * @retval HEDGE_ERR_INVALID_ARG NULL @p out, @p ctx or @p text.
 * @retval HEDGE_ERR_PARSE the text is not JSON, or does not follow the format: the message gives
 *         "name:line:column:" of the offending value, its JSON pointer, and what was expected.
 * @retval HEDGE_ERR_DOMAIN, HEDGE_ERR_EXISTS, ... a value the objects reject (a negative strike, a
 *         duplicate symbol), with the same location prefix.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_market_read_json(hedge_market **out, hedge_context *ctx, const char *text, size_t length,
                                              const char *name);

/**
 * @brief Reads a market from a JSON file, as hedge_market_read_json().
 * @param[out] out receives the market; NULL on failure.
 * @param ctx the context.
 * @param path the file's path.
 * @retval HEDGE_OK read.
 * @retval HEDGE_ERR_IO the file cannot be read.
 * @retval other as hedge_market_read_json().
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_market_load_json(hedge_market **out, hedge_context *ctx, const char *path);

/**
 * @brief Writes a market as JSON that hedge_market_read_json() reads back to an identical market.
 *
 * Numbers are written with 17 significant digits, so every double survives the round trip
 * exactly; timestamps as ISO 8601 UTC with milliseconds. Call once with @p capacity 0 to learn
 * the size, then with a large enough buffer.
 * @param[out] buffer receives the text and a terminating NUL when it fits; may be NULL when
 *        @p capacity is 0.
 * @param capacity bytes available in @p buffer.
 * @param[out] length receives the text's length without the NUL, whether or not it fit.
 * @param market the market.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p capacity < *length + 1; *length tells what is needed.
 * @retval HEDGE_ERR_INVALID_ARG NULL @p length or @p market, or NULL @p buffer with capacity > 0.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_market_write_json(char *buffer, size_t capacity, size_t *length,
                                               const hedge_market *market);

/**
 * @brief Takes another reference.
 * @param market the market, or NULL.
 * @return @p market.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_market *hedge_market_ref(const hedge_market *market);

/**
 * @brief Releases one reference; the last one releases the parts. NULL does nothing.
 * @param market the market, or NULL.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API void hedge_market_destroy(hedge_market *market);

/**
 * @brief The market's snapshot.
 * @param market the market; must not be NULL.
 * @return the snapshot, borrowed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API const hedge_snapshot *hedge_market_snapshot(const hedge_market *market);

/**
 * @brief Number of instruments.
 * @param market the market; must not be NULL.
 * @return the count.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API size_t hedge_market_instrument_count(const hedge_market *market);

/**
 * @brief One instrument, in the order they were given or read.
 * @param market the market; must not be NULL.
 * @param index 0 to hedge_market_instrument_count() - 1.
 * @return the instrument, borrowed, or NULL when @p index is out of range.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API const hedge_instrument *hedge_market_instrument(const hedge_market *market, size_t index);

/**
 * @brief Finds an instrument by symbol.
 * @param[out] instrument receives the instrument, borrowed.
 * @param market the market.
 * @param symbol the symbol.
 * @retval HEDGE_OK found.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_NOT_FOUND no instrument has that symbol.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_market_find_instrument(const hedge_instrument **instrument, const hedge_market *market,
                                                    const char *symbol);

/**
 * @brief The volatility surface of an underlying.
 * @param[out] surface receives the surface, borrowed.
 * @param market the market.
 * @param underlying the underlying's name.
 * @retval HEDGE_OK found.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_NOT_FOUND no surface for that underlying.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_market_surface(const hedge_vol_surface **surface, const hedge_market *market,
                                            const char *underlying);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_MARKET_H */
