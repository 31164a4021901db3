/* test_prob_match.c - probability matching (models/prob_match.h): a table
 * worked by hand, ties, NaN on either side, and on random fields that the
 * result holds exactly the reference's values in the forecast's order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../models/prob_match.h"
#include "test.h"

static int by_float(const void *a, const void *b)
{
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

int main(void)
{
  /* pixels 0, 1, 4 have data on both sides: forecast 3, 1, 5 (ranks 2, 1,
   * 3), reference 10, 40, 30 (sorted 10, 30, 40) -> 30, 10, 40; pixel 2 (no
   * forecast) and 3 (no reference) keep their values */
  float f[5] = {3, 1, NAN, 2, 5};
  const float r[5] = {10, 40, 20, NAN, 30};
  CHECK_OK(rn_prob_match(f, r, 5));
  CHECK(f[0] == 30 && f[1] == 10 && isnan(f[2]) && f[3] == 2 && f[4] == 40);

  /* ties keep the order of their pixels; a flat forecast takes the
   * reference's values in pixel order */
  float t[4] = {1, 1, 0, 1};
  const float tr[4] = {7, 5, -32, 6};
  CHECK_OK(rn_prob_match(t, tr, 4));
  CHECK(t[2] == -32 && t[0] == 5 && t[1] == 6 && t[3] == 7);

  /* nothing to match */
  CHECK_OK(rn_prob_match(t, tr, 0));

  /* random fields: the same multiset as the reference, the forecast's order */
  enum { N = 20000 };
  float *a = malloc(sizeof *a * N), *b = malloc(sizeof *b * N), *orig = malloc(sizeof *a * N);
  float *s1 = malloc(sizeof *a * N), *s2 = malloc(sizeof *a * N);
  long bad_order = 0, bad_values = 0;
  int m = 0;
  srand(5);
  for (int i = 0; i < N; i++) {
    a[i] = orig[i] = (float)(rand() % 1000) * 0.01f; /* many ties */
    b[i] = -32.0f + (float)(rand() % 200) * 0.5f;
  }
  CHECK_OK(rn_prob_match(a, b, N));
  for (int i = 0; i < N; i++) {
    s1[m] = a[i];
    s2[m++] = b[i];
    if (i > 0 && ((orig[i - 1] < orig[i] && a[i - 1] > a[i]) ||
                  (orig[i - 1] > orig[i] && a[i - 1] < a[i])))
      bad_order++;
  }
  qsort(s1, m, sizeof *s1, by_float);
  qsort(s2, m, sizeof *s2, by_float);
  for (int i = 0; i < m; i++)
    bad_values += s1[i] != s2[i];
  printf("random fields of %d: %ld pairs out of order, %ld values not the reference's\n", N,
         bad_order, bad_values);
  CHECK(bad_order == 0 && bad_values == 0);
  free(a);
  free(b);
  free(orig);
  free(s1);
  free(s2);
  TEST_DONE();
}
