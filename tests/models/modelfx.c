/* modelfx.c - load a whole-model fixture, run the C model, compare. */
#include "modelfx.h"

#include <radnow/backend.h>
#include <radnow/optim.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct rn_tfile_entry *entry(const struct rn_tfile *f, const char *name)
{
  const struct rn_tfile_entry *e = rn_tfile_find(f, name);
  if (!e)
    fprintf(stderr, "fixture: '%s' missing\n", name);
  return e;
}

static int geti(const struct rn_tfile *f, const char *name, int *out)
{
  const struct rn_tfile_entry *e = entry(f, name);
  if (!e || e->type != RN_TF_I32 || e->size != 1)
    return -1;
  *out = *(const int32_t *)e->data;
  return 0;
}

static int gets_(const struct rn_tfile *f, const char *name, char *buf, size_t size)
{
  const struct rn_tfile_entry *e = entry(f, name);
  size_t n;
  if (!e || e->type != RN_TF_U8)
    return -1;
  n = (size_t)e->size < size - 1 ? (size_t)e->size : size - 1;
  memcpy(buf, e->data, n);
  buf[n] = '\0';
  return 0;
}

int mfx_config(const struct rn_tfile *f, struct rn_model_config *mc)
{
  struct rn_config *cfg = rn_config_new();
  const struct rn_tfile_entry *h = entry(f, "hidden");
  char buf[256], loss[32], type[64];
  int n = 0, v, rc = -1;
  static const char *const ints[] = {"filter",       "patch",         "channels",  "height",
                                     "width",        "input_length",  "output_length",
                                     "layer_norm"};
  rn_model_config_default(mc);
  if (!cfg || !h || h->type != RN_TF_I32 || gets_(f, "type", type, sizeof type) ||
      gets_(f, "loss", loss, sizeof loss))
    goto out;
  for (long i = 0; i < h->size; i++)
    n += snprintf(buf + n, sizeof buf - n, "%s%d", i ? "," : "", ((const int32_t *)h->data)[i]);
  rn_config_set(cfg, "model", "type", type);
  rn_config_set(cfg, "model", "hidden", buf);
  rn_config_set(cfg, "model", "loss", loss);
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    if (geti(f, ints[i], &v))
      goto out;
    snprintf(buf, sizeof buf, "%d", v);
    rn_config_set(cfg, "model", ints[i], buf);
  }
  if (rn_model_config_read(mc, cfg, "model")) {
    fprintf(stderr, "%s\n", rn_errmsg());
    goto out;
  }
  rc = 0;
out:
  rn_config_free(cfg);
  return rc;
}

int mfx_load_params(struct rn_model *m, const struct rn_tfile *f)
{
  struct rn_params *p = rn_model_params(m);
  struct rn_backend *be = rn_model_backend(m);
  int miss = 0, nfix = 0;
  char name[RN_NAMELEN + 8];
  for (int i = 0; i < p->n; i++) {
    const struct rn_tfile_entry *e;
    snprintf(name, sizeof name, "param/%s", p->t[i]->name);
    e = rn_tfile_find(f, name);
    if (!e || e->type != RN_TF_F32 || e->size != p->t[i]->size) {
      printf("  parameter %s: %s\n", p->t[i]->name, e ? "wrong size" : "not in the fixture");
      miss++;
      continue;
    }
    rn_upload(be, p->t[i]->data, e->data, e->size);
  }
  for (int i = 0; i < f->n; i++)
    if (strncmp(f->e[i].name, "param/", 6) == 0) {
      nfix++;
      if (!rn_params_find(p, f->e[i].name + 6)) {
        printf("  fixture parameter %s: not in the model\n", f->e[i].name + 6);
        miss++;
      }
    }
  if (nfix != p->n) {
    printf("  %d parameters in the fixture, %d in the model\n", nfix, p->n);
    miss++;
  }
  return miss;
}

static float *download(struct rn_backend *be, const float *dev, long n)
{
  float *h = malloc(sizeof(float) * (n ? n : 1));
  if (h && dev)
    rn_download(be, h, dev, n);
  return h;
}

int mfx_execute(struct rn_model *m, const struct rn_tfile *f, int ncurve, struct mfx_run *r)
{
  const struct rn_model_config *mc = rn_model_get_config(m);
  struct rn_backend *be = rn_model_backend(m);
  struct rn_params *p = rn_model_params(m);
  const struct rn_tfile_entry *fr = entry(f, "frames"), *mk = entry(f, "mask");
  const struct rn_tfile_entry *lr = entry(f, "lr");
  const int T = mc->input_length + mc->output_length;
  const long F = (long)mc->channels * mc->height * mc->width;
  int B, st;
  float *dframes;
  memset(r, 0, sizeof *r);
  if (!fr || !mk || !lr)
    return RN_EFORMAT;
  B = (int)(fr->size / (T * F));
  dframes = rn_alloc(be, fr->size);
  if (!dframes)
    return RN_ENOMEM;
  rn_upload(be, dframes, fr->data, fr->size);
  rn_params_zero_grad(p);
  if ((st = rn_model_forward(m, dframes, mk->data, B, &r->loss)))
    goto out;
  r->pred = download(be, rn_model_predictions(m), (long)B * (T - 1) * F);
  if ((st = rn_model_backward(m)))
    goto out;
  r->grad = download(be, p->grad, (long)p->total);
  {
    /* inference reads the input frames only: [B, T_in, C, H, W] */
    const long Fin = (long)mc->input_length * F;
    float *dinf = rn_alloc(be, (long)B * mc->output_length * F), *din = rn_alloc(be, B * Fin);
    if (!dinf || !din)
      return RN_ENOMEM;
    for (int b = 0; b < B; b++)
      rn_upload(be, din + b * Fin, (const float *)fr->data + (long)b * T * F, Fin);
    st = rn_model_predict(m, dinf, din, B);
    r->infer = download(be, dinf, (long)B * mc->output_length * F);
    rn_free(be, dinf);
    rn_free(be, din);
    if (st)
      goto out;
  }
  if (ncurve > 0) {
    struct rn_adam adam;
    rn_adam_init(&adam);
    r->curve = calloc(ncurve, sizeof *r->curve);
    for (int i = 0; i < ncurve && r->curve; i++) {
      rn_params_zero_grad(p);
      if ((st = rn_model_forward(m, dframes, mk->data, B, &r->curve[i])) ||
          (st = rn_model_backward(m)) ||
          (st = rn_adam_step(&adam, p, *(const float *)lr->data)))
        goto out;
      r->ncurve = i + 1;
    }
  }
  st = rn_backend_sync(be);
out:
  rn_free(be, dframes);
  return st;
}

void mfx_run_free(struct mfx_run *r)
{
  free(r->pred);
  free(r->infer);
  free(r->grad);
  free(r->curve);
  memset(r, 0, sizeof *r);
}

static long compare(const char *what, const float *got, const float *want, long n, double atol,
                    double rtol, int quiet)
{
  long miss = 0, worst = -1;
  double maxd = 0.0, maxr = 0.0;
  for (long i = 0; i < n; i++) {
    double a = got[i], b = want[i], d = fabs(a - b);
    int ok = d <= atol + rtol * fabs(b); /* false for NaN */
    if (!ok) {
      miss++;
      if (worst < 0)
        worst = i;
    }
    if (d > maxd || d != d)
      maxd = d;
    if (fabs(b) > 1e-3 * atol && d / fabs(b) > maxr)
      maxr = d / fabs(b);
  }
  if (!quiet || miss)
    printf("  %-44s %7ld values  max |diff| %.3g  max rel %.3g%s", what, n, maxd, maxr,
           miss ? "  FAIL" : "\n");
  if (miss)
    printf(" (%ld misses; e.g. [%ld] = %.8g, want %.8g; atol %g rtol %g)\n", miss, worst,
           (double)got[worst], (double)want[worst], atol, rtol);
  return miss;
}

static double maxabs(const float *x, long n)
{
  double v = 0.0;
  for (long i = 0; i < n; i++)
    if (fabs(x[i]) > v)
      v = fabs(x[i]);
  return v;
}

long mfx_compare(struct rn_model *m, const struct rn_tfile *f, const struct mfx_run *r,
                 const struct mfx_run *want, double scale)
{
  const struct rn_model_config *mc = rn_model_get_config(m);
  struct rn_params *p = rn_model_params(m);
  const struct rn_tfile_entry *pe = entry(f, "pred"), *ie = entry(f, "infer");
  const struct rn_tfile_entry *le = entry(f, "loss_value"), *ce = entry(f, "train_loss");
  char name[RN_NAMELEN + 8];
  long miss = 0, ngrad = 0;
  double worst_grad = 0.0;
  (void)mc;
  if (!pe || !ie || !le || !ce)
    return 1;
  miss += compare("predictions", r->pred, want ? want->pred : pe->data, pe->size,
                  MFX_PRED_ATOL * scale, MFX_PRED_RTOL * scale, 0);
  miss += compare("inference", r->infer, want ? want->infer : ie->data, ie->size,
                  MFX_PRED_ATOL * scale, MFX_PRED_RTOL * scale, 0);
  {
    float got = (float)r->loss, w = want ? (float)want->loss : *(const float *)le->data;
    miss += compare("loss", &got, &w, 1, 0.0, MFX_LOSS_RTOL * scale, 0);
  }
  for (int i = 0; i < p->n; i++) {
    const struct rn_tensor *t = p->t[i];
    const float *g = r->grad + t->offset, *w;
    const struct rn_tfile_entry *ge;
    double atol, rel = 0.0;
    long k;
    snprintf(name, sizeof name, "grad/%s", t->name);
    ge = rn_tfile_find(f, name);
    if (!ge || ge->size != t->size) {
      printf("  %s: missing in the fixture\n", name);
      miss++;
      continue;
    }
    w = want ? want->grad + t->offset : (const float *)ge->data;
    atol = MFX_GRAD_ATOL_REL * scale * maxabs(w, t->size);
    k = compare(name, g, w, t->size, atol, MFX_GRAD_RTOL * scale, 1);
    miss += k;
    for (long j = 0; j < t->size; j++) {
      double d = fabs(g[j] - w[j]) / (atol + MFX_GRAD_RTOL * scale * fabs(w[j]) + 1e-30);
      if (d > rel)
        rel = d;
    }
    if (rel > worst_grad)
      worst_grad = rel;
    ngrad++;
  }
  printf("  %ld parameter gradients: largest |diff| / (atol + rtol |want|) = %.3g "
         "(rtol %g, atol %g x max |grad| per tensor)\n",
         ngrad, worst_grad, MFX_GRAD_RTOL * scale, MFX_GRAD_ATOL_REL * scale);
  if (r->ncurve) {
    float got[64], w[64];
    int n = r->ncurve < 64 ? r->ncurve : 64;
    if (!want && ce->size < n)
      n = (int)ce->size;
    for (int i = 0; i < n; i++) {
      got[i] = (float)r->curve[i];
      w[i] = want ? (float)want->curve[i] : ((const float *)ce->data)[i];
    }
    miss += compare("training loss curve (Adam)", got, w, n, 0.0, MFX_CURVE_RTOL * scale, 0);
    printf("  loss %.6g -> %.6g in %d steps\n", got[0], got[n - 1], n);
  }
  return miss;
}
