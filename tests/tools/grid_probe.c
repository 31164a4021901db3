/* grid_probe.c - where does one gate land? Builds a one-sweep volume in
 * memory whose only echo is the gate centred at azimuth AZ and slant range
 * RANGE (1 deg x 1000 m gates), grids it (nearest, pcappi) onto the grid
 * EXTENT/RES in CRS ("radar": the radar-centred azimuthal equidistant
 * projection) and prints the number of pixels showing the echo and their
 * centroid in grid coordinates. Used by tests/grid_geoloc.sh, which
 * computes where the gate should be with PROJ's geod and cs2cs.
 *
 *   grid_probe LAT LON HEIGHT EL AZ RANGE CRS XMIN,YMIN,XMAX,YMAX RES [OUT.nc]
 */
#include <radnow/frame.h>
#include <radnow/polar2grid.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
  struct rn_volume vol;
  struct rn_sweep *sw;
  struct rn_moment *m;
  struct rn_grid grid;
  struct rn_frame fr;
  double lat, lon, h, el, az, range, e[4], res, sx = 0, sy = 0, *x, *y;
  char aeqd[256];
  const char *crs;
  long n = 0;
  int gm;

  if (argc < 10 || sscanf(argv[8], "%lf,%lf,%lf,%lf", &e[0], &e[1], &e[2], &e[3]) != 4) {
    fprintf(stderr, "usage: grid_probe LAT LON HEIGHT EL AZ RANGE CRS XMIN,YMIN,XMAX,YMAX RES "
                    "[OUT.nc]\n");
    return 1;
  }
  lat = atof(argv[1]);
  lon = atof(argv[2]);
  h = atof(argv[3]);
  el = atof(argv[4]);
  az = atof(argv[5]);
  range = atof(argv[6]);
  res = atof(argv[9]);
  memset(&vol, 0, sizeof vol);
  snprintf(vol.source, sizeof vol.source, "probe");
  vol.lat = lat;
  vol.lon = lon;
  vol.height = h;
  gm = (int)floor(range / 1000.0);
  if (rn_volume_alloc_sweeps(&vol, 1))
    return 1;
  sw = &vol.sweeps[0];
  if (rn_sweep_alloc(sw, 360, gm + 10) || rn_sweep_add_moment(sw, "DBZH", &m))
    return 1;
  sw->elevation = el;
  sw->gate_spacing = 1000;
  sw->first_gate = range - gm * 1000.0; /* gate gm is centred on RANGE */
  for (int r = 0; r < 360; r++) {
    sw->azimuth[r] = fmod(az + r, 360.0); /* ray 0 is centred on AZ */
    for (int g = 0; g < sw->ngates; g++)
      m->data[(size_t)r * sw->ngates + g] = r == 0 && g == gm ? 50.0f : RN_UNDETECT;
  }
  crs = argv[7];
  if (strcmp(crs, "radar") == 0) {
    rn_grid_aeqd(lat, lon, aeqd, sizeof aeqd);
    crs = aeqd;
  }
  if (rn_grid_from_extent(&grid, crs, e, res) ||
      rn_polar2grid(&vol, NULL, &grid, NULL, NULL, &fr, NULL)) {
    fprintf(stderr, "grid_probe: %s\n", rn_errmsg());
    return 1;
  }
  x = malloc((size_t)grid.nx * sizeof *x);
  y = malloc((size_t)grid.ny * sizeof *y);
  rn_grid_xy(&grid, x, y);
  for (int j = 0; j < grid.ny; j++)
    for (int i = 0; i < grid.nx; i++)
      if (fr.dbz[(size_t)j * grid.nx + i] == 50.0f) {
        sx += x[i];
        sy += y[j];
        n++;
      }
  printf("%ld %.3f %.3f\n", n, n ? sx / n : NAN, n ? sy / n : NAN);
  if (argc > 10 && rn_frame_write(&fr, argv[10])) {
    fprintf(stderr, "grid_probe: %s\n", rn_errmsg());
    return 1;
  }
  free(x);
  free(y);
  rn_frame_free(&fr);
  rn_grid_free(&grid);
  rn_volume_free(&vol);
  return 0;
}
