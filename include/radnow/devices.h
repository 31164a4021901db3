/* devices.h - compute devices visible to radnow (CUDA GPUs).
 * "No device" is a normal state: the CPU backend is always there. */
#ifndef RADNOW_DEVICES_H
#define RADNOW_DEVICES_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_device_info {
  char name[256];
  int major, minor;          /* compute capability */
  size_t memory_bytes;
  int multiprocessors;
};

/* 1 when radnow was built with the CUDA backend. */
int rn_cuda_built(void);
/* Number of usable CUDA devices (0 when none, or when not built with CUDA);
 * why, when there are none, goes to reason. */
int rn_cuda_device_count(char *reason, size_t size);
/* Properties of device i; 0 on success. */
int rn_cuda_device_info(int i, struct rn_device_info *info);

#ifdef __cplusplus
}
#endif
#endif
