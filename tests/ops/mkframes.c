/* mkframes.c - write a sequence of gridded test frames (CF NetCDF, the
 * state's own format) with a moving rain cell, for the operations tests.
 *
 *   mkframes DIR START COUNT STEP_MINUTES [SIZE [FLAT]]
 * writes DIR/radar_YYYYmmddHHMM.nc for COUNT times from START (UTC). The
 * cell is a Gaussian of 50 dBZ that moves one pixel east per step on a
 * SIZE x SIZE 1 km grid (EPSG:3067), with no-echo elsewhere and nodata in
 * the western quarter of the first row. With FLAT (dBZ; -32 is no echo) every
 * pixel holds that value instead: the fields predictors must survive. */
#include <radnow/frame.h>
#include <radnow/utctime.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
  struct rn_grid g;
  rn_time t0;
  int count, step, size = 64, flat = argc > 6;
  float flat_dbz = flat ? (float)atof(argv[6]) : 0;
  if (argc < 5 || rn_time_parse(argv[2], &t0) != RN_OK || (count = atoi(argv[3])) <= 0 ||
      (step = atoi(argv[4])) <= 0 || (argc > 5 && (size = atoi(argv[5])) < 8)) {
    fprintf(stderr, "usage: mkframes DIR START COUNT STEP_MINUTES [SIZE [FLAT]]\n");
    return 1;
  }
  if (rn_grid_init(&g, "EPSG:3067", size, size, 300000, 7000000, 1000, 1000) != RN_OK) {
    fprintf(stderr, "mkframes: %s\n", rn_errmsg());
    return 1;
  }
  for (int k = 0; k < count; k++) {
    struct rn_frame f;
    char stamp[16], path[4096];
    double cx = size / 4.0 + k, cy = size / 2.0, r = size / 10.0;
    if (rn_frame_alloc(&f, &g) != RN_OK)
      return 1;
    f.time = t0 + (rn_time)k * step * 60;
    snprintf(f.quantity, sizeof f.quantity, "DBZH");
    snprintf(f.product, sizeof f.product, "test");
    snprintf(f.source, sizeof f.source, "mkframes");
    for (int j = 0; j < size; j++)
      for (int i = 0; i < size; i++) {
        double d2 = ((i - cx) * (i - cx) + (j - cy) * (j - cy)) / (r * r);
        float v = (float)(50.0 * exp(-0.5 * d2));
        f.dbz[(size_t)j * size + i] = flat ? flat_dbz : v < 5 ? RN_DBZ_NOECHO : v;
      }
    for (int i = 0; i < size / 4 && !flat; i++)
      f.dbz[i] = RN_NODATA;
    snprintf(path, sizeof path, "%s/radar_%s.nc", argv[1], rn_time_compact(f.time, stamp));
    if (rn_frame_write(&f, path) != RN_OK) {
      fprintf(stderr, "mkframes: %s\n", rn_errmsg());
      return 1;
    }
    rn_frame_free(&f);
  }
  rn_grid_free(&g);
  return 0;
}
