/* pool.cu - 2x2 max pooling and space-to-depth (mirrors cpu_pool.c). */
#include "config.h"

#include "cuda.h"

__global__ static void k_maxpool_fwd(float *y, const float *x, int BC, int H, int W)
{
  const int OH = H / 2, OW = W / 2;
  const long n = (long)BC * OH * OW;
  RN_GRID_LOOP(t, n)
  {
    long p = t / ((long)OH * OW);
    int oh = (int)(t / OW % OH), ow = (int)(t % OW);
    const float *r0 = x + (p * H + 2 * oh) * W + 2 * ow, *r1 = r0 + W;
    float m = r0[0];
    if (r0[1] > m) m = r0[1];
    if (r1[0] > m) m = r1[0];
    if (r1[1] > m) m = r1[1];
    y[t] = m;
  }
}

void rn_cu_maxpool2_forward(struct rn_backend *be, float *y, const float *x, int BC, int H, int W)
{
  long n = (long)BC * (H / 2) * (W / 2);
  RN_LAUNCH(k_maxpool_fwd, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, y, x, BC, H, W);
  rn_cuda_check(be, "maxpool");
}

/* windows do not overlap: each output owns its four inputs */
__global__ static void k_maxpool_bwd(float *dx, const float *dy, const float *x, int BC, int H,
                                     int W)
{
  const int OH = H / 2, OW = W / 2;
  const long n = (long)BC * OH * OW;
  RN_GRID_LOOP(t, n)
  {
    long p = t / ((long)OH * OW);
    int oh = (int)(t / OW % OH), ow = (int)(t % OW);
    long i0 = (p * H + 2 * oh) * W + 2 * ow;
    long idx[4] = {i0, i0 + 1, i0 + W, i0 + W + 1}, best = i0;
    for (int k = 1; k < 4; k++)
      if (x[idx[k]] > x[best])
        best = idx[k];
    dx[best] += dy[t];
  }
}

void rn_cu_maxpool2_backward(struct rn_backend *be, float *dx, const float *dy, const float *x,
                             int BC, int H, int W)
{
  long n = (long)BC * (H / 2) * (W / 2);
  RN_LAUNCH(k_maxpool_bwd, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, dx, dy, x, BC, H, W);
  rn_cuda_check(be, "maxpool backward");
}

__global__ static void k_s2d(float *dst, const float *src, int B, int C, int H, int W, int p,
                             int order, int dir, int acc)
{
  const int OH = H / p, OW = W / p, PP = p * p;
  const long n = (long)B * C * H * W;
  RN_GRID_LOOP(xi, n)
  {
    int w = (int)(xi % W), h = (int)(xi / W % H), c = (int)(xi / ((long)W * H) % C);
    long b = xi / ((long)W * H * C);
    int i = h % p, j = w % p;
    int oc = order == 0 ? c * PP + i * p + j : (i * p + j) * C + c;
    long yi = ((b * C * PP + oc) * OH + h / p) * OW + w / p;
    long di = dir == 0 ? yi : xi, si = dir == 0 ? xi : yi;
    if (acc)
      dst[di] += src[si];
    else
      dst[di] = src[si];
  }
}

void rn_cu_s2d(struct rn_backend *be, float *dst, const float *src, int B, int C, int H, int W,
               int p, int order, int dir, int accumulate)
{
  long n = (long)B * C * H * W;
  RN_LAUNCH(k_s2d, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, dst, src, B, C, H, W, p, order, dir,
                                                            accumulate);
  rn_cuda_check(be, "space-to-depth");
}
