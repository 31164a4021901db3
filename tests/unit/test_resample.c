/* test_resample.c - frames onto other grids: block averages and nearest
 * against hand computation, nodata never bleeding into values, and a
 * reprojection checked pixel by pixel with PROJ. */
#include <radnow/resample.h>

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define AEQD "+proj=aeqd +lat_0=51 +lon_0=5 +ellps=WGS84 +units=m"

/* 100 x 100 at 1 km -> 10 x 10: every target pixel is one 10 x 10 block. */
static void test_average(void)
{
  struct rn_grid g, small;
  struct rn_frame f, out;
  int bad = 0;
  CHECK_OK(rn_grid_init(&g, AEQD, 100, 100, -50e3, 50e3, 1000, 1000));
  CHECK_OK(rn_frame_alloc(&f, &g));
  for (int j = 0; j < 100; j++)
    for (int i = 0; i < 100; i++) {
      float v = (float)((i * 7 + j * 13) % 50);
      if (j / 10 == 2 && i / 10 == 3)
        v = NAN; /* a whole block of nodata */
      else if (j / 10 == 5 && i / 10 == 5 && (i + j) % 3 == 0)
        v = NAN; /* a block with some nodata */
      else if (j / 10 == 7)
        v = RN_DBZ_NOECHO;
      f.dbz[j * 100 + i] = v;
    }
  CHECK_OK(rn_resample_grid(&g, 10, 10, &small));
  CHECK(small.dx == 10000 && small.xmin == g.xmin && small.ymax == g.ymax);
  CHECK_OK(rn_frame_resample(&f, &small, RN_RESAMPLE_AVERAGE, &out));
  for (int J = 0; J < 10; J++)
    for (int I = 0; I < 10; I++) {
      double sum = 0;
      int n = 0;
      float got = out.dbz[J * 10 + I];
      for (int j = J * 10; j < J * 10 + 10; j++)
        for (int i = I * 10; i < I * 10 + 10; i++)
          if (!isnan(f.dbz[j * 100 + i])) {
            sum += f.dbz[j * 100 + i];
            n++;
          }
      if (n == 0)
        bad += !isnan(got);
      else if (!(fabs(got - sum / n) < 1e-4)) {
        fprintf(stderr, "block %d,%d: got %g want %g\n", I, J, got, sum / n);
        bad++;
      }
    }
  CHECK(bad == 0);
  CHECK(isnan(out.dbz[2 * 10 + 3]));
  CHECK(out.dbz[7 * 10 + 1] == RN_DBZ_NOECHO);
  rn_frame_free(&out);

  /* nearest, 2x finer: each target pixel is its source pixel */
  {
    struct rn_grid fine;
    bad = 0;
    CHECK_OK(rn_resample_grid(&g, 200, 200, &fine));
    CHECK_OK(rn_frame_resample(&f, &fine, RN_RESAMPLE_NEAREST, &out));
    for (int j = 0; j < 200; j++)
      for (int i = 0; i < 200; i++) {
        float a = out.dbz[j * 200 + i], b = f.dbz[(j / 2) * 100 + i / 2];
        bad += !((isnan(a) && isnan(b)) || a == b);
      }
    CHECK(bad == 0);
    rn_frame_free(&out);
    rn_grid_free(&fine);
  }
  rn_grid_free(&small);
  rn_frame_free(&f);
  rn_grid_free(&g);
}

/* Bilinear next to nodata: the value comes from valid pixels only. */
static void test_bilinear_nodata(void)
{
  struct rn_grid g, shifted;
  struct rn_frame f, out;
  int bad = 0, valid = 0;
  CHECK_OK(rn_grid_init(&g, AEQD, 40, 40, -20e3, 20e3, 1000, 1000));
  CHECK_OK(rn_frame_alloc(&f, &g));
  for (int j = 0; j < 40; j++)
    for (int i = 0; i < 40; i++)
      f.dbz[j * 40 + i] = i >= 20 ? NAN : (float)(30 + (i % 2) * 10);
  /* target pixels straddle source pixels (shifted by half a pixel, finer) */
  CHECK_OK(rn_grid_init(&shifted, AEQD, 60, 60, -19.75e3, 19.75e3, 600, 600));
  CHECK_OK(rn_frame_resample(&f, &shifted, RN_RESAMPLE_BILINEAR, &out));
  for (size_t p = 0; p < 3600; p++) {
    float v = out.dbz[p];
    if (isnan(v))
      continue;
    valid++;
    bad += v < 30 || v > 40; /* a NaN or fill mixed in would leave this range */
  }
  fprintf(stderr, "bilinear next to nodata: %d valid, %d out of range\n", valid, bad);
  CHECK(valid > 1500 && bad == 0);
  /* left of the nodata edge everything is valid, right of it nothing */
  for (int j = 0; j < 60; j++) {
    double x_left = shifted.xmin + (5 + 0.5) * shifted.dx, x_right = shifted.xmin + (55 + 0.5) * shifted.dx;
    CHECK(x_left < 0 && x_right > 0);
    CHECK(!isnan(out.dbz[j * 60 + 5]));
    CHECK(isnan(out.dbz[j * 60 + 55]));
  }
  rn_frame_free(&out);
  rn_grid_free(&shifted);
  rn_frame_free(&f);
  rn_grid_free(&g);
}

/* Reprojection aeqd -> LAEA Europe, nearest: every target pixel holds the
 * source pixel under its centre (PROJ, exact), give or take the 1/8-pixel
 * approximation of the warper at pixel edges. */
static void test_reproject(void)
{
  struct rn_grid g, dst;
  struct rn_frame f, out;
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *op, *norm;
  int exact = 0, near = 0, bad = 0, outside = 0;
  double x[120], y[100];

  CHECK_OK(rn_grid_init(&g, AEQD, 200, 200, -100e3, 100e3, 1000, 1000));
  CHECK_OK(rn_frame_alloc(&f, &g));
  for (int j = 0; j < 200; j++)
    for (int i = 0; i < 200; i++)
      f.dbz[j * 200 + i] = (float)(j * 1000 + i); /* the pixel's own index */
  CHECK_OK(rn_grid_centered(&dst, "EPSG:3035", 51.2, 5.3, 120, 100, 1500));
  CHECK_OK(rn_frame_resample(&f, &dst, RN_RESAMPLE_NEAREST, &out));
  op = proj_create_crs_to_crs(ctx, "EPSG:3035", AEQD " +type=crs", NULL);
  norm = proj_normalize_for_visualization(ctx, op);
  rn_grid_xy(&dst, x, y);
  for (int j = 0; j < 100; j++)
    for (int i = 0; i < 120; i++) {
      PJ_COORD c = proj_trans(norm, PJ_FWD, proj_coord(x[i], y[j], 0, 0));
      double si = (c.xy.x - g.xmin) / g.dx, sj = (g.ymax - c.xy.y) / g.dy;
      float v = out.dbz[j * 120 + i];
      if (si < 0 || sj < 0 || si >= 200 || sj >= 200) {
        outside++;
        bad += !isnan(v);
        continue;
      }
      if (isnan(v)) {
        bad += si > 0.2 && sj > 0.2 && si < 199.8 && sj < 199.8;
        continue;
      }
      {
        int gi = (int)v % 1000, gj = (int)v / 1000;
        if (gi == (int)si && gj == (int)sj)
          exact++;
        else if (fabs(gi + 0.5 - si) < 0.5 + 0.125 && fabs(gj + 0.5 - sj) < 0.5 + 0.125)
          near++;
        else
          bad++;
      }
    }
  fprintf(stderr, "reprojection: %d exact, %d within 1/8 pixel of an edge, %d outside, %d bad\n",
          exact, near, outside, bad);
  CHECK(exact > 9000 && near < exact / 50 && outside > 100 && bad == 0);
  proj_destroy(norm);
  proj_destroy(op);
  proj_context_destroy(ctx);
  rn_frame_free(&out);
  rn_grid_free(&dst);
  rn_frame_free(&f);
  rn_grid_free(&g);
}

int main(void)
{
  enum rn_resample_method m;
  CHECK_OK(rn_resample_parse("average", &m));
  CHECK(m == RN_RESAMPLE_AVERAGE);
  CHECK(rn_resample_parse("cubic", &m) == RN_EUSAGE);
  test_average();
  test_bilinear_nodata();
  test_reproject();
  TEST_DONE();
}
