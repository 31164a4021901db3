/* cycle.h - one operational nowcast cycle (radnow run).
 *
 *   lock -> gather (grid new input files into the state) -> select (newest
 *   complete consecutive set; a late scan is waited for, boundedly) ->
 *   predict (every configured predictor) -> products (COG GeoTIFFs and a CF
 *   NetCDF per predictor, each written under a temporary name and renamed)
 *   -> publish (latest.json, last of all) -> retention (old products and
 *   frames deleted).
 *
 * Every stage logs its wall time; the cycle logs its total. Products of a
 * cycle go to PRODUCTS_DIR/YYYYmmddHHMM/ (the reference time: the newest
 * input frame), so running twice for the same time rewrites the same files
 * with the same content. Errors map to exit codes through rn_exit_code:
 * usage/config 1, input 2, locked 3, output 4. */
#ifndef RADNOW_CYCLE_H
#define RADNOW_CYCLE_H

#include <radnow/config.h>
#include <radnow/geotiff.h>
#include <radnow/predictor.h>
#include <radnow/state.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_MAX_PREDICTORS 16
#define RN_MAX_STAGES 32

/* What the configuration says about the cycle; see etc/radnow.conf.example
 * ([run], [state], [input], [products]) for meanings and defaults. */
struct rn_cycle_config {
  const struct rn_config *cfg;    /* must outlive the cycle */
  char state_dir[4096];
  char products_dir[4096];
  long step, delay;               /* seconds: input time step, expected arrival delay */
  long max_age;                   /* seconds */
  double wait, poll;              /* seconds: bound on waiting for a late scan, poll period */
  int keep;                       /* frames kept in the state */
  int npredictors;
  char predictors[RN_MAX_PREDICTORS][64];
  /* Created once (weights loaded once) from their [predictor.NAME] sections;
   * rn_cycle_config_free destroys them. */
  struct rn_predictor *predictor[RN_MAX_PREDICTORS];
  int geotiff, netcdf;            /* product kinds to write */
  struct rn_geotiff_options gtiff; /* compression and tiling of the GeoTIFFs */
  long retention;                 /* seconds; products older than this are deleted (0: never) */
};

/* Read the configuration and create the predictors; on failure nothing is
 * left to free. */
enum rn_status rn_cycle_config_load(struct rn_cycle_config *cc, const struct rn_config *cfg);
void rn_cycle_config_free(struct rn_cycle_config *cc);
/* Input frames a cycle selects: the largest need of the configured predictors. */
int rn_cycle_inputs_needed(const struct rn_cycle_config *cc);

struct rn_stage_time {
  char name[32];
  double seconds;
};

struct rn_cycle_result {
  rn_time reference_time;         /* newest input frame */
  struct rn_selection sel;
  int nproducts;                  /* files published */
  char cycle_dir[4200];           /* PRODUCTS_DIR/YYYYmmddHHMM */
  /* PRODUCTS_DIR/latest.json (manifest.h): the newest cycle's products */
  char latest[4200];              /* PRODUCTS_DIR/latest.json */
  int nstages;
  struct rn_stage_time stages[RN_MAX_STAGES];
  double total;                   /* seconds */
};

/* Run one cycle for run time `now` (UTC). With may_wait, a late scan is
 * waited for until the wall clock passes now + wait; re-runs of past times
 * do not wait. */
enum rn_status rn_cycle_run(const struct rn_cycle_config *cc, rn_time now, int may_wait,
                            struct rn_cycle_result *res);

#ifdef __cplusplus
}
#endif
#endif
