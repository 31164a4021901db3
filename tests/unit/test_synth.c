/* test_synth.c - the synthetic scene and radar: beam geometry against the
 * textbook approximation, volume layout and values, the volume against the
 * truth frames (which map pixels through PROJ, not through the beam
 * model), motion, evolution and reproducibility. */
#include <radnow/synth.h>

#include <float.h>

#include "test.h"

static struct rn_synth *make(uint64_t seed)
{
  struct rn_synth_options o;
  struct rn_synth *s = NULL;
  rn_synth_options_init(&o);
  o.seed = seed;
  o.range = 120000;
  o.gate = 1000;
  o.nrays = 180;
  o.nelevations = 4;
  o.elevations[0] = 0.5;
  o.elevations[1] = 1.5;
  o.elevations[2] = 3.0;
  o.elevations[3] = 8.0;
  if (rn_synth_new(&o, &s) != RN_OK)
    fprintf(stderr, "rn_synth_new: %s\n", rn_errmsg());
  return s;
}

static void test_options(void)
{
  struct rn_synth_options o;
  struct rn_synth *s;
  rn_synth_options_init(&o);
  o.lat = 95;
  CHECK(rn_synth_new(&o, &s) == RN_EUSAGE && s == NULL);
  CHECK_CONTAINS(rn_errmsg(), "site");
  rn_synth_options_init(&o);
  o.elevations[3] = 1.0; /* not ascending */
  CHECK(rn_synth_new(&o, &s) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "ascend");
  rn_synth_options_init(&o);
  o.range = 5000;
  CHECK(rn_synth_new(&o, &s) == RN_EUSAGE);
}

static void test_geometry(const struct rn_synth *s)
{
  double h, g, ka = RN_SYNTH_KE * RN_SYNTH_EARTH_RADIUS, site = rn_synth_get_options(s)->height;
  /* h ~ r sin(el) + r^2 / (2 ka), good to centimetres at these ranges */
  rn_synth_gate(s, 100000, 0.5, &h, &g);
  CHECK_NEAR(h - site, 100000 * sin(0.5 * M_PI / 180) + 1e10 / (2 * ka), 0.5);
  CHECK(g < 100000 && g > 99900);
  /* the ground-distance formula inverts the slant-range one */
  for (double el = 0.5; el < 20; el += 3.7)
    for (double r = 5000; r < 250000; r += 61000) {
      rn_synth_gate(s, r, el, &h, &g);
      CHECK_NEAR(rn_synth_beam_height(s, g, el), h, 0.01);
    }
}

static void test_volume(const struct rn_synth *s, rn_time t)
{
  struct rn_volume vol;
  int a1[RN_SYNTH_MAX_ELEVATIONS];
  size_t echo = 0, total = 0, clutter = 0, noisy = 0;
  double maxz = -DBL_MAX, sum = 0, sum2 = 0;
  long nres = 0;
  CHECK_OK(rn_synth_volume(s, t, &vol, a1));
  if (vol.nsweeps != 4)
    return;
  CHECK_STR(vol.object, "PVOL");
  CHECK(vol.time == t);
  CHECK_NEAR(vol.lat, 50.0, 0);
  CHECK_NEAR(vol.lon, 8.0, 0);
  for (int k = 0; k < vol.nsweeps; k++) {
    const struct rn_sweep *sw = &vol.sweeps[k];
    const struct rn_moment *dbzh = rn_sweep_moment(sw, "DBZH"), *th = rn_sweep_moment(sw, "TH");
    CHECK(sw->nrays == 180 && sw->ngates == 120);
    CHECK_NEAR(sw->first_gate, 500, 0);
    CHECK_NEAR(sw->azimuth[0], 1.0, 1e-12);
    CHECK_NEAR(sw->azimuth[179], 359.0, 1e-12);
    CHECK(sw->start_time >= t && sw->end_time > sw->start_time && sw->end_time < t + 300);
    CHECK(a1[k] >= 0 && a1[k] < 180);
    CHECK(dbzh && th);
    if (!dbzh || !th)
      continue;
    for (int i = 0; i < sw->nrays; i++)
      for (int g = 0; g < sw->ngates; g++) {
        size_t at = (size_t)i * sw->ngates + g;
        float z = dbzh->data[at], c = th->data[at];
        total++;
        CHECK(!rn_is_nodata(z));
        if (rn_is_undetect(z)) {
          clutter += !rn_is_undetect(c);
          continue;
        }
        echo++;
        clutter += c > z + 1;
        if (z > maxz)
          maxz = z;
        CHECK(c >= z - 1e-4f);
        /* DBZH is the scene at the gate and the ray's own time, plus noise */
        {
          double h, gd, az = sw->azimuth[i] * M_PI / 180;
          double tr = rn_synth_ray_time(s, t, k, a1[k], i);
          rn_synth_gate(s, sw->first_gate + g * sw->gate_spacing, sw->elevation, &h, &gd);
          float truth = rn_synth_dbz(s, gd * sin(az), gd * cos(az), h, tr);
          if (truth > -32 && (k == 0 || (i % 7 == 0))) {
            double d = z - truth;
            sum += d;
            sum2 += d * d;
            nres++;
            noisy += fabs(d) > 3.5;
          }
        }
      }
  }
  printf("volume: %zu of %zu gates with echo, max %.1f dBZ, %zu clutter gates in TH; "
         "noise mean %.3f sd %.3f over %ld gates\n",
         echo, total, maxz, clutter, sum / nres, sqrt(sum2 / nres), nres);
  CHECK(echo > total / 20);
  CHECK(maxz > 45 && maxz < 66);
  CHECK(clutter > 10);
  CHECK(nres > 1000);
  CHECK(fabs(sum / nres) < 0.1);
  CHECK(fabs(sqrt(sum2 / nres) - 1.0) < 0.1);
  CHECK(noisy == 0);
  rn_volume_free(&vol);
}

/* The lowest sweep against the pcappi truth through an independent mapping:
 * PROJ takes each pixel to the radar plane; the nearest gate is chosen here
 * by range and azimuth. */
static void test_truth(const struct rn_synth *s, rn_time t)
{
  struct rn_volume vol;
  struct rn_grid g;
  struct rn_frame f, cm, hi;
  long n = 0, close = 0, both = 0, agree = 0;
  double sum = 0;
  CHECK_OK(rn_synth_grid(s, 240, &g));
  CHECK_OK(rn_synth_truth(s, t, &g, "pcappi", &f));
  CHECK_OK(rn_synth_truth(s, t, &g, "cmax", &cm));
  CHECK_OK(rn_synth_truth(s, t, &g, "cappi:6000", &hi));
  CHECK(rn_synth_truth(s, t, &g, "cappi:x", &hi) == RN_EUSAGE);
  CHECK(rn_synth_truth(s, t, &g, "max", &hi) == RN_EUSAGE);
  CHECK_OK(rn_synth_volume(s, t, &vol, NULL));
  for (int j = 0; j < g.ny; j++)
    for (int i = 0; i < g.nx; i++) {
      double x = g.xmin + (i + 0.5) * g.dx, y = g.ymax - (j + 0.5) * g.dy;
      double r = hypot(x, y), az = fmod(atan2(x, y) * 180 / M_PI + 360, 360);
      size_t p = (size_t)j * g.nx + i;
      float v = f.dbz[p];
      if (r > 119000) {
        /* the corner beyond the lowest beam's reach is nodata */
        if (r > 121000)
          CHECK(isnan(v));
        continue;
      }
      CHECK(!isnan(v) && !isnan(cm.dbz[p]) && !isnan(hi.dbz[p]));
      CHECK(cm.dbz[p] >= v - 1e-4f); /* column max over beams >= lowest beam */
      if (r < 2000)
        continue;
      const struct rn_sweep *sw = &vol.sweeps[0];
      int ray = (int)(az / 2.0) % 180, gate = (int)(r / 1000.0);
      float z = rn_sweep_moment(sw, "DBZH")->data[(size_t)ray * sw->ngates + gate];
      n++;
      if (v > 15 && !rn_is_undetect(z)) {
        both++;
        sum += fabs(z - v);
        close += fabs(z - v) < 5;
      }
      agree += (v > 20) == (!rn_is_undetect(z) && z > 20);
    }
  printf("truth vs lowest sweep: %ld pixels, %ld with echo in both, mean |diff| %.2f dB, "
         "%.1f%% within 5 dB, %.1f%% agree on > 20 dBZ\n",
         n, both, sum / both, 100.0 * close / both, 100.0 * agree / n);
  CHECK(both > n / 20);
  CHECK(sum / both < 2.5);
  CHECK(close > 0.9 * both);
  CHECK(agree > 0.95 * n);
  /* the band has a bright band and snow above: at 6 km it is weaker */
  {
    double low = 0, high = 0;
    for (size_t p = 0; p < (size_t)g.nx * g.ny; p++)
      if (!isnan(f.dbz[p])) {
        low += f.dbz[p] > 0 ? f.dbz[p] : 0;
        high += hi.dbz[p] > 0 ? hi.dbz[p] : 0;
      }
    CHECK(high < 0.8 * low);
  }
  rn_volume_free(&vol);
  rn_frame_free(&f);
  rn_frame_free(&cm);
  rn_frame_free(&hi);
  rn_grid_free(&g);
}

/* Mean absolute difference of two fields over pixels where both have data,
 * with b shifted by (dx, dy) pixels, |dx|, |dy| <= margin. */
static double shifted_mae(const struct rn_frame *a, const struct rn_frame *b, int dx, int dy,
                          int margin)
{
  double s = 0;
  long n = 0;
  int nx = a->grid.nx, ny = a->grid.ny;
  for (int j = margin; j < ny - margin; j++)
    for (int i = margin; i < nx - margin; i++) {
      float u = a->dbz[(size_t)j * nx + i], v = b->dbz[(size_t)(j + dy) * nx + i + dx];
      if (isnan(u) || isnan(v))
        continue;
      s += fabs((u > 0 ? u : 0) - (v > 0 ? v : 0));
      n++;
    }
  return n ? s / n : 1e9;
}

static void test_motion(const struct rn_synth *s, rn_time t)
{
  struct rn_grid g;
  struct rn_frame a, b, c;
  int bx = 0, by = 0;
  double best = 1e9, still, later;
  CHECK_OK(rn_synth_grid(s, 240, &g));
  CHECK_OK(rn_synth_truth(s, t, &g, "pcappi", &a));
  CHECK_OK(rn_synth_truth(s, t + 600, &g, "pcappi", &b));
  CHECK_OK(rn_synth_truth(s, t + 3600, &g, "pcappi", &c));
  for (int dy = -12; dy <= 12; dy++)
    for (int dx = -12; dx <= 12; dx++) {
      double m = shifted_mae(&a, &b, dx, dy, 12);
      if (m < best) {
        best = m;
        bx = dx;
        by = dy;
      }
    }
  still = shifted_mae(&a, &b, 0, 0, 12);
  /* 10 minutes at 8-15 m/s (plus the turning) is 4-11 km: 4-11 pixels */
  printf("motion over 10 min: (%d, %d) pixels, MAE %.2f dB there, %.2f dB unshifted\n", bx, -by,
         best, still);
  CHECK(hypot(bx, by) >= 3 && hypot(bx, by) <= 12);
  CHECK(best < 0.6 * still);
  /* after an hour cells have grown and died: no shift explains the change */
  best = 1e9;
  for (int dy = -40; dy <= 40; dy += 2)
    for (int dx = -40; dx <= 40; dx += 2) {
      double m = shifted_mae(&a, &c, dx, dy, 40);
      if (m < best)
        best = m;
    }
  later = best;
  printf("after 1 h: best-shift MAE %.2f dB\n", later);
  CHECK(later > 1.0);
  rn_frame_free(&a);
  rn_frame_free(&b);
  rn_frame_free(&c);
  rn_grid_free(&g);
}

static void test_reproducible(rn_time t)
{
  struct rn_synth *a = make(7), *b = make(7), *c = make(8);
  struct rn_volume va, vb, vc;
  if (!a || !b || !c)
    return;
  CHECK_OK(rn_synth_volume(a, t + 300, &va, NULL));
  CHECK_OK(rn_synth_volume(b, t + 300, &vb, NULL));
  CHECK_OK(rn_synth_volume(c, t + 300, &vc, NULL));
  for (int k = 0; k < va.nsweeps; k++) {
    size_t n = (size_t)va.sweeps[k].nrays * va.sweeps[k].ngates * sizeof(float);
    CHECK(memcmp(va.sweeps[k].moments[0].data, vb.sweeps[k].moments[0].data, n) == 0);
    CHECK(memcmp(va.sweeps[k].moments[1].data, vb.sweeps[k].moments[1].data, n) == 0);
    CHECK(memcmp(va.sweeps[k].moments[0].data, vc.sweeps[k].moments[0].data, n) != 0);
  }
  rn_volume_free(&va);
  rn_volume_free(&vb);
  rn_volume_free(&vc);
  rn_synth_free(a);
  rn_synth_free(b);
  rn_synth_free(c);
}

int main(void)
{
  struct rn_synth *s = make(1);
  rn_time t = rn_time_from_fields(2024, 6, 15, 14, 0, 0);
  test_options();
  if (!s)
    return 1;
  test_geometry(s);
  test_volume(s, t + 1800);
  test_truth(s, t + 1800);
  test_motion(s, t);
  test_reproducible(t);
  rn_synth_free(s);
  TEST_DONE();
}
