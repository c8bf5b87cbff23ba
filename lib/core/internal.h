/*
 * Internal declarations shared by every layer of libhedge. Nothing here is exported: the library is
 * built with hidden visibility, and internal names carry a double underscore so that the static
 * library cannot collide with a program's own hedge_ functions.
 */
#ifndef HEDGE_CORE_INTERNAL_H
#define HEDGE_CORE_INTERNAL_H

#include <hedge/context.h>
#include <hedge/status.h>
#include <hedge/sys/backend.h>

#include <stdatomic.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define HEDGE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define HEDGE_LIKELY(x) __builtin_expect(!!(x), 1)
#define HEDGE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define HEDGE_PRINTF(fmt, args)
#define HEDGE_LIKELY(x) (x)
#define HEDGE_UNLIKELY(x) (x)
#endif

struct hedge_context {
    hedge_alloc_fn alloc;
    hedge_realloc_fn realloc;
    hedge_free_fn free;
    void *alloc_user;
    hedge_log_fn log;
    void *log_user;
    hedge_log_level log_level;
    /* registered optimizer backends: entries are written before the count is published (release),
     * so readers that load the count (acquire) see complete tables */
    hedge_backend backends[16];
    atomic_size_t n_backends;
};

/*
 * Records the thread's error detail and returns status, so that failing paths read
 * `return hedge__fail(HEDGE_ERR_DOMAIN, "hedge_x: sigma must be >= 0 (got %g)", sigma);`.
 * The context (may be NULL) also receives the message at HEDGE_LOG_ERROR.
 */
hedge_status hedge__fail(const hedge_context *ctx, hedge_status status, const char *fmt, ...)
    HEDGE_PRINTF(3, 4);

/* The number of details hedge__fail() has recorded on this thread: unchanged across a call that
 * recorded none. */
unsigned long hedge__error_serial(void);

void hedge__log(const hedge_context *ctx, hedge_log_level level, const char *fmt, ...) HEDGE_PRINTF(3, 4);

/* Allocation: sizes are remembered by the caller and handed back on free, as the allocator contract
 * demands. A zero-size request is served as size 1 so that NULL always means failure. */
void *hedge__alloc(const hedge_context *ctx, size_t size, size_t align);
void *hedge__realloc(const hedge_context *ctx, void *ptr, size_t old_size, size_t new_size, size_t align);
void hedge__free(const hedge_context *ctx, void *ptr, size_t size, size_t align);

/*
 * Grows an array to hold at least `need` elements (capacity doubles, so appends are amortised
 * O(1)). On failure the array is untouched and HEDGE_ERR_NOMEM or HEDGE_ERR_TOO_LARGE is returned
 * with the error detail set. Alignment is that of max_align_t.
 */
hedge_status hedge__vec_reserve(const hedge_context *ctx, void **data, size_t *cap, size_t need, size_t elem_size);

/* Years (ACT/365) from one timestamp to a later one. The difference of two int64 milliseconds can
 * exceed INT64_MAX (a timestamp of INT64_MIN, found by fuzzing), the unsigned one cannot. */
static inline double hedge__years_between(int64_t from_ms, int64_t to_ms) {
    return (double)((uint64_t)to_ms - (uint64_t)from_ms) / 31536000000.0;
}

/* n * size with overflow detection; false on overflow. */
static inline bool hedge__mul_size(size_t n, size_t size, size_t *out) {
    if (size != 0 && n > (size_t)-1 / size)
        return false;
    *out = n * size;
    return true;
}

/*
 * Copies a caller's versioned options struct into the library's own. The caller's struct_size says
 * which version of the struct it was compiled with: a shorter struct leaves the newer fields of dst
 * at their defaults (dst must hold them already), a longer one is accepted only if every byte this
 * library does not know is zero, so a setting is never silently ignored.
 */
hedge_status hedge__options_copy(void *dst, size_t dst_size, const void *src, const char *func);

/*
 * The other direction: writes the library's complete result struct src (src_size bytes, starting
 * with its size_t struct_size) into a caller's versioned struct dst, only as far as dst's own
 * struct_size reaches, and leaves dst->struct_size as the caller set it. The caller has checked
 * that dst->struct_size covers the fields it must have.
 */
void hedge__output_copy(void *dst, const void *src, size_t src_size);

#endif /* HEDGE_CORE_INTERNAL_H */
