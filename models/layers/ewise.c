/* ewise.c - element-wise layers over slices (activations, affine, add, sub,
 * mul, copies) and channel concat/split, all through the backend's
 * unary/binary kernels, whose arithmetic is in models/nn/nnmath.h. */
#include <radnow/layers.h>

#include "../nn/ops.h"

static const struct rn_slice none = {0, 0, 0, 0};

static int contiguous(struct rn_slice s) { return s.rows <= 1 || s.ld == s.cols; }

/* Every given slice (p != NULL) must have the same rows x cols; contiguous
 * slices of the right size are reshaped to the shape of a strided one, so
 * rn_flat(c, n) pairs with a gate rn_chan(G, B, 4nh, HW, k nh, nh). */
static int check(struct rn_backend *be, const char *fn, int n, struct rn_slice *s)
{
  int ref = -1;
  if (be->err)
    return -1;
  for (int i = 0; i < n; i++)
    if (s[i].p && (ref < 0 || !contiguous(s[i])))
      ref = i;
  if (ref < 0)
    return -1;
  for (int i = 0; i < n; i++) {
    if (!s[i].p)
      continue;
    if (s[i].rows < 0 || s[i].cols < 0 || (s[i].rows > 1 && s[i].ld < s[i].cols)) {
      rn_be_fail(be, RN_EINTERNAL, "%s: slice %d is %dx%ld with ld %ld", fn, i, s[i].rows,
                 s[i].cols, s[i].ld);
      return -1;
    }
    if ((s[i].rows != s[ref].rows || s[i].cols != s[ref].cols) && contiguous(s[i]) &&
        (long)s[i].rows * s[i].cols == (long)s[ref].rows * s[ref].cols) {
      s[i].rows = s[ref].rows;
      s[i].cols = s[ref].cols;
      s[i].ld = s[ref].cols;
    }
    if (s[i].rows != s[ref].rows || s[i].cols != s[ref].cols) {
      rn_be_fail(be, RN_EINTERNAL, "%s: slice %d is %dx%ld, slice %d is %dx%ld", fn, i, s[i].rows,
                 s[i].cols, ref, s[ref].rows, s[ref].cols);
      return -1;
    }
  }
  return s[0].p ? 0 : -1;
}

static void unary(struct rn_backend *be, const char *fn, enum rn_unary op, float alpha,
                  float beta, struct rn_slice out, struct rn_slice inp)
{
  struct rn_slice s[2] = {out, inp};
  if (check(be, fn, 2, s) == 0 && inp.p)
    be->ops->unary(be, op, alpha, beta, s[0], s[1]);
}

static void unary_back(struct rn_backend *be, const char *fn, enum rn_unary op, float alpha,
                       struct rn_slice dinp, struct rn_slice dout, struct rn_slice y)
{
  struct rn_slice s[3] = {dinp, dout, y};
  if (check(be, fn, 3, s) == 0 && dout.p && (y.p || op == RN_UN_AFFINE))
    be->ops->unary_backward(be, op, alpha, s[0], s[1], s[2]);
}

void rn_sigmoid_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp)
{
  unary(be, "rn_sigmoid_forward", RN_UN_SIGMOID, 0, 0, out, inp);
}
void rn_sigmoid_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                         struct rn_slice out)
{
  unary_back(be, "rn_sigmoid_backward", RN_UN_SIGMOID, 0, dinp, dout, out);
}
void rn_tanh_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp)
{
  unary(be, "rn_tanh_forward", RN_UN_TANH, 0, 0, out, inp);
}
void rn_tanh_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                      struct rn_slice out)
{
  unary_back(be, "rn_tanh_backward", RN_UN_TANH, 0, dinp, dout, out);
}
void rn_relu_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp)
{
  unary(be, "rn_relu_forward", RN_UN_RELU, 0, 0, out, inp);
}
void rn_relu_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                      struct rn_slice out)
{
  unary_back(be, "rn_relu_backward", RN_UN_RELU, 0, dinp, dout, out);
}
void rn_leaky_relu_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp,
                           float slope)
{
  if (!(slope > 0.0f)) {
    /* the backward reads the sign of the output: a non-positive slope breaks that */
    if (!be->err)
      rn_be_fail(be, RN_EINTERNAL, "rn_leaky_relu_forward: slope %g must be positive", slope);
    return;
  }
  unary(be, "rn_leaky_relu_forward", RN_UN_LEAKY, slope, 0, out, inp);
}
void rn_leaky_relu_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                            struct rn_slice out, float slope)
{
  unary_back(be, "rn_leaky_relu_backward", RN_UN_LEAKY, slope, dinp, dout, out);
}
void rn_affine_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice inp,
                       float alpha, float beta)
{
  unary(be, "rn_affine_forward", RN_UN_AFFINE, alpha, beta, out, inp);
}
void rn_affine_backward(struct rn_backend *be, struct rn_slice dinp, struct rn_slice dout,
                        float alpha)
{
  unary_back(be, "rn_affine_backward", RN_UN_AFFINE, alpha, dinp, dout, none);
}
void rn_copy_slice(struct rn_backend *be, struct rn_slice dst, struct rn_slice src)
{
  unary(be, "rn_copy_slice", RN_UN_AFFINE, 1.0f, 0.0f, dst, src);
}
void rn_acc_slice(struct rn_backend *be, struct rn_slice dst, struct rn_slice src, float alpha)
{
  unary(be, "rn_acc_slice", RN_UN_AXPY, alpha, 0.0f, dst, src);
}

static void binary(struct rn_backend *be, const char *fn, enum rn_binary op, struct rn_slice out,
                   struct rn_slice a, struct rn_slice b)
{
  struct rn_slice s[3] = {out, a, b};
  if (check(be, fn, 3, s) == 0 && a.p && b.p)
    be->ops->binary(be, op, s[0], s[1], s[2]);
}

static void binary_back(struct rn_backend *be, const char *fn, enum rn_binary op,
                        struct rn_slice da, struct rn_slice db, struct rn_slice dout,
                        struct rn_slice a, struct rn_slice b)
{
  struct rn_slice s[5] = {dout, da, db, a, b};
  if (check(be, fn, 5, s) || (!da.p && !db.p))
    return;
  dout = s[0];
  da = s[1];
  db = s[2];
  a = s[3];
  b = s[4];
  if (op == RN_BIN_MUL && ((da.p && !b.p) || (db.p && !a.p))) {
    rn_be_fail(be, RN_EINTERNAL, "%s: the inputs are needed for the gradients", fn);
    return;
  }
  be->ops->binary_backward(be, op, da, db, dout, a, b);
}

void rn_add_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice a,
                    struct rn_slice b)
{
  binary(be, "rn_add_forward", RN_BIN_ADD, out, a, b);
}
void rn_add_backward(struct rn_backend *be, struct rn_slice da, struct rn_slice db,
                     struct rn_slice dout)
{
  binary_back(be, "rn_add_backward", RN_BIN_ADD, da, db, dout, none, none);
}
void rn_sub_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice a,
                    struct rn_slice b)
{
  binary(be, "rn_sub_forward", RN_BIN_SUB, out, a, b);
}
void rn_sub_backward(struct rn_backend *be, struct rn_slice da, struct rn_slice db,
                     struct rn_slice dout)
{
  binary_back(be, "rn_sub_backward", RN_BIN_SUB, da, db, dout, none, none);
}
void rn_mul_forward(struct rn_backend *be, struct rn_slice out, struct rn_slice a,
                    struct rn_slice b)
{
  binary(be, "rn_mul_forward", RN_BIN_MUL, out, a, b);
}
void rn_mul_backward(struct rn_backend *be, struct rn_slice da, struct rn_slice db,
                     struct rn_slice dout, struct rn_slice a, struct rn_slice b)
{
  binary_back(be, "rn_mul_backward", RN_BIN_MUL, da, db, dout, a, b);
}

/* ---- channels ---- */

static int chan_check(struct rn_backend *be, const char *fn, int B, int Ca, int Cb, long HW)
{
  if (be->err)
    return -1;
  if (B < 1 || Ca < 1 || Cb < 1 || HW < 1) {
    rn_be_fail(be, RN_EINTERNAL, "%s: bad shape B=%d Ca=%d Cb=%d HW=%ld", fn, B, Ca, Cb, HW);
    return -1;
  }
  return 0;
}

void rn_concat_forward(struct rn_backend *be, float *out, const float *a, const float *b, int B,
                       int Ca, int Cb, long HW)
{
  if (chan_check(be, "rn_concat_forward", B, Ca, Cb, HW))
    return;
  be->ops->unary(be, RN_UN_AFFINE, 1, 0, rn_chan(out, B, Ca + Cb, HW, 0, Ca),
                 rn_chan(a, B, Ca, HW, 0, Ca));
  be->ops->unary(be, RN_UN_AFFINE, 1, 0, rn_chan(out, B, Ca + Cb, HW, Ca, Cb),
                 rn_chan(b, B, Cb, HW, 0, Cb));
}

void rn_concat_backward(struct rn_backend *be, float *da, float *db, const float *dout, int B,
                        int Ca, int Cb, long HW)
{
  if (chan_check(be, "rn_concat_backward", B, Ca, Cb, HW))
    return;
  if (da)
    be->ops->unary(be, RN_UN_AXPY, 1, 0, rn_chan(da, B, Ca, HW, 0, Ca),
                   rn_chan(dout, B, Ca + Cb, HW, 0, Ca));
  if (db)
    be->ops->unary(be, RN_UN_AXPY, 1, 0, rn_chan(db, B, Cb, HW, 0, Cb),
                   rn_chan(dout, B, Ca + Cb, HW, Ca, Cb));
}

void rn_split_forward(struct rn_backend *be, float *a, float *b, const float *inp, int B, int Ca,
                      int Cb, long HW)
{
  if (chan_check(be, "rn_split_forward", B, Ca, Cb, HW))
    return;
  if (a)
    be->ops->unary(be, RN_UN_AFFINE, 1, 0, rn_chan(a, B, Ca, HW, 0, Ca),
                   rn_chan(inp, B, Ca + Cb, HW, 0, Ca));
  if (b)
    be->ops->unary(be, RN_UN_AFFINE, 1, 0, rn_chan(b, B, Cb, HW, 0, Cb),
                   rn_chan(inp, B, Ca + Cb, HW, Ca, Cb));
}

void rn_split_backward(struct rn_backend *be, float *dinp, const float *da, const float *db,
                       int B, int Ca, int Cb, long HW)
{
  if (chan_check(be, "rn_split_backward", B, Ca, Cb, HW))
    return;
  if (da)
    be->ops->unary(be, RN_UN_AXPY, 1, 0, rn_chan(dinp, B, Ca + Cb, HW, 0, Ca),
                   rn_chan(da, B, Ca, HW, 0, Ca));
  if (db)
    be->ops->unary(be, RN_UN_AXPY, 1, 0, rn_chan(dinp, B, Ca + Cb, HW, Ca, Cb),
                   rn_chan(db, B, Cb, HW, 0, Cb));
}
