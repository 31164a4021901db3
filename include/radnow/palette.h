/* palette.h - the dBZ colour table shared by the display GeoTIFF and the
 * verification report.
 *
 * A palette is a list of classes: each entry gives the lower bound of a class
 * in dBZ and its colour; a value takes the colour of the highest bound at or
 * below it. Values below the first bound are transparent, as are no echo and
 * nodata unless the palette says otherwise. The built-in palette follows the
 * classic NWS WSR-88D base reflectivity ramp (5 dBZ classes from 5 to 75 dBZ);
 * etc/palettes/dbz.txt holds the same table in the text format that
 * rn_palette_load reads (documented in that file). */
#ifndef RADNOW_PALETTE_H
#define RADNOW_PALETTE_H

#include <radnow/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_PALETTE_MAX 64

struct rn_palette_entry {
  float dbz;                /* lower bound of the class */
  unsigned char rgba[4];
};

struct rn_palette {
  int n;                    /* classes, ascending bounds */
  struct rn_palette_entry e[RN_PALETTE_MAX];
  unsigned char noecho[4];  /* colour of "measured, no echo" */
  unsigned char nodata[4];  /* colour of "not measured" */
};

/* The built-in dBZ palette. */
const struct rn_palette *rn_palette_dbz(void);

/* Read a palette file; errors name the file and line. */
enum rn_status rn_palette_load(struct rn_palette *p, const char *path);

/* Colour of a dBZ value (NaN: nodata colour; <= RN_DBZ_NOECHO: no-echo colour). */
void rn_palette_color(const struct rn_palette *p, float dbz, unsigned char rgba[4]);

/* 256-entry colour table of the byte display encoding (value v means
 * 0.5 v - 32 dBZ; 0 no echo, 255 nodata). */
void rn_palette_byte_table(const struct rn_palette *p, unsigned char table[256][4]);

#ifdef __cplusplus
}
#endif
#endif
