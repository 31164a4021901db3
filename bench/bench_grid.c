/* bench_grid.c - time of gridding one radar volume, reading the file
 * included: cold (the lookup table is built) and warm (it is reused), for
 * pcappi and cmax, on 1 and 2 threads. Results go in bench/RESULTS.md.
 *
 *   bench/bench_grid [--runs N] [--size N] [--res M] FILE
 *   bench/bench_grid [--runs N] --synthetic     12 x 360 x 800 volume in memory
 */
#include <radnow/ingest.h>
#include <radnow/log.h>
#include <radnow/polar2grid.h>

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

static double median(double *t, int n)
{
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static void synthetic(struct rn_volume *v)
{
  memset(v, 0, sizeof *v);
  snprintf(v->source, sizeof v->source, "synthetic");
  v->lat = 51.0692;
  v->lon = 5.4056;
  v->height = 142;
  rn_volume_alloc_sweeps(v, 12);
  for (int k = 0; k < 12; k++) {
    struct rn_sweep *sw = &v->sweeps[k];
    struct rn_moment *m;
    rn_sweep_alloc(sw, 360, 800);
    rn_sweep_add_moment(sw, "DBZH", &m);
    sw->elevation = 0.3 + k * 2.2;
    sw->first_gate = 125;
    sw->gate_spacing = 250;
    for (int r = 0; r < 360; r++) {
      sw->azimuth[r] = r + 0.5;
      for (int g = 0; g < 800; g++) {
        unsigned h = (unsigned)(r * 2654435761u + g * 40503u + k * 97u);
        float x = (float)(h % 1000) * 0.06f - 10;
        m->data[(size_t)r * 800 + g] = (h % 7) == 0 ? RN_NODATA : x < 0 ? RN_UNDETECT : x;
      }
    }
  }
}

/* One timed run: read (unless synthetic) and grid. */
static int run(const char *file, const struct rn_volume *synth, const struct rn_grid *grid,
               const struct rn_p2g_options *opt, struct rn_lut_cache *cache, double *seconds)
{
  struct rn_radar_data d;
  struct rn_frame fr;
  const struct rn_volume *vol = synth;
  double t0 = rn_clock();
  if (file) {
    if (rn_ingest_read(file, NULL, &d)) {
      fprintf(stderr, "bench_grid: %s\n", rn_errmsg());
      return 1;
    }
    if (d.kind != RN_DATA_VOLUME) {
      fprintf(stderr, "bench_grid: %s: not a polar volume\n", file);
      return 1;
    }
    vol = &d.vol;
  }
  if (rn_polar2grid(vol, NULL, grid, opt, cache, &fr, NULL)) {
    fprintf(stderr, "bench_grid: %s\n", rn_errmsg());
    return 1;
  }
  *seconds = rn_clock() - t0;
  rn_frame_free(&fr);
  if (file)
    rn_radar_data_free(&d);
  return 0;
}

int main(int argc, char **argv)
{
  const char *file = NULL;
  int runs = 7, size = 500, synth_mode = 0;
  double res = 1000;
  struct rn_volume synth, *vol;
  struct rn_radar_data d;
  struct rn_grid grid;
  static const char *products[] = {"pcappi", "cmax"};

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
      size = atoi(argv[++i]);
    else if (strcmp(argv[i], "--res") == 0 && i + 1 < argc)
      res = atof(argv[++i]);
    else if (strcmp(argv[i], "--synthetic") == 0)
      synth_mode = 1;
    else if (argv[i][0] != '-')
      file = argv[i];
    else {
      fprintf(stderr, "usage: bench_grid [--runs N] [--size N] [--res M] FILE|--synthetic\n");
      return 1;
    }
  }
  if ((!file && !synth_mode) || runs < 1 || runs > 1000 || size < 1) {
    fprintf(stderr, "usage: bench_grid [--runs N] [--size N] [--res M] FILE|--synthetic\n");
    return 1;
  }
  if (synth_mode) {
    synthetic(&synth);
    vol = &synth;
    file = NULL;
  } else {
    if (rn_ingest_read(file, NULL, &d) || d.kind != RN_DATA_VOLUME) {
      fprintf(stderr, "bench_grid: %s: %s\n", file, rn_errmsg()[0] ? rn_errmsg() : "not a volume");
      return 1;
    }
    vol = &d.vol;
  }
  if (rn_grid_centered(&grid, NULL, vol->lat, vol->lon, size, size, res)) {
    fprintf(stderr, "bench_grid: %s\n", rn_errmsg());
    return 1;
  }
  printf("input: %s, %d sweeps, first %d rays x %d gates; grid %d x %d at %g m (aeqd)\n",
         file ? file : "synthetic", vol->nsweeps, vol->sweeps[0].nrays, vol->sweeps[0].ngates,
         size, size, res);
  {
    FILE *la = fopen("/proc/loadavg", "r");
    char buf[128] = "?";
    if (la) {
      if (!fgets(buf, sizeof buf, la))
        buf[0] = '\0';
      fclose(la);
    }
    printf("load average at start: %s", buf);
  }
  if (file) { /* reading alone, for reference */
    double *t = malloc((size_t)runs * sizeof *t);
    for (int r = 0; r < runs; r++) {
      double t0 = rn_clock();
      struct rn_radar_data x;
      if (rn_ingest_read(file, NULL, &x))
        return 1;
      t[r] = rn_clock() - t0;
      rn_radar_data_free(&x);
    }
    printf("reading the file alone: median %.1f ms\n", median(t, runs) * 1e3);
    free(t);
  }
  printf("%-8s %-7s %-5s %10s %10s %10s   (ms over %d runs, reading included)\n", "product",
         "threads", "lut", "median", "min", "max", runs);
  for (int p = 0; p < 2; p++)
    for (int nt = 1; nt <= 2; nt++) {
      struct rn_p2g_options opt;
      double *t = malloc((size_t)runs * sizeof *t), med;
#ifdef _OPENMP
      omp_set_num_threads(nt);
#endif
      rn_p2g_options_init(&opt);
      rn_p2g_product_parse(products[p], &opt);
      for (int warm = 0; warm < 2; warm++) {
        struct rn_lut_cache *cache = rn_lut_cache_new(NULL, 0);
        double dummy;
        if (warm && run(file, vol, &grid, &opt, cache, &dummy)) /* fill the cache */
          return 1;
        for (int r = 0; r < runs; r++) {
          struct rn_lut_cache *c = warm ? cache : rn_lut_cache_new(NULL, 0);
          if (run(file, vol, &grid, &opt, c, &t[r]))
            return 1;
          if (!warm)
            rn_lut_cache_free(c);
        }
        rn_lut_cache_free(cache);
        med = median(t, runs);
        printf("%-8s %-7d %-5s %10.1f %10.1f %10.1f\n", products[p], nt, warm ? "warm" : "cold",
               med * 1e3, t[0] * 1e3, t[runs - 1] * 1e3);
      }
      free(t);
    }
  rn_grid_free(&grid);
  if (synth_mode)
    rn_volume_free(&synth);
  else
    rn_radar_data_free(&d);
  return 0;
}
