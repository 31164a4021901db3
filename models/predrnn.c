/* predrnn.c - PredRNN's spatiotemporal LSTM cell (predrnn-pytorch),
 * MODELS.md:
 *   W_x*X -> i,f,g,i',f',g',o    W_h*H -> i,f,g,o    W_m*M -> i',f',g'
 *   C' = s(f_x+f_h+1) C + s(i_x+i_h) tanh(g_x+g_h)
 *   M' = s(f'_x+f'_m+1) M + s(i'_x+i'_m) tanh(g'_x+g'_m)
 *   o  = s(o_x + o_h + W_o*[C',M'])          (filter-size convolution)
 *   H' = o tanh(W_1x1*[C',M'])  (+ (1 - o) hw with MotionRNN)
 * No biases. M zigzags through the layers (model.c). Layer norm, when on,
 * is PyTorch's LayerNorm([C, P, Q]) after each of W_x, W_h, W_m and W_o.
 * Parameters: cells.L.conv_{x,h,m,o,last}.weight, cells.L.ln_{x,h,m,o}.{weight,bias}.
 *
 * Pre-activations live in A [B, 7nh] in the x-convolution's gate order;
 * the h and m convolutions are added into their groups, so A's gradient is
 * the x-convolution's, and the h and m gradients are gathered from it. */
#include "net.h"

#include <stdio.h>

enum { SV_CX = 0, SV_CH = 3, SV_CM = 6, SV_CO = 9, SV_A = 12, SV_CM2 = 13, SV_TL = 14 };

static enum rn_status declare(struct rn_model *m, int l)
{
  struct net_layer *L = &m->layer[l];
  int nh = L->nh, k = m->mc.filter, P = m->P, Q = m->Q;
  char pre[64];
  enum rn_status st;
  struct {
    struct net_conv *c;
    const char *name, *ln;
    int cin, cout, k;
  } convs[5] = {{&L->cx, "conv_x", "ln_x", L->cin, 7 * nh, k},
                {&L->ch, "conv_h", "ln_h", nh, 4 * nh, k},
                {&L->cm, "conv_m", "ln_m", nh, 3 * nh, k},
                {&L->co, "conv_o", "ln_o", 2 * nh, nh, k},
                {&L->clast, "conv_last", NULL, 2 * nh, nh, 1}};
  for (int i = 0; i < 5; i++) {
    snprintf(pre, sizeof pre, "cells.%d.%s", l, convs[i].name);
    if ((st = net_conv_declare(m, convs[i].c, pre, convs[i].cin, convs[i].cout, convs[i].k, 1,
                               convs[i].k / 2, 0, P, Q, -1, -1, 0)))
      return st;
  }
  for (int i = 0; m->mc.layer_norm && i < 4; i++) {
    snprintf(pre, sizeof pre, "cells.%d.%s", l, convs[i].ln);
    if ((st = net_ln_declare(m, convs[i].c, pre, RN_AFFINE_ELEMENT)))
      return st;
  }
  return RN_OK;
}

#define A7(p, k) rn_chan(p, B, 7 * nh, HW, (k) * nh, nh)
#define C2(p, k) rn_chan(p, B, 2 * nh, HW, (k) * nh, nh)

static void forward(struct rn_model *m, int l, const struct cell_in *in,
                    const struct net_state *out, float *m_out, struct net_saved *sv)
{
  const struct net_layer *L = &m->layer[l];
  struct rn_backend *be = m->be;
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  size_t mark = rn_arena_mark(m->tmp);
  float *A = net_act(m, 7 * n), *cm = net_act(m, 2 * n), *tl = net_act(m, n);
  float *gh = net_tmp(m, 4 * n), *gm = net_tmp(m, 3 * n), *go = net_tmp(m, n);
  float *tmp = net_tmp(m, n);
  struct rn_slice none = {0};
  net_conv_fwd(m, &L->cx, A, in->x, B, sv->p + SV_CX);
  net_conv_fwd(m, &L->ch, gh, in->prev->h, B, sv->p + SV_CH);
  net_conv_fwd(m, &L->cm, gm, in->m, B, sv->p + SV_CM);
  net_chan_copy(m, A, 7 * nh, 0, gh, 4 * nh, 0, 3 * nh, B, HW, 1);
  net_chan_copy(m, A, 7 * nh, 3 * nh, gm, 3 * nh, 0, 3 * nh, B, HW, 1);
  net_chan_copy(m, A, 7 * nh, 6 * nh, gh, 4 * nh, 3 * nh, nh, B, HW, 1);
  net_sigmoid(m, A7(A, 0), 0.0f);
  net_sigmoid(m, A7(A, 1), 1.0f);
  net_tanh(m, A7(A, 2));
  net_sigmoid(m, A7(A, 3), 0.0f);
  net_sigmoid(m, A7(A, 4), 1.0f);
  net_tanh(m, A7(A, 5));
  net_update_fwd(m, rn_flat(out->c, n), A7(A, 1), rn_flat(in->prev->c, n), A7(A, 0), A7(A, 2),
                 tmp);
  net_update_fwd(m, rn_flat(m_out, n), A7(A, 4), rn_flat(in->m, n), A7(A, 3), A7(A, 5), tmp);
  rn_concat_forward(be, cm, out->c, m_out, B, nh, nh, HW);
  net_conv_fwd(m, &L->co, go, cm, B, sv->p + SV_CO);
  rn_add_forward(be, A7(A, 6), A7(A, 6), rn_flat(go, n));
  net_sigmoid(m, A7(A, 6), 0.0f);
  net_conv_fwd(m, &L->clast, tl, cm, B, NULL);
  net_tanh(m, rn_flat(tl, n));
  net_out_fwd(m, rn_flat(out->h, n), A7(A, 6), rn_flat(tl, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  sv->p[SV_A] = A;
  sv->p[SV_CM2] = cm;
  sv->p[SV_TL] = tl;
  rn_arena_release(m->tmp, mark);
}

static void backward(struct rn_model *m, int l, const struct cell_in *in,
                     const struct net_state *out, const float *m_out, const struct net_saved *sv,
                     const struct cell_grad *g)
{
  const struct net_layer *L = &m->layer[l];
  struct rn_backend *be = m->be;
  const int B = in->B, nh = L->nh;
  const long HW = (long)m->P * m->Q, n = (long)B * nh * HW;
  const float *A = sv->p[SV_A], *cm = sv->p[SV_CM2], *tl = sv->p[SV_TL];
  size_t mark = rn_arena_mark(m->tmp);
  float *dA = net_tmpz(m, 7 * n), *dtl = net_tmpz(m, n), *dl = net_tmpz(m, n);
  float *dcm = net_tmpz(m, 2 * n), *dgo = net_tmp(m, n), *dc = net_tmp(m, n);
  float *dmm = net_tmp(m, n), *tmp = net_tmp(m, n);
  float *dgh = net_tmp(m, 4 * n), *dgm = net_tmp(m, 3 * n);
  struct rn_slice none = {0};
  (void)out;
  (void)m_out;
  net_out_bwd(m, A7(dA, 6), rn_flat(dtl, n), g->dhw ? rn_flat(g->dhw, n) : none,
              rn_flat(g->dout.h, n), A7(A, 6), rn_flat(tl, n),
              in->hw ? rn_flat(in->hw, n) : none, tmp);
  rn_tanh_backward(be, rn_flat(dl, n), rn_flat(dtl, n), rn_flat(tl, n));
  net_conv_bwd(m, &L->clast, dcm, dl, cm, B, NULL);
  rn_copy_slice(be, rn_flat(dgo, n), A7(dA, 6));
  net_conv_bwd(m, &L->co, dcm, dgo, cm, B, sv->p + SV_CO);
  rn_add_forward(be, rn_flat(dc, n), rn_flat(g->dout.c, n), C2(dcm, 0));
  rn_add_forward(be, rn_flat(dmm, n), rn_flat(g->dm_out, n), C2(dcm, 1));
  net_update_bwd(m, A7(dA, 1), A7(dA, 0), A7(dA, 2), g->dprev.c ? rn_flat(g->dprev.c, n) : none,
                 rn_flat(dc, n), A7(A, 1), rn_flat(in->prev->c, n), A7(A, 0), A7(A, 2), tmp);
  net_update_bwd(m, A7(dA, 4), A7(dA, 3), A7(dA, 5), g->dm_in ? rn_flat(g->dm_in, n) : none,
                 rn_flat(dmm, n), A7(A, 4), rn_flat(in->m, n), A7(A, 3), A7(A, 5), tmp);
  net_conv_bwd(m, &L->cx, g->dx, dA, in->x, B, sv->p + SV_CX);
  net_chan_copy(m, dgh, 4 * nh, 0, dA, 7 * nh, 0, 3 * nh, B, HW, 0);
  net_chan_copy(m, dgh, 4 * nh, 3 * nh, dA, 7 * nh, 6 * nh, nh, B, HW, 0);
  net_conv_bwd(m, &L->ch, g->dprev.h, dgh, in->prev->h, B, sv->p + SV_CH);
  net_chan_copy(m, dgm, 3 * nh, 0, dA, 7 * nh, 3 * nh, 3 * nh, B, HW, 0);
  net_conv_bwd(m, &L->cm, g->dm_in, dgm, in->m, B, sv->p + SV_CM);
  rn_arena_release(m->tmp, mark);
}

const struct cell_ops net_predrnn_ops = {"predrnn", 1, declare, forward, backward};
