/* product_writer.c - writes the GeoTIFF products and latest.json of a fixture
 * forecast, as the cycle does, for the shell tests (COG validation, full
 * disk). Usage:
 *   product_writer OUTDIR [--size NX NY] [--members M] [--leads L] [--noise]
 *                  [--time YYYYmmddHHMM] [--zstd]
 * Prints one error line and exits with radnow's exit code on failure. */
#include <radnow/geotiff.h>
#include <radnow/manifest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast_fixture.h"

int main(int argc, char **argv)
{
  int nx = 600, ny = 450, members = 1, leads = 2, noise = 0, rc = 0;
  const char *outdir = NULL, *stamp = "202002071335";
  struct rn_geotiff_options opt;
  struct rn_product_list list = {0};
  struct rn_forecast fc;
  enum rn_status st;
  rn_time t;

  rn_geotiff_options_init(&opt);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--size") == 0 && i + 2 < argc) {
      nx = atoi(argv[++i]);
      ny = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--members") == 0 && i + 1 < argc)
      members = atoi(argv[++i]);
    else if (strcmp(argv[i], "--leads") == 0 && i + 1 < argc)
      leads = atoi(argv[++i]);
    else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
      stamp = argv[++i];
    else if (strcmp(argv[i], "--noise") == 0)
      noise = 1;
    else if (strcmp(argv[i], "--zstd") == 0)
      opt.compress = "ZSTD";
    else if (argv[i][0] != '-' && !outdir)
      outdir = argv[i];
    else {
      fprintf(stderr, "product_writer: bad argument %s\n", argv[i]);
      return 1;
    }
  }
  if (!outdir || nx <= 0 || ny <= 0 || members <= 0 || leads <= 0 ||
      rn_time_parse(stamp, &t) != RN_OK) {
    fprintf(stderr, "usage: product_writer OUTDIR [--size NX NY] [--members M] [--leads L] "
                    "[--noise] [--time YYYYmmddHHMM] [--zstd]\n");
    return 1;
  }
  if (fixture_make(&fc, "EPSG:3035", nx, ny, leads, members, noise, t) != 0) {
    fprintf(stderr, "product_writer: fixture: %s\n", rn_errmsg());
    return 1;
  }
  st = rn_products_write_geotiffs(&fc, outdir, &opt, &list);
  if (!st)
    st = rn_manifest_write(outdir, fc.reference_time, &list, fc.comment);
  if (st) {
    fprintf(stderr, "product_writer: %s\n", rn_errmsg());
    rc = rn_exit_code(st);
  } else {
    for (int i = 0; i < list.n; i++)
      printf("%s\n", list.items[i].file);
  }
  rn_product_list_free(&list);
  fixture_free(&fc);
  return rc;
}
