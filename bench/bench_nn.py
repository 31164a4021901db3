#!/usr/bin/python3
"""bench_nn.py - radnow's layers against PyTorch, in the same run.

    /usr/bin/python3 bench/bench_nn.py [--c bench/bench_nn] [--rounds 3] [--reps 7]

Runs the C benchmark (bench/bench_nn.c) and the same cases in PyTorch
(Debian's python3-torch, CPU, float32) alternately, with 1 and 2 threads,
`rounds` times; each measurement is the median of `reps` runs after a
warm-up, and the table reports the median over the rounds. The backward pass
computes the input, weight and bias gradients in both. Prints the Markdown
table of bench/RESULTS.md: radnow's default convolutions (oneDNN's direct
primitives) against PyTorch, then every variant: Winograd per call (the
weights transformed in every call) and with the weights held (transformed
once, as inside a model's forward pass), im2col + sgemm.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tools"))
from make_fixtures import warp_sample  # noqa: E402  (the official Warp's sampling, restated)

torch.use_deterministic_algorithms(False)

# name, kind (0 conv, 1 transposed conv, 2 deformable sampling), B, C, H, W, O, K, S, P
CASES = [
    ("conv5x5_64to256_16x16_b1", 0, 1, 64, 16, 16, 256, 5, 1, 2),
    ("conv5x5_64to256_16x16_b8", 0, 8, 64, 16, 16, 256, 5, 1, 2),
    ("conv5x5_64to256_64x64_b1", 0, 1, 64, 64, 64, 256, 5, 1, 2),
    ("conv5x5_64to256_64x64_b8", 0, 8, 64, 64, 64, 256, 5, 1, 2),
    ("convt4x4s2_16to64_8x8_b8", 1, 8, 16, 8, 8, 64, 4, 2, 1),
    ("convt4x4s2_64to64_32x32_b8", 1, 8, 64, 32, 32, 64, 4, 2, 1),
    ("deform3_16ch_8x8_b8", 2, 8, 16, 8, 8, 0, 0, 0, 0),
    ("deform3_64ch_32x32_b8", 2, 8, 64, 32, 32, 0, 0, 0, 0),
]


def median_time(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def torch_case(case, threads, reps):
    name, kind, B, C, H, W, O, K, S, P = case
    torch.set_num_threads(threads)
    x = torch.randn(B, C, H, W, requires_grad=True)
    if kind == 2:
        off = (torch.randn(B, 18, H, W) * 2).requires_grad_(True)
        mask = torch.rand(B, 9, H, W).requires_grad_(True)
        ins = [x, off, mask]

        def fwd():
            return warp_sample(x, off, mask)
        flops = 0.0
    else:
        if kind == 1:
            w = (torch.randn(C, O, K, K) * 0.05).requires_grad_(True)
            b = torch.randn(O, requires_grad=True)

            def fwd():
                return F.conv_transpose2d(x, w, b, stride=S, padding=P)
            flops = 2.0 * B * O * C * K * K * H * W
        else:
            w = (torch.randn(O, C, K, K) * 0.05).requires_grad_(True)
            b = torch.randn(O, requires_grad=True)

            def fwd():
                return F.conv2d(x, w, b, stride=S, padding=P)
            OH = (H + 2 * P - K) // S + 1
            flops = 2.0 * B * O * C * K * K * OH * ((W + 2 * P - K) // S + 1)
        ins = [x, w, b]
    with torch.no_grad():
        tf = median_time(fwd, reps)
    y = fwd()
    dy = torch.randn_like(y)
    tb = median_time(lambda: torch.autograd.grad(y, ins, dy, retain_graph=True), reps)
    return tf * 1e3, tb * 1e3, (flops / tf * 1e-9 if flops else 0.0), (2 * flops / tb * 1e-9 if flops else 0.0)


# radnow's CPU variants: the default (oneDNN's direct convolutions), and
# im2col + sgemm with each sgemm
VARIANTS = [("default", []), ("Winograd", ["--conv", "winograd"]),
            ("Winograd, weights held", ["--conv", "winograd", "--hold"]),
            ("im2col+oneDNN sgemm", ["--conv", "im2col", "--gemm", "dnnl"]),
            ("im2col+OpenBLAS", ["--conv", "im2col", "--gemm", "openblas"])]


def c_run(binary, threads, reps, extra):
    out = subprocess.run([binary, "--threads", str(threads), "--reps", str(reps)] + extra,
                         check=True, capture_output=True, text=True).stdout
    res, desc = {}, ""
    for line in out.splitlines():
        if line.startswith("#"):
            desc = line[2:]
            continue
        f = line.split()
        res[f[0]] = tuple(float(v) for v in f[-4:])
    return desc, res


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--c", default=os.path.join(here, "bench_nn"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()

    c_all, t_all, descs, var_all = {}, {}, {}, {}
    for rnd in range(args.rounds):
        for threads in (1, 2):
            for vname, extra in VARIANTS:
                desc, res = c_run(args.c, threads, args.reps, extra)
                if vname == "default":
                    descs[threads] = desc
                    for k, v in res.items():
                        c_all.setdefault((k, threads), []).append(v)
                for k, v in res.items():
                    var_all.setdefault((vname, k, threads), []).append(v)
            for case in CASES:
                t_all.setdefault((case[0], threads), []).append(torch_case(case, threads, args.reps))
        print("round %d done (load %s)" % (rnd + 1, os.getloadavg()[0]), file=sys.stderr)

    def med(vals, i):
        return statistics.median(v[i] for v in vals)

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("Machine: %s, %d cores; %s; PyTorch %s; OPENBLAS_CORETYPE=%s; %s UTC; median of %d "
          "rounds, each the median of %d runs." % (
              cpu, os.cpu_count(), descs.get(2, ""), torch.__version__,
              os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
              time.strftime("%Y-%m-%d %H:%M", time.gmtime()), args.rounds, args.reps))
    print()
    for threads in (1, 2):
        sg = med(c_all[("sgemm_2048", threads)], 2)
        print("OpenBLAS cblas_sgemm 2048^3, %d thread%s: %.1f GFLOP/s" % (
            threads, "s" if threads > 1 else "", sg))
    print()
    print("| case | threads | radnow fwd | PyTorch fwd | ratio | radnow bwd | PyTorch bwd | ratio "
          "| fwd / sgemm | bwd / sgemm |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for case in CASES:
        name, kind = case[0], case[1]
        for threads in (1, 2):
            c, t = c_all[(name, threads)], t_all[(name, threads)]
            sg = med(c_all[("sgemm_2048", threads)], 2)
            if kind == 2:  # no FLOP count: milliseconds, ratio = PyTorch time / radnow time
                cf, cb, tf, tb = med(c, 0), med(c, 1), med(t, 0), med(t, 1)
                print("| %s | %d | %.3f ms | %.3f ms | %.2f | %.3f ms | %.3f ms | %.2f | - | - |" % (
                    name, threads, cf, tf, tf / cf, cb, tb, tb / cb))
            else:
                cf, cb, tf, tb = med(c, 2), med(c, 3), med(t, 2), med(t, 3)
                print("| %s | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f | %.2f | %.2f |" % (
                    name, threads, cf, tf, cf / tf, cb, tb, cb / tb, cf / sg, cb / sg))
    print()
    print("radnow's CPU convolution variants, GFLOP/s forward / backward (ratio to PyTorch):")
    print()
    print("| case | threads | " + " | ".join(v[0] for v in VARIANTS) + " | PyTorch |")
    print("|---|---|" + "---|" * (len(VARIANTS) + 1))
    for case in CASES:
        name, kind = case[0], case[1]
        if kind == 2:
            continue
        for threads in (1, 2):
            t = t_all[(name, threads)]
            tf, tb = med(t, 2), med(t, 3)
            cells = []
            for vname, _ in VARIANTS:
                v = var_all[(vname, name, threads)]
                cells.append("%.0f / %.0f (%.2f / %.2f)" % (med(v, 2), med(v, 3), med(v, 2) / tf,
                                                           med(v, 3) / tb))
            print("| %s | %d | %s | %.0f / %.0f |" % (name, threads, " | ".join(cells), tf, tb))


if __name__ == "__main__":
    main()
