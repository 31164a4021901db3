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

enum rn_status rn_product_parse(const char *s, struct rn_p2g_options *o)
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

const char *rn_product_name(const struct rn_p2g_options *o, char *buf, size_t size)
{
  switch (o->product) {
  case RN_PRODUCT_CAPPI: snprintf(buf, size, "cappi:%g", o->cappi_height); break;
  case RN_PRODUCT_CMAX: snprintf(buf, size, "cmax"); break;
  default: snprintf(buf, size, "pcappi"); break;
  }
  return buf;
}

enum rn_status rn_interp_parse(const char *s, enum rn_interp *m)
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
  const float *data; /* R x G, NULL when the sweep lacks the quantity */
  int nrays, ngates;
  struct azent *az;  /* RN_AZBINS entries */
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

/* Value of one sweep at fractional gate q in the azimuth bin a: NaN
 * nodata, -inf undetect, else dBZ (see polar2grid.h for the rules). */
static inline float sample(const struct sweep_view *sv, const struct azent *a, float q,
                           int bilinear)
{
  const int G = sv->ngates;
  if (isnan(q) || a->r0 < 0 || !sv->data)
    return NAN;
  if (!bilinear) {
    int g = (int)(q + 0.5f), r = a->w < 0.5f ? a->r0 : a->r1;
    if (g > G - 1)
      g = G - 1;
    return sv->data[(size_t)r * G + g];
  } else {
    int g0 = (int)floorf(q), g1;
    float wg = q - (float)g0, wa = a->w;
    const float *d0 = sv->data + (size_t)a->r0 * G, *d1 = sv->data + (size_t)a->r1 * G;
    float v00, v01, v10, v11;
    if (g0 < 0) {
      g0 = 0;
      wg = 0;
    } else if (g0 >= G - 1) {
      g0 = G - 1;
      wg = 0;
    }
    g1 = wg > 0 ? g0 + 1 : g0;
    v00 = d0[g0], v01 = d0[g1], v10 = d1[g0], v11 = d1[g1];
    if (is_echo(v00) && is_echo(v01) && is_echo(v10) && is_echo(v11)) {
      /* a + t (b - a): exact where neighbours are equal */
      float v0 = v00 + wg * (v01 - v00), v1 = v10 + wg * (v11 - v10);
      return v0 + wa * (v1 - v0);
    }
    return wa < 0.5f ? (wg < 0.5f ? v00 : v01) : (wg < 0.5f ? v10 : v11);
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

enum rn_status rn_polar2grid(const struct rn_volume *vol, const char *quantity,
                             const struct rn_grid *grid, const struct rn_p2g_options *opt,
                             struct rn_lut_cache *cache, struct rn_frame *out,
                             float *ground_range)
{
  struct rn_p2g_options defaults;
  struct sweep_view *sv = NULL;
  struct azent *tabs = NULL;
  const struct rn_lut *lut;
  struct rn_lut *owned = NULL;
  const char *qname = NULL;
  const size_t npix = (size_t)grid->nx * (size_t)grid->ny;
  int ns = vol->nsweeps, have = 0, bilinear;
  enum rn_status st;

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
  if (!sv || !tabs) {
    st = rn_error(RN_ENOMEM, "grid: out of memory");
    goto out;
  }
  for (int k = 0; k < ns; k++) {
    const struct rn_sweep *sw = &vol->sweeps[k];
    sv[k].data = sweep_data(sw, quantity, &qname);
    sv[k].nrays = sw->nrays;
    sv[k].ngates = sw->ngates;
    sv[k].az = tabs + (size_t)k * RN_AZBINS;
    if (sv[k].data)
      have = 1;
    else
      rn_log_debug("grid: %s: sweep %g deg has no %s; counted as nodata", vol->source,
                   sw->elevation, quantity ? quantity : "DBZH or TH");
    st = build_aztab(sw, sv[k].az);
    if (st)
      goto out;
  }
  if (!have) {
    st = rn_error(RN_ENOTFOUND, "grid: %s: no sweep has the quantity %s",
                  vol->source[0] ? vol->source : "radar", quantity ? quantity : "DBZH or TH");
    goto out;
  }
  st = rn_lut_get(cache, vol, grid, opt, &lut, &owned);
  if (st)
    goto out;
  st = rn_frame_alloc(out, grid);
  if (st)
    goto out;
  out->time = vol->time;
  snprintf(out->quantity, sizeof out->quantity, "%s", qname ? qname : "");
  rn_product_name(opt, out->product, sizeof out->product);
  snprintf(out->source, sizeof out->source, "%s", vol->source);

#pragma omp parallel for schedule(static)
  for (size_t p = 0; p < npix; p++) {
    const unsigned b = lut->azbin[p];
    const float *gp = lut->gpos + p * (size_t)ns;
    float v = NAN;
    if (b != RN_AZ_NONE) {
      switch (opt->product) {
      case RN_PRODUCT_PCAPPI: /* lowest sweep that measured here */
        for (int k = 0; k < ns && isnan(v); k++)
          v = sample(&sv[k], &sv[k].az[b], gp[k], bilinear);
        break;
      case RN_PRODUCT_CMAX:
        for (int k = 0; k < ns; k++) {
          float x = sample(&sv[k], &sv[k].az[b], gp[k], bilinear);
          if (!isnan(x) && (isnan(v) || x > v))
            v = x;
        }
        break;
      case RN_PRODUCT_CAPPI: {
        const int k = lut->cap_k[p];
        const float w = lut->cap_w[p];
        if (k == (int)RN_CAPPI_NONE)
          break;
        v = sample(&sv[k], &sv[k].az[b], gp[k], bilinear);
        if (w > 0) {
          float v1 = sample(&sv[k + 1], &sv[k + 1].az[b], gp[k + 1], bilinear);
          if (is_echo(v) && is_echo(v1))
            v = v + w * (v1 - v);
          else if (w >= 0.5f ? !isnan(v1) : isnan(v))
            v = v1; /* the nearer sweep, or the other when it has no data */
        }
        break;
      }
      }
    }
    /* frame.h: undetect and weaker echoes become the no-echo floor */
    out->dbz[p] = v < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : v;
    if (ground_range)
      ground_range[p] = lut->range[p];
  }
out:
  if (st)
    rn_frame_free(out);
  rn_lut_free(owned);
  free(sv);
  free(tabs);
  return st;
}
