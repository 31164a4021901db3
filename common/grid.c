/* grid.c - georeferenced grids: CRS normalisation and pixel coordinates (PROJ). */
#include <radnow/grid.h>

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* proj_create() reads a PROJ string as a CRS only with +type=crs. */
static PJ *create_crs(PJ_CONTEXT *ctx, const char *def)
{
  char buf[2048];
  if (def[0] == '+' && !strstr(def, "type=crs")) {
    snprintf(buf, sizeof buf, "%s +type=crs", def);
    def = buf;
  }
  return proj_create(ctx, def);
}

static enum rn_status crs_to_wkt(const char *def, char **wkt)
{
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *crs;
  const char *w;
  enum rn_status st = RN_OK;

  proj_log_level(ctx, PJ_LOG_NONE);
  crs = create_crs(ctx, def);
  if (!crs || !proj_is_crs(crs)) {
    st = rn_error(RN_EUSAGE, "'%s' is not a coordinate reference system PROJ knows", def);
    goto out;
  }
  w = proj_as_wkt(ctx, crs, PJ_WKT1_GDAL, NULL);
  if (!w)
    w = proj_as_wkt(ctx, crs, PJ_WKT2_2019, NULL);
  if (!w) {
    st = rn_error(RN_EUSAGE, "'%s': PROJ cannot express it as WKT", def);
    goto out;
  }
  *wkt = rn_strdup(w);
  if (!*wkt)
    st = RN_ENOMEM;
out:
  if (crs)
    proj_destroy(crs);
  proj_context_destroy(ctx);
  return st;
}

enum rn_status rn_grid_init(struct rn_grid *g, const char *crs, int nx, int ny, double xmin,
                            double ymax, double dx, double dy)
{
  memset(g, 0, sizeof *g);
  if (nx <= 0 || ny <= 0 || nx > 100000 || ny > 100000)
    return rn_error(RN_EUSAGE, "grid size %d x %d is not valid", nx, ny);
  if (!(dx > 0) || !(dy > 0) || !isfinite(xmin) || !isfinite(ymax))
    return rn_error(RN_EUSAGE, "grid pixel size %g x %g or corner (%g, %g) is not valid", dx, dy,
                    xmin, ymax);
  g->nx = nx;
  g->ny = ny;
  g->xmin = xmin;
  g->ymax = ymax;
  g->dx = dx;
  g->dy = dy;
  return crs_to_wkt(crs, &g->crs_wkt);
}

void rn_grid_aeqd(double lat, double lon, char *buf, int size)
{
  snprintf(buf, (size_t)size, "+proj=aeqd +lat_0=%.6f +lon_0=%.6f +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs",
           lat, lon);
}

enum rn_status rn_grid_centered(struct rn_grid *g, const char *crs, double lat, double lon,
                                int nx, int ny, double res)
{
  char aeqd[256];
  double x = 0, y = 0;
  if (!crs) {
    rn_grid_aeqd(lat, lon, aeqd, sizeof aeqd);
    crs = aeqd;
  } else {
    /* Centre of the grid: the point (lat, lon) in the target CRS. */
    PJ_CONTEXT *ctx = proj_context_create();
    PJ *src, *dst, *op = NULL, *norm = NULL;
    PJ_COORD c;
    proj_log_level(ctx, PJ_LOG_NONE);
    src = create_crs(ctx, "EPSG:4326");
    dst = create_crs(ctx, crs);
    if (src && dst)
      op = proj_create_crs_to_crs_from_pj(ctx, src, dst, NULL, NULL);
    if (op)
      norm = proj_normalize_for_visualization(ctx, op);
    if (!norm) {
      if (op) proj_destroy(op);
      if (src) proj_destroy(src);
      if (dst) proj_destroy(dst);
      proj_context_destroy(ctx);
      return rn_error(RN_EUSAGE, "'%s' is not a coordinate reference system PROJ knows", crs);
    }
    c = proj_coord(lon, lat, 0, 0);
    c = proj_trans(norm, PJ_FWD, c);
    x = c.xy.x;
    y = c.xy.y;
    proj_destroy(norm);
    proj_destroy(op);
    proj_destroy(src);
    proj_destroy(dst);
    proj_context_destroy(ctx);
    if (!isfinite(x) || !isfinite(y))
      return rn_error(RN_EUSAGE, "centre %.4f, %.4f is outside the domain of '%s'", lat, lon, crs);
  }
  return rn_grid_init(g, crs, nx, ny, x - 0.5 * nx * res, y + 0.5 * ny * res, res, res);
}

enum rn_status rn_grid_from_extent(struct rn_grid *g, const char *crs, const double e[4],
                                   double res)
{
  double w = e[2] - e[0], h = e[3] - e[1];
  if (!(w > 0) || !(h > 0) || !(res > 0))
    return rn_error(RN_EUSAGE, "extent %g,%g,%g,%g with resolution %g is not valid", e[0], e[1],
                    e[2], e[3], res);
  return rn_grid_init(g, crs, (int)ceil(w / res - 1e-9), (int)ceil(h / res - 1e-9), e[0], e[3],
                      res, res);
}

enum rn_status rn_grid_copy(struct rn_grid *dst, const struct rn_grid *src)
{
  *dst = *src;
  dst->crs_wkt = rn_strdup(src->crs_wkt);
  return src->crs_wkt && !dst->crs_wkt ? RN_ENOMEM : RN_OK;
}

void rn_grid_free(struct rn_grid *g)
{
  if (!g)
    return;
  free(g->crs_wkt);
  memset(g, 0, sizeof *g);
}

void rn_grid_geotransform(const struct rn_grid *g, double gt[6])
{
  gt[0] = g->xmin;
  gt[1] = g->dx;
  gt[2] = 0;
  gt[3] = g->ymax;
  gt[4] = 0;
  gt[5] = -g->dy;
}

static int same_crs(const char *a, const char *b)
{
  PJ_CONTEXT *ctx;
  PJ *pa, *pb;
  int same;
  if (!a || !b)
    return a == b;
  if (strcmp(a, b) == 0)
    return 1;
  ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  pa = create_crs(ctx, a);
  pb = create_crs(ctx, b);
  same = pa && pb && proj_is_equivalent_to(pa, pb, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS);
  if (pa) proj_destroy(pa);
  if (pb) proj_destroy(pb);
  proj_context_destroy(ctx);
  return same;
}

int rn_grid_same(const struct rn_grid *a, const struct rn_grid *b)
{
  double tol = 1e-6 * fmin(a->dx, a->dy);
  return a->nx == b->nx && a->ny == b->ny && fabs(a->xmin - b->xmin) <= tol &&
         fabs(a->ymax - b->ymax) <= tol && fabs(a->dx - b->dx) <= 1e-9 * a->dx &&
         fabs(a->dy - b->dy) <= 1e-9 * a->dy && same_crs(a->crs_wkt, b->crs_wkt);
}

void rn_grid_xy(const struct rn_grid *g, double *x, double *y)
{
  for (int i = 0; i < g->nx; i++)
    x[i] = g->xmin + (i + 0.5) * g->dx;
  for (int j = 0; j < g->ny; j++)
    y[j] = g->ymax - (j + 0.5) * g->dy;
}

enum rn_status rn_grid_lonlat(const struct rn_grid *g, double *lon, double *lat)
{
  PJ_CONTEXT *ctx = proj_context_create();
  PJ *src, *dst, *op = NULL, *norm = NULL;
  enum rn_status st = RN_OK;
  size_t n = (size_t)g->nx * (size_t)g->ny;

  proj_log_level(ctx, PJ_LOG_NONE);
  src = create_crs(ctx, g->crs_wkt);
  dst = create_crs(ctx, "EPSG:4326");
  if (src && dst)
    op = proj_create_crs_to_crs_from_pj(ctx, src, dst, NULL, NULL);
  if (op)
    norm = proj_normalize_for_visualization(ctx, op);
  if (!norm) {
    st = rn_error(RN_EUSAGE, "grid CRS cannot be transformed to longitude/latitude");
    goto out;
  }
  for (int j = 0; j < g->ny; j++)
    for (int i = 0; i < g->nx; i++) {
      lon[(size_t)j * g->nx + i] = g->xmin + (i + 0.5) * g->dx;
      lat[(size_t)j * g->nx + i] = g->ymax - (j + 0.5) * g->dy;
    }
  proj_trans_generic(norm, PJ_FWD, lon, sizeof(double), n, lat, sizeof(double), n, NULL, 0, 0,
                     NULL, 0, 0);
  for (size_t k = 0; k < n; k++)
    if (lon[k] == HUGE_VAL || lat[k] == HUGE_VAL)
      lon[k] = lat[k] = NAN;
out:
  if (norm) proj_destroy(norm);
  if (op) proj_destroy(op);
  if (src) proj_destroy(src);
  if (dst) proj_destroy(dst);
  proj_context_destroy(ctx);
  return st;
}
