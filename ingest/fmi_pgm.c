/* fmi_pgm.c - FMI PGM comment header: projection, corners, time. */
#include "fmi_pgm.h"

#include <ctype.h>
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Next whitespace-separated token of a PGM header, outside comments. */
static int pgm_int(const unsigned char *s, size_t n, size_t *i, int *v)
{
  while (*i < n && (isspace(s[*i]) || s[*i] == '#')) {
    if (s[*i] == '#')
      while (*i < n && s[*i] != '\n')
        (*i)++;
    else
      (*i)++;
  }
  if (*i >= n || !isdigit(s[*i]))
    return -1;
  long x = 0;
  while (*i < n && isdigit(s[*i]) && x < 1000000)
    x = x * 10 + (s[(*i)++] - '0');
  *v = (int)x;
  return 0;
}

int rn_fmi_pgm_parse(const unsigned char *head, size_t n, struct rn_fmi_header *h)
{
  size_t i = 2;
  int comments = 0, corners = 0;
  memset(h, 0, sizeof *h);
  if (n < 3 || head[0] != 'P' || head[1] != '5' || !isspace(head[2]))
    return 0;
  /* Comment lines, each "# key value ..." */
  for (size_t p = 2; p < n;) {
    while (p < n && isspace(head[p]) && head[p] != '#')
      p++;
    if (p >= n || head[p] != '#')
      break;
    size_t e = p;
    while (e < n && head[e] != '\n')
      e++;
    char line[256];
    size_t len = e - p - 1 < sizeof line - 1 ? e - p - 1 : sizeof line - 1;
    memcpy(line, head + p + 1, len);
    line[len] = '\0';
    comments++;
    char key[64], v1[128];
    double a, b;
    if (sscanf(line, " %63s %127s", key, v1) == 2) {
      if (!strcmp(key, "obstime")) {
        if (rn_time_parse(v1, &h->obstime))
          h->obstime = 0;
      } else if (!strcmp(key, "param"))
        snprintf(h->param, sizeof h->param, "%.63s", v1);
      else if (!strcmp(key, "type"))
        snprintf(h->type, sizeof h->type, "%.31s", v1);
      else if (!strcmp(key, "centrallongitude"))
        h->lon_0 = atof(v1);
      else if (!strcmp(key, "centrallatitude"))
        h->lat_0 = atof(v1);
      else if (!strcmp(key, "truelatitude"))
        h->lat_ts = atof(v1);
      else if (!strcmp(key, "metersperpixel_x"))
        h->mpp_x = atof(v1);
      else if (!strcmp(key, "metersperpixel_y"))
        h->mpp_y = atof(v1);
      else if (!strcmp(key, "bottomleft") && sscanf(line, " %*s %lf %lf", &a, &b) == 2) {
        h->bl_lon = a;
        h->bl_lat = b;
        corners |= 1;
      } else if (!strcmp(key, "topright") && sscanf(line, " %*s %lf %lf", &a, &b) == 2) {
        h->tr_lon = a;
        h->tr_lat = b;
        corners |= 2;
      }
    }
    p = e;
  }
  if (!comments || pgm_int(head, n, &i, &h->width) || pgm_int(head, n, &i, &h->height) ||
      pgm_int(head, n, &i, &h->maxval))
    return 0;
  h->have_projection =
      !strcmp(h->type, "stereographic") && corners == 3 && h->mpp_x > 0 && h->mpp_y > 0;
  return 1;
}

enum rn_status rn_fmi_pgm_grid(const struct rn_fmi_header *h, const char *path,
                               struct rn_grid *grid, char *note, size_t note_size)
{
  char def[256];
  PJ_CONTEXT *ctx;
  PJ *pj;
  PJ_COORD bl, tr;
  enum rn_status st;

  if (!h->have_projection)
    return rn_error(RN_EFORMAT, "fmi: %s: header has no stereographic projection with corners",
                    path);
  /* Project the corners on the unit sphere; the radius is what makes the
   * width metersperpixel_x * width. */
  snprintf(def, sizeof def, "+proj=stere +lat_0=%.10g +lon_0=%.10g +lat_ts=%.10g +R=1 +type=crs",
           h->lat_0, h->lon_0, h->lat_ts);
  ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  pj = proj_create_crs_to_crs(ctx, "+proj=longlat +R=1 +type=crs", def, NULL);
  if (!pj) {
    proj_context_destroy(ctx);
    return rn_error(RN_EFORMAT, "fmi: %s: projection '%s' is not valid", path, def);
  }
  bl = proj_trans(pj, PJ_FWD, proj_coord(h->bl_lon, h->bl_lat, 0, 0));
  tr = proj_trans(pj, PJ_FWD, proj_coord(h->tr_lon, h->tr_lat, 0, 0));
  proj_destroy(pj);
  proj_context_destroy(ctx);
  double wx = tr.xy.x - bl.xy.x, wy = tr.xy.y - bl.xy.y;
  if (!(wx > 0) || !(wy > 0) || h->width <= 0 || h->height <= 0)
    return rn_error(RN_EFORMAT, "fmi: %s: corners bottomleft/topright do not span a grid", path);
  double r = h->mpp_x * h->width / wx, ry = h->mpp_y * h->height / wy;
  if (fabs(ry - r) > 1e-3 * r)
    return rn_error(RN_EFORMAT,
                    "fmi: %s: metersperpixel_x and _y imply different spheres (%.0f, %.0f m)", path,
                    r, ry);
  snprintf(def, sizeof def,
           "+proj=stere +lat_0=%.10g +lon_0=%.10g +lat_ts=%.10g +R=%.3f +units=m +no_defs",
           h->lat_0, h->lon_0, h->lat_ts, r);
  st = rn_grid_init(grid, def, h->width, h->height, r * bl.xy.x, r * tr.xy.y, r * wx / h->width,
                    r * wy / h->height);
  if (st)
    return rn_error_prefix(st, "fmi: %s", path);
  snprintf(note, note_size, "FMI PGM header: sphere radius %.0f m from metersperpixel", r);
  return RN_OK;
}
