/* cinrad_std.c - CINRAD standard format base data ("RSTM", QX/T 653-2022,
 * files named ..._FMT.bin), versions 1 and 2. Little-endian.
 *
 *   32-byte generic header: magic "RSTM", major and minor version (i16),
 *     generic type (i32; 1 base data), product type, reserved.
 *   128-byte site: code (8), name (32), latitude and longitude (f32),
 *     antenna height and ground height above sea level (i32, m), ...
 *   256-byte task: name (32), description (128), polarisation, scan type
 *     (i32 at 164: 0 volume, 1 PPI, 2 RHI, 3 sector, 4 sector volume,
 *     5 multiple RHI, 6 manual), pulse width, scan start (i32 epoch s, UTC),
 *     cut count (i32 at 176), ...
 *   cut count x 256-byte cut: azimuth (f32 at 20, RHI), elevation (f32 at
 *     24), reflectivity and Doppler gate length (i32 at 44 and 48, m; above
 *     32768 "fine mode": (value - 32768) / 100 m), start range (i32 at 60), ...
 *   radials to the end of the file: a 64-byte header (state, spot blank,
 *     sequence, radial and cut number (1-based), azimuth and elevation (f32),
 *     seconds and microseconds UTC, data length, moment count, ..., zip type
 *     (byte 50; 1 = LZO)), then per moment a 32-byte header (type, scale,
 *     offset (i32), bytes per bin (i16), flags, block length (i32)) and its
 *     block of bins: value = (code - offset) / scale; codes below 5 are
 *     reserved: 0 below threshold (undetect), 1 range folded, others nodata.
 * With zip type 1 every moment block is LZO1X-compressed and the block
 * length is the compressed length (decompressed with Debian's liblzo2).
 * The start range is taken as the near edge of gate 0 (gate centres at
 * start + (i + 0.5) * gate length), as for the legacy records. */
#include <lzo1x.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cuts.h"
#include "meta.h"
#include "reader.h"

#define MAGIC 0x4D545352u /* "RSTM" */
#define GENERIC 32
#define SITE 128
#define TASK 256
#define CUT 256
#define RADIAL 64
#define MOMENT 32
#define MAX_CUTS 256
#define MAX_MOMENTS 64

static int probe(const char *path, const unsigned char *head, size_t n)
{
  (void)path;
  return n >= 4 && rn_u32le(head) == MAGIC;
}

/* ODIM name of a moment type code (NULL: not a known type). */
static const char *quantity_of(int type)
{
  switch (type) {
  case 1: return "TH";     /* dBT, total reflectivity */
  case 2: return "DBZH";   /* dBZ, clutter-filtered */
  case 3: return "VRADH";  /* V */
  case 4: return "WRADH";  /* W */
  case 5: return "SQIH";   /* signal quality index */
  case 6: return "CPA";    /* clutter phase alignment */
  case 7: return "ZDR";
  case 8: return "LDR";
  case 9: return "RHOHV";  /* CC */
  case 10: return "PHIDP";
  case 11: return "KDP";
  case 12: return "CP";    /* clutter probability */
  case 14: return "CLASS"; /* HCL, hydrometeor classification */
  case 15: return "CF";    /* clutter flag */
  case 16: return "SNRH";
  case 17: return "SNRV";
  case 19: return "POTS";
  case 21: return "COP";
  case 26: return "VELSZ"; /* velocity, SZ phase coding */
  case 27: return "DR";
  case 32: return "DBZHC"; /* corrected Z, V, W, ZDR */
  case 33: return "VRADDH";
  case 34: return "WRADHC";
  case 35: return "ZDRC";
  }
  return NULL;
}

static int is_doppler(int type)
{
  return type == 3 || type == 4 || type == 26 || type == 33 || type == 34;
}

static double resolution(int32_t v)
{
  return v > 32768 ? (v - 32768) / 100.0 : (double)v;
}

struct std_cut {
  double elevation, azimuth, log_reso, dop_reso, start;
};

static enum rn_status decode_moment(struct rn_cuts *cuts, const char *what, long radial,
                                    int ray, const unsigned char *mh, const unsigned char *block,
                                    size_t blen, int zip, const struct std_cut *cut,
                                    unsigned char *lzo_buf, size_t lzo_cap)
{
  int type = rn_i32le(mh), scale = rn_i32le(mh + 4), offset = rn_i32le(mh + 8);
  int bin = rn_i16le(mh + 12), nbins;
  const char *q = quantity_of(type);
  char qbuf[16];
  const unsigned char *bins = block;
  size_t len = blen;
  double reso;
  float *out, folded = rn_range_folded();
  enum rn_status st;
  if (!q) {
    snprintf(qbuf, sizeof qbuf, "TYPE%d", type);
    q = qbuf;
  }
  if (!rn_cuts_wants(cuts, q) || blen == 0)
    return RN_OK;
  if (bin != 1 && bin != 2)
    return rn_error(RN_EFORMAT, "%s: radial %ld: %s: %d bytes per bin (1 or 2)", what, radial, q,
                    bin);
  if (scale == 0)
    return rn_error(RN_EFORMAT, "%s: radial %ld: %s: scale 0", what, radial, q);
  if (zip == 1) {
    lzo_uint got = lzo_cap;
    int rc = lzo1x_decompress_safe(block, blen, lzo_buf, &got, NULL);
    if (rc != LZO_E_OK)
      return rn_error(RN_EFORMAT, "%s: radial %ld: %s: LZO block does not decompress (lzo error %d)",
                      what, radial, q, rc);
    bins = lzo_buf;
    len = got;
  }
  nbins = (int)(len / (size_t)bin);
  if (nbins == 0)
    return RN_OK;
  reso = is_doppler(type) ? cut->dop_reso : cut->log_reso;
  if ((st = rn_cuts_ray_moment(cuts, ray, q, cut->start + 0.5 * reso, reso, nbins, &out)))
    return st;
  for (int g = 0; g < nbins; g++) {
    int c = bin == 1 ? bins[g] : rn_u16le(bins + 2 * g);
    if (c >= 5)
      out[g] = (float)((double)(c - offset) / scale);
    else if (c == 0)
      out[g] = RN_UNDETECT;
    else if (c == 1)
      out[g] = folded;
    /* 2-4: reserved, stay nodata */
  }
  return RN_OK;
}

static enum rn_scan_type scan_type_of(int t)
{
  switch (t) {
  case 0: case 1: return RN_SCAN_PPI;
  case 2: case 5: return RN_SCAN_RHI;
  case 3: case 4: return RN_SCAN_SECTOR;
  }
  return RN_SCAN_OTHER;
}

static enum rn_status read_std(const char *path, const struct rn_ingest_options *opt,
                               struct rn_radar_data *out)
{
  static const char *const scan_names[] = {"volume", "PPI", "RHI", "sector", "sector volume",
                                           "multiple RHI", "manual"};
  char what[1100], code[16], name[64], task[40];
  unsigned char *buf = NULL, *lzo_buf = NULL;
  size_t size = 0, pos, lzo_cap = 2 * RN_CUTS_MAX_GATES + 64;
  struct rn_cuts cuts;
  struct std_cut *cut = NULL;
  enum rn_status st;
  int ncuts, scan, cur = -1, major, minor, gtype, ended = 0;
  long radial = 0;
  double t0 = NAN;
  struct rn_volume *vol = &out->vol;

  snprintf(what, sizeof what, "cinrad: %s", path);
  rn_cuts_init(&cuts, what, opt);
  if ((st = rn_read_whole_file(path, (size_t)1 << 30, &buf, &size, NULL)))
    return rn_error_prefix(st, "cinrad");
  if (size < GENERIC + SITE + TASK) {
    st = rn_error(RN_EFORMAT, "%s: truncated: %zu bytes, the headers alone are %d", what, size,
                  GENERIC + SITE + TASK);
    goto done;
  }
  major = rn_i16le(buf + 4);
  minor = rn_i16le(buf + 6);
  gtype = rn_i32le(buf + 8);
  if (gtype == 16) {
    st = rn_error(RN_EUNSUPPORTED, "%s: phased-array standard format (generic type 16) is not "
                                   "supported", what);
    goto done;
  }
  if (gtype != 1) {
    st = rn_error(RN_EUNSUPPORTED, "%s: generic type %d is not base data (1)", what, gtype);
    goto done;
  }
  scan = rn_i32le(buf + GENERIC + SITE + 164);
  ncuts = rn_i32le(buf + GENERIC + SITE + 176);
  if (ncuts < 1 || ncuts > MAX_CUTS ||
      (size_t)(GENERIC + SITE + TASK) + (size_t)ncuts * CUT > size) {
    st = rn_error(RN_EFORMAT, "%s: task: impossible cut count %d (1-%d, and %zu bytes of file)",
                  what, ncuts, MAX_CUTS, size);
    goto done;
  }
  cut = calloc((size_t)ncuts, sizeof *cut);
  lzo_buf = malloc(lzo_cap);
  if (!cut || !lzo_buf) {
    st = rn_error(RN_ENOMEM, "%s: out of memory", what);
    goto done;
  }
  for (int c = 0; c < ncuts; c++) {
    const unsigned char *p = buf + GENERIC + SITE + TASK + (size_t)c * CUT;
    cut[c].azimuth = rn_f32le(p + 20);
    cut[c].elevation = rn_f32le(p + 24);
    cut[c].log_reso = resolution(rn_i32le(p + 44));
    cut[c].dop_reso = resolution(rn_i32le(p + 48));
    cut[c].start = rn_i32le(p + 60);
    if (!(cut[c].log_reso > 0 && cut[c].log_reso < 100000 && cut[c].dop_reso > 0 &&
          cut[c].dop_reso < 100000 && cut[c].start >= 0 && fabs(cut[c].elevation) <= 90)) {
      st = rn_error(RN_EFORMAT, "%s: cut %d: elevation %g, gates of %g / %g m from %g m", what,
                    c + 1, cut[c].elevation, cut[c].log_reso, cut[c].dop_reso, cut[c].start);
      goto done;
    }
  }
  if (lzo_init() != LZO_E_OK) {
    st = rn_error(RN_EINTERNAL, "%s: liblzo2 failed to initialise", what);
    goto done;
  }

  pos = GENERIC + SITE + TASK + (size_t)ncuts * CUT;
  while (pos < size && !ended) {
    const unsigned char *h = buf + pos, *p, *end;
    int state, cno, nmom, zip, ray;
    int32_t dlen;
    double t;
    radial++;
    if (size - pos < RADIAL) {
      st = rn_error(RN_EFORMAT, "%s: truncated in the header of radial %ld", what, radial);
      goto done;
    }
    state = rn_i32le(h);
    cno = rn_i32le(h + 16);
    dlen = rn_i32le(h + 36);
    nmom = rn_i32le(h + 40);
    zip = h[50];
    if (cno < 1 || cno > ncuts) {
      st = rn_error(RN_EFORMAT, "%s: radial %ld: cut number %d, the task has %d", what, radial,
                    cno, ncuts);
      goto done;
    }
    if (dlen < 0 || dlen > (1 << 24) || nmom < 0 || nmom > MAX_MOMENTS || state < 0 ||
        state > 6 || !(fabs(rn_f32le(h + 20)) <= 360) || !(fabs(rn_f32le(h + 24)) <= 90)) {
      st = rn_error(RN_EFORMAT,
                    "%s: radial %ld: impossible header (state %d, %d moments, %d data bytes, "
                    "azimuth %g, elevation %g)",
                    what, radial, state, nmom, dlen, rn_f32le(h + 20), rn_f32le(h + 24));
      goto done;
    }
    if ((size_t)dlen > size - pos - RADIAL) {
      st = rn_error(RN_EFORMAT, "%s: truncated: radial %ld needs %d data bytes, %zu are left",
                    what, radial, dlen, size - pos - RADIAL);
      goto done;
    }
    if (zip > 1) {
      st = rn_error(RN_EUNSUPPORTED, "%s: radial %ld: compression type %d (only 0 none, 1 LZO)",
                    what, radial, zip);
      goto done;
    }
    t = rn_i32le(h + 28) + rn_i32le(h + 32) * 1e-6;
    if (isnan(t0))
      t0 = t;
    if (cno != cur || state == 0 || state == 3 || state == 5) {
      if ((st = rn_cuts_begin(&cuts, cut[cno - 1].elevation)))
        goto done;
      cur = cno;
    }
    if ((st = rn_cuts_add_ray(&cuts, rn_f32le(h + 20), rn_f32le(h + 24), t, &ray)))
      goto done;
    p = h + RADIAL;
    end = p + dlen;
    for (int m = 0; m < nmom; m++) {
      int32_t blen;
      if (end - p < MOMENT) {
        st = rn_error(RN_EFORMAT, "%s: radial %ld: moment %d header runs past the radial", what,
                      radial, m + 1);
        goto done;
      }
      blen = rn_i32le(p + 16);
      if (blen < 0 || blen > end - p - MOMENT) {
        st = rn_error(RN_EFORMAT, "%s: radial %ld: moment %d block of %d bytes runs past the "
                                  "radial", what, radial, m + 1, blen);
        goto done;
      }
      if (is_doppler(rn_i32le(p)))
        rn_cuts_current(&cuts)->has_doppler = 1;
      if ((st = decode_moment(&cuts, what, radial, ray, p, p + MOMENT, (size_t)blen, zip,
                              &cut[cno - 1], lzo_buf, lzo_cap)))
        goto done;
      p += MOMENT + blen;
    }
    pos += RADIAL + (size_t)dlen;
    ended = state == 4 || state == 6;
  }
  if (radial == 0) {
    st = rn_error(RN_EFORMAT, "%s: no radials after the %d cut descriptions", what, ncuts);
    goto done;
  }
  if ((st = rn_cuts_to_volume(&cuts, vol)))
    goto done;

  out->kind = RN_DATA_VOLUME;
  vol->scan_type = scan_type_of(scan);
  snprintf(out->format, sizeof out->format, "CINRAD/STD");
  snprintf(out->version, sizeof out->version, "%d.%d", major, minor);
  snprintf(out->object, sizeof out->object, "%s",
           vol->scan_type == RN_SCAN_RHI ? "ELEV" : vol->nsweeps > 1 ? "PVOL" : "SCAN");
  snprintf(vol->format, sizeof vol->format, "CINRAD/STD/%d.%d", major, minor);
  snprintf(vol->object, sizeof vol->object, "%s", out->object);
  rn_gbk_to_utf8(buf + GENERIC, 8, code, sizeof code);
  rn_gbk_to_utf8(buf + GENERIC + 8, 32, name, sizeof name);
  snprintf(vol->source, sizeof vol->source, "NOD:%s,PLC:%s", code, name);
  vol->lat = rn_f32le(buf + GENERIC + 40);
  vol->lon = rn_f32le(buf + GENERIC + 44);
  if (vol->lon > 180)
    vol->lon -= 360;
  vol->height = rn_i32le(buf + GENERIC + 48);
  if (!(fabs(vol->lat) <= 90 && fabs(vol->lon) <= 360)) {
    st = rn_error(RN_EFORMAT, "%s: site: %g N %g E is not on the earth", what, vol->lat, vol->lon);
    goto done;
  }
  vol->time = (rn_time)floor(t0);
  rn_gbk_to_utf8(buf + GENERIC + SITE, 32, task, sizeof task);
  if (strncmp(task, "VCP", 3) == 0)
    vol->vcp = atoi(task + 3);
  rn_note(out, "task %s, %s scan", task,
          scan >= 0 && scan <= 6 ? scan_names[scan] : "unknown (type outside 0-6)");
  if (vol->scan_type != RN_SCAN_PPI)
    rn_note(out, "not a PPI: radnow grid refuses it");
  if (pos < size)
    rn_note(out, "%zu bytes after the end-of-volume radial ignored", size - pos);
  rn_note_name_time(out, path, 0, vol->time);
done:
  if (st)
    rn_cuts_free(&cuts);
  free(cut);
  free(lzo_buf);
  free(buf);
  return st;
}

const struct rn_reader rn_reader_cinrad_std = {"cinrad-std", probe, read_std};
