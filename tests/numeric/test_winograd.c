/* test_winograd.c - the Winograd convolutions (models/nn/cpu/cpu_winograd.c)
 * against the double-precision reference (tests/numeric/ref.c): forward,
 * input gradient and weight gradient, on kernels 3, 5 and 7, with and
 * without padding, odd sizes (partial tiles), batch > 1, images that span
 * chunks; the gradients are added to what is there, as the layers promise.
 * (Weight gradients of fewer than 64 tiles go to oneDNN: most cases here
 * have more.)
 *
 * Bound: |got - want| <= 5e-5 max|want| + 1e-4 |want| per tensor. The
 * transforms lose one to two decimal digits against the direct convolution
 * (whose float error here is about 1e-6 max|want|); the test prints the
 * largest error relative to max|want| of every pass.
 *
 * Also: transformed weights are kept only while the parameters are held,
 * and a change of the weights under rn_backend_params_changed is seen. */
#include <radnow/backend.h>
#include <radnow/layers.h>

#include <math.h>
#include <stdlib.h>

#include "ref.h"
#include "../unit/test.h"

static double urand(unsigned *s)
{
  *s = *s * 1103515245u + 12345u;
  return ((*s >> 8) & 0xffff) / 32768.0 - 1.0;
}

static void fill(float *f, double *d, long n, unsigned *seed, double scale)
{
  for (long i = 0; i < n; i++) {
    f[i] = (float)(urand(seed) * scale);
    d[i] = f[i];
  }
}

/* max |got - want| / max |want|; counts misses of the bound */
static double compare(const char *what, const float *got, const double *want, long n, int *miss)
{
  double mx = 0.0, err = 0.0;
  for (long i = 0; i < n; i++)
    mx = fmax(mx, fabs(want[i]));
  for (long i = 0; i < n; i++) {
    double d = fabs(got[i] - want[i]);
    err = fmax(err, d);
    if (!(d <= 5e-5 * mx + 1e-4 * fabs(want[i])))
      (*miss)++;
  }
  (void)what;
  return mx > 0 ? err / mx : err;
}

static void one_case(int B, int C, int H, int W, int O, int K, int P)
{
  struct rn_backend *be = NULL;
  struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
  struct rn_conv s = rn_conv2d(B, C, H, W, O, K, 1, P);
  const long nx = (long)B * C * H * W, nw = (long)O * C * K * K, ny = (long)B * O * s.OH * s.OW;
  float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w), *b = malloc(O * sizeof *b);
  float *y = malloc(ny * sizeof *y), *dy = malloc(ny * sizeof *dy);
  float *dx = malloc(nx * sizeof *dx), *dw = malloc(nw * sizeof *dw);
  double *xd = malloc(nx * sizeof *xd), *wd = malloc(nw * sizeof *wd), *bd = malloc(O * sizeof *bd);
  double *yd = calloc(ny, sizeof *yd), *dyd = malloc(ny * sizeof *dyd);
  double *dxd = malloc(nx * sizeof *dxd), *dwd = malloc(nw * sizeof *dwd), *dbd = calloc(O, sizeof *dbd);
  unsigned seed = (unsigned)(B * 7919 + C * 131 + H * 17 + K * 3 + P);
  int miss[3] = {0, 0, 0};

  fill(x, xd, nx, &seed, 1.0);
  fill(w, wd, nw, &seed, 1.0 / sqrt((double)C * K * K));
  fill(b, bd, O, &seed, 0.5);
  fill(dy, dyd, ny, &seed, 1.0);
  fill(dx, dxd, nx, &seed, 0.25); /* gradients start non-zero: they must be added to */
  fill(dw, dwd, nw, &seed, 0.25);

  opt.device = "cpu";
  opt.conv = RN_CONV_WINOGRAD;
  CHECK_OK(rn_backend_open(&be, &opt));
  if (!be)
    return;
  rn_conv_forward(be, &s, y, x, w, b);
  rn_conv_backward(be, &s, dx, dw, NULL, dy, x, w);
  CHECK_OK(rn_backend_sync(be));
  ref_conv_forward(&s, yd, xd, wd, bd);
  ref_conv_backward(&s, dxd, dwd, NULL, dyd, xd, wd);
  double e0 = compare("forward", y, yd, ny, &miss[0]);
  double e1 = compare("input gradient", dx, dxd, nx, &miss[1]);
  double e2 = compare("weight gradient", dw, dwd, nw, &miss[2]);
  printf("B=%d C=%d %dx%d O=%d k=%d pad=%d: max error / max value: forward %.2g, input "
         "gradient %.2g, weight gradient %.2g%s\n",
         B, C, H, W, O, K, P, e0, e1, e2, miss[0] + miss[1] + miss[2] ? "  MISS" : "");
  CHECK(miss[0] == 0);
  CHECK(miss[1] == 0);
  CHECK(miss[2] == 0);

  /* held parameters: a second forward reuses the transformed weights; after
   * rn_backend_params_changed a new weight is seen */
  rn_backend_hold_params(be, 1);
  rn_conv_forward(be, &s, y, x, w, b);
  float first = y[0];
  rn_conv_forward(be, &s, y, x, w, b);
  CHECK(y[0] == first);
  for (long i = 0; i < nw; i++)
    w[i] *= 2.0f;
  rn_backend_params_changed(be);
  rn_conv_forward(be, &s, y, x, w, b);
  CHECK(fabs((y[0] - b[0]) - 2.0 * (first - b[0])) <= 1e-4 * (fabs(first) + 1.0));
  rn_backend_hold_params(be, 0);
  CHECK_OK(rn_backend_sync(be));
  rn_backend_close(be);
  free(x), free(w), free(b), free(y), free(dy), free(dx), free(dw);
  free(xd), free(wd), free(bd), free(yd), free(dyd), free(dxd), free(dwd), free(dbd);
}

int main(void)
{
  one_case(1, 64, 16, 16, 256, 5, 2); /* the recurrent models' gate convolution */
  one_case(2, 16, 16, 16, 64, 5, 2);
  one_case(6, 8, 13, 11, 32, 5, 2);   /* partial tiles */
  one_case(4, 16, 19, 18, 16, 5, 0);  /* no padding */
  one_case(1, 16, 12, 12, 24, 5, 4);  /* padding k - 1 */
  one_case(4, 16, 15, 17, 32, 3, 1);
  one_case(1, 32, 8, 8, 16, 3, 0);
  one_case(3, 8, 11, 9, 40, 7, 3);
  one_case(5, 24, 20, 20, 48, 5, 2);  /* several chunks, blocks across images */
  TEST_DONE();
}
