/* model.h - the recurrent neural predictors: ConvLSTM, PredRNN (ST-LSTM),
 * MIM and the MotionRNN wrapper around any of them, trained and run on a
 * backend (backend.h). The equations are those of ../shared/MODELS.md; the
 * PyTorch reference is tests/tools/ref_models.py.
 *
 *   struct rn_model_config mc;
 *   rn_model_config_default(&mc);
 *   st = rn_model_config_load(&mc, "etc/models/motionrnn-mim.ini", n, overrides);
 *   st = rn_model_create(&m, &mc, be);                 // parameters allocated
 *   rn_model_init(m, seed);                            // or rn_params_load(rn_model_params(m), f)
 *
 *   // training step (frames and predictions: device memory of be)
 *   rn_params_zero_grad(rn_model_params(m));
 *   st = rn_model_forward(m, frames, mask, B, &loss);   // keeps the activations
 *   st = rn_model_backward(m);                          // += every parameter gradient
 *   rn_adam_step(&adam, rn_model_params(m), lr);        // optim.h
 *
 *   // the operational cycle: no activations kept beyond one step
 *   st = rn_model_predict(m, pred, frames, B);
 *
 * Frames are NOT patched: [B, T, C, H, W] (NCHW per frame, row-major),
 * values in the model's [0, 1] scale (dBZ mapped by the caller). The model
 * patches them itself with space-to-depth in reshape_patch order
 * (layers.h, RN_S2D_PATCH_MAJOR: channel (py*p + px)*C + c of a
 * [p*p*C, H/p, W/p] patched frame), and unpatches its predictions; the
 * network, its parameters and the loss see patched tensors, which is only a
 * permutation of the same numbers. rn_model_patchify/unpatchify expose the
 * same rearrangement.
 *
 * Time: T = input_length + output_length frames; the network runs T - 1
 * steps. Step t (0-based) reads frame t when t < input_length, and after
 * that the blend  mask * frame[t] + (1 - mask) * prediction[t-1]  with the
 * scheduled-sampling mask of (sample, step): mask[b * (output_length - 1) +
 * t - input_length], host memory, 1 = the true frame (the papers draw it
 * per sample and step with probability eta; values in between blend). NULL
 * means all ones (teacher forcing). The gradient flows through the fed-back
 * prediction. Step t predicts frame t + 1; the loss covers all T - 1
 * predicted frames:
 *   RN_MODEL_LOSS_MSE       mean of (pred - frame)^2    (PredRNN, MotionRNN)
 *   RN_MODEL_LOSS_HALF_SUM  1/2 sum of (pred - frame)^2 (MIM's TensorFlow code;
 *                           it prints this divided by B, the gradient is of the sum)
 *   RN_MODEL_LOSS_BMSE      mean of w(frame) (pred - frame)^2: the balanced MSE
 *                           of Shi et al. 2017 (TrajGRU), the weight of a pixel
 *                           a step function of its TRUE frame's rain rate,
 *                           rn_model_loss_steps; the mean is over all pixels, as
 *                           for mse (the paper sums over pixels, averages frames)
 *   RN_MODEL_LOSS_BMAE      mean of w(frame) |pred - frame|, the same weights
 *
 * Initial states (H, C, M, MIM's S and MIM-N's states, MotionRNN's F and D)
 * are zeros. The official MotionRNN code draws random ones; MODELS.md settles
 * on zeros. MotionRNN-MIM's MIM-N difference H^0_t - H^0_{t-1} uses the fused
 * H (after the MotionRNN gate), which is the layer's recurrent state.
 *
 * Parameters are named as the PyTorch reference's state_dict
 * (tests/tools/ref_models.py), e.g. "cells.0.conv_x.weight",
 * "mimn.0.w_ci", "wrappers.1.gru.update.bias", "highway0.weight",
 * "conv_last.weight"; layouts are PyTorch's, so its weights load as they are.
 *
 * Errors: functions return enum rn_status with a message (status.h); a
 * failure inside the backend (out of memory, a CUDA error) is returned by
 * the call that ran into it. */
#ifndef RADNOW_MODEL_H
#define RADNOW_MODEL_H

#include <radnow/backend.h>
#include <radnow/config.h>
#include <radnow/status.h>
#include <radnow/tensor.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_MODEL_MAXLAYERS 8

enum rn_backbone { RN_BACKBONE_CONVLSTM = 0, RN_BACKBONE_PREDRNN, RN_BACKBONE_MIM };
enum rn_model_loss {
  RN_MODEL_LOSS_MSE = 0,
  RN_MODEL_LOSS_HALF_SUM,
  RN_MODEL_LOSS_BMSE,
  RN_MODEL_LOSS_BMAE
};

/* A model definition: the [model] section of an INI file (etc/models/),
 *   type          convlstm | predrnn | mim | motionrnn-convlstm |
 *                 motionrnn-predrnn | motionrnn-mim          (required)
 *   hidden        64,64,64,64  channels per layer; one number and
 *   layers        4            repeat it
 *   filter        5            gate convolution size (odd)
 *   patch         4            space-to-depth patch size
 *   channels      1            image channels C
 *   height, width 64           frame size in pixels (multiples of patch;
 *                              with MotionRNN the patched size must be even)
 *   input_length  10, output_length 10
 *   layer_norm    false        PredRNN/ConvLSTM: LayerNorm([C,H,W]) per
 *                              element; MIM: per channel (MODELS.md)
 *   loss          mse | half_sum | bmse | bmae
 * MotionRNN needs hidden channels divisible by 4 (its encoder has nh/4). */
struct rn_model_config {
  char type[32];               /* as written: "motionrnn-mim" */
  enum rn_backbone backbone;
  int motion;                  /* 1: the MotionRNN wrapper */
  int layers;
  int hidden[RN_MODEL_MAXLAYERS];
  int filter, patch;
  int channels, height, width;
  int input_length, output_length;
  int layer_norm;
  enum rn_model_loss loss;
};

/* The papers' MotionRNN-MIM at 64x64 (patch 4, 4 x 64, filter 5, 10 -> 10, MSE). */
void rn_model_config_default(struct rn_model_config *mc);
/* Read the keys of [section] of cfg over mc (missing keys keep their
 * values), then check the whole: errors name the file, section and key. */
enum rn_status rn_model_config_read(struct rn_model_config *mc, const struct rn_config *cfg,
                                    const char *section);
/* Load [model] of an INI file over mc, then apply "key=value" overrides
 * (e.g. from a training configuration or the command line). */
enum rn_status rn_model_config_load(struct rn_model_config *mc, const char *path, int noverride,
                                    const char *const *override);
/* The definition as INI text ("[model]\ntype = ...\n"), for checkpoints;
 * returns the length (as snprintf). */
int rn_model_config_format(const struct rn_model_config *mc, char *buf, size_t size);
/* RN_OK when a and b describe the same network (same parameters and
 * lengths), else RN_EFORMAT with a message naming the first key that
 * differs: "model: hidden: 64,64,64,64 here, 32,32,32,32 in the checkpoint". */
enum rn_status rn_model_config_compare(const struct rn_model_config *a,
                                       const struct rn_model_config *b, const char *what_b);

/* The name of a loss in definitions and checkpoints ("mse", "bmse", ...). */
const char *rn_model_loss_name(enum rn_model_loss loss);

/* The weights of the balanced losses (bmse, bmae), after Shi et al. 2017:
 * a pixel whose true rain rate R is below 2 mm/h weighs 1; 2 <= R < 5: 2;
 * 5 <= R < 10: 5; 10 <= R < 30: 10; R >= 30 mm/h: 30. Rain rates become
 * reflectivity with Marshall-Palmer Z = 200 R^1.6 (zr.h: 27.8, 34.2, 39.0
 * and 46.7 dBZ) and then the models' [0, 1] scale (train.h,
 * rn_train_dbz_unit: (2 dBZ - 30) / 255). Writes s->n = 0 (every weight 1)
 * for the other losses. struct rn_loss_steps: layers.h. */
struct rn_loss_steps;
void rn_model_loss_steps(enum rn_model_loss loss, struct rn_loss_steps *s);

struct rn_model;

/* Declare and allocate the parameters (zeros) on be. The model keeps be. */
enum rn_status rn_model_create(struct rn_model **m, const struct rn_model_config *mc,
                               struct rn_backend *be);
void rn_model_destroy(struct rn_model *m);
const struct rn_model_config *rn_model_get_config(const struct rn_model *m);
struct rn_backend *rn_model_backend(const struct rn_model *m);
/* The parameters (data, grad; Adam state and EMA live there too, optim.h). */
struct rn_params *rn_model_params(struct rn_model *m);

/* The reference initialisation, from Philox stream `seed`: PyTorch's
 * defaults (uniform +-1/sqrt(fan_in), weights and biases) for ConvLSTM,
 * PredRNN and the MotionRNN pieces, zero MotionGRU gate/warp-gate weights
 * (official code); MIM: Glorot uniform, MIM-N +-0.001, biases zero
 * (MODELS.md); layer norm gamma 1, beta 0. */
enum rn_status rn_model_init(struct rn_model *m, uint64_t seed);

/* Training forward of B sequences: frames [B, T, C, H, W] (device), mask
 * [B, output_length - 1] (host, NULL = teacher forcing). Writes *loss (may
 * be NULL) and keeps every activation the backward needs in the model's
 * arena (reset by the next forward or predict). */
enum rn_status rn_model_forward(struct rn_model *m, const float *frames, const float *mask, int B,
                                double *loss);
/* The predictions of the last forward: [B, T - 1, C, H, W] on the device,
 * frame t + 1 at index t; valid until the next forward or predict. */
const float *rn_model_predictions(const struct rn_model *m);
/* Backward of the last forward: ADDS dloss/dparam to every parameter's grad
 * (zero them first: rn_params_zero_grad). */
enum rn_status rn_model_backward(struct rn_model *m);

/* Inference: frames [B, input_length, C, H, W] -> pred [B, output_length, C,
 * H, W] (device memory), the network feeding itself after the inputs. Keeps
 * only the recurrent states and one step's scratch. */
enum rn_status rn_model_predict(struct rn_model *m, float *pred, const float *frames, int B);

/* reshape_patch of n frames [n, C, H, W] -> [n, p*p*C, H/p, W/p] and back
 * (p = the model's patch), on the model's backend. */
void rn_model_patchify(struct rn_model *m, float *out, const float *inp, int n);
void rn_model_unpatchify(struct rn_model *m, float *out, const float *inp, int n);

/* Memory on the device, in bytes. peak_activations is the arena's high-water
 * mark since create (forward + backward at the largest batch so far);
 * scratch is the backend's work buffer (im2col columns), which other models
 * on the same backend share. */
struct rn_model_memory {
  size_t params, grads, optimizer; /* optimizer: Adam moments and EMA when present */
  size_t peak_activations, scratch;
  size_t total;                    /* the sum: the model's peak device footprint */
};
void rn_model_memory(const struct rn_model *m, struct rn_model_memory *mem);

/* Multiply-adds x 2 of one forward over B sequences (convolutions only). */
double rn_model_flops(const struct rn_model_config *mc, int B);

#ifdef __cplusplus
}
#endif
#endif
