/* rng.h - a small seedable random number generator: xoshiro256** (Blackman
 * and Vigna), seeded through splitmix64, with Gaussian draws by the polar
 * Box-Muller method. Each ensemble member owns one stream, so a member's
 * numbers do not depend on which thread draws them. */
#ifndef RADNOW_MODELS_RNG_H
#define RADNOW_MODELS_RNG_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

struct rn_rng {
  uint64_t s[4];
  double spare;
  int has_spare;
};

static inline uint64_t rn_splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline void rn_rng_seed(struct rn_rng *r, uint64_t seed)
{
  for (int i = 0; i < 4; i++)
    r->s[i] = rn_splitmix64(&seed);
  r->has_spare = 0;
}

static inline uint64_t rn_rng_next(struct rn_rng *r)
{
  uint64_t *s = r->s, t = s[1] << 17;
  uint64_t x = s[1] * 5, result = ((x << 7) | (x >> 57)) * 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 45) | (s[3] >> 19);
  return result;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double rn_rng_uniform(struct rn_rng *r)
{
  return (double)(rn_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Standard normal. */
static inline double rn_rng_normal(struct rn_rng *r)
{
  double u, v, s;
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  do {
    u = 2 * rn_rng_uniform(r) - 1;
    v = 2 * rn_rng_uniform(r) - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  s = sqrt(-2 * log(s) / s);
  r->spare = v * s;
  r->has_spare = 1;
  return u * s;
}

/* n approximately standard normal numbers: the sum of four uniforms
 * (Irwin-Hall), scaled to unit variance; tails are cut at +-3.46. Cheap, and
 * after the spectral filtering of the cascade, which sums many of them, the
 * noise fields are Gaussian. */
static inline void rn_rng_fill_gauss4(struct rn_rng *r, float *out, size_t n)
{
  const float scale = 1.7320508f / 2147483648.0f; /* sqrt(3) / 2^31: var(sum of 4 U) = 1/3 */
  for (size_t i = 0; i < n; i++) {
    uint64_t a = rn_rng_next(r), b = rn_rng_next(r);
    int64_t sum = (int64_t)(a & 0xffffffffu) + (int64_t)(a >> 32) + (int64_t)(b & 0xffffffffu) +
                  (int64_t)(b >> 32) - 2 * 4294967296LL;
    out[i] = (float)sum * (scale / 2.0f);
  }
}

#endif
