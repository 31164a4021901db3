/* cf_grid.h - the CF-1.8 description of a grid in a NetCDF file: dimensions
 * y and x, coordinates x/y (projection metres), 2-D lat/lon and the grid
 * mapping variable "crs" with crs_wkt, shared by every NetCDF radnow writes. */
#ifndef RADNOW_CF_GRID_H
#define RADNOW_CF_GRID_H

#include <radnow/grid.h>

/* Define dims y, x and variables x, y, lat, lon, crs in define mode. */
enum rn_status rn_cf_grid_define(int ncid, const struct rn_grid *g, const char *path, int *ydim,
                                 int *xdim);
/* Write x, y, lat, lon in data mode. */
enum rn_status rn_cf_grid_write(int ncid, const struct rn_grid *g, const char *path);
/* Rebuild the grid of a file from its x/y coordinates and the grid mapping
 * named by variable varid (or "crs"). *y_ascending is set when the file
 * stores rows south to north (the caller flips them). */
enum rn_status rn_cf_grid_read(int ncid, int varid, const char *path, struct rn_grid *g,
                               int *y_ascending);

/* NetCDF status into a radnow error naming the file. */
enum rn_status rn_nc_error(int ncstat, enum rn_status st, const char *path, const char *what);

/* NetCDF-4 files are built in memory and published in one write
 * (publish.h): a full disk then fails in rn_publish_buffer, which leaves
 * nothing behind, rather than inside HDF5, whose state after a failed close
 * crashes the program at exit. rn_nc_publish closes ncid in every case. */
enum rn_status rn_nc_create(const char *path, int *ncid);
enum rn_status rn_nc_publish(int ncid, const char *path);

#endif
