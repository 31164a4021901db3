/* encoding.h - named pixel-to-dBZ encodings of gridded rasters.
 *
 *   odim-byte    dBZ = 0.5 p - 32        (ODIM/FMI byte composites; 255 nodata, 0 undetect)
 *   hko7         dBZ = 70 p / 255 - 10   (HKO-7 benchmark; 0 undetect)
 *   radar-echo   dBZ = (p + 30) / 2      (Shanghai / Guangzhou radar echo; 0 undetect)
 *   cikm         dBZ = 95 p / 255 - 10   (CIKM 2017 Shenzhen; 0 undetect)
 *   dbz          dBZ = p                 (float rasters already in dBZ)
 *   linear:G,O   dBZ = G p + O           (no special values unless given)
 * Any of them may be followed by ,nodata=V and/or ,undetect=V (or =none),
 * e.g. "hko7,nodata=255" or "linear:0.5,-32,nodata=255,undetect=0". */
#ifndef RADNOW_INGEST_ENCODING_H
#define RADNOW_INGEST_ENCODING_H

#include <radnow/status.h>

struct rn_encoding {
  char name[64];  /* as given, e.g. "odim-byte" */
  double gain, offset;
  double nodata, undetect;
  int has_nodata, has_undetect;
};

/* Parse an encoding specification; errors list the known names. */
enum rn_status rn_encoding_parse(const char *spec, struct rn_encoding *e);
/* A plain gain/offset encoding (from file metadata). */
void rn_encoding_linear(struct rn_encoding *e, double gain, double offset);
/* dBZ of pixel value p: NaN for nodata, RN_DBZ_NOECHO for undetect, and
 * values below the no-echo floor clamped to it. */
float rn_encoding_apply(const struct rn_encoding *e, double p);
/* "odim-byte: dBZ = 0.5 p - 32, nodata 255, undetect 0" into buf. */
void rn_encoding_describe(const struct rn_encoding *e, char *buf, int size);

#endif
