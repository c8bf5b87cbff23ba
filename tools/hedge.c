/* The `hedge` command-line program. */
#include "commands.h"

#include <hedge/hedge.h>

#include <stdio.h>
#include <string.h>

static int cmd_version(void) {
    printf("libhedge %s\n", hedge_version_string());
    printf("capabilities:");
    uint64_t caps = hedge_capabilities();
    for (int bit = 0; bit < 64; bit++)
        if (caps & (UINT64_C(1) << bit))
            printf(" %s", hedge_capability_name(UINT64_C(1) << bit));
    printf("\n");
    return 0;
}

static void usage(FILE *f) {
    fprintf(f, "usage: hedge COMMAND [ARGS]\n\n"
               "commands:\n"
               "  price      price options read as CSV, with every Greek (hedge price --help)\n"
               "  iv         implied volatilities of option prices read as CSV (hedge iv --help)\n"
               "  value      value every instrument of a market JSON file off its data (hedge value --help)\n"
               "  risk       the aggregated Greeks of a market file's book (hedge risk --help)\n"
               "  solve      the cheapest hedge of a market file's book within its limits (hedge solve --help)\n"
               "  simulate   hedge an option along simulated or historical paths, policy against policy\n"
               "             (hedge simulate --help)\n"
               "  surface    fit volatility surfaces to the option quotes of a market file (hedge surface --help)\n"
               "  version    print the library version and the capabilities of this machine\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "version") == 0)
        return cmd_version();
    if (strcmp(argv[1], "price") == 0)
        return cmd_price(argc - 1, argv + 1);
    if (strcmp(argv[1], "iv") == 0)
        return cmd_iv(argc - 1, argv + 1);
    if (strcmp(argv[1], "value") == 0)
        return cmd_value(argc - 1, argv + 1);
    if (strcmp(argv[1], "risk") == 0)
        return cmd_risk(argc - 1, argv + 1);
    if (strcmp(argv[1], "solve") == 0)
        return cmd_solve(argc - 1, argv + 1);
    if (strcmp(argv[1], "simulate") == 0)
        return cmd_simulate(argc - 1, argv + 1);
    if (strcmp(argv[1], "surface") == 0)
        return cmd_surface(argc - 1, argv + 1);
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "hedge: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
