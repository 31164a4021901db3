/* frame_netcdf.c - one gridded reflectivity frame as a CF-1.8 NetCDF-4 file. */
#include <radnow/frame.h>
#include <radnow/publish.h>

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_grid.h"
#include "config.h"

#define TRY(call, what)                                                                           \
  do {                                                                                            \
    int nc_status_ = (call);                                                                      \
    if (nc_status_ != NC_NOERR) {                                                                 \
      st = rn_nc_error(nc_status_, RN_EWRITE, path, what);                                        \
      goto fail;                                                                                  \
    }                                                                                             \
  } while (0)

static int put_text(int ncid, int var, const char *name, const char *v)
{
  return nc_put_att_text(ncid, var, name, strlen(v), v);
}

enum rn_status rn_frame_write(const struct rn_frame *f, const char *path)
{
  char iso[32], history[128];
  int ncid = -1, ydim, xdim, tdim, tv, dv, dims[3];
  size_t chunks[3] = {1, (size_t)f->grid.ny, (size_t)f->grid.nx};
  size_t n = (size_t)f->grid.nx * (size_t)f->grid.ny;
  float fill = RN_FRAME_FILLVALUE, undetect = RN_DBZ_NOECHO, *out = NULL;
  double t = (double)f->time;
  enum rn_status st = rn_nc_create(path, &ncid);
  if (st)
    return st;

  put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8");
  put_text(ncid, NC_GLOBAL, "title", "radar reflectivity frame");
  put_text(ncid, NC_GLOBAL, "source", f->source);
  put_text(ncid, NC_GLOBAL, "radnow_quantity", f->quantity);
  put_text(ncid, NC_GLOBAL, "radnow_product", f->product);
  snprintf(history, sizeof history, "%s created by radnow %s", rn_time_iso(f->time, iso),
           PACKAGE_VERSION);
  put_text(ncid, NC_GLOBAL, "history", history);

  TRY(nc_def_dim(ncid, "time", 1, &tdim), "dimension time");
  st = rn_cf_grid_define(ncid, &f->grid, path, &ydim, &xdim);
  if (st)
    goto fail;
  TRY(nc_def_var(ncid, "time", NC_DOUBLE, 1, &tdim, &tv), "variable time");
  put_text(ncid, tv, "standard_name", "time");
  put_text(ncid, tv, "units", "seconds since 1970-01-01 00:00:00");
  put_text(ncid, tv, "calendar", "standard");
  put_text(ncid, tv, "axis", "T");

  dims[0] = tdim;
  dims[1] = ydim;
  dims[2] = xdim;
  TRY(nc_def_var(ncid, "dbz", NC_FLOAT, 3, dims, &dv), "variable dbz");
  TRY(nc_def_var_chunking(ncid, dv, NC_CHUNKED, chunks), "chunking dbz");
  TRY(nc_def_var_deflate(ncid, dv, 1, 1, 4), "compressing dbz");
  TRY(nc_def_var_fill(ncid, dv, 0, &fill), "_FillValue of dbz");
  put_text(ncid, dv, "standard_name", "equivalent_reflectivity_factor");
  put_text(ncid, dv, "long_name", "equivalent radar reflectivity factor");
  put_text(ncid, dv, "units", "dBZ");
  put_text(ncid, dv, "grid_mapping", "crs");
  put_text(ncid, dv, "coordinates", "lat lon");
  TRY(nc_put_att_float(ncid, dv, "undetect", NC_FLOAT, 1, &undetect), "undetect of dbz");
  put_text(ncid, dv, "comment",
           "_FillValue: no data (outside coverage or not measured); values <= undetect (-32 dBZ): "
           "measured, no echo");
  TRY(nc_enddef(ncid), "end of definitions");

  TRY(nc_put_var_double(ncid, tv, &t), "writing time");
  st = rn_cf_grid_write(ncid, &f->grid, path);
  if (st)
    goto fail;
  out = malloc(n * sizeof *out);
  if (!out) {
    st = rn_error(RN_ENOMEM, "netcdf: %s: out of memory", path);
    goto fail;
  }
  for (size_t i = 0; i < n; i++)
    out[i] = isnan(f->dbz[i]) ? fill : (f->dbz[i] < undetect ? undetect : f->dbz[i]);
  TRY(nc_put_var_float(ncid, dv, out), "writing dbz");
  free(out);
  out = NULL;
  return rn_nc_publish(ncid, path);
fail:
  free(out);
  if (ncid >= 0)
    nc_abort(ncid);
  return st;
}

#undef TRY
#define TRY(call, what)                                                                           \
  do {                                                                                            \
    int nc_status_ = (call);                                                                      \
    if (nc_status_ != NC_NOERR) {                                                                 \
      st = rn_nc_error(nc_status_, RN_EFORMAT, path, what);                                       \
      goto fail;                                                                                  \
    }                                                                                             \
  } while (0)

/* "seconds since 1970-01-01 00:00:00" and the like: seconds per unit and epoch. */
static int time_units(const char *u, double *scale, rn_time *epoch)
{
  char unit[16];
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (sscanf(u, "%15s since %d-%d-%d%*[ T]%d:%d:%d", unit, &y, &mo, &d, &h, &mi, &s) < 4)
    return -1;
  if (strcmp(unit, "seconds") == 0)
    *scale = 1;
  else if (strcmp(unit, "minutes") == 0)
    *scale = 60;
  else if (strcmp(unit, "hours") == 0)
    *scale = 3600;
  else if (strcmp(unit, "days") == 0)
    *scale = 86400;
  else
    return -1;
  *epoch = rn_time_from_fields(y, mo, d, h, mi, s);
  return 0;
}

static void get_text_att(int ncid, int var, const char *name, char *buf, size_t size)
{
  size_t len;
  buf[0] = '\0';
  if (nc_inq_attlen(ncid, var, name, &len) == NC_NOERR && len < size) {
    nc_get_att_text(ncid, var, name, buf);
    buf[len] = '\0';
  }
}

enum rn_status rn_frame_read(struct rn_frame *f, const char *path)
{
  int ncid = -1, dv, nd, dimids[NC_MAX_VAR_DIMS], yasc = 0, tv;
  size_t start[3] = {0, 0, 0}, count[3] = {1, 1, 1};
  float fill = RN_FRAME_FILLVALUE, missing = NAN, undetect = RN_DBZ_NOECHO;
  double scale = 1, offset = 0;
  struct rn_grid g = {0};
  char units[128];
  enum rn_status st = RN_OK;
  nc_type type;

  memset(f, 0, sizeof *f);
  TRY(nc_open(path, NC_NOWRITE, &ncid), "open");
  if (nc_inq_varid(ncid, "dbz", &dv) != NC_NOERR) {
    st = rn_error(RN_EFORMAT, "netcdf: %s: variable 'dbz' missing (not a radnow frame)", path);
    goto fail;
  }
  TRY(nc_inq_var(ncid, dv, NULL, &type, &nd, dimids, NULL), "variable dbz");
  if (nd != 2 && nd != 3) {
    st = rn_error(RN_EFORMAT, "netcdf: %s: dbz has %d dimensions, want (time,) y, x", path, nd);
    goto fail;
  }
  st = rn_cf_grid_read(ncid, dv, path, &g, &yasc);
  if (st)
    goto fail;
  st = rn_frame_alloc(f, &g);
  if (st)
    goto fail;
  count[nd - 2] = (size_t)g.ny;
  count[nd - 1] = (size_t)g.nx;
  {
    size_t len;
    TRY(nc_inq_dimlen(ncid, dimids[nd - 2], &len), "dimension y of dbz");
    if (len != (size_t)g.ny) {
      st = rn_error(RN_EFORMAT, "netcdf: %s: dbz and y differ in size", path);
      goto fail;
    }
    TRY(nc_inq_dimlen(ncid, dimids[nd - 1], &len), "dimension x of dbz");
    if (len != (size_t)g.nx) {
      st = rn_error(RN_EFORMAT, "netcdf: %s: dbz and x differ in size", path);
      goto fail;
    }
  }
  TRY(nc_get_vara_float(ncid, dv, start, count, f->dbz), "reading dbz");
  nc_get_att_float(ncid, dv, "_FillValue", &fill);
  nc_get_att_float(ncid, dv, "missing_value", &missing);
  nc_get_att_float(ncid, dv, "undetect", &undetect);
  nc_get_att_double(ncid, dv, "scale_factor", &scale);
  nc_get_att_double(ncid, dv, "add_offset", &offset);
  {
    size_t n = (size_t)g.nx * (size_t)g.ny;
    for (size_t i = 0; i < n; i++) {
      float v = f->dbz[i];
      if (v == fill || v == missing || isnan(v))
        f->dbz[i] = RN_NODATA;
      else {
        v = (float)(v * scale + offset);
        f->dbz[i] = v <= undetect ? RN_DBZ_NOECHO : v;
      }
    }
  }
  if (yasc) /* rows south to north on disk: flip to north first */
    for (int j = 0; j < g.ny / 2; j++)
      for (int i = 0; i < g.nx; i++) {
        float *a = &f->dbz[(size_t)j * g.nx + i], *b = &f->dbz[(size_t)(g.ny - 1 - j) * g.nx + i];
        float t = *a;
        *a = *b;
        *b = t;
      }
  if (nc_inq_varid(ncid, "time", &tv) == NC_NOERR) {
    double t, sc;
    rn_time epoch;
    get_text_att(ncid, tv, "units", units, sizeof units);
    if (time_units(units, &sc, &epoch) != 0) {
      st = rn_error(RN_EFORMAT, "netcdf: %s: time units '%s' not understood", path, units);
      goto fail;
    }
    TRY(nc_get_var1_double(ncid, tv, start, &t), "reading time");
    f->time = epoch + (rn_time)llround(t * sc);
  } else {
    st = rn_error(RN_EFORMAT, "netcdf: %s: variable 'time' missing", path);
    goto fail;
  }
  get_text_att(ncid, NC_GLOBAL, "source", f->source, sizeof f->source);
  get_text_att(ncid, NC_GLOBAL, "radnow_quantity", f->quantity, sizeof f->quantity);
  get_text_att(ncid, NC_GLOBAL, "radnow_product", f->product, sizeof f->product);
  nc_close(ncid);
  rn_grid_free(&g);
  return RN_OK;
fail:
  if (ncid >= 0)
    nc_close(ncid);
  rn_grid_free(&g);
  rn_frame_free(f);
  return st;
}
