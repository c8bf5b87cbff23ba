/*
 * hedge_solve(): gathers what the problem needs from the market (each candidate's quote, costs and
 * Greeks per contract), revalues the book and the candidates under the scenarios, builds the
 * optimizer problem, solves it and maps the answer back into a result.
 *
 * Every candidate column is scaled by its lot size (x_j = lot_j u_j), so that lot sizes are plain
 * integrality of u_j, or else to a million USD of notional. A candidate on a venue with a notional
 * cap trades as a buy column and a sell column (x = u - v, both >= 0, the cap counting u + v): costs
 * are strictly increasing in both, so one of them is 0 at the optimum, and the cap costs one row per
 * venue where |x| columns would cost two dense rows per candidate (measured on 845 candidates: 5290
 * iterations and 5.3 s against 390 and 58 ms). Then two indicator binaries (buy, sell) per candidate
 * with a minimum size or a fixed cost.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, pthread_rwlock_t */

#include "hedge/hedge_internal.h"
#include "hedge/result_internal.h"

#include "core/internal.h"
#include "core/normal.h"
#include "risk/risk_internal.h"

#include <hedge/margin.h>
#include <hedge/risk.h>
#include <hedge/scenario.h>
#include <hedge/valuation.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Temporary blocks of one solve, freed together. */
typedef struct scratch {
    hedge_context *ctx;
    void *blk[48];
    size_t size[48];
    int n;
} scratch;

static void *salloc(scratch *s, size_t count, size_t elem) {
    size_t bytes;
    if (s->n == (int)(sizeof s->blk / sizeof s->blk[0]) || !hedge__mul_size(count ? count : 1, elem, &bytes))
        return NULL;
    void *p = hedge__alloc(s->ctx, bytes, 0);
    if (p) {
        memset(p, 0, bytes);
        s->blk[s->n] = p;
        s->size[s->n++] = bytes;
    }
    return p;
}

static void sfree_all(scratch *s) {
    while (s->n > 0) {
        s->n--;
        hedge__free(s->ctx, s->blk[s->n], s->size[s->n], 0);
    }
}

/* What the problem needs of one candidate, per contract. */
typedef struct cinfo {
    const hedge_instrument *inst;
    hedge_instrument_spec spec;
    const char *venue;
    char underlying[HEDGE__NAME_BYTES];
    double days;          /* to expiry */
    double mid;           /* premium currency */
    double usd_per_px;    /* USD per contract for a unit change of the quoted price */
    double notional;      /* USD */
    double fee, half_spread, impact, funding, premium; /* USD (impact: USD per contract squared) */
    double lb, ub;        /* trade bounds, contracts */
    double scale;         /* lot size, or 1 */
    double greek[5];      /* per hedge_greek */
    size_t row;           /* its row in the candidates' scenario matrices */
    bool allowed;
} cinfo;

static double greek_of(const hedge_valuation *v, hedge_greek g) {
    switch (g) {
    case HEDGE_GREEK_DELTA_COIN: return v->delta_coin;
    case HEDGE_GREEK_DELTA_USD: return v->delta_usd;
    case HEDGE_GREEK_GAMMA_USD: return v->gamma_coin * v->spot * v->spot / 100.0;
    case HEDGE_GREEK_VEGA_USD: return v->vega_usd;
    case HEDGE_GREEK_THETA_USD: return v->theta_usd;
    }
    return 0.0;
}

static const hedge_vol_surface *surface_of(const hedge_market *m, const hedge_instrument_spec *sp) {
    const hedge_vol_surface *s = NULL;
    if (sp->kind == HEDGE_INSTRUMENT_OPTION)
        (void)hedge_market_surface(&s, m, sp->underlying);
    return s;
}

/* Does a target count an instrument of this underlying and expiry? */
static bool target_counts(const hedge__target *t, const char *underlying, double days) {
    if (t->underlying[0] && strcmp(t->underlying, underlying) != 0)
        return false;
    return days >= t->t.min_days && days <= t->t.max_days;
}

/* The cost of walking a ladder beyond the half-spread, fitted as kappa q^2 (least squares in q^2,
 * through the origin), from both sides pooled. Prices are in the premium currency. */
static double impact_from_ladder(const hedge_quote *q, double mid, double usd_per_px) {
    double num = 0.0, den = 0.0;
    for (int side = 0; side < 2; side++) {
        const hedge_depth_level *lv = side ? q->bids : q->asks;
        size_t n = side ? q->n_bids : q->n_asks;
        double top = side ? q->bid : q->ask, cum_q = 0.0, cum_c = 0.0;
        for (size_t i = 0; i < n; i++) {
            cum_q += lv[i].size;
            cum_c += lv[i].size * fabs(lv[i].price - top);
            double q2 = cum_q * cum_q;
            num += q2 * cum_c;
            den += q2 * q2;
        }
    }
    (void)mid;
    return den > 0.0 ? fmax(num / den, 0.0) * usd_per_px : 0.0;
}

static bool venue_allowed(const hedge_limits *l, const char *venue) {
    if (l->n_venues == 0)
        return true;
    for (size_t i = 0; i < l->n_venues; i++)
        if (strcmp(l->venues[i], venue) == 0)
            return true;
    return false;
}

static hedge_status candidate_info(cinfo *ci, const hedge_problem *p, size_t j, const hedge_market *market,
                                   double horizon_years) {
    static const char fn[] = "hedge_solve";
    const hedge__cand *k = &p->cands[j];
    const hedge_snapshot *snap = hedge_market_snapshot(market);
    hedge_status st = hedge_market_find_instrument(&ci->inst, market, k->symbol);
    if (st)
        return hedge__fail(p->ctx, st, "%s: candidate %zu: %s is not an instrument of the market", fn, j, k->symbol);
    ci->spec = (hedge_instrument_spec)HEDGE_INSTRUMENT_SPEC_INIT;
    hedge_instrument_info(&ci->spec, ci->inst);
    ci->venue = k->has_venue ? k->venue : ci->spec.venue;
    if (!ci->venue)
        return hedge__fail(p->ctx, HEDGE_ERR_INVALID_ARG, "%s: candidate %s is venue-neutral: name the venue to trade on",
                           fn, k->symbol);
    snprintf(ci->underlying, sizeof ci->underlying, "%s", ci->spec.underlying);
    hedge_valuation v = HEDGE_VALUATION_INIT;
    if ((st = hedge_instrument_value(&v, ci->inst, snap, surface_of(market, &ci->spec)))) {
        char why[256];
        snprintf(why, sizeof why, "%s", hedge_error_message());
        return hedge__fail(p->ctx, st, "%s: candidate %s: %s", fn, k->symbol, why);
    }
    hedge_quote q = HEDGE_QUOTE_INIT;
    if ((st = hedge_snapshot_quote(&q, snap, k->symbol, ci->venue))) {
        char why[256];
        snprintf(why, sizeof why, "%s", hedge_error_message());
        return hedge__fail(p->ctx, st, "%s: candidate %s on %s has no usable quote: %s", fn, k->symbol, ci->venue, why);
    }
    const hedge_instrument_spec *sp = &ci->spec;
    double S = v.spot, m = sp->multiplier;
    bool has_bid = q.bid_size > 0.0, has_ask = q.ask_size > 0.0;
    if (!has_bid && !has_ask)
        return hedge__fail(p->ctx, HEDGE_ERR_NOT_FOUND, "%s: candidate %s on %s: the quote has neither bid nor ask", fn,
                           k->symbol, ci->venue);
    ci->mid = has_bid && has_ask ? 0.5 * (q.bid + q.ask) : has_bid ? q.bid : q.ask;
    /* USD per contract of a unit move of the quoted price */
    bool inverse = sp->settlement == HEDGE_SETTLE_INVERSE;
    if (sp->kind == HEDGE_INSTRUMENT_OPTION)
        ci->usd_per_px = inverse ? m * S : m;
    else
        ci->usd_per_px = inverse ? m * S / (ci->mid * ci->mid) : m; /* d(-m/P)/dP in coins, times S */
    ci->notional = inverse && sp->kind != HEDGE_INSTRUMENT_OPTION ? m : m * S;
    ci->premium = sp->kind == HEDGE_INSTRUMENT_OPTION ? ci->mid * ci->usd_per_px : 0.0;
    const hedge_candidate *c = &k->c;
    double rate = p->obj.passive ? c->maker_fee : c->taker_fee;
    double fee = rate * ci->notional;
    if (sp->kind == HEDGE_INSTRUMENT_OPTION && c->fee_cap > 0.0)
        fee = fmin(fee, c->fee_cap * ci->premium);
    ci->fee = fmax(fee, 0.0) + c->fee_usd;
    ci->half_spread = p->obj.passive || !(has_bid && has_ask) ? 0.0 : 0.5 * (q.ask - q.bid) * ci->usd_per_px;
    ci->impact = c->impact_from_book ? impact_from_ladder(&q, ci->mid, ci->usd_per_px) : c->impact;
    /* a perpetual's theta is the funding it receives per year */
    ci->funding = sp->kind == HEDGE_INSTRUMENT_PERPETUAL ? -v.theta_usd * horizon_years : 0.0;
    ci->days = v.time_to_expiry * 365.0;
    for (int g = 0; g < 5; g++)
        ci->greek[g] = greek_of(&v, (hedge_greek)g);

    double ask_depth = 0.0, bid_depth = 0.0;
    if (q.n_asks)
        for (size_t i = 0; i < q.n_asks; i++)
            ask_depth += q.asks[i].size;
    else
        ask_depth = q.ask_size;
    if (q.n_bids)
        for (size_t i = 0; i < q.n_bids; i++)
            bid_depth += q.bids[i].size;
    else
        bid_depth = q.bid_size;
    double frac = p->lim.depth_fraction;
    ci->lb = fmax(c->min_trade, -frac * bid_depth);
    ci->ub = fmin(c->max_trade, frac * ask_depth);
    if (c->buy_only)
        ci->lb = fmax(ci->lb, 0.0);
    ci->allowed = venue_allowed(&p->lim, ci->venue);
    if (!ci->allowed)
        ci->lb = ci->ub = 0.0;
    /* The optimizer's unit of a candidate: a lot, or a million USD of notional. Contracts range from
     * one USD of face value to a whole coin, and a problem posed in contracts spans ten orders of
     * magnitude that equilibration cannot fully take out (measured: 5 to 20 times the iterations). */
    ci->scale = c->lot_size > 0.0 ? c->lot_size : 1e6 / ci->notional;
    if ((c->fixed_cost > 0.0 || c->min_size > 0.0) && !(isfinite(ci->lb) && isfinite(ci->ub)))
        return hedge__fail(p->ctx, HEDGE_ERR_DOMAIN,
                           "%s: candidate %s: a fixed cost or minimum size needs finite trade bounds", fn, k->symbol);
    return HEDGE_OK;
}

/* Underlyings of the book and candidates, sorted and unique. */
typedef struct ulist {
    char (*name)[HEDGE__NAME_BYTES];
    size_t n, cap;
} ulist;

static size_t ulist_find(const ulist *u, const char *name) {
    for (size_t i = 0; i < u->n; i++)
        if (strcmp(u->name[i], name) == 0)
            return i;
    return SIZE_MAX;
}

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

static const char *symbol_of(const hedge_instrument *inst) {
    hedge_instrument_spec spec = HEDGE_INSTRUMENT_SPEC_INIT;
    hedge_instrument_info(&spec, inst);
    return spec.symbol;
}

/* Equally weighted figures of a P&L sample: standard deviation, and VaR and CVaR at `conf` by
 * hedge_scenario_var()'s definitions (lower quantile of the loss, Acerbi-Tasche expected
 * shortfall), so that the summary agrees with what a caller computes from the same scenarios.
 * `work` holds 2 n doubles. */
static void pnl_stats(const double *x, size_t n, double conf, double *work, double *sd, double *var, double *cvar) {
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    *sd = sqrt(ss / (double)n);
    /* P&L that overflowed (a book of 1e308 contracts) has no VaR: left non-finite, which
     * hedge__result_finish() refuses with the reason */
    if (!hedge__var_es_equal(x, n, &conf, 1, var, cvar, work))
        *var = *cvar = NAN;
}

hedge_status hedge__atm_vol_30d(double *vol, const hedge_market *market, const char *underlying) {
    const hedge_snapshot *snap = hedge_market_snapshot(market);
    int64_t t30 = hedge_snapshot_valuation_ms(snap) + 30LL * 86400000LL;
    const hedge_vol_surface *surf = NULL;
    double F = 0.0;
    hedge_status st;
    if ((st = hedge_market_surface(&surf, market, underlying)) ||
        (st = hedge_snapshot_forward(&F, snap, underlying, t30)))
        return st;
    return hedge_vol_surface_vol(vol, surf, F, F, t30);
}

/* Generates the default scenario set: equal-probability spot and vol moves, underlyings together. */
static hedge_status default_scenarios(scratch *s, const hedge_problem *p, const hedge_market *market, const ulist *u,
                                      hedge_scenario **out, size_t *n_out) {
    static const char fn[] = "hedge_solve";
    const hedge_objective *o = &p->obj;
    double h = o->horizon_days / 365.0;
    double *sigma = salloc(s, u->n, sizeof *sigma);
    size_t n = o->spot_points * o->vol_points;
    hedge_scenario *sc = salloc(s, n, sizeof *sc);
    hedge_shift *sh = salloc(s, n * u->n, sizeof *sh);
    if (!sigma || !sc || !sh || n * u->n / u->n != n)
        return hedge__fail(p->ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate %zu scenarios", fn, n);
    for (size_t i = 0; i < u->n; i++) {
        hedge_status st = hedge__atm_vol_30d(&sigma[i], market, u->name[i]);
        if (st)
            return hedge__fail(p->ctx, st, "%s: %s has no volatility surface to generate scenarios from; give the "
                               "objective scenarios of your own", fn, u->name[i]);
    }
    for (size_t a = 0; a < o->spot_points; a++) {
        double z = hedge__norm_inv(((double)a + 0.5) / (double)o->spot_points);
        for (size_t b = 0; b < o->vol_points; b++) {
            double zv = o->vol_points == 1 ? 0.0 : hedge__norm_inv(((double)b + 0.5) / (double)o->vol_points);
            size_t k = a * o->vol_points + b;
            sc[k].shifts = sh + k * u->n;
            sc[k].n_shifts = u->n;
            sc[k].days = o->horizon_days;
            for (size_t i = 0; i < u->n; i++) {
                hedge_shift *x = &sh[k * u->n + i];
                x->underlying = u->name[i];
                x->spot = expm1(sigma[i] * sqrt(h) * z - 0.5 * sigma[i] * sigma[i] * h);
                x->vol_rel = o->vol_of_vol * sqrt(h) * zv;
                x->vol_abs = 0.0;
            }
        }
    }
    *out = sc;
    *n_out = n;
    return HEDGE_OK;
}

/* A portfolio of one contract of each distinct candidate instrument; ci[j].row says which. */
static hedge_status candidate_book(hedge_portfolio **out, hedge_context *ctx, cinfo *ci, size_t n) {
    hedge_status st = hedge_portfolio_create(out, ctx);
    for (size_t j = 0; j < n && !st; j++) {
        size_t r = SIZE_MAX;
        for (size_t i = 0; i < j && r == SIZE_MAX; i++)
            if (ci[i].inst == ci[j].inst)
                r = ci[i].row;
        if (r != SIZE_MAX) {
            ci[j].row = r;
            continue;
        }
        ci[j].row = hedge_portfolio_count(*out);
        hedge_position pos = HEDGE_POSITION_INIT;
        pos.instrument = ci[j].inst;
        pos.quantity = 1.0;
        st = hedge_portfolio_add(*out, &pos);
    }
    return st;
}

/* A private copy of the book, taken under one read lock: every later step (Greeks, scenarios, margin,
 * position bounds) then sees the same positions even if another thread edits the book meanwhile. */
static hedge_status copy_book(hedge_portfolio **out, hedge_context *ctx, const hedge_portfolio *book) {
    hedge_status st = hedge_portfolio_create(out, ctx);
    if (st)
        return st;
    hedge__portfolio_rdlock(book);
    for (size_t i = 0; i < book->n && !st; i++) {
        hedge_position pos = HEDGE_POSITION_INIT;
        pos.instrument = book->pos[i].instrument;
        pos.quantity = book->pos[i].quantity;
        pos.entry_price = book->pos[i].entry_price;
        st = hedge_portfolio_add(*out, &pos);
    }
    hedge__portfolio_unlock(book);
    return st;
}

static hedge_status benchmark_book(hedge_portfolio **out, hedge_context *ctx, const hedge_problem *p) {
    hedge_status st = hedge_portfolio_create(out, ctx);
    for (size_t i = 0; i < p->obj.n_benchmark && !st; i++) {
        hedge_position pos = HEDGE_POSITION_INIT;
        pos.instrument = p->bench[i].instrument;
        pos.quantity = p->bench[i].quantity;
        hedge_position held = HEDGE_POSITION_INIT;
        if (hedge_portfolio_find(&held, *out, symbol_of(pos.instrument)) == HEDGE_OK) {
            double qsum = held.quantity + pos.quantity;
            hedge_position_clear(&held);
            st = hedge_portfolio_update(*out, symbol_of(pos.instrument), qsum, 0.0);
        } else {
            hedge_error_clear();
            st = hedge_portfolio_add(*out, &pos);
        }
    }
    return st;
}

/* Scenario P&L: `totals` of a book per scenario (NULL book: zeros), or the matrix rows of one. */
static hedge_status run_scenarios(hedge_context *ctx, const hedge_portfolio *book, const hedge_market *market,
                                  const hedge_scenario *sc, size_t n, unsigned threads, double *totals,
                                  double *matrix) {
    if (hedge_portfolio_count(book) == 0) {
        if (totals)
            memset(totals, 0, n * sizeof *totals);
        return HEDGE_OK;
    }
    hedge_scenario_options so = HEDGE_SCENARIO_OPTIONS_INIT;
    so.threads = threads;
    hedge_scenario_pnl *pnl = NULL;
    hedge_status st = hedge_scenarios_run(&pnl, ctx, book, market, sc, n, &so);
    if (!st && totals)
        st = hedge_scenario_pnl_totals(totals, n, pnl);
    if (!st && matrix)
        memcpy(matrix, hedge_scenario_pnl_matrix(pnl), hedge_scenario_pnl_positions(pnl) * n * sizeof *matrix);
    hedge_scenario_pnl_destroy(pnl);
    return st;
}

/* Where each kind of row and column starts in the optimizer problem. */
typedef struct layout {
    size_t n_c;                 /* candidates: columns 0 .. n_c - 1 */
    size_t n_sell, sell0;       /* sell columns of candidates on capped venues */
    size_t n_bin, bin0;         /* indicator pairs (buy, sell) */
    size_t n;                   /* all columns */
    size_t k_sc, k_soft, k;     /* factor rows: scenarios, soft targets */
    size_t m_greek, m_budget, m_margin, m_pos, m_cap, m_bin, m;
    size_t r_greek, r_budget, r_margin, r_pos, r_cap, r_bin; /* first row of each */
} layout;

/*
 * One solve, phase by phase: gather() reads the market and revalues, lay_out() places the rows and
 * columns, build() writes the optimizer's data, then hedge_solve() solves, and map_answer() and
 * report_limits() turn the answer into the result. Every array lives in the plan's scratch.
 */
typedef struct plan {
    hedge_context *ctx;
    const hedge_problem *p;
    const hedge_portfolio *book; /* the caller's book, copied under one read lock */
    const hedge_market *market;
    hedge_solve_options so;
    scratch s;
    hedge_portfolio *own, *cbook, *bbook; /* the copy, the candidates (one contract each), the benchmark */
    hedge_risk *risk;
    /* gathered */
    size_t nc;
    cinfo *ci;
    ulist u;         /* underlyings of the book and the candidates, sorted */
    double *G;       /* the book's value of each target */
    double h;        /* horizon, years */
    size_t ns, nrow; /* scenarios; rows of the candidates' scenario matrices */
    double *B, *Pm;  /* book minus benchmark per scenario; candidates x scenarios */
    bool margin;     /* collateral limits the grid margin */
    hedge_shift *gsh;
    size_t ng;       /* margin grid scenarios */
    double *GB, *GP, addon_before;
    /* laid out */
    layout L;
    bool variance, *binned;
    size_t *cap_of, *sell, *pos_rep, *pos_row;
    double *pos_min, *pos_max;
    /* the optimizer's problem */
    double *D, *c, *w, *lb, *ub, *lo, *hi, *F, *A;
    unsigned char *isint;
    bool any_int;
    /* the answer */
    double *Pbar;           /* each candidate row's mean scenario P&L */
    double *x, *y, *z, *xc; /* optimizer columns; contracts per candidate */
    hedge_solution sol;
} plan;

static hedge_status nomem(plan *P) { return hedge__fail(P->ctx, HEDGE_ERR_NOMEM, "hedge_solve: out of memory"); }

/* The candidates, the book's Greeks and targets, the scenarios and everyone's P&L under them. */
static hedge_status gather(plan *P) {
    static const char fn[] = "hedge_solve";
    const hedge_problem *p = P->p;
    hedge_context *ctx = P->ctx;
    const hedge_objective *o = &p->obj;
    scratch *s = &P->s;
    size_t nc = P->nc;
    hedge_status st;
    if ((st = copy_book(&P->own, ctx, P->book)))
        return st;
    P->book = P->own;

    cinfo *ci = P->ci = salloc(s, nc, sizeof *ci);
    if (!ci)
        return nomem(P);
    for (size_t j = 0; j < nc; j++)
        if ((st = candidate_info(&ci[j], p, j, P->market, P->h)))
            return st;

    /* the book's Greeks, per position (for the targets' filters) and per underlying */
    hedge_risk_options ro = HEDGE_RISK_OPTIONS_INIT;
    ro.per_position = 1;
    if ((st = hedge_risk_compute(&P->risk, ctx, P->book, P->market, &ro)))
        return st;
    ulist *u = &P->u;
    size_t nb = hedge_risk_row_count(P->risk, HEDGE_BREAKDOWN_UNDERLYING);
    u->cap = nb + nc;
    if (!(u->name = salloc(s, u->cap, sizeof *u->name)))
        return nomem(P);
    for (size_t i = 0; i < nb; i++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        hedge_risk_row_get(&row, P->risk, HEDGE_BREAKDOWN_UNDERLYING, i);
        snprintf(u->name[u->n++], HEDGE__NAME_BYTES, "%s", row.underlying);
    }
    for (size_t j = 0; j < nc; j++)
        if (ulist_find(u, ci[j].underlying) == SIZE_MAX)
            snprintf(u->name[u->n++], HEDGE__NAME_BYTES, "%s", ci[j].underlying);
    qsort(u->name, u->n, sizeof *u->name, cmp_name);
    for (size_t g = 0; g < p->n_targets; g++)
        if (p->targets[g].underlying[0] && ulist_find(u, p->targets[g].underlying) == SIZE_MAX)
            return hedge__fail(ctx, HEDGE_ERR_NOT_FOUND,
                               "%s: target %zu: neither the book nor a candidate has underlying %s", fn, g,
                               p->targets[g].underlying);
    double *G = P->G = salloc(s, p->n_targets + 1, sizeof *G);
    if (!G)
        return nomem(P);
    const int64_t now_ms = hedge_snapshot_valuation_ms(hedge_market_snapshot(P->market));
    size_t n_posrows = hedge_risk_row_count(P->risk, HEDGE_BREAKDOWN_POSITION);
    for (size_t i = 0; i < n_posrows; i++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        hedge_risk_row_get(&row, P->risk, HEDGE_BREAKDOWN_POSITION, i);
        /* a position row's tenor_days is 0 (only tenor rows carry a bucket edge): its days come
         * from its expiry, as the candidates' do (0 for perpetuals and spot, whose expiry is 0) */
        double days = row.expiry_ms ? hedge__years_between(now_ms, row.expiry_ms) * 365.0 : 0.0;
        for (size_t g = 0; g < p->n_targets; g++) {
            const hedge__target *t = &p->targets[g];
            if (!target_counts(t, row.underlying, days))
                continue;
            double val = t->t.greek == HEDGE_GREEK_DELTA_COIN ? row.delta_coin
                         : t->t.greek == HEDGE_GREEK_DELTA_USD ? row.delta_usd
                         : t->t.greek == HEDGE_GREEK_GAMMA_USD ? row.gamma_usd
                         : t->t.greek == HEDGE_GREEK_VEGA_USD  ? row.vega_usd
                                                               : row.theta_usd;
            G[g] += val;
        }
    }

    /* scenarios of the variance, and the P&L of the book, benchmark and candidates under them */
    const hedge_scenario *sc = o->scenarios;
    P->ns = o->n_scenarios;
    if (!sc) {
        hedge_scenario *generated = NULL;
        if ((st = default_scenarios(s, p, P->market, u, &generated, &P->ns)))
            return st;
        sc = generated;
    }
    size_t ns = P->ns;
    if ((st = candidate_book(&P->cbook, ctx, ci, nc)) || (st = benchmark_book(&P->bbook, ctx, p)))
        return st;
    size_t nrow = P->nrow = hedge_portfolio_count(P->cbook);
    double *B = P->B = salloc(s, ns, sizeof *B), *Bb = salloc(s, ns, sizeof *Bb);
    P->Pm = salloc(s, nrow * ns, sizeof *P->Pm);
    if (!B || !Bb || !P->Pm || nrow * ns / ns != nrow)
        return nomem(P);
    unsigned threads = P->so.threads;
    if ((st = run_scenarios(ctx, P->book, P->market, sc, ns, threads, B, NULL)) ||
        (st = run_scenarios(ctx, P->bbook, P->market, sc, ns, threads, Bb, NULL)) ||
        (st = run_scenarios(ctx, P->cbook, P->market, sc, ns, threads, NULL, P->Pm)))
        return st;
    for (size_t k = 0; k < ns; k++)
        B[k] -= Bb[k];

    /* the margin grid, when collateral limits it */
    P->margin = isfinite(p->lim.collateral);
    if (!P->margin)
        return HEDGE_OK;
    const hedge_margin_options *mo = &p->margin;
    const double vols[3] = {-mo->vol_down, 0.0, mo->vol_up};
    (void)hedge_scenario_grid(NULL, NULL, 0, &P->ng, mo->spot_range, mo->spot_steps, vols, 3, 0.0);
    hedge_error_clear();
    size_t ng = P->ng;
    hedge_scenario *gsc = salloc(s, ng, sizeof *gsc);
    P->gsh = salloc(s, ng, sizeof *P->gsh);
    P->GB = salloc(s, ng, sizeof *P->GB);
    P->GP = salloc(s, nrow * ng, sizeof *P->GP);
    if (!gsc || !P->gsh || !P->GB || !P->GP)
        return nomem(P);
    if ((st = hedge_scenario_grid(gsc, P->gsh, ng, &P->ng, mo->spot_range, mo->spot_steps, vols, 3, 0.0)) ||
        (st = run_scenarios(ctx, P->book, P->market, gsc, P->ng, threads, P->GB, NULL)) ||
        (st = run_scenarios(ctx, P->cbook, P->market, gsc, P->ng, threads, NULL, P->GP)))
        return st;
    for (size_t i = 0; i < u->n; i++) {
        hedge_risk_row row = HEDGE_RISK_ROW_INIT;
        for (size_t r = 0; r < hedge_risk_row_count(P->risk, HEDGE_BREAKDOWN_UNDERLYING); r++) {
            hedge_risk_row_get(&row, P->risk, HEDGE_BREAKDOWN_UNDERLYING, r);
            if (strcmp(row.underlying, u->name[i]) == 0)
                P->addon_before += mo->delta_addon * fabs(row.delta_usd);
        }
    }
    return HEDGE_OK;
}

/* Where each kind of column and row goes (see the top of the file). */
static hedge_status lay_out(plan *P) {
    const hedge_problem *p = P->p;
    const hedge_limits *lim = &p->lim;
    const cinfo *ci = P->ci;
    scratch *s = &P->s;
    size_t nc = P->nc;
    layout *L = &P->L;
    L->n_c = nc;
    P->binned = salloc(s, nc, sizeof *P->binned);
    P->cap_of = salloc(s, nc, sizeof *P->cap_of);
    P->sell = salloc(s, nc, sizeof *P->sell);
    if (!P->binned || !P->cap_of || !P->sell)
        return nomem(P);
    for (size_t j = 0; j < nc; j++) {
        P->cap_of[j] = SIZE_MAX;
        for (size_t c = 0; c < lim->n_venue_caps; c++)
            if (strcmp(lim->cap_venues[c], ci[j].venue) == 0)
                P->cap_of[j] = c;
        P->sell[j] = P->cap_of[j] != SIZE_MAX ? nc + L->n_sell++ : SIZE_MAX;
        P->binned[j] = p->cands[j].c.fixed_cost > 0.0 || p->cands[j].c.min_size > 0.0;
        L->n_bin += P->binned[j];
    }
    L->sell0 = nc;
    L->bin0 = nc + L->n_sell;
    L->n = nc + L->n_sell + 2 * L->n_bin;
    P->variance = p->obj.risk_aversion > 0.0;
    L->k_sc = P->variance ? P->ns : 0;
    for (size_t g = 0; g < p->n_targets; g++)
        L->k_soft += p->targets[g].t.weight > 0.0;
    L->k = L->k_sc + L->k_soft;
    for (size_t g = 0; g < p->n_targets; g++)
        L->m_greek += p->targets[g].t.lo > -HUGE_VAL || p->targets[g].t.hi < HUGE_VAL;
    L->m_budget = lim->premium_budget < HUGE_VAL;
    L->m_margin = P->margin ? P->ng : 0;
    /* position rows: one per distinct instrument with position bounds */
    size_t *pos_rep = P->pos_rep = salloc(s, nc, sizeof *pos_rep); /* representative candidate of each */
    size_t *pos_row = P->pos_row = salloc(s, nc, sizeof *pos_row);
    P->pos_min = salloc(s, nc, sizeof *P->pos_min);
    P->pos_max = salloc(s, nc, sizeof *P->pos_max);
    if (!pos_rep || !pos_row || !P->pos_min || !P->pos_max)
        return nomem(P);
    for (size_t j = 0; j < nc; j++) {
        pos_row[j] = SIZE_MAX;
        const hedge_candidate *c = &p->cands[j].c;
        if (!(c->min_position > -HUGE_VAL || c->max_position < HUGE_VAL))
            continue;
        for (size_t r = 0; r < L->m_pos && pos_row[j] == SIZE_MAX; r++)
            if (ci[pos_rep[r]].inst == ci[j].inst)
                pos_row[j] = r;
        if (pos_row[j] == SIZE_MAX) {
            pos_rep[L->m_pos] = j;
            pos_row[j] = L->m_pos++;
        }
    }
    /* every candidate of a bounded instrument joins its row, bounds or not */
    for (size_t j = 0; j < nc; j++)
        for (size_t r = 0; r < L->m_pos && pos_row[j] == SIZE_MAX; r++)
            if (ci[pos_rep[r]].inst == ci[j].inst)
                pos_row[j] = r;
    L->m_cap = lim->n_venue_caps;
    L->m_bin = 3 * L->n_bin;
    L->r_greek = 0;
    L->r_budget = L->r_greek + L->m_greek;
    L->r_margin = L->r_budget + L->m_budget;
    L->r_pos = L->r_margin + L->m_margin;
    L->r_cap = L->r_pos + L->m_pos;
    L->r_bin = L->r_cap + L->m_cap;
    L->m = L->r_bin + L->m_bin;
    return HEDGE_OK;
}

/* The candidates' columns: variance factor and linear term, impact, costs, soft targets, bounds. */
static void build_columns(plan *P) {
    const hedge_problem *p = P->p;
    const hedge_objective *o = &p->obj;
    size_t n = P->L.n, ns = P->ns, nrow = P->nrow;
    double *F = P->F, *c = P->c, *Pm = P->Pm, *B = P->B, *Pbar = P->Pbar;
    double Bbar = 0.0;
    for (size_t k = 0; k < ns; k++)
        Bbar += B[k];
    Bbar /= (double)ns;
    for (size_t r = 0; r < nrow; r++) {
        double a = 0.0;
        for (size_t k = 0; k < ns; k++)
            a += Pm[r * ns + k];
        Pbar[r] = a / (double)ns;
    }
    double root = P->variance ? sqrt(o->risk_aversion / (double)ns) : 0.0;
    for (size_t j = 0; j < P->nc; j++) {
        const cinfo *x = &P->ci[j];
        double sj = x->scale;
        const double *Pj = Pm + x->row * ns;
        P->D[j] = 2.0 * x->impact * sj * sj;
        P->w[j] = (x->fee + x->half_spread) * sj;
        double cj = x->funding;
        if (P->variance) {
            double cov = 0.0;
            for (size_t k = 0; k < ns; k++) {
                double d = Pj[k] - Pbar[x->row];
                F[k * n + j] = root * d * sj;
                cov += d * (B[k] - Bbar);
            }
            cj += o->risk_aversion * cov / (double)ns;
        }
        size_t kr = P->L.k_sc;
        for (size_t g = 0; g < p->n_targets; g++) {
            const hedge__target *t = &p->targets[g];
            if (!(t->t.weight > 0.0))
                continue;
            if (target_counts(t, x->underlying, x->days)) {
                double gj = x->greek[t->t.greek];
                F[kr * n + j] = sqrt(t->t.weight) * gj * sj;
                cj += t->t.weight * (P->G[g] - t->t.target) * gj;
            }
            kr++;
        }
        c[j] = cj * sj;
        if (p->cands[j].c.lot_size > 0.0) {
            /* whole lots within the bounds; a hair of slack so that 3 lots of 0.1 fit under 0.3 */
            P->lb[j] = isfinite(x->lb) ? ceil(x->lb / sj - 1e-9) : x->lb;
            P->ub[j] = isfinite(x->ub) ? floor(x->ub / sj + 1e-9) : x->ub;
            P->isint[j] = 1;
            P->any_int = true;
        } else {
            P->lb[j] = x->lb / sj;
            P->ub[j] = x->ub / sj;
        }
    }
}

/* The rows: Greek bands, budget, margin grid, positions, venue caps, indicators; then the sell
 * columns mirrored from their buy columns. */
static void build_rows(plan *P) {
    const hedge_problem *p = P->p;
    const hedge_limits *lim = &p->lim;
    const layout *L = &P->L;
    const cinfo *ci = P->ci;
    size_t n = L->n, m = L->m, nc = P->nc;
    double *A = P->A, *lo = P->lo, *hi = P->hi;
    size_t r = L->r_greek;
    for (size_t g = 0; g < p->n_targets; g++) {
        const hedge__target *t = &p->targets[g];
        if (!(t->t.lo > -HUGE_VAL || t->t.hi < HUGE_VAL))
            continue;
        for (size_t j = 0; j < nc; j++)
            if (target_counts(t, ci[j].underlying, ci[j].days))
                A[r * n + j] = ci[j].greek[t->t.greek] * ci[j].scale;
        lo[r] = t->t.lo - P->G[g];
        hi[r] = t->t.hi - P->G[g];
        r++;
    }
    if (L->m_budget) {
        for (size_t j = 0; j < nc; j++)
            A[L->r_budget * n + j] = ci[j].premium * ci[j].scale;
        hi[L->r_budget] = lim->premium_budget;
    }
    for (size_t gk = 0; gk < L->m_margin; gk++) {
        r = L->r_margin + gk;
        double top = 0.0;
        for (size_t j = 0; j < nc; j++) {
            A[r * n + j] = -P->GP[ci[j].row * P->ng + gk] * ci[j].scale;
            top = fmax(top, fabs(A[r * n + j]));
        }
        /* A candidate the scenario leaves unmoved still shows the rounding of two revaluations
         * (1e-10 beside 1e6): as a coefficient that noise only misleads a simplex's scaling. */
        for (size_t j = 0; j < nc; j++)
            if (fabs(A[r * n + j]) <= 1e-13 * top)
                A[r * n + j] = 0.0;
        hi[r] = lim->collateral - P->addon_before + P->GB[gk];
    }
    for (size_t q = 0; q < L->m_pos; q++) {
        double pmin = -HUGE_VAL, pmax = HUGE_VAL, held = 0.0;
        for (size_t j = 0; j < nc; j++)
            if (P->pos_row[j] == q) {
                A[(L->r_pos + q) * n + j] = ci[j].scale;
                pmin = fmax(pmin, p->cands[j].c.min_position);
                pmax = fmin(pmax, p->cands[j].c.max_position);
            }
        hedge_position hp = HEDGE_POSITION_INIT;
        if (hedge_portfolio_find(&hp, P->book, p->cands[P->pos_rep[q]].symbol) == HEDGE_OK) {
            held = hp.quantity;
            hedge_position_clear(&hp);
        } else {
            hedge_error_clear();
        }
        P->pos_min[q] = pmin;
        P->pos_max[q] = pmax;
        lo[L->r_pos + q] = pmin - held;
        hi[L->r_pos + q] = pmax - held;
    }
    for (size_t j = 0, b = 0; j < nc; j++) {
        if (!P->binned[j])
            continue;
        size_t zp = L->bin0 + 2 * b, zn = zp + 1;
        r = L->r_bin + 3 * b;
        double mins = p->cands[j].c.min_size, Lx = fmin(ci[j].lb, 0.0), Ux = fmax(ci[j].ub, 0.0);
        A[r * n + j] = ci[j].scale; /* x - min zp - L zn >= 0 */
        A[r * n + zp] = -mins;
        A[r * n + zn] = -Lx;
        lo[r] = 0.0;
        A[(r + 1) * n + j] = ci[j].scale; /* x - U zp + min zn <= 0 */
        A[(r + 1) * n + zp] = -Ux;
        A[(r + 1) * n + zn] = mins;
        hi[r + 1] = 0.0;
        A[(r + 2) * n + zp] = 1.0; /* zp + zn <= 1 */
        A[(r + 2) * n + zn] = 1.0;
        hi[r + 2] = 1.0;
        P->lb[zp] = P->lb[zn] = 0.0;
        P->ub[zp] = 1.0;
        P->ub[zn] = ci[j].lb < 0.0 ? 1.0 : 0.0;
        P->c[zp] = P->c[zn] = p->cands[j].c.fixed_cost;
        P->isint[zp] = P->isint[zn] = 1;
        P->any_int = true;
        b++;
    }
    for (size_t cc = 0; cc < L->m_cap; cc++)
        hi[L->r_cap + cc] = lim->venue_caps[cc];
    /* the sell columns mirror their buy columns, x = u - v, and both count against the cap */
    for (size_t j = 0; j < nc; j++) {
        size_t v = P->sell[j];
        if (v == SIZE_MAX)
            continue;
        for (size_t k = 0; k < L->k; k++)
            P->F[k * n + v] = -P->F[k * n + j];
        for (size_t i = 0; i < m; i++)
            A[i * n + v] = -A[i * n + j];
        A[(L->r_cap + P->cap_of[j]) * n + j] = A[(L->r_cap + P->cap_of[j]) * n + v] = ci[j].notional * ci[j].scale;
        P->c[v] = -P->c[j];
        P->D[v] = P->D[j];
        P->w[v] = P->w[j];
        P->isint[v] = P->isint[j];
        double l = P->lb[j], top = P->ub[j];
        P->lb[j] = fmax(l, 0.0);
        P->ub[j] = fmax(top, 0.0);
        P->lb[v] = fmax(-top, 0.0);
        P->ub[v] = fmax(-l, 0.0);
    }
}

/* The optimizer's data, and room for its answer. */
static hedge_status build(plan *P) {
    scratch *s = &P->s;
    size_t n = P->L.n, m = P->L.m, kf = P->L.k;
    P->D = salloc(s, n, sizeof *P->D), P->c = salloc(s, n, sizeof *P->c), P->w = salloc(s, n, sizeof *P->w);
    P->lb = salloc(s, n, sizeof *P->lb), P->ub = salloc(s, n, sizeof *P->ub);
    P->lo = salloc(s, m, sizeof *P->lo), P->hi = salloc(s, m, sizeof *P->hi);
    P->F = salloc(s, kf * n, sizeof *P->F), P->A = salloc(s, m * n, sizeof *P->A);
    P->isint = salloc(s, n, 1);
    P->xc = salloc(s, P->nc, sizeof *P->xc), P->Pbar = salloc(s, P->nrow, sizeof *P->Pbar);
    P->x = salloc(s, n, sizeof *P->x), P->y = salloc(s, m, sizeof *P->y), P->z = salloc(s, n, sizeof *P->z);
    if (!P->D || !P->c || !P->w || !P->lb || !P->ub || !P->lo || !P->hi || !P->F || !P->A || !P->isint || !P->xc || !P->Pbar ||
        !P->x || !P->y || !P->z || (kf && kf * n / kf != n) || (m && m * n / m != n))
        return nomem(P);
    for (size_t j = 0; j < n; j++) {
        P->lb[j] = -HUGE_VAL;
        P->ub[j] = HUGE_VAL;
    }
    for (size_t i = 0; i < m; i++) {
        P->lo[i] = -HUGE_VAL;
        P->hi[i] = HUGE_VAL;
    }
    build_columns(P);
    build_rows(P);
    P->sol = (hedge_solution)HEDGE_SOLUTION_INIT;
    P->sol.x = P->x;
    P->sol.y = P->y;
    P->sol.z = P->z;
    return HEDGE_OK;
}

/* The trades, the Greeks and risk after them, the objective and the margin, into the result. */
static hedge_status map_answer(plan *P, hedge__result_builder *rb) {
    const hedge_problem *p = P->p;
    const hedge_objective *o = &p->obj;
    const cinfo *ci = P->ci;
    size_t nc = P->nc, ns = P->ns;
    hedge_status st;
    rb->horizon_years = P->h;
    rb->scenarios = ns;
    if ((st = hedge__result_set_underlyings(rb, P->risk, P->market, (const char(*)[HEDGE__NAME_BYTES])P->u.name,
                                            P->u.n)))
        return st;
    double *xc = P->xc;
    double *after = salloc(&P->s, ns, sizeof *after), *before = salloc(&P->s, ns, sizeof *before);
    double *work = salloc(&P->s, 2 * ns, sizeof *work);
    if (!after || !before || !work)
        return nomem(P);
    bool solved = rb->status == HEDGE_SOLVE_OPTIMAL;
    for (size_t j = 0; j < nc; j++) {
        /* below a millionth of a USD of notional, or of a lot, is no trade */
        double uj = P->sell[j] == SIZE_MAX ? P->x[j] : P->x[j] - P->x[P->sell[j]];
        xc[j] = solved && fabs(uj) > 1e-12 ? uj * ci[j].scale : 0.0;
    }
    for (size_t j = 0; j < nc; j++) {
        if (xc[j] == 0.0)
            continue;
        const cinfo *a = &ci[j];
        hedge__trade_in t = {
            .symbol = p->cands[j].symbol, .venue = a->venue, .candidate = j, .quantity = xc[j], .mid = a->mid,
            .notional_usd = fabs(xc[j]) * a->notional, .fee_usd = a->fee * fabs(xc[j]),
            .spread_usd = a->half_spread * fabs(xc[j]), .impact_usd = a->impact * xc[j] * xc[j],
            .funding_usd = a->funding * xc[j], .fixed_usd = p->cands[j].c.fixed_cost,
            .premium_usd = a->premium * xc[j]};
        if ((st = hedge__result_add_trade(rb, &t)))
            return st;
        double gam[5];
        for (int g = 0; g < 5; g++)
            gam[g] = a->greek[g] * xc[j];
        hedge__result_add_greeks(rb, ulist_find(&P->u, a->underlying), gam);
    }
    double soft = 0.0;
    for (size_t g = 0; g < p->n_targets; g++) {
        const hedge__target *t = &p->targets[g];
        double val = P->G[g];
        for (size_t j = 0; j < nc; j++)
            if (target_counts(t, ci[j].underlying, ci[j].days))
                val += ci[j].greek[t->t.greek] * xc[j];
        soft += 0.5 * t->t.weight * (val - t->t.target) * (val - t->t.target);
    }
    for (size_t k = 0; k < ns; k++) {
        double v = P->B[k];
        for (size_t j = 0; j < nc; j++)
            v += P->Pm[ci[j].row * ns + k] * xc[j];
        after[k] = v;
        before[k] = P->B[k];
    }
    pnl_stats(before, ns, o->var_confidence, work, &rb->std_before, &rb->var_before, &rb->cvar_before);
    pnl_stats(after, ns, o->var_confidence, work, &rb->std_after, &rb->var_after, &rb->cvar_after);
    rb->objective = 0.5 * o->risk_aversion * rb->std_after * rb->std_after + soft + rb->cost_usd;
    if (P->margin) {
        double worst_b = -HUGE_VAL, worst_a = -HUGE_VAL;
        for (size_t gk = 0; gk < P->ng; gk++) {
            double v = P->GB[gk];
            worst_b = fmax(worst_b, -v);
            for (size_t j = 0; j < nc; j++)
                v += P->GP[ci[j].row * P->ng + gk] * xc[j];
            worst_a = fmax(worst_a, -v);
        }
        rb->margin_before = fmax(worst_b + P->addon_before, 0.0);
        rb->margin_after = fmax(worst_a + hedge__result_delta_addon(rb, p->margin.delta_addon), 0.0);
    }
    return HEDGE_OK;
}

/* Binding limits (optimal) or conflicting ones (infeasible), from the duals. */
static hedge_status report_limits(plan *P, hedge__result_builder *rb) {
    const hedge_problem *p = P->p;
    const hedge_limits *lim = &p->lim;
    const layout *L = &P->L;
    const cinfo *ci = P->ci;
    size_t n = L->n, m = L->m, nc = P->nc;
    const double *y = P->y, *z = P->z;
    hedge_status st;
    bool conflict = rb->status == HEDGE_SOLVE_PRIMAL_INFEASIBLE;
    double ymax = 0.0;
    for (size_t i = 0; i < m; i++)
        ymax = fmax(ymax, fabs(y[i]));
    for (size_t j = 0; j < n; j++)
        ymax = fmax(ymax, fabs(z[j]));
    double tol = conflict ? 1e-6 * ymax : 1e-9 * fmax(1.0, fabs(P->sol.objective));
    for (size_t i = 0; i < m && ymax > 0.0; i++) {
        if (!(fabs(y[i]) > tol) || i >= L->r_bin)
            continue;
        int upper = y[i] > 0.0;
        double bound = upper ? P->hi[i] : P->lo[i], price = fabs(y[i]) / (conflict ? ymax : 1.0);
        char name[192];
        hedge_limit_kind kind;
        size_t index;
        if (i < L->r_budget) {
            size_t r = i - L->r_greek, g = 0, seen = 0;
            for (; g < p->n_targets; g++)
                if (p->targets[g].t.lo > -HUGE_VAL || p->targets[g].t.hi < HUGE_VAL) {
                    if (seen == r)
                        break;
                    seen++;
                }
            const hedge__target *t = &p->targets[g];
            kind = HEDGE_LIMIT_GREEK;
            index = g;
            bound = upper ? t->t.hi : t->t.lo;
            snprintf(name, sizeof name, "%s %s %s %.6g", hedge__target_greek_name(t->t.greek),
                     t->underlying[0] ? t->underlying : "book", upper ? "<=" : ">=", bound);
        } else if (i < L->r_margin) {
            kind = HEDGE_LIMIT_BUDGET;
            index = 0;
            snprintf(name, sizeof name, "premium budget <= %.6g USD", bound);
        } else if (i < L->r_pos) {
            kind = HEDGE_LIMIT_MARGIN;
            index = i - L->r_margin;
            bound = lim->collateral;
            snprintf(name, sizeof name, "margin in scenario spot %+.0f%% vol %+.0f%% <= collateral %.6g USD",
                     100.0 * P->gsh[index].spot, 100.0 * P->gsh[index].vol_rel, bound);
        } else if (i < L->r_cap) {
            size_t r = i - L->r_pos, j = P->pos_rep[r];
            kind = HEDGE_LIMIT_POSITION;
            index = j;
            bound = upper ? P->pos_max[r] : P->pos_min[r];
            snprintf(name, sizeof name, "position %s %s %.6g", p->cands[j].symbol, upper ? "<=" : ">=", bound);
        } else {
            kind = HEDGE_LIMIT_VENUE_CAP;
            index = i - L->r_cap;
            snprintf(name, sizeof name, "venue cap %s <= %.6g USD notional", lim->cap_venues[index], bound);
        }
        if ((st = hedge__result_add_limit(rb, kind, index, upper, bound, price, name)))
            return st;
    }
    for (size_t j = 0; j < nc && ymax > 0.0; j++) {
        /* a split candidate's bound duals: the buy column at its top is x's upper bound, the
         * sell column at its top x's lower bound; either column resting at 0 is no limit */
        double zx = z[j];
        size_t v = P->sell[j];
        if (v != SIZE_MAX)
            zx = (z[j] > 0.0 || P->lb[j] > 0.0 ? z[j] : 0.0) - (z[v] > 0.0 || P->lb[v] > 0.0 ? z[v] : 0.0);
        if (!(fabs(zx) > tol))
            continue;
        int upper = zx > 0.0;
        /* per contract, not per lot */
        double bound = upper ? ci[j].ub : ci[j].lb, price = fabs(zx) / (conflict ? ymax : ci[j].scale);
        const char *why = !ci[j].allowed ? "venue not allowed"
                          : !upper && p->cands[j].c.buy_only && ci[j].lb == 0.0 ? "buy only"
                          : bound == (upper ? p->cands[j].c.max_trade : p->cands[j].c.min_trade) ? "trade bound"
                                                                                                   : "visible depth";
        char name[192];
        snprintf(name, sizeof name, "trade %s@%s %s %.6g (%s)", p->cands[j].symbol, ci[j].venue, upper ? "<=" : ">=",
                 bound, why);
        if ((st = hedge__result_add_limit(rb, HEDGE_LIMIT_TRADE, j, upper, bound, price, name)))
            return st;
    }
    return HEDGE_OK;
}

/* The optimizer: the problem handed over, set up and solved. */
static hedge_status optimize(plan *P, hedge_qp **qp, hedge_solver **solver) {
    size_t n = P->L.n, m = P->L.m, kf = P->L.k;
    hedge_status st;
    if ((st = hedge_qp_create(qp, P->ctx, n, kf, m)) || (st = hedge_qp_set(*qp, HEDGE_QP_DIAGONAL, P->D)) ||
        (st = hedge_qp_set(*qp, HEDGE_QP_LINEAR, P->c)) || (st = hedge_qp_set(*qp, HEDGE_QP_L1_WEIGHT, P->w)) ||
        (st = hedge_qp_set(*qp, HEDGE_QP_LB, P->lb)) || (st = hedge_qp_set(*qp, HEDGE_QP_UB, P->ub)) ||
        (m && ((st = hedge_qp_set(*qp, HEDGE_QP_ROW_LO, P->lo)) || (st = hedge_qp_set(*qp, HEDGE_QP_ROW_HI, P->hi)) ||
               (st = hedge_qp_set_rows(*qp, P->A, n)))) ||
        (kf && (st = hedge_qp_set_factor(*qp, P->F, n))) || (P->any_int && (st = hedge_qp_set_integer(*qp, P->isint))))
        return st;
    if ((st = hedge_solver_create(solver, P->ctx, P->so.backend, *qp, P->so.solver)))
        return st;
    return hedge_solver_solve(*solver, &P->sol);
}

HEDGE_API hedge_status hedge_solve(hedge_result **out, hedge_context *ctx, const hedge_problem *p,
                                   const hedge_portfolio *book, const hedge_market *market,
                                   const hedge_solve_options *options) {
    static const char fn[] = "hedge_solve";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !p || !book || !market)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    plan P = {.ctx = ctx, .p = p, .book = book, .market = market, .so = HEDGE_SOLVE_OPTIONS_INIT};
    hedge_status st = HEDGE_OK;
    if (options && (st = hedge__options_copy(&P.so, sizeof P.so, options, fn)))
        return st;
    if (p->n_cands == 0)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: the problem has no candidates", fn);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    P.s.ctx = ctx;
    P.nc = p->n_cands;
    P.h = p->obj.horizon_days / 365.0;
    hedge_qp *qp = NULL;
    hedge_solver *solver = NULL;
    hedge__result_builder rb;
    hedge__result_builder_init(&rb, ctx);
    if ((st = gather(&P)) || (st = lay_out(&P)) || (st = build(&P)))
        goto done;

    /* bounds that cross (a minimum trade beyond the visible depth, say) are a conflict, not an error */
    for (size_t j = 0; j < P.nc; j++)
        if (P.lb[j] > P.ub[j] || (P.sell[j] != SIZE_MAX && P.lb[P.sell[j]] > P.ub[P.sell[j]])) {
            rb.status = HEDGE_SOLVE_PRIMAL_INFEASIBLE;
            char name[192];
            snprintf(name, sizeof name, "trade %s@%s in [%g, %g] (bounds, depth, lots)", p->cands[j].symbol,
                     P.ci[j].venue, P.ci[j].lb, P.ci[j].ub);
            if ((st = hedge__result_add_limit(&rb, HEDGE_LIMIT_TRADE, j, 0, P.ci[j].lb, 1.0, name)))
                goto done;
        }
    if (rb.status != HEDGE_SOLVE_PRIMAL_INFEASIBLE) {
        if ((st = optimize(&P, &qp, &solver)))
            goto done;
        rb.status = P.sol.status;
        rb.iterations = P.sol.iterations;
        rb.nodes = P.sol.nodes;
    }
    if ((st = map_answer(&P, &rb)))
        goto done;
    if ((rb.status == HEDGE_SOLVE_OPTIMAL || (rb.status == HEDGE_SOLVE_PRIMAL_INFEASIBLE && qp)) &&
        (st = report_limits(&P, &rb)))
        goto done;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rb.solve_time_s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    st = hedge__result_finish(out, &rb);
done:
    hedge__result_builder_clear(&rb);
    hedge_solver_destroy(solver);
    hedge_qp_destroy(qp);
    hedge_portfolio_destroy(P.cbook);
    hedge_portfolio_destroy(P.bbook);
    hedge_portfolio_destroy(P.own);
    hedge_risk_destroy(P.risk);
    sfree_all(&P.s);
    return st;
}
