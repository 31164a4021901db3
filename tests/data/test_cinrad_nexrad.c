/* test_cinrad_nexrad.c - the CINRAD and NEXRAD samples of the radar corpus
 * read through rn_ingest_read, checked against facts established
 * independently: tests/tools/radar_facts.py, a decoder written with
 * Python's struct/bz2/gzip modules from the published layouts (not from
 * the C readers), printed every number below (run on 2026-11-22). Where a
 * number comes from elsewhere, the comment says so. */
#include <radnow/ingest.h>
#include <radnow/stations.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/test.h"

struct sweep_fact {
  double elevation;
  int nrays, ngates;
  double spacing, first, max_dbz;
};

static char path_buf[4096];

static const char *sample(const char *corpus, const char *rel)
{
  snprintf(path_buf, sizeof path_buf, "%s/volumes/%s", corpus, rel);
  return path_buf;
}

static float max_of(const struct rn_sweep *sw, const char *q, long *folded)
{
  const struct rn_moment *m = rn_sweep_moment(sw, q);
  float mx = -INFINITY;
  *folded = 0;
  if (!m)
    return NAN;
  for (size_t i = 0; i < (size_t)sw->nrays * (size_t)sw->ngates; i++) {
    float v = m->data[i];
    if (rn_is_range_folded(v))
      (*folded)++;
    else if (!rn_is_nodata(v) && !rn_is_undetect(v) && v > mx)
      mx = v;
  }
  return mx;
}

static void check_sweeps(const struct rn_volume *vol, const struct sweep_fact *f, int n)
{
  CHECK(vol->nsweeps == n);
  for (int s = 0; s < n && s < vol->nsweeps; s++) {
    const struct rn_sweep *sw = &vol->sweeps[s];
    long folded;
    CHECK_NEAR(sw->elevation, f[s].elevation, 1e-4);
    CHECK(sw->nrays == f[s].nrays);
    CHECK(sw->ngates == f[s].ngates);
    CHECK_NEAR(sw->gate_spacing, f[s].spacing, 1e-9);
    CHECK_NEAR(sw->first_gate, f[s].first, 1e-9);
    CHECK_NEAR(max_of(sw, "DBZH", &folded), f[s].max_dbz, 1e-4);
    CHECK(sw->azimuth[0] >= 0 && sw->azimuth[0] < 360);
  }
}

static void check_time(rn_time t, const char *iso)
{
  char buf[32];
  CHECK_STR(rn_time_iso(t, buf), iso);
}

static void test_sb(const char *corpus)
{
  /* Elevations: median ray elevation of each cut (the records' angle codes). */
  static const struct sweep_fact all[] = {
      {0.4999, 360, 1840, 250, 125, 47.5}, {1.4447, 360, 1840, 250, 125, 47.0},
      {2.3950, 360, 1840, 250, 125, 47.0}, {3.3453, 360, 1840, 250, 125, 36.0},
      {4.2957, 360, 1840, 250, 125, 40.0}, {5.9985, 360, 1840, 250, 125, 17.0},
      {9.8987, 360, 1840, 250, 125, 19.0}, {14.5953, 360, 1840, 250, 125, 22.0},
      {19.4952, 360, 1840, 250, 125, 15.5}};
  struct rn_ingest_options opt;
  struct rn_radar_data d;
  const char *p = sample(corpus, "cinrad/Z9396_BASE_SB_20180724_055400.bin.bz2");
  long folded;
  rn_ingest_options_init(&opt);
  opt.all_quantities = 1;
  CHECK_OK(rn_ingest_read(p, &opt, &d));
  CHECK_STR(d.format, "CINRAD/SA-SB");
  CHECK_STR(d.version, "2432-byte");
  CHECK_STR(d.object, "PVOL");
  /* Site: etc/stations.csv row Z9396 (PyCINRAD's table), the file has none. */
  CHECK_STR(d.vol.source, "NOD:Z9396,PLC:驻马店 Zhumadian");
  CHECK_NEAR(d.vol.lat, 33.009722, 1e-6);
  CHECK_NEAR(d.vol.lon, 114.019722, 1e-6);
  CHECK_NEAR(d.vol.height, 189.1, 1e-9);
  CHECK(d.vol.vcp == 21);
  CHECK(d.vol.scan_type == RN_SCAN_PPI);
  check_time(d.vol.time, "2018-07-24T05:56:51Z");
  check_time(d.time_from_name, "2018-07-24T05:54:00Z"); /* the name says 055400 */
  CHECK_CONTAINS(d.notes, "differs from the file's own time");
  check_sweeps(&d.vol, all, 9);
  if (d.vol.nsweeps == 9) {
    const struct rn_sweep *sw = &d.vol.sweeps[0];
    /* The split cut: reflectivity-only and Doppler-only records of 0.5
     * degrees are one sweep with all three moments. */
    CHECK(rn_sweep_moment(sw, "VRADH") && rn_sweep_moment(sw, "WRADH"));
    max_of(sw, "VRADH", &folded);
    CHECK(folded == 6925);
    max_of(&d.vol.sweeps[2], "VRADH", &folded);
    CHECK(folded == 220);
    CHECK(rn_is_nodata(rn_range_folded()) && !rn_is_range_folded(RN_NODATA));
    CHECK(sw->ray_time && sw->ray_elevation);
    /* The strongest echo, 1 km gate 292 of ray 98, repeats over the four
     * 250 m gates it holds (fine gates 1168-1171, centres 292.125-292.875 km). */
    const struct rn_moment *z = rn_sweep_moment(sw, "DBZH");
    for (int k = 0; k < 4; k++)
      CHECK_NEAR(z->data[98 * 1840 + 4 * 292 + k], 47.5, 0);
    CHECK(z->data[98 * 1840 + 4 * 292 + 4] != 47.5f || z->data[98 * 1840 + 4 * 292 - 1] != 47.5f);
  }
  rn_radar_data_free(&d);

  /* Reflectivity only (what gridding reads): native 1 km gates. */
  rn_ingest_options_init(&opt);
  CHECK_OK(rn_ingest_read(p, &opt, &d));
  CHECK(d.vol.nsweeps == 9);
  if (d.vol.nsweeps == 9) {
    CHECK(d.vol.sweeps[0].ngates == 460);
    CHECK_NEAR(d.vol.sweeps[0].gate_spacing, 1000, 0);
    CHECK_NEAR(d.vol.sweeps[0].first_gate, 500, 0);
    CHECK(d.vol.sweeps[0].nmoments == 1);
  }
  rn_radar_data_free(&d);

  /* --site wins over the table; a missing quantity is a clear error. */
  rn_ingest_options_init(&opt);
  opt.site = "30.5,120.25,42";
  CHECK_OK(rn_ingest_read(p, &opt, &d));
  CHECK_NEAR(d.vol.lat, 30.5, 0);
  CHECK_NEAR(d.vol.lon, 120.25, 0);
  CHECK_NEAR(d.vol.height, 42, 0);
  rn_radar_data_free(&d);
  rn_ingest_options_init(&opt);
  opt.quantity = "ZDR";
  CHECK(rn_ingest_read(p, &opt, &d) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "no quantity ZDR");
}

static void test_cc(const char *corpus)
{
  static const struct sweep_fact f[] = {
      {0.5, 512, 500, 300, 150, 60.5},  {1.5, 512, 500, 300, 150, 59.3},
      {2.4, 512, 500, 300, 150, 57.0},  {3.4, 512, 500, 300, 150, 54.6},
      {4.3, 512, 500, 300, 150, 55.2},  {5.3, 512, 500, 300, 150, 53.1},
      {6.69, 512, 500, 300, 150, 50.4}, {7.5, 512, 500, 300, 150, 49.0},
      {8.69, 512, 500, 300, 150, 48.4}, {10.0, 512, 500, 300, 150, 46.5},
      {12.0, 512, 500, 300, 150, 41.0}, {14.0, 512, 500, 300, 150, 40.1},
      {16.7, 512, 500, 300, 150, 39.9}, {19.5, 512, 500, 300, 150, 38.1}};
  struct rn_ingest_options opt;
  struct rn_radar_data d;
  rn_ingest_options_init(&opt);
  opt.all_quantities = 1;
  CHECK_OK(rn_ingest_read(sample(corpus, "cinrad/2016070817.48V.gz"), &opt, &d));
  CHECK_STR(d.format, "CINRAD/CC");
  /* GBK 阿克苏 (Aksu) in the header, UTF-8 here. */
  CHECK_STR(d.vol.source, "NOD:Z9997,PLC:阿克苏");
  /* The header's text fields say E 80°14'6", N41°9'48": 80.2350, 41.1633. */
  CHECK_NEAR(d.vol.lat, 41.163333, 1e-6);
  CHECK_NEAR(d.vol.lon, 80.235, 1e-9);
  CHECK_NEAR(d.vol.height, 1126.0, 1e-9);
  /* Start 2016-07-08 17:43:07 Beijing time; the name 17.48 is the end time. */
  check_time(d.vol.time, "2016-07-08T09:43:07Z");
  check_time(d.time_from_name, "2016-07-08T09:48:00Z");
  CHECK_CONTAINS(d.notes, "local Beijing time (UTC+8), converted to UTC");
  check_sweeps(&d.vol, f, 14);
  if (d.vol.nsweeps == 14)
    CHECK(rn_sweep_moment(&d.vol.sweeps[0], "VRADH") && rn_sweep_moment(&d.vol.sweeps[0], "WRADH"));
  rn_radar_data_free(&d);
}

static void test_std(const char *corpus)
{
  static const struct sweep_fact f[] = {
      {1.7999999523162842, 363, 973, 75, 37.5, 54.5}, {2.7899999618530273, 363, 973, 75, 37.5, 55.0},
      {3.799999952316284, 363, 973, 75, 37.5, 54.5},  {4.789999961853027, 363, 973, 75, 37.5, 56.5},
      {5.800000190734863, 363, 973, 75, 37.5, 56.5}};
  static const char *const q[] = {"TH", "DBZH", "VRADH", "WRADH", "ZDR", "RHOHV", "PHIDP", "KDP"};
  struct rn_ingest_options opt;
  struct rn_radar_data d;
  rn_ingest_options_init(&opt);
  opt.all_quantities = 1;
  CHECK_OK(rn_ingest_read(
      sample(corpus, "cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2"), &opt,
      &d));
  CHECK_STR(d.format, "CINRAD/STD");
  CHECK_STR(d.version, "2.0");
  CHECK_STR(d.vol.source, "NOD:ZG170,PLC:ZG170");
  CHECK_NEAR(d.vol.lat, 23.14472198486328, 1e-9);
  CHECK_NEAR(d.vol.lon, 113.01055908203125, 1e-9);
  CHECK_NEAR(d.vol.height, 100, 0);
  CHECK(d.vol.scan_type == RN_SCAN_PPI);
  check_time(d.vol.time, "2026-03-29T06:48:00Z");
  check_time(d.time_from_name, "2026-03-29T06:48:00Z");
  check_sweeps(&d.vol, f, 5);
  for (int s = 0; s < d.vol.nsweeps; s++)
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++)
      if (!rn_sweep_moment(&d.vol.sweeps[s], q[k]))
        fprintf(stderr, "sweep %d lacks %s\n", s, q[k]), test_failures++;
  rn_radar_data_free(&d);
}

static void test_nexrad(const char *corpus)
{
  static const struct sweep_fact klbb[] = {
      {0.5273, 720, 1832, 250, 2125, 59.5}, {1.4502, 720, 1632, 250, 2125, 59.0},
      {2.4170, 360, 1312, 250, 2125, 58.5}, {3.3838, 360, 1076, 250, 2125, 57.0},
      {4.3066, 360, 908, 250, 2125, 53.5},  {6.0205, 360, 696, 250, 2125, 51.5},
      {9.8877, 360, 448, 250, 2125, 54.5},  {14.5898, 360, 308, 250, 2125, 48.5},
      {19.5117, 360, 232, 250, 2125, 54.5}};
  static const struct sweep_fact klix[] = {
      {0.3955, 367, 1838, 250, 125, 54.0},  {1.4062, 367, 1422, 250, 125, 52.0},
      {2.2852, 367, 1422, 250, 125, 53.0},  {3.2959, 367, 1070, 250, 125, 48.5},
      {4.1748, 367, 862, 250, 125, 47.0},   {5.1855, 367, 862, 250, 125, 38.0},
      {6.1084, 366, 702, 250, 125, 32.5},   {7.3828, 367, 546, 250, 125, 34.5},
      {8.5693, 366, 506, 250, 125, 44.5},   {9.9316, 366, 438, 250, 125, 43.0},
      {11.9531, 365, 398, 250, 125, 27.5},  {13.8867, 364, 358, 250, 125, 30.5},
      {16.6553, 363, 318, 250, 125, 33.5},  {19.3799, 362, 278, 250, 125, 19.0}};
  struct rn_ingest_options opt;
  struct rn_radar_data d;
  long folded;
  rn_ingest_options_init(&opt);
  opt.all_quantities = 1;
  CHECK_OK(rn_ingest_read(sample(corpus, "nexrad/KLBB20160601_150025_V06"), &opt, &d));
  CHECK_STR(d.format, "NEXRAD-L2");
  CHECK_STR(d.version, "AR2V0006");
  CHECK_STR(d.vol.source, "NOD:KLBB");
  /* RVOL block; NOAA's HOMR lists KLBB at 33.65417 N 101.81361 W. */
  CHECK_NEAR(d.vol.lat, 33.65414047241211, 1e-9);
  CHECK_NEAR(d.vol.lon, -101.81416320800781, 1e-9);
  CHECK_NEAR(d.vol.lat, 33.65417, 1e-3);
  CHECK_NEAR(d.vol.lon, -101.81361, 1e-3);
  CHECK_NEAR(d.vol.height, 1029, 0); /* site 1005 m + feedhorn 24 m */
  CHECK(d.vol.vcp == 21);
  check_time(d.vol.time, "2016-06-01T15:00:25Z");
  check_time(d.time_from_name, "2016-06-01T15:00:25Z");
  check_sweeps(&d.vol, klbb, 9);
  if (d.vol.nsweeps == 9) /* the split cut: dual-pol surveillance + Doppler */
    for (int s = 0; s < 2; s++) {
      const struct rn_sweep *sw = &d.vol.sweeps[s];
      CHECK(rn_sweep_moment(sw, "ZDR") && rn_sweep_moment(sw, "VRADH") &&
            rn_sweep_moment(sw, "WRADH") && rn_sweep_moment(sw, "RHOHV"));
    }
  rn_radar_data_free(&d);

  CHECK_OK(rn_ingest_read(sample(corpus, "nexrad/KLIX20050828_180149.gz"), &opt, &d));
  CHECK_STR(d.format, "NEXRAD-L2");
  CHECK_STR(d.version, "AR2V0001");
  CHECK_STR(d.vol.source, "NOD:KLIX");
  /* Message 1 files carry no site: etc/stations.csv row KLIX (NOAA HOMR). */
  CHECK_NEAR(d.vol.lat, 30.33667, 1e-9);
  CHECK_NEAR(d.vol.lon, -89.82528, 1e-9);
  CHECK_CONTAINS(d.notes, "no site block in the file");
  CHECK(d.vol.vcp == 11);
  check_time(d.vol.time, "2005-08-28T18:01:29Z");
  check_time(d.time_from_name, "2005-08-28T18:01:49Z");
  check_sweeps(&d.vol, klix, 14);
  if (d.vol.nsweeps == 14) {
    max_of(&d.vol.sweeps[2], "VRADH", &folded);
    CHECK(folded == 12068);
  }
  rn_radar_data_free(&d);

  /* Reflectivity only: the surveillance cut's 460 km of 250 m gates. */
  rn_ingest_options_init(&opt);
  CHECK_OK(rn_ingest_read(sample(corpus, "nexrad/KLBB20160601_150025_V06"), &opt, &d));
  CHECK(d.vol.nsweeps == 9);
  if (d.vol.nsweeps == 9) {
    CHECK(d.vol.sweeps[0].nmoments == 1 && d.vol.sweeps[0].ngates == 1832);
    CHECK_NEAR(max_of(&d.vol.sweeps[0], "DBZH", &folded), 59.5, 0);
  }
  rn_radar_data_free(&d);
}

static void test_names(void)
{
  char code[16];
  struct rn_site site;
  CHECK(rn_station_code_from_name("/a/Z9396_BASE_SB_20180724_055400.bin.bz2", code,
                                  sizeof code) == 0);
  CHECK_STR(code, "Z9396");
  CHECK(rn_station_code_from_name("Z_RADR_I_Z9200_20200101000000_O_DOR_SA_CAP.bin", code,
                                  sizeof code) == 0);
  CHECK_STR(code, "Z9200");
  CHECK(rn_station_code_from_name("BASE_SB_20180724.bin", code, sizeof code) != 0);
  CHECK_OK(rn_site_parse("33.5, 114.25, 90", &site));
  CHECK_NEAR(site.lat, 33.5, 0);
  CHECK(rn_site_parse("33.5,114.25", &site) == RN_EUSAGE);
  CHECK(rn_site_parse("95,114,0", &site) == RN_EUSAGE);
}

int main(void)
{
  const char *corpus = test_corpus();
  if (!corpus)
    return test_corpus_missing();
  test_names();
  test_sb(corpus);
  test_cc(corpus);
  test_std(corpus);
  test_nexrad(corpus);
  TEST_DONE();
}
