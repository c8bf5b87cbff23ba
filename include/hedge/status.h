/**
 * @file status.h
 * @brief Status codes returned by every fallible libhedge call, and the per-thread error detail.
 *
 * @defgroup status Status codes and error detail
 * @brief "The call failed" channel of the library.
 *
 * Every function that can fail returns a ::hedge_status: ::HEDGE_OK (zero) on success, a negative
 * code otherwise. The numeric values are pinned: once published, a code never changes meaning or
 * value, and new codes are only ever added. A call that fails changes none of its inputs and writes
 * none of its out-parameters except where its documentation says otherwise.
 *
 * The outcome of a computation that ran correctly but found no answer (an infeasible hedge, an
 * optimiser that hit its iteration limit) is not an error: it is reported in that computation's
 * result, in a separate enumeration.
 *
 * Each failing call also records a human-readable message in storage private to the calling thread
 * (see hedge_error_message()), so a second thread can never overwrite the detail of the first.
 * @{
 */
#ifndef HEDGE_STATUS_H
#define HEDGE_STATUS_H

#include <hedge/common.h>

HEDGE_BEGIN_DECLS

/**
 * @brief Result of a libhedge call. Zero is success; errors are negative and pinned forever.
 */
typedef enum hedge_status {
    HEDGE_OK = 0,                   /**< Success. */
    HEDGE_ERR_NOMEM = -1,           /**< An allocation through the context's allocator failed. */
    HEDGE_ERR_INVALID_ARG = -2,     /**< A required pointer is NULL, an enum value is unknown, an
                                         options struct is too small, or arguments contradict each other. */
    HEDGE_ERR_DOMAIN = -3,          /**< A numeric input is NaN, infinite or outside its domain
                                         (negative volatility or time, non-positive price, ...). */
    HEDGE_ERR_PRICE_BOUNDS = -4,    /**< A price lies outside the no-arbitrage bounds, so no
                                         implied volatility reproduces it. */
    HEDGE_ERR_NOT_CONVERGED = -5,   /**< An iterative numerical method did not reach its tolerance. */
    HEDGE_ERR_NOT_FOUND = -6,       /**< A named object (instrument, venue, underlying, backend) does not exist. */
    HEDGE_ERR_EXISTS = -7,          /**< An object with that identity already exists. */
    HEDGE_ERR_STALE = -8,           /**< Market data is older than its staleness limit. */
    HEDGE_ERR_EXPIRED = -9,         /**< The instrument expired before the valuation time. */
    HEDGE_ERR_PARSE = -10,          /**< Outside input (CSV, JSON) is malformed. */
    HEDGE_ERR_IO = -11,             /**< Reading or writing a file or stream failed. */
    HEDGE_ERR_UNSUPPORTED = -12,    /**< The operation is not available in this build or backend. */
    HEDGE_ERR_BUFFER_TOO_SMALL = -13, /**< A caller-supplied buffer or workspace is too small. */
    HEDGE_ERR_CANCELLED = -14,      /**< The caller cancelled the operation through its callback. */
    HEDGE_ERR_STATE = -15,          /**< The call is not valid in the object's current state. */
    HEDGE_ERR_TOO_LARGE = -16,      /**< A size or count is beyond what can be represented or allocated,
                                         or a computed value (a price or Greek) beyond the range of double. */
    HEDGE_ERR_BACKEND = -17,        /**< A pluggable backend (optimiser, ...) reported a failure. */
    HEDGE_ERR_INTERNAL = -18        /**< An internal invariant was violated: a bug, please report it. */
} hedge_status;

/**
 * @brief A short English description of a status, such as "out of memory".
 *
 * @param status any value; unknown values give "unknown status".
 * @return a static, NUL-terminated string owned by the library; never NULL.
 * @par Thread safety
 * Safe to call from any thread.
 */
HEDGE_API const char *hedge_status_str(hedge_status status);

/**
 * @brief The symbolic name of a status, such as "HEDGE_ERR_NOMEM".
 *
 * @param status any value; unknown values give "HEDGE_ERR_UNKNOWN".
 * @return a static, NUL-terminated string owned by the library; never NULL.
 * @par Thread safety
 * Safe to call from any thread.
 */
HEDGE_API const char *hedge_status_name(hedge_status status);

/**
 * @brief The detailed message of the most recent failed libhedge call on the calling thread.
 *
 * The message names the argument or value at fault, for example
 * "hedge_bsm_price: volatility must be finite and >= 0 (got -0.2)". Successful calls do not clear
 * it, so read it right after a call returned a negative status.
 *
 * @return a NUL-terminated string in thread-local storage, valid until the next failing libhedge
 *         call on the same thread; "" if no call has failed on this thread (or after
 *         hedge_error_clear()). Never NULL. The caller must not free it.
 * @par Thread safety
 * Each thread sees only its own detail.
 */
HEDGE_API const char *hedge_error_message(void);

/**
 * @brief The status of the most recent failed libhedge call on the calling thread.
 * @return a negative ::hedge_status, or ::HEDGE_OK if no call has failed on this thread since it
 *         started or since hedge_error_clear().
 * @par Thread safety
 * Each thread sees only its own detail.
 */
HEDGE_API hedge_status hedge_error_status(void);

/**
 * @brief Forgets the calling thread's error detail: hedge_error_status() becomes ::HEDGE_OK and
 *        hedge_error_message() becomes "".
 * @par Thread safety
 * Touches only the calling thread's detail.
 */
HEDGE_API void hedge_error_clear(void);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_STATUS_H */
