/* log.c - timestamped log lines on stderr and a monotonic clock. */
#include <radnow/log.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_level = -1; /* -1: not yet read from RADNOW_LOG */

static const char *level_names[] = {"error", "warn", "info", "debug"};

int rn_log_parse_level(const char *name, enum rn_log_level *level)
{
  for (int i = 0; i < 4; i++)
    if (name && strcmp(name, level_names[i]) == 0) {
      *level = (enum rn_log_level)i;
      return 0;
    }
  return -1;
}

void rn_log_set_level(enum rn_log_level level) { log_level = (int)level; }

enum rn_log_level rn_log_get_level(void)
{
  if (log_level < 0) {
    enum rn_log_level l = RN_LOG_INFO;
    rn_log_parse_level(getenv("RADNOW_LOG"), &l);
    log_level = (int)l;
  }
  return (enum rn_log_level)log_level;
}

void rn_log(enum rn_log_level level, const char *fmt, ...)
{
  char stamp[32], line[4096];
  struct tm tm;
  time_t now;
  va_list ap;
  int n;

  if ((int)level > (int)rn_log_get_level())
    return;
  now = time(NULL);
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  n = snprintf(line, sizeof line, "%s radnow[%ld] %s: ", stamp, (long)getpid(), level_names[level]);
  va_start(ap, fmt);
  vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
  va_end(ap);
  /* One write per line, so lines of concurrent processes do not interleave. */
  fprintf(stderr, "%s\n", line);
}

double rn_clock(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
