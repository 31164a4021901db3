/* arena.c - activation memory: a chain of device blocks with bump allocation.
 * A mark is (block << 40 | offset); releasing to it frees everything after.
 * Blocks are never moved, so pointers stay valid until released. */
#include <radnow/backend.h>
#include <radnow/tensor.h>

#include <stdlib.h>
#include <string.h>

#include "ops.h"

#define ALIGN 16 /* floats: 64 bytes */
#define MAXBLOCKS 48
#define OFFBITS 40

struct block {
  float *p;
  size_t cap, used; /* floats */
};

struct rn_arena {
  struct rn_backend *be;
  struct block b[MAXBLOCKS];
  int nb, cur;      /* blocks allocated, block in use */
  size_t peak;      /* most floats ever in use */
};

struct rn_arena *rn_arena_create(struct rn_backend *be, size_t initial)
{
  struct rn_arena *a = (struct rn_arena *)rn_calloc(1, sizeof *a, "an arena");
  if (!a)
    return NULL;
  a->be = be;
  if (initial) {
    a->b[0].p = rn_alloc(be, (long)initial);
    if (!a->b[0].p) {
      free(a);
      rn_backend_sync(be);
      return NULL;
    }
    a->b[0].cap = initial;
    a->nb = 1;
  }
  return a;
}

void rn_arena_destroy(struct rn_arena *a)
{
  if (!a)
    return;
  for (int i = 0; i < a->nb; i++)
    rn_free(a->be, a->b[i].p);
  free(a);
}

size_t rn_arena_used(const struct rn_arena *a)
{
  size_t u = 0;
  for (int i = 0; i <= a->cur && i < a->nb; i++)
    u += a->b[i].used;
  return u;
}

size_t rn_arena_peak(const struct rn_arena *a) { return a->peak; }

size_t rn_arena_capacity(const struct rn_arena *a)
{
  size_t c = 0;
  for (int i = 0; i < a->nb; i++)
    c += a->b[i].cap;
  return c;
}

float *rn_arena_alloc(struct rn_arena *a, long n)
{
  size_t need;
  if (a->be->err)
    return NULL;
  if (n < 0) {
    rn_be_fail(a->be, RN_EINTERNAL, "arena: allocation of %ld floats", n);
    return NULL;
  }
  need = ((size_t)n + ALIGN - 1) / ALIGN * ALIGN;
  if (need == 0)
    need = ALIGN;
  while (a->cur < a->nb && a->b[a->cur].used + need > a->b[a->cur].cap) {
    if (a->cur + 1 >= a->nb)
      break;
    a->cur++;
    a->b[a->cur].used = 0;
  }
  if (a->cur >= a->nb || a->b[a->cur].used + need > a->b[a->cur].cap) {
    /* a new block, at least as large as everything so far */
    size_t cap = rn_arena_capacity(a);
    if (cap < need)
      cap = need;
    if (cap < ((size_t)1 << 20))
      cap = (size_t)1 << 20;
    if (a->nb == MAXBLOCKS) {
      rn_be_fail(a->be, RN_ENOMEM, "arena: more than %d blocks", MAXBLOCKS);
      return NULL;
    }
    float *p = rn_alloc(a->be, (long)cap);
    if (!p)
      return NULL;
    a->cur = a->nb++;
    a->b[a->cur].p = p;
    a->b[a->cur].cap = cap;
    a->b[a->cur].used = 0;
  }
  float *p = a->b[a->cur].p + a->b[a->cur].used;
  a->b[a->cur].used += need;
  size_t u = rn_arena_used(a);
  if (u > a->peak)
    a->peak = u;
  return p;
}

float *rn_arena_zeros(struct rn_arena *a, long n)
{
  float *p = rn_arena_alloc(a, n);
  if (p)
    rn_zero(a->be, p, n);
  return p;
}

size_t rn_arena_mark(const struct rn_arena *a)
{
  if (a->nb == 0)
    return 0;
  return ((size_t)a->cur << OFFBITS) | a->b[a->cur].used;
}

void rn_arena_release(struct rn_arena *a, size_t mark)
{
  int blk = (int)(mark >> OFFBITS);
  size_t off = mark & (((size_t)1 << OFFBITS) - 1);
  if (a->nb == 0)
    return;
  if (blk > a->cur || (blk == a->cur && off > a->b[blk].used)) {
    rn_be_fail(a->be, RN_EINTERNAL, "arena: release to a mark beyond the current position");
    return;
  }
  for (int i = blk + 1; i <= a->cur; i++)
    a->b[i].used = 0;
  a->cur = blk;
  a->b[blk].used = off;
}

void rn_arena_reset(struct rn_arena *a)
{
  if (a->nb > 1) {
    /* this step needed several blocks: replace them by one that holds the peak */
    size_t cap = a->peak;
    for (int i = 0; i < a->nb; i++)
      rn_free(a->be, a->b[i].p);
    memset(a->b, 0, sizeof a->b);
    a->nb = 0;
    a->b[0].p = rn_alloc(a->be, (long)cap);
    if (a->b[0].p) {
      a->b[0].cap = cap;
      a->nb = 1;
    }
  }
  a->cur = 0;
  if (a->nb)
    a->b[0].used = 0;
}
