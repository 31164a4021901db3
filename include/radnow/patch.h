/* patch.h - PredRNN's space-to-depth patches (reshape_patch).
 *
 * Dimension letters: B batch, T time, H height, W width, C channels, p the
 * patch size. reshape_patch turns [B,T,H,W,C] into [B,T,H/p,W/p,p*p*C]
 * exactly as predrnn-pytorch's core/utils/preprocess.py does (reshape to
 * [B,T,H/p,p,W/p,p,C], swap the two middle axes, reshape):
 *
 *   out[b,t,i,j,(py*p + px)*C + c] = in[b,t,i*p + py, j*p + px, c]
 *
 * and reshape_patch_back is its inverse. Tensors are dense, row-major. */
#ifndef RADNOW_PATCH_H
#define RADNOW_PATCH_H

#include <radnow/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* out: [B,T,H/p,W/p,p*p*C], in: [B,T,H,W,C]. H and W must be multiples of p.
 * out and in must not overlap. */
enum rn_status rn_reshape_patch(float *out, const float *in, int B, int T, int H, int W, int C,
                                int p);
/* out: [B,T,H,W,C], in: [B,T,H/p,W/p,p*p*C] (H, W, C of the image). */
enum rn_status rn_reshape_patch_back(float *out, const float *in, int B, int T, int H, int W,
                                     int C, int p);

#ifdef __cplusplus
}
#endif
#endif
