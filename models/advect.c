/* advect.c - semi-Lagrangian backward advection (advect.h). OpenMP over
 * rows; every pixel is independent, so results do not depend on the number
 * of threads. */
#include "advect.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Node k of n covering npix pixels every stride pixels: its pixel. */
static int node_pixel(int k, int stride, int npix)
{
  int p = k * stride;
  return p < npix - 1 ? p : npix - 1;
}

enum rn_status rn_trajectory_init(struct rn_trajectory *t, int nx, int ny, int stride)
{
  memset(t, 0, sizeof *t);
  if (stride < 1)
    stride = 1;
  t->nx = nx, t->ny = ny, t->stride = stride;
  t->mx = (nx - 1 + stride - 1) / stride + 1;
  t->my = (ny - 1 + stride - 1) / stride + 1;
  t->x = rn_malloc((size_t)t->mx * t->my * sizeof(float), "trajectories");
  t->y = rn_malloc((size_t)t->mx * t->my * sizeof(float), "trajectories");
  t->ix = rn_malloc((size_t)nx * sizeof(int), "trajectories");
  t->iy = rn_malloc((size_t)ny * sizeof(int), "trajectories");
  t->fx = rn_malloc((size_t)nx * sizeof(float), "trajectories");
  t->fy = rn_malloc((size_t)ny * sizeof(float), "trajectories");
  if (!t->x || !t->y || !t->ix || !t->iy || !t->fx || !t->fy) {
    rn_trajectory_free(t);
    return RN_ENOMEM;
  }
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? ny : nx, m = pass ? t->my : t->mx;
    int *idx = pass ? t->iy : t->ix;
    float *frac = pass ? t->fy : t->fx;
    for (int i = 0; i < n; i++) {
      int k = i / stride, p0, p1;
      if (k > m - 2)
        k = m > 1 ? m - 2 : 0;
      p0 = node_pixel(k, stride, n), p1 = node_pixel(k + 1, stride, n);
      idx[i] = k;
      frac[i] = p1 > p0 ? (float)(i - p0) / (float)(p1 - p0) : 0;
    }
  }
  rn_trajectory_reset(t);
  return RN_OK;
}

void rn_trajectory_reset(struct rn_trajectory *t)
{
  for (int b = 0; b < t->my; b++)
    for (int a = 0; a < t->mx; a++) {
      t->x[(size_t)b * t->mx + a] = (float)node_pixel(a, t->stride, t->nx);
      t->y[(size_t)b * t->mx + a] = (float)node_pixel(b, t->stride, t->ny);
    }
}

void rn_trajectory_free(struct rn_trajectory *t)
{
  free(t->x);
  free(t->y);
  free(t->ix);
  free(t->iy);
  free(t->fx);
  free(t->fy);
  memset(t, 0, sizeof *t);
}

void rn_motion_interleave(const float *u, const float *v, size_t n, float *uv)
{
  for (size_t i = 0; i < n; i++) {
    uv[2 * i] = u[i];
    uv[2 * i + 1] = v[i];
  }
}

/* Bilinear motion at (x, y), clamped to the domain: beyond the edge the
 * motion of the edge continues. */
static inline __attribute__((always_inline)) void motion_at(const float *uv, int nx, int ny,
                                                            float x, float y, float *mu,
                                                            float *mv)
{
  int x0, y0, dx, dy;
  float fx, fy;
  const float *p;
  x = x > 0 ? (x < (float)(nx - 1) ? x : (float)(nx - 1)) : 0;
  y = y > 0 ? (y < (float)(ny - 1) ? y : (float)(ny - 1)) : 0;
  x0 = (int)x, y0 = (int)y;
  dx = x0 + 1 < nx ? 2 : 0;
  dy = y0 + 1 < ny ? 2 * nx : 0;
  fx = x - (float)x0, fy = y - (float)y0;
  p = uv + 2 * ((size_t)y0 * nx + x0);
  *mu = (1 - fy) * ((1 - fx) * p[0] + fx * p[dx]) + fy * ((1 - fx) * p[dy] + fx * p[dy + dx]);
  *mv = (1 - fy) * ((1 - fx) * p[1] + fx * p[dx + 1]) +
        fy * ((1 - fx) * p[dy + 1] + fx * p[dy + dx + 1]);
}

void rn_trajectory_step(struct rn_trajectory *t, const float *uv, float du, float dv,
                        float steps)
{
  int nx = t->nx, ny = t->ny, mx = t->mx, my = t->my;
  float h = 0.5f * steps;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < my; b++)
    for (int a = 0; a < mx; a++) {
      size_t k = (size_t)b * mx + a;
      float x = t->x[k], y = t->y[k], mu, mv;
      motion_at(uv, nx, ny, x, y, &mu, &mv);
      motion_at(uv, nx, ny, x - h * (mu + du), y - h * (mv + dv), &mu, &mv);
      t->x[k] = x - steps * (mu + du);
      t->y[k] = y - steps * (mv + dv);
    }
}

void rn_advect_sample(const float *src, const struct rn_trajectory *t, float *dst)
{
  int nx = t->nx, ny = t->ny, mx = t->mx;
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++) {
    int b = t->iy[j];
    float gy = t->fy[j];
    for (int i = 0; i < nx; i++) {
      size_t k = (size_t)j * nx + i;
      float x, y, fx, fy, w[4], s = 0, ws = 0;
      int x0, y0, x1, y1;
      size_t idx[4];
      if (t->stride == 1) {
        x = t->x[k], y = t->y[k];
      } else {
        int a = t->ix[i];
        float gx = t->fx[i];
        size_t n00 = (size_t)b * mx + a, n10 = n00 + (size_t)mx;
        size_t n01 = n00 + (t->mx > 1), n11 = n10 + (t->mx > 1);
        if (t->my == 1)
          n10 = n00, n11 = n01;
        x = (1 - gy) * ((1 - gx) * t->x[n00] + gx * t->x[n01]) +
            gy * ((1 - gx) * t->x[n10] + gx * t->x[n11]);
        y = (1 - gy) * ((1 - gx) * t->y[n00] + gx * t->y[n01]) +
            gy * ((1 - gx) * t->y[n10] + gx * t->y[n11]);
      }
      if (!(x >= -0.5f && y >= -0.5f && x <= nx - 0.5f && y <= ny - 0.5f)) {
        dst[k] = NAN; /* inflow from outside the domain */
        continue;
      }
      x = x < 0 ? 0 : x > nx - 1 ? (float)(nx - 1) : x;
      y = y < 0 ? 0 : y > ny - 1 ? (float)(ny - 1) : y;
      x0 = (int)x, y0 = (int)y;
      x1 = x0 + 1 < nx ? x0 + 1 : x0;
      y1 = y0 + 1 < ny ? y0 + 1 : y0;
      fx = x - (float)x0, fy = y - (float)y0;
      idx[0] = (size_t)y0 * nx + x0, w[0] = (1 - fx) * (1 - fy);
      idx[1] = (size_t)y0 * nx + x1, w[1] = fx * (1 - fy);
      idx[2] = (size_t)y1 * nx + x0, w[2] = (1 - fx) * fy;
      idx[3] = (size_t)y1 * nx + x1, w[3] = fx * fy;
      s = w[0] * src[idx[0]] + w[1] * src[idx[1]] + w[2] * src[idx[2]] + w[3] * src[idx[3]];
      if (!isnan(s)) { /* all four have data: the common case */
        dst[k] = s;
        continue;
      }
      s = 0;
      for (int c = 0; c < 4; c++)
        if (w[c] > 0 && !isnan(src[idx[c]])) {
          s += w[c] * src[idx[c]];
          ws += w[c];
        }
      dst[k] = ws >= 0.5f ? s / ws : NAN;
    }
  }
}
