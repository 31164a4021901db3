/* publish.c - write-to-temporary, fsync, rename. */
#include <radnow/publish.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned publish_counter;

enum rn_status rn_publish_begin(const char *final_path, char *tmp_path, size_t size)
{
  const char *slash = strrchr(final_path, '/');
  int dirlen = slash ? (int)(slash - final_path + 1) : 0;
  const char *name = slash ? slash + 1 : final_path;
  unsigned n = __atomic_fetch_add(&publish_counter, 1, __ATOMIC_RELAXED);
  int len = snprintf(tmp_path, size, "%.*s.%s.tmp.%ld.%u", dirlen, final_path, name,
                     (long)getpid(), n);
  if (len < 0 || (size_t)len >= size)
    return rn_error(RN_EWRITE, "%s: path too long", final_path);
  return RN_OK;
}

static enum rn_status fsync_path(const char *path, int directory)
{
  int fd = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0)
    return rn_error(RN_EWRITE, "%s: %s", path, strerror(errno));
  if (fsync(fd) != 0 && errno != EINVAL) {
    int e = errno;
    close(fd);
    return rn_error(RN_EWRITE, "%s: fsync: %s", path, strerror(e));
  }
  close(fd);
  return RN_OK;
}

enum rn_status rn_publish_commit(const char *tmp_path, const char *final_path)
{
  enum rn_status st = fsync_path(tmp_path, 0);
  char *copy, *dir;
  if (st) {
    unlink(tmp_path);
    return st;
  }
  if (rename(tmp_path, final_path) != 0) {
    int e = errno;
    unlink(tmp_path);
    return rn_error(RN_EWRITE, "%s: rename: %s", final_path, strerror(e));
  }
  copy = rn_strdup(final_path);
  if (!copy)
    return RN_ENOMEM;
  dir = dirname(copy);
  st = fsync_path(dir, 1);
  free(copy);
  return st;
}

void rn_publish_abort(const char *tmp_path)
{
  if (tmp_path && *tmp_path)
    unlink(tmp_path);
}

/* The temporary file could not be created: say which folder is the problem. */
static enum rn_status folder_error(const char *final_path, int err)
{
  const char *slash = strrchr(final_path, '/');
  if (!slash || (err != ENOENT && err != ENOTDIR && err != EACCES && err != EROFS))
    return rn_error(RN_EWRITE, "%s: %s", final_path, strerror(err));
  return rn_error(RN_EWRITE, "%s: folder %.*s: %s", final_path,
                  slash == final_path ? 1 : (int)(slash - final_path), final_path, strerror(err));
}

enum rn_status rn_publish_buffer(const char *final_path, const void *data, size_t size)
{
  char tmp[4096];
  enum rn_status st = rn_publish_begin(final_path, tmp, sizeof tmp);
  const char *p = data;
  int fd;
  if (st)
    return st;
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return folder_error(final_path, errno);
  while (size > 0) {
    ssize_t w = write(fd, p, size);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      int e = w < 0 ? errno : ENOSPC;
      close(fd);
      unlink(tmp);
      return rn_error(RN_EWRITE, "%s: %s", final_path, strerror(e));
    }
    p += w;
    size -= (size_t)w;
  }
  if (close(fd) != 0) {
    int e = errno;
    unlink(tmp);
    return rn_error(RN_EWRITE, "%s: %s", final_path, strerror(e));
  }
  return rn_publish_commit(tmp, final_path);
}

enum rn_status rn_mkdirs(const char *path)
{
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf)
    return rn_error(RN_EWRITE, "%s: bad folder name", path);
  memcpy(buf, path, n + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
      return rn_error(RN_EWRITE, "%s: %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0755) != 0 && errno != EEXIST)
    return rn_error(RN_EWRITE, "%s: %s", buf, strerror(errno));
  return RN_OK;
}
