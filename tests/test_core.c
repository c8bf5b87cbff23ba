/* Core: status codes, error detail, contexts, allocation, versions, capabilities. */
#include "support/testutil.h"
#include "suites.h"

#include "core/internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* The numeric values are a published contract: this test fails if anyone renumbers them. */
START_TEST(status_values_are_pinned) {
    ck_assert_int_eq(HEDGE_OK, 0);
    ck_assert_int_eq(HEDGE_ERR_NOMEM, -1);
    ck_assert_int_eq(HEDGE_ERR_INVALID_ARG, -2);
    ck_assert_int_eq(HEDGE_ERR_DOMAIN, -3);
    ck_assert_int_eq(HEDGE_ERR_PRICE_BOUNDS, -4);
    ck_assert_int_eq(HEDGE_ERR_NOT_CONVERGED, -5);
    ck_assert_int_eq(HEDGE_ERR_NOT_FOUND, -6);
    ck_assert_int_eq(HEDGE_ERR_EXISTS, -7);
    ck_assert_int_eq(HEDGE_ERR_STALE, -8);
    ck_assert_int_eq(HEDGE_ERR_EXPIRED, -9);
    ck_assert_int_eq(HEDGE_ERR_PARSE, -10);
    ck_assert_int_eq(HEDGE_ERR_IO, -11);
    ck_assert_int_eq(HEDGE_ERR_UNSUPPORTED, -12);
    ck_assert_int_eq(HEDGE_ERR_BUFFER_TOO_SMALL, -13);
    ck_assert_int_eq(HEDGE_ERR_CANCELLED, -14);
    ck_assert_int_eq(HEDGE_ERR_STATE, -15);
    ck_assert_int_eq(HEDGE_ERR_TOO_LARGE, -16);
    ck_assert_int_eq(HEDGE_ERR_BACKEND, -17);
    ck_assert_int_eq(HEDGE_ERR_INTERNAL, -18);
}
END_TEST

START_TEST(status_strings_are_distinct_and_named) {
    /* every code from 0 down to the last one has its own name and text; the name is the enum's */
    char seen_names[32][64];
    for (int s = 0; s >= HEDGE_ERR_INTERNAL; s--) {
        const char *name = hedge_status_name((hedge_status)s);
        const char *text = hedge_status_str((hedge_status)s);
        ck_assert_ptr_nonnull(name);
        ck_assert_ptr_nonnull(text);
        ck_assert_msg(strcmp(name, "HEDGE_ERR_UNKNOWN") != 0, "status %d has no name", s);
        ck_assert_msg(strcmp(text, "unknown status") != 0, "status %d has no text", s);
        ck_assert(strncmp(name, s == 0 ? "HEDGE_OK" : "HEDGE_ERR_", s == 0 ? 8 : 10) == 0);
        for (int t = 0; t > s; t--)
            ck_assert_str_ne(seen_names[-t], name);
        snprintf(seen_names[-s], sizeof seen_names[0], "%s", name);
    }
    ck_assert_str_eq(hedge_status_name(HEDGE_ERR_NOMEM), "HEDGE_ERR_NOMEM");
    ck_assert_str_eq(hedge_status_name((hedge_status)-9999), "HEDGE_ERR_UNKNOWN");
    ck_assert_str_eq(hedge_status_str((hedge_status)7), "unknown status");
}
END_TEST

START_TEST(error_detail_records_and_clears) {
    hedge_error_clear();
    ck_assert_int_eq(hedge_error_status(), HEDGE_OK);
    ck_assert_str_eq(hedge_error_message(), "");
    ck_assert_int_eq(hedge_context_create(NULL, NULL), HEDGE_ERR_INVALID_ARG);
    ck_assert_int_eq(hedge_error_status(), HEDGE_ERR_INVALID_ARG);
    ck_assert_str_eq(hedge_error_message(), "hedge_context_create: out is NULL");
    /* a successful call leaves the detail alone */
    hedge_context *ctx = NULL;
    ck_assert_int_eq(hedge_context_create(&ctx, NULL), HEDGE_OK);
    ck_assert_int_eq(hedge_error_status(), HEDGE_ERR_INVALID_ARG);
    hedge_context_destroy(ctx);
    hedge_error_clear();
    ck_assert_int_eq(hedge_error_status(), HEDGE_OK);
    ck_assert_str_eq(hedge_error_message(), "");
}
END_TEST

/* Two threads fail in lock-step with different errors; neither may see the other's detail. */
typedef struct thread_arg {
    pthread_barrier_t *barrier;
    int which;
    int mismatches;
} thread_arg;

static void *fail_repeatedly(void *p) {
    thread_arg *a = p;
    hedge_context_options bad = HEDGE_CONTEXT_OPTIONS_INIT;
    bad.log_level = (hedge_log_level)99;
    for (int i = 0; i < 2000; i++) {
        hedge_context *ctx;
        pthread_barrier_wait(a->barrier);
        hedge_status st = a->which == 0 ? hedge_context_create(NULL, NULL) : hedge_context_create(&ctx, &bad);
        pthread_barrier_wait(a->barrier);
        const char *want = a->which == 0 ? "out is NULL" : "log_level 99";
        if (hedge_error_status() != st || !strstr(hedge_error_message(), want))
            a->mismatches++;
    }
    return NULL;
}

START_TEST(error_detail_is_per_thread) {
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    thread_arg args[2] = {{&barrier, 0, 0}, {&barrier, 1, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, fail_repeatedly, &args[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    ck_assert_int_eq(args[0].mismatches, 0);
    ck_assert_int_eq(args[1].mismatches, 0);
}
END_TEST

START_TEST(context_default_and_destroy_null) {
    hedge_context *ctx = (hedge_context *)(uintptr_t)1;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    ck_assert_ptr_nonnull(ctx);
    hedge_context_destroy(ctx);
    hedge_context_destroy(NULL);
}
END_TEST

START_TEST(context_rejects_bad_options) {
    hedge_context *ctx = (hedge_context *)(uintptr_t)1;
    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    test_allocator a;
    test_allocator_reset(&a, 0);

    o.struct_size = 4;
    ck_assert_status(hedge_context_create(&ctx, &o), HEDGE_ERR_INVALID_ARG);
    ck_assert_ptr_null(ctx); /* out is cleared on failure */

    hedge_context_options_init(&o);
    o.alloc_user = &a;
    o.free = NULL;
    o.alloc = (hedge_alloc_fn)(uintptr_t)1; /* never called: rejected first */
    ck_assert_status(hedge_context_create(&ctx, &o), HEDGE_ERR_INVALID_ARG);
    ck_assert(strstr(hedge_error_message(), "alloc and free"));

    hedge_context_options_init(&o);
    o.realloc = (hedge_realloc_fn)(uintptr_t)1;
    ck_assert_status(hedge_context_create(&ctx, &o), HEDGE_ERR_INVALID_ARG);

    hedge_context_options_init(&o);
    o.log_level = (hedge_log_level)-1;
    ck_assert_status(hedge_context_create(&ctx, &o), HEDGE_ERR_INVALID_ARG);
}
END_TEST

/* A program compiled against newer headers passes a longer struct: fine while it leaves the unknown
 * tail zero, rejected when it sets something this library cannot honour. */
START_TEST(context_options_from_newer_headers) {
    struct {
        hedge_context_options known;
        double future_field;
    } newer;
    memset(&newer, 0, sizeof newer);
    hedge_context_options_init(&newer.known);
    newer.known.struct_size = sizeof newer;
    hedge_context *ctx = NULL;
    ck_assert_status(hedge_context_create(&ctx, &newer.known), HEDGE_OK);
    hedge_context_destroy(ctx);
    newer.future_field = 1.0;
    ck_assert_status(hedge_context_create(&ctx, &newer.known), HEDGE_ERR_INVALID_ARG);
    ck_assert(strstr(hedge_error_message(), "does not know"));
}
END_TEST

START_TEST(context_uses_the_given_allocator) {
    test_allocator a;
    test_allocator_reset(&a, 0);
    hedge_context *ctx = NULL;
    ck_assert_status(test_context_create(&ctx, &a), HEDGE_OK);
    ck_assert_int_eq(a.live_blocks, 1); /* the context itself lives in the caller's memory */

    void *p = hedge__alloc(ctx, 100, 64);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % 64, 0);
    memset(p, 0xab, 100);
    p = hedge__realloc(ctx, p, 100, 5000, 64);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % 64, 0);
    ck_assert_uint_eq(((unsigned char *)p)[99], 0xab);
    ck_assert_int_eq(a.live_blocks, 2);
    hedge__free(ctx, p, 5000, 64);
    hedge_context_destroy(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    ck_assert_int_eq(a.bad_frees, 0);
}
END_TEST

START_TEST(libc_allocator_handles_large_alignment) {
    hedge_context *ctx = NULL;
    ck_assert_status(hedge_context_create(&ctx, NULL), HEDGE_OK);
    for (size_t align = 1; align <= 4096; align *= 2) {
        unsigned char *p = hedge__alloc(ctx, 33, align);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % align, 0);
        for (int i = 0; i < 33; i++)
            p[i] = (unsigned char)i;
        p = hedge__realloc(ctx, p, 33, 100000, align);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % align, 0);
        for (int i = 0; i < 33; i++)
            ck_assert_uint_eq(p[i], (unsigned)i);
        hedge__free(ctx, p, 100000, align);
    }
    hedge_context_destroy(ctx);
}
END_TEST

/* Without a realloc function, a resize allocates, copies and frees through the caller's functions. */
static void *plain_alloc(void *user, size_t size, size_t align) {
    (void)align;
    (*(int *)user)++;
    return malloc(size);
}
static void plain_free(void *user, void *ptr, size_t size, size_t align) {
    (void)size;
    (void)align;
    (*(int *)user)--;
    free(ptr);
}

START_TEST(realloc_is_optional) {
    int live = 0;
    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    o.alloc = plain_alloc;
    o.free = plain_free;
    o.alloc_user = &live;
    hedge_context *ctx = NULL;
    ck_assert_status(hedge_context_create(&ctx, &o), HEDGE_OK);
    char *p = hedge__alloc(ctx, 4, 1);
    memcpy(p, "abc", 4);
    p = hedge__realloc(ctx, p, 4, 1 << 20, 1);
    ck_assert_str_eq(p, "abc");
    ck_assert_int_eq(live, 2);
    hedge__free(ctx, p, 1 << 20, 1);
    hedge_context_destroy(ctx);
    ck_assert_int_eq(live, 0);
}
END_TEST

static hedge_status create_and_destroy(hedge_context *ctx, void *payload) {
    (void)payload;
    (void)ctx;
    return HEDGE_OK;
}

START_TEST(oom_sweep_context_creation) {
    /* the sweep itself checks NOMEM on every injected failure and no leak on every run */
    long allocs = test_oom_sweep(create_and_destroy, NULL);
    ck_assert_int_eq(allocs, 1);
}
END_TEST

typedef struct log_record {
    int count;
    hedge_log_level last_level;
    char last[256];
} log_record;

static void record_log(void *user, hedge_log_level level, const char *message) {
    log_record *r = user;
    r->count++;
    r->last_level = level;
    snprintf(r->last, sizeof r->last, "%s", message);
}

START_TEST(log_threshold_and_error_logging) {
    log_record rec = {0};
    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    o.log = record_log;
    o.log_user = &rec;
    o.log_level = HEDGE_LOG_INFO;
    hedge_context *ctx = NULL;
    ck_assert_status(hedge_context_create(&ctx, &o), HEDGE_OK);
    hedge_context_log(ctx, HEDGE_LOG_DEBUG, "hidden");
    ck_assert_int_eq(rec.count, 0);
    hedge_context_log(ctx, HEDGE_LOG_WARN, "shown");
    ck_assert_int_eq(rec.count, 1);
    ck_assert_str_eq(rec.last, "shown");
    ck_assert_int_eq(rec.last_level, HEDGE_LOG_WARN);
    hedge_context_log(ctx, HEDGE_LOG_NONE, "never");
    hedge_context_log(ctx, HEDGE_LOG_ERROR, NULL);
    hedge_context_log(NULL, HEDGE_LOG_ERROR, "no context");
    ck_assert_int_eq(rec.count, 1);
    /* a failure inside the library reaches the log with the same text as the error detail */
    ck_assert_int_eq(hedge__fail(ctx, HEDGE_ERR_DOMAIN, "x must be > 0 (got %g)", -1.5), HEDGE_ERR_DOMAIN);
    ck_assert_int_eq(rec.count, 2);
    ck_assert_int_eq(rec.last_level, HEDGE_LOG_ERROR);
    ck_assert_str_eq(rec.last, "x must be > 0 (got -1.5)");
    ck_assert_str_eq(hedge_error_message(), rec.last);
    hedge_context_destroy(ctx);
}
END_TEST

START_TEST(version_matches_headers) {
    ck_assert_uint_eq(hedge_version_number(), HEDGE_VERSION_NUMBER);
    ck_assert_str_eq(hedge_version_string(), HEDGE_VERSION_STRING);
    unsigned maj, min, pat;
    ck_assert_int_eq(sscanf(hedge_version_string(), "%u.%u.%u", &maj, &min, &pat), 3);
    ck_assert_uint_eq(maj * 10000 + min * 100 + pat, hedge_version_number());
}
END_TEST

START_TEST(capabilities_are_named) {
    uint64_t caps = hedge_capabilities();
    ck_assert(caps & HEDGE_CAP_THREAD_LOCAL_ERRORS);
    ck_assert(caps & HEDGE_CAP_CUSTOM_ALLOCATOR);
    /* AVX-512 implies AVX2: the wider path is a superset */
    if (caps & HEDGE_CAP_SIMD_AVX512)
        ck_assert(caps & HEDGE_CAP_SIMD_AVX2);
    for (int bit = 0; bit < 64; bit++) {
        const char *name = hedge_capability_name(UINT64_C(1) << bit);
        if (bit <= 4)
            ck_assert_ptr_nonnull(name);
        else
            ck_assert_ptr_null(name);
    }
    ck_assert_ptr_null(hedge_capability_name(HEDGE_CAP_SIMD_AVX2 | HEDGE_CAP_SIMD_AVX512));
    ck_assert_ptr_null(hedge_capability_name(0));
}
END_TEST

START_TEST(size_multiplication_detects_overflow) {
    size_t out = 0;
    ck_assert(hedge__mul_size(3, 7, &out));
    ck_assert_uint_eq(out, 21);
    ck_assert(!hedge__mul_size(SIZE_MAX / 2 + 1, 2, &out));
    ck_assert(hedge__mul_size(SIZE_MAX, 0, &out));
    ck_assert_uint_eq(out, 0);
}
END_TEST

Suite *hedge_test_suite_core(void) {
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("status");
    tcase_add_test(tc, status_values_are_pinned);
    tcase_add_test(tc, status_strings_are_distinct_and_named);
    tcase_add_test(tc, error_detail_records_and_clears);
    tcase_add_test(tc, error_detail_is_per_thread);
    suite_add_tcase(s, tc);

    tc = tcase_create("context");
    tcase_add_test(tc, context_default_and_destroy_null);
    tcase_add_test(tc, context_rejects_bad_options);
    tcase_add_test(tc, context_options_from_newer_headers);
    tcase_add_test(tc, context_uses_the_given_allocator);
    tcase_add_test(tc, libc_allocator_handles_large_alignment);
    tcase_add_test(tc, realloc_is_optional);
    tcase_add_test(tc, oom_sweep_context_creation);
    tcase_add_test(tc, log_threshold_and_error_logging);
    tcase_add_test(tc, size_multiplication_detects_overflow);
    suite_add_tcase(s, tc);

    tc = tcase_create("version");
    tcase_add_test(tc, version_matches_headers);
    tcase_add_test(tc, capabilities_are_named);
    suite_add_tcase(s, tc);
    return s;
}
