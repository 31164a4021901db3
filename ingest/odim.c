/* odim.c - ODIM_H5 2.0-2.4 reader (EUMETNET OPERA Data Information Model).
 *
 * Polar objects (PVOL, SCAN) become a struct rn_volume; gridded objects
 * (COMP, IMAGE) become a struct rn_frame in dBZ. Metadata follow ODIM's
 * inheritance: an attribute in /datasetM/dataN/what overrides one in
 * /datasetM/what, which overrides one in /what (likewise where and how).
 * Datasets are found by name and ordered by their number, then sweeps are
 * sorted by elevation: file order is not scan order (RMI writes the lowest
 * sweep first although it is scanned last). */
#include <radnow/ingest.h>
#include <radnow/zr.h>

#include <ctype.h>
#include <math.h>
#include <proj.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "reader.h"

#define MAX_GROUPS 1024

/* One level of the what/where/how hierarchy: data, dataset, root. */
struct levels {
  hid_t g[3];
  int n;
};

struct odim {
  const char *path;
  const struct rn_ingest_options *opt;
  hid_t fid;
  hid_t what, where, how; /* root groups (what is required) */
  char object[16];
};

__attribute__((format(printf, 4, 5))) static enum rn_status
fail(enum rn_status st, const struct odim *o, const char *obj, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (obj)
    return rn_error(st, "odim: %s: %s: %s", o->path, obj, msg);
  return rn_error(st, "odim: %s: %s", o->path, msg);
}

/* Numbers N of the groups named PREFIX<N> under loc, ascending. */
struct scan_names {
  const char *prefix;
  int idx[MAX_GROUPS];
  int n;
};

static herr_t collect(hid_t loc, const char *name, const H5L_info_t *info, void *data)
{
  struct scan_names *s = data;
  size_t k = strlen(s->prefix);
  (void)loc;
  (void)info;
  if (strncmp(name, s->prefix, k) != 0 || !name[k])
    return 0;
  for (const char *p = name + k; *p; p++)
    if (!isdigit((unsigned char)*p))
      return 0;
  if (s->n < MAX_GROUPS)
    s->idx[s->n++] = atoi(name + k);
  return 0;
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void list_groups(hid_t loc, const char *prefix, struct scan_names *s)
{
  hsize_t i = 0;
  s->prefix = prefix;
  s->n = 0;
  H5Literate(loc, H5_INDEX_NAME, H5_ITER_NATIVE, &i, collect, s);
  qsort(s->idx, (size_t)s->n, sizeof s->idx[0], cmp_int);
}

/* The first level holding the attribute wins. */
static int find_double(const struct levels *lv, const char *name, double *v)
{
  for (int i = 0; i < lv->n; i++) {
    int r = rn_h5_attr_double(lv->g[i], name, v);
    if (r)
      return r;
  }
  return 0;
}

static int find_string(const struct levels *lv, const char *name, char *buf, size_t n)
{
  for (int i = 0; i < lv->n; i++) {
    int r = rn_h5_attr_string(lv->g[i], name, buf, n);
    if (r)
      return r;
  }
  buf[0] = '\0';
  return 0;
}

/* Conversion of stored numbers to physical values. */
struct scaling {
  double gain, offset, nodata, undetect;
  int has_nodata, has_undetect;
};

static enum rn_status read_scaling(const struct odim *o, const char *obj, const struct levels *lv,
                                   struct scaling *sc)
{
  int r;
  memset(sc, 0, sizeof *sc);
  if ((r = find_double(lv, "gain", &sc->gain)) != 1)
    return fail(RN_EFORMAT, o, obj, "'gain' %s", r ? "is not a number" : "missing");
  if ((r = find_double(lv, "offset", &sc->offset)) != 1)
    return fail(RN_EFORMAT, o, obj, "'offset' %s", r ? "is not a number" : "missing");
  if (sc->gain == 0 || !isfinite(sc->gain) || !isfinite(sc->offset))
    return fail(RN_EFORMAT, o, obj, "'gain' or 'offset' is %s", "zero or not finite");
  sc->has_nodata = find_double(lv, "nodata", &sc->nodata) == 1;
  sc->has_undetect = find_double(lv, "undetect", &sc->undetect) == 1;
  return RN_OK;
}

/* Convert n stored values to physical ones; nodata -> NaN, undetect -> u. */
static void convert(enum rn_h5_num type, const void *raw, size_t n, const struct scaling *sc,
                    float undetect_value, float *out)
{
  if (type == RN_H5_U8) {
    /* A table of 256 values: the common case (uint8 moments) at memory speed. */
    float lut[256];
    for (int v = 0; v < 256; v++)
      lut[v] = sc->has_nodata && v == sc->nodata       ? RN_NODATA
               : sc->has_undetect && v == sc->undetect ? undetect_value
                                                       : (float)(sc->gain * v + sc->offset);
    const unsigned char *p = raw;
    for (size_t i = 0; i < n; i++)
      out[i] = lut[p[i]];
    return;
  }
  for (size_t i = 0; i < n; i++) {
    double v = rn_h5_num_get(type, raw, i);
    if (v != v || (sc->has_nodata && v == sc->nodata))
      out[i] = RN_NODATA;
    else if (sc->has_undetect && v == sc->undetect)
      out[i] = undetect_value;
    else
      out[i] = (float)(sc->gain * v + sc->offset);
  }
}

static int is_reflectivity(const char *q)
{
  return strncmp(q, "DBZ", 3) == 0 || strncmp(q, "TH", 2) == 0 || strncmp(q, "TV", 2) == 0;
}

/* ------------------------------------------------------------------ polar */

struct moment_ref {
  int data; /* N of dataN */
  char quantity[RN_QUANTITY_LEN];
};

/* Quantities of one dataset, in data order. */
static int dataset_quantities(hid_t ds, const struct levels *parent, struct moment_ref *refs,
                              int max)
{
  struct scan_names dn;
  int n = 0;
  list_groups(ds, "data", &dn);
  for (int k = 0; k < dn.n && n < max; k++) {
    char name[32];
    snprintf(name, sizeof name, "data%d", dn.idx[k]);
    hid_t g = rn_h5_group(ds, name), w = rn_h5_group(g, "what");
    struct levels lv = {{w, parent->g[0], parent->g[1]}, 3};
    refs[n].data = dn.idx[k];
    if (find_string(&lv, "quantity", refs[n].quantity, sizeof refs[n].quantity) != 1)
      snprintf(refs[n].quantity, sizeof refs[n].quantity, "?");
    rn_h5_close(w);
    rn_h5_close(g);
    n++;
  }
  return n;
}

/* A moment fetched from the file, still to be decompressed and converted. */
struct job {
  struct rn_h5_block block;
  struct scaling sc;
  float *out;
  char obj[96];
};

struct jobs {
  struct job *v;
  int n, cap;
};

static enum rn_status read_moment(const struct odim *o, hid_t ds, const char *dsname, int data,
                                  const struct levels *parent, struct rn_sweep *sw,
                                  const char *quantity, struct jobs *jobs)
{
  char obj[96], name[32];
  struct scaling sc;
  struct rn_moment *m;
  struct rn_h5_block b = {0};
  enum rn_status st;
  hid_t g, w, d;

  snprintf(name, sizeof name, "data%d", data);
  snprintf(obj, sizeof obj, "/%s/%s", dsname, name);
  g = rn_h5_group(ds, name);
  w = rn_h5_group(g, "what");
  struct levels lv = {{w, parent->g[0], parent->g[1]}, 3};
  st = read_scaling(o, obj, &lv, &sc);
  if (st)
    goto out;
  if (!rn_h5_exists(g, "data")) {
    st = fail(RN_EFORMAT, o, obj, "'%s' dataset missing", "data");
    goto out;
  }
  d = H5Dopen2(g, "data", H5P_DEFAULT);
  snprintf(obj, sizeof obj, "/%s/%s/data", dsname, name);
  st = d < 0 ? fail(RN_EFORMAT, o, obj, "%s", "cannot open") : rn_h5_fetch_2d(d, o->path, obj, &b);
  if (d >= 0)
    H5Dclose(d);
  if (st) {
    rn_error_prefix(st, "odim");
    goto out;
  }
  if (b.rows == 0) {
    st = fail(RN_EFORMAT, o, obj, "%s", "zero rays");
    goto out;
  }
  if (b.cols == 0) {
    st = fail(RN_EFORMAT, o, obj, "%s", "zero gates");
    goto out;
  }
  if (sw->nrays == 0) {
    st = rn_sweep_alloc(sw, (int)b.rows, (int)b.cols);
    if (st)
      goto out;
  } else if ((size_t)sw->nrays != b.rows || (size_t)sw->ngates != b.cols) {
    st = fail(RN_EFORMAT, o, obj, "%zu x %zu values, other moments have %d x %d", b.rows, b.cols,
              sw->nrays, sw->ngates);
    goto out;
  }
  if (jobs->n == jobs->cap) {
    int cap = jobs->cap ? 2 * jobs->cap : 16;
    struct job *v = realloc(jobs->v, (size_t)cap * sizeof *v);
    if (!v) {
      st = rn_error(RN_ENOMEM, "odim: %s: out of memory", o->path);
      goto out;
    }
    jobs->v = v;
    jobs->cap = cap;
  }
  st = rn_sweep_add_moment(sw, quantity, &m);
  if (st)
    goto out;
  struct job *j = &jobs->v[jobs->n++];
  j->block = b;
  j->sc = sc;
  j->out = m->data;
  snprintf(j->obj, sizeof j->obj, "%s", obj);
  memset(&b, 0, sizeof b); /* the job owns it now */
out:
  rn_h5_block_free(&b);
  rn_h5_close(w);
  rn_h5_close(g);
  return st;
}

/* Decompress and convert every fetched moment, in parallel (no HDF5 calls). */
static enum rn_status run_jobs(const struct odim *o, struct jobs *jobs)
{
  int bad = -1;
#pragma omp parallel for schedule(dynamic, 1)
  for (int i = 0; i < jobs->n; i++) {
    struct job *j = &jobs->v[i];
    if (rn_h5_decode_2d(&j->block) != 0) {
#pragma omp critical
      if (bad < 0 || i < bad)
        bad = i;
      continue;
    }
    convert(j->block.type, j->block.values, j->block.rows * j->block.cols, &j->sc, RN_UNDETECT,
            j->out);
    rn_h5_block_free(&j->block);
  }
  if (bad >= 0)
    return fail(RN_EFORMAT, o, jobs->v[bad].obj, "%s",
                "compressed data are corrupt or short (file truncated?)");
  return RN_OK;
}

static void free_jobs(struct jobs *jobs)
{
  for (int i = 0; i < jobs->n; i++)
    rn_h5_block_free(&jobs->v[i].block);
  free(jobs->v);
}

/* Ray-centre azimuths: from startazA/stopazA when present, else rays are
 * stored from north (ray 0 covers [astart, astart + 360/nrays)); a1gate only
 * says which ray was scanned first and does not move them. */
static void azimuths(const struct levels *how, struct rn_sweep *sw, char *note, size_t nsize)
{
  int n = sw->nrays;
  double *a = malloc((size_t)n * 2 * sizeof *a), astart = 0;
  if (a && rn_h5_attr_doubles(how->g[0], "startazA", a, (size_t)n) == 1 &&
      rn_h5_attr_doubles(how->g[0], "stopazA", a + n, (size_t)n) == 1) {
    for (int r = 0; r < n; r++) {
      double width = fmod(a[n + r] - a[r] + 720.0, 360.0);
      double c = fmod(a[r] + width / 2 + 360.0, 360.0);
      sw->azimuth[r] = c >= 360.0 ? c - 360.0 : c;
    }
    snprintf(note, nsize, "startazA/stopazA");
    free(a);
    return;
  }
  free(a);
  if (find_double(how, "astart", &astart) != 1)
    astart = 0;
  for (int r = 0; r < n; r++) {
    double c = fmod(astart + (r + 0.5) * 360.0 / n + 360.0, 360.0);
    sw->azimuth[r] = c;
  }
  snprintf(note, nsize, "nrays");
}

static void sweep_times(const struct levels *what, struct rn_sweep *sw)
{
  char d[32], t[32];
  rn_time v;
  if (find_string(what, "startdate", d, sizeof d) == 1 &&
      find_string(what, "starttime", t, sizeof t) == 1 && !rn_time_from_date_time(d, t, &v))
    sw->start_time = v;
  if (find_string(what, "enddate", d, sizeof d) == 1 &&
      find_string(what, "endtime", t, sizeof t) == 1 && !rn_time_from_date_time(d, t, &v))
    sw->end_time = v;
  rn_error_clear();
}

static void append_note(struct rn_radar_data *out, const char *s)
{
  size_t n = strlen(out->notes);
  if (n && n + 2 < sizeof out->notes)
    snprintf(out->notes + n, sizeof out->notes - n, "; ");
  n = strlen(out->notes);
  snprintf(out->notes + n, sizeof out->notes - n, "%s", s);
}

/* The quantity to read: the requested one, or DBZH, then TH. */
static enum rn_status choose_quantity(const struct odim *o, const char *const *have, int nhave,
                                      const char *const *prefer, char *q)
{
  char list[512] = "";
  if (o->opt->quantity) {
    for (int i = 0; i < nhave; i++)
      if (strcmp(have[i], o->opt->quantity) == 0) {
        snprintf(q, RN_QUANTITY_LEN, "%s", have[i]);
        return RN_OK;
      }
  } else {
    for (int p = 0; prefer[p]; p++)
      for (int i = 0; i < nhave; i++)
        if (strcmp(have[i], prefer[p]) == 0) {
          snprintf(q, RN_QUANTITY_LEN, "%s", have[i]);
          return RN_OK;
        }
  }
  for (int i = 0; i < nhave; i++) {
    size_t n = strlen(list);
    snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", have[i]);
  }
  if (o->opt->quantity)
    return rn_error(RN_ENOTFOUND, "odim: %s: quantity '%s' not in the file (it has %s)", o->path,
                    o->opt->quantity, nhave ? list : "none");
  return rn_error(RN_ENOTFOUND, "odim: %s: no %s in the file (it has %s; choose one with --quantity)",
                  o->path, prefer[1] ? "DBZH or TH" : prefer[0], nhave ? list : "no data");
}

/* Distinct quantities over all datasets (names point into refs). */
static int distinct(struct moment_ref *refs, int n, const char **out, int max)
{
  int k = 0;
  for (int i = 0; i < n; i++) {
    int seen = 0;
    for (int j = 0; j < k; j++)
      seen |= strcmp(out[j], refs[i].quantity) == 0;
    if (!seen && k < max)
      out[k++] = refs[i].quantity;
  }
  return k;
}

#define MAX_MOMENTS 64

static enum rn_status read_polar(struct odim *o, struct rn_radar_data *out)
{
  static const char *const prefer[] = {"DBZH", "TH", NULL};
  struct rn_volume *vol = &out->vol;
  struct scan_names dsn;
  struct moment_ref *refs = NULL;
  int *nref = NULL, total = 0, skipped = 0;
  const char *have[MAX_MOMENTS];
  char q[RN_QUANTITY_LEN] = "";
  struct jobs jobs = {0};
  enum rn_status st = RN_OK;

  list_groups(o->fid, "dataset", &dsn);
  if (dsn.n == 0)
    return fail(RN_EFORMAT, o, NULL, "%s", "no /dataset groups (zero sweeps)");
  refs = calloc((size_t)dsn.n * MAX_MOMENTS, sizeof *refs);
  nref = calloc((size_t)dsn.n, sizeof *nref);
  if (!refs || !nref) {
    st = rn_error(RN_ENOMEM, "odim: %s: out of memory", o->path);
    goto out;
  }
  /* First pass: which quantities exist where. */
  for (int i = 0; i < dsn.n; i++) {
    char name[32];
    snprintf(name, sizeof name, "dataset%d", dsn.idx[i]);
    hid_t ds = rn_h5_group(o->fid, name), w = rn_h5_group(ds, "what");
    struct levels lv = {{w, o->what}, 2};
    nref[i] = dataset_quantities(ds, &lv, refs + (size_t)i * MAX_MOMENTS, MAX_MOMENTS);
    rn_h5_close(w);
    rn_h5_close(ds);
  }
  for (int i = 0; i < dsn.n; i++) {
    /* Pack the references so distinct() sees them all. */
    memmove(refs + total, refs + (size_t)i * MAX_MOMENTS, (size_t)nref[i] * sizeof *refs);
    total += nref[i];
  }
  int nhave = distinct(refs, total, have, MAX_MOMENTS);
  if (!o->opt->all_quantities || o->opt->quantity || nhave == 0) {
    st = choose_quantity(o, have, nhave, prefer, q);
    if (st)
      goto out;
  }
  st = rn_volume_alloc_sweeps(vol, dsn.n);
  if (st)
    goto out;
  vol->nsweeps = 0;
  for (int i = 0, r0 = 0; i < dsn.n; r0 += nref[i], i++) {
    char name[32], obj[48], note[32];
    snprintf(name, sizeof name, "dataset%d", dsn.idx[i]);
    snprintf(obj, sizeof obj, "/%s", name);
    hid_t ds = rn_h5_group(o->fid, name);
    hid_t w = rn_h5_group(ds, "what"), wh = rn_h5_group(ds, "where"), hw = rn_h5_group(ds, "how");
    struct levels what = {{w, o->what}, 2}, where = {{wh, o->where}, 2}, how = {{hw, o->how}, 2};
    struct rn_sweep *sw = &vol->sweeps[vol->nsweeps];
    double elangle, rscale, rstart = 0;
    char product[16];
    int any = 0, jobs_before = jobs.n;

    if (find_string(&what, "product", product, sizeof product) == 1 && product[0] &&
        strcmp(product, "SCAN") != 0) {
      skipped++; /* RHI, profiles ... are not sweeps */
      goto next;
    }
    if (find_double(&where, "elangle", &elangle) != 1) {
      st = fail(RN_EFORMAT, o, obj, "'%s' missing", "where/elangle");
      goto next;
    }
    if (find_double(&where, "rscale", &rscale) != 1 || !(rscale > 0)) {
      st = fail(RN_EFORMAT, o, obj, "'%s' missing or not positive", "where/rscale");
      goto next;
    }
    find_double(&where, "rstart", &rstart);
    for (int k = 0; k < nref[i] && !st; k++) {
      const struct moment_ref *m = &refs[r0 + k];
      if (q[0] && !o->opt->all_quantities && strcmp(m->quantity, q) != 0)
        continue;
      if (rn_sweep_moment(sw, m->quantity))
        continue; /* the same quantity twice: the first one counts */
      st = read_moment(o, ds, name, m->data, &what, sw, m->quantity, &jobs);
      any = 1;
    }
    if (st)
      goto next;
    if (!any || (q[0] && !rn_sweep_moment(sw, q))) {
      while (jobs.n > jobs_before) /* their moments go with the sweep */
        rn_h5_block_free(&jobs.v[--jobs.n].block);
      rn_sweep_free(sw);
      skipped++;
      goto next;
    }
    {
      double nrays = 0, nbins = 0;
      if (find_double(&where, "nrays", &nrays) != 1)
        nrays = 0;
      if (find_double(&where, "nbins", &nbins) != 1)
        nbins = 0;
      if ((nrays && nrays != sw->nrays) || (nbins && nbins != sw->ngates)) {
        char msg[128];
        snprintf(msg, sizeof msg, "where says %.0f rays x %.0f bins, the data have %d x %d", nrays,
                 nbins, sw->nrays, sw->ngates);
        st = fail(RN_EFORMAT, o, obj, "%s", msg);
        goto next;
      }
    }
    sw->elevation = elangle;
    sw->gate_spacing = rscale;
    sw->first_gate = rstart * 1000.0 + rscale / 2; /* rstart: start of bin 0, in km */
    azimuths(&how, sw, note, sizeof note);
    sweep_times(&what, sw);
    vol->nsweeps++;
  next:
    rn_h5_close(w);
    rn_h5_close(wh);
    rn_h5_close(hw);
    rn_h5_close(ds);
    if (st)
      goto out;
  }
  if (vol->nsweeps == 0) {
    st = fail(RN_EFORMAT, o, NULL, "no sweep holds %s", q[0] ? q : "any data");
    goto out;
  }
  if ((st = run_jobs(o, &jobs)))
    goto out;
  if (skipped) {
    char s[96];
    snprintf(s, sizeof s, "%d dataset(s) without %s skipped", skipped, q[0] ? q : "sweep data");
    append_note(out, s);
  }
  for (int s = 1; s < vol->nsweeps; s++)
    if (vol->sweeps[s].elevation < vol->sweeps[s - 1].elevation) {
      append_note(out, "sweeps reordered by elevation");
      break;
    }
  rn_volume_sort_sweeps(vol);
out:
  free_jobs(&jobs);
  free(refs);
  free(nref);
  return st;
}

/* ---------------------------------------------------------------- gridded */

static enum rn_status grid_from_where(const struct odim *o, const char *obj,
                                      const struct levels *where, size_t rows, size_t cols,
                                      struct rn_grid *grid)
{
  char projdef[1024];
  double xsize = 0, ysize = 0, xscale, yscale, ul[2], ll[2], ur[2];
  PJ_CONTEXT *ctx;
  PJ *pj;
  enum rn_status st = RN_OK;

  if (find_string(where, "projdef", projdef, sizeof projdef) != 1 || !projdef[0])
    return fail(RN_EFORMAT, o, obj, "'%s' missing", "where/projdef");
  if (find_double(where, "xscale", &xscale) != 1 || find_double(where, "yscale", &yscale) != 1 ||
      !(xscale > 0) || !(yscale > 0))
    return fail(RN_EFORMAT, o, obj, "'%s' missing or not positive", "where/xscale, yscale");
  if (find_double(where, "UL_lon", &ul[0]) != 1 || find_double(where, "UL_lat", &ul[1]) != 1)
    return fail(RN_EFORMAT, o, obj, "'%s' missing", "where/UL_lon, UL_lat");
  find_double(where, "xsize", &xsize);
  find_double(where, "ysize", &ysize);
  if ((xsize && (size_t)xsize != cols) || (ysize && (size_t)ysize != rows)) {
    char msg[128];
    snprintf(msg, sizeof msg, "where says %.0f x %.0f pixels, the data have %zu x %zu", xsize,
             ysize, cols, rows);
    return fail(RN_EFORMAT, o, obj, "%s", msg);
  }
  /* UL_lon/UL_lat is the outer corner of the upper-left pixel. */
  ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  pj = proj_create_crs_to_crs(ctx, "EPSG:4326", projdef, NULL);
  if (pj) {
    PJ *norm = proj_normalize_for_visualization(ctx, pj);
    proj_destroy(pj);
    pj = norm;
  }
  if (!pj) {
    st = fail(RN_EFORMAT, o, obj, "projdef '%s' is not a projection PROJ knows", projdef);
    goto out;
  }
  PJ_COORD c = proj_trans(pj, PJ_FWD, proj_coord(ul[0], ul[1], 0, 0));
  if (!isfinite(c.xy.x) || !isfinite(c.xy.y)) {
    st = fail(RN_EFORMAT, o, obj, "%s", "UL corner does not project");
    goto out;
  }
  /* The other corners must agree within a pixel, or the grid is not what it says. */
  if (find_double(where, "LL_lon", &ll[0]) == 1 && find_double(where, "LL_lat", &ll[1]) == 1 &&
      find_double(where, "UR_lon", &ur[0]) == 1 && find_double(where, "UR_lat", &ur[1]) == 1) {
    PJ_COORD a = proj_trans(pj, PJ_FWD, proj_coord(ll[0], ll[1], 0, 0));
    PJ_COORD b = proj_trans(pj, PJ_FWD, proj_coord(ur[0], ur[1], 0, 0));
    if (fabs(a.xy.x - c.xy.x) > xscale || fabs(a.xy.y - (c.xy.y - rows * yscale)) > yscale ||
        fabs(b.xy.x - (c.xy.x + cols * xscale)) > xscale || fabs(b.xy.y - c.xy.y) > yscale) {
      st = fail(RN_EFORMAT, o, obj, "%s",
                "corners LL/UL/UR disagree with xsize*xscale, ysize*yscale by more than a pixel");
      goto out;
    }
  }
  st = rn_grid_init(grid, projdef, (int)cols, (int)rows, c.xy.x, c.xy.y, xscale, yscale);
  if (st)
    rn_error_prefix(st, "odim: %s: %s", o->path, obj);
out:
  if (pj)
    proj_destroy(pj);
  proj_context_destroy(ctx);
  return st;
}

static double minutes_between(const struct levels *what)
{
  char d0[32], t0[32], d1[32], t1[32];
  rn_time a, b;
  if (find_string(what, "startdate", d0, sizeof d0) == 1 &&
      find_string(what, "starttime", t0, sizeof t0) == 1 &&
      find_string(what, "enddate", d1, sizeof d1) == 1 &&
      find_string(what, "endtime", t1, sizeof t1) == 1 && !rn_time_from_date_time(d0, t0, &a) &&
      !rn_time_from_date_time(d1, t1, &b) && b > a)
    return (double)(b - a) / 60.0;
  rn_error_clear();
  return 0;
}

static enum rn_status read_grid(struct odim *o, struct rn_radar_data *out)
{
  static const char *const prefer[] = {"DBZH", "TH", "RATE", "ACRR", NULL};
  struct scan_names dsn, dn;
  const char *have[MAX_MOMENTS];
  char qs[MAX_MOMENTS][RN_QUANTITY_LEN], q[RN_QUANTITY_LEN], obj[64], name[32];
  int nhave = 0, found_ds = -1, found_d = -1;
  enum rn_status st;

  list_groups(o->fid, "dataset", &dsn);
  if (dsn.n == 0)
    return fail(RN_EFORMAT, o, NULL, "%s", "no /dataset groups");
  /* Find every quantity, then the dataset/data holding the chosen one. */
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < dsn.n && found_ds < 0; i++) {
      snprintf(name, sizeof name, "dataset%d", dsn.idx[i]);
      hid_t ds = rn_h5_group(o->fid, name), w = rn_h5_group(ds, "what");
      list_groups(ds, "data", &dn);
      for (int k = 0; k < dn.n; k++) {
        char dname[32], qq[RN_QUANTITY_LEN];
        snprintf(dname, sizeof dname, "data%d", dn.idx[k]);
        hid_t g = rn_h5_group(ds, dname), gw = rn_h5_group(g, "what");
        struct levels lv = {{gw, w, o->what}, 3};
        if (find_string(&lv, "quantity", qq, sizeof qq) != 1)
          snprintf(qq, sizeof qq, "?");
        rn_h5_close(gw);
        rn_h5_close(g);
        if (pass == 0) {
          int seen = 0;
          for (int j = 0; j < nhave; j++)
            seen |= strcmp(qs[j], qq) == 0;
          if (!seen && nhave < MAX_MOMENTS) {
            snprintf(qs[nhave], sizeof qs[0], "%s", qq);
            have[nhave] = qs[nhave];
            nhave++;
          }
        } else if (strcmp(qq, q) == 0) {
          found_ds = dsn.idx[i];
          found_d = dn.idx[k];
          break;
        }
      }
      rn_h5_close(w);
      rn_h5_close(ds);
    }
    if (pass == 0 && (st = choose_quantity(o, have, nhave, prefer, q)))
      return st;
  }

  snprintf(name, sizeof name, "dataset%d", found_ds);
  hid_t ds = rn_h5_group(o->fid, name);
  hid_t w = rn_h5_group(ds, "what"), wh = rn_h5_group(ds, "where");
  snprintf(name, sizeof name, "data%d", found_d);
  hid_t g = rn_h5_group(ds, name), gw = rn_h5_group(g, "what"), gwh = rn_h5_group(g, "where");
  struct levels what = {{gw, w, o->what}, 3}, where = {{gwh, wh, o->where}, 3};
  struct scaling sc;
  enum rn_h5_num type = RN_H5_OTHER;
  size_t rows = 0, cols = 0;
  void *raw = NULL;
  struct rn_grid grid = {0};
  hid_t d = -1;

  snprintf(obj, sizeof obj, "/dataset%d/data%d", found_ds, found_d);
  if ((st = read_scaling(o, obj, &what, &sc)))
    goto out;
  if (!is_reflectivity(q) && strcmp(q, "RATE") != 0 && strcmp(q, "ACRR") != 0) {
    st = fail(RN_EUNSUPPORTED, o, obj,
              "quantity '%s' is neither reflectivity nor rain (a frame holds dBZ)", q);
    goto out;
  }
  d = rn_h5_exists(g, "data") ? H5Dopen2(g, "data", H5P_DEFAULT) : -1;
  if (d < 0) {
    st = fail(RN_EFORMAT, o, obj, "'%s' dataset missing", "data");
    goto out;
  }
  snprintf(obj, sizeof obj, "/dataset%d/data%d/data", found_ds, found_d);
  if ((st = rn_h5_read_2d(d, o->path, obj, &type, &rows, &cols, &raw))) {
    rn_error_prefix(st, "odim");
    goto out;
  }
  if (rows == 0 || cols == 0) {
    st = fail(RN_EFORMAT, o, obj, "%s", "has no pixels");
    goto out;
  }
  snprintf(obj, sizeof obj, "/dataset%d", found_ds);
  if ((st = grid_from_where(o, obj, &where, rows, cols, &grid)))
    goto out;
  if ((st = rn_frame_alloc(&out->frame, &grid)))
    goto out;
  snprintf(out->frame.quantity, sizeof out->frame.quantity, "%s", q);
  if (find_string(&what, "product", out->frame.product, sizeof out->frame.product) != 1)
    snprintf(out->frame.product, sizeof out->frame.product, "%s", o->object);
  snprintf(out->encoding, sizeof out->encoding, "%s gain %g offset %g", rn_h5_num_name(type),
           sc.gain, sc.offset);
  if (is_reflectivity(q)) {
    snprintf(out->units, sizeof out->units, "dBZ");
    convert(type, raw, rows * cols, &sc, RN_DBZ_NOECHO, out->frame.dbz);
  } else {
    /* Rain: physical values first, then Z = a R^b. */
    struct rn_zr zr = rn_zr_make(o->opt->zr_a, o->opt->zr_b);
    double minutes = 0;
    float *v = out->frame.dbz;
    size_t n = rows * cols;
    convert(type, raw, n, &sc, 0.0f, v);
    if (strcmp(q, "ACRR") == 0) {
      minutes = minutes_between(&what);
      if (!(minutes > 0))
        minutes = o->opt->acc_minutes;
      if (!(minutes > 0)) {
        st = fail(RN_EFORMAT, o, obj,
                  "%s: accumulation period unknown (no start/end times; give acc_minutes)", q);
        goto out;
      }
      snprintf(out->units, sizeof out->units, "mm");
      for (size_t i = 0; i < n; i++)
        v[i] = rn_zr_acc_to_dbz(zr, v[i], minutes);
      char s[128];
      snprintf(s, sizeof s, "ACRR over %g min converted with Z = %g R^%g", minutes, zr.a, zr.b);
      append_note(out, s);
    } else {
      snprintf(out->units, sizeof out->units, "mm/h");
      for (size_t i = 0; i < n; i++)
        v[i] = rn_zr_rate_to_dbz(zr, v[i]);
      char s[128];
      snprintf(s, sizeof s, "RATE converted with Z = %g R^%g", zr.a, zr.b);
      append_note(out, s);
    }
  }
  rn_frame_floor(&out->frame);
out:
  free(raw);
  rn_grid_free(&grid);
  if (d >= 0)
    H5Dclose(d);
  rn_h5_close(gw);
  rn_h5_close(gwh);
  rn_h5_close(g);
  rn_h5_close(w);
  rn_h5_close(wh);
  rn_h5_close(ds);
  return st;
}

/* ------------------------------------------------------------------ entry */

static int odim_probe(const char *path, const unsigned char *head, size_t n)
{
  char conv[64] = "";
  hid_t fid;
  int yes;
  if (!rn_h5_signature(head, n) || rn_h5_open(path, &fid))
    return 0;
  {
    hid_t root = H5Gopen2(fid, "/", H5P_DEFAULT);
    rn_h5_attr_string(root, "Conventions", conv, sizeof conv);
    rn_h5_close(root);
  }
  /* ODIM by its Conventions, or by the /what group every ODIM file has. */
  yes = strncmp(conv, "ODIM_H5", 7) == 0 || rn_h5_exists(fid, "what");
  H5Fclose(fid);
  rn_error_clear();
  return yes;
}

static enum rn_status odim_read(const char *path, const struct rn_ingest_options *opt,
                                struct rn_radar_data *out)
{
  struct odim o = {path, opt, -1, -1, -1, -1, ""};
  char conv[64] = "", date[32], time[32];
  enum rn_status st;
  hid_t root;

  if ((st = rn_h5_open(path, &o.fid)))
    return rn_error_prefix(st, "odim");
  root = H5Gopen2(o.fid, "/", H5P_DEFAULT);
  rn_h5_attr_string(root, "Conventions", conv, sizeof conv);
  rn_h5_close(root);
  o.what = rn_h5_group(o.fid, "what");
  o.where = rn_h5_group(o.fid, "where");
  o.how = rn_h5_group(o.fid, "how");
  if (o.what < 0) {
    st = fail(RN_EFORMAT, &o, "/what", "%s", "group missing (not an ODIM_H5 file?)");
    goto out;
  }
  if (rn_h5_attr_string(o.what, "object", o.object, sizeof o.object) != 1) {
    st = fail(RN_EFORMAT, &o, "/what", "'%s' missing", "object");
    goto out;
  }
  snprintf(out->format, sizeof out->format, "ODIM_H5");
  snprintf(out->object, sizeof out->object, "%s", o.object);
  rn_h5_attr_string(o.what, "version", out->version, sizeof out->version);
  if (rn_h5_attr_string(o.what, "date", date, sizeof date) != 1 ||
      rn_h5_attr_string(o.what, "time", time, sizeof time) != 1) {
    st = fail(RN_EFORMAT, &o, "/what", "'%s' missing", "date' or 'time");
    goto out;
  }
  rn_time t;
  if ((st = rn_time_from_date_time(date, time, &t))) {
    rn_error_prefix(st, "odim: %s: /what", path);
    goto out;
  }
  if (!strcmp(o.object, "PVOL") || !strcmp(o.object, "SCAN")) {
    struct rn_volume *vol = &out->vol;
    out->kind = RN_DATA_VOLUME;
    snprintf(vol->format, sizeof vol->format, "%s", conv[0] ? conv : "ODIM_H5");
    snprintf(vol->object, sizeof vol->object, "%s", o.object);
    rn_h5_attr_string(o.what, "source", vol->source, sizeof vol->source);
    vol->time = t;
    if (rn_h5_attr_double(o.where, "lat", &vol->lat) != 1 ||
        rn_h5_attr_double(o.where, "lon", &vol->lon) != 1) {
      st = fail(RN_EFORMAT, &o, "/where", "'%s' missing", "lat' or 'lon");
      goto out;
    }
    if (rn_h5_attr_double(o.where, "height", &vol->height) != 1)
      vol->height = 0;
    st = read_polar(&o, out);
  } else if (!strcmp(o.object, "COMP") || !strcmp(o.object, "IMAGE")) {
    out->kind = RN_DATA_GRID;
    st = read_grid(&o, out);
    if (!st) {
      out->frame.time = t;
      rn_h5_attr_string(o.what, "source", out->frame.source, sizeof out->frame.source);
    }
  } else {
    st = fail(RN_EUNSUPPORTED, &o, "/what",
              "object '%s' is not supported (PVOL, SCAN, COMP, IMAGE are)", o.object);
  }
out:
  rn_h5_close(o.what);
  rn_h5_close(o.where);
  rn_h5_close(o.how);
  H5Fclose(o.fid);
  return st;
}

const struct rn_reader rn_reader_odim = {"odim", odim_probe, odim_read};

/* Any other HDF5 file (probed after every HDF5-based format): say what it is not. */
static int hdf5_probe(const char *path, const unsigned char *head, size_t n)
{
  (void)path;
  return rn_h5_signature(head, n);
}

static enum rn_status hdf5_read(const char *path, const struct rn_ingest_options *opt,
                                struct rn_radar_data *out)
{
  hid_t fid;
  enum rn_status st = rn_h5_open(path, &fid);
  (void)opt;
  (void)out;
  if (st)
    return rn_error_prefix(st, "hdf5");
  H5Fclose(fid);
  return rn_error(RN_EFORMAT,
                  "hdf5: %s: /what group missing: an HDF5 file, but not ODIM_H5, KNMI or CfRadial",
                  path);
}

const struct rn_reader rn_reader_hdf5_other = {"hdf5", hdf5_probe, hdf5_read};
