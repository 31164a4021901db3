/* test_fmi_resample.c - FMI's GeoTIFF composite (EPSG:3067, 250 m) resampled
 * onto the grid of FMI's PGM composite of the same time (polar
 * stereographic, ~1 km) agrees with that PGM frame. Both files are FMI
 * products made from the same radar data; they differ by FMI's own
 * processing, so agreement is statistical, not exact. Measures over the
 * 760 x 1226 PGM grid:
 *   coverage  fraction of pixels where both agree on nodata or data  >= 0.999
 *   within1   fraction of pixels with data in both within 1 dBZ      >= 0.85
 *   mae       mean absolute difference there, dBZ                     <= 0.9
 * Nearest neighbour, measured when written: 0.9996, 0.885, 0.776 dBZ with
 * the PGM grid on a sphere of radius 6371288 m (the reader's georeference);
 * 0.9997, 0.922, 0.547 dBZ with the same corners on the WGS84 ellipsoid,
 * where every half-pixel shift of the grid raises the MAE above 1.04 dBZ.
 * Average resampling, the method for shrinking frames, is held to looser
 * bounds. Every resampled value must lie within the range of dBZ values. */
#include <radnow/ingest.h>
#include <radnow/resample.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../unit/test.h"

static void compare(const char *pgm_path, const char *tif_path)
{
  struct rn_radar_data pgm, tif;
  CHECK_OK(rn_ingest_read(pgm_path, NULL, &pgm));
  CHECK_OK(rn_ingest_read(tif_path, NULL, &tif));
  if (test_failures)
    return;
  CHECK(pgm.kind == RN_DATA_GRID && tif.kind == RN_DATA_GRID);
  CHECK(pgm.frame.time == tif.frame.time);
  for (int m = 0; m < 3; m += 2) { /* nearest, average */
    struct rn_frame out;
    size_t n, both = 0, same_mask = 0, within1 = 0, outside = 0;
    double mae = 0;
    CHECK_OK(rn_frame_resample(&tif.frame, &pgm.frame.grid, (enum rn_resample_method)m, &out));
    if (test_failures)
      return;
    n = (size_t)out.grid.nx * out.grid.ny;
    for (size_t p = 0; p < n; p++) {
      float a = out.dbz[p], b = pgm.frame.dbz[p];
      same_mask += isnan(a) == isnan(b);
      outside += !isnan(a) && (a < RN_DBZ_NOECHO || a > 95.5f);
      if (isnan(a) || isnan(b))
        continue;
      both++;
      mae += fabs(a - b);
      within1 += fabs(a - b) <= 1;
    }
    mae /= both ? both : 1;
    fprintf(stderr, "%s, %s: coverage agreement %.5f, %zu pixels with data in both, within 1 dBZ "
                    "%.4f, MAE %.3f dBZ, %zu values outside the source range\n",
            strrchr(tif_path, '/') + 1, rn_resample_name(m), (double)same_mask / n, both,
            (double)within1 / both, mae, outside);
    CHECK(both > 500000);
    CHECK(outside == 0);
    if (m == RN_RESAMPLE_NEAREST) {
      CHECK((double)same_mask / n >= 0.999);
      CHECK((double)within1 / both >= 0.85);
      CHECK(mae <= 0.9);
    } else {
      CHECK((double)same_mask / n >= 0.998);
      CHECK((double)within1 / both >= 0.75);
      CHECK(mae <= 1.2);
    }
    rn_frame_free(&out);
  }
  rn_radar_data_free(&pgm);
  rn_radar_data_free(&tif);
}

int main(void)
{
  const char *corpus = test_corpus();
  static const char *times[] = {"201609281445", "201609281450"};
  char pgm[4096], tif[4096];
  if (!corpus)
    return test_corpus_missing();
  for (int i = 0; i < 2; i++) {
    snprintf(pgm, sizeof pgm,
             "%s/composites/fmi_pgm_20160928/%s_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz",
             corpus, times[i]);
    snprintf(tif, sizeof tif, "%s/composites/fmi_geotiff_20160928/%s_FINUTM.tif", corpus,
             times[i]);
    compare(pgm, tif);
  }
  TEST_DONE();
}
