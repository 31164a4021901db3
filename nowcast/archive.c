/* archive.c - training archives (archive.h): options, building from frames,
 * the NetCDF-4 file, and the usable windows. */
#include <radnow/archive.h>
#include <radnow/log.h>

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../products/cf_grid.h"
#include "config.h"

/* ---- options ----------------------------------------------------------- */

void rn_archive_options_init(struct rn_archive_options *o)
{
  memset(o, 0, sizeof *o);
  o->nx = o->ny = 64;
  o->resample = RN_RESAMPLE_AVERAGE;
  o->split_seconds = 86400;
  o->split_cycle = 10;
  o->split_validation = 8;
  o->split_test = 9;
  o->deflate = 4;
}

static const char *cfg_file(const struct rn_config *cfg)
{
  const char *p = rn_config_path(cfg);
  return p && *p ? p : "configuration";
}

static enum rn_status opt_long(const struct rn_config *cfg, const char *key, long def, long lo,
                               long hi, long *out)
{
  enum rn_status st = rn_config_int(cfg, "archive", key, def, out);
  if (st)
    return st;
  if (*out < lo || *out > hi)
    return rn_error(RN_EUSAGE, "config: %s: [archive] %s = %ld: must be within [%ld, %ld]",
                    cfg_file(cfg), key, *out, lo, hi);
  return RN_OK;
}

enum rn_status rn_archive_options_load(struct rn_archive_options *o, const struct rn_config *cfg)
{
  static const char *const keys[] = {"size",  "res",              "resample",   "step",
                                     "split_minutes", "split_cycle", "split_validation",
                                     "split_test", "deflate"};
  const char *v, *key;
  long l;
  enum rn_status st;
  for (int i = 0; (key = rn_config_key_at(cfg, "archive", i)) != NULL; i++) {
    size_t k = 0;
    while (k < sizeof keys / sizeof keys[0] && strcmp(keys[k], key) != 0)
      k++;
    if (k == sizeof keys / sizeof keys[0])
      return rn_error(RN_EUSAGE, "config: %s: [archive] %s: unknown option", cfg_file(cfg), key);
  }
  v = rn_config_string(cfg, "archive", "size", "64x64");
  if (strcasecmp(v, "none") == 0 || !*v) {
    o->nx = o->ny = 0;
  } else {
    char *end;
    long nx = strtol(v, &end, 10), ny = -1;
    if (end != v && (*end == 'x' || *end == 'X'))
      ny = strtol(end + 1, &end, 10);
    if (*end || nx < 4 || ny < 4 || nx > 16384 || ny > 16384)
      return rn_error(RN_EUSAGE, "config: %s: [archive] size = '%s': want NXxNY (4 to 16384), "
                      "or none to use res", cfg_file(cfg), v);
    o->nx = (int)nx;
    o->ny = (int)ny;
  }
  if ((st = rn_config_double(cfg, "archive", "res", 0, &o->res)))
    return st;
  if (o->res < 0)
    return rn_error(RN_EUSAGE, "config: %s: [archive] res = %g: must be >= 0", cfg_file(cfg),
                    o->res);
  if (o->nx && rn_config_get(cfg, "archive", "res") && o->res > 0)
    return rn_error(RN_EUSAGE, "config: %s: [archive] size and res both given; set size = none "
                    "to use res", cfg_file(cfg));
  if ((st = rn_resample_parse(rn_config_string(cfg, "archive", "resample", "average"),
                              &o->resample)))
    return rn_error_prefix(st, "config: %s: [archive] resample", cfg_file(cfg));
  if ((st = opt_long(cfg, "step", 0, 0, 1440, &l)))
    return st;
  o->step = l * 60;
  if ((st = opt_long(cfg, "split_minutes", 1440, 1, 525600, &l)))
    return st;
  o->split_seconds = l * 60;
  if ((st = opt_long(cfg, "split_cycle", 10, 1, 1000, &l)))
    return st;
  o->split_cycle = (int)l;
  if ((st = opt_long(cfg, "split_validation", 8, -1, o->split_cycle - 1, &l)))
    return st;
  o->split_validation = (int)l;
  if ((st = opt_long(cfg, "split_test", 9 < o->split_cycle ? 9 : -1, -1, o->split_cycle - 1, &l)))
    return st;
  o->split_test = (int)l;
  if (o->split_test >= 0 && o->split_test == o->split_validation)
    return rn_error(RN_EUSAGE, "config: %s: [archive] split_validation and split_test are both %d",
                    cfg_file(cfg), o->split_test);
  if ((st = opt_long(cfg, "deflate", 4, 0, 9, &l)))
    return st;
  o->deflate = (int)l;
  return RN_OK;
}

enum rn_split rn_archive_split_of(const struct rn_archive_options *o, rn_time t)
{
  long long k = (long long)floor((double)t / (double)o->split_seconds);
  int r = (int)(((k % o->split_cycle) + o->split_cycle) % o->split_cycle);
  if (r == o->split_validation)
    return RN_SPLIT_VALIDATION;
  if (r == o->split_test)
    return RN_SPLIT_TEST;
  return RN_SPLIT_TRAIN;
}

static void split_rule(const struct rn_archive_options *o, char *buf, size_t size)
{
  int n = snprintf(buf, size, "period k = floor(time / %ld s); ", o->split_seconds);
  if (o->split_validation >= 0)
    n += snprintf(buf + n, size - (size_t)n, "k mod %d == %d: validation; ", o->split_cycle,
                  o->split_validation);
  if (o->split_test >= 0 && (size_t)n < size)
    n += snprintf(buf + n, size - (size_t)n, "k mod %d == %d: test; ", o->split_cycle,
                  o->split_test);
  if ((size_t)n < size)
    snprintf(buf + n, size - (size_t)n, "otherwise train");
}

void rn_archive_free(struct rn_archive *a)
{
  rn_grid_free(&a->grid);
  free(a->time);
  free(a->segment);
  free(a->split);
  free(a->data);
  memset(a, 0, sizeof *a);
}

/* ---- building ------------------------------------------------------------ */

struct rn_archive_builder {
  struct rn_archive_options o;
  struct rn_grid grid; /* the model grid, from the first frame */
  int have_grid;
  int n, cap;
  rn_time *time;
  uint8_t *data;
  char source[1024];
};

enum rn_status rn_archive_builder_new(const struct rn_archive_options *o,
                                      struct rn_archive_builder **out)
{
  struct rn_archive_builder *b = rn_calloc(1, sizeof *b, "archive builder");
  *out = NULL;
  if (!b)
    return RN_ENOMEM;
  b->o = *o;
  *out = b;
  return RN_OK;
}

void rn_archive_builder_free(struct rn_archive_builder *b)
{
  if (!b)
    return;
  rn_grid_free(&b->grid);
  free(b->time);
  free(b->data);
  free(b);
}

static enum rn_status model_grid(const struct rn_archive_options *o, const struct rn_grid *src,
                                 struct rn_grid *g)
{
  if (o->nx > 0)
    return rn_resample_grid(src, o->nx, o->ny, g);
  if (o->res > 0) {
    int nx = (int)lround(src->nx * src->dx / o->res), ny = (int)lround(src->ny * src->dy / o->res);
    if (nx < 1 || ny < 1)
      return rn_error(RN_EUSAGE, "archive: [archive] res = %g: larger than the grid", o->res);
    return rn_resample_grid(src, nx, ny, g);
  }
  return rn_grid_copy(g, src);
}

enum rn_status rn_archive_builder_add(struct rn_archive_builder *b, const struct rn_frame *f)
{
  struct rn_frame small = {0};
  const struct rn_frame *use = f;
  size_t npix;
  enum rn_status st;
  if (!b->have_grid) {
    if ((st = model_grid(&b->o, &f->grid, &b->grid)))
      return st;
    b->have_grid = 1;
    snprintf(b->source, sizeof b->source, "%s", f->source);
  }
  if (!rn_grid_same(&f->grid, &b->grid)) {
    if ((st = rn_frame_resample(f, &b->grid, b->o.resample, &small)))
      return st;
    use = &small;
  }
  npix = (size_t)b->grid.nx * (size_t)b->grid.ny;
  if (b->n == b->cap) {
    int cap = b->cap ? 2 * b->cap : 64;
    rn_time *t = realloc(b->time, sizeof *t * (size_t)cap);
    uint8_t *d = t ? realloc(b->data, npix * (size_t)cap) : NULL;
    if (t)
      b->time = t;
    if (!t || !d) {
      rn_frame_free(&small);
      return rn_error(RN_ENOMEM, "archive: out of memory for %d frames", cap);
    }
    b->data = d;
    b->cap = cap;
  }
  for (size_t i = 0; i < npix; i++)
    b->data[(size_t)b->n * npix + i] = rn_archive_encode(use->dbz[i]);
  b->time[b->n++] = f->time;
  rn_frame_free(&small);
  return RN_OK;
}

struct order {
  rn_time t;
  int i;
};

static int cmp_order(const void *pa, const void *pb)
{
  const struct order *a = pa, *b = pb;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

enum rn_status rn_archive_builder_finish(struct rn_archive_builder *b, struct rn_archive *a)
{
  struct order *ord = NULL;
  size_t npix;
  int n = 0;
  long step = b->o.step;
  char iso[32];
  enum rn_status st = RN_OK;

  memset(a, 0, sizeof *a);
  if (b->n == 0) {
    rn_archive_builder_free(b);
    return rn_error(RN_ENOTFOUND, "archive: no frames");
  }
  npix = (size_t)b->grid.nx * (size_t)b->grid.ny;
  ord = rn_calloc((size_t)b->n, sizeof *ord, "archive order");
  a->time = rn_calloc((size_t)b->n, sizeof *a->time, "archive times");
  a->segment = rn_calloc((size_t)b->n, sizeof *a->segment, "archive segments");
  a->split = rn_calloc((size_t)b->n, 1, "archive splits");
  a->data = rn_malloc(npix * (size_t)b->n, "archive frames");
  if (!ord || !a->time || !a->segment || !a->split || !a->data) {
    st = RN_ENOMEM;
    goto done;
  }
  for (int i = 0; i < b->n; i++)
    ord[i].t = b->time[i], ord[i].i = i;
  qsort(ord, (size_t)b->n, sizeof *ord, cmp_order);
  for (int i = 0; i < b->n; i++) {
    if (n > 0 && a->time[n - 1] == ord[i].t) {
      rn_log_warn("archive: two frames for %s: keeping the later one given",
                  rn_time_iso(ord[i].t, iso));
      n--;
    }
    a->time[n] = ord[i].t;
    memcpy(a->data + (size_t)n * npix, b->data + (size_t)ord[i].i * npix, npix);
    n++;
  }
  a->nt = n;
  if (step <= 0) { /* the smallest spacing seen */
    for (int i = 1; i < n; i++)
      if (step <= 0 || a->time[i] - a->time[i - 1] < step)
        step = (long)(a->time[i] - a->time[i - 1]);
    if (step <= 0)
      step = 300; /* a single frame: nothing to learn from, but a valid file */
  }
  a->step = step;
  for (int i = 0; i < n; i++) {
    a->segment[i] = i == 0 ? 0 : a->segment[i - 1] + (a->time[i] - a->time[i - 1] != step);
    a->split[i] = (uint8_t)rn_archive_split_of(&b->o, a->time[i]);
  }
  split_rule(&b->o, a->split_rule, sizeof a->split_rule);
  snprintf(a->source, sizeof a->source, "%s", b->source);
  a->grid = b->grid;
  memset(&b->grid, 0, sizeof b->grid);
done:
  free(ord);
  rn_archive_builder_free(b);
  if (st)
    rn_archive_free(a);
  return st;
}

/* ---- the file ----------------------------------------------------------- */

#define TRY(call, what)                                                                           \
  do {                                                                                            \
    int nc_status_ = (call);                                                                      \
    if (nc_status_ != NC_NOERR) {                                                                 \
      st = rn_nc_error(nc_status_, fail_status, path, what);                                      \
      goto fail;                                                                                  \
    }                                                                                             \
  } while (0)

static int put_text(int ncid, int var, const char *name, const char *v)
{
  return nc_put_att_text(ncid, var, name, strlen(v), v);
}

enum rn_status rn_archive_write(const struct rn_archive *a, const struct rn_archive_options *o,
                                const char *path)
{
  const enum rn_status fail_status = RN_EWRITE;
  int ncid = -1, tdim, ydim, xdim, dims[3], tv, dv, sv, pv;
  size_t chunks[3] = {1, (size_t)a->grid.ny, (size_t)a->grid.nx};
  unsigned char fill = RN_ARCHIVE_NODATA, flags[3] = {0, 1, 2}, valid[2] = {0, 254};
  float scale = 0.5f, offset = RN_DBZ_NOECHO;
  int step = (int)a->step;
  double *t = NULL;
  char history[160], t0[32], t1[32];
  enum rn_status st;

  if (a->nt < 1)
    return rn_error(RN_EINTERNAL, "archive: %s: no frames to write", path);
  if ((st = rn_nc_create(path, &ncid)))
    return st;
  put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8");
  put_text(ncid, NC_GLOBAL, "title", "radnow training archive");
  put_text(ncid, NC_GLOBAL, "source", a->source);
  snprintf(history, sizeof history, "%s to %s: %d frames, written by radnow %s",
           rn_time_iso(a->time[0], t0), rn_time_iso(a->time[a->nt - 1], t1), a->nt,
           PACKAGE_VERSION);
  put_text(ncid, NC_GLOBAL, "history", history);
  put_text(ncid, NC_GLOBAL, "split_rule", a->split_rule);
  TRY(nc_put_att_int(ncid, NC_GLOBAL, "step_seconds", NC_INT, 1, &step), "step_seconds");
  (void)o;

  TRY(nc_def_dim(ncid, "time", (size_t)a->nt, &tdim), "dimension time");
  if ((st = rn_cf_grid_define(ncid, &a->grid, path, &ydim, &xdim)))
    goto fail;
  TRY(nc_def_var(ncid, "time", NC_DOUBLE, 1, &tdim, &tv), "variable time");
  put_text(ncid, tv, "standard_name", "time");
  put_text(ncid, tv, "units", "seconds since 1970-01-01 00:00:00");
  put_text(ncid, tv, "calendar", "standard");
  put_text(ncid, tv, "axis", "T");

  TRY(nc_def_var(ncid, "segment", NC_INT, 1, &tdim, &sv), "variable segment");
  put_text(ncid, sv, "long_name", "run of consecutive frames");
  put_text(ncid, sv, "comment",
           "frames of one segment are exactly step_seconds apart; a gap starts a new segment; "
           "training windows never span two segments");
  TRY(nc_def_var(ncid, "split", NC_UBYTE, 1, &tdim, &pv), "variable split");
  put_text(ncid, pv, "long_name", "training split");
  TRY(nc_put_att_uchar(ncid, pv, "flag_values", NC_UBYTE, 3, flags), "split flag_values");
  put_text(ncid, pv, "flag_meanings", "train validation test");
  put_text(ncid, pv, "comment", a->split_rule);

  dims[0] = tdim, dims[1] = ydim, dims[2] = xdim;
  TRY(nc_def_var(ncid, "dbz", NC_UBYTE, 3, dims, &dv), "variable dbz");
  TRY(nc_def_var_chunking(ncid, dv, NC_CHUNKED, chunks), "chunking dbz");
  TRY(nc_def_var_deflate(ncid, dv, 0, 1, o ? o->deflate : 4), "compressing dbz");
  TRY(nc_def_var_fill(ncid, dv, 0, &fill), "_FillValue of dbz");
  TRY(nc_put_att_float(ncid, dv, "scale_factor", NC_FLOAT, 1, &scale), "scale_factor");
  TRY(nc_put_att_float(ncid, dv, "add_offset", NC_FLOAT, 1, &offset), "add_offset");
  TRY(nc_put_att_uchar(ncid, dv, "valid_range", NC_UBYTE, 2, valid), "valid_range");
  put_text(ncid, dv, "standard_name", "equivalent_reflectivity_factor");
  put_text(ncid, dv, "long_name", "equivalent radar reflectivity factor");
  put_text(ncid, dv, "units", "dBZ");
  put_text(ncid, dv, "grid_mapping", "crs");
  put_text(ncid, dv, "coordinates", "lat lon");
  put_text(ncid, dv, "comment",
           "dBZ = 0.5 p - 32; p = 0: measured, no echo (-32 dBZ and below); p = 255 "
           "(_FillValue): no data");
  TRY(nc_enddef(ncid), "end of definitions");

  if ((st = rn_cf_grid_write(ncid, &a->grid, path)))
    goto fail;
  t = rn_malloc(sizeof *t * (size_t)a->nt, "archive times");
  if (!t) {
    st = RN_ENOMEM;
    goto fail;
  }
  for (int i = 0; i < a->nt; i++)
    t[i] = (double)a->time[i];
  TRY(nc_put_var_double(ncid, tv, t), "writing time");
  TRY(nc_put_var_int(ncid, sv, a->segment), "writing segment");
  TRY(nc_put_var_uchar(ncid, pv, a->split), "writing split");
  TRY(nc_put_var_uchar(ncid, dv, a->data), "writing dbz");
  free(t);
  return rn_nc_publish(ncid, path);
fail:
  free(t);
  if (ncid >= 0)
    nc_abort(ncid);
  return st;
}

static void get_text_att(int ncid, int var, const char *name, char *buf, size_t size)
{
  size_t len;
  buf[0] = '\0';
  if (nc_inq_attlen(ncid, var, name, &len) == NC_NOERR && len < size) {
    nc_get_att_text(ncid, var, name, buf);
    buf[len] = '\0';
  }
}

/* A 1-D variable along time, of the archive's length. */
static enum rn_status var_1d(int ncid, const char *path, const char *name, int tdim, int *id)
{
  int nd, dims[NC_MAX_VAR_DIMS];
  if (nc_inq_varid(ncid, name, id) != NC_NOERR)
    return rn_error(RN_EFORMAT, "archive: %s: variable '%s' missing (not a radnow archive)", path,
                    name);
  if (nc_inq_var(ncid, *id, NULL, NULL, &nd, dims, NULL) != NC_NOERR || nd != 1 || dims[0] != tdim)
    return rn_error(RN_EFORMAT, "archive: %s: %s: want one dimension, time", path, name);
  return RN_OK;
}

enum rn_status rn_archive_read(const char *path, struct rn_archive *a)
{
  const enum rn_status fail_status = RN_EFORMAT;
  int ncid = -1, tdim, tv, sv, pv, dv, nd, dims[NC_MAX_VAR_DIMS], yasc = 0, step = 0;
  size_t nt, npix;
  double *t = NULL;
  enum rn_status st;
  char units[128];

  memset(a, 0, sizeof *a);
  TRY(nc_open(path, NC_NOWRITE, &ncid), "open");
  TRY(nc_inq_dimid(ncid, "time", &tdim), "dimension time");
  TRY(nc_inq_dimlen(ncid, tdim, &nt), "dimension time");
  if (nt < 1 || nt > 100000000) {
    st = rn_error(RN_EFORMAT, "archive: %s: %zu frames", path, nt);
    goto fail;
  }
  if ((st = var_1d(ncid, path, "time", tdim, &tv)) || (st = var_1d(ncid, path, "segment", tdim, &sv)) ||
      (st = var_1d(ncid, path, "split", tdim, &pv)))
    goto fail;
  get_text_att(ncid, tv, "units", units, sizeof units);
  if (strcmp(units, "seconds since 1970-01-01 00:00:00") != 0) {
    st = rn_error(RN_EFORMAT, "archive: %s: time units '%s', want seconds since 1970-01-01", path,
                  units);
    goto fail;
  }
  if (nc_inq_varid(ncid, "dbz", &dv) != NC_NOERR) {
    st = rn_error(RN_EFORMAT, "archive: %s: variable 'dbz' missing (not a radnow archive)", path);
    goto fail;
  }
  {
    nc_type type;
    TRY(nc_inq_var(ncid, dv, NULL, &type, &nd, dims, NULL), "variable dbz");
    if (type != NC_UBYTE || nd != 3 || dims[0] != tdim) {
      st = rn_error(RN_EFORMAT, "archive: %s: dbz: want ubyte (time, y, x)", path);
      goto fail;
    }
  }
  if ((st = rn_cf_grid_read(ncid, dv, path, &a->grid, &yasc)))
    goto fail;
  if (yasc) {
    st = rn_error(RN_EUNSUPPORTED, "archive: %s: rows stored south to north", path);
    goto fail;
  }
  TRY(nc_get_att_int(ncid, NC_GLOBAL, "step_seconds", &step), "attribute step_seconds");
  if (step <= 0) {
    st = rn_error(RN_EFORMAT, "archive: %s: step_seconds = %d", path, step);
    goto fail;
  }
  a->step = step;
  a->nt = (int)nt;
  npix = (size_t)a->grid.nx * (size_t)a->grid.ny;
  t = rn_malloc(sizeof *t * nt, "archive times");
  a->time = rn_calloc(nt, sizeof *a->time, "archive times");
  a->segment = rn_calloc(nt, sizeof *a->segment, "archive segments");
  a->split = rn_calloc(nt, 1, "archive splits");
  a->data = rn_malloc(nt * npix, "archive frames");
  if (!t || !a->time || !a->segment || !a->split || !a->data) {
    st = RN_ENOMEM;
    goto fail;
  }
  TRY(nc_get_var_double(ncid, tv, t), "reading time");
  TRY(nc_get_var_int(ncid, sv, a->segment), "reading segment");
  TRY(nc_get_var_uchar(ncid, pv, a->split), "reading split");
  TRY(nc_get_var_uchar(ncid, dv, a->data), "reading dbz");
  for (size_t i = 0; i < nt; i++) {
    a->time[i] = (rn_time)llround(t[i]);
    if (a->split[i] > RN_SPLIT_TEST) {
      st = rn_error(RN_EFORMAT, "archive: %s: split[%zu] = %d", path, i, a->split[i]);
      goto fail;
    }
    if (i > 0 && (a->time[i] <= a->time[i - 1] || a->segment[i] < a->segment[i - 1] ||
                  (a->segment[i] == a->segment[i - 1] && a->time[i] - a->time[i - 1] != step))) {
      st = rn_error(RN_EFORMAT, "archive: %s: frame %zu: times or segments out of order", path, i);
      goto fail;
    }
  }
  get_text_att(ncid, pv, "comment", a->split_rule, sizeof a->split_rule);
  get_text_att(ncid, NC_GLOBAL, "source", a->source, sizeof a->source);
  free(t);
  nc_close(ncid);
  return RN_OK;
fail:
  free(t);
  if (ncid >= 0)
    nc_close(ncid);
  rn_archive_free(a);
  return st;
}

/* ---- windows -------------------------------------------------------------- */

enum rn_status rn_archive_windows(const struct rn_archive *a, int n, enum rn_split s, int **starts,
                                  int *count)
{
  int k = 0;
  *starts = NULL;
  *count = 0;
  if (n < 1)
    return rn_error(RN_EINTERNAL, "archive: windows of %d frames", n);
  for (int pass = 0; pass < 2; pass++) {
    int run = 0; /* frames so far in the current run of one segment and split */
    k = 0;
    for (int i = 0; i < a->nt; i++) {
      if (i > 0 && a->segment[i] == a->segment[i - 1] && a->split[i] == a->split[i - 1])
        run++;
      else
        run = 1;
      if (a->split[i] == s && run >= n) {
        if (pass)
          (*starts)[k] = i - n + 1;
        k++;
      }
    }
    if (pass == 0) {
      if (k == 0)
        return RN_OK;
      *starts = rn_malloc(sizeof **starts * (size_t)k, "archive windows");
      if (!*starts)
        return RN_ENOMEM;
    }
  }
  *count = k;
  return RN_OK;
}
