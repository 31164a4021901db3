/* cycle_seams.h - where the cycle meets the predictors and the product
 * writers. The cycle calls only these functions, so wiring in the predictor
 * registry (models/) and the writers (products/) touches seams.c alone. */
#ifndef RADNOW_CYCLE_SEAMS_H
#define RADNOW_CYCLE_SEAMS_H

#include <radnow/cycle.h>
#include <radnow/forecast.h>

/* A growing list of file names (relative to the cycle folder). */
struct rn_names {
  char **v;
  int n, cap;
};
enum rn_status rn_names_add(struct rn_names *l, const char *name);
void rn_names_free(struct rn_names *l);

int rn_seam_predictor_known(const char *name);
/* "persistence, extrapolation, ..." for messages. */
const char *rn_seam_predictor_names(void);
/* Frames the configured predictors need (the largest need, at least [run] inputs). */
int rn_seam_inputs_needed(const struct rn_cycle_config *cc);
/* Run predictor `name` on frames[0..n) (oldest first, one grid); fc is
 * allocated here and freed by the caller. */
enum rn_status rn_seam_predict(const struct rn_cycle_config *cc, const char *name,
                               const struct rn_frame *frames, int n, struct rn_forecast *fc);
void rn_seam_forecast_free(struct rn_forecast *fc);
/* Write every product of fc into dir (each file atomically); add the file
 * names to out. */
enum rn_status rn_seam_write_products(const struct rn_cycle_config *cc,
                                      const struct rn_forecast *fc, const char *dir,
                                      struct rn_names *out);

#endif
