/* cpu_ewise.c - element-wise maps over slices (formulas in nnmath.h).
 * The work is cut into (row, column chunk) tasks so that a slice of few long
 * rows and one of many short rows both spread over the threads; the switch
 * on the operation sits outside the loops so that they vectorise. */
#include "cpu.h"
#include "../nnmath.h"

/* glibc's vector expf and tanhf (libmvec, part of -lm; within 4 ulp): with
 * these declarations the loops below call them 4, 8 or 16 values at a time
 * instead of once per value, and the compiler makes one version of the
 * loops per vector width. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
__attribute__((simd("notinbranch"))) float expf(float);
__attribute__((simd("notinbranch"))) float tanhf(float);
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

#define CHUNK 4096

/* The transcendental maps (sigmoid, tanh, exp) cost tens of cycles per
 * element: worth two threads from a few thousand elements on, where a sum
 * or a product is not. */
#define OMP_MIN_TRANSC 4096

static int transcendental(enum rn_unary op)
{
  return op == RN_UN_SIGMOID || op == RN_UN_TANH || op == RN_UN_EXP;
}

static long ntasks(struct rn_slice s, long *nch)
{
  *nch = (s.cols + CHUNK - 1) / CHUNK;
  return (long)s.rows * *nch;
}

VECTOR_CLONES
static void un_row(enum rn_unary op, float al, float bt, float *o, const float *a, long n)
{
  long i;
  switch (op) {
  case RN_UN_AFFINE: for (i = 0; i < n; i++) o[i] = al * a[i] + bt; break;
  case RN_UN_AXPY: for (i = 0; i < n; i++) o[i] += al * a[i]; break;
  case RN_UN_SIGMOID:
#pragma omp simd
    for (i = 0; i < n; i++)
      o[i] = rn_sigmoidf(a[i]);
    break;
  case RN_UN_TANH:
#pragma omp simd
    for (i = 0; i < n; i++)
      o[i] = tanhf(a[i]);
    break;
  case RN_UN_RELU: for (i = 0; i < n; i++) o[i] = rn_reluf(a[i]); break;
  case RN_UN_LEAKY: for (i = 0; i < n; i++) o[i] = rn_leakyf(a[i], al); break;
  case RN_UN_EXP:
#pragma omp simd
    for (i = 0; i < n; i++)
      o[i] = expf(a[i]);
    break;
  }
}

void rn_cpu_unary(struct rn_backend *be, enum rn_unary op, float alpha, float beta,
                  struct rn_slice out, struct rn_slice a)
{
  long nch, nt = ntasks(out, &nch);
  const long min = transcendental(op) ? OMP_MIN_TRANSC : RN_OMP_MIN;
  (void)be;
#pragma omp parallel for if ((long)out.rows * out.cols > min) schedule(static)
  for (long t = 0; t < nt; t++) {
    long r = t / nch, c0 = (t % nch) * CHUNK;
    long n = out.cols - c0 < CHUNK ? out.cols - c0 : CHUNK;
    un_row(op, alpha, beta, out.p + r * out.ld + c0, a.p + r * a.ld + c0, n);
  }
}

static void unb_row(enum rn_unary op, float al, float *d, const float *g, const float *y, long n)
{
  long i;
  switch (op) {
  case RN_UN_AFFINE: for (i = 0; i < n; i++) d[i] += al * g[i]; break;
  case RN_UN_AXPY: break;
  case RN_UN_SIGMOID: for (i = 0; i < n; i++) d[i] += g[i] * rn_sigmoid_grad(y[i]); break;
  case RN_UN_TANH: for (i = 0; i < n; i++) d[i] += g[i] * rn_tanh_grad(y[i]); break;
  case RN_UN_RELU: for (i = 0; i < n; i++) d[i] += g[i] * rn_relu_grad(y[i]); break;
  case RN_UN_LEAKY: for (i = 0; i < n; i++) d[i] += g[i] * rn_leaky_grad(y[i], al); break;
  case RN_UN_EXP: for (i = 0; i < n; i++) d[i] += g[i] * y[i]; break;
  }
}

void rn_cpu_unary_backward(struct rn_backend *be, enum rn_unary op, float alpha,
                           struct rn_slice din, struct rn_slice dout, struct rn_slice y)
{
  long nch, nt = ntasks(din, &nch);
  (void)be;
#pragma omp parallel for if ((long)din.rows * din.cols > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    long r = t / nch, c0 = (t % nch) * CHUNK;
    long n = din.cols - c0 < CHUNK ? din.cols - c0 : CHUNK;
    unb_row(op, alpha, din.p + r * din.ld + c0, dout.p + r * dout.ld + c0,
            y.p ? y.p + r * y.ld + c0 : NULL, n);
  }
}

static void bin_row(enum rn_binary op, float *o, const float *a, const float *b, long n)
{
  long i;
  switch (op) {
  case RN_BIN_ADD: for (i = 0; i < n; i++) o[i] = a[i] + b[i]; break;
  case RN_BIN_SUB: for (i = 0; i < n; i++) o[i] = a[i] - b[i]; break;
  case RN_BIN_MUL: for (i = 0; i < n; i++) o[i] = a[i] * b[i]; break;
  }
}

void rn_cpu_binary(struct rn_backend *be, enum rn_binary op, struct rn_slice out,
                   struct rn_slice a, struct rn_slice b)
{
  long nch, nt = ntasks(out, &nch);
  (void)be;
#pragma omp parallel for if ((long)out.rows * out.cols > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    long r = t / nch, c0 = (t % nch) * CHUNK;
    long n = out.cols - c0 < CHUNK ? out.cols - c0 : CHUNK;
    bin_row(op, out.p + r * out.ld + c0, a.p + r * a.ld + c0, b.p + r * b.ld + c0, n);
  }
}

/* da += dout * d(a op b)/da, db likewise; either may be NULL. da and db may
 * be the same memory (x * x): each element is updated in one place. */
static void binb_row(enum rn_binary op, float *da, float *db, const float *g, const float *a,
                     const float *b, long n)
{
  long i;
  switch (op) {
  case RN_BIN_ADD:
  case RN_BIN_SUB:
    if (da)
      for (i = 0; i < n; i++) da[i] += g[i];
    if (db) {
      if (op == RN_BIN_ADD)
        for (i = 0; i < n; i++) db[i] += g[i];
      else
        for (i = 0; i < n; i++) db[i] -= g[i];
    }
    break;
  case RN_BIN_MUL:
    if (da)
      for (i = 0; i < n; i++) da[i] += g[i] * b[i];
    if (db)
      for (i = 0; i < n; i++) db[i] += g[i] * a[i];
    break;
  }
}

void rn_cpu_binary_backward(struct rn_backend *be, enum rn_binary op, struct rn_slice da,
                            struct rn_slice db, struct rn_slice dout, struct rn_slice a,
                            struct rn_slice b)
{
  long nch, nt = ntasks(dout, &nch);
  (void)be;
#pragma omp parallel for if ((long)dout.rows * dout.cols > RN_OMP_MIN) schedule(static)
  for (long t = 0; t < nt; t++) {
    long r = t / nch, c0 = (t % nch) * CHUNK;
    long n = dout.cols - c0 < CHUNK ? dout.cols - c0 : CHUNK;
    binb_row(op, da.p ? da.p + r * da.ld + c0 : NULL, db.p ? db.p + r * db.ld + c0 : NULL,
             dout.p + r * dout.ld + c0, a.p ? a.p + r * a.ld + c0 : NULL,
             b.p ? b.p + r * b.ld + c0 : NULL, n);
  }
}
