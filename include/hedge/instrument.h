/**
 * @file instrument.h
 * @brief Tradable instruments: spot, dated futures, perpetual swaps and European options, linear or inverse.
 *
 * @defgroup instrument Instruments
 * @brief Immutable, reference-counted descriptions of what can be held or traded.
 *
 * An instrument is created from a ::hedge_instrument_spec, validated once, and never changes
 * afterwards. Portfolios and snapshots that refer to it take a reference
 * (hedge_instrument_ref()), so the creator may drop its own with hedge_instrument_destroy() at any
 * time.
 *
 * @par Conventions
 * Timestamps are milliseconds since the Unix epoch, UTC. Times to expiry are ACT/365 year
 * fractions (::HEDGE_MS_PER_YEAR). Strikes and prices are in the quote currency per one unit of
 * the underlying, also for inverse contracts.
 *
 * @par Thread safety
 * An instrument may be read, referenced and released from any number of threads at once: the
 * reference count is atomic and nothing else changes after creation.
 * @{
 */
#ifndef HEDGE_INSTRUMENT_H
#define HEDGE_INSTRUMENT_H

#include <hedge/common.h>
#include <hedge/context.h>
#include <hedge/status.h>
#include <hedge/types.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque, immutable instrument. */
typedef struct hedge_instrument hedge_instrument;

/** @brief What kind of contract an instrument is. */
typedef enum hedge_instrument_kind {
    HEDGE_INSTRUMENT_SPOT = 1,      /**< The underlying itself (linear only). */
    HEDGE_INSTRUMENT_FUTURE = 2,    /**< Dated future: settles at `expiry_ms`. */
    HEDGE_INSTRUMENT_PERPETUAL = 3, /**< Perpetual swap: no expiry, exchanges funding every `funding_interval_s`. */
    HEDGE_INSTRUMENT_OPTION = 4     /**< European option on the underlying, cash-settled at `expiry_ms`. */
} hedge_instrument_kind;

/**
 * @brief Description of an instrument, for hedge_instrument_create() and hedge_instrument_info().
 *
 * Initialise with ::HEDGE_INSTRUMENT_SPEC_INIT or hedge_instrument_spec_init(). Fields that do not
 * apply to the kind must stay zero: a strike on a future is an error, not something ignored.
 */
typedef struct hedge_instrument_spec {
    size_t struct_size;          /**< sizeof(hedge_instrument_spec), set by the initialisers. */
    hedge_instrument_kind kind;  /**< Required. */
    const char *symbol;          /**< Required, unique name such as "BTC-27DEC26-100000-C"; 1 to 127 bytes, copied. */
    const char *underlying;      /**< Required, such as "BTC"; 1 to 31 bytes, copied. */
    const char *venue;           /**< Venue such as "deribit", or NULL for venue-neutral; at most 31 bytes, copied. */
    hedge_settlement settlement; /**< Linear or inverse; spot is always linear. */
    double multiplier;           /**< Options (linear or inverse), linear futures, perpetuals and spot:
                                      units of the underlying per contract (1 BTC for a Deribit option).
                                      Inverse futures and perpetuals: face value per contract in the
                                      quote currency (10 USD for a Deribit BTC future). Finite and > 0;
                                      0 means 1. */
    hedge_option_type option_type; /**< Options only: call or put. */
    double strike;               /**< Options only: quote currency per unit of underlying, finite and > 0. */
    int64_t expiry_ms;           /**< Futures and options: expiry, ms since the Unix epoch (UTC), > 0. */
    double funding_interval_s;   /**< Perpetuals only: seconds between funding payments, > 0; 0 means 8 hours. */
} hedge_instrument_spec;

/** @brief Static initialiser for ::hedge_instrument_spec: every field zero except `struct_size`. */
#define HEDGE_INSTRUMENT_SPEC_INIT \
    { sizeof(hedge_instrument_spec), (hedge_instrument_kind)0, NULL, NULL, NULL, HEDGE_SETTLE_LINEAR, 0, (hedge_option_type)0, 0, 0, 0 }

/**
 * @brief Fills @p spec with the defaults of ::HEDGE_INSTRUMENT_SPEC_INIT.
 * @param spec the struct to initialise; NULL is ignored.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API void hedge_instrument_spec_init(hedge_instrument_spec *spec);

/**
 * @brief Creates an instrument with one reference, owned by the caller.
 *
 * One allocation through @p ctx holds the instrument and copies of its strings.
 *
 * @param[out] out receives the instrument; set to NULL on failure. Must not be NULL.
 * @param ctx the context whose allocator is used; must outlive the instrument.
 * @param spec the description; copied.
 * @retval HEDGE_OK created; release with hedge_instrument_destroy().
 * @retval HEDGE_ERR_INVALID_ARG NULL @p out, @p ctx or @p spec; unknown kind, settlement or option
 *         type; a missing or over-long string; a field set that does not apply to the kind; an
 *         inverse spot; a too small `struct_size`.
 * @retval HEDGE_ERR_DOMAIN a multiplier, strike or funding interval that is NaN, infinite or <= 0,
 *         or an expiry <= 0.
 * @retval HEDGE_ERR_NOMEM the allocation failed.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_instrument_create(hedge_instrument **out, hedge_context *ctx,
                                               const hedge_instrument_spec *spec);

/**
 * @brief Takes one more reference to an instrument.
 * @param instrument the instrument, or NULL.
 * @return @p instrument (NULL for NULL), to be released with hedge_instrument_destroy().
 * @par Thread safety
 * Safe from any thread, concurrently with other references and releases.
 */
HEDGE_API hedge_instrument *hedge_instrument_ref(const hedge_instrument *instrument);

/**
 * @brief Releases one reference; the instrument is freed when the last one goes. NULL does nothing.
 * @param instrument the instrument, or NULL.
 * @par Thread safety
 * Safe from any thread, concurrently with other references and releases.
 */
HEDGE_API void hedge_instrument_destroy(hedge_instrument *instrument);

/**
 * @brief Describes an instrument.
 *
 * @param[out] spec filled in completely; its `struct_size` must be set (the library writes only
 *        the fields that fit). The string pointers point into the instrument and stay valid while
 *        the caller holds a reference.
 * @param instrument the instrument.
 * @retval HEDGE_OK filled.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument or `struct_size` too small.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_instrument_info(hedge_instrument_spec *spec, const hedge_instrument *instrument);

/**
 * @brief Time from @p now_ms to the instrument's expiry, in ACT/365 years.
 *
 * @param[out] years receives (expiry - now) / ::HEDGE_MS_PER_YEAR; 0 exactly at expiry.
 * @param instrument a future or an option.
 * @param now_ms the valuation time, ms since the Unix epoch (UTC).
 * @retval HEDGE_OK written.
 * @retval HEDGE_ERR_INVALID_ARG NULL argument, or a spot or perpetual (no expiry).
 * @retval HEDGE_ERR_EXPIRED @p now_ms is after the expiry; nothing is written.
 * @par Thread safety
 * Safe from any thread.
 */
HEDGE_API hedge_status hedge_instrument_time_to_expiry(double *years, const hedge_instrument *instrument,
                                                       int64_t now_ms);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_INSTRUMENT_H */
