/* volume.h - polar radar data: a volume of sweeps, each with moments.
 *
 * Every polar reader (ODIM_H5, CfRadial, CINRAD, NEXRAD ...) fills this
 * structure; gridding reads only this structure.
 *
 * Values are physical (dBZ, m/s ...) as float. Two sentinels keep the states
 * of ODIM apart in every quantity:
 *   RN_NODATA   (NaN)        not measured / outside coverage / range folded
 *   RN_UNDETECT (-infinity)  measured, nothing detected (no echo)
 * Dimension letters: R rays, G gates. Data are ray-major: data[r * G + g]. */
#ifndef RADNOW_VOLUME_H
#define RADNOW_VOLUME_H

#include <math.h>
#include <radnow/status.h>
#include <radnow/utctime.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_NODATA NAN
#define RN_UNDETECT (-INFINITY)
static inline int rn_is_nodata(float v) { return v != v; }
static inline int rn_is_undetect(float v) { return v == -INFINITY; }

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
};

struct rn_volume {
  char format[32];  /* "ODIM_H5/V2_2", "CfRadial-1.3" ... */
  char object[16];  /* PVOL, SCAN */
  char source[256]; /* what/source or instrument name */
  double lat, lon;  /* site, degrees */
  double height;    /* antenna height above mean sea level, metres */
  rn_time time;     /* nominal time of the volume */
  int nsweeps;
  struct rn_sweep *sweeps; /* ordered by elevation (ascending), not by file order */
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

#ifdef __cplusplus
}
#endif
#endif
