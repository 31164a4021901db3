/* layers.h - the layers the neural predictors are built from, each a pair of
 * free functions in the style of llm.c: outputs first, then inputs, then
 * parameters, then sizes; the backward pass ACCUMULATES (+=) into every
 * gradient it is given (zero them once per step: rn_params_zero_grad,
 * rn_arena_zeros) and skips any gradient pointer that is NULL.
 *
 * Dimension letters:
 *   B batch           C input channels     O output channels
 *   D, H, W  input depth, height, width    OD, OH, OW output size
 *   K kernel size     S stride             P zero padding
 *   N features (linear)   G groups (group norm)   HW = H * W
 *
 * Layouts are PyTorch's (NCHW, NCDHW; conv weight [O, C, (KD,) KH, KW],
 * transposed-conv weight [C, O, KH, KW], linear weight [O, N]), so weights
 * trained there load as they are. All pointers are device memory of `be`.
 * Errors (bad shapes) are latched in the backend: see backend.h. */
#ifndef RADNOW_LAYERS_H
#define RADNOW_LAYERS_H

#include <radnow/backend.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- convolutions ---------------------------------------------------------------
 * One description serves 2-D (D = KD = OD = 1) and 3-D convolutions, and the
 * transposed convolution; build it with the helpers below, which fill the
 * output size. Dilation is 1, groups 1. */
struct rn_conv {
  int B, C, O;      /* batch, input channels, output channels */
  int D, H, W;      /* input size */
  int KD, KH, KW;   /* kernel */
  int SD, SH, SW;   /* stride */
  int PD, PH, PW;   /* zero padding */
  int OD, OH, OW;   /* output size */
  int transposed;   /* set by rn_convt2d */
};

/* Conv2d(C, O, K, stride S, padding P) on [B, C, H, W] -> [B, O, OH, OW],
 * OH = (H + 2P - K) / S + 1. */
struct rn_conv rn_conv2d(int B, int C, int H, int W, int O, int K, int S, int P);
/* Conv3d(C, O, K, S, P) on [B, C, D, H, W] -> [B, O, OD, OH, OW]. */
struct rn_conv rn_conv3d(int B, int C, int D, int H, int W, int O, int K, int S, int P);
/* ConvTranspose2d(C, O, K, S, P) on [B, C, H, W] -> [B, O, OH, OW],
 * OH = (H - 1) S - 2P + K (4x4, S 2, P 1 doubles the size). */
struct rn_conv rn_convt2d(int B, int C, int H, int W, int O, int K, int S, int P);

/* out[B,O,OD,OH,OW] = conv(inp[B,C,D,H,W], w) + bias[O]; bias may be NULL.
 * Works for plain and transposed descriptions (w then is [C, O, KH, KW]). */
void rn_conv_forward(struct rn_backend *be, const struct rn_conv *s, float *out, const float *inp,
                     const float *w, const float *bias);
/* dinp += dL/dinp, dw += dL/dw, dbias += dL/dbias from dout. */
void rn_conv_backward(struct rn_backend *be, const struct rn_conv *s, float *dinp, float *dw,
                      float *dbias, const float *dout, const float *inp, const float *w);

/* ---- linear -------------------------------------------------------------------------
 * out[B,O] = inp[B,N] w[O,N]^T + bias[O] */
void rn_linear_forward(struct rn_backend *be, float *out, const float *inp, const float *w,
                       const float *bias, int B, int N, int O);
void rn_linear_backward(struct rn_backend *be, float *dinp, float *dw, float *dbias,
                        const float *dout, const float *inp, const float *w, int B, int N, int O);

/* ---- element-wise layers on slices (backend.h: rn_flat, rn_chan) -----------------
 * All slices of one call have the same rows x cols; a contiguous slice with
 * the right number of elements is reshaped to match a strided one, so a
 * whole [B, nh, HW] state rn_flat(c, B*nh*HW) pairs with the gate
 * rn_chan(G, B, 4*nh, HW, k*nh, nh). Forward may run in place
 * (out = inp). Backward of sigmoid, tanh, relu and leaky ReLU takes the
 * forward OUTPUT, which is what an RNN step keeps anyway. */
void rn_sigmoid_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp);
void rn_sigmoid_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                         struct rn_slice out);
void rn_tanh_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp);
void rn_tanh_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                      struct rn_slice out);
void rn_relu_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp);
void rn_relu_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                      struct rn_slice out);
void rn_leaky_relu_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp,
                           float slope);
void rn_leaky_relu_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                            struct rn_slice out, float slope);
/* out = alpha * inp + beta (1 - u: alpha -1, beta 1); backward dinp += alpha dout */
void rn_affine_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp,
                       float alpha, float beta);
void rn_affine_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                        float alpha);
/* out = a + b, a - b, a * b; backward: da, db (either may be {NULL}) */
void rn_add_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice a,
                    struct rn_slice b);
void rn_add_backward(struct rn_backend *be, struct rn_slice da, struct rn_slice db,
                     struct rn_slice dout);
void rn_sub_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice a,
                    struct rn_slice b);
void rn_sub_backward(struct rn_backend *be, struct rn_slice da, struct rn_slice db,
                     struct rn_slice dout);
void rn_mul_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice a,
                    struct rn_slice b);
void rn_mul_backward(struct rn_backend *be, struct rn_slice da, struct rn_slice db,
                     struct rn_slice dout, struct rn_slice a, struct rn_slice b);
/* dst = src; dst += alpha * src (the backward of a copy, a split, a concat) */
void rn_copy_slice(struct rn_backend *be, struct rn_slice dst, struct rn_slice src);
void rn_acc_slice(struct rn_backend *be, struct rn_slice dst, struct rn_slice src, float alpha);

/* ---- channels: out[B, Ca+Cb, HW] = [a[B, Ca, HW], b[B, Cb, HW]] and back ---- */
void rn_concat_forward(struct rn_backend *be, float *out, const float *a, const float *b, int B,
                       int Ca, int Cb, long HW);
void rn_concat_backward(struct rn_backend *be, float *da, float *db, const float *dout, int B,
                        int Ca, int Cb, long HW);
void rn_split_forward(struct rn_backend *be, float *a, float *b, const float *inp, int B, int Ca,
                      int Cb, long HW);
void rn_split_backward(struct rn_backend *be, float *dinp, const float *da, const float *db,
                       int B, int Ca, int Cb, long HW);

/* ---- normalisation ---------------------------------------------------------------
 * Group norm of inp[B, C, HW] in G groups (C % G == 0): statistics per sample
 * and group over (C/G, HW), biased variance, then gamma * xhat + beta with
 * gamma, beta per channel [C] (PyTorch GroupNorm; MIM's layer norm is G = 1)
 * or per element [C, HW] (PyTorch LayerNorm([C, H, W]), PredRNN), or none.
 * mean and rstd [B*G] are written by the forward and read by the backward. */
enum rn_affine { RN_AFFINE_NONE = 0, RN_AFFINE_CHANNEL = 1, RN_AFFINE_ELEMENT = 2 };

void rn_groupnorm_forward(struct rn_backend *be, float *out, float *mean, float *rstd,
                          const float *inp, const float *gamma, const float *beta, int B, int C,
                          long HW, int G, float eps, enum rn_affine affine);
void rn_groupnorm_backward(struct rn_backend *be, float *dinp, float *dgamma, float *dbeta,
                           const float *dout, const float *inp, const float *mean,
                           const float *rstd, const float *gamma, int B, int C, long HW, int G,
                           enum rn_affine affine);
/* layer norm over (C, HW) per sample: group norm with G = 1 */
void rn_layernorm_forward(struct rn_backend *be, float *out, float *mean, float *rstd,
                          const float *inp, const float *gamma, const float *beta, int B, int C,
                          long HW, float eps, enum rn_affine affine);
void rn_layernorm_backward(struct rn_backend *be, float *dinp, float *dgamma, float *dbeta,
                           const float *dout, const float *inp, const float *mean,
                           const float *rstd, const float *gamma, int B, int C, long HW,
                           enum rn_affine affine);

/* ---- pooling and rearrangements ----------------------------------------------------
 * out[B, C, H/2, W/2] = max over 2x2 windows (odd edges dropped, first maximum
 * wins ties, as PyTorch's MaxPool2d(2)). */
void rn_maxpool2_forward(struct rn_backend *be, float *out, const float *inp, int B, int C, int H,
                         int W);
void rn_maxpool2_backward(struct rn_backend *be, float *dinp, const float *dout, const float *inp,
                          int B, int C, int H, int W);

/* Space-to-depth by p: out[B, C*p*p, H/p, W/p] from inp[B, C, H, W] (H, W
 * multiples of p). Channel of (c, i, j), i, j the position in the patch:
 *   RN_S2D_CHANNEL_MAJOR  c*p*p + i*p + j   (PyTorch pixel_unshuffle)
 *   RN_S2D_PATCH_MAJOR    (i*p + j)*C + c   (PredRNN reshape_patch)
 * depth_to_space is the inverse; each one's backward is the other, added. */
enum rn_s2d_order { RN_S2D_CHANNEL_MAJOR = 0, RN_S2D_PATCH_MAJOR = 1 };

void rn_space_to_depth_forward(struct rn_backend *be, float *out, const float *inp, int B, int C,
                               int H, int W, int p, enum rn_s2d_order order);
void rn_space_to_depth_backward(struct rn_backend *be, float *dinp, const float *dout, int B,
                                int C, int H, int W, int p, enum rn_s2d_order order);
/* out[B, C, H, W] from inp[B, C*p*p, H/p, W/p]; C, H, W describe the output */
void rn_depth_to_space_forward(struct rn_backend *be, float *out, const float *inp, int B, int C,
                               int H, int W, int p, enum rn_s2d_order order);
void rn_depth_to_space_backward(struct rn_backend *be, float *dinp, const float *dout, int B,
                                int C, int H, int W, int p, enum rn_s2d_order order);

/* ---- the MotionGRU warp: modulated deformable 3x3 bilinear sampling ----------------
 * For tap (i, j), i, j in {0, 1, 2}, k = 3i + j:
 *   out[b, c, 3y+i, 3x+j] = mask[b, k, y, x] *
 *       bilinear(inp[b, c], y + i - 1 + off[b, k, y, x], x + j - 1 + off[b, 9+k, y, x])
 * inp [B, C, H, W], off [B, 18, H, W] (rows 0..8, columns 9..17), mask [B, 9, H, W]
 * (already through its sigmoid), out [B, C, 3H, 3W]: a 3x3 stride-3 conv2d
 * of out completes the deformable convolution. Zero padding; coordinates are
 * clamped, so offsets of any size are safe; the integer corners carry no
 * gradient (the offsets get theirs through the bilinear weights). */
void rn_deform3_forward(struct rn_backend *be, float *out, const float *inp, const float *off,
                        const float *mask, int B, int C, int H, int W);
void rn_deform3_backward(struct rn_backend *be, float *dinp, float *doff, float *dmask,
                         const float *dout, const float *inp, const float *off, const float *mask,
                         int B, int C, int H, int W);

/* ---- losses --------------------------------------------------------------------------
 * Forward returns scale * sum over the n elements (on the host; a CUDA
 * backend synchronises); backward adds scale * the gradient. Mean reduction:
 * scale = 1/n; MIM's 1/2 sum of squares: scale = 0.5. */
double rn_mse_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                      float scale);
void rn_mse_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                     long n, float scale);
double rn_l1_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                     float scale);
void rn_l1_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                    long n, float scale);
/* Balanced MSE and L1 (Shi et al. 2017, "Deep learning for precipitation
 * nowcasting: a benchmark and a new model"): each element's error weighted by
 * a step function of its TARGET,
 *   scale * sum_i w(target_i) (pred_i - target_i)^2     (|pred_i - target_i|)
 * w(t) = w[k], k the number of thresholds thr[0..n-1] (ascending) <= t: w[0]
 * below thr[0], w[n] from thr[n-1] up. The weights depend on the target only,
 * so the prediction's gradient is w times the plain one (the target gets no
 * gradient through its flat steps). model.h: rn_model_loss_steps. */
#define RN_LOSS_MAXSTEPS 7
struct rn_loss_steps {
  int n;                           /* thresholds, 0..RN_LOSS_MAXSTEPS (0: all weights 1) */
  float thr[RN_LOSS_MAXSTEPS];
  float w[RN_LOSS_MAXSTEPS + 1];
};
double rn_wmse_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                       const struct rn_loss_steps *steps, float scale);
void rn_wmse_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                      long n, const struct rn_loss_steps *steps, float scale);
double rn_wl1_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                      const struct rn_loss_steps *steps, float scale);
void rn_wl1_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                     long n, const struct rn_loss_steps *steps, float scale);
/* Gaussian negative log-likelihood of x under N(mu, exp(logvar)), constant
 * included: 0.5 (log 2 pi + logvar + (x - mu)^2 / exp(logvar)). logvar has nlv
 * = n values, or 1 shared by all (a fixed observation noise). */
double rn_gauss_nll_forward(struct rn_backend *be, const float *x, const float *mu,
                            const float *logvar, long n, long nlv, float scale);
void rn_gauss_nll_backward(struct rn_backend *be, float *dmu, float *dlogvar, const float *x,
                           const float *mu, const float *logvar, long n, long nlv, float scale);
/* KL(N(mu_q, exp(lv_q)) || N(mu_p, exp(lv_p))) of diagonal Gaussians, summed;
 * the prior has np = n values or 1 (N(0, 1): a {0} mean and a {0} logvar). */
double rn_kl_gauss_forward(struct rn_backend *be, const float *mu_q, const float *lv_q,
                           const float *mu_p, const float *lv_p, long n, long np, float scale);
void rn_kl_gauss_backward(struct rn_backend *be, float *dmu_q, float *dlv_q, float *dmu_p,
                          float *dlv_p, const float *mu_q, const float *lv_q, const float *mu_p,
                          const float *lv_p, long n, long np, float scale);

/* ---- reparameterised sampling -------------------------------------------------------
 * z = mu + exp(logvar / 2) * eps, eps = normal numbers offset .. offset+n-1 of
 * the Philox stream `seed` (rng.h): the same on CPU and GPU. The backward
 * regenerates eps from (seed, offset), so nothing is stored. */
void rn_gauss_sample_forward(struct rn_backend *be, float *z, const float *mu, const float *logvar,
                             long n, uint64_t seed, uint64_t offset);
void rn_gauss_sample_backward(struct rn_backend *be, float *dmu, float *dlogvar, const float *dz,
                              const float *logvar, long n, uint64_t seed, uint64_t offset);

#ifdef __cplusplus
}
#endif
#endif
