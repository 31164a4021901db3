/* forecast_netcdf.c - a predictor's nowcast as one CF-1.8 NetCDF-4 file.
 *
 * Layout (DESIGN.md, Products):
 *   dimensions  realization = M, time = L, threshold = K (when K > 0), y, x
 *   time(time)                     valid time, seconds since 1970-01-01, axis T
 *   forecast_period(time)          seconds after forecast_reference_time
 *   forecast_reference_time        scalar, same units as time
 *   realization(realization)       member number 0..M-1
 *   crs, x, y, lat, lon            grid (cf_grid.c)
 *   dbz(realization, time, y, x)   equivalent_reflectivity_factor, dBZ, packed short
 *   threshold(threshold)           dBZ, spp__relative_to_threshold = greater_than_or_equal_to
 *   probability_of_equivalent_reflectivity_factor_above_threshold(time, threshold, y, x)
 *   global attributes Conventions, predictor, comment, history
 *
 * Packing of dBZ: dBZ = 0.01 * short. The range -327.67 .. 327.67 dBZ holds
 * the whole radar range (-32 .. 95) at 0.01 dBZ, so the 0.5 dBZ steps of radar
 * data survive exactly and model output to within 0.005 dBZ. No echo is
 * written as -32 dBZ (-3200) with the attribute undetect = -32, nodata as
 * _FillValue = -32768, which is outside the valid range. Probabilities are
 * packed the same way at 1e-4. Chunks are one field (1, 1, ny, nx), deflated
 * with the shuffle filter. */
#include <radnow/forecast.h>

#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_grid.h"
#include "config.h"

#define DBZ_SCALE 0.01f
#define PROB_SCALE 1e-4f
#define PACK_FILL ((short)-32768)
#define DEFLATE_LEVEL 2
#define PROB_VAR "probability_of_equivalent_reflectivity_factor_above_threshold"
#define TIME_UNITS "seconds since 1970-01-01 00:00:00"

static int put_text(int ncid, int var, const char *name, const char *v)
{
  return nc_put_att_text(ncid, var, name, strlen(v), v);
}

static short pack(float v, float scale, float lo, float hi)
{
  if (isnan(v))
    return PACK_FILL;
  if (v < lo)
    v = lo;
  if (v > hi)
    v = hi;
  return (short)lrintf(v / scale);
}

#define TRY(call, what)                                                                           \
  do {                                                                                            \
    int nc_status_ = (call);                                                                      \
    if (nc_status_ != NC_NOERR) {                                                                 \
      st = rn_nc_error(nc_status_, RN_EWRITE, path, what);                                        \
      goto fail;                                                                                  \
    }                                                                                             \
  } while (0)

/* A packed field variable with its CF attributes, chunked one field at a time. */
static enum rn_status def_packed(int ncid, const char *path, const char *name, int ndims,
                                 const int *dims, size_t ny, size_t nx, float scale, int *var)
{
  size_t chunks[4] = {1, 1, ny, nx};
  short fill = PACK_FILL;
  float offset = 0;
  enum rn_status st = RN_OK;
  TRY(nc_def_var(ncid, name, NC_SHORT, ndims, dims, var), name);
  TRY(nc_def_var_chunking(ncid, *var, NC_CHUNKED, chunks), "chunking");
  TRY(nc_def_var_deflate(ncid, *var, 1, 1, DEFLATE_LEVEL), "compression");
  TRY(nc_def_var_fill(ncid, *var, 0, &fill), "_FillValue");
  TRY(nc_put_att_float(ncid, *var, "scale_factor", NC_FLOAT, 1, &scale), "scale_factor");
  TRY(nc_put_att_float(ncid, *var, "add_offset", NC_FLOAT, 1, &offset), "add_offset");
  put_text(ncid, *var, "grid_mapping", "crs");
  put_text(ncid, *var, "coordinates", "forecast_period forecast_reference_time lat lon");
fail:
  return st;
}

static enum rn_status check_forecast(const struct rn_forecast *fc, const char *path)
{
  if (!fc->dbz || fc->nleads <= 0 || fc->nmembers <= 0 || !fc->lead_seconds ||
      fc->nthresholds < 0 || fc->nthresholds > RN_MAX_THRESHOLDS ||
      (fc->nthresholds > 0 && !fc->prob) || fc->grid.nx <= 0 || fc->grid.ny <= 0 ||
      !fc->grid.crs_wkt)
    return rn_error(RN_EINTERNAL, "netcdf: %s: forecast structure is incomplete", path);
  return RN_OK;
}

enum rn_status rn_forecast_write(const struct rn_forecast *fc, const char *path)
{
  char iso[32], history[160];
  int ncid = -1, ydim, xdim, mdim, tdim, kdim = -1, dims[4];
  int mv, tv, fpv, rtv, dv, kv = -1, pv = -1;
  size_t ny, nx, npix;
  double ref, *times = NULL;
  int *members = NULL;
  short *buf = NULL;
  float undetect = RN_DBZ_NOECHO;
  enum rn_status st = check_forecast(fc, path);
  if (st)
    return st;
  ny = (size_t)fc->grid.ny;
  nx = (size_t)fc->grid.nx;
  npix = nx * ny;
  /* Built in memory and published in one write (cf_grid.h). */
  st = rn_nc_create(path, &ncid);
  if (st)
    return st;
  put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8");
  put_text(ncid, NC_GLOBAL, "title", "radar reflectivity nowcast");
  put_text(ncid, NC_GLOBAL, "source", "radnow " PACKAGE_VERSION);
  put_text(ncid, NC_GLOBAL, "predictor", fc->predictor);
  if (fc->comment[0])
    put_text(ncid, NC_GLOBAL, "comment", fc->comment);
  snprintf(history, sizeof history, "nowcast from %s created by radnow %s",
           rn_time_iso(fc->reference_time, iso), PACKAGE_VERSION);
  put_text(ncid, NC_GLOBAL, "history", history);

  TRY(nc_def_dim(ncid, "realization", (size_t)fc->nmembers, &mdim), "dimension realization");
  TRY(nc_def_dim(ncid, "time", (size_t)fc->nleads, &tdim), "dimension time");
  if (fc->nthresholds > 0)
    TRY(nc_def_dim(ncid, "threshold", (size_t)fc->nthresholds, &kdim), "dimension threshold");
  st = rn_cf_grid_define(ncid, &fc->grid, path, &ydim, &xdim);
  if (st)
    goto fail;

  TRY(nc_def_var(ncid, "realization", NC_INT, 1, &mdim, &mv), "variable realization");
  put_text(ncid, mv, "standard_name", "realization");
  put_text(ncid, mv, "units", "1");
  TRY(nc_def_var(ncid, "time", NC_DOUBLE, 1, &tdim, &tv), "variable time");
  put_text(ncid, tv, "standard_name", "time");
  put_text(ncid, tv, "long_name", "valid time");
  put_text(ncid, tv, "units", TIME_UNITS);
  put_text(ncid, tv, "calendar", "standard");
  put_text(ncid, tv, "axis", "T");
  TRY(nc_def_var(ncid, "forecast_period", NC_INT, 1, &tdim, &fpv), "variable forecast_period");
  put_text(ncid, fpv, "standard_name", "forecast_period");
  put_text(ncid, fpv, "units", "seconds");
  TRY(nc_def_var(ncid, "forecast_reference_time", NC_DOUBLE, 0, NULL, &rtv),
      "variable forecast_reference_time");
  put_text(ncid, rtv, "standard_name", "forecast_reference_time");
  put_text(ncid, rtv, "units", TIME_UNITS);
  put_text(ncid, rtv, "calendar", "standard");

  dims[0] = mdim;
  dims[1] = tdim;
  dims[2] = ydim;
  dims[3] = xdim;
  st = def_packed(ncid, path, "dbz", 4, dims, ny, nx, DBZ_SCALE, &dv);
  if (st)
    goto fail;
  put_text(ncid, dv, "standard_name", "equivalent_reflectivity_factor");
  put_text(ncid, dv, "long_name", "equivalent radar reflectivity factor");
  put_text(ncid, dv, "units", "dBZ");
  TRY(nc_put_att_float(ncid, dv, "undetect", NC_FLOAT, 1, &undetect), "undetect");
  put_text(ncid, dv, "comment",
           "_FillValue: no data (outside coverage); values <= undetect (-32 dBZ): no echo");

  if (fc->nthresholds > 0) {
    TRY(nc_def_var(ncid, "threshold", NC_FLOAT, 1, &kdim, &kv), "variable threshold");
    put_text(ncid, kv, "standard_name", "equivalent_reflectivity_factor");
    put_text(ncid, kv, "long_name", "threshold");
    put_text(ncid, kv, "units", "dBZ");
    put_text(ncid, kv, "spp__relative_to_threshold", "greater_than_or_equal_to");
    dims[0] = tdim;
    dims[1] = kdim;
    st = def_packed(ncid, path, PROB_VAR, 4, dims, ny, nx, PROB_SCALE, &pv);
    if (st)
      goto fail;
    put_text(ncid, pv, "long_name",
             "probability of equivalent_reflectivity_factor >= threshold");
    put_text(ncid, pv, "units", "1");
  }
  TRY(nc_enddef(ncid), "end of definitions");

  st = rn_cf_grid_write(ncid, &fc->grid, path);
  if (st)
    goto fail;
  times = malloc((size_t)fc->nleads * sizeof *times);
  members = malloc((size_t)fc->nmembers * sizeof *members);
  buf = malloc(npix * sizeof *buf);
  if (!times || !members || !buf) {
    st = rn_error(RN_ENOMEM, "netcdf: %s: out of memory", path);
    goto fail;
  }
  ref = (double)fc->reference_time;
  for (int l = 0; l < fc->nleads; l++)
    times[l] = ref + fc->lead_seconds[l];
  for (int m = 0; m < fc->nmembers; m++)
    members[m] = m;
  TRY(nc_put_var_int(ncid, mv, members), "writing realization");
  TRY(nc_put_var_double(ncid, tv, times), "writing time");
  TRY(nc_put_var_int(ncid, fpv, fc->lead_seconds), "writing forecast_period");
  TRY(nc_put_var_double(ncid, rtv, &ref), "writing forecast_reference_time");
  if (kv >= 0)
    TRY(nc_put_var_float(ncid, kv, fc->thresholds), "writing threshold");

  for (int m = 0; m < fc->nmembers; m++)
    for (int l = 0; l < fc->nleads; l++) {
      size_t start[4] = {(size_t)m, (size_t)l, 0, 0}, count[4] = {1, 1, ny, nx};
      const float *f = rn_forecast_field(fc, m, l);
      for (size_t i = 0; i < npix; i++)
        buf[i] = pack(f[i], DBZ_SCALE, RN_DBZ_NOECHO, 327.67f);
      TRY(nc_put_vara_short(ncid, dv, start, count, buf), "writing dbz");
    }
  for (int l = 0; l < fc->nleads && pv >= 0; l++)
    for (int k = 0; k < fc->nthresholds; k++) {
      size_t start[4] = {(size_t)l, (size_t)k, 0, 0}, count[4] = {1, 1, ny, nx};
      const float *p = fc->prob + ((size_t)l * (size_t)fc->nthresholds + (size_t)k) * npix;
      for (size_t i = 0; i < npix; i++)
        buf[i] = pack(p[i], PROB_SCALE, 0.f, 1.f);
      TRY(nc_put_vara_short(ncid, pv, start, count, buf), "writing probabilities");
    }
  free(times);
  free(members);
  free(buf);
  times = NULL;
  members = NULL;
  buf = NULL;
  return rn_nc_publish(ncid, path);
fail:
  free(times);
  free(members);
  free(buf);
  if (ncid >= 0)
    nc_abort(ncid);
  return st;
}

/* ---- reading ----------------------------------------------------------- */

#undef TRY
#define TRY(call, what)                                                                           \
  do {                                                                                            \
    int nc_status_ = (call);                                                                      \
    if (nc_status_ != NC_NOERR) {                                                                 \
      st = rn_nc_error(nc_status_, RN_EFORMAT, path, what);                                       \
      goto fail;                                                                                  \
    }                                                                                             \
  } while (0)

static void get_text_att(int ncid, int var, const char *name, char *buf, size_t size)
{
  size_t len;
  buf[0] = '\0';
  if (nc_inq_attlen(ncid, var, name, &len) == NC_NOERR && len < size &&
      nc_get_att_text(ncid, var, name, buf) == NC_NOERR)
    buf[len] = '\0';
  else
    buf[0] = '\0';
}

/* "<unit> since YYYY-mm-dd[ HH:MM:SS]": seconds per unit and the epoch. */
static int time_units(const char *u, double *scale, rn_time *epoch)
{
  char unit[16];
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (sscanf(u, "%15s since %d-%d-%d%*[ T]%d:%d:%d", unit, &y, &mo, &d, &h, &mi, &s) < 4)
    return -1;
  if (strcmp(unit, "seconds") == 0 || strcmp(unit, "second") == 0 || strcmp(unit, "s") == 0)
    *scale = 1;
  else if (strcmp(unit, "minutes") == 0 || strcmp(unit, "minute") == 0)
    *scale = 60;
  else if (strcmp(unit, "hours") == 0 || strcmp(unit, "hour") == 0)
    *scale = 3600;
  else if (strcmp(unit, "days") == 0 || strcmp(unit, "day") == 0)
    *scale = 86400;
  else
    return -1;
  *epoch = rn_time_from_fields(y, mo, d, h, mi, s);
  return 0;
}

/* Seconds per unit of a duration ("seconds", "minutes", "hours"). */
static double duration_scale(const char *u)
{
  if (!u[0] || strncmp(u, "s", 1) == 0)
    return 1;
  if (strncmp(u, "min", 3) == 0)
    return 60;
  if (strncmp(u, "h", 1) == 0)
    return 3600;
  return 0;
}

/* Read a time variable (name) into t[n] as UTC seconds. */
static enum rn_status read_times(int ncid, const char *path, const char *name, size_t n,
                                 rn_time *t)
{
  char units[128];
  double sc, *v = NULL;
  rn_time epoch;
  int var;
  enum rn_status st = RN_OK;
  if (nc_inq_varid(ncid, name, &var) != NC_NOERR)
    return rn_error(RN_EFORMAT, "netcdf: %s: variable '%s' missing", path, name);
  get_text_att(ncid, var, "units", units, sizeof units);
  if (time_units(units, &sc, &epoch) != 0)
    return rn_error(RN_EFORMAT, "netcdf: %s: %s: units '%s' not understood", path, name, units);
  v = malloc(n * sizeof *v);
  if (!v)
    return rn_error(RN_ENOMEM, "netcdf: %s: out of memory", path);
  TRY(nc_get_var_double(ncid, var, v), name);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(v[i])) {
      st = rn_error(RN_EFORMAT, "netcdf: %s: %s[%zu] is not a number", path, name, i);
      goto fail;
    }
    t[i] = epoch + (rn_time)llround(v[i] * sc);
  }
fail:
  free(v);
  return st;
}

/* The reflectivity variable: "dbz", or any with that standard name. */
static int find_dbz(int ncid)
{
  int var, nvars;
  char sn[64];
  if (nc_inq_varid(ncid, "dbz", &var) == NC_NOERR)
    return var;
  if (nc_inq_nvars(ncid, &nvars) != NC_NOERR)
    return -1;
  for (var = 0; var < nvars; var++) {
    int nd;
    get_text_att(ncid, var, "standard_name", sn, sizeof sn);
    if (strcmp(sn, "equivalent_reflectivity_factor") == 0 &&
        nc_inq_varndims(ncid, var, &nd) == NC_NOERR && nd >= 3)
      return var;
  }
  return -1;
}

/* Unpacking of a variable: raw * scale + offset, raw == fill is nodata. */
struct unpack {
  double scale, offset, fill;
};

static void unpack_attrs(int ncid, int var, struct unpack *u)
{
  nc_type type = NC_SHORT;
  u->scale = 1;
  u->offset = 0;
  nc_inq_vartype(ncid, var, &type);
  switch (type) {
  case NC_BYTE: u->fill = NC_FILL_BYTE; break;
  case NC_UBYTE: u->fill = NC_FILL_UBYTE; break;
  case NC_SHORT: u->fill = NC_FILL_SHORT; break;
  case NC_USHORT: u->fill = NC_FILL_USHORT; break;
  case NC_INT: u->fill = NC_FILL_INT; break;
  case NC_DOUBLE: u->fill = NC_FILL_DOUBLE; break;
  default: u->fill = NC_FILL_FLOAT; break;
  }
  nc_get_att_double(ncid, var, "_FillValue", &u->fill);
  nc_get_att_double(ncid, var, "scale_factor", &u->scale);
  nc_get_att_double(ncid, var, "add_offset", &u->offset);
}

/* Read one (ny, nx) slice starting at start[] into out, unpacked, rows north first. */
static enum rn_status read_field(int ncid, int var, const char *path, const char *what, int nd,
                                 const size_t *start, const struct rn_grid *g, int yasc,
                                 const struct unpack *u, float lo, float *raw, float *out)
{
  size_t count[4] = {1, 1, 1, 1};
  size_t nx = (size_t)g->nx, ny = (size_t)g->ny;
  enum rn_status st = RN_OK;
  count[nd - 2] = ny;
  count[nd - 1] = nx;
  TRY(nc_get_vara_float(ncid, var, start, count, raw), what);
  for (size_t j = 0; j < ny; j++) {
    const float *src = raw + (yasc ? ny - 1 - j : j) * nx;
    float *dst = out + j * nx;
    for (size_t i = 0; i < nx; i++) {
      float v = src[i];
      if (isnan(v) || v == (float)u->fill)
        dst[i] = RN_NODATA;
      else {
        v = (float)(v * u->scale + u->offset);
        dst[i] = v < lo ? lo : v;
      }
    }
  }
fail:
  return st;
}

static enum rn_status dim_check(int ncid, const char *path, int var, const char *vname, int nd,
                                const char *const *want)
{
  int dimids[NC_MAX_VAR_DIMS];
  char name[NC_MAX_NAME + 1];
  if (nc_inq_vardimid(ncid, var, dimids) != NC_NOERR)
    return rn_error(RN_EFORMAT, "netcdf: %s: %s: cannot read dimensions", path, vname);
  for (int d = 0; d < nd; d++)
    if (nc_inq_dimname(ncid, dimids[d], name) != NC_NOERR || strcmp(name, want[d]) != 0)
      return rn_error(RN_EFORMAT, "netcdf: %s: %s: dimension %d is '%s', want '%s'", path, vname,
                      d, name, want[d]);
  return RN_OK;
}

static size_t dim_len(int ncid, const char *name)
{
  int dim;
  size_t len = 0;
  if (nc_inq_dimid(ncid, name, &dim) == NC_NOERR)
    nc_inq_dimlen(ncid, dim, &len);
  return len;
}

enum rn_status rn_forecast_read(struct rn_forecast *fc, const char *path)
{
  static const char *const dims4[] = {"realization", "time", "y", "x"};
  static const char *const dims3[] = {"time", "y", "x"};
  static const char *const pdims[] = {"time", "threshold", "y", "x"};
  int ncid = -1, dv, nd, yasc = 0, pv = -1, var;
  size_t nm = 1, nl, nk = 0, npix;
  struct rn_grid g = {0};
  struct unpack u;
  rn_time ref, *valid = NULL;
  float *raw = NULL;
  enum rn_status st = RN_OK;

  memset(fc, 0, sizeof *fc);
  TRY(nc_open(path, NC_NOWRITE, &ncid), "cannot open as NetCDF (truncated or not NetCDF?)");
  dv = find_dbz(ncid);
  if (dv < 0) {
    st = rn_error(RN_EFORMAT, "netcdf: %s: no reflectivity variable 'dbz' (not a forecast file)",
                  path);
    goto fail;
  }
  TRY(nc_inq_varndims(ncid, dv, &nd), "dbz");
  if (nd != 4 && nd != 3) {
    st = rn_error(RN_EFORMAT, "netcdf: %s: dbz has %d dimensions, want (realization, time, y, x)",
                  path, nd);
    goto fail;
  }
  st = dim_check(ncid, path, dv, "dbz", nd, nd == 4 ? dims4 : dims3);
  if (st)
    goto fail;
  if (nd == 4)
    nm = dim_len(ncid, "realization");
  nl = dim_len(ncid, "time");
  if (nm == 0 || nl == 0 || nm > 100000 || nl > 100000) {
    st = rn_error(RN_EFORMAT, "netcdf: %s: %zu members x %zu times: empty or not plausible", path,
                  nm, nl);
    goto fail;
  }
  st = rn_cf_grid_read(ncid, dv, path, &g, &yasc);
  if (st)
    goto fail;
  if (nc_inq_varid(ncid, PROB_VAR, &pv) == NC_NOERR) {
    nk = dim_len(ncid, "threshold");
    if (nk == 0 || nk > RN_MAX_THRESHOLDS) {
      st = rn_error(RN_EFORMAT, "netcdf: %s: %zu thresholds, want 1 to %d", path, nk,
                    RN_MAX_THRESHOLDS);
      goto fail;
    }
    st = dim_check(ncid, path, pv, PROB_VAR, 4, pdims);
    if (st)
      goto fail;
  } else {
    pv = -1;
  }
  st = rn_forecast_alloc(fc, &g, (int)nl, (int)nm, (int)nk);
  if (st)
    goto fail;
  get_text_att(ncid, NC_GLOBAL, "predictor", fc->predictor, sizeof fc->predictor);
  get_text_att(ncid, NC_GLOBAL, "comment", fc->comment, sizeof fc->comment);

  /* Valid times are the truth; forecast_period, when present, must agree. */
  valid = malloc(nl * sizeof *valid);
  if (!valid) {
    st = rn_error(RN_ENOMEM, "netcdf: %s: out of memory", path);
    goto fail;
  }
  st = read_times(ncid, path, "forecast_reference_time", 1, &ref);
  if (!st)
    st = read_times(ncid, path, "time", nl, valid);
  if (st)
    goto fail;
  fc->reference_time = ref;
  for (size_t l = 0; l < nl; l++) {
    rn_time lead = valid[l] - ref;
    if (lead < -864000 || lead > 864000) {
      st = rn_error(RN_EFORMAT, "netcdf: %s: time[%zu] is %lld s from forecast_reference_time",
                    path, l, (long long)lead);
      goto fail;
    }
    fc->lead_seconds[l] = (int)lead;
  }
  if (nc_inq_varid(ncid, "forecast_period", &var) == NC_NOERR) {
    char units[64];
    double sc, fp;
    get_text_att(ncid, var, "units", units, sizeof units);
    sc = duration_scale(units);
    if (sc == 0) {
      st = rn_error(RN_EFORMAT, "netcdf: %s: forecast_period: units '%s' not understood", path,
                    units);
      goto fail;
    }
    for (size_t l = 0; l < nl; l++) {
      TRY(nc_get_var1_double(ncid, var, &l, &fp), "forecast_period");
      if (fabs(fp * sc - fc->lead_seconds[l]) > 0.5) {
        st = rn_error(RN_EFORMAT,
                      "netcdf: %s: forecast_period[%zu] = %g s disagrees with time - "
                      "forecast_reference_time = %d s",
                      path, l, fp * sc, fc->lead_seconds[l]);
        goto fail;
      }
    }
  }
  if (pv >= 0) {
    TRY(nc_inq_varid(ncid, "threshold", &var), "variable threshold");
    TRY(nc_get_var_float(ncid, var, fc->thresholds), "threshold");
  }

  npix = (size_t)g.nx * (size_t)g.ny;
  raw = malloc(npix * sizeof *raw);
  if (!raw) {
    st = rn_error(RN_ENOMEM, "netcdf: %s: out of memory", path);
    goto fail;
  }
  unpack_attrs(ncid, dv, &u);
  for (size_t m = 0; m < nm; m++)
    for (size_t l = 0; l < nl; l++) {
      size_t start[4] = {0, 0, 0, 0};
      if (nd == 4) {
        start[0] = m;
        start[1] = l;
      } else {
        start[0] = l;
      }
      st = read_field(ncid, dv, path, "reading dbz", nd, start, &g, yasc, &u, RN_DBZ_NOECHO, raw,
                      rn_forecast_field(fc, (int)m, (int)l));
      if (st)
        goto fail;
    }
  if (pv >= 0) {
    unpack_attrs(ncid, pv, &u);
    for (size_t l = 0; l < nl; l++)
      for (size_t k = 0; k < nk; k++) {
        size_t start[4] = {l, k, 0, 0};
        st = read_field(ncid, pv, path, "reading probabilities", 4, start, &g, yasc, &u, 0.f, raw,
                        fc->prob + (l * nk + k) * npix);
        if (st)
          goto fail;
      }
  }
  free(raw);
  free(valid);
  rn_grid_free(&g);
  nc_close(ncid);
  return RN_OK;
fail:
  free(raw);
  free(valid);
  rn_grid_free(&g);
  if (ncid >= 0)
    nc_close(ncid);
  rn_forecast_free(fc);
  return st;
}
