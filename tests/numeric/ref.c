/* ref.c - naive double-precision layers (see ref.h). */
#include "ref.h"

#include <math.h>
#include <string.h>

/* ---- convolutions: one loop nest over (b, o, output point, c, tap) ----
 * For a plain convolution the input point of output p and tap k is
 * p*S - P + k; a transposed convolution is the same relation read the other
 * way (its input is at the "output" side). visit() calls f for every valid
 * (input index, output index, weight index) triple. */
struct cv {
  const struct rn_conv *s;
  long nin, nout;
};

typedef void (*visit_fn)(void *ctx, long xi, long yi, long wi);

static void visit(const struct rn_conv *s, visit_fn f, void *ctx)
{
  /* sizes of the "small" side (plain: output; transposed: input) and "large" side */
  int Cin = s->C, Cout = s->O;
  int LD = s->transposed ? s->OD : s->D, LH = s->transposed ? s->OH : s->H,
      LW = s->transposed ? s->OW : s->W;
  int SD = s->transposed ? s->D : s->OD, SH = s->transposed ? s->H : s->OH,
      SW = s->transposed ? s->W : s->OW;
  for (int b = 0; b < s->B; b++)
    for (int o = 0; o < Cout; o++)
      for (int c = 0; c < Cin; c++)
        for (int pd = 0; pd < SD; pd++)
          for (int ph = 0; ph < SH; ph++)
            for (int pw = 0; pw < SW; pw++)
              for (int kd = 0; kd < s->KD; kd++)
                for (int kh = 0; kh < s->KH; kh++)
                  for (int kw = 0; kw < s->KW; kw++) {
                    int ld = pd * s->SD - s->PD + kd, lh = ph * s->SH - s->PH + kh,
                        lw = pw * s->SW - s->PW + kw;
                    if (ld < 0 || ld >= LD || lh < 0 || lh >= LH || lw < 0 || lw >= LW)
                      continue;
                    long large, small, wi;
                    if (!s->transposed) {
                      large = ((((long)b * Cin + c) * LD + ld) * LH + lh) * LW + lw; /* x */
                      small = ((((long)b * Cout + o) * SD + pd) * SH + ph) * SW + pw; /* y */
                      wi = ((((long)o * Cin + c) * s->KD + kd) * s->KH + kh) * s->KW + kw;
                      f(ctx, large, small, wi);
                    } else {
                      large = ((((long)b * Cout + o) * LD + ld) * LH + lh) * LW + lw; /* y */
                      small = ((((long)b * Cin + c) * SD + pd) * SH + ph) * SW + pw;  /* x */
                      wi = ((((long)c * Cout + o) * s->KD + kd) * s->KH + kh) * s->KW + kw;
                      f(ctx, small, large, wi);
                    }
                  }
}

struct fwd_ctx {
  double *y;
  const double *x, *w;
};
static void fwd_visit(void *ctx, long xi, long yi, long wi)
{
  struct fwd_ctx *c = (struct fwd_ctx *)ctx;
  c->y[yi] += c->x[xi] * c->w[wi];
}

void ref_conv_forward(const struct rn_conv *s, double *y, const double *x, const double *w,
                      const double *b)
{
  long L = (long)s->OD * s->OH * s->OW;
  struct fwd_ctx c = {y, x, w};
  for (int bb = 0; bb < s->B; bb++)
    for (int o = 0; o < s->O; o++)
      for (long l = 0; l < L; l++)
        y[((long)bb * s->O + o) * L + l] = b ? b[o] : 0.0;
  visit(s, fwd_visit, &c);
}

struct bwd_ctx {
  double *dx, *dw;
  const double *dy, *x, *w;
};
static void bwd_visit(void *ctx, long xi, long yi, long wi)
{
  struct bwd_ctx *c = (struct bwd_ctx *)ctx;
  if (c->dx)
    c->dx[xi] += c->dy[yi] * c->w[wi];
  if (c->dw)
    c->dw[wi] += c->dy[yi] * c->x[xi];
}

void ref_conv_backward(const struct rn_conv *s, double *dx, double *dw, double *db,
                       const double *dy, const double *x, const double *w)
{
  long L = (long)s->OD * s->OH * s->OW;
  struct bwd_ctx c = {dx, dw, dy, x, w};
  if (db)
    for (int bb = 0; bb < s->B; bb++)
      for (int o = 0; o < s->O; o++)
        for (long l = 0; l < L; l++)
          db[o] += dy[((long)bb * s->O + o) * L + l];
  visit(s, bwd_visit, &c);
}

/* ---- linear ---- */

void ref_linear_forward(double *y, const double *x, const double *w, const double *b, int B,
                        int N, int O)
{
  for (int i = 0; i < B; i++)
    for (int o = 0; o < O; o++) {
      double acc = b ? b[o] : 0.0;
      for (int n = 0; n < N; n++)
        acc += x[(long)i * N + n] * w[(long)o * N + n];
      y[(long)i * O + o] = acc;
    }
}

void ref_linear_backward(double *dx, double *dw, double *db, const double *dy, const double *x,
                         const double *w, int B, int N, int O)
{
  for (int i = 0; i < B; i++)
    for (int o = 0; o < O; o++) {
      double g = dy[(long)i * O + o];
      if (db)
        db[o] += g;
      for (int n = 0; n < N; n++) {
        if (dx)
          dx[(long)i * N + n] += g * w[(long)o * N + n];
        if (dw)
          dw[(long)o * N + n] += g * x[(long)i * N + n];
      }
    }
}
