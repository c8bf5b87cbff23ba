/* Subcommands of the hedge program. Each takes its own argv (argv[0] is the subcommand's name) and
 * returns the process exit code: 0 success, 1 some input rows were bad, 2 usage or fatal error. */
#ifndef HEDGE_TOOLS_COMMANDS_H
#define HEDGE_TOOLS_COMMANDS_H

int cmd_price(int argc, char **argv);
int cmd_iv(int argc, char **argv);
int cmd_value(int argc, char **argv);
int cmd_risk(int argc, char **argv);
int cmd_solve(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_surface(int argc, char **argv);

#endif
