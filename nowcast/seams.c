/* seams.c - the cycle's calls into the predictors and the product writers.
 *
 * TEMPORARY until the predictor registry (models/) and the GeoTIFF/NetCDF
 * forecast writers (products/) are in the tree: the only predictor is
 * persistence, and the only product is one CF NetCDF frame per lead time
 * (member 0) written with rn_frame_write. Both are replaced by calls to the
 * real registry and writers; the cycle does not change. */
#include <radnow/log.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle_seams.h"

enum rn_status rn_names_add(struct rn_names *l, const char *name)
{
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 16;
    char **v = realloc(l->v, (size_t)cap * sizeof *v);
    if (!v)
      return rn_error(RN_ENOMEM, "out of memory");
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n] = rn_strdup(name);
  if (!l->v[l->n])
    return RN_ENOMEM;
  l->n++;
  return RN_OK;
}

void rn_names_free(struct rn_names *l)
{
  for (int i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

/* rn_forecast_alloc/free are declared in forecast.h but implemented with
 * the forecast file writer; until then the seam allocates its own. */
static enum rn_status seam_forecast_alloc(struct rn_forecast *fc, const struct rn_grid *grid,
                                          int nleads)
{
  size_t n = (size_t)grid->nx * (size_t)grid->ny * (size_t)nleads;
  enum rn_status st;
  memset(fc, 0, sizeof *fc);
  if ((st = rn_grid_copy(&fc->grid, grid)))
    return st;
  fc->nleads = nleads;
  fc->nmembers = 1;
  fc->lead_seconds = rn_calloc((size_t)nleads, sizeof(int), "lead times");
  fc->dbz = rn_malloc(n * sizeof(float), "forecast");
  if (!fc->lead_seconds || !fc->dbz) {
    rn_seam_forecast_free(fc);
    return RN_ENOMEM;
  }
  return RN_OK;
}

void rn_seam_forecast_free(struct rn_forecast *fc)
{
  rn_grid_free(&fc->grid);
  free(fc->lead_seconds);
  free(fc->dbz);
  free(fc->prob);
  memset(fc, 0, sizeof *fc);
}

int rn_seam_predictor_known(const char *name)
{
  return strcmp(name, "persistence") == 0;
}

const char *rn_seam_predictor_names(void)
{
  return "persistence";
}

int rn_seam_inputs_needed(const struct rn_cycle_config *cc)
{
  int need = 1;
  return cc->inputs > need ? cc->inputs : need;
}

enum rn_status rn_seam_predict(const struct rn_cycle_config *cc, const char *name,
                               const struct rn_frame *frames, int n, struct rn_forecast *fc)
{
  const struct rn_frame *last = &frames[n - 1];
  size_t np = (size_t)last->grid.nx * (size_t)last->grid.ny;
  enum rn_status st;
  if (!rn_seam_predictor_known(name))
    return rn_error(RN_EUSAGE, "predictor '%s' unknown", name);
  st = seam_forecast_alloc(fc, &last->grid, cc->nleads);
  if (st)
    return st;
  snprintf(fc->predictor, sizeof fc->predictor, "%s", name);
  fc->reference_time = last->time;
  for (int l = 0; l < cc->nleads; l++) {
    fc->lead_seconds[l] = (int)((l + 1) * cc->lead_step);
    memcpy(rn_forecast_field(fc, 0, l), last->dbz, np * sizeof(float));
  }
  return RN_OK;
}

enum rn_status rn_seam_write_products(const struct rn_cycle_config *cc,
                                      const struct rn_forecast *fc, const char *dir,
                                      struct rn_names *out)
{
  char stamp[16], name[256], path[4400];
  struct rn_frame f;
  enum rn_status st = RN_OK;
  (void)cc;
  memset(&f, 0, sizeof f);
  f.grid = fc->grid; /* borrowed, not freed here */
  snprintf(f.quantity, sizeof f.quantity, "DBZH");
  snprintf(f.product, sizeof f.product, "nowcast");
  snprintf(f.source, sizeof f.source, "radnow %s", fc->predictor);
  rn_time_compact(fc->reference_time, stamp);
  for (int l = 0; l < fc->nleads && !st; l++) {
    f.time = fc->reference_time + fc->lead_seconds[l];
    f.dbz = rn_forecast_field(fc, 0, l);
    snprintf(name, sizeof name, "%s_%s_+%03dmin.nc", fc->predictor, stamp,
             fc->lead_seconds[l] / 60);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    st = rn_frame_write(&f, path);
    if (!st)
      st = rn_names_add(out, name);
  }
  return st;
}
