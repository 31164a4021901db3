/* odim_grid.c - ODIM_H5 gridded objects (COMP, IMAGE) into a frame in dBZ.
 *
 * The grid comes from where/projdef, xscale/yscale and the UL corner (the
 * outer corner of the upper-left pixel), checked against LL and UR. RATE
 * and ACRR become dBZ through Z = a R^b. */
#include <radnow/zr.h>

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odim.h"
#include "reader.h"

static enum rn_status grid_from_where(const struct odim *o, const char *obj,
                                      const struct levels *where, size_t rows, size_t cols,
                                      struct rn_grid *grid)
{
  char projdef[1024];
  double xsize = 0, ysize = 0, xscale, yscale, ul[2], ll[2], ur[2];
  PJ_CONTEXT *ctx;
  PJ *pj;
  enum rn_status st = RN_OK;

  if (rn_odim_find_string(where, "projdef", projdef, sizeof projdef) != 1 || !projdef[0])
    return rn_odim_fail(RN_EFORMAT, o, obj, "'%s' missing", "where/projdef");
  if (rn_odim_find_double(where, "xscale", &xscale) != 1 ||
      rn_odim_find_double(where, "yscale", &yscale) != 1 || !(xscale > 0) || !(yscale > 0))
    return rn_odim_fail(RN_EFORMAT, o, obj, "'%s' missing or not positive", "where/xscale, yscale");
  if (rn_odim_find_double(where, "UL_lon", &ul[0]) != 1 ||
      rn_odim_find_double(where, "UL_lat", &ul[1]) != 1)
    return rn_odim_fail(RN_EFORMAT, o, obj, "'%s' missing", "where/UL_lon, UL_lat");
  rn_odim_find_double(where, "xsize", &xsize);
  rn_odim_find_double(where, "ysize", &ysize);
  if ((xsize && (size_t)xsize != cols) || (ysize && (size_t)ysize != rows)) {
    char msg[128];
    snprintf(msg, sizeof msg, "where says %.0f x %.0f pixels, the data have %zu x %zu", xsize,
             ysize, cols, rows);
    return rn_odim_fail(RN_EFORMAT, o, obj, "%s", msg);
  }
  /* UL_lon/UL_lat is the outer corner of the upper-left pixel. */
  ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  pj = proj_create_crs_to_crs(ctx, "EPSG:4326", projdef, NULL);
  if (pj) {
    PJ *norm = proj_normalize_for_visualization(ctx, pj);
    proj_destroy(pj);
    pj = norm;
  }
  if (!pj) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "projdef '%s' is not a projection PROJ knows", projdef);
    goto out;
  }
  PJ_COORD c = proj_trans(pj, PJ_FWD, proj_coord(ul[0], ul[1], 0, 0));
  if (!isfinite(c.xy.x) || !isfinite(c.xy.y)) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "%s", "UL corner does not project");
    goto out;
  }
  /* The other corners must agree within a pixel, or the grid is not what it says. */
  if (rn_odim_find_double(where, "LL_lon", &ll[0]) == 1 &&
      rn_odim_find_double(where, "LL_lat", &ll[1]) == 1 &&
      rn_odim_find_double(where, "UR_lon", &ur[0]) == 1 &&
      rn_odim_find_double(where, "UR_lat", &ur[1]) == 1) {
    PJ_COORD a = proj_trans(pj, PJ_FWD, proj_coord(ll[0], ll[1], 0, 0));
    PJ_COORD b = proj_trans(pj, PJ_FWD, proj_coord(ur[0], ur[1], 0, 0));
    if (fabs(a.xy.x - c.xy.x) > xscale || fabs(a.xy.y - (c.xy.y - rows * yscale)) > yscale ||
        fabs(b.xy.x - (c.xy.x + cols * xscale)) > xscale || fabs(b.xy.y - c.xy.y) > yscale) {
      st = rn_odim_fail(
          RN_EFORMAT, o, obj, "%s",
          "corners LL/UL/UR disagree with xsize*xscale, ysize*yscale by more than a pixel");
      goto out;
    }
  }
  st = rn_grid_init(grid, projdef, (int)cols, (int)rows, c.xy.x, c.xy.y, xscale, yscale);
  if (st)
    rn_error_prefix(st, "odim: %s: %s", o->path, obj);
out:
  if (pj)
    proj_destroy(pj);
  proj_context_destroy(ctx);
  return st;
}

static double minutes_between(const struct levels *what)
{
  char d0[32], t0[32], d1[32], t1[32];
  rn_time a, b;
  if (rn_odim_find_string(what, "startdate", d0, sizeof d0) == 1 &&
      rn_odim_find_string(what, "starttime", t0, sizeof t0) == 1 &&
      rn_odim_find_string(what, "enddate", d1, sizeof d1) == 1 &&
      rn_odim_find_string(what, "endtime", t1, sizeof t1) == 1 &&
      !rn_time_from_date_time(d0, t0, &a) && !rn_time_from_date_time(d1, t1, &b) && b > a)
    return (double)(b - a) / 60.0;
  rn_error_clear();
  return 0;
}

enum rn_status rn_odim_read_grid(struct odim *o, struct rn_radar_data *out)
{
  static const char *const prefer[] = {"DBZH", "TH", "RATE", "ACRR", NULL};
  struct scan_names dsn, dn;
  const char *have[MAX_MOMENTS];
  char qs[MAX_MOMENTS][RN_QUANTITY_LEN], q[RN_QUANTITY_LEN], obj[64], name[32];
  int nhave = 0, found_ds = -1, found_d = -1;
  enum rn_status st;

  rn_odim_list_groups(o->fid, "dataset", &dsn);
  if (dsn.n == 0)
    return rn_odim_fail(RN_EFORMAT, o, NULL, "%s", "no /dataset groups");
  /* Find every quantity, then the dataset/data holding the chosen one. */
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < dsn.n && found_ds < 0; i++) {
      snprintf(name, sizeof name, "dataset%d", dsn.idx[i]);
      hid_t ds = rn_h5_group(o->fid, name), w = rn_h5_group(ds, "what");
      rn_odim_list_groups(ds, "data", &dn);
      for (int k = 0; k < dn.n; k++) {
        char dname[32], qq[RN_QUANTITY_LEN];
        snprintf(dname, sizeof dname, "data%d", dn.idx[k]);
        hid_t g = rn_h5_group(ds, dname), gw = rn_h5_group(g, "what");
        struct levels lv = {{gw, w, o->what}, 3};
        if (rn_odim_find_string(&lv, "quantity", qq, sizeof qq) != 1)
          snprintf(qq, sizeof qq, "?");
        rn_h5_close(gw);
        rn_h5_close(g);
        if (pass == 0) {
          int seen = 0;
          for (int j = 0; j < nhave; j++)
            seen |= strcmp(qs[j], qq) == 0;
          if (!seen && nhave < MAX_MOMENTS) {
            snprintf(qs[nhave], sizeof qs[0], "%s", qq);
            have[nhave] = qs[nhave];
            nhave++;
          }
        } else if (strcmp(qq, q) == 0) {
          found_ds = dsn.idx[i];
          found_d = dn.idx[k];
          break;
        }
      }
      rn_h5_close(w);
      rn_h5_close(ds);
    }
    if (pass == 0 && (st = rn_odim_choose_quantity(o, have, nhave, prefer, q)))
      return st;
  }

  snprintf(name, sizeof name, "dataset%d", found_ds);
  hid_t ds = rn_h5_group(o->fid, name);
  hid_t w = rn_h5_group(ds, "what"), wh = rn_h5_group(ds, "where");
  snprintf(name, sizeof name, "data%d", found_d);
  hid_t g = rn_h5_group(ds, name), gw = rn_h5_group(g, "what"), gwh = rn_h5_group(g, "where");
  struct levels what = {{gw, w, o->what}, 3}, where = {{gwh, wh, o->where}, 3};
  struct scaling sc;
  enum rn_h5_num type = RN_H5_OTHER;
  size_t rows = 0, cols = 0;
  void *raw = NULL; /* block.values */
  struct rn_h5_block block = {0};
  struct rn_grid grid = {0};
  hid_t d = -1;

  snprintf(obj, sizeof obj, "/dataset%d/data%d", found_ds, found_d);
  if ((st = rn_odim_read_scaling(o, obj, &what, &sc)))
    goto out;
  if (!rn_odim_is_reflectivity(q) && strcmp(q, "RATE") != 0 && strcmp(q, "ACRR") != 0) {
    st = rn_odim_fail(RN_EUNSUPPORTED, o, obj,
                      "quantity '%s' is neither reflectivity nor rain (a frame holds dBZ)", q);
    goto out;
  }
  d = rn_h5_exists(g, "data") ? H5Dopen2(g, "data", H5P_DEFAULT) : -1;
  if (d < 0) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "'%s' dataset missing", "data");
    goto out;
  }
  snprintf(obj, sizeof obj, "/dataset%d/data%d/data", found_ds, found_d);
  if ((st = rn_h5_fetch_2d(d, o->path, obj, &block))) {
    rn_error_prefix(st, "odim");
    goto out;
  }
  if (rn_h5_decode_2d(&block) != 0) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "%s",
                      "compressed data are corrupt or short (file truncated?)");
    goto out;
  }
  type = block.type;
  rows = block.rows;
  cols = block.cols;
  raw = block.values;
  if (rows == 0 || cols == 0) {
    st = rn_odim_fail(RN_EFORMAT, o, obj, "%s", "has no pixels");
    goto out;
  }
  snprintf(obj, sizeof obj, "/dataset%d", found_ds);
  if ((st = grid_from_where(o, obj, &where, rows, cols, &grid)))
    goto out;
  if ((st = rn_frame_alloc(&out->frame, &grid)))
    goto out;
  snprintf(out->frame.quantity, sizeof out->frame.quantity, "%s", q);
  if (rn_odim_find_string(&what, "product", out->frame.product, sizeof out->frame.product) != 1)
    snprintf(out->frame.product, sizeof out->frame.product, "%s", o->object);
  snprintf(out->encoding, sizeof out->encoding, "%s gain %g offset %g", rn_h5_num_name(type),
           sc.gain, sc.offset);
  if (rn_odim_is_reflectivity(q)) {
    snprintf(out->units, sizeof out->units, "dBZ");
    rn_odim_convert(type, raw, rows * cols, &sc, RN_DBZ_NOECHO, out->frame.dbz);
  } else {
    /* Rain: physical values first, then Z = a R^b. */
    struct rn_zr zr = rn_zr_make(o->opt->zr_a, o->opt->zr_b);
    double minutes = 0;
    float *v = out->frame.dbz;
    size_t n = rows * cols;
    rn_odim_convert(type, raw, n, &sc, 0.0f, v);
    if (strcmp(q, "ACRR") == 0) {
      minutes = minutes_between(&what);
      if (!(minutes > 0))
        minutes = o->opt->acc_minutes;
      if (!(minutes > 0)) {
        st = rn_odim_fail(RN_EFORMAT, o, obj,
                          "%s: accumulation period unknown (no start/end times; give acc_minutes)",
                          q);
        goto out;
      }
      snprintf(out->units, sizeof out->units, "mm");
      for (size_t i = 0; i < n; i++)
        v[i] = rn_zr_acc_to_dbz(zr, v[i], minutes);
      char s[128];
      snprintf(s, sizeof s, "ACRR over %g min converted with Z = %g R^%g", minutes, zr.a, zr.b);
      rn_odim_note(out, s);
    } else {
      snprintf(out->units, sizeof out->units, "mm/h");
      for (size_t i = 0; i < n; i++)
        v[i] = rn_zr_rate_to_dbz(zr, v[i]);
      char s[128];
      snprintf(s, sizeof s, "RATE converted with Z = %g R^%g", zr.a, zr.b);
      rn_odim_note(out, s);
    }
  }
  rn_frame_floor(&out->frame);
out:
  rn_h5_block_free(&block);
  rn_grid_free(&grid);
  if (d >= 0)
    H5Dclose(d);
  rn_h5_close(gw);
  rn_h5_close(gwh);
  rn_h5_close(g);
  rn_h5_close(w);
  rn_h5_close(wh);
  rn_h5_close(ds);
  return st;
}
