/* manifest.h - the products of a cycle: their file names, the latest.json
 * manifest that lists them, and retention of old products.
 *
 * Product files live flat in one output folder and are named
 *   <predictor>_<YYYYmmddHHMM>_+<LLL>min_<kind>.tif   one lead time
 *   <predictor>_<YYYYmmddHHMM>_<kind>.<ext>           a whole cycle (NetCDF)
 * with the reference time in UTC and the lead in minutes (at least 3 digits).
 * A cycle's files may also sit in a folder of their own, outdir/YYYYmmddHHMM/.
 * Retention deletes only files whose names parse as such (and leftovers of
 * interrupted atomic writes of them), never anything else in the folder.
 *
 * latest.json is written after every product of the cycle, atomically, so a
 * reader that follows it always finds complete files. */
#ifndef RADNOW_MANIFEST_H
#define RADNOW_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <radnow/status.h>
#include <radnow/utctime.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_MANIFEST_NAME "latest.json"

struct rn_product {
  char file[256];      /* name inside the output folder */
  char kind[32];       /* dbz, display, prob30, forecast ... */
  char predictor[64];
  rn_time reference_time;
  rn_time valid_time;  /* 0 for whole-cycle files */
  int lead_seconds;    /* -1 for whole-cycle files */
  int members;
  float threshold;     /* dBZ for probabilities, NaN otherwise */
};

struct rn_product_list {
  int n, cap;
  struct rn_product *items;
};

enum rn_status rn_product_list_add(struct rn_product_list *l, const struct rn_product *p);
void rn_product_list_free(struct rn_product_list *l);

/* File name of a product (no folder). lead_seconds < 0 gives the
 * whole-cycle form with extension ext ("nc"); otherwise ext is ignored and
 * the name ends in .tif. The predictor must be made of letters, digits, '-'
 * and '.' (registry names are). */
enum rn_status rn_product_name(char *buf, size_t size, const char *predictor, rn_time reference_time,
                               int lead_seconds, const char *kind, const char *ext);

/* Parse a product file name; 0 when it is one of ours. Any output pointer
 * may be NULL. */
int rn_product_name_parse(const char *name, char *predictor, size_t predictor_size,
                          rn_time *reference_time, int *lead_minutes, char *kind,
                          size_t kind_size);

/* Write outdir/latest.json atomically: the cycle's reference time, the
 * predictors and every product in the list. comment may be NULL. */
enum rn_status rn_manifest_write(const char *outdir, rn_time reference_time,
                                 const struct rn_product_list *l, const char *comment);

/* Delete our products in outdir whose reference time is older than
 * now - max_age_seconds (max_age_seconds <= 0: none), and leftover temporary
 * files of our products and of latest.json older than RN_TMP_MAX_AGE
 * seconds (by modification time). Cycle folders (outdir/YYYYmmddHHMM/) are
 * pruned the same way, and removed when old and left empty. Regular files
 * only; links are never followed. *removed (may be NULL) gets the count of
 * files and folders removed. Files listed in keep (may be NULL; names
 * relative to outdir) are never deleted. */
#define RN_TMP_MAX_AGE 900
enum rn_status rn_products_prune(const char *outdir, rn_time now, int64_t max_age_seconds,
                                 const struct rn_product_list *keep, int *removed);

#ifdef __cplusplus
}
#endif
#endif
