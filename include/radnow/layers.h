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

#ifdef __cplusplus
}
#endif
#endif
