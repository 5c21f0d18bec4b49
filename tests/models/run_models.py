#!/usr/bin/env python3
"""End-to-end models: dlc-compiled executables against onnxruntime.

For each model of model_zoo.py (MLP, LeNet, residual blocks, transformer
encoder layer): the model and random inputs are written to a temporary
directory in the node-test layout (model.onnx, data/input_N.pb), onnxruntime
computes the reference data/output_N.pb, the model is compiled with
`dlc -O2` and `dlc -O0`, each executable runs with
`--data data --check --rtol R --atol A --output-dir out-OX`, and the -O0 and
-O2 outputs must agree with each other too.

  run_models.py --dlc build/bin/dlc [--rtol 1e-4] [--atol 1e-5] [--models mlp,lenet]
  run_models.py --reference-only        # build the models and run onnxruntime only

Prints `N passed, N failed` last; exits 1 on a failure.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

import numpy as np
import onnxruntime as ort
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model_zoo  # noqa: E402

LEVELS = ("-O2", "-O0")


def write_case(model, inputs, directory):
    """Writes model.onnx, data/input_N.pb and onnxruntime's data/output_N.pb."""
    path = os.path.join(directory, "model.onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    data = os.path.join(directory, "data")
    os.makedirs(data, exist_ok=True)
    for k, info in enumerate(model.graph.input):
        with open(os.path.join(data, "input_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(inputs[info.name], info.name).SerializeToString())
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outputs = session.run(None, inputs)
    for k, (info, value) in enumerate(zip(model.graph.output, outputs)):
        if not np.all(np.isfinite(value)):
            raise RuntimeError("onnxruntime output %d has non-finite values" % k)
        with open(os.path.join(data, "output_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(value, info.name).SerializeToString())
    return path, data, outputs


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %ds: %s" % (timeout, " ".join(cmd))
    except OSError as e:
        return None, "", "cannot run %s: %s" % (cmd[0], e)


def tail(text, lines=15):
    parts = text.strip().splitlines()
    return "\n    ".join(parts[-lines:])


def check_model(name, args, workdir):
    """Returns a list of failure messages (empty = pass)."""
    directory = os.path.join(workdir, name)
    os.makedirs(directory, exist_ok=True)
    model, inputs = model_zoo.MODELS[name]()
    path, data, reference = write_case(model, inputs, directory)
    if args.reference_only:
        print("  %s: %d nodes, outputs %s" % (
            name, len(model.graph.node), ", ".join(str(r.shape) for r in reference)))
        return []
    failures, results = [], {}
    for level in LEVELS:
        exe = os.path.join(directory, "m" + level)
        code, out, err = run([args.dlc, level, "--stats", path, "-o", exe], args.timeout)
        if code != 0:
            failures.append("dlc %s: exit %s\n    %s" % (level, code, tail(err or out)))
            continue
        if out.strip():
            print("  %s %s: %s" % (name, level, "\n    ".join(out.strip().splitlines())))
        out_dir = os.path.join(directory, "out" + level)
        code, out, err = run([exe, "--data", data, "--check", "--rtol", repr(args.rtol),
                              "--atol", repr(args.atol), "--output-dir", out_dir], args.timeout)
        if code != 0:
            stage = "check" if "MISMATCH" in out else "run"
            failures.append("%s %s: exit %s\n    %s" % (level, stage, code, tail(out + err)))
            continue
        try:
            results[level] = [np.load(os.path.join(out_dir, "output_%d.npy" % k))
                              for k in range(len(reference))]
        except OSError as e:
            failures.append("%s: --output-dir wrote no output .npy: %s" % (level, e))
    if len(results) == len(LEVELS):
        for k, (a, b) in enumerate(zip(results["-O2"], results["-O0"])):
            if a.shape != b.shape or not np.allclose(a, b, rtol=args.rtol, atol=args.atol):
                diff = float(np.max(np.abs(a - b))) if a.shape == b.shape else float("nan")
                failures.append("output %d: -O2 and -O0 differ (shapes %s/%s, max abs diff %g)" % (
                    k, a.shape, b.shape, diff))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--dlc", help="path of the dlc compiler")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--models", default=",".join(model_zoo.MODELS),
                        help="comma-separated subset of: " + ", ".join(model_zoo.MODELS))
    parser.add_argument("--timeout", type=int, default=600, help="seconds per compile or run")
    parser.add_argument("--keep", metavar="DIR", help="keep models, data and executables in DIR")
    parser.add_argument("--reference-only", action="store_true",
                        help="build the models and run onnxruntime, without dlc")
    args = parser.parse_args()
    if not args.dlc and not args.reference_only:
        parser.error("--dlc is required (or --reference-only)")
    if args.dlc:
        args.dlc = os.path.abspath(args.dlc)
    names = [n for n in args.models.split(",") if n]
    unknown = [n for n in names if n not in model_zoo.MODELS]
    if unknown:
        parser.error("unknown model(s) %s; known: %s" % (", ".join(unknown), ", ".join(model_zoo.MODELS)))

    workdir = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="dlc-models-")
    os.makedirs(workdir, exist_ok=True)
    passed = failed = 0
    try:
        for name in names:
            try:
                failures = check_model(name, args, workdir)
            except Exception:
                failures = ["harness error:\n    " + tail(traceback.format_exc())]
            if failures:
                failed += 1
                print("FAIL %s\n  %s" % (name, "\n  ".join(failures)), flush=True)
            else:
                passed += 1
                print("PASS %s" % name, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
