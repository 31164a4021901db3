/* composite.c - several radars or gridded inputs merged onto one grid (see composite.h). */
#include <radnow/composite.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum rn_status rn_composite_parse(const char *s, enum rn_composite_method *m)
{
  if (strcasecmp(s, "max") == 0 || strcasecmp(s, "maximum") == 0)
    *m = RN_COMPOSITE_MAX;
  else if (strcasecmp(s, "nearest") == 0)
    *m = RN_COMPOSITE_NEAREST;
  else
    return rn_error(RN_EUSAGE, "composite '%s': want max or nearest", s);
  return RN_OK;
}

enum rn_status rn_composite_begin(struct rn_composite *c, const struct rn_grid *grid,
                                  enum rn_composite_method method)
{
  size_t npix = (size_t)grid->nx * (size_t)grid->ny;
  enum rn_status st;
  memset(c, 0, sizeof *c);
  c->method = method;
  st = rn_frame_alloc(&c->frame, grid);
  if (st)
    return st;
  if (method == RN_COMPOSITE_NEAREST) {
    c->range = rn_malloc(npix * sizeof *c->range, "composite");
    if (!c->range) {
      rn_frame_free(&c->frame);
      return RN_ENOMEM;
    }
    for (size_t p = 0; p < npix; p++)
      c->range[p] = INFINITY;
  }
  return RN_OK;
}

static void append_source(struct rn_frame *f, const char *src)
{
  size_t len = strlen(f->source);
  if (!src || !*src || strstr(f->source, src))
    return;
  snprintf(f->source + len, sizeof f->source - len, "%s%s", len ? ", " : "", src);
}

enum rn_status rn_composite_add(struct rn_composite *c, const struct rn_frame *f,
                                const float *range)
{
  const size_t npix = (size_t)c->frame.grid.nx * (size_t)c->frame.grid.ny;
  float *restrict acc = c->frame.dbz;
  const float *restrict in = f->dbz;

  if (!rn_grid_same(&c->frame.grid, &f->grid))
    return rn_error(RN_EUSAGE, "composite: %s is not on the composite's grid",
                    f->source[0] ? f->source : "an input");
  if (c->count == 0) {
    snprintf(c->frame.quantity, sizeof c->frame.quantity, "%s", f->quantity);
    snprintf(c->frame.product, sizeof c->frame.product, "%s", f->product);
    c->frame.time = f->time;
  } else {
    snprintf(c->frame.product, sizeof c->frame.product, "composite");
    if (f->time > c->frame.time)
      c->frame.time = f->time;
  }
  append_source(&c->frame, f->source);
  c->count++;

  if (c->method == RN_COMPOSITE_MAX) {
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < npix; p++)
      if (!isnan(in[p]) && !(in[p] <= acc[p])) /* NaN acc: take it */
        acc[p] = in[p];
  } else {
    float *restrict best = c->range;
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < npix; p++) {
      /* Without a range field an input ranks behind every radar (INFINITY
       * is where nothing is yet, so it still fills empty pixels). */
      float r = range && !isnan(range[p]) ? range[p] : HUGE_VALF;
      if (isnan(in[p]))
        continue;
      if (isnan(acc[p]) || r < best[p]) {
        acc[p] = in[p];
        best[p] = r;
      }
    }
  }
  return RN_OK;
}

void rn_composite_end(struct rn_composite *c, struct rn_frame *out)
{
  *out = c->frame;
  memset(&c->frame, 0, sizeof c->frame);
  rn_composite_free(c);
}

void rn_composite_free(struct rn_composite *c)
{
  if (!c)
    return;
  rn_frame_free(&c->frame);
  free(c->range);
  memset(c, 0, sizeof *c);
}

enum rn_status rn_composite_volumes(const struct rn_volume *const *vols, int n,
                                    const char *quantity, const struct rn_grid *grid,
                                    const struct rn_p2g_options *opt,
                                    enum rn_composite_method method,
                                    struct rn_lut_cache *cache, struct rn_frame *out)
{
  struct rn_composite c;
  float *range = NULL;
  enum rn_status st;

  memset(out, 0, sizeof *out);
  if (n <= 0)
    return rn_error(RN_EUSAGE, "composite: no input");
  st = rn_composite_begin(&c, grid, method);
  if (st)
    return st;
  if (method == RN_COMPOSITE_NEAREST) {
    range = rn_malloc((size_t)grid->nx * (size_t)grid->ny * sizeof *range, "composite");
    if (!range) {
      rn_composite_free(&c);
      return RN_ENOMEM;
    }
  }
  for (int i = 0; i < n; i++) {
    struct rn_frame f;
    st = rn_polar2grid(vols[i], quantity, grid, opt, cache, &f, range);
    if (st)
      break;
    st = rn_composite_add(&c, &f, range);
    rn_frame_free(&f);
    if (st)
      break;
  }
  free(range);
  if (st) {
    rn_composite_free(&c);
    return st;
  }
  rn_composite_end(&c, out);
  return RN_OK;
}
