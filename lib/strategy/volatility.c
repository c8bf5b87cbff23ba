/* Realised volatility of price bars (close-to-close, Parkinson, Garman-Klass, Rogers-Satchell,
 * Yang-Zhang) and the EWMA (RiskMetrics) forecast. Pure functions: every input is checked before
 * anything is written, nothing is allocated. */
#include "core/internal.h"
#include "strategy/strategy_internal.h"

#include <hedge/volatility.h>

#include <math.h>

#define LN2 0.69314718055994530942

hedge_status hedge__check_periods(const char *fn, double periods_per_year) {
    if (!(periods_per_year > 0.0) || !isfinite(periods_per_year))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: periods_per_year must be finite and > 0 (got %g)", fn,
                           periods_per_year);
    return HEDGE_OK;
}

/* The arrays an estimator reads. */
enum { USE_OPEN = 1, USE_HIGH = 2, USE_LOW = 4, USE_CLOSE = 8, USE_OHLC = 15 };

static hedge_status check_price(const char *fn, const char *name, const double *a, size_t i) {
    if (!(a[i] > 0.0) || !isfinite(a[i]))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s[%zu] must be finite and > 0 (got %g)", fn, name, i, a[i]);
    return HEDGE_OK;
}

/* Every bar of the arrays in `use`: positive finite prices, low <= high, open and close within. */
static hedge_status check_bars(const char *fn, unsigned use, const double *open, const double *high,
                               const double *low, const double *close, size_t n) {
    hedge_status st;
    for (size_t i = 0; i < n; i++) {
        if (((use & USE_OPEN) && (st = check_price(fn, "open", open, i))) ||
            ((use & USE_HIGH) && (st = check_price(fn, "high", high, i))) ||
            ((use & USE_LOW) && (st = check_price(fn, "low", low, i))) ||
            ((use & USE_CLOSE) && (st = check_price(fn, "close", close, i))))
            return st;
        if ((use & USE_HIGH) && high[i] < low[i])
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: high[%zu] = %g is below low[%zu] = %g", fn, i, high[i],
                               i, low[i]);
        if ((use & USE_OPEN) && (use & USE_HIGH) && (open[i] < low[i] || open[i] > high[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: open[%zu] = %g is outside [low, high] = [%g, %g]", fn, i,
                               open[i], low[i], high[i]);
        if ((use & USE_CLOSE) && (use & USE_HIGH) && (close[i] < low[i] || close[i] > high[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: close[%zu] = %g is outside [low, high] = [%g, %g]", fn, i,
                               close[i], low[i], high[i]);
    }
    return HEDGE_OK;
}

/* Rogers-Satchell term of one bar; both products are >= 0 when the open and the close lie in
 * [low, high], so the estimator is never negative. */
static double rogers_satchell(double o, double h, double l, double c) {
    return log(h / c) * log(h / o) + log(l / c) * log(l / o);
}

/* Sample variance (divisor m - 1) of the log ratios ln(num[i] / den[i - lag]), i = from .. from + m - 1,
 * in two passes (the mean first), which keeps a small variance of large returns accurate. */
static double log_ratio_variance(const double *num, const double *den, size_t lag, size_t from, size_t m) {
    double sum = 0.0, ss = 0.0;
    for (size_t i = from; i < from + m; i++)
        sum += log(num[i] / den[i - lag]);
    double mean = sum / (double)m;
    for (size_t i = from; i < from + m; i++) {
        double d = log(num[i] / den[i - lag]) - mean;
        ss += d * d;
    }
    return ss / (double)(m - 1);
}

HEDGE_API hedge_status hedge_realized_vol(double *vol, hedge_vol_estimator est, const double *open,
                                          const double *high, const double *low, const double *close, size_t n,
                                          double periods_per_year) {
    static const char fn[] = "hedge_realized_vol";
    static const struct {
        const char *name;
        unsigned use;
        size_t min_n;
    } spec[] = {
        [HEDGE_VOL_CLOSE_TO_CLOSE] = {"close-to-close", USE_CLOSE, 3},
        [HEDGE_VOL_PARKINSON] = {"Parkinson", USE_HIGH | USE_LOW, 1},
        [HEDGE_VOL_GARMAN_KLASS] = {"Garman-Klass", USE_OHLC, 1},
        [HEDGE_VOL_ROGERS_SATCHELL] = {"Rogers-Satchell", USE_OHLC, 1},
        [HEDGE_VOL_YANG_ZHANG] = {"Yang-Zhang", USE_OHLC, 3},
    };
    if (!vol)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: vol is NULL", fn);
    if ((unsigned)est >= sizeof spec / sizeof spec[0])
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: unknown estimator %d", fn, (int)est);
    unsigned use = spec[est].use;
    const char *missing = (use & USE_OPEN) && !open     ? "open"
                          : (use & USE_HIGH) && !high   ? "high"
                          : (use & USE_LOW) && !low     ? "low"
                          : (use & USE_CLOSE) && !close ? "close"
                                                        : NULL;
    if (missing)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: the %s estimator needs %s, which is NULL", fn,
                           spec[est].name, missing);
    if (n < spec[est].min_n)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: the %s estimator needs at least %zu bars (got %zu)", fn,
                           spec[est].name, spec[est].min_n, n);
    hedge_status st = hedge__check_periods(fn, periods_per_year);
    if (st || (st = check_bars(fn, use, open, high, low, close, n)))
        return st;

    double var = 0.0, sum = 0.0;
    switch (est) {
    case HEDGE_VOL_CLOSE_TO_CLOSE:
        /* the n - 1 returns ln(C_i / C_{i-1}), i = 1 .. n - 1 */
        var = log_ratio_variance(close, close, 1, 1, n - 1);
        break;
    case HEDGE_VOL_PARKINSON:
        for (size_t i = 0; i < n; i++) {
            double hl = log(high[i] / low[i]);
            sum += hl * hl;
        }
        var = sum / ((double)n * 4.0 * LN2);
        break;
    case HEDGE_VOL_GARMAN_KLASS:
        for (size_t i = 0; i < n; i++) {
            double hl = log(high[i] / low[i]), co = log(close[i] / open[i]);
            sum += 0.5 * hl * hl - (2.0 * LN2 - 1.0) * co * co;
        }
        var = sum / (double)n;
        break;
    case HEDGE_VOL_ROGERS_SATCHELL:
        for (size_t i = 0; i < n; i++)
            sum += rogers_satchell(open[i], high[i], low[i], close[i]);
        var = sum / (double)n;
        break;
    case HEDGE_VOL_YANG_ZHANG: {
        /* periods 1 .. n - 1: bar 0 only supplies the close before the first overnight gap */
        size_t m = n - 1;
        double v_o = log_ratio_variance(open, close, 1, 1, m); /* overnight gaps ln(O_i / C_{i-1}) */
        double v_c = log_ratio_variance(close, open, 0, 1, m); /* open to close ln(C_i / O_i) */
        for (size_t i = 1; i < n; i++)
            sum += rogers_satchell(open[i], high[i], low[i], close[i]);
        double k = 0.34 / (1.34 + (double)(m + 1) / (double)(m - 1));
        var = v_o + k * v_c + (1.0 - k) * sum / (double)m;
        break;
    }
    }
    /* each estimator is a sum of non-negative terms, or a variance: rounding alone can make a
     * zero variance a negative one */
    *vol = sqrt(periods_per_year * fmax(var, 0.0));
    return HEDGE_OK;
}

/* EWMA seed when the caller gives none: the mean square of the first min(n, 30) returns. */
enum { EWMA_SEED_RETURNS = 30 };

HEDGE_API hedge_status hedge_ewma_vol(double *vol, double *series, const double *returns, size_t n, double lambda,
                                      double initial_variance, double periods_per_year) {
    static const char fn[] = "hedge_ewma_vol";
    if (!vol || !returns)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s is NULL", fn, !vol ? "vol" : "returns");
    if (n == 0)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: no returns", fn);
    if (!(lambda > 0.0 && lambda < 1.0))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: lambda must be in (0, 1) (got %g)", fn, lambda);
    if (!(initial_variance >= 0.0) || !isfinite(initial_variance))
        return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: initial_variance must be finite and >= 0 (got %g)", fn,
                           initial_variance);
    hedge_status st = hedge__check_periods(fn, periods_per_year);
    if (st)
        return st;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(returns[i] * returns[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: returns[%zu] = %g is not a finite log return", fn, i,
                               returns[i]);

    double s2 = initial_variance;
    if (s2 == 0.0) {
        size_t k = n < EWMA_SEED_RETURNS ? n : EWMA_SEED_RETURNS;
        for (size_t i = 0; i < k; i++)
            s2 += returns[i] * returns[i];
        s2 /= (double)k;
    }
    for (size_t t = 0; t < n; t++) {
        if (series)
            series[t] = sqrt(periods_per_year * s2);
        s2 = lambda * s2 + (1.0 - lambda) * returns[t] * returns[t];
    }
    *vol = sqrt(periods_per_year * s2);
    return HEDGE_OK;
}
