/* meta.h - what the CINRAD and NEXRAD readers share besides rays: notes
 * for radnow info, the time stamp in a file name, GBK text (internal). */
#ifndef RADNOW_INGEST_META_H
#define RADNOW_INGEST_META_H

#include <stddef.h>
#include <radnow/ingest.h>

/* Append a sentence to d->notes ("; " between notes, truncated if full). */
void rn_note(struct rn_radar_data *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Time stamp in a file name, read as written (no time zone applied):
 * YYYYmmddHHMMSS or YYYYmmddHHMM (Z_RADR_I_ZG170_20260329064800_...),
 * YYYYmmdd_HHMMSS (Z9396_BASE_SB_20180724_055400, KLBB20160601_150025_V06),
 * YYYYmmddHH.MM (CINRAD/CC 2016070817.48V). The last one wins; 0 when found. */
int rn_name_time(const char *path, rn_time *t);

/* Set d->time_from_name (UTC, name_offset seconds subtracted for names in
 * local time) and, when it differs from the file's own time by a minute or
 * more, say so in the notes. The file's own time is the volume time. */
void rn_note_name_time(struct rn_radar_data *d, const char *path, long name_offset,
                       rn_time in_file);

/* n bytes of GBK (read as GB18030, its superset) text, NUL-padded, into
 * NUL-terminated UTF-8. Valid UTF-8 (and ASCII) is copied unchanged. Returns
 * 0, or -1 when iconv cannot convert (then non-ASCII bytes become '?'). */
int rn_gbk_to_utf8(const unsigned char *in, size_t n, char *out, size_t outsize);

#endif
