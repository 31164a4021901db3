/* cuts.c - rays into cuts, split-cut merging, one gate geometry per sweep. */
#include "cuts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Consecutive cuts closer than this in elevation can be the two halves of a
 * split cut (measured median elevations differ by a few hundredths). */
#define SPLIT_CUT_MAX_DELEV 0.3

void rn_cuts_init(struct rn_cuts *c, const char *what, const struct rn_ingest_options *opt)
{
  memset(c, 0, sizeof *c);
  c->what = what;
  if (opt) {
    c->quantity = opt->quantity;
    c->all_quantities = opt->all_quantities;
  }
}

static void cut_free(struct rn_cut *cut)
{
  for (int m = 0; m < cut->nmoments; m++)
    free(cut->moments[m].data);
  free(cut->moments);
  free(cut->azimuth);
  free(cut->ray_elevation);
  free(cut->ray_time);
  memset(cut, 0, sizeof *cut);
}

void rn_cuts_free(struct rn_cuts *c)
{
  for (int i = 0; i < c->ncuts; i++)
    cut_free(&c->cuts[i]);
  free(c->cuts);
  c->cuts = NULL;
  c->ncuts = c->cap = 0;
}

int rn_cuts_wants(const struct rn_cuts *c, const char *q)
{
  if (c->all_quantities)
    return 1;
  if (c->quantity)
    return strcmp(c->quantity, q) == 0;
  return strcmp(q, "DBZH") == 0 || strcmp(q, "TH") == 0;
}

enum rn_status rn_cuts_begin(struct rn_cuts *c, double elevation)
{
  if (c->ncuts == c->cap) {
    int ncap = c->cap ? 2 * c->cap : 16;
    struct rn_cut *n;
    if (c->ncuts >= RN_CUTS_MAX_CUTS)
      return rn_error(RN_EFORMAT, "%s: more than %d cuts", c->what, RN_CUTS_MAX_CUTS);
    n = realloc(c->cuts, (size_t)ncap * sizeof *n);
    if (!n)
      return rn_error(RN_ENOMEM, "%s: out of memory for cuts", c->what);
    c->cuts = n;
    c->cap = ncap;
  }
  memset(&c->cuts[c->ncuts], 0, sizeof c->cuts[0]);
  c->cuts[c->ncuts].elevation = elevation;
  c->ncuts++;
  return RN_OK;
}

struct rn_cut *rn_cuts_current(struct rn_cuts *c)
{
  return c->ncuts ? &c->cuts[c->ncuts - 1] : NULL;
}

static void fill_nodata(float *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    p[i] = RN_NODATA;
}

static enum rn_status grow_rays(struct rn_cuts *c, struct rn_cut *cut)
{
  int ncap = cut->cap ? 2 * cut->cap : 512;
  double *a, *e, *t;
  if (cut->nrays >= RN_CUTS_MAX_RAYS)
    return rn_error(RN_EFORMAT, "%s: cut %d has more than %d rays", c->what, c->ncuts,
                    RN_CUTS_MAX_RAYS);
  a = realloc(cut->azimuth, (size_t)ncap * sizeof *a);
  if (a)
    cut->azimuth = a;
  e = realloc(cut->ray_elevation, (size_t)ncap * sizeof *e);
  if (e)
    cut->ray_elevation = e;
  t = realloc(cut->ray_time, (size_t)ncap * sizeof *t);
  if (t)
    cut->ray_time = t;
  if (!a || !e || !t)
    return rn_error(RN_ENOMEM, "%s: out of memory for rays", c->what);
  for (int m = 0; m < cut->nmoments; m++) {
    struct rn_cut_moment *mo = &cut->moments[m];
    size_t old = (size_t)cut->cap * (size_t)mo->ngates, want = (size_t)ncap * (size_t)mo->ngates;
    float *d = realloc(mo->data, want * sizeof *d);
    if (!d)
      return rn_error(RN_ENOMEM, "%s: out of memory for %s", c->what, mo->quantity);
    fill_nodata(d + old, want - old);
    mo->data = d;
  }
  cut->cap = ncap;
  return RN_OK;
}

enum rn_status rn_cuts_add_ray(struct rn_cuts *c, double azimuth, double elevation, double time,
                               int *ray)
{
  struct rn_cut *cut = rn_cuts_current(c);
  enum rn_status st;
  if (!cut)
    return rn_error(RN_EINTERNAL, "%s: ray before the first cut", c->what);
  if (cut->nrays == cut->cap && (st = grow_rays(c, cut)))
    return st;
  azimuth = fmod(azimuth, 360.0);
  if (azimuth < 0)
    azimuth += 360.0;
  cut->azimuth[cut->nrays] = azimuth;
  cut->ray_elevation[cut->nrays] = elevation;
  cut->ray_time[cut->nrays] = time;
  *ray = cut->nrays++;
  return RN_OK;
}

/* Widen the row stride of a moment to g gates (rare: a later ray is longer). */
static enum rn_status restride(struct rn_cuts *c, struct rn_cut *cut, struct rn_cut_moment *mo,
                               int g)
{
  float *d = malloc((size_t)cut->cap * (size_t)g * sizeof *d);
  if (!d)
    return rn_error(RN_ENOMEM, "%s: out of memory for %s", c->what, mo->quantity);
  fill_nodata(d, (size_t)cut->cap * (size_t)g);
  for (int r = 0; r < cut->cap; r++)
    memcpy(d + (size_t)r * g, mo->data + (size_t)r * mo->ngates, (size_t)mo->ngates * sizeof *d);
  free(mo->data);
  mo->data = d;
  mo->ngates = g;
  return RN_OK;
}

enum rn_status rn_cuts_ray_moment(struct rn_cuts *c, int ray, const char *q, double first,
                                  double spacing, int ngates, float **out)
{
  struct rn_cut *cut = rn_cuts_current(c);
  struct rn_cut_moment *mo = NULL;
  enum rn_status st;
  if (!cut || ray < 0 || ray >= cut->nrays)
    return rn_error(RN_EINTERNAL, "%s: moment %s of a ray not in the cut", c->what, q);
  if (ngates <= 0 || ngates > RN_CUTS_MAX_GATES || !(spacing > 0) || !isfinite(first))
    return rn_error(RN_EFORMAT, "%s: cut %d ray %d: %s has %d gates of %g m from %g m", c->what,
                    c->ncuts, ray + 1, q, ngates, spacing, first);
  for (int m = 0; m < cut->nmoments; m++)
    if (strcmp(cut->moments[m].quantity, q) == 0)
      mo = &cut->moments[m];
  if (!mo) {
    struct rn_cut_moment *n = realloc(cut->moments, (size_t)(cut->nmoments + 1) * sizeof *n);
    if (!n)
      return rn_error(RN_ENOMEM, "%s: out of memory for %s", c->what, q);
    cut->moments = n;
    mo = &cut->moments[cut->nmoments];
    memset(mo, 0, sizeof *mo);
    snprintf(mo->quantity, sizeof mo->quantity, "%s", q);
    mo->first = first;
    mo->spacing = spacing;
    mo->ngates = ngates;
    mo->data = malloc((size_t)cut->cap * (size_t)ngates * sizeof *mo->data);
    if (!mo->data)
      return rn_error(RN_ENOMEM, "%s: out of memory for %s", c->what, q);
    fill_nodata(mo->data, (size_t)cut->cap * (size_t)ngates);
    cut->nmoments++;
  } else if (fabs(mo->first - first) > 1e-3 || fabs(mo->spacing - spacing) > 1e-3) {
    return rn_error(RN_EFORMAT,
                    "%s: cut %d ray %d: %s gates change within the cut (%g m from %g m, were %g m "
                    "from %g m)",
                    c->what, c->ncuts, ray + 1, q, spacing, first, mo->spacing, mo->first);
  }
  if (ngates > mo->ngates && (st = restride(c, cut, mo, ngates)))
    return st;
  *out = mo->data + (size_t)ray * mo->ngates;
  return RN_OK;
}

static const struct rn_cut_moment *cut_moment(const struct rn_cut *cut, const char *q)
{
  for (int m = 0; m < cut->nmoments; m++)
    if (strcmp(cut->moments[m].quantity, q) == 0)
      return &cut->moments[m];
  return NULL;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
  double *s = malloc((size_t)n * sizeof *s), m;
  if (!s)
    return v[0];
  memcpy(s, v, (size_t)n * sizeof *s);
  qsort(s, (size_t)n, sizeof *s, cmp_double);
  m = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  free(s);
  return m;
}

static double cut_elevation(const struct rn_cut *cut)
{
  if (isfinite(cut->elevation) || cut->nrays == 0)
    return cut->elevation;
  return median(cut->ray_elevation, cut->nrays);
}

struct az_index {
  double az;
  int ray;
};

static int cmp_az(const void *a, const void *b)
{
  double x = ((const struct az_index *)a)->az, y = ((const struct az_index *)b)->az;
  return (x > y) - (x < y);
}

static double az_dist(double a, double b)
{
  double d = fabs(a - b);
  return d > 180 ? 360 - d : d;
}

/* Ray of the sorted index nearest to azimuth az (wrapping at 360). */
static int nearest_ray(const struct az_index *ix, int n, double az, double *dist)
{
  int lo = 0, hi = n; /* first element >= az */
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (ix[mid].az < az)
      lo = mid + 1;
    else
      hi = mid;
  }
  int cand[2] = {lo % n, (lo + n - 1) % n}, best = cand[0];
  double bd = az_dist(ix[cand[0]].az, az), d2 = az_dist(ix[cand[1]].az, az);
  if (d2 < bd) {
    bd = d2;
    best = cand[1];
  }
  *dist = bd;
  return ix[best].ray;
}

/* Give cut a the moments of Doppler cut b it lacks, ray by nearest azimuth. */
static enum rn_status merge_split(struct rn_cuts *c, struct rn_cut *a, struct rn_cut *b)
{
  struct az_index *ix;
  double tol = 360.0 / b->nrays; /* one ray of the Doppler cut */
  if (b->nrays == 0 || a->nrays == 0)
    return RN_OK;
  ix = malloc((size_t)b->nrays * sizeof *ix);
  if (!ix)
    return rn_error(RN_ENOMEM, "%s: out of memory merging split cuts", c->what);
  for (int r = 0; r < b->nrays; r++) {
    ix[r].az = b->azimuth[r];
    ix[r].ray = r;
  }
  qsort(ix, (size_t)b->nrays, sizeof *ix, cmp_az);
  for (int m = 0; m < b->nmoments; m++) {
    struct rn_cut_moment *src = &b->moments[m], *dst, *n;
    if (cut_moment(a, src->quantity))
      continue;
    n = realloc(a->moments, (size_t)(a->nmoments + 1) * sizeof *n);
    if (!n) {
      free(ix);
      return rn_error(RN_ENOMEM, "%s: out of memory merging split cuts", c->what);
    }
    a->moments = n;
    dst = &a->moments[a->nmoments];
    *dst = *src;
    dst->data = malloc((size_t)a->cap * (size_t)src->ngates * sizeof *dst->data);
    if (!dst->data) {
      free(ix);
      return rn_error(RN_ENOMEM, "%s: out of memory merging split cuts", c->what);
    }
    fill_nodata(dst->data, (size_t)a->cap * (size_t)src->ngates);
    a->nmoments++;
    for (int r = 0; r < a->nrays; r++) {
      double d;
      int j = nearest_ray(ix, b->nrays, a->azimuth[r], &d);
      if (d <= tol)
        memcpy(dst->data + (size_t)r * src->ngates, src->data + (size_t)j * src->ngates,
               (size_t)src->ngates * sizeof *dst->data);
    }
  }
  free(ix);
  a->has_doppler = 1;
  return RN_OK;
}

/* Put cut moment mo onto the sweep's gates (first, spacing, G). */
static enum rn_status place(const struct rn_cut_moment *mo, int nrays, float *out, double first,
                            double spacing, int G)
{
  double edge0 = mo->first - 0.5 * mo->spacing; /* near edge of the moment's gate 0 */
  int *src;
  if (fabs(mo->first - first) < 1e-6 && fabs(mo->spacing - spacing) < 1e-6) {
    int n = mo->ngates < G ? mo->ngates : G;
    for (int r = 0; r < nrays; r++)
      memcpy(out + (size_t)r * G, mo->data + (size_t)r * mo->ngates, (size_t)n * sizeof *out);
    return RN_OK;
  }
  /* The moment's gate that holds each sweep gate's centre, or -1. */
  src = rn_malloc((unsigned long long)G * sizeof *src, "gate map");
  if (!src)
    return RN_ENOMEM;
  for (int g = 0; g < G; g++) {
    double j = floor((first + g * spacing - edge0) / mo->spacing);
    src[g] = j >= 0 && j < mo->ngates ? (int)j : -1;
  }
  for (int r = 0; r < nrays; r++) {
    const float *in = mo->data + (size_t)r * mo->ngates;
    float *o = out + (size_t)r * G;
    for (int g = 0; g < G; g++)
      if (src[g] >= 0)
        o[g] = in[src[g]];
  }
  free(src);
  return RN_OK;
}

static enum rn_status build_sweep(struct rn_cuts *c, struct rn_cut *cut, struct rn_sweep *sw)
{
  const struct rn_cut_moment *ref = &cut->moments[0];
  double first, spacing, end = -INFINITY, tmin = INFINITY, tmax = -INFINITY;
  int G, have_time = 0;
  enum rn_status st;
  for (int m = 1; m < cut->nmoments; m++) {
    const struct rn_cut_moment *mo = &cut->moments[m];
    if (mo->spacing < ref->spacing - 1e-6 ||
        (fabs(mo->spacing - ref->spacing) < 1e-6 && mo->first < ref->first))
      ref = mo;
  }
  for (int m = 0; m < cut->nmoments; m++) {
    const struct rn_cut_moment *mo = &cut->moments[m];
    double e = mo->first + (mo->ngates - 0.5) * mo->spacing;
    if (e > end)
      end = e;
  }
  spacing = ref->spacing;
  first = ref->first;
  if (first < 0) /* no gate centres behind the radar */
    first += ceil(-first / spacing) * spacing;
  G = (int)floor((end - (first - 0.5 * spacing)) / spacing + 1e-6);
  if (G <= 0 || G > 4 * RN_CUTS_MAX_GATES)
    return rn_error(RN_EFORMAT, "%s: cut with %d gates", c->what, G);
  if ((st = rn_sweep_alloc(sw, cut->nrays, G)))
    return rn_error_prefix(st, "%s", c->what);
  sw->elevation = cut_elevation(cut);
  sw->first_gate = first;
  sw->gate_spacing = spacing;
  memcpy(sw->azimuth, cut->azimuth, (size_t)cut->nrays * sizeof *sw->azimuth);
  sw->ray_elevation = rn_malloc((unsigned long long)cut->nrays * sizeof(double), "ray elevations");
  if (!sw->ray_elevation)
    return RN_ENOMEM;
  memcpy(sw->ray_elevation, cut->ray_elevation, (size_t)cut->nrays * sizeof(double));
  for (int r = 0; r < cut->nrays; r++) {
    double t = cut->ray_time[r];
    if (isfinite(t)) {
      have_time = 1;
      tmin = t < tmin ? t : tmin;
      tmax = t > tmax ? t : tmax;
    }
  }
  if (have_time) {
    sw->ray_time = rn_malloc((unsigned long long)cut->nrays * sizeof(double), "ray times");
    if (!sw->ray_time)
      return RN_ENOMEM;
    memcpy(sw->ray_time, cut->ray_time, (size_t)cut->nrays * sizeof(double));
    sw->start_time = (rn_time)floor(tmin);
    sw->end_time = (rn_time)floor(tmax);
  }
  for (int m = 0; m < cut->nmoments; m++) {
    struct rn_moment *out;
    if ((st = rn_sweep_add_moment(sw, cut->moments[m].quantity, &out)))
      return rn_error_prefix(st, "%s", c->what);
    if ((st = place(&cut->moments[m], cut->nrays, out->data, first, spacing, G)))
      return st;
  }
  return RN_OK;
}

static int volume_has(const struct rn_cuts *c, const char *q)
{
  for (int i = 0; i < c->ncuts; i++)
    if (cut_moment(&c->cuts[i], q))
      return 1;
  return 0;
}

static void drop_moment(struct rn_cut *cut, const char *q)
{
  for (int m = 0; m < cut->nmoments; m++)
    if (strcmp(cut->moments[m].quantity, q) == 0) {
      free(cut->moments[m].data);
      memmove(&cut->moments[m], &cut->moments[m + 1],
              (size_t)(cut->nmoments - m - 1) * sizeof cut->moments[0]);
      cut->nmoments--;
      return;
    }
}

enum rn_status rn_cuts_to_volume(struct rn_cuts *c, struct rn_volume *vol)
{
  enum rn_status st = RN_OK;
  int n = 0;
  for (int i = 0; i + 1 < c->ncuts; i++) {
    struct rn_cut *a = &c->cuts[i], *b = &c->cuts[i + 1];
    if (a->has_doppler || !b->has_doppler || a->nrays == 0 ||
        !(fabs(cut_elevation(a) - cut_elevation(b)) <= SPLIT_CUT_MAX_DELEV))
      continue;
    if ((st = merge_split(c, a, b)))
      goto done;
    cut_free(b);
    i++;
  }
  if (!c->quantity && !c->all_quantities && volume_has(c, "DBZH"))
    for (int i = 0; i < c->ncuts; i++)
      drop_moment(&c->cuts[i], "TH");
  for (int i = 0; i < c->ncuts; i++)
    if (c->cuts[i].nrays > 0 && c->cuts[i].nmoments > 0)
      n++;
  if (n == 0) {
    if (c->quantity)
      st = rn_error(RN_ENOTFOUND, "%s: no quantity %s in the file", c->what, c->quantity);
    else
      st = rn_error(RN_ENOTFOUND, "%s: no %s in the file", c->what,
                    c->all_quantities ? "radial data" : "reflectivity (DBZH or TH)");
    goto done;
  }
  if ((st = rn_volume_alloc_sweeps(vol, n)))
    goto done;
  n = 0;
  for (int i = 0; i < c->ncuts; i++) {
    struct rn_cut *cut = &c->cuts[i];
    if (cut->nrays == 0 || cut->nmoments == 0)
      continue;
    if ((st = build_sweep(c, cut, &vol->sweeps[n++])))
      goto done;
    cut_free(cut); /* release memory early: volumes can be large */
  }
  rn_volume_sort_sweeps(vol);
done:
  rn_cuts_free(c);
  return st;
}
