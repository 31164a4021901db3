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

/* ---- element-wise ---- */

static double unary1(const char *op, double x, double alpha, double beta)
{
  if (strcmp(op, "sigmoid") == 0)
    return 1.0 / (1.0 + exp(-x));
  if (strcmp(op, "tanh") == 0)
    return tanh(x);
  if (strcmp(op, "relu") == 0)
    return x > 0 ? x : 0.0;
  if (strcmp(op, "leaky_relu") == 0)
    return x > 0 ? x : alpha * x;
  return alpha * x + beta;
}

static double unary_grad(const char *op, double x, double alpha)
{
  if (strcmp(op, "sigmoid") == 0) {
    double s = 1.0 / (1.0 + exp(-x));
    return s * (1.0 - s);
  }
  if (strcmp(op, "tanh") == 0)
    return 1.0 - tanh(x) * tanh(x);
  if (strcmp(op, "relu") == 0)
    return x > 0 ? 1.0 : 0.0;
  if (strcmp(op, "leaky_relu") == 0)
    return x > 0 ? 1.0 : alpha;
  return alpha;
}

void ref_unary_forward(const char *op, double *y, const double *x, long n, double alpha,
                       double beta)
{
  for (long i = 0; i < n; i++)
    y[i] = unary1(op, x[i], alpha, beta);
}

void ref_unary_backward(const char *op, double *dx, const double *dy, const double *x, long n,
                        double alpha)
{
  for (long i = 0; i < n; i++)
    dx[i] += dy[i] * unary_grad(op, x[i], alpha);
}

void ref_binary_forward(const char *op, double *y, const double *a, const double *b, long n)
{
  for (long i = 0; i < n; i++)
    y[i] = op[0] == 'a' ? a[i] + b[i] : op[0] == 's' ? a[i] - b[i] : a[i] * b[i];
}

void ref_binary_backward(const char *op, double *da, double *db, const double *dy,
                         const double *a, const double *b, long n)
{
  for (long i = 0; i < n; i++) {
    if (da)
      da[i] += op[0] == 'm' ? dy[i] * b[i] : dy[i];
    if (db)
      db[i] += op[0] == 'm' ? dy[i] * a[i] : op[0] == 's' ? -dy[i] : dy[i];
  }
}

/* ---- group norm ---- */

static void stats(const double *x, long n, double eps, double *mean, double *rstd)
{
  double s = 0, v = 0;
  for (long i = 0; i < n; i++)
    s += x[i];
  *mean = s / n;
  for (long i = 0; i < n; i++)
    v += (x[i] - *mean) * (x[i] - *mean);
  *rstd = 1.0 / sqrt(v / n + eps);
}

static double gam(const double *g, int affine, int c, long l, long L)
{
  return affine == 1 ? g[c] : affine == 2 ? g[(long)c * L + l] : 1.0;
}

void ref_groupnorm_forward(double *y, const double *x, const double *gamma, const double *beta,
                           int B, int C, long L, int G, double eps, int affine)
{
  int Cg = C / G;
  for (int b = 0; b < B; b++)
    for (int g = 0; g < G; g++) {
      long off = ((long)b * C + (long)g * Cg) * L, n = (long)Cg * L;
      double m, r;
      stats(x + off, n, eps, &m, &r);
      for (int cc = 0; cc < Cg; cc++)
        for (long l = 0; l < L; l++) {
          int c = g * Cg + cc;
          long i = off + (long)cc * L + l;
          y[i] = (x[i] - m) * r * gam(gamma, affine, c, l, L) +
                 (affine ? gam(beta, affine, c, l, L) : 0.0);
        }
    }
}

/* the textbook gradient: through xhat, the mean and the variance separately */
void ref_groupnorm_backward(double *dx, double *dgamma, double *dbeta, const double *dy,
                            const double *x, const double *gamma, int B, int C, long L, int G,
                            double eps, int affine)
{
  int Cg = C / G;
  for (int b = 0; b < B; b++)
    for (int g = 0; g < G; g++) {
      long off = ((long)b * C + (long)g * Cg) * L, n = (long)Cg * L;
      double m, r, dvar = 0, dmean = 0, sdev = 0;
      stats(x + off, n, eps, &m, &r);
      for (int cc = 0; cc < Cg; cc++)
        for (long l = 0; l < L; l++) {
          int c = g * Cg + cc;
          long i = off + (long)cc * L + l;
          double dxh = dy[i] * gam(gamma, affine, c, l, L);
          dvar += dxh * (x[i] - m) * -0.5 * r * r * r;
          dmean += -dxh * r;
          sdev += x[i] - m;
          if (affine && dgamma) {
            if (affine == 1)
              dgamma[c] += dy[i] * (x[i] - m) * r;
            else
              dgamma[(long)c * L + l] += dy[i] * (x[i] - m) * r;
          }
          if (affine && dbeta) {
            if (affine == 1)
              dbeta[c] += dy[i];
            else
              dbeta[(long)c * L + l] += dy[i];
          }
        }
      dmean += dvar * -2.0 * sdev / n;
      if (dx)
        for (int cc = 0; cc < Cg; cc++)
          for (long l = 0; l < L; l++) {
            int c = g * Cg + cc;
            long i = off + (long)cc * L + l;
            dx[i] += dy[i] * gam(gamma, affine, c, l, L) * r + dvar * 2.0 * (x[i] - m) / n +
                     dmean / n;
          }
    }
}

/* ---- pooling, rearrangement ---- */

static long argmax2(const double *x, long i0, int W)
{
  long idx[4] = {i0, i0 + 1, i0 + W, i0 + W + 1}, best = i0;
  for (int k = 1; k < 4; k++)
    if (x[idx[k]] > x[best])
      best = idx[k];
  return best;
}

void ref_maxpool2_forward(double *y, const double *x, int B, int C, int H, int W)
{
  for (long p = 0; p < (long)B * C; p++)
    for (int i = 0; i < H / 2; i++)
      for (int j = 0; j < W / 2; j++)
        y[(p * (H / 2) + i) * (W / 2) + j] = x[argmax2(x, (p * H + 2 * i) * W + 2 * j, W)];
}

void ref_maxpool2_backward(double *dx, const double *dy, const double *x, int B, int C, int H,
                           int W)
{
  for (long p = 0; p < (long)B * C; p++)
    for (int i = 0; i < H / 2; i++)
      for (int j = 0; j < W / 2; j++)
        dx[argmax2(x, (p * H + 2 * i) * W + 2 * j, W)] += dy[(p * (H / 2) + i) * (W / 2) + j];
}

/* index in the deep tensor [B, C*p*p, H/p, W/p] of x[b, c, h, w] */
static long deep_index(int b, int c, int h, int w, int C, int H, int W, int p, int order)
{
  int i = h % p, j = w % p, oc = order == 0 ? c * p * p + i * p + j : (i * p + j) * C + c;
  return (((long)b * C * p * p + oc) * (H / p) + h / p) * (W / p) + w / p;
}

void ref_s2d(double *y, const double *x, int B, int C, int H, int W, int p, int order,
             int inverse)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++) {
          long li = (((long)b * C + c) * H + h) * W + w, di = deep_index(b, c, h, w, C, H, W, p, order);
          if (inverse)
            y[li] = x[di];
          else
            y[di] = x[li];
        }
}

void ref_s2d_backward(double *dx, const double *dy, int B, int C, int H, int W, int p, int order,
                      int inverse)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++) {
          long li = (((long)b * C + c) * H + h) * W + w, di = deep_index(b, c, h, w, C, H, W, p, order);
          if (inverse)
            dx[di] += dy[li];
          else
            dx[li] += dy[di];
        }
}

/* ---- deformable sampling: value = sum over the integer points q near the
 * sample point of hat(py - qy) hat(px - qx) x[q], hat(t) = max(0, 1 - |t|),
 * x = 0 outside: the hat-function form, not the kernels' floor/corner logic.
 * Where hat has a kink the derivative is the one-sided one from the right
 * (the floor-based kernels take the interval [floor(p), floor(p) + 1]). */
static double hat(double t) { return fabs(t) < 1.0 ? 1.0 - fabs(t) : 0.0; }
static double dhat(double t) { return t >= 0 && t < 1 ? -1.0 : (t >= -1 && t < 0 ? 1.0 : 0.0); }

static void deform_point(const double *xp, int H, int W, double py, double px, double *v,
                         double *vy, double *vx, double gv, double *dxp)
{
  *v = *vy = *vx = 0;
  if (py < -5 || py > H + 5 || px < -5 || px > W + 5)
    return; /* far outside: zero, no gradient */
  int qy0 = (int)floor(py) - 1, qx0 = (int)floor(px) - 1;
  for (int qy = qy0; qy <= qy0 + 3; qy++)
    for (int qx = qx0; qx <= qx0 + 3; qx++) {
      if (qy < 0 || qy >= H || qx < 0 || qx >= W)
        continue;
      double t = py - qy, u = px - qx, xv = xp[(long)qy * W + qx];
      *v += hat(t) * hat(u) * xv;
      *vy += dhat(t) * hat(u) * xv;
      *vx += hat(t) * dhat(u) * xv;
      if (dxp)
        dxp[(long)qy * W + qx] += gv * hat(t) * hat(u);
    }
}

void ref_deform3_forward(double *y, const double *x, const double *off, const double *mask, int B,
                         int C, int H, int W)
{
  long HW = (long)H * W;
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int k = 0; k < 9; k++)
        for (int yy = 0; yy < H; yy++)
          for (int xx = 0; xx < W; xx++) {
            long pix = (long)yy * W + xx;
            double py = yy + k / 3 - 1 + off[((long)b * 18 + k) * HW + pix];
            double px = xx + k % 3 - 1 + off[((long)b * 18 + 9 + k) * HW + pix];
            double v, vy, vx;
            deform_point(x + ((long)b * C + c) * HW, H, W, py, px, &v, &vy, &vx, 0, NULL);
            y[(((long)b * C + c) * 3 * H + 3 * yy + k / 3) * 3 * W + 3 * xx + k % 3] =
                mask[((long)b * 9 + k) * HW + pix] * v;
          }
}

void ref_deform3_backward(double *dx, double *doff, double *dmask, const double *dy,
                          const double *x, const double *off, const double *mask, int B, int C,
                          int H, int W)
{
  long HW = (long)H * W;
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int k = 0; k < 9; k++)
        for (int yy = 0; yy < H; yy++)
          for (int xx = 0; xx < W; xx++) {
            long pix = (long)yy * W + xx;
            double py = yy + k / 3 - 1 + off[((long)b * 18 + k) * HW + pix];
            double px = xx + k % 3 - 1 + off[((long)b * 18 + 9 + k) * HW + pix];
            double m = mask[((long)b * 9 + k) * HW + pix], v, vy, vx;
            double g = dy[(((long)b * C + c) * 3 * H + 3 * yy + k / 3) * 3 * W + 3 * xx + k % 3];
            deform_point(x + ((long)b * C + c) * HW, H, W, py, px, &v, &vy, &vx, g * m,
                         dx ? dx + ((long)b * C + c) * HW : NULL);
            if (dmask)
              dmask[((long)b * 9 + k) * HW + pix] += g * v;
            if (doff) {
              doff[((long)b * 18 + k) * HW + pix] += g * m * vy;
              doff[((long)b * 18 + 9 + k) * HW + pix] += g * m * vx;
            }
          }
}

/* ---- losses ---- */

#define LOG2PI 1.8378770664093454836

static double loss1(const char *op, double a, double b, double c, double d)
{
  if (strcmp(op, "mse") == 0)
    return (a - b) * (a - b);
  if (strcmp(op, "l1") == 0)
    return fabs(a - b);
  if (strcmp(op, "gnll") == 0)
    return 0.5 * (LOG2PI + c + (a - b) * (a - b) / exp(c));
  /* KL(N(a, e^b) || N(c, e^d)) = log(sp/sq) + (sq^2 + (a-c)^2) / (2 sp^2) - 1/2 */
  return 0.5 * (d - b) + (exp(b) + (a - c) * (a - c)) / (2.0 * exp(d)) - 0.5;
}

double ref_loss_forward(const char *op, const double *a, const double *b, const double *c,
                        const double *d, long n, long nb, double scale)
{
  double s = 0;
  long sc = nb == n;
  for (long i = 0; i < n; i++)
    s += loss1(op, a[i], b[i], c ? c[i * sc] : 0, d ? d[i * sc] : 0);
  return scale * s;
}

/* derivatives by hand, per operand */
void ref_loss_backward(const char *op, double *da, double *db, double *dc, double *dd,
                       const double *a, const double *b, const double *c, const double *d, long n,
                       long nb, double scale)
{
  long sc = nb == n;
  for (long i = 0; i < n; i++) {
    double A = a[i], Bv = b[i], Cv = c ? c[i * sc] : 0, Dv = d ? d[i * sc] : 0;
    double ga = 0, gb = 0, gc = 0, gd = 0;
    if (strcmp(op, "mse") == 0) {
      ga = 2 * (A - Bv);
      gb = -ga;
    } else if (strcmp(op, "l1") == 0) {
      ga = A > Bv ? 1 : A < Bv ? -1 : 0;
      gb = -ga;
    } else if (strcmp(op, "gnll") == 0) {
      ga = (A - Bv) / exp(Cv);
      gb = -ga;
      gc = 0.5 - 0.5 * (A - Bv) * (A - Bv) / exp(Cv);
    } else {
      ga = (A - Cv) / exp(Dv);
      gb = -0.5 + exp(Bv) / (2 * exp(Dv));
      gc = -ga;
      gd = 0.5 - (exp(Bv) + (A - Cv) * (A - Cv)) / (2 * exp(Dv));
    }
    if (da) da[i] += scale * ga;
    if (db) db[i] += scale * gb;
    if (dc) dc[i * sc] += scale * gc;
    if (dd) dd[i * sc] += scale * gd;
  }
}
