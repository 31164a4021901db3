/* cmd_info.c - radnow info: describe radar files, or list compute devices. */
#include <radnow/devices.h>
#include <radnow/ingest.h>
#include <radnow/status.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

static int print_devices(void)
{
  char reason[512] = "";
  int n = rn_cuda_device_count(reason, sizeof reason);
  printf("cpu: always available\n");
  if (n == 0) {
    printf("cuda: %s\n", reason);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    struct rn_device_info d;
    if (rn_cuda_device_info(i, &d) == 0)
      printf("cuda:%d: %s, compute capability %d.%d, %.1f GiB, %d multiprocessors\n", i, d.name,
             d.major, d.minor, (double)d.memory_bytes / (1 << 30), d.multiprocessors);
  }
  return 0;
}

static void usage(FILE *out)
{
  fprintf(out, "usage: radnow info [--json] [--quantity Q] [--site LAT,LON,HEIGHT] "
               "[--stations CSV] FILE...\n"
               "       radnow info --devices\n");
}

int cmd_info(int argc, char **argv)
{
  static const struct option longopts[] = {{"devices", no_argument, NULL, 'd'},
                                           {"json", no_argument, NULL, 'j'},
                                           {"quantity", required_argument, NULL, 'q'},
                                           {"site", required_argument, NULL, 's'},
                                           {"stations", required_argument, NULL, 'S'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  int devices = 0, c, rc = 0;
  struct rn_ingest_options opt;
  rn_ingest_options_init(&opt);
  opt.all_quantities = 1;
  optind = 1;
  while ((c = getopt_long(argc, argv, "djq:s:S:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'd': devices = 1; break;
    case 'j': break;
    case 'q': opt.quantity = optarg; break;
    case 's': opt.site = optarg; break;     /* files without site coordinates */
    case 'S': opt.stations = optarg; break; /* station table (radnow/stations.h) */
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 1;
    }
  }
  if (devices)
    return print_devices();
  if (optind >= argc) {
    usage(stderr);
    return 1;
  }
  for (int i = optind; i < argc; i++) {
    struct rn_radar_data d;
    enum rn_status st = rn_ingest_read(argv[i], &opt, &d);
    if (st) {
      rc = cmd_fail(st);
      continue;
    }
    printf("%s: %s %s\n", argv[i], d.format, d.object);
    rn_radar_data_free(&d);
  }
  return rc;
}
