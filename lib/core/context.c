/* Context creation and every allocation the library makes. */
#include "internal.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The C library's allocator, adapted to the sized and aligned interface. */
static void *libc_alloc(void *user, size_t size, size_t align) {
    (void)user;
    if (align <= alignof(max_align_t))
        return malloc(size);
    /* C11 aligned_alloc wants the size to be a multiple of the alignment. */
    size_t rounded = (size + align - 1) & ~(align - 1);
    if (rounded < size)
        return NULL;
    return aligned_alloc(align, rounded);
}

static void *libc_realloc(void *user, void *ptr, size_t old_size, size_t new_size, size_t align) {
    /* realloc() may move a block to an address with only malloc's alignment, so over-aligned blocks
     * are moved by hand. */
    if (align <= alignof(max_align_t))
        return realloc(ptr, new_size);
    void *p = libc_alloc(user, new_size, align);
    if (p) {
        memcpy(p, ptr, old_size < new_size ? old_size : new_size);
        free(ptr);
    }
    return p;
}

static void libc_free(void *user, void *ptr, size_t size, size_t align) {
    (void)user;
    (void)size;
    (void)align;
    free(ptr);
}

void *hedge__alloc(const hedge_context *ctx, size_t size, size_t align) {
    if (size == 0)
        size = 1;
    if (align < alignof(max_align_t))
        align = alignof(max_align_t);
    return ctx->alloc(ctx->alloc_user, size, align);
}

void *hedge__realloc(const hedge_context *ctx, void *ptr, size_t old_size, size_t new_size, size_t align) {
    if (!ptr)
        return hedge__alloc(ctx, new_size, align);
    if (new_size == 0)
        new_size = 1;
    if (old_size == 0)
        old_size = 1;
    if (align < alignof(max_align_t))
        align = alignof(max_align_t);
    if (ctx->realloc)
        return ctx->realloc(ctx->alloc_user, ptr, old_size, new_size, align);
    void *p = ctx->alloc(ctx->alloc_user, new_size, align);
    if (!p)
        return NULL;
    memcpy(p, ptr, old_size < new_size ? old_size : new_size);
    ctx->free(ctx->alloc_user, ptr, old_size, align);
    return p;
}

void hedge__free(const hedge_context *ctx, void *ptr, size_t size, size_t align) {
    if (!ptr)
        return;
    if (size == 0)
        size = 1;
    if (align < alignof(max_align_t))
        align = alignof(max_align_t);
    ctx->free(ctx->alloc_user, ptr, size, align);
}

hedge_status hedge__vec_reserve(const hedge_context *ctx, void **data, size_t *cap, size_t need, size_t elem_size) {
    if (need <= *cap)
        return HEDGE_OK;
    size_t new_cap = *cap < 8 ? 8 : *cap;
    while (new_cap < need)
        new_cap = new_cap > (size_t)-1 / 2 ? need : new_cap * 2;
    size_t old_bytes, new_bytes;
    if (!hedge__mul_size(new_cap, elem_size, &new_bytes) || !hedge__mul_size(*cap, elem_size, &old_bytes))
        return hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "array of %zu elements of %zu bytes is too large", need,
                           elem_size);
    void *p = *data ? hedge__realloc(ctx, *data, old_bytes, new_bytes, 0) : hedge__alloc(ctx, new_bytes, 0);
    if (!p)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "cannot grow an array to %zu bytes", new_bytes);
    *data = p;
    *cap = new_cap;
    return HEDGE_OK;
}

hedge_status hedge__options_copy(void *dst, size_t dst_size, const void *src, const char *func) {
    size_t src_size;
    memcpy(&src_size, src, sizeof src_size);
    if (src_size < sizeof(size_t))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                           "%s: options struct_size %zu is too small (set it with the _INIT macro or _init())",
                           func, src_size);
    if (src_size > dst_size) {
        const unsigned char *extra = (const unsigned char *)src + dst_size;
        for (size_t i = 0; i < src_size - dst_size; i++)
            if (extra[i] != 0)
                return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                                   "%s: options set fields this library version (%zu-byte struct) does not know",
                                   func, dst_size);
    }
    memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
           (src_size < dst_size ? src_size : dst_size) - sizeof(size_t));
    return HEDGE_OK;
}

void hedge__output_copy(void *dst, const void *src, size_t src_size) {
    size_t dst_size;
    memcpy(&dst_size, dst, sizeof dst_size);
    size_t n = dst_size < src_size ? dst_size : src_size;
    if (n > sizeof(size_t))
        memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t), n - sizeof(size_t));
}

HEDGE_API void hedge_context_options_init(hedge_context_options *options) {
    if (!options)
        return;
    const hedge_context_options defaults = HEDGE_CONTEXT_OPTIONS_INIT;
    *options = defaults;
}

HEDGE_API hedge_status hedge_context_create(hedge_context **out, const hedge_context_options *options) {
    if (!out)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_context_create: out is NULL");
    *out = NULL;

    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    if (options) {
        hedge_status st = hedge__options_copy(&o, sizeof o, options, "hedge_context_create");
        if (st != HEDGE_OK)
            return st;
    }
    bool none = !o.alloc && !o.realloc && !o.free;
    if (!none && (!o.alloc || !o.free))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                           "hedge_context_create: alloc and free must both be set, or all allocator functions NULL");
    if ((int)o.log_level < HEDGE_LOG_DEBUG || (int)o.log_level > HEDGE_LOG_NONE)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_context_create: log_level %d is out of range",
                           (int)o.log_level);

    hedge_context proto = {
        .alloc = none ? libc_alloc : o.alloc,
        .realloc = none ? libc_realloc : o.realloc,
        .free = none ? libc_free : o.free,
        .alloc_user = o.alloc_user,
        .log = o.log,
        .log_user = o.log_user,
        .log_level = o.log_level,
    };
    hedge_context *ctx = hedge__alloc(&proto, sizeof *ctx, alignof(hedge_context));
    if (!ctx)
        return hedge__fail(&proto, HEDGE_ERR_NOMEM, "hedge_context_create: cannot allocate the context (%zu bytes)",
                           sizeof *ctx);
    *ctx = proto;
    *out = ctx;
    return HEDGE_OK;
}

HEDGE_API void hedge_context_destroy(hedge_context *ctx) {
    if (!ctx)
        return;
    hedge_context copy = *ctx;
    hedge__free(&copy, ctx, sizeof *ctx, alignof(hedge_context));
}

HEDGE_API void hedge_context_log(const hedge_context *ctx, hedge_log_level level, const char *message) {
    if (!ctx || !message || level >= HEDGE_LOG_NONE)
        return;
    hedge__log(ctx, level, "%s", message);
}
