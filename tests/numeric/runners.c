/* runners.c - one runner per layer: inputs from the fixture, forward, backward
 * with the fixture's upstream gradient, outputs and gradients collected. */
#include "runners.h"

#include <radnow/layers.h>

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

static long size_of(struct fx *c, const char *name) { return need(c, name)->size; }
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

static const struct fx_runner runners[] = {
    {"conv2d", run_conv2d},
    {"conv3d", run_conv3d},
    {"convt2d", run_convt2d},
    {"linear", run_linear},
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
