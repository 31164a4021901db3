/* fss.c - Fractions Skill Score (Roberts and Lean 2008, MWR 136:78-97).
 *
 * For a threshold q and a window of n x n pixels, the forecast and observed
 * fractions Ff, Fo at a pixel are the shares of pixels >= q in the window
 * around it, and
 *   FSS = 1 - sum (Ff - Fo)^2 / sum (Ff^2 + Fo^2)
 * with both sums over every verified pixel of every case (the sums are kept,
 * the ratio is taken at the end). Fractions count only pixels valid in both
 * fields, so nodata and the grid edge shrink the window instead of counting
 * as "no event". Window counts come from summed-area tables: the cost per
 * pixel does not depend on n. FSS is undefined (NaN) when neither field has
 * an event. */
#include <math.h>
#include <string.h>

#include "verify_internal.h"

/* Column sums of row prefix sums: t[j][i] = sum over rows < j, columns < i. */
static void integrate(int32_t *t, int nx, int ny)
{
  size_t w = (size_t)nx + 1;
  for (int j = 1; j <= ny; j++) {
    int32_t *row = t + (size_t)j * w;
    const int32_t *up = row - w;
    for (size_t i = 1; i < w; i++)
      row[i] += up[i];
  }
}

void rn_fss_valid_table(const uint8_t *valid, int nx, int ny, int32_t *t)
{
  size_t w = (size_t)nx + 1;
  memset(t, 0, w * sizeof *t);
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++) {
    int32_t s = 0, *row = t + (size_t)(j + 1) * w;
    const uint8_t *v = valid + (size_t)j * nx;
    row[0] = 0;
    for (int i = 0; i < nx; i++) {
      s += v[i];
      row[i + 1] = s;
    }
  }
  integrate(t, nx, ny);
}

/* Tables of valid pixels >= q in f and in o. */
static void event_tables(const float *f, const float *o, const uint8_t *valid, int nx, int ny,
                         float q, int32_t *tf, int32_t *to)
{
  size_t w = (size_t)nx + 1;
  memset(tf, 0, w * sizeof *tf);
  memset(to, 0, w * sizeof *to);
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++) {
    int32_t sf = 0, so = 0, *rf = tf + (size_t)(j + 1) * w, *ro = to + (size_t)(j + 1) * w;
    size_t r = (size_t)j * nx;
    rf[0] = ro[0] = 0;
    for (int i = 0; i < nx; i++) {
      sf += valid[r + i] & (f[r + i] >= q);
      so += valid[r + i] & (o[r + i] >= q);
      rf[i + 1] = sf;
      ro[i + 1] = so;
    }
  }
#pragma omp parallel sections
  {
#pragma omp section
    integrate(tf, nx, ny);
#pragma omp section
    integrate(to, nx, ny);
  }
}

/* Columns [a, b) of one row whose windows are not clipped: the box counts
 * of the events of f, of o and of valid pixels from the tables' rows above
 * (0) and below (1) the window, at the right (r) and left (l) edges; c0, c1
 * the valid table's rows around the centre row. The
 * per-pixel terms go through a small buffer so the loop vectorises without
 * reordering the sums. */
#define ROWCHUNK 256
static void interior(const int32_t *fr0, const int32_t *fr1, const int32_t *fl0,
                     const int32_t *fl1, const int32_t *or0, const int32_t *or1,
                     const int32_t *ol0, const int32_t *ol1, const int32_t *vr0,
                     const int32_t *vr1, const int32_t *vl0, const int32_t *vl1,
                     const int32_t *c0, const int32_t *c1, int a, int b, double *sn,
                     double *sd)
{
  double tn[ROWCHUNK], td[ROWCHUNK];
  for (int k0 = a; k0 < b; k0 += ROWCHUNK) {
    const int len = b - k0 < ROWCHUNK ? b - k0 : ROWCHUNK;
#pragma omp simd
    for (int t = 0; t < len; t++) {
      const int k = k0 + t;
      double nv = (double)(vr1[k] - vr0[k] - vl1[k] + vl0[k]);
      double cf = (double)(fr1[k] - fr0[k] - fl1[k] + fl0[k]);
      double co = (double)(or1[k] - or0[k] - ol1[k] + ol0[k]);
      /* the centre pixel's own validity, from the valid table's rows j, j + 1 */
      double c = (double)(c1[k + 1] - c0[k + 1] - c1[k] + c0[k]);
      double nv1 = fmax(nv, 1.0), inv = c / (nv1 * nv1);
      tn[t] = (cf - co) * (cf - co) * inv;
      td[t] = (cf * cf + co * co) * inv;
    }
    for (int t = 0; t < len; t++) {
      *sn += tn[t];
      *sd += td[t];
    }
  }
}

void rn_fss_accumulate(const float *f, const float *o, const uint8_t *valid,
                       const int32_t *tv, int nx, int ny, float q, const int *scales,
                       int nscales, double *num, double *den, int32_t *work)
{
  size_t w = (size_t)nx + 1, plane = w * ((size_t)ny + 1);
  int32_t *tf = work, *to = work + plane;
  int tables = 0;
  for (int s = 0; s < nscales; s++) {
    const int lo = (scales[s] - 1) / 2, hi = scales[s] / 2;
    double sn = 0, sd = 0;
    if (scales[s] == 1) {
      /* fractions are the events themselves */
      int64_t diff = 0, sum = 0;
#pragma omp parallel for reduction(+ : diff, sum) schedule(static)
      for (size_t i = 0; i < (size_t)nx * ny; i++) {
        int fe = valid[i] & (f[i] >= q), oe = valid[i] & (o[i] >= q);
        diff += fe ^ oe;
        sum += fe + oe;
      }
      num[s] += (double)diff;
      den[s] += (double)sum;
      continue;
    }
    if (!tables) {
      event_tables(f, o, valid, nx, ny, q, tf, to);
      tables = 1;
    }
#pragma omp parallel for reduction(+ : sn, sd) schedule(static)
    for (int j = 0; j < ny; j++) {
      const int j0 = j - lo < 0 ? 0 : j - lo, j1 = j + hi + 1 > ny ? ny : j + hi + 1;
      const int32_t *f0 = tf + (size_t)j0 * w, *f1 = tf + (size_t)j1 * w;
      const int32_t *o0 = to + (size_t)j0 * w, *o1 = to + (size_t)j1 * w;
      const int32_t *v0 = tv + (size_t)j0 * w, *v1 = tv + (size_t)j1 * w;
      const uint8_t *vr = valid + (size_t)j * nx;
      /* interior columns: the window is not clipped, the loop vectorises */
      const int a = lo < nx ? lo : nx, b = nx - hi - 1 >= a ? nx - hi - 1 : a - 1;
      double rn = 0, rd = 0;
      for (int i = 0; i < nx; i++) {
        if (i == a && b >= a) {
          interior(f0 + hi + 1, f1 + hi + 1, f0 - lo, f1 - lo, o0 + hi + 1, o1 + hi + 1, o0 - lo,
                   o1 - lo, v0 + hi + 1, v1 + hi + 1, v0 - lo, v1 - lo, tv + (size_t)j * w,
                   tv + (size_t)(j + 1) * w, a, b + 1, &rn, &rd);
          i = b;
          continue;
        }
        if (!vr[i])
          continue;
        const int i0 = i - lo < 0 ? 0 : i - lo, i1 = i + hi + 1 > nx ? nx : i + hi + 1;
        double nv = (double)(v1[i1] - v0[i1] - v1[i0] + v0[i0]);
        double cf = (double)(f1[i1] - f0[i1] - f1[i0] + f0[i0]);
        double co = (double)(o1[i1] - o0[i1] - o1[i0] + o0[i0]);
        double inv = 1.0 / (nv * nv);
        rn += (cf - co) * (cf - co) * inv;
        rd += (cf * cf + co * co) * inv;
      }
      sn += rn;
      sd += rd;
    }
    num[s] += sn;
    den[s] += sd;
  }
}
