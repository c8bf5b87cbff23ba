/* `hedge solve FILE.json`: the hedge of a market file's book (hedging.h). */
#include "commands.h"

#include <hedge/hedge.h>
#if HEDGE_HAVE_GLPK
#include <hedge/sys/glpk.h>
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
    fprintf(f, "usage: hedge solve [--json] [--backend NAME] FILE.json\n\n"
               "Reads a market, its `book` and a `hedge` problem (candidates, costs, Greek targets, limits;\n"
               "docs/json-format.md) from FILE.json, finds the cheapest trades that bring the book within its\n"
               "limits, and prints them with the Greeks before and after, the cost breakdown, the hedged and\n"
               "unhedged risk and the limits that bind (with their shadow prices) or, when no hedge meets the\n"
               "limits, the limits that conflict. Tables show vega per volatility point and theta per calendar\n"
               "day; --json gives the result in the library's units (vega per 1.00 of volatility, theta per\n"
               "year). Exit status: 0 optimal, 1 no hedge meets the limits or the solver stopped early, 2 error.\n\n"
               "--backend NAME chooses the optimizer: admm (the default), or glpk where the program was built\n"
               "with the glpk plugin (libhedge-glpk, GPL-licensed; this build: %s). glpk solves linear and\n"
               "mixed-integer problems only: a hedge problem qualifies when its risk_aversion is 0, no target\n"
               "has a weight (soft targets) and no candidate has market impact (impact 0, impact_from_book\n"
               "false); glpk refuses any other as unsupported.\n",
            HEDGE_HAVE_GLPK ? "with it" : "without it");
}

/* The plugins this program was built with, registered in its context. */
static hedge_status register_plugins(hedge_context *ctx) {
#if HEDGE_HAVE_GLPK
    return hedge_context_register_backend(ctx, hedge_glpk_backend());
#else
    (void)ctx;
    return HEDGE_OK;
#endif
}

static const char *status_text(hedge_solve_status s) {
    switch (s) {
    case HEDGE_SOLVE_OPTIMAL: return "optimal";
    case HEDGE_SOLVE_PRIMAL_INFEASIBLE: return "no hedge meets the limits";
    case HEDGE_SOLVE_DUAL_INFEASIBLE: return "unbounded (a limit is missing)";
    case HEDGE_SOLVE_ITERATION_LIMIT: return "iteration limit reached";
    case HEDGE_SOLVE_TIME_LIMIT: return "time limit reached";
    }
    return "unknown";
}

static void greek_line(const char *label, const hedge_risk_row *b, const hedge_risk_row *a, int coin) {
    if (coin)
        printf("  %-10s delta %12.4f -> %12.4f coin  ", label, b->delta_coin, a->delta_coin);
    else
        printf("  %-10s %36s", label, "");
    printf("delta %14.2f -> %14.2f USD  gamma/1%% %12.2f -> %12.2f  vega/pt %11.2f -> %11.2f  theta/d %10.2f -> "
           "%10.2f\n",
           b->delta_usd, a->delta_usd, b->gamma_usd, a->gamma_usd, b->vega_usd / 100.0, a->vega_usd / 100.0,
           b->theta_usd / 365.0, a->theta_usd / 365.0);
}

static void print_table(const hedge_result *r) {
    hedge_hedge_summary s = HEDGE_HEDGE_SUMMARY_INIT;
    hedge_result_summary(&s, r);
    printf("outcome: %s (%zu scenarios, %zu iterations", status_text(s.status), s.scenarios, s.iterations);
    if (s.nodes)
        printf(", %zu branch-and-bound nodes", s.nodes);
    printf(", %.1f ms)\n", 1e3 * s.solve_time_s);
    if (s.status == HEDGE_SOLVE_OPTIMAL) {
        printf("\ntrades (%zu)\n", hedge_result_trade_count(r));
        printf("  %-26s %-9s %14s %14s %14s %10s %10s %10s %10s\n", "instrument", "venue", "contracts", "mid",
               "notional USD", "fee", "spread", "impact", "funding");
        for (size_t i = 0; i < hedge_result_trade_count(r); i++) {
            hedge_trade t = HEDGE_TRADE_INIT;
            hedge_result_trade(&t, r, i);
            printf("  %-26s %-9s %+14.4f %14.6g %14.2f %10.2f %10.2f %10.2f %10.2f\n", t.symbol, t.venue, t.quantity,
                   t.mid, t.notional_usd, t.fee_usd, t.spread_usd, t.impact_usd, t.funding_usd);
        }
        printf("\ncost %.2f USD = fees %.2f + half-spreads %.2f + impact %.2f + funding %.2f + fixed %.2f; "
               "net premium %.2f USD\n",
               s.cost_usd, s.fees_usd, s.spread_usd, s.impact_usd, s.funding_usd, s.fixed_usd, s.premium_usd);
    }
    printf("\nGreeks before -> after\n");
    size_t nu = hedge_result_underlying_count(r);
    for (size_t i = 0; i <= nu; i++) {
        hedge_risk_row b = HEDGE_RISK_ROW_INIT, a = HEDGE_RISK_ROW_INIT;
        hedge_result_greeks(&b, &a, r, i);
        greek_line(i < nu ? b.underlying : "book", &b, &a, i < nu);
    }
    printf("\nrisk over the scenarios, USD: std %.2f -> %.2f, VaR %.2f -> %.2f, CVaR %.2f -> %.2f", s.std_before,
           s.std_after, s.var_before, s.var_after, s.cvar_before, s.cvar_after);
    if (s.margin_before > 0.0 || s.margin_after > 0.0)
        printf(", margin %.2f -> %.2f", s.margin_before, s.margin_after);
    printf("\n");
    size_t nl = hedge_result_limit_count(r);
    if (nl) {
        int conflict = s.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE;
        printf("\n%s\n", conflict ? "conflicting limits (weight in the infeasibility certificate)"
                                  : "binding limits (shadow price: objective USD per unit of relaxation)");
        for (size_t i = 0; i < nl; i++) {
            hedge_limit_report l = HEDGE_LIMIT_REPORT_INIT;
            hedge_result_limit(&l, r, i);
            printf("  %-70s %14.6g\n", l.name, l.shadow_price);
        }
    }
}

int cmd_solve(int argc, char **argv) {
    int json = 0;
    const char *path = NULL, *backend = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) {
            backend = argv[++i];
        } else if (argv[i][0] == '-' || path) {
            usage(stderr);
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    hedge_context *ctx = NULL;
    hedge_market *market = NULL;
    hedge_portfolio *book = NULL;
    hedge_problem *problem = NULL;
    hedge_result *result = NULL;
    hedge_solve_options so = HEDGE_SOLVE_OPTIONS_INIT;
    so.backend = backend;
    int code = 2;
    char *text = NULL;
    if (hedge_context_create(&ctx, NULL) != HEDGE_OK || register_plugins(ctx) != HEDGE_OK ||
        hedge_market_load_json(&market, ctx, path) != HEDGE_OK ||
        hedge_portfolio_load_json(&book, ctx, market, path) != HEDGE_OK ||
        hedge_problem_load_json(&problem, ctx, market, path) != HEDGE_OK ||
        hedge_solve(&result, ctx, problem, book, market, &so) != HEDGE_OK) {
        fprintf(stderr, "hedge: %s\n", hedge_error_message());
        goto done;
    }
    hedge_hedge_summary s = HEDGE_HEDGE_SUMMARY_INIT;
    hedge_result_summary(&s, result);
    if (json) {
        size_t len = 0;
        (void)hedge_result_write_json(NULL, 0, &len, result);
        if (!(text = malloc(len + 1)) || hedge_result_write_json(text, len + 1, &len, result) != HEDGE_OK) {
            fprintf(stderr, "hedge: cannot write the result\n");
            goto done;
        }
        fputs(text, stdout);
    } else {
        print_table(result);
    }
    code = fflush(stdout) == 0 && !ferror(stdout) ? (s.status == HEDGE_SOLVE_OPTIMAL ? 0 : 1) : 2;
done:
    free(text);
    hedge_result_destroy(result);
    hedge_problem_destroy(problem);
    hedge_portfolio_destroy(book);
    hedge_market_destroy(market);
    hedge_context_destroy(ctx);
    return code;
}
