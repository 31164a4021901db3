/* backend.cu - the CUDA backend: device memory, cuBLAS sgemm, the kernel
 * table. All work is queued on one stream; host copies synchronise it. */
#include "config.h"

#include <radnow/devices.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda.h"

void rn_cuda_check(struct rn_backend *be, const char *what)
{
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess)
    rn_be_fail(be, RN_EINTERNAL, "cuda: %s: %s", what, cudaGetErrorString(e));
}

static int ok(struct rn_backend *be, cudaError_t e, const char *what)
{
  if (e == cudaSuccess)
    return 1;
  rn_be_fail(be, e == cudaErrorMemoryAllocation ? RN_ENOMEM : RN_EINTERNAL, "cuda: %s: %s", what,
             cudaGetErrorString(e));
  return 0;
}

static void *cu_alloc(struct rn_backend *be, size_t bytes)
{
  void *p = NULL;
  /* cudaMalloc aligns to 256 bytes; a failure is reported by the caller */
  if (cudaMalloc(&p, bytes) != cudaSuccess) {
    cudaGetLastError();
    return NULL;
  }
  (void)be;
  return p;
}

static void cu_free(struct rn_backend *be, void *p)
{
  (void)be;
  cudaFree(p);
}

static void cu_upload(struct rn_backend *be, void *dst, const void *src, size_t bytes)
{
  if (ok(be, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, RN_CU(be)->stream),
         "copy to the device"))
    ok(be, cudaStreamSynchronize(RN_CU(be)->stream), "copy to the device");
}

static void cu_download(struct rn_backend *be, void *dst, const void *src, size_t bytes)
{
  if (ok(be, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, RN_CU(be)->stream),
         "copy to the host"))
    ok(be, cudaStreamSynchronize(RN_CU(be)->stream), "copy to the host");
}

static void cu_copy(struct rn_backend *be, void *dst, const void *src, size_t bytes)
{
  ok(be, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, RN_CU(be)->stream),
     "device copy");
}

/* row-major C = op(A) op(B): column-major C^T = op(B)^T op(A)^T */
static void cu_gemm(struct rn_backend *be, int ta, int tb, int M, int N, int K, float alpha,
                    const float *A, int lda, const float *B, int ldb, float beta, float *C,
                    int ldc)
{
  if (M <= 0 || N <= 0)
    return;
  cublasStatus_t st = cublasSgemm(RN_CU(be)->blas, tb ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  ta ? CUBLAS_OP_T : CUBLAS_OP_N, N, M, K, &alpha, B, ldb, A,
                                  lda, &beta, C, ldc);
  if (st != CUBLAS_STATUS_SUCCESS)
    rn_be_fail(be, RN_EINTERNAL, "cuda: cublasSgemm %dx%dx%d failed (status %d)", M, N, K,
               (int)st);
}

static enum rn_status cu_sync(struct rn_backend *be)
{
  cudaError_t e = cudaStreamSynchronize(RN_CU(be)->stream);
  if (e != cudaSuccess)
    return rn_be_fail(be, RN_EINTERNAL, "cuda: %s", cudaGetErrorString(e));
  return RN_OK;
}

static void cu_close(struct rn_backend *be)
{
  struct rn_cuda *c = RN_CU(be);
  if (!c)
    return;
  cudaStreamSynchronize(c->stream);
  if (c->red)
    cudaFree(c->red);
  if (c->blas)
    cublasDestroy(c->blas);
  if (c->stream)
    cudaStreamDestroy(c->stream);
  free(c);
  be->impl = NULL;
}

static struct rn_backend_ops cuda_ops;

static void fill_table(void)
{
  struct rn_backend_ops *o = &cuda_ops;
  o->name = "cuda";
  o->close = cu_close;
  o->sync = cu_sync;
  o->alloc = cu_alloc;
  o->free = cu_free;
  o->upload = cu_upload;
  o->download = cu_download;
  o->copy = cu_copy;
  o->fill = rn_cu_fill;
  o->gemm = cu_gemm;
  o->unary = rn_cu_unary;
  o->unary_backward = rn_cu_unary_backward;
  o->binary = rn_cu_binary;
  o->binary_backward = rn_cu_binary_backward;
  o->im2col = rn_cu_im2col;
  o->col2im = rn_cu_col2im;
  o->to_cn = rn_cu_to_cn;
  o->from_cn = rn_cu_from_cn;
  o->bias_fill = rn_cu_bias_fill;
  o->bias_backward = rn_cu_bias_backward;
  o->norm_forward = rn_cu_norm_forward;
  o->norm_backward = rn_cu_norm_backward;
  o->maxpool2_forward = rn_cu_maxpool2_forward;
  o->maxpool2_backward = rn_cu_maxpool2_backward;
  o->s2d = rn_cu_s2d;
  o->deform3_forward = rn_cu_deform3_forward;
  o->deform3_backward = rn_cu_deform3_backward;
  o->loss_forward = rn_cu_loss_forward;
  o->loss_backward = rn_cu_loss_backward;
  o->rand = rn_cu_rand;
  o->gauss_sample = rn_cu_gauss_sample;
  o->gauss_sample_backward = rn_cu_gauss_sample_backward;
  o->adam = rn_cu_adam;
}

extern "C" enum rn_status rn_cuda_open(struct rn_backend *be, int device)
{
  struct rn_cuda *c;
  struct rn_device_info info;
  cudaError_t e;
  fill_table();
  if ((e = cudaSetDevice(device)) != cudaSuccess)
    return rn_error(RN_EUNSUPPORTED, "cuda:%d: %s", device, cudaGetErrorString(e));
  c = (struct rn_cuda *)calloc(1, sizeof *c);
  if (!c)
    return rn_error(RN_ENOMEM, "cuda: out of memory");
  be->ops = &cuda_ops;
  be->impl = c;
  be->device = device;
  be->threads = 1;
  if ((e = cudaStreamCreate(&c->stream)) != cudaSuccess ||
      (e = cudaMalloc((void **)&c->red, 4 * sizeof(double))) != cudaSuccess) {
    cu_close(be);
    return rn_error(RN_EUNSUPPORTED, "cuda:%d: %s", device, cudaGetErrorString(e));
  }
  if (cublasCreate(&c->blas) != CUBLAS_STATUS_SUCCESS) {
    cu_close(be);
    return rn_error(RN_EUNSUPPORTED, "cuda:%d: cuBLAS could not be initialised", device);
  }
  cublasSetStream(c->blas, c->stream);
  /* plain FP32 sgemm: no TF32 tensor-core rounding */
  cublasSetMathMode(c->blas, CUBLAS_PEDANTIC_MATH);
  if (rn_cuda_device_info(device, &info) == 0)
    snprintf(be->desc, sizeof be->desc, "cuda:%d: %s, compute capability %d.%d", device,
             info.name, info.major, info.minor);
  else
    snprintf(be->desc, sizeof be->desc, "cuda:%d", device);
  return RN_OK;
}
