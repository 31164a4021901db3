/* devices.cu - enumerate CUDA devices through the runtime API. */
#include <radnow/devices.h>

#include <cuda_runtime_api.h>
#include <stdio.h>
#include <string.h>

extern "C" int rn_cuda_built(void) { return 1; }

extern "C" int rn_cuda_device_count(char *reason, size_t size)
{
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    if (reason && size)
      snprintf(reason, size, "no CUDA device: %s", cudaGetErrorString(err));
    cudaGetLastError(); /* clear the sticky error */
    return 0;
  }
  if (n == 0 && reason && size)
    snprintf(reason, size, "no CUDA device: the runtime reports none");
  return n;
}

extern "C" int rn_cuda_device_info(int i, struct rn_device_info *info)
{
  cudaDeviceProp p;
  if (cudaGetDeviceProperties(&p, i) != cudaSuccess)
    return -1;
  memset(info, 0, sizeof *info);
  snprintf(info->name, sizeof info->name, "%s", p.name);
  info->major = p.major;
  info->minor = p.minor;
  info->memory_bytes = p.totalGlobalMem;
  info->multiprocessors = p.multiProcessorCount;
  return 0;
}
