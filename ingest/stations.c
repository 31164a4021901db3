/* stations.c - site coordinates from --site or the station table. */
#include <radnow/stations.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set by ingest/local.mk. */
#ifndef RN_PKGDATADIR
#define RN_PKGDATADIR "/usr/local/share/radnow"
#endif
#ifndef RN_SRC_ETCDIR
#define RN_SRC_ETCDIR "etc"
#endif

static int parse_double(const char *s, const char **end, double *v)
{
  char *e;
  errno = 0;
  *v = strtod(s, &e);
  if (e == s || errno)
    return -1;
  *end = e;
  return 0;
}

enum rn_status rn_site_parse(const char *s, struct rn_site *site)
{
  const char *p = s;
  double v[3];
  memset(site, 0, sizeof *site);
  for (int i = 0; i < 3; i++) {
    while (*p == ' ')
      p++;
    if (parse_double(p, &p, &v[i]))
      goto bad;
    while (*p == ' ')
      p++;
    if (i < 2 && *p++ != ',')
      goto bad;
  }
  if (*p || v[0] < -90 || v[0] > 90 || v[1] < -180 || v[1] > 360 || v[2] < -500 || v[2] > 9000)
    goto bad;
  site->lat = v[0];
  site->lon = v[1] > 180 ? v[1] - 360 : v[1];
  site->height = v[2];
  snprintf(site->source, sizeof site->source, "--site %s", s);
  return RN_OK;
bad:
  return rn_error(RN_EUSAGE,
                  "site '%s' is not LAT,LON,HEIGHT (degrees north, degrees east, metres above sea "
                  "level)",
                  s);
}

static int readable(const char *path)
{
  return path && *path && access(path, R_OK) == 0;
}

const char *rn_stations_path(const char *given)
{
  static const char installed[] = RN_PKGDATADIR "/stations.csv";
  static const char source[] = RN_SRC_ETCDIR "/stations.csv";
  const char *env = getenv("RADNOW_STATIONS");
  if (given && *given)
    return given; /* explicit: errors should name it even when unreadable */
  if (env && *env)
    return env;
  if (readable(installed))
    return installed;
  if (readable(source))
    return source;
  return NULL;
}

/* Split one CSV line into up to n fields (quotes "..." allowed, "" inside). */
static int csv_fields(char *line, char **f, int n)
{
  int k = 0;
  char *p = line;
  while (k < n) {
    char *out;
    while (*p == ' ' || *p == '\t')
      p++;
    f[k++] = out = p;
    if (*p == '"') {
      f[k - 1] = out = ++p;
      while (*p && !(*p == '"' && p[1] != '"')) {
        if (*p == '"')
          p++;
        *out++ = *p++;
      }
      if (*p == '"')
        p++;
      while (*p && *p != ',')
        p++;
    } else {
      while (*p && *p != ',')
        *out++ = *p++;
      while (out > f[k - 1] && (out[-1] == ' ' || out[-1] == '\r' || out[-1] == '\n'))
        out--;
    }
    if (*p == ',') {
      *out = '\0';
      p++;
    } else {
      *out = '\0';
      break;
    }
  }
  return k;
}

enum rn_status rn_stations_lookup(const char *table, const char *code, struct rn_site *site)
{
  FILE *f = fopen(table, "r");
  char line[2048];
  int lineno = 0;
  if (!f) /* RN_EIO, not RN_ENOTFOUND, which means "code not in the table" */
    return rn_error(RN_EIO, "station table %s: %s", table, strerror(errno));
  while (fgets(line, sizeof line, f)) {
    char *fld[6];
    double lat, lon, h;
    const char *e1, *e2, *e3;
    lineno++;
    if (line[0] == '#' || line[0] == '\n' || line[0] == '\r')
      continue;
    if (csv_fields(line, fld, 6) < 5 || strcmp(fld[0], "code") == 0)
      continue;
    if (strcmp(fld[0], code) != 0)
      continue;
    if (parse_double(fld[2], &e1, &lat) || *e1 || parse_double(fld[3], &e2, &lon) || *e2 ||
        parse_double(fld[4], &e3, &h) || *e3 || lat < -90 || lat > 90 || lon < -180 || lon > 360) {
      fclose(f);
      return rn_error(RN_EFORMAT, "station table %s: line %d: '%s' has no valid LAT,LON,HEIGHT",
                      table, lineno, code);
    }
    memset(site, 0, sizeof *site);
    snprintf(site->code, sizeof site->code, "%s", fld[0]);
    snprintf(site->name, sizeof site->name, "%s", fld[1]);
    site->lat = lat;
    site->lon = lon > 180 ? lon - 360 : lon;
    site->height = h;
    snprintf(site->source, sizeof site->source, "station table %s line %d", table, lineno);
    fclose(f);
    return RN_OK;
  }
  fclose(f);
  return rn_error(RN_ENOTFOUND, "station %s is not in the station table %s", code, table);
}

static int is_station_code(const char *t, size_t n)
{
  int digit = 0;
  if (n != 5 || t[0] != 'Z')
    return 0;
  for (size_t i = 1; i < n; i++) {
    if (!isupper((unsigned char)t[i]) && !isdigit((unsigned char)t[i]))
      return 0;
    digit |= isdigit((unsigned char)t[i]) != 0;
  }
  return digit;
}

int rn_station_code_from_name(const char *path, char *code, size_t n)
{
  const char *base = strrchr(path, '/'), *p;
  base = base ? base + 1 : path;
  p = base;
  while (*p) {
    size_t len = strcspn(p, "_-.");
    if (is_station_code(p, len) && len < n) {
      memcpy(code, p, len);
      code[len] = '\0';
      return 0;
    }
    p += len;
    if (*p)
      p++;
  }
  return -1;
}

enum rn_status rn_site_for_file(const char *path, const char *file_code,
                                const struct rn_ingest_options *opt, const char *what,
                                struct rn_site *site)
{
  char code[16] = "";
  const char *table;
  enum rn_status st;
  int have_code = 0;
  if (file_code && *file_code) {
    snprintf(code, sizeof code, "%s", file_code);
    have_code = 1;
  } else {
    have_code = rn_station_code_from_name(path, code, sizeof code) == 0;
  }
  if (opt && opt->site && *opt->site) {
    if ((st = rn_site_parse(opt->site, site)))
      return rn_error_prefix(st, "%s", what);
    snprintf(site->code, sizeof site->code, "%s", code);
    return RN_OK;
  }
  if (!have_code)
    return rn_error(RN_EUSAGE,
                    "%s: the file has no site coordinates and its name holds no station code "
                    "(like Z9396): give the site (--site LAT,LON,HEIGHT, or [input] site)",
                    what);
  table = rn_stations_path(opt ? opt->stations : NULL);
  if (!table)
    return rn_error(RN_EUSAGE,
                    "%s: the file has no site coordinates and no station table was found for "
                    "station %s: give the site (--site LAT,LON,HEIGHT, or [input] site) or set "
                    "RADNOW_STATIONS",
                    what, code);
  st = rn_stations_lookup(table, code, site);
  if (st == RN_ENOTFOUND)
    return rn_error(RN_EUSAGE,
                    "%s: the file has no site coordinates and station %s is not in %s: give "
                    "the site (--site LAT,LON,HEIGHT, or [input] site)",
                    what, code, table);
  if (st)
    return rn_error_prefix(st, "%s", what);
  return RN_OK;
}
