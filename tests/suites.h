#ifndef HEDGE_TEST_SUITES_H
#define HEDGE_TEST_SUITES_H
#include <check.h>
#define HEDGE_SUITE(name) Suite *hedge_test_suite_##name(void);
#include "suites.def"
#undef HEDGE_SUITE
#endif
