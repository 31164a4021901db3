/* verify_internal.h - the pieces behind verify.h: the sums one
 * (predictor, lead) keeps, and the score kernels of each file.
 *
 * Dimension letters: M members, K thresholds, S scales, Y rows, X columns,
 * N = X * Y pixels. Masks are uint8 0/1 of N. */
#ifndef RADNOW_VERIFY_INTERNAL_H
#define RADNOW_VERIFY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <radnow/verify.h>

/* Sums of one predictor at one lead (or pooled). */
struct rn_vcell {
  char predictor[64];
  int lead_seconds;
  int nmembers;
  int64_t n_cases, n_missing, n_pixels;
  /* scores.c */
  struct rn_contingency table[RN_VERIFY_MAX_THRESHOLDS];
  /* continuous.c: dBZ and [0, 1] sums over pixels; SSIM summed over frames */
  double abs_sum, sq_sum, sq01_sum;
  double ssim_sum;
  int64_t ssim_frames;
  /* fss.c: sum over centres of (Ff - Fo)^2 and Ff^2 + Fo^2 */
  double fss_num[RN_VERIFY_MAX_THRESHOLDS][RN_VERIFY_MAX_SCALES];
  double fss_den[RN_VERIFY_MAX_THRESHOLDS][RN_VERIFY_MAX_SCALES];
  /* ensemble_scores.c (nmembers > 1) */
  double crps_sum, var_sum;
  int64_t rank_pixels;
  int64_t *rank;       /* M + 1 */
  int64_t *prob_event; /* K x (M + 1): pixels where k members exceed and the obs does */
  int64_t *prob_none;  /* K x (M + 1): ... and the obs does not */
};

/* scores.c: add the contingency tables of one field pair (f, o clamped to
 * the no-echo floor; valid mask). */
void rn_scores_accumulate(const float *f, const float *o, const uint8_t *valid, size_t n,
                          const float *thresholds, int nthr, struct rn_contingency *tables);

/* continuous.c */
struct rn_continuous_sums {
  double abs_sum, sq_sum, sq01_sum;
  int64_t n;
};
void rn_continuous_accumulate(const float *f, const float *o, const uint8_t *valid, size_t n,
                              struct rn_continuous_sums *s);
#define RN_SSIM_WIN 7
/* Mean SSIM of two [0, 1] fields over the centres whose RN_SSIM_WIN^2 window
 * lies inside the grid and is valid throughout; NaN when there is none.
 * work: 6 (X + 1)(Y + 1) doubles. */
double rn_ssim(const float *x, const float *y, const uint8_t *valid, int nx, int ny,
               double *work);

/* fss.c: for each scale s, num[s] += sum (Ff - Fo)^2 and den[s] += sum Ff^2 + Fo^2
 * over valid centres, where Ff, Fo are the fractions of f, o >= q among the
 * valid pixels of the scale x scale window around the centre (rows and
 * columns from c - (scale - 1) / 2 to c + scale / 2, clipped to the grid).
 * tv: the table of valid pixels (rn_fss_valid_table), (X + 1)(Y + 1) int32;
 * work: 2 (X + 1)(Y + 1) int32. */
void rn_fss_valid_table(const uint8_t *valid, int nx, int ny, int32_t *tv);
void rn_fss_accumulate(const float *f, const float *o, const uint8_t *valid, const int32_t *tv,
                       int nx, int ny, float q, const int *scales, int nscales, double *num,
                       double *den, int32_t *work);

/* ensemble_scores.c */
/* Fair CRPS of one pixel from members sorted ascending (sorted-member formula). */
double rn_crps_fair_sorted(const float *sorted, int m, float obs);
/* Add the ensemble sums of one case to c; valid[] receives the pixels where
 * the observation and every member have data, mean[] the ensemble mean
 * there (the deterministic forecast; the no-echo floor elsewhere). */
void rn_ensemble_accumulate(const float *const *members, int m, const float *obs,
                            uint8_t *valid, size_t n, const float *thresholds, int nthr,
                            struct rn_vcell *c, float *mean);
/* ROC area from the member-count tables (trapezoids through every k). */
double rn_roc_area(const int64_t *event, const int64_t *none, int m);

#endif
