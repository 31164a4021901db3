/* bench_verify.c - time of scoring a verification period in memory:
 * CYCLES cycles x LEADS leads of N x N fields, M members, 3 thresholds
 * (30, 40, 50 dBZ), FSS at 4 scales (1, 3, 9, 27) and SSIM.
 *
 *   bench/bench_verify [--cycles 100] [--leads 12] [--size 512] [--members 20]
 *                      [--no-ssim] [--report DIR]
 *
 * Fields are synthetic and made in the benchmark: echo blobs moving across
 * the grid (about a third of the pixels with echo, a nodata border), members
 * displaced and perturbed copies. Only rn_verify_add is timed (no file I/O,
 * no field generation); the report, when asked for, is timed apart. A cycle's
 * leads go to rn_verify_add_leads in one call (--per-lead: rn_verify_add
 * lead by lead, for comparison). */
#include <radnow/log.h>
#include <radnow/verify.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static uint32_t rng = 12345;

static double uniform(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return (rng >> 8) / 16777216.0;
}

struct blob {
  double x, y, r, peak;
};

#define NBLOBS 40

/* The "truth" at time step t: blobs moving east-north-east, growing and decaying. */
static void truth(float *f, int n, const struct blob *b, int t)
{
#pragma omp parallel for schedule(static)
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int k = 0; k < NBLOBS; k++) {
        double cx = fmod(b[k].x + 2.0 * t, n), cy = fmod(b[k].y + 0.7 * t, n);
        double dx = i - cx, dy = j - cy, r2 = (dx * dx + dy * dy) / (b[k].r * b[k].r);
        if (r2 < 9)
          z += b[k].peak * exp(-r2) * (1 + 0.2 * sin(0.3 * t + k));
      }
      /* below 10 dBZ nothing is detected */
      float v = z >= 10 ? (float)z : -32.f;
      f[(size_t)j * n + i] = (i < 4 || j < 4) ? NAN : v;
    }
}

/* A member: the truth displaced by (sx, sy) pixels plus a perturbation. */
static void member(float *out, const float *obs, const float *noise, int n, int sx, int sy,
                   int offset)
{
#pragma omp parallel for schedule(static)
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      int a = i - sx, b = j - sy;
      float v = (a >= 0 && b >= 0 && a < n && b < n) ? obs[(size_t)b * n + a] : -32.f;
      if (!isnan(v) && v > -32)
        v += noise[((size_t)j * n + i + (size_t)offset) % ((size_t)n * n)];
      out[(size_t)j * n + i] = v;
    }
}

static int median_cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
  int cycles = 100, leads = 12, n = 512, members = 20, ssim = 1;
  const char *report = NULL;
  struct rn_verify_options opt;
  struct rn_verify *v;
  struct blob b[NBLOBS];
  float **obs, **mem, *noise;
  const float *const **mp, **op;
  int *lead_s, per_lead = 0;
  const char *name;
  double t_score = 0, t_gen = 0, t_report = 0, cpu_score = 0, *per_cycle;
  long ncases = 0;

  for (int i = 1; i < argc; i++) {
    if (i + 1 < argc && strcmp(argv[i], "--cycles") == 0)
      cycles = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--leads") == 0)
      leads = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--size") == 0)
      n = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--members") == 0)
      members = atoi(argv[++i]);
    else if (strcmp(argv[i], "--no-ssim") == 0)
      ssim = 0;
    else if (strcmp(argv[i], "--per-lead") == 0)
      per_lead = 1;
    else if (i + 1 < argc && strcmp(argv[i], "--report") == 0)
      report = argv[++i];
    else {
      fprintf(stderr, "usage: bench_verify [--cycles N] [--leads L] [--size N] [--members M] "
                      "[--no-ssim] [--per-lead] [--report DIR]\n");
      return 1;
    }
  }
  if (cycles < 1 || leads < 1 || n < 32 || members < 1 || members > RN_VERIFY_MAX_MEMBERS) {
    fprintf(stderr, "bench_verify: bad sizes\n");
    return 1;
  }
  rn_verify_options_init(&opt);
  opt.ssim = ssim;
  v = rn_verify_new(&opt);
  obs = calloc((size_t)(cycles + leads + 1), sizeof *obs);
  mem = calloc((size_t)members * leads, sizeof *mem);
  noise = malloc((size_t)n * n * sizeof *noise);
  per_cycle = malloc((size_t)cycles * sizeof *per_cycle);
  mp = calloc((size_t)leads, sizeof *mp);
  op = calloc((size_t)leads, sizeof *op);
  lead_s = calloc((size_t)leads, sizeof *lead_s);
  name = members > 1 ? "bench-ensemble" : "bench";
  if (!v || !obs || !mem || !noise || !per_cycle || !mp || !op || !lead_s)
    return 1;
  for (int k = 0; k < NBLOBS; k++)
    b[k] = (struct blob){uniform() * n, uniform() * n, 6 + uniform() * 30, 15 + uniform() * 45};
  for (size_t i = 0; i < (size_t)n * n; i++)
    noise[i] = (float)(uniform() * 8 - 4);
  for (int m = 0; m < members * leads; m++)
    if (!(mem[m] = malloc((size_t)n * n * sizeof(float))))
      return 1;

  double t = rn_clock();
  for (int s = 0; s <= cycles + leads; s++) {
    obs[s] = malloc((size_t)n * n * sizeof(float));
    truth(obs[s], n, b, s);
  }
  t_gen += rn_clock() - t;
  {
    size_t echo = 0, valid = 0;
    for (size_t i = 0; i < (size_t)n * n; i++) {
      valid += !isnan(obs[0][i]);
      echo += obs[0][i] > -32;
    }
    printf("fields: %d x %d, %.0f%% of valid pixels with echo\n", n, n, 100.0 * echo / valid);
  }

  /* one cycle at a time: all its leads scored in one call, a lead per thread */
  for (int c = 0; c < cycles; c++) {
    t = rn_clock();
    for (int l = 0; l < leads; l++) {
      /* members: the truth at the reference time moved by a lead-dependent,
       * member-dependent displacement (extrapolation with errors) */
      for (int m = 0; m < members; m++)
        member(mem[(size_t)l * members + m], obs[c], noise, n, 2 * (l + 1) + (m % 5) - 2,
               ((l + 1) * 7) / 10 + (m / 5) - 2, (c * 131 + l * 17 + m * 7919) % (n * n));
      mp[l] = (const float *const *)(mem + (size_t)l * members);
      op[l] = obs[c + l + 1];
      lead_s[l] = 300 * (l + 1);
    }
    t_gen += rn_clock() - t;
    t = rn_clock();
    clock_t c0 = clock();
    if (per_lead) {
      for (int l = 0; l < leads; l++)
        rn_verify_add(v, name, lead_s[l], mp[l], members, op[l], n, n);
    } else {
      rn_verify_add_leads(v, name, leads, lead_s, mp, members, op, n, n);
    }
    cpu_score += (double)(clock() - c0) / CLOCKS_PER_SEC;
    per_cycle[c] = rn_clock() - t;
    t_score += per_cycle[c];
    ncases += leads;
  }
  if (report) {
    t = rn_clock();
    if (rn_verify_report(v, report, "bench_verify") != RN_OK)
      fprintf(stderr, "bench_verify: %s\n", rn_errmsg());
    t_report = rn_clock() - t;
  }
  qsort(per_cycle, (size_t)cycles, sizeof *per_cycle, median_cmp);
  printf("threads: %d\n",
#ifdef _OPENMP
         omp_get_max_threads()
#else
         1
#endif
  );
  printf("cases: %ld (%d cycles x %d leads), %d members, SSIM %s\n", ncases, cycles, leads,
         members, ssim ? "on" : "off");
  printf("scoring (%s): %.2f s total, %.1f ms per case, median cycle %.1f ms\n",
         per_lead ? "rn_verify_add per lead" : "rn_verify_add_leads per cycle", t_score,
         1e3 * t_score / ncases, 1e3 * per_cycle[cycles / 2]);
  printf("scoring CPU time (all threads): %.2f s\n", cpu_score);
  printf("field generation (not scoring): %.2f s\n", t_gen);
  if (report)
    printf("report: %.2f s\n", t_report);
  printf("CSI30 pooled: %.4f  CSI40: %.4f  CSI50: %.4f\n",
         rn_verify_csi(v, name, RN_VERIFY_POOLED, 30), rn_verify_csi(v, name, RN_VERIFY_POOLED, 40),
         rn_verify_csi(v, name, RN_VERIFY_POOLED, 50));
  for (int s = 0; s <= cycles + leads; s++)
    free(obs[s]);
  for (int m = 0; m < members * leads; m++)
    free(mem[m]);
  free(obs);
  free(mem);
  free(noise);
  free(per_cycle);
  free(mp);
  free(op);
  free(lead_s);
  rn_verify_free(v);
  return 0;
}
