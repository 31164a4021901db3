/* net.c - what the cells share (net.h): parameter declaration with its
 * initialisation rule, gate convolutions with optional layer norm, the
 * arenas, and the LSTM arithmetic on channel slices. */
#include "net.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

/* ---- parameters ---- */

struct rn_tensor *net_param(struct rn_model *m, enum net_init kind, float bound, int ndim,
                            const int *shape, const char *fmt, ...)
{
  char name[RN_NAMELEN];
  va_list ap;
  struct rn_tensor *t;
  va_start(ap, fmt);
  vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  if (m->ninit == NET_MAXINIT) {
    rn_error(RN_EINTERNAL, "model: more than %d parameter tensors", NET_MAXINIT);
    return NULL;
  }
  t = rn_params_add(&m->params, name, ndim, shape);
  if (!t)
    return NULL;
  m->init[m->ninit].t = t;
  m->init[m->ninit].kind = kind;
  m->init[m->ninit].bound = bound;
  m->ninit++;
  return t;
}

float net_glorot(int cin, int cout, int k)
{
  /* TensorFlow's glorot_uniform for a k x k kernel: fans include k*k */
  return sqrtf(6.0f / ((float)(cin + cout) * k * k));
}

static void rule(float bound, float deflt, enum net_init *kind, float *b)
{
  if (bound < 0.0f)
    bound = deflt;
  *kind = bound == 0.0f ? NET_INIT_ZERO : NET_INIT_UNIFORM;
  *b = bound;
}

enum rn_status net_conv_declare(struct rn_model *m, struct net_conv *c, const char *prefix,
                                int cin, int cout, int k, int stride, int pad, int bias, int H,
                                int W, float wbound, float bbound, int transposed)
{
  int shape[4] = {transposed ? cin : cout, transposed ? cout : cin, k, k};
  /* PyTorch's fan_in is dimension 1 of the weight times the kernel area */
  float deflt = 1.0f / sqrtf((float)shape[1] * k * k), b;
  enum net_init kind;
  c->cin = cin;
  c->cout = cout;
  c->k = k;
  c->stride = stride;
  c->pad = pad;
  c->transposed = transposed;
  c->H = H;
  c->W = W;
  c->ln = RN_AFFINE_NONE;
  c->b = c->g = c->beta = NULL;
  rule(wbound, deflt, &kind, &b);
  if (!(c->w = net_param(m, kind, b, 4, shape, "%s.weight", prefix)))
    return RN_EINTERNAL;
  if (bias) {
    rule(bbound, deflt, &kind, &b);
    if (!(c->b = net_param(m, kind, b, 1, &cout, "%s.bias", prefix)))
      return RN_EINTERNAL;
  }
  return RN_OK;
}

static void outsize(const struct net_conv *c, int *oh, int *ow)
{
  if (c->transposed) {
    *oh = (c->H - 1) * c->stride - 2 * c->pad + c->k;
    *ow = (c->W - 1) * c->stride - 2 * c->pad + c->k;
  } else {
    *oh = (c->H + 2 * c->pad - c->k) / c->stride + 1;
    *ow = (c->W + 2 * c->pad - c->k) / c->stride + 1;
  }
}

long net_conv_outsize(const struct net_conv *c)
{
  int oh, ow;
  outsize(c, &oh, &ow);
  return (long)c->cout * oh * ow;
}

enum rn_status net_ln_declare(struct rn_model *m, struct net_conv *c, const char *prefix,
                              enum rn_affine kind)
{
  int oh, ow;
  outsize(c, &oh, &ow);
  if (kind == RN_AFFINE_ELEMENT) {
    int shape[3] = {c->cout, oh, ow};
    c->g = net_param(m, NET_INIT_ONE, 0, 3, shape, "%s.weight", prefix);
    c->beta = net_param(m, NET_INIT_ZERO, 0, 3, shape, "%s.bias", prefix);
  } else {
    c->g = net_param(m, NET_INIT_ONE, 0, 1, &c->cout, "%s.gamma", prefix);
    c->beta = net_param(m, NET_INIT_ZERO, 0, 1, &c->cout, "%s.beta", prefix);
  }
  c->ln = kind;
  return c->g && c->beta ? RN_OK : RN_EINTERNAL;
}

/* ---- arenas ---- */

float *net_act(struct rn_model *m, long n) { return rn_arena_alloc(m->act, n); }
float *net_tmp(struct rn_model *m, long n) { return rn_arena_alloc(m->tmp, n); }
float *net_tmpz(struct rn_model *m, long n) { return rn_arena_zeros(m->tmp, n); }

/* ---- gate convolutions ---- */

static struct rn_conv desc(const struct net_conv *c, int B)
{
  if (c->transposed)
    return rn_convt2d(B, c->cin, c->H, c->W, c->cout, c->k, c->stride, c->pad);
  return rn_conv2d(B, c->cin, c->H, c->W, c->cout, c->k, c->stride, c->pad);
}

void net_conv_fwd(struct rn_model *m, const struct net_conv *c, float *out, const float *x, int B,
                  float **sv)
{
  struct rn_conv s = desc(c, B);
  long L = (long)s.OH * s.OW;
  if (c->ln == RN_AFFINE_NONE) {
    rn_conv_forward(m->be, &s, out, x, c->w->data, c->b ? c->b->data : NULL);
    return;
  }
  sv[0] = net_act(m, (long)B * c->cout * L);
  sv[1] = net_act(m, B);
  sv[2] = net_act(m, B);
  rn_conv_forward(m->be, &s, sv[0], x, c->w->data, c->b ? c->b->data : NULL);
  rn_layernorm_forward(m->be, out, sv[1], sv[2], sv[0], c->g->data, c->beta->data, B, c->cout, L,
                       1e-5f, c->ln);
}

void net_conv_bwd(struct rn_model *m, const struct net_conv *c, float *dx, const float *dout,
                  const float *x, int B, float *const *sv)
{
  struct rn_conv s = desc(c, B);
  long L = (long)s.OH * s.OW;
  size_t mark = rn_arena_mark(m->tmp);
  if (c->ln != RN_AFFINE_NONE) {
    float *dpre = net_tmpz(m, (long)B * c->cout * L);
    rn_layernorm_backward(m->be, dpre, c->g->grad, c->beta->grad, dout, sv[0], sv[1], sv[2],
                          c->g->data, B, c->cout, L, c->ln);
    dout = dpre;
  }
  rn_conv_backward(m->be, &s, dx, c->w->grad, c->b ? c->b->grad : NULL, dout, x, c->w->data);
  rn_arena_release(m->tmp, mark);
}

/* ---- LSTM arithmetic ---- */

static struct rn_slice like(const float *p, struct rn_slice s)
{
  return rn_flat(p, (long)s.rows * s.cols);
}

void net_sigmoid(struct rn_model *m, struct rn_slice x, float bias)
{
  if (bias != 0.0f)
    rn_affine_forward(m->be, x, x, 1.0f, bias);
  rn_sigmoid_forward(m->be, x, x);
}

void net_tanh(struct rn_model *m, struct rn_slice x) { rn_tanh_forward(m->be, x, x); }

void net_update_fwd(struct rn_model *m, struct rn_slice cn, struct rn_slice f, struct rn_slice c,
                    struct rn_slice i, struct rn_slice g, float *tmp)
{
  struct rn_slice t = like(tmp, cn);
  rn_mul_forward(m->be, t, i, g);
  rn_mul_forward(m->be, cn, f, c);
  rn_add_forward(m->be, cn, cn, t);
}

void net_update_bwd(struct rn_model *m, struct rn_slice dpf, struct rn_slice dpi,
                    struct rn_slice dpg, struct rn_slice dc, struct rn_slice dcn,
                    struct rn_slice f, struct rn_slice c, struct rn_slice i, struct rn_slice g,
                    float *tmp)
{
  struct rn_backend *be = m->be;
  struct rn_slice t = like(tmp, dcn);
  static const struct rn_slice none;
  rn_mul_forward(be, t, dcn, c);
  rn_sigmoid_backward(be, dpf, t, f);
  rn_mul_forward(be, t, dcn, g);
  rn_sigmoid_backward(be, dpi, t, i);
  rn_mul_forward(be, t, dcn, i);
  rn_tanh_backward(be, dpg, t, g);
  if (dc.p)
    rn_mul_backward(be, dc, none, dcn, c, f);
}

void net_out_fwd(struct rn_model *m, struct rn_slice h, struct rn_slice o, struct rn_slice th,
                 struct rn_slice hw, float *tmp)
{
  struct rn_backend *be = m->be;
  rn_mul_forward(be, h, o, th);
  if (hw.p) {
    struct rn_slice t = like(tmp, h);
    rn_affine_forward(be, t, o, -1.0f, 1.0f);
    rn_mul_forward(be, t, t, hw);
    rn_add_forward(be, h, h, t);
  }
}

void net_out_bwd(struct rn_model *m, struct rn_slice dpo, struct rn_slice dth, struct rn_slice dhw,
                 struct rn_slice dh, struct rn_slice o, struct rn_slice th, struct rn_slice hw,
                 float *tmp)
{
  struct rn_backend *be = m->be;
  struct rn_slice t = like(tmp, dh);
  static const struct rn_slice none;
  if (hw.p) {
    rn_sub_forward(be, t, th, hw);
    rn_mul_forward(be, t, t, dh);
  } else {
    rn_mul_forward(be, t, dh, th);
  }
  rn_sigmoid_backward(be, dpo, t, o);
  if (dth.p)
    rn_mul_backward(be, dth, none, dh, th, o);
  if (dhw.p) {
    rn_acc_slice(be, dhw, dh, 1.0f);
    rn_mul_forward(be, t, dh, o);
    rn_acc_slice(be, dhw, t, -1.0f);
  }
}

void net_chan_copy(struct rn_model *m, float *dst, int Cd, int d0, const float *src, int Cs,
                   int s0, int n, int B, long HW, int acc)
{
  struct rn_slice d = rn_chan(dst, B, Cd, HW, d0, n), s = rn_chan(src, B, Cs, HW, s0, n);
  if (acc)
    rn_acc_slice(m->be, d, s, 1.0f);
  else
    rn_copy_slice(m->be, d, s);
}
