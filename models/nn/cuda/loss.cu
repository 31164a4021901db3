/* loss.cu - losses, Philox numbers, reparameterised sampling and Adam
 * (mirrors cpu_loss.c; formulas in nnmath.h). Sums are per-block in double,
 * added into a small device scratch with atomicAdd (sm_60 and later). */
#include "config.h"

#include "cuda.h"
#include "../nnmath.h"

struct largs {
  const float *x[4];
  long stride[4];
  float *dx[4];
  struct rn_loss_steps steps;
};

static struct largs largs_of(const struct rn_loss_args *a)
{
  struct largs l;
  for (int k = 0; k < 4; k++) {
    l.x[k] = a->x[k];
    l.stride[k] = a->stride[k];
    l.dx[k] = a->dx[k];
  }
  l.steps = a->steps;
  return l;
}

__device__ static float operand(const struct largs &a, int k, long i)
{
  return a.x[k] ? a.x[k][i * a.stride[k]] : 0.0f;
}

__global__ static void k_loss_fwd(int op, struct largs a, long n, double *out)
{
  double s = 0.0;
  RN_GRID_LOOP(i, n)
  {
    float b = operand(a, 1, i);
    s += rn_loss_weight(a.steps.n, a.steps.thr, a.steps.w, b) *
         rn_loss_value(op, operand(a, 0, i), b, operand(a, 2, i), operand(a, 3, i));
  }
  s = rn_block_sum(s);
  if (threadIdx.x == 0)
    atomicAdd(out, s);
}

double rn_cu_loss_forward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                          long n)
{
  struct rn_cuda *c = RN_CU(be);
  double s = 0.0;
  cudaMemsetAsync(c->red, 0, sizeof(double), c->stream);
  RN_LAUNCH(k_loss_fwd, rn_blocks(n), RN_THREADS, c->stream, (int)op, largs_of(a), n, c->red);
  rn_cuda_check(be, "loss");
  if (!be->err)
    be->ops->download(be, &s, c->red, sizeof s);
  return s;
}

/* broadcast operands (stride 0) sum their gradient into red[k] */
__global__ static void k_loss_bwd(int op, struct largs a, long n, float scale, double *red)
{
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  RN_GRID_LOOP(i, n)
  {
    float g[4], b = operand(a, 1, i);
    float w = rn_loss_weight(a.steps.n, a.steps.thr, a.steps.w, b);
    rn_loss_grad(op, operand(a, 0, i), b, operand(a, 2, i), operand(a, 3, i), g);
    for (int k = 0; k < 4; k++) {
      g[k] *= w;
      if (!a.dx[k])
        continue;
      if (a.stride[k])
        a.dx[k][i * a.stride[k]] += scale * g[k];
      else
        s[k] += g[k];
    }
  }
  for (int k = 0; k < 4; k++)
    if (a.dx[k] && !a.stride[k]) {
      double t = rn_block_sum(s[k]);
      if (threadIdx.x == 0)
        atomicAdd(red + k, t);
    }
}

__global__ static void k_loss_bcast(struct largs a, float scale, const double *red)
{
  for (int k = 0; k < 4; k++)
    if (a.dx[k] && !a.stride[k])
      a.dx[k][0] += (float)(scale * red[k]);
}

void rn_cu_loss_backward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                         long n, float scale)
{
  struct rn_cuda *c = RN_CU(be);
  struct largs l = largs_of(a);
  cudaMemsetAsync(c->red, 0, 4 * sizeof(double), c->stream);
  RN_LAUNCH(k_loss_bwd, rn_blocks(n), RN_THREADS, c->stream, (int)op, l, n, scale, c->red);
  rn_cuda_check(be, "loss backward");
  RN_LAUNCH(k_loss_bcast, 1, 1, c->stream, l, scale, c->red);
  rn_cuda_check(be, "loss backward");
}

__global__ static void k_rand(int normal, float *x, long n, float a, float b, uint64_t seed,
                              uint64_t offset)
{
  RN_GRID_LOOP(i, n)
  {
    uint64_t idx = offset + (uint64_t)i;
    x[i] = normal ? a + b * rn_philox_normal(seed, idx) : a + (b - a) * rn_philox_uniform(seed, idx);
  }
}

void rn_cu_rand(struct rn_backend *be, int normal, float *x, long n, float a, float b,
                uint64_t seed, uint64_t offset)
{
  RN_LAUNCH(k_rand, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, normal, x, n, a, b, seed, offset);
  rn_cuda_check(be, "random numbers");
}

__global__ static void k_gauss_sample(float *z, float *eps, const float *mu, const float *lv,
                                      long n, uint64_t seed, uint64_t offset)
{
  RN_GRID_LOOP(i, n)
  {
    float e = 0.0f + 1.0f * rn_philox_normal(seed, offset + (uint64_t)i);
    if (eps)
      eps[i] = e;
    z[i] = rn_reparam(mu[i], lv[i], e);
  }
}

void rn_cu_gauss_sample(struct rn_backend *be, float *z, float *eps, const float *mu,
                        const float *logvar, long n, uint64_t seed, uint64_t offset)
{
  RN_LAUNCH(k_gauss_sample, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, z, eps, mu, logvar, n, seed,
                                                                     offset);
  rn_cuda_check(be, "gaussian sample");
}

__global__ static void k_gauss_sample_bwd(float *dmu, float *dlv, const float *dz, const float *lv,
                                          long n, uint64_t seed, uint64_t offset)
{
  RN_GRID_LOOP(i, n)
  {
    if (dmu)
      dmu[i] += dz[i];
    if (dlv)
      dlv[i] += dz[i] * rn_reparam_dlogvar(lv[i], rn_philox_normal(seed, offset + (uint64_t)i));
  }
}

void rn_cu_gauss_sample_backward(struct rn_backend *be, float *dmu, float *dlogvar,
                                 const float *dz, const float *logvar, long n, uint64_t seed,
                                 uint64_t offset)
{
  RN_LAUNCH(k_gauss_sample_bwd, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, dmu, dlogvar, dz, logvar,
                                                                         n, seed, offset);
  rn_cuda_check(be, "gaussian sample backward");
}

__global__ static void k_adam(float *w, const float *g, float *m, float *v, long n,
                              struct rn_adam_args a)
{
  RN_GRID_LOOP(i, n)
  rn_adam_update(w + i, g[i], m + i, v + i, a.beta1, a.beta2, a.eps, a.lr, a.weight_decay,
                 a.decoupled, a.step_size, a.bc2_sqrt);
}

void rn_cu_adam(struct rn_backend *be, float *w, const float *g, float *m, float *v, long n,
                const struct rn_adam_args *a)
{
  RN_LAUNCH(k_adam, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, w, g, m, v, n, *a);
  rn_cuda_check(be, "adam");
}
