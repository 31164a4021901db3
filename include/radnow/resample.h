/* resample.h - a gridded frame onto another grid (reprojection and/or a
 * change of resolution), through GDAL's warper.
 *
 * Methods:
 *   nearest   the source pixel under the target pixel's centre.
 *   bilinear  bilinear over the 2 x 2 source pixels around the centre.
 *   average   mean of the source pixels the target pixel covers (area
 *             averaging; use it to shrink frames to a model grid).
 * Values are interpolated in dBZ, no echo counting as -32 dBZ. Nodata never
 * bleeds into values: nodata source pixels are left out of every kernel (the
 * weights of the others are renormalised), a target pixel without any valid
 * source pixel is nodata, and target pixels outside the source are nodata.
 * Coordinates are transformed exactly at a grid of points and interpolated
 * between them within 1/8 pixel, as gdalwarp does by default.
 *
 * A model grid of the same area, e.g. 128 x 128:
 *   struct rn_grid g;
 *   rn_resample_grid(&frame.grid, 128, 128, &g);
 *   rn_frame_resample(&frame, &g, RN_RESAMPLE_AVERAGE, &small);
 *   rn_grid_free(&g);
 */
#ifndef RADNOW_RESAMPLE_H
#define RADNOW_RESAMPLE_H

#include <radnow/frame.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rn_resample_method { RN_RESAMPLE_NEAREST = 0, RN_RESAMPLE_BILINEAR, RN_RESAMPLE_AVERAGE };

/* "nearest", "bilinear", "average". */
enum rn_status rn_resample_parse(const char *s, enum rn_resample_method *m);
const char *rn_resample_name(enum rn_resample_method m);

/* Resample src onto grid dst; out is allocated (rn_frame_free it) and keeps
 * src's time, quantity, product and source. */
enum rn_status rn_frame_resample(const struct rn_frame *src, const struct rn_grid *dst,
                                 enum rn_resample_method method, struct rn_frame *out);

/* The grid covering the same area as src (same CRS and extent) with nx x ny
 * pixels. */
enum rn_status rn_resample_grid(const struct rn_grid *src, int nx, int ny, struct rn_grid *dst);

#ifdef __cplusplus
}
#endif
#endif
