/* train.c - the training loop of radnow train (train.h): batches, the
 * optimizer step, validation, checkpoints, logs, progress and signals. */
#include <radnow/archive.h>
#include <radnow/backend.h>
#include <radnow/checkpoint.h>
#include <radnow/log.h>
#include <radnow/model.h>
#include <radnow/publish.h>
#include <radnow/train.h>
#include <radnow/verify.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "train_data.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
  stop_signal = sig;
}

struct trainer {
  const struct rn_train_options *o;
  struct rn_model_config mc;
  struct rn_backend *be;
  struct rn_model *m;
  struct rn_params *p;
  struct rn_adam adam;
  struct rn_archive train_a[RN_TRAIN_MAX_ARCHIVES], valid_a;
  int have_valid_archive;
  struct rn_batcher train_b[RN_TRAIN_MAX_ARCHIVES], valid_b;
  int ntrain;       /* archives read */
  long train_windows; /* their training windows together */
  double share_cum[RN_TRAIN_MAX_ARCHIVES]; /* cumulative share of each archive */
  int have_valid;
  struct rn_augment aug;
  uint64_t seed;
  int T, H, W, in, out;
  long F;                 /* floats per frame */
  float *host, *host_rev; /* [B, T, 1, H, W] */
  float *dev, *dev_rev;
  float *mask;
  long iteration;         /* completed */
  char best_metric[16];
  double best_score;
  long best_iteration;
  char ckpt[4200], best[4200], train_csv[4200], valid_csv[4200];
  FILE *tlog, *vlog;
  int progress;
};

/* ---- data ----------------------------------------------------------------- */

/* The training archives, their batchers and the cumulative shares. */
static enum rn_status read_archives(struct trainer *tr)
{
  const struct rn_train_options *o = tr->o;
  enum rn_status st;
  double sum = 0;
  int given = 0; /* archive_share set */
  for (int k = 0; k < o->narchives; k++) {
    given |= o->archive_share[k] > 0;
    if ((st = rn_archive_read(o->archives[k], &tr->train_a[k])))
      return st;
    tr->ntrain = k + 1;
    if (tr->train_a[k].step != tr->train_a[0].step)
      return rn_error(RN_EUSAGE, "train: %s: frames every %ld s, but every %ld s in %s: the "
                      "archives of one training must share their time step", o->archives[k],
                      tr->train_a[k].step, tr->train_a[0].step, o->archives[0]);
    if ((st = rn_batcher_init(&tr->train_b[k], &tr->train_a[k], tr->T, tr->H, tr->W,
                              RN_SPLIT_TRAIN, o->archives[k])))
      return st;
    tr->train_windows += tr->train_b[k].nwin;
  }
  for (int k = 0; k < tr->ntrain; k++) {
    sum += given ? o->archive_share[k] : (double)tr->train_b[k].nwin / (double)tr->train_windows;
    tr->share_cum[k] = sum;
  }
  tr->share_cum[tr->ntrain - 1] = 1.0;
  if (tr->ntrain > 1)
    for (int k = 0; k < tr->ntrain; k++)
      rn_log_info("train: %s: %d training windows, %.1f%% of the batches", o->archives[k],
                  tr->train_b[k].nwin,
                  100.0 * (tr->share_cum[k] - (k ? tr->share_cum[k - 1] : 0.0)));
  return RN_OK;
}

/* ---- logs ----------------------------------------------------------------- */

/* Open a CSV log for appending. On a resumed run, rows after the
 * checkpoint's iteration (logged before an interruption) are dropped, so
 * the log reads as one uninterrupted run. */
static enum rn_status open_log(const char *path, const char *header, long keep_upto, FILE **out)
{
  FILE *f = fopen(path, "r");
  char *text = NULL;
  size_t n = 0, cap = 0;
  if (f && keep_upto >= 0) {
    char line[4096];
    while (fgets(line, sizeof line, f)) {
      char *end;
      long it = strtol(line, &end, 10);
      size_t len = strlen(line);
      if (end == line ? strncmp(line, "iteration,", 10) != 0 : it > keep_upto)
        continue;
      if (n + len + 1 > cap) {
        char *t = realloc(text, cap = 2 * (n + len + 1));
        if (!t) {
          free(text);
          fclose(f);
          return rn_error(RN_ENOMEM, "train: %s: out of memory", path);
        }
        text = t;
      }
      memcpy(text + n, line, len);
      n += len;
    }
  }
  if (f)
    fclose(f);
  if (keep_upto < 0 || n == 0) {
    free(text);
    text = NULL;
    n = 0;
  }
  if (n == 0) {
    text = rn_strdup(header);
    n = text ? strlen(text) : 0;
  }
  if (!text)
    return RN_ENOMEM;
  {
    enum rn_status st = rn_publish_buffer(path, text, n);
    free(text);
    if (st)
      return st;
  }
  *out = fopen(path, "a");
  if (!*out)
    return rn_error(RN_EWRITE, "train: %s: %s", path, strerror(errno));
  return RN_OK;
}

static void fmt_duration(double s, char *buf, size_t size)
{
  long t = (long)(s + 0.5);
  if (!(s >= 0) || s > 1e9)
    snprintf(buf, size, "?");
  else if (t >= 3600)
    snprintf(buf, size, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else if (t >= 60)
    snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
  else
    snprintf(buf, size, "%lds", t);
}

/* ---- setup ------------------------------------------------------------------ */

static enum rn_status setup(struct trainer *tr, const char *resume,
                            struct rn_checkpoint_meta *meta)
{
  const struct rn_train_options *o = tr->o;
  const char *ov[RN_TRAIN_MAX_OVERRIDES];
  struct rn_backend_options bo = RN_BACKEND_OPTIONS_INIT;
  enum rn_status st;
  char text[RN_CKPT_TEXT];

  for (int i = 0; i < o->noverrides; i++)
    ov[i] = o->overrides[i];
  rn_model_config_default(&tr->mc);
  if ((st = rn_model_config_load(&tr->mc, o->definition, o->noverrides, ov)))
    return st;
  tr->in = tr->mc.input_length;
  tr->out = tr->mc.output_length;
  tr->T = tr->in + tr->out;
  tr->H = tr->mc.height;
  tr->W = tr->mc.width;
  if (tr->mc.channels != 1)
    return rn_error(RN_EUSAGE, "train: %s: channels = %d: archives hold one channel (dBZ)",
                    o->definition, tr->mc.channels);
  tr->F = (long)tr->H * tr->W;

  /* The checkpoint first: a mismatch is reported before any work. */
  if (resume) {
    if ((st = rn_checkpoint_read_meta(resume, meta)))
      return st;
    if (strcmp(meta->kind, "full") != 0)
      return rn_error(RN_EUSAGE, "train: %s: a weights file, not a full checkpoint: cannot "
                      "resume from it", resume);
    if ((st = rn_checkpoint_check_model(resume, meta, &tr->mc)))
      return st;
  }

  if ((st = read_archives(tr)))
    return st;
  if (o->valid_every > 0) {
    const struct rn_archive *va = &tr->train_a[0];
    const char *vname = o->archives[0];
    if (o->valid_archive[0]) {
      if ((st = rn_archive_read(o->valid_archive, &tr->valid_a)))
        return st;
      tr->have_valid_archive = 1;
      va = &tr->valid_a;
      vname = o->valid_archive;
    }
    st = rn_batcher_init(&tr->valid_b, va, tr->T, tr->H, tr->W, RN_SPLIT_VALIDATION, vname);
    if (st == RN_ENOTFOUND) {
      rn_log_warn("%s (no validation)", rn_errmsg());
    } else if (st) {
      return st;
    } else {
      tr->have_valid = 1;
    }
  }

  bo.device = o->device;
  bo.threads = o->threads;
  bo.conv = (enum rn_conv_kind)o->conv;
  if ((st = rn_backend_open(&tr->be, &bo)))
    return st;
  if ((st = rn_model_create(&tr->m, &tr->mc, tr->be)))
    return st;
  tr->p = rn_model_params(tr->m);
  tr->adam = o->adam;
  tr->seed = o->seed;
  snprintf(tr->best_metric, sizeof tr->best_metric, "%s", o->best_metric);
  tr->best_score = NAN;
  tr->best_iteration = -1;
  if (resume) {
    if ((st = rn_checkpoint_load(resume, tr->p, RN_CKPT_FULL, 0, meta)))
      return st;
    tr->iteration = meta->iteration;
    tr->adam.step = meta->adam_step;
    if (meta->rng_seed != o->seed)
      rn_log_warn("train: %s was trained with seed %llu, the configuration says %llu: "
                  "continuing with the checkpoint's", resume, (unsigned long long)meta->rng_seed,
                  (unsigned long long)o->seed);
    tr->seed = meta->rng_seed;
    if (meta->best_iteration >= 0 && strcmp(meta->best_metric, o->best_metric) == 0) {
      tr->best_score = meta->best_score;
      tr->best_iteration = meta->best_iteration;
    }
    rn_log_info("train: resuming %s at iteration %ld", resume, tr->iteration);
  } else if (o->init[0]) {
    /* Fine-tuning: the weights (their average when kept) of another run,
     * which must be of this network; the optimizer starts afresh. */
    if ((st = rn_checkpoint_read_meta(o->init, meta)) ||
        (st = rn_checkpoint_check_model(o->init, meta, &tr->mc)) ||
        (st = rn_checkpoint_load(o->init, tr->p, RN_CKPT_WEIGHTS, 1, NULL)))
      return st;
    rn_log_info("train: starting from the weights of %s (iteration %ld)", o->init,
                meta->iteration);
  } else if ((st = rn_model_init(tr->m, o->seed))) {
    return st;
  }

  tr->aug.flip = o->flip;
  tr->aug.rotate = o->rotate;
  tr->aug.min_echo = o->min_echo;
  tr->aug.min_echo_dbz = o->min_echo_dbz;
  tr->aug.tries = o->min_echo_tries;
  {
    long n = (long)o->batch * tr->T * tr->F;
    tr->host = rn_malloc(sizeof(float) * (size_t)n, "training batch");
    tr->host_rev = o->reverse_input ? rn_malloc(sizeof(float) * (size_t)n, "training batch") : NULL;
    tr->mask = rn_malloc(sizeof(float) * (size_t)(o->batch * (tr->out > 1 ? tr->out - 1 : 1)),
                         "sampling mask");
    if (!tr->host || !tr->mask || (o->reverse_input && !tr->host_rev))
      return RN_ENOMEM;
    tr->dev = rn_alloc(tr->be, n);
    if (o->reverse_input)
      tr->dev_rev = rn_alloc(tr->be, n);
    if ((st = rn_backend_sync(tr->be)))
      return st;
  }

  if ((st = rn_mkdirs(o->dir)))
    return st;
  snprintf(tr->ckpt, sizeof tr->ckpt, "%s/checkpoint.h5", o->dir);
  snprintf(tr->best, sizeof tr->best, "%s/best.h5", o->dir);
  snprintf(tr->train_csv, sizeof tr->train_csv, "%s/train.csv", o->dir);
  snprintf(tr->valid_csv, sizeof tr->valid_csv, "%s/valid.csv", o->dir);
  if ((st = open_log(tr->train_csv, "iteration,loss,lr,eta,grad_norm,seconds\n",
                     resume ? tr->iteration : -1, &tr->tlog)) ||
      (st = open_log(tr->valid_csv, "iteration,windows,mse01,csi30,csi40,csi50,best\n",
                     resume ? tr->iteration : -1, &tr->vlog)))
    return st;
  rn_model_config_format(&tr->mc, text, sizeof text);
  rn_log_info("train: %s, %ld parameters, %s; %ld training windows%s", tr->mc.type,
              rn_params_count(tr->p), rn_backend_describe(tr->be), tr->train_windows,
              tr->have_valid ? "" : ", no validation");
  return RN_OK;
}

static void teardown(struct trainer *tr)
{
  if (tr->tlog)
    fclose(tr->tlog);
  if (tr->vlog)
    fclose(tr->vlog);
  if (tr->be) {
    rn_free(tr->be, tr->dev);
    rn_free(tr->be, tr->dev_rev);
  }
  rn_model_destroy(tr->m);
  rn_backend_close(tr->be);
  for (int k = 0; k < tr->ntrain; k++) {
    rn_batcher_free(&tr->train_b[k]);
    rn_archive_free(&tr->train_a[k]);
  }
  rn_batcher_free(&tr->valid_b);
  rn_archive_free(&tr->valid_a);
  free(tr->host);
  free(tr->host_rev);
  free(tr->mask);
}

/* ---- checkpoints ------------------------------------------------------------- */

static enum rn_status save(struct trainer *tr, const char *path)
{
  struct rn_checkpoint_meta meta;
  rn_checkpoint_meta_init(&meta);
  rn_model_config_format(&tr->mc, meta.model_config, sizeof meta.model_config);
  snprintf(meta.train_config, sizeof meta.train_config, "%s", tr->o->config_text);
  meta.step_seconds = tr->train_a[0].step;
  meta.iteration = tr->iteration;
  meta.adam_step = tr->adam.step;
  meta.rng_seed = tr->seed;
  meta.rng_offset = (uint64_t)tr->iteration;
  if (tr->best_iteration >= 0) {
    snprintf(meta.best_metric, sizeof meta.best_metric, "%s", tr->best_metric);
    meta.best_score = tr->best_score;
    meta.best_iteration = tr->best_iteration;
  }
  return rn_checkpoint_save(path, tr->p, &meta, RN_CKPT_FULL, 0);
}

/* ---- one iteration --------------------------------------------------------------- */

static enum rn_status step(struct trainer *tr, const float *frames, const float *mask, float lr,
                           double *loss, double *gnorm)
{
  enum rn_status st;
  rn_params_zero_grad(tr->p);
  if ((st = rn_model_forward(tr->m, frames, mask, tr->o->batch, loss)) ||
      (st = rn_model_backward(tr->m)))
    return st;
  *gnorm = tr->o->clip > 0 ? rn_clip_grad_norm(tr->p, (float)tr->o->clip) : rn_grad_norm(tr->p);
  if ((st = rn_adam_step(&tr->adam, tr->p, lr)))
    return st;
  if (tr->o->ema > 0 && (st = rn_ema_update(tr->p, (float)tr->o->ema)))
    return st;
  if (tr->mc.loss == RN_MODEL_LOSS_HALF_SUM)
    *loss /= tr->o->batch; /* as MIM prints it */
  return rn_backend_sync(tr->be);
}

static enum rn_status iterate(struct trainer *tr, double *loss, double *gnorm, float *lr_out,
                              double *eta_out)
{
  const struct rn_train_options *o = tr->o;
  long it = tr->iteration, n = (long)o->batch * tr->T * tr->F;
  int nm = tr->out - 1;
  double eta = o->eta_start - o->eta_step * (double)(it + 1), l2, g2;
  float lr = rn_lr_at(&o->lr, it);
  enum rn_status st;
  if (eta < o->eta_min)
    eta = o->eta_min;
  rn_batcher_draw(tr->train_b, tr->ntrain, tr->share_cum, &tr->aug, tr->seed, it, o->batch,
                  tr->host);
  if (nm > 0)
    rn_train_mask(tr->seed, it, o->batch, nm, eta, tr->mask);
  rn_upload(tr->be, tr->dev, tr->host, n);
  if ((st = step(tr, tr->dev, nm > 0 ? tr->mask : NULL, lr, loss, gnorm)))
    return st;
  if (o->reverse_input) {
    for (int b = 0; b < o->batch; b++)
      for (int t = 0; t < tr->T; t++)
        memcpy(tr->host_rev + ((size_t)b * tr->T + t) * tr->F,
               tr->host + ((size_t)b * tr->T + (tr->T - 1 - t)) * tr->F, sizeof(float) * tr->F);
    rn_upload(tr->be, tr->dev_rev, tr->host_rev, n);
    if ((st = step(tr, tr->dev_rev, nm > 0 ? tr->mask : NULL, lr, &l2, &g2)))
      return st;
    *loss = 0.5 * (*loss + l2);
    *gnorm = 0.5 * (*gnorm + g2);
  }
  *lr_out = lr;
  *eta_out = eta;
  return RN_OK;
}

/* ---- validation ---------------------------------------------------------------------- */

static double metric(const char *name, double mse, const double csi[3])
{
  if (strcmp(name, "mse") == 0)
    return mse;
  return csi[name[3] == '3' ? 0 : name[3] == '4' ? 1 : 2];
}

static int better(const char *name, double a, double b)
{
  if (isnan(a))
    return 0;
  if (isnan(b))
    return 1;
  return strcmp(name, "mse") == 0 ? a < b : a > b;
}

static enum rn_status validate(struct trainer *tr, int *nwin, double *mse, double csi[3])
{
  const struct rn_train_options *o = tr->o;
  struct rn_verify_options vo;
  struct rn_verify *v = NULL;
  struct rn_valid_item *items = NULL;
  struct rn_score_row *rows = NULL;
  int nitems = 0, nrows = 0, B = o->valid_batch, *leads = NULL;
  float *in_host = NULL, *in_dev = NULL, *pred_dev = NULL, *pred_host = NULL, *obs = NULL;
  enum rn_status st;
  static const float thr[3] = {30, 40, 50};

  *mse = NAN;
  csi[0] = csi[1] = csi[2] = NAN;
  rn_verify_options_init(&vo);
  vo.nthresholds = 3;
  memcpy(vo.thresholds, thr, sizeof thr);
  vo.nscales = 0;
  vo.ssim = 0;
  if ((st = rn_batcher_valid_items(&tr->valid_b, o->valid_windows, &items, &nitems)))
    return st;
  *nwin = nitems;
  v = rn_verify_new(&vo);
  in_host = rn_malloc(sizeof(float) * (size_t)B * tr->in * tr->F, "validation inputs");
  pred_host = rn_malloc(sizeof(float) * (size_t)B * tr->out * tr->F, "validation predictions");
  obs = rn_malloc(sizeof(float) * (size_t)B * tr->out * tr->F, "validation observations");
  leads = rn_malloc(sizeof(int) * (size_t)tr->out, "leads");
  if (!v || !in_host || !pred_host || !obs || !leads) {
    st = RN_ENOMEM;
    goto done;
  }
  in_dev = rn_alloc(tr->be, (long)B * tr->in * tr->F);
  pred_dev = rn_alloc(tr->be, (long)B * tr->out * tr->F);
  if ((st = rn_backend_sync(tr->be)))
    goto done;
  for (int l = 0; l < tr->out; l++)
    leads[l] = (int)((l + 1) * tr->valid_b.a->step);
  rn_params_swap_ema(tr->p); /* score the average when one is kept */
  for (int i0 = 0; i0 < nitems && !st && !stop_signal; i0 += B) {
    int nb = nitems - i0 < B ? nitems - i0 : B;
    for (int b = 0; b < nb; b++) {
      rn_batcher_item(&tr->valid_b, &items[i0 + b], 0, tr->in,
                      in_host + (size_t)b * tr->in * tr->F, NULL);
      rn_batcher_item(&tr->valid_b, &items[i0 + b], tr->in, tr->out, NULL,
                      obs + (size_t)b * tr->out * tr->F);
    }
    rn_upload(tr->be, in_dev, in_host, (long)nb * tr->in * tr->F);
    if ((st = rn_model_predict(tr->m, pred_dev, in_dev, nb)))
      break;
    rn_download(tr->be, pred_host, pred_dev, (long)nb * tr->out * tr->F);
    if ((st = rn_backend_sync(tr->be)))
      break;
    for (long k = 0; k < (long)nb * tr->out * tr->F; k++)
      pred_host[k] = rn_train_unit_dbz(pred_host[k]);
    for (int b = 0; b < nb && !st; b++) {
      const float *mem[64][1], *const *members[64], *ob[64];
      for (int l = 0; l < tr->out && l < 64; l++) {
        mem[l][0] = pred_host + ((size_t)b * tr->out + l) * tr->F;
        members[l] = mem[l];
        ob[l] = obs + ((size_t)b * tr->out + l) * tr->F;
      }
      st = rn_verify_add_leads(v, "model", tr->out < 64 ? tr->out : 64, leads, members, 1, ob,
                               tr->W, tr->H);
    }
  }
  rn_params_swap_ema(tr->p);
  if (st)
    goto done;
  if ((st = rn_verify_rows(v, &rows, &nrows)))
    goto done;
  for (int r = 0; r < nrows; r++)
    if (rows[r].lead_seconds == RN_VERIFY_POOLED && strcmp(rows[r].score, "mse01") == 0)
      *mse = rows[r].value;
  for (int k = 0; k < 3; k++)
    csi[k] = rn_verify_csi(v, "model", RN_VERIFY_POOLED, thr[k]);
done:
  free(rows);
  free(items);
  free(in_host);
  free(pred_host);
  free(obs);
  free(leads);
  rn_free(tr->be, in_dev);
  rn_free(tr->be, pred_dev);
  rn_verify_free(v);
  return st;
}

static enum rn_status validation(struct trainer *tr)
{
  double mse, csi[3], score;
  int nwin = 0, is_best;
  enum rn_status st = validate(tr, &nwin, &mse, csi);
  if (st || stop_signal)
    return st;
  score = metric(tr->best_metric, mse, csi);
  is_best = better(tr->best_metric, score, tr->best_score);
  fprintf(tr->vlog, "%ld,%d,%.8g,%.6g,%.6g,%.6g,%d\n", tr->iteration, nwin, mse, csi[0], csi[1],
          csi[2], is_best);
  fflush(tr->vlog);
  if (tr->progress)
    fprintf(stderr, "\n");
  rn_log_info("validation at %ld: MSE %.6f, CSI30 %.4f, CSI40 %.4f, CSI50 %.4f (%d windows)%s",
              tr->iteration, mse, csi[0], csi[1], csi[2], nwin, is_best ? ", best so far" : "");
  if (is_best) {
    tr->best_score = score;
    tr->best_iteration = tr->iteration;
    if ((st = save(tr, tr->best)))
      return st;
  }
  return RN_OK;
}

/* ---- the loop ------------------------------------------------------------------------ */

enum rn_status rn_train_run(const struct rn_train_options *o, const char *resume,
                            int *interrupted)
{
  struct trainer tr;
  struct rn_checkpoint_meta *meta = rn_calloc(1, sizeof *meta, "checkpoint attributes");
  struct sigaction sa, old_int, old_term;
  enum rn_status st;
  double t0, smooth = NAN, last_log;
  long first, saved = -1, validated = -1;
  char a[32], b[32];

  *interrupted = 0;
  if (!meta)
    return RN_ENOMEM;
  memset(&tr, 0, sizeof tr);
  tr.o = o;
  tr.progress = o->progress < 0 ? isatty(STDERR_FILENO) : o->progress;
  stop_signal = 0;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  if ((st = setup(&tr, resume, meta)))
    goto out;
  first = tr.iteration;
  t0 = last_log = rn_clock();
  while (tr.iteration < o->iterations && !stop_signal) {
    double loss, gnorm, eta, now, rate;
    float lr;
    if ((st = iterate(&tr, &loss, &gnorm, &lr, &eta)))
      goto out;
    if (!isfinite(loss)) {
      st = rn_error(RN_EINTERNAL, "train: the loss is %g at iteration %ld (learning rate %g too "
                    "high?); the last checkpoint is %s", loss, tr.iteration + 1, (double)lr,
                    tr.ckpt);
      goto out;
    }
    tr.iteration++;
    now = rn_clock();
    fprintf(tr.tlog, "%ld,%.8g,%.6g,%.6g,%.6g,%.3f\n", tr.iteration, loss, (double)lr, eta, gnorm,
            now - t0);
    smooth = isnan(smooth) ? loss : 0.95 * smooth + 0.05 * loss;
    rate = (double)(tr.iteration - first) / (now - t0 > 1e-9 ? now - t0 : 1e-9);
    fmt_duration((double)(o->iterations - tr.iteration) / rate, a, sizeof a);
    if (tr.progress) {
      fprintf(stderr, "\rtrain: %ld/%ld  loss %.5f  %.2f it/s  ETA %s   ", tr.iteration,
              o->iterations, smooth, rate, a);
    } else if (o->log_every > 0 && tr.iteration % o->log_every == 0) {
      fmt_duration(now - t0, b, sizeof b);
      rn_log_info("train: %ld/%ld loss %.5f (mean %.5f) lr %.3g eta %.3f  %.2f it/s  elapsed %s  "
                  "ETA %s", tr.iteration, o->iterations, loss, smooth, (double)lr, eta, rate, b,
                  a);
      fflush(tr.tlog);
    }
    if (now - last_log > 10) {
      fflush(tr.tlog);
      last_log = now;
    }
    if (tr.have_valid && o->valid_every > 0 && tr.iteration % o->valid_every == 0) {
      if ((st = validation(&tr)))
        goto out;
      validated = tr.iteration;
    }
    if (o->checkpoint_every > 0 && tr.iteration % o->checkpoint_every == 0) {
      if ((st = save(&tr, tr.ckpt)))
        goto out;
      saved = tr.iteration;
    }
  }
  if (tr.progress)
    fprintf(stderr, "\n");
  fflush(tr.tlog);
  if (!stop_signal && tr.have_valid && validated != tr.iteration && tr.iteration > first &&
      (st = validation(&tr)))
    goto out;
  if (saved != tr.iteration && (st = save(&tr, tr.ckpt)))
    goto out;
  if (stop_signal) {
    *interrupted = (int)stop_signal;
    rn_log_warn("train: %s at iteration %ld: checkpoint %s (continue with --resume %s)",
                stop_signal == SIGINT ? "interrupted" : "terminated", tr.iteration, tr.ckpt,
                tr.ckpt);
  } else {
    fmt_duration(rn_clock() - t0, a, sizeof a);
    rn_log_info("train: %ld iterations done in %s; checkpoint %s%s%s", tr.iteration - first, a,
                tr.ckpt, tr.best_iteration >= 0 ? ", best " : "",
                tr.best_iteration >= 0 ? tr.best : "");
  }
out:
  teardown(&tr);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  free(meta);
  return st;
}

enum rn_status rn_train_export(const char *checkpoint, const char *out)
{
  struct rn_checkpoint_meta *meta = rn_calloc(1, sizeof *meta, "checkpoint attributes");
  struct rn_model_config mc;
  struct rn_backend_options bo = RN_BACKEND_OPTIONS_INIT;
  struct rn_backend *be = NULL;
  struct rn_model *m = NULL;
  enum rn_status st;
  if (!meta)
    return RN_ENOMEM;
  bo.device = "cpu";
  if (!(st = rn_checkpoint_read_meta(checkpoint, meta)) &&
      !(st = rn_checkpoint_model_config(checkpoint, meta, &mc)) &&
      !(st = rn_backend_open(&be, &bo)) && !(st = rn_model_create(&m, &mc, be)) &&
      !(st = rn_checkpoint_load(checkpoint, rn_model_params(m), RN_CKPT_FULL, 0, meta))) {
    snprintf(meta->kind, sizeof meta->kind, "weights");
    st = rn_checkpoint_save(out, rn_model_params(m), meta, RN_CKPT_WEIGHTS, 1);
  }
  rn_model_destroy(m);
  rn_backend_close(be);
  free(meta);
  return st;
}
