/* cmd_verify.c - radnow verify: score forecasts against observations over a
 * period and write scores.csv, scores.json and report.html.
 *
 * Forecasts come as
 *   --forecast FILE_OR_DIR...     CF forecast files (forecast.h), one per cycle
 *                                 and predictor; folders are searched for *.nc
 *   --forecast-frames NAME@REFTIME=DIR
 *                                 frame files (frame.h) of one cycle of predictor
 *                                 NAME issued at REFTIME; each frame's own time
 *                                 is its valid time, lead = time - REFTIME
 *   --forecast-frames NAME=DIR    the same for every cycle below DIR: each
 *                                 sub-folder whose name carries a YYYYmmddHHMM
 *                                 stamp is the cycle issued at that time
 *   --persistence                 also score persistence: the observation at
 *                                 each reference time, for every (reference
 *                                 time, lead) the other forecasts have
 * Observations (--obs FILE_OR_DIR...) are frame files, or gridded files any
 * reader understands, on the forecast grid. A forecast whose valid time has
 * no observation is counted as missing and listed in the report. */
#include <radnow/config.h>
#include <radnow/forecast.h>
#include <radnow/ingest.h>
#include <radnow/log.h>
#include <radnow/utctime.h>
#include <radnow/verify.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow verify [-c CONF] --forecast FILE_OR_DIR... --obs FILE_OR_DIR...\n"
          "                     [--forecast-frames NAME[@YYYYmmddHHMM]=DIR]... [--persistence]\n"
          "                     [--thresholds 30,40,50] [--scales 1,3,9,27] [--out DIR]\n"
          "                     [--title TEXT] [--no-ssim]\n"
          "\n"
          "Scores forecasts against observations at their valid times: contingency scores\n"
          "(POD, FAR, CSI, bias, ETS, HSS) per lead and pooled, FSS, MAE/RMSE, MSE/SSIM/PSNR\n"
          "on the papers' [0,1] scale, and ensemble scores. Writes DIR/scores.csv,\n"
          "DIR/scores.json and DIR/report.html (default DIR: verification).\n"
          "Configuration section [verify]: thresholds, scales, out, title, ssim.\n");
}

/* ---- lists of paths ------------------------------------------------------ */

struct paths {
  char **v;
  int n, cap;
};

static enum rn_status paths_add(struct paths *p, const char *s)
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

static void paths_free(struct paths *p)
{
  for (int i = 0; i < p->n; i++)
    free(p->v[i]);
  free(p->v);
  memset(p, 0, sizeof *p);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Regular files of a folder, recursively (hidden names skipped), or the
 * file itself; with suffix, only names ending in it. */
static enum rn_status expand(const char *path, const char *suffix, struct paths *out, int depth)
{
  struct stat sb;
  DIR *d;
  struct dirent *e;
  struct paths sub = {0};
  enum rn_status st = RN_OK;
  if (stat(path, &sb) != 0)
    return rn_error(RN_ENOTFOUND, "verify: %s: no such file or folder", path);
  if (!S_ISDIR(sb.st_mode))
    return paths_add(out, path);
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
    st = paths_add(&sub, full);
  }
  closedir(d);
  if (!st)
    qsort(sub.v, (size_t)sub.n, sizeof *sub.v, cmp_str);
  for (int i = 0; i < sub.n && !st; i++) {
    if (stat(sub.v[i], &sb) != 0)
      continue;
    if (S_ISDIR(sb.st_mode))
      st = expand(sub.v[i], suffix, out, depth + 1);
    else if (!suffix || has_suffix(sub.v[i], suffix))
      st = paths_add(out, sub.v[i]);
  }
  paths_free(&sub);
  return st;
}

/* ---- observations: a time index and a small cache ------------------------ */

struct obs_entry {
  rn_time time;
  int order; /* position on the command line: the first of equal times wins */
  const char *path;
};

struct obs_set {
  struct paths files;
  struct obs_entry *e;
  int n;
  struct {
    rn_time time;
    struct rn_frame frame;
    unsigned long used;
  } cache[48];
  int ncache;
  unsigned long tick;
};

/* A gridded observation from a frame file or any gridded format the readers know. */
static enum rn_status load_obs_file(const char *path, struct rn_frame *f)
{
  struct rn_ingest_options opt;
  struct rn_radar_data d;
  enum rn_status st = rn_frame_read(f, path);
  char first[512];
  if (st != RN_EFORMAT)
    return st;
  snprintf(first, sizeof first, "%s", rn_errmsg());
  rn_ingest_options_init(&opt);
  st = rn_ingest_read(path, &opt, &d);
  if (st) /* neither: the frame reader's message says more about a .nc */
    return has_suffix(path, ".nc") ? rn_error(RN_EFORMAT, "%s", first) : st;
  if (d.kind != RN_DATA_GRID) {
    rn_radar_data_free(&d);
    return rn_error(RN_EUNSUPPORTED,
                    "verify: %s: a polar %s volume; observations must be gridded frames "
                    "(grid the volumes first)",
                    path, d.format);
  }
  *f = d.frame;
  memset(&d.frame, 0, sizeof d.frame);
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

static enum rn_status obs_index(struct obs_set *o)
{
  o->e = calloc((size_t)(o->files.n ? o->files.n : 1), sizeof *o->e);
  if (!o->e)
    return rn_error(RN_ENOMEM, "verify: out of memory");
  for (int i = 0; i < o->files.n; i++) {
    rn_time t;
    if (rn_time_from_filename(o->files.v[i], &t) != 0) {
      /* no time stamp in the name: read the file for its time */
      struct rn_frame f;
      enum rn_status st = load_obs_file(o->files.v[i], &f);
      if (st)
        return st;
      t = f.time;
      rn_frame_free(&f);
    }
    o->e[o->n].time = t;
    o->e[o->n].order = i;
    o->e[o->n].path = o->files.v[i];
    o->n++;
  }
  qsort(o->e, (size_t)o->n, sizeof *o->e, cmp_obs);
  for (int i = 1; i < o->n; i++)
    if (o->e[i].time == o->e[i - 1].time) {
      char iso[32];
      rn_log_warn("verify: %s and %s are both observations of %s; using the first",
                  o->e[i - 1].path, o->e[i].path, rn_time_iso(o->e[i].time, iso));
    }
  return RN_OK;
}

static const struct obs_entry *obs_find(const struct obs_set *o, rn_time t)
{
  int lo = 0, hi = o->n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (o->e[mid].time < t)
      lo = mid + 1;
    else if (o->e[mid].time > t || (mid > 0 && o->e[mid - 1].time == t))
      hi = mid - 1;
    else
      return &o->e[mid];
  }
  return NULL;
}

/* The observation at time t on grid g: *f NULL when there is none. */
static enum rn_status obs_get(struct obs_set *o, rn_time t, const struct rn_grid *g,
                              const char *fc_path, const struct rn_frame **f)
{
  const struct obs_entry *e = obs_find(o, t);
  int slot = -1;
  char iso[32], iso2[32];
  enum rn_status st;
  *f = NULL;
  if (!e)
    return RN_OK;
  for (int i = 0; i < o->ncache; i++)
    if (o->cache[i].time == t)
      slot = i;
  if (slot < 0) {
    if (o->ncache < (int)(sizeof o->cache / sizeof o->cache[0])) {
      slot = o->ncache++;
    } else {
      slot = 0;
      for (int i = 1; i < o->ncache; i++)
        if (o->cache[i].used < o->cache[slot].used)
          slot = i;
      rn_frame_free(&o->cache[slot].frame);
    }
    st = load_obs_file(e->path, &o->cache[slot].frame);
    if (st) {
      o->cache[slot] = o->cache[--o->ncache];
      return st;
    }
    if (o->cache[slot].frame.time != t) {
      rn_time inside = o->cache[slot].frame.time;
      rn_frame_free(&o->cache[slot].frame);
      o->cache[slot] = o->cache[--o->ncache];
      return rn_error(RN_EFORMAT, "verify: %s: the time in the file (%s) differs from the one "
                      "in its name (%s)", e->path, rn_time_iso(inside, iso), rn_time_iso(t, iso2));
    }
    rn_frame_floor(&o->cache[slot].frame);
    o->cache[slot].time = t;
  }
  o->cache[slot].used = ++o->tick;
  if (!rn_grid_same(&o->cache[slot].frame.grid, g)) {
    const struct rn_grid *a = &o->cache[slot].frame.grid;
    return rn_error(RN_EFORMAT,
                    "verify: %s: grid %d x %d of %g x %g at (%.1f, %.1f) differs from the grid "
                    "of forecast %s: %d x %d of %g x %g at (%.1f, %.1f)%s",
                    e->path, a->nx, a->ny, a->dx, a->dy, a->xmin, a->ymax, fc_path, g->nx, g->ny,
                    g->dx, g->dy, g->xmin, g->ymax,
                    a->nx == g->nx && a->ny == g->ny && a->dx == g->dx ? " (or another CRS)" : "");
  }
  *f = &o->cache[slot].frame;
  return RN_OK;
}

static void obs_free(struct obs_set *o)
{
  for (int i = 0; i < o->ncache; i++)
    rn_frame_free(&o->cache[i].frame);
  free(o->e);
  paths_free(&o->files);
}

/* ---- forecasts ----------------------------------------------------------- */

enum source_kind { SRC_CF, SRC_FRAMES };

struct source {
  enum source_kind kind;
  char name[64];       /* SRC_FRAMES: predictor */
  rn_time reference;   /* SRC_FRAMES */
  struct paths files;  /* SRC_CF: one; SRC_FRAMES: the frames of the cycle */
};

struct sources {
  struct source *v;
  int n, cap;
};

static struct source *source_new(struct sources *s, enum source_kind kind)
{
  if (s->n == s->cap) {
    int cap = s->cap ? 2 * s->cap : 32;
    struct source *v = realloc(s->v, (size_t)cap * sizeof *v);
    if (!v) {
      rn_error(RN_ENOMEM, "verify: out of memory");
      return NULL;
    }
    s->v = v;
    s->cap = cap;
  }
  memset(&s->v[s->n], 0, sizeof s->v[s->n]);
  s->v[s->n].kind = kind;
  return &s->v[s->n++];
}

static void sources_free(struct sources *s)
{
  for (int i = 0; i < s->n; i++)
    paths_free(&s->v[i].files);
  free(s->v);
}

/* NAME@REFTIME=DIR or NAME=DIR (cycles in time-stamped sub-folders). */
static enum rn_status add_frame_sources(struct sources *s, const char *spec)
{
  const char *eq = strchr(spec, '='), *at = strchr(spec, '@');
  char name[64], stamp[64];
  rn_time ref;
  struct stat sb;
  enum rn_status st;
  if (!eq || eq == spec || (at && at > eq) || (size_t)((at ? at : eq) - spec) >= sizeof name)
    return rn_error(RN_EUSAGE, "--forecast-frames '%s': want NAME@YYYYmmddHHMM=DIR or NAME=DIR",
                    spec);
  snprintf(name, sizeof name, "%.*s", (int)((at ? at : eq) - spec), spec);
  if (stat(eq + 1, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return rn_error(RN_ENOTFOUND, "--forecast-frames: %s: no such folder", eq + 1);
  if (at) {
    struct source *src;
    snprintf(stamp, sizeof stamp, "%.*s", (int)(eq - at - 1), at + 1);
    if (rn_time_parse(stamp, &ref) != RN_OK)
      return rn_error(RN_EUSAGE, "--forecast-frames '%s': '%s' is not a time (YYYYmmddHHMM)",
                      spec, stamp);
    if (!(src = source_new(s, SRC_FRAMES)))
      return RN_ENOMEM;
    snprintf(src->name, sizeof src->name, "%s", name);
    src->reference = ref;
    return expand(eq + 1, ".nc", &src->files, 0);
  }
  {
    struct paths subs = {0};
    int cycles = 0;
    DIR *d = opendir(eq + 1);
    struct dirent *e;
    if (!d)
      return rn_error(RN_EIO, "--forecast-frames: %s: cannot open the folder", eq + 1);
    st = RN_OK;
    while ((e = readdir(d)) && !st) {
      char full[4096];
      if (e->d_name[0] == '.')
        continue;
      snprintf(full, sizeof full, "%s/%s", eq + 1, e->d_name);
      if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode) && rn_time_from_filename(e->d_name, &ref) == 0)
        st = paths_add(&subs, full);
    }
    closedir(d);
    if (!st)
      qsort(subs.v, (size_t)subs.n, sizeof *subs.v, cmp_str);
    for (int i = 0; i < subs.n && !st; i++) {
      struct source *src = source_new(s, SRC_FRAMES);
      if (!src) {
        st = RN_ENOMEM;
        break;
      }
      snprintf(src->name, sizeof src->name, "%s", name);
      rn_time_from_filename(subs.v[i], &src->reference);
      st = expand(subs.v[i], ".nc", &src->files, 0);
      cycles++;
    }
    paths_free(&subs);
    if (!st && cycles == 0)
      st = rn_error(RN_ENOTFOUND, "--forecast-frames: %s: no sub-folders named with a "
                    "YYYYmmddHHMM reference time", eq + 1);
    return st;
  }
}

/* Load a source as a forecast structure. */
static enum rn_status load_source(const struct source *src, struct rn_forecast *fc)
{
  struct rn_frame f;
  enum rn_status st;
  if (src->kind == SRC_CF) {
    st = rn_forecast_read(fc, src->files.v[0]);
    if (!st && !fc->predictor[0]) {
      rn_log_warn("verify: %s: no 'predictor' attribute; scored as 'unknown'", src->files.v[0]);
      snprintf(fc->predictor, sizeof fc->predictor, "unknown");
    }
    return st;
  }
  if (src->files.n == 0)
    return rn_error(RN_ENOTFOUND, "verify: %s: no frame files (*.nc) in the cycle of %s", src->name,
                    "its folder");
  memset(fc, 0, sizeof *fc);
  for (int l = 0; l < src->files.n; l++) {
    st = rn_frame_read(&f, src->files.v[l]);
    if (st)
      goto fail;
    if (l == 0) {
      st = rn_forecast_alloc(fc, &f.grid, src->files.n, 1, 0);
      if (st) {
        rn_frame_free(&f);
        return st;
      }
      snprintf(fc->predictor, sizeof fc->predictor, "%s", src->name);
      fc->reference_time = src->reference;
    } else if (!rn_grid_same(&f.grid, &fc->grid)) {
      st = rn_error(RN_EFORMAT, "verify: %s: grid differs from %s of the same cycle",
                    src->files.v[l], src->files.v[0]);
      rn_frame_free(&f);
      goto fail;
    }
    if (f.time < src->reference) {
      char a[32], b[32];
      st = rn_error(RN_EFORMAT, "verify: %s: valid time %s is before the reference time %s",
                    src->files.v[l], rn_time_iso(f.time, a), rn_time_iso(src->reference, b));
      rn_frame_free(&f);
      goto fail;
    }
    fc->lead_seconds[l] = (int)(f.time - src->reference);
    memcpy(rn_forecast_field(fc, 0, l), f.dbz,
           (size_t)f.grid.nx * (size_t)f.grid.ny * sizeof(float));
    rn_frame_free(&f);
  }
  return RN_OK;
fail:
  rn_forecast_free(fc);
  return st;
}

/* ---- progress ------------------------------------------------------------ */

struct progress {
  int tty;
  double start, last;
};

static void progress(struct progress *p, long done, long total, int final)
{
  double now = rn_clock();
  if (!p->tty || (!final && now - p->last < 0.5))
    return;
  p->last = now;
  if (done > 0 && total > done) {
    double eta = (now - p->start) / (double)done * (double)(total - done);
    fprintf(stderr, "\rverify: %ld/%ld cases, %.0f s left   ", done, total, eta);
  } else {
    fprintf(stderr, "\rverify: %ld/%ld cases, %.1f s        ", done, total, now - p->start);
  }
  if (final)
    fputc('\n', stderr);
  fflush(stderr);
}

/* ---- the command --------------------------------------------------------- */

struct done_pair {
  rn_time reference;
  int lead;
};

struct run {
  struct rn_verify *v;
  struct obs_set obs;
  struct sources src;
  int persistence;
  struct done_pair *pairs;
  int npairs, cap;
  long scored, missing;
};

static int pair_seen(struct run *r, rn_time ref, int lead)
{
  for (int i = 0; i < r->npairs; i++)
    if (r->pairs[i].reference == ref && r->pairs[i].lead == lead)
      return 1;
  if (r->npairs == r->cap) {
    int cap = r->cap ? 2 * r->cap : 256;
    struct done_pair *p = realloc(r->pairs, (size_t)cap * sizeof *p);
    if (!p)
      return 1;
    r->pairs = p;
    r->cap = cap;
  }
  r->pairs[r->npairs].reference = ref;
  r->pairs[r->npairs++].lead = lead;
  return 0;
}

static enum rn_status score_forecast(struct run *r, const struct rn_forecast *fc, const char *path)
{
  const float *members[RN_VERIFY_MAX_MEMBERS];
  const struct rn_frame *o;
  enum rn_status st;
  if (fc->nmembers > RN_VERIFY_MAX_MEMBERS)
    return rn_error(RN_EUNSUPPORTED, "verify: %s: %d members, at most %d", path, fc->nmembers,
                    RN_VERIFY_MAX_MEMBERS);
  for (int l = 0; l < fc->nleads; l++) {
    rn_time valid = fc->reference_time + fc->lead_seconds[l];
    st = obs_get(&r->obs, valid, &fc->grid, path, &o);
    if (st)
      return st;
    if (!o) {
      st = rn_verify_add_missing(r->v, fc->predictor, fc->lead_seconds[l], valid);
      r->missing++;
    } else {
      for (int m = 0; m < fc->nmembers; m++)
        members[m] = rn_forecast_field(fc, m, l);
      st = rn_verify_add(r->v, fc->predictor, fc->lead_seconds[l], members, fc->nmembers, o->dbz,
                         fc->grid.nx, fc->grid.ny);
      r->scored++;
    }
    if (st)
      return st;
    if (r->persistence && !pair_seen(r, fc->reference_time, fc->lead_seconds[l])) {
      const struct rn_frame *p;
      st = obs_get(&r->obs, fc->reference_time, &fc->grid, path, &p);
      if (!st && (!p || !o))
        st = rn_verify_add_missing(r->v, "persistence", fc->lead_seconds[l], valid);
      else if (!st)
        st = rn_verify_add(r->v, "persistence", fc->lead_seconds[l], (const float *const *)&p->dbz,
                           1, o->dbz, fc->grid.nx, fc->grid.ny);
      /* o may have been evicted by the lookup of p only if the cache were tiny; it holds 48 */
      if (st)
        return st;
    }
  }
  return RN_OK;
}

static enum rn_status read_config(const char *path, struct rn_verify_options *opt, const char **out,
                                  const char **title, struct rn_config **cfgp)
{
  struct rn_config *cfg = rn_config_new();
  const char *s;
  int ssim;
  enum rn_status st;
  if (!cfg)
    return RN_ENOMEM;
  *cfgp = cfg;
  st = rn_config_load(cfg, path);
  if (st)
    return st;
  if ((s = rn_config_get(cfg, "verify", "thresholds")) &&
      (st = rn_verify_parse_thresholds(opt, s)))
    return rn_error_prefix(st, "%s: [verify] thresholds", path);
  if ((s = rn_config_get(cfg, "verify", "scales")) && (st = rn_verify_parse_scales(opt, s)))
    return rn_error_prefix(st, "%s: [verify] scales", path);
  st = rn_config_bool(cfg, "verify", "ssim", opt->ssim, &ssim);
  if (st)
    return st;
  opt->ssim = ssim;
  *out = rn_config_string(cfg, "verify", "out", *out);
  *title = rn_config_string(cfg, "verify", "title", *title);
  return RN_OK;
}

int cmd_verify(int argc, char **argv)
{
  struct rn_verify_options opt;
  struct run r;
  struct paths fc_args = {0}, obs_args = {0}, frame_specs = {0};
  const char *conf = NULL, *out = "verification", *title = "radnow verification";
  const char *cl_out = NULL, *cl_title = NULL, *cl_thr = NULL, *cl_scales = NULL;
  struct rn_config *cfg = NULL;
  struct progress prog = {0, 0, 0};
  enum rn_status st = RN_OK;
  int no_ssim = 0, rc;
  long total = 0;
  double t0 = rn_clock();

  memset(&r, 0, sizeof r);
  rn_verify_options_init(&opt);
  /* Options taking several values run until the next option. */
  for (int i = 1; i < argc && !st; i++) {
    const char *a = argv[i];
    struct paths *list = NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--forecast") == 0) {
      list = &fc_args;
    } else if (strcmp(a, "--obs") == 0) {
      list = &obs_args;
    } else if (strcmp(a, "--forecast-frames") == 0) {
      list = &frame_specs;
    } else if (strcmp(a, "--persistence") == 0) {
      r.persistence = 1;
      continue;
    } else if (strcmp(a, "--no-ssim") == 0) {
      no_ssim = 1;
      continue;
    } else if (i + 1 < argc && (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0)) {
      conf = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--thresholds") == 0) {
      cl_thr = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--scales") == 0) {
      cl_scales = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--out") == 0) {
      cl_out = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--title") == 0) {
      cl_title = argv[++i];
      continue;
    } else {
      fprintf(stderr, "radnow verify: unknown option or missing value: %s\n", a);
      return RN_EXIT_USAGE;
    }
    if (i + 1 >= argc || argv[i + 1][0] == '-') {
      fprintf(stderr, "radnow verify: %s needs at least one value\n", a);
      return RN_EXIT_USAGE;
    }
    while (i + 1 < argc && argv[i + 1][0] != '-' && !st)
      st = paths_add(list, argv[++i]);
  }
  if (!st && fc_args.n == 0 && frame_specs.n == 0) {
    fprintf(stderr, "radnow verify: no forecasts (--forecast or --forecast-frames)\n");
    rc = RN_EXIT_USAGE;
    goto out;
  }
  if (!st && obs_args.n == 0) {
    fprintf(stderr, "radnow verify: no observations (--obs)\n");
    rc = RN_EXIT_USAGE;
    goto out;
  }
  if (!st && conf)
    st = read_config(conf, &opt, &out, &title, &cfg);
  if (!st && cl_thr)
    st = rn_verify_parse_thresholds(&opt, cl_thr);
  if (!st && cl_scales)
    st = rn_verify_parse_scales(&opt, cl_scales);
  if (no_ssim)
    opt.ssim = 0;
  out = cl_out ? cl_out : out;
  title = cl_title ? cl_title : title;

  /* Inputs */
  for (int i = 0; i < fc_args.n && !st; i++) {
    struct paths files = {0};
    st = expand(fc_args.v[i], ".nc", &files, 0);
    if (!st && files.n == 0)
      st = rn_error(RN_ENOTFOUND, "verify: %s: no forecast files (*.nc)", fc_args.v[i]);
    for (int k = 0; k < files.n && !st; k++) {
      struct source *src = source_new(&r.src, SRC_CF);
      st = src ? paths_add(&src->files, files.v[k]) : RN_ENOMEM;
    }
    paths_free(&files);
  }
  for (int i = 0; i < frame_specs.n && !st; i++)
    st = add_frame_sources(&r.src, frame_specs.v[i]);
  for (int i = 0; i < obs_args.n && !st; i++)
    st = expand(obs_args.v[i], NULL, &r.obs.files, 0);
  if (!st && r.obs.files.n == 0)
    st = rn_error(RN_ENOTFOUND, "verify: no observation files in %s", obs_args.v[0]);
  if (!st)
    st = obs_index(&r.obs);
  if (!st && !(r.v = rn_verify_new(&opt)))
    st = RN_EUSAGE;
  rn_log_debug("verify: %d forecast sources, %d observations", r.src.n, r.obs.n);

  /* Score, one forecast source at a time */
  prog.tty = isatty(2);
  prog.start = prog.last = rn_clock();
  for (int i = 0; i < r.src.n && !st; i++) {
    struct rn_forecast fc;
    st = load_source(&r.src.v[i], &fc);
    if (st)
      break;
    if (i == 0)
      total = (long)fc.nleads * r.src.n;
    st = score_forecast(&r, &fc, r.src.v[i].files.v[0]);
    rn_forecast_free(&fc);
    total = total < r.scored + r.missing ? r.scored + r.missing : total;
    progress(&prog, r.scored + r.missing, i + 1 == r.src.n ? r.scored + r.missing : total, 0);
  }
  if (!st) {
    progress(&prog, r.scored + r.missing, r.scored + r.missing, 1);
    st = rn_verify_report(r.v, out, title);
  }
  if (st) {
    rc = cmd_fail(st);
    goto out;
  }

  /* The pooled CSI table on stdout, as the papers print it. */
  printf("%-24s", "predictor (all leads)");
  for (int k = 0; k < opt.nthresholds; k++)
    printf(" %8s%-4g", "CSI", opt.thresholds[k]);
  printf("\n");
  for (int p = 0; p < rn_verify_npredictors(r.v); p++) {
    const char *name = rn_verify_predictor(r.v, p);
    printf("%-24s", name);
    for (int k = 0; k < opt.nthresholds; k++) {
      double c = rn_verify_csi(r.v, name, RN_VERIFY_POOLED, opt.thresholds[k]);
      if (isnan(c))
        printf(" %12s", "-");
      else
        printf(" %12.4f", c);
    }
    printf("\n");
  }
  if (r.missing > 0)
    rn_log_warn("verify: %ld forecast(s) had no observation at their valid time (listed in "
                "%s/report.html)", r.missing, out);
  rn_log_info("verify: %ld cases scored, %ld missing, report in %s (%.1f s)", r.scored, r.missing,
              out, rn_clock() - t0);
  if (r.scored == 0) {
    fprintf(stderr, "radnow: verify: no forecast could be matched to an observation\n");
    rc = RN_EXIT_INPUT;
  } else {
    rc = 0;
  }
out:
  rn_verify_free(r.v);
  obs_free(&r.obs);
  sources_free(&r.src);
  free(r.pairs);
  paths_free(&fc_args);
  paths_free(&obs_args);
  paths_free(&frame_specs);
  rn_config_free(cfg);
  return rc;
}
