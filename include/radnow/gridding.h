/* gridding.h - radar files to one gridded reflectivity frame: the [grid]
 * options, the target grid they define, and the whole path (read, polar to
 * grid, resample gridded inputs, composite) behind `radnow grid`.
 *
 * Options ([grid] section of the configuration, or `radnow grid --KEY`;
 * defaults in brackets, documented in etc/radnow.conf.example):
 *   crs        PROJ CRS of the grid ("EPSG:3067", PROJ string, WKT)
 *              [azimuthal equidistant on WGS84 centred on `center`]
 *   res        pixel size in CRS units [1000]
 *   size       NXxNY pixels [500x500]
 *   center     LAT,LON of the grid centre [the radar site; several radars:
 *              the mean of their sites, so a frame series of a network
 *              should fix center or extent]
 *   extent     XMIN,YMIN,XMAX,YMAX in CRS units; replaces center and size
 *   product    pcappi | cappi:HEIGHT_M | cmax [pcappi]
 *   quantity   moment to grid [DBZH, then TH]
 *   encoding   pixel encoding of raster inputs [the reader's default]
 *   method     nearest | bilinear, in range and azimuth [nearest]
 *   max_range  ground range limit in metres, 0 = the data's own [0]
 *   composite  max | nearest (radar), for several inputs [max]
 *   resample   nearest | bilinear | average, for gridded inputs [nearest]
 *   lut_cache  folder for lookup tables on disk ["" = memory only]
 *   beam_k     effective earth radius factor [4/3]
 *   earth_radius  metres [6371000]
 *   beamwidth  degrees, CAPPI tolerance above/below the outer beams [1]
 * When only gridded inputs are given and crs, center and extent are all
 * empty, the grid is the first input's own grid (res and size unused).
 *
 *   struct rn_gridding_options o;
 *   rn_gridding_options_init(&o);
 *   st = rn_gridding_options_load(&o, cfg);              [grid] of a config
 *   st = rn_gridding_run(&o, NULL, files, nfiles, cache, &frame);
 */
#ifndef RADNOW_GRIDDING_H
#define RADNOW_GRIDDING_H

#include <radnow/composite.h>
#include <radnow/config.h>
#include <radnow/ingest.h>
#include <radnow/polar2grid.h>
#include <radnow/resample.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_gridding_options {
  char crs[4096];                    /* "" : radar-centred azimuthal equidistant */
  double res;                        /* 1000 */
  int nx, ny;                        /* 500 x 500 */
  int have_center;
  double center_lat, center_lon;
  int have_extent;
  double extent[4];                  /* xmin, ymin, xmax, ymax */
  int grid_set;                      /* res or size was given (for a warning) */
  struct rn_p2g_options p2g;         /* product, method, max_range, beam model */
  char quantity[RN_QUANTITY_LEN];    /* "" : DBZH, then TH */
  char encoding[64];                 /* "" : the raster reader's default */
  enum rn_composite_method composite; /* max */
  enum rn_resample_method resample;  /* nearest */
  char lut_cache[1024];              /* "" : memory only */
};

void rn_gridding_options_init(struct rn_gridding_options *o);
/* Set one option from text (key as in the list above, '-' and '_' alike).
 * Errors name the key and the value. */
enum rn_status rn_gridding_set(struct rn_gridding_options *o, const char *key,
                               const char *value);
/* Every key of the [grid] section of cfg (an unknown key is an error). */
enum rn_status rn_gridding_options_load(struct rn_gridding_options *o,
                                        const struct rn_config *cfg);

/* The target grid for these inputs (see the rules above). */
enum rn_status rn_gridding_make_grid(const struct rn_gridding_options *o,
                                     const struct rn_radar_data *in, int n, struct rn_grid *g);

/* Inputs already read: each volume gridded (lookup tables from cache, may
 * be NULL), each gridded input resampled, all composited onto the grid of
 * rn_gridding_make_grid. */
enum rn_status rn_gridding_run_data(const struct rn_gridding_options *o,
                                    const struct rn_radar_data *in, int n,
                                    struct rn_lut_cache *cache, struct rn_frame *out);
/* Read the files (rn_ingest_read with io, NULL for the defaults, and the
 * quantity and encoding of o) and grid them as above. */
enum rn_status rn_gridding_run(const struct rn_gridding_options *o,
                               const struct rn_ingest_options *io, const char *const *files,
                               int n, struct rn_lut_cache *cache, struct rn_frame *out);

#ifdef __cplusplus
}
#endif
#endif
