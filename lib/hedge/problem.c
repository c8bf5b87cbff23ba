/*
 * Hedge problems: validated, owned copies of the candidates, targets, objective and limits. A
 * setter checks everything before it changes anything, and builds its copies off to the side, so a
 * rejected call (bad data or no memory) leaves the problem as it was.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include "hedge/hedge_internal.h"

#include "core/internal.h"

#include <hedge/instrument.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *hedge__target_greek_name(hedge_greek g) {
    switch (g) {
    case HEDGE_GREEK_DELTA_COIN: return "delta_coin";
    case HEDGE_GREEK_DELTA_USD: return "delta_usd";
    case HEDGE_GREEK_GAMMA_USD: return "gamma_usd";
    case HEDGE_GREEK_VEGA_USD: return "vega_usd";
    case HEDGE_GREEK_THETA_USD: return "theta_usd";
    }
    return NULL;
}

static void free_objective_copies(hedge_problem *p) {
    for (size_t i = 0; i < p->obj.n_benchmark; i++)
        hedge_instrument_destroy(p->bench_refs[i]);
    hedge__free(p->ctx, p->bench, p->obj.n_benchmark * sizeof *p->bench, 0);
    hedge__free(p->ctx, p->bench_refs, p->obj.n_benchmark * sizeof *p->bench_refs, 0);
    p->bench_refs = NULL;
    hedge__free(p->ctx, p->scenarios, p->obj.n_scenarios * sizeof *p->scenarios, 0);
    hedge__free(p->ctx, p->shifts, p->n_shifts * sizeof *p->shifts, 0);
    hedge__free(p->ctx, p->shift_names, p->n_shifts * sizeof *p->shift_names, 0);
    p->bench = NULL;
    p->scenarios = NULL;
    p->shifts = NULL;
    p->shift_names = NULL;
    p->n_shifts = 0;
}

static void free_limit_copies(hedge_problem *p) {
    hedge__free(p->ctx, p->venues, p->lim.n_venues * sizeof *p->venues, 0);
    hedge__free(p->ctx, p->venue_ptrs, p->lim.n_venues * sizeof *p->venue_ptrs, 0);
    hedge__free(p->ctx, p->cap_venues, p->lim.n_venue_caps * sizeof *p->cap_venues, 0);
    hedge__free(p->ctx, p->cap_venue_ptrs, p->lim.n_venue_caps * sizeof *p->cap_venue_ptrs, 0);
    hedge__free(p->ctx, p->venue_caps, p->lim.n_venue_caps * sizeof *p->venue_caps, 0);
    p->venues = p->cap_venues = NULL;
    p->venue_ptrs = p->cap_venue_ptrs = NULL;
    p->venue_caps = NULL;
}

HEDGE_API void hedge_problem_destroy(hedge_problem *p) {
    if (!p)
        return;
    free_objective_copies(p);
    free_limit_copies(p);
    hedge__free(p->ctx, p->cands, p->cap_cands * sizeof *p->cands, 0);
    hedge__free(p->ctx, p->targets, p->cap_targets * sizeof *p->targets, 0);
    hedge__free(p->ctx, p, sizeof *p, 0);
}

HEDGE_API hedge_status hedge_problem_create(hedge_problem **out, hedge_context *ctx) {
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "hedge_problem_create: out is NULL");
    *out = NULL;
    if (!ctx)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_problem_create: ctx is NULL");
    hedge_problem *p = hedge__alloc(ctx, sizeof *p, 0);
    if (!p)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "hedge_problem_create: out of memory");
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
    p->obj = (hedge_objective)HEDGE_OBJECTIVE_INIT;
    p->lim = (hedge_limits)HEDGE_LIMITS_INIT;
    p->margin = (hedge_margin_options)HEDGE_MARGIN_OPTIONS_INIT;
    *out = p;
    return HEDGE_OK;
}

/* Copies a name of 1 to cap - 1 bytes; false if it is empty or too long. */
static bool copy_name(char *dst, size_t cap, const char *src) {
    size_t len = src ? strnlen(src, cap) : 0;
    if (len == 0 || len >= cap)
        return false;
    memcpy(dst, src, len + 1);
    return true;
}

static bool is_nan(double x) { return x != x; }

HEDGE_API hedge_status hedge_problem_add_candidate(hedge_problem *p, const hedge_candidate *candidate) {
    static const char fn[] = "hedge_problem_add_candidate";
    if (!p || !candidate)
        return hedge__fail(p ? p->ctx : NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge__cand k;
    memset(&k, 0, sizeof k);
    k.c = (hedge_candidate)HEDGE_CANDIDATE_INIT;
    hedge_status st = hedge__options_copy(&k.c, sizeof k.c, candidate, fn);
    if (st)
        return st;
    const hedge_candidate *c = &k.c;
    if (!copy_name(k.symbol, sizeof k.symbol, c->symbol))
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: symbol must be 1 to %d bytes", fn,
                           HEDGE__SYMBOL_BYTES - 1);
    if (c->venue && !(k.has_venue = copy_name(k.venue, sizeof k.venue, c->venue)))
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: %s: venue must be 1 to %d bytes", fn, k.symbol,
                           HEDGE__NAME_BYTES - 1);
    struct { const char *name; double v; bool ok; } checks[] = {
        { "taker_fee", c->taker_fee, isfinite(c->taker_fee) && fabs(c->taker_fee) < 1.0 },
        { "maker_fee", c->maker_fee, isfinite(c->maker_fee) && fabs(c->maker_fee) < 1.0 },
        { "fee_cap", c->fee_cap, isfinite(c->fee_cap) && c->fee_cap >= 0.0 },
        { "fee_usd", c->fee_usd, isfinite(c->fee_usd) && c->fee_usd >= 0.0 },
        { "fixed_cost", c->fixed_cost, isfinite(c->fixed_cost) && c->fixed_cost >= 0.0 },
        { "impact", c->impact, isfinite(c->impact) && c->impact >= 0.0 },
        { "lot_size", c->lot_size, isfinite(c->lot_size) && c->lot_size >= 0.0 },
        { "min_size", c->min_size, isfinite(c->min_size) && c->min_size >= 0.0 },
        { "min_trade", c->min_trade, !is_nan(c->min_trade) && c->min_trade < HUGE_VAL },
        { "max_trade", c->max_trade, !is_nan(c->max_trade) && c->max_trade > -HUGE_VAL && c->max_trade >= c->min_trade },
        { "min_position", c->min_position, !is_nan(c->min_position) && c->min_position < HUGE_VAL },
        { "max_position", c->max_position,
          !is_nan(c->max_position) && c->max_position > -HUGE_VAL && c->max_position >= c->min_position },
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (!checks[i].ok)
            return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: %s: %s %g is out of range", fn, k.symbol, checks[i].name,
                               checks[i].v);
    if (c->buy_only && c->max_trade <= 0.0)
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: %s: buy_only with max_trade %g leaves nothing to buy", fn,
                           k.symbol, c->max_trade);
    for (size_t i = 0; i < p->n_cands; i++)
        if (strcmp(p->cands[i].symbol, k.symbol) == 0 && strcmp(p->cands[i].venue, k.venue) == 0)
            return hedge__fail(p->ctx, HEDGE_ERR_EXISTS, "%s: %s on %s is already a candidate", fn, k.symbol,
                               k.has_venue ? k.venue : "its own venue");
    if ((st = hedge__vec_reserve(p->ctx, (void **)&p->cands, &p->cap_cands, p->n_cands + 1, sizeof *p->cands)))
        return st;
    hedge__cand *dst = &p->cands[p->n_cands++];
    *dst = k;
    /* the pointers are set on use (the array may move); keep them NULL here so that a copy of the
     * struct never dangles */
    dst->c.symbol = NULL;
    dst->c.venue = NULL;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_problem_add_target(hedge_problem *p, const hedge_greek_target *target) {
    static const char fn[] = "hedge_problem_add_target";
    if (!p || !target)
        return hedge__fail(p ? p->ctx : NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge__target k;
    memset(&k, 0, sizeof k);
    k.t = (hedge_greek_target)HEDGE_GREEK_TARGET_INIT;
    hedge_status st = hedge__options_copy(&k.t, sizeof k.t, target, fn);
    if (st)
        return st;
    const hedge_greek_target *t = &k.t;
    const char *gname = hedge__target_greek_name(t->greek);
    if (!gname)
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: unknown greek %d", fn, (int)t->greek);
    if (t->underlying && !copy_name(k.underlying, sizeof k.underlying, t->underlying))
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: underlying must be 1 to %d bytes", fn,
                           HEDGE__NAME_BYTES - 1);
    if (!t->underlying && t->greek == HEDGE_GREEK_DELTA_COIN)
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG,
                           "%s: a coin delta needs an underlying (coins of different underlyings do not add up)", fn);
    if (!(t->min_days >= 0.0 && t->min_days < HUGE_VAL) || !(t->max_days >= t->min_days))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: %s: days [%g, %g] must satisfy 0 <= min_days <= max_days", fn,
                           gname, t->min_days, t->max_days);
    if (is_nan(t->lo) || is_nan(t->hi) || t->lo > t->hi || t->lo == HUGE_VAL || t->hi == -HUGE_VAL)
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: %s: band [%g, %g] is empty or not a number", fn, gname, t->lo,
                           t->hi);
    if (!isfinite(t->target) || !isfinite(t->weight) || t->weight < 0.0)
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: %s: target %g and weight %g must be finite, weight >= 0", fn,
                           gname, t->target, t->weight);
    if ((st = hedge__vec_reserve(p->ctx, (void **)&p->targets, &p->cap_targets, p->n_targets + 1, sizeof *p->targets)))
        return st;
    hedge__target *dst = &p->targets[p->n_targets++];
    *dst = k;
    dst->t.underlying = NULL; /* set on use, as for candidates; non-empty underlying[] means one */
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_problem_set_objective(hedge_problem *p, const hedge_objective *objective) {
    static const char fn[] = "hedge_problem_set_objective";
    if (!p || !objective)
        return hedge__fail(p ? p->ctx : NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge_objective o = HEDGE_OBJECTIVE_INIT;
    hedge_status st = hedge__options_copy(&o, sizeof o, objective, fn);
    if (st)
        return st;
    if (!(o.risk_aversion >= 0.0 && o.risk_aversion < HUGE_VAL))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: risk_aversion %g must be finite and >= 0", fn,
                           o.risk_aversion);
    if (!(o.horizon_days > 0.0 && o.horizon_days <= 36500.0))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: horizon_days %g must be in (0, 36500]", fn, o.horizon_days);
    if (o.spot_points < 2 || o.spot_points > 100000 || o.vol_points < 1 || o.vol_points > 1000 ||
        o.spot_points * o.vol_points > 100000)
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN,
                           "%s: spot_points %zu (2..100000) times vol_points %zu (1..1000) must be at most 100000", fn,
                           o.spot_points, o.vol_points);
    if (!(o.vol_of_vol >= 0.0 && o.vol_of_vol <= 100.0))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: vol_of_vol %g must be in [0, 100]", fn, o.vol_of_vol);
    if (!(o.var_confidence > 0.5 && o.var_confidence < 1.0))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: var_confidence %g must be in (0.5, 1)", fn, o.var_confidence);
    if ((o.n_scenarios && !o.scenarios) || (o.n_benchmark && !o.benchmark))
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: scenarios or benchmark NULL with a non-zero count", fn);

    /* check the scenarios and count their shifts */
    size_t n_shifts = 0;
    for (size_t s = 0; s < o.n_scenarios; s++) {
        const hedge_scenario *sc = &o.scenarios[s];
        if (sc->n_shifts && !sc->shifts)
            return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: scenario %zu has NULL shifts", fn, s);
        if (!(sc->days >= 0.0 && sc->days < HUGE_VAL))
            return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: scenario %zu: days %g must be finite and >= 0", fn, s,
                               sc->days);
        for (size_t i = 0; i < sc->n_shifts; i++) {
            const hedge_shift *sh = &sc->shifts[i];
            if (sh->underlying && (!sh->underlying[0] || strnlen(sh->underlying, HEDGE__NAME_BYTES) >= HEDGE__NAME_BYTES))
                return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: scenario %zu: underlying must be 1 to %d bytes", fn,
                                   s, HEDGE__NAME_BYTES - 1);
            if (!(sh->spot > -1.0 && sh->spot < HUGE_VAL) || !isfinite(sh->vol_rel) || !isfinite(sh->vol_abs))
                return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: scenario %zu: moves (%g, %g, %g) out of range", fn, s,
                                   sh->spot, sh->vol_rel, sh->vol_abs);
            for (size_t j = 0; j < i; j++) {
                const char *a = sc->shifts[j].underlying, *b = sh->underlying;
                if ((!a && !b) || (a && b && strcmp(a, b) == 0))
                    return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: scenario %zu shifts %s twice", fn, s,
                                       b ? b : "every underlying");
            }
        }
        if (n_shifts + sc->n_shifts < n_shifts)
            return hedge__fail(p->ctx, HEDGE_ERR_TOO_LARGE, "%s: too many shifts", fn);
        n_shifts += sc->n_shifts;
    }
    for (size_t i = 0; i < o.n_benchmark; i++) {
        const hedge_position *b = &o.benchmark[i];
        if (b->struct_size < offsetof(hedge_position, entry_price) || !b->instrument)
            return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: benchmark position %zu has no instrument", fn, i);
        if (!isfinite(b->quantity))
            return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: benchmark position %zu: quantity %g is not finite", fn, i,
                               b->quantity);
    }

    /* build the copies aside, then swap */
    hedge_scenario *scen = NULL;
    hedge_shift *shifts = NULL;
    char (*names)[HEDGE__NAME_BYTES] = NULL;
    hedge_position *bench = NULL;
    hedge_instrument **refs = NULL;
    size_t bs;
    bool ok = hedge__mul_size(o.n_scenarios, sizeof *scen, &bs) && hedge__mul_size(n_shifts, sizeof *names, &bs);
    if (!ok)
        return hedge__fail(p->ctx, HEDGE_ERR_TOO_LARGE, "%s: too many scenarios", fn);
    if ((o.n_scenarios && !(scen = hedge__alloc(p->ctx, o.n_scenarios * sizeof *scen, 0))) ||
        (n_shifts && !(shifts = hedge__alloc(p->ctx, n_shifts * sizeof *shifts, 0))) ||
        (n_shifts && !(names = hedge__alloc(p->ctx, n_shifts * sizeof *names, 0))) ||
        (o.n_benchmark && !(bench = hedge__alloc(p->ctx, o.n_benchmark * sizeof *bench, 0))) ||
        (o.n_benchmark && !(refs = hedge__alloc(p->ctx, o.n_benchmark * sizeof *refs, 0)))) {
        hedge__free(p->ctx, refs, o.n_benchmark * sizeof *refs, 0);
        hedge__free(p->ctx, scen, o.n_scenarios * sizeof *scen, 0);
        hedge__free(p->ctx, shifts, n_shifts * sizeof *shifts, 0);
        hedge__free(p->ctx, names, n_shifts * sizeof *names, 0);
        hedge__free(p->ctx, bench, o.n_benchmark * sizeof *bench, 0);
        return hedge__fail(p->ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    }
    size_t k = 0;
    for (size_t s = 0; s < o.n_scenarios; s++) {
        scen[s] = o.scenarios[s];
        scen[s].shifts = o.scenarios[s].n_shifts ? shifts + k : NULL;
        for (size_t i = 0; i < o.scenarios[s].n_shifts; i++, k++) {
            shifts[k] = o.scenarios[s].shifts[i];
            if (shifts[k].underlying) {
                snprintf(names[k], sizeof names[k], "%s", shifts[k].underlying);
                shifts[k].underlying = names[k];
            }
        }
    }
    for (size_t i = 0; i < o.n_benchmark; i++) {
        bench[i] = (hedge_position)HEDGE_POSITION_INIT;
        refs[i] = hedge_instrument_ref(o.benchmark[i].instrument);
        bench[i].instrument = refs[i];
        bench[i].quantity = o.benchmark[i].quantity;
    }
    free_objective_copies(p);
    p->obj = o;
    p->obj.scenarios = scen;
    p->obj.benchmark = bench;
    p->scenarios = scen;
    p->shifts = shifts;
    p->shift_names = names;
    p->n_shifts = n_shifts;
    p->bench = bench;
    p->bench_refs = refs;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_problem_set_limits(hedge_problem *p, const hedge_limits *limits) {
    static const char fn[] = "hedge_problem_set_limits";
    if (!p || !limits)
        return hedge__fail(p ? p->ctx : NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    hedge_limits l = HEDGE_LIMITS_INIT;
    hedge_status st = hedge__options_copy(&l, sizeof l, limits, fn);
    if (st)
        return st;
    if (is_nan(l.premium_budget) || l.premium_budget == -HUGE_VAL)
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: premium_budget %g must be a number above -inf", fn,
                           l.premium_budget);
    if (!(l.collateral >= 0.0))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: collateral %g must be >= 0", fn, l.collateral);
    if (!(l.depth_fraction > 0.0 && l.depth_fraction <= 1.0))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: depth_fraction %g must be in (0, 1]", fn, l.depth_fraction);
    hedge_margin_options m = HEDGE_MARGIN_OPTIONS_INIT;
    if (l.margin && (st = hedge__options_copy(&m, sizeof m, l.margin, fn)))
        return st;
    if (!(m.spot_range > 0.0 && m.spot_range < 1.0) || m.spot_steps < 1 || m.spot_steps > 10000 ||
        !(m.vol_up >= 0.0 && m.vol_up < HUGE_VAL) || !(m.vol_down >= 0.0 && m.vol_down < 1.0) ||
        !(m.delta_addon >= 0.0 && m.delta_addon < HUGE_VAL))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: margin grid settings out of range", fn);
    if ((l.n_venues && !l.venues) || (l.n_venue_caps && (!l.cap_venues || !l.venue_caps)))
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: venue lists NULL with a non-zero count", fn);
    for (size_t i = 0; i < l.n_venues; i++)
        if (!l.venues[i] || !l.venues[i][0] || strnlen(l.venues[i], HEDGE__NAME_BYTES) >= HEDGE__NAME_BYTES)
            return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: venues[%zu] must be 1 to %d bytes", fn, i,
                               HEDGE__NAME_BYTES - 1);
    for (size_t i = 0; i < l.n_venue_caps; i++) {
        if (!l.cap_venues[i] || !l.cap_venues[i][0] || strnlen(l.cap_venues[i], HEDGE__NAME_BYTES) >= HEDGE__NAME_BYTES)
            return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: cap_venues[%zu] must be 1 to %d bytes", fn, i,
                               HEDGE__NAME_BYTES - 1);
        if (!(l.venue_caps[i] >= 0.0) || is_nan(l.venue_caps[i]))
            return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN, "%s: venue_caps[%zu] %g must be >= 0", fn, i, l.venue_caps[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(l.cap_venues[j], l.cap_venues[i]) == 0)
                return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: venue %s is capped twice", fn, l.cap_venues[i]);
    }
    char (*venues)[HEDGE__NAME_BYTES] = NULL, (*cap_venues)[HEDGE__NAME_BYTES] = NULL;
    const char **vp = NULL, **cvp = NULL;
    double *caps = NULL;
    size_t nv = l.n_venues, nc = l.n_venue_caps;
    if (nv > SIZE_MAX / 64 || nc > SIZE_MAX / 64)
        return hedge__fail(p->ctx, HEDGE_ERR_TOO_LARGE, "%s: too many venues", fn);
    if ((nv && (!(venues = hedge__alloc(p->ctx, nv * sizeof *venues, 0)) ||
                !(vp = hedge__alloc(p->ctx, nv * sizeof *vp, 0)))) ||
        (nc && (!(cap_venues = hedge__alloc(p->ctx, nc * sizeof *cap_venues, 0)) ||
                !(cvp = hedge__alloc(p->ctx, nc * sizeof *cvp, 0)) ||
                !(caps = hedge__alloc(p->ctx, nc * sizeof *caps, 0))))) {
        hedge__free(p->ctx, venues, nv * sizeof *venues, 0);
        hedge__free(p->ctx, vp, nv * sizeof *vp, 0);
        hedge__free(p->ctx, cap_venues, nc * sizeof *cap_venues, 0);
        hedge__free(p->ctx, cvp, nc * sizeof *cvp, 0);
        hedge__free(p->ctx, caps, nc * sizeof *caps, 0);
        return hedge__fail(p->ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    }
    for (size_t i = 0; i < nv; i++) {
        snprintf(venues[i], sizeof venues[i], "%s", l.venues[i]);
        vp[i] = venues[i];
    }
    for (size_t i = 0; i < nc; i++) {
        snprintf(cap_venues[i], sizeof cap_venues[i], "%s", l.cap_venues[i]);
        cvp[i] = cap_venues[i];
        caps[i] = l.venue_caps[i];
    }
    free_limit_copies(p);
    p->lim = l;
    p->margin = m;
    p->lim.margin = &p->margin;
    p->venues = venues;
    p->venue_ptrs = vp;
    p->cap_venues = cap_venues;
    p->cap_venue_ptrs = cvp;
    p->venue_caps = caps;
    p->lim.venues = vp;
    p->lim.cap_venues = cvp;
    p->lim.venue_caps = caps;
    return HEDGE_OK;
}
