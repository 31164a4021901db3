/* test_gradcheck.c - every layer's backward pass against finite differences
 * in double precision (on the naive reference, ref.c), then the fast float
 * layer against that reference on the same random inputs. Shapes differ from
 * the PyTorch fixtures on purpose: odd sizes, stride 2, padding, batch > 1. */
#include <radnow/layers.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradcheck.h"
#include "ref.h"

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
  if (failures)
    printf("%ld failure(s)\n", failures);
  return failures ? 1 : 0;
}
