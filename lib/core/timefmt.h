/* ISO 8601 UTC timestamps <-> ms since the Unix epoch, for the file formats. */
#ifndef HEDGE_CORE_TIMEFMT_H
#define HEDGE_CORE_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also with "+00:00", a space for the T, or a bare date
 * meaning midnight UTC); fractions beyond ms must be zero. False on anything else. */
bool hedge__time_parse(const char *s, int64_t *ms);

/* Writes "YYYY-MM-DDTHH:MM:SS.fffZ" (25 bytes with the NUL) for years 0 to 9999; false outside. */
bool hedge__time_format(char out[32], int64_t ms);

#endif
