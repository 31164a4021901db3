/* cuts.h - collect rays of a radial-by-radial format into cuts, then build a
 * struct rn_volume from them (internal to ingest/).
 *
 * Readers of formats that store one radial after another (CINRAD legacy and
 * standard format, NEXRAD Level II) decode each radial into the current cut
 * through these functions; rn_cuts_to_volume then
 *   - merges split cuts: a cut without Doppler moments followed by one with
 *     them at the same elevation (WSR-88D/CINRAD VCP 11/21/121/212 lowest
 *     elevations) becomes one sweep: the first cut's rays and moments, plus
 *     the Doppler cut's moments it lacks, each taken from the Doppler ray of
 *     nearest azimuth;
 *   - puts every moment of a sweep on one gate geometry: the finest gate
 *     spacing among its moments; a coarser moment is repeated onto the fine
 *     gates whose centres fall inside its gates (lossless), and gates beyond
 *     a moment's range are nodata. Gates whose centre would lie behind the
 *     radar (negative range) are dropped;
 *   - orders sweeps by elevation.
 * Dimension letters: R rays, G gates. */
#ifndef RADNOW_INGEST_CUTS_H
#define RADNOW_INGEST_CUTS_H

#include <radnow/ingest.h>

#define RN_CUTS_MAX_GATES 16384 /* per ray and moment: bounds memory on corrupt input */
#define RN_CUTS_MAX_RAYS 20000  /* per cut */
#define RN_CUTS_MAX_CUTS 512

struct rn_cut_moment {
  char quantity[RN_QUANTITY_LEN];
  double first;   /* metres to the centre of gate 0 */
  double spacing; /* metres */
  int ngates;     /* G: row stride, the most gates seen on a ray */
  float *data;    /* cap x G, nodata where a ray lacks the moment */
};

struct rn_cut {
  double elevation; /* nominal elevation from the file, or NAN: median of the rays */
  int has_doppler;  /* the file holds velocity in this cut (decoded or not) */
  int nrays, cap;
  double *azimuth, *ray_elevation, *ray_time; /* R each; ray_time NAN when unknown */
  int nmoments;
  struct rn_cut_moment *moments;
};

struct rn_cuts {
  const char *what; /* "cinrad: path", prefix of error messages */
  const char *quantity;
  int all_quantities;
  int ncuts, cap;
  struct rn_cut *cuts;
};

void rn_cuts_init(struct rn_cuts *c, const char *what, const struct rn_ingest_options *opt);
void rn_cuts_free(struct rn_cuts *c);

/* Whether the caller asked for quantity q (by default DBZH and TH; TH is
 * dropped later when the volume has DBZH). */
int rn_cuts_wants(const struct rn_cuts *c, const char *q);

/* Start a new cut; nominal elevation in degrees or NAN. */
enum rn_status rn_cuts_begin(struct rn_cuts *c, double elevation);
/* The current cut (NULL before the first rn_cuts_begin). */
struct rn_cut *rn_cuts_current(struct rn_cuts *c);
/* Append a ray to the current cut: azimuth and elevation in degrees, time in
 * seconds since 1970 UTC (NAN when unknown). *ray receives its index. */
enum rn_status rn_cuts_add_ray(struct rn_cuts *c, double azimuth, double elevation, double time,
                               int *ray);
/* Gate values of moment q on ray `ray` of the current cut: *out points at
 * ngates floats filled with nodata, for the caller to fill. Every ray of one
 * moment in a cut must share first (gate-0 centre, m) and spacing (m). */
enum rn_status rn_cuts_ray_moment(struct rn_cuts *c, int ray, const char *q, double first,
                                  double spacing, int ngates, float **out);

/* Build the sweeps of vol (vol->sweeps, vol->nsweeps) and free the cuts.
 * Fails with RN_ENOTFOUND when no wanted quantity was found. */
enum rn_status rn_cuts_to_volume(struct rn_cuts *c, struct rn_volume *vol);

#endif
