/* ensemble_scores.c - scores of an M-member ensemble at every verified pixel.
 *
 * CRPS, fair estimator (Ferro 2014): for members x_1..x_M and observation y
 *   CRPS = 1/M sum_i |x_i - y| - 1/(2 M (M - 1)) sum_i sum_j |x_i - x_j|
 * which is 0 for a perfect ensemble and |x - y| when all members equal x.
 * Up to 48 members the double sum is taken directly over member pairs, 16
 * pixels at a time (branch-free and vectorised: faster than sorting 20
 * values per pixel); larger ensembles sort the members and use
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

/* The ensemble of one pixel is scored from these per-pixel facts. */
struct pixel_stats {
  double abs_sum;  /* sum_i |x_i - y| */
  double pair_sum; /* sum_i sum_j |x_i - x_j| */
  double var;      /* sum_i (x_i - mean)^2 */
  int below, equal;                      /* members < y, == y */
  int exceed[RN_VERIFY_MAX_THRESHOLDS];  /* members >= threshold */
};

/* Add one pixel's facts to the sums; pixel index i seeds the tie-break. */
static inline void add_pixel(const struct pixel_stats *p, int m, float y, const float *thresholds,
                             int nthr, uint64_t seed, size_t i, double *crps, double *var,
                             int64_t *ranked, int64_t *rank, int64_t *pe, int64_t *pn)
{
  const int nb = m + 1;
  *crps += p->abs_sum / m - p->pair_sum / (2.0 * m * (m - 1));
  *var += p->var / (m - 1);
  rank[p->below + (p->equal ? (int)(hash32(seed + i) % (uint32_t)(p->equal + 1)) : 0)]++;
  (*ranked)++;
  for (int k = 0; k < nthr; k++)
    (y >= thresholds[k] ? pe : pn)[k * nb + p->exceed[k]]++;
}

/* Pixels at or below the floor in the observation and every member:
 * CRPS and spread 0, not ranked, probability 0 (or 1 for a threshold at
 * or below the floor). */
static inline void add_calm(int m, const float *thresholds, int nthr, int64_t *pe, int64_t *pn)
{
  const int nb = m + 1;
  for (int k = 0; k < nthr; k++) {
    int ev = RN_DBZ_NOECHO >= thresholds[k];
    (ev ? pe : pn)[k * nb + (ev ? m : 0)]++;
  }
}

/* Small ensembles: blocks of EB pixels side by side, so every member loop
 * runs over EB lanes (vectorised); the double sum over member pairs is
 * computed directly, M (M - 1) / 2 differences with no sorting. */
#define EB 16
#define PAIRWISE_MAX 48

/* The block kernel is also compiled for AVX2 where GCC can pick the variant
 * at load time (x86-64): twice the lanes of the SSE2 baseline. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define RN_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RN_SIMD_CLONES
#endif

struct block_job {
  const float *const *members;
  const float *obs;
  uint8_t *valid;
  const float *thresholds;
  float *mean;
  size_t n;
  int m, nthr;
  uint64_t seed;
};

/* Score the pixels of block blk into the sums (the caller's private copies). */
RN_SIMD_CLONES
static void score_block(const struct block_job *j, size_t blk, double *crps, double *var,
                        int64_t *ranked, int64_t *rank, int64_t *pe, int64_t *pn)
{
  const float floor_ = RN_DBZ_NOECHO;
  const int m = j->m, nthr = j->nthr;
  const size_t i0 = blk * EB, len = j->n - i0 < EB ? j->n - i0 : EB;
  float x[PAIRWISE_MAX][EB], y[EB], mu[EB], mx[EB];
  float abs_sum[EB], pair[EB], dev[EB], sq[EB], below[EB], equal[EB];
  float exceed[RN_VERIFY_MAX_THRESHOLDS][EB];
  int any = 0;
  for (int p = 0; p < EB; p++) {
    float v = (size_t)p < len ? j->obs[i0 + p] : floor_;
    y[p] = v < floor_ ? floor_ : v; /* NaN stays NaN: the pixel is not valid */
    mu[p] = 0;
    mx[p] = floor_;
  }
  for (int k = 0; k < m; k++) {
    const float *src = j->members[k] + i0;
    if (len == EB) {
#pragma omp simd
      for (int p = 0; p < EB; p++) {
        float v = src[p] < floor_ ? floor_ : src[p];
        x[k][p] = v;
        mu[p] += v;
        mx[p] = v > mx[p] ? v : mx[p];
      }
    } else {
      for (int p = 0; p < EB; p++) {
        float v = (size_t)p < len ? (src[p] < floor_ ? floor_ : src[p]) : floor_;
        x[k][p] = v;
        mu[p] += v;
        mx[p] = v > mx[p] ? v : mx[p];
      }
    }
  }
  for (int p = 0; p < (int)len; p++) {
    mu[p] /= (float)m;
    /* a nodata member makes the mean NaN */
    j->valid[i0 + p] = !isnan(mu[p]) && !isnan(y[p]);
    j->mean[i0 + p] = j->valid[i0 + p] ? mu[p] : floor_;
    if (!j->valid[i0 + p])
      continue;
    if (mx[p] <= floor_ && y[p] <= floor_)
      add_calm(m, j->thresholds, nthr, pe, pn);
    else
      any = 1;
  }
  if (!any)
    return;
  for (int p = 0; p < EB; p++)
    abs_sum[p] = pair[p] = dev[p] = sq[p] = below[p] = equal[p] = 0;
  for (int q = 0; q < nthr; q++)
    for (int p = 0; p < EB; p++)
      exceed[q][p] = 0;
  for (int k = 0; k < m; k++) {
#pragma omp simd
    for (int p = 0; p < EB; p++) {
      /* deviations from member 0: identical members give exactly 0 */
      float v = x[k][p], d = v - x[0][p];
      abs_sum[p] += fabsf(v - y[p]);
      dev[p] += d;
      sq[p] += d * d;
      below[p] += v < y[p] ? 1.f : 0.f;
      equal[p] += v == y[p] ? 1.f : 0.f;
    }
    for (int q = 0; q < nthr; q++) {
      const float t = j->thresholds[q];
#pragma omp simd
      for (int p = 0; p < EB; p++)
        exceed[q][p] += x[k][p] >= t ? 1.f : 0.f;
    }
    for (int i = k + 1; i < m; i++) {
#pragma omp simd
      for (int p = 0; p < EB; p++)
        pair[p] += fabsf(x[k][p] - x[i][p]);
    }
  }
  for (int p = 0; p < (int)len; p++) {
    struct pixel_stats st;
    if (!j->valid[i0 + p] || (mx[p] <= floor_ && y[p] <= floor_))
      continue;
    st.abs_sum = abs_sum[p];
    st.pair_sum = 2.0 * pair[p];
    st.var = fmax(0.0, (double)sq[p] - (double)dev[p] * dev[p] / m);
    st.below = (int)below[p];
    st.equal = (int)equal[p];
    for (int q = 0; q < nthr; q++)
      st.exceed[q] = (int)exceed[q][p];
    add_pixel(&st, m, y[p], j->thresholds, nthr, j->seed, i0 + p, crps, var, ranked, rank, pe,
              pn);
  }
}

static void accumulate_blocks(const float *const *members, int m, const float *obs,
                              uint8_t *valid, size_t n, const float *thresholds, int nthr,
                              struct rn_vcell *c, float *mean)
{
  const int nb = m + 1;
  int64_t *rank = c->rank, *pe = c->prob_event, *pn = c->prob_none;
  double crps = 0, var = 0;
  int64_t ranked = 0;
  const size_t nblocks = (n + EB - 1) / EB;
  const struct block_job job = {members, obs, valid, thresholds, mean, n, m, nthr,
                                (uint64_t)c->n_cases * 0x9e3779b97f4a7c15ULL};

#pragma omp parallel for reduction(+ : crps, var, ranked, rank[:nb], pe[:nthr * nb],            \
                                       pn[:nthr * nb]) schedule(static, 64)
  for (size_t blk = 0; blk < nblocks; blk++)
    score_block(&job, blk, &crps, &var, &ranked, rank, pe, pn);
  c->crps_sum += crps;
  c->var_sum += var;
  c->rank_pixels += ranked;
}

/* Large ensembles: members sorted per pixel, CRPS by the sorted formula. */
static void accumulate_sorted(const float *const *members, int m, const float *obs,
                              uint8_t *valid, size_t n, const float *thresholds, int nthr,
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
    struct pixel_stats st;
    double s = 0, s2 = 0, mu;
    float mx = floor_, y;
    int ok = !isnan(obs[i]);
    for (int k = 0; k < m && ok; k++)
      ok = !isnan(members[k][i]);
    valid[i] = (uint8_t)ok;
    mean[i] = floor_;
    if (!ok)
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
      add_calm(m, thresholds, nthr, pe, pn);
      continue;
    }
    for (int k = 0; k < m; k++)
      s2 += ((double)x[k] - mu) * ((double)x[k] - mu);
    sort_small(x, m);
    st.abs_sum = 0;
    st.pair_sum = 0;
    for (int k = 0; k < m; k++) {
      st.abs_sum += fabs((double)x[k] - (double)y);
      st.pair_sum += 2.0 * (double)(2 * (k + 1) - m - 1) * (double)x[k];
    }
    st.var = s2;
    st.below = st.equal = 0;
    while (st.below < m && x[st.below] < y)
      st.below++;
    while (st.below + st.equal < m && x[st.below + st.equal] == y)
      st.equal++;
    for (int q = 0; q < nthr; q++) {
      int below = 0;
      while (below < m && x[below] < thresholds[q])
        below++;
      st.exceed[q] = m - below;
    }
    add_pixel(&st, m, y, thresholds, nthr, seed, i, &crps, &var, &ranked, rank, pe, pn);
  }
  c->crps_sum += crps;
  c->var_sum += var;
  c->rank_pixels += ranked;
}

void rn_ensemble_accumulate(const float *const *members, int m, const float *obs,
                            uint8_t *valid, size_t n, const float *thresholds, int nthr,
                            struct rn_vcell *c, float *mean)
{
  if (m <= PAIRWISE_MAX)
    accumulate_blocks(members, m, obs, valid, n, thresholds, nthr, c, mean);
  else
    accumulate_sorted(members, m, obs, valid, n, thresholds, nthr, c, mean);
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
