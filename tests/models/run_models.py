#!/usr/bin/env python3
"""End-to-end models: dlc-compiled executables against onnxruntime.

For each model of model_zoo.py: onnxruntime computes the reference outputs
for random inputs; the model is compiled with `dlc -O2` and `dlc -O0`, each
executable runs with `--check` (rtol 1e-4, atol 1e-5 by default), and the -O0
and -O2 outputs must agree with each other too. Prints `N passed, N failed`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model_zoo  # noqa: E402


def write_case(model, inputs, directory):
    path = os.path.join(directory, "model.onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    data = os.path.join(directory, "data")
    os.makedirs(data, exist_ok=True)
    names = [i.name for i in model.graph.input]
    for k, name in enumerate(names):
        with open(os.path.join(data, "input_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(inputs[name], name).SerializeToString())
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outputs = session.run(None, inputs)
    for k, value in enumerate(outputs):
        with open(os.path.join(data, "output_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(value).SerializeToString())
    return path, data, len(outputs)


def run(cmd, timeout=900):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def check_model(name, dlc, workdir, rtol, atol):
    """Returns a list of failure messages (empty = pass)."""
    directory = os.path.join(workdir, name)
    os.makedirs(directory, exist_ok=True)
    model, inputs = model_zoo.MODELS[name]()
    path, data, num_outputs = write_case(model, inputs, directory)
    failures, results = [], {}
    for level in ("-O2", "-O0"):
        exe = os.path.join(directory, "m" + level)
        compiled = run([dlc, level, "--stats", path, "-o", exe])
        if compiled.returncode != 0:
            failures.append("%s compile failed: %s" % (level, compiled.stderr.strip()[:2000]))
            continue
        print("  %s %s: %s" % (name, level, compiled.stdout.strip()))
        out_dir = os.path.join(directory, "out" + level)
        ran = run([exe, "--data", data, "--check", "--rtol", str(rtol), "--atol", str(atol),
                   "--output-dir", out_dir])
        print("  " + "\n  ".join(ran.stdout.strip().splitlines()))
        if ran.returncode != 0:
            failures.append("%s run/check failed (exit %d): %s" % (
                level, ran.returncode, (ran.stdout + ran.stderr).strip()[-2000:]))
            continue
        results[level] = [np.load(os.path.join(out_dir, "output_%d.npy" % k)) for k in range(num_outputs)]
    if len(results) == 2:
        for k, (a, b) in enumerate(zip(results["-O2"], results["-O0"])):
            if not np.allclose(a, b, rtol=rtol, atol=atol):
                failures.append("output %d: -O2 and -O0 differ (max abs diff %g)" % (
                    k, float(np.max(np.abs(a - b)))))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--models", default=",".join(model_zoo.MODELS))
    parser.add_argument("--keep", help="keep artefacts in this directory")
    args = parser.parse_args()
    workdir = args.keep or tempfile.mkdtemp(prefix="dlc-models-")
    passed = failed = 0
    for name in args.models.split(","):
        failures = check_model(name, os.path.abspath(args.dlc), workdir, args.rtol, args.atol)
        if failures:
            failed += 1
            print("FAIL %s\n  %s" % (name, "\n  ".join(failures)))
        else:
            passed += 1
            print("PASS %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
