/* commands.h - the subcommands of the radnow program. Each returns the
 * process exit code (DESIGN.md: 0 ok, 1 usage/config, 2 input, 3 locked,
 * 4 output). */
#ifndef RADNOW_COMMANDS_H
#define RADNOW_COMMANDS_H

int cmd_info(int argc, char **argv);
int cmd_grid(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_demo(int argc, char **argv);

/* Print "radnow: message" for a failed status and return its exit code. */
int cmd_fail(int status);

#endif
