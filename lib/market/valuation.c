/* Valuing instruments off a snapshot: market data in, pricing kernels, per-contract risk out. */
#include "core/internal.h"
#include "market/market_internal.h"
#include "pricing/black.h"

#include <hedge/valuation.h>

#include <math.h>
#include <string.h>

static void put(hedge_valuation *dst, const hedge_valuation *src) {
    size_t keep = dst->struct_size, n = keep < sizeof *src ? keep : sizeof *src;
    memcpy(dst, src, n);
    dst->struct_size = keep;
}

HEDGE_API hedge_status hedge_instrument_value(hedge_valuation *out, const hedge_instrument *instrument,
                                              const hedge_snapshot *snapshot, const hedge_vol_surface *surface) {
    static const char fn[] = "hedge_instrument_value";
    if (!out || !instrument || !snapshot)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (out->struct_size < offsetof(hedge_valuation, time_to_expiry) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: out->struct_size %zu is too small (set it with "
                           "HEDGE_VALUATION_INIT)", fn, out->struct_size);
    const hedge_instrument_spec *sp = &instrument->spec;
    const bool inverse = sp->settlement == HEDGE_SETTLE_INVERSE;
    const double m = sp->multiplier;
    double S;
    hedge_status st = hedge_snapshot_spot(&S, snapshot, sp->underlying);
    if (st)
        return st;
    int64_t now = hedge_snapshot_valuation_ms(snapshot);
    hedge_valuation v = HEDGE_VALUATION_INIT;
    v.spot = S;
    v.forward = S;

    switch (sp->kind) {
    case HEDGE_INSTRUMENT_SPOT:
        v.value = v.value_usd = m * S;
        v.delta_coin = m;
        break;
    case HEDGE_INSTRUMENT_PERPETUAL:
    case HEDGE_INSTRUMENT_FUTURE: {
        double F = S, b = 0.0;
        if (sp->kind == HEDGE_INSTRUMENT_FUTURE) {
            if ((st = hedge_instrument_time_to_expiry(&v.time_to_expiry, instrument, now)))
                return st;
            if (!(v.time_to_expiry > 0.0))
                return hedge__fail(NULL, HEDGE_ERR_EXPIRED, "%s: %s expires at the valuation time", fn, sp->symbol);
            if ((st = hedge_snapshot_forward(&F, snapshot, sp->underlying, sp->expiry_ms)))
                return st;
            b = log(F / S) / v.time_to_expiry;
        }
        v.forward = F;
        /* F = S e^{bT} with b held: dF/dS = F/S, dF/dt = -b F */
        if (!inverse) {
            v.value = v.value_usd = m * F;
            v.delta_coin = m * F / S;
            v.theta_usd = -m * b * F;
        } else {
            v.value = -m / F;
            v.value_usd = -m * S / F;
            v.delta_coin = m / F;
            v.gamma_coin = -m / (F * S);
            v.theta_usd = -m * S * b / F;
        }
        if (sp->kind == HEDGE_INSTRUMENT_PERPETUAL) {
            double rate;
            if (hedge_snapshot_funding(&rate, NULL, snapshot, sp->symbol) == HEDGE_OK) {
                /* funding received per year by one long contract, in USD at the current rate */
                double per_year = 365.0 * 86400.0 / sp->funding_interval_s;
                v.theta_usd = -rate * per_year * (inverse ? m : m * S);
            }
            hedge_error_clear(); /* a missing funding rate is not an error of this call */
        }
        break;
    }
    case HEDGE_INSTRUMENT_OPTION: {
        if (!surface)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s is an option and needs a volatility surface", fn,
                               sp->symbol);
        double T, F, r, vol;
        if ((st = hedge_instrument_time_to_expiry(&T, instrument, now)))
            return st;
        if (!(T > 0.0))
            return hedge__fail(NULL, HEDGE_ERR_EXPIRED, "%s: %s expires at the valuation time", fn, sp->symbol);
        if ((st = hedge_snapshot_forward(&F, snapshot, sp->underlying, sp->expiry_ms)) ||
            (st = hedge_snapshot_rate(&r, snapshot, sp->underlying)) ||
            (st = hedge_vol_surface_vol(&vol, surface, sp->strike, F, sp->expiry_ms)))
            return st;
        double b = log(F / S) / T;
        hedge_greeks g;
        hedge__bsm_kernel(&g, (int)sp->option_type, S, sp->strike, T, r, b, vol, false);
        v.time_to_expiry = T;
        v.forward = F;
        v.vol = vol;
        v.value_usd = m * g.price;
        v.vega_usd = m * g.vega;
        v.theta_usd = m * g.theta;
        if (!inverse) {
            v.value = v.value_usd;
            v.delta_coin = m * g.delta;
            v.gamma_coin = m * g.gamma;
        } else {
            /* V_coin = V/S: the coin delta S dV_coin/dS = delta - V/S, and its S-derivative
             * gamma - (delta/S - V/S^2) */
            double vc = g.price / S;
            v.value = m * vc;
            v.delta_coin = m * (g.delta - vc);
            v.gamma_coin = m * (g.gamma - (g.delta - vc) / S);
        }
        break;
    }
    default:
        return hedge__fail(NULL, HEDGE_ERR_INTERNAL, "%s: %s has an unknown kind %d", fn, sp->symbol, (int)sp->kind);
    }
    v.delta_usd = v.delta_coin * S;
    put(out, &v);
    return HEDGE_OK;
}
