/* tensor.h - float32 tensors, the parameter block, the activation arena and
 * tensor files.
 *
 * Memory follows llm.c: every parameter of a model lives in ONE allocation,
 * carved into named tensors; the gradients use the same layout in a second
 * allocation, the optimizer state (optim.h) in a third and fourth, made on
 * first use. Activations come from an arena: a bump allocator reset once per
 * training step, with mark/release for scratch that dies earlier.
 *
 * All float pointers handed out here live on the backend's device (host
 * memory for the CPU backend, GPU memory for CUDA): move data with
 * rn_upload/rn_download (backend.h). Layouts are PyTorch's: NCHW for 2-D
 * maps, NCDHW for volumes, [out, in] for linear weights. */
#ifndef RADNOW_TENSOR_H
#define RADNOW_TENSOR_H

#include <radnow/status.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_backend;

#define RN_MAXDIM 5
#define RN_NAMELEN 96

struct rn_tensor {
  char name[RN_NAMELEN];
  int ndim;
  int shape[RN_MAXDIM];
  long size;     /* number of elements */
  size_t offset; /* in floats, from the start of the owning block */
  float *data;   /* device memory; NULL until rn_params_alloc */
  float *grad;   /* same shape and offset in the gradient block */
};

/* Product of the shape (1 for ndim 0). */
long rn_shape_size(int ndim, const int *shape);

/* ---- the parameter block ----------------------------------------------------
 * Declare every tensor with rn_params_add (pointers stay valid for the life of
 * the block), then rn_params_alloc once: data and grad become one allocation
 * each, every tensor 64-byte aligned, both zeroed. */
struct rn_params {
  struct rn_backend *be;
  int n, cap;
  struct rn_tensor **t;
  size_t total;          /* floats in each block, padding included */
  float *data, *grad;    /* the two allocations */
  float *m, *v;          /* Adam moments (optim.h), NULL until the first step */
  float *ema;            /* exponential moving average of data, NULL until first use */
};

void rn_params_init(struct rn_params *p);
/* Declare a tensor; NULL (with a message) on a duplicate name, a bad shape,
 * or after rn_params_alloc. */
struct rn_tensor *rn_params_add(struct rn_params *p, const char *name, int ndim, const int *shape);
enum rn_status rn_params_alloc(struct rn_params *p, struct rn_backend *be);
struct rn_tensor *rn_params_find(const struct rn_params *p, const char *name);
/* Number of parameters (without padding). */
long rn_params_count(const struct rn_params *p);
void rn_params_zero_grad(struct rn_params *p);
void rn_params_free(struct rn_params *p);

/* Save the parameters (or, with RN_SAVE_ALL, also m, v and ema when present,
 * as "NAME@m", "NAME@v", "NAME@ema") to a tensor file; load them back by name.
 * Loading checks every shape and that every declared tensor is present. */
enum { RN_SAVE_PARAMS = 0, RN_SAVE_ALL = 1 };
enum rn_status rn_params_save(const struct rn_params *p, const char *path, int what);
enum rn_status rn_params_load(struct rn_params *p, const char *path);

/* ---- the arena ----------------------------------------------------------------
 * A chain of device blocks. Allocations are 64-byte aligned and never move;
 * when a step needs more than the first block, later blocks are added, and
 * the next rn_arena_reset merges them into one block of the peak size. On
 * failure rn_arena_alloc returns NULL, records the error and latches it in the
 * backend, so the layer calls that follow do nothing until rn_backend_sync
 * reports it. */
struct rn_arena;

struct rn_arena *rn_arena_create(struct rn_backend *be, size_t initial_floats);
void rn_arena_destroy(struct rn_arena *a);
float *rn_arena_alloc(struct rn_arena *a, long n);
float *rn_arena_zeros(struct rn_arena *a, long n); /* zero-filled: gradient buffers */
/* A position to come back to: everything allocated after it is released. */
size_t rn_arena_mark(const struct rn_arena *a);
void rn_arena_release(struct rn_arena *a, size_t mark);
void rn_arena_reset(struct rn_arena *a);
size_t rn_arena_used(const struct rn_arena *a);     /* floats in use now */
size_t rn_arena_peak(const struct rn_arena *a);     /* most floats ever in use */
size_t rn_arena_capacity(const struct rn_arena *a); /* floats in all blocks */

/* ---- tensor files -------------------------------------------------------------
 * A small binary format (fixtures, checkpoints): "RNT1", uint32 count, then per
 * entry: uint16 name length, name, uint8 type (0 float32, 1 int32, 2 bytes),
 * uint8 ndim, int32 shape[ndim], the data. Little-endian throughout. */
enum rn_tfile_type { RN_TF_F32 = 0, RN_TF_I32 = 1, RN_TF_U8 = 2 };

struct rn_tfile_entry {
  char name[RN_NAMELEN];
  enum rn_tfile_type type;
  int ndim;
  int shape[RN_MAXDIM];
  long size;  /* elements */
  void *data; /* host memory */
};

struct rn_tfile {
  int n;
  struct rn_tfile_entry *e;
};

enum rn_status rn_tfile_read(const char *path, struct rn_tfile *tf);
void rn_tfile_free(struct rn_tfile *tf);
const struct rn_tfile_entry *rn_tfile_find(const struct rn_tfile *tf, const char *name);
/* Write n entries (data in host memory). Atomic: a temporary file renamed. */
enum rn_status rn_tfile_write(const char *path, const struct rn_tfile_entry *e, int n);

#ifdef __cplusplus
}
#endif
#endif
