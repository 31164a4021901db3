/* config.c - INI configuration through libinih. */
#include <radnow/config.h>

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct entry {
  char *section, *key, *value;
};

struct rn_config {
  struct entry *entries;
  int n, cap;
  char *path;
};

struct rn_config *rn_config_new(void)
{
  return rn_calloc(1, sizeof(struct rn_config), "configuration");
}

void rn_config_free(struct rn_config *cfg)
{
  if (!cfg)
    return;
  for (int i = 0; i < cfg->n; i++) {
    free(cfg->entries[i].section);
    free(cfg->entries[i].key);
    free(cfg->entries[i].value);
  }
  free(cfg->entries);
  free(cfg->path);
  free(cfg);
}

static struct entry *find(const struct rn_config *cfg, const char *section, const char *key)
{
  for (int i = cfg->n - 1; i >= 0; i--)
    if (strcmp(cfg->entries[i].section, section) == 0 && strcmp(cfg->entries[i].key, key) == 0)
      return &cfg->entries[i];
  return NULL;
}

enum rn_status rn_config_set(struct rn_config *cfg, const char *section, const char *key,
                             const char *value)
{
  struct entry *e = find(cfg, section, key);
  char *v = rn_strdup(value);
  if (!v)
    return RN_ENOMEM;
  if (e) {
    free(e->value);
    e->value = v;
    return RN_OK;
  }
  if (cfg->n == cfg->cap) {
    int cap = cfg->cap ? 2 * cfg->cap : 32;
    struct entry *ne = realloc(cfg->entries, (size_t)cap * sizeof *ne);
    if (!ne) {
      free(v);
      return rn_error(RN_ENOMEM, "config: out of memory");
    }
    cfg->entries = ne;
    cfg->cap = cap;
  }
  e = &cfg->entries[cfg->n];
  e->section = rn_strdup(section);
  e->key = rn_strdup(key);
  e->value = v;
  if (!e->section || !e->key) {
    free(e->section);
    free(e->key);
    free(v);
    return RN_ENOMEM;
  }
  cfg->n++;
  return RN_OK;
}

enum rn_status rn_config_set_arg(struct rn_config *cfg, const char *arg)
{
  char buf[1024];
  char *dot = NULL, *eq;
  if (strlen(arg) >= sizeof buf)
    return rn_error(RN_EUSAGE, "--set %s: too long", arg);
  strcpy(buf, arg);
  eq = strchr(buf, '=');
  if (eq) {
    *eq = '\0';
    dot = strrchr(buf, '.');
  }
  if (!eq || !dot || dot == buf || dot[1] == '\0')
    return rn_error(RN_EUSAGE, "--set %s: want SECTION.KEY=VALUE", arg);
  *dot = '\0';
  return rn_config_set(cfg, buf, dot + 1, eq + 1);
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
  return rn_config_set(user, section, key, value) == RN_OK;
}

enum rn_status rn_config_load(struct rn_config *cfg, const char *path)
{
  FILE *f = fopen(path, "r");
  int line;
  if (!f)
    return rn_error(RN_ENOTFOUND, "config: %s: %s", path, strerror(errno));
  line = ini_parse_file(f, on_entry, cfg);
  fclose(f);
  if (line > 0)
    return rn_error(RN_EUSAGE, "config: %s: line %d: not a valid INI line", path, line);
  if (line < 0)
    return rn_error(RN_ENOMEM, "config: %s: out of memory", path);
  free(cfg->path);
  cfg->path = rn_strdup(path);
  return RN_OK;
}

const char *rn_config_path(const struct rn_config *cfg)
{
  return cfg && cfg->path ? cfg->path : "";
}

const char *rn_config_get(const struct rn_config *cfg, const char *section, const char *key)
{
  const struct entry *e = cfg ? find(cfg, section, key) : NULL;
  return e ? e->value : NULL;
}

const char *rn_config_string(const struct rn_config *cfg, const char *section, const char *key,
                             const char *def)
{
  const char *v = rn_config_get(cfg, section, key);
  return v ? v : def;
}

static enum rn_status bad(const struct rn_config *cfg, const char *section, const char *key,
                          const char *value, const char *what)
{
  const char *p = rn_config_path(cfg);
  return rn_error(RN_EUSAGE, "config: %s%s[%s] %s = '%s': %s", p, *p ? ": " : "", section, key,
                  value, what);
}

enum rn_status rn_config_double(const struct rn_config *cfg, const char *section,
                                const char *key, double def, double *out)
{
  const char *v = rn_config_get(cfg, section, key);
  char *end;
  double d;
  if (!v) {
    *out = def;
    return RN_OK;
  }
  errno = 0;
  d = strtod(v, &end);
  if (end == v || *end != '\0' || errno || !isfinite(d))
    return bad(cfg, section, key, v, "not a number");
  *out = d;
  return RN_OK;
}

enum rn_status rn_config_int(const struct rn_config *cfg, const char *section, const char *key,
                             long def, long *out)
{
  const char *v = rn_config_get(cfg, section, key);
  char *end;
  long l;
  if (!v) {
    *out = def;
    return RN_OK;
  }
  errno = 0;
  l = strtol(v, &end, 10);
  if (end == v || *end != '\0' || errno)
    return bad(cfg, section, key, v, "not an integer");
  *out = l;
  return RN_OK;
}

enum rn_status rn_config_bool(const struct rn_config *cfg, const char *section, const char *key,
                              int def, int *out)
{
  static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
  const char *v = rn_config_get(cfg, section, key);
  if (!v) {
    *out = def;
    return RN_OK;
  }
  for (int i = 0; i < 4; i++) {
    if (strcasecmp(v, yes[i]) == 0) {
      *out = 1;
      return RN_OK;
    }
    if (strcasecmp(v, no[i]) == 0) {
      *out = 0;
      return RN_OK;
    }
  }
  return bad(cfg, section, key, v, "not a boolean (true/false)");
}

enum rn_status rn_config_doubles(const struct rn_config *cfg, const char *section,
                                 const char *key, double *out, int *n)
{
  const char *v = rn_config_get(cfg, section, key), *p;
  int count = 0;
  if (!v)
    return RN_OK;
  p = v;
  while (*p) {
    char *end;
    double d;
    errno = 0;
    d = strtod(p, &end);
    if (end == p || errno || !isfinite(d))
      return bad(cfg, section, key, v, "not a comma-separated list of numbers");
    if (count == *n)
      return bad(cfg, section, key, v, "too many values");
    out[count++] = d;
    while (*end == ' ')
      end++;
    if (*end == ',')
      end++;
    else if (*end != '\0')
      return bad(cfg, section, key, v, "not a comma-separated list of numbers");
    p = end;
  }
  *n = count;
  return RN_OK;
}

const char *rn_config_key_at(const struct rn_config *cfg, const char *section, int i)
{
  for (int k = 0; cfg && k < cfg->n; k++)
    if (strcmp(cfg->entries[k].section, section) == 0 && i-- == 0)
      return cfg->entries[k].key;
  return NULL;
}

const char *rn_config_section_at(const struct rn_config *cfg, int i)
{
  for (int k = 0; cfg && k < cfg->n; k++) {
    int seen = 0;
    for (int j = 0; j < k && !seen; j++)
      seen = strcmp(cfg->entries[j].section, cfg->entries[k].section) == 0;
    if (!seen && i-- == 0)
      return cfg->entries[k].section;
  }
  return NULL;
}
