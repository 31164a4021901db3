/* ewise.cu - element-wise maps over slices (mirrors cpu_ewise.c; the
 * formulas are nnmath.h's). One thread per element, grid-stride. */
#include "config.h"

#include "cuda.h"
#include "../nnmath.h"

__global__ static void k_fill(float *x, long n, float v)
{
  RN_GRID_LOOP(i, n) x[i] = v;
}

void rn_cu_fill(struct rn_backend *be, float *x, long n, float v)
{
  RN_LAUNCH(k_fill, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, x, n, v);
  rn_cuda_check(be, "fill");
}

__global__ static void k_unary(int op, float al, float bt, float *o, long ldo, const float *a,
                               long lda, int rows, long cols)
{
  long n = (long)rows * cols;
  RN_GRID_LOOP(t, n)
  {
    long r = t / cols, c = t % cols;
    float x = a[r * lda + c], *p = o + r * ldo + c;
    switch (op) {
    case RN_UN_AFFINE: *p = al * x + bt; break;
    case RN_UN_AXPY: *p += al * x; break;
    case RN_UN_SIGMOID: *p = rn_sigmoidf(x); break;
    case RN_UN_TANH: *p = tanhf(x); break;
    case RN_UN_RELU: *p = rn_reluf(x); break;
    case RN_UN_LEAKY: *p = rn_leakyf(x, al); break;
    case RN_UN_EXP: *p = expf(x); break;
    }
  }
}

void rn_cu_unary(struct rn_backend *be, enum rn_unary op, float alpha, float beta,
                 struct rn_slice out, struct rn_slice a)
{
  long n = (long)out.rows * out.cols;
  RN_LAUNCH(k_unary, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, (int)op, alpha, beta, out.p, out.ld,
                                                              a.p, a.ld, out.rows, out.cols);
  rn_cuda_check(be, "unary");
}

__global__ static void k_unary_backward(int op, float al, float *d, long ldd, const float *g,
                                        long ldg, const float *y, long ldy, int rows, long cols)
{
  long n = (long)rows * cols;
  RN_GRID_LOOP(t, n)
  {
    long r = t / cols, c = t % cols;
    float gv = g[r * ldg + c], yv = y ? y[r * ldy + c] : 0.0f, *p = d + r * ldd + c;
    switch (op) {
    case RN_UN_AFFINE: *p += al * gv; break;
    case RN_UN_AXPY: break;
    case RN_UN_SIGMOID: *p += gv * rn_sigmoid_grad(yv); break;
    case RN_UN_TANH: *p += gv * rn_tanh_grad(yv); break;
    case RN_UN_RELU: *p += gv * rn_relu_grad(yv); break;
    case RN_UN_LEAKY: *p += gv * rn_leaky_grad(yv, al); break;
    case RN_UN_EXP: *p += gv * yv; break;
    }
  }
}

void rn_cu_unary_backward(struct rn_backend *be, enum rn_unary op, float alpha,
                          struct rn_slice din, struct rn_slice dout, struct rn_slice y)
{
  long n = (long)din.rows * din.cols;
  RN_LAUNCH(k_unary_backward, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, 
      (int)op, alpha, din.p, din.ld, dout.p, dout.ld, y.p, y.ld, din.rows, din.cols);
  rn_cuda_check(be, "unary backward");
}

__global__ static void k_binary(int op, float *o, long ldo, const float *a, long lda,
                                const float *b, long ldb, int rows, long cols)
{
  long n = (long)rows * cols;
  RN_GRID_LOOP(t, n)
  {
    long r = t / cols, c = t % cols;
    float x = a[r * lda + c], z = b[r * ldb + c];
    o[r * ldo + c] = op == RN_BIN_ADD ? x + z : op == RN_BIN_SUB ? x - z : x * z;
  }
}

void rn_cu_binary(struct rn_backend *be, enum rn_binary op, struct rn_slice out,
                  struct rn_slice a, struct rn_slice b)
{
  long n = (long)out.rows * out.cols;
  RN_LAUNCH(k_binary, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, (int)op, out.p, out.ld, a.p, a.ld,
                                                               b.p, b.ld, out.rows, out.cols);
  rn_cuda_check(be, "binary");
}

/* da and db may be the same memory (x * x): one thread updates both in turn */
__global__ static void k_binary_backward(int op, float *da, long ldda, float *db, long lddb,
                                         const float *g, long ldg, const float *a, long lda,
                                         const float *b, long ldb, int rows, long cols)
{
  long n = (long)rows * cols;
  RN_GRID_LOOP(t, n)
  {
    long r = t / cols, c = t % cols;
    float gv = g[r * ldg + c];
    if (da)
      da[r * ldda + c] += op == RN_BIN_MUL ? gv * b[r * ldb + c] : gv;
    if (db)
      db[r * lddb + c] += op == RN_BIN_MUL ? gv * a[r * lda + c] : op == RN_BIN_SUB ? -gv : gv;
  }
}

void rn_cu_binary_backward(struct rn_backend *be, enum rn_binary op, struct rn_slice da,
                           struct rn_slice db, struct rn_slice dout, struct rn_slice a,
                           struct rn_slice b)
{
  long n = (long)dout.rows * dout.cols;
  RN_LAUNCH(k_binary_backward, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, 
      (int)op, da.p, da.ld, db.p, db.ld, dout.p, dout.ld, a.p, a.ld, b.p, b.ld, dout.rows,
      dout.cols);
  rn_cuda_check(be, "binary backward");
}
