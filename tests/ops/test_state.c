/* test_state.c - lock, frame history and the choice of input frames. */
#include <radnow/frame.h>
#include <radnow/lock.h>
#include <radnow/state.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/test.h"

static rn_time T(const char *s)
{
  rn_time t = 0;
  if (rn_time_parse(s, &t) != RN_OK)
    fprintf(stderr, "bad time %s\n", s);
  return t;
}

static void test_lock(const char *dir)
{
  struct rn_lock a, b;
  char sub[600];
  snprintf(sub, sizeof sub, "%s/lockdir/deeper", dir);
  CHECK_OK(rn_lock_acquire(&a, sub));
  /* flock belongs to the open file: a second open, even in this process, is refused. */
  CHECK(rn_lock_acquire(&b, sub) == RN_ELOCKED);
  CHECK_CONTAINS(rn_errmsg(), "another radnow run holds the lock");
  CHECK_CONTAINS(rn_errmsg(), "radnow.lock");
  {
    char want[64];
    snprintf(want, sizeof want, "pid %ld since", (long)getpid());
    CHECK_CONTAINS(rn_errmsg(), want);
  }
  CHECK(b.fd == -1);
  rn_lock_release(&a);
  CHECK_OK(rn_lock_acquire(&b, sub));
  rn_lock_release(&b);
  rn_lock_release(&b); /* harmless */
}

static void test_select(void)
{
  struct rn_select_params p = {4, 300, 900};
  struct rn_selection sel;
  rn_time now = T("202002071335");
  rn_time all[8], gap[7];
  for (int i = 0; i < 8; i++)
    all[i] = T("202002071300") + 300 * i; /* 13:00 .. 13:35 */

  CHECK(rn_select_expected(now, 300, 0) == now);
  CHECK(rn_select_expected(now + 299, 300, 0) == now);
  CHECK(rn_select_expected(now + 60, 300, 120) == now - 300);

  /* All there: the newest four. */
  CHECK_OK(rn_select_frames(all, 8, now, now, &p, &sel));
  CHECK(sel.n == 4 && sel.times[0] == T("202002071320") && sel.times[3] == now);
  CHECK(!sel.late && sel.comment[0] == '\0');

  /* Frames after the run time are ignored (re-running an older time). */
  CHECK_OK(rn_select_frames(all, 8, T("202002071320"), T("202002071320"), &p, &sel));
  CHECK(sel.times[3] == T("202002071320") && !sel.late);

  /* Newest missing: run from 13:30 and say so. */
  CHECK_OK(rn_select_frames(all, 7, now, now, &p, &sel));
  CHECK(sel.times[3] == T("202002071330") && sel.late);
  CHECK_CONTAINS(sel.comment, "expected 2020-02-07T13:35:00Z");
  CHECK_CONTAINS(sel.comment, "ending 2020-02-07T13:30:00Z");

  /* A gap at 13:25: the sets ending 13:35 and 13:30 are incomplete. */
  for (int i = 0, k = 0; i < 8; i++)
    if (all[i] != T("202002071325"))
      gap[k++] = all[i];
  CHECK_OK(rn_select_frames(gap, 7, now, now, &p, &sel));
  CHECK(sel.times[0] == T("202002071305") && sel.times[3] == T("202002071320") && sel.late);
  /* ... unless that is older than max_age allows. */
  p.max_age = 600;
  CHECK(rn_select_frames(gap, 7, now, now, &p, &sel) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "no 4 consecutive frames 5 min apart");
  CHECK_CONTAINS(rn_errmsg(), "13:30 13:35");
  p.max_age = 900;

  /* Too few frames. */
  CHECK(rn_select_frames(all + 5, 3, now, now, &p, &sel) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "3 frames in that window: 13:25 13:30 13:35");
  CHECK(rn_select_frames(NULL, 0, now, now, &p, &sel) == RN_ENOTFOUND);
  CHECK_CONTAINS(rn_errmsg(), "0 frames in that window");

  /* Everything too old. */
  CHECK(rn_select_frames(all, 8, now + 3600, now + 3600, &p, &sel) == RN_ENOTFOUND);

  /* A 6-minute radar: consecutive means exactly 6 minutes apart. */
  {
    rn_time six[3] = {T("202002071300"), T("202002071306"), T("202002071312")};
    struct rn_select_params q = {3, 360, 0};
    CHECK_OK(rn_select_frames(six, 3, T("202002071312"), T("202002071312"), &q, &sel));
    q.step = 300;
    CHECK(rn_select_frames(six, 3, T("202002071312"), T("202002071312"), &q, &sel) ==
          RN_ENOTFOUND);
  }
  p.need = 0;
  CHECK(rn_select_frames(all, 8, now, now, &p, &sel) == RN_EUSAGE);
}

static void test_history(const char *dir)
{
  struct rn_state s;
  struct rn_grid g;
  struct rn_frame f, back;
  rn_time *times;
  int n, removed;
  char sub[600], tmp[4200];
  snprintf(sub, sizeof sub, "%s/state", dir);
  CHECK_OK(rn_state_open(&s, sub));
  CHECK_OK(rn_grid_init(&g, "EPSG:3067", 6, 4, 0, 7000000, 1000, 1000));
  CHECK_OK(rn_frame_alloc(&f, &g));
  for (int i = 0; i < 10; i++) {
    f.time = T("202002071300") + 300 * i;
    for (int k = 0; k < 24; k++)
      f.dbz[k] = k == 0 ? RN_NODATA : (float)(i + k);
    CHECK_OK(rn_state_put(&s, &f));
  }
  CHECK(rn_state_has(&s, T("202002071345")));
  CHECK(!rn_state_has(&s, T("202002071346")));
  CHECK_OK(rn_state_get(&s, T("202002071310"), &back));
  CHECK(back.time == T("202002071310"));
  CHECK(isnan(back.dbz[0]) && back.dbz[5] == 7.0f);
  rn_frame_free(&back);

  /* Junk in the folder is not a frame. */
  snprintf(tmp, sizeof tmp, "%s/frame_2020.nc", s.frames);
  fclose(fopen(tmp, "w"));
  CHECK_OK(rn_state_list(&s, &times, &n));
  CHECK(n == 10 && times[0] == T("202002071300") && times[9] == T("202002071345"));
  free(times);

  /* Prune relative to 13:30: keep 3 frames up to 13:30 and every later one. */
  CHECK_OK(rn_state_prune(&s, T("202002071330"), 3, &removed));
  CHECK(removed == 4);
  CHECK_OK(rn_state_list(&s, &times, &n));
  CHECK(n == 6 && times[0] == T("202002071320") && times[5] == T("202002071345"));
  free(times);

  /* Temporaries of a killed writer are swept; other dot files stay. */
  snprintf(tmp, sizeof tmp, "%s/.frame_202002071350.nc.tmp.999.0", s.frames);
  fclose(fopen(tmp, "w"));
  snprintf(tmp, sizeof tmp, "%s/.keep", s.frames);
  fclose(fopen(tmp, "w"));
  CHECK(rn_remove_stale_temporaries(s.frames) == 1);
  CHECK(access(tmp, F_OK) == 0);
  rn_frame_free(&f);
  rn_grid_free(&g);
}

int main(void)
{
  char dir[] = "/tmp/radnow-test-state.XXXXXX";
  char cmd[128];
  if (!mkdtemp(dir))
    return 99;
  test_lock(dir);
  test_select();
  test_history(dir);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  TEST_DONE();
}
