/* cpu_deform.c - modulated deformable 3x3 sampling (MotionGRU's warp).
 * The sampling geometry (corners and bilinear weights of the 9 taps at every
 * pixel) is shared by all channels: it is computed once per image into
 * scratch, then each channel plane is one task. */
#include "cpu.h"
#include "../nnmath.h"

/* geometry of tap k at pixel (y, x) of image b: g[((b*9 + k)*H + y)*W + x] */
static struct rn_bilinear *geometry(struct rn_backend *be, const float *off, int B, int H, int W)
{
  const long HW = (long)H * W, n = (long)B * 9 * HW;
  size_t floats = (n * sizeof(struct rn_bilinear) + sizeof(float) - 1) / sizeof(float);
  struct rn_bilinear *g = (struct rn_bilinear *)rn_be_work(be, floats);
  if (!g)
    return NULL;
#pragma omp parallel for if (n > RN_OMP_MIN / 4) schedule(static)
  for (long t = 0; t < n; t++) {
    long b = t / (9 * HW), k = t / HW % 9, pix = t % HW;
    int y = (int)(pix / W), x = (int)(pix % W), i = (int)(k / 3), j = (int)(k % 3);
    const float *ob = off + b * 18 * HW;
    float py = (float)(y + i - 1) + ob[k * HW + pix];
    float px = (float)(x + j - 1) + ob[(9 + k) * HW + pix];
    g[t] = rn_bilinear_at(py, px, H, W);
  }
  return g;
}

void rn_cpu_deform3_forward(struct rn_backend *be, float *y, const float *x, const float *off,
                            const float *mask, int B, int C, int H, int W)
{
  const long HW = (long)H * W, nt = (long)B * C;
  const struct rn_bilinear *g = geometry(be, off, B, H, W);
  if (!g)
    return;
#pragma omp parallel for if (nt * 9 * HW > RN_OMP_MIN / 4) schedule(static)
  for (long t = 0; t < nt; t++) {
    long b = t / C;
    const float *xp = x + t * HW, *mb = mask + b * 9 * HW;
    const struct rn_bilinear *gb = g + b * 9 * HW;
    float *yp = y + t * 9 * HW;
    for (int k = 0; k < 9; k++) {
      int i = k / 3, j = k % 3;
      for (long pix = 0; pix < HW; pix++) {
        int yy = (int)(pix / W), xx = (int)(pix % W);
        float v = rn_bilinear_sample(xp, H, W, gb[k * HW + pix], NULL, NULL);
        yp[(long)(3 * yy + i) * 3 * W + 3 * xx + j] = mb[k * HW + pix] * v;
      }
    }
  }
}

void rn_cpu_deform3_backward(struct rn_backend *be, float *dx, float *doff, float *dmask,
                             const float *dy, const float *x, const float *off, const float *mask,
                             int B, int C, int H, int W)
{
  const long HW = (long)H * W;
  const struct rn_bilinear *g = geometry(be, off, B, H, W);
  if (!g)
    return;
  if (dx) {
    /* scatter into the four corners; one task per plane, so no races */
    const long nt = (long)B * C;
#pragma omp parallel for if (nt * 9 * HW > RN_OMP_MIN / 4) schedule(static)
    for (long t = 0; t < nt; t++) {
      long b = t / C;
      const float *mb = mask + b * 9 * HW, *gy = dy + t * 9 * HW;
      const struct rn_bilinear *gb = g + b * 9 * HW;
      float *dp = dx + t * HW;
      for (int k = 0; k < 9; k++) {
        int i = k / 3, j = k % 3;
        for (long pix = 0; pix < HW; pix++) {
          int yy = (int)(pix / W), xx = (int)(pix % W);
          struct rn_bilinear q = gb[k * HW + pix];
          float v = gy[(long)(3 * yy + i) * 3 * W + 3 * xx + j] * mb[k * HW + pix];
          int y1 = q.y0 + 1, x1 = q.x0 + 1;
          int r0 = q.y0 >= 0 && q.y0 < H, r1 = y1 >= 0 && y1 < H;
          int c0 = q.x0 >= 0 && q.x0 < W, c1 = x1 >= 0 && x1 < W;
          if (r0 && c0) dp[q.y0 * W + q.x0] += v * q.wy0 * q.wx0;
          if (r0 && c1) dp[q.y0 * W + x1] += v * q.wy0 * q.wx1;
          if (r1 && c0) dp[y1 * W + q.x0] += v * q.wy1 * q.wx0;
          if (r1 && c1) dp[y1 * W + x1] += v * q.wy1 * q.wx1;
        }
      }
    }
  }
  if (doff || dmask) {
    /* one task per (b, k, pixel): sums over the channels */
    const long nt = (long)B * 9 * HW;
#pragma omp parallel for if (nt * C > RN_OMP_MIN / 4) schedule(static)
    for (long t = 0; t < nt; t++) {
      long b = t / (9 * HW), k = t / HW % 9, pix = t % HW;
      int yy = (int)(pix / W), xx = (int)(pix % W), i = (int)(k / 3), j = (int)(k % 3);
      long oi = (long)(3 * yy + i) * 3 * W + 3 * xx + j;
      float m = mask[(b * 9 + k) * HW + pix];
      float sy = 0.0f, sx = 0.0f, sm = 0.0f;
      for (int c = 0; c < C; c++) {
        float dyv, dxv;
        float v = rn_bilinear_sample(x + (b * C + c) * HW, H, W, g[t], &dyv, &dxv);
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
}
