/* extrap.h - what the deterministic and the ensemble extrapolation share:
 * motion options and the motion of a window of frames. */
#ifndef RADNOW_MODELS_EXTRAP_H
#define RADNOW_MODELS_EXTRAP_H

#include "optflow.h"
#include "predictors.h"

/* Read the motion_* options of p->section into par (defaults for cfg NULL). */
enum rn_status rn_extrap_motion_options(const struct rn_predictor *p, const struct rn_config *cfg,
                                        struct rn_optflow_params *par);

/* Motion (pixels per frame step) of frames[0 .. n-1] into u, v (nx x ny),
 * and *steps, the number of frame steps per lead step. */
enum rn_status rn_extrap_motion(const struct rn_optflow_params *par,
                                const struct rn_frame *const *frames, int nframes,
                                const struct rn_forecast *fc, float *u, float *v, float *steps);

/* The newest frame with weak echoes clamped to the no-echo floor (a copy). */
float *rn_extrap_floored(const struct rn_frame *f);

#endif
