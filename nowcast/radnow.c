/* radnow.c - the radnow program: global options, then one subcommand. */
#include <radnow/log.h>
#include <radnow/status.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "commands.h"
#include "config.h"

struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
};

static const struct command commands[] = {
    {"info", cmd_info, "describe radar files, or list compute devices (--devices)"},
    {"grid", cmd_grid, "grid radar files onto a map (one CF NetCDF frame)"},
    {"verify", cmd_verify, "score forecasts against observations: CSI, FSS, CRPS ..., reports"},
    {"synth", cmd_synth, "write ODIM_H5 volumes of a synthetic scene (and its truth)"},
    {"run", cmd_run, "one operational nowcast cycle (for cron or systemd)"},
    {"demo", cmd_demo, "the whole system on a synthetic scene: volumes, cycles, products, scores"},
};

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow [--threads N] [--log error|warn|info|debug] COMMAND [ARGS...]\n"
          "\n"
          "radnow %s: operational radar nowcasting. Commands:\n",
          PACKAGE_VERSION);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n'radnow COMMAND --help' describes a command.\n");
}

int cmd_fail(int status)
{
  fprintf(stderr, "radnow: %s\n", rn_errmsg()[0] ? rn_errmsg() : rn_status_name(status));
  return rn_exit_code(status);
}

int main(int argc, char **argv)
{
  int i = 1;
  while (i < argc && argv[i][0] == '-') {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(argv[i], "--version") == 0) {
      printf("radnow %s\n", PACKAGE_VERSION);
      return 0;
    } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      int n = atoi(argv[i + 1]);
      if (n <= 0) {
        fprintf(stderr, "radnow: --threads %s: need a positive number\n", argv[i + 1]);
        return RN_EXIT_USAGE;
      }
#ifdef _OPENMP
      omp_set_num_threads(n);
#endif
      i += 2;
    } else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
      enum rn_log_level level;
      if (rn_log_parse_level(argv[i + 1], &level) != 0) {
        fprintf(stderr, "radnow: --log %s: want error, warn, info or debug\n", argv[i + 1]);
        return RN_EXIT_USAGE;
      }
      rn_log_set_level(level);
      i += 2;
    } else {
      fprintf(stderr, "radnow: unknown option %s\n", argv[i]);
      usage(stderr);
      return RN_EXIT_USAGE;
    }
  }
  if (i >= argc) {
    usage(stderr);
    return RN_EXIT_USAGE;
  }
  for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
    if (strcmp(argv[i], commands[c].name) == 0)
      return commands[c].run(argc - i, argv + i);
  fprintf(stderr, "radnow: '%s' is not a command (radnow --help lists them)\n", argv[i]);
  return RN_EXIT_USAGE;
}
