/* `hedge value MARKET.json`: every instrument of a market valued off its snapshot and surfaces. */
#include "commands.h"

#include <hedge/hedge.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f) {
    fprintf(f, "usage: hedge value MARKET.json\n\n"
               "Values one contract of every instrument in the market file (docs/json-format.md) off its\n"
               "snapshot and volatility surfaces, and writes CSV on stdout:\n"
               "  symbol,kind,underlying,venue,settlement,type,strike,multiplier,spot,forward,rate,T,vol,value,\n"
               "  value_usd,delta_coin,delta_usd,gamma_coin,vega_usd,theta_usd,status\n"
               "value is in the settlement currency (USD linear, coin inverse); vega per 1.00 vol, theta per\n"
               "year; delta_coin is the coin exposure one contract adds (see valuation.h). An instrument that\n"
               "cannot be valued (stale data, expired, no surface) is reported on stderr, gets its status and\n"
               "empty cells, and makes the exit code 1.\n");
}

static const char *kind_name(hedge_instrument_kind k) {
    switch (k) {
    case HEDGE_INSTRUMENT_SPOT: return "spot";
    case HEDGE_INSTRUMENT_FUTURE: return "future";
    case HEDGE_INSTRUMENT_PERPETUAL: return "perpetual";
    case HEDGE_INSTRUMENT_OPTION: return "option";
    }
    return "?";
}

int cmd_value(int argc, char **argv) {
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc != 2) {
        usage(stderr);
        return 2;
    }
    hedge_context *ctx;
    hedge_market *market;
    if (hedge_context_create(&ctx, NULL) != HEDGE_OK) {
        fprintf(stderr, "hedge: %s\n", hedge_error_message());
        return 2;
    }
    if (hedge_market_load_json(&market, ctx, argv[1]) != HEDGE_OK) {
        fprintf(stderr, "hedge: %s\n", hedge_error_message());
        hedge_context_destroy(ctx);
        return 2;
    }
    const hedge_snapshot *snap = hedge_market_snapshot(market);
    int exit_code = 0;
    printf("symbol,kind,underlying,venue,settlement,type,strike,multiplier,spot,forward,rate,T,vol,value,value_usd,delta_coin,"
           "delta_usd,gamma_coin,vega_usd,theta_usd,status\n");
    size_t n = hedge_market_instrument_count(market);
    for (size_t i = 0; i < n; i++) {
        const hedge_instrument *inst = hedge_market_instrument(market, i);
        hedge_instrument_spec sp = HEDGE_INSTRUMENT_SPEC_INIT;
        hedge_instrument_info(&sp, inst);
        bool option = sp.kind == HEDGE_INSTRUMENT_OPTION;
        printf("%s,%s,%s,%s,%s,%s,", sp.symbol, kind_name(sp.kind), sp.underlying, sp.venue ? sp.venue : "",
               sp.settlement == HEDGE_SETTLE_INVERSE ? "inverse" : "linear",
               !option ? "" : sp.option_type == HEDGE_CALL ? "call" : "put");
        if (option)
            printf("%.17g", sp.strike);
        printf(",%.17g,", sp.multiplier);
        const hedge_vol_surface *surface = NULL;
        hedge_status st = HEDGE_OK;
        if (option)
            st = hedge_market_surface(&surface, market, sp.underlying);
        hedge_valuation v = HEDGE_VALUATION_INIT;
        double rate = 0.0;
        if (st == HEDGE_OK)
            st = hedge_instrument_value(&v, inst, snap, surface);
        if (st == HEDGE_OK)
            st = hedge_snapshot_rate(&rate, snap, sp.underlying);
        if (st != HEDGE_OK) {
            fprintf(stderr, "hedge: %s: %s: %s\n", argv[1], sp.symbol, hedge_error_message());
            printf(",,,,,,,,,,,,%s\n", hedge_status_name(st));
            exit_code = 1;
            continue;
        }
        printf("%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%s\n", v.spot, v.forward, rate,
               v.time_to_expiry, v.vol, v.value, v.value_usd, v.delta_coin, v.delta_usd, v.gamma_coin, v.vega_usd,
               v.theta_usd, hedge_status_name(HEDGE_OK));
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hedge: write error on standard output\n");
        exit_code = 2;
    }
    hedge_market_destroy(market);
    hedge_context_destroy(ctx);
    return exit_code;
}
