/* geotiff.c - Cloud-Optimized GeoTIFF products of a forecast (geotiff.h).
 *
 * The raster is assembled in a GDAL MEM dataset, copied by the COG driver
 * into a /vsimem file, and that buffer is published with rn_publish_buffer.
 * Writing the COG in memory first keeps GDAL's own temporary files (the COG
 * driver writes overviews to a side file before assembling the result) off
 * the product folder, and leaves one plain write() loop to meet a full disk,
 * which rn_publish_buffer handles without leaving anything behind. */
#include <radnow/geotiff.h>
#include <radnow/publish.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

void rn_geotiff_options_init(struct rn_geotiff_options *opt)
{
  memset(opt, 0, sizeof *opt);
  opt->kinds = RN_GEOTIFF_ALL;
  opt->compress = "DEFLATE";
  opt->blocksize = 256;
  opt->palette = rn_palette_dbz();
}

unsigned char rn_geotiff_display_byte(float dbz)
{
  long v;
  if (isnan(dbz))
    return 255;
  if (dbz <= RN_DBZ_NOECHO)
    return 0;
  v = lroundf(2.0f * (dbz - RN_DBZ_NOECHO));
  /* 1..254: a weak echo stays an echo, an extreme one stays valid data. */
  return (unsigned char)(v < 1 ? 1 : v > 254 ? 254 : v);
}

unsigned char rn_geotiff_prob_byte(float p)
{
  long v;
  if (isnan(p))
    return 255;
  v = lroundf(100.0f * p);
  return (unsigned char)(v < 0 ? 0 : v > 100 ? 100 : v);
}

void rn_geotiff_kind_name(enum rn_geotiff_kind kind, float threshold, char *buf, size_t size)
{
  switch (kind) {
  case RN_GEOTIFF_DBZ: snprintf(buf, size, "dbz"); break;
  case RN_GEOTIFF_DISPLAY: snprintf(buf, size, "display"); break;
  case RN_GEOTIFF_PROB: snprintf(buf, size, "prob%g", (double)threshold); break;
  default: snprintf(buf, size, "unknown"); break;
  }
}

/* The dBZ field shown for lead l: the field itself, or the ensemble mean.
 * Returns a pointer into the forecast or into *owned (to be freed). */
static const float *lead_field(const struct rn_forecast *fc, int l, float **owned)
{
  size_t n = (size_t)fc->grid.nx * (size_t)fc->grid.ny;
  float *mean;
  *owned = NULL;
  if (fc->nmembers <= 1)
    return rn_forecast_field(fc, 0, l);
  mean = rn_malloc(n * sizeof *mean, "ensemble mean");
  if (!mean)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    double sum = 0;
    int count = 0;
    for (int m = 0; m < fc->nmembers; m++) {
      float v = rn_forecast_field(fc, m, l)[i];
      if (isnan(v))
        continue;
      sum += v < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : v;
      count++;
    }
    mean[i] = count ? (float)(sum / count) : NAN;
  }
  *owned = mean;
  return mean;
}

static void set_tag(GDALDatasetH ds, const char *key, const char *value)
{
  GDALSetMetadataItem(ds, key, value, NULL);
}

static void set_tags(GDALDatasetH ds, const struct rn_forecast *fc, int l,
                     enum rn_geotiff_kind kind, int k)
{
  rn_time valid = fc->reference_time + fc->lead_seconds[l];
  char buf[1024], iso[32], iso2[32];
  int lead_s = fc->lead_seconds[l];

  snprintf(buf, sizeof buf, "%s", kind == RN_GEOTIFF_PROB ? "probability of exceedance"
                                  : kind == RN_GEOTIFF_DISPLAY ? "reflectivity display"
                                                               : "reflectivity");
  set_tag(ds, "product", buf);
  set_tag(ds, "predictor", fc->predictor);
  set_tag(ds, "reference_time", rn_time_iso(fc->reference_time, iso));
  set_tag(ds, "valid_time", rn_time_iso(valid, iso2));
  if (lead_s % 60 == 0)
    snprintf(buf, sizeof buf, "%d", lead_s / 60);
  else
    snprintf(buf, sizeof buf, "%.3f", lead_s / 60.0);
  set_tag(ds, "lead_minutes", buf);
  snprintf(buf, sizeof buf, "%d", fc->nmembers);
  set_tag(ds, "member_count", buf);
  if (kind == RN_GEOTIFF_PROB) {
    snprintf(buf, sizeof buf, "%g", (double)fc->thresholds[k]);
    set_tag(ds, "threshold_dbz", buf);
    snprintf(buf, sizeof buf, "fraction of %d members with dBZ >= threshold", fc->nmembers);
  } else if (fc->nmembers > 1) {
    snprintf(buf, sizeof buf, "ensemble mean of %d members", fc->nmembers);
  } else {
    snprintf(buf, sizeof buf, "deterministic");
  }
  set_tag(ds, "statistic", buf);
  if (fc->comment[0])
    set_tag(ds, "comment", fc->comment);
  /* The valid time, not the creation time: the same cycle run twice gives
   * the same bytes. */
  snprintf(buf, sizeof buf, "%.4s:%.2s:%.2s %.2s:%.2s:%.2s", iso2, iso2 + 5, iso2 + 8, iso2 + 11,
           iso2 + 14, iso2 + 17);
  set_tag(ds, "TIFFTAG_DATETIME", buf);
  snprintf(buf, sizeof buf, "radnow %s", PACKAGE_VERSION);
  set_tag(ds, "TIFFTAG_SOFTWARE", buf);
  snprintf(buf, sizeof buf, "%s nowcast from %s, valid %s (+%s min)", fc->predictor, iso, iso2,
           GDALGetMetadataItem(ds, "lead_minutes", NULL));
  set_tag(ds, "TIFFTAG_IMAGEDESCRIPTION", buf);
}

/* Fill a MEM dataset with the product; *ds is NULL on error. */
static enum rn_status build(const struct rn_forecast *fc, int l, enum rn_geotiff_kind kind, int k,
                            const struct rn_geotiff_options *opt, const char *path,
                            GDALDatasetH *ds)
{
  int nx = fc->grid.nx, ny = fc->grid.ny;
  size_t n = (size_t)nx * (size_t)ny;
  GDALDriverH mem = GDALGetDriverByName("MEM");
  GDALRasterBandH band;
  double gt[6];
  void *buf = NULL;
  float *owned = NULL;
  enum rn_status st = RN_OK;
  CPLErr err;

  *ds = NULL;
  if (!mem)
    return rn_error(RN_EINTERNAL, "geotiff: %s: GDAL has no MEM driver", path);
  *ds = GDALCreate(mem, "", nx, ny, 1, kind == RN_GEOTIFF_DBZ ? GDT_Float32 : GDT_Byte, NULL);
  if (!*ds)
    return rn_error(RN_ENOMEM, "geotiff: %s: in-memory raster: %s", path, CPLGetLastErrorMsg());
  band = GDALGetRasterBand(*ds, 1);
  rn_grid_geotransform(&fc->grid, gt);
  GDALSetGeoTransform(*ds, gt);
  if (GDALSetProjection(*ds, fc->grid.crs_wkt) != CE_None) {
    st = rn_error(RN_EINTERNAL, "geotiff: %s: GDAL does not accept the grid's CRS: %s", path,
                  CPLGetLastErrorMsg());
    goto out;
  }

  if (kind == RN_GEOTIFF_PROB) {
    const float *p = fc->prob + ((size_t)l * (size_t)fc->nthresholds + (size_t)k) * n;
    unsigned char *b = rn_malloc(n, "probability raster");
    if (!b) {
      st = RN_ENOMEM;
      goto out;
    }
    for (size_t i = 0; i < n; i++)
      b[i] = rn_geotiff_prob_byte(p[i]);
    buf = b;
    GDALSetRasterNoDataValue(band, 255);
    GDALSetRasterUnitType(band, "%");
    GDALSetDescription(band, "probability of reflectivity >= threshold");
  } else {
    const float *f = lead_field(fc, l, &owned);
    if (!f) {
      st = RN_ENOMEM;
      goto out;
    }
    if (kind == RN_GEOTIFF_DBZ) {
      float *d = rn_malloc(n * sizeof *d, "dBZ raster");
      if (!d) {
        st = RN_ENOMEM;
        goto out;
      }
      for (size_t i = 0; i < n; i++)
        d[i] = isnan(f[i]) ? RN_GEOTIFF_NODATA : f[i] < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : f[i];
      buf = d;
      GDALSetRasterNoDataValue(band, RN_GEOTIFF_NODATA);
      GDALSetMetadataItem(band, "noecho_dbz", "-32", NULL);
    } else {
      unsigned char table[256][4], *b = rn_malloc(n, "display raster");
      GDALColorTableH ct;
      if (!b) {
        st = RN_ENOMEM;
        goto out;
      }
      for (size_t i = 0; i < n; i++)
        b[i] = rn_geotiff_display_byte(f[i]);
      buf = b;
      GDALSetRasterNoDataValue(band, 255);
      GDALSetRasterScale(band, 0.5);
      GDALSetRasterOffset(band, RN_DBZ_NOECHO);
      GDALSetMetadataItem(band, "noecho_value", "0", NULL);
      rn_palette_byte_table(opt->palette ? opt->palette : rn_palette_dbz(), table);
      ct = GDALCreateColorTable(GPI_RGB);
      for (int v = 0; v < 256; v++) {
        /* A TIFF colour map has no alpha: transparent classes (no echo,
         * echoes below the first class) become white; nodata stays
         * transparent through the nodata value. */
        GDALColorEntry e = {table[v][0], table[v][1], table[v][2], 255};
        if (table[v][3] == 0)
          e.c1 = e.c2 = e.c3 = 255;
        GDALSetColorEntry(ct, v, &e);
      }
      GDALSetRasterColorTable(band, ct);
      GDALSetRasterColorInterpretation(band, GCI_PaletteIndex);
      GDALDestroyColorTable(ct);
    }
    GDALSetRasterUnitType(band, "dBZ");
    GDALSetDescription(band, "equivalent reflectivity factor");
  }
  set_tags(*ds, fc, l, kind, k);
  err = GDALRasterIO(band, GF_Write, 0, 0, nx, ny, buf, nx, ny,
                     kind == RN_GEOTIFF_DBZ ? GDT_Float32 : GDT_Byte, 0, 0);
  if (err != CE_None)
    st = rn_error(RN_EINTERNAL, "geotiff: %s: filling the raster: %s", path, CPLGetLastErrorMsg());
out:
  free(buf);
  free(owned);
  if (st) {
    GDALClose(*ds);
    *ds = NULL;
  }
  return st;
}

static enum rn_status check_args(const struct rn_forecast *fc, int l, enum rn_geotiff_kind kind,
                                 int k, const char *path)
{
  if (!fc || !fc->dbz || !fc->lead_seconds || !fc->grid.crs_wkt || fc->grid.nx <= 0 ||
      fc->grid.ny <= 0 || fc->nmembers <= 0)
    return rn_error(RN_EINTERNAL, "geotiff: %s: incomplete forecast", path);
  if (l < 0 || l >= fc->nleads)
    return rn_error(RN_EINTERNAL, "geotiff: %s: lead %d of %d", path, l, fc->nleads);
  if (fc->lead_seconds[l] < 0)
    return rn_error(RN_EINTERNAL, "geotiff: %s: negative lead time", path);
  if (kind == RN_GEOTIFF_PROB && (!fc->prob || k < 0 || k >= fc->nthresholds))
    return rn_error(RN_EINTERNAL, "geotiff: %s: no probabilities for threshold %d", path, k);
  if (kind != RN_GEOTIFF_DBZ && kind != RN_GEOTIFF_DISPLAY && kind != RN_GEOTIFF_PROB)
    return rn_error(RN_EINTERNAL, "geotiff: %s: unknown product kind %d", path, (int)kind);
  return RN_OK;
}

enum rn_status rn_geotiff_write(const struct rn_forecast *fc, int l, enum rn_geotiff_kind kind,
                                int k, const char *path, const struct rn_geotiff_options *opt)
{
  static unsigned counter;
  struct rn_geotiff_options defaults;
  GDALDatasetH src = NULL, cog;
  GDALDriverH drv;
  char vsi[128], level[32], block[32], compress[64];
  char **copts = NULL;
  enum rn_status st = check_args(fc, l, kind, k, path);
  vsi_l_offset len = 0;
  GByte *bytes;

  if (st)
    return st;
  if (!opt) {
    rn_geotiff_options_init(&defaults);
    opt = &defaults;
  }
  if (opt->compress && strcmp(opt->compress, "DEFLATE") != 0 && strcmp(opt->compress, "ZSTD") != 0)
    return rn_error(RN_EUSAGE, "geotiff: compression '%s': want DEFLATE or ZSTD", opt->compress);
  if (opt->blocksize && (opt->blocksize < 128 || opt->blocksize % 16))
    return rn_error(RN_EUSAGE, "geotiff: tile size %d: want a multiple of 16, at least 128",
                    opt->blocksize);

  if (GDALGetDriverCount() == 0)
    GDALAllRegister();
  /* GDAL reports through its handler; keep stderr to our one error line. */
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  drv = GDALGetDriverByName("COG");
  if (!drv) {
    st = rn_error(RN_EUNSUPPORTED, "geotiff: %s: this GDAL has no COG driver (GDAL >= 3.1)", path);
    goto out;
  }
  st = build(fc, l, kind, k, opt, path, &src);
  if (st)
    goto out;

  snprintf(compress, sizeof compress, "COMPRESS=%s", opt->compress ? opt->compress : "DEFLATE");
  snprintf(block, sizeof block, "BLOCKSIZE=%d", opt->blocksize ? opt->blocksize : 256);
  copts = CSLAddString(copts, compress);
  copts = CSLAddString(copts, "PREDICTOR=YES");
  copts = CSLAddString(copts, block);
  copts = CSLAddString(copts, "OVERVIEWS=AUTO");
  copts = CSLAddString(copts, kind == RN_GEOTIFF_DBZ ? "OVERVIEW_RESAMPLING=AVERAGE"
                                                     : "OVERVIEW_RESAMPLING=NEAREST");
  if (opt->level > 0) {
    snprintf(level, sizeof level, "LEVEL=%d", opt->level);
    copts = CSLAddString(copts, level);
  }

  snprintf(vsi, sizeof vsi, "/vsimem/radnow-%ld-%u.tif", (long)getpid(),
           __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
  cog = GDALCreateCopy(drv, vsi, src, FALSE, copts, NULL, NULL);
  if (cog)
    GDALClose(cog);
  if (!cog || CPLGetLastErrorType() >= CE_Failure) {
    st = rn_error(RN_EWRITE, "geotiff: %s: GDAL COG driver: %s", path,
                  CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "failed");
    VSIUnlink(vsi);
    goto out;
  }
  bytes = VSIGetMemFileBuffer(vsi, &len, FALSE);
  if (!bytes || len == 0)
    st = rn_error(RN_EWRITE, "geotiff: %s: GDAL COG driver wrote nothing", path);
  else {
    st = rn_publish_buffer(path, bytes, (size_t)len);
    if (st)
      rn_error_prefix(st, "geotiff");
  }
  VSIUnlink(vsi);
out:
  CSLDestroy(copts);
  if (src)
    GDALClose(src);
  CPLPopErrorHandler();
  return st;
}

/* One file of rn_products_write_geotiffs: what to write and how it went. */
struct job {
  int l, k;
  enum rn_geotiff_kind kind;
  enum rn_status st;
  struct rn_product p;
  char msg[512];
};

static void run_job(const struct rn_forecast *fc, const char *outdir,
                    const struct rn_geotiff_options *opt, struct job *j)
{
  struct rn_product *p = &j->p;
  char path[4096];
  float thr = j->kind == RN_GEOTIFF_PROB ? fc->thresholds[j->k] : NAN;

  memset(p, 0, sizeof *p);
  rn_geotiff_kind_name(j->kind, thr, p->kind, sizeof p->kind);
  j->st = rn_product_name(p->file, sizeof p->file, fc->predictor, fc->reference_time,
                          fc->lead_seconds[j->l], p->kind, NULL);
  if (!j->st && snprintf(path, sizeof path, "%s/%s", outdir, p->file) >= (int)sizeof path)
    j->st = rn_error(RN_EWRITE, "geotiff: %s: path too long", outdir);
  if (!j->st)
    j->st = rn_geotiff_write(fc, j->l, j->kind, j->k, path, opt);
  if (j->st) {
    /* Error messages are per thread: keep it for the caller's thread. */
    snprintf(j->msg, sizeof j->msg, "%s", rn_errmsg());
    return;
  }
  snprintf(p->predictor, sizeof p->predictor, "%s", fc->predictor);
  p->reference_time = fc->reference_time;
  p->valid_time = fc->reference_time + fc->lead_seconds[j->l];
  p->lead_seconds = fc->lead_seconds[j->l];
  p->members = fc->nmembers;
  p->threshold = thr;
}

enum rn_status rn_products_write_geotiffs(const struct rn_forecast *fc, const char *outdir,
                                          const struct rn_geotiff_options *opt,
                                          struct rn_product_list *list)
{
  struct rn_geotiff_options defaults;
  struct job *jobs;
  int n = 0, per = 2 + (fc->prob ? fc->nthresholds : 0);
  enum rn_status st;

  if (!opt) {
    rn_geotiff_options_init(&defaults);
    opt = &defaults;
  }
  if (fc->nleads <= 0 || !fc->lead_seconds)
    return rn_error(RN_EINTERNAL, "geotiff: %s: forecast without lead times", outdir);
  st = rn_mkdirs(outdir);
  if (st)
    return st;
  jobs = rn_calloc((size_t)fc->nleads * (size_t)per, sizeof *jobs, "product list");
  if (!jobs)
    return RN_ENOMEM;
  for (int l = 0; l < fc->nleads; l++) {
    if (opt->kinds & RN_GEOTIFF_DBZ)
      jobs[n++] = (struct job){.l = l, .kind = RN_GEOTIFF_DBZ};
    if (opt->kinds & RN_GEOTIFF_DISPLAY)
      jobs[n++] = (struct job){.l = l, .kind = RN_GEOTIFF_DISPLAY};
    if ((opt->kinds & RN_GEOTIFF_PROB) && fc->prob)
      for (int k = 0; k < fc->nthresholds; k++)
        jobs[n++] = (struct job){.l = l, .k = k, .kind = RN_GEOTIFF_PROB};
  }
  /* Files are independent: compressing them on every core saves most of
   * the products stage. GDAL registers its drivers once, before. */
  if (GDALGetDriverCount() == 0)
    GDALAllRegister();
#pragma omp parallel for schedule(dynamic, 1)
  for (int i = 0; i < n; i++)
    run_job(fc, outdir, opt, &jobs[i]);
  /* Report the first failure in file order; list what was published. */
  for (int i = 0; i < n && !st; i++) {
    if (jobs[i].st)
      st = rn_error(jobs[i].st, "%s", jobs[i].msg);
    else if (list)
      st = rn_product_list_add(list, &jobs[i].p);
  }
  free(jobs);
  return st;
}
