/* model_config.c - model definitions: the [model] section of an INI file
 * (etc/models/), overrides, checks, the text form kept in checkpoints and
 * the comparison of two definitions (model.h). */
#include <radnow/model.h>
#include <radnow/train.h>
#include <radnow/zr.h>

#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void rn_model_config_default(struct rn_model_config *mc)
{
  memset(mc, 0, sizeof *mc);
  snprintf(mc->type, sizeof mc->type, "motionrnn-mim");
  mc->backbone = RN_BACKBONE_MIM;
  mc->motion = 1;
  mc->layers = 4;
  for (int l = 0; l < RN_MODEL_MAXLAYERS; l++)
    mc->hidden[l] = 64;
  mc->filter = 5;
  mc->patch = 4;
  mc->channels = 1;
  mc->height = mc->width = 64;
  mc->input_length = mc->output_length = 10;
  mc->layer_norm = 0;
  mc->loss = RN_MODEL_LOSS_MSE;
}

static const char *const backbone_names[] = {"convlstm", "predrnn", "mim"};

static enum rn_status set_type(struct rn_model_config *mc, const char *v)
{
  const char *b = v;
  int motion = 0;
  if (strncasecmp(v, "motionrnn-", 10) == 0) {
    motion = 1;
    b = v + 10;
  }
  for (int i = 0; i < 3; i++)
    if (strcasecmp(b, backbone_names[i]) == 0) {
      mc->backbone = (enum rn_backbone)i;
      mc->motion = motion;
      snprintf(mc->type, sizeof mc->type, "%s%s", motion ? "motionrnn-" : "", backbone_names[i]);
      return RN_OK;
    }
  return RN_EUSAGE;
}

/* indexed by enum rn_model_loss */
static const char *const loss_names[] = {"mse", "half_sum", "bmse", "bmae"};
#define NLOSS (int)(sizeof loss_names / sizeof loss_names[0])

const char *rn_model_loss_name(enum rn_model_loss loss)
{
  return (int)loss >= 0 && (int)loss < NLOSS ? loss_names[loss] : "?";
}

void rn_model_loss_steps(enum rn_model_loss loss, struct rn_loss_steps *s)
{
  /* Shi et al. 2017: thresholds in mm/h and the weight from each one up */
  static const double rate[] = {2, 5, 10, 30};
  static const float w[] = {1, 2, 5, 10, 30};
  const struct rn_zr zr = rn_zr_make(RN_ZR_A, RN_ZR_B);
  memset(s, 0, sizeof *s);
  if (loss != RN_MODEL_LOSS_BMSE && loss != RN_MODEL_LOSS_BMAE)
    return;
  s->n = (int)(sizeof rate / sizeof rate[0]);
  for (int k = 0; k < s->n; k++)
    s->thr[k] = rn_train_dbz_unit(rn_zr_rate_to_dbz(zr, rate[k]));
  for (int k = 0; k <= s->n; k++)
    s->w[k] = w[k];
}

static const char *const keys[] = {"type",         "hidden",        "layers",     "filter",
                                   "patch",        "channels",      "height",     "width",
                                   "input_length", "output_length", "layer_norm", "loss"};

static enum rn_status bad(const struct rn_config *cfg, const char *section, const char *key,
                          const char *v, const char *why)
{
  const char *f = cfg ? rn_config_path(cfg) : "";
  return rn_error(RN_EUSAGE, "model: %s: [%s] %s = '%s': %s", f && *f ? f : "configuration",
                  section, key, v ? v : "", why);
}

static enum rn_status get_int(const struct rn_config *cfg, const char *section, const char *key,
                              long lo, long hi, int *out)
{
  long v;
  enum rn_status st = rn_config_int(cfg, section, key, *out, &v);
  if (st)
    return st;
  if (v < lo || v > hi) {
    char why[64];
    snprintf(why, sizeof why, "must be in %ld..%ld", lo, hi);
    return bad(cfg, section, key, rn_config_get(cfg, section, key), why);
  }
  *out = (int)v;
  return RN_OK;
}

/* Whole-definition checks; `where` names the source for messages. */
enum rn_status net_config_check(const struct rn_model_config *mc, const char *where)
{
  int P = mc->patch;
  if (mc->layers < 1 || mc->layers > RN_MODEL_MAXLAYERS)
    return rn_error(RN_EUSAGE, "model: %s: %d layers (1..%d)", where, mc->layers,
                    RN_MODEL_MAXLAYERS);
  for (int l = 0; l < mc->layers; l++) {
    if (mc->hidden[l] < 1 || mc->hidden[l] > 4096)
      return rn_error(RN_EUSAGE, "model: %s: hidden channels of layer %d: %d", where, l,
                      mc->hidden[l]);
    if (mc->motion && mc->hidden[l] % 4)
      return rn_error(RN_EUSAGE,
                      "model: %s: MotionRNN needs hidden channels divisible by 4 (layer %d: %d)",
                      where, l, mc->hidden[l]);
  }
  for (int l = 1; l < mc->layers; l++)
    if (mc->backbone != RN_BACKBONE_CONVLSTM && mc->hidden[l] != mc->hidden[0])
      return rn_error(RN_EUSAGE,
                      "model: %s: %s needs the same hidden channels in every layer (the zigzag "
                      "memory M passes through all of them): layer %d has %d, layer 0 %d",
                      where, mc->type, l, mc->hidden[l], mc->hidden[0]);
  if (mc->filter < 1 || mc->filter % 2 == 0)
    return rn_error(RN_EUSAGE, "model: %s: filter %d must be odd", where, mc->filter);
  if (P < 1 || mc->height % P || mc->width % P)
    return rn_error(RN_EUSAGE, "model: %s: frame %dx%d is not a multiple of patch %d", where,
                    mc->height, mc->width, P);
  if (mc->motion && ((mc->height / P) % 2 || (mc->width / P) % 2))
    return rn_error(RN_EUSAGE,
                    "model: %s: MotionRNN needs an even patched frame (%dx%d / patch %d)", where,
                    mc->height, mc->width, P);
  if (mc->input_length < 1 || mc->output_length < 1)
    return rn_error(RN_EUSAGE, "model: %s: input_length %d and output_length %d must be >= 1",
                    where, mc->input_length, mc->output_length);
  return RN_OK;
}

enum rn_status rn_model_config_read(struct rn_model_config *mc, const struct rn_config *cfg,
                                    const char *section)
{
  const char *v, *k, *f = rn_config_path(cfg);
  char where[512];
  enum rn_status st;
  int nh = -1;
  snprintf(where, sizeof where, "%s: [%s]", f && *f ? f : "configuration", section);
  for (int i = 0; (k = rn_config_key_at(cfg, section, i)); i++) {
    size_t j = 0;
    while (j < sizeof keys / sizeof keys[0] && strcmp(keys[j], k))
      j++;
    if (j == sizeof keys / sizeof keys[0])
      return bad(cfg, section, k, rn_config_get(cfg, section, k), "unknown key");
  }
  if ((v = rn_config_get(cfg, section, "type")) && set_type(mc, v))
    return bad(cfg, section, "type", v,
               "not one of convlstm, predrnn, mim, motionrnn-convlstm, motionrnn-predrnn, "
               "motionrnn-mim");
  if (rn_config_get(cfg, section, "hidden")) {
    double h[RN_MODEL_MAXLAYERS + 1];
    int n = RN_MODEL_MAXLAYERS + 1;
    if ((st = rn_config_doubles(cfg, section, "hidden", h, &n)))
      return st;
    if (n > RN_MODEL_MAXLAYERS)
      return bad(cfg, section, "hidden", rn_config_get(cfg, section, "hidden"),
                 "too many layers");
    for (int l = 0; l < n; l++) {
      if (h[l] != (int)h[l] || h[l] < 1 || h[l] > 4096)
        return bad(cfg, section, "hidden", rn_config_get(cfg, section, "hidden"),
                   "channels must be whole numbers in 1..4096");
      mc->hidden[l] = (int)h[l];
    }
    nh = n;
    mc->layers = n;
  }
  if (rn_config_get(cfg, section, "layers")) {
    if ((st = get_int(cfg, section, "layers", 1, RN_MODEL_MAXLAYERS, &mc->layers)))
      return st;
    if (nh > 1 && nh != mc->layers)
      return bad(cfg, section, "layers", rn_config_get(cfg, section, "layers"),
                 "differs from the number of hidden sizes");
  }
  if (nh == 1 || (nh < 0 && rn_config_get(cfg, section, "layers")))
    for (int l = 1; l < RN_MODEL_MAXLAYERS; l++)
      mc->hidden[l] = mc->hidden[0];
  if ((st = get_int(cfg, section, "filter", 1, 15, &mc->filter)) ||
      (st = get_int(cfg, section, "patch", 1, 64, &mc->patch)) ||
      (st = get_int(cfg, section, "channels", 1, 64, &mc->channels)) ||
      (st = get_int(cfg, section, "height", 1, 16384, &mc->height)) ||
      (st = get_int(cfg, section, "width", 1, 16384, &mc->width)) ||
      (st = get_int(cfg, section, "input_length", 1, 1000, &mc->input_length)) ||
      (st = get_int(cfg, section, "output_length", 1, 1000, &mc->output_length)) ||
      (st = rn_config_bool(cfg, section, "layer_norm", mc->layer_norm, &mc->layer_norm)))
    return st;
  if ((v = rn_config_get(cfg, section, "loss"))) {
    int i = 0;
    while (i < NLOSS && strcasecmp(v, loss_names[i]))
      i++;
    if (i == NLOSS)
      return bad(cfg, section, "loss", v, "not mse, half_sum, bmse or bmae");
    mc->loss = (enum rn_model_loss)i;
  }
  return net_config_check(mc, where);
}

enum rn_status rn_model_config_load(struct rn_model_config *mc, const char *path, int noverride,
                                    const char *const *override)
{
  struct rn_config *cfg = rn_config_new();
  enum rn_status st;
  if (!cfg)
    return RN_ENOMEM;
  st = rn_config_load(cfg, path);
  if (!st && !rn_config_section_at(cfg, 0))
    st = rn_error(RN_EFORMAT, "model: %s: no [model] section", path);
  for (int i = 0; !st && i < noverride; i++) {
    const char *eq = strchr(override[i], '=');
    char key[64];
    size_t n;
    if (!eq || eq == override[i] || (n = (size_t)(eq - override[i])) >= sizeof key) {
      st = rn_error(RN_EUSAGE, "model: override '%s': not key=value", override[i]);
      break;
    }
    memcpy(key, override[i], n);
    while (n > 0 && key[n - 1] == ' ')
      n--;
    key[n] = '\0';
    eq++;
    while (*eq == ' ')
      eq++;
    st = rn_config_set(cfg, "model", key, eq);
  }
  if (!st)
    st = rn_model_config_read(mc, cfg, "model");
  rn_config_free(cfg);
  return st;
}

static int hidden_list(const struct rn_model_config *mc, char *buf, size_t size)
{
  int n = 0;
  buf[0] = '\0';
  for (int l = 0; l < mc->layers && (size_t)n < size; l++)
    n += snprintf(buf + n, size - n, "%s%d", l ? "," : "", mc->hidden[l]);
  return n;
}

int rn_model_config_format(const struct rn_model_config *mc, char *buf, size_t size)
{
  char h[RN_MODEL_MAXLAYERS * 8];
  hidden_list(mc, h, sizeof h);
  return snprintf(buf, size,
                  "[model]\ntype = %s\nhidden = %s\nfilter = %d\npatch = %d\nchannels = %d\n"
                  "height = %d\nwidth = %d\ninput_length = %d\noutput_length = %d\n"
                  "layer_norm = %s\nloss = %s\n",
                  mc->type, h, mc->filter, mc->patch, mc->channels, mc->height, mc->width,
                  mc->input_length, mc->output_length, mc->layer_norm ? "true" : "false",
                  rn_model_loss_name(mc->loss));
}

enum rn_status rn_model_config_compare(const struct rn_model_config *a,
                                       const struct rn_model_config *b, const char *what_b)
{
  char ha[RN_MODEL_MAXLAYERS * 8], hb[RN_MODEL_MAXLAYERS * 8];
  const char *w = what_b ? what_b : "the other definition";
#define SAME_INT(field)                                                                            \
  if (a->field != b->field)                                                                        \
    return rn_error(RN_EFORMAT, "model: " #field ": %d here, %d in %s", (int)a->field,             \
                    (int)b->field, w);
  if (a->backbone != b->backbone || a->motion != b->motion)
    return rn_error(RN_EFORMAT, "model: type: %s here, %s in %s", a->type, b->type, w);
  hidden_list(a, ha, sizeof ha);
  hidden_list(b, hb, sizeof hb);
  if (strcmp(ha, hb))
    return rn_error(RN_EFORMAT, "model: hidden: %s here, %s in %s", ha, hb, w);
  SAME_INT(filter)
  SAME_INT(patch)
  SAME_INT(channels)
  SAME_INT(height)
  SAME_INT(width)
  SAME_INT(input_length)
  SAME_INT(output_length)
  SAME_INT(layer_norm)
#undef SAME_INT
  return RN_OK;
}
