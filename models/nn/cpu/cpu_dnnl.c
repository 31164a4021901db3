/* cpu_dnnl.c - convolutions through oneDNN's direct (JIT) primitives.
 *
 * oneDNN computes convolutions fastest in its blocked layouts (nChw16c ...):
 * each pass reorders the NCHW inputs into them, runs the primitive and
 * reorders the result back (adding into the gradient, as layers.h requires,
 * through a reorder with a sum post-op). Primitives and reorders are made
 * once per shape and pass and kept in a small cache; the blocked tensors
 * live in the backend's scratch (rn_be_work) during the call only, so the
 * memory is that of the largest pass, not the sum over shapes. Any shape oneDNN declines falls back to im2col + sgemm
 * (models/layers/conv.c). Transposed convolutions always take that path. */
#include "config.h"

#ifdef RN_HAVE_DNNL
#include <stdlib.h>
#include <string.h>

#include <dnnl.h>

#include "cpu.h"

#define NCACHE 48
enum { FWD = 0, BWD_DATA = 1, BWD_WEIGHTS = 2 };

/* a conv pass: up to three tensors, each with the user's memory, the
 * primitive's (when its layout differs) and the reorder between them */
struct plan {
  struct rn_conv s;
  int pass, has_bias, ok;
  unsigned long used;
  dnnl_primitive_t conv;
  dnnl_memory_t user[3], mine[3], bias;
  size_t bytes[3]; /* of mine[i], 0 when the user's memory is used directly */
  dnnl_primitive_t reorder[3]; /* inputs: user -> mine; the output: mine -> user (+=) */
};

struct rn_dnnl {
  dnnl_engine_t eng;
  dnnl_stream_t stream;
  struct plan cache[NCACHE];
  unsigned long clock;
};

/* the tensor roles of each pass: arguments, and which one is the output */
static const int roles[3][3] = {{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
                                {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                                {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS}};

static void plan_free(struct plan *p)
{
  for (int i = 0; i < 3; i++) {
    if (p->reorder[i]) dnnl_primitive_destroy(p->reorder[i]);
    if (p->mine[i]) dnnl_memory_destroy(p->mine[i]);
    if (p->user[i]) dnnl_memory_destroy(p->user[i]);
  }
  if (p->bias) dnnl_memory_destroy(p->bias);
  if (p->conv) dnnl_primitive_destroy(p->conv);
  memset(p, 0, sizeof *p);
}

static void descs(const struct rn_conv *s, dnnl_memory_desc_t *src, dnnl_memory_desc_t *wei,
                  dnnl_memory_desc_t *dst, dnnl_format_tag_t tag_act, dnnl_format_tag_t tag_wei)
{
  const int three = s->D > 1 || s->KD > 1;
  dnnl_dims_t ds, dw, dd;
  if (three) {
    dnnl_dims_t a = {s->B, s->C, s->D, s->H, s->W}, b = {s->O, s->C, s->KD, s->KH, s->KW},
                c = {s->B, s->O, s->OD, s->OH, s->OW};
    memcpy(ds, a, sizeof a);
    memcpy(dw, b, sizeof b);
    memcpy(dd, c, sizeof c);
  } else {
    dnnl_dims_t a = {s->B, s->C, s->H, s->W}, b = {s->O, s->C, s->KH, s->KW},
                c = {s->B, s->O, s->OH, s->OW};
    memcpy(ds, a, sizeof a);
    memcpy(dw, b, sizeof b);
    memcpy(dd, c, sizeof c);
  }
  int n = three ? 5 : 4;
  dnnl_memory_desc_init_by_tag(src, n, ds, dnnl_f32, tag_act);
  dnnl_memory_desc_init_by_tag(wei, n, dw, dnnl_f32, tag_wei);
  dnnl_memory_desc_init_by_tag(dst, n, dd, dnnl_f32, tag_act);
}

static int conv_desc(const struct rn_conv *s, int pass, dnnl_convolution_desc_t *cd,
                     int with_bias)
{
  const int three = s->D > 1 || s->KD > 1;
  dnnl_memory_desc_t src, wei, dst, bias;
  dnnl_dims_t st, pl, pr, nb = {s->O};
  int k = 0;
  if (three) {
    st[k] = s->SD; pl[k] = s->PD; pr[k++] = (s->OD - 1) * s->SD + s->KD - s->D - s->PD;
  }
  st[k] = s->SH; pl[k] = s->PH; pr[k++] = (s->OH - 1) * s->SH + s->KH - s->H - s->PH;
  st[k] = s->SW; pl[k] = s->PW; pr[k++] = (s->OW - 1) * s->SW + s->KW - s->W - s->PW;
  descs(s, &src, &wei, &dst, dnnl_format_tag_any, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&bias, 1, nb, dnnl_f32, dnnl_x);
  if (pass == FWD)
    return dnnl_convolution_forward_desc_init(cd, dnnl_forward_training, dnnl_convolution_direct,
                                              &src, &wei, with_bias ? &bias : NULL, &dst, st, pl,
                                              pr) != dnnl_success;
  if (pass == BWD_DATA)
    return dnnl_convolution_backward_data_desc_init(cd, dnnl_convolution_direct, &src, &wei, &dst,
                                                    st, pl, pr) != dnnl_success;
  return dnnl_convolution_backward_weights_desc_init(cd, dnnl_convolution_direct, &src, &wei,
                                                     NULL, &dst, st, pl, pr) != dnnl_success;
}

/* user memory i of the pass, in its plain layout; the primitive's own memory
 * and the reorder between them when the layouts differ. mode 0: an input
 * (user -> mine); 1: an output (mine -> user); 2: an output added into the
 * user's (mine -> user with a sum post-op, always through mine). */
static int bind(struct rn_dnnl *d, struct plan *p, int i, const dnnl_memory_desc_t *user_md,
                const dnnl_memory_desc_t *prim_md, int mode)
{
  dnnl_primitive_desc_t rpd = NULL;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_post_ops_t po = NULL;
  int bad = 0;
  if (dnnl_memory_create(&p->user[i], user_md, d->eng, DNNL_MEMORY_NONE) != dnnl_success)
    return -1;
  if (mode < 2 && dnnl_memory_desc_equal(user_md, prim_md))
    return 0;
  if (dnnl_memory_create(&p->mine[i], prim_md, d->eng, DNNL_MEMORY_NONE) != dnnl_success)
    return -1;
  p->bytes[i] = (dnnl_memory_desc_get_size(prim_md) + 63) & ~(size_t)63;
  if (mode == 2) {
    bad |= dnnl_primitive_attr_create(&attr) != dnnl_success;
    bad |= !bad && dnnl_post_ops_create(&po) != dnnl_success;
    bad |= !bad && dnnl_post_ops_append_sum(po, 1.0f) != dnnl_success;
    bad |= !bad && dnnl_primitive_attr_set_post_ops(attr, po) != dnnl_success;
  }
  if (!bad) {
    if (mode == 0)
      bad |= dnnl_reorder_primitive_desc_create(&rpd, user_md, d->eng, prim_md, d->eng, NULL) !=
             dnnl_success;
    else
      bad |= dnnl_reorder_primitive_desc_create(&rpd, prim_md, d->eng, user_md, d->eng, attr) !=
             dnnl_success;
  }
  bad |= !bad && dnnl_primitive_create(&p->reorder[i], rpd) != dnnl_success;
  if (rpd) dnnl_primitive_desc_destroy(rpd);
  if (po) dnnl_post_ops_destroy(po);
  if (attr) dnnl_primitive_attr_destroy(attr);
  return bad ? -1 : 0;
}

static int make(struct rn_dnnl *d, struct plan *p, const struct rn_conv *s, int pass, int bias)
{
  dnnl_convolution_desc_t cd, fd;
  dnnl_primitive_desc_t pd = NULL, hint = NULL;
  dnnl_memory_desc_t src, wei, dst;
  const dnnl_memory_desc_t *want[3];
  const dnnl_query_t q[3][3] = {{dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md},
                                {dnnl_query_diff_dst_md, dnnl_query_weights_md, dnnl_query_diff_src_md},
                                {dnnl_query_src_md, dnnl_query_diff_dst_md, dnnl_query_diff_weights_md}};
  int three = s->D > 1 || s->KD > 1, bad = 0;
  p->s = *s;
  p->pass = pass;
  p->has_bias = bias;
  p->ok = 0;
  if (conv_desc(s, pass, &cd, bias))
    return -1;
  if (pass != FWD) {
    if (conv_desc(s, FWD, &fd, 0) || dnnl_primitive_desc_create(&hint, &fd, NULL, d->eng, NULL))
      return -1;
  }
  if (dnnl_primitive_desc_create(&pd, &cd, NULL, d->eng, hint) != dnnl_success) {
    if (hint) dnnl_primitive_desc_destroy(hint);
    return -1;
  }
  for (int i = 0; i < 3; i++)
    want[i] = dnnl_primitive_desc_query_md(pd, q[pass][i], 0);
  descs(s, &src, &wei, &dst, three ? dnnl_ncdhw : dnnl_nchw, three ? dnnl_oidhw : dnnl_oihw);
  const dnnl_memory_desc_t *user[3][3] = {{&src, &wei, &dst}, {&dst, &wei, &src}, {&src, &dst, &wei}};
  for (int i = 0; i < 3 && !bad; i++)
    bad |= bind(d, p, i, user[pass][i], want[i], i < 2 ? 0 : pass == FWD ? 1 : 2) != 0;
  if (!bad && pass == FWD && bias) {
    dnnl_dims_t nb = {s->O};
    dnnl_memory_desc_t bmd;
    dnnl_memory_desc_init_by_tag(&bmd, 1, nb, dnnl_f32, dnnl_x);
    bad |= dnnl_memory_create(&p->bias, &bmd, d->eng, DNNL_MEMORY_NONE) != dnnl_success;
  }
  bad |= !bad && dnnl_primitive_create(&p->conv, pd) != dnnl_success;
  dnnl_primitive_desc_destroy(pd);
  if (hint) dnnl_primitive_desc_destroy(hint);
  p->ok = !bad;
  return bad ? -1 : 0;
}

/* the cached plan for a shape and pass (made on first use; NULL: not done by oneDNN) */
static struct plan *find(struct rn_dnnl *d, const struct rn_conv *s, int pass, int bias)
{
  struct plan *lru = &d->cache[0];
  for (int i = 0; i < NCACHE; i++) {
    struct plan *p = &d->cache[i];
    if (p->used && p->pass == pass && p->has_bias == bias && memcmp(&p->s, s, sizeof *s) == 0) {
      p->used = ++d->clock;
      return p->ok ? p : NULL;
    }
    if (p->used < lru->used)
      lru = p;
  }
  plan_free(lru);
  lru->used = ++d->clock;
  if (make(d, lru, s, pass, bias)) {
    plan_free(lru); /* remember the refusal: the shape goes to im2col from now on */
    lru->s = *s;
    lru->pass = pass;
    lru->has_bias = bias;
    lru->used = d->clock;
    return NULL;
  }
  return lru;
}

/* Run a plan; a failure here is an error (latched), not a fallback. */
static int run(struct rn_backend *be, struct rn_dnnl *d, struct plan *p, void *t0, void *t1,
               void *t2, const float *bias)
{
  void *h[3] = {t0, t1, t2};
  dnnl_exec_arg_t args[4];
  int n = 0, bad = 0;
  char *work = (char *)rn_be_work(be, (p->bytes[0] + p->bytes[1] + p->bytes[2]) / sizeof(float) + 1);
  if (!work)
    return 0; /* the error is latched already */
  for (int i = 0; i < 3; i++) {
    if (p->mine[i]) {
      bad |= dnnl_memory_set_data_handle(p->mine[i], work) != dnnl_success;
      work += p->bytes[i];
    }
  }
  for (int i = 0; i < 3; i++) {
    bad |= dnnl_memory_set_data_handle(p->user[i], h[i]) != dnnl_success;
    if (i < 2 && p->reorder[i]) {
      dnnl_exec_arg_t ra[2] = {{DNNL_ARG_FROM, p->user[i]}, {DNNL_ARG_TO, p->mine[i]}};
      bad |= !bad && dnnl_primitive_execute(p->reorder[i], d->stream, 2, ra) != dnnl_success;
    }
    args[n].arg = roles[p->pass][i];
    args[n++].memory = p->mine[i] ? p->mine[i] : p->user[i];
  }
  if (p->bias) {
    bad |= dnnl_memory_set_data_handle(p->bias, (void *)bias) != dnnl_success;
    args[n].arg = DNNL_ARG_BIAS;
    args[n++].memory = p->bias;
  }
  bad |= !bad && dnnl_primitive_execute(p->conv, d->stream, n, args) != dnnl_success;
  if (!bad && p->reorder[2]) {
    dnnl_exec_arg_t ra[2] = {{DNNL_ARG_FROM, p->mine[2]}, {DNNL_ARG_TO, p->user[2]}};
    bad |= dnnl_primitive_execute(p->reorder[2], d->stream, 2, ra) != dnnl_success;
  }
  bad |= !bad && dnnl_stream_wait(d->stream) != dnnl_success;
  return bad;
}

static struct rn_dnnl *state(struct rn_backend *be)
{
  struct rn_dnnl *d = (struct rn_dnnl *)be->impl;
  if (!d || (be->conv != RN_CONV_DNNL && be->conv != RN_CONV_WINOGRAD))
    return NULL;
  return d;
}

int rn_cpu_dnnl_conv_forward(struct rn_backend *be, const struct rn_conv *s, float *out,
                             const float *inp, const float *w, const float *bias)
{
  struct rn_dnnl *d = state(be);
  struct plan *p = d ? find(d, s, FWD, bias != NULL) : NULL;
  if (!p)
    return -1;
  if (run(be, d, p, (void *)inp, (void *)w, out, bias))
    rn_be_fail(be, RN_EINTERNAL, "cpu: oneDNN convolution forward failed");
  return 0;
}

int rn_cpu_dnnl_conv_backward_data(struct rn_backend *be, const struct rn_conv *s, float *dinp,
                                   const float *dout, const float *w)
{
  struct rn_dnnl *d = state(be);
  struct plan *p = d ? find(d, s, BWD_DATA, 0) : NULL;
  if (!p)
    return -1;
  if (run(be, d, p, (void *)dout, (void *)w, dinp, NULL))
    rn_be_fail(be, RN_EINTERNAL, "cpu: oneDNN convolution backward (data) failed");
  return 0;
}

int rn_cpu_dnnl_conv_backward_weights(struct rn_backend *be, const struct rn_conv *s, float *dw,
                                      const float *dout, const float *inp)
{
  struct rn_dnnl *d = state(be);
  struct plan *p = d ? find(d, s, BWD_WEIGHTS, 0) : NULL;
  if (!p)
    return -1;
  if (run(be, d, p, (void *)inp, (void *)dout, dw, NULL))
    rn_be_fail(be, RN_EINTERNAL, "cpu: oneDNN convolution backward (weights) failed");
  return 0;
}

int rn_cpu_dnnl_open(struct rn_backend *be)
{
  struct rn_dnnl *d = (struct rn_dnnl *)calloc(1, sizeof *d);
  if (!d)
    return -1;
  if (dnnl_engine_create(&d->eng, dnnl_cpu, 0) != dnnl_success ||
      dnnl_stream_create(&d->stream, d->eng, dnnl_stream_default_flags) != dnnl_success) {
    if (d->eng) dnnl_engine_destroy(d->eng);
    free(d);
    return -1;
  }
  be->impl = d;
  return 0;
}

void rn_cpu_dnnl_close(struct rn_backend *be)
{
  struct rn_dnnl *d = (struct rn_dnnl *)be->impl;
  if (!d)
    return;
  for (int i = 0; i < NCACHE; i++)
    plan_free(&d->cache[i]);
  dnnl_stream_destroy(d->stream);
  dnnl_engine_destroy(d->eng);
  free(d);
  be->impl = NULL;
}
#endif
