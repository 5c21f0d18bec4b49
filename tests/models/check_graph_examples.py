#!/usr/bin/env python3
"""End-to-end check of the graph API examples (issue 8).

For each example binary (example_mlp, example_parallel_paths, example_lenet5):
  1. run it to write MODEL.onnx,
  2. onnx.checker.check_model(full_check=True) (includes strict shape inference
     against the value_info the graph API wrote),
  3. run it under onnxruntime on seeded random inputs,
  4. with --dlc PATH: compile it with `dlc MODEL -o OUT` and run
     `OUT --data DIR --check`, DIR holding onnxruntime's inputs and outputs as
     input_N.pb / output_N.pb TensorProto files (the ONNX node-test layout).

Usage: check_graph_examples.py BIN... [--dlc PATH] [--workdir DIR]
Prints one line per check and finally "N passed, N failed"; exit 1 on failure.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, label, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        suffix = f": {detail}" if detail else ""
        print(f"{'PASS' if ok else 'FAIL'} {label}{suffix}", flush=True)
        return ok


def random_inputs(session, rng):
    """Normal floats; small non-negative ints (ids must index something)."""
    feeds = {}
    for arg in session.get_inputs():
        dtype = np.dtype(_ort_dtype(arg.type))
        if np.issubdtype(dtype, np.floating):
            feeds[arg.name] = rng.standard_normal(arg.shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[arg.name] = rng.integers(0, 2, arg.shape).astype(dtype)
        else:
            feeds[arg.name] = rng.integers(0, 4, arg.shape).astype(dtype)
    return feeds


def _ort_dtype(ort_type):
    names = {"tensor(float)": "float32", "tensor(double)": "float64",
             "tensor(float16)": "float16", "tensor(int64)": "int64",
             "tensor(int32)": "int32", "tensor(int8)": "int8",
             "tensor(uint8)": "uint8", "tensor(bool)": "bool"}
    return names[ort_type]


def write_data_dir(directory, session, feeds, outputs):
    os.makedirs(directory, exist_ok=True)
    for i, arg in enumerate(session.get_inputs()):
        tensor = numpy_helper.from_array(feeds[arg.name], arg.name)
        with open(os.path.join(directory, f"input_{i}.pb"), "wb") as f:
            f.write(tensor.SerializeToString())
    for i, (arg, value) in enumerate(zip(session.get_outputs(), outputs)):
        tensor = numpy_helper.from_array(value, arg.name)
        with open(os.path.join(directory, f"output_{i}.pb"), "wb") as f:
            f.write(tensor.SerializeToString())


def run(command, timeout):
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, str(error)
    tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
    return done.returncode == 0, f"exit {done.returncode}: " + " | ".join(tail)


def check_example(binary, args, results, rng):
    name = os.path.basename(binary).removeprefix("example_")
    model_path = os.path.join(args.workdir, f"{name}.onnx")

    ok, detail = run([binary, model_path], timeout=120)
    if not results.record(f"{name}: build model", ok and os.path.exists(model_path),
                          "" if ok else detail):
        return

    try:
        onnx.checker.check_model(onnx.load(model_path), full_check=True)
        results.record(f"{name}: onnx.checker full_check", True)
    except Exception as error:  # the checker raises several types
        results.record(f"{name}: onnx.checker full_check", False, str(error))

    try:
        session = ort.InferenceSession(model_path,
                                       providers=["CPUExecutionProvider"])
        feeds = random_inputs(session, rng)
        outputs = session.run(None, feeds)
        problems = []
        for arg, value in zip(session.get_outputs(), outputs):
            if list(value.shape) != list(arg.shape):
                problems.append(f"{arg.name} has shape {value.shape}, "
                                f"declared {arg.shape}")
            if not np.all(np.isfinite(value)):
                problems.append(f"{arg.name} is not finite")
        results.record(f"{name}: onnxruntime", not problems, "; ".join(problems))
    except Exception as error:
        results.record(f"{name}: onnxruntime", False, str(error))
        return

    if not args.dlc:
        print(f"SKIP {name}: dlc compile + --check (no --dlc PATH given)")
        return
    data_dir = os.path.join(args.workdir, f"{name}_data")
    write_data_dir(data_dir, session, feeds, outputs)
    compiled = os.path.join(args.workdir, f"{name}.exe")
    ok, detail = run([args.dlc, model_path, "-o", compiled], timeout=600)
    if not results.record(f"{name}: dlc compile", ok, "" if ok else detail):
        return
    ok, detail = run([compiled, "--data", data_dir, "--check"], timeout=300)
    results.record(f"{name}: dlc --check vs onnxruntime", ok, "" if ok else detail)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+", help="example executables")
    parser.add_argument("--dlc", help="the dlc compiler; without it the "
                                      "compile/run checks are skipped")
    parser.add_argument("--workdir", help="where models and data go "
                                          "(default: a temporary directory)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dlc_graph_examples_") as temporary:
        args.workdir = args.workdir or temporary
        os.makedirs(args.workdir, exist_ok=True)
        if args.dlc and not os.access(args.dlc, os.X_OK):
            print(f"FAIL --dlc {args.dlc} is not an executable")
            print("0 passed, 1 failed")
            return 1
        results = Results()
        rng = np.random.default_rng(args.seed)
        for binary in args.binaries:
            check_example(os.path.abspath(binary), args, results, rng)
        print(f"{results.passed} passed, {results.failed} failed")
        return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
