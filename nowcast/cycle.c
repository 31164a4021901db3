/* cycle.c - one operational cycle: lock, gather, select, predict, products,
 * publish, retention. Each stage is timed and logged. */
#include <radnow/cycle.h>
#include <radnow/forecast.h>
#include <radnow/geotiff.h>
#include <radnow/inputs.h>
#include <radnow/lock.h>
#include <radnow/log.h>
#include <radnow/manifest.h>
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
    for (int j = 0; j < i; j++)
      if (strcmp(cc->predictors[i], cc->predictors[j]) == 0)
        return rn_error(RN_EUSAGE, "config: %s: [run] predictors: '%s' given twice",
                        rn_config_path(cc->cfg), cc->predictors[i]);
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
  int need;

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
      (st = rn_config_bool(cfg, "products", "geotiff", 1, &cc->geotiff)) ||
      (st = rn_config_bool(cfg, "products", "netcdf", 1, &cc->netcdf)) ||
      (st = get_minutes(cfg, "products", "retention", 1440, 0, &cc->retention)))
    return st;
  if (cc->wait < 0 || cc->poll <= 0)
    return rn_error(RN_EUSAGE, "config: %s: [run] wait must be >= 0 and poll > 0 seconds",
                    rn_config_path(cfg));
  rn_geotiff_options_init(&cc->gtiff);
  {
    const char *c = rn_config_string(cfg, "products", "compress", "DEFLATE");
    long level, block;
    if (strcmp(c, "DEFLATE") != 0 && strcmp(c, "ZSTD") != 0)
      return rn_error(RN_EUSAGE, "config: %s: [products] compress = '%s': want DEFLATE or ZSTD",
                      rn_config_path(cfg), c);
    cc->gtiff.compress = c;
    if ((st = rn_config_int(cfg, "products", "level", 0, &level)) ||
        (st = rn_config_int(cfg, "products", "blocksize", 256, &block)))
      return st;
    if (level < 0 || level > 22 || block < 128 || block > 4096 || (block & (block - 1)))
      return rn_error(RN_EUSAGE, "config: %s: [products] level must be 0..22 and blocksize a "
                      "power of two from 128 to 4096", rn_config_path(cfg));
    cc->gtiff.level = (int)level;
    cc->gtiff.blocksize = (int)block;
  }
  {
    /* Check [input] now, before the cycle takes the lock. */
    struct rn_inputs in;
    st = rn_inputs_init(&in, cfg);
    rn_inputs_free(&in);
    if (st)
      return st;
  }
  if ((st = split_predictors(cc, rn_config_string(cfg, "run", "predictors",
                                                  "extrapolation, extrapolation-ens"))))
    return st;
  for (int i = 0; i < cc->npredictors; i++) {
    struct rn_predictor *p;
    if ((st = rn_predictor_create(cc->predictors[i], cfg, &p))) {
      rn_cycle_config_free(cc);
      return rn_error_prefix(st, "config: %s: [run] predictors", rn_config_path(cfg));
    }
    cc->predictor[i] = p;
    /* The cycle selects frames one input step apart. */
    if (p->step_seconds > 0 && p->step_seconds != cc->step) {
      rn_cycle_config_free(cc);
      return rn_error(RN_EUSAGE, "config: %s: [%s] step_minutes = %g differs from [input] step "
                      "= %g", rn_config_path(cfg), p->section, p->step_seconds / 60.0,
                      cc->step / 60.0);
    }
  }
  need = rn_cycle_inputs_needed(cc);
  if (cc->keep < need) {
    rn_cycle_config_free(cc);
    return rn_error(RN_EUSAGE, "config: %s: [state] keep = %d: the predictors need %d frames",
                    rn_config_path(cfg), cc->keep, need);
  }
  return RN_OK;
}

void rn_cycle_config_free(struct rn_cycle_config *cc)
{
  for (int i = 0; i < RN_MAX_PREDICTORS; i++) {
    rn_predictor_destroy(cc->predictor[i]);
    cc->predictor[i] = NULL;
  }
}

int rn_cycle_inputs_needed(const struct rn_cycle_config *cc)
{
  int need = 1;
  for (int i = 0; i < cc->npredictors; i++)
    if (cc->predictor[i] && cc->predictor[i]->ninputs > need)
      need = cc->predictor[i]->ninputs;
  return need;
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
  struct rn_select_params p = {rn_cycle_inputs_needed(cc), cc->step, cc->max_age};
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

/* ---- products --------------------------------------------------------- */

/* One product file: a GeoTIFF of one lead and kind, or the forecast NetCDF. */
struct product_task {
  int netcdf;
  enum rn_geotiff_kind kind;
  int lead, k;
  struct rn_product p;
  enum rn_status st;
  char error[1024];
};

static enum rn_status write_task(const struct rn_cycle_config *cc, const struct rn_forecast *fc,
                                 const char *dir, struct product_task *t)
{
  struct rn_product *p = &t->p;
  char path[4600];
  enum rn_status st;
  memset(p, 0, sizeof *p);
  snprintf(p->predictor, sizeof p->predictor, "%s", fc->predictor);
  p->reference_time = fc->reference_time;
  p->members = fc->nmembers;
  p->threshold = NAN;
  if (t->netcdf) {
    snprintf(p->kind, sizeof p->kind, "forecast");
    p->lead_seconds = -1;
    st = rn_product_name(p->file, sizeof p->file, fc->predictor, fc->reference_time, -1,
                         p->kind, "nc");
  } else {
    if (t->kind == RN_GEOTIFF_PROB)
      p->threshold = fc->thresholds[t->k];
    rn_geotiff_kind_name(t->kind, p->threshold, p->kind, sizeof p->kind);
    p->lead_seconds = fc->lead_seconds[t->lead];
    p->valid_time = fc->reference_time + p->lead_seconds;
    st = rn_product_name(p->file, sizeof p->file, fc->predictor, fc->reference_time,
                         p->lead_seconds, p->kind, NULL);
  }
  if (st)
    return st;
  snprintf(path, sizeof path, "%s/%s", dir, p->file);
  return t->netcdf ? rn_forecast_write(fc, path)
                   : rn_geotiff_write(fc, t->lead, t->kind, t->k, path, &cc->gtiff);
}

/* Every product of one forecast into the cycle folder; names go to list in
 * a fixed order (the GeoTIFFs lead by lead: dbz, display, probabilities;
 * then the NetCDF). The files are independent, so they are written on all
 * threads at once (GDAL and the publisher are thread-safe for separate
 * files; only one thread touches NetCDF/HDF5, which is not). */
static enum rn_status write_products(const struct rn_cycle_config *cc,
                                     const struct rn_forecast *fc, const char *dir,
                                     struct rn_product_list *list)
{
  struct product_task *t;
  int n = 0, kinds = cc->gtiff.kinds;
  enum rn_status st = RN_OK;

  t = rn_calloc((size_t)fc->nleads * (2 + RN_MAX_THRESHOLDS) + 1, sizeof *t, "product tasks");
  if (!t)
    return RN_ENOMEM;
  if (cc->netcdf)
    t[n++].netcdf = 1; /* the biggest file: started first */
  for (int l = 0; cc->geotiff && l < fc->nleads; l++) {
    if (kinds & RN_GEOTIFF_DBZ)
      t[n].kind = RN_GEOTIFF_DBZ, t[n++].lead = l;
    if (kinds & RN_GEOTIFF_DISPLAY)
      t[n].kind = RN_GEOTIFF_DISPLAY, t[n++].lead = l;
    for (int k = 0; (kinds & RN_GEOTIFF_PROB) && fc->prob && k < fc->nthresholds; k++)
      t[n].kind = RN_GEOTIFF_PROB, t[n].lead = l, t[n++].k = k;
  }
#pragma omp parallel for schedule(dynamic, 1)
  for (int i = 0; i < n; i++) {
    t[i].st = write_task(cc, fc, dir, &t[i]);
    if (t[i].st)
      snprintf(t[i].error, sizeof t[i].error, "%s", rn_errmsg());
  }
  for (int i = 0; i < n && !st; i++)
    if (t[i].st)
      st = rn_error(t[i].st, "%s", t[i].error);
  for (int i = cc->netcdf; i < n && !st; i++)
    st = rn_product_list_add(list, &t[i].p);
  if (!st && cc->netcdf)
    st = rn_product_list_add(list, &t[0].p);
  free(t);
  return st;
}

/* The same list with names relative to the products folder. */
static enum rn_status prefixed(const struct rn_product_list *in, const char *folder,
                               struct rn_product_list *out)
{
  for (int i = 0; i < in->n; i++) {
    struct rn_product p = in->items[i];
    enum rn_status st;
    if (snprintf(p.file, sizeof p.file, "%s/%s", folder, in->items[i].file) >=
        (int)sizeof p.file)
      return rn_error(RN_EWRITE, "products: %s/%s: name too long", folder, in->items[i].file);
    if ((st = rn_product_list_add(out, &p)))
      return st;
  }
  return RN_OK;
}

/* Remove a cycle folder this run created but could not publish. */
static void remove_unpublished(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d)
    return;
  while ((e = readdir(d)) != NULL) {
    char path[4700];
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

/* With the lock held no writer is active: every temporary in the products
 * folder and its cycle folders is a leftover of a killed run. */
static void sweep_products(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d)
    return;
  rn_remove_stale_temporaries(dir);
  while ((e = readdir(d)) != NULL) {
    char path[4400];
    if (strlen(e->d_name) != 12 || strspn(e->d_name, "0123456789") != 12)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    rn_remove_stale_temporaries(path);
  }
  closedir(d);
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
  const struct rn_frame *fptr[RN_MAX_INPUTS];
  struct rn_product_list list = {0}, top = {0};
  struct timer tm = {res, 0};
  double start = rn_clock();
  enum rn_status st, first_failure = RN_OK;
  char stamp[16], msg[4600], failed[RN_MAX_PREDICTORS * 64] = "", first_error[1024] = "";
  int nok = 0, created_dir = 0, published = 0;

  memset(res, 0, sizeof *res);
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
  rn_remove_stale_temporaries(s.dir);
  rn_remove_stale_temporaries(s.frames);
  sweep_products(cc->products_dir);

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
  for (int i = 0; i < res->sel.n; i++)
    fptr[i] = &frames[i];
  snprintf(msg, sizeof msg, "%d frame(s) of %d x %d", res->sel.n, frames[0].grid.nx,
           frames[0].grid.ny);
  stage_done(&tm, "load", msg);

  rn_time_compact(res->reference_time, stamp);
  snprintf(res->cycle_dir, sizeof res->cycle_dir, "%s/%s", cc->products_dir, stamp);
  {
    struct stat sb;
    created_dir = stat(res->cycle_dir, &sb) != 0;
  }
  if ((st = rn_mkdirs(res->cycle_dir))) {
    st = rn_error_prefix(st, "products");
    goto out;
  }

  for (int i = 0; i < cc->npredictors; i++) {
    const char *name = cc->predictors[i];
    struct rn_forecast fc;
    char stage[96];
    int before = list.n;
    memset(&fc, 0, sizeof fc);
    snprintf(stage, sizeof stage, "predict %s", name);
    st = rn_predictor_run(cc->predictor[i], fptr, res->sel.n, &fc);
    if (st) {
      /* One failing predictor does not stop the others. */
      rn_log_error("cycle: %s: %s", name, rn_errmsg());
      if (!first_failure) {
        first_failure = st;
        snprintf(first_error, sizeof first_error, "%s: %s", name, rn_errmsg());
      }
      snprintf(failed + strlen(failed), sizeof failed - strlen(failed), "%s%s",
               *failed ? ", " : "", name);
      rn_forecast_free(&fc);
      stage_done(&tm, stage, "failed");
      continue;
    }
    fc.reference_time = res->reference_time;
    snprintf(fc.comment, sizeof fc.comment, "%s", res->sel.comment);
    snprintf(msg, sizeof msg, "%d lead(s) x %d member(s)", fc.nleads, fc.nmembers);
    stage_done(&tm, stage, msg);

    snprintf(stage, sizeof stage, "products %s", name);
    st = write_products(cc, &fc, res->cycle_dir, &list);
    rn_forecast_free(&fc);
    if (st) {
      /* Cannot write: nothing more will succeed; publish nothing. */
      st = explain_write_error(st, cc->products_dir);
      goto out;
    }
    nok++;
    snprintf(msg, sizeof msg, "%d file(s)", list.n - before);
    stage_done(&tm, stage, msg);
  }
  if (nok == 0) {
    st = rn_error(first_failure, "cycle: every predictor failed (first: %s)", first_error);
    goto out;
  }

  /* latest.json last of all: whoever follows it finds complete files. */
  {
    char comment[sizeof res->sel.comment + sizeof failed + 32];
    snprintf(comment, sizeof comment, "%s%s%s%s", res->sel.comment,
             *failed && *res->sel.comment ? "; " : "", *failed ? "failed predictors: " : "",
             failed);
    if ((st = prefixed(&list, stamp, &top)) ||
        (st = rn_manifest_write(cc->products_dir, res->reference_time, &top, comment))) {
      st = explain_write_error(st, cc->products_dir);
      goto out;
    }
  }
  published = 1;
  res->nproducts = list.n;
  snprintf(res->latest, sizeof res->latest, "%s/%s", cc->products_dir, RN_MANIFEST_NAME);
  snprintf(msg, sizeof msg, "%d product file(s) in %s", res->nproducts, res->cycle_dir);
  stage_done(&tm, "publish", msg);

  {
    int removed = 0, frames_removed = 0;
    if ((st = rn_products_prune(cc->products_dir, now, cc->retention, &top, &removed)) ||
        (st = rn_state_prune(&s, now, cc->keep, &frames_removed)))
      goto out;
    snprintf(msg, sizeof msg, "%d old product(s), %d old frame(s) deleted", removed,
             frames_removed);
    stage_done(&tm, "retention", msg);
  }
  if (first_failure)
    st = rn_error(first_failure, "cycle: predictor %s", first_error);

out:
  if (st && created_dir && !published && res->cycle_dir[0]) {
    /* Complete files of an unpublished cycle would only confuse readers. */
    char keep[4096];
    snprintf(keep, sizeof keep, "%s", rn_errmsg());
    remove_unpublished(res->cycle_dir);
    rn_error(st, "%s", keep);
  }
  res->total = rn_clock() - start;
  rn_log_info("cycle: total %.2f s%s", res->total, st ? " (failed)" : "");
  rn_product_list_free(&list);
  rn_product_list_free(&top);
  if (frames)
    for (int i = 0; i < res->sel.n; i++)
      rn_frame_free(&frames[i]);
  free(frames);
  rn_inputs_free(&in);
  rn_lock_release(&lk);
  return st;
}
