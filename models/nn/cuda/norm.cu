/* norm.cu - group/layer normalisation (mirrors cpu_norm.c): one block per
 * (sample, group), statistics in double, two passes. */
#include "config.h"

#include "cuda.h"

__device__ static float gamma_at(const float *gamma, int affine, int c, long l, long L)
{
  return affine == 1 ? gamma[c] : affine == 2 ? gamma[(long)c * L + l] : 1.0f;
}

__global__ static void k_norm_forward(float *y, float *mean, float *rstd, const float *x,
                                      const float *gamma, const float *beta, int C, long L, int G,
                                      float eps, int affine)
{
  const long t = blockIdx.x, Cg = C / G, n = Cg * L;
  const float *xs = x + t * n;
  float *ys = y + t * n;
  int g = (int)(t % G);
  double s = 0.0;
  for (long i = threadIdx.x; i < n; i += blockDim.x)
    s += xs[i];
  double m = rn_block_sum(s) / n;
  double v = 0.0;
  for (long i = threadIdx.x; i < n; i += blockDim.x) {
    double d = xs[i] - m;
    v += d * d;
  }
  v = rn_block_sum(v);
  float mf = (float)m, rs = (float)(1.0 / sqrt(v / n + eps));
  if (threadIdx.x == 0) {
    mean[t] = mf;
    rstd[t] = rs;
  }
  for (long i = threadIdx.x; i < n; i += blockDim.x) {
    int c = g * (int)Cg + (int)(i / L);
    long l = i % L;
    float yv = (xs[i] - mf) * rs;
    if (affine)
      yv = yv * gamma_at(gamma, affine, c, l, L) + (beta ? gamma_at(beta, affine, c, l, L) : 0.0f);
    ys[i] = yv;
  }
}

void rn_cu_norm_forward(struct rn_backend *be, float *y, float *mean, float *rstd, const float *x,
                        const float *gamma, const float *beta, int B, int C, long L, int G,
                        float eps, int affine)
{
  RN_LAUNCH(k_norm_forward, B * G, RN_THREADS, RN_CU(be)->stream, y, mean, rstd, x, gamma, beta, C, L,
                                                              G, eps, affine);
  rn_cuda_check(be, "norm forward");
}

__global__ static void k_norm_dx(float *dx, const float *dy, const float *x, const float *mean,
                                 const float *rstd, const float *gamma, int C, long L, int G,
                                 int affine)
{
  const long t = blockIdx.x, Cg = C / G, n = Cg * L;
  const float *xs = x + t * n, *gs = dy + t * n;
  float *ds = dx + t * n;
  int g = (int)(t % G);
  float mf = mean[t], rs = rstd[t];
  double s1 = 0.0, s2 = 0.0;
  for (long i = threadIdx.x; i < n; i += blockDim.x) {
    int c = g * (int)Cg + (int)(i / L);
    float xh = (xs[i] - mf) * rs, dxh = gs[i] * gamma_at(gamma, affine, c, i % L, L);
    s1 += dxh;
    s2 += dxh * xh;
  }
  float a1 = (float)(rn_block_sum(s1) / n), a2 = (float)(rn_block_sum(s2) / n);
  for (long i = threadIdx.x; i < n; i += blockDim.x) {
    int c = g * (int)Cg + (int)(i / L);
    float xh = (xs[i] - mf) * rs, dxh = gs[i] * gamma_at(gamma, affine, c, i % L, L);
    ds[i] += rs * (dxh - a1 - xh * a2);
  }
}

/* per channel: one block per channel, sums over samples and positions */
__global__ static void k_norm_dgamma_channel(float *dgamma, float *dbeta, const float *dy,
                                             const float *x, const float *mean, const float *rstd,
                                             int B, int C, long L, int G)
{
  const int c = blockIdx.x, g = c / (C / G);
  double sg = 0.0, sb = 0.0;
  for (long t = threadIdx.x; t < (long)B * L; t += blockDim.x) {
    long b = t / L, i = (b * C + c) * L + t % L;
    sg += (double)dy[i] * ((x[i] - mean[b * G + g]) * rstd[b * G + g]);
    sb += dy[i];
  }
  sg = rn_block_sum(sg);
  sb = rn_block_sum(sb);
  if (threadIdx.x == 0) {
    if (dgamma)
      dgamma[c] += (float)sg;
    if (dbeta)
      dbeta[c] += (float)sb;
  }
}

/* per element: one thread per (c, l), a loop over the samples */
__global__ static void k_norm_dgamma_element(float *dgamma, float *dbeta, const float *dy,
                                             const float *x, const float *mean, const float *rstd,
                                             int B, int C, long L, int G)
{
  const long CL = (long)C * L;
  RN_GRID_LOOP(e, CL)
  {
    int g = (int)(e / L) / (C / G);
    double sg = 0.0, sb = 0.0;
    for (int b = 0; b < B; b++) {
      float xv = x[b * CL + e], gv = dy[b * CL + e];
      sg += (double)gv * ((xv - mean[b * G + g]) * rstd[b * G + g]);
      sb += gv;
    }
    if (dgamma)
      dgamma[e] += (float)sg;
    if (dbeta)
      dbeta[e] += (float)sb;
  }
}

void rn_cu_norm_backward(struct rn_backend *be, float *dx, float *dgamma, float *dbeta,
                         const float *dy, const float *x, const float *mean, const float *rstd,
                         const float *gamma, int B, int C, long L, int G, int affine)
{
  cudaStream_t st = RN_CU(be)->stream;
  if (dx) {
    RN_LAUNCH(k_norm_dx, B * G, RN_THREADS, st, dx, dy, x, mean, rstd, gamma, C, L, G, affine);
    rn_cuda_check(be, "norm backward");
  }
  if (affine == 1 && (dgamma || dbeta)) {
    RN_LAUNCH(k_norm_dgamma_channel, C, RN_THREADS, st, dgamma, dbeta, dy, x, mean, rstd, B, C, L, G);
    rn_cuda_check(be, "norm backward (gamma)");
  } else if (affine == 2 && (dgamma || dbeta)) {
    RN_LAUNCH(k_norm_dgamma_element, rn_blocks((long)C * L), RN_THREADS, st, dgamma, dbeta, dy, x,
                                                                        mean, rstd, B, C, L, G);
    rn_cuda_check(be, "norm backward (gamma)");
  }
}
