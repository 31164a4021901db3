/* train_data.c - training windows, augmentation, the sampling mask and the
 * validation tiles (train_data.h). */
#include <radnow/rng.h>
#include <radnow/train.h>

#include <stdlib.h>
#include <string.h>

#include "train_data.h"

/* Purposes of the draws of one iteration (ctr[3]; model initialisation
 * uses ctr[3] = 0, so the streams never meet). */
enum { DRAW_WINDOW = 1, DRAW_CROP_X, DRAW_CROP_Y, DRAW_TURN, DRAW_MASK, DRAW_SOURCE };

double rn_train_uniform(uint64_t seed, long it, uint32_t purpose, uint32_t index)
{
  uint32_t ctr[4] = {index, (uint32_t)((uint64_t)it & 0xffffffffu), (uint32_t)((uint64_t)it >> 32),
                     purpose};
  uint32_t key[2] = {(uint32_t)(seed & 0xffffffffu), (uint32_t)(seed >> 32)};
  uint32_t out[4];
  rn_philox4x32_10_host(ctr, key, out);
  return (double)(out[0] >> 8) * (1.0 / 16777216.0);
}

static int pick(uint64_t seed, long it, uint32_t purpose, uint32_t index, int n)
{
  int k = (int)(rn_train_uniform(seed, it, purpose, index) * n);
  return k < n ? k : n - 1;
}

enum rn_status rn_batcher_init(struct rn_batcher *bt, const struct rn_archive *a, int T, int H,
                               int W, enum rn_split s, const char *what)
{
  static const char *const names[] = {"train", "validation", "test"};
  enum rn_status st;
  memset(bt, 0, sizeof *bt);
  if (a->grid.nx < W || a->grid.ny < H)
    return rn_error(RN_EUSAGE, "train: %s: frames of %d x %d are smaller than the model's %d x %d",
                    what, a->grid.nx, a->grid.ny, W, H);
  if ((st = rn_archive_windows(a, T, s, &bt->starts, &bt->nwin)))
    return st;
  if (bt->nwin == 0)
    return rn_error(RN_ENOTFOUND, "train: %s: no window of %d consecutive %s frames", what, T,
                    names[s]);
  bt->a = a;
  bt->T = T;
  bt->H = H;
  bt->W = W;
  for (int p = 0; p < 256; p++)
    bt->unit[p] = rn_train_dbz_unit(rn_archive_decode((uint8_t)p));
  return RN_OK;
}

void rn_batcher_free(struct rn_batcher *bt)
{
  free(bt->starts);
  memset(bt, 0, sizeof *bt);
}

/* Fraction of the window's pixels (crop at x0, y0) at or above the byte q. */
static double echo_fraction(const struct rn_batcher *bt, int start, int x0, int y0, uint8_t q)
{
  const struct rn_archive *a = bt->a;
  long n = 0;
  for (int t = 0; t < bt->T; t++) {
    const uint8_t *f = rn_archive_frame(a, start + t);
    for (int y = 0; y < bt->H; y++) {
      const uint8_t *row = f + (size_t)(y0 + y) * a->grid.nx + x0;
      for (int x = 0; x < bt->W; x++)
        n += row[x] >= q && row[x] != RN_ARCHIVE_NODATA;
    }
  }
  return (double)n / ((double)bt->T * bt->H * bt->W);
}

/* Copy a window's crop with a turn (k quarter turns) and flips into out
 * [nt, H, W] on the unit scale (and dBZ when dbz is not NULL). */
static void copy_window(const struct rn_batcher *bt, int start, int t0, int nt, int x0, int y0,
                        int turn, int fx, int fy, float *unit, float *dbz)
{
  const struct rn_archive *a = bt->a;
  int H = bt->H, W = bt->W;
  for (int t = 0; t < nt; t++) {
    const uint8_t *f = rn_archive_frame(a, start + t0 + t);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        int oy = fy ? H - 1 - y : y, ox = fx ? W - 1 - x : x, cy, cx;
        switch (turn) { /* only for square frames */
        case 1: cy = ox, cx = W - 1 - oy; break;
        case 2: cy = H - 1 - oy, cx = W - 1 - ox; break;
        case 3: cy = H - 1 - ox, cx = oy; break;
        default: cy = oy, cx = ox; break;
        }
        uint8_t p = f[(size_t)(y0 + cy) * a->grid.nx + x0 + cx];
        size_t o = ((size_t)t * H + y) * W + x;
        if (unit)
          unit[o] = bt->unit[p];
        if (dbz)
          dbz[o] = rn_archive_decode(p);
      }
  }
}

/* Sample b of iteration it from one archive into out [T, H, W]. */
static void draw_one(const struct rn_batcher *bt, const struct rn_augment *aug, uint64_t seed,
                     long it, int b, float *out)
{
  const struct rn_archive *a = bt->a;
  uint8_t q = rn_archive_encode((float)aug->min_echo_dbz);
  int tries = aug->min_echo > 0 ? (aug->tries > 0 ? aug->tries : 1) : 1;
  int start = 0, x0 = 0, y0 = 0, turn = 0, fx = 0, fy = 0;
  if (q == RN_ARCHIVE_NOECHO)
    q = 1;
  for (int k = 0; k < tries; k++) {
    uint32_t idx = (uint32_t)(b * 1024 + k);
    start = bt->starts[pick(seed, it, DRAW_WINDOW, idx, bt->nwin)];
    x0 = pick(seed, it, DRAW_CROP_X, idx, a->grid.nx - bt->W + 1);
    y0 = pick(seed, it, DRAW_CROP_Y, idx, a->grid.ny - bt->H + 1);
    if (tries == 1 || echo_fraction(bt, start, x0, y0, q) >= aug->min_echo)
      break;
  }
  if (aug->rotate && bt->H == bt->W)
    turn = pick(seed, it, DRAW_TURN, (uint32_t)(b * 4), 4);
  if (aug->flip) {
    fx = pick(seed, it, DRAW_TURN, (uint32_t)(b * 4 + 1), 2);
    fy = pick(seed, it, DRAW_TURN, (uint32_t)(b * 4 + 2), 2);
  }
  copy_window(bt, start, 0, bt->T, x0, y0, turn, fx, fy, out, NULL);
}

void rn_batcher_draw(const struct rn_batcher *bt, int n, const double *cum,
                     const struct rn_augment *aug, uint64_t seed, long it, int B, float *frames)
{
  for (int b = 0; b < B; b++) {
    int k = 0;
    if (n > 1) { /* one more draw only when there is a choice */
      double u = rn_train_uniform(seed, it, DRAW_SOURCE, (uint32_t)b);
      while (k < n - 1 && u >= cum[k])
        k++;
    }
    draw_one(&bt[k], aug, seed, it, b, frames + (size_t)b * bt[k].T * bt[k].H * bt[k].W);
  }
}

void rn_train_mask(uint64_t seed, long it, int B, int nm, double eta, float *mask)
{
  for (int i = 0; i < B * nm; i++)
    mask[i] = rn_train_uniform(seed, it, DRAW_MASK, (uint32_t)i) < eta ? 1.0f : 0.0f;
}

/* Tile corners along one axis: 0, size, 2 size ..., the last flush with n. */
static int tiles(int n, int size, int *pos, int max)
{
  int k = 0;
  for (int p = 0; k < max; p += size) {
    if (p + size >= n) {
      pos[k++] = n - size;
      break;
    }
    pos[k++] = p;
  }
  return k;
}

enum rn_status rn_batcher_valid_items(const struct rn_batcher *bt, int max_windows,
                                      struct rn_valid_item **items, int *n)
{
  int xs[1024], ys[1024], nx, ny, nw = bt->nwin, k = 0;
  if (max_windows > 0 && nw > max_windows)
    nw = max_windows;
  nx = tiles(bt->a->grid.nx, bt->W, xs, 1024);
  ny = tiles(bt->a->grid.ny, bt->H, ys, 1024);
  *items = rn_malloc(sizeof **items * (size_t)nw * nx * ny, "validation windows");
  if (!*items)
    return RN_ENOMEM;
  for (int w = 0; w < nw; w++) {
    /* evenly spread over the windows there are */
    int start = bt->starts[(int)((long)w * bt->nwin / nw)];
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++) {
        (*items)[k].start = start;
        (*items)[k].x0 = xs[i];
        (*items)[k].y0 = ys[j];
        k++;
      }
  }
  *n = k;
  return RN_OK;
}

void rn_batcher_item(const struct rn_batcher *bt, const struct rn_valid_item *item, int t0, int nt,
                     float *unit, float *dbz)
{
  copy_window(bt, item->start, t0, nt, item->x0, item->y0, 0, 0, 0, unit, dbz);
}
