/* cmd_run.c - radnow run: one operational cycle, for cron or systemd. */
#include <radnow/config.h>
#include <radnow/cycle.h>
#include <radnow/log.h>
#include <radnow/status.h>

#include <getopt.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"

#define DEFAULT_CONFIG "/etc/radnow/radnow.conf"

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow run [-c CONF] [--time YYYYmmddHHMM] [--wait SECONDS]\n"
          "                  [--set SECTION.KEY=VALUE]...\n"
          "\n"
          "One nowcast cycle: grid new input files, run the configured predictors on the\n"
          "newest complete set of frames and publish the products (see radnow.conf).\n"
          "  -c, --config CONF   configuration file (default " DEFAULT_CONFIG ")\n"
          "  --time T            run as if the time were T (UTC; default: now)\n"
          "  --wait SECONDS      bound on waiting for a late scan (overrides [run] wait)\n"
          "  --set S.K=V         override one configuration entry\n"
          "Exit codes: 0 ok, 1 usage or configuration, 2 input missing or unusable,\n"
          "3 another run holds the lock, 4 output could not be written.\n");
}

static int fail(enum rn_status st)
{
  rn_log_error("run: %s", rn_errmsg()[0] ? rn_errmsg() : rn_status_name(st));
  return rn_exit_code(st);
}

int cmd_run(int argc, char **argv)
{
  static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                           {"time", required_argument, NULL, 't'},
                                           {"wait", required_argument, NULL, 'w'},
                                           {"set", required_argument, NULL, 's'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *conf = DEFAULT_CONFIG, *sets[64], *wait = NULL;
  int nsets = 0, c, have_time = 0;
  rn_time now = 0;
  struct rn_config *cfg;
  struct rn_cycle_config cc = {0};
  struct rn_cycle_result res;
  enum rn_status st;

  /* After a failed write (full disk) HDF5 keeps the half-closed file in its
   * tables and its exit-time cleanup crashes on it; the kernel reclaims
   * everything anyway. Must come before the first HDF5 call. */
  H5dont_atexit();
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 't':
      if (rn_time_parse(optarg, &now) != RN_OK) {
        fprintf(stderr, "radnow run: --time %s: want YYYYmmddHHMM (UTC)\n", optarg);
        return RN_EXIT_USAGE;
      }
      have_time = 1;
      break;
    case 'w': wait = optarg; break;
    case 's':
      if (nsets == 64) {
        fprintf(stderr, "radnow run: too many --set options\n");
        return RN_EXIT_USAGE;
      }
      sets[nsets++] = optarg;
      break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return RN_EXIT_USAGE;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "radnow run: unexpected argument '%s'\n", argv[optind]);
    return RN_EXIT_USAGE;
  }
  if (!have_time)
    now = (rn_time)time(NULL);

  cfg = rn_config_new();
  if (!cfg)
    return fail(RN_ENOMEM);
  st = rn_config_load(cfg, conf);
  if (st == RN_ENOTFOUND)
    st = RN_EUSAGE; /* a missing configuration is a configuration error */
  for (int i = 0; !st && i < nsets; i++)
    st = rn_config_set_arg(cfg, sets[i]);
  if (!st && wait)
    st = rn_config_set(cfg, "run", "wait", wait);
  if (!st)
    st = rn_cycle_config_load(&cc, cfg);
  if (!st)
    st = rn_cycle_run(&cc, now, 1, &res);
  rn_cycle_config_free(&cc);
  rn_config_free(cfg);
  if (st)
    return fail(st);
  printf("%s\n", res.latest);
  return 0;
}
