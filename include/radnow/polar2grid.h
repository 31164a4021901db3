/* polar2grid.h - a polar volume onto a georeferenced grid.
 *
 * Every pixel is mapped to the gates it shows (pixel -> gate, so the map has
 * no holes): the pixel centre goes from the grid CRS to a radar-centred
 * azimuthal equidistant projection on WGS84 with PROJ, which gives the
 * geodesic ground range s and azimuth from the site; the beam model
 * (beam.h) turns s into a slant range on every sweep. That mapping is the
 * lookup table (LUT): built once per radar geometry, grid and options, kept
 * in a cache (and optionally on disk), and reused, so gridding the next
 * volume of the same radar is a gather over the table.
 *
 * Products:
 *   pcappi        pseudo-CAPPI: at each pixel the lowest sweep that measured
 *                 there (not nodata; undetect is a measurement). The default.
 *   cappi:H       constant-altitude PPI at H metres above sea level: linear
 *                 interpolation in height between the two sweeps whose beams
 *                 bracket H at that ground range; within half a beamwidth
 *                 above the highest / below the lowest beam, that sweep alone;
 *                 elsewhere nodata.
 *   cmax          column maximum over all sweeps.
 * Methods (in range and azimuth):
 *   nearest       the gate whose centre is nearest in range and azimuth.
 *   bilinear      bilinear in (azimuth, range) over the four surrounding gates,
 *                 in dBZ, only when all four are echoes; otherwise (nodata or
 *                 undetect among them) the nearest of the four, so nodata and
 *                 undetect never mix into values.
 *
 * Output frames follow frame.h: NaN nodata (outside coverage, beyond
 * max_range, not measured), RN_DBZ_NOECHO for undetect (and weaker echoes).
 *
 * Typical use (one cache for the life of the program):
 *
 *   struct rn_lut_cache *cache = rn_lut_cache_new(NULL, 0);
 *   struct rn_p2g_options opt;
 *   rn_p2g_options_init(&opt);                 pcappi, nearest, no range limit
 *   st = rn_polar2grid(&vol, NULL, &grid, &opt, cache, &frame, NULL);
 *   ...
 *   rn_lut_cache_free(cache);
 */
#ifndef RADNOW_POLAR2GRID_H
#define RADNOW_POLAR2GRID_H

#include <stddef.h>
#include <radnow/frame.h>
#include <radnow/grid.h>
#include <radnow/volume.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rn_p2g_product { RN_PRODUCT_PCAPPI = 0, RN_PRODUCT_CAPPI, RN_PRODUCT_CMAX };
enum rn_interp { RN_INTERP_NEAREST = 0, RN_INTERP_BILINEAR };

struct rn_p2g_options {
  enum rn_p2g_product product; /* default pcappi */
  double cappi_height;     /* m above sea level, for RN_PRODUCT_CAPPI */
  enum rn_interp method;   /* default nearest */
  double max_range;        /* ground range limit, m; 0: the data's own range */
  double beam_k;           /* effective-radius factor; 0: 4/3 */
  double earth_radius;     /* m; 0: 6371000 */
  double beamwidth;        /* deg, CAPPI tolerance above/below the outer beams; 0: 1 */
};

void rn_p2g_options_init(struct rn_p2g_options *o);
/* "pcappi", "cmax", "cappi:1500" (metres above sea level). */
enum rn_status rn_p2g_product_parse(const char *s, struct rn_p2g_options *o);
/* The product's name as parsed: "pcappi", "cappi:1500", "cmax". */
const char *rn_p2g_product_name(const struct rn_p2g_options *o, char *buf, size_t size);
/* "nearest", "bilinear". */
enum rn_status rn_p2g_method_parse(const char *s, enum rn_interp *m);

/* A cache of lookup tables in memory (least recently used dropped beyond
 * capacity; 0 means 8) and, when disk_dir is not NULL, in files
 * disk_dir/radnow-lut-<hash>.bin keyed by a hash of the geometry, the grid
 * and the options (the full key is stored in the file and compared). Not
 * thread-safe: one cache per thread of work. */
struct rn_lut_cache;
struct rn_lut_cache *rn_lut_cache_new(const char *disk_dir, int capacity);
void rn_lut_cache_free(struct rn_lut_cache *cache);
/* Counters since creation: tables built, found in memory, read from disk. */
void rn_lut_cache_stats(const struct rn_lut_cache *cache, long *built, long *memory_hits,
                        long *disk_hits);

/* Grid the moment `quantity` (NULL: DBZH, then TH, then a sweep's only
 * moment) of vol onto grid. out is allocated (rn_frame_free it); its time,
 * quantity, product and source come from the volume. cache may be NULL (the
 * table is built and dropped). When ground_range is not NULL it receives
 * nx * ny ground ranges from the radar in metres (NaN outside coverage), for
 * nearest-radar compositing. Sweeps without the quantity count as nodata. */
enum rn_status rn_polar2grid(const struct rn_volume *vol, const char *quantity,
                             const struct rn_grid *grid, const struct rn_p2g_options *opt,
                             struct rn_lut_cache *cache, struct rn_frame *out,
                             float *ground_range);

#ifdef __cplusplus
}
#endif
#endif
