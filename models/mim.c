/* mim.c - Memory In Memory (Wang et al. CVPR 2019; reference code in
 * TensorFlow), MODELS.md. Layer 0 is an ST-LSTM whose x gates are shared by
 * the C and M paths; layers >= 1 are MIM blocks whose temporal memory is
 * renewed by MIM-S from the output D of MIM-N (the non-stationary part).
 *
 * Layer 0:  [i,g,f,o]_x = W_x*X,  [i,g,f,o]_h = W_h*H,  [i,g,f,o]_m = W_m*M
 *   C' = s(f_x+f_h+1) C + s(i_x+i_h) tanh(g_x+g_h)
 *   M' = s(f_x+f_m+1) M + s(i_x+i_m) tanh(g_x+g_m)
 *   H' = s(o_x+o_h+o_m) tanh(W_1x1*[C',M'] + b)
 * Block (l >= 1), X = H^{l-1}_t:
 *   D    = MIM-N(x = H^0_t - H^0_{t-1} (l = 1) or D^{l-1}_t, its own state)
 *          (not run at t = 0, where D = 0)
 *   [i,g,o]_t = W_t*H,  [i,g,f,o]_s = W_s*M,  [i,g,f,o]_x = W_x*X
 *   M' = s(f_x+f_s+1) M + s(i_x+i_s) tanh(g_x+g_s)
 *   (T, S') = MIM-S(x = D, h = C, c = S);   C' = T + s(i_x+i_t) tanh(g_x+g_t)
 *   H' = s(o_x+o_t+o_s) tanh(W_1x1*[C',M'] + b)
 * MIM-N and MIM-S are the peephole LSTM below. With MotionRNN every H' also
 * gets + (1 - o) hw, and H^0 in the difference is the fused state.
 *
 * Every convolution has a bias. Layer norm (when on) is per sample over
 * (C, P, Q) with per-channel gamma/beta, after every gate convolution but
 * never after the 1x1 reduction. Initialisation (rn_model_init): Glorot
 * uniform weights (TensorFlow's, fans times k*k), zero biases; MIM-N's
 * convolutions and peepholes uniform +-0.001; MIM-S's peepholes take the
 * Glorot bound of its h convolution.
 *
 * The TensorFlow code skips MIM-S's x term entirely at t = 0 (D is None
 * there); MODELS.md and the reference feed D = 0, which differs only by
 * that term's bias (and layer norm) at the first step.
 *
 * Parameters: cells.0.conv_{x,h,m,last}.{weight,bias}, cells.0.ln_{x,h,m}.{gamma,beta},
 * cells.L.conv_{t,s,x,last}.*, cells.L.ln_{t,s,x}.*, cells.L.mims.*,
 * mimn.(L-1).* (conv_h, conv_x, ln_h, ln_x, w_ci, w_cf, w_co). */
#include "net.h"

#include <stdio.h>

#define GATE4(p, k) rn_chan(p, B, 4 * nh, HW, (k) * nh, nh)

/* ---- the peephole LSTM: MIM-N and MIM-S ----
 *   [i,g,f,o] = W_h*h + b_h + W_x*x + b_x
 *   i = s(i + w_ci c),  f = s(f + w_cf c + 1),  c' = f c + i tanh(g)
 *   out = s(o + w_co c') tanh(c')
 * The peepholes are per pixel and shared by the batch: each sample is one
 * call on a [nh, P, Q] row. */
enum { PV_CH = 0, PV_CX = 3, PV_A = 6, PV_TO = 7 };

enum rn_status net_peephole_declare(struct rn_model *m, struct net_peephole *p, const char *prefix,
                                    int cin, int nh, float conv_bound)
{
  int k = m->mc.filter, shape[3] = {nh, m->P, m->Q};
  float pb = conv_bound > 0 ? conv_bound : net_glorot(nh, 4 * nh, k);
  char pre[96];
  enum rn_status st;
  float bh = conv_bound > 0 ? conv_bound : net_glorot(nh, 4 * nh, k);
  float bx = conv_bound > 0 ? conv_bound : net_glorot(cin, 4 * nh, k);
  snprintf(pre, sizeof pre, "%s.conv_h", prefix);
  if ((st = net_conv_declare(m, &p->h, pre, nh, 4 * nh, k, 1, k / 2, 1, m->P, m->Q, bh, 0, 0)))
    return st;
  snprintf(pre, sizeof pre, "%s.conv_x", prefix);
  if ((st = net_conv_declare(m, &p->x, pre, cin, 4 * nh, k, 1, k / 2, 1, m->P, m->Q, bx, 0, 0)))
    return st;
  if (m->mc.layer_norm) {
    snprintf(pre, sizeof pre, "%s.ln_h", prefix);
    if ((st = net_ln_declare(m, &p->h, pre, RN_AFFINE_CHANNEL)))
      return st;
    snprintf(pre, sizeof pre, "%s.ln_x", prefix);
    if ((st = net_ln_declare(m, &p->x, pre, RN_AFFINE_CHANNEL)))
      return st;
  }
  p->wci = net_param(m, NET_INIT_UNIFORM, pb, 3, shape, "%s.w_ci", prefix);
  p->wcf = net_param(m, NET_INIT_UNIFORM, pb, 3, shape, "%s.w_cf", prefix);
  p->wco = net_param(m, NET_INIT_UNIFORM, pb, 3, shape, "%s.w_co", prefix);
  return p->wci && p->wcf && p->wco ? RN_OK : RN_EINTERNAL;
}

/* gate k of sample b += w * c[b] (tmp: one sample) */
static void peep_add(struct rn_model *m, float *A, int k, const float *w, const float *c, int B,
                     int nh, long HW, float *tmp)
{
  const long n1 = (long)nh * HW;
  for (int b = 0; b < B; b++) {
    float *a = A + ((long)b * 4 + k) * n1;
    rn_mul_forward(m->be, rn_flat(tmp, n1), rn_flat(w, n1), rn_flat(c + b * n1, n1));
    rn_add_forward(m->be, rn_flat(a, n1), rn_flat(a, n1), rn_flat(tmp, n1));
  }
}

/* from the gradient of gate k's pre-activation: dc[b] += dA w, dw += dA c[b] */
static void peep_bwd(struct rn_model *m, const float *dA, int k, const struct rn_tensor *w,
                     float *dc, const float *c, int B, int nh, long HW)
{
  const long n1 = (long)nh * HW;
  struct rn_slice none = {0};
  for (int b = 0; b < B; b++)
    rn_mul_backward(m->be, dc ? rn_flat(dc + b * n1, n1) : none, rn_flat(w->grad, n1),
                    rn_flat(dA + ((long)b * 4 + k) * n1, n1), rn_flat(c + b * n1, n1),
                    rn_flat(w->data, n1));
}

void net_peephole_fwd(struct rn_model *m, const struct net_peephole *p, float *out, float *cn,
                      const float *x, const float *h, const float *c, int B, float **sv)
{
  const int nh = p->h.cin;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  size_t mark = rn_arena_mark(m->tmp);
  float *A = net_act(m, 4 * n), *to = net_act(m, n);
  float *gx = net_tmp(m, 4 * n), *tmp = net_tmp(m, n);
  net_conv_fwd(m, &p->h, A, h, B, sv + PV_CH);
  net_conv_fwd(m, &p->x, gx, x, B, sv + PV_CX);
  rn_add_forward(m->be, rn_flat(A, 4 * n), rn_flat(gx, 4 * n), rn_flat(A, 4 * n));
  peep_add(m, A, 0, p->wci->data, c, B, nh, HW, tmp);
  peep_add(m, A, 2, p->wcf->data, c, B, nh, HW, tmp);
  net_sigmoid(m, GATE4(A, 0), 0.0f);
  net_tanh(m, GATE4(A, 1));
  net_sigmoid(m, GATE4(A, 2), 1.0f);
  net_update_fwd(m, rn_flat(cn, n), GATE4(A, 2), rn_flat(c, n), GATE4(A, 0), GATE4(A, 1), tmp);
  peep_add(m, A, 3, p->wco->data, cn, B, nh, HW, tmp);
  net_sigmoid(m, GATE4(A, 3), 0.0f);
  rn_tanh_forward(m->be, rn_flat(to, n), rn_flat(cn, n));
  rn_mul_forward(m->be, rn_flat(out, n), GATE4(A, 3), rn_flat(to, n));
  sv[PV_A] = A;
  sv[PV_TO] = to;
  rn_arena_release(m->tmp, mark);
}

void net_peephole_bwd(struct rn_model *m, const struct net_peephole *p, float *dx, float *dh,
                      float *dc, const float *dout, const float *dcn, const float *x,
                      const float *h, const float *c, const float *out, const float *cn, int B,
                      float *const *sv)
{
  struct rn_backend *be = m->be;
  const int nh = p->h.cin;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  const float *A = sv[PV_A], *to = sv[PV_TO];
  size_t mark = rn_arena_mark(m->tmp);
  float *dA = net_tmpz(m, 4 * n), *dct = net_tmp(m, n), *tmp = net_tmp(m, n);
  struct rn_slice none = {0};
  (void)out;
  rn_mul_forward(be, rn_flat(tmp, n), rn_flat(dout, n), rn_flat(to, n));
  rn_sigmoid_backward(be, GATE4(dA, 3), rn_flat(tmp, n), GATE4(A, 3));
  if (dcn)
    rn_copy(be, dct, dcn, n);
  else
    rn_zero(be, dct, n);
  rn_mul_forward(be, rn_flat(tmp, n), rn_flat(dout, n), GATE4(A, 3));
  rn_tanh_backward(be, rn_flat(dct, n), rn_flat(tmp, n), rn_flat(to, n));
  peep_bwd(m, dA, 3, p->wco, dct, cn, B, nh, HW);
  net_update_bwd(m, GATE4(dA, 2), GATE4(dA, 0), GATE4(dA, 1), dc ? rn_flat(dc, n) : none,
                 rn_flat(dct, n), GATE4(A, 2), rn_flat(c, n), GATE4(A, 0), GATE4(A, 1), tmp);
  peep_bwd(m, dA, 0, p->wci, dc, c, B, nh, HW);
  peep_bwd(m, dA, 2, p->wcf, dc, c, B, nh, HW);
  net_conv_bwd(m, &p->h, dh, dA, h, B, sv + PV_CH);
  net_conv_bwd(m, &p->x, dx, dA, x, B, sv + PV_CX);
  rn_arena_release(m->tmp, mark);
}

/* ---- declarations ---- */

static enum rn_status conv(struct rn_model *m, struct net_conv *c, int l, const char *name,
                           const char *ln, int cin, int cout, int k)
{
  char pre[64];
  enum rn_status st;
  snprintf(pre, sizeof pre, "cells.%d.%s", l, name);
  if ((st = net_conv_declare(m, c, pre, cin, cout, k, 1, k / 2, 1, m->P, m->Q,
                             net_glorot(cin, cout, k), 0, 0)))
    return st;
  if (ln && m->mc.layer_norm) {
    snprintf(pre, sizeof pre, "cells.%d.%s", l, ln);
    return net_ln_declare(m, c, pre, RN_AFFINE_CHANNEL);
  }
  return RN_OK;
}

static enum rn_status declare(struct rn_model *m, int l)
{
  struct net_layer *L = &m->layer[l];
  int nh = L->nh, k = m->mc.filter;
  char pre[64];
  enum rn_status st;
  if (l == 0) {
    if ((st = conv(m, &L->cx, l, "conv_x", "ln_x", L->cin, 4 * nh, k)) ||
        (st = conv(m, &L->ch, l, "conv_h", "ln_h", nh, 4 * nh, k)) ||
        (st = conv(m, &L->cm, l, "conv_m", "ln_m", nh, 4 * nh, k)) ||
        (st = conv(m, &L->clast, l, "conv_last", NULL, 2 * nh, nh, 1)))
      return st;
    return RN_OK;
  }
  if ((st = conv(m, &L->ct, l, "conv_t", "ln_t", nh, 3 * nh, k)) ||
      (st = conv(m, &L->cs, l, "conv_s", "ln_s", nh, 4 * nh, k)) ||
      (st = conv(m, &L->cx, l, "conv_x", "ln_x", L->cin, 4 * nh, k)) ||
      (st = conv(m, &L->clast, l, "conv_last", NULL, 2 * nh, nh, 1)))
    return st;
  snprintf(pre, sizeof pre, "cells.%d.mims", l);
  if ((st = net_peephole_declare(m, &L->mims, pre, nh, nh, 0.0f)))
    return st;
  snprintf(pre, sizeof pre, "mimn.%d", l - 1);
  return net_peephole_declare(m, &L->mimn, pre, m->layer[l - 1].nh, nh, 0.001f);
}

/* ---- layer 0: ST-LSTM with shared x gates ---- */
enum { S0_CX = 0, S0_CH = 3, S0_CM = 6, S0_AC = 9, S0_AM = 10, S0_CM2 = 11, S0_TL = 12 };

#define G3(p, k) rn_chan(p, B, 3 * nh, HW, (k) * nh, nh)
#define C2(p, k) rn_chan(p, B, 2 * nh, HW, (k) * nh, nh)

static void fwd0(struct rn_model *m, const struct cell_in *in, const struct net_state *out,
                 float *m_out, struct net_saved *sv)
{
  const struct net_layer *L = &m->layer[0];
  struct rn_backend *be = m->be;
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  size_t mark = rn_arena_mark(m->tmp);
  float *AC = net_act(m, 4 * n), *AM = net_act(m, 3 * n), *cm = net_act(m, 2 * n);
  float *tl = net_act(m, n);
  float *gx = net_tmp(m, 4 * n), *gh = net_tmp(m, 4 * n), *gm = net_tmp(m, 4 * n);
  float *tmp = net_tmp(m, n);
  struct rn_slice none = {0};
  net_conv_fwd(m, &L->cx, gx, in->x, B, sv->p + S0_CX);
  net_conv_fwd(m, &L->ch, gh, in->prev->h, B, sv->p + S0_CH);
  net_conv_fwd(m, &L->cm, gm, in->m, B, sv->p + S0_CM);
  rn_add_forward(be, rn_flat(AC, 4 * n), rn_flat(gx, 4 * n), rn_flat(gh, 4 * n));
  rn_add_forward(be, GATE4(AC, 3), GATE4(AC, 3), GATE4(gm, 3));
  rn_add_forward(be, rn_chan(AM, B, 3 * nh, HW, 0, 3 * nh), rn_chan(gx, B, 4 * nh, HW, 0, 3 * nh),
                 rn_chan(gm, B, 4 * nh, HW, 0, 3 * nh));
  net_sigmoid(m, GATE4(AC, 0), 0.0f);
  net_tanh(m, GATE4(AC, 1));
  net_sigmoid(m, GATE4(AC, 2), 1.0f);
  net_sigmoid(m, GATE4(AC, 3), 0.0f);
  net_sigmoid(m, G3(AM, 0), 0.0f);
  net_tanh(m, G3(AM, 1));
  net_sigmoid(m, G3(AM, 2), 1.0f);
  net_update_fwd(m, rn_flat(out->c, n), GATE4(AC, 2), rn_flat(in->prev->c, n), GATE4(AC, 0),
                 GATE4(AC, 1), tmp);
  net_update_fwd(m, rn_flat(m_out, n), G3(AM, 2), rn_flat(in->m, n), G3(AM, 0), G3(AM, 1), tmp);
  rn_concat_forward(be, cm, out->c, m_out, B, nh, nh, HW);
  net_conv_fwd(m, &L->clast, tl, cm, B, NULL);
  net_tanh(m, rn_flat(tl, n));
  net_out_fwd(m, rn_flat(out->h, n), GATE4(AC, 3), rn_flat(tl, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  sv->p[S0_AC] = AC;
  sv->p[S0_AM] = AM;
  sv->p[S0_CM2] = cm;
  sv->p[S0_TL] = tl;
  rn_arena_release(m->tmp, mark);
}

static void bwd0(struct rn_model *m, const struct cell_in *in, const struct net_saved *sv,
                 const struct cell_grad *g)
{
  const struct net_layer *L = &m->layer[0];
  struct rn_backend *be = m->be;
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  const float *AC = sv->p[S0_AC], *AM = sv->p[S0_AM], *cm = sv->p[S0_CM2], *tl = sv->p[S0_TL];
  size_t mark = rn_arena_mark(m->tmp);
  float *dAC = net_tmpz(m, 4 * n), *dAM = net_tmpz(m, 3 * n), *dtl = net_tmpz(m, n);
  float *dl = net_tmpz(m, n), *dcm = net_tmpz(m, 2 * n), *dc = net_tmp(m, n);
  float *dmm = net_tmp(m, n), *tmp = net_tmp(m, n), *dg = net_tmp(m, 4 * n);
  struct rn_slice none = {0};
  net_out_bwd(m, GATE4(dAC, 3), rn_flat(dtl, n), g->dhw ? rn_flat(g->dhw, n) : none,
              rn_flat(g->dout.h, n), GATE4(AC, 3), rn_flat(tl, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  rn_tanh_backward(be, rn_flat(dl, n), rn_flat(dtl, n), rn_flat(tl, n));
  net_conv_bwd(m, &L->clast, dcm, dl, cm, B, NULL);
  rn_add_forward(be, rn_flat(dc, n), rn_flat(g->dout.c, n), C2(dcm, 0));
  rn_add_forward(be, rn_flat(dmm, n), rn_flat(g->dm_out, n), C2(dcm, 1));
  net_update_bwd(m, GATE4(dAC, 2), GATE4(dAC, 0), GATE4(dAC, 1),
                 g->dprev.c ? rn_flat(g->dprev.c, n) : none, rn_flat(dc, n), GATE4(AC, 2),
                 rn_flat(in->prev->c, n), GATE4(AC, 0), GATE4(AC, 1), tmp);
  net_update_bwd(m, G3(dAM, 2), G3(dAM, 0), G3(dAM, 1), g->dm_in ? rn_flat(g->dm_in, n) : none,
                 rn_flat(dmm, n), G3(AM, 2), rn_flat(in->m, n), G3(AM, 0), G3(AM, 1), tmp);
  /* x gates feed both paths; h gates only C; m gates M and o */
  rn_copy(be, dg, dAC, 4 * n);
  net_chan_copy(m, dg, 4 * nh, 0, dAM, 3 * nh, 0, 3 * nh, B, HW, 1);
  net_conv_bwd(m, &L->cx, g->dx, dg, in->x, B, sv->p + S0_CX);
  net_conv_bwd(m, &L->ch, g->dprev.h, dAC, in->prev->h, B, sv->p + S0_CH);
  net_chan_copy(m, dg, 4 * nh, 0, dAM, 3 * nh, 0, 3 * nh, B, HW, 0);
  net_chan_copy(m, dg, 4 * nh, 3 * nh, dAC, 4 * nh, 3 * nh, nh, B, HW, 0);
  net_conv_bwd(m, &L->cm, g->dm_in, dg, in->m, B, sv->p + S0_CM);
  rn_arena_release(m->tmp, mark);
}

/* ---- MIM block ---- */
enum {
  SB_CT = 0, SB_CS = 3, SB_CX = 6, SB_AM = 9, SB_AC = 10, SB_AO = 11, SB_T = 12, SB_CM2 = 13,
  SB_TL = 14, SB_XIN = 15, SB_MIMS = 16, SB_MIMN = 16 + NET_PEEP_NSAVED
};

static void fwdb(struct rn_model *m, int l, const struct cell_in *in, const struct net_state *out,
                 float *m_out, struct net_saved *sv)
{
  const struct net_layer *L = &m->layer[l];
  struct rn_backend *be = m->be;
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  const long nb = (long)B * m->layer[l - 1].nh * HW;
  size_t mark = rn_arena_mark(m->tmp);
  float *AM = net_act(m, 3 * n), *AC = net_act(m, 2 * n), *AO = net_act(m, n);
  float *T = net_act(m, n), *cm = net_act(m, 2 * n), *tl = net_act(m, n);
  float *gt = net_tmp(m, 3 * n), *gs = net_tmp(m, 4 * n), *gx = net_tmp(m, 4 * n);
  float *tmp = net_tmp(m, n);
  struct rn_slice none = {0};
  /* MIM-N: the non-stationary difference */
  if (in->t > 0) {
    float *xin = in->below->n;
    if (l == 1) {
      xin = net_act(m, nb);
      rn_sub_forward(be, rn_flat(xin, nb), rn_flat(in->below->h, nb),
                     rn_flat(in->below_prev->h, nb));
    }
    sv->p[SB_XIN] = xin;
    net_peephole_fwd(m, &L->mimn, out->n, out->nc, xin, in->prev->n, in->prev->nc, B,
                     sv->p + SB_MIMN);
  } else {
    rn_zero(be, out->n, n);
    rn_zero(be, out->nc, n);
  }
  net_conv_fwd(m, &L->ct, gt, in->prev->h, B, sv->p + SB_CT);
  net_conv_fwd(m, &L->cs, gs, in->m, B, sv->p + SB_CS);
  net_conv_fwd(m, &L->cx, gx, in->x, B, sv->p + SB_CX);
  rn_add_forward(be, rn_flat(AM, 3 * n), rn_chan(gx, B, 4 * nh, HW, 0, 3 * nh),
                 rn_chan(gs, B, 4 * nh, HW, 0, 3 * nh));
  rn_add_forward(be, rn_flat(AC, 2 * n), rn_chan(gx, B, 4 * nh, HW, 0, 2 * nh),
                 rn_chan(gt, B, 3 * nh, HW, 0, 2 * nh));
  rn_add_forward(be, rn_flat(AO, n), GATE4(gx, 3), G3(gt, 2));
  rn_add_forward(be, rn_flat(AO, n), rn_flat(AO, n), GATE4(gs, 3));
  net_sigmoid(m, G3(AM, 0), 0.0f);
  net_tanh(m, G3(AM, 1));
  net_sigmoid(m, G3(AM, 2), 1.0f);
  net_sigmoid(m, C2(AC, 0), 0.0f);
  net_tanh(m, C2(AC, 1));
  net_sigmoid(m, rn_flat(AO, n), 0.0f);
  net_update_fwd(m, rn_flat(m_out, n), G3(AM, 2), rn_flat(in->m, n), G3(AM, 0), G3(AM, 1), tmp);
  net_peephole_fwd(m, &L->mims, T, out->s, out->n, in->prev->c, in->prev->s, B,
                   sv->p + SB_MIMS);
  rn_mul_forward(be, rn_flat(tmp, n), C2(AC, 0), C2(AC, 1));
  rn_add_forward(be, rn_flat(out->c, n), rn_flat(T, n), rn_flat(tmp, n));
  rn_concat_forward(be, cm, out->c, m_out, B, nh, nh, HW);
  net_conv_fwd(m, &L->clast, tl, cm, B, NULL);
  net_tanh(m, rn_flat(tl, n));
  net_out_fwd(m, rn_flat(out->h, n), rn_flat(AO, n), rn_flat(tl, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  sv->p[SB_AM] = AM;
  sv->p[SB_AC] = AC;
  sv->p[SB_AO] = AO;
  sv->p[SB_T] = T;
  sv->p[SB_CM2] = cm;
  sv->p[SB_TL] = tl;
  rn_arena_release(m->tmp, mark);
}

static void bwdb(struct rn_model *m, int l, const struct cell_in *in, const struct net_state *out,
                 const float *m_out, const struct net_saved *sv, const struct cell_grad *g)
{
  const struct net_layer *L = &m->layer[l];
  struct rn_backend *be = m->be;
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  const long nb = (long)B * m->layer[l - 1].nh * HW;
  const float *AM = sv->p[SB_AM], *AC = sv->p[SB_AC], *AO = sv->p[SB_AO], *T = sv->p[SB_T];
  const float *cm = sv->p[SB_CM2], *tl = sv->p[SB_TL];
  size_t mark = rn_arena_mark(m->tmp);
  float *dAO = net_tmpz(m, n), *dtl = net_tmpz(m, n), *dl = net_tmpz(m, n);
  float *dcm = net_tmpz(m, 2 * n), *dc = net_tmp(m, n), *dmm = net_tmp(m, n);
  float *dAM = net_tmpz(m, 3 * n), *dAC = net_tmpz(m, 2 * n), *dn = net_tmp(m, n);
  float *tmp = net_tmp(m, n), *dg = net_tmp(m, 4 * n);
  struct rn_slice none = {0};
  (void)m_out;
  net_out_bwd(m, rn_flat(dAO, n), rn_flat(dtl, n), g->dhw ? rn_flat(g->dhw, n) : none,
              rn_flat(g->dout.h, n), rn_flat(AO, n), rn_flat(tl, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  rn_tanh_backward(be, rn_flat(dl, n), rn_flat(dtl, n), rn_flat(tl, n));
  net_conv_bwd(m, &L->clast, dcm, dl, cm, B, NULL);
  rn_add_forward(be, rn_flat(dc, n), rn_flat(g->dout.c, n), C2(dcm, 0));
  rn_add_forward(be, rn_flat(dmm, n), rn_flat(g->dm_out, n), C2(dcm, 1));
  net_update_bwd(m, G3(dAM, 2), G3(dAM, 0), G3(dAM, 1), g->dm_in ? rn_flat(g->dm_in, n) : none,
                 rn_flat(dmm, n), G3(AM, 2), rn_flat(in->m, n), G3(AM, 0), G3(AM, 1), tmp);
  /* C' = T + s(i) tanh(g): dT = dC' */
  rn_mul_forward(be, rn_flat(tmp, n), rn_flat(dc, n), C2(AC, 1));
  rn_sigmoid_backward(be, C2(dAC, 0), rn_flat(tmp, n), C2(AC, 0));
  rn_mul_forward(be, rn_flat(tmp, n), rn_flat(dc, n), C2(AC, 0));
  rn_tanh_backward(be, C2(dAC, 1), rn_flat(tmp, n), C2(AC, 1));
  rn_copy(be, dn, g->dout.n, n);
  net_peephole_bwd(m, &L->mims, dn, g->dprev.c, g->dprev.s, dc, g->dout.s, out->n, in->prev->c,
                   in->prev->s, T, out->s, B, sv->p + SB_MIMS);
  /* x gates: [i: AM0 + AC0, g: AM1 + AC1, f: AM2, o: AO] */
  net_chan_copy(m, dg, 4 * nh, 0, dAM, 3 * nh, 0, 3 * nh, B, HW, 0);
  net_chan_copy(m, dg, 4 * nh, 0, dAC, 2 * nh, 0, 2 * nh, B, HW, 1);
  net_chan_copy(m, dg, 4 * nh, 3 * nh, dAO, nh, 0, nh, B, HW, 0);
  net_conv_bwd(m, &L->cx, g->dx, dg, in->x, B, sv->p + SB_CX);
  /* s gates: [AM0, AM1, AM2, AO] */
  net_chan_copy(m, dg, 4 * nh, 0, dAM, 3 * nh, 0, 3 * nh, B, HW, 0);
  net_conv_bwd(m, &L->cs, g->dm_in, dg, in->m, B, sv->p + SB_CS);
  /* t gates: [AC0, AC1, AO] */
  net_chan_copy(m, dg, 3 * nh, 0, dAC, 2 * nh, 0, 2 * nh, B, HW, 0);
  net_chan_copy(m, dg, 3 * nh, 2 * nh, dAO, nh, 0, nh, B, HW, 0);
  net_conv_bwd(m, &L->ct, g->dprev.h, dg, in->prev->h, B, sv->p + SB_CT);
  if (in->t > 0) {
    const float *xin = sv->p[SB_XIN];
    float *dxin = l == 1 ? net_tmpz(m, nb) : g->dbelow.n;
    net_peephole_bwd(m, &L->mimn, dxin, g->dprev.n, g->dprev.nc, dn, g->dout.nc, xin,
                     in->prev->n, in->prev->nc, out->n, out->nc, B, sv->p + SB_MIMN);
    if (l == 1) {
      rn_acc_slice(be, rn_flat(g->dbelow.h, nb), rn_flat(dxin, nb), 1.0f);
      if (g->dbelow_prev.h)
        rn_acc_slice(be, rn_flat(g->dbelow_prev.h, nb), rn_flat(dxin, nb), -1.0f);
    }
  }
  rn_arena_release(m->tmp, mark);
}

static void forward(struct rn_model *m, int l, const struct cell_in *in,
                    const struct net_state *out, float *m_out, struct net_saved *sv)
{
  if (l == 0)
    fwd0(m, in, out, m_out, sv);
  else
    fwdb(m, l, in, out, m_out, sv);
}

static void backward(struct rn_model *m, int l, const struct cell_in *in,
                     const struct net_state *out, const float *m_out, const struct net_saved *sv,
                     const struct cell_grad *g)
{
  if (l == 0)
    bwd0(m, in, sv, g);
  else
    bwdb(m, l, in, out, m_out, sv, g);
}

const struct cell_ops net_mim_ops = {"mim", 1, declare, forward, backward};
