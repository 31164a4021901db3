/* grid.h - a georeferenced regular grid (the map onto which radar data go).
 *
 * Rows run north to south (row 0 is the northern edge), columns west to east,
 * as in GDAL. Pixel (i, j) has its centre at
 *   x = xmin + (i + 0.5) dx,   y = ymax - (j + 0.5) dy
 * in the projected coordinates (metres, or degrees for geographic CRSs) of
 * crs_wkt. The GDAL geotransform is {xmin, dx, 0, ymax, 0, -dy}. */
#ifndef RADNOW_GRID_H
#define RADNOW_GRID_H

#include <radnow/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_grid {
  char *crs_wkt;    /* owned; WKT (GDAL flavour, as GIS tools read it) */
  int nx, ny;
  double xmin, ymax; /* outer corner of pixel (0, 0) */
  double dx, dy;     /* pixel size, both > 0 */
};

/* Define a grid. crs is anything PROJ understands ("EPSG:3067", a PROJ
 * string, WKT); it is stored as WKT. */
enum rn_status rn_grid_init(struct rn_grid *g, const char *crs, int nx, int ny, double xmin,
                            double ymax, double dx, double dy);
/* Grid of nx x ny pixels of res metres centred on (lat, lon) in crs; with
 * crs NULL, an azimuthal equidistant projection centred there. */
enum rn_status rn_grid_centered(struct rn_grid *g, const char *crs, double lat, double lon,
                                int nx, int ny, double res);
/* Grid covering extent {xmin, ymin, xmax, ymax} with pixels of res. */
enum rn_status rn_grid_from_extent(struct rn_grid *g, const char *crs, const double extent[4],
                                   double res);
enum rn_status rn_grid_copy(struct rn_grid *dst, const struct rn_grid *src);
void rn_grid_free(struct rn_grid *g);

void rn_grid_geotransform(const struct rn_grid *g, double gt[6]);
/* Same size, same georeference within 1e-6 of a pixel, and the same CRS. */
int rn_grid_same(const struct rn_grid *a, const struct rn_grid *b);
/* Pixel centres in projected coordinates: x[nx], y[ny]. */
void rn_grid_xy(const struct rn_grid *g, double *x, double *y);
/* Longitude and latitude (degrees) of every pixel centre, ny x nx row-major. */
enum rn_status rn_grid_lonlat(const struct rn_grid *g, double *lon, double *lat);
/* A PROJ string for a radar-centred azimuthal equidistant projection. */
void rn_grid_aeqd(double lat, double lon, char *buf, int size);

#ifdef __cplusplus
}
#endif
#endif
