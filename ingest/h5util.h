/* h5util.h - small HDF5 helpers shared by the HDF5-based readers (ODIM, KNMI).
 *
 * Attributes in radar files come in every shape: scalar or one-element
 * arrays, float or double or integer, strings stored with fixed or variable
 * length. These helpers hide that; they return 1 when the attribute was read,
 * 0 when it does not exist, and -1 when it exists but is not of a usable type.
 * HDF5's own error printing is switched off: errors are reported through
 * rn_error() by the callers, one line each. */
#ifndef RADNOW_INGEST_H5UTIL_H
#define RADNOW_INGEST_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>

#include <radnow/status.h>

/* 1 when the head of a file carries the HDF5 signature (at 0, 512, 1024 ...). */
int rn_h5_signature(const unsigned char *head, size_t n);

/* Open an HDF5 file read-only without HDF5's error printing. A gzip- or
 * bzip2-compressed file is decompressed into memory and opened from there. */
enum rn_status rn_h5_open(const char *path, hid_t *fid);

/* 1 when loc has a link called name (a group or dataset), else 0. */
int rn_h5_exists(hid_t loc, const char *name);
/* Open a group when it exists; a negative id otherwise. */
hid_t rn_h5_group(hid_t loc, const char *name);
void rn_h5_close(hid_t obj); /* any object id; negative ids are ignored */

/* Scalar (or first element of a small array) attributes. */
int rn_h5_attr_double(hid_t obj, const char *name, double *v);
int rn_h5_attr_long(hid_t obj, const char *name, long *v);
/* String attribute (fixed- or variable-length), NUL-terminated and truncated
 * to size - 1 bytes; trailing blanks and NULs are removed. */
int rn_h5_attr_string(hid_t obj, const char *name, char *buf, size_t size);
/* A numeric array attribute of exactly n elements, as doubles. 1 when read,
 * 0 when absent, -1 when of another type or size. */
int rn_h5_attr_doubles(hid_t obj, const char *name, double *v, size_t n);

/* Class of a dataset's stored numbers, enough to read them natively. */
enum rn_h5_num { RN_H5_U8, RN_H5_I8, RN_H5_U16, RN_H5_I16, RN_H5_U32, RN_H5_I32, RN_H5_F32,
                 RN_H5_F64, RN_H5_OTHER };
enum rn_h5_num rn_h5_num_type(hid_t dset);
size_t rn_h5_num_size(enum rn_h5_num t);
hid_t rn_h5_num_native(enum rn_h5_num t);
const char *rn_h5_num_name(enum rn_h5_num t);
/* Element i of a buffer of that type, as double. */
double rn_h5_num_get(enum rn_h5_num t, const void *buf, size_t i);

/* Read a 2-D dataset (rows x cols) into a malloc'ed buffer of its own
 * numeric type. Errors name the file and the object. */
enum rn_status rn_h5_read_2d(hid_t dset, const char *file, const char *obj, enum rn_h5_num *type,
                             size_t *rows, size_t *cols, void **buf);

/* A 2-D dataset read in two steps so that decompression can run on several
 * threads: rn_h5_fetch_2d makes the HDF5 calls (HDF5 is not thread-safe) and,
 * when the dataset is chunked and only deflated, takes just the compressed
 * chunks; rn_h5_decode_2d (no HDF5 calls; chunks in parallel unless called
 * from a parallel region) inflates them into place. Other layouts are read
 * completely by the fetch. */
struct rn_h5_chunk {
  size_t row, col;       /* offset of the chunk */
  unsigned char *packed; /* zlib stream */
  size_t size;
};
struct rn_h5_block {
  enum rn_h5_num type;
  size_t rows, cols;
  void *values;                /* rows x cols of type, after decoding */
  size_t chunk_rows, chunk_cols;
  struct rn_h5_chunk *chunks;  /* still to inflate, or NULL */
  size_t nchunks;
};
enum rn_status rn_h5_fetch_2d(hid_t dset, const char *file, const char *obj,
                              struct rn_h5_block *b);
/* 0 when decoded; -1 when the compressed stream is corrupt or short. */
int rn_h5_decode_2d(struct rn_h5_block *b);
void rn_h5_block_free(struct rn_h5_block *b);

#endif
