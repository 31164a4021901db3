/* loss.c - MSE, L1 (plain and balanced: weighted by a step function of the
 * target), Gaussian negative log-likelihood, KL of diagonal Gaussians
 * (formulas in models/nn/nnmath.h), and reparameterised sampling. */
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
  struct rn_loss_args a = {.x = {pred, target, 0, 0}, .stride = {1, 1, 0, 0}, .dx = {0, 0, 0, 0}};
  return check(be, "rn_mse_forward", n, n, "") ? 0.0 : fwd(be, RN_LOSS_MSE, &a, n, scale);
}

void rn_mse_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                     long n, float scale)
{
  struct rn_loss_args a = {.x = {pred, target, 0, 0}, .stride = {1, 1, 0, 0},
                           .dx = {dpred, 0, 0, 0}};
  if (check(be, "rn_mse_backward", n, n, "") == 0 && dpred)
    be->ops->loss_backward(be, RN_LOSS_MSE, &a, n, scale);
}

/* the steps of a balanced loss, checked (ascending thresholds, 1..MAXSTEPS) */
static int steps_of(struct rn_backend *be, const char *fn, const struct rn_loss_steps *s,
                    struct rn_loss_args *a)
{
  if (be->err)
    return -1;
  if (!s || s->n < 1 || s->n > RN_LOSS_MAXSTEPS) {
    rn_be_fail(be, RN_EINTERNAL, "%s: %d thresholds (need 1..%d)", fn, s ? s->n : 0,
               RN_LOSS_MAXSTEPS);
    return -1;
  }
  for (int k = 1; k < s->n; k++)
    if (!(s->thr[k] > s->thr[k - 1])) {
      rn_be_fail(be, RN_EINTERNAL, "%s: thresholds not ascending (%g, %g)", fn,
                 (double)s->thr[k - 1], (double)s->thr[k]);
      return -1;
    }
  a->steps = *s;
  return 0;
}

static double wfwd(struct rn_backend *be, const char *fn, enum rn_loss op, const float *pred,
                   const float *target, long n, const struct rn_loss_steps *s, float scale)
{
  struct rn_loss_args a = {.x = {pred, target, 0, 0}, .stride = {1, 1, 0, 0}, .dx = {0, 0, 0, 0}};
  return check(be, fn, n, n, "") || steps_of(be, fn, s, &a) ? 0.0 : fwd(be, op, &a, n, scale);
}

static void wbwd(struct rn_backend *be, const char *fn, enum rn_loss op, float *dpred,
                 const float *pred, const float *target, long n, const struct rn_loss_steps *s,
                 float scale)
{
  struct rn_loss_args a = {.x = {pred, target, 0, 0}, .stride = {1, 1, 0, 0},
                           .dx = {dpred, 0, 0, 0}};
  if (check(be, fn, n, n, "") == 0 && steps_of(be, fn, s, &a) == 0 && dpred)
    be->ops->loss_backward(be, op, &a, n, scale);
}

double rn_wmse_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                       const struct rn_loss_steps *steps, float scale)
{
  return wfwd(be, "rn_wmse_forward", RN_LOSS_MSE, pred, target, n, steps, scale);
}

void rn_wmse_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                      long n, const struct rn_loss_steps *steps, float scale)
{
  wbwd(be, "rn_wmse_backward", RN_LOSS_MSE, dpred, pred, target, n, steps, scale);
}

double rn_wl1_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                      const struct rn_loss_steps *steps, float scale)
{
  return wfwd(be, "rn_wl1_forward", RN_LOSS_L1, pred, target, n, steps, scale);
}

void rn_wl1_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                     long n, const struct rn_loss_steps *steps, float scale)
{
  wbwd(be, "rn_wl1_backward", RN_LOSS_L1, dpred, pred, target, n, steps, scale);
}

double rn_l1_forward(struct rn_backend *be, const float *pred, const float *target, long n,
                     float scale)
{
  struct rn_loss_args a = {.x = {pred, target, 0, 0}, .stride = {1, 1, 0, 0}, .dx = {0, 0, 0, 0}};
  return check(be, "rn_l1_forward", n, n, "") ? 0.0 : fwd(be, RN_LOSS_L1, &a, n, scale);
}

void rn_l1_backward(struct rn_backend *be, float *dpred, const float *pred, const float *target,
                    long n, float scale)
{
  struct rn_loss_args a = {.x = {pred, target, 0, 0}, .stride = {1, 1, 0, 0},
                           .dx = {dpred, 0, 0, 0}};
  if (check(be, "rn_l1_backward", n, n, "") == 0 && dpred)
    be->ops->loss_backward(be, RN_LOSS_L1, &a, n, scale);
}

double rn_gauss_nll_forward(struct rn_backend *be, const float *x, const float *mu,
                            const float *logvar, long n, long nlv, float scale)
{
  struct rn_loss_args a = {.x = {x, mu, logvar, 0}, .stride = {1, 1, nlv == n, 0},
                           .dx = {0, 0, 0, 0}};
  return check(be, "rn_gauss_nll_forward", n, nlv, "logvar") ? 0.0
                                                              : fwd(be, RN_LOSS_GNLL, &a, n, scale);
}

void rn_gauss_nll_backward(struct rn_backend *be, float *dmu, float *dlogvar, const float *x,
                           const float *mu, const float *logvar, long n, long nlv, float scale)
{
  struct rn_loss_args a = {.x = {x, mu, logvar, 0}, .stride = {1, 1, nlv == n, 0},
                           .dx = {0, dmu, dlogvar, 0}};
  if (check(be, "rn_gauss_nll_backward", n, nlv, "logvar") == 0 && (dmu || dlogvar))
    be->ops->loss_backward(be, RN_LOSS_GNLL, &a, n, scale);
}

double rn_kl_gauss_forward(struct rn_backend *be, const float *mu_q, const float *lv_q,
                           const float *mu_p, const float *lv_p, long n, long np, float scale)
{
  long sp = np == n;
  struct rn_loss_args a = {.x = {mu_q, lv_q, mu_p, lv_p}, .stride = {1, 1, sp, sp},
                           .dx = {0, 0, 0, 0}};
  return check(be, "rn_kl_gauss_forward", n, np, "prior") ? 0.0 : fwd(be, RN_LOSS_KL, &a, n, scale);
}

void rn_kl_gauss_backward(struct rn_backend *be, float *dmu_q, float *dlv_q, float *dmu_p,
                          float *dlv_p, const float *mu_q, const float *lv_q, const float *mu_p,
                          const float *lv_p, long n, long np, float scale)
{
  long sp = np == n;
  struct rn_loss_args a = {.x = {mu_q, lv_q, mu_p, lv_p}, .stride = {1, 1, sp, sp},
                           .dx = {dmu_q, dlv_q, dmu_p, dlv_p}};
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
