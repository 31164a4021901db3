/* modelfx.h - whole-model fixtures (tests/tools/make_model_fixtures.py):
 * the model definition, weights, data and what PyTorch computed from them,
 * and one run of the C model on a backend collected on the host. Shared by
 * the fixture test (test_model) and the CUDA-versus-CPU test. */
#ifndef RADNOW_TEST_MODELFX_H
#define RADNOW_TEST_MODELFX_H

#include <radnow/model.h>
#include <radnow/tensor.h>

/* Tolerances, per element |a - b| <= atol + rtol |b|:
 *   predictions (training forward and inference) rtol 1e-4, atol 1e-5;
 *   the loss rtol 1e-5;
 *   gradients rtol 1e-3, atol 1e-4 x the largest |gradient| of the tensor;
 *   the 20-step training loss curve rtol 1e-3. */
#define MFX_PRED_RTOL 1e-4
#define MFX_PRED_ATOL 1e-5
#define MFX_LOSS_RTOL 1e-5
#define MFX_GRAD_RTOL 1e-3
#define MFX_GRAD_ATOL_REL 1e-4
#define MFX_CURVE_RTOL 1e-3

struct mfx_run {
  float *pred, *infer;   /* [B, T-1, C, H, W], [B, T_out, C, H, W] */
  double loss;
  float *grad;           /* the gradient block, in rn_params order */
  double *curve;         /* training losses (ncurve) */
  int ncurve;
};

/* The definition stored in the fixture. */
int mfx_config(const struct rn_tfile *f, struct rn_model_config *mc);
/* Upload every "param/NAME"; every tensor of the model must be there and
 * every fixture parameter must belong to the model. Returns misses. */
int mfx_load_params(struct rn_model *m, const struct rn_tfile *f);
/* Forward (with the fixture's mask), backward, inference, and ncurve Adam
 * steps at the fixture's learning rate. Returns 0 or a status. */
int mfx_execute(struct rn_model *m, const struct rn_tfile *f, int ncurve, struct mfx_run *r);
void mfx_run_free(struct mfx_run *r);
/* Compare r with the fixture's PyTorch numbers (or, want != NULL, with
 * another run using tolerances times `scale`). Prints one line per
 * quantity; returns the number of misses. */
long mfx_compare(struct rn_model *m, const struct rn_tfile *f, const struct mfx_run *r,
                 const struct mfx_run *want, double scale);

#endif
