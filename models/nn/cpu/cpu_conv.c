/* cpu_conv.c - convolution helpers: im2col/col2im for 2-D and 3-D inputs,
 * moves between NCHW and channel-major [C, N*L] layouts, bias. */
#include <string.h>

#include "cpu.h"

/* Row r of col is kernel tap (c, kd, kh, kw); column (b*nr + q)*OW + ow for
 * output row q + r0 = od*OH + oh. One task per (image, tap row): each writes
 * its own stretch of col. */
void rn_cpu_im2col(struct rn_backend *be, const struct rn_conv *s, float *col, const float *inp,
                   int nb, int r0, int nr)
{
  const int C = s->C, D = s->D, H = s->H, W = s->W, OH = s->OH, OW = s->OW;
  const long L = (long)nr * OW, ldc = (long)nb * L, DHW = (long)D * H * W;
  const long R = (long)C * s->KD * s->KH * s->KW, nt = (long)nb * R;
  (void)be;
#pragma omp parallel for if (nt * L > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    long b = t / R, r = t % R;
    int kw = (int)(r % s->KW), kh = (int)(r / s->KW % s->KH);
    int kd = (int)(r / ((long)s->KW * s->KH) % s->KD), c = (int)(r / ((long)s->KW * s->KH * s->KD));
    const float *x = inp + (b * C + c) * DHW;
    float *dst = col + r * ldc + b * L;
    int iw0 = kw - s->PW;
    int lo = 0, hi = OW; /* ow range reading inside the row when SW == 1 */
    if (s->SW == 1) {
      lo = iw0 < 0 ? -iw0 : 0;
      hi = W - iw0 < OW ? W - iw0 : OW;
      if (hi < lo)
        hi = lo;
    }
    for (int q = 0; q < nr; q++) {
      int od = (r0 + q) / OH, oh = (r0 + q) % OH;
      int id = od * s->SD - s->PD + kd, ih = oh * s->SH - s->PH + kh;
      float *row = dst + (long)q * OW;
      if (id < 0 || id >= D || ih < 0 || ih >= H) {
        memset(row, 0, sizeof(float) * OW);
        continue;
      }
      const float *xr = x + ((long)id * H + ih) * W;
      if (s->SW == 1) {
        for (int ow = 0; ow < lo; ow++)
          row[ow] = 0.0f;
        memcpy(row + lo, xr + lo + iw0, sizeof(float) * (hi - lo));
        for (int ow = hi; ow < OW; ow++)
          row[ow] = 0.0f;
      } else {
        for (int ow = 0; ow < OW; ow++) {
          int iw = ow * s->SW + iw0;
          row[ow] = iw >= 0 && iw < W ? xr[iw] : 0.0f;
        }
      }
    }
  }
}

/* inp += col2im(col). One task per (image, channel): each writes its own plane. */
void rn_cpu_col2im(struct rn_backend *be, const struct rn_conv *s, float *inp, const float *col,
                   int nb, int r0, int nr)
{
  const int C = s->C, D = s->D, H = s->H, W = s->W, OH = s->OH, OW = s->OW;
  const int KD = s->KD, KH = s->KH, KW = s->KW;
  const long L = (long)nr * OW, ldc = (long)nb * L, DHW = (long)D * H * W;
  const long nt = (long)nb * C;
  (void)be;
#pragma omp parallel for if (nt * L * KD * KH * KW > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    long b = t / C;
    int c = (int)(t % C);
    float *x = inp + (b * C + c) * DHW;
    for (int kd = 0; kd < KD; kd++)
      for (int kh = 0; kh < KH; kh++)
        for (int kw = 0; kw < KW; kw++) {
          long r = (((long)c * KD + kd) * KH + kh) * KW + kw;
          const float *src = col + r * ldc + b * L;
          int iw0 = kw - s->PW;
          for (int q = 0; q < nr; q++) {
            int od = (r0 + q) / OH, oh = (r0 + q) % OH;
            int id = od * s->SD - s->PD + kd, ih = oh * s->SH - s->PH + kh;
            if (id < 0 || id >= D || ih < 0 || ih >= H)
              continue;
            const float *row = src + (long)q * OW;
            float *xr = x + ((long)id * H + ih) * W;
            if (s->SW == 1) {
              int lo = iw0 < 0 ? -iw0 : 0, hi = W - iw0 < OW ? W - iw0 : OW;
              for (int ow = lo; ow < hi; ow++)
                xr[ow + iw0] += row[ow];
            } else {
              for (int ow = 0; ow < OW; ow++) {
                int iw = ow * s->SW + iw0;
                if (iw >= 0 && iw < W)
                  xr[iw] += row[ow];
              }
            }
          }
        }
  }
}

void rn_cpu_to_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L)
{
  const long nt = (long)nb * C;
  (void)be;
#pragma omp parallel for if (nt * L > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    long c = t / nb, b = t % nb;
    memcpy(dst + (c * nb + b) * L, src + (b * C + c) * L, sizeof(float) * L);
  }
}

void rn_cpu_from_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L,
                    const float *bias, int accumulate)
{
  const long nt = (long)nb * C;
  (void)be;
#pragma omp parallel for if (nt * L > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    long b = t / C, c = t % C;
    float *o = dst + (b * C + c) * L;
    const float *i = src + (c * nb + b) * L;
    float bv = bias ? bias[c] : 0.0f;
    if (accumulate)
      for (long l = 0; l < L; l++)
        o[l] += i[l] + bv;
    else
      for (long l = 0; l < L; l++)
        o[l] = i[l] + bv;
  }
}

void rn_cpu_bias_fill(struct rn_backend *be, float *x, const float *bias, int B, int C, long L)
{
  const long nt = (long)B * C;
  (void)be;
#pragma omp parallel for if (nt * L > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    float v = bias[t % C], *o = x + t * L;
    for (long l = 0; l < L; l++)
      o[l] = v;
  }
}

void rn_cpu_bias_backward(struct rn_backend *be, float *dbias, const float *dout, int B, int C,
                          long L)
{
  (void)be;
#pragma omp parallel for if ((long)B * C * L > RN_OMP_MIN) schedule(static)
  for (int c = 0; c < C; c++) {
    double acc = 0.0;
    for (int b = 0; b < B; b++) {
      const float *g = dout + ((long)b * C + c) * L;
      float part = 0.0f;
      for (long l = 0; l < L; l++)
        part += g[l];
      acc += part;
    }
    dbias[c] += (float)acc;
  }
}
