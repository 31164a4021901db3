/* backend.c - choosing a backend at run time, latched errors, memory calls. */
#include <radnow/backend.h>
#include <radnow/devices.h>
#include <radnow/log.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ops.h"

enum rn_status rn_be_fail(struct rn_backend *be, enum rn_status st, const char *fmt, ...)
{
  if (be->err == RN_OK) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(be->errmsg, sizeof be->errmsg, fmt, ap);
    va_end(ap);
    be->err = st;
    rn_error(st, "%s", be->errmsg);
  }
  return st;
}

float *rn_be_work(struct rn_backend *be, size_t n)
{
  if (be->err)
    return NULL;
  if (n > be->work_cap) {
    size_t cap = n + n / 4;
    if (be->work)
      be->ops->free(be, be->work);
    be->work = (float *)be->ops->alloc(be, cap * sizeof(float));
    be->work_cap = be->work ? cap : 0;
    if (!be->work) {
      rn_be_fail(be, RN_ENOMEM, "%s: out of memory for %zu floats of scratch", be->ops->name,
                 cap);
      return NULL;
    }
  }
  return be->work;
}

/* "cuda:2" -> 2; "cuda" -> 0; -1 when malformed */
static int cuda_index(const char *dev)
{
  if (strcmp(dev, "cuda") == 0)
    return 0;
  if (strncmp(dev, "cuda:", 5) == 0) {
    char *end;
    long i = strtol(dev + 5, &end, 10);
    if (*end == '\0' && end != dev + 5 && i >= 0 && i < 64)
      return (int)i;
  }
  return -1;
}

enum rn_status rn_backend_open(struct rn_backend **out, const struct rn_backend_options *opt)
{
  struct rn_backend_options def = RN_BACKEND_OPTIONS_INIT;
  const char *dev;
  struct rn_backend *be;
  enum rn_status st;
  int want_cuda = 0, cuda_dev = 0;

  *out = NULL;
  if (!opt)
    opt = &def;
  dev = opt->device ? opt->device : "auto";
  if (strcmp(dev, "auto") == 0) {
    want_cuda = 1;
  } else if (strncmp(dev, "cuda", 4) == 0) {
    cuda_dev = cuda_index(dev);
    if (cuda_dev < 0)
      return rn_error(RN_EUSAGE, "backend: '%s': expected cpu, cuda, cuda:N or auto", dev);
    want_cuda = 2;
  } else if (strcmp(dev, "cpu") != 0) {
    return rn_error(RN_EUSAGE, "backend: '%s': expected cpu, cuda, cuda:N or auto", dev);
  }
  if (opt->threads < 0)
    return rn_error(RN_EUSAGE, "backend: %d threads: need 0 (default) or more", opt->threads);

  be = (struct rn_backend *)rn_calloc(1, sizeof *be, "the backend");
  if (!be)
    return RN_ENOMEM;

  if (want_cuda) {
    char reason[512] = "";
    int n = rn_cuda_device_count(reason, sizeof reason);
    if (n > cuda_dev) {
#ifdef RN_HAVE_CUDA
      st = rn_cuda_open(be, cuda_dev);
      if (st == RN_OK) {
        *out = be;
        return RN_OK;
      }
      rn_log_warn("backend: %s; using the CPU", rn_errmsg());
      memset(be, 0, sizeof *be);
#endif
    } else if (n > 0) {
      rn_log_warn("backend: %s: only %d CUDA device(s); using the CPU", dev, n);
    } else {
      /* asked for explicitly: a warning; "auto": one informative line */
      rn_log(want_cuda == 2 ? RN_LOG_WARN : RN_LOG_INFO, "backend: %s; using the CPU", reason);
    }
  }
  st = rn_cpu_open(be, opt->threads, opt->gemm, opt->conv);
  if (st) {
    free(be);
    return st;
  }
  *out = be;
  return RN_OK;
}

void rn_backend_close(struct rn_backend *be)
{
  if (!be)
    return;
  if (be->work)
    be->ops->free(be, be->work);
  if (be->ops->close)
    be->ops->close(be);
  free(be);
}

void rn_backend_hold_params(struct rn_backend *be, int on)
{
  be->params_epoch++;
  be->params_held = on != 0;
}

void rn_backend_params_changed(struct rn_backend *be)
{
  be->params_epoch++;
  be->params_held = 0;
}

int rn_conv_kind_parse(const char *name)
{
  static const char *const names[] = {"auto", "im2col", "onednn", "winograd"};
  static const enum rn_conv_kind kinds[] = {RN_CONV_AUTO, RN_CONV_IM2COL, RN_CONV_DNNL,
                                            RN_CONV_WINOGRAD};
  for (int i = 0; name && i < 4; i++)
    if (strcmp(name, names[i]) == 0)
      return (int)kinds[i];
  return -1;
}

const char *rn_backend_name(const struct rn_backend *be) { return be->ops->name; }
const char *rn_backend_describe(const struct rn_backend *be) { return be->desc; }
int rn_backend_is_cuda(const struct rn_backend *be) { return strcmp(be->ops->name, "cuda") == 0; }
int rn_backend_threads(const struct rn_backend *be) { return be->threads; }
enum rn_status rn_backend_status(const struct rn_backend *be) { return be->err; }

enum rn_status rn_backend_sync(struct rn_backend *be)
{
  enum rn_status st = be->ops->sync ? be->ops->sync(be) : RN_OK;
  if (st == RN_OK)
    st = be->err;
  if (st) {
    if (be->errmsg[0])
      rn_error(st, "%s", be->errmsg);
    be->err = RN_OK;
    be->errmsg[0] = '\0';
  }
  return st;
}

float *rn_alloc(struct rn_backend *be, long n)
{
  float *p;
  if (n < 0) {
    rn_be_fail(be, RN_EINTERNAL, "%s: allocation of %ld floats", be->ops->name, n);
    return NULL;
  }
  p = (float *)be->ops->alloc(be, (size_t)(n ? n : 1) * sizeof(float));
  if (!p)
    rn_be_fail(be, RN_ENOMEM, "%s: out of memory allocating %ld floats", be->ops->name, n);
  return p;
}

void rn_free(struct rn_backend *be, float *p)
{
  if (p)
    be->ops->free(be, p);
}

void rn_upload(struct rn_backend *be, float *dst, const float *host, long n)
{
  if (!be->err && n > 0)
    be->ops->upload(be, dst, host, (size_t)n * sizeof(float));
}

void rn_download(struct rn_backend *be, float *host, const float *src, long n)
{
  if (!be->err && n > 0)
    be->ops->download(be, host, src, (size_t)n * sizeof(float));
}

void rn_copy(struct rn_backend *be, float *dst, const float *src, long n)
{
  if (!be->err && n > 0 && dst != src)
    be->ops->copy(be, dst, src, (size_t)n * sizeof(float));
}

void rn_zero(struct rn_backend *be, float *x, long n) { rn_fill(be, x, n, 0.0f); }

void rn_fill(struct rn_backend *be, float *x, long n, float value)
{
  if (!be->err && n > 0)
    be->ops->fill(be, x, n, value);
}
