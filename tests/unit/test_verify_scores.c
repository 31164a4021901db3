/* test_verify_scores.c - verification scores against hand-computed tables
 * and direct (slow) definitions. */
#include <radnow/verify.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../verify/verify_internal.h"
#include "test.h"

#define N_ RN_NODATA

static struct rn_score_row *rows;
static int nrows;

static void load_rows(const struct rn_verify *v)
{
  free(rows);
  rows = NULL;
  CHECK_OK(rn_verify_rows(v, &rows, &nrows));
}

/* Value of a score row; threshold < -100 means "none". Fails the test when absent. */
static double row(const char *pred, int lead, double thr, int scale, const char *score,
                  int64_t *npix)
{
  for (int i = 0; i < nrows; i++) {
    const struct rn_score_row *r = &rows[i];
    if (strcmp(r->predictor, pred) || r->lead_seconds != lead || strcmp(r->score, score) ||
        r->scale != scale)
      continue;
    if (thr < -100 ? !isnan(r->threshold) : fabs(r->threshold - thr) > 1e-6)
      continue;
    if (npix)
      *npix = r->n_pixels;
    return r->value;
  }
  fprintf(stderr, "row %s lead %d thr %g scale %d %s not found\n", pred, lead, thr, scale, score);
  test_failures++;
  return NAN;
}

#define NONE -1000.0

/* A 4 x 4 case with nodata on each side; tables written out by hand. */
static void hand_contingency(void)
{
  const float f[16] = {35, 25, -32, 45, /**/ 30, 29, N_, 50, /**/ -32, -32, 41, 10, /**/ 20, 33, -32, -32};
  const float o[16] = {31, 35, -32, 20, /**/ 29, 40, 12, 55, /**/ -32, N_, 38, -32, /**/ -32, 20, -32, 30};
  /* valid pixels: 14 (f nodata at row 1 col 2, o nodata at row 2 col 1)
   * >= 30: H at (0,0) (1,3) (2,2); M at (0,1) (1,1) (3,3); F at (0,3) (1,0) (3,1); C 5
   * >= 40: H at (1,3); M at (1,1); F at (0,3) (2,2); C 10
   * |f - o|: 4 10 0 25 / 1 11 . 5 / 0 . 3 42 / 52 13 0 62 -> sum 228, squares 9378
   * pixel scale p = clip(2 dBZ - 30, 0, 255): differences 8 -20 0 50 / 2 -22 . -10 /
   *   0 . 6 0 / 10 26 0 -30 -> sum of squares 5264 (in pixel units^2) */
  struct rn_verify_options opt;
  struct rn_verify *v;
  struct rn_contingency t;
  const float *m[1] = {f};
  int64_t np = 0;
  rn_verify_options_init(&opt);
  opt.nthresholds = 2;
  opt.thresholds[0] = 30;
  opt.thresholds[1] = 40;
  opt.nscales = 1;
  opt.ssim = 0;
  v = rn_verify_new(&opt);
  CHECK_OK(rn_verify_add(v, "hand", 300, m, 1, o, 4, 4));
  CHECK_OK(rn_verify_table(v, "hand", 300, 30, &t));
  CHECK(t.hits == 3 && t.misses == 3 && t.false_alarms == 3 && t.correct_negatives == 5);
  CHECK_OK(rn_verify_table(v, "hand", 300, 40, &t));
  CHECK(t.hits == 1 && t.misses == 1 && t.false_alarms == 2 && t.correct_negatives == 10);
  load_rows(v);
  CHECK_NEAR(row("hand", 300, 30, 0, "pod", &np), 0.5, 1e-12);
  CHECK(np == 14);
  CHECK_NEAR(row("hand", 300, 30, 0, "far", NULL), 0.5, 1e-12);
  CHECK_NEAR(row("hand", 300, 30, 0, "csi", NULL), 1.0 / 3, 1e-12);
  CHECK_NEAR(row("hand", 300, 30, 0, "bias", NULL), 1.0, 1e-12);
  /* Hr = 6 * 6 / 14; ETS = (3 - Hr) / (9 - Hr); HSS = 2 (3*5 - 3*3) / (6*8 + 6*8) */
  CHECK_NEAR(row("hand", 300, 30, 0, "ets", NULL), (3 - 36.0 / 14) / (9 - 36.0 / 14), 1e-12);
  CHECK_NEAR(row("hand", 300, 30, 0, "hss", NULL), 12.0 / 96, 1e-12);
  CHECK_NEAR(row("hand", 300, 40, 0, "csi", NULL), 0.25, 1e-12);
  CHECK_NEAR(row("hand", 300, 40, 0, "pod", NULL), 0.5, 1e-12);
  CHECK_NEAR(row("hand", 300, 40, 0, "far", NULL), 2.0 / 3, 1e-12);
  CHECK_NEAR(row("hand", 300, 40, 0, "bias", NULL), 1.5, 1e-12);
  /* Hr = 2 * 3 / 14; HSS = 2 (1*10 - 1*2) / (2*11 + 3*12) */
  CHECK_NEAR(row("hand", 300, 40, 0, "ets", NULL), (1 - 6.0 / 14) / (4 - 6.0 / 14), 1e-12);
  CHECK_NEAR(row("hand", 300, 40, 0, "hss", NULL), 16.0 / 58, 1e-12);
  CHECK_NEAR(row("hand", 300, NONE, 0, "mae", NULL), 228.0 / 14, 1e-9);
  CHECK_NEAR(row("hand", 300, NONE, 0, "rmse", NULL), sqrt(9378.0 / 14), 1e-9);
  CHECK_NEAR(row("hand", 300, NONE, 0, "mse01", NULL), 5264.0 / (255.0 * 255.0 * 14), 1e-9);
  CHECK_NEAR(row("hand", 300, NONE, 0, "sse01_per_frame", NULL), 5264.0 / (255.0 * 255.0), 1e-7);
  CHECK_NEAR(row("hand", 300, NONE, 0, "psnr", NULL), -10 * log10(5264.0 / (255.0 * 255.0 * 14)),
             1e-7);

  /* A second lead: pooled scores come from the summed tables, not the mean
   * of per-lead scores. Lead 600 is a perfect forecast of o: at 30 dBZ
   * H = 6, M = 0, F = 0 (15 valid: o's own nodata) -> pooled CSI = 9 / 15, while
   * the mean of the per-lead CSIs would be (1/3 + 1) / 2. */
  const float *p[1] = {o};
  CHECK_OK(rn_verify_add(v, "hand", 600, p, 1, o, 4, 4));
  CHECK_NEAR(rn_verify_csi(v, "hand", 600, 30), 1.0, 0);
  CHECK_NEAR(rn_verify_csi(v, "hand", RN_VERIFY_POOLED, 30), 9.0 / 15, 1e-12);
  CHECK(isnan(rn_verify_csi(v, "hand", 900, 30)));
  CHECK(isnan(rn_verify_csi(v, "other", 300, 30)));
  CHECK(isnan(rn_verify_csi(v, "hand", 300, 35)));
  load_rows(v);
  CHECK_NEAR(row("hand", RN_VERIFY_POOLED, 30, 0, "csi", &np), 0.6, 1e-12);
  CHECK(np == 14 + 15);
  CHECK_NEAR(row("hand", RN_VERIFY_POOLED, 30, 0, "hits", NULL), 9, 0);
  rn_verify_free(v);
}

/* Perfect forecasts: CSI = 1, FSS = 1, MAE = 0, CRPS = 0, SSIM = 1. */
static void perfect(void)
{
  enum { NX = 40, NY = 30, M = 5 };
  static float o[NX * NY];
  const float *mem[M];
  struct rn_verify_options opt;
  struct rn_verify *v;
  rn_verify_options_init(&opt);
  for (int i = 0; i < NX * NY; i++)
    o[i] = (i % 7 == 0) ? N_ : (float)((i * 37) % 90) - 35.f;
  for (int m = 0; m < M; m++)
    mem[m] = o;
  v = rn_verify_new(&opt);
  CHECK_OK(rn_verify_add(v, "det", 600, mem, 1, o, NX, NY));
  CHECK_OK(rn_verify_add(v, "ens", 600, mem, M, o, NX, NY));
  load_rows(v);
  for (int k = 0; k < 3; k++) {
    double q = 30 + 10 * k;
    CHECK_NEAR(row("det", 600, q, 0, "csi", NULL), 1, 0);
    CHECK_NEAR(row("ens", 600, q, 0, "csi", NULL), 1, 0);
    CHECK_NEAR(row("det", 600, q, 0, "far", NULL), 0, 0);
    for (int s = 0; s < 4; s++)
      CHECK_NEAR(row("det", 600, q, opt.scales[s], "fss", NULL), 1, 1e-12);
    CHECK_NEAR(row("ens", 600, q, 0, "brier", NULL), 0, 0);
    CHECK_NEAR(row("ens", 600, q, 0, "roc_area", NULL), 1, 1e-12);
  }
  CHECK_NEAR(row("det", 600, NONE, 0, "mae", NULL), 0, 0);
  CHECK_NEAR(row("det", 600, NONE, 0, "rmse", NULL), 0, 0);
  CHECK(isinf(row("det", 600, NONE, 0, "psnr", NULL)));
  CHECK(isnan(row("det", 600, NONE, 0, "ssim", NULL))); /* nodata in every 7 x 7 window */
  CHECK_NEAR(row("ens", 600, NONE, 0, "crps", NULL), 0, 0);
  CHECK_NEAR(row("ens", 600, NONE, 0, "mae", NULL), 0, 0);
  rn_verify_free(v);

  /* without nodata SSIM is defined and 1 */
  for (int i = 0; i < NX * NY; i++)
    o[i] = (float)((i * 37) % 90) - 35.f;
  v = rn_verify_new(&opt);
  CHECK_OK(rn_verify_add(v, "det", 600, mem, 1, o, NX, NY));
  load_rows(v);
  CHECK_NEAR(row("det", 600, NONE, 0, "ssim", NULL), 1, 1e-9);
  rn_verify_free(v);
}

/* No echo anywhere: categorical scores undefined (NaN), no division by zero. */
static void no_echo(void)
{
  enum { NX = 16, NY = 12, M = 4 };
  static float f[NX * NY], o[NX * NY];
  const float *mem[M] = {f, f, f, f};
  struct rn_verify_options opt;
  struct rn_verify *v;
  struct rn_contingency t;
  int64_t np;
  for (int i = 0; i < NX * NY; i++) {
    f[i] = RN_DBZ_NOECHO;
    o[i] = i % 3 ? -40.f : RN_DBZ_NOECHO; /* weaker than the floor: also no echo */
  }
  rn_verify_options_init(&opt);
  v = rn_verify_new(&opt);
  CHECK_OK(rn_verify_add(v, "calm", 300, mem, 1, o, NX, NY));
  CHECK_OK(rn_verify_add(v, "calm-ens", 300, mem, M, o, NX, NY));
  CHECK_OK(rn_verify_table(v, "calm", 300, 30, &t));
  CHECK(t.hits + t.misses + t.false_alarms == 0 && t.correct_negatives == NX * NY);
  CHECK(isnan(rn_verify_csi(v, "calm", 300, 30)));
  load_rows(v);
  CHECK(isnan(row("calm", 300, 30, 0, "csi", &np)));
  CHECK(np == NX * NY);
  CHECK(isnan(row("calm", 300, 30, 0, "pod", NULL)));
  CHECK(isnan(row("calm", 300, 30, 0, "far", NULL)));
  CHECK(isnan(row("calm", 300, 30, 0, "ets", NULL)));
  CHECK(isnan(row("calm", 300, 30, 0, "hss", NULL)));
  CHECK(isnan(row("calm", 300, 30, 9, "fss", NULL)));
  CHECK_NEAR(row("calm", 300, NONE, 0, "mae", NULL), 0, 0);
  CHECK_NEAR(row("calm-ens", 300, NONE, 0, "crps", NULL), 0, 0);
  CHECK(isnan(row("calm-ens", 300, 30, 0, "roc_area", NULL)));
  CHECK_NEAR(row("calm-ens", 300, 30, 0, "brier", NULL), 0, 0);
  CHECK_NEAR(row("calm-ens", 300, NONE, 0, "rank_histogram[2]", &np), 0, 0);
  CHECK(np == 0); /* all-no-echo pixels are not ranked */
  for (int i = 0; i < nrows; i++)
    CHECK(!(isnan(rows[i].value) && strcmp(rows[i].score, "csi") && strcmp(rows[i].score, "pod") &&
            strcmp(rows[i].score, "far") && strcmp(rows[i].score, "bias") &&
            strcmp(rows[i].score, "ets") && strcmp(rows[i].score, "hss") &&
            strcmp(rows[i].score, "fss") && strcmp(rows[i].score, "roc_area") &&
            strcmp(rows[i].score, "spread_skill") && strncmp(rows[i].score, "reliability_observed", 20)));
  /* Nothing valid at all: counted as a case with no pixels. */
  for (int i = 0; i < NX * NY; i++)
    o[i] = N_;
  CHECK_OK(rn_verify_add(v, "blind", 300, mem, 1, o, NX, NY));
  load_rows(v);
  CHECK(isnan(row("blind", 300, NONE, 0, "mae", &np)));
  CHECK(np == 0);
  rn_verify_free(v);
}

/* Fair CRPS of identical members equals their absolute error (= MAE). */
static void identical_members(void)
{
  enum { NX = 20, NY = 10, M = 6 };
  static float f[NX * NY], o[NX * NY];
  const float *mem[M] = {f, f, f, f, f, f};
  struct rn_verify_options opt;
  struct rn_verify *v;
  uint32_t s = 12345;
  for (int i = 0; i < NX * NY; i++) {
    s = s * 1664525u + 1013904223u;
    f[i] = (float)(s >> 8) / 16777216.f * 80 - 30;
    s = s * 1664525u + 1013904223u;
    o[i] = (float)(s >> 8) / 16777216.f * 80 - 30;
  }
  rn_verify_options_init(&opt);
  v = rn_verify_new(&opt);
  CHECK_OK(rn_verify_add(v, "same", 300, mem, M, o, NX, NY));
  load_rows(v);
  CHECK_NEAR(row("same", 300, NONE, 0, "crps", NULL), row("same", 300, NONE, 0, "mae", NULL), 1e-4);
  CHECK_NEAR(row("same", 300, NONE, 0, "spread", NULL), 0, 0);
  rn_verify_free(v);

  /* nodata in one member only: the pixel is left out, for every score */
  {
    static float g[NX * NY];
    const float *mem2[M] = {f, f, f, g, f, f};
    int64_t np;
    memcpy(g, f, sizeof g);
    g[7] = N_;
    g[NX * NY - 1] = N_;
    v = rn_verify_new(&opt);
    CHECK_OK(rn_verify_add(v, "holes", 300, mem2, M, o, NX, NY));
    load_rows(v);
    row("holes", 300, NONE, 0, "crps", &np);
    CHECK(np == NX * NY - 2);
    row("holes", 300, 30, 0, "csi", &np);
    CHECK(np == NX * NY - 2);
    CHECK(!isnan(row("holes", 300, NONE, 0, "mae", NULL)));
    rn_verify_free(v);
  }
}

/* CRPS by its pairwise definition (O(M^2)), against the sorted formula. */
static double crps_pairwise(const float *x, int m, float y)
{
  double a = 0, b = 0;
  for (int i = 0; i < m; i++) {
    a += fabs((double)x[i] - y);
    for (int j = 0; j < m; j++)
      b += fabs((double)x[i] - x[j]);
  }
  return a / m - b / (2.0 * m * (m - 1));
}

static int cmp_float(const void *a, const void *b)
{
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

static void crps(void)
{
  const float x3[3] = {10, 20, 40};
  enum { NX = 23, NY = 17, M = 9 };
  static float fields[M][NX * NY], o[NX * NY];
  const float *mem[M];
  struct rn_verify_options opt;
  struct rn_verify *v;
  double sum = 0;
  uint32_t s = 777;
  int n = 0;
  /* By hand: 1/3 (15 + 5 + 15) - (2 * (10 + 30 + 20)) / (2 * 3 * 2) = 35/3 - 10 */
  CHECK_NEAR(rn_crps_fair_sorted(x3, 3, 25), 35.0 / 3 - 10, 1e-12);
  CHECK_NEAR(crps_pairwise(x3, 3, 25), 35.0 / 3 - 10, 1e-12);
  for (int m = 0; m < M; m++)
    mem[m] = fields[m];
  for (int i = 0; i < NX * NY; i++) {
    float x[M];
    s = s * 1664525u + 1013904223u;
    o[i] = (float)(s >> 8) / 16777216.f * 90 - 40;
    for (int m = 0; m < M; m++) {
      s = s * 1664525u + 1013904223u;
      fields[m][i] = (float)(s >> 8) / 16777216.f * 90 - 40;
      if (i % 11 == 0)
        fields[m][i] = (float)((s >> 8) % 3) * 10.f; /* ties */
      x[m] = fields[m][i] < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : fields[m][i];
    }
    float y = o[i] < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : o[i];
    sum += crps_pairwise(x, M, y);
    qsort(x, M, sizeof *x, cmp_float);
    CHECK_NEAR(rn_crps_fair_sorted(x, M, y), crps_pairwise(x, M, y), 1e-9);
    n++;
  }
  rn_verify_options_init(&opt);
  v = rn_verify_new(&opt);
  CHECK_OK(rn_verify_add(v, "random", 300, mem, M, o, NX, NY));
  load_rows(v);
  printf("CRPS: accumulator %.9f, pairwise %.9f\n", row("random", 300, NONE, 0, "crps", NULL),
         sum / n);
  CHECK_NEAR(row("random", 300, NONE, 0, "crps", NULL), sum / n, 1e-6);
  rn_verify_free(v);

  /* A large ensemble takes the sorted path inside; same check. */
  {
    enum { BIG = 60, NP = 50 };
    static float big[BIG][NP], y[NP];
    const float *bm[BIG];
    double ref = 0, spread = 0;
    for (int i = 0; i < NP; i++) {
      float x[BIG];
      double mu = 0, ss = 0;
      s = s * 1664525u + 1013904223u;
      y[i] = (float)(s >> 8) / 16777216.f * 70 - 20;
      for (int m = 0; m < BIG; m++) {
        s = s * 1664525u + 1013904223u;
        big[m][i] = x[m] = (float)(s >> 8) / 16777216.f * 70 - 20;
        mu += x[m];
      }
      mu /= BIG;
      for (int m = 0; m < BIG; m++)
        ss += (x[m] - mu) * (x[m] - mu);
      spread += ss / (BIG - 1);
      ref += crps_pairwise(x, BIG, y[i]);
    }
    for (int m = 0; m < BIG; m++)
      bm[m] = big[m];
    v = rn_verify_new(&opt);
    CHECK_OK(rn_verify_add(v, "big", 300, bm, BIG, y, NP, 1));
    load_rows(v);
    printf("CRPS, %d members: accumulator %.9f, pairwise %.9f\n", BIG,
           row("big", 300, NONE, 0, "crps", NULL), ref / NP);
    CHECK_NEAR(row("big", 300, NONE, 0, "crps", NULL), ref / NP, 1e-6);
    CHECK_NEAR(row("big", 300, NONE, 0, "spread", NULL), sqrt(spread / NP), 1e-5);
    rn_verify_free(v);
  }
}

/* Brier, ROC area, reliability and rank histogram on four pixels by hand. */
static void hand_ensemble(void)
{
  const float m0[4] = {35, 35, 10, 31}, m1[4] = {20, 45, -32, 25}, o[4] = {40, 50, 20, 10};
  const float *mem[2] = {m0, m1};
  struct rn_verify_options opt;
  struct rn_verify *v;
  struct rn_contingency t;
  rn_verify_options_init(&opt);
  opt.nthresholds = 1;
  opt.thresholds[0] = 30;
  opt.nscales = 0;
  v = rn_verify_new(&opt);
  /* k members >= 30: 1, 2, 0, 1; obs events: y, y, n, n
   * Brier = ((1 - .5)^2 + 0 + 0 + .5^2) / 4; ROC points (0, .5) (.5, 1) (1, 1) -> .875
   * ranks of the obs: 2, 2, 2, 0; ensemble mean 27.5 40 -11 28: one hit, one miss */
  CHECK_OK(rn_verify_add(v, "e", 300, mem, 2, o, 4, 1));
  load_rows(v);
  CHECK_NEAR(row("e", 300, 30, 0, "brier", NULL), 0.125, 1e-12);
  CHECK_NEAR(row("e", 300, 30, 0, "roc_area", NULL), 0.875, 1e-12);
  CHECK_NEAR(row("e", 300, 30, 0, "reliability_observed[0]", NULL), 0, 0);
  CHECK_NEAR(row("e", 300, 30, 0, "reliability_observed[1]", NULL), 0.5, 0);
  CHECK_NEAR(row("e", 300, 30, 0, "reliability_observed[2]", NULL), 1, 0);
  CHECK_NEAR(row("e", 300, 30, 0, "reliability_forecast[1]", NULL), 0.5, 0);
  CHECK_NEAR(row("e", 300, NONE, 0, "rank_histogram[0]", NULL), 1, 0);
  CHECK_NEAR(row("e", 300, NONE, 0, "rank_histogram[1]", NULL), 0, 0);
  CHECK_NEAR(row("e", 300, NONE, 0, "rank_histogram[2]", NULL), 3, 0);
  CHECK_OK(rn_verify_table(v, "e", 300, 30, &t));
  CHECK(t.hits == 1 && t.misses == 1 && t.false_alarms == 0 && t.correct_negatives == 2);
  /* spread: variances (7.5^2 * 2) ... ((35-27.5)^2 + (20-27.5)^2) / 1 = 112.5, 50, 882, 18 */
  CHECK_NEAR(row("e", 300, NONE, 0, "spread", NULL), sqrt((112.5 + 50 + 882 + 18) / 4), 1e-5);
  /* a different ensemble size for the same predictor is refused */
  CHECK(rn_verify_add(v, "e", 600, mem, 1, o, 4, 1) == RN_EUSAGE);
  rn_verify_free(v);
}

/* FSS by its definition: fractions from direct window sums, O(n k^2). */
static void fss_direct(const float *f, const float *o, int nx, int ny, float q, int scale,
                       double *num, double *den)
{
  int lo = (scale - 1) / 2, hi = scale / 2;
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++) {
      double nf = 0, no = 0, nv = 0;
      if (isnan(f[j * nx + i]) || isnan(o[j * nx + i]))
        continue;
      for (int b = j - lo; b <= j + hi; b++)
        for (int a = i - lo; a <= i + hi; a++) {
          if (a < 0 || b < 0 || a >= nx || b >= ny)
            continue;
          float x = f[b * nx + a], y = o[b * nx + a];
          if (isnan(x) || isnan(y))
            continue;
          nv++;
          nf += x >= q;
          no += y >= q;
        }
      *num += (nf / nv - no / nv) * (nf / nv - no / nv);
      *den += (nf / nv) * (nf / nv) + (no / nv) * (no / nv);
    }
}

static void fss(void)
{
  enum { NX = 61, NY = 47, CASES = 3 };
  static float f[CASES][NX * NY], o[CASES][NX * NY];
  struct rn_verify_options opt;
  struct rn_verify *v;
  uint32_t s = 4242;
  rn_verify_options_init(&opt);
  opt.nscales = 6;
  opt.scales[0] = 1;
  opt.scales[1] = 2;
  opt.scales[2] = 3;
  opt.scales[3] = 8;
  opt.scales[4] = 27;
  opt.scales[5] = 101; /* larger than the grid */
  opt.ssim = 0;
  v = rn_verify_new(&opt);
  for (int c = 0; c < CASES; c++) {
    for (int i = 0; i < NX * NY; i++) {
      s = s * 1664525u + 1013904223u;
      f[c][i] = (float)(s >> 8) / 16777216.f * 90 - 32;
      s = s * 1664525u + 1013904223u;
      o[c][i] = (float)(s >> 8) / 16777216.f * 90 - 32;
      if ((s >> 4) % 17 == 0)
        o[c][i] = N_;
      if ((s >> 9) % 23 == 0)
        f[c][i] = N_;
    }
    const float *mem[1] = {f[c]};
    CHECK_OK(rn_verify_add(v, "rand", 300, mem, 1, o[c], NX, NY));
  }
  load_rows(v);
  for (int k = 0; k < 3; k++)
    for (int sc = 0; sc < opt.nscales; sc++) {
      double num = 0, den = 0, want, got;
      for (int c = 0; c < CASES; c++)
        fss_direct(f[c], o[c], NX, NY, opt.thresholds[k], opt.scales[sc], &num, &den);
      want = 1 - num / den;
      got = row("rand", 300, opt.thresholds[k], opt.scales[sc], "fss", NULL);
      printf("FSS q=%g n=%d: summed-area %.12f direct %.12f\n", opt.thresholds[k],
             opt.scales[sc], got, want);
      CHECK_NEAR(got, want, 1e-9);
    }
  rn_verify_free(v);
}

/* SSIM with summed-area tables against direct window sums. */
static double ssim_direct(const float *x, const float *y, int nx, int ny)
{
  const int r = 3, np = 49;
  double sum = 0;
  int cnt = 0;
  for (int j = r; j < ny - r; j++)
    for (int i = r; i < nx - r; i++) {
      double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (int b = j - r; b <= j + r; b++)
        for (int a = i - r; a <= i + r; a++) {
          double u = x[b * nx + a], w = y[b * nx + a];
          sx += u, sy += w, sxx += u * u, syy += w * w, sxy += u * w;
        }
      double ux = sx / np, uy = sy / np;
      double vx = (sxx - np * ux * ux) / (np - 1), vy = (syy - np * uy * uy) / (np - 1);
      double vxy = (sxy - np * ux * uy) / (np - 1);
      sum += (2 * ux * uy + 1e-4) * (2 * vxy + 9e-4) / ((ux * ux + uy * uy + 1e-4) * (vx + vy + 9e-4));
      cnt++;
    }
  return sum / cnt;
}

static void ssim(void)
{
  enum { NX = 33, NY = 25 };
  static float x[NX * NY], y[NX * NY];
  static uint8_t valid[NX * NY];
  static double work[6 * (NX + 1) * (NY + 1)];
  uint32_t s = 99;
  for (int i = 0; i < NX * NY; i++) {
    s = s * 1664525u + 1013904223u;
    x[i] = (float)(s >> 8) / 16777216.f;
    y[i] = 0.6f * x[i] + 0.4f * (float)((s >> 3) % 1000) / 1000.f;
    valid[i] = 1;
  }
  double got = rn_ssim(x, y, valid, NX, NY, work), want = ssim_direct(x, y, NX, NY);
  printf("SSIM: summed-area %.12f direct %.12f\n", got, want);
  CHECK_NEAR(got, want, 1e-9);
  CHECK_NEAR(rn_ssim(x, x, valid, NX, NY, work), 1, 1e-9);
  valid[5 * NX + 5] = 0; /* removes the 49 windows around it */
  CHECK(!isnan(rn_ssim(x, y, valid, NX, NY, work)));
  CHECK(isnan(rn_ssim(x, y, valid, 6, 6, work)));
}

static void missing(void)
{
  struct rn_verify_options opt;
  struct rn_verify *v;
  const float f[4] = {40, 40, 20, 20}, o[4] = {40, 20, 40, 20};
  const float *mem[1] = {f};
  const char *pred;
  int lead;
  rn_time t;
  rn_verify_options_init(&opt);
  v = rn_verify_new(&opt);
  CHECK_OK(rn_verify_add_missing(v, "late", 600, 1581080400 + 600));
  CHECK_OK(rn_verify_add(v, "late", 300, mem, 1, o, 2, 2));
  CHECK_OK(rn_verify_add(v, "late", 600, mem, 1, o, 2, 2));
  CHECK_OK(rn_verify_add_missing(v, "late", 600, 1581080700 + 600));
  CHECK(rn_verify_nmissing(v) == 2);
  rn_verify_missing_at(v, 1, &pred, &lead, &t);
  CHECK_STR(pred, "late");
  CHECK(lead == 600 && t == 1581081300);
  load_rows(v);
  CHECK_NEAR(row("late", 600, NONE, 0, "missing_cases", NULL), 2, 0);
  CHECK_NEAR(row("late", 300, NONE, 0, "missing_cases", NULL), 0, 0);
  CHECK_NEAR(row("late", RN_VERIFY_POOLED, NONE, 0, "missing_cases", NULL), 2, 0);
  CHECK_NEAR(row("late", 600, 30, 0, "csi", NULL), 1.0 / 3, 1e-12);
  rn_verify_free(v);
}

static void options(void)
{
  struct rn_verify_options opt;
  rn_verify_options_init(&opt);
  CHECK_OK(rn_verify_parse_thresholds(&opt, "20,35.5"));
  CHECK(opt.nthresholds == 2 && opt.thresholds[1] == 35.5f);
  CHECK(rn_verify_parse_thresholds(&opt, "20,abc") == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "--thresholds");
  CHECK(rn_verify_parse_thresholds(&opt, "") == RN_EUSAGE);
  CHECK(rn_verify_parse_thresholds(&opt, "1,2,3,4,5,6,7,8,9") == RN_EUSAGE);
  CHECK_OK(rn_verify_parse_scales(&opt, "1,5,25"));
  CHECK(opt.nscales == 3 && opt.scales[2] == 25);
  CHECK(rn_verify_parse_scales(&opt, "0") == RN_EUSAGE);
  CHECK(rn_verify_parse_scales(&opt, "2.5") == RN_EUSAGE);
  /* the pixel mapping of the papers */
  CHECK_NEAR(rn_verify_unit(RN_DBZ_NOECHO), 0, 0);
  CHECK_NEAR(rn_verify_unit(15), 0, 0);
  CHECK_NEAR(rn_verify_unit(40), 50.0 / 255, 1e-7);
  CHECK_NEAR(rn_verify_unit(142.5), 1, 0);
}

/* Several leads at once (one per thread) give the same sums as one by one. */
static void leads_at_once(void)
{
  enum { NX = 37, NY = 29, M = 6, L = 5 };
  static float f[L][M][NX * NY], o[L][NX * NY];
  const float *mem[L][M], *const *mp[L], *op[L];
  int leads[L];
  struct rn_verify_options opt;
  struct rn_verify *a, *b;
  struct rn_score_row *ra, *rb;
  int na, nb, diffs = 0;
  uint32_t s = 31337;
  for (int l = 0; l < L; l++) {
    leads[l] = 300 * (l + 1);
    for (int i = 0; i < NX * NY; i++) {
      s = s * 1664525u + 1013904223u;
      o[l][i] = (s >> 20) % 5 == 0 ? N_ : (float)(s >> 8) / 16777216.f * 90 - 35;
      for (int m = 0; m < M; m++) {
        s = s * 1664525u + 1013904223u;
        f[l][m][i] = (float)(s >> 8) / 16777216.f * 90 - 35;
      }
    }
    for (int m = 0; m < M; m++)
      mem[l][m] = f[l][m];
    mp[l] = mem[l];
    op[l] = o[l];
  }
  rn_verify_options_init(&opt);
  a = rn_verify_new(&opt);
  b = rn_verify_new(&opt);
  for (int l = 0; l < L; l++)
    CHECK_OK(rn_verify_add(a, "p", leads[l], mem[l], M, o[l], NX, NY));
  CHECK_OK(rn_verify_add_leads(b, "p", L, leads, mp, M, op, NX, NY));
  CHECK(rn_verify_add_leads(b, "p", 2, (const int[]){300, 300}, mp, M, op, NX, NY) == RN_EUSAGE);
  CHECK_OK(rn_verify_rows(a, &ra, &na));
  CHECK_OK(rn_verify_rows(b, &rb, &nb));
  CHECK(na == nb);
  for (int i = 0; i < na && i < nb; i++) {
    double x = ra[i].value, y = rb[i].value;
    if (strcmp(ra[i].score, rb[i].score) || ra[i].n_pixels != rb[i].n_pixels ||
        !(isnan(x) ? isnan(y) : fabs(x - y) <= 1e-9 * (1 + fabs(x))))
      diffs++;
  }
  printf("rn_verify_add_leads: %d rows, %d differ from rn_verify_add\n", na, diffs);
  CHECK(diffs == 0);
  free(ra);
  free(rb);
  rn_verify_free(a);
  rn_verify_free(b);
}

int main(void)
{
  hand_contingency();
  perfect();
  no_echo();
  identical_members();
  crps();
  hand_ensemble();
  fss();
  ssim();
  missing();
  options();
  leads_at_once();
  free(rows);
  TEST_DONE();
}
