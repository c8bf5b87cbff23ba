/* Simulation configs: what the JSON reader (lib/io/json_read.c) builds, and its accessors. */
#include "strategy/sim_internal.h"

#include "core/internal.h"

#include <string.h>

HEDGE_API void hedge_sim_config_destroy(hedge_sim_config *c) {
    if (!c)
        return;
    hedge__free(c->ctx, c->policies, (c->n_policies ? c->n_policies : 1) * sizeof *c->policies, 0);
    hedge__free(c->ctx, c->names, (c->n_policies ? c->n_policies : 1) * sizeof *c->names, 0);
    hedge__free(c->ctx, c->prices, (c->paths.n_prices ? c->paths.n_prices : 1) * sizeof *c->prices, 0);
    hedge__free(c->ctx, c->replay_csv, c->csv_bytes, 0);
    hedge__free(c->ctx, c, sizeof *c, 0);
}

HEDGE_API hedge_status hedge_sim_config_setup(hedge_sim_setup *setup, const hedge_sim_config *c) {
    if (!setup || !c || setup->struct_size < offsetof(hedge_sim_setup, n_policies) + sizeof(size_t))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_sim_config_setup: NULL argument or struct_size too small");
    hedge_sim_setup s = HEDGE_SIM_SETUP_INIT;
    s.paths = &c->paths;
    s.option = &c->option;
    s.hedge = &c->hedge;
    s.options = &c->options;
    s.n_policies = c->n_policies;
    s.replay_csv = c->replay_csv;
    s.replay_column = c->replay_column;
    hedge__output_copy(setup, &s, sizeof s);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_sim_config_policy(hedge_rebalance_policy *policy, const char **name,
                                               const hedge_sim_config *c, size_t index) {
    static const char fn[] = "hedge_sim_config_policy";
    if (!policy || !c || policy->struct_size < offsetof(hedge_rebalance_policy, rule) + sizeof(int))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument or struct_size too small", fn);
    if (index >= c->n_policies)
        return hedge__fail(NULL, HEDGE_ERR_NOT_FOUND, "%s: policy %zu of %zu", fn, index, c->n_policies);
    hedge__output_copy(policy, &c->policies[index], sizeof c->policies[index]);
    if (name)
        *name = c->names[index];
    return HEDGE_OK;
}
