/* cfradial.c - CfRadial 1.x reader (NetCDF classic or NetCDF-4).
 *
 * Rays of all sweeps are stored one after another along the time dimension;
 * sweep_start_ray_index/sweep_end_ray_index cut them into sweeps. range holds
 * the distances to gate centres, azimuth the ray centres. Fields are
 * (time, range) variables, packed with scale_factor/add_offset and
 * _FillValue. CfRadial has no "undetect": fill values are nodata.
 * Moments are named after ODIM where the standard_name says what they are
 * (equivalent_reflectivity_factor -> DBZH), else after the variable. */
#include <radnow/ingest.h>

#include <ctype.h>
#include <math.h>
#include <netcdf.h>
#include <netcdf_mem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define CF_MAX_BYTES ((size_t)2 << 30)
#define MAX_FIELDS 64

struct cf {
  const char *path;
  const struct rn_ingest_options *opt;
  int nc;
  size_t nrays, ngates;
  int dim_time, dim_range;
};

__attribute__((format(printf, 3, 4))) static enum rn_status
fail(enum rn_status st, const struct cf *c, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return rn_error(st, "cfradial: %s: %s", c->path, msg);
}

static int text_att(int nc, int var, const char *name, char *buf, size_t size)
{
  size_t len;
  nc_type t;
  buf[0] = '\0';
  if (nc_inq_att(nc, var, name, &t, &len) != NC_NOERR || t != NC_CHAR || len + 1 > size)
    return 0;
  if (nc_get_att_text(nc, var, name, buf) != NC_NOERR)
    return 0;
  buf[len] = '\0';
  return 1;
}

static int double_att(int nc, int var, const char *name, double *v)
{
  size_t len;
  nc_type t;
  if (nc_inq_att(nc, var, name, &t, &len) != NC_NOERR || len < 1 || t == NC_CHAR || t == NC_STRING)
    return 0;
  if (len == 1)
    return nc_get_att_double(nc, var, name, v) == NC_NOERR;
  double *tmp = malloc(len * sizeof *tmp);
  int ok = tmp && nc_get_att_double(nc, var, name, tmp) == NC_NOERR;
  if (ok)
    *v = tmp[0];
  free(tmp);
  return ok;
}

/* A char variable (string_length) as a C string. */
static int text_var(int nc, const char *name, char *buf, size_t size)
{
  int v, nd, dims[NC_MAX_VAR_DIMS];
  size_t len = 0;
  nc_type t;
  buf[0] = '\0';
  if (nc_inq_varid(nc, name, &v) || nc_inq_var(nc, v, NULL, &t, &nd, dims, NULL) || t != NC_CHAR ||
      nd != 1 || nc_inq_dimlen(nc, dims[0], &len) || len + 1 > size)
    return 0;
  if (nc_get_var_text(nc, v, buf))
    return 0;
  buf[len] = '\0';
  return 1;
}

static int lower_contains(const char *hay, const char *needle)
{
  char low[256];
  size_t i;
  for (i = 0; hay[i] && i < sizeof low - 1; i++)
    low[i] = (char)tolower((unsigned char)hay[i]);
  low[i] = '\0';
  return strstr(low, needle) != NULL;
}

static int cf_open(const char *path, int *nc)
{
  unsigned char head[8];
  size_t got = 0;
  enum rn_compression comp = RN_COMPRESSION_NONE;
  if (rn_read_head(path, head, sizeof head, &got, &comp))
    return -1;
  if (comp == RN_COMPRESSION_NONE)
    return nc_open(path, NC_NOWRITE, nc) == NC_NOERR ? 0 : -1;
  /* Compressed: decompress into memory; without NC_MEMIO_LOCKED netCDF takes
   * the buffer over and frees it in nc_close. */
  unsigned char *data;
  size_t size;
  if (rn_read_whole_file(path, CF_MAX_BYTES, &data, &size, NULL))
    return -1;
  NC_memio mem = {size, data, 0};
  if (nc_open_memio(path, NC_NOWRITE, &mem, nc) != NC_NOERR) {
    free(data);
    return -1;
  }
  return 0;
}

static int cf_probe(const char *path, const unsigned char *head, size_t n)
{
  static const unsigned char hdf5[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  char conv[256];
  int nc, v, yes;
  if (n < 8 || !((memcmp(head, "CDF", 3) == 0 && (head[3] == 1 || head[3] == 2 || head[3] == 5)) ||
                 memcmp(head, hdf5, 8) == 0))
    return 0;
  if (cf_open(path, &nc))
    return 0;
  text_att(nc, NC_GLOBAL, "Conventions", conv, sizeof conv);
  yes = lower_contains(conv, "radial") || nc_inq_varid(nc, "sweep_start_ray_index", &v) == NC_NOERR;
  nc_close(nc);
  rn_error_clear();
  return yes;
}

/* Read a 1-D variable over the time dimension (or a scalar) as doubles. */
static enum rn_status read_1d(const struct cf *c, const char *name, size_t n, double **out)
{
  int v;
  *out = NULL;
  if (nc_inq_varid(c->nc, name, &v) != NC_NOERR)
    return fail(RN_EFORMAT, c, "'%s' variable missing", name);
  *out = rn_malloc((unsigned long long)(n ? n : 1) * sizeof **out, name);
  if (!*out)
    return RN_ENOMEM;
  if (n && nc_get_var_double(c->nc, v, *out) != NC_NOERR) {
    free(*out);
    *out = NULL;
    return fail(RN_EFORMAT, c, "'%s' cannot be read (file truncated?)", name);
  }
  return RN_OK;
}

static int site_value(const struct cf *c, const char *name, double *v)
{
  int id, nd;
  if (nc_inq_varid(c->nc, name, &id) || nc_inq_varndims(c->nc, id, &nd))
    return 0;
  size_t start[1] = {0}, count[1] = {1};
  return (nd == 0 ? nc_get_var_double(c->nc, id, v)
                  : nc_get_vara_double(c->nc, id, start, count, v)) == NC_NOERR;
}

struct field {
  int var;
  char name[NC_MAX_NAME + 1];
  char quantity[RN_QUANTITY_LEN];
  double scale, offset, fill, missing;
  int has_fill, has_missing;
};

static const char *odim_name(const char *std)
{
  static const char *const map[][2] = {
      {"equivalent_reflectivity_factor", "DBZH"},
      {"radial_velocity_of_scatterers_away_from_instrument", "VRADH"},
      {"doppler_spectrum_width", "WRADH"},
      {"log_differential_reflectivity_hv", "ZDR"},
      {"cross_correlation_ratio_hv", "RHOHV"},
      {"differential_phase_hv", "PHIDP"},
      {"specific_differential_phase_hv", "KDP"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(std, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

/* Every (time, range) variable that is a field. */
static int list_fields(const struct cf *c, struct field *f, int max)
{
  int nvars, n = 0;
  nc_inq_nvars(c->nc, &nvars);
  for (int v = 0; v < nvars && n < max; v++) {
    int nd, dims[NC_MAX_VAR_DIMS];
    nc_type t;
    char std[256];
    if (nc_inq_var(c->nc, v, f[n].name, &t, &nd, dims, NULL) || nd != 2 || dims[0] != c->dim_time ||
        dims[1] != c->dim_range || t == NC_CHAR || t == NC_STRING)
      continue;
    f[n].var = v;
    f[n].scale = 1;
    f[n].offset = 0;
    double_att(c->nc, v, "scale_factor", &f[n].scale);
    double_att(c->nc, v, "add_offset", &f[n].offset);
    f[n].has_fill = double_att(c->nc, v, "_FillValue", &f[n].fill);
    f[n].has_missing = double_att(c->nc, v, "missing_value", &f[n].missing);
    if (!f[n].has_fill) {
      /* netCDF's default fill value of the type marks unwritten values. */
      f[n].has_fill = 1;
      f[n].fill = t == NC_FLOAT    ? NC_FILL_FLOAT
                  : t == NC_DOUBLE ? NC_FILL_DOUBLE
                  : t == NC_SHORT  ? NC_FILL_SHORT
                  : t == NC_INT    ? NC_FILL_INT
                  : t == NC_BYTE   ? NC_FILL_BYTE
                  : t == NC_UBYTE  ? NC_FILL_UBYTE
                  : t == NC_USHORT ? NC_FILL_USHORT
                                   : NC_FILL_DOUBLE;
    }
    const char *q = text_att(c->nc, v, "standard_name", std, sizeof std) ? odim_name(std) : NULL;
    int taken = 0;
    for (int k = 0; k < n && q; k++)
      taken |= strcmp(f[k].quantity, q) == 0;
    snprintf(f[n].quantity, sizeof f[n].quantity, "%.31s", q && !taken ? q : f[n].name);
    n++;
  }
  return n;
}

/* The reflectivity field to read when none is asked for. */
static int default_field(const struct field *f, int n)
{
  static const char *const names[] = {
      "DBZH", "DBZ", "reflectivity", "reflectivity_horizontal", "corrected_reflectivity",
      "TH",   NULL};
  for (int p = 0; names[p]; p++)
    for (int i = 0; i < n; i++)
      if (strcmp(f[i].name, names[p]) == 0 || strcmp(f[i].quantity, names[p]) == 0)
        return i;
  return -1;
}

static int ends_with_km(const char *units)
{
  return strcmp(units, "km") == 0 || strcmp(units, "kilometers") == 0;
}

static enum rn_status cf_read(const char *path, const struct rn_ingest_options *opt,
                              struct rn_radar_data *out)
{
  struct cf c = {path, opt, -1, 0, 0, -1, -1};
  struct rn_volume *vol = &out->vol;
  struct field fields[MAX_FIELDS];
  double *range = NULL, *az = NULL, *start = NULL, *end = NULL, *fixed = NULL, *elev = NULL;
  float *buf = NULL;
  size_t nsweeps = 0;
  int nfields, chosen = -1, dim_sweep = -1, v;
  enum rn_status st = RN_OK;
  char text[256], units[64];

  if (cf_open(path, &c.nc))
    return rn_error(RN_EFORMAT, "cfradial: %s: netCDF cannot open the file (truncated or corrupt)",
                    path);
  snprintf(out->format, sizeof out->format, "CfRadial");
  text_att(c.nc, NC_GLOBAL, "version", out->version, sizeof out->version);
  if (nc_inq_dimid(c.nc, "time", &c.dim_time) || nc_inq_dimlen(c.nc, c.dim_time, &c.nrays)) {
    st = fail(RN_EFORMAT, &c, "'%s' dimension missing", "time");
    goto out;
  }
  if (nc_inq_varid(c.nc, "range", &v) != NC_NOERR || nc_inq_dimid(c.nc, "range", &c.dim_range) ||
      nc_inq_dimlen(c.nc, c.dim_range, &c.ngates)) {
    st = fail(RN_EFORMAT, &c, "'range' variable missing: gate distances unknown");
    goto out;
  }
  if (nc_inq_dimid(c.nc, "n_points", &(int){0}) == NC_NOERR) {
    st = fail(RN_EUNSUPPORTED, &c, "ragged rays (n_points, ray_n_gates) are not supported");
    goto out;
  }
  if (nc_inq_dimid(c.nc, "sweep", &dim_sweep) || nc_inq_dimlen(c.nc, dim_sweep, &nsweeps) ||
      nsweeps == 0) {
    st = fail(RN_EFORMAT, &c, "no sweeps ('sweep' dimension missing or empty)");
    goto out;
  }
  if (c.ngates == 0) {
    st = fail(RN_EFORMAT, &c, "zero gates");
    goto out;
  }
  if ((st = read_1d(&c, "range", c.ngates, &range)) ||
      (st = read_1d(&c, "sweep_start_ray_index", nsweeps, &start)) ||
      (st = read_1d(&c, "sweep_end_ray_index", nsweeps, &end)))
    goto out;
  if (c.nrays == 0) {
    st = fail(RN_EFORMAT, &c, "zero rays");
    goto out;
  }
  if ((st = read_1d(&c, "azimuth", c.nrays, &az)) ||
      (st = read_1d(&c, "elevation", c.nrays, &elev)))
    goto out;
  if (read_1d(&c, "fixed_angle", nsweeps, &fixed)) {
    free(fixed);
    fixed = NULL;
    rn_error_clear();
  }
  text_att(c.nc, v, "units", units, sizeof units);
  double km = ends_with_km(units) ? 1000.0 : 1.0;

  /* Site and time. */
  vol->height = 0;
  if (!site_value(&c, "latitude", &vol->lat) || !site_value(&c, "longitude", &vol->lon)) {
    if (!opt->site || sscanf(opt->site, "%lf,%lf,%lf", &vol->lat, &vol->lon, &vol->height) < 2) {
      st = fail(RN_EFORMAT, &c, "'latitude'/'longitude' missing (give the site)");
      goto out;
    }
  }
  site_value(&c, "altitude", &vol->height);
  if (!(text_var(c.nc, "time_coverage_start", text, sizeof text) &&
        !rn_time_parse(text, &vol->time)) &&
      !(text_att(c.nc, NC_GLOBAL, "time_coverage_start", text, sizeof text) &&
        !rn_time_parse(text, &vol->time))) {
    /* time units "seconds since YYYY-mm-ddTHH:MM:SSZ" + time[0] */
    int tv;
    double t0 = 0;
    char tu[128];
    if (nc_inq_varid(c.nc, "time", &tv) || !text_att(c.nc, tv, "units", tu, sizeof tu) ||
        strncmp(tu, "seconds since ", 14) || rn_time_parse(tu + 14, &vol->time)) {
      st = fail(RN_EFORMAT, &c, "no time (time_coverage_start or time units)");
      goto out;
    }
    size_t s0 = 0, one = 1;
    nc_get_vara_double(c.nc, tv, &s0, &one, &t0);
    vol->time += (rn_time)floor(t0);
  }
  rn_error_clear();
  snprintf(vol->format, sizeof vol->format, "CfRadial-%s", out->version[0] ? out->version : "1");
  snprintf(vol->object, sizeof vol->object, "PVOL");
  snprintf(out->object, sizeof out->object, "PVOL");
  if (!text_att(c.nc, NC_GLOBAL, "instrument_name", vol->source, sizeof vol->source) ||
      !vol->source[0])
    text_att(c.nc, NC_GLOBAL, "source", vol->source, sizeof vol->source);

  /* Fields. */
  nfields = list_fields(&c, fields, MAX_FIELDS);
  if (opt->quantity) {
    for (int i = 0; i < nfields && chosen < 0; i++)
      if (strcmp(fields[i].name, opt->quantity) == 0 ||
          strcmp(fields[i].quantity, opt->quantity) == 0)
        chosen = i;
  } else {
    chosen = default_field(fields, nfields);
  }
  if (chosen < 0 && (opt->quantity || !opt->all_quantities || nfields == 0)) {
    char list[512] = "";
    for (int i = 0; i < nfields; i++) {
      size_t l = strlen(list);
      snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", fields[i].name);
    }
    if (opt->quantity)
      st = fail(RN_ENOTFOUND, &c, "quantity '%s' not in the file (it has %s)", opt->quantity,
                nfields ? list : "no fields");
    else
      st = fail(RN_ENOTFOUND, &c, "no reflectivity field (it has %s; choose one with --quantity)",
                nfields ? list : "no fields");
    goto out;
  }

  if ((st = rn_volume_alloc_sweeps(vol, (int)nsweeps)))
    goto out;
  vol->nsweeps = 0;
  int truncated = 0;
  for (size_t s = 0; s < nsweeps; s++) {
    long a = (long)start[s], b = (long)end[s];
    if (b >= (long)c.nrays) { /* the file ends before the sweep does */
      b = (long)c.nrays - 1;
      truncated++;
    }
    if (a < 0 || b < a) {
      st = fail(RN_EFORMAT, &c, "sweep %zu: zero rays (rays %ld to %ld)", s, (long)start[s],
                (long)end[s]);
      goto out;
    }
    struct rn_sweep *sw = &vol->sweeps[vol->nsweeps];
    int nr = (int)(b - a + 1);
    if ((st = rn_sweep_alloc(sw, nr, (int)c.ngates)))
      goto out;
    vol->nsweeps++;
    double el = 0;
    for (int r = 0; r < nr; r++) {
      double x = fmod(az[a + r], 360.0);
      sw->azimuth[r] = x < 0 ? x + 360.0 : x;
      el += elev[a + r];
    }
    sw->elevation = fixed && isfinite(fixed[s]) && fabs(fixed[s]) < 1e3 ? fixed[s] : el / nr;
    sw->first_gate = range[0] * km;
    sw->gate_spacing =
        c.ngates > 1 ? (range[c.ngates - 1] - range[0]) * km / (double)(c.ngates - 1) : 0;
    sw->start_time = sw->end_time = vol->time;
    free(buf);
    buf = rn_malloc((unsigned long long)nr * c.ngates * sizeof *buf, "field");
    if (!buf) {
      st = RN_ENOMEM;
      goto out;
    }
    for (int i = 0; i < nfields; i++) {
      const struct field *f = &fields[i];
      struct rn_moment *m;
      size_t s0[2] = {(size_t)a, 0}, cnt[2] = {(size_t)nr, c.ngates};
      if (!opt->all_quantities && i != chosen)
        continue;
      if (nc_get_vara_float(c.nc, f->var, s0, cnt, buf) != NC_NOERR) {
        st = fail(RN_EFORMAT, &c, "%s: sweep %zu cannot be read (file truncated?)", f->name, s);
        goto out;
      }
      if ((st = rn_sweep_add_moment(sw, f->quantity, &m)))
        goto out;
      float fill = (float)f->fill, missing = (float)f->missing;
      for (size_t k = 0; k < (size_t)nr * c.ngates; k++) {
        float x = buf[k];
        if (x != x || (f->has_fill && x == fill) || (f->has_missing && x == missing))
          m->data[k] = RN_NODATA;
        else
          m->data[k] = (float)(x * f->scale + f->offset);
      }
    }
  }
  if (truncated) {
    char note[160];
    snprintf(note, sizeof note, "%d sweep(s) end past the last ray (file has %zu rays): truncated",
             truncated, c.nrays);
    snprintf(out->notes, sizeof out->notes, "%s", note);
  }
  rn_volume_sort_sweeps(vol);
  out->kind = RN_DATA_VOLUME;
out:
  free(buf);
  free(range);
  free(az);
  free(elev);
  free(start);
  free(end);
  free(fixed);
  nc_close(c.nc);
  return st;
}

const struct rn_reader rn_reader_cfradial = {"cfradial", cf_probe, cf_read};
