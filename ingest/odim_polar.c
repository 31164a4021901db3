/* odim_polar.c - ODIM_H5 polar objects (PVOL, SCAN) into a struct rn_volume.
 *
 * Datasets are found by name and ordered by their number, then sweeps are
 * sorted by elevation: file order is not scan order (RMI writes the lowest
 * sweep first although it is scanned last). Moments are fetched from HDF5
 * first (HDF5 is not thread-safe), then decompressed and converted on the
 * OpenMP threads, one sweep per thread. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odim.h"
#include "reader.h"

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
  rn_odim_list_groups(ds, "data", &dn);
  for (int k = 0; k < dn.n && n < max; k++) {
    char name[32];
    snprintf(name, sizeof name, "data%d", dn.idx[k]);
    hid_t g = rn_h5_group(ds, name), w = rn_h5_group(g, "what");
    struct levels lv = {{w, parent->g[0], parent->g[1]}, 3};
    refs[n].data = dn.idx[k];
    if (rn_odim_find_string(&lv, "quantity", refs[n].quantity, sizeof refs[n].quantity) != 1)
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
  int sweep; /* index in vol->sweeps */
  char quantity[RN_QUANTITY_LEN];
  char obj[96];
  int bad;
};

struct jobs {
  struct job *v;
  int n, cap;
};

static enum rn_status read_moment(const struct odim *o, hid_t ds, const char *dsname, int data,
                                  const struct levels *parent, struct rn_sweep *sw, int sweep,
                                  const char *quantity, struct jobs *jobs)
{
  char obj[96], name[32];
  struct scaling sc;
  struct rn_h5_block b = {0};
  enum rn_status st;
  hid_t g, w, d;

  snprintf(name, sizeof name, "data%d", data);
  snprintf(obj, sizeof obj, "/%s/%s", dsname, name);
  g = rn_h5_group(ds, name);
  w = rn_h5_group(g, "what");
  struct levels lv = {{w, parent->g[0], parent->g[1]}, 3};
  st = rn_odim_read_scaling(o, obj, &lv, &sc);
  if (st)
    goto out;
  if (!rn_h5_exists(g, "data")) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "'%s' dataset missing", "data");
    goto out;
  }
  d = H5Dopen2(g, "data", H5P_DEFAULT);
  snprintf(obj, sizeof obj, "/%s/%s/data", dsname, name);
  st = d < 0 ? rn_odim_fail(RN_EFORMAT, o, obj, "%s", "cannot open")
             : rn_h5_fetch_2d(d, o->path, obj, &b);
  if (d >= 0)
    H5Dclose(d);
  if (st) {
    rn_error_prefix(st, "odim");
    goto out;
  }
  if (b.rows == 0) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "%s", "zero rays");
    goto out;
  }
  if (b.cols == 0) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "%s", "zero gates");
    goto out;
  }
  if (sw->nrays == 0) {
    st = rn_sweep_alloc(sw, (int)b.rows, (int)b.cols);
    if (st)
      goto out;
  } else if ((size_t)sw->nrays != b.rows || (size_t)sw->ngates != b.cols) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "%zu x %zu values, other moments have %d x %d", b.rows,
                      b.cols, sw->nrays, sw->ngates);
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
  struct job *j = &jobs->v[jobs->n++];
  j->block = b;
  j->sc = sc;
  j->sweep = sweep;
  j->bad = 0;
  snprintf(j->quantity, sizeof j->quantity, "%s", quantity);
  snprintf(j->obj, sizeof j->obj, "%s", obj);
  memset(&b, 0, sizeof b); /* the job owns it now */
out:
  rn_h5_block_free(&b);
  rn_h5_close(w);
  rn_h5_close(g);
  return st;
}

/* Add, decompress and convert every fetched moment: one sweep per thread
 * (a sweep's moment list is not shared), no HDF5 calls. */
static enum rn_status run_jobs(const struct odim *o, struct rn_volume *vol, struct jobs *jobs)
{
  int nomem = 0;
#pragma omp parallel for schedule(dynamic, 1)
  for (int s = 0; s < vol->nsweeps; s++) {
    for (int i = 0; i < jobs->n; i++) {
      struct job *j = &jobs->v[i];
      struct rn_moment *m;
      if (j->sweep != s)
        continue;
      if (rn_sweep_add_moment(&vol->sweeps[s], j->quantity, &m)) {
#pragma omp atomic write
        nomem = 1;
        break;
      }
      if (rn_h5_decode_2d(&j->block) != 0) {
        j->bad = 1;
        continue;
      }
      rn_odim_convert(j->block.type, j->block.values, j->block.rows * j->block.cols, &j->sc,
                      RN_UNDETECT, m->data);
      rn_h5_block_free(&j->block);
    }
  }
  if (nomem)
    return rn_error(RN_ENOMEM, "odim: %s: out of memory for the moments", o->path);
  for (int i = 0; i < jobs->n; i++)
    if (jobs->v[i].bad)
      return rn_odim_fail(RN_EFORMAT, o, jobs->v[i].obj, "%s",
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
  if (rn_odim_find_double(how, "astart", &astart) != 1)
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
  if (rn_odim_find_string(what, "startdate", d, sizeof d) == 1 &&
      rn_odim_find_string(what, "starttime", t, sizeof t) == 1 && !rn_time_from_date_time(d, t, &v))
    sw->start_time = v;
  if (rn_odim_find_string(what, "enddate", d, sizeof d) == 1 &&
      rn_odim_find_string(what, "endtime", t, sizeof t) == 1 && !rn_time_from_date_time(d, t, &v))
    sw->end_time = v;
  rn_error_clear();
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

enum rn_status rn_odim_read_polar(struct odim *o, struct rn_radar_data *out)
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

  rn_odim_list_groups(o->fid, "dataset", &dsn);
  if (dsn.n == 0)
    return rn_odim_fail(RN_EFORMAT, o, NULL, "%s", "no /dataset groups (zero sweeps)");
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
    st = rn_odim_choose_quantity(o, have, nhave, prefer, q);
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

    if (rn_odim_find_string(&what, "product", product, sizeof product) == 1 && product[0] &&
        strcmp(product, "SCAN") != 0) {
      skipped++; /* RHI, profiles ... are not sweeps */
      goto next;
    }
    if (rn_odim_find_double(&where, "elangle", &elangle) != 1) {
      st = rn_odim_fail(RN_EFORMAT, o, obj, "'%s' missing", "where/elangle");
      goto next;
    }
    if (rn_odim_find_double(&where, "rscale", &rscale) != 1 || !(rscale > 0)) {
      st = rn_odim_fail(RN_EFORMAT, o, obj, "'%s' missing or not positive", "where/rscale");
      goto next;
    }
    rn_odim_find_double(&where, "rstart", &rstart);
    int has_q = 0;
    for (int k = 0; k < nref[i] && !st; k++) {
      const struct moment_ref *m = &refs[r0 + k];
      int dup = 0;
      if (q[0] && !o->opt->all_quantities && strcmp(m->quantity, q) != 0)
        continue;
      for (int jb = jobs_before; jb < jobs.n; jb++)
        dup |= strcmp(jobs.v[jb].quantity, m->quantity) == 0;
      if (dup)
        continue; /* the same quantity twice: the first one counts */
      st = read_moment(o, ds, name, m->data, &what, sw, vol->nsweeps, m->quantity, &jobs);
      any = 1;
      has_q |= q[0] && strcmp(m->quantity, q) == 0;
    }
    if (st)
      goto next;
    if (!any || (q[0] && !has_q)) {
      while (jobs.n > jobs_before) /* their moments go with the sweep */
        rn_h5_block_free(&jobs.v[--jobs.n].block);
      rn_sweep_free(sw);
      skipped++;
      goto next;
    }
    {
      double nrays = 0, nbins = 0;
      if (rn_odim_find_double(&where, "nrays", &nrays) != 1)
        nrays = 0;
      if (rn_odim_find_double(&where, "nbins", &nbins) != 1)
        nbins = 0;
      if ((nrays && nrays != sw->nrays) || (nbins && nbins != sw->ngates)) {
        char msg[128];
        snprintf(msg, sizeof msg, "where says %.0f rays x %.0f bins, the data have %d x %d", nrays,
                 nbins, sw->nrays, sw->ngates);
        st = rn_odim_fail(RN_EFORMAT, o, obj, "%s", msg);
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
    st = rn_odim_fail(RN_EFORMAT, o, NULL, "no sweep holds %s", q[0] ? q : "any data");
    goto out;
  }
  if ((st = run_jobs(o, vol, &jobs)))
    goto out;
  if (skipped) {
    char s[96];
    snprintf(s, sizeof s, "%d dataset(s) without %s skipped", skipped, q[0] ? q : "sweep data");
    rn_odim_note(out, s);
  }
  for (int s = 1; s < vol->nsweeps; s++)
    if (vol->sweeps[s].elevation < vol->sweeps[s - 1].elevation) {
      rn_odim_note(out, "sweeps reordered by elevation");
      break;
    }
  rn_volume_sort_sweeps(vol);
out:
  free_jobs(&jobs);
  free(refs);
  free(nref);
  return st;
}
