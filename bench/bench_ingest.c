/* bench_ingest.c - time of reading a radar file with rn_ingest_read, on 1
 * and 2 threads, against the plain way for ODIM polar volumes: H5Dread of
 * every /datasetN/data1/data through HDF5's own deflate filter, then the same
 * table conversion to dBZ (what the reader did before it inflated chunks
 * itself with libdeflate on several threads). Results go in bench/RESULTS.md.
 *
 *   bench/bench_ingest [--runs N] FILE
 */
#include <radnow/ingest.h>
#include <radnow/log.h>

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n)
{
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  printf("%-34s median %8.2f  min %8.2f  max %8.2f ms\n", what,
         1e3 * (n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2])), 1e3 * t[0], 1e3 * t[n - 1]);
}

static double attr(hid_t g, const char *name)
{
  double v = 0;
  hid_t a = H5Aopen(g, name, H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  return v;
}

/* The plain way: HDF5 reads and inflates, one dataset after another. */
static int plain(const char *file, int nsweeps)
{
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    return -1;
  for (int k = 1; k <= nsweeps; k++) {
    char name[64];
    snprintf(name, sizeof name, "/dataset%d/data1/what", k);
    hid_t w = H5Gopen2(f, name, H5P_DEFAULT);
    double gain = attr(w, "gain"), offset = attr(w, "offset");
    double nodata = attr(w, "nodata"), undetect = attr(w, "undetect");
    H5Gclose(w);
    snprintf(name, sizeof name, "/dataset%d/data1/data", k);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT), sp = H5Dget_space(d);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(sp, dims, NULL);
    size_t n = (size_t)(dims[0] * dims[1]);
    unsigned char *raw = malloc(n);
    float *out = malloc(n * sizeof *out), lut[256];
    H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw);
    for (int v = 0; v < 256; v++)
      lut[v] = v == nodata ? RN_NODATA : v == undetect ? RN_UNDETECT : (float)(gain * v + offset);
    for (size_t i = 0; i < n; i++)
      out[i] = lut[raw[i]];
    free(raw);
    free(out);
    H5Sclose(sp);
    H5Dclose(d);
  }
  H5Fclose(f);
  return 0;
}

int main(int argc, char **argv)
{
  int runs = 21, a = 1;
  double *t;
  const char *file;
  struct rn_radar_data d;
  if (a + 1 < argc && strcmp(argv[a], "--runs") == 0) {
    runs = atoi(argv[a + 1]);
    a += 2;
  }
  if (a >= argc || runs < 1) {
    fprintf(stderr, "usage: bench_ingest [--runs N] FILE\n");
    return 1;
  }
  file = argv[a];
  t = malloc((size_t)runs * sizeof *t);
  if (rn_ingest_read(file, NULL, &d)) { /* also warms the page cache */
    fprintf(stderr, "bench_ingest: %s\n", rn_errmsg());
    return 1;
  }
  int nsweeps = d.kind == RN_DATA_VOLUME ? d.vol.nsweeps : 0;
  int odim = strncmp(d.format, "ODIM", 4) == 0 && d.kind == RN_DATA_VOLUME;
  rn_radar_data_free(&d);
  printf("%s (%d sweeps), %d runs\n", file, nsweeps, runs);
  for (int nt = 1; nt <= 2; nt++) {
    char what[64];
#ifdef _OPENMP
    omp_set_num_threads(nt);
#endif
    for (int r = 0; r < runs; r++) {
      double t0 = rn_clock();
      if (rn_ingest_read(file, NULL, &d))
        return 1;
      t[r] = rn_clock() - t0;
      rn_radar_data_free(&d);
    }
    snprintf(what, sizeof what, "rn_ingest_read, %d thread%s", nt, nt > 1 ? "s" : "");
    report(what, t, runs);
  }
  if (odim) {
    for (int r = 0; r < runs; r++) {
      double t0 = rn_clock();
      if (plain(file, nsweeps))
        return 1;
      t[r] = rn_clock() - t0;
    }
    report("plain H5Dread + table, 1 thread", t, runs);
  }
  free(t);
  return 0;
}
