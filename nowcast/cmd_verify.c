/* cmd_verify.c - radnow verify: score forecasts against observations over a
 * period and write scores.csv, scores.json and report.html.
 *
 * Forecasts come as
 *   --forecast FILE_OR_DIR...     CF forecast files (forecast.h), one per cycle
 *                                 and predictor; folders are searched for *.nc
 *   --forecast-frames NAME@REFTIME=DIR
 *                                 frame files (frame.h) of one cycle of predictor
 *                                 NAME issued at REFTIME; each frame's own time
 *                                 is its valid time, lead = time - REFTIME
 *   --forecast-frames NAME=DIR    the same for every cycle below DIR: each
 *                                 sub-folder whose name carries a YYYYmmddHHMM
 *                                 stamp is the cycle issued at that time
 *                                 (the products folder of radnow run); in a
 *                                 folder, the files named NAME_* when there
 *                                 are such, else every *.nc
 *   --persistence                 also score persistence ("obs-persistence"):
 *                                 the observation at each reference time, for
 *                                 every (reference time, lead) of the others
 * Observations (--obs FILE_OR_DIR...) are frame files, or gridded files any
 * reader understands, on the forecast grid. A forecast whose valid time has
 * no observation is counted as missing and listed in the report. */
#include <radnow/config.h>
#include <radnow/forecast.h>
#include <radnow/gridding.h>
#include <radnow/ingest.h>
#include <radnow/log.h>
#include <radnow/utctime.h>
#include <radnow/verify.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "verify_obs.h"

/* The built-in baseline's name: apart from a predictor called persistence. */
#define PERSISTENCE "obs-persistence"

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow verify [-c CONF] --forecast FILE_OR_DIR... --obs FILE_OR_DIR...\n"
          "                     [--forecast-frames NAME[@YYYYmmddHHMM]=DIR]... [--persistence]\n"
          "                     [--thresholds 30,40,50] [--scales 1,3,9,27] [--out DIR]\n"
          "                     [--time-tolerance SECONDS] [--title TEXT] [--no-ssim]\n"
          "\n"
          "Scores forecasts against observations at their valid times: contingency scores\n"
          "(POD, FAR, CSI, bias, ETS, HSS) per lead and pooled, FSS, MAE/RMSE, MSE/SSIM/PSNR\n"
          "on the papers' [0,1] scale, and ensemble scores. Writes DIR/scores.csv,\n"
          "DIR/scores.json and DIR/report.html (default DIR: verification).\n"
          "\n"
          "  --forecast            CF forecast files (radnow run), folders searched for *.nc\n"
          "  --forecast-frames     frame files as the forecasts of predictor NAME issued at\n"
          "                        YYYYmmddHHMM (each frame's time is its valid time), or\n"
          "                        without @: every sub-folder of DIR named with a time stamp\n"
          "                        is one cycle issued at that time; files named NAME_* when\n"
          "                        there are such, else every *.nc\n"
          "  --persistence         also score the observation at each reference time, as\n"
          "                        predictor obs-persistence\n"
          "  --obs                 frame files on the forecast grid, or radar files of any\n"
          "                        format, gridded onto the forecast grid with the [grid]\n"
          "                        options of CONF (files of one time are composited)\n"
          "  --time-tolerance      seconds between a valid time and the nearest observation\n"
          "                        that still matches (60)\n"
          "Configuration [verify]: thresholds, scales, out, title, ssim, time_tolerance.\n");
}

/* ---- forecasts ----------------------------------------------------------- */

enum source_kind { SRC_CF, SRC_FRAMES };

struct source {
  enum source_kind kind;
  char name[64];       /* SRC_FRAMES: predictor */
  rn_time reference;   /* SRC_FRAMES */
  struct paths files;  /* SRC_CF: one; SRC_FRAMES: the frames of the cycle */
};

struct sources {
  struct source *v;
  int n, cap;
};

static struct source *source_new(struct sources *s, enum source_kind kind)
{
  if (s->n == s->cap) {
    int cap = s->cap ? 2 * s->cap : 32;
    struct source *v = realloc(s->v, (size_t)cap * sizeof *v);
    if (!v) {
      rn_error(RN_ENOMEM, "verify: out of memory");
      return NULL;
    }
    s->v = v;
    s->cap = cap;
  }
  memset(&s->v[s->n], 0, sizeof s->v[s->n]);
  s->v[s->n].kind = kind;
  return &s->v[s->n++];
}

static void sources_free(struct sources *s)
{
  for (int i = 0; i < s->n; i++)
    vpaths_free(&s->v[i].files);
  free(s->v);
}

/* Keep the files of a cycle folder whose names begin with "NAME_" when
 * there are any (a folder may hold the frames of several predictors). */
static void keep_named(struct paths *files, const char *name)
{
  char prefix[80];
  int n = 0, any = 0;
  snprintf(prefix, sizeof prefix, "%s_", name);
  for (int i = 0; i < files->n; i++) {
    const char *b = strrchr(files->v[i], '/');
    any |= strncmp(b ? b + 1 : files->v[i], prefix, strlen(prefix)) == 0;
  }
  if (!any)
    return;
  for (int i = 0; i < files->n; i++) {
    const char *b = strrchr(files->v[i], '/');
    if (strncmp(b ? b + 1 : files->v[i], prefix, strlen(prefix)) == 0)
      files->v[n++] = files->v[i];
    else
      free(files->v[i]);
  }
  files->n = n;
}

/* NAME@REFTIME=DIR or NAME=DIR (cycles in time-stamped sub-folders). */
static enum rn_status add_frame_sources(struct sources *s, const char *spec)
{
  const char *eq = strchr(spec, '='), *at = strchr(spec, '@');
  char name[64], stamp[64];
  rn_time ref;
  struct stat sb;
  enum rn_status st;
  if (!eq || eq == spec || (at && at > eq) || (size_t)((at ? at : eq) - spec) >= sizeof name)
    return rn_error(RN_EUSAGE, "--forecast-frames '%s': want NAME@YYYYmmddHHMM=DIR or NAME=DIR",
                    spec);
  snprintf(name, sizeof name, "%.*s", (int)((at ? at : eq) - spec), spec);
  if (stat(eq + 1, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return rn_error(RN_ENOTFOUND, "--forecast-frames: %s: no such folder", eq + 1);
  if (at) {
    struct source *src;
    snprintf(stamp, sizeof stamp, "%.*s", (int)(eq - at - 1), at + 1);
    if (rn_time_parse(stamp, &ref) != RN_OK)
      return rn_error(RN_EUSAGE, "--forecast-frames '%s': '%s' is not a time (YYYYmmddHHMM)",
                      spec, stamp);
    if (!(src = source_new(s, SRC_FRAMES)))
      return RN_ENOMEM;
    snprintf(src->name, sizeof src->name, "%s", name);
    src->reference = ref;
    st = vpaths_expand(eq + 1, ".nc", &src->files, 0);
    if (!st)
      keep_named(&src->files, name);
    return st;
  }
  {
    struct paths subs = {0};
    int cycles = 0;
    DIR *d = opendir(eq + 1);
    struct dirent *e;
    if (!d)
      return rn_error(RN_EIO, "--forecast-frames: %s: cannot open the folder", eq + 1);
    st = RN_OK;
    while ((e = readdir(d)) && !st) {
      char full[4096];
      if (e->d_name[0] == '.')
        continue;
      snprintf(full, sizeof full, "%s/%s", eq + 1, e->d_name);
      if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode) && rn_time_from_filename(e->d_name, &ref) == 0)
        st = vpaths_add(&subs, full);
    }
    closedir(d);
    if (!st)
      qsort(subs.v, (size_t)subs.n, sizeof *subs.v, vcmp_str);
    for (int i = 0; i < subs.n && !st; i++) {
      struct source *src = source_new(s, SRC_FRAMES);
      if (!src) {
        st = RN_ENOMEM;
        break;
      }
      snprintf(src->name, sizeof src->name, "%s", name);
      rn_time_from_filename(subs.v[i], &src->reference);
      st = vpaths_expand(subs.v[i], ".nc", &src->files, 0);
      if (!st)
        keep_named(&src->files, name);
      cycles++;
    }
    vpaths_free(&subs);
    if (!st && cycles == 0)
      st = rn_error(RN_ENOTFOUND, "--forecast-frames: %s: no sub-folders named with a "
                    "YYYYmmddHHMM reference time", eq + 1);
    return st;
  }
}

/* Load a source as a forecast structure. */
static enum rn_status load_source(const struct source *src, struct rn_forecast *fc)
{
  struct rn_frame f;
  enum rn_status st;
  if (src->kind == SRC_CF) {
    st = rn_forecast_read(fc, src->files.v[0]);
    if (!st && !fc->predictor[0]) {
      rn_log_warn("verify: %s: no 'predictor' attribute; scored as 'unknown'", src->files.v[0]);
      snprintf(fc->predictor, sizeof fc->predictor, "unknown");
    }
    return st;
  }
  if (src->files.n == 0)
    return rn_error(RN_ENOTFOUND, "verify: %s: no frame files (*.nc) in the cycle of %s", src->name,
                    "its folder");
  memset(fc, 0, sizeof *fc);
  for (int l = 0; l < src->files.n; l++) {
    st = rn_frame_read(&f, src->files.v[l]);
    if (st)
      goto fail;
    if (l == 0) {
      st = rn_forecast_alloc(fc, &f.grid, src->files.n, 1, 0);
      if (st) {
        rn_frame_free(&f);
        return st;
      }
      snprintf(fc->predictor, sizeof fc->predictor, "%s", src->name);
      fc->reference_time = src->reference;
    } else if (!rn_grid_same(&f.grid, &fc->grid)) {
      st = rn_error(RN_EFORMAT, "verify: %s: grid differs from %s of the same cycle",
                    src->files.v[l], src->files.v[0]);
      rn_frame_free(&f);
      goto fail;
    }
    if (f.time < src->reference) {
      char a[32], b[32];
      st = rn_error(RN_EFORMAT, "verify: %s: valid time %s is before the reference time %s",
                    src->files.v[l], rn_time_iso(f.time, a), rn_time_iso(src->reference, b));
      rn_frame_free(&f);
      goto fail;
    }
    /* leads in whole minutes: frame times carry the seconds of the scan */
    fc->lead_seconds[l] = (int)(60 * llround((double)(f.time - src->reference) / 60.0));
    for (int k = 0; k < l; k++)
      if (fc->lead_seconds[k] == fc->lead_seconds[l]) {
        st = rn_error(RN_EFORMAT, "verify: %s and %s: two frames of %s at lead %d min",
                      src->files.v[k], src->files.v[l], src->name, fc->lead_seconds[l] / 60);
        rn_frame_free(&f);
        goto fail;
      }
    memcpy(rn_forecast_field(fc, 0, l), f.dbz,
           (size_t)f.grid.nx * (size_t)f.grid.ny * sizeof(float));
    rn_frame_free(&f);
  }
  return RN_OK;
fail:
  rn_forecast_free(fc);
  return st;
}

/* ---- progress ------------------------------------------------------------ */

struct progress {
  int tty;
  double start, last;
};

static void progress(struct progress *p, long done, long total, int final)
{
  double now = rn_clock();
  if (!p->tty || (!final && now - p->last < 0.5))
    return;
  p->last = now;
  if (done > 0 && total > done) {
    double eta = (now - p->start) / (double)done * (double)(total - done);
    fprintf(stderr, "\rverify: %ld/%ld cases, %.0f s left   ", done, total, eta);
  } else {
    fprintf(stderr, "\rverify: %ld/%ld cases, %.1f s        ", done, total, now - p->start);
  }
  if (final)
    fputc('\n', stderr);
  fflush(stderr);
}

/* ---- the command --------------------------------------------------------- */

struct done_pair {
  rn_time reference;
  int lead;
};

struct run {
  struct rn_verify *v;
  struct obs_set obs;
  struct sources src;
  int persistence;
  struct done_pair *pairs;
  int npairs, cap;
  long scored, missing;
};

static int pair_seen(struct run *r, rn_time ref, int lead)
{
  for (int i = 0; i < r->npairs; i++)
    if (r->pairs[i].reference == ref && r->pairs[i].lead == lead)
      return 1;
  if (r->npairs == r->cap) {
    int cap = r->cap ? 2 * r->cap : 256;
    struct done_pair *p = realloc(r->pairs, (size_t)cap * sizeof *p);
    if (!p)
      return 1;
    r->pairs = p;
    r->cap = cap;
  }
  r->pairs[r->npairs].reference = ref;
  r->pairs[r->npairs++].lead = lead;
  return 0;
}

/* Score every lead of a forecast that has an observation (LEAD_CHUNK at a
 * time, a lead per thread); count the others as missing. */
#define LEAD_CHUNK 32
static enum rn_status score_forecast(struct run *r, const struct rn_forecast *fc,
                                     const char *path) {
  const int nl = fc->nleads, nm = fc->nmembers;
  const float **fields = NULL, *const **members = NULL, **obs = NULL, **pers = NULL;
  const float *const **pmembers = NULL, **pobs = NULL;
  int *leads = NULL, *pleads = NULL, n = 0, np = 0;
  enum rn_status st = RN_OK;
  if (nm > RN_VERIFY_MAX_MEMBERS)
    return rn_error(RN_EUNSUPPORTED, "verify: %s: %d members, at most %d", path, nm,
                    RN_VERIFY_MAX_MEMBERS);
  fields = malloc((size_t)nl * nm * sizeof *fields);
  members = malloc((size_t)nl * sizeof *members);
  obs = malloc((size_t)nl * sizeof *obs);
  leads = malloc((size_t)nl * sizeof *leads);
  pers = malloc((size_t)nl * sizeof *pers);
  pmembers = malloc((size_t)nl * sizeof *pmembers);
  pobs = malloc((size_t)nl * sizeof *pobs);
  pleads = malloc((size_t)nl * sizeof *pleads);
  if (!fields || !members || !obs || !leads || !pers || !pmembers || !pobs || !pleads) {
    st = rn_error(RN_ENOMEM, "verify: out of memory");
    goto out;
  }
  for (int l0 = 0; l0 < nl && !st; l0 += LEAD_CHUNK) {
    n = np = 0;
    for (int l = l0; l < nl && l < l0 + LEAD_CHUNK && !st; l++) {
      rn_time valid = fc->reference_time + fc->lead_seconds[l];
      const struct rn_frame *o, *p = NULL;
      st = vobs_get(&r->obs, valid, &fc->grid, path, &o);
      if (st)
        break;
      if (!o) {
        st = rn_verify_add_missing(r->v, fc->predictor, fc->lead_seconds[l], valid);
        r->missing++;
      } else {
        for (int m = 0; m < nm; m++)
          fields[(size_t)n * nm + m] = rn_forecast_field(fc, m, l);
        members[n] = fields + (size_t)n * nm;
        obs[n] = o->dbz;
        leads[n++] = fc->lead_seconds[l];
      }
      /* persistence: the observation at the reference time, once per (reference, lead) */
      if (!st && r->persistence && !pair_seen(r, fc->reference_time, fc->lead_seconds[l])) {
        st = vobs_get(&r->obs, fc->reference_time, &fc->grid, path, &p);
        if (!st && (!p || !o)) {
          st = rn_verify_add_missing(r->v, PERSISTENCE, fc->lead_seconds[l], valid);
        } else if (!st) {
          pers[np] = p->dbz;
          pmembers[np] = pers + np;
          pobs[np] = o->dbz;
          pleads[np++] = fc->lead_seconds[l];
        }
      }
    }
    /* The observations of a chunk stay in the cache: it holds more frames. */
    if (!st)
      st = rn_verify_add_leads(r->v, fc->predictor, n, leads, members, nm, obs, fc->grid.nx,
                               fc->grid.ny);
    if (!st)
      st = rn_verify_add_leads(r->v, PERSISTENCE, np, pleads, pmembers, 1, pobs, fc->grid.nx,
                               fc->grid.ny);
    r->scored += n;
  }
out:
  free(fields);
  free(members);
  free(obs);
  free(leads);
  free(pers);
  free(pmembers);
  free(pobs);
  free(pleads);
  return st;
}

static enum rn_status read_config(const char *path, struct rn_verify_options *opt,
                                  struct rn_gridding_options *gopt, int *tolerance,
                                  const char **out, const char **title, struct rn_config **cfgp)
{
  struct rn_config *cfg = rn_config_new();
  const char *s;
  int ssim;
  long tol;
  enum rn_status st;
  if (!cfg)
    return RN_ENOMEM;
  *cfgp = cfg;
  st = rn_config_load(cfg, path);
  if (st)
    return st;
  st = rn_gridding_options_load(gopt, cfg);
  if (st)
    return st;
  if ((s = rn_config_get(cfg, "verify", "thresholds")) &&
      (st = rn_verify_parse_thresholds(opt, s)))
    return rn_error_prefix(st, "%s: [verify] thresholds", path);
  if ((s = rn_config_get(cfg, "verify", "scales")) && (st = rn_verify_parse_scales(opt, s)))
    return rn_error_prefix(st, "%s: [verify] scales", path);
  st = rn_config_bool(cfg, "verify", "ssim", opt->ssim, &ssim);
  if (st)
    return st;
  opt->ssim = ssim;
  st = rn_config_int(cfg, "verify", "time_tolerance", *tolerance, &tol);
  if (st)
    return st;
  if (tol < 0 || tol > 86400)
    return rn_error(RN_EUSAGE, "%s: [verify] time_tolerance = %ld: want seconds, 0 to 86400",
                    path, tol);
  *tolerance = (int)tol;
  *out = rn_config_string(cfg, "verify", "out", *out);
  *title = rn_config_string(cfg, "verify", "title", *title);
  return RN_OK;
}

int cmd_verify(int argc, char **argv)
{
  struct rn_verify_options opt;
  struct run r;
  struct paths fc_args = {0}, obs_args = {0}, frame_specs = {0};
  const char *conf = NULL, *out = "verification", *title = "radnow verification";
  const char *cl_out = NULL, *cl_title = NULL, *cl_thr = NULL, *cl_scales = NULL, *cl_tol = NULL;
  struct rn_config *cfg = NULL;
  struct progress prog = {0, 0, 0};
  enum rn_status st = RN_OK;
  int no_ssim = 0, rc;
  long total = 0;
  double t0 = rn_clock();

  memset(&r, 0, sizeof r);
  rn_verify_options_init(&opt);
  rn_gridding_options_init(&r.obs.gopt);
  r.obs.tolerance = 60;
  /* Options taking several values run until the next option. */
  for (int i = 1; i < argc && !st; i++) {
    const char *a = argv[i];
    struct paths *list = NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--forecast") == 0) {
      list = &fc_args;
    } else if (strcmp(a, "--obs") == 0) {
      list = &obs_args;
    } else if (strcmp(a, "--forecast-frames") == 0) {
      list = &frame_specs;
    } else if (strcmp(a, "--persistence") == 0) {
      r.persistence = 1;
      continue;
    } else if (strcmp(a, "--no-ssim") == 0) {
      no_ssim = 1;
      continue;
    } else if (i + 1 < argc && (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0)) {
      conf = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--thresholds") == 0) {
      cl_thr = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--scales") == 0) {
      cl_scales = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--out") == 0) {
      cl_out = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--title") == 0) {
      cl_title = argv[++i];
      continue;
    } else if (i + 1 < argc && strcmp(a, "--time-tolerance") == 0) {
      cl_tol = argv[++i];
      continue;
    } else {
      fprintf(stderr, "radnow verify: unknown option or missing value: %s\n", a);
      return RN_EXIT_USAGE;
    }
    if (i + 1 >= argc || argv[i + 1][0] == '-') {
      fprintf(stderr, "radnow verify: %s needs at least one value\n", a);
      return RN_EXIT_USAGE;
    }
    while (i + 1 < argc && argv[i + 1][0] != '-' && !st)
      st = vpaths_add(list, argv[++i]);
  }
  if (!st && fc_args.n == 0 && frame_specs.n == 0) {
    fprintf(stderr, "radnow verify: no forecasts (--forecast or --forecast-frames)\n");
    rc = RN_EXIT_USAGE;
    goto out;
  }
  if (!st && obs_args.n == 0) {
    fprintf(stderr, "radnow verify: no observations (--obs)\n");
    rc = RN_EXIT_USAGE;
    goto out;
  }
  if (!st && conf)
    st = read_config(conf, &opt, &r.obs.gopt, &r.obs.tolerance, &out, &title, &cfg);
  if (!st && cl_thr)
    st = rn_verify_parse_thresholds(&opt, cl_thr);
  if (!st && cl_scales)
    st = rn_verify_parse_scales(&opt, cl_scales);
  if (!st && cl_tol) {
    char *end;
    long t = strtol(cl_tol, &end, 10);
    if (*end || end == cl_tol || t < 0 || t > 86400)
      st = rn_error(RN_EUSAGE, "--time-tolerance '%s': want seconds, 0 to 86400", cl_tol);
    else
      r.obs.tolerance = (int)t;
  }
  if (no_ssim)
    opt.ssim = 0;
  out = cl_out ? cl_out : out;
  title = cl_title ? cl_title : title;

  /* Inputs */
  for (int i = 0; i < fc_args.n && !st; i++) {
    struct paths files = {0};
    st = vpaths_expand(fc_args.v[i], ".nc", &files, 0);
    if (!st && files.n == 0)
      st = rn_error(RN_ENOTFOUND, "verify: %s: no forecast files (*.nc)", fc_args.v[i]);
    for (int k = 0; k < files.n && !st; k++) {
      struct source *src = source_new(&r.src, SRC_CF);
      st = src ? vpaths_add(&src->files, files.v[k]) : RN_ENOMEM;
    }
    vpaths_free(&files);
  }
  for (int i = 0; i < frame_specs.n && !st; i++)
    st = add_frame_sources(&r.src, frame_specs.v[i]);
  for (int i = 0; i < obs_args.n && !st; i++)
    st = vpaths_expand(obs_args.v[i], NULL, &r.obs.files, 0);
  if (!st && r.obs.files.n == 0)
    st = rn_error(RN_ENOTFOUND, "verify: no observation files in %s", obs_args.v[0]);
  if (!st && !(r.obs.luts = rn_lut_cache_new(r.obs.gopt.lut_cache[0] ? r.obs.gopt.lut_cache
                                                                    : NULL, 0)))
    st = rn_error(RN_ENOMEM, "verify: out of memory");
  if (!st)
    st = vobs_index(&r.obs);
  if (!st && !(r.v = rn_verify_new(&opt)))
    st = RN_EUSAGE;
  rn_log_debug("verify: %d forecast sources, %d observations", r.src.n, r.obs.n);

  /* Score, one forecast source at a time */
  prog.tty = isatty(2);
  prog.start = prog.last = rn_clock();
  for (int i = 0; i < r.src.n && !st; i++) {
    struct rn_forecast fc;
    st = load_source(&r.src.v[i], &fc);
    if (st)
      break;
    if (i == 0)
      total = (long)fc.nleads * r.src.n;
    st = score_forecast(&r, &fc, r.src.v[i].files.v[0]);
    rn_forecast_free(&fc);
    total = total < r.scored + r.missing ? r.scored + r.missing : total;
    if (i + 1 < r.src.n)
      progress(&prog, r.scored + r.missing, total, 0);
  }
  if (!st) {
    progress(&prog, r.scored + r.missing, r.scored + r.missing, 1);
    st = rn_verify_report(r.v, out, title);
  }
  if (st) {
    rc = cmd_fail(st);
    goto out;
  }

  /* The pooled CSI table on stdout, as the papers print it. */
  printf("%-24s", "predictor (all leads)");
  for (int k = 0; k < opt.nthresholds; k++)
    printf(" %8s%-4g", "CSI", opt.thresholds[k]);
  printf("\n");
  for (int p = 0; p < rn_verify_npredictors(r.v); p++) {
    const char *name = rn_verify_predictor(r.v, p);
    printf("%-24s", name);
    for (int k = 0; k < opt.nthresholds; k++) {
      double c = rn_verify_csi(r.v, name, RN_VERIFY_POOLED, opt.thresholds[k]);
      if (isnan(c))
        printf(" %12s", "-");
      else
        printf(" %12.4f", c);
    }
    printf("\n");
  }
  if (r.missing > 0)
    rn_log_warn("verify: %ld forecast(s) had no observation at their valid time (listed in "
                "%s/report.html)", r.missing, out);
  rn_log_info("verify: %ld cases scored, %ld missing, report in %s (%.1f s)", r.scored, r.missing,
              out, rn_clock() - t0);
  if (r.scored == 0) {
    fprintf(stderr, "radnow: verify: no forecast could be matched to an observation\n");
    rc = RN_EXIT_INPUT;
  } else {
    rc = 0;
  }
out:
  rn_verify_free(r.v);
  vobs_free(&r.obs);
  sources_free(&r.src);
  free(r.pairs);
  vpaths_free(&fc_args);
  vpaths_free(&obs_args);
  vpaths_free(&frame_specs);
  rn_config_free(cfg);
  return rc;
}
