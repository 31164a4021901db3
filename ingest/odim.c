/* odim.c - ODIM_H5 2.0-2.4 reader (EUMETNET OPERA Data Information Model):
 * the file, its metadata and value conversion; odim_polar.c reads PVOL/SCAN,
 * odim_grid.c COMP/IMAGE.
 *
 * Polar objects (PVOL, SCAN) become a struct rn_volume; gridded objects
 * (COMP, IMAGE) become a struct rn_frame in dBZ. Metadata follow ODIM's
 * inheritance: an attribute in /datasetM/dataN/what overrides one in
 * /datasetM/what, which overrides one in /what (likewise where and how).
 * Datasets are found by name and ordered by their number, then sweeps are
 * sorted by elevation: file order is not scan order (RMI writes the lowest
 * sweep first although it is scanned last). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odim.h"
#include "reader.h"

enum rn_status rn_odim_fail(enum rn_status st, const struct odim *o, const char *obj,
                            const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (obj)
    return rn_error(st, "odim: %s: %s: %s", o->path, obj, msg);
  return rn_error(st, "odim: %s: %s", o->path, msg);
}

static herr_t collect(hid_t loc, const char *name, const H5L_info_t *info, void *data)
{
  struct scan_names *s = data;
  size_t k = strlen(s->prefix);
  (void)loc;
  (void)info;
  if (strncmp(name, s->prefix, k) != 0 || !name[k])
    return 0;
  for (const char *p = name + k; *p; p++)
    if (!isdigit((unsigned char)*p))
      return 0;
  if (s->n < MAX_GROUPS)
    s->idx[s->n++] = atoi(name + k);
  return 0;
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

void rn_odim_list_groups(hid_t loc, const char *prefix, struct scan_names *s)
{
  hsize_t i = 0;
  s->prefix = prefix;
  s->n = 0;
  H5Literate(loc, H5_INDEX_NAME, H5_ITER_NATIVE, &i, collect, s);
  qsort(s->idx, (size_t)s->n, sizeof s->idx[0], cmp_int);
}

/* The first level holding the attribute wins. */
int rn_odim_find_double(const struct levels *lv, const char *name, double *v)
{
  for (int i = 0; i < lv->n; i++) {
    int r = rn_h5_attr_double(lv->g[i], name, v);
    if (r)
      return r;
  }
  return 0;
}

int rn_odim_find_string(const struct levels *lv, const char *name, char *buf, size_t n)
{
  for (int i = 0; i < lv->n; i++) {
    int r = rn_h5_attr_string(lv->g[i], name, buf, n);
    if (r)
      return r;
  }
  buf[0] = '\0';
  return 0;
}

enum rn_status rn_odim_read_scaling(const struct odim *o, const char *obj, const struct levels *lv,
                                    struct scaling *sc)
{
  int r;
  memset(sc, 0, sizeof *sc);
  if ((r = rn_odim_find_double(lv, "gain", &sc->gain)) != 1)
    return rn_odim_fail(RN_EFORMAT, o, obj, "'gain' %s", r ? "is not a number" : "missing");
  if ((r = rn_odim_find_double(lv, "offset", &sc->offset)) != 1)
    return rn_odim_fail(RN_EFORMAT, o, obj, "'offset' %s", r ? "is not a number" : "missing");
  if (sc->gain == 0 || !isfinite(sc->gain) || !isfinite(sc->offset))
    return rn_odim_fail(RN_EFORMAT, o, obj, "'gain' or 'offset' is %s", "zero or not finite");
  sc->has_nodata = rn_odim_find_double(lv, "nodata", &sc->nodata) == 1;
  sc->has_undetect = rn_odim_find_double(lv, "undetect", &sc->undetect) == 1;
  return RN_OK;
}

/* Convert n stored values to physical ones; nodata -> NaN, undetect -> u. */
void rn_odim_convert(enum rn_h5_num type, const void *raw, size_t n, const struct scaling *sc,
                     float undetect_value, float *out)
{
  if (type == RN_H5_U8) {
    /* A table of 256 values: the common case (uint8 moments) at memory speed. */
    float lut[256];
    for (int v = 0; v < 256; v++)
      lut[v] = sc->has_nodata && v == sc->nodata       ? RN_NODATA
               : sc->has_undetect && v == sc->undetect ? undetect_value
                                                       : (float)(sc->gain * v + sc->offset);
    const unsigned char *p = raw;
    for (size_t i = 0; i < n; i++)
      out[i] = lut[p[i]];
    return;
  }
  /* Large frames on all threads (inside a parallel region this runs on one). */
#pragma omp parallel for if (n > ((size_t)1 << 20)) schedule(static)
  for (size_t i = 0; i < n; i++) {
    double v = rn_h5_num_get(type, raw, i);
    if (v != v || (sc->has_nodata && v == sc->nodata))
      out[i] = RN_NODATA;
    else if (sc->has_undetect && v == sc->undetect)
      out[i] = undetect_value;
    else
      out[i] = (float)(sc->gain * v + sc->offset);
  }
}

int rn_odim_is_reflectivity(const char *q)
{
  return strncmp(q, "DBZ", 3) == 0 || strncmp(q, "TH", 2) == 0 || strncmp(q, "TV", 2) == 0;
}
void rn_odim_note(struct rn_radar_data *out, const char *s)
{
  size_t n = strlen(out->notes);
  if (n && n + 2 < sizeof out->notes)
    snprintf(out->notes + n, sizeof out->notes - n, "; ");
  n = strlen(out->notes);
  snprintf(out->notes + n, sizeof out->notes - n, "%s", s);
}

/* The quantity to read: the requested one, or DBZH, then TH. */
enum rn_status rn_odim_choose_quantity(const struct odim *o, const char *const *have, int nhave,
                                       const char *const *prefer, char *q)
{
  char list[512] = "";
  if (o->opt->quantity) {
    for (int i = 0; i < nhave; i++)
      if (strcmp(have[i], o->opt->quantity) == 0) {
        snprintf(q, RN_QUANTITY_LEN, "%s", have[i]);
        return RN_OK;
      }
  } else {
    for (int p = 0; prefer[p]; p++)
      for (int i = 0; i < nhave; i++)
        if (strcmp(have[i], prefer[p]) == 0) {
          snprintf(q, RN_QUANTITY_LEN, "%s", have[i]);
          return RN_OK;
        }
  }
  for (int i = 0; i < nhave; i++) {
    size_t n = strlen(list);
    snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", have[i]);
  }
  if (o->opt->quantity)
    return rn_error(RN_ENOTFOUND, "odim: %s: quantity '%s' not in the file (it has %s)", o->path,
                    o->opt->quantity, nhave ? list : "none");
  return rn_error(RN_ENOTFOUND,
                  "odim: %s: no %s in the file (it has %s; choose one with --quantity)", o->path,
                  prefer[1] ? "DBZH or TH" : prefer[0], nhave ? list : "no data");
}

/* ------------------------------------------------------------------ entry */

static int odim_probe(const char *path, const unsigned char *head, size_t n)
{
  char conv[64] = "";
  hid_t fid;
  int yes;
  if (!rn_h5_signature(head, n) || rn_h5_open(path, &fid))
    return 0;
  {
    hid_t root = H5Gopen2(fid, "/", H5P_DEFAULT);
    rn_h5_attr_string(root, "Conventions", conv, sizeof conv);
    rn_h5_close(root);
  }
  /* ODIM by its Conventions, or by the /what group every ODIM file has. */
  yes = strncmp(conv, "ODIM_H5", 7) == 0 || rn_h5_exists(fid, "what");
  H5Fclose(fid);
  rn_error_clear();
  return yes;
}

static enum rn_status odim_read(const char *path, const struct rn_ingest_options *opt,
                                struct rn_radar_data *out)
{
  struct odim o = {path, opt, -1, -1, -1, -1, ""};
  char conv[64] = "", date[32], time[32];
  enum rn_status st;
  hid_t root;

  if ((st = rn_h5_open(path, &o.fid)))
    return rn_error_prefix(st, "odim");
  root = H5Gopen2(o.fid, "/", H5P_DEFAULT);
  rn_h5_attr_string(root, "Conventions", conv, sizeof conv);
  rn_h5_close(root);
  o.what = rn_h5_group(o.fid, "what");
  o.where = rn_h5_group(o.fid, "where");
  o.how = rn_h5_group(o.fid, "how");
  if (o.what < 0) {
    st = rn_odim_fail(RN_EFORMAT, &o, "/what", "%s", "group missing (not an ODIM_H5 file?)");
    goto out;
  }
  if (rn_h5_attr_string(o.what, "object", o.object, sizeof o.object) != 1) {
    st = rn_odim_fail(RN_EFORMAT, &o, "/what", "'%s' missing", "object");
    goto out;
  }
  snprintf(out->format, sizeof out->format, "ODIM_H5");
  snprintf(out->object, sizeof out->object, "%s", o.object);
  rn_h5_attr_string(o.what, "version", out->version, sizeof out->version);
  if (rn_h5_attr_string(o.what, "date", date, sizeof date) != 1 ||
      rn_h5_attr_string(o.what, "time", time, sizeof time) != 1) {
    st = rn_odim_fail(RN_EFORMAT, &o, "/what", "'%s' missing", "date' or 'time");
    goto out;
  }
  rn_time t;
  if ((st = rn_time_from_date_time(date, time, &t))) {
    rn_error_prefix(st, "odim: %s: /what", path);
    goto out;
  }
  if (!strcmp(o.object, "PVOL") || !strcmp(o.object, "SCAN")) {
    struct rn_volume *vol = &out->vol;
    out->kind = RN_DATA_VOLUME;
    snprintf(vol->format, sizeof vol->format, "%s", conv[0] ? conv : "ODIM_H5");
    snprintf(vol->object, sizeof vol->object, "%s", o.object);
    rn_h5_attr_string(o.what, "source", vol->source, sizeof vol->source);
    vol->time = t;
    if (rn_h5_attr_double(o.where, "lat", &vol->lat) != 1 ||
        rn_h5_attr_double(o.where, "lon", &vol->lon) != 1) {
      st = rn_odim_fail(RN_EFORMAT, &o, "/where", "'%s' missing", "lat' or 'lon");
      goto out;
    }
    if (rn_h5_attr_double(o.where, "height", &vol->height) != 1)
      vol->height = 0;
    st = rn_odim_read_polar(&o, out);
  } else if (!strcmp(o.object, "COMP") || !strcmp(o.object, "IMAGE")) {
    out->kind = RN_DATA_GRID;
    st = rn_odim_read_grid(&o, out);
    if (!st) {
      out->frame.time = t;
      rn_h5_attr_string(o.what, "source", out->frame.source, sizeof out->frame.source);
    }
  } else {
    st = rn_odim_fail(RN_EUNSUPPORTED, &o, "/what",
                      "object '%s' is not supported (PVOL, SCAN, COMP, IMAGE are)", o.object);
  }
out:
  rn_h5_close(o.what);
  rn_h5_close(o.where);
  rn_h5_close(o.how);
  H5Fclose(o.fid);
  return st;
}

const struct rn_reader rn_reader_odim = {"odim", odim_probe, odim_read};

/* Any other HDF5 file (probed after every HDF5-based format): say what it is not. */
static int hdf5_probe(const char *path, const unsigned char *head, size_t n)
{
  (void)path;
  return rn_h5_signature(head, n);
}

static enum rn_status hdf5_read(const char *path, const struct rn_ingest_options *opt,
                                struct rn_radar_data *out)
{
  hid_t fid;
  enum rn_status st = rn_h5_open(path, &fid);
  (void)opt;
  (void)out;
  if (st)
    return rn_error_prefix(st, "hdf5");
  H5Fclose(fid);
  return rn_error(RN_EFORMAT,
                  "hdf5: %s: /what group missing: an HDF5 file, but not ODIM_H5, KNMI or CfRadial",
                  path);
}

const struct rn_reader rn_reader_hdf5_other = {"hdf5", hdf5_probe, hdf5_read};
