/* net.h - inside the recurrent predictors (model.h): the model object, the
 * parameter helpers, gate convolutions and the LSTM arithmetic shared by the
 * cells, and the interface between the time loop (model.c), the cells
 * (convlstm.c, predrnn.c, mim.c) and the MotionRNN wrapper (motionrnn.c).
 *
 * Dimension letters: B batch, nh hidden channels of a layer, P x Q the
 * patched frame, HW = P*Q, Cp = patch*patch*C channels of a patched frame.
 * Every map is NCHW; gates are channel slices of one convolution output
 * [B, k*nh, P, Q] used in place (rn_chan), never split copies.
 *
 * Memory: two arenas. `act` holds what the backward reads (states, gate
 * activations, layer-norm statistics) and is reset by each forward; `tmp`
 * is scratch that a cell takes after rn_arena_mark and gives back before it
 * returns. In inference (rn_model_predict) the time loop also releases
 * `act` after every step, keeping only two sets of states. */
#ifndef RADNOW_MODELS_NET_H
#define RADNOW_MODELS_NET_H

#include <radnow/layers.h>
#include <radnow/model.h>

#define NET_MAXINIT 512 /* tensors with an initialisation rule */
#define NET_NSAVED 48   /* saved pointers per cell and step */

/* One convolution (optionally followed by a layer norm) and its input size. */
struct net_conv {
  struct rn_tensor *w, *b;      /* b NULL: no bias */
  struct rn_tensor *g, *beta;   /* layer norm gamma/beta, NULL when off */
  enum rn_affine ln;            /* RN_AFFINE_NONE: no layer norm */
  int cin, cout, k, stride, pad, transposed;
  int H, W;                     /* input size */
};

/* MIM-N / MIM-S: a ConvLSTM with per-pixel peepholes (MODELS.md). */
struct net_peephole {
  struct net_conv h, x;
  struct rn_tensor *wci, *wcf, *wco; /* [nh, P, Q] */
};

/* The MotionRNN pieces after one layer. */
struct net_wrapper {
  struct net_conv enc, upd, rst, out, wgate, wconv, dec, gate;
};

struct net_layer {
  int cin, nh;
  struct net_conv cx, ch, cm, co, clast; /* ConvLSTM: cx ch; PredRNN: cx ch cm co clast;
                                            MIM layer 0: cx ch cm clast */
  struct net_conv ct, cs;                /* MIM block: ct cs cx clast */
  struct net_peephole mims, mimn;        /* MIM block (layers >= 1) */
  struct net_wrapper wr;                 /* MotionRNN, layers < L-1 */
};

/* Recurrent state of one layer after a step; unused members NULL.
 * h is the layer's output (after the MotionRNN fusion when wrapped). */
struct net_state {
  float *h, *c, *s, *n, *nc; /* s: MIM-S cell; n, nc: MIM-N output (D) and cell */
};

struct net_saved {
  float *p[NET_NSAVED];
};

/* What a cell reads at step t. */
struct cell_in {
  int t, B;
  const float *x;                       /* [B, cin, P, Q] */
  const float *hw;                      /* Motion Highway, NULL when not wrapped */
  const float *m;                       /* zigzag memory in, NULL for ConvLSTM */
  const struct net_state *prev;         /* own layer at t-1 (zeros at t = 0) */
  const struct net_state *below;        /* layer l-1 at t, NULL for l = 0 */
  const struct net_state *below_prev;   /* layer l-1 at t-1, NULL for l = 0 or t = 0 */
};

/* Gradients around a cell's backward. dout and dm_out are read (gradients
 * of the outputs from outside the cell); everything else is ADDED to, and a
 * NULL pointer means "not wanted" (initial states at t = 0). */
struct cell_grad {
  struct net_state dout;
  const float *dm_out;
  struct net_state dprev, dbelow, dbelow_prev;
  float *dx, *dhw, *dm_in;
};

struct rn_model;

struct cell_ops {
  const char *name;
  int has_m; /* zigzag spatiotemporal memory */
  enum rn_status (*declare)(struct rn_model *m, int l);
  /* out: buffers of the new state (h, c and the kind's extras) to write;
   * m_out: the new zigzag memory (has_m). */
  void (*forward)(struct rn_model *m, int l, const struct cell_in *in, const struct net_state *out,
                  float *m_out, struct net_saved *sv);
  void (*backward)(struct rn_model *m, int l, const struct cell_in *in,
                   const struct net_state *out, const float *m_out, const struct net_saved *sv,
                   const struct cell_grad *g);
};

extern const struct cell_ops net_convlstm_ops, net_predrnn_ops, net_mim_ops;

enum net_init { NET_INIT_UNIFORM = 0, NET_INIT_ZERO, NET_INIT_ONE };

struct net_init_rule {
  struct rn_tensor *t;
  enum net_init kind;
  float bound;
};

/* One step of the last training forward (host record of device pointers). */
struct net_step {
  float *x, *hw0, *pred;                       /* input, highway of layer 0, prediction */
  struct net_state st[RN_MODEL_MAXLAYERS];     /* states after the step */
  float *hpre[RN_MODEL_MAXLAYERS];             /* h before the MotionRNN fusion */
  float *mem[RN_MODEL_MAXLAYERS];              /* zigzag memory out of each layer */
  float *F[RN_MODEL_MAXLAYERS], *D[RN_MODEL_MAXLAYERS]; /* MotionGRU states */
  struct net_saved cell[RN_MODEL_MAXLAYERS], wrap[RN_MODEL_MAXLAYERS];
};

struct rn_model {
  struct rn_model_config mc;
  struct rn_backend *be;
  struct rn_params params;
  struct rn_arena *act, *tmp;
  const struct cell_ops *ops;
  int L, P, Q, Cp;                   /* layers, patched frame size and channels */
  struct net_layer layer[RN_MODEL_MAXLAYERS];
  struct net_conv highway, last;     /* Motion Highway of layer 0; output 1x1 */
  struct net_init_rule init[NET_MAXINIT];
  int ninit;
  /* the last training forward */
  int B, ready;                      /* ready: a forward whose backward has not run */
  float *frames;                     /* patched, time-major [T, B, Cp, P, Q] */
  float *preds;                      /* patched, time-major [T-1, B, Cp, P, Q] */
  float *out;                        /* unpatched [B, T-1, C, H, W] */
  float *mask;                       /* host [B, T_out-1], ones for teacher forcing */
  float *zero;                       /* zeros, the largest state of a batch */
  struct net_step *steps;            /* [T-1], host */
  int nsteps_cap;
  size_t peak_act, peak_tmp;         /* floats */
};

/* Checks of a definition (model_config.c); `where` names it in messages. */
enum rn_status net_config_check(const struct rn_model_config *mc, const char *where);

/* ---- parameters (net.c) ---- */
/* Declare a tensor named by the printf format, with its initialisation. */
struct rn_tensor *net_param(struct rn_model *m, enum net_init kind, float bound, int ndim,
                            const int *shape, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Declare a convolution "PREFIX.weight"/"PREFIX.bias" (bias: 0 none). Its
 * initialisation: weight uniform +-wbound, bias uniform +-bbound, where a
 * negative bound means PyTorch's default 1/sqrt(fan_in) (0: zeros).
 * transposed: ConvTranspose2d, weight [cin, cout, k, k]. */
enum rn_status net_conv_declare(struct rn_model *m, struct net_conv *c, const char *prefix,
                                int cin, int cout, int k, int stride, int pad, int bias, int H,
                                int W, float wbound, float bbound, int transposed);
/* Add a layer norm after c: PyTorch LayerNorm([cout, H, W]) ("PREFIX.weight",
 * "PREFIX.bias", per element) or MIM's ("PREFIX.gamma", "PREFIX.beta", per
 * channel). Output size = input size (stride 1). */
enum rn_status net_ln_declare(struct rn_model *m, struct net_conv *c, const char *prefix,
                              enum rn_affine kind);
float net_glorot(int cin, int cout, int k);

/* ---- gate convolutions ----
 * out = LN(conv(x) + b) (or without LN). With layer norm the convolution
 * output, mean and rstd go to sv[0..2] (act arena) for the backward. */
void net_conv_fwd(struct rn_model *m, const struct net_conv *c, float *out, const float *x, int B,
                  float **sv);
/* dx += (may be NULL), weight/bias/LN gradients += from dout. */
void net_conv_bwd(struct rn_model *m, const struct net_conv *c, float *dx, const float *dout,
                  const float *x, int B, float *const *sv);
/* Output elements per sample of a convolution. */
long net_conv_outsize(const struct net_conv *c);

/* ---- arena helpers ---- */
float *net_act(struct rn_model *m, long n);   /* kept until the next forward */
float *net_tmp(struct rn_model *m, long n);   /* scratch (mark/release around it) */
float *net_tmpz(struct rn_model *m, long n);  /* zeroed scratch */

/* ---- LSTM arithmetic on slices ----
 * activate: in place, sigmoid(x + bias) or tanh(x). */
void net_sigmoid(struct rn_model *m, struct rn_slice x, float bias);
void net_tanh(struct rn_model *m, struct rn_slice x);
/* cn = f * c + i * g (f, i, g activations; c may be zeros) */
void net_update_fwd(struct rn_model *m, struct rn_slice cn, struct rn_slice f, struct rn_slice c,
                    struct rn_slice i, struct rn_slice g, float *tmp);
/* from dcn: dpf += dcn c f(1-f), dpi += dcn g i(1-i), dpg += dcn i (1-g^2)
 * (gradients of the pre-activations), dc += dcn f (dc.p may be NULL). */
void net_update_bwd(struct rn_model *m, struct rn_slice dpf, struct rn_slice dpi,
                    struct rn_slice dpg, struct rn_slice dc, struct rn_slice dcn,
                    struct rn_slice f, struct rn_slice c, struct rn_slice i, struct rn_slice g,
                    float *tmp);
/* h = o * th + (1 - o) * hw  (hw.p NULL: h = o * th) */
void net_out_fwd(struct rn_model *m, struct rn_slice h, struct rn_slice o, struct rn_slice th,
                 struct rn_slice hw, float *tmp);
/* from dh: dpo += dh (th - hw) o(1-o), dth += dh o, dhw += dh (1 - o) */
void net_out_bwd(struct rn_model *m, struct rn_slice dpo, struct rn_slice dth, struct rn_slice dhw,
                 struct rn_slice dh, struct rn_slice o, struct rn_slice th, struct rn_slice hw,
                 float *tmp);
/* Copy channel groups: dst[B, Cd, HW] channels [d0, d0+n) = src[B, Cs, HW]
 * channels [s0, s0+n) (acc: +=). */
void net_chan_copy(struct rn_model *m, float *dst, int Cd, int d0, const float *src, int Cs,
                   int s0, int n, int B, long HW, int acc);

/* ---- the peephole LSTM (mim.c) ---- */
enum rn_status net_peephole_declare(struct rn_model *m, struct net_peephole *p, const char *prefix,
                                    int cin, int nh, float conv_bound);
/* (out, cn) = peephole(x, h, c); sv: NET_PEEP_NSAVED slots */
#define NET_PEEP_NSAVED 12
void net_peephole_fwd(struct rn_model *m, const struct net_peephole *p, float *out, float *cn,
                      const float *x, const float *h, const float *c, int B, float **sv);
/* dx, dh, dc += from dout (of out) and dcn (of cn; may be NULL) */
void net_peephole_bwd(struct rn_model *m, const struct net_peephole *p, float *dx, float *dh,
                      float *dc, const float *dout, const float *dcn, const float *x,
                      const float *h, const float *c, const float *out, const float *cn, int B,
                      float *const *sv);

/* ---- MotionRNN (motionrnn.c) ---- */
#define NET_MOTION_CH 18 /* 2 k^2 offset channels of the 3x3 MotionGRU */
enum rn_status net_wrapper_declare(struct rn_model *m, int l);
/* (hout, F, D) = wrapper(h, Fp, Dp) of layer l */
void net_wrapper_fwd(struct rn_model *m, int l, float *hout, float *F, float *D, const float *h,
                     const float *Fp, const float *Dp, int B, struct net_saved *sv);
/* dh, dFp, dDp += from dhout, dF, dD (dFp, dDp NULL at t = 0) */
void net_wrapper_bwd(struct rn_model *m, int l, float *dh, float *dFp, float *dDp,
                     const float *dhout, const float *dF, const float *dD, const float *h,
                     const float *Fp, const float *Dp, const float *hout, const float *F, int B,
                     const struct net_saved *sv);

#endif
