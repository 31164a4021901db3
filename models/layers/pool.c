/* pool.c - 2x2 max pooling and space-to-depth / depth-to-space. */
#include <radnow/layers.h>

#include "../nn/ops.h"

static int check(struct rn_backend *be, const char *fn, int B, int C, int H, int W, int p,
                 int exact)
{
  if (be->err)
    return -1;
  if (B < 1 || C < 1 || p < 1 || H < p || W < p || (exact && (H % p || W % p))) {
    rn_be_fail(be, RN_EINTERNAL, "%s: bad shape B=%d C=%d H=%d W=%d (factor %d)", fn, B, C, H, W,
               p);
    return -1;
  }
  return 0;
}

void rn_maxpool2_forward(struct rn_backend *be, float *out, const float *inp, int B, int C, int H,
                         int W)
{
  if (check(be, "rn_maxpool2_forward", B, C, H, W, 2, 0) == 0)
    be->ops->maxpool2_forward(be, out, inp, B * C, H, W);
}

void rn_maxpool2_backward(struct rn_backend *be, float *dinp, const float *dout, const float *inp,
                          int B, int C, int H, int W)
{
  if (check(be, "rn_maxpool2_backward", B, C, H, W, 2, 0) == 0 && dinp)
    be->ops->maxpool2_backward(be, dinp, dout, inp, B * C, H, W);
}

void rn_space_to_depth_forward(struct rn_backend *be, float *out, const float *inp, int B, int C,
                               int H, int W, int p, enum rn_s2d_order order)
{
  if (check(be, "rn_space_to_depth_forward", B, C, H, W, p, 1) == 0)
    be->ops->s2d(be, out, inp, B, C, H, W, p, (int)order, 0, 0);
}

void rn_space_to_depth_backward(struct rn_backend *be, float *dinp, const float *dout, int B,
                                int C, int H, int W, int p, enum rn_s2d_order order)
{
  if (check(be, "rn_space_to_depth_backward", B, C, H, W, p, 1) == 0 && dinp)
    be->ops->s2d(be, dinp, dout, B, C, H, W, p, (int)order, 1, 1);
}

void rn_depth_to_space_forward(struct rn_backend *be, float *out, const float *inp, int B, int C,
                               int H, int W, int p, enum rn_s2d_order order)
{
  if (check(be, "rn_depth_to_space_forward", B, C, H, W, p, 1) == 0)
    be->ops->s2d(be, out, inp, B, C, H, W, p, (int)order, 1, 0);
}

void rn_depth_to_space_backward(struct rn_backend *be, float *dinp, const float *dout, int B,
                                int C, int H, int W, int p, enum rn_s2d_order order)
{
  if (check(be, "rn_depth_to_space_backward", B, C, H, W, p, 1) == 0 && dinp)
    be->ops->s2d(be, dinp, dout, B, C, H, W, p, (int)order, 0, 1);
}
