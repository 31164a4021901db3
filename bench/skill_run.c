/* skill_run.c - run predictors over every start time of a sequence of
 * gridded frames and write one CF forecast file per start time and
 * predictor (forecast.h), for `radnow verify`: the skill experiments of
 * bench/RESULTS.md (bench/skill_fmi.sh).
 *
 * usage: skill_run [-c CONF] --out DIR [--inputs N] [--complete] [--obs-out DIR]
 *                  PREDICTOR[,PREDICTOR...]|none FILE...
 * FILEs are frame files (.nc, frame.h) or anything rn_ingest_read grids
 * (FMI PGM, ODIM COMP ...), all on one grid; they are sorted by time. A start
 * time is every frame with N - 1 frames before it (N = --inputs, default:
 * what the predictors need); with --complete only those whose every lead
 * has an observation in the sequence. Writes DIR/PREDICTOR/
 * PREDICTOR_YYYYmmddHHMM.nc; with --obs-out, also every frame as a frame
 * file (frame.h) OBS_DIR/obs_YYYYmmddHHMM.nc, which radnow verify takes as
 * they are (it grids raw radar files again, onto square pixels only). */
#include <radnow/config.h>
#include <radnow/forecast.h>
#include <radnow/ingest.h>
#include <radnow/log.h>
#include <radnow/predictor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAXPRED 16

static int cmp_time(const void *a, const void *b)
{
  const struct rn_frame *x = a, *y = b;
  return (x->time > y->time) - (x->time < y->time);
}

static int ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum rn_status read_frame(const char *path, struct rn_frame *f)
{
  struct rn_ingest_options opt;
  struct rn_radar_data rd;
  enum rn_status st;
  if (ends_with(path, ".nc"))
    return rn_frame_read(f, path);
  rn_ingest_options_init(&opt);
  if ((st = rn_ingest_read(path, &opt, &rd)))
    return st;
  if (rd.kind != RN_DATA_GRID) {
    rn_radar_data_free(&rd);
    return rn_error(RN_EUNSUPPORTED, "%s: a polar volume, not a gridded frame", path);
  }
  *f = rd.frame;
  memset(&rd.frame, 0, sizeof rd.frame);
  rn_radar_data_free(&rd);
  return RN_OK;
}

static void usage(FILE *out)
{
  fprintf(out, "usage: skill_run [-c CONF] --out DIR [--inputs N] [--complete] [--obs-out DIR] "
               "PREDICTOR[,PREDICTOR...]|none FILE...\n");
}

int main(int argc, char **argv)
{
  const char *conf = NULL, *out = NULL, *names = NULL, *obs_out = NULL;
  char list[1024], *save, *tok;
  int inputs = 0, complete = 0, nfiles = 0, npred = 0, written = 0, i;
  struct rn_config *cfg = rn_config_new();
  struct rn_predictor *pred[MAXPRED];
  struct rn_frame *frames;
  const struct rn_frame **window;
  enum rn_status st;
  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
      conf = argv[++i];
    else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
      out = argv[++i];
    else if (strcmp(argv[i], "--inputs") == 0 && i + 1 < argc)
      inputs = atoi(argv[++i]);
    else if (strcmp(argv[i], "--complete") == 0)
      complete = 1;
    else if (strcmp(argv[i], "--obs-out") == 0 && i + 1 < argc)
      obs_out = argv[++i];
    else {
      usage(stderr);
      return 1;
    }
  }
  if (!out || i + 1 >= argc || !cfg) {
    usage(stderr);
    return 1;
  }
  if (conf && rn_config_load(cfg, conf)) {
    fprintf(stderr, "skill_run: %s\n", rn_errmsg());
    return 1;
  }
  names = argv[i++];
  snprintf(list, sizeof list, "%s", names);
  for (tok = strcmp(list, "none") ? strtok_r(list, ",", &save) : NULL; tok && npred < MAXPRED;
       tok = strtok_r(NULL, ",", &save)) {
    while (*tok == ' ')
      tok++;
    if (rn_predictor_create(tok, cfg, &pred[npred])) {
      fprintf(stderr, "skill_run: %s\n", rn_errmsg());
      return 1;
    }
    if (pred[npred]->ninputs > inputs)
      inputs = pred[npred]->ninputs;
    npred++;
  }
  frames = calloc((size_t)(argc - i), sizeof *frames);
  window = calloc((size_t)(argc - i), sizeof *window);
  if (!frames || !window)
    return 1;
  for (; i < argc; i++) {
    if ((st = read_frame(argv[i], &frames[nfiles]))) {
      fprintf(stderr, "skill_run: %s\n", rn_errmsg());
      return rn_exit_code(st);
    }
    nfiles++;
  }
  qsort(frames, (size_t)nfiles, sizeof *frames, cmp_time);
  for (int k = 0; k < nfiles; k++)
    window[k] = &frames[k];
  if (obs_out) {
    mkdir(obs_out, 0777);
    for (int k = 0; k < nfiles; k++) {
      char path[4200], stamp[16];
      snprintf(path, sizeof path, "%s/obs_%s.nc", obs_out, rn_time_compact(frames[k].time, stamp));
      if ((st = rn_frame_write(&frames[k], path))) {
        fprintf(stderr, "skill_run: %s\n", rn_errmsg());
        return rn_exit_code(st);
      }
    }
  }
  mkdir(out, 0777);
  for (int p = 0; p < npred; p++) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", out, pred[p]->ops->name);
    mkdir(dir, 0777);
  }
  for (int t = inputs - 1; t < nfiles; t++) {
    for (int p = 0; p < npred; p++) {
      struct rn_forecast fc;
      char path[4200], stamp[16];
      double t0 = rn_clock();
      if (complete) {
        rn_time last = frames[t].time + (rn_time)pred[p]->nleads *
                                            (frames[t].time - frames[t - 1].time);
        if (frames[nfiles - 1].time < last)
          continue;
      }
      if ((st = rn_predictor_run(pred[p], window + t + 1 - inputs, inputs, &fc))) {
        fprintf(stderr, "skill_run: %s\n", rn_errmsg());
        return rn_exit_code(st);
      }
      snprintf(path, sizeof path, "%s/%s/%s_%s.nc", out, pred[p]->ops->name, pred[p]->ops->name,
               rn_time_compact(fc.reference_time, stamp));
      if ((st = rn_forecast_write(&fc, path))) {
        fprintf(stderr, "skill_run: %s\n", rn_errmsg());
        return rn_exit_code(st);
      }
      rn_log_info("skill_run: %s %s: %d members x %d leads in %.2f s", pred[p]->ops->name, stamp,
                  fc.nmembers, fc.nleads, rn_clock() - t0);
      rn_forecast_free(&fc);
      written++;
    }
  }
  printf("skill_run: %d forecast file(s) in %s from %d frames\n", written, out, nfiles);
  for (int p = 0; p < npred; p++)
    rn_predictor_destroy(pred[p]);
  for (int k = 0; k < nfiles; k++)
    rn_frame_free(&frames[k]);
  free(frames);
  free(window);
  rn_config_free(cfg);
  return 0;
}
