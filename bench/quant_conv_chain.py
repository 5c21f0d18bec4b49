#!/usr/bin/env python3
"""int8 vs fp32 latency on a conv-bound model (issue 6's >= 1.8x target).

Six Conv3x3(64 -> 64)+Relu layers on a [1, 64, 56, 56] input (a ResNet
stage's shape; random He weights, seed 0), compiled f32 and with
`--quantize=int8 --calibrate` (8 random [0, 1) samples); both call oneDNN
(f32 conv, int8 VNNI conv). Prints one table row per thread count:
median latency of `--bench N` and the fp32/int8 ratio (> 1: int8 faster),
plus the int8 build's largest deviation from f32 relative to the output
range on a random input.

usage: bench/quant_conv_chain.py --dlc build/bin/dlc [--runs 200] [--threads 1,2] [--keep DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LATENCY = re.compile(r"median ([0-9.]+) ms")


def conv_chain(layers=6, channels=64, size=56):
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "x"
    for i in range(layers):
        w = (rng.standard_normal((channels, channels, 3, 3)) * np.sqrt(2 / (9 * channels))).astype(np.float32)
        inits += [numpy_helper.from_array(w, "w%d" % i),
                  numpy_helper.from_array(np.full(channels, 0.01, np.float32), "b%d" % i)]
        nodes += [helper.make_node("Conv", [x, "w%d" % i, "b%d" % i], ["c%d" % i], name="conv%d" % i, pads=[1] * 4),
                  helper.make_node("Relu", ["c%d" % i], ["r%d" % i], name="relu%d" % i)]
        x = "r%d" % i
    shape = [1, channels, size, size]
    graph = helper.make_graph(nodes, "conv_chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, shape)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), shape


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--keep")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or scratch
        os.makedirs(tmp, exist_ok=True)
        model, shape = conv_chain()
        path = os.path.join(tmp, "conv_chain.onnx")
        onnx.save(model, path)
        calib = os.path.join(tmp, "calibration")
        os.makedirs(calib, exist_ok=True)
        rng = np.random.default_rng(1)
        np.save(os.path.join(calib, "x.npy"), rng.uniform(0, 1, [8] + shape[1:]).astype(np.float32))
        exes = {"f32": os.path.join(tmp, "f32"), "int8": os.path.join(tmp, "int8")}
        subprocess.run([args.dlc, path, "-o", exes["f32"]], check=True)
        subprocess.run([args.dlc, "--quantize=int8", "--calibrate=" + calib, path, "-o", exes["int8"]], check=True)
        np.save(os.path.join(tmp, "in.npy"), rng.uniform(0, 1, shape).astype(np.float32))
        outs = {}
        for name, exe in exes.items():
            out_dir = os.path.join(tmp, "out-" + name)
            subprocess.run([exe, "--input", "x=" + os.path.join(tmp, "in.npy"), "--output-dir", out_dir],
                           check=True, capture_output=True)
            outs[name] = np.load(os.path.join(out_dir, "output_0.npy"))
        deviation = float(np.max(np.abs(outs["f32"] - outs["int8"])) / np.ptp(outs["f32"]))
        print("| threads | fp32 ms (oneDNN) | int8 ms (oneDNN VNNI) | fp32/int8 | max int8 deviation / output range |")
        print("|---|---|---|---|---|")
        for t in args.threads.split(","):
            ms = {}
            for name, exe in exes.items():
                out = subprocess.run([exe, "--bench", str(args.runs), "--threads", t], check=True,
                                     capture_output=True, text=True).stdout
                ms[name] = float(LATENCY.search(out).group(1))
            print("| %s | %.3f | %.3f | %.2fx | %.2g |" % (t, ms["f32"], ms["int8"], ms["f32"] / ms["int8"], deviation),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
