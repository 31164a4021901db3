/* continuous.c - MAE and RMSE in dBZ; MSE and SSIM on the [0, 1] pixel scale.
 *
 * dBZ scores use the fields as they are (no echo at -32 dBZ). The [0, 1]
 * scores map both fields with rn_verify_unit (verify.h), the pixel convention
 * of the radar-echo papers, so numbers compare with their tables.
 *
 * SSIM follows Wang et al. (2004) as computed by the papers' code
 * (scikit-image structural_similarity defaults): a uniform 7 x 7 window,
 * sample (co)variances (divide by 48), K1 = 0.01, K2 = 0.03, data range 1,
 * and the mean over the centres whose window lies inside the grid. Here a
 * window must also be valid throughout (no nodata in either field). Window
 * sums come from summed-area tables, so the cost does not grow with the
 * window. */
#include <math.h>
#include <string.h>

#include "verify_internal.h"

void rn_continuous_accumulate(const float *f, const float *o, const uint8_t *valid, size_t n,
                              struct rn_continuous_sums *s)
{
  double a = 0, q = 0, q01 = 0;
  int64_t cnt = 0;
#pragma omp parallel for reduction(+ : a, q, q01, cnt) schedule(static)
  for (size_t i = 0; i < n; i++) {
    if (!valid[i])
      continue;
    double d = (double)f[i] - (double)o[i];
    double d01 = (double)rn_verify_unit(f[i]) - (double)rn_verify_unit(o[i]);
    a += fabs(d);
    q += d * d;
    q01 += d01 * d01;
    cnt++;
  }
  s->abs_sum += a;
  s->sq_sum += q;
  s->sq01_sum += q01;
  s->n += cnt;
}

/* Summed-area tables of x, y, x^2, y^2, xy and the valid count, each
 * (Y + 1) x (X + 1) with a zero first row and column. */
static void ssim_tables(const float *x, const float *y, const uint8_t *valid, int nx, int ny,
                        double *t)
{
  size_t w = (size_t)nx + 1, plane = w * ((size_t)ny + 1);
  memset(t, 0, 6 * plane * sizeof *t);
  /* Row prefix sums (rows are independent), then column sums. */
#pragma omp parallel for schedule(static)
  for (int j = 0; j < ny; j++) {
    double s[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < nx; i++) {
      size_t p = (size_t)j * nx + i, q = (size_t)(j + 1) * w + i + 1;
      if (valid[p]) {
        double a = x[p], b = y[p];
        s[0] += a;
        s[1] += b;
        s[2] += a * a;
        s[3] += b * b;
        s[4] += a * b;
        s[5] += 1;
      }
      for (int c = 0; c < 6; c++)
        t[c * plane + q] = s[c];
    }
  }
#pragma omp parallel for schedule(static)
  for (int c = 0; c < 6; c++)
    for (int j = 1; j <= ny; j++) {
      double *row = t + c * plane + (size_t)j * w;
      const double *up = row - w;
      for (size_t i = 1; i < w; i++)
        row[i] += up[i];
    }
}

double rn_ssim(const float *x, const float *y, const uint8_t *valid, int nx, int ny,
               double *work)
{
  const int r = RN_SSIM_WIN / 2, np = RN_SSIM_WIN * RN_SSIM_WIN;
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03, cov_norm = (double)np / (np - 1);
  size_t w = (size_t)nx + 1, plane = w * ((size_t)ny + 1);
  double sum = 0;
  int64_t count = 0;
  if (nx < RN_SSIM_WIN || ny < RN_SSIM_WIN)
    return NAN;
  ssim_tables(x, y, valid, nx, ny, work);
#pragma omp parallel for reduction(+ : sum, count) schedule(static)
  for (int j = r; j < ny - r; j++)
    for (int i = r; i < nx - r; i++) {
      size_t a = (size_t)(j - r) * w + (size_t)(i - r), b = a + RN_SSIM_WIN;
      size_t c = (size_t)(j + r + 1) * w + (size_t)(i - r), d = c + RN_SSIM_WIN;
      double s[6];
      for (int k = 0; k < 6; k++) {
        const double *t = work + k * plane;
        s[k] = t[d] - t[b] - t[c] + t[a];
      }
      if (s[5] < np - 0.5)
        continue; /* nodata inside the window */
      double ux = s[0] / np, uy = s[1] / np;
      double vx = cov_norm * (s[2] / np - ux * ux), vy = cov_norm * (s[3] / np - uy * uy);
      double vxy = cov_norm * (s[4] / np - ux * uy);
      sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
      count++;
    }
  return count > 0 ? sum / (double)count : NAN;
}
