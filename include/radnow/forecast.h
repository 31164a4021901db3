/* forecast.h - the nowcast of one predictor for one cycle: L lead times x
 * M members of dBZ fields on one grid, and optionally the probabilities of
 * exceeding thresholds. The same structure is written by the operational
 * cycle and read back by verification.
 *
 * On disk (DESIGN.md, Products): one CF-1.8 NetCDF-4 file per cycle and
 * predictor, dims (realization, time, y, x); time = valid time; scalar
 * forecast_reference_time; forecast_period(time); equivalent_reflectivity_factor
 * packed as short with _FillValue; exceedance probability with a threshold
 * coordinate; global attribute "predictor".
 *
 * Dimension letters: M members, L leads, K thresholds, Y rows, X columns.
 * Values follow frame.h: NaN nodata, RN_DBZ_NOECHO (-32) and below no echo. */
#ifndef RADNOW_FORECAST_H
#define RADNOW_FORECAST_H

#include <stddef.h>
#include <radnow/frame.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_MAX_THRESHOLDS 8

struct rn_forecast {
  struct rn_grid grid;
  char predictor[64];       /* registry name: persistence, extrapolation, ... */
  rn_time reference_time;   /* forecast_reference_time: time of the newest input frame */
  int nleads;               /* L */
  int nmembers;             /* M (1 for deterministic predictors) */
  int *lead_seconds;        /* L forecast periods, seconds after reference_time */
  float *dbz;               /* M x L x Y x X */
  int nthresholds;          /* K (0: no probabilities) */
  float thresholds[RN_MAX_THRESHOLDS]; /* dBZ */
  float *prob;              /* L x K x Y x X, P(dBZ >= threshold) in [0, 1]; NaN nodata */
  char comment[512];        /* e.g. "late input: ran from 12:54 (12:60 missing)" */
};

/* Allocate for the grid (copied), L leads, M members and K thresholds
 * (prob allocated when K > 0); dbz and prob filled with NaN. */
enum rn_status rn_forecast_alloc(struct rn_forecast *fc, const struct rn_grid *grid, int nleads,
                                 int nmembers, int nthresholds);
void rn_forecast_free(struct rn_forecast *fc);

/* Field of member m at lead l. */
static inline float *rn_forecast_field(const struct rn_forecast *fc, int m, int l)
{
  return fc->dbz + ((size_t)m * (size_t)fc->nleads + (size_t)l) * (size_t)fc->grid.nx *
                       (size_t)fc->grid.ny;
}

/* Write (atomically) and read the CF NetCDF-4 forecast file. */
enum rn_status rn_forecast_write(const struct rn_forecast *fc, const char *path);
enum rn_status rn_forecast_read(struct rn_forecast *fc, const char *path);

#ifdef __cplusplus
}
#endif
#endif
