/* bench_nn.c - speed of radnow's neural-network layers on the CPU.
 *
 *   bench/bench_nn [--threads N] [--conv dnnl|im2col|winograd] [--gemm dnnl|openblas] [--reps R]
 *                  [--case NAME] [--hold] [--no-sgemm] [--cpu-time]
 *
 * Prints one line per case: name, threads, median milliseconds of the forward
 * and of the backward pass (input, weight and bias gradients) over R runs
 * after a warm-up, and GFLOP/s; first the sgemm rate (OpenBLAS cblas_sgemm,
 * 2048^3) that the convolutions are compared with. bench/bench_nn.py measures
 * the same cases with PyTorch; it runs both in turn and prints the table
 * of bench/RESULTS.md. --hold holds the parameters during the runs
 * (rn_backend_hold_params), as a recurrent model does over a sequence: the
 * Winograd convolutions then transform the weights once. */
#include <radnow/backend.h>
#include <radnow/layers.h>

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bcase {
  const char *name;
  int kind; /* 0 conv, 1 transposed conv, 2 deformable sampling */
  int B, C, H, W, O, K, S, P;
};

static const struct bcase cases[] = {
    {"conv5x5_64to256_16x16_b1", 0, 1, 64, 16, 16, 256, 5, 1, 2},
    {"conv5x5_64to256_16x16_b8", 0, 8, 64, 16, 16, 256, 5, 1, 2},
    {"conv5x5_64to256_64x64_b1", 0, 1, 64, 64, 64, 256, 5, 1, 2},
    {"conv5x5_64to256_64x64_b8", 0, 8, 64, 64, 64, 256, 5, 1, 2},
    {"convt4x4s2_16to64_8x8_b8", 1, 8, 16, 8, 8, 64, 4, 2, 1},
    {"convt4x4s2_64to64_32x32_b8", 1, 8, 64, 32, 32, 64, 4, 2, 1},
    {"deform3_16ch_8x8_b8", 2, 8, 16, 8, 8, 0, 0, 0, 0},
    {"deform3_64ch_32x32_b8", 2, 8, 64, 32, 32, 0, 0, 0, 0},
};

/* wall time; --cpu-time: processor time of the process (all threads), which
 * a busy machine disturbs less when exploring with one thread */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
  struct timespec t;
  clock_gettime(clock_id, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
  qsort(t, n, sizeof *t, cmp);
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static float *randbuf(struct rn_backend *be, long n, float scale)
{
  float *p = rn_alloc(be, n);
  for (long i = 0; i < n; i++)
    p[i] = scale * (float)((rand() % 2001) - 1000) / 1000.0f;
  return p;
}

static void sgemm_rate(int reps)
{
  const int n = 2048;
  float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n);
  float *c = malloc(sizeof(float) * n * n);
  double t[64];
  for (long i = 0; i < (long)n * n; i++) {
    a[i] = (float)(i % 7) * 1e-3f;
    b[i] = (float)(i % 5) * 1e-3f;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    t[r] = now() - t0;
  }
  double m = median(t, reps);
  printf("sgemm_2048 %.3f %.3f %.1f %.1f\n", m * 1e3, 0.0, 2.0 * n * n * n / m * 1e-9, 0.0);
  free(a);
  free(b);
  free(c);
}

static int hold;

static void run(struct rn_backend *be, const struct bcase *k, int reps, int threads)
{
  double tf[64], tb[64], flops = 0;
  long nx = (long)k->B * k->C * k->H * k->W;
  struct rn_conv s;
  float *x = randbuf(be, nx, 1.0f), *dx = rn_alloc(be, nx);
  float *w = NULL, *b = NULL, *dw = NULL, *db = NULL, *y, *dy, *off = NULL, *mask = NULL;
  float *doff = NULL, *dmask = NULL;
  long ny, nw = 0, no = 0;
  if (k->kind == 2) {
    no = (long)k->B * 9 * k->H * k->W;
    ny = 9 * nx;
    off = randbuf(be, 2 * no, 2.0f);
    mask = randbuf(be, no, 1.0f);
    doff = rn_alloc(be, 2 * no);
    dmask = rn_alloc(be, no);
  } else {
    s = k->kind ? rn_convt2d(k->B, k->C, k->H, k->W, k->O, k->K, k->S, k->P)
                : rn_conv2d(k->B, k->C, k->H, k->W, k->O, k->K, k->S, k->P);
    ny = (long)k->B * k->O * s.OH * s.OW;
    nw = (long)k->O * k->C * k->K * k->K;
    w = randbuf(be, nw, 0.05f);
    b = randbuf(be, k->O, 1.0f);
    dw = rn_alloc(be, nw);
    db = rn_alloc(be, k->O);
    /* multiply-adds of the gemm: per output (plain) or input (transposed) point */
    flops = 2.0 * k->B * k->O * k->C * k->K * k->K *
            (k->kind ? (double)k->H * k->W : (double)s.OH * s.OW);
  }
  y = rn_alloc(be, ny);
  dy = randbuf(be, ny, 1.0f);
  if (hold) /* as inside a model: the same weights for every step */
    rn_backend_hold_params(be, 1);
  for (int r = -1; r < reps; r++) {
    double t0 = now();
    if (k->kind == 2)
      rn_deform3_forward(be, y, x, off, mask, k->B, k->C, k->H, k->W);
    else
      rn_conv_forward(be, &s, y, x, w, b);
    double t1 = now();
    if (k->kind == 2)
      rn_deform3_backward(be, dx, doff, dmask, dy, x, off, mask, k->B, k->C, k->H, k->W);
    else
      rn_conv_backward(be, &s, dx, dw, db, dy, x, w);
    double t2 = now();
    if (r >= 0) {
      tf[r] = t1 - t0;
      tb[r] = t2 - t1;
    }
  }
  rn_backend_hold_params(be, 0);
  if (rn_backend_sync(be)) {
    fprintf(stderr, "bench: %s\n", rn_errmsg());
    exit(1);
  }
  double mf = median(tf, reps), mb = median(tb, reps);
  printf("%s %d %.3f %.3f %.1f %.1f\n", k->name, threads, mf * 1e3, mb * 1e3,
         flops ? flops / mf * 1e-9 : 0.0, flops ? 2 * flops / mb * 1e-9 : 0.0);
  fflush(stdout);
  rn_free(be, x);
  rn_free(be, dx);
  rn_free(be, y);
  rn_free(be, dy);
  rn_free(be, w);
  rn_free(be, b);
  rn_free(be, dw);
  rn_free(be, db);
  rn_free(be, off);
  rn_free(be, mask);
  rn_free(be, doff);
  rn_free(be, dmask);
}

int main(int argc, char **argv)
{
  struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
  struct rn_backend *be;
  const char *only = NULL;
  int reps = 7, sgemm = 1;
  opt.device = "cpu";
  opt.threads = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
      opt.threads = atoi(argv[++i]);
    else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
      reps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
      only = argv[++i];
    else if (strcmp(argv[i], "--hold") == 0)
      hold = 1;
    else if (strcmp(argv[i], "--no-sgemm") == 0)
      sgemm = 0;
    else if (strcmp(argv[i], "--cpu-time") == 0)
      clock_id = CLOCK_PROCESS_CPUTIME_ID;
    else if (strcmp(argv[i], "--gemm") == 0 && i + 1 < argc) {
      i++;
      opt.gemm = strcmp(argv[i], "openblas") == 0 ? RN_GEMM_OPENBLAS : RN_GEMM_DNNL;
    } else if (strcmp(argv[i], "--conv") == 0 && i + 1 < argc) {
      i++;
      opt.conv = strcmp(argv[i], "im2col") == 0     ? RN_CONV_IM2COL
                 : strcmp(argv[i], "winograd") == 0 ? RN_CONV_WINOGRAD
                                                    : RN_CONV_DNNL;
    } else {
      fprintf(stderr, "usage: bench_nn [--threads N] [--conv dnnl|im2col|winograd] [--gemm dnnl|openblas] "
                      "[--reps R] [--case NAME] [--hold] [--no-sgemm] [--cpu-time]\n");
      return 1;
    }
  }
  if (reps < 1 || reps > 64)
    reps = 7;
  if (rn_backend_open(&be, &opt)) {
    fprintf(stderr, "bench: %s\n", rn_errmsg());
    return 1;
  }
  printf("# %s\n", rn_backend_describe(be));
  if (sgemm)
    sgemm_rate(reps);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (!only || strcmp(only, cases[i].name) == 0)
      run(be, &cases[i], reps, opt.threads);
  rn_backend_close(be);
  return 0;
}
