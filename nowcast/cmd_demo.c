/* cmd_demo.c - radnow demo: the whole system on a synthetic day, with no
 * data from outside.
 *
 * A fictional radar (synth.h) watches a scene of moving, turning, growing
 * and decaying cells and a stratiform band; its ODIM_H5 volumes go to
 * DIR/input; `radnow run` cycles (the library's rn_cycle_run, the same code
 * as cron runs) grid them and publish products in DIR/products; the
 * published forecast files are then scored against the scene's true field
 * (DIR/truth) and the CSI table is printed, with a report in DIR/verify.
 *
 * Beside persistence and optical-flow extrapolation the cycles run the
 * shipped MotionRNN-MIM (etc/models/motionrnn-mim.weights.h5, made by
 * bench/train_motionrnn_mim.sh; found in the models folders that
 * models/neural.c searches). It was trained on 2 km pixels and 5-minute
 * steps, so the 300 x 300 km domain is averaged to 150 x 150 pixels of 2 km
 * (nine 64 x 64 tiles) and its 30-minute forecast resampled back. One
 * thread: the network is small (about a second a cycle), and OpenMP threads
 * that spin at every barrier of its thousands of small operations lose
 * most of their time when other jobs share the cores. */
#include <radnow/config.h>
#include <radnow/cycle.h>
#include <radnow/forecast.h>
#include <radnow/log.h>
#include <radnow/manifest.h>
#include <radnow/publish.h>
#include <radnow/synth.h>
#include <radnow/verify.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

#define MARKER ".radnow-demo"
#define MAX_TIMES 256

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow demo [--out DIR] [--cycles N] [--seed N] [--verbose]\n"
          "\n"
          "Runs radnow end to end on a synthetic scene: writes ODIM_H5 volumes of a\n"
          "fictional radar to DIR/input, runs N nowcast cycles over them (products in\n"
          "DIR/products), scores the forecasts against the scene's true field and prints\n"
          "the CSI table (report in DIR/verify). The predictors: persistence, optical-flow\n"
          "extrapolation (and its ensemble) and the shipped MotionRNN-MIM network\n"
          "(motionrnn-mim.weights.h5 in the models folder). Needs no data from outside.\n"
          "  --out DIR     working folder (default radnow-demo; created; a folder that\n"
          "                holds anything else than an earlier demo is refused)\n"
          "  --cycles N    nowcast cycles, 5 minutes apart (default 6)\n"
          "  --seed N      scene seed (default 1)\n"
          "  --verbose     log every stage of every cycle\n");
}

/* ---- the working folder ----------------------------------------------- */

static enum rn_status remove_tree(const char *path)
{
  struct stat sb;
  if (lstat(path, &sb) != 0)
    return errno == ENOENT ? RN_OK : rn_error(RN_EWRITE, "demo: %s: %s", path, strerror(errno));
  if (S_ISDIR(sb.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *e;
    enum rn_status st = RN_OK;
    if (!d)
      return rn_error(RN_EWRITE, "demo: %s: %s", path, strerror(errno));
    while (!st && (e = readdir(d)) != NULL) {
      char sub[4200];
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      st = remove_tree(sub);
    }
    closedir(d);
    if (st)
      return st;
    if (rmdir(path) != 0)
      return rn_error(RN_EWRITE, "demo: %s: %s", path, strerror(errno));
    return RN_OK;
  }
  if (unlink(path) != 0)
    return rn_error(RN_EWRITE, "demo: %s: %s", path, strerror(errno));
  return RN_OK;
}

/* DIR must be new, empty, or an earlier demo's (then its folders are reset). */
static enum rn_status prepare(const char *dir)
{
  static const char *const ours[] = {"input", "state", "products", "truth", "verify"};
  char path[4200];
  DIR *d;
  struct dirent *e;
  int foreign = 0, marked;
  enum rn_status st;

  if ((st = rn_mkdirs(dir)))
    return st;
  snprintf(path, sizeof path, "%s/%s", dir, MARKER);
  marked = access(path, F_OK) == 0;
  if (!marked && (d = opendir(dir)) != NULL) {
    while ((e = readdir(d)) != NULL)
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
        foreign = 1;
    closedir(d);
  }
  if (foreign)
    return rn_error(RN_EUSAGE, "demo: %s is not empty and was not made by radnow demo; "
                    "give another folder with --out", dir);
  for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, ours[i]);
    if ((st = remove_tree(path)))
      return st;
  }
  snprintf(path, sizeof path, "%s/%s", dir, MARKER);
  return rn_publish_buffer(path, "radnow demo\n", 12);
}

/* The demo's configuration, written out so that a person can re-run any
 * cycle with `radnow run -c DIR/radnow.conf --time T`. */
static enum rn_status write_config(const char *dir, char *path, size_t size)
{
  char text[4096];
  int n = snprintf(text, sizeof text,
                   "# written by radnow demo: the configuration of its cycles\n"
                   "[input]\npatterns = %s/input/*.h5\nstep = 5\n\n"
                   "[state]\ndir = %s/state\nkeep = 24\n\n"
                   "[products]\ndir = %s/products\nretention = 0\n\n"
                   "[run]\npredictors = %s\nmax_age = 15\nwait = 0\n\n"
                   "[grid]\nsize = 300x300\nres = 1000\n\n"
                   "[predictor.extrapolation-ens]\nmembers = 20\n\n"
                   "[predictor.motionrnn-mim]\nweights = motionrnn-mim.weights.h5\n"
                   "model_res = 2000\ntile_overlap = 8\nthreads = 1\n",
                   dir, dir, dir, "persistence, extrapolation, extrapolation-ens, motionrnn-mim");
  if (n < 0 || (size_t)n >= sizeof text)
    return rn_error(RN_EUSAGE, "demo: %s: folder name too long", dir);
  snprintf(path, size, "%s/radnow.conf", dir);
  return rn_publish_buffer(path, text, (size_t)n);
}

/* ---- truth frames, one per valid time --------------------------------- */

struct truths {
  int n;
  rn_time t[MAX_TIMES];
  struct rn_frame f[MAX_TIMES];
};

static enum rn_status truth_at(struct truths *tr, const struct rn_synth *s, rn_time t,
                               const struct rn_grid *grid, const char *dir,
                               const struct rn_frame **out)
{
  char path[4400], stamp[16];
  enum rn_status st;
  for (int i = 0; i < tr->n; i++)
    if (tr->t[i] == t && rn_grid_same(&tr->f[i].grid, grid)) {
      *out = &tr->f[i];
      return RN_OK;
    }
  if (tr->n == MAX_TIMES)
    return rn_error(RN_EINTERNAL, "demo: too many valid times");
  if ((st = rn_synth_truth(s, t, grid, "pcappi", &tr->f[tr->n])))
    return st;
  snprintf(path, sizeof path, "%s/truth_%s.nc", dir, rn_time_compact(t, stamp));
  if ((st = rn_frame_write(&tr->f[tr->n], path))) {
    rn_frame_free(&tr->f[tr->n]);
    return st;
  }
  tr->t[tr->n] = t;
  *out = &tr->f[tr->n++];
  return RN_OK;
}

static void truths_free(struct truths *tr)
{
  for (int i = 0; i < tr->n; i++)
    rn_frame_free(&tr->f[i]);
  tr->n = 0;
}

/* Score the forecast files of one cycle against the truth. */
static enum rn_status score_cycle(const struct rn_cycle_config *cc, const char *cycle_dir,
                                  rn_time ref, const struct rn_synth *s, struct truths *tr,
                                  const char *truth_dir, struct rn_verify *v)
{
  for (int i = 0; i < cc->npredictors; i++) {
    struct rn_forecast fc;
    char name[256], path[4500];
    enum rn_status st = rn_product_name(name, sizeof name, cc->predictors[i], ref, -1,
                                        "forecast", "nc");
    if (st)
      return st;
    snprintf(path, sizeof path, "%s/%s", cycle_dir, name);
    if ((st = rn_forecast_read(&fc, path)))
      return st;
    for (int l = 0; l < fc.nleads && !st; l++) {
      const struct rn_frame *truth = NULL;
      const float *members[RN_VERIFY_MAX_MEMBERS];
      int m = fc.nmembers < RN_VERIFY_MAX_MEMBERS ? fc.nmembers : RN_VERIFY_MAX_MEMBERS;
      st = truth_at(tr, s, fc.reference_time + fc.lead_seconds[l], &fc.grid, truth_dir, &truth);
      for (int k = 0; !st && k < m; k++)
        members[k] = rn_forecast_field(&fc, k, l);
      if (!st)
        st = rn_verify_add(v, fc.predictor, fc.lead_seconds[l], members, m, truth->dbz,
                           fc.grid.nx, fc.grid.ny);
    }
    rn_forecast_free(&fc);
    if (st)
      return st;
  }
  return RN_OK;
}

/* The longest lead of the configured predictors, seconds. */
static long horizon(const struct rn_cycle_config *cc)
{
  long h = 0;
  for (int i = 0; i < cc->npredictors; i++) {
    const struct rn_predictor *p = cc->predictor[i];
    long step = p->step_seconds > 0 ? p->step_seconds : cc->step;
    if (p->nleads * step > h)
      h = p->nleads * step;
  }
  return h;
}

static void print_table(const struct rn_verify *v, const struct rn_cycle_config *cc)
{
  static const float thr[3] = {30, 40, 50};
  int leads[] = {5, 10, 20, 30, 45, 60};
  printf("\nCSI against the synthetic truth, pooled over all cycles and leads:\n");
  printf("  %-20s %7s %7s %7s\n", "predictor", "CSI30", "CSI40", "CSI50");
  for (int i = 0; i < rn_verify_npredictors(v); i++) {
    const char *p = rn_verify_predictor(v, i);
    printf("  %-20s", p);
    for (int k = 0; k < 3; k++) {
      double c = rn_verify_csi(v, p, RN_VERIFY_POOLED, thr[k]);
      if (isnan(c))
        printf(" %7s", "-");
      else
        printf(" %7.3f", c);
    }
    printf("\n");
  }
  for (int i = 0; i < cc->npredictors; i++) {
    const struct rn_predictor *p = cc->predictor[i];
    long h = p->nleads * (p->step_seconds > 0 ? p->step_seconds : cc->step);
    if (h < horizon(cc))
      printf("  (%s forecasts %ld min: pooled over those leads; by lead time below)\n",
             cc->predictors[i], h / 60);
  }
  printf("\nCSI at 30 dBZ by lead time:\n  %-20s", "predictor");
  for (size_t j = 0; j < sizeof leads / sizeof leads[0]; j++)
    if (leads[j] * 60 <= horizon(cc))
      printf(" %4d min", leads[j]);
  printf("\n");
  for (int i = 0; i < rn_verify_npredictors(v); i++) {
    const char *p = rn_verify_predictor(v, i);
    printf("  %-20s", p);
    for (size_t j = 0; j < sizeof leads / sizeof leads[0]; j++) {
      double c;
      if (leads[j] * 60 > horizon(cc))
        continue;
      c = rn_verify_csi(v, p, leads[j] * 60, 30);
      if (isnan(c))
        printf(" %8s", "-");
      else
        printf(" %8.3f", c);
    }
    printf("\n");
  }
}

int cmd_demo(int argc, char **argv)
{
  static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
                                           {"cycles", required_argument, NULL, 'n'},
                                           {"seed", required_argument, NULL, 's'},
                                           {"verbose", no_argument, NULL, 'v'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *dir = "radnow-demo";
  char conf[4300], input[4200], truth_dir[4200], verify_dir[4200], path[4400], stamp[16];
  int ncycles = 6, verbose = 0, c, need, nvol, rc = 0;
  long seed = 1;
  struct rn_synth_options so;
  struct rn_synth *s = NULL;
  struct rn_config *cfg = NULL;
  struct rn_cycle_config cc = {0};
  struct rn_verify_options vo;
  struct rn_verify *v = NULL;
  struct truths *tr = NULL;
  enum rn_status st;
  double t0 = rn_clock();
  rn_time first_cycle;

  H5dont_atexit(); /* see cmd_run.c */
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'o': dir = optarg; break;
    case 'n':
      ncycles = atoi(optarg);
      if (ncycles < 1 || ncycles > 100) {
        fprintf(stderr, "radnow demo: --cycles %s: want 1 to 100\n", optarg);
        return RN_EXIT_USAGE;
      }
      break;
    case 's': seed = atol(optarg); break;
    case 'v': verbose = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return RN_EXIT_USAGE;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "radnow demo: unexpected argument '%s'\n", argv[optind]);
    return RN_EXIT_USAGE;
  }
  if (!verbose && !getenv("RADNOW_LOG") && rn_log_get_level() == RN_LOG_INFO)
    rn_log_set_level(RN_LOG_WARN);

  /* The folder, the configuration the cycles read, and the radar. */
  if ((st = prepare(dir)) || (st = write_config(dir, conf, sizeof conf)))
    goto fail;
  cfg = rn_config_new();
  if (!cfg || (st = rn_config_load(cfg, conf)) || (st = rn_cycle_config_load(&cc, cfg)))
    goto fail;
  rn_synth_options_init(&so);
  so.range = 150000;
  so.gate = 1000;
  so.nelevations = 4;
  so.elevations[0] = 0.5;
  so.elevations[1] = 1.5;
  so.elevations[2] = 2.5;
  so.elevations[3] = 4.0;
  so.step = (int)cc.step;
  so.seed = (uint64_t)seed;
  if ((st = rn_synth_new(&so, &s)))
    goto fail;

  /* Enough volumes for every cycle's inputs and the last cycle's leads. */
  need = rn_cycle_inputs_needed(&cc);
  nvol = need + ncycles - 1 + (int)((horizon(&cc) + cc.step - 1) / cc.step);
  snprintf(input, sizeof input, "%s/input", dir);
  if ((st = rn_mkdirs(input)))
    goto fail;
  printf("radnow demo: %d synthetic radar volumes (ODIM_H5, %d sweeps, %.0f km) -> %s\n", nvol,
         so.nelevations, so.range / 1000, input);
  fflush(stdout);
  for (int i = 0; i < nvol; i++) {
    rn_time t = so.start + (rn_time)i * so.step;
    snprintf(path, sizeof path, "%s/synth_pvol_%s.h5", input, rn_time_compact(t, stamp));
    if ((st = rn_synth_write_odim(s, t, path)))
      goto fail;
  }

  /* The cycles, as cron would run them (the input folder also holds the
   * volumes that have not "arrived" yet: a cycle ignores files after its time). */
  first_cycle = so.start + (rn_time)(need - 1) * so.step;
  printf("radnow demo: %d nowcast cycles (forecasts %ld min ahead; predictors:", ncycles,
         horizon(&cc) / 60);
  for (int i = 0; i < cc.npredictors; i++)
    printf("%s %s", i ? "," : "", cc.predictors[i]);
  printf(")\n");
  fflush(stdout);
  snprintf(truth_dir, sizeof truth_dir, "%s/truth", dir);
  snprintf(verify_dir, sizeof verify_dir, "%s/verify", dir);
  rn_verify_options_init(&vo);
  tr = calloc(1, sizeof *tr);
  if (!tr || (st = rn_mkdirs(truth_dir)) || !(v = rn_verify_new(&vo))) {
    st = st ? st : RN_ENOMEM;
    goto fail;
  }
  for (int k = 0; k < ncycles; k++) {
    struct rn_cycle_result res;
    rn_time t = first_cycle + (rn_time)k * so.step;
    char iso[32];
    if ((st = rn_cycle_run(&cc, t, 0, &res)))
      goto fail;
    printf("  cycle %s: %d product files in %.2f s\n", rn_time_iso(t, iso), res.nproducts,
           res.total);
    fflush(stdout);
    if ((st = score_cycle(&cc, res.cycle_dir, res.reference_time, s, tr, truth_dir, v)))
      goto fail;
  }
  if ((st = rn_verify_report(v, verify_dir, "radnow demo: nowcasts of a synthetic scene")))
    goto fail;
  print_table(v, &cc);
  printf("\nproducts:  %s/products (newest cycle listed in %s/products/latest.json)\n", dir, dir);
  printf("truth:     %s (the scene's true field, CF NetCDF)\n", truth_dir);
  printf("report:    %s/report.html (scores.csv, scores.json)\n", verify_dir);
  printf("again:     radnow run -c %s --time YYYYmmddHHMM\n", conf);
  printf("           radnow verify --forecast %s/products --obs %s --out %s\n", dir, truth_dir,
         verify_dir);
  printf("radnow demo: done in %.1f s\n", rn_clock() - t0);
  goto done;

fail:
  rc = cmd_fail(st);
done:
  if (tr)
    truths_free(tr);
  free(tr);
  rn_verify_free(v);
  rn_synth_free(s);
  rn_cycle_config_free(&cc);
  rn_config_free(cfg);
  return rc;
}
