/* radar_mkbad.c - make variants of the CINRAD samples for the bad-input
 * tests (at test time, in a temporary folder: nothing derived from the
 * corpus is committed), and compare two files volume by volume.
 *
 *   radar_mkbad lzo IN OUT          standard format with every moment block
 *                                   LZO1X-compressed (zip type 1)
 *   radar_mkbad lzo-corrupt IN OUT  the same, one block cut to half its length
 *   radar_mkbad cuts IN OUT N       standard format with cut count N
 *   radar_mkbad scan IN OUT T       standard format with task scan type T
 *   radar_mkbad records IN OUT      legacy records of 2432 bytes made 2440
 *   radar_mkbad compare A B         exit 0 when both read to identical volumes
 * IN may be gzip or bzip2 compressed; OUT is written uncompressed. */
#include <radnow/ingest.h>

#include <lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ingest/bytes.h"
#include "../../ingest/reader.h"

static unsigned char *load(const char *path, size_t *n)
{
  unsigned char *buf;
  if (rn_read_whole_file(path, (size_t)1 << 30, &buf, n, NULL)) {
    fprintf(stderr, "radar_mkbad: %s\n", rn_errmsg());
    exit(2);
  }
  return buf;
}

static void save(const char *path, const unsigned char *buf, size_t n)
{
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
    fprintf(stderr, "radar_mkbad: cannot write %s\n", path);
    exit(2);
  }
}

static void put32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

/* Standard format: recompress every moment block with LZO1X-1. */
static void lzo(const char *in, const char *out, int corrupt)
{
  size_t n, pos, o;
  unsigned char *src = load(in, &n), *dst = malloc(2 * n + 4096), *wrk = malloc(LZO1X_1_MEM_COMPRESS);
  int ncuts = rn_i32le(src + 32 + 128 + 176), radial = 0;
  if (!dst || !wrk || lzo_init() != LZO_E_OK)
    exit(2);
  pos = o = 416 + 256 * (size_t)ncuts;
  memcpy(dst, src, pos);
  while (pos + 64 <= n) {
    unsigned char *h = dst + o;
    int nmom = rn_i32le(src + pos + 40), state = rn_i32le(src + pos);
    size_t p = pos + 64, q = o + 64;
    memcpy(h, src + pos, 64);
    h[50] = 1;
    for (int m = 0; m < nmom; m++) {
      uint32_t blen = rn_u32le(src + p + 16);
      lzo_uint clen = 0;
      memcpy(dst + q, src + p, 32);
      lzo1x_1_compress(src + p + 32, blen, dst + q + 32, &clen, wrk);
      if (corrupt && radial == 100 && m == 1)
        clen /= 2; /* the rest of the block is missing */
      put32(dst + q + 16, (uint32_t)clen);
      p += 32 + blen;
      q += 32 + clen;
    }
    put32(h + 36, (uint32_t)(q - o - 64));
    o = q;
    pos += 64 + rn_u32le(src + pos + 36);
    radial++;
    if (state == 4 || state == 6)
      break;
  }
  save(out, dst, o);
  free(src);
  free(dst);
  free(wrk);
}

/* Overwrite the task's i32 at byte `at` (176 cut count, 164 scan type). */
static void task_field(const char *in, const char *out, size_t at, int value)
{
  size_t n;
  unsigned char *buf = load(in, &n);
  put32(buf + 32 + 128 + at, (uint32_t)value);
  save(out, buf, n);
  free(buf);
}

static void records(const char *in, const char *out)
{
  size_t n, k;
  unsigned char *buf = load(in, &n), *dst = calloc(n / 2432 * 2440 + 1, 1);
  if (!dst)
    exit(2);
  for (k = 0; k < n / 2432; k++)
    memcpy(dst + k * 2440, buf + k * 2432, 2432);
  save(out, dst, k * 2440);
  free(buf);
  free(dst);
}

static int compare(const char *a, const char *b)
{
  struct rn_ingest_options opt;
  struct rn_radar_data x, y;
  int diff = 0;
  rn_ingest_options_init(&opt);
  opt.all_quantities = 1;
  if (rn_ingest_read(a, &opt, &x) || rn_ingest_read(b, &opt, &y)) {
    fprintf(stderr, "radar_mkbad: %s\n", rn_errmsg());
    return 2;
  }
  diff |= x.vol.nsweeps != y.vol.nsweeps || x.vol.time != y.vol.time;
  for (int s = 0; !diff && s < x.vol.nsweeps; s++) {
    const struct rn_sweep *p = &x.vol.sweeps[s], *q = &y.vol.sweeps[s];
    diff |= p->nrays != q->nrays || p->ngates != q->ngates || p->nmoments != q->nmoments ||
            p->elevation != q->elevation || p->first_gate != q->first_gate ||
            p->gate_spacing != q->gate_spacing;
    for (int m = 0; !diff && m < p->nmoments; m++)
      diff |= strcmp(p->moments[m].quantity, q->moments[m].quantity) != 0 ||
              memcmp(p->moments[m].data, q->moments[m].data,
                     (size_t)p->nrays * (size_t)p->ngates * sizeof(float)) != 0;
  }
  if (diff)
    fprintf(stderr, "radar_mkbad: %s and %s differ\n", a, b);
  else
    printf("%s and %s: %d identical sweeps\n", a, b, x.vol.nsweeps);
  rn_radar_data_free(&x);
  rn_radar_data_free(&y);
  return diff;
}

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "lzo") == 0)
    lzo(argv[2], argv[3], 0);
  else if (argc == 4 && strcmp(argv[1], "lzo-corrupt") == 0)
    lzo(argv[2], argv[3], 1);
  else if (argc == 5 && strcmp(argv[1], "cuts") == 0)
    task_field(argv[2], argv[3], 176, atoi(argv[4]));
  else if (argc == 5 && strcmp(argv[1], "scan") == 0)
    task_field(argv[2], argv[3], 164, atoi(argv[4]));
  else if (argc == 4 && strcmp(argv[1], "records") == 0)
    records(argv[2], argv[3]);
  else if (argc == 4 && strcmp(argv[1], "compare") == 0)
    return compare(argv[2], argv[3]);
  else {
    fprintf(stderr, "usage: radar_mkbad lzo|lzo-corrupt|records IN OUT | cuts|scan IN OUT N | compare A B\n");
    return 1;
  }
  return 0;
}
