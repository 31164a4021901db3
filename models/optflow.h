/* optflow.h - dense motion field of radar echoes from the last K frames
 * (pyramidal, coarse-to-fine Lucas-Kanade; the method is described at the
 * top of optflow.c).
 *
 * Motion is in pixels per frame step, in array coordinates: u along columns
 * (eastward), v along rows (southward, row 0 being the northern edge), so a
 * field that moves by (u, v) per step satisfies
 *   frame[k+1](x, y) = frame[k](x - u, y - v).
 * Frames are dBZ (frame.h): NaN nodata is ignored, no echo and constant
 * fields give zero motion, never NaN. */
#ifndef RADNOW_MODELS_OPTFLOW_H
#define RADNOW_MODELS_OPTFLOW_H

#include <radnow/status.h>

struct rn_optflow_params {
  float min_dbz;   /* intensity = max(dBZ, min_dbz) - min_dbz: weak echoes carry no texture */
  int levels;      /* pyramid levels below full resolution; < 0: automatic (coarsest >= 16 px) */
  int finest;      /* finest level solved (0 = full resolution); finer ones are interpolated */
  int iterations;  /* warping iterations per level */
  float window;    /* sigma of the Gaussian window, in pixels of each level */
  float lambda;    /* Tikhonov regularisation of each update, (dBZ/px)^2 */
  float max_speed; /* motion clipped to this many pixels per step */
};

void rn_optflow_defaults(struct rn_optflow_params *par);

/* frames[0 .. nframes-1]: nx x ny dBZ fields one step apart, oldest first,
 * nframes >= 2. Writes u and v (nx x ny each). */
enum rn_status rn_optflow(const float *const *frames, int nframes, int nx, int ny,
                          const struct rn_optflow_params *par, float *u, float *v);

/* Gaussian blur of an nx x ny image in place (three box passes per axis,
 * edges renormalised), OpenMP over rows / column blocks; tmp holds nx x ny. */
void rn_blur(float *img, int nx, int ny, float sigma, float *tmp);

#endif
