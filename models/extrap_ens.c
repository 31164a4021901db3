/* extrap_ens.c - the `extrapolation-ens` predictor: M members of a
 * stochastic extrapolation in the spirit of STEPS (Bowler, Pierce and Seed
 * 2006; Seed 2003), simplified and described here as implemented.
 *
 * Shared by all members (computed once per run, serially or in a fixed
 * order, so independent of the number of threads):
 *  - the motion field of the deterministic extrapolation (optflow.c);
 *  - the newest frame T0 in "cascade units": dBZ with everything below
 *    cascade_floor_dbz, and nodata, set to that floor, so the FFT sees a
 *    finite field without the 40 dB cliff between -32 dBZ and rain;
 *  - the previous frame advected one step onto the newest, T1 (Lagrangian
 *    frame: what is left of the difference is growth and decay);
 *  - a cascade of J Gaussian band-pass levels (cascade.c); for each level j
 *    its standard deviation sigma_j in T0 and its lag-one autocorrelation
 *    phi_j = corr(T1_j, T0_j), clamped to [0, 0.999]: large scales live long,
 *    small scales decorrelate within a step or two;
 *  - the power-law slope beta of T0's power spectrum: the noise of each
 *    level is white noise filtered by k^(beta/2) inside that level's band,
 *    normalised to unit variance and scaled to sigma_j;
 *  - the observed distribution of dBZ in the newest frame (probability
 *    matching target) and the distance of each pixel to its echoes.
 * Each member m, with its own random stream seeded from (seed, reference
 * time, m):
 *  - draws a motion perturbation, constant over the domain and the leads,
 *    along and across the mean motion with standard deviations
 *    motion_perturbation_par/perp (m/s): the displacement error grows
 *    linearly with lead time (none for a flat field: no echo or one
 *    constant value, which every member then keeps unchanged);
 *  - evolves every cascade level in the Lagrangian frame as an AR(1)
 *    process, X_j(l) = phi_j X_j(l-1) + sqrt(1 - phi_j^2) sigma_j eps_j(l),
 *    starting from T0's level j. This is done in spectral space, one inverse
 *    FFT per lead: the predictable large scales persist, the small scales
 *    are replaced by correlated noise: growth and decay;
 *  - recomposes the levels; pixels farther than mask_radius + mask_growth
 *    (l + 1) pixels from the echoes (>= mask_dbz) of the newest frame are
 *    kept dry (new cells grow near existing ones, not anywhere);
 *  - maps the result onto the observed dBZ distribution by rank
 *    (histogram probability matching): the wet area and the intensities
 *    stay those of the newest frame, no echo stays -32 dBZ;
 *  - advects that Lagrangian field with its perturbed motion (advect.c,
 *    departure points every 2 pixels, interpolated between), nodata flowing
 *    in at the boundaries.
 * Members run in parallel (OpenMP, dynamic schedule), each on one thread
 * with its own buffers; FFTW plans are shared read-only. A member's numbers
 * depend only on its own stream, so the forecast is bit-identical for the
 * same seed on any number of threads.
 * Simplifications against STEPS: AR(1) instead of AR(2), one power law for
 * the noise, motion perturbations constant in time, no blending with NWP.
 *
 * Options in [predictor.extrapolation-ens], besides the common ones and the
 * motion_* options of extrap.c:
 *   cascade_levels = 6               J
 *   cascade_floor_dbz = -10          see above
 *   mask_dbz = -10, mask_radius = 3, mask_growth = 1   (radius and growth in pixels)
 *   motion_perturbation_par = 3.0, motion_perturbation_perp = 2.0   (m/s) */
#include "extrap.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <radnow/log.h>

#include "advect.h"
#include "cascade.h"
#include "rng.h"

#define MAX_LEVELS 12
#define NBINS 16384
/* Members' trajectories: nodes every 2 pixels (advect.h). */
#define MEMBER_STRIDE 2

struct ens {
  struct rn_optflow_params motion;
  int nlevels;
  float floor_dbz, mask_dbz, mask_radius, mask_growth;
  float pert_par, pert_perp; /* m/s */
  struct rn_cascade cascade; /* kept across runs on the same grid size */
};

/* What every member reads. */
struct shared {
  int nx, ny, nlevels;
  size_t npix;
  const struct rn_cascade *c;
  const float *uv;          /* motion, interleaved (advect.h) */
  float steps;             /* frame steps per lead */
  const fftwf_complex *F0; /* spectrum of T0 */
  float phi[MAX_LEVELS];   /* per lead step */
  const float *a;          /* nlevels x nspec: noise amplitude of each level */
  const float *z0;         /* newest frame, floored dBZ, NaN nodata */
  const float *target;     /* sorted valid values of z0 */
  size_t ntarget;
  const float *dist; /* distance (pixels) to the nearest echo */
  float mask_radius, mask_growth;
  float ex, ey;          /* unit vector along the mean motion */
  float sd_par, sd_perp; /* motion perturbation, pixels per frame step */
  uint64_t seed;
};

struct work {
  fftwf_complex *Y, *xi, *spec; /* nlevels x nspec, nspec, nspec */
  float *real, *lag, *lut;
  struct rn_trajectory t;
  unsigned *hist;
};

static enum rn_status ens_create(struct rn_predictor *p, const struct rn_config *cfg)
{
  struct ens *e = rn_calloc(1, sizeof *e, "extrapolation-ens");
  enum rn_status st;
  double d;
  if (!e)
    return RN_ENOMEM;
  p->priv = e;
  if ((st = rn_extrap_motion_options(p, cfg, &e->motion)))
    return st;
  if ((st = rn_predictor_opt_int(p, cfg, "cascade_levels", 6, 1, MAX_LEVELS, &e->nlevels)))
    return st;
#define OPT(key, def, lo, hi, field)                                                               \
  do {                                                                                             \
    if ((st = rn_predictor_opt_double(p, cfg, key, def, lo, hi, &d)))                              \
      return st;                                                                                   \
    e->field = (float)d;                                                                           \
  } while (0)
  OPT("cascade_floor_dbz", -10, -32, 60, floor_dbz);
  OPT("mask_dbz", -10, -32, 80, mask_dbz);
  OPT("mask_radius", 3, 0, 1e6, mask_radius);
  OPT("mask_growth", 1, 0, 1e6, mask_growth);
  OPT("motion_perturbation_par", 3.0, 0, 100, pert_par);
  OPT("motion_perturbation_perp", 2.0, 0, 100, pert_perp);
#undef OPT
  return RN_OK;
}

static void ens_destroy(struct rn_predictor *p)
{
  struct ens *e = p->priv;
  if (e)
    rn_cascade_free(&e->cascade);
  free(e);
  p->priv = NULL;
}

static int cmp_float(const void *a, const void *b)
{
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* Chamfer (3-4) distance in pixels to the nearest pixel with echo. */
static void distance_map(const float *z, float thr, int nx, int ny, float *d)
{
  const float big = 1e30f;
  for (size_t i = 0; i < (size_t)nx * ny; i++)
    d[i] = z[i] >= thr ? 0 : big;
  for (int y = 0; y < ny; y++)
    for (int x = 0; x < nx; x++) {
      float *p = d + (size_t)y * nx + x;
      if (x > 0 && p[-1] + 1 < *p)
        *p = p[-1] + 1;
      if (y > 0) {
        if (p[-nx] + 1 < *p)
          *p = p[-nx] + 1;
        if (x > 0 && p[-nx - 1] + 1.4142f < *p)
          *p = p[-nx - 1] + 1.4142f;
        if (x < nx - 1 && p[-nx + 1] + 1.4142f < *p)
          *p = p[-nx + 1] + 1.4142f;
      }
    }
  for (int y = ny - 1; y >= 0; y--)
    for (int x = nx - 1; x >= 0; x--) {
      float *p = d + (size_t)y * nx + x;
      if (x < nx - 1 && p[1] + 1 < *p)
        *p = p[1] + 1;
      if (y < ny - 1) {
        if (p[nx] + 1 < *p)
          *p = p[nx] + 1;
        if (x < nx - 1 && p[nx + 1] + 1.4142f < *p)
          *p = p[nx + 1] + 1.4142f;
        if (x > 0 && p[nx - 1] + 1.4142f < *p)
          *p = p[nx - 1] + 1.4142f;
      }
    }
}

/* Probability matching by rank through a histogram: out takes the value of
 * the observed distribution at the rank of z among the valid pixels (ranks
 * are interpolated linearly inside each of the NBINS bins, so a bin that
 * straddles a jump of the observed distribution, such as no echo to weak
 * echo, gives a few intermediate values). Pixels outside the growth mask
 * take the lowest ranks: the driest observed value. */
static void match(const struct shared *sh, const float *z, float radius, unsigned *hist,
                  float *lut, float *out)
{
  size_t nvalid = 0, nmasked = 0;
  float lo = INFINITY, hi = -INFINITY, scale;
  unsigned cum = 0;
  for (size_t i = 0; i < sh->npix; i++) {
    if (isnan(sh->z0[i]))
      continue;
    nvalid++;
    if (sh->dist[i] > radius) {
      nmasked++;
      continue;
    }
    lo = z[i] < lo ? z[i] : lo;
    hi = z[i] > hi ? z[i] : hi;
  }
  if (nvalid == 0)
    return;
  scale = hi > lo ? NBINS / (hi - lo) : 0;
  memset(hist, 0, (NBINS + 1) * sizeof *hist);
  for (size_t i = 0; i < sh->npix; i++)
    if (!isnan(sh->z0[i]) && sh->dist[i] <= radius) {
      int b = (int)((z[i] - lo) * scale);
      hist[b < NBINS ? b : NBINS - 1]++;
    }
  /* lut[b]: the observed value at the rank of the lower edge of bin b. */
  for (int b = 0; b <= NBINS; b++) {
    double t = ((double)nmasked + cum) / (double)nvalid * (double)(sh->ntarget - 1);
    size_t k = (size_t)t;
    lut[b] = k >= sh->ntarget - 1
                 ? sh->target[sh->ntarget - 1]
                 : (float)(sh->target[k] + (t - (double)k) * (sh->target[k + 1] - sh->target[k]));
    if (b < NBINS)
      cum += hist[b];
  }
  for (size_t i = 0; i < sh->npix; i++) {
    float fb;
    int b;
    if (isnan(sh->z0[i])) {
      out[i] = NAN;
      continue;
    }
    if (sh->dist[i] > radius) {
      out[i] = sh->target[0];
      continue;
    }
    fb = scale > 0 ? (z[i] - lo) * scale : 0.5f; /* flat: the middle of one bin */
    b = (int)fb;
    if (b > NBINS - 1)
      b = NBINS - 1;
    out[i] = lut[b] + (fb - (float)b) * (lut[b + 1] - lut[b]);
  }
}

static void member_run(const struct shared *sh, struct work *w, int m, struct rn_forecast *fc)
{
  const struct rn_cascade *c = sh->c;
  size_t nspec = c->nspec;
  struct rn_rng rng;
  float par, perp, du, dv;
  rn_rng_seed(&rng, sh->seed + 0x9E3779B97F4A7C15ull * (uint64_t)(m + 1));
  par = (float)rn_rng_normal(&rng) * sh->sd_par;
  perp = (float)rn_rng_normal(&rng) * sh->sd_perp;
  du = par * sh->ex - perp * sh->ey;
  dv = par * sh->ey + perp * sh->ex;
  rn_trajectory_reset(&w->t);
  for (int l = 0; l < sh->nlevels; l++) {
    const float *wl = c->w + (size_t)l * nspec;
    fftwf_complex *Y = w->Y + (size_t)l * nspec;
    for (size_t k = 0; k < nspec; k++)
      Y[k] = wl[k] * sh->F0[k];
  }
  for (int lead = 0; lead < fc->nleads; lead++) {
    rn_rng_fill_gauss4(&rng, w->real, sh->npix);
    rn_cascade_forward(c, w->real, w->xi);
    for (size_t k = 0; k < nspec; k++)
      w->spec[k] = 0;
    for (int l = 0; l < sh->nlevels; l++) {
      const float *a = sh->a + (size_t)l * nspec;
      fftwf_complex *Y = w->Y + (size_t)l * nspec;
      float phi = sh->phi[l];
      for (size_t k = 0; k < nspec; k++) {
        Y[k] = phi * Y[k] + a[k] * w->xi[k];
        w->spec[k] += Y[k];
      }
    }
    w->spec[0] = sh->F0[0]; /* the mean stays */
    /* Unnormalised (N times the field): matching only looks at ranks. */
    rn_cascade_inverse(c, w->spec, w->real);
    match(sh, w->real, sh->mask_radius + sh->mask_growth * (float)(lead + 1), w->hist, w->lut,
          w->lag);
    rn_trajectory_step(&w->t, sh->uv, du, dv, sh->steps);
    rn_advect_sample(w->lag, &w->t, rn_forecast_field(fc, m, lead));
  }
}

static void work_free(struct work *w)
{
  fftwf_free(w->Y);
  fftwf_free(w->xi);
  fftwf_free(w->spec);
  fftwf_free(w->real);
  free(w->lag);
  free(w->hist);
  free(w->lut);
  rn_trajectory_free(&w->t);
}

static enum rn_status work_alloc(struct work *w, const struct rn_cascade *c, int nlevels)
{
  size_t npix = (size_t)c->nx * c->ny;
  memset(w, 0, sizeof *w);
  w->Y = fftwf_alloc_complex((size_t)nlevels * c->nspec);
  w->xi = rn_cascade_spec(c);
  w->spec = rn_cascade_spec(c);
  w->real = rn_cascade_real(c);
  w->lag = rn_malloc(npix * sizeof(float), "ensemble member");
  w->hist = rn_malloc((NBINS + 1) * sizeof(unsigned), "ensemble member");
  w->lut = rn_malloc((NBINS + 1) * sizeof(float), "ensemble member");
  if (!w->Y || !w->xi || !w->spec || !w->real || !w->lag || !w->hist || !w->lut ||
      rn_trajectory_init(&w->t, c->nx, c->ny, MEMBER_STRIDE)) {
    work_free(w);
    return rn_error(RN_ENOMEM, "extrapolation-ens: out of memory for a member's buffers");
  }
  return RN_OK;
}

/* Metres per pixel, for perturbations given in m/s. */
static double metres_per_pixel(const struct rn_grid *g)
{
  const char *wkt = g->crs_wkt ? g->crs_wkt : "";
  double d = sqrt(g->dx * g->dy);
  if (strncmp(wkt, "GEOGCS", 6) == 0 || strncmp(wkt, "GEOGCRS", 7) == 0 ||
      strncmp(wkt, "GEOGRAPHICCRS", 13) == 0)
    d *= 111320.0; /* degrees */
  return d;
}

/* T = max(dBZ, floor), nodata = floor. */
static void to_cascade_units(const float *z, size_t n, float floor_dbz, float *t)
{
  for (size_t i = 0; i < n; i++)
    t[i] = isnan(z[i]) || z[i] < floor_dbz ? floor_dbz : z[i];
}

static enum rn_status ens_run(struct rn_predictor *p, const struct rn_frame *const *frames,
                              int nframes, struct rn_forecast *fc)
{
  struct ens *e = p->priv;
  const struct rn_frame *newest = frames[nframes - 1];
  int nx = fc->grid.nx, ny = fc->grid.ny, nthreads = 1, J = e->nlevels, failed = 0;
  size_t npix = (size_t)nx * ny, nspec;
  struct shared sh = {0};
  struct rn_trajectory t1 = {0};
  struct work *works = NULL;
  float *u = NULL, *v = NULL, *uv = NULL, *z0 = NULL, *z1 = NULL, *T = NULL, *dist = NULL, *target = NULL;
  float *a = NULL;
  fftwf_complex *F0 = NULL, *F1 = NULL;
  double var[MAX_LEVELS], rho[MAX_LEVELS], beta, frame_step, mpp, mx = 0, my = 0, mn = 0;
  enum rn_status st = RN_ENOMEM;

  if (nx < 2 || ny < 2)
    return rn_error(RN_EUNSUPPORTED, "extrapolation-ens: grid of %d x %d: too small", nx, ny);
  if (e->cascade.nx != nx || e->cascade.ny != ny || e->cascade.nlevels != J) {
    rn_cascade_free(&e->cascade);
    if ((st = rn_cascade_init(&e->cascade, nx, ny, J)))
      return st;
    st = RN_ENOMEM;
  }
  nspec = e->cascade.nspec;
  u = rn_malloc(npix * sizeof(float), "motion");
  v = rn_malloc(npix * sizeof(float), "motion");
  uv = rn_malloc(2 * npix * sizeof(float), "motion");
  z0 = rn_extrap_floored(newest);
  z1 = rn_extrap_floored(frames[nframes - 2]);
  T = rn_cascade_real(&e->cascade);
  dist = rn_malloc(npix * sizeof(float), "echo distance");
  target = rn_malloc(npix * sizeof(float), "observed distribution");
  a = rn_malloc((size_t)J * nspec * sizeof(float), "noise filters");
  F0 = rn_cascade_spec(&e->cascade);
  F1 = rn_cascade_spec(&e->cascade);
  if (!u || !v || !uv || !z0 || !z1 || !T || !dist || !target || !a || !F0 || !F1)
    goto done;
  if ((st = rn_extrap_motion(&e->motion, frames, nframes, fc, u, v, &sh.steps)))
    goto done;
  frame_step = (double)(newest->time - frames[nframes - 2]->time);

  /* Spectra of the newest frame and of the previous one advected onto it. */
  to_cascade_units(z0, npix, e->floor_dbz, T);
  rn_cascade_forward(&e->cascade, T, F0);
  if ((st = rn_trajectory_init(&t1, nx, ny, 1)))
    goto done;
  rn_motion_interleave(u, v, npix, uv);
  rn_trajectory_step(&t1, uv, 0, 0, 1.0f);
  rn_advect_sample(z1, &t1, T);
  to_cascade_units(T, npix, e->floor_dbz, T);
  rn_cascade_forward(&e->cascade, T, F1);
  rn_cascade_variance(&e->cascade, F0, var);
  rn_cascade_correlation(&e->cascade, F1, F0, rho);
  beta = rn_cascade_powerlaw(&e->cascade, F0, -3.0);
  beta = beta < -4.5 ? -4.5 : beta > -1.0 ? -1.0 : beta;

  /* Noise amplitude of each level: band-pass x power law, unit variance,
   * times the level's innovation sigma_j sqrt(1 - phi_j^2). */
  for (int l = 0; l < J; l++) {
    const float *wl = e->cascade.w + (size_t)l * nspec;
    float *al = a + (size_t)l * nspec;
    double phi = rho[l] < 0 ? 0 : rho[l] > 0.999 ? 0.999 : rho[l], norm = 0, gain;
    phi = pow(phi, sh.steps);
    sh.phi[l] = (float)phi;
    for (size_t k = 0; k < nspec; k++) {
      al[k] = k ? wl[k] * (float)pow(e->cascade.k[k], 0.5 * beta) : 0;
      norm += e->cascade.mult[k] * (double)al[k] * al[k];
    }
    norm = sqrt(norm / (double)npix);
    gain = norm > 0 ? sqrt(var[l]) * sqrt(1 - phi * phi) / norm : 0;
    for (size_t k = 0; k < nspec; k++)
      al[k] = (float)(al[k] * gain);
    rn_log_debug("extrapolation-ens: level %d: sigma %.2f dBZ, phi %.3f per lead", l, sqrt(var[l]),
                 phi);
  }
  rn_log_debug("extrapolation-ens: power spectrum slope %.2f", beta);

  /* Target distribution, echo distance, mean motion direction. */
  sh.ntarget = 0;
  for (size_t i = 0; i < npix; i++)
    if (!isnan(z0[i]))
      target[sh.ntarget++] = z0[i];
  if (sh.ntarget == 0) { /* nothing measured: nothing to forecast */
    st = RN_OK;
    goto done;
  }
  qsort(target, sh.ntarget, sizeof(float), cmp_float);
  distance_map(z0, e->mask_dbz, nx, ny, dist);
  for (size_t i = 0; i < npix; i++)
    if (z0[i] >= e->mask_dbz)
      mx += u[i], my += v[i], mn++;
  if (mn > 0 && hypot(mx, my) > 1e-6 * mn) {
    sh.ex = (float)(mx / hypot(mx, my));
    sh.ey = (float)(my / hypot(mx, my));
  } else {
    sh.ex = 1, sh.ey = 0;
  }
  /* A flat field (no echo, or one constant value, wherever there is data:
   * a radar's coverage edge is not weather) has nothing to move or perturb:
   * every member is then the field itself, its nodata where it was. */
  {
    double total = 0;
    for (int l = 0; l < J; l++)
      total += var[l];
    mpp = metres_per_pixel(&fc->grid);
    if (total > 1e-6 && target[sh.ntarget - 1] > target[0]) {
      sh.sd_par = (float)(e->pert_par * frame_step / mpp);
      sh.sd_perp = (float)(e->pert_perp * frame_step / mpp);
    }
  }

  sh.nx = nx, sh.ny = ny, sh.nlevels = J, sh.npix = npix, sh.c = &e->cascade;
  sh.uv = uv, sh.F0 = F0, sh.a = a, sh.z0 = z0, sh.target = target, sh.dist = dist;
  sh.mask_radius = e->mask_radius, sh.mask_growth = e->mask_growth;
  {
    uint64_t s = p->seed, r = (uint64_t)fc->reference_time;
    sh.seed = rn_splitmix64(&s) ^ rn_splitmix64(&r);
  }

#ifdef _OPENMP
  nthreads = omp_get_max_threads();
  if (nthreads > fc->nmembers)
    nthreads = fc->nmembers;
#endif
  works = rn_calloc((size_t)nthreads, sizeof *works, "ensemble buffers");
  if (!works)
    goto done;
  for (int i = 0; i < nthreads; i++)
    if ((st = work_alloc(&works[i], &e->cascade, J))) {
      failed = 1;
      break;
    }
  if (!failed) {
#pragma omp parallel num_threads(nthreads)
    {
      int tid = 0;
#ifdef _OPENMP
      tid = omp_get_thread_num();
#endif
#pragma omp for schedule(dynamic, 1)
      for (int m = 0; m < fc->nmembers; m++)
        member_run(&sh, &works[tid], m, fc);
    }
    st = RN_OK;
  }
done:
  if (works)
    for (int i = 0; i < nthreads; i++)
      work_free(&works[i]);
  free(works);
  rn_trajectory_free(&t1);
  free(u);
  free(v);
  free(uv);
  free(z0);
  free(z1);
  fftwf_free(T);
  free(dist);
  free(target);
  free(a);
  fftwf_free(F0);
  fftwf_free(F1);
  return st;
}

const struct rn_predictor_ops rn_extrapolation_ens_ops = {
    .name = "extrapolation-ens",
    .summary = "stochastic extrapolation: perturbed motion, STEPS-like cascade noise",
    .ninputs = 3,
    .nmembers = 20,
    .stochastic = 1,
    .devices = RN_DEVICE_BIT(RN_DEVICE_CPU),
    .create = ens_create,
    .destroy = ens_destroy,
    .run = ens_run,
};
