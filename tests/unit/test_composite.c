/* test_composite.c - maximum and nearest-radar composites: the per-pixel
 * rules on hand-made frames, then two synthetic radars gridded and merged. */
#include <radnow/composite.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define F RN_DBZ_NOECHO

static void test_rules(void)
{
  /* pixel:            0    1    2    3    4    5 */
  const float a[6] = {NAN, NAN, 20, F, F, 35};
  const float b[6] = {NAN, 12, NAN, 30, F, 25};
  const float ra[6] = {NAN, NAN, 5e3, 5e3, 5e3, 80e3};
  const float rb[6] = {NAN, 9e3, NAN, 90e3, 1e3, 10e3};
  const float want_max[6] = {NAN, 12, 20, 30, F, 35};
  const float want_near[6] = {NAN, 12, 20, F, F, 25};
  struct rn_grid g, other;
  struct rn_frame fa, fb, out;
  struct rn_composite c;
  enum rn_composite_method m;

  CHECK_OK(rn_grid_init(&g, "EPSG:3035", 3, 2, 4e6, 3e6, 1000, 1000));
  CHECK_OK(rn_frame_alloc(&fa, &g));
  CHECK_OK(rn_frame_alloc(&fb, &g));
  memcpy(fa.dbz, a, sizeof a);
  memcpy(fb.dbz, b, sizeof b);
  snprintf(fa.source, sizeof fa.source, "A");
  snprintf(fb.source, sizeof fb.source, "B");
  snprintf(fa.product, sizeof fa.product, "pcappi");
  fa.time = 100;
  fb.time = 400;

  CHECK_OK(rn_composite_parse("max", &m));
  CHECK_OK(rn_composite_begin(&c, &g, m));
  CHECK_OK(rn_composite_add(&c, &fa, NULL));
  CHECK_OK(rn_composite_add(&c, &fb, NULL));
  rn_composite_end(&c, &out);
  for (int i = 0; i < 6; i++)
    CHECK((isnan(want_max[i]) && isnan(out.dbz[i])) || out.dbz[i] == want_max[i]);
  CHECK_STR(out.source, "A, B");
  CHECK_STR(out.product, "composite");
  CHECK(out.time == 400);
  rn_frame_free(&out);

  CHECK_OK(rn_composite_parse("nearest", &m));
  CHECK_OK(rn_composite_begin(&c, &g, m));
  CHECK_OK(rn_composite_add(&c, &fa, ra));
  CHECK_OK(rn_composite_add(&c, &fb, rb));
  rn_composite_end(&c, &out);
  for (int i = 0; i < 6; i++)
    CHECK((isnan(want_near[i]) && isnan(out.dbz[i])) || out.dbz[i] == want_near[i]);
  rn_frame_free(&out);

  /* a gridded input (no range) ranks behind a radar, but fills gaps */
  CHECK_OK(rn_composite_begin(&c, &g, RN_COMPOSITE_NEAREST));
  CHECK_OK(rn_composite_add(&c, &fb, NULL));
  CHECK_OK(rn_composite_add(&c, &fa, ra));
  rn_composite_end(&c, &out);
  {
    const float want[6] = {NAN, 12, 20, F, F, 35};
    for (int i = 0; i < 6; i++)
      CHECK((isnan(want[i]) && isnan(out.dbz[i])) || out.dbz[i] == want[i]);
  }
  rn_frame_free(&out);

  CHECK(rn_composite_parse("mean", &m) == RN_EUSAGE);
  CHECK_OK(rn_grid_init(&other, "EPSG:3035", 3, 2, 4e6 + 500, 3e6, 1000, 1000));
  CHECK_OK(rn_composite_begin(&c, &other, RN_COMPOSITE_MAX));
  CHECK(rn_composite_add(&c, &fa, NULL) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "A is not on the composite's grid");
  rn_composite_free(&c);
  rn_grid_free(&other);
  rn_frame_free(&fa);
  rn_frame_free(&fb);
  rn_grid_free(&g);
}

/* Two radars 84 km apart, each a uniform field of its own value. */
static void make_radar(struct rn_volume *v, const char *name, double lat, double lon, float val)
{
  memset(v, 0, sizeof *v);
  snprintf(v->source, sizeof v->source, "%s", name);
  v->lat = lat;
  v->lon = lon;
  v->height = 50;
  if (rn_volume_alloc_sweeps(v, 2))
    abort();
  for (int k = 0; k < 2; k++) {
    struct rn_sweep *sw = &v->sweeps[k];
    struct rn_moment *m;
    if (rn_sweep_alloc(sw, 360, 240) || rn_sweep_add_moment(sw, "DBZH", &m))
      abort();
    sw->elevation = 0.5 + k;
    sw->first_gate = 250;
    sw->gate_spacing = 500;
    for (int r = 0; r < 360; r++) {
      sw->azimuth[r] = r + 0.5;
      for (int g = 0; g < 240; g++)
        m->data[(size_t)r * 240 + g] = g < 10 ? RN_UNDETECT : val;
    }
  }
}

static void test_volumes(void)
{
  struct rn_volume va, vb;
  const struct rn_volume *vols[2] = {&va, &vb};
  struct rn_grid g;
  struct rn_frame fa, fb, out;
  struct rn_p2g_options opt;
  float *ra, *rb;
  size_t npix;
  int bad_max = 0, bad_near = 0, both = 0;

  make_radar(&va, "A", 51.0, 4.0, 20);
  make_radar(&vb, "B", 51.0, 5.2, 40);
  CHECK_OK(rn_grid_centered(&g, "EPSG:3035", 51.0, 4.6, 200, 120, 2000));
  npix = (size_t)g.nx * g.ny;
  ra = malloc(npix * sizeof *ra);
  rb = malloc(npix * sizeof *rb);
  rn_p2g_options_init(&opt);
  CHECK_OK(rn_polar2grid(&va, NULL, &g, &opt, NULL, &fa, ra));
  CHECK_OK(rn_polar2grid(&vb, NULL, &g, &opt, NULL, &fb, rb));
  CHECK_OK(rn_composite_volumes(vols, 2, NULL, &g, &opt, RN_COMPOSITE_MAX, NULL, &out));
  for (size_t p = 0; p < npix; p++) {
    float want = isnan(fa.dbz[p]) ? fb.dbz[p]
                 : isnan(fb.dbz[p]) ? fa.dbz[p]
                                    : fmaxf(fa.dbz[p], fb.dbz[p]);
    bad_max += !((isnan(want) && isnan(out.dbz[p])) || want == out.dbz[p]);
    both += !isnan(fa.dbz[p]) && !isnan(fb.dbz[p]);
  }
  rn_frame_free(&out);
  CHECK_OK(rn_composite_volumes(vols, 2, NULL, &g, &opt, RN_COMPOSITE_NEAREST, NULL, &out));
  for (size_t p = 0; p < npix; p++) {
    float want = isnan(fa.dbz[p]) ? fb.dbz[p]
                 : isnan(fb.dbz[p]) ? fa.dbz[p]
                 : ra[p] <= rb[p]   ? fa.dbz[p]
                                    : fb.dbz[p];
    bad_near += !((isnan(want) && isnan(out.dbz[p])) || want == out.dbz[p]);
  }
  fprintf(stderr, "two radars: %d pixels seen by both; %d max and %d nearest mismatches\n", both,
          bad_max, bad_near);
  CHECK(both > 1000);
  CHECK(bad_max == 0 && bad_near == 0);
  /* near radar B the nearest composite shows B's undetect ring, the max A's echo */
  {
    int seen = 0;
    for (size_t p = 0; p < npix; p++)
      if (rb[p] < 3000 && !isnan(fa.dbz[p])) {
        seen++;
        CHECK(out.dbz[p] == RN_DBZ_NOECHO);
      }
    CHECK(seen > 0);
  }
  CHECK_STR(out.source, "A, B");
  rn_frame_free(&out);
  rn_frame_free(&fa);
  rn_frame_free(&fb);
  free(ra);
  free(rb);
  rn_grid_free(&g);
  rn_volume_free(&va);
  rn_volume_free(&vb);
}

int main(void)
{
  test_rules();
  test_volumes();
  TEST_DONE();
}
