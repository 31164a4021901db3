/* status.c - status codes, the per-thread last error message, checked allocation. */
#include <radnow/status.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char last_error[2048];

enum rn_status rn_error(enum rn_status st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return st;
}

enum rn_status rn_error_prefix(enum rn_status st, const char *fmt, ...)
{
  char prefix[1024], old[sizeof last_error];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, last_error, sizeof old);
  /* Truncation is acceptable: the message is for people. */
  size_t n = strlen(prefix);
  if (n > sizeof last_error - 3)
    n = sizeof last_error - 3;
  memcpy(last_error, prefix, n);
  memcpy(last_error + n, ": ", 2);
  n += 2;
  size_t m = strlen(old);
  if (m > sizeof last_error - 1 - n)
    m = sizeof last_error - 1 - n;
  memcpy(last_error + n, old, m);
  last_error[n + m] = '\0';
  return st;
}

const char *rn_errmsg(void) { return last_error; }

void rn_error_clear(void) { last_error[0] = '\0'; }

const char *rn_status_name(enum rn_status st)
{
  switch (st) {
  case RN_OK: return "ok";
  case RN_EUSAGE: return "usage error";
  case RN_ENOTFOUND: return "not found";
  case RN_EFORMAT: return "format error";
  case RN_EUNSUPPORTED: return "unsupported";
  case RN_EIO: return "I/O error";
  case RN_EWRITE: return "write error";
  case RN_ELOCKED: return "locked";
  case RN_ENOMEM: return "out of memory";
  case RN_EINTERNAL: return "internal error";
  }
  return "unknown status";
}

int rn_exit_code(enum rn_status st)
{
  switch (st) {
  case RN_OK: return RN_EXIT_OK;
  case RN_EUSAGE: return RN_EXIT_USAGE;
  case RN_ELOCKED: return RN_EXIT_LOCKED;
  case RN_EWRITE: return RN_EXIT_WRITE;
  case RN_ENOTFOUND: case RN_EFORMAT: case RN_EUNSUPPORTED: case RN_EIO:
  case RN_ENOMEM: case RN_EINTERNAL:
    return RN_EXIT_INPUT;
  }
  return RN_EXIT_INPUT;
}

void *rn_malloc(unsigned long long nbytes, const char *what)
{
  void *p = malloc(nbytes ? (size_t)nbytes : 1);
  if (!p)
    rn_error(RN_ENOMEM, "out of memory allocating %llu bytes for %s", nbytes, what);
  return p;
}

void *rn_calloc(unsigned long long n, unsigned long long size, const char *what)
{
  void *p = calloc(n ? (size_t)n : 1, size ? (size_t)size : 1);
  if (!p)
    rn_error(RN_ENOMEM, "out of memory allocating %llu x %llu bytes for %s", n, size, what);
  return p;
}

char *rn_strdup(const char *s)
{
  char *p;
  if (!s)
    return NULL;
  p = strdup(s);
  if (!p)
    rn_error(RN_ENOMEM, "out of memory copying a string");
  return p;
}
