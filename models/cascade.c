/* cascade.c - spectral cascade, level statistics and power-law fit
 * (cascade.h). */
#include "cascade.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum rn_status rn_cascade_init(struct rn_cascade *c, int nx, int ny, int nlevels)
{
  double L = nx > ny ? nx : ny, q, s;
  float *rb = NULL;
  fftwf_complex *cb = NULL;
  memset(c, 0, sizeof *c);
  if (nlevels < 1 || nx < 2 || ny < 2)
    return rn_error(RN_EUSAGE, "cascade: %d levels on %d x %d: need >= 1 level and 2 x 2 pixels",
                    nlevels, nx, ny);
  c->nx = nx, c->ny = ny, c->nkx = nx / 2 + 1, c->nlevels = nlevels;
  c->nspec = (size_t)ny * c->nkx;
  c->k = rn_malloc(c->nspec * sizeof(float), "cascade");
  c->mult = rn_malloc(c->nspec * sizeof(float), "cascade");
  c->w = rn_malloc((size_t)nlevels * c->nspec * sizeof(float), "cascade");
  rb = rn_cascade_real(c);
  cb = rn_cascade_spec(c);
  if (!c->k || !c->mult || !c->w || !rb || !cb)
    goto nomem;
  c->r2c = fftwf_plan_dft_r2c_2d(ny, nx, rb, cb, FFTW_ESTIMATE);
  c->c2r = fftwf_plan_dft_c2r_2d(ny, nx, cb, rb, FFTW_ESTIMATE);
  fftwf_free(rb);
  fftwf_free(cb);
  rb = NULL, cb = NULL;
  if (!c->r2c || !c->c2r) {
    rn_cascade_free(c);
    return rn_error(RN_EINTERNAL, "cascade: FFTW could not plan %d x %d transforms", nx, ny);
  }
  q = nlevels > 1 ? pow(L / 2, 1.0 / (nlevels - 1)) : 2;
  s = 0.5 * log(q);
  for (int j = 0; j < ny; j++) {
    int ky = j <= ny / 2 ? j : j - ny;
    for (int i = 0; i < c->nkx; i++) {
      size_t idx = (size_t)j * c->nkx + i;
      double k = L * sqrt((double)i * i / ((double)nx * nx) + (double)ky * ky / ((double)ny * ny));
      double sum = 0;
      c->k[idx] = (float)k;
      /* Columns 0 and nx/2 (nx even) stand for themselves, the others for
       * their mirror image too. */
      c->mult[idx] = i == 0 || (nx % 2 == 0 && i == nx / 2) ? 1.0f : 2.0f;
      for (int l = 0; l < nlevels; l++) {
        double d = k > 0 ? log(k) - l * log(q) : 0;
        double wl = k > 0 ? exp(-d * d / (2 * s * s)) : 0;
        /* Below the first centre and beyond the last the end levels take all. */
        if (k > 0 && ((l == 0 && k < 1) || (l == nlevels - 1 && k > L / 2)))
          wl = 1;
        c->w[(size_t)l * c->nspec + idx] = (float)wl;
        sum += wl;
      }
      for (int l = 0; l < nlevels; l++)
        c->w[(size_t)l * c->nspec + idx] =
            sum > 0 ? (float)(c->w[(size_t)l * c->nspec + idx] / sum) : 0;
    }
  }
  return RN_OK;
nomem:
  fftwf_free(rb);
  fftwf_free(cb);
  rn_cascade_free(c);
  return RN_ENOMEM;
}

void rn_cascade_free(struct rn_cascade *c)
{
  if (c->r2c)
    fftwf_destroy_plan(c->r2c);
  if (c->c2r)
    fftwf_destroy_plan(c->c2r);
  free(c->k);
  free(c->mult);
  free(c->w);
  memset(c, 0, sizeof *c);
}

float *rn_cascade_real(const struct rn_cascade *c)
{
  float *p = fftwf_alloc_real((size_t)c->nx * c->ny);
  if (!p)
    rn_error(RN_ENOMEM, "cascade: out of memory");
  return p;
}

fftwf_complex *rn_cascade_spec(const struct rn_cascade *c)
{
  fftwf_complex *p = fftwf_alloc_complex(c->nspec);
  if (!p)
    rn_error(RN_ENOMEM, "cascade: out of memory");
  return p;
}

void rn_cascade_forward(const struct rn_cascade *c, float *in, fftwf_complex *out)
{
  fftwf_execute_dft_r2c(c->r2c, in, out);
}

void rn_cascade_inverse(const struct rn_cascade *c, fftwf_complex *in, float *out)
{
  fftwf_execute_dft_c2r(c->c2r, in, out);
}

/* Parseval: the variance of a real field is sum |X(k)|^2 / N^2 over k != 0. */
void rn_cascade_variance(const struct rn_cascade *c, const fftwf_complex *s, double *var)
{
  double n2 = (double)c->nx * c->ny * (double)c->nx * c->ny;
  for (int l = 0; l < c->nlevels; l++) {
    const float *w = c->w + (size_t)l * c->nspec;
    double sum = 0;
    for (size_t i = 1; i < c->nspec; i++) {
      double a = w[i] * cabsf(s[i]);
      sum += c->mult[i] * a * a;
    }
    var[l] = sum / n2;
  }
}

void rn_cascade_correlation(const struct rn_cascade *c, const fftwf_complex *a,
                            const fftwf_complex *b, double *rho)
{
  for (int l = 0; l < c->nlevels; l++) {
    const float *w = c->w + (size_t)l * c->nspec;
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 1; i < c->nspec; i++) {
      double w2 = c->mult[i] * (double)w[i] * w[i];
      ab += w2 * (crealf(a[i]) * crealf(b[i]) + cimagf(a[i]) * cimagf(b[i]));
      aa += w2 * crealf(a[i] * conjf(a[i]));
      bb += w2 * crealf(b[i] * conjf(b[i]));
    }
    rho[l] = aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
  }
}

double rn_cascade_powerlaw(const struct rn_cascade *c, const fftwf_complex *s, double fallback)
{
  int L = c->nx > c->ny ? c->nx : c->ny, nr = L / 2;
  double *p = calloc((size_t)nr + 1, sizeof(double)), *cnt = calloc((size_t)nr + 1, sizeof(double));
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, beta = fallback;
  if (!p || !cnt)
    goto done;
  for (size_t i = 1; i < c->nspec; i++) {
    int r = (int)lrintf(c->k[i]);
    if (r < 1 || r > nr)
      continue;
    p[r] += c->mult[i] * crealf(s[i] * conjf(s[i]));
    cnt[r] += c->mult[i];
  }
  /* Weight 1/r: every octave of scales counts the same. */
  for (int r = 1; r <= nr; r++) {
    double x, y, w = 1.0 / r;
    if (cnt[r] <= 0 || !(p[r] > 0))
      continue;
    x = log((double)r), y = log(p[r] / cnt[r]);
    sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
  }
  if (sw > 0 && sw * sxx - sx * sx > 1e-12 * sw * sw)
    beta = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
done:
  free(p);
  free(cnt);
  return isfinite(beta) ? beta : fallback;
}
