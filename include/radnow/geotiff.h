/* geotiff.h - Cloud-Optimized GeoTIFF products of a forecast, one file per
 * predictor, lead time and kind (DESIGN.md, Products):
 *
 *   dbz       float32 dBZ; nodata RN_GEOTIFF_NODATA; no echo written as -32
 *   display   byte, band scale 0.5 and offset -32 (dBZ = 0.5 v - 32);
 *             0 = no echo, 255 = nodata; embedded colour table (palette.h;
 *             a TIFF colour map has no alpha, so the palette's transparent
 *             classes - no echo, echoes below 5 dBZ - are white there, and
 *             nodata is transparent through the band's nodata value)
 *   probNN    byte 0-100 %, probability that dBZ >= NN; 255 = nodata
 *             (ensembles: forecasts with thresholds)
 *
 * Each is built in memory (GDAL MEM driver), turned into a COG by GDAL's COG
 * driver (tiles, DEFLATE or ZSTD with a predictor, overviews: AVERAGE for
 * float, NEAREST for byte) in a /vsimem buffer, then published atomically
 * (publish.h): an error, including a full disk, leaves no partial file and
 * the previous product of that name intact.
 *
 * For an ensemble (M > 1) the dbz and display products show the ensemble
 * mean: the mean dBZ over the members that have data at the pixel (no echo
 * counted as -32). Metadata tags on every file: reference_time, valid_time
 * (ISO 8601 UTC), lead_minutes, predictor, member_count, statistic, comment
 * (when the forecast has one), threshold_dbz (probabilities); TIFFTAG_DATETIME
 * is the valid time. */
#ifndef RADNOW_GEOTIFF_H
#define RADNOW_GEOTIFF_H

#include <stddef.h>
#include <radnow/forecast.h>
#include <radnow/manifest.h>
#include <radnow/palette.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_GEOTIFF_NODATA (-9999.0f)

enum rn_geotiff_kind {
  RN_GEOTIFF_DBZ = 1,
  RN_GEOTIFF_DISPLAY = 2,
  RN_GEOTIFF_PROB = 4,
  RN_GEOTIFF_ALL = 7
};

struct rn_geotiff_options {
  int kinds;                        /* OR of enum rn_geotiff_kind; default all */
  const char *compress;             /* "DEFLATE" (default) or "ZSTD" */
  int level;                        /* compression level; 0: the driver's default */
  int blocksize;                    /* tile size in pixels (>= 128); default 256 */
  const struct rn_palette *palette; /* display colours; default rn_palette_dbz() */
};

void rn_geotiff_options_init(struct rn_geotiff_options *opt);

/* One product of lead l into path (atomically). k is the threshold index for
 * RN_GEOTIFF_PROB and ignored otherwise. opt may be NULL. */
enum rn_status rn_geotiff_write(const struct rn_forecast *fc, int l, enum rn_geotiff_kind kind,
                                int k, const char *path, const struct rn_geotiff_options *opt);

/* Every product of every lead into outdir (created if needed), named as
 * manifest.h describes, the files written in parallel (OpenMP threads);
 * each file is appended to list (may be NULL) in lead, then kind order. On
 * an error the first failure (in that order) is reported; files that were
 * completed are complete, and the list holds those before the failure. */
enum rn_status rn_products_write_geotiffs(const struct rn_forecast *fc, const char *outdir,
                                          const struct rn_geotiff_options *opt,
                                          struct rn_product_list *list);

/* Kind as used in file names and the manifest: "dbz", "display", "prob30". */
void rn_geotiff_kind_name(enum rn_geotiff_kind kind, float threshold, char *buf, size_t size);

/* The byte encodings, exposed for tests and other writers. */
unsigned char rn_geotiff_display_byte(float dbz);
unsigned char rn_geotiff_prob_byte(float p);

#ifdef __cplusplus
}
#endif
#endif
