/* frame.h - one gridded reflectivity field at one time.
 *
 * Frames are always reflectivity in dBZ (rain rates are converted on ingest).
 * nodata and undetect are kept apart:
 *   NaN                    nodata: outside coverage, not measured
 *   RN_DBZ_NOECHO (-32)    undetect: measured, no echo. Every value at or
 *                          below this floor means "no echo"; readers clamp
 *                          weaker echoes to it so arithmetic stays finite.
 * On disk a frame is one CF-1.8 NetCDF-4 file (rn_frame_write/rn_frame_read):
 * variable dbz(y, x) float32 with _FillValue for nodata and undetect written
 * as -32 with the attribute undetect = -32.f. */
#ifndef RADNOW_FRAME_H
#define RADNOW_FRAME_H

#include <radnow/grid.h>
#include <radnow/utctime.h>
#include <radnow/volume.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_DBZ_NOECHO (-32.0f)
#define RN_FRAME_FILLVALUE (-9999.0f)

struct rn_frame {
  struct rn_grid grid;
  rn_time time;                   /* nominal (observation or valid) time, UTC */
  char quantity[RN_QUANTITY_LEN]; /* what it was made from: DBZH, TH, RATE ... */
  char product[32];               /* pcappi, cappi:1500, cmax, composite, raster ... */
  char source[256];               /* radar(s) or file it came from */
  float *dbz;                     /* ny x nx, row 0 north */
};

/* Allocate dbz for the grid (copied) filled with NaN. */
enum rn_status rn_frame_alloc(struct rn_frame *f, const struct rn_grid *grid);
void rn_frame_free(struct rn_frame *f);
/* Clamp weak echoes to the no-echo floor (keeps NaN). */
void rn_frame_floor(struct rn_frame *f);

/* Write / read the CF NetCDF-4 frame file. Writing is atomic (publish.h). */
enum rn_status rn_frame_write(const struct rn_frame *f, const char *path);
enum rn_status rn_frame_read(struct rn_frame *f, const char *path);

#ifdef __cplusplus
}
#endif
#endif
