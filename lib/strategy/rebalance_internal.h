/*
 * The rules of hedge_rebalance_decide() without its argument checks, shared with the hedging
 * simulator: the simulator checks its policy once per run and then applies it to every path at
 * every step, where copying and re-checking the policy took more time than the rule itself. Both
 * callers run this same code, so their decisions are the same.
 */
#ifndef HEDGE_STRATEGY_REBALANCE_INTERNAL_H
#define HEDGE_STRATEGY_REBALANCE_INTERNAL_H

#include <hedge/rebalance.h>

#include <math.h>
#include <stdbool.h>

/* Every state value in the range hedge_rebalance_decide() accepts. */
static inline bool hedge__rebalance_state_ok(const hedge_rebalance_state *s) {
    return isfinite(s->delta) && isfinite(s->gamma) && s->spot > 0.0 && s->spot < HUGE_VAL && s->vol > 0.0 &&
           s->vol < HUGE_VAL && isfinite(s->rate) && s->time_left >= 0.0 && s->time_left < HUGE_VAL &&
           s->days_since_last >= 0.0;
}

/* The calendar rule: it trades when the interval has passed, to net delta 0 with the state's
 * volatility; nothing else in the state matters to it. */
static inline bool hedge__rebalance_calendar_due(const hedge_rebalance_policy *p, double days_since_last) {
    return days_since_last >= p->interval_days;
}

/*
 * Applies a checked policy (a known rule, every parameter in range) to a state in range: the whole
 * decision, written to *d (its struct_size is left as it is). Returns false only when Leland's
 * adjusted variance would be negative, with the Leland number in *leland; *d is then unspecified.
 */
static inline bool hedge__rebalance_apply(hedge_rebalance_decision *d, const hedge_rebalance_policy *p,
                                          const hedge_rebalance_state *s, double *leland) {
    d->trade = 0;
    d->target_delta = s->delta;
    d->band = 0.0;
    d->hedge_vol = s->vol;
    d->benefit_usd = 0.0;
    d->cost_usd = 0.0;
    double D = s->delta, k = p->cost_rate;
    switch (p->rule) {
    case HEDGE_REBALANCE_CALENDAR:
        d->trade = hedge__rebalance_calendar_due(p, s->days_since_last);
        break;
    case HEDGE_REBALANCE_LELAND: {
        /* Leland: the cost of rebalancing every dt is an extra variance sqrt(2/pi) k sigma / sqrt(dt)
         * that a short option (negative gamma) pays and a long one earns */
        double dt = p->interval_days / 365.0, sign = s->gamma <= 0.0 ? 1.0 : -1.0;
        double le = sqrt(2.0 / 3.14159265358979323846) * k / (s->vol * sqrt(dt));
        double v2 = s->vol * s->vol * (1.0 + sign * le);
        if (!(v2 > 0.0)) {
            *leland = le;
            return false;
        }
        d->hedge_vol = sqrt(v2);
        d->trade = s->days_since_last >= p->interval_days;
        break;
    }
    case HEDGE_REBALANCE_DELTA_BAND:
        d->band = p->band;
        d->trade = fabs(D) > p->band;
        break;
    case HEDGE_REBALANCE_WHALLEY_WILMOTT: {
        double H = cbrt(1.5 * exp(-s->rate * s->time_left) * k * s->spot * s->gamma * s->gamma / p->risk_aversion);
        d->band = H;
        d->trade = fabs(D) > H;
        break;
    }
    case HEDGE_REBALANCE_COST_RISK: {
        double h = p->horizon_days / 365.0, x = D * s->spot * s->vol;
        d->benefit_usd = 0.5 * p->risk_aversion * x * x * h;
        d->cost_usd = k * fabs(D) * s->spot + p->fixed_cost;
        d->trade = D != 0.0 && d->benefit_usd > d->cost_usd;
        break;
    }
    }
    if (d->trade) {
        bool edge = p->rule == HEDGE_REBALANCE_WHALLEY_WILMOTT || (p->rule == HEDGE_REBALANCE_DELTA_BAND && p->to_edge);
        d->target_delta = edge ? copysign(d->band, D) : 0.0;
    }
    return true;
}

#endif
