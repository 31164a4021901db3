/* verify_obs.c - the inputs of radnow verify: file lists and observations. */
#include <radnow/ingest.h>
#include <radnow/log.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "verify_obs.h"

/* ---- lists of paths ------------------------------------------------------ */

enum rn_status vpaths_add(struct paths *p, const char *s)
{
  if (p->n == p->cap) {
    int cap = p->cap ? 2 * p->cap : 64;
    char **v = realloc(p->v, (size_t)cap * sizeof *v);
    if (!v)
      return rn_error(RN_ENOMEM, "verify: out of memory");
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n] = rn_strdup(s);
  return p->v[p->n++] ? RN_OK : RN_ENOMEM;
}

void vpaths_free(struct paths *p)
{
  for (int i = 0; i < p->n; i++)
    free(p->v[i]);
  free(p->v);
  memset(p, 0, sizeof *p);
}

int vcmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int vhas_suffix(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Regular files of a folder, recursively (hidden names skipped), or the
 * file itself; with suffix, only names ending in it. */
enum rn_status vpaths_expand(const char *path, const char *suffix, struct paths *out, int depth)
{
  struct stat sb;
  DIR *d;
  struct dirent *e;
  struct paths sub = {0};
  enum rn_status st = RN_OK;
  if (stat(path, &sb) != 0)
    return rn_error(RN_ENOTFOUND, "verify: %s: no such file or folder", path);
  if (!S_ISDIR(sb.st_mode))
    return vpaths_add(out, path);
  if (depth > 8)
    return RN_OK;
  d = opendir(path);
  if (!d)
    return rn_error(RN_EIO, "verify: %s: cannot open the folder", path);
  while ((e = readdir(d)) && !st) {
    char full[4096];
    if (e->d_name[0] == '.')
      continue;
    snprintf(full, sizeof full, "%s/%s", path, e->d_name);
    st = vpaths_add(&sub, full);
  }
  closedir(d);
  if (!st)
    qsort(sub.v, (size_t)sub.n, sizeof *sub.v, vcmp_str);
  for (int i = 0; i < sub.n && !st; i++) {
    if (stat(sub.v[i], &sb) != 0)
      continue;
    if (S_ISDIR(sb.st_mode))
      st = vpaths_expand(sub.v[i], suffix, out, depth + 1);
    else if (!suffix || vhas_suffix(sub.v[i], suffix))
      st = vpaths_add(out, sub.v[i]);
  }
  vpaths_free(&sub);
  return st;
}

/* ---- observations: a time index and a small cache ------------------------ */

/* Is path a frame file? Its time then, or else the time of the raw file. */
static enum rn_status obs_probe(struct obs_set *o, const char *path, rn_time *t, int *raw)
{
  struct rn_frame f;
  struct rn_ingest_options opt;
  struct rn_radar_data d;
  char first[512];
  enum rn_status st = rn_frame_read(&f, path);
  if (st == RN_OK) {
    *t = f.time;
    *raw = 0;
    rn_frame_free(&f);
    return RN_OK;
  }
  if (st != RN_EFORMAT)
    return st;
  snprintf(first, sizeof first, "%s", rn_errmsg());
  rn_ingest_options_init(&opt);
  opt.quantity = o->gopt.quantity[0] ? o->gopt.quantity : NULL;
  opt.encoding = o->gopt.encoding[0] ? o->gopt.encoding : NULL;
  st = rn_ingest_read(path, &opt, &d);
  if (st) /* neither: for a .nc the frame reader's message says more */
    return vhas_suffix(path, ".nc") ? rn_error(RN_EFORMAT, "%s", first) : st;
  *t = d.kind == RN_DATA_VOLUME ? d.vol.time : d.frame.time;
  *raw = 1;
  rn_radar_data_free(&d);
  return RN_OK;
}

static int cmp_obs(const void *a, const void *b)
{
  const struct obs_entry *x = a, *y = b;
  if (x->time != y->time)
    return (x->time > y->time) - (x->time < y->time);
  return (x->order > y->order) - (x->order < y->order);
}

enum rn_status vobs_index(struct obs_set *o)
{
  o->e = calloc((size_t)(o->files.n ? o->files.n : 1), sizeof *o->e);
  if (!o->e)
    return rn_error(RN_ENOMEM, "verify: out of memory");
  for (int i = 0; i < o->files.n; i++) {
    rn_time t, named;
    int raw;
    enum rn_status st;
    /* files named with their time are not opened until needed (a radar
     * file's own time may carry the seconds of its scan: the tolerance
     * covers them) */
    if (rn_time_from_filename(o->files.v[i], &named) == 0) {
      t = named;
      raw = -1; /* decided when read */
    } else {
      st = obs_probe(o, o->files.v[i], &t, &raw);
      if (st)
        return st;
    }
    o->e[o->n].time = t;
    o->e[o->n].order = i;
    o->e[o->n].raw = raw;
    o->e[o->n].path = o->files.v[i];
    o->n++;
  }
  qsort(o->e, (size_t)o->n, sizeof *o->e, cmp_obs);
  return RN_OK;
}

/* The entries of the observation time nearest to t within the tolerance:
 * *first and *count (0 when none). */
static void obs_find(const struct obs_set *o, rn_time t, int *first, int *count)
{
  int lo = 0, hi = o->n, best = -1;
  rn_time bt = 0;
  while (lo < hi) { /* first entry with time >= t - tolerance */
    int mid = (lo + hi) / 2;
    if (o->e[mid].time < t - o->tolerance)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (int i = lo; i < o->n && o->e[i].time <= t + o->tolerance; i++) {
    rn_time d = o->e[i].time > t ? o->e[i].time - t : t - o->e[i].time;
    if (best < 0 || d < (bt > t ? bt - t : t - bt)) {
      best = i;
      bt = o->e[i].time;
    }
  }
  *first = best < 0 ? 0 : best;
  *count = 0;
  while (best >= 0 && best + *count < o->n && o->e[best + *count].time == bt)
    (*count)++;
}

/* Raw files of one time onto grid g: read, grid or resample, composite. */
static enum rn_status obs_grid_raw(struct obs_set *o, struct obs_entry *e, int n,
                                   const struct rn_grid *g, struct rn_frame *out)
{
  struct rn_gridding_options opt = o->gopt;
  struct rn_ingest_options io;
  struct rn_radar_data *d = calloc((size_t)n, sizeof *d);
  int nread = 0;
  enum rn_status st = RN_OK;
  if (!d)
    return rn_error(RN_ENOMEM, "verify: out of memory");
  if (fabs(g->dx - g->dy) > 1e-9 * g->dx) {
    free(d);
    return rn_error(RN_EUNSUPPORTED, "verify: %s: the forecast grid has pixels of %g x %g; "
                    "raw observations are gridded onto square pixels only", e->path, g->dx, g->dy);
  }
  /* the target is the forecast grid */
  snprintf(opt.crs, sizeof opt.crs, "%s", g->crs_wkt);
  opt.res = g->dx;
  opt.have_extent = 1;
  opt.extent[0] = g->xmin;
  opt.extent[1] = g->ymax - g->ny * g->dy;
  opt.extent[2] = g->xmin + g->nx * g->dx;
  opt.extent[3] = g->ymax;
  opt.grid_set = 1;
  rn_ingest_options_init(&io);
  io.quantity = opt.quantity[0] ? opt.quantity : NULL;
  io.encoding = opt.encoding[0] ? opt.encoding : NULL;
  for (int i = 0; i < n && !st; i++) {
    if (e[i].raw == 0)
      continue; /* a frame file of the same time: the first one is used above */
    st = rn_ingest_read(e[i].path, &io, &d[nread]);
    if (!st)
      nread++;
  }
  if (!st)
    st = rn_gridding_run_data(&opt, d, nread, o->luts, out);
  if (!st && !rn_grid_same(&out->grid, g)) {
    rn_frame_free(out);
    st = rn_error(RN_EINTERNAL, "verify: %s: gridded onto %d x %d, not the forecast grid %d x %d",
                  e->path, out->grid.nx, out->grid.ny, g->nx, g->ny);
  }
  if (!st)
    out->time = e->time; /* the composite takes the latest time; the nominal one counts */
  for (int i = 0; i < nread; i++)
    rn_radar_data_free(&d[i]);
  free(d);
  return st;
}

/* The observation at time t on grid g: *f NULL when there is none. */
enum rn_status vobs_get(struct obs_set *o, rn_time t, const struct rn_grid *g,
                              const char *fc_path, const struct rn_frame **f)
{
  int first, count, slot = -1;
  struct obs_entry *e;
  struct rn_frame fr;
  char iso[32], iso2[32];
  enum rn_status st;
  *f = NULL;
  obs_find(o, t, &first, &count);
  if (count == 0)
    return RN_OK;
  e = &o->e[first];
  t = e->time; /* the observation's own time */
  for (int i = 0; i < o->ncache; i++)
    if (o->cache[i].time == t && (e->raw != 1 || rn_grid_same(&o->cache[i].frame.grid, g)))
      slot = i;
  if (slot < 0) {
    memset(&fr, 0, sizeof fr);
    st = e->raw == 1 ? RN_EFORMAT : rn_frame_read(&fr, e->path);
    if (st == RN_OK) {
      e->raw = 0;
      /* names carry minutes, files may carry seconds */
      if (fr.time < t || fr.time - t > 59) {
        rn_time inside = fr.time;
        rn_frame_free(&fr);
        return rn_error(RN_EFORMAT, "verify: %s: the time in the file (%s) differs from the "
                        "one in its name (%s)", e->path, rn_time_iso(inside, iso),
                        rn_time_iso(t, iso2));
      }
      for (int i = 1; i < count; i++)
        if (o->e[first + i].raw != 1)
          rn_log_warn("verify: %s and %s are both observations of %s; using the first", e->path,
                      o->e[first + i].path, rn_time_iso(t, iso));
    } else if (st == RN_EFORMAT) {
      /* not a frame file: a raw radar file, gridded with the others of its time */
      int raw = 0;
      rn_time rt;
      for (int i = 0; i < count && !raw; i++)
        raw = o->e[first + i].raw == 1;
      if (!raw) {
        st = obs_probe(o, e->path, &rt, &raw); /* a .nc that is not a frame */
        if (st)
          return st;
        e->raw = 1;
      }
      st = obs_grid_raw(o, e, count, g, &fr);
      if (st)
        return st;
    } else {
      return st;
    }
    if (o->ncache < OBS_CACHE) {
      slot = o->ncache++;
    } else {
      slot = 0;
      for (int i = 1; i < o->ncache; i++)
        if (o->cache[i].used < o->cache[slot].used)
          slot = i;
      rn_frame_free(&o->cache[slot].frame);
    }
    o->cache[slot].frame = fr;
    o->cache[slot].time = t;
    rn_frame_floor(&o->cache[slot].frame);
  }
  o->cache[slot].used = ++o->tick;
  if (!rn_grid_same(&o->cache[slot].frame.grid, g)) {
    const struct rn_grid *a = &o->cache[slot].frame.grid;
    int same_geometry = a->nx == g->nx && a->ny == g->ny && fabs(a->dx - g->dx) < 1e-9 &&
                        fabs(a->dy - g->dy) < 1e-9 && fabs(a->xmin - g->xmin) < 1e-6 &&
                        fabs(a->ymax - g->ymax) < 1e-6;
    return rn_error(RN_EFORMAT,
                    "verify: %s: grid %d x %d of %g x %g at (%.1f, %.1f) differs from the grid "
                    "of forecast %s: %d x %d of %g x %g at (%.1f, %.1f)%s",
                    e->path, a->nx, a->ny, a->dx, a->dy, a->xmin, a->ymax, fc_path, g->nx, g->ny,
                    g->dx, g->dy, g->xmin, g->ymax, same_geometry ? " in another CRS" : "");
  }
  *f = &o->cache[slot].frame;
  return RN_OK;
}

void vobs_free(struct obs_set *o)
{
  for (int i = 0; i < o->ncache; i++)
    rn_frame_free(&o->cache[i].frame);
  free(o->e);
  vpaths_free(&o->files);
  rn_lut_cache_free(o->luts);
}

