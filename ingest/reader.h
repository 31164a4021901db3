/* reader.h - what every format reader provides, and shared reading helpers.
 *
 * A reader is a probe, which looks at the first bytes of the (decompressed)
 * file and says whether the format is its own, and a read function. The
 * table in ingest.c lists them in probing order; adding a format means adding
 * one file and one line there. */
#ifndef RADNOW_INGEST_READER_H
#define RADNOW_INGEST_READER_H

#include <stddef.h>
#include <radnow/ingest.h>

struct rn_reader {
  const char *name; /* "odim", "cfradial", ... as used in error messages */
  /* 1 when head (the first n bytes of the decompressed file) is this format.
   * path is given for readers that must open the file to decide (HDF5). */
  int (*probe)(const char *path, const unsigned char *head, size_t n);
  enum rn_status (*read)(const char *path, const struct rn_ingest_options *opt,
                         struct rn_radar_data *out);
};

enum rn_compression { RN_COMPRESSION_NONE = 0, RN_COMPRESSION_GZIP, RN_COMPRESSION_BZIP2 };

/* Compression of a file from its magic bytes. */
enum rn_compression rn_compression_of(const unsigned char *head, size_t n);

/* Read a whole file into memory, decompressing gzip or bzip2 transparently.
 * max_bytes bounds the decompressed size (a corrupt or hostile stream cannot
 * fill memory). *data is malloc'ed; errors name the file. */
enum rn_status rn_read_whole_file(const char *path, size_t max_bytes, unsigned char **data,
                                  size_t *size, enum rn_compression *compression);

/* The first up to n bytes of the file, decompressed; returns the count. */
enum rn_status rn_read_head(const char *path, unsigned char *head, size_t n, size_t *got,
                            enum rn_compression *compression);

#endif
