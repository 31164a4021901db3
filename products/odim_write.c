/* odim_write.c - polar volumes as ODIM_H5 PVOL files (HDF5 C API). */
#include <radnow/odim_write.h>
#include <radnow/publish.h>

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define ODIM_CONVENTIONS "ODIM_H5/V2_2"
#define ODIM_VERSION "H5rad 2.2"

unsigned char rn_odim_dbz_code(float dbz)
{
  long v;
  if (isnan(dbz))
    return 255;
  if (dbz == -INFINITY)
    return 0;
  v = lround((dbz + 32.0) / 0.5);
  if (v <= 0)
    return 0;
  return (unsigned char)(v > 254 ? 254 : v);
}

static int is_reflectivity(const char *q)
{
  return !strcmp(q, "DBZH") || !strcmp(q, "DBZV") || !strcmp(q, "TH") || !strcmp(q, "TV");
}

/* Writing context: the first failure is kept, later calls do nothing. */
struct writer {
  const char *path;
  enum rn_status st;
  hid_t gcpl;
};

static void failed(struct writer *w, const char *object, const char *what)
{
  if (w->st)
    return;
  w->st = rn_error(RN_EINTERNAL, "odim: %s: %s: HDF5 cannot write %s", w->path, object, what);
}

static hid_t group(struct writer *w, hid_t parent, const char *name, const char *object)
{
  hid_t g;
  if (w->st)
    return -1;
  g = H5Gcreate2(parent, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
  if (g < 0)
    failed(w, object, "group");
  return g;
}

static void attr_raw(struct writer *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                     hid_t space, const void *value, const char *object)
{
  hid_t a;
  if (w->st)
    return;
  a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0 || H5Awrite(a, mtype, value) < 0)
    failed(w, object, name);
  if (a >= 0)
    H5Aclose(a);
}

static void attr_str(struct writer *w, hid_t loc, const char *name, const char *value,
                     const char *object)
{
  hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR);
  H5Tset_size(t, strlen(value) + 1);
  H5Tset_strpad(t, H5T_STR_NULLTERM);
  H5Tset_cset(t, H5T_CSET_ASCII);
  attr_raw(w, loc, name, t, t, s, value, object);
  H5Sclose(s);
  H5Tclose(t);
}

static void attr_double(struct writer *w, hid_t loc, const char *name, double v, const char *object)
{
  hid_t s = H5Screate(H5S_SCALAR);
  attr_raw(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, s, &v, object);
  H5Sclose(s);
}

static void attr_long(struct writer *w, hid_t loc, const char *name, long long v,
                      const char *object)
{
  hid_t s = H5Screate(H5S_SCALAR);
  attr_raw(w, loc, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, s, &v, object);
  H5Sclose(s);
}

static void attr_doubles(struct writer *w, hid_t loc, const char *name, const double *v, int n,
                         const char *object)
{
  hsize_t dim = (hsize_t)n;
  hid_t s = H5Screate_simple(1, &dim, NULL);
  attr_raw(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, s, v, object);
  H5Sclose(s);
}

static void close_group(hid_t g)
{
  if (g >= 0)
    H5Gclose(g);
}

/* what/date + what/time style strings. */
static void date_time(rn_time t, char date[16], char time[16])
{
  char iso[32];
  rn_time_iso(t, iso);
  snprintf(date, 16, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
  snprintf(time, 16, "%.2s%.2s%.2s", iso + 11, iso + 14, iso + 17);
}

static void write_moment(struct writer *w, hid_t ds, int m, const struct rn_sweep *sw,
                         const char *object)
{
  char name[32], obj[96];
  hsize_t dims[2] = {(hsize_t)sw->nrays, (hsize_t)sw->ngates};
  const struct rn_moment *mo = &sw->moments[m];
  size_t n = (size_t)sw->nrays * (size_t)sw->ngates;
  unsigned char *codes;
  hid_t g, what, space, dcpl, d;

  snprintf(name, sizeof name, "data%d", m + 1);
  snprintf(obj, sizeof obj, "%s/%s", object, name);
  g = group(w, ds, name, obj);
  what = group(w, g, "what", obj);
  attr_str(w, what, "quantity", mo->quantity, obj);
  attr_double(w, what, "gain", 0.5, obj);
  attr_double(w, what, "offset", -32.0, obj);
  attr_double(w, what, "nodata", 255.0, obj);
  attr_double(w, what, "undetect", 0.0, obj);
  close_group(what);
  if (w->st) {
    close_group(g);
    return;
  }
  codes = rn_malloc(n, "ODIM data");
  if (!codes) {
    w->st = RN_ENOMEM;
    close_group(g);
    return;
  }
  for (size_t i = 0; i < n; i++)
    codes[i] = rn_odim_dbz_code(mo->data[i]);
  space = H5Screate_simple(2, dims, NULL);
  dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 2, dims);
  H5Pset_deflate(dcpl, 6);
  H5Pset_obj_track_times(dcpl, 0);
  d = H5Dcreate2(g, "data", H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (d < 0 || H5Dwrite(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, codes) < 0)
    failed(w, obj, "data");
  attr_str(w, d, "CLASS", "IMAGE", obj);
  attr_str(w, d, "IMAGE_VERSION", "1.2", obj);
  if (d >= 0)
    H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
  free(codes);
  close_group(g);
}

static void write_sweep(struct writer *w, hid_t file, int k, const struct rn_sweep *sw,
                        const struct rn_odim_sweep_info *info)
{
  char name[32], date[16], time[16];
  double half = 180.0 / sw->nrays, *az = NULL;
  int R = sw->nrays, a1gate = info ? info->a1gate : 0;
  hid_t ds, g;

  snprintf(name, sizeof name, "dataset%d", k + 1);
  ds = group(w, file, name, name);

  g = group(w, ds, "what", name);
  attr_str(w, g, "product", "SCAN", name);
  date_time(sw->start_time, date, time);
  attr_str(w, g, "startdate", date, name);
  attr_str(w, g, "starttime", time, name);
  date_time(sw->end_time, date, time);
  attr_str(w, g, "enddate", date, name);
  attr_str(w, g, "endtime", time, name);
  close_group(g);

  g = group(w, ds, "where", name);
  attr_double(w, g, "elangle", sw->elevation, name);
  attr_long(w, g, "nbins", sw->ngates, name);
  attr_double(w, g, "rstart", (sw->first_gate - 0.5 * sw->gate_spacing) / 1000.0, name);
  attr_double(w, g, "rscale", sw->gate_spacing, name);
  attr_long(w, g, "nrays", R, name);
  attr_long(w, g, "a1gate", a1gate, name);
  close_group(g);

  /* how: ray limits in azimuth and time */
  az = rn_malloc(4 * (size_t)R * sizeof *az, "ray attributes");
  if (!az) {
    if (!w->st)
      w->st = RN_ENOMEM;
    close_group(ds);
    return;
  }
  for (int i = 0; i < R; i++) {
    double a0 = fmod(sw->azimuth[i] - half + 360.0, 360.0), a1 = a0 + 2 * half;
    double dt = (double)(sw->end_time - sw->start_time) / R;
    int order = ((i - a1gate) % R + R) % R;
    az[i] = a0;
    az[R + i] = a1 > 360.0 ? a1 - 360.0 : a1;
    az[2 * R + i] = info && info->ray_start ? info->ray_start[i] : sw->start_time + order * dt;
    az[3 * R + i] = info && info->ray_stop ? info->ray_stop[i] : sw->start_time + (order + 1) * dt;
  }
  g = group(w, ds, "how", name);
  attr_doubles(w, g, "startazA", az, R, name);
  attr_doubles(w, g, "stopazA", az + R, R, name);
  attr_doubles(w, g, "startazT", az + 2 * R, R, name);
  attr_doubles(w, g, "stopazT", az + 3 * R, R, name);
  if (info && info->rpm > 0)
    attr_double(w, g, "rpm", info->rpm, name);
  close_group(g);
  free(az);

  for (int m = 0; m < sw->nmoments && !w->st; m++)
    write_moment(w, ds, m, sw, name);
  close_group(ds);
}

enum rn_status rn_odim_write_pvol(const struct rn_volume *vol,
                                  const struct rn_odim_write_options *opt, const char *path)
{
  struct writer w = {path, RN_OK, -1};
  char date[16], time[16], sw_version[64];
  H5E_auto2_t efunc;
  void *edata;
  hid_t file = -1, fapl = -1, g;
  rn_time t0 = 0, t1 = 0;
  void *image = NULL;
  ssize_t size = 0;
  enum rn_status st;

  if (!opt || !opt->source || !*opt->source)
    return rn_error(RN_EINTERNAL, "odim: %s: what/source is required", path);
  if (vol->nsweeps <= 0)
    return rn_error(RN_EINTERNAL, "odim: %s: volume has no sweeps", path);
  for (int k = 0; k < vol->nsweeps; k++) {
    const struct rn_sweep *sw = &vol->sweeps[k];
    if (sw->nrays <= 0 || sw->ngates <= 0 || !sw->azimuth || sw->nmoments <= 0)
      return rn_error(RN_EINTERNAL, "odim: %s: sweep %d is empty", path, k + 1);
    for (int m = 0; m < sw->nmoments; m++)
      if (!is_reflectivity(sw->moments[m].quantity))
        return rn_error(RN_EUNSUPPORTED, "odim: %s: dataset%d: writing quantity %s is not "
                        "supported (reflectivities only)", path, k + 1, sw->moments[m].quantity);
    if (k == 0 || sw->start_time < t0)
      t0 = sw->start_time;
    if (k == 0 || sw->end_time > t1)
      t1 = sw->end_time;
  }

  /* The file is built in memory (HDF5 core driver) and published as one
   * buffer: a full disk then fails in rn_publish_buffer, which leaves
   * nothing behind, instead of inside HDF5, whose library state after a
   * failed close does not survive exit. */
  H5Eget_auto2(H5E_DEFAULT, &efunc, &edata);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  w.gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(w.gcpl, 0);
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_core(fapl, 1 << 20, 0);
  file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (file < 0) {
    w.st = rn_error(RN_EINTERNAL, "odim: %s: cannot create the file in memory", path);
    goto out;
  }
  attr_str(&w, file, "Conventions", ODIM_CONVENTIONS, "/");

  g = group(&w, file, "what", "/what");
  attr_str(&w, g, "object", "PVOL", "/what");
  attr_str(&w, g, "version", ODIM_VERSION, "/what");
  date_time(vol->time, date, time);
  attr_str(&w, g, "date", date, "/what");
  attr_str(&w, g, "time", time, "/what");
  attr_str(&w, g, "source", opt->source, "/what");
  close_group(g);

  g = group(&w, file, "where", "/where");
  attr_double(&w, g, "lon", vol->lon, "/where");
  attr_double(&w, g, "lat", vol->lat, "/where");
  attr_double(&w, g, "height", vol->height, "/where");
  close_group(g);

  g = group(&w, file, "how", "/how");
  attr_str(&w, g, "software", opt->software ? opt->software : "radnow", "/how");
  snprintf(sw_version, sizeof sw_version, "%s", PACKAGE_VERSION);
  attr_str(&w, g, "sw_version", sw_version, "/how");
  attr_str(&w, g, "simulated", opt->simulated ? "True" : "False", "/how");
  if (opt->beamwidth > 0)
    attr_double(&w, g, "beamwidth", opt->beamwidth, "/how");
  if (opt->wavelength > 0)
    attr_double(&w, g, "wavelength", opt->wavelength, "/how");
  attr_long(&w, g, "startepochs", (long long)t0, "/how");
  attr_long(&w, g, "endepochs", (long long)t1, "/how");
  close_group(g);

  for (int k = 0; k < vol->nsweeps && !w.st; k++)
    write_sweep(&w, file, k, &vol->sweeps[k], opt->sweeps ? &opt->sweeps[k] : NULL);

  if (!w.st && (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0 ||
                (size = H5Fget_file_image(file, NULL, 0)) <= 0))
    w.st = rn_error(RN_EINTERNAL, "odim: %s: cannot assemble the file", path);
  if (!w.st && !(image = rn_malloc((size_t)size, "ODIM file image")))
    w.st = RN_ENOMEM;
  if (!w.st && H5Fget_file_image(file, image, (size_t)size) != size)
    w.st = rn_error(RN_EINTERNAL, "odim: %s: cannot assemble the file", path);
out:
  if (file >= 0)
    H5Fclose(file);
  if (fapl >= 0)
    H5Pclose(fapl);
  H5Pclose(w.gcpl);
  H5Eset_auto2(H5E_DEFAULT, efunc, edata);
  if (w.st) {
    free(image);
    return w.st;
  }
  st = rn_publish_buffer(path, image, (size_t)size);
  free(image);
  return st ? rn_error_prefix(st, "odim") : RN_OK;
}
