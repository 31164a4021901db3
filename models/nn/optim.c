/* optim.c - Adam, weight EMA, gradient clipping, learning-rate schedules
 * (optim.h), over the whole parameter block through the backend table. */
#include <radnow/backend.h>
#include <radnow/optim.h>

#include <math.h>
#include <string.h>

#include "ops.h"

void rn_adam_init(struct rn_adam *a)
{
  memset(a, 0, sizeof *a);
  a->beta1 = 0.9f;
  a->beta2 = 0.999f;
  a->eps = 1e-8f;
}

static float *state(struct rn_params *p, float **blk)
{
  if (!*blk) {
    *blk = rn_alloc(p->be, (long)p->total);
    if (*blk)
      rn_zero(p->be, *blk, (long)p->total);
  }
  return *blk;
}

enum rn_status rn_adam_step(struct rn_adam *a, struct rn_params *p, float lr)
{
  struct rn_backend *be = p->be;
  struct rn_adam_args s;
  if (!p->data)
    return rn_error(RN_EINTERNAL, "adam: parameters not allocated");
  if (!state(p, &p->m) || !state(p, &p->v))
    return rn_backend_sync(be);
  a->step++;
  /* the bias corrections as PyTorch forms them: in double on the host */
  double bc1 = 1.0 - pow((double)a->beta1, (double)a->step);
  double bc2 = 1.0 - pow((double)a->beta2, (double)a->step);
  s.beta1 = a->beta1;
  s.beta2 = a->beta2;
  s.eps = a->eps;
  s.lr = lr;
  s.weight_decay = a->weight_decay;
  s.decoupled = a->decoupled;
  s.step_size = (float)(lr / bc1);
  s.bc2_sqrt = (float)sqrt(bc2);
  rn_backend_params_changed(be);
  if (!be->err)
    be->ops->adam(be, p->data, p->grad, p->m, p->v, (long)p->total, &s);
  return rn_backend_status(be) ? rn_backend_sync(be) : RN_OK;
}

enum rn_status rn_ema_update(struct rn_params *p, float decay)
{
  struct rn_backend *be = p->be;
  long n = (long)p->total;
  if (!p->data)
    return rn_error(RN_EINTERNAL, "ema: parameters not allocated");
  if (!p->ema) {
    p->ema = rn_alloc(be, n);
    rn_copy(be, p->ema, p->data, n);
    return rn_backend_status(be) ? rn_backend_sync(be) : RN_OK;
  }
  /* ema.mul_(decay).add_(w, alpha=1-decay), one rounding after each */
  if (!be->err) {
    be->ops->unary(be, RN_UN_AFFINE, decay, 0.0f, rn_flat(p->ema, n), rn_flat(p->ema, n));
    be->ops->unary(be, RN_UN_AXPY, 1.0f - decay, 0.0f, rn_flat(p->ema, n), rn_flat(p->data, n));
  }
  return rn_backend_status(be) ? rn_backend_sync(be) : RN_OK;
}

void rn_params_swap_ema(struct rn_params *p)
{
  float *t;
  if (!p->ema)
    return;
  rn_backend_params_changed(p->be);
  t = p->data;
  p->data = p->ema;
  p->ema = t;
  for (int i = 0; i < p->n; i++)
    p->t[i]->data = p->data + p->t[i]->offset;
}

double rn_grad_norm(struct rn_params *p)
{
  struct rn_backend *be = p->be;
  /* a sum of squares is the MSE loss against zero (the padding is zero) */
  struct rn_loss_args a = {.x = {p->grad, NULL, NULL, NULL}, .stride = {1, 0, 0, 0}};
  if (!p->grad || be->err)
    return 0.0;
  return sqrt(be->ops->loss_forward(be, RN_LOSS_MSE, &a, (long)p->total));
}

double rn_clip_grad_norm(struct rn_params *p, float max_norm)
{
  struct rn_backend *be = p->be;
  double norm = rn_grad_norm(p);
  float coef = (float)(max_norm / (norm + 1e-6));
  long n = (long)p->total;
  if (coef < 1.0f && !be->err)
    be->ops->unary(be, RN_UN_AFFINE, coef, 0.0f, rn_flat(p->grad, n), rn_flat(p->grad, n));
  return norm;
}

float rn_lr_at(const struct rn_lr_schedule *s, long step)
{
  double lr = s->base;
  if (step < 0)
    step = 0;
  switch (s->kind) {
  case RN_LR_CONSTANT: break;
  case RN_LR_STEP:
    if (s->step_size > 0)
      lr *= pow(s->gamma, (double)(step / s->step_size));
    break;
  case RN_LR_EXP: lr *= pow(s->gamma, (double)step); break;
  case RN_LR_COSINE: {
    long t = s->total > 0 && step > s->total ? s->total : step;
    double f = s->total > 0 ? 0.5 * (1.0 + cos(M_PI * (double)t / (double)s->total)) : 1.0;
    lr = s->min_lr + (s->base - s->min_lr) * f;
    break;
  }
  }
  if (s->warmup > 0) {
    long t = step < s->warmup ? step : s->warmup;
    lr *= s->warmup_start + (1.0 - s->warmup_start) * (double)t / (double)s->warmup;
  }
  return (float)lr;
}
