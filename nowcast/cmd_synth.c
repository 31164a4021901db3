/* cmd_synth.c - radnow synth: ODIM_H5 volumes of a fictional radar watching
 * a synthetic scene (synth.h), and optionally the scene's truth as frames. */
#include <radnow/frame.h>
#include <radnow/log.h>
#include <radnow/publish.h>
#include <radnow/synth.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow synth --out DIR [--start TIME] [--count N] [--step MIN] [--seed N]\n"
          "                    [--site LAT,LON[,HEIGHT]] [--range KM] [--gate M] [--rays N]\n"
          "                    [--elevations E1,E2,...] [--truth DIR] [--truth-product P]\n"
          "                    [--size N]\n"
          "\n"
          "Writes N ODIM_H5 polar volumes (DBZH and TH) of a fictional radar watching a\n"
          "synthetic scene (moving, turning, growing and decaying convective cells and a\n"
          "stratiform band), named DIR/synth_pvol_YYYYmmddHHMM.h5, one every MIN minutes\n"
          "from TIME. The scene depends only on the seed, start time, site and range.\n"
          "With --truth, also the scene's true field at each volume time as CF NetCDF\n"
          "frames (DIR/synth_truth_P_YYYYmmddHHMM.nc) on an N x N grid in the radar's\n"
          "azimuthal equidistant projection covering the range.\n"
          "\n"
          "  --start TIME         first volume, YYYYmmddHHMM or ISO 8601 (2024-06-15T14:00Z)\n"
          "  --count N            volumes (12)\n"
          "  --step MIN           minutes between volumes (5)\n"
          "  --seed N             scene seed (1)\n"
          "  --site LAT,LON[,H]   radar site, degrees and metres (50.0,8.0,300)\n"
          "  --range KM           maximum range (160)\n"
          "  --gate M             gate spacing (500)\n"
          "  --rays N             rays per sweep (360)\n"
          "  --elevations LIST    degrees, ascending (0.5,1.5,2.5,3.5,4.5,6,8,10,12.5,15)\n"
          "  --truth DIR          also write truth frames there\n"
          "  --truth-product P    pcappi (lowest beam), cappi:H (metres), cmax (pcappi)\n"
          "  --size N             truth grid size in pixels (1 km pixels)\n");
}

static int number(const char *opt, const char *s, double lo, double hi, double *v)
{
  char *end;
  errno = 0;
  *v = strtod(s, &end);
  if (end == s || *end || errno || !(*v >= lo && *v <= hi)) {
    rn_error(RN_EUSAGE, "synth: %s '%s': want a number from %g to %g", opt, s, lo, hi);
    return -1;
  }
  return 0;
}

/* Comma-separated numbers; returns the count or -1. */
static int numbers(const char *opt, const char *s, double *v, int max)
{
  char buf[512], *tok, *save = NULL;
  int n = 0;
  snprintf(buf, sizeof buf, "%s", s);
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *end;
    if (n == max) {
      rn_error(RN_EUSAGE, "synth: %s '%s': at most %d values", opt, s, max);
      return -1;
    }
    errno = 0;
    v[n] = strtod(tok, &end);
    if (end == tok || *end || errno) {
      rn_error(RN_EUSAGE, "synth: %s '%s': '%s' is not a number", opt, s, tok);
      return -1;
    }
    n++;
  }
  if (n == 0)
    rn_error(RN_EUSAGE, "synth: %s: no values", opt);
  return n ? n : -1;
}

static enum rn_status write_truth(const struct rn_synth *s, rn_time t, const struct rn_grid *g,
                                  const char *product, const char *dir, char *path, size_t size)
{
  struct rn_frame f;
  char stamp[16], tag[32];
  int j = 0;
  enum rn_status st;
  for (const char *p = product; *p && j < (int)sizeof tag - 1; p++)
    if (*p != ':')
      tag[j++] = *p;
  tag[j] = '\0';
  snprintf(path, size, "%s/synth_truth_%s_%s.nc", dir, tag, rn_time_compact(t, stamp));
  st = rn_synth_truth(s, t, g, product, &f);
  if (st)
    return st;
  st = rn_frame_write(&f, path);
  rn_frame_free(&f);
  return st;
}

int cmd_synth(int argc, char **argv)
{
  static const struct option longopts[] = {
      {"out", required_argument, NULL, 'o'},     {"start", required_argument, NULL, 't'},
      {"count", required_argument, NULL, 'n'},   {"step", required_argument, NULL, 's'},
      {"seed", required_argument, NULL, 'S'},    {"site", required_argument, NULL, 'l'},
      {"range", required_argument, NULL, 'r'},   {"gate", required_argument, NULL, 'g'},
      {"rays", required_argument, NULL, 'R'},    {"elevations", required_argument, NULL, 'e'},
      {"truth", required_argument, NULL, 'T'},   {"truth-product", required_argument, NULL, 'p'},
      {"size", required_argument, NULL, 'z'},    {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct rn_synth_options o;
  struct rn_synth *s = NULL;
  struct rn_grid grid = {0};
  const char *out = NULL, *truth = NULL, *product = "pcappi";
  double v, site[3];
  int count = 12, size = 0, c, k;
  enum rn_status st = RN_OK;
  char path[4200];
  double t0;

  rn_synth_options_init(&o);
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 'T': truth = optarg; break;
    case 'p': product = optarg; break;
    case 't':
      if (rn_time_parse(optarg, &o.start) != RN_OK) {
        rn_error(RN_EUSAGE, "synth: --start '%s': want YYYYmmddHHMM or ISO 8601", optarg);
        return cmd_fail(RN_EUSAGE);
      }
      break;
    case 'n':
      if (number("--count", optarg, 1, 100000, &v))
        return cmd_fail(RN_EUSAGE);
      count = (int)v;
      break;
    case 's':
      if (number("--step", optarg, 1, 60, &v) || v != (int)v)
        return cmd_fail(rn_error(RN_EUSAGE, "synth: --step '%s': want whole minutes, 1 to 60",
                                 optarg));
      o.step = (int)v * 60;
      break;
    case 'S': {
      char *end;
      errno = 0;
      o.seed = strtoull(optarg, &end, 10);
      if (end == optarg || *end || errno || optarg[0] == '-')
        return cmd_fail(rn_error(RN_EUSAGE, "synth: --seed '%s': want a whole number", optarg));
      break;
    }
    case 'l':
      k = numbers("--site", optarg, site, 3);
      if (k < 2)
        return cmd_fail(k < 0 ? RN_EUSAGE
                              : rn_error(RN_EUSAGE, "synth: --site '%s': want LAT,LON[,HEIGHT]",
                                         optarg));
      o.lat = site[0];
      o.lon = site[1];
      if (k == 3)
        o.height = site[2];
      break;
    case 'r':
      if (number("--range", optarg, 10, 600, &v))
        return cmd_fail(RN_EUSAGE);
      o.range = v * 1000;
      break;
    case 'g':
      if (number("--gate", optarg, 50, 5000, &v))
        return cmd_fail(RN_EUSAGE);
      o.gate = v;
      break;
    case 'R':
      if (number("--rays", optarg, 36, 3600, &v) || v != (int)v)
        return cmd_fail(rn_error(RN_EUSAGE, "synth: --rays '%s': want 36 to 3600", optarg));
      o.nrays = (int)v;
      break;
    case 'e':
      k = numbers("--elevations", optarg, o.elevations, RN_SYNTH_MAX_ELEVATIONS);
      if (k < 0)
        return cmd_fail(RN_EUSAGE);
      o.nelevations = k;
      break;
    case 'z':
      if (number("--size", optarg, 2, 20000, &v) || v != (int)v)
        return cmd_fail(rn_error(RN_EUSAGE, "synth: --size '%s': want 2 to 20000 pixels", optarg));
      size = (int)v;
      break;
    case 'h': usage(stdout); return 0;
    default:
      fprintf(stderr, "radnow: synth: bad option %s (radnow synth --help)\n", argv[optind - 1]);
      return RN_EXIT_USAGE;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "radnow: synth: unexpected argument %s\n", argv[optind]);
    return RN_EXIT_USAGE;
  }
  if (!out) {
    fprintf(stderr, "radnow: synth: --out DIR is required\n");
    return RN_EXIT_USAGE;
  }
  if ((st = rn_synth_new(&o, &s)))
    return cmd_fail(st);
  if (truth) {
    struct rn_frame probe;
    if (!size)
      size = (int)(2 * o.range / 1000 + 0.5);
    if ((st = rn_synth_grid(s, size, &grid)))
      goto out;
    /* Check the product name before writing anything. */
    struct rn_grid tiny;
    if ((st = rn_grid_centered(&tiny, NULL, o.lat, o.lon, 2, 2, 1000)))
      goto out;
    st = rn_synth_truth(s, o.start, &tiny, product, &probe);
    rn_grid_free(&tiny);
    if (st)
      goto out;
    rn_frame_free(&probe);
    if ((st = rn_mkdirs(truth)))
      goto out;
  }
  if ((st = rn_mkdirs(out)))
    goto out;

  t0 = rn_clock();
  for (int i = 0; i < count; i++) {
    rn_time t = o.start + (rn_time)i * o.step;
    char stamp[16];
    snprintf(path, sizeof path, "%s/synth_pvol_%s.h5", out, rn_time_compact(t, stamp));
    if ((st = rn_synth_write_odim(s, t, path)))
      goto out;
    printf("%s\n", path);
    if (truth) {
      if ((st = write_truth(s, t, &grid, product, truth, path, sizeof path)))
        goto out;
      printf("%s\n", path);
    }
    fflush(stdout);
  }
  rn_log_info("synth: %d volumes of %d sweeps (seed %llu) in %.2f s", count, o.nelevations,
              (unsigned long long)o.seed, rn_clock() - t0);
out:
  rn_grid_free(&grid);
  rn_synth_free(s);
  return st ? cmd_fail(st) : 0;
}
