/* state.h - the rolling history of gridded frames, and the choice of the
 * frames a cycle runs from.
 *
 * On disk the state folder holds
 *   radnow.lock                    (lock.h)
 *   frames/frame_YYYYmmddHHMM.nc   one CF NetCDF frame per time (frame.h)
 *   inputs.tsv                     which input files made which frame (inputs.h)
 * Frame times are whole minutes (inputs are rounded to the nearest minute
 * when gridded), so "consecutive" means exactly one step apart. */
#ifndef RADNOW_STATE_H
#define RADNOW_STATE_H

#include <stddef.h>
#include <radnow/frame.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_MAX_INPUTS 256

struct rn_state {
  char dir[4096];    /* state folder */
  char frames[4096]; /* dir/frames */
};

/* Create the folders if needed. */
enum rn_status rn_state_open(struct rn_state *s, const char *dir);
void rn_state_frame_path(const struct rn_state *s, rn_time t, char *buf, size_t size);
int rn_state_has(const struct rn_state *s, rn_time t);
/* Write f as the frame of its time (atomically, replacing an older one). */
enum rn_status rn_state_put(const struct rn_state *s, const struct rn_frame *f);
enum rn_status rn_state_get(const struct rn_state *s, rn_time t, struct rn_frame *f);
/* Times of the frames on disk, ascending; *times is malloc'ed (NULL when n = 0). */
enum rn_status rn_state_list(const struct rn_state *s, rn_time **times, int *n);
/* Keep the newest `keep` frames at or before `now` and every frame after it
 * (a re-run of an older time must not delete newer history); delete the rest. */
enum rn_status rn_state_prune(const struct rn_state *s, rn_time now, int keep, int *removed);

/* Remove temporary files (".NAME.tmp.PID.N", publish.h) that a killed run
 * left in dir. Only call it with the lock held: then no writer is active. */
int rn_remove_stale_temporaries(const char *dir);

/* Which frames a cycle runs from. */
struct rn_selection {
  int n;                         /* frames chosen (= need on success) */
  rn_time times[RN_MAX_INPUTS];  /* ascending: times[n - 1] is the newest */
  rn_time expected;              /* the newest time the cycle hoped for */
  int late;                      /* 1 when times[n - 1] < expected */
  char comment[256];             /* for the products when late, else "" */
};

struct rn_select_params {
  int need;         /* consecutive frames wanted, 1..RN_MAX_INPUTS */
  long step;        /* seconds between frames */
  long max_age;     /* seconds: the newest chosen frame is at least now - max_age */
};

/* The newest time slot a cycle at `now` can expect: now - delay rounded down
 * to a multiple of step. */
rn_time rn_select_expected(rn_time now, long step, long delay);
/* From the available frame times (ascending, unique), choose the newest set of
 * `need` frames exactly `step` apart whose newest frame t0 satisfies
 * now - max_age <= t0 <= now. Fails with RN_ENOTFOUND and a message that lists
 * what there is when no such set exists. */
enum rn_status rn_select_frames(const rn_time *times, int ntimes, rn_time now, rn_time expected,
                                const struct rn_select_params *p, struct rn_selection *sel);

#ifdef __cplusplus
}
#endif
#endif
