/* registry.c - the table of predictors, their common options and the checks
 * every run shares (predictor.h). */
#include <radnow/devices.h>
#include <radnow/ensemble.h>
#include <radnow/log.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "predictors.h"

/* One line per predictor. */
static const struct rn_predictor_ops *const predictors[] = {
    &rn_persistence_ops,
    &rn_extrapolation_ops,
    &rn_extrapolation_ens_ops,
};

#define NPREDICTORS ((int)(sizeof predictors / sizeof predictors[0]))

int rn_predictor_count(void)
{
  return NPREDICTORS;
}

const struct rn_predictor_ops *rn_predictor_at(int i)
{
  return i >= 0 && i < NPREDICTORS ? predictors[i] : NULL;
}

const struct rn_predictor_ops *rn_predictor_find(const char *name)
{
  for (int i = 0; i < NPREDICTORS; i++)
    if (strcmp(predictors[i]->name, name) == 0)
      return predictors[i];
  return NULL;
}

const char *rn_device_name(enum rn_device d)
{
  return d == RN_DEVICE_CUDA ? "cuda" : "cpu";
}

static const char *cfg_file(const struct rn_config *cfg)
{
  const char *path = cfg ? rn_config_path(cfg) : "";
  return path && *path ? path : "configuration";
}

enum rn_status rn_predictor_opt_double(const struct rn_predictor *p, const struct rn_config *cfg,
                                       const char *key, double def, double lo, double hi,
                                       double *out)
{
  enum rn_status st = RN_OK;
  *out = def;
  if (cfg)
    st = rn_config_double(cfg, p->section, key, def, out);
  if (st)
    return st;
  if (!(*out >= lo && *out <= hi))
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s = %g: must be within [%g, %g]", cfg_file(cfg),
                    p->section, key, *out, lo, hi);
  return RN_OK;
}

enum rn_status rn_predictor_opt_int(const struct rn_predictor *p, const struct rn_config *cfg,
                                    const char *key, long def, long lo, long hi, int *out)
{
  long v = def;
  enum rn_status st = RN_OK;
  if (cfg)
    st = rn_config_int(cfg, p->section, key, def, &v);
  if (st)
    return st;
  if (v < lo || v > hi)
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s = %ld: must be within [%ld, %ld]",
                    cfg_file(cfg), p->section, key, v, lo, hi);
  *out = (int)v;
  return RN_OK;
}

/* device = auto | cpu | cuda | cuda:N. A GPU asked for but absent, or a
 * predictor without a CUDA implementation, runs on the CPU with a warning:
 * "no device" is a normal state. */
static enum rn_status resolve_device(struct rn_predictor *p, const struct rn_config *cfg)
{
  const char *v = cfg ? rn_config_string(cfg, p->section, "device", "auto") : "auto";
  int want_cuda = 0, explicit_cuda = 0, ndev;
  char reason[256] = "";
  p->device = RN_DEVICE_CPU;
  p->device_index = 0;
  if (strcasecmp(v, "cpu") == 0)
    return RN_OK;
  if (strcasecmp(v, "auto") == 0) {
    want_cuda = 1;
  } else if (strncasecmp(v, "cuda", 4) == 0 && (v[4] == 0 || v[4] == ':')) {
    char *end;
    want_cuda = explicit_cuda = 1;
    if (v[4] == ':') {
      long i = strtol(v + 5, &end, 10);
      if (end == v + 5 || *end || i < 0 || i > 63)
        return rn_error(RN_EUSAGE, "config: %s: [%s] device = '%s': want cpu, cuda, cuda:N or auto",
                        cfg_file(cfg), p->section, v);
      p->device_index = (int)i;
    }
  } else {
    return rn_error(RN_EUSAGE, "config: %s: [%s] device = '%s': want cpu, cuda, cuda:N or auto",
                    cfg_file(cfg), p->section, v);
  }
  if (!want_cuda)
    return RN_OK;
  if (!(p->ops->devices & RN_DEVICE_BIT(RN_DEVICE_CUDA))) {
    if (explicit_cuda)
      rn_log_warn("%s: no CUDA implementation, running on the CPU", p->ops->name);
    return RN_OK;
  }
  ndev = rn_cuda_device_count(reason, sizeof reason);
  if (ndev <= p->device_index) {
    if (explicit_cuda)
      rn_log_warn("%s: CUDA device %d not available (%s), running on the CPU", p->ops->name,
                  p->device_index, reason[0] ? reason : "not enough devices");
    p->device_index = 0;
    return RN_OK;
  }
  p->device = RN_DEVICE_CUDA;
  return RN_OK;
}

static enum rn_status read_thresholds(struct rn_predictor *p, const struct rn_config *cfg,
                                      const char *section, const char *key)
{
  double list[RN_MAX_THRESHOLDS + 1];
  int n = RN_MAX_THRESHOLDS + 1;
  const char *v = rn_config_get(cfg, section, key);
  enum rn_status st;
  if (strcasecmp(v, "none") == 0 || !*v) {
    p->nthresholds = 0;
    return RN_OK;
  }
  if ((st = rn_config_doubles(cfg, section, key, list, &n)))
    return st;
  if (n > RN_MAX_THRESHOLDS)
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s: at most %d values", cfg_file(cfg), section,
                    key, RN_MAX_THRESHOLDS);
  p->nthresholds = n;
  for (int k = 0; k < n; k++)
    p->thresholds[k] = (float)list[k];
  return RN_OK;
}

static enum rn_status read_common(struct rn_predictor *p, const struct rn_config *cfg)
{
  enum rn_status st;
  double d;
  if ((st = rn_predictor_opt_int(p, cfg, "inputs", p->ops->ninputs, 1, 1000, &p->ninputs)))
    return st;
  if ((st = rn_predictor_opt_int(p, cfg, "leads", 12, 1, 1000, &p->nleads)))
    return st;
  if ((st = rn_predictor_opt_double(p, cfg, "step_minutes", 0, 0, 1440, &d)))
    return st;
  p->step_seconds = (int)lrint(d * 60);
  if ((st = rn_predictor_opt_int(p, cfg, "members", p->ops->nmembers, 1, 10000, &p->nmembers)))
    return st;
  if (!p->ops->stochastic && p->nmembers != 1)
    return rn_error(RN_EUSAGE, "config: %s: [%s] members = %d: %s is deterministic (1 member)",
                    cfg_file(cfg), p->section, p->nmembers, p->ops->name);
  if ((st = rn_predictor_opt_double(p, cfg, "seed", 1, 0, 9007199254740992.0, &d)))
    return st;
  p->seed = (uint64_t)d;
  /* Exceedance probabilities: by default for ensembles only. */
  p->nthresholds = 0;
  if (p->ops->stochastic) {
    p->nthresholds = 3;
    p->thresholds[0] = 30, p->thresholds[1] = 40, p->thresholds[2] = 50;
  }
  if (cfg && rn_config_get(cfg, p->section, "thresholds") &&
      (st = read_thresholds(p, cfg, p->section, "thresholds")))
    return st;
  return resolve_device(p, cfg);
}

enum rn_status rn_predictor_create(const char *name, const struct rn_config *cfg,
                                   struct rn_predictor **out)
{
  const struct rn_predictor_ops *ops = rn_predictor_find(name);
  struct rn_predictor *p;
  enum rn_status st;
  *out = NULL;
  if (!ops) {
    char known[512] = "";
    for (int i = 0; i < NPREDICTORS; i++)
      snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
               predictors[i]->name);
    return rn_error(RN_EUSAGE, "predictor '%s' unknown (known: %s)", name, known);
  }
  p = rn_calloc(1, sizeof *p, "predictor");
  if (!p)
    return RN_ENOMEM;
  p->ops = ops;
  snprintf(p->section, sizeof p->section, "predictor.%s", ops->name);
  st = read_common(p, cfg);
  if (!st && ops->create)
    st = ops->create(p, cfg);
  if (st) {
    rn_predictor_destroy(p);
    return st;
  }
  *out = p;
  return RN_OK;
}

void rn_predictor_destroy(struct rn_predictor *p)
{
  if (!p)
    return;
  if (p->ops->destroy)
    p->ops->destroy(p);
  free(p);
}

/* The newest ninputs frames must share the grid and be one step apart. */
static enum rn_status check_frames(const struct rn_predictor *p,
                                   const struct rn_frame *const *frames, int nframes, int *step)
{
  const struct rn_frame *newest;
  char t1[32], t2[32];
  if (nframes < p->ninputs || nframes < 1)
    return rn_error(RN_ENOTFOUND, "%s: %d input frame(s), need %d", p->ops->name, nframes,
                    p->ninputs);
  newest = frames[nframes - 1];
  *step = p->step_seconds;
  if (*step <= 0) {
    if (nframes < 2)
      *step = 300; /* a single frame says nothing about the step */
    else
      *step = (int)(newest->time - frames[nframes - 2]->time);
    if (*step <= 0)
      return rn_error(RN_EFORMAT, "%s: frames %s and %s not in time order", p->ops->name,
                      rn_time_iso(frames[nframes - 2]->time, t1), rn_time_iso(newest->time, t2));
  }
  for (int i = nframes - p->ninputs; i < nframes; i++) {
    const struct rn_frame *f = frames[i];
    if (!f->dbz || !rn_grid_same(&f->grid, &newest->grid))
      return rn_error(RN_EFORMAT, "%s: frame %s (%s): not on the grid of the newest frame",
                      p->ops->name, rn_time_iso(f->time, t1), f->source);
    if (i > nframes - p->ninputs) {
      long dt = (long)(f->time - frames[i - 1]->time);
      if (labs(dt - *step) > *step / 5)
        return rn_error(RN_EFORMAT, "%s: frames %s and %s are %ld s apart, step is %d s",
                        p->ops->name, rn_time_iso(frames[i - 1]->time, t1),
                        rn_time_iso(f->time, t2), dt, *step);
    }
  }
  return RN_OK;
}

enum rn_status rn_predictor_run(struct rn_predictor *p, const struct rn_frame *const *frames,
                                int nframes, struct rn_forecast *fc)
{
  const struct rn_frame *const *use;
  enum rn_status st;
  int step = 0;
  memset(fc, 0, sizeof *fc);
  if ((st = check_frames(p, frames, nframes, &step)))
    return st;
  use = frames + (nframes - p->ninputs);
  st = rn_forecast_alloc(fc, &frames[nframes - 1]->grid, p->nleads, p->nmembers, p->nthresholds);
  if (st)
    return rn_error_prefix(st, "%s", p->ops->name);
  snprintf(fc->predictor, sizeof fc->predictor, "%s", p->ops->name);
  fc->reference_time = frames[nframes - 1]->time;
  for (int l = 0; l < p->nleads; l++)
    fc->lead_seconds[l] = (l + 1) * step;
  memcpy(fc->thresholds, p->thresholds, sizeof fc->thresholds);
  st = p->ops->run(p, use, p->ninputs, fc);
  if (st) {
    rn_forecast_free(fc);
    return st;
  }
  rn_ensemble_probability(fc);
  return RN_OK;
}
