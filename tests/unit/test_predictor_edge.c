/* test_predictor_edge.c - every predictor that needs no training
 * (persistence, extrapolation, extrapolation-ens) on the windows that break
 * naive implementations: no echo anywhere, one small cell, a constant
 * field, nodata areas (a radar's circular coverage, a hole, an outage in one
 * frame only, a window without any data) and tiny grids.
 *
 * For each, every output value must follow frame.h: NaN (nodata) only
 * where nodata was or flowed in from outside the domain, otherwise a finite
 * dBZ between the no-echo floor and the strongest observed echo; every
 * exceedance probability NaN exactly where all members are NaN, otherwise
 * in [0, 1]; a moving cell must move the way it moved in the inputs. */
#include <radnow/config.h>
#include <radnow/predictor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "test.h"

#define NX 128
#define NY 96
#define NPIX ((size_t)NX * NY)
#define K 3 /* input frames */

/* The fourth is the ensemble without motion perturbations: its cell must
 * stay exactly on the deterministic track. */
static const char *const names[] = {"persistence", "extrapolation", "extrapolation-ens",
                                    "extrapolation-ens"};
static const char *const labels[] = {"persistence", "extrapolation", "extrapolation-ens",
                                     "ens, no motion perturbation"};
#define NPRED 4
/* Members' motion perturbation, default 3 m/s along the motion: 0.9 pixel
 * of 1 km per 5-minute step; 3 standard deviations, rounded up. */
#define PERTURB_EDGE 3
/* Values are convex combinations of inputs: exact up to float rounding. */
#define TOL 1e-4f

static struct rn_grid grid;
static struct rn_frame frames[K];
static const struct rn_frame *window[K];
static struct rn_predictor *pred[NPRED];

/* What a case allows the forecast to hold. */
struct expect {
  const char *what;
  float lo, hi;       /* range of valid values */
  int nan_edge;       /* pixels per lead from the domain edge that may be NaN (inflow) */
  int nan_dilate;     /* pixels per lead (+ 1) from input nodata that may be NaN; -1: none */
  int nan_everywhere; /* the window has no data: everything NaN */
};

/* Chebyshev distance of every pixel to the nearest nodata pixel of any
 * input frame (two-pass chamfer). */
static int nodata_dist[NPIX];

static void nodata_distance(void)
{
  const int big = 1 << 20;
  for (size_t i = 0; i < NPIX; i++) {
    nodata_dist[i] = big;
    for (int k = 0; k < K; k++)
      if (isnan(frames[k].dbz[i]))
        nodata_dist[i] = 0;
  }
  for (int pass = 0; pass < 2; pass++)
    for (int j = 0; j < NY; j++)
      for (int i = 0; i < NX; i++) {
        int x = pass ? NX - 1 - i : i, y = pass ? NY - 1 - j : j, s = pass ? 1 : -1;
        int *d = &nodata_dist[(size_t)y * NX + x];
        for (int dy = s; dy == s || dy == 0; dy -= s)
          for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx, yy = y + dy;
            if ((dy == 0 && dx != s) || xx < 0 || yy < 0 || xx >= NX || yy >= NY)
              continue;
            if (nodata_dist[(size_t)yy * NX + xx] + 1 < *d)
              *d = nodata_dist[(size_t)yy * NX + xx] + 1;
          }
      }
}

/* Is pixel i allowed to be NaN at lead l? */
static int nan_allowed(const struct expect *e, size_t i, int l, int perturbed)
{
  int x = (int)(i % NX), y = (int)(i / NX), edge = e->nan_edge * (l + 1);
  if (perturbed)
    edge += PERTURB_EDGE * (l + 1);
  if (e->nan_everywhere)
    return 1;
  if (x < edge || y < edge || x >= NX - edge || y >= NY - edge)
    return 1;
  return e->nan_dilate >= 0 && nodata_dist[i] <= e->nan_dilate * (l + 1) + 1;
}

/* Check one forecast against the case; returns the number of faults. */
static long check_forecast(const struct expect *e, const struct rn_forecast *fc, const char *label,
                           int perturbed)
{
  long nan_bad = 0, range_bad = 0, prob_bad = 0, nan_missing = 0;
  for (int m = 0; m < fc->nmembers; m++)
    for (int l = 0; l < fc->nleads; l++) {
      const float *f = rn_forecast_field(fc, m, l);
      for (size_t i = 0; i < NPIX; i++) {
        if (isnan(f[i])) {
          nan_bad += !nan_allowed(e, i, l, perturbed);
        } else {
          if (!(f[i] >= e->lo - TOL && f[i] <= e->hi + TOL)) { /* also catches infinities */
            if (range_bad < 3)
              printf("  %s member %d lead %d (%d, %d): %.9g\n", fc->predictor, m, l + 1,
                     (int)(i % NX), (int)(i / NX), f[i]);
            range_bad++;
          }
          nan_missing += e->nan_everywhere;
        }
      }
    }
  if (fc->nthresholds > 0) {
    for (int l = 0; l < fc->nleads; l++)
      for (int k = 0; k < fc->nthresholds; k++) {
        const float *p = fc->prob + ((size_t)l * fc->nthresholds + k) * NPIX;
        for (size_t i = 0; i < NPIX; i++) {
          int any = 0;
          for (int m = 0; m < fc->nmembers && !any; m++)
            any = !isnan(rn_forecast_field(fc, m, l)[i]);
          if (any ? !(p[i] >= 0 && p[i] <= 1) : !isnan(p[i]))
            prob_bad++;
        }
      }
  }
  printf("  %-28s %ld NaN where data was, %ld out of [%g, %g], %ld probabilities wrong%s\n",
         label, nan_bad, range_bad, e->lo, e->hi, prob_bad,
         e->nan_everywhere ? (nan_missing ? ", DATA FROM NO DATA" : ", all nodata") : "");
  return nan_bad + range_bad + prob_bad + nan_missing;
}

static void set_all(float value)
{
  for (int k = 0; k < K; k++)
    for (size_t i = 0; i < NPIX; i++)
      frames[k].dbz[i] = value;
}

/* Run the three predictors on the window and check each forecast; fc[p]
 * keeps the forecasts for the caller (free with free_all). */
static void run_all(const struct expect *e, struct rn_forecast fc[NPRED])
{
  printf("%s:\n", e->what);
  nodata_distance();
  for (int p = 0; p < NPRED; p++) {
    enum rn_status st = rn_predictor_run(pred[p], window, K, &fc[p]);
    CHECK_OK(st);
    if (st) {
      memset(&fc[p], 0, sizeof fc[p]);
      continue;
    }
    CHECK(check_forecast(e, &fc[p], labels[p], p == 2) == 0);
  }
}

static void free_all(struct rn_forecast fc[NPRED])
{
  for (int p = 0; p < NPRED; p++)
    rn_forecast_free(&fc[p]);
}

/* Every value of every member and lead equals value (or probabilities 0/1). */
static void check_flat(struct rn_forecast fc[NPRED], float value)
{
  for (int p = 0; p < NPRED; p++) {
    size_t n = (size_t)fc[p].nmembers * fc[p].nleads * NPIX, off = 0, poff = 0;
    for (size_t i = 0; i < n; i++)
      off += !(fc[p].dbz[i] == value);
    for (int l = 0; l < fc[p].nleads; l++)
      for (int k = 0; k < fc[p].nthresholds; k++)
        for (size_t i = 0; i < NPIX; i++)
          poff += fc[p].prob[((size_t)l * fc[p].nthresholds + k) * NPIX + i] !=
                  (value >= fc[p].thresholds[k] ? 1.0f : 0.0f);
    if (off || poff)
      printf("  %s: %zu values and %zu probabilities differ from the flat field\n", labels[p], off,
             poff);
    CHECK(off == 0 && poff == 0);
  }
}

static void test_no_echo(void)
{
  struct expect e = {"no echo anywhere", RN_DBZ_NOECHO, RN_DBZ_NOECHO, 0, -1, 0};
  struct rn_forecast fc[NPRED];
  set_all(RN_DBZ_NOECHO);
  run_all(&e, fc);
  check_flat(fc, RN_DBZ_NOECHO);
  free_all(fc);
  /* Weak echoes below every threshold and values under the floor (some
   * sources write -999 or -50 for undetect): no echo out, nothing else. */
  e.what = "weak echoes and values under the floor";
  e.hi = 4;
  for (int k = 0; k < K; k++)
    for (size_t i = 0; i < NPIX; i++)
      frames[k].dbz[i] = (i + k) % 7 == 0 ? 4.0f : (i + k) % 7 == 1 ? -999.0f : -50.0f;
  run_all(&e, fc);
  free_all(fc);
}

static void test_constant(void)
{
  struct expect e = {"constant 35 dBZ", 35, 35, 0, -1, 0};
  struct rn_forecast fc[NPRED];
  set_all(35);
  run_all(&e, fc);
  check_flat(fc, 35);
  free_all(fc);
}

/* A single radar's coverage (data inside a circle, nodata outside) on a dry
 * day and under uniform rain: the coverage edge is no motion texture, so
 * every predictor keeps the field and its nodata exactly. */
static void test_coverage(void)
{
  for (int c = 0; c < 2; c++) {
    float value = c ? 35.0f : RN_DBZ_NOECHO;
    struct expect e = {c ? "constant 35 dBZ inside circular coverage" : "no echo inside circular coverage",
                       value, value, 0, 0, 0};
    struct rn_forecast fc[NPRED];
    set_all(value);
    for (int k = 0; k < K; k++)
      for (size_t i = 0; i < NPIX; i++)
        if (hypot((double)(i % NX) - NX / 2.0, (double)(i / NX) - NY / 2.0) > 45)
          frames[k].dbz[i] = NAN;
    run_all(&e, fc);
    for (int p = 0; p < NPRED; p++) {
      size_t diff = 0;
      for (int m = 0; m < fc[p].nmembers; m++)
        for (int l = 0; l < fc[p].nleads; l++)
          diff += memcmp(rn_forecast_field(&fc[p], m, l), frames[K - 1].dbz, NPIX * sizeof(float)) != 0;
      if (diff)
        printf("  %s: %zu fields differ from the newest frame\n", labels[p], diff);
      CHECK(diff == 0);
    }
    free_all(fc);
  }
}

/* Centroid of the pixels >= thr (weights w, NULL: 1) in field f. */
static double centroid(const float *f, const float *w, float thr, double *cx, double *cy)
{
  double sx = 0, sy = 0, n = 0;
  for (size_t i = 0; i < NPIX; i++)
    if (f[i] >= thr) {
      double wi = w ? w[i] : 1;
      sx += wi * (double)(i % NX), sy += wi * (double)(i / NX), n += wi;
    }
  *cx = n > 0 ? sx / n : NAN;
  *cy = n > 0 ? sy / n : NAN;
  return n;
}

/* One 3 x 3 cell of 45 dBZ moving (u, v) pixels per step, optionally with a
 * circular coverage (nodata outside radius rcov, 0: none). The cell was
 * centred at (x0, y0) in the newest frame; at lead l the deterministic
 * forecast must have it at (x0 + (l + 1) u, y0 + (l + 1) v), the ensemble's
 * probability of >= 30 dBZ must be centred there (members' motion is
 * perturbed and the cell may change shape, not place), and nothing may be
 * NaN except at the inflow edges (coverage: outside the circle). */
static void test_small_cell(int x0, int y0, int u, int v, double rcov)
{
  char what[128];
  struct expect e = {what, RN_DBZ_NOECHO, 45, 0, -1, 0};
  struct rn_forecast fc[NPRED];
  int speed = abs(u) > abs(v) ? abs(u) : abs(v);
  snprintf(what, sizeof what, "3x3 cell of 45 dBZ at (%d, %d) moving (%d, %d) px/step%s", x0, y0,
           u, v, rcov > 0 ? ", circular coverage" : "");
  set_all(RN_DBZ_NOECHO);
  for (int k = 0; k < K; k++) {
    int cx = x0 - (K - 1 - k) * u, cy = y0 - (K - 1 - k) * v;
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++)
        frames[k].dbz[(size_t)(cy + dy) * NX + cx + dx] = 45;
    if (rcov > 0)
      for (size_t i = 0; i < NPIX; i++)
        if (hypot((double)(i % NX) - NX / 2.0, (double)(i / NX) - NY / 2.0) > rcov)
          frames[k].dbz[i] = NAN;
  }
  /* Inflow: the whole domain moves with the cell (its motion is the first
   * guess everywhere), speed + 1 pixels a lead at most, perturbed members
   * somewhat more. */
  e.nan_edge = speed > 0 ? speed + 2 : 0;
  e.nan_dilate = rcov > 0 ? speed + 2 : -1;
  run_all(&e, fc);
  for (int p = 0; p < NPRED; p++) {
    const struct rn_forecast *f = &fc[p];
    if (!f->dbz)
      continue;
    for (int l = 1; l < f->nleads; l += 4) {
      double ex = x0 + (l + 1) * u, ey = y0 + (l + 1) * v, cx, cy, n;
      if (ex < 3 || ey < 3 || ex > NX - 4 || ey > NY - 4)
        continue; /* the cell has left the domain */
      if (f->nmembers == 1)
        n = centroid(rn_forecast_field(f, 0, l), NULL, 30, &cx, &cy);
      else /* P(>= 30 dBZ) > 0, weighted by that probability */
        n = centroid(f->prob + (size_t)l * f->nthresholds * NPIX,
                     f->prob + (size_t)l * f->nthresholds * NPIX, 1e-6f, &cx, &cy);
      printf("  %-28s lead %2d: cell at (%.1f, %.1f), expected (%.0f, %.0f), weight %.1f\n",
             labels[p], l + 1, cx, cy, ex, ey, n);
      if (p == 0) { /* persistence: where it was */
        CHECK_NEAR(cx, x0, 1e-9);
        CHECK_NEAR(cy, y0, 1e-9);
      } else {
        /* Extrapolation: the motion ahead of a lone cell is the domain's
         * first guess, a little off the cell's own, so the cell lags by up
         * to 15 % of its path. The perturbed ensemble's centre moves with
         * the mean of its 8 members' perturbations: within 3 standard
         * deviations of that mean, 3 x 0.9 / sqrt(8) pixels a step. */
        double tol = p == 2 ? 1.5 + 0.96 * (l + 1) : 1.5 + 0.15 * (l + 1);
        CHECK(n > 0);
        CHECK_NEAR(cx, ex, tol);
        CHECK_NEAR(cy, ey, tol);
      }
    }
  }
  free_all(fc);
}

/* A structured moving field with nodata: a radar hole in every frame, an
 * outage covering a band of the oldest frame only, and coverage limited to a
 * circle. NaN may appear only near those (advected by at most the motion)
 * and at inflow edges; everything else has values. */
static void test_nodata_areas(void)
{
  struct expect e = {"moving cells, hole in every frame, outage in the oldest, circular coverage",
                     RN_DBZ_NOECHO, 0, 2 + 2, 2 + 2, 0};
  struct rn_forecast fc[NPRED];
  struct synth s;
  float vmax = RN_DBZ_NOECHO;
  synth_init(&s, NX, NY, 25, 31337);
  for (int k = 0; k < K; k++) {
    synth_translated(&s, 2.0, -1.0, k, NX, NY, frames[k].dbz);
    for (size_t i = 0; i < NPIX; i++) {
      int x = (int)(i % NX), y = (int)(i / NX);
      if ((x >= 50 && x < 60 && y >= 40 && y < 48) || (k == 0 && y >= 10 && y < 30) ||
          hypot(x - NX / 2.0, y - NY / 2.0) > 60)
        frames[k].dbz[i] = NAN;
      if (frames[k].dbz[i] > vmax)
        vmax = frames[k].dbz[i];
    }
  }
  e.hi = vmax;
  run_all(&e, fc);
  /* Persistence and extrapolation keep nodata only where it can come from. */
  {
    size_t nan_in = 0, nan_p = 0;
    for (size_t i = 0; i < NPIX; i++) {
      nan_in += isnan(frames[K - 1].dbz[i]) != 0;
      nan_p += isnan(rn_forecast_field(&fc[0], 0, 11)[i]) != 0;
    }
    CHECK(nan_p == nan_in);
  }
  free_all(fc);
}

/* No data at all, and data in only a thin strip of the newest frame. */
static void test_no_data(void)
{
  struct expect e = {"no data in any frame", RN_DBZ_NOECHO, RN_DBZ_NOECHO, 0, 0, 1};
  struct rn_forecast fc[NPRED];
  set_all(NAN);
  run_all(&e, fc);
  free_all(fc);
  e.what = "newest frame: data in one row only, 40 dBZ";
  e.hi = 40, e.nan_everywhere = 0, e.nan_dilate = 2, e.nan_edge = 0;
  for (int x = 0; x < NX; x++)
    frames[K - 1].dbz[(size_t)(NY / 2) * NX + x] = 40;
  run_all(&e, fc);
  free_all(fc);
}

/* Grids of one pixel, one row, one column, 2 x 2: a forecast or a clean
 * error, never a crash. */
static void test_tiny_grids(void)
{
  static const int dims[][2] = {{1, 1}, {7, 1}, {1, 9}, {2, 2}, {3, 5}};
  for (size_t g = 0; g < sizeof dims / sizeof dims[0]; g++) {
    int nx = dims[g][0], ny = dims[g][1];
    struct rn_grid tg;
    struct rn_frame tf[K];
    const struct rn_frame *tw[K];
    CHECK_OK(rn_grid_init(&tg, "EPSG:3067", nx, ny, 100000, 7000000, 1000, 1000));
    for (int k = 0; k < K; k++) {
      CHECK_OK(rn_frame_alloc(&tf[k], &tg));
      tf[k].time = 1475070000 + 300 * k;
      for (int i = 0; i < nx * ny; i++)
        tf[k].dbz[i] = (i + k) % 3 == 0 ? 40.0f : RN_DBZ_NOECHO;
      tw[k] = &tf[k];
    }
    for (int p = 0; p < NPRED; p++) {
      struct rn_forecast fc;
      enum rn_status st = rn_predictor_run(pred[p], tw, K, &fc);
      size_t bad = 0;
      if (st == RN_OK) {
        for (size_t i = 0; i < (size_t)fc.nmembers * fc.nleads * nx * ny; i++)
          bad += !isnan(fc.dbz[i]) && !(fc.dbz[i] >= RN_DBZ_NOECHO && fc.dbz[i] <= 40);
        rn_forecast_free(&fc);
      }
      printf("%d x %d grid: %s: %s%s\n", nx, ny, labels[p], st ? "error: " : "ok",
             st ? rn_errmsg() : "");
      /* only the ensemble may refuse (its FFT cascade needs 2 x 2) */
      CHECK(st == RN_OK || (p >= 2 && st == RN_EUNSUPPORTED && (nx < 2 || ny < 2)));
      CHECK(bad == 0);
    }
    for (int k = 0; k < K; k++)
      rn_frame_free(&tf[k]);
    rn_grid_free(&tg);
  }
}

int main(void)
{
  struct rn_config *cfg = rn_config_new();
  CHECK_OK(rn_grid_init(&grid, "EPSG:3067", NX, NY, 100000, 7000000, 1000, 1000));
  for (int k = 0; k < K; k++) {
    CHECK_OK(rn_frame_alloc(&frames[k], &grid));
    frames[k].time = 1475070000 + 300 * k;
    window[k] = &frames[k];
  }
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation-ens", "members", "8"));
  CHECK_OK(rn_config_set(cfg, "predictor.persistence", "thresholds", "30,40,50"));
  for (int p = 0; p < NPRED; p++) {
    if (p == 3) {
      CHECK_OK(rn_config_set(cfg, "predictor.extrapolation-ens", "motion_perturbation_par", "0"));
      CHECK_OK(rn_config_set(cfg, "predictor.extrapolation-ens", "motion_perturbation_perp", "0"));
    }
    CHECK_OK(rn_predictor_create(names[p], cfg, &pred[p]));
  }
  test_no_echo();
  test_constant();
  test_coverage();
  test_small_cell(60, 50, 2, 1, 0);
  test_small_cell(100, 30, -3, 2, 0);
  test_small_cell(64, 48, 0, 0, 0);     /* standing still */
  test_small_cell(70, 50, 1, -2, 40.0); /* inside a radar's coverage */
  test_nodata_areas();
  test_no_data();
  test_tiny_grids();
  for (int p = 0; p < NPRED; p++)
    rn_predictor_destroy(pred[p]);
  for (int k = 0; k < K; k++)
    rn_frame_free(&frames[k]);
  rn_grid_free(&grid);
  rn_config_free(cfg);
  TEST_DONE();
}
