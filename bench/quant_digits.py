#!/usr/bin/env python3
"""int8 vs fp32 on the trained digits MLP and CNN (issue 6 measurement).

For each model: train it with `dlc --train` (tests/training/train_digits.py:
24/30 epochs of Adam on scikit-learn digits, `--save` the trained ONNX,
batch 32), quantize the saved model with onnxruntime's quantize_static (QDQ
format, MinMax calibration on 320 training samples, uint8 activations, int8
per-channel weights), and also compile the fp32 model with dlc's own
calibration on the same samples (`--quantize=int8 --calibrate=DIR`), then
report

  * top-1 accuracy on the 450 test digits: dlc fp32, dlc int8 of the QDQ
    model, dlc int8 calibrated by dlc, onnxruntime int8 (and the
    int8-vs-fp32 top-1 agreement of both dlc int8 builds);
  * latency (`--bench N --threads T`, median of one batch of 32): dlc fp32
    (oneDNN), dlc fp32 --no-dnnl (generated code), both dlc int8 builds
    (generated integer code: dlc-fold-qdq; no int8 library dispatch yet),
    and the fp32/int8 ratios (> 1 means int8 is faster); onnxruntime's fp32 and
    int8 latency (session.run, same thread count) for context.

usage: bench/quant_digits.py --dlc build/bin/dlc [--models mlp,cnn] [--runs 300]
       [--threads 1] [--keep DIR]
"""
import argparse
import logging
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "training"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "quant"))
import train_digits  # noqa: E402
from quant_common import batches, predict_batched, run_checked  # noqa: E402
from timing import LATENCY, median_ms  # noqa: E402

BATCH = train_digits.BATCH


def quantize(fp32, out, calib):
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter([{"x": calib[i:i + BATCH]} for i in range(0, len(calib), BATCH)])

        def get_next(self):
            return next(self.it, None)

    logging.getLogger().setLevel(logging.ERROR)
    quantize_static(fp32, out, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)


def latency(exe, runs, threads):
    out = run_checked([exe, "--bench", str(runs), "--threads", str(threads)]).stdout
    return float(LATENCY.search(out).group(1))


def measure(kind, args, tmp):
    import onnxruntime as ort
    x_train, x_test, _, y_test = train_digits.digits()
    if kind == "cnn":
        x_train, x_test = x_train.reshape(-1, 1, 8, 8), x_test.reshape(-1, 1, 8, 8)
    fp32 = os.path.join(tmp, "%s-trained.onnx" % kind)
    int8 = os.path.join(tmp, "%s-int8.onnx" % kind)
    quantize(fp32, int8, x_train[:10 * BATCH])
    # dlc's own calibration on the same samples (--quantize=int8 --calibrate).
    calib = os.path.join(tmp, "calibration")
    os.makedirs(calib, exist_ok=True)
    np.save(os.path.join(calib, "x.npy"), x_train[:10 * BATCH])
    exes = {}
    for name, model, flags in (("fp32", fp32, []), ("fp32-gen", fp32, ["--no-dnnl"]),
                               ("int8", int8, []),
                               ("int8-dlc", fp32, ["--quantize=int8", "--calibrate=" + calib])):
        exes[name] = os.path.join(tmp, "%s-%s" % (kind, name))
        run_checked([args.dlc, *flags, model, "-o", exes[name]])
    logits = {name: predict_batched(exes[name], x_test, tmp, BATCH) for name in ("fp32", "int8", "int8-dlc")}
    session = ort.InferenceSession(int8, providers=["CPUExecutionProvider"])
    ort_int8 = np.concatenate([session.run(None, {"x": b})[0] for b in batches(x_test, BATCH)])[:len(x_test)]
    acc = {name: float(np.mean(v.argmax(1) == y_test)) for name, v in logits.items()}
    acc["ort-int8"] = float(np.mean(ort_int8.argmax(1) == y_test))
    agree = float(np.mean(logits["int8"].argmax(1) == logits["fp32"].argmax(1)))
    agree_dlc = float(np.mean(logits["int8-dlc"].argmax(1) == logits["fp32"].argmax(1)))
    ms = {name: latency(exe, args.runs, args.threads) for name, exe in exes.items()}
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    feed = {"x": batches(x_test, BATCH)[0]}
    for name, path in (("ort-fp32", fp32), ("ort-int8", int8)):
        sess = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        ms[name] = median_ms(lambda: sess.run(None, feed), args.runs)
    print("| %s | %.2f%% | %.2f%% | %.2f%% | %.2f%% | %.2f%% | %.2f%% | %.4f | %.4f | %.4f | %.4f | "
          "%.2fx | %.2fx | %.4f | %.4f |" % (
              kind, 100 * acc["fp32"], 100 * acc["int8"], 100 * acc["int8-dlc"], 100 * acc["ort-int8"],
              100 * agree, 100 * agree_dlc, ms["fp32"], ms["fp32-gen"], ms["int8"], ms["int8-dlc"],
              ms["fp32"] / ms["int8"], ms["fp32"] / ms["int8-dlc"], ms["ort-fp32"], ms["ort-int8"]),
          flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--models", default="mlp,cnn")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--keep")
    args = ap.parse_args()
    print("| model | fp32 top-1 | int8 (ort QDQ) top-1 | int8 (dlc calibrated) top-1 | ort int8 "
          "top-1 | QDQ/fp32 agreement | calibrated/fp32 agreement | fp32 ms (oneDNN) | fp32 ms "
          "(--no-dnnl) | int8 ms (QDQ) | int8 ms (calibrated) | fp32/int8 (QDQ) | fp32/int8 "
          "(calibrated) | ort fp32 ms | ort int8 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in args.models.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            tmp = os.path.join(args.keep, kind) if args.keep else scratch
            os.makedirs(tmp, exist_ok=True)
            with open(os.devnull, "w") as quiet:  # the trainer's own report
                saved, sys.stdout = sys.stdout, quiet
                try:
                    run_training = train_digits.run(kind, args.dlc, tmp)
                finally:
                    sys.stdout = saved
            if not run_training:
                print("| %s | training failed |" % kind)
                continue
            measure(kind, args, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
