/* test_nn_core.c - the neural-network core: backend choice, latched errors,
 * the arena, the parameter block and tensor files. */
#include <radnow/backend.h>
#include <radnow/layers.h>
#include <radnow/optim.h>
#include <radnow/rng.h>
#include <radnow/tensor.h>

#include <stdint.h>
#include <unistd.h>

#include "test.h"
#include "../../models/nn/nnmath.h"

static void test_backend(void)
{
  struct rn_backend *be = NULL;
  struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
  opt.device = "tpu";
  CHECK(rn_backend_open(&be, &opt) == RN_EUSAGE);
  CHECK_CONTAINS(rn_errmsg(), "'tpu': expected cpu, cuda, cuda:N or auto");
  opt.device = "cuda:x";
  CHECK(rn_backend_open(&be, &opt) == RN_EUSAGE);
  opt.device = "cpu";
  opt.threads = -1;
  CHECK(rn_backend_open(&be, &opt) == RN_EUSAGE);

  /* "cuda" without a device (or without CUDA) gives the CPU; with one, CUDA */
  opt.threads = 1;
  opt.device = "cuda";
  CHECK_OK(rn_backend_open(&be, &opt));
  CHECK(be != NULL);
  rn_backend_close(be);

  opt.device = "cpu";
  CHECK_OK(rn_backend_open(&be, &opt));
  CHECK_STR(rn_backend_name(be), "cpu");
  CHECK(!rn_backend_is_cuda(be));
  CHECK(rn_backend_threads(be) == 1);
  CHECK_CONTAINS(rn_backend_describe(be), "cpu: 1 thread");

  /* a bad shape latches one error; later calls do nothing until sync */
  float *x = rn_alloc(be, 16), *y = rn_alloc(be, 16), *w = rn_alloc(be, 16);
  rn_fill(be, y, 16, 7.0f);
  struct rn_conv s = rn_conv2d(1, 1, 2, 2, 1, 5, 1, 0); /* kernel larger than the map */
  rn_conv_forward(be, &s, y, x, w, NULL);
  CHECK(rn_backend_status(be) == RN_EINTERNAL);
  rn_fill(be, y, 16, 1.0f); /* skipped: the error is latched */
  CHECK(y[0] == 7.0f);
  CHECK(rn_backend_sync(be) == RN_EINTERNAL);
  CHECK_CONTAINS(rn_errmsg(), "rn_conv_forward: bad convolution");
  CHECK(rn_backend_status(be) == RN_OK);
  rn_fill(be, y, 16, 1.0f);
  CHECK(y[0] == 1.0f);
  CHECK_OK(rn_backend_sync(be));
  rn_free(be, x);
  rn_free(be, y);
  rn_free(be, w);

  /* slices */
  float buf[2 * 3 * 4];
  struct rn_slice sl = rn_chan(buf, 2, 3, 4, 1, 2);
  CHECK(sl.p == buf + 4 && sl.rows == 2 && sl.cols == 8 && sl.ld == 12);
  sl = rn_flat(buf, 24);
  CHECK(sl.rows == 1 && sl.cols == 24 && sl.ld == 24);
  rn_backend_close(be);
}

static void test_arena(struct rn_backend *be)
{
  struct rn_arena *a = rn_arena_create(be, 1000);
  CHECK(a != NULL);
  float *p1 = rn_arena_alloc(a, 10);
  float *p2 = rn_arena_alloc(a, 3);
  CHECK(((uintptr_t)p1 & 63) == 0 && ((uintptr_t)p2 & 63) == 0);
  CHECK(p2 == p1 + 16);
  size_t m = rn_arena_mark(a);
  float *p3 = rn_arena_zeros(a, 100);
  CHECK(p3 == p2 + 16 && p3[0] == 0.0f && p3[99] == 0.0f);
  rn_arena_release(a, m);
  CHECK(rn_arena_alloc(a, 1) == p3);
  CHECK(rn_arena_used(a) == 48);
  /* outgrow the first block: a second block, merged on reset */
  float *big = rn_arena_alloc(a, 5000);
  CHECK(big != NULL);
  big[4999] = 1.0f;
  CHECK(rn_arena_capacity(a) > 1000);
  CHECK(rn_arena_peak(a) == 48 + 5008);
  rn_arena_reset(a);
  CHECK(rn_arena_used(a) == 0);
  CHECK(rn_arena_capacity(a) == 48 + 5008);
  float *q1 = rn_arena_alloc(a, 40), *q2 = rn_arena_alloc(a, 5000);
  CHECK(q2 == q1 + 48);
  CHECK(rn_arena_capacity(a) == 48 + 5008);
  /* a mark from before a new block releases the block's use too */
  rn_arena_reset(a);
  m = rn_arena_mark(a);
  rn_arena_alloc(a, 6000);
  rn_arena_alloc(a, 6000);
  rn_arena_release(a, m);
  CHECK(rn_arena_used(a) == 0);
  CHECK_OK(rn_backend_sync(be));
  rn_arena_destroy(a);
}

static void test_params(struct rn_backend *be)
{
  struct rn_params p, q;
  char path[] = "/tmp/radnow-params-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);

  rn_params_init(&p);
  struct rn_tensor *w = rn_params_add(&p, "conv.w", 4, (int[]){4, 3, 5, 5});
  struct rn_tensor *b = rn_params_add(&p, "conv.b", 1, (int[]){4});
  CHECK(w && b);
  CHECK(rn_params_add(&p, "conv.b", 1, (int[]){4}) == NULL);
  CHECK_CONTAINS(rn_errmsg(), "'conv.b' declared twice");
  CHECK(rn_params_add(&p, "bad", 2, (int[]){4, 0}) == NULL);
  CHECK(b->offset == 304 && w->size == 300);
  CHECK_OK(rn_params_alloc(&p, be));
  CHECK(rn_params_add(&p, "late", 1, (int[]){1}) == NULL);
  CHECK(rn_params_count(&p) == 304);
  CHECK(rn_params_find(&p, "conv.w") == w && rn_params_find(&p, "nope") == NULL);
  CHECK(w->data == p.data && b->data == p.data + 304 && b->grad == p.grad + 304);
  CHECK(((uintptr_t)b->data & 63) == 0);
  for (long i = 0; i < w->size; i++)
    w->data[i] = (float)i * 0.5f;
  b->data[3] = -2.0f;
  b->grad[1] = 9.0f;
  rn_params_zero_grad(&p);
  CHECK(b->grad[1] == 0.0f);
  CHECK_OK(rn_params_save(&p, path, RN_SAVE_PARAMS));

  rn_params_init(&q);
  rn_params_add(&q, "conv.b", 1, (int[]){4});
  rn_params_add(&q, "conv.w", 4, (int[]){4, 3, 5, 5});
  CHECK_OK(rn_params_alloc(&q, be));
  CHECK_OK(rn_params_load(&q, path));
  CHECK(rn_params_find(&q, "conv.w")->data[299] == 149.5f);
  CHECK(rn_params_find(&q, "conv.b")->data[3] == -2.0f);
  rn_params_free(&q);

  rn_params_init(&q);
  rn_params_add(&q, "conv.w", 4, (int[]){4, 3, 3, 3});
  CHECK_OK(rn_params_alloc(&q, be));
  CHECK(rn_params_load(&q, path) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "conv.w: shape or type differs");
  rn_params_free(&q);

  rn_params_init(&q);
  rn_params_add(&q, "other", 1, (int[]){4});
  CHECK_OK(rn_params_alloc(&q, be));
  CHECK(rn_params_load(&q, path) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "tensor 'other' missing");
  rn_params_free(&q);
  rn_params_free(&p);
  unlink(path);
}

static void test_tfile(void)
{
  char path[] = "/tmp/radnow-tfile-XXXXXX";
  int fd = mkstemp(path);
  struct rn_tfile tf;
  float v[6] = {1, 2, 3, 4, 5, 6};
  int32_t k = 42;
  struct rn_tfile_entry e[2] = {{"a", RN_TF_F32, 2, {2, 3}, 6, v}, {"k", RN_TF_I32, 0, {0}, 1, &k}};
  CHECK(fd >= 0);
  close(fd);
  CHECK_OK(rn_tfile_write(path, e, 2));
  CHECK_OK(rn_tfile_read(path, &tf));
  CHECK(tf.n == 2);
  const struct rn_tfile_entry *a = rn_tfile_find(&tf, "a");
  CHECK(a && a->ndim == 2 && a->shape[1] == 3 && a->size == 6 && ((float *)a->data)[5] == 6.0f);
  CHECK(*(int32_t *)rn_tfile_find(&tf, "k")->data == 42);
  rn_tfile_free(&tf);

  /* truncated: one clear message */
  CHECK(truncate(path, 30) == 0);
  CHECK(rn_tfile_read(path, &tf) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), ": a: truncated data");
  FILE *f = fopen(path, "wb");
  fputs("GIF89a", f);
  fclose(f);
  CHECK(rn_tfile_read(path, &tf) == RN_EFORMAT);
  CHECK_CONTAINS(rn_errmsg(), "not a tensor file");
  unlink(path);
  CHECK(rn_tfile_read(path, &tf) == RN_ENOTFOUND);
}

/* gradient norm and clipping by hand; the EMA's first copy and the swap */
static void test_optim(struct rn_backend *be)
{
  struct rn_params p;
  rn_params_init(&p);
  struct rn_tensor *a = rn_params_add(&p, "a", 1, (int[]){3});
  struct rn_tensor *b = rn_params_add(&p, "b", 2, (int[]){2, 2});
  CHECK_OK(rn_params_alloc(&p, be));
  a->grad[0] = 3.0f;
  b->grad[3] = 4.0f;
  CHECK_NEAR(rn_grad_norm(&p), 5.0, 1e-12);
  CHECK_NEAR(rn_clip_grad_norm(&p, 10.0f), 5.0, 1e-12);
  CHECK(a->grad[0] == 3.0f); /* under the limit: untouched */
  CHECK_NEAR(rn_clip_grad_norm(&p, 1.0f), 5.0, 1e-12);
  CHECK_NEAR(a->grad[0], 0.6, 1e-6);
  CHECK_NEAR(b->grad[3], 0.8, 1e-6);
  CHECK_NEAR(rn_grad_norm(&p), 1.0, 1e-6);

  a->data[1] = 2.0f;
  CHECK_OK(rn_ema_update(&p, 0.5f)); /* copies */
  a->data[1] = 4.0f;
  CHECK_OK(rn_ema_update(&p, 0.5f));
  CHECK(p.ema[a->offset + 1] == 3.0f);
  rn_params_swap_ema(&p);
  CHECK(a->data[1] == 3.0f);
  rn_params_swap_ema(&p);
  CHECK(a->data[1] == 4.0f);

  struct rn_lr_schedule s = {RN_LR_STEP, 1.0, 10, 0.1, 0, 0, 4, 0.25};
  CHECK_NEAR(rn_lr_at(&s, 0), 0.25, 1e-7);
  CHECK_NEAR(rn_lr_at(&s, 2), 0.625, 1e-7);
  CHECK_NEAR(rn_lr_at(&s, 9), 1.0, 1e-7);
  CHECK_NEAR(rn_lr_at(&s, 10), 0.1, 1e-7);
  rn_params_free(&p);
}

/* Philox 4x32-10 known-answer vectors of the Random123 distribution
 * (kat_vectors), then the transforms' accuracy and the moments of a million
 * draws. */
static void test_rng(struct rn_backend *be)
{
  static const uint32_t kat[3][10] = {
      {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
      {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
       0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
      {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
       0x94fdcceb, 0x5001e420, 0x24126ea1}};
  for (int k = 0; k < 3; k++) {
    uint32_t out[4];
    rn_philox4x32_10_host(kat[k], kat[k] + 4, out);
    for (int i = 0; i < 4; i++)
      CHECK(out[i] == kat[k][6 + i]);
  }

  double worst = 0;
  for (uint32_t k = 1; k < (1u << 24); k += 997) {
    float u = (float)k * 5.9604644775390625e-8f;
    double e = fabs(rn_logf_exact(u) - log((double)u));
    if (e > worst)
      worst = e;
  }
  CHECK(worst < 2e-6);
  worst = 0;
  for (uint32_t k = 0; k < (1u << 24); k += 991) {
    float t = (float)k * 5.9604644775390625e-8f, sn, cs;
    rn_sincos2pi_exact(t, &sn, &cs);
    double a = 2 * M_PI * t;
    if (fabs(sn - sin(a)) > worst) worst = fabs(sn - sin(a));
    if (fabs(cs - cos(a)) > worst) worst = fabs(cs - cos(a));
  }
  CHECK(worst < 1e-6);

  const long n = 1 << 20;
  float *x = rn_alloc(be, n);
  double s = 0, s2 = 0, s4 = 0;
  rn_rand_normal(be, x, n, 0.0f, 1.0f, 2024, 77);
  for (long i = 0; i < n; i++) {
    s += x[i];
    s2 += (double)x[i] * x[i];
    s4 += (double)x[i] * x[i] * x[i] * x[i];
  }
  CHECK_NEAR(s / n, 0.0, 0.005);
  CHECK_NEAR(s2 / n, 1.0, 0.01);
  CHECK_NEAR(s4 / n, 3.0, 0.05);
  /* the numbers are addressed by index: a later range equals the tail */
  float y[5];
  rn_rand_normal(be, y, 5, 0.0f, 1.0f, 2024, 77 + 1000);
  CHECK(memcmp(y, x + 1000, sizeof y) == 0);
  rn_rand_uniform(be, x, n, -1.0f, 3.0f, 5, 0);
  s = 0;
  float lo = 9, hi = -9;
  for (long i = 0; i < n; i++) {
    s += x[i];
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  CHECK_NEAR(s / n, 1.0, 0.01);
  CHECK(lo >= -1.0f && hi < 3.0f && lo < -0.999f && hi > 2.999f);
  rn_free(be, x);
  CHECK_OK(rn_backend_sync(be));
}

int main(void)
{
  struct rn_backend *be;
  struct rn_backend_options opt = RN_BACKEND_OPTIONS_INIT;
  test_backend();
  opt.device = "cpu";
  CHECK_OK(rn_backend_open(&be, &opt));
  test_arena(be);
  test_params(be);
  test_rng(be);
  test_optim(be);
  rn_backend_close(be);
  test_tfile();
  TEST_DONE();
}
