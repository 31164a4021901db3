/* nexrad.c - NEXRAD (WSR-88D) Level II archive files: AR2V0001 ...
 * AR2V0008, as written by the NWS (and by Shanghai's Nanhui WSR-88D).
 * Reference: WSR-88D Interface Control Document for the RDA/RPG
 * (2620002) and for the Archive II user (2620010). Big-endian.
 *
 * A 24-byte volume header ("AR2V0006.", extension, Julian date, time, ICAO),
 * then either LDM records (4-byte size, negative on the last, and a bzip2
 * stream holding whole messages) or the messages themselves (old files,
 * often gzipped as a whole: rn_read_whole_file undoes that).
 * Each message has a 12-byte CTM prefix and a 16-byte header (size in
 * halfwords, channel, type, ...). Type 31 messages are as long as their
 * size says; every other type fills a 2432-byte frame.
 *   type 1 (legacy digital radar data): see msg1.h. Its ranges are the
 *     ranges to the CENTRES of the first gates (0 m for 1 km reflectivity,
 *     -375 m for 250 m Doppler gates: read as centres the Doppler gates tile
 *     the reflectivity gates exactly).
 *   type 31 (generic digital radar data): a radial header (ICAO, time,
 *     azimuth, status, elevation number and angle, block pointers), the
 *     volume block RVOL (site latitude, longitude, height and feedhorn
 *     height, VCP) and moment blocks D<name> (gates, range to the centre of
 *     gate 0 and gate length, word size, scale and offset: value =
 *     (code - offset) / scale; code 0 below threshold, 1 range folded).
 * The site is the RVOL block's; files with type 1 only carry none and use
 * the station table row of the ICAO code (radnow/stations.h). */
#include <radnow/stations.h>

#include <bzlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cuts.h"
#include "meta.h"
#include "msg1.h"
#include "reader.h"

#define VOLUME_HEADER 24
#define CTM 12
#define FRAME 2432
#define MAX_BYTES ((size_t)1 << 30)

static int probe(const char *path, const unsigned char *head, size_t n)
{
  (void)path;
  return n >= 8 && (memcmp(head, "AR2V00", 6) == 0 || memcmp(head, "ARCHIVE2", 8) == 0);
}

struct nexrad {
  const char *what;
  struct rn_cuts cuts;
  int cur_elev;     /* elevation number of the current cut */
  double t0;        /* first radial time */
  int have_site, vcp, msg1, msg31;
  double lat, lon, height;
};

static const char *quantity_of(const unsigned char *name)
{
  static const struct { const char name[4], *q; } map[] = {
      {"REF", "DBZH"}, {"VEL", "VRADH"}, {"SW ", "WRADH"}, {"ZDR", "ZDR"},
      {"PHI", "PHIDP"}, {"RHO", "RHOHV"}, {"CFP", "CCORH"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (memcmp(name, map[i].name, 3) == 0)
      return map[i].q;
  return NULL;
}

static enum rn_status new_cut_if(struct nexrad *nx, int start, int elev_number)
{
  enum rn_status st;
  if (start || elev_number != nx->cur_elev || !rn_cuts_current(&nx->cuts)) {
    if ((st = rn_cuts_begin(&nx->cuts, NAN)))
      return st;
    nx->cur_elev = elev_number;
  }
  return RN_OK;
}

static enum rn_status msg31(struct nexrad *nx, const unsigned char *m, size_t len,
                            const char *where)
{
  const unsigned char *h = m + CTM + 16;
  size_t hl = len - CTM - 16;
  int status, elev_number, nblocks, ray;
  double t;
  enum rn_status st;
  if (hl < 32)
    return rn_error(RN_EFORMAT, "%s: %s: message 31 shorter than its header", nx->what, where);
  status = h[21];
  elev_number = h[22];
  nblocks = rn_u16be(h + 30);
  if (nblocks > 16 || 32 + 4 * (size_t)nblocks > hl)
    return rn_error(RN_EFORMAT, "%s: %s: message 31 with %d data blocks", nx->what, where,
                    nblocks);
  t = (rn_u16be(h + 8) - 1) * 86400.0 + rn_u32be(h + 4) / 1000.0;
  if (isnan(nx->t0))
    nx->t0 = t;
  if ((st = new_cut_if(nx, status == 0 || status == 3 || status == 5, elev_number)))
    return st;
  if ((st = rn_cuts_add_ray(&nx->cuts, rn_f32be(h + 12), rn_f32be(h + 24), t, &ray)))
    return st;
  for (int b = 0; b < nblocks; b++) {
    uint32_t ptr = rn_u32be(h + 32 + 4 * b);
    const unsigned char *blk = h + ptr;
    if (ptr == 0)
      continue;
    if (ptr > hl || hl - ptr < 4)
      return rn_error(RN_EFORMAT, "%s: %s: data block %d points outside the message", nx->what,
                      where, b + 1);
    if (blk[0] == 'R' && memcmp(blk + 1, "VOL", 3) == 0) {
      if (hl - ptr < 44)
        return rn_error(RN_EFORMAT, "%s: %s: RVOL block cut short", nx->what, where);
      if (!nx->have_site) {
        nx->lat = rn_f32be(blk + 8);
        nx->lon = rn_f32be(blk + 12);
        nx->height = rn_i16be(blk + 16) + rn_u16be(blk + 18); /* site + feedhorn */
        nx->vcp = rn_u16be(blk + 40);
        nx->have_site = 1;
      }
    } else if (blk[0] == 'D') {
      const char *q = quantity_of(blk + 1);
      int ngates, word;
      double first, spacing, scale, offset;
      float *out, folded = rn_range_folded();
      if (hl - ptr < 28)
        return rn_error(RN_EFORMAT, "%s: %s: moment block cut short", nx->what, where);
      if (q && strcmp(q, "VRADH") == 0)
        rn_cuts_current(&nx->cuts)->has_doppler = 1;
      if (!q || !rn_cuts_wants(&nx->cuts, q))
        continue;
      ngates = rn_u16be(blk + 8);
      first = rn_i16be(blk + 10); /* km / 1000 */
      spacing = rn_u16be(blk + 12);
      word = blk[19];
      scale = rn_f32be(blk + 20);
      offset = rn_f32be(blk + 24);
      if (ngates == 0)
        continue;
      if ((word != 8 && word != 16) || !(scale != 0) || !isfinite(scale) || !isfinite(offset))
        return rn_error(RN_EFORMAT, "%s: %s: %s: word size %d, scale %g, offset %g", nx->what,
                        where, q, word, scale, offset);
      if ((size_t)ngates * (word / 8) > hl - ptr - 28)
        return rn_error(RN_EFORMAT, "%s: %s: %s: %d gates run past the message", nx->what, where,
                        q, ngates);
      if ((st = rn_cuts_ray_moment(&nx->cuts, ray, q, first, spacing, ngates, &out)))
        return st;
      for (int g = 0; g < ngates; g++) {
        unsigned c = word == 8 ? blk[28 + g] : rn_u16be(blk + 28 + 2 * g);
        out[g] = c == 0 ? RN_UNDETECT : c == 1 ? folded : (float)((c - offset) / scale);
      }
    }
  }
  nx->msg31++;
  return RN_OK;
}

static enum rn_status msg1(struct nexrad *nx, const unsigned char *m, size_t len,
                           const char *where)
{
  struct rn_msg1 r;
  const char *why;
  enum rn_status st;
  int ray;
  double t;
  if (rn_msg1_parse(m, len, 1, &r, &why))
    return rn_error(RN_EFORMAT, "%s: %s: message 1: %s", nx->what, where, why);
  t = rn_msg1_time(&r);
  if (isnan(nx->t0))
    nx->t0 = t;
  if ((st = new_cut_if(nx, r.radial_status == 0 || r.radial_status == 3, r.elevation_number)))
    return st;
  if (r.ngates_v > 0)
    rn_cuts_current(&nx->cuts)->has_doppler = 1;
  if (r.vcp && !nx->vcp)
    nx->vcp = r.vcp;
  if ((st = rn_cuts_add_ray(&nx->cuts, r.azimuth, r.elevation, t, &ray)))
    return st;
  if (r.ngates_r > 0 && rn_cuts_wants(&nx->cuts, "DBZH")) {
    float *g;
    if ((st = rn_cuts_ray_moment(&nx->cuts, ray, "DBZH", r.first_r, r.gate_r, r.ngates_r, &g)))
      return st;
    rn_msg1_decode(m + r.ptr_r, r.ngates_r, 'R', r.vel_res, g);
  }
  if (r.ngates_v > 0) {
    static const char *const q[2] = {"VRADH", "WRADH"};
    const int ptr[2] = {r.ptr_v, r.ptr_w};
    for (int k = 0; k < 2; k++) {
      float *g;
      if (!rn_cuts_wants(&nx->cuts, q[k]))
        continue;
      if ((st = rn_cuts_ray_moment(&nx->cuts, ray, q[k], r.first_v, r.gate_v, r.ngates_v, &g)))
        return st;
      rn_msg1_decode(m + ptr[k], r.ngates_v, k ? 'W' : 'V', r.vel_res, g);
    }
  }
  nx->msg1++;
  return RN_OK;
}

/* The messages of one buffer (an LDM record, or the rest of an old file:
 * record 0, offsets counted from the end of the volume header). */
static enum rn_status messages(struct nexrad *nx, const unsigned char *buf, size_t n,
                               long record)
{
  size_t pos = 0;
  char where[96];
  while (pos + CTM + 16 <= n) {
    const unsigned char *m = buf + pos;
    size_t size = (size_t)rn_u16be(m + CTM) * 2, len;
    int type = m[CTM + 3];
    enum rn_status st;
    if (record)
      snprintf(where, sizeof where, "LDM record %ld byte %zu", record, pos);
    else
      snprintf(where, sizeof where, "byte %zu", pos + VOLUME_HEADER);
    if (type == 31) {
      if (size < 16 || CTM + size > n - pos)
        return rn_error(RN_EFORMAT, "%s: %s: message 31 of %zu bytes runs past the end",
                        nx->what, where, size);
      len = CTM + size;
      if ((st = msg31(nx, m, len, where)))
        return st;
    } else {
      len = FRAME;
      if (type == 1) {
        if (len > n - pos)
          return rn_error(RN_EFORMAT, "%s: %s: truncated message 1 (%zu of %d bytes)", nx->what,
                          where, n - pos, FRAME);
        if ((st = msg1(nx, m, len, where)))
          return st;
      }
      if (len > n - pos)
        break; /* padding or metadata at the end */
    }
    pos += len;
  }
  return RN_OK;
}

static const char *bz_reason(int rc)
{
  switch (rc) {
  case BZ_DATA_ERROR: return "data error (CRC mismatch)";
  case BZ_DATA_ERROR_MAGIC: return "no bzip2 signature";
  case BZ_UNEXPECTED_EOF: case BZ_OK: return "stream ends early";
  case BZ_MEM_ERROR: return "out of memory";
  }
  return "error";
}

/* Decompress one LDM record into *out (grown as needed). */
static enum rn_status unbzip(struct nexrad *nx, const unsigned char *in, size_t n,
                             unsigned char **out, size_t *cap, size_t *got, long record)
{
  bz_stream bz;
  int rc;
  memset(&bz, 0, sizeof bz);
  if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
    return rn_error(RN_ENOMEM, "%s: cannot start bzip2 decompression", nx->what);
  bz.next_in = (char *)in;
  bz.avail_in = (unsigned)n;
  *got = 0;
  for (;;) {
    if (*got == *cap) {
      size_t ncap = *cap ? 2 * *cap : (size_t)1 << 20;
      unsigned char *nb = ncap <= MAX_BYTES ? realloc(*out, ncap) : NULL;
      if (!nb) {
        BZ2_bzDecompressEnd(&bz);
        return rn_error(RN_EFORMAT, "%s: LDM record %ld decompresses to too much", nx->what,
                        record);
      }
      *out = nb;
      *cap = ncap;
    }
    bz.next_out = (char *)*out + *got;
    bz.avail_out = (unsigned)(*cap - *got);
    rc = BZ2_bzDecompress(&bz);
    *got = *cap - bz.avail_out;
    if (rc == BZ_STREAM_END)
      break;
    if (rc != BZ_OK || (bz.avail_in == 0 && bz.avail_out > 0)) {
      BZ2_bzDecompressEnd(&bz);
      return rn_error(RN_EFORMAT, "%s: LDM record %ld: bzip2 stream is corrupt: %s", nx->what,
                      record, bz_reason(rc));
    }
  }
  BZ2_bzDecompressEnd(&bz);
  return RN_OK;
}

static enum rn_status ldm_records(struct nexrad *nx, const unsigned char *buf, size_t size)
{
  size_t pos = VOLUME_HEADER, cap = 0, got = 0;
  unsigned char *out = NULL;
  enum rn_status st = RN_OK;
  long record = 0;
  while (pos < size) {
    int32_t ctl;
    size_t n;
    record++;
    if (size - pos < 4) {
      st = rn_error(RN_EFORMAT, "%s: truncated in the size of LDM record %ld", nx->what, record);
      break;
    }
    ctl = rn_i32be(buf + pos);
    n = ctl < 0 ? (size_t)(-(int64_t)ctl) : (size_t)ctl;
    pos += 4;
    if (n == 0 || n > size - pos) {
      st = rn_error(RN_EFORMAT, "%s: truncated: LDM record %ld needs %zu bytes, %zu are left",
                    nx->what, record, n, size - pos);
      break;
    }
    if ((st = unbzip(nx, buf + pos, n, &out, &cap, &got, record)))
      break;
    if ((st = messages(nx, out, got, record)))
      break;
    pos += n;
    if (ctl < 0)
      break; /* the last record */
  }
  free(out);
  return st;
}

static enum rn_status read_nexrad(const char *path, const struct rn_ingest_options *opt,
                                  struct rn_radar_data *out)
{
  char what[1100], icao[5], version[16];
  unsigned char *buf = NULL;
  size_t size = 0;
  struct nexrad nx;
  struct rn_volume *vol = &out->vol;
  enum rn_status st;
  enum rn_compression comp;

  snprintf(what, sizeof what, "nexrad: %s", path);
  memset(&nx, 0, sizeof nx);
  nx.what = what;
  nx.t0 = NAN;
  nx.cur_elev = -1;
  rn_cuts_init(&nx.cuts, what, opt);
  if ((st = rn_read_whole_file(path, MAX_BYTES, &buf, &size, &comp)))
    return rn_error_prefix(st, "nexrad");
  if (size < VOLUME_HEADER + 8) { /* the header and the start of a record */
    st = rn_error(RN_EFORMAT, "%s: truncated: %zu bytes", what, size);
    goto done;
  }
  memcpy(icao, buf + 20, 4);
  icao[4] = '\0';
  memcpy(version, buf, 8);
  version[8] = '\0';
  if (size >= VOLUME_HEADER + 7 && memcmp(buf + VOLUME_HEADER + 4, "BZh", 3) == 0)
    st = ldm_records(&nx, buf, size);
  else
    st = messages(&nx, buf + VOLUME_HEADER, size - VOLUME_HEADER, 0);
  if (st)
    goto done;
  if (nx.msg1 + nx.msg31 == 0) {
    st = rn_error(RN_EFORMAT, "%s: no radial data (message 1 or 31)", what);
    goto done;
  }
  if (nx.have_site) {
    vol->lat = nx.lat;
    vol->lon = nx.lon;
    vol->height = nx.height;
    if (!(fabs(vol->lat) <= 90 && fabs(vol->lon) <= 180)) {
      st = rn_error(RN_EFORMAT, "%s: RVOL: site %g N %g E is not on the earth", what, vol->lat,
                    vol->lon);
      goto done;
    }
  } else {
    struct rn_site site;
    if ((st = rn_site_for_file(path, icao, opt, what, &site)))
      goto done;
    vol->lat = site.lat;
    vol->lon = site.lon;
    vol->height = site.height;
    rn_note(out, "no site block in the file: site from %s", site.source);
  }
  if ((st = rn_cuts_to_volume(&nx.cuts, vol)))
    goto done;
  out->kind = RN_DATA_VOLUME;
  snprintf(out->format, sizeof out->format, "NEXRAD-L2");
  snprintf(out->version, sizeof out->version, "%s", version);
  snprintf(out->object, sizeof out->object, "%s", vol->nsweeps > 1 ? "PVOL" : "SCAN");
  snprintf(vol->format, sizeof vol->format, "NEXRAD-L2/%s", version);
  snprintf(vol->object, sizeof vol->object, "%s", out->object);
  snprintf(vol->source, sizeof vol->source, "NOD:%s", icao);
  vol->vcp = nx.vcp;
  vol->time = (rn_time)floor(nx.t0);
  rn_note(out, "%s radials (message %s)%s", nx.msg31 ? "generic" : "legacy",
          nx.msg31 && nx.msg1 ? "31 and 1" : nx.msg31 ? "31" : "1",
          comp == RN_COMPRESSION_GZIP    ? ", file gzip-compressed"
          : comp == RN_COMPRESSION_BZIP2 ? ", file bzip2-compressed"
                                         : "");
  rn_note_name_time(out, path, 0, vol->time);
done:
  if (st)
    rn_cuts_free(&nx.cuts);
  free(buf);
  return st;
}

const struct rn_reader rn_reader_nexrad = {"nexrad", probe, read_nexrad};
