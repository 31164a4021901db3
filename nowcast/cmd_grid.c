/* cmd_grid.c - radnow grid: radar files to one CF NetCDF-4 frame. */
#include <radnow/config.h>
#include <radnow/gridding.h>
#include <radnow/status.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow grid [-c CONF] [--crs CRS] [--res METRES] [--size NXxNY]\n"
          "                   [--center LAT,LON | --extent XMIN,YMIN,XMAX,YMAX]\n"
          "                   [--product pcappi|cappi:H|cmax] [--quantity Q] [--encoding E]\n"
          "                   [--method nearest|bilinear] [--max-range M]\n"
          "                   [--composite max|nearest] [--resample nearest|bilinear|average]\n"
          "                   [--lut-cache DIR] [--site LAT,LON,HEIGHT] [--stations CSV]\n"
          "                   -o OUT.nc FILE...\n"
          "\n"
          "Grids radar volumes (and gridded inputs) onto one map and writes a CF NetCDF-4\n"
          "frame. Several FILEs make a composite. Options override the [grid] section of\n"
          "CONF. Defaults: a 500x500 grid of 1000 m in an azimuthal equidistant projection\n"
          "centred on the radar (several radars: the mean of their sites), product pcappi,\n"
          "quantity DBZH (else TH), method nearest, no range limit, composite max.\n"
          "--site and --stations (or [input] site and stations of CONF) locate volumes\n"
          "whose files carry no site coordinates (CINRAD SA/SB/SC): an explicit site, or\n"
          "a station table other than the installed etc/stations.csv.\n");
}

int cmd_grid(int argc, char **argv)
{
  static const struct option longopts[] = {
      {"crs", required_argument, NULL, 'C'},       {"res", required_argument, NULL, 'r'},
      {"size", required_argument, NULL, 's'},      {"center", required_argument, NULL, 'n'},
      {"extent", required_argument, NULL, 'e'},    {"product", required_argument, NULL, 'p'},
      {"quantity", required_argument, NULL, 'q'},  {"encoding", required_argument, NULL, 'E'},
      {"method", required_argument, NULL, 'm'},    {"max-range", required_argument, NULL, 'R'},
      {"composite", required_argument, NULL, 'M'}, {"resample", required_argument, NULL, 'S'},
      {"lut-cache", required_argument, NULL, 'L'}, {"help", no_argument, NULL, 'h'},
      {"site", required_argument, NULL, 'T'},      {"stations", required_argument, NULL, 'U'},
      {NULL, 0, NULL, 0}};
  /* command-line options are applied after the configuration file */
  const char *keys[32], *values[32], *conf = NULL, *output = NULL;
  const char *site = NULL, *stations = NULL;
  char conf_site[128] = "", conf_stations[1024] = "";
  struct rn_ingest_options io;
  int nset = 0, c, center = 0, extent = 0, rc;
  struct rn_gridding_options opt;
  struct rn_config *cfg = NULL;
  struct rn_lut_cache *cache = NULL;
  struct rn_frame frame;
  enum rn_status st;

  optind = 1;
  while ((c = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
    const char *key = NULL;
    switch (c) {
    case 'c': conf = optarg; break;
    case 'o': output = optarg; break;
    case 'h': usage(stdout); return 0;
    case 'C': key = "crs"; break;
    case 'r': key = "res"; break;
    case 's': key = "size"; break;
    case 'n': key = "center"; center = 1; break;
    case 'e': key = "extent"; extent = 1; break;
    case 'p': key = "product"; break;
    case 'q': key = "quantity"; break;
    case 'E': key = "encoding"; break;
    case 'm': key = "method"; break;
    case 'R': key = "max_range"; break;
    case 'M': key = "composite"; break;
    case 'S': key = "resample"; break;
    case 'L': key = "lut_cache"; break;
    case 'T': site = optarg; break;
    case 'U': stations = optarg; break;
    default:
      fprintf(stderr, "radnow grid: see 'radnow grid --help'\n");
      return RN_EXIT_USAGE;
    }
    if (key && nset < 32) {
      keys[nset] = key;
      values[nset++] = optarg;
    }
  }
  if (center && extent) {
    fprintf(stderr, "radnow: grid: --center and --extent exclude each other\n");
    return RN_EXIT_USAGE;
  }
  if (!output || optind >= argc) {
    fprintf(stderr, "radnow: grid: %s (see 'radnow grid --help')\n",
            !output ? "-o OUT.nc is required" : "no input FILE");
    return RN_EXIT_USAGE;
  }

  rn_gridding_options_init(&opt);
  if (conf) {
    cfg = rn_config_new();
    if (!cfg)
      return cmd_fail(RN_ENOMEM);
    st = rn_config_load(cfg, conf);
    if (!st)
      st = rn_gridding_options_load(&opt, cfg);
    if (!st) { /* files without site coordinates, as the cycle reads them */
      snprintf(conf_site, sizeof conf_site, "%s", rn_config_string(cfg, "input", "site", ""));
      snprintf(conf_stations, sizeof conf_stations, "%s",
               rn_config_string(cfg, "input", "stations", ""));
    }
    rn_config_free(cfg);
    if (st)
      return cmd_fail(st);
  }
  if (center) /* one replaces the other, wherever it came from */
    opt.have_extent = 0;
  if (extent)
    opt.have_center = 0;
  for (int i = 0; i < nset; i++) {
    st = rn_gridding_set(&opt, keys[i], values[i]);
    if (st)
      return cmd_fail(st);
  }

  cache = rn_lut_cache_new(opt.lut_cache[0] ? opt.lut_cache : NULL, 0);
  if (!cache)
    return cmd_fail(RN_ENOMEM);
  rn_ingest_options_init(&io);
  io.site = site ? site : conf_site[0] ? conf_site : NULL;
  io.stations = stations ? stations : conf_stations[0] ? conf_stations : NULL;
  st = rn_gridding_run(&opt, &io, (const char *const *)argv + optind, argc - optind, cache,
                       &frame);
  rn_lut_cache_free(cache);
  if (st)
    return cmd_fail(st);
  st = rn_frame_write(&frame, output);
  rn_frame_free(&frame);
  rc = st ? cmd_fail(st) : 0;
  return rc;
}
