/* cpu.h - shared bits of the CPU backend's kernels (internal). */
#ifndef RADNOW_NN_CPU_H
#define RADNOW_NN_CPU_H

#include "../ops.h"

/* Loops shorter than this many elements run on one thread: waking the team
 * costs more than it saves. */
#define RN_OMP_MIN 32768

/* Kernels of cpu_*.c, gathered into rn_cpu_ops by cpu.c. */
void rn_cpu_unary(struct rn_backend *be, enum rn_unary op, float alpha, float beta,
                  struct rn_slice out, struct rn_slice a);
void rn_cpu_unary_backward(struct rn_backend *be, enum rn_unary op, float alpha,
                           struct rn_slice din, struct rn_slice dout, struct rn_slice y);
void rn_cpu_binary(struct rn_backend *be, enum rn_binary op, struct rn_slice out,
                   struct rn_slice a, struct rn_slice b);
void rn_cpu_binary_backward(struct rn_backend *be, enum rn_binary op, struct rn_slice da,
                            struct rn_slice db, struct rn_slice dout, struct rn_slice a,
                            struct rn_slice b);

void rn_cpu_im2col(struct rn_backend *be, const struct rn_conv *s, float *col, const float *inp,
                   int nb, int r0, int nr);
void rn_cpu_col2im(struct rn_backend *be, const struct rn_conv *s, float *inp, const float *col,
                   int nb, int r0, int nr);
void rn_cpu_to_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L);
void rn_cpu_from_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L,
                    const float *bias, int accumulate);
void rn_cpu_bias_fill(struct rn_backend *be, float *x, const float *bias, int B, int C, long L);
void rn_cpu_bias_backward(struct rn_backend *be, float *dbias, const float *dout, int B, int C,
                          long L);


void rn_cpu_norm_forward(struct rn_backend *be, float *y, float *mean, float *rstd,
                         const float *x, const float *gamma, const float *beta, int B, int C,
                         long L, int G, float eps, int affine);
void rn_cpu_norm_backward(struct rn_backend *be, float *dx, float *dgamma, float *dbeta,
                          const float *dy, const float *x, const float *mean, const float *rstd,
                          const float *gamma, int B, int C, long L, int G, int affine);
void rn_cpu_maxpool2_forward(struct rn_backend *be, float *y, const float *x, int BC, int H,
                             int W);
void rn_cpu_maxpool2_backward(struct rn_backend *be, float *dx, const float *dy, const float *x,
                              int BC, int H, int W);
void rn_cpu_s2d(struct rn_backend *be, float *dst, const float *src, int B, int C, int H, int W,
                int p, int order, int dir, int accumulate);
void rn_cpu_deform3_forward(struct rn_backend *be, float *y, const float *x, const float *off,
                            const float *mask, int B, int C, int H, int W);
void rn_cpu_deform3_backward(struct rn_backend *be, float *dx, float *doff, float *dmask,
                             const float *dy, const float *x, const float *off, const float *mask,
                             int B, int C, int H, int W);
double rn_cpu_loss_forward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                           long n);
void rn_cpu_loss_backward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                          long n, float scale);
void rn_cpu_rand(struct rn_backend *be, int normal, float *x, long n, float a, float b,
                 uint64_t seed, uint64_t offset);
void rn_cpu_gauss_sample(struct rn_backend *be, float *z, float *eps, const float *mu,
                         const float *logvar, long n, uint64_t seed, uint64_t offset);
void rn_cpu_gauss_sample_backward(struct rn_backend *be, float *dmu, float *dlogvar,
                                  const float *dz, const float *logvar, long n, uint64_t seed,
                                  uint64_t offset);
void rn_cpu_adam(struct rn_backend *be, float *w, const float *g, float *m, float *v, long n,
                 const struct rn_adam_args *a);

/* cpu_dnnl.c: oneDNN direct convolutions (when built with oneDNN) */
int rn_cpu_dnnl_open(struct rn_backend *be);
void rn_cpu_dnnl_close(struct rn_backend *be);
int rn_cpu_dnnl_conv_forward(struct rn_backend *be, const struct rn_conv *s, float *out,
                             const float *inp, const float *w, const float *bias);
int rn_cpu_dnnl_conv_backward_data(struct rn_backend *be, const struct rn_conv *s, float *dinp,
                                   const float *dout, const float *w);
int rn_cpu_dnnl_conv_backward_weights(struct rn_backend *be, const struct rn_conv *s, float *dw,
                                      const float *dout, const float *inp);

/* cpu_winograd.c: Winograd convolutions (RN_CONV_WINOGRAD); -1: not taken */
int rn_cpu_winograd_supports(const struct rn_conv *s);
int rn_cpu_winograd_forward(struct rn_backend *be, const struct rn_conv *s, float *out,
                            const float *inp, const float *w, const float *bias);
int rn_cpu_winograd_backward_data(struct rn_backend *be, const struct rn_conv *s, float *dinp,
                                  const float *dout, const float *w);
int rn_cpu_winograd_backward_weights(struct rn_backend *be, const struct rn_conv *s, float *dw,
                                     const float *dout, const float *inp);
void rn_cpu_winograd_close(struct rn_backend *be);

#endif
