/* test_model.c - one whole model against its PyTorch fixture:
 *   test_model FILE.rnm
 * On the CPU backend with every sgemm built in (OpenBLAS and, when present,
 * oneDNN) and with the Winograd convolutions the predictors run by default
 * (the curve: with the default sgemm and with Winograd): the predictions of the training forward (scheduled sampling with
 * the fixture's mask), the loss, every parameter gradient, the inference
 * forward, and - with the default sgemm - the loss curve of 20 Adam steps.
 * Tolerances in modelfx.h; the largest difference of every quantity is
 * printed; a miss exits 1. */
#include <radnow/backend.h>
#include <radnow/model.h>

#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "modelfx.h"

int main(int argc, char **argv)
{
  struct rn_tfile f;
  struct rn_model_config mc;
  /* what each run builds the backend with, and its training-curve length */
  struct {
    enum rn_gemm_kind gemm;
    enum rn_conv_kind conv;
    int curve;
  } runs[] = {{RN_GEMM_AUTO, RN_CONV_AUTO, 20},
              {RN_GEMM_AUTO, RN_CONV_WINOGRAD, 20},
#ifdef RN_HAVE_DNNL
              {RN_GEMM_OPENBLAS, RN_CONV_AUTO, 0},
#endif
  };
  int nruns = (int)(sizeof runs / sizeof runs[0]);
  long miss = 0;
  if (argc != 2) {
    fprintf(stderr, "usage: test_model FILE.rnm\n");
    return 99;
  }
  if (rn_tfile_read(argv[1], &f)) {
    fprintf(stderr, "%s\n", rn_errmsg());
    return 99;
  }
  if (mfx_config(&f, &mc))
    return 99;
  printf("%s: %s, hidden", argv[1], mc.type);
  for (int l = 0; l < mc.layers; l++)
    printf("%s%d", l ? "," : " ", mc.hidden[l]);
  printf(", filter %d, %dx%d patch %d, %d -> %d frames, layer norm %s, loss %s\n", mc.filter,
         mc.height, mc.width, mc.patch, mc.input_length, mc.output_length,
         mc.layer_norm ? "on" : "off", rn_model_loss_name(mc.loss));
  for (int k = 0; k < nruns; k++) {
    struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
    struct rn_backend *be;
    struct rn_model *m;
    struct mfx_run r;
    struct rn_model_memory mem;
    opt.device = "cpu";
    opt.gemm = runs[k].gemm;
    opt.conv = runs[k].conv;
    if (rn_backend_open(&be, &opt) || rn_model_create(&m, &mc, be)) {
      fprintf(stderr, "%s\n", rn_errmsg());
      return 99;
    }
    printf(" %s, %ld parameters\n", rn_backend_describe(be), rn_params_count(rn_model_params(m)));
    if (mfx_load_params(m, &f)) {
      miss++;
    } else if (mfx_execute(m, &f, runs[k].curve, &r)) {
      printf("  run failed: %s\n", rn_errmsg());
      miss++;
    } else {
      miss += mfx_compare(m, &f, &r, NULL, 1.0);
      rn_model_memory(m, &mem);
      printf("  memory: parameters %zu, gradients %zu, optimizer %zu, activations (peak) %zu, "
             "scratch %zu bytes\n",
             mem.params, mem.grads, mem.optimizer, mem.peak_activations, mem.scratch);
    }
    mfx_run_free(&r);
    rn_model_destroy(m);
    rn_backend_close(be);
  }
  rn_tfile_free(&f);
  printf("%s\n", miss ? "FAIL" : "ok");
  return miss ? 1 : 0;
}
