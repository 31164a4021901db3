/* test_raster.c - pixel encodings (hand-computed table), GDAL rasters made
 * at run time, and the gridded corpus: FMI PGM header georeference checked
 * against FMI's GeoTIFF of the same time, KNMI and OPERA pixel values
 * (h5dump, od: commands in the comments). */
#include <radnow/ingest.h>

#include <gdal.h>
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../ingest/encoding.h"
#include "test.h"

static void test_encodings(void)
{
  static const struct {
    const char *spec;
    double p, dbz; /* NaN: nodata */
  } table[] = {
      {"odim-byte", 100, 18.0},
      {"odim-byte", 255, NAN},
      {"odim-byte", 0, -32.0},
      {"odim-byte", 1, -31.5},
      {"hko7", 255, 60.0},
      {"hko7", 128, 70.0 * 128 / 255 - 10},
      {"hko7", 0, -32.0},
      {"radar-echo", 40, 35.0},
      {"radar-echo", 255, 142.5},
      {"cikm", 255, 85.0},
      {"cikm", 51, 9.0},
      {"linear:2,-10", 30, 50.0},
      {"linear:2,-10", 0, -10.0},
      {"linear:0.5,-32,nodata=0", 0, NAN},
      {"hko7,nodata=255", 255, NAN},
      {"odim-byte,undetect=none", 0, -32.0},
      {"odim-byte,nodata=none", 255, 95.5},
      {"dbz", -50, -32.0},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    struct rn_encoding e;
    CHECK_OK(rn_encoding_parse(table[i].spec, &e));
    float v = rn_encoding_apply(&e, table[i].p);
    if (isnan(table[i].dbz))
      CHECK(isnan(v));
    else
      CHECK_NEAR(v, table[i].dbz, 1e-5);
  }
  struct rn_encoding e;
  CHECK(rn_encoding_parse("hk07", &e) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "encoding 'hk07' is not known");
  CHECK(rn_encoding_parse("linear:a,1", &e) == RN_EUSAGE);
  CHECK(rn_encoding_parse("linear:1", &e) == RN_EUSAGE);
  CHECK(rn_encoding_parse("cikm,bogus=3", &e) == RN_EUSAGE);
}

/* A 4 x 3 PNG without georeference; pixel (i, j) = 20 j + i. */
static int write_png(const char *path)
{
  GDALDriverH mem = GDALGetDriverByName("MEM"), png = GDALGetDriverByName("PNG");
  GDALDatasetH ds, out;
  unsigned char px[12];
  if (!mem || !png)
    return -1;
  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 4; i++)
      px[j * 4 + i] = (unsigned char)(20 * j + i);
  ds = GDALCreate(mem, "", 4, 3, 1, GDT_Byte, NULL);
  if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, 4, 3, px, 4, 3, GDT_Byte, 0, 0))
    return -1;
  out = GDALCreateCopy(png, path, ds, FALSE, NULL, NULL, NULL);
  GDALClose(ds);
  if (!out)
    return -1;
  GDALClose(out);
  return 0;
}

static void test_png(const char *dir)
{
  char path[512], aux[520];
  struct rn_radar_data d;
  struct rn_ingest_options opt;
  GDALAllRegister();
  snprintf(path, sizeof path, "%s/frame_202101020304.png", dir);
  CHECK(write_png(path) == 0);
  rn_ingest_options_init(&opt);
  CHECK(rn_ingest_read(path, &opt, &d) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "integer pixels and no encoding in the file");
  opt.encoding = "radar-echo";
  CHECK(rn_ingest_read(path, &opt, &d) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "no georeference in the file: give crs and extent");
  opt.crs = "EPSG:3857";
  opt.extent[0] = 1000;
  opt.extent[1] = 2000;
  opt.extent[2] = 1400;
  opt.extent[3] = 2300;
  opt.have_extent = 1;
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK(d.kind == RN_DATA_GRID);
  CHECK_STR(d.format, "GDAL/PNG");
  CHECK(d.frame.grid.nx == 4 && d.frame.grid.ny == 3);
  CHECK_NEAR(d.frame.grid.xmin, 1000, 0);
  CHECK_NEAR(d.frame.grid.ymax, 2300, 0);
  CHECK_NEAR(d.frame.grid.dx, 100, 1e-9);
  CHECK_NEAR(d.frame.grid.dy, 100, 1e-9);
  CHECK(d.frame.dbz && d.frame.dbz[0] == RN_DBZ_NOECHO); /* p = 0: undetect */
  if (d.frame.dbz) {
    CHECK_NEAR(d.frame.dbz[1 * 4 + 3], (23 + 30) / 2.0, 1e-6);
    CHECK_NEAR(d.frame.dbz[2 * 4 + 1], (41 + 30) / 2.0, 1e-6);
  }
  CHECK(d.frame.time == rn_time_from_fields(2021, 1, 2, 3, 4, 0)); /* from the name */
  CHECK_CONTAINS(d.notes, "time from the file name");
  rn_radar_data_free(&d);
  opt.encoding = "no-such-encoding";
  CHECK(rn_ingest_read(path, &opt, &d) == RN_EUSAGE);
  unlink(path);
  snprintf(aux, sizeof aux, "%s.aux.xml", path);
  unlink(aux);
}

/* Mean |PGM - GeoTIFF| (dBZ) over valid pixels, sampling the PGM frame on a
 * grid whose corners are (x0, y1) with pixel size dx, dy. */
static double mismatch(const struct rn_frame *pgm, const struct rn_frame *tif, double x0, double y1,
                       double dx, double dy, long *count)
{
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *pj = proj_create_crs_to_crs(ctx, pgm->grid.crs_wkt, tif->grid.crs_wkt, NULL);
  PJ *norm = proj_normalize_for_visualization(ctx, pj);
  double sum = 0;
  long n = 0;
  for (int j = 0; j < pgm->grid.ny; j += 3)
    for (int i = 0; i < pgm->grid.nx; i += 3) {
      float a = pgm->dbz[(size_t)j * pgm->grid.nx + i];
      PJ_COORD c =
          proj_trans(norm, PJ_FWD, proj_coord(x0 + (i + 0.5) * dx, y1 - (j + 0.5) * dy, 0, 0));
      int ti = (int)floor((c.xy.x - tif->grid.xmin) / tif->grid.dx);
      int tj = (int)floor((tif->grid.ymax - c.xy.y) / tif->grid.dy);
      if (ti < 0 || tj < 0 || ti >= tif->grid.nx || tj >= tif->grid.ny)
        continue;
      float b = tif->dbz[(size_t)tj * tif->grid.nx + ti];
      if (!isfinite(a) || !isfinite(b) || a <= RN_DBZ_NOECHO || b <= RN_DBZ_NOECHO)
        continue;
      sum += fabs(a - b);
      n++;
    }
  proj_destroy(norm);
  proj_destroy(pj);
  proj_context_destroy(ctx);
  *count = n;
  return n ? sum / n : INFINITY;
}

static void check_corpus(const char *corpus)
{
  char path[1024];
  struct rn_radar_data pgm, tif, d;

  /* FMI PGM at 14:45: pixel (row 600, col 400) is 110 (od on the decompressed
   * pixels after the "255" line), i.e. 0.5 * 110 - 32 dBZ. */
  snprintf(
      path, sizeof path,
      "%s/composites/fmi_pgm_20160928/201609281445_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz",
      corpus);
  CHECK_OK(rn_ingest_read(path, NULL, &pgm));
  snprintf(path, sizeof path, "%s/composites/fmi_geotiff_20160928/201609281445_FINUTM.tif", corpus);
  CHECK_OK(rn_ingest_read(path, NULL, &tif));
  if (pgm.frame.dbz && tif.frame.dbz) {
    const struct rn_grid *g = &pgm.frame.grid;
    CHECK_NEAR(pgm.frame.dbz[600 * 760 + 400], 0.5 * 110 - 32, 1e-6);
    CHECK_NEAR(pgm.frame.dbz[600 * 760 + 403], 0.5 * 107 - 32, 1e-6);
    /* Corner convention: bottomleft/topright as OUTER corners must fit the
     * GeoTIFF better than as centres of the corner pixels. */
    long n0 = 0, n1 = 0;
    double x1 = g->xmin, x2 = g->xmin + g->nx * g->dx, y2 = g->ymax, y1 = g->ymax - g->ny * g->dy;
    double outer = mismatch(&pgm.frame, &tif.frame, x1, y2, g->dx, g->dy, &n0);
    double cdx = (x2 - x1) / (g->nx - 1), cdy = (y2 - y1) / (g->ny - 1);
    double centres = mismatch(&pgm.frame, &tif.frame, x1 - cdx / 2, y2 + cdy / 2, cdx, cdy, &n1);
    fprintf(stderr,
            "FMI PGM vs GeoTIFF: mean |diff| %.3f dBZ (outer corners, %ld pixels), "
            "%.3f dBZ (corner pixel centres, %ld pixels)\n",
            outer, n0, centres, n1);
    CHECK(n0 > 10000);
    CHECK(outer < 1.2);
    CHECK(outer < 0.85 * centres);
  }
  rn_radar_data_free(&pgm);
  rn_radar_data_free(&tif);

  /* KNMI: h5dump -d /image1/image_data -s "522,326" -c "1,4" -> 50, 58, 72, 62 (0.01 mm
   * over 5 min): dBZ = 10 log10(200 (0.72 * 12)^1.6) for 72; (0,0) is 65535 (missing). */
  snprintf(path, sizeof path, "%s/composites/knmi_201008/08/RAD_NL25_RAP_5min_201008260000.h5",
           corpus);
  CHECK_OK(rn_ingest_read(path, NULL, &d));
  if (d.frame.dbz) {
    CHECK_NEAR(d.frame.dbz[522 * 700 + 328], 10 * log10(200 * pow(0.72 * 12, 1.6)), 1e-4);
    CHECK_NEAR(d.frame.dbz[522 * 700 + 326], 10 * log10(200 * pow(0.50 * 12, 1.6)), 1e-4);
    CHECK(isnan(d.frame.dbz[0]));
  }
  rn_radar_data_free(&d);

  /* OPERA: h5dump -d /dataset1/data1/data -s "2037,1827" -c "1,4" -> 6.5, 11, 24, 17;
   * (0,0) is -9.999e+06 (nodata); (2000,1800) is -8.888e+06 (undetect -> no echo). */
  snprintf(path, sizeof path,
           "%s/composites/opera_cirrus_20241126/T_PABV21_C_EUOC_20241126010000.hdf", corpus);
  CHECK_OK(rn_ingest_read(path, NULL, &d));
  if (d.frame.dbz) {
    CHECK_NEAR(d.frame.dbz[2037 * 3800 + 1829], 24, 0);
    CHECK_NEAR(d.frame.dbz[2037 * 3800 + 1827], 6.5, 0);
    CHECK(isnan(d.frame.dbz[0]));
    CHECK(d.frame.dbz[2000 * 3800 + 1800] == RN_DBZ_NOECHO);
    /* In the last, partial row of 760 x 880 chunks:
     * h5dump -d /dataset1/data1/data -s "4206,2329" -c "1,3" -> -8.888e+06, 4.5, 3 */
    CHECK_NEAR(d.frame.dbz[(size_t)4206 * 3800 + 2331], 3, 0);
    CHECK_NEAR(d.frame.dbz[(size_t)4206 * 3800 + 2330], 4.5, 0);
    CHECK(d.frame.dbz[(size_t)4206 * 3800 + 2329] == RN_DBZ_NOECHO);
  }
  rn_radar_data_free(&d);
}

int main(void)
{
  char dir[] = "/tmp/radnow-raster.XXXXXX";
  const char *corpus;
  test_encodings();
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_png(dir);
  rmdir(dir);
  corpus = test_corpus();
  if (!corpus)
    return test_failures ? 1 : test_corpus_missing();
  check_corpus(corpus);
  TEST_DONE();
}
