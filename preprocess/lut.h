/* lut.h - the pixel -> gate lookup table of polar2grid (internal).
 *
 * A table holds, for every pixel of a grid, where it sits relative to one
 * radar: the azimuth (as a bin of 0.01 deg), the ground range and, for every
 * sweep, the fractional gate index (0 = centre of the first gate) at which
 * that sweep's beam is above the pixel. The azimuth is resolved to rays only
 * when a volume is gridded (polar2grid.c), so scans whose ray azimuths
 * jitter from volume to volume share one table. The key is a text that
 * names everything the table depends on: site, beam model, per-sweep
 * elevation and range geometry, grid (size, georeference, CRS WKT),
 * range limit and, for CAPPI, the height and beamwidth. */
#ifndef RADNOW_PREPROCESS_LUT_H
#define RADNOW_PREPROCESS_LUT_H

#include <stdint.h>
#include <radnow/polar2grid.h>

#define RN_AZBINS 36000     /* azimuth bins of 0.01 deg */
#define RN_AZ_NONE 0xFFFFu  /* pixel outside the radar's coverage */
#define RN_CAPPI_NONE 0xFFu /* no sweep for the CAPPI at this pixel */

struct rn_lut {
  char *key;
  uint64_t hash;
  int nx, ny, nsweeps;
  int cappi;         /* cap_k and cap_w are present */
  uint16_t *azbin;   /* [npix] azimuth bin, RN_AZ_NONE outside coverage */
  float *range;      /* [npix] ground range from the site, m (NaN outside) */
  float *gpos;       /* [nsweeps][npix] fractional gate index, NaN outside that sweep */
  uint8_t *cap_k;    /* [npix] lower CAPPI sweep, RN_CAPPI_NONE when none */
  float *cap_w;      /* [npix] weight of sweep cap_k + 1 (0: cap_k alone) */
  void *mem;         /* the one allocation the arrays above are carved from */
  size_t bytes;
};

/* The key text (malloc'ed) and its 64-bit FNV-1a hash. */
enum rn_status rn_lut_key(const struct rn_volume *vol, const struct rn_grid *grid,
                          const struct rn_p2g_options *opt, char **key, uint64_t *hash);
/* Build a table (PROJ in bulk, then the beam model per pixel and sweep). */
enum rn_status rn_lut_build(const struct rn_volume *vol, const struct rn_grid *grid,
                            const struct rn_p2g_options *opt, struct rn_lut **out);
void rn_lut_free(struct rn_lut *lut);

/* Tables on disk: a header with the key, then the arrays. rn_lut_load fails
 * with RN_ENOTFOUND when the file is missing and RN_EFORMAT when it is not
 * a table for this key. */
enum rn_status rn_lut_save(const struct rn_lut *lut, const char *path);
enum rn_status rn_lut_load(const char *path, const char *key, struct rn_lut **out);

/* Table for this volume, grid and options: from the cache's memory, its
 * folder, or built (and stored in both). With cache NULL, *owned is set and
 * the caller frees the table. */
enum rn_status rn_lut_get(struct rn_lut_cache *cache, const struct rn_volume *vol,
                          const struct rn_grid *grid, const struct rn_p2g_options *opt,
                          const struct rn_lut **out, struct rn_lut **owned);

#endif
