/* prob_match.h - probability matching of a forecast field to a reference. */
#ifndef RADNOW_MODELS_PROB_MATCH_H
#define RADNOW_MODELS_PROB_MATCH_H

#include <radnow/status.h>

#include <stddef.h>

/* Replace the values of field[0..n-1], rank for rank, by those of ref at
 * the pixels where both have data (not NaN): the k-th smallest forecast
 * value becomes the k-th smallest reference value. The forecast keeps its
 * pattern (where it is stronger or weaker) and takes the reference's
 * distribution of intensities. Other pixels are left alone. Ties keep the
 * order of their pixels, so the result is deterministic. */
enum rn_status rn_prob_match(float *field, const float *ref, size_t n);

#endif
