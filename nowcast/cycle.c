/* cycle.c - one operational cycle: lock, gather, select, predict, products,
 * publish, retention. Each stage is timed and logged. */
#include <radnow/cycle.h>
#include <radnow/forecast.h>
#include <radnow/inputs.h>
#include <radnow/lock.h>
#include <radnow/log.h>
#include <radnow/publish.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cycle_seams.h"

/* ---- configuration ---------------------------------------------------- */

static enum rn_status get_minutes(const struct rn_config *cfg, const char *sec, const char *key,
                                  double def, double min, long *out)
{
  double v;
  enum rn_status st = rn_config_double(cfg, sec, key, def, &v);
  if (st)
    return st;
  if (v < min)
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s = %g: must be at least %g minutes",
                    rn_config_path(cfg), sec, key, v, min);
  *out = lround(v * 60);
  return RN_OK;
}

static enum rn_status get_count(const struct rn_config *cfg, const char *sec, const char *key,
                                long def, long min, long max, int *out)
{
  long v;
  enum rn_status st = rn_config_int(cfg, sec, key, def, &v);
  if (st)
    return st;
  if (v < min || v > max)
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s = %ld: must be between %ld and %ld",
                    rn_config_path(cfg), sec, key, v, min, max);
  *out = (int)v;
  return RN_OK;
}

static enum rn_status split_predictors(struct rn_cycle_config *cc, const char *list)
{
  const char *p = list;
  cc->npredictors = 0;
  for (;;) {
    size_t len;
    p += strspn(p, " \t,");
    len = strcspn(p, " \t,");
    if (!len)
      break;
    if (cc->npredictors == RN_MAX_PREDICTORS || len >= sizeof cc->predictors[0])
      return rn_error(RN_EUSAGE, "config: %s: [run] predictors: too many, or a name too long",
                      rn_config_path(cc->cfg));
    memcpy(cc->predictors[cc->npredictors], p, len);
    cc->predictors[cc->npredictors++][len] = '\0';
    p += len;
  }
  if (cc->npredictors == 0)
    return rn_error(RN_EUSAGE, "config: %s: [run] predictors: none given",
                    rn_config_path(cc->cfg));
  for (int i = 0; i < cc->npredictors; i++)
    if (!rn_seam_predictor_known(cc->predictors[i]))
      return rn_error(RN_EUSAGE, "config: %s: [run] predictors: '%s' is not a predictor (known: %s)",
                      rn_config_path(cc->cfg), cc->predictors[i], rn_seam_predictor_names());
  return RN_OK;
}

static enum rn_status copy_dir(char *dst, size_t size, const char *v, const char *key,
                               const struct rn_config *cfg)
{
  size_t len = strlen(v);
  if (len == 0 || len >= size)
    return rn_error(RN_EUSAGE, "config: %s: %s: empty or too long", rn_config_path(cfg), key);
  memcpy(dst, v, len + 1);
  while (len > 1 && dst[len - 1] == '/')
    dst[--len] = '\0';
  return RN_OK;
}

enum rn_status rn_cycle_config_load(struct rn_cycle_config *cc, const struct rn_config *cfg)
{
  enum rn_status st;
  long seed;
  double th[8];
  int nth = 8, need;

  memset(cc, 0, sizeof *cc);
  cc->cfg = cfg;
  if ((st = copy_dir(cc->state_dir, sizeof cc->state_dir,
                     rn_config_string(cfg, "state", "dir", "/var/lib/radnow/state"), "[state] dir",
                     cfg)) ||
      (st = copy_dir(cc->products_dir, sizeof cc->products_dir,
                     rn_config_string(cfg, "products", "dir", "/var/lib/radnow/products"),
                     "[products] dir", cfg)))
    return st;
  if ((st = get_minutes(cfg, "input", "step", 5, 1, &cc->step)) ||
      (st = get_minutes(cfg, "input", "delay", 0, 0, &cc->delay)) ||
      (st = get_minutes(cfg, "run", "max_age", 15, 0, &cc->max_age)) ||
      (st = rn_config_double(cfg, "run", "wait", 120, &cc->wait)) ||
      (st = rn_config_double(cfg, "run", "poll", 10, &cc->poll)) ||
      (st = get_count(cfg, "state", "keep", 24, 1, RN_MAX_INPUTS, &cc->keep)) ||
      (st = get_count(cfg, "run", "inputs", 0, 0, RN_MAX_INPUTS, &cc->inputs)) ||
      (st = get_count(cfg, "run", "leads", 12, 1, 1000, &cc->nleads)) ||
      (st = get_minutes(cfg, "run", "lead_step", (double)cc->step / 60.0, 1, &cc->lead_step)) ||
      (st = get_count(cfg, "run", "members", 20, 1, 1000, &cc->members)) ||
      (st = rn_config_int(cfg, "run", "seed", 1, &seed)) ||
      (st = rn_config_doubles(cfg, "products", "thresholds", th, &nth)) ||
      (st = rn_config_bool(cfg, "products", "geotiff", 1, &cc->geotiff)) ||
      (st = rn_config_bool(cfg, "products", "netcdf", 1, &cc->netcdf)) ||
      (st = get_minutes(cfg, "products", "retention", 1440, 0, &cc->retention)))
    return st;
  if (cc->wait < 0 || cc->poll <= 0)
    return rn_error(RN_EUSAGE, "config: %s: [run] wait must be >= 0 and poll > 0 seconds",
                    rn_config_path(cfg));
  cc->seed = (unsigned long long)seed;
  if (rn_config_get(cfg, "products", "thresholds")) {
    cc->nthresholds = nth;
    memcpy(cc->thresholds, th, (size_t)nth * sizeof th[0]);
  } else {
    cc->nthresholds = 3;
    cc->thresholds[0] = 30;
    cc->thresholds[1] = 40;
    cc->thresholds[2] = 50;
  }
  st = split_predictors(cc, rn_config_string(cfg, "run", "predictors", "persistence"));
  if (st)
    return st;
  {
    /* Check [input] now, before the cycle takes the lock. */
    struct rn_inputs in;
    st = rn_inputs_init(&in, cfg);
    rn_inputs_free(&in);
    if (st)
      return st;
  }
  need = rn_seam_inputs_needed(cc);
  if (cc->keep < need)
    return rn_error(RN_EUSAGE, "config: %s: [state] keep = %d: the predictors need %d frames",
                    rn_config_path(cfg), cc->keep, need);
  return RN_OK;
}

/* ---- stage timing ----------------------------------------------------- */

struct timer {
  struct rn_cycle_result *res;
  double t0;
};

static void stage_done(struct timer *t, const char *name, const char *what)
{
  double now = rn_clock(), s = now - t->t0;
  struct rn_cycle_result *r = t->res;
  if (r->nstages < RN_MAX_STAGES) {
    snprintf(r->stages[r->nstages].name, sizeof r->stages[0].name, "%s", name);
    r->stages[r->nstages++].seconds = s;
  }
  rn_log_info("cycle: %s: %s%s%.1f ms", name, what, *what ? ", " : "", 1e3 * s);
  t->t0 = now;
}

/* ---- gather and select, with a bounded wait for a late scan ----------- */

static void sleep_seconds(double s)
{
  struct timespec ts = {(time_t)s, (long)(1e9 * (s - floor(s)))};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

static enum rn_status gather_and_select(const struct rn_cycle_config *cc,
                                        const struct rn_inputs *in, const struct rn_state *s,
                                        rn_time now, int may_wait, struct rn_selection *sel,
                                        struct timer *tm)
{
  struct rn_select_params p = {rn_seam_inputs_needed(cc), cc->step, cc->max_age};
  rn_time expected = rn_select_expected(now, cc->step, cc->delay);
  rn_time from = now - cc->max_age - (rn_time)(p.need - 1) * cc->step;
  double deadline = (double)now + cc->wait;
  char msg[200], a[32], b[32];
  enum rn_status st;

  for (;;) {
    struct rn_gather_report rep;
    rn_time *times;
    int ntimes;
    if ((st = rn_inputs_gather(in, s, from, now, &rep)))
      return st;
    snprintf(msg, sizeof msg, "%d input file(s) in the window, %d frame(s) gridded, %d unreadable",
             rep.files, rep.gridded, rep.bad);
    stage_done(tm, "gather", msg);
    if ((st = rn_state_list(s, &times, &ntimes)))
      return st;
    st = rn_select_frames(times, ntimes, now, expected, &p, sel);
    free(times);
    if (st == RN_OK && !sel->late)
      break;
    /* Wait only for the expected scan itself, and only while the wall clock
     * says it may still come: re-runs of past times never wait. */
    if (!may_wait || rn_state_has(s, expected) || (double)time(NULL) + cc->poll > deadline)
      break;
    rn_log_info("cycle: select: waiting for the scan of %s (at most %.0f s more)",
                rn_time_iso(expected, a), deadline - (double)time(NULL));
    sleep_seconds(cc->poll);
    tm->t0 = rn_clock();
  }
  if (st)
    return st;
  if (sel->late)
    rn_log_warn("cycle: %s", sel->comment);
  snprintf(msg, sizeof msg, "%d frame(s) from %s to %s", sel->n, rn_time_iso(sel->times[0], a),
           rn_time_iso(sel->times[sel->n - 1], b));
  stage_done(tm, "select", msg);
  return RN_OK;
}

/* ---- manifests -------------------------------------------------------- */

struct buf {
  char *p;
  size_t n, cap;
  int failed;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
  va_list ap;
  int len;
  if (b->failed)
    return;
  for (;;) {
    va_start(ap, fmt);
    len = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
      b->failed = 1;
      return;
    }
    if (b->p && b->n + (size_t)len < b->cap) {
      b->n += (size_t)len;
      return;
    }
    size_t cap = b->cap ? 2 * b->cap : 4096;
    while (cap < b->n + (size_t)len + 1)
      cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
      b->failed = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
}

static void put_json_string(struct buf *b, const char *s)
{
  put(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      put(b, "\\%c", c);
    else if (c < 0x20)
      put(b, "\\u%04x", c);
    else
      put(b, "%c", c);
  }
  put(b, "\"");
}

struct done_predictor {
  const char *name;
  int members, nleads, ok;
  struct rn_names files;
  char error[512];
};

/* The cycle's manifest; with prefix (the cycle folder's name) the file
 * names are relative to the products folder, for latest.json. */
static void manifest(struct buf *b, const struct rn_cycle_config *cc, rn_time now,
                     const struct rn_selection *sel, const struct done_predictor *dp, int np,
                     const char *prefix)
{
  char iso[32];
  put(b, "{\n  \"reference_time\": \"%s\",\n", rn_time_iso(sel->times[sel->n - 1], iso));
  put(b, "  \"run_time\": \"%s\",\n", rn_time_iso(now, iso));
  if (prefix)
    put(b, "  \"cycle\": \"%s\",\n", prefix);
  put(b, "  \"inputs\": [");
  for (int i = 0; i < sel->n; i++)
    put(b, "%s\"%s\"", i ? ", " : "", rn_time_iso(sel->times[i], iso));
  put(b, "],\n  \"late\": %s,\n  \"comment\": ", sel->late ? "true" : "false");
  put_json_string(b, sel->comment);
  put(b, ",\n  \"lead_minutes\": [");
  for (int l = 0; l < cc->nleads; l++)
    put(b, "%s%ld", l ? ", " : "", (long)(l + 1) * cc->lead_step / 60);
  put(b, "],\n  \"predictors\": [");
  for (int i = 0; i < np; i++) {
    put(b, "%s\n    {\"name\": ", i ? "," : "");
    put_json_string(b, dp[i].name);
    if (!dp[i].ok) {
      put(b, ", \"error\": ");
      put_json_string(b, dp[i].error);
      put(b, "}");
      continue;
    }
    put(b, ", \"members\": %d, \"files\": [", dp[i].members);
    for (int f = 0; f < dp[i].files.n; f++) {
      char name[4200];
      snprintf(name, sizeof name, "%s%s%s", prefix ? prefix : "", prefix ? "/" : "",
               dp[i].files.v[f]);
      put(b, "%s\n      ", f ? "," : "");
      put_json_string(b, name);
    }
    put(b, "]}");
  }
  put(b, "\n  ]\n}\n");
}

/* ---- retention -------------------------------------------------------- */

static int cycle_dir_time(const char *name, rn_time *t)
{
  if (strlen(name) != 12 || strspn(name, "0123456789") != 12)
    return -1;
  return rn_time_parse(name, t) == RN_OK ? 0 : -1;
}

static enum rn_status remove_tree(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d)
    return errno == ENOENT ? RN_OK : rn_error(RN_EWRITE, "retention: %s: %s", dir, strerror(errno));
  while ((e = readdir(d)) != NULL) {
    char path[4700];
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (unlink(path) != 0 && errno != ENOENT) {
      int err = errno;
      closedir(d);
      return rn_error(RN_EWRITE, "retention: %s: %s", path, strerror(err));
    }
  }
  closedir(d);
  if (rmdir(dir) != 0 && errno != ENOENT)
    return rn_error(RN_EWRITE, "retention: %s: %s", dir, strerror(errno));
  return RN_OK;
}

/* Delete cycle folders older than now - retention (never `keep`), and
 * sweep temporaries a killed run left in the others. */
static enum rn_status products_housekeeping(const struct rn_cycle_config *cc, rn_time now,
                                            rn_time keep, int sweep_only, int *removed)
{
  DIR *d = opendir(cc->products_dir);
  struct dirent *e;
  enum rn_status st = RN_OK;
  *removed = 0;
  if (!d)
    return RN_OK;
  rn_remove_stale_temporaries(cc->products_dir);
  while ((e = readdir(d)) != NULL) {
    char path[4400];
    rn_time t;
    if (cycle_dir_time(e->d_name, &t) != 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", cc->products_dir, e->d_name);
    if (!sweep_only && cc->retention > 0 && t < now - cc->retention && t != keep) {
      if ((st = remove_tree(path)))
        break;
      (*removed)++;
    } else if (sweep_only) {
      rn_remove_stale_temporaries(path);
    }
  }
  closedir(d);
  return st;
}

/* ---- the cycle -------------------------------------------------------- */

/* Writers report a full disk in their own words (HDF5 says "Permission
 * denied"); say plainly when the file system is full. */
static enum rn_status explain_write_error(enum rn_status st, const char *dir)
{
  struct statvfs vfs;
  char msg[4096];
  if (st != RN_EWRITE || statvfs(dir, &vfs) != 0 || vfs.f_bavail != 0 ||
      strstr(rn_errmsg(), "No space left"))
    return st;
  snprintf(msg, sizeof msg, "%s", rn_errmsg());
  return rn_error(st, "%s (no space left on the file system of %s)", msg, dir);
}

static enum rn_status load_frames(const struct rn_state *s, const struct rn_selection *sel,
                                  struct rn_frame *frames)
{
  for (int i = 0; i < sel->n; i++) {
    enum rn_status st = rn_state_get(s, sel->times[i], &frames[i]);
    if (st)
      return rn_error_prefix(st, "state");
    if (i > 0 && !rn_grid_same(&frames[i].grid, &frames[0].grid)) {
      char a[32], b[32];
      return rn_error(RN_EFORMAT, "input: frames of %s and %s are on different grids",
                      rn_time_iso(sel->times[0], a), rn_time_iso(sel->times[i], b));
    }
  }
  return RN_OK;
}

enum rn_status rn_cycle_run(const struct rn_cycle_config *cc, rn_time now, int may_wait,
                            struct rn_cycle_result *res)
{
  struct rn_lock lk = {.fd = -1};
  struct rn_state s;
  struct rn_inputs in = {0};
  struct rn_frame *frames = NULL;
  struct done_predictor dp[RN_MAX_PREDICTORS];
  struct buf mb = {0}, lb = {0};
  struct timer tm = {res, 0};
  double start = rn_clock();
  enum rn_status st, first_failure = RN_OK;
  char stamp[16], path[4400], msg[4600];
  int nok = 0, removed, created_dir = 0, published = 0;

  memset(res, 0, sizeof *res);
  memset(dp, 0, sizeof dp);
  tm.t0 = start;

  if ((st = rn_lock_acquire(&lk, cc->state_dir)))
    return st;
  stage_done(&tm, "lock", "");
  if ((st = rn_state_open(&s, cc->state_dir)))
    goto out;
  if ((st = rn_mkdirs(cc->products_dir))) {
    st = rn_error_prefix(st, "products");
    goto out;
  }
  if ((st = rn_inputs_init(&in, cc->cfg)))
    goto out;
  /* With the lock held no writer is active: any temporary is a leftover. */
  rn_remove_stale_temporaries(s.dir);
  rn_remove_stale_temporaries(s.frames);
  products_housekeeping(cc, now, 0, 1, &removed);

  if ((st = gather_and_select(cc, &in, &s, now, may_wait, &res->sel, &tm)))
    goto out;
  res->reference_time = res->sel.times[res->sel.n - 1];

  frames = calloc((size_t)res->sel.n, sizeof *frames);
  if (!frames) {
    st = rn_error(RN_ENOMEM, "cycle: out of memory");
    goto out;
  }
  if ((st = load_frames(&s, &res->sel, frames)))
    goto out;
  snprintf(msg, sizeof msg, "%d frame(s) of %d x %d", res->sel.n, frames[0].grid.nx,
           frames[0].grid.ny);
  stage_done(&tm, "load", msg);

  snprintf(res->cycle_dir, sizeof res->cycle_dir, "%s/%s", cc->products_dir,
           rn_time_compact(res->reference_time, stamp));
  {
    struct stat sb;
    created_dir = stat(res->cycle_dir, &sb) != 0;
  }
  if ((st = rn_mkdirs(res->cycle_dir))) {
    st = rn_error_prefix(st, "products");
    goto out;
  }

  for (int i = 0; i < cc->npredictors; i++) {
    struct rn_forecast fc;
    char stage[40];
    dp[i].name = cc->predictors[i];
    memset(&fc, 0, sizeof fc);
    st = rn_seam_predict(cc, cc->predictors[i], frames, res->sel.n, &fc);
    snprintf(stage, sizeof stage, "predict %s", cc->predictors[i]);
    if (st) {
      /* One failing predictor does not stop the others. */
      rn_log_error("cycle: %s: %s", cc->predictors[i], rn_errmsg());
      snprintf(dp[i].error, sizeof dp[i].error, "%s", rn_errmsg());
      if (!first_failure)
        first_failure = st;
      rn_seam_forecast_free(&fc);
      stage_done(&tm, stage, "failed");
      continue;
    }
    fc.reference_time = res->reference_time;
    snprintf(fc.comment, sizeof fc.comment, "%s", res->sel.comment);
    snprintf(msg, sizeof msg, "%d lead(s) x %d member(s)", fc.nleads, fc.nmembers);
    stage_done(&tm, stage, msg);

    snprintf(stage, sizeof stage, "products %s", cc->predictors[i]);
    st = rn_seam_write_products(cc, &fc, res->cycle_dir, &dp[i].files);
    dp[i].members = fc.nmembers;
    dp[i].nleads = fc.nleads;
    rn_seam_forecast_free(&fc);
    if (st) {
      /* Cannot write: nothing more will succeed; publish nothing. */
      st = explain_write_error(st, cc->products_dir);
      goto out;
    }
    dp[i].ok = 1;
    nok++;
    res->nproducts += dp[i].files.n;
    snprintf(msg, sizeof msg, "%d file(s)", dp[i].files.n);
    stage_done(&tm, stage, msg);
  }
  if (nok == 0) {
    st = rn_error(first_failure, "cycle: every predictor failed (first: %s)", dp[0].error);
    goto out;
  }

  /* The cycle's manifest, then latest.json, last of all. */
  manifest(&mb, cc, now, &res->sel, dp, cc->npredictors, NULL);
  manifest(&lb, cc, now, &res->sel, dp, cc->npredictors, stamp);
  if (mb.failed || lb.failed) {
    st = rn_error(RN_ENOMEM, "cycle: out of memory");
    goto out;
  }
  snprintf(path, sizeof path, "%s/manifest.json", res->cycle_dir);
  if ((st = rn_publish_buffer(path, mb.p, mb.n))) {
    st = explain_write_error(st, cc->products_dir);
    goto out;
  }
  snprintf(res->latest, sizeof res->latest, "%s/latest.json", cc->products_dir);
  if ((st = rn_publish_buffer(res->latest, lb.p, lb.n))) {
    st = explain_write_error(st, cc->products_dir);
    goto out;
  }
  published = 1;
  snprintf(msg, sizeof msg, "%d product file(s) in %s", res->nproducts, res->cycle_dir);
  stage_done(&tm, "publish", msg);

  {
    int frames_removed;
    if ((st = products_housekeeping(cc, now, res->reference_time, 0, &removed)) ||
        (st = rn_state_prune(&s, now, cc->keep, &frames_removed)))
      goto out;
    snprintf(msg, sizeof msg, "%d old cycle(s), %d old frame(s) deleted", removed,
             frames_removed);
    stage_done(&tm, "retention", msg);
  }
  if (first_failure)
    for (int i = 0; i < cc->npredictors; i++)
      if (!dp[i].ok) {
        st = rn_error(first_failure, "cycle: predictor %s failed: %s", dp[i].name, dp[i].error);
        break;
      }

out:
  if (st && created_dir && !published && res->cycle_dir[0]) {
    /* Complete files of an unpublished cycle would only confuse readers. */
    char keep[4096];
    snprintf(keep, sizeof keep, "%s", rn_errmsg());
    remove_tree(res->cycle_dir);
    rn_error(st, "%s", keep);
  }
  res->total = rn_clock() - start;
  if (st)
    rn_log_info("cycle: total %.2f s (failed)", res->total);
  else
    rn_log_info("cycle: total %.2f s", res->total);
  for (int i = 0; i < cc->npredictors; i++)
    rn_names_free(&dp[i].files);
  free(mb.p);
  free(lb.p);
  if (frames)
    for (int i = 0; i < res->sel.n; i++)
      rn_frame_free(&frames[i]);
  free(frames);
  rn_inputs_free(&in);
  rn_lock_release(&lk);
  return st;
}
