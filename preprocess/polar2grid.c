/* polar2grid.c - a polar volume onto a grid: the warm path, a gather over the
 * lookup table (lut.c) with the volume's own ray azimuths (see polar2grid.h). */
#include <radnow/polar2grid.h>

#include <radnow/log.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lut.h"

void rn_p2g_options_init(struct rn_p2g_options *o)
{
  memset(o, 0, sizeof *o);
  o->product = RN_PRODUCT_PCAPPI;
  o->method = RN_INTERP_NEAREST;
}

enum rn_status rn_p2g_product_parse(const char *s, struct rn_p2g_options *o)
{
  if (strcasecmp(s, "pcappi") == 0) {
    o->product = RN_PRODUCT_PCAPPI;
    return RN_OK;
  }
  if (strcasecmp(s, "cmax") == 0) {
    o->product = RN_PRODUCT_CMAX;
    return RN_OK;
  }
  if (strncasecmp(s, "cappi:", 6) == 0) {
    char *end;
    double h = strtod(s + 6, &end);
    if (end != s + 6 && *end == '\0' && isfinite(h) && h > -500 && h < 30000) {
      o->product = RN_PRODUCT_CAPPI;
      o->cappi_height = h;
      return RN_OK;
    }
  }
  return rn_error(RN_EUSAGE, "product '%s': want pcappi, cmax or cappi:HEIGHT_M", s);
}

const char *rn_p2g_product_name(const struct rn_p2g_options *o, char *buf, size_t size)
{
  switch (o->product) {
  case RN_PRODUCT_CAPPI: snprintf(buf, size, "cappi:%g", o->cappi_height); break;
  case RN_PRODUCT_CMAX: snprintf(buf, size, "cmax"); break;
  default: snprintf(buf, size, "pcappi"); break;
  }
  return buf;
}

enum rn_status rn_p2g_method_parse(const char *s, enum rn_interp *m)
{
  if (strcasecmp(s, "nearest") == 0)
    *m = RN_INTERP_NEAREST;
  else if (strcasecmp(s, "bilinear") == 0)
    *m = RN_INTERP_BILINEAR;
  else
    return rn_error(RN_EUSAGE, "method '%s': want nearest or bilinear", s);
  return RN_OK;
}

/* ---- azimuth -> rays, per sweep of this volume --------------------------------- */

/* For one azimuth bin: the rays on either side and the weight of r1. */
struct azent {
  int16_t r0, r1; /* r0 < 0: no ray covers this azimuth */
  float w;
};

struct sweep_view {
  const float *data;   /* R x G, NULL when the sweep lacks the quantity */
  int nrays, ngates;
  const struct azent *az; /* RN_AZBINS entries, shared by sweeps with the same rays */
  const int16_t *ray;     /* RN_AZBINS entries: the nearest ray, -1 none */
};

struct ray_az {
  double az;
  int ray;
};

static int cmp_ray_az(const void *a, const void *b)
{
  const struct ray_az *x = a, *y = b;
  if (x->az != y->az)
    return x->az < y->az ? -1 : 1;
  return (x->ray > y->ray) - (x->ray < y->ray);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Rays sorted by azimuth cut the circle into gaps. A bin inside a normal gap
 * (at most 1.5 times the median ray spacing) lies between its two rays; in
 * a wider gap (missing rays, the edges of a sector scan) a bin belongs to a
 * ray only within half a ray spacing of it. */
static enum rn_status build_aztab(const struct rn_sweep *sw, struct azent *tab)
{
  const int n = sw->nrays;
  struct ray_az *ra = NULL;
  double *gap = NULL, d;
  enum rn_status st = RN_OK;

  for (int b = 0; b < RN_AZBINS; b++)
    tab[b].r0 = tab[b].r1 = -1, tab[b].w = 0;
  if (n <= 0)
    return RN_OK;
  if (n > INT16_MAX)
    return rn_error(RN_EUNSUPPORTED, "grid: sweep at %g deg has %d rays, at most %d supported",
                    sw->elevation, n, INT16_MAX);
  ra = malloc((size_t)n * sizeof *ra);
  gap = malloc((size_t)n * sizeof *gap);
  if (!ra || !gap) {
    st = rn_error(RN_ENOMEM, "grid: out of memory");
    goto out;
  }
  for (int i = 0; i < n; i++) {
    double a = fmod(sw->azimuth[i], 360.0);
    ra[i].az = a < 0 ? a + 360 : a;
    ra[i].ray = i;
    if (!isfinite(ra[i].az)) {
      st = rn_error(RN_EFORMAT, "grid: sweep at %g deg: ray %d has no valid azimuth",
                    sw->elevation, i);
      goto out;
    }
  }
  qsort(ra, (size_t)n, sizeof *ra, cmp_ray_az);
  for (int i = 0; i < n; i++)
    gap[i] = (i + 1 < n ? ra[i + 1].az : ra[0].az + 360) - ra[i].az;
  {
    double *sorted = malloc((size_t)n * sizeof *sorted);
    if (!sorted) {
      st = rn_error(RN_ENOMEM, "grid: out of memory");
      goto out;
    }
    memcpy(sorted, gap, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
    d = sorted[n / 2];
    free(sorted);
  }
  if (!(d > 0))
    d = 360.0 / n;
  for (int i = 0; i < n; i++) {
    int r0 = ra[i].ray, r1 = ra[(i + 1) % n].ray;
    double a = ra[i].az, g = gap[i], bpd = RN_AZBINS / 360.0;
    long b0 = (long)ceil(a * bpd - 0.5), b1 = (long)ceil((a + g) * bpd - 0.5);
    for (long b = b0; b < b1; b++) {
      struct azent *e = &tab[((b % RN_AZBINS) + RN_AZBINS) % RN_AZBINS];
      double t = (b + 0.5) / bpd - a; /* degrees past ray r0 */
      if (g <= 1.5 * d) {
        e->r0 = (int16_t)r0;
        e->r1 = (int16_t)r1;
        e->w = g > 0 ? (float)(t / g) : 0;
      } else if (t <= d / 2) {
        e->r0 = e->r1 = (int16_t)r0;
        e->w = 0;
      } else if (g - t <= d / 2) {
        e->r0 = e->r1 = (int16_t)r1;
        e->w = 0;
      }
    }
  }
out:
  free(ra);
  free(gap);
  return st;
}

/* ---- sampling ------------------------------------------------------------------ */

static inline int is_echo(float v)
{
  return isfinite(v);
}

/* Value of one sweep at fractional gate q in azimuth bin b: NaN nodata,
 * -inf undetect, else dBZ (see polar2grid.h for the rules). */
static inline float sample_nearest(const struct sweep_view *sv, unsigned b, float q)
{
  const int G = sv->ngates, r = sv->ray[b];
  int g = (int)(q + 0.5f);
  if (r < 0)
    return NAN;
  if (g > G - 1)
    g = G - 1;
  return sv->data[(size_t)r * G + g];
}

static inline float sample_bilinear(const struct sweep_view *sv, unsigned b, float q)
{
  const struct azent *a = &sv->az[b];
  const int G = sv->ngates;
  int g0 = (int)floorf(q), g1;
  float wg = q - (float)g0, wa = a->w, v00, v01, v10, v11;
  const float *d0, *d1;
  if (a->r0 < 0)
    return NAN;
  if (g0 < 0) {
    g0 = 0;
    wg = 0;
  } else if (g0 >= G - 1) {
    g0 = G - 1;
    wg = 0;
  }
  g1 = wg > 0 ? g0 + 1 : g0;
  d0 = sv->data + (size_t)a->r0 * G;
  d1 = sv->data + (size_t)a->r1 * G;
  v00 = d0[g0], v01 = d0[g1], v10 = d1[g0], v11 = d1[g1];
  if (is_echo(v00) && is_echo(v01) && is_echo(v10) && is_echo(v11)) {
    /* a + t (b - a): exact where neighbours are equal */
    float v0 = v00 + wg * (v01 - v00), v1 = v10 + wg * (v11 - v10);
    return v0 + wa * (v1 - v0);
  }
  return wa < 0.5f ? (wg < 0.5f ? v00 : v01) : (wg < 0.5f ? v10 : v11);
}

static inline float sample(const struct sweep_view *sv, unsigned b, float q, int bilinear)
{
  if (isnan(q) || !sv->data)
    return NAN;
  return bilinear ? sample_bilinear(sv, b, q) : sample_nearest(sv, b, q);
}

/* One pass over the pixels per sweep keeps that sweep's data, azimuth
 * table and slice of the table in cache. acc starts as NaN. pcappi fills
 * only pixels still without data (sweeps go upwards); cmax keeps the
 * maximum (undetect, -inf, loses to any echo; NaN to anything). Called
 * inside a parallel region: every sweep's loop gives each thread the same
 * pixels (static schedule, same bounds), so the passes need no barrier. */
static void gather_sweep(float *restrict acc, const struct rn_lut *lut, size_t npix, int k,
                         const struct sweep_view *sv, int bilinear, int pcappi)
{
  const float *restrict gp = lut->gpos + (size_t)k * npix;
  const uint16_t *restrict azbin = lut->azbin;
  if (!sv->data)
    return;
#define GATHER(SAMPLE)                                                                            \
  _Pragma("omp for schedule(static) nowait") for (size_t p = 0; p < npix; p++)                   \
  {                                                                                               \
    float q = gp[p], v;                                                                           \
    if (isnan(q) || (pcappi && !isnan(acc[p])))                                                   \
      continue;                                                                                   \
    v = SAMPLE(sv, azbin[p], q);                                                                  \
    if (!isnan(v) && !(v <= acc[p]))                                                              \
      acc[p] = v;                                                                                 \
  }
  if (bilinear)
    GATHER(sample_bilinear)
  else
    GATHER(sample_nearest)
#undef GATHER
}

static void gather_cappi(float *restrict acc, const struct rn_lut *lut, size_t npix,
                         const struct sweep_view *sv, int bilinear)
{
#pragma omp for schedule(static) nowait
  for (size_t p = 0; p < npix; p++) {
    const int k = lut->cap_k[p];
    const float w = lut->cap_w[p];
    const unsigned b = lut->azbin[p];
    float v, v1;
    if (k == (int)RN_CAPPI_NONE)
      continue;
    v = sample(&sv[k], b, lut->gpos[(size_t)k * npix + p], bilinear);
    if (w > 0) {
      v1 = sample(&sv[k + 1], b, lut->gpos[(size_t)(k + 1) * npix + p], bilinear);
      if (is_echo(v) && is_echo(v1))
        v = v + w * (v1 - v);
      else if (w >= 0.5f ? !isnan(v1) : isnan(v))
        v = v1; /* the nearer sweep, or the other when it has no data */
    }
    acc[p] = v;
  }
}

/* The moment to grid in one sweep: the named one, or DBZH, then TH, then
 * the sweep's only moment. */
static const float *sweep_data(const struct rn_sweep *sw, const char *quantity,
                               const char **found)
{
  const struct rn_moment *m = NULL;
  if (quantity && *quantity)
    m = rn_sweep_moment(sw, quantity);
  else {
    m = rn_sweep_moment(sw, "DBZH");
    if (!m)
      m = rn_sweep_moment(sw, "TH");
    if (!m && sw->nmoments == 1)
      m = &sw->moments[0];
  }
  if (m)
    *found = m->quantity;
  return m ? m->data : NULL;
}

static int same_rays(const struct rn_sweep *a, const struct rn_sweep *b)
{
  return a->nrays == b->nrays &&
         memcmp(a->azimuth, b->azimuth, (size_t)a->nrays * sizeof *a->azimuth) == 0;
}

enum rn_status rn_polar2grid(const struct rn_volume *vol, const char *quantity,
                             const struct rn_grid *grid, const struct rn_p2g_options *opt,
                             struct rn_lut_cache *cache, struct rn_frame *out,
                             float *ground_range)
{
  struct rn_p2g_options defaults;
  struct sweep_view *sv = NULL;
  struct azent *tabs = NULL;
  int16_t *rays = NULL;
  const struct rn_lut *lut;
  struct rn_lut *owned = NULL;
  const char *qname = NULL;
  const size_t npix = (size_t)grid->nx * (size_t)grid->ny;
  int ns = vol->nsweeps, have = 0, bilinear, ntab = 0;
  enum rn_status st = RN_OK;

  memset(out, 0, sizeof *out);
  if (!opt) {
    rn_p2g_options_init(&defaults);
    opt = &defaults;
  }
  bilinear = opt->method == RN_INTERP_BILINEAR;
  if (ns <= 0)
    return rn_error(RN_EFORMAT, "grid: %s: volume has no sweeps",
                    vol->source[0] ? vol->source : "radar");
  sv = calloc((size_t)ns, sizeof *sv);
  tabs = malloc((size_t)ns * RN_AZBINS * sizeof *tabs);
  rays = malloc((size_t)ns * RN_AZBINS * sizeof *rays);
  if (!sv || !tabs || !rays) {
    st = rn_error(RN_ENOMEM, "grid: out of memory");
    goto out;
  }
  for (int k = 0; k < ns; k++) {
    const struct rn_sweep *sw = &vol->sweeps[k];
    int j;
    sv[k].data = sweep_data(sw, quantity, &qname);
    sv[k].nrays = sw->nrays;
    sv[k].ngates = sw->ngates;
    if (sv[k].data)
      have = 1;
    else
      rn_log_debug("grid: %s: sweep %g deg has no %s; counted as nodata", vol->source,
                   sw->elevation, quantity ? quantity : "DBZH or TH");
    for (j = 0; j < k && !same_rays(&vol->sweeps[j], sw); j++)
      ;
    if (j < k) { /* same rays as an earlier sweep: share its table */
      sv[k].az = sv[j].az;
      sv[k].ray = sv[j].ray;
      continue;
    }
    {
      struct azent *t = tabs + (size_t)ntab * RN_AZBINS;
      int16_t *r = rays + (size_t)ntab * RN_AZBINS;
      ntab++;
      st = build_aztab(sw, t);
      if (st)
        goto out;
      for (int b = 0; b < RN_AZBINS; b++)
        r[b] = t[b].w < 0.5f ? t[b].r0 : t[b].r1;
      sv[k].az = t;
      sv[k].ray = r;
    }
  }
  if (!have) {
    st = rn_error(RN_ENOTFOUND, "grid: %s: no sweep has the quantity %s",
                  vol->source[0] ? vol->source : "radar", quantity ? quantity : "DBZH or TH");
    goto out;
  }
  st = rn_lut_get(cache, vol, grid, opt, &lut, &owned);
  if (st)
    goto out;
  st = rn_frame_alloc(out, grid); /* filled with NaN */
  if (st)
    goto out;
  out->time = vol->time;
  snprintf(out->quantity, sizeof out->quantity, "%s", qname ? qname : "");
  rn_p2g_product_name(opt, out->product, sizeof out->product);
  snprintf(out->source, sizeof out->source, "%s", vol->source);

#pragma omp parallel
  {
    if (opt->product == RN_PRODUCT_CAPPI)
      gather_cappi(out->dbz, lut, npix, sv, bilinear);
    else
      for (int k = 0; k < ns; k++)
        gather_sweep(out->dbz, lut, npix, k, &sv[k], bilinear,
                     opt->product == RN_PRODUCT_PCAPPI);
#pragma omp for schedule(static)
    for (size_t p = 0; p < npix; p++) {
      float v = out->dbz[p];
      /* frame.h: undetect and weaker echoes become the no-echo floor */
      out->dbz[p] = v < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : v;
      if (ground_range)
        ground_range[p] = lut->range[p];
    }
  }
out:
  if (st)
    rn_frame_free(out);
  rn_lut_free(owned);
  free(sv);
  free(tabs);
  free(rays);
  return st;
}
