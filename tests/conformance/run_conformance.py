#!/usr/bin/env python3
"""ONNX node conformance for dlc.

For every ONNX backend node test of the selected ops the runner writes the
model and its data in the node-test layout (model.onnx,
test_data_set_N/input_K.pb, output_K.pb), compiles it with
`dlc model.onnx -o m` and runs `m --data test_data_set_N --check --rtol R
--atol A`. The pip `onnx` package ships the test generators, not the files,
so the cases are materialized here from onnx.backend.test.case.node.

Rewrites made before compiling (none changes what the test computes):
  * dlc compiles static shapes, so graph inputs that feed shape/axes operands
    (Reshape's shape, Slice's starts, Clip's min, ... see CONSTANT_OPERANDS)
    become initializers holding the test's values, as onnx-mlir's test
    configuration does; the remaining inputs keep their order and their
    input_K.pb files are renumbered.
  * the opset import is lowered to the op's own version (the since_version of
    its schema at the test's opset, but not below opset 11 when the same op
    versions apply there; a test below opset 11 whose ops are unchanged at
    11 is raised to 11), and a model still above --max-opset
    (dlc's importer maximum) goes through onnx.version_converter, which only
    succeeds where the older op version has the same meaning for the model.

Stages reported for a failure: compile (dlc failed or timed out), run (the
executable failed, crashed or timed out), check (outputs differ).

Prints `N passed, N failed` (`, N skipped` if any) as its last line and
exits 1 on an unexpected failure. Known failures live in
expected_failures.txt (`test_name  # reason`); one that passes is an XPASS.

  run_conformance.py --dlc build/bin/dlc [--ops Relu,Conv] [--filter REGEX]
  run_conformance.py --list                       # selected cases, no dlc needed
  run_conformance.py --check-rewrite              # rewritten models vs onnxruntime
"""
import argparse
import concurrent.futures
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

# Operand positions that dlc needs as compile-time constants: everything that
# defines a shape, axes, a count or a mode rather than data. A graph input
# feeding one of these becomes an initializer with the test's value.
# Ops beyond tests/conformance/ops.txt are listed so that --ops can name them.
CONSTANT_OPERANDS = {
    "Reshape": [1],            # shape
    "Expand": [1],             # shape
    "Tile": [1],               # repeats
    "Slice": [1, 2, 3, 4],     # starts, ends, axes, steps
    "Split": [1],              # split
    "Squeeze": [1],            # axes (opset >= 13)
    "Unsqueeze": [1],          # axes (opset >= 13)
    "ReduceMean": [1],         # axes (opset >= 18)
    "ReduceSum": [1],          # axes (opset >= 13)
    "ReduceMax": [1],
    "ReduceMin": [1],
    "ReduceProd": [1],
    "ReduceL1": [1],
    "ReduceL2": [1],
    "ReduceLogSum": [1],
    "ReduceLogSumExp": [1],
    "ReduceSumSquare": [1],
    "Clip": [1, 2],            # min, max (opset >= 11)
    "Dropout": [1, 2],         # ratio, training_mode
    "Pad": [1, 2, 3],          # pads, constant_value, axes
    "TopK": [1],               # k
    "Resize": [1, 2, 3],       # roi, scales, sizes
    "Upsample": [1],           # scales
    "ConstantOfShape": [0],    # shape
    "Range": [0, 1, 2],        # start, limit, delta
    "OneHot": [1],             # depth
    "CumSum": [1],             # axis
    "Trilu": [1],              # k
    "CenterCropPad": [1],      # shape
    "SplitToSequence": [1],
}

# Element types the plan ABI (runtime/include/dlc/plan.h, dlc_dtype) has:
# float, uint8, int8, uint16, int16, int32, int64, bool, float16, double,
# uint32, uint64, bfloat16. Cases using others (string, complex, float8,
# 4-bit, 2-bit, float4) are skipped: dlc does not aim to support them.
SUPPORTED_ELEM_TYPES = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16}

DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-5
# Per-test tolerance overrides (regex on the test name -> rtol, atol), each with
# the reason. The case's own rtol/atol from the generator is honoured too
# (the larger one wins).
TOLERANCES = [
    # float16/bfloat16 results carry ~3 / ~2 significant digits.
    (r".*(_fp16|_float16|FLOAT16).*", (1e-2, 1e-3)),
    (r".*(_bfloat16|BFLOAT16).*", (2e-2, 1e-2)),
]

DEFAULT_MAX_OPSET = 28  # newest opset the importer accepts
MIN_OPSET = 11          # oldest opset the importer accepts


def read_list(path):
    """`name  # comment` lines -> {name: comment}."""
    entries = {}
    if not path or not os.path.exists(path):
        return entries
    with open(path) as f:
        for line in f:
            text = line.split("#", 1)
            name = text[0].strip()
            if name:
                entries[name] = text[1].strip() if len(text) > 1 else ""
    return entries


def load_cases():
    """All node test cases; the generators' numpy warnings and prints are muted."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        import numpy as np

        with np.errstate(all="ignore"):
            from onnx.backend.test.case import node

            return node.collect_testcases(None)


def tested_op(case):
    nodes = case.model.graph.node
    return nodes[0].op_type if nodes else ""


def select(cases, ops, pattern):
    chosen = []
    for case in cases:
        if case.kind != "node" or "_expanded" in case.name:
            continue  # function-body expansions exercise other ops
        if not any(n.op_type in ops for n in case.model.graph.node):
            continue
        if pattern and not re.search(pattern, case.name):
            continue
        chosen.append(case)
    return sorted(chosen, key=lambda c: c.name)


def skip_reason(case):
    """Why dlc cannot be asked to compile this case, or None."""
    import onnx

    bad = set()
    graph = case.model.graph
    for value in list(graph.input) + list(graph.output):
        kind = value.type.WhichOneof("value")
        if kind != "tensor_type":
            bad.add("%s value '%s'" % (kind, value.name))
        elif value.type.tensor_type.elem_type not in SUPPORTED_ELEM_TYPES:
            bad.add("dtype " + onnx.TensorProto.DataType.Name(value.type.tensor_type.elem_type))
    for n in graph.node:
        for attr in n.attribute:
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type not in SUPPORTED_ELEM_TYPES:
                bad.add("dtype " + onnx.TensorProto.DataType.Name(attr.t.data_type))
            if attr.type == onnx.AttributeProto.SPARSE_TENSOR:
                bad.add("sparse tensor attribute")
            if attr.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                bad.add("subgraph attribute")
    if bad:
        return "not supported by dlc: " + ", ".join(sorted(bad))
    return None


def constant_inputs(model):
    """Names of graph inputs that feed operands listed in CONSTANT_OPERANDS."""
    graph = model.graph
    inputs = {i.name for i in graph.input} - {t.name for t in graph.initializer}
    names = set()
    for n in graph.node:
        for position in CONSTANT_OPERANDS.get(n.op_type, []):
            if position < len(n.input) and n.input[position] in inputs:
                names.add(n.input[position])
    return names


def normalize_opset(model, max_opset):
    """Lowers the default-domain opset to the ops' own versions; converts
    models still above max_opset with onnx.version_converter. Returns the
    (possibly new) model."""
    import onnx
    from onnx import defs, version_converter

    default = [o for o in model.opset_import if o.domain in ("", "ai.onnx")]
    if not default:
        return model
    declared = default[0].version
    needed = 1
    for n in model.graph.node:
        if n.domain not in ("", "ai.onnx"):
            continue
        try:
            needed = max(needed, defs.get_schema(n.op_type, declared, n.domain).since_version)
        except Exception:
            return model
    # Any opset in [needed, declared] selects the same op versions; stay at
    # or above the importer's minimum where that range allows it.
    lowered = max(needed, min(declared, MIN_OPSET))
    if lowered < declared:
        default[0].version = lowered
    elif declared < MIN_OPSET and all(
            defs.get_schema(n.op_type, MIN_OPSET, n.domain).since_version
            == defs.get_schema(n.op_type, declared, n.domain).since_version
            for n in model.graph.node if n.domain in ("", "ai.onnx")):
        # Ops unchanged up to the minimum (MatMulInteger, QLinearConv: opset 10).
        default[0].version = MIN_OPSET
    if default[0].version > max_opset:
        try:
            converted = version_converter.convert_version(model, max_opset)
            onnx.checker.check_model(converted)
            return converted
        except Exception:
            pass  # leave it: dlc then reports the opset it does not support
    return model


def as_tensor(value, name):
    """A TensorProto named `name`; some generators (Cast) give TensorProtos
    already, to carry exact bit patterns."""
    import onnx
    from onnx import numpy_helper

    if isinstance(value, onnx.TensorProto):
        tensor = onnx.TensorProto()
        tensor.CopyFrom(value)
        tensor.name = name
        return tensor
    return numpy_helper.from_array(value, name)


def as_array(value):
    import numpy as np
    import onnx
    from onnx import numpy_helper

    return numpy_helper.to_array(value) if isinstance(value, onnx.TensorProto) else np.asarray(value)


def write_tensor(value, name, path):
    with open(path, "wb") as f:
        f.write(as_tensor(value, name).SerializeToString())


def materialize(case, directory, max_opset):
    """Writes the case in the node-test layout. Returns a list of
    (model_path, [data_dir...]): one model unless data sets disagree on the
    values that became constants."""
    import numpy as np
    import onnx

    names = [i.name for i in case.model.graph.input]
    const = constant_inputs(case.model)
    keep = [k for k, name in enumerate(names) if name not in const]

    groups = []  # [(constant values, [data set indices])]
    for d, (ins, _) in enumerate(case.data_sets):
        values = {names[k]: as_array(ins[k]) for k in range(len(names)) if names[k] in const}
        for group_values, members in groups:
            if all(np.array_equal(group_values[n], values[n]) for n in values):
                members.append(d)
                break
        else:
            groups.append((values, [d]))

    result = []
    for g, (values, members) in enumerate(groups):
        model = onnx.ModelProto()
        model.CopyFrom(case.model)
        graph = model.graph
        if values:
            for name in names:
                if name in values:
                    graph.initializer.append(as_tensor(values[name], name))
            kept = [graph.input[k] for k in keep]
            del graph.input[:]
            graph.input.extend(kept)
        model = normalize_opset(model, max_opset)
        model_path = os.path.join(directory, "model.onnx" if g == 0 else "model_%d.onnx" % g)
        with open(model_path, "wb") as f:
            f.write(model.SerializeToString())
        data_dirs = []
        for d in members:
            ins, outs = case.data_sets[d]
            data_dir = os.path.join(directory, "test_data_set_%d" % d)
            os.makedirs(data_dir, exist_ok=True)
            for new_index, k in enumerate(keep):
                write_tensor(ins[k], names[k], os.path.join(data_dir, "input_%d.pb" % new_index))
            for k, value in enumerate(outs):
                write_tensor(value, graph.output[k].name, os.path.join(data_dir, "output_%d.pb" % k))
            data_dirs.append(data_dir)
        result.append((model_path, data_dirs))
    return result


def tolerance(case):
    rtol, atol = DEFAULT_RTOL, DEFAULT_ATOL
    for pattern, (r, a) in TOLERANCES:
        if re.fullmatch(pattern, case.name):
            rtol, atol = r, a
            break
    return max(rtol, case.rtol or 0), max(atol, case.atol or 0)


def head(text, lines=8):
    text = text.strip()
    parts = text.splitlines()
    if len(parts) > lines:
        parts = parts[:lines] + ["... (%d more lines)" % (len(parts) - lines)]
    return "\n".join(parts)


def run_case(case, dlc, workdir, timeout, max_opset, dlc_flags=(), compile_only=False):
    """Returns (status, stage, detail); status is pass, fail or skip. With
    compile_only, a compiled case passes and its runs are listed in
    DIR/CASE/run.txt for --run-compiled (e.g. on a GPU machine)."""
    reason = skip_reason(case)
    if reason:
        return "skip", "", reason
    directory = os.path.join(workdir, case.name)
    os.makedirs(directory, exist_ok=True)
    try:
        units = materialize(case, directory, max_opset)
    except Exception as e:  # a generator quirk is the runner's problem, not dlc's
        return "skip", "", "runner cannot materialize the case: %s" % e
    rtol, atol = tolerance(case)
    for u, (model_path, data_dirs) in enumerate(units):
        exe = os.path.join(directory, "m" if u == 0 else "m_%d" % u)
        try:
            compiled = subprocess.run([dlc, *dlc_flags, model_path, "-o", exe], capture_output=True,
                                      text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "fail", "compile", "timed out after %ds" % timeout
        except OSError as e:
            return "fail", "compile", "cannot run %s: %s" % (dlc, e)
        if compiled.returncode != 0:
            detail = compiled.stderr or compiled.stdout
            if compiled.returncode < 0:
                detail = "dlc crashed with signal %d\n%s" % (-compiled.returncode, detail)
            return "fail", "compile", "exit %d: %s" % (compiled.returncode, head(detail))
        if not os.path.exists(exe):
            return "fail", "compile", "dlc exited 0 but wrote no %s" % exe
        if compile_only:
            with open(os.path.join(directory, "run.txt"), "a") as listing:
                for data_dir in data_dirs:
                    listing.write("%s\t%s\t%r\t%r\n" % (os.path.relpath(exe, workdir),
                                  os.path.relpath(data_dir, workdir), rtol, atol))
            continue
        for data_dir in data_dirs:
            cmd = [exe, "--data", data_dir, "--check", "--rtol", repr(rtol), "--atol", repr(atol)]
            try:
                ran = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return "fail", "run", "timed out after %ds" % timeout
            if ran.returncode == 0:
                continue
            if ran.returncode < 0:
                return "fail", "run", "crashed with signal %d\n%s" % (
                    -ran.returncode, head(ran.stderr + ran.stdout))
            if "MISMATCH" in ran.stdout:
                lines = [l for l in ran.stdout.splitlines() if "MISMATCH" in l or "output" in l]
                return "fail", "check", head("\n".join(lines) or ran.stdout)
            return "fail", "run", "exit %d: %s" % (ran.returncode, head(ran.stderr + ran.stdout))
    return "pass", "", ""


def run_compiled(workdir, timeout, jobs, verbose):
    """Runs what --compile-only left in workdir; prints failures and a summary
    line like the normal mode. Exits 0 only when every run passes."""
    runs = []
    for name in sorted(os.listdir(workdir)):
        listing = os.path.join(workdir, name, "run.txt")
        if os.path.exists(listing):
            with open(listing) as f:
                runs += [(name, line.rstrip("\n").split("\t")) for line in f if line.strip()]

    def one(item):
        name, (exe, data, rtol, atol) = item
        cmd = [os.path.join(workdir, exe), "--data", os.path.join(workdir, data), "--check",
               "--rtol", rtol, "--atol", atol]
        try:
            ran = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return name, False, "timed out"
        return name, ran.returncode == 0, head(ran.stderr + ran.stdout)

    failed = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for name, ok, detail in pool.map(one, runs):
            if not ok:
                failed.setdefault(name, detail)
            elif verbose:
                print("PASS  %s" % name)
    for name, detail in sorted(failed.items()):
        print("FAIL  %s: %s" % (name, detail.replace("\n", " | ")[:300]))
    cases = {name for name, _ in runs}
    print("%d passed, %d failed" % (len(cases) - len(failed), len(failed)))
    return 0 if not failed else 1


def check_rewrite(case, workdir, max_opset):
    """Self-test of the runner: the materialized (rewritten) model under
    onnxruntime must reproduce the test's outputs. Returns an error or None."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper

    directory = os.path.join(workdir, case.name)
    os.makedirs(directory, exist_ok=True)
    units = materialize(case, directory, max_opset)
    rtol, atol = tolerance(case)
    for model_path, data_dirs in units:
        model = onnx.load(model_path)
        onnx.checker.check_model(model, full_check=True)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        for data_dir in data_dirs:
            feeds = {}
            for k, info in enumerate(session.get_inputs()):
                tensor = onnx.load_tensor(os.path.join(data_dir, "input_%d.pb" % k))
                if tensor.name != info.name:
                    return "input_%d.pb is '%s', the model's input %d is '%s'" % (
                        k, tensor.name, k, info.name)
                feeds[info.name] = numpy_helper.to_array(tensor)
            if os.path.exists(os.path.join(data_dir, "input_%d.pb" % len(feeds))):
                return "more input_N.pb files than model inputs"
            results = session.run(None, feeds)
            for k, got in enumerate(results):
                want = numpy_helper.to_array(onnx.load_tensor(os.path.join(data_dir, "output_%d.pb" % k)))
                if got.shape != want.shape:
                    return "output %d: shape %s, expected %s" % (k, got.shape, want.shape)
                if got.dtype.kind in "fc":
                    ok = np.allclose(got.astype(np.float64), want.astype(np.float64),
                                     rtol=rtol, atol=atol, equal_nan=True)
                else:
                    ok = np.array_equal(got, want)
                if not ok:
                    return "output %d differs from the test data" % k
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--dlc", help="path of the dlc compiler")
    parser.add_argument("--target", default="cpu", help="dlc --target (cpu or cuda)")
    parser.add_argument("--dlc-flag", action="append", default=[], metavar="FLAG",
                        help="extra dlc flag, repeatable (e.g. --dlc-flag=--cuda-arch=sm_80)")
    parser.add_argument("--compile-only", action="store_true",
                        help="compile into --keep DIR without running (for --run-compiled elsewhere)")
    parser.add_argument("--run-compiled", metavar="DIR",
                        help="run the cases a --compile-only run left in DIR; needs no onnx/dlc")
    parser.add_argument("--ops", help="comma-separated ONNX ops (default: tests/conformance/ops.txt)")
    parser.add_argument("--filter", help="regex searched in test names")
    parser.add_argument("--jobs", type=int, default=2, help="tests run in parallel (default 2)")
    parser.add_argument("--timeout", type=int, default=180, help="seconds per compile or run")
    parser.add_argument("--expect-file", default=os.path.join(HERE, "expected_failures.txt"),
                        help="expected failures, `name  # reason` lines")
    parser.add_argument("--max-opset", type=int, default=DEFAULT_MAX_OPSET,
                        help="convert models above this default-domain opset (default %(default)s)")
    parser.add_argument("--keep", metavar="DIR", help="keep the materialized and compiled tests in DIR")
    parser.add_argument("--verbose", action="store_true", help="print passing tests and timings too")
    parser.add_argument("--list", action="store_true", help="list the selected cases and exit")
    parser.add_argument("--check-rewrite", action="store_true",
                        help="check the materialized models with onnxruntime instead of dlc")
    parser.add_argument("--write-expected", metavar="FILE",
                        help="write the unexpected failures as expected-failure lines to FILE")
    args = parser.parse_args()
    if args.run_compiled:
        return run_compiled(args.run_compiled, args.timeout, args.jobs, args.verbose)
    if args.compile_only and not args.keep:
        parser.error("--compile-only needs --keep DIR")
    if not (args.dlc or args.list or args.check_rewrite):
        parser.error("--dlc is required (or --list / --check-rewrite)")

    ops = set(filter(None, (args.ops.split(",") if args.ops else read_list(os.path.join(HERE, "ops.txt")))))
    cases = select(load_cases(), ops, args.filter)
    if not cases:
        print("no test case matches --ops/--filter")
        print("0 passed, 0 failed")
        return 1

    if args.list:
        for case in cases:
            reason = skip_reason(case)
            print("%-60s %s" % (case.name, "SKIP (%s)" % reason if reason else tested_op(case)))
        print("%d cases" % len(cases))
        return 0

    workdir = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="dlc-conformance-")
    os.makedirs(workdir, exist_ok=True)
    expected = {} if args.check_rewrite else read_list(args.expect_file)
    dlc = os.path.abspath(args.dlc) if args.dlc else None
    results, started = {}, time.time()

    def job(case):
        t0 = time.time()
        if args.check_rewrite:
            reason = skip_reason(case)
            if reason:
                return ("skip", "", reason), 0.0
            try:
                error = check_rewrite(case, workdir, args.max_opset)
            except Exception as e:
                error = "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else "")
            return ("fail", "rewrite", error) if error else ("pass", "", ""), time.time() - t0
        flags = ["--target=" + args.target] + args.dlc_flag
        return run_case(case, dlc, workdir, args.timeout, args.max_opset, flags,
                        args.compile_only), time.time() - t0

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {pool.submit(job, c): c for c in cases}
            for future in concurrent.futures.as_completed(futures):
                case = futures[future]
                results[case.name], seconds = future.result()
                if args.verbose:
                    print("%-5s %s (%.1fs)" % (results[case.name][0].upper(), case.name, seconds),
                          flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    passed = failed = skipped = xfailed = xpassed = 0
    stages = {}
    unexpected = []
    for name in sorted(results):
        status, stage, detail = results[name]
        if status == "skip":
            skipped += 1
            print("SKIP  %s: %s" % (name, detail))
        elif status == "pass":
            passed += 1
            if name in expected:
                xpassed += 1
                print("XPASS %s (listed in %s: remove it)" % (name, os.path.basename(args.expect_file)))
        elif name in expected:
            xfailed += 1
            print("XFAIL %s [%s]: %s" % (name, stage, expected[name]))
        else:
            failed += 1
            stages[stage] = stages.get(stage, 0) + 1
            unexpected.append((name, stage, detail))
            print("FAIL  %s [%s]:\n      %s" % (name, stage, "\n      ".join(detail.splitlines())))
    if not (args.ops or args.filter):
        for name in sorted(set(expected) - set(results)):
            print("note: %s lists %s, which is not a selected test case" % (
                os.path.basename(args.expect_file), name))
    if args.write_expected:
        with open(args.write_expected, "w") as f:
            for name, stage, detail in unexpected:
                first = next((l for l in detail.splitlines() if l.strip()), "")
                f.write("%s  # %s: %s\n" % (name, stage, first.strip()[:150]))
    print("%d cases in %.0fs; %d expected failures, %d unexpected passes; failures by stage: %s" % (
        len(results), time.time() - started, xfailed, xpassed,
        ", ".join("%s %d" % kv for kv in sorted(stages.items())) or "none"))
    summary = "%d passed, %d failed" % (passed, failed)
    if skipped:
        summary += ", %d skipped" % skipped
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
