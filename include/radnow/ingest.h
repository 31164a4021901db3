/* ingest.h - read any supported radar file into a polar volume or a frame.
 *
 * The format is detected from the content, never from the file name.
 * Polar formats (ODIM_H5 PVOL/SCAN, CfRadial, ...) give a struct rn_volume;
 * gridded formats (ODIM_H5 COMP/IMAGE, GDAL rasters with a named pixel
 * encoding, ...) give a struct rn_frame in dBZ. Errors name the file, the
 * object in it and the problem:  odim: x.h5: /dataset3/data1: 'gain' missing */
#ifndef RADNOW_INGEST_H
#define RADNOW_INGEST_H

#include <radnow/frame.h>
#include <radnow/volume.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_ingest_options {
  const char *quantity;  /* NULL: DBZH, then TH (and the format's equivalents) */
  int all_quantities;    /* volumes: read every moment (radnow info) */
  const char *encoding;  /* rasters: pixel-to-dBZ encoding name (see raster docs) */
  const char *crs;       /* rasters without a georeference: their CRS ... */
  double extent[4];      /* ... and extent xmin, ymin, xmax, ymax */
  int have_extent;
  double zr_a, zr_b;     /* Z = a R^b for rain rates; 0 means 200 and 1.6 */
  double acc_minutes;    /* accumulation period when the file does not say; 0: unknown */
  const char *site;      /* "LAT,LON,HEIGHT" for files without site coordinates */
  const char *stations;  /* station table for files without site coordinates */
};

enum rn_data_kind { RN_DATA_NONE = 0, RN_DATA_VOLUME, RN_DATA_GRID };

struct rn_radar_data {
  enum rn_data_kind kind;
  char format[32];      /* "ODIM_H5", "CfRadial", "GDAL/PNG", ... */
  char version[16];     /* format version as written in the file ("H5rad 2.2", "1.3") */
  char object[16];      /* PVOL, SCAN, COMP, IMAGE, RASTER */
  char encoding[64];    /* gridded: pixel encoding used ("odim-byte", "gain 0.5 offset -32") */
  char units[16];       /* gridded: units of the stored quantity before conversion */
  rn_time time_from_name; /* time stamp in the file name (0: none); info reports both
                             when it disagrees with the time inside the file */
  char notes[512];      /* facts for radnow info: "local (Beijing) time converted to UTC", ... */
  struct rn_volume vol; /* kind == RN_DATA_VOLUME */
  struct rn_frame frame;/* kind == RN_DATA_GRID (always dBZ) */
};

void rn_ingest_options_init(struct rn_ingest_options *opt);
enum rn_status rn_ingest_read(const char *path, const struct rn_ingest_options *opt,
                              struct rn_radar_data *out);
void rn_radar_data_free(struct rn_radar_data *d);

#ifdef __cplusplus
}
#endif
#endif
