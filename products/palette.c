/* palette.c - dBZ colour classes: the built-in table, palette files, and the
 * 256-entry table of the byte display encoding. */
#include <radnow/frame.h>
#include <radnow/palette.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Classic NWS WSR-88D base reflectivity ramp; etc/palettes/dbz.txt is the
 * same table as a file (a unit test keeps the two equal). */
static const struct rn_palette builtin = {
    .n = 15,
    .e = {{5, {4, 233, 231, 255}},
          {10, {1, 159, 244, 255}},
          {15, {3, 0, 244, 255}},
          {20, {2, 253, 2, 255}},
          {25, {1, 197, 1, 255}},
          {30, {0, 142, 0, 255}},
          {35, {253, 248, 2, 255}},
          {40, {229, 188, 0, 255}},
          {45, {253, 149, 0, 255}},
          {50, {253, 0, 0, 255}},
          {55, {212, 0, 0, 255}},
          {60, {188, 0, 0, 255}},
          {65, {248, 0, 253, 255}},
          {70, {152, 84, 198, 255}},
          {75, {253, 253, 253, 255}}},
    .noecho = {0, 0, 0, 0},
    .nodata = {0, 0, 0, 0},
};

const struct rn_palette *rn_palette_dbz(void)
{
  return &builtin;
}

/* Parse "R G B [A]" after the first word; 0 on success. */
static int parse_rgba(const char *s, unsigned char rgba[4])
{
  long v[4] = {0, 0, 0, 255};
  int n = 0;
  char *end;
  while (n < 5) {
    while (isspace((unsigned char)*s))
      s++;
    if (!*s)
      break;
    if (n == 4)
      return -1;
    errno = 0;
    v[n] = strtol(s, &end, 10);
    if (end == s || errno || v[n] < 0 || v[n] > 255)
      return -1;
    s = end;
    n++;
  }
  if (n < 3)
    return -1;
  for (int i = 0; i < 4; i++)
    rgba[i] = (unsigned char)v[i];
  return 0;
}

enum rn_status rn_palette_load(struct rn_palette *p, const char *path)
{
  FILE *f = fopen(path, "r");
  char line[512];
  int lineno = 0;
  if (!f)
    return rn_error(RN_ENOTFOUND, "palette: %s: %s", path, strerror(errno));
  memset(p, 0, sizeof *p);
  while (fgets(line, sizeof line, f)) {
    char word[64], *s = line, *hash = strchr(line, '#');
    int len = 0;
    lineno++;
    if (hash)
      *hash = '\0';
    while (isspace((unsigned char)*s))
      s++;
    if (!*s)
      continue;
    while (s[len] && !isspace((unsigned char)s[len]) && len < (int)sizeof word - 1) {
      word[len] = s[len];
      len++;
    }
    word[len] = '\0';
    s += len;
    if (strcmp(word, "noecho") == 0 || strcmp(word, "nodata") == 0) {
      if (parse_rgba(s, word[2] == 'e' ? p->noecho : p->nodata) != 0)
        goto bad;
    } else {
      char *end;
      float v = strtof(word, &end);
      struct rn_palette_entry *e;
      if (*end || !isfinite(v))
        goto bad;
      if (p->n == RN_PALETTE_MAX) {
        fclose(f);
        return rn_error(RN_EFORMAT, "palette: %s: line %d: more than %d classes", path, lineno,
                        RN_PALETTE_MAX);
      }
      if (p->n > 0 && !(v > p->e[p->n - 1].dbz)) {
        fclose(f);
        return rn_error(RN_EFORMAT, "palette: %s: line %d: bound %g does not ascend", path, lineno,
                        (double)v);
      }
      e = &p->e[p->n];
      e->dbz = v;
      if (parse_rgba(s, e->rgba) != 0)
        goto bad;
      p->n++;
    }
  }
  fclose(f);
  if (p->n == 0)
    return rn_error(RN_EFORMAT, "palette: %s: no colour classes", path);
  return RN_OK;
bad:
  fclose(f);
  return rn_error(RN_EFORMAT, "palette: %s: line %d: want 'DBZ R G B [A]', 'noecho R G B [A]' or "
                  "'nodata R G B [A]' with components 0-255", path, lineno);
}

void rn_palette_color(const struct rn_palette *p, float dbz, unsigned char rgba[4])
{
  const unsigned char *c = NULL;
  static const unsigned char clear[4] = {0, 0, 0, 0};
  if (isnan(dbz))
    c = p->nodata;
  else if (dbz <= RN_DBZ_NOECHO)
    c = p->noecho;
  else
    for (int i = p->n - 1; i >= 0; i--)
      if (dbz >= p->e[i].dbz) {
        c = p->e[i].rgba;
        break;
      }
  memcpy(rgba, c ? c : clear, 4);
}

void rn_palette_byte_table(const struct rn_palette *p, unsigned char table[256][4])
{
  rn_palette_color(p, RN_DBZ_NOECHO, table[0]);
  for (int v = 1; v < 255; v++)
    rn_palette_color(p, 0.5f * (float)v - 32.0f, table[v]);
  rn_palette_color(p, NAN, table[255]);
}
