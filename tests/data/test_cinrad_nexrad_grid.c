/* test_cinrad_nexrad_grid.c - gridding (radnow grid's path) of every
 * CINRAD and NEXRAD PPI sample puts the strongest echo where its gate is.
 *
 * For each sample: the strongest reflectivity gate of the volume is located
 * here, independently of the gridding code, with the 4/3-earth beam formula
 * (Doviak and Zrnic: h = sqrt(r^2 + a^2 + 2 r a sin e) - a, ground range
 * s = a asin(r cos e / (a + h)), a = 4/3 * 6371 km) and the gate's azimuth:
 * x = s sin(az), y = s cos(az) in the radar-centred azimuthal equidistant
 * projection. A column-maximum grid of 400 x 400 pixels around that point,
 * with pixels of 25 m or a third of the gate's cell if that is smaller (so
 * sampling at pixel centres must hit the cell), must then
 *   - hold the volume's maximum (no stronger and no weaker echo), and
 *   - have it at a pixel whose centre lies inside the cell of a gate of that
 *     value (in ground range and azimuth), grown by half a pixel;
 *   - and the pixel nearest to the strongest gate's centre shows it.
 * (The RHI refusal is in cinrad_nexrad_info.sh.) */
#include <radnow/gridding.h>
#include <radnow/ingest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/test.h"

#define AE (4.0 / 3.0 * 6371000.0)
#define DEG (M_PI / 180.0)
#define NPIX 400 /* grid of NPIX x NPIX pixels around the strongest gate */

static double ground_range(double r, double el_deg)
{
  double e = el_deg * DEG, h = sqrt(r * r + AE * AE + 2 * r * AE * sin(e)) - AE;
  return AE * asin(r * cos(e) / (AE + h));
}

struct gate {
  int s, r, g;
};

static double az_diff(double a, double b)
{
  double d = fabs(a - b);
  return d > 180 ? 360 - d : d;
}

/* Whether point (x, y) lies in the cell of gate q, grown by `grow` metres. */
static int in_cell(const struct rn_volume *v, struct gate q, double x, double y, double grow)
{
  const struct rn_sweep *sw = &v->sweeps[q.s];
  double r = sw->first_gate + q.g * sw->gate_spacing;
  double s = ground_range(r, sw->elevation);
  double ds = ground_range(r + 0.5 * sw->gate_spacing, sw->elevation) - s;
  double sp = hypot(x, y), azp = fmod(atan2(x, y) / DEG + 360, 360);
  double half_beam = 0.75 * 360.0 / sw->nrays; /* rays are not exactly evenly spaced */
  return fabs(sp - s) <= ds + grow && az_diff(azp, sw->azimuth[q.r]) * DEG * s <= half_beam * DEG * s + grow;
}

static void check_sample(const char *path)
{
  struct rn_radar_data d;
  struct rn_gridding_options o;
  struct rn_frame f;
  struct gate *top = NULL;
  int ntop = 0, cap = 0;
  float vmax = -INFINITY;
  char crs[512], extent[128];
  double x0 = 0, y0 = 0, pixel = 25, half;
  char res[32];
  const struct rn_volume *v;

  CHECK_OK(rn_ingest_read(path, NULL, &d));
  if (d.kind != RN_DATA_VOLUME)
    return;
  v = &d.vol;
  for (int s = 0; s < v->nsweeps; s++) {
    const struct rn_sweep *sw = &v->sweeps[s];
    const struct rn_moment *m = rn_sweep_moment(sw, "DBZH");
    for (int r = 0; m && r < sw->nrays; r++)
      for (int g = 0; g < sw->ngates; g++) {
        float z = m->data[(size_t)r * sw->ngates + g];
        if (!isfinite(z) || z < vmax)
          continue;
        if (z > vmax) {
          vmax = z;
          ntop = 0;
        }
        if (ntop == cap) {
          cap = cap ? 2 * cap : 16;
          top = realloc(top, (size_t)cap * sizeof *top);
        }
        top[ntop++] = (struct gate){s, r, g};
      }
  }
  CHECK(ntop > 0);
  { /* of the strongest gates, the one with the largest cell */
    double cell = 0;
    for (int t = 0; t < ntop; t++) {
      const struct rn_sweep *sw = &v->sweeps[top[t].s];
      double s = ground_range(sw->first_gate + top[t].g * sw->gate_spacing, sw->elevation);
      double c = fmin(s * (360.0 / sw->nrays) * DEG, sw->gate_spacing);
      if (c > cell) {
        cell = c;
        x0 = s * sin(sw->azimuth[top[t].r] * DEG);
        y0 = s * cos(sw->azimuth[top[t].r] * DEG);
      }
    }
    pixel = fmin(25.0, cell / 3);
  }
  rn_grid_aeqd(v->lat, v->lon, crs, sizeof crs);
  half = 0.5 * NPIX * pixel;
  snprintf(extent, sizeof extent, "%.3f,%.3f,%.3f,%.3f", x0 - half, y0 - half, x0 + half, y0 + half);
  snprintf(res, sizeof res, "%.6f", pixel);
  rn_gridding_options_init(&o);
  CHECK_OK(rn_gridding_set(&o, "crs", crs));
  CHECK_OK(rn_gridding_set(&o, "extent", extent));
  CHECK_OK(rn_gridding_set(&o, "res", res));
  CHECK_OK(rn_gridding_set(&o, "product", "cmax"));
  {
    const char *files[1] = {path};
    CHECK_OK(rn_gridding_run(&o, NULL, files, 1, NULL, &f));
  }
  if (f.dbz) {
    float gmax = -INFINITY;
    int found = 0, near_i = -1, near_j = -1;
    double best = INFINITY;
    for (size_t k = 0; k < (size_t)f.grid.nx * f.grid.ny; k++)
      if (isfinite(f.dbz[k]) && f.dbz[k] > gmax)
        gmax = f.dbz[k];
    CHECK_NEAR(gmax, vmax, 1e-4); /* nothing stronger in the column, the gate is hit */
    for (int j = 0; j < f.grid.ny; j++)
      for (int i = 0; i < f.grid.nx; i++) {
        double x = f.grid.xmin + (i + 0.5) * f.grid.dx, y = f.grid.ymax - (j + 0.5) * f.grid.dy;
        double dist = hypot(x - x0, y - y0);
        if (dist < best) {
          best = dist;
          near_i = i;
          near_j = j;
        }
        if (f.dbz[(size_t)j * f.grid.nx + i] != gmax)
          continue;
        for (int t = 0; t < ntop && !found; t++)
          found = in_cell(v, top[t], x, y, 0.5 * pixel);
        if (!found)
          fprintf(stderr, "%s: pixel (%d, %d) holds %.1f dBZ but no such gate is within half a pixel\n",
                  path, i, j, gmax), test_failures++;
        found = 0;
      }
    fprintf(stderr, "%s: strongest echo %.1f dBZ (%d gates) at x %.0f m y %.0f m, %.1f m pixels\n",
            path, vmax, ntop, x0, y0, pixel);
    CHECK_NEAR(f.dbz[(size_t)near_j * f.grid.nx + near_i], vmax, 1e-4);
    rn_frame_free(&f);
  }
  free(top);
  rn_radar_data_free(&d);
}

int main(void)
{
  static const char *const samples[] = {
      "cinrad/Z9396_BASE_SB_20180724_055400.bin.bz2", "cinrad/2016070817.48V.gz",
      "cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2",
      "nexrad/KLBB20160601_150025_V06", "nexrad/KLIX20050828_180149.gz"};
  const char *corpus = test_corpus();
  char path[4096];
  if (!corpus)
    return test_corpus_missing();
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    snprintf(path, sizeof path, "%s/volumes/%s", corpus, samples[i]);
    check_sample(path);
  }
  TEST_DONE();
}
