#!/usr/bin/env python3
"""dlc --train and trainer executables on bad input: clear messages, exit
codes (1 error, 2 usage), and no output file after a failure.

usage: test_train_errors.py --dlc build/bin/dlc
Last line: `N passed, N failed`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dlc_gradients import run_all, run_checked  # noqa: E402
from models import init_weights, onnx_model  # noqa: E402


def expect(cmd, code, *messages, absent=None):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    problems = []
    if proc.returncode != code:
        problems.append(f"exit {proc.returncode}, expected {code}")
    for m in messages:
        if m not in proc.stderr:
            problems.append(f"stderr lacks {m!r}")
    if absent and os.path.exists(absent):
        problems.append(f"{absent} was written")
    if problems:
        raise AssertionError(f"{' '.join(cmd)}: {'; '.join(problems)}\nstderr: {proc.stderr[-800:]}")
    return True


def grouped_conv_model(path):
    w = numpy_helper.from_array(np.ones((2, 1, 3, 3), np.float32), "w")
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv_g", group=2)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 1, 1])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def no_weights_model(path):
    node = helper.make_node("Relu", ["x"], ["y"], name="relu")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dlc", required=True)
    dlc = ap.parse_args().dlc
    tmp = tempfile.mkdtemp()
    mlp = os.path.join(tmp, "mlp.onnx")
    onnx.save(onnx_model("mlp", init_weights("mlp", 0), 8), mlp)
    out = os.path.join(tmp, "out")
    trainer = os.path.join(tmp, "trainer")
    rng = np.random.default_rng(0)
    good = os.path.join(tmp, "good.npz")
    np.savez(good, x=rng.uniform(size=(20, 64)).astype(np.float32), y=rng.integers(0, 10, 20))
    compressed = os.path.join(tmp, "compressed.npz")
    np.savez_compressed(compressed, x=np.zeros((8, 64), np.float32), y=np.zeros(8, np.int64))
    bad_label = os.path.join(tmp, "bad_label.npz")
    np.savez(bad_label, x=np.zeros((8, 64), np.float32), y=np.full(8, 12))
    bad_x = os.path.join(tmp, "bad_x.npz")
    np.savez(bad_x, x=np.zeros((8, 63), np.float32), y=np.zeros(8, np.int64))
    grouped, none = os.path.join(tmp, "grouped.onnx"), os.path.join(tmp, "none.onnx")
    grouped_conv_model(grouped)
    no_weights_model(none)

    def build_trainer():
        run_checked([dlc, "--train", mlp, "-o", trainer])
        return True

    checks = [
        ("bad loss", lambda: expect([dlc, "--train", "--loss=hinge", mlp, "-o", out], 2,
                                    "--loss expects mse, binary_cross_entropy or softmax_cross_entropy", absent=out)),
        ("bad optimizer", lambda: expect([dlc, "--train", "--optimizer=rmsprop", mlp, "-o", out], 2,
                                         "--optimizer expects sgd, momentum or adam", absent=out)),
        ("bad lr", lambda: expect([dlc, "--train", "--lr=-1", mlp, "-o", out], 2, "--lr must be positive")),
        ("gradients without train", lambda: expect([dlc, "--emit-gradients", mlp, "-o", out], 2,
                                                   "--emit-gradients needs --train")),
        ("nothing to train", lambda: expect([dlc, "--train", none, "-o", out], 1,
                                            "depends on no float initializer", absent=out)),
        ("grouped conv", lambda: expect([dlc, "--train", grouped, "-o", out], 1,
                                        "node 'conv_g'", "has no gradient for group = 2", absent=out)),
        ("trainer builds", build_trainer),
        ("no data", lambda: expect([trainer], 2, "--data FILE.npz is required")),
        ("compressed npz", lambda: expect([trainer, "--data", compressed], 1, "np.savez_compressed")),
        ("wrong batch", lambda: expect([trainer, "--data", good, "--batch", "4"], 1,
                                       "compiled for batch 8", "--shape x=4")),
        ("label range", lambda: expect([trainer, "--data", bad_label], 1, "not a class index in [0, 10)")),
        ("x size", lambda: expect([trainer, "--data", bad_x], 1, "does not hold 64 values per sample")),
        ("missing file", lambda: expect([trainer, "--data", os.path.join(tmp, "nope.npz")], 1, "nope.npz")),
        ("save into missing dir", lambda: expect(
            [trainer, "--data", good, "--save", os.path.join(tmp, "no", "dir.onnx")], 1, "no/dir.onnx",
            absent=os.path.join(tmp, "no", "dir.onnx"))),
    ]
    return run_all(checks)


if __name__ == "__main__":
    sys.exit(main())
