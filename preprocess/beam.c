/* beam.c - gate geolocation with the 4/3 effective-earth-radius model (see beam.h). */
#include <radnow/beam.h>

#include <math.h>

#define DEG (M_PI / 180.0)

void rn_beam_init(struct rn_beam *b, double antenna_height, double k, double earth_radius)
{
  if (!(k > 0))
    k = RN_BEAM_K;
  if (!(earth_radius > 0))
    earth_radius = RN_EARTH_RADIUS;
  b->ae = k * earth_radius;
  b->h0 = isfinite(antenna_height) ? antenna_height : 0;
}

void rn_beam_gate(const struct rn_beam *b, double r, double el_deg, double *height,
                  double *ground)
{
  double ae = b->ae, el = el_deg * DEG;
  double dh = sqrt(r * r + ae * ae + 2 * r * ae * sin(el)) - ae; /* above the antenna */
  if (height)
    *height = dh + b->h0;
  if (ground)
    *ground = ae * asin(r * cos(el) / (ae + dh));
}

double rn_beam_slant_range(const struct rn_beam *b, double s, double el_deg)
{
  double phi = s / b->ae, c = cos(phi + el_deg * DEG);
  if (!(c > 1e-12) || phi < 0)
    return NAN;
  return b->ae * sin(phi) / c;
}

void rn_beam_point(const struct rn_beam *b, double s, double h, double *el_deg, double *r)
{
  double phi = s / b->ae, rc = b->ae + (h - b->h0);
  double horiz = rc * sin(phi), vert = rc * cos(phi) - b->ae;
  if (el_deg)
    *el_deg = atan2(vert, horiz) / DEG;
  if (r)
    *r = hypot(horiz, vert);
}
