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
    /* the optimizer's registry: a static link of it needs the backends' libraries (GLPK) from
     * libhedge.pc's Libs.private */
    const char *names[8];
    size_t count = 0;
    if (hedge_backends(ctx, names, 8, &count, NULL) != HEDGE_OK || count == 0 || strcmp(names[0], "admm")) {
        fprintf(stderr, "hedge_backends: %s\n", hedge_error_message());
        return 1;
    }
    printf("consumer: optimizer backends:");
    for (size_t i = 0; i < count && i < 8; i++)
        printf(" %s", names[i]);
    printf("\n");
    hedge_context_destroy(ctx);
    return 0;
}
