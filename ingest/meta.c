/* meta.c - notes, file-name times and GBK text for the CINRAD/NEXRAD readers. */
#include "meta.h"

#include <ctype.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rn_note(struct rn_radar_data *d, const char *fmt, ...)
{
  size_t n = strlen(d->notes);
  va_list ap;
  if (n && n + 2 < sizeof d->notes) {
    memcpy(d->notes + n, "; ", 3);
    n += 2;
  }
  if (n + 1 >= sizeof d->notes)
    return;
  va_start(ap, fmt);
  vsnprintf(d->notes + n, sizeof d->notes - n, fmt, ap);
  va_end(ap);
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

static size_t run(const char *s)
{
  size_t n = 0;
  while (isdigit((unsigned char)s[n]))
    n++;
  return n;
}

static int make(int y, int mo, int d, int h, int mi, int s, rn_time *t)
{
  if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return -1;
  *t = rn_time_from_fields(y, mo, d, h, mi, s);
  return 0;
}

int rn_name_time(const char *path, rn_time *t)
{
  const char *base = strrchr(path, '/'), *p;
  int found = -1;
  base = base ? base + 1 : path;
  for (p = base; *p; p++) {
    int y, mo, d, h = 0, mi = 0, s = 0;
    size_t L;
    if (!isdigit((unsigned char)*p) || (p > base && isdigit((unsigned char)p[-1])))
      continue;
    L = run(p);
    if (L < 8)
      continue;
    digits(p, 4, &y);
    digits(p + 4, 2, &mo);
    digits(p + 6, 2, &d);
    if (L == 14 || L == 12) {
      digits(p + 8, 2, &h);
      digits(p + 10, 2, &mi);
      if (L == 14)
        digits(p + 12, 2, &s);
    } else if (L == 8 && p[8] == '_' && (run(p + 9) == 6 || run(p + 9) == 4)) {
      digits(p + 9, 2, &h);
      digits(p + 11, 2, &mi);
      if (run(p + 9) == 6)
        digits(p + 13, 2, &s);
    } else if (L == 10 && p[10] == '.' && run(p + 11) == 2) {
      digits(p + 8, 2, &h); /* CINRAD/CC: YYYYmmddHH.MM */
      digits(p + 11, 2, &mi);
    } else {
      continue;
    }
    if (make(y, mo, d, h, mi, s, t) == 0)
      found = 0;
  }
  return found;
}

void rn_note_name_time(struct rn_radar_data *d, const char *path, long name_offset,
                       rn_time in_file)
{
  rn_time t;
  char a[32], b[32];
  long diff;
  if (rn_name_time(path, &t) != 0)
    return;
  t -= name_offset;
  d->time_from_name = t;
  diff = (long)(t - in_file);
  if (diff >= 60 || diff <= -60)
    rn_note(d, "file name time %s differs from the file's own time %s by %+ld s: the file's time "
               "is used",
            rn_time_iso(t, a), rn_time_iso(in_file, b), diff);
}

static int valid_utf8(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t k;
    if (c < 0x80)
      k = 0;
    else if ((c & 0xe0) == 0xc0)
      k = 1;
    else if ((c & 0xf0) == 0xe0)
      k = 2;
    else if ((c & 0xf8) == 0xf0)
      k = 3;
    else
      return 0;
    if (i + k >= n && k > 0)
      return 0;
    for (size_t j = 1; j <= k; j++)
      if ((s[i + j] & 0xc0) != 0x80)
        return 0;
    i += k + 1;
  }
  return 1;
}

int rn_gbk_to_utf8(const unsigned char *in, size_t n, char *out, size_t outsize)
{
  size_t len = 0;
  iconv_t cd;
  char *ip, *op;
  size_t il, ol;
  if (outsize == 0)
    return -1;
  while (len < n && in[len])
    len++;
  while (len > 0 && in[len - 1] == ' ')
    len--;
  if (valid_utf8(in, len)) {
    size_t k = len < outsize - 1 ? len : outsize - 1;
    memcpy(out, in, k);
    out[k] = '\0';
    return 0;
  }
  cd = iconv_open("UTF-8", "GB18030");
  if (cd != (iconv_t)-1) {
    ip = (char *)in;
    il = len;
    op = out;
    ol = outsize - 1;
    if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) {
      *op = '\0';
      iconv_close(cd);
      return 0;
    }
    iconv_close(cd);
  }
  for (size_t i = 0; i < len && i + 1 < outsize; i++)
    out[i] = in[i] < 0x80 ? (char)in[i] : '?';
  out[len < outsize - 1 ? len : outsize - 1] = '\0';
  return -1;
}
