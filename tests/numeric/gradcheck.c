/* gradcheck.c - finite differences in double precision; fast layer versus the
 * double reference through an in-memory fixture (see gradcheck.h). */
#include "gradcheck.h"

#include <radnow/backend.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runners.h"

static uint64_t state = 0x9E3779B97F4A7C15ull;

double gc_rand(double lo, double hi)
{
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  /* 24 bits: lo + (hi - lo) * u is exact in float for the ranges used */
  double u = (double)(state >> 40) / 16777216.0;
  return (double)(float)(lo + (hi - lo) * u);
}

double *gc_alloc(long n)
{
  double *p = (double *)calloc((size_t)(n > 0 ? n : 1), sizeof(double));
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(99);
  }
  return p;
}

double *gc_randn(long n, double lo, double hi)
{
  double *p = gc_alloc(n);
  for (long i = 0; i < n; i++)
    p[i] = gc_rand(lo, hi);
  return p;
}

struct gc_var *gc_add(struct gc_case *c, const char *name, double *x, long n)
{
  struct gc_var *v = &c->v[c->nv++];
  v->name = name;
  v->x = x;
  v->n = n;
  v->g = gc_alloc(n);
  v->no_grad = 0;
  return v;
}

static double loss(struct gc_case *c)
{
  double s = 0.0;
  c->forward(c);
  for (long i = 0; i < c->ny; i++)
    s += c->dy[i] * c->y[i];
  return s;
}

long gc_fd(struct gc_case *c)
{
  double h = c->h > 0 ? c->h : 1e-5, tol = c->tol > 0 ? c->tol : 1e-6, worst = 0.0;
  long fails = 0, checked = 0;
  for (int k = 0; k < c->nv; k++)
    memset(c->v[k].g, 0, sizeof(double) * c->v[k].n);
  c->forward(c);
  c->backward(c);
  for (int k = 0; k < c->nv; k++) {
    struct gc_var *v = &c->v[k];
    long step = v->n > 48 ? v->n / 48 : 1;
    if (v->no_grad)
      continue;
    for (long i = (long)(gc_rand(0, 1) * step); i < v->n; i += step) {
      double x0 = v->x[i], lp, lm, num, err;
      v->x[i] = x0 + h;
      lp = loss(c);
      v->x[i] = x0 - h;
      lm = loss(c);
      v->x[i] = x0;
      num = (lp - lm) / (2 * h);
      err = fabs(num - v->g[i]) / (1.0 + fabs(v->g[i]));
      checked++;
      if (err > worst)
        worst = err;
      if (!(err <= tol)) {
        if (fails < 5)
          printf("  %s: d%s[%ld]: analytic %.12g, finite difference %.12g\n", c->layer, v->name,
                 i, v->g[i], num);
        fails++;
      }
    }
  }
  c->forward(c); /* leave y at the unperturbed point */
  printf("%-28s finite differences: %4ld elements, max error %.2e%s\n", c->layer, checked, worst,
         fails ? "  FAIL" : "");
  return fails;
}

/* ---- in-memory fixtures ---- */

static struct rn_tfile_entry *fix_add(struct gc_fix *f, const char *name)
{
  struct rn_tfile_entry *e;
  if (f->n == GC_MAXENT) {
    fprintf(stderr, "gradcheck: too many fixture entries\n");
    exit(99);
  }
  e = &f->e[f->n++];
  memset(e, 0, sizeof *e);
  snprintf(e->name, sizeof e->name, "%s", name);
  return e;
}

void gc_fix_int(struct gc_fix *f, const char *name, int v)
{
  struct rn_tfile_entry *e = fix_add(f, name);
  e->type = RN_TF_I32;
  e->size = 1;
  e->data = malloc(sizeof(int32_t));
  *(int32_t *)e->data = v;
}

void gc_fix_float(struct gc_fix *f, const char *name, float v)
{
  struct rn_tfile_entry *e = fix_add(f, name);
  e->type = RN_TF_F32;
  e->size = 1;
  e->data = malloc(sizeof(float));
  *(float *)e->data = v;
}

void gc_fix_tensor(struct gc_fix *f, const char *name, const double *x, long n)
{
  struct rn_tfile_entry *e = fix_add(f, name);
  e->type = RN_TF_F32;
  e->ndim = 1;
  e->shape[0] = (int)n;
  e->size = n;
  e->data = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
  for (long i = 0; i < n; i++)
    ((float *)e->data)[i] = (float)x[i];
}

static void fix_str(struct gc_fix *f, const char *name, const char *s)
{
  struct rn_tfile_entry *e = fix_add(f, name);
  e->type = RN_TF_U8;
  e->ndim = 1;
  e->size = (long)strlen(s);
  e->shape[0] = (int)e->size;
  e->data = malloc(e->size + 1);
  memcpy(e->data, s, e->size + 1);
}

long gc_fast(struct gc_case *c, const char *op, struct gc_fix *f, double rtol, double atol)
{
  struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
  struct rn_backend *be;
  struct rn_tfile tf;
  struct fx_out out = {0};
  long miss = 0;
  char gname[64];

  for (int k = 0; k < c->nv; k++)
    memset(c->v[k].g, 0, sizeof(double) * c->v[k].n);
  c->forward(c);
  c->backward(c);
  fix_str(f, "op", op);
  for (int k = 0; k < c->nv; k++) {
    gc_fix_tensor(f, c->v[k].name, c->v[k].x, c->v[k].n);
    if (!c->v[k].no_grad) {
      snprintf(gname, sizeof gname, "d%s", c->v[k].name);
      gc_fix_tensor(f, gname, c->v[k].g, c->v[k].n);
    }
  }
  gc_fix_tensor(f, c->yname ? c->yname : "y", c->y, c->ny);
  snprintf(gname, sizeof gname, "d%s", c->yname ? c->yname : "y");
  gc_fix_tensor(f, gname, c->dy, c->ny);
  tf.n = f->n;
  tf.e = f->e;

  opt.device = "cpu";
  for (int kind = 0; kind < 2; kind++) {
    opt.conv = kind ? RN_CONV_DNNL : RN_CONV_IM2COL;
    if (rn_backend_open(&be, &opt)) {
      if (kind)
        break; /* built without oneDNN */
      fprintf(stderr, "%s\n", rn_errmsg());
      exit(99);
    }
    printf("%-28s fast CPU layer (%s) against the reference:\n", c->layer,
           rn_backend_describe(be));
    if (fx_run(be, &tf, &out)) {
      printf("  run failed: %s\n", rn_errmsg());
      miss++;
    }
    for (int i = 0; i < out.n; i++) {
      const struct rn_tfile_entry *want = rn_tfile_find(&tf, out.e[i].name);
      if (!want || want->size != out.e[i].size) {
        printf("  %s: not in the reference\n", out.e[i].name);
        miss++;
        continue;
      }
      miss += fx_compare(out.e[i].name, (const float *)out.e[i].data, (const float *)want->data,
                         want->size, atol, rtol);
    }
    fx_out_free(&out);
    rn_backend_close(be);
  }
  for (int i = 0; i < f->n; i++)
    free(f->e[i].data);
  f->n = 0;
  return miss;
}

void gc_free(struct gc_case *c)
{
  for (int k = 0; k < c->nv; k++) {
    free(c->v[k].x);
    free(c->v[k].g);
  }
  free(c->y);
  free(c->dy);
  memset(c, 0, sizeof *c);
}
