/* rng.h - counter-based random numbers (Philox 4x32-10, Salmon et al. 2011).
 *
 * A stream is a 64-bit seed; its numbers are addressed by index, so any range
 * can be drawn in any order, on the CPU or the GPU, with the same result bit
 * for bit. Number i is component i % 4 of philox(counter {i/4 low, i/4 high,
 * 0, 0}, key {seed low, seed high}); uniform numbers keep its top 24 bits,
 * normal numbers come from Box-Muller on the pairs (0, 1) and (2, 3) of a
 * block, computed without libm (models/nn/nnmath.h). Keep a running offset
 * per stream (like PyTorch's philox offset): draw n numbers, add n. */
#ifndef RADNOW_RNG_H
#define RADNOW_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_backend;

/* The raw generator on the host: out = philox4x32_10(ctr, key). */
void rn_philox4x32_10_host(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* x[i] uniform in [lo, hi), or mean + std * normal, for numbers offset+i. */
void rn_rand_uniform(struct rn_backend *be, float *x, long n, float lo, float hi, uint64_t seed,
                     uint64_t offset);
void rn_rand_normal(struct rn_backend *be, float *x, long n, float mean, float std, uint64_t seed,
                    uint64_t offset);

#ifdef __cplusplus
}
#endif
#endif
