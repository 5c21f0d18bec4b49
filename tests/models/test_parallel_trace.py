#!/usr/bin/env python3
"""Inter-op parallelism seen from outside: a model with independent branches
runs them at the same time on different threads, and --profile shows it.

The model has BRANCHES independent chains (MatMul -> Relu -> MatMul on their
own input and weights, so no pass merges them) joined by Adds. It is
compiled with `dlc --no-dnnl --no-parallel-kernels` (single-threaded
generated kernels), its outputs are checked against onnxruntime (--check,
rtol 1e-4, atol 1e-4), and then run with `--threads 2 --profile trace.json`
both as a compiled executable and through `dlc-run MODEL.onnx`. The trace
must hold two node events on different thread lanes (tid) whose [ts, ts+dur)
intervals intersect. The branches are heavy (~0.2 s each, generated) so that on a busy
two-core machine the pool worker still starts a branch before the caller
finishes its own; a run without overlap is retried (up to 5 times) before
the test fails. `--threads 1` must put every event on one lane (so the
overlap check is not vacuous). Builds whose MatMul kernels use all of the
run's threads must show the opposite, no two MatMuls overlapping: the
default `--no-dnnl` build (generated loop nests split over the threads,
dlc_rt_parallel_for; its outputs are checked too) and the default (oneDNN)
build, each as an executable and through dlc-run (which must run a model
library on the library's own runtime, or its kernels get one thread).

  test_parallel_trace.py --dlc build/bin/dlc [--dlc-run build/bin/dlc-run] [--keep]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

BRANCHES = 4
N = 512  # MatMul size: N^3 = 134M multiply-adds per MatMul (generated code: ~0.1 s)


def build_model(path, rng):
    nodes, inits, inputs = [], [], []
    branch_outputs = []
    for b in range(BRANCHES):
        x = "x%d" % b
        inputs.append(helper.make_tensor_value_info(x, TensorProto.FLOAT, [N, N]))
        for k in range(2):
            w = rng.uniform(-0.1, 0.1, (N, N)).astype(np.float32)
            inits.append(numpy_helper.from_array(w, "w%d_%d" % (b, k)))
        nodes.append(helper.make_node("MatMul", [x, "w%d_0" % b], ["m%d" % b], name="branch%d_mm0" % b))
        nodes.append(helper.make_node("Relu", ["m%d" % b], ["r%d" % b], name="branch%d_relu" % b))
        nodes.append(helper.make_node("MatMul", ["r%d" % b, "w%d_1" % b], ["o%d" % b], name="branch%d_mm1" % b))
        branch_outputs.append("o%d" % b)
    # Pairwise Adds join the branches (dlc has no variadic Sum).
    while len(branch_outputs) > 1:
        a, b = branch_outputs.pop(0), branch_outputs.pop(0)
        out = "y" if not branch_outputs else "s_%s_%s" % (a, b)
        nodes.append(helper.make_node("Add", [a, b], [out], name="join_%s_%s" % (a, b)))
        branch_outputs.append(out)
    graph = helper.make_graph(nodes, "parallel_branches", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [N, N])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def write_data(model_path, data_dir, rng):
    os.makedirs(data_dir, exist_ok=True)
    feeds = {}
    for b in range(BRANCHES):
        x = rng.uniform(-1, 1, (N, N)).astype(np.float32)
        feeds["x%d" % b] = x
        with open(os.path.join(data_dir, "input_%d.pb" % b), "wb") as f:
            f.write(numpy_helper.from_array(x, "x%d" % b).SerializeToString())
    (y,) = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"]).run(None, feeds)
    with open(os.path.join(data_dir, "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(y, "y").SerializeToString())


def node_events(trace_path):
    with open(trace_path) as f:
        trace = json.load(f)
    return [e for e in trace["traceEvents"] if e.get("ph") == "X"]


def overlapping_pair(events):
    """Two events on different lanes whose intervals intersect, or None."""
    for i, a in enumerate(events):
        for b in events[i + 1:]:
            if a["tid"] != b["tid"] and a["ts"] < b["ts"] + b["dur"] and b["ts"] < a["ts"] + a["dur"]:
                return a, b
    return None


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True, help="path of the dlc compiler")
    parser.add_argument("--dlc-run", help="path of dlc-run (default: next to dlc)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    dlc = os.path.abspath(args.dlc)
    dlc_run = os.path.abspath(args.dlc_run or os.path.join(os.path.dirname(dlc), "dlc-run"))
    work = tempfile.mkdtemp(prefix="dlc-trace-")
    rng = np.random.default_rng(7)
    model, data, exe = (os.path.join(work, n) for n in ("parallel.onnx", "data", "parallel"))
    build_model(model, rng)
    write_data(model, data, rng)
    failures = []

    def check(name, ok, detail=""):
        print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail and not ok else ""))
        if not ok:
            failures.append(name)

    # Serial generated kernels: independent ones run at the same time on
    # the pool's threads. Kernels that use all of the run's threads take
    # turns (dlc_rt_kernel_threads): checked on the default builds at the end.
    serial_flags = ["--no-dnnl", "--no-parallel-kernels"]
    code, out = run([dlc] + serial_flags + [model, "-o", exe])
    check("compile", code == 0, out)
    if code == 0:
        code, out = run([exe, "--data", data, "--check", "--rtol", "1e-4", "--atol", "1e-4", "--threads", "2"])
        check("outputs match onnxruntime with --threads 2", code == 0, out)

        trace = os.path.join(work, "serial.json")
        code, out = run([exe, "--data", data, "--threads", "1", "--profile", trace])
        lanes = {e["tid"] for e in node_events(trace)} if code == 0 else set()
        check("--threads 1 uses one lane", code == 0 and len(lanes) == 1, out + " lanes %s" % lanes)

        for name, argv in (("executable", [exe]), ("dlc-run", [dlc_run] + serial_flags + [model])):
            found, detail = None, ""
            for attempt in range(5):
                trace = os.path.join(work, "%s_%d.json" % (name, attempt))
                code, out = run(argv + ["--data", data, "--threads", "2", "--profile", trace])
                if code != 0:
                    detail = out
                    break
                events = node_events(trace)
                if len(events) < 2 * BRANCHES:
                    detail = "only %d node events in %s" % (len(events), trace)
                    break
                found = overlapping_pair(events)
                if found:
                    break
                detail = "no overlapping events on different lanes in %d tries" % (attempt + 1)
            if found:
                a, b = found
                print("  %s: '%s' (tid %d) overlaps '%s' (tid %d)" % (name, a["name"], a["tid"], b["name"], b["tid"]))
            check("%s --threads 2 --profile shows overlapping branches" % name, found is not None, detail)

    for build, flags in (("parallel generated kernels", ["--no-dnnl"]), ("oneDNN", [])):
        team_exe = exe + "-team%d" % len(flags)
        code, out = run([dlc] + flags + [model, "-o", team_exe])
        if code == 0 and flags:
            code, out = run([team_exe, "--data", data, "--check", "--rtol", "1e-4", "--atol", "1e-4",
                             "--threads", "2"])
            check("%s: outputs match onnxruntime with --threads 2" % build, code == 0, out)
        if code != 0:
            check("%s build compiles" % build, False, out)
            continue
        for name, argv in (("executable", [team_exe]), ("dlc-run", [dlc_run] + flags + [model])):
            trace = os.path.join(work, "team%d-%s.json" % (len(flags), name))
            code, out = run(argv + ["--data", data, "--threads", "2", "--profile", trace])
            if code != 0:
                check("%s %s runs with --profile" % (build, name), False, out)
                continue
            # The MatMul nodes use the team; the Adds joining branches may be
            # small enough to stay serial and overlap with them.
            events = [e for e in node_events(trace) if "_mm" in e["name"]]
            found = overlapping_pair(events)
            check("%s %s: kernels using all threads do not overlap" % (build, name),
                  len(events) == 2 * BRANCHES and found is None,
                  "%d MatMul events; overlap: %s"
                  % (len(events), found and (found[0]["name"], found[1]["name"])))

    if args.keep:
        print("scratch directory: %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
