/* test_common.c - configuration, time, atomic publish, grids, frame files. */
#include <radnow/config.h>
#include <radnow/frame.h>
#include <radnow/publish.h>
#include <radnow/utctime.h>

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

#include "test.h"

static void test_time(void)
{
  rn_time t;
  char buf[32];
  CHECK_OK(rn_time_parse("202002071300", &t));
  CHECK_STR(rn_time_iso(t, buf), "2020-02-07T13:00:00Z");
  CHECK_OK(rn_time_parse("2020-02-07T13:00:05Z", &t));
  CHECK_STR(rn_time_iso(t, buf), "2020-02-07T13:00:05Z");
  CHECK_STR(rn_time_compact(t, buf), "202002071300");
  CHECK(rn_time_parse("2020020713", &t) != RN_OK);
  CHECK(rn_time_parse("202013071300", &t) != RN_OK);
  CHECK_OK(rn_time_from_date_time("20200207", "133500", &t));
  CHECK_STR(rn_time_iso(t, buf), "2020-02-07T13:35:00Z");
  CHECK(rn_time_from_filename("/x/201609281445_fmi.radar.pgm.gz", &t) == 0);
  CHECK_STR(rn_time_iso(t, buf), "2016-09-28T14:45:00Z");
  CHECK(rn_time_from_filename("T_PAZA63_C_LFPW_20230420065041.h5", &t) == 0);
  CHECK_STR(rn_time_iso(t, buf), "2023-04-20T06:50:00Z");
}

static void test_config(const char *dir)
{
  char path[512];
  FILE *f;
  struct rn_config *cfg = rn_config_new();
  double d, list[4];
  long l;
  int b, n = 4;
  snprintf(path, sizeof path, "%s/t.conf", dir);
  f = fopen(path, "w");
  fprintf(f, "[grid]\nres = 1000\nsize = 500\nbad = 1x\n[verify]\nthresholds = 30, 40,50\n"
             "plots = yes\n");
  fclose(f);
  CHECK_OK(rn_config_load(cfg, path));
  CHECK_OK(rn_config_double(cfg, "grid", "res", 5, &d));
  CHECK_NEAR(d, 1000, 0);
  CHECK_OK(rn_config_double(cfg, "grid", "missing", 5, &d));
  CHECK_NEAR(d, 5, 0);
  CHECK_OK(rn_config_int(cfg, "grid", "size", 1, &l));
  CHECK(l == 500);
  CHECK(rn_config_double(cfg, "grid", "bad", 0, &d) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "[grid] bad = '1x': not a number");
  CHECK_CONTAINS(rn_errmsg(), "t.conf");
  CHECK_OK(rn_config_doubles(cfg, "verify", "thresholds", list, &n));
  CHECK(n == 3 && list[0] == 30 && list[1] == 40 && list[2] == 50);
  CHECK_OK(rn_config_bool(cfg, "verify", "plots", 0, &b));
  CHECK(b == 1);
  CHECK_OK(rn_config_set(cfg, "grid", "res", "250"));
  CHECK_STR(rn_config_get(cfg, "grid", "res"), "250");
  CHECK_STR(rn_config_section_at(cfg, 1), "verify");
  CHECK(rn_config_section_at(cfg, 2) == NULL);
  rn_config_free(cfg);
}

static void test_publish(const char *dir)
{
  char path[512], tmp[600], line[64] = "";
  FILE *f;
  DIR *dp;
  struct dirent *e;
  int others = 0;
  snprintf(path, sizeof path, "%s/product.txt", dir);
  CHECK_OK(rn_publish_buffer(path, "first\n", 6));
  CHECK_OK(rn_publish_buffer(path, "second\n", 7));
  f = fopen(path, "r");
  CHECK(f != NULL);
  if (f) {
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
  }
  CHECK_STR(line, "second\n");
  CHECK_OK(rn_publish_begin(path, tmp, sizeof tmp));
  CHECK_CONTAINS(tmp, "/.product.txt.tmp.");
  /* Nothing but the product and the config of the other test is left behind. */
  dp = opendir(dir);
  while (dp && (e = readdir(dp)))
    if (strstr(e->d_name, ".tmp."))
      others++;
  if (dp)
    closedir(dp);
  CHECK(others == 0);
  snprintf(path, sizeof path, "%s/no/such/dir/x", dir);
  CHECK(rn_publish_buffer(path, "x", 1) == RN_EWRITE);
}

static void test_frame(const char *dir)
{
  struct rn_grid g;
  struct rn_frame f, r;
  char path[512];
  snprintf(path, sizeof path, "%s/frame.nc", dir);
  CHECK_OK(rn_grid_centered(&g, NULL, 51.0, 5.4, 40, 30, 1000));
  CHECK(g.nx == 40 && g.ny == 30);
  CHECK_NEAR(g.xmin, -20000, 1e-6);
  CHECK_NEAR(g.ymax, 15000, 1e-6);
  CHECK_OK(rn_frame_alloc(&f, &g));
  f.time = 1581080400;
  snprintf(f.source, sizeof f.source, "test");
  for (int j = 0; j < 30; j++)
    for (int i = 0; i < 40; i++)
      f.dbz[j * 40 + i] = i < 5 ? RN_NODATA : (i < 10 ? -50.0f : (float)(i + 0.25 * j));
  CHECK_OK(rn_frame_write(&f, path));
  CHECK_OK(rn_frame_read(&r, path));
  CHECK(rn_grid_same(&f.grid, &r.grid));
  CHECK(r.time == f.time);
  CHECK(isnan(r.dbz[3]));
  CHECK(r.dbz[40 * 7 + 7] == RN_DBZ_NOECHO);
  CHECK_NEAR(r.dbz[40 * 29 + 39], 39 + 0.25 * 29, 1e-5);
  {
    double lon[1200], lat[1200];
    CHECK_OK(rn_grid_lonlat(&g, lon, lat));
    /* The grid is centred on the radar: the four centre pixels surround it. */
    CHECK_NEAR(0.25 * (lat[14 * 40 + 19] + lat[14 * 40 + 20] + lat[15 * 40 + 19] + lat[15 * 40 + 20]),
               51.0, 1e-4);
    CHECK_NEAR(0.25 * (lon[14 * 40 + 19] + lon[14 * 40 + 20] + lon[15 * 40 + 19] + lon[15 * 40 + 20]),
               5.4, 1e-4);
  }
  rn_frame_free(&r);
  CHECK(rn_frame_read(&r, "/nonexistent/frame.nc") == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "/nonexistent/frame.nc");
  rn_frame_free(&f);
  rn_grid_free(&g);
}

int main(void)
{
  char dir[] = "/tmp/radnow-common.XXXXXX";
  if (!mkdtemp(dir))
    return 99;
  test_time();
  test_config(dir);
  test_publish(dir);
  test_frame(dir);
  {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
      fprintf(stderr, "could not remove %s\n", dir);
  }
  TEST_DONE();
}
