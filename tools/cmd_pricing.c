/* `hedge price` and `hedge iv`: CSV in, the input row plus computed columns out.
 *
 * Rows are streamed: each is written as soon as it is read, so a chain of any length goes through in
 * constant memory. A bad row is reported and still written, with its status and empty results, so
 * that the output lines up with the input row for row. */
#include "commands.h"
#include "csv.h"

#include <hedge/hedge.h>
#include <hedge/implied_vol.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum command { CMD_PRICE, CMD_IV };
enum model { MODEL_BSM, MODEL_BLACK76, MODEL_INVERSE };

#define MAX_INPUTS 6
#define MAX_OUTPUTS 18

static const char *const model_names[] = {"bsm", "black76", "inverse"};

/* Numeric inputs per model, in the order the library's functions take them; the last one is `sigma`
 * for price and `price` for iv. */
static const char *const model_inputs[][MAX_INPUTS - 1] = {
    {"S", "K", "T", "r", "q"},
    {"F", "K", "T", "r"},
    {"F", "K", "T", "r_coin"},
};
static const size_t model_ninputs[] = {5, 4, 4};

/* The fields of hedge_greeks, in struct order. */
static const char *const greek_names[] = {"price", "delta", "gamma", "vega", "theta", "rho", "carry_rho",
                                          "vanna", "volga", "charm", "veta", "speed", "zomma", "color",
                                          "dual_delta", "dual_gamma"};
#define NGREEKS (sizeof greek_names / sizeof greek_names[0])

struct job {
    enum command cmd;
    enum model model;
    const char *file; /* name used in messages */
    size_t ncols_in;  /* fields in the header */
    size_t type_col;
    size_t nin;
    const char *in_names[MAX_INPUTS];
    size_t in_col[MAX_INPUTS];
    size_t nout;                    /* computed columns, the last of which is `status` */
    const char *out_names[MAX_OUTPUTS];
    size_t out_col[MAX_OUTPUTS];    /* where each computed column goes in the output row */
    size_t ncols_out;
    const char **cells;             /* one output row */
    char num[MAX_OUTPUTS][32];      /* "%.17g" needs at most 24 characters */
};

static void usage(FILE *f, enum command cmd) {
    if (cmd == CMD_PRICE)
        fprintf(f,
                "usage: hedge price [--model bsm|black76|inverse] [FILE]\n\n"
                "Prices European options read as CSV from FILE (or standard input, also as '-') and writes\n"
                "CSV to standard output: every input column, then the value and the Greeks.\n\n"
                "input columns, found by name in the header row (any order; other columns are copied):\n"
                "  --model bsm (default)  type,S,K,T,r,q,sigma   Black-Scholes-Merton with yield q\n"
                "  --model black76        type,F,K,T,r,sigma     Black-76 on the forward F\n"
                "  --model inverse        type,F,K,T,r_coin,sigma  coin-margined option, value in coins\n"
                "type is call or put; T in years; r, q, r_coin continuously compounded per year; sigma\n"
                "per sqrt(year) as a fraction (0.6 is 60%%).\n\n"
                "output columns added:\n"
                "  price,delta,gamma,vega,theta,rho,carry_rho,vanna,volga,charm,veta,speed,zomma,color,\n"
                "  dual_delta,dual_gamma  (inverse: then delta_premium_adjusted)  and status\n"
                "Units are the library's: vega per 1.00 of volatility, theta per year, rho per 1.00 of rate;\n"
                "black76 and inverse Greeks are with respect to F, inverse ones in coins.\n");
    else
        fprintf(f,
                "usage: hedge iv [--model bsm|black76|inverse] [FILE]\n\n"
                "Implied volatilities of European option prices read as CSV from FILE (or standard input,\n"
                "also as '-'); writes CSV to standard output: every input column, then iv and status.\n\n"
                "input columns, found by name in the header row (any order; other columns are copied):\n"
                "  --model bsm (default)  type,S,K,T,r,q,price\n"
                "  --model black76        type,F,K,T,r,price\n"
                "  --model inverse        type,F,K,T,r_coin,price  (price in coins per coin)\n"
                "Units as for `hedge price`; iv is per sqrt(year) as a fraction. The output of\n"
                "`hedge price` is valid input (its status column is overwritten).\n");
    fprintf(f, "\nA header row is required. Fields may be quoted; lines starting with '#' and blank lines\n"
               "are skipped. Numbers are written with 17 significant digits, so they read back exactly.\n"
               "A bad row is reported on standard error as FILE:LINE: message, and written with its\n"
               "status (such as HEDGE_ERR_DOMAIN) and empty results; the other rows are still computed.\n\n"
               "exit status: 0 all rows computed, 1 some row was bad, 2 usage error, unreadable input or\n"
               "a header without a required column.\n");
}

static void report(const struct job *job, long line, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "hedge: %s:%ld: ", job->file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Surrounding blanks are ignored when a field is read as a name or a number, but kept when it is copied. */
static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int field_is(const char *field, const char *name) {
    while (is_blank(*field))
        field++;
    size_t n = strlen(name);
    if (strncmp(field, name, n) != 0)
        return 0;
    for (field += n; is_blank(*field); field++)
        ;
    return *field == '\0';
}

static int field_is_ci(const char *field, const char *word) {
    while (is_blank(*field))
        field++;
    for (; *word; field++, word++)
        if ((*field | 0x20) != *word) /* ASCII case folding: `word` is lower-case letters */
            return 0;
    while (is_blank(*field))
        field++;
    return *field == '\0';
}

static void write_row(const struct job *job) {
    for (size_t c = 0; c < job->ncols_out; c++) {
        if (c)
            putchar(',');
        csv_write_field(stdout, job->cells[c], c == 0);
    }
    putchar('\n');
}

/* Maps the header to column positions and writes the output header; 0, or 2 after reporting. */
static int setup(struct job *job, const csv_record *h) {
    job->ncols_in = h->nfields;
    job->nin = model_ninputs[job->model] + 1;
    for (size_t i = 0; i + 1 < job->nin; i++)
        job->in_names[i] = model_inputs[job->model][i];
    job->in_names[job->nin - 1] = job->cmd == CMD_PRICE ? "sigma" : "price";

    job->nout = 0;
    if (job->cmd == CMD_PRICE) {
        for (size_t i = 0; i < NGREEKS; i++)
            job->out_names[job->nout++] = greek_names[i];
        if (job->model == MODEL_INVERSE)
            job->out_names[job->nout++] = "delta_premium_adjusted";
    } else {
        job->out_names[job->nout++] = "iv";
    }
    job->out_names[job->nout++] = "status";

    if (h->error) {
        report(job, h->line, "header: %s", h->error);
        return 2;
    }
    /* Required columns must be unambiguous; computed columns already present (say, the status of a
     * `hedge price` output fed to `hedge iv`) are overwritten in place, so outputs can be chained. */
    const char *required[MAX_INPUTS + 1] = {"type"};
    size_t *where[MAX_INPUTS + 1] = {&job->type_col};
    for (size_t i = 0; i < job->nin; i++) {
        required[i + 1] = job->in_names[i];
        where[i + 1] = &job->in_col[i];
    }
    for (size_t k = 0; k < job->nin + 1; k++) {
        size_t found = SIZE_MAX;
        for (size_t c = 0; c < h->nfields; c++) {
            if (!field_is(h->fields[c], required[k]))
                continue;
            if (found != SIZE_MAX) {
                report(job, h->line, "header: column '%s' appears twice", required[k]);
                return 2;
            }
            found = c;
        }
        if (found == SIZE_MAX) {
            fprintf(stderr, "hedge: %s:%ld: header: no column '%s' (--model %s reads type", job->file, h->line,
                    required[k], model_names[job->model]);
            for (size_t i = 0; i < job->nin; i++)
                fprintf(stderr, ",%s", job->in_names[i]);
            fprintf(stderr, ")\n");
            return 2;
        }
        *where[k] = found;
    }
    job->ncols_out = h->nfields;
    for (size_t k = 0; k < job->nout; k++) {
        size_t found = SIZE_MAX;
        for (size_t c = 0; c < h->nfields && found == SIZE_MAX; c++)
            if (field_is(h->fields[c], job->out_names[k]))
                found = c;
        job->out_col[k] = found != SIZE_MAX ? found : job->ncols_out++;
    }
    job->cells = malloc(job->ncols_out * sizeof *job->cells);
    if (!job->cells) {
        fprintf(stderr, "hedge: out of memory\n");
        return 2;
    }
    for (size_t c = 0; c < h->nfields; c++)
        job->cells[c] = h->fields[c];
    for (size_t k = 0; k < job->nout; k++)
        job->cells[job->out_col[k]] = job->out_names[k];
    write_row(job);
    return 0;
}

/* The row's type and numbers, or HEDGE_ERR_PARSE after reporting. */
static hedge_status parse_row(const struct job *job, const csv_record *rec, hedge_option_type *type, double *x) {
    if (rec->error) {
        report(job, rec->line, "%s", rec->error);
        return HEDGE_ERR_PARSE;
    }
    if (rec->nfields != job->ncols_in) {
        report(job, rec->line, "%zu fields, but the header has %zu", rec->nfields, job->ncols_in);
        return HEDGE_ERR_PARSE;
    }
    const char *t = rec->fields[job->type_col];
    if (field_is_ci(t, "call")) {
        *type = HEDGE_CALL;
    } else if (field_is_ci(t, "put")) {
        *type = HEDGE_PUT;
    } else {
        report(job, rec->line, "column 'type': expected call or put, got '%s'", t);
        return HEDGE_ERR_PARSE;
    }
    for (size_t i = 0; i < job->nin; i++) {
        const char *s = rec->fields[job->in_col[i]];
        char *end;
        x[i] = strtod(s, &end);
        while (is_blank(*end))
            end++;
        if (end == s || *end != '\0') {
            report(job, rec->line, "column '%s': not a number: '%s'", job->in_names[i], s);
            return HEDGE_ERR_PARSE;
        }
    }
    return HEDGE_OK;
}

/* Runs the library on one row; fills v[0..nout-2] on success. */
static hedge_status compute(const struct job *job, hedge_option_type type, const double *x, double *v) {
    hedge_status st;
    if (job->cmd == CMD_IV) {
        switch (job->model) {
        case MODEL_BSM:
            return hedge_implied_vol_bsm(&v[0], type, x[5], x[0], x[1], x[2], x[3], x[4]);
        case MODEL_BLACK76:
            return hedge_implied_vol_black76(&v[0], type, x[4], x[0], x[1], x[2], x[3]);
        case MODEL_INVERSE:
            return hedge_implied_vol_inverse(&v[0], type, x[4], x[0], x[1], x[2], x[3]);
        }
        return HEDGE_ERR_INTERNAL;
    }
    hedge_greeks g = HEDGE_GREEKS_INIT;
    switch (job->model) {
    case MODEL_BSM:
        st = hedge_bsm_greeks(&g, type, x[0], x[1], x[2], x[3], x[4], x[5]);
        break;
    case MODEL_BLACK76:
        st = hedge_black76_greeks(&g, type, x[0], x[1], x[2], x[3], x[4]);
        break;
    case MODEL_INVERSE:
        st = hedge_inverse_greeks(&g, type, x[0], x[1], x[2], x[3], x[4]);
        if (st == HEDGE_OK)
            st = hedge_inverse_delta_premium_adjusted(&v[NGREEKS], type, x[0], x[1], x[2], x[3], x[4]);
        break;
    default:
        return HEDGE_ERR_INTERNAL;
    }
    const double all[NGREEKS] = {g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.carry_rho, g.vanna,
                                 g.volga, g.charm, g.veta, g.speed, g.zomma, g.color, g.dual_delta,
                                 g.dual_gamma};
    memcpy(v, all, sizeof all);
    return st;
}

/* Writes one output row; returns 1 if the row was bad. */
static int process(struct job *job, const csv_record *rec) {
    hedge_option_type type = HEDGE_CALL;
    double x[MAX_INPUTS], v[MAX_OUTPUTS];
    hedge_status st = parse_row(job, rec, &type, x);
    if (st == HEDGE_OK) {
        /* Clear first, so that a stale message from an earlier row can never be reported for this one. */
        hedge_error_clear();
        st = compute(job, type, x, v);
        if (st != HEDGE_OK) {
            const char *msg = hedge_error_message();
            report(job, rec->line, "%s", *msg ? msg : hedge_status_str(st));
        }
    }
    for (size_t c = 0; c < job->ncols_out; c++)
        job->cells[c] = c < rec->nfields && c < job->ncols_in ? rec->fields[c] : "";
    for (size_t k = 0; k + 1 < job->nout; k++) {
        if (st == HEDGE_OK) {
            snprintf(job->num[k], sizeof job->num[k], "%.17g", v[k]);
            job->cells[job->out_col[k]] = job->num[k];
        } else {
            job->cells[job->out_col[k]] = "";
        }
    }
    job->cells[job->out_col[job->nout - 1]] = hedge_status_name(st);
    write_row(job);
    return st != HEDGE_OK;
}

static int run(enum command cmd, int argc, char **argv) {
    struct job job = {.cmd = cmd, .model = MODEL_BSM};
    const char *path = NULL;
    int operands_only = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!operands_only && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            usage(stdout, cmd);
            return 0;
        }
        if (!operands_only && (strcmp(a, "--model") == 0 || strncmp(a, "--model=", 8) == 0)) {
            const char *m = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            size_t k = 0;
            while (m && k < sizeof model_names / sizeof model_names[0] && strcmp(m, model_names[k]) != 0)
                k++;
            if (!m || k == sizeof model_names / sizeof model_names[0]) {
                fprintf(stderr, "hedge %s: --model takes bsm, black76 or inverse\n", argv[0]);
                return 2;
            }
            job.model = (enum model)k;
            continue;
        }
        if (!operands_only && strcmp(a, "--") == 0) {
            operands_only = 1;
            continue;
        }
        if (!operands_only && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "hedge %s: unknown option '%s'\n", argv[0], a);
            usage(stderr, cmd);
            return 2;
        }
        if (path) {
            fprintf(stderr, "hedge %s: one input file at most\n", argv[0]);
            usage(stderr, cmd);
            return 2;
        }
        path = a;
    }

    FILE *in = stdin;
    job.file = "<stdin>";
    if (path && strcmp(path, "-") != 0) {
        in = fopen(path, "r");
        if (!in) {
            fprintf(stderr, "hedge: %s: %s\n", path, strerror(errno));
            return 2;
        }
        job.file = path;
    }
    csv_reader *reader = csv_open(in);
    if (!reader) {
        fprintf(stderr, "hedge: out of memory\n");
        if (in != stdin)
            fclose(in);
        return 2;
    }

    int status = 0, bad = 0, got;
    csv_record rec;
    got = csv_read(reader, &rec);
    if (got == CSV_RECORD) {
        /* A byte-order mark, as spreadsheets write, is not part of the first column's name. */
        if (rec.nfields && strncmp(rec.fields[0], "\xEF\xBB\xBF", 3) == 0)
            rec.fields[0] += 3;
        status = setup(&job, &rec);
        while (status == 0 && (got = csv_read(reader, &rec)) == CSV_RECORD)
            bad |= process(&job, &rec);
    } else if (got == CSV_EOF) {
        fprintf(stderr, "hedge: %s: no header row\n", job.file);
        status = 2;
    }
    if (got == CSV_FAILED) {
        fprintf(stderr, "hedge: %s: %s\n", job.file, strerror(errno));
        status = 2;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hedge: writing the output failed\n");
        status = 2;
    }
    free(job.cells);
    csv_close(reader);
    if (in != stdin)
        fclose(in);
    return status ? status : bad;
}

int cmd_price(int argc, char **argv) { return run(CMD_PRICE, argc, argv); }
int cmd_iv(int argc, char **argv) { return run(CMD_IV, argc, argv); }
