/* norm.c - group normalisation and the layer norm over (C, H, W) that is its
 * G = 1 case (MIM: per-channel gamma/beta; PredRNN: per-element). */
#include <radnow/layers.h>

#include "../nn/ops.h"

static int check(struct rn_backend *be, const char *fn, int B, int C, long HW, int G,
                 enum rn_affine affine, const float *gamma)
{
  if (be->err)
    return -1;
  if (B < 1 || C < 1 || HW < 1 || G < 1 || C % G != 0 || (int)affine < 0 || (int)affine > 2 ||
      (affine != RN_AFFINE_NONE && !gamma)) {
    rn_be_fail(be, RN_EINTERNAL, "%s: bad shape B=%d C=%d HW=%ld G=%d affine=%d%s", fn, B, C, HW,
               G, (int)affine, affine != RN_AFFINE_NONE && !gamma ? " without gamma" : "");
    return -1;
  }
  return 0;
}

void rn_groupnorm_forward(struct rn_backend *be, float *out, float *mean, float *rstd,
                          const float *inp, const float *gamma, const float *beta, int B, int C,
                          long HW, int G, float eps, enum rn_affine affine)
{
  if (check(be, "rn_groupnorm_forward", B, C, HW, G, affine, gamma) == 0)
    be->ops->norm_forward(be, out, mean, rstd, inp, gamma, beta, B, C, HW, G, eps, (int)affine);
}

void rn_groupnorm_backward(struct rn_backend *be, float *dinp, float *dgamma, float *dbeta,
                           const float *dout, const float *inp, const float *mean,
                           const float *rstd, const float *gamma, int B, int C, long HW, int G,
                           enum rn_affine affine)
{
  if (check(be, "rn_groupnorm_backward", B, C, HW, G, affine, gamma) == 0)
    be->ops->norm_backward(be, dinp, affine ? dgamma : NULL, affine ? dbeta : NULL, dout, inp,
                           mean, rstd, gamma, B, C, HW, G, (int)affine);
}

void rn_layernorm_forward(struct rn_backend *be, float *out, float *mean, float *rstd,
                          const float *inp, const float *gamma, const float *beta, int B, int C,
                          long HW, float eps, enum rn_affine affine)
{
  rn_groupnorm_forward(be, out, mean, rstd, inp, gamma, beta, B, C, HW, 1, eps, affine);
}

void rn_layernorm_backward(struct rn_backend *be, float *dinp, float *dgamma, float *dbeta,
                           const float *dout, const float *inp, const float *mean,
                           const float *rstd, const float *gamma, int B, int C, long HW,
                           enum rn_affine affine)
{
  rn_groupnorm_backward(be, dinp, dgamma, dbeta, dout, inp, mean, rstd, gamma, B, C, HW, 1,
                        affine);
}
