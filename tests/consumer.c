/* A program as a user of the installed package writes it: only <hedge/hedge.h> and pkg-config. */
#include <hedge/hedge.h>

#include <stdio.h>
#include <string.h>

int main(void) {
    hedge_context *ctx = NULL;
    hedge_status st = hedge_context_create(&ctx, NULL);
    if (st != HEDGE_OK) {
        fprintf(stderr, "hedge_context_create: %s\n", hedge_error_message());
        return 1;
    }
    if (hedge_version_number() != HEDGE_VERSION_NUMBER || strcmp(hedge_version_string(), HEDGE_VERSION_STRING)) {
        fprintf(stderr, "header version %s, library version %s\n", HEDGE_VERSION_STRING, hedge_version_string());
        return 1;
    }
    printf("consumer: libhedge %s, status of NOMEM is \"%s\"\n", hedge_version_string(),
           hedge_status_str(HEDGE_ERR_NOMEM));
    hedge_context_destroy(ctx);
    return 0;
}
