/* neural.c - the trained recurrent models (model.h) as predictors: convlstm,
 * predrnn, mim, motionrnn-convlstm, motionrnn-predrnn, motionrnn-mim.
 *
 * A cycle's frames (product grid) are resampled to the model grid (area
 * averaging), mapped to the [0, 1] scale the model was trained on
 * (train.h; nodata counts as 0), cut into tiles of the model's frame size
 * when the model grid is larger, predicted, stitched (overlaps averaged),
 * resampled back to the product grid on the [0, 1] scale (so no echo
 * stays clean at echo edges) and mapped to dBZ. Pixels where the newest
 * frame has no data stay nodata.
 *
 * Options in [predictor.NAME] (defaults in brackets):
 *   weights = FILE     checkpoint or weights file from radnow train
 *                      [NAME.weights.h5 in the models folder]
 *   model = FILE       model definition; must match the weights
 *                      [the definition stored with the weights]
 *   use_ema = yes      run the weights' moving average when it has one
 *   model_grid = WxH   the domain resampled to W x H pixels [the model's
 *                      frame size: one tile]
 *   model_res = M      or: the domain resampled to pixels of M CRS units,
 *                      cut into tiles [0: use model_grid]
 *   tile_overlap = 8   pixels shared by neighbouring tiles
 *   threads = 0        CPU threads (0: OpenMP's default); they apply to this
 *                      predictor alone, the others keep the process's setting
 *   conv = winograd    CPU convolutions: winograd, onednn (= auto) or im2col
 *                      (backend.h; Winograd is faster, within ~1e-5 relative)
 *   match = newest     every lead's values replaced, rank for rank, by those
 *                      of the newest frame (probability matching,
 *                      prob_match.h): the network's pattern with the
 *                      observed intensities; none: the network's own values,
 *                      whose strong echoes fade within a few steps
 * inputs is the model's input_length, leads at most its output_length
 * [all of them], step_minutes that of the training archive.
 * Relative file names are looked up as given, then in $RADNOW_MODELS, the
 * installed models folder and the source tree's etc/models. */
#include <radnow/backend.h>
#include <radnow/checkpoint.h>
#include <radnow/log.h>
#include <radnow/model.h>
#include <radnow/resample.h>
#include <radnow/train.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "predictors.h"
#include "prob_match.h"

#ifndef RN_PKGDATADIR
#define RN_PKGDATADIR "/usr/local/share/radnow"
#endif
#ifndef RN_SRC_ETCDIR
#define RN_SRC_ETCDIR "etc"
#endif

/* The CPU backend sets OpenMP's thread count of the calling thread; the
 * cycle runs every predictor on that thread, so a model's `threads` would
 * leak into the predictors after it. These save and restore it. */
static int omp_threads_save(void)
{
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

static void omp_threads_set(int n)
{
#ifdef _OPENMP
  if (n > 0)
    omp_set_num_threads(n);
#else
  (void)n;
#endif
}

struct neural {
  struct rn_backend *be;
  struct rn_model *m;
  struct rn_model_config mc;
  int gx, gy;     /* model grid size (0: from res) */
  double res;
  int overlap;
  int match; /* probability matching to the newest frame */
  char weights[4096];
};

static const char *cfg_file(const struct rn_config *cfg)
{
  const char *p = cfg ? rn_config_path(cfg) : "";
  return p && *p ? p : "configuration";
}

/* A models-folder file: as given, else beside the configuration, in
 * $RADNOW_MODELS, installed, or in the source tree. */
static enum rn_status find_file(const struct rn_predictor *p, const struct rn_config *cfg,
                                const char *key, const char *name, char *out, size_t size)
{
  char dirs[4][4096];
  int nd = 0;
  const char *env = getenv("RADNOW_MODELS"), *conf = cfg ? rn_config_path(cfg) : NULL;
  if (name[0] == '/' || access(name, R_OK) == 0) {
    snprintf(out, size, "%s", name);
    return access(name, R_OK) == 0
               ? RN_OK
               : rn_error(RN_EUSAGE, "config: %s: [%s] %s = %s: no such file", cfg_file(cfg),
                          p->section, key, name);
  }
  if (conf && *conf && strrchr(conf, '/'))
    snprintf(dirs[nd++], sizeof dirs[0], "%.*s", (int)(strrchr(conf, '/') - conf), conf);
  if (env && *env)
    snprintf(dirs[nd++], sizeof dirs[0], "%s", env);
  snprintf(dirs[nd++], sizeof dirs[0], "%s/models", RN_PKGDATADIR);
  snprintf(dirs[nd++], sizeof dirs[0], "%s/models", RN_SRC_ETCDIR);
  for (int i = 0; i < nd; i++) {
    if (snprintf(out, size, "%s/%s", dirs[i], name) >= (int)size)
      continue;
    if (access(out, R_OK) == 0)
      return RN_OK;
  }
  return rn_error(RN_EUSAGE, "config: %s: [%s] %s = %s: not found here, in $RADNOW_MODELS, %s/models "
                  "or %s/models", cfg_file(cfg), p->section, key, name, RN_PKGDATADIR,
                  RN_SRC_ETCDIR);
}

static void neural_destroy(struct rn_predictor *p)
{
  struct neural *n = p->priv;
  if (!n)
    return;
  rn_model_destroy(n->m);
  rn_backend_close(n->be);
  free(n);
  p->priv = NULL;
}

static enum rn_status neural_create(struct rn_predictor *p, const struct rn_config *cfg)
{
  struct neural *n = rn_calloc(1, sizeof *n, "neural predictor");
  struct rn_checkpoint_meta *meta = rn_calloc(1, sizeof *meta, "checkpoint attributes");
  struct rn_backend_options bo = RN_BACKEND_OPTIONS_INIT;
  char def_weights[128], path[4096], device[32];
  const char *v;
  int use_ema = 1, threads = 0, saved_threads = omp_threads_save();
  enum rn_status st;

  p->priv = n;
  if (!n || !meta) {
    free(meta);
    return RN_ENOMEM;
  }
  snprintf(def_weights, sizeof def_weights, "%s.weights.h5", p->ops->name);
  v = cfg ? rn_config_string(cfg, p->section, "weights", def_weights) : def_weights;
  if ((st = find_file(p, cfg, "weights", v, n->weights, sizeof n->weights)) ||
      (st = rn_checkpoint_read_meta(n->weights, meta)))
    goto done;
  /* The definition: the configured one must describe the stored network. */
  if (cfg && (v = rn_config_get(cfg, p->section, "model")) != NULL && *v) {
    rn_model_config_default(&n->mc);
    if ((st = find_file(p, cfg, "model", v, path, sizeof path)) ||
        (st = rn_model_config_load(&n->mc, path, 0, NULL)) ||
        (st = rn_checkpoint_check_model(n->weights, meta, &n->mc)))
      goto done;
  } else if ((st = rn_checkpoint_model_config(n->weights, meta, &n->mc))) {
    goto done;
  }
  if (strcmp(n->mc.type, p->ops->name) != 0) {
    st = rn_error(RN_EUSAGE, "config: %s: [%s] weights = %s: a %s model, not %s", cfg_file(cfg),
                  p->section, n->weights, n->mc.type, p->ops->name);
    goto done;
  }
  if (n->mc.channels != 1) {
    st = rn_error(RN_EUSAGE, "%s: %s: %d channels; reflectivity is one", p->ops->name, n->weights,
                  n->mc.channels);
    goto done;
  }

  /* Lengths and step come from the model. */
  p->ninputs = n->mc.input_length;
  if (cfg && rn_config_get(cfg, p->section, "inputs") &&
      strtol(rn_config_get(cfg, p->section, "inputs"), NULL, 10) != n->mc.input_length)
    rn_log_warn("%s: inputs = %s ignored: the model reads %d frames", p->ops->name,
                rn_config_get(cfg, p->section, "inputs"), n->mc.input_length);
  if (!cfg || !rn_config_get(cfg, p->section, "leads"))
    p->nleads = n->mc.output_length;
  if (p->nleads > n->mc.output_length) {
    st = rn_error(RN_EUSAGE, "config: %s: [%s] leads = %d: the model predicts %d", cfg_file(cfg),
                  p->section, p->nleads, n->mc.output_length);
    goto done;
  }
  if (p->step_seconds == 0 && meta->step_seconds > 0)
    p->step_seconds = (int)meta->step_seconds;
  else if (p->step_seconds > 0 && meta->step_seconds > 0 && p->step_seconds != meta->step_seconds)
    rn_log_warn("%s: step_minutes = %g but %s was trained on %g-minute steps", p->ops->name,
                p->step_seconds / 60.0, n->weights, meta->step_seconds / 60.0);

  /* The model grid. */
  n->gx = n->mc.width;
  n->gy = n->mc.height;
  if (cfg && (v = rn_config_get(cfg, p->section, "model_grid")) != NULL && *v) {
    char *end;
    long gx = strtol(v, &end, 10), gy = -1;
    if (end != v && (*end == 'x' || *end == 'X'))
      gy = strtol(end + 1, &end, 10);
    if (*end || gx < n->mc.width || gy < n->mc.height || gx > 100000 || gy > 100000) {
      st = rn_error(RN_EUSAGE, "config: %s: [%s] model_grid = '%s': want WxH, at least the "
                    "model's %dx%d", cfg_file(cfg), p->section, v, n->mc.width, n->mc.height);
      goto done;
    }
    n->gx = (int)gx;
    n->gy = (int)gy;
  }
  if ((st = rn_predictor_opt_double(p, cfg, "model_res", 0, 0, 1e9, &n->res)) ||
      (st = rn_predictor_opt_int(p, cfg, "tile_overlap", 8, 0, 100000, &n->overlap)) ||
      (st = rn_predictor_opt_int(p, cfg, "threads", 0, 0, 1024, &threads)))
    goto done;
  if (n->overlap >= n->mc.width || n->overlap >= n->mc.height) {
    st = rn_error(RN_EUSAGE, "config: %s: [%s] tile_overlap = %d: must be smaller than the "
                  "model's frames", cfg_file(cfg), p->section, n->overlap);
    goto done;
  }
  if (cfg && (st = rn_config_bool(cfg, p->section, "use_ema", 1, &use_ema)))
    goto done;
  v = cfg ? rn_config_string(cfg, p->section, "match", "newest") : "newest";
  if (strcasecmp(v, "newest") != 0 && strcasecmp(v, "none") != 0) {
    st = rn_error(RN_EUSAGE, "config: %s: [%s] match = '%s': expected none or newest",
                  cfg_file(cfg), p->section, v);
    goto done;
  }
  n->match = strcasecmp(v, "newest") == 0;
  /* CPU convolutions: Winograd unless configured otherwise (backend.h) */
  v = cfg ? rn_config_string(cfg, p->section, "conv", "winograd") : "winograd";
  if (rn_conv_kind_parse(v) < 0) {
    st = rn_error(RN_EUSAGE, "config: %s: [%s] conv = '%s': expected winograd, onednn, im2col "
                  "or auto", cfg_file(cfg), p->section, v);
    goto done;
  }
  bo.conv = (enum rn_conv_kind)rn_conv_kind_parse(v);

  /* The network, once per process. */
  if (p->device == RN_DEVICE_CUDA)
    snprintf(device, sizeof device, "cuda:%d", p->device_index);
  else
    snprintf(device, sizeof device, "cpu");
  bo.device = device;
  bo.threads = threads;
  if ((st = rn_backend_open(&n->be, &bo)) || (st = rn_model_create(&n->m, &n->mc, n->be)) ||
      (st = rn_checkpoint_load(n->weights, rn_model_params(n->m), RN_CKPT_WEIGHTS, use_ema,
                               NULL)))
    goto done;
  rn_log_debug("%s: %s (%s, iteration %ld), %s", p->ops->name, n->weights, n->mc.type,
               meta->iteration, rn_backend_describe(n->be));
done:
  omp_threads_set(saved_threads);
  free(meta);
  return st;
}

/* Tile corners along one axis of n pixels: tiles of size, overlapping by
 * at least `overlap`, the last flush with the edge. */
static int tile_starts(int n, int size, int overlap, int *pos, int max)
{
  int k = 0, stride = size - overlap;
  for (int p = 0; k < max; p += stride) {
    if (p + size >= n) {
      pos[k++] = n - size;
      break;
    }
    pos[k++] = p;
  }
  return k;
}

static enum rn_status neural_run(struct rn_predictor *p, const struct rn_frame *const *frames,
                                 int nframes, struct rn_forecast *fc)
{
  struct neural *n = p->priv;
  const struct rn_frame *newest = frames[nframes - 1];
  int H = n->mc.height, W = n->mc.width, in = n->mc.input_length, out = n->mc.output_length;
  int xs[512], ys[512], ntx, nty, ntiles, gx, gy;
  long F = (long)H * W;
  struct rn_grid g = {0};
  struct rn_frame small = {0}, lead = {0}, back = {0};
  float *grid_in = NULL, *in_host = NULL, *out_host = NULL, *acc = NULL, *wsum = NULL;
  float *in_dev = NULL, *out_dev = NULL;
  size_t gpix, npix = (size_t)fc->grid.nx * fc->grid.ny;
  int saved_threads = omp_threads_save();
  enum rn_status st;

  /* The model grid for this product grid. */
  if (n->res > 0) {
    gx = (int)lround(newest->grid.nx * newest->grid.dx / n->res);
    gy = (int)lround(newest->grid.ny * newest->grid.dy / n->res);
    if (gx < W || gy < H)
      return rn_error(RN_EUSAGE, "%s: model_res = %g gives %d x %d pixels, fewer than the "
                      "model's %d x %d", p->ops->name, n->res, gx, gy, W, H);
  } else {
    gx = n->gx;
    gy = n->gy;
  }
  if ((st = rn_resample_grid(&newest->grid, gx, gy, &g)))
    return st;
  gpix = (size_t)gx * gy;
  ntx = tile_starts(gx, W, n->overlap, xs, 512);
  nty = tile_starts(gy, H, n->overlap, ys, 512);
  ntiles = ntx * nty;
  grid_in = rn_malloc(sizeof(float) * gpix * (size_t)in, "model grid inputs");
  in_host = rn_malloc(sizeof(float) * (size_t)ntiles * in * F, "model inputs");
  out_host = rn_malloc(sizeof(float) * (size_t)ntiles * out * F, "model outputs");
  acc = rn_malloc(sizeof(float) * gpix, "stitched output");
  wsum = rn_malloc(sizeof(float) * gpix, "stitch weights");
  if (!grid_in || !in_host || !out_host || !acc || !wsum) {
    st = RN_ENOMEM;
    goto done;
  }

  /* Inputs on the model grid, on the [0, 1] scale. */
  for (int t = 0; t < in; t++) {
    const struct rn_frame *f = frames[nframes - in + t];
    const float *src = f->dbz;
    if (!rn_grid_same(&f->grid, &g)) {
      if ((st = rn_frame_resample(f, &g, RN_RESAMPLE_AVERAGE, &small)))
        goto done;
      src = small.dbz;
    }
    for (size_t i = 0; i < gpix; i++)
      grid_in[(size_t)t * gpix + i] = rn_train_dbz_unit(src[i]);
    rn_frame_free(&small);
  }
  for (int ty = 0; ty < nty; ty++)
    for (int tx = 0; tx < ntx; tx++) {
      float *dst = in_host + (size_t)(ty * ntx + tx) * in * F;
      for (int t = 0; t < in; t++)
        for (int y = 0; y < H; y++)
          memcpy(dst + ((size_t)t * H + y) * W,
                 grid_in + (size_t)t * gpix + (size_t)(ys[ty] + y) * gx + xs[tx],
                 sizeof(float) * W);
    }

  /* The network. */
  in_dev = rn_alloc(n->be, (long)ntiles * in * F);
  out_dev = rn_alloc(n->be, (long)ntiles * out * F);
  if ((st = rn_backend_sync(n->be)))
    goto done;
  omp_threads_set(rn_backend_threads(n->be));
  rn_upload(n->be, in_dev, in_host, (long)ntiles * in * F);
  st = rn_model_predict(n->m, out_dev, in_dev, ntiles);
  if (!st)
    rn_download(n->be, out_host, out_dev, (long)ntiles * out * F);
  if (!st)
    st = rn_backend_sync(n->be);
  omp_threads_set(saved_threads);
  if (st)
    goto done;

  /* Each lead: stitch, back to the product grid, to dBZ. */
  if ((st = rn_frame_alloc(&lead, &g)))
    goto done;
  lead.time = newest->time;
  for (int l = 0; l < fc->nleads; l++) {
    float *dst = rn_forecast_field(fc, 0, l);
    const float *src = lead.dbz;
    memset(acc, 0, sizeof(float) * gpix);
    memset(wsum, 0, sizeof(float) * gpix);
    for (int ty = 0; ty < nty; ty++)
      for (int tx = 0; tx < ntx; tx++) {
        const float *o = out_host + ((size_t)(ty * ntx + tx) * out + l) * F;
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++) {
            size_t k = (size_t)(ys[ty] + y) * gx + xs[tx] + x;
            acc[k] += o[y * W + x];
            wsum[k] += 1.0f;
          }
      }
    for (size_t i = 0; i < gpix; i++)
      lead.dbz[i] = acc[i] / wsum[i];
    if (!rn_grid_same(&g, &fc->grid)) {
      /* Interpolated on the [0, 1] scale: every value is above the
       * resampler's no-echo floor, so it is plain bilinear interpolation. */
      if ((st = rn_frame_resample(&lead, &fc->grid, RN_RESAMPLE_BILINEAR, &back)))
        goto done;
      src = back.dbz;
    }
    for (size_t i = 0; i < npix; i++) {
      float u = src[i];
      if (isnan(newest->dbz[i]))
        dst[i] = RN_NODATA;
      else if (isnan(u)) /* beyond the model grid's pixel centres: nearest edge */
        dst[i] = RN_DBZ_NOECHO;
      else
        dst[i] = rn_train_unit_dbz(u);
    }
    rn_frame_free(&back);
    if (n->match && (st = rn_prob_match(dst, newest->dbz, npix)))
      goto done;
  }
done:
  rn_frame_free(&small);
  rn_frame_free(&lead);
  rn_frame_free(&back);
  rn_grid_free(&g);
  if (n->be) {
    rn_free(n->be, in_dev);
    rn_free(n->be, out_dev);
  }
  free(grid_in);
  free(in_host);
  free(out_host);
  free(acc);
  free(wsum);
  return st;
}

#define NEURAL_OPS(ident, NAME, SUMMARY)                                                          \
  const struct rn_predictor_ops ident = {                                                         \
      .name = NAME,                                                                               \
      .summary = SUMMARY,                                                                         \
      .ninputs = 10,                                                                              \
      .nmembers = 1,                                                                              \
      .stochastic = 0,                                                                            \
      .devices = RN_DEVICE_BIT(RN_DEVICE_CPU) | RN_DEVICE_BIT(RN_DEVICE_CUDA),                    \
      .create = neural_create,                                                                    \
      .destroy = neural_destroy,                                                                  \
      .run = neural_run,                                                                          \
  }

NEURAL_OPS(rn_motionrnn_mim_ops, "motionrnn-mim", "MotionRNN-wrapped MIM (trained with radnow train)");
NEURAL_OPS(rn_motionrnn_predrnn_ops, "motionrnn-predrnn",
           "MotionRNN-wrapped PredRNN (trained with radnow train)");
NEURAL_OPS(rn_motionrnn_convlstm_ops, "motionrnn-convlstm",
           "MotionRNN-wrapped ConvLSTM (trained with radnow train)");
NEURAL_OPS(rn_mim_ops, "mim", "MIM, memory in memory (trained with radnow train)");
NEURAL_OPS(rn_predrnn_ops, "predrnn", "PredRNN, spatiotemporal LSTM (trained with radnow train)");
NEURAL_OPS(rn_convlstm_ops, "convlstm", "ConvLSTM (trained with radnow train)");
