/* bench_extrap.c - wall time of the extrapolation predictors, median of N
 * runs on 1 and 2 threads:
 *   1. motion estimation alone, and motion + 12-lead extrapolation, on the
 *      760 x 1226 FMI composite grid (the real frames, read with
 *      rn_ingest_read);
 *   2. the predictor part of one operational cycle on a 512 x 512, 1 km grid:
 *      10 inputs (synthetic scene, radnow synth), 12 leads, `extrapolation`
 *      and a 20-member `extrapolation-ens` (ensemble probabilities included).
 * Results go to bench/RESULTS.md by hand, with the machine and its load.
 *
 * usage: bench_extrap [--runs N] [--fmi DIR] [--members M] [--only fmi|cycle]
 *                     [--threads N]   (default: 1, then 2) */
#include <radnow/config.h>
#include <radnow/ingest.h>
#include <radnow/log.h>
#include <radnow/predictor.h>
#include <radnow/synth.h>

#include <dirent.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "../models/optflow.h"

#define MAXFRAMES 16

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* CPU time of the process (all threads), seconds: on a loaded machine the
 * wall time of a 1-thread run overstates what it costs; its CPU time does
 * not. */
static double cpu_clock(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double median(double *t, int n)
{
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static void set_threads(int n)
{
#ifdef _OPENMP
  omp_set_num_threads(n);
#else
  (void)n;
#endif
}

/* The first n frames of the FMI folder, in time order. */
static int load_fmi(const char *dir, int n, struct rn_frame *frames)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char *names[256];
  int nn = 0, got = 0;
  struct rn_ingest_options opt;
  if (!d) {
    fprintf(stderr, "bench_extrap: %s: cannot open\n", dir);
    return 0;
  }
  while ((e = readdir(d)) && nn < 256)
    if (strstr(e->d_name, ".pgm"))
      names[nn++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)nn, sizeof *names, cmp_str);
  rn_ingest_options_init(&opt);
  for (int i = 0; i < nn && got < n; i++) {
    char path[4096];
    struct rn_radar_data rd;
    if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path)
      continue;
    if (rn_ingest_read(path, &opt, &rd)) {
      fprintf(stderr, "bench_extrap: %s\n", rn_errmsg());
      break;
    }
    if (rd.kind != RN_DATA_GRID) {
      fprintf(stderr, "bench_extrap: %s: not a gridded frame\n", path);
      rn_radar_data_free(&rd);
      break;
    }
    frames[got++] = rd.frame;
    memset(&rd.frame, 0, sizeof rd.frame);
    rn_radar_data_free(&rd);
  }
  for (int i = 0; i < nn; i++)
    free(names[i]);
  return got;
}

static double run_predictor(struct rn_predictor *p, const struct rn_frame *const *w, int n,
                            double *cpu)
{
  struct rn_forecast fc;
  double c0 = cpu_clock(), t0 = rn_clock();
  if (rn_predictor_run(p, w, n, &fc)) {
    fprintf(stderr, "bench_extrap: %s\n", rn_errmsg());
    exit(1);
  }
  t0 = rn_clock() - t0;
  *cpu = cpu_clock() - c0;
  rn_forecast_free(&fc);
  return t0;
}

static int tmin = 1, tmax = 2;

static void bench_fmi(const char *dir, int runs)
{
  struct rn_frame frames[MAXFRAMES];
  const struct rn_frame *w[MAXFRAMES];
  int n = load_fmi(dir, 10, frames);
  struct rn_predictor *p;
  struct rn_optflow_params par;
  if (n < 10) {
    fprintf(stderr, "bench_extrap: %d FMI frames read from %s, need 10: skipped\n", n, dir);
    for (int i = 0; i < n; i++)
      rn_frame_free(&frames[i]);
    return;
  }
  for (int i = 0; i < n; i++)
    w[i] = &frames[i];
  if (rn_predictor_create("extrapolation", NULL, &p)) {
    fprintf(stderr, "bench_extrap: %s\n", rn_errmsg());
    exit(1);
  }
  rn_optflow_defaults(&par);
  printf("FMI %d x %d, %d inputs (motion from the last %d), 12 leads, median of %d runs\n",
         frames[0].grid.nx, frames[0].grid.ny, n, p->ninputs, runs);
  for (int threads = tmin; threads <= tmax; threads++) {
    double tm[64], tx[64], cm[64], cx[64];
    size_t npix = (size_t)frames[0].grid.nx * frames[0].grid.ny;
    float *u = malloc(npix * sizeof(float)), *v = malloc(npix * sizeof(float));
    const float *f[3] = {frames[n - 3].dbz, frames[n - 2].dbz, frames[n - 1].dbz};
    set_threads(threads);
    for (int r = 0; r < runs; r++) {
      double c0 = cpu_clock(), t0 = rn_clock();
      rn_optflow(f, 3, frames[0].grid.nx, frames[0].grid.ny, &par, u, v);
      tm[r] = rn_clock() - t0;
      cm[r] = cpu_clock() - c0;
      tx[r] = run_predictor(p, w, n, &cx[r]);
    }
    printf("  %d thread(s): motion %.3f s (cpu %.3f s), motion + 12-lead extrapolation %.3f s "
           "(cpu %.3f s)\n",
           threads, median(tm, runs), median(cm, runs), median(tx, runs), median(cx, runs));
    free(u);
    free(v);
  }
  rn_predictor_destroy(p);
  for (int i = 0; i < n; i++)
    rn_frame_free(&frames[i]);
}

static void bench_cycle(int runs, int members)
{
  struct rn_synth_options so;
  struct rn_synth *s;
  struct rn_grid g;
  struct rn_frame frames[10];
  const struct rn_frame *w[10];
  struct rn_config *cfg = rn_config_new();
  struct rn_predictor *det, *ens;
  char m[16];
  rn_synth_options_init(&so);
  so.range = 256000; /* 512 x 512 pixels of 1 km */
  if (rn_synth_new(&so, &s) || rn_synth_grid(s, 512, &g)) {
    fprintf(stderr, "bench_extrap: %s\n", rn_errmsg());
    exit(1);
  }
  for (int i = 0; i < 10; i++) {
    if (rn_synth_truth(s, so.start + 3600 + i * so.step, &g, "pcappi", &frames[i])) {
      fprintf(stderr, "bench_extrap: %s\n", rn_errmsg());
      exit(1);
    }
    w[i] = &frames[i];
  }
  snprintf(m, sizeof m, "%d", members);
  rn_config_set(cfg, "predictor.extrapolation-ens", "members", m);
  if (rn_predictor_create("extrapolation", cfg, &det) ||
      rn_predictor_create("extrapolation-ens", cfg, &ens)) {
    fprintf(stderr, "bench_extrap: %s\n", rn_errmsg());
    exit(1);
  }
  printf("cycle predictors on %d x %d (%.0f m), 10 inputs, 12 leads, median of %d runs\n", g.nx,
         g.ny, g.dx, runs);
  for (int threads = tmin; threads <= tmax; threads++) {
    double td[64], te[64], tt[64], cd[64], ce[64];
    set_threads(threads);
    for (int r = 0; r < runs; r++) {
      td[r] = run_predictor(det, w, 10, &cd[r]);
      te[r] = run_predictor(ens, w, 10, &ce[r]);
      tt[r] = td[r] + te[r];
    }
    printf("  %d thread(s): extrapolation %.3f s (cpu %.3f s), extrapolation-ens (%d members) "
           "%.3f s (cpu %.3f s), total %.3f s\n",
           threads, median(td, runs), median(cd, runs), members, median(te, runs),
           median(ce, runs), median(tt, runs));
  }
  rn_predictor_destroy(det);
  rn_predictor_destroy(ens);
  rn_config_free(cfg);
  for (int i = 0; i < 10; i++)
    rn_frame_free(&frames[i]);
  rn_grid_free(&g);
  rn_synth_free(s);
}

int main(int argc, char **argv)
{
  const char *data = getenv("RADNOW_TESTDATA");
  char fmi[4096];
  const char *only = NULL;
  int runs = 5, members = 20;
  snprintf(fmi, sizeof fmi, "%s/composites/fmi_pgm_20160928",
           data && *data ? data : "../shared/data/radar");
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (strcmp(argv[i], "--fmi") == 0 && i + 1 < argc)
      snprintf(fmi, sizeof fmi, "%s", argv[++i]);
    else if (strcmp(argv[i], "--members") == 0 && i + 1 < argc)
      members = atoi(argv[++i]);
    else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
      only = argv[++i];
    else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
      tmin = tmax = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_extrap [--runs N] [--fmi DIR] [--members M] "
                      "[--only fmi|cycle] [--threads N]\n");
      return 1;
    }
  }
  if (runs < 1 || runs > 64 || members < 2 || tmin < 1) {
    fprintf(stderr, "bench_extrap: --runs 1..64, --members >= 2, --threads >= 1\n");
    return 1;
  }
  if (!only || strcmp(only, "fmi") == 0)
    bench_fmi(fmi, runs);
  if (!only || strcmp(only, "cycle") == 0)
    bench_cycle(runs, members);
  return 0;
}
