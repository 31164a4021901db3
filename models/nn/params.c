/* params.c - a model's parameters: named tensors carved from one allocation,
 * gradients in a second one with the same layout. */
#include <radnow/backend.h>
#include <radnow/tensor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

#define ALIGN_FLOATS 16 /* 64 bytes */

long rn_shape_size(int ndim, const int *shape)
{
  long n = 1;
  for (int i = 0; i < ndim; i++)
    n *= shape[i];
  return n;
}

void rn_params_init(struct rn_params *p) { memset(p, 0, sizeof *p); }

struct rn_tensor *rn_params_find(const struct rn_params *p, const char *name)
{
  for (int i = 0; i < p->n; i++)
    if (strcmp(p->t[i]->name, name) == 0)
      return p->t[i];
  return NULL;
}

struct rn_tensor *rn_params_add(struct rn_params *p, const char *name, int ndim, const int *shape)
{
  struct rn_tensor *t;
  if (p->data) {
    rn_error(RN_EINTERNAL, "parameters: '%s' added after the block was allocated", name);
    return NULL;
  }
  if (!name || !*name || strlen(name) >= RN_NAMELEN) {
    rn_error(RN_EINTERNAL, "parameters: tensor name '%s' empty or longer than %d", name ? name : "",
             RN_NAMELEN - 1);
    return NULL;
  }
  if (ndim < 0 || ndim > RN_MAXDIM) {
    rn_error(RN_EINTERNAL, "parameters: %s: %d dimensions (at most %d)", name, ndim, RN_MAXDIM);
    return NULL;
  }
  for (int i = 0; i < ndim; i++)
    if (shape[i] < 1) {
      rn_error(RN_EINTERNAL, "parameters: %s: dimension %d is %d", name, i, shape[i]);
      return NULL;
    }
  if (rn_params_find(p, name)) {
    rn_error(RN_EINTERNAL, "parameters: '%s' declared twice", name);
    return NULL;
  }
  if (p->n == p->cap) {
    int cap = p->cap ? 2 * p->cap : 32;
    struct rn_tensor **nt = (struct rn_tensor **)realloc(p->t, sizeof *nt * cap);
    if (!nt) {
      rn_error(RN_ENOMEM, "parameters: out of memory declaring %s", name);
      return NULL;
    }
    p->t = nt;
    p->cap = cap;
  }
  t = (struct rn_tensor *)rn_calloc(1, sizeof *t, "a parameter tensor");
  if (!t)
    return NULL;
  snprintf(t->name, sizeof t->name, "%s", name);
  t->ndim = ndim;
  memcpy(t->shape, shape, sizeof(int) * ndim);
  t->size = rn_shape_size(ndim, shape);
  t->offset = p->total;
  p->total += ((size_t)t->size + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
  p->t[p->n++] = t;
  return t;
}

enum rn_status rn_params_alloc(struct rn_params *p, struct rn_backend *be)
{
  if (p->data)
    return rn_error(RN_EINTERNAL, "parameters: allocated twice");
  p->be = be;
  p->data = rn_alloc(be, (long)p->total);
  p->grad = p->data ? rn_alloc(be, (long)p->total) : NULL;
  if (!p->data || !p->grad) {
    rn_free(be, p->data);
    p->data = NULL;
    return rn_backend_sync(be);
  }
  rn_zero(be, p->data, (long)p->total);
  rn_zero(be, p->grad, (long)p->total);
  for (int i = 0; i < p->n; i++) {
    p->t[i]->data = p->data + p->t[i]->offset;
    p->t[i]->grad = p->grad + p->t[i]->offset;
  }
  return RN_OK;
}

long rn_params_count(const struct rn_params *p)
{
  long n = 0;
  for (int i = 0; i < p->n; i++)
    n += p->t[i]->size;
  return n;
}

void rn_params_zero_grad(struct rn_params *p)
{
  if (p->grad)
    rn_zero(p->be, p->grad, (long)p->total);
}

void rn_params_free(struct rn_params *p)
{
  for (int i = 0; i < p->n; i++)
    free(p->t[i]);
  free(p->t);
  if (p->be) {
    rn_free(p->be, p->data);
    rn_free(p->be, p->grad);
    rn_free(p->be, p->m);
    rn_free(p->be, p->v);
    rn_free(p->be, p->ema);
  }
  memset(p, 0, sizeof *p);
}

/* ---- save / load through tensor files ---- */

static const char *suffix[4] = {"", "@m", "@v", "@ema"};

static float *block_of(const struct rn_params *p, int k)
{
  return k == 0 ? p->data : k == 1 ? p->m : k == 2 ? p->v : p->ema;
}

enum rn_status rn_params_save(const struct rn_params *p, const char *path, int what)
{
  enum rn_status st = RN_OK;
  struct rn_tfile_entry *e;
  float *host;
  int n = 0;
  if (!p->data)
    return rn_error(RN_EINTERNAL, "%s: parameters not allocated", path);
  e = (struct rn_tfile_entry *)rn_calloc((size_t)p->n * 4, sizeof *e, "checkpoint entries");
  host = (float *)rn_malloc(p->total * sizeof(float) * 4, "checkpoint data");
  if (!e || !host) {
    free(e);
    free(host);
    return RN_ENOMEM;
  }
  for (int k = 0; k < (what == RN_SAVE_ALL ? 4 : 1); k++) {
    float *blk = block_of(p, k);
    if (!blk)
      continue;
    rn_download(p->be, host + k * p->total, blk, (long)p->total);
    for (int i = 0; i < p->n; i++) {
      const struct rn_tensor *t = p->t[i];
      struct rn_tfile_entry *x = &e[n++];
      if (snprintf(x->name, sizeof x->name, "%s%s", t->name, suffix[k]) >= (int)sizeof x->name) {
        st = rn_error(RN_EINTERNAL, "%s: name %s%s too long", path, t->name, suffix[k]);
        goto out;
      }
      x->type = RN_TF_F32;
      x->ndim = t->ndim;
      memcpy(x->shape, t->shape, sizeof t->shape);
      x->size = t->size;
      x->data = host + k * p->total + t->offset;
    }
  }
  st = rn_backend_sync(p->be);
  if (st == RN_OK)
    st = rn_tfile_write(path, e, n);
out:
  free(e);
  free(host);
  return st;
}

enum rn_status rn_params_load(struct rn_params *p, const char *path)
{
  struct rn_tfile tf;
  enum rn_status st;
  if (!p->data)
    return rn_error(RN_EINTERNAL, "%s: parameters not allocated", path);
  st = rn_tfile_read(path, &tf);
  if (st)
    return st;
  for (int k = 0; k < 4 && st == RN_OK; k++) {
    for (int i = 0; i < p->n; i++) {
      const struct rn_tensor *t = p->t[i];
      char name[RN_NAMELEN + 8];
      snprintf(name, sizeof name, "%s%s", t->name, suffix[k]);
      const struct rn_tfile_entry *x = rn_tfile_find(&tf, name);
      if (!x) {
        if (k == 0) {
          st = rn_error(RN_EFORMAT, "%s: tensor '%s' missing", path, name);
          break;
        }
        continue;
      }
      if (x->type != RN_TF_F32 || x->ndim != t->ndim ||
          memcmp(x->shape, t->shape, sizeof(int) * t->ndim) != 0) {
        st = rn_error(RN_EFORMAT, "%s: %s: shape or type differs from the model's", path, name);
        break;
      }
      float **blk = k == 1 ? &p->m : k == 2 ? &p->v : k == 3 ? &p->ema : &p->data;
      if (!*blk) {
        *blk = rn_alloc(p->be, (long)p->total);
        if (!*blk) {
          st = rn_backend_sync(p->be);
          break;
        }
        rn_zero(p->be, *blk, (long)p->total);
      }
      rn_upload(p->be, *blk + t->offset, (const float *)x->data, t->size);
    }
  }
  rn_tfile_free(&tf);
  if (st == RN_OK)
    st = rn_backend_sync(p->be);
  return st;
}
