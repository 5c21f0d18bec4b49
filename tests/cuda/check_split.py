#!/usr/bin/env python3
"""A model split across CPU and CUDA (`dlc --devices=cpu,cuda:0 --place ...`).

  check_split.py --dlc build/bin/dlc [--keep]

The model: x -> MatMul(mm1) -> Relu(relu1) -> MatMul(mm2) -> Add(bias) ->
Softmax(probs), with a small side branch x -> ReduceMean(side) -> Add(join).
 1. `--emit=mlir` shows the placement: the big MatMuls on cuda:0 by the cost
    rule, relu1 on the CPU by `--place relu1=cpu`, the small side branch on
    the CPU, and dlc.copy ops on every cross-device edge;
 2. the split executable is compiled (CPU objects + GPU modules in one
    artefact) and, when a CUDA device is present, its outputs match the
    CPU-only executable's (rtol 1e-4, atol 1e-5) with 1 and 4 threads; both
    are checked against onnxruntime. Without a CUDA device the split run
    must fail cleanly (exit 1, "no CUDA"), which is reported as a skip;
 3. `--pipeline` (half the work per device) compiles with nodes on both
    devices and, on a GPU machine, matches the CPU-only outputs;
 4. `--devices=cpu,cuda:1` compiles and the runtime refuses the second GPU
    with a message naming it (exit 1), with or without a GPU.
Exits 0 when nothing failed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

B, D = 32, 256


def build_model(path, rng):
    def w(name, shape):
        return numpy_helper.from_array(rng.uniform(-0.1, 0.1, shape).astype(np.float32), name)

    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1"], name="mm1"),
        helper.make_node("Relu", ["h1"], ["r1"], name="relu1"),
        helper.make_node("MatMul", ["r1", "w2"], ["h2"], name="mm2"),
        helper.make_node("Add", ["h2", "b2"], ["h3"], name="bias"),
        helper.make_node("ReduceMean", ["x"], ["m"], name="side", axes=[1], keepdims=1),
        helper.make_node("Add", ["h3", "m"], ["h4"], name="join"),
        helper.make_node("Softmax", ["h4"], ["y"], name="probs", axis=1),
    ]
    graph = helper.make_graph(
        nodes, "split", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, D])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, D])],
        [w("w1", (D, D)), w("w2", (D, D)), w("b2", (D,))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    dlc = os.path.abspath(args.dlc)
    work = tempfile.mkdtemp(prefix="dlc-split-")
    rng = np.random.default_rng(11)
    model = os.path.join(work, "split.onnx")
    build_model(model, rng)
    data = os.path.join(work, "data")
    os.makedirs(data)
    x = rng.uniform(-1, 1, (B, D)).astype(np.float32)
    (y,) = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"x": x})
    with open(os.path.join(data, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())
    with open(os.path.join(data, "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(y, "y").SerializeToString())

    failures, skips = [], []

    def check(name, ok, detail=""):
        print("%s %s%s" % ("PASS" if ok else "FAIL", name, ": " + detail if detail and not ok else ""))
        if not ok:
            failures.append(name)

    place = ["--devices=cpu,cuda:0", "--place", "relu1=cpu"]
    mlir = os.path.join(work, "split.mlir")
    code, out = run([dlc] + place + ["--emit=mlir", model, "-o", mlir])
    check("--emit=mlir with placement", code == 0, out)
    if code == 0:
        text = open(mlir).read()

        def device_of(op):  # the dlc.device of every `dlc.OP` in order
            found = [l for l in text.splitlines() if (" = dlc.%s " % op) in l]
            return [l.split('dlc.device = "')[1].split('"')[0] for l in found if "dlc.device" in l]
        check("matmuls on cuda:0 (cost rule)", device_of("matmul") == ["cuda:0", "cuda:0"], str(device_of("matmul")))
        check("relu1 on cpu (--place)", device_of("relu") == ["cpu"], str(device_of("relu")))
        check("side branch on cpu", device_of("reduce_mean") == ["cpu"], str(device_of("reduce_mean")))
        copies = [l for l in text.splitlines() if " = dlc.copy " in l]
        check("copies on cross-device edges", len(copies) >= 4, "%d copies" % len(copies))

    cpu_exe, split_exe = os.path.join(work, "cpu"), os.path.join(work, "split")
    code, out = run([dlc, model, "-o", cpu_exe])
    check("compile CPU-only", code == 0, out)
    code, out = run([dlc] + place + ["--stats", model, "-o", split_exe])
    check("compile split CPU+CUDA", code == 0, out)
    per_device = re.search(r"nodes per device: cpu (\d+) \(\+(\d+) copies\) cuda:0 (\d+) \(\+(\d+) copies\)", out)
    check("--stats: kernels and copies on both devices",
          bool(per_device) and all(int(g) > 0 for g in per_device.groups()), out)
    if not failures:
        cpu_out = os.path.join(work, "cpu_out")
        code, out = run([cpu_exe, "--data", data, "--check", "--rtol", "1e-4", "--atol", "1e-5",
                         "--output-dir", cpu_out])
        check("CPU-only matches onnxruntime", code == 0, out)
        for threads in ("1", "4"):
            split_out = os.path.join(work, "split_out_" + threads)
            code, out = run([split_exe, "--data", data, "--threads", threads, "--output-dir", split_out])
            if code == 1 and "no CUDA" in out:
                skips.append("split run: no CUDA device (%s)" % out.strip().splitlines()[-1])
                break
            check("split run --threads %s" % threads, code == 0, out)
            if code == 0:
                a = np.load(os.path.join(cpu_out, "output_0.npy"))
                b = np.load(os.path.join(split_out, "output_0.npy"))
                err = float(np.max(np.abs(a - b)))
                check("split --threads %s matches CPU-only (max abs err %.2e)" % (threads, err),
                      np.allclose(b, a, rtol=1e-4, atol=1e-5), "max abs err %g" % err)

    # Pipeline split: the first half of the work on the CPU, the rest on the
    # GPU; same outputs as CPU-only on a GPU machine.
    pipe_exe = os.path.join(work, "pipeline")
    code, out = run([dlc, "--devices=cpu,cuda:0", "--pipeline", "--stats", model, "-o", pipe_exe])
    per_device = re.search(r"nodes per device: cpu (\d+) \(\+\d+ copies\) cuda:0 (\d+)", out)
    check("compile --pipeline: stages on both devices",
          code == 0 and bool(per_device) and all(int(g) > 0 for g in per_device.groups()), out)
    if code == 0 and not skips and not failures:
        pipe_out = os.path.join(work, "pipe_out")
        code, out = run([pipe_exe, "--data", data, "--threads", "2", "--output-dir", pipe_out])
        check("pipeline run", code == 0, out)
        if code == 0:
            a = np.load(os.path.join(work, "cpu_out", "output_0.npy"))
            b = np.load(os.path.join(pipe_out, "output_0.npy"))
            check("pipeline matches CPU-only", np.allclose(b, a, rtol=1e-4, atol=1e-5),
                  "max abs err %g" % float(np.max(np.abs(a - b))))

    # A second GPU: the compiler places on it, this runtime refuses it cleanly.
    exe1 = os.path.join(work, "split_cuda1")
    code, out = run([dlc, "--devices=cpu,cuda:1", model, "-o", exe1])
    check("compile --devices=cpu,cuda:1", code == 0, out)
    if code == 0:
        code, out = run([exe1, "--data", data])
        check("cuda:1 refused with a clear error", code == 1 and "device 2 (cuda:1) is not supported" in out, out)

    for s in skips:
        print("SKIP " + s)
    if args.keep:
        print("scratch directory: %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed, %d skipped" % (len(failures), len(skips)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
