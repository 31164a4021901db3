/* test_patch.c - reshape_patch against PredRNN's numpy reshape/transpose
 * (fixture from tests/tools/patch_fixture.py), against the index formula,
 * and the round trip. */
#include <radnow/patch.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static void check_case(int B, int T, int H, int W, int C, int p, const float *x, const float *y)
{
  size_t n = (size_t)B * T * H * W * C;
  float *out = malloc(n * sizeof *out), *back = malloc(n * sizeof *back);
  int bad_fixture = 0, bad_formula = 0;
  CHECK_OK(rn_reshape_patch(out, x, B, T, H, W, C, p));
  bad_fixture = memcmp(out, y, n * sizeof *out) != 0;
  /* out[b,t,i,j,(py*p + px)*C + c] = in[b,t,i*p + py, j*p + px, c] */
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      for (int i = 0; i < H / p; i++)
        for (int j = 0; j < W / p; j++)
          for (int py = 0; py < p; py++)
            for (int px = 0; px < p; px++)
              for (int c = 0; c < C; c++) {
                size_t o = ((((size_t)b * T + t) * (H / p) + i) * (W / p) + j) * p * p * C +
                           ((size_t)py * p + px) * C + c;
                size_t s = ((((size_t)b * T + t) * H + i * p + py) * W + j * p + px) * C + c;
                bad_formula += out[o] != x[s];
              }
  CHECK_OK(rn_reshape_patch_back(back, out, B, T, H, W, C, p));
  fprintf(stderr, "[%d,%d,%d,%d,%d] p=%d: fixture %s, formula %d mismatches, round trip %s\n", B,
          T, H, W, C, p, bad_fixture ? "DIFFERS" : "equal", bad_formula,
          memcmp(back, x, n * sizeof *x) ? "DIFFERS" : "exact");
  CHECK(!bad_fixture);
  CHECK(bad_formula == 0);
  CHECK(memcmp(back, x, n * sizeof *x) == 0);
  free(out);
  free(back);
}

int main(void)
{
  const char *top = getenv("top_srcdir");
  char path[4096];
  FILE *f;
  int32_t hdr[6];
  int cases = 0;
  float a[4] = {0}, b[4];

  snprintf(path, sizeof path, "%s/tests/numeric/patch_reshape.bin", top ? top : ".");
  f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open\n", path);
    return 1;
  }
  while (fread(hdr, sizeof hdr[0], 1, f) == 1 && hdr[0] != 0) {
    size_t n;
    float *x, *y;
    if (fread(hdr + 1, sizeof hdr[0], 5, f) != 5)
      break;
    n = (size_t)hdr[0] * hdr[1] * hdr[2] * hdr[3] * hdr[4];
    x = malloc(n * sizeof *x);
    y = malloc(n * sizeof *y);
    CHECK(fread(x, sizeof *x, n, f) == n && fread(y, sizeof *y, n, f) == n);
    check_case(hdr[0], hdr[1], hdr[2], hdr[3], hdr[4], hdr[5], x, y);
    free(x);
    free(y);
    cases++;
  }
  fclose(f);
  CHECK(cases == 4);
  CHECK(rn_reshape_patch(b, a, 1, 1, 2, 2, 1, 3) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "not a multiple of the patch size 3");
  CHECK(rn_reshape_patch_back(b, a, 1, 1, 2, 2, 0, 1) == RN_EUSAGE);
  TEST_DONE();
}
