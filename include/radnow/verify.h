/* verify.h - forecast verification: an accumulator that forecast/observation
 * field pairs are fed into, and the scores read from it.
 *
 * A case is one forecast field (or M ensemble members) of one predictor at
 * one lead time, paired with the observation at its valid time. Each
 * (predictor, lead) keeps sums, never averages of averages:
 *   contingency tables per threshold (hits, misses, false alarms, correct
 *     negatives), summed over pixels and cases; POD, FAR, CSI, bias, ETS, HSS
 *     come from the summed table;
 *   continuous: MAE and RMSE in dBZ; MSE, SSIM and PSNR on the [0, 1] pixel
 *     scale of the radar-echo papers (rn_verify_unit below);
 *   FSS (Roberts and Lean 2008) per threshold and scale;
 *   ensembles (M > 1): fair CRPS, Brier score, reliability table, ROC area,
 *     rank histogram, spread-skill ratio; the deterministic scores above are
 *     then those of the ensemble mean.
 * Pooled results (lead RN_VERIFY_POOLED) sum the tables of every lead.
 *
 * Pixels: only those where the observation and every member have data count
 * (NaN is nodata on either side). Values at or below RN_DBZ_NOECHO are no
 * echo: an event is dBZ >= threshold, so no echo is never an event.
 *
 * Dimension letters: M members, K thresholds, S scales, Y rows, X columns. */
#ifndef RADNOW_VERIFY_H
#define RADNOW_VERIFY_H

#include <stdint.h>
#include <radnow/frame.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_VERIFY_MAX_THRESHOLDS 8
#define RN_VERIFY_MAX_SCALES 8
#define RN_VERIFY_MAX_MEMBERS 1024
/* Lead key of the results pooled over all leads. */
#define RN_VERIFY_POOLED (-2147483647 - 1)

/* The pixel scale of the radar-echo papers (MotionRNN, MIM; Shanghai and
 * Guangzhou data): p = 2 dBZ - 30 clipped to [0, 255], then / 255. So
 * 15 dBZ and below (no echo included) is 0 and 142.5 dBZ is 1. Every
 * [0, 1]-scale score (MSE, SSIM, PSNR) uses this mapping and no other. */
static inline float rn_verify_unit(float dbz)
{
  float p = 2.0f * dbz - 30.0f;
  p = p < 0.0f ? 0.0f : (p > 255.0f ? 255.0f : p);
  return p / 255.0f;
}

struct rn_verify_options {
  int nthresholds;                          /* K */
  float thresholds[RN_VERIFY_MAX_THRESHOLDS]; /* dBZ; default 30, 40, 50 */
  int nscales;                              /* S */
  int scales[RN_VERIFY_MAX_SCALES];         /* FSS window sizes in pixels; default 1, 3, 9, 27 */
  int ssim;                                 /* compute SSIM (default 1) */
};

void rn_verify_options_init(struct rn_verify_options *opt);
/* "30,40,50" into thresholds and "1,3,9,27" into scales; errors name the option. */
enum rn_status rn_verify_parse_thresholds(struct rn_verify_options *opt, const char *list);
enum rn_status rn_verify_parse_scales(struct rn_verify_options *opt, const char *list);

struct rn_verify;

/* NULL on failure (message in rn_errmsg). */
struct rn_verify *rn_verify_new(const struct rn_verify_options *opt);
void rn_verify_free(struct rn_verify *v);

/* Score one case: members[m] (m < nmembers) and obs are ny x nx dBZ fields,
 * row-major, NaN nodata. A predictor keeps its member count. The work is
 * spread over OpenMP threads. Not thread-safe: one caller at a time. */
enum rn_status rn_verify_add(struct rn_verify *v, const char *predictor, int lead_seconds,
                             const float *const *members, int nmembers, const float *obs, int nx,
                             int ny);
/* Score several leads of one forecast at once, one lead per OpenMP thread
 * (faster than rn_verify_add lead by lead: no synchronisation inside a
 * case). members[l][m] and obs[l] as above; leads must differ. */
enum rn_status rn_verify_add_leads(struct rn_verify *v, const char *predictor, int nleads,
                                   const int *lead_seconds, const float *const *const *members,
                                   int nmembers, const float *const *obs, int nx, int ny);
/* Count a forecast whose observation is missing (reported, never dropped);
 * valid_time is listed in the report. */
enum rn_status rn_verify_add_missing(struct rn_verify *v, const char *predictor, int lead_seconds,
                                     rn_time valid_time);
/* Missing observations: how many, and the i-th (predictor, lead, valid time). */
int rn_verify_nmissing(const struct rn_verify *v);
void rn_verify_missing_at(const struct rn_verify *v, int i, const char **predictor,
                          int *lead_seconds, rn_time *valid_time);

/* The summed contingency table at a threshold. */
struct rn_contingency {
  int64_t hits, misses, false_alarms, correct_negatives;
};

/* Scores of a contingency table; NaN where undefined (a zero denominator). */
struct rn_categorical {
  double pod, far, csi, bias, ets, hss;
};
void rn_contingency_scores(const struct rn_contingency *t, struct rn_categorical *s);

/* Read results. lead_seconds may be RN_VERIFY_POOLED. Each returns
 * RN_ENOTFOUND when there is no such predictor, lead or threshold. */
enum rn_status rn_verify_table(const struct rn_verify *v, const char *predictor, int lead_seconds,
                               float threshold, struct rn_contingency *t);
/* CSI, or NaN when undefined or not found. */
double rn_verify_csi(const struct rn_verify *v, const char *predictor, int lead_seconds,
                     float threshold);

/* One line of the long-format results (scores.csv):
 *   predictor, lead_min, threshold_dbz, scale, score, value, n_cases, n_pixels
 * lead_seconds RN_VERIFY_POOLED: pooled over leads; threshold NaN and scale 0
 * when the score has none; value NaN when undefined. */
struct rn_score_row {
  char predictor[64];
  int lead_seconds;
  float threshold;
  int scale;
  char score[40];
  double value;
  int64_t n_cases, n_pixels;
};

/* All results, per lead and pooled, ordered by predictor, lead (pooled
 * last), score. *rows is allocated (free it). */
enum rn_status rn_verify_rows(const struct rn_verify *v, struct rn_score_row **rows, int *nrows);

/* The names of the predictors seen, in the order they were first added. */
int rn_verify_npredictors(const struct rn_verify *v);
const char *rn_verify_predictor(const struct rn_verify *v, int i);
const struct rn_verify_options *rn_verify_get_options(const struct rn_verify *v);

/* Reports: scores.csv, scores.json and report.html with PNG figures in dir
 * (created). title goes into the report heading. */
enum rn_status rn_verify_report(const struct rn_verify *v, const char *dir, const char *title);

#ifdef __cplusplus
}
#endif
#endif
