/* rng.c - Philox random numbers on any backend (rng.h). */
#include <radnow/rng.h>

#include "nnmath.h"
#include "ops.h"

void rn_philox4x32_10_host(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
  rn_philox4x32_10(ctr, key, out);
}

void rn_rand_uniform(struct rn_backend *be, float *x, long n, float lo, float hi, uint64_t seed,
                     uint64_t offset)
{
  if (!be->err && n > 0)
    be->ops->rand(be, 0, x, n, lo, hi, seed, offset);
}

void rn_rand_normal(struct rn_backend *be, float *x, long n, float mean, float std, uint64_t seed,
                    uint64_t offset)
{
  if (!be->err && n > 0)
    be->ops->rand(be, 1, x, n, mean, std, seed, offset);
}
