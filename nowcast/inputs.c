/* inputs.c - input files to state frames: discovery, the file index, and
 * the gridding of new time slots. */
#include <radnow/inputs.h>
#include <radnow/log.h>
#include <radnow/publish.h>

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define INDEX_NAME "inputs.tsv"

struct record {
  char *path;
  long long size, mtime; /* bytes, nanoseconds */
  rn_time slot;          /* 0: unknown (unreadable file without a time in its name) */
  int ok;
  char *msg;             /* why it is bad */
  int fresh;             /* new or changed since the index was written */
};

struct index {
  struct record *r;
  int n, cap;
};

static void index_free(struct index *ix)
{
  for (int i = 0; i < ix->n; i++) {
    free(ix->r[i].path);
    free(ix->r[i].msg);
  }
  free(ix->r);
  memset(ix, 0, sizeof *ix);
}

static struct record *index_add(struct index *ix)
{
  if (ix->n == ix->cap) {
    int cap = ix->cap ? 2 * ix->cap : 64;
    struct record *r = realloc(ix->r, (size_t)cap * sizeof *r);
    if (!r) {
      rn_error(RN_ENOMEM, "inputs: out of memory");
      return NULL;
    }
    ix->r = r;
    ix->cap = cap;
  }
  memset(&ix->r[ix->n], 0, sizeof ix->r[0]);
  return &ix->r[ix->n++];
}

static int cmp_record_path(const void *a, const void *b)
{
  return strcmp(((const struct record *)a)->path, ((const struct record *)b)->path);
}

static int cmp_record_slot(const void *a, const void *b)
{
  const struct record *x = a, *y = b;
  if (x->slot != y->slot)
    return (x->slot > y->slot) - (x->slot < y->slot);
  return strcmp(x->path, y->path);
}

/* The index is a cache: a damaged or missing one only costs re-reading files. */
static void index_load(struct index *ix, const char *path)
{
  FILE *f = fopen(path, "r");
  char line[8192];
  if (!f)
    return;
  while (fgets(line, sizeof line, f)) {
    char *field[6], *p = line, *end;
    struct record *r;
    int nf = 0;
    line[strcspn(line, "\n")] = '\0';
    while (nf < 6) {
      field[nf++] = p;
      p = strchr(p, '\t');
      if (!p)
        break;
      *p++ = '\0';
    }
    if (nf < 5 || !*field[0])
      continue;
    r = index_add(ix);
    if (!r)
      break;
    r->path = rn_strdup(field[0]);
    r->size = strtoll(field[1], &end, 10);
    r->mtime = strtoll(field[2], &end, 10);
    if (strcmp(field[3], "-") == 0 || rn_time_parse(field[3], &r->slot) != RN_OK)
      r->slot = 0;
    r->ok = strcmp(field[4], "ok") == 0;
    r->msg = rn_strdup(nf > 5 ? field[5] : "");
    if (!r->path || !r->msg) {
      ix->n--;
      free(r->path);
      free(r->msg);
    }
  }
  fclose(f);
  if (ix->n)
    qsort(ix->r, (size_t)ix->n, sizeof *ix->r, cmp_record_path);
}

static const struct record *index_find(const struct index *ix, const char *path)
{
  struct record key = {.path = (char *)path};
  return ix->n ? bsearch(&key, ix->r, (size_t)ix->n, sizeof *ix->r, cmp_record_path) : NULL;
}

static enum rn_status index_save(const struct index *ix, const char *path)
{
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap), stamp[16];
  enum rn_status st;
  if (!buf)
    return rn_error(RN_ENOMEM, "inputs: out of memory");
  for (int i = 0; i < ix->n; i++) {
    const struct record *r = &ix->r[i];
    size_t need = strlen(r->path) + strlen(r->msg) + 96;
    if (len + need > cap) {
      char *nb;
      while (len + need > cap)
        cap *= 2;
      nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        return rn_error(RN_ENOMEM, "inputs: out of memory");
      }
      buf = nb;
    }
    len += (size_t)snprintf(buf + len, cap - len, "%s\t%lld\t%lld\t%s\t%s\t%s\n", r->path,
                            r->size, r->mtime, r->slot ? rn_time_compact(r->slot, stamp) : "-",
                            r->ok ? "ok" : "bad", r->msg);
  }
  st = rn_publish_buffer(path, buf, len);
  free(buf);
  return st;
}

/* Messages go into a one-line, tab-separated file. */
static char *clean_msg(const char *m)
{
  char *s = rn_strdup(m);
  for (char *p = s; p && *p; p++)
    if (*p == '\t' || *p == '\n' || *p == '\r')
      *p = ' ';
  return s;
}

static void split_patterns(struct rn_inputs *in, const char *list)
{
  const char *p = list;
  while (*p && in->npatterns < RN_MAX_PATTERNS) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    while (len && (*p == ' ' || *p == '\t')) {
      p++;
      len--;
    }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
      len--;
    if (len) {
      char *s = malloc(len + 1);
      if (!s)
        return;
      memcpy(s, p, len);
      s[len] = '\0';
      in->patterns[in->npatterns++] = s;
    }
    if (!end)
      break;
    p = end + 1;
  }
}

enum rn_status rn_inputs_init(struct rn_inputs *in, const struct rn_config *cfg)
{
  const char *v;
  enum rn_status st;
  double ext[4];
  int next = 4;

  memset(in, 0, sizeof *in);
  in->cfg = cfg;
  rn_ingest_options_init(&in->ingest);
  v = rn_config_string(cfg, "input", "patterns", "");
  split_patterns(in, v);
  if (in->npatterns == 0)
    return rn_error(RN_EUSAGE, "config: %s: [input] patterns: no input file pattern given",
                    rn_config_path(cfg));
  rn_gridding_options_init(&in->grid);
  if ((st = rn_gridding_options_load(&in->grid, cfg)))
    return st;
  in->ingest.quantity = in->grid.quantity[0] ? in->grid.quantity : NULL;
  in->ingest.encoding = in->grid.encoding[0] ? in->grid.encoding : NULL;
  v = rn_config_string(cfg, "input", "crs", "");
  in->ingest.crs = *v ? v : NULL;
  v = rn_config_string(cfg, "input", "site", "");
  in->ingest.site = *v ? v : NULL;
  v = rn_config_string(cfg, "input", "stations", "");
  in->ingest.stations = *v ? v : NULL;
  if ((st = rn_config_doubles(cfg, "input", "extent", ext, &next)))
    return st;
  if (rn_config_get(cfg, "input", "extent")) {
    if (next != 4)
      return rn_error(RN_EUSAGE, "config: %s: [input] extent: want xmin, ymin, xmax, ymax",
                      rn_config_path(cfg));
    memcpy(in->ingest.extent, ext, sizeof ext);
    in->ingest.have_extent = 1;
  }
  if ((st = rn_config_double(cfg, "input", "zr_a", 200, &in->ingest.zr_a)) ||
      (st = rn_config_double(cfg, "input", "zr_b", 1.6, &in->ingest.zr_b)) ||
      (st = rn_config_double(cfg, "input", "acc_minutes", 0, &in->ingest.acc_minutes)))
    return st;
  in->cache = rn_lut_cache_new(in->grid.lut_cache[0] ? in->grid.lut_cache : NULL, 0);
  if (!in->cache)
    return rn_error(RN_ENOMEM, "inputs: out of memory for the lookup-table cache");
  return RN_OK;
}

void rn_inputs_free(struct rn_inputs *in)
{
  for (int i = 0; i < in->npatterns; i++)
    free(in->patterns[i]);
  in->npatterns = 0;
  rn_lut_cache_free(in->cache);
  in->cache = NULL;
}

static rn_time round_minute(rn_time t)
{
  return (rn_time)floor(((double)t + 30.0) / 60.0) * 60;
}

/* Any radar file the ingest readers know, or a radnow frame file (tried
 * only when the readers reject the file: most inputs are radar files). */
static enum rn_status load_file(const struct rn_inputs *in, const char *path,
                                struct rn_radar_data *d)
{
  enum rn_status st = rn_ingest_read(path, &in->ingest, d);
  if (st == RN_EFORMAT || st == RN_EUNSUPPORTED) {
    char why[1024];
    snprintf(why, sizeof why, "%s", rn_errmsg());
    memset(d, 0, sizeof *d);
    if (rn_frame_read(&d->frame, path) == RN_OK) {
      d->kind = RN_DATA_GRID;
      snprintf(d->format, sizeof d->format, "radnow frame");
      return RN_OK;
    }
    /* Not a frame either: the readers' complaint is the one to report. */
    rn_error(st, "%s", why);
  }
  if (st)
    return rn_error_prefix(st, "input");
  return RN_OK;
}

static rn_time data_time(const struct rn_radar_data *d)
{
  return d->kind == RN_DATA_GRID ? d->frame.time : d->vol.time;
}

/* The data of one slot onto the target grid: polar volumes gridded,
 * gridded inputs resampled, several radars composited (gridding.h). */
static enum rn_status grid_slot(const struct rn_inputs *in, struct rn_radar_data *d, int n,
                                struct rn_frame *out)
{
  enum rn_status st = rn_gridding_run_data(&in->grid, d, n, in->cache, out);
  return st ? rn_error_prefix(st, "grid") : RN_OK;
}

static struct record *set_bad(struct record *r, const char *msg)
{
  free(r->msg);
  r->msg = clean_msg(msg);
  r->ok = 0;
  return r;
}

/* (Re)grid the files w[0..n) of one slot. */
static enum rn_status grid_group(const struct rn_inputs *in, const struct rn_state *s,
                                 struct record *w, int n, struct rn_gather_report *rep)
{
  struct rn_radar_data *d = calloc((size_t)n, sizeof *d);
  struct record **used = calloc((size_t)n, sizeof *used);
  int nd = 0;
  enum rn_status st = RN_OK;
  char iso[32];

  if (!d || !used) {
    free(d);
    free(used);
    return rn_error(RN_ENOMEM, "inputs: out of memory");
  }
  for (int i = 0; i < n; i++) {
    if (!w[i].ok && !w[i].fresh)
      continue; /* known bad: read again only when it changes */
    if (load_file(in, w[i].path, &d[nd]) != RN_OK) {
      rn_log_warn("%s (skipped)", rn_errmsg());
      set_bad(&w[i], rn_errmsg());
      rep->bad++;
      continue;
    }
    if (llabs((long long)(data_time(&d[nd]) - w[i].slot)) > 150)
      rn_log_warn("input: %s: nominal time %s inside differs from the file name; using the name",
                  w[i].path, rn_time_iso(data_time(&d[nd]), iso));
    w[i].ok = 1;
    free(w[i].msg);
    w[i].msg = rn_strdup("");
    used[nd++] = &w[i];
  }
  if (nd > 0) {
    struct rn_frame f;
    double t0 = rn_clock();
    st = grid_slot(in, d, nd, &f);
    if (st == RN_OK) {
      f.time = w[0].slot;
      st = rn_state_put(s, &f);
      rn_frame_free(&f);
      if (st == RN_OK) {
        rep->gridded++;
        rn_log_info("gather: %s: %d file(s) gridded in %.1f ms", rn_time_iso(w[0].slot, iso), nd,
                    1e3 * (rn_clock() - t0));
      }
    } else if (st != RN_EWRITE && st != RN_ENOMEM) {
      /* The data cannot be gridded: as unusable as a corrupt file. */
      rn_log_warn("%s (skipped)", rn_errmsg());
      for (int i = 0; i < nd; i++)
        set_bad(used[i], rn_errmsg());
      rep->bad += nd;
      st = RN_OK;
    }
  }
  for (int i = 0; i < nd; i++)
    rn_radar_data_free(&d[i]);
  free(d);
  free(used);
  return st;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

enum rn_status rn_inputs_gather(const struct rn_inputs *in, const struct rn_state *s,
                                rn_time from, rn_time to, struct rn_gather_report *rep)
{
  char ixpath[4200];
  struct index old = {0}, now = {0};
  char **paths = NULL;
  size_t npaths = 0, cap = 0;
  enum rn_status st = RN_OK;
  int nwin = 0;

  memset(rep, 0, sizeof *rep);
  snprintf(ixpath, sizeof ixpath, "%s/%s", s->dir, INDEX_NAME);
  index_load(&old, ixpath);

  for (int p = 0; p < in->npatterns; p++) {
    glob_t g;
    int rc = glob(in->patterns[p], 0, NULL, &g);
    if (rc == GLOB_NOMATCH) {
      rn_log_debug("gather: %s: no file", in->patterns[p]);
      continue;
    }
    if (rc != 0) {
      globfree(&g);
      st = rn_error(rc == GLOB_NOSPACE ? RN_ENOMEM : RN_EIO, "input: %s: cannot list files",
                    in->patterns[p]);
      goto done;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
      if (npaths == cap) {
        size_t nc = cap ? 2 * cap : 256;
        char **np = realloc(paths, nc * sizeof *np);
        if (!np) {
          globfree(&g);
          st = rn_error(RN_ENOMEM, "inputs: out of memory");
          goto done;
        }
        paths = np;
        cap = nc;
      }
      paths[npaths] = rn_strdup(g.gl_pathv[i]);
      if (!paths[npaths]) {
        globfree(&g);
        st = RN_ENOMEM;
        goto done;
      }
      npaths++;
    }
    globfree(&g);
  }
  if (npaths)
    qsort(paths, npaths, sizeof *paths, cmp_str);

  for (size_t i = 0; i < npaths; i++) {
    struct stat sb;
    const struct record *known;
    struct record *r;
    long long mtime;
    rn_time slot = 0;
    if ((i > 0 && strcmp(paths[i], paths[i - 1]) == 0) || strpbrk(paths[i], "\t\n"))
      continue;
    if (stat(paths[i], &sb) != 0 || !S_ISREG(sb.st_mode))
      continue;
    mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    known = index_find(&old, paths[i]);
    if (known && (known->size != (long long)sb.st_size || known->mtime != mtime))
      known = NULL;
    if (known)
      slot = known->slot;
    else if (rn_time_from_filename(paths[i], &slot) != 0)
      slot = 0;
    if (!known && slot && (slot < from || slot > to))
      continue; /* named outside the window: never read */
    r = index_add(&now);
    if (!r) {
      st = RN_ENOMEM;
      goto done;
    }
    r->path = rn_strdup(paths[i]);
    r->size = (long long)sb.st_size;
    r->mtime = mtime;
    r->slot = slot;
    r->ok = known ? known->ok : 1;
    r->msg = rn_strdup(known ? known->msg : "");
    r->fresh = !known;
    if (!r->path || !r->msg) {
      st = RN_ENOMEM;
      goto done;
    }
    if (!known && !slot) {
      /* No time in the name: read the file once to learn it. */
      struct rn_radar_data d;
      if (load_file(in, r->path, &d) != RN_OK) {
        rn_log_warn("%s (skipped)", rn_errmsg());
        set_bad(r, rn_errmsg());
        rep->bad++;
      } else {
        r->slot = round_minute(data_time(&d));
        rn_radar_data_free(&d);
      }
    }
  }

  /* Slots in the window, oldest first; files outside it keep their records. */
  if (now.n)
    qsort(now.r, (size_t)now.n, sizeof *now.r, cmp_record_slot);
  for (int i = 0; i < now.n;) {
    int j = i, fresh = 0;
    rn_time slot = now.r[i].slot;
    while (j < now.n && now.r[j].slot == slot)
      j++;
    if (slot && slot >= from && slot <= to) {
      nwin += j - i;
      for (int k = i; k < j; k++) {
        if (now.r[k].fresh)
          fresh = 1;
        else if (!now.r[k].ok) {
          rn_log_warn("input: %s: unreadable, skipped (%s)", now.r[k].path, now.r[k].msg);
          rep->bad++;
        }
      }
      if (fresh || !rn_state_has(s, slot)) {
        st = grid_group(in, s, &now.r[i], j - i, rep);
        if (st)
          goto done;
      }
    }
    i = j;
  }
  rep->files = nwin;
  if (now.n)
    qsort(now.r, (size_t)now.n, sizeof *now.r, cmp_record_path);
  st = index_save(&now, ixpath);
done:
  for (size_t i = 0; i < npaths; i++)
    free(paths[i]);
  free(paths);
  index_free(&old);
  index_free(&now);
  return st;
}
