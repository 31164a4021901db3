/* conv.cu - convolution helpers (mirrors cpu_conv.c): im2col with one thread
 * per column element, col2im as a gather (one thread per input element, no
 * atomics, deterministic), layout moves and bias. */
#include "config.h"

#include "cuda.h"

struct geom {
  int C, D, H, W, KD, KH, KW, SD, SH, SW, PD, PH, PW, OD, OH, OW;
};

static struct geom geom_of(const struct rn_conv *s)
{
  struct geom g = {s->C,  s->D,  s->H,  s->W,  s->KD, s->KH, s->KW, s->SD,
                   s->SH, s->SW, s->PD, s->PH, s->PW, s->OD, s->OH, s->OW};
  return g;
}

/* rows r0..r0+nr-1 of each image: column (b*nr + q)*OW + ow */
__global__ static void k_im2col(struct geom g, float *col, const float *inp, int nb, int r0,
                                int nr)
{
  const long L = (long)nr * g.OW, R = (long)g.C * g.KD * g.KH * g.KW;
  const long n = R * nb * L;
  RN_GRID_LOOP(t, n)
  {
    long r = t / (nb * L), j = t % (nb * L), b = j / L, l = j % L;
    int ow = (int)(l % g.OW), q = (int)(l / g.OW) + r0, oh = q % g.OH, od = q / g.OH;
    int kw = (int)(r % g.KW), kh = (int)(r / g.KW % g.KH), kd = (int)(r / ((long)g.KW * g.KH) % g.KD);
    int c = (int)(r / ((long)g.KW * g.KH * g.KD));
    int id = od * g.SD - g.PD + kd, ih = oh * g.SH - g.PH + kh, iw = ow * g.SW - g.PW + kw;
    float v = 0.0f;
    if (id >= 0 && id < g.D && ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
      v = inp[(((b * g.C + c) * g.D + id) * (long)g.H + ih) * g.W + iw];
    col[t] = v;
  }
}

void rn_cu_im2col(struct rn_backend *be, const struct rn_conv *s, float *col, const float *inp,
                  int nb, int r0, int nr)
{
  long n = (long)s->C * s->KD * s->KH * s->KW * nb * nr * s->OW;
  RN_LAUNCH(k_im2col, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, geom_of(s), col, inp, nb, r0, nr);
  rn_cuda_check(be, "im2col");
}

/* inp += the taps of output rows r0..r0+nr-1 that read this element: a
 * gather, one thread per input element, deterministic */
__global__ static void k_col2im(struct geom g, float *inp, const float *col, int nb, int r0,
                                int nr)
{
  const long L = (long)nr * g.OW, ldc = nb * L;
  const long n = (long)nb * g.C * g.D * g.H * g.W;
  RN_GRID_LOOP(t, n)
  {
    int iw = (int)(t % g.W), ih = (int)(t / g.W % g.H), id = (int)(t / ((long)g.W * g.H) % g.D);
    long bc = t / ((long)g.W * g.H * g.D);
    int c = (int)(bc % g.C);
    long b = bc / g.C;
    float acc = 0.0f;
    for (int kd = 0; kd < g.KD; kd++) {
      int od = id + g.PD - kd;
      if (od < 0 || od % g.SD)
        continue;
      od /= g.SD;
      if (od >= g.OD)
        continue;
      for (int kh = 0; kh < g.KH; kh++) {
        int oh = ih + g.PH - kh;
        if (oh < 0 || oh % g.SH)
          continue;
        oh /= g.SH;
        int q = od * g.OH + oh - r0;
        if (oh >= g.OH || q < 0 || q >= nr)
          continue;
        for (int kw = 0; kw < g.KW; kw++) {
          int ow = iw + g.PW - kw;
          if (ow < 0 || ow % g.SW)
            continue;
          ow /= g.SW;
          if (ow >= g.OW)
            continue;
          long r = (((long)c * g.KD + kd) * g.KH + kh) * g.KW + kw;
          acc += col[r * ldc + b * L + (long)q * g.OW + ow];
        }
      }
    }
    inp[t] += acc;
  }
}

void rn_cu_col2im(struct rn_backend *be, const struct rn_conv *s, float *inp, const float *col,
                  int nb, int r0, int nr)
{
  long n = (long)nb * s->C * s->D * s->H * s->W;
  RN_LAUNCH(k_col2im, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, geom_of(s), inp, col, nb, r0, nr);
  rn_cuda_check(be, "col2im");
}

/* dst[c, b*L + l] = src[b, c, l] */
__global__ static void k_to_cn(float *dst, const float *src, int nb, int C, long L)
{
  long n = (long)nb * C * L;
  RN_GRID_LOOP(t, n)
  {
    long l = t % L, c = t / L % C, b = t / (L * C);
    dst[(c * nb + b) * L + l] = src[t];
  }
}

void rn_cu_to_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L)
{
  long n = (long)nb * C * L;
  RN_LAUNCH(k_to_cn, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, dst, src, nb, C, L);
  rn_cuda_check(be, "layout move");
}

__global__ static void k_from_cn(float *dst, const float *src, int nb, int C, long L,
                                 const float *bias, int acc)
{
  long n = (long)nb * C * L;
  RN_GRID_LOOP(t, n)
  {
    long l = t % L, c = t / L % C, b = t / (L * C);
    float v = src[(c * nb + b) * L + l] + (bias ? bias[c] : 0.0f);
    if (acc)
      dst[t] += v;
    else
      dst[t] = v;
  }
}

void rn_cu_from_cn(struct rn_backend *be, float *dst, const float *src, int nb, int C, long L,
                   const float *bias, int accumulate)
{
  long n = (long)nb * C * L;
  RN_LAUNCH(k_from_cn, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, dst, src, nb, C, L, bias,
                                                                accumulate);
  rn_cuda_check(be, "layout move");
}

__global__ static void k_bias_fill(float *x, const float *bias, int C, long L, long n)
{
  RN_GRID_LOOP(t, n) x[t] = bias[t / L % C];
}

void rn_cu_bias_fill(struct rn_backend *be, float *x, const float *bias, int B, int C, long L)
{
  long n = (long)B * C * L;
  RN_LAUNCH(k_bias_fill, rn_blocks(n), RN_THREADS, RN_CU(be)->stream, x, bias, C, L, n);
  rn_cuda_check(be, "bias");
}

/* one block per channel */
__global__ static void k_bias_backward(float *dbias, const float *dout, int B, int C, long L)
{
  int c = blockIdx.x;
  double acc = 0.0;
  for (long t = threadIdx.x; t < (long)B * L; t += blockDim.x)
    acc += dout[((t / L) * C + c) * L + t % L];
  acc = rn_block_sum(acc);
  if (threadIdx.x == 0)
    dbias[c] += (float)acc;
}

void rn_cu_bias_backward(struct rn_backend *be, float *dbias, const float *dout, int B, int C,
                         long L)
{
  RN_LAUNCH(k_bias_backward, C, RN_THREADS, RN_CU(be)->stream, dbias, dout, B, C, L);
  rn_cuda_check(be, "bias backward");
}
