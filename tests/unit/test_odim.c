/* test_odim.c - the ODIM_H5 reader on a synthetic file whose every value is
 * known (tests/tools/mkradar.h), and on the real corpus: sweep order,
 * azimuths (a1gate and startazA/stopazA), gate geometry, value decoding.
 * Corpus numbers come from h5dump (commands in the comments). */
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
  snprintf(path, sizeof path, "%s/synthetic.h5", dir);
  CHECK(mk_odim(path, MK_OK) == 0);
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK(d.kind == RN_DATA_VOLUME);
  CHECK_STR(d.vol.format, "ODIM_H5/V2_2");
  CHECK_STR(d.version, "H5rad 2.2");
  CHECK_STR(d.vol.object, "PVOL");
  CHECK_STR(d.vol.source, "NOD:test,PLC:Synthetic \"quoted\"");
  CHECK_NEAR(d.vol.lat, 50.5, 0);
  CHECK_NEAR(d.vol.lon, 4.25, 0);
  CHECK_NEAR(d.vol.height, 100, 0);
  CHECK(d.vol.nsweeps == 3);
  /* Sorted by elevation: dataset2 (0.5), dataset1 (1.5), dataset3 (3.0). */
  static const int file_index[3] = {1, 0, 2};
  for (int s = 0; s < d.vol.nsweeps && s < 3; s++) {
    const struct rn_sweep *sw = &d.vol.sweeps[s];
    int ds = file_index[s];
    CHECK_NEAR(sw->elevation, mk_elangles[ds], 1e-12);
    CHECK(sw->nrays == MK_NRAYS && sw->ngates == MK_NBINS);
    CHECK_NEAR(sw->gate_spacing, 500, 0);
    CHECK_NEAR(sw->first_gate, 1250, 1e-9); /* rstart 1 km + half a 500 m bin */
    CHECK(sw->nmoments == 1);               /* only DBZH unless all_quantities */
    CHECK_STR(sw->moments[0].quantity, "DBZH");
    for (int r = 0; r < MK_NRAYS; r++) {
      for (int g = 0; g < MK_NBINS; g++) {
        unsigned raw = mk_value(ds, r, g);
        float v = sw->moments[0].data[r * MK_NBINS + g];
        if (raw == 0)
          CHECK(rn_is_undetect(v));
        else if (raw == 65535)
          CHECK(rn_is_nodata(v));
        else
          CHECK_NEAR(v, 0.5 * raw - 32, 1e-5); /* gain/offset inherited from datasetN/what */
      }
    }
  }
  /* Azimuths: without startazA, ray r covers [90 r, 90 (r + 1)) whatever a1gate (2) says. */
  CHECK_NEAR(d.vol.sweeps[0].azimuth[0], 45, 1e-9);
  CHECK_NEAR(d.vol.sweeps[0].azimuth[3], 315, 1e-9);
  /* dataset3 has startazA/stopazA: ray 0 spans 350 -> 10, centre 0 (not 180). */
  CHECK_NEAR(d.vol.sweeps[2].azimuth[0], 0, 1e-9);
  CHECK_NEAR(d.vol.sweeps[2].azimuth[1], 90, 1e-9);
  CHECK_NEAR(d.vol.sweeps[2].azimuth[3], 270, 1e-9);
  CHECK(d.vol.sweeps[0].start_time == rn_time_from_fields(2020, 1, 1, 12, 1, 0));
  CHECK(d.vol.time == rn_time_from_fields(2020, 1, 1, 12, 0, 0));
  rn_radar_data_free(&d);

  /* Every moment, with VRADH's own gain/offset and nodata. */
  opt.all_quantities = 1;
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK(d.vol.nsweeps == 3 && d.vol.sweeps[0].nmoments == 2);
  const struct rn_moment *m = d.vol.nsweeps ? rn_sweep_moment(&d.vol.sweeps[0], "VRADH") : NULL;
  CHECK(m != NULL);
  if (m)
    CHECK_NEAR(m->data[2 * MK_NBINS + 3], 0.25 * 23 - 10, 1e-5);
  rn_radar_data_free(&d);

  /* A quantity chosen by name, and one that does not exist. */
  opt.all_quantities = 0;
  opt.quantity = "VRADH";
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK(d.vol.nsweeps == 3 && d.vol.sweeps[0].nmoments == 1);
  rn_radar_data_free(&d);
  opt.quantity = "ZDR";
  CHECK(rn_ingest_read(path, &opt, &d) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "quantity 'ZDR' not in the file (it has DBZH, VRADH)");
  unlink(path);
}

static void test_flaws(const char *dir)
{
  static const struct {
    enum mk_flaw flaw;
    const char *msg;
  } cases[] = {{MK_NO_WHAT, "/what: group missing"},
               {MK_NO_GAIN, "/dataset2/data1: 'gain' missing"},
               {MK_ZERO_RAYS, "/dataset1/data1/data: zero rays"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[512];
    struct rn_radar_data d;
    snprintf(path, sizeof path, "%s/flaw%zu.h5", dir, i);
    CHECK(mk_odim(path, cases[i].flaw) == 0);
    CHECK(rn_ingest_read(path, NULL, &d) != RN_OK);
    CHECK_CONTAINS(rn_errmsg(), path);
    CHECK_CONTAINS(rn_errmsg(), cases[i].msg);
    CHECK(d.kind == RN_DATA_NONE && d.vol.sweeps == NULL);
    unlink(path);
  }
}

static void check_corpus(const char *corpus)
{
  char path[1024];
  struct rn_radar_data d;
  struct rn_ingest_options opt;
  rn_ingest_options_init(&opt);

  /* Helchteren: datasets are stored 0.3 ... 25 deg, but scanned from the top:
   * dataset12 starts first and dataset1 (the lowest) last.
   *   h5dump -a /dataset1/what/starttime -a /dataset12/what/starttime FILE -> 130408, 130005
   *   h5dump -a /dataset1/where/a1gate FILE -> 315
   *   h5dump -d /dataset1/data1/data -s "100,0" -c "1,4" FILE -> 130, 92, 51, 0 */
  snprintf(path, sizeof path,
           "%s/volumes/odim_pvol_behel_seq/20200207130000.rad.behel.pvol.dbzh.scanz.hdf", corpus);
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK(d.vol.nsweeps == 12);
  if (d.vol.nsweeps == 12) {
    for (int s = 1; s < 12; s++)
      CHECK(d.vol.sweeps[s].elevation > d.vol.sweeps[s - 1].elevation);
    CHECK_NEAR(d.vol.sweeps[0].elevation, 0.3, 1e-9);
    CHECK(d.vol.sweeps[0].start_time == rn_time_from_fields(2020, 2, 7, 13, 4, 8));
    CHECK(d.vol.sweeps[11].start_time == rn_time_from_fields(2020, 2, 7, 13, 0, 5));
    /* a1gate 315 does not rotate the rays: how/azangles says ray 0 is "0:1". */
    CHECK_NEAR(d.vol.sweeps[0].azimuth[0], 0.5, 1e-9);
    CHECK_NEAR(d.vol.sweeps[0].azimuth[315], 315.5, 1e-9);
    CHECK_NEAR(d.vol.sweeps[0].first_gate, 125, 1e-9);
    const float *v = d.vol.sweeps[0].moments[0].data + 100 * 800;
    CHECK_NEAR(v[0], 0.5 * 130 - 32, 1e-5);
    CHECK_NEAR(v[1], 0.5 * 92 - 32, 1e-5);
    CHECK_NEAR(v[2], 0.5 * 51 - 32, 1e-5);
    CHECK(rn_is_undetect(v[3]));
  }
  rn_radar_data_free(&d);

  /* KNMI: fixed-length strings in one-element arrays, float32 attributes.
   *   h5dump -d /dataset1/data1/data -s "0,0" -c "1,1" FILE -> 107; offset -31.5 */
  snprintf(path, sizeof path, "%s/volumes/odim_pvol_knmi/knmi_polar_volume.h5", corpus);
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK_STR(d.vol.source, "RAD:NL51;PLC:nldhl");
  CHECK(d.vol.nsweeps == 14);
  if (d.vol.nsweeps == 14)
    CHECK_NEAR(d.vol.sweeps[0].moments[0].data[0], 0.5 * 107 - 31.5, 1e-5);
  rn_radar_data_free(&d);

  /* Meteo-France SCAN: startazA[0] = 359.5, stopazA[0] = 0.5 -> centre 0;
   * ray 0 gates 0-18 are 255 (nodata), gate 19 is 0 (undetect).
   *   h5dump -a /dataset1/how/startazA -a /dataset1/how/stopazA FILE
   *   h5dump -d /dataset1/data1/data -s "0,0" -c "1,20" FILE */
  snprintf(path, sizeof path, "%s/volumes/odim_scan_lfpw/T_PAZA63_C_LFPW_20230420065041.h5",
           corpus);
  CHECK_OK(rn_ingest_read(path, &opt, &d));
  CHECK(d.vol.nsweeps == 1);
  if (d.vol.nsweeps == 1) {
    CHECK_NEAR(d.vol.sweeps[0].azimuth[0], 0.0, 1e-9);
    CHECK_NEAR(d.vol.sweeps[0].azimuth[1], 1.0, 1e-9);
    CHECK_NEAR(d.vol.sweeps[0].first_gate, 480, 1e-9);
    CHECK(rn_is_nodata(d.vol.sweeps[0].moments[0].data[18]));
    CHECK(rn_is_undetect(d.vol.sweeps[0].moments[0].data[19]));
  }
  rn_radar_data_free(&d);
}

int main(void)
{
  char dir[] = "/tmp/radnow-odim.XXXXXX";
  const char *corpus;
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_synthetic(dir);
  test_flaws(dir);
  rmdir(dir);
  corpus = test_corpus();
  if (!corpus) {
    fprintf(stderr, "corpus checks not run\n");
    return test_failures ? 1 : test_corpus_missing();
  }
  check_corpus(corpus);
  TEST_DONE();
}
