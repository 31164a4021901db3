/* linear.c - fully connected layer, PyTorch's nn.Linear:
 *   out[B,O] = inp[B,N] w[O,N]^T + bias[O]
 * backward: dinp += dout w;  dw += dout^T inp;  dbias += sum_b dout. */
#include <radnow/layers.h>

#include "../nn/ops.h"

static int check(struct rn_backend *be, int B, int N, int O, const char *fn)
{
  if (be->err)
    return -1;
  if (B < 1 || N < 1 || O < 1) {
    rn_be_fail(be, RN_EINTERNAL, "%s: bad shape B=%d N=%d O=%d", fn, B, N, O);
    return -1;
  }
  return 0;
}

void rn_linear_forward(struct rn_backend *be, float *out, const float *inp, const float *w,
                       const float *bias, int B, int N, int O)
{
  if (check(be, B, N, O, "rn_linear_forward"))
    return;
  if (bias)
    be->ops->bias_fill(be, out, bias, B, O, 1);
  be->ops->gemm(be, 0, 1, B, O, N, 1.0f, inp, N, w, N, bias ? 1.0f : 0.0f, out, O);
}

void rn_linear_backward(struct rn_backend *be, float *dinp, float *dw, float *dbias,
                        const float *dout, const float *inp, const float *w, int B, int N, int O)
{
  if (check(be, B, N, O, "rn_linear_backward"))
    return;
  if (dbias)
    be->ops->bias_backward(be, dbias, dout, B, O, 1);
  if (dw)
    be->ops->gemm(be, 1, 0, O, N, B, 1.0f, dout, O, inp, N, 1.0f, dw, N);
  if (dinp)
    be->ops->gemm(be, 0, 0, B, N, O, 1.0f, dout, O, w, N, 1.0f, dinp, N);
}
