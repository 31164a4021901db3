/* cascade.h - a STEPS-like spectral cascade on one grid (FFTW3, single
 * precision): Gaussian band-pass filters in log wavenumber that split a
 * field into J scale levels, the statistics of each level computed in
 * spectral space, and a power-law fit of the field's power spectrum.
 *
 * Spectra are FFTW r2c half spectra: ny x nkx complex, nkx = nx / 2 + 1,
 * unnormalised (c2r(r2c(x)) = N x, N = nx ny). Wavenumbers are radial, in
 * cycles per domain length L = max(nx, ny): k = L sqrt((kx/nx)^2 + (ky/ny)^2),
 * so every non-constant mode has k >= 1 and the Nyquist ring is k = L / 2.
 *
 * Level j is centred on c_j = q^j (q = (L/2)^(1/(J-1))), weight
 * exp(-(ln k - ln c_j)^2 / (2 (ln q / 2)^2)), the J weights renormalised to
 * sum to one at every k != 0: summing the levels gives the field back. */
#ifndef RADNOW_MODELS_CASCADE_H
#define RADNOW_MODELS_CASCADE_H

#include <complex.h>
#include <fftw3.h>

#include <radnow/status.h>

struct rn_cascade {
  int nx, ny, nkx, nlevels;
  size_t nspec; /* ny * nkx */
  float *k;     /* radial wavenumber of each spectral cell */
  float *mult;  /* 1 or 2: how many cells of the full spectrum each half-spectrum cell stands for */
  float *w;     /* nlevels x nspec band-pass weights */
  fftwf_plan r2c, c2r;
};

/* Plan the transforms (FFTW's planner is not thread-safe: call from one
 * thread) and build the filters. */
enum rn_status rn_cascade_init(struct rn_cascade *c, int nx, int ny, int nlevels);
void rn_cascade_free(struct rn_cascade *c);

/* Buffers with the alignment the plans expect. */
float *rn_cascade_real(const struct rn_cascade *c);
fftwf_complex *rn_cascade_spec(const struct rn_cascade *c);

/* Transforms on buffers from the functions above; safe from several threads
 * at once. c2r overwrites its input. */
void rn_cascade_forward(const struct rn_cascade *c, float *in, fftwf_complex *out);
void rn_cascade_inverse(const struct rn_cascade *c, fftwf_complex *in, float *out);

/* Variance of each level of the field with spectrum s (mean excluded). */
void rn_cascade_variance(const struct rn_cascade *c, const fftwf_complex *s, double *var);
/* Correlation of each level between two fields (0 where either is flat). */
void rn_cascade_correlation(const struct rn_cascade *c, const fftwf_complex *a,
                            const fftwf_complex *b, double *rho);
/* Slope beta of the radially averaged power spectrum, P(k) ~ k^beta, least
 * squares in log-log over 1 <= k <= L/2; fallback when the field is flat. */
double rn_cascade_powerlaw(const struct rn_cascade *c, const fftwf_complex *s, double fallback);

#endif
