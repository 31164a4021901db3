/* deform.c - the modulated deformable 3x3 sampling of MotionGRU's warp
 * (layers.h). The kernels share rn_bilinear_at/rn_bilinear_sample from
 * models/nn/nnmath.h. */
#include <radnow/layers.h>

#include "../nn/ops.h"

static int check(struct rn_backend *be, const char *fn, int B, int C, int H, int W)
{
  if (be->err)
    return -1;
  if (B < 1 || C < 1 || H < 1 || W < 1) {
    rn_be_fail(be, RN_EINTERNAL, "%s: bad shape B=%d C=%d H=%d W=%d", fn, B, C, H, W);
    return -1;
  }
  return 0;
}

void rn_deform3_forward(struct rn_backend *be, float *out, const float *inp, const float *off,
                        const float *mask, int B, int C, int H, int W)
{
  if (check(be, "rn_deform3_forward", B, C, H, W) == 0)
    be->ops->deform3_forward(be, out, inp, off, mask, B, C, H, W);
}

void rn_deform3_backward(struct rn_backend *be, float *dinp, float *doff, float *dmask,
                         const float *dout, const float *inp, const float *off, const float *mask,
                         int B, int C, int H, int W)
{
  if (check(be, "rn_deform3_backward", B, C, H, W) == 0 && (dinp || doff || dmask))
    be->ops->deform3_backward(be, dinp, doff, dmask, dout, inp, off, mask, B, C, H, W);
}
