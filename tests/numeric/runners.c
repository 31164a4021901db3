/* runners.c - one runner per layer: inputs from the fixture, forward, backward
 * with the fixture's upstream gradient, outputs and gradients collected. */
#include "runners.h"

#include <radnow/layers.h>
#include <radnow/optim.h>
#include <radnow/rng.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *fx_op(const struct rn_tfile *f, char *buf, size_t size)
{
  const struct rn_tfile_entry *e = rn_tfile_find(f, "op");
  size_t n = 0;
  if (e && e->type == RN_TF_U8) {
    n = (size_t)e->size < size - 1 ? (size_t)e->size : size - 1;
    memcpy(buf, e->data, n);
  }
  buf[n] = '\0';
  return buf;
}

int fx_int(const struct rn_tfile *f, const char *name, int def)
{
  const struct rn_tfile_entry *e = rn_tfile_find(f, name);
  if (!e || e->size != 1)
    return def;
  return e->type == RN_TF_I32 ? *(const int32_t *)e->data : (int)*(const float *)e->data;
}

float fx_float(const struct rn_tfile *f, const char *name, float def)
{
  const struct rn_tfile_entry *e = rn_tfile_find(f, name);
  if (!e || e->size != 1)
    return def;
  return e->type == RN_TF_F32 ? *(const float *)e->data : (float)*(const int32_t *)e->data;
}

long fx_compare(const char *what, const float *got, const float *want, long n, double atol,
                double rtol)
{
  long miss = 0, worst = -1;
  double maxd = 0.0, maxr = 0.0;
  for (long i = 0; i < n; i++) {
    double a = got[i], b = want[i], d = fabs(a - b);
    int ok = d <= atol + rtol * fabs(b); /* false for NaN */
    if (!ok)
      miss++;
    if (!ok || d > maxd) {
      if (d > maxd || worst < 0 || !ok)
        worst = i;
      if (d > maxd)
        maxd = d;
    }
    if (fabs(b) > 0 && d / fabs(b) > maxr)
      maxr = d / fabs(b);
  }
  printf("  %-10s %7ld values  max |diff| %.3g  max rel %.3g%s", what, n, maxd, maxr,
         miss ? "  FAIL" : "\n");
  if (miss)
    printf(" (%ld misses; e.g. [%ld] = %.8g, want %.8g; atol %g rtol %g)\n", miss, worst,
           (double)got[worst], (double)want[worst], atol, rtol);
  return miss;
}

void fx_out_free(struct fx_out *o)
{
  for (int i = 0; i < o->n; i++)
    free(o->e[i].data);
  o->n = 0;
}

/* ---- helpers for the runners ---- */

static const struct rn_tfile_entry *need(struct fx *c, const char *name)
{
  const struct rn_tfile_entry *e = rn_tfile_find(c->f, name);
  if (!e || e->type != RN_TF_F32) {
    fprintf(stderr, "fixture: tensor '%s' missing\n", name);
    exit(99);
  }
  return e;
}

static float *track(struct fx *c, float *p)
{
  if (c->nbuf == FX_MAXBUF) {
    fprintf(stderr, "fixture: too many buffers\n");
    exit(99);
  }
  c->buf[c->nbuf++] = p;
  return p;
}

/* Device copy of a fixture tensor (NULL when optional and absent). */
static float *in(struct fx *c, const char *name)
{
  const struct rn_tfile_entry *e = need(c, name);
  float *p = track(c, rn_alloc(c->be, e->size));
  rn_upload(c->be, p, (const float *)e->data, e->size);
  return p;
}

static float *in_opt(struct fx *c, const char *name)
{
  return rn_tfile_find(c->f, name) ? in(c, name) : NULL;
}

static float *buf(struct fx *c, long n) { return track(c, rn_alloc(c->be, n)); }

/* A gradient buffer: starts at FX_GRAD_PRIOR (see runners.h). */
static float *gbuf(struct fx *c, long n)
{
  float *p = buf(c, n);
  rn_fill(c->be, p, n, FX_GRAD_PRIOR);
  return p;
}

static void put(struct fx *c, const char *name, const float *dev, long n, int is_grad)
{
  struct rn_tfile_entry *e;
  if (!dev)
    return;
  if (c->out->n == FX_MAXOUT) {
    fprintf(stderr, "fixture: too many outputs\n");
    exit(99);
  }
  e = &c->out->e[c->out->n++];
  memset(e, 0, sizeof *e);
  snprintf(e->name, sizeof e->name, "%s", name);
  e->type = RN_TF_F32;
  e->ndim = 1;
  e->shape[0] = (int)n;
  e->size = n;
  e->data = calloc((size_t)n + 1, sizeof(float));
  rn_download(c->be, (float *)e->data, dev, n);
  if (is_grad)
    for (long i = 0; i < n; i++)
      ((float *)e->data)[i] -= FX_GRAD_PRIOR;
}

/* values computed on the host (a loss, learning rates) */
static void put_host_array(struct fx *c, const char *name, const float *v, long n)
{
  float *d = buf(c, n);
  rn_upload(c->be, d, v, n);
  put(c, name, d, n, 0);
}

static void put_host(struct fx *c, const char *name, float v) { put_host_array(c, name, &v, 1); }

static long size_of(struct fx *c, const char *name) { return need(c, name)->size; }
#define F(name) fx_float(c->f, #name, 0.0f)
static uint64_t u64(struct fx *c, const char *name)
{
  char lo[64], hi[64];
  snprintf(lo, sizeof lo, "%s_lo", name);
  snprintf(hi, sizeof hi, "%s_hi", name);
  return (uint64_t)fx_int(c->f, lo, 0) + ((uint64_t)fx_int(c->f, hi, 0) << 31);
}
#define A(name) fx_int(c->f, #name, 0)

/* ---- convolutions and linear ---- */

static void run_conv(struct fx *c, int kind) /* 2: conv2d, 3: conv3d, 't': transposed */
{
  struct rn_conv s;
  if (kind == 3)
    s = rn_conv3d(A(B), A(C), A(D), A(H), A(W), A(O), A(K), A(S), A(P));
  else if (kind == 't')
    s = rn_convt2d(A(B), A(C), A(H), A(W), A(O), A(K), A(S), A(P));
  else
    s = rn_conv2d(A(B), A(C), A(H), A(W), A(O), A(K), A(S), A(P));
  float *x = in(c, "x"), *w = in(c, "w"), *b = in_opt(c, "b"), *dy = in(c, "dy");
  long ny = size_of(c, "y");
  float *y = buf(c, ny);
  float *dx = gbuf(c, size_of(c, "x")), *dw = gbuf(c, size_of(c, "w"));
  float *db = b ? gbuf(c, A(O)) : NULL;
  rn_conv_forward(c->be, &s, y, x, w, b);
  rn_conv_backward(c->be, &s, dx, dw, db, dy, x, w);
  put(c, "y", y, ny, 0);
  put(c, "dx", dx, size_of(c, "x"), 1);
  put(c, "dw", dw, size_of(c, "w"), 1);
  put(c, "db", db, A(O), 1);
}

static void run_conv2d(struct fx *c) { run_conv(c, 2); }
static void run_conv3d(struct fx *c) { run_conv(c, 3); }
static void run_convt2d(struct fx *c) { run_conv(c, 't'); }

static void run_linear(struct fx *c)
{
  float *x = in(c, "x"), *w = in(c, "w"), *b = in_opt(c, "b"), *dy = in(c, "dy");
  int B = A(B), N = A(N), O = A(O);
  float *y = buf(c, (long)B * O), *dx = gbuf(c, (long)B * N), *dw = gbuf(c, (long)O * N);
  float *db = b ? gbuf(c, O) : NULL;
  rn_linear_forward(c->be, y, x, w, b, B, N, O);
  rn_linear_backward(c->be, dx, dw, db, dy, x, w, B, N, O);
  put(c, "y", y, (long)B * O, 0);
  put(c, "dx", dx, (long)B * N, 1);
  put(c, "dw", dw, (long)O * N, 1);
  put(c, "db", db, O, 1);
}

/* ---- element-wise ---- */

static void run_unary(struct fx *c)
{
  char op[64];
  long n = A(n);
  float *x = in(c, "x"), *dy = in(c, "dy"), *y = buf(c, n), *dx = gbuf(c, n);
  struct rn_slice X = rn_flat(x, n), Y = rn_flat(y, n), DX = rn_flat(dx, n), DY = rn_flat(dy, n);
  fx_op(c->f, op, sizeof op);
  if (strcmp(op, "sigmoid") == 0) {
    rn_sigmoid_forward(c->be, Y, X);
    rn_sigmoid_backward(c->be, DX, DY, Y);
  } else if (strcmp(op, "tanh") == 0) {
    rn_tanh_forward(c->be, Y, X);
    rn_tanh_backward(c->be, DX, DY, Y);
  } else if (strcmp(op, "relu") == 0) {
    rn_relu_forward(c->be, Y, X);
    rn_relu_backward(c->be, DX, DY, Y);
  } else if (strcmp(op, "leaky_relu") == 0) {
    rn_leaky_relu_forward(c->be, Y, X, F(slope));
    rn_leaky_relu_backward(c->be, DX, DY, Y, F(slope));
  } else {
    rn_affine_forward(c->be, Y, X, F(alpha), F(beta));
    rn_affine_backward(c->be, DX, DY, F(alpha));
  }
  put(c, "y", y, n, 0);
  put(c, "dx", dx, n, 1);
}

static void run_binary(struct fx *c)
{
  char op[64];
  long n = A(n);
  float *a = in(c, "a"), *b = in(c, "b"), *dy = in(c, "dy"), *y = buf(c, n);
  float *da = gbuf(c, n), *db = gbuf(c, n);
  struct rn_slice Y = rn_flat(y, n), Aa = rn_flat(a, n), Bb = rn_flat(b, n);
  struct rn_slice DA = rn_flat(da, n), DB = rn_flat(db, n), DY = rn_flat(dy, n);
  fx_op(c->f, op, sizeof op);
  if (strcmp(op, "add") == 0) {
    rn_add_forward(c->be, Y, Aa, Bb);
    rn_add_backward(c->be, DA, DB, DY);
  } else if (strcmp(op, "sub") == 0) {
    rn_sub_forward(c->be, Y, Aa, Bb);
    rn_sub_backward(c->be, DA, DB, DY);
  } else {
    rn_mul_forward(c->be, Y, Aa, Bb);
    rn_mul_backward(c->be, DA, DB, DY, Aa, Bb);
  }
  put(c, "y", y, n, 0);
  put(c, "da", da, n, 1);
  put(c, "db", db, n, 1);
}

static void run_concat(struct fx *c)
{
  int B = A(B), Ca = A(Ca), Cb = A(Cb);
  long HW = A(HW), ny = (long)B * (Ca + Cb) * HW;
  float *a = in(c, "a"), *b = in(c, "b"), *dy = in(c, "dy"), *y = buf(c, ny);
  float *da = gbuf(c, (long)B * Ca * HW), *db = gbuf(c, (long)B * Cb * HW);
  rn_concat_forward(c->be, y, a, b, B, Ca, Cb, HW);
  rn_concat_backward(c->be, da, db, dy, B, Ca, Cb, HW);
  put(c, "y", y, ny, 0);
  put(c, "da", da, (long)B * Ca * HW, 1);
  put(c, "db", db, (long)B * Cb * HW, 1);
}

static void run_split(struct fx *c)
{
  int B = A(B), Ca = A(Ca), Cb = A(Cb);
  long HW = A(HW), na = (long)B * Ca * HW, nb = (long)B * Cb * HW;
  float *x = in(c, "x"), *dya = in(c, "dya"), *dyb = in(c, "dyb");
  float *ya = buf(c, na), *yb = buf(c, nb), *dx = gbuf(c, na + nb);
  rn_split_forward(c->be, ya, yb, x, B, Ca, Cb, HW);
  rn_split_backward(c->be, dx, dya, dyb, B, Ca, Cb, HW);
  put(c, "ya", ya, na, 0);
  put(c, "yb", yb, nb, 0);
  put(c, "dx", dx, na + nb, 1);
}

/* ConvLSTM's gates straight from the [B, 4nh, HW] convolution output */
static void run_lstm_gates(struct fx *c)
{
  int B = A(B), nh = A(nh);
  long HW = A(HW), n = (long)B * nh * HW;
  struct rn_backend *be = c->be;
  float *G = in(c, "G"), *cc = in(c, "c"), *dh = in(c, "dh"), *dc2 = in(c, "dc2");
  float *act = buf(c, 4 * n), *t1 = buf(c, n), *t2 = buf(c, n), *c2 = buf(c, n);
  float *tc = buf(c, n), *h = buf(c, n);
  float *dact = buf(c, 4 * n), *dG = gbuf(c, 4 * n), *dc = gbuf(c, n);
  float *dtc = buf(c, n), *dct = buf(c, n);
#define GATE(p, k) rn_chan(p, B, 4 * nh, HW, (k) * nh, nh)
  struct rn_slice C1 = rn_flat(cc, n), T1 = rn_flat(t1, n), T2 = rn_flat(t2, n);
  struct rn_slice C2 = rn_flat(c2, n), TC = rn_flat(tc, n), Hh = rn_flat(h, n);
  rn_sigmoid_forward(be, GATE(act, 0), GATE(G, 0));
  rn_sigmoid_forward(be, GATE(act, 1), GATE(G, 1));
  rn_tanh_forward(be, GATE(act, 2), GATE(G, 2));
  rn_sigmoid_forward(be, GATE(act, 3), GATE(G, 3));
  rn_mul_forward(be, T1, GATE(act, 1), C1);
  rn_mul_forward(be, T2, GATE(act, 0), GATE(act, 2));
  rn_add_forward(be, C2, T1, T2);
  rn_tanh_forward(be, TC, C2);
  rn_mul_forward(be, Hh, GATE(act, 3), TC);
  /* backward: dh, dc2 given */
  rn_zero(be, dact, 4 * n);
  rn_zero(be, dtc, n);
  rn_copy(be, dct, dc2, n);
  rn_mul_backward(be, GATE(dact, 3), rn_flat(dtc, n), rn_flat(dh, n), GATE(act, 3), TC);
  rn_tanh_backward(be, rn_flat(dct, n), rn_flat(dtc, n), TC);
  /* dct is the gradient of C2 = T1 + T2 */
  rn_mul_backward(be, GATE(dact, 1), rn_flat(dc, n), rn_flat(dct, n), GATE(act, 1), C1);
  rn_mul_backward(be, GATE(dact, 0), GATE(dact, 2), rn_flat(dct, n), GATE(act, 0), GATE(act, 2));
  rn_sigmoid_backward(be, GATE(dG, 0), GATE(dact, 0), GATE(act, 0));
  rn_sigmoid_backward(be, GATE(dG, 1), GATE(dact, 1), GATE(act, 1));
  rn_tanh_backward(be, GATE(dG, 2), GATE(dact, 2), GATE(act, 2));
  rn_sigmoid_backward(be, GATE(dG, 3), GATE(dact, 3), GATE(act, 3));
#undef GATE
  put(c, "h", h, n, 0);
  put(c, "c2", c2, n, 0);
  put(c, "dG", dG, 4 * n, 1);
  put(c, "dc", dc, n, 1);
}

/* ---- normalisation, pooling, rearrangement, warp ---- */

static void run_groupnorm(struct fx *c)
{
  int B = A(B), C = A(C), G = A(G), affine = A(affine);
  long HW = A(HW), n = (long)B * C * HW, ng = affine == 2 ? (long)C * HW : C;
  float *x = in(c, "x"), *dy = in(c, "dy"), *gamma = in_opt(c, "gamma"), *beta = in_opt(c, "beta");
  float *y = buf(c, n), *mean = buf(c, (long)B * G), *rstd = buf(c, (long)B * G);
  float *dx = gbuf(c, n), *dg = affine ? gbuf(c, ng) : NULL, *db = affine ? gbuf(c, ng) : NULL;
  rn_groupnorm_forward(c->be, y, mean, rstd, x, gamma, beta, B, C, HW, G, 1e-5f,
                       (enum rn_affine)affine);
  rn_groupnorm_backward(c->be, dx, dg, db, dy, x, mean, rstd, gamma, B, C, HW, G,
                        (enum rn_affine)affine);
  put(c, "y", y, n, 0);
  put(c, "dx", dx, n, 1);
  put(c, "dgamma", dg, ng, 1);
  put(c, "dbeta", db, ng, 1);
}

static void run_maxpool2(struct fx *c)
{
  int B = A(B), C = A(C), H = A(H), W = A(W);
  long nx = (long)B * C * H * W, ny = (long)B * C * (H / 2) * (W / 2);
  float *x = in(c, "x"), *dy = in(c, "dy"), *y = buf(c, ny), *dx = gbuf(c, nx);
  rn_maxpool2_forward(c->be, y, x, B, C, H, W);
  rn_maxpool2_backward(c->be, dx, dy, x, B, C, H, W);
  put(c, "y", y, ny, 0);
  put(c, "dx", dx, nx, 1);
}

static void run_s2d(struct fx *c)
{
  char op[64];
  int B = A(B), C = A(C), H = A(H), W = A(W), p = A(p);
  enum rn_s2d_order order = (enum rn_s2d_order)A(order);
  long n = (long)B * C * H * W;
  float *x = in(c, "x"), *dy = in(c, "dy"), *y = buf(c, n), *dx = gbuf(c, n);
  if (strcmp(fx_op(c->f, op, sizeof op), "space_to_depth") == 0) {
    rn_space_to_depth_forward(c->be, y, x, B, C, H, W, p, order);
    rn_space_to_depth_backward(c->be, dx, dy, B, C, H, W, p, order);
  } else {
    rn_depth_to_space_forward(c->be, y, x, B, C, H, W, p, order);
    rn_depth_to_space_backward(c->be, dx, dy, B, C, H, W, p, order);
  }
  put(c, "y", y, n, 0);
  put(c, "dx", dx, n, 1);
}

static void run_deform3(struct fx *c)
{
  int B = A(B), C = A(C), H = A(H), W = A(W);
  long HW = (long)H * W, nx = (long)B * C * HW, ny = 9 * nx;
  float *x = in(c, "x"), *off = in(c, "off"), *mask = in(c, "mask"), *dy = in(c, "dy");
  float *y = buf(c, ny), *dx = gbuf(c, nx), *doff = gbuf(c, (long)B * 18 * HW);
  float *dmask = gbuf(c, (long)B * 9 * HW);
  rn_deform3_forward(c->be, y, x, off, mask, B, C, H, W);
  rn_deform3_backward(c->be, dx, doff, dmask, dy, x, off, mask, B, C, H, W);
  put(c, "y", y, ny, 0);
  put(c, "dx", dx, nx, 1);
  put(c, "doff", doff, (long)B * 18 * HW, 1);
  put(c, "dmask", dmask, (long)B * 9 * HW, 1);
}

/* ---- losses, random numbers, sampling ---- */

static void run_loss(struct fx *c)
{
  char op[64];
  long n = A(n), nb = A(nb);
  float scale = F(scale), dloss = *(const float *)need(c, "dloss")->data;
  double loss;
  struct rn_backend *be = c->be;
  fx_op(c->f, op, sizeof op);
  if (strcmp(op, "loss_mse") == 0 || strcmp(op, "loss_l1") == 0) {
    int mse = op[5] == 'm';
    float *a = in(c, "a"), *b = in(c, "b"), *da = gbuf(c, n);
    loss = mse ? rn_mse_forward(be, a, b, n, scale) : rn_l1_forward(be, a, b, n, scale);
    if (mse)
      rn_mse_backward(be, da, a, b, n, scale * dloss);
    else
      rn_l1_backward(be, da, a, b, n, scale * dloss);
    put(c, "da", da, n, 1);
  } else if (strcmp(op, "loss_wmse") == 0 || strcmp(op, "loss_wl1") == 0) {
    /* the step weights: host tensors thr [n] and w [n + 1] */
    const struct rn_tfile_entry *te = need(c, "thr"), *we = need(c, "w");
    struct rn_loss_steps st;
    int mse = op[6] == 'm';
    float *a = in(c, "a"), *b = in(c, "b"), *da = gbuf(c, n);
    memset(&st, 0, sizeof st);
    st.n = (int)te->size;
    if (st.n > RN_LOSS_MAXSTEPS || we->size != te->size + 1) {
      fprintf(stderr, "fixture: %ld thresholds, %ld weights\n", (long)te->size, (long)we->size);
      exit(99);
    }
    memcpy(st.thr, te->data, sizeof(float) * st.n);
    memcpy(st.w, we->data, sizeof(float) * (st.n + 1));
    loss = mse ? rn_wmse_forward(be, a, b, n, &st, scale) : rn_wl1_forward(be, a, b, n, &st, scale);
    if (mse)
      rn_wmse_backward(be, da, a, b, n, &st, scale * dloss);
    else
      rn_wl1_backward(be, da, a, b, n, &st, scale * dloss);
    put(c, "da", da, n, 1);
  } else if (strcmp(op, "loss_gnll") == 0) {
    float *x = in(c, "a"), *mu = in(c, "b"), *lv = in(c, "c");
    float *dmu = gbuf(c, n), *dlv = gbuf(c, nb);
    loss = rn_gauss_nll_forward(be, x, mu, lv, n, nb, scale);
    rn_gauss_nll_backward(be, dmu, dlv, x, mu, lv, n, nb, scale * dloss);
    put(c, "db", dmu, n, 1);
    put(c, "dc", dlv, nb, 1);
  } else {
    float *mq = in(c, "a"), *lq = in(c, "b"), *mp = in(c, "c"), *lp = in(c, "d");
    float *g0 = gbuf(c, n), *g1 = gbuf(c, n), *g2 = gbuf(c, nb), *g3 = gbuf(c, nb);
    loss = rn_kl_gauss_forward(be, mq, lq, mp, lp, n, nb, scale);
    rn_kl_gauss_backward(be, g0, g1, g2, g3, mq, lq, mp, lp, n, nb, scale * dloss);
    put(c, "da", g0, n, 1);
    put(c, "db", g1, n, 1);
    put(c, "dc", g2, nb, 1);
    put(c, "dd", g3, nb, 1);
  }
  put_host(c, "loss", (float)loss);
}

static void run_rng(struct fx *c)
{
  long n = A(n);
  uint64_t seed = u64(c, "seed"), offset = u64(c, "offset");
  float *u = buf(c, n), *g = buf(c, n);
  rn_rand_uniform(c->be, u, n, 0.0f, 1.0f, seed, offset);
  rn_rand_normal(c->be, g, n, 0.0f, 1.0f, seed, offset);
  put(c, "uniform", u, n, 0);
  put(c, "normal", g, n, 0);
}

static void run_gauss_sample(struct fx *c)
{
  long n = A(n);
  uint64_t seed = u64(c, "seed"), offset = u64(c, "offset");
  float *mu = in(c, "mu"), *lv = in(c, "logvar"), *dz = in(c, "dz");
  float *z = buf(c, n), *dmu = gbuf(c, n), *dlv = gbuf(c, n);
  rn_gauss_sample_forward(c->be, z, mu, lv, n, seed, offset);
  rn_gauss_sample_backward(c->be, dmu, dlv, dz, lv, n, seed, offset);
  put(c, "z", z, n, 0);
  put(c, "dmu", dmu, n, 1);
  put(c, "dlogvar", dlv, n, 1);
}

/* ---- optimizer ---- */

static struct rn_lr_schedule schedule(struct fx *c, const char *prefix)
{
  struct rn_lr_schedule s;
  char k[64];
#define SA(field, get) (snprintf(k, sizeof k, "%s" #field, prefix), get(c->f, k, 0))
  s.kind = (enum rn_lr_kind)SA(kind, fx_int);
  s.base = fx_float(c->f, "base", 0.0f);
  s.step_size = SA(step_size, fx_int);
  s.gamma = SA(gamma, fx_float);
  s.total = SA(total, fx_int);
  s.min_lr = SA(min_lr, fx_float);
  s.warmup = SA(warmup, fx_int);
  s.warmup_start = SA(warmup_start, fx_float);
#undef SA
  return s;
}

static void run_lr_schedule(struct fx *c)
{
  struct rn_lr_schedule s = schedule(c, "");
  int n = A(n);
  float lr[256];
  for (int i = 0; i < n && i < 256; i++)
    lr[i] = rn_lr_at(&s, i);
  put_host_array(c, "lr", lr, n);
}

static void upload_param(struct fx *c, struct rn_tensor *t, const char *name)
{
  const struct rn_tfile_entry *e = need(c, name);
  if (e->size != t->size) {
    fprintf(stderr, "fixture: %s has %ld values, the model %ld\n", name, e->size, t->size);
    exit(99);
  }
  rn_upload(c->be, t->data, (const float *)e->data, t->size);
}

/* Ten Adam steps of conv3x3(2->4) -> tanh -> conv1x1(4->1) -> MSE. */
static void run_adam_tiny(struct fx *c)
{
  struct rn_backend *be = c->be;
  int B = A(B), H = A(H), W = A(W);
  long n = (long)B * H * W, n4 = 4 * n;
  struct rn_params p;
  struct rn_tensor *w1, *b1, *w2, *b2;
  struct rn_adam adam;
  struct rn_lr_schedule sched = schedule(c, "s_");
  struct rn_conv s1 = rn_conv2d(B, 2, H, W, 4, 3, 1, 1), s2 = rn_conv2d(B, 4, H, W, 1, 1, 1, 0);
  float losses[10], clip = F(clip), ema = F(ema);
  float *x = in(c, "x"), *target = in(c, "target");
  float *h1 = buf(c, n4), *a1 = buf(c, n4), *y = buf(c, n), *dy = buf(c, n);
  float *da1 = buf(c, n4), *dh1 = buf(c, n4);

  rn_params_init(&p);
  w1 = rn_params_add(&p, "w1", 4, (int[]){4, 2, 3, 3});
  b1 = rn_params_add(&p, "b1", 1, (int[]){4});
  w2 = rn_params_add(&p, "w2", 4, (int[]){1, 4, 1, 1});
  b2 = rn_params_add(&p, "b2", 1, (int[]){1});
  if (rn_params_alloc(&p, be))
    return;
  upload_param(c, w1, "w1_init");
  upload_param(c, b1, "b1_init");
  upload_param(c, w2, "w2_init");
  upload_param(c, b2, "b2_init");
  rn_adam_init(&adam);
  adam.beta1 = F(beta1);
  adam.beta2 = F(beta2);
  adam.weight_decay = F(wd);
  adam.decoupled = A(decoupled);
  sched.base = F(base);
  rn_ema_update(&p, ema); /* the first call copies the initial weights */
  for (int step = 0; step < 10; step++) {
    rn_params_zero_grad(&p);
    rn_conv_forward(be, &s1, h1, x, w1->data, b1->data);
    rn_tanh_forward(be, rn_flat(a1, n4), rn_flat(h1, n4));
    rn_conv_forward(be, &s2, y, a1, w2->data, b2->data);
    losses[step] = (float)rn_mse_forward(be, y, target, n, 1.0f / n);
    rn_zero(be, dy, n);
    rn_mse_backward(be, dy, y, target, n, 1.0f / n);
    rn_zero(be, da1, n4);
    rn_conv_backward(be, &s2, da1, w2->grad, b2->grad, dy, a1, w2->data);
    rn_zero(be, dh1, n4);
    rn_tanh_backward(be, rn_flat(dh1, n4), rn_flat(da1, n4), rn_flat(a1, n4));
    rn_conv_backward(be, &s1, NULL, w1->grad, b1->grad, dh1, x, w1->data);
    if (clip > 0)
      rn_clip_grad_norm(&p, clip);
    rn_adam_step(&adam, &p, rn_lr_at(&sched, step));
    rn_ema_update(&p, ema);
  }
  put_host_array(c, "losses", losses, 10);
  const char *names[4] = {"w1", "b1", "w2", "b2"};
  for (int i = 0; i < 4; i++) {
    char en[32];
    snprintf(en, sizeof en, "%s_ema", names[i]);
    put(c, names[i], p.t[i]->data, p.t[i]->size, 0);
    put(c, en, p.ema + p.t[i]->offset, p.t[i]->size, 0);
  }
  rn_params_free(&p);
}

/* ---- a ConvLSTM through time: the way a recurrent model uses the API ----
 * Forward keeps, per step, what the backward reads (the gate activations,
 * the cell state and its tanh, the hidden state) in an arena; the backward
 * walks the steps in reverse, carrying dh and dc. */
static void run_convlstm(struct fx *c)
{
  struct rn_backend *be = c->be;
  const int B = A(B), C = A(C), nh = A(nh), H = A(H), W = A(W), T = A(T);
  const long HW = (long)H * W, nx = (long)B * C * HW, n = (long)B * nh * HW, n4 = 4 * n;
  struct rn_conv cx = rn_conv2d(B, C, H, W, 4 * nh, 3, 1, 1);
  struct rn_conv ch = rn_conv2d(B, nh, H, W, 4 * nh, 3, 1, 1);
  struct rn_params p;
  struct rn_tensor *wx, *wh, *bb;
  struct rn_arena *ar = rn_arena_create(be, 0);
  float *x = in(c, "x"), *target = in(c, "target"), *dx = gbuf(c, T * nx);
  float *act[64], *cs[64], *tcs[64], *hs[64];
  double loss = 0;
  const float scale = 1.0f / (float)(T * n);
#define GATE(p_, k) rn_chan(p_, B, 4 * nh, HW, (k) * nh, nh)
  rn_params_init(&p);
  wx = rn_params_add(&p, "wx", 4, (int[]){4 * nh, C, 3, 3});
  wh = rn_params_add(&p, "wh", 4, (int[]){4 * nh, nh, 3, 3});
  bb = rn_params_add(&p, "b", 1, (int[]){4 * nh});
  if (!ar || T > 64 || rn_params_alloc(&p, be))
    return;
  upload_param(c, wx, "wx");
  upload_param(c, wh, "wh");
  upload_param(c, bb, "b");
  for (int t = 0; t < T; t++) {
    float *G = rn_arena_alloc(ar, n4);
    act[t] = rn_arena_alloc(ar, n4);
    cs[t] = rn_arena_alloc(ar, n);
    tcs[t] = rn_arena_alloc(ar, n);
    hs[t] = rn_arena_alloc(ar, n);
    size_t mark = rn_arena_mark(ar); /* scratch of this step only */
    float *tmp = rn_arena_alloc(ar, n);
    rn_conv_forward(be, &cx, G, x + t * nx, wx->data, bb->data);
    if (t > 0) {
      float *Gh = rn_arena_alloc(ar, n4);
      rn_conv_forward(be, &ch, Gh, hs[t - 1], wh->data, NULL);
      rn_add_forward(be, rn_flat(G, n4), rn_flat(G, n4), rn_flat(Gh, n4));
    }
    rn_sigmoid_forward(be, GATE(act[t], 0), GATE(G, 0));
    rn_sigmoid_forward(be, GATE(act[t], 1), GATE(G, 1));
    rn_tanh_forward(be, GATE(act[t], 2), GATE(G, 2));
    rn_sigmoid_forward(be, GATE(act[t], 3), GATE(G, 3));
    rn_mul_forward(be, rn_flat(cs[t], n), GATE(act[t], 0), GATE(act[t], 2));
    if (t > 0) {
      rn_mul_forward(be, rn_flat(tmp, n), GATE(act[t], 1), rn_flat(cs[t - 1], n));
      rn_add_forward(be, rn_flat(cs[t], n), rn_flat(cs[t], n), rn_flat(tmp, n));
    }
    rn_tanh_forward(be, rn_flat(tcs[t], n), rn_flat(cs[t], n));
    rn_mul_forward(be, rn_flat(hs[t], n), GATE(act[t], 3), rn_flat(tcs[t], n));
    loss += rn_mse_forward(be, hs[t], target + t * n, n, scale);
    rn_arena_release(ar, mark);
  }
  /* backward through time */
  float *dh = rn_arena_zeros(ar, n), *dc = rn_arena_zeros(ar, n);
  float *dhp = rn_arena_alloc(ar, n), *dcp = rn_arena_alloc(ar, n);
  float *dact = rn_arena_alloc(ar, n4), *dG = rn_arena_alloc(ar, n4), *dtc = rn_arena_alloc(ar, n);
  for (int t = T - 1; t >= 0; t--) {
    rn_mse_backward(be, dh, hs[t], target + t * n, n, scale);
    rn_zero(be, dact, n4);
    rn_zero(be, dtc, n);
    rn_zero(be, dG, n4);
    rn_zero(be, dhp, n);
    rn_zero(be, dcp, n);
    rn_mul_backward(be, GATE(dact, 3), rn_flat(dtc, n), rn_flat(dh, n), GATE(act[t], 3),
                    rn_flat(tcs[t], n));
    rn_tanh_backward(be, rn_flat(dc, n), rn_flat(dtc, n), rn_flat(tcs[t], n));
    rn_mul_backward(be, GATE(dact, 0), GATE(dact, 2), rn_flat(dc, n), GATE(act[t], 0),
                    GATE(act[t], 2));
    if (t > 0)
      rn_mul_backward(be, GATE(dact, 1), rn_flat(dcp, n), rn_flat(dc, n), GATE(act[t], 1),
                      rn_flat(cs[t - 1], n));
    rn_sigmoid_backward(be, GATE(dG, 0), GATE(dact, 0), GATE(act[t], 0));
    rn_sigmoid_backward(be, GATE(dG, 1), GATE(dact, 1), GATE(act[t], 1));
    rn_tanh_backward(be, GATE(dG, 2), GATE(dact, 2), GATE(act[t], 2));
    rn_sigmoid_backward(be, GATE(dG, 3), GATE(dact, 3), GATE(act[t], 3));
    rn_conv_backward(be, &cx, dx + t * nx, wx->grad, bb->grad, dG, x + t * nx, wx->data);
    if (t > 0)
      rn_conv_backward(be, &ch, dhp, wh->grad, NULL, dG, hs[t - 1], wh->data);
    /* carry to step t-1 */
    rn_copy(be, dh, dhp, n);
    rn_copy(be, dc, dcp, n);
  }
#undef GATE
  put_host(c, "loss", (float)loss);
  put(c, "dx", dx, T * nx, 1);
  put(c, "dwx", wx->grad, wx->size, 0);
  put(c, "dwh", wh->grad, wh->size, 0);
  put(c, "db", bb->grad, bb->size, 0);
  rn_params_free(&p);
  rn_arena_destroy(ar);
}

static const struct fx_runner runners[] = {
    {"convlstm_seq", run_convlstm},
    {"lr_schedule", run_lr_schedule},
    {"adam_tiny", run_adam_tiny},
    {"conv2d", run_conv2d},
    {"conv3d", run_conv3d},
    {"convt2d", run_convt2d},
    {"linear", run_linear},
    {"sigmoid", run_unary},
    {"tanh", run_unary},
    {"relu", run_unary},
    {"leaky_relu", run_unary},
    {"affine", run_unary},
    {"add", run_binary},
    {"sub", run_binary},
    {"mul", run_binary},
    {"concat", run_concat},
    {"split", run_split},
    {"lstm_gates", run_lstm_gates},
    {"groupnorm", run_groupnorm},
    {"maxpool2", run_maxpool2},
    {"space_to_depth", run_s2d},
    {"depth_to_space", run_s2d},
    {"deform3", run_deform3},
    {"loss_mse", run_loss},
    {"loss_l1", run_loss},
    {"loss_wmse", run_loss},
    {"loss_wl1", run_loss},
    {"loss_gnll", run_loss},
    {"loss_kl", run_loss},
    {"rng", run_rng},
    {"gauss_sample", run_gauss_sample},
};

const struct fx_runner *fx_runner(const char *op)
{
  for (size_t i = 0; i < sizeof runners / sizeof runners[0]; i++)
    if (strcmp(runners[i].op, op) == 0)
      return &runners[i];
  return NULL;
}

enum rn_status fx_run(struct rn_backend *be, const struct rn_tfile *f, struct fx_out *out)
{
  char op[64];
  const struct fx_runner *r = fx_runner(fx_op(f, op, sizeof op));
  struct fx c = {be, f, out, {0}, 0};
  enum rn_status st;
  if (!r) {
    fprintf(stderr, "fixture: unknown op '%s'\n", op);
    return RN_EUNSUPPORTED;
  }
  out->n = 0;
  r->run(&c);
  st = rn_backend_sync(be);
  for (int i = 0; i < c.nbuf; i++)
    rn_free(be, c.buf[i]);
  return st;
}
