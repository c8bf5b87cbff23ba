/*
 * The one Check runner. Every module's suite is listed here; `runner NAME` runs one suite (meson
 * registers one test per suite so they run in parallel and report separately), `runner` runs all.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

typedef struct suite_entry {
    const char *name;
    Suite *(*make)(void);
} suite_entry;

static const suite_entry suites[] = {
#define HEDGE_SUITE(name) {#name, hedge_test_suite_##name},
#include "suites.def"
#undef HEDGE_SUITE
};

int main(int argc, char **argv) {
    SRunner *sr = NULL;
    size_t n = sizeof suites / sizeof suites[0];
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
            continue;
        Suite *s = suites[i].make();
        if (!sr)
            sr = srunner_create(s);
        else
            srunner_add_suite(sr, s);
    }
    if (!sr) {
        fprintf(stderr, "runner: no suite named '%s'\n", argc > 1 ? argv[1] : "");
        return EXIT_FAILURE;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
