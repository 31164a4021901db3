/* advect.h - semi-Lagrangian backward advection.
 *
 * A trajectory holds, for every pixel x of the grid, the departure point
 * d(x): where the air that is at x at lead l was at the time of the newest
 * frame. Each lead steps the departure points one motion step further back
 * (midpoint rule on the motion field, as pysteps' semilagrangian
 * extrapolation does: for a steady motion field d_l = d_1(d_(l-1))), and the
 * forecast is the newest frame sampled once at d(x) with bilinear
 * interpolation: one interpolation per lead, so no numerical diffusion
 * accumulates over the leads. A departure point outside the domain is
 * inflow from where nothing was measured: nodata (NaN). Beyond the edges a
 * trajectory moves with the motion of the nearest edge pixel.
 *
 * Departure points are computed at nodes every `stride` pixels (and on the
 * last row and column) and interpolated bilinearly in between: stride 1 is
 * exact; the ensemble uses 2, since its motion is smooth on that scale
 * (optflow.c solves it at half resolution) and trajectories are then four
 * times cheaper.
 *
 * Motion is in pixels per frame step in array coordinates (optflow.h). */
#ifndef RADNOW_MODELS_ADVECT_H
#define RADNOW_MODELS_ADVECT_H

#include <stddef.h>

#include <radnow/status.h>

struct rn_trajectory {
  int nx, ny, stride;
  int mx, my;     /* nodes along x and y */
  float *x, *y;   /* departure points of the nodes (column, row) */
  int *ix, *iy;   /* pixel column i lies between nodes ix[i] and ix[i] + 1 ... */
  float *fx, *fy; /* ... at fraction fx[i]; rows likewise */
};

/* Identity departure points (lead 0), nodes every stride >= 1 pixels. */
enum rn_status rn_trajectory_init(struct rn_trajectory *t, int nx, int ny, int stride);
/* Back to the identity, keeping the allocation. */
void rn_trajectory_reset(struct rn_trajectory *t);
void rn_trajectory_free(struct rn_trajectory *t);

/* Motion fields u, v interleaved as uv[2 i], uv[2 i + 1] (one cache line
 * holds both components), as rn_trajectory_step wants them. */
void rn_motion_interleave(const float *u, const float *v, size_t n, float *uv);

/* One step back by `steps` motion steps (1 when leads and frames share the
 * step) with motion V = uv + (du, dv): d <- d - s V(d - s V(d) / 2). */
void rn_trajectory_step(struct rn_trajectory *t, const float *uv, float du, float dv,
                        float steps);

/* dst(x) = src(d(x)), bilinear over the valid neighbours (NaN when less than
 * half the interpolation weight has data, or d(x) is outside). */
void rn_advect_sample(const float *src, const struct rn_trajectory *t, float *dst);

#endif
