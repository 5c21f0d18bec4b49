#!/usr/bin/env python3
"""`dlc --precision=fp16|bf16` against onnxruntime's fp32 outputs.

The MLP, LeNet, ResNet basic block and transformer encoder layer of
tests/models compiled with --precision=fp32, fp16 and bf16:
- --emit=mlir shows every conv/matmul/gemm on the reduced type (none left
  on f32) and the result cast back to f32;
- outputs vs onnxruntime (fp32): max |dlc - ort| / max |ort| within
  1e-5 (fp32), 2e-3 (fp16: operands and result rounded to 11 bits, f32
  accumulation) and 2e-2 (bf16: 8 bits);
- a bad --precision value and --precision with --train are usage errors
  (exit 2).

usage: check_precision.py --dlc build/bin/dlc [--models mlp,...] [--keep DIR]
Last line: `N passed, N failed`.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "models"))
import model_zoo  # noqa: E402
from quant_common import run_all, run_checked, run_exe  # noqa: E402

TOLERANCE = {"fp32": 1e-5, "fp16": 2e-3, "bf16": 2e-2}
MLIR_TYPE = {"fp16": "f16", "bf16": "bf16"}
CONTRACTION = re.compile(r"dlc\.(conv|matmul|gemm) .*-> tensor<[0-9x]*x?(\w+)>")


def check_model(dlc, name, tmp):
    import onnxruntime as ort
    model, feeds = model_zoo.MODELS[name]()
    path = os.path.join(tmp, name + ".onnx")
    onnx.save(model, path)
    ref = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, feeds)[0]
    problems, report = [], []
    for precision, tol in TOLERANCE.items():
        if precision != "fp32":
            mlir = run_checked([dlc, "--precision=" + precision, "--emit=mlir", path, "-o", "-"]).stdout
            types = [m.group(2) for m in CONTRACTION.finditer(mlir)]
            if not types or any(t != MLIR_TYPE[precision] for t in types):
                problems.append("%s: contraction result types %s" % (precision, types))
        exe = os.path.join(tmp, "%s-%s" % (name, precision))
        run_checked([dlc, "--precision=" + precision, path, "-o", exe])
        got = run_exe(exe, feeds, tmp)[0]
        err = float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
        report.append("%s %.1e" % (precision, err))
        if got.dtype != np.float32 or not err <= tol:
            problems.append("%s: relative error %.3g > %g (dtype %s)" % (precision, err, tol, got.dtype))
    print("%s %s: %s" % ("FAIL" if problems else "ok  ", name, ", ".join(report)))
    for p in problems:
        print("     " + p)
    return not problems


def check_usage(dlc, tmp):
    model, _ = model_zoo.MODELS["mlp"]()
    path = os.path.join(tmp, "usage.onnx")
    onnx.save(model, path)
    problems = []
    for flags, message in ((["--precision=fp8"], "--precision expects fp32, fp16 or bf16"),
                           (["--precision=fp16", "--train"], "is for inference")):
        p = subprocess.run([dlc, *flags, path, "-o", os.path.join(tmp, "usage")],
                           capture_output=True, text=True)
        if p.returncode != 2 or message not in p.stderr:
            problems.append("%s: exit %d, %r" % (" ".join(flags), p.returncode, p.stderr.strip()))
    print("%s usage errors" % ("FAIL" if problems else "ok  "))
    for p in problems:
        print("     " + p)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--models", default="mlp,lenet,residual_block,transformer_encoder")
    ap.add_argument("--keep")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or scratch
        os.makedirs(tmp, exist_ok=True)
        checks = [(n, lambda n=n: check_model(args.dlc, n, tmp)) for n in args.models.split(",")]
        checks.append(("usage errors", lambda: check_usage(args.dlc, tmp)))
        return run_all(checks)

if __name__ == "__main__":
    sys.exit(main())
