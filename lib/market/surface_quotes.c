/* Fitting a volatility surface to the option quotes of a snapshot: mids to implied vols, then a smile per expiry. */
#include "core/internal.h"
#include "market/market_internal.h"

#include <hedge/implied_vol.h>
#include <hedge/types.h>
#include <hedge/volsurface.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HEDGE_API void hedge_surface_fit_options_init(hedge_surface_fit_options *options) {
    if (!options)
        return;
    const hedge_surface_fit_options defaults = HEDGE_SURFACE_FIT_OPTIONS_INIT;
    *options = defaults;
}

/* One unexpired option on its way to the fit. */
typedef struct entry {
    int64_t expiry_ms;
    double forward, K, vol, omega; /* omega: the weight of a squared vol error */
    size_t option;
    hedge_quote_verdict verdict;
} entry;

static int cmp_entry(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->expiry_ms != y->expiry_ms)
        return x->expiry_ms < y->expiry_ms ? -1 : 1;
    if (x->K != y->K)
        return x->K < y->K ? -1 : 1;
    return (x->option > y->option) - (x->option < y->option); /* qsort is not stable: keep the order total */
}

/* The quotes of a symbol are adjacent in the snapshot (sorted by symbol, then venue): the first one. */
static size_t first_quote(const hedge_snapshot *s, const char *symbol) {
    size_t lo = 0, hi = s->d.n_quotes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->d.quotes[mid].symbol, symbol) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The quote to take a mid from: on the chosen venue, or the fresh two-sided one with the narrowest spread. When there
 * is none, the verdict says why, preferring the most useful explanation (one-sided over stale over missing). */
static hedge_quote_verdict pick_quote(const hedge_quote **q, const hedge_snapshot *s, const char *symbol,
                                      const char *venue) {
    hedge_quote_verdict why = HEDGE_QUOTE_MISSING;
    *q = NULL;
    for (size_t i = first_quote(s, symbol); i < s->d.n_quotes && strcmp(s->d.quotes[i].symbol, symbol) == 0; i++) {
        const hedge_quote *c = &s->d.quotes[i].q;
        if (venue && strcmp(s->d.quotes[i].venue, venue) != 0)
            continue;
        /* unsigned: timestamps as old as INT64_MIN would overflow a signed difference */
        if ((uint64_t)s->valuation_ms - (uint64_t)c->timestamp_ms > (uint64_t)c->max_age_ms) {
            if (why == HEDGE_QUOTE_MISSING)
                why = HEDGE_QUOTE_STALE;
        } else if (!(c->bid > 0 && c->ask > 0)) {
            why = HEDGE_QUOTE_ONE_SIDED;
        } else if (!*q || c->ask - c->bid < (*q)->ask - (*q)->bid) {
            *q = c;
        }
    }
    return *q ? HEDGE_QUOTE_USED : why;
}

static double norm_pdf(double x) { return exp(-0.5 * x * x) * 0.39894228040143267794; }

/* Fills the report up to the caller's struct and expiry sizes. The entries are sorted by expiry. */
static void write_report(hedge_surface_fit_report *r, const entry *e, size_t n_entries, size_t n_options,
                         const hedge_vol_surface *surface, const double *rmse, const double *max_err) {
    size_t n_exp = 0, n_fit = 0, used = 0;
    size_t stride = r->expiry_struct_size < sizeof(hedge_surface_fit_expiry) ? r->expiry_struct_size
                                                                             : sizeof(hedge_surface_fit_expiry);
    for (size_t i = 0; i < n_entries;) {
        hedge_surface_fit_expiry x;
        memset(&x, 0, sizeof x);
        x.expiry_ms = e[i].expiry_ms;
        x.forward = e[i].forward;
        for (; i < n_entries && e[i].expiry_ms == x.expiry_ms; i++)
            switch (e[i].verdict) {
            case HEDGE_QUOTE_USED: x.used++; break;
            case HEDGE_QUOTE_MISSING: x.missing++; break;
            case HEDGE_QUOTE_STALE: x.stale++; break;
            case HEDGE_QUOTE_ONE_SIDED: x.one_sided++; break;
            case HEDGE_QUOTE_IN_THE_MONEY: x.in_the_money++; break;
            case HEDGE_QUOTE_OUT_OF_BOUNDS: x.out_of_bounds++; break;
            default: x.thin++; break; /* expired options have no entry */
            }
        if (x.used > 0 && surface) { /* used > 0 only where there were enough strikes for a smile */
            x.fitted = 1;
            x.rmse_vol = rmse[n_fit];
            x.max_error_vol = max_err[n_fit];
            n_fit++;
        }
        used += x.used;
        if (n_exp < r->expiry_capacity)
            memcpy((char *)r->expiries + n_exp * r->expiry_struct_size, &x, stride);
        n_exp++;
    }
    r->n_expiries = n_exp;
    r->n_fitted = n_fit;
    r->n_used = used;
    r->n_skipped = n_options - used;
    if (r->verdicts) {
        for (size_t i = 0; i < n_options; i++)
            r->verdicts[i] = HEDGE_QUOTE_EXPIRED; /* the entries cover every unexpired option */
        for (size_t i = 0; i < n_entries; i++)
            r->verdicts[e[i].option] = e[i].verdict;
    }
}

/* Turns option i into an entry: its quote's mid, the mid's implied vol and its weight, or why it is not used. */
static hedge_status read_option(entry *en, hedge_context *ctx, const hedge_snapshot *snap,
                                const hedge_instrument_spec *sp, const hedge_surface_fit_options *o, double S,
                                double r, double F) {
    static const char fn[] = "hedge_vol_surface_fit_quotes";
    double T = hedge__years_between(snap->valuation_ms, sp->expiry_ms);
    en->expiry_ms = sp->expiry_ms;
    en->forward = F;
    en->K = sp->strike;
    const hedge_quote *q;
    en->verdict = pick_quote(&q, snap, sp->symbol, o->venue);
    if (en->verdict == HEDGE_QUOTE_STALE && (o->flags & HEDGE_SURFACE_FIT_STALE_IS_ERROR))
        return hedge__fail(ctx, HEDGE_ERR_STALE, "%s: the quote of %s%s%s is stale", fn, sp->symbol,
                           o->venue ? " on " : "", o->venue ? o->venue : "");
    if (en->verdict != HEDGE_QUOTE_USED)
        return HEDGE_OK;
    double k = log(sp->strike / F);
    if ((sp->option_type == HEDGE_PUT && k > o->atm_band) || (sp->option_type == HEDGE_CALL && k < -o->atm_band)) {
        en->verdict = HEDGE_QUOTE_IN_THE_MONEY;
        return HEDGE_OK;
    }
    double mid = 0.5 * (q->bid + q->ask), vol;
    bool inverse = sp->settlement == HEDGE_SETTLE_INVERSE;
    /* the coin rate that makes the coin premium the USD premium divided by spot: F = S e^{(r - r_c) T} */
    hedge_status st = inverse ? hedge_implied_vol_inverse(&vol, sp->option_type, mid, F, sp->strike, T, r - log(F / S) / T)
                              : hedge_implied_vol_black76(&vol, sp->option_type, mid, F, sp->strike, T, r);
    if (st == HEDGE_ERR_PRICE_BOUNDS || (st == HEDGE_OK && !(vol > 0 && isfinite(vol)))) {
        hedge_error_clear(); /* a quote outside the bounds is reported, not an error of this call */
        en->verdict = HEDGE_QUOTE_OUT_OF_BOUNDS;
        return HEDGE_OK;
    }
    if (st != HEDGE_OK) {
        char why[256]; /* the detail lives in the buffer hedge__fail writes: copy it first */
        snprintf(why, sizeof why, "%s", hedge_error_message());
        return hedge__fail(ctx, st, "%s: implied volatility of %s: %s", fn, sp->symbol, why);
    }
    en->vol = vol;
    /* Black vega in the premium's own currency: e^{-rT} F phi(d1) sqrt(T), over S for a coin premium */
    double s = vol * sqrt(T), vega = exp(-r * T) * F * norm_pdf(-k / s + 0.5 * s) * sqrt(T) / (inverse ? S : 1);
    switch (o->weighting) {
    case HEDGE_SURFACE_WEIGHT_VEGA:
        en->omega = vega;
        break;
    case HEDGE_SURFACE_WEIGHT_INVERSE_SPREAD:
        /* a locked book (bid = ask) would weigh infinitely: no spread counts as 0.01 vol points */
        en->omega = 1 / fmax((q->ask - q->bid) / vega, 1e-4);
        break;
    default:
        en->omega = 1;
        break;
    }
    if (!(en->omega > 0) || !isfinite(en->omega)) /* vega underflows far in the wings: no information there */
        en->verdict = HEDGE_QUOTE_OUT_OF_BOUNDS;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_vol_surface_fit_quotes(hedge_vol_surface **out, hedge_context *ctx,
                                                    const hedge_snapshot *snapshot,
                                                    const hedge_instrument *const *options, size_t n_options,
                                                    const hedge_surface_fit_options *opts,
                                                    hedge_surface_fit_report *report) {
    static const char fn[] = "hedge_vol_surface_fit_quotes";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !snapshot || !options || n_options == 0)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s", fn,
                           !ctx ? "ctx is NULL" : !snapshot ? "snapshot is NULL" : "no options");
    hedge_surface_fit_options o = HEDGE_SURFACE_FIT_OPTIONS_INIT;
    hedge_status st;
    if (opts && (st = hedge__options_copy(&o, sizeof o, opts, fn)) != HEDGE_OK)
        return st;
    if ((unsigned)o.weighting > HEDGE_SURFACE_WEIGHT_EQUAL || (o.flags & ~HEDGE_SURFACE_FIT_STALE_IS_ERROR))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: unknown weighting %d or flags 0x%x", fn, (int)o.weighting,
                           (unsigned)o.flags);
    if (o.venue && (!o.venue[0] || strlen(o.venue) >= NAME_CAP))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: venue must be 1 to %d bytes", fn, NAME_CAP - 1);
    if (!isfinite(o.atm_band) || o.atm_band < 0)
        return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: atm_band must be finite and >= 0 (got %g)", fn, o.atm_band);
    if (report && (report->struct_size < sizeof *report || report->expiry_struct_size < sizeof(int64_t) ||
                   (!report->expiries && report->expiry_capacity > 0)))
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG,
                           "%s: report: struct sizes too small or NULL expiries with a capacity (use "
                           "HEDGE_SURFACE_FIT_REPORT_INIT)", fn);
    for (size_t i = 0; i < n_options; i++) {
        if (!options[i])
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: option %zu is NULL", fn, i);
        const hedge_instrument_spec *sp = &options[i]->spec;
        if (sp->kind != HEDGE_INSTRUMENT_OPTION)
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s is not an option", fn, sp->symbol);
        if (strcmp(sp->underlying, options[0]->spec.underlying) != 0)
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s is on %s, %s on %s: one underlying per surface", fn,
                               options[0]->spec.symbol, options[0]->spec.underlying, sp->symbol, sp->underlying);
    }
    const char *und = options[0]->spec.underlying;
    double S, r;
    if ((st = hedge_snapshot_spot(&S, snapshot, und)) != HEDGE_OK ||
        (st = hedge_snapshot_rate(&r, snapshot, und)) != HEDGE_OK)
        return st;

    /* One block: the smiles, the entries, then the fit's strikes, vols and weights and each smile's errors. */
    size_t per = sizeof(hedge_smile_data) + sizeof(entry) + 5 * sizeof(double), bytes;
    if (!hedge__mul_size(n_options, per, &bytes))
        return hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: %zu options are too many", fn, n_options);
    hedge_smile_data *smiles = hedge__alloc(ctx, bytes, 0);
    if (!smiles)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate %zu bytes of scratch", fn, bytes);
    entry *en = (entry *)(smiles + n_options);
    double *strikes = (double *)(en + n_options), *vols = strikes + n_options, *weights = vols + n_options;
    double *rmse = weights + n_options, *max_err = rmse + n_options;

    size_t n = 0;
    int64_t now = snapshot->valuation_ms, last_expiry = now;
    double F = 0;
    st = HEDGE_OK;
    for (size_t i = 0; i < n_options && st == HEDGE_OK; i++) {
        const hedge_instrument_spec *sp = &options[i]->spec;
        if (sp->expiry_ms <= now)
            continue;
        if (sp->expiry_ms != last_expiry && (st = hedge_snapshot_forward(&F, snapshot, und, sp->expiry_ms)) != HEDGE_OK)
            break;
        last_expiry = sp->expiry_ms;
        en[n].option = i;
        st = read_option(&en[n], ctx, snapshot, sp, &o, S, r, F);
        n++;
    }
    if (st != HEDGE_OK) {
        hedge__free(ctx, smiles, bytes, 0);
        return st;
    }
    if (n > 1)
        qsort(en, n, sizeof *en, cmp_entry);

    /* Group by expiry; an expiry needs 5 distinct strikes for a smile. Used points go to the arrays in order. */
    size_t n_smiles = 0, n_pts = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, distinct = 0, start = n_pts;
        double prev_K = -1;
        for (; j < n && en[j].expiry_ms == en[i].expiry_ms; j++)
            if (en[j].verdict == HEDGE_QUOTE_USED && en[j].K != prev_K) {
                distinct++;
                prev_K = en[j].K;
            }
        for (size_t t = i; t < j; t++) {
            if (en[t].verdict != HEDGE_QUOTE_USED)
                continue;
            if (distinct < 5) {
                en[t].verdict = HEDGE_QUOTE_THIN_EXPIRY;
                continue;
            }
            strikes[n_pts] = en[t].K;
            vols[n_pts] = en[t].vol;
            /* The smile is fitted in total variance w = vol^2 T, where an error dw is a vol error of
             * dw / (2 vol T): weighting dw^2 by omega / vol^2 (the constant 4 T^2 drops out of one
             * smile) minimises the omega-weighted squared vol error, to first order. */
            weights[n_pts] = en[t].omega / (en[t].vol * en[t].vol);
            n_pts++;
        }
        if (distinct >= 5)
            smiles[n_smiles++] = (hedge_smile_data){en[i].expiry_ms, en[i].forward, n_pts - start, strikes + start,
                                                    vols + start, weights + start};
        i = j;
    }
    if (n_smiles == 0) {
        if (report)
            write_report(report, en, n, n_options, NULL, NULL, NULL);
        hedge__free(ctx, smiles, bytes, 0);
        return hedge__fail(ctx, HEDGE_ERR_NOT_FOUND, "%s: no expiry of %s has 5 usable distinct strikes (%zu options)",
                           fn, und, n_options);
    }
    hedge_vol_surface *s = NULL;
    st = hedge_vol_surface_fit(&s, ctx, now, smiles, n_smiles);
    if (st == HEDGE_OK) {
        /* The slices come sorted by expiry, as the smiles are. Their error is restated in vol with the
         * weights omega that the fit meant. */
        for (size_t e = 0; e < n_smiles; e++) {
            hedge_svi_slice *sl = &s->slices[e];
            double sse = 0, wsum = 0, worst = 0;
            for (size_t j = 0; j < smiles[e].n; j++) {
                double k = log(smiles[e].strikes[j] / sl->forward), x = k - sl->m;
                double w = sl->a + sl->b * (sl->rho * x + hypot(x, sl->sigma));
                double err = sqrt(fmax(w, 0) / sl->T) - smiles[e].vols[j];
                double omega = smiles[e].weights[j] * smiles[e].vols[j] * smiles[e].vols[j];
                sse += omega * err * err;
                wsum += omega;
                worst = fmax(worst, fabs(err));
            }
            sl->rmse_vol = rmse[e] = sqrt(sse / wsum);
            max_err[e] = worst;
        }
    }
    if (report && (st == HEDGE_OK || st == HEDGE_ERR_NOT_CONVERGED))
        write_report(report, en, n, n_options, s, rmse, max_err);
    hedge__free(ctx, smiles, bytes, 0);
    if (st != HEDGE_OK)
        return st;
    *out = s;
    return HEDGE_OK;
}
