/* synth.c - the synthetic weather scene and the radar that scans it
 * (synth.h). All randomness comes from counter-based hashes of the seed, so
 * any point, ray or volume is reproducible on its own, in any order and on
 * any number of threads. */
#include <radnow/odim_write.h>
#include <radnow/synth.h>

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NWAVES 10
#define MAX_LIFE 5400.0  /* seconds */
#define MAX_SNAP_CELLS 256
#define LN10_10 0.23025850929940458 /* ln(10) / 10 */
#define DB_E 4.3429448190325175     /* 10 log10(e) */

/* A convective cell, in the scene frame (which translates with the
 * steering flow and turns about its centre). */
struct cell {
  double tb, life;    /* birth (seconds since 1970) and lifetime */
  double px, py;      /* position at birth */
  double du, dv;      /* own drift, m/s */
  double peak;        /* dBZ at maturity, low levels */
  double sigma, ratio;/* core size (m) at maturity, axis ratio */
  double theta, omega;/* orientation at birth and its turning rate (rad/s) */
  double top;         /* echo top, m */
};

struct wave {
  double kx, ky, phase, omega, amp;
};

struct rn_synth {
  struct rn_synth_options o;
  double U, V;              /* steering flow, m/s */
  double Omega;             /* turning of the whole pattern, rad/s */
  double cx, cy;            /* its centre at the epoch */
  double bx, by, bphi;      /* band: a point of its axis and the axis direction */
  double bwidth, blen, bbase, bamp, bperiod, bphase, bdrift;
  struct wave waves[NWAVES];
  double melt;              /* melting level, m above sea level */
  double cell_rate;         /* cells born per hour in the disc of 1.1 x range */
  double ka;                /* effective earth radius */
};

/* Everything of the scene at one instant, in the radar's plane. */
struct snap_cell {
  double x, y, c, s, ia2, ib2, logz, top;
};

struct snapshot {
  int n;
  struct snap_cell cells[MAX_SNAP_CELLS];
  double bx, by, ax, ay, bw, bl, bbase;
  double kx[NWAVES], ky[NWAVES], ph[NWAVES], amp[NWAVES];
  double melt;
};

static uint64_t splitmix(uint64_t *s)
{
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
  uint64_t s = a;
  splitmix(&s);
  s ^= b * 0xD6E8FEB86659FD93ull;
  splitmix(&s);
  s ^= c * 0xA0761D6478BD642Full;
  return splitmix(&s);
}

static double uniform(uint64_t *s)
{
  return (double)(splitmix(s) >> 11) * 0x1.0p-53;
}

static double between(uint64_t *s, double lo, double hi)
{
  return lo + (hi - lo) * uniform(s);
}

void rn_synth_options_init(struct rn_synth_options *o)
{
  static const double el[] = {0.5, 1.5, 2.5, 3.5, 4.5, 6.0, 8.0, 10.0, 12.5, 15.0};
  memset(o, 0, sizeof *o);
  o->lat = 50.0;
  o->lon = 8.0;
  o->height = 300.0;
  o->range = 160000.0;
  o->gate = 500.0;
  o->nrays = 360;
  o->nelevations = (int)(sizeof el / sizeof el[0]);
  memcpy(o->elevations, el, sizeof el);
  o->start = rn_time_from_fields(2024, 6, 15, 14, 0, 0);
  o->step = 300;
  o->seed = 1;
}

static enum rn_status check_options(const struct rn_synth_options *o)
{
  if (!(o->lat >= -89 && o->lat <= 89) || !(o->lon >= -180 && o->lon <= 360) ||
      !(o->height > -500 && o->height < 9000))
    return rn_error(RN_EUSAGE, "synth: site %g, %g, %g m is not valid", o->lat, o->lon, o->height);
  if (!(o->range >= 10000 && o->range <= 600000))
    return rn_error(RN_EUSAGE, "synth: range %g km: want 10 to 600 km", o->range / 1000);
  if (!(o->gate >= 50 && o->gate <= 5000) || o->range / o->gate > 20000)
    return rn_error(RN_EUSAGE, "synth: gate spacing %g m: want 50 to 5000 m", o->gate);
  if (o->nrays < 36 || o->nrays > 3600)
    return rn_error(RN_EUSAGE, "synth: %d rays: want 36 to 3600", o->nrays);
  if (o->nelevations < 1 || o->nelevations > RN_SYNTH_MAX_ELEVATIONS)
    return rn_error(RN_EUSAGE, "synth: %d elevations: want 1 to %d", o->nelevations,
                    RN_SYNTH_MAX_ELEVATIONS);
  for (int k = 0; k < o->nelevations; k++)
    if (!(o->elevations[k] >= -1 && o->elevations[k] <= 89) ||
        (k > 0 && !(o->elevations[k] > o->elevations[k - 1])))
      return rn_error(RN_EUSAGE, "synth: elevations must ascend within -1 to 89 degrees");
  if (o->step < 60 || o->step > 3600)
    return rn_error(RN_EUSAGE, "synth: step %d s: want 1 to 60 minutes", o->step);
  return RN_OK;
}

enum rn_status rn_synth_new(const struct rn_synth_options *opt, struct rn_synth **out)
{
  struct rn_synth *s;
  uint64_t r;
  double flow_dir, speed, d, a;
  enum rn_status st = check_options(opt);
  *out = NULL;
  if (st)
    return st;
  s = rn_calloc(1, sizeof *s, "synthetic scene");
  if (!s)
    return RN_ENOMEM;
  s->o = *opt;
  s->ka = RN_SYNTH_KE * RN_SYNTH_EARTH_RADIUS;
  r = hash3(opt->seed, 0x5CE4E, 0);

  speed = between(&r, 8, 15);
  flow_dir = between(&r, 0, 2 * M_PI);
  s->U = speed * cos(flow_dir);
  s->V = speed * sin(flow_dir);
  s->Omega = (uniform(&r) < 0.5 ? -1 : 1) * between(&r, 4, 10) * M_PI / 180 / 3600;
  d = between(&r, 180000, 300000);
  a = between(&r, 0, 2 * M_PI);
  s->cx = d * cos(a);
  s->cy = d * sin(a);

  /* The band crosses the flow, starts near the radar and sweeps over it. */
  d = between(&r, 0, 0.4 * opt->range);
  a = between(&r, 0, 2 * M_PI);
  s->bx = d * cos(a);
  s->by = d * sin(a);
  s->bphi = flow_dir + M_PI / 2 + between(&r, -0.5, 0.5);
  s->bwidth = between(&r, 10000, 18000);
  s->blen = between(&r, 350000, 600000);
  s->bbase = between(&r, 24, 30);
  s->bamp = 3;
  s->bperiod = between(&r, 2, 4) * 3600;
  s->bphase = between(&r, 0, 2 * M_PI);
  s->bdrift = between(&r, -2, 2);
  for (int i = 0; i < NWAVES; i++) {
    double wl = between(&r, 12000, 80000), dir = between(&r, 0, 2 * M_PI);
    s->waves[i].kx = 2 * M_PI / wl * cos(dir);
    s->waves[i].ky = 2 * M_PI / wl * sin(dir);
    s->waves[i].phase = between(&r, 0, 2 * M_PI);
    s->waves[i].omega = 2 * M_PI / (between(&r, 1, 3) * 3600);
    s->waves[i].amp = 3.0 * sqrt(2.0 / NWAVES);
  }
  s->melt = between(&r, 2200, 3200);
  s->cell_rate = 16.0 * (opt->range / 160000.0) * (opt->range / 160000.0);
  *out = s;
  return RN_OK;
}

void rn_synth_free(struct rn_synth *s)
{
  free(s);
}

const struct rn_synth_options *rn_synth_get_options(const struct rn_synth *s)
{
  return &s->o;
}

/* Scene frame <-> radar plane at time t: w = C(t) + R(alpha) (p - C0). */
static void to_world(const struct rn_synth *s, double t, double px, double py, double *wx,
                     double *wy)
{
  double tau = t - (double)s->o.start, al = s->Omega * tau, c = cos(al), sn = sin(al);
  double dx = px - s->cx, dy = py - s->cy;
  *wx = s->cx + s->U * tau + c * dx - sn * dy;
  *wy = s->cy + s->V * tau + sn * dx + c * dy;
}

static void to_scene(const struct rn_synth *s, double t, double wx, double wy, double *px,
                     double *py)
{
  double tau = t - (double)s->o.start, al = s->Omega * tau, c = cos(al), sn = sin(al);
  double dx = wx - s->cx - s->U * tau, dy = wy - s->cy - s->V * tau;
  *px = s->cx + c * dx + sn * dy;
  *py = s->cy - sn * dx + c * dy;
}

/* Cell j of hour block b (blocks count from the epoch). */
static int block_cells(const struct rn_synth *s, long b, struct cell *cells, int max)
{
  uint64_t r = hash3(s->o.seed, 0xCE11, (uint64_t)b);
  int n = (int)floor(s->cell_rate * between(&r, 0.75, 1.25) + 0.5);
  if (n > max)
    n = max;
  for (int j = 0; j < n; j++) {
    struct cell *c = &cells[j];
    double rad = 1.1 * s->o.range * sqrt(uniform(&r)), ang = between(&r, 0, 2 * M_PI);
    c->tb = (double)s->o.start + (b + uniform(&r)) * 3600.0;
    c->life = between(&r, 30, 90) * 60;
    to_scene(s, c->tb, rad * cos(ang), rad * sin(ang), &c->px, &c->py);
    c->du = between(&r, -3, 3);
    c->dv = between(&r, -3, 3);
    c->peak = between(&r, 40, 58);
    c->sigma = between(&r, 3000, 6000);
    c->ratio = between(&r, 1, 2.2);
    c->theta = between(&r, 0, M_PI);
    c->omega = (uniform(&r) < 0.5 ? -1 : 1) * between(&r, 10, 40) * M_PI / 180 / 3600;
    c->top = between(&r, 8000, 12000);
  }
  return n;
}

static void snapshot(const struct rn_synth *s, double t, struct snapshot *sn)
{
  double tau = t - (double)s->o.start, al = s->Omega * tau, ca = cos(al), sa = sin(al);
  double cx, cy, bpx, bpy;
  long b0 = (long)floor((tau - MAX_LIFE) / 3600.0), b1 = (long)floor(tau / 3600.0);
  struct cell cells[64];

  sn->n = 0;
  for (long b = b0; b <= b1; b++) {
    int n = block_cells(s, b, cells, 64);
    for (int j = 0; j < n && sn->n < MAX_SNAP_CELLS; j++) {
      const struct cell *c = &cells[j];
      double age = t - c->tb, f, sig, th, x, y;
      struct snap_cell *o;
      if (age <= 0 || age >= c->life)
        continue;
      f = sin(M_PI * age / c->life);
      if (f < 1e-3)
        continue;
      to_world(s, t, c->px + c->du * age, c->py + c->dv * age, &x, &y);
      sig = c->sigma * (0.6 + 0.4 * f);
      th = c->theta + c->omega * age + al;
      o = &sn->cells[sn->n++];
      o->x = x;
      o->y = y;
      o->c = cos(th);
      o->s = sin(th);
      o->ia2 = 1.0 / (sig * sig * c->ratio);
      o->ib2 = c->ratio / (sig * sig);
      o->logz = c->peak + 10 * log10(f);
      o->top = c->top;
    }
  }

  /* band axis, drifting across itself in the scene frame */
  bpx = s->bx - sin(s->bphi) * s->bdrift * tau;
  bpy = s->by + cos(s->bphi) * s->bdrift * tau;
  to_world(s, t, bpx, bpy, &sn->bx, &sn->by);
  sn->ax = cos(s->bphi + al);
  sn->ay = sin(s->bphi + al);
  sn->bw = s->bwidth;
  sn->bl = s->blen;
  sn->bbase = s->bbase + s->bamp * sin(2 * M_PI * tau / s->bperiod + s->bphase);
  /* texture waves k.q with q the scene point of w: (R(al) k).(w - C(t)) + k.C0 */
  cx = s->cx + s->U * tau;
  cy = s->cy + s->V * tau;
  for (int i = 0; i < NWAVES; i++) {
    const struct wave *w = &s->waves[i];
    double kx = ca * w->kx - sa * w->ky, ky = sa * w->kx + ca * w->ky;
    sn->kx[i] = kx;
    sn->ky[i] = ky;
    sn->ph[i] = w->phase + w->omega * tau + w->kx * s->cx + w->ky * s->cy - kx * cx - ky * cy;
    sn->amp[i] = w->amp;
  }
  sn->melt = s->melt;
}

/* dB change of a convective cell with height. */
static double cell_profile(double z, double top)
{
  double knee = top - 2000;
  if (z <= 2000)
    return 0;
  if (z <= knee)
    return -1.5e-3 * (z - 2000);
  return -1.5e-3 * (knee - 2000) - 10e-3 * (z - knee);
}

/* dB change of the stratiform band with height: bright band, snow above. */
static double band_profile(double z, double melt)
{
  double bb = (z - (melt - 150)) / 150, v = 6 * exp(-0.5 * bb * bb);
  if (z > melt)
    v -= 6e-3 * (z - melt);
  return v;
}

static float snap_dbz(const struct snapshot *sn, double x, double y, double z)
{
  double Z = 0, dx, dy, n, a, out, band;
  for (int j = 0; j < sn->n; j++) {
    const struct snap_cell *c = &sn->cells[j];
    double u, v, d2;
    dx = x - c->x;
    dy = y - c->y;
    u = dx * c->c + dy * c->s;
    v = -dx * c->s + dy * c->c;
    d2 = u * u * c->ia2 + v * v * c->ib2;
    if (d2 > 40)
      continue;
    Z += exp(LN10_10 * (c->logz + cell_profile(z, c->top)) - 0.5 * d2);
  }
  dx = x - sn->bx;
  dy = y - sn->by;
  a = dx * sn->ax + dy * sn->ay;
  n = -dx * sn->ay + dy * sn->ax;
  out = fabs(a) - 0.5 * sn->bl;
  band = -0.5 * (n / sn->bw) * (n / sn->bw);
  if (out > 0)
    band -= 0.5 * (out / 40000) * (out / 40000);
  if (band > -30) {
    double tex = 0;
    for (int i = 0; i < NWAVES; i++)
      tex += sn->amp[i] * cos(sn->kx[i] * x + sn->ky[i] * y + sn->ph[i]);
    Z += exp(LN10_10 * (sn->bbase + tex + DB_E * band + band_profile(z, sn->melt)));
  }
  if (Z < 1.0) /* below 0 dBZ: clear air */
    return RN_DBZ_NOECHO;
  return (float)(10 * log10(Z));
}

float rn_synth_dbz(const struct rn_synth *s, double x, double y, double z, double t)
{
  struct snapshot *sn = malloc(sizeof *sn);
  float v;
  if (!sn)
    return NAN;
  snapshot(s, t, sn);
  v = snap_dbz(sn, x, y, z);
  free(sn);
  return v;
}

void rn_synth_gate(const struct rn_synth *s, double r, double el, double *height, double *ground)
{
  double e = el * M_PI / 180, ka = s->ka;
  double h = sqrt(r * r + ka * ka + 2 * r * ka * sin(e)) - ka;
  *height = h + s->o.height;
  *ground = ka * asin(r * cos(e) / (ka + h));
}

double rn_synth_beam_height(const struct rn_synth *s, double ground, double el)
{
  double e = el * M_PI / 180, ka = s->ka;
  return ka * (cos(e) / cos(e + ground / ka) - 1) + s->o.height;
}

/* Sweep timing inside a volume: sweeps of dur seconds, 2 s apart. */
static int sweep_seconds(const struct rn_synth *s)
{
  int d = (s->o.step - 20) / s->o.nelevations - 2;
  return d > 20 ? 20 : d < 1 ? 1 : d;
}

static rn_time sweep_start(const struct rn_synth *s, rn_time t, int k)
{
  return t + (rn_time)k * (sweep_seconds(s) + 2);
}

static int a1gate_of(const struct rn_synth *s, rn_time t, int k)
{
  return (int)(hash3(s->o.seed, 0xA1, (uint64_t)t * 64 + (uint64_t)k) % (uint64_t)s->o.nrays);
}

double rn_synth_ray_time(const struct rn_synth *s, rn_time t, int k, int a1gate, int i)
{
  int R = s->o.nrays, order = ((i - a1gate) % R + R) % R;
  return (double)sweep_start(s, t, k) + (order + 0.5) * sweep_seconds(s) / (double)R;
}

/* ~N(0, 1) from a hash: Irwin-Hall sum of four uniforms, rescaled. */
static double gate_noise(uint64_t h)
{
  double sum = 0;
  for (int i = 0; i < 4; i++)
    sum += (double)((h >> (16 * i)) & 0xFFFF) / 65536.0;
  return (sum - 2.0) * 1.7320508075688772;
}

enum rn_status rn_synth_volume(const struct rn_synth *s, rn_time t, struct rn_volume *vol,
                               int *a1gate)
{
  const struct rn_synth_options *o = &s->o;
  int G = (int)floor(o->range / o->gate + 1e-9), R = o->nrays;
  double *hgt = NULL, *gnd = NULL;
  enum rn_status st;
  int failed = 0;

  memset(vol, 0, sizeof *vol);
  snprintf(vol->format, sizeof vol->format, "synthetic");
  snprintf(vol->object, sizeof vol->object, "PVOL");
  snprintf(vol->source, sizeof vol->source, "NOD:xxsyn,PLC:radnow synthetic radar,CMT:seed %llu",
           (unsigned long long)o->seed);
  vol->lat = o->lat;
  vol->lon = o->lon;
  vol->height = o->height;
  vol->time = t;
  st = rn_volume_alloc_sweeps(vol, o->nelevations);
  if (st)
    return st;
  hgt = rn_malloc((size_t)G * sizeof *hgt, "gate heights");
  gnd = rn_malloc((size_t)G * sizeof *gnd, "gate distances");
  if (!hgt || !gnd) {
    st = RN_ENOMEM;
    goto fail;
  }
  for (int k = 0; k < o->nelevations; k++) {
    struct rn_sweep *sw = &vol->sweeps[k];
    struct rn_moment *dbzh, *th;
    int a1 = a1gate_of(s, t, k);
    double el = o->elevations[k];
    if (a1gate)
      a1gate[k] = a1;
    if ((st = rn_sweep_alloc(sw, R, G)) || (st = rn_sweep_add_moment(sw, "DBZH", &dbzh)) ||
        (st = rn_sweep_add_moment(sw, "TH", &th)))
      goto fail;
    dbzh = &sw->moments[0]; /* adding TH may have moved the array */
    sw->elevation = el;
    sw->first_gate = 0.5 * o->gate;
    sw->gate_spacing = o->gate;
    sw->start_time = sweep_start(s, t, k);
    sw->end_time = sw->start_time + sweep_seconds(s);
    for (int g = 0; g < G; g++)
      rn_synth_gate(s, sw->first_gate + g * o->gate, el, &hgt[g], &gnd[g]);
#pragma omp parallel for schedule(dynamic, 8)
    for (int i = 0; i < R; i++) {
      struct snapshot *sn = malloc(sizeof *sn);
      double az = (i + 0.5) * 360.0 / R, sa = sin(az * M_PI / 180), ca = cos(az * M_PI / 180);
      if (!sn) {
#pragma omp atomic write
        failed = 1;
        continue;
      }
      sw->azimuth[i] = az;
      snapshot(s, rn_synth_ray_time(s, t, k, a1, i), sn);
      for (int g = 0; g < G; g++) {
        double r = sw->first_gate + g * o->gate;
        double mds = -35 + 20 * log10(r / 1000.0);
        float v = snap_dbz(sn, gnd[g] * sa, gnd[g] * ca, hgt[g]);
        uint64_t h = hash3(o->seed, (uint64_t)t * 64 + (uint64_t)k, (uint64_t)i * 100000 + g);
        float z = RN_UNDETECT, tz;
        size_t at = (size_t)i * G + g;
        if (v > RN_DBZ_NOECHO) {
          z = (float)(v + gate_noise(h));
          if (z < mds)
            z = RN_UNDETECT;
        }
        dbzh->data[at] = z;
        tz = z;
        /* Ground clutter: fixed targets near the radar, low sweeps, TH only. */
        if (el <= 1.0 && r <= 30000 && hash3(o->seed, 0xC1077E, (uint64_t)i * 100000 + g) % 23 == 0) {
          double cl = 25 + (double)(hash3(o->seed, 0xC1, (uint64_t)i * 100000 + g) % 2500) / 100.0;
          tz = z == RN_UNDETECT ? (float)cl : (float)(10 * log10(pow(10, z / 10) + pow(10, cl / 10)));
        }
        th->data[at] = tz;
      }
      free(sn);
    }
    if (failed) {
      st = rn_error(RN_ENOMEM, "out of memory for the synthetic scene");
      goto fail;
    }
  }
  free(hgt);
  free(gnd);
  return RN_OK;
fail:
  free(hgt);
  free(gnd);
  rn_volume_free(vol);
  return st;
}

enum rn_status rn_synth_write_odim(const struct rn_synth *s, rn_time t, const char *path)
{
  struct rn_volume vol;
  struct rn_odim_sweep_info info[RN_SYNTH_MAX_ELEVATIONS];
  struct rn_odim_write_options wo;
  int a1[RN_SYNTH_MAX_ELEVATIONS];
  enum rn_status st = rn_synth_volume(s, t, &vol, a1);
  if (st)
    return st;
  memset(&wo, 0, sizeof wo);
  memset(info, 0, sizeof info);
  for (int k = 0; k < vol.nsweeps; k++) {
    info[k].a1gate = a1[k];
    info[k].rpm = 60.0 / sweep_seconds(s);
  }
  wo.source = vol.source;
  wo.software = "radnow synth";
  wo.simulated = 1;
  wo.beamwidth = 1.0;
  wo.wavelength = 5.3;
  wo.sweeps = info;
  st = rn_odim_write_pvol(&vol, &wo, path);
  rn_volume_free(&vol);
  return st;
}

enum rn_status rn_synth_grid(const struct rn_synth *s, int size, struct rn_grid *g)
{
  if (size < 2 || size > 20000)
    return rn_error(RN_EUSAGE, "synth: grid size %d: want 2 to 20000 pixels", size);
  return rn_grid_centered(g, NULL, s->o.lat, s->o.lon, size, size, 2 * s->o.range / size);
}

/* Pixel centres of grid in the radar's azimuthal equidistant plane. */
static enum rn_status grid_to_radar(const struct rn_synth *s, const struct rn_grid *g, double *x,
                                    double *y)
{
  char aeqd[256];
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *op = NULL, *norm = NULL;
  size_t n = (size_t)g->nx * (size_t)g->ny;
  enum rn_status st = RN_OK;

  proj_log_level(ctx, PJ_LOG_NONE);
  rn_grid_aeqd(s->o.lat, s->o.lon, aeqd, sizeof aeqd);
  strncat(aeqd, " +type=crs", sizeof aeqd - strlen(aeqd) - 1);
  op = proj_create_crs_to_crs(ctx, g->crs_wkt, aeqd, NULL);
  if (op)
    norm = proj_normalize_for_visualization(ctx, op);
  if (!norm) {
    st = rn_error(RN_EUSAGE, "synth: the grid's CRS cannot be transformed to the radar's plane");
    goto out;
  }
  for (int j = 0; j < g->ny; j++)
    for (int i = 0; i < g->nx; i++) {
      x[(size_t)j * g->nx + i] = g->xmin + (i + 0.5) * g->dx;
      y[(size_t)j * g->nx + i] = g->ymax - (j + 0.5) * g->dy;
    }
  proj_trans_generic(norm, PJ_FWD, x, sizeof(double), n, y, sizeof(double), n, NULL, 0, 0, NULL,
                     0, 0);
out:
  if (norm)
    proj_destroy(norm);
  if (op)
    proj_destroy(op);
  proj_context_destroy(ctx);
  return st;
}

enum rn_status rn_synth_truth(const struct rn_synth *s, rn_time t, const struct rn_grid *grid,
                              const char *product, struct rn_frame *out)
{
  const struct rn_synth_options *o = &s->o;
  enum { CAPPI, PCAPPI, CMAX } kind;
  double H = 0, hh, smax[RN_SYNTH_MAX_ELEVATIONS];
  size_t n = (size_t)grid->nx * (size_t)grid->ny;
  double *x = NULL, *y = NULL;
  struct snapshot *sn = NULL;
  enum rn_status st;
  char *end;

  if (strcmp(product, "cmax") == 0)
    kind = CMAX;
  else if (strcmp(product, "pcappi") == 0)
    kind = PCAPPI;
  else if (strncmp(product, "cappi:", 6) == 0) {
    kind = CAPPI;
    H = strtod(product + 6, &end);
    if (end == product + 6 || *end || !(H >= 0 && H <= 20000))
      return rn_error(RN_EUSAGE, "synth: truth product '%s': want a height of 0 to 20000 m",
                      product);
  } else
    return rn_error(RN_EUSAGE, "synth: truth product '%s': want pcappi, cappi:H or cmax", product);

  st = rn_frame_alloc(out, grid);
  if (st)
    return st;
  out->time = t;
  snprintf(out->quantity, sizeof out->quantity, "DBZH");
  snprintf(out->product, sizeof out->product, "%s", product);
  snprintf(out->source, sizeof out->source, "radnow synth, seed %llu, truth",
           (unsigned long long)o->seed);
  x = rn_malloc(n * sizeof *x, "truth coordinates");
  y = rn_malloc(n * sizeof *y, "truth coordinates");
  sn = rn_malloc(sizeof *sn, "scene snapshot");
  if (!x || !y || !sn) {
    st = RN_ENOMEM;
    goto out;
  }
  st = grid_to_radar(s, grid, x, y);
  if (st)
    goto out;
  snapshot(s, (double)t, sn);
  /* Coverage: the ground reach of each beam at the last gate's centre. */
  for (int k = 0; k < o->nelevations; k++)
    rn_synth_gate(s, (floor(o->range / o->gate + 1e-9) - 0.5) * o->gate, o->elevations[k], &hh,
                  &smax[k]);
#pragma omp parallel for schedule(dynamic, 16)
  for (size_t i = 0; i < n; i++) {
    double gd = hypot(x[i], y[i]);
    float v;
    if (!(gd <= smax[0]))
      continue;
    if (kind == CAPPI)
      v = snap_dbz(sn, x[i], y[i], H);
    else if (kind == PCAPPI)
      v = snap_dbz(sn, x[i], y[i], rn_synth_beam_height(s, gd, o->elevations[0]));
    else {
      v = RN_DBZ_NOECHO;
      for (int k = 0; k < o->nelevations && smax[k] >= gd; k++) {
        float w = snap_dbz(sn, x[i], y[i], rn_synth_beam_height(s, gd, o->elevations[k]));
        if (w > v)
          v = w;
      }
    }
    out->dbz[i] = v;
  }
out:
  free(x);
  free(y);
  free(sn);
  if (st)
    rn_frame_free(out);
  return st;
}
