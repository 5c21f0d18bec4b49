#!/usr/bin/env python3
"""ONNX node conformance for dlc.

For every ONNX backend node test of the selected ops, the runner writes the
model and its data in the node-test layout (model.onnx, test_data_set_N/
input_K.pb, output_K.pb), compiles it with `dlc model.onnx -o m` and runs
`m --data test_data_set_N --check`. The pip `onnx` package ships the test
generators, not the files, so the cases are materialized here.

dlc compiles static shapes, so graph inputs that feed shape or axes operands
(Reshape's shape, Slice's starts, ...) become initializers holding the test's
values, as onnx-mlir's test configuration does; the remaining inputs are
renumbered.

Prints one line `N passed, N failed, N skipped` and exits 1 on an unexpected
failure. Known failures live in expected_failures.txt with the reason.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

# Operand positions that must be compile-time constants for dlc.
CONSTANT_OPERANDS = {
    "Reshape": [1],
    "Expand": [1],
    "Slice": [1, 2, 3, 4],
    "Split": [1],
    "Squeeze": [1],
    "Unsqueeze": [1],
    "ReduceMean": [1],
    "ReduceSum": [1],
    "ReduceMax": [1],
    "Clip": [1, 2],
    "Dropout": [1, 2],
}

# Element types dlc compiles (TensorProto enum): float, int8, int16, int32,
# int64, bool, float16, double, bfloat16.
SUPPORTED_ELEM_TYPES = {1, 3, 5, 6, 7, 9, 10, 11, 16}

DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-5
# Per-test tolerance overrides, each with the reason.
TOLERANCES = {
    # float16 results carry ~3 significant digits.
    r".*_float16.*|.*FLOAT16.*": (1e-2, 1e-3),
}


def load_cases():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from onnx.backend.test.case import node

        return node.collect_testcases(None)


def read_list(path):
    entries = {}
    if not os.path.exists(path):
        return entries
    with open(path) as f:
        for line in f:
            text = line.split("#", 1)
            name = text[0].strip()
            if name:
                entries[name] = text[1].strip() if len(text) > 1 else ""
    return entries


def unsupported_types(model):
    import onnx

    graph = model.graph
    bad = set()
    for value in list(graph.input) + list(graph.output):
        elem = value.type.tensor_type.elem_type
        if not value.type.HasField("tensor_type"):
            bad.add("non-tensor value '%s'" % value.name)
        elif elem not in SUPPORTED_ELEM_TYPES:
            bad.add(onnx.TensorProto.DataType.Name(elem))
    return sorted(bad)


def materialize(case, directory):
    """Writes the case; returns the number of data sets."""
    import onnx
    from onnx import numpy_helper

    model = onnx.ModelProto()
    model.CopyFrom(case.model)
    graph = model.graph
    inputs = [i.name for i in graph.input]
    initializers = {t.name for t in graph.initializer}
    const_names = set()
    for n in graph.node:
        for position in CONSTANT_OPERANDS.get(n.op_type, []):
            if position < len(n.input) and n.input[position] in inputs:
                if n.input[position] not in initializers:
                    const_names.add(n.input[position])
    data_sets = case.data_sets
    keep = [k for k, name in enumerate(inputs) if name not in const_names]
    if const_names:
        first_inputs = data_sets[0][0]
        for k, name in enumerate(inputs):
            if name in const_names:
                graph.initializer.append(numpy_helper.from_array(first_inputs[k], name))
        kept = [graph.input[k] for k in keep]
        del graph.input[:]
        graph.input.extend(kept)
    with open(os.path.join(directory, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for d, (ins, outs) in enumerate(data_sets):
        data_dir = os.path.join(directory, "test_data_set_%d" % d)
        os.makedirs(data_dir, exist_ok=True)
        for new_index, k in enumerate(keep):
            tensor = numpy_helper.from_array(ins[k], graph.input[new_index].name)
            with open(os.path.join(data_dir, "input_%d.pb" % new_index), "wb") as f:
                f.write(tensor.SerializeToString())
        for k, value in enumerate(outs):
            tensor = numpy_helper.from_array(value, graph.output[k].name)
            with open(os.path.join(data_dir, "output_%d.pb" % k), "wb") as f:
                f.write(tensor.SerializeToString())
    return len(data_sets)


def tolerance(name):
    for pattern, tol in TOLERANCES.items():
        if re.fullmatch(pattern, name):
            return tol
    return DEFAULT_RTOL, DEFAULT_ATOL


def run_case(case, dlc, workdir, timeout):
    """Returns (status, stage, detail): status in pass/fail/skip."""
    bad = unsupported_types(case.model)
    if bad:
        return "skip", "", "element type not supported by dlc: " + ", ".join(bad)
    directory = os.path.join(workdir, case.name)
    os.makedirs(directory, exist_ok=True)
    try:
        count = materialize(case, directory)
    except Exception as e:  # a generator quirk is the runner's problem, not dlc's
        return "skip", "", "cannot materialize: %s" % e
    exe = os.path.join(directory, "m")
    try:
        compiled = subprocess.run(
            [dlc, os.path.join(directory, "model.onnx"), "-o", exe],
            capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "fail", "compile", "timed out after %ds" % timeout
    if compiled.returncode != 0:
        return "fail", "compile", compiled.stderr.strip()
    rtol, atol = tolerance(case.name)
    for d in range(count):
        data_dir = os.path.join(directory, "test_data_set_%d" % d)
        try:
            ran = subprocess.run(
                [exe, "--data", data_dir, "--check", "--rtol", str(rtol), "--atol", str(atol)],
                capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "fail", "run", "timed out after %ds" % timeout
        if ran.returncode != 0:
            stage = "check" if "MISMATCH" in ran.stdout else "run"
            detail = (ran.stdout + ran.stderr).strip()
            if ran.returncode < 0:
                detail = "crashed with signal %d\n%s" % (-ran.returncode, detail)
            return "fail", stage, detail
    return "pass", "", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True, help="path of the dlc compiler")
    parser.add_argument("--ops", help="comma-separated ONNX ops (default: ops.txt)")
    parser.add_argument("--filter", help="regex on test names")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--expect-file", default=os.path.join(HERE, "expected_failures.txt"))
    parser.add_argument("--keep", help="keep the compiled tests in this directory")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    if args.ops:
        ops = set(args.ops.split(","))
    else:
        ops = set(read_list(os.path.join(HERE, "ops.txt")))
    expected = read_list(args.expect_file)
    cases = []
    for case in load_cases():
        if case.name.endswith("_expanded") or "_expanded_" in case.name:
            continue  # function-body expansions exercise other ops
        nodes = case.model.graph.node
        if not nodes or nodes[0].op_type not in ops:
            continue
        if args.filter and not re.search(args.filter, case.name):
            continue
        cases.append(case)
    cases.sort(key=lambda c: c.name)
    dlc = os.path.abspath(args.dlc)

    workdir = args.keep or tempfile.mkdtemp(prefix="dlc-conformance-")
    os.makedirs(workdir, exist_ok=True)
    results = {}
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(run_case, c, dlc, workdir, args.timeout): c for c in cases}
            for future in concurrent.futures.as_completed(futures):
                case = futures[future]
                results[case.name] = future.result()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    passed = failed = skipped = xfailed = xpassed = 0
    for name in sorted(results):
        status, stage, detail = results[name]
        if status == "skip":
            skipped += 1
            print("SKIP  %s: %s" % (name, detail))
        elif status == "pass":
            passed += 1
            if name in expected:
                xpassed += 1
                print("XPASS %s (listed in expected_failures.txt: remove it)" % name)
            elif args.verbose:
                print("PASS  %s" % name)
        elif name in expected:
            xfailed += 1
            print("XFAIL %s [%s]: %s" % (name, stage, expected[name]))
        else:
            failed += 1
            lines = detail.splitlines()
            print("FAIL  %s [%s]: %s" % (name, stage, "\n      ".join(lines[:6])))
    print("%d expected failures (tests/conformance/expected_failures.txt)" % xfailed)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
