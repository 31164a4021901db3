/* predictor.h - the predictor registry and the interface every predictor
 * implements: persistence, optical-flow extrapolation (deterministic and
 * ensemble) and the neural models.
 *
 * A predictor takes a rolling window of gridded frames (frame.h), oldest
 * first, all on one grid and spaced one time step apart, and returns a
 * forecast (forecast.h) on the same grid: L leads x M members, lead l valid
 * (l + 1) steps after the newest frame.
 *
 * Life cycle, once per process for each configured predictor:
 *
 *   struct rn_predictor *p;
 *   st = rn_predictor_create("extrapolation", cfg, &p);   reads [predictor.extrapolation],
 *                                                          loads weights once
 *   for each cycle:
 *     st = rn_predictor_run(p, frames, nframes, &fc);      frames: newest p->ninputs used
 *     ... write products ...
 *     rn_forecast_free(&fc);
 *   rn_predictor_destroy(p);
 *
 * Options, in the section [predictor.NAME] of the configuration (every one
 * may be missing: the defaults are documented in etc/radnow.conf.example):
 *   inputs       = N     frames used (default: the predictor's own)
 *   leads        = 12    number of lead times
 *   step_minutes = 0     spacing of inputs and leads; 0: that of the input frames
 *   members      = M     ensemble members (deterministic predictors: 1)
 *   thresholds   = 30,40,50   exceedance probabilities (dBZ), or none;
 *                        default for ensembles, none for deterministic ones
 *   seed         = 1     random seed of stochastic predictors; a run mixes it
 *                        with the reference time, so the same inputs and seed
 *                        give the same forecast on any number of threads
 *   device       = auto  cpu, cuda, cuda:N or auto (cuda when built, present
 *                        and supported by the predictor, else cpu)
 * A predictor reads its own options (motion parameters, model and weights
 * files, model grid ...) from the same section in its create function.
 *
 * Registering a predictor: write models/NAME.c defining
 *   const struct rn_predictor_ops rn_NAME_ops = {...};
 * and add one line to the table in models/registry.c. */
#ifndef RADNOW_PREDICTOR_H
#define RADNOW_PREDICTOR_H

#include <stdint.h>

#include <radnow/config.h>
#include <radnow/forecast.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rn_device { RN_DEVICE_CPU = 0, RN_DEVICE_CUDA = 1 };
#define RN_DEVICE_BIT(d) (1u << (d))

struct rn_predictor;

struct rn_predictor_ops {
  const char *name;    /* registry name, also the INI section [predictor.NAME] */
  const char *summary; /* one line for `radnow` listings */
  int ninputs;         /* default number of input frames */
  int nmembers;        /* default members: 1 deterministic, > 1 ensemble */
  int stochastic;      /* 1: members are random draws (seed, probabilities) */
  unsigned devices;    /* RN_DEVICE_BIT(RN_DEVICE_CPU) | RN_DEVICE_BIT(RN_DEVICE_CUDA) */
  /* Optional: read the predictor's own options from cfg (may be NULL) in
   * section p->section, check them, load weights, and set p->priv. The
   * common fields of p are filled before; create may change them (a neural
   * model fixes ninputs and step_seconds to those it was trained with). */
  enum rn_status (*create)(struct rn_predictor *p, const struct rn_config *cfg);
  /* Optional: free p->priv. Called after a failed create too. */
  void (*destroy)(struct rn_predictor *p);
  /* Fill fc->dbz (M x L x Y x X, allocated and set to NaN by the caller)
   * from frames[0 .. nframes-1] (nframes == p->ninputs, oldest first,
   * checked by rn_predictor_run). NaN = nodata (including inflow from
   * outside the domain), RN_DBZ_NOECHO = no echo; never NaN where the
   * predictor had data to forecast from. fc->lead_seconds is set (lead l
   * is (l + 1) * fc->lead_seconds[0] after the newest frame); fc->prob is
   * left to rn_predictor_run, which fills it from the members. */
  enum rn_status (*run)(struct rn_predictor *p, const struct rn_frame *const *frames, int nframes,
                        struct rn_forecast *fc);
};

struct rn_predictor {
  const struct rn_predictor_ops *ops;
  char section[96]; /* "predictor.NAME" */
  int ninputs;      /* frames the run function receives (the newest ones) */
  int step_seconds; /* spacing of inputs and leads; 0: that of the input frames */
  int nleads;       /* L */
  int nmembers;     /* M */
  int nthresholds;  /* K exceedance thresholds (0: no probabilities) */
  float thresholds[RN_MAX_THRESHOLDS];
  uint64_t seed;
  enum rn_device device; /* resolved: what the predictor actually runs on */
  int device_index;      /* which CUDA device */
  void *priv;            /* the predictor's own state (weights, workspaces) */
};

/* The registry: number of predictors, the i-th, or the one named name
 * (NULL when unknown). */
int rn_predictor_count(void);
const struct rn_predictor_ops *rn_predictor_at(int i);
const struct rn_predictor_ops *rn_predictor_find(const char *name);

/* Create the predictor name configured by cfg (may be NULL: defaults).
 * Unknown names and bad options are RN_EUSAGE with a message naming the
 * configuration file, section and key. */
enum rn_status rn_predictor_create(const char *name, const struct rn_config *cfg,
                                   struct rn_predictor **out);
void rn_predictor_destroy(struct rn_predictor *p);

/* Run on a window of frames (oldest first; pointers, so a ring buffer needs
 * no copy). Uses the newest p->ninputs frames; they must share one grid, be
 * in time order and spaced by the step (within a fifth of it). Allocates fc
 * (rn_forecast_free it): predictor name, reference time = time of the newest
 * frame, lead_seconds, members and, when p->nthresholds > 0, the
 * probabilities. Too few or inconsistent frames: RN_ENOTFOUND / RN_EFORMAT
 * with a message saying which frame. */
enum rn_status rn_predictor_run(struct rn_predictor *p, const struct rn_frame *const *frames,
                                int nframes, struct rn_forecast *fc);

/* "cpu", "cuda" */
const char *rn_device_name(enum rn_device d);

#ifdef __cplusplus
}
#endif
#endif
