/* Implied volatility: placeholder while the solver is brought up. */
#include "suites.h"
#include "support/testutil.h"

START_TEST(iv_smoke) {
    double p, s;
    ck_assert_status(hedge_black76_price(&p, HEDGE_CALL, 100, 110, 0.5, 0.01, 0.3), HEDGE_OK);
    ck_assert_status(hedge_implied_vol_black76(&s, HEDGE_CALL, p, 100, 110, 0.5, 0.01), HEDGE_OK);
    ck_assert_close(s, 0.3, 1e-14, 0);
}
END_TEST

Suite *hedge_test_suite_iv(void) {
    Suite *s = suite_create("iv");
    TCase *tc = tcase_create("solve");
    tcase_add_test(tc, iv_smoke);
    suite_add_tcase(s, tc);
    return s;
}
