/* Thread-local error detail and the status tables. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

/* Fixed storage, so recording an error never allocates (it is often reporting a failed allocation). */
#define HEDGE_ERROR_MESSAGE_MAX 512

static _Thread_local hedge_status tl_status = HEDGE_OK;
static _Thread_local char tl_message[HEDGE_ERROR_MESSAGE_MAX];
/* Counts the details recorded on this thread, so that a caller can tell whether a callee recorded one
 * (the status alone may be an older failure's). */
static _Thread_local unsigned long tl_serial;

typedef struct status_entry {
    hedge_status status;
    const char *name;
    const char *text;
} status_entry;

static const status_entry status_table[] = {
    {HEDGE_OK, "HEDGE_OK", "success"},
    {HEDGE_ERR_NOMEM, "HEDGE_ERR_NOMEM", "out of memory"},
    {HEDGE_ERR_INVALID_ARG, "HEDGE_ERR_INVALID_ARG", "invalid argument"},
    {HEDGE_ERR_DOMAIN, "HEDGE_ERR_DOMAIN", "numeric input outside its domain"},
    {HEDGE_ERR_PRICE_BOUNDS, "HEDGE_ERR_PRICE_BOUNDS", "price outside the no-arbitrage bounds"},
    {HEDGE_ERR_NOT_CONVERGED, "HEDGE_ERR_NOT_CONVERGED", "iterative method did not converge"},
    {HEDGE_ERR_NOT_FOUND, "HEDGE_ERR_NOT_FOUND", "not found"},
    {HEDGE_ERR_EXISTS, "HEDGE_ERR_EXISTS", "already exists"},
    {HEDGE_ERR_STALE, "HEDGE_ERR_STALE", "market data is stale"},
    {HEDGE_ERR_EXPIRED, "HEDGE_ERR_EXPIRED", "instrument has expired"},
    {HEDGE_ERR_PARSE, "HEDGE_ERR_PARSE", "malformed input"},
    {HEDGE_ERR_IO, "HEDGE_ERR_IO", "input/output error"},
    {HEDGE_ERR_UNSUPPORTED, "HEDGE_ERR_UNSUPPORTED", "not supported by this build or backend"},
    {HEDGE_ERR_BUFFER_TOO_SMALL, "HEDGE_ERR_BUFFER_TOO_SMALL", "buffer or workspace too small"},
    {HEDGE_ERR_CANCELLED, "HEDGE_ERR_CANCELLED", "cancelled by the caller"},
    {HEDGE_ERR_STATE, "HEDGE_ERR_STATE", "call not valid in the current state"},
    {HEDGE_ERR_TOO_LARGE, "HEDGE_ERR_TOO_LARGE", "size or value too large"},
    {HEDGE_ERR_BACKEND, "HEDGE_ERR_BACKEND", "backend failure"},
    {HEDGE_ERR_INTERNAL, "HEDGE_ERR_INTERNAL", "internal error (a libhedge bug)"},
};

static const status_entry *status_lookup(hedge_status status) {
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].status == status)
            return &status_table[i];
    return NULL;
}

HEDGE_API const char *hedge_status_str(hedge_status status) {
    const status_entry *e = status_lookup(status);
    return e ? e->text : "unknown status";
}

HEDGE_API const char *hedge_status_name(hedge_status status) {
    const status_entry *e = status_lookup(status);
    return e ? e->name : "HEDGE_ERR_UNKNOWN";
}

HEDGE_API const char *hedge_error_message(void) { return tl_message; }

HEDGE_API hedge_status hedge_error_status(void) { return tl_status; }

unsigned long hedge__error_serial(void) { return tl_serial; }

HEDGE_API void hedge_error_clear(void) {
    tl_status = HEDGE_OK;
    tl_message[0] = '\0';
}

static void log_va(const hedge_context *ctx, hedge_log_level level, const char *fmt, va_list ap) {
    if (!ctx || !ctx->log || level < ctx->log_level)
        return;
    char buf[HEDGE_ERROR_MESSAGE_MAX];
    vsnprintf(buf, sizeof buf, fmt, ap);
    ctx->log(ctx->log_user, level, buf);
}

hedge_status hedge__fail(const hedge_context *ctx, hedge_status status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_message, sizeof tl_message, fmt, ap);
    va_end(ap);
    tl_status = status;
    tl_serial++;
    if (ctx && ctx->log && HEDGE_LOG_ERROR >= ctx->log_level)
        ctx->log(ctx->log_user, HEDGE_LOG_ERROR, tl_message);
    return status;
}

void hedge__log(const hedge_context *ctx, hedge_log_level level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    log_va(ctx, level, fmt, ap);
    va_end(ap);
}
