/* advect.h - semi-Lagrangian backward advection.
 *
 * A trajectory holds, for every pixel x of the grid, the departure point
 * d(x): where the air that is at x at lead l was at the time of the newest
 * frame. Each lead steps the departure points one motion step further back
 * (midpoint rule on the motion field, as pysteps' semilagrangian extrapolation
 * does), and the forecast is the newest frame sampled once at d(x) with
 * bilinear interpolation: one interpolation per lead, so no numerical
 * diffusion accumulates over the leads. A departure point outside the domain
 * is inflow from where nothing was measured: nodata (NaN), for good.
 *
 * Motion is in pixels per frame step in array coordinates (optflow.h). */
#ifndef RADNOW_MODELS_ADVECT_H
#define RADNOW_MODELS_ADVECT_H

#include <radnow/status.h>

struct rn_trajectory {
  int nx, ny;
  float *x, *y; /* departure points (column, row); NaN once outside the domain */
};

/* Identity departure points (lead 0). */
enum rn_status rn_trajectory_init(struct rn_trajectory *t, int nx, int ny);
void rn_trajectory_free(struct rn_trajectory *t);

/* One step back by `steps` motion steps (1 when leads and frames share the
 * step) with motion (u + du, v + dv): d <- d - s V(d - s V(d) / 2). */
void rn_trajectory_step(struct rn_trajectory *t, const float *u, const float *v, float du, float dv,
                        float steps);

/* dst(x) = src(d(x)), bilinear over the valid neighbours (NaN when less than
 * half the interpolation weight has data, or d(x) is outside). */
void rn_advect_sample(const float *src, const struct rn_trajectory *t, float *dst);

#endif
