#!/usr/bin/python3
"""Write tests/numeric/patch_reshape.bin: inputs and outputs of PredRNN's
reshape_patch (numpy reshape / transpose / reshape, as predrnn-pytorch's
core/utils/preprocess.py computes it) for a few shapes.

Layout, little-endian, per case: int32 B, T, H, W, C, p; float32 input
[B,T,H,W,C]; float32 output [B,T,H/p,W/p,p*p*C]. The file ends with an int32 0.
"""
import struct
import sys

import numpy as np


def reshape_patch(img, p):
    b, t, h, w, c = img.shape
    a = np.reshape(img, [b, t, h // p, p, w // p, p, c])
    a = np.transpose(a, [0, 1, 2, 4, 3, 5, 6])
    return np.reshape(a, [b, t, h // p, w // p, p * p * c])


def main(path):
    rng = np.random.default_rng(20200207)
    cases = [(2, 3, 8, 12, 2, 4), (1, 2, 6, 4, 3, 2), (1, 1, 16, 16, 1, 4), (2, 1, 5, 10, 1, 5)]
    with open(path, "wb") as f:
        for (b, t, h, w, c, p) in cases:
            x = rng.standard_normal((b, t, h, w, c)).astype("<f4")
            y = reshape_patch(x, p).astype("<f4")
            f.write(struct.pack("<6i", b, t, h, w, c, p))
            f.write(x.tobytes())
            f.write(y.tobytes())
        f.write(struct.pack("<i", 0))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/numeric/patch_reshape.bin")
