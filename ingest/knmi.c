/* knmi.c - KNMI's own HDF5 radar composites (not ODIM): the 5-minute rain
 * accumulations RAD_NL25_RAP_5min_*.h5.
 *
 * /image1/image_data is uint16 with a calibration formula "GEO=0.01*PV+0.0"
 * (mm), calibration_missing_data marks nodata; /geographic holds the grid
 * (pixel sizes in km, row/column offsets of the upper-left corner) and
 * /geographic/map_projection a PROJ string whose +a/+b are in km;
 * /overview gives the accumulation period. Accumulations become dBZ through
 * Z = a R^b with R = acc * 60 / minutes. */
#include <radnow/ingest.h>
#include <radnow/zr.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "reader.h"

static int knmi_probe(const char *path, const unsigned char *head, size_t n)
{
  hid_t fid;
  int yes;
  if (!rn_h5_signature(head, n) || rn_h5_open(path, &fid))
    return 0;
  yes = rn_h5_exists(fid, "overview") && rn_h5_exists(fid, "image1") &&
        rn_h5_exists(fid, "geographic");
  H5Fclose(fid);
  rn_error_clear();
  return yes;
}

/* "26-AUG-2010;00:00:00.000" */
static int knmi_time(const char *s, rn_time *t)
{
  static const char *const mon[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  int d, y, h, mi, sec;
  char m[4];
  if (sscanf(s, "%2d-%3c-%4d;%2d:%2d:%2d", &d, m, &y, &h, &mi, &sec) != 6)
    return -1;
  m[3] = '\0';
  for (int i = 0; i < 12; i++)
    if (strcmp(m, mon[i]) == 0) {
      *t = rn_time_from_fields(y, i + 1, d, h, mi, sec);
      return 0;
    }
  return -1;
}

/* The PROJ string with +a/+b in metres (KNMI writes kilometres). */
static void proj_in_metres(const char *in, char *out, size_t size)
{
  size_t o = 0;
  out[0] = '\0';
  for (const char *p = in; *p && o + 64 < size;) {
    if ((!strncmp(p, "+a=", 3) || !strncmp(p, "+b=", 3)) && (p == in || p[-1] == ' ')) {
      char *end;
      double v = strtod(p + 3, &end);
      o += (size_t)snprintf(out + o, size - o, "%.3s%.3f", p, v < 1e5 ? v * 1000.0 : v);
      p = end;
    } else {
      out[o++] = *p++;
      out[o] = '\0';
    }
  }
  if (!strstr(out, "+units="))
    snprintf(out + o, size - o, " +units=m");
}

static enum rn_status knmi_read(const char *path, const struct rn_ingest_options *opt,
                                struct rn_radar_data *out)
{
  hid_t fid, ov = -1, geo = -1, proj = -1, img = -1, cal = -1, d = -1;
  char s0[64], s1[64], formula[128], projdef[512], metres[640], param[128];
  double psx = 0, psy = 0, roff = 0, coff = 0, missing = 65535, gain = 0, offset = 0;
  struct rn_h5_block b = {0};
  struct rn_grid grid = {0};
  rn_time t0, t1;
  enum rn_status st = RN_OK;

  if ((st = rn_h5_open(path, &fid)))
    return rn_error_prefix(st, "knmi");
  ov = rn_h5_group(fid, "overview");
  geo = rn_h5_group(fid, "geographic");
  proj = rn_h5_group(geo, "map_projection");
  img = rn_h5_group(fid, "image1");
  cal = rn_h5_group(img, "calibration");
  snprintf(out->format, sizeof out->format, "KNMI-HDF5");
  snprintf(out->object, sizeof out->object, "COMP");
  rn_h5_attr_string(ov, "hdftag_version_number", out->version, sizeof out->version);
  if (rn_h5_attr_string(ov, "product_datetime_start", s0, sizeof s0) != 1 ||
      rn_h5_attr_string(ov, "product_datetime_end", s1, sizeof s1) != 1 || knmi_time(s0, &t0) ||
      knmi_time(s1, &t1)) {
    st = rn_error(RN_EFORMAT,
                  "knmi: %s: /overview: product_datetime_start/end missing or not "
                  "DD-MON-YYYY;HH:MM:SS",
                  path);
    goto out;
  }
  if (rn_h5_attr_string(proj, "projection_proj4_params", projdef, sizeof projdef) != 1 ||
      rn_h5_attr_double(geo, "geo_pixel_size_x", &psx) != 1 ||
      rn_h5_attr_double(geo, "geo_pixel_size_y", &psy) != 1 ||
      rn_h5_attr_double(geo, "geo_row_offset", &roff) != 1 ||
      rn_h5_attr_double(geo, "geo_column_offset", &coff) != 1 || psx == 0 || psy == 0) {
    st = rn_error(RN_EFORMAT, "knmi: %s: /geographic: projection or pixel geometry missing", path);
    goto out;
  }
  if (rn_h5_attr_string(cal, "calibration_formulas", formula, sizeof formula) != 1 ||
      sscanf(formula, "GEO=%lf*PV+%lf", &gain, &offset) != 2 || gain == 0) {
    st = rn_error(RN_EFORMAT, "knmi: %s: /image1/calibration: formula '%s' is not GEO=A*PV+B", path,
                  formula);
    goto out;
  }
  rn_h5_attr_double(cal, "calibration_missing_data", &missing);
  rn_h5_attr_string(img, "image_geo_parameter", param, sizeof param);
  if (!strstr(param, "PRECIPITATION") || !strstr(param, "MM")) {
    st = rn_error(RN_EUNSUPPORTED, "knmi: %s: /image1: '%s' is not a rain accumulation in mm", path,
                  param);
    goto out;
  }
  d = rn_h5_exists(img, "image_data") ? H5Dopen2(img, "image_data", H5P_DEFAULT) : -1;
  if (d < 0) {
    st = rn_error(RN_EFORMAT, "knmi: %s: /image1/image_data missing", path);
    goto out;
  }
  if ((st = rn_h5_fetch_2d(d, path, "/image1/image_data", &b)) || rn_h5_decode_2d(&b) != 0 ||
      b.rows == 0 || b.cols == 0) {
    if (!st)
      st = rn_error(RN_EFORMAT, "knmi: %s: /image1/image_data: empty or corrupt", path);
    else
      rn_error_prefix(st, "knmi");
    goto out;
  }
  /* Pixel (col, row) has its upper-left corner at ((col + coff) psx, (row + roff) psy) km;
   * rows run south (psy < 0). */
  if (!(psx > 0) || !(psy < 0)) {
    st = rn_error(RN_EUNSUPPORTED, "knmi: %s: /geographic: pixel sizes %g, %g (want x > 0, y < 0)",
                  path, psx, psy);
    goto out;
  }
  proj_in_metres(projdef, metres, sizeof metres);
  if ((st = rn_grid_init(&grid, metres, (int)b.cols, (int)b.rows, coff * psx * 1000.0,
                         roff * psy * 1000.0, psx * 1000.0, -psy * 1000.0))) {
    rn_error_prefix(st, "knmi: %s: /geographic", path);
    goto out;
  }
  if ((st = rn_frame_alloc(&out->frame, &grid)))
    goto out;
  double minutes = (double)(t1 - t0) / 60.0;
  if (!(minutes > 0))
    minutes = opt->acc_minutes;
  if (!(minutes > 0)) {
    st = rn_error(RN_EFORMAT, "knmi: %s: accumulation period unknown", path);
    goto out;
  }
  struct rn_zr zr = rn_zr_make(opt->zr_a, opt->zr_b);
  for (size_t i = 0; i < b.rows * b.cols; i++) {
    double pv = rn_h5_num_get(b.type, b.values, i);
    out->frame.dbz[i] = pv == missing ? NAN : rn_zr_acc_to_dbz(zr, gain * pv + offset, minutes);
  }
  out->kind = RN_DATA_GRID;
  out->frame.time = t1;
  snprintf(out->frame.quantity, sizeof out->frame.quantity, "ACRR");
  snprintf(out->frame.product, sizeof out->frame.product, "composite");
  {
    char prod[64] = "";
    rn_h5_attr_string(ov, "product_group_name", prod, sizeof prod);
    snprintf(out->frame.source, sizeof out->frame.source, "KNMI %s", prod);
  }
  snprintf(out->units, sizeof out->units, "mm");
  snprintf(out->encoding, sizeof out->encoding, "%s mm = %g PV %+g, missing %g",
           rn_h5_num_name(b.type), gain, offset, missing);
  snprintf(out->notes, sizeof out->notes,
           "%g-minute accumulation converted to dBZ with Z = %g R^%g, R = acc * 60 / %g", minutes,
           zr.a, zr.b, minutes);
out:
  rn_h5_block_free(&b);
  rn_grid_free(&grid);
  if (d >= 0)
    H5Dclose(d);
  rn_h5_close(cal);
  rn_h5_close(img);
  rn_h5_close(proj);
  rn_h5_close(geo);
  rn_h5_close(ov);
  H5Fclose(fid);
  return st;
}

const struct rn_reader rn_reader_knmi = {"knmi", knmi_probe, knmi_read};
