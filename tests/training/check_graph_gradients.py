#!/usr/bin/env python3
"""The graph API's gradients() end to end (issue 5, examples/graph/mlp_gradients.cpp).

1. The example writes an MLP with its softmax cross-entropy loss, the
   gradients of the loss with respect to its four variables (one ONNX
   Gradient node, domain ai.onnx.preview.training) and an SGD step.
2. onnx.checker.check_model(full_check=True) accepts the file.
3. `dlc` compiles it (at -O0 and -O2); the executable runs on seeded random
   images and one-hot labels.
4. torch.autograd on the same weights and inputs (float32) is the
   reference. Pass: loss within rtol 1e-5; every gradient and updated
   weight within rtol 1e-4 (atol 1e-6 x the tensor's largest |value|, for
   entries that cancel to ~0 in fp32).
onnxruntime's inference build has no Gradient kernel, so it is not a peer.

usage: check_graph_gradients.py --example BIN --dlc DLC [-v]
Last line: `N passed, N failed`. Without PyTorch: exits 0 saying why.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

BATCH = 16
LR = 0.1
VARIABLES = ("w1", "b1", "w2", "b2")


def close(a, b, rtol=1e-4):
    atol = 1e-6 * max(1.0, float(np.max(np.abs(b)))) if b.size else 0
    err = float(np.max(np.abs(a - b) / (atol + rtol * np.abs(b)))) if b.size else 0.0
    return bool(np.allclose(a, b, rtol=rtol, atol=atol)), err


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--example", required=True)
    parser.add_argument("--dlc", required=True)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: the torch reference check is skipped")
        print("0 passed, 0 failed, 2 skipped")
        return 0
    torch.set_num_threads(1)
    passed = failed = 0

    def record(ok, label, detail=""):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        if not ok or args.verbose:
            print("%s %s%s" % ("ok  " if ok else "FAIL", label, ": " + detail if detail else ""),
                  flush=True)

    with tempfile.TemporaryDirectory(prefix="dlc-graph-grad-") as work:
        path = os.path.join(work, "mlp_gradients.onnx")
        run([args.example, path, "--batch", str(BATCH), "--seed", "3"])
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
            record(True, "onnx.checker")
        except Exception as e:  # noqa: BLE001 - report and go on
            record(False, "onnx.checker", str(e))
        gradient_nodes = [n for n in model.graph.node if n.op_type == "Gradient"]
        record(len(gradient_nodes) == 1 and gradient_nodes[0].domain == "ai.onnx.preview.training",
               "one Gradient node in ai.onnx.preview.training")

        rng = np.random.default_rng(11)
        image = rng.uniform(-1, 1, size=(BATCH, 64)).astype(np.float32)
        labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=BATCH)]
        data = os.path.join(work, "data")
        os.makedirs(data)
        for i, (name, value) in enumerate((("image", image), ("labels", labels))):
            onnx.save_tensor(numpy_helper.from_array(value, name),
                             os.path.join(data, "input_%d.pb" % i))

        weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        params = {k: torch.tensor(weights[k], requires_grad=True) for k in VARIABLES}
        hidden = torch.tanh(torch.from_numpy(image) @ params["w1"] + params["b1"])
        logits = hidden @ params["w2"] + params["b2"]
        loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(labels.argmax(1)))
        loss.backward()
        ref = {"loss": loss.detach().numpy()}
        for k in VARIABLES:
            ref[k + "_grad"] = params[k].grad.numpy()
            ref[k + "_new"] = weights[k] - np.float32(LR) * params[k].grad.numpy()

        names = [o.name for o in model.graph.output]
        for level in ("-O0", "-O2"):
            exe = os.path.join(work, "model" + level)
            out = os.path.join(work, "out" + level)
            try:
                run([args.dlc, level, path, "-o", exe])
                run([exe, "--data", data, "--output-dir", out])
            except RuntimeError as e:
                record(False, "%s compile and run" % level, str(e))
                continue
            for i, name in enumerate(names):
                got = np.load(os.path.join(out, "output_%d.npy" % i))
                if name == "loss":
                    ok = bool(np.isclose(got, ref[name], rtol=1e-5))
                    record(ok, "%s loss" % level, "%.7g vs torch %.7g" % (float(got), float(ref[name])))
                    continue
                ok, err = close(got, ref[name])
                record(ok, "%s %s" % (level, name), "max err / tolerance %.3g" % err)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
