/* test_model_config.c - model definitions: every shipped etc/models file
 * loads, overrides apply, bad definitions give one clear message, the text
 * form reads back to the same definition and comparison names the key. */
#include <radnow/model.h>

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

  /* overrides: hidden list sets the layer count; one number repeats */
  {
    const char *ov[] = {"hidden = 8,16,12", "height=32", "width = 16", "layer_norm=on"};
    CHECK_OK(load(&mc, "motionrnn-mim", 4, ov));
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
