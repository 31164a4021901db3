/* cpu.c - the CPU backend: host memory, sgemm (oneDNN or OpenBLAS), the
 * kernel table. OpenMP parallelises the kernels' outer loops; sgemm is always
 * called outside OpenMP parallel regions and threads itself (oneDNN through
 * the same OpenMP pool, OpenBLAS through its own threads, set to the same
 * count). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "config.h"
#include "cpu.h"
#ifdef RN_HAVE_DNNL
#include <dnnl.h>
#endif

static void *cpu_alloc(struct rn_backend *be, size_t bytes)
{
  (void)be;
  /* 64-byte alignment for the vector units; aligned_alloc wants a multiple */
  return aligned_alloc(64, (bytes + 63) & ~(size_t)63);
}

static void cpu_free(struct rn_backend *be, void *p)
{
  (void)be;
  free(p);
}

static void cpu_memcpy(struct rn_backend *be, void *dst, const void *src, size_t bytes)
{
  (void)be;
  memmove(dst, src, bytes);
}

static void cpu_fill(struct rn_backend *be, float *x, long n, float v)
{
  (void)be;
  if (v == 0.0f) {
    memset(x, 0, (size_t)n * sizeof *x);
    return;
  }
#pragma omp parallel for if (n > RN_OMP_MIN) schedule(static)
  for (long i = 0; i < n; i++)
    x[i] = v;
}

static void cpu_gemm(struct rn_backend *be, int ta, int tb, int M, int N, int K, float alpha,
                     const float *A, int lda, const float *B, int ldb, float beta, float *C,
                     int ldc)
{
  if (M <= 0 || N <= 0)
    return;
  if (K <= 0) {
    /* BLAS leaves C * beta; keep that meaning explicitly */
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++)
        C[(long)i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(long)i * ldc + j];
    return;
  }
#ifdef RN_HAVE_DNNL
  if (be->gemm == RN_GEMM_DNNL) {
    dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb,
                                  beta, C, ldc);
    if (st != dnnl_success)
      rn_be_fail(be, RN_EINTERNAL, "cpu: oneDNN sgemm %dx%dx%d failed (status %d)", M, N, K,
                 (int)st);
    return;
  }
#endif
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M,
              N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

static void cpu_close(struct rn_backend *be)
{
  rn_cpu_winograd_close(be);
#ifdef RN_HAVE_DNNL
  rn_cpu_dnnl_close(be);
#endif
}

/* A convolution pass: Winograd when chosen and the shape suits it, else
 * oneDNN's direct primitive, else (-1) the generic im2col path. */
static int cpu_conv_forward(struct rn_backend *be, const struct rn_conv *s, float *out,
                            const float *inp, const float *w, const float *bias)
{
  if (rn_cpu_winograd_forward(be, s, out, inp, w, bias) == 0)
    return 0;
#ifdef RN_HAVE_DNNL
  return rn_cpu_dnnl_conv_forward(be, s, out, inp, w, bias);
#else
  return -1;
#endif
}

static int cpu_conv_backward_data(struct rn_backend *be, const struct rn_conv *s, float *dinp,
                                  const float *dout, const float *w)
{
  if (rn_cpu_winograd_backward_data(be, s, dinp, dout, w) == 0)
    return 0;
#ifdef RN_HAVE_DNNL
  return rn_cpu_dnnl_conv_backward_data(be, s, dinp, dout, w);
#else
  return -1;
#endif
}

static int cpu_conv_backward_weights(struct rn_backend *be, const struct rn_conv *s, float *dw,
                                     const float *dout, const float *inp)
{
  if (rn_cpu_winograd_backward_weights(be, s, dw, dout, inp) == 0)
    return 0;
#ifdef RN_HAVE_DNNL
  return rn_cpu_dnnl_conv_backward_weights(be, s, dw, dout, inp);
#else
  return -1;
#endif
}

const struct rn_backend_ops rn_cpu_ops = {
    .name = "cpu",
    .close = cpu_close,
    .sync = NULL,
    .alloc = cpu_alloc,
    .free = cpu_free,
    .upload = cpu_memcpy,
    .download = cpu_memcpy,
    .copy = cpu_memcpy,
    .fill = cpu_fill,
    .gemm = cpu_gemm,
    .unary = rn_cpu_unary,
    .unary_backward = rn_cpu_unary_backward,
    .binary = rn_cpu_binary,
    .binary_backward = rn_cpu_binary_backward,
    .im2col = rn_cpu_im2col,
    .col2im = rn_cpu_col2im,
    .to_cn = rn_cpu_to_cn,
    .from_cn = rn_cpu_from_cn,
    .bias_fill = rn_cpu_bias_fill,
    .bias_backward = rn_cpu_bias_backward,
    .norm_forward = rn_cpu_norm_forward,
    .norm_backward = rn_cpu_norm_backward,
    .maxpool2_forward = rn_cpu_maxpool2_forward,
    .maxpool2_backward = rn_cpu_maxpool2_backward,
    .s2d = rn_cpu_s2d,
    .deform3_forward = rn_cpu_deform3_forward,
    .deform3_backward = rn_cpu_deform3_backward,
    .loss_forward = rn_cpu_loss_forward,
    .loss_backward = rn_cpu_loss_backward,
    .rand = rn_cpu_rand,
    .gauss_sample = rn_cpu_gauss_sample,
    .gauss_sample_backward = rn_cpu_gauss_sample_backward,
    .adam = rn_cpu_adam,
    .conv_forward = cpu_conv_forward,
    .conv_backward_data = cpu_conv_backward_data,
    .conv_backward_weights = cpu_conv_backward_weights,
};

enum rn_status rn_cpu_open(struct rn_backend *be, int threads, enum rn_gemm_kind gemm,
                           enum rn_conv_kind conv)
{
  be->ops = &rn_cpu_ops;
#ifdef _OPENMP
  if (threads > 0)
    omp_set_num_threads(threads);
  else
    threads = omp_get_max_threads();
#else
  threads = 1;
#endif
  be->threads = threads;
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
  openblas_set_num_threads(threads);
#endif
#ifdef RN_HAVE_DNNL
  if (gemm == RN_GEMM_AUTO)
    gemm = RN_GEMM_DNNL;
  if (conv == RN_CONV_AUTO)
    conv = RN_CONV_DNNL;
  /* Winograd leaves the shapes it does not take to oneDNN */
  if ((conv == RN_CONV_DNNL || conv == RN_CONV_WINOGRAD) && rn_cpu_dnnl_open(be))
    return rn_error(RN_EUNSUPPORTED, "backend: oneDNN could not create a CPU engine");
#else
  if (gemm == RN_GEMM_DNNL || conv == RN_CONV_DNNL)
    return rn_error(RN_EUNSUPPORTED, "backend: oneDNN requested but radnow was built "
                                     "without oneDNN (install libdnnl-dev and reconfigure)");
  gemm = RN_GEMM_OPENBLAS;
  if (conv != RN_CONV_WINOGRAD)
    conv = RN_CONV_IM2COL;
#endif
  be->gemm = gemm;
  be->conv = conv;
  snprintf(be->desc, sizeof be->desc, "cpu: %d thread%s, %s convolutions, %s sgemm", threads,
           threads == 1 ? "" : "s",
           conv == RN_CONV_WINOGRAD ? "Winograd" : conv == RN_CONV_DNNL ? "oneDNN" : "im2col",
           gemm == RN_GEMM_DNNL ? "oneDNN" : "OpenBLAS");
  return RN_OK;
}
