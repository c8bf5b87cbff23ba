/* Fuzzes the whole row processing of `hedge price` and `hedge iv` in process: the CSV reader
 * (tools/csv.c), the header mapping, number parsing and the calls into the library. The first byte
 * picks the command and model; the rest is the CSV text, served as standard input. The program's
 * exit code must be 0, 1 or 2, and a crash, leak or sanitizer report is a finding. */
#define _GNU_SOURCE /* fmemopen */
#include "fuzz.h"

#include "commands.h"

#include <stdio.h>

FILE *fuzz_report;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* glibc's standard streams are plain variables: pointing stdout and stderr at /dev/null silences
 * the program's per-row output and messages while file descriptor 2, which libFuzzer and the
 * sanitizers report on, stays as it was. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    fuzz_report = stderr;
    FILE *null = fopen("/dev/null", "w");
    if (!null)
        abort();
    stdout = null;
    stderr = null;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char *const models[] = {"bsm", "black76", "inverse"};
    if (size < 2)
        return 0; /* fmemopen refuses an empty buffer; the empty input is tested by tests/cli.sh */
    unsigned pick = data[0] % 6;
    FILE *in = fmemopen((void *)(uintptr_t)(data + 1), size - 1, "r");
    FUZZ_CHECK(in != NULL, "fmemopen failed");
    FILE *saved = stdin;
    stdin = in;
    char *argv[] = {pick < 3 ? "price" : "iv", "--model", models[pick % 3], NULL};
    int rc = pick < 3 ? cmd_price(3, argv) : cmd_iv(3, argv);
    stdin = saved;
    fclose(in);
    FUZZ_CHECK(rc == 0 || rc == 1 || rc == 2, "exit code %d", rc);
    return 0;
}
