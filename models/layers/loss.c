/* loss.c - MSE, L1, Gaussian negative log-likelihood, KL of diagonal
 * Gaussians (formulas in models/nn/nnmath.h), and reparameterised sampling. */
#include <radnow/layers.h>

#include "../nn/ops.h"

static int check(struct rn_backend *be, const char *fn, long n, long nb, const char *what)
{
  if (be->err)
    return -1;
  if (n < 1 || (nb != n && nb != 1)) {
    rn_be_fail(be, RN_EINTERNAL, "%s: %ld elements, %ld %s values (need %ld or 1)", fn, n, nb,
               what, n);
    return -1;
  }
  return 0;
}

static double fwd(struct rn_backend *be, enum rn_loss op, struct rn_loss_args *a, long n,
                  float scale)
{
  return scale * be->ops->loss_forward(be, op, a, n);
}

double rn_mse_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                      float scale)
{
  struct rn_loss_args a = {{pred, target, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}};
  return check(be, "rn_mse_forward", n, n, "") ? 0.0 : fwd(be, RN_LOSS_MSE, &a, n, scale);
}

void rn_mse_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                     long n, float scale)
{
  struct rn_loss_args a = {{pred, target, 0, 0}, {1, 1, 0, 0}, {dpred, 0, 0, 0}};
  if (check(be, "rn_mse_backward", n, n, "") == 0 && dpred)
    be->ops->loss_backward(be, RN_LOSS_MSE, &a, n, scale);
}

double rn_l1_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                     float scale)
{
  struct rn_loss_args a = {{pred, target, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}};
  return check(be, "rn_l1_forward", n, n, "") ? 0.0 : fwd(be, RN_LOSS_L1, &a, n, scale);
}

void rn_l1_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                    long n, float scale)
{
  struct rn_loss_args a = {{pred, target, 0, 0}, {1, 1, 0, 0}, {dpred, 0, 0, 0}};
  if (check(be, "rn_l1_backward", n, n, "") == 0 && dpred)
    be->ops->loss_backward(be, RN_LOSS_L1, &a, n, scale);
}

double rn_gauss_nll_forward(struct rn_backend *be, const float *x, const float *mu,
                            const float *logvar, long n, long nlv, float scale)
{
  struct rn_loss_args a = {{x, mu, logvar, 0}, {1, 1, nlv == n, 0}, {0, 0, 0, 0}};
  return check(be, "rn_gauss_nll_forward", n, nlv, "logvar") ? 0.0
                                                              : fwd(be, RN_LOSS_GNLL, &a, n, scale);
}

void rn_gauss_nll_backward(struct rn_backend *be, float *dmu, float *dlogvar, const float *x,
                           const float *mu, const float *logvar, long n, long nlv, float scale)
{
  struct rn_loss_args a = {{x, mu, logvar, 0}, {1, 1, nlv == n, 0}, {0, dmu, dlogvar, 0}};
  if (check(be, "rn_gauss_nll_backward", n, nlv, "logvar") == 0 && (dmu || dlogvar))
    be->ops->loss_backward(be, RN_LOSS_GNLL, &a, n, scale);
}

double rn_kl_gauss_forward(struct rn_backend *be, const float *mu_q, const float *lv_q,
                           const float *mu_p, const float *lv_p, long n, long np, float scale)
{
  long sp = np == n;
  struct rn_loss_args a = {{mu_q, lv_q, mu_p, lv_p}, {1, 1, sp, sp}, {0, 0, 0, 0}};
  return check(be, "rn_kl_gauss_forward", n, np, "prior") ? 0.0 : fwd(be, RN_LOSS_KL, &a, n, scale);
}

void rn_kl_gauss_backward(struct rn_backend *be, float *dmu_q, float *dlv_q, float *dmu_p,
                          float *dlv_p, const float *mu_q, const float *lv_q, const float *mu_p,
                          const float *lv_p, long n, long np, float scale)
{
  long sp = np == n;
  struct rn_loss_args a = {{mu_q, lv_q, mu_p, lv_p}, {1, 1, sp, sp}, {dmu_q, dlv_q, dmu_p, dlv_p}};
  if (check(be, "rn_kl_gauss_backward", n, np, "prior") == 0 && (dmu_q || dlv_q || dmu_p || dlv_p))
    be->ops->loss_backward(be, RN_LOSS_KL, &a, n, scale);
}

void rn_gauss_sample_forward(struct rn_backend *be, float *z, const float *mu, const float *logvar,
                             long n, uint64_t seed, uint64_t offset)
{
  if (check(be, "rn_gauss_sample_forward", n, n, "") == 0)
    be->ops->gauss_sample(be, z, NULL, mu, logvar, n, seed, offset);
}

void rn_gauss_sample_backward(struct rn_backend *be, float *dmu, float *dlogvar, const float *dz,
                              const float *logvar, long n, uint64_t seed, uint64_t offset)
{
  if (check(be, "rn_gauss_sample_backward", n, n, "") == 0 && (dmu || dlogvar))
    be->ops->gauss_sample_backward(be, dmu, dlogvar, dz, logvar, n, seed, offset);
}
