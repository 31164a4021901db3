/* odim.h - shared pieces of the ODIM_H5 reader (odim.c: file, metadata and
 * conversion; odim_polar.c: PVOL/SCAN; odim_grid.c: COMP/IMAGE).
 *
 * Metadata follow ODIM's inheritance: an attribute in /datasetM/dataN/what
 * overrides one in /datasetM/what, which overrides one in /what (likewise
 * where and how); struct levels lists the groups to search, nearest first. */
#ifndef RADNOW_INGEST_ODIM_H
#define RADNOW_INGEST_ODIM_H

#include <radnow/ingest.h>

#include "h5util.h"

#define MAX_GROUPS 1024
#define MAX_MOMENTS 64

/* One level of the what/where/how hierarchy: data, dataset, root. */
struct levels {
  hid_t g[3];
  int n;
};

struct odim {
  const char *path;
  const struct rn_ingest_options *opt;
  hid_t fid;
  hid_t what, where, how; /* root groups (what is required) */
  char object[16];
};

/* Numbers N of the groups named PREFIX<N> under loc, ascending. */
struct scan_names {
  const char *prefix;
  int idx[MAX_GROUPS];
  int n;
};

/* Conversion of stored numbers to physical values. */
struct scaling {
  double gain, offset, nodata, undetect;
  int has_nodata, has_undetect;
};

/* Record "odim: FILE: OBJ: message" (OBJ may be NULL). */
enum rn_status rn_odim_fail(enum rn_status st, const struct odim *o, const char *obj,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void rn_odim_list_groups(hid_t loc, const char *prefix, struct scan_names *s);
/* The first level holding the attribute wins (1 read, 0 absent, -1 bad type). */
int rn_odim_find_double(const struct levels *lv, const char *name, double *v);
int rn_odim_find_string(const struct levels *lv, const char *name, char *buf, size_t n);
/* gain and offset are required; nodata and undetect optional. */
enum rn_status rn_odim_read_scaling(const struct odim *o, const char *obj, const struct levels *lv,
                                    struct scaling *sc);
/* n stored values to physical ones: nodata -> NaN, undetect -> undetect_value. */
void rn_odim_convert(enum rn_h5_num type, const void *raw, size_t n, const struct scaling *sc,
                     float undetect_value, float *out);
int rn_odim_is_reflectivity(const char *q);
void rn_odim_note(struct rn_radar_data *out, const char *s);
/* The quantity to read: the requested one, or the first of prefer present. */
enum rn_status rn_odim_choose_quantity(const struct odim *o, const char *const *have, int nhave,
                                       const char *const *prefer, char *q);

enum rn_status rn_odim_read_polar(struct odim *o, struct rn_radar_data *out);
enum rn_status rn_odim_read_grid(struct odim *o, struct rn_radar_data *out);

#endif
