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
#include <string.h>

#include "verify_internal.h"

/* Summed-area table of a 0/1 field (masked by valid when mask is set):
 * (Y + 1) x (X + 1), zero first row and column. */
static void sat_u8(const uint8_t *a, const uint8_t *valid, int nx, int ny, int32_t *t)
{
  size_t w = (size_t)nx + 1;
  memset(t, 0, w * sizeof *t);
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++) {
    int32_t s = 0;
    const uint8_t *ra = a + (size_t)j * nx, *rv = valid + (size_t)j * nx;
    int32_t *row = t + (size_t)(j + 1) * w;
    row[0] = 0;
    for (int i = 0; i < nx; i++) {
      s += ra[i] & rv[i];
      row[i + 1] = s;
    }
  }
  for (int j = 1; j <= ny; j++) {
    int32_t *row = t + (size_t)j * w;
    const int32_t *up = row - w;
    for (size_t i = 1; i < w; i++)
      row[i] += up[i];
  }
}

static inline int32_t box(const int32_t *t, size_t w, int j0, int j1, int i0, int i1)
{
  /* rows j0..j1-1, columns i0..i1-1 */
  return t[(size_t)j1 * w + i1] - t[(size_t)j0 * w + i1] - t[(size_t)j1 * w + i0] +
         t[(size_t)j0 * w + i0];
}

void rn_fss_accumulate(const uint8_t *fev, const uint8_t *oev, const uint8_t *valid, int nx,
                       int ny, const int *scales, int nscales, double *num, double *den,
                       int32_t *work)
{
  size_t w = (size_t)nx + 1, plane = w * ((size_t)ny + 1);
  int32_t *tf = work, *to = work + plane, *tv = work + 2 * plane;
  sat_u8(fev, valid, nx, ny, tf);
  sat_u8(oev, valid, nx, ny, to);
  sat_u8(valid, valid, nx, ny, tv);
  for (int s = 0; s < nscales; s++) {
    const int lo = (scales[s] - 1) / 2, hi = scales[s] / 2;
    double sn = 0, sd = 0;
#pragma omp parallel for reduction(+ : sn, sd) schedule(static)
    for (int j = 0; j < ny; j++) {
      int j0 = j - lo < 0 ? 0 : j - lo, j1 = j + hi + 1 > ny ? ny : j + hi + 1;
      for (int i = 0; i < nx; i++) {
        if (!valid[(size_t)j * nx + i])
          continue;
        int i0 = i - lo < 0 ? 0 : i - lo, i1 = i + hi + 1 > nx ? nx : i + hi + 1;
        double nv = box(tv, w, j0, j1, i0, i1);
        double ff = box(tf, w, j0, j1, i0, i1) / nv, fo = box(to, w, j0, j1, i0, i1) / nv;
        sn += (ff - fo) * (ff - fo);
        sd += ff * ff + fo * fo;
      }
    }
    num[s] += sn;
    den[s] += sd;
  }
}
