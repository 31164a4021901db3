#!/usr/bin/python3
"""make_model_fixtures.py - PyTorch fixtures of radnow's recurrent predictors.

For small configurations of every model (ConvLSTM, PredRNN, MIM and the
MotionRNN wrapper on each backbone, layer norm on and off), run the
reference (tests/tools/ref_models.py, written from ../shared/MODELS.md) on
random data and write one RNT1 file (include/radnow/tensor.h) per
configuration to tests/models/fixtures/:

  op = "model", the definition (type, hidden, filter, patch, channels,
  height, width, input_length, output_length, layer_norm, loss: mse,
  half_sum, bmse or bmae),
  frames [B, T, C, H, W] (unpatched, in [0, 1]), mask [B, T_out - 1]
  (scheduled sampling, 1 = true frame), every parameter "param/NAME" (all
  randomised, including the zero-initialised MotionGRU convolutions, so
  every path carries a signal), the predictions [B, T - 1, C, H, W], the
  loss, every parameter gradient "grad/NAME", infer [B, T_out, C, H, W]
  (the same inputs, the network feeding itself: rn_model_predict), and
  train_loss[20]: the loss
  before each of 20 Adam steps (lr 1e-3, PyTorch defaults) on the same data.

`make check` runs tests/models/test_model on each file; this script is only
needed to regenerate them (Debian's python3-torch, float32, CPU, one thread,
fixed seed):

    /usr/bin/python3 tests/tools/make_model_fixtures.py [OUTDIR]
"""
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_models as R  # noqa: E402
from make_fixtures import write_rnt  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "models", "fixtures")
TRAIN_STEPS = 20
LR = 1e-3


def patch(frames, p):
    """[B,T,C,H,W] -> [B,T,p*p*C,H/p,W/p] (reshape_patch order)."""
    x = R.reshape_patch(frames.permute(0, 1, 3, 4, 2), p)
    return x.permute(0, 1, 4, 2, 3).contiguous()


def unpatch(x, p):
    y = R.reshape_patch_back(x.permute(0, 1, 3, 4, 2), p)
    return y.permute(0, 1, 4, 2, 3).contiguous()


def randomise(model, gen):
    """Every parameter random: convolutions uniform +-1.5/sqrt(fan_in)
    (a bit above PyTorch's default so that the gates leave their linear
    range), biases +-0.3, layer-norm gains 1 +- 0.3 and shifts +-0.3,
    peepholes +-0.5."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            u = torch.rand(p.shape, generator=gen) * 2 - 1
            if name.endswith(".weight") and p.dim() == 4:
                fan_in = p.shape[1] * p.shape[2] * p.shape[3]
                p.copy_(u * 1.5 / math.sqrt(fan_in))
            elif ".ln_" in name and (name.endswith(".weight") or name.endswith(".gamma")):
                p.copy_(1 + 0.3 * u)
            elif ".w_c" in name:
                p.copy_(0.5 * u)
            else:
                p.copy_(0.3 * u)


def balanced_weights(target):
    """The balanced losses' weights (Shi et al. 2017) of radnow's models
    (include/radnow/model.h): 1, 2, 5, 10, 30 from 0, 2, 5, 10, 30 mm/h of
    the target, Z = 200 R^1.6, dBZ on the [0, 1] scale u = (2 dBZ - 30) / 255."""
    dbz = [10 * math.log10(200 * r ** 1.6) for r in (2, 5, 10, 30)]
    thr = torch.tensor([(2 * d - 30) / 255 for d in dbz], dtype=torch.float32)
    w = torch.tensor([1, 2, 5, 10, 30], dtype=torch.float32)
    return w[torch.bucketize(target.contiguous(), thr, right=True)]


def loss_of(pred, target, kind):
    d = pred - target
    if kind == "half_sum":
        return 0.5 * (d * d).sum()
    if kind == "bmse":
        return (balanced_weights(target) * d * d).mean()
    if kind == "bmae":
        return (balanced_weights(target) * d.abs()).mean()
    return (d * d).mean()


def case(name, backbone, hidden, k, size, T_in, T_out, layer_norm=False, motion=False,
         loss="mse", patch_size=4, B=2, seed=0, frame_scale=1.0):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(1000 + seed)
    C, H, W = 1, size, size
    P, Q = H // patch_size, W // patch_size
    cin = patch_size * patch_size * C
    T = T_in + T_out
    model = R.RecurrentPredictor(backbone, cin, hidden, (P, Q), k=k, layer_norm=layer_norm,
                                 motion=motion)
    randomise(model, gen)
    frames = torch.rand(B, T, C, H, W, generator=gen) * frame_scale
    mask = (torch.rand(B, T_out - 1, generator=gen) < 0.5).float()
    mask[0, 0], mask[B - 1, T_out - 2] = 1.0, 0.0  # both kinds present
    fp = patch(frames, patch_size)
    m5 = mask.view(B, T_out - 1, 1, 1, 1)

    init = {n: p.detach().clone() for n, p in model.named_parameters()}
    with torch.no_grad():  # inference: the network feeds itself after the inputs
        infer = model(fp, torch.zeros_like(m5), T_in)[:, T_in - 1:]
    pred = model(fp, m5, T_in)
    lv = loss_of(pred, fp[:, 1:], loss)
    grads = torch.autograd.grad(lv, list(model.parameters()))

    # 20 Adam steps on the same batch, from the same weights
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    curve = []
    for _ in range(TRAIN_STEPS):
        opt.zero_grad()
        l2 = loss_of(model(fp, m5, T_in), fp[:, 1:], loss)
        curve.append(l2.item())
        l2.backward()
        opt.step()

    typ = ("motionrnn-" if motion else "") + backbone
    entries = [("op", "model"), ("type", typ),
               ("hidden", np.array(hidden, dtype=np.int32)),
               ("filter", k), ("patch", patch_size), ("channels", C), ("height", H),
               ("width", W), ("input_length", T_in), ("output_length", T_out),
               ("layer_norm", int(layer_norm)), ("loss", loss), ("lr", LR),
               ("frames", frames), ("mask", mask)]
    entries += [("param/" + n, v) for n, v in init.items()]
    entries += [("pred", unpatch(pred.detach(), patch_size)),
                ("infer", unpatch(infer, patch_size)),
                ("loss_value", np.array([lv.item()], dtype=np.float32)),
                ("train_loss", np.array(curve, dtype=np.float32))]
    entries += [("grad/" + n, g) for (n, _), g in zip(model.named_parameters(), grads)]
    path = os.path.join(OUT, name + ".rnm")
    write_rnt(path, entries)
    nparam = sum(p.numel() for p in model.parameters())
    print("%-22s %7d parameters  loss %.6g -> %.6g  %6.1f KB" %
          (name, nparam, curve[0], curve[-1], os.path.getsize(path) / 1024))
    return name


def main():
    os.makedirs(OUT, exist_ok=True)
    names = [
        case("convlstm", "convlstm", [8, 12, 4], 5, 16, 4, 4, seed=1),
        case("convlstm_ln", "convlstm", [8, 8], 3, 16, 3, 3, layer_norm=True, seed=2),
        case("predrnn", "predrnn", [8, 8, 8], 3, 16, 4, 4, seed=3),
        case("predrnn_ln", "predrnn", [8, 8], 3, 16, 4, 3, layer_norm=True, seed=4),
        case("mim", "mim", [8, 8, 8], 3, 16, 4, 4, loss="half_sum", seed=5),
        case("mim_ln", "mim", [8, 8, 8], 3, 16, 4, 4, layer_norm=True, seed=6),
        case("motionrnn_convlstm", "convlstm", [8, 8], 3, 32, 4, 3, motion=True, seed=7),
        case("motionrnn_predrnn", "predrnn", [8, 8, 8], 3, 32, 4, 4, motion=True, seed=8),
        case("motionrnn_mim", "mim", [8, 8, 8], 3, 32, 4, 4, motion=True, seed=9),
        case("motionrnn_mim_ln", "mim", [8, 8], 3, 32, 3, 4, layer_norm=True, motion=True,
             loss="half_sum", seed=10),
        # frames in [0, 0.4): targets on every step of the balanced weights
        case("motionrnn_mim_bmse", "mim", [8, 8], 3, 32, 3, 4, motion=True, loss="bmse",
             seed=11, frame_scale=0.4),
        case("predrnn_bmae", "predrnn", [8, 8], 3, 16, 3, 3, loss="bmae", seed=12,
             frame_scale=0.4),
    ]
    with open(os.path.join(OUT, "..", "fixtures.mk"), "w") as f:
        f.write("# Generated by tests/tools/make_model_fixtures.py: one test per fixture.\n")
        f.write("MODEL_FIXTURES = \\\n")
        f.write(" \\\n".join("\ttests/models/fixtures/%s.rnm" % n for n in names) + "\n")


if __name__ == "__main__":
    main()
