/* synth.h - a synthetic weather scene seen by a fictional radar, for the
 * demo and for tests that need a known truth.
 *
 * The scene is a 3-D reflectivity field dBZ(x, y, z, t): convective cells
 * that are born, grow, mature and decay (sine-shaped life, peaks 40-58 dBZ),
 * are elliptical and turn, and drift with their own motion; plus a
 * stratiform band (about 25-35 dBZ, with texture that evolves, and a bright
 * band under the melting level). Everything moves with a steering flow and
 * the whole pattern turns slowly about a centre outside the domain, so the
 * motion is curved. Vertical structure: cells are uniform up to 2 km, then
 * weaken slowly and fall off sharply at their top (8-12 km); the band is
 * uniform below the bright band and loses 6 dB/km above the melting level.
 * Echoes below 0 dBZ are "no echo" (RN_DBZ_NOECHO).
 *
 * x, y are metres east and north of the radar in its azimuthal equidistant
 * projection (ground distance and azimuth from the site), z metres above
 * sea level. The radar sees the scene along 4/3-earth beams (earth radius
 * 6371 km): gate height h = sqrt(r^2 + R^2 + 2 r R sin(el)) - R + site height
 * and ground distance s = R asin(r cos(el) / (R + h - site height)), with
 * R = 4/3 * 6371 km; it adds ~1 dB of gate noise, misses echoes weaker
 * than a range-dependent sensitivity (-35 dBZ + 20 log10(r / 1 km)), and TH
 * (unfiltered) also shows fixed ground clutter within 30 km on the sweeps at
 * or below 1 degree, which DBZH (filtered) does not.
 *
 * The scene depends only on the options (seed, start, site, range): cells
 * are drawn in one-hour blocks seeded from (seed, block), so any time can be
 * evaluated and a run of N volumes is the prefix of a run of N + 1. */
#ifndef RADNOW_SYNTH_H
#define RADNOW_SYNTH_H

#include <stdint.h>
#include <radnow/frame.h>
#include <radnow/grid.h>
#include <radnow/volume.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_SYNTH_MAX_ELEVATIONS 32
#define RN_SYNTH_EARTH_RADIUS 6371000.0
#define RN_SYNTH_KE (4.0 / 3.0)

struct rn_synth_options {
  double lat, lon, height;  /* radar site: degrees, metres above sea level */
  double range;             /* maximum range, metres */
  double gate;              /* gate spacing, metres */
  int nrays;                /* rays per sweep */
  int nelevations;
  double elevations[RN_SYNTH_MAX_ELEVATIONS]; /* degrees, ascending */
  rn_time start;            /* scene epoch: the first volume's nominal time */
  int step;                 /* seconds between volumes */
  uint64_t seed;
};

/* Defaults: site 50.00 N 8.00 E 300 m, range 160 km, 500 m gates, 360 rays,
 * elevations 0.5 1.5 2.5 3.5 4.5 6 8 10 12.5 15, start 2024-06-15T14:00Z,
 * step 5 min, seed 1. */
void rn_synth_options_init(struct rn_synth_options *opt);

struct rn_synth;

enum rn_status rn_synth_new(const struct rn_synth_options *opt, struct rn_synth **out);
void rn_synth_free(struct rn_synth *s);
const struct rn_synth_options *rn_synth_get_options(const struct rn_synth *s);

/* The scene at one point (x, y, z as above; t in seconds since 1970, may
 * be fractional): dBZ, RN_DBZ_NOECHO when no echo. */
float rn_synth_dbz(const struct rn_synth *s, double x, double y, double z, double t);

/* Beam geometry of the options' site: height above sea level and ground
 * distance of a gate at slant range r (metres) and elevation el (degrees),
 * and the beam height at ground distance s. */
void rn_synth_gate(const struct rn_synth *s, double r, double el, double *height, double *ground);
double rn_synth_beam_height(const struct rn_synth *s, double ground, double el);

/* The volume scanned from nominal time t: sweeps in ascending elevation,
 * each lasting a fixed time with rays in azimuth order, the first ray
 * radiated being a1gate[k] (random per volume; may be NULL). Each ray sees
 * the scene at its own time. Moments DBZH and TH. */
enum rn_status rn_synth_volume(const struct rn_synth *s, rn_time t, struct rn_volume *vol,
                               int *a1gate);

/* Time (seconds since 1970) at which ray i of sweep k of the volume at t is
 * radiated, at its centre; a1gate as given by rn_synth_volume. */
double rn_synth_ray_time(const struct rn_synth *s, rn_time t, int k, int a1gate, int i);

/* Write the volume at t as an ODIM_H5 PVOL file (atomically). */
enum rn_status rn_synth_write_odim(const struct rn_synth *s, rn_time t, const char *path);

/* The true field at time t (the volume's nominal time, at which its first
 * ray is radiated) on a grid, as a frame: NaN beyond the reach of the lowest
 * beam, RN_DBZ_NOECHO for no echo. product names follow polar2grid:
 * "pcappi" (the field along the lowest beam, which always measures here:
 * what a perfect pseudo-CAPPI of the volume shows), "cappi:H" (at H metres
 * above sea level), "cmax" (maximum over the beams that reach the pixel).
 * Differences from the gridded volume come from gate noise, sensitivity,
 * the rays' own times and the gate/pixel sampling only. */
enum rn_status rn_synth_truth(const struct rn_synth *s, rn_time t, const struct rn_grid *grid,
                              const char *product, struct rn_frame *out);

/* A size x size grid in the radar's azimuthal equidistant projection
 * covering the range circle. */
enum rn_status rn_synth_grid(const struct rn_synth *s, int size, struct rn_grid *g);

#ifdef __cplusplus
}
#endif
#endif
