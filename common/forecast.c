/* forecast.c - allocation of forecasts (forecast.h); the NetCDF file lives
 * with the products. */
#include <radnow/forecast.h>

#include <stdlib.h>
#include <string.h>

enum rn_status rn_forecast_alloc(struct rn_forecast *fc, const struct rn_grid *grid, int nleads,
                                 int nmembers, int nthresholds)
{
  size_t npix = (size_t)grid->nx * (size_t)grid->ny, n;
  enum rn_status st;
  memset(fc, 0, sizeof *fc);
  if (nleads < 1 || nmembers < 1 || nthresholds < 0 || nthresholds > RN_MAX_THRESHOLDS)
    return rn_error(RN_EINTERNAL, "forecast: %d leads, %d members, %d thresholds: out of range",
                    nleads, nmembers, nthresholds);
  st = rn_grid_copy(&fc->grid, grid);
  if (st)
    return st;
  fc->nleads = nleads;
  fc->nmembers = nmembers;
  fc->nthresholds = nthresholds;
  fc->lead_seconds = rn_calloc((size_t)nleads, sizeof(int), "forecast lead times");
  n = (size_t)nmembers * (size_t)nleads * npix;
  fc->dbz = rn_malloc(n * sizeof(float), "forecast fields");
  if (nthresholds > 0)
    fc->prob = rn_malloc((size_t)nleads * (size_t)nthresholds * npix * sizeof(float),
                         "forecast probabilities");
  if (!fc->lead_seconds || !fc->dbz || (nthresholds > 0 && !fc->prob)) {
    rn_forecast_free(fc);
    return RN_ENOMEM;
  }
  for (size_t i = 0; i < n; i++)
    fc->dbz[i] = RN_NODATA;
  n = (size_t)nleads * (size_t)nthresholds * npix;
  for (size_t i = 0; i < n; i++)
    fc->prob[i] = RN_NODATA;
  return RN_OK;
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
