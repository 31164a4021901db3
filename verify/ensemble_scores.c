/* ensemble_scores.c - scores of an M-member ensemble at every verified pixel.
 *
 * CRPS, fair estimator (Ferro 2014): for members x_1..x_M and observation y
 *   CRPS = 1/M sum_i |x_i - y| - 1/(2 M (M - 1)) sum_i sum_j |x_i - x_j|
 * which is 0 for a perfect ensemble and |x - y| when all members equal x.
 * The double sum is taken over the sorted members:
 *   sum_i sum_j |x_i - x_j| = 2 sum_i (2 i - M - 1) x_(i),  i = 1..M.
 * Probabilities P(dBZ >= q) = k / M with k members at or above q; the sums
 * kept are the numbers of pixels with each k where the observation is and
 * is not an event, from which come the Brier score, the reliability table
 * (one row per k) and the ROC curve (warn when k >= k0, for every k0).
 * Rank histogram: the rank of the observation among the members (M + 1
 * bins), ties broken at random (a fixed hash, so runs repeat), over pixels
 * where the observation or a member has an echo (all-no-echo pixels would
 * fill the middle bins with ties and say nothing).
 * Spread: the ensemble variance (divided by M - 1) summed over pixels. */
#include <math.h>

#include "verify_internal.h"

double rn_crps_fair_sorted(const float *x, int m, float y)
{
  double abs_sum = 0, pair = 0;
  for (int i = 0; i < m; i++) {
    abs_sum += fabs((double)x[i] - (double)y);
    pair += (double)(2 * (i + 1) - m - 1) * (double)x[i];
  }
  return abs_sum / m - pair / ((double)m * (m - 1));
}

static inline void sort_small(float *x, int m)
{
  for (int i = 1; i < m; i++) {
    float v = x[i];
    int j = i - 1;
    while (j >= 0 && x[j] > v) {
      x[j + 1] = x[j];
      j--;
    }
    x[j + 1] = v;
  }
}

static inline uint32_t hash32(uint64_t v)
{
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdULL;
  v ^= v >> 33;
  v *= 0xc4ceb9fe1a85ec53ULL;
  v ^= v >> 33;
  return (uint32_t)v;
}

void rn_ensemble_accumulate(const float *const *members, int m, const float *obs,
                            const uint8_t *valid, size_t n, const float *thresholds, int nthr,
                            struct rn_vcell *c, float *mean)
{
  const int nb = m + 1;
  const float floor_ = RN_DBZ_NOECHO;
  int64_t *rank = c->rank, *pe = c->prob_event, *pn = c->prob_none;
  double crps = 0, var = 0;
  int64_t ranked = 0;
  const uint64_t seed = (uint64_t)c->n_cases * 0x9e3779b97f4a7c15ULL;

#pragma omp parallel for reduction(+ : crps, var, ranked, rank[:nb], pe[:nthr * nb],            \
                                       pn[:nthr * nb]) schedule(static, 4096)
  for (size_t i = 0; i < n; i++) {
    float x[RN_VERIFY_MAX_MEMBERS];
    double s = 0, s2 = 0, mu;
    float mx = floor_, y;
    if (!valid[i])
      continue;
    for (int k = 0; k < m; k++) {
      float v = members[k][i];
      v = v < floor_ ? floor_ : v;
      x[k] = v;
      s += v;
      mx = v > mx ? v : mx;
    }
    mu = s / m;
    mean[i] = (float)mu;
    y = obs[i] < floor_ ? floor_ : obs[i];
    if (mx <= floor_ && y <= floor_) {
      /* no echo anywhere: CRPS and spread 0, not ranked */
      for (int k = 0; k < nthr; k++) {
        int ev = floor_ >= thresholds[k];
        (ev ? pe : pn)[k * nb + (ev ? m : 0)]++;
      }
      continue;
    }
    for (int k = 0; k < m; k++)
      s2 += ((double)x[k] - mu) * ((double)x[k] - mu);
    var += s2 / (m - 1);
    sort_small(x, m);
    crps += rn_crps_fair_sorted(x, m, y);
    {
      int below = 0, equal = 0;
      while (below < m && x[below] < y)
        below++;
      while (below + equal < m && x[below + equal] == y)
        equal++;
      rank[below + (equal ? (int)(hash32(seed + i) % (uint32_t)(equal + 1)) : 0)]++;
      ranked++;
    }
    for (int k = 0; k < nthr; k++) {
      int below = 0;
      while (below < m && x[below] < thresholds[k])
        below++;
      (y >= thresholds[k] ? pe : pn)[k * nb + (m - below)]++;
    }
  }
  c->crps_sum += crps;
  c->var_sum += var;
  c->rank_pixels += ranked;
}

double rn_roc_area(const int64_t *event, const int64_t *none, int m)
{
  double ne = 0, nn = 0, area = 0, h0 = 0, f0 = 0, he = 0, fe = 0;
  for (int k = 0; k <= m; k++) {
    ne += (double)event[k];
    nn += (double)none[k];
  }
  if (ne == 0 || nn == 0)
    return NAN;
  /* Points (F, H) for "warn when k >= k0", from k0 = M + 1 (0, 0) down to 0 (1, 1). */
  for (int k = m; k >= 0; k--) {
    he += (double)event[k];
    fe += (double)none[k];
    double h = he / ne, f = fe / nn;
    area += 0.5 * (f - f0) * (h + h0);
    h0 = h;
    f0 = f;
  }
  return area;
}
