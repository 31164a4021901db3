/* volume.h - polar radar data: a volume of sweeps, each with moments.
 *
 * Every polar reader (ODIM_H5, CfRadial, CINRAD, NEXRAD ...) fills this
 * structure; gridding reads only this structure.
 *
 * Values are physical (dBZ, m/s ...) as float. Two sentinels keep the states
 * of ODIM apart in every quantity:
 *   RN_NODATA   (NaN)        not measured / outside coverage / range folded
 *   RN_UNDETECT (-infinity)  measured, nothing detected (no echo)
 * Range-folded gates (CINRAD and NEXRAD code 1, "range folded / overlaid")
 * are a NaN too, so every consumer treats them as nodata, but a NaN with its
 * own payload: rn_range_folded() makes one and rn_is_range_folded() tells it
 * apart from plain nodata (float copies keep NaN payloads).
 * Dimension letters: R rays, G gates. Data are ray-major: data[r * G + g]. */
#ifndef RADNOW_VOLUME_H
#define RADNOW_VOLUME_H

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <radnow/status.h>
#include <radnow/utctime.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_NODATA NAN
#define RN_UNDETECT (-INFINITY)
static inline int rn_is_nodata(float v) { return v != v; }
static inline int rn_is_undetect(float v) { return v == -INFINITY; }

#define RN_RANGE_FOLDED_BITS 0x7fc0f01du /* quiet NaN, payload 0xf01d */
static inline float rn_range_folded(void)
{
  uint32_t u = RN_RANGE_FOLDED_BITS;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
static inline int rn_is_range_folded(float v)
{
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  return u == RN_RANGE_FOLDED_BITS;
}

/* How the antenna moved. PPI (0, the default) is a volume or a single
 * constant-elevation scan over the full circle, the only type gridding takes. */
enum rn_scan_type {
  RN_SCAN_PPI = 0,
  RN_SCAN_SECTOR, /* constant elevation over part of the circle (or a volume of them) */
  RN_SCAN_RHI,    /* constant azimuth, elevation sweeps; each sweep one RHI */
  RN_SCAN_OTHER   /* manual or unknown antenna motion */
};

#define RN_QUANTITY_LEN 32

struct rn_moment {
  char quantity[RN_QUANTITY_LEN]; /* ODIM name: DBZH, TH, VRADH, WRADH, ZDR ... */
  float *data;                    /* R x G */
};

struct rn_sweep {
  double elevation;    /* degrees above the horizon */
  int nrays, ngates;   /* R, G */
  double first_gate;   /* metres from the radar to the CENTRE of gate 0 */
  double gate_spacing; /* metres between gate centres */
  double *azimuth;     /* R ray-centre azimuths, degrees clockwise from north, [0, 360) */
  rn_time start_time, end_time;
  int nmoments;
  struct rn_moment *moments;
  /* Optional (NULL when the format does not say; rn_sweep_free frees them): */
  double *ray_time;      /* R ray times, seconds since 1970-01-01 UTC (fractional) */
  double *ray_elevation; /* R ray elevations, degrees; RHI sweeps always have them */
};
/* An RHI sweep (scan_type RN_SCAN_RHI): azimuth[] holds each ray's (near
 * constant) azimuth, ray_elevation[] its elevation, and elevation the
 * nominal elevation the file gives the cut (for ordering only). */

struct rn_volume {
  char format[32];  /* "ODIM_H5/V2_2", "CfRadial-1.3" ... */
  char object[16];  /* PVOL, SCAN */
  char source[256]; /* what/source or instrument name */
  double lat, lon;  /* site, degrees */
  double height;    /* antenna height above mean sea level, metres */
  rn_time time;     /* nominal time of the volume */
  int nsweeps;
  struct rn_sweep *sweeps; /* ordered by elevation (ascending), not by file order */
  enum rn_scan_type scan_type; /* RN_SCAN_PPI unless the file says otherwise */
  int vcp;                     /* volume coverage pattern number; 0 when unknown */
};

void rn_volume_free(struct rn_volume *vol);
void rn_sweep_free(struct rn_sweep *sw);

/* Allocate nsweeps zeroed sweeps. */
enum rn_status rn_volume_alloc_sweeps(struct rn_volume *vol, int nsweeps);
/* Allocate azimuths for R rays in a sweep. */
enum rn_status rn_sweep_alloc(struct rn_sweep *sw, int nrays, int ngates);
/* Add a moment of R x G values (filled with RN_NODATA); returns it in *out. */
enum rn_status rn_sweep_add_moment(struct rn_sweep *sw, const char *quantity,
                                   struct rn_moment **out);
/* The moment of that quantity, or NULL. */
const struct rn_moment *rn_sweep_moment(const struct rn_sweep *sw, const char *quantity);
/* Sort sweeps by elevation (stable: equal elevations keep file order). */
void rn_volume_sort_sweeps(struct rn_volume *vol);
/* "PPI", "sector", "RHI", "other". */
const char *rn_scan_type_name(enum rn_scan_type t);
/* RN_OK for a PPI volume or scan; otherwise RN_EUNSUPPORTED with a message
 * naming what (e.g. path) and the scan type, for gridding to refuse. */
enum rn_status rn_volume_require_ppi(const struct rn_volume *vol, const char *what);

#ifdef __cplusplus
}
#endif
#endif
