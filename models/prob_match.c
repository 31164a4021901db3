/* prob_match.c - probability matching (prob_match.h): the nonparametric
 * matching of cumulative distributions that pysteps applies to its
 * extrapolated cascades, after Ebert (2001). A network trained on a mean
 * error forecasts the mean of what may happen: a smooth field whose
 * strongest echoes fade within a few steps. Matching it to the newest
 * observation puts back the observed intensities - the strongest pixels of
 * the forecast take the strongest observed values - without moving
 * anything. */
#include "prob_match.h"

#include <radnow/status.h>

#include <math.h>
#include <stdlib.h>

struct ranked {
  float v;
  unsigned i;
};

static int by_value(const void *a, const void *b)
{
  const struct ranked *x = a, *y = b;
  if (x->v != y->v)
    return x->v < y->v ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static int by_float(const void *a, const void *b)
{
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

enum rn_status rn_prob_match(float *field, const float *ref, size_t n)
{
  struct ranked *r;
  float *sorted;
  size_t m = 0;
  if (n > 0xffffffffu) /* pixel indices are 32 bits */
    return rn_error(RN_EUSAGE, "probability matching: %zu pixels are too many", n);
  r = rn_malloc(sizeof *r * (n ? n : 1), "probability matching");
  sorted = rn_malloc(sizeof *sorted * (n ? n : 1), "probability matching");
  if (!r || !sorted) {
    free(r);
    free(sorted);
    return RN_ENOMEM;
  }
  for (size_t i = 0; i < n; i++)
    if (!isnan(field[i]) && !isnan(ref[i])) {
      r[m].v = field[i];
      r[m].i = (unsigned)i;
      sorted[m++] = ref[i];
    }
  qsort(r, m, sizeof *r, by_value);
  qsort(sorted, m, sizeof *sorted, by_float);
  for (size_t k = 0; k < m; k++)
    field[r[k].i] = sorted[k];
  free(r);
  free(sorted);
  return RN_OK;
}
