/* mkradar.h - write small synthetic radar files for the ingest tests.
 *
 * Everything the tests need that the real corpus cannot give: files whose
 * contents are known exactly (so every decoded value can be checked), and
 * files broken in one precise way (no /what, no gain, zero rays, no range).
 * They are generated at test time and never committed. Header-only (static
 * functions) so a test program and the mkradar tool share it. */
#ifndef RADNOW_TESTS_MKRADAR_H
#define RADNOW_TESTS_MKRADAR_H

#include <hdf5.h>
#include <netcdf.h>
#include <stdint.h>
#include <string.h>

enum mk_flaw { MK_OK = 0, MK_NO_WHAT, MK_NO_GAIN, MK_ZERO_RAYS, MK_NO_RANGE };

/* The synthetic volume: 3 sweeps stored out of elevation order. */
#define MK_NRAYS 4
#define MK_NBINS 5
static const double mk_elangles[3] = {1.5, 0.5, 3.0}; /* dataset1..3 */

/* Stored value of ray r, bin g in dataset d (0-based); 0 is undetect and
 * 65535 nodata. */
static inline unsigned mk_value(int d, int r, int g)
{
  if (r == 1 && g == 2)
    return 0;
  if (r == 2 && g == 4)
    return 65535;
  return (unsigned)(100 * (d + 1) + 10 * r + g + 1);
}

static void mk_attr_str(hid_t loc, const char *name, const char *v, int varlen)
{
  hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a;
  if (varlen)
    H5Tset_size(t, H5T_VARIABLE);
  else
    H5Tset_size(t, strlen(v) + 1);
  a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  if (varlen)
    H5Awrite(a, t, &v);
  else
    H5Awrite(a, t, v);
  H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
}

static void mk_attr_f64(hid_t loc, const char *name, double v)
{
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(loc, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  H5Sclose(sp);
}

static void mk_attr_i64(hid_t loc, const char *name, long long v)
{
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  H5Sclose(sp);
}

static void mk_attr_f64_array(hid_t loc, const char *name, const double *v, hsize_t n)
{
  hid_t sp = H5Screate_simple(1, &n, NULL);
  hid_t a = H5Acreate2(loc, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_DOUBLE, v);
  H5Aclose(a);
  H5Sclose(sp);
}

/* An ODIM_H5 2.2 PVOL: variable-length strings, uint16 DBZH with gain and
 * offset in /datasetN/what (inherited by dataN), a VRADH moment with its own
 * gain in dataN/what, startazA/stopazA in dataset3 only. 0 on success. */
static int mk_odim(const char *path, enum mk_flaw flaw)
{
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), g, ds;
  if (f < 0)
    return -1;
  mk_attr_str(f, "Conventions", "ODIM_H5/V2_2", 1);
  if (flaw != MK_NO_WHAT) {
    g = H5Gcreate2(f, "what", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    mk_attr_str(g, "object", "PVOL", 1);
    mk_attr_str(g, "version", "H5rad 2.2", 1);
    mk_attr_str(g, "date", "20200101", 1);
    mk_attr_str(g, "time", "120000", 1);
    mk_attr_str(g, "source", "NOD:test,PLC:Synthetic \"quoted\"", 1);
    H5Gclose(g);
  }
  g = H5Gcreate2(f, "where", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  mk_attr_f64(g, "lat", 50.5);
  mk_attr_f64(g, "lon", 4.25);
  mk_attr_f64(g, "height", 100.0);
  H5Gclose(g);
  for (int d = 0; d < 3; d++) {
    char name[32];
    hsize_t dims[2] = {MK_NRAYS, MK_NBINS};
    uint16_t v[MK_NRAYS][MK_NBINS];
    uint8_t w[MK_NRAYS][MK_NBINS];
    snprintf(name, sizeof name, "dataset%d", d + 1);
    ds = H5Gcreate2(f, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    g = H5Gcreate2(ds, "what", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    mk_attr_str(g, "product", "SCAN", 1);
    mk_attr_str(g, "startdate", "20200101", 1);
    mk_attr_str(g, "starttime", d == 0 ? "120200" : d == 1 ? "120100" : "120000", 1);
    mk_attr_str(g, "enddate", "20200101", 1);
    mk_attr_str(g, "endtime", d == 0 ? "120259" : d == 1 ? "120159" : "120059", 1);
    if (!(flaw == MK_NO_GAIN && d == 1))
      mk_attr_f64(g, "gain", 0.5);
    mk_attr_f64(g, "offset", -32.0);
    H5Gclose(g);
    g = H5Gcreate2(ds, "where", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    mk_attr_f64(g, "elangle", mk_elangles[d]);
    mk_attr_i64(g, "nrays", flaw == MK_ZERO_RAYS && d == 0 ? 0 : MK_NRAYS);
    mk_attr_i64(g, "nbins", MK_NBINS);
    mk_attr_f64(g, "rscale", 500.0);
    mk_attr_f64(g, "rstart", 1.0);
    mk_attr_i64(g, "a1gate", 2);
    H5Gclose(g);
    if (d == 2) {
      /* Ray 0 straddles north: 350 -> 10 has its centre at 0. */
      double start[MK_NRAYS] = {350, 80, 170, 260}, stop[MK_NRAYS] = {10, 100, 190, 280};
      g = H5Gcreate2(ds, "how", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      mk_attr_f64_array(g, "startazA", start, MK_NRAYS);
      mk_attr_f64_array(g, "stopazA", stop, MK_NRAYS);
      H5Gclose(g);
    }
    for (int r = 0; r < MK_NRAYS; r++)
      for (int b = 0; b < MK_NBINS; b++) {
        v[r][b] = (uint16_t)mk_value(d, r, b);
        w[r][b] = (uint8_t)(10 * r + b);
      }
    if (flaw == MK_ZERO_RAYS && d == 0)
      dims[0] = 0;
    for (int m = 0; m < 2; m++) {
      hid_t dg, sp, dset;
      dg = H5Gcreate2(ds, m ? "data2" : "data1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      g = H5Gcreate2(dg, "what", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      mk_attr_str(g, "quantity", m ? "VRADH" : "DBZH", 1);
      if (m) {
        mk_attr_f64(g, "gain", 0.25);
        mk_attr_f64(g, "offset", -10.0);
        mk_attr_f64(g, "nodata", 255);
      } else {
        mk_attr_f64(g, "nodata", 65535);
        mk_attr_f64(g, "undetect", 0);
      }
      H5Gclose(g);
      sp = H5Screate_simple(2, dims, NULL);
      dset = H5Dcreate2(dg, "data", m ? H5T_STD_U8LE : H5T_STD_U16LE, sp, H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT);
      if (dims[0])
        H5Dwrite(dset, m ? H5T_NATIVE_UINT8 : H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                 m ? (const void *)w : (const void *)v);
      H5Dclose(dset);
      H5Sclose(sp);
      H5Gclose(dg);
    }
    H5Gclose(ds);
  }
  H5Fclose(f);
  return 0;
}

#define MK_CHECK(x)                                                                               \
  do {                                                                                            \
    if ((x) != NC_NOERR)                                                                          \
      return -1;                                                                                  \
  } while (0)

/* A CfRadial 1.4 file with two sweeps (1.5 deg, then 0.5 deg) of 3 rays x 4
 * gates; DBZH packed as short (scale 0.01, offset 10, _FillValue -32768).
 * Value of ray i (0..5), gate g: stored 100 * i + g, i.e. dBZ 10 + i + 0.01 g. */
static int mk_cfradial(const char *path, enum mk_flaw flaw)
{
  int nc, dt, dr, ds, ds32, v_time, v_range, v_az, v_el, v_fixed, v_start, v_end, v_lat, v_lon,
      v_alt, v_dbz, v_tcs, v_mode;
  const int nrays = flaw == MK_ZERO_RAYS ? 0 : 6, ngates = 4;
  MK_CHECK(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc));
  MK_CHECK(nc_put_att_text(nc, NC_GLOBAL, "Conventions", 9, "CF/Radial"));
  MK_CHECK(nc_put_att_text(nc, NC_GLOBAL, "version", 3, "1.4"));
  MK_CHECK(nc_put_att_text(nc, NC_GLOBAL, "instrument_name", 9, "SYNTHETIC"));
  MK_CHECK(nc_def_dim(nc, "time", NC_UNLIMITED, &dt));
  MK_CHECK(nc_def_dim(nc, "range", ngates, &dr));
  MK_CHECK(nc_def_dim(nc, "sweep", 2, &ds));
  MK_CHECK(nc_def_dim(nc, "string_length", 32, &ds32));
  MK_CHECK(nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &v_time));
  MK_CHECK(nc_put_att_text(nc, v_time, "units", 33, "seconds since 2021-03-04T05:06:07Z"));
  if (flaw != MK_NO_RANGE) {
    MK_CHECK(nc_def_var(nc, "range", NC_FLOAT, 1, &dr, &v_range));
    MK_CHECK(nc_put_att_text(nc, v_range, "units", 6, "meters"));
  }
  MK_CHECK(nc_def_var(nc, "azimuth", NC_FLOAT, 1, &dt, &v_az));
  MK_CHECK(nc_def_var(nc, "elevation", NC_FLOAT, 1, &dt, &v_el));
  MK_CHECK(nc_def_var(nc, "fixed_angle", NC_FLOAT, 1, &ds, &v_fixed));
  MK_CHECK(nc_def_var(nc, "sweep_start_ray_index", NC_INT, 1, &ds, &v_start));
  MK_CHECK(nc_def_var(nc, "sweep_end_ray_index", NC_INT, 1, &ds, &v_end));
  int dm[2] = {ds, ds32};
  MK_CHECK(nc_def_var(nc, "sweep_mode", NC_CHAR, 2, dm, &v_mode));
  MK_CHECK(nc_def_var(nc, "latitude", NC_DOUBLE, 0, NULL, &v_lat));
  MK_CHECK(nc_def_var(nc, "longitude", NC_DOUBLE, 0, NULL, &v_lon));
  MK_CHECK(nc_def_var(nc, "altitude", NC_DOUBLE, 0, NULL, &v_alt));
  MK_CHECK(nc_def_var(nc, "time_coverage_start", NC_CHAR, 1, &ds32, &v_tcs));
  int d2[2] = {dt, dr};
  short fill = -32768;
  float scale = 0.01f, offset = 10.0f;
  MK_CHECK(nc_def_var(nc, "DBZH", NC_SHORT, 2, d2, &v_dbz));
  MK_CHECK(nc_put_att_short(nc, v_dbz, "_FillValue", NC_SHORT, 1, &fill));
  MK_CHECK(nc_put_att_float(nc, v_dbz, "scale_factor", NC_FLOAT, 1, &scale));
  MK_CHECK(nc_put_att_float(nc, v_dbz, "add_offset", NC_FLOAT, 1, &offset));
  MK_CHECK(nc_put_att_text(nc, v_dbz, "units", 3, "dBZ"));
  MK_CHECK(nc_enddef(nc));
  float rng[4] = {1000, 1250, 1500, 1750}, fixed[2] = {1.5f, 0.5f};
  int start[2] = {0, 3}, end[2] = {2, 5};
  double lat = 45.25, lon = -3.5, alt = 321.0;
  char tcs[32] = "2021-03-04T05:06:07Z", modes[2][32] = {"azimuth_surveillance",
                                                          "azimuth_surveillance"};
  if (flaw != MK_NO_RANGE)
    MK_CHECK(nc_put_var_float(nc, v_range, rng));
  MK_CHECK(nc_put_var_float(nc, v_fixed, fixed));
  if (flaw == MK_ZERO_RAYS) {
    start[0] = start[1] = 0;
    end[0] = end[1] = -1;
  }
  MK_CHECK(nc_put_var_int(nc, v_start, start));
  MK_CHECK(nc_put_var_int(nc, v_end, end));
  MK_CHECK(nc_put_var_text(nc, v_mode, &modes[0][0]));
  MK_CHECK(nc_put_var_double(nc, v_lat, &lat));
  MK_CHECK(nc_put_var_double(nc, v_lon, &lon));
  MK_CHECK(nc_put_var_double(nc, v_alt, &alt));
  MK_CHECK(nc_put_var_text(nc, v_tcs, tcs));
  if (nrays > 0) {
    double t[6];
    float az[6] = {10, 130, 250, 70, 190, 310}, el[6] = {1.5f, 1.5f, 1.5f, 0.5f, 0.5f, 0.5f};
    short v[6][4];
    size_t s0[2] = {0, 0}, n2[2] = {6, 4}, n1 = 6;
    for (int i = 0; i < 6; i++) {
      t[i] = i;
      for (int gi = 0; gi < 4; gi++)
        v[i][gi] = (short)(100 * i + gi);
    }
    v[4][3] = fill;
    MK_CHECK(nc_put_vara_double(nc, v_time, s0, &n1, t));
    MK_CHECK(nc_put_vara_float(nc, v_az, s0, &n1, az));
    MK_CHECK(nc_put_vara_float(nc, v_el, s0, &n1, el));
    MK_CHECK(nc_put_vara_short(nc, v_dbz, s0, n2, &v[0][0]));
  }
  return nc_close(nc) == NC_NOERR ? 0 : -1;
}

#endif
