#!/usr/bin/python3
"""Reference PyTorch implementations of radnow's recurrent predictors.

Written from ../shared/MODELS.md (the equations the official code computes),
so that the C models can be checked number for number. Everything is NCHW,
float32, with zero initial states (the official MotionRNN code draws random
initial states; radnow uses zeros, see MODELS.md).

Models (all run T-1 steps on a [B, T, C, H, W] patched sequence and return
the T-1 predicted frames; input at step t >= input_length is
mask * truth + (1 - mask) * previous prediction, scheduled sampling):

  ConvLSTM      Shi et al. 2015, one bias per gate (on the x convolution).
  PredRNN       ST-LSTM with zigzag memory M (predrnn-pytorch, no biases).
  MIM           ST-LSTM-v2 first layer, MIM blocks (MIM-N + MIM-S) above,
                biases everywhere, optional tensor layer norm.
  MotionRNN(X)  the MotionGRU + warp + fusion wrapper between the layers of X
                and the Motion Highway inside every cell.

Gate order follows MODELS.md exactly: ConvLSTM [i,f,g,o]; PredRNN x-conv
[i,f,g,i',f',g',o], h-conv [i,f,g,o], m-conv [i',f',g']; MIM [i,g,f,o] and
MIM block t-conv [i,g,o].
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


def reshape_patch(x, p):
    """[B,T,H,W,C] -> [B,T,H/p,W/p,p*p*C] as predrnn-pytorch's reshape_patch."""
    b, t, h, w, c = x.shape
    a = x.reshape(b, t, h // p, p, w // p, p, c)
    a = a.permute(0, 1, 2, 4, 3, 5, 6)
    return a.reshape(b, t, h // p, w // p, p * p * c)


def reshape_patch_back(x, p):
    b, t, hp, wp, cc = x.shape
    c = cc // (p * p)
    a = x.reshape(b, t, hp, wp, p, p, c)
    a = a.permute(0, 1, 2, 4, 3, 5, 6)
    return a.reshape(b, t, hp * p, wp * p, c)


class TensorLayerNorm(nn.Module):
    """MIM's layer norm: per sample over (C,H,W), biased variance, eps 1e-5,
    per-channel gamma and beta."""

    def __init__(self, channels, eps=1e-5):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        var = ((x - mean) ** 2).mean(dim=(1, 2, 3), keepdim=True)
        y = (x - mean) / torch.sqrt(var + self.eps)
        return y * self.gamma.view(1, -1, 1, 1) + self.beta.view(1, -1, 1, 1)


def conv(cin, cout, k, bias, stride=1):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=bias)


# --------------------------------------------------------------------------
# Cells. Each forward takes (x, state..., hw) where hw is the Motion Highway
# input (None when the model is not wrapped by MotionRNN) and returns the new
# hidden state first.


class ConvLSTMCell(nn.Module):
    def __init__(self, cin, nh, k, hw, layer_norm=False):
        super().__init__()
        self.nh = nh
        self.conv_x = conv(cin, 4 * nh, k, True)
        self.conv_h = conv(nh, 4 * nh, k, False)
        self.ln = layer_norm
        if layer_norm:
            self.ln_x = nn.LayerNorm([4 * nh, hw[0], hw[1]])
            self.ln_h = nn.LayerNorm([4 * nh, hw[0], hw[1]])

    def forward(self, x, h, c, highway=None):
        gx, gh = self.conv_x(x), self.conv_h(h)
        if self.ln:
            gx, gh = self.ln_x(gx), self.ln_h(gh)
        i, f, g, o = torch.split(gx + gh, self.nh, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        o = torch.sigmoid(o)
        h = o * torch.tanh(c)
        if highway is not None:
            h = h + (1 - o) * highway
        return h, c


class STLSTMCell(nn.Module):
    """PredRNN's spatiotemporal LSTM (predrnn-pytorch): no biases."""

    def __init__(self, cin, nh, k, hw, layer_norm=False):
        super().__init__()
        self.nh = nh
        self.conv_x = conv(cin, 7 * nh, k, False)
        self.conv_h = conv(nh, 4 * nh, k, False)
        self.conv_m = conv(nh, 3 * nh, k, False)
        self.conv_o = conv(2 * nh, nh, k, False)
        self.conv_last = conv(2 * nh, nh, 1, False)
        self.ln = layer_norm
        if layer_norm:
            H, W = hw
            self.ln_x = nn.LayerNorm([7 * nh, H, W])
            self.ln_h = nn.LayerNorm([4 * nh, H, W])
            self.ln_m = nn.LayerNorm([3 * nh, H, W])
            self.ln_o = nn.LayerNorm([nh, H, W])

    def forward(self, x, h, c, m, highway=None):
        gx, gh, gm = self.conv_x(x), self.conv_h(h), self.conv_m(m)
        if self.ln:
            gx, gh, gm = self.ln_x(gx), self.ln_h(gh), self.ln_m(gm)
        i_x, f_x, g_x, ip_x, fp_x, gp_x, o_x = torch.split(gx, self.nh, dim=1)
        i_h, f_h, g_h, o_h = torch.split(gh, self.nh, dim=1)
        ip_m, fp_m, gp_m = torch.split(gm, self.nh, dim=1)
        c = torch.sigmoid(f_x + f_h + 1.0) * c + torch.sigmoid(i_x + i_h) * torch.tanh(g_x + g_h)
        m = torch.sigmoid(fp_x + fp_m + 1.0) * m + torch.sigmoid(ip_x + ip_m) * torch.tanh(gp_x + gp_m)
        cm = torch.cat([c, m], dim=1)
        go = self.conv_o(cm)
        if self.ln:
            go = self.ln_o(go)
        o = torch.sigmoid(o_x + o_h + go)
        h = o * torch.tanh(self.conv_last(cm))
        if highway is not None:
            h = h + (1 - o) * highway
        return h, c, m


class MIMFirstCell(nn.Module):
    """MIM's first layer: ST-LSTM v2, x gates shared by the C and M paths."""

    def __init__(self, cin, nh, k, hw, layer_norm=False):
        super().__init__()
        self.nh = nh
        self.conv_x = conv(cin, 4 * nh, k, True)
        self.conv_h = conv(nh, 4 * nh, k, True)
        self.conv_m = conv(nh, 4 * nh, k, True)
        self.conv_last = conv(2 * nh, nh, 1, True)
        self.ln = layer_norm
        if layer_norm:
            self.ln_x, self.ln_h, self.ln_m = (TensorLayerNorm(4 * nh) for _ in range(3))

    def forward(self, x, h, c, m, highway=None):
        gx, gh, gm = self.conv_x(x), self.conv_h(h), self.conv_m(m)
        if self.ln:
            gx, gh, gm = self.ln_x(gx), self.ln_h(gh), self.ln_m(gm)
        i_x, g_x, f_x, o_x = torch.split(gx, self.nh, dim=1)
        i_h, g_h, f_h, o_h = torch.split(gh, self.nh, dim=1)
        i_m, g_m, f_m, o_m = torch.split(gm, self.nh, dim=1)
        c = torch.sigmoid(f_x + f_h + 1.0) * c + torch.sigmoid(i_x + i_h) * torch.tanh(g_x + g_h)
        m = torch.sigmoid(f_x + f_m + 1.0) * m + torch.sigmoid(i_x + i_m) * torch.tanh(g_x + g_m)
        o = torch.sigmoid(o_x + o_h + o_m)
        h = o * torch.tanh(self.conv_last(torch.cat([c, m], dim=1)))
        if highway is not None:
            h = h + (1 - o) * highway
        return h, c, m


class MIMPeepholeLSTM(nn.Module):
    """MIM-N and MIM-S: a ConvLSTM with per-pixel Hadamard peepholes
    w_ci, w_cf (on the old cell) and w_co (on the new cell)."""

    def __init__(self, cin, nh, k, hw, layer_norm=False, init_range=None):
        super().__init__()
        H, W = hw
        self.nh = nh
        self.conv_h = conv(nh, 4 * nh, k, True)
        self.conv_x = conv(cin, 4 * nh, k, True)
        self.w_ci = nn.Parameter(torch.empty(nh, H, W))
        self.w_cf = nn.Parameter(torch.empty(nh, H, W))
        self.w_co = nn.Parameter(torch.empty(nh, H, W))
        self.ln = layer_norm
        if layer_norm:
            self.ln_h, self.ln_x = TensorLayerNorm(4 * nh), TensorLayerNorm(4 * nh)
        for p in (self.w_ci, self.w_cf, self.w_co):
            nn.init.uniform_(p, -0.1, 0.1)
        if init_range is not None:
            for cv in (self.conv_h, self.conv_x):
                nn.init.uniform_(cv.weight, -init_range, init_range)

    def forward(self, x, h, c):
        gh, gx = self.conv_h(h), self.conv_x(x)
        if self.ln:
            gh, gx = self.ln_h(gh), self.ln_x(gx)
        i_h, g_h, f_h, o_h = torch.split(gh, self.nh, dim=1)
        i_x, g_x, f_x, o_x = torch.split(gx, self.nh, dim=1)
        i = torch.sigmoid(i_x + i_h + self.w_ci * c)
        f = torch.sigmoid(f_x + f_h + self.w_cf * c + 1.0)
        c_new = f * c + i * torch.tanh(g_x + g_h)
        out = torch.sigmoid(o_x + o_h + self.w_co * c_new) * torch.tanh(c_new)
        return out, c_new


class MIMBlock(nn.Module):
    """MIM block (layers >= 1): no temporal forget gate; the temporal memory
    is renewed by MIM-S from the non-stationary difference D."""

    def __init__(self, cin, nh, k, hw, layer_norm=False):
        super().__init__()
        self.nh = nh
        self.conv_t = conv(nh, 3 * nh, k, True)
        self.conv_s = conv(nh, 4 * nh, k, True)
        self.conv_x = conv(cin, 4 * nh, k, True)
        self.conv_last = conv(2 * nh, nh, 1, True)
        self.mims = MIMPeepholeLSTM(nh, nh, k, hw, layer_norm)
        self.ln = layer_norm
        if layer_norm:
            self.ln_t = TensorLayerNorm(3 * nh)
            self.ln_s = TensorLayerNorm(4 * nh)
            self.ln_x = TensorLayerNorm(4 * nh)

    def forward(self, x, d, h, c, m, s, highway=None):
        gt, gs, gx = self.conv_t(h), self.conv_s(m), self.conv_x(x)
        if self.ln:
            gt, gs, gx = self.ln_t(gt), self.ln_s(gs), self.ln_x(gx)
        i_t, g_t, o_t = torch.split(gt, self.nh, dim=1)
        i_s, g_s, f_s, o_s = torch.split(gs, self.nh, dim=1)
        i_x, g_x, f_x, o_x = torch.split(gx, self.nh, dim=1)
        m = torch.sigmoid(f_x + f_s + 1.0) * m + torch.sigmoid(i_x + i_s) * torch.tanh(g_x + g_s)
        t_out, s = self.mims(d, c, s)  # MIM-S(x = D_t, h = C_{t-1}, c = S_{t-1})
        c = t_out + torch.sigmoid(i_x + i_t) * torch.tanh(g_x + g_t)
        o = torch.sigmoid(o_x + o_t + o_s)
        h = o * torch.tanh(self.conv_last(torch.cat([c, m], dim=1)))
        if highway is not None:
            h = h + (1 - o) * highway
        return h, c, m, s


# --------------------------------------------------------------------------
# MotionRNN pieces.


def deform_warp(e, offset, mask_logits):
    """Modulated deformable 3x3 sampling of e (B,C,P,Q) at p0 + p_n + F on the
    zero-padded map, exactly as the official Warp: coordinates are clamped to
    the padded map, integer corners are detached, bilinear weights carry the
    gradient to F. Returns the (B, C, 3P, 3Q) rearrangement, each pixel's 3x3
    taps in a block, already multiplied by sigmoid(mask_logits)."""
    B, C, P, Q = e.shape
    N = 9
    x = F.pad(e, (1, 1, 1, 1))
    Hp, Wp = P + 2, Q + 2
    dev, dt = e.device, e.dtype
    rows = torch.arange(1, P + 1, device=dev, dtype=dt).view(1, 1, P, 1).expand(1, N, P, Q)
    cols = torch.arange(1, Q + 1, device=dev, dtype=dt).view(1, 1, 1, Q).expand(1, N, P, Q)
    tap = torch.arange(N, device=dev)
    pn_r = (tap // 3 - 1).to(dt).view(1, N, 1, 1)
    pn_c = (tap % 3 - 1).to(dt).view(1, N, 1, 1)
    pr = rows + pn_r + offset[:, :N]
    pc = cols + pn_c + offset[:, N:]
    qr0 = torch.clamp(pr.detach().floor(), 0, Hp - 1)
    qc0 = torch.clamp(pc.detach().floor(), 0, Wp - 1)
    qr1 = torch.clamp(pr.detach().floor() + 1, 0, Hp - 1)
    qc1 = torch.clamp(pc.detach().floor() + 1, 0, Wp - 1)
    pr = torch.clamp(pr, 0, Hp - 1)
    pc = torch.clamp(pc, 0, Wp - 1)
    g_lt = (1 + (qr0 - pr)) * (1 + (qc0 - pc))
    g_rb = (1 - (qr1 - pr)) * (1 - (qc1 - pc))
    g_lb = (1 + (qr0 - pr)) * (1 - (qc1 - pc))
    g_rt = (1 - (qr1 - pr)) * (1 + (qc0 - pc))
    flat = x.reshape(B, C, Hp * Wp)

    def gather(qr, qc):
        idx = (qr * Wp + qc).long().reshape(B, 1, N * P * Q).expand(B, C, N * P * Q)
        return flat.gather(2, idx).reshape(B, C, N, P, Q)

    v = (g_lt.unsqueeze(1) * gather(qr0, qc0) + g_rb.unsqueeze(1) * gather(qr1, qc1) +
         g_lb.unsqueeze(1) * gather(qr0, qc1) + g_rt.unsqueeze(1) * gather(qr1, qc0))
    v = v * torch.sigmoid(mask_logits).unsqueeze(1)
    # (B,C,N,P,Q) -> (B,C,P,3,Q,3) -> (B,C,3P,3Q): tap (a,b) of pixel (r,q)
    # lands at (3r + a, 3q + b).
    v = v.reshape(B, C, 3, 3, P, Q).permute(0, 1, 4, 2, 5, 3)
    return v.reshape(B, C, 3 * P, 3 * Q)


class MotionGRU(nn.Module):
    def __init__(self, c, k=3):
        super().__init__()
        nm = 2 * k * k
        self.update = conv(c + nm, nm, 3, True)
        self.reset = conv(c + nm, nm, 3, True)
        self.output = conv(c + nm, nm, 3, True)
        self.warp_gate = conv(c, k * k, 3, True)
        self.warp_conv = nn.Conv2d(c, c, 3, stride=3, bias=False)
        for cv in (self.update, self.reset, self.output, self.warp_gate):
            nn.init.zeros_(cv.weight)

    def forward(self, e, f_prev, d_prev):
        ef = torch.cat([e, f_prev], dim=1)
        u = torch.sigmoid(self.update(ef))
        r = torch.sigmoid(self.reset(ef))
        z = torch.tanh(self.output(torch.cat([e, r * f_prev], dim=1)))
        f_new = u * z + (1 - u) * f_prev
        d = d_prev + 0.5 * (f_prev - d_prev)
        f = f_new + d
        warped = self.warp_conv(deform_warp(e, f, self.warp_gate(e)))
        return warped, f, d


class MotionWrapper(nn.Module):
    """Encoder, MotionGRU, warp, decoder and fusion gate after one layer."""

    def __init__(self, nh, k):
        super().__init__()
        self.enc = conv(nh, nh // 4, k, True, stride=2)
        self.gru = MotionGRU(nh // 4)
        self.dec = nn.ConvTranspose2d(nh // 4, nh, 4, stride=2, padding=1, bias=True)
        self.gate = conv(2 * nh, nh, k, True)

    def forward(self, h, f, d):
        e = self.enc(h)
        w, f, d = self.gru(e, f, d)
        dec = self.dec(w)
        o = torch.sigmoid(self.gate(torch.cat([dec, h], dim=1)))
        return o * dec + (1 - o) * h, f, d


# --------------------------------------------------------------------------
# Whole models.


class RecurrentPredictor(nn.Module):
    """backbone in {convlstm, predrnn, mim}; motion wraps it with MotionRNN.

    cin: channels of a patched frame (p*p*C); nh: list of hidden channels;
    hw: (H, W) of the patched frame; k: filter size."""

    def __init__(self, backbone, cin, nh, hw, k=5, layer_norm=False, motion=False):
        super().__init__()
        self.backbone, self.motion, self.nh, self.hw = backbone, motion, list(nh), hw
        L = len(nh)
        cells = []
        for l in range(L):
            ci = cin if l == 0 else nh[l - 1]
            if backbone == "convlstm":
                cells.append(ConvLSTMCell(ci, nh[l], k, hw, layer_norm))
            elif backbone == "predrnn":
                cells.append(STLSTMCell(ci, nh[l], k, hw, layer_norm))
            elif backbone == "mim":
                cells.append(MIMFirstCell(ci, nh[l], k, hw, layer_norm) if l == 0 else
                             MIMBlock(ci, nh[l], k, hw, layer_norm))
            else:
                raise ValueError(backbone)
        self.cells = nn.ModuleList(cells)
        if backbone == "mim":
            # MIM-N of layer l (1..L-1) sees differences of width nh[l-1].
            self.mimn = nn.ModuleList(
                MIMPeepholeLSTM(nh[l - 1], nh[l], k, hw, layer_norm, init_range=0.001)
                for l in range(1, L))
        if motion:
            self.wrappers = nn.ModuleList(MotionWrapper(nh[l], k) for l in range(L - 1))
            self.highway0 = conv(cin, nh[0], 1, False)
        # MIM's output convolution has a bias; predrnn-pytorch's and MotionRNN's do not.
        self.conv_last = conv(nh[-1], cin, 1, backbone == "mim")

    def forward(self, frames, mask, input_length):
        """frames [B,T,C,H,W]; mask [B, T-1-input_length, C,H,W] (1 = use truth)."""
        B, T = frames.shape[:2]
        H, W = self.hw
        L = len(self.nh)
        z = lambda c, h=H, w=W: frames.new_zeros(B, c, h, w)
        h = [z(n) for n in self.nh]
        c = [z(n) for n in self.nh]
        m = z(self.nh[0])
        if self.backbone == "mim":
            s = [None] + [z(n) for n in self.nh[1:]]      # MIM-S cells
            nd = [None] + [z(n) for n in self.nh[1:]]     # MIM-N hidden (D)
            nc = [None] + [z(n) for n in self.nh[1:]]     # MIM-N cells
        if self.motion:
            fm = [z(18, H // 2, W // 2) for _ in range(L - 1)]
            dm = [z(18, H // 2, W // 2) for _ in range(L - 1)]
        outs = []
        x_gen = None
        for t in range(T - 1):
            if t < input_length:
                x = frames[:, t]
            else:
                mk = mask[:, t - input_length]
                x = mk * frames[:, t] + (1 - mk) * x_gen
            hw = self.highway0(x) if self.motion else None
            prev_h = list(h)
            inp = x
            for l in range(L):
                if self.backbone == "convlstm":
                    h[l], c[l] = self.cells[l](inp, h[l], c[l], hw)
                elif self.backbone == "predrnn":
                    h[l], c[l], m = self.cells[l](inp, h[l], c[l], m, hw)
                elif l == 0:
                    h[l], c[l], m = self.cells[l](inp, h[l], c[l], m, hw)
                else:
                    # MIM-N: x = H^{l-1}_t - H^{l-1}_{t-1} (layer 1) or the
                    # MIM-N output below; D = 0 at t = 0. With MotionRNN the
                    # difference uses the fused (post-wrapper) states, which
                    # are the recurrent states of the layer below.
                    if t > 0:
                        xin = (h[l - 1] - prev_h[l - 1]) if l == 1 else nd[l - 1]
                        nd[l], nc[l] = self.mimn[l - 1](xin, nd[l], nc[l])
                    h[l], c[l], m, s[l] = self.cells[l](inp, nd[l], h[l], c[l], m, s[l], hw)
                if self.motion:
                    hw = h[l]  # the highway of the layer above: H before fusion
                    if l < L - 1:
                        h[l], fm[l], dm[l] = self.wrappers[l](h[l], fm[l], dm[l])
                inp = h[l]
            x_gen = self.conv_last(h[L - 1])
            outs.append(x_gen)
        return torch.stack(outs, dim=1)
