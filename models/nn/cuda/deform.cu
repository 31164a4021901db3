/* deform.cu - modulated deformable 3x3 sampling (mirrors cpu_deform.c; the
 * bilinear arithmetic is nnmath.h's). The input gradient scatters into four
 * corners with atomicAdd; offsets and mask sum over channels per thread. */
#include "config.h"

#include "cuda.h"
#include "../nnmath.h"

__device__ static struct rn_bilinear tap(const float *off, long b, int k, long pix, int H, int W)
{
  const long HW = (long)H * W;
  int y = (int)(pix / W), x = (int)(pix % W);
  const float *ob = off + b * 18 * HW;
  float py = (float)(y + k / 3 - 1) + ob[k * HW + pix];
  float px = (float)(x + k % 3 - 1) + ob[(9 + k) * HW + pix];
  return rn_bilinear_at(py, px, H, W);
}

/* one thread per output element (b, c, k, pixel) */
__global__ static void k_deform_fwd(float *y, const float *x, const float *off, const float *mask,
                                    int B, int C, int H, int W)
{
  const long HW = (long)H * W, n = (long)B * C * 9 * HW;
  RN_GRID_LOOP(t, n)
  {
    long pix = t % HW, bc = t / (9 * HW), b = bc / C;
    int k = (int)(t / HW % 9), yy = (int)(pix / W), xx = (int)(pix % W);
    float v = rn_bilinear_sample(x + bc * HW, H, W, tap(off, b, k, pix, H, W), NULL, NULL);
    y[bc * 9 * HW + (long)(3 * yy + k / 3) * 3 * W + 3 * xx + k % 3] =
        mask[(b * 9 + k) * HW + pix] * v;
  }
}

void rn_cu_deform3_forward(struct rn_backend *be, float *y, const float *x, const float *off,
                           const float *mask, int B, int C, int H, int W)
{
  long n = (long)B * C * 9 * H * W;
  RN_LAUNCH(k_deform_fwd, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, y, x, off, mask, B, C, H, W);
  rn_cuda_check(be, "deform3");
}

__global__ static void k_deform_dx(float *dx, const float *dy, const float *off, const float *mask,
                                   int B, int C, int H, int W)
{
  const long HW = (long)H * W, n = (long)B * C * 9 * HW;
  RN_GRID_LOOP(t, n)
  {
    long pix = t % HW, bc = t / (9 * HW), b = bc / C;
    int k = (int)(t / HW % 9), yy = (int)(pix / W), xx = (int)(pix % W);
    struct rn_bilinear q = tap(off, b, k, pix, H, W);
    float v = dy[bc * 9 * HW + (long)(3 * yy + k / 3) * 3 * W + 3 * xx + k % 3] *
              mask[(b * 9 + k) * HW + pix];
    float *dp = dx + bc * HW;
    int y1 = q.y0 + 1, x1 = q.x0 + 1;
    int r0 = q.y0 >= 0 && q.y0 < H, r1 = y1 >= 0 && y1 < H;
    int c0 = q.x0 >= 0 && q.x0 < W, c1 = x1 >= 0 && x1 < W;
    if (r0 && c0) atomicAdd(dp + q.y0 * W + q.x0, v * q.wy0 * q.wx0);
    if (r0 && c1) atomicAdd(dp + q.y0 * W + x1, v * q.wy0 * q.wx1);
    if (r1 && c0) atomicAdd(dp + y1 * W + q.x0, v * q.wy1 * q.wx0);
    if (r1 && c1) atomicAdd(dp + y1 * W + x1, v * q.wy1 * q.wx1);
  }
}

__global__ static void k_deform_doff(float *doff, float *dmask, const float *dy, const float *x,
                                     const float *off, const float *mask, int B, int C, int H,
                                     int W)
{
  const long HW = (long)H * W, n = (long)B * 9 * HW;
  RN_GRID_LOOP(t, n)
  {
    long b = t / (9 * HW), pix = t % HW;
    int k = (int)(t / HW % 9), yy = (int)(pix / W), xx = (int)(pix % W);
    long oi = (long)(3 * yy + k / 3) * 3 * W + 3 * xx + k % 3;
    struct rn_bilinear q = tap(off, b, k, pix, H, W);
    float m = mask[(b * 9 + k) * HW + pix], sy = 0.0f, sx = 0.0f, sm = 0.0f;
    for (int c = 0; c < C; c++) {
      float dyv, dxv;
      float v = rn_bilinear_sample(x + (b * C + c) * HW, H, W, q, &dyv, &dxv);
      float gv = dy[(b * C + c) * 9 * HW + oi];
      sm += gv * v;
      sy += gv * dyv;
      sx += gv * dxv;
    }
    if (dmask)
      dmask[(b * 9 + k) * HW + pix] += sm;
    if (doff) {
      doff[(b * 18 + k) * HW + pix] += sy * m;
      doff[(b * 18 + 9 + k) * HW + pix] += sx * m;
    }
  }
}

void rn_cu_deform3_backward(struct rn_backend *be, float *dx, float *doff, float *dmask,
                            const float *dy, const float *x, const float *off, const float *mask,
                            int B, int C, int H, int W)
{
  cudaStream_t st = RN_CU(be)->stream;
  if (dx) {
    long n = (long)B * C * 9 * H * W;
    RN_LAUNCH(k_deform_dx, rn_blocks(n), RN_THREADS, st, dx, dy, off, mask, B, C, H, W);
    rn_cuda_check(be, "deform3 backward");
  }
  if (doff || dmask) {
    long n = (long)B * 9 * H * W;
    RN_LAUNCH(k_deform_doff, rn_blocks(n), RN_THREADS, st, doff, dmask, dy, x, off, mask, B, C, H, W);
    rn_cuda_check(be, "deform3 backward");
  }
}
