/* bench_models.c - time the recurrent predictors (model.h) on the CPU.
 *
 *   bench_models [-d DEF.ini] [-t THREADS] [-r REPS] [-b B] [-c CONV] MODE
 *
 * MODE: forward (inference, rn_model_predict: T_in frames -> T_out frames)
 * or train (one training step: zero gradients, forward with a random
 * scheduled-sampling mask, loss, backward, Adam). The default definition is
 * the papers' MotionRNN-MIM (etc/models/motionrnn-mim.ini: 64x64, patch 4,
 * 4 x 64 hidden, filter 5, 10 -> 10). One warm-up run, then REPS timed
 * runs (CONV: the CPU convolutions, auto | onednn | im2col | winograd);
 * prints one line of key=value pairs: median and minimum seconds,
 * GFLOP/s of the forward, the model's own memory accounting and the
 * process's maximum resident set size. bench/bench_models.py runs this and
 * the PyTorch reference alternately and writes the table of RESULTS.md. */
#include <radnow/backend.h>
#include <radnow/model.h>
#include <radnow/optim.h>
#include <radnow/rng.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void usage(void)
{
  fprintf(stderr, "usage: bench_models [-d DEF.ini] [-t THREADS] [-r REPS] [-b B] [-c CONV] "
                  "forward|train\n");
  exit(1);
}

int main(int argc, char **argv)
{
  const char *def = NULL, *mode;
  int threads = 0, reps = 3, B = 1, opt, train;
  struct rn_model_config mc;
  struct rn_backend_options bo = RN_BACKEND_OPTIONS_INIT;
  struct rn_backend *be;
  struct rn_model *m;
  struct rn_adam adam;
  struct rn_model_memory mem;
  struct rusage ru;
  double *ts, loss = 0.0;
  float *frames, *pred, *mask;
  long F, T;
  while ((opt = getopt(argc, argv, "d:t:r:b:c:")) != -1) {
    switch (opt) {
    case 'c':
      if (rn_conv_kind_parse(optarg) < 0)
        usage();
      bo.conv = (enum rn_conv_kind)rn_conv_kind_parse(optarg);
      break;
    case 'd': def = optarg; break;
    case 't': threads = atoi(optarg); break;
    case 'r': reps = atoi(optarg); break;
    case 'b': B = atoi(optarg); break;
    default: usage();
    }
  }
  if (optind != argc - 1 || reps < 1 || B < 1)
    usage();
  mode = argv[optind];
  if (strcmp(mode, "forward") && strcmp(mode, "train"))
    usage();
  train = strcmp(mode, "train") == 0;
  rn_model_config_default(&mc);
  if (def && rn_model_config_load(&mc, def, 0, NULL)) {
    fprintf(stderr, "%s\n", rn_errmsg());
    return 1;
  }
  bo.device = "cpu";
  bo.threads = threads;
  if (rn_backend_open(&be, &bo) || rn_model_create(&m, &mc, be) || rn_model_init(m, 1)) {
    fprintf(stderr, "%s\n", rn_errmsg());
    return 1;
  }
  T = mc.input_length + mc.output_length;
  F = (long)mc.channels * mc.height * mc.width;
  frames = rn_alloc(be, B * T * F);
  pred = rn_alloc(be, B * mc.output_length * F);
  mask = malloc(sizeof(float) * B * mc.output_length);
  ts = malloc(sizeof(double) * reps);
  if (!frames || !pred || !mask || !ts)
    return 1;
  rn_rand_uniform(be, frames, B * T * F, 0.0f, 1.0f, 7, 0);
  srand(7);
  for (int i = 0; i < B * (mc.output_length - 1); i++)
    mask[i] = rand() % 2;
  rn_adam_init(&adam);
  for (int r = -1; r < reps; r++) {
    double t0 = now();
    enum rn_status st;
    if (train) {
      rn_params_zero_grad(rn_model_params(m));
      if (!(st = rn_model_forward(m, frames, mask, B, &loss)) && !(st = rn_model_backward(m)))
        st = rn_adam_step(&adam, rn_model_params(m), 3e-4f);
    } else {
      /* inference reads the first T_in frames of each sample */
      st = rn_model_predict(m, pred, frames, B);
    }
    if (!st)
      st = rn_backend_sync(be);
    if (st) {
      fprintf(stderr, "%s\n", rn_errmsg());
      return 1;
    }
    if (r >= 0)
      ts[r] = now() - t0;
  }
  qsort(ts, reps, sizeof *ts, cmp);
  rn_model_memory(m, &mem);
  getrusage(RUSAGE_SELF, &ru);
  printf("impl=c model=%s mode=%s B=%d threads=%d reps=%d median_s=%.4f min_s=%.4f "
         "fwd_gflop=%.2f params=%ld mem_params=%zu mem_grads=%zu mem_optimizer=%zu "
         "mem_activations=%zu mem_scratch=%zu mem_total=%zu maxrss_kb=%ld loss=%.6g backend=\"%s\"\n",
         mc.type, mode, B, rn_backend_threads(be), reps, ts[reps / 2], ts[0],
         rn_model_flops(&mc, B) * 1e-9, rn_params_count(rn_model_params(m)), mem.params,
         mem.grads, mem.optimizer, mem.peak_activations, mem.scratch, mem.total, ru.ru_maxrss,
         loss, rn_backend_describe(be));
  free(ts);
  free(mask);
  rn_free(be, frames);
  rn_free(be, pred);
  rn_model_destroy(m);
  rn_backend_close(be);
  return 0;
}
