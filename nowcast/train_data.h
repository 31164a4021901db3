/* train_data.h - what the trainer feeds the model: windows drawn from an
 * archive, cropped, flipped and turned, on the [0, 1] scale; the
 * scheduled-sampling mask; the fixed validation tiles. Every draw is a
 * function of (seed, iteration, purpose, index) (train.h). */
#ifndef RADNOW_NOWCAST_TRAIN_DATA_H
#define RADNOW_NOWCAST_TRAIN_DATA_H

#include <stdint.h>

#include <radnow/archive.h>

struct rn_batcher {
  const struct rn_archive *a;
  int T, H, W;   /* window length, model frame size */
  int *starts;   /* usable windows of the split */
  int nwin;
  float unit[256]; /* archive byte -> [0, 1] */
};

/* Windows of T frames of split s; the archive frames must be at least H x W.
 * what names the archive in messages. */
enum rn_status rn_batcher_init(struct rn_batcher *bt, const struct rn_archive *a, int T, int H,
                               int W, enum rn_split s, const char *what);
void rn_batcher_free(struct rn_batcher *bt);

struct rn_augment {
  int flip;               /* random horizontal and vertical flips */
  int rotate;             /* random quarter turns (H == W) */
  double min_echo;        /* wanted fraction of pixels >= min_echo_dbz */
  double min_echo_dbz;
  int tries;
};

/* B training windows for iteration it: frames[B, T, 1, H, W] (host), from
 * the n batchers bt[0..n-1] (same T, H, W): each window from bt[k] with
 * probability cum[k] - cum[k - 1] (cum: ascending, the last 1). With one
 * batcher cum is not read and the draws are those of a single archive. */
void rn_batcher_draw(const struct rn_batcher *bt, int n, const double *cum,
                     const struct rn_augment *aug, uint64_t seed, long it, int B, float *frames);

/* One uniform number in [0, 1) of the stream (seed, it, purpose, index). */
double rn_train_uniform(uint64_t seed, long it, uint32_t purpose, uint32_t index);

/* The scheduled-sampling mask of iteration it: mask[b * nm + k] = 1 (true
 * frame) with probability eta, else 0. */
void rn_train_mask(uint64_t seed, long it, int B, int nm, double eta, float *mask);

/* Validation: the (window, tile) pairs, tiles of H x W covering the frame
 * (the last ones flush with the right and bottom edges). */
struct rn_valid_item {
  int start;  /* first frame */
  int x0, y0; /* tile corner */
};
enum rn_status rn_batcher_valid_items(const struct rn_batcher *bt, int max_windows,
                                      struct rn_valid_item **items, int *n);
/* The frames of one item: t0..t0+nt-1 of the window, [nt, 1, H, W] on the
 * [0, 1] scale into unit (may be NULL) and in dBZ (NaN nodata) into dbz
 * (may be NULL). */
void rn_batcher_item(const struct rn_batcher *bt, const struct rn_valid_item *item, int t0,
                     int nt, float *unit, float *dbz);

#endif
