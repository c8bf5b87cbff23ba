/* Fuzzes the hedge problem and book readers and the hedge solver: any bytes, read as a document with
 * a `book` and a `hedge` problem over a fixed market (tests/fuzz/corpus/market_json/small.json), must
 * give a status (never a crash, leak or sanitizer report); a problem that was read must solve to a
 * status, and an optimal answer must carry no NaN, hold its trades within the candidates' bounds and
 * write as JSON. */
#include "fuzz.h"

#include <hedge/hedge.h>

FILE *fuzz_report;

static hedge_context *ctx;
static hedge_market *market;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    o.log_level = HEDGE_LOG_NONE;
    if (hedge_context_create(&ctx, &o) != HEDGE_OK || hedge_market_load_json(&market, ctx, HEDGE_FUZZ_MARKET) != HEDGE_OK) {
        fprintf(stderr, "fuzz_hedge_problem: cannot load %s: %s\n", HEDGE_FUZZ_MARKET, hedge_error_message());
        abort();
    }
    return 0;
}

static int known_status(hedge_status st) { return st <= HEDGE_OK && st > HEDGE_ERR_INTERNAL; }

static void check_result(const hedge_result *r) {
    hedge_hedge_summary s = HEDGE_HEDGE_SUMMARY_INIT;
    FUZZ_CHECK(hedge_result_summary(&s, r) == HEDGE_OK, "summary: %s", hedge_error_message());
    FUZZ_CHECK((unsigned)s.status <= HEDGE_SOLVE_TIME_LIMIT, "status %d", (int)s.status);
    const double all[] = {s.cost_usd, s.fees_usd, s.spread_usd, s.impact_usd, s.funding_usd, s.fixed_usd,
                          s.premium_usd, s.std_before, s.std_after, s.var_before, s.var_after, s.cvar_before,
                          s.cvar_after, s.margin_before, s.margin_after};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        FUZZ_CHECK(!isnan(all[k]), "summary field %zu is NaN (status %d)", k, (int)s.status);
    FUZZ_CHECK(s.status == HEDGE_SOLVE_OPTIMAL || hedge_result_trade_count(r) == 0, "trades without an optimum");
    for (size_t i = 0; i < hedge_result_trade_count(r); i++) {
        hedge_trade t = HEDGE_TRADE_INIT;
        FUZZ_CHECK(hedge_result_trade(&t, r, i) == HEDGE_OK, "trade %zu", i);
        FUZZ_CHECK(isfinite(t.quantity) && t.quantity != 0 && isfinite(t.fee_usd) && t.fee_usd >= 0 &&
                       t.spread_usd >= 0 && t.impact_usd >= 0 && !isnan(t.funding_usd),
                   "trade %zu of %s: %g contracts, fee %g", i, t.symbol, t.quantity, t.fee_usd);
    }
    for (size_t i = 0; i <= hedge_result_underlying_count(r); i++) {
        hedge_risk_row b = HEDGE_RISK_ROW_INIT, a = HEDGE_RISK_ROW_INIT;
        FUZZ_CHECK(hedge_result_greeks(&b, &a, r, i) == HEDGE_OK, "greeks %zu", i);
        FUZZ_CHECK(!isnan(a.delta_usd) && !isnan(a.vega_usd) && !isnan(a.gamma_usd), "greeks %zu NaN", i);
    }
    for (size_t i = 0; i < hedge_result_limit_count(r); i++) {
        hedge_limit_report l = HEDGE_LIMIT_REPORT_INIT;
        FUZZ_CHECK(hedge_result_limit(&l, r, i) == HEDGE_OK && l.name && l.shadow_price >= 0, "limit %zu", i);
    }
    size_t len = 0;
    hedge_status st = hedge_result_write_json(NULL, 0, &len, r);
    FUZZ_CHECK(st == HEDGE_ERR_BUFFER_TOO_SMALL, "size query: %s", hedge_status_name(st));
    char *buf = malloc(len + 1);
    FUZZ_CHECK(buf && hedge_result_write_json(buf, len + 1, &len, r) == HEDGE_OK && strlen(buf) == len,
               "write: %s", hedge_error_message());
    FUZZ_CHECK(!strstr(buf, ": nan") && !strstr(buf, ": -nan") && !strstr(buf, ": inf") && !strstr(buf, ": -inf"),
               "the JSON holds a non-number:\n%s", buf);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hedge_portfolio *book = (hedge_portfolio *)0x1;
    hedge_problem *p = (hedge_problem *)0x1;
    hedge_status st = hedge_portfolio_read_json(&book, ctx, market, (const char *)data, size, "fuzz.json");
    FUZZ_CHECK(known_status(st), "book read returned %d", (int)st);
    if (st != HEDGE_OK) {
        FUZZ_CHECK(book == NULL, "failed book read left *out set");
        return 0;
    }
    st = hedge_problem_read_json(&p, ctx, market, (const char *)data, size, "fuzz.json");
    FUZZ_CHECK(known_status(st), "problem read returned %d", (int)st);
    if (st != HEDGE_OK) {
        FUZZ_CHECK(p == NULL, "failed problem read left *out set");
        FUZZ_CHECK(*hedge_error_message() != '\0', "failed read (%s) left no message", hedge_status_name(st));
        hedge_portfolio_destroy(book);
        return 0;
    }
    /* bounded work per input: few iterations, few scenarios are the problem's own business */
    hedge_solver_options so = HEDGE_SOLVER_OPTIONS_INIT;
    so.max_iter = 4000;
    hedge_solve_options o = HEDGE_SOLVE_OPTIONS_INIT;
    o.solver = &so;
    hedge_result *r = (hedge_result *)0x1;
    st = hedge_solve(&r, ctx, p, book, market, &o);
    FUZZ_CHECK(known_status(st), "solve returned %d", (int)st);
    if (st == HEDGE_OK)
        check_result(r);
    else
        FUZZ_CHECK(r == NULL, "failed solve left *out set");
    hedge_result_destroy(st == HEDGE_OK ? r : NULL);
    hedge_problem_destroy(p);
    hedge_portfolio_destroy(book);
    return 0;
}
