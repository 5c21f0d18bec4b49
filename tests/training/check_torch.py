#!/usr/bin/env python3
"""Whole-model gradients and optimizer steps of dlc --train against PyTorch.

1. Gradients: the MLP and CNN of models.py (float32, batch 16, random
   inputs and one-hot labels), softmax cross-entropy; `dlc --train
   --emit-gradients` against torch.autograd. Pass: loss and every gradient
   within rtol 1e-4 (atol 1e-6 x the largest |gradient| of that tensor,
   for entries that cancel to ~0 in fp32).
2. Optimizers: a trainer (`dlc --train --optimizer=...`) runs 3 steps on one
   batch (--epochs 3 on a data set of exactly one batch, so the shuffle does
   not matter) and --save writes the weights; torch.optim (SGD, SGD with
   momentum, Adam, each with weight decay) does the same 3 steps. Pass:
   weights within rtol 1e-4, atol 1e-6.
Also checks MSE and binary cross-entropy gradients on the MLP.

usage: check_torch.py --dlc build/bin/dlc [-v]
Last line: `N passed, N failed`. Without PyTorch: prints why and exits 0
with `0 passed, 0 failed, N skipped`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dlc_gradients import dlc_gradients, run_all, run_checked  # noqa: E402
from models import init_weights, onnx_model, torch_forward  # noqa: E402

BATCH = 16


def data(kind, seed):
    rng = np.random.default_rng(seed)
    shape = (BATCH, 64) if kind == "mlp" else (BATCH, 1, 8, 8)
    x = rng.uniform(-1, 1, size=shape).astype(np.float32)
    classes = rng.integers(0, 10, size=BATCH)
    return x, classes


def torch_loss(torch, loss, logits, target):
    F = torch.nn.functional
    if loss == "softmax_cross_entropy":
        return F.cross_entropy(logits, target)
    if loss == "mse":
        return F.mse_loss(logits, target)
    return F.binary_cross_entropy(torch.sigmoid(logits), target)


def close(a, b, rtol=1e-4):
    atol = 1e-6 * max(1.0, float(np.max(np.abs(b)))) if b.size else 0
    return np.allclose(a, b, rtol=rtol, atol=atol), float(np.max(np.abs(a - b) / (atol + rtol * np.abs(b))))


def check_gradients(torch, dlc, kind, loss, verbose):
    weights = init_weights(kind, seed=1)
    x, classes = data(kind, seed=2)
    model = onnx_model(kind, weights, BATCH)
    if loss == "softmax_cross_entropy":
        labels = np.eye(10, dtype=np.float32)[classes]
        target = torch.from_numpy(classes)
    else:
        labels = np.random.default_rng(3).uniform(0, 1, size=(BATCH, 10)).astype(np.float32)
        target = torch.from_numpy(labels)
    if loss == "binary_cross_entropy":  # the prediction is a probability
        model.graph.node.append(onnx.helper.make_node("Sigmoid", ["logits"], ["prob"], name="sigmoid"))
        model.graph.output[0].name = "prob"
    got_loss, _, grads = dlc_gradients(dlc, model, {"x": x}, labels, loss=loss)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
    ref = torch_loss(torch, loss, torch_forward(kind, params, torch.from_numpy(x)), target)
    ref.backward()
    problems = []
    if not np.isclose(got_loss, ref.item(), rtol=1e-5):
        problems.append(f"loss {got_loss} vs torch {ref.item()}")
    for name, p in params.items():
        if name not in grads:
            problems.append(f"no gradient for {name}")
            continue
        ok, worst = close(grads[name], p.grad.numpy())
        if not ok:
            problems.append(f"d/d{name}: worst error {worst:.3g} x tolerance")
    report(f"gradients {kind} {loss}", problems, verbose)
    return not problems


def check_optimizer(torch, dlc, kind, optimizer, flags, make_torch_opt, verbose):
    weights = init_weights(kind, seed=4)
    x, classes = data(kind, seed=5)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.onnx")
        onnx.save(onnx_model(kind, weights, BATCH), path)
        exe = os.path.join(tmp, "trainer")
        run_checked([dlc, "--train", f"--optimizer={optimizer}", *flags, path, "-o", exe])
        np.savez(os.path.join(tmp, "d.npz"), x=x, y=classes)
        saved = os.path.join(tmp, "trained.onnx")
        run_checked([exe, "--data", os.path.join(tmp, "d.npz"), "--epochs", "3", "--save", saved])
        trained = {t.name: numpy_helper.to_array(t) for t in onnx.load(saved).graph.initializer}
    params = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
    opt = make_torch_opt(list(params.values()))
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(
            torch_forward(kind, params, torch.from_numpy(x)), torch.from_numpy(classes)).backward()
        opt.step()
    problems = []
    for name, p in params.items():
        ok, worst = close(trained[name], p.detach().numpy())
        if not ok:
            problems.append(f"{name}: worst error {worst:.3g} x tolerance")
    report(f"optimizer {kind} {optimizer} {' '.join(flags)}", problems, verbose)
    return not problems


def report(name, problems, verbose):
    if problems or verbose:
        print(f"{'FAIL' if problems else 'ok  '} {name}" + (": " + "; ".join(problems[:5]) if problems else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: the torch reference checks are skipped")
        print("0 passed, 0 failed, 7 skipped")
        return 0
    torch.manual_seed(0)
    checks = [
        lambda: check_gradients(torch, args.dlc, "mlp", "softmax_cross_entropy", args.verbose),
        lambda: check_gradients(torch, args.dlc, "cnn", "softmax_cross_entropy", args.verbose),
        lambda: check_gradients(torch, args.dlc, "mlp", "mse", args.verbose),
        lambda: check_gradients(torch, args.dlc, "mlp", "binary_cross_entropy", args.verbose),
        lambda: check_optimizer(torch, args.dlc, "mlp", "sgd", ["--lr=0.1", "--weight-decay=0.01"],
                                lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01), args.verbose),
        lambda: check_optimizer(torch, args.dlc, "mlp", "momentum", ["--lr=0.05", "--momentum=0.8"],
                                lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8), args.verbose),
        lambda: check_optimizer(torch, args.dlc, "cnn", "adam",
                                ["--lr=0.01", "--beta1=0.8", "--beta2=0.99", "--weight-decay=0.001"],
                                lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.001),
                                args.verbose),
    ]
    return run_all((f"check {i}", check) for i, check in enumerate(checks))


if __name__ == "__main__":
    sys.exit(main())
