/* test_model_cuda.c - every whole-model fixture on the CUDA backend: the
 * forward, loss, gradients, inference and 5 Adam steps against the CPU
 * backend (tolerances of modelfx.h times 2) and against PyTorch. Exit 77
 * (skip) when radnow was built without CUDA or there is no device. */
#include <radnow/backend.h>
#include <radnow/devices.h>
#include <radnow/model.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelfx.h"

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static long one(struct rn_backend *cpu, struct rn_backend *gpu, const char *path)
{
  struct rn_tfile f;
  struct rn_model_config mc;
  struct rn_model *mc_cpu = NULL, *mc_gpu = NULL;
  struct mfx_run rc, rg;
  long miss = 0;
  if (rn_tfile_read(path, &f) || mfx_config(&f, &mc)) {
    fprintf(stderr, "%s: %s\n", path, rn_errmsg());
    exit(99);
  }
  printf("%s: %s\n", path, mc.type);
  if (rn_model_create(&mc_cpu, &mc, cpu) || rn_model_create(&mc_gpu, &mc, gpu)) {
    fprintf(stderr, "%s\n", rn_errmsg());
    exit(99);
  }
  if (mfx_load_params(mc_cpu, &f) || mfx_load_params(mc_gpu, &f)) {
    miss++;
  } else if (mfx_execute(mc_cpu, &f, 5, &rc) || mfx_execute(mc_gpu, &f, 5, &rg)) {
    printf("  run failed: %s\n", rn_errmsg());
    miss++;
  } else {
    printf(" GPU against CPU:\n");
    miss += mfx_compare(mc_gpu, &f, &rg, &rc, 2.0);
    printf(" GPU against PyTorch:\n");
    miss += mfx_compare(mc_gpu, &f, &rg, NULL, 1.0);
  }
  mfx_run_free(&rc);
  mfx_run_free(&rg);
  rn_model_destroy(mc_cpu);
  rn_model_destroy(mc_gpu);
  rn_tfile_free(&f);
  return miss;
}

int main(void)
{
  char reason[512] = "", dir[4096];
  const char *top = getenv("top_srcdir");
  struct rn_backend_options oc = RN_BACKEND_OPTIONS_INIT, og = RN_BACKEND_OPTIONS_INIT;
  struct rn_backend *cpu, *gpu;
  char **names = NULL;
  int nn = 0;
  long miss = 0;
  DIR *d;
  struct dirent *de;
  if (!rn_cuda_built()) {
    printf("skip: radnow was built without CUDA\n");
    return 77;
  }
  if (rn_cuda_device_count(reason, sizeof reason) == 0) {
    printf("skip: %s\n", reason);
    return 77;
  }
  oc.device = "cpu";
  og.device = "cuda";
  if (rn_backend_open(&cpu, &oc) || rn_backend_open(&gpu, &og) || !rn_backend_is_cuda(gpu)) {
    fprintf(stderr, "cannot open the backends: %s\n", rn_errmsg());
    return 99;
  }
  printf("%s\n%s\n", rn_backend_describe(cpu), rn_backend_describe(gpu));
  snprintf(dir, sizeof dir, "%s/tests/models/fixtures", top ? top : ".");
  if (!(d = opendir(dir))) {
    fprintf(stderr, "%s: cannot open\n", dir);
    return 99;
  }
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len > 4 && strcmp(de->d_name + len - 4, ".rnm") == 0) {
      names = realloc(names, sizeof *names * (nn + 1));
      names[nn++] = strdup(de->d_name);
    }
  }
  closedir(d);
  if (nn == 0) {
    fprintf(stderr, "%s: no fixtures\n", dir);
    return 99;
  }
  qsort(names, nn, sizeof *names, cmp_names);
  for (int i = 0; i < nn; i++) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    miss += one(cpu, gpu, path);
    free(names[i]);
  }
  free(names);
  rn_backend_close(gpu);
  rn_backend_close(cpu);
  printf("%s\n", miss ? "FAIL" : "ok");
  return miss ? 1 : 0;
}
