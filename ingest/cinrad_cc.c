/* cinrad_cc.c - CINRAD/CC base data (C-band, files named YYYYmmddHH.MMV).
 *
 * Little-endian. A 1024-byte header: text fields in GBK (station name at 66,
 * station code at 106, "CINRAD/CC" at 116), longitude and latitude (i32 at
 * 168 and 172, 1/1000 arc-second), antenna height (i32 at 176, mm), start
 * and end time as bytes (year = 100 * y1 + y2) in LOCAL Beijing time
 * (UTC+8) at 184 and 192, scan mode at 199 (1 RHI, 10 PPI, 100 + n: volume
 * of n cuts), then 30 cut descriptions of 22 bytes at 218: maximum velocity
 * (cm/s), maximum range (10 m), gate length (2 m), gates, radials, rotation
 * rate, PRFs, pulse width, elevation (0.01 degree), ...
 * Data: per cut, per radial, reflectivity, velocity and width as 500 int16
 * each (3000 bytes), value / 10 in dBZ, m/s, m/s; -32768 marks no valid
 * value. Every gate of the 150 km ray is measured, so -32768 is read as
 * "nothing detected" (undetect), not as nodata.
 * Rays carry no azimuth: radial i of n covers [i, i + 1) * 360 / n degrees
 * from north and its centre (i + 0.5) * 360 / n is used; gate i covers
 * [i, i + 1) gate lengths, its centre (i + 0.5) gate lengths. The gate
 * length field counts 2 m units (150 for 300 m gates: 500 of them make the
 * 150 km maximum range of the cut). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "meta.h"
#include "reader.h"

#define HEADER 1024
#define CUT_PARAMS 218
#define MAX_CUTS 30
#define GATES 500
#define RADIAL_BYTES (3 * GATES * 2)
#define BEIJING (8 * 3600L)

static int probe(const char *path, const unsigned char *head, size_t n)
{
  (void)path;
  return n >= 125 && memcmp(head + 116, "CINRAD/CC", 9) == 0;
}

static enum rn_status header_time(const char *what, const unsigned char *p, const char *which,
                                  rn_time *t)
{
  int y = p[0] * 100 + p[1], mo = p[2], d = p[3], h = p[4], mi = p[5], s = p[6];
  if (y < 1990 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return rn_error(RN_EFORMAT, "%s: header: %s time %d-%d-%d %d:%d:%d is not a time", what, which,
                    y, mo, d, h, mi, s);
  *t = rn_time_from_fields(y, mo, d, h, mi, s) - BEIJING;
  return RN_OK;
}

static enum rn_status read_cc(const char *path, const struct rn_ingest_options *opt,
                              struct rn_radar_data *out)
{
  char what[1100], name[128], code[16];
  unsigned char *buf = NULL;
  size_t size = 0, need = HEADER, pos = HEADER;
  enum rn_status st;
  int mode, ncuts, want_q[3], nwant = 0;
  rn_time t_start, t_end;
  static const char *const quantity[3] = {"DBZH", "VRADH", "WRADH"};
  struct rn_volume *vol = &out->vol;

  snprintf(what, sizeof what, "cinrad: %s", path);
  if ((st = rn_read_whole_file(path, (size_t)1 << 30, &buf, &size, NULL)))
    return rn_error_prefix(st, "cinrad");
  if (size < HEADER) {
    st = rn_error(RN_EFORMAT, "%s: truncated: %zu bytes, the header alone is %d", what, size,
                  HEADER);
    goto done;
  }
  mode = buf[199];
  if (mode == 1) {
    st = rn_error(RN_EUNSUPPORTED, "%s: CINRAD/CC RHI files (scan mode 1) are not supported",
                  what);
    goto done;
  }
  if (mode != 10 && (mode <= 100 || mode > 100 + MAX_CUTS)) {
    st = rn_error(RN_EFORMAT, "%s: header: scan mode %d is none of 1 (RHI), 10 (PPI), 101-130",
                  what, mode);
    goto done;
  }
  ncuts = mode == 10 ? 1 : mode - 100;
  for (int c = 0; c < ncuts; c++) {
    const unsigned char *p = buf + CUT_PARAMS + 22 * c;
    int bins = rn_u16le(p + 6), rays = rn_u16le(p + 8), width = rn_u16le(p + 4);
    if (bins <= 0 || bins > GATES || rays <= 0 || rays > 4096 || width == 0) {
      st = rn_error(RN_EFORMAT, "%s: header: cut %d has %d radials of %d gates of %d m", what,
                    c + 1, rays, bins, 2 * width);
      goto done;
    }
    need += (size_t)rays * RADIAL_BYTES;
  }
  if (size < need) {
    st = rn_error(RN_EFORMAT,
                  "%s: truncated: %zu bytes, but the %d cuts the header describes need %zu", what,
                  size, ncuts, need);
    goto done;
  }
  if ((st = header_time(what, buf + 184, "start", &t_start)) ||
      (st = header_time(what, buf + 192, "end", &t_end)))
    goto done;

  for (int k = 0; k < 3; k++) {
    int w = opt && opt->all_quantities ? 1
            : opt && opt->quantity     ? strcmp(opt->quantity, quantity[k]) == 0
                                       : k == 0;
    if (w)
      want_q[nwant++] = k;
  }
  if (nwant == 0) {
    st = rn_error(RN_ENOTFOUND, "%s: no quantity %s in the file (DBZH, VRADH, WRADH)", what,
                  opt->quantity);
    goto done;
  }
  if ((st = rn_volume_alloc_sweeps(vol, ncuts)))
    goto done;
  for (int c = 0; c < ncuts; c++) {
    const unsigned char *p = buf + CUT_PARAMS + 22 * c;
    int bins = rn_u16le(p + 6), rays = rn_u16le(p + 8);
    struct rn_sweep *sw = &vol->sweeps[c];
    if ((st = rn_sweep_alloc(sw, rays, bins)))
      goto done;
    sw->elevation = rn_i16le(p + 18) / 100.0;
    sw->gate_spacing = 2.0 * rn_u16le(p + 4);
    sw->first_gate = 0.5 * sw->gate_spacing;
    sw->start_time = t_start; /* the format times the volume only */
    sw->end_time = t_end;
    for (int r = 0; r < rays; r++)
      sw->azimuth[r] = (r + 0.5) * 360.0 / rays;
    for (int k = 0; k < nwant; k++) {
      struct rn_moment *m;
      int q = want_q[k];
      if ((st = rn_sweep_add_moment(sw, quantity[q], &m)))
        goto done;
      for (int r = 0; r < rays; r++) {
        const unsigned char *in = buf + pos + (size_t)r * RADIAL_BYTES + (size_t)q * GATES * 2;
        for (int g = 0; g < bins; g++) {
          int v = rn_i16le(in + 2 * g);
          m->data[(size_t)r * bins + g] = v == -32768 ? RN_UNDETECT : v / 10.0f;
        }
      }
    }
    pos += (size_t)rays * RADIAL_BYTES;
  }
  rn_volume_sort_sweeps(vol);

  out->kind = RN_DATA_VOLUME;
  snprintf(out->format, sizeof out->format, "CINRAD/CC");
  snprintf(out->object, sizeof out->object, "%s", ncuts > 1 ? "PVOL" : "SCAN");
  snprintf(vol->format, sizeof vol->format, "CINRAD/CC");
  snprintf(vol->object, sizeof vol->object, "%s", out->object);
  rn_gbk_to_utf8(buf + 106, 10, code, sizeof code);
  if (rn_gbk_to_utf8(buf + 66, 40, name, sizeof name) != 0)
    rn_note(out, "station name is not valid GBK");
  snprintf(vol->source, sizeof vol->source, "NOD:%s,PLC:%s", code, name);
  vol->lon = rn_i32le(buf + 168) / 3.6e6;
  vol->lat = rn_i32le(buf + 172) / 3.6e6;
  vol->height = rn_i32le(buf + 176) / 1000.0;
  vol->time = t_start;
  if (!(fabs(vol->lat) <= 90 && fabs(vol->lon) <= 180)) {
    st = rn_error(RN_EFORMAT, "%s: header: site %g N %g E is not on the earth", what, vol->lat,
                  vol->lon);
    goto done;
  }
  rn_note(out, "header times are local Beijing time (UTC+8), converted to UTC");
  if (size > need)
    rn_note(out, "%zu bytes after the last cut ignored", size - need);
  rn_note_name_time(out, path, BEIJING, vol->time);
  if (out->time_from_name && llabs((long long)(out->time_from_name - t_end)) < 60)
    rn_note(out, "the file name holds the end time of the volume, in local time");
done:
  free(buf);
  return st;
}

const struct rn_reader rn_reader_cinrad_cc = {"cinrad-cc", probe, read_cc};
