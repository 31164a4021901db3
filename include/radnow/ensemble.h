/* ensemble.h - products of an ensemble forecast: exceedance probabilities
 * and the ensemble mean.
 *
 * At each pixel only the members with data count: a member that advected
 * nodata in from outside the domain does not vote. Where no member has data
 * the result is NaN (nodata). */
#ifndef RADNOW_ENSEMBLE_H
#define RADNOW_ENSEMBLE_H

#include <radnow/forecast.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fill fc->prob (L x K x Y x X) with the fraction of members whose dBZ is
 * >= fc->thresholds[k]. Nothing to do when fc->nthresholds is 0. */
void rn_ensemble_probability(struct rn_forecast *fc);

/* The ensemble mean as a one-member forecast named "<predictor>-mean"
 * (allocates mean; rn_forecast_free it). Members are averaged as rain rate
 * (Marshall-Palmer, Z = 200 R^1.6, no echo = 0 mm/h) and converted back to
 * dBZ: averaging dBZ itself would let the -32 dBZ of a dry member pull a
 * 40 dBZ cell down to 4 dBZ. A mean weaker than the no-echo floor is no echo.
 * Probabilities are copied when ens has them. */
enum rn_status rn_ensemble_mean(const struct rn_forecast *ens, struct rn_forecast *mean);

#ifdef __cplusplus
}
#endif
#endif
