/* `hedge risk MARKET.json`: the book of a market file, valued and aggregated (risk.h). */
#include "commands.h"

#include <hedge/hedge.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f) {
    fprintf(f, "usage: hedge risk [--json] MARKET.json\n\n"
               "Values the `book` of a market file (docs/json-format.md) off its snapshot and surfaces and\n"
               "prints the aggregated Greeks: per underlying, the whole book, by expiry, by venue and per\n"
               "position, then the risk matrix (the book's P&L with spot -16%%..+16%% and vols x0.7, x1, x1.45)\n"
               "and the scenario-grid portfolio margin (margin.h). Tables show vega per volatility point and\n"
               "theta per calendar day; --json gives every row in the library's units (vega per 1.00 of\n"
               "volatility, theta per year).\n");
}

static const char *const breakdown_title[] = {"by underlying", "by expiry", "by venue", "by position",
                                              "by tenor (days to expiry, up to)"};

static void expiry_text(char *buf, size_t n, int64_t ms) {
    if (ms == 0) {
        snprintf(buf, n, "-");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%d", &tm);
}

static void table_row(const char *label, const hedge_risk_row *r) {
    printf("%-26s %5zu %14.2f %14.6g %14.2f %14.2f %12.2f %12.2f\n", label, r->positions, r->value_usd, r->delta_coin,
           r->delta_usd, r->gamma_usd, r->vega_usd / 100.0, r->theta_usd / 365.0);
}

static void json_row(const hedge_risk_row *r, int last) {
    printf("    {");
    if (r->underlying)
        printf("\"underlying\": \"%s\", ", r->underlying);
    if (r->venue)
        printf("\"venue\": \"%s\", ", r->venue);
    if (r->symbol)
        printf("\"symbol\": \"%s\", \"quantity\": %.17g, ", r->symbol, r->quantity);
    if (r->expiry_ms)
        printf("\"expiry_ms\": %lld, ", (long long)r->expiry_ms);
    if (isinf(r->tenor_days))
        printf("\"tenor_days\": null, "); /* beyond the last edge: JSON has no infinity */
    else if (r->tenor_days > 0)
        printf("\"tenor_days\": %.17g, ", r->tenor_days);
    printf("\"positions\": %zu, \"spot\": %.17g, \"value_usd\": %.17g, \"delta_coin\": %.17g, \"delta_usd\": %.17g, "
           "\"gamma_coin\": %.17g, \"gamma_usd\": %.17g, \"vega_usd\": %.17g, \"theta_usd\": %.17g}%s\n",
           r->positions, r->spot, r->value_usd, r->delta_coin, r->delta_usd, r->gamma_coin, r->gamma_usd, r->vega_usd,
           r->theta_usd, last ? "" : ",");
}

int cmd_risk(int argc, char **argv) {
    int json = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
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
    hedge_risk *risk = NULL;
    hedge_risk_options opt = HEDGE_RISK_OPTIONS_INIT;
    opt.per_position = 1;
    if (hedge_context_create(&ctx, NULL) != HEDGE_OK || hedge_market_load_json(&market, ctx, path) != HEDGE_OK ||
        hedge_portfolio_load_json(&book, ctx, market, path) != HEDGE_OK ||
        hedge_risk_compute(&risk, ctx, book, market, &opt) != HEDGE_OK) {
        fprintf(stderr, "hedge: %s\n", hedge_error_message());
        hedge_portfolio_destroy(book);
        hedge_market_destroy(market);
        hedge_context_destroy(ctx);
        return 2;
    }
    hedge_risk_row total = HEDGE_RISK_ROW_INIT;
    hedge_risk_total(&total, risk);
    /* the risk matrix: the book's P&L on the margin grid (spot -16%..+16% by 2%, vols x0.7, x1, x1.45) */
    enum { STEPS = 8, NV = 3, NS = 2 * STEPS + 1 };
    static const double vols[NV] = {-0.30, 0.0, 0.45};
    hedge_scenario sc[NS * NV];
    hedge_shift sh[NS * NV];
    size_t n_sc = 0;
    double matrix[NS * NV];
    hedge_scenario_pnl *pnl = NULL;
    hedge_margin_result margin = HEDGE_MARGIN_RESULT_INIT;
    if (hedge_scenario_grid(sc, sh, NS * NV, &n_sc, 0.16, STEPS, vols, NV, 0.0) != HEDGE_OK ||
        hedge_scenarios_run(&pnl, ctx, book, market, sc, n_sc, NULL) != HEDGE_OK ||
        hedge_scenario_pnl_totals(matrix, n_sc, pnl) != HEDGE_OK ||
        hedge_portfolio_margin(&margin, ctx, book, market, NULL) != HEDGE_OK) {
        fprintf(stderr, "hedge: %s\n", hedge_error_message());
        hedge_scenario_pnl_destroy(pnl);
        hedge_risk_destroy(risk);
        hedge_portfolio_destroy(book);
        hedge_market_destroy(market);
        hedge_context_destroy(ctx);
        return 2;
    }
    hedge_scenario_pnl_destroy(pnl);
    if (json) {
        printf("{\n  \"total\":\n");
        json_row(&total, 1);
        static const char *const keys[] = {"underlyings", "expiries", "venues", "positions", "tenors"};
        for (int by = 0; by < 5; by++) {
            printf("  ,\"%s\": [\n", keys[by]);
            size_t n = hedge_risk_row_count(risk, (hedge_breakdown)by);
            for (size_t i = 0; i < n; i++) {
                hedge_risk_row r = HEDGE_RISK_ROW_INIT;
                hedge_risk_row_get(&r, risk, (hedge_breakdown)by, i);
                json_row(&r, i + 1 == n);
            }
            printf("  ]\n");
        }
        printf("  ,\"matrix\": {\"spot_moves\": [");
        for (int i = 0; i < NS; i++)
            printf("%s%.17g", i ? ", " : "", sh[i * NV].spot);
        printf("], \"vol_moves\": [%.17g, %.17g, %.17g], \"pnl_usd\": [", vols[0], vols[1], vols[2]);
        for (int i = 0; i < NS * NV; i++)
            printf("%s%.17g", i ? ", " : "", matrix[i]);
        printf("]}\n");
        printf("  ,\"margin\": {\"margin_usd\": %.17g, \"worst_loss_usd\": %.17g, \"addon_usd\": %.17g, "
               "\"worst_spot\": %.17g, \"worst_vol\": %.17g}\n",
               margin.margin, margin.worst_loss, margin.addon, margin.worst_spot, margin.worst_vol);
        printf("}\n");
    } else {
        printf("%-26s %5s %14s %14s %14s %14s %12s %12s\n", "", "pos", "value USD", "delta coin", "delta USD",
               "gamma USD/1%", "vega USD/pt", "theta USD/d");
        for (int by = 0; by < 5; by++) {
            printf("%s\n", breakdown_title[by]);
            for (size_t i = 0; i < hedge_risk_row_count(risk, (hedge_breakdown)by); i++) {
                hedge_risk_row r = HEDGE_RISK_ROW_INIT;
                hedge_risk_row_get(&r, risk, (hedge_breakdown)by, i);
                char label[64], when[16];
                expiry_text(when, sizeof when, r.expiry_ms);
                if (by == HEDGE_BREAKDOWN_EXPIRY)
                    snprintf(label, sizeof label, "  %s %s", r.underlying, when);
                else if (by == HEDGE_BREAKDOWN_VENUE)
                    snprintf(label, sizeof label, "  %s %s", r.underlying, r.venue[0] ? r.venue : "(any)");
                else if (by == HEDGE_BREAKDOWN_POSITION)
                    snprintf(label, sizeof label, "  %.23s", r.symbol);
                else if (by == HEDGE_BREAKDOWN_TENOR && isinf(r.tenor_days))
                    snprintf(label, sizeof label, "  %s beyond", r.underlying);
                else if (by == HEDGE_BREAKDOWN_TENOR)
                    snprintf(label, sizeof label, "  %s %.0f", r.underlying, r.tenor_days);
                else
                    snprintf(label, sizeof label, "  %s", r.underlying);
                table_row(label, &r);
            }
            if (by == HEDGE_BREAKDOWN_UNDERLYING)
                table_row("  whole book (USD only)", &total);
        }
        printf("\nrisk matrix: book P&L in USD, every underlying moved together (sticky-strike vols)\n");
        printf("%10s %16s %16s %16s\n", "spot", "vols x0.70", "vols x1.00", "vols x1.45");
        for (int i = 0; i < NS; i++)
            printf("%+9.0f%% %16.2f %16.2f %16.2f\n", 100 * sh[i * NV].spot, matrix[i * NV], matrix[i * NV + 1],
                   matrix[i * NV + 2]);
        printf("\nportfolio margin %.2f USD: worst loss %.2f at spot %+.0f%%, vols x%.2f, plus delta add-on %.2f\n",
               margin.margin, margin.worst_loss, 100 * margin.worst_spot, 1 + margin.worst_vol, margin.addon);
    }
    int code = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
    hedge_risk_destroy(risk);
    hedge_portfolio_destroy(book);
    hedge_market_destroy(market);
    hedge_context_destroy(ctx);
    return code;
}
