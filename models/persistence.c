/* persistence.c - the newest frame, unchanged, at every lead time: the
 * baseline every other predictor has to beat. */
#include <string.h>

#include "predictors.h"

static enum rn_status persistence_run(struct rn_predictor *p, const struct rn_frame *const *frames,
                                      int nframes, struct rn_forecast *fc)
{
  const struct rn_frame *newest = frames[nframes - 1];
  size_t npix = (size_t)newest->grid.nx * (size_t)newest->grid.ny;
  for (int l = 0; l < fc->nleads; l++) {
    float *out = rn_forecast_field(fc, 0, l);
    memcpy(out, newest->dbz, npix * sizeof(float));
    for (size_t i = 0; i < npix; i++)
      if (out[i] < RN_DBZ_NOECHO) /* false for NaN */
        out[i] = RN_DBZ_NOECHO;
  }
  return RN_OK;
}

const struct rn_predictor_ops rn_persistence_ops = {
    .name = "persistence",
    .summary = "the newest frame at every lead time (baseline)",
    .ninputs = 1,
    .nmembers = 1,
    .stochastic = 0,
    .devices = RN_DEVICE_BIT(RN_DEVICE_CPU),
    .run = persistence_run,
};
