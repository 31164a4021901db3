/* seams.c - the cycle's calls into the predictors.
 *
 * TEMPORARY until the predictor registry (models/) is in the tree: the only
 * predictor is persistence (the newest frame at every lead). The cycle does
 * not change when the registry replaces this file's body. */
#include <stdio.h>
#include <string.h>

#include "cycle_seams.h"

int rn_seam_predictor_known(const char *name)
{
  return strcmp(name, "persistence") == 0;
}

const char *rn_seam_predictor_names(void)
{
  return "persistence";
}

int rn_seam_inputs_needed(const struct rn_cycle_config *cc)
{
  int need = 1;
  return cc->inputs > need ? cc->inputs : need;
}

enum rn_status rn_seam_predict(const struct rn_cycle_config *cc, const char *name,
                               const struct rn_frame *frames, int n, struct rn_forecast *fc)
{
  const struct rn_frame *last = &frames[n - 1];
  size_t np = (size_t)last->grid.nx * (size_t)last->grid.ny;
  enum rn_status st;
  if (!rn_seam_predictor_known(name))
    return rn_error(RN_EUSAGE, "predictor '%s' unknown", name);
  st = rn_forecast_alloc(fc, &last->grid, cc->nleads, 1, 0);
  if (st)
    return st;
  snprintf(fc->predictor, sizeof fc->predictor, "%s", name);
  fc->reference_time = last->time;
  for (int l = 0; l < cc->nleads; l++) {
    fc->lead_seconds[l] = (int)((l + 1) * cc->lead_step);
    memcpy(rn_forecast_field(fc, 0, l), last->dbz, np * sizeof(float));
  }
  return RN_OK;
}
