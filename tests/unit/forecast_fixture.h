/* forecast_fixture.h - a small synthetic forecast for product tests: Gaussian
 * echoes up to ~55 dBZ on a no-echo background, a nodata strip on the west
 * edge, members shifted east by one pixel each, and probabilities counted
 * from the members here (independently of the product writers). */
#ifndef RADNOW_TEST_FORECAST_FIXTURE_H
#define RADNOW_TEST_FORECAST_FIXTURE_H

#include <radnow/forecast.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE_NODATA_COLUMNS 20

static inline void fixture_free(struct rn_forecast *fc)
{
  rn_grid_free(&fc->grid);
  free(fc->lead_seconds);
  free(fc->dbz);
  free(fc->prob);
  memset(fc, 0, sizeof *fc);
}

/* noise != 0 adds hash noise everywhere (defeats compression: large files). */
static inline int fixture_make(struct rn_forecast *fc, const char *crs, int nx, int ny, int nleads,
                               int nmembers, int noise, rn_time reftime)
{
  size_t n = (size_t)nx * (size_t)ny;
  memset(fc, 0, sizeof *fc);
  if (rn_grid_init(&fc->grid, crs, nx, ny, 3900000.0, 3300000.0, 1000.0, 1000.0) != RN_OK)
    return -1;
  snprintf(fc->predictor, sizeof fc->predictor, "%s",
           nmembers > 1 ? "extrapolation-ens" : "extrapolation");
  fc->reference_time = reftime;
  fc->nleads = nleads;
  fc->nmembers = nmembers;
  fc->lead_seconds = calloc((size_t)nleads, sizeof *fc->lead_seconds);
  fc->dbz = malloc((size_t)nmembers * (size_t)nleads * n * sizeof(float));
  fc->nthresholds = nmembers > 1 ? 3 : 0;
  fc->thresholds[0] = 30;
  fc->thresholds[1] = 40;
  fc->thresholds[2] = 50;
  if (fc->nthresholds)
    fc->prob = malloc((size_t)nleads * (size_t)fc->nthresholds * n * sizeof(float));
  if (!fc->lead_seconds || !fc->dbz || (fc->nthresholds && !fc->prob))
    return -1;
  for (int l = 0; l < nleads; l++) {
    fc->lead_seconds[l] = 300 * (l + 1);
    for (int m = 0; m < nmembers; m++) {
      float *f = rn_forecast_field(fc, m, l);
      for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
          double x = i - 2.0 * l - m, y = j, v;
          double d1 = ((x - 0.3 * nx) * (x - 0.3 * nx) + (y - 0.4 * ny) * (y - 0.4 * ny)) / 400.0;
          double d2 = ((x - 0.7 * nx) * (x - 0.7 * nx) + (y - 0.6 * ny) * (y - 0.6 * ny)) / 2500.0;
          v = 10 * log10(pow(10, 5.5) * exp(-d1) + pow(10, 3.8) * exp(-d2) + 1e-3);
          if (noise) {
            uint64_t h = (uint64_t)(((size_t)m * nleads + l) * n + (size_t)j * nx + i) *
                         0x9E3779B97F4A7C15ull;
            h ^= h >> 29;
            h *= 0xBF58476D1CE4E5B9ull;
            h ^= h >> 32;
            /* random mantissa bits everywhere, above the no-echo floor */
            v = fabs(v) + 20.0 * (double)(h >> 11) / 9007199254740992.0;
          }
          f[(size_t)j * nx + i] = i < FIXTURE_NODATA_COLUMNS ? NAN : v < 0 ? -32.0f : (float)v;
        }
    }
    for (int k = 0; k < fc->nthresholds; k++) {
      float *p = fc->prob + ((size_t)l * (size_t)fc->nthresholds + (size_t)k) * n;
      for (size_t i = 0; i < n; i++) {
        int hit = 0, valid = 0;
        for (int m = 0; m < nmembers; m++) {
          float v = rn_forecast_field(fc, m, l)[i];
          if (isnan(v))
            continue;
          valid++;
          hit += v >= fc->thresholds[k];
        }
        p[i] = valid ? (float)hit / (float)valid : NAN;
      }
    }
  }
  snprintf(fc->comment, sizeof fc->comment, "late input: ran from 12:54 (13:00 missing)");
  return 0;
}

#endif
