#!/usr/bin/env python3
"""The dlc CLI on bad input: clear errors, exit codes, and no partial output.

Cases: unsupported ops (all listed at once, by node name), a missing file,
a file that is not ONNX, a dynamic input without --shape, a bad flag, an
unknown --emit kind. Prints `N passed, N failed`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def save(model, path):
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return path


def unsupported_model(path):
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="ok_relu"),
        helper.make_node("Unique", ["a"], ["u"], name="uniq1"),
        helper.make_node("FancyOp", ["u"], ["y"], name="custom1", domain="com.example"),
    ]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.example", 1)])
    return save(model, path)


def dynamic_model(path):
    node = helper.make_node("Relu", ["x"], ["y"], name="r")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])])
    return save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dlc", required=True)
    args = parser.parse_args()
    dlc = os.path.abspath(args.dlc)
    work = tempfile.mkdtemp(prefix="dlc-cli-")
    out = os.path.join(work, "out")
    results = []

    def case(name, argv, code, must_contain=(), check_no_output=True):
        if os.path.exists(out):
            os.remove(out)
        p = subprocess.run([dlc] + argv, capture_output=True, text=True, timeout=300)
        problems = []
        if p.returncode != code:
            problems.append("exit code %d, expected %d" % (p.returncode, code))
        for text in must_contain:
            if text not in p.stderr:
                problems.append("stderr lacks %r" % text)
        if check_no_output and os.path.exists(out):
            problems.append("left an output file behind")
        leftovers = [f for f in os.listdir(work) if ".tmp" in f]
        if leftovers:
            problems.append("left temporary files: %s" % leftovers)
        results.append((name, problems, p.stderr.strip()))

    bad = unsupported_model(os.path.join(work, "unsupported.onnx"))
    case("unsupported ops listed together", [bad, "-o", out], 1,
         ["node 'uniq1' (Unique)", "node 'custom1'", "FancyOp"])
    case("missing file", [os.path.join(work, "nope.onnx"), "-o", out], 1, ["nope.onnx"])
    junk = os.path.join(work, "junk.onnx")
    with open(junk, "wb") as f:
        f.write(np.random.default_rng(0).bytes(200))
    case("not an ONNX file", [junk, "-o", out], 1, ["junk.onnx"])
    dyn = dynamic_model(os.path.join(work, "dynamic.onnx"))
    case("dynamic dim without --shape", [dyn, "-o", out], 1, ["'x'", "--shape"])
    case("dynamic dim fixed by --shape", [dyn, "--shape", "x=2,4", "-o", out], 0, [],
         check_no_output=False)
    case("unknown flag", ["--frobnicate", dyn, "-o", out], 2)
    case("unknown emit kind", ["--emit=pdf", dyn, "-o", out], 2)
    case("bad --shape", [dyn, "--shape", "x=2,-4", "-o", out], 2, ["--shape"])

    failed = 0
    for name, problems, stderr in results:
        if problems:
            failed += 1
            print("FAIL %s: %s\n  stderr: %s" % (name, "; ".join(problems), stderr[:1000]))
        else:
            print("PASS %s" % name)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
