/* scores.c - contingency tables and the categorical scores of a summed table.
 *
 * An event is dBZ >= threshold. Tables are summed over pixels and cases
 * first; scores come from the summed table (never averaged per case), with
 *   POD  = H / (H + M)                 FAR = F / (H + F)
 *   CSI  = H / (H + M + F)             bias = (H + F) / (H + M)
 *   ETS  = (H - Hr) / (H + M + F - Hr),  Hr = (H + M)(H + F) / N   (= GSS)
 *   HSS  = 2 (H C - M F) / ((H + M)(M + C) + (H + F)(F + C))
 * H hits, M misses, F false alarms, C correct negatives, N = H + M + F + C.
 * A zero denominator gives NaN: the score is undefined, not 0 or 1. */
#include <math.h>

#include "verify_internal.h"

static double ratio(double num, double den)
{
  return den != 0 ? num / den : NAN;
}

void rn_contingency_scores(const struct rn_contingency *t, struct rn_categorical *s)
{
  double h = (double)t->hits, m = (double)t->misses, f = (double)t->false_alarms;
  double c = (double)t->correct_negatives, n = h + m + f + c;
  double hr = n > 0 ? (h + m) * (h + f) / n : NAN;
  s->pod = ratio(h, h + m);
  s->far = ratio(f, h + f);
  s->csi = ratio(h, h + m + f);
  s->bias = ratio(h + f, h + m);
  s->ets = n > 0 ? ratio(h - hr, h + m + f - hr) : NAN;
  s->hss = ratio(2 * (h * c - m * f), (h + m) * (m + c) + (h + f) * (f + c));
}

void rn_scores_accumulate(const float *f, const float *o, const uint8_t *valid, size_t n,
                          const float *thresholds, int nthr, struct rn_contingency *tables)
{
  for (int k = 0; k < nthr; k++) {
    const float q = thresholds[k];
    int64_t h = 0, m = 0, fa = 0, cn = 0;
#pragma omp parallel for reduction(+ : h, m, fa, cn) schedule(static)
    for (size_t i = 0; i < n; i++) {
      if (!valid[i])
        continue;
      int fe = f[i] >= q, oe = o[i] >= q;
      h += fe && oe;
      m += !fe && oe;
      fa += fe && !oe;
      cn += !fe && !oe;
    }
    tables[k].hits += h;
    tables[k].misses += m;
    tables[k].false_alarms += fa;
    tables[k].correct_negatives += cn;
  }
}
