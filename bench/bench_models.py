#!/usr/bin/python3
"""bench_models.py - radnow's MotionRNN-MIM against the PyTorch reference, in
the same run.

    /usr/bin/python3 bench/bench_models.py [--c bench/bench_models] [--threads 2]
                                           [--conv auto,winograd] [--rounds 3] [--reps 3]
                                           [--def etc/models/motionrnn-mim.ini]

The model is the papers' MotionRNN-MIM (64x64 frames, patch 4, 4 layers x
64 hidden, filter 5, 10 in / 10 out); the reference is
tests/tools/ref_models.py (Debian's python3-torch, CPU, float32) with the
same thread count. Cases: inference forward at batch 1 and 8 (PyTorch under
torch.no_grad; radnow's rn_model_predict) and one training step at batch 8
(zero gradients, forward with a random scheduled-sampling mask, MSE loss,
backward, Adam). Every case runs in a fresh process (so that its maximum
resident set size is its own), C and PyTorch alternately, `rounds` times;
each process times `reps` runs after a warm-up and reports their median; the
table gives the median over the rounds, the ratio PyTorch / radnow (> 1:
radnow is faster), radnow's own memory accounting and both processes' max
RSS. --conv chooses radnow's CPU convolutions (auto: oneDNN's direct ones;
winograd: what the operational predictor runs, [predictor.NAME] conv). The
load average before and after is printed: do not record numbers taken on a
busy machine.
"""
import argparse
import re
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [("forward", 1), ("forward", 8), ("train", 8)]


def torch_one(mode, B, threads, reps):
    import torch
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools"))
    import ref_models as R
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    p, H, Tin, Tout = 4, 64, 10, 10
    model = R.RecurrentPredictor("mim", p * p, [64] * 4, (H // p, H // p), k=5, motion=True)
    frames = torch.rand(B, Tin + Tout, p * p, H // p, H // p)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if mode == "forward":
        mask = torch.zeros(B, Tout - 1, 1, 1, 1)

        def run():
            with torch.no_grad():
                model(frames, mask, Tin)
    else:
        mask = (torch.rand(B, Tout - 1, 1, 1, 1) < 0.5).float()
        opt = torch.optim.Adam(model.parameters(), lr=3e-4)

        def run():
            opt.zero_grad()
            pred = model(frames, mask, Tin)
            loss = ((pred - frames[:, 1:]) ** 2).mean()
            loss.backward()
            opt.step()
    ts = []
    for r in range(reps + 1):
        t0 = time.perf_counter()
        run()
        if r:
            ts.append(time.perf_counter() - t0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    nparam = sum(q.numel() for q in model.parameters())
    print("impl=torch mode=%s B=%d threads=%d reps=%d median_s=%.4f min_s=%.4f params=%d "
          "maxrss_kb=%d rss_before_kb=%d version=%s" %
          (mode, B, torch.get_num_threads(), reps, statistics.median(ts), min(ts), nparam, rss,
           base, torch.__version__))


def parse(line):
    """key=value pairs; a value in double quotes may hold spaces"""
    return {k: v if v else q for k, q, v in re.findall(r'(\w+)=(?:"([^"]*)"|(\S+))', line)}


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit("%s failed:\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    lines = [l for l in r.stdout.splitlines() if l.startswith("impl=")]
    return parse(lines[-1])


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--c", default=os.path.join(HERE, "bench_models"))
    ap.add_argument("--def", dest="defn",
                    default=os.path.join(HERE, "..", "etc", "models", "motionrnn-mim.ini"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--conv", default="auto",
                    help="radnow's CPU convolutions, one or several (comma-separated, each "
                         "measured in every round beside the same PyTorch run): auto (oneDNN "
                         "direct), winograd, im2col")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--torch-one", nargs=2, metavar=("MODE", "B"))
    a = ap.parse_args()
    if a.torch_one:
        torch_one(a.torch_one[0], int(a.torch_one[1]), a.threads, a.reps)
        return
    print("# %s, %s, %d threads, %s" % (platform.node(), time.strftime("%Y-%m-%d %H:%M UTC",
                                                                       time.gmtime()),
                                       a.threads, platform.processor() or platform.machine()))
    print("# load average before: %s" % load())
    convs = a.conv.split(",")
    res = {}
    for rnd in range(a.rounds):
        for mode, B in CASES:
            cs = {}
            for conv in convs:
                cs[conv] = run([a.c, "-d", a.defn, "-t", str(a.threads), "-r", str(a.reps), "-b",
                                str(B), "-c", conv, mode])
            t = run([sys.executable, os.path.abspath(__file__), "--threads", str(a.threads),
                     "--reps", str(a.reps), "--torch-one", mode, str(B)])
            for conv in convs:
                res.setdefault((conv, mode, B), []).append((cs[conv], t))
            print("# round %d %s B=%d: %s, PyTorch %s s (load %s)" %
                  (rnd + 1, mode, B, ", ".join("radnow (%s) %s s" % (conv, cs[conv]["median_s"])
                                               for conv in convs),
                   t["median_s"], load()), flush=True)
    print("# load average after: %s" % load())
    for conv in convs:
        c0 = res[(conv,) + CASES[0]][0][0]
        print()
        print("# radnow: %s; %s parameters (PyTorch %s); forward %.1f GFLOP per sequence; "
              "PyTorch %s" % (c0["backend"], c0["params"], res[(conv,) + CASES[0]][0][1]["params"],
                              float(c0["fwd_gflop"]), res[(conv,) + CASES[0]][0][1]["version"]))
        print()
        print("| case | radnow (s) | PyTorch (s) | speed-up | radnow GFLOP/s | radnow memory "
              "(accounted) | radnow max RSS | PyTorch max RSS |")
        print("|---|---|---|---|---|---|---|---|")
        for mode, B in CASES:
            rows = res[(conv, mode, B)]
            tc = statistics.median(float(c["median_s"]) for c, _ in rows)
            tt = statistics.median(float(t["median_s"]) for _, t in rows)
            c = rows[-1][0]
            flop = float(c["fwd_gflop"]) * (3 if mode == "train" else 1)
            mib = lambda kb: "%.0f MiB" % (float(kb) / 1024)
            print("| %s, batch %d | %.3f | %.3f | %.2fx | %.0f | %.0f MiB | %s | %s |" %
                  ("training step" if mode == "train" else "forward", B, tc, tt, tt / tc,
                   flop / tc, float(c["mem_total"]) / 2**20, mib(c["maxrss_kb"]),
                   mib(max(float(t["maxrss_kb"]) for _, t in rows))))

if __name__ == "__main__":
    main()
