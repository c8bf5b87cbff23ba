/* Built without jansson: the JSON readers exist (the ABI is the same) and say so. */
#include "core/internal.h"

#include <hedge/market.h>
#include <hedge/portfolio.h>
#include <hedge/hedging.h>
#include <hedge/simulate.h>

HEDGE_API hedge_status hedge_market_read_json(hedge_market **out, hedge_context *ctx, const char *text, size_t length,
                                              const char *name) {
    (void)text;
    (void)length;
    (void)name;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_market_read_json: libhedge was built without JSON support");
}

HEDGE_API hedge_status hedge_market_load_json(hedge_market **out, hedge_context *ctx, const char *path) {
    (void)path;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_market_load_json: libhedge was built without JSON support");
}

HEDGE_API hedge_status hedge_portfolio_read_json(hedge_portfolio **out, hedge_context *ctx,
                                                 const hedge_market *market, const char *text, size_t length,
                                                 const char *name) {
    (void)market;
    (void)text;
    (void)length;
    (void)name;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_portfolio_read_json: libhedge was built without JSON support");
}

HEDGE_API hedge_status hedge_portfolio_load_json(hedge_portfolio **out, hedge_context *ctx,
                                                 const hedge_market *market, const char *path) {
    (void)market;
    (void)path;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_portfolio_load_json: libhedge was built without JSON support");
}

HEDGE_API hedge_status hedge_problem_read_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                               const char *text, size_t length, const char *name) {
    (void)market;
    (void)text;
    (void)length;
    (void)name;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_problem_read_json: libhedge was built without JSON support");
}

HEDGE_API hedge_status hedge_problem_load_json(hedge_problem **out, hedge_context *ctx, const hedge_market *market,
                                               const char *path) {
    (void)market;
    (void)path;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_problem_load_json: libhedge was built without JSON support");
}

HEDGE_API hedge_status hedge_sim_config_read_json(hedge_sim_config **out, hedge_context *ctx, const char *text,
                                                  size_t length, const char *name) {
    (void)text;
    (void)length;
    (void)name;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_sim_config_read_json: libhedge was built without JSON support");
}

HEDGE_API hedge_status hedge_sim_config_load_json(hedge_sim_config **out, hedge_context *ctx, const char *path) {
    (void)path;
    if (out)
        *out = NULL;
    return hedge__fail(ctx, HEDGE_ERR_UNSUPPORTED, "hedge_sim_config_load_json: libhedge was built without JSON support");
}
