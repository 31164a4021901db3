/* archive.h - training archives: time-ordered reflectivity frames on a
 * model grid in one NetCDF-4 file, and the windows a trainer draws from it.
 *
 * `radnow archive -c CONF -o ARCHIVE.nc FILE_OR_DIR...` grids every time
 * slot of the inputs (raw radar files through gridding.h with the [grid]
 * options, radnow frame files and GDAL rasters as they are), resamples it to
 * the model grid ([archive] size or res, area averaging by default) and
 * writes them all, oldest first.
 *
 * On disk (CF-1.8, NetCDF-4):
 *   dbz(time, y, x)  ubyte, chunks (1, ny, nx), deflate. Encoding (the ODIM
 *                    byte convention, also FMI's and radnow's display
 *                    products'): dBZ = 0.5 p - 32 for p = 1..254,
 *                    p = 0 no echo (-32 dBZ and below), p = 255 nodata
 *                    (_FillValue). scale_factor/add_offset say so to any
 *                    CF reader; no echo then reads as -32.
 *   time(time)       seconds since 1970-01-01 UTC, ascending, whole minutes.
 *   segment(time)    int: frames of one segment are consecutive, exactly
 *                    `step_seconds` apart; a missing frame (a gap) starts a
 *                    new segment.
 *   split(time)      byte: 0 train, 1 validation, 2 test (the rule below,
 *                    also in the global attribute split_rule).
 *   x, y, lat, lon, crs   the model grid (products/cf_grid.h).
 *   global attributes step_seconds, split_rule, title, source, history.
 *
 * The split, by period (a UTC day by default): period k = floor(t / P), with
 * P = split_minutes; k mod split_cycle == split_validation -> validation,
 * == split_test -> test, anything else -> train. Defaults P = 1440 (days),
 * cycle 10, validation 8, test 9: whole days, about 80/10/10.
 *
 * A window of n frames starting at frame i is usable when frames i..i+n-1
 * share one segment and one split: it never spans a gap, and no frame of
 * one split is seen while training on another. */
#ifndef RADNOW_ARCHIVE_H
#define RADNOW_ARCHIVE_H

#include <stdint.h>

#include <radnow/config.h>
#include <radnow/frame.h>
#include <radnow/resample.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rn_split { RN_SPLIT_TRAIN = 0, RN_SPLIT_VALIDATION = 1, RN_SPLIT_TEST = 2 };
#define RN_ARCHIVE_NODATA 255
#define RN_ARCHIVE_NOECHO 0

/* [archive] options (etc/radnow.conf.example). */
struct rn_archive_options {
  int nx, ny;                       /* model grid size; 0: use res */
  double res;                       /* pixel size in CRS units when nx == 0; 0: keep the grid */
  enum rn_resample_method resample; /* average */
  long step;                        /* seconds between frames; 0: the smallest spacing seen */
  long split_seconds;               /* 86400 */
  int split_cycle;                  /* 10 */
  int split_validation;             /* 8; -1 none */
  int split_test;                   /* 9; -1 none */
  int deflate;                      /* 0..9, 4 */
};

void rn_archive_options_init(struct rn_archive_options *o);
/* Read the [archive] section (an unknown key is an error). */
enum rn_status rn_archive_options_load(struct rn_archive_options *o, const struct rn_config *cfg);
/* The split of a frame time under the options. */
enum rn_split rn_archive_split_of(const struct rn_archive_options *o, rn_time t);

/* An archive in memory. */
struct rn_archive {
  struct rn_grid grid; /* the model grid */
  int nt;              /* frames */
  long step;           /* seconds */
  rn_time *time;       /* nt, ascending */
  int *segment;        /* nt */
  uint8_t *split;      /* nt, enum rn_split */
  uint8_t *data;       /* nt x ny x nx, encoded as above */
  char split_rule[256];
  char source[1024];
};

void rn_archive_free(struct rn_archive *a);

/* Encoding of one dBZ value (NaN nodata) and the inverse (NaN for 255,
 * RN_DBZ_NOECHO for 0). */
static inline uint8_t rn_archive_encode(float dbz)
{
  float p;
  if (dbz != dbz)
    return RN_ARCHIVE_NODATA;
  if (dbz <= RN_DBZ_NOECHO)
    return RN_ARCHIVE_NOECHO;
  p = 2.0f * (dbz - RN_DBZ_NOECHO) + 0.5f;
  return p >= 254.0f ? 254 : (uint8_t)p;
}

static inline float rn_archive_decode(uint8_t p)
{
  return p == RN_ARCHIVE_NODATA ? RN_NODATA : 0.5f * (float)p + RN_DBZ_NOECHO;
}

/* Frame i of the archive, encoded. */
static inline const uint8_t *rn_archive_frame(const struct rn_archive *a, int i)
{
  return a->data + (size_t)i * (size_t)a->grid.nx * (size_t)a->grid.ny;
}

/* Build an archive from frames (any grids, any order): each is resampled to
 * the model grid (from the first frame's grid and the options), frames are
 * sorted by time (a time seen twice: the later one in the list wins, with a
 * warning), segments and splits are assigned. The frames are not kept. */
struct rn_archive_builder;
enum rn_status rn_archive_builder_new(const struct rn_archive_options *o,
                                      struct rn_archive_builder **out);
enum rn_status rn_archive_builder_add(struct rn_archive_builder *b, const struct rn_frame *f);
/* Finish: a is filled (rn_archive_free it) and the builder freed. */
enum rn_status rn_archive_builder_finish(struct rn_archive_builder *b, struct rn_archive *a);
void rn_archive_builder_free(struct rn_archive_builder *b);

/* Write (atomically) and read the NetCDF-4 archive; reading loads
 * everything into memory. */
enum rn_status rn_archive_write(const struct rn_archive *a, const struct rn_archive_options *o,
                                const char *path);
enum rn_status rn_archive_read(const char *path, struct rn_archive *a);

/* The first frames of every usable window of n frames in split s (see
 * above), ascending; *starts is malloc'ed (NULL when *count is 0). */
enum rn_status rn_archive_windows(const struct rn_archive *a, int n, enum rn_split s,
                                  int **starts, int *count);

#ifdef __cplusplus
}
#endif
#endif
