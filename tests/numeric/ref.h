/* ref.h - the naive double-precision reference of every layer: straight loops
 * from the defining formulas, written independently of the fast kernels.
 * The finite-difference checks run on these (in double precision), and the
 * fast float layers are compared with them on random shapes. Conventions as
 * in layers.h: outputs first; backward accumulates; NULL gradients skipped. */
#ifndef RADNOW_TEST_REF_H
#define RADNOW_TEST_REF_H

#include <radnow/layers.h>

/* plain or transposed, 2-D or 3-D, from the same description as the layer */
void ref_conv_forward(const struct rn_conv *s, double *y, const double *x, const double *w,
                      const double *b);
void ref_conv_backward(const struct rn_conv *s, double *dx, double *dw, double *db,
                       const double *dy, const double *x, const double *w);

void ref_linear_forward(double *y, const double *x, const double *w, const double *b, int B,
                        int N, int O);
void ref_linear_backward(double *dx, double *dw, double *db, const double *dy, const double *x,
                         const double *w, int B, int N, int O);

#endif

/* element-wise: op is one of "sigmoid" "tanh" "relu" "leaky_relu" "affine" */
void ref_unary_forward(const char *op, double *y, const double *x, long n, double alpha,
                       double beta);
void ref_unary_backward(const char *op, double *dx, const double *dy, const double *x, long n,
                        double alpha);
/* op: "add" "sub" "mul" */
void ref_binary_forward(const char *op, double *y, const double *a, const double *b, long n);
void ref_binary_backward(const char *op, double *da, double *db, const double *dy,
                         const double *a, const double *b, long n);

/* group norm of x[B, C, L] (affine 0 none, 1 per channel, 2 per element) */
void ref_groupnorm_forward(double *y, const double *x, const double *gamma, const double *beta,
                           int B, int C, long L, int G, double eps, int affine);
void ref_groupnorm_backward(double *dx, double *dgamma, double *dbeta, const double *dy,
                            const double *x, const double *gamma, int B, int C, long L, int G,
                            double eps, int affine);

void ref_maxpool2_forward(double *y, const double *x, int B, int C, int H, int W);
void ref_maxpool2_backward(double *dx, const double *dy, const double *x, int B, int C, int H,
                           int W);
/* space-to-depth (inverse = 0) or depth-to-space (inverse = 1); C, H, W of the
 * large map; order 0 pixel_unshuffle, 1 reshape_patch */
void ref_s2d(double *y, const double *x, int B, int C, int H, int W, int p, int order,
             int inverse);
void ref_s2d_backward(double *dx, const double *dy, int B, int C, int H, int W, int p, int order,
                      int inverse);

void ref_deform3_forward(double *y, const double *x, const double *off, const double *mask, int B,
                         int C, int H, int W);
void ref_deform3_backward(double *dx, double *doff, double *dmask, const double *dy,
                          const double *x, const double *off, const double *mask, int B, int C,
                          int H, int W);

/* losses: op "mse" "l1" "gnll" "kl"; operands a..d with nb values for the
 * broadcastable ones (gnll: c; kl: c, d); returns scale * sum */
double ref_loss_forward(const char *op, const double *a, const double *b, const double *c,
                        const double *d, long n, long nb, double scale);
void ref_loss_backward(const char *op, double *da, double *db, double *dc, double *dd,
                       const double *a, const double *b, const double *c, const double *d, long n,
                       long nb, double scale);
