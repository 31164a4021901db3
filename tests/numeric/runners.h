/* runners.h - run one layer on a backend from the inputs of a fixture file
 * (tests/tools/make_fixtures.py), collecting its outputs and gradients under
 * the fixture's names. Shared by the PyTorch fixture tests, the CUDA-versus-CPU
 * test and the checks against the double-precision reference. */
#ifndef RADNOW_TEST_RUNNERS_H
#define RADNOW_TEST_RUNNERS_H

#include <radnow/backend.h>
#include <radnow/tensor.h>

#define FX_MAXOUT 24
#define FX_MAXBUF 48

/* The gradient buffers start at this value and have it subtracted after the
 * backward pass: a backward that overwrites instead of accumulating fails. */
#define FX_GRAD_PRIOR 0.5f

struct fx_out {
  int n;
  struct rn_tfile_entry e[FX_MAXOUT]; /* host copies, freed by fx_out_free */
};

struct fx {
  struct rn_backend *be;
  const struct rn_tfile *f;
  struct fx_out *out;
  float *buf[FX_MAXBUF];
  int nbuf;
};

struct fx_runner {
  const char *op;
  void (*run)(struct fx *c);
};

/* The runner for an op name, NULL when unknown. */
const struct fx_runner *fx_runner(const char *op);
/* Run: returns the backend's status after the run. */
enum rn_status fx_run(struct rn_backend *be, const struct rn_tfile *f, struct fx_out *out);
void fx_out_free(struct fx_out *o);

/* The "op" string of a fixture ("" when missing). */
const char *fx_op(const struct rn_tfile *f, char *buf, size_t size);
int fx_int(const struct rn_tfile *f, const char *name, int def);
float fx_float(const struct rn_tfile *f, const char *name, float def);

/* Compare got against want element-wise: |a - b| <= atol + rtol |b|. Prints
 * one line with the largest difference; returns the number of misses. */
long fx_compare(const char *what, const float *got, const float *want, long n, double atol,
                double rtol);

#endif
