#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries a header recording what it was allocated with, so frees can be checked. */
typedef struct block_header {
    size_t size;
    size_t align;
    size_t offset; /* from the start of the malloc'd region to the user pointer */
    uint64_t magic;
} block_header;

#define BLOCK_MAGIC 0x48454447454d454dULL

void test_allocator_reset(test_allocator *a, long fail_at) {
    memset(a, 0, sizeof *a);
    a->fail_at = fail_at;
    a->sticky = false;
}

static bool should_fail(test_allocator *a) {
    a->calls++;
    bool fail = a->fail_at > 0 && (a->calls == a->fail_at || (a->sticky && a->calls > a->fail_at));
    if (fail)
        a->failures++;
    return fail;
}

static void *raw_alloc(test_allocator *a, size_t size, size_t align) {
    /* room for the header in front of the user pointer, plus slack to align it */
    size_t offset = (sizeof(block_header) + align - 1) / align * align;
    char *base = malloc(offset + size + align);
    if (!base)
        return NULL;
    uintptr_t user = ((uintptr_t)base + offset + align - 1) / align * align;
    block_header *h = (block_header *)(user - sizeof(block_header));
    h->size = size;
    h->align = align;
    h->offset = user - (uintptr_t)base;
    h->magic = BLOCK_MAGIC;
    a->live_blocks++;
    a->live_bytes += (long long)size;
    return (void *)user;
}

static void raw_free(test_allocator *a, void *ptr, size_t size, size_t align) {
    block_header *h = (block_header *)((char *)ptr - sizeof(block_header));
    if (h->magic != BLOCK_MAGIC || h->size != size || h->align != align)
        a->bad_frees++;
    a->live_blocks--;
    a->live_bytes -= (long long)h->size;
    h->magic = 0;
    free((char *)ptr - h->offset);
}

static void *t_alloc(void *user, size_t size, size_t align) {
    test_allocator *a = user;
    if (size == 0 || (align & (align - 1)) != 0)
        a->bad_frees++; /* the library promised never to ask for these */
    if (should_fail(a))
        return NULL;
    return raw_alloc(a, size, align);
}

static void *t_realloc(void *user, void *ptr, size_t old_size, size_t new_size, size_t align) {
    test_allocator *a = user;
    if (should_fail(a))
        return NULL;
    block_header *h = (block_header *)((char *)ptr - sizeof(block_header));
    if (h->magic != BLOCK_MAGIC || h->size != old_size || h->align != align)
        a->bad_frees++;
    void *p = raw_alloc(a, new_size, align);
    if (!p)
        return NULL;
    memcpy(p, ptr, old_size < new_size ? old_size : new_size);
    raw_free(a, ptr, h->size, h->align);
    return p;
}

static void t_free(void *user, void *ptr, size_t size, size_t align) { raw_free(user, ptr, size, align); }

hedge_status test_context_create(hedge_context **out, test_allocator *a) {
    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    o.alloc = t_alloc;
    o.realloc = t_realloc;
    o.free = t_free;
    o.alloc_user = a;
    o.log_level = HEDGE_LOG_NONE;
    return hedge_context_create(out, &o);
}

long test_oom_sweep(test_oom_fn fn, void *payload) {
    for (long n = 1; n < 1000000; n++) {
        test_allocator a;
        test_allocator_reset(&a, n);
        hedge_context *ctx = NULL;
        hedge_status st = test_context_create(&ctx, &a);
        if (st == HEDGE_OK) {
            st = fn(ctx, payload);
            hedge_context_destroy(ctx);
        }
        ck_assert_msg(a.bad_frees == 0, "OOM sweep, fail at %ld: %ld frees with the wrong size or alignment", n,
                      a.bad_frees);
        ck_assert_msg(a.live_blocks == 0, "OOM sweep, fail at %ld: %ld blocks (%lld bytes) leaked", n,
                      a.live_blocks, a.live_bytes);
        if (a.failures == 0) {
            ck_assert_msg(st == HEDGE_OK, "OOM sweep: run with no failed allocation returned %s (%s)",
                          hedge_status_name(st), hedge_error_message());
            return a.calls;
        }
        ck_assert_msg(st == HEDGE_ERR_NOMEM, "OOM sweep, fail at %ld: returned %s (%s), expected HEDGE_ERR_NOMEM",
                      n, hedge_status_name(st), hedge_error_message());
    }
    ck_abort_msg("OOM sweep did not terminate");
    return -1;
}

bool test_close(double a, double b, double rel, double abs) {
    if (isnan(a) || isnan(b))
        return false;
    if (a == b)
        return true;
    double scale = fmax(fabs(a), fabs(b));
    return fabs(a - b) <= rel * scale + abs;
}
