#include "csv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct csv_reader {
    FILE *f;
    char *line; /* getline's buffer, which grows to the longest line */
    size_t line_cap;
    long lineno;
    /* Field text lives in one buffer; offsets rather than pointers, because the buffer moves as it grows. */
    char *text;
    size_t text_len, text_cap;
    size_t *offsets;
    size_t noffsets, offsets_cap;
    char **fields;
    size_t fields_cap;
    int nomem;
};

csv_reader *csv_open(FILE *f) {
    csv_reader *r = calloc(1, sizeof *r);
    if (r)
        r->f = f;
    return r;
}

void csv_close(csv_reader *r) {
    if (!r)
        return;
    free(r->line);
    free(r->text);
    free(r->offsets);
    free(r->fields);
    free(r);
}

/* `p` resized to hold at least `need` elements of `size` bytes (p itself if it already does), or NULL
 * with p untouched. */
static void *grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size)
            return NULL;
        n *= 2;
    }
    void *q = realloc(p, n * size);
    if (q)
        *cap = n;
    return q;
}

/* Allocation failures are remembered and reported once per record, which keeps the parser readable. */
static void put(csv_reader *r, char c) {
    char *t = r->nomem ? NULL : grow(r->text, &r->text_cap, r->text_len + 1, 1);
    if (!t) {
        r->nomem = 1;
        return;
    }
    r->text = t;
    r->text[r->text_len++] = c;
}

static void start_field(csv_reader *r) {
    size_t *o = r->nomem ? NULL : grow(r->offsets, &r->offsets_cap, r->noffsets + 1, sizeof *o);
    if (!o) {
        r->nomem = 1;
        return;
    }
    r->offsets = o;
    r->offsets[r->noffsets++] = r->text_len;
}

/* The next physical line without its line end, or -1 at end of file or on a read error. */
static ssize_t next_line(csv_reader *r) {
    ssize_t n = getline(&r->line, &r->line_cap, r->f);
    if (n < 0)
        return -1;
    r->lineno++;
    if (n > 0 && r->line[n - 1] == '\n')
        n--;
    if (n > 0 && r->line[n - 1] == '\r')
        n--;
    return n;
}

static int is_skipped(const char *s, ssize_t n) {
    if (n > 0 && s[0] == '#')
        return 1;
    for (ssize_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

int csv_read(csv_reader *r, csv_record *rec) {
    ssize_t n;
    do {
        n = next_line(r);
        if (n < 0)
            return ferror(r->f) ? CSV_FAILED : CSV_EOF;
    } while (is_skipped(r->line, n));

    rec->line = r->lineno;
    rec->error = NULL;
    r->text_len = 0;
    r->noffsets = 0;
    r->nomem = 0;
    const char *p = r->line, *end = r->line + n;
    for (;;) {
        start_field(r);
        /* Spaces before an opening quote are tolerated because spreadsheets and people write `a, "b"`. */
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < end && *q == '"') {
            p = q + 1;
            for (;;) {
                if (p == end) { /* the quoted field goes on over a line break */
                    n = next_line(r);
                    if (n < 0) {
                        if (ferror(r->f))
                            return CSV_FAILED;
                        rec->error = "unterminated quoted field";
                        put(r, '\0');
                        goto done;
                    }
                    put(r, '\n');
                    p = r->line;
                    end = r->line + n;
                    continue;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        put(r, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                put(r, *p++);
            }
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p < end && *p != ',') {
                rec->error = "unexpected text after a closing quote";
                while (p < end && *p != ',')
                    put(r, *p++);
            }
        } else {
            while (p < end && *p != ',')
                put(r, *p++);
        }
        put(r, '\0');
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        break;
    }
done:;
    char **fields = r->nomem ? NULL : grow(r->fields, &r->fields_cap, r->noffsets, sizeof *fields);
    if (!fields) {
        errno = ENOMEM;
        return CSV_FAILED;
    }
    r->fields = fields;
    for (size_t i = 0; i < r->noffsets; i++)
        r->fields[i] = r->text + r->offsets[i];
    rec->nfields = r->noffsets;
    rec->fields = r->fields;
    return CSV_RECORD;
}

void csv_write_field(FILE *f, const char *s, int first) {
    if (!strpbrk(s, ",\"\r\n") && !(first && s[0] == '#')) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}
