/* cuda.h - shared bits of the CUDA backend's kernels (internal).
 *
 * One file per family of kernels, each a few `static __global__` kernels and
 * their launchers, in the order of the CPU backend's files (cpu_*.c): the
 * two backends mirror each other, and the arithmetic of every element lives
 * once in ../nnmath.h. Every launch is checked (rn_cuda_check); a failure is
 * latched in the backend like any other error. */
#ifndef RADNOW_NN_CUDA_H
#define RADNOW_NN_CUDA_H

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "../ops.h"

struct rn_cuda {
  cublasHandle_t blas;
  cudaStream_t stream;
  double *red; /* 4 doubles of device scratch for reductions */
};

#define RN_CU(be) ((struct rn_cuda *)(be)->impl)
#define RN_THREADS 256

/* Blocks for a grid-stride loop over n elements. */
static inline unsigned rn_blocks(long n)
{
  long b = (n + RN_THREADS - 1) / RN_THREADS;
  return (unsigned)(b < 1 ? 1 : (b > 65535L * 32 ? 65535L * 32 : b));
}

/* Every launch goes through this macro (one place to instrument launches). */
#ifndef RN_LAUNCH
#define RN_LAUNCH(kernel, blocks, threads, stream, ...)                                          \
  kernel<<<(blocks), (threads), 0, (stream)>>>(__VA_ARGS__)
#endif

#define RN_GRID_LOOP(i, n)                                                                        \
  for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < (n);                            \
       i += (long)gridDim.x * blockDim.x)

/* Latch the launch error of the kernel just queued, if any. */
void rn_cuda_check(struct rn_backend *be, const char *what);

/* Block-wide sum of one double per thread (blockDim.x == RN_THREADS); the
 * result is valid in thread 0. (RN_CUDA_ON_HOST: the kernels compiled by a
 * host compiler, one thread per block, to check their index arithmetic.) */
#ifndef RN_CUDA_ON_HOST
static __device__ __forceinline__ double rn_block_sum(double v)
{
  __shared__ double sh[RN_THREADS];
  sh[threadIdx.x] = v;
  __syncthreads();
  for (int s = RN_THREADS / 2; s > 0; s >>= 1) {
    if ((int)threadIdx.x < s)
      sh[threadIdx.x] += sh[threadIdx.x + s];
    __syncthreads();
  }
  double r = sh[0];
  __syncthreads();
  return r;
}
#endif

/* kernels of the *.cu files, gathered into the table by backend.cu */
void rn_cu_unary(struct rn_backend *be, enum rn_unary op, float alpha, float beta,
                 struct rn_slice out, struct rn_slice a);
void rn_cu_unary_backward(struct rn_backend *be, enum rn_unary op, float alpha,
                          struct rn_slice din, struct rn_slice dout, struct rn_slice y);
void rn_cu_binary(struct rn_backend *be, enum rn_binary op, struct rn_slice out,
                  struct rn_slice a, struct rn_slice b);
void rn_cu_binary_backward(struct rn_backend *be, enum rn_binary op, struct rn_slice da,
                           struct rn_slice db, struct rn_slice dout, struct rn_slice a,
                           struct rn_slice b);
void rn_cu_fill(struct rn_backend *be, float *x, long n, float v);

void rn_cu_im2col(struct rn_backend *be, const struct rn_conv *s, float *col, const float *inp,
                  int nb, int r0, int nr);
void rn_cu_col2im(struct rn_backend *be, const struct rn_conv *s, float *inp, const float *col,
                  int nb, int r0, int nr);
void rn_cu_to_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L);
void rn_cu_from_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L,
                   const float *bias, int accumulate);
void rn_cu_bias_fill(struct rn_backend *be, float *x, const float *bias, int B, int C, long L);
void rn_cu_bias_backward(struct rn_backend *be, float *dbias, const float *dout, int B, int C,
                         long L);

void rn_cu_norm_forward(struct rn_backend *be, float *y, float *mean, float *rstd, const float *x,
                        const float *gamma, const float *beta, int B, int C, long L, int G,
                        float eps, int affine);
void rn_cu_norm_backward(struct rn_backend *be, float *dx, float *dgamma, float *dbeta,
                         const float *dy, const float *x, const float *mean, const float *rstd,
                         const float *gamma, int B, int C, long L, int G, int affine);

void rn_cu_maxpool2_forward(struct rn_backend *be, float *y, const float *x, int BC, int H, int W);
void rn_cu_maxpool2_backward(struct rn_backend *be, float *dx, const float *dy, const float *x,
                             int BC, int H, int W);
void rn_cu_s2d(struct rn_backend *be, float *dst, const float *src, int B, int C, int H, int W,
               int p, int order, int dir, int accumulate);

void rn_cu_deform3_forward(struct rn_backend *be, float *y, const float *x, const float *off,
                           const float *mask, int B, int C, int H, int W);
void rn_cu_deform3_backward(struct rn_backend *be, float *dx, float *doff, float *dmask,
                            const float *dy, const float *x, const float *off, const float *mask,
                            int B, int C, int H, int W);

double rn_cu_loss_forward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                          long n);
void rn_cu_loss_backward(struct rn_backend *be, enum rn_loss op, const struct rn_loss_args *a,
                         long n, float scale);
void rn_cu_rand(struct rn_backend *be, int normal, float *x, long n, float a, float b,
                uint64_t seed, uint64_t offset);
void rn_cu_gauss_sample(struct rn_backend *be, float *z, float *eps, const float *mu,
                        const float *logvar, long n, uint64_t seed, uint64_t offset);
void rn_cu_gauss_sample_backward(struct rn_backend *be, float *dmu, float *dlogvar,
                                 const float *dz, const float *logvar, long n, uint64_t seed,
                                 uint64_t offset);
void rn_cu_adam(struct rn_backend *be, float *w, const float *g, float *m, float *v, long n,
                const struct rn_adam_args *a);

#endif
