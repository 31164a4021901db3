/* msg1.c - WSR-88D message 1 radials, either byte order (NEXRAD, CINRAD). */
#include "msg1.h"

#include <radnow/volume.h>

#include "bytes.h"

static unsigned u16(const unsigned char *p, int be) { return be ? rn_u16be(p) : rn_u16le(p); }
static int i16(const unsigned char *p, int be) { return be ? rn_i16be(p) : rn_i16le(p); }
static uint32_t u32(const unsigned char *p, int be) { return be ? rn_u32be(p) : rn_u32le(p); }

/* Angles are binary fractions of a half circle: code / 8 * 180 / 4096. */
static double angle(unsigned code) { return code * (180.0 / 32768.0); }

int rn_msg1_parse(const unsigned char *rec, size_t rec_len, int be, struct rn_msg1 *m,
                  const char **why)
{
  const unsigned char *h = rec + RN_MSG1_HEADER;
  if (rec_len < RN_MSG1_HEADER + RN_MSG1_DATA_HEADER) {
    *why = "record shorter than its header";
    return -1;
  }
  m->ms = u32(h, be);
  m->day = (int)u16(h + 4, be);
  m->azimuth = angle(u16(h + 8, be));
  m->radial_number = (int)u16(h + 10, be);
  m->radial_status = (int)u16(h + 12, be);
  m->elevation = angle(u16(h + 14, be));
  if (m->elevation > 180)
    m->elevation -= 360; /* negative elevations wrap */
  m->elevation_number = (int)u16(h + 16, be);
  m->first_r = i16(h + 18, be);
  m->first_v = i16(h + 20, be);
  m->gate_r = (int)u16(h + 22, be);
  m->gate_v = (int)u16(h + 24, be);
  m->ngates_r = (int)u16(h + 26, be);
  m->ngates_v = (int)u16(h + 28, be);
  /* h + 30 sector number, h + 32 calibration constant */
  m->ptr_r = (int)u16(h + 36, be) + RN_MSG1_HEADER;
  m->ptr_v = (int)u16(h + 38, be) + RN_MSG1_HEADER;
  m->ptr_w = (int)u16(h + 40, be) + RN_MSG1_HEADER;
  m->vel_res = (int)u16(h + 42, be);
  m->vcp = (int)u16(h + 44, be);
  m->nyquist = u16(h + 60, be) / 100.0;
  if (m->ms >= 86400000u + 1000u) {
    *why = "collection time is past the end of the day";
    return -1;
  }
  if (m->ngates_r > 0 && (m->gate_r <= 0 || (size_t)m->ptr_r + (size_t)m->ngates_r > rec_len)) {
    *why = "reflectivity gates lie outside the record";
    return -1;
  }
  if (m->ngates_v > 0 && (m->gate_v <= 0 || (size_t)m->ptr_v + (size_t)m->ngates_v > rec_len ||
                          (size_t)m->ptr_w + (size_t)m->ngates_v > rec_len)) {
    *why = "velocity or spectrum width gates lie outside the record";
    return -1;
  }
  if (m->ngates_v > 0 && m->vel_res != 2 && m->vel_res != 4) {
    *why = "velocity resolution is neither 2 (0.5 m/s) nor 4 (1 m/s)";
    return -1;
  }
  return 0;
}

double rn_msg1_time(const struct rn_msg1 *m)
{
  return (double)(m->day - 1) * 86400.0 + m->ms / 1000.0;
}

void rn_msg1_decode(const unsigned char *codes, int n, char kind, int vel_res, float *out)
{
  float folded = rn_range_folded();
  for (int g = 0; g < n; g++) {
    int c = codes[g];
    if (c == 0)
      out[g] = RN_UNDETECT;
    else if (c == 1)
      out[g] = folded;
    else if (kind == 'R')
      out[g] = (float)((c - 2) * 0.5 - 32.0);
    else if (kind == 'V' && vel_res == 4)
      out[g] = (float)(c - 2 - 127);
    else
      out[g] = (float)((c - 2) * 0.5 - 63.5);
  }
}
