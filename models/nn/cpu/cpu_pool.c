/* cpu_pool.c - 2x2 max pooling and space-to-depth rearrangements. */
#include "cpu.h"

void rn_cpu_maxpool2_forward(struct rn_backend *be, float *y, const float *x, int BC, int H,
                             int W)
{
  const int OH = H / 2, OW = W / 2;
  (void)be;
#pragma omp parallel for if ((long)BC * H * W > RN_OMP_MIN) schedule(static)
  for (int p = 0; p < BC; p++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        const float *r0 = x + ((long)p * H + 2 * oh) * W + 2 * ow, *r1 = r0 + W;
        float m = r0[0];
        if (r0[1] > m) m = r0[1];
        if (r1[0] > m) m = r1[0];
        if (r1[1] > m) m = r1[1];
        y[((long)p * OH + oh) * OW + ow] = m;
      }
}

/* The gradient goes to the first maximum in row-major order, as in PyTorch. */
void rn_cpu_maxpool2_backward(struct rn_backend *be, float *dx, const float *dy, const float *x,
                              int BC, int H, int W)
{
  const int OH = H / 2, OW = W / 2;
  (void)be;
#pragma omp parallel for if ((long)BC * H * W > RN_OMP_MIN) schedule(static)
  for (int p = 0; p < BC; p++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        long i0 = ((long)p * H + 2 * oh) * W + 2 * ow;
        long idx[4] = {i0, i0 + 1, i0 + W, i0 + W + 1}, best = idx[0];
        for (int k = 1; k < 4; k++)
          if (x[idx[k]] > x[best])
            best = idx[k];
        dx[best] += dy[((long)p * OH + oh) * OW + ow];
      }
}

/* One task per (b, c, h): the row h of channel c, all patch positions. */
void rn_cpu_s2d(struct rn_backend *be, float *dst, const float *src, int B, int C, int H, int W,
                int p, int order, int dir, int accumulate)
{
  const int OH = H / p, OW = W / p, PP = p * p;
  const long nt = (long)B * C * H;
  (void)be;
#pragma omp parallel for if ((long)B * C * H * W > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    int h = (int)(t % H), c = (int)(t / H % C), b = (int)(t / ((long)H * C));
    int i = h % p, oh = h / p;
    const long xrow = (((long)b * C + c) * H + h) * W;
    for (int w = 0; w < W; w++) {
      int j = w % p, ow = w / p;
      int oc = order == 0 ? c * PP + i * p + j : (i * p + j) * C + c;
      long xi = xrow + w, yi = (((long)b * C * PP + oc) * OH + oh) * OW + ow;
      long di = dir == 0 ? yi : xi, si = dir == 0 ? xi : yi;
      if (accumulate)
        dst[di] += src[si];
      else
        dst[di] = src[si];
    }
  }
}
