/* conv.c - 2-D and 3-D convolutions and the transposed 2-D convolution, as
 * im2col + one sgemm per chunk of images, written once over the backend table.
 *
 * Forward, for a chunk of nb images (the batch folded into the gemm's N):
 *   col[C*K*K, nb*L] = im2col(inp)                       L = OD*OH*OW
 *   tmp[O, nb*L]     = w[O, C*K*K] col                   (one sgemm)
 *   out[nb, O, L]    = tmp + bias                         (layout move)
 * Backward:
 *   g[O, nb*L] = dout (layout move);  dw += g col^T;  col = w^T g;  dinp += col2im(col)
 * A 1x1 stride-1 convolution skips im2col: the image is its own col. The
 * chunk holds as many images as fit the column limit, so small maps (16x16,
 * the recurrent models' size) make one large gemm per batch. */
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

/* Images per chunk so that per_image floats of scratch each stay under the limit. */
static int chunk(int B, size_t per_image)
{
  size_t n = per_image ? rn_conv_col_limit / per_image : (size_t)B;
  return n < 1 ? 1 : (n > (size_t)B ? B : (int)n);
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
  const long L = (long)s->OD * s->OH * s->OW, R = (long)s->C * s->KD * s->KH * s->KW;
  const long in_img = (long)s->C * s->D * s->H * s->W, out_img = (long)s->O * L;
  const int pw = pointwise(s);
  const int nb = pw ? 1 : chunk(s->B, (size_t)(R + s->O) * L);
  float *col = NULL, *tmp = NULL;
  if (!pw) {
    col = rn_be_work(be, (size_t)(R + (nb > 1 ? s->O : 0)) * nb * L);
    if (!col)
      return;
    tmp = col + R * nb * L;
  }
  for (int b0 = 0; b0 < s->B; b0 += nb) {
    int n = s->B - b0 < nb ? s->B - b0 : nb;
    const float *c = inp + b0 * in_img;
    if (!pw) {
      op->im2col(be, s, col, c, n);
      c = col;
    }
    if (n == 1) {
      float *o = out + b0 * out_img;
      if (bias)
        op->bias_fill(be, o, bias, 1, s->O, L);
      op->gemm(be, 0, 0, s->O, (int)L, (int)R, 1.0f, w, (int)R, c, (int)L, bias ? 1.0f : 0.0f, o,
               (int)L);
    } else {
      op->gemm(be, 0, 0, s->O, (int)(n * L), (int)R, 1.0f, w, (int)R, c, (int)(n * L), 0.0f, tmp,
               (int)(n * L));
      op->from_cn(be, out + b0 * out_img, tmp, n, s->O, L, bias, 0);
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
  const long L = (long)s->OD * s->OH * s->OW, R = (long)s->C * s->KD * s->KH * s->KW;
  const long in_img = (long)s->C * s->D * s->H * s->W, out_img = (long)s->O * L;
  if (dbias)
    op->bias_backward(be, dbias, dout, s->B, s->O, L);
  if (!dinp && !dw)
    return;
  const int pw = pointwise(s);
  const int nb = pw ? 1 : chunk(s->B, (size_t)(R + s->O) * L);
  float *col = NULL, *g = NULL;
  if (!pw || nb > 1) {
    col = rn_be_work(be, (size_t)(R + (nb > 1 ? s->O : 0)) * nb * L);
    if (!col)
      return;
    g = col + R * nb * L;
  }
  for (int b0 = 0; b0 < s->B; b0 += nb) {
    int n = s->B - b0 < nb ? s->B - b0 : nb;
    const long N = n * L;
    const float *gc = dout + b0 * out_img;
    if (n > 1) {
      op->to_cn(be, g, gc, n, s->O, L);
      gc = g;
    }
    if (dw) {
      const float *c = inp + b0 * in_img;
      if (!pw) {
        op->im2col(be, s, col, c, n);
        c = col;
      }
      op->gemm(be, 0, 1, s->O, (int)R, (int)N, 1.0f, gc, (int)N, c, (int)N, 1.0f, dw, (int)R);
    }
    if (dinp) {
      if (pw) {
        op->gemm(be, 1, 0, (int)R, (int)L, s->O, 1.0f, w, (int)R, gc, (int)L, 1.0f,
                 dinp + b0 * in_img, (int)L);
      } else {
        op->gemm(be, 1, 0, (int)R, (int)N, s->O, 1.0f, w, (int)R, gc, (int)N, 0.0f, col, (int)N);
        op->col2im(be, s, dinp + b0 * in_img, col, n);
      }
    }
  }
}

/* Transposed: out = col2im_p(w^T x) with p = plain_of(t), whose input is out. */
static void convt_forward(struct rn_backend *be, const struct rn_conv *t, float *out,
                          const float *inp, const float *w, const float *bias)
{
  const struct rn_backend_ops *op = be->ops;
  const struct rn_conv p = plain_of(t);
  const long Lin = (long)t->D * t->H * t->W, Lout = (long)t->OD * t->OH * t->OW;
  const long R = (long)t->O * t->KD * t->KH * t->KW; /* rows of col: taps of the output */
  const int nb = chunk(t->B, (size_t)(R + t->C) * Lin);
  float *col = rn_be_work(be, (size_t)(R + (nb > 1 ? t->C : 0)) * nb * Lin);
  if (!col)
    return;
  float *xcn = col + R * nb * Lin;
  for (int b0 = 0; b0 < t->B; b0 += nb) {
    int n = t->B - b0 < nb ? t->B - b0 : nb;
    const long N = n * Lin;
    const float *x = inp + b0 * t->C * Lin;
    float *o = out + b0 * t->O * Lout;
    if (n > 1) {
      op->to_cn(be, xcn, x, n, t->C, Lin);
      x = xcn;
    }
    op->gemm(be, 1, 0, (int)R, (int)N, t->C, 1.0f, w, (int)R, x, (int)N, 0.0f, col, (int)N);
    if (bias)
      op->bias_fill(be, o, bias, n, t->O, Lout);
    else
      op->fill(be, o, n * t->O * Lout, 0.0f);
    op->col2im(be, &p, o, col, n);
  }
}

static void convt_backward(struct rn_backend *be, const struct rn_conv *t, float *dinp, float *dw,
                           float *dbias, const float *dout, const float *inp, const float *w)
{
  const struct rn_backend_ops *op = be->ops;
  const struct rn_conv p = plain_of(t);
  const long Lin = (long)t->D * t->H * t->W, Lout = (long)t->OD * t->OH * t->OW;
  const long R = (long)t->O * t->KD * t->KH * t->KW;
  if (dbias)
    op->bias_backward(be, dbias, dout, t->B, t->O, Lout);
  if (!dinp && !dw)
    return;
  const int nb = chunk(t->B, (size_t)(R + t->C) * Lin);
  float *col = rn_be_work(be, (size_t)(R + (nb > 1 ? t->C : 0)) * nb * Lin);
  if (!col)
    return;
  float *xcn = col + R * nb * Lin;
  for (int b0 = 0; b0 < t->B; b0 += nb) {
    int n = t->B - b0 < nb ? t->B - b0 : nb;
    const long N = n * Lin;
    op->im2col(be, &p, col, dout + b0 * t->O * Lout, n);
    if (dw) {
      const float *x = inp + b0 * t->C * Lin;
      if (n > 1) {
        op->to_cn(be, xcn, x, n, t->C, Lin);
        x = xcn;
      }
      op->gemm(be, 0, 1, t->C, (int)R, (int)N, 1.0f, x, (int)N, col, (int)N, 1.0f, dw, (int)R);
    }
    if (dinp) {
      float *dx = dinp + b0 * t->C * Lin;
      if (n == 1) {
        op->gemm(be, 0, 0, t->C, (int)N, (int)R, 1.0f, w, (int)R, col, (int)N, 1.0f, dx, (int)N);
      } else {
        op->gemm(be, 0, 0, t->C, (int)N, (int)R, 1.0f, w, (int)R, col, (int)N, 0.0f, xcn, (int)N);
        op->from_cn(be, dx, xcn, n, t->C, Lin, NULL, 1);
      }
    }
  }
}
