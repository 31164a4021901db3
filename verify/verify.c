/* verify.c - the verification accumulator: one set of sums per
 * (predictor, lead), fed one case at a time, read back as score rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "verify_internal.h"

struct missing {
  int cell;
  rn_time valid_time;
};

/* Scratch fields of one case, grown to the largest grid seen. */
struct workspace {
  size_t npix_cap, sat_cap;
  uint8_t *valid;
  float *det, *obs, *u01f, *u01o;
  int32_t *sat;
  double *ssim_work;
};

struct rn_verify {
  struct rn_verify_options opt;
  struct rn_vcell *cells;
  int ncells, cap;
  char (*names)[64]; /* predictors in order of appearance */
  int nnames;
  struct missing *missing;
  int nmissing, missing_cap;
  /* one workspace per thread scoring cases at the same time */
  struct workspace *ws;
  int nws;
};

void rn_verify_options_init(struct rn_verify_options *opt)
{
  memset(opt, 0, sizeof *opt);
  opt->nthresholds = 3;
  opt->thresholds[0] = 30;
  opt->thresholds[1] = 40;
  opt->thresholds[2] = 50;
  opt->nscales = 4;
  opt->scales[0] = 1;
  opt->scales[1] = 3;
  opt->scales[2] = 9;
  opt->scales[3] = 27;
  opt->ssim = 1;
}

/* A comma-separated list of numbers into out (at most max). */
static enum rn_status parse_list(const char *what, const char *list, double *out, int max,
                                 int *n)
{
  const char *p = list;
  *n = 0;
  while (*p) {
    char *end;
    double v = strtod(p, &end);
    if (end == p || !isfinite(v) || (*end && *end != ','))
      return rn_error(RN_EUSAGE, "%s '%s': not a comma-separated list of numbers", what, list);
    if (*n == max)
      return rn_error(RN_EUSAGE, "%s '%s': at most %d values", what, list, max);
    out[(*n)++] = v;
    p = *end ? end + 1 : end;
  }
  if (*n == 0)
    return rn_error(RN_EUSAGE, "%s: empty list", what);
  return RN_OK;
}

enum rn_status rn_verify_parse_thresholds(struct rn_verify_options *opt, const char *list)
{
  double v[RN_VERIFY_MAX_THRESHOLDS];
  int n;
  enum rn_status st = parse_list("--thresholds", list, v, RN_VERIFY_MAX_THRESHOLDS, &n);
  if (st)
    return st;
  for (int i = 0; i < n; i++) {
    if (v[i] < -32 || v[i] > 100)
      return rn_error(RN_EUSAGE, "--thresholds: %g dBZ is outside -32 .. 100", v[i]);
    opt->thresholds[i] = (float)v[i];
  }
  opt->nthresholds = n;
  return RN_OK;
}

enum rn_status rn_verify_parse_scales(struct rn_verify_options *opt, const char *list)
{
  double v[RN_VERIFY_MAX_SCALES];
  int n;
  enum rn_status st = parse_list("--scales", list, v, RN_VERIFY_MAX_SCALES, &n);
  if (st)
    return st;
  for (int i = 0; i < n; i++) {
    if (v[i] < 1 || v[i] > 10001 || v[i] != floor(v[i]))
      return rn_error(RN_EUSAGE, "--scales: %g is not a window size in pixels (1 .. 10001)",
                      v[i]);
    opt->scales[i] = (int)v[i];
  }
  opt->nscales = n;
  return RN_OK;
}

struct rn_verify *rn_verify_new(const struct rn_verify_options *opt)
{
  struct rn_verify *v;
  if (opt->nthresholds < 0 || opt->nthresholds > RN_VERIFY_MAX_THRESHOLDS || opt->nscales < 0 ||
      opt->nscales > RN_VERIFY_MAX_SCALES) {
    rn_error(RN_EUSAGE, "verify: %d thresholds and %d scales (at most %d and %d)",
             opt->nthresholds, opt->nscales, RN_VERIFY_MAX_THRESHOLDS, RN_VERIFY_MAX_SCALES);
    return NULL;
  }
  for (int s = 0; s < opt->nscales; s++)
    if (opt->scales[s] < 1) {
      rn_error(RN_EUSAGE, "verify: FSS scale %d is not a window size", opt->scales[s]);
      return NULL;
    }
  v = rn_calloc(1, sizeof *v, "verification");
  if (v)
    v->opt = *opt;
  return v;
}

static void ws_free(struct workspace *w)
{
  free(w->valid);
  free(w->det);
  free(w->obs);
  free(w->u01f);
  free(w->u01o);
  free(w->sat);
  free(w->ssim_work);
  memset(w, 0, sizeof *w);
}

static void cell_free(struct rn_vcell *c)
{
  free(c->rank);
  free(c->prob_event);
  free(c->prob_none);
}

void rn_verify_free(struct rn_verify *v)
{
  if (!v)
    return;
  for (int i = 0; i < v->ncells; i++)
    cell_free(&v->cells[i]);
  free(v->cells);
  free(v->names);
  free(v->missing);
  for (int i = 0; i < v->nws; i++)
    ws_free(&v->ws[i]);
  free(v->ws);
  free(v);
}

static enum rn_status cell_init(struct rn_vcell *c, const char *predictor, int lead, int m,
                                int nthr)
{
  memset(c, 0, sizeof *c);
  snprintf(c->predictor, sizeof c->predictor, "%s", predictor);
  c->lead_seconds = lead;
  c->nmembers = m;
  if (m > 1) {
    c->rank = rn_calloc((size_t)m + 1, sizeof *c->rank, "rank histogram");
    c->prob_event = rn_calloc((size_t)(nthr ? nthr : 1) * (m + 1), sizeof(int64_t), "reliability");
    c->prob_none = rn_calloc((size_t)(nthr ? nthr : 1) * (m + 1), sizeof(int64_t), "reliability");
    if (!c->rank || !c->prob_event || !c->prob_none) {
      cell_free(c);
      return RN_ENOMEM;
    }
  }
  return RN_OK;
}

static int find_name(const struct rn_verify *v, const char *predictor)
{
  for (int i = 0; i < v->nnames; i++)
    if (strcmp(v->names[i], predictor) == 0)
      return i;
  return -1;
}

static int find_cell(const struct rn_verify *v, const char *predictor, int lead)
{
  for (int i = 0; i < v->ncells; i++)
    if (v->cells[i].lead_seconds == lead && strcmp(v->cells[i].predictor, predictor) == 0)
      return i;
  return -1;
}

/* The cell of (predictor, lead), created on first use. m = 0: any member count. */
static enum rn_status get_cell(struct rn_verify *v, const char *predictor, int lead, int m,
                               int *index)
{
  int i;
  enum rn_status st;
  if (!predictor || !predictor[0] || strlen(predictor) >= 64)
    return rn_error(RN_EUSAGE, "verify: predictor name '%s' is empty or too long",
                    predictor ? predictor : "");
  if (lead == RN_VERIFY_POOLED)
    return rn_error(RN_EUSAGE, "verify: %s: lead %d is reserved", predictor, lead);
  for (i = 0; i < v->ncells; i++)
    if (strcmp(v->cells[i].predictor, predictor) == 0 && m > 0 && v->cells[i].nmembers > 0 &&
        v->cells[i].nmembers != m)
      return rn_error(RN_EUSAGE, "verify: %s: %d members here, %d before; one predictor keeps "
                      "its ensemble size", predictor, m, v->cells[i].nmembers);
  i = find_cell(v, predictor, lead);
  if (i >= 0) {
    if (v->cells[i].nmembers == 0 && m > 0) { /* created by a missing case */
      struct rn_vcell c;
      st = cell_init(&c, predictor, lead, m, v->opt.nthresholds);
      if (st)
        return st;
      c.n_missing = v->cells[i].n_missing;
      v->cells[i] = c;
    }
    *index = i;
    return RN_OK;
  }
  if (find_name(v, predictor) < 0) {
    char(*names)[64] = realloc(v->names, (size_t)(v->nnames + 1) * sizeof *names);
    if (!names)
      return rn_error(RN_ENOMEM, "verify: out of memory");
    v->names = names;
    snprintf(v->names[v->nnames++], 64, "%s", predictor);
  }
  if (v->ncells == v->cap) {
    int cap = v->cap ? 2 * v->cap : 16;
    struct rn_vcell *cells = realloc(v->cells, (size_t)cap * sizeof *cells);
    if (!cells)
      return rn_error(RN_ENOMEM, "verify: out of memory");
    v->cells = cells;
    v->cap = cap;
  }
  if (m == 0) /* a missing case: the member count is learnt later */
    for (int j = 0; j < v->ncells; j++)
      if (strcmp(v->cells[j].predictor, predictor) == 0 && v->cells[j].nmembers > 0)
        m = v->cells[j].nmembers;
  st = cell_init(&v->cells[v->ncells], predictor, lead, m, v->opt.nthresholds);
  if (st)
    return st;
  *index = v->ncells++;
  return RN_OK;
}

/* At least count workspaces for nx x ny fields. */
static enum rn_status workspaces(struct rn_verify *v, int count, int nx, int ny)
{
  size_t n = (size_t)nx * (size_t)ny, sat = ((size_t)nx + 1) * ((size_t)ny + 1);
  if (count > v->nws) {
    struct workspace *ws = realloc(v->ws, (size_t)count * sizeof *ws);
    if (!ws)
      return rn_error(RN_ENOMEM, "verify: out of memory");
    memset(ws + v->nws, 0, (size_t)(count - v->nws) * sizeof *ws);
    v->ws = ws;
    v->nws = count;
  }
  for (int i = 0; i < count; i++) {
    struct workspace *w = &v->ws[i];
    if (n > w->npix_cap) {
      ws_free(w);
      w->valid = malloc(n);
      w->det = malloc(n * sizeof(float));
      w->obs = malloc(n * sizeof(float));
      w->u01f = malloc(n * sizeof(float));
      w->u01o = malloc(n * sizeof(float));
      w->sat = malloc(3 * sat * sizeof *w->sat);
      w->ssim_work = malloc(6 * sat * sizeof *w->ssim_work);
      if (!w->valid || !w->det || !w->obs || !w->u01f || !w->u01o || !w->sat || !w->ssim_work) {
        ws_free(w);
        return rn_error(RN_ENOMEM, "verify: out of memory for %d x %d fields", nx, ny);
      }
      w->npix_cap = n;
      w->sat_cap = sat;
    }
  }
  return RN_OK;
}

static enum rn_status check_case(const char *predictor, const float *const *members, int nmembers,
                                 const float *obs, int nx, int ny)
{
  if (nmembers < 1 || nmembers > RN_VERIFY_MAX_MEMBERS)
    return rn_error(RN_EUSAGE, "verify: %s: %d members (1 .. %d)", predictor, nmembers,
                    RN_VERIFY_MAX_MEMBERS);
  if (nx < 1 || ny < 1 || !members || !obs)
    return rn_error(RN_EUSAGE, "verify: %s: empty fields", predictor);
  for (int m = 0; m < nmembers; m++)
    if (!members[m])
      return rn_error(RN_EUSAGE, "verify: %s: member %d has no field", predictor, m);
  return RN_OK;
}

/* Score one case into cell c with workspace w. Inside, loops are spread over
 * OpenMP threads; called from a parallel region they run on the caller's. */
static void add_case(const struct rn_verify_options *o, struct rn_vcell *c, struct workspace *v,
                     const float *const *members, int nmembers, const float *obs, int nx, int ny)
{
  const float floor_ = RN_DBZ_NOECHO;
  struct rn_continuous_sums cs = {0, 0, 0, 0};
  size_t n = (size_t)nx * (size_t)ny;

  /* Pixels where the observation and every member have data (found by the
   * ensemble kernel for ensembles); fields clamped to the no-echo floor. */
  if (nmembers > 1)
    rn_ensemble_accumulate(members, nmembers, obs, v->valid, n, o->thresholds, o->nthresholds, c,
                           v->det);
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) {
    int ok = nmembers > 1 ? v->valid[i] : !isnan(obs[i]) && !isnan(members[0][i]);
    v->valid[i] = (uint8_t)ok;
    v->obs[i] = ok ? (obs[i] < floor_ ? floor_ : obs[i]) : floor_;
    if (nmembers == 1)
      v->det[i] = ok ? (members[0][i] < floor_ ? floor_ : members[0][i]) : floor_;
  }

  rn_scores_accumulate(v->det, v->obs, v->valid, n, o->thresholds, o->nthresholds, c->table);
  rn_continuous_accumulate(v->det, v->obs, v->valid, n, &cs);
  c->abs_sum += cs.abs_sum;
  c->sq_sum += cs.sq_sum;
  c->sq01_sum += cs.sq01_sum;
  c->n_pixels += cs.n;
  c->n_cases++;
  if (cs.n == 0)
    return;

  if (o->nscales > 0) {
    size_t plane = ((size_t)nx + 1) * ((size_t)ny + 1);
    rn_fss_valid_table(v->valid, nx, ny, v->sat);
    for (int k = 0; k < o->nthresholds; k++)
      rn_fss_accumulate(v->det, v->obs, v->valid, v->sat, nx, ny, o->thresholds[k], o->scales,
                        o->nscales, c->fss_num[k], c->fss_den[k], v->sat + plane);
  }
  if (o->ssim) {
    double s;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
      v->u01f[i] = rn_verify_unit(v->det[i]);
      v->u01o[i] = rn_verify_unit(v->obs[i]);
    }
    s = rn_ssim(v->u01f, v->u01o, v->valid, nx, ny, v->ssim_work);
    if (!isnan(s)) {
      c->ssim_sum += s;
      c->ssim_frames++;
    }
  }
}

enum rn_status rn_verify_add(struct rn_verify *v, const char *predictor, int lead_seconds,
                             const float *const *members, int nmembers, const float *obs, int nx,
                             int ny)
{
  int ci;
  enum rn_status st = check_case(predictor, members, nmembers, obs, nx, ny);
  if (!st)
    st = get_cell(v, predictor, lead_seconds, nmembers, &ci);
  if (!st)
    st = workspaces(v, 1, nx, ny);
  if (st)
    return st;
  add_case(&v->opt, &v->cells[ci], &v->ws[0], members, nmembers, obs, nx, ny);
  return RN_OK;
}

enum rn_status rn_verify_add_leads(struct rn_verify *v, const char *predictor, int nleads,
                                   const int *lead_seconds, const float *const *const *members,
                                   int nmembers, const float *const *obs, int nx, int ny)
{
  int *cells, threads = 1;
  enum rn_status st = RN_OK;
  if (nleads <= 0)
    return RN_OK;
  cells = malloc((size_t)nleads * sizeof *cells);
  if (!cells)
    return rn_error(RN_ENOMEM, "verify: out of memory");
  for (int l = 0; l < nleads && !st; l++) {
    st = check_case(predictor, members[l], nmembers, obs[l], nx, ny);
    if (!st)
      st = get_cell(v, predictor, lead_seconds[l], nmembers, &cells[l]);
    for (int k = 0; k < l && !st; k++)
      if (lead_seconds[k] == lead_seconds[l])
        st = rn_error(RN_EUSAGE, "verify: %s: lead %d s given twice in one call", predictor,
                      lead_seconds[l]);
  }
#ifdef _OPENMP
  threads = omp_get_max_threads() < nleads ? omp_get_max_threads() : nleads;
#endif
  if (!st)
    st = workspaces(v, threads, nx, ny);
  if (st) {
    free(cells);
    return st;
  }
  /* One lead per thread: distinct cells, no shared sums, no inner barriers. */
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int l = 0; l < nleads; l++) {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    add_case(&v->opt, &v->cells[cells[l]], &v->ws[t], members[l], nmembers, obs[l], nx, ny);
  }
  free(cells);
  return RN_OK;
}

enum rn_status rn_verify_add_missing(struct rn_verify *v, const char *predictor, int lead_seconds,
                                     rn_time valid_time)
{
  int ci;
  enum rn_status st = get_cell(v, predictor, lead_seconds, 0, &ci);
  if (st)
    return st;
  v->cells[ci].n_missing++;
  if (v->nmissing == v->missing_cap) {
    int cap = v->missing_cap ? 2 * v->missing_cap : 64;
    struct missing *m = realloc(v->missing, (size_t)cap * sizeof *m);
    if (!m)
      return rn_error(RN_ENOMEM, "verify: out of memory");
    v->missing = m;
    v->missing_cap = cap;
  }
  v->missing[v->nmissing].cell = ci;
  v->missing[v->nmissing].valid_time = valid_time;
  v->nmissing++;
  return RN_OK;
}

int rn_verify_nmissing(const struct rn_verify *v)
{
  return v->nmissing;
}

void rn_verify_missing_at(const struct rn_verify *v, int i, const char **predictor,
                          int *lead_seconds, rn_time *valid_time)
{
  const struct rn_vcell *c = &v->cells[v->missing[i].cell];
  *predictor = c->predictor;
  *lead_seconds = c->lead_seconds;
  *valid_time = v->missing[i].valid_time;
}

int rn_verify_npredictors(const struct rn_verify *v)
{
  return v->nnames;
}

const char *rn_verify_predictor(const struct rn_verify *v, int i)
{
  return i >= 0 && i < v->nnames ? v->names[i] : NULL;
}

const struct rn_verify_options *rn_verify_get_options(const struct rn_verify *v)
{
  return &v->opt;
}

/* Sum every lead of a predictor into out (arrays allocated; cell_free it). */
static enum rn_status pool(const struct rn_verify *v, const char *predictor, struct rn_vcell *out)
{
  int m = 0, nthr = v->opt.nthresholds, nb;
  enum rn_status st;
  for (int i = 0; i < v->ncells; i++)
    if (strcmp(v->cells[i].predictor, predictor) == 0 && v->cells[i].nmembers > m)
      m = v->cells[i].nmembers;
  st = cell_init(out, predictor, RN_VERIFY_POOLED, m, nthr);
  if (st)
    return st;
  nb = m + 1;
  for (int i = 0; i < v->ncells; i++) {
    const struct rn_vcell *c = &v->cells[i];
    if (strcmp(c->predictor, predictor) != 0)
      continue;
    out->n_cases += c->n_cases;
    out->n_missing += c->n_missing;
    out->n_pixels += c->n_pixels;
    for (int k = 0; k < nthr; k++) {
      out->table[k].hits += c->table[k].hits;
      out->table[k].misses += c->table[k].misses;
      out->table[k].false_alarms += c->table[k].false_alarms;
      out->table[k].correct_negatives += c->table[k].correct_negatives;
      for (int s = 0; s < v->opt.nscales; s++) {
        out->fss_num[k][s] += c->fss_num[k][s];
        out->fss_den[k][s] += c->fss_den[k][s];
      }
    }
    out->abs_sum += c->abs_sum;
    out->sq_sum += c->sq_sum;
    out->sq01_sum += c->sq01_sum;
    out->ssim_sum += c->ssim_sum;
    out->ssim_frames += c->ssim_frames;
    if (m > 1 && c->nmembers == m) {
      out->crps_sum += c->crps_sum;
      out->var_sum += c->var_sum;
      out->rank_pixels += c->rank_pixels;
      for (int r = 0; r < nb; r++)
        out->rank[r] += c->rank[r];
      for (int r = 0; r < nthr * nb; r++) {
        out->prob_event[r] += c->prob_event[r];
        out->prob_none[r] += c->prob_none[r];
      }
    }
  }
  return RN_OK;
}

static int threshold_index(const struct rn_verify *v, float threshold)
{
  for (int k = 0; k < v->opt.nthresholds; k++)
    if (fabsf(v->opt.thresholds[k] - threshold) < 1e-4f)
      return k;
  return -1;
}

enum rn_status rn_verify_table(const struct rn_verify *v, const char *predictor, int lead_seconds,
                               float threshold, struct rn_contingency *t)
{
  int k = threshold_index(v, threshold);
  memset(t, 0, sizeof *t);
  if (k < 0)
    return rn_error(RN_ENOTFOUND, "verify: threshold %g dBZ is not scored", threshold);
  if (find_name(v, predictor) < 0)
    return rn_error(RN_ENOTFOUND, "verify: no cases of predictor '%s'", predictor);
  for (int i = 0; i < v->ncells; i++) {
    const struct rn_vcell *c = &v->cells[i];
    if (strcmp(c->predictor, predictor) != 0 ||
        (lead_seconds != RN_VERIFY_POOLED && c->lead_seconds != lead_seconds))
      continue;
    t->hits += c->table[k].hits;
    t->misses += c->table[k].misses;
    t->false_alarms += c->table[k].false_alarms;
    t->correct_negatives += c->table[k].correct_negatives;
    if (lead_seconds != RN_VERIFY_POOLED)
      return RN_OK;
  }
  if (lead_seconds != RN_VERIFY_POOLED)
    return rn_error(RN_ENOTFOUND, "verify: %s: no cases at lead %d s", predictor, lead_seconds);
  return RN_OK;
}

double rn_verify_csi(const struct rn_verify *v, const char *predictor, int lead_seconds,
                     float threshold)
{
  struct rn_contingency t;
  struct rn_categorical s;
  if (rn_verify_table(v, predictor, lead_seconds, threshold, &t) != RN_OK)
    return NAN;
  rn_contingency_scores(&t, &s);
  return s.csi;
}

/* ---- rows ---------------------------------------------------------------- */

struct rowbuf {
  struct rn_score_row *rows;
  int n, cap;
  enum rn_status st;
};

static void push(struct rowbuf *b, const struct rn_vcell *c, float thr, int scale,
                 const char *score, double value, int64_t npix)
{
  struct rn_score_row *r;
  if (b->st)
    return;
  if (b->n == b->cap) {
    int cap = b->cap ? 2 * b->cap : 256;
    r = realloc(b->rows, (size_t)cap * sizeof *r);
    if (!r) {
      b->st = rn_error(RN_ENOMEM, "verify: out of memory for score rows");
      return;
    }
    b->rows = r;
    b->cap = cap;
  }
  r = &b->rows[b->n++];
  memset(r, 0, sizeof *r);
  snprintf(r->predictor, sizeof r->predictor, "%s", c->predictor);
  r->lead_seconds = c->lead_seconds;
  r->threshold = thr;
  r->scale = scale;
  snprintf(r->score, sizeof r->score, "%s", score);
  r->value = value;
  r->n_cases = c->n_cases;
  r->n_pixels = npix;
}

static double div0(double a, double b)
{
  return b > 0 ? a / b : NAN;
}

static void cell_rows(const struct rn_verify *v, const struct rn_vcell *c, struct rowbuf *b)
{
  const struct rn_verify_options *o = &v->opt;
  const float none = NAN;
  const int64_t np = c->n_pixels;
  char name[40];
  double mse01 = div0(c->sq01_sum, (double)np), rmse = sqrt(div0(c->sq_sum, (double)np));

  push(b, c, none, 0, "missing_cases", (double)c->n_missing, 0);
  push(b, c, none, 0, "members", c->nmembers, np);
  for (int k = 0; k < o->nthresholds; k++) {
    struct rn_categorical s;
    const struct rn_contingency *t = &c->table[k];
    float q = o->thresholds[k];
    rn_contingency_scores(t, &s);
    push(b, c, q, 0, "hits", (double)t->hits, np);
    push(b, c, q, 0, "misses", (double)t->misses, np);
    push(b, c, q, 0, "false_alarms", (double)t->false_alarms, np);
    push(b, c, q, 0, "correct_negatives", (double)t->correct_negatives, np);
    push(b, c, q, 0, "pod", s.pod, np);
    push(b, c, q, 0, "far", s.far, np);
    push(b, c, q, 0, "csi", s.csi, np);
    push(b, c, q, 0, "bias", s.bias, np);
    push(b, c, q, 0, "ets", s.ets, np);
    push(b, c, q, 0, "hss", s.hss, np);
    for (int s2 = 0; s2 < o->nscales; s2++)
      push(b, c, q, o->scales[s2], "fss",
           c->fss_den[k][s2] > 0 ? 1 - c->fss_num[k][s2] / c->fss_den[k][s2] : NAN, np);
  }
  push(b, c, none, 0, "mae", div0(c->abs_sum, (double)np), np);
  push(b, c, none, 0, "rmse", rmse, np);
  push(b, c, none, 0, "mse01", mse01, np);
  push(b, c, none, 0, "sse01_per_frame", div0(c->sq01_sum, (double)c->n_cases), np);
  push(b, c, none, 0, "psnr", np > 0 ? (mse01 > 0 ? -10 * log10(mse01) : INFINITY) : NAN, np);
  if (o->ssim)
    push(b, c, none, 0, "ssim", div0(c->ssim_sum, (double)c->ssim_frames), np);
  if (c->nmembers > 1) {
    const int m = c->nmembers, nb = m + 1;
    double spread = sqrt(div0(c->var_sum, (double)np));
    push(b, c, none, 0, "crps", div0(c->crps_sum, (double)np), np);
    push(b, c, none, 0, "spread", spread, np);
    /* sqrt((M + 1) / M): a reliable finite ensemble has ratio 1 (Fortin et al. 2014) */
    push(b, c, none, 0, "spread_skill", rmse > 0 ? sqrt((m + 1.0) / m) * spread / rmse : NAN, np);
    for (int r = 0; r < nb; r++) {
      snprintf(name, sizeof name, "rank_histogram[%d]", r);
      push(b, c, none, 0, name, (double)c->rank[r], c->rank_pixels);
    }
    for (int k = 0; k < o->nthresholds; k++) {
      const int64_t *pe = c->prob_event + k * nb, *pn = c->prob_none + k * nb;
      float q = o->thresholds[k];
      double brier = 0, total = 0;
      for (int j = 0; j < nb; j++) {
        double p = (double)j / m;
        brier += (double)pe[j] * (1 - p) * (1 - p) + (double)pn[j] * p * p;
        total += (double)(pe[j] + pn[j]);
      }
      push(b, c, q, 0, "brier", div0(brier, total), (int64_t)total);
      push(b, c, q, 0, "roc_area", rn_roc_area(pe, pn, m), (int64_t)total);
      for (int j = 0; j < nb; j++) {
        int64_t nj = pe[j] + pn[j];
        snprintf(name, sizeof name, "reliability_forecast[%d]", j);
        push(b, c, q, 0, name, (double)j / m, nj);
        snprintf(name, sizeof name, "reliability_observed[%d]", j);
        push(b, c, q, 0, name, div0((double)pe[j], (double)nj), nj);
      }
    }
  }
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

enum rn_status rn_verify_rows(const struct rn_verify *v, struct rn_score_row **rows, int *nrows)
{
  struct rowbuf b = {NULL, 0, 0, RN_OK};
  int *leads = malloc((size_t)(v->ncells ? v->ncells : 1) * sizeof *leads);
  if (!leads)
    return rn_error(RN_ENOMEM, "verify: out of memory");
  for (int p = 0; p < v->nnames && !b.st; p++) {
    int nl = 0;
    struct rn_vcell pooled;
    for (int i = 0; i < v->ncells; i++)
      if (strcmp(v->cells[i].predictor, v->names[p]) == 0)
        leads[nl++] = v->cells[i].lead_seconds;
    qsort(leads, (size_t)nl, sizeof *leads, cmp_int);
    for (int l = 0; l < nl; l++)
      cell_rows(v, &v->cells[find_cell(v, v->names[p], leads[l])], &b);
    b.st = b.st ? b.st : pool(v, v->names[p], &pooled);
    if (!b.st) {
      cell_rows(v, &pooled, &b);
      cell_free(&pooled);
    }
  }
  free(leads);
  if (b.st) {
    free(b.rows);
    return b.st;
  }
  *rows = b.rows;
  *nrows = b.n;
  return RN_OK;
}
