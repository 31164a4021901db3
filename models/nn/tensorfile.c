/* tensorfile.c - read and write the RNT1 tensor file format (tensor.h). */
#include <radnow/publish.h>
#include <radnow/tensor.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "RNT1"
#define MAXENTRIES 100000

static const size_t type_size[3] = {4, 4, 1};

void rn_tfile_free(struct rn_tfile *tf)
{
  for (int i = 0; i < tf->n; i++)
    free(tf->e[i].data);
  free(tf->e);
  tf->e = NULL;
  tf->n = 0;
}

const struct rn_tfile_entry *rn_tfile_find(const struct rn_tfile *tf, const char *name)
{
  for (int i = 0; i < tf->n; i++)
    if (strcmp(tf->e[i].name, name) == 0)
      return &tf->e[i];
  return NULL;
}

/* The format is little-endian; so are the machines radnow runs on. */
static int rd(FILE *f, void *p, size_t n) { return fread(p, 1, n, f) == n ? 0 : -1; }

enum rn_status rn_tfile_read(const char *path, struct rn_tfile *tf)
{
  FILE *f = fopen(path, "rb");
  char magic[4];
  uint32_t count;
  enum rn_status st = RN_OK;

  memset(tf, 0, sizeof *tf);
  if (!f)
    return rn_error(errno == ENOENT ? RN_ENOTFOUND : RN_EIO, "%s: %s", path, strerror(errno));
  if (rd(f, magic, 4) || memcmp(magic, MAGIC, 4) != 0) {
    st = rn_error(RN_EFORMAT, "%s: not a tensor file (no RNT1 signature)", path);
    goto out;
  }
  if (rd(f, &count, 4) || count > MAXENTRIES) {
    st = rn_error(RN_EFORMAT, "%s: bad entry count", path);
    goto out;
  }
  tf->e = (struct rn_tfile_entry *)rn_calloc(count ? count : 1, sizeof *tf->e, path);
  if (!tf->e) {
    st = RN_ENOMEM;
    goto out;
  }
  for (uint32_t i = 0; i < count; i++) {
    struct rn_tfile_entry *e = &tf->e[i];
    uint16_t len;
    uint8_t type, ndim;
    if (rd(f, &len, 2) || len == 0 || len >= RN_NAMELEN || rd(f, e->name, len)) {
      st = rn_error(RN_EFORMAT, "%s: entry %u: bad or truncated name", path, i);
      goto out;
    }
    e->name[len] = '\0';
    if (rd(f, &type, 1) || rd(f, &ndim, 1) || type > RN_TF_U8 || ndim > RN_MAXDIM ||
        rd(f, e->shape, 4u * ndim)) {
      st = rn_error(RN_EFORMAT, "%s: %s: bad or truncated header", path, e->name);
      goto out;
    }
    e->type = (enum rn_tfile_type)type;
    e->ndim = ndim;
    e->size = 1;
    for (int d = 0; d < ndim; d++) {
      if (e->shape[d] < 0 || (e->shape[d] > 0 && e->size > (1L << 34) / e->shape[d])) {
        st = rn_error(RN_EFORMAT, "%s: %s: bad shape", path, e->name);
        goto out;
      }
      e->size *= e->shape[d];
    }
    tf->n = (int)i + 1;
    e->data = malloc(e->size * type_size[type] + 1);
    if (!e->data) {
      st = rn_error(RN_ENOMEM, "%s: %s: out of memory", path, e->name);
      goto out;
    }
    if (rd(f, e->data, e->size * type_size[type])) {
      st = rn_error(RN_EFORMAT, "%s: %s: truncated data", path, e->name);
      goto out;
    }
  }
  if (fgetc(f) != EOF)
    st = rn_error(RN_EFORMAT, "%s: trailing bytes after %u entries", path, count);
out:
  fclose(f);
  if (st)
    rn_tfile_free(tf);
  return st;
}

enum rn_status rn_tfile_write(const char *path, const struct rn_tfile_entry *e, int n)
{
  char tmp[4096];
  enum rn_status st = rn_publish_begin(path, tmp, sizeof tmp);
  FILE *f;
  uint32_t count = (uint32_t)n;
  int bad = 0;
  if (st)
    return st;
  f = fopen(tmp, "wb");
  if (!f)
    return rn_error(RN_EWRITE, "%s: %s", tmp, strerror(errno));
  bad |= fwrite(MAGIC, 1, 4, f) != 4 || fwrite(&count, 4, 1, f) != 1;
  for (int i = 0; i < n && !bad; i++) {
    uint16_t len = (uint16_t)strlen(e[i].name);
    uint8_t type = (uint8_t)e[i].type, ndim = (uint8_t)e[i].ndim;
    size_t bytes = (size_t)rn_shape_size(e[i].ndim, e[i].shape) * type_size[e[i].type];
    bad |= fwrite(&len, 2, 1, f) != 1 || fwrite(e[i].name, 1, len, f) != len ||
           fwrite(&type, 1, 1, f) != 1 || fwrite(&ndim, 1, 1, f) != 1 ||
           fwrite(e[i].shape, 4, ndim, f) != ndim ||
           (bytes && fwrite(e[i].data, 1, bytes, f) != bytes);
  }
  if (fclose(f) != 0)
    bad = 1;
  if (bad) {
    rn_publish_abort(tmp);
    return rn_error(RN_EWRITE, "%s: write failed", path);
  }
  return rn_publish_commit(tmp, path);
}
