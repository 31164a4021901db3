/* extrap.c - the `extrapolation` predictor: dense optical flow from the last
 * K frames (optflow.c) and semi-Lagrangian backward advection of the newest
 * frame (advect.c), one lead after another.
 *
 * Options in [predictor.extrapolation] (and [predictor.extrapolation-ens]):
 *   inputs = 3              frames the motion is estimated from (>= 2)
 *   motion_min_dbz = 5      echoes weaker than this carry no motion texture
 *   motion_levels = -1      pyramid levels (-1: automatic)
 *   motion_finest = 1       finest level solved (0: full resolution)
 *   motion_iterations = 3   warping iterations per level
 *   motion_window = 6       Gaussian window sigma (pixels of each level)
 *   motion_lambda = 0.5     regularisation, (dBZ/pixel)^2
 *   motion_max_speed = 40   pixels per frame step */
#include "extrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <radnow/log.h>

#include "advect.h"

enum rn_status rn_extrap_motion_options(const struct rn_predictor *p, const struct rn_config *cfg,
                                        struct rn_optflow_params *par)
{
  enum rn_status st;
  double d;
  rn_optflow_defaults(par);
  if (p->ninputs < 2)
    return rn_error(RN_EUSAGE, "config: [%s] inputs = %d: motion needs 2 frames or more",
                    p->section, p->ninputs);
  if ((st = rn_predictor_opt_double(p, cfg, "motion_min_dbz", par->min_dbz, -32, 80, &d)))
    return st;
  par->min_dbz = (float)d;
  if ((st = rn_predictor_opt_int(p, cfg, "motion_levels", par->levels, -1, 12, &par->levels)))
    return st;
  if ((st = rn_predictor_opt_int(p, cfg, "motion_finest", par->finest, 0, 12, &par->finest)))
    return st;
  if ((st = rn_predictor_opt_int(p, cfg, "motion_iterations", par->iterations, 1, 50,
                                 &par->iterations)))
    return st;
  if ((st = rn_predictor_opt_double(p, cfg, "motion_window", par->window, 0.5, 100, &d)))
    return st;
  par->window = (float)d;
  if ((st = rn_predictor_opt_double(p, cfg, "motion_lambda", par->lambda, 1e-6, 1e6, &d)))
    return st;
  par->lambda = (float)d;
  if ((st = rn_predictor_opt_double(p, cfg, "motion_max_speed", par->max_speed, 0.1, 1000, &d)))
    return st;
  par->max_speed = (float)d;
  return RN_OK;
}

enum rn_status rn_extrap_motion(const struct rn_optflow_params *par,
                                const struct rn_frame *const *frames, int nframes,
                                const struct rn_forecast *fc, float *u, float *v, float *steps)
{
  const float *f[64];
  int n = nframes > 64 ? 64 : nframes, nx = fc->grid.nx, ny = fc->grid.ny;
  double frame_step = (double)(frames[nframes - 1]->time - frames[nframes - 2]->time);
  enum rn_status st;
  for (int k = 0; k < n; k++)
    f[k] = frames[nframes - n + k]->dbz;
  st = rn_optflow(f, n, nx, ny, par, u, v);
  if (st)
    return st;
  *steps = frame_step > 0 ? (float)(fc->lead_seconds[0] / frame_step) : 1.0f;
  if (rn_log_get_level() >= RN_LOG_DEBUG) {
    double su = 0, sv = 0, smax = 0;
    size_t npix = (size_t)nx * ny;
    for (size_t i = 0; i < npix; i++) {
      double s = hypot(u[i], v[i]);
      su += u[i], sv += v[i];
      smax = s > smax ? s : smax;
    }
    rn_log_debug("motion: mean (%.2f, %.2f) px/step, max %.2f px/step, %.2f steps per lead",
                 su / npix, sv / npix, smax, *steps);
  }
  return RN_OK;
}

float *rn_extrap_floored(const struct rn_frame *f)
{
  size_t npix = (size_t)f->grid.nx * f->grid.ny;
  float *z = rn_malloc(npix * sizeof(float), "extrapolation field");
  if (!z)
    return NULL;
  for (size_t i = 0; i < npix; i++)
    z[i] = f->dbz[i] < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : f->dbz[i]; /* keeps NaN */
  return z;
}

struct extrap {
  struct rn_optflow_params motion;
};

static enum rn_status extrap_create(struct rn_predictor *p, const struct rn_config *cfg)
{
  struct extrap *e = rn_calloc(1, sizeof *e, "extrapolation");
  if (!e)
    return RN_ENOMEM;
  p->priv = e;
  return rn_extrap_motion_options(p, cfg, &e->motion);
}

static void extrap_destroy(struct rn_predictor *p)
{
  free(p->priv);
  p->priv = NULL;
}

static enum rn_status extrap_run(struct rn_predictor *p, const struct rn_frame *const *frames,
                                 int nframes, struct rn_forecast *fc)
{
  struct extrap *e = p->priv;
  size_t npix = (size_t)fc->grid.nx * fc->grid.ny;
  float *u = rn_malloc(npix * sizeof(float), "motion");
  float *v = rn_malloc(npix * sizeof(float), "motion");
  float *uv = rn_malloc(2 * npix * sizeof(float), "motion");
  float *z = rn_extrap_floored(frames[nframes - 1]), steps;
  struct rn_trajectory t = {0};
  enum rn_status st = RN_ENOMEM;
  if (!u || !v || !uv || !z)
    goto done;
  if ((st = rn_extrap_motion(&e->motion, frames, nframes, fc, u, v, &steps)))
    goto done;
  rn_motion_interleave(u, v, npix, uv);
  if ((st = rn_trajectory_init(&t, fc->grid.nx, fc->grid.ny, 1)))
    goto done;
  for (int l = 0; l < fc->nleads; l++) {
    rn_trajectory_step(&t, uv, 0, 0, steps);
    rn_advect_sample(z, &t, rn_forecast_field(fc, 0, l));
  }
done:
  rn_trajectory_free(&t);
  free(u);
  free(v);
  free(uv);
  free(z);
  return st;
}

const struct rn_predictor_ops rn_extrapolation_ops = {
    .name = "extrapolation",
    .summary = "optical flow (pyramidal Lucas-Kanade) and semi-Lagrangian advection",
    .ninputs = 3,
    .nmembers = 1,
    .stochastic = 0,
    .devices = RN_DEVICE_BIT(RN_DEVICE_CPU),
    .create = extrap_create,
    .destroy = extrap_destroy,
    .run = extrap_run,
};
