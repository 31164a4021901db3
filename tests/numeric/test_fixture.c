/* test_fixture.c - check one layer against its PyTorch fixture:
 *   test_fixture FILE.rnt
 * The layer runs on the CPU backend in every configuration that changes its
 * arithmetic: convolutions by im2col with each sgemm built in (OpenBLAS and,
 * when present, oneDNN) and the scratch limit at its default (whole batches
 * per gemm), small (a few output rows per gemm) and minimal (one output row
 * per gemm); and by oneDNN's direct convolutions. Every
 * output and gradient must satisfy |a - b| <= atol + rtol |b| (the fixture's
 * tolerances); the largest difference is printed; a miss exits 1. */
#include <radnow/backend.h>
#include <radnow/tensor.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "../../models/nn/ops.h"
#include "runners.h"

static long check(const struct rn_tfile *f, const struct fx_out *o)
{
  double rtol = fx_float(f, "rtol", 1e-4f), atol = fx_float(f, "atol", 1e-5f);
  long miss = 0;
  if (o->n == 0) {
    printf("  no outputs\n");
    return 1;
  }
  for (int i = 0; i < o->n; i++) {
    const struct rn_tfile_entry *want = rn_tfile_find(f, o->e[i].name);
    if (!want || want->size != o->e[i].size) {
      printf("  %s: %s in the fixture\n", o->e[i].name, want ? "size differs" : "missing");
      miss++;
      continue;
    }
    miss += fx_compare(o->e[i].name, (const float *)o->e[i].data, (const float *)want->data,
                       want->size, atol, rtol);
  }
  return miss;
}

struct config {
  enum rn_conv_kind conv;
  enum rn_gemm_kind gemm;
  size_t limit;
};

int main(int argc, char **argv)
{
  struct rn_tfile f;
  char op[64];
  long miss = 0;
  /* im2col with whole batches per gemm, a few output rows, one output row;
   * with each sgemm; then oneDNN's own convolutions */
  const size_t def = rn_conv_col_limit;
  const struct config configs[] = {
      {RN_CONV_IM2COL, RN_GEMM_OPENBLAS, def}, {RN_CONV_IM2COL, RN_GEMM_OPENBLAS, 3000},
      {RN_CONV_IM2COL, RN_GEMM_OPENBLAS, 1},
#ifdef RN_HAVE_DNNL
      {RN_CONV_IM2COL, RN_GEMM_DNNL, def},     {RN_CONV_IM2COL, RN_GEMM_DNNL, 3000},
      {RN_CONV_IM2COL, RN_GEMM_DNNL, 1},       {RN_CONV_DNNL, RN_GEMM_DNNL, def},
      {RN_CONV_WINOGRAD, RN_GEMM_DNNL, def},
#endif
  };
  if (argc != 2) {
    fprintf(stderr, "usage: test_fixture FILE.rnt\n");
    return 99;
  }
  if (rn_tfile_read(argv[1], &f)) {
    fprintf(stderr, "%s\n", rn_errmsg());
    return 99;
  }
  printf("%s: %s\n", argv[1], fx_op(&f, op, sizeof op));
  for (size_t k = 0; k < sizeof configs / sizeof configs[0]; k++) {
    struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
    struct rn_backend *be;
    struct fx_out out = {0};
    opt.device = "cpu";
    opt.gemm = configs[k].gemm;
    opt.conv = configs[k].conv;
    if (rn_backend_open(&be, &opt)) {
      fprintf(stderr, "%s\n", rn_errmsg());
      return 99;
    }
    rn_conv_col_limit = configs[k].limit;
    printf(" %s; im2col scratch limit %zu floats\n", rn_backend_describe(be), configs[k].limit);
    if (fx_run(be, &f, &out)) {
      printf("  run failed: %s\n", rn_errmsg());
      miss++;
    } else {
      miss += check(&f, &out);
    }
    fx_out_free(&out);
    rn_backend_close(be);
  }
  rn_tfile_free(&f);
  printf("%s\n", miss ? "FAIL" : "ok");
  return miss ? 1 : 0;
}
