/* conv.c - 2-D and 3-D convolutions and the transposed 2-D convolution, as
 * im2col + sgemm, written once over the backend table.
 *
 * Forward, for a chunk of the output:      L = OD*OH*OW points per image
 *   col[C*K*K, N] = im2col(inp)              (N columns of the chunk)
 *   out[O, N]     = w[O, C*K*K] col (+ bias)  (one sgemm)
 * Backward:
 *   dw += dout col^T;   col = w^T dout;   dinp += col2im(col)
 * A chunk is either several whole images, the batch folded into the gemm's N
 * (small maps: one gemm for a 16x16 batch; the output then goes through a
 * [O, nb*L] buffer), or a range of output rows of one image (large maps: the
 * column buffer stays near cache size and the gemm writes straight into the
 * NCHW output). rn_conv_col_limit (floats of scratch) decides. A 1x1
 * stride-1 convolution skips im2col: the image is its own col. */
#include <radnow/layers.h>

#include "../nn/ops.h"

size_t rn_conv_col_limit = (size_t)4 << 20; /* floats of scratch per chunk (16 MB) */

static int outsize(int in, int k, int s, int p) { return in + 2 * p < k || s < 1 ? 0 : (in + 2 * p - k) / s + 1; }

struct rn_conv rn_conv3d(int B, int C, int D, int H, int W, int O, int K, int S, int P)
{
  struct rn_conv s = {B, C, O, D, H, W, K, K, K, S, S, S, P, P, P, 0, 0, 0, 0};
  s.OD = outsize(D, K, S, P);
  s.OH = outsize(H, K, S, P);
  s.OW = outsize(W, K, S, P);
  return s;
}

struct rn_conv rn_conv2d(int B, int C, int H, int W, int O, int K, int S, int P)
{
  struct rn_conv s = {B, C, O, 1, H, W, 1, K, K, 1, S, S, 0, P, P, 1, 0, 0, 0};
  s.OH = outsize(H, K, S, P);
  s.OW = outsize(W, K, S, P);
  return s;
}

struct rn_conv rn_convt2d(int B, int C, int H, int W, int O, int K, int S, int P)
{
  struct rn_conv s = {B, C, O, 1, H, W, 1, K, K, 1, S, S, 0, P, P, 1, 0, 0, 1};
  s.OH = (H - 1) * S - 2 * P + K;
  s.OW = (W - 1) * S - 2 * P + K;
  return s;
}

/* The plain convolution whose input is the transposed one's output. */
static struct rn_conv plain_of(const struct rn_conv *t)
{
  struct rn_conv s = *t;
  s.C = t->O;
  s.O = t->C;
  s.D = t->OD;
  s.H = t->OH;
  s.W = t->OW;
  s.OD = t->D;
  s.OH = t->H;
  s.OW = t->W;
  s.transposed = 0;
  return s;
}

static int check(struct rn_backend *be, const struct rn_conv *t, const char *fn)
{
  struct rn_conv s = t->transposed ? plain_of(t) : *t;
  if (be->err)
    return -1;
  if (s.B < 1 || s.C < 1 || s.O < 1 || s.D < 1 || s.H < 1 || s.W < 1 || s.KD < 1 || s.KH < 1 ||
      s.KW < 1 || s.SD < 1 || s.SH < 1 || s.SW < 1 || s.PD < 0 || s.PH < 0 || s.PW < 0 ||
      s.OD != outsize(s.D, s.KD, s.SD, s.PD) || s.OH != outsize(s.H, s.KH, s.SH, s.PH) ||
      s.OW != outsize(s.W, s.KW, s.SW, s.PW) || s.OD < 1 || s.OH < 1 || s.OW < 1) {
    rn_be_fail(be, RN_EINTERNAL,
               "%s: bad convolution B=%d C=%d O=%d input %dx%dx%d kernel %dx%dx%d stride %d,%d,%d "
               "padding %d,%d,%d output %dx%dx%d%s",
               fn, t->B, t->C, t->O, t->D, t->H, t->W, t->KD, t->KH, t->KW, t->SD, t->SH, t->SW,
               t->PD, t->PH, t->PW, t->OD, t->OH, t->OW, t->transposed ? " (transposed)" : "");
    return -1;
  }
  return 0;
}

static int pointwise(const struct rn_conv *s)
{
  return s->KD == 1 && s->KH == 1 && s->KW == 1 && s->SD == 1 && s->SH == 1 && s->SW == 1 &&
         s->PD == 0 && s->PH == 0 && s->PW == 0;
}

/* How to cut the work: nb images per gemm (nb > 1: the whole images, with
 * `extra` more floats per column of scratch), or one image in chunks of nr
 * output rows of OW columns; per_col floats of scratch per column. */
static void plan(int B, int NR, long OW, long per_col, long extra, int pw, int *nb, int *nr)
{
  const size_t lim = rn_conv_col_limit, L = (size_t)NR * OW;
  *nb = 1;
  *nr = NR;
  if (pw)
    return;
  if (B > 1 && 2 * (per_col + extra) * L <= lim) {
    size_t n = lim / ((per_col + extra) * L);
    *nb = n > (size_t)B ? B : (int)n;
  } else if (per_col * L > lim) {
    size_t r = lim / (per_col * OW);
    *nr = r < 1 ? 1 : (int)r;
  }
}

static void convt_forward(struct rn_backend *be, const struct rn_conv *t, float *out,
                          const float *inp, const float *w, const float *bias);
static void convt_backward(struct rn_backend *be, const struct rn_conv *t, float *dinp, float *dw,
                           float *dbias, const float *dout, const float *inp, const float *w);

void rn_conv_forward(struct rn_backend *be, const struct rn_conv *s, float *out, const float *inp,
                     const float *w, const float *bias)
{
  const struct rn_backend_ops *op = be->ops;
  if (check(be, s, "rn_conv_forward"))
    return;
  if (s->transposed) {
    convt_forward(be, s, out, inp, w, bias);
    return;
  }
  if (op->conv_forward && op->conv_forward(be, s, out, inp, w, bias) == 0)
    return;
  const int NR = s->OD * s->OH, OW = s->OW, pw = pointwise(s);
  const long L = (long)NR * OW, R = (long)s->C * s->KD * s->KH * s->KW;
  const long in_img = (long)s->C * s->D * s->H * s->W, out_img = (long)s->O * L;
  int nb, nr;
  float *col = NULL, *tmp = NULL;
  plan(s->B, NR, OW, R, s->O, pw, &nb, &nr);
  if (!pw) {
    col = rn_be_work(be, nb > 1 ? (size_t)(R + s->O) * nb * L : (size_t)R * nr * OW);
    if (!col)
      return;
    tmp = col + R * nb * L;
  }
  for (int b0 = 0; b0 < s->B; b0 += nb) {
    const int n = s->B - b0 < nb ? s->B - b0 : nb;
    const float *x = inp + b0 * in_img;
    float *o = out + b0 * out_img;
    if (nb > 1) {
      const long N = n * L;
      op->im2col(be, s, col, x, n, 0, NR);
      op->gemm(be, 0, 0, s->O, (int)N, (int)R, 1.0f, w, (int)R, col, (int)N, 0.0f, tmp, (int)N);
      op->from_cn(be, o, tmp, n, s->O, L, bias, 0);
      continue;
    }
    if (bias)
      op->bias_fill(be, o, bias, 1, s->O, L);
    for (int r0 = 0; r0 < NR; r0 += nr) {
      const int m = NR - r0 < nr ? NR - r0 : nr;
      const long N = (long)m * OW;
      const float *c = x + (long)r0 * OW;
      long ldc = L;
      if (!pw) {
        op->im2col(be, s, col, x, 1, r0, m);
        c = col;
        ldc = N;
      }
      op->gemm(be, 0, 0, s->O, (int)N, (int)R, 1.0f, w, (int)R, c, (int)ldc, bias ? 1.0f : 0.0f,
               o + (long)r0 * OW, (int)L);
    }
  }
}

void rn_conv_backward(struct rn_backend *be, const struct rn_conv *s, float *dinp, float *dw,
                      float *dbias, const float *dout, const float *inp, const float *w)
{
  const struct rn_backend_ops *op = be->ops;
  if (check(be, s, "rn_conv_backward"))
    return;
  if (s->transposed) {
    convt_backward(be, s, dinp, dw, dbias, dout, inp, w);
    return;
  }
  const int NR = s->OD * s->OH, OW = s->OW, pw = pointwise(s);
  const long L = (long)NR * OW, R = (long)s->C * s->KD * s->KH * s->KW;
  const long in_img = (long)s->C * s->D * s->H * s->W, out_img = (long)s->O * L;
  int nb, nr;
  float *col = NULL, *g = NULL;
  if (dbias)
    op->bias_backward(be, dbias, dout, s->B, s->O, L);
  if (dinp && op->conv_backward_data && op->conv_backward_data(be, s, dinp, dout, w) == 0)
    dinp = NULL;
  if (dw && op->conv_backward_weights && op->conv_backward_weights(be, s, dw, dout, inp) == 0)
    dw = NULL;
  if (!dinp && !dw)
    return;
  plan(s->B, NR, OW, R, s->O, pw, &nb, &nr);
  if (!pw) {
    col = rn_be_work(be, nb > 1 ? (size_t)(R + s->O) * nb * L : (size_t)R * nr * OW);
    if (!col)
      return;
    g = col + R * nb * L;
  }
  for (int b0 = 0; b0 < s->B; b0 += nb) {
    const int n = s->B - b0 < nb ? s->B - b0 : nb;
    const float *x = inp + b0 * in_img, *dy = dout + b0 * out_img;
    float *dx = dinp ? dinp + b0 * in_img : NULL;
    if (nb > 1) {
      const long N = n * L;
      op->to_cn(be, g, dy, n, s->O, L);
      if (dw) {
        op->im2col(be, s, col, x, n, 0, NR);
        op->gemm(be, 0, 1, s->O, (int)R, (int)N, 1.0f, g, (int)N, col, (int)N, 1.0f, dw, (int)R);
      }
      if (dx) {
        op->gemm(be, 1, 0, (int)R, (int)N, s->O, 1.0f, w, (int)R, g, (int)N, 0.0f, col, (int)N);
        op->col2im(be, s, dx, col, n, 0, NR);
      }
      continue;
    }
    for (int r0 = 0; r0 < NR; r0 += nr) {
      const int m = NR - r0 < nr ? NR - r0 : nr;
      const long N = (long)m * OW;
      const float *gc = dy + (long)r0 * OW; /* [O, N] with rows L apart */
      if (dw) {
        const float *c = x + (long)r0 * OW;
        long ldc = L;
        if (!pw) {
          op->im2col(be, s, col, x, 1, r0, m);
          c = col;
          ldc = N;
        }
        op->gemm(be, 0, 1, s->O, (int)R, (int)N, 1.0f, gc, (int)L, c, (int)ldc, 1.0f, dw, (int)R);
      }
      if (dx) {
        if (pw) {
          op->gemm(be, 1, 0, (int)R, (int)N, s->O, 1.0f, w, (int)R, gc, (int)L, 1.0f,
                   dx + (long)r0 * OW, (int)L);
        } else {
          op->gemm(be, 1, 0, (int)R, (int)N, s->O, 1.0f, w, (int)R, gc, (int)L, 0.0f, col, (int)N);
          op->col2im(be, s, dx, col, 1, r0, m);
        }
      }
    }
  }
}

/* Transposed: out = col2im_p(w^T x) with p = plain_of(t), whose input is out
 * and whose output rows are the rows of x. */
static void convt_forward(struct rn_backend *be, const struct rn_conv *t, float *out,
                          const float *inp, const float *w, const float *bias)
{
  const struct rn_backend_ops *op = be->ops;
  const struct rn_conv p = plain_of(t);
  const int NR = t->D * t->H, OW = t->W;
  const long Lin = (long)NR * OW, Lout = (long)t->OD * t->OH * t->OW;
  const long R = (long)t->O * t->KD * t->KH * t->KW; /* rows of col: taps of the output */
  int nb, nr;
  /* the backend's pass: the input gradient of p, added to the bias */
  if (op->conv_backward_data) {
    if (bias)
      op->bias_fill(be, out, bias, t->B, t->O, Lout);
    else
      op->fill(be, out, (long)t->B * t->O * Lout, 0.0f);
    if (op->conv_backward_data(be, &p, out, inp, w) == 0)
      return;
  }
  plan(t->B, NR, OW, R, t->C, 0, &nb, &nr);
  float *col = rn_be_work(be, nb > 1 ? (size_t)(R + t->C) * nb * Lin : (size_t)R * nr * OW);
  if (!col)
    return;
  float *xcn = col + R * nb * Lin;
  for (int b0 = 0; b0 < t->B; b0 += nb) {
    const int n = t->B - b0 < nb ? t->B - b0 : nb;
    const float *x = inp + b0 * t->C * Lin;
    float *o = out + b0 * t->O * Lout;
    if (bias)
      op->bias_fill(be, o, bias, n, t->O, Lout);
    else
      op->fill(be, o, n * t->O * Lout, 0.0f);
    if (nb > 1) {
      const long N = n * Lin;
      op->to_cn(be, xcn, x, n, t->C, Lin);
      op->gemm(be, 1, 0, (int)R, (int)N, t->C, 1.0f, w, (int)R, xcn, (int)N, 0.0f, col, (int)N);
      op->col2im(be, &p, o, col, n, 0, NR);
      continue;
    }
    for (int r0 = 0; r0 < NR; r0 += nr) {
      const int m = NR - r0 < nr ? NR - r0 : nr;
      const long N = (long)m * OW;
      op->gemm(be, 1, 0, (int)R, (int)N, t->C, 1.0f, w, (int)R, x + (long)r0 * OW, (int)Lin, 0.0f,
               col, (int)N);
      op->col2im(be, &p, o, col, 1, r0, m);
    }
  }
}

static void convt_backward(struct rn_backend *be, const struct rn_conv *t, float *dinp, float *dw,
                           float *dbias, const float *dout, const float *inp, const float *w)
{
  const struct rn_backend_ops *op = be->ops;
  const struct rn_conv p = plain_of(t);
  const int NR = t->D * t->H, OW = t->W;
  const long Lin = (long)NR * OW, Lout = (long)t->OD * t->OH * t->OW;
  const long R = (long)t->O * t->KD * t->KH * t->KW;
  int nb, nr;
  if (dbias)
    op->bias_backward(be, dbias, dout, t->B, t->O, Lout);
  /* the backend's passes: dw is p's weight gradient (p's output gradient
   * is x), dx is p's forward of dout, added to dx through a buffer */
  if (dw && op->conv_backward_weights && op->conv_backward_weights(be, &p, dw, inp, dout) == 0)
    dw = NULL;
  if (dinp && op->conv_forward) {
    const long n = (long)t->B * t->C * Lin;
    float *tmp = (float *)op->alloc(be, (size_t)n * sizeof(float));
    if (!tmp) {
      rn_be_fail(be, RN_ENOMEM, "rn_conv_backward: out of memory for %ld floats", n);
      return;
    }
    if (op->conv_forward(be, &p, tmp, dout, w, NULL) == 0) {
      op->unary(be, RN_UN_AXPY, 1.0f, 0.0f, rn_flat(dinp, n), rn_flat(tmp, n));
      dinp = NULL;
    }
    op->free(be, tmp);
  }
  if (!dinp && !dw)
    return;
  plan(t->B, NR, OW, R, t->C, 0, &nb, &nr);
  float *col = rn_be_work(be, nb > 1 ? (size_t)(R + t->C) * nb * Lin : (size_t)R * nr * OW);
  if (!col)
    return;
  float *xcn = col + R * nb * Lin;
  for (int b0 = 0; b0 < t->B; b0 += nb) {
    const int n = t->B - b0 < nb ? t->B - b0 : nb;
    const float *x = inp + b0 * t->C * Lin, *dy = dout + b0 * t->O * Lout;
    float *dx = dinp ? dinp + b0 * t->C * Lin : NULL;
    if (nb > 1) {
      const long N = n * Lin;
      op->im2col(be, &p, col, dy, n, 0, NR);
      if (dw) {
        op->to_cn(be, xcn, x, n, t->C, Lin);
        op->gemm(be, 0, 1, t->C, (int)R, (int)N, 1.0f, xcn, (int)N, col, (int)N, 1.0f, dw, (int)R);
      }
      if (dx) {
        op->gemm(be, 0, 0, t->C, (int)N, (int)R, 1.0f, w, (int)R, col, (int)N, 0.0f, xcn, (int)N);
        op->from_cn(be, dx, xcn, n, t->C, Lin, NULL, 1);
      }
      continue;
    }
    for (int r0 = 0; r0 < NR; r0 += nr) {
      const int m = NR - r0 < nr ? NR - r0 : nr;
      const long N = (long)m * OW;
      op->im2col(be, &p, col, dy, 1, r0, m);
      if (dw)
        op->gemm(be, 0, 1, t->C, (int)R, (int)N, 1.0f, x + (long)r0 * OW, (int)Lin, col, (int)N,
                 1.0f, dw, (int)R);
      if (dx)
        op->gemm(be, 0, 0, t->C, (int)N, (int)R, 1.0f, w, (int)R, col, (int)N, 1.0f,
                 dx + (long)r0 * OW, (int)Lin);
    }
  }
}
