/* utctime.c - parsing and printing UTC times. */
#define _GNU_SOURCE /* timegm */
#include <radnow/utctime.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

rn_time rn_time_from_fields(int year, int mon, int day, int hour, int min, int sec)
{
  struct tm tm = {0};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return (rn_time)timegm(&tm);
}

static int digits(const char *s, int n, int *v)
{
  *v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return -1;
    *v = *v * 10 + (s[i] - '0');
  }
  return 0;
}

static int valid(int y, int mo, int d, int h, int mi, int s)
{
  return y >= 1900 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 &&
         h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

enum rn_status rn_time_parse(const char *s, rn_time *t)
{
  int y, mo, d, h = 0, mi = 0, sec = 0;
  size_t n = s ? strlen(s) : 0;
  if (n >= 16 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') && s[13] == ':') {
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi))
      goto bad;
    if (n >= 19 && s[16] == ':' && digits(s + 17, 2, &sec))
      goto bad;
    if (n > 20 || (n == 17 && s[16] != 'Z') || (n == 20 && s[19] != 'Z') || n == 18)
      goto bad;
  } else if (n == 8 || n == 12 || n == 14) {
    if (digits(s, 4, &y) || digits(s + 4, 2, &mo) || digits(s + 6, 2, &d))
      goto bad;
    if (n >= 12 && (digits(s + 8, 2, &h) || digits(s + 10, 2, &mi)))
      goto bad;
    if (n == 14 && digits(s + 12, 2, &sec))
      goto bad;
  } else {
    goto bad;
  }
  if (!valid(y, mo, d, h, mi, sec))
    goto bad;
  *t = rn_time_from_fields(y, mo, d, h, mi, sec);
  return RN_OK;
bad:
  return rn_error(RN_EUSAGE, "'%s' is not a time (YYYYmmddHHMM or YYYY-mm-ddTHH:MM:SSZ)",
                  s ? s : "");
}

enum rn_status rn_time_from_date_time(const char *date, const char *time, rn_time *t)
{
  int y, mo, d, h, mi, sec = 0;
  size_t nt = time ? strlen(time) : 0;
  if (!date || strlen(date) != 8 || digits(date, 4, &y) || digits(date + 4, 2, &mo) ||
      digits(date + 6, 2, &d) || (nt != 4 && nt != 6) || digits(time, 2, &h) ||
      digits(time + 2, 2, &mi) || (nt == 6 && digits(time + 4, 2, &sec)) ||
      !valid(y, mo, d, h, mi, sec))
    return rn_error(RN_EFORMAT, "date '%s' time '%s' is not YYYYmmdd HHMMSS", date ? date : "",
                    time ? time : "");
  *t = rn_time_from_fields(y, mo, d, h, mi, sec);
  return RN_OK;
}

char *rn_time_iso(rn_time t, char *buf)
{
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

char *rn_time_compact(rn_time t, char *buf)
{
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, 13, "%Y%m%d%H%M", &tm);
  return buf;
}

int rn_time_from_filename(const char *path, rn_time *t)
{
  const char *base = strrchr(path, '/');
  int found = -1;
  base = base ? base + 1 : path;
  for (const char *p = base; *p; p++) {
    int y, mo, d, h, mi;
    if (p != base && isdigit((unsigned char)p[-1]))
      continue;
    if (strlen(p) < 12 || digits(p, 4, &y) || digits(p + 4, 2, &mo) || digits(p + 6, 2, &d) ||
        digits(p + 8, 2, &h) || digits(p + 10, 2, &mi) || !valid(y, mo, d, h, mi, 0))
      continue;
    *t = rn_time_from_fields(y, mo, d, h, mi, 0);
    found = 0;
  }
  return found;
}
