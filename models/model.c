/* model.c - the recurrent predictors' time loop (model.h): parameters,
 * the forward over a sequence with scheduled sampling, the loss, the
 * backward through time, inference, patching and memory accounting.
 *
 * One step t reads x_t (frame or blend with the previous prediction), runs
 * the layers bottom-up - layer l's cell, then (MotionRNN, l < L-1) its
 * wrapper - and predicts frame t+1 with a 1x1 convolution of the top
 * state. The zigzag memory M of PredRNN and MIM runs from layer l-1 to l
 * within a step and from the top layer to layer 0 across steps. The
 * Motion Highway of layer 0 is a 1x1 convolution of x_t, that of layer l
 * the output of layer l-1 before its fusion.
 *
 * The backward walks the steps in reverse and the layers top-down, so that
 * every gradient a state receives within a step (from the layer above, the
 * highway, MIM-N's difference, the output convolution) is complete before
 * the state's own cell uses it; gradients of the states of step t-1 gather
 * in a second set of buffers (ping-pong). */
#include "net.h"

#include <radnow/rng.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/ops.h"

static const struct cell_ops *cell_ops_of(enum rn_backbone b)
{
  switch (b) {
  case RN_BACKBONE_PREDRNN: return &net_predrnn_ops;
  case RN_BACKBONE_MIM: return &net_mim_ops;
  default: return &net_convlstm_ops;
  }
}

/* ---- create ---- */

static enum rn_status declare_all(struct rn_model *m)
{
  const struct rn_model_config *mc = &m->mc;
  enum rn_status st;
  int mim = mc->backbone == RN_BACKBONE_MIM, ntop = mc->hidden[m->L - 1];
  for (int l = 0; l < m->L; l++) {
    m->layer[l].cin = l ? mc->hidden[l - 1] : m->Cp;
    m->layer[l].nh = mc->hidden[l];
    if ((st = m->ops->declare(m, l)))
      return st;
    if (mc->motion && l < m->L - 1 && (st = net_wrapper_declare(m, l)))
      return st;
  }
  if (mc->motion && (st = net_conv_declare(m, &m->highway, "highway0", m->Cp, mc->hidden[0], 1,
                                           1, 0, 0, m->P, m->Q, -1, -1, 0)))
    return st;
  /* MIM's output convolution has a bias; predrnn-pytorch's and MotionRNN's do not */
  return net_conv_declare(m, &m->last, "conv_last", ntop, m->Cp, 1, 1, 0, mim, m->P, m->Q,
                          mim ? net_glorot(ntop, m->Cp, 1) : -1, 0, 0);
}

static void shape_of(struct rn_model *m, const struct rn_model_config *mc)
{
  m->mc = *mc;
  m->L = mc->layers;
  m->P = mc->height / mc->patch;
  m->Q = mc->width / mc->patch;
  m->Cp = mc->patch * mc->patch * mc->channels;
  m->ops = cell_ops_of(mc->backbone);
}

enum rn_status rn_model_create(struct rn_model **out, const struct rn_model_config *mc,
                               struct rn_backend *be)
{
  struct rn_model *m;
  enum rn_status st;
  *out = NULL;
  if ((st = net_config_check(mc, mc->type)))
    return st;
  if (!(m = rn_calloc(1, sizeof *m, "model")))
    return RN_ENOMEM;
  shape_of(m, mc);
  m->be = be;
  rn_params_init(&m->params);
  if ((st = declare_all(m)) || (st = rn_params_alloc(&m->params, be)))
    goto err;
  m->act = rn_arena_create(be, 0);
  m->tmp = rn_arena_create(be, 0);
  if (!m->act || !m->tmp) {
    st = rn_error(RN_ENOMEM, "model: %s: no memory for the activation arenas", mc->type);
    goto err;
  }
  *out = m;
  return RN_OK;
err:
  rn_model_destroy(m);
  return st;
}

void rn_model_destroy(struct rn_model *m)
{
  if (!m)
    return;
  if (m->act)
    rn_arena_destroy(m->act);
  if (m->tmp)
    rn_arena_destroy(m->tmp);
  rn_params_free(&m->params);
  free(m->steps);
  free(m->mask);
  free(m);
}

const struct rn_model_config *rn_model_get_config(const struct rn_model *m) { return &m->mc; }
struct rn_backend *rn_model_backend(const struct rn_model *m) { return m->be; }
struct rn_params *rn_model_params(struct rn_model *m) { return &m->params; }

enum rn_status rn_model_init(struct rn_model *m, uint64_t seed)
{
  uint64_t offset = 0;
  for (int i = 0; i < m->ninit; i++) {
    struct rn_tensor *t = m->init[i].t;
    switch (m->init[i].kind) {
    case NET_INIT_UNIFORM:
      rn_rand_uniform(m->be, t->data, t->size, -m->init[i].bound, m->init[i].bound, seed, offset);
      offset += (uint64_t)t->size;
      break;
    case NET_INIT_ZERO: rn_zero(m->be, t->data, t->size); break;
    case NET_INIT_ONE: rn_fill(m->be, t->data, t->size, 1.0f); break;
    }
  }
  return rn_backend_sync(m->be);
}

/* ---- patching ---- */

void rn_model_patchify(struct rn_model *m, float *out, const float *inp, int n)
{
  rn_space_to_depth_forward(m->be, out, inp, n, m->mc.channels, m->mc.height, m->mc.width,
                            m->mc.patch, RN_S2D_PATCH_MAJOR);
}

void rn_model_unpatchify(struct rn_model *m, float *out, const float *inp, int n)
{
  rn_depth_to_space_forward(m->be, out, inp, n, m->mc.channels, m->mc.height, m->mc.width,
                            m->mc.patch, RN_S2D_PATCH_MAJOR);
}

/* frames [B, T, C, H, W] -> patched time-major [T, B, Cp, P, Q] */
static float *patch_in(struct rn_model *m, const float *frames, int B, int T)
{
  const long Fp = (long)m->Cp * m->P * m->Q;
  size_t mark = rn_arena_mark(m->tmp);
  float *out = net_act(m, (long)T * B * Fp), *pb = net_tmp(m, (long)T * B * Fp);
  rn_model_patchify(m, pb, frames, B * T);
  for (int t = 0; t < T && out && pb; t++) {
    struct rn_slice dst = {out + (long)t * B * Fp, B, Fp, Fp};
    struct rn_slice src = {pb + (long)t * Fp, B, Fp, (long)T * Fp};
    rn_copy_slice(m->be, dst, src);
  }
  rn_arena_release(m->tmp, mark);
  return out;
}

/* patched time-major [n, B, Fp] (rows of step t) -> out frames [B, ld, C, H, W] at index k0 */
static void patch_out(struct rn_model *m, float *out, const float *pt, int B, int n, int ld,
                      int k0)
{
  const long Fp = (long)m->Cp * m->P * m->Q;
  size_t mark = rn_arena_mark(m->tmp);
  float *pb = net_tmp(m, (long)n * B * Fp), *ub = net_tmp(m, (long)n * B * Fp);
  if (!pb || !ub)
    return;
  for (int t = 0; t < n; t++) {
    struct rn_slice dst = {pb + (long)t * Fp, B, Fp, (long)n * Fp};
    struct rn_slice src = {(float *)pt + (long)t * B * Fp, B, Fp, Fp};
    rn_copy_slice(m->be, dst, src);
  }
  rn_model_unpatchify(m, ub, pb, B * n);
  {
    struct rn_slice dst = {out + (long)k0 * Fp, B, (long)n * Fp, (long)ld * Fp};
    rn_copy_slice(m->be, dst, rn_flat(ub, (long)n * B * Fp));
  }
  rn_arena_release(m->tmp, mark);
}

/* ---- one step ---- */

static long zero_size(const struct rn_model *m, int B)
{
  long HW = (long)m->P * m->Q, c = m->Cp;
  for (int l = 0; l < m->L; l++)
    if (m->mc.hidden[l] > c)
      c = m->mc.hidden[l];
  if (m->mc.motion && NET_MOTION_CH > c)
    c = NET_MOTION_CH;
  return (long)B * c * HW;
}

/* The state buffers of one step (the ping-pong sets of rn_model_predict, or
 * a fresh set per step in training). */
static void alloc_states(struct rn_model *m, struct net_step *s, int B)
{
  const long HW = (long)m->P * m->Q, Fp = (long)m->Cp * HW;
  const int mim = m->mc.backbone == RN_BACKBONE_MIM;
  for (int l = 0; l < m->L; l++) {
    const long n = (long)B * m->mc.hidden[l] * HW;
    struct net_state *st = &s->st[l];
    memset(st, 0, sizeof *st);
    st->h = net_act(m, n);
    st->c = net_act(m, n);
    if (mim && l > 0) {
      st->s = net_act(m, n);
      st->n = net_act(m, n);
      st->nc = net_act(m, n);
    }
    s->mem[l] = m->ops->has_m ? net_act(m, n) : NULL;
    s->F[l] = s->D[l] = NULL;
    if (m->mc.motion && l < m->L - 1) {
      s->F[l] = net_act(m, (long)B * NET_MOTION_CH * HW / 4);
      s->D[l] = net_act(m, (long)B * NET_MOTION_CH * HW / 4);
    }
  }
  s->pred = net_act(m, (long)B * Fp);
}

static void zero_state(const struct rn_model *m, struct net_state *z)
{
  z->h = z->c = z->s = z->n = z->nc = m->zero;
}

/* Fill in the inputs of layer l's cell at step t (prv NULL at t = 0). */
static void cell_inputs(const struct rn_model *m, int l, int t, int B, const struct net_step *cur,
                        const struct net_step *prv, const struct net_state *zs,
                        struct cell_in *in)
{
  in->t = t;
  in->B = B;
  in->x = l ? cur->st[l - 1].h : cur->x;
  in->hw = m->mc.motion ? (l ? cur->hpre[l - 1] : cur->hw0) : NULL;
  in->m = NULL;
  if (m->ops->has_m)
    in->m = l ? cur->mem[l - 1] : (prv ? prv->mem[m->L - 1] : m->zero);
  in->prev = prv ? &prv->st[l] : zs;
  in->below = l ? &cur->st[l - 1] : NULL;
  in->below_prev = l && prv ? &prv->st[l - 1] : NULL;
}

/* x_t: the frame, the previous prediction, or their blend by the mask. */
static float *step_input(struct rn_model *m, int t, int B, const float *frame, const float *pred)
{
  const int Tin = m->mc.input_length, K = m->mc.output_length - 1;
  const long Fp = (long)m->Cp * m->P * m->Q;
  int ones = 1, zeros = 1;
  float *x;
  if (t < Tin)
    return (float *)frame;
  for (int b = 0; b < B; b++) {
    float v = m->mask[(long)b * K + t - Tin];
    ones &= v == 1.0f;
    zeros &= v == 0.0f;
  }
  if (ones)
    return (float *)frame;
  if (zeros)
    return (float *)pred;
  x = net_act(m, B * Fp);
  for (int b = 0; b < B && x; b++) {
    float v = m->mask[(long)b * K + t - Tin];
    struct rn_slice xs = rn_flat(x + b * Fp, Fp);
    rn_affine_forward(m->be, xs, rn_flat(frame + b * Fp, Fp), v, 0.0f);
    rn_acc_slice(m->be, xs, rn_flat(pred + b * Fp, Fp), 1.0f - v);
  }
  return x;
}

static void step_forward(struct rn_model *m, int t, int B, struct net_step *cur,
                         const struct net_step *prv)
{
  const long HW = (long)m->P * m->Q;
  struct net_state zs;
  zero_state(m, &zs);
  cur->hw0 = NULL;
  if (m->mc.motion) {
    cur->hw0 = net_act(m, (long)B * m->mc.hidden[0] * HW);
    net_conv_fwd(m, &m->highway, cur->hw0, cur->x, B, NULL);
  }
  for (int l = 0; l < m->L; l++) {
    struct cell_in in;
    struct net_state out = cur->st[l];
    const int wrap = m->mc.motion && l < m->L - 1;
    const long n = (long)B * m->mc.hidden[l] * HW;
    if (wrap)
      out.h = net_act(m, n);
    cell_inputs(m, l, t, B, cur, prv, &zs, &in);
    m->ops->forward(m, l, &in, &out, cur->mem[l], &cur->cell[l]);
    cur->hpre[l] = out.h;
    if (wrap)
      net_wrapper_fwd(m, l, cur->st[l].h, cur->F[l], cur->D[l], out.h, prv ? prv->F[l] : m->zero,
                      prv ? prv->D[l] : m->zero, B, &cur->wrap[l]);
  }
  net_conv_fwd(m, &m->last, cur->pred, cur->st[m->L - 1].h, B, NULL);
}

static enum rn_status check_batch(struct rn_model *m, int B, const char *fn)
{
  if (B < 1 || B > 1 << 16)
    return rn_error(RN_EUSAGE, "model: %s: %s: batch %d", m->mc.type, fn, B);
  return rn_backend_status(m->be);
}

static enum rn_status finish(struct rn_model *m, const char *fn)
{
  enum rn_status st = rn_backend_sync(m->be);
  size_t a = rn_arena_peak(m->act), b = rn_arena_peak(m->tmp);
  if (a > m->peak_act)
    m->peak_act = a;
  if (b > m->peak_tmp)
    m->peak_tmp = b;
  if (st)
    return rn_error_prefix(st, "model: %s: %s", m->mc.type, fn);
  return RN_OK;
}

/* ---- training forward ---- */

/* The loss over the n patched values of the predicted frames (model.h):
 * mean or MIM's half sum of squares; the balanced ones weigh each pixel by
 * its true frame's rain rate (rn_model_loss_steps). */
static double loss_forward(struct rn_model *m, const float *pred, const float *target, long n)
{
  struct rn_loss_steps s;
  switch (m->mc.loss) {
  case RN_MODEL_LOSS_HALF_SUM: return rn_mse_forward(m->be, pred, target, n, 0.5f);
  case RN_MODEL_LOSS_BMSE:
  case RN_MODEL_LOSS_BMAE:
    rn_model_loss_steps(m->mc.loss, &s);
    return m->mc.loss == RN_MODEL_LOSS_BMSE
               ? rn_wmse_forward(m->be, pred, target, n, &s, 1.0f / (float)n)
               : rn_wl1_forward(m->be, pred, target, n, &s, 1.0f / (float)n);
  default: return rn_mse_forward(m->be, pred, target, n, 1.0f / (float)n);
  }
}

static void loss_backward(struct rn_model *m, float *dpred, const float *pred,
                          const float *target, long n)
{
  struct rn_loss_steps s;
  switch (m->mc.loss) {
  case RN_MODEL_LOSS_HALF_SUM: rn_mse_backward(m->be, dpred, pred, target, n, 0.5f); break;
  case RN_MODEL_LOSS_BMSE:
  case RN_MODEL_LOSS_BMAE:
    rn_model_loss_steps(m->mc.loss, &s);
    if (m->mc.loss == RN_MODEL_LOSS_BMSE)
      rn_wmse_backward(m->be, dpred, pred, target, n, &s, 1.0f / (float)n);
    else
      rn_wl1_backward(m->be, dpred, pred, target, n, &s, 1.0f / (float)n);
    break;
  default: rn_mse_backward(m->be, dpred, pred, target, n, 1.0f / (float)n); break;
  }
}

enum rn_status rn_model_forward(struct rn_model *m, const float *frames, const float *mask, int B,
                                double *loss)
{
  const int Tin = m->mc.input_length, T = Tin + m->mc.output_length, S = T - 1;
  const int K = m->mc.output_length - 1;
  const long Fp = (long)m->Cp * m->P * m->Q, n = (long)S * B * Fp;
  enum rn_status st;
  m->ready = 0;
  if ((st = check_batch(m, B, "forward")))
    return st;
  rn_arena_reset(m->act);
  rn_arena_reset(m->tmp);
  if (S > m->nsteps_cap) {
    struct net_step *s = realloc(m->steps, sizeof *s * S);
    if (!s)
      return rn_error(RN_ENOMEM, "model: %s: out of memory", m->mc.type);
    m->steps = s;
    m->nsteps_cap = S;
  }
  free(m->mask);
  if (!(m->mask = rn_malloc(sizeof(float) * ((long)B * K + 1), "scheduled-sampling mask")))
    return RN_ENOMEM;
  for (long i = 0; i < (long)B * K; i++)
    m->mask[i] = mask ? mask[i] : 1.0f;
  m->B = B;
  /* the weights stay as they are until the end of the backward pass */
  rn_backend_hold_params(m->be, 1);
  m->zero = rn_arena_zeros(m->act, zero_size(m, B));
  m->frames = patch_in(m, frames, B, T);
  m->preds = net_act(m, n);
  for (int t = 0; t < S && !rn_backend_status(m->be); t++) {
    struct net_step *cur = &m->steps[t], *prv = t ? &m->steps[t - 1] : NULL;
    alloc_states(m, cur, B);
    cur->pred = m->preds + (long)t * B * Fp;
    cur->x = step_input(m, t, B, m->frames + (long)t * B * Fp, prv ? prv->pred : NULL);
    step_forward(m, t, B, cur, prv);
  }
  if (!rn_backend_status(m->be)) {
    double l = loss_forward(m, m->preds, m->frames + (long)B * Fp, n);
    if (loss)
      *loss = l;
  }
  m->out = net_act(m, n);
  if (m->out)
    patch_out(m, m->out, m->preds, B, S, S, 0);
  if ((st = finish(m, "forward")))
    return st;
  m->ready = 1;
  return RN_OK;
}

const float *rn_model_predictions(const struct rn_model *m) { return m->out; }

/* ---- backward through time ---- */

struct grads {
  struct net_state st[2][RN_MODEL_MAXLAYERS]; /* [cur/next][layer] */
  float *F[2][RN_MODEL_MAXLAYERS], *D[2][RN_MODEL_MAXLAYERS];
  float *hpre[RN_MODEL_MAXLAYERS];
  float *dm[2];
  float *dx, *dhw, *dpred;
};

static void alloc_grads(struct rn_model *m, struct grads *g, int B)
{
  const long HW = (long)m->P * m->Q, nf = (long)B * NET_MOTION_CH * HW / 4;
  const int mim = m->mc.backbone == RN_BACKBONE_MIM;
  memset(g, 0, sizeof *g);
  for (int k = 0; k < 2; k++) {
    for (int l = 0; l < m->L; l++) {
      const long n = (long)B * m->mc.hidden[l] * HW;
      struct net_state *s = &g->st[k][l];
      s->h = net_tmpz(m, n);
      s->c = net_tmpz(m, n);
      if (mim && l > 0) {
        s->s = net_tmpz(m, n);
        s->n = net_tmpz(m, n);
        s->nc = net_tmpz(m, n);
      }
      if (m->mc.motion && l < m->L - 1) {
        g->F[k][l] = net_tmpz(m, nf);
        g->D[k][l] = net_tmpz(m, nf);
      }
    }
    if (m->ops->has_m)
      g->dm[k] = net_tmpz(m, (long)B * m->mc.hidden[0] * HW);
  }
  for (int l = 0; m->mc.motion && l < m->L; l++)
    g->hpre[l] = net_tmpz(m, (long)B * m->mc.hidden[l] * HW);
  g->dx = net_tmpz(m, (long)B * m->Cp * HW);
  if (m->mc.motion)
    g->dhw = net_tmpz(m, (long)B * m->mc.hidden[0] * HW);
}

static void zero_set(struct rn_model *m, struct grads *g, int k, int B)
{
  const long HW = (long)m->P * m->Q, nf = (long)B * NET_MOTION_CH * HW / 4;
  for (int l = 0; l < m->L; l++) {
    const long n = (long)B * m->mc.hidden[l] * HW;
    struct net_state *s = &g->st[k][l];
    float *p[5] = {s->h, s->c, s->s, s->n, s->nc};
    for (int i = 0; i < 5; i++)
      if (p[i])
        rn_zero(m->be, p[i], n);
    if (g->F[k][l]) {
      rn_zero(m->be, g->F[k][l], nf);
      rn_zero(m->be, g->D[k][l], nf);
    }
  }
}

enum rn_status rn_model_backward(struct rn_model *m)
{
  const int Tin = m->mc.input_length, S = Tin + m->mc.output_length - 1;
  const int K = m->mc.output_length - 1, B = m->B, L = m->L;
  const long HW = (long)m->P * m->Q, Fp = (long)m->Cp * HW, n = (long)S * B * Fp;
  const long nm = (long)B * m->mc.hidden[0] * HW;
  static const struct net_state none;
  struct net_state zs;
  struct grads g;
  int cur = 0, da = 0;
  enum rn_status st;
  if (!m->ready)
    return rn_error(RN_EUSAGE, "model: %s: backward without a forward", m->mc.type);
  if ((st = rn_backend_status(m->be)))
    return st;
  m->ready = 0;
  zero_state(m, &zs);
  rn_arena_reset(m->tmp);
  alloc_grads(m, &g, B);
  g.dpred = net_tmpz(m, n);
  loss_backward(m, g.dpred, m->preds, m->frames + (long)B * Fp, n);
  for (int t = S - 1; t >= 0 && !rn_backend_status(m->be); t--) {
    const struct net_step *s = &m->steps[t], *pv = t ? &m->steps[t - 1] : NULL;
    const int nxt = cur ^ 1;
    int need_dx = 0;
    for (int b = 0; t >= Tin && b < B; b++)
      need_dx |= m->mask[(long)b * K + t - Tin] != 1.0f;
    zero_set(m, &g, nxt, B);
    if (need_dx)
      rn_zero(m->be, g.dx, B * Fp);
    if (m->mc.motion) {
      rn_zero(m->be, g.dhw, nm);
      for (int l = 0; l < L; l++)
        rn_zero(m->be, g.hpre[l], (long)B * m->mc.hidden[l] * HW);
    }
    net_conv_bwd(m, &m->last, g.st[cur][L - 1].h, g.dpred + (long)t * B * Fp, s->st[L - 1].h, B,
                 NULL);
    for (int l = L - 1; l >= 0; l--) {
      struct cell_in in;
      struct cell_grad cg;
      struct net_state out = s->st[l];
      const int wrap = m->mc.motion && l < L - 1;
      float *dh = g.st[cur][l].h;
      if (wrap) {
        net_wrapper_bwd(m, l, g.hpre[l], pv ? g.F[nxt][l] : NULL, pv ? g.D[nxt][l] : NULL,
                        g.st[cur][l].h, g.F[cur][l], g.D[cur][l], s->hpre[l],
                        pv ? pv->F[l] : m->zero, pv ? pv->D[l] : m->zero, s->st[l].h, s->F[l], B,
                        &s->wrap[l]);
        dh = g.hpre[l];
      }
      out.h = s->hpre[l];
      cell_inputs(m, l, t, B, s, pv, &zs, &in);
      memset(&cg, 0, sizeof cg);
      cg.dout = g.st[cur][l];
      cg.dout.h = dh;
      cg.dprev = pv ? g.st[nxt][l] : none;
      cg.dbelow = l ? g.st[cur][l - 1] : none;
      cg.dbelow_prev = l && pv ? g.st[nxt][l - 1] : none;
      cg.dx = l ? g.st[cur][l - 1].h : (need_dx ? g.dx : NULL);
      cg.dhw = m->mc.motion ? (l ? g.hpre[l - 1] : g.dhw) : NULL;
      if (m->ops->has_m) {
        cg.dm_out = g.dm[da];
        if (l || pv) {
          rn_zero(m->be, g.dm[da ^ 1], nm);
          cg.dm_in = g.dm[da ^ 1];
        }
      }
      m->ops->backward(m, l, &in, &out, s->mem[l], &s->cell[l], &cg);
      da ^= 1;
    }
    if (m->mc.motion)
      net_conv_bwd(m, &m->highway, need_dx ? g.dx : NULL, g.dhw, s->x, B, NULL);
    for (int b = 0; need_dx && b < B; b++) {
      float v = m->mask[(long)b * K + t - Tin];
      if (v != 1.0f)
        rn_acc_slice(m->be, rn_flat(g.dpred + ((long)(t - 1) * B + b) * Fp, Fp),
                     rn_flat(g.dx + b * Fp, Fp), 1.0f - v);
    }
    cur = nxt;
  }
  rn_backend_hold_params(m->be, 0);
  return finish(m, "backward");
}

/* ---- inference ---- */

enum rn_status rn_model_predict(struct rn_model *m, float *pred, const float *frames, int B)
{
  const int Tin = m->mc.input_length, Tout = m->mc.output_length, S = Tin + Tout - 1;
  const long Fp = (long)m->Cp * m->P * m->Q;
  struct net_step *rec;
  float *fr;
  enum rn_status st;
  m->ready = 0;
  if ((st = check_batch(m, B, "predict")))
    return st;
  if (!(rec = rn_calloc(2, sizeof *rec, "model steps")))
    return RN_ENOMEM;
  rn_arena_reset(m->act);
  rn_arena_reset(m->tmp);
  rn_backend_hold_params(m->be, 1);
  m->zero = rn_arena_zeros(m->act, zero_size(m, B));
  fr = patch_in(m, frames, B, Tin);
  alloc_states(m, &rec[0], B);
  alloc_states(m, &rec[1], B);
  for (int t = 0; t < S && !rn_backend_status(m->be); t++) {
    struct net_step *cur = &rec[t & 1], *prv = t ? &rec[(t + 1) & 1] : NULL;
    size_t mark = rn_arena_mark(m->act);
    cur->x = t < Tin ? fr + (long)t * B * Fp : prv->pred;
    step_forward(m, t, B, cur, prv);
    rn_arena_release(m->act, mark);
    if (t >= Tin - 1)
      patch_out(m, pred, cur->pred, B, 1, Tout, t - (Tin - 1));
  }
  free(rec);
  rn_backend_hold_params(m->be, 0);
  return finish(m, "predict");
}

/* ---- accounting ---- */

void rn_model_memory(const struct rn_model *m, struct rn_model_memory *mem)
{
  const struct rn_params *p = &m->params;
  size_t a = rn_arena_peak(m->act), b = rn_arena_peak(m->tmp);
  memset(mem, 0, sizeof *mem);
  mem->params = p->total * sizeof(float);
  mem->grads = p->grad ? p->total * sizeof(float) : 0;
  mem->optimizer = ((p->m ? 1 : 0) + (p->v ? 1 : 0) + (p->ema ? 1 : 0)) * p->total * sizeof(float);
  mem->peak_activations =
      ((a > m->peak_act ? a : m->peak_act) + (b > m->peak_tmp ? b : m->peak_tmp)) * sizeof(float);
  mem->scratch = m->be->work_cap * sizeof(float);
  mem->total = mem->params + mem->grads + mem->optimizer + mem->peak_activations + mem->scratch;
}

/* Multiply-adds of every convolution, counted on a model declared without
 * memory. */
static double conv_flops(const struct net_conv *c)
{
  if (!c->w)
    return 0.0;
  return 2.0 * (double)net_conv_outsize(c) * c->cin * c->k * c->k /
         (c->transposed ? (double)c->stride * c->stride : 1.0);
}

double rn_model_flops(const struct rn_model_config *mc, int B)
{
  struct rn_model *m = calloc(1, sizeof *m);
  double per_step = 0.0, mimn = 0.0;
  int S = mc->input_length + mc->output_length - 1;
  if (!m || net_config_check(mc, mc->type)) {
    free(m);
    return 0.0;
  }
  shape_of(m, mc);
  rn_params_init(&m->params);
  if (declare_all(m) == RN_OK) {
    for (int l = 0; l < m->L; l++) {
      const struct net_layer *L = &m->layer[l];
      const struct net_wrapper *w = &L->wr;
      const struct net_conv *cs[] = {&L->cx, &L->ch, &L->cm, &L->co, &L->clast, &L->ct, &L->cs,
                                     &L->mims.h, &L->mims.x, &w->enc, &w->upd, &w->rst,
                                     &w->out, &w->wgate, &w->wconv, &w->dec, &w->gate};
      for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
        per_step += conv_flops(cs[i]);
      mimn += conv_flops(&L->mimn.h) + conv_flops(&L->mimn.x);
    }
    per_step += conv_flops(&m->highway) + conv_flops(&m->last);
  }
  rn_params_free(&m->params);
  free(m);
  return B * (S * per_step + (S - 1) * mimn);
}
