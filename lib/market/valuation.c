/* Valuing instruments off a snapshot: market data in, pricing kernels, per-contract risk out. */
#include "market/valuation_internal.h"

#include "core/internal.h"
#include "market/market_internal.h"
#include "pricing/black.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

hedge_status hedge__valuation_inputs(hedge__val_inputs *in, const hedge_instrument *instrument,
                                     const hedge_snapshot *snapshot, const hedge_vol_surface *surface) {
    static const char fn[] = "hedge_instrument_value";
    const hedge_instrument_spec *sp = &instrument->spec;
    memset(in, 0, sizeof *in);
    hedge_status st = hedge_snapshot_spot(&in->S, snapshot, sp->underlying);
    if (st)
        return st;
    in->F = in->S;
    int64_t now = hedge_snapshot_valuation_ms(snapshot);
    if (sp->kind == HEDGE_INSTRUMENT_FUTURE || sp->kind == HEDGE_INSTRUMENT_OPTION) {
        if (sp->kind == HEDGE_INSTRUMENT_OPTION && !surface)
            return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: %s is an option and needs a volatility surface", fn,
                               sp->symbol);
        if ((st = hedge_instrument_time_to_expiry(&in->T, instrument, now))) {
            /* the callee's message, under this function's name */
            char why[256];
            snprintf(why, sizeof why, "%s", hedge_error_message());
            const char *rest = strchr(why, ':');
            return hedge__fail(NULL, st, "%s%s", fn, rest ? rest : why);
        }
        if (!(in->T > 0.0))
            return hedge__fail(NULL, HEDGE_ERR_EXPIRED, "%s: %s expires at the valuation time", fn, sp->symbol);
        if ((st = hedge_snapshot_forward(&in->F, snapshot, sp->underlying, sp->expiry_ms)))
            return st;
        in->b = log(in->F / in->S) / in->T;
    }
    if (sp->kind == HEDGE_INSTRUMENT_OPTION &&
        ((st = hedge_snapshot_rate(&in->r, snapshot, sp->underlying)) ||
         (st = hedge_vol_surface_vol(&in->vol, surface, sp->strike, in->F, sp->expiry_ms))))
        return st;
    if (sp->kind == HEDGE_INSTRUMENT_PERPETUAL) {
        in->has_funding = hedge_snapshot_funding(&in->funding_rate, NULL, snapshot, sp->symbol) == HEDGE_OK;
        hedge_error_clear(); /* a missing funding rate is not an error of this call */
    }
    return HEDGE_OK;
}

void hedge__value_from(hedge_valuation *out, const hedge_instrument_spec *sp, const hedge__val_inputs *in) {
    const bool inverse = sp->settlement == HEDGE_SETTLE_INVERSE;
    const double m = sp->multiplier, S = in->S;
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
        /* F = S e^{bT} with b held: dF/dS = F/S, dF/dt = -b F (b = 0 for a perpetual) */
        double F = sp->kind == HEDGE_INSTRUMENT_FUTURE ? in->F : S, b = sp->kind == HEDGE_INSTRUMENT_FUTURE ? in->b : 0;
        v.forward = F;
        v.time_to_expiry = sp->kind == HEDGE_INSTRUMENT_FUTURE ? in->T : 0.0;
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
        if (sp->kind == HEDGE_INSTRUMENT_PERPETUAL && in->has_funding) {
            /* funding received per year by one long contract, in USD at the current rate */
            double per_year = 365.0 * 86400.0 / sp->funding_interval_s;
            v.theta_usd = -in->funding_rate * per_year * (inverse ? m : m * S);
        }
        break;
    }
    case HEDGE_INSTRUMENT_OPTION: {
        hedge_greeks g;
        hedge__bsm_kernel(&g, (int)sp->option_type, S, sp->strike, in->T, in->r, in->r - in->b, in->b, in->vol, false);
        v.time_to_expiry = in->T;
        v.forward = in->F;
        v.vol = in->vol;
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
    }
    v.delta_usd = v.delta_coin * S;
    hedge__output_copy(out, &v, sizeof v);
}

HEDGE_API hedge_status hedge_instrument_value(hedge_valuation *out, const hedge_instrument *instrument,
                                              const hedge_snapshot *snapshot, const hedge_vol_surface *surface) {
    static const char fn[] = "hedge_instrument_value";
    if (!out || !instrument || !snapshot)
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: NULL argument", fn);
    if (out->struct_size < offsetof(hedge_valuation, time_to_expiry) + sizeof(double))
        return hedge__fail(NULL, HEDGE_ERR_INVALID_ARG, "%s: out->struct_size %zu is too small (set it with "
                           "HEDGE_VALUATION_INIT)", fn, out->struct_size);
    hedge__val_inputs in;
    hedge_status st = hedge__valuation_inputs(&in, instrument, snapshot, surface);
    if (st)
        return st;
    hedge_valuation v = HEDGE_VALUATION_INIT;
    hedge__value_from(&v, &instrument->spec, &in);
    /* Market data at the edge of the model's domain (a subnormal forward, say) can drive a kernel
     * to NaN or infinity; that is an error of this call, never a number handed out. */
    const double *f = &v.value;
    for (size_t i = 0; i < (offsetof(hedge_valuation, time_to_expiry) - offsetof(hedge_valuation, value)) /
                               sizeof(double) + 1; i++)
        if (!isfinite(f[i]))
            return hedge__fail(NULL, HEDGE_ERR_DOMAIN, "%s: %s: no finite value at spot %g, forward %g, vol %g, "
                               "T %g", fn, instrument->spec.symbol, in.S, in.F, in.vol, in.T);
    hedge__output_copy(out, &v, sizeof v);
    return HEDGE_OK;
}
