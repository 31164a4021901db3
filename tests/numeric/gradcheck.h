/* gradcheck.h - finite differences in double precision, and building an
 * in-memory fixture from the double reference to check the fast layers.
 *
 * A case holds the reference layer's variables (inputs and parameters) with
 * their analytic gradients, an output y and a random upstream gradient dy.
 * gc_fd checks, for a sample of elements of every variable, that
 *   (L(x + h) - L(x - h)) / 2h  ==  dL/dx (from the backward pass)
 * with L = sum(dy * y), computed in double precision. */
#ifndef RADNOW_TEST_GRADCHECK_H
#define RADNOW_TEST_GRADCHECK_H

#include <radnow/tensor.h>

#define GC_MAXVAR 8
#define GC_MAXENT 40

struct gc_var {
  const char *name; /* the fixture name of the variable; its gradient is "d" name */
  double *x, *g;
  long n;
  int no_grad;      /* inputs without a gradient (targets, masks of indices) */
};

struct gc_case {
  const char *layer;
  void (*forward)(struct gc_case *c);  /* y from the variables */
  void (*backward)(struct gc_case *c); /* g += d(sum dy*y)/dx for every variable */
  double *y, *dy;
  long ny;
  const char *yname;                   /* "y" unless set */
  struct gc_var v[GC_MAXVAR];
  int nv;
  void *p;                             /* layer attributes */
  double h, tol;                       /* step (default 1e-5), tolerance (1e-6) */
};

/* Uniform in [lo, hi), exactly representable in float. */
double gc_rand(double lo, double hi);
double *gc_alloc(long n);
double *gc_randn(long n, double lo, double hi);
struct gc_var *gc_add(struct gc_case *c, const char *name, double *x, long n);

/* Finite differences; prints one line; returns the number of failures. */
long gc_fd(struct gc_case *c);

/* An in-memory fixture: op, attributes, every variable, dy, y and the
 * gradients from the reference; then fx_run on the CPU and compare. */
struct gc_fix {
  int n;
  struct rn_tfile_entry e[GC_MAXENT];
};
void gc_fix_int(struct gc_fix *f, const char *name, int v);
void gc_fix_float(struct gc_fix *f, const char *name, float v);
void gc_fix_tensor(struct gc_fix *f, const char *name, const double *x, long n);
/* Compare the fast CPU layer with the reference: runs the forward and
 * backward of c, fills the fixture and checks it. Returns failures. */
long gc_fast(struct gc_case *c, const char *op, struct gc_fix *attrs, double rtol, double atol);

void gc_free(struct gc_case *c);

#endif
