/* train_options.c - the training configuration (train.h,
 * etc/train.conf.example). */
#include <radnow/train.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void rn_train_options_init(struct rn_train_options *o)
{
  memset(o, 0, sizeof *o);
  snprintf(o->definition, sizeof o->definition, "etc/models/motionrnn-mim.ini");
  o->min_echo = 0;
  o->min_echo_dbz = 15;
  o->min_echo_tries = 10;
  o->seed = 1;
  o->iterations = 80000;
  o->batch = 8;
  snprintf(o->device, sizeof o->device, "auto");
  o->conv = RN_CONV_WINOGRAD;
  o->lr.kind = RN_LR_CONSTANT;
  o->lr.base = 1e-3;
  o->lr.gamma = 0.1;
  o->lr.step_size = 0;
  o->lr.warmup_start = 0.1;
  rn_adam_init(&o->adam);
  o->clip = 0;
  o->ema = 0;
  o->eta_start = 1.0;
  o->eta_step = 2e-5;
  o->eta_min = 0;
  o->valid_every = 1000;
  o->valid_windows = 256;
  o->valid_batch = 8;
  snprintf(o->best_metric, sizeof o->best_metric, "mse");
  snprintf(o->dir, sizeof o->dir, "train-out");
  o->checkpoint_every = 1000;
  o->log_every = 100;
  o->progress = -1;
}

static const char *file_of(const struct rn_config *cfg)
{
  const char *p = rn_config_path(cfg);
  return p && *p ? p : "configuration";
}

static enum rn_status get_long(const struct rn_config *cfg, const char *sec, const char *key,
                               long def, long lo, long hi, long *out)
{
  enum rn_status st = rn_config_int(cfg, sec, key, def, out);
  if (st)
    return st;
  if (*out < lo || *out > hi)
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s = %ld: must be within [%ld, %ld]",
                    file_of(cfg), sec, key, *out, lo, hi);
  return RN_OK;
}

static enum rn_status get_int(const struct rn_config *cfg, const char *sec, const char *key,
                              int def, int lo, int hi, int *out)
{
  long v;
  enum rn_status st = get_long(cfg, sec, key, def, lo, hi, &v);
  if (!st)
    *out = (int)v;
  return st;
}

static enum rn_status get_double(const struct rn_config *cfg, const char *sec, const char *key,
                                 double def, double lo, double hi, double *out)
{
  enum rn_status st = rn_config_double(cfg, sec, key, def, out);
  if (st)
    return st;
  if (!(*out >= lo && *out <= hi))
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s = %g: must be within [%g, %g]", file_of(cfg),
                    sec, key, *out, lo, hi);
  return RN_OK;
}

static enum rn_status get_string(const struct rn_config *cfg, const char *sec, const char *key,
                                 char *out, size_t size)
{
  const char *v = rn_config_get(cfg, sec, key);
  if (!v)
    return RN_OK;
  if (strlen(v) >= size)
    return rn_error(RN_EUSAGE, "config: %s: [%s] %s: too long", file_of(cfg), sec, key);
  snprintf(out, size, "%s", v);
  return RN_OK;
}

/* [data] archive: one or more paths, comma-separated; archive_share: as
 * many non-negative numbers, not all zero. */
static enum rn_status get_archives(const struct rn_config *cfg, struct rn_train_options *o)
{
  const char *v = rn_config_get(cfg, "data", "archive"), *p = v;
  double share[RN_TRAIN_MAX_ARCHIVES + 1], sum = 0;
  int n = 0, nshare = RN_TRAIN_MAX_ARCHIVES + 1, negative = 0;
  enum rn_status st;

  o->narchives = 0;
  memset(o->archive_share, 0, sizeof o->archive_share);
  while (p && *p) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    while (len && (*p == ' ' || *p == '\t'))
      p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
      len--;
    if (len) {
      if (n == RN_TRAIN_MAX_ARCHIVES)
        return rn_error(RN_EUSAGE, "config: %s: [data] archive: more than %d archives",
                        file_of(cfg), RN_TRAIN_MAX_ARCHIVES);
      if (len >= sizeof o->archives[0])
        return rn_error(RN_EUSAGE, "config: %s: [data] archive: a path is too long",
                        file_of(cfg));
      memcpy(o->archives[n], p, len);
      o->archives[n++][len] = '\0';
    }
    p = end ? end + 1 : NULL;
  }
  if (n == 0)
    return rn_error(RN_EUSAGE, "config: %s: [data] archive: no training archive given",
                    file_of(cfg));
  o->narchives = n;
  if ((st = rn_config_doubles(cfg, "data", "archive_share", share, &nshare)))
    return st;
  if (!rn_config_get(cfg, "data", "archive_share") || nshare == 0) /* not given, or empty */
    return RN_OK;
  for (int i = 0; i < nshare; i++) {
    negative |= share[i] < 0;
    sum += share[i];
  }
  if (nshare != n || negative || sum <= 0)
    return rn_error(RN_EUSAGE, "config: %s: [data] archive_share = '%s': want %d non-negative "
                    "numbers (one per archive), not all zero", file_of(cfg),
                    rn_config_get(cfg, "data", "archive_share"), n);
  for (int i = 0; i < n; i++)
    o->archive_share[i] = share[i] / sum;
  return RN_OK;
}

/* Every section and key must be known (a misspelt option must not be
 * silently ignored); [model] keys other than `definition` are passed to the
 * model definition as overrides. */
static enum rn_status check_keys(const struct rn_config *cfg, struct rn_train_options *o)
{
  static const char *const data[] = {"archive", "archive_share", "valid_archive", "flip",
                                     "rotate", "min_echo", "min_echo_dbz", "min_echo_tries",
                                     NULL};
  static const char *const train[] = {
      "seed",      "init",       "iterations", "batch",        "device",   "threads",     "conv", "lr",
      "lr_schedule", "lr_step_size", "lr_gamma", "lr_min",   "lr_total",    "warmup",
      "warmup_start", "beta1",   "beta2",        "eps",      "weight_decay", "decoupled",
      "clip",      "ema",        "eta_start",    "eta_step", "eta_min",     "reverse_input",
      NULL};
  static const char *const valid[] = {"every", "windows", "batch", "best", NULL};
  static const char *const output[] = {"dir", "checkpoint_every", "log_every", "progress", NULL};
  static const struct {
    const char *name;
    const char *const *keys;
  } sections[] = {{"data", data}, {"train", train}, {"validation", valid}, {"output", output}};
  const char *sec, *key;
  for (int i = 0; (sec = rn_config_section_at(cfg, i)) != NULL; i++) {
    size_t s = 0;
    if (strcmp(sec, "model") == 0) {
      for (int k = 0; (key = rn_config_key_at(cfg, "model", k)) != NULL; k++) {
        if (strcmp(key, "definition") == 0)
          continue;
        if (o->noverrides == RN_TRAIN_MAX_OVERRIDES)
          return rn_error(RN_EUSAGE, "config: %s: [model]: too many keys", file_of(cfg));
        if (snprintf(o->overrides[o->noverrides], sizeof o->overrides[0], "%s=%s", key,
                     rn_config_get(cfg, "model", key)) >= (int)sizeof o->overrides[0])
          return rn_error(RN_EUSAGE, "config: %s: [model] %s: too long", file_of(cfg), key);
        o->noverrides++;
      }
      continue;
    }
    while (s < sizeof sections / sizeof sections[0] && strcmp(sections[s].name, sec) != 0)
      s++;
    if (s == sizeof sections / sizeof sections[0])
      return rn_error(RN_EUSAGE, "config: %s: [%s]: unknown section (model, data, train, "
                      "validation, output)", file_of(cfg), sec);
    for (int k = 0; (key = rn_config_key_at(cfg, sec, k)) != NULL; k++) {
      int j = 0;
      while (sections[s].keys[j] && strcmp(sections[s].keys[j], key) != 0)
        j++;
      if (!sections[s].keys[j])
        return rn_error(RN_EUSAGE, "config: %s: [%s] %s: unknown option", file_of(cfg), sec, key);
    }
  }
  return RN_OK;
}

/* The configuration as INI text, recorded in checkpoints. */
static void config_text(const struct rn_config *cfg, char *buf, size_t size)
{
  const char *sec, *key;
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 0; (sec = rn_config_section_at(cfg, i)) != NULL && n < size; i++) {
    n += (size_t)snprintf(buf + n, size - n, "%s[%s]\n", i ? "\n" : "", sec);
    for (int k = 0; (key = rn_config_key_at(cfg, sec, k)) != NULL && n < size; k++)
      n += (size_t)snprintf(buf + n, size - n, "%s = %s\n", key, rn_config_get(cfg, sec, key));
  }
}

enum rn_status rn_train_options_load(struct rn_train_options *o, const struct rn_config *cfg)
{
  enum rn_status st;
  const char *v;
  long l;
  double d;
  int b;

  if ((st = check_keys(cfg, o)))
    return st;
  config_text(cfg, o->config_text, sizeof o->config_text);
  if ((st = get_string(cfg, "model", "definition", o->definition, sizeof o->definition)))
    return st;

  if ((st = get_archives(cfg, o)) ||
      (st = get_string(cfg, "data", "valid_archive", o->valid_archive, sizeof o->valid_archive)))
    return st;
  if ((st = rn_config_bool(cfg, "data", "flip", 0, &o->flip)) ||
      (st = rn_config_bool(cfg, "data", "rotate", 0, &o->rotate)) ||
      (st = get_double(cfg, "data", "min_echo", 0, 0, 1, &o->min_echo)) ||
      (st = get_double(cfg, "data", "min_echo_dbz", 15, -32, 100, &o->min_echo_dbz)) ||
      (st = get_int(cfg, "data", "min_echo_tries", 10, 1, 1000, &o->min_echo_tries)))
    return st;

  if ((st = get_double(cfg, "train", "seed", 1, 0, 9007199254740992.0, &d)))
    return st;
  o->seed = (uint64_t)d;
  if ((st = get_string(cfg, "train", "init", o->init, sizeof o->init)))
    return st;
  if ((st = get_long(cfg, "train", "iterations", 80000, 0, 1000000000L, &o->iterations)) ||
      (st = get_int(cfg, "train", "batch", 8, 1, 4096, &o->batch)) ||
      (st = get_string(cfg, "train", "device", o->device, sizeof o->device)) ||
      (st = get_int(cfg, "train", "threads", 0, 0, 1024, &o->threads)))
    return st;
  v = rn_config_string(cfg, "train", "conv", "winograd");
  if ((o->conv = rn_conv_kind_parse(v)) < 0)
    return rn_error(RN_EUSAGE, "config: [train] conv = '%s': expected auto, onednn, winograd or "
                    "im2col", v);
  if ((st = get_double(cfg, "train", "lr", 1e-3, 0, 10, &o->lr.base)))
    return st;
  v = rn_config_string(cfg, "train", "lr_schedule", "constant");
  if (strcasecmp(v, "constant") == 0)
    o->lr.kind = RN_LR_CONSTANT;
  else if (strcasecmp(v, "step") == 0)
    o->lr.kind = RN_LR_STEP;
  else if (strcasecmp(v, "exp") == 0)
    o->lr.kind = RN_LR_EXP;
  else if (strcasecmp(v, "cosine") == 0)
    o->lr.kind = RN_LR_COSINE;
  else
    return rn_error(RN_EUSAGE, "config: %s: [train] lr_schedule = '%s': want constant, step, exp "
                    "or cosine", file_of(cfg), v);
  if ((st = get_long(cfg, "train", "lr_step_size", 0, 0, 1000000000L, &o->lr.step_size)) ||
      (st = get_double(cfg, "train", "lr_gamma", 0.1, 0, 1, &o->lr.gamma)) ||
      (st = get_double(cfg, "train", "lr_min", 0, 0, 10, &o->lr.min_lr)) ||
      (st = get_long(cfg, "train", "lr_total", 0, 0, 1000000000L, &o->lr.total)) ||
      (st = get_long(cfg, "train", "warmup", 0, 0, 1000000000L, &o->lr.warmup)) ||
      (st = get_double(cfg, "train", "warmup_start", 0.1, 0, 1, &o->lr.warmup_start)))
    return st;
  if (o->lr.kind == RN_LR_STEP && o->lr.step_size < 1)
    return rn_error(RN_EUSAGE, "config: %s: [train] lr_schedule = step needs lr_step_size >= 1",
                    file_of(cfg));
  if (o->lr.kind == RN_LR_COSINE && o->lr.total < 1)
    o->lr.total = o->iterations; /* anneal over the whole run */
  if ((st = get_double(cfg, "train", "beta1", 0.9, 0, 0.999999, &d)))
    return st;
  o->adam.beta1 = (float)d;
  if ((st = get_double(cfg, "train", "beta2", 0.999, 0, 0.99999999, &d)))
    return st;
  o->adam.beta2 = (float)d;
  if ((st = get_double(cfg, "train", "eps", 1e-8, 0, 1, &d)))
    return st;
  o->adam.eps = (float)d;
  if ((st = get_double(cfg, "train", "weight_decay", 0, 0, 1, &d)))
    return st;
  o->adam.weight_decay = (float)d;
  if ((st = rn_config_bool(cfg, "train", "decoupled", 0, &b)))
    return st;
  o->adam.decoupled = b;
  if ((st = get_double(cfg, "train", "clip", 0, 0, 1e9, &o->clip)) ||
      (st = get_double(cfg, "train", "ema", 0, 0, 0.9999999, &o->ema)) ||
      (st = get_double(cfg, "train", "eta_start", 1, 0, 1, &o->eta_start)) ||
      (st = get_double(cfg, "train", "eta_step", 2e-5, 0, 1, &o->eta_step)) ||
      (st = get_double(cfg, "train", "eta_min", 0, 0, 1, &o->eta_min)) ||
      (st = rn_config_bool(cfg, "train", "reverse_input", 0, &o->reverse_input)))
    return st;

  if ((st = get_long(cfg, "validation", "every", 1000, 0, 1000000000L, &o->valid_every)) ||
      (st = get_int(cfg, "validation", "windows", 256, 0, 10000000, &o->valid_windows)) ||
      (st = get_int(cfg, "validation", "batch", 8, 1, 4096, &o->valid_batch)) ||
      (st = get_string(cfg, "validation", "best", o->best_metric, sizeof o->best_metric)))
    return st;
  if (strcmp(o->best_metric, "mse") && strcmp(o->best_metric, "csi30") &&
      strcmp(o->best_metric, "csi40") && strcmp(o->best_metric, "csi50"))
    return rn_error(RN_EUSAGE, "config: %s: [validation] best = '%s': want mse, csi30, csi40 or "
                    "csi50", file_of(cfg), o->best_metric);

  if ((st = get_string(cfg, "output", "dir", o->dir, sizeof o->dir)) ||
      (st = get_long(cfg, "output", "checkpoint_every", 1000, 0, 1000000000L,
                     &o->checkpoint_every)) ||
      (st = get_long(cfg, "output", "log_every", 100, 0, 1000000000L, &o->log_every)))
    return st;
  v = rn_config_string(cfg, "output", "progress", "auto");
  if (strcasecmp(v, "auto") == 0) {
    o->progress = -1;
  } else if ((st = rn_config_bool(cfg, "output", "progress", 0, &b))) {
    return rn_error(RN_EUSAGE, "config: %s: [output] progress = '%s': want auto, yes or no",
                    file_of(cfg), v);
  } else {
    o->progress = b;
  }
  (void)l;
  return RN_OK;
}
