/* `hedge surface`: fits each underlying's volatility surface to the option quotes of a market file and
 * says how well each expiry's smile fits, and which quotes it could not use. */
#include "commands.h"

#include <hedge/hedge.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_UNDERLYINGS 16
#define MAX_EXPIRIES 64

static void usage(FILE *f) {
    fprintf(f, "usage: hedge surface [--venue VENUE] [--underlying NAME] MARKET.json\n\n"
               "Fits a volatility surface (an SVI smile per expiry) to the option quotes of a market file,\n"
               "through the implied volatilities of the bid/ask mids of out-of-the-money options, vega\n"
               "weighted, and prints per expiry the points used, the quotes skipped and why, the fit's\n"
               "weighted rmse and worst error in volatility points, and the fitted parameters.\n"
               "Quotes on every venue are used (the narrowest per option) unless --venue is given.\n");
}

static void date_of(char *buf, size_t size, int64_t ms) {
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M", &tm))
        snprintf(buf, size, "%lld", (long long)ms);
}

/* Fits one underlying; returns 0, or 1 when it has nothing that can be fitted. */
static int fit_one(const hedge_market *m, hedge_context *ctx, const char *und, const char *venue) {
    size_t n_all = hedge_market_instrument_count(m), n = 0;
    const hedge_instrument **opts = malloc((n_all ? n_all : 1) * sizeof *opts);
    if (!opts) {
        fprintf(stderr, "hedge surface: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < n_all; i++) {
        hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
        const hedge_instrument *in = hedge_market_instrument(m, i);
        if (hedge_instrument_info(&sp, in) == HEDGE_OK && sp.kind == HEDGE_INSTRUMENT_OPTION &&
            strcmp(sp.underlying, und) == 0)
            opts[n++] = in;
    }
    hedge_surface_fit_options o = HEDGE_SURFACE_FIT_OPTIONS_INIT;
    o.venue = venue;
    hedge_surface_fit_expiry ex[MAX_EXPIRIES];
    hedge_surface_fit_report rep = HEDGE_SURFACE_FIT_REPORT_INIT;
    rep.expiries = ex;
    rep.expiry_capacity = MAX_EXPIRIES;
    hedge_vol_surface *s = NULL;
    hedge_status st = n ? hedge_vol_surface_fit_quotes(&s, ctx, hedge_market_snapshot(m), opts, n, &o, &rep)
                        : HEDGE_ERR_NOT_FOUND;
    free(opts);
    if (n == 0) {
        fprintf(stderr, "hedge surface: %s has no options\n", und);
        return 1;
    }
    if (st != HEDGE_OK && st != HEDGE_ERR_NOT_FOUND && st != HEDGE_ERR_NOT_CONVERGED) {
        fprintf(stderr, "hedge surface: %s: %s (%s)\n", und, hedge_status_name(st), hedge_error_message());
        return 2;
    }
    printf("%s: %zu options, %zu quotes used, %zu skipped; %zu of %zu expiries fitted%s%s\n", und, n, rep.n_used,
           rep.n_skipped, rep.n_fitted, rep.n_expiries, venue ? " on " : "", venue ? venue : "");
    printf("  %-16s %10s %4s %4s %4s %4s %4s %4s %4s %8s %8s %8s %9s %8s %7s %8s %7s\n", "expiry", "forward", "used",
           "miss", "stal", "1sid", "itm", "bnds", "thin", "rmse pt", "max pt", "atm vol", "a", "b", "rho", "m",
           "sigma");
    size_t slice = 0;
    for (size_t e = 0; e < rep.n_expiries && e < MAX_EXPIRIES; e++) {
        const hedge_surface_fit_expiry *x = &ex[e];
        char date[32];
        date_of(date, sizeof date, x->expiry_ms);
        printf("  %-16s %10.2f %4zu %4zu %4zu %4zu %4zu %4zu %4zu", date, x->forward, x->used, x->missing, x->stale,
               x->one_sided, x->in_the_money, x->out_of_bounds, x->thin);
        hedge_svi_slice sl;
        if (x->fitted && s && hedge_vol_surface_slice(&sl, s, slice++) == HEDGE_OK) {
            double atm = 0;
            hedge_vol_surface_vol(&atm, s, x->forward, x->forward, x->expiry_ms);
            printf(" %8.4f %8.4f %7.2f%% %9.6f %8.5f %7.4f %8.5f %7.4f\n", 100 * x->rmse_vol, 100 * x->max_error_vol,
                   100 * atm, sl.a, sl.b, sl.rho, sl.m, sl.sigma);
        } else {
            printf("  not fitted\n");
        }
    }
    hedge_vol_surface_destroy(s);
    return st == HEDGE_OK ? 0 : 1;
}

int cmd_surface(int argc, char **argv) {
    const char *venue = NULL, *only = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--venue") == 0 || strcmp(argv[i], "--underlying") == 0) && i + 1 < argc) {
            *(argv[i][2] == 'v' ? &venue : &only) = argv[i + 1];
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || file) {
            usage(stderr);
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        usage(stderr);
        return 2;
    }
    hedge_context *ctx;
    hedge_market *m;
    hedge_status st = hedge_context_create(&ctx, NULL);
    if (st == HEDGE_OK && (st = hedge_market_load_json(&m, ctx, file)) != HEDGE_OK)
        hedge_context_destroy(ctx);
    if (st != HEDGE_OK) {
        fprintf(stderr, "hedge surface: %s: %s (%s)\n", file, hedge_status_name(st), hedge_error_message());
        return 2;
    }
    /* the underlyings with options, in the order they first appear */
    const char *unds[MAX_UNDERLYINGS];
    size_t n_und = 0;
    for (size_t i = 0; i < hedge_market_instrument_count(m); i++) {
        hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
        if (hedge_instrument_info(&sp, hedge_market_instrument(m, i)) != HEDGE_OK || sp.kind != HEDGE_INSTRUMENT_OPTION)
            continue;
        size_t j = 0;
        while (j < n_und && strcmp(unds[j], sp.underlying) != 0)
            j++;
        if (j == n_und && n_und < MAX_UNDERLYINGS && (!only || strcmp(only, sp.underlying) == 0))
            unds[n_und++] = sp.underlying;
    }
    int rc = n_und ? 0 : 1;
    if (n_und == 0)
        fprintf(stderr, "hedge surface: %s has no options%s%s\n", file, only ? " on " : "", only ? only : "");
    for (size_t i = 0; i < n_und; i++) {
        int r = fit_one(m, ctx, unds[i], venue);
        rc = r > rc ? r : rc;
    }
    hedge_market_destroy(m);
    hedge_context_destroy(ctx);
    return rc;
}
