/* devices_nocuda.c - device enumeration when radnow is built without CUDA. */
#include <radnow/devices.h>

#include <stdio.h>

int rn_cuda_built(void) { return 0; }

int rn_cuda_device_count(char *reason, size_t size)
{
  if (reason && size)
    snprintf(reason, size, "no CUDA device: radnow was built without CUDA (configure --with-cuda)");
  return 0;
}

int rn_cuda_device_info(int i, struct rn_device_info *info)
{
  (void)i;
  (void)info;
  return -1;
}
