/* lut_cache.c - lookup tables on disk and the cache of tables in memory
 * (see lut.h and polar2grid.h). */
#include "lut.h"

#include <radnow/log.h>
#include <radnow/publish.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- on disk ------------------------------------------------------------------ */

static const char lut_magic[8] = {'R', 'N', 'L', 'U', 'T', 0, 0, 1};

struct lut_header {
  char magic[8];
  uint32_t endian; /* 0x01020304 as written */
  uint32_t keylen;
  int32_t nx, ny, nsweeps, cappi;
  uint64_t bytes;
};

enum rn_status rn_lut_save(const struct rn_lut *lut, const char *path)
{
  char tmp[4096];
  struct lut_header h;
  FILE *f;
  enum rn_status st = rn_publish_begin(path, tmp, sizeof tmp);
  if (st)
    return st;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, lut_magic, sizeof h.magic);
  h.endian = 0x01020304u;
  h.keylen = (uint32_t)strlen(lut->key);
  h.nx = lut->nx;
  h.ny = lut->ny;
  h.nsweeps = lut->nsweeps;
  h.cappi = lut->cappi;
  h.bytes = lut->bytes;
  f = fopen(tmp, "wb");
  if (!f)
    return rn_error(RN_EWRITE, "lookup table: %s: %s", tmp, strerror(errno));
  if (fwrite(&h, sizeof h, 1, f) != 1 || fwrite(lut->key, h.keylen, 1, f) != 1 ||
      fwrite(lut->mem, lut->bytes, 1, f) != 1) {
    fclose(f);
    rn_publish_abort(tmp);
    return rn_error(RN_EWRITE, "lookup table: %s: write failed", path);
  }
  if (fclose(f) != 0) {
    rn_publish_abort(tmp);
    return rn_error(RN_EWRITE, "lookup table: %s: write failed", path);
  }
  return rn_publish_commit(tmp, path);
}

enum rn_status rn_lut_load(const char *path, const char *key, struct rn_lut **out)
{
  struct lut_header h;
  struct rn_lut *lut = NULL;
  char *k = NULL;
  size_t off[5], keylen = strlen(key);
  enum rn_status st = RN_EFORMAT;
  FILE *f = fopen(path, "rb");

  *out = NULL;
  if (!f)
    return errno == ENOENT ? rn_error(RN_ENOTFOUND, "lookup table: %s: no such file", path)
                           : rn_error(RN_EIO, "lookup table: %s: %s", path, strerror(errno));
  if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, lut_magic, sizeof h.magic) != 0 ||
      h.endian != 0x01020304u) {
    rn_error(st, "lookup table: %s: not a radnow lookup table", path);
    goto out;
  }
  if (h.keylen != keylen) {
    rn_error(st, "lookup table: %s: made for another geometry", path);
    goto out;
  }
  k = malloc(keylen + 1);
  if (!k) {
    st = rn_error(RN_ENOMEM, "lookup table: out of memory");
    goto out;
  }
  if (fread(k, keylen, 1, f) != 1) {
    rn_error(st, "lookup table: %s: truncated", path);
    goto out;
  }
  if (memcmp(k, key, keylen) != 0) {
    rn_error(st, "lookup table: %s: made for another geometry", path);
    goto out;
  }
  if (h.nx <= 0 || h.ny <= 0 || h.nsweeps <= 0 || h.nsweeps >= (int)RN_CAPPI_NONE ||
      rn_lut_layout(h.nx, h.ny, h.nsweeps, h.cappi != 0, off) != h.bytes) {
    rn_error(st, "lookup table: %s: header is inconsistent", path);
    goto out;
  }
  st = rn_lut_alloc(h.nx, h.ny, h.nsweeps, h.cappi != 0, &lut);
  if (st)
    goto out;
  if (fread(lut->mem, lut->bytes, 1, f) != 1) {
    st = rn_error(RN_EFORMAT, "lookup table: %s: truncated", path);
    goto out;
  }
  k[keylen] = '\0';
  lut->key = k;
  k = NULL;
  lut->hash = rn_lut_hash(lut->key);
  *out = lut;
  lut = NULL;
  st = RN_OK;
out:
  free(k);
  rn_lut_free(lut);
  fclose(f);
  return st;
}

/* ---- cache ------------------------------------------------------------------ */

struct cache_entry {
  struct rn_lut *lut;
  unsigned long used; /* clock of the last use */
};

struct rn_lut_cache {
  char *dir;
  int capacity, n;
  struct cache_entry *entries;
  unsigned long clock;
  long built, memory_hits, disk_hits;
};

struct rn_lut_cache *rn_lut_cache_new(const char *disk_dir, int capacity)
{
  struct rn_lut_cache *c = rn_calloc(1, sizeof *c, "lookup table cache");
  if (!c)
    return NULL;
  c->capacity = capacity > 0 ? capacity : 8;
  c->entries = rn_calloc((size_t)c->capacity, sizeof *c->entries, "lookup table cache");
  if (disk_dir && *disk_dir)
    c->dir = rn_strdup(disk_dir);
  if (!c->entries || (disk_dir && *disk_dir && !c->dir)) {
    rn_lut_cache_free(c);
    return NULL;
  }
  return c;
}

void rn_lut_cache_free(struct rn_lut_cache *c)
{
  if (!c)
    return;
  for (int i = 0; i < c->n; i++)
    rn_lut_free(c->entries[i].lut);
  free(c->entries);
  free(c->dir);
  free(c);
}

void rn_lut_cache_stats(const struct rn_lut_cache *c, long *built, long *memory_hits,
                        long *disk_hits)
{
  if (built)
    *built = c ? c->built : 0;
  if (memory_hits)
    *memory_hits = c ? c->memory_hits : 0;
  if (disk_hits)
    *disk_hits = c ? c->disk_hits : 0;
}

static void cache_insert(struct rn_lut_cache *c, struct rn_lut *lut)
{
  int slot = c->n;
  if (c->n == c->capacity) { /* drop the least recently used */
    slot = 0;
    for (int i = 1; i < c->n; i++)
      if (c->entries[i].used < c->entries[slot].used)
        slot = i;
    rn_lut_free(c->entries[slot].lut);
  } else {
    c->n++;
  }
  c->entries[slot].lut = lut;
  c->entries[slot].used = ++c->clock;
}

enum rn_status rn_lut_get(struct rn_lut_cache *c, const struct rn_volume *vol,
                          const struct rn_grid *grid, const struct rn_p2g_options *opt,
                          const struct rn_lut **out, struct rn_lut **owned)
{
  char *key = NULL, path[4096];
  uint64_t hash;
  struct rn_lut *lut = NULL;
  enum rn_status st;

  *out = NULL;
  *owned = NULL;
  if (!c) {
    st = rn_lut_build(vol, grid, opt, owned);
    *out = *owned;
    return st;
  }
  st = rn_lut_key(vol, grid, opt, &key, &hash);
  if (st)
    return st;
  for (int i = 0; i < c->n; i++)
    if (c->entries[i].lut->hash == hash && strcmp(c->entries[i].lut->key, key) == 0) {
      c->entries[i].used = ++c->clock;
      c->memory_hits++;
      *out = c->entries[i].lut;
      free(key);
      return RN_OK;
    }
  if (c->dir) {
    snprintf(path, sizeof path, "%s/radnow-lut-%016llx.bin", c->dir, (unsigned long long)hash);
    st = rn_lut_load(path, key, &lut);
    if (st == RN_OK) {
      c->disk_hits++;
      rn_log_debug("grid: lookup table read from %s", path);
    } else if (st != RN_ENOTFOUND) {
      rn_log_warn("%s; building it again", rn_errmsg());
    }
  }
  if (!lut) {
    st = rn_lut_build(vol, grid, opt, &lut);
    if (st) {
      free(key);
      return st;
    }
    c->built++;
    if (c->dir) {
      st = rn_mkdirs(c->dir);
      if (!st)
        st = rn_lut_save(lut, path);
      if (st) /* a cache that cannot be written costs time, not results */
        rn_log_warn("%s; the lookup table stays in memory only", rn_errmsg());
    }
  }
  free(key);
  cache_insert(c, lut);
  *out = lut;
  return RN_OK;
}
