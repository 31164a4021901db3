/* cycle_seams.h - where the cycle meets the predictors. The cycle calls
 * only these functions, so wiring in the predictor registry (models/)
 * touches seams.c alone. */
#ifndef RADNOW_CYCLE_SEAMS_H
#define RADNOW_CYCLE_SEAMS_H

#include <radnow/cycle.h>
#include <radnow/forecast.h>

int rn_seam_predictor_known(const char *name);
/* "persistence, extrapolation, ..." for messages. */
const char *rn_seam_predictor_names(void);
/* Frames the configured predictors need (the largest need, at least [run] inputs). */
int rn_seam_inputs_needed(const struct rn_cycle_config *cc);
/* Run predictor `name` on frames[0..n) (oldest first, one grid); fc is
 * allocated here (rn_forecast_alloc) and freed by the caller. */
enum rn_status rn_seam_predict(const struct rn_cycle_config *cc, const char *name,
                               const struct rn_frame *frames, int n, struct rn_forecast *fc);

#endif
