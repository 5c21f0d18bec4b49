#!/usr/bin/env python3
"""The dlc CLI on bad input: clear errors, exit codes, and no partial output.

Contract (shared/DESIGN.md, "CLI contract"): errors read
`file:node 'name' (OpType): message` and exit 1, usage errors exit 2, and a
failed compile leaves no output file (nor a temporary one) behind.

Cases: placement flags (unknown device, malformed or unknown --place,
conflicting --target), two unsupported ops (a custom-domain op and Unique) listed in one run
by node name, a missing file, a file that is not ONNX, a dynamic input
without --shape (and with it), an unknown flag, an unknown --emit kind, a bad
--shape, no -o. Prints `N passed, N failed`; exits 1 on a failure.

  test_cli_errors.py --dlc build/bin/dlc
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from onnx import TensorProto, helper


def save(model, path):
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return path


def unsupported_model(path):
    """Relu -> Unique -> com.example.FancyOp: two unsupported nodes."""
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="ok_relu"),
        helper.make_node("Unique", ["a"], ["u"], name="uniq1"),
        helper.make_node("FancyOp", ["u"], ["y"], name="custom1", domain="com.example"),
    ]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.example", 1)])
    model.ir_version = 8
    return save(model, path)


def dynamic_model(path):
    node = helper.make_node("Relu", ["x"], ["y"], name="r")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return save(model, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True, help="path of the dlc compiler")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    dlc = os.path.abspath(args.dlc)
    work = tempfile.mkdtemp(prefix="dlc-cli-")
    out = os.path.join(work, "out")
    results = []

    def case(name, argv, code, must_contain=(), expect_output=False):
        if os.path.exists(out):
            os.remove(out)
        problems = []
        try:
            p = subprocess.run([dlc] + argv, capture_output=True, text=True, timeout=300)
            returncode, stderr = p.returncode, p.stderr
        except (OSError, subprocess.TimeoutExpired) as e:
            returncode, stderr = None, str(e)
        if returncode != code:
            problems.append("exit code %s, expected %d" % (returncode, code))
        for text in must_contain:
            if text not in stderr:
                problems.append("stderr lacks %r" % text)
        if code != 0 and not stderr.strip():
            problems.append("no message on stderr")
        if expect_output and not os.path.exists(out):
            problems.append("wrote no output file")
        if not expect_output and os.path.exists(out):
            problems.append("left an output file behind")
        leftovers = [f for f in os.listdir(work) if f.startswith("out") and ".tmp" in f]
        if leftovers:
            problems.append("left temporary files: %s" % leftovers)
            for f in leftovers:
                os.remove(os.path.join(work, f))
        results.append((name, problems, stderr.strip()))

    bad = unsupported_model(os.path.join(work, "unsupported.onnx"))
    # Both unsupported nodes in one run, each as `file:node 'name' (OpType)`.
    case("two unsupported ops listed in one error report", [bad, "-o", out], 1,
         ["unsupported.onnx:node 'uniq1' (Unique)", "unsupported.onnx:node 'custom1' (FancyOp)"])
    case("missing file", [os.path.join(work, "nope.onnx"), "-o", out], 1, ["nope.onnx"])
    junk = os.path.join(work, "junk.onnx")
    with open(junk, "wb") as f:
        f.write(b"this is not an ONNX model\n" * 8)  # an invalid protobuf wire type at byte 0
    case("not an ONNX file", [junk, "-o", out], 1, ["junk.onnx"])
    dyn = dynamic_model(os.path.join(work, "dynamic.onnx"))
    case("dynamic dim without --shape", [dyn, "-o", out], 1, ["'x'", "--shape"])
    case("dynamic dim fixed by --shape", [dyn, "--shape", "x=2,4", "-o", out], 0, expect_output=True)
    case("unknown flag", ["--frobnicate", dyn, "-o", out], 2)
    case("unknown --emit kind", ["--emit=pdf", dyn, "-o", out], 2)
    case("bad --shape", [dyn, "--shape", "x=2,-4", "-o", out], 2, ["--shape"])
    case("no -o", [dyn], 2)
    # Placement (--devices / --place): unknown devices are usage errors; a
    # node name the graph does not have is a compile error naming it.
    fixed = ["--shape", "x=2,4"]
    case("unknown device in --devices", ["--devices=cpu,tpu:0", dyn, "-o", out] + fixed, 2, ["tpu:0"])
    case("malformed --place", ["--devices=cpu", "--place", "r", dyn, "-o", out] + fixed, 2, ["NODE=DEVICE"])
    case("--place without --devices", ["--place", "r=cpu", dyn, "-o", out] + fixed, 2, ["--devices"])
    case("--pipeline without --devices", ["--pipeline", dyn, "-o", out] + fixed, 2, ["--devices"])
    case("--place on a device not in --devices", ["--devices=cpu", "--place", "r=cuda:0", dyn, "-o", out] + fixed,
         1, ["r=cuda:0", "not in --devices"])
    case("--place of an unknown node", ["--devices=cpu", "--place", "nosuch=cpu", dyn, "-o", out] + fixed,
         1, ["no ONNX node named 'nosuch'"])
    case("--devices with --target=cuda", ["--devices=cpu", "--target=cuda", dyn, "-o", out] + fixed, 2,
         ["--devices"])
    case("--devices=cpu compiles", ["--devices=cpu", "--place", "r=cpu", dyn, "-o", out] + fixed, 0,
         expect_output=True)

    failed = 0
    for name, problems, stderr in results:
        if problems:
            failed += 1
            print("FAIL %s: %s\n  stderr: %s" % (name, "; ".join(problems), stderr[:1000]))
        else:
            print("PASS %s" % name)
    if args.keep:
        print("scratch directory: %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
