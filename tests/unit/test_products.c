/* test_products.c - dBZ palette, byte encodings, product names, COG GeoTIFF
 * products read back through GDAL, the latest.json manifest and retention. */
#include <radnow/geotiff.h>
#include <radnow/manifest.h>
#include <radnow/palette.h>

#include <dirent.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "forecast_fixture.h"
#include "test.h"

static char scratch[256];

static void test_palette(void)
{
  const struct rn_palette *b = rn_palette_dbz();
  struct rn_palette p;
  unsigned char c[4], table[256][4];
  char path[4096], bad[512];
  const char *top = getenv("top_srcdir");
  FILE *f;

  /* The documented file and the built-in table are the same palette. */
  snprintf(path, sizeof path, "%s/etc/palettes/dbz.txt", top ? top : ".");
  CHECK_OK(rn_palette_load(&p, path));
  CHECK(p.n == b->n);
  for (int i = 0; i < p.n && i < b->n; i++) {
    CHECK(p.e[i].dbz == b->e[i].dbz);
    CHECK(memcmp(p.e[i].rgba, b->e[i].rgba, 4) == 0);
  }
  CHECK(memcmp(p.noecho, b->noecho, 4) == 0 && memcmp(p.nodata, b->nodata, 4) == 0);

  /* Class lookup: the colour of the highest bound at or below the value. */
  rn_palette_color(b, 4.99f, c);
  CHECK(c[3] == 0);
  rn_palette_color(b, 5.0f, c);
  CHECK(c[0] == 4 && c[1] == 233 && c[2] == 231 && c[3] == 255);
  rn_palette_color(b, 52.0f, c);
  CHECK(c[0] == 253 && c[1] == 0 && c[2] == 0);
  rn_palette_color(b, 90.0f, c);
  CHECK(c[0] == 253 && c[1] == 253 && c[2] == 253);
  rn_palette_color(b, NAN, c);
  CHECK(c[3] == 0);
  rn_palette_color(b, -32.0f, c);
  CHECK(c[3] == 0);

  /* Byte table: v = 74 is 0.5 * 74 - 32 = 5 dBZ, v = 73 is 4.5 dBZ. */
  rn_palette_byte_table(b, table);
  CHECK(table[74][0] == 4 && table[74][1] == 233 && table[74][3] == 255);
  CHECK(table[73][3] == 0);
  CHECK(table[0][3] == 0 && table[255][3] == 0);
  CHECK(table[164][0] == 253 && table[164][1] == 0); /* 50 dBZ */

  /* Bad files: one error naming the file and line. */
  snprintf(bad, sizeof bad, "%s/bad.txt", scratch);
  f = fopen(bad, "w");
  fprintf(f, "# comment\n10 1 2 3\n5 4 5 6\n");
  fclose(f);
  CHECK(rn_palette_load(&p, bad) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "bad.txt: line 3: bound 5 does not ascend");
  f = fopen(bad, "w");
  fprintf(f, "10 1 2 300\n");
  fclose(f);
  CHECK(rn_palette_load(&p, bad) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "bad.txt: line 1:");
  CHECK(rn_palette_load(&p, "/no/such/palette.txt") == RN_ENOTFOUND);
}

static void test_encodings(void)
{
  CHECK(rn_geotiff_display_byte(NAN) == 255);
  CHECK(rn_geotiff_display_byte(-32.0f) == 0);
  CHECK(rn_geotiff_display_byte(-40.0f) == 0);
  CHECK(rn_geotiff_display_byte(-31.9f) == 1); /* a weak echo stays an echo */
  CHECK(rn_geotiff_display_byte(0.0f) == 64);
  CHECK(rn_geotiff_display_byte(20.2f) == 104); /* 2 * 52.2 = 104.4 */
  CHECK(rn_geotiff_display_byte(55.0f) == 174);
  CHECK(rn_geotiff_display_byte(95.0f) == 254);
  CHECK(rn_geotiff_display_byte(120.0f) == 254);
  CHECK(rn_geotiff_prob_byte(NAN) == 255);
  CHECK(rn_geotiff_prob_byte(0.0f) == 0);
  CHECK(rn_geotiff_prob_byte(0.25f) == 25);
  CHECK(rn_geotiff_prob_byte(1.0f) == 100);
  CHECK(rn_geotiff_prob_byte(1.2f) == 100);
}

static void test_names(void)
{
  char name[256], pred[64], kind[32];
  rn_time t, ref;
  int lead;
  CHECK_OK(rn_time_parse("202002071335", &t));
  CHECK_OK(rn_product_name(name, sizeof name, "extrapolation-ens", t, 1800, "prob30", NULL));
  CHECK_STR(name, "extrapolation-ens_202002071335_+030min_prob30.tif");
  CHECK(rn_product_name_parse(name, pred, sizeof pred, &ref, &lead, kind, sizeof kind) == 0);
  CHECK_STR(pred, "extrapolation-ens");
  CHECK(ref == t && lead == 30);
  CHECK_STR(kind, "prob30");
  CHECK_OK(rn_product_name(name, sizeof name, "conv_lstm", t, 7200, "dbz", NULL));
  CHECK_STR(name, "conv_lstm_202002071335_+120min_dbz.tif");
  CHECK(rn_product_name_parse(name, pred, sizeof pred, &ref, &lead, kind, sizeof kind) == 0);
  CHECK_STR(pred, "conv_lstm");
  CHECK_OK(rn_product_name(name, sizeof name, "persistence", t, -1, "forecast", "nc"));
  CHECK_STR(name, "persistence_202002071335_forecast.nc");
  CHECK(rn_product_name_parse(name, pred, sizeof pred, &ref, &lead, kind, sizeof kind) == 0);
  CHECK(lead == -1);
  CHECK_STR(kind, "forecast");
  CHECK(rn_product_name(name, sizeof name, "../etc", t, 300, "dbz", NULL) != RN_OK);
  CHECK(rn_product_name(name, sizeof name, "a b", t, 300, "dbz", NULL) != RN_OK);

  /* Not ours: retention must leave these alone. */
  static const char *foreign[] = {
      "latest.json", "notes.txt", "radar.tif", "x_202002071300_+5min_dbz.tif",
      ".x_202002071300_+005min_dbz.tif", "x_202013071300_+005min_dbz.tif",
      "x_202002071300_+005min_dbz.tiff", "my notes_202002071300_forecast.nc",
      "readme_202002071300.txt", "_202002071300_+005min_dbz.tif", "x_202002071300_+005min_.tif",
      "x_202002071300_+005min_DBZ.tif", "x_202002071300_forecast"};
  for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
    if (rn_product_name_parse(foreign[i], NULL, 0, NULL, NULL, NULL, 0) == 0) {
      fprintf(stderr, "'%s' parsed as a product name\n", foreign[i]);
      test_failures++;
    }
}

static int srs_is_epsg(const char *wkt, int code)
{
  OGRSpatialReferenceH a = OSRNewSpatialReference(wkt), b = OSRNewSpatialReference(NULL);
  int same;
  OSRImportFromEPSG(b, code);
  same = a && OSRIsSame(a, b);
  OSRDestroySpatialReference(a);
  OSRDestroySpatialReference(b);
  return same;
}

static const char *tag(GDALDatasetH ds, const char *key)
{
  const char *v = GDALGetMetadataItem(ds, key, NULL);
  return v ? v : "(missing)";
}

/* Common checks of every product file; returns the open dataset. */
static GDALDatasetH open_product(const char *path, const struct rn_forecast *fc, int l)
{
  GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
  double gt[6];
  char iso[32];
  int bx, by;
  if (!ds) {
    fprintf(stderr, "%s: GDAL cannot open it\n", path);
    test_failures++;
    return NULL;
  }
  CHECK_STR(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GTiff");
  CHECK(GDALGetRasterXSize(ds) == fc->grid.nx && GDALGetRasterYSize(ds) == fc->grid.ny);
  CHECK(GDALGetGeoTransform(ds, gt) == CE_None);
  CHECK_NEAR(gt[0], 3900000.0, 1e-6);
  CHECK_NEAR(gt[1], 1000.0, 1e-9);
  CHECK_NEAR(gt[3], 3300000.0, 1e-6);
  CHECK_NEAR(gt[5], -1000.0, 1e-9);
  CHECK(gt[2] == 0 && gt[4] == 0);
  CHECK(srs_is_epsg(GDALGetProjectionRef(ds), 3035));
  CHECK_STR(tag(ds, "predictor"), fc->predictor);
  CHECK_STR(tag(ds, "reference_time"), rn_time_iso(fc->reference_time, iso));
  CHECK_STR(tag(ds, "valid_time"), rn_time_iso(fc->reference_time + fc->lead_seconds[l], iso));
  CHECK(atoi(tag(ds, "lead_minutes")) == fc->lead_seconds[l] / 60);
  CHECK(atoi(tag(ds, "member_count")) == fc->nmembers);
  CHECK_STR(tag(ds, "comment"), fc->comment);
  CHECK_STR(GDALGetMetadataItem(ds, "LAYOUT", "IMAGE_STRUCTURE") ?: "", "COG");
  CHECK_STR(GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE") ?: "", "DEFLATE");
  GDALGetBlockSize(GDALGetRasterBand(ds, 1), &bx, &by);
  CHECK(bx == 256 && by == 256);
  /* 600 x 450 with 256-pixel tiles: overviews 300 x 225 and 150 x 112. */
  CHECK(GDALGetOverviewCount(GDALGetRasterBand(ds, 1)) == 2);
  return ds;
}

static void test_geotiff(void)
{
  struct rn_forecast fc;
  struct rn_product_list list = {0};
  char dir[512], path[1024];
  size_t n;
  rn_time t;
  float *buf;
  unsigned char *bytes;

  CHECK_OK(rn_time_parse("202002071335", &t));
  if (fixture_make(&fc, "EPSG:3035", 600, 450, 2, 3, 0, t) != 0) {
    fprintf(stderr, "fixture: %s\n", rn_errmsg());
    test_failures++;
    return;
  }
  n = (size_t)fc.grid.nx * fc.grid.ny;
  buf = malloc(n * sizeof *buf);
  bytes = malloc(n);
  snprintf(dir, sizeof dir, "%s/out/sub", scratch);
  CHECK_OK(rn_products_write_geotiffs(&fc, dir, NULL, &list));
  CHECK(list.n == 2 * (2 + 3));

  for (int l = 0; l < fc.nleads; l++) {
    GDALDatasetH ds;
    GDALRasterBandH b;
    int has;
    /* float dBZ: the ensemble mean, computed here member by member */
    snprintf(path, sizeof path, "%s/extrapolation-ens_202002071335_+%03dmin_dbz.tif", dir,
             5 * (l + 1));
    ds = open_product(path, &fc, l);
    if (ds) {
      double maxdiff = 0;
      size_t nodata = 0, noecho = 0;
      b = GDALGetRasterBand(ds, 1);
      CHECK(GDALGetRasterDataType(b) == GDT_Float32);
      CHECK(GDALGetRasterNoDataValue(b, &has) == -9999.0 && has);
      CHECK_STR(GDALGetRasterUnitType(b), "dBZ");
      CHECK_CONTAINS(tag(ds, "statistic"), "ensemble mean of 3 members");
      CHECK(GDALRasterIO(b, GF_Read, 0, 0, fc.grid.nx, fc.grid.ny, buf, fc.grid.nx, fc.grid.ny,
                         GDT_Float32, 0, 0) == CE_None);
      for (size_t i = 0; i < n; i++) {
        double s = 0;
        int c = 0;
        for (int m = 0; m < fc.nmembers; m++) {
          float v = rn_forecast_field(&fc, m, l)[i];
          if (!isnan(v)) {
            s += v;
            c++;
          }
        }
        if (!c) {
          nodata += buf[i] == -9999.0f;
          continue;
        }
        noecho += buf[i] == -32.0f;
        if (fabs(buf[i] - s / c) > maxdiff)
          maxdiff = fabs(buf[i] - s / c);
      }
      CHECK(maxdiff < 1e-4);
      /* members shift east by one pixel, so the union of data begins at 20 */
      CHECK(nodata == (size_t)FIXTURE_NODATA_COLUMNS * fc.grid.ny);
      CHECK(noecho > n / 4);
      /* Overview AVERAGE: pixel (10, 10) of the first overview is the mean
       * of source pixels (20..21, 20..21). */
      {
        float ov;
        GDALRasterBandH o = GDALGetOverview(b, 0);
        double expect = (buf[20 * fc.grid.nx + 20] + buf[20 * fc.grid.nx + 21] +
                         buf[21 * fc.grid.nx + 20] + buf[21 * fc.grid.nx + 21]) / 4.0;
        CHECK(GDALGetRasterBandXSize(o) == 300 && GDALGetRasterBandYSize(o) == 225);
        CHECK(GDALRasterIO(o, GF_Read, 10, 10, 1, 1, &ov, 1, 1, GDT_Float32, 0, 0) == CE_None);
        CHECK_NEAR(ov, expect, 1e-3);
      }
      GDALClose(ds);
    }

    /* byte display: scale/offset, nodata, colour table, values */
    snprintf(path, sizeof path, "%s/extrapolation-ens_202002071335_+%03dmin_display.tif", dir,
             5 * (l + 1));
    ds = open_product(path, &fc, l);
    if (ds) {
      GDALColorTableH ct;
      const GDALColorEntry *e;
      size_t bad = 0;
      b = GDALGetRasterBand(ds, 1);
      CHECK(GDALGetRasterDataType(b) == GDT_Byte);
      CHECK(GDALGetRasterNoDataValue(b, &has) == 255.0 && has);
      CHECK(GDALGetRasterScale(b, &has) == 0.5 && has);
      CHECK(GDALGetRasterOffset(b, &has) == -32.0 && has);
      CHECK(GDALGetRasterColorInterpretation(b) == GCI_PaletteIndex);
      ct = GDALGetRasterColorTable(b);
      CHECK(ct && GDALGetColorEntryCount(ct) == 256);
      if (ct) {
        e = GDALGetColorEntry(ct, 74); /* 5 dBZ */
        CHECK(e->c1 == 4 && e->c2 == 233 && e->c3 == 231 && e->c4 == 255);
        e = GDALGetColorEntry(ct, 184); /* 60 dBZ */
        CHECK(e->c1 == 188 && e->c2 == 0 && e->c3 == 0);
        e = GDALGetColorEntry(ct, 0); /* no echo: white (TIFF maps have no alpha) */
        CHECK(e->c1 == 255 && e->c2 == 255 && e->c3 == 255);
      }
      CHECK(GDALRasterIO(b, GF_Read, 0, 0, fc.grid.nx, fc.grid.ny, bytes, fc.grid.nx, fc.grid.ny,
                         GDT_Byte, 0, 0) == CE_None);
      /* Reread the float product to compare with the encoding by hand. */
      snprintf(path, sizeof path, "%s/extrapolation-ens_202002071335_+%03dmin_dbz.tif", dir,
               5 * (l + 1));
      GDALDatasetH fds = GDALOpen(path, GA_ReadOnly);
      if (fds) {
        GDALRasterIO(GDALGetRasterBand(fds, 1), GF_Read, 0, 0, fc.grid.nx, fc.grid.ny, buf,
                     fc.grid.nx, fc.grid.ny, GDT_Float32, 0, 0);
        GDALClose(fds);
      }
      for (size_t i = 0; i < n; i++) {
        int want = buf[i] == -9999.0f ? 255 : buf[i] <= -32.0f ? 0 : (int)floor((double)(2.0f * (buf[i] + 32.0f)) + 0.5);
        if (want == 0 && buf[i] > -32.0f)
          want = 1;
        if (want > 254 && want != 255)
          want = 254;
        bad += bytes[i] != want;
      }
      CHECK(bad == 0);
      GDALClose(ds);
    }

    /* probabilities: 0-100 %, 255 nodata, the counted fraction */
    for (int k = 0; k < 3; k++) {
      snprintf(path, sizeof path, "%s/extrapolation-ens_202002071335_+%03dmin_prob%d.tif", dir,
               5 * (l + 1), 30 + 10 * k);
      ds = open_product(path, &fc, l);
      if (!ds)
        continue;
      size_t bad = 0, some = 0;
      const float *p = fc.prob + ((size_t)l * 3 + k) * n;
      b = GDALGetRasterBand(ds, 1);
      CHECK(GDALGetRasterNoDataValue(b, &has) == 255.0 && has);
      CHECK(atof(tag(ds, "threshold_dbz")) == 30 + 10 * k);
      CHECK_STR(GDALGetRasterUnitType(b), "%");
      GDALRasterIO(b, GF_Read, 0, 0, fc.grid.nx, fc.grid.ny, bytes, fc.grid.nx, fc.grid.ny,
                   GDT_Byte, 0, 0);
      for (size_t i = 0; i < n; i++) {
        int want = isnan(p[i]) ? 255 : (int)floor(100.0 * p[i] + 0.5);
        bad += bytes[i] != want;
        some += bytes[i] > 0 && bytes[i] < 100;
      }
      CHECK(bad == 0);
      CHECK(some > 0); /* members disagree somewhere */
      GDALClose(ds);
    }
  }

  /* ZSTD and a deterministic forecast: no probability products. */
  {
    struct rn_forecast det;
    struct rn_geotiff_options opt;
    struct rn_product_list l2 = {0};
    rn_geotiff_options_init(&opt);
    opt.compress = "ZSTD";
    snprintf(dir, sizeof dir, "%s/zstd", scratch);
    if (fixture_make(&det, "EPSG:3035", 300, 200, 1, 1, 0, t) == 0) {
      CHECK_OK(rn_products_write_geotiffs(&det, dir, &opt, &l2));
      CHECK(l2.n == 2);
      snprintf(path, sizeof path, "%s/extrapolation_202002071335_+005min_dbz.tif", dir);
      GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
      CHECK(ds != NULL);
      if (ds) {
        CHECK_STR(GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE") ?: "", "ZSTD");
        CHECK_STR(tag(ds, "statistic"), "deterministic");
        GDALClose(ds);
      }
      opt.compress = "LZW";
      CHECK(rn_products_write_geotiffs(&det, dir, &opt, NULL) == RN_EUSAGE);
    }
    fixture_free(&det);
    rn_product_list_free(&l2);
  }

  /* No echo anywhere, and no data anywhere: valid products, never NaN. */
  {
    struct rn_forecast blank;
    if (fixture_make(&blank, "EPSG:3035", 300, 200, 1, 2, 0, t) == 0) {
      size_t nb = (size_t)300 * 200;
      for (int pass = 0; pass < 2; pass++) {
        float v = pass ? NAN : -32.0f;
        unsigned char want = pass ? 255 : 0;
        size_t bad = 0;
        for (size_t i = 0; i < 2 * nb; i++)
          blank.dbz[i] = v;
        for (size_t i = 0; i < 3 * nb; i++)
          blank.prob[i] = pass ? NAN : 0.0f;
        snprintf(dir, sizeof dir, "%s/blank%d", scratch, pass);
        CHECK_OK(rn_products_write_geotiffs(&blank, dir, NULL, NULL));
        snprintf(path, sizeof path, "%s/extrapolation-ens_202002071335_+005min_display.tif", dir);
        GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
        CHECK(ds != NULL);
        if (!ds)
          continue;
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, 300, 200, bytes, 300, 200, GDT_Byte,
                     0, 0);
        for (size_t i = 0; i < nb; i++)
          bad += bytes[i] != want;
        CHECK(bad == 0);
        GDALClose(ds);
        snprintf(path, sizeof path, "%s/extrapolation-ens_202002071335_+005min_prob30.tif", dir);
        ds = GDALOpen(path, GA_ReadOnly);
        CHECK(ds != NULL);
        if (ds) {
          GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, 300, 200, bytes, 300, 200,
                       GDT_Byte, 0, 0);
          bad = 0;
          for (size_t i = 0; i < nb; i++)
            bad += bytes[i] != want;
          CHECK(bad == 0);
          GDALClose(ds);
        }
      }
    }
    /* a lead that does not exist, a threshold without probabilities */
    snprintf(path, sizeof path, "%s/never.tif", scratch);
    CHECK(rn_geotiff_write(&blank, 3, RN_GEOTIFF_DBZ, 0, path, NULL) == RN_EINTERNAL);
    CHECK(rn_geotiff_write(&blank, 0, RN_GEOTIFF_PROB, 5, path, NULL) == RN_EINTERNAL);
    CHECK(access(path, F_OK) != 0);
    fixture_free(&blank);
  }

  /* The manifest lists every product; a missing file is refused. */
  snprintf(dir, sizeof dir, "%s/out/sub", scratch);
  CHECK_OK(rn_manifest_write(dir, fc.reference_time, &list, fc.comment));
  {
    char text[65536];
    size_t got;
    FILE *f;
    snprintf(path, sizeof path, "%s/latest.json", dir);
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
      got = fread(text, 1, sizeof text - 1, f);
      text[got] = '\0';
      fclose(f);
      CHECK_CONTAINS(text, "\"reference_time\": \"2020-02-07T13:35:00Z\"");
      CHECK_CONTAINS(text, "{\"name\": \"extrapolation-ens\", \"members\": 3, \"lead_minutes\": [5, 10]}");
      CHECK_CONTAINS(text, "\"file\": \"extrapolation-ens_202002071335_+010min_prob50.tif\"");
      CHECK_CONTAINS(text, "\"threshold_dbz\": 50");
      CHECK_CONTAINS(text, "\"comment\": \"late input: ran from 12:54 (13:00 missing)\"");
    }
  }
  snprintf(list.items[0].file, sizeof list.items[0].file, "%s", "gone_202002071335_+005min_dbz.tif");
  CHECK(rn_manifest_write(dir, fc.reference_time, &list, NULL) == RN_EINTERNAL);
  CHECK_CONTAINS(rn_errmsg(), "gone_202002071335_+005min_dbz.tif");

  rn_product_list_free(&list);
  fixture_free(&fc);
  free(buf);
  free(bytes);
}

static void touch(const char *dir, const char *name, long age)
{
  char path[1024];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (f) {
    fputs("x", f);
    fclose(f);
  }
  if (age) {
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= age;
    tv[1] = tv[0];
    utimes(path, tv);
  }
}

static int exists(const char *dir, const char *name)
{
  char path[1024];
  struct stat sb;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return lstat(path, &sb) == 0;
}

static void test_retention(void)
{
  char dir[512], path[1024], target[1024];
  struct rn_product_list keep = {0};
  struct rn_product p = {0};
  int removed = -1;
  rn_time now;

  CHECK_OK(rn_time_parse("202002071335", &now));
  snprintf(dir, sizeof dir, "%s/retain", scratch);
  mkdir(dir, 0755);
  touch(dir, "persistence_202002071335_+005min_dbz.tif", 0);     /* new */
  touch(dir, "persistence_202002071100_+005min_dbz.tif", 0);     /* 155 min: old */
  touch(dir, "persistence_202002071100_forecast.nc", 0);         /* old */
  touch(dir, "persistence_202002071236_+060min_prob30.tif", 0);  /* 59 min: kept */
  touch(dir, "persistence_202002071000_+005min_display.tif", 0); /* old but in keep */
  touch(dir, "notes_202002071000.txt", 0);                       /* foreign */
  touch(dir, "latest.json", 0);
  touch(dir, "radar_202002071000.h5", 0);
  touch(dir, ".persistence_202002071335_+005min_dbz.tif.tmp.123.0", 3600); /* stale leftover */
  touch(dir, ".latest.json.tmp.77.4", 3600);                                /* stale leftover */
  touch(dir, ".persistence_202002071335_+010min_dbz.tif.tmp.124.0", 0);    /* being written */
  touch(dir, ".notes.tmp.1.2", 3600);                                       /* not ours */
  /* a link and a folder with our names, old: never followed or removed */
  snprintf(target, sizeof target, "%s/notes_202002071000.txt", dir);
  snprintf(path, sizeof path, "%s/persistence_202002070900_+005min_dbz.tif", dir);
  CHECK(symlink(target, path) == 0);
  snprintf(path, sizeof path, "%s/persistence_202002070900_+010min_dbz.tif", dir);
  mkdir(path, 0755);

  /* cycle folders: old and emptied (removed), old with a foreign file
   * (kept, our file gone), new (untouched) */
  snprintf(path, sizeof path, "%s/202002071000", dir);
  mkdir(path, 0755);
  touch(path, "persistence_202002071000_+005min_dbz.tif", 0);
  touch(path, ".persistence_202002071000_+010min_dbz.tif.tmp.9.1", 3600);
  snprintf(path, sizeof path, "%s/202002071100", dir);
  mkdir(path, 0755);
  touch(path, "persistence_202002071100_+005min_dbz.tif", 0);
  touch(path, "notes.txt", 0);
  snprintf(path, sizeof path, "%s/202002071335", dir);
  mkdir(path, 0755);
  touch(path, "persistence_202002071335_+005min_dbz.tif", 0);

  snprintf(p.file, sizeof p.file, "persistence_202002071000_+005min_display.tif");
  rn_product_list_add(&keep, &p);
  CHECK_OK(rn_products_prune(dir, now, 3600, &keep, &removed));
  CHECK(removed == 8);
  CHECK(!exists(dir, "202002071000"));
  CHECK(exists(dir, "202002071100/notes.txt"));
  CHECK(!exists(dir, "202002071100/persistence_202002071100_+005min_dbz.tif"));
  CHECK(exists(dir, "202002071335/persistence_202002071335_+005min_dbz.tif"));
  CHECK(exists(dir, "persistence_202002071335_+005min_dbz.tif"));
  CHECK(!exists(dir, "persistence_202002071100_+005min_dbz.tif"));
  CHECK(!exists(dir, "persistence_202002071100_forecast.nc"));
  CHECK(exists(dir, "persistence_202002071236_+060min_prob30.tif"));
  CHECK(exists(dir, "persistence_202002071000_+005min_display.tif"));
  CHECK(exists(dir, "notes_202002071000.txt"));
  CHECK(exists(dir, "latest.json"));
  CHECK(exists(dir, "radar_202002071000.h5"));
  CHECK(!exists(dir, ".persistence_202002071335_+005min_dbz.tif.tmp.123.0"));
  CHECK(!exists(dir, ".latest.json.tmp.77.4"));
  CHECK(exists(dir, ".persistence_202002071335_+010min_dbz.tif.tmp.124.0"));
  CHECK(exists(dir, ".notes.tmp.1.2"));
  CHECK(exists(dir, "persistence_202002070900_+005min_dbz.tif"));
  CHECK(exists(dir, "persistence_202002070900_+010min_dbz.tif"));
  /* A missing folder is nothing to prune. */
  snprintf(path, sizeof path, "%s/none", scratch);
  CHECK_OK(rn_products_prune(path, now, 3600, NULL, &removed));
  CHECK(removed == 0);
  rn_product_list_free(&keep);
}

static void remove_tree(const char *path)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", path);
}

int main(void)
{
  snprintf(scratch, sizeof scratch, "%s/radnow-products.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(scratch)) {
    perror("mkdtemp");
    return 99;
  }
  GDALAllRegister();
  test_palette();
  test_encodings();
  test_names();
  test_geotiff();
  test_retention();
  remove_tree(scratch);
  TEST_DONE();
}
