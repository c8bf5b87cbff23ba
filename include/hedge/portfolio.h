/**
 * @file portfolio.h
 * @brief Portfolios: positions in instruments, with quantities and entry prices.
 *
 * @defgroup portfolio Portfolios
 * @brief A mutable, thread-safe set of positions, one per instrument.
 *
 * A portfolio holds at most one position per instrument (instruments are keyed by their symbol,
 * which also fixes the venue). It takes a reference to each instrument it holds and drops it when
 * the position is removed or the portfolio destroyed.
 *
 * @par Units
 * Quantities count contracts, positive long and negative short. Entry prices are per unit of the
 * underlying in the instrument's own quote: an option's premium in its settlement currency (coins
 * for an inverse option, so 0.05 is 0.05 BTC per BTC of notional), a future's, perpetual's or
 * spot's price in USD per coin. An entry price of 0 means unknown.
 *
 * @par Thread safety
 * Every function may be called from any thread at any time: readers run concurrently, and a
 * change (add, update, remove) waits for them and is seen whole or not at all. Instrument pointers
 * handed out carry their own reference, so a position removed meanwhile does not invalidate them.
 * @{
 */
#ifndef HEDGE_PORTFOLIO_H
#define HEDGE_PORTFOLIO_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/instrument.h>
#include <hedge/market.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque portfolio. */
typedef struct hedge_portfolio hedge_portfolio;

/** @brief One position. Initialise with ::HEDGE_POSITION_INIT. */
typedef struct hedge_position {
    size_t struct_size; /**< sizeof(hedge_position) as the caller knows it. */
    /** The instrument. Given to hedge_portfolio_add(); returned by hedge_portfolio_position() and
     *  hedge_portfolio_find() with a new reference the caller releases with hedge_position_clear(). */
    const hedge_instrument *instrument;
    double quantity;    /**< Contracts, signed, finite. */
    double entry_price; /**< Per unit of underlying in the instrument's quote (see above), finite and >= 0. */
} hedge_position;

/** @brief Initialiser for ::hedge_position. */
#define HEDGE_POSITION_INIT { sizeof(hedge_position), NULL, 0, 0 }

/**
 * @brief Releases the instrument reference a position read from a portfolio carries, and zeroes
 *        the position (keeping its @c struct_size). NULL, or a position without instrument, is ignored.
 * @param position  A position filled by hedge_portfolio_position() or hedge_portfolio_find().
 */
HEDGE_API void hedge_position_clear(hedge_position *position);

/**
 * @brief Creates an empty portfolio.
 * @param[out] out  The portfolio; NULL on failure.
 * @param ctx       The context; must outlive the portfolio.
 * @retval HEDGE_OK created; release with hedge_portfolio_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_portfolio_create(hedge_portfolio **out, hedge_context *ctx);

/**
 * @brief Destroys a portfolio and releases its instruments. NULL is ignored.
 * @param portfolio  The portfolio; no other thread may use it any more.
 */
HEDGE_API void hedge_portfolio_destroy(hedge_portfolio *portfolio);

/**
 * @brief Adds a position in an instrument the portfolio does not hold yet.
 * @param portfolio  The portfolio.
 * @param position   The position; its @c struct_size must be set. The portfolio takes a reference
 *                   to the instrument.
 * @retval HEDGE_OK added.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or instrument, a too small @c struct_size.
 * @retval HEDGE_ERR_DOMAIN a non-finite quantity, a negative or non-finite entry price.
 * @retval HEDGE_ERR_EXISTS the portfolio already holds the instrument's symbol.
 * @retval HEDGE_ERR_NOMEM allocation failed; the portfolio is unchanged.
 */
HEDGE_API hedge_status hedge_portfolio_add(hedge_portfolio *portfolio, const hedge_position *position);

/**
 * @brief Changes the quantity and entry price of a held position.
 * @param portfolio    The portfolio.
 * @param symbol       The instrument's symbol.
 * @param quantity     New quantity in contracts, finite (0 keeps an empty position; remove it with
 *                     hedge_portfolio_remove()).
 * @param entry_price  New entry price, finite and >= 0.
 * @retval HEDGE_OK changed.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_DOMAIN bad numbers; nothing changed.
 * @retval HEDGE_ERR_NOT_FOUND no position in @p symbol.
 */
HEDGE_API hedge_status hedge_portfolio_update(hedge_portfolio *portfolio, const char *symbol, double quantity,
                                              double entry_price);

/**
 * @brief Removes a position and releases its instrument.
 * @param portfolio  The portfolio.
 * @param symbol     The instrument's symbol.
 * @retval HEDGE_OK removed. The order of the remaining positions may change.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_NOT_FOUND no position in @p symbol.
 */
HEDGE_API hedge_status hedge_portfolio_remove(hedge_portfolio *portfolio, const char *symbol);

/**
 * @brief Number of positions.
 * @param portfolio  The portfolio, or NULL (0).
 * @return The count at the time of the call.
 */
HEDGE_API size_t hedge_portfolio_count(const hedge_portfolio *portfolio);

/**
 * @brief Reads one position by index, 0 to hedge_portfolio_count() - 1.
 * @param[in,out] position  Output; @c struct_size must be set. Its instrument carries a new reference:
 *                          release it with hedge_position_clear().
 * @param portfolio         The portfolio.
 * @param index             The index; indexes shift when positions are removed.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a too small @c struct_size.
 * @retval HEDGE_ERR_NOT_FOUND @p index is past the end.
 */
HEDGE_API hedge_status hedge_portfolio_position(hedge_position *position, const hedge_portfolio *portfolio,
                                                size_t index);

/**
 * @brief Reads the position in one instrument.
 * @param[in,out] position  Output; @c struct_size must be set. Its instrument carries a new reference:
 *                          release it with hedge_position_clear().
 * @param portfolio         The portfolio.
 * @param symbol            The instrument's symbol.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or a too small @c struct_size.
 * @retval HEDGE_ERR_NOT_FOUND no position in @p symbol.
 */
HEDGE_API hedge_status hedge_portfolio_find(hedge_position *position, const hedge_portfolio *portfolio,
                                            const char *symbol);

/**
 * @brief Reads the `book` of a market JSON document (docs/json-format.md) into a new portfolio.
 *
 * Each entry names an instrument of @p market by symbol, with a quantity and an optional entry
 * price. A document without a `book` gives an empty portfolio.
 * @param[out] out   The portfolio; NULL on failure.
 * @param ctx        The context; must outlive the portfolio.
 * @param market     The market the symbols refer to (for example from hedge_market_read_json() on
 *                   the same text).
 * @param text       The document, UTF-8; need not be NUL-terminated.
 * @param length     Its length in bytes.
 * @param name       Name used in messages (a file name), or NULL.
 * @retval HEDGE_OK read.
 * @retval HEDGE_ERR_PARSE malformed JSON or a member of the wrong type; the message gives line:column.
 * @retval HEDGE_ERR_NOT_FOUND a symbol not in the market; HEDGE_ERR_EXISTS a symbol held twice;
 *         HEDGE_ERR_DOMAIN bad numbers (each with line:column).
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_UNSUPPORTED built without JSON support.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_portfolio_read_json(hedge_portfolio **out, hedge_context *ctx,
                                                 const hedge_market *market, const char *text, size_t length,
                                                 const char *name);

/**
 * @brief As hedge_portfolio_read_json(), from a file.
 * @param[out] out   The portfolio; NULL on failure.
 * @param ctx        The context.
 * @param market     The market the symbols refer to.
 * @param path       The file.
 * @retval HEDGE_ERR_IO the file cannot be read; otherwise as hedge_portfolio_read_json().
 */
HEDGE_API hedge_status hedge_portfolio_load_json(hedge_portfolio **out, hedge_context *ctx,
                                                 const hedge_market *market, const char *path);

/**
 * @brief Writes a market and a book as one JSON document, readable back by
 *        hedge_market_read_json() and hedge_portfolio_read_json() to the same bits.
 * @param buffer     Where to write, NUL-terminated; may be NULL when @p capacity is 0.
 * @param capacity   Bytes available in @p buffer.
 * @param[out] length  The document's length without the NUL, also when the buffer is too small.
 * @param market     The market.
 * @param portfolio  The book; its instruments need not be in the market, but must be for reading back.
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_BUFFER_TOO_SMALL @p capacity is below @p length + 1; call again with more.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument.
 * @retval HEDGE_ERR_NOMEM allocation failed.
 */
HEDGE_API hedge_status hedge_portfolio_write_json(char *buffer, size_t capacity, size_t *length,
                                                  const hedge_market *market, const hedge_portfolio *portfolio);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_PORTFOLIO_H */
