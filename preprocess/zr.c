/* zr.c - Z = a R^b between rain rates and reflectivity. */
#include <radnow/zr.h>

#include <math.h>
#include <radnow/frame.h>

struct rn_zr rn_zr_make(double a, double b)
{
  struct rn_zr zr = {a > 0 ? a : RN_ZR_A, b > 0 ? b : RN_ZR_B};
  return zr;
}

float rn_zr_rate_to_dbz(struct rn_zr zr, double rate)
{
  double dbz;
  if (rate != rate)
    return NAN;
  if (rate <= 0)
    return RN_DBZ_NOECHO;
  /* 10 log10(a R^b) = 10 log10 a + 10 b log10 R */
  dbz = 10.0 * log10(zr.a) + 10.0 * zr.b * log10(rate);
  return dbz < RN_DBZ_NOECHO ? RN_DBZ_NOECHO : (float)dbz;
}

double rn_zr_dbz_to_rate(struct rn_zr zr, double dbz)
{
  if (dbz != dbz)
    return NAN;
  if (dbz <= RN_DBZ_NOECHO)
    return 0.0;
  return pow(pow(10.0, dbz / 10.0) / zr.a, 1.0 / zr.b);
}

float rn_zr_acc_to_dbz(struct rn_zr zr, double acc, double minutes)
{
  if (!(minutes > 0))
    return NAN;
  return rn_zr_rate_to_dbz(zr, acc * 60.0 / minutes);
}
