/* test_archive.c - training archives: encoding, round trip through the
 * NetCDF file, gaps (no window spans one), the split by day, resampling to
 * the model grid. */
#include <radnow/archive.h>
#include <radnow/status.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#define NX 16
#define NY 12

static void make_frame(struct rn_frame *f, const struct rn_grid *g, rn_time t, int k)
{
  CHECK_OK(rn_frame_alloc(f, g));
  f->time = t;
  snprintf(f->source, sizeof f->source, "test frame %d", k);
  for (int j = 0; j < NY; j++)
    for (int i = 0; i < NX; i++) {
      float v = (float)((i * 7 + j * 3 + k * 5) % 70) - 10.0f; /* -10 .. 59 */
      if (v < 0)
        v = RN_DBZ_NOECHO;
      if (i == 0 && j == k % NY)
        v = NAN;
      f->dbz[j * NX + i] = v;
    }
}

static void test_encoding(void)
{
  CHECK(rn_archive_encode(NAN) == 255);
  CHECK(rn_archive_encode(-40) == 0);
  CHECK(rn_archive_encode(-32) == 0);
  CHECK(rn_archive_encode(-31.9f) == 0);
  CHECK(rn_archive_encode(0) == 64);
  CHECK(rn_archive_encode(10.3f) == 85); /* 2 * 42.3 = 84.6 -> 85 */
  CHECK(rn_archive_encode(57.5f) == 179);
  CHECK(rn_archive_encode(200) == 254);
  CHECK(isnan(rn_archive_decode(255)));
  CHECK(rn_archive_decode(0) == RN_DBZ_NOECHO);
  CHECK(rn_archive_decode(179) == 57.5f);
  for (int p = 0; p < 255; p++)
    CHECK(rn_archive_encode(rn_archive_decode((uint8_t)p)) == p);
}

int main(void)
{
  /* 2024-06-15 23:40 .. 2024-06-16 00:45, 5 min, with 00:15 and 00:40
   * missing; given newest first, and 00:10 twice (the later one given wins). */
  static const int minutes[] = {0, 5, 10, 15, 20, 25, 30, 40, 45, 50, 55, 65, 30};
  const int nin = (int)(sizeof minutes / sizeof minutes[0]);
  rn_time t0 = 1718494800; /* 2024-06-15T23:40:00Z */
  struct rn_grid g;
  struct rn_archive_options o;
  struct rn_archive_builder *b;
  struct rn_archive a, r;
  char path[] = "/tmp/radnow-test-archive.XXXXXX";
  int fd, *starts, n;

  test_encoding();
  CHECK_OK(rn_grid_init(&g, "EPSG:3067", NX, NY, 100000, 7000000, 1000, 1000));
  rn_archive_options_init(&o);
  o.nx = o.ny = 0; /* keep the grid */
  o.split_cycle = 2;  /* even days train, odd days validation */
  o.split_validation = 1;
  o.split_test = -1;
  CHECK_OK(rn_archive_builder_new(&o, &b));
  for (int k = nin - 1; k >= 0; k--) { /* newest first */
    struct rn_frame f;
    make_frame(&f, &g, t0 + 60 * (rn_time)minutes[k], k);
    CHECK_OK(rn_archive_builder_add(b, &f));
    rn_frame_free(&f);
  }
  CHECK_OK(rn_archive_builder_finish(b, &a));
  CHECK(a.nt == nin - 1);
  CHECK(a.step == 300);
  for (int i = 1; i < a.nt; i++)
    CHECK(a.time[i] > a.time[i - 1]);
  /* minutes 0..30 one segment, 40..55 the next, 65 the last */
  CHECK(a.segment[0] == 0 && a.segment[6] == 0 && a.segment[7] == 1 && a.segment[10] == 1 &&
        a.segment[11] == 2);
  /* day 19889 (2024-06-15) is odd: validation; 00:00 onwards (minute 20) train */
  CHECK((1718494800 / 86400) % 2 == 1);
  CHECK(a.split[0] == RN_SPLIT_VALIDATION && a.split[3] == RN_SPLIT_VALIDATION);
  CHECK(a.split[4] == RN_SPLIT_TRAIN && a.split[11] == RN_SPLIT_TRAIN);
  CHECK(rn_archive_split_of(&o, t0 + 19 * 60) == RN_SPLIT_VALIDATION);
  CHECK(rn_archive_split_of(&o, t0 + 20 * 60) == RN_SPLIT_TRAIN);

  /* The duplicate at minute 30 (00:10): frames were added newest first, so
   * the one given later is k = 6. */
  {
    struct rn_frame f;
    make_frame(&f, &g, t0 + 30 * 60, 6);
    for (int i = 0; i < NX * NY; i++)
      CHECK(rn_archive_frame(&a, 6)[i] == rn_archive_encode(f.dbz[i]));
    rn_frame_free(&f);
  }

  /* Windows of 3: train frames 4..6 (00:00-00:10), 7..10, 11 alone. */
  CHECK_OK(rn_archive_windows(&a, 3, RN_SPLIT_TRAIN, &starts, &n));
  CHECK(n == 3);
  if (n == 3)
    CHECK(starts[0] == 4 && starts[1] == 7 && starts[2] == 8);
  for (int w = 0; w < n; w++)
    for (int k = 1; k < 3; k++)
      CHECK(a.time[starts[w] + k] - a.time[starts[w] + k - 1] == a.step);
  free(starts);
  CHECK_OK(rn_archive_windows(&a, 4, RN_SPLIT_VALIDATION, &starts, &n));
  CHECK(n == 1 && starts && starts[0] == 0);
  free(starts);
  CHECK_OK(rn_archive_windows(&a, 5, RN_SPLIT_VALIDATION, &starts, &n));
  CHECK(n == 0 && starts == NULL);
  CHECK_OK(rn_archive_windows(&a, 2, RN_SPLIT_TEST, &starts, &n));
  CHECK(n == 0);

  /* Round trip through the file. */
  fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  CHECK_OK(rn_archive_write(&a, &o, path));
  CHECK_OK(rn_archive_read(path, &r));
  CHECK(r.nt == a.nt && r.step == a.step);
  CHECK(rn_grid_same(&r.grid, &a.grid));
  for (int i = 0; i < a.nt && i < r.nt; i++)
    CHECK(r.time[i] == a.time[i] && r.segment[i] == a.segment[i] && r.split[i] == a.split[i]);
  CHECK(r.nt == a.nt && memcmp(r.data, a.data, (size_t)a.nt * NX * NY) == 0);
  CHECK_CONTAINS(r.split_rule, "mod 2 == 1: validation");
  rn_archive_free(&r);

  /* Not an archive: one clear error. */
  {
    struct rn_frame f;
    make_frame(&f, &g, t0, 0);
    CHECK_OK(rn_frame_write(&f, path));
    rn_frame_free(&f);
    CHECK(rn_archive_read(path, &r) == RN_EFORMAT);
    CHECK_CONTAINS(rn_errmsg(), "not a radnow archive");
  }
  unlink(path);
  rn_archive_free(&a);

  /* Resampling to an 8 x 6 model grid by area averaging: a uniform 20 dBZ
   * field stays 20 dBZ; no echo everywhere stays no echo. */
  rn_archive_options_init(&o);
  o.nx = 8;
  o.ny = 6;
  CHECK_OK(rn_archive_builder_new(&o, &b));
  for (int k = 0; k < 2; k++) {
    struct rn_frame f;
    CHECK_OK(rn_frame_alloc(&f, &g));
    f.time = t0 + 300 * k;
    for (int i = 0; i < NX * NY; i++)
      f.dbz[i] = k == 0 ? 20.0f : RN_DBZ_NOECHO;
    CHECK_OK(rn_archive_builder_add(b, &f));
    rn_frame_free(&f);
  }
  CHECK_OK(rn_archive_builder_finish(b, &a));
  CHECK(a.grid.nx == 8 && a.grid.ny == 6 && fabs(a.grid.dx - 2000) < 1e-6);
  for (int i = 0; i < 48; i++) {
    CHECK(rn_archive_frame(&a, 0)[i] == rn_archive_encode(20.0f));
    CHECK(rn_archive_frame(&a, 1)[i] == RN_ARCHIVE_NOECHO);
  }
  rn_archive_free(&a);
  rn_grid_free(&g);
  TEST_DONE();
}
