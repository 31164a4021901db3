/* nnmath.h - the element-wise arithmetic of every backend, defined once.
 *
 * gcc compiles these as static inline functions for the CPU backend, nvcc as
 * __host__ __device__ functions for the CUDA kernels, so the CPU tests check
 * the very formulas the GPU runs. Both compilers keep IEEE single precision
 * with no contraction of a*b+c into fma (configure adds -ffp-contract=off,
 * the nvcc rule --fmad=false; never --use_fast_math): + - * / sqrtf give
 * identical bits on both; expf, tanhf and logf may differ in the last place.
 * The random numbers avoid libm altogether (own log and sin/cos polynomials)
 * so that CPU and GPU draw bit-identical samples. */
#ifndef RADNOW_NN_NNMATH_H
#define RADNOW_NN_NNMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __CUDACC__
#define RN_HD static __host__ __device__ __forceinline__
#else
#define RN_HD static inline
#endif

/* ---- activations (backward through the output y) ---- */
RN_HD float rn_sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }
RN_HD float rn_sigmoid_grad(float y) { return y * (1.0f - y); }
RN_HD float rn_tanh_grad(float y) { return 1.0f - y * y; }
RN_HD float rn_reluf(float x) { return x > 0.0f ? x : 0.0f; }
RN_HD float rn_relu_grad(float y) { return y > 0.0f ? 1.0f : 0.0f; }
RN_HD float rn_leakyf(float x, float slope) { return x > 0.0f ? x : slope * x; }
RN_HD float rn_leaky_grad(float y, float slope) { return y > 0.0f ? 1.0f : slope; }

/* ---- point-wise losses ----
 * MSE  (a-b)^2                        a prediction, b target
 * L1   |a-b|                          (gradient sign(a-b), 0 at a = b)
 * GNLL -log N(a; b, e^c)              a x, b mean, c log-variance
 *      = 0.5 (log 2pi + c + (a-b)^2 e^-c)
 * KL   KL(N(a, e^b) || N(c, e^d))     means a, c; log-variances b, d
 *      = 0.5 (d - b + e^(b-d) + (a-c)^2 e^-d - 1) */
#define RN_LOG_2PI 1.8378770664093453f

RN_HD float rn_loss_value(int op, float a, float b, float c, float d)
{
  float t;
  switch (op) {
  case 0: t = a - b; return t * t;
  case 1: t = a - b; return t < 0.0f ? -t : t;
  case 2: t = a - b; return 0.5f * (RN_LOG_2PI + c + t * t * expf(-c));
  default: t = a - c; return 0.5f * (d - b + expf(b - d) + t * t * expf(-d) - 1.0f);
  }
}

/* The weight of an element of a balanced loss (layers.h, struct
 * rn_loss_steps): w[k], k the number of thresholds thr[0..n-1] (ascending)
 * at or below the target t; 1 without thresholds (n = 0). A NaN target
 * takes w[0]. */
RN_HD float rn_loss_weight(int n, const float *thr, const float *w, float t)
{
  int k = 0;
  if (n <= 0)
    return 1.0f;
  while (k < n && t >= thr[k])
    k++;
  return w[k];
}

/* Partial derivatives of rn_loss_value with respect to a, b, c, d. */
RN_HD void rn_loss_grad(int op, float a, float b, float c, float d, float g[4])
{
  float t, e;
  g[0] = g[1] = g[2] = g[3] = 0.0f;
  switch (op) {
  case 0: t = a - b; g[0] = 2.0f * t; g[1] = -2.0f * t; break;
  case 1: t = a - b; g[0] = t > 0.0f ? 1.0f : (t < 0.0f ? -1.0f : 0.0f); g[1] = -g[0]; break;
  case 2:
    t = a - b;
    e = expf(-c);
    g[0] = t * e;
    g[1] = -t * e;
    g[2] = 0.5f * (1.0f - t * t * e);
    break;
  default:
    t = a - c;
    e = expf(-d);
    g[0] = t * e;
    g[1] = 0.5f * (expf(b - d) - 1.0f);
    g[2] = -t * e;
    g[3] = 0.5f * (1.0f - expf(b - d) - t * t * e);
    break;
  }
}

/* ---- Adam, in PyTorch's order of operations (torch.optim.Adam, 1.13):
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
 *   w -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
 * wd > 0: L2 (g += wd w) or, decoupled (AdamW), w *= 1 - lr wd first.
 * step_size = lr / bc1 and bc2_sqrt = sqrt(bc2) come from the host. */
RN_HD void rn_adam_update(float *w, float g, float *m, float *v, float b1, float b2, float eps,
                          float lr, float wd, int decoupled, float step_size, float bc2_sqrt)
{
  float p = *w;
  if (wd != 0.0f) {
    if (decoupled)
      p = p * (1.0f - lr * wd);
    else
      g = g + wd * p;
  }
  float mm = *m * b1 + g * (1.0f - b1);
  float vv = *v * b2 + g * g * (1.0f - b2);
  float denom = sqrtf(vv) / bc2_sqrt + eps;
  *m = mm;
  *v = vv;
  *w = p - step_size * (mm / denom);
}

/* ---- bilinear sampling with zero padding (MotionGRU warp) ----
 * The sample point (py, px) contributes the four integer corners around it;
 * corners outside [0,H) x [0,W) read zero (the official MotionRNN code pads
 * the map with one ring of zeros and clamps into it: the same numbers).
 * Coordinates are clamped to [-2, H+1] first: beyond one pixel outside every
 * corner reads zero either way, and offsets of thousands of pixels must not
 * overflow the integer conversion. Corner indices carry no gradient; the
 * point gets its gradient through the weights only. */
struct rn_bilinear {
  int y0, x0;       /* top-left corner, -2 .. H+1 */
  float wy0, wy1;   /* weights of rows y0, y0+1 */
  float wx0, wx1;   /* weights of columns x0, x0+1 */
};

RN_HD float rn_clampf(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

RN_HD struct rn_bilinear rn_bilinear_at(float py, float px, int H, int W)
{
  struct rn_bilinear b;
  py = rn_clampf(py, -2.0f, (float)H + 1.0f);
  px = rn_clampf(px, -2.0f, (float)W + 1.0f);
  float fy = floorf(py), fx = floorf(px);
  b.y0 = (int)fy;
  b.x0 = (int)fx;
  b.wy1 = py - fy;
  b.wy0 = 1.0f - b.wy1;
  b.wx1 = px - fx;
  b.wx0 = 1.0f - b.wx1;
  return b;
}

/* Value of map x[H, W] at the point; dy, dx get d(value)/d(py, px). */
RN_HD float rn_bilinear_sample(const float *x, int H, int W, struct rn_bilinear b, float *dy,
                               float *dx)
{
  float v00 = 0.0f, v01 = 0.0f, v10 = 0.0f, v11 = 0.0f;
  int y1 = b.y0 + 1, x1 = b.x0 + 1;
  int r0 = b.y0 >= 0 && b.y0 < H, r1 = y1 >= 0 && y1 < H;
  int c0 = b.x0 >= 0 && b.x0 < W, c1 = x1 >= 0 && x1 < W;
  if (r0 && c0) v00 = x[b.y0 * W + b.x0];
  if (r0 && c1) v01 = x[b.y0 * W + x1];
  if (r1 && c0) v10 = x[y1 * W + b.x0];
  if (r1 && c1) v11 = x[y1 * W + x1];
  if (dy) *dy = b.wx0 * (v10 - v00) + b.wx1 * (v11 - v01);
  if (dx) *dx = b.wy0 * (v01 - v00) + b.wy1 * (v11 - v10);
  return b.wy0 * (b.wx0 * v00 + b.wx1 * v01) + b.wy1 * (b.wx0 * v10 + b.wx1 * v11);
}

/* ---- Philox 4x32-10 (Salmon et al., SC 2011): a counter-based generator.
 * Number i of the stream `seed` is component i % 4 of
 * philox(counter = {i/4 low, i/4 high, 0, 0}, key = {seed low, seed high}),
 * so any range of the stream can be drawn in any order, on any device. */
RN_HD uint32_t rn_mulhilo32(uint32_t a, uint32_t b, uint32_t *hi)
{
  uint64_t p = (uint64_t)a * (uint64_t)b;
  *hi = (uint32_t)(p >> 32);
  return (uint32_t)p;
}

RN_HD void rn_philox4x32_10(const uint32_t in[4], const uint32_t key[2], uint32_t out[4])
{
  uint32_t c0 = in[0], c1 = in[1], c2 = in[2], c3 = in[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; r++) {
    uint32_t hi0, hi1;
    uint32_t lo0 = rn_mulhilo32(0xD2511F53u, c0, &hi0);
    uint32_t lo1 = rn_mulhilo32(0xCD9E8D57u, c2, &hi1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

RN_HD void rn_philox_block(uint64_t seed, uint64_t block, uint32_t out[4])
{
  uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), 0u, 0u};
  uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  rn_philox4x32_10(ctr, key, out);
}

/* [0, 1) with 24 random bits */
RN_HD float rn_u01(uint32_t x) { return (float)(x >> 8) * 5.9604644775390625e-8f; }
/* (0, 1): odd multiples of 2^-24, safe for log */
RN_HD float rn_u01_open(uint32_t x) { return (float)((x >> 9) * 2u + 1u) * 5.9604644775390625e-8f; }

/* Natural log of u in (0, 1], from + - * / only: u = m 2^e with m in
 * [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m-1)/(m+1). Error < 2e-7. */
RN_HD float rn_logf_exact(float u)
{
  uint32_t bits;
  memcpy(&bits, &u, 4);
  int e = (int)((bits >> 23) & 0xffu) - 127;
  bits = (bits & 0x007fffffu) | 0x3f800000u;
  float m;
  memcpy(&m, &bits, 4);
  if (m > 1.41421356f) {
    m = m * 0.5f;
    e = e + 1;
  }
  float s = (m - 1.0f) / (m + 1.0f);
  float s2 = s * s;
  float p = 0.0909090909f;            /* 1/11 */
  p = p * s2 + 0.111111111f;          /* 1/9 */
  p = p * s2 + 0.142857143f;          /* 1/7 */
  p = p * s2 + 0.2f;
  p = p * s2 + 0.333333333f;
  p = p * s2 + 1.0f;
  float lm = 2.0f * s * p;
  return (float)e * 0.693145752f + ((float)e * 1.42860677e-6f + lm); /* ln 2 split hi + lo */
}

/* sin and cos of 2 pi t for t in [0, 1), from + - * only: quadrant by exact
 * scaling, then Taylor polynomials of the angle (pi/2) f, f in [0, 1). */
RN_HD void rn_sincos2pi_exact(float t, float *sn, float *cs)
{
  float q4 = t * 4.0f;
  float qf = floorf(q4);
  int q = (int)qf & 3;
  float f = q4 - qf;
  float a = f * 1.57079633f;
  float a2 = a * a;
  float s = -7.6471637e-13f;             /* -1/15! */
  s = s * a2 + 1.6059044e-10f;           /* 1/13! */
  s = s * a2 - 2.5052108e-8f;            /* -1/11! */
  s = s * a2 + 2.7557319e-6f;            /* 1/9! */
  s = s * a2 - 1.9841270e-4f;            /* -1/7! */
  s = s * a2 + 8.3333333e-3f;            /* 1/5! */
  s = s * a2 - 1.6666667e-1f;            /* -1/3! */
  s = s * a2 + 1.0f;
  s = s * a;
  float c = 4.7794773e-14f;              /* 1/16! */
  c = c * a2 - 1.1470746e-11f;           /* -1/14! */
  c = c * a2 + 2.0876757e-9f;            /* 1/12! */
  c = c * a2 - 2.7557319e-7f;            /* -1/10! */
  c = c * a2 + 2.4801587e-5f;            /* 1/8! */
  c = c * a2 - 1.3888889e-3f;            /* -1/6! */
  c = c * a2 + 4.1666667e-2f;            /* 1/4! */
  c = c * a2 - 0.5f;
  c = c * a2 + 1.0f;
  switch (q) {
  case 0: *sn = s; *cs = c; break;
  case 1: *sn = c; *cs = -s; break;
  case 2: *sn = -s; *cs = -c; break;
  default: *sn = -c; *cs = s; break;
  }
}

/* The four standard normal numbers of one block (Box-Muller on the pairs
 * (x0, x1) and (x2, x3): cos, sin, cos, sin). */
RN_HD void rn_philox_normal4(uint64_t seed, uint64_t block, float out[4])
{
  uint32_t x[4];
  rn_philox_block(seed, block, x);
  for (int p = 0; p < 2; p++) {
    float r = sqrtf(-2.0f * rn_logf_exact(rn_u01_open(x[2 * p])));
    float sn, cs;
    rn_sincos2pi_exact(rn_u01(x[2 * p + 1]), &sn, &cs);
    out[2 * p] = r * cs;
    out[2 * p + 1] = r * sn;
  }
}

/* Normal number i of stream seed. */
RN_HD float rn_philox_normal(uint64_t seed, uint64_t i)
{
  float v[4];
  rn_philox_normal4(seed, i >> 2, v);
  return v[i & 3u];
}

RN_HD float rn_philox_uniform(uint64_t seed, uint64_t i)
{
  uint32_t x[4];
  rn_philox_block(seed, i >> 2, x);
  return rn_u01(x[i & 3u]);
}

/* Reparameterised Gaussian draw and its derivative in logvar. */
RN_HD float rn_reparam(float mu, float logvar, float eps) { return mu + expf(0.5f * logvar) * eps; }
RN_HD float rn_reparam_dlogvar(float logvar, float eps) { return 0.5f * expf(0.5f * logvar) * eps; }

#endif
