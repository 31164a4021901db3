/* patch.c - PredRNN reshape_patch / reshape_patch_back (see patch.h). */
#include <radnow/patch.h>

#include <stddef.h>
#include <string.h>

static enum rn_status check(int B, int T, int H, int W, int C, int p)
{
  if (B <= 0 || T <= 0 || H <= 0 || W <= 0 || C <= 0 || p <= 0)
    return rn_error(RN_EUSAGE, "patch: shape [%d,%d,%d,%d,%d] with patch %d is not valid", B, T,
                    H, W, C, p);
  if (H % p || W % p)
    return rn_error(RN_EUSAGE, "patch: image %d x %d is not a multiple of the patch size %d", H,
                    W, p);
  return RN_OK;
}

/* Copy one patch row of C-channel pixels at a time: for fixed (b,t,i,py) the
 * p*C values of image row i*p+py within patch column j are contiguous on
 * both sides. */
enum rn_status rn_reshape_patch(float *out, const float *in, int B, int T, int H, int W, int C,
                                int p)
{
  const size_t run = (size_t)p * C;
  const int hp = H / p, wp = W / p;
  enum rn_status st = check(B, T, H, W, C, p);
  if (st)
    return st;
  for (size_t bt = 0; bt < (size_t)B * T; bt++) {
    const float *src = in + bt * (size_t)H * W * C;
    float *dst = out + bt * (size_t)H * W * C;
    for (int i = 0; i < hp; i++)
      for (int py = 0; py < p; py++)
        for (int j = 0; j < wp; j++)
          memcpy(dst + (((size_t)i * wp + j) * p * p + (size_t)py * p) * C,
                 src + (((size_t)i * p + py) * W + (size_t)j * p) * C, run * sizeof(float));
  }
  return RN_OK;
}

enum rn_status rn_reshape_patch_back(float *out, const float *in, int B, int T, int H, int W,
                                     int C, int p)
{
  const size_t run = (size_t)p * C;
  const int hp = H / p, wp = W / p;
  enum rn_status st = check(B, T, H, W, C, p);
  if (st)
    return st;
  for (size_t bt = 0; bt < (size_t)B * T; bt++) {
    const float *src = in + bt * (size_t)H * W * C;
    float *dst = out + bt * (size_t)H * W * C;
    for (int i = 0; i < hp; i++)
      for (int py = 0; py < p; py++)
        for (int j = 0; j < wp; j++)
          memcpy(dst + (((size_t)i * p + py) * W + (size_t)j * p) * C,
                 src + (((size_t)i * wp + j) * p * p + (size_t)py * p) * C, run * sizeof(float));
  }
  return RN_OK;
}
