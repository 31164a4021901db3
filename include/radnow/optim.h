/* optim.h - training: Adam (and AdamW), an exponential moving average of the
 * weights, global-norm gradient clipping and learning-rate schedules.
 *
 * All work on a whole parameter block (tensor.h) at once. A step:
 *
 *   rn_params_zero_grad(&p);
 *   ... forward, loss, backward (layers.h) ...
 *   rn_clip_grad_norm(&p, 1.0f);                 // optional
 *   rn_adam_step(&adam, &p, rn_lr_at(&sched, adam.step));
 *   rn_ema_update(&p, 0.999f);                   // optional
 *
 * The arithmetic is PyTorch's (torch.optim.Adam, clip_grad_norm_) in the same
 * order of float operations; tests/numeric checks ten steps against it. */
#ifndef RADNOW_OPTIM_H
#define RADNOW_OPTIM_H

#include <radnow/status.h>
#include <radnow/tensor.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_adam {
  float beta1, beta2, eps;
  float weight_decay; /* 0: none */
  int decoupled;      /* 1: AdamW (w *= 1 - lr wd), 0: L2 added to the gradient */
  long step;          /* steps taken so far */
};

/* PyTorch's defaults: betas 0.9/0.999, eps 1e-8, no weight decay.
 * MIM trains with betas 0.95/0.9995. */
void rn_adam_init(struct rn_adam *a);
/* One update of every parameter with learning rate lr; m and v are
 * allocated (zeroed) on the first call. */
enum rn_status rn_adam_step(struct rn_adam *a, struct rn_params *p, float lr);

/* ema = decay ema + (1 - decay) w; the first call copies w. */
enum rn_status rn_ema_update(struct rn_params *p, float decay);
/* Exchange the weights and their average (evaluate with the average, then
 * swap back to continue training). */
void rn_params_swap_ema(struct rn_params *p);

/* The global L2 norm of all gradients (computed in double). */
double rn_grad_norm(struct rn_params *p);
/* Scale the gradients so their global norm is at most max_norm
 * (torch.nn.utils.clip_grad_norm_: coefficient max_norm / (norm + 1e-6));
 * returns the norm before clipping. */
double rn_clip_grad_norm(struct rn_params *p, float max_norm);

/* Learning rate at a step (0-based): a decay times an optional linear
 * warm-up. Decays, as PyTorch's schedulers compute them:
 *   CONSTANT  base
 *   STEP      base gamma^floor(step / step_size)                    (StepLR)
 *   EXP       base gamma^step                                       (ExponentialLR)
 *   COSINE    min + (base - min) (1 + cos(pi t / total)) / 2, t = min(step, total)
 *                                                                   (CosineAnnealingLR)
 * Warm-up (warmup > 0): times start + (1 - start) min(step, warmup) / warmup
 * (LinearLR with start_factor = start, total_iters = warmup). */
enum rn_lr_kind { RN_LR_CONSTANT = 0, RN_LR_STEP, RN_LR_EXP, RN_LR_COSINE };

struct rn_lr_schedule {
  enum rn_lr_kind kind;
  double base;
  long step_size;       /* STEP */
  double gamma;         /* STEP, EXP */
  long total;           /* COSINE: steps to reach min_lr */
  double min_lr;        /* COSINE */
  long warmup;          /* 0: none */
  double warmup_start;  /* factor at step 0 */
};

float rn_lr_at(const struct rn_lr_schedule *s, long step);

#ifdef __cplusplus
}
#endif
#endif
