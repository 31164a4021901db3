/* test_ensemble.c - the extrapolation ensemble: reproducible for a seed on
 * any number of threads, different for different seeds, valid on empty and
 * constant fields; ensemble mean and exceedance probabilities on a hand
 * example. */
#include <radnow/config.h>
#include <radnow/ensemble.h>
#include <radnow/predictor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "synth.h"
#include "test.h"

#define NX 160
#define NY 128
#define NPIX ((size_t)NX * NY)

static struct rn_grid grid;
static struct rn_frame frames[3];
static const struct rn_frame *window[3];

static void set_threads(int n)
{
#ifdef _OPENMP
  omp_set_num_threads(n);
#else
  (void)n;
#endif
}

static void make_frames(double u, double v)
{
  struct synth s;
  synth_init(&s, NX, NY, 30, 4242);
  for (int k = 0; k < 3; k++) {
    synth_translated(&s, u, v, k, NX, NY, frames[k].dbz);
    /* a radar hole: nodata that must stay nodata, not turn into NaN elsewhere */
    for (int y = 60; y < 70; y++)
      for (int x = 20; x < 30; x++)
        frames[k].dbz[(size_t)y * NX + x] = NAN;
  }
}

static int run(const char *seed, int members, struct rn_forecast *fc)
{
  struct rn_config *cfg = rn_config_new();
  struct rn_predictor *p;
  int st;
  rn_config_set(cfg, "predictor.extrapolation-ens", "seed", seed);
  rn_config_set(cfg, "predictor.extrapolation-ens", "leads", "6");
  rn_config_set(cfg, "predictor.extrapolation-ens", "cascade_levels", "5");
  {
    char m[16];
    snprintf(m, sizeof m, "%d", members);
    rn_config_set(cfg, "predictor.extrapolation-ens", "members", m);
  }
  st = rn_predictor_create("extrapolation-ens", cfg, &p);
  if (!st) {
    st = rn_predictor_run(p, window, 3, fc);
    rn_predictor_destroy(p);
  }
  rn_config_free(cfg);
  if (st)
    fprintf(stderr, "ensemble run failed: %s\n", rn_errmsg());
  return st;
}

static size_t fc_bytes(const struct rn_forecast *fc)
{
  return (size_t)fc->nmembers * fc->nleads * NPIX * sizeof(float);
}

/* Bit-identical for one seed, on 1 and 2 threads; different seeds and
 * different members differ. */
static void test_reproducible(void)
{
  struct rn_forecast a, b, c, d;
  size_t differ = 0, nan_inside = 0;
  float obs_max = -100, mem_max = -100;
  make_frames(1.5, -0.8);
  set_threads(1);
  CHECK_OK(run("7", 6, &a));
  set_threads(2);
  CHECK_OK(run("7", 6, &b));
  CHECK_OK(run("7", 6, &d));
  CHECK_OK(run("8", 6, &c));
  CHECK(memcmp(a.dbz, b.dbz, fc_bytes(&a)) == 0); /* NaN bit patterns too */
  CHECK(memcmp(b.dbz, d.dbz, fc_bytes(&a)) == 0);
  CHECK(memcmp(a.prob, b.prob, (size_t)a.nleads * a.nthresholds * NPIX * sizeof(float)) == 0);
  CHECK(memcmp(a.dbz, c.dbz, fc_bytes(&a)) != 0);
  printf("seed 7: 1 and 2 threads %s; seed 8 %s\n",
         memcmp(a.dbz, b.dbz, fc_bytes(&a)) == 0 ? "identical" : "DIFFERENT",
         memcmp(a.dbz, c.dbz, fc_bytes(&a)) != 0 ? "differs" : "IDENTICAL");
  /* Members differ from one another, keep the observed intensities, and
   * are NaN only where nodata was (the hole) or flowed in (edges). */
  for (size_t i = 0; i < NPIX; i++) {
    float z0 = rn_forecast_field(&a, 0, 0)[i], z1 = rn_forecast_field(&a, 1, 0)[i];
    int x = (int)(i % NX), y = (int)(i / NX);
    differ += !isnan(z0) && !isnan(z1) && z0 != z1;
    obs_max = frames[2].dbz[i] > obs_max ? frames[2].dbz[i] : obs_max;
    mem_max = z0 > mem_max ? z0 : mem_max;
    if (x > 8 && x < NX - 8 && y > 8 && y < NY - 8 && !(x >= 16 && x < 36 && y >= 56 && y < 74))
      nan_inside += isnan(z0) != 0;
  }
  printf("lead 1: members 0 and 1 differ at %zu of %zu pixels; max %.1f dBZ (observed %.1f); "
         "%zu NaN away from edges and hole\n",
         differ, NPIX, mem_max, obs_max, nan_inside);
  CHECK(differ > NPIX / 20);
  CHECK(mem_max <= obs_max && mem_max > obs_max - 5);
  CHECK(nan_inside == 0);
  /* rn_predictor_run filled the probabilities from the members. */
  {
    size_t wrong = 0;
    for (int l = 0; l < a.nleads; l++)
      for (int k = 0; k < a.nthresholds; k++)
        for (size_t i = 0; i < NPIX; i += 7) {
          int valid = 0, above = 0;
          float p = a.prob[((size_t)l * a.nthresholds + k) * NPIX + i];
          for (int m = 0; m < a.nmembers; m++) {
            float z = rn_forecast_field(&a, m, l)[i];
            valid += !isnan(z);
            above += !isnan(z) && z >= a.thresholds[k];
          }
          if (valid ? fabsf(p - (float)above / valid) > 1e-6f : !isnan(p))
            wrong++;
        }
    CHECK(a.nthresholds == 3 && a.thresholds[0] == 30 && a.thresholds[2] == 50);
    CHECK(wrong == 0);
  }
  rn_forecast_free(&a);
  rn_forecast_free(&b);
  rn_forecast_free(&c);
  rn_forecast_free(&d);
}

/* No echo and constant fields: every member is that field, no NaN. */
static void test_flat(void)
{
  for (int c = 0; c < 2; c++) {
    float value = c ? 35.0f : RN_DBZ_NOECHO;
    struct rn_forecast fc;
    size_t nan = 0, off = 0;
    for (int k = 0; k < 3; k++)
      for (size_t i = 0; i < NPIX; i++)
        frames[k].dbz[i] = value;
    CHECK_OK(run("3", 4, &fc));
    for (size_t i = 0; i < fc_bytes(&fc) / sizeof(float); i++) {
      nan += isnan(fc.dbz[i]) != 0;
      off += !isnan(fc.dbz[i]) && fc.dbz[i] != value;
    }
    printf("%s: %zu NaN, %zu values off, P(>=30) at lead 6 = %.2f\n",
           c ? "constant 35 dBZ" : "no echo", nan, off, fc.prob[(size_t)5 * 3 * NPIX]);
    CHECK(nan == 0 && off == 0);
    CHECK(fc.prob[(size_t)5 * 3 * NPIX] == (c ? 1.0f : 0.0f));
    rn_forecast_free(&fc);
  }
}

/* Four members at two pixels, by hand:
 *   pixel 0: 35, 45, -32, NaN  -> 3 members with data
 *     P(>=30) = 2/3, P(>=40) = 1/3, P(>=50) = 0
 *     rain rates (Z = 200 R^1.6): R(35) = 5.61508, R(45) = 23.67861, R(-32) = 0
 *     mean 9.76457 mm/h -> 10 log10(200 * 9.76457^1.6) = 38.84475 dBZ
 *   pixel 1: 20, 20, NaN, NaN -> P = 0, 0, 0; mean 20 dBZ
 *   pixel 2: all NaN -> NaN everywhere */
static void test_hand(void)
{
  struct rn_grid g;
  struct rn_forecast fc, mean;
  const float v[4][3] = {{35, 20, NAN}, {45, 20, NAN}, {-32, NAN, NAN}, {NAN, NAN, NAN}};
  CHECK_OK(rn_grid_init(&g, "EPSG:3067", 3, 1, 0, 1000, 1000, 1000));
  CHECK_OK(rn_forecast_alloc(&fc, &g, 1, 4, 3));
  snprintf(fc.predictor, sizeof fc.predictor, "hand");
  fc.lead_seconds[0] = 300;
  fc.thresholds[0] = 30, fc.thresholds[1] = 40, fc.thresholds[2] = 50;
  for (int m = 0; m < 4; m++)
    memcpy(rn_forecast_field(&fc, m, 0), v[m], sizeof v[m]);
  rn_ensemble_probability(&fc);
  CHECK_NEAR(fc.prob[0], 2.0 / 3, 1e-6);
  CHECK_NEAR(fc.prob[3 + 0], 1.0 / 3, 1e-6);
  CHECK_NEAR(fc.prob[6 + 0], 0, 0);
  CHECK_NEAR(fc.prob[1], 0, 0);
  CHECK_NEAR(fc.prob[3 + 1], 0, 0);
  CHECK(isnan(fc.prob[2]) && isnan(fc.prob[5]) && isnan(fc.prob[8]));
  CHECK_OK(rn_ensemble_mean(&fc, &mean));
  CHECK_STR(mean.predictor, "hand-mean");
  CHECK(mean.nmembers == 1 && mean.nleads == 1 && mean.lead_seconds[0] == 300);
  CHECK_NEAR(mean.dbz[0], 38.84475, 1e-4);
  CHECK_NEAR(mean.dbz[1], 20.0, 1e-4);
  CHECK(isnan(mean.dbz[2]));
  CHECK(mean.nthresholds == 3 && mean.prob && mean.prob[0] == fc.prob[0]);
  rn_forecast_free(&mean);
  rn_forecast_free(&fc);
  rn_grid_free(&g);
}

int main(void)
{
  CHECK_OK(rn_grid_init(&grid, "EPSG:3067", NX, NY, 100000, 7000000, 1000, 1000));
  for (int k = 0; k < 3; k++) {
    CHECK_OK(rn_frame_alloc(&frames[k], &grid));
    frames[k].time = 1475070000 + 300 * k;
    window[k] = &frames[k];
  }
  test_reproducible();
  test_flat();
  test_hand();
  for (int k = 0; k < 3; k++)
    rn_frame_free(&frames[k]);
  rn_grid_free(&grid);
  TEST_DONE();
}
