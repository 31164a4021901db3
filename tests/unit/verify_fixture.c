/* verify_fixture.c - writes a small synthetic verification period for
 * tests/verify_cli.sh:
 *   DIR/obs/obs_YYYYmmddHHMM.nc      frames every 5 min from 12:00 to 13:10:
 *                                    an echo blob moving east 2 px per step
 *   DIR/fc/perfect_*.nc              CF forecasts equal to the observations
 *   DIR/fc/shift_*.nc                the blob moved too slowly (1 px per step)
 *   DIR/fc/ens_*.nc                  5 members around the truth
 *   DIR/frames/YYYYmmddHHMM/         persistence written as frame files
 *   DIR/badgrid/obs_*.nc             one observation on another grid
 * Cycles at 12:00, 12:20 and 12:45 with leads 5 .. 30 min: the last valid
 * time (13:15) has no observation. */
#include <radnow/forecast.h>
#include <radnow/publish.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NX = 64, NY = 48, NLEADS = 6, NOBS = 15 };

static float blob(int i, int j, double cx)
{
  double r2 = (i - cx) * (i - cx) + (j - 24.0) * (j - 24.0);
  float v = (float)(60 * exp(-r2 / 90) - 8);
  if (i == 0 && j == 0)
    return RN_NODATA; /* a corner outside coverage */
  return v < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : v;
}

static int fail(const char *what)
{
  fprintf(stderr, "verify_fixture: %s: %s\n", what, rn_errmsg());
  return 1;
}

int main(int argc, char **argv)
{
  struct rn_grid g, g2;
  rn_time t0 = rn_time_from_fields(2020, 2, 7, 12, 0, 0);
  const int refs[3] = {0, 4, 9}; /* steps of 5 min */
  char path[8192], stamp[16], dir[4096];
  if (argc != 2) {
    fprintf(stderr, "usage: verify_fixture DIR\n");
    return 1;
  }
  if (rn_grid_init(&g, "EPSG:3067", NX, NY, 300000, 7000000, 1000, 1000) ||
      rn_grid_init(&g2, "EPSG:3067", NX, NY, 310000, 7000000, 1000, 1000))
    return fail("grid");
  snprintf(dir, sizeof dir, "%s/obs", argv[1]);
  if (rn_mkdirs(dir))
    return fail(dir);
  for (int k = 0; k < NOBS; k++) {
    struct rn_frame f;
    if (rn_frame_alloc(&f, &g))
      return fail("frame");
    f.time = t0 + 300 * k;
    for (int j = 0; j < NY; j++)
      for (int i = 0; i < NX; i++)
        f.dbz[j * NX + i] = blob(i, j, 10 + 2 * k);
    snprintf(path, sizeof path, "%s/obs/obs_%s.nc", argv[1], rn_time_compact(f.time, stamp));
    if (rn_frame_write(&f, path))
      return fail(path);
    if (k == 3) {
      rn_grid_free(&f.grid);
      rn_grid_copy(&f.grid, &g2);
      snprintf(dir, sizeof dir, "%s/badgrid", argv[1]);
      rn_mkdirs(dir);
      snprintf(path, sizeof path, "%s/badgrid/obs_%s.nc", argv[1], stamp);
      if (rn_frame_write(&f, path))
        return fail(path);
    }
    rn_frame_free(&f);
  }
  snprintf(dir, sizeof dir, "%s/fc", argv[1]);
  rn_mkdirs(dir);
  for (int c = 0; c < 3; c++) {
    const char *names[3] = {"perfect", "shift", "ens"};
    rn_time ref = t0 + 300 * refs[c];
    for (int p = 0; p < 3; p++) {
      struct rn_forecast fc;
      int members = p == 2 ? 5 : 1;
      if (rn_forecast_alloc(&fc, &g, NLEADS, members, p == 2 ? 2 : 0))
        return fail("forecast");
      snprintf(fc.predictor, sizeof fc.predictor, "%s", names[p]);
      fc.reference_time = ref;
      for (int l = 0; l < NLEADS; l++) {
        int step = refs[c] + l + 1;
        fc.lead_seconds[l] = 300 * (l + 1);
        for (int m = 0; m < members; m++) {
          double cx = p == 0 ? 10 + 2 * step : p == 1 ? 10 + 2 * refs[c] + (l + 1)
                                                      : 10 + 2 * step + (m - 2) * 0.8 * (l + 1);
          float *f = rn_forecast_field(&fc, m, l);
          for (int j = 0; j < NY; j++)
            for (int i = 0; i < NX; i++)
              f[j * NX + i] = blob(i, j, cx);
        }
        for (int k = 0; k < fc.nthresholds; k++) {
          fc.thresholds[k] = 30.f + 10.f * k;
          for (int i = 0; i < NX * NY; i++) {
            int n = 0;
            for (int m = 0; m < members; m++)
              n += rn_forecast_field(&fc, m, l)[i] >= fc.thresholds[k];
            fc.prob[((size_t)l * 2 + k) * NX * NY + i] = (float)n / members;
          }
        }
      }
      snprintf(path, sizeof path, "%s/fc/%s_%s.nc", argv[1], names[p], rn_time_compact(ref, stamp));
      if (rn_forecast_write(&fc, path))
        return fail(path);
      rn_forecast_free(&fc);
    }
    /* persistence as frames: the observation at the reference time, stamped
     * with each valid time */
    snprintf(dir, sizeof dir, "%s/frames/%s", argv[1], rn_time_compact(ref, stamp));
    rn_mkdirs(dir);
    for (int l = 0; l < NLEADS; l++) {
      struct rn_frame f;
      char vs[16];
      rn_frame_alloc(&f, &g);
      f.time = ref + 300 * (l + 1);
      for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++)
          f.dbz[j * NX + i] = blob(i, j, 10 + 2 * refs[c]);
      snprintf(path, sizeof path, "%s/persistence_%s.nc", dir, rn_time_compact(f.time, vs));
      if (rn_frame_write(&f, path))
        return fail(path);
      rn_frame_free(&f);
    }
  }
  rn_grid_free(&g);
  rn_grid_free(&g2);
  return 0;
}
