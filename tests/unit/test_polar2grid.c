/* test_polar2grid.c - beam model, lookup tables and gridding of synthetic
 * volumes built in memory. Expected gates are found independently of the
 * library's mapping: pixel centres go to lon/lat (rn_grid_lonlat), the
 * geodesic from the site comes from PROJ's geodesic routines, and the slant
 * range is found by bisection on the forward beam model. */
#include <radnow/beam.h>
#include <radnow/log.h>
#include <radnow/polar2grid.h>

#include <geodesic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#define SITE_LAT 50.9
#define SITE_LON 4.5
#define SITE_H 100.0
#define NRAYS 360
#define NGATES 400
#define GATE0 250.0
#define DGATE 500.0
#define A1GATE 100 /* the first ray stored is not the one at north */

static const double elevations[] = {0.5, 1.5, 3.0, 6.0};
#define NSWEEPS 4

/* value stored in sweep k, ray index r (azimuth r + 0.5 deg), gate g */
typedef float (*field_fn)(int k, int r, int g);

static float field_id(int k, int r, int g)
{
  return (float)(k * 1000000 + r * 1000 + g) * 1e-3f; /* unique per gate */
}

static void make_volume(struct rn_volume *v, int nsweeps, field_fn f, double az_jitter)
{
  memset(v, 0, sizeof *v);
  snprintf(v->source, sizeof v->source, "synthetic");
  v->lat = SITE_LAT;
  v->lon = SITE_LON;
  v->height = SITE_H;
  v->time = 1581080400;
  if (rn_volume_alloc_sweeps(v, nsweeps))
    abort();
  for (int k = 0; k < nsweeps; k++) {
    struct rn_sweep *sw = &v->sweeps[k];
    struct rn_moment *m;
    if (rn_sweep_alloc(sw, NRAYS, NGATES) || rn_sweep_add_moment(sw, "DBZH", &m))
      abort();
    sw->elevation = elevations[k];
    sw->first_gate = GATE0;
    sw->gate_spacing = DGATE;
    for (int i = 0; i < NRAYS; i++) {
      int r = (i + A1GATE) % NRAYS; /* storage order starts at ray A1GATE */
      sw->azimuth[i] = r + 0.5 + az_jitter * sin(i * 1.7);
      for (int g = 0; g < NGATES; g++)
        m->data[(size_t)i * NGATES + g] = f(k, r, g);
    }
  }
}

/* Slant range whose ground range is s, by bisection on the forward model. */
static double slant_by_bisection(const struct rn_beam *b, double s, double el)
{
  double lo = 0, hi = 3 * s + 1000;
  for (int i = 0; i < 64; i++) {
    double mid = 0.5 * (lo + hi), g;
    rn_beam_gate(b, mid, el, NULL, &g);
    if (g < s)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

static void test_beam(void)
{
  /* Values from the formulas of beam.h evaluated independently (double
   * precision, a = 6371 km, k = 4/3). */
  static const struct {
    double r, el, h0, h, s;
  } t[] = {{100e3, 0.5, 100, 1561.132503, 99981.303724},
           {50e3, 10.0, 0, 8824.975972, 49189.560573},
           {200e3, 0.3, 500, 3900.930426, 199935.678746},
           {1000, 45.0, 50, 757.136209, 707.047924}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    struct rn_beam b;
    double h, s, r, el;
    rn_beam_init(&b, t[i].h0, 0, 0);
    rn_beam_gate(&b, t[i].r, t[i].el, &h, &s);
    CHECK_NEAR(h, t[i].h, 1e-5);
    CHECK_NEAR(s, t[i].s, 1e-5);
    CHECK_NEAR(rn_beam_slant_range(&b, s, t[i].el), t[i].r, 1e-6 * t[i].r);
    rn_beam_point(&b, s, h, &el, &r);
    CHECK_NEAR(el, t[i].el, 1e-9);
    CHECK_NEAR(r, t[i].r, 1e-6 * t[i].r);
  }
  {
    struct rn_beam b;
    rn_beam_init(&b, 0, 0, 0);
    CHECK(isnan(rn_beam_slant_range(&b, 9e6, 45))); /* beyond the horizon of that beam */
  }
}

/* Expected value at every pixel, computed the independent way; returns the
 * number of pixels compared. Pixels within a hair of a ray or gate boundary
 * are skipped (rounding may go either way there). */
static int compare_nearest(const struct rn_frame *fr, enum rn_p2g_product product, int k_only,
                           double max_range, int *mismatches)
{
  const struct rn_grid *g = &fr->grid;
  size_t npix = (size_t)g->nx * g->ny;
  double *lon = malloc(npix * sizeof *lon), *lat = malloc(npix * sizeof *lat);
  struct geod_geodesic geod;
  struct rn_beam beam;
  int n = 0;
  *mismatches = 0;
  geod_init(&geod, 6378137, 1 / 298.257223563);
  rn_beam_init(&beam, SITE_H, 0, 0);
  CHECK_OK(rn_grid_lonlat(g, lon, lat));
  for (size_t p = 0; p < npix; p += 7) {
    double s, az, az2, want = NAN;
    int skip = 0;
    geod_inverse(&geod, SITE_LAT, SITE_LON, lat[p], lon[p], &s, &az, &az2);
    if (az < 0)
      az += 360;
    if (az - floor(az) < 0.02 || az - floor(az) > 0.98)
      continue; /* ray boundaries are at whole degrees */
    if (max_range > 0 && fabs(s - max_range) < 100)
      continue;
    for (int k = 0; k < NSWEEPS; k++) {
      double r = slant_by_bisection(&beam, s, elevations[k]), q = (r - GATE0) / DGATE;
      int gate = (int)floor(q + 0.5), ray = (int)floor(az) % NRAYS; /* ray r: [r, r + 1) deg */
      float v;
      if (fabs(q - floor(q) - 0.5) < 0.01 || fabs(q + 0.5) < 0.01 || fabs(q - (NGATES - 0.5)) < 0.01)
        skip = 1;
      if (q < -0.5 || q > NGATES - 0.5 || (max_range > 0 && s > max_range))
        continue;
      if (k_only >= 0 && k != k_only)
        continue;
      v = field_id(k, ray, gate);
      if (product == RN_PRODUCT_PCAPPI) {
        if (isnan(want))
          want = v;
      } else if (isnan(want) || v > want) {
        want = v;
      }
    }
    if (skip)
      continue;
    n++;
    if (!((isnan(want) && isnan(fr->dbz[p])) || want == fr->dbz[p])) {
      if (*mismatches < 5)
        fprintf(stderr, "pixel %zu: s %.1f az %.4f: got %.3f want %.3f\n", p, s, az,
                fr->dbz[p], want);
      (*mismatches)++;
    }
  }
  free(lon);
  free(lat);
  return n;
}

static void test_nearest_on(const char *crs, double res, int size)
{
  struct rn_volume vol;
  struct rn_grid grid;
  struct rn_frame fr;
  struct rn_p2g_options opt;
  struct rn_lut_cache *cache = rn_lut_cache_new(NULL, 0);
  int bad, n;

  make_volume(&vol, NSWEEPS, field_id, 0);
  CHECK_OK(rn_grid_centered(&grid, crs, SITE_LAT + 0.3, SITE_LON - 0.2, size, size, res));
  rn_p2g_options_init(&opt);
  CHECK_OK(rn_polar2grid(&vol, NULL, &grid, &opt, cache, &fr, NULL));
  n = compare_nearest(&fr, RN_PRODUCT_PCAPPI, -1, 0, &bad);
  fprintf(stderr, "%s pcappi nearest: %d pixels compared, %d mismatches\n", crs ? crs : "aeqd",
          n, bad);
  CHECK(n > 1000);
  CHECK(bad == 0);
  CHECK_STR(fr.product, "pcappi");
  CHECK_STR(fr.quantity, "DBZH");
  rn_frame_free(&fr);

  opt.product = RN_PRODUCT_CMAX;
  opt.max_range = 120e3;
  CHECK_OK(rn_polar2grid(&vol, "DBZH", &grid, &opt, cache, &fr, NULL));
  n = compare_nearest(&fr, RN_PRODUCT_CMAX, -1, 120e3, &bad);
  fprintf(stderr, "%s cmax nearest, 120 km: %d pixels compared, %d mismatches\n",
          crs ? crs : "aeqd", n, bad);
  CHECK(n > 1000);
  CHECK(bad == 0);
  rn_frame_free(&fr);
  rn_grid_free(&grid);
  rn_volume_free(&vol);
  rn_lut_cache_free(cache);
}

/* Undetect, nodata and the lowest-valid rule of pcappi. */
static float field_states(int k, int r, int g)
{
  if (k == 0 && r >= 90 && r < 120)
    return RN_NODATA; /* blocked sector on the lowest sweep */
  if (g < 40)
    return RN_UNDETECT;
  if (k == 0 && r >= 200 && r < 210 && g >= 100 && g < 120)
    return RN_NODATA;
  return (float)(10 * k + 5);
}

static void test_states(void)
{
  struct rn_volume vol;
  struct rn_grid grid;
  struct rn_frame fr;
  struct rn_p2g_options opt;
  double x[201], y[201];
  int n_undetect = 0, n_blocked = 0, n_hole = 0, n_outside = 0, bad = 0;

  make_volume(&vol, NSWEEPS, field_states, 0);
  CHECK_OK(rn_grid_centered(&grid, NULL, SITE_LAT, SITE_LON, 201, 201, 2000));
  for (int m = 0; m < 2; m++) {
    rn_p2g_options_init(&opt);
    opt.method = m ? RN_INTERP_BILINEAR : RN_INTERP_NEAREST;
    CHECK_OK(rn_polar2grid(&vol, NULL, &grid, &opt, NULL, &fr, NULL));
    rn_grid_xy(&grid, x, y);
    for (int j = 0; j < 201; j++)
      for (int i = 0; i < 201; i++) {
        double s = hypot(x[i], y[j]), az = atan2(x[i], y[j]) * 180 / M_PI;
        float v = fr.dbz[(size_t)j * 201 + i];
        if (az < 0)
          az += 360;
        /* away from boundaries, the state is known exactly */
        if (s < 10e3 && s > 3e3) {
          n_undetect++;
          bad += v != RN_DBZ_NOECHO;
        } else if (s > 30e3 && s < 150e3 && az > 92 && az < 118) {
          n_blocked++; /* lowest sweep blocked: the next one up */
          bad += v != 15;
        } else if (s > 215e3) {
          n_outside++; /* beyond 400 gates of 500 m on every sweep */
          bad += !isnan(v);
        } else if (s > 30e3 && s < 150e3 && !(az > 88 && az < 122) &&
                   !(az > 198 && az < 212)) {
          bad += v != 5;
        }
        if (!isnan(v) && v != RN_DBZ_NOECHO && (v < 5 || v > 35))
          bad++; /* nothing outside the values present may appear */
      }
    /* the nodata hole on sweep 0 in rays 200-209, gates 100-119 shows sweep 1 */
    {
      double s = GATE0 + 110 * DGATE, az = 205 * M_PI / 180;
      int i = (int)floor((s * sin(az) - grid.xmin) / grid.dx);
      int j = (int)floor((grid.ymax - s * cos(az)) / grid.dy);
      n_hole++;
      CHECK_NEAR(fr.dbz[(size_t)j * 201 + i], 15, 0);
    }
    rn_frame_free(&fr);
  }
  fprintf(stderr, "states: %d undetect, %d blocked, %d outside, %d bad\n", n_undetect,
          n_blocked, n_outside, bad);
  CHECK(n_undetect > 50 && n_blocked > 100 && n_outside > 1000 && n_hole == 2);
  CHECK(bad == 0);
  rn_grid_free(&grid);
  rn_volume_free(&vol);
}

/* Bilinear interpolation reproduces a field linear in gate and (within the
 * circle) in ray index. */
static float field_linear(int k, int r, int g)
{
  return (float)(0.25 * r + 0.01 * g + k);
}

static void test_bilinear(void)
{
  struct rn_volume vol;
  struct rn_grid grid;
  struct rn_frame fr;
  struct rn_p2g_options opt;
  struct rn_beam beam;
  double x[101], y[101], maxerr = 0;
  int n = 0;

  make_volume(&vol, NSWEEPS, field_linear, 0);
  rn_beam_init(&beam, SITE_H, 0, 0);
  CHECK_OK(rn_grid_centered(&grid, NULL, SITE_LAT, SITE_LON, 101, 101, 3000));
  rn_p2g_options_init(&opt);
  opt.method = RN_INTERP_BILINEAR;
  CHECK_OK(rn_polar2grid(&vol, NULL, &grid, &opt, NULL, &fr, NULL));
  rn_grid_xy(&grid, x, y);
  for (int j = 0; j < 101; j++)
    for (int i = 0; i < 101; i++) {
      double s = hypot(x[i], y[j]), az = atan2(x[i], y[j]) * 180 / M_PI, q, fa, want;
      if (az < 0)
        az += 360;
      if (s < 5e3 || s > 140e3 || az < 1 || az > 359)
        continue;
      q = (slant_by_bisection(&beam, s, elevations[0]) - GATE0) / DGATE;
      fa = az - 0.5; /* fractional ray index */
      want = 0.25 * fa + 0.01 * q;
      maxerr = fmax(maxerr, fabs(fr.dbz[(size_t)j * 101 + i] - want));
      n++;
    }
  fprintf(stderr, "bilinear: %d pixels, max error %.5f\n", n, maxerr);
  CHECK(n > 3000);
  CHECK(maxerr < 0.25 * 0.01 + 1e-3); /* azimuth bins are 0.01 deg */
  rn_frame_free(&fr);
  rn_grid_free(&grid);
  rn_volume_free(&vol);
}

/* CAPPI of a field equal to the gate's height gives the CAPPI height back. */
static struct rn_beam cappi_beam;
static float field_height(int k, int r, int g)
{
  double h;
  rn_beam_gate(&cappi_beam, GATE0 + g * DGATE, elevations[k], &h, NULL);
  return (float)(h / 100.0); /* hm, to stay in a dBZ-like range */
}

static void test_cappi(void)
{
  struct rn_volume vol;
  struct rn_grid grid;
  struct rn_frame fr;
  struct rn_p2g_options opt;
  double x[221], y[221], maxerr = 0;
  int n_in = 0, n_out = 0, bad = 0;

  rn_beam_init(&cappi_beam, SITE_H, 0, 0);
  make_volume(&vol, NSWEEPS, field_height, 0);
  CHECK_OK(rn_grid_centered(&grid, NULL, SITE_LAT, SITE_LON, 221, 221, 2000));
  rn_p2g_options_init(&opt);
  CHECK_OK(rn_p2g_product_parse("cappi:2000", &opt));
  CHECK(opt.product == RN_PRODUCT_CAPPI && opt.cappi_height == 2000);
  opt.method = RN_INTERP_BILINEAR;
  CHECK_OK(rn_polar2grid(&vol, NULL, &grid, &opt, NULL, &fr, NULL));
  CHECK_STR(fr.product, "cappi:2000");
  rn_grid_xy(&grid, x, y);
  for (int j = 0; j < 221; j++)
    for (int i = 0; i < 221; i++) {
      double s = hypot(x[i], y[j]), el;
      float v = fr.dbz[(size_t)j * 221 + i];
      rn_beam_point(&cappi_beam, s, 2000, &el, NULL);
      if (el > 0.55 && el < 5.95 && s > 2e3) { /* bracketed by two sweeps */
        n_in++;
        maxerr = fmax(maxerr, fabs(v - 20));
      } else if (el < 0.5 - 0.5 - 0.05 || el > 6.0 + 0.5 + 0.05) {
        n_out++;
        bad += !isnan(v);
      }
    }
  fprintf(stderr, "cappi: %d bracketed pixels, max error %.4f hm; %d outside, %d bad\n", n_in,
          maxerr, n_out, bad);
  CHECK(n_in > 5000 && n_out > 500);
  CHECK(maxerr < 0.05); /* 5 m: height is linear in range within a gate */
  CHECK(bad == 0);
  rn_frame_free(&fr);
  rn_grid_free(&grid);
  rn_volume_free(&vol);
}

/* The table is reused: for the next volume (ray azimuths jitter), from the
 * cache's memory, and from its folder by a new cache. */
static void test_cache(void)
{
  struct rn_volume v1, v2;
  struct rn_grid grid;
  struct rn_frame f1, f2, f3;
  struct rn_p2g_options opt;
  struct rn_lut_cache *c1, *c2;
  char dir[] = "/tmp/radnow-lut-test.XXXXXX", path[256];
  long built, mem, disk;
  size_t npix;
  int same = 1;
  float *range;

  CHECK(mkdtemp(dir) != NULL);
  make_volume(&v1, NSWEEPS, field_id, 0);
  make_volume(&v2, NSWEEPS, field_id, 0.2);
  CHECK_OK(rn_grid_centered(&grid, "EPSG:3035", SITE_LAT, SITE_LON, 120, 100, 2500));
  npix = (size_t)grid.nx * grid.ny;
  range = malloc(npix * sizeof *range);
  rn_p2g_options_init(&opt);
  c1 = rn_lut_cache_new(dir, 2);
  CHECK_OK(rn_polar2grid(&v1, NULL, &grid, &opt, c1, &f1, range));
  CHECK_OK(rn_polar2grid(&v2, NULL, &grid, &opt, c1, &f2, NULL));
  rn_lut_cache_stats(c1, &built, &mem, &disk);
  CHECK(built == 1 && mem == 1 && disk == 0);
  /* pcappi and cmax share the table; bilinear too */
  opt.product = RN_PRODUCT_CMAX;
  opt.method = RN_INTERP_BILINEAR;
  CHECK_OK(rn_polar2grid(&v2, NULL, &grid, &opt, c1, &f3, NULL));
  rn_frame_free(&f3);
  rn_lut_cache_stats(c1, &built, &mem, &disk);
  CHECK(built == 1 && mem == 2);
  rn_p2g_options_init(&opt);
  c2 = rn_lut_cache_new(dir, 0);
  CHECK_OK(rn_polar2grid(&v1, NULL, &grid, &opt, c2, &f3, NULL));
  rn_lut_cache_stats(c2, &built, &mem, &disk);
  CHECK(built == 0 && disk == 1);
  for (size_t p = 0; p < npix; p++)
    if (!(f1.dbz[p] == f3.dbz[p] || (isnan(f1.dbz[p]) && isnan(f3.dbz[p]))))
      same = 0;
  CHECK(same);
  /* jittered azimuths change some pixels, not all */
  {
    size_t diff = 0, valid = 0;
    for (size_t p = 0; p < npix; p++) {
      valid += !isnan(f1.dbz[p]);
      diff += !isnan(f1.dbz[p]) && f1.dbz[p] != f2.dbz[p];
    }
    CHECK(diff > 0 && diff < valid / 2);
  }
  /* ground range: from PROJ's geodesic, independent of the table */
  {
    double *lon = malloc(npix * sizeof *lon), *lat = malloc(npix * sizeof *lat), maxd = 0;
    struct geod_geodesic geod;
    geod_init(&geod, 6378137, 1 / 298.257223563);
    CHECK_OK(rn_grid_lonlat(&grid, lon, lat));
    for (size_t p = 0; p < npix; p++)
      if (!isnan(range[p])) {
        double s, a1, a2;
        geod_inverse(&geod, SITE_LAT, SITE_LON, lat[p], lon[p], &s, &a1, &a2);
        maxd = fmax(maxd, fabs(s - range[p]));
      }
    /* pixel positions come from a PROJ lattice within 1/1000 of a pixel */
    fprintf(stderr, "ground range vs geodesic: max difference %.3f m\n", maxd);
    CHECK(maxd <= 1e-3 * grid.dx);
    free(lon);
    free(lat);
  }
  rn_frame_free(&f3);
  rn_lut_cache_free(c2);

  /* a damaged file is rebuilt (with a warning), not trusted */
  {
    FILE *f;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s/radnow-lut-*.bin > %s/list", dir, dir);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s/list", dir);
    f = fopen(path, "r");
    CHECK(f && fscanf(f, "%255s", path) == 1);
    if (f)
      fclose(f);
    CHECK(truncate(path, 1000) == 0);
    rn_log_set_level(RN_LOG_ERROR);
    c2 = rn_lut_cache_new(dir, 0);
    CHECK_OK(rn_polar2grid(&v1, NULL, &grid, &opt, c2, &f3, NULL));
    rn_lut_cache_stats(c2, &built, &mem, &disk);
    CHECK(built == 1 && disk == 0);
    rn_log_set_level(RN_LOG_INFO);
    rn_frame_free(&f3);
    rn_lut_cache_free(c2);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
  }
  rn_lut_cache_free(c1);
  rn_frame_free(&f1);
  rn_frame_free(&f2);
  free(range);
  rn_grid_free(&grid);
  rn_volume_free(&v1);
  rn_volume_free(&v2);
}

/* Missing rays leave a gap of nodata; a sector scan covers its sector only. */
static void test_missing_rays(void)
{
  struct rn_volume vol;
  struct rn_grid grid;
  struct rn_frame fr;
  double x[101], y[101];
  int bad = 0, n_gap = 0, n_in = 0;

  make_volume(&vol, 1, field_id, 0);
  /* rays 40..59 deg never measured: drop them (keep storage order) */
  {
    struct rn_sweep *sw = &vol.sweeps[0];
    int w = 0;
    for (int i = 0; i < sw->nrays; i++) {
      int r = (i + A1GATE) % NRAYS;
      if (r >= 40 && r < 60)
        continue;
      sw->azimuth[w] = sw->azimuth[i];
      memmove(sw->moments[0].data + (size_t)w * NGATES, sw->moments[0].data + (size_t)i * NGATES,
              NGATES * sizeof(float));
      w++;
    }
    sw->nrays = w;
  }
  CHECK_OK(rn_grid_centered(&grid, NULL, SITE_LAT, SITE_LON, 101, 101, 3000));
  CHECK_OK(rn_polar2grid(&vol, NULL, &grid, NULL, NULL, &fr, NULL));
  rn_grid_xy(&grid, x, y);
  for (int j = 0; j < 101; j++)
    for (int i = 0; i < 101; i++) {
      double s = hypot(x[i], y[j]), az = atan2(x[i], y[j]) * 180 / M_PI;
      float v = fr.dbz[(size_t)j * 101 + i];
      if (az < 0)
        az += 360;
      if (s < 10e3 || s > 140e3)
        continue;
      if (az > 40.6 && az < 59.4) {
        n_gap++;
        bad += !isnan(v);
      } else if (az < 39.4 || az > 60.6) {
        n_in++;
        bad += isnan(v);
      }
    }
  fprintf(stderr, "missing rays: %d in the gap, %d outside, %d bad\n", n_gap, n_in, bad);
  CHECK(n_gap > 100 && n_in > 1000 && bad == 0);
  rn_frame_free(&fr);
  rn_grid_free(&grid);
  rn_volume_free(&vol);
}

static void test_errors(void)
{
  struct rn_volume vol;
  struct rn_grid grid;
  struct rn_frame fr;
  struct rn_p2g_options opt;
  rn_p2g_options_init(&opt);
  CHECK(rn_p2g_product_parse("cappi:", &opt) == RN_EUSAGE);
  CHECK(rn_p2g_product_parse("ppi", &opt) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "want pcappi, cmax or cappi:HEIGHT_M");
  make_volume(&vol, 2, field_id, 0);
  CHECK_OK(rn_grid_centered(&grid, NULL, SITE_LAT, SITE_LON, 10, 10, 1000));
  CHECK(rn_polar2grid(&vol, "VRADH", &grid, &opt, NULL, &fr, NULL) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "no sweep has the quantity VRADH");
  vol.sweeps[1].gate_spacing = 0;
  CHECK(rn_polar2grid(&vol, NULL, &grid, &opt, NULL, &fr, NULL) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "sweep 2");
  rn_grid_free(&grid);
  rn_volume_free(&vol);
}

int main(void)
{
  test_beam();
  test_nearest_on(NULL, 1000, 300);           /* radar-centred aeqd: direct path */
  test_nearest_on("EPSG:3035", 1500, 250);    /* LAEA Europe through PROJ */
  test_nearest_on("EPSG:32631", 1000, 200);   /* UTM 31N */
  test_states();
  test_bilinear();
  test_cappi();
  test_cache();
  test_missing_rays();
  test_errors();
  TEST_DONE();
}
