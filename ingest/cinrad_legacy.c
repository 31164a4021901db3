/* cinrad_legacy.c - CINRAD SA/SB, CA/CB and SC base data: fixed-size
 * radial records in the WSR-88D message 1 layout, little-endian, no file
 * header, no site coordinates.
 *
 *   record size  variant   reflectivity        velocity, width
 *   2432 bytes   SA/SB     460 gates of 1 km   920 gates of 250 m
 *   4132 bytes   CA/CB     800                 1600
 *   3132 bytes   SC        1000                1000 each
 * (gate counts and lengths are read from each record; the table is typical).
 * The record size is found from the content: every record starts with a
 * message header whose type (u16 at byte 14) is 1.
 *
 * Range: the "range to first gate" fields are taken as the range to the
 * near edge of gate 0. With both at 0 (as CINRAD writes them) the four
 * 250 m Doppler gates then tile each 1 km reflectivity gate exactly; read
 * as gate centres they would not. Gate centres are therefore at
 * first + (i + 0.5) * gate length.
 * Times: days since 1970 (1 = 1970-01-01) and milliseconds of the day, UTC.
 * Site: none in the file; see radnow/stations.h. */
#include <radnow/stations.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cuts.h"
#include "meta.h"
#include "msg1.h"
#include "reader.h"

#define MAX_BYTES ((size_t)1 << 30)

static const struct variant {
  size_t size;
  const char *format, *version;
} variants[] = {
    {2432, "CINRAD/SA-SB", "2432-byte"},
    {3132, "CINRAD/SC", "3132-byte"},
    {4132, "CINRAD/CA-CB", "4132-byte"},
};

static int is_record(const unsigned char *p) { return rn_u16le(p + 14) == 1; }

/* A plausible first record: message type 1, a known radial status, gate
 * data inside the largest record size. */
static int plausible(const unsigned char *h, size_t n)
{
  struct rn_msg1 m;
  const char *why;
  if (n < RN_MSG1_HEADER + RN_MSG1_DATA_HEADER || !is_record(h))
    return 0;
  if (n >= 4 && memcmp(h, "AR2V", 4) == 0)
    return 0;
  if (rn_msg1_parse(h, 4132, 0, &m, &why) != 0)
    return 0;
  return m.radial_status <= 4 && m.elevation_number <= 64 && m.ngates_r + m.ngates_v > 0 &&
         m.ngates_r <= 4000 && m.ngates_v <= 4000 && m.gate_r <= 10000 && m.gate_v <= 10000;
}

static int probe(const char *path, const unsigned char *head, size_t n)
{
  (void)path;
  if (!plausible(head, n))
    return 0;
  /* Where the head reaches a second record, it must be one. */
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    size_t s = variants[i].size;
    if (n >= s + 16 && is_record(head + s))
      return 1;
  }
  return n < 2432 + 16 || n < 4132 + 16;
}

/* Whether every full record of size s starts with a radial header. */
static int all_records(const unsigned char *buf, size_t size, size_t s)
{
  for (size_t r = 0; r < size / s; r++)
    if (!is_record(buf + r * s))
      return 0;
  return size >= s;
}

/* The record size whose every record start holds a radial header. A size
 * that fits all full records but leaves a partial one means truncation,
 * unless another size divides the file exactly. */
static enum rn_status record_size(const char *what, const unsigned char *buf, size_t size,
                                  const struct variant **out)
{
  const struct variant *partial = NULL;
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    const struct variant *v = &variants[i];
    if (!all_records(buf, size, v->size))
      continue;
    if (size % v->size == 0) {
      *out = v;
      return RN_OK;
    }
    if (!partial)
      partial = v;
  }
  if (partial)
    return rn_error(RN_EFORMAT,
                    "%s: truncated: the file ends %zu bytes into record %zu (%s records are %zu "
                    "bytes)",
                    what, size % partial->size, size / partial->size + 1, partial->format,
                    partial->size);
  return rn_error(RN_EFORMAT,
                  "%s: wrong record size: records of 2432, 3132 or 4132 bytes do not each start "
                  "with a radial header",
                  what);
}

static enum rn_status read_legacy(const char *path, const struct rn_ingest_options *opt,
                                  struct rn_radar_data *out)
{
  char what[1100];
  unsigned char *buf = NULL;
  size_t size = 0;
  const struct variant *v = NULL;
  struct rn_cuts cuts;
  struct rn_site site;
  enum rn_status st;
  int cur_elev = -1, vcp = 0, after_end = 0;
  double t0 = NAN;
  size_t nrec, r;

  snprintf(what, sizeof what, "cinrad: %s", path);
  rn_cuts_init(&cuts, what, opt);
  if ((st = rn_read_whole_file(path, MAX_BYTES, &buf, &size, NULL)))
    return rn_error_prefix(st, "cinrad");
  if ((st = record_size(what, buf, size, &v)))
    goto done;
  nrec = size / v->size;
  for (r = 0; r < nrec; r++) {
    const unsigned char *rec = buf + r * v->size;
    struct rn_msg1 m;
    const char *why;
    int ray;
    double t;
    if (rn_msg1_parse(rec, v->size, 0, &m, &why)) {
      st = rn_error(RN_EFORMAT, "%s: record %zu: %s", what, r + 1, why);
      goto done;
    }
    if (m.radial_status > 4) {
      st = rn_error(RN_EFORMAT, "%s: record %zu: radial status %d is not 0-4", what, r + 1,
                    m.radial_status);
      goto done;
    }
    t = rn_msg1_time(&m);
    if (isnan(t0))
      t0 = t;
    if (m.radial_status == 0 || m.radial_status == 3 || m.elevation_number != cur_elev ||
        !rn_cuts_current(&cuts)) {
      if ((st = rn_cuts_begin(&cuts, NAN)))
        goto done;
      cur_elev = m.elevation_number;
    }
    if (m.ngates_v > 0)
      rn_cuts_current(&cuts)->has_doppler = 1;
    if (m.vcp && !vcp)
      vcp = m.vcp;
    if ((st = rn_cuts_add_ray(&cuts, m.azimuth, m.elevation, t, &ray)))
      goto done;
    if (m.ngates_r > 0 && rn_cuts_wants(&cuts, "DBZH")) {
      float *g;
      if ((st = rn_cuts_ray_moment(&cuts, ray, "DBZH", m.first_r + 0.5 * m.gate_r, m.gate_r,
                                   m.ngates_r, &g)))
        goto done;
      rn_msg1_decode(rec + m.ptr_r, m.ngates_r, 'R', m.vel_res, g);
    }
    if (m.ngates_v > 0) {
      static const char *const q[2] = {"VRADH", "WRADH"};
      const int ptr[2] = {m.ptr_v, m.ptr_w};
      for (int k = 0; k < 2; k++) {
        float *g;
        if (!rn_cuts_wants(&cuts, q[k]))
          continue;
        if ((st = rn_cuts_ray_moment(&cuts, ray, q[k], m.first_v + 0.5 * m.gate_v, m.gate_v,
                                     m.ngates_v, &g)))
          goto done;
        rn_msg1_decode(rec + ptr[k], m.ngates_v, k ? 'W' : 'V', m.vel_res, g);
      }
    }
    if (m.radial_status == 4) {
      after_end = (int)(nrec - r - 1);
      break;
    }
  }
  if ((st = rn_site_for_file(path, NULL, opt, what, &site)))
    goto done;
  if ((st = rn_cuts_to_volume(&cuts, &out->vol)))
    goto done;

  out->kind = RN_DATA_VOLUME;
  snprintf(out->format, sizeof out->format, "%s", v->format);
  snprintf(out->version, sizeof out->version, "%s", v->version);
  snprintf(out->object, sizeof out->object, "%s", out->vol.nsweeps > 1 ? "PVOL" : "SCAN");
  snprintf(out->vol.format, sizeof out->vol.format, "%s", v->format);
  snprintf(out->vol.object, sizeof out->vol.object, "%s", out->object);
  if (site.code[0] && site.name[0])
    snprintf(out->vol.source, sizeof out->vol.source, "NOD:%s,PLC:%s", site.code, site.name);
  else if (site.code[0])
    snprintf(out->vol.source, sizeof out->vol.source, "NOD:%s", site.code);
  out->vol.lat = site.lat;
  out->vol.lon = site.lon;
  out->vol.height = site.height;
  out->vol.vcp = vcp;
  out->vol.time = (rn_time)floor(t0);
  rn_note(out, "site from %s", site.source);
  rn_note(out, "times are the radial clock (UTC)");
  if (after_end)
    rn_note(out, "%d records after the end-of-volume radial ignored", after_end);
  rn_note_name_time(out, path, 0, out->vol.time);
done:
  if (st)
    rn_cuts_free(&cuts);
  free(buf);
  return st;
}

const struct rn_reader rn_reader_cinrad_legacy = {"cinrad", probe, read_legacy};
