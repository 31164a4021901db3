/* train.h - training the recurrent predictors (model.h) on a training
 * archive (archive.h): `radnow train -c train.conf [--resume CKPT]`.
 *
 * One iteration: B windows of input_length + output_length consecutive
 * frames drawn from the train split of the archive (or of several, each
 * window from one archive chosen by their shares; optionally a random crop of
 * the model's frame size, flips and quarter turns), dBZ mapped to the
 * papers' [0, 1] scale (rn_train_dbz_unit), a scheduled-sampling mask drawn
 * per (sample, decoder step) with probability eta of the true frame (eta =
 * max(eta_min, eta_start - eta_step * iteration), as PredRNN/MIM/MotionRNN
 * decrease it), forward, backward, global-norm clipping, Adam (configured
 * betas) at the scheduled learning rate, the weight EMA; with
 * reverse_input, a second, separate optimizer step on the time-reversed
 * windows (MIM's code). Every random draw is addressed by (seed, iteration,
 * purpose, index) on a Philox stream, so an iteration draws the same
 * whatever ran before it: a resumed run repeats the uninterrupted one bit
 * for bit (same thread count on the CPU).
 *
 * Output folder (etc/train.conf.example, [output] dir):
 *   checkpoint.h5  the latest full checkpoint (checkpoint.h): every
 *                  checkpoint_every iterations, at the end, and on SIGINT or
 *                  SIGTERM
 *   best.h5        the full checkpoint of the best validation so far
 *   train.csv      iteration, loss, learning rate, eta, gradient norm, seconds
 *   valid.csv      iteration, MSE on the [0, 1] scale, CSI 30/40/50 dBZ
 *                  pooled over the leads (verify.h), and whether it was the best
 * On a terminal a progress line shows iteration, loss, it/s and ETA. */
#ifndef RADNOW_TRAIN_H
#define RADNOW_TRAIN_H

#include <stdint.h>

#include <radnow/config.h>
#include <radnow/model.h>
#include <radnow/optim.h>
#include <radnow/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The pixel scale of the models: rn_verify_unit (verify.h), the papers'
 * p = 2 dBZ - 30 clipped to [0, 255], / 255; nodata counts as 0. Back to
 * dBZ: (255 u + 30) / 2, where u below 0.5/255 (p rounds to 0, i.e. under
 * 15.25 dBZ) is no echo: the scale holds nothing weaker than 15 dBZ. */
static inline float rn_train_dbz_unit(float dbz)
{
  return dbz != dbz ? 0.0f : rn_verify_unit(dbz);
}

static inline float rn_train_unit_dbz(float u)
{
  float p = 255.0f * u;
  if (!(p >= 0.5f))
    return RN_DBZ_NOECHO;
  return (p > 255.0f ? 255.0f + 30.0f : p + 30.0f) * 0.5f;
}

#define RN_TRAIN_MAX_OVERRIDES 32
#define RN_TRAIN_MAX_ARCHIVES 8

struct rn_train_options {
  /* [model] */
  char definition[4096];           /* model definition file */
  int noverrides;                  /* other [model] keys: "key=value" */
  char overrides[RN_TRAIN_MAX_OVERRIDES][256];
  /* [data] */
  /* [data] archive = A.nc[, B.nc ...]: windows come from every archive's
   * train split; [data] archive_share = a, b ...: the fraction of the
   * windows drawn from each (normalised; default: in proportion to their
   * training windows, as if the archives were one) */
  int narchives;
  char archives[RN_TRAIN_MAX_ARCHIVES][1024];
  double archive_share[RN_TRAIN_MAX_ARCHIVES]; /* all 0: not given */
  char valid_archive[4096];        /* "" : the validation split of the first archive */
  int flip;                        /* random horizontal/vertical flips */
  int rotate;                      /* random quarter turns (square frames) */
  double min_echo;                 /* wanted fraction of pixels >= min_echo_dbz in a window */
  double min_echo_dbz;
  int min_echo_tries;              /* redraws before taking what comes */
  /* [train] */
  uint64_t seed;
  char init[4096];                 /* "" : initialise from seed; else start from these weights */
  long iterations;
  int batch;
  char device[32];
  int threads;                     /* 0: OpenMP's default */
  int conv;                        /* enum rn_conv_kind: the CPU convolutions [Winograd] */
  struct rn_lr_schedule lr;
  struct rn_adam adam;             /* betas, eps, weight decay */
  double clip;                     /* global gradient norm; 0 none */
  double ema;                      /* decay; 0 none */
  double eta_start, eta_step, eta_min;
  int reverse_input;
  /* [validation] */
  long valid_every;                /* 0: none */
  int valid_windows;               /* at most this many windows, evenly spread (0: all) */
  int valid_batch;
  char best_metric[16];            /* mse | csi30 | csi40 | csi50 */
  /* [output] */
  char dir[4096];
  long checkpoint_every;
  long log_every;                  /* progress log lines when not on a terminal */
  int progress;                    /* -1 auto (a terminal), 0 no, 1 yes */
  char config_text[8192];          /* the whole configuration, for checkpoints */
};

void rn_train_options_init(struct rn_train_options *o);
/* Read a training configuration (unknown sections and keys are errors). */
enum rn_status rn_train_options_load(struct rn_train_options *o, const struct rn_config *cfg);

/* Train; resume (may be NULL) is a full checkpoint to continue from. A
 * SIGINT or SIGTERM stops training after the current iteration: the
 * checkpoint is written, RN_OK returned and *interrupted set to the signal
 * number (0 when training ran to the end). */
enum rn_status rn_train_run(const struct rn_train_options *o, const char *resume,
                            int *interrupted);

/* Write the weights a predictor runs (the EMA when kept) of a checkpoint. */
enum rn_status rn_train_export(const char *checkpoint, const char *out);

#ifdef __cplusplus
}
#endif
#endif
