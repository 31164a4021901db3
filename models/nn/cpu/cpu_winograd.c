/* cpu_winograd.c - Winograd convolutions F(m x m, k x k) for stride-1 2-D
 * convolutions (Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural
 * Networks"), forward and both backward passes.
 *
 * Each output tile of m x m points is computed from an n x n input tile,
 * n = m + k - 1, as
 *   Y = A^T [ U (.) V ] A,   U = G g G^T (weights),   V = B^T d B (input)
 * where (.) is an element-wise product that, summed over input channels,
 * becomes n*n independent matrix products M[xi] = U[xi] V[xi] ([O x C] by
 * [C x tiles]). For k = 5 and m = 4 that is 64 products per 16 outputs
 * instead of 25 per output: 6.25 times fewer multiplications than the direct
 * convolution. The backward passes are the exact adjoints of that forward:
 *   dM = A dY A^T,  dV = U^T dM,  dd = B dV B^T (overlap-added),
 *   dU = sum over tiles of dM V^T,  dg = G^T dU G.
 * The price is accuracy: the transforms lose one to two decimal digits of
 * float32 (about 1e-5 of the largest value; tests/numeric/test_winograd.c
 * states the bound). So it is a choice of the backend (RN_CONV_WINOGRAD):
 * the neural predictors take it by default ([predictor.NAME] conv), while
 * training ([train] conv) and the library default keep oneDNN's direct
 * convolutions, exact to float32.
 *
 * The matrices come from the interpolation points 0, +-1, +-2, +-1/2 and
 * infinity, built in double at first use. Weights transformed for a forward
 * pass are kept while the parameters are held (rn_backend_hold_params), so a
 * recurrent model transforms each weight once per sequence, not once per
 * step. The n*n matrix products run in parallel, each on one thread
 * (oneDNN's sgemm when built with it). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#ifdef RN_HAVE_DNNL
#include <dnnl.h>
#endif

#include "cpu.h"

/* The 16-float vectors below are passed between inlined helpers only; the
 * warning about their calling convention without AVX-512 does not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"

#define NMAX 8
#define KMAX 7
#define NCACHE 96

/* a row or column of a transform matrix: its non-zero entries */
struct sparse {
  int cnt;
  int idx[NMAX];
  float v[NMAX];
};

struct wg_mats {
  int m, k, n;
  float AT[NMAX * NMAX]; /* m x n */
  float BT[NMAX * NMAX]; /* n x n */
  float GG[NMAX * NMAX * KMAX * KMAX]; /* kron(G, G): n*n x k*k */
  struct sparse BTrow[NMAX], BTcol[NMAX], ATrow[NMAX], ATcol[NMAX];
};

static void sparse_of(struct sparse *sp, const float *a, int len, int step)
{
  sp->cnt = 0;
  for (int i = 0; i < len; i++)
    if (a[i * step] != 0.0f) {
      sp->idx[sp->cnt] = i;
      sp->v[sp->cnt++] = a[i * step];
    }
}

struct wg_entry {
  const float *w;
  int O, C, k;
  unsigned long epoch, used;
  size_t bytes;
  float *U; /* [n*n][O][C] */
};

struct rn_winograd {
  struct wg_mats mats[KMAX + 1];
  int made[KMAX + 1];
  struct wg_entry cache[NCACHE];
  unsigned long clock;
  size_t cache_bytes;
};

/* The tile size for a kernel size: n = m + k - 1 is 8 for k >= 4 and 6 for
 * k = 3 (F(4x4, 3x3), the usual choice; F(6, 3) loses more digits). */
static int tile_of(int k) { return k == 3 ? 4 : NMAX - k + 1; }

int rn_cpu_winograd_supports(const struct rn_conv *s)
{
  return !s->transposed && s->D == 1 && s->KD == 1 && s->KH == s->KW && s->KH >= 3 &&
         s->KH <= KMAX && s->SH == 1 && s->SW == 1 && s->PH < s->KH && s->PW < s->KW &&
         (long)s->C * s->O >= 256;
}

/* Gauss-Jordan inverse of an n x n matrix (n <= 8, well conditioned). */
static void invert(int n, double *a, double *inv)
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      inv[i * n + j] = i == j;
  for (int c = 0; c < n; c++) {
    int p = c;
    for (int r = c + 1; r < n; r++)
      if (fabs(a[r * n + c]) > fabs(a[p * n + c]))
        p = r;
    for (int j = 0; j < n; j++) {
      double t = a[c * n + j];
      a[c * n + j] = a[p * n + j];
      a[p * n + j] = t;
      t = inv[c * n + j];
      inv[c * n + j] = inv[p * n + j];
      inv[p * n + j] = t;
    }
    double d = a[c * n + c];
    for (int j = 0; j < n; j++) {
      a[c * n + j] /= d;
      inv[c * n + j] /= d;
    }
    for (int r = 0; r < n; r++) {
      if (r == c)
        continue;
      double f = a[r * n + c];
      for (int j = 0; j < n; j++) {
        a[r * n + j] -= f * a[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
}

/* Toom-Cook matrices of F(m, k) from the points (Lavin's construction, with
 * the scaling that keeps B^T's entries small put into G). */
static void make_mats(struct wg_mats *w, int k)
{
  static const double pts[NMAX - 1] = {0, 1, -1, 2, -2, 0.5, -0.5};
  const int m = tile_of(k), n = m + k - 1;
  double V[NMAX * NMAX] = {0}, Vi[NMAX * NMAX], G[NMAX * KMAX] = {0}, D[NMAX];
  w->m = m;
  w->k = k;
  w->n = n;
  for (int j = 0; j < n - 1; j++) {
    D[j] = 1.0;
    for (int l = 0; l < n - 1; l++)
      if (l != j)
        D[j] /= pts[j] - pts[l];
    for (int i = 0; i < n; i++)
      V[j * n + i] = pow(pts[j], i);
    for (int i = 0; i < k; i++)
      G[j * k + i] = D[j] * pow(pts[j], i);
  }
  D[n - 1] = 1.0;
  V[(n - 1) * n + n - 1] = 1.0;
  G[(n - 1) * k + k - 1] = 1.0;
  invert(n, V, Vi);
  for (int j = 0; j < n; j++) /* B^T = diag(1/D) V^-T */
    for (int i = 0; i < n; i++)
      w->BT[j * n + i] = (float)(Vi[i * n + j] / D[j]);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      w->AT[i * n + j] = (float)(j < n - 1 ? pow(pts[j], i) : i == m - 1);
  for (int a = 0; a < n; a++)
    for (int b = 0; b < n; b++)
      for (int p = 0; p < k; p++)
        for (int q = 0; q < k; q++)
          w->GG[(a * n + b) * k * k + p * k + q] = (float)(G[a * k + p] * G[b * k + q]);
  for (int i = 0; i < n; i++) {
    sparse_of(&w->BTrow[i], w->BT + i * n, n, 1);
    sparse_of(&w->BTcol[i], w->BT + i, n, n);
    sparse_of(&w->ATcol[i], w->AT + i, m, n);
  }
  for (int i = 0; i < m; i++)
    sparse_of(&w->ATrow[i], w->AT + i * n, n, 1);
}

static struct rn_winograd *state(struct rn_backend *be)
{
  if (!be->wino) {
    be->wino = calloc(1, sizeof(struct rn_winograd));
    if (!be->wino)
      rn_be_fail(be, RN_ENOMEM, "cpu: out of memory for the Winograd state");
  }
  return (struct rn_winograd *)be->wino;
}

static const struct wg_mats *mats(struct rn_winograd *st, int k)
{
  if (!st->made[k]) {
    make_mats(&st->mats[k], k);
    st->made[k] = 1;
  }
  return &st->mats[k];
}

void rn_cpu_winograd_close(struct rn_backend *be)
{
  struct rn_winograd *st = (struct rn_winograd *)be->wino;
  if (!st)
    return;
  for (int i = 0; i < NCACHE; i++)
    free(st->cache[i].U);
  free(st);
  be->wino = NULL;
}

/* ---- one-thread sgemm inside the parallel loops ---- */

static void gemm1(int ta, int tb, int M, int N, int K, const float *A, int lda, const float *B,
                  int ldb, float beta, float *C, int ldc)
{
#ifdef RN_HAVE_DNNL
  /* oneDNN's sgemm runs on the calling thread inside a parallel region */
  dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
#else
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M,
              N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
#endif
}

/* parallel over xi when oneDNN's sgemm is there (safe on one thread each);
 * OpenBLAS threads itself, so its calls stay sequential */
#ifdef RN_HAVE_DNNL
#define XI_PARALLEL _Pragma("omp parallel for schedule(dynamic)")
#else
#define XI_PARALLEL
#endif

/* ---- weights ---- */

/* U[xi][o][c] = (G g[o][c] G^T)[xi]: one product with kron(G, G). */
static void weights_transform(struct rn_backend *be, const struct wg_mats *w, float *U,
                              const float *g, int O, int C)
{
  const int nn = w->n * w->n, kk = w->k * w->k;
  be->ops->gemm(be, 0, 1, nn, O * C, kk, 1.0f, w->GG, kk, g, kk, 0.0f, U, O * C);
}

/* The transformed weights: cached while the parameters are held, else made
 * in `scratch`. */
static const float *weights(struct rn_backend *be, struct rn_winograd *st, const struct wg_mats *w,
                            const float *g, int O, int C, float *scratch)
{
  const size_t bytes = (size_t)w->n * w->n * O * C * sizeof(float);
  if (!be->params_held) {
    weights_transform(be, w, scratch, g, O, C);
    return scratch;
  }
  struct wg_entry *lru = &st->cache[0];
  for (int i = 0; i < NCACHE; i++) {
    struct wg_entry *e = &st->cache[i];
    if (e->U && e->w == g && e->O == O && e->C == C && e->k == w->k &&
        e->epoch == be->params_epoch) {
      e->used = ++st->clock;
      return e->U;
    }
  }
  for (int i = 0; i < NCACHE; i++) { /* a free or stale entry, else the least recently used */
    struct wg_entry *e = &st->cache[i];
    if (!e->U || e->epoch != be->params_epoch) {
      lru = e;
      break;
    }
    if (e->used < lru->used)
      lru = e;
  }
  if (lru->U) {
    st->cache_bytes -= lru->bytes;
    free(lru->U);
    lru->U = NULL;
  }
  /* beyond 1 GiB of transformed weights, transform per call */
  if (st->cache_bytes + bytes > ((size_t)1 << 30) ||
      !(lru->U = aligned_alloc(64, (bytes + 63) & ~(size_t)63))) {
    weights_transform(be, w, scratch, g, O, C);
    return scratch;
  }
  st->cache_bytes += bytes;
  lru->bytes = bytes;
  lru->w = g;
  lru->O = O;
  lru->C = C;
  lru->k = w->k;
  lru->epoch = be->params_epoch;
  lru->used = ++st->clock;
  weights_transform(be, w, lru->U, g, O, C);
  return lru->U;
}

/* ---- tiles ----
 * The transforms read and write padded planes, so that no tile needs bounds
 * checks: inputs [B][C][IH][IW] with the zero padding around and enough
 * zeros after the last row and column for whole tiles (IH = th*m + k - 1),
 * outputs [B][O][th*m][tw*m]. When the caller's tensors already have that
 * shape (no padding, outputs a multiple of m) they are used in place. */

struct tiling {
  int B, C, O, H, W, OH, OW, PH, PW;
  int m, n, th, tw; /* tile size and tiles per column / row */
  int IH, IW;       /* padded input plane */
  int YH, YW;       /* padded output plane: th*m x tw*m */
  long T;           /* tiles in all */
};

static struct tiling tiling_of(const struct rn_conv *s, const struct wg_mats *w)
{
  struct tiling t = {s->B, s->C, s->O, s->H, s->W, s->OH, s->OW, s->PH, s->PW, w->m, w->n, 0, 0, 0, 0, 0, 0, 0};
  t.th = (s->OH + w->m - 1) / w->m;
  t.tw = (s->OW + w->m - 1) / w->m;
  t.IH = t.th * w->m + w->k - 1;
  t.IW = t.tw * w->m + w->k - 1;
  t.YH = t.th * w->m;
  t.YW = t.tw * w->m;
  t.T = (long)s->B * t.th * t.tw;
  return t;
}

static int input_in_place(const struct tiling *t)
{
  return t->PH == 0 && t->PW == 0 && t->IH == t->H && t->IW == t->W;
}

static int output_in_place(const struct tiling *t) { return t->YH == t->OH && t->YW == t->OW; }

/* Tiles per chunk: a multiple of 16 (the vector width), enough for
 * efficient products, few enough that the chunk's transformed tiles stay
 * near the caches. */
static long chunk_of(const struct tiling *t)
{
  long per_tile = (long)t->n * t->n * (t->C + t->O);
  long tc = ((long)1 << 20) / per_tile; /* ~4 MB of floats */
  tc = tc < 32 ? 32 : tc > 256 ? 256 : tc & ~15L;
  return tc > t->T ? t->T : tc;
}

/* copy [B][C][H][W] into the padded plane (zeros around) */
static void pad_planes(float *dst, const float *src, int BC, int H, int W, int DH, int DW, int py,
                       int px)
{
#pragma omp parallel for schedule(static) if ((long)BC * DH * DW > RN_OMP_MIN)
  for (int bc = 0; bc < BC; bc++) {
    float *d = dst + (long)bc * DH * DW;
    const float *s = src + (long)bc * H * W;
    memset(d, 0, sizeof(float) * DH * DW);
    for (int y = 0; y < H && y + py < DH; y++)
      memcpy(d + (long)(y + py) * DW + px, s + (long)y * W, sizeof(float) * (W + px <= DW ? W : DW - px));
  }
}

/* dst [B][C][H][W] (+)= the window of the padded plane at (py, px) */
static void crop_planes(float *dst, const float *src, int BC, int H, int W, int SH, int SW, int py,
                        int px, int add)
{
#pragma omp parallel for schedule(static) if ((long)BC * H * W > RN_OMP_MIN)
  for (int bc = 0; bc < BC; bc++)
    for (int y = 0; y < H; y++) {
      float *d = dst + ((long)bc * H + y) * W;
      const float *s = src + ((long)bc * SH + y + py) * SW + px;
      if (add)
        for (int x = 0; x < W; x++)
          d[x] += s[x];
      else
        memcpy(d, s, sizeof(float) * W);
    }
}

/* The transforms work on blocks of JB = 16 tiles of one channel at a time,
 * the tile index innermost: every step is a sum of a few 16-float vectors
 * (one AVX-512 register; the compiler makes one version per vector width,
 * and splits the vectors where they are narrower). */
#define JB 16
typedef float v16 __attribute__((vector_size(64)));

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* the first nj floats of p, zeros after */
static inline __attribute__((always_inline)) v16 load16(const float *p, int nj)
{
  v16 v = {0};
  if (nj == JB)
    memcpy(&v, p, sizeof v); /* one vector load */
  else
    memcpy(&v, p, sizeof(float) * (size_t)nj);
  return v;
}

/* dst[j] = init + sum over the entries q of sp of sp.v[q] * src[sp.idx[q] *
 * stride + j], j < nj <= 16, summed in a register. */
static inline __attribute__((always_inline)) void lincomb(float *restrict dst, const struct sparse *sp, const float *restrict src,
                           long stride, int nj, float init)
{
  v16 acc = {0};
  acc += init;
  for (int q = 0; q < sp->cnt; q++)
    acc += sp->v[q] * load16(src + sp->idx[q] * stride, nj);
  if (nj == JB)
    memcpy(dst, &acc, sizeof acc);
  else
    memcpy(dst, &acc, sizeof(float) * (size_t)nj);
}

/* A block of tiles: where each starts, as an offset from channel 0 of image
 * 0 of the padded planes (image b adds b * channels * plane), for inputs and
 * for outputs. Made once per chunk; int offsets let the compiler use vector
 * gathers (the planes are checked to fit). */
struct block {
  int nj;
  int in[JB], out[JB];
};

static void blocks_of(const struct tiling *t, struct block *k, long t0, long tc)
{
  const long per_img = (long)t->th * t->tw;
  const long in_img = (long)t->C * t->IH * t->IW, out_img = (long)t->O * t->YH * t->YW;
  for (long j0 = 0; j0 < tc; j0 += JB, k++) {
    k->nj = (int)(tc - j0 < JB ? tc - j0 : JB);
    for (int j = 0; j < k->nj; j++) {
      const long tile = t0 + j0 + j, b = tile / per_img;
      const int r = (int)(tile % per_img), y = (r / t->tw) * t->m, x = (r % t->tw) * t->m;
      k->in[j] = (int)(b * in_img + (long)y * t->IW + x);
      k->out[j] = (int)(b * out_img + (long)y * t->YW + x);
    }
  }
}

/* The four transforms are two kinds of block step.
 *
 * Into the transformed domain (input: V = B^T d B; output gradient:
 * dM = A dY A^T): gather a p x p tile of every block tile from a plane
 * (tile j at plane[off[j] + a * ld + b]) and write
 *   out[i][e][j] = sum_a sum_b X[i][a] X[e][b] tile[a][b][j],   i, e < n,
 * as rows of nj floats tc apart; x[i] is row i of X (its non-zero entries,
 * over p). */
VECTOR_CLONES
static void to_domain(const struct sparse *x, int n, int p, const float *plane, int ld,
                      const int *off, int nj, float *out, long tc)
{
  const int S = (nj + 15) & ~15; /* row stride of the local blocks: nj rounded up to the vectors */
  float d[NMAX * NMAX * JB], u[NMAX * NMAX * JB];
  for (int a = 0; a < p; a++)
    for (int b = 0; b < p; b++) {
      float *row = d + (a * p + b) * S;
      const float *src = plane + a * ld + b;
      for (int j = 0; j < nj; j++)
        row[j] = src[off[j]];
      for (int j = nj; j < S; j++)
        row[j] = 0.0f;
    }
  for (int i = 0; i < n; i++) /* u[i][b] = sum_a X[i][a] d[a][b] */
    for (int b = 0; b < p; b++)
      lincomb(u + (i * p + b) * S, &x[i], d + b * S, (long)p * S, S, 0.0f);
  for (int i = 0; i < n; i++) /* out[i][e] = sum_b X[e][b] u[i][b] */
    for (int e = 0; e < n; e++)
      lincomb(out + (long)(i * n + e) * tc, &x[e], u + i * p * S, S, nj, 0.0f);
}

/* Out of the transformed domain (output: Y = A^T M A; input gradient:
 * dd = B dV B^T): from rows in[i][e][j] (tc apart), i, e < n,
 *   tile[a][b][j] = init + sum_i sum_e Z[a][i] Z[b][e] in[i][e][j],  a, b < p,
 * stored (add = 0) or added (add = 1) at plane[off[j] + a * ld + b]; z[a] is
 * row a of Z (over n). Tiles that overlap must be added one after the
 * other: the caller gives each thread its own planes. */
VECTOR_CLONES
static void from_domain(const struct sparse *z, int n, int p, const float *in, long tc,
                        float init, float *plane, int ld, const int *off, int nj, int add)
{
  const int S = (nj + 15) & ~15;
  float u[NMAX * NMAX * JB], y[NMAX * NMAX * JB];
  for (int a = 0; a < p; a++) /* u[a][e] = sum_i Z[a][i] in[i][e] */
    for (int e = 0; e < n; e++)
      lincomb(u + (a * n + e) * S, &z[a], in + e * tc, (long)n * tc, nj, 0.0f);
  for (int a = 0; a < p; a++) /* y[a][b] = init + sum_e Z[b][e] u[a][e] */
    for (int b = 0; b < p; b++)
      lincomb(y + (a * p + b) * S, &z[b], u + a * n * S, S, nj, init);
  for (int a = 0; a < p; a++)
    for (int b = 0; b < p; b++) {
      const float *row = y + (a * p + b) * S;
      float *dst = plane + a * ld + b;
      if (add)
        for (int j = 0; j < nj; j++)
          dst[off[j]] += row[j];
      else
        for (int j = 0; j < nj; j++)
          dst[off[j]] = row[j];
    }
}

/* V[c][xi][j] = (B^T d B)[xi] of the chunk's tiles (a chunk's transformed
 * tiles are [C][n*n][tc], so that each channel is one stretch of memory
 * and the products read V[xi] as a [C x tc] matrix with stride n*n*tc; M
 * and the gradients likewise). xp: padded input planes. */
static void input_transform(const struct wg_mats *w, const struct tiling *t, float *V,
                            const float *xp, const struct block *k, long tc)
{
  const int nb = (int)((tc + JB - 1) / JB), n = t->n;
#pragma omp parallel for collapse(2) schedule(static) if (t->C * tc > 64)
  for (int c = 0; c < t->C; c++)
    for (int i = 0; i < nb; i++)
      to_domain(w->BTrow, n, n, xp + (long)c * t->IH * t->IW, t->IW, k[i].in, k[i].nj,
                V + (long)c * n * n * tc + (long)i * JB, tc);
}

/* dxp += B dV B^T of the chunk's tiles, overlap-added into the padded
 * input planes: one thread per channel. */
static void input_transform_adjoint(const struct wg_mats *w, const struct tiling *t, float *dxp,
                                    const float *dV, const struct block *k, long tc)
{
  const int nb = (int)((tc + JB - 1) / JB), n = t->n;
#pragma omp parallel for schedule(static) if (t->C * tc > 64)
  for (int c = 0; c < t->C; c++)
    for (int i = 0; i < nb; i++)
      from_domain(w->BTcol, n, n, dV + (long)c * n * n * tc + (long)i * JB, tc, 0.0f,
                  dxp + (long)c * t->IH * t->IW, t->IW, k[i].in, k[i].nj, 1);
}

/* yp = A^T M A (+ bias) of the chunk's tiles; yp: padded output planes. */
static void output_transform(const struct wg_mats *w, const struct tiling *t, float *yp,
                             const float *M, const float *bias, const struct block *k, long tc)
{
  const int nb = (int)((tc + JB - 1) / JB), n = t->n;
#pragma omp parallel for collapse(2) schedule(static) if (t->O * tc > 64)
  for (int o = 0; o < t->O; o++)
    for (int i = 0; i < nb; i++)
      from_domain(w->ATrow, n, t->m, M + (long)o * n * n * tc + (long)i * JB, tc,
                  bias ? bias[o] : 0.0f, yp + (long)o * t->YH * t->YW, t->YW, k[i].out,
                  k[i].nj, 0);
}

/* dM[o][xi][j] = (A dY A^T)[xi] of the chunk's tiles; dyp: padded output
 * gradient planes (zeros beyond the output). */
static void output_transform_adjoint(const struct wg_mats *w, const struct tiling *t, float *dM,
                                     const float *dyp, const struct block *k, long tc)
{
  const int nb = (int)((tc + JB - 1) / JB), n = t->n;
#pragma omp parallel for collapse(2) schedule(static) if (t->O * tc > 64)
  for (int o = 0; o < t->O; o++)
    for (int i = 0; i < nb; i++)
      to_domain(w->ATcol, n, t->m, dyp + (long)o * t->YH * t->YW, t->YW, k[i].out, k[i].nj,
                dM + (long)o * n * n * tc + (long)i * JB, tc);
}

/* ---- the passes ---- */

/* What a pass works with: the matrices, the tiling, and one scratch block
 * cut into the weights' domain [n*n][O][C] (U: transformed weights, or dU),
 * a chunk's tiles in the domain [C][n*n][tc] (V) and [O][n*n][tc] (M), and
 * padded input and output planes (X, Y; NULL when the caller's tensors
 * serve as they are). */
struct pass {
  struct rn_winograd *st;
  const struct wg_mats *w;
  struct tiling t;
  long tc;
  int nn;
  float *U, *V, *M, *X, *Y;
  struct block blk[256 / JB];
};

/* 1: go on; 0: failed (the error is latched), -1: not Winograd's (the
 * caller's fallback takes it). x_planes: always give X (the input gradient
 * is overlap-added there). */
static int begin(struct rn_backend *be, const struct rn_conv *s, struct pass *p, int x_planes)
{
  if (be->conv != RN_CONV_WINOGRAD || !rn_cpu_winograd_supports(s))
    return -1;
  if (!(p->st = state(be)))
    return 0;
  p->w = mats(p->st, s->KH);
  p->t = tiling_of(s, p->w);
  p->tc = chunk_of(&p->t);
  p->nn = p->w->n * p->w->n;
  const struct tiling *t = &p->t;
  /* tile offsets are int */
  if ((double)t->B * t->C * t->IH * t->IW >= 2147483647.0 ||
      (double)t->B * t->O * t->YH * t->YW >= 2147483647.0)
    return -1;
  const size_t nU = (size_t)p->nn * t->O * t->C, nV = (size_t)p->nn * t->C * p->tc,
               nM = (size_t)p->nn * t->O * p->tc;
  const size_t nX = x_planes || !input_in_place(t) ? (size_t)t->B * t->C * t->IH * t->IW : 0;
  const size_t nY = output_in_place(t) ? 0 : (size_t)t->B * t->O * t->YH * t->YW;
  float *work = rn_be_work(be, nU + nV + nM + nX + nY);
  if (!work)
    return 0;
  p->U = work;
  p->V = work + nU;
  p->M = p->V + nV;
  p->X = nX ? p->M + nM : NULL;
  p->Y = nY ? p->M + nM + nX : NULL;
  return 1;
}

/* the tiles [t0, t0 + n) of the chunk at t0 */
static long chunk(struct pass *p, long t0)
{
  const long n = p->t.T - t0 < p->tc ? p->t.T - t0 : p->tc;
  blocks_of(&p->t, p->blk, t0, n);
  return n;
}

int rn_cpu_winograd_forward(struct rn_backend *be, const struct rn_conv *s, float *out,
                            const float *inp, const float *g, const float *bias)
{
  struct pass p;
  int r = begin(be, s, &p, 0);
  if (r <= 0)
    return r < 0 ? -1 : 0;
  const struct tiling *t = &p.t;
  const int nn = p.nn, C = t->C, O = t->O;
  const float *U = weights(be, p.st, p.w, g, O, C, p.U);
  const float *xp = inp;
  float *yp = p.Y ? p.Y : out;
  if (p.X) {
    pad_planes(p.X, inp, t->B * C, t->H, t->W, t->IH, t->IW, t->PH, t->PW);
    xp = p.X;
  }
  for (long t0 = 0, n; t0 < t->T; t0 += n) {
    n = chunk(&p, t0);
    input_transform(p.w, t, p.V, xp, p.blk, n);
    XI_PARALLEL
    for (int xi = 0; xi < nn; xi++) /* M[xi] = U[xi] V[xi] */
      gemm1(0, 0, O, (int)n, C, U + (size_t)xi * O * C, C, p.V + xi * n, nn * (int)n, 0.0f,
            p.M + xi * n, nn * (int)n);
    output_transform(p.w, t, yp, p.M, bias, p.blk, n);
  }
  if (p.Y)
    crop_planes(out, p.Y, t->B * O, t->OH, t->OW, t->YH, t->YW, 0, 0, 0);
  return 0;
}

int rn_cpu_winograd_backward_data(struct rn_backend *be, const struct rn_conv *s, float *dinp,
                                  const float *dout, const float *g)
{
  struct pass p;
  int r = begin(be, s, &p, 1);
  if (r <= 0)
    return r < 0 ? -1 : 0;
  const struct tiling *t = &p.t;
  const int nn = p.nn, C = t->C, O = t->O;
  const float *U = weights(be, p.st, p.w, g, O, C, p.U);
  const float *dy = dout;
  if (p.Y) {
    pad_planes(p.Y, dout, t->B * O, t->OH, t->OW, t->YH, t->YW, 0, 0);
    dy = p.Y;
  }
  memset(p.X, 0, sizeof(float) * t->B * C * t->IH * t->IW);
  for (long t0 = 0, n; t0 < t->T; t0 += n) {
    n = chunk(&p, t0);
    output_transform_adjoint(p.w, t, p.M, dy, p.blk, n);
    XI_PARALLEL
    for (int xi = 0; xi < nn; xi++) /* dV[xi] = U[xi]^T dM[xi] */
      gemm1(1, 0, C, (int)n, O, U + (size_t)xi * O * C, C, p.M + xi * n, nn * (int)n, 0.0f,
            p.V + xi * n, nn * (int)n);
    input_transform_adjoint(p.w, t, p.X, p.V, p.blk, n);
  }
  crop_planes(dinp, p.X, t->B * C, t->H, t->W, t->IH, t->IW, t->PH, t->PW, 1);
  return 0;
}

int rn_cpu_winograd_backward_weights(struct rn_backend *be, const struct rn_conv *s, float *dg,
                                     const float *dout, const float *inp)
{
  struct pass p;
  int r = begin(be, s, &p, 0);
  if (r <= 0)
    return r < 0 ? -1 : 0;
  const struct tiling *t = &p.t;
  /* the final G^T dU G costs as much as 64 tiles' products: fewer tiles go
   * to the direct convolution */
  if (t->T < 64)
    return -1;
  const int nn = p.nn, C = t->C, O = t->O, kk = p.w->k * p.w->k;
  const float *xp = inp, *dy = dout;
  if (p.X) {
    pad_planes(p.X, inp, t->B * C, t->H, t->W, t->IH, t->IW, t->PH, t->PW);
    xp = p.X;
  }
  if (p.Y) {
    pad_planes(p.Y, dout, t->B * O, t->OH, t->OW, t->YH, t->YW, 0, 0);
    dy = p.Y;
  }
  for (long t0 = 0, n; t0 < t->T; t0 += n) {
    n = chunk(&p, t0);
    output_transform_adjoint(p.w, t, p.M, dy, p.blk, n);
    input_transform(p.w, t, p.V, xp, p.blk, n);
    XI_PARALLEL
    for (int xi = 0; xi < nn; xi++) /* dU[xi] (+)= dM[xi] V[xi]^T */
      gemm1(0, 1, O, C, (int)n, p.M + xi * n, nn * (int)n, p.V + xi * n, nn * (int)n,
            t0 == 0 ? 0.0f : 1.0f, p.U + (size_t)xi * O * C, C);
  }
  /* dg[o][c] += G^T dU[o][c] G = sum over xi of dU[xi][oc] kron(G, G)[xi] */
  be->ops->gemm(be, 1, 0, O * C, kk, nn, 1.0f, p.U, O * C, p.w->GG, kk, 1.0f, dg, kk);
  return 0;
}
