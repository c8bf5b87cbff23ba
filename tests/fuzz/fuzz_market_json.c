/* Fuzzes hedge_market_read_json(): any bytes must give a status (never a crash, a leak or a
 * sanitizer report), and a market that was read must survive the documented round trip: written,
 * read back and written again, the two texts are identical. Every instrument is valued off it,
 * which takes the parsed numbers through the market and pricing code. */
#include "fuzz.h"

#include <hedge/hedge.h>
#include <hedge/market.h>
#include <hedge/valuation.h>

FILE *fuzz_report;

static hedge_context *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    hedge_context_options o = HEDGE_CONTEXT_OPTIONS_INIT;
    o.log_level = HEDGE_LOG_NONE;
    if (hedge_context_create(&ctx, &o) != HEDGE_OK)
        abort();
    return 0;
}

static int known_status(hedge_status st) { return st <= HEDGE_OK && st > HEDGE_ERR_INTERNAL; }

static char *write_json(const hedge_market *m, size_t *length) {
    hedge_status st = hedge_market_write_json(NULL, 0, length, m);
    FUZZ_CHECK(st == HEDGE_ERR_BUFFER_TOO_SMALL, "size query returned %s: %s", hedge_status_name(st),
               hedge_error_message());
    char *buf = malloc(*length + 1);
    FUZZ_CHECK(buf != NULL, "out of memory");
    size_t again = 0;
    st = hedge_market_write_json(buf, *length + 1, &again, m);
    FUZZ_CHECK(st == HEDGE_OK && again == *length, "write returned %s (%zu vs %zu bytes): %s",
               hedge_status_name(st), again, *length, hedge_error_message());
    FUZZ_CHECK(buf[*length] == '\0', "no terminating NUL");
    return buf;
}

static void value_all(const hedge_market *m) {
    const hedge_snapshot *snap = hedge_market_snapshot(m);
    size_t n = hedge_market_instrument_count(m);
    for (size_t i = 0; i < n; i++) {
        const hedge_instrument *ins = hedge_market_instrument(m, i);
        FUZZ_CHECK(ins != NULL, "instrument %zu of %zu is NULL", i, n);
        hedge_instrument_spec spec = HEDGE_INSTRUMENT_SPEC_INIT;
        FUZZ_CHECK(hedge_instrument_info(&spec, ins) == HEDGE_OK, "info: %s", hedge_error_message());
        const hedge_vol_surface *surf = NULL;
        (void)hedge_market_surface(&surf, m, spec.underlying);
        hedge_valuation v = HEDGE_VALUATION_INIT;
        v.value = -12345.0; /* sentinel: a failing call must leave it */
        hedge_status st = hedge_instrument_value(&v, ins, snap, surf);
        FUZZ_CHECK(known_status(st), "hedge_instrument_value(%s) returned %d", spec.symbol, (int)st);
        if (st != HEDGE_OK) {
            FUZZ_CHECK(v.value == -12345.0, "failed valuation of %s (%s) wrote its output", spec.symbol,
                       hedge_status_name(st));
            continue;
        }
        const double all[] = {v.value, v.value_usd, v.delta_coin, v.delta_usd, v.gamma_coin, v.vega_usd,
                              v.theta_usd, v.vol, v.forward, v.spot, v.time_to_expiry};
        for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
            FUZZ_CHECK(!isnan(all[k]), "valuation of %s: field %zu is NaN", spec.symbol, k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hedge_market *m = (hedge_market *)0x1; /* must be set to NULL on failure */
    hedge_status st = hedge_market_read_json(&m, ctx, (const char *)data, size, "fuzz.json");
    FUZZ_CHECK(known_status(st), "read returned %d", (int)st);
    if (st != HEDGE_OK) {
        FUZZ_CHECK(m == NULL, "failed read left *out = %p", (void *)m);
        FUZZ_CHECK(*hedge_error_message() != '\0', "failed read (%s) left no message", hedge_status_name(st));
        return 0;
    }
    value_all(m);

    size_t len1, len2;
    char *text1 = write_json(m, &len1);
    hedge_market *m2 = NULL;
    st = hedge_market_read_json(&m2, ctx, text1, len1, "written.json");
    FUZZ_CHECK(st == HEDGE_OK, "reading back what was written failed: %s: %s\n--- written:\n%s",
               hedge_status_name(st), hedge_error_message(), text1);
    char *text2 = write_json(m2, &len2);
    FUZZ_CHECK(len1 == len2 && memcmp(text1, text2, len1) == 0, "round trip changed the market:\n--- first:\n%s\n--- second:\n%s",
               text1, text2);
    free(text1);
    free(text2);
    hedge_market_destroy(m2);
    hedge_market_destroy(m);
    return 0;
}
