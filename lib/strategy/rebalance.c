/* Rebalancing policies and the rebalancer: when to hedge, and the orders through the hedge solver. */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include "core/internal.h"
#include "hedge/hedge_internal.h"
#include "strategy/rebalance_internal.h"

#include <hedge/rebalance.h>
#include <hedge/risk.h>
#include <hedge/snapshot.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MS_PER_DAY 86400000.0

static hedge_status check_policy(const char *fn, const hedge_rebalance_policy *p) {
    if ((unsigned)p->rule > HEDGE_REBALANCE_COST_RISK)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown rule %d", fn, (int)p->rule);
    /* the common case first: the simulator decides once per path and step, and building the table
     * below on every call took a seventh of its time */
    bool aversion_needed = p->rule == HEDGE_REBALANCE_WHALLEY_WILMOTT || p->rule == HEDGE_REBALANCE_COST_RISK;
    if (p->interval_days > 0.0 && p->interval_days < HUGE_VAL && p->band >= 0.0 && p->band < HUGE_VAL &&
        (aversion_needed ? p->risk_aversion > 0.0 : p->risk_aversion >= 0.0) && p->risk_aversion < HUGE_VAL &&
        p->cost_rate >= 0.0 && p->cost_rate < 1.0 && p->fixed_cost >= 0.0 && p->fixed_cost < HUGE_VAL &&
        p->horizon_days > 0.0 && p->horizon_days < HUGE_VAL)
        return HEDGE_OK;
    struct { const char *name; double v; bool ok; } checks[] = {
        {"interval_days", p->interval_days, p->interval_days > 0.0 && p->interval_days < HUGE_VAL},
        {"band", p->band, p->band >= 0.0 && p->band < HUGE_VAL},
        {"risk_aversion", p->risk_aversion,
         p->risk_aversion >= 0.0 && p->risk_aversion < HUGE_VAL &&
             (p->risk_aversion > 0.0 ||
              (p->rule != HEDGE_REBALANCE_WHALLEY_WILMOTT && p->rule != HEDGE_REBALANCE_COST_RISK))},
        {"cost_rate", p->cost_rate, p->cost_rate >= 0.0 && p->cost_rate < 1.0},
        {"fixed_cost", p->fixed_cost, p->fixed_cost >= 0.0 && p->fixed_cost < HUGE_VAL},
        {"horizon_days", p->horizon_days, p->horizon_days > 0.0 && p->horizon_days < HUGE_VAL},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (!checks[i].ok)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: policy %s %g is out of range", fn, checks[i].name,
                               checks[i].v);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_rebalance_decide(hedge_rebalance_decision *decision, const hedge_rebalance_policy *policy,
                                              const hedge_rebalance_state *state) {
    static const char fn[] = "hedge_rebalance_decide";
    if (!decision || !policy || !state ||
        decision->struct_size < offsetof(hedge_rebalance_decision, target_delta) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument or decision struct_size too small", fn);
    hedge_rebalance_policy p = HEDGE_REBALANCE_POLICY_INIT;
    hedge_rebalance_state s = HEDGE_REBALANCE_STATE_INIT;
    hedge_status st;
    if ((st = hedge__options_copy(&p, sizeof p, policy, fn)) || (st = hedge__options_copy(&s, sizeof s, state, fn)) ||
        (st = check_policy(fn, &p)))
        return st;
    if (!hedge__rebalance_state_ok(&s))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: state out of range (delta %g, gamma %g, spot %g, vol %g, "
                           "rate %g, time_left %g, days_since_last %g)", fn, s.delta, s.gamma, s.spot, s.vol, s.rate,
                           s.time_left, s.days_since_last);
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    double le;
    if (!hedge__rebalance_apply(&d, &p, &s, &le))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: Leland number %g makes a long option's adjusted variance "
                           "negative: rebalance less often or at lower cost", fn, le);
    hedge__output_copy(decision, &d, sizeof d);
    return HEDGE_OK;
}

struct hedge_rebalancer {
    hedge_context *ctx;
    const hedge_problem *problem;
    char underlying[HEDGE__NAME_BYTES];
    hedge_rebalance_policy policy;
    bool traded;
    int64_t last_trade_ms;
};

HEDGE_API hedge_status hedge_rebalancer_create(hedge_rebalancer **out, hedge_context *ctx,
                                               const hedge_problem *problem, const char *underlying,
                                               const hedge_rebalance_policy *policy) {
    static const char fn[] = "hedge_rebalancer_create";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !problem || !underlying || !policy)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    size_t len = strnlen(underlying, HEDGE__NAME_BYTES);
    if (len == 0 || len >= HEDGE__NAME_BYTES)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: underlying must be 1 to %d bytes", fn,
                           HEDGE__NAME_BYTES - 1);
    hedge_rebalance_policy p = HEDGE_REBALANCE_POLICY_INIT;
    hedge_status st;
    if ((st = hedge__options_copy(&p, sizeof p, policy, fn)) || (st = check_policy(fn, &p)))
        return st;
    hedge_rebalancer *r = hedge__alloc(ctx, sizeof *r, 0);
    if (!r)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->problem = problem;
    memcpy(r->underlying, underlying, len + 1);
    r->policy = p;
    *out = r;
    return HEDGE_OK;
}

HEDGE_API void hedge_rebalancer_destroy(hedge_rebalancer *r) {
    if (r)
        hedge__free(r->ctx, r, sizeof *r, 0);
}

/* The state of the watched underlying: delta, gamma and spot from the book's risk, the 30-day ATM vol
 * from the surface, the rate, and the time to the book's last option expiry on it. */
static hedge_status gather(hedge_rebalance_state *s, hedge_rebalancer *r, const hedge_portfolio *book,
                           const hedge_market *market) {
    static const char fn[] = "hedge_rebalancer_check";
    const hedge_snapshot *snap = hedge_market_snapshot(market);
    int64_t now = hedge_snapshot_valuation_ms(snap);
    hedge_risk *risk = NULL;
    hedge_risk_options ro = HEDGE_RISK_OPTIONS_INIT;
    ro.per_position = 1;
    hedge_status st = hedge_risk_compute(&risk, r->ctx, book, market, &ro);
    if (st)
        return st;
    s->delta = s->gamma = 0.0;
    int64_t last_expiry = now;
    for (size_t i = 0; i < hedge_risk_row_count(risk, HEDGE_BREAKDOWN_UNDERLYING); i++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        hedge_risk_row_get(&row, risk, HEDGE_BREAKDOWN_UNDERLYING, i);
        if (strcmp(row.underlying, r->underlying) == 0) {
            s->delta = row.delta_coin;
            s->gamma = row.gamma_coin;
        }
    }
    for (size_t i = 0; i < hedge_risk_row_count(risk, HEDGE_BREAKDOWN_POSITION); i++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        hedge_risk_row_get(&row, risk, HEDGE_BREAKDOWN_POSITION, i);
        if (strcmp(row.underlying, r->underlying) == 0 && row.expiry_ms > last_expiry)
            last_expiry = row.expiry_ms;
    }
    hedge_risk_destroy(risk);
    if ((st = hedge_snapshot_spot(&s->spot, snap, r->underlying)) ||
        (st = hedge_snapshot_rate(&s->rate, snap, r->underlying)) ||
        (st = hedge__atm_vol_30d(&s->vol, market, r->underlying))) {
        char why[256];
        snprintf(why, sizeof why, "%s", hedge_error_message());
        return hedge__fail(r->ctx, st, "%s: %s: %s", fn, r->underlying, why);
    }
    s->time_left = hedge__years_between(now, last_expiry);
    if (r->traded && now < r->last_trade_ms)
        return hedge__fail(r->ctx, HEDGE_ERR_STATE, "%s: the market's time is before the last trade's", fn);
    s->days_since_last = r->traded ? (double)((uint64_t)now - (uint64_t)r->last_trade_ms) / MS_PER_DAY : HUGE_VAL;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_rebalancer_check(hedge_rebalance_decision *decision, hedge_result **orders,
                                              hedge_rebalancer *r, const hedge_portfolio *book,
                                              const hedge_market *market) {
    static const char fn[] = "hedge_rebalancer_check";
    if (orders)
        *orders = NULL;
    if (!decision || !r || !book || !market ||
        decision->struct_size < offsetof(hedge_rebalance_decision, target_delta) + sizeof(double))
        return hedge__fail(r ? r->ctx : NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument or struct_size too small", fn);
    hedge_rebalance_state s = HEDGE_REBALANCE_STATE_INIT;
    hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
    hedge_status st;
    if ((st = gather(&s, r, book, market)) || (st = hedge_rebalance_decide(&d, &r->policy, &s)))
        return st;
    if (d.trade && orders) {
        /* the problem with one more hard target: this underlying's delta at the decision's */
        hedge__target *targets = hedge__alloc(r->ctx, (r->problem->n_targets + 1) * sizeof *targets, 0);
        if (!targets)
            return hedge__fail(r->ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
        if (r->problem->n_targets)
            memcpy(targets, r->problem->targets, r->problem->n_targets * sizeof *targets);
        hedge__target *t = &targets[r->problem->n_targets];
        memset(t, 0, sizeof *t);
        t->t = (hedge_greek_target)HEDGE_GREEK_TARGET_INIT;
        t->t.greek = HEDGE_GREEK_DELTA_COIN;
        t->t.lo = d.target_delta - 1e-9;
        t->t.hi = d.target_delta + 1e-9;
        memcpy(t->underlying, r->underlying, sizeof t->underlying);
        struct hedge_problem view = *r->problem; /* read-only: shares everything but the targets */
        view.targets = targets;
        view.n_targets = r->problem->n_targets + 1;
        view.cap_targets = view.n_targets;
        hedge_result *res = NULL;
        st = hedge_solve(&res, r->ctx, &view, book, market, NULL);
        hedge__free(r->ctx, targets, (r->problem->n_targets + 1) * sizeof *targets, 0);
        if (st)
            return st;
        hedge_hedge_summary sum = HEDGE_HEDGE_SUMMARY_INIT;
        hedge_result_summary(&sum, res);
        if (sum.status == HEDGE_SOLVE_OPTIMAL) {
            r->traded = true;
            r->last_trade_ms = hedge_snapshot_valuation_ms(hedge_market_snapshot(market));
        }
        *orders = res;
    }
    hedge__output_copy(decision, &d, sizeof d);
    return HEDGE_OK;
}
