/* zr.h - rain rate and accumulation to reflectivity (Z-R relation).
 *
 * Z = a R^b with Z in mm^6/m^3 and R in mm/h; dBZ = 10 log10 Z. The default
 * a = 200, b = 1.6 is Marshall-Palmer. An accumulation of acc mm over dt
 * minutes is the mean rate R = acc * 60 / dt. A rate of 0 (or below) is no
 * echo: RN_DBZ_NOECHO; NaN stays NaN. */
#ifndef RADNOW_ZR_H
#define RADNOW_ZR_H

#ifdef __cplusplus
extern "C" {
#endif

#define RN_ZR_A 200.0
#define RN_ZR_B 1.6

struct rn_zr {
  double a, b;
};

/* The relation with a, b; zero or negative values mean the defaults. */
struct rn_zr rn_zr_make(double a, double b);

/* dBZ of a rain rate R (mm/h). */
float rn_zr_rate_to_dbz(struct rn_zr zr, double rate);
/* Rain rate (mm/h) of a reflectivity; no echo gives 0. */
double rn_zr_dbz_to_rate(struct rn_zr zr, double dbz);
/* dBZ of an accumulation acc (mm) over minutes (> 0). */
float rn_zr_acc_to_dbz(struct rn_zr zr, double acc, double minutes);

#ifdef __cplusplus
}
#endif
#endif
