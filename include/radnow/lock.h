/* lock.h - one operational run at a time.
 *
 * `radnow run` takes an exclusive flock(2) on STATE_DIR/radnow.lock before it
 * touches the state or the products. A second run does not wait: it fails at
 * once with RN_ELOCKED (exit code 3) and a message naming the holder. The
 * kernel drops the lock when the holder exits, however it exits (SIGKILL
 * included), so a stale lock file never blocks the next run. */
#ifndef RADNOW_LOCK_H
#define RADNOW_LOCK_H

#include <radnow/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_LOCK_NAME "radnow.lock"

struct rn_lock {
  int fd;          /* -1 when not held */
  char path[4096];
};

/* Create dir if needed and lock dir/radnow.lock. The lock file then holds
 * "PID START_TIME" of the holder, which the message of a refused run quotes. */
enum rn_status rn_lock_acquire(struct rn_lock *lk, const char *dir);
/* Release (no-op when not held). */
void rn_lock_release(struct rn_lock *lk);

#ifdef __cplusplus
}
#endif
#endif
