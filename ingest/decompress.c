/* decompress.c - whole-file reads with transparent gzip and bzip2. */
#include "reader.h"

#include <bzlib.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum rn_compression rn_compression_of(const unsigned char *h, size_t n)
{
  if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
    return RN_COMPRESSION_GZIP;
  if (n >= 4 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' && h[3] <= '9')
    return RN_COMPRESSION_BZIP2;
  return RN_COMPRESSION_NONE;
}

static enum rn_status read_raw(const char *path, unsigned char **data, size_t *size)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0, len = 0;
  if (!f)
    return rn_error(errno == ENOENT ? RN_ENOTFOUND : RN_EIO, "%s: %s", path, strerror(errno));
  for (;;) {
    if (len == cap) {
      size_t ncap = cap ? 2 * cap : 1 << 20;
      unsigned char *nb = realloc(buf, ncap);
      if (!nb) {
        free(buf);
        fclose(f);
        return rn_error(RN_ENOMEM, "%s: out of memory reading the file", path);
      }
      buf = nb;
      cap = ncap;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    free(buf);
    fclose(f);
    return rn_error(RN_EIO, "%s: read error", path);
  }
  fclose(f);
  *data = buf;
  *size = len;
  return RN_OK;
}

static enum rn_status grow(const char *path, unsigned char **buf, size_t *cap, size_t max_bytes)
{
  size_t ncap = *cap ? 2 * *cap : 1 << 20;
  unsigned char *nb;
  if (*cap >= max_bytes)
    return rn_error(RN_EFORMAT, "%s: decompresses to more than %zu bytes", path, max_bytes);
  if (ncap > max_bytes)
    ncap = max_bytes;
  nb = realloc(*buf, ncap);
  if (!nb)
    return rn_error(RN_ENOMEM, "%s: out of memory decompressing", path);
  *buf = nb;
  *cap = ncap;
  return RN_OK;
}

static enum rn_status gunzip(const char *path, const unsigned char *in, size_t n, size_t max_bytes,
                             unsigned char **data, size_t *size)
{
  z_stream zs;
  unsigned char *out = NULL;
  size_t cap = 0;
  enum rn_status st = RN_OK;
  int rc = Z_OK;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 32) != Z_OK) /* +32: gzip or zlib header */
    return rn_error(RN_ENOMEM, "%s: cannot start gzip decompression", path);
  zs.next_in = (unsigned char *)in;
  zs.avail_in = (uInt)n;
  while (rc != Z_STREAM_END) {
    if (zs.total_out == cap && (st = grow(path, &out, &cap, max_bytes)))
      break;
    zs.next_out = out + zs.total_out;
    zs.avail_out = (uInt)(cap - zs.total_out);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END && zs.avail_in > 0) {
      /* Concatenated gzip members (as gzip -c a b > c writes). */
      size_t done = zs.total_out;
      if (inflateReset(&zs) != Z_OK)
        break;
      zs.total_out = done;
      rc = Z_OK;
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      st = rn_error(RN_EFORMAT, "%s: gzip stream is truncated", path);
      break;
    }
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      st = rn_error(RN_EFORMAT, "%s: gzip stream is corrupt (%s)", path, zs.msg ? zs.msg : "error");
      break;
    }
  }
  *size = zs.total_out;
  inflateEnd(&zs);
  if (st) {
    free(out);
    return st;
  }
  *data = out;
  return RN_OK;
}

/* What a libbz2 return code means, for error messages. */
static const char *bz_reason(int rc)
{
  switch (rc) {
  case BZ_DATA_ERROR: return "data error, CRC mismatch";
  case BZ_DATA_ERROR_MAGIC: return "no bzip2 signature";
  case BZ_MEM_ERROR: return "out of memory";
  case BZ_PARAM_ERROR: return "bad parameter";
  }
  return "error";
}

static enum rn_status bunzip(const char *path, const unsigned char *in, size_t n, size_t max_bytes,
                             unsigned char **data, size_t *size)
{
  bz_stream bz;
  unsigned char *out = NULL;
  size_t cap = 0, total = 0;
  enum rn_status st = RN_OK;
  int rc = BZ_OK;
  memset(&bz, 0, sizeof bz);
  if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
    return rn_error(RN_ENOMEM, "%s: cannot start bzip2 decompression", path);
  bz.next_in = (char *)in;
  bz.avail_in = (unsigned)n;
  for (;;) {
    if (total == cap && (st = grow(path, &out, &cap, max_bytes)))
      break;
    bz.next_out = (char *)out + total;
    bz.avail_out = (unsigned)(cap - total);
    rc = BZ2_bzDecompress(&bz);
    total = cap - bz.avail_out;
    if (rc == BZ_STREAM_END) {
      if (bz.avail_in == 0)
        break;
      /* Concatenated bzip2 streams (pbzip2, NEXRAD archives). */
      char *next = bz.next_in;
      unsigned left = bz.avail_in;
      BZ2_bzDecompressEnd(&bz);
      memset(&bz, 0, sizeof bz);
      if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) {
        st = rn_error(RN_ENOMEM, "%s: cannot restart bzip2 decompression", path);
        break;
      }
      bz.next_in = next;
      bz.avail_in = left;
      continue;
    }
    if (rc != BZ_OK) {
      st = rn_error(RN_EFORMAT, "%s: bzip2 stream is corrupt (%s)", path, bz_reason(rc));
      break;
    }
    if (bz.avail_in == 0 && bz.avail_out > 0) {
      st = rn_error(RN_EFORMAT, "%s: bzip2 stream is truncated", path);
      break;
    }
  }
  BZ2_bzDecompressEnd(&bz);
  if (st) {
    free(out);
    return st;
  }
  *data = out;
  *size = total;
  return RN_OK;
}

enum rn_status rn_read_whole_file(const char *path, size_t max_bytes, unsigned char **data,
                                  size_t *size, enum rn_compression *compression)
{
  unsigned char *raw = NULL;
  size_t n = 0;
  enum rn_status st = read_raw(path, &raw, &n);
  enum rn_compression c;
  if (st)
    return st;
  c = rn_compression_of(raw, n);
  if (compression)
    *compression = c;
  if (c == RN_COMPRESSION_NONE) {
    if (n > max_bytes) {
      free(raw);
      return rn_error(RN_EFORMAT, "%s: larger than %zu bytes", path, max_bytes);
    }
    *data = raw;
    *size = n;
    return RN_OK;
  }
  st = c == RN_COMPRESSION_GZIP ? gunzip(path, raw, n, max_bytes, data, size)
                                : bunzip(path, raw, n, max_bytes, data, size);
  free(raw);
  return st;
}

enum rn_status rn_read_head(const char *path, unsigned char *head, size_t n, size_t *got,
                            enum rn_compression *compression)
{
  FILE *f = fopen(path, "rb");
  unsigned char raw[16];
  size_t k;
  enum rn_compression c;
  if (!f)
    return rn_error(errno == ENOENT ? RN_ENOTFOUND : RN_EIO, "%s: %s", path, strerror(errno));
  k = fread(raw, 1, sizeof raw, f);
  c = rn_compression_of(raw, k);
  if (compression)
    *compression = c;
  if (c == RN_COMPRESSION_NONE) {
    memcpy(head, raw, k < n ? k : n);
    if (k < n)
      k += fread(head + k, 1, n - k, f);
    else
      k = n;
    fclose(f);
    *got = k;
    return RN_OK;
  }
  fclose(f);
  if (c == RN_COMPRESSION_GZIP) {
    gzFile gz = gzopen(path, "rb");
    int r;
    if (!gz)
      return rn_error(RN_EIO, "%s: cannot open gzip stream", path);
    r = gzread(gz, head, (unsigned)n);
    gzclose(gz);
    if (r < 0)
      return rn_error(RN_EFORMAT, "%s: gzip stream is corrupt", path);
    *got = (size_t)r;
    return RN_OK;
  } else {
    /* The low-level API: BZ2_bzRead returns 0 on any error and drops what
     * it decompressed, so a damaged or short file looked empty. */
    unsigned char in[65536];
    bz_stream bz;
    int rc = BZ_OK;
    size_t k_in;
    f = fopen(path, "rb");
    if (!f)
      return rn_error(RN_EIO, "%s: %s", path, strerror(errno));
    memset(&bz, 0, sizeof bz);
    if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) {
      fclose(f);
      return rn_error(RN_ENOMEM, "%s: cannot start bzip2 decompression", path);
    }
    bz.next_out = (char *)head;
    bz.avail_out = (unsigned)n;
    while (bz.avail_out > 0 && rc == BZ_OK) {
      if (bz.avail_in == 0) {
        k_in = fread(in, 1, sizeof in, f);
        if (k_in == 0)
          break; /* input ends before the stream does */
        bz.next_in = (char *)in;
        bz.avail_in = (unsigned)k_in;
      }
      rc = BZ2_bzDecompress(&bz);
    }
    BZ2_bzDecompressEnd(&bz);
    fclose(f);
    *got = n - bz.avail_out;
    if (*got > 0)
      return RN_OK; /* a later error shows when the whole file is read */
    if (rc != BZ_OK && rc != BZ_STREAM_END)
      return rn_error(RN_EFORMAT, "%s: bzip2 stream is corrupt (%s)", path, bz_reason(rc));
    if (rc == BZ_OK)
      return rn_error(RN_EFORMAT, "%s: bzip2 stream is truncated", path);
    return RN_OK;
  }
}
