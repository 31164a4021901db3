/* ingest.c - format detection (from content) and dispatch to the readers. */
#include <radnow/ingest.h>

#include <stdlib.h>
#include <string.h>

#include "reader.h"

/* Probing order matters only where formats nest (HDF5 underlies ODIM,
 * KNMI and NetCDF-4); each probe is specific enough to say no to others. */
extern const struct rn_reader rn_reader_odim;
extern const struct rn_reader rn_reader_knmi;
extern const struct rn_reader rn_reader_cfradial;
extern const struct rn_reader rn_reader_hdf5_other;
extern const struct rn_reader rn_reader_raster;
extern const struct rn_reader rn_reader_nexrad;
extern const struct rn_reader rn_reader_cinrad_std;
extern const struct rn_reader rn_reader_cinrad_cc;
extern const struct rn_reader rn_reader_cinrad_legacy;

static const struct rn_reader *const readers[] = {
    NULL, /* readers are added here, one line each */
    &rn_reader_odim,
    &rn_reader_knmi,
    &rn_reader_cfradial,
    &rn_reader_hdf5_other, /* last of the HDF5-based formats */
    &rn_reader_nexrad,
    &rn_reader_cinrad_std,
    &rn_reader_cinrad_cc,
    &rn_reader_cinrad_legacy,
    &rn_reader_raster,     /* GDAL: last, it knows many formats */
};

void rn_ingest_options_init(struct rn_ingest_options *opt)
{
  memset(opt, 0, sizeof *opt);
}

void rn_radar_data_free(struct rn_radar_data *d)
{
  if (!d)
    return;
  rn_volume_free(&d->vol);
  rn_frame_free(&d->frame);
  memset(d, 0, sizeof *d);
}

enum rn_status rn_ingest_read(const char *path, const struct rn_ingest_options *opt,
                              struct rn_radar_data *out)
{
  unsigned char head[4096];
  size_t n = 0;
  enum rn_status st;
  struct rn_ingest_options defaults;
  enum rn_compression compression = RN_COMPRESSION_NONE;

  memset(out, 0, sizeof *out);
  if (!opt) {
    rn_ingest_options_init(&defaults);
    opt = &defaults;
  }
  st = rn_read_head(path, head, sizeof head, &n, &compression);
  if (st)
    return st;
  if (n == 0)
    return rn_error(RN_EFORMAT, "%s: file is empty", path);
  for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
    if (!readers[i] || !readers[i]->probe(path, head, n))
      continue;
    st = readers[i]->read(path, opt, out);
    if (st)
      rn_radar_data_free(out);
    else if (!out->time_from_name && rn_time_from_filename(path, &out->time_from_name) != 0)
      out->time_from_name = 0;
    return st;
  }
  if (compression != RN_COMPRESSION_NONE) {
    /* A damaged stream can still yield a head of garbage: say what is
     * wrong with the stream rather than "unknown format". */
    unsigned char *all = NULL;
    size_t size = 0;
    st = rn_read_whole_file(path, (size_t)1 << 31, &all, &size, NULL);
    free(all);
    if (st)
      return st;
  }
  return rn_error(RN_EFORMAT, "%s: not a radar file radnow can read (unknown format)", path);
}
