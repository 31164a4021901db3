/* synth.h - analytic reflectivity fields for the predictor tests: a sum of
 * Gaussian cells evaluated at any point, so a translated or rotated copy is
 * exact (no interpolation in the test itself). */
#ifndef RADNOW_TEST_SYNTH_H
#define RADNOW_TEST_SYNTH_H

#include <math.h>
#include <stdint.h>

#include <radnow/frame.h>

#define SYNTH_CELLS 60

struct synth {
  double cx[SYNTH_CELLS], cy[SYNTH_CELLS], sig[SYNTH_CELLS], amp[SYNTH_CELLS];
  int n;
};

/* Cells scattered over a w x h area with a fixed generator. */
static inline void synth_init(struct synth *s, int w, int h, int ncells, uint32_t seed)
{
  uint32_t x = seed ? seed : 1;
#define SYNTH_NEXT() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, (double)x / 4294967296.0)
  s->n = ncells > SYNTH_CELLS ? SYNTH_CELLS : ncells;
  for (int i = 0; i < s->n; i++) {
    s->cx[i] = SYNTH_NEXT() * w;
    s->cy[i] = SYNTH_NEXT() * h;
    s->sig[i] = 4 + 10 * SYNTH_NEXT();
    s->amp[i] = 15 + 35 * SYNTH_NEXT();
  }
#undef SYNTH_NEXT
}

/* dBZ at (x, y): the cells add up; below 8 dBZ there is no echo. */
static inline float synth_at(const struct synth *s, double x, double y)
{
  double z = 0;
  for (int i = 0; i < s->n; i++) {
    double dx = x - s->cx[i], dy = y - s->cy[i];
    z += s->amp[i] * exp(-(dx * dx + dy * dy) / (2 * s->sig[i] * s->sig[i]));
  }
  if (z > 55)
    z = 55 + 5 * tanh((z - 55) / 5);
  return z >= 8 ? (float)z : RN_DBZ_NOECHO;
}

/* The field translated by k (u, v): f(x, y) = s(x - k u, y - k v). */
static inline void synth_translated(const struct synth *s, double u, double v, double k, int nx,
                                    int ny, float *out)
{
  for (int y = 0; y < ny; y++)
    for (int x = 0; x < nx; x++)
      out[(size_t)y * nx + x] = synth_at(s, x - k * u, y - k * v);
}

/* The field rotated by angle a (radians, counter-clockwise on the image
 * with rows going down) about (xc, yc): f(p) = s(R(-a) (p - c) + c). */
static inline void synth_rotated(const struct synth *s, double a, double xc, double yc, int nx,
                                 int ny, float *out)
{
  double ca = cos(a), sa = sin(a);
  for (int y = 0; y < ny; y++)
    for (int x = 0; x < nx; x++) {
      double dx = x - xc, dy = y - yc;
      out[(size_t)y * nx + x] = synth_at(s, xc + ca * dx + sa * dy, yc - sa * dx + ca * dy);
    }
}

#endif
