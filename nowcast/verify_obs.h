/* verify_obs.h - the inputs of radnow verify: lists of files found in
 * folders, and the observations indexed by time, read (or gridded from raw
 * radar files onto the forecast grid) when first needed, and cached. */
#ifndef RADNOW_VERIFY_OBS_H
#define RADNOW_VERIFY_OBS_H

#include <radnow/frame.h>
#include <radnow/gridding.h>
#include <radnow/utctime.h>

struct paths {
  char **v;
  int n, cap;
};

enum rn_status vpaths_add(struct paths *p, const char *s);
void vpaths_free(struct paths *p);
int vhas_suffix(const char *s, const char *suf);
/* strcmp for qsort over char *. */
int vcmp_str(const void *a, const void *b);
/* Regular files below path (sorted, hidden names skipped), or path itself;
 * with suffix, only names ending in it. */
enum rn_status vpaths_expand(const char *path, const char *suffix, struct paths *out, int depth);

/* Observation files are frame files (used as they are, on the forecast grid)
 * or raw radar files of any format the readers know: polar volumes are
 * gridded onto the forecast grid with the [grid] options (product, method,
 * beam model; the grid itself is the forecast's), gridded files resampled
 * onto it, and several files of one time composited. */
struct obs_entry {
  rn_time time;
  int order; /* position on the command line: the first of equal times wins */
  int raw;   /* 1 a raw radar file, 0 a frame file, -1 not opened yet */
  const char *path;
};

#define OBS_CACHE 48

struct obs_set {
  struct paths files;
  struct obs_entry *e;
  int n;
  struct rn_gridding_options gopt;
  struct rn_lut_cache *luts;
  int tolerance; /* seconds between a valid time and the observation matched to it */
  struct {
    rn_time time;
    struct rn_frame frame;
    unsigned long used;
  } cache[OBS_CACHE];
  int ncache;
  unsigned long tick;
};

/* Time every file of o->files (from its name, or else its content). */
enum rn_status vobs_index(struct obs_set *o);
/* The observation nearest to t within o->tolerance, on grid g (fc_path names
 * the forecast in messages): *f NULL when there is none. *f stays valid
 * until OBS_CACHE other times have been asked for. */
enum rn_status vobs_get(struct obs_set *o, rn_time t, const struct rn_grid *g,
                        const char *fc_path, const struct rn_frame **f);
void vobs_free(struct obs_set *o);

#endif
