/* Volatility surfaces: SVI slices sorted by expiry, total variance linear in time between them. */
#include "core/internal.h"
#include "market/market_internal.h"
#include "market/svi.h"

#include <hedge/types.h>
#include <hedge/volsurface.h>

#include <math.h>
#include <stdio.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>

/* ln(K/F) from the ratio, one rounding from exact near the money; when the ratio leaves the normal
 * range (a subnormal strike against a large forward) it would give log(0) = -inf and a NaN
 * variance, so there the difference of logarithms, which stays finite, is used. */
static double log_moneyness(double strike, double forward) {
    double x = strike / forward;
    return isnormal(x) ? log(x) : log(strike) - log(forward);
}

static hedge__svi svi_of(const hedge_svi_slice *s) { return (hedge__svi){s->a, s->b, s->rho, s->m, s->sigma}; }

static hedge_status alloc_surface(hedge_vol_surface **out, hedge_context *ctx, int64_t valuation_ms, size_t n,
                                  const char *fn) {
    size_t bytes;
    if (!hedge__mul_size(n, sizeof(hedge_svi_slice), &bytes) || bytes > (size_t)-1 - sizeof(hedge_vol_surface))
        return hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: %zu slices is too many", fn, n);
    bytes += sizeof(hedge_vol_surface);
    hedge_vol_surface *s = hedge__alloc(ctx, bytes, alignof(hedge_vol_surface));
    if (!s)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate %zu bytes", fn, bytes);
    atomic_init(&s->refs, 1);
    s->ctx = ctx;
    s->valuation_ms = valuation_ms;
    s->n = n;
    *out = s;
    return HEDGE_OK;
}

static size_t surface_bytes(const hedge_vol_surface *s) {
    return sizeof(hedge_vol_surface) + s->n * sizeof(hedge_svi_slice);
}

/* Insertion sort by expiry (few slices), then duplicates are adjacent. */
static hedge_status sort_slices(hedge_vol_surface *s, const char *fn) {
    for (size_t i = 1; i < s->n; i++) {
        hedge_svi_slice x = s->slices[i];
        size_t j = i;
        while (j > 0 && s->slices[j - 1].expiry_ms > x.expiry_ms) {
            s->slices[j] = s->slices[j - 1];
            j--;
        }
        s->slices[j] = x;
    }
    for (size_t i = 1; i < s->n; i++)
        if (s->slices[i].expiry_ms == s->slices[i - 1].expiry_ms)
            return hedge__fail(s->ctx, HEDGE_ERR_EXISTS, "%s: two smiles expire at %lld", fn,
                               (long long)s->slices[i].expiry_ms);
    return HEDGE_OK;
}

static hedge_status check_expiry(hedge_context *ctx, int64_t valuation_ms, int64_t expiry_ms, double forward,
                                 size_t i, const char *fn) {
    if (expiry_ms <= valuation_ms)
        return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: smile %zu expires at %lld, not after the valuation time %lld",
                           fn, i, (long long)expiry_ms, (long long)valuation_ms);
    if (!isfinite(forward) || forward <= 0)
        return hedge__fail(ctx, HEDGE_ERR_DOMAIN, "%s: smile %zu: forward must be finite and > 0 (got %g)", fn, i,
                           forward);
    return HEDGE_OK;
}

/* Fitting needs k and w arrays per smile: the largest smile's worth of scratch, allocated once. */
HEDGE_API hedge_status hedge_vol_surface_fit(hedge_vol_surface **out, hedge_context *ctx, int64_t valuation_ms,
                                             const hedge_smile_data *smiles, size_t n_smiles) {
    static const char fn[] = "hedge_vol_surface_fit";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !smiles || n_smiles == 0)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s", fn, !ctx ? "ctx is NULL" : "no smiles");
    size_t max_n = 0;
    for (size_t i = 0; i < n_smiles; i++) {
        const hedge_smile_data *d = &smiles[i];
        hedge_status st = check_expiry(ctx, valuation_ms, d->expiry_ms, d->forward, i, fn);
        if (st != HEDGE_OK)
            return st;
        if (d->n < 5 || !d->strikes || !d->vols)
            return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: smile %zu needs at least 5 strikes and vols (got %zu)",
                               fn, i, d->n);
        for (size_t j = 0; j < d->n; j++)
            if (!isfinite(d->strikes[j]) || d->strikes[j] <= 0 || !isfinite(d->vols[j]) || d->vols[j] <= 0)
                return hedge__fail(ctx, HEDGE_ERR_DOMAIN,
                                   "%s: smile %zu point %zu: strike and vol must be finite and > 0 (got %g, %g)", fn, i,
                                   j, d->strikes[j], d->vols[j]);
        if (d->n > max_n)
            max_n = d->n;
    }
    size_t scratch_bytes;
    if (!hedge__mul_size(max_n, 2 * sizeof(double), &scratch_bytes))
        return hedge__fail(ctx, HEDGE_ERR_TOO_LARGE, "%s: smile of %zu points is too large", fn, max_n);
    double *k = hedge__alloc(ctx, scratch_bytes, 0);
    if (!k)
        return hedge__fail(ctx, HEDGE_ERR_NOMEM, "%s: cannot allocate %zu bytes of scratch", fn, scratch_bytes);
    double *w = k + max_n;
    hedge_vol_surface *s = NULL;
    hedge_status st = alloc_surface(&s, ctx, valuation_ms, n_smiles, fn);
    for (size_t i = 0; st == HEDGE_OK && i < n_smiles; i++) {
        const hedge_smile_data *d = &smiles[i];
        double T = hedge__years_between(valuation_ms, d->expiry_ms);
        for (size_t j = 0; j < d->n; j++) {
            k[j] = log_moneyness(d->strikes[j], d->forward);
            w[j] = d->vols[j] * d->vols[j] * T;
        }
        hedge__svi p;
        st = hedge__svi_fit(&p, NULL, k, w, d->weights, d->n);
        if (st != HEDGE_OK) {
            char why[256]; /* the detail lives in the buffer hedge__fail writes: copy it first */
            snprintf(why, sizeof why, "%s", hedge_error_message());
            hedge__fail(ctx, st, "%s: smile %zu (expiry %lld): %s", fn, i, (long long)d->expiry_ms, why);
            break;
        }
        double sse = 0, wsum = 0;
        for (size_t j = 0; j < d->n; j++) {
            double e = sqrt(hedge__svi_w(&p, k[j]) / T) - d->vols[j], wt = d->weights ? d->weights[j] : 1;
            sse += wt * e * e;
            wsum += wt;
        }
        s->slices[i] = (hedge_svi_slice){d->expiry_ms, T, d->forward, p.a, p.b, p.rho, p.m, p.sigma, sqrt(sse / wsum)};
    }
    hedge__free(ctx, k, scratch_bytes, 0);
    if (st == HEDGE_OK)
        st = sort_slices(s, fn);
    if (st != HEDGE_OK) {
        if (s)
            hedge__free(ctx, s, surface_bytes(s), alignof(hedge_vol_surface));
        return st;
    }
    *out = s;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_vol_surface_create(hedge_vol_surface **out, hedge_context *ctx, int64_t valuation_ms,
                                                const hedge_svi_slice *slices, size_t n_slices) {
    static const char fn[] = "hedge_vol_surface_create";
    if (!out)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!ctx || !slices || n_slices == 0)
        return hedge__fail(ctx, HEDGE_ERR_INVALID_ARG, "%s: %s", fn, !ctx ? "ctx is NULL" : "no slices");
    for (size_t i = 0; i < n_slices; i++) {
        hedge_status st = check_expiry(ctx, valuation_ms, slices[i].expiry_ms, slices[i].forward, i, fn);
        if (st != HEDGE_OK)
            return st;
        hedge__svi p = svi_of(&slices[i]);
        if (!hedge__svi_is_valid(&p))
            return hedge__fail(ctx, HEDGE_ERR_DOMAIN,
                               "%s: slice %zu is not a valid SVI smile (a %g, b %g, rho %g, m %g, sigma %g)", fn, i, p.a,
                               p.b, p.rho, p.m, p.sigma);
    }
    hedge_vol_surface *s = NULL;
    hedge_status st = alloc_surface(&s, ctx, valuation_ms, n_slices, fn);
    if (st != HEDGE_OK)
        return st;
    for (size_t i = 0; i < n_slices; i++) {
        s->slices[i] = slices[i];
        s->slices[i].T = hedge__years_between(valuation_ms, slices[i].expiry_ms);
        s->slices[i].rmse_vol = 0;
    }
    if ((st = sort_slices(s, fn)) != HEDGE_OK) {
        hedge__free(ctx, s, surface_bytes(s), alignof(hedge_vol_surface));
        return st;
    }
    *out = s;
    return HEDGE_OK;
}

HEDGE_API hedge_vol_surface *hedge_vol_surface_ref(const hedge_vol_surface *surface) {
    if (!surface)
        return NULL;
    hedge_vol_surface *s = (hedge_vol_surface *)(uintptr_t)surface;
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

HEDGE_API void hedge_vol_surface_destroy(hedge_vol_surface *surface) {
    if (!surface)
        return;
    if (atomic_fetch_sub_explicit(&surface->refs, 1, memory_order_release) != 1)
        return;
    atomic_thread_fence(memory_order_acquire);
    hedge__free(surface->ctx, surface, surface_bytes(surface), alignof(hedge_vol_surface));
}

HEDGE_API size_t hedge_vol_surface_slice_count(const hedge_vol_surface *surface) { return surface->n; }

HEDGE_API hedge_status hedge_vol_surface_slice(hedge_svi_slice *slice, const hedge_vol_surface *surface, size_t index) {
    if (!slice || !surface || index >= surface->n)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "hedge_vol_surface_slice: %s",
                           slice && surface ? "index out of range" : "NULL argument");
    *slice = surface->slices[index];
    return HEDGE_OK;
}

/* w T / T_slice, the slice's vol held constant: a slice whose variance is 0 at k stays 0 however
 * far out (T / T_slice can overflow: 0 x inf was NaN, found by fuzz_handles at T = DBL_MAX). */
static double scaled(double w, double T, double T_slice) { return w == 0.0 ? 0.0 : w * (T / T_slice); }

/* Total variance at (k, T): linear in T between slices at fixed k, constant vol outside; +inf where
 * the true value exceeds DBL_MAX. */
static double total_variance(const hedge_vol_surface *s, double k, double T) {
    const hedge_svi_slice *first = &s->slices[0], *last = &s->slices[s->n - 1];
    if (T <= first->T) {
        hedge__svi p = svi_of(first);
        return scaled(hedge__svi_w(&p, k), T, first->T);
    }
    if (T >= last->T) {
        hedge__svi p = svi_of(last);
        return scaled(hedge__svi_w(&p, k), T, last->T);
    }
    size_t i = 1;
    while (s->slices[i].T < T)
        i++;
    const hedge_svi_slice *lo = &s->slices[i - 1], *hi = &s->slices[i];
    hedge__svi pl = svi_of(lo), ph = svi_of(hi);
    double u = (T - lo->T) / (hi->T - lo->T);
    return (1 - u) * hedge__svi_w(&pl, k) + u * hedge__svi_w(&ph, k);
}

HEDGE_API hedge_status hedge_vol_surface_total_variance(double *w, const hedge_vol_surface *surface, double k,
                                                        double T) {
    static const char fn[] = "hedge_vol_surface_total_variance";
    if (!w || !surface)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (!isfinite(k) || !isfinite(T) || T < 0)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: k must be finite and T finite and >= 0 (got %g, %g)", fn, k,
                           T);
    double v = total_variance(surface, k, T);
    if (!isfinite(v))
        return hedge__fail(NULL, HEDGE_ERR_TOO_LARGE, "%s: the total variance at k = %g, T = %g exceeds the largest "
                           "double", fn, k, T);
    *w = v;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_vol_surface_vol(double *vol, const hedge_vol_surface *surface, double strike,
                                             double forward, int64_t expiry_ms) {
    static const char fn[] = "hedge_vol_surface_vol";
    if (!vol || !surface)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (!isfinite(strike) || strike <= 0 || !isfinite(forward) || forward <= 0)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: strike and forward must be finite and > 0 (got %g, %g)", fn,
                           strike, forward);
    if (expiry_ms <= surface->valuation_ms)
        return hedge__fail(NULL, HEDGE_ERR_EXPIRED, "%s: expiry %lld is not after the valuation time %lld", fn,
                           (long long)expiry_ms, (long long)surface->valuation_ms);
    double T = hedge__years_between(surface->valuation_ms, expiry_ms);
    double v = sqrt(total_variance(surface, log_moneyness(strike, forward), T) / T);
    if (!isfinite(v)) /* a surface at the edge of its domain; never hand out NaN */
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: no finite volatility at strike %g, forward %g", fn, strike,
                           forward);
    *vol = v;
    return HEDGE_OK;
}

HEDGE_API hedge_status hedge_vol_surface_check(hedge_arbitrage_report *reports, size_t capacity, size_t *count,
                                               const hedge_vol_surface *surface, double k_min, double k_max,
                                               size_t grid_points) {
    static const char fn[] = "hedge_vol_surface_check";
    if (!count || !surface || (!reports && capacity > 0))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (!isfinite(k_min) || !isfinite(k_max) || !(k_max > k_min) || grid_points < 2)
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: need finite k_min < k_max and at least 2 points (got %g, %g, %zu)",
                           fn, k_min, k_max, grid_points);
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = pass; i < surface->n; i++) {
            hedge__svi p = svi_of(&surface->slices[i]);
            hedge__arb_scan r;
            if (pass == 0) {
                r = hedge__svi_butterfly_scan(&p, k_min, k_max, grid_points, 0);
            } else {
                hedge__svi q = svi_of(&surface->slices[i - 1]);
                r = hedge__svi_calendar_scan(&q, &p, k_min, k_max, grid_points, 0);
            }
            if (r.violations == 0)
                continue;
            if (n < capacity)
                reports[n] = (hedge_arbitrage_report){pass == 0 ? HEDGE_ARBITRAGE_BUTTERFLY : HEDGE_ARBITRAGE_CALENDAR,
                                                      i, r.worst_k, r.worst, r.violations};
            n++;
        }
    *count = n;
    return HEDGE_OK;
}
