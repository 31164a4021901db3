/* manifest.c - product names, the latest.json manifest, and retention. */
#include <radnow/manifest.h>
#include <radnow/publish.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

enum rn_status rn_product_list_add(struct rn_product_list *l, const struct rn_product *p)
{
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 32;
    struct rn_product *items = realloc(l->items, (size_t)cap * sizeof *items);
    if (!items)
      return rn_error(RN_ENOMEM, "out of memory for the product list");
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = *p;
  return RN_OK;
}

void rn_product_list_free(struct rn_product_list *l)
{
  if (!l)
    return;
  free(l->items);
  memset(l, 0, sizeof *l);
}

static int predictor_char(int c)
{
  return isalnum(c) || c == '-' || c == '.' || c == '_';
}

static int all_chars(const char *s, size_t n, const char *extra)
{
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || strchr(extra, s[i])))
      return 0;
  return 1;
}

enum rn_status rn_product_name(char *buf, size_t size, const char *predictor, rn_time reference_time,
                               int lead_seconds, const char *kind, const char *ext)
{
  char stamp[16];
  int len;
  if (!predictor[0] || predictor[0] == '.')
    return rn_error(RN_EUSAGE, "predictor name '%s' cannot name a file", predictor);
  for (const char *p = predictor; *p; p++)
    if (!predictor_char((unsigned char)*p))
      return rn_error(RN_EUSAGE, "predictor name '%s' cannot name a file (want letters, digits, "
                      "'-', '.', '_')", predictor);
  rn_time_compact(reference_time, stamp);
  if (lead_seconds >= 0) {
    if (!all_chars(kind, strlen(kind), "."))
      return rn_error(RN_EINTERNAL, "product kind '%s' cannot name a file", kind);
    len = snprintf(buf, size, "%s_%s_+%03ldmin_%s.tif", predictor, stamp,
                   lround(lead_seconds / 60.0), kind);
  } else {
    if (!all_chars(kind, strlen(kind), "-") || !ext || !all_chars(ext, strlen(ext), ""))
      return rn_error(RN_EINTERNAL, "product kind '%s' or extension '%s' cannot name a file",
                      kind, ext ? ext : "");
    len = snprintf(buf, size, "%s_%s_%s.%s", predictor, stamp, kind, ext);
  }
  if (len < 0 || (size_t)len >= size)
    return rn_error(RN_EUSAGE, "product name for predictor '%s' is too long", predictor);
  return RN_OK;
}

static void copy_n(char *dst, size_t size, const char *src, size_t n)
{
  if (!dst || size == 0)
    return;
  if (n >= size)
    n = size - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

int rn_product_name_parse(const char *name, char *predictor, size_t predictor_size,
                          rn_time *reference_time, int *lead_minutes, char *kind,
                          size_t kind_size)
{
  size_t n = strlen(name);
  /* The last "_YYYYmmddHHMM_" splits predictor from the rest. */
  for (size_t pos = n >= 14 ? n - 14 : 0; pos > 0 && n >= 14; pos--) {
    char stamp[13];
    const char *rest = name + pos + 14, *end = name + n;
    rn_time t;
    int ok = name[pos] == '_' && name[pos + 13] == '_';
    for (int i = 1; ok && i <= 12; i++)
      ok = isdigit((unsigned char)name[pos + i]);
    if (!ok)
      continue;
    memcpy(stamp, name + pos + 1, 12);
    stamp[12] = '\0';
    if (name[0] == '.' || rn_time_parse(stamp, &t) != RN_OK)
      return -1;
    for (size_t i = 0; i < pos; i++)
      if (!predictor_char((unsigned char)name[i]))
        return -1;
    if (rest[0] == '+') {
      /* +LLLmin_KIND.tif */
      const char *d = rest + 1, *k;
      long lead = 0;
      while (isdigit((unsigned char)*d))
        lead = lead * 10 + (*d++ - '0');
      if (d - rest - 1 < 3 || d - rest - 1 > 6 || strncmp(d, "min_", 4) != 0)
        return -1;
      k = d + 4;
      if (end - k <= 4 || strcmp(end - 4, ".tif") != 0 ||
          !all_chars(k, (size_t)(end - 4 - k), "."))
        return -1;
      if (lead_minutes)
        *lead_minutes = (int)lead;
      copy_n(kind, kind_size, k, (size_t)(end - 4 - k));
    } else {
      /* KIND.EXT */
      const char *dot = strchr(rest, '.');
      if (!dot || !all_chars(rest, (size_t)(dot - rest), "-") ||
          !all_chars(dot + 1, strlen(dot + 1), ""))
        return -1;
      if (lead_minutes)
        *lead_minutes = -1;
      copy_n(kind, kind_size, rest, (size_t)(dot - rest));
    }
    copy_n(predictor, predictor_size, name, pos);
    if (reference_time)
      *reference_time = t;
    return 0;
  }
  return -1;
}

/* A growing text buffer for the manifest. */
struct text {
  char *s;
  size_t n, cap;
  int failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
  va_list ap;
  int len;
  if (t->failed)
    return;
  for (;;) {
    va_start(ap, fmt);
    len = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
      t->failed = 1;
      return;
    }
    if (t->s && t->n + (size_t)len < t->cap) {
      t->n += (size_t)len;
      return;
    }
    size_t cap = t->cap ? t->cap : 4096;
    while (cap <= t->n + (size_t)len)
      cap *= 2;
    char *s = realloc(t->s, cap);
    if (!s) {
      t->failed = 1;
      return;
    }
    t->s = s;
    t->cap = cap;
  }
}

static void put_string(struct text *t, const char *s)
{
  put(t, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      put(t, "\\%c", *p);
    else if (*p == '\n')
      put(t, "\\n");
    else if (*p == '\t')
      put(t, "\\t");
    else if (*p < 0x20)
      put(t, "\\u%04x", *p);
    else
      put(t, "%c", *p);
  }
  put(t, "\"");
}

static void put_minutes(struct text *t, int seconds)
{
  if (seconds % 60 == 0)
    put(t, "%d", seconds / 60);
  else
    put(t, "%.3f", seconds / 60.0);
}

enum rn_status rn_manifest_write(const char *outdir, rn_time reference_time,
                                 const struct rn_product_list *l, const char *comment)
{
  struct text t = {0};
  char iso[32], path[4096];
  enum rn_status st;

  put(&t, "{\n  \"radnow_version\": ");
  put_string(&t, PACKAGE_VERSION);
  put(&t, ",\n  \"reference_time\": ");
  put_string(&t, rn_time_iso(reference_time, iso));
  if (comment && *comment) {
    put(&t, ",\n  \"comment\": ");
    put_string(&t, comment);
  }
  /* Predictors in order of first appearance, with their lead times. */
  put(&t, ",\n  \"predictors\": [");
  for (int i = 0, first = 1; i < l->n; i++) {
    const struct rn_product *p = &l->items[i];
    int seen = 0;
    for (int j = 0; j < i && !seen; j++)
      seen = strcmp(l->items[j].predictor, p->predictor) == 0;
    if (seen)
      continue;
    put(&t, "%s\n    {\"name\": ", first ? "" : ",");
    first = 0;
    put_string(&t, p->predictor);
    put(&t, ", \"members\": %d, \"lead_minutes\": [", p->members);
    for (int j = i, nl = 0; j < l->n; j++) {
      const struct rn_product *q = &l->items[j];
      int dup = 0;
      if (strcmp(q->predictor, p->predictor) != 0 || q->lead_seconds < 0)
        continue;
      for (int k = i; k < j && !dup; k++)
        dup = strcmp(l->items[k].predictor, p->predictor) == 0 &&
              l->items[k].lead_seconds == q->lead_seconds;
      if (dup)
        continue;
      put(&t, "%s", nl++ ? ", " : "");
      put_minutes(&t, q->lead_seconds);
    }
    put(&t, "]}");
  }
  put(&t, "\n  ],\n  \"products\": [");
  for (int i = 0; i < l->n; i++) {
    const struct rn_product *p = &l->items[i];
    struct stat sb;
    if (snprintf(path, sizeof path, "%s/%s", outdir, p->file) >= (int)sizeof path) {
      free(t.s);
      return rn_error(RN_EWRITE, "manifest: %s: path too long", outdir);
    }
    /* Only complete, published files are listed. */
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
      free(t.s);
      return rn_error(RN_EINTERNAL, "manifest: %s: product %s is not there", outdir, p->file);
    }
    put(&t, "%s\n    {\"file\": ", i ? "," : "");
    put_string(&t, p->file);
    put(&t, ", \"predictor\": ");
    put_string(&t, p->predictor);
    put(&t, ", \"kind\": ");
    put_string(&t, p->kind);
    put(&t, ", \"reference_time\": ");
    put_string(&t, rn_time_iso(p->reference_time, iso));
    if (p->lead_seconds >= 0) {
      put(&t, ", \"valid_time\": ");
      put_string(&t, rn_time_iso(p->valid_time, iso));
      put(&t, ", \"lead_minutes\": ");
      put_minutes(&t, p->lead_seconds);
    }
    put(&t, ", \"members\": %d", p->members);
    if (isfinite(p->threshold))
      put(&t, ", \"threshold_dbz\": %g", (double)p->threshold);
    put(&t, ", \"bytes\": %lld}", (long long)sb.st_size);
  }
  put(&t, "\n  ]\n}\n");
  if (t.failed) {
    free(t.s);
    return rn_error(RN_ENOMEM, "manifest: out of memory");
  }
  if (snprintf(path, sizeof path, "%s/%s", outdir, RN_MANIFEST_NAME) >= (int)sizeof path) {
    free(t.s);
    return rn_error(RN_EWRITE, "manifest: %s: path too long", outdir);
  }
  st = rn_publish_buffer(path, t.s, t.n);
  free(t.s);
  return st ? rn_error_prefix(st, "manifest") : RN_OK;
}

/* ".NAME.tmp.PID.N" left by an interrupted rn_publish_* of one of our
 * files: 0 when it is one. */
static int our_leftover(const char *name)
{
  char base[512];
  const char *tmp;
  size_t n;
  if (name[0] != '.')
    return -1;
  tmp = strstr(name + 1, ".tmp.");
  if (!tmp)
    return -1;
  for (const char *p = tmp + 5, *dot = NULL; ; p++) {
    if (*p == '.' && !dot && p > tmp + 5)
      dot = p;
    else if (*p == '\0') {
      if (!dot || p == dot + 1)
        return -1;
      break;
    } else if (!isdigit((unsigned char)*p))
      return -1;
  }
  n = (size_t)(tmp - name - 1);
  if (n == 0 || n >= sizeof base)
    return -1;
  memcpy(base, name + 1, n);
  base[n] = '\0';
  if (strcmp(base, RN_MANIFEST_NAME) == 0)
    return 0;
  return rn_product_name_parse(base, NULL, 0, NULL, NULL, NULL, 0);
}

static int kept(const struct rn_product_list *keep, const char *name)
{
  for (int i = 0; keep && i < keep->n; i++)
    if (strcmp(keep->items[i].file, name) == 0)
      return 1;
  return 0;
}

/* A cycle folder: exactly YYYYmmddHHMM. */
static int cycle_folder(const char *name, rn_time *t)
{
  if (strlen(name) != 12 || strspn(name, "0123456789") != 12)
    return -1;
  return rn_time_parse(name, t) == RN_OK ? 0 : -1;
}

struct prune {
  rn_time now;
  int64_t max_age;
  const struct rn_product_list *keep;
  time_t wall;
  int count;
  enum rn_status st;
};

static void prune_dir(struct prune *pr, const char *dir, const char *prefix, int depth)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  if (!d) {
    if (errno != ENOENT && pr->st == RN_OK)
      pr->st = rn_error(RN_EWRITE, "retention: %s: %s", dir, strerror(errno));
    return;
  }
  while ((de = readdir(d)) != NULL) {
    char path[4096], rel[512];
    struct stat sb;
    rn_time ref;
    int leftover = our_leftover(de->d_name) == 0, cycle = 0;
    if (!leftover) {
      cycle = depth == 0 && cycle_folder(de->d_name, &ref) == 0;
      if (!cycle && rn_product_name_parse(de->d_name, NULL, 0, &ref, NULL, NULL, 0) != 0)
        continue;
    }
    if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path ||
        snprintf(rel, sizeof rel, "%s%s", prefix, de->d_name) >= (int)sizeof rel)
      continue;
    /* Never follow a link out of the folder. */
    if (lstat(path, &sb) != 0)
      continue;
    if (cycle) {
      /* Products of one cycle in their own folder: prune inside, then drop
       * the folder if that emptied it (foreign files keep it). */
      char sub[512];
      if (!S_ISDIR(sb.st_mode))
        continue;
      snprintf(sub, sizeof sub, "%s/", de->d_name);
      prune_dir(pr, path, sub, depth + 1);
      if (pr->max_age > 0 && ref < pr->now - pr->max_age && rmdir(path) == 0)
        pr->count++;
      continue;
    }
    if (!S_ISREG(sb.st_mode))
      continue;
    if (leftover ? !(sb.st_mtime < pr->wall - RN_TMP_MAX_AGE)
                 : pr->max_age <= 0 || !(ref < pr->now - pr->max_age) || kept(pr->keep, rel))
      continue;
    if (unlink(path) != 0) {
      if (pr->st == RN_OK)
        pr->st = rn_error(RN_EWRITE, "retention: %s: %s", path, strerror(errno));
      continue;
    }
    pr->count++;
  }
  closedir(d);
}

enum rn_status rn_products_prune(const char *outdir, rn_time now, int64_t max_age_seconds,
                                 const struct rn_product_list *keep, int *removed)
{
  struct prune pr = {now, max_age_seconds, keep, time(NULL), 0, RN_OK};
  prune_dir(&pr, outdir, "", 0);
  if (removed)
    *removed = pr.count;
  return pr.st;
}
