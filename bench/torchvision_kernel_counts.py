#!/usr/bin/env python3
"""Kernel counts of torchvision's VGG-19, Inception-v3 and ResNet-152 next to
TensorRT's published layer-fusion counts, with -O0/-O2 outputs checked
against onnxruntime.

Each model is built with random weights (torch.manual_seed(0), torchvision's
own initialisation). Its BatchNorm running statistics are then estimated from
a few random batches (train-mode forward passes, cumulative average), as
training would leave them: with the initial mean 0 / var 1 the activations of
the untrained nets grow to 1e8..1e12 through the depth and an fp32 comparison
of the logits measures that blow-up, not the compiler. The model is put in
eval mode and exported twice with the TorchScript
exporter (dynamo=False, opset 17, batch 1):
  * "unfused": training=PRESERVE, do_constant_folding=False. Eval mode still
    selects inference BatchNorm, but the exporter's eval peephole does not
    run, so every Conv keeps its BatchNormalization node. This is the network
    TensorRT's "before" numbers count layers of.
  * "exported": the default eval export with do_constant_folding=True; the
    exporter folds BatchNorm into the preceding Conv.
Both are compiled with `dlc --stats -O0` and `-O2`; the executables run on one
seeded N(0,1) input and their outputs are compared with onnxruntime's (the
reference) at rtol 1e-3, atol 1e-4.

    python3 bench/torchvision_kernel_counts.py --dlc build/bin/dlc [--workdir /tmp/tv] [--models vgg19]

Needs torch and torchvision (CPU wheels are enough); models, data and
executables go to --workdir, never into the repository.
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

# NVIDIA, "TensorRT layer and tensor fusion": layers before -> after fusion.
TENSORRT = {"vgg19": (43, 27), "inception_v3": (309, 113), "resnet152": (670, 159)}
SIZES = {"vgg19": 224, "inception_v3": 299, "resnet152": 224}
VARIANTS = ("unfused", "exported")
LEVELS = ("-O0", "-O2")
# Outputs are compared relative to the output's range, as bench/run.py does:
# max|dlc - ref| / max|ref|.  Elementwise rtol is meaningless for logits that
# cross zero (a 1e-3 absolute difference on a 1e-3 logit is 100% "relative").
RANGE_TOL = 1e-3
STATS = re.compile(r"onnx nodes in: (\d+), kernels out: (\d+) \((.*)\), arena bytes: (\d+)")


def calibrate_batch_norm(model, size, batches=4, batch=8):
    """Running mean/var of every BatchNorm from random N(0,1) batches."""
    import torch

    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    if not norms:
        return model
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative moving average over the batches
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(batch, 3, size, size))
    return model


def build(name):
    import torch
    import torchvision

    torch.manual_seed(0)
    if name == "inception_v3":
        model = torchvision.models.inception_v3(weights=None, aux_logits=False,
                                                init_weights=True)
    else:
        model = getattr(torchvision.models, name)(weights=None)
    return calibrate_batch_norm(model, SIZES[name]).eval()


def export(name, variant, path):
    import torch

    model = build(name)
    x = torch.zeros(1, 3, SIZES[name], SIZES[name])
    folded = variant == "exported"
    training = torch.onnx.TrainingMode.EVAL if folded else torch.onnx.TrainingMode.PRESERVE
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=17, dynamo=False,
                          do_constant_folding=folded, training=training,
                          input_names=["input"], output_names=["logits"])


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s" % (" ".join(cmd), p.returncode,
                                               (p.stdout + p.stderr)[-3000:]))
    return p.stdout + p.stderr


def errors(out, ref):
    """Max abs error, that error relative to max|ref|, and whether it is within RANGE_TOL."""
    ref = ref.astype(np.float64)
    diff = float(np.abs(out.astype(np.float64) - ref).max())
    rel = diff / max(float(np.abs(ref).max()), 1e-30)
    return diff, rel, rel <= RANGE_TOL


def measure(dlc, name, variant, workdir):
    directory = os.path.join(workdir, name, variant)
    data = os.path.join(directory, "data")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(directory, "model.onnx")
    if not os.path.exists(path):
        export(name, variant, path)
    model = onnx.load(path)
    ops = {}
    for node in model.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    x = np.random.default_rng(0).standard_normal((1, 3, SIZES[name], SIZES[name]),
                                                  dtype=np.float32)
    onnx.save_tensor(numpy_helper.from_array(x, "input"), os.path.join(data, "input_0.pb"))
    ref = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    # The exporter emits an Identity per re-used initializer; they are not
    # layers, so "layers" leaves them out.
    layers = len(model.graph.node) - ops.get("Identity", 0)
    row = {"model": name, "variant": variant, "nodes": len(model.graph.node), "layers": layers,
           "ops": ops,
           "ref_absmax": float(np.abs(ref).max())}
    for level in LEVELS:
        exe = os.path.join(directory, "model" + level)
        stats = STATS.search(run([dlc, level, "--stats", path, "-o", exe]))
        out_dir = os.path.join(directory, "out" + level)
        run([exe, "--data", data, "--output-dir", out_dir])
        out = np.load(os.path.join(out_dir, "output_0.npy"))
        row[level] = {"kernels": int(stats.group(2)), "kinds": stats.group(3),
                      "arena": int(stats.group(4)), "error": errors(out, ref.astype(np.float64)),
                      "out": out}
    a, b = row["-O0"]["out"], row["-O2"]["out"]
    row["O2_vs_O0"] = errors(b, a)[2]
    return row


def report(rows):
    print("| model | variant | ONNX nodes (non-Identity) | dlc -O0 kernels | dlc -O2 kernels | TensorRT "
          "| arena bytes -O0 / -O2 | vs ORT -O0: max abs / range-rel err | -O2 | within 1e-3 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        o0, o2 = r["-O0"], r["-O2"]
        trt = "%d -> %d" % TENSORRT[r["model"]]
        ok = o0["error"][2] and o2["error"][2] and r["O2_vs_O0"]
        print("| %s | %s | %d (%d) | %d | %d | %s | %d / %d | %.2g / %.2g | %.2g / %.2g | %s |" % (
            r["model"], r["variant"], r["nodes"], r["layers"], o0["kernels"], o2["kernels"], trt,
            o0["arena"], o2["arena"], o0["error"][0], o0["error"][1], o2["error"][0],
            o2["error"][1], "yes" if ok else "NO"))
    print()
    for r in rows:
        print("%s/%s: ONNX ops %s; |logits| max %.3g" % (
            r["model"], r["variant"],
            ", ".join("%s %d" % kv for kv in sorted(r["ops"].items())), r["ref_absmax"]))
        for level in LEVELS:
            print("  %s kernels: %s" % (level, r[level]["kinds"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True, help="path of the dlc compiler")
    parser.add_argument("--workdir", default="/tmp/dlc-torchvision")
    parser.add_argument("--models", default=",".join(TENSORRT))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    dlc = os.path.abspath(args.dlc)
    rows, failed = [], False
    for name in args.models.split(","):
        for variant in args.variants.split(","):
            try:
                rows.append(measure(dlc, name, variant, args.workdir))
                print("measured %s/%s" % (name, variant), file=sys.stderr, flush=True)
            except Exception as e:  # report every model, then fail
                failed = True
                print("FAIL %s/%s: %s" % (name, variant, e), file=sys.stderr, flush=True)
    report(rows)
    bad = [r for r in rows if not (r["-O0"]["error"][2] and r["-O2"]["error"][2] and r["O2_vs_O0"])]
    higher = [r for r in rows if r["-O2"]["kernels"] >= TENSORRT[r["model"]][1]]
    for r in higher:
        print("NOTE %s/%s: -O2 kernels not below TensorRT's %d" % (
            r["model"], r["variant"], TENSORRT[r["model"]][1]))
    return 1 if failed or bad else 0


if __name__ == "__main__":
    sys.exit(main())
