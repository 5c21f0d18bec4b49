#!/usr/bin/env python3
"""int8 vs fp32 latency on conv-bound models (issue 6's >= 1.8x target).

Models: `conv_chain` (six Conv3x3 64->64 + Relu on [1, 64, 56, 56], random
He weights, seed 0; needs no torch), torchvision `resnet50` /
`mobilenetv2` and, on request, `bert` (the BERT-base-sized encoder), all
exported by bench/harness (random weights, seed 0, BatchNorm folded;
skipped without torch). Each is compiled f32 and with
`--quantize=int8 --calibrate` on 16 samples (N(0,1) for the torchvision
models, U[0,1) for the chain); both builds call oneDNN (f32 convs, int8
VNNI convs). onnxruntime runs the f32 model and its own `quantize_static`
int8 model (QDQ, MinMax on the same samples, per-channel s8 weights, u8
activations) with the same thread count. Per model and thread count: median
latency of `--bench N` (dlc) / N timed session.run calls (onnxruntime), the
ratios fp32/int8 (> 1: int8 faster) and dlc int8 / ort int8 (< 1: dlc
faster), and how far dlc's int8 output is from its f32 output (max |diff| /
output range, on 4 held-out inputs; top-1 agreement).

usage: bench/quant_models.py --dlc build/bin/dlc [--models conv_chain,resnet50,mobilenetv2]
                             [--runs 50] [--threads 1,2] [--keep DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
    os.environ.update(OMP_WAIT_POLICY="active", GOMP_SPINCOUNT="30000")  # as bench/run.py

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LATENCY = re.compile(r"median ([0-9.]+) ms")
SAMPLES = 16


def conv_chain(path, layers=6, channels=64, size=56):
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "input"
    for i in range(layers):
        w = (rng.standard_normal((channels, channels, 3, 3)) * np.sqrt(2 / (9 * channels))).astype(np.float32)
        inits += [numpy_helper.from_array(w, "w%d" % i),
                  numpy_helper.from_array(np.full(channels, 0.01, np.float32), "b%d" % i)]
        nodes += [helper.make_node("Conv", [x, "w%d" % i, "b%d" % i], ["c%d" % i], name="conv%d" % i, pads=[1] * 4),
                  helper.make_node("Relu", ["c%d" % i], ["r%d" % i], name="relu%d" % i)]
        x = "r%d" % i
    shape = [1, channels, size, size]
    graph = helper.make_graph(nodes, "conv_chain", [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, shape)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return shape, lambda rng, n: rng.uniform(0, 1, [n] + shape[1:]).astype(np.float32)


def harness_model(name, path):
    sys.path.insert(0, HERE)
    import torch
    from harness import models
    shape = list(models.input_shape(name, 1))
    models.export(models.build(name), torch.randn(*shape), path)
    return shape, lambda rng, n: rng.standard_normal([n] + shape[1:]).astype(np.float32)


def ort_quantize(fp32, out, samples, input_name):
    import onnxruntime
    onnxruntime.set_default_logger_severity(3)  # its quantizer's unused-initializer warnings
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter([{input_name: s[None]} for s in samples])

        def get_next(self):
            return next(self.items, None)

    quantize_static(fp32, out, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)


def ort_ms(path, feed, threads, runs):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    for _ in range(3):
        session.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feed)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def dlc_ms(exe, threads, runs):
    out = subprocess.run([exe, "--bench", str(runs), "--threads", str(threads)], check=True,
                         capture_output=True, text=True).stdout
    return float(LATENCY.search(out).group(1))


def run_model(name, args, tmp):
    path = os.path.join(tmp, name + ".onnx")
    shape, draw = conv_chain(path) if name == "conv_chain" else harness_model(name, path)
    rng = np.random.default_rng(1)
    calibration = draw(rng, SAMPLES)
    calib = os.path.join(tmp, name + "-calibration")
    os.makedirs(calib, exist_ok=True)
    np.save(os.path.join(calib, "input.npy"), calibration)
    exes = {k: os.path.join(tmp, "%s-%s" % (name, k)) for k in ("f32", "int8")}
    subprocess.run([args.dlc, path, "-o", exes["f32"]], check=True)
    subprocess.run([args.dlc, "--quantize=int8", "--calibrate=" + calib, path, "-o", exes["int8"]], check=True)
    ort_int8 = os.path.join(tmp, name + "-ort-int8.onnx")
    ort_quantize(path, ort_int8, calibration, "input")
    # Deviation of dlc int8 from dlc f32 on held-out inputs.
    held = draw(rng, 4)
    dev, agree = 0.0, 0
    for i in range(len(held)):
        np.save(os.path.join(tmp, "in.npy"), held[i:i + 1])
        outs = {}
        for k, exe in exes.items():
            out_dir = os.path.join(tmp, "out-" + k)
            subprocess.run([exe, "--input", "input=" + os.path.join(tmp, "in.npy"), "--output-dir", out_dir],
                           check=True, capture_output=True)
            outs[k] = np.load(os.path.join(out_dir, "output_0.npy"))
        dev = max(dev, float(np.max(np.abs(outs["f32"] - outs["int8"])) / np.ptp(outs["f32"])))
        agree += int(np.argmax(outs["f32"]) == np.argmax(outs["int8"]))
    feed = {"input": held[:1]}
    for t in [int(v) for v in args.threads.split(",")]:
        ms = {k: dlc_ms(exe, t, args.runs) for k, exe in exes.items()}
        ms["ort-f32"] = ort_ms(path, feed, t, args.runs)
        ms["ort-int8"] = ort_ms(ort_int8, feed, t, args.runs)
        print("| %s | %d | %.3f | %.3f | %.2fx | %.3f | %.3f | %.2fx | %.2f | %.3f | %d/%d |" % (
            name, t, ms["f32"], ms["int8"], ms["f32"] / ms["int8"], ms["ort-f32"], ms["ort-int8"],
            ms["ort-f32"] / ms["ort-int8"], ms["int8"] / ms["ort-int8"], dev, agree, len(held)), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--models", default="conv_chain,resnet50,mobilenetv2",
                    help="also: bert (bench/harness encoder; slow)")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--keep")
    args = ap.parse_args()
    print("| model | threads | dlc fp32 ms | dlc int8 ms | dlc fp32/int8 | ort fp32 ms | ort int8 ms | "
          "ort fp32/int8 | dlc int8 / ort int8 | int8 max dev / range | top-1 same |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.models.split(","):
        if name != "conv_chain":
            try:
                import torch  # noqa: F401
            except ImportError:
                print("| %s | skipped: torch is not installed (bench/harness exports torchvision models) |" % name)
                continue
        with tempfile.TemporaryDirectory() as scratch:
            tmp = os.path.join(args.keep, name) if args.keep else scratch
            os.makedirs(tmp, exist_ok=True)
            run_model(name, args, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
