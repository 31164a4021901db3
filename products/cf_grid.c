/* cf_grid.c - CF-1.8 grid mapping, projection coordinates and lat/lon. */
#include "cf_grid.h"

#include <radnow/publish.h>

#include <math.h>
#include <netcdf.h>
#include <netcdf_mem.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rn_status rn_nc_error(int ncstat, enum rn_status st, const char *path, const char *what)
{
  return rn_error(st, "netcdf: %s: %s: %s", path, what, nc_strerror(ncstat));
}

enum rn_status rn_nc_create(const char *path, int *ncid)
{
  int r = nc_create_mem(path, NC_NETCDF4, 1 << 20, ncid);
  if (r != NC_NOERR) {
    *ncid = -1;
    return rn_nc_error(r, RN_EWRITE, path, "create");
  }
  return RN_OK;
}

enum rn_status rn_nc_publish(int ncid, const char *path)
{
  NC_memio mem = {0, NULL, 0};
  enum rn_status st;
  int r = nc_close_memio(ncid, &mem);
  if (r != NC_NOERR) {
    free(mem.memory);
    return rn_nc_error(r, RN_EWRITE, path, "close");
  }
  st = rn_publish_buffer(path, mem.memory, mem.size);
  free(mem.memory);
  return st ? rn_error_prefix(st, "netcdf") : RN_OK;
}

#define NC_TRY(call, st, what)                                                                    \
  do {                                                                                            \
    int nc_status_ = (call);                                                                      \
    if (nc_status_ != NC_NOERR)                                                                   \
      return rn_nc_error(nc_status_, st, path, what);                                             \
  } while (0)

/* Value of +key= in a PROJ string, or def. */
static double proj_param(const char *pj, const char *key, double def)
{
  char pat[32];
  const char *p;
  snprintf(pat, sizeof pat, "+%s=", key);
  p = strstr(pj, pat);
  return p ? atof(p + strlen(pat)) : def;
}

static int put_double(int ncid, int var, const char *name, double v)
{
  return nc_put_att_double(ncid, var, name, NC_DOUBLE, 1, &v);
}

static int put_text(int ncid, int var, const char *name, const char *v)
{
  return nc_put_att_text(ncid, var, name, strlen(v), v);
}

/* CF grid_mapping_name and parameters for the common radar projections;
 * other CRSs are described by crs_wkt alone (GDAL and pyproj read it). */
static void cf_mapping_attrs(int ncid, int var, const char *wkt)
{
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *crs, *geod = NULL, *ell = NULL;
  const char *pj;
  char proj[32] = "";
  proj_log_level(ctx, PJ_LOG_NONE);
  crs = proj_create(ctx, wkt);
  if (!crs)
    goto out;
  pj = proj_as_proj_string(ctx, crs, PJ_PROJ_5, NULL);
  if (pj) {
    const char *p = strstr(pj, "+proj=");
    if (p)
      sscanf(p + 6, "%31[a-z_]", proj);
  }
  if (pj && strcmp(proj, "aeqd") == 0) {
    put_text(ncid, var, "grid_mapping_name", "azimuthal_equidistant");
    put_double(ncid, var, "longitude_of_projection_origin", proj_param(pj, "lon_0", 0));
    put_double(ncid, var, "latitude_of_projection_origin", proj_param(pj, "lat_0", 0));
  } else if (pj && strcmp(proj, "stere") == 0 && fabs(fabs(proj_param(pj, "lat_0", 0)) - 90) < 1e-9) {
    put_text(ncid, var, "grid_mapping_name", "polar_stereographic");
    put_double(ncid, var, "straight_vertical_longitude_from_pole", proj_param(pj, "lon_0", 0));
    put_double(ncid, var, "latitude_of_projection_origin", proj_param(pj, "lat_0", 90));
    if (strstr(pj, "+lat_ts="))
      put_double(ncid, var, "standard_parallel", proj_param(pj, "lat_ts", 90));
    else
      put_double(ncid, var, "scale_factor_at_projection_origin", proj_param(pj, "k_0", proj_param(pj, "k", 1)));
  } else if (pj && strcmp(proj, "laea") == 0) {
    put_text(ncid, var, "grid_mapping_name", "lambert_azimuthal_equal_area");
    put_double(ncid, var, "longitude_of_projection_origin", proj_param(pj, "lon_0", 0));
    put_double(ncid, var, "latitude_of_projection_origin", proj_param(pj, "lat_0", 0));
  } else if (pj && (strcmp(proj, "tmerc") == 0 || strcmp(proj, "utm") == 0)) {
    int utm = strcmp(proj, "utm") == 0;
    double lon0 = utm ? proj_param(pj, "zone", 31) * 6 - 183 : proj_param(pj, "lon_0", 0);
    put_text(ncid, var, "grid_mapping_name", "transverse_mercator");
    put_double(ncid, var, "longitude_of_central_meridian", lon0);
    put_double(ncid, var, "latitude_of_projection_origin", utm ? 0 : proj_param(pj, "lat_0", 0));
    put_double(ncid, var, "scale_factor_at_central_meridian",
               utm ? 0.9996 : proj_param(pj, "k", proj_param(pj, "k_0", 1)));
    put_double(ncid, var, "false_easting", utm ? 500000 : proj_param(pj, "x_0", 0));
    put_double(ncid, var, "false_northing", utm ? (strstr(pj, "+south") ? 1e7 : 0) : proj_param(pj, "y_0", 0));
  } else if (pj && strcmp(proj, "lcc") == 0) {
    double sp[2] = {proj_param(pj, "lat_1", 0), proj_param(pj, "lat_2", proj_param(pj, "lat_1", 0))};
    put_text(ncid, var, "grid_mapping_name", "lambert_conformal_conic");
    nc_put_att_double(ncid, var, "standard_parallel", NC_DOUBLE, 2, sp);
    put_double(ncid, var, "longitude_of_central_meridian", proj_param(pj, "lon_0", 0));
    put_double(ncid, var, "latitude_of_projection_origin", proj_param(pj, "lat_0", 0));
  } else if (pj && (strcmp(proj, "longlat") == 0 || strcmp(proj, "latlong") == 0)) {
    put_text(ncid, var, "grid_mapping_name", "latitude_longitude");
  }
  if (pj && strcmp(proj, "utm") != 0 && strcmp(proj, "tmerc") != 0 && strcmp(proj, "longlat") != 0 &&
      strcmp(proj, "latlong") != 0 && proj[0]) {
    put_double(ncid, var, "false_easting", proj_param(pj, "x_0", 0));
    put_double(ncid, var, "false_northing", proj_param(pj, "y_0", 0));
  }
  geod = proj_crs_get_geodetic_crs(ctx, crs);
  ell = geod ? proj_get_ellipsoid(ctx, geod) : NULL;
  if (ell) {
    double a, b, invf;
    int computed;
    if (proj_ellipsoid_get_parameters(ctx, ell, &a, &b, &computed, &invf)) {
      put_double(ncid, var, "semi_major_axis", a);
      put_double(ncid, var, "inverse_flattening", invf);
    }
  }
out:
  if (ell) proj_destroy(ell);
  if (geod) proj_destroy(geod);
  if (crs) proj_destroy(crs);
  proj_context_destroy(ctx);
}

enum rn_status rn_cf_grid_define(int ncid, const struct rn_grid *g, const char *path, int *ydim,
                                 int *xdim)
{
  int xv, yv, latv, lonv, crsv, dims[2];
  char gt[256];

  NC_TRY(nc_def_dim(ncid, "y", (size_t)g->ny, ydim), RN_EWRITE, "dimension y");
  NC_TRY(nc_def_dim(ncid, "x", (size_t)g->nx, xdim), RN_EWRITE, "dimension x");
  NC_TRY(nc_def_var(ncid, "x", NC_DOUBLE, 1, xdim, &xv), RN_EWRITE, "variable x");
  put_text(ncid, xv, "standard_name", "projection_x_coordinate");
  put_text(ncid, xv, "long_name", "x coordinate of projection");
  put_text(ncid, xv, "units", "m");
  put_text(ncid, xv, "axis", "X");
  NC_TRY(nc_def_var(ncid, "y", NC_DOUBLE, 1, ydim, &yv), RN_EWRITE, "variable y");
  put_text(ncid, yv, "standard_name", "projection_y_coordinate");
  put_text(ncid, yv, "long_name", "y coordinate of projection");
  put_text(ncid, yv, "units", "m");
  put_text(ncid, yv, "axis", "Y");

  dims[0] = *ydim;
  dims[1] = *xdim;
  NC_TRY(nc_def_var(ncid, "lat", NC_FLOAT, 2, dims, &latv), RN_EWRITE, "variable lat");
  put_text(ncid, latv, "standard_name", "latitude");
  put_text(ncid, latv, "units", "degrees_north");
  NC_TRY(nc_def_var(ncid, "lon", NC_FLOAT, 2, dims, &lonv), RN_EWRITE, "variable lon");
  put_text(ncid, lonv, "standard_name", "longitude");
  put_text(ncid, lonv, "units", "degrees_east");
  if (nc_def_var_deflate(ncid, latv, 1, 1, 4) || nc_def_var_deflate(ncid, lonv, 1, 1, 4))
    return rn_error(RN_EWRITE, "netcdf: %s: cannot compress lat/lon", path);

  NC_TRY(nc_def_var(ncid, "crs", NC_INT, 0, NULL, &crsv), RN_EWRITE, "variable crs");
  cf_mapping_attrs(ncid, crsv, g->crs_wkt);
  put_text(ncid, crsv, "crs_wkt", g->crs_wkt);
  put_text(ncid, crsv, "spatial_ref", g->crs_wkt); /* GDAL's name for it */
  snprintf(gt, sizeof gt, "%.17g %.17g 0 %.17g 0 %.17g", g->xmin, g->dx, g->ymax, -g->dy);
  put_text(ncid, crsv, "GeoTransform", gt);
  return RN_OK;
}

enum rn_status rn_cf_grid_write(int ncid, const struct rn_grid *g, const char *path)
{
  size_t n = (size_t)g->nx * (size_t)g->ny;
  double *x = NULL, *y = NULL, *lon = NULL, *lat = NULL;
  int xv, yv, latv, lonv, rc = NC_NOERR;
  enum rn_status st;

  x = malloc((size_t)g->nx * sizeof *x);
  y = malloc((size_t)g->ny * sizeof *y);
  lon = malloc(n * sizeof *lon);
  lat = malloc(n * sizeof *lat);
  if (!x || !y || !lon || !lat) {
    st = rn_error(RN_ENOMEM, "netcdf: %s: out of memory for coordinates", path);
    goto out;
  }
  rn_grid_xy(g, x, y);
  st = rn_grid_lonlat(g, lon, lat);
  if (st)
    goto out;
  if ((rc = nc_inq_varid(ncid, "x", &xv)) || (rc = nc_inq_varid(ncid, "y", &yv)) ||
      (rc = nc_inq_varid(ncid, "lat", &latv)) || (rc = nc_inq_varid(ncid, "lon", &lonv)) ||
      (rc = nc_put_var_double(ncid, xv, x)) || (rc = nc_put_var_double(ncid, yv, y)) ||
      (rc = nc_put_var_double(ncid, latv, lat)) || (rc = nc_put_var_double(ncid, lonv, lon)))
    st = rn_nc_error(rc, RN_EWRITE, path, "writing coordinates");
out:
  free(x);
  free(y);
  free(lon);
  free(lat);
  return st;
}

static enum rn_status read_axis(int ncid, const char *name, const char *path, int *n,
                                double *first, double *step)
{
  int var, dim, nd;
  size_t len;
  double *v;
  NC_TRY(nc_inq_varid(ncid, name, &var), RN_EFORMAT, name);
  NC_TRY(nc_inq_varndims(ncid, var, &nd), RN_EFORMAT, name);
  if (nd != 1)
    return rn_error(RN_EFORMAT, "netcdf: %s: %s: not a 1-D coordinate", path, name);
  NC_TRY(nc_inq_vardimid(ncid, var, &dim), RN_EFORMAT, name);
  NC_TRY(nc_inq_dimlen(ncid, dim, &len), RN_EFORMAT, name);
  if (len < 2 || len > 100000)
    return rn_error(RN_EFORMAT, "netcdf: %s: %s: %zu points, need 2 or more", path, name, len);
  v = malloc(len * sizeof *v);
  if (!v)
    return rn_error(RN_ENOMEM, "netcdf: %s: out of memory", path);
  if (nc_get_var_double(ncid, var, v) != NC_NOERR) {
    free(v);
    return rn_error(RN_EFORMAT, "netcdf: %s: %s: cannot read values", path, name);
  }
  *step = (v[len - 1] - v[0]) / (double)(len - 1);
  for (size_t i = 1; i < len; i++)
    if (!(fabs(v[i] - v[i - 1] - *step) <= 1e-6 * fabs(*step) + 1e-9)) {
      free(v);
      return rn_error(RN_EFORMAT, "netcdf: %s: %s: coordinate is not regularly spaced", path, name);
    }
  *first = v[0];
  *n = (int)len;
  free(v);
  if (*step == 0)
    return rn_error(RN_EFORMAT, "netcdf: %s: %s: zero spacing", path, name);
  return RN_OK;
}

enum rn_status rn_cf_grid_read(int ncid, int varid, const char *path, struct rn_grid *g,
                               int *y_ascending)
{
  char mapping[NC_MAX_NAME + 1] = "crs", *wkt = NULL;
  size_t len = 0;
  int crsv, nx, ny;
  double x0, dx, y0, dy;
  enum rn_status st;

  if (varid >= 0 && nc_inq_attlen(ncid, varid, "grid_mapping", &len) == NC_NOERR &&
      len < sizeof mapping) {
    nc_get_att_text(ncid, varid, "grid_mapping", mapping);
    mapping[len] = '\0';
  }
  if (nc_inq_varid(ncid, mapping, &crsv) != NC_NOERR)
    return rn_error(RN_EFORMAT, "netcdf: %s: grid mapping variable '%s' missing", path, mapping);
  if (nc_inq_attlen(ncid, crsv, "crs_wkt", &len) == NC_NOERR) {
    wkt = calloc(len + 1, 1);
    if (wkt)
      nc_get_att_text(ncid, crsv, "crs_wkt", wkt);
  } else if (nc_inq_attlen(ncid, crsv, "spatial_ref", &len) == NC_NOERR) {
    wkt = calloc(len + 1, 1);
    if (wkt)
      nc_get_att_text(ncid, crsv, "spatial_ref", wkt);
  } else {
    return rn_error(RN_EFORMAT, "netcdf: %s: %s: no crs_wkt attribute", path, mapping);
  }
  if (!wkt)
    return rn_error(RN_ENOMEM, "netcdf: %s: out of memory", path);
  st = read_axis(ncid, "x", path, &nx, &x0, &dx);
  if (!st)
    st = read_axis(ncid, "y", path, &ny, &y0, &dy);
  if (!st && dx < 0)
    st = rn_error(RN_EFORMAT, "netcdf: %s: x decreases; not supported", path);
  if (!st) {
    *y_ascending = dy > 0;
    dy = fabs(dy);
    st = rn_grid_init(g, wkt, nx, ny, x0 - 0.5 * dx,
                      *y_ascending ? y0 + (ny - 0.5) * dy : y0 + 0.5 * dy, dx, dy);
    if (st)
      rn_error_prefix(st, "netcdf: %s", path);
  }
  free(wkt);
  return st;
}
