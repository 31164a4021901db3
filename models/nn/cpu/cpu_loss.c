/* cpu_loss.c - point-wise losses (summed in double), Philox random numbers,
 * reparameterised Gaussian sampling and the Adam update. */
#include "cpu.h"
#include "../nnmath.h"

static float operand(const struct rn_loss_args *a, int k, long i)
{
  return a->x[k] ? a->x[k][i * a->stride[k]] : 0.0f;
}

double rn_cpu_loss_forward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                           long n)
{
  double s = 0.0;
  (void)be;
#pragma omp parallel for if (n > RN_OMP_MIN) reduction(+ : s) schedule(static)
  for (long i = 0; i < n; i++) {
    float b = operand(a, 1, i);
    s += rn_loss_weight(a->steps.n, a->steps.thr, a->steps.w, b) *
         rn_loss_value((int)op, operand(a, 0, i), b, operand(a, 2, i), operand(a, 3, i));
  }
  return s;
}

/* Gradients of broadcast operands (stride 0) are sums over all elements. */
void rn_cpu_loss_backward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                          long n, float scale)
{
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  (void)be;
#pragma omp parallel for if (n > RN_OMP_MIN) reduction(+ : s0, s1, s2, s3) schedule(static)
  for (long i = 0; i < n; i++) {
    float g[4], b = operand(a, 1, i);
    float w = rn_loss_weight(a->steps.n, a->steps.thr, a->steps.w, b);
    rn_loss_grad((int)op, operand(a, 0, i), b, operand(a, 2, i), operand(a, 3, i), g);
    for (int k = 0; k < 4; k++) {
      g[k] *= w;
      if (!a->dx[k])
        continue;
      if (a->stride[k]) {
        a->dx[k][i * a->stride[k]] += scale * g[k];
      } else {
        double v = (double)g[k];
        if (k == 0) s0 += v;
        else if (k == 1) s1 += v;
        else if (k == 2) s2 += v;
        else s3 += v;
      }
    }
  }
  double s[4] = {s0, s1, s2, s3};
  for (int k = 0; k < 4; k++)
    if (a->dx[k] && !a->stride[k])
      a->dx[k][0] += (float)(scale * s[k]);
}

/* Numbers offset .. offset+n-1: whole Philox blocks, one task each. */
void rn_cpu_rand(struct rn_backend *be, int normal, float *x, long n, float a, float b,
                 uint64_t seed, uint64_t offset)
{
  const uint64_t first = offset >> 2, last = (offset + (uint64_t)n + 3) >> 2;
  const long nblocks = (long)(last - first);
  (void)be;
#pragma omp parallel for if (n > RN_OMP_MIN / 8) schedule(static)
  for (long t = 0; t < nblocks; t++) {
    uint64_t blk = first + (uint64_t)t;
    float v[4];
    if (normal) {
      rn_philox_normal4(seed, blk, v);
    } else {
      uint32_t r[4];
      rn_philox_block(seed, blk, r);
      for (int k = 0; k < 4; k++)
        v[k] = rn_u01(r[k]);
    }
    for (int k = 0; k < 4; k++) {
      uint64_t idx = blk * 4 + (uint64_t)k;
      if (idx < offset || idx >= offset + (uint64_t)n)
        continue;
      x[idx - offset] = normal ? a + b * v[k] : a + (b - a) * v[k];
    }
  }
}

void rn_cpu_gauss_sample(struct rn_backend *be, float *z, float *eps, const float *mu,
                         const float *logvar, long n, uint64_t seed, uint64_t offset)
{
  float *e = eps ? eps : z;
  rn_cpu_rand(be, 1, e, n, 0.0f, 1.0f, seed, offset);
#pragma omp parallel for if (n > RN_OMP_MIN) schedule(static)
  for (long i = 0; i < n; i++)
    z[i] = rn_reparam(mu[i], logvar[i], e[i]);
}

void rn_cpu_gauss_sample_backward(struct rn_backend *be, float *dmu, float *dlogvar,
                                  const float *dz, const float *logvar, long n, uint64_t seed,
                                  uint64_t offset)
{
  (void)be;
  if (dmu)
#pragma omp parallel for if (n > RN_OMP_MIN) schedule(static)
    for (long i = 0; i < n; i++)
      dmu[i] += dz[i];
  if (dlogvar)
#pragma omp parallel for if (n > RN_OMP_MIN / 8) schedule(static)
    for (long i = 0; i < n; i++)
      dlogvar[i] += dz[i] * rn_reparam_dlogvar(logvar[i], rn_philox_normal(seed, offset + i));
}

void rn_cpu_adam(struct rn_backend *be, float *w, const float *g, float *m, float *v, long n,
                 const struct rn_adam_args *a)
{
  (void)be;
#pragma omp parallel for if (n > RN_OMP_MIN) schedule(static)
  for (long i = 0; i < n; i++)
    rn_adam_update(w + i, g[i], m + i, v + i, a->beta1, a->beta2, a->eps, a->lr, a->weight_decay,
                   a->decoupled, a->step_size, a->bc2_sqrt);
}
