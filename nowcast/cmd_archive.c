/* cmd_archive.c - radnow archive: radar files (or frames) into a training
 * archive on the model grid (archive.h). */
#include <radnow/archive.h>
#include <radnow/config.h>
#include <radnow/gridding.h>
#include <radnow/inputs.h>
#include <radnow/log.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow archive -c CONF -o ARCHIVE.nc [--set SECTION.KEY=VALUE]...\n"
          "                      FILE_OR_DIR...\n"
          "\n"
          "Collects gridded frames into a NetCDF-4 training archive on the model grid.\n"
          "Radar files are grouped by time (the YYYYmmddHHMM stamp of the name, else the\n"
          "time inside), gridded with the [grid] and [input] options as `radnow run` does\n"
          "(radnow frame files and georeferenced rasters are taken as they are), resampled\n"
          "to the model grid ([archive] size or res) and stored as bytes (dBZ = 0.5 p - 32,\n"
          "0 no echo, 255 nodata) with times, gap segments and the train/validation/test\n"
          "split. Folders are searched recursively; unreadable files are skipped with a\n"
          "warning (their time becomes a gap).\n"
          "  -c, --config CONF   configuration ([archive], [grid], [input]; see\n"
          "                      etc/radnow.conf.example)\n"
          "  -o, --out FILE      the archive to write (atomically)\n"
          "  --set S.K=V         override one configuration entry\n");
}

/* ---- the input files ------------------------------------------------------ */

struct file {
  char *path;
  rn_time t;
};

struct files {
  int n, cap;
  struct file *f;
};

static enum rn_status add_file(struct files *fl, const char *path)
{
  if (fl->n == fl->cap) {
    int cap = fl->cap ? 2 * fl->cap : 256;
    struct file *f = realloc(fl->f, sizeof *f * (size_t)cap);
    if (!f)
      return rn_error(RN_ENOMEM, "archive: out of memory listing files");
    fl->f = f;
    fl->cap = cap;
  }
  fl->f[fl->n].path = rn_strdup(path);
  fl->f[fl->n].t = 0;
  if (!fl->f[fl->n].path)
    return RN_ENOMEM;
  fl->n++;
  return RN_OK;
}

static enum rn_status scan(struct files *fl, const char *path, int depth)
{
  struct stat sb;
  if (stat(path, &sb) != 0)
    return rn_error(RN_ENOTFOUND, "archive: %s: %s", path, strerror(errno));
  if (S_ISDIR(sb.st_mode)) {
    struct dirent **names;
    int n;
    enum rn_status st = RN_OK;
    if (depth > 16)
      return rn_error(RN_EUSAGE, "archive: %s: folders nested too deep", path);
    n = scandir(path, &names, NULL, alphasort);
    if (n < 0)
      return rn_error(RN_EIO, "archive: %s: %s", path, strerror(errno));
    for (int i = 0; i < n; i++) {
      char sub[4200];
      if (!st && names[i]->d_name[0] != '.') {
        snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
        st = scan(fl, sub, depth + 1);
      }
      free(names[i]);
    }
    free(names);
    return st;
  }
  if (!S_ISREG(sb.st_mode))
    return depth == 0 ? rn_error(RN_EUSAGE, "archive: %s: not a file or folder", path) : RN_OK;
  return add_file(fl, path);
}

static int cmp_file(const void *pa, const void *pb)
{
  const struct file *a = pa, *b = pb;
  if (a->t != b->t)
    return a->t < b->t ? -1 : 1;
  return strcmp(a->path, b->path);
}

/* Any radar file the readers know, else a radnow frame file. */
static enum rn_status load(const struct rn_inputs *in, const char *path, struct rn_radar_data *d)
{
  enum rn_status st = rn_ingest_read(path, &in->ingest, d);
  if (st == RN_EFORMAT || st == RN_EUNSUPPORTED) {
    char why[1024];
    snprintf(why, sizeof why, "%s", rn_errmsg());
    memset(d, 0, sizeof *d);
    if (rn_frame_read(&d->frame, path) == RN_OK) {
      d->kind = RN_DATA_GRID;
      return RN_OK;
    }
    return rn_error(st, "%s", why);
  }
  return st;
}

static rn_time round_minute(rn_time t)
{
  return (t + 30) / 60 * 60;
}

/* The time slot of every file: the name's stamp, else the time inside. */
static void slot_times(const struct rn_inputs *in, struct files *fl, int *bad)
{
  for (int i = 0; i < fl->n; i++) {
    struct rn_radar_data d;
    if (rn_time_from_filename(fl->f[i].path, &fl->f[i].t))
      continue;
    if (load(in, fl->f[i].path, &d) != RN_OK) {
      rn_log_warn("archive: %s (skipped)", rn_errmsg());
      fl->f[i].t = -1;
      (*bad)++;
      continue;
    }
    fl->f[i].t = round_minute(d.kind == RN_DATA_GRID ? d.frame.time : d.vol.time);
    rn_radar_data_free(&d);
  }
}

/* Grid the files [i0, i1) of one slot and add the frame. */
static enum rn_status add_slot(const struct rn_inputs *in, struct rn_archive_builder *b,
                               const struct files *fl, int i0, int i1, int *bad, int *frames)
{
  struct rn_radar_data *d = rn_calloc((size_t)(i1 - i0), sizeof *d, "archive slot");
  struct rn_frame f;
  int nd = 0;
  enum rn_status st = RN_OK;
  char iso[32];
  if (!d)
    return RN_ENOMEM;
  for (int i = i0; i < i1; i++) {
    if (load(in, fl->f[i].path, &d[nd]) != RN_OK) {
      rn_log_warn("archive: %s (skipped)", rn_errmsg());
      (*bad)++;
      continue;
    }
    nd++;
  }
  if (nd > 0) {
    st = rn_gridding_run_data(&in->grid, d, nd, in->cache, &f);
    if (st == RN_OK) {
      f.time = fl->f[i0].t;
      st = rn_archive_builder_add(b, &f);
      rn_frame_free(&f);
      if (st == RN_OK) {
        (*frames)++;
        rn_log_debug("archive: %s: %d file(s)", rn_time_iso(fl->f[i0].t, iso), nd);
      }
    } else if (st != RN_ENOMEM) {
      rn_log_warn("archive: %s: %s (skipped)", rn_time_iso(fl->f[i0].t, iso), rn_errmsg());
      *bad += nd;
      st = RN_OK;
    }
  }
  for (int i = 0; i < nd; i++)
    rn_radar_data_free(&d[i]);
  free(d);
  return st;
}

static void summary(const struct rn_archive *a, const char *path, int bad)
{
  int nsplit[3] = {0, 0, 0};
  char t0[32], t1[32];
  for (int i = 0; i < a->nt; i++)
    nsplit[a->split[i]]++;
  printf("%s: %d frames of %d x %d, %s to %s, step %ld min, %d segment(s) "
         "(train %d, validation %d, test %d frames)\n",
         path, a->nt, a->grid.nx, a->grid.ny, rn_time_iso(a->time[0], t0),
         rn_time_iso(a->time[a->nt - 1], t1), a->step / 60, a->segment[a->nt - 1] + 1, nsplit[0],
         nsplit[1], nsplit[2]);
  if (bad)
    printf("%s: %d input file(s) skipped (see the warnings)\n", path, bad);
}

int cmd_archive(int argc, char **argv)
{
  static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                           {"out", required_argument, NULL, 'o'},
                                           {"set", required_argument, NULL, 's'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *conf = NULL, *out = NULL, *sets[64];
  int nsets = 0, c, bad = 0, frames = 0, rc = 0;
  struct rn_config *cfg = NULL;
  struct rn_inputs in;
  struct rn_archive_options ao;
  struct rn_archive_builder *b = NULL;
  struct rn_archive a = {0};
  struct files fl = {0};
  enum rn_status st;
  double t0 = rn_clock();

  H5dont_atexit(); /* see cmd_run.c */
  memset(&in, 0, sizeof in);
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'o': out = optarg; break;
    case 's':
      if (nsets == 64) {
        fprintf(stderr, "radnow archive: too many --set options\n");
        return RN_EXIT_USAGE;
      }
      sets[nsets++] = optarg;
      break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return RN_EXIT_USAGE;
    }
  }
  if (!conf || !out || optind >= argc) {
    fprintf(stderr, "radnow archive: %s\n",
            !conf ? "-c CONF is required" : !out ? "-o ARCHIVE.nc is required"
                                                 : "no input files or folders given");
    usage(stderr);
    return RN_EXIT_USAGE;
  }

  cfg = rn_config_new();
  if (!cfg) {
    st = RN_ENOMEM;
    goto fail;
  }
  st = rn_config_load(cfg, conf);
  if (st == RN_ENOTFOUND)
    st = RN_EUSAGE;
  for (int i = 0; !st && i < nsets; i++)
    st = rn_config_set_arg(cfg, sets[i]);
  /* [input] and [grid] are read exactly as the cycle reads them; the files
   * come from the command line, not from [input] patterns. */
  if (!st && !rn_config_get(cfg, "input", "patterns"))
    st = rn_config_set(cfg, "input", "patterns", "(command line)");
  if (st || (st = rn_inputs_init(&in, cfg)))
    goto fail;
  rn_archive_options_init(&ao);
  if ((st = rn_archive_options_load(&ao, cfg)))
    goto fail;

  for (int i = optind; i < argc; i++)
    if ((st = scan(&fl, argv[i], 0)))
      goto fail;
  if (fl.n == 0) {
    st = rn_error(RN_ENOTFOUND, "archive: no files in the folders given");
    goto fail;
  }
  slot_times(&in, &fl, &bad);
  qsort(fl.f, (size_t)fl.n, sizeof *fl.f, cmp_file);
  if ((st = rn_archive_builder_new(&ao, &b)))
    goto fail;
  for (int i = 0; i < fl.n;) {
    int j = i + 1;
    while (j < fl.n && fl.f[j].t == fl.f[i].t)
      j++;
    if (fl.f[i].t >= 0 && (st = add_slot(&in, b, &fl, i, j, &bad, &frames)))
      goto fail;
    i = j;
  }
  if (frames == 0) {
    st = rn_error(RN_ENOTFOUND, "archive: none of the %d input file(s) could be used", fl.n);
    goto fail;
  }
  st = rn_archive_builder_finish(b, &a);
  b = NULL;
  if (st || (st = rn_archive_write(&a, &ao, out)))
    goto fail;
  summary(&a, out, bad);
  rn_log_info("archive: %s written in %.1f s", out, rn_clock() - t0);
  goto done;
fail:
  rc = cmd_fail(st);
done:
  rn_archive_builder_free(b);
  rn_archive_free(&a);
  for (int i = 0; i < fl.n; i++)
    free(fl.f[i].path);
  free(fl.f);
  rn_inputs_free(&in);
  rn_config_free(cfg);
  return rc;
}
