/* msg1.h - one WSR-88D "message 1" digital radar data radial: the record of
 * legacy NEXRAD Level II (big-endian, RDA/RPG ICD 2620002 message type 1)
 * and of CINRAD SA/SB, CA/CB and SC base data, which write the same layout
 * little-endian (internal to ingest/).
 *
 * Record: 28-byte header (12-byte CTM + 16-byte message header), then the
 * 100-byte data header decoded here, then reflectivity, velocity and
 * spectrum width as one byte per gate, where the pointers say. Codes:
 * 0 below threshold, 1 range folded, else dBZ = (code - 2) / 2 - 32,
 * V = (code - 2) / 2 - 63.5 (0.5 m/s resolution) or (code - 2) - 127 (1 m/s),
 * W = (code - 2) / 2 - 63.5. */
#ifndef RADNOW_INGEST_MSG1_H
#define RADNOW_INGEST_MSG1_H

#include <stddef.h>
#include <stdint.h>

#define RN_MSG1_HEADER 28    /* bytes before the data header */
#define RN_MSG1_DATA_HEADER 100 /* the data header, up to the first gate */

struct rn_msg1 {
  uint32_t ms;  /* collection time, milliseconds after 00:00 UTC */
  int day;      /* days, 1 = 1970-01-01 */
  double azimuth, elevation; /* degrees */
  int radial_number, radial_status, elevation_number;
  int first_r, first_v; /* range to the first gate, metres (signed) */
  int gate_r, gate_v;   /* gate length, metres */
  int ngates_r, ngates_v;
  int ptr_r, ptr_v, ptr_w; /* byte offsets of the gate data from the record start */
  int vel_res;          /* 2: 0.5 m/s, 4: 1 m/s */
  int vcp;
  double nyquist;       /* m/s, 0 when not given */
};

/* Decode the data header of the record at rec (rec_len bytes, counted from
 * the record start). Returns 0, or -1 with a reason in why when the record
 * is too short or its pointers lead outside it. */
int rn_msg1_parse(const unsigned char *rec, size_t rec_len, int big_endian, struct rn_msg1 *m,
                  const char **why);

/* Seconds since 1970-01-01 UTC of the radial. */
double rn_msg1_time(const struct rn_msg1 *m);

/* Physical values of n one-byte gates. kind: 'R' reflectivity, 'V' velocity,
 * 'W' spectrum width. */
void rn_msg1_decode(const unsigned char *codes, int n, char kind, int vel_res, float *out);

#endif
