/* A small CSV reader for the hedge program: RFC 4180 quoting (quoted fields may hold commas, doubled
 * quotes and line breaks), CRLF or LF line ends, and `#` comment lines and blank lines skipped, each
 * record tagged with the line it starts on so that errors can point at it. No line-length limit. */
#ifndef HEDGE_TOOLS_CSV_H
#define HEDGE_TOOLS_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct csv_reader csv_reader;

/* One record. The strings belong to the reader and stay valid until its next csv_read() or
 * csv_close(). */
typedef struct csv_record {
    size_t nfields;
    char **fields;      /* nfields NUL-terminated strings, quotes removed */
    long line;          /* physical line (1-based) on which the record starts */
    const char *error;  /* NULL, or why the record is malformed (its fields are what could be read) */
} csv_record;

enum { CSV_RECORD = 1, CSV_EOF = 0, CSV_FAILED = -1 };

/* Reads from `f`, which stays owned by the caller. NULL when out of memory. */
csv_reader *csv_open(FILE *f);
void csv_close(csv_reader *r); /* NULL is allowed */

/* CSV_RECORD with *rec filled, CSV_EOF, or CSV_FAILED when reading or allocating failed (errno tells
 * which); a malformed record is still CSV_RECORD, with rec->error set. */
int csv_read(csv_reader *r, csv_record *rec);

/* Writes one field, quoted when a reader would otherwise split or skip it. `first` marks the first
 * field of a line, where a leading '#' would turn the line into a comment. */
void csv_write_field(FILE *f, const char *s, int first);

#endif
