/* utctime.h - UTC times as seconds since 1970-01-01 (int64).
 * radnow is UTC everywhere; file names carry YYYYmmddHHMM. */
#ifndef RADNOW_UTCTIME_H
#define RADNOW_UTCTIME_H

#include <stdint.h>
#include <radnow/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t rn_time;

/* Parse YYYYmmddHHMM, YYYYmmddHHMMSS, YYYYmmdd (ODIM date + time strings
 * joined), or ISO 8601 "YYYY-mm-ddTHH:MM[:SS][Z]". */
enum rn_status rn_time_parse(const char *s, rn_time *t);
/* ODIM what/date (YYYYmmdd) and what/time (HHMMSS). */
enum rn_status rn_time_from_date_time(const char *date, const char *time, rn_time *t);
rn_time rn_time_from_fields(int year, int mon, int day, int hour, int min, int sec);

/* "2020-02-07T13:00:00Z" into buf (at least 21 bytes). */
char *rn_time_iso(rn_time t, char *buf);
/* "202002071300" into buf (at least 13 bytes). */
char *rn_time_compact(rn_time t, char *buf);

/* Find a YYYYmmddHHMM stamp in a file name (the last one); 0 if found. */
int rn_time_from_filename(const char *path, rn_time *t);

#ifdef __cplusplus
}
#endif
#endif
