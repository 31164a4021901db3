/* test_cuda.c - every layer on the CUDA backend against the CPU backend and
 * the PyTorch fixture, from the inputs of every fixture file; the random
 * numbers must be bit-identical. Exit 77 (skip) when radnow was built
 * without CUDA or there is no device. */
#include <radnow/backend.h>
#include <radnow/devices.h>
#include <radnow/rng.h>
#include <radnow/tensor.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runners.h"

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static long compare(const struct rn_tfile *f, const struct fx_out *gpu, const struct fx_out *cpu,
                    int exact)
{
  double rtol = fx_float(f, "rtol", 1e-4f), atol = fx_float(f, "atol", 1e-5f);
  long miss = 0;
  if (gpu->n != cpu->n || gpu->n == 0) {
    printf("  %d outputs on the GPU, %d on the CPU\n", gpu->n, cpu->n);
    return 1;
  }
  for (int i = 0; i < gpu->n; i++) {
    const struct rn_tfile_entry *want = rn_tfile_find(f, gpu->e[i].name);
    char what[128];
    snprintf(what, sizeof what, "%s/cpu", gpu->e[i].name);
    miss += fx_compare(what, (const float *)gpu->e[i].data, (const float *)cpu->e[i].data,
                       gpu->e[i].size, exact ? 0 : 2 * atol, exact ? 0 : 2 * rtol);
    if (want) {
      snprintf(what, sizeof what, "%s/torch", gpu->e[i].name);
      miss += fx_compare(what, (const float *)gpu->e[i].data, (const float *)want->data,
                         want->size, atol, rtol);
    }
  }
  return miss;
}

/* a million normal numbers: the same bits on both backends */
static long same_random(struct rn_backend *cpu, struct rn_backend *gpu)
{
  const long n = 1 << 20;
  float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
  float *dc = rn_alloc(cpu, n), *dg = rn_alloc(gpu, n);
  long diff = 0;
  rn_rand_normal(cpu, dc, n, 0.5f, 2.0f, 31337, 12345);
  rn_rand_normal(gpu, dg, n, 0.5f, 2.0f, 31337, 12345);
  rn_download(cpu, a, dc, n);
  rn_download(gpu, b, dg, n);
  for (long i = 0; i < n; i++)
    diff += memcmp(a + i, b + i, sizeof(float)) != 0;
  printf("random normals: %ld of %ld differ between CPU and GPU\n", diff, n);
  rn_free(cpu, dc);
  rn_free(gpu, dg);
  free(a);
  free(b);
  return diff;
}

int main(void)
{
  char reason[512] = "", dir[4096], op[64];
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
  snprintf(dir, sizeof dir, "%s/tests/numeric/fixtures", top ? top : ".");
  if (!(d = opendir(dir))) {
    fprintf(stderr, "%s: cannot open\n", dir);
    return 99;
  }
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len > 4 && strcmp(de->d_name + len - 4, ".rnt") == 0) {
      names = realloc(names, sizeof *names * (nn + 1));
      names[nn++] = strdup(de->d_name);
    }
  }
  closedir(d);
  qsort(names, nn, sizeof *names, cmp_names);
  if (nn == 0) {
    fprintf(stderr, "%s: no fixtures\n", dir);
    return 99;
  }
  for (int i = 0; i < nn; i++) {
    char path[8192];
    struct rn_tfile f;
    struct fx_out oc_out = {0}, og_out = {0};
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (rn_tfile_read(path, &f)) {
      fprintf(stderr, "%s\n", rn_errmsg());
      return 99;
    }
    fx_op(&f, op, sizeof op);
    printf("%s: %s\n", names[i], op);
    if (fx_run(cpu, &f, &oc_out) || fx_run(gpu, &f, &og_out)) {
      printf("  run failed: %s\n", rn_errmsg());
      miss++;
    } else {
      miss += compare(&f, &og_out, &oc_out, strcmp(op, "rng") == 0);
    }
    fx_out_free(&oc_out);
    fx_out_free(&og_out);
    rn_tfile_free(&f);
    free(names[i]);
  }
  free(names);
  miss += same_random(cpu, gpu);
  rn_backend_close(gpu);
  rn_backend_close(cpu);
  printf("%s\n", miss ? "FAIL" : "ok");
  return miss ? 1 : 0;
}
