/* gridding.c - radar files to one gridded frame: options, target grid, and
 * the read -> grid -> composite path (see gridding.h). */
#include <radnow/gridding.h>

#include <radnow/log.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rn_gridding_options_init(struct rn_gridding_options *o)
{
  memset(o, 0, sizeof *o);
  o->res = 1000;
  o->nx = o->ny = 500;
  rn_p2g_options_init(&o->p2g);
  o->composite = RN_COMPOSITE_MAX;
  o->resample = RN_RESAMPLE_NEAREST;
}

static int parse_numbers(const char *s, double *out, int n)
{
  const char *p = s;
  for (int i = 0; i < n; i++) {
    char *end;
    errno = 0;
    out[i] = strtod(p, &end);
    if (end == p || errno || !isfinite(out[i]))
      return -1;
    while (*end == ' ')
      end++;
    if (i + 1 < n) {
      if (*end != ',')
        return -1;
      end++;
    }
    p = end;
  }
  return *p == '\0' ? 0 : -1;
}

static int copy(char *dst, size_t size, const char *src)
{
  if (strlen(src) >= size)
    return -1;
  memcpy(dst, src, strlen(src) + 1);
  return 0;
}

/* Apply one option; NULL on success, else why the value is wrong. Errors of
 * the parsers of other modules are returned through rn_errmsg ("" here). */
static const char *set_option(struct rn_gridding_options *o, const char *key, const char *value)
{
  char k[64];
  double d[4];
  size_t i;
  for (i = 0; key[i] && i + 1 < sizeof k; i++)
    k[i] = key[i] == '-' ? '_' : key[i];
  k[i] = '\0';

  /* An empty value means the default, for the options whose default is "none". */
  if (!*value) {
    if (strcmp(k, "crs") == 0)
      o->crs[0] = '\0';
    else if (strcmp(k, "center") == 0 || strcmp(k, "centre") == 0)
      o->have_center = 0;
    else if (strcmp(k, "extent") == 0)
      o->have_extent = 0;
    else if (strcmp(k, "quantity") == 0)
      o->quantity[0] = '\0';
    else if (strcmp(k, "encoding") == 0)
      o->encoding[0] = '\0';
    else if (strcmp(k, "lut_cache") == 0)
      o->lut_cache[0] = '\0';
    else
      return "empty value";
    return NULL;
  }

  if (strcmp(k, "crs") == 0) {
    if (copy(o->crs, sizeof o->crs, value))
      return "too long";
  } else if (strcmp(k, "res") == 0) {
    if (parse_numbers(value, d, 1) || !(d[0] > 0))
      return "not a positive number";
    o->res = d[0];
    o->grid_set = 1;
  } else if (strcmp(k, "size") == 0) {
    int nx, ny, used = 0;
    char x;
    if (sscanf(value, "%d%c%d%n", &nx, &x, &ny, &used) == 3 && (x == 'x' || x == 'X') &&
        value[used] == '\0') {
    } else if (sscanf(value, "%d%n", &nx, &used) == 1 && value[used] == '\0') {
      ny = nx;
    } else {
      return "want NXxNY, e.g. 500x500";
    }
    if (nx <= 0 || ny <= 0 || nx > 20000 || ny > 20000)
      return "sizes must be between 1 and 20000";
    o->nx = nx;
    o->ny = ny;
    o->grid_set = 1;
  } else if (strcmp(k, "center") == 0 || strcmp(k, "centre") == 0) {
    if (parse_numbers(value, d, 2) || fabs(d[0]) > 90 || fabs(d[1]) > 360)
      return "want LAT,LON in degrees";
    o->center_lat = d[0];
    o->center_lon = d[1];
    o->have_center = 1;
  } else if (strcmp(k, "extent") == 0) {
    if (parse_numbers(value, o->extent, 4) || !(o->extent[2] > o->extent[0]) ||
        !(o->extent[3] > o->extent[1]))
      return "want XMIN,YMIN,XMAX,YMAX with XMAX > XMIN and YMAX > YMIN";
    o->have_extent = 1;
  } else if (strcmp(k, "product") == 0) {
    if (rn_p2g_product_parse(value, &o->p2g))
      return "want pcappi, cmax or cappi:HEIGHT_M";
  } else if (strcmp(k, "quantity") == 0) {
    if (copy(o->quantity, sizeof o->quantity, value))
      return "too long";
  } else if (strcmp(k, "encoding") == 0) {
    if (copy(o->encoding, sizeof o->encoding, value))
      return "too long";
  } else if (strcmp(k, "method") == 0) {
    if (rn_p2g_method_parse(value, &o->p2g.method))
      return "want nearest or bilinear";
  } else if (strcmp(k, "max_range") == 0) {
    if (parse_numbers(value, d, 1) || d[0] < 0)
      return "want a ground range in metres (0: no limit)";
    o->p2g.max_range = d[0];
  } else if (strcmp(k, "composite") == 0) {
    if (rn_composite_parse(value, &o->composite))
      return "want max or nearest";
  } else if (strcmp(k, "resample") == 0) {
    if (rn_resample_parse(value, &o->resample))
      return "want nearest, bilinear or average";
  } else if (strcmp(k, "lut_cache") == 0) {
    if (copy(o->lut_cache, sizeof o->lut_cache, value))
      return "too long";
  } else if (strcmp(k, "beam_k") == 0) {
    if (parse_numbers(value, d, 1) || !(d[0] > 0 && d[0] < 100))
      return "not a positive number";
    o->p2g.beam_k = d[0];
  } else if (strcmp(k, "earth_radius") == 0) {
    if (parse_numbers(value, d, 1) || !(d[0] > 1e6 && d[0] < 1e8))
      return "want metres (e.g. 6371000)";
    o->p2g.earth_radius = d[0];
  } else if (strcmp(k, "beamwidth") == 0) {
    if (parse_numbers(value, d, 1) || !(d[0] > 0 && d[0] < 20))
      return "want degrees (e.g. 1)";
    o->p2g.beamwidth = d[0];
  } else {
    return "unknown option";
  }
  return NULL;
}

enum rn_status rn_gridding_set(struct rn_gridding_options *o, const char *key, const char *value)
{
  const char *why = set_option(o, key, value);
  return why ? rn_error(RN_EUSAGE, "grid: %s = '%s': %s", key, value, why) : RN_OK;
}

enum rn_status rn_gridding_options_load(struct rn_gridding_options *o,
                                        const struct rn_config *cfg)
{
  const char *key, *path = rn_config_path(cfg);
  for (int i = 0; (key = rn_config_key_at(cfg, "grid", i)) != NULL; i++) {
    const char *value = rn_config_get(cfg, "grid", key), *why = set_option(o, key, value);
    if (why)
      return rn_error(RN_EUSAGE, "config: %s%s[grid] %s = '%s': %s", path, *path ? ": " : "",
                      key, value, why);
  }
  return RN_OK;
}

/* Longitude and latitude of the centre of a grid. */
static enum rn_status grid_centre(const struct rn_grid *g, double *lat, double *lon)
{
  struct rn_grid one = *g;
  one.nx = one.ny = 1;
  one.xmin = g->xmin + 0.5 * g->nx * g->dx - 0.5 * g->dx;
  one.ymax = g->ymax - 0.5 * g->ny * g->dy + 0.5 * g->dy;
  return rn_grid_lonlat(&one, lon, lat);
}

enum rn_status rn_gridding_make_grid(const struct rn_gridding_options *o,
                                     const struct rn_radar_data *in, int n, struct rn_grid *g)
{
  double lat = 0, lon = 0;
  int nvol = 0;
  char aeqd[256];
  const char *crs = o->crs[0] ? o->crs : NULL;
  enum rn_status st;

  memset(g, 0, sizeof *g);
  for (int i = 0; i < n; i++)
    if (in[i].kind == RN_DATA_VOLUME) {
      lat += in[i].vol.lat;
      lon += in[i].vol.lon;
      nvol++;
    }
  if (!crs && !o->have_center && !o->have_extent && n > 0 && nvol == 0 &&
      in[0].kind == RN_DATA_GRID) {
    if (o->grid_set)
      rn_log_warn("grid: res and size are not used: the grid is the input's own (give crs, "
                  "center or extent for another)");
    return rn_grid_copy(g, &in[0].frame.grid);
  }
  if (o->have_center) {
    lat = o->center_lat;
    lon = o->center_lon;
  } else if (nvol > 0) {
    lat /= nvol;
    lon /= nvol;
  } else if (n > 0 && in[0].kind == RN_DATA_GRID) {
    st = grid_centre(&in[0].frame.grid, &lat, &lon);
    if (st)
      return st;
  } else if (!(o->have_extent && crs)) {
    return rn_error(RN_EUSAGE, "grid: no radar site to centre the grid on: give center or extent");
  }
  if (o->have_extent) {
    if (!crs) {
      rn_grid_aeqd(lat, lon, aeqd, sizeof aeqd);
      crs = aeqd;
    }
    return rn_grid_from_extent(g, crs, o->extent, o->res);
  }
  return rn_grid_centered(g, crs, lat, lon, o->nx, o->ny, o->res);
}

enum rn_status rn_gridding_run_data(const struct rn_gridding_options *o,
                                    const struct rn_radar_data *in, int n,
                                    struct rn_lut_cache *cache, struct rn_frame *out)
{
  struct rn_grid grid;
  struct rn_composite c;
  float *range = NULL;
  rn_time tmin = 0, tmax = 0;
  enum rn_status st;
  double t0 = rn_clock();

  memset(out, 0, sizeof *out);
  if (n <= 0)
    return rn_error(RN_EUSAGE, "grid: no input");
  st = rn_gridding_make_grid(o, in, n, &grid);
  if (st)
    return st;
  st = rn_composite_begin(&c, &grid, o->composite);
  if (st) {
    rn_grid_free(&grid);
    return st;
  }
  if (o->composite == RN_COMPOSITE_NEAREST) {
    range = rn_malloc((size_t)grid.nx * (size_t)grid.ny * sizeof *range, "grid");
    if (!range) {
      st = RN_ENOMEM;
      goto out;
    }
  }
  for (int i = 0; i < n && !st; i++) {
    struct rn_frame f;
    rn_time t = 0;
    if (in[i].kind == RN_DATA_VOLUME &&
        (st = rn_volume_require_ppi(&in[i].vol, in[i].vol.source[0] ? in[i].vol.source : "grid")))
      break; /* RHI and sector scans do not cover the map */
    if (in[i].kind == RN_DATA_VOLUME) {
      st = rn_polar2grid(&in[i].vol, o->quantity[0] ? o->quantity : NULL, &grid, &o->p2g, cache,
                         &f, range);
      t = in[i].vol.time;
    } else if (in[i].kind == RN_DATA_GRID) {
      st = rn_frame_resample(&in[i].frame, &grid, o->resample, &f);
      t = in[i].frame.time;
    } else {
      st = rn_error(RN_EINTERNAL, "grid: input %d holds no data", i + 1);
    }
    if (st)
      break;
    if (i == 0 || t < tmin)
      tmin = t;
    if (i == 0 || t > tmax)
      tmax = t;
    st = rn_composite_add(&c, &f, in[i].kind == RN_DATA_VOLUME ? range : NULL);
    rn_frame_free(&f);
  }
  if (!st && tmax - tmin > 600) {
    char a[32], b[32];
    rn_log_warn("grid: inputs span %s to %s; the frame takes the latest time",
                rn_time_iso(tmin, a), rn_time_iso(tmax, b));
  }
out:
  free(range);
  rn_grid_free(&grid);
  if (st) {
    rn_composite_free(&c);
    return st;
  }
  rn_composite_end(&c, out);
  rn_log_info("grid: %d input(s) onto %d x %d pixels (%s) in %.1f ms", n, out->grid.nx,
              out->grid.ny, out->product, (rn_clock() - t0) * 1e3);
  return RN_OK;
}

enum rn_status rn_gridding_run(const struct rn_gridding_options *o,
                               const struct rn_ingest_options *ingest, const char *const *files,
                               int n, struct rn_lut_cache *cache, struct rn_frame *out)
{
  struct rn_ingest_options io;
  struct rn_radar_data *in;
  enum rn_status st = RN_OK;
  int nread = 0;

  memset(out, 0, sizeof *out);
  if (n <= 0)
    return rn_error(RN_EUSAGE, "grid: no input file");
  in = rn_calloc((size_t)n, sizeof *in, "grid inputs");
  if (!in)
    return RN_ENOMEM;
  if (ingest)
    io = *ingest;
  else
    rn_ingest_options_init(&io);
  io.quantity = o->quantity[0] ? o->quantity : NULL;
  io.encoding = o->encoding[0] ? o->encoding : NULL;
  for (; nread < n && !st; nread++) {
    st = rn_ingest_read(files[nread], &io, &in[nread]);
    if (!st && in[nread].kind == RN_DATA_VOLUME)
      st = rn_volume_require_ppi(&in[nread].vol, files[nread]);
  }
  if (!st)
    st = rn_gridding_run_data(o, in, n, cache, out);
  for (int i = 0; i < nread; i++)
    rn_radar_data_free(&in[i]);
  free(in);
  return st;
}
