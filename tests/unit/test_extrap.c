/* test_extrap.c - optical flow, semi-Lagrangian advection and the
 * deterministic predictors (persistence, extrapolation) on analytic fields
 * whose motion and future are known exactly. */
#include <radnow/config.h>
#include <radnow/predictor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../models/advect.h"
#include "../../models/optflow.h"
#include "synth.h"
#include "test.h"

#define NX 240
#define NY 200
#define NPIX ((size_t)NX * NY)

static struct rn_grid grid;

/* A window of K frames on the test grid, 5 minutes apart. */
struct window {
  struct rn_frame f[8];
  const struct rn_frame *p[8];
  int n;
};

static void window_alloc(struct window *w, int n)
{
  w->n = n;
  for (int k = 0; k < n; k++) {
    CHECK_OK(rn_frame_alloc(&w->f[k], &grid));
    w->f[k].time = 1475070000 + 300 * k;
    w->p[k] = &w->f[k];
  }
}

static void window_free(struct window *w)
{
  for (int k = 0; k < w->n; k++)
    rn_frame_free(&w->f[k]);
}

static size_t count_nan(const float *a, size_t n)
{
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += isnan(a[i]) != 0;
  return c;
}

/* Motion of a field translated by (u, v) per step is (u, v) where there is
 * echo, and the forecast is the analytic field moved further. */
static void test_translation(double u, double v)
{
  struct synth s;
  struct window w;
  struct rn_predictor *p;
  struct rn_forecast fc;
  struct rn_optflow_params par;
  float *mu = malloc(NPIX * sizeof(float)), *mv = malloc(NPIX * sizeof(float));
  float *truth = malloc(NPIX * sizeof(float));
  const float *fr[3];
  double eu = 0, ev = 0, n = 0, maxerr = 0;
  synth_init(&s, NX, NY, 40, 12345);
  window_alloc(&w, 3);
  for (int k = 0; k < 3; k++) {
    synth_translated(&s, u, v, k, NX, NY, w.f[k].dbz);
    fr[k] = w.f[k].dbz;
  }
  rn_optflow_defaults(&par);
  CHECK_OK(rn_optflow(fr, 3, NX, NY, &par, mu, mv));
  CHECK(count_nan(mu, NPIX) == 0 && count_nan(mv, NPIX) == 0);
  for (int y = 20; y < NY - 20; y++)
    for (int x = 20; x < NX - 20; x++) {
      size_t i = (size_t)y * NX + x;
      double e;
      if (w.f[2].dbz[i] < 20)
        continue;
      eu += mu[i] - u, ev += mv[i] - v, n++;
      e = hypot(mu[i] - u, mv[i] - v);
      maxerr = e > maxerr ? e : maxerr;
    }
  printf("translation (%.2f, %.2f): mean error (%.3f, %.3f) px/step, max %.3f over %.0f px\n", u, v,
         eu / n, ev / n, maxerr, n);
  CHECK(n > 1000);
  CHECK_NEAR(eu / n, 0, 0.05);
  CHECK_NEAR(ev / n, 0, 0.05);
  CHECK(maxerr < 0.5);

  /* The predictor: lead l must be the field moved by 2 + l + 1 steps. */
  CHECK_OK(rn_predictor_create("extrapolation", NULL, &p));
  CHECK_OK(rn_predictor_run(p, w.p, 3, &fc));
  CHECK(fc.nleads == 12 && fc.nmembers == 1 && fc.lead_seconds[0] == 300 &&
        fc.lead_seconds[11] == 3600 && fc.reference_time == w.f[2].time);
  CHECK_STR(fc.predictor, "extrapolation");
  for (int l = 0; l < fc.nleads; l += 5) {
    const float *f = rn_forecast_field(&fc, 0, l);
    double mae = 0, cnt = 0;
    long hits = 0, miss = 0, fa = 0;
    synth_translated(&s, u, v, 3 + l, NX, NY, truth);
    for (size_t i = 0; i < NPIX; i++) {
      if (isnan(f[i]))
        continue;
      mae += fabs(f[i] - truth[i]), cnt++;
      hits += f[i] >= 30 && truth[i] >= 30;
      miss += f[i] < 30 && truth[i] >= 30;
      fa += f[i] >= 30 && truth[i] < 30;
    }
    printf("  lead %2d: MAE %.3f dBZ, CSI(30) %.3f, %zu nodata\n", l + 1, mae / cnt,
           (double)hits / (hits + miss + fa), count_nan(f, NPIX));
    CHECK(mae / cnt < 1.5);
    CHECK((double)hits / (hits + miss + fa) > 0.9);
  }
  rn_forecast_free(&fc);
  rn_predictor_destroy(p);
  window_free(&w);
  free(mu);
  free(mv);
  free(truth);
}

/* Solid-body rotation by a per step about the centre. */
static void test_rotation(void)
{
  const double a = 2.0 * M_PI / 180, xc = NX / 2.0, yc = NY / 2.0;
  double ca = cos(a), sa = sin(a), err = 0, n = 0, corr_num = 0, sf = 0, st = 0;
  struct synth s;
  struct window w;
  struct rn_predictor *p;
  struct rn_forecast fc;
  struct rn_optflow_params par;
  float *mu = malloc(NPIX * sizeof(float)), *mv = malloc(NPIX * sizeof(float));
  float *truth = malloc(NPIX * sizeof(float));
  const float *fr[3];
  synth_init(&s, NX, NY, 50, 777);
  window_alloc(&w, 3);
  for (int k = 0; k < 3; k++) {
    synth_rotated(&s, k * a, xc, yc, NX, NY, w.f[k].dbz);
    fr[k] = w.f[k].dbz;
  }
  rn_optflow_defaults(&par);
  CHECK_OK(rn_optflow(fr, 3, NX, NY, &par, mu, mv));
  for (int y = 0; y < NY; y++)
    for (int x = 0; x < NX; x++) {
      size_t i = (size_t)y * NX + x;
      double dx = x - xc, dy = y - yc, eu, ev;
      if (w.f[2].dbz[i] < 20 || hypot(dx, dy) > 90)
        continue;
      /* f(p) = f_prev(p - m)  =>  m = p - R(-a) p */
      eu = (1 - ca) * dx - sa * dy;
      ev = sa * dx + (1 - ca) * dy;
      err += hypot(mu[i] - eu, mv[i] - ev), n++;
    }
  printf("rotation 2 deg/step: mean motion error %.3f px/step over %.0f px\n", err / n, n);
  CHECK(n > 1000);
  CHECK(err / n < 0.35);
  CHECK_OK(rn_predictor_create("extrapolation", NULL, &p));
  CHECK_OK(rn_predictor_run(p, w.p, 3, &fc));
  synth_rotated(&s, 8 * a, xc, yc, NX, NY, truth); /* lead 6 */
  for (int y = 0; y < NY; y++)
    for (int x = 0; x < NX; x++) {
      size_t i = (size_t)y * NX + x;
      float f = rn_forecast_field(&fc, 0, 5)[i];
      if (isnan(f) || hypot(x - xc, y - yc) > 80)
        continue;
      corr_num += (f + 32) * (truth[i] + 32), sf += (f + 32) * (f + 32);
      st += (truth[i] + 32) * (truth[i] + 32);
    }
  printf("  lead 6 (30 min): correlation with the rotated truth %.4f\n", corr_num / sqrt(sf * st));
  CHECK(corr_num / sqrt(sf * st) > 0.97);
  rn_forecast_free(&fc);
  rn_predictor_destroy(p);
  window_free(&w);
  free(mu);
  free(mv);
  free(truth);
}

/* No echo, a constant field, one small cell: valid forecasts, no NaN. */
static void test_degenerate(void)
{
  struct window w;
  struct rn_predictor *p, *pp;
  struct rn_forecast fc;
  CHECK_OK(rn_predictor_create("extrapolation", NULL, &p));
  CHECK_OK(rn_predictor_create("persistence", NULL, &pp));
  window_alloc(&w, 3);
  for (int c = 0; c < 3; c++) {
    float value = c == 0 ? RN_DBZ_NOECHO : 25.0f;
    const char *what = c == 0 ? "no echo" : c == 1 ? "constant 25 dBZ" : "one 3x3 cell";
    size_t nan = 0, bad = 0;
    float vmax = -100;
    int imax = -1;
    for (int k = 0; k < 3; k++) {
      for (size_t i = 0; i < NPIX; i++)
        w.f[k].dbz[i] = c == 2 ? RN_DBZ_NOECHO : value;
      if (c == 2) /* 45 dBZ, moving 2 columns east and 1 row south per step */
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            w.f[k].dbz[(size_t)(100 + k + dy) * NX + 100 + 2 * k + dx] = 45;
    }
    CHECK_OK(rn_predictor_run(p, w.p, 3, &fc));
    for (size_t i = 0; i < (size_t)fc.nleads * NPIX; i++) {
      nan += isnan(fc.dbz[i]) != 0;
      bad += !isnan(fc.dbz[i]) && (fc.dbz[i] < RN_DBZ_NOECHO || fc.dbz[i] > 45.001f);
    }
    for (size_t i = 0; i < NPIX; i++)
      if (rn_forecast_field(&fc, 0, 1)[i] > vmax)
        vmax = rn_forecast_field(&fc, 0, 1)[i], imax = (int)i;
    printf("%s: %zu NaN, %zu out of range, lead 2 max %.1f dBZ at (%d, %d)\n", what, nan, bad, vmax,
           imax % NX, imax / NX);
    if (c < 2) {
      CHECK(nan == 0);
      CHECK(vmax == value);
    } else {
      /* The cell was at (104, 102) in the newest frame; lead 2 is 2 steps on. */
      CHECK(imax % NX >= 106 && imax % NX <= 110 && imax / NX >= 103 && imax / NX <= 105);
      CHECK(vmax > 30);
      /* The cell's motion is the first guess everywhere: nodata flows in
       * from the western and northern edges, 2 and 1 pixels a step. */
      size_t most = 0;
      for (int l = 1; l <= fc.nleads; l++)
        most += (size_t)(2 * l + 1) * NY + (size_t)(l + 1) * NX;
      CHECK(nan > 0 && nan <= most);
    }
    CHECK(bad == 0);
    rn_forecast_free(&fc);
    CHECK_OK(rn_predictor_run(pp, w.p, 3, &fc));
    CHECK(memcmp(rn_forecast_field(&fc, 0, 11), w.f[2].dbz, NPIX * sizeof(float)) == 0);
    rn_forecast_free(&fc);
  }
  window_free(&w);
  rn_predictor_destroy(p);
  rn_predictor_destroy(pp);
}

/* Uniform motion east: nodata flows in from the west edge, exactly the
 * columns whose departure point is outside; nodata in the input stays
 * nodata where it is advected to, and nowhere else. */
static void test_nodata(void)
{
  struct rn_trajectory t;
  float *uv = malloc(2 * NPIX * sizeof(float));
  float *src = malloc(NPIX * sizeof(float)), *dst = malloc(NPIX * sizeof(float));
  struct synth s;
  struct window w;
  struct rn_predictor *p;
  struct rn_forecast fc;
  int errors = 0;
  for (size_t i = 0; i < NPIX; i++)
    uv[2 * i] = 2.5f, uv[2 * i + 1] = 0, src[i] = 20;
  CHECK_OK(rn_trajectory_init(&t, NX, NY, 1));
  for (int l = 1; l <= 4; l++) {
    rn_trajectory_step(&t, uv, 0, 0, 1);
    rn_advect_sample(src, &t, dst);
    /* Column x departs from x - 2.5 l; outside when x - 2.5 l < -0.5. */
    for (int y = 0; y < NY; y++)
      for (int x = 0; x < NX; x++) {
        int expect_nan = x - 2.5 * l < -0.5;
        errors += expect_nan != (isnan(dst[(size_t)y * NX + x]) != 0);
        errors += !expect_nan && dst[(size_t)y * NX + x] != 20;
      }
  }
  printf("uniform motion east: %d pixel(s) with wrong inflow after 4 steps\n", errors);
  CHECK(errors == 0);
  /* The same through the predictor, with a nodata disk in every frame. */
  synth_init(&s, NX, NY, 40, 99);
  window_alloc(&w, 3);
  for (int k = 0; k < 3; k++) {
    synth_translated(&s, 3, 0, k, NX, NY, w.f[k].dbz);
    for (int y = 0; y < NY; y++)
      for (int x = 0; x < NX; x++)
        if (hypot(x - 120, y - 100) < 15)
          w.f[k].dbz[(size_t)y * NX + x] = NAN;
  }
  CHECK_OK(rn_predictor_create("extrapolation", NULL, &p));
  CHECK_OK(rn_predictor_run(p, w.p, 3, &fc));
  errors = 0;
  {
    const float *f = rn_forecast_field(&fc, 0, 3); /* 4 steps of 3 px east */
    for (int y = 0; y < NY; y++)
      for (int x = 0; x < NX; x++) {
        int nan = isnan(f[(size_t)y * NX + x]) != 0;
        double r = hypot(x - 12 - 120, y - 100);
        if ((x >= 20 && y >= 3 && y < NY - 3 && r > 18 && nan) || ((x < 8 || r < 12) && !nan)) {
          if (errors < 5)
            printf("  (%d, %d): %s\n", x, y, nan ? "nodata" : "data");
          errors++;
        }
      }
  }
  printf("nodata disk and west inflow through the predictor: %d wrong pixel(s)\n", errors);
  CHECK(errors == 0);
  rn_forecast_free(&fc);
  rn_predictor_destroy(p);
  window_free(&w);
  rn_trajectory_free(&t);
  free(uv);
  free(src);
  free(dst);
}

/* Registry, options and the checks on the input window. */
static void test_registry(void)
{
  struct rn_config *cfg = rn_config_new();
  struct rn_predictor *p;
  struct rn_forecast fc;
  struct window w;
  struct rn_grid other;
  int found = 0;
  for (int i = 0; i < rn_predictor_count(); i++)
    found += strcmp(rn_predictor_at(i)->name, "persistence") == 0 ||
             strcmp(rn_predictor_at(i)->name, "extrapolation") == 0 ||
             strcmp(rn_predictor_at(i)->name, "extrapolation-ens") == 0;
  CHECK(found == 3);
  CHECK(rn_predictor_at(rn_predictor_count()) == NULL);
  CHECK(rn_predictor_create("nonesuch", NULL, &p) == RN_EUSAGE && p == NULL);
  CHECK_CONTAINS(rn_errmsg(), "predictor 'nonesuch' unknown (known: persistence, extrapolation");

  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "leads", "6"));
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "inputs", "4"));
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "device", "cpu"));
  CHECK_OK(rn_predictor_create("extrapolation", cfg, &p));
  CHECK(p->nleads == 6 && p->ninputs == 4 && p->nmembers == 1 && p->nthresholds == 0 &&
        p->device == RN_DEVICE_CPU);
  CHECK_STR(p->section, "predictor.extrapolation");
  window_alloc(&w, 5);
  for (int k = 0; k < 5; k++)
    for (size_t i = 0; i < NPIX; i++)
      w.f[k].dbz[i] = RN_DBZ_NOECHO;
  CHECK(rn_predictor_run(p, w.p, 3, &fc) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "extrapolation: 3 input frame(s), need 4");
  CHECK_OK(rn_predictor_run(p, w.p, 5, &fc)); /* uses the newest 4 */
  CHECK(fc.nleads == 6 && fc.reference_time == w.f[4].time);
  rn_forecast_free(&fc);
  w.f[2].time += 120; /* 7 minutes after the previous frame, 3 before the next */
  CHECK(rn_predictor_run(p, w.p, 5, &fc) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "s apart, step is 300 s");
  w.f[2].time -= 120;
  CHECK_OK(rn_grid_init(&other, "EPSG:3067", NX, NY, 0, 0, 2000, 2000));
  rn_grid_free(&w.f[3].grid);
  CHECK_OK(rn_grid_copy(&w.f[3].grid, &other));
  CHECK(rn_predictor_run(p, w.p, 5, &fc) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "not on the grid of the newest frame");
  rn_grid_free(&other);
  rn_predictor_destroy(p);

  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "motion_window", "-3"));
  CHECK(rn_predictor_create("extrapolation", cfg, &p) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "[predictor.extrapolation] motion_window = -3: must be within");
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "motion_window", "4"));
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "members", "5"));
  CHECK(rn_predictor_create("extrapolation", cfg, &p) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "extrapolation is deterministic");
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "members", "1"));
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "device", "tpu"));
  CHECK(rn_predictor_create("extrapolation", cfg, &p) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "device = 'tpu': want cpu, cuda, cuda:N or auto");
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "device", "cuda:0"));
  CHECK_OK(rn_predictor_create("extrapolation", cfg, &p)); /* no CUDA version: CPU */
  CHECK(p->device == RN_DEVICE_CPU);
  rn_predictor_destroy(p);
  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation", "inputs", "1"));
  CHECK(rn_predictor_create("extrapolation", cfg, &p) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "motion needs 2 frames or more");

  CHECK_OK(rn_config_set(cfg, "predictor.extrapolation-ens", "thresholds", "35, 45"));
  CHECK_OK(rn_predictor_create("extrapolation-ens", cfg, &p));
  CHECK(p->nmembers == 20 && p->nthresholds == 2 && p->thresholds[0] == 35 &&
        p->thresholds[1] == 45);
  rn_predictor_destroy(p);

  window_free(&w);
  rn_config_free(cfg);
}

/* The values etc/radnow.conf.example documents are the built-in defaults:
 * every predictor gives the same forecast with that file as without any.
 * A trained model (models/neural.c) needs its weights file: the shipped
 * ones (etc/models/NAME.weights.h5) are found by default, the others give
 * a clear error naming the missing file. */
static void test_example_config(void)
{
  const char *top = getenv("top_srcdir");
  char path[4096];
  struct rn_config *cfg = rn_config_new();
  struct synth s;
  struct window w;
  snprintf(path, sizeof path, "%s/etc/radnow.conf.example", top ? top : ".");
  CHECK_OK(rn_config_load(cfg, path));
  synth_init(&s, NX, NY, 40, 2024);
  window_alloc(&w, 8); /* enough for every predictor's inputs */
  for (int k = 0; k < w.n; k++)
    synth_translated(&s, 2.2, 1.1, k, NX, NY, w.f[k].dbz);
  for (int i = 0; i < rn_predictor_count(); i++) {
    const char *name = rn_predictor_at(i)->name;
    struct rn_predictor *a, *b;
    struct rn_forecast fa, fb;
    char weights[4200], want[256];
    snprintf(weights, sizeof weights, "%s/etc/models/%s.weights.h5", top ? top : ".", name);
    if (rn_predictor_at(i)->create == rn_predictor_find("motionrnn-mim")->create &&
        access(weights, R_OK) != 0) {
      snprintf(want, sizeof want, "weights = %s.weights.h5: not found", name);
      CHECK(rn_predictor_create(name, NULL, &b) == RN_EUSAGE);
      CHECK_CONTAINS(rn_errmsg(), want);
      printf("%s: no shipped weights: %s\n", name, rn_errmsg());
      continue;
    }
    CHECK_OK(rn_predictor_create(name, cfg, &a));
    CHECK_OK(rn_predictor_create(name, NULL, &b));
    CHECK_OK(rn_predictor_run(a, w.p, w.n, &fa));
    CHECK_OK(rn_predictor_run(b, w.p, w.n, &fb));
    CHECK(fa.nleads == fb.nleads && fa.nmembers == fb.nmembers &&
          fa.nthresholds == fb.nthresholds);
    if (fa.nleads == fb.nleads && fa.nmembers == fb.nmembers) {
      int same = memcmp(fa.dbz, fb.dbz, (size_t)fa.nmembers * fa.nleads * NPIX * sizeof(float)) == 0;
      printf("%s: example configuration %s the defaults\n", name, same ? "gives" : "DIFFERS FROM");
      CHECK(same);
    }
    rn_forecast_free(&fa);
    rn_forecast_free(&fb);
    rn_predictor_destroy(a);
    rn_predictor_destroy(b);
  }
  window_free(&w);
  rn_config_free(cfg);
}

int main(void)
{
  CHECK_OK(rn_grid_init(&grid, "EPSG:3067", NX, NY, 100000, 7000000, 1000, 1000));
  test_translation(3.3, -1.7);
  test_translation(-0.4, 0.6);
  test_translation(7.5, 4.0);
  test_rotation();
  test_degenerate();
  test_nodata();
  test_registry();
  test_example_config();
  rn_grid_free(&grid);
  TEST_DONE();
}
