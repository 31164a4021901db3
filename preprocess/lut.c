/* lut.c - building, caching and storing the pixel -> gate lookup tables of
 * polar2grid (see lut.h and polar2grid.h). */
#include "lut.h"

#include <radnow/beam.h>
#include <radnow/log.h>
#include <radnow/publish.h>

#include <errno.h>
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define DEG (M_PI / 180.0)

/* ---- key ---------------------------------------------------------------- */

static uint64_t fnv1a(const char *s)
{
  uint64_t h = 14695981039346656037ull;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ull;
  }
  return h;
}

static double beamwidth(const struct rn_p2g_options *opt)
{
  return opt->beamwidth > 0 ? opt->beamwidth : 1.0;
}

enum rn_status rn_lut_key(const struct rn_volume *vol, const struct rn_grid *grid,
                          const struct rn_p2g_options *opt, char **key, uint64_t *hash)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    return rn_error(RN_ENOMEM, "lookup table key: out of memory");
  /* Rounded so that the same geometry written with different float noise
   * gives the same key; the precisions are far below a gate or a pixel. */
  fprintf(f, "radnow-lut 1\nsite %.7f %.7f %.2f\nbeam %.9g %.9g\n", vol->lat, vol->lon,
          vol->height, opt->beam_k > 0 ? opt->beam_k : RN_BEAM_K,
          opt->earth_radius > 0 ? opt->earth_radius : RN_EARTH_RADIUS);
  fprintf(f, "grid %d %d %.6f %.6f %.9g %.9g\ncrs %s\n", grid->nx, grid->ny, grid->xmin,
          grid->ymax, grid->dx, grid->dy, grid->crs_wkt);
  if (opt->product == RN_PRODUCT_CAPPI)
    fprintf(f, "cappi %.3f %.4f\n", opt->cappi_height, beamwidth(opt));
  fprintf(f, "max_range %.3f\nsweeps %d\n", opt->max_range > 0 ? opt->max_range : 0,
          vol->nsweeps);
  for (int k = 0; k < vol->nsweeps; k++) {
    const struct rn_sweep *sw = &vol->sweeps[k];
    fprintf(f, "sweep %.4f %.3f %.4f %d\n", sw->elevation, sw->first_gate, sw->gate_spacing,
            sw->ngates);
  }
  if (fclose(f) != 0 || !buf) {
    free(buf);
    return rn_error(RN_ENOMEM, "lookup table key: out of memory");
  }
  *key = buf;
  *hash = fnv1a(buf);
  return RN_OK;
}

/* ---- allocation --------------------------------------------------------- */

static size_t align64(size_t n)
{
  return (n + 63) & ~(size_t)63;
}

/* Sizes of the arrays, in the order they are carved from one block. */
static size_t lut_layout(int nx, int ny, int ns, int cappi, size_t off[5])
{
  size_t npix = (size_t)nx * (size_t)ny, o = 0;
  off[0] = o, o += align64(npix * sizeof(uint16_t));
  off[1] = o, o += align64(npix * sizeof(float));
  off[2] = o, o += align64(npix * (size_t)ns * sizeof(float));
  off[3] = o, o += cappi ? align64(npix) : 0;
  off[4] = o, o += cappi ? align64(npix * sizeof(float)) : 0;
  return o;
}

static enum rn_status lut_alloc(int nx, int ny, int ns, int cappi, struct rn_lut **out)
{
  size_t off[5];
  struct rn_lut *lut = rn_calloc(1, sizeof *lut, "lookup table");
  if (!lut)
    return RN_ENOMEM;
  lut->nx = nx;
  lut->ny = ny;
  lut->nsweeps = ns;
  lut->cappi = cappi;
  lut->bytes = lut_layout(nx, ny, ns, cappi, off);
  lut->mem = aligned_alloc(64, lut->bytes);
  if (!lut->mem) {
    size_t bytes = lut->bytes;
    free(lut);
    return rn_error(RN_ENOMEM, "lookup table: out of memory (%zu bytes)", bytes);
  }
  lut->azbin = (uint16_t *)((char *)lut->mem + off[0]);
  lut->range = (float *)((char *)lut->mem + off[1]);
  lut->gpos = (float *)((char *)lut->mem + off[2]);
  lut->cap_k = cappi ? (uint8_t *)((char *)lut->mem + off[3]) : NULL;
  lut->cap_w = cappi ? (float *)((char *)lut->mem + off[4]) : NULL;
  *out = lut;
  return RN_OK;
}

void rn_lut_free(struct rn_lut *lut)
{
  if (!lut)
    return;
  free(lut->key);
  free(lut->mem);
  free(lut);
}

/* ---- geolocation ---------------------------------------------------------- */

static PJ *crs_from(PJ_CONTEXT *ctx, const char *def)
{
  char buf[512];
  if (def[0] == '+' && !strstr(def, "type=crs")) {
    snprintf(buf, sizeof buf, "%s +type=crs", def);
    def = buf;
  }
  return proj_create(ctx, def);
}

/* Transform n points (in place) from the CRS src to dst with PROJ in bulk.
 * PROJ objects are not shared between threads: one context and one
 * operation per thread, each transforming its own block of points. Points
 * PROJ cannot transform become NaN. */
static enum rn_status transform(const char *src, const char *dst, double *X, double *Y, size_t n)
{
  int failed = 0;
#pragma omp parallel reduction(| : failed) if (n > 4096)
  {
    int t = 0, nt = 1;
    size_t lo, hi;
    PJ_CONTEXT *c = proj_context_create();
    PJ *op, *norm = NULL;
#ifdef _OPENMP
    t = omp_get_thread_num();
    nt = omp_get_num_threads();
#endif
    lo = n * (size_t)t / (size_t)nt;
    hi = n * (size_t)(t + 1) / (size_t)nt;
    proj_log_level(c, PJ_LOG_NONE);
    op = proj_create_crs_to_crs(c, src, dst, NULL);
    if (op)
      norm = proj_normalize_for_visualization(c, op);
    if (!norm)
      failed = 1;
    else if (hi > lo)
      proj_trans_generic(norm, PJ_FWD, X + lo, sizeof(double), hi - lo, Y + lo, sizeof(double),
                         hi - lo, NULL, 0, 0, NULL, 0, 0);
    if (norm)
      proj_destroy(norm);
    if (op)
      proj_destroy(op);
    proj_context_destroy(c);
  }
  if (failed)
    return rn_error(RN_EUSAGE, "grid: PROJ has no transformation from the grid CRS to %s", dst);
  for (size_t p = 0; p < n; p++)
    if (!(fabs(X[p]) < 1e15) || !(fabs(Y[p]) < 1e15))
      X[p] = Y[p] = NAN;
  return RN_OK;
}

/* The lattice: every LATTICE-th pixel centre and the last one, per axis. */
#define LATTICE 8
#define LATTICE_TOL 1e-3 /* largest interpolation error allowed, in pixels */

static int lattice_size(int n)
{
  return (n - 1 + LATTICE - 1) / LATTICE + 1;
}

static int lattice_index(int k, int n)
{
  return k * LATTICE < n - 1 ? k * LATTICE : n - 1;
}

/* Bilinear interpolation of the lattice values V (ly x lx, both >= 2) at
 * pixel (i, j). */
static double lattice_at(const double *V, int lx, int ly, int nx, int ny, int i, int j)
{
  int kx = i / LATTICE, ky = j / LATTICE;
  int i0, i1, j0, j1;
  double tx, ty, a, b;
  const double *r0, *r1;
  if (kx > lx - 2)
    kx = lx - 2;
  if (ky > ly - 2)
    ky = ly - 2;
  i0 = lattice_index(kx, nx);
  i1 = lattice_index(kx + 1, nx);
  j0 = lattice_index(ky, ny);
  j1 = lattice_index(ky + 1, ny);
  tx = (double)(i - i0) / (i1 - i0);
  ty = (double)(j - j0) / (j1 - j0);
  r0 = V + (size_t)ky * lx;
  r1 = r0 + lx;
  a = r0[kx] + tx * (r0[kx + 1] - r0[kx]);
  b = r1[kx] + tx * (r1[kx + 1] - r1[kx]);
  return a + ty * (b - a);
}

/* Pixel centres of the grid into the radar-centred azimuthal equidistant
 * projection (X east, Y north, metres): the distance from its origin is the
 * geodesic distance from the site and atan2(X, Y) the geodesic azimuth.
 * When the grid is that projection already, nothing to transform. Else PROJ
 * transforms a lattice of every 8th pixel centre exactly and the pixels in
 * between are interpolated bilinearly (the mapping is smooth), provided the
 * interpolation agrees with exact transforms at the centre of every lattice
 * cell within a thousandth of a pixel (1 m for 1 km pixels; gates are 250 m
 * and more); otherwise every pixel is transformed. */
static enum rn_status to_site_aeqd(const struct rn_grid *g, double lat, double lon, double *X,
                                   double *Y)
{
  char aeqd[256];
  const int nx = g->nx, ny = g->ny, lx = lattice_size(nx), ly = lattice_size(ny);
  const size_t npix = (size_t)nx * (size_t)ny, nl = (size_t)lx * (size_t)ly;
  const size_t nc = (size_t)(lx - 1) * (size_t)(ly - 1);
  double *LX = NULL, *LY = NULL, *CX = NULL, *CY = NULL, maxerr = 0, tol;
  PJ_CONTEXT *ctx;
  PJ *src, *dst;
  int same, usable = 1;
  enum rn_status st;

  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++) {
      X[(size_t)j * nx + i] = g->xmin + (i + 0.5) * g->dx;
      Y[(size_t)j * nx + i] = g->ymax - (j + 0.5) * g->dy;
    }
  rn_grid_aeqd(lat, lon, aeqd, sizeof aeqd);
  strcat(aeqd, " +type=crs");
  ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  src = crs_from(ctx, g->crs_wkt);
  dst = crs_from(ctx, aeqd);
  same = src && dst && proj_is_equivalent_to(src, dst, PJ_COMP_EQUIVALENT);
  if (src)
    proj_destroy(src);
  if (dst)
    proj_destroy(dst);
  proj_context_destroy(ctx);
  if (same) {
    rn_log_debug("grid: the grid is the radar's azimuthal equidistant projection");
    return RN_OK;
  }
  if (nx < 2 * LATTICE || ny < 2 * LATTICE)
    return transform(g->crs_wkt, aeqd, X, Y, npix);

  LX = malloc(2 * (nl + nc) * sizeof *LX);
  if (!LX)
    return rn_error(RN_ENOMEM, "grid: out of memory");
  LY = LX + nl;
  CX = LY + nl;
  CY = CX + nc;
  for (int ky = 0; ky < ly; ky++)
    for (int kx = 0; kx < lx; kx++) {
      size_t k = (size_t)ky * lx + kx;
      LX[k] = X[(size_t)lattice_index(ky, ny) * nx + lattice_index(kx, nx)];
      LY[k] = Y[(size_t)lattice_index(ky, ny) * nx + lattice_index(kx, nx)];
    }
  /* check points: the pixel nearest the centre of each lattice cell */
  for (int ky = 0; ky < ly - 1; ky++)
    for (int kx = 0; kx < lx - 1; kx++) {
      int i = (lattice_index(kx, nx) + lattice_index(kx + 1, nx)) / 2;
      int j = (lattice_index(ky, ny) + lattice_index(ky + 1, ny)) / 2;
      CX[(size_t)ky * (lx - 1) + kx] = X[(size_t)j * nx + i];
      CY[(size_t)ky * (lx - 1) + kx] = Y[(size_t)j * nx + i];
    }
  st = transform(g->crs_wkt, aeqd, LX, LY, nl);
  if (!st)
    st = transform(g->crs_wkt, aeqd, CX, CY, nc);
  if (st) {
    free(LX);
    return st;
  }
  /* the pixel size in metres, from the first lattice step */
  tol = LATTICE_TOL * hypot(LX[1] - LX[0], LY[1] - LY[0]) / lattice_index(1, nx);
  for (int ky = 0; ky < ly - 1; ky++)
    for (int kx = 0; kx < lx - 1; kx++) {
      int i = (lattice_index(kx, nx) + lattice_index(kx + 1, nx)) / 2;
      int j = (lattice_index(ky, ny) + lattice_index(ky + 1, ny)) / 2;
      double ex = CX[(size_t)ky * (lx - 1) + kx] - lattice_at(LX, lx, ly, nx, ny, i, j);
      double ey = CY[(size_t)ky * (lx - 1) + kx] - lattice_at(LY, lx, ly, nx, ny, i, j);
      double e = hypot(ex, ey);
      if (!(e <= tol)) /* also NaN: a point PROJ could not transform */
        usable = 0;
      maxerr = isnan(e) ? INFINITY : fmax(maxerr, e);
    }
  if (usable) {
#pragma omp parallel for schedule(static)
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++) {
        X[(size_t)j * nx + i] = lattice_at(LX, lx, ly, nx, ny, i, j);
        Y[(size_t)j * nx + i] = lattice_at(LY, lx, ly, nx, ny, i, j);
      }
    rn_log_debug("grid: pixel positions interpolated from a lattice of %d x %d (largest error "
                 "%.4f m at %zu check points, allowed %.4f m)", lx, ly, maxerr, nc, tol);
  } else {
    rn_log_debug("grid: every pixel transformed with PROJ (lattice error up to %g m)", maxerr);
    st = transform(g->crs_wkt, aeqd, X, Y, npix);
  }
  free(LX);
  return st;
}

enum rn_status rn_lut_build(const struct rn_volume *vol, const struct rn_grid *grid,
                            const struct rn_p2g_options *opt, struct rn_lut **out)
{
  const int ns = vol->nsweeps, cappi = opt->product == RN_PRODUCT_CAPPI;
  const size_t npix = (size_t)grid->nx * (size_t)grid->ny;
  double *X = NULL, *Y = NULL, *cosel = NULL, *sinel = NULL, *el = NULL;
  double smax = opt->max_range > 0 ? opt->max_range : INFINITY, half_bw = beamwidth(opt) / 2;
  struct rn_beam beam;
  struct rn_lut *lut = NULL;
  enum rn_status st;
  double t0 = rn_clock();

  *out = NULL;
  if (ns <= 0)
    return rn_error(RN_EFORMAT, "grid: volume has no sweeps");
  if (ns >= (int)RN_CAPPI_NONE)
    return rn_error(RN_EUNSUPPORTED, "grid: volume has %d sweeps, at most %d are supported", ns,
                    (int)RN_CAPPI_NONE - 1);
  for (int k = 0; k < ns; k++) {
    const struct rn_sweep *sw = &vol->sweeps[k];
    if (!(sw->gate_spacing > 0) || sw->ngates <= 0 || !isfinite(sw->first_gate) ||
        !isfinite(sw->elevation) || fabs(sw->elevation) >= 90)
      return rn_error(RN_EFORMAT, "grid: sweep %d: elevation %g, %d gates of %g m from %g m: "
                                  "not a usable geometry", k + 1, sw->elevation, sw->ngates,
                      sw->gate_spacing, sw->first_gate);
    if (k > 0 && sw->elevation < vol->sweeps[k - 1].elevation)
      return rn_error(RN_EINTERNAL, "grid: sweeps are not ordered by elevation");
  }
  if (!isfinite(vol->lat) || !isfinite(vol->lon) || fabs(vol->lat) > 90)
    return rn_error(RN_EFORMAT, "grid: radar site %g, %g is not valid", vol->lat, vol->lon);
  rn_beam_init(&beam, vol->height, opt->beam_k, opt->earth_radius);

  st = lut_alloc(grid->nx, grid->ny, ns, cappi, &lut);
  if (st)
    return st;
  st = rn_lut_key(vol, grid, opt, &lut->key, &lut->hash);
  if (st)
    goto fail;
  X = rn_malloc(npix * sizeof *X, "lookup table");
  Y = rn_malloc(npix * sizeof *Y, "lookup table");
  cosel = rn_malloc(3 * (size_t)ns * sizeof *cosel, "lookup table");
  if (!X || !Y || !cosel) {
    st = RN_ENOMEM;
    goto fail;
  }
  sinel = cosel + ns;
  el = sinel + ns;
  for (int k = 0; k < ns; k++) {
    el[k] = vol->sweeps[k].elevation;
    cosel[k] = cos(el[k] * DEG);
    sinel[k] = sin(el[k] * DEG);
  }
  st = to_site_aeqd(grid, vol->lat, vol->lon, X, Y);
  if (st)
    goto fail;

#pragma omp parallel for schedule(static)
  for (size_t p = 0; p < npix; p++) {
    const double ae = beam.ae;
    float gp[RN_CAPPI_NONE];
    double s = hypot(X[p], Y[p]), phi, sp, cp, az;
    int any = 0, b;

    lut->azbin[p] = RN_AZ_NONE;
    lut->range[p] = NAN;
    if (cappi) {
      lut->cap_k[p] = RN_CAPPI_NONE;
      lut->cap_w[p] = 0;
    }
    for (int k = 0; k < ns; k++)
      gp[k] = lut->gpos[(size_t)k * npix + p] = NAN;
    if (!(s <= smax))
      continue;
    phi = s / ae;
    sp = sin(phi);
    cp = cos(phi);
    for (int k = 0; k < ns; k++) {
      const struct rn_sweep *sw = &vol->sweeps[k];
      double c = cp * cosel[k] - sp * sinel[k], q;
      if (!(c > 1e-12))
        continue; /* this beam never gets that far out */
      q = (ae * sp / c - sw->first_gate) / sw->gate_spacing;
      if (q >= -0.5 && q <= sw->ngates - 0.5) {
        gp[k] = lut->gpos[(size_t)k * npix + p] = (float)q;
        any = 1;
      }
    }
    if (!any)
      continue;
    az = atan2(X[p], Y[p]) / DEG;
    if (az < 0)
      az += 360;
    b = (int)(az * (RN_AZBINS / 360.0));
    lut->azbin[p] = (uint16_t)(b < 0 ? 0 : b >= RN_AZBINS ? RN_AZBINS - 1 : b);
    lut->range[p] = (float)s;
    if (cappi) {
      /* Elevation of the point at the CAPPI height above this pixel, then
       * the sweeps whose beams bracket it. */
      double hr = opt->cappi_height - beam.h0, rc = ae + hr;
      double eh = atan2(rc * cp - ae, rc * sp) / DEG;
      int k = -1, lo = RN_CAPPI_NONE;
      float w = 0;
      while (k + 1 < ns && el[k + 1] <= eh)
        k++;
      if (k < 0) { /* below the lowest beam */
        if (el[0] - eh <= half_bw && !isnan(gp[0]))
          lo = 0;
      } else if (k == ns - 1) { /* above the highest beam */
        if (eh - el[k] <= half_bw && !isnan(gp[k]))
          lo = k;
      } else {
        int v0 = !isnan(gp[k]), v1 = !isnan(gp[k + 1]);
        if (v0 && v1) {
          /* Beam heights above this pixel: ae + h = ae cos(el) / cos(phi + el). */
          double c0 = cp * cosel[k] - sp * sinel[k], c1 = cp * cosel[k + 1] - sp * sinel[k + 1];
          double h0 = ae * cosel[k] / c0 - ae, h1 = ae * cosel[k + 1] / c1 - ae;
          double ww = h1 > h0 ? (hr - h0) / (h1 - h0) : 0;
          lo = k;
          w = (float)(ww < 0 ? 0 : ww > 1 ? 1 : ww);
        } else if (v0 && eh - el[k] <= half_bw) {
          lo = k;
        } else if (v1 && el[k + 1] - eh <= half_bw) {
          lo = k + 1;
        }
      }
      lut->cap_k[p] = (uint8_t)lo;
      lut->cap_w[p] = w;
    }
  }
  free(X);
  free(Y);
  free(cosel);
  rn_log_debug("grid: lookup table %016llx built in %.1f ms (%.1f MB)",
               (unsigned long long)lut->hash, (rn_clock() - t0) * 1e3, lut->bytes / 1048576.0);
  *out = lut;
  return RN_OK;
fail:
  free(X);
  free(Y);
  free(cosel);
  rn_lut_free(lut);
  return st;
}

/* ---- on disk ------------------------------------------------------------------ */

static const char lut_magic[8] = {'R', 'N', 'L', 'U', 'T', 0, 0, 1};

struct lut_header {
  char magic[8];
  uint32_t endian; /* 0x01020304 as written */
  uint32_t keylen;
  int32_t nx, ny, nsweeps, cappi;
  uint64_t bytes;
};

enum rn_status rn_lut_save(const struct rn_lut *lut, const char *path)
{
  char tmp[4096];
  struct lut_header h;
  FILE *f;
  enum rn_status st = rn_publish_begin(path, tmp, sizeof tmp);
  if (st)
    return st;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, lut_magic, sizeof h.magic);
  h.endian = 0x01020304u;
  h.keylen = (uint32_t)strlen(lut->key);
  h.nx = lut->nx;
  h.ny = lut->ny;
  h.nsweeps = lut->nsweeps;
  h.cappi = lut->cappi;
  h.bytes = lut->bytes;
  f = fopen(tmp, "wb");
  if (!f)
    return rn_error(RN_EWRITE, "lookup table: %s: %s", tmp, strerror(errno));
  if (fwrite(&h, sizeof h, 1, f) != 1 || fwrite(lut->key, h.keylen, 1, f) != 1 ||
      fwrite(lut->mem, lut->bytes, 1, f) != 1) {
    fclose(f);
    rn_publish_abort(tmp);
    return rn_error(RN_EWRITE, "lookup table: %s: write failed", path);
  }
  if (fclose(f) != 0) {
    rn_publish_abort(tmp);
    return rn_error(RN_EWRITE, "lookup table: %s: write failed", path);
  }
  return rn_publish_commit(tmp, path);
}

enum rn_status rn_lut_load(const char *path, const char *key, struct rn_lut **out)
{
  struct lut_header h;
  struct rn_lut *lut = NULL;
  char *k = NULL;
  size_t off[5], keylen = strlen(key);
  enum rn_status st = RN_EFORMAT;
  FILE *f = fopen(path, "rb");

  *out = NULL;
  if (!f)
    return errno == ENOENT ? rn_error(RN_ENOTFOUND, "lookup table: %s: no such file", path)
                           : rn_error(RN_EIO, "lookup table: %s: %s", path, strerror(errno));
  if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, lut_magic, sizeof h.magic) != 0 ||
      h.endian != 0x01020304u) {
    rn_error(st, "lookup table: %s: not a radnow lookup table", path);
    goto out;
  }
  if (h.keylen != keylen) {
    rn_error(st, "lookup table: %s: made for another geometry", path);
    goto out;
  }
  k = malloc(keylen + 1);
  if (!k) {
    st = rn_error(RN_ENOMEM, "lookup table: out of memory");
    goto out;
  }
  if (fread(k, keylen, 1, f) != 1) {
    rn_error(st, "lookup table: %s: truncated", path);
    goto out;
  }
  if (memcmp(k, key, keylen) != 0) {
    rn_error(st, "lookup table: %s: made for another geometry", path);
    goto out;
  }
  if (h.nx <= 0 || h.ny <= 0 || h.nsweeps <= 0 || h.nsweeps >= (int)RN_CAPPI_NONE ||
      lut_layout(h.nx, h.ny, h.nsweeps, h.cappi != 0, off) != h.bytes) {
    rn_error(st, "lookup table: %s: header is inconsistent", path);
    goto out;
  }
  st = lut_alloc(h.nx, h.ny, h.nsweeps, h.cappi != 0, &lut);
  if (st)
    goto out;
  if (fread(lut->mem, lut->bytes, 1, f) != 1) {
    st = rn_error(RN_EFORMAT, "lookup table: %s: truncated", path);
    goto out;
  }
  k[keylen] = '\0';
  lut->key = k;
  k = NULL;
  lut->hash = fnv1a(lut->key);
  *out = lut;
  lut = NULL;
  st = RN_OK;
out:
  free(k);
  rn_lut_free(lut);
  fclose(f);
  return st;
}

/* ---- cache ------------------------------------------------------------------ */

struct cache_entry {
  struct rn_lut *lut;
  unsigned long used; /* clock of the last use */
};

struct rn_lut_cache {
  char *dir;
  int capacity, n;
  struct cache_entry *entries;
  unsigned long clock;
  long built, memory_hits, disk_hits;
};

struct rn_lut_cache *rn_lut_cache_new(const char *disk_dir, int capacity)
{
  struct rn_lut_cache *c = rn_calloc(1, sizeof *c, "lookup table cache");
  if (!c)
    return NULL;
  c->capacity = capacity > 0 ? capacity : 8;
  c->entries = rn_calloc((size_t)c->capacity, sizeof *c->entries, "lookup table cache");
  if (disk_dir && *disk_dir)
    c->dir = rn_strdup(disk_dir);
  if (!c->entries || (disk_dir && *disk_dir && !c->dir)) {
    rn_lut_cache_free(c);
    return NULL;
  }
  return c;
}

void rn_lut_cache_free(struct rn_lut_cache *c)
{
  if (!c)
    return;
  for (int i = 0; i < c->n; i++)
    rn_lut_free(c->entries[i].lut);
  free(c->entries);
  free(c->dir);
  free(c);
}

void rn_lut_cache_stats(const struct rn_lut_cache *c, long *built, long *memory_hits,
                        long *disk_hits)
{
  if (built)
    *built = c ? c->built : 0;
  if (memory_hits)
    *memory_hits = c ? c->memory_hits : 0;
  if (disk_hits)
    *disk_hits = c ? c->disk_hits : 0;
}

static void cache_insert(struct rn_lut_cache *c, struct rn_lut *lut)
{
  int slot = c->n;
  if (c->n == c->capacity) { /* drop the least recently used */
    slot = 0;
    for (int i = 1; i < c->n; i++)
      if (c->entries[i].used < c->entries[slot].used)
        slot = i;
    rn_lut_free(c->entries[slot].lut);
  } else {
    c->n++;
  }
  c->entries[slot].lut = lut;
  c->entries[slot].used = ++c->clock;
}

enum rn_status rn_lut_get(struct rn_lut_cache *c, const struct rn_volume *vol,
                          const struct rn_grid *grid, const struct rn_p2g_options *opt,
                          const struct rn_lut **out, struct rn_lut **owned)
{
  char *key = NULL, path[4096];
  uint64_t hash;
  struct rn_lut *lut = NULL;
  enum rn_status st;

  *out = NULL;
  *owned = NULL;
  if (!c) {
    st = rn_lut_build(vol, grid, opt, owned);
    *out = *owned;
    return st;
  }
  st = rn_lut_key(vol, grid, opt, &key, &hash);
  if (st)
    return st;
  for (int i = 0; i < c->n; i++)
    if (c->entries[i].lut->hash == hash && strcmp(c->entries[i].lut->key, key) == 0) {
      c->entries[i].used = ++c->clock;
      c->memory_hits++;
      *out = c->entries[i].lut;
      free(key);
      return RN_OK;
    }
  if (c->dir) {
    snprintf(path, sizeof path, "%s/radnow-lut-%016llx.bin", c->dir, (unsigned long long)hash);
    st = rn_lut_load(path, key, &lut);
    if (st == RN_OK) {
      c->disk_hits++;
      rn_log_debug("grid: lookup table read from %s", path);
    } else if (st != RN_ENOTFOUND) {
      rn_log_warn("%s; building it again", rn_errmsg());
    }
  }
  if (!lut) {
    st = rn_lut_build(vol, grid, opt, &lut);
    if (st) {
      free(key);
      return st;
    }
    c->built++;
    if (c->dir) {
      st = rn_mkdirs(c->dir);
      if (!st)
        st = rn_lut_save(lut, path);
      if (st) /* a cache that cannot be written costs time, not results */
        rn_log_warn("%s; the lookup table stays in memory only", rn_errmsg());
    }
  }
  free(key);
  cache_insert(c, lut);
  *out = lut;
  return RN_OK;
}
