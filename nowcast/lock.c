/* lock.c - flock(2) on a lock file in the state folder.
 *
 * flock, not a PID file: the lock lives in the kernel and dies with the
 * process, so a run killed with SIGKILL never leaves a lock behind. The PID
 * written into the file is only there for the message of a refused run. */
#include <radnow/lock.h>
#include <radnow/publish.h>
#include <radnow/utctime.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

enum rn_status rn_lock_acquire(struct rn_lock *lk, const char *dir)
{
  char info[96], iso[32];
  int fd, len;
  enum rn_status st;

  lk->fd = -1;
  len = snprintf(lk->path, sizeof lk->path, "%s/%s", dir, RN_LOCK_NAME);
  if (len < 0 || (size_t)len >= sizeof lk->path)
    return rn_error(RN_EUSAGE, "lock: %s: path too long", dir);
  st = rn_mkdirs(dir);
  if (st)
    return st;
  /* Opened read-write without O_TRUNC: the holder's PID must survive our open. */
  fd = open(lk->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return rn_error(RN_EWRITE, "lock: %s: %s", lk->path, strerror(errno));
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR)
      continue;
    if (errno == EWOULDBLOCK) {
      char holder[96] = "";
      ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
      holder[n > 0 ? n : 0] = '\0';
      holder[strcspn(holder, "\n")] = '\0';
      close(fd);
      return rn_error(RN_ELOCKED, "lock: %s: another radnow run holds the lock (%s)", lk->path,
                      holder[0] ? holder : "holder unknown");
    }
    int e = errno;
    close(fd);
    return rn_error(RN_EWRITE, "lock: %s: flock: %s", lk->path, strerror(e));
  }
  /* Informational only: failure to write it does not matter. */
  len = snprintf(info, sizeof info, "pid %ld since %s\n", (long)getpid(),
                 rn_time_iso((rn_time)time(NULL), iso));
  if (ftruncate(fd, 0) == 0 && pwrite(fd, info, (size_t)len, 0) < 0)
    info[0] = '\0';
  lk->fd = fd;
  return RN_OK;
}

void rn_lock_release(struct rn_lock *lk)
{
  if (lk->fd < 0)
    return;
  /* The file stays: removing it would race with a run that has it open and
   * is about to lock it (it would lock an unlinked inode). */
  flock(lk->fd, LOCK_UN);
  close(lk->fd);
  lk->fd = -1;
}
