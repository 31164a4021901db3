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


# ---- element-wise layers -----------------------------------------------------------

def unary_case(name, op, fn, shape, attrs=None, lo=-3.0, hi=3.0):
    x = (torch.rand(*shape, dtype=DTYPE) * (hi - lo) + lo)
    if op in ("relu", "leaky_relu"):  # keep away from the kink at 0
        x = torch.where(x.abs() < 0.05, x + 0.1, x)
    x.requires_grad_(True)
    y = fn(x)
    dy, g = backward(y, [x])
    fixture(name, op, dict(n=x.numel(), **(attrs or {})), {"x": x, "y": y, "dy": dy, "dx": g[0]})


def binary_case(name, op, fn, shape):
    a, b = rnd(*shape), rnd(*shape)
    y = fn(a, b)
    dy, g = backward(y, [a, b])
    fixture(name, op, dict(n=a.numel()), {"a": a, "b": b, "y": y, "dy": dy, "da": g[0], "db": g[1]})


def concat_case(name, B, Ca, Cb, H, W):
    a, b = rnd(B, Ca, H, W), rnd(B, Cb, H, W)
    y = torch.cat([a, b], dim=1)
    dy, g = backward(y, [a, b])
    fixture(name, "concat", dict(B=B, Ca=Ca, Cb=Cb, HW=H * W),
            {"a": a, "b": b, "y": y, "dy": dy, "da": g[0], "db": g[1]})


def split_case(name, B, Ca, Cb, H, W):
    x = rnd(B, Ca + Cb, H, W)
    ya, yb = torch.split(x, [Ca, Cb], dim=1)
    dya, dyb = torch.randn_like(ya), torch.randn_like(yb)
    (dx,) = torch.autograd.grad([ya, yb], [x], [dya, dyb])
    fixture(name, "split", dict(B=B, Ca=Ca, Cb=Cb, HW=H * W),
            {"x": x, "ya": ya, "yb": yb, "dya": dya, "dyb": dyb, "dx": dx})


def lstm_gates_case(name, B, nh, H, W):
    """ConvLSTM's gate arithmetic on a [B, 4nh, H, W] convolution output, used
    in place through channel slices: C' = s(f) C + s(i) tanh(g), H = s(o) tanh(C')."""
    G, c = rnd(B, 4 * nh, H, W), rnd(B, nh, H, W)
    i, f, g, o = torch.split(G, nh, dim=1)
    c2 = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h = torch.sigmoid(o) * torch.tanh(c2)
    dh, dc2 = torch.randn_like(h), torch.randn_like(c2)
    dG, dc = torch.autograd.grad([h, c2], [G, c], [dh, dc2])
    fixture(name, "lstm_gates", dict(B=B, nh=nh, HW=H * W),
            {"G": G, "c": c, "h": h, "c2": c2, "dh": dh, "dc2": dc2, "dG": dG, "dc": dc})


# ---- normalisation ------------------------------------------------------------------

def norm_case(name, B, C, H, W, G, affine):
    """affine: 0 none, 1 per channel (GroupNorm; MIM's layer norm with G = 1),
    2 per element (LayerNorm([C, H, W]), PredRNN)."""
    x = rnd(B, C, H, W, scale=2.0)
    x = (x + 0.5).detach().requires_grad_(True)
    t = {"x": x}
    ins = [x]
    if affine == 1:
        gamma, beta = rnd(C), rnd(C)
        y = F.group_norm(x, G, gamma, beta, eps=1e-5)
    elif affine == 2:
        gamma, beta = rnd(C, H, W), rnd(C, H, W)
        y = F.layer_norm(x, [C, H, W], gamma, beta, eps=1e-5)
    else:
        y = F.group_norm(x, G, eps=1e-5)
    if affine:
        ins += [gamma, beta]
        t.update(gamma=gamma, beta=beta)
    dy, g = backward(y, ins)
    t.update(y=y, dy=dy, dx=g[0])
    if affine:
        t.update(dgamma=g[1], dbeta=g[2])
    fixture(name, "groupnorm", dict(B=B, C=C, HW=H * W, G=G, affine=affine), t)


# ---- pooling and rearrangements -------------------------------------------------------

def maxpool_case(name, B, C, H, W):
    x = rnd(B, C, H, W)
    y = F.max_pool2d(x, 2)
    dy, g = backward(y, [x])
    fixture(name, "maxpool2", dict(B=B, C=C, H=H, W=W), {"x": x, "y": y, "dy": dy, "dx": g[0]})


def reshape_patch(x, p):
    """PredRNN's reshape_patch on NCHW: channel (i*p + j)*C + c."""
    B, C, H, W = x.shape
    t = x.permute(0, 2, 3, 1).reshape(B, H // p, p, W // p, p, C)
    t = t.permute(0, 1, 3, 2, 4, 5).reshape(B, H // p, W // p, p * p * C)
    return t.permute(0, 3, 1, 2)


def reshape_patch_back(y, p, C):
    B, PPC, h, w = y.shape
    t = y.permute(0, 2, 3, 1).reshape(B, h, w, p, p, C)
    t = t.permute(0, 1, 3, 2, 4, 5).reshape(B, h * p, w * p, C)
    return t.permute(0, 3, 1, 2)


def s2d_case(name, B, C, H, W, p, order, inverse):
    if not inverse:
        x = rnd(B, C, H, W)
        y = F.pixel_unshuffle(x, p) if order == 0 else reshape_patch(x, p)
        op = "space_to_depth"
    else:
        x = rnd(B, C * p * p, H // p, W // p)
        y = F.pixel_shuffle(x, p) if order == 0 else reshape_patch_back(x, p, C)
        op = "depth_to_space"
    dy, g = backward(y.contiguous(), [x])
    fixture(name, op, dict(B=B, C=C, H=H, W=W, p=p, order=order),
            {"x": x, "y": y.contiguous(), "dy": dy, "dx": g[0]})


# ---- MotionGRU warp -----------------------------------------------------------------

def warp_sample(x, offset, mask):
    """The sampling of the official MotionRNN Warp module (before its stride-3
    conv), restated: pad by one ring of zeros, sample at p0 + pn + offset with
    the corners clamped into the padded map, weights from the clamped point,
    integer corners detached; multiply by the mask; lay the 9 taps out as
    [B, C, 3H, 3W]."""
    B, C, H, W = x.shape
    N = 9
    xp = F.pad(x, (1, 1, 1, 1))
    Hp, Wp = H + 2, W + 2
    pn_r = torch.tensor([-1, -1, -1, 0, 0, 0, 1, 1, 1], dtype=DTYPE).view(1, N, 1, 1)
    pn_c = torch.tensor([-1, 0, 1, -1, 0, 1, -1, 0, 1], dtype=DTYPE).view(1, N, 1, 1)
    p0_r = torch.arange(1, H + 1, dtype=DTYPE).view(1, 1, H, 1)
    p0_c = torch.arange(1, W + 1, dtype=DTYPE).view(1, 1, 1, W)
    pr = p0_r + pn_r + offset[:, :N]
    pc = p0_c + pn_c + offset[:, N:]
    fr, fc = pr.detach().floor(), pc.detach().floor()
    r0, c0 = fr.clamp(0, Hp - 1), fc.clamp(0, Wp - 1)
    r1, c1 = (fr + 1).clamp(0, Hp - 1), (fc + 1).clamp(0, Wp - 1)
    pr, pc = pr.clamp(0, Hp - 1), pc.clamp(0, Wp - 1)
    flat = xp.reshape(B, C, Hp * Wp)

    def gather(r, c):
        idx = (r * Wp + c).long().reshape(B, 1, N * H * W).expand(B, C, N * H * W)
        return flat.gather(2, idx).reshape(B, C, N, H, W)

    w_tl = ((1 + (r0 - pr)) * (1 + (c0 - pc))).unsqueeze(1)
    w_br = ((1 - (r1 - pr)) * (1 - (c1 - pc))).unsqueeze(1)
    w_tr = ((1 + (r0 - pr)) * (1 - (c1 - pc))).unsqueeze(1)
    w_bl = ((1 - (r1 - pr)) * (1 + (c0 - pc))).unsqueeze(1)
    v = w_tl * gather(r0, c0) + w_br * gather(r1, c1) + w_tr * gather(r0, c1) + w_bl * gather(r1, c0)
    v = v * mask.unsqueeze(1)  # [B, C, 9, H, W]
    v = v.reshape(B, C, 3, 3, H, W).permute(0, 1, 4, 2, 5, 3)  # b c y i x j
    return v.reshape(B, C, 3 * H, 3 * W)


def deform_case(name, B, C, H, W, off_scale, integer=False):
    x = rnd(B, C, H, W)
    if integer:
        off = torch.randint(-2, 3, (B, 18, H, W)).to(DTYPE)
        off[:, :, ::2] = 0.0
        off.requires_grad_(True)
    else:
        off = torch.randn(B, 18, H, W, dtype=DTYPE) * 1.5
        if off_scale > 100:  # a third of the offsets thousands of pixels long
            far = torch.rand(B, 18, H, W) < 0.33
            off = torch.where(far, off * off_scale, off)
        off.requires_grad_(True)
    mask = torch.rand(B, 9, H, W, dtype=DTYPE).requires_grad_(True)
    y = warp_sample(x, off, mask)
    dy, g = backward(y, [x, off, mask])
    fixture(name, "deform3", dict(B=B, C=C, H=H, W=W),
            {"x": x, "off": off, "mask": mask, "y": y, "dy": dy, "dx": g[0], "doff": g[1],
             "dmask": g[2]})


# ---- losses --------------------------------------------------------------------------

def loss_case(name, op, n, scale, nb=None):
    """op: mse, l1, gnll, kl. The fixture's 'loss' is scale * sum (PyTorch's
    mean reduction when scale = 1/n); 'dloss' the upstream gradient."""
    dloss = 0.75
    if op in ("mse", "l1"):
        a, b = rnd(n), torch.randn(n, dtype=DTYPE)
        f = F.mse_loss if op == "mse" else F.l1_loss
        loss = f(a, b, reduction="sum") * scale
        (ga,) = torch.autograd.grad(loss, [a], torch.tensor(dloss))
        t = {"a": a, "b": b, "da": ga}
    elif op == "gnll":
        x, mu = torch.randn(n, dtype=DTYPE), rnd(n)
        lv = rnd(nb, scale=0.7)
        d = torch.distributions.Normal(mu, torch.exp(0.5 * lv))
        loss = -d.log_prob(x).sum() * scale
        gm, gl = torch.autograd.grad(loss, [mu, lv], torch.tensor(dloss))
        t = {"a": x, "b": mu, "c": lv, "db": gm, "dc": gl}
    else:
        mq, lq, mp, lp = rnd(n), rnd(n, scale=0.7), rnd(nb), rnd(nb, scale=0.7)
        if nb == 1:  # a standard normal prior
            mp = torch.zeros(1, dtype=DTYPE, requires_grad=True)
            lp = torch.zeros(1, dtype=DTYPE, requires_grad=True)
        dq = torch.distributions.Normal(mq, torch.exp(0.5 * lq))
        dp = torch.distributions.Normal(mp.expand(n), torch.exp(0.5 * lp.expand(n)))
        loss = torch.distributions.kl_divergence(dq, dp).sum() * scale
        g = torch.autograd.grad(loss, [mq, lq, mp, lp], torch.tensor(dloss))
        t = {"a": mq, "b": lq, "c": mp, "d": lp, "da": g[0], "db": g[1], "dc": g[2], "dd": g[3]}
    t.update(loss=loss.reshape(1), dloss=torch.tensor([dloss], dtype=DTYPE))
    fixture(name, "loss_" + op, dict(n=n, nb=nb or n, scale=float(scale)), t, rtol=1e-4, atol=1e-5)


def wloss_case(name, op, n, scale):
    """Balanced MSE / L1 (op wmse, wl1): w(b) (a - b)^2 or w(b) |a - b|, w a
    step function of the target b: w[k] from thr[k-1] up (layers.h). The
    thresholds are those of the balanced losses of radnow's models (model.h,
    rn_model_loss_steps), computed here from their definition: rain rates
    2, 5, 10, 30 mm/h, Z = 200 R^1.6, then u = (2 dBZ - 30) / 255 in float32.
    Targets spread over [0, 0.4) and four of them sit exactly on a threshold
    (the weight above it applies)."""
    dloss = 0.75
    dbz = [10 * math.log10(200 * r ** 1.6) for r in (2, 5, 10, 30)]
    thr = torch.tensor([(2 * d - 30) / 255 for d in dbz], dtype=DTYPE)
    w = torch.tensor([1, 2, 5, 10, 30], dtype=DTYPE)
    a = (torch.rand(n, dtype=DTYPE) * 0.4).requires_grad_(True)
    b = torch.rand(n, dtype=DTYPE) * 0.4
    b[:4] = thr
    weight = w[torch.bucketize(b, thr, right=True)]
    d = a - b
    loss = (weight * (d * d if op == "wmse" else d.abs())).sum() * scale
    (ga,) = torch.autograd.grad(loss, [a], torch.tensor(dloss))
    t = {"a": a, "b": b, "da": ga, "thr": thr, "w": w, "loss": loss.reshape(1),
         "dloss": torch.tensor([dloss], dtype=DTYPE)}
    fixture(name, "loss_" + op, dict(n=n, nb=n, scale=float(scale)), t, rtol=1e-4, atol=1e-5)


# ---- Philox random numbers and reparameterised sampling ---------------------------------
# The generator of models/nn/nnmath.h restated in numpy: float32 arithmetic,
# one operation at a time (numpy never fuses a*b+c), so the numbers match the
# C code bit for bit.

f32 = np.float32


def philox4x32_10(ctr, key):
    c = [np.uint64(v) for v in ctr]
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    M = np.uint64(0xFFFFFFFF)
    for _ in range(10):
        p0 = np.uint64(0xD2511F53) * c[0]
        p1 = np.uint64(0xCD9E8D57) * c[2]
        hi0, lo0 = p0 >> np.uint64(32), p0 & M
        hi1, lo1 = p1 >> np.uint64(32), p1 & M
        c = [hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0]
        k0 = (k0 + np.uint64(0x9E3779B9)) & M
        k1 = (k1 + np.uint64(0xBB67AE85)) & M
    return [int(v) for v in c]


def philox_block(seed, block):
    return philox4x32_10([block & 0xFFFFFFFF, block >> 32, 0, 0], [seed & 0xFFFFFFFF, seed >> 32])


def u01(x):
    return f32(x >> 8) * f32(5.9604644775390625e-8)


def u01_open(x):
    return f32((x >> 9) * 2 + 1) * f32(5.9604644775390625e-8)


def log_exact(u):
    bits = int(np.array([u], dtype=f32).view(np.uint32)[0])
    e = ((bits >> 23) & 0xFF) - 127
    m = np.array([(bits & 0x7FFFFF) | 0x3F800000], dtype=np.uint32).view(f32)[0]
    if m > f32(1.41421356):
        m = m * f32(0.5)
        e += 1
    s = (m - f32(1)) / (m + f32(1))
    s2 = s * s
    p = f32(0.0909090909)
    for c in (0.111111111, 0.142857143, 0.2, 0.333333333, 1.0):
        p = p * s2 + f32(c)
    lm = f32(2) * s * p
    fe = f32(e)
    return fe * f32(0.693145752) + (fe * f32(1.42860677e-6) + lm)


def sincos2pi_exact(t):
    q4 = t * f32(4)
    qf = np.floor(q4)
    q = int(qf) & 3
    f = q4 - qf
    a = f * f32(1.57079633)
    a2 = a * a
    s = f32(-7.6471637e-13)
    for c in (1.6059044e-10, -2.5052108e-8, 2.7557319e-6, -1.9841270e-4, 8.3333333e-3,
              -1.6666667e-1, 1.0):
        s = s * a2 + f32(c)
    s = s * a
    c_ = f32(4.7794773e-14)
    for c in (-1.1470746e-11, 2.0876757e-9, -2.7557319e-7, 2.4801587e-5, -1.3888889e-3,
              4.1666667e-2, -0.5, 1.0):
        c_ = c_ * a2 + f32(c)
    return [(s, c_), (c_, -s), (-s, -c_), (-c_, s)][q]


def philox_normal(seed, i):
    x = philox_block(seed, i >> 2)
    k = i & 3
    p = k >> 1
    r = np.sqrt(f32(-2) * log_exact(u01_open(x[2 * p])))
    sn, cs = sincos2pi_exact(u01(x[2 * p + 1]))
    return r * (sn if k & 1 else cs)


def philox_uniform(seed, i):
    return u01(philox_block(seed, i >> 2)[i & 3])


def u64(name, v):
    """a 64-bit attribute as two non-negative int32: v = lo + (hi << 31)"""
    return {name + "_lo": v & 0x7FFFFFFF, name + "_hi": v >> 31}


def rng_case(name, seed, offset, n):
    uni = np.array([philox_uniform(seed, offset + i) for i in range(n)], dtype=f32)
    nor = np.array([philox_normal(seed, offset + i) for i in range(n)], dtype=f32)
    fixture(name, "rng", dict(n=n, **u64("seed", seed), **u64("offset", offset)),
            {"uniform": uni, "normal": nor}, rtol=0.0, atol=0.0)


def gauss_sample_case(name, n, seed, offset):
    mu, lv = rnd(n), rnd(n, scale=0.8)
    eps = torch.from_numpy(np.array([philox_normal(seed, offset + i) for i in range(n)], dtype=f32))
    z = mu + torch.exp(0.5 * lv) * eps
    dz, g = backward(z, [mu, lv])
    fixture(name, "gauss_sample", dict(n=n, **u64("seed", seed), **u64("offset", offset)),
            {"mu": mu, "logvar": lv, "z": z, "dz": dz, "dmu": g[0], "dlogvar": g[1]})


# ---- optimizer ------------------------------------------------------------------------

def lr_closed_form(kind, base, step, step_size=1, gamma=1.0, total=1, min_lr=0.0, warmup=0,
                   warmup_start=1.0):
    """radnow's rn_lr_at (optim.h), in double precision."""
    if kind == 1:
        lr = base * gamma ** (step // step_size)
    elif kind == 2:
        lr = base * gamma ** step
    elif kind == 3:
        t = min(step, total)
        lr = min_lr + (base - min_lr) * 0.5 * (1 + math.cos(math.pi * t / total))
    else:
        lr = base
    if warmup > 0:
        lr *= warmup_start + (1 - warmup_start) * min(step, warmup) / warmup
    return lr


def lr_case(name, kind, make, n, **kw):
    """The learning rates a PyTorch scheduler gives for steps 0..n-1."""
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=kw["base"])
    sched = make(opt)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    attrs = dict(kind=kind, n=n, base=float(kw["base"]), step_size=kw.get("step_size", 1),
                 gamma=float(kw.get("gamma", 1.0)), total=kw.get("total", 1),
                 min_lr=float(kw.get("min_lr", 0.0)), warmup=kw.get("warmup", 0),
                 warmup_start=float(kw.get("warmup_start", 1.0)))
    fixture(name, "lr_schedule", attrs, {"lr": np.array(lrs, dtype=np.float32)}, rtol=2e-6,
            atol=1e-12)


def adam_case(name, betas, wd=0.0, decoupled=False, clip=0.0, ema=0.9, sched=None):
    """Ten Adam steps on a tiny model, conv3x3(2->4) -> tanh -> conv1x1(4->1),
    MSE (mean) against a target; optional clipping, weight decay, EMA, and a
    learning-rate schedule (rn_lr_at's closed forms, set on the param group)."""
    B, H, W = 3, 6, 5
    c1, c2 = torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.Conv2d(4, 1, 1)
    x, target = torch.randn(B, 2, H, W), torch.randn(B, 1, H, W)
    params = [c1.weight, c1.bias, c2.weight, c2.bias]
    names = ["w1", "b1", "w2", "b2"]
    init = {n + "_init": p.detach().clone() for n, p in zip(names, params)}
    base = 0.02
    sched = sched or dict(kind=0)
    cls = torch.optim.AdamW if decoupled else torch.optim.Adam
    opt = cls(params, lr=base, betas=betas, eps=1e-8, weight_decay=wd)
    avg = [p.detach().clone() for p in params]
    losses = []
    for step in range(10):
        opt.zero_grad()
        y = c2(torch.tanh(c1(x)))
        loss = F.mse_loss(y, target)
        loss.backward()
        losses.append(loss.item())
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(params, clip)
        opt.param_groups[0]["lr"] = float(np.float32(lr_closed_form(base=base, step=step, **sched)))
        opt.step()
        with torch.no_grad():
            for a, p in zip(avg, params):
                a.mul_(ema).add_(p, alpha=1 - ema)
    t = dict(init)
    t.update(x=x, target=target, losses=np.array(losses, dtype=np.float32))
    t.update({n: p for n, p in zip(names, params)})
    t.update({n + "_ema": a for n, a in zip(names, avg)})
    attrs = dict(B=B, H=H, W=W, beta1=float(betas[0]), beta2=float(betas[1]), wd=float(wd),
                 decoupled=int(decoupled), clip=float(clip), ema=float(ema), base=base)
    attrs.update({"s_" + k: (float(v) if isinstance(v, float) else v) for k, v in sched.items()})
    fixture(name, "adam_tiny", attrs, t, rtol=2e-5, atol=2e-6)


# ---- a recurrent cell through time ------------------------------------------------------

def convlstm_case(name, B, C, nh, H, W, T):
    """A ConvLSTM (Shi et al. 2015) unrolled over T steps, zero initial state:
    [i,f,g,o] = Wx*x_t + b + Wh*h_{t-1};  c = s(f) c + s(i) tanh(g);  h = s(o) tanh(c);
    loss = mean over steps and elements of (h_t - y_t)^2. Gradients through time."""
    x, y = torch.randn(T, B, C, H, W), torch.randn(T, B, nh, H, W)
    x.requires_grad_(True)
    wx = rnd(4 * nh, C, 3, 3, scale=0.3)
    wh = rnd(4 * nh, nh, 3, 3, scale=0.3)
    b = rnd(4 * nh, scale=0.5)
    h = torch.zeros(B, nh, H, W)
    c = torch.zeros(B, nh, H, W)
    loss = 0.0
    for t in range(T):
        G = F.conv2d(x[t], wx, b, padding=1) + F.conv2d(h, wh, padding=1)
        i, f, g, o = torch.split(G, nh, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        loss = loss + F.mse_loss(h, y[t], reduction="sum")
    loss = loss / (T * B * nh * H * W)
    g = torch.autograd.grad(loss, [x, wx, wh, b])
    fixture(name, "convlstm_seq", dict(B=B, C=C, nh=nh, H=H, W=W, T=T),
            {"x": x, "target": y, "wx": wx, "wh": wh, "b": b, "loss": loss.reshape(1),
             "dx": g[0], "dwx": g[1], "dwh": g[2], "db": g[3]}, rtol=1e-4, atol=1e-6)


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

    unary_case("sigmoid", "sigmoid", torch.sigmoid, (2, 3, 5, 4), lo=-8, hi=8)
    unary_case("tanh", "tanh", torch.tanh, (3, 2, 7))
    unary_case("relu", "relu", F.relu, (2, 5, 6))
    unary_case("leaky_relu", "leaky_relu", lambda x: F.leaky_relu(x, 0.2), (4, 3, 5),
               attrs=dict(slope=0.2))
    unary_case("affine", "affine", lambda x: -0.5 * x + 1.0, (3, 7), attrs=dict(alpha=-0.5, beta=1.0))
    binary_case("add", "add", torch.add, (2, 3, 4, 5))
    binary_case("sub", "sub", torch.sub, (3, 5, 7))
    binary_case("mul", "mul", torch.mul, (2, 4, 3, 3))
    concat_case("concat", 2, 3, 5, 4, 3)
    split_case("split", 3, 2, 4, 5, 2)
    lstm_gates_case("lstm_gates", 2, 3, 4, 5)

    norm_case("layernorm_mim", 3, 4, 5, 6, 1, 1)
    norm_case("layernorm_predrnn", 2, 3, 4, 5, 1, 2)
    norm_case("groupnorm_g4", 2, 8, 3, 5, 4, 1)
    norm_case("groupnorm_noaffine", 3, 6, 4, 4, 2, 0)

    maxpool_case("maxpool2_even", 2, 3, 6, 8)
    maxpool_case("maxpool2_odd", 1, 4, 7, 5)
    s2d_case("space_to_depth_pixel", 2, 3, 8, 6, 2, 0, False)
    s2d_case("space_to_depth_patch", 2, 2, 8, 12, 4, 1, False)
    s2d_case("depth_to_space_pixel", 2, 2, 6, 9, 3, 0, True)
    s2d_case("depth_to_space_patch", 1, 3, 8, 8, 4, 1, True)

    deform_case("deform3_small", 2, 3, 5, 6, 1.0)
    deform_case("deform3_huge", 2, 2, 4, 5, 3000.0)
    deform_case("deform3_integer", 1, 3, 4, 4, 0.0, integer=True)

    loss_case("loss_mse_mean", "mse", 37, 1.0 / 37)
    loss_case("loss_mse_halfsum", "mse", 50, 0.5)
    loss_case("loss_l1", "l1", 41, 1.0 / 41)
    loss_case("loss_gnll", "gnll", 33, 1.0, nb=33)
    loss_case("loss_gnll_shared", "gnll", 29, 0.25, nb=1)
    loss_case("loss_kl", "kl", 31, 1.0, nb=31)
    loss_case("loss_kl_stdnormal", "kl", 27, 0.5, nb=1)

    rng_case("rng_philox", 0x1234ABCD5678, 5, 64)
    rng_case("rng_philox_far", 42, (1 << 33) + 3, 40)
    gauss_sample_case("gauss_sample", 45, 7, 1001)

    lr_case("lr_step_warmup", 1, lambda o: torch.optim.lr_scheduler.ChainedScheduler([
        torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=5),
        torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5)]), 40, base=0.003,
        step_size=7, gamma=0.5, warmup=5, warmup_start=0.1)
    lr_case("lr_exp", 2, lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), 30,
            base=0.01, gamma=0.9)
    lr_case("lr_cosine", 3, lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(
        o, T_max=30, eta_min=1e-4), 31, base=0.001, total=30, min_lr=1e-4)
    adam_case("adam_mim", (0.95, 0.9995))
    adam_case("adamw_clip_warmup", (0.9, 0.999), wd=0.05, decoupled=True, clip=0.3, ema=0.8,
              sched=dict(kind=1, step_size=4, gamma=0.5, warmup=3, warmup_start=0.2))
    adam_case("adam_l2_cosine", (0.9, 0.99), wd=0.01, ema=0.95,
              sched=dict(kind=3, total=8, min_lr=0.001))
    convlstm_case("convlstm_seq", 2, 2, 3, 5, 4, 4)
    # after every other case, which keeps their random draws
    wloss_case("loss_bmse_mean", "wmse", 53, 1.0 / 53)
    wloss_case("loss_bmae_mean", "wl1", 47, 1.0 / 47)

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
