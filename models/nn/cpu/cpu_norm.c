/* cpu_norm.c - group/layer normalisation. Statistics are accumulated in
 * double (two passes: mean, then squared deviations), one task per (sample,
 * group): the group's channels are contiguous. */
#include <math.h>

#include "cpu.h"

void rn_cpu_norm_forward(struct rn_backend *be, float *y, float *mean, float *rstd,
                         const float *x, const float *gamma, const float *beta, int B, int C,
                         long L, int G, float eps, int affine)
{
  const int Cg = C / G;
  const long n = (long)Cg * L, nt = (long)B * G;
  (void)be;
#pragma omp parallel for if (nt * n > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    const float *xs = x + t * n;
    float *ys = y + t * n;
    int g = (int)(t % G);
    double s = 0.0, v = 0.0;
    for (long i = 0; i < n; i++)
      s += xs[i];
    double m = s / n;
    for (long i = 0; i < n; i++) {
      double d = xs[i] - m;
      v += d * d;
    }
    float mf = (float)m, rs = (float)(1.0 / sqrt(v / n + eps));
    mean[t] = mf;
    rstd[t] = rs;
    for (int cc = 0; cc < Cg; cc++) {
      int c = g * Cg + cc;
      const float *xr = xs + (long)cc * L;
      float *yr = ys + (long)cc * L;
      if (affine == 1) {
        float ga = gamma[c], bb = beta ? beta[c] : 0.0f;
        for (long l = 0; l < L; l++)
          yr[l] = (xr[l] - mf) * rs * ga + bb;
      } else if (affine == 2) {
        const float *ga = gamma + (long)c * L, *bb = beta ? beta + (long)c * L : NULL;
        for (long l = 0; l < L; l++)
          yr[l] = (xr[l] - mf) * rs * ga[l] + (bb ? bb[l] : 0.0f);
      } else {
        for (long l = 0; l < L; l++)
          yr[l] = (xr[l] - mf) * rs;
      }
    }
  }
}

void rn_cpu_norm_backward(struct rn_backend *be, float *dx, float *dgamma, float *dbeta,
                          const float *dy, const float *x, const float *mean, const float *rstd,
                          const float *gamma, int B, int C, long L, int G, int affine)
{
  const int Cg = C / G;
  const long n = (long)Cg * L, nt = (long)B * G;
  (void)be;
  if (dx) {
    /* dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = dy gamma */
#pragma omp parallel for if (nt * n > RN_OMP_MIN) schedule(static)
    for (long t = 0; t < nt; t++) {
      const float *xs = x + t * n, *gs = dy + t * n;
      float *ds = dx + t * n;
      int g = (int)(t % G);
      float mf = mean[t], rs = rstd[t];
      double s1 = 0.0, s2 = 0.0;
      for (int pass = 0; pass < 2; pass++) {
        float a1 = (float)(s1 / n), a2 = (float)(s2 / n);
        for (int cc = 0; cc < Cg; cc++) {
          int c = g * Cg + cc;
          const float *xr = xs + (long)cc * L, *gr = gs + (long)cc * L;
          float *dr = ds + (long)cc * L;
          for (long l = 0; l < L; l++) {
            float ga = affine == 1 ? gamma[c] : affine == 2 ? gamma[(long)c * L + l] : 1.0f;
            float xh = (xr[l] - mf) * rs, dxh = gr[l] * ga;
            if (pass == 0) {
              s1 += dxh;
              s2 += dxh * xh;
            } else {
              dr[l] += rs * (dxh - a1 - xh * a2);
            }
          }
        }
      }
    }
  }
  if (affine == 1 && (dgamma || dbeta)) {
#pragma omp parallel for if ((long)B * C * L > RN_OMP_MIN) schedule(static)
    for (int c = 0; c < C; c++) {
      double sg = 0.0, sb = 0.0;
      int g = c / Cg;
      for (int b = 0; b < B; b++) {
        const float *xr = x + ((long)b * C + c) * L, *gr = dy + ((long)b * C + c) * L;
        float mf = mean[b * G + g], rs = rstd[b * G + g];
        for (long l = 0; l < L; l++) {
          sg += (double)gr[l] * ((xr[l] - mf) * rs);
          sb += gr[l];
        }
      }
      if (dgamma)
        dgamma[c] += (float)sg;
      if (dbeta)
        dbeta[c] += (float)sb;
    }
  } else if (affine == 2 && (dgamma || dbeta)) {
    const long CL = (long)C * L;
#pragma omp parallel for if ((long)B * CL > RN_OMP_MIN) schedule(static)
    for (long e = 0; e < CL; e++) {
      int g = (int)(e / L) / Cg;
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
}
