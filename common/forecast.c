/* forecast.c - allocation of a predictor's nowcast (leads x members x grid). */
#include <radnow/forecast.h>

#include <stdlib.h>
#include <string.h>

enum rn_status rn_forecast_alloc(struct rn_forecast *fc, const struct rn_grid *grid, int nleads,
                                 int nmembers, int nthresholds)
{
  size_t npix = (size_t)grid->nx * (size_t)grid->ny, n;
  enum rn_status st;

  memset(fc, 0, sizeof *fc);
  if (nleads <= 0 || nmembers <= 0 || nthresholds < 0 || nthresholds > RN_MAX_THRESHOLDS)
    return rn_error(RN_EUSAGE, "forecast: %d leads, %d members, %d thresholds is not valid "
                    "(need >= 1, >= 1, 0..%d)", nleads, nmembers, nthresholds, RN_MAX_THRESHOLDS);
  st = rn_grid_copy(&fc->grid, grid);
  if (st)
    return st;
  fc->nleads = nleads;
  fc->nmembers = nmembers;
  fc->nthresholds = nthresholds;
  fc->lead_seconds = rn_calloc((size_t)nleads, sizeof *fc->lead_seconds, "forecast leads");
  n = (size_t)nmembers * (size_t)nleads * npix;
  fc->dbz = rn_malloc(n * sizeof *fc->dbz, "forecast fields");
  if (!fc->lead_seconds || !fc->dbz)
    goto nomem;
  for (size_t i = 0; i < n; i++)
    fc->dbz[i] = RN_NODATA;
  if (nthresholds > 0) {
    n = (size_t)nleads * (size_t)nthresholds * npix;
    fc->prob = rn_malloc(n * sizeof *fc->prob, "forecast probabilities");
    if (!fc->prob)
      goto nomem;
    for (size_t i = 0; i < n; i++)
      fc->prob[i] = RN_NODATA;
  }
  return RN_OK;
nomem:
  rn_forecast_free(fc);
  return RN_ENOMEM;
}

void rn_forecast_free(struct rn_forecast *fc)
{
  if (!fc)
    return;
  rn_grid_free(&fc->grid);
  free(fc->lead_seconds);
  free(fc->dbz);
  free(fc->prob);
  memset(fc, 0, sizeof *fc);
}
