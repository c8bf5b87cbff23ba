/*
 * libhedge against QuantLib on the same chain, in the same process: QuantLib's BlackCalculator (the
 * closed form a QuantLib user would call directly) and the AnalyticEuropeanEngine path (instrument,
 * process, engine: what most QuantLib code does), each for price + delta, gamma, vega, theta, rho.
 * Prices are cross-checked so that the ratio compares the same computation.
 */
#include "chain.h"

#include <hedge/hedge.h>

#include <ql/exercise.hpp>
#include <ql/instruments/payoffs.hpp>
#include <ql/instruments/vanillaoption.hpp>
#include <ql/pricingengines/blackcalculator.hpp>
#include <ql/pricingengines/vanilla/analyticeuropeanengine.hpp>
#include <ql/processes/blackscholesprocess.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/volatility/equityfx/blackconstantvol.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/version.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace ql = QuantLib;

namespace {

constexpr double min_sample_ms = 20.0;

struct outputs {
    explicit outputs(size_t n) : price(n), delta(n), gamma(n), vega(n), theta(n), rho(n) {}
    std::vector<double> price, delta, gamma, vega, theta, rho;
};

struct job {
    const bench_chain *c;
    size_t n; // may be a prefix of the chain (the engine path is too slow for all of it)
    outputs *o;
};

struct engine_path {
    ql::Date today;
    ql::ext::shared_ptr<ql::SimpleQuote> spot, rate, yield, vol;
    ql::ext::shared_ptr<ql::PricingEngine> engine;
};

engine_path *engine_state;

void run_black_calculator(void *arg) {
    auto *j = static_cast<job *>(arg);
    const bench_chain *c = j->c;
    for (size_t i = 0; i < j->n; i++) {
        double T = c->T[i], S = c->S[i];
        double df = std::exp(-c->r[i] * T), forward = S * std::exp((c->r[i] - c->q[i]) * T);
        ql::BlackCalculator bc(c->type[i] > 0 ? ql::Option::Call : ql::Option::Put, c->K[i], forward,
                               c->sigma[i] * std::sqrt(T), df);
        j->o->price[i] = bc.value();
        j->o->delta[i] = bc.delta(S);
        j->o->gamma[i] = bc.gamma(S);
        j->o->vega[i] = bc.vega(T);
        j->o->theta[i] = bc.theta(S, T);
        j->o->rho[i] = bc.rho(T);
    }
}

// The usual QuantLib set-up: market quotes feed flat curves, a BSM process and one engine; each
// option is an instrument with its payoff and exercise. Quotes are updated in place, as a live
// system would, rather than rebuilding the curves per option.
void run_engine(void *arg) {
    auto *j = static_cast<job *>(arg);
    const bench_chain *c = j->c;
    engine_path &e = *engine_state;
    for (size_t i = 0; i < j->n; i++) {
        e.spot->setValue(c->S[i]);
        e.rate->setValue(c->r[i]);
        e.yield->setValue(c->q[i]);
        e.vol->setValue(c->sigma[i]);
        auto payoff = ql::ext::make_shared<ql::PlainVanillaPayoff>(c->type[i] > 0 ? ql::Option::Call : ql::Option::Put,
                                                                   c->K[i]);
        auto exercise = ql::ext::make_shared<ql::EuropeanExercise>(e.today + c->days[i]);
        ql::VanillaOption option(payoff, exercise);
        option.setPricingEngine(e.engine);
        j->o->price[i] = option.NPV();
        j->o->delta[i] = option.delta();
        j->o->gamma[i] = option.gamma();
        j->o->vega[i] = option.vega();
        j->o->theta[i] = option.theta();
        j->o->rho[i] = option.rho();
    }
}

void run_batch(void *arg) {
    auto *j = static_cast<job *>(arg);
    const bench_chain *c = j->c;
    hedge_greeks_arrays out = HEDGE_GREEKS_ARRAYS_INIT;
    out.price = j->o->price.data();
    out.delta = j->o->delta.data();
    out.gamma = j->o->gamma.data();
    out.vega = j->o->vega.data();
    out.theta = j->o->theta.data();
    out.rho = j->o->rho.data();
    if (hedge_bsm_greeks_batch(j->n, c->type, c->S, c->K, c->T, c->r, c->q, c->sigma, &out) != HEDGE_OK) {
        std::fprintf(stderr, "bench_quantlib: hedge_bsm_greeks_batch: %s\n", hedge_error_message());
        std::exit(1);
    }
}

void run_scalar(void *arg) {
    auto *j = static_cast<job *>(arg);
    const bench_chain *c = j->c;
    for (size_t i = 0; i < j->n; i++) {
        hedge_greeks g = HEDGE_GREEKS_INIT;
        if (hedge_bsm_greeks(&g, static_cast<hedge_option_type>(c->type[i]), c->S[i], c->K[i], c->T[i], c->r[i],
                             c->q[i], c->sigma[i]) != HEDGE_OK) {
            std::fprintf(stderr, "bench_quantlib: hedge_bsm_greeks: %s\n", hedge_error_message());
            std::exit(1);
        }
        j->o->price[i] = g.price;
        j->o->delta[i] = g.delta;
        j->o->gamma[i] = g.gamma;
        j->o->vega[i] = g.vega;
        j->o->theta[i] = g.theta;
        j->o->rho[i] = g.rho;
    }
}

struct agreement {
    double price_all = 0, price_liquid = 0, delta = 0, vega = 0, theta = 0, rho = 0;
};

// Relative differences against libhedge (which holds full relative accuracy in the wings); "liquid"
// leaves out prices below 1e-6 of spot, where F N(d1) - K N(d2) cancels in QuantLib.
agreement compare(const bench_chain &c, size_t n, const outputs &ours, const outputs &theirs) {
    agreement a;
    auto rel = [](double x, double ref, double floor) {
        return std::fabs(x - ref) / std::max(std::fabs(ref), floor);
    };
    for (size_t i = 0; i < n; i++) {
        double p = rel(theirs.price[i], ours.price[i], 1e-300);
        a.price_all = std::max(a.price_all, p);
        if (ours.price[i] >= 1e-6 * c.S[i]) {
            a.price_liquid = std::max(a.price_liquid, p);
            a.vega = std::max(a.vega, rel(theirs.vega[i], ours.vega[i], 1e-12 * c.S[i]));
            a.theta = std::max(a.theta, rel(theirs.theta[i], ours.theta[i], 1e-12 * c.S[i]));
            a.rho = std::max(a.rho, rel(theirs.rho[i], ours.rho[i], 1e-12 * c.S[i]));
        }
        a.delta = std::max(a.delta, std::fabs(theirs.delta[i] - ours.delta[i]));
    }
    return a;
}

void print_agreement(const char *who, const agreement &a, size_t n) {
    std::printf("%-26s on %5zu options: price max rel %.1e (all), %.1e (>= 1e-6 S); delta max abs %.1e; "
                "vega %.1e, theta %.1e, rho %.1e max rel\n",
                who, n, a.price_all, a.price_liquid, a.delta, a.vega, a.theta, a.rho);
}

void row(const char *name, double ns, double engine_ns, double calc_ns, const char *target) {
    std::printf("%-50s %10.1f %13.1fx %13.2fx   %s\n", name, ns, engine_ns / ns, calc_ns / ns, target);
}

} // namespace

int main(int argc, char **argv) {
    size_t n = BENCH_DEFAULT_N;
    int samples = 15;
    bench_args(argc, argv, &n, &samples, nullptr);
    bench_chain c;
    bench_chain_make(&c, n, BENCH_SEED);
    // About 2.5 us per option: a quarter of the chain keeps a sample near the others' length.
    size_t n_engine = std::max<size_t>(1, n / 4);

    engine_path e;
    e.today = ql::Date(2, ql::January, 2024);
    ql::Settings::instance().evaluationDate() = e.today;
    ql::DayCounter dc = ql::Actual365Fixed(); // so that days / 365 is exactly the chain's T
    e.spot = ql::ext::make_shared<ql::SimpleQuote>(100.0);
    e.rate = ql::ext::make_shared<ql::SimpleQuote>(0.0);
    e.yield = ql::ext::make_shared<ql::SimpleQuote>(0.0);
    e.vol = ql::ext::make_shared<ql::SimpleQuote>(0.2);
    ql::Handle<ql::YieldTermStructure> rts(
        ql::ext::make_shared<ql::FlatForward>(e.today, ql::Handle<ql::Quote>(e.rate), dc));
    ql::Handle<ql::YieldTermStructure> qts(
        ql::ext::make_shared<ql::FlatForward>(e.today, ql::Handle<ql::Quote>(e.yield), dc));
    ql::Handle<ql::BlackVolTermStructure> vts(
        ql::ext::make_shared<ql::BlackConstantVol>(e.today, ql::NullCalendar(), ql::Handle<ql::Quote>(e.vol), dc));
    auto process =
        ql::ext::make_shared<ql::BlackScholesMertonProcess>(ql::Handle<ql::Quote>(e.spot), qts, rts, vts);
    e.engine = ql::ext::make_shared<ql::AnalyticEuropeanEngine>(process);
    engine_state = &e;

    outputs ours(n), scalar(n), calc(n), eng(n);
    job j_calc{&c, n, &calc}, j_eng{&c, n_engine, &eng}, j_batch{&c, n, &ours}, j_scalar{&c, n, &scalar};
    double engine_ns = bench_time(run_engine, &j_eng, samples, min_sample_ms) / static_cast<double>(n_engine);
    double calc_ns = bench_time(run_black_calculator, &j_calc, samples, min_sample_ms) / static_cast<double>(n);
    double scalar_ns = bench_time(run_scalar, &j_scalar, samples, min_sample_ms) / static_cast<double>(n);
    double batch_ns = bench_time(run_batch, &j_batch, samples, min_sample_ms) / static_cast<double>(n);

    uint64_t caps = hedge_capabilities();
    const char *simd = bench_simd_name(caps);
    char batch_name[80];
    std::snprintf(batch_name, sizeof batch_name, "hedge_bsm_greeks_batch, price + 5 Greeks [%s]", simd);
    const char *target = caps & HEDGE_CAP_SIMD_AVX512 ? "<= 10 ns" : caps & HEDGE_CAP_SIMD_AVX2 ? "<= 15 ns" : "";
    char target_text[40];
    std::snprintf(target_text, sizeof target_text, "%s%s", target,
                  !*target ? "" : batch_ns <= (caps & HEDGE_CAP_SIMD_AVX512 ? 10.0 : 15.0) ? "  met" : "  MISSED");

    std::printf("libhedge %s against QuantLib %s: %zu options (seed %llu; engine path on the first %zu), "
                "min of %d samples >= %.0f ms\n",
                hedge_version_string(), QL_VERSION, n, static_cast<unsigned long long>(BENCH_SEED), n_engine,
                samples, min_sample_ms);
    std::printf("every row computes price, delta, gamma, vega, theta and rho; speed-up = QuantLib ns / ns\n\n");
    std::printf("%-50s %10s %14s %14s   %s\n", "kernel", "ns/option", "vs engine", "vs BlackCalc", "target");
    row("QuantLib AnalyticEuropeanEngine (VanillaOption)", engine_ns, engine_ns, calc_ns, "(issue: ~2400 ns)");
    row("QuantLib BlackCalculator", calc_ns, engine_ns, calc_ns, "(issue: ~200 ns)");
    row("hedge_bsm_greeks, scalar (all 16 Greeks)", scalar_ns, engine_ns, calc_ns, "");
    row(batch_name, batch_ns, engine_ns, calc_ns, target_text);
    std::printf("\n");

    // Each run above left its last pass's outputs in place.
    print_agreement("BlackCalculator vs batch", compare(c, n, ours, calc), n);
    print_agreement("engine vs batch", compare(c, n_engine, ours, eng), n_engine);
    print_agreement("scalar vs batch", compare(c, n, ours, scalar), n);
    bench_chain_free(&c);
    return 0;
}
