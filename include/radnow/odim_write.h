/* odim_write.h - write a polar volume as an ODIM_H5 (V2_2) PVOL file, laid
 * out as operational files are: root what/where/how; one datasetN per sweep
 * (in the volume's order) with what (product SCAN, start/end date/time),
 * where (elangle, nbins, rstart, rscale, nrays, a1gate) and how (startazA,
 * stopazA, startazT, stopazT, rpm); one dataN per moment with what
 * (quantity, gain, offset, nodata, undetect) and a deflated uint8 "data"
 * dataset (CLASS "IMAGE", IMAGE_VERSION "1.2"). Strings are fixed-length,
 * null-terminated; integers 64-bit; reals double.
 *
 * Reflectivity moments (DBZH, DBZV, TH, TV) are packed as gain 0.5,
 * offset -32, nodata 255, undetect 0 (RN_UNDETECT and values below
 * -31.75 dBZ become undetect, NaN nodata). The file carries no creation
 * times: the same volume gives the same bytes. */
#ifndef RADNOW_ODIM_WRITE_H
#define RADNOW_ODIM_WRITE_H

#include <radnow/volume.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_odim_sweep_info {
  int a1gate;            /* index of the first ray radiated */
  const double *ray_start, *ray_stop; /* R times (seconds since 1970) or NULL:
                                         evenly spread over the sweep from a1gate */
  double rpm;            /* antenna speed; 0: omitted */
};

struct rn_odim_write_options {
  const char *source;    /* what/source, e.g. "NOD:xxsyn,PLC:Synthetic" (required) */
  const char *software;  /* how/software; NULL: "radnow" */
  int simulated;         /* how/simulated = "True" */
  double beamwidth;      /* how/beamwidth, degrees (0: omitted) */
  double wavelength;     /* how/wavelength, cm (0: omitted) */
  const struct rn_odim_sweep_info *sweeps; /* one per sweep of the volume, or NULL */
};

enum rn_status rn_odim_write_pvol(const struct rn_volume *vol,
                                  const struct rn_odim_write_options *opt, const char *path);

/* The uint8 code of a reflectivity (gain 0.5, offset -32). */
unsigned char rn_odim_dbz_code(float dbz);

#ifdef __cplusplus
}
#endif
#endif
