/* backend.h - where the numbers are computed: the CPU (OpenMP; convolutions
 * by oneDNN, or im2col + oneDNN/OpenBLAS sgemm) or a CUDA GPU (cuBLAS +
 * kernels), chosen at run time.
 *
 *   struct rn_backend *be;
 *   struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
 *   opt.device = "auto";                     // "cpu", "cuda", "auto"
 *   if ((st = rn_backend_open(&be, &opt))) ...
 *
 * No CUDA device (or a build without CUDA) is a normal state: "cuda" and
 * "auto" then log one line saying why and give the CPU backend.
 *
 * Errors: layer calls (layers.h) return nothing, as in llm.c. The first
 * failure (a bad shape, a CUDA launch error, an arena out of memory) is
 * recorded and latched in the backend; every later call does nothing until
 * rn_backend_sync returns the error and clears it. Check it once per step. */
#ifndef RADNOW_BACKEND_H
#define RADNOW_BACKEND_H

#include <radnow/status.h>

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_backend;

enum rn_gemm_kind {
  RN_GEMM_AUTO = 0, /* oneDNN's sgemm when radnow was built with it, else OpenBLAS */
  RN_GEMM_OPENBLAS,
  RN_GEMM_DNNL
};

/* How the CPU computes convolutions (the benchmark compares them). */
enum rn_conv_kind {
  RN_CONV_AUTO = 0, /* oneDNN's direct convolutions when built with oneDNN, else im2col */
  RN_CONV_IM2COL,   /* im2col + sgemm (models/layers/conv.c) */
  RN_CONV_DNNL,
  RN_CONV_WINOGRAD  /* Winograd F(4x4, kxk) for stride-1 2-D kernels of 3 to 7 (models/nn/cpu/
                       cpu_winograd.c: fewer multiplications, one to two digits less exact),
                       oneDNN's direct convolutions (or im2col) for the rest */
};
/* "auto", "im2col", "onednn", "winograd" -> the kind; -1 when unknown */
int rn_conv_kind_parse(const char *name);

struct rn_backend_options {
  const char *device;  /* "cpu", "cuda", "cuda:N", "auto" (NULL = "auto") */
  int threads;         /* CPU threads; 0 = OpenMP's default */
  enum rn_gemm_kind gemm;
  enum rn_conv_kind conv;
};
#define RN_BACKEND_OPTIONS_INIT {"auto", 0, RN_GEMM_AUTO, RN_CONV_AUTO}

enum rn_status rn_backend_open(struct rn_backend **be, const struct rn_backend_options *opt);
void rn_backend_close(struct rn_backend *be);
/* "cpu" or "cuda" */
const char *rn_backend_name(const struct rn_backend *be);
/* One line for logs: "cpu: 2 threads, oneDNN sgemm" / "cuda:0: NVIDIA ..." */
const char *rn_backend_describe(const struct rn_backend *be);
int rn_backend_is_cuda(const struct rn_backend *be);
int rn_backend_threads(const struct rn_backend *be);
/* Promise that the parameters will not change until rn_backend_hold_params(be,
 * 0) or rn_backend_params_changed: backends may then keep derived forms of
 * them (transformed convolution weights) from one layer call to the next.
 * The models hold their parameters from the start of a forward pass to the
 * end of its backward pass (or of a prediction); the optimizers call
 * rn_backend_params_changed. on = 1 also forgets what was kept before. */
void rn_backend_hold_params(struct rn_backend *be, int on);
void rn_backend_params_changed(struct rn_backend *be);
/* Wait for queued work; return (and clear) the first latched error. */
enum rn_status rn_backend_sync(struct rn_backend *be);
/* The latched error without waiting or clearing (RN_OK when none). */
enum rn_status rn_backend_status(const struct rn_backend *be);

/* ---- device memory ------------------------------------------------------------
 * Counts are in floats. rn_alloc returns NULL and latches an error when out of
 * memory. Copies are synchronous with respect to the host. */
float *rn_alloc(struct rn_backend *be, long n);
void rn_free(struct rn_backend *be, float *p);
void rn_upload(struct rn_backend *be, float *dst, const float *host, long n);
void rn_download(struct rn_backend *be, float *host, const float *src, long n);
void rn_copy(struct rn_backend *be, float *dst, const float *src, long n);
void rn_zero(struct rn_backend *be, float *x, long n);
void rn_fill(struct rn_backend *be, float *x, long n, float value);

/* ---- slices -------------------------------------------------------------------
 * Element-wise layers work on a slice: rows x cols floats, rows ld apart. A
 * whole buffer is rn_flat(x, n); channels [c0, c0+nc) of an NCHW tensor
 * x[N, C, HW] are rn_chan(x, N, C, HW, c0, nc) - so the gates of an LSTM's
 * convolution output are used in place, without split copies. */
struct rn_slice {
  float *p;
  int rows;
  long cols;
  long ld;
};

static inline struct rn_slice rn_flat(const float *x, long n)
{
  struct rn_slice s = {(float *)x, 1, n, n};
  return s;
}

static inline struct rn_slice rn_chan(const float *x, int N, int C, long HW, int c0, int nc)
{
  struct rn_slice s = {(float *)x + (long)c0 * HW, N, (long)nc * HW, (long)C * HW};
  return s;
}

#ifdef __cplusplus
}
#endif
#endif
