/* test_gradcheck.c - every layer's backward pass against finite differences
 * in double precision (on the naive reference, ref.c), then the fast float
 * layer against that reference on the same random inputs. Shapes differ from
 * the PyTorch fixtures on purpose: odd sizes, stride 2, padding, batch > 1. */
#include <radnow/layers.h>
#include <radnow/model.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradcheck.h"
#include "ref.h"
#include "../../models/nn/nnmath.h"

static long failures;

#define VX(c, i) ((c)->v[i].x)
#define VG(c, i) ((c)->v[i].g)

/* ---- convolutions ---- */

static void conv_fwd(struct gc_case *c)
{
  const struct rn_conv *s = (const struct rn_conv *)c->p;
  ref_conv_forward(s, c->y, VX(c, 0), VX(c, 1), c->nv > 2 ? VX(c, 2) : NULL);
}

static void conv_bwd(struct gc_case *c)
{
  const struct rn_conv *s = (const struct rn_conv *)c->p;
  ref_conv_backward(s, VG(c, 0), VG(c, 1), c->nv > 2 ? VG(c, 2) : NULL, c->dy, VX(c, 0),
                    VX(c, 1));
}

static void conv_case(const char *name, struct rn_conv s, int bias)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  const char *op = s.transposed ? "convt2d" : s.D > 1 || s.KD > 1 ? "conv3d" : "conv2d";
  long nx = (long)s.B * s.C * s.D * s.H * s.W, ny = (long)s.B * s.O * s.OD * s.OH * s.OW;
  long nw = (long)s.O * s.C * s.KD * s.KH * s.KW;
  c.layer = name;
  c.forward = conv_fwd;
  c.backward = conv_bwd;
  c.p = &s;
  c.ny = ny;
  c.y = gc_alloc(ny);
  c.dy = gc_randn(ny, -1, 1);
  gc_add(&c, "x", gc_randn(nx, -1, 1), nx);
  gc_add(&c, "w", gc_randn(nw, -0.5, 0.5), nw);
  if (bias)
    gc_add(&c, "b", gc_randn(s.O, -1, 1), s.O);
  failures += gc_fd(&c);
  gc_fix_int(&f, "B", s.B);
  gc_fix_int(&f, "C", s.C);
  gc_fix_int(&f, "D", s.D);
  gc_fix_int(&f, "H", s.H);
  gc_fix_int(&f, "W", s.W);
  gc_fix_int(&f, "O", s.O);
  gc_fix_int(&f, "K", s.KH);
  gc_fix_int(&f, "S", s.SH);
  gc_fix_int(&f, "P", s.PH);
  failures += gc_fast(&c, op, &f, 1e-4, 1e-4);
  gc_free(&c);
}

/* ---- linear ---- */

struct lin {
  int B, N, O;
};

static void lin_fwd(struct gc_case *c)
{
  const struct lin *l = (const struct lin *)c->p;
  ref_linear_forward(c->y, VX(c, 0), VX(c, 1), c->nv > 2 ? VX(c, 2) : NULL, l->B, l->N, l->O);
}

static void lin_bwd(struct gc_case *c)
{
  const struct lin *l = (const struct lin *)c->p;
  ref_linear_backward(VG(c, 0), VG(c, 1), c->nv > 2 ? VG(c, 2) : NULL, c->dy, VX(c, 0),
                      VX(c, 1), l->B, l->N, l->O);
}

static void linear_case(const char *name, int B, int N, int O, int bias)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct lin l = {B, N, O};
  c.layer = name;
  c.forward = lin_fwd;
  c.backward = lin_bwd;
  c.p = &l;
  c.ny = (long)B * O;
  c.y = gc_alloc(c.ny);
  c.dy = gc_randn(c.ny, -1, 1);
  gc_add(&c, "x", gc_randn((long)B * N, -1, 1), (long)B * N);
  gc_add(&c, "w", gc_randn((long)O * N, -1, 1), (long)O * N);
  if (bias)
    gc_add(&c, "b", gc_randn(O, -1, 1), O);
  failures += gc_fd(&c);
  gc_fix_int(&f, "B", B);
  gc_fix_int(&f, "N", N);
  gc_fix_int(&f, "O", O);
  failures += gc_fast(&c, "linear", &f, 1e-4, 1e-5);
  gc_free(&c);
}

/* ---- element-wise ---- */

struct ew {
  const char *op;
  long n;
  double alpha, beta;
};

static void un_fwd(struct gc_case *c)
{
  const struct ew *e = (const struct ew *)c->p;
  ref_unary_forward(e->op, c->y, VX(c, 0), e->n, e->alpha, e->beta);
}
static void un_bwd(struct gc_case *c)
{
  const struct ew *e = (const struct ew *)c->p;
  ref_unary_backward(e->op, VG(c, 0), c->dy, VX(c, 0), e->n, e->alpha);
}

static void unary_case(const char *op, long n, double alpha, double beta)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct ew e = {op, n, alpha, beta};
  double *x = gc_randn(n, -3, 3);
  for (long i = 0; i < n; i++)
    if (fabs(x[i]) < 0.05)
      x[i] += 0.125; /* away from the kink of relu */
  c.layer = op;
  c.forward = un_fwd;
  c.backward = un_bwd;
  c.p = &e;
  c.ny = n;
  c.y = gc_alloc(n);
  c.dy = gc_randn(n, -1, 1);
  gc_add(&c, "x", x, n);
  failures += gc_fd(&c);
  gc_fix_int(&f, "n", (int)n);
  gc_fix_float(&f, "slope", (float)alpha);
  gc_fix_float(&f, "alpha", (float)alpha);
  gc_fix_float(&f, "beta", (float)beta);
  failures += gc_fast(&c, op, &f, 1e-5, 1e-6);
  gc_free(&c);
}

static void bin_fwd(struct gc_case *c)
{
  const struct ew *e = (const struct ew *)c->p;
  ref_binary_forward(e->op, c->y, VX(c, 0), VX(c, 1), e->n);
}
static void bin_bwd(struct gc_case *c)
{
  const struct ew *e = (const struct ew *)c->p;
  ref_binary_backward(e->op, VG(c, 0), VG(c, 1), c->dy, VX(c, 0), VX(c, 1), e->n);
}

static void binary_case(const char *op, long n)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct ew e = {op, n, 0, 0};
  c.layer = op;
  c.forward = bin_fwd;
  c.backward = bin_bwd;
  c.p = &e;
  c.ny = n;
  c.y = gc_alloc(n);
  c.dy = gc_randn(n, -1, 1);
  gc_add(&c, "a", gc_randn(n, -2, 2), n);
  gc_add(&c, "b", gc_randn(n, -2, 2), n);
  failures += gc_fd(&c);
  gc_fix_int(&f, "n", (int)n);
  failures += gc_fast(&c, op, &f, 1e-6, 1e-6);
  gc_free(&c);
}

struct cat {
  int B, Ca, Cb;
  long HW;
};

static void cat_fwd(struct gc_case *c)
{
  const struct cat *k = (const struct cat *)c->p;
  for (int b = 0; b < k->B; b++) {
    memcpy(c->y + (long)b * (k->Ca + k->Cb) * k->HW, VX(c, 0) + (long)b * k->Ca * k->HW,
           sizeof(double) * k->Ca * k->HW);
    memcpy(c->y + ((long)b * (k->Ca + k->Cb) + k->Ca) * k->HW, VX(c, 1) + (long)b * k->Cb * k->HW,
           sizeof(double) * k->Cb * k->HW);
  }
}
static void cat_bwd(struct gc_case *c)
{
  const struct cat *k = (const struct cat *)c->p;
  for (int b = 0; b < k->B; b++) {
    for (long i = 0; i < k->Ca * k->HW; i++)
      VG(c, 0)[(long)b * k->Ca * k->HW + i] += c->dy[(long)b * (k->Ca + k->Cb) * k->HW + i];
    for (long i = 0; i < k->Cb * k->HW; i++)
      VG(c, 1)[(long)b * k->Cb * k->HW + i] +=
          c->dy[((long)b * (k->Ca + k->Cb) + k->Ca) * k->HW + i];
  }
}

static void concat_case(int B, int Ca, int Cb, long HW)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct cat k = {B, Ca, Cb, HW};
  c.layer = "concat";
  c.forward = cat_fwd;
  c.backward = cat_bwd;
  c.p = &k;
  c.ny = (long)B * (Ca + Cb) * HW;
  c.y = gc_alloc(c.ny);
  c.dy = gc_randn(c.ny, -1, 1);
  gc_add(&c, "a", gc_randn((long)B * Ca * HW, -1, 1), (long)B * Ca * HW);
  gc_add(&c, "b", gc_randn((long)B * Cb * HW, -1, 1), (long)B * Cb * HW);
  failures += gc_fd(&c);
  gc_fix_int(&f, "B", B);
  gc_fix_int(&f, "Ca", Ca);
  gc_fix_int(&f, "Cb", Cb);
  gc_fix_int(&f, "HW", (int)HW);
  failures += gc_fast(&c, "concat", &f, 0, 0);
  gc_free(&c);
}

/* split: the variable is x [B, Ca+Cb, HW]; the outputs ya, yb are laid end to
 * end in y, so that one upstream gradient covers both */
static void split_fwd(struct gc_case *c)
{
  const struct cat *k = (const struct cat *)c->p;
  long na = (long)k->B * k->Ca * k->HW;
  for (int b = 0; b < k->B; b++) {
    memcpy(c->y + (long)b * k->Ca * k->HW, VX(c, 0) + (long)b * (k->Ca + k->Cb) * k->HW,
           sizeof(double) * k->Ca * k->HW);
    memcpy(c->y + na + (long)b * k->Cb * k->HW,
           VX(c, 0) + ((long)b * (k->Ca + k->Cb) + k->Ca) * k->HW, sizeof(double) * k->Cb * k->HW);
  }
}
static void split_bwd(struct gc_case *c)
{
  const struct cat *k = (const struct cat *)c->p;
  long na = (long)k->B * k->Ca * k->HW;
  for (int b = 0; b < k->B; b++) {
    for (long i = 0; i < k->Ca * k->HW; i++)
      VG(c, 0)[(long)b * (k->Ca + k->Cb) * k->HW + i] += c->dy[(long)b * k->Ca * k->HW + i];
    for (long i = 0; i < k->Cb * k->HW; i++)
      VG(c, 0)[((long)b * (k->Ca + k->Cb) + k->Ca) * k->HW + i] +=
          c->dy[na + (long)b * k->Cb * k->HW + i];
  }
}

/* finite differences only: the fast split is checked by its fixture, whose
 * outputs are two tensors rather than one */
static void split_case(int B, int Ca, int Cb, long HW)
{
  struct gc_case c = {0};
  struct cat k = {B, Ca, Cb, HW};
  long n = (long)B * (Ca + Cb) * HW;
  c.layer = "split";
  c.forward = split_fwd;
  c.backward = split_bwd;
  c.p = &k;
  c.ny = n;
  c.y = gc_alloc(n);
  c.dy = gc_randn(n, -1, 1);
  gc_add(&c, "x", gc_randn(n, -1, 1), n);
  failures += gc_fd(&c);
  gc_free(&c);
}

/* ---- normalisation ---- */

struct gn {
  int B, C, G, affine;
  long L;
};

static void gn_fwd(struct gc_case *c)
{
  const struct gn *g = (const struct gn *)c->p;
  ref_groupnorm_forward(c->y, VX(c, 0), g->affine ? VX(c, 1) : NULL,
                        g->affine ? VX(c, 2) : NULL, g->B, g->C, g->L, g->G, 1e-5, g->affine);
}
static void gn_bwd(struct gc_case *c)
{
  const struct gn *g = (const struct gn *)c->p;
  ref_groupnorm_backward(VG(c, 0), g->affine ? VG(c, 1) : NULL, g->affine ? VG(c, 2) : NULL,
                         c->dy, VX(c, 0), g->affine ? VX(c, 1) : NULL, g->B, g->C, g->L, g->G,
                         1e-5, g->affine);
}

static void groupnorm_case(const char *name, int B, int C, long L, int G, int affine)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct gn g = {B, C, G, affine, L};
  long n = (long)B * C * L, na = affine == 2 ? (long)C * L : C;
  c.layer = name;
  c.forward = gn_fwd;
  c.backward = gn_bwd;
  c.p = &g;
  c.ny = n;
  c.y = gc_alloc(n);
  c.dy = gc_randn(n, -1, 1);
  gc_add(&c, "x", gc_randn(n, -2, 3), n);
  if (affine) {
    gc_add(&c, "gamma", gc_randn(na, -1.5, 1.5), na);
    gc_add(&c, "beta", gc_randn(na, -1, 1), na);
  }
  failures += gc_fd(&c);
  gc_fix_int(&f, "B", B);
  gc_fix_int(&f, "C", C);
  gc_fix_int(&f, "HW", (int)L);
  gc_fix_int(&f, "G", G);
  gc_fix_int(&f, "affine", affine);
  failures += gc_fast(&c, "groupnorm", &f, 1e-4, 1e-5);
  gc_free(&c);
}

/* ---- pooling, space-to-depth ---- */

struct img {
  int B, C, H, W, p, order, inverse;
};

static void mp_fwd(struct gc_case *c)
{
  const struct img *m = (const struct img *)c->p;
  ref_maxpool2_forward(c->y, VX(c, 0), m->B, m->C, m->H, m->W);
}
static void mp_bwd(struct gc_case *c)
{
  const struct img *m = (const struct img *)c->p;
  ref_maxpool2_backward(VG(c, 0), c->dy, VX(c, 0), m->B, m->C, m->H, m->W);
}

static void maxpool_case(int B, int C, int H, int W)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct img m = {B, C, H, W, 2, 0, 0};
  long n = (long)B * C * H * W;
  c.layer = "maxpool2";
  c.forward = mp_fwd;
  c.backward = mp_bwd;
  c.p = &m;
  c.ny = (long)B * C * (H / 2) * (W / 2);
  c.y = gc_alloc(c.ny);
  c.dy = gc_randn(c.ny, -1, 1);
  gc_add(&c, "x", gc_randn(n, -1, 1), n);
  failures += gc_fd(&c);
  gc_fix_int(&f, "B", B);
  gc_fix_int(&f, "C", C);
  gc_fix_int(&f, "H", H);
  gc_fix_int(&f, "W", W);
  failures += gc_fast(&c, "maxpool2", &f, 0, 0);
  gc_free(&c);
}

static void s2d_fwd(struct gc_case *c)
{
  const struct img *m = (const struct img *)c->p;
  ref_s2d(c->y, VX(c, 0), m->B, m->C, m->H, m->W, m->p, m->order, m->inverse);
}
static void s2d_bwd(struct gc_case *c)
{
  const struct img *m = (const struct img *)c->p;
  ref_s2d_backward(VG(c, 0), c->dy, m->B, m->C, m->H, m->W, m->p, m->order, m->inverse);
}

static void s2d_case(const char *name, int B, int C, int H, int W, int p, int order, int inverse)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct img m = {B, C, H, W, p, order, inverse};
  long n = (long)B * C * H * W;
  c.layer = name;
  c.forward = s2d_fwd;
  c.backward = s2d_bwd;
  c.p = &m;
  c.ny = n;
  c.y = gc_alloc(n);
  c.dy = gc_randn(n, -1, 1);
  gc_add(&c, "x", gc_randn(n, -1, 1), n);
  failures += gc_fd(&c);
  gc_fix_int(&f, "B", B);
  gc_fix_int(&f, "C", C);
  gc_fix_int(&f, "H", H);
  gc_fix_int(&f, "W", W);
  gc_fix_int(&f, "p", p);
  gc_fix_int(&f, "order", order);
  failures += gc_fast(&c, inverse ? "depth_to_space" : "space_to_depth", &f, 0, 0);
  gc_free(&c);
}

/* ---- deformable sampling ---- */

static void df_fwd(struct gc_case *c)
{
  const struct img *m = (const struct img *)c->p;
  ref_deform3_forward(c->y, VX(c, 0), VX(c, 1), VX(c, 2), m->B, m->C, m->H, m->W);
}
static void df_bwd(struct gc_case *c)
{
  const struct img *m = (const struct img *)c->p;
  ref_deform3_backward(VG(c, 0), VG(c, 1), VG(c, 2), c->dy, VX(c, 0), VX(c, 1), VX(c, 2), m->B,
                       m->C, m->H, m->W);
}

/* integer: offsets on the integer grid (zero included), where the floor has
 * its kinks: no finite differences there, but the fast layer must take the
 * same one-sided derivatives as the reference */
static void deform_case(const char *name, int B, int C, int H, int W, double scale, int integer)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct img m = {B, C, H, W, 0, 0, 0};
  long HW = (long)H * W, nx = (long)B * C * HW, no = (long)B * 18 * HW;
  double *off = gc_randn(no, -scale, scale);
  if (integer)
    for (long i = 0; i < no; i++)
      off[i] = i % 3 == 0 ? 0.0 : floor(off[i]);
  c.layer = name;
  c.forward = df_fwd;
  c.backward = df_bwd;
  c.p = &m;
  c.ny = 9 * nx;
  c.y = gc_alloc(c.ny);
  c.dy = gc_randn(c.ny, -1, 1);
  gc_add(&c, "x", gc_randn(nx, -1, 1), nx);
  gc_add(&c, "off", off, no);
  gc_add(&c, "mask", gc_randn((long)B * 9 * HW, 0, 1), (long)B * 9 * HW);
  if (!integer)
    failures += gc_fd(&c);
  gc_fix_int(&f, "B", B);
  gc_fix_int(&f, "C", C);
  gc_fix_int(&f, "H", H);
  gc_fix_int(&f, "W", W);
  failures += gc_fast(&c, "deform3", &f, 1e-4, 1e-5);
  gc_free(&c);
}

/* ---- losses ---- */

struct ls {
  const char *op;
  long n, nb;
  double scale;
};

static double *var_or_null(struct gc_case *c, int i, int g)
{
  return i < c->nv ? (g ? (c->v[i].no_grad ? NULL : c->v[i].g) : c->v[i].x) : NULL;
}

static void ls_fwd(struct gc_case *c)
{
  const struct ls *l = (const struct ls *)c->p;
  c->y[0] = ref_loss_forward(l->op, VX(c, 0), VX(c, 1), var_or_null(c, 2, 0), var_or_null(c, 3, 0),
                             l->n, l->nb, l->scale);
}
static void ls_bwd(struct gc_case *c)
{
  const struct ls *l = (const struct ls *)c->p;
  ref_loss_backward(l->op, var_or_null(c, 0, 1), var_or_null(c, 1, 1), var_or_null(c, 2, 1),
                    var_or_null(c, 3, 1), VX(c, 0), VX(c, 1), var_or_null(c, 2, 0),
                    var_or_null(c, 3, 0), l->n, l->nb, l->scale * c->dy[0]);
}

static void loss_case(const char *name, const char *op, long n, long nb, double scale)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct ls l = {op, n, nb, scale};
  char fop[32];
  c.layer = name;
  c.forward = ls_fwd;
  c.backward = ls_bwd;
  c.p = &l;
  c.ny = 1;
  c.yname = "loss";
  c.y = gc_alloc(1);
  c.dy = gc_randn(1, 0.5, 1.5);
  gc_add(&c, "a", gc_randn(n, -2, 2), n);
  gc_add(&c, "b", gc_randn(n, -2, 2), n);
  if (strcmp(op, "mse") == 0 || strcmp(op, "l1") == 0) {
    c.v[1].no_grad = 1; /* the target */
    for (long i = 0; i < n; i++)
      if (fabs(c.v[0].x[i] - c.v[1].x[i]) < 0.05)
        c.v[0].x[i] += 0.125; /* away from the kink of |a - b| */
  } else if (strcmp(op, "gnll") == 0) {
    c.v[0].no_grad = 1; /* the observation */
    gc_add(&c, "c", gc_randn(nb, -1, 1), nb);
  } else {
    gc_add(&c, "c", gc_randn(nb, -1, 1), nb);
    gc_add(&c, "d", gc_randn(nb, -1, 1), nb);
  }
  failures += gc_fd(&c);
  gc_fix_int(&f, "n", (int)n);
  gc_fix_int(&f, "nb", (int)nb);
  gc_fix_float(&f, "scale", (float)scale);
  snprintf(fop, sizeof fop, "loss_%s", op);
  failures += gc_fast(&c, fop, &f, 1e-5, 1e-6);
  gc_free(&c);
}

/* balanced losses: w(b) (a - b)^2 or w(b) |a - b|, the models' steps */
struct wls {
  int mse;
  long n;
  double scale;
  struct rn_loss_steps st;
};

static double wls_weight(const struct wls *l, double t)
{
  int k = 0;
  while (k < l->st.n && t >= l->st.thr[k])
    k++;
  return l->st.w[k];
}
static void wls_fwd(struct gc_case *c)
{
  const struct wls *l = (const struct wls *)c->p;
  double s = 0;
  for (long i = 0; i < l->n; i++) {
    double d = VX(c, 0)[i] - VX(c, 1)[i];
    s += wls_weight(l, VX(c, 1)[i]) * (l->mse ? d * d : fabs(d));
  }
  c->y[0] = l->scale * s;
}
static void wls_bwd(struct gc_case *c)
{
  const struct wls *l = (const struct wls *)c->p;
  for (long i = 0; i < l->n; i++) {
    double d = VX(c, 0)[i] - VX(c, 1)[i];
    VG(c, 0)[i] += c->dy[0] * l->scale * wls_weight(l, VX(c, 1)[i]) *
                   (l->mse ? 2 * d : (d > 0) - (d < 0));
  }
}

static void wloss_case(const char *name, int mse, long n, double scale)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct wls l = {mse, n, scale, {0}};
  double thr[RN_LOSS_MAXSTEPS], w[RN_LOSS_MAXSTEPS + 1];
  rn_model_loss_steps(mse ? RN_MODEL_LOSS_BMSE : RN_MODEL_LOSS_BMAE, &l.st);
  for (int k = 0; k < l.st.n; k++)
    thr[k] = l.st.thr[k];
  for (int k = 0; k <= l.st.n; k++)
    w[k] = l.st.w[k];
  c.layer = name;
  c.forward = wls_fwd;
  c.backward = wls_bwd;
  c.p = &l;
  c.ny = 1;
  c.yname = "loss";
  c.y = gc_alloc(1);
  c.dy = gc_randn(1, 0.5, 1.5);
  gc_add(&c, "a", gc_randn(n, 0, 0.4), n);
  gc_add(&c, "b", gc_randn(n, 0, 0.4), n);
  c.v[1].no_grad = 1; /* the target */
  for (long i = 0; i < n; i++)
    if (fabs(c.v[0].x[i] - c.v[1].x[i]) < 0.01)
      c.v[0].x[i] += 0.03125; /* away from the kink of |a - b| */
  for (int k = 0; k < l.st.n && k < n; k++)
    c.v[1].x[k] = l.st.thr[k]; /* on a threshold: the weight above it */
  failures += gc_fd(&c);
  gc_fix_int(&f, "n", (int)n);
  gc_fix_int(&f, "nb", (int)n);
  gc_fix_float(&f, "scale", (float)scale);
  gc_fix_tensor(&f, "thr", thr, l.st.n);
  gc_fix_tensor(&f, "w", w, l.st.n + 1);
  failures += gc_fast(&c, mse ? "loss_wmse" : "loss_wl1", &f, 1e-5, 1e-6);
  gc_free(&c);
}

/* ---- reparameterised sampling ---- */

struct gs {
  long n;
  uint64_t seed, offset;
};

static void gs_fwd(struct gc_case *c)
{
  const struct gs *g = (const struct gs *)c->p;
  for (long i = 0; i < g->n; i++)
    c->y[i] = VX(c, 0)[i] + exp(0.5 * VX(c, 1)[i]) * rn_philox_normal(g->seed, g->offset + i);
}
static void gs_bwd(struct gc_case *c)
{
  const struct gs *g = (const struct gs *)c->p;
  for (long i = 0; i < g->n; i++) {
    VG(c, 0)[i] += c->dy[i];
    VG(c, 1)[i] += c->dy[i] * 0.5 * exp(0.5 * VX(c, 1)[i]) * rn_philox_normal(g->seed, g->offset + i);
  }
}

static void gauss_sample_case(long n, uint64_t seed, uint64_t offset)
{
  struct gc_case c = {0};
  struct gc_fix f = {0};
  struct gs g = {n, seed, offset};
  c.layer = "gauss_sample";
  c.forward = gs_fwd;
  c.backward = gs_bwd;
  c.p = &g;
  c.ny = n;
  c.yname = "z";
  c.y = gc_alloc(n);
  c.dy = gc_randn(n, -1, 1);
  gc_add(&c, "mu", gc_randn(n, -1, 1), n);
  gc_add(&c, "logvar", gc_randn(n, -2, 1), n);
  failures += gc_fd(&c);
  gc_fix_int(&f, "n", (int)n);
  gc_fix_int(&f, "seed_lo", (int)(seed & 0x7fffffff));
  gc_fix_int(&f, "seed_hi", (int)(seed >> 31));
  gc_fix_int(&f, "offset_lo", (int)(offset & 0x7fffffff));
  gc_fix_int(&f, "offset_hi", (int)(offset >> 31));
  failures += gc_fast(&c, "gauss_sample", &f, 1e-5, 1e-6);
  gc_free(&c);
}

int main(void)
{
  conv_case("conv2d 5x5 s1 p2", rn_conv2d(3, 4, 7, 5, 6, 5, 1, 2), 1);
  conv_case("conv2d 3x3 s2 p1 no bias", rn_conv2d(2, 3, 8, 9, 4, 3, 2, 1), 0);
  conv_case("conv2d 1x1", rn_conv2d(2, 5, 3, 4, 3, 1, 1, 0), 1);
  conv_case("conv3d 3x3x3 s1 p1", rn_conv3d(2, 2, 3, 4, 5, 3, 3, 1, 1), 1);
  conv_case("conv3d 3x3x3 s2 p0", rn_conv3d(1, 2, 5, 5, 6, 2, 3, 2, 0), 0);
  conv_case("convt2d 4x4 s2 p1", rn_convt2d(2, 3, 4, 5, 2, 4, 2, 1), 1);
  conv_case("convt2d 3x3 s1 p1 no bias", rn_convt2d(2, 2, 5, 4, 3, 3, 1, 1), 0);
  linear_case("linear", 4, 9, 5, 1);
  linear_case("linear no bias", 3, 2, 7, 0);
  unary_case("sigmoid", 57, 0, 0);
  unary_case("tanh", 33, 0, 0);
  unary_case("relu", 40, 0, 0);
  unary_case("leaky_relu", 29, 0.2, 0);
  unary_case("affine", 31, -0.75, 2.0);
  binary_case("add", 23);
  binary_case("sub", 19);
  binary_case("mul", 27);
  concat_case(3, 2, 3, 10);
  split_case(2, 3, 2, 7);
  groupnorm_case("layer norm (MIM)", 2, 5, 12, 1, 1);
  groupnorm_case("layer norm (PredRNN)", 3, 2, 10, 1, 2);
  groupnorm_case("group norm", 2, 6, 7, 3, 1);
  groupnorm_case("group norm, no affine", 2, 4, 9, 2, 0);
  maxpool_case(2, 3, 7, 6);
  s2d_case("space_to_depth (pixel)", 2, 3, 6, 4, 2, 0, 0);
  s2d_case("space_to_depth (patch)", 1, 2, 8, 4, 4, 1, 0);
  s2d_case("depth_to_space (pixel)", 2, 2, 6, 9, 3, 0, 1);
  s2d_case("depth_to_space (patch)", 2, 3, 4, 6, 2, 1, 1);
  deform_case("deform3", 2, 3, 5, 4, 2.5, 0);
  deform_case("deform3, 100-pixel offsets", 1, 2, 6, 5, 100.0, 0);
  deform_case("deform3, integer offsets", 2, 2, 4, 5, 3.0, 1);
  loss_case("mse", "mse", 30, 30, 1.0 / 30);
  loss_case("l1", "l1", 25, 25, 0.5);
  loss_case("gaussian nll", "gnll", 21, 21, 1.0);
  loss_case("gaussian nll, shared var", "gnll", 17, 1, 0.5);
  loss_case("kl", "kl", 19, 19, 1.0);
  loss_case("kl, shared prior", "kl", 23, 1, 0.25);
  wloss_case("balanced mse", 1, 40, 1.0 / 40);
  wloss_case("balanced l1", 0, 36, 0.5);
  gauss_sample_case(37, 99, 12345);
  if (failures)
    printf("%ld failure(s)\n", failures);
  return failures ? 1 : 0;
}
