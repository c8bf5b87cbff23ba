/*
 * The hedging simulator. Paths run in fixed blocks of BLOCK consecutive paths; a block steps all its
 * paths together so that each step prices the block's Greeks in one call of the SIMD batch kernel,
 * then applies the policy (hedge_rebalance_decide's rules, checked once per run) and the orders
 * path by path, and moves every path to the next step. Blocks are the unit
 * of work of the threads and of progress; every path writes its own slot of the per-path arrays,
 * and the statistics are computed from those arrays in path order after every block is done, so
 * the results do not depend on which thread ran which block.
 */
#define _POSIX_C_SOURCE 200809L

#include "strategy/rebalance_internal.h"
#include "strategy/sim_internal.h"

#include "core/internal.h"
#include "risk/risk_internal.h"

#include <hedge/pricing.h>
#include <hedge/rebalance.h>
#include <hedge/simulate.h>

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 64, MAX_THREADS = 64, MSG_BYTES = 256 };

/* Everything a block needs, validated and read-only while the paths run. */
typedef struct run {
    hedge__sim_model m;
    hedge_sim_option opt;
    hedge_sim_hedge hg;
    hedge_rebalance_policy pol;
    size_t n_paths, steps, slots; /* slots = latency + 1: the ring of orders in flight */
    uint64_t seed;
    double dt, dt_days, growth, V0;
    double min_order; /* units: orders this small are rounding, not trades */
    /* per-path results, written by the block that owns the path */
    double *pnl, *cost, *funding, *trades;
} run;

/* Position Greeks (and the hedge option's) of one path at one step. */
typedef struct greeks2 {
    double d1, g1, p2, d2, g2;
} greeks2;

/* Delta and gamma of the position (and the hedge option's delta, gamma and price) at volatility
 * vol by the scalar kernel: for a decision whose hedge vol differs from the batch's. */
static void scalar_greeks(greeks2 *g, const run *R, double S, double tau, double tau2, double vol) {
    hedge_greeks a = HEDGE_GREEKS_INIT;
    (void)hedge_bsm_greeks(&a, R->opt.type, S, R->opt.strike, tau, R->opt.rate, 0.0, vol);
    g->d1 = a.delta;
    g->g1 = a.gamma;
    if (R->hg.instrument == HEDGE_SIM_OPTION) {
        hedge_greeks b = HEDGE_GREEKS_INIT;
        (void)hedge_bsm_greeks(&b, R->hg.option_type, S, R->hg.option_strike, tau2, R->opt.rate, 0.0, vol);
        g->d2 = b.delta;
        g->g2 = b.gamma;
    }
}

/* Cost of an order of `units` at spot S, in USD. */
static double order_cost(const run *R, double units, double S) {
    return R->hg.cost_rate * fabs(units) * S + R->hg.fixed_cost;
}

/*
 * The policy's decision for each of n paths at one step (time left tau): trade[j], target[j] and
 * hvol[j] are the decision's trade, target_delta and hedge_vol for the state of net delta D[j],
 * net gamma G[j], spot S[j] and days[j] since the last trade (s carries the volatility and rate).
 * The policy was checked when the run started, so its rule applies directly to a state in range
 * (hedge_rebalance_decide's own code, rebalance_internal.h); the calendar rule, which looks at the
 * days alone once the state is in range, is applied to the whole block in one loop. Anything else
 * goes through hedge_rebalance_decide() for its error: the message and the path (within the
 * block) are written and its status returned.
 */
static hedge_status decide(const run *R, hedge_rebalance_state *s, size_t n, const double *D, const double *G,
                           const double *S, const double *days, double tau, bool *trade, double *target, double *hvol,
                           char *msg, size_t *bad) {
    s->time_left = tau;
    if (R->pol.rule == HEDGE_REBALANCE_CALENDAR) {
        /* the state is in range when its parts common to the block are (a representative) and
         * every path's own parts are */
        s->delta = s->gamma = 0.0;
        s->spot = 1.0;
        s->days_since_last = 0.0;
        /* isfinite(x) as |x| <= DBL_MAX, and a count of the failures in a double: selects of
         * computed values, a loop that vectorises */
        double out = hedge__rebalance_state_ok(s) ? 0.0 : 1.0;
        for (size_t j = 0; j < n; j++) {
            double fd = fabs(D[j]) <= DBL_MAX ? 0.0 : 1.0, fg = fabs(G[j]) <= DBL_MAX ? 0.0 : 1.0;
            double fs = S[j] > 0.0 ? 0.0 : 1.0, fS = S[j] <= DBL_MAX ? 0.0 : 1.0, ft = days[j] >= 0.0 ? 0.0 : 1.0;
            out += fd + fg + fs + fS + ft;
        }
        if (out == 0.0) {
            for (size_t j = 0; j < n; j++) {
                trade[j] = hedge__rebalance_calendar_due(&R->pol, days[j]);
                target[j] = 0.0;
                hvol[j] = s->vol;
            }
            return HEDGE_OK;
        }
    }
    for (size_t j = 0; j < n; j++) {
        s->delta = D[j];
        s->gamma = G[j];
        s->spot = S[j];
        s->days_since_last = days[j];
        hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
        double leland;
        if (!hedge__rebalance_state_ok(s) || !hedge__rebalance_apply(&d, &R->pol, s, &leland)) {
            hedge_status st = hedge_rebalance_decide(&d, &R->pol, s);
            if (st) {
                snprintf(msg, MSG_BYTES, "%s", hedge_error_message());
                *bad = j;
                return st;
            }
        }
        trade[j] = d.trade != 0;
        target[j] = d.target_delta;
        hvol[j] = d.hedge_vol;
    }
    return HEDGE_OK;
}

/* Simulates paths first .. first + n - 1 (n <= BLOCK). queue holds BLOCK * slots * 2 doubles: a
 * ring of slots of orders in flight, indexed by the step at which they execute; slot k holds the
 * block's units of spot or perpetual at queue[2 k BLOCK + j] and of the hedge option at
 * queue[(2 k + 1) BLOCK + j], so that every per-step pass over the block is a loop over j. On
 * failure writes the message and the failing path. */
static hedge_status run_block(const run *R, size_t first, size_t n, double *queue, char *msg, size_t *bad_path) {
    const size_t N = R->steps, L = R->slots - 1, slots = R->slots;
    const bool perp = R->hg.instrument == HEDGE_SIM_PERPETUAL, opt2 = R->hg.instrument == HEDGE_SIM_OPTION;
    const double q = R->opt.quantity, r = R->opt.rate, T = R->opt.expiry, vol = R->opt.hedge_vol;
    hedge__sim_path path[BLOCK];
    double S[BLOCK], h[BLOCK], n2[BLOCK], cash[BLOCK], cost[BLOCK], fund[BLOCK], trades[BLOCK];
    double last[BLOCK]; /* step of the last decision to trade, -1 before the first */
    int32_t type1[BLOCK], type2[BLOCK];
    double K1[BLOCK], K2[BLOCK], tau1[BLOCK], tau2[BLOCK], rate[BLOCK], yield[BLOCK], sig[BLOCK];
    double d1[BLOCK], g1[BLOCK], p2[BLOCK], d2[BLOCK], g2[BLOCK], next[BLOCK];
    double D[BLOCK], G[BLOCK], days[BLOCK], pend[BLOCK], held2[BLOCK], target[BLOCK], hvol[BLOCK];
    bool trade[BLOCK];
    hedge_greeks_arrays out1 = HEDGE_GREEKS_ARRAYS_INIT, out2 = HEDGE_GREEKS_ARRAYS_INIT;
    out1.delta = d1;
    out1.gamma = g1;
    out2.price = p2;
    out2.delta = d2;
    out2.gamma = g2;
    memset(queue, 0, (size_t)BLOCK * slots * 2 * sizeof *queue);
    for (size_t j = 0; j < n; j++) {
        hedge__sim_path_start(&path[j], &R->m, R->seed, first + j);
        S[j] = path[j].S;
        h[j] = n2[j] = cost[j] = fund[j] = trades[j] = 0.0;
        p2[j] = d2[j] = g2[j] = 0.0;
        cash[j] = -q * R->V0;
        last[j] = -1.0;
        type1[j] = (int32_t)R->opt.type;
        type2[j] = (int32_t)R->hg.option_type;
        K1[j] = R->opt.strike;
        K2[j] = R->hg.option_strike;
        rate[j] = r;
        yield[j] = 0.0;
        sig[j] = vol;
    }
    hedge_rebalance_state s = HEDGE_REBALANCE_STATE_INIT;
    s.vol = vol;
    s.rate = r;
    for (size_t i = 0; i < N; i++) {
        const double t = (double)i * R->dt, tau = T - t, disc = exp(-r * t), disc_next = exp(-r * (t + R->dt));
        for (size_t j = 0; j < n; j++) {
            tau1[j] = tau;
            tau2[j] = R->hg.option_expiry - t;
        }
        /* inputs were validated, so every element prices */
        (void)hedge_bsm_greeks_batch(n, type1, S, K1, tau1, rate, yield, sig, &out1);
        if (opt2)
            (void)hedge_bsm_greeks_batch(n, type2, S, K2, tau2, rate, yield, sig, &out2);
        if (i + L < N) { /* a decision now executes before expiry */
            for (size_t j = 0; j < n; j++)
                pend[j] = held2[j] = 0.0;
            for (size_t k = 0; k < slots; k++) { /* orders in flight */
                const double *o1 = queue + 2 * k * BLOCK, *o2 = o1 + BLOCK;
                for (size_t j = 0; j < n; j++) {
                    pend[j] += o1[j];
                    held2[j] += o2[j];
                }
            }
            const double step = (double)i;
            for (size_t j = 0; j < n; j++) {
                held2[j] += n2[j];
                D[j] = q * d1[j] + h[j] + pend[j] + held2[j] * d2[j];
                G[j] = q * g1[j] + held2[j] * g2[j];
                /* a hair over the days elapsed, so that 7 steps of 1/7 week meet a 1-week interval */
                double elapsed = (step - last[j]) * R->dt_days * (1.0 + 1e-12);
                days[j] = last[j] < 0.0 ? HUGE_VAL : elapsed;
            }
            hedge_status st = decide(R, &s, n, D, G, S, days, tau, trade, target, hvol, msg, bad_path);
            if (st) {
                *bad_path += first;
                return st;
            }
            double *o1 = queue + 2 * ((i + L) % slots) * BLOCK, *o2 = o1 + BLOCK;
            for (size_t j = 0; j < n; j++) {
                if (!trade[j])
                    continue;
                last[j] = step;
                greeks2 g = {d1[j], g1[j], p2[j], d2[j], g2[j]};
                if (hvol[j] != vol)
                    scalar_greeks(&g, R, S[j], tau, tau2[j], hvol[j]);
                double dn2 = 0.0;
                if (opt2 && g.g2 > 0.0 && isfinite(g.g2))
                    dn2 = -q * g.g1 / g.g2 - held2[j];
                double dh = target[j] - (q * g.d1 + (held2[j] + dn2) * g.d2 + h[j] + pend[j]);
                /* what rounding leaves (the hedge option's gamma against an equal one) is no order */
                o1[j] += fabs(dh) > R->min_order ? dh : 0.0;
                o2[j] += fabs(dn2) > R->min_order ? dn2 : 0.0;
            }
        }
        /* the orders due now: a pass without branches (an empty slot adds 0 everywhere) */
        double *due1 = queue + 2 * (i % slots) * BLOCK, *due2 = due1 + BLOCK;
        const double k_rate = R->hg.cost_rate, k_fixed = R->hg.fixed_cost;
        const double spot_paid = perp ? 0.0 : 1.0; /* spot pays cash for its units; a perpetual does not */
        for (size_t j = 0; j < n; j++) {
            double u = due1[j], v = due2[j];
            /* every value computed, then selected: a loop that vectorises */
            double ku = k_rate * fabs(u) * S[j] + k_fixed, kv = k_rate * fabs(v) * S[j] + k_fixed;
            double pu = spot_paid * u * S[j] + ku, pv = v * p2[j] + kv;
            double cu = u != 0.0 ? ku : 0.0, cv = v != 0.0 ? kv : 0.0;
            double paid_u = u != 0.0 ? pu : 0.0, paid_v = v != 0.0 ? pv : 0.0;
            cash[j] -= paid_u + paid_v;
            cost[j] += (cu + cv) * disc;
            trades[j] += (u != 0.0 ? 1.0 : 0.0) + (v != 0.0 ? 1.0 : 0.0);
            h[j] += u;
            n2[j] += v;
            due1[j] = due2[j] = 0.0;
        }
        /* to the next step: interest on the cash, the perpetual's settlement and funding */
        hedge__sim_paths_step(path, n, &R->m, next);
        for (size_t j = 0; j < n; j++) {
            cash[j] *= R->growth;
            if (perp) {
                double f = -h[j] * S[j] * R->hg.funding_rate * R->dt;
                cash[j] += h[j] * (next[j] - S[j]) + f;
                fund[j] += f * disc_next;
            }
            S[j] = next[j];
        }
    }
    /* expiry: the payoff, the hedge closed at S_T, everything discounted to time 0 */
    const double disc_T = exp(-r * T), tau2_T = R->hg.option_expiry - T;
    for (size_t j = 0; j < n; j++) {
        double payoff = fmax((double)R->opt.type * (S[j] - R->opt.strike), 0.0);
        cash[j] += q * payoff;
        /* what is held is worth its value at S_T whatever its size; a remainder below the
         * rounding size (what rounding left when the delta went to 0) is closed without an order,
         * as any other order that small is not placed: no fixed cost, no trade */
        if (h[j] != 0.0) {
            if (!perp)
                cash[j] += h[j] * S[j];
            if (fabs(h[j]) > R->min_order) {
                double c = order_cost(R, h[j], S[j]);
                cash[j] -= c;
                cost[j] += c * disc_T;
                trades[j] += 1.0;
            }
        }
        if (n2[j] != 0.0) {
            double v2 = 0.0;
            (void)hedge_bsm_price(&v2, R->hg.option_type, S[j], R->hg.option_strike, tau2_T, r, 0.0, vol);
            cash[j] += n2[j] * v2;
            if (fabs(n2[j]) > R->min_order) {
                double c = order_cost(R, n2[j], S[j]);
                cash[j] -= c;
                cost[j] += c * disc_T;
                trades[j] += 1.0;
            }
        }
        size_t p = first + j;
        if (!isfinite(cash[j]) || !isfinite(cost[j]) || !isfinite(fund[j])) {
            /* a model whose spot leaves the doubles (overflow to infinity, underflow to 0 after the
             * last decision): an error, never a silent NaN in the statistics */
            snprintf(msg, MSG_BYTES, "the P&L is not finite (S_T = %g): the path model overflows", S[j]);
            *bad_path = p;
            return HEDGE_ERR_DOMAIN;
        }
        R->pnl[p] = cash[j] * disc_T;
        R->cost[p] = cost[j];
        R->funding[p] = fund[j];
        R->trades[p] = trades[j];
    }
    return HEDGE_OK;
}

/* ---- threads and progress ------------------------------------------------------------------- */

typedef struct shared {
    const run *R;
    size_t n_blocks;
    atomic_size_t next_block;
    atomic_int stop; /* cancelled or failed: take no more blocks */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t done;     /* paths finished (under mu) */
    unsigned active; /* worker threads still taking blocks (under mu) */
    hedge_status status;
    size_t bad_path;
    char msg[MSG_BYTES];
} shared;

typedef struct worker_arg {
    shared *sh;
    double *queue;
} worker_arg;

/* Takes blocks until none is left or the run stops; true when it ran one (*ran paths). */
static bool take_block(shared *sh, double *queue, size_t *ran) {
    if (atomic_load(&sh->stop))
        return false;
    size_t b = atomic_fetch_add(&sh->next_block, 1);
    if (b >= sh->n_blocks)
        return false;
    size_t first = b * BLOCK, n = sh->R->n_paths - first < BLOCK ? sh->R->n_paths - first : BLOCK;
    char msg[MSG_BYTES];
    size_t bad = 0;
    hedge_status st = run_block(sh->R, first, n, queue, msg, &bad);
    pthread_mutex_lock(&sh->mu);
    sh->done += n;
    if (st && (sh->status == HEDGE_OK || bad < sh->bad_path)) {
        sh->status = st;
        sh->bad_path = bad;
        memcpy(sh->msg, msg, sizeof msg);
        atomic_store(&sh->stop, 1);
    }
    pthread_cond_broadcast(&sh->cv);
    pthread_mutex_unlock(&sh->mu);
    *ran = n;
    return true;
}

static void *worker(void *arg) {
    worker_arg *w = arg;
    size_t ran;
    while (take_block(w->sh, w->queue, &ran)) {
    }
    pthread_mutex_lock(&w->sh->mu);
    w->sh->active--;
    pthread_cond_broadcast(&w->sh->cv);
    pthread_mutex_unlock(&w->sh->mu);
    return NULL;
}

/* Reports progress when it moved; a non-zero answer stops the run. */
static void report(shared *sh, const hedge_sim_options *o, size_t *reported, bool *cancelled) {
    if (!o->progress || *cancelled)
        return;
    pthread_mutex_lock(&sh->mu);
    size_t d = sh->done;
    pthread_mutex_unlock(&sh->mu);
    if (d > *reported) {
        *reported = d;
        if (o->progress(o->payload, d, sh->R->n_paths) != 0) {
            *cancelled = true;
            atomic_store(&sh->stop, 1);
        }
    }
}

/* Runs every block on `threads` threads (the calling thread one of them) and reports progress from
 * the calling thread. Returns the first failure, HEDGE_ERR_CANCELLED, or HEDGE_OK. */
static hedge_status run_all(const run *R, const hedge_sim_options *o, unsigned threads, double *queues,
                            size_t queue_len) {
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.R = R;
    sh.n_blocks = (R->n_paths + BLOCK - 1) / BLOCK;
    atomic_init(&sh.next_block, 0);
    atomic_init(&sh.stop, 0);
    sh.status = HEDGE_OK;
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.cv, NULL);
    worker_arg args[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (unsigned t = 1; t < threads; t++) {
        args[t] = (worker_arg){&sh, queues + t * queue_len};
        pthread_mutex_lock(&sh.mu);
        sh.active++;
        pthread_mutex_unlock(&sh.mu);
        started[t] = pthread_create(&tid[t], NULL, worker, &args[t]) == 0;
        if (!started[t]) { /* the calling thread does its share */
            pthread_mutex_lock(&sh.mu);
            sh.active--;
            pthread_mutex_unlock(&sh.mu);
        }
    }
    size_t reported = 0, ran;
    bool cancelled = false;
    while (take_block(&sh, queues, &ran))
        report(&sh, o, &reported, &cancelled);
    /* the others' last blocks: progress as they finish */
    pthread_mutex_lock(&sh.mu);
    while (sh.active > 0) {
        size_t seen = sh.done;
        while (sh.active > 0 && sh.done == seen)
            pthread_cond_wait(&sh.cv, &sh.mu);
        pthread_mutex_unlock(&sh.mu);
        report(&sh, o, &reported, &cancelled);
        pthread_mutex_lock(&sh.mu);
    }
    pthread_mutex_unlock(&sh.mu);
    for (unsigned t = 1; t < threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    report(&sh, o, &reported, &cancelled);
    pthread_cond_destroy(&sh.cv);
    pthread_mutex_destroy(&sh.mu);
    if (sh.status)
        return hedge__fail(NULL, sh.status, "hedge_sim_run: path %zu: %s", sh.bad_path, sh.msg);
    if (cancelled)
        return hedge__fail(NULL, HEDGE_ERR_CANCELLED, "hedge_sim_run: cancelled by the progress callback");
    return HEDGE_OK;
}

/* ---- statistics ------------------------------------------------------------------------------ */

static double mean_of(const double *x, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

/* VaR and CVaR by hedge_scenario_var()'s definitions (lower quantile of the loss, Acerbi-Tasche
 * expected shortfall), as the hedge solver's summary reports them: the library has one VaR. Both
 * levels from one sort; `work` holds 2 n doubles. A non-finite P&L leaves them NaN, which the
 * caller refuses with its reason. */
static void tails(hedge_sim_stats *st, const double *pnl, size_t n, double *work) {
    static const double levels[2] = {0.95, 0.99};
    double var[2], es[2];
    if (!hedge__var_es_equal(pnl, n, levels, 2, var, es, work))
        var[0] = var[1] = es[0] = es[1] = NAN;
    st->var95 = var[0], st->cvar95 = es[0], st->var99 = var[1], st->cvar99 = es[1];
}

static void statistics(hedge_sim_stats *st, const run *R, double *work) {
    size_t n = R->n_paths;
    st->paths = n;
    st->option_price = R->V0;
    st->mean = mean_of(R->pnl, n);
    double ss = 0.0, worst = HUGE_VAL, best = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        ss += (R->pnl[i] - st->mean) * (R->pnl[i] - st->mean);
        worst = fmin(worst, R->pnl[i]);
        best = fmax(best, R->pnl[i]);
    }
    st->std = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    tails(st, R->pnl, n, work);
    st->worst = worst;
    st->best = best;
    st->mean_cost = mean_of(R->cost, n);
    st->mean_funding = mean_of(R->funding, n);
    st->mean_trades = mean_of(R->trades, n);
    double premium = fabs(R->opt.quantity) * R->V0;
    st->std_over_price = premium > 0.0 ? st->std / premium : 0.0;
}

/* ---- the entry point -------------------------------------------------------------------------- */

hedge_status hedge__sim_check(const hedge_sim_option *o, const hedge_sim_hedge *g, const char *fn) {
    if (o->type != HEDGE_CALL && o->type != HEDGE_PUT)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown option type %d", fn, (int)o->type);
    if ((unsigned)g->instrument > HEDGE_SIM_OPTION)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown hedge instrument %d", fn, (int)g->instrument);
    if (g->instrument == HEDGE_SIM_OPTION && g->option_type != HEDGE_CALL && g->option_type != HEDGE_PUT)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown hedge option type %d", fn, (int)g->option_type);
    struct { const char *name; double v; bool ok; } checks[] = {
        {"option quantity", o->quantity, isfinite(o->quantity) && o->quantity != 0.0},
        {"option strike", o->strike, o->strike > 0.0 && o->strike < HUGE_VAL},
        {"option expiry", o->expiry, o->expiry > 0.0 && o->expiry < HUGE_VAL},
        {"option rate", o->rate, isfinite(o->rate)},
        {"option hedge_vol", o->hedge_vol, o->hedge_vol > 0.0 && o->hedge_vol < HUGE_VAL},
        {"hedge funding_rate", g->funding_rate, isfinite(g->funding_rate)},
        {"hedge option_strike", g->option_strike,
         g->instrument != HEDGE_SIM_OPTION || (g->option_strike > 0.0 && g->option_strike < HUGE_VAL)},
        {"hedge option_expiry", g->option_expiry,
         g->instrument != HEDGE_SIM_OPTION || (g->option_expiry >= o->expiry && g->option_expiry < HUGE_VAL)},
        {"hedge cost_rate", g->cost_rate, g->cost_rate >= 0.0 && g->cost_rate < 1.0},
        {"hedge fixed_cost", g->fixed_cost, g->fixed_cost >= 0.0 && g->fixed_cost < HUGE_VAL},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (!checks[i].ok)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s %g is out of range", fn, checks[i].name, checks[i].v);
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_sim_run(hedge_sim_stats *stats, double *pnl, size_t n_pnl, hedge_context *ctx,
                                     const hedge_sim_paths *paths, const hedge_sim_option *option,
                                     const hedge_sim_hedge *hedge, const hedge_rebalance_policy *policy,
                                     const hedge_sim_options *options) {
    static const char fn[] = "hedge_sim_run";
    if (!stats || !ctx || !paths || !option || !hedge || !policy ||
        stats->struct_size < offsetof(hedge_sim_stats, paths) + sizeof(size_t))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument or stats struct_size too small", fn);
    run R;
    memset(&R, 0, sizeof R);
    hedge_sim_options o = HEDGE_SIM_OPTIONS_INIT;
    R.opt = (hedge_sim_option)HEDGE_SIM_OPTION_INIT;
    R.hg = (hedge_sim_hedge)HEDGE_SIM_HEDGE_INIT;
    R.pol = (hedge_rebalance_policy)HEDGE_REBALANCE_POLICY_INIT;
    hedge_status st;
    if ((options && (st = hedge__options_copy(&o, sizeof o, options, fn))) ||
        (st = hedge__options_copy(&R.opt, sizeof R.opt, option, fn)) ||
        (st = hedge__options_copy(&R.hg, sizeof R.hg, hedge, fn)) ||
        (st = hedge__options_copy(&R.pol, sizeof R.pol, policy, fn)) || (st = hedge__sim_check(&R.opt, &R.hg, fn)) ||
        (st = hedge__sim_model_setup(&R.m, paths, R.opt.expiry, o.steps, fn)))
        return st;
    if (R.hg.latency_steps >= o.steps)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: latency of %zu steps leaves no decision in %zu steps", fn,
                           R.hg.latency_steps, o.steps);
    size_t n_paths = o.paths;
    if (R.m.kind == HEDGE_SIM_REPLAY) {
        if (n_paths == 0)
            n_paths = R.m.n_windows;
        if (n_paths > R.m.n_windows)
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: the series gives %zu paths of %zu steps, %zu asked", fn,
                               R.m.n_windows, o.steps, n_paths);
    }
    if (n_paths == 0)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: paths must be >= 1", fn);
    if (pnl && n_pnl < n_paths)
        return hedge__fail(ctx, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: the P&L buffer holds %zu of %zu paths", fn, n_pnl,
                           n_paths);
    R.n_paths = n_paths;
    R.steps = o.steps;
    R.slots = R.hg.latency_steps + 1;
    R.seed = o.seed;
    R.dt = R.m.dt;
    R.dt_days = R.dt * 365.0;
    R.growth = exp(R.opt.rate * R.dt);
    R.min_order = 1e-9 * fabs(R.opt.quantity);
    if ((st = hedge_bsm_price(&R.V0, R.opt.type, R.m.S0, R.opt.strike, R.opt.expiry, R.opt.rate, 0.0,
                              R.opt.hedge_vol)))
        return st;
    {
        /* the policy against the position at time 0: a rule the position cannot use fails here,
         * before any thread starts (Leland's volatility for a long option hedged too often) */
        hedge_greeks g = HEDGE_GREEKS_INIT;
        (void)hedge_bsm_greeks(&g, R.opt.type, R.m.S0, R.opt.strike, R.opt.expiry, R.opt.rate, 0.0, R.opt.hedge_vol);
        hedge_rebalance_state s0 = HEDGE_REBALANCE_STATE_INIT;
        s0.delta = R.opt.quantity * g.delta;
        s0.gamma = R.opt.quantity * g.gamma;
        s0.spot = R.m.S0;
        s0.vol = R.opt.hedge_vol;
        s0.rate = R.opt.rate;
        s0.time_left = R.opt.expiry;
        s0.days_since_last = HUGE_VAL;
        hedge_rebalance_decision d = HEDGE_REBALANCE_DECISION_INIT;
        if ((st = hedge_rebalance_decide(&d, &R.pol, &s0)))
            return st;
    }

    enum { MAX = MAX_THREADS };
    unsigned threads = o.threads < 1 ? 1 : o.threads > MAX ? MAX : o.threads;
    size_t n_blocks = (n_paths + BLOCK - 1) / BLOCK;
    if (threads > n_blocks)
        threads = (unsigned)n_blocks;
    size_t arrays, queue_len, queue_bytes;
    if (!hedge__mul_size(n_paths, 6 * sizeof(double), &arrays) ||
        !hedge__mul_size((size_t)BLOCK * 2 * sizeof(double), R.slots, &queue_len) ||
        !hedge__mul_size(queue_len, threads, &queue_bytes))
        return hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: %zu paths (latency %zu) are too many", fn, n_paths,
                           R.hg.latency_steps);
    queue_len /= sizeof(double);
    double *buf = hedge__alloc(ctx, arrays, 0);
    double *queues = buf ? hedge__alloc(ctx, queue_bytes, 0) : NULL;
    if (!buf || !queues) {
        hedge__free(ctx, buf, arrays, 0);
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate for %zu paths", fn, n_paths);
    }
    R.pnl = buf;
    R.cost = buf + n_paths;
    R.funding = buf + 2 * n_paths;
    R.trades = buf + 3 * n_paths;
    double *work = buf + 4 * n_paths; /* 2 n_paths: the statistics' VaR */
    st = run_all(&R, &o, threads, queues, queue_len);
    hedge_sim_stats out = HEDGE_SIM_STATS_INIT;
    if (st == HEDGE_OK) {
        statistics(&out, &R, work);
        const double all[] = {out.mean, out.std, out.var95, out.cvar95, out.var99, out.cvar99, out.worst, out.best,
                              out.mean_cost, out.mean_funding, out.mean_trades, out.std_over_price};
        for (size_t i = 0; i < sizeof all / sizeof all[0] && st == HEDGE_OK; i++)
            if (!isfinite(all[i])) /* finite P&L whose sums overflow: a model far outside its range */
                st = hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: the P&L (worst %g, best %g) is too large to summarise: "
                                 "the path model overflows", fn, out.worst, out.best);
    }
    if (st == HEDGE_OK) {
        hedge__output_copy(stats, &out, sizeof out);
        if (pnl)
            memcpy(pnl, R.pnl, n_paths * sizeof *pnl);
    }
    hedge__free(ctx, queues, queue_bytes, 0);
    hedge__free(ctx, buf, arrays, 0);
    return st;
}
