/* ensemble.c - exceedance probabilities and ensemble mean (ensemble.h). */
#include <radnow/ensemble.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

void rn_ensemble_probability(struct rn_forecast *fc)
{
  size_t npix = (size_t)fc->grid.nx * (size_t)fc->grid.ny;
  int nk = fc->nthresholds;
  if (nk <= 0 || !fc->prob)
    return;
  for (int l = 0; l < fc->nleads; l++) {
    float *prob = fc->prob + (size_t)l * (size_t)nk * npix;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < npix; i++) {
      int valid = 0, above[RN_MAX_THRESHOLDS] = {0};
      for (int m = 0; m < fc->nmembers; m++) {
        float z = rn_forecast_field(fc, m, l)[i];
        if (isnan(z))
          continue;
        valid++;
        for (int k = 0; k < nk; k++)
          above[k] += z >= fc->thresholds[k];
      }
      for (int k = 0; k < nk; k++)
        prob[(size_t)k * npix + i] = valid ? (float)above[k] / (float)valid : NAN;
    }
  }
}

/* Marshall-Palmer: Z = 200 R^1.6 with dBZ = 10 log10 Z. */
static double dbz_to_rate(float dbz)
{
  if (dbz <= RN_DBZ_NOECHO)
    return 0;
  return pow(pow(10.0, dbz / 10.0) / 200.0, 1.0 / 1.6);
}

static float rate_to_dbz(double r)
{
  double z;
  if (r <= 0)
    return RN_DBZ_NOECHO;
  z = 10.0 * log10(200.0 * pow(r, 1.6));
  return z <= RN_DBZ_NOECHO ? RN_DBZ_NOECHO : (float)z;
}

enum rn_status rn_ensemble_mean(const struct rn_forecast *ens, struct rn_forecast *mean)
{
  size_t npix = (size_t)ens->grid.nx * (size_t)ens->grid.ny;
  enum rn_status st =
      rn_forecast_alloc(mean, &ens->grid, ens->nleads, 1, ens->prob ? ens->nthresholds : 0);
  if (st)
    return st;
  snprintf(mean->predictor, sizeof mean->predictor, "%.58s-mean", ens->predictor);
  mean->reference_time = ens->reference_time;
  memcpy(mean->lead_seconds, ens->lead_seconds, (size_t)ens->nleads * sizeof(int));
  memcpy(mean->thresholds, ens->thresholds, sizeof mean->thresholds);
  memcpy(mean->comment, ens->comment, sizeof mean->comment);
  if (mean->prob)
    memcpy(mean->prob, ens->prob,
           (size_t)ens->nleads * (size_t)ens->nthresholds * npix * sizeof(float));
  for (int l = 0; l < ens->nleads; l++) {
    float *out = rn_forecast_field(mean, 0, l);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < npix; i++) {
      double sum = 0;
      int valid = 0;
      for (int m = 0; m < ens->nmembers; m++) {
        float z = rn_forecast_field(ens, m, l)[i];
        if (isnan(z))
          continue;
        sum += dbz_to_rate(z);
        valid++;
      }
      out[i] = valid ? rate_to_dbz(sum / valid) : NAN;
    }
  }
  return RN_OK;
}
