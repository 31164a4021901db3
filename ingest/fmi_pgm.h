/* fmi_pgm.h - the comment header of FMI's PGM radar composites.
 *
 * FMI writes binary PGM (P5) with '#' comment lines before the size:
 *   # obstime 201609281445
 *   # param CorrectedReflectivity
 *   # metersperpixel_x 999.674053
 *   # projection radar {
 *   # type stereographic
 *   # centrallongitude 25 / centrallatitude 90 / truelatitude 60
 *   # bottomleft 18.600000 57.930000     (lon lat of the outer corner)
 *   # topright 34.903000 69.005000
 *   # }
 * The corners are the outer corners of the corner pixels: with them the
 * pixel size equals metersperpixel, and the frame lines up with FMI's
 * GeoTIFF of the same time (tests/data/ingest_info.sh checks it). The
 * sphere's radius is not written; it follows from metersperpixel_x and the
 * corners (6371288 m for the corpus files). */
#ifndef RADNOW_INGEST_FMI_PGM_H
#define RADNOW_INGEST_FMI_PGM_H

#include <stddef.h>

#include <radnow/grid.h>
#include <radnow/utctime.h>

struct rn_fmi_header {
  int width, height, maxval;
  rn_time obstime;        /* 0 when absent */
  char param[64];         /* CorrectedReflectivity ... */
  char type[32];          /* stereographic */
  double lon_0, lat_0, lat_ts;
  double bl_lon, bl_lat, tr_lon, tr_lat;
  double mpp_x, mpp_y;
  int have_projection;    /* type, corners and metersperpixel all there */
};

/* 1 when head is a PGM with FMI comment lines (parsed into h), else 0. */
int rn_fmi_pgm_parse(const unsigned char *head, size_t n, struct rn_fmi_header *h);

/* The grid of the header; note gets a line about the derived sphere. */
enum rn_status rn_fmi_pgm_grid(const struct rn_fmi_header *h, const char *path,
                               struct rn_grid *grid, char *note, size_t note_size);

#endif
