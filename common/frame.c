/* frame.c - allocation of gridded reflectivity frames. */
#include <radnow/frame.h>

#include <stdlib.h>
#include <string.h>

enum rn_status rn_frame_alloc(struct rn_frame *f, const struct rn_grid *grid)
{
  size_t n = (size_t)grid->nx * (size_t)grid->ny;
  enum rn_status st;
  memset(f, 0, sizeof *f);
  st = rn_grid_copy(&f->grid, grid);
  if (st)
    return st;
  f->dbz = rn_malloc(n * sizeof(float), "frame");
  if (!f->dbz) {
    rn_grid_free(&f->grid);
    return RN_ENOMEM;
  }
  for (size_t i = 0; i < n; i++)
    f->dbz[i] = RN_NODATA;
  return RN_OK;
}

void rn_frame_free(struct rn_frame *f)
{
  if (!f)
    return;
  rn_grid_free(&f->grid);
  free(f->dbz);
  memset(f, 0, sizeof *f);
}

void rn_frame_floor(struct rn_frame *f)
{
  size_t n = (size_t)f->grid.nx * (size_t)f->grid.ny;
  for (size_t i = 0; i < n; i++)
    if (f->dbz[i] < RN_DBZ_NOECHO) /* false for NaN */
      f->dbz[i] = RN_DBZ_NOECHO;
}
