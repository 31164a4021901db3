/* h5util.c - HDF5 attribute and dataset helpers for the radar readers. */
#include "h5util.h"

#include <ctype.h>
#include <libdeflate.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

/* Largest compressed HDF5 file decompressed into memory. */
#define RN_H5_MAX_BYTES ((size_t)2 << 30)

static void quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

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
  *fid = H5Fopen(path, H5F_ACC_RDONLY, fapl);
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
  static const char *const names[] = {"uint8", "int8",  "uint16", "int16", "uint32",
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

/* 1 when the dataset is one chunk covering it, deflated and nothing else,
 * stored in this machine's byte order: its bytes can be inflated directly. */
static int single_deflated_chunk(hid_t dset, enum rn_h5_num type, const hsize_t dims[2])
{
  hid_t dcpl = H5Dget_create_plist(dset), t;
  hsize_t chunk[2] = {0, 0};
  unsigned flags, cd[8];
  size_t ncd = 8;
  int ok = 0;
  if (dcpl < 0)
    return 0;
  if (H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 2, chunk) == 2 &&
      chunk[0] == dims[0] && chunk[1] == dims[1] && H5Pget_nfilters(dcpl) == 1 &&
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

enum rn_status rn_h5_fetch_2d(hid_t dset, const char *file, const char *obj,
                              struct rn_h5_block *b)
{
  hid_t sp = H5Dget_space(dset);
  hsize_t dims[2] = {0, 0}, offset[2] = {0, 0}, stored = 0;
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  uint32_t mask = 0;

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
  b->rows = (size_t)dims[0];
  b->cols = (size_t)dims[1];
  if (b->rows == 0 || b->cols == 0)
    return RN_OK;
  if (single_deflated_chunk(dset, b->type, dims) &&
      H5Dget_chunk_storage_size(dset, offset, &stored) >= 0 && stored > 0 &&
      stored < ((hsize_t)1 << 31)) {
    b->packed = rn_malloc(stored, obj);
    if (!b->packed)
      return RN_ENOMEM;
    if (H5Dread_chunk(dset, H5P_DEFAULT, offset, &mask, b->packed) >= 0 && mask == 0) {
      b->packed_size = (size_t)stored;
      return RN_OK;
    }
    free(b->packed); /* fall back to HDF5's own reading */
    b->packed = NULL;
  }
  return rn_h5_read_2d(dset, file, obj, &b->type, &b->rows, &b->cols, &b->values);
}

int rn_h5_decode_2d(struct rn_h5_block *b)
{
  size_t want = b->rows * b->cols * rn_h5_num_size(b->type), got = 0;
  struct libdeflate_decompressor *z;
  enum libdeflate_result r;
  if (!b->packed)
    return 0;
  b->values = malloc(want ? want : 1);
  z = libdeflate_alloc_decompressor();
  if (!b->values || !z) {
    libdeflate_free_decompressor(z);
    return -1;
  }
  r = libdeflate_zlib_decompress(z, b->packed, b->packed_size, b->values, want, &got);
  libdeflate_free_decompressor(z);
  free(b->packed);
  b->packed = NULL;
  return r == LIBDEFLATE_SUCCESS && got == want ? 0 : -1;
}

void rn_h5_block_free(struct rn_h5_block *b)
{
  free(b->values);
  free(b->packed);
  memset(b, 0, sizeof *b);
}
