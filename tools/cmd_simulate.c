/* `hedge simulate FILE.json`: a hedging experiment read from JSON, run for each of its policies on
 * the same paths (simulate.h). */
#include "commands.h"
#include "csv.h"

#include <hedge/hedge.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f) {
    fprintf(f, "usage: hedge simulate [--json] [--csv PATHS.csv] [--threads N] [--paths N] [--seed S] FILE.json\n\n"
               "Reads a hedging experiment from the `simulate` member of FILE.json (docs/json-format.md): a path\n"
               "model, an option position, the hedge instrument, costs, run settings and several rebalancing\n"
               "policies. Simulates every policy on the same paths and prints, per policy, the hedged P&L's\n"
               "mean, standard deviation, VaR and CVaR at 95%% and 99%% (USD of loss), worst path, mean cost,\n"
               "funding and trades, and std / option price (Hull's measure). P&L is in USD discounted to the\n"
               "start. --json prints the same as JSON; --csv writes each path's P&L per policy; --threads,\n"
               "--paths and --seed override the file's run settings. A progress bar goes to stderr when it is\n"
               "a terminal. Exit status: 0 done, 2 error.\n");
}

static const char *const rule_names[] = {"calendar", "delta_band", "whalley_wilmott", "leland", "cost_risk"};
static const char *const model_names[] = {"gbm", "merton", "heston", "garch", "replay"};
static const char *const instrument_names[] = {"spot", "perpetual", "option"};

typedef struct bar {
    const char *name;
    int shown;
} bar;

static int progress(void *payload, size_t done, size_t total) {
    bar *b = payload;
    int width = 30, fill = (int)((double)width * (double)done / (double)total);
    fprintf(stderr, "\r%-20.20s [%.*s%*s] %3d%%", b->name, fill, "##############################", width - fill, "",
            (int)(100.0 * (double)done / (double)total));
    b->shown = 1;
    return 0;
}

static int parse_size(const char *s, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return 0;
    *out = (size_t)v;
    return 1;
}

/* The replay series from a CSV file: column `column`; a relative path is taken from the JSON file's folder. */
static double *load_series(const char *json_path, const char *csv_path, const char *column, size_t *n) {
    char path[4096];
    const char *slash = strrchr(json_path, '/');
    if (csv_path[0] != '/' && slash)
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - json_path), json_path, csv_path);
    else
        snprintf(path, sizeof path, "%s", csv_path);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "hedge: cannot open %s\n", path);
        return NULL;
    }
    csv_reader *r = csv_open(f);
    double *v = NULL;
    size_t cap = 0, col = (size_t)-1;
    *n = 0;
    csv_record rec;
    int got, header = 1, ok = r != NULL;
    while (ok && (got = csv_read(r, &rec)) == CSV_RECORD) {
        if (rec.error) {
            fprintf(stderr, "hedge: %s:%ld: %s\n", path, rec.line, rec.error);
            ok = 0;
        } else if (header) {
            header = 0;
            for (size_t i = 0; i < rec.nfields; i++)
                if (strcmp(rec.fields[i], column) == 0)
                    col = i;
            if (col == (size_t)-1) {
                fprintf(stderr, "hedge: %s: no column '%s'\n", path, column);
                ok = 0;
            }
        } else {
            char *end;
            double x = col < rec.nfields ? strtod(rec.fields[col], &end) : 0;
            if (col >= rec.nfields || end == rec.fields[col] || *end || !(x > 0) || !isfinite(x)) {
                fprintf(stderr, "hedge: %s:%ld: '%s' is not a price > 0\n", path, rec.line,
                        col < rec.nfields ? rec.fields[col] : "");
                ok = 0;
            } else {
                if (*n == cap) {
                    cap = cap ? 2 * cap : 1024;
                    double *nv = realloc(v, cap * sizeof *v);
                    if (!nv) {
                        fprintf(stderr, "hedge: out of memory\n");
                        ok = 0;
                        break;
                    }
                    v = nv;
                }
                v[(*n)++] = x;
            }
        }
    }
    if (ok && got == CSV_FAILED) {
        fprintf(stderr, "hedge: %s: %s\n", path, strerror(errno));
        ok = 0;
    }
    csv_close(r);
    fclose(f);
    if (!ok) {
        free(v);
        return NULL;
    }
    return v;
}

/* JSON has no NaN or infinity. */
static void jnum(const char *key, double v, const char *sep) {
    if (isfinite(v))
        printf("\"%s\": %.17g%s", key, v, sep);
    else
        printf("\"%s\": null%s", key, sep);
}

static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

int cmd_simulate(int argc, char **argv) {
    int json = 0, have_threads = 0, have_paths = 0, have_seed = 0;
    const char *path = NULL, *csv_out = NULL;
    size_t threads = 0, paths = 0, seed = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
            csv_out = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc && parse_size(argv[i + 1], &threads)) {
            have_threads = 1;
            i++;
        } else if (strcmp(argv[i], "--paths") == 0 && i + 1 < argc && parse_size(argv[i + 1], &paths)) {
            have_paths = 1;
            i++;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc && parse_size(argv[i + 1], &seed)) {
            have_seed = 1;
            i++;
        } else if (argv[i][0] == '-' || path) {
            usage(stderr);
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    hedge_context *ctx = NULL;
    hedge_sim_config *cfg = NULL;
    hedge_sim_setup su = HEDGE_SIM_SETUP_INIT;
    if (hedge_context_create(&ctx, NULL) != HEDGE_OK || hedge_sim_config_load_json(&cfg, ctx, path) != HEDGE_OK ||
        hedge_sim_config_setup(&su, cfg) != HEDGE_OK) {
        fprintf(stderr, "hedge: %s\n", hedge_error_message());
        hedge_sim_config_destroy(cfg);
        hedge_context_destroy(ctx);
        return 2;
    }
    hedge_sim_paths model = *su.paths;
    hedge_sim_options run = *su.options;
    if (have_threads)
        run.threads = threads > 1024 ? 1024 : (unsigned)threads;
    if (have_paths)
        run.paths = paths;
    if (have_seed)
        run.seed = seed;
    double *series = NULL, *pnl = NULL;
    int code = 2;
    size_t n_policies = su.n_policies, n_paths = run.paths;
    hedge_sim_stats *stats = calloc(n_policies, sizeof *stats);
    const char **names = calloc(n_policies, sizeof *names);
    hedge_rebalance_policy *policies = calloc(n_policies, sizeof *policies);
    if (!stats || !names || !policies) {
        fprintf(stderr, "hedge: out of memory\n");
        goto done;
    }
    if (su.replay_csv) {
        size_t n = 0;
        if (!(series = load_series(path, su.replay_csv, su.replay_column, &n)))
            goto done;
        model.prices = series;
        model.n_prices = n;
    }
    if (model.model == HEDGE_SIM_REPLAY && n_paths == 0) {
        /* every path the CSV series gives (the reader counts an inline series); more than that
         * asked is the library's to report */
        n_paths = model.windows ? (model.n_prices > run.steps ? model.n_prices - run.steps : 0) : 1;
        run.paths = n_paths;
    }
    if (csv_out && n_paths > 0 && !(pnl = calloc(n_paths * n_policies, sizeof *pnl))) {
        fprintf(stderr, "hedge: out of memory for %zu paths\n", n_paths);
        goto done;
    }
    int tty = isatty(STDERR_FILENO);
    for (size_t k = 0; k < n_policies; k++) {
        policies[k] = (hedge_rebalance_policy)HEDGE_REBALANCE_POLICY_INIT;
        hedge_sim_config_policy(&policies[k], &names[k], cfg, k);
        bar b = {names[k], 0};
        run.progress = tty ? progress : NULL;
        run.payload = &b;
        stats[k] = (hedge_sim_stats)HEDGE_SIM_STATS_INIT;
        hedge_status st = hedge_sim_run(&stats[k], pnl ? pnl + k * n_paths : NULL, pnl ? n_paths : 0, ctx, &model,
                                        su.option, su.hedge, &policies[k], &run);
        if (b.shown)
            fprintf(stderr, "\r%*s\r", 60, "");
        if (st != HEDGE_OK) {
            fprintf(stderr, "hedge: %s: policy %s: %s\n", path, names[k], hedge_error_message());
            goto done;
        }
    }
    n_paths = stats[0].paths;
    if (csv_out) {
        FILE *f = fopen(csv_out, "w");
        if (!f) {
            fprintf(stderr, "hedge: cannot write %s\n", csv_out);
            goto done;
        }
        fprintf(f, "path");
        for (size_t k = 0; k < n_policies; k++) {
            fputc(',', f);
            csv_write_field(f, names[k], 0);
        }
        fputc('\n', f);
        for (size_t p = 0; p < n_paths; p++) {
            fprintf(f, "%zu", p);
            for (size_t k = 0; k < n_policies; k++)
                fprintf(f, ",%.17g", pnl[k * n_paths + p]);
            fputc('\n', f);
        }
        if (fclose(f) != 0) {
            fprintf(stderr, "hedge: error writing %s\n", csv_out);
            goto done;
        }
    }
    const hedge_sim_option *o = su.option;
    if (json) {
        printf("{\n  \"model\": \"%s\", \"instrument\": \"%s\", \"paths\": %zu, \"steps\": %zu, \"seed\": %llu,\n",
               model_names[model.model], instrument_names[su.hedge->instrument], n_paths, run.steps,
               (unsigned long long)run.seed);
        printf("  ");
        jnum("option_price", stats[0].option_price, ", ");
        jnum("premium", fabs(o->quantity) * stats[0].option_price, ",\n");
        printf("  \"policies\": [\n");
        for (size_t k = 0; k < n_policies; k++) {
            const hedge_sim_stats *s = &stats[k];
            printf("    {\"name\": ");
            json_string(names[k]);
            printf(", \"rule\": \"%s\", ", rule_names[policies[k].rule]);
            jnum("mean", s->mean, ", ");
            jnum("std", s->std, ", ");
            jnum("var95", s->var95, ", ");
            jnum("cvar95", s->cvar95, ", ");
            jnum("var99", s->var99, ", ");
            jnum("cvar99", s->cvar99, ", ");
            jnum("worst", s->worst, ", ");
            jnum("best", s->best, ", ");
            jnum("mean_cost", s->mean_cost, ", ");
            jnum("mean_funding", s->mean_funding, ", ");
            jnum("mean_trades", s->mean_trades, ", ");
            jnum("std_over_price", s->std_over_price, "");
            printf("}%s\n", k + 1 < n_policies ? "," : "");
        }
        printf("  ]\n}\n");
    } else {
        printf("%s paths (%zu, %zu steps, seed %llu); %s %s on %g units, strike %g, %.4g years, hedge vol %g%%, "
               "hedged with %s\n",
               model_names[model.model], n_paths, run.steps, (unsigned long long)run.seed,
               o->quantity < 0 ? "written" : "bought", o->type == HEDGE_CALL ? "call" : "put", fabs(o->quantity),
               o->strike, o->expiry, 100 * o->hedge_vol, instrument_names[su.hedge->instrument]);
        printf("option price %.6g USD per unit, premium %.2f USD; P&L in USD discounted to the start, VaR and CVaR "
               "as losses\n\n",
               stats[0].option_price, fabs(o->quantity) * stats[0].option_price);
        printf("%-20s %12s %12s %12s %12s %12s %12s %12s %10s %10s %8s %9s\n", "policy", "mean", "std", "VaR 95%",
               "CVaR 95%", "VaR 99%", "CVaR 99%", "worst", "cost", "funding", "trades", "std/price");
        for (size_t k = 0; k < n_policies; k++) {
            const hedge_sim_stats *s = &stats[k];
            printf("%-20.20s %12.2f %12.2f %12.2f %12.2f %12.2f %12.2f %12.2f %10.2f %10.2f %8.1f %9.4f\n", names[k],
                   s->mean, s->std, s->var95, s->cvar95, s->var99, s->cvar99, s->worst, s->mean_cost, s->mean_funding,
                   s->mean_trades, s->std_over_price);
        }
    }
    code = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
done:
    free(stats);
    free(names);
    free(policies);
    free(series);
    free(pnl);
    hedge_sim_config_destroy(cfg);
    hedge_context_destroy(ctx);
    return code;
}
