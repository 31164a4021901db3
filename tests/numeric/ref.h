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
