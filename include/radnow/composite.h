/* composite.h - several radars (or gridded inputs) merged onto one grid.
 *
 * Methods, per pixel, over the inputs that have data there (not NaN):
 *   max      the largest value (no echo, -32 dBZ, loses to any echo). Default.
 *   nearest  the value of the nearest radar (smallest ground range); inputs
 *            without a range field (gridded frames) rank behind every radar.
 * A pixel no input covers stays nodata (NaN); a pixel where every input
 * says no echo is no echo.
 *
 *   struct rn_composite c;
 *   rn_composite_begin(&c, &grid, RN_COMPOSITE_MAX);
 *   rn_composite_add(&c, &frame_a, range_a);     range_a from rn_polar2grid
 *   rn_composite_add(&c, &frame_b, NULL);
 *   rn_composite_end(&c, &out);                  out owns the result
 *
 * or, for volumes, rn_composite_volumes(). */
#ifndef RADNOW_COMPOSITE_H
#define RADNOW_COMPOSITE_H

#include <radnow/frame.h>
#include <radnow/polar2grid.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rn_composite_method { RN_COMPOSITE_MAX = 0, RN_COMPOSITE_NEAREST };

/* "max", "nearest". */
enum rn_status rn_composite_parse(const char *s, enum rn_composite_method *m);

struct rn_composite {
  enum rn_composite_method method;
  struct rn_frame frame; /* the composite so far */
  float *range;          /* nearest: range of the radar each pixel came from */
  int count;             /* inputs added */
};

enum rn_status rn_composite_begin(struct rn_composite *c, const struct rn_grid *grid,
                                  enum rn_composite_method method);
/* Merge f (on the composite's grid, rn_grid_same) into c. range: nx * ny
 * ground ranges of f's radar (NaN outside), or NULL. The composite takes the
 * quantity of the first input and the latest time; sources are listed. */
enum rn_status rn_composite_add(struct rn_composite *c, const struct rn_frame *f,
                                const float *range);
/* Hand the composite over to out (product "composite" when more than one
 * input); c is emptied. */
void rn_composite_end(struct rn_composite *c, struct rn_frame *out);
void rn_composite_free(struct rn_composite *c);

/* Grid each volume with opt (lookup tables from cache, which may be NULL)
 * and composite them onto grid. */
enum rn_status rn_composite_volumes(const struct rn_volume *const *vols, int n,
                                    const char *quantity, const struct rn_grid *grid,
                                    const struct rn_p2g_options *opt,
                                    enum rn_composite_method method,
                                    struct rn_lut_cache *cache, struct rn_frame *out);

#ifdef __cplusplus
}
#endif
#endif
