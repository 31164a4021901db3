/* test_cfradial.c - the CfRadial reader on a synthetic file with known
 * values (tests/tools/mkradar.h) and its broken variants, and the corpus
 * files' gate geometry and values (numbers from ncdump, see comments). */
#include <radnow/ingest.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../tools/mkradar.h"
#include "test.h"

static void test_synthetic(const char *dir)
{
  char path[512];
  struct rn_radar_data d;
  struct rn_ingest_options opt;
  rn_ingest_options_init(&opt);
  snprintf(path, sizeof path, "%s/synthetic.nc", dir);
  CHECK(mk_cfradial(path, MK_OK) == 0);
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK(d.kind == RN_DATA_VOLUME);
  CHECK_STR(d.format, "CfRadial");
  CHECK_STR(d.version, "1.4");
  CHECK_STR(d.vol.source, "SYNTHETIC");
  CHECK_NEAR(d.vol.lat, 45.25, 0);
  CHECK_NEAR(d.vol.lon, -3.5, 0);
  CHECK_NEAR(d.vol.height, 321, 0);
  CHECK(d.vol.time == rn_time_from_fields(2021, 3, 4, 5, 6, 7));
  CHECK(d.vol.nsweeps == 2);
  if (d.vol.nsweeps == 2) {
    /* The second sweep in the file (rays 3-5, 0.5 deg) comes first. */
    const struct rn_sweep *sw = &d.vol.sweeps[0];
    CHECK_NEAR(sw->elevation, 0.5, 1e-6);
    CHECK(sw->nrays == 3 && sw->ngates == 4);
    CHECK_NEAR(sw->first_gate, 1000, 0);
    CHECK_NEAR(sw->gate_spacing, 250, 1e-9);
    CHECK_NEAR(sw->azimuth[0], 70, 1e-6);
    CHECK_STR(sw->moments[0].quantity, "DBZH");
    /* ray 3 of the file, gate 2: stored 302 -> 302 * 0.01 + 10 */
    CHECK_NEAR(sw->moments[0].data[0 * 4 + 2], 302 * 0.01 + 10, 1e-5);
    CHECK(rn_is_nodata(sw->moments[0].data[1 * 4 + 3])); /* _FillValue */
    CHECK_NEAR(d.vol.sweeps[1].elevation, 1.5, 1e-6);
    CHECK_NEAR(d.vol.sweeps[1].moments[0].data[2 * 4 + 1], 201 * 0.01 + 10, 1e-5);
  }
  rn_radar_data_free(&d);
  opt.quantity = "VRADH";
  CHECK(rn_ingest_read(path, &opt, &d) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "quantity 'VRADH' not in the file (it has DBZH)");
  unlink(path);

  static const struct {
    enum mk_flaw flaw;
    const char *msg;
  } cases[] = {{MK_NO_RANGE, "'range' variable missing"}, {MK_ZERO_RAYS, "zero rays"}};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/flaw%zu.nc", dir, i);
    CHECK(mk_cfradial(path, cases[i].flaw) == 0);
    CHECK(rn_ingest_read(path, NULL, &d) == RN_EFORMAT);
    CHECK_CONTAINS(rn_errmsg(), "cfradial: ");
    CHECK_CONTAINS(rn_errmsg(), path);
    CHECK_CONTAINS(rn_errmsg(), cases[i].msg);
    unlink(path);
  }
}

static void check_corpus(const char *corpus)
{
  char path[1024];
  struct rn_radar_data d;
  /* ncdump -v range,reflectivity MLL2217907250U.003.nc: range = 249.999, 749.997, ...
   * ncdump -v reflectivity -f c: the first ray's gates; the file's maximum by
   *   ncdump -v reflectivity | tr -s ', ;' '\n' | grep -v -- -9999 | sort -g | tail -1 -> 66.5 */
  snprintf(path, sizeof path, "%s/volumes/cfradial/MLL2217907250U.003.nc", corpus);
  CHECK_OK(rn_ingest_read(path, NULL, &d));
  CHECK(d.vol.nsweeps == 1);
  if (d.vol.nsweeps == 1) {
    const struct rn_sweep *sw = &d.vol.sweeps[0];
    float mx = -1e30f;
    CHECK_NEAR(sw->first_gate, 249.999, 1e-3);
    CHECK_NEAR(sw->gate_spacing, 500, 0.01);
    CHECK_NEAR(sw->azimuth[0], 0.5300984, 1e-5);
    for (int i = 0; i < sw->nrays * sw->ngates; i++)
      if (sw->moments[0].data[i] > mx)
        mx = sw->moments[0].data[i];
    CHECK_NEAR(mx, 66.5, 1e-4);
  }
  rn_radar_data_free(&d);
}

int main(void)
{
  char dir[] = "/tmp/radnow-cfradial.XXXXXX";
  const char *corpus;
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_synthetic(dir);
  rmdir(dir);
  corpus = test_corpus();
  if (!corpus)
    return test_failures ? 1 : test_corpus_missing();
  check_corpus(corpus);
  TEST_DONE();
}
