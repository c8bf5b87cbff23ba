/* Fuzzes the simulation config reader and the simulator: any bytes, read as a document with a
 * `simulate` member, must give a status (never a crash, leak or sanitizer report); a config that was
 * read runs every policy (with at most 8 paths and 64 steps, so that one input stays fast) to a
 * status, a failed run writes nothing, and a run that succeeds has finite, ordered statistics. */
#include "fuzz.h"

#include <hedge/hedge.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hedge_sim_config *c = NULL;
    hedge_status st = hedge_sim_config_read_json(&c, ctx, (const char *)data, size, "fuzz.json");
    FUZZ_CHECK(known_status(st), "read returned %d", (int)st);
    FUZZ_CHECK((st == HEDGE_OK) == (c != NULL), "status %s with config %p", hedge_status_name(st), (void *)c);
    if (!c)
        return 0;
    hedge_sim_setup su = HEDGE_SIM_SETUP_INIT;
    FUZZ_CHECK(hedge_sim_config_setup(&su, c) == HEDGE_OK && su.n_policies >= 1, "setup: %s", hedge_error_message());
    hedge_sim_options o = *su.options;
    if (o.paths > 8 || (o.paths == 0 && su.paths->model != HEDGE_SIM_REPLAY))
        o.paths = 8;
    o.steps = o.steps > 64 ? 64 : o.steps;
    o.threads = 1;
    hedge_sim_hedge h = *su.hedge;
    if (h.latency_steps >= o.steps)
        h.latency_steps = o.steps - 1;
    for (size_t k = 0; k < su.n_policies; k++) {
        hedge_rebalance_policy p = HEDGE_REBALANCE_POLICY_INIT;
        const char *name = NULL;
        FUZZ_CHECK(hedge_sim_config_policy(&p, &name, c, k) == HEDGE_OK && name, "policy %zu", k);
        hedge_sim_stats s = HEDGE_SIM_STATS_INIT;
        s.mean = -12345.0; /* sentinel: a failing run must leave it */
        double pnl[8] = {0};
        size_t n_pnl = sizeof pnl / sizeof pnl[0];
        st = hedge_sim_run(&s, pnl, n_pnl, ctx, su.paths, su.option, &h, &p, &o);
        FUZZ_CHECK(known_status(st), "run returned %d", (int)st);
        if (st != HEDGE_OK) {
            FUZZ_CHECK(s.mean == -12345.0 && s.paths == 0, "failed run (%s) wrote its output", hedge_status_name(st));
            continue;
        }
        const double all[] = {s.option_price, s.mean, s.std, s.var95, s.cvar95, s.var99, s.cvar99, s.worst, s.best,
                              s.mean_cost, s.mean_funding, s.mean_trades, s.std_over_price};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            FUZZ_CHECK(isfinite(all[i]), "statistic %zu is %g", i, all[i]);
        /* the mean of equal P&L may round an ulp outside them */
        double ulps = 1e-12 * (fabs(s.worst) + fabs(s.best));
        FUZZ_CHECK(s.worst <= s.mean + ulps && s.mean <= s.best + ulps && s.cvar95 >= s.var95 - ulps &&
                       s.cvar99 >= s.var99 - ulps && s.mean_cost >= 0 && s.std >= 0,
                   "statistics out of order: worst %g mean %g best %g", s.worst, s.mean, s.best);
    }
    hedge_sim_config_destroy(c);
    return 0;
}
