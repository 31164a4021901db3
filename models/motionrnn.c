/* motionrnn.c - the MotionRNN wrapper (Wu et al. CVPR 2021), MODELS.md:
 * after every layer but the last, the layer's hidden state H (nh channels,
 * P x Q) goes through
 *   e  = Enc(H)                           filter-size conv, stride 2, nh -> nh/4
 *   u  = s(W_u*[e, F]),  r = s(W_r*[e, F])          3x3, biases
 *   F' = u tanh(W_z*[e, r F]) + (1 - u) F
 *   D' = D + 0.5 (F - D);   F'' = F' + D'           (the new F and D)
 *   w  = Conv3x3/3(deform3(e, F'', s(W_g*e)))        the modulated deformable warp
 *   dec = ConvTranspose 4x4/2 (w)                     nh/4 -> nh
 *   o  = s(W_o*[dec, H]);   H <- o dec + (1 - o) H
 * F and D have 2k^2 = 18 channels at P/2 x Q/2 (rows 0..8, columns 9..17 of
 * the 3x3 taps' offsets); the warp samples at p0 + p_n + F with zeros
 * outside the map (layers.h, rn_deform3). The fused H is the next layer's
 * input and the layer's recurrent state; the Motion Highway (the cells'
 * hw, model.c) takes H before the fusion.
 *
 * Initialisation: PyTorch's defaults; the update, reset and output GRU
 * convolutions and the warp gate start with zero weights (the official
 * code). Initial F and D are zeros (the official code draws random ones).
 * Parameters: wrappers.L.{enc,dec,gate}.{weight,bias},
 * wrappers.L.gru.{update,reset,output,warp_gate}.{weight,bias},
 * wrappers.L.gru.warp_conv.weight. */
#include "net.h"

#include <stdio.h>

enum {
  SW_E = 0, SW_EF, SW_U, SW_R, SW_ERF, SW_Z, SW_MK, SW_SMP, SW_W, SW_DEC, SW_CAT, SW_O
};

enum rn_status net_wrapper_declare(struct rn_model *m, int l)
{
  struct net_wrapper *w = &m->layer[l].wr;
  const int nh = m->layer[l].nh, c4 = nh / 4, k = m->mc.filter, nm = NET_MOTION_CH;
  const int P = m->P, Q = m->Q, P2 = P / 2, Q2 = Q / 2;
  char pre[64];
  enum rn_status st;
  struct {
    struct net_conv *c;
    const char *name;
    int cin, cout, k, stride, pad, bias, H, W;
    float wb;
    int transposed;
  } convs[8] = {
      {&w->enc, "enc", nh, c4, k, 2, k / 2, 1, P, Q, -1, 0},
      {&w->upd, "gru.update", c4 + nm, nm, 3, 1, 1, 1, P2, Q2, 0, 0},
      {&w->rst, "gru.reset", c4 + nm, nm, 3, 1, 1, 1, P2, Q2, 0, 0},
      {&w->out, "gru.output", c4 + nm, nm, 3, 1, 1, 1, P2, Q2, 0, 0},
      {&w->wgate, "gru.warp_gate", c4, 9, 3, 1, 1, 1, P2, Q2, 0, 0},
      {&w->wconv, "gru.warp_conv", c4, c4, 3, 3, 0, 0, 3 * P2, 3 * Q2, -1, 0},
      {&w->dec, "dec", c4, nh, 4, 2, 1, 1, P2, Q2, -1, 1},
      {&w->gate, "gate", 2 * nh, nh, k, 1, k / 2, 1, P, Q, -1, 0},
  };
  for (int i = 0; i < 8; i++) {
    snprintf(pre, sizeof pre, "wrappers.%d.%s", l, convs[i].name);
    if ((st = net_conv_declare(m, convs[i].c, pre, convs[i].cin, convs[i].cout, convs[i].k,
                               convs[i].stride, convs[i].pad, convs[i].bias, convs[i].H,
                               convs[i].W, convs[i].wb, -1, convs[i].transposed)))
      return st;
  }
  return RN_OK;
}

void net_wrapper_fwd(struct rn_model *m, int l, float *hout, float *F, float *D, const float *h,
                     const float *Fp, const float *Dp, int B, struct net_saved *sv)
{
  const struct net_wrapper *w = &m->layer[l].wr;
  struct rn_backend *be = m->be;
  const int nh = m->layer[l].nh, c4 = nh / 4, nm = NET_MOTION_CH;
  const long HW = (long)m->P * m->Q, hw2 = HW / 4;
  const long n = (long)B * nh * HW, ne = (long)B * c4 * hw2, nf = (long)B * nm * hw2;
  size_t mark = rn_arena_mark(m->tmp);
  float *e = net_act(m, ne), *ef = net_act(m, ne + nf), *u = net_act(m, nf);
  float *r = net_act(m, nf), *erf = net_act(m, ne + nf), *z = net_act(m, nf);
  float *mk = net_act(m, (long)B * 9 * hw2), *smp = net_act(m, 9 * ne), *wp = net_act(m, ne);
  float *dec = net_act(m, n), *cat = net_act(m, 2 * n), *o = net_act(m, n);
  float *t1 = net_tmp(m, nf), *t2 = net_tmp(m, n);
  net_conv_fwd(m, &w->enc, e, h, B, NULL);
  rn_concat_forward(be, ef, e, Fp, B, c4, nm, hw2);
  net_conv_fwd(m, &w->upd, u, ef, B, NULL);
  net_sigmoid(m, rn_flat(u, nf), 0.0f);
  net_conv_fwd(m, &w->rst, r, ef, B, NULL);
  net_sigmoid(m, rn_flat(r, nf), 0.0f);
  net_chan_copy(m, erf, c4 + nm, 0, e, c4, 0, c4, B, hw2, 0);
  rn_mul_forward(be, rn_chan(erf, B, c4 + nm, hw2, c4, nm), rn_flat(r, nf), rn_flat(Fp, nf));
  net_conv_fwd(m, &w->out, z, erf, B, NULL);
  net_tanh(m, rn_flat(z, nf));
  /* F' = u z + (1 - u) F;  D' = D + 0.5 (F - D);  F'' = F' + D' */
  rn_mul_forward(be, rn_flat(F, nf), rn_flat(u, nf), rn_flat(z, nf));
  rn_affine_forward(be, rn_flat(t1, nf), rn_flat(u, nf), -1.0f, 1.0f);
  rn_mul_forward(be, rn_flat(t1, nf), rn_flat(t1, nf), rn_flat(Fp, nf));
  rn_add_forward(be, rn_flat(F, nf), rn_flat(F, nf), rn_flat(t1, nf));
  rn_sub_forward(be, rn_flat(t1, nf), rn_flat(Fp, nf), rn_flat(Dp, nf));
  rn_affine_forward(be, rn_flat(t1, nf), rn_flat(t1, nf), 0.5f, 0.0f);
  rn_add_forward(be, rn_flat(D, nf), rn_flat(Dp, nf), rn_flat(t1, nf));
  rn_add_forward(be, rn_flat(F, nf), rn_flat(F, nf), rn_flat(D, nf));
  /* warp, decoder, fusion gate */
  net_conv_fwd(m, &w->wgate, mk, e, B, NULL);
  net_sigmoid(m, rn_flat(mk, (long)B * 9 * hw2), 0.0f);
  rn_deform3_forward(be, smp, e, F, mk, B, c4, m->P / 2, m->Q / 2);
  net_conv_fwd(m, &w->wconv, wp, smp, B, NULL);
  net_conv_fwd(m, &w->dec, dec, wp, B, NULL);
  rn_concat_forward(be, cat, dec, h, B, nh, nh, HW);
  net_conv_fwd(m, &w->gate, o, cat, B, NULL);
  net_sigmoid(m, rn_flat(o, n), 0.0f);
  rn_mul_forward(be, rn_flat(hout, n), rn_flat(o, n), rn_flat(dec, n));
  rn_affine_forward(be, rn_flat(t2, n), rn_flat(o, n), -1.0f, 1.0f);
  rn_mul_forward(be, rn_flat(t2, n), rn_flat(t2, n), rn_flat(h, n));
  rn_add_forward(be, rn_flat(hout, n), rn_flat(hout, n), rn_flat(t2, n));
  sv->p[SW_E] = e;
  sv->p[SW_EF] = ef;
  sv->p[SW_U] = u;
  sv->p[SW_R] = r;
  sv->p[SW_ERF] = erf;
  sv->p[SW_Z] = z;
  sv->p[SW_MK] = mk;
  sv->p[SW_SMP] = smp;
  sv->p[SW_W] = wp;
  sv->p[SW_DEC] = dec;
  sv->p[SW_CAT] = cat;
  sv->p[SW_O] = o;
  rn_arena_release(m->tmp, mark);
}

void net_wrapper_bwd(struct rn_model *m, int l, float *dh, float *dFp, float *dDp,
                     const float *dhout, const float *dF, const float *dD, const float *h,
                     const float *Fp, const float *Dp, const float *hout, const float *F, int B,
                     const struct net_saved *sv)
{
  const struct net_wrapper *w = &m->layer[l].wr;
  struct rn_backend *be = m->be;
  const int nh = m->layer[l].nh, c4 = nh / 4, nm = NET_MOTION_CH;
  const long HW = (long)m->P * m->Q, hw2 = HW / 4;
  const long n = (long)B * nh * HW, ne = (long)B * c4 * hw2, nf = (long)B * nm * hw2;
  const long nk = (long)B * 9 * hw2;
  const float *e = sv->p[SW_E], *ef = sv->p[SW_EF], *u = sv->p[SW_U], *r = sv->p[SW_R];
  const float *erf = sv->p[SW_ERF], *z = sv->p[SW_Z], *mk = sv->p[SW_MK], *smp = sv->p[SW_SMP];
  const float *wp = sv->p[SW_W], *dec = sv->p[SW_DEC], *cat = sv->p[SW_CAT], *o = sv->p[SW_O];
  size_t mark = rn_arena_mark(m->tmp);
  float *ddec = net_tmp(m, n), *t2 = net_tmp(m, n), *dop = net_tmpz(m, n);
  float *dcat = net_tmpz(m, 2 * n), *dw = net_tmpz(m, ne), *dsmp = net_tmpz(m, 9 * ne);
  float *de = net_tmpz(m, ne), *dFt = net_tmp(m, nf), *dmk = net_tmpz(m, nk);
  float *dmkp = net_tmpz(m, nk), *dDt = net_tmp(m, nf), *t1 = net_tmp(m, nf);
  float *dup = net_tmpz(m, nf), *dzp = net_tmpz(m, nf), *drp = net_tmpz(m, nf);
  float *derf = net_tmpz(m, ne + nf), *def = net_tmpz(m, ne + nf);
  struct rn_slice none = {0}, drf = rn_chan(derf, B, c4 + nm, hw2, c4, nm);
  (void)hout;
  /* H <- o dec + (1 - o) H */
  rn_mul_forward(be, rn_flat(ddec, n), rn_flat(dhout, n), rn_flat(o, n));
  rn_acc_slice(be, rn_flat(dh, n), rn_flat(dhout, n), 1.0f);
  rn_acc_slice(be, rn_flat(dh, n), rn_flat(ddec, n), -1.0f);
  rn_sub_forward(be, rn_flat(t2, n), rn_flat(dec, n), rn_flat(h, n));
  rn_mul_forward(be, rn_flat(t2, n), rn_flat(t2, n), rn_flat(dhout, n));
  rn_sigmoid_backward(be, rn_flat(dop, n), rn_flat(t2, n), rn_flat(o, n));
  net_conv_bwd(m, &w->gate, dcat, dop, cat, B, NULL);
  rn_concat_backward(be, ddec, dh, dcat, B, nh, nh, HW);
  net_conv_bwd(m, &w->dec, dw, ddec, wp, B, NULL);
  net_conv_bwd(m, &w->wconv, dsmp, dw, smp, B, NULL);
  rn_copy(be, dFt, dF, nf);
  rn_deform3_backward(be, de, dFt, dmk, dsmp, e, F, mk, B, c4, m->P / 2, m->Q / 2);
  rn_sigmoid_backward(be, rn_flat(dmkp, nk), rn_flat(dmk, nk), rn_flat(mk, nk));
  net_conv_bwd(m, &w->wgate, de, dmkp, e, B, NULL);
  /* F'' = F' + D': dF' = dF'', dD' += dF''; D' = 0.5 D + 0.5 F */
  rn_add_forward(be, rn_flat(dDt, nf), rn_flat(dD, nf), rn_flat(dFt, nf));
  if (dDp)
    rn_acc_slice(be, rn_flat(dDp, nf), rn_flat(dDt, nf), 0.5f);
  if (dFp) {
    rn_acc_slice(be, rn_flat(dFp, nf), rn_flat(dDt, nf), 0.5f);
    /* F' = u z + (1 - u) F */
    rn_acc_slice(be, rn_flat(dFp, nf), rn_flat(dFt, nf), 1.0f);
    rn_mul_forward(be, rn_flat(t1, nf), rn_flat(dFt, nf), rn_flat(u, nf));
    rn_acc_slice(be, rn_flat(dFp, nf), rn_flat(t1, nf), -1.0f);
  }
  rn_sub_forward(be, rn_flat(t1, nf), rn_flat(z, nf), rn_flat(Fp, nf));
  rn_mul_forward(be, rn_flat(t1, nf), rn_flat(t1, nf), rn_flat(dFt, nf));
  rn_sigmoid_backward(be, rn_flat(dup, nf), rn_flat(t1, nf), rn_flat(u, nf));
  rn_mul_forward(be, rn_flat(t1, nf), rn_flat(dFt, nf), rn_flat(u, nf));
  rn_tanh_backward(be, rn_flat(dzp, nf), rn_flat(t1, nf), rn_flat(z, nf));
  net_conv_bwd(m, &w->out, derf, dzp, erf, B, NULL);
  net_chan_copy(m, de, c4, 0, derf, c4 + nm, 0, c4, B, hw2, 1);
  /* r F: dr = drf F, dF += drf r */
  rn_mul_forward(be, rn_flat(t1, nf), drf, rn_flat(Fp, nf));
  rn_sigmoid_backward(be, rn_flat(drp, nf), rn_flat(t1, nf), rn_flat(r, nf));
  if (dFp)
    rn_mul_backward(be, rn_flat(dFp, nf), none, drf, rn_flat(Fp, nf), rn_flat(r, nf));
  net_conv_bwd(m, &w->upd, def, dup, ef, B, NULL);
  net_conv_bwd(m, &w->rst, def, drp, ef, B, NULL);
  net_chan_copy(m, de, c4, 0, def, c4 + nm, 0, c4, B, hw2, 1);
  if (dFp)
    net_chan_copy(m, dFp, nm, 0, def, c4 + nm, c4, nm, B, hw2, 1);
  net_conv_bwd(m, &w->enc, dh, de, h, B, NULL);
  rn_arena_release(m->tmp, mark);
}
