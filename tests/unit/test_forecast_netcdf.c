/* test_forecast_netcdf.c - the CF forecast file: write, read back, check the
 * layout with the netCDF API directly (not through our reader), and reject
 * truncated or inconsistent files with a clear message. */
#include <radnow/forecast.h>

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

static char dir[] = "/tmp/radnow-fcnc.XXXXXX";

/* Values that exercise the packing: nodata, no echo, weaker than no echo,
 * the radar range, and model output between the 0.01 dBZ steps. */
static float value(int m, int l, int j, int i)
{
  int k = (m * 7 + l * 5 + j * 3 + i) % 9;
  switch (k) {
  case 0: return RN_NODATA;
  case 1: return RN_DBZ_NOECHO;
  case 2: return -45.0f; /* read back as -32 */
  case 3: return 95.0f;
  case 4: return 27.333f;
  case 5: return 0.5f * (float)(j + i);
  default: return 10.0f * m + l + 0.127f * (float)i;
  }
}

static void fill(struct rn_forecast *fc)
{
  int nx = fc->grid.nx, ny = fc->grid.ny;
  snprintf(fc->predictor, sizeof fc->predictor, "extrapolation");
  snprintf(fc->comment, sizeof fc->comment, "late input: ran from 12:54");
  fc->reference_time = rn_time_from_fields(2020, 2, 7, 13, 0, 0);
  for (int l = 0; l < fc->nleads; l++)
    fc->lead_seconds[l] = 300 * (l + 1);
  for (int m = 0; m < fc->nmembers; m++)
    for (int l = 0; l < fc->nleads; l++)
      for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
          rn_forecast_field(fc, m, l)[j * nx + i] = value(m, l, j, i);
  for (int k = 0; k < fc->nthresholds; k++)
    fc->thresholds[k] = 30.f + 10.f * k;
  for (int l = 0; l < fc->nleads; l++)
    for (int k = 0; k < fc->nthresholds; k++)
      for (int p = 0; p < nx * ny; p++)
        fc->prob[((size_t)l * fc->nthresholds + k) * nx * ny + p] =
            p == 0 ? RN_NODATA : (float)((p * 37 + l + k) % 101) / 100.f;
}

static void check_roundtrip(const struct rn_forecast *a, const struct rn_forecast *b)
{
  size_t npix = (size_t)a->grid.nx * a->grid.ny;
  double maxdiff = 0;
  int nan_mismatch = 0;
  CHECK(rn_grid_same(&a->grid, &b->grid));
  CHECK_STR(b->predictor, a->predictor);
  CHECK_STR(b->comment, a->comment);
  CHECK(b->reference_time == a->reference_time);
  CHECK(b->nleads == a->nleads);
  CHECK(b->nmembers == a->nmembers);
  CHECK(b->nthresholds == a->nthresholds);
  if (b->nleads != a->nleads || b->nmembers != a->nmembers || b->nthresholds != a->nthresholds)
    return;
  for (int l = 0; l < a->nleads; l++)
    CHECK(b->lead_seconds[l] == a->lead_seconds[l]);
  for (int m = 0; m < a->nmembers; m++)
    for (int l = 0; l < a->nleads; l++) {
      const float *x = rn_forecast_field(a, m, l), *y = rn_forecast_field(b, m, l);
      for (size_t i = 0; i < npix; i++) {
        float want = x[i] < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : x[i];
        if (isnan(want) != isnan(y[i]))
          nan_mismatch++;
        else if (!isnan(want) && fabs(want - y[i]) > maxdiff)
          maxdiff = fabs(want - y[i]);
      }
    }
  printf("dbz round trip: max |difference| %.6f dBZ, %d nodata mismatches\n", maxdiff,
         nan_mismatch);
  CHECK(maxdiff <= 0.005 + 1e-5);
  CHECK(nan_mismatch == 0);
  for (int k = 0; k < a->nthresholds; k++)
    CHECK(b->thresholds[k] == a->thresholds[k]);
  maxdiff = 0;
  nan_mismatch = 0;
  for (size_t i = 0; i < (size_t)a->nleads * a->nthresholds * npix; i++) {
    if (isnan(a->prob[i]) != isnan(b->prob[i]))
      nan_mismatch++;
    else if (!isnan(a->prob[i]) && fabs(a->prob[i] - b->prob[i]) > maxdiff)
      maxdiff = fabs(a->prob[i] - b->prob[i]);
  }
  printf("probability round trip: max |difference| %.6f\n", maxdiff);
  CHECK(maxdiff <= 5e-5 + 1e-7);
  CHECK(nan_mismatch == 0);
}

static void text_att(int ncid, int var, const char *name, char *buf, size_t size)
{
  size_t len = 0;
  buf[0] = '\0';
  if (nc_inq_attlen(ncid, var, name, &len) == NC_NOERR && len < size) {
    nc_get_att_text(ncid, var, name, buf);
    buf[len] = '\0';
  }
}

/* The file as another CF reader sees it, through the netCDF API. */
static void check_layout(const char *path, const struct rn_forecast *fc)
{
  int ncid, dv, pv, kv, tv, fpv, rtv, nd, dimids[4], storage, shuffle, deflate, level;
  size_t chunks[4], len;
  char name[NC_MAX_NAME + 1], buf[256];
  const char *want[4] = {"realization", "time", "y", "x"};
  short fillv = 0, packed[4];
  float scale = 0;
  double t[8], ref;
  int fp[8];

  CHECK_OK(nc_open(path, NC_NOWRITE, &ncid));
  text_att(ncid, NC_GLOBAL, "Conventions", buf, sizeof buf);
  CHECK_STR(buf, "CF-1.8");
  text_att(ncid, NC_GLOBAL, "predictor", buf, sizeof buf);
  CHECK_STR(buf, "extrapolation");
  CHECK_OK(nc_inq_varid(ncid, "dbz", &dv));
  CHECK_OK(nc_inq_varndims(ncid, dv, &nd));
  CHECK(nd == 4);
  CHECK_OK(nc_inq_vardimid(ncid, dv, dimids));
  for (int d = 0; d < 4 && nd == 4; d++) {
    nc_inq_dimname(ncid, dimids[d], name);
    CHECK_STR(name, want[d]);
  }
  text_att(ncid, dv, "standard_name", buf, sizeof buf);
  CHECK_STR(buf, "equivalent_reflectivity_factor");
  text_att(ncid, dv, "units", buf, sizeof buf);
  CHECK_STR(buf, "dBZ");
  text_att(ncid, dv, "grid_mapping", buf, sizeof buf);
  CHECK_STR(buf, "crs");
  nc_type type;
  CHECK_OK(nc_inq_vartype(ncid, dv, &type));
  CHECK(type == NC_SHORT);
  CHECK_OK(nc_get_att_short(ncid, dv, "_FillValue", &fillv));
  CHECK(fillv == -32768);
  CHECK_OK(nc_get_att_float(ncid, dv, "scale_factor", &scale));
  CHECK_NEAR(scale, 0.01, 1e-9);
  CHECK_OK(nc_inq_var_chunking(ncid, dv, &storage, chunks));
  CHECK(storage == NC_CHUNKED && chunks[0] == 1 && chunks[1] == 1 &&
        chunks[2] == (size_t)fc->grid.ny && chunks[3] == (size_t)fc->grid.nx);
  CHECK_OK(nc_inq_var_deflate(ncid, dv, &shuffle, &deflate, &level));
  CHECK(deflate && level > 0);
  /* Packed values of member 0, lead 0, row 0: nodata, no echo, -45 -> no echo, 95. */
  {
    size_t start[4] = {0, 0, 0, 0}, count[4] = {1, 1, 1, 4};
    CHECK_OK(nc_get_vara_short(ncid, dv, start, count, packed));
    CHECK(packed[0] == -32768);
    CHECK(packed[1] == -3200);
    CHECK(packed[2] == -3200);
    CHECK(packed[3] == 9500);
  }
  CHECK_OK(nc_inq_varid(ncid, "time", &tv));
  text_att(ncid, tv, "axis", buf, sizeof buf);
  CHECK_STR(buf, "T");
  text_att(ncid, tv, "units", buf, sizeof buf);
  CHECK_STR(buf, "seconds since 1970-01-01 00:00:00");
  CHECK_OK(nc_get_var_double(ncid, tv, t));
  CHECK_OK(nc_inq_varid(ncid, "forecast_reference_time", &rtv));
  CHECK_OK(nc_inq_varndims(ncid, rtv, &nd));
  CHECK(nd == 0);
  CHECK_OK(nc_get_var_double(ncid, rtv, &ref));
  CHECK_NEAR(ref, 1581080400.0, 0); /* 2020-02-07T13:00:00Z */
  CHECK_OK(nc_inq_varid(ncid, "forecast_period", &fpv));
  text_att(ncid, fpv, "standard_name", buf, sizeof buf);
  CHECK_STR(buf, "forecast_period");
  CHECK_OK(nc_get_var_int(ncid, fpv, fp));
  for (int l = 0; l < fc->nleads; l++) {
    CHECK_NEAR(t[l], ref + 300 * (l + 1), 0);
    CHECK(fp[l] == 300 * (l + 1));
  }
  CHECK_OK(nc_inq_varid(ncid, "threshold", &kv));
  text_att(ncid, kv, "spp__relative_to_threshold", buf, sizeof buf);
  CHECK_STR(buf, "greater_than_or_equal_to");
  text_att(ncid, kv, "units", buf, sizeof buf);
  CHECK_STR(buf, "dBZ");
  CHECK_OK(nc_inq_varid(ncid, "probability_of_equivalent_reflectivity_factor_above_threshold", &pv));
  CHECK_OK(nc_inq_vardimid(ncid, pv, dimids));
  nc_inq_dimname(ncid, dimids[1], name);
  CHECK_STR(name, "threshold");
  CHECK_OK(nc_inq_varid(ncid, "crs", &dv));
  CHECK_OK(nc_inq_attlen(ncid, dv, "crs_wkt", &len));
  CHECK(len > 20);
  CHECK_OK(nc_inq_varid(ncid, "lat", &dv));
  CHECK_OK(nc_inq_varndims(ncid, dv, &nd));
  CHECK(nd == 2);
  CHECK_OK(nc_inq_varid(ncid, "x", &dv));
  text_att(ncid, dv, "standard_name", buf, sizeof buf);
  CHECK_STR(buf, "projection_x_coordinate");
  nc_close(ncid);
}

static void copy_prefix(const char *src, const char *dst, long nbytes)
{
  FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
  char b[4096];
  long done = 0;
  CHECK(in && out);
  while (in && out && done < nbytes) {
    size_t n = fread(b, 1, (size_t)(nbytes - done) < sizeof b ? (size_t)(nbytes - done) : sizeof b, in);
    if (n == 0)
      break;
    fwrite(b, 1, n, out);
    done += (long)n;
  }
  if (in) fclose(in);
  if (out) fclose(out);
}

int main(void)
{
  struct rn_grid g;
  struct rn_forecast fc, back, det;
  char path[256], trunc[256], bad[256], path3[256];
  FILE *f;
  long size;

  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(path, sizeof path, "%s/fc.nc", dir);
  CHECK_OK(rn_grid_init(&g, "EPSG:3067", 9, 6, 300000, 7000000, 1000, 1000));
  CHECK_OK(rn_forecast_alloc(&fc, &g, 3, 2, 2));
  CHECK(isnan(fc.dbz[0]) && isnan(fc.prob[0]));
  fill(&fc);
  CHECK_OK(rn_forecast_write(&fc, path));
  check_layout(path, &fc);
  CHECK_OK(rn_forecast_read(&back, path));
  check_roundtrip(&fc, &back);
  rn_forecast_free(&back);

  /* A deterministic forecast without probabilities. */
  snprintf(path3, sizeof path3, "%s/det.nc", dir);
  CHECK_OK(rn_forecast_alloc(&det, &g, 2, 1, 0));
  CHECK(det.prob == NULL);
  fill(&det);
  snprintf(det.predictor, sizeof det.predictor, "persistence");
  CHECK_OK(rn_forecast_write(&det, path3));
  CHECK_OK(rn_forecast_read(&back, path3));
  check_roundtrip(&det, &back);
  rn_forecast_free(&back);
  rn_forecast_free(&det);

  /* Bad allocations are refused with a message. */
  CHECK(rn_forecast_alloc(&det, &g, 0, 1, 0) == RN_EUSAGE);
  CHECK(rn_forecast_alloc(&det, &g, 1, 1, RN_MAX_THRESHOLDS + 1) == RN_EUSAGE);

  /* Truncated file: a format error naming the file, nothing left allocated. */
  f = fopen(path, "rb");
  CHECK(f != NULL);
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fclose(f);
  snprintf(trunc, sizeof trunc, "%s/truncated.nc", dir);
  copy_prefix(path, trunc, size / 2);
  CHECK(rn_forecast_read(&back, trunc) == RN_EFORMAT);
  printf("truncated: %s\n", rn_errmsg());
  CHECK_CONTAINS(rn_errmsg(), "truncated.nc");
  CHECK(back.dbz == NULL);

  /* Not a NetCDF file at all, and a missing file. */
  snprintf(bad, sizeof bad, "%s/text.nc", dir);
  f = fopen(bad, "w");
  fputs("not netcdf\n", f);
  fclose(f);
  CHECK(rn_forecast_read(&back, bad) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "text.nc");
  CHECK(rn_forecast_read(&back, "/nonexistent/x.nc") != RN_OK);

  /* A frame file is not a forecast: clear message. */
  {
    struct rn_frame fr;
    snprintf(bad, sizeof bad, "%s/frame.nc", dir);
    CHECK_OK(rn_frame_alloc(&fr, &g));
    fr.time = fc.reference_time;
    CHECK_OK(rn_frame_write(&fr, bad));
    rn_frame_free(&fr);
    CHECK(rn_forecast_read(&back, bad) == RN_EFORMAT);
    printf("frame as forecast: %s\n", rn_errmsg());
    CHECK_CONTAINS(rn_errmsg(), "frame.nc");
  }

  /* Writing into a folder that does not exist fails without leftovers. */
  snprintf(bad, sizeof bad, "%s/missing/fc.nc", dir);
  CHECK(rn_forecast_write(&fc, bad) == RN_EWRITE);

  rn_forecast_free(&fc);
  rn_grid_free(&g);
  unlink(path);
  unlink(path3);
  unlink(trunc);
  snprintf(bad, sizeof bad, "%s/text.nc", dir);
  unlink(bad);
  snprintf(bad, sizeof bad, "%s/frame.nc", dir);
  unlink(bad);
  CHECK(rmdir(dir) == 0); /* no temporary files left behind */
  TEST_DONE();
}
