/* advect.c - semi-Lagrangian backward advection (advect.h). OpenMP over
 * rows; every pixel is independent, so results do not depend on the number
 * of threads. */
#include "advect.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum rn_status rn_trajectory_init(struct rn_trajectory *t, int nx, int ny)
{
  size_t n = (size_t)nx * ny;
  t->nx = nx, t->ny = ny;
  t->x = rn_malloc(n * sizeof(float), "trajectories");
  t->y = rn_malloc(n * sizeof(float), "trajectories");
  if (!t->x || !t->y) {
    rn_trajectory_free(t);
    return RN_ENOMEM;
  }
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++) {
      t->x[(size_t)j * nx + i] = (float)i;
      t->y[(size_t)j * nx + i] = (float)j;
    }
  return RN_OK;
}

void rn_trajectory_free(struct rn_trajectory *t)
{
  free(t->x);
  free(t->y);
  t->x = t->y = NULL;
}

/* Bilinear motion at (x, y), clamped to the domain: beyond the edge the
 * motion of the edge continues. */
static inline void motion_at(const float *u, const float *v, int nx, int ny, float x, float y,
                             float *mu, float *mv)
{
  int x0, y0, x1, y1;
  float fx, fy;
  size_t i00, i01, i10, i11;
  x = x < 0 ? 0 : x > nx - 1 ? (float)(nx - 1) : x;
  y = y < 0 ? 0 : y > ny - 1 ? (float)(ny - 1) : y;
  x0 = (int)x, y0 = (int)y;
  x1 = x0 + 1 < nx ? x0 + 1 : x0;
  y1 = y0 + 1 < ny ? y0 + 1 : y0;
  fx = x - (float)x0, fy = y - (float)y0;
  i00 = (size_t)y0 * nx + x0, i01 = (size_t)y0 * nx + x1;
  i10 = (size_t)y1 * nx + x0, i11 = (size_t)y1 * nx + x1;
  *mu = (1 - fy) * ((1 - fx) * u[i00] + fx * u[i01]) + fy * ((1 - fx) * u[i10] + fx * u[i11]);
  *mv = (1 - fy) * ((1 - fx) * v[i00] + fx * v[i01]) + fy * ((1 - fx) * v[i10] + fx * v[i11]);
}

void rn_trajectory_step(struct rn_trajectory *t, const float *u, const float *v, float du, float dv,
                        float steps)
{
  int nx = t->nx, ny = t->ny;
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++) {
      size_t k = (size_t)j * nx + i;
      float x = t->x[k], y = t->y[k], mu, mv;
      if (isnan(x))
        continue;
      motion_at(u, v, nx, ny, x, y, &mu, &mv);
      motion_at(u, v, nx, ny, x - 0.5f * steps * (mu + du), y - 0.5f * steps * (mv + dv), &mu, &mv);
      x -= steps * (mu + du);
      y -= steps * (mv + dv);
      if (x < -0.5f || y < -0.5f || x > nx - 0.5f || y > ny - 0.5f)
        x = y = NAN;
      t->x[k] = x, t->y[k] = y;
    }
}

void rn_advect_sample(const float *src, const struct rn_trajectory *t, float *dst)
{
  int nx = t->nx, ny = t->ny;
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++) {
      size_t k = (size_t)j * nx + i;
      float x = t->x[k], y = t->y[k], fx, fy, w[4], s = 0, ws = 0;
      int x0, y0, x1, y1;
      size_t idx[4];
      if (isnan(x)) {
        dst[k] = NAN;
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
      for (int c = 0; c < 4; c++)
        if (w[c] > 0 && !isnan(src[idx[c]])) {
          s += w[c] * src[idx[c]];
          ws += w[c];
        }
      dst[k] = ws >= 0.5f ? s / ws : NAN;
    }
}
