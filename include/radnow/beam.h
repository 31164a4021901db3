/* beam.h - where a radar gate is: the 4/3 effective-earth-radius model.
 *
 * Standard refraction is modelled by letting the beam travel in a straight
 * line over an earth of radius ae = k a (k = 4/3, a = 6371 km, the mean earth
 * radius), as in Doviak & Zrnic, Doppler Radar and Weather Observations
 * (1993), eqs. 2.28b-c. For a gate at slant range r (m) on a beam of
 * elevation el above the horizon:
 *
 *   h = sqrt(r^2 + ae^2 + 2 r ae sin(el)) - ae + h0    height above sea level
 *   s = ae asin(r cos(el) / (ae + h - h0))            ground range (arc)
 *
 * with h0 the antenna height above sea level. The inverse used to map a
 * pixel to a gate follows from the triangle (earth centre, antenna, gate),
 * whose angle at the centre is phi = s / ae:
 *
 *   r = ae sin(phi) / cos(phi + el)                   (phi + el < 90 deg)
 *
 * and the elevation that reaches height h at ground range s is
 *
 *   el = atan2((ae + h - h0) cos(phi) - ae, (ae + h - h0) sin(phi)).
 *
 * Ground range s is the distance along the earth's surface; gridding lays it
 * off along the geodesic from the site (WGS84) at the ray's azimuth. */
#ifndef RADNOW_BEAM_H
#define RADNOW_BEAM_H

#ifdef __cplusplus
extern "C" {
#endif

#define RN_EARTH_RADIUS 6371000.0 /* mean earth radius, m */
#define RN_BEAM_K (4.0 / 3.0)     /* effective-radius factor of standard refraction */

struct rn_beam {
  double ae; /* effective earth radius k a, m */
  double h0; /* antenna height above mean sea level, m */
};

/* k <= 0 means RN_BEAM_K, earth_radius <= 0 means RN_EARTH_RADIUS. */
void rn_beam_init(struct rn_beam *b, double antenna_height, double k, double earth_radius);

/* Height above sea level and ground range (m) of the gate at slant range r
 * (m) on a beam of elevation el_deg. */
void rn_beam_gate(const struct rn_beam *b, double r, double el_deg, double *height,
                  double *ground);

/* Slant range (m) at which the beam of elevation el_deg is above ground range
 * s (m); NAN when the beam never gets there (phi + el >= 90 deg). */
double rn_beam_slant_range(const struct rn_beam *b, double s, double el_deg);

/* Elevation (deg) and slant range (m) of the point at ground range s and
 * height above sea level h. */
void rn_beam_point(const struct rn_beam *b, double s, double h, double *el_deg, double *r);

#ifdef __cplusplus
}
#endif
#endif
