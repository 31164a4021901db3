/* checkpoint.h - training checkpoints and weights files (HDF5).
 *
 * One file holds a model's named tensors and what training needs to go on
 * exactly where it stopped:
 *   /params/NAME        float32, the tensor's shape: the weights
 *   /adam_m/NAME        Adam's first and second moments (full checkpoints)
 *   /adam_v/NAME
 *   /ema/NAME           the exponential moving average of the weights, when kept
 *   attributes of /:
 *     format            "radnow checkpoint 1"
 *     kind              "full" (training state) or "weights" (for predictors)
 *     model_config      the model definition as INI text (model.h)
 *     train_config      the training configuration it was made with (text)
 *     step_seconds      time step of the frames it was trained on (int64; a
 *                       predictor runs on frames of this step)
 *     iteration         training iterations completed (int64)
 *     adam_step         optimizer steps taken (int64)
 *     rng_seed          the seed of the data/sampling stream (uint64) and
 *     rng_offset        its position: draws are addressed by (seed, iteration,
 *                       purpose, index), so the position is the iteration
 *     best_metric, best_score, best_iteration   the best validation so far
 *     created           UTC time of writing (ISO 8601)
 * Names are the model's parameter names ("cells.0.conv_x.weight"). Files are
 * built in memory and published atomically (publish.h): a reader never sees
 * a partial checkpoint, and a crash while writing leaves the previous one. */
#ifndef RADNOW_CHECKPOINT_H
#define RADNOW_CHECKPOINT_H

#include <stdint.h>

#include <radnow/model.h>
#include <radnow/tensor.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_CKPT_TEXT 8192

struct rn_checkpoint_meta {
  char kind[16];                      /* "full" or "weights" */
  char model_config[RN_CKPT_TEXT];    /* INI text of the definition */
  char train_config[RN_CKPT_TEXT];    /* the training configuration ("" when none) */
  long step_seconds;                  /* 0: unknown */
  long iteration;
  long adam_step;
  uint64_t rng_seed, rng_offset;
  char best_metric[16];               /* "" when no validation ran */
  double best_score;
  long best_iteration;
  char created[32];                   /* set when read */
};

void rn_checkpoint_meta_init(struct rn_checkpoint_meta *meta);

/* Write p: RN_CKPT_FULL writes /params, /adam_m, /adam_v and /ema (those
 * present); RN_CKPT_WEIGHTS writes /params only, or, with use_ema and an EMA
 * present, the EMA as /params (what a predictor runs). */
enum { RN_CKPT_WEIGHTS = 0, RN_CKPT_FULL = 1 };
enum rn_status rn_checkpoint_save(const char *path, const struct rn_params *p,
                                  const struct rn_checkpoint_meta *meta, int what, int use_ema);

/* The attributes of a checkpoint. */
enum rn_status rn_checkpoint_read_meta(const char *path, struct rn_checkpoint_meta *meta);

/* The model definition stored in a checkpoint (errors name the file). */
enum rn_status rn_checkpoint_model_config(const char *path, const struct rn_checkpoint_meta *meta,
                                          struct rn_model_config *mc);
/* RN_OK when the checkpoint holds the network mc describes, else RN_EUSAGE:
 *   checkpoint: run/checkpoint.h5: model: hidden: 16,16,16,16 here, 32,32,32,32 in the checkpoint */
enum rn_status rn_checkpoint_check_model(const char *path, const struct rn_checkpoint_meta *meta,
                                         const struct rn_model_config *mc);

/* Load tensors into p (allocated): every tensor of p must be in /params
 * with its shape. RN_CKPT_FULL also loads /adam_m, /adam_v and /ema when the
 * file has them (allocating those blocks). With use_ema (and RN_CKPT_WEIGHTS),
 * /ema is loaded as the weights when present. meta may be NULL. */
enum rn_status rn_checkpoint_load(const char *path, struct rn_params *p, int what, int use_ema,
                                  struct rn_checkpoint_meta *meta);

#ifdef __cplusplus
}
#endif
#endif
