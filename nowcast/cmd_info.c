/* cmd_info.c - radnow info: describe radar files, or list compute devices.
 *
 * Human-readable by default; --json prints one JSON object per file (one per
 * line) with the keys format, version, object, source, lat, lon, height,
 * time, time_from_name, sweeps[{elevation, nrays, ngates, gate_spacing,
 * first_gate, quantities[], max_dbz}], nx, ny, crs_wkt, extent[xmin, ymin,
 * xmax, ymax], quantity, units, encoding, max_dbz, notes. Keys that do not
 * apply to the kind of data are null. */
#include <radnow/devices.h>
#include <radnow/ingest.h>
#include <radnow/status.h>

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static int print_devices(void)
{
  char reason[512] = "";
  int n = rn_cuda_device_count(reason, sizeof reason);
  printf("cpu: always available\n");
  if (n == 0) {
    printf("cuda: %s\n", reason);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    struct rn_device_info d;
    if (rn_cuda_device_info(i, &d) == 0)
      printf("cuda:%d: %s, compute capability %d.%d, %.1f GiB, %d multiprocessors\n", i, d.name,
             d.major, d.minor, (double)d.memory_bytes / (1 << 30), d.multiprocessors);
  }
  return 0;
}

static void usage(FILE *out)
{
  fprintf(out, "usage: radnow info [--json] [--quantity Q] [--site LAT,LON,HEIGHT] [--stations "
               "CSV] FILE...\n"
               "       radnow info --devices\n"
               "Describes radar files: format, site, time, sweeps or grid. --quantity chooses\n"
               "the moment whose maximum is reported (default DBZH, then TH).\n");
}

/* ------------------------------------------------------------------ facts */

static int is_reflectivity(const char *q)
{
  return strncmp(q, "DBZ", 3) == 0 || strncmp(q, "TH", 2) == 0 || strncmp(q, "TV", 2) == 0 ||
         strcmp(q, "reflectivity") == 0;
}

/* The moment whose maximum info reports: the requested one, else the first
 * reflectivity moment (DBZH before others). */
static const struct rn_moment *report_moment(const struct rn_sweep *sw, const char *want)
{
  const struct rn_moment *m;
  if (want)
    return rn_sweep_moment(sw, want);
  if ((m = rn_sweep_moment(sw, "DBZH")) || (m = rn_sweep_moment(sw, "TH")))
    return m;
  for (int i = 0; i < sw->nmoments; i++)
    if (is_reflectivity(sw->moments[i].quantity))
      return &sw->moments[i];
  return sw->nmoments ? &sw->moments[0] : NULL;
}

/* Largest finite value (undetect and nodata excluded); NaN when none. */
static double max_of(const float *v, size_t n)
{
  double mx = NAN;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i]) && !(v[i] <= mx))
      mx = v[i];
  return mx;
}

static double sweep_max(const struct rn_sweep *sw, const char *want)
{
  const struct rn_moment *m = report_moment(sw, want);
  return m ? max_of(m->data, (size_t)sw->nrays * (size_t)sw->ngates) : NAN;
}

static double frame_max(const struct rn_frame *f)
{
  /* The no-echo floor is not an echo. */
  double mx = max_of(f->dbz, (size_t)f->grid.nx * (size_t)f->grid.ny);
  return mx <= RN_DBZ_NOECHO ? NAN : mx;
}

/* Units of an ODIM moment (volumes keep physical values). */
static const char *moment_units(const char *q)
{
  static const char *const map[][2] = {{"VRAD", "m/s"}, {"WRAD", "m/s"}, {"ZDR", "dB"},
                                       {"LDR", "dB"},   {"RHOHV", "1"},  {"PHIDP", "deg"},
                                       {"KDP", "deg/km"}, {"SQI", "1"},  {"SNR", "dB"}};
  if (is_reflectivity(q))
    return "dBZ";
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strncmp(q, map[i][0], strlen(map[i][0])) == 0)
      return map[i][1];
  return "";
}

static const char *volume_quantity(const struct rn_volume *v, const char *want)
{
  for (int s = 0; s < v->nsweeps; s++) {
    const struct rn_moment *m = report_moment(&v->sweeps[s], want);
    if (m)
      return m->quantity;
  }
  return want ? want : "";
}

/* ------------------------------------------------------------------- text */

static void print_text(const char *path, const struct rn_radar_data *d, const char *want)
{
  char t[32], tn[32];
  printf("%s\n", path);
  printf("  format:    %s%s%s%s\n",
         d->kind == RN_DATA_VOLUME && d->vol.format[0] ? d->vol.format : d->format,
         d->version[0] ? " (" : "", d->version, d->version[0] ? ")" : "");
  printf("  object:    %s\n", d->object);
  if (d->kind == RN_DATA_VOLUME) {
    const struct rn_volume *v = &d->vol;
    printf("  source:    %s\n", v->source);
    printf("  scan:      %s", rn_scan_type_name(v->scan_type));
    if (v->vcp)
      printf(", VCP %d", v->vcp);
    printf("\n");
    printf("  site:      lat %.6f  lon %.6f  height %.1f m\n", v->lat, v->lon, v->height);
    printf("  time:      %s\n", rn_time_iso(v->time, t));
    if (d->time_from_name && llabs(d->time_from_name - v->time) >= 60)
      printf("  name time: %s (the file name disagrees with the time inside)\n",
             rn_time_iso(d->time_from_name, tn));
    printf("  sweeps:    %d (ordered by elevation; max of %s)\n", v->nsweeps,
           volume_quantity(v, want));
    printf("    %2s %7s %6s %6s %10s %11s %8s  %s\n", "#", "elev", "rays", "gates", "spacing_m",
           "first_gate", "max_dbz", "quantities");
    for (int s = 0; s < v->nsweeps; s++) {
      const struct rn_sweep *sw = &v->sweeps[s];
      printf("    %2d %7.2f %6d %6d %10.1f %11.1f %8.1f  ", s, sw->elevation, sw->nrays, sw->ngates,
             sw->gate_spacing, sw->first_gate, sweep_max(sw, want));
      for (int m = 0; m < sw->nmoments; m++)
        printf("%s%s", m ? " " : "", sw->moments[m].quantity);
      printf("\n");
    }
  } else {
    const struct rn_frame *f = &d->frame;
    const struct rn_grid *g = &f->grid;
    printf("  source:    %s\n", f->source);
    printf("  time:      %s\n", rn_time_iso(f->time, t));
    if (d->time_from_name && llabs(d->time_from_name - f->time) >= 60)
      printf("  name time: %s (the file name disagrees with the time inside)\n",
             rn_time_iso(d->time_from_name, tn));
    printf("  grid:      %d x %d pixels of %g x %g\n", g->nx, g->ny, g->dx, g->dy);
    printf("  extent:    %.3f %.3f %.3f %.3f (xmin ymin xmax ymax)\n", g->xmin,
           g->ymax - g->ny * g->dy, g->xmin + g->nx * g->dx, g->ymax);
    printf("  quantity:  %s (%s), converted to dBZ\n", f->quantity, d->units);
    printf("  encoding:  %s\n", d->encoding);
    printf("  max_dbz:   %.1f\n", frame_max(f));
    printf("  crs:       %s\n", g->crs_wkt ? g->crs_wkt : "");
  }
  if (d->notes[0])
    printf("  notes:     %s\n", d->notes);
}

/* ------------------------------------------------------------------- JSON */

static void json_str(const char *s)
{
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", stdout); break;
    case '\\': fputs("\\\\", stdout); break;
    case '\n': fputs("\\n", stdout); break;
    case '\r': fputs("\\r", stdout); break;
    case '\t': fputs("\\t", stdout); break;
    case '\b': fputs("\\b", stdout); break;
    case '\f': fputs("\\f", stdout); break;
    default:
      if (*p < 0x20 || *p == 0x7f)
        printf("\\u%04x", *p);
      else
        putchar(*p); /* UTF-8 passes through */
    }
  }
  putchar('"');
}

static void json_num(double v)
{
  if (isfinite(v))
    printf("%.10g", v);
  else
    fputs("null", stdout);
}

static void json_key(const char *k, int first)
{
  printf("%s\"%s\":", first ? "" : ",", k);
}

static void json_time(rn_time t)
{
  char buf[32];
  if (t)
    json_str(rn_time_iso(t, buf));
  else
    fputs("null", stdout);
}

static void print_json(const struct rn_radar_data *d, const char *want)
{
  int vol = d->kind == RN_DATA_VOLUME;
  const struct rn_volume *v = &d->vol;
  const struct rn_frame *f = &d->frame;
  const struct rn_grid *g = &f->grid;

  putchar('{');
  json_key("format", 1);
  json_str(vol && v->format[0] ? v->format : d->format);
  json_key("version", 0);
  json_str(d->version);
  json_key("object", 0);
  json_str(d->object);
  json_key("scan_type", 0); /* PPI, sector, RHI, other (radnow/volume.h) */
  vol ? json_str(rn_scan_type_name(v->scan_type)) : (void)fputs("null", stdout);
  json_key("vcp", 0);
  vol && v->vcp ? (void)printf("%d", v->vcp) : (void)fputs("null", stdout);
  json_key("source", 0);
  json_str(vol ? v->source : f->source);
  json_key("lat", 0);
  json_num(vol ? v->lat : NAN);
  json_key("lon", 0);
  json_num(vol ? v->lon : NAN);
  json_key("height", 0);
  json_num(vol ? v->height : NAN);
  json_key("time", 0);
  json_time(vol ? v->time : f->time);
  json_key("time_from_name", 0);
  json_time(d->time_from_name);
  json_key("sweeps", 0);
  if (vol) {
    putchar('[');
    for (int s = 0; s < v->nsweeps; s++) {
      const struct rn_sweep *sw = &v->sweeps[s];
      printf("%s{", s ? "," : "");
      json_key("elevation", 1);
      json_num(sw->elevation);
      json_key("nrays", 0);
      printf("%d", sw->nrays);
      json_key("ngates", 0);
      printf("%d", sw->ngates);
      json_key("gate_spacing", 0);
      json_num(sw->gate_spacing);
      json_key("first_gate", 0);
      json_num(sw->first_gate);
      json_key("quantities", 0);
      putchar('[');
      for (int m = 0; m < sw->nmoments; m++) {
        if (m)
          putchar(',');
        json_str(sw->moments[m].quantity);
      }
      putchar(']');
      json_key("max_dbz", 0);
      {
        const struct rn_moment *rm = report_moment(sw, want);
        json_num(rm && is_reflectivity(rm->quantity) ? sweep_max(sw, want) : NAN);
      }
      putchar('}');
    }
    putchar(']');
  } else {
    fputs("null", stdout);
  }
  json_key("nx", 0);
  vol ? (void)fputs("null", stdout) : (void)printf("%d", g->nx);
  json_key("ny", 0);
  vol ? (void)fputs("null", stdout) : (void)printf("%d", g->ny);
  json_key("crs_wkt", 0);
  if (vol || !g->crs_wkt)
    fputs("null", stdout);
  else
    json_str(g->crs_wkt);
  json_key("extent", 0);
  if (vol) {
    fputs("null", stdout);
  } else {
    putchar('[');
    json_num(g->xmin);
    putchar(',');
    json_num(g->ymax - g->ny * g->dy);
    putchar(',');
    json_num(g->xmin + g->nx * g->dx);
    putchar(',');
    json_num(g->ymax);
    putchar(']');
  }
  json_key("quantity", 0);
  json_str(vol ? volume_quantity(v, want) : f->quantity);
  json_key("units", 0);
  json_str(vol ? moment_units(volume_quantity(v, want)) : d->units);
  json_key("encoding", 0);
  if (d->encoding[0])
    json_str(d->encoding);
  else
    fputs("null", stdout);
  json_key("max_dbz", 0);
  if (vol && !is_reflectivity(volume_quantity(v, want))) {
    fputs("null", stdout); /* not a reflectivity */
  } else if (vol) {
    double mx = NAN;
    for (int s = 0; s < v->nsweeps; s++) {
      double m = sweep_max(&v->sweeps[s], want);
      if (isfinite(m) && !(m <= mx))
        mx = m;
    }
    json_num(mx);
  } else {
    json_num(frame_max(f));
  }
  json_key("notes", 0);
  if (d->notes[0])
    json_str(d->notes);
  else
    fputs("null", stdout);
  fputs("}\n", stdout);
}

int cmd_info(int argc, char **argv)
{
  static const struct option longopts[] = {{"devices", no_argument, NULL, 'd'},
                                           {"json", no_argument, NULL, 'j'},
                                           {"quantity", required_argument, NULL, 'q'},
                                           {"site", required_argument, NULL, 's'},
                                           {"stations", required_argument, NULL, 'S'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  int devices = 0, json = 0, c, rc = 0;
  struct rn_ingest_options opt;
  rn_ingest_options_init(&opt);
  opt.all_quantities = 1;
  optind = 1;
  while ((c = getopt_long(argc, argv, "djq:s:S:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'd': devices = 1; break;
    case 'j': json = 1; break;
    case 'q': opt.quantity = optarg; break;
    case 's': opt.site = optarg; break;     /* files without site coordinates */
    case 'S': opt.stations = optarg; break; /* station table (radnow/stations.h) */
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 1;
    }
  }
  if (devices)
    return print_devices();
  if (optind >= argc) {
    usage(stderr);
    return 1;
  }
  for (int i = optind; i < argc; i++) {
    struct rn_radar_data d;
    enum rn_status st = rn_ingest_read(argv[i], &opt, &d);
    if (st) {
      int code = cmd_fail(st);
      if (code > rc)
        rc = code;
      continue;
    }
    if (json)
      print_json(&d, opt.quantity);
    else
      print_text(argv[i], &d, opt.quantity);
    fflush(stdout);
    rn_radar_data_free(&d);
  }
  return rc;
}
