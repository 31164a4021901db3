/* volume.c - allocation and ordering of polar volumes. */
#include <radnow/volume.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rn_sweep_free(struct rn_sweep *sw)
{
  if (!sw)
    return;
  for (int m = 0; m < sw->nmoments; m++)
    free(sw->moments[m].data);
  free(sw->moments);
  free(sw->azimuth);
  free(sw->ray_time);
  free(sw->ray_elevation);
  memset(sw, 0, sizeof *sw);
}

void rn_volume_free(struct rn_volume *vol)
{
  if (!vol)
    return;
  for (int s = 0; s < vol->nsweeps; s++)
    rn_sweep_free(&vol->sweeps[s]);
  free(vol->sweeps);
  memset(vol, 0, sizeof *vol);
}

enum rn_status rn_volume_alloc_sweeps(struct rn_volume *vol, int nsweeps)
{
  vol->sweeps = rn_calloc((unsigned long long)(nsweeps > 0 ? nsweeps : 1), sizeof *vol->sweeps,
                          "sweeps");
  if (!vol->sweeps)
    return RN_ENOMEM;
  vol->nsweeps = nsweeps;
  return RN_OK;
}

enum rn_status rn_sweep_alloc(struct rn_sweep *sw, int nrays, int ngates)
{
  if (nrays <= 0 || ngates <= 0)
    return rn_error(RN_EFORMAT, "sweep has %d rays and %d gates", nrays, ngates);
  sw->azimuth = rn_calloc((unsigned long long)nrays, sizeof *sw->azimuth, "azimuths");
  if (!sw->azimuth)
    return RN_ENOMEM;
  sw->nrays = nrays;
  sw->ngates = ngates;
  return RN_OK;
}

enum rn_status rn_sweep_add_moment(struct rn_sweep *sw, const char *quantity,
                                   struct rn_moment **out)
{
  size_t n = (size_t)sw->nrays * (size_t)sw->ngates;
  struct rn_moment *m = realloc(sw->moments, (size_t)(sw->nmoments + 1) * sizeof *m);
  if (!m)
    return rn_error(RN_ENOMEM, "out of memory adding moment %s", quantity);
  sw->moments = m;
  m = &sw->moments[sw->nmoments];
  memset(m, 0, sizeof *m);
  snprintf(m->quantity, sizeof m->quantity, "%s", quantity);
  m->data = rn_malloc(n * sizeof(float), "moment data");
  if (!m->data)
    return RN_ENOMEM;
  for (size_t i = 0; i < n; i++)
    m->data[i] = RN_NODATA;
  sw->nmoments++;
  *out = m;
  return RN_OK;
}

const struct rn_moment *rn_sweep_moment(const struct rn_sweep *sw, const char *quantity)
{
  for (int m = 0; m < sw->nmoments; m++)
    if (strcmp(sw->moments[m].quantity, quantity) == 0)
      return &sw->moments[m];
  return NULL;
}

void rn_volume_sort_sweeps(struct rn_volume *vol)
{
  /* Insertion sort: stable, and volumes have tens of sweeps at most. */
  for (int i = 1; i < vol->nsweeps; i++) {
    struct rn_sweep key = vol->sweeps[i];
    int j = i - 1;
    while (j >= 0 && vol->sweeps[j].elevation > key.elevation) {
      vol->sweeps[j + 1] = vol->sweeps[j];
      j--;
    }
    vol->sweeps[j + 1] = key;
  }
}

const char *rn_scan_type_name(enum rn_scan_type t)
{
  switch (t) {
  case RN_SCAN_PPI: return "PPI";
  case RN_SCAN_SECTOR: return "sector";
  case RN_SCAN_RHI: return "RHI";
  case RN_SCAN_OTHER: return "other";
  }
  return "other";
}

enum rn_status rn_volume_require_ppi(const struct rn_volume *vol, const char *what)
{
  if (vol->scan_type == RN_SCAN_PPI)
    return RN_OK;
  return rn_error(RN_EUNSUPPORTED,
                  "%s: %s scan: only PPI volumes and scans over the full circle can be gridded",
                  what, rn_scan_type_name(vol->scan_type));
}
