/* ops.h - the backend table (internal to models/).
 *
 * A backend is a `const struct rn_backend_ops` of kernels: memory, gemm,
 * element-wise maps over slices, convolution helpers (im2col/col2im and
 * layout moves), normalisation, pooling, sampling, losses, random numbers and
 * the optimizer update. The layers in models/layers/ are written once on top
 * of this table, so the CPU and CUDA backends run the same layer code and
 * differ only in their kernels; the arithmetic of every element-wise kernel
 * is shared through nnmath.h.
 *
 * Kernels never fail on valid arguments; the layer above checks shapes. A
 * kernel that hits a runtime error (CUDA) latches it with rn_be_fail. */
#ifndef RADNOW_NN_OPS_H
#define RADNOW_NN_OPS_H

#include <radnow/backend.h>
#include <radnow/layers.h>
#include <radnow/status.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element-wise maps. Unary forward: out = f(a). Unary backward:
 * din += dout * f'(x) written through the output y = f(x) (AFFINE needs
 * neither; AXPY's backward is not used). */
enum rn_unary {
  RN_UN_AFFINE = 0, /* alpha * a + beta */
  RN_UN_AXPY,       /* out += alpha * a */
  RN_UN_SIGMOID,
  RN_UN_TANH,
  RN_UN_RELU,
  RN_UN_LEAKY,      /* slope alpha below zero */
  RN_UN_EXP
};

enum rn_binary { RN_BIN_ADD = 0, RN_BIN_SUB, RN_BIN_MUL };

/* Point-wise losses over up to four operands (nnmath.h has the formulas). */
enum rn_loss {
  RN_LOSS_MSE = 0, /* (a - b)^2                     a pred, b target */
  RN_LOSS_L1,      /* |a - b|                                         */
  RN_LOSS_GNLL,    /* -log N(a; b, exp(c))          a x, b mu, c logvar */
  RN_LOSS_KL       /* KL(N(a, e^b) || N(c, e^d))     diagonal Gaussians */
};

/* Operands of a loss: pointers and their strides (0 broadcasts one value).
 * With steps.n > 0 every element's value and gradients are multiplied by
 * the step weight of its operand 1 (the target; nnmath.h rn_loss_weight). */
struct rn_loss_args {
  const float *x[4];
  long stride[4];
  float *dx[4]; /* gradients, NULL when not wanted */
  struct rn_loss_steps steps;
};

/* One Adam step's scalars (nnmath.h: rn_adam_update). */
struct rn_adam_args {
  float beta1, beta2, eps, lr, weight_decay;
  int decoupled;
  float step_size, bc2_sqrt; /* lr / (1 - beta1^t), sqrt(1 - beta2^t) */
};

struct rn_backend_ops {
  const char *name;
  void (*close)(struct rn_backend *be);
  enum rn_status (*sync)(struct rn_backend *be);

  /* memory (bytes) */
  void *(*alloc)(struct rn_backend *be, size_t bytes);
  void (*free)(struct rn_backend *be, void *p);
  void (*upload)(struct rn_backend *be, void *dst, const void *src, size_t bytes);
  void (*download)(struct rn_backend *be, void *dst, const void *src, size_t bytes);
  void (*copy)(struct rn_backend *be, void *dst, const void *src, size_t bytes);
  void (*fill)(struct rn_backend *be, float *x, long n, float v);

  /* row-major C[M,N] = alpha op(A) op(B) + beta C */
  void (*gemm)(struct rn_backend *be, int ta, int tb, int M, int N, int K, float alpha,
               const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc);

  /* element-wise maps over slices of equal rows x cols */
  void (*unary)(struct rn_backend *be, enum rn_unary op, float alpha, float beta,
                struct rn_slice out, struct rn_slice a);
  void (*unary_backward)(struct rn_backend *be, enum rn_unary op, float alpha,
                         struct rn_slice din, struct rn_slice dout, struct rn_slice y);
  void (*binary)(struct rn_backend *be, enum rn_binary op, struct rn_slice out,
                 struct rn_slice a, struct rn_slice b);
  void (*binary_backward)(struct rn_backend *be, enum rn_binary op, struct rn_slice da,
                          struct rn_slice db, struct rn_slice dout, struct rn_slice a,
                          struct rn_slice b);

  /* convolution helpers. An output row is one (od, oh) pair, OW points.
   * col[C*KD*KH*KW, nb*nr*OW] <- output rows r0..r0+nr-1 of the nb images at inp
   * (column (b*nr + r - r0)*OW + ow); col2im adds such a col back into inp. */
  void (*im2col)(struct rn_backend *be, const struct rn_conv *s, float *col, const float *inp,
                 int nb, int r0, int nr);
  void (*col2im)(struct rn_backend *be, const struct rn_conv *s, float *inp, const float *col,
                 int nb, int r0, int nr);
  /* dst[C, nb*L] <- src[nb, C, L]  (channel-major), and back:
   * dst[nb, C, L] (= or +=) src[C, nb*L] + bias[C] (bias may be NULL). */
  void (*to_cn)(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L);
  void (*from_cn)(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L,
                  const float *bias, int accumulate);
  /* x[B, C, L] = bias[C] */
  void (*bias_fill)(struct rn_backend *be, float *x, const float *bias, int B, int C, long L);
  /* dbias[C] += sum over B and L of dout[B, C, L] */
  void (*bias_backward)(struct rn_backend *be, float *dbias, const float *dout, int B, int C,
                        long L);

  /* group normalisation of x[B, C, L] in G groups; mean, rstd [B*G];
   * affine: enum rn_affine (layers.h) */
  void (*norm_forward)(struct rn_backend *be, float *y, float *mean, float *rstd, const float *x,
                       const float *gamma, const float *beta, int B, int C, long L, int G,
                       float eps, int affine);
  void (*norm_backward)(struct rn_backend *be, float *dx, float *dgamma, float *dbeta,
                        const float *dy, const float *x, const float *mean, const float *rstd,
                        const float *gamma, int B, int C, long L, int G, int affine);

  /* 2x2 max pooling of planes x[BC, H, W] -> y[BC, H/2, W/2] */
  void (*maxpool2_forward)(struct rn_backend *be, float *y, const float *x, int BC, int H, int W);
  void (*maxpool2_backward)(struct rn_backend *be, float *dx, const float *dy, const float *x,
                            int BC, int H, int W);
  /* space-to-depth x[B, C, H, W] <-> y[B, C*p*p, H/p, W/p]; dir 0: x -> y
   * (dst = y), dir 1: y -> x (dst = x); order: enum rn_s2d_order */
  void (*s2d)(struct rn_backend *be, float *dst, const float *src, int B, int C, int H, int W,
              int p, int order, int dir, int accumulate);

  /* modulated deformable 3x3 sampling (layers.h, rn_deform3_forward) */
  void (*deform3_forward)(struct rn_backend *be, float *y, const float *x, const float *off,
                          const float *mask, int B, int C, int H, int W);
  void (*deform3_backward)(struct rn_backend *be, float *dx, float *doff, float *dmask,
                           const float *dy, const float *x, const float *off, const float *mask,
                           int B, int C, int H, int W);

  /* sum over i < n of rn_loss_value (times the step weight, rn_loss_args);
   * backward: dx[k] += scale * d/dx[k] */
  double (*loss_forward)(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                         long n);
  void (*loss_backward)(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                        long n, float scale);

  /* x[i] = uniform number offset+i of stream seed in [a, b), or, normal != 0,
   * a + b * normal number offset+i */
  void (*rand)(struct rn_backend *be, int normal, float *x, long n, float a, float b,
               uint64_t seed, uint64_t offset);
  /* z = mu + exp(logvar / 2) eps with eps = normal number offset+i of seed;
   * eps may be NULL or receives the draws; backward regenerates them */
  void (*gauss_sample)(struct rn_backend *be, float *z, float *eps, const float *mu,
                       const float *logvar, long n, uint64_t seed, uint64_t offset);
  void (*gauss_sample_backward)(struct rn_backend *be, float *dmu, float *dlogvar,
                                const float *dz, const float *logvar, long n, uint64_t seed,
                                uint64_t offset);

  /* Adam over n weights (nnmath.h: rn_adam_update) */
  void (*adam)(struct rn_backend *be, float *w, const float *g, float *m, float *v, long n,
               const struct rn_adam_args *a);

  /* optional (NULL, or returning -1: the generic im2col path does the work):
   * a whole pass of a plain convolution. The backward passes add into dinp
   * and dw like the layers; bias gradients are left to bias_backward. */
  int (*conv_forward)(struct rn_backend *be, const struct rn_conv *s, float *out,
                      const float *inp, const float *w, const float *bias);
  int (*conv_backward_data)(struct rn_backend *be, const struct rn_conv *s, float *dinp,
                            const float *dout, const float *w);
  int (*conv_backward_weights)(struct rn_backend *be, const struct rn_conv *s, float *dw,
                               const float *dout, const float *inp);
};

/* The backend object; layers and kernels see it, users hold a pointer. */
struct rn_backend {
  const struct rn_backend_ops *ops;
  int threads;
  enum rn_gemm_kind gemm;
  enum rn_conv_kind conv;
  int device;                /* CUDA device number */
  enum rn_status err;        /* first latched error */
  char errmsg[512];
  char desc[384];
  float *work;               /* scratch for im2col and friends */
  size_t work_cap;           /* floats */
  void *impl;                /* backend-specific state (cuBLAS handle ...) */
  void *wino;                /* CPU: Winograd matrices and transformed weights */
  unsigned long params_epoch; /* bumped whenever the parameters may have changed */
  int params_held;           /* rn_backend_hold_params: derived forms may be kept */
};

/* Latch an error (only the first one is kept). Returns st. */
enum rn_status rn_be_fail(struct rn_backend *be, enum rn_status st, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Scratch of at least n floats, valid until the next call; NULL after latching
 * an error. */
float *rn_be_work(struct rn_backend *be, size_t n);

/* Floats of scratch a convolution may use per chunk of images (layers/conv.c). */
extern size_t rn_conv_col_limit;

extern const struct rn_backend_ops rn_cpu_ops;
/* The CUDA backend (models/nn/cuda/backend.cu), when built. */
enum rn_status rn_cuda_open(struct rn_backend *be, int device);
enum rn_status rn_cpu_open(struct rn_backend *be, int threads, enum rn_gemm_kind gemm,
                           enum rn_conv_kind conv);

#ifdef __cplusplus
}
#endif
#endif
