/* predictors.h - the predictors compiled into radnow (registry.c's table)
 * and helpers they share for reading their options. */
#ifndef RADNOW_MODELS_PREDICTORS_H
#define RADNOW_MODELS_PREDICTORS_H

#include <radnow/predictor.h>

extern const struct rn_predictor_ops rn_persistence_ops;
extern const struct rn_predictor_ops rn_extrapolation_ops;
extern const struct rn_predictor_ops rn_extrapolation_ens_ops;

/* Typed option getters for section p->section: cfg may be NULL (default);
 * out of [lo, hi] is RN_EUSAGE naming file, section and key. */
enum rn_status rn_predictor_opt_double(const struct rn_predictor *p, const struct rn_config *cfg,
                                       const char *key, double def, double lo, double hi,
                                       double *out);
enum rn_status rn_predictor_opt_int(const struct rn_predictor *p, const struct rn_config *cfg,
                                    const char *key, long def, long lo, long hi, int *out);

#endif
