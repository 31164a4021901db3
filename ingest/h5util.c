/* h5util.c - HDF5 attribute and dataset helpers for the radar readers. */
#include "h5util.h"

#include <ctype.h>
#include <libdeflate.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "reader.h"

/* Largest side of a 2-D dataset: a corrupt header cannot ask for terabytes. */
#define RN_H5_MAX_SIDE 100000

/* Largest compressed HDF5 file decompressed into memory. */
#define RN_H5_MAX_BYTES ((size_t)2 << 30)

static void quiet(void)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

int rn_h5_signature(const unsigned char *head, size_t n)
{
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  /* The superblock may follow a user block of 512, 1024, 2048 ... bytes. */
  for (size_t off = 0; off + 8 <= n; off = off ? 2 * off : 512)
    if (memcmp(head + off, sig, 8) == 0)
      return 1;
  return 0;
}

enum rn_status rn_h5_open(const char *path, hid_t *fid)
{
  unsigned char head[16];
  size_t got = 0;
  enum rn_compression c = RN_COMPRESSION_NONE;
  enum rn_status st;

  quiet();
  st = rn_read_head(path, head, sizeof head, &got, &c);
  if (st)
    return st;
  if (c == RN_COMPRESSION_NONE) {
    *fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*fid < 0)
      return rn_error(RN_EFORMAT, "%s: HDF5 cannot open the file (truncated or corrupt)", path);
    return RN_OK;
  }
  unsigned char *data = NULL;
  size_t size = 0;
  st = rn_read_whole_file(path, RN_H5_MAX_BYTES, &data, &size, NULL);
  if (st)
    return st;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  /* The core driver opens the decompressed image; HDF5 copies the buffer. */
  H5Pset_fapl_core(fapl, 1 << 20, 0);
  if (H5Pset_file_image(fapl, data, size) < 0) {
    H5Pclose(fapl);
    free(data);
    return rn_error(RN_ENOMEM, "%s: cannot hand the decompressed file to HDF5", path);
  }
  free(data);
  /* The core driver refuses a file image under the name of a file that
   * exists, so the image gets a name no file has. */
  char name[4200];
  snprintf(name, sizeof name, "/nonexistent/radnow-image:%s", path);
  *fid = H5Fopen(name, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  if (*fid < 0)
    return rn_error(RN_EFORMAT, "%s: HDF5 cannot open the decompressed file (truncated or corrupt)",
                    path);
  return RN_OK;
}

int rn_h5_exists(hid_t loc, const char *name)
{
  return loc >= 0 && H5Lexists(loc, name, H5P_DEFAULT) > 0;
}

hid_t rn_h5_group(hid_t loc, const char *name)
{
  H5O_info_t info;
  if (!rn_h5_exists(loc, name))
    return -1;
  if (H5Oget_info_by_name(loc, name, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_GROUP)
    return -1;
  return H5Gopen2(loc, name, H5P_DEFAULT);
}

void rn_h5_close(hid_t obj)
{
  if (obj >= 0)
    H5Oclose(obj);
}

/* Open an attribute and return its number of elements (0: none there). */
static hid_t open_attr(hid_t obj, const char *name, hssize_t *npoints)
{
  hid_t a, sp;
  if (obj < 0 || H5Aexists(obj, name) <= 0)
    return -1;
  a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0)
    return -1;
  sp = H5Aget_space(a);
  *npoints = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  if (sp >= 0)
    H5Sclose(sp);
  return a;
}

static int attr_numbers(hid_t obj, const char *name, double *v, size_t want, int exact)
{
  hssize_t n = 0;
  hid_t a = open_attr(obj, name, &n), t;
  int ok = -1;
  if (a < 0)
    return obj >= 0 && H5Aexists(obj, name) > 0 ? -1 : 0;
  t = H5Aget_type(a);
  if ((H5Tget_class(t) == H5T_FLOAT || H5Tget_class(t) == H5T_INTEGER) && n >= 1 &&
      (exact ? (size_t)n == want : 1)) {
    double *tmp = malloc((size_t)n * sizeof *tmp);
    if (tmp && H5Aread(a, H5T_NATIVE_DOUBLE, tmp) >= 0) {
      memcpy(v, tmp, (exact ? want : 1) * sizeof *v);
      ok = 1;
    }
    free(tmp);
  }
  H5Tclose(t);
  H5Aclose(a);
  return ok;
}

int rn_h5_attr_double(hid_t obj, const char *name, double *v)
{
  return attr_numbers(obj, name, v, 1, 0);
}

int rn_h5_attr_doubles(hid_t obj, const char *name, double *v, size_t n)
{
  return attr_numbers(obj, name, v, n, 1);
}

int rn_h5_attr_long(hid_t obj, const char *name, long *v)
{
  double d;
  int r = rn_h5_attr_double(obj, name, &d);
  if (r == 1)
    *v = (long)d;
  return r;
}

static void trim(char *s)
{
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
}

int rn_h5_attr_string(hid_t obj, const char *name, char *buf, size_t size)
{
  hssize_t n = 0;
  hid_t a = open_attr(obj, name, &n), t, mt;
  int ok = -1;
  if (size == 0)
    return -1;
  buf[0] = '\0';
  if (a < 0)
    return obj >= 0 && H5Aexists(obj, name) > 0 ? -1 : 0;
  t = H5Aget_type(a);
  if (H5Tget_class(t) != H5T_STRING || n < 1)
    goto out;
  if (H5Tis_variable_str(t) > 0) {
    char **v = calloc((size_t)n, sizeof *v);
    mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    if (v && H5Aread(a, mt, v) >= 0) {
      snprintf(buf, size, "%s", v[0] ? v[0] : "");
      ok = 1;
      hid_t sp = H5Aget_space(a);
      H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, v);
      H5Sclose(sp);
    }
    H5Tclose(mt);
    free(v);
  } else {
    size_t len = H5Tget_size(t);
    char *v = malloc((size_t)n * len + 1);
    mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, len);
    H5Tset_strpad(mt, H5T_STR_NULLPAD);
    if (v && H5Aread(a, mt, v) >= 0) {
      v[len] = '\0'; /* the first element only */
      snprintf(buf, size, "%s", v);
      ok = 1;
    }
    H5Tclose(mt);
    free(v);
  }
  trim(buf);
out:
  H5Tclose(t);
  H5Aclose(a);
  return ok;
}

enum rn_h5_num rn_h5_num_type(hid_t dset)
{
  hid_t t = H5Dget_type(dset);
  enum rn_h5_num r = RN_H5_OTHER;
  if (t < 0)
    return r;
  H5T_class_t c = H5Tget_class(t);
  size_t sz = H5Tget_size(t);
  if (c == H5T_INTEGER) {
    int sgn = H5Tget_sign(t) == H5T_SGN_2;
    if (sz == 1)
      r = sgn ? RN_H5_I8 : RN_H5_U8;
    else if (sz == 2)
      r = sgn ? RN_H5_I16 : RN_H5_U16;
    else if (sz == 4)
      r = sgn ? RN_H5_I32 : RN_H5_U32;
  } else if (c == H5T_FLOAT) {
    if (sz == 4)
      r = RN_H5_F32;
    else if (sz == 8)
      r = RN_H5_F64;
  }
  H5Tclose(t);
  return r;
}

size_t rn_h5_num_size(enum rn_h5_num t)
{
  static const size_t sz[] = {1, 1, 2, 2, 4, 4, 4, 8, 0};
  return sz[t];
}

hid_t rn_h5_num_native(enum rn_h5_num t)
{
  switch (t) {
  case RN_H5_U8: return H5T_NATIVE_UINT8;
  case RN_H5_I8: return H5T_NATIVE_INT8;
  case RN_H5_U16: return H5T_NATIVE_UINT16;
  case RN_H5_I16: return H5T_NATIVE_INT16;
  case RN_H5_U32: return H5T_NATIVE_UINT32;
  case RN_H5_I32: return H5T_NATIVE_INT32;
  case RN_H5_F32: return H5T_NATIVE_FLOAT;
  case RN_H5_F64: return H5T_NATIVE_DOUBLE;
  default: return -1;
  }
}

const char *rn_h5_num_name(enum rn_h5_num t)
{
  static const char *const names[] = {"uint8", "int8",  "uint16", "int16",      "uint32",
                                      "int32", "float", "double", "unsupported"};
  return names[t];
}

double rn_h5_num_get(enum rn_h5_num t, const void *buf, size_t i)
{
  switch (t) {
  case RN_H5_U8: return ((const uint8_t *)buf)[i];
  case RN_H5_I8: return ((const int8_t *)buf)[i];
  case RN_H5_U16: return ((const uint16_t *)buf)[i];
  case RN_H5_I16: return ((const int16_t *)buf)[i];
  case RN_H5_U32: return ((const uint32_t *)buf)[i];
  case RN_H5_I32: return ((const int32_t *)buf)[i];
  case RN_H5_F32: return ((const float *)buf)[i];
  case RN_H5_F64: return ((const double *)buf)[i];
  default: return NAN;
  }
}

enum rn_status rn_h5_read_2d(hid_t dset, const char *file, const char *obj, enum rn_h5_num *type,
                             size_t *rows, size_t *cols, void **buf)
{
  hid_t sp = H5Dget_space(dset);
  hsize_t dims[2] = {0, 0};
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  if (rank == 2)
    H5Sget_simple_extent_dims(sp, dims, NULL);
  if (sp >= 0)
    H5Sclose(sp);
  if (rank != 2)
    return rn_error(RN_EFORMAT, "%s: %s: has %d dimensions, expected 2", file, obj, rank);
  *type = rn_h5_num_type(dset);
  if (*type == RN_H5_OTHER)
    return rn_error(RN_EUNSUPPORTED, "%s: %s: values are neither integers nor floats", file, obj);
  if (dims[0] > RN_H5_MAX_SIDE || dims[1] > RN_H5_MAX_SIDE)
    return rn_error(RN_EFORMAT, "%s: %s: %llu x %llu values is implausibly large", file, obj,
                    (unsigned long long)dims[0], (unsigned long long)dims[1]);
  *rows = (size_t)dims[0];
  *cols = (size_t)dims[1];
  if (*rows == 0 || *cols == 0) {
    *buf = NULL;
    return RN_OK;
  }
  *buf = rn_malloc((unsigned long long)*rows * *cols * rn_h5_num_size(*type), obj);
  if (!*buf)
    return RN_ENOMEM;
  if (H5Dread(dset, rn_h5_num_native(*type), H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf) < 0) {
    free(*buf);
    *buf = NULL;
    return rn_error(RN_EFORMAT, "%s: %s: cannot read the values (file truncated or corrupt)", file,
                    obj);
  }
  return RN_OK;
}

/* 1 when the dataset is chunked and deflated (nothing else) and stored in
 * this machine's byte order: its chunks can be inflated directly. */
static int deflated_chunks(hid_t dset, enum rn_h5_num type, hsize_t chunk[2])
{
  hid_t dcpl = H5Dget_create_plist(dset), t;
  unsigned flags, cd[8];
  size_t ncd = 8;
  int ok = 0;
  if (dcpl < 0)
    return 0;
  if (H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 2, chunk) == 2 && chunk[0] > 0 &&
      chunk[1] > 0 && H5Pget_nfilters(dcpl) == 1 &&
      H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL) == H5Z_FILTER_DEFLATE)
    ok = 1;
  H5Pclose(dcpl);
  if (ok && rn_h5_num_size(type) > 1) {
    t = H5Dget_type(dset);
    ok = H5Tget_order(t) == H5Tget_order(rn_h5_num_native(type));
    H5Tclose(t);
  }
  return ok;
}

static void free_chunks(struct rn_h5_block *b)
{
  for (size_t i = 0; i < b->nchunks; i++)
    free(b->chunks[i].packed);
  free(b->chunks);
  b->chunks = NULL;
  b->nchunks = 0;
}

/* Take every chunk's compressed bytes; 0 when done, -1 to fall back. */
static int fetch_chunks(hid_t dset, struct rn_h5_block *b, const hsize_t chunk[2])
{
  size_t nr = (b->rows + chunk[0] - 1) / chunk[0], nc = (b->cols + chunk[1] - 1) / chunk[1];
  b->chunks = calloc(nr * nc, sizeof *b->chunks);
  if (!b->chunks)
    return -1;
  b->chunk_rows = (size_t)chunk[0];
  b->chunk_cols = (size_t)chunk[1];
  for (size_t r = 0; r < nr; r++)
    for (size_t c = 0; c < nc; c++) {
      struct rn_h5_chunk *k = &b->chunks[b->nchunks++];
      hsize_t off[2] = {r * chunk[0], c * chunk[1]}, stored = 0;
      uint32_t mask = 0;
      k->row = (size_t)off[0];
      k->col = (size_t)off[1];
      /* A chunk never written (fill value) has no storage: let HDF5 read it all. */
      if (H5Dget_chunk_storage_size(dset, off, &stored) < 0 || stored == 0 ||
          stored >= ((hsize_t)1 << 31) || !(k->packed = malloc((size_t)stored)) ||
          H5Dread_chunk(dset, H5P_DEFAULT, off, &mask, k->packed) < 0 || mask != 0) {
        free_chunks(b);
        return -1;
      }
      k->size = (size_t)stored;
    }
  return 0;
}

enum rn_status rn_h5_fetch_2d(hid_t dset, const char *file, const char *obj, struct rn_h5_block *b)
{
  hid_t sp = H5Dget_space(dset);
  hsize_t dims[2] = {0, 0}, chunk[2] = {0, 0};
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;

  memset(b, 0, sizeof *b);
  if (rank == 2)
    H5Sget_simple_extent_dims(sp, dims, NULL);
  if (sp >= 0)
    H5Sclose(sp);
  if (rank != 2)
    return rn_error(RN_EFORMAT, "%s: %s: has %d dimensions, expected 2", file, obj, rank);
  b->type = rn_h5_num_type(dset);
  if (b->type == RN_H5_OTHER)
    return rn_error(RN_EUNSUPPORTED, "%s: %s: values are neither integers nor floats", file, obj);
  if (dims[0] > RN_H5_MAX_SIDE || dims[1] > RN_H5_MAX_SIDE)
    return rn_error(RN_EFORMAT, "%s: %s: %llu x %llu values is implausibly large", file, obj,
                    (unsigned long long)dims[0], (unsigned long long)dims[1]);
  b->rows = (size_t)dims[0];
  b->cols = (size_t)dims[1];
  if (b->rows == 0 || b->cols == 0)
    return RN_OK;
  if (deflated_chunks(dset, b->type, chunk) && fetch_chunks(dset, b, chunk) == 0)
    return RN_OK;
  return rn_h5_read_2d(dset, file, obj, &b->type, &b->rows, &b->cols, &b->values);
}

static int in_parallel(void)
{
#ifdef _OPENMP
  return omp_in_parallel();
#else
  return 0;
#endif
}

int rn_h5_decode_2d(struct rn_h5_block *b)
{
  size_t esize = rn_h5_num_size(b->type), crow = b->chunk_cols * esize;
  size_t csize = b->chunk_rows * crow;
  int bad = 0;
  if (!b->chunks)
    return 0;
  b->values = malloc(b->rows * b->cols * esize);
  if (!b->values) {
    free_chunks(b);
    return -1;
  }
#pragma omp parallel if (b->nchunks > 1 && !in_parallel())
  {
    struct libdeflate_decompressor *z = libdeflate_alloc_decompressor();
    unsigned char *tmp =
        b->nchunks > 1 || b->chunk_rows > b->rows || b->chunk_cols > b->cols ? malloc(csize) : NULL;
    int direct = b->nchunks == 1 && b->chunk_rows == b->rows && b->chunk_cols == b->cols;
#pragma omp for schedule(dynamic, 1)
    for (size_t i = 0; i < b->nchunks; i++) {
      struct rn_h5_chunk *k = &b->chunks[i];
      size_t got = 0;
      unsigned char *dst = direct ? b->values : tmp;
      if (!z || !dst ||
          libdeflate_zlib_decompress(z, k->packed, k->size, dst, csize, &got) !=
              LIBDEFLATE_SUCCESS ||
          got != csize) {
#pragma omp atomic write
        bad = 1;
        continue;
      }
      if (!direct) {
        /* Edge chunks are stored whole; copy the part inside the dataset. */
        size_t nr = b->rows - k->row < b->chunk_rows ? b->rows - k->row : b->chunk_rows;
        size_t nc = b->cols - k->col < b->chunk_cols ? b->cols - k->col : b->chunk_cols;
        for (size_t r = 0; r < nr; r++)
          memcpy((unsigned char *)b->values + ((k->row + r) * b->cols + k->col) * esize,
                 tmp + r * crow, nc * esize);
      }
    }
    free(tmp);
    libdeflate_free_decompressor(z);
  }
  free_chunks(b);
  return bad ? -1 : 0;
}

void rn_h5_block_free(struct rn_h5_block *b)
{
  free(b->values);
  free_chunks(b);
  memset(b, 0, sizeof *b);
}
