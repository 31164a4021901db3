/* test_cuda_kernels.cc - the CUDA backend's kernels compiled by the host C++
 * compiler and run on the CPU, one thread per block, against the CPU
 * backend, on the inputs of every fixture: their index arithmetic and
 * formulas are checked even where no GPU exists (test_cuda checks the real
 * device when there is one). The block reduction becomes the identity, atomics
 * plain additions, launches loops over the blocks; memory, streams and cuBLAS
 * stay the CPU backend's. */
#include <cuda_runtime_api.h>

#include <stdint.h>
#include <string.h>

#define RN_CUDA_ON_HOST 1
#undef __global__
#undef __device__
#undef __host__
#undef __forceinline__
#undef __shared__
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static

struct host_dim3 {
  unsigned x, y, z;
};
static host_dim3 blockIdx, threadIdx, blockDim, gridDim;
static inline void __syncthreads(void) {}
static inline float atomicAdd(float *p, float v)
{
  float o = *p;
  *p += v;
  return o;
}
static inline double atomicAdd(double *p, double v)
{
  double o = *p;
  *p += v;
  return o;
}
static inline double rn_block_sum(double v) { return v; }
#define cudaMemsetAsync(p, v, n, s) (memset((p), (v), (n)), cudaSuccess)
#define RN_LAUNCH(kernel, blocks, threads, stream, ...)                                          \
  do {                                                                                            \
    gridDim.x = (unsigned)(blocks);                                                               \
    blockDim.x = 1;                                                                               \
    threadIdx.x = 0;                                                                              \
    for (unsigned b_ = 0; b_ < gridDim.x; b_++) {                                                 \
      blockIdx.x = b_;                                                                            \
      kernel(__VA_ARGS__);                                                                        \
    }                                                                                             \
  } while (0)

#include "../../models/nn/cuda/ewise.cu"
#include "../../models/nn/cuda/conv.cu"
#include "../../models/nn/cuda/norm.cu"
#include "../../models/nn/cuda/pool.cu"
#include "../../models/nn/cuda/deform.cu"
#include "../../models/nn/cuda/loss.cu"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <string>
#include <vector>

extern "C" {
#include "runners.h"
}

void rn_cuda_check(struct rn_backend *be, const char *what)
{
  (void)be;
  (void)what;
}

int main(void)
{
  const char *top = getenv("top_srcdir");
  std::string dir = std::string(top ? top : ".") + "/tests/numeric/fixtures";
  std::vector<std::string> names;
  struct rn_backend_options o = RN_BACKEND_OPTIONS_INIT;
  struct rn_backend *cpu, *gpu;
  static struct rn_backend_ops ops;
  struct rn_cuda fake;
  long miss = 0;

  DIR *d = opendir(dir.c_str());
  if (!d) {
    fprintf(stderr, "%s: cannot open\n", dir.c_str());
    return 99;
  }
  for (struct dirent *de; (de = readdir(d));) {
    std::string n = de->d_name;
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".rnt") == 0)
      names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());

  o.device = "cpu";
  o.conv = RN_CONV_IM2COL;
  o.threads = 1;
  if (rn_backend_open(&cpu, &o) || rn_backend_open(&gpu, &o)) {
    fprintf(stderr, "%s\n", rn_errmsg());
    return 99;
  }
  /* the CPU backend with every kernel replaced by its CUDA version */
  ops = *gpu->ops;
  ops.name = "cuda kernels on the host";
  ops.fill = rn_cu_fill;
  ops.unary = rn_cu_unary;
  ops.unary_backward = rn_cu_unary_backward;
  ops.binary = rn_cu_binary;
  ops.binary_backward = rn_cu_binary_backward;
  ops.im2col = rn_cu_im2col;
  ops.col2im = rn_cu_col2im;
  ops.to_cn = rn_cu_to_cn;
  ops.from_cn = rn_cu_from_cn;
  ops.bias_fill = rn_cu_bias_fill;
  ops.bias_backward = rn_cu_bias_backward;
  ops.norm_forward = rn_cu_norm_forward;
  ops.norm_backward = rn_cu_norm_backward;
  ops.maxpool2_forward = rn_cu_maxpool2_forward;
  ops.maxpool2_backward = rn_cu_maxpool2_backward;
  ops.s2d = rn_cu_s2d;
  ops.deform3_forward = rn_cu_deform3_forward;
  ops.deform3_backward = rn_cu_deform3_backward;
  ops.loss_forward = rn_cu_loss_forward;
  ops.loss_backward = rn_cu_loss_backward;
  ops.rand = rn_cu_rand;
  ops.gauss_sample = rn_cu_gauss_sample;
  ops.gauss_sample_backward = rn_cu_gauss_sample_backward;
  ops.adam = rn_cu_adam;
  ops.conv_forward = NULL;
  ops.conv_backward_data = NULL;
  ops.conv_backward_weights = NULL;
  gpu->ops = &ops;
  memset(&fake, 0, sizeof fake);
  fake.red = (double *)calloc(4, sizeof(double));
  gpu->impl = &fake;

  const size_t limits[3] = {rn_conv_col_limit, 3000, 1};
  for (int l = 0; l < 3; l++) {
    rn_conv_col_limit = limits[l];
    for (const std::string &n : names) {
      std::string path = dir + "/" + n;
      struct rn_tfile f;
      struct fx_out a = {}, b = {};
      char op[64];
      if (rn_tfile_read(path.c_str(), &f)) {
        fprintf(stderr, "%s\n", rn_errmsg());
        return 99;
      }
      fx_op(&f, op, sizeof op);
      printf("%s (%s), im2col scratch limit %zu\n", n.c_str(), op, limits[l]);
      if (fx_run(cpu, &f, &a) || fx_run(gpu, &f, &b) || a.n != b.n) {
        printf("  run failed: %s\n", rn_errmsg());
        miss++;
      } else {
        int exact = strcmp(op, "rng") == 0;
        double rtol = fx_float(&f, "rtol", 1e-4f), atol = fx_float(&f, "atol", 1e-5f);
        for (int k = 0; k < a.n; k++)
          miss += fx_compare(a.e[k].name, (const float *)b.e[k].data, (const float *)a.e[k].data,
                             a.e[k].size, exact ? 0 : 2 * atol, exact ? 0 : 2 * rtol);
      }
      fx_out_free(&a);
      fx_out_free(&b);
      rn_tfile_free(&f);
    }
  }
  gpu->impl = NULL;
  gpu->ops = cpu->ops;
  free(fake.red);
  rn_backend_close(gpu);
  rn_backend_close(cpu);
  printf("%s\n", miss ? "FAIL" : "ok");
  return miss ? 1 : 0;
}
