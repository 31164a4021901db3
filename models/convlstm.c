/* convlstm.c - the ConvLSTM cell (Shi et al. 2015), MODELS.md:
 *   [i,f,g,o] = W_x*X + b + W_h*H
 *   C' = s(f) C + s(i) tanh(g);  H' = s(o) tanh(C')  (+ (1 - s(o)) hw with MotionRNN)
 * One bias per gate (on the x convolution). Layer norm, when on, is
 * PyTorch's LayerNorm([4nh, P, Q]) on each of the two gate convolutions.
 * Parameters: cells.L.conv_x.{weight,bias}, cells.L.conv_h.weight,
 * cells.L.ln_{x,h}.{weight,bias}. */
#include "net.h"

#include <stdio.h>

enum { SV_CX = 0, SV_CH = 3, SV_G = 6, SV_TC = 7 };

static enum rn_status declare(struct rn_model *m, int l)
{
  struct net_layer *L = &m->layer[l];
  int nh = L->nh, k = m->mc.filter;
  char pre[64];
  enum rn_status st;
  snprintf(pre, sizeof pre, "cells.%d.conv_x", l);
  if ((st = net_conv_declare(m, &L->cx, pre, L->cin, 4 * nh, k, 1, k / 2, 1, m->P, m->Q, -1, -1,
                             0)))
    return st;
  snprintf(pre, sizeof pre, "cells.%d.conv_h", l);
  if ((st = net_conv_declare(m, &L->ch, pre, nh, 4 * nh, k, 1, k / 2, 0, m->P, m->Q, -1, -1, 0)))
    return st;
  if (m->mc.layer_norm) {
    snprintf(pre, sizeof pre, "cells.%d.ln_x", l);
    if ((st = net_ln_declare(m, &L->cx, pre, RN_AFFINE_ELEMENT)))
      return st;
    snprintf(pre, sizeof pre, "cells.%d.ln_h", l);
    if ((st = net_ln_declare(m, &L->ch, pre, RN_AFFINE_ELEMENT)))
      return st;
  }
  return RN_OK;
}

#define GATE(p, k) rn_chan(p, B, 4 * nh, HW, (k) * nh, nh)

static void forward(struct rn_model *m, int l, const struct cell_in *in,
                    const struct net_state *out, float *m_out, struct net_saved *sv)
{
  const struct net_layer *L = &m->layer[l];
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  size_t mark = rn_arena_mark(m->tmp);
  float *G = net_act(m, 4 * n), *tc = net_act(m, n);
  float *gh = net_tmp(m, 4 * n), *tmp = net_tmp(m, n);
  struct rn_slice none = {0};
  (void)m_out;
  net_conv_fwd(m, &L->cx, G, in->x, B, sv->p + SV_CX);
  net_conv_fwd(m, &L->ch, gh, in->prev->h, B, sv->p + SV_CH);
  rn_add_forward(m->be, rn_flat(G, 4 * n), rn_flat(G, 4 * n), rn_flat(gh, 4 * n));
  net_sigmoid(m, GATE(G, 0), 0.0f);
  net_sigmoid(m, GATE(G, 1), 0.0f);
  net_tanh(m, GATE(G, 2));
  net_sigmoid(m, GATE(G, 3), 0.0f);
  net_update_fwd(m, rn_flat(out->c, n), GATE(G, 1), rn_flat(in->prev->c, n), GATE(G, 0),
                 GATE(G, 2), tmp);
  rn_tanh_forward(m->be, rn_flat(tc, n), rn_flat(out->c, n));
  net_out_fwd(m, rn_flat(out->h, n), GATE(G, 3), rn_flat(tc, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  sv->p[SV_G] = G;
  sv->p[SV_TC] = tc;
  rn_arena_release(m->tmp, mark);
}

static void backward(struct rn_model *m, int l, const struct cell_in *in,
                     const struct net_state *out, const float *m_out, const struct net_saved *sv,
                     const struct cell_grad *g)
{
  const struct net_layer *L = &m->layer[l];
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  const float *G = sv->p[SV_G], *tc = sv->p[SV_TC];
  size_t mark = rn_arena_mark(m->tmp);
  float *dG = net_tmpz(m, 4 * n), *dtc = net_tmpz(m, n), *dc = net_tmp(m, n);
  float *tmp = net_tmp(m, n);
  struct rn_slice none = {0};
  (void)out;
  (void)m_out;
  net_out_bwd(m, GATE(dG, 3), rn_flat(dtc, n), g->dhw ? rn_flat(g->dhw, n) : none,
              rn_flat(g->dout.h, n), GATE(G, 3), rn_flat(tc, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  rn_copy(m->be, dc, g->dout.c, n);
  rn_tanh_backward(m->be, rn_flat(dc, n), rn_flat(dtc, n), rn_flat(tc, n));
  net_update_bwd(m, GATE(dG, 1), GATE(dG, 0), GATE(dG, 2),
                 g->dprev.c ? rn_flat(g->dprev.c, n) : none, rn_flat(dc, n), GATE(G, 1),
                 rn_flat(in->prev->c, n), GATE(G, 0), GATE(G, 2), tmp);
  net_conv_bwd(m, &L->cx, g->dx, dG, in->x, B, sv->p + SV_CX);
  net_conv_bwd(m, &L->ch, g->dprev.h, dG, in->prev->h, B, sv->p + SV_CH);
  rn_arena_release(m->tmp, mark);
}

const struct cell_ops net_convlstm_ops = {"convlstm", 0, declare, forward, backward};
