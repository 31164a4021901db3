/* test_model_config.c - model definitions: every shipped etc/models file
 * loads, overrides apply, bad definitions give one clear message, the text
 * form reads back to the same definition and comparison names the key; the
 * balanced losses' weights and values on a hand-computed table. */
#include <radnow/layers.h>
#include <radnow/model.h>
#include <radnow/train.h>

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/test.h"

static char path[4096];

static const char *def(const char *name)
{
  const char *top = getenv("top_srcdir");
  snprintf(path, sizeof path, "%s/etc/models/%s.ini", top ? top : ".", name);
  return path;
}

static enum rn_status load(struct rn_model_config *mc, const char *name, int n,
                           const char *const *ov)
{
  rn_model_config_default(mc);
  return rn_model_config_load(mc, def(name), n, ov);
}

/* The balanced losses (model.h) on pixels of known reflectivity. Thresholds
 * by hand: dBZ = 10 log10(200 R^1.6) = 27.8268, 34.1938, 39.0103, 46.6442
 * for 2, 5, 10, 30 mm/h; u = (2 dBZ - 30) / 255 = 0.1006022, 0.1505398,
 * 0.1883161, 0.2481901. */
static void test_balanced_loss(void)
{
  static const double thr_u[] = {0.10060220, 0.15053976, 0.18831608, 0.24819012};
  /* target dBZ, predicted dBZ, the weight by hand (RN_DBZ_NOECHO: no echo) */
  static const struct {
    float t, p;
    double w;
  } px[] = {{RN_DBZ_NOECHO, 25, 1}, {20, 15, 1},   {27.8f, 30, 1},  {27.9f, 20, 2},
            {34.1f, 40, 2},         {34.3f, 33, 5}, {38.9f, 44, 5},  {39.1f, 35, 10},
            {46.6f, 40, 10},        {46.7f, 40, 30}, {60, 50, 30},   {60, 60, 30}};
  enum { N = sizeof px / sizeof px[0] };
  struct rn_loss_steps s;
  struct rn_backend_options o = RN_BACKEND_OPTIONS_INIT;
  struct rn_backend *be;
  float p[N], t[N], g[N], *dp, *dt, *dg;
  double want_mse = 0, want_mae = 0;

  rn_model_loss_steps(RN_MODEL_LOSS_MSE, &s);
  CHECK(s.n == 0);
  rn_model_loss_steps(RN_MODEL_LOSS_BMSE, &s);
  CHECK(s.n == 4);
  for (int k = 0; k < 4; k++)
    CHECK_NEAR(s.thr[k], thr_u[k], 1e-7);
  CHECK(s.w[0] == 1 && s.w[1] == 2 && s.w[2] == 5 && s.w[3] == 10 && s.w[4] == 30);
  CHECK_NEAR(rn_train_unit_dbz(s.thr[0]), 27.8268, 1e-4);
  CHECK_NEAR(rn_train_unit_dbz(s.thr[3]), 46.6442, 1e-4);

  for (int i = 0; i < N; i++) {
    t[i] = rn_train_dbz_unit(px[i].t);
    p[i] = rn_train_dbz_unit(px[i].p);
    want_mse += px[i].w * ((double)p[i] - t[i]) * ((double)p[i] - t[i]) / N;
    want_mae += px[i].w * fabs((double)p[i] - t[i]) / N;
  }
  o.device = "cpu";
  o.threads = 1;
  CHECK_OK(rn_backend_open(&be, &o));
  dp = rn_alloc(be, N);
  dt = rn_alloc(be, N);
  dg = rn_alloc(be, N);
  rn_upload(be, dp, p, N);
  rn_upload(be, dt, t, N);
  CHECK_NEAR(rn_wmse_forward(be, dp, dt, N, &s, 1.0f / N), want_mse, 1e-6 * want_mse);
  CHECK_NEAR(rn_wl1_forward(be, dp, dt, N, &s, 1.0f / N), want_mae, 1e-6 * want_mae);
  rn_fill(be, dg, N, 0.5f); /* the backward adds */
  rn_wmse_backward(be, dg, dp, dt, N, &s, 1.0f / N);
  rn_download(be, g, dg, N);
  for (int i = 0; i < N; i++)
    CHECK_NEAR(g[i], 0.5 + 2 * px[i].w * ((double)p[i] - t[i]) / N, 1e-6);
  rn_fill(be, dg, N, 0.0f);
  rn_wl1_backward(be, dg, dp, dt, N, &s, 1.0f / N);
  rn_download(be, g, dg, N);
  for (int i = 0; i < N; i++)
    CHECK_NEAR(g[i], px[i].w * ((p[i] > t[i]) - (p[i] < t[i])) / (double)N, 1e-7);
  CHECK_OK(rn_backend_status(be));
  /* thresholds out of order are an error of the caller */
  s.thr[2] = s.thr[1];
  rn_wmse_forward(be, dp, dt, N, &s, 1.0f);
  CHECK(rn_backend_status(be) != RN_OK);
  rn_free(be, dp);
  rn_free(be, dt);
  rn_free(be, dg);
  rn_backend_close(be);
}

int main(void)
{
  const char *names[] = {"convlstm", "predrnn", "mim", "motionrnn-convlstm", "motionrnn-predrnn",
                         "motionrnn-mim"};
  struct rn_model_config mc, b;
  char text[1024];

  for (int i = 0; i < 6; i++) {
    CHECK_OK(load(&mc, names[i], 0, NULL));
    CHECK_STR(mc.type, names[i]);
    CHECK(mc.layers == 4 && mc.hidden[3] == 64 && mc.filter == 5 && mc.patch == 4);
    CHECK(mc.height == 64 && mc.width == 64 && mc.input_length == 10 && mc.output_length == 10);
    CHECK(mc.motion == (i >= 3));
    CHECK(mc.backbone == (enum rn_backbone)(i % 3));
  }
  CHECK(mc.loss == RN_MODEL_LOSS_MSE);
  CHECK_OK(load(&b, "mim", 0, NULL));
  CHECK(b.loss == RN_MODEL_LOSS_HALF_SUM);
  /* the balanced losses: parsed, written and read back */
  for (int i = 0; i < 2; i++) {
    const char *ov[] = {i ? "loss = bmae" : "loss = bmse"};
    struct rn_config *cfg = rn_config_new();
    CHECK_OK(load(&b, "motionrnn-mim", 1, ov));
    CHECK(b.loss == (i ? RN_MODEL_LOSS_BMAE : RN_MODEL_LOSS_BMSE));
    CHECK(rn_model_config_format(&b, text, sizeof text) < (int)sizeof text);
    CHECK_CONTAINS(text, i ? "\nloss = bmae\n" : "\nloss = bmse\n");
    rn_config_set(cfg, "model", "loss", i ? "bmae" : "bmse");
    rn_model_config_default(&mc);
    CHECK_OK(rn_model_config_read(&mc, cfg, "model"));
    CHECK(mc.loss == b.loss);
    CHECK_STR(rn_model_loss_name(mc.loss), i ? "bmae" : "bmse");
    rn_config_free(cfg);
  }
  {
    const char *ov[] = {"loss = mae"};
    CHECK(load(&b, "mim", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "loss = 'mae': not mse, half_sum, bmse or bmae");
  }
  test_balanced_loss();

  /* overrides: hidden list sets the layer count; one number repeats */
  {
    const char *ov[] = {"hidden = 8,16,12", "height=32", "width = 16", "layer_norm=on"};
    CHECK_OK(load(&mc, "motionrnn-convlstm", 4, ov));
    CHECK(mc.layers == 3 && mc.hidden[0] == 8 && mc.hidden[1] == 16 && mc.hidden[2] == 12);
    CHECK(mc.height == 32 && mc.width == 16 && mc.layer_norm == 1);
  }
  {
    const char *ov[] = {"hidden = 32", "layers = 2"};
    CHECK_OK(load(&mc, "predrnn", 2, ov));
    CHECK(mc.layers == 2 && mc.hidden[0] == 32 && mc.hidden[1] == 32);
  }

  /* text form round trip */
  CHECK_OK(load(&mc, "motionrnn-predrnn", 0, NULL));
  CHECK(rn_model_config_format(&mc, text, sizeof text) < (int)sizeof text);
  {
    struct rn_config *cfg = rn_config_new();
    char *line = text, *nl;
    while ((nl = strchr(line, '\n'))) {
      char *eq;
      *nl = '\0';
      eq = strstr(line, " = ");
      if (eq) {
        *eq = '\0';
        rn_config_set(cfg, "model", line, eq + 3);
      }
      line = nl + 1;
    }
    rn_model_config_default(&b);
    CHECK_OK(rn_model_config_read(&b, cfg, "model"));
    CHECK_OK(rn_model_config_compare(&mc, &b, "the copy"));
    rn_config_free(cfg);
  }

  /* comparison names the key */
  b = mc;
  b.hidden[2] = 32;
  CHECK(rn_model_config_compare(&mc, &b, "ckpt.h5") == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "hidden: 64,64,64,64 here, 64,64,32,64 in ckpt.h5");
  b = mc;
  b.motion = 0;
  CHECK(rn_model_config_compare(&mc, &b, "ckpt.h5") == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "type:");

  /* bad definitions */
  {
    const char *ov[] = {"hidden = 30"};
    CHECK(load(&mc, "motionrnn-mim", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "divisible by 4");
  }
  {
    const char *ov[] = {"hidden = 8,16"};
    CHECK(load(&mc, "motionrnn-mim", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "needs the same hidden channels in every layer");
  }
  {
    const char *ov[] = {"type = gru"};
    CHECK(load(&mc, "mim", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "[model] type = 'gru'");
  }
  {
    const char *ov[] = {"hiden = 3"};
    CHECK(load(&mc, "mim", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "hiden = '3': unknown key");
  }
  {
    const char *ov[] = {"height = 66"};
    CHECK(load(&mc, "mim", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "not a multiple of patch 4");
  }
  {
    const char *ov[] = {"height = 20", "width = 20"};
    CHECK(load(&mc, "motionrnn-convlstm", 2, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "even patched frame");
  }
  {
    const char *ov[] = {"filter = 4"};
    CHECK(load(&mc, "convlstm", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "filter 4 must be odd");
  }
  {
    const char *ov[] = {"hidden = 8,8", "layers = 3"};
    CHECK(load(&mc, "convlstm", 2, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "differs from the number of hidden sizes");
  }
  {
    const char *ov[] = {"noequals"};
    CHECK(load(&mc, "convlstm", 1, ov) == RN_EUSAGE);
    CHECK_CONTAINS(rn_errmsg(), "not key=value");
  }
  rn_model_config_default(&mc);
  CHECK(rn_model_config_load(&mc, "/nonexistent/model.ini", 0, NULL) != RN_OK);
  TEST_DONE();
}
