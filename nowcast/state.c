/* state.c - frame history on disk and the choice of a cycle's input frames. */
#include <radnow/log.h>
#include <radnow/publish.h>
#include <radnow/state.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FRAME_PREFIX "frame_"
#define FRAME_SUFFIX ".nc"

enum rn_status rn_state_open(struct rn_state *s, const char *dir)
{
  int n = snprintf(s->dir, sizeof s->dir, "%s", dir);
  if (n <= 0 || (size_t)n >= sizeof s->dir)
    return rn_error(RN_EUSAGE, "state: '%s': bad folder name", dir);
  n = snprintf(s->frames, sizeof s->frames, "%s/frames", dir);
  if ((size_t)n >= sizeof s->frames)
    return rn_error(RN_EUSAGE, "state: '%s': path too long", dir);
  if (rn_mkdirs(s->frames))
    return rn_error_prefix(RN_EWRITE, "state");
  return RN_OK;
}

void rn_state_frame_path(const struct rn_state *s, rn_time t, char *buf, size_t size)
{
  char stamp[16];
  snprintf(buf, size, "%s/" FRAME_PREFIX "%s" FRAME_SUFFIX, s->frames, rn_time_compact(t, stamp));
}

int rn_state_has(const struct rn_state *s, rn_time t)
{
  char path[4200];
  struct stat sb;
  rn_state_frame_path(s, t, path, sizeof path);
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

enum rn_status rn_state_put(const struct rn_state *s, const struct rn_frame *f)
{
  char path[4200];
  rn_state_frame_path(s, f->time, path, sizeof path);
  return rn_frame_write(f, path);
}

enum rn_status rn_state_get(const struct rn_state *s, rn_time t, struct rn_frame *f)
{
  char path[4200];
  rn_state_frame_path(s, t, path, sizeof path);
  return rn_frame_read(f, path);
}

/* "frame_YYYYmmddHHMM.nc" -> time; -1 for anything else. */
static int frame_name_time(const char *name, rn_time *t)
{
  size_t np = strlen(FRAME_PREFIX), ns = strlen(FRAME_SUFFIX), len = strlen(name);
  char stamp[13];
  if (len != np + 12 + ns || strncmp(name, FRAME_PREFIX, np) != 0 ||
      strcmp(name + np + 12, FRAME_SUFFIX) != 0)
    return -1;
  memcpy(stamp, name + np, 12);
  stamp[12] = '\0';
  for (int i = 0; i < 12; i++)
    if (stamp[i] < '0' || stamp[i] > '9')
      return -1;
  return rn_time_parse(stamp, t) == RN_OK ? 0 : -1;
}

static int cmp_time(const void *a, const void *b)
{
  rn_time x = *(const rn_time *)a, y = *(const rn_time *)b;
  return (x > y) - (x < y);
}

enum rn_status rn_state_list(const struct rn_state *s, rn_time **times, int *n)
{
  DIR *d = opendir(s->frames);
  struct dirent *e;
  rn_time *v = NULL;
  int cnt = 0, cap = 0;
  *times = NULL;
  *n = 0;
  if (!d)
    return rn_error(RN_EIO, "state: %s: %s", s->frames, strerror(errno));
  while ((e = readdir(d)) != NULL) {
    rn_time t;
    if (frame_name_time(e->d_name, &t) != 0)
      continue;
    if (cnt == cap) {
      int nc = cap ? 2 * cap : 64;
      rn_time *nv = realloc(v, (size_t)nc * sizeof *nv);
      if (!nv) {
        free(v);
        closedir(d);
        return rn_error(RN_ENOMEM, "state: %s: out of memory", s->frames);
      }
      v = nv;
      cap = nc;
    }
    v[cnt++] = t;
  }
  closedir(d);
  if (cnt)
    qsort(v, (size_t)cnt, sizeof *v, cmp_time);
  *times = v;
  *n = cnt;
  return RN_OK;
}

enum rn_status rn_state_prune(const struct rn_state *s, rn_time now, int keep, int *removed)
{
  rn_time *times;
  int n, kept = 0;
  enum rn_status st = rn_state_list(s, &times, &n);
  *removed = 0;
  if (st)
    return st;
  for (int i = n - 1; i >= 0; i--) {
    char path[4200];
    if (times[i] > now || kept < keep) {
      kept += times[i] <= now;
      continue;
    }
    rn_state_frame_path(s, times[i], path, sizeof path);
    if (unlink(path) != 0 && errno != ENOENT) {
      st = rn_error(RN_EWRITE, "state: %s: %s", path, strerror(errno));
      break;
    }
    (*removed)++;
  }
  free(times);
  return st;
}

int rn_remove_stale_temporaries(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int removed = 0;
  if (!d)
    return 0;
  while ((e = readdir(d)) != NULL) {
    char path[4200];
    if (e->d_name[0] != '.' || !strstr(e->d_name, ".tmp."))
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (unlink(path) == 0) {
      rn_log_info("state: removed %s, left by an interrupted run", path);
      removed++;
    }
  }
  closedir(d);
  return removed;
}

rn_time rn_select_expected(rn_time now, long step, long delay)
{
  rn_time t = now - delay;
  rn_time r = t % step;
  if (r < 0)
    r += step;
  return t - r;
}

static int has_time(const rn_time *times, int n, rn_time t)
{
  return bsearch(&t, times, (size_t)n, sizeof *times, cmp_time) != NULL;
}

static char *hhmm(rn_time t, char *buf)
{
  char iso[32];
  rn_time_iso(t, iso);
  snprintf(buf, 8, "%.5s", iso + 11);
  return buf;
}

enum rn_status rn_select_frames(const rn_time *times, int ntimes, rn_time now, rn_time expected,
                                const struct rn_select_params *p, struct rn_selection *sel)
{
  rn_time oldest = now - p->max_age;
  char a[32], b[32], have[160] = "";
  int nhave = 0;

  memset(sel, 0, sizeof *sel);
  sel->expected = expected;
  if (p->need < 1 || p->need > RN_MAX_INPUTS || p->step <= 0 || p->max_age < 0)
    return rn_error(RN_EUSAGE, "select: need %d frames, step %ld s, max age %ld s: out of range",
                    p->need, p->step, p->max_age);
  for (int i = ntimes - 1; i >= 0; i--) {
    rn_time t0 = times[i];
    int k;
    if (t0 > now)
      continue;
    if (t0 < oldest)
      break;
    for (k = 1; k < p->need; k++)
      if (!has_time(times, ntimes, t0 - k * p->step))
        break;
    if (k < p->need)
      continue;
    sel->n = p->need;
    for (k = 0; k < p->need; k++)
      sel->times[k] = t0 - (rn_time)(p->need - 1 - k) * p->step;
    if (t0 < expected) {
      sel->late = 1;
      snprintf(sel->comment, sizeof sel->comment,
               "late or missing input: expected %s, ran from the newest complete set ending %s",
               rn_time_iso(expected, a), rn_time_iso(t0, b));
    }
    return RN_OK;
  }

  /* Nothing usable: say what there is in the window the set had to come from. */
  for (int i = 0; i < ntimes; i++) {
    size_t len = strlen(have);
    if (times[i] > now || times[i] < oldest - (rn_time)(p->need - 1) * p->step)
      continue;
    if (++nhave <= 12 && len + 8 < sizeof have)
      snprintf(have + len, sizeof have - len, "%s%s", len ? " " : "", hhmm(times[i], a));
  }
  if (nhave > 12)
    strcat(have, " ...");
  return rn_error(RN_ENOTFOUND,
                  "input: no %d consecutive frame%s %ld min apart ending between %s and %s; "
                  "%d frame%s in that window%s%s",
                  p->need, p->need == 1 ? "" : "s", p->step / 60, rn_time_iso(oldest, a),
                  rn_time_iso(now, b), nhave, nhave == 1 ? "" : "s", nhave ? ": " : "", have);
}
