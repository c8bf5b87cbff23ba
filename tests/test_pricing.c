/* Pricing kernels: prices and Greeks against independent references. */
#include "core/normal.h"
#include "pricing/black.h"
#include "suites.h"
#include "support/testutil.h"

#include <math.h>

#if HEDGE_HAVE_QUADMATH
#include <quadmath.h>
static __float128 q_norm_cdf(__float128 x) { return (__float128)0.5 * erfcq(-x / sqrtq(2.0)); }
#endif

/* Haug, The Complete Guide to Option Pricing Formulas (2007), section 1.1.6: call 2.1334. */
START_TEST(haug_bsm_call) {
    double p;
    ck_assert_status(hedge_bsm_price(&p, HEDGE_CALL, 60, 65, 0.25, 0.08, 0.0, 0.30), HEDGE_OK);
    ck_assert_close(p, 2.1334, 0, 5e-5);
}
END_TEST

/* N(0) once recursed forever (0 reflected to -0.0 and back); b(x, s) meets it at s = sqrt(2|x|), the
 * inflexion point the implied-volatility solver starts from. */
START_TEST(norm_cdf_at_zero) {
    ck_assert(hedge__norm_cdf(0.0) == 0.5);
    ck_assert(hedge__norm_cdf(-0.0) == 0.5);
    ck_assert(isnan(hedge__norm_cdf(NAN)));
    ck_assert(hedge__black_otm(-0.5, 1.0) > 0.0);
}
END_TEST

#if HEDGE_HAVE_QUADMATH
/* Near the money at a minute's expiry, x = ln(F/K) and s are both 1e-5: the rounding of F/K alone
 * (1e-16 absolute in x) would move the price by 1e-11 relative. */
START_TEST(short_expiry_near_money_vs_quad) {
    const double F = 100.0, T = 1.0 / 525600.0, sigma = 0.01;
    static const double ks[] = {-2e-5, -1e-5, -3e-6, 3e-6, 1e-5, 2e-5};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
        for (int theta = -1; theta <= 1; theta += 2) {
            double K = F * exp(ks[i]), p;
            ck_assert_status(hedge_black76_price(&p, (hedge_option_type)theta, F, K, T, 0.0, sigma), HEDGE_OK);
            __float128 v = (__float128)sigma * sqrtq((__float128)T), d1 = logq((__float128)F / K) / v + v / 2;
            __float128 ref = theta * (F * q_norm_cdf(theta * d1) - K * q_norm_cdf(theta * (d1 - v)));
            ck_assert_msg(fabs((double)((p - ref) / ref)) < 1e-14, "K=%.17g theta=%d: %.17g vs %.17g", K, theta, p,
                          (double)ref);
        }
}
END_TEST

/* The normalised Black function against a 113-bit evaluation of its definition, across regions
 * (plain difference, scaled tails, the series where the difference cancels) down to 1e-300. */
START_TEST(normalised_black_vs_quad) {
    static const double xs[] = {-1e-12, -1e-8, -1e-4, -0.01, -0.05, -0.1, -0.3, -1, -2, -3, -5, -10, -20, -50};
    double worst = 0.0;
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        for (double s = 1e-6; s < 40.0; s *= 1.05) {
            __float128 X = xs[i], S = s, h = X / S, t = S / 2;
            __float128 ref = expq(X / 2) * q_norm_cdf(h + t) - expq(-X / 2) * q_norm_cdf(h - t);
            if (ref < (__float128)1e-300)
                continue;
            double got = hedge__black_otm(xs[i], s);
            double rel = fabs((double)((got - ref) / ref));
            if (rel > worst)
                worst = rel;
            ck_assert_msg(rel < 1e-13, "b(%g, %g) = %.17g, 113-bit %.17g, rel err %.3g", xs[i], s, got,
                          (double)ref, rel);
        }
    ck_assert(worst > 0.0); /* the grid was not empty */
}
END_TEST
#endif

Suite *hedge_test_suite_pricing(void) {
    Suite *s = suite_create("pricing");
    TCase *tc = tcase_create("bsm");
    tcase_add_test(tc, haug_bsm_call);
    tcase_add_test(tc, norm_cdf_at_zero);
#if HEDGE_HAVE_QUADMATH
    tcase_add_test(tc, normalised_black_vs_quad);
    tcase_add_test(tc, short_expiry_near_money_vs_quad);
#endif
    suite_add_tcase(s, tc);
    return s;
}
