/* Helpers shared by every test suite: the countdown allocator for OOM sweeps, and float comparisons. */
#ifndef HEDGE_TESTUTIL_H
#define HEDGE_TESTUTIL_H

#include <hedge/hedge.h>

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * An allocator that fails the N-th allocation (and every one after it, when sticky), counts live
 * blocks and bytes, and checks that free() is handed back the size and alignment each block was
 * allocated with. Create a context over it with test_context_create().
 */
typedef struct test_allocator {
    long fail_at;        /* 1-based index of the first allocation to fail; 0 = never fail */
    bool sticky;         /* keep failing after the first failure */
    long calls;          /* allocations (alloc + realloc) attempted */
    long failures;       /* allocations refused */
    long live_blocks;
    long long live_bytes;
    long bad_frees;      /* frees or reallocs whose size or alignment did not match */
} test_allocator;

void test_allocator_reset(test_allocator *a, long fail_at);
/* A context whose allocator is a; the context's own allocation counts as the first call. */
hedge_status test_context_create(hedge_context **out, test_allocator *a);

/*
 * The OOM sweep: for N = 1, 2, ... runs fn with a fresh context over a countdown allocator that
 * fails the N-th allocation, until fn succeeds with no allocation refused. Every run that met a
 * failure must return HEDGE_ERR_NOMEM (or fn's own check fails), and every run must end with no live
 * block: fn must destroy what it created, including on failure. fn receives the context (NULL when
 * the context itself could not be created, in which case the sweep checks that status) and returns
 * the status of the call under test. Returns the number of allocations of the successful run.
 */
typedef hedge_status (*test_oom_fn)(hedge_context *ctx, void *payload);
long test_oom_sweep(test_oom_fn fn, void *payload);

/* |a - b| <= rel * max(|a|, |b|) + abs; NaN never compares close. */
bool test_close(double a, double b, double rel, double abs);

#define ck_assert_close(a, b, rel, abs)                                                                     \
    do {                                                                                                    \
        double a_ = (a), b_ = (b);                                                                          \
        ck_assert_msg(test_close(a_, b_, (rel), (abs)), "%s = %.17g vs %s = %.17g (rel err %.3g)", #a, a_, \
                      #b, b_, (a_ - b_) / (b_ != 0 ? b_ : 1));                                              \
    } while (0)

#define ck_assert_status(call, expected)                                                                 \
    do {                                                                                                 \
        hedge_status st_ = (call);                                                                       \
        ck_assert_msg(st_ == (expected), "%s returned %s (%s), expected %s", #call, hedge_status_name(st_), \
                      hedge_error_message(), hedge_status_name(expected));                               \
    } while (0)

#endif
