#!/usr/bin/env python3
"""Training throughput of `dlc --train` trainers next to PyTorch, in one run.

For the digits MLP and CNN of tests/training/models.py (batch 32, Adam,
softmax cross-entropy, 1347 training samples = 42 steps per epoch) this
compiles a trainer, times `--epochs N` of it (wall clock of the process
minus a 0-epoch run, so start-up and data loading cancel), and times N
epochs of the same model, optimizer and batches in PyTorch eager mode with
the same thread count. Prints ms per epoch for both and the ratio
(> 1: dlc is faster). Both start from the same weights; the final training
losses are printed so a fast wrong answer shows.

    python3 bench/train_vs_torch.py --dlc build/bin/dlc [--epochs 10] [--threads 1]
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "training"))
from models import init_weights, onnx_model, torch_forward  # noqa: E402

BATCH = 32


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    import torch
    from sklearn.datasets import load_digits
    torch.set_num_threads(args.threads)
    d = load_digits()
    x_all, y_all = (d.data[:1347] / 16.0).astype(np.float32), d.target[:1347].astype(np.int64)
    print(f"{'model':6} {'dlc ms/epoch':>13} {'torch ms/epoch':>15} {'ratio':>7}  final loss dlc / torch")
    for kind in ["mlp", "cnn"]:
        x = x_all.reshape(-1, 1, 8, 8) if kind == "cnn" else x_all
        weights = init_weights(kind, seed=0)
        with tempfile.TemporaryDirectory() as tmp:
            model = os.path.join(tmp, "m.onnx")
            onnx.save(onnx_model(kind, weights, BATCH), model)
            data = os.path.join(tmp, "d.npz")
            np.savez(data, x=x, y=y_all)
            trainer = os.path.join(tmp, "trainer")
            subprocess.run([args.dlc, "--train", "--optimizer=adam", "--lr=1e-3", model, "-o", trainer],
                           check=True)
            base = [trainer, "--data", data, "--threads", str(args.threads), "--no-progress"]
            t0, _ = timed(base + ["--epochs", "1"])
            t1, out = timed(base + ["--epochs", str(args.epochs + 1)])
            dlc_ms = (t1 - t0) / args.epochs * 1e3
            dlc_loss = float(re.findall(r"loss ([0-9.]+)", out)[-1])
        params = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
        opt = torch.optim.Adam(params.values(), lr=1e-3)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y_all)
        steps = len(x) // BATCH
        gen = torch.Generator().manual_seed(0)

        def epoch():
            order = torch.randperm(len(x), generator=gen)
            total = 0.0
            for s in range(steps):
                idx = order[s * BATCH:(s + 1) * BATCH]
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(torch_forward(kind, params, xt[idx]), yt[idx])
                loss.backward()
                opt.step()
                total += loss.item()
            return total / steps

        epoch()  # warm-up, like dlc's first epoch
        start = time.perf_counter()
        for _ in range(args.epochs):
            torch_loss = epoch()
        torch_ms = (time.perf_counter() - start) / args.epochs * 1e3
        print(f"{kind:6} {dlc_ms:13.2f} {torch_ms:15.2f} {torch_ms / dlc_ms:7.2f}  {dlc_loss:.4f} / {torch_loss:.4f}")


if __name__ == "__main__":
    sys.exit(main())
