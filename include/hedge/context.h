/**
 * @file context.h
 * @brief The library context: allocator, log callback and settings shared by the objects created from it.
 *
 * @defgroup context Context
 * @brief Every allocation libhedge makes goes through a context; nothing in the library is global.
 *
 * A program creates one context (or several: they are independent) and passes it to every call that
 * creates an object. There is no `hedge_init()` and no process-global state: two libraries in one
 * process that both use libhedge with different allocators never see each other.
 *
 * @par Ownership
 * The context must outlive every object created from it.
 *
 * @par Thread safety
 * A context is immutable after hedge_context_create() and may be shared by any number of threads,
 * provided the allocator and log callbacks it was given are themselves thread-safe (the default
 * libc allocator is).
 * @{
 */
#ifndef HEDGE_CONTEXT_H
#define HEDGE_CONTEXT_H

#include <hedge/common.h>
#include <hedge/status.h>

HEDGE_BEGIN_DECLS

/** @brief Opaque library context. Create with hedge_context_create(), free with hedge_context_destroy(). */
typedef struct hedge_context hedge_context;

/**
 * @brief Allocates @p size bytes aligned to @p align (a power of two, at most 4096).
 * @param user the `alloc_user` pointer given in ::hedge_context_options.
 * @param size number of bytes, never 0.
 * @param align required alignment in bytes.
 * @return the block, or NULL on failure (libhedge then returns ::HEDGE_ERR_NOMEM).
 */
typedef void *(*hedge_alloc_fn)(void *user, size_t size, size_t align);

/**
 * @brief Resizes a block from ::hedge_alloc_fn, keeping its first min(old_size, new_size) bytes.
 * @param user the `alloc_user` pointer.
 * @param ptr the block, never NULL.
 * @param old_size its current size, exactly as requested when it was allocated or last resized.
 * @param new_size the new size, never 0.
 * @param align the alignment it was allocated with.
 * @return the resized block, or NULL on failure, in which case @p ptr must remain valid and unchanged.
 */
typedef void *(*hedge_realloc_fn)(void *user, void *ptr, size_t old_size, size_t new_size, size_t align);

/**
 * @brief Frees a block from ::hedge_alloc_fn or ::hedge_realloc_fn.
 * @param user the `alloc_user` pointer.
 * @param ptr the block, never NULL.
 * @param size its size, exactly as last requested (so arenas and Rust's allocator can serve it).
 * @param align the alignment it was allocated with.
 */
typedef void (*hedge_free_fn)(void *user, void *ptr, size_t size, size_t align);

/** @brief Severity of a log message. */
typedef enum hedge_log_level {
    HEDGE_LOG_DEBUG = 0, /**< Detail useful when tracing the library's decisions. */
    HEDGE_LOG_INFO = 1,  /**< Notable events, such as a backend chosen or a fit completed. */
    HEDGE_LOG_WARN = 2,  /**< Something the caller should look at; the call still succeeded. */
    HEDGE_LOG_ERROR = 3, /**< A call failed; the same text is in hedge_error_message(). */
    HEDGE_LOG_NONE = 4   /**< As a threshold: log nothing. */
} hedge_log_level;

/**
 * @brief Receives log messages.
 * @param user the `log_user` pointer.
 * @param level the message's severity, at or above the context's `log_level`.
 * @param message NUL-terminated, without a trailing newline, valid only during the call.
 */
typedef void (*hedge_log_fn)(void *user, hedge_log_level level, const char *message);

/**
 * @brief Settings for hedge_context_create().
 *
 * Initialise with ::HEDGE_CONTEXT_OPTIONS_INIT or hedge_context_options_init(), then set fields.
 * The library reads only the prefix of the struct its version knows, as told by `struct_size`, so a
 * program compiled against newer headers still runs with an older library and vice versa.
 *
 * Allocator: either `alloc`, `realloc` and `free` are all NULL (the C library's allocator is used),
 * or `alloc` and `free` are both set; `realloc` is optional (without it a resize allocates, copies
 * and frees).
 */
typedef struct hedge_context_options {
    size_t struct_size;        /**< sizeof(hedge_context_options), set by the initialisers. */
    hedge_alloc_fn alloc;      /**< Allocator, or NULL for the C library's. */
    hedge_realloc_fn realloc;  /**< Optional resize, or NULL. */
    hedge_free_fn free;        /**< Release, or NULL for the C library's. */
    void *alloc_user;          /**< Passed to the three allocator functions. */
    hedge_log_fn log;          /**< Log callback, or NULL to log nothing. */
    void *log_user;            /**< Passed to @ref log. */
    hedge_log_level log_level; /**< Messages below this severity are not passed to @ref log. */
} hedge_context_options;

/** @brief Static initialiser for ::hedge_context_options: libc allocator, no logging, threshold WARN. */
#define HEDGE_CONTEXT_OPTIONS_INIT \
    { sizeof(hedge_context_options), NULL, NULL, NULL, NULL, NULL, NULL, HEDGE_LOG_WARN }

/**
 * @brief Fills @p options with the defaults of ::HEDGE_CONTEXT_OPTIONS_INIT.
 * @param options the struct to initialise; NULL is ignored.
 * @par Thread safety
 * Safe to call from any thread.
 */
HEDGE_API void hedge_context_options_init(hedge_context_options *options);

/**
 * @brief Creates a context.
 *
 * The context itself is allocated with the allocator it is given.
 *
 * @param[out] out receives the new context; set to NULL on failure. Must not be NULL.
 * @param options settings, or NULL for the defaults. Copied: the caller may free it afterwards.
 * @retval HEDGE_OK the context was created; free it with hedge_context_destroy().
 * @retval HEDGE_ERR_INVALID_ARG @p out is NULL, `struct_size` is smaller than the first field or
 *         larger than any known version with non-zero unknown fields, only some allocator functions
 *         are set, or `log_level` is out of range.
 * @retval HEDGE_ERR_NOMEM the allocator failed.
 * @par Thread safety
 * Safe to call from any thread.
 */
HEDGE_API hedge_status hedge_context_create(hedge_context **out, const hedge_context_options *options);

/**
 * @brief Destroys a context. Passing NULL does nothing.
 *
 * Every object created from the context must have been destroyed first.
 * @param ctx the context, or NULL.
 * @par Thread safety
 * No other thread may be using @p ctx.
 */
HEDGE_API void hedge_context_destroy(hedge_context *ctx);

/**
 * @brief Sends a message to the context's log callback, if its severity reaches the threshold.
 *
 * Lets code that embeds libhedge route its own messages through the same sink.
 * @param ctx the context; NULL does nothing.
 * @param level severity of the message.
 * @param message NUL-terminated text; NULL does nothing.
 * @par Thread safety
 * Safe from any thread if the log callback is.
 */
HEDGE_API void hedge_context_log(const hedge_context *ctx, hedge_log_level level, const char *message);

HEDGE_END_DECLS

/** @} */
#endif /* HEDGE_CONTEXT_H */
