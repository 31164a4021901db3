/* encoding.c - named pixel-to-dBZ encodings of gridded rasters. */
#include "encoding.h"

#include <math.h>
#include <radnow/frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  double gain, offset;
  int has_nodata, has_undetect;
  double nodata, undetect;
} named[] = {
    {"odim-byte", 0.5, -32.0, 1, 1, 255, 0}, {"hko7", 70.0 / 255.0, -10.0, 0, 1, 0, 0},
    {"radar-echo", 0.5, 15.0, 0, 1, 0, 0},   {"cikm", 95.0 / 255.0, -10.0, 0, 1, 0, 0},
    {"dbz", 1.0, 0.0, 0, 0, 0, 0},
};

#define KNOWN "odim-byte, hko7, radar-echo, cikm, dbz, linear:GAIN,OFFSET"

void rn_encoding_linear(struct rn_encoding *e, double gain, double offset)
{
  memset(e, 0, sizeof *e);
  snprintf(e->name, sizeof e->name, "linear:%g,%g", gain, offset);
  e->gain = gain;
  e->offset = offset;
}

static int number(const char *s, double *v)
{
  char *end;
  if (!*s)
    return -1;
  *v = strtod(s, &end);
  return *end || !isfinite(*v) ? -1 : 0;
}

enum rn_status rn_encoding_parse(const char *spec, struct rn_encoding *e)
{
  char buf[256], *tok, *save = NULL;
  int first = 1, found = 0;
  memset(e, 0, sizeof *e);
  if (!spec || !*spec || strlen(spec) >= sizeof buf)
    return rn_error(RN_EUSAGE, "encoding '%s': empty or too long (known: " KNOWN ")",
                    spec ? spec : "");
  snprintf(buf, sizeof buf, "%s", spec);
  snprintf(e->name, sizeof e->name, "%s", spec);
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), first = 0) {
    if (first) {
      if (strncmp(tok, "linear:", 7) == 0) {
        char *off = strtok_r(NULL, ",", &save);
        if (number(tok + 7, &e->gain) || !off || number(off, &e->offset) || e->gain == 0)
          return rn_error(RN_EUSAGE, "encoding '%s': want linear:GAIN,OFFSET with numbers", spec);
        found = 1;
        continue;
      }
      for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(tok, named[i].name) == 0) {
          e->gain = named[i].gain;
          e->offset = named[i].offset;
          e->has_nodata = named[i].has_nodata;
          e->nodata = named[i].nodata;
          e->has_undetect = named[i].has_undetect;
          e->undetect = named[i].undetect;
          found = 1;
        }
      if (!found)
        return rn_error(RN_EUSAGE, "encoding '%s' is not known (known: " KNOWN ")", tok);
      continue;
    }
    int is_nodata = strncmp(tok, "nodata=", 7) == 0,
        is_undetect = strncmp(tok, "undetect=", 9) == 0;
    const char *val = is_nodata ? tok + 7 : tok + 9;
    double v = 0;
    if (!is_nodata && !is_undetect)
      return rn_error(RN_EUSAGE, "encoding '%s': '%s' is neither nodata=V nor undetect=V", spec,
                      tok);
    int none = strcmp(val, "none") == 0;
    if (!none && number(val, &v))
      return rn_error(RN_EUSAGE, "encoding '%s': '%s' is not a number", spec, val);
    if (is_nodata) {
      e->has_nodata = !none;
      e->nodata = v;
    } else {
      e->has_undetect = !none;
      e->undetect = v;
    }
  }
  return RN_OK;
}

float rn_encoding_apply(const struct rn_encoding *e, double p)
{
  double v;
  if (p != p || (e->has_nodata && p == e->nodata))
    return NAN;
  if (e->has_undetect && p == e->undetect)
    return RN_DBZ_NOECHO;
  v = e->gain * p + e->offset;
  if (v != v)
    return NAN;
  return v < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : (float)v;
}

void rn_encoding_describe(const struct rn_encoding *e, char *buf, int size)
{
  char nd[32] = "none", ud[32] = "none";
  if (e->has_nodata)
    snprintf(nd, sizeof nd, "%g", e->nodata);
  if (e->has_undetect)
    snprintf(ud, sizeof ud, "%g", e->undetect);
  snprintf(buf, (size_t)size, "%s: dBZ = %.6g p %+.6g, nodata %s, undetect %s", e->name, e->gain,
           e->offset, nd, ud);
}
