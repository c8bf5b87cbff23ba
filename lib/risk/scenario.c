/*
 * The scenario engine. Each position's market inputs are read once (hedge__valuation_inputs); a
 * scenario only moves them (spot and forward together, vols, time), so every matrix cell is one
 * call of the pricing kernel. Cells are independent: threads take ranges of positions, and the
 * result does not depend on how many there are.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_rwlock_t in risk_internal.h */

#include "core/internal.h"
#include "core/rng.h"
#include "market/market_internal.h"
#include "market/valuation_internal.h"
#include "risk/risk_internal.h"

#include <hedge/pricing.h>
#include <hedge/scenario.h>

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYMBOL_BYTES 128

struct hedge_scenario_pnl {
    hedge_context *ctx;
    size_t n_pos, n_sc;
    double *matrix;
    char (*symbols)[SYMBOL_BYTES];
    size_t matrix_bytes, symbols_bytes; /* as allocated (at least 1 each) */
};

typedef struct move {
    double spot, vol_rel, vol_abs;
} move;

typedef struct wpos {
    const hedge_instrument_spec *spec; /* alive: the portfolio is read-locked during the run */
    hedge__val_inputs in;
    double base_usd, q;
    size_t u; /* index of its underlying in the run's list */
} wpos;

typedef struct job {
    const wpos *pos;
    const move *moves; /* n_sc x n_under */
    const double *days;
    size_t n_sc, n_under;
    double *matrix;
    size_t begin, end;
} job;

/* The scenario's inputs of position p: spot and forward moved together, time rolled, vol moved. */
static hedge__val_inputs shifted(const job *j, const wpos *p, size_t s) {
    const move *mv = &j->moves[s * j->n_under + p->u];
    hedge__val_inputs in = p->in;
    double grow = 1.0 + mv->spot;
    in.S *= grow;
    in.F *= grow; /* the carry ln(F/S)/T is held */
    if (j->days[s] > 0.0 &&
        (p->spec->kind == HEDGE_INSTRUMENT_OPTION || p->spec->kind == HEDGE_INSTRUMENT_FUTURE)) {
        /* the forward rolls down its carry; at expiry it is the spot */
        in.T = fmax(in.T - j->days[s] / 365.0, 0.0);
        in.F = in.S * exp(in.b * in.T);
    }
    in.vol = fmax(in.vol * (1.0 + mv->vol_rel) + mv->vol_abs, 0.0);
    return in;
}

static void cell_range(const job *j) {
    enum { CHUNK = 256 };
    int32_t type[CHUNK];
    double S[CHUNK], K[CHUNK], T[CHUNK], r[CHUNK], q[CHUNK], vol[CHUNK], price[CHUNK];
    for (size_t i = j->begin; i < j->end; i++) {
        const wpos *p = &j->pos[i];
        double *row = j->matrix + i * j->n_sc;
        if (p->spec->kind != HEDGE_INSTRUMENT_OPTION) {
            for (size_t s = 0; s < j->n_sc; s++) {
                hedge__val_inputs in = shifted(j, p, s);
                hedge_valuation v = HEDGE_VALUATION_INIT;
                hedge__value_from(&v, p->spec, &in);
                row[s] = p->q * (v.value_usd - p->base_usd);
            }
            continue;
        }
        /* An option's scenarios go through the SIMD batch pricer, a chunk at a time: only the
         * price is needed, and the USD value of either settlement is the multiplier times it. */
        hedge_greeks_arrays out = HEDGE_GREEKS_ARRAYS_INIT;
        out.price = price;
        for (size_t s0 = 0; s0 < j->n_sc; s0 += CHUNK) {
            size_t m = j->n_sc - s0 < CHUNK ? j->n_sc - s0 : CHUNK;
            for (size_t k = 0; k < m; k++) {
                hedge__val_inputs in = shifted(j, p, s0 + k);
                type[k] = (int32_t)p->spec->option_type;
                S[k] = in.S;
                K[k] = p->spec->strike;
                T[k] = in.T;
                r[k] = in.r;
                q[k] = in.r - in.b;
                vol[k] = in.vol;
            }
            /* inputs came from a valid valuation and valid moves, so every element prices */
            (void)hedge_bsm_greeks_batch(m, type, S, K, T, r, q, vol, &out);
            for (size_t k = 0; k < m; k++)
                row[s0 + k] = p->q * (p->spec->multiplier * price[k] - p->base_usd);
        }
    }
}

static void *worker(void *arg) {
    cell_range(arg);
    return NULL;
}

HEDGE_API void hedge_scenario_pnl_destroy(hedge_scenario_pnl *r) {
    if (!r)
        return;
    hedge__free(r->ctx, r->matrix, r->matrix_bytes, 0);
    hedge__free(r->ctx, r->symbols, r->symbols_bytes, 0);
    hedge__free(r->ctx, r, sizeof *r, 0);
}

static hedge_status check_scenarios(const char *fn, const hedge_scenario *sc, size_t n) {
    for (size_t s = 0; s < n; s++) {
        if (!(sc[s].days >= 0.0) || !isfinite(sc[s].days))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: scenario %zu: days must be finite and >= 0, got %g", fn, s,
                               sc[s].days);
        if (sc[s].n_shifts && !sc[s].shifts)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: scenario %zu: %zu shifts without their array", fn,
                               s, sc[s].n_shifts);
        for (size_t k = 0; k < sc[s].n_shifts; k++) {
            const hedge_shift *h = &sc[s].shifts[k];
            if (!(h->spot > -1.0) || !isfinite(h->spot) || !isfinite(h->vol_rel) || !isfinite(h->vol_abs))
                return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: scenario %zu, shift %zu: moves must be finite and the "
                                   "spot move > -1 (spot %g, vol_rel %g, vol_abs %g)", fn, s, k, h->spot, h->vol_rel,
                                   h->vol_abs);
            for (size_t l = 0; l < k; l++) {
                const hedge_shift *o = &sc[s].shifts[l];
                if ((!o->underlying && !h->underlying) ||
                    (o->underlying && h->underlying && strcmp(o->underlying, h->underlying) == 0))
                    return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: scenario %zu: two shifts for %s", fn, s,
                                       h->underlying ? h->underlying : "every underlying (NULL)");
            }
        }
    }
    return HEDGE_OK;
}

/* The move scenario s applies to underlying `name`: its own shift, else the NULL one, else none. */
static move move_for(const hedge_scenario *sc, const char *name) {
    move m = {0, 0, 0};
    const hedge_shift *any = NULL;
    for (size_t k = 0; k < sc->n_shifts; k++) {
        const hedge_shift *h = &sc->shifts[k];
        if (!h->underlying)
            any = h;
        else if (strcmp(h->underlying, name) == 0)
            return (move){h->spot, h->vol_rel, h->vol_abs};
    }
    if (any)
        m = (move){any->spot, any->vol_rel, any->vol_abs};
    return m;
}

HEDGE_API hedge_status hedge_scenarios_run(hedge_scenario_pnl **out, hedge_context *ctx,
                                           const hedge_portfolio *portfolio, const hedge_market *market,
                                           const hedge_scenario *scenarios, size_t n_scenarios,
                                           const hedge_scenario_options *options) {
    static const char fn[] = "hedge_scenarios_run";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !portfolio || !market || !scenarios)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (n_scenarios == 0)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: no scenarios", fn);
    hedge_scenario_options o = HEDGE_SCENARIO_OPTIONS_INIT;
    hedge_status st = HEDGE_OK;
    if ((options && (st = hedge__options_copy(&o, sizeof o, options, fn))) ||
        (st = check_scenarios(fn, scenarios, n_scenarios)))
        return st;

    hedge_scenario_pnl *r = hedge__alloc(ctx, sizeof *r, 0);
    if (!r)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: out of memory", fn);
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    wpos *pos = NULL;
    move *moves = NULL;
    double *days = NULL;
    const char **names = NULL;
    size_t n_under = 0, pos_bytes = 0, moves_bytes = 0, names_bytes = 0, cells = 0, bytes = 0;

    hedge__portfolio_rdlock(portfolio);
    size_t n = portfolio->n;
    r->n_sc = n_scenarios;
    if (!hedge__mul_size(n, n_scenarios, &cells) || !hedge__mul_size(cells, sizeof(double), &bytes)) {
        st = hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: %zu positions x %zu scenarios is too large", fn, n,
                         n_scenarios);
        goto done;
    }
    pos_bytes = (n ? n : 1) * sizeof *pos;
    names_bytes = (n ? n : 1) * sizeof *names;
    r->matrix_bytes = bytes ? bytes : 1;
    r->symbols_bytes = (n ? n : 1) * SYMBOL_BYTES;
    if (!(r->matrix = hedge__alloc(ctx, r->matrix_bytes, 0)) ||
        !(r->symbols = hedge__alloc(ctx, r->symbols_bytes, 0)) || !(pos = hedge__alloc(ctx, pos_bytes, 0)) ||
        !(names = hedge__alloc(ctx, names_bytes, 0)) ||
        !(days = hedge__alloc(ctx, n_scenarios * sizeof *days, 0))) {
        st = hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate for %zu positions x %zu scenarios", fn, n,
                         n_scenarios);
        goto done;
    }
    r->n_pos = n;
    for (size_t i = 0; i < n; i++) {
        const hedge__pos *p = &portfolio->pos[i];
        const hedge_instrument_spec *sp = &p->instrument->spec;
        const hedge_vol_surface *surface = NULL;
        if (sp->kind == HEDGE_INSTRUMENT_OPTION && (st = hedge_market_surface(&surface, market, sp->underlying))) {
            st = hedge__fail(ctx, st, "%s: position %s: no volatility surface for %s", fn, sp->symbol, sp->underlying);
            goto done;
        }
        if ((st = hedge__valuation_inputs(&pos[i].in, p->instrument, hedge_market_snapshot(market), surface))) {
            char why[256];
            snprintf(why, sizeof why, "%s", hedge_error_message());
            st = hedge__fail(ctx, st, "%s: position %s: %s", fn, sp->symbol, why);
            goto done;
        }
        hedge_valuation v = HEDGE_VALUATION_INIT;
        hedge__value_from(&v, sp, &pos[i].in);
        pos[i].spec = sp;
        pos[i].base_usd = v.value_usd;
        if (sp->kind == HEDGE_INSTRUMENT_OPTION) {
            /* the base through the same batch pricer as the scenarios, so that a scenario that moves
             * nothing shows exactly 0 rather than the two kernels' last-bit difference */
            const hedge__val_inputs *in = &pos[i].in;
            int32_t type = (int32_t)sp->option_type;
            double q = in->r - in->b, price;
            hedge_greeks_arrays one = HEDGE_GREEKS_ARRAYS_INIT;
            one.price = &price;
            (void)hedge_bsm_greeks_batch(1, &type, &in->S, &sp->strike, &in->T, &in->r, &q, &in->vol, &one);
            pos[i].base_usd = sp->multiplier * price;
        }
        pos[i].q = p->quantity;
        snprintf(r->symbols[i], SYMBOL_BYTES, "%s", sp->symbol);
        size_t u = 0;
        while (u < n_under && strcmp(names[u], sp->underlying) != 0)
            u++;
        if (u == n_under)
            names[n_under++] = sp->underlying;
        pos[i].u = u;
    }
    if (!hedge__mul_size(n_scenarios, n_under ? n_under : 1, &moves_bytes) ||
        !hedge__mul_size(moves_bytes, sizeof *moves, &moves_bytes)) {
        st = hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: too many scenarios", fn);
        goto done;
    }
    if (!(moves = hedge__alloc(ctx, moves_bytes, 0))) {
        st = hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate the scenario table", fn);
        goto done;
    }
    for (size_t s = 0; s < n_scenarios; s++) {
        days[s] = scenarios[s].days;
        for (size_t u = 0; u < n_under; u++)
            moves[s * n_under + u] = move_for(&scenarios[s], names[u]);
    }
    {
        enum { MAX_THREADS = 64 };
        unsigned threads = o.threads < 1 ? 1 : o.threads > MAX_THREADS ? MAX_THREADS : o.threads;
        if (threads > n)
            threads = n ? (unsigned)n : 1;
        job jobs[MAX_THREADS];
        pthread_t tid[MAX_THREADS];
        bool started[MAX_THREADS] = {false};
        for (unsigned t = 0; t < threads; t++)
            jobs[t] = (job){pos, moves, days, n_scenarios, n_under, r->matrix, n * t / threads, n * (t + 1) / threads};
        /* workers 1.. in threads, worker 0 on this one; a thread that cannot start runs here */
        for (unsigned t = 1; t < threads; t++)
            started[t] = pthread_create(&tid[t], NULL, worker, &jobs[t]) == 0;
        cell_range(&jobs[0]);
        for (unsigned t = 1; t < threads; t++) {
            if (started[t])
                pthread_join(tid[t], NULL);
            else
                cell_range(&jobs[t]);
        }
    }
done:
    hedge__portfolio_unlock(portfolio);
    hedge__free(ctx, pos, pos_bytes, 0);
    hedge__free(ctx, (void *)names, names_bytes, 0);
    hedge__free(ctx, moves, moves_bytes, 0);
    hedge__free(ctx, days, n_scenarios * sizeof *days, 0);
    if (st) {
        hedge_scenario_pnl_destroy(r);
        return st;
    }
    *out = r;
    return HEDGE_OK;
}

HEDGE_API size_t hedge_scenario_pnl_positions(const hedge_scenario_pnl *r) { return r ? r->n_pos : 0; }

HEDGE_API size_t hedge_scenario_pnl_scenarios(const hedge_scenario_pnl *r) { return r ? r->n_sc : 0; }

HEDGE_API const double *hedge_scenario_pnl_matrix(const hedge_scenario_pnl *r) { return r ? r->matrix : NULL; }

HEDGE_API const char *hedge_scenario_pnl_symbol(const hedge_scenario_pnl *r, size_t index) {
    return r && index < r->n_pos ? r->symbols[index] : NULL;
}

HEDGE_API hedge_status hedge_scenario_pnl_totals(double *totals, size_t n, const hedge_scenario_pnl *r) {
    static const char fn[] = "hedge_scenario_pnl_totals";
    if (!totals || !r)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (n != r->n_sc)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %zu totals asked, the result has %zu scenarios", fn, n,
                           r->n_sc);
    for (size_t s = 0; s < n; s++)
        totals[s] = 0.0;
    for (size_t i = 0; i < r->n_pos; i++)
        for (size_t s = 0; s < n; s++)
            totals[s] += r->matrix[i * n + s];
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_scenario_grid(hedge_scenario *scenarios, hedge_shift *shifts, size_t capacity,
                                           size_t *count, double spot_range, size_t spot_steps,
                                           const double *vol_moves, size_t n_vol_moves, double days) {
    static const char fn[] = "hedge_scenario_grid";
    if (!count || !vol_moves || ((!scenarios || !shifts) && capacity > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (spot_steps == 0 || n_vol_moves == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: needs at least one spot step and one vol move", fn);
    if (!(spot_range > 0.0 && spot_range < 1.0))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: spot range must be in (0, 1), got %g", fn, spot_range);
    if (!(days >= 0.0) || !isfinite(days))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: days must be finite and >= 0, got %g", fn, days);
    for (size_t j = 0; j < n_vol_moves; j++)
        if (!isfinite(vol_moves[j]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: vol move %zu is not finite", fn, j);
    size_t n_spot = 2 * spot_steps + 1, total;
    if (!hedge__mul_size(n_spot, n_vol_moves, &total))
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: grid too large", fn);
    *count = total;
    if (capacity < total)
        return hedge__fail(NULL, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: needs %zu scenarios, got %zu", fn, total, capacity);
    for (size_t i = 0; i < n_spot; i++) {
        /* symmetric by construction: step k of n is spot_range (k - n) / n, exactly 0 in the middle */
        double ds = spot_range * ((double)i - (double)spot_steps) / (double)spot_steps;
        for (size_t j = 0; j < n_vol_moves; j++) {
            size_t at = i * n_vol_moves + j;
            shifts[at] = (hedge_shift){NULL, ds, vol_moves[j], 0.0};
            scenarios[at] = (hedge_scenario){&shifts[at], 1, days};
        }
    }
    return HEDGE_OK;
}

/* ---- scenario generators and tail measures --------------------------------------------------- */

/* Names become the shifts' underlyings: hedge_scenarios_run() refuses two shifts for one name, so a
 * repeated name is refused here, where the caller can still tell which. */
static hedge_status check_names(const char *fn, const char *const *names, size_t n) {
    for (size_t u = 0; u < n; u++) {
        if (!names[u])
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: underlying %zu has no name (NULL)", fn, u);
        for (size_t v = 0; v < u; v++)
            if (strcmp(names[u], names[v]) == 0)
                return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: underlyings %zu and %zu are both %s", fn, v, u,
                                   names[u]);
    }
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_scenario_historical(hedge_scenario *scenarios, hedge_shift *shifts, size_t capacity,
                                                 size_t *count, const char *const *underlyings, size_t n_underlyings,
                                                 const double *prices, const double *vols, size_t n_obs,
                                                 size_t horizon, double days) {
    static const char fn[] = "hedge_scenario_historical";
    if (!count || !underlyings || !prices || ((!scenarios || !shifts) && capacity > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (n_underlyings == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: no underlyings", fn);
    if (horizon == 0 || horizon >= n_obs)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG,
                           "%s: the horizon must be 1 .. n_obs - 1 observations, got %zu with %zu observations", fn,
                           horizon, n_obs);
    if (!(days >= 0.0) || !isfinite(days))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: days must be finite and >= 0, got %g", fn, days);
    hedge_status st = check_names(fn, underlyings, n_underlyings);
    if (st)
        return st;
    size_t cells, total = n_obs - horizon, n_shifts;
    if (!hedge__mul_size(n_obs, n_underlyings, &cells) || !hedge__mul_size(total, n_underlyings, &n_shifts))
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: %zu observations x %zu underlyings is too large", fn, n_obs,
                           n_underlyings);
    for (size_t i = 0; i < cells; i++) {
        if (!(prices[i] > 0.0) || !isfinite(prices[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN,
                               "%s: price of %s at observation %zu must be finite and > 0, got %g", fn,
                               underlyings[i % n_underlyings], i / n_underlyings, prices[i]);
        if (vols && (!(vols[i] >= 0.0) || !isfinite(vols[i])))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN,
                               "%s: vol of %s at observation %zu must be finite and >= 0, got %g", fn,
                               underlyings[i % n_underlyings], i / n_underlyings, vols[i]);
    }
    /* positive finite prices give moves > -1, but a ratio such as 1e300 / 1e-300 overflows, and
     * hedge_scenarios_run() would refuse the infinite move: refused here, before anything is written */
    for (size_t i = 0; i < total * n_underlyings; i++)
        if (!isfinite(prices[i + horizon * n_underlyings] / prices[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the move of %s from observation %zu overflows", fn,
                               underlyings[i % n_underlyings], i / n_underlyings);
    *count = total;
    if (capacity < total)
        return hedge__fail(NULL, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: needs %zu scenarios, got %zu", fn, total, capacity);
    for (size_t t = 0; t < total; t++) {
        const double *now = prices + t * n_underlyings, *later = now + horizon * n_underlyings;
        hedge_shift *sh = shifts + t * n_underlyings;
        for (size_t u = 0; u < n_underlyings; u++) {
            double dv = vols ? vols[(t + horizon) * n_underlyings + u] - vols[t * n_underlyings + u] : 0.0;
            sh[u] = (hedge_shift){underlyings[u], later[u] / now[u] - 1.0, 0.0, dv};
        }
        scenarios[t] = (hedge_scenario){sh, n_underlyings, days};
    }
    return HEDGE_OK;
}

/* Tolerances of the correlation check, on the scale of its unit diagonal: a pivot this close to zero
 * is a zero (the matrix is singular, not indefinite), and in a PSD matrix the residuals beside a
 * zero pivot d are at most sqrt(d * 1), hence the square root for them. */
#define CORR_SYM_TOL 1e-12
#define PIVOT_TOL 1e-12
#define RESIDUAL_TOL 1e-6
#define MOVE_FLOOR (-1.0 + 0x1p-53) /* the move closest to -1 that is above it */

/* L (n x n, row-major, lower triangle and zeros above) with C = L L', for a PSD C. */
static hedge_status psd_cholesky(const char *fn, double *L, const double *C, size_t n) {
    for (size_t i = 0; i < n * n; i++)
        L[i] = 0.0;
    for (size_t j = 0; j < n; j++) {
        double d = C[j * n + j];
        for (size_t k = 0; k < j; k++)
            d -= L[j * n + k] * L[j * n + k];
        if (d < -PIVOT_TOL)
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN,
                               "%s: the correlation matrix is not positive semi-definite (pivot %zu is %g)", fn, j, d);
        bool zero = d <= PIVOT_TOL;
        double ljj = zero ? 0.0 : sqrt(d);
        L[j * n + j] = ljj;
        for (size_t i = j + 1; i < n; i++) {
            double r = C[i * n + j];
            for (size_t k = 0; k < j; k++)
                r -= L[i * n + k] * L[j * n + k];
            if (zero) {
                if (fabs(r) > RESIDUAL_TOL)
                    return hedge__fail(NULL, HEDGE_ERR_DOMAIN,
                                       "%s: the correlation matrix is not positive semi-definite (pivot %zu is 0 "
                                       "but the residual at (%zu, %zu) is %g)", fn, j, i, j, r);
            } else {
                L[i * n + j] = r / ljj;
            }
        }
    }
    return HEDGE_OK;
}

static hedge_status check_correlation(const char *fn, const double *C, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double c = C[i * n + j];
            if (!isfinite(c) || fabs(c) > 1.0 + CORR_SYM_TOL)
                return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: correlation (%zu, %zu) must be finite and in [-1, 1], "
                                   "got %g", fn, i, j, c);
            if (i == j && fabs(c - 1.0) > CORR_SYM_TOL)
                return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: correlation (%zu, %zu) must be 1, got %.17g", fn, i,
                                   i, c);
            if (j < i && fabs(c - C[j * n + i]) > CORR_SYM_TOL)
                return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the correlation matrix is not symmetric: (%zu, %zu) "
                                   "is %.17g, (%zu, %zu) is %.17g", fn, i, j, c, j, i, C[j * n + i]);
        }
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_scenario_sample(hedge_scenario *scenarios, hedge_shift *shifts, size_t n,
                                             const char *const *underlyings, size_t n_underlyings,
                                             const double *vols, const double *correlation, double days,
                                             uint64_t seed, uint64_t k_begin, double *workspace,
                                             size_t workspace_len) {
    static const char fn[] = "hedge_scenario_sample";
    if (!scenarios || !shifts || !underlyings || !vols || !correlation || !workspace)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (n == 0 || n_underlyings == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: needs at least one scenario and one underlying", fn);
    if (k_begin > UINT64_MAX - (n - 1))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: scenarios %" PRIu64 " + %zu run past 2^64", fn, k_begin,
                           n);
    size_t need, n_shifts;
    if (!hedge__mul_size(n_underlyings, n_underlyings + 1, &need) || n_underlyings + 1 == 0 ||
        !hedge__mul_size(n, n_underlyings, &n_shifts))
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: %zu scenarios x %zu underlyings is too large", fn, n,
                           n_underlyings);
    if (workspace_len < need)
        return hedge__fail(NULL, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: the workspace needs %zu doubles, got %zu", fn, need,
                           workspace_len);
    if (!(days >= 0.0) || !isfinite(days))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: days must be finite and >= 0, got %g", fn, days);
    hedge_status st = check_names(fn, underlyings, n_underlyings);
    if (st)
        return st;
    for (size_t u = 0; u < n_underlyings; u++)
        if (!(vols[u] >= 0.0) || !isfinite(vols[u]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: vol of %s must be finite and >= 0, got %g", fn,
                               underlyings[u], vols[u]);
    double *L = workspace, *z = workspace + n_underlyings * n_underlyings;
    if ((st = check_correlation(fn, correlation, n_underlyings)) ||
        (st = psd_cholesky(fn, L, correlation, n_underlyings)))
        return st;
    double t = days / 365.0, sqrt_t = sqrt(t);
    for (size_t k = 0; k < n; k++) {
        hedge__rng rng;
        hedge__rng_init(&rng, seed, k_begin + k);
        for (size_t u = 0; u < n_underlyings; u++)
            z[u] = hedge__rng_normal(&rng);
        hedge_shift *sh = shifts + k * n_underlyings;
        for (size_t u = 0; u < n_underlyings; u++) {
            double x = 0.0;
            for (size_t v = 0; v <= u; v++)
                x += L[u * n_underlyings + v] * z[v];
            double s = vols[u];
            /* expm1 keeps small moves accurate: a move of 1e-9 is not 1 + 1e-9 - 1. A huge vol can
             * round exp() to 0 or infinity; the clamp keeps such a move one that hedge_scenarios_run()
             * accepts (> -1, finite) */
            double m = expm1(-0.5 * s * s * t + s * sqrt_t * x);
            sh[u] = (hedge_shift){underlyings[u], fmin(fmax(m, MOVE_FLOOR), DBL_MAX), 0.0, 0.0};
        }
        scenarios[k] = (hedge_scenario){sh, n_underlyings, days};
    }
    return HEDGE_OK;
}

/* Pairs (loss, probability) interleaved in w, ordered by loss and then probability: the order of a
 * tie is fixed, so the cumulative sums (and so the results) do not depend on the input order. */
static bool pair_less(const double *w, size_t a, size_t b) {
    return w[2 * a] < w[2 * b] || (w[2 * a] == w[2 * b] && w[2 * a + 1] < w[2 * b + 1]);
}

static void pair_swap(double *w, size_t a, size_t b) {
    double l = w[2 * a], p = w[2 * a + 1];
    w[2 * a] = w[2 * b];
    w[2 * a + 1] = w[2 * b + 1];
    w[2 * b] = l;
    w[2 * b + 1] = p;
}

static void sift_down(double *w, size_t root, size_t n) {
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && pair_less(w, child, child + 1))
            child++;
        if (!pair_less(w, root, child))
            return;
        pair_swap(w, root, child);
    }
}

/* Heapsort: O(n log n) in the worst case, in place, no allocation and no recursion. */
static void pairs_sort(double *w, size_t n) {
    for (size_t i = n / 2; i-- > 0;)
        sift_down(w, i, n);
    for (size_t end = n; end-- > 1;) {
        pair_swap(w, 0, end);
        sift_down(w, 0, end);
    }
}

#define PROB_SUM_TOL 1e-9
#define LEVEL_TOL 1e-12

/* VaR and ES at `level` from the (loss, probability) pairs sorted by pairs_sort(); equal weights
 * when !weighted. */
static void tail_measures(const double *w, size_t n, bool weighted, double level, double *var, double *es) {
    /* ES as the integral of the loss quantile over (level, 1): loss i is the quantile on
     * (c_{i-1}, c_i], so it weighs the length of that interval beyond the level. This one formula
     * takes the fraction of an atom at the VaR point that lies beyond the level, and nothing else. */
    double v = 0.0, num = 0.0, den = 0.0, prev = 0.0;
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        double loss = w[2 * i];
        /* equal weights: (i + 1) / n correctly rounded rather than a sum of i + 1 roundings */
        double cum = weighted ? prev + w[2 * i + 1] : (double)(i + 1) / (double)n;
        if (!found && cum >= level - LEVEL_TOL) {
            v = loss;
            found = true;
        }
        double wt = cum - fmax(prev, level);
        if (wt > 0.0) {
            num += wt * loss;
            den += wt;
        }
        prev = cum;
    }
    *var = v;
    /* den is 1 - level up to rounding (0 only if the sum rounded below a level within an ulp of 1);
     * every weighted loss is >= VaR, so only rounding could put their mean below it */
    *es = den > 0.0 ? fmax(num / den, v) : v;
}

bool hedge__var_es_equal(const double *pnl, size_t n, const double *levels, size_t n_levels, double *var, double *es,
                         double *work) {
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(pnl[i]))
            return false;
        work[2 * i] = -pnl[i];
        work[2 * i + 1] = 1.0;
    }
    pairs_sort(work, n);
    for (size_t k = 0; k < n_levels; k++)
        tail_measures(work, n, false, levels[k], &var[k], &es[k]);
    return true;
}

HEDGE_API hedge_status hedge_scenario_var(double *var, double *es, const double *pnl, const double *probabilities,
                                          size_t n, double level, double *workspace, size_t workspace_len) {
    static const char fn[] = "hedge_scenario_var";
    if (!var || !es || !pnl || !workspace)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (n == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: no P&L values", fn);
    if (n > SIZE_MAX / 2)
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: %zu values need too large a workspace", fn, n);
    if (workspace_len < 2 * n)
        return hedge__fail(NULL, HEDGE_ERR_BUFFER_TOO_SMALL, "%s: the workspace needs %zu doubles, got %zu", fn,
                           2 * n, workspace_len);
    if (!(level > 0.0 && level < 1.0))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the level must be in (0, 1), got %g", fn, level);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(pnl[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: P&L %zu is not finite (%g)", fn, i, pnl[i]);
    double sum = 0.0;
    if (probabilities) {
        for (size_t i = 0; i < n; i++) {
            if (!(probabilities[i] >= 0.0) || !isfinite(probabilities[i]))
                return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: probability %zu must be finite and >= 0, got %g", fn,
                                   i, probabilities[i]);
            sum += probabilities[i];
        }
        if (!(fabs(sum - 1.0) <= PROB_SUM_TOL))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: the probabilities sum to %.17g, not 1 (within %g)", fn, sum,
                               PROB_SUM_TOL);
    }
    for (size_t i = 0; i < n; i++) {
        workspace[2 * i] = -pnl[i];
        workspace[2 * i + 1] = probabilities ? probabilities[i] / sum : 1.0;
    }
    pairs_sort(workspace, n);
    tail_measures(workspace, n, probabilities != NULL, level, var, es);
    return HEDGE_OK;
}
