#!/usr/bin/python3
"""make_fixtures.py - write the PyTorch reference fixtures of radnow's layers.

Each fixture is one small RNT1 tensor file (format in include/radnow/tensor.h)
in tests/numeric/fixtures/: the layer's name ("op"), its integer attributes,
the inputs, parameters and upstream gradient, and what PyTorch (Debian's
python3-torch, float32, CPU) computes from them: outputs and the gradients of
every input and parameter. `make check` runs tests/numeric/test_fixture on
each file; this script is only needed to regenerate them:

    /usr/bin/python3 tests/tools/make_fixtures.py [OUTDIR]

The seed is fixed, so the files only change when this script does.
"""
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
DTYPE = torch.float32
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "numeric", "fixtures")
written = []


def write_rnt(path, entries):
    """entries: list of (name, value); value is str, int, float or array."""
    with open(path, "wb") as f:
        f.write(b"RNT1")
        f.write(struct.pack("<I", len(entries)))
        for name, v in entries:
            if isinstance(v, str):
                data, typ, shape = v.encode(), 2, [len(v.encode())]
            elif isinstance(v, (bool, int, np.integer)):
                data, typ, shape = struct.pack("<i", int(v)), 1, []
            elif isinstance(v, float):
                data, typ, shape = struct.pack("<f", v), 0, []
            else:
                if isinstance(v, torch.Tensor):
                    v = v.detach().cpu().numpy()
                a = np.ascontiguousarray(v)
                if a.dtype == np.float32:
                    typ = 0
                elif a.dtype == np.int32:
                    typ = 1
                else:
                    raise TypeError("%s: dtype %s" % (name, a.dtype))
                data, shape = a.tobytes(), list(a.shape)
            nb = name.encode()
            f.write(struct.pack("<H", len(nb)) + nb)
            f.write(struct.pack("<BB", typ, len(shape)))
            f.write(struct.pack("<%di" % len(shape), *shape))
            f.write(data)


def fixture(name, op, attrs, tensors, rtol=1e-4, atol=1e-5):
    entries = [("op", op), ("rtol", float(rtol)), ("atol", float(atol))]
    entries += list(attrs.items())
    entries += list(tensors.items())
    write_rnt(os.path.join(OUT, name + ".rnt"), entries)
    written.append(name)


def rnd(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=DTYPE) * scale).requires_grad_(True)


def backward(y, tensors):
    """Random upstream gradient dy; returns dy and the gradients of tensors."""
    dy = torch.randn_like(y)
    grads = torch.autograd.grad(y, tensors, dy)
    return dy, grads


# ---- convolutions -------------------------------------------------------------

def conv2d_case(name, B, C, H, W, O, K, S, P, bias=True):
    x, w = rnd(B, C, H, W), rnd(O, C, K, K, scale=1.0 / math.sqrt(C * K * K))
    b = rnd(O) if bias else None
    y = F.conv2d(x, w, b, stride=S, padding=P)
    ins = [x, w] + ([b] if bias else [])
    dy, g = backward(y, ins)
    t = {"x": x, "w": w, "y": y, "dy": dy, "dx": g[0], "dw": g[1]}
    if bias:
        t.update(b=b, db=g[2])
    fixture(name, "conv2d", dict(B=B, C=C, H=H, W=W, O=O, K=K, S=S, P=P), t)


def conv3d_case(name, B, C, D, H, W, O, K, S, P, bias=True):
    x, w = rnd(B, C, D, H, W), rnd(O, C, K, K, K, scale=1.0 / math.sqrt(C * K ** 3))
    b = rnd(O) if bias else None
    y = F.conv3d(x, w, b, stride=S, padding=P)
    ins = [x, w] + ([b] if bias else [])
    dy, g = backward(y, ins)
    t = {"x": x, "w": w, "y": y, "dy": dy, "dx": g[0], "dw": g[1]}
    if bias:
        t.update(b=b, db=g[2])
    fixture(name, "conv3d", dict(B=B, C=C, D=D, H=H, W=W, O=O, K=K, S=S, P=P), t)


def convt2d_case(name, B, C, H, W, O, K, S, P, bias=True):
    x, w = rnd(B, C, H, W), rnd(C, O, K, K, scale=1.0 / math.sqrt(C * K * K))
    b = rnd(O) if bias else None
    y = F.conv_transpose2d(x, w, b, stride=S, padding=P)
    ins = [x, w] + ([b] if bias else [])
    dy, g = backward(y, ins)
    t = {"x": x, "w": w, "y": y, "dy": dy, "dx": g[0], "dw": g[1]}
    if bias:
        t.update(b=b, db=g[2])
    fixture(name, "convt2d", dict(B=B, C=C, H=H, W=W, O=O, K=K, S=S, P=P), t)


def linear_case(name, B, N, O, bias=True):
    x, w = rnd(B, N), rnd(O, N, scale=1.0 / math.sqrt(N))
    b = rnd(O) if bias else None
    y = F.linear(x, w, b)
    ins = [x, w] + ([b] if bias else [])
    dy, g = backward(y, ins)
    t = {"x": x, "w": w, "y": y, "dy": dy, "dx": g[0], "dw": g[1]}
    if bias:
        t.update(b=b, db=g[2])
    fixture(name, "linear", dict(B=B, N=N, O=O), t)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20240611)

    conv2d_case("conv2d_k3s1p1", 2, 3, 7, 6, 4, 3, 1, 1)
    conv2d_case("conv2d_k5s2p2_odd", 3, 2, 9, 11, 5, 5, 2, 2)
    conv2d_case("conv2d_k4s3p0_nobias", 2, 3, 10, 8, 2, 4, 3, 0, bias=False)
    conv2d_case("conv2d_k5s1p2_gates", 4, 6, 6, 6, 16, 5, 1, 2)
    conv2d_case("conv2d_1x1", 3, 5, 4, 6, 7, 1, 1, 0)
    conv2d_case("conv2d_k3s3_warp", 2, 4, 12, 9, 4, 3, 3, 0, bias=False)
    convt2d_case("convt2d_k4s2p1", 2, 4, 5, 6, 3, 4, 2, 1)
    convt2d_case("convt2d_k3s1p0", 3, 2, 4, 3, 5, 3, 1, 0)
    convt2d_case("convt2d_k5s3p2_nobias", 2, 3, 4, 5, 2, 5, 3, 2, bias=False)
    conv3d_case("conv3d_k3s1p1", 2, 2, 4, 5, 6, 3, 3, 1, 1)
    conv3d_case("conv3d_k2s2p0_nobias", 2, 3, 5, 4, 6, 2, 2, 2, 0, bias=False)
    linear_case("linear", 5, 7, 3)
    linear_case("linear_nobias", 1, 16, 9, bias=False)

    # the list automake runs (one test per fixture) and distributes
    with open(os.path.join(OUT, "..", "fixtures.mk"), "w") as f:
        f.write("# Generated by tests/tools/make_fixtures.py: one test per fixture.\n")
        f.write("NN_FIXTURES =")
        for name in sorted(written):
            f.write(" \\\n\ttests/numeric/fixtures/%s.rnt" % name)
        f.write("\n")
    print("wrote %d fixtures to %s" % (len(written), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
