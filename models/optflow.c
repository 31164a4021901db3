/* optflow.c - dense multi-scale motion of radar echoes: pyramidal
 * Lucas-Kanade with Gaussian windows, iterative warping and Tikhonov
 * regularisation, solved from all consecutive pairs of the last K frames.
 *
 * Method.
 *  1. Intensity. Each frame becomes I = max(dBZ, min_dbz) - min_dbz with a
 *     validity mask (nodata = invalid). Weak echoes and no echo are one flat
 *     floor, so clear air has no texture and does not pin the motion to zero
 *     by itself.
 *  2. Pyramid. Levels halve the resolution (2 x 2 means of valid pixels; a
 *     coarse pixel is valid when at least half its children are), down to a
 *     coarsest level whose short side is about 16 pixels.
 *  3. Global start. On the coarsest level one Lucas-Kanade system summed
 *     over the whole domain gives the mean translation of the echoes; it is
 *     the first guess everywhere, so regions far from any echo move with the
 *     echoes' mean motion rather than stand still.
 *  4. Coarse to fine. On each level, for a few iterations: warp frame k by
 *     the current motion, W(x) = I_k(x - m); linearise I_{k+1}(x) = W(x - dm)
 *     ~ W - grad(W) . dm; accumulate the normal equations of all pairs
 *     (gradient of (W + I_{k+1}) / 2, temporal difference I_{k+1} - W) over
 *     a Gaussian window of sigma `window` pixels of that level; solve the
 *     2 x 2 system with lambda added to its diagonal. lambda makes the update
 *     tend to zero where there is no texture (clear air, the inside of a
 *     constant field, the null direction of a straight edge), so there the
 *     motion of the coarser level, which saw a wider area, is kept. The
 *     motion then goes to the next level (bilinear, times 2). Levels finer
 *     than `finest` are only interpolated: motion fields are smooth and the
 *     full-resolution level costs three quarters of the time.
 *  5. The speed is clipped to max_speed pixels per step.
 * The 2 x 2 determinant is at least lambda^2 > 0, so no field (empty,
 * constant, one pixel) can produce NaN or infinity. Reductions run in a
 * fixed order, so the result does not depend on the number of threads. */
#include "optflow.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void rn_optflow_defaults(struct rn_optflow_params *par)
{
  par->min_dbz = 5;
  par->levels = -1;
  par->finest = 1;
  par->iterations = 3;
  par->window = 6;
  par->lambda = 0.5f;
  par->max_speed = 40;
}

/* ---- Gaussian blur: three normalised box passes per axis ---- */

static void box_rows(const float *in, float *out, int nx, int ny, int r)
{
#pragma omp parallel for schedule(static)
  for (int y = 0; y < ny; y++) {
    const float *a = in + (size_t)y * nx;
    float *b = out + (size_t)y * nx;
    double sum = 0;
    for (int x = 0; x <= r && x < nx; x++)
      sum += a[x];
    for (int x = 0; x < nx; x++) {
      int lo = x - r < 0 ? 0 : x - r, hi = x + r >= nx ? nx - 1 : x + r;
      b[x] = (float)(sum / (hi - lo + 1));
      if (x + r + 1 < nx)
        sum += a[x + r + 1];
      if (x - r >= 0)
        sum -= a[x - r];
    }
  }
}

#define COLBLOCK 64

static void box_cols(const float *in, float *out, int nx, int ny, int r)
{
  int nblocks = (nx + COLBLOCK - 1) / COLBLOCK;
#pragma omp parallel for schedule(static)
  for (int blk = 0; blk < nblocks; blk++) {
    int x0 = blk * COLBLOCK, x1 = x0 + COLBLOCK > nx ? nx : x0 + COLBLOCK;
    double sum[COLBLOCK] = {0};
    for (int y = 0; y <= r && y < ny; y++)
      for (int x = x0; x < x1; x++)
        sum[x - x0] += in[(size_t)y * nx + x];
    for (int y = 0; y < ny; y++) {
      int lo = y - r < 0 ? 0 : y - r, hi = y + r >= ny ? ny - 1 : y + r;
      double inv = 1.0 / (hi - lo + 1);
      const float *add = y + r + 1 < ny ? in + (size_t)(y + r + 1) * nx : NULL;
      const float *sub = y - r >= 0 ? in + (size_t)(y - r) * nx : NULL;
      for (int x = x0; x < x1; x++) {
        out[(size_t)y * nx + x] = (float)(sum[x - x0] * inv);
        if (add)
          sum[x - x0] += add[x];
        if (sub)
          sum[x - x0] -= sub[x];
      }
    }
  }
}

void rn_blur(float *img, int nx, int ny, float sigma, float *tmp)
{
  /* Three boxes of width w have variance 3 (w^2 - 1) / 12 = sigma^2. */
  int r = (int)lrint((sqrt(4.0 * sigma * sigma + 1.0) - 1.0) / 2.0);
  if (r < 1)
    return;
  for (int pass = 0; pass < 3; pass++) {
    box_rows(img, tmp, nx, ny, r);
    memcpy(img, tmp, (size_t)nx * ny * sizeof(float));
  }
  for (int pass = 0; pass < 3; pass++) {
    box_cols(img, tmp, nx, ny, r);
    memcpy(img, tmp, (size_t)nx * ny * sizeof(float));
  }
}

/* ---- pyramid ---- */

struct level {
  int nx, ny;
  float **I;   /* K intensity images */
  uint8_t **m; /* K validity masks */
};

static void downsample(const float *I, const uint8_t *m, int nx, int ny, float *I2, uint8_t *m2,
                       int nx2, int ny2)
{
#pragma omp parallel for schedule(static)
  for (int y2 = 0; y2 < ny2; y2++)
    for (int x2 = 0; x2 < nx2; x2++) {
      float sum = 0;
      int nvalid = 0, nall = 0;
      for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
          int x = 2 * x2 + dx, y = 2 * y2 + dy;
          if (x >= nx || y >= ny)
            continue;
          nall++;
          if (m[(size_t)y * nx + x]) {
            sum += I[(size_t)y * nx + x];
            nvalid++;
          }
        }
      I2[(size_t)y2 * nx2 + x2] = nvalid ? sum / (float)nvalid : 0;
      m2[(size_t)y2 * nx2 + x2] = 2 * nvalid >= nall && nvalid > 0;
    }
}

/* ---- one level ---- */

struct work {
  float *W, *A[5], *tmp; /* warped frame; Axx Axy Ayy bx by; blur scratch */
  uint8_t *mW;
};

/* W(x) = I(x - u, y - v), bilinear; invalid outside the domain or next to
 * an invalid pixel. */
static void warp(const float *I, const uint8_t *m, int nx, int ny, const float *u, const float *v,
                 float *W, uint8_t *mW)
{
#pragma omp parallel for schedule(static)
  for (int y = 0; y < ny; y++)
    for (int x = 0; x < nx; x++) {
      size_t i = (size_t)y * nx + x;
      float sx = (float)x - u[i], sy = (float)y - v[i];
      int x0 = (int)floorf(sx), y0 = (int)floorf(sy);
      float fx = sx - (float)x0, fy = sy - (float)y0;
      int x1 = x0 + 1, y1 = y0 + 1;
      if (sx < -0.5f || sy < -0.5f || sx > nx - 0.5f || sy > ny - 0.5f) {
        W[i] = 0;
        mW[i] = 0;
        continue;
      }
      if (x0 < 0)
        x0 = 0;
      if (y0 < 0)
        y0 = 0;
      if (x1 > nx - 1)
        x1 = nx - 1;
      if (y1 > ny - 1)
        y1 = ny - 1;
      {
        size_t i00 = (size_t)y0 * nx + x0, i01 = (size_t)y0 * nx + x1;
        size_t i10 = (size_t)y1 * nx + x0, i11 = (size_t)y1 * nx + x1;
        mW[i] = m[i00] && m[i01] && m[i10] && m[i11];
        W[i] =
            (1 - fy) * ((1 - fx) * I[i00] + fx * I[i01]) + fy * ((1 - fx) * I[i10] + fx * I[i11]);
      }
    }
}

/* Add the normal equations of the pair (W = warped I_k, B = I_{k+1}). */
static void accumulate(const float *W, const uint8_t *mW, const float *B, const uint8_t *mB, int nx,
                       int ny, float *A[5])
{
#pragma omp parallel for schedule(static)
  for (int y = 0; y < ny; y++)
    for (int x = 0; x < nx; x++) {
      size_t i = (size_t)y * nx + x;
      float gx, gy, it;
      if (x == 0 || y == 0 || x == nx - 1 || y == ny - 1)
        continue;
      if (!(mW[i] && mB[i] && mW[i - 1] && mB[i - 1] && mW[i + 1] && mB[i + 1] && mW[i - nx] &&
            mB[i - nx] && mW[i + nx] && mB[i + nx]))
        continue;
      gx = 0.25f * (W[i + 1] + B[i + 1] - W[i - 1] - B[i - 1]);
      gy = 0.25f * (W[i + nx] + B[i + nx] - W[i - nx] - B[i - nx]);
      it = B[i] - W[i];
      A[0][i] += gx * gx;
      A[1][i] += gx * gy;
      A[2][i] += gy * gy;
      A[3][i] += gx * it;
      A[4][i] += gy * it;
    }
}

static void clip_speed(float *u, float *v, size_t n, float vmax)
{
  for (size_t i = 0; i < n; i++) {
    float s = sqrtf(u[i] * u[i] + v[i] * v[i]);
    if (s > vmax) {
      u[i] *= vmax / s;
      v[i] *= vmax / s;
    }
  }
}

/* Sum the normal equations of all pairs at this level with motion (u, v). */
static void normal_equations(const struct level *L, int K, const float *u, const float *v,
                             struct work *w)
{
  size_t n = (size_t)L->nx * L->ny;
  for (int c = 0; c < 5; c++)
    memset(w->A[c], 0, n * sizeof(float));
  for (int k = 0; k + 1 < K; k++) {
    warp(L->I[k], L->m[k], L->nx, L->ny, u, v, w->W, w->mW);
    accumulate(w->W, w->mW, L->I[k + 1], L->m[k + 1], L->nx, L->ny, w->A);
  }
}

/* One global translation from the whole level: the first guess. */
static void solve_global(const struct level *L, int K, const struct rn_optflow_params *par,
                         float *u, float *v, struct work *w)
{
  size_t n = (size_t)L->nx * L->ny;
  float gu = 0, gv = 0;
  for (int it = 0; it < 2 * par->iterations; it++) {
    double s[5] = {0}, a, b, c, det, du, dv;
    for (size_t i = 0; i < n; i++)
      u[i] = gu, v[i] = gv;
    normal_equations(L, K, u, v, w);
    for (int ch = 0; ch < 5; ch++)
      for (size_t i = 0; i < n; i++) /* serial: the same sum on any number of threads */
        s[ch] += w->A[ch][i];
    for (int ch = 0; ch < 5; ch++)
      s[ch] /= (double)n * (K - 1);
    a = s[0] + par->lambda * 1e-3, b = s[1], c = s[2] + par->lambda * 1e-3;
    det = a * c - b * b;
    if (!(det > 0))
      break;
    du = -(c * s[3] - b * s[4]) / det;
    dv = -(a * s[4] - b * s[3]) / det;
    gu += (float)du, gv += (float)dv;
    if (fabs(du) + fabs(dv) < 1e-3)
      break;
  }
  for (size_t i = 0; i < n; i++)
    u[i] = gu, v[i] = gv;
}

static void solve_level(const struct level *L, int K, const struct rn_optflow_params *par,
                        float vmax, float *u, float *v, struct work *w)
{
  size_t n = (size_t)L->nx * L->ny;
  double lambda = par->lambda, scale = 1.0 / (K - 1);
  for (int it = 0; it < par->iterations; it++) {
    normal_equations(L, K, u, v, w);
    for (int c = 0; c < 5; c++)
      rn_blur(w->A[c], L->nx, L->ny, par->window, w->tmp);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
      double a = w->A[0][i] * scale + lambda, b = w->A[1][i] * scale;
      double c = w->A[2][i] * scale + lambda, bx = w->A[3][i] * scale, by = w->A[4][i] * scale;
      double det = a * c - b * b;
      if (det < lambda * lambda) /* rounding only: a c >= b^2 + lambda^2 */
        det = lambda * lambda;
      u[i] += (float)(-(c * bx - b * by) / det);
      v[i] += (float)(-(a * by - b * bx) / det);
    }
    clip_speed(u, v, n, vmax);
  }
}

/* Coarse motion (nxc x nyc) to a level `factor` times finer. */
static void upsample(const float *uc, int nxc, int nyc, int factor, float *uf, int nx, int ny)
{
#pragma omp parallel for schedule(static)
  for (int y = 0; y < ny; y++)
    for (int x = 0; x < nx; x++) {
      float sx = ((float)x + 0.5f) / (float)factor - 0.5f;
      float sy = ((float)y + 0.5f) / (float)factor - 0.5f;
      int x0, y0, x1, y1;
      float fx, fy;
      if (sx < 0)
        sx = 0;
      if (sy < 0)
        sy = 0;
      if (sx > nxc - 1)
        sx = (float)(nxc - 1);
      if (sy > nyc - 1)
        sy = (float)(nyc - 1);
      x0 = (int)sx, y0 = (int)sy;
      x1 = x0 + 1 < nxc ? x0 + 1 : x0, y1 = y0 + 1 < nyc ? y0 + 1 : y0;
      fx = sx - (float)x0, fy = sy - (float)y0;
      uf[(size_t)y * nx + x] =
          (float)factor *
          ((1 - fy) * ((1 - fx) * uc[(size_t)y0 * nxc + x0] + fx * uc[(size_t)y0 * nxc + x1]) +
           fy * ((1 - fx) * uc[(size_t)y1 * nxc + x0] + fx * uc[(size_t)y1 * nxc + x1]));
    }
}

enum rn_status rn_optflow(const float *const *frames, int nframes, int nx, int ny,
                          const struct rn_optflow_params *par, float *u, float *v)
{
  int nlev = 0, K = nframes, finest;
  struct level *lev = NULL;
  struct work w = {0};
  float *uc = NULL, *vc = NULL, *un = NULL, *vn = NULL;
  size_t n0 = (size_t)nx * ny;
  enum rn_status st = RN_ENOMEM;
  if (K < 2 || nx < 1 || ny < 1)
    return rn_error(RN_EINTERNAL, "optflow: %d frames of %d x %d: need 2 frames or more", K, nx,
                    ny);
  /* Levels: halve while the short side stays >= 16 pixels. */
  if (par->levels >= 0) {
    nlev = par->levels + 1;
  } else {
    int s = nx < ny ? nx : ny;
    nlev = 1;
    while (s / 2 >= 16)
      s /= 2, nlev++;
  }
  finest = par->finest < 0 ? 0 : par->finest;
  if (finest > nlev - 1)
    finest = nlev - 1;
  lev = rn_calloc((size_t)nlev, sizeof *lev, "motion pyramid");
  if (!lev)
    goto done;
  for (int l = 0; l < nlev; l++) {
    lev[l].nx = l ? (lev[l - 1].nx + 1) / 2 : nx;
    lev[l].ny = l ? (lev[l - 1].ny + 1) / 2 : ny;
    lev[l].I = rn_calloc((size_t)K, sizeof(float *), "motion pyramid");
    lev[l].m = rn_calloc((size_t)K, sizeof(uint8_t *), "motion pyramid");
    if (!lev[l].I || !lev[l].m)
      goto done;
    for (int k = 0; k < K; k++) {
      size_t n = (size_t)lev[l].nx * lev[l].ny;
      lev[l].I[k] = rn_malloc(n * sizeof(float), "motion pyramid");
      lev[l].m[k] = rn_malloc(n, "motion pyramid");
      if (!lev[l].I[k] || !lev[l].m[k])
        goto done;
    }
  }
  for (int k = 0; k < K; k++) {
    const float *f = frames[k];
    float *I = lev[0].I[k];
    uint8_t *m = lev[0].m[k];
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n0; i++) {
      m[i] = !isnan(f[i]);
      I[i] = m[i] && f[i] > par->min_dbz ? f[i] - par->min_dbz : 0;
    }
    for (int l = 1; l < nlev; l++)
      downsample(lev[l - 1].I[k], lev[l - 1].m[k], lev[l - 1].nx, lev[l - 1].ny, lev[l].I[k],
                 lev[l].m[k], lev[l].nx, lev[l].ny);
  }
  {
    size_t nf = (size_t)lev[finest].nx * lev[finest].ny;
    w.W = rn_malloc(nf * sizeof(float), "motion work");
    w.mW = rn_malloc(nf, "motion work");
    w.tmp = rn_malloc(nf * sizeof(float), "motion work");
    uc = rn_malloc(nf * sizeof(float), "motion work");
    vc = rn_malloc(nf * sizeof(float), "motion work");
    un = rn_malloc(nf * sizeof(float), "motion work");
    vn = rn_malloc(nf * sizeof(float), "motion work");
    if (!w.W || !w.mW || !w.tmp || !uc || !vc || !un || !vn)
      goto done;
    for (int c = 0; c < 5; c++)
      if (!(w.A[c] = rn_malloc(nf * sizeof(float), "motion work")))
        goto done;
  }
  solve_global(&lev[nlev - 1], K, par, uc, vc, &w);
  for (int l = nlev - 1; l >= finest; l--) {
    float vmax = par->max_speed / (float)(1 << l);
    solve_level(&lev[l], K, par, vmax, uc, vc, &w);
    if (l > finest) {
      upsample(uc, lev[l].nx, lev[l].ny, 2, un, lev[l - 1].nx, lev[l - 1].ny);
      upsample(vc, lev[l].nx, lev[l].ny, 2, vn, lev[l - 1].nx, lev[l - 1].ny);
      memcpy(uc, un, (size_t)lev[l - 1].nx * lev[l - 1].ny * sizeof(float));
      memcpy(vc, vn, (size_t)lev[l - 1].nx * lev[l - 1].ny * sizeof(float));
    }
  }
  upsample(uc, lev[finest].nx, lev[finest].ny, 1 << finest, u, nx, ny);
  upsample(vc, lev[finest].nx, lev[finest].ny, 1 << finest, v, nx, ny);
  clip_speed(u, v, n0, par->max_speed);
  st = RN_OK;
done:
  if (lev)
    for (int l = 0; l < nlev; l++) {
      for (int k = 0; k < K; k++) {
        if (lev[l].I)
          free(lev[l].I[k]);
        if (lev[l].m)
          free(lev[l].m[k]);
      }
      free(lev[l].I);
      free(lev[l].m);
    }
  free(lev);
  free(w.W);
  free(w.mW);
  free(w.tmp);
  for (int c = 0; c < 5; c++)
    free(w.A[c]);
  free(uc);
  free(vc);
  free(un);
  free(vn);
  return st;
}
