/* test_zr.c - Z = a R^b against hand-computed values:
 *   R = 1 mm/h:  10 log10(200) = 23.0103 dBZ
 *   R = 10:      23.0103 + 16 = 39.0103
 *   1 mm in 5 min = 12 mm/h: 23.0103 + 16 log10(12) = 40.2772
 *   a = 300, b = 1.4, R = 10: 10 log10(300) + 14 = 38.7712 */
#include <radnow/frame.h>
#include <radnow/zr.h>

#include "test.h"

int main(void)
{
  struct rn_zr mp = rn_zr_make(0, 0), other = rn_zr_make(300, 1.4);
  CHECK_NEAR(mp.a, 200, 0);
  CHECK_NEAR(mp.b, 1.6, 0);
  CHECK_NEAR(rn_zr_rate_to_dbz(mp, 1), 23.0103, 1e-4);
  CHECK_NEAR(rn_zr_rate_to_dbz(mp, 10), 39.0103, 1e-4);
  CHECK_NEAR(rn_zr_acc_to_dbz(mp, 1, 5), 40.2772, 1e-4);
  CHECK_NEAR(rn_zr_rate_to_dbz(other, 10), 38.7712, 1e-4);
  CHECK(rn_zr_rate_to_dbz(mp, 0) == RN_DBZ_NOECHO);
  CHECK(rn_zr_rate_to_dbz(mp, 1e-9) == RN_DBZ_NOECHO); /* below the floor */
  CHECK(isnan(rn_zr_rate_to_dbz(mp, NAN)));
  CHECK(isnan(rn_zr_acc_to_dbz(mp, 1, 0)));
  CHECK_NEAR(rn_zr_dbz_to_rate(mp, 39.0103), 10, 1e-3);
  CHECK_NEAR(rn_zr_dbz_to_rate(mp, RN_DBZ_NOECHO), 0, 0);
  TEST_DONE();
}
