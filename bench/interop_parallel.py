#!/usr/bin/env python3
"""Inter-op parallelism: dlc's executor vs onnxruntime's parallel mode, one run.

The model of tests/models/test_parallel_trace.py (four independent
MatMul-Relu-MatMul branches joined by Adds) is compiled with `dlc -O2` and
timed with its own `--bench N` at `--threads 1` and `--threads T`;
onnxruntime runs it with intra-op threads 1 and inter-op threads 1
(sequential) and T (ORT_PARALLEL). Each runtime's outputs are compared with
onnxruntime's sequential ones (rtol 1e-4, atol 1e-4). Prints the medians,
each side's parallel speed-up, and ort/dlc at T threads.

    python3 bench/interop_parallel.py --dlc build/bin/dlc [--runs 50] [--threads 2]
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

from timing import LATENCY, median_ms

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "models"))
import test_parallel_trace as parallel  # noqa: E402


def ort_median_ms(path, feeds, runs, inter_op):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = inter_op
    if inter_op > 1:
        options.execution_mode = ort.ExecutionMode.ORT_PARALLEL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    outputs = session.run(None, feeds)
    return median_ms(lambda: session.run(None, feeds), runs), outputs[0]


def dlc_median_ms(exe, data, runs, threads, out):
    proc = subprocess.run([str(exe), "--data", str(data), "--output-dir", str(out), "--bench", str(runs),
                           "--threads", str(threads)], check=True, capture_output=True, text=True)
    y = numpy_helper.to_array(onnx.load_tensor(out / "output_0.pb"))
    return float(LATENCY.search(proc.stdout).group(1)), y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlc", default=str(ROOT / "build" / "bin" / "dlc"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory(prefix="dlc-interop-") as tmp:
        tmp = pathlib.Path(tmp)
        model, data, exe = tmp / "parallel.onnx", tmp / "data", tmp / "parallel"
        parallel.build_model(str(model), rng)
        parallel.write_data(str(model), str(data), rng)
        feeds = {"x%d" % b: numpy_helper.to_array(onnx.load_tensor(data / ("input_%d.pb" % b)))
                 for b in range(parallel.BRANCHES)}
        subprocess.run([args.dlc, "-O2", str(model), "-o", str(exe)], check=True)
        ort1, reference = ort_median_ms(model, feeds, args.runs, 1)
        ortT, ort_y = ort_median_ms(model, feeds, args.runs, args.threads)
        dlc1, y1 = dlc_median_ms(exe, data, args.runs, 1, tmp / "out1")
        dlcT, yT = dlc_median_ms(exe, data, args.runs, args.threads, tmp / "outT")
    same = all(np.allclose(y, reference, rtol=1e-4, atol=1e-4) for y in (ort_y, y1, yT))
    print("%-12s %12s %12s %10s" % ("runtime", "1 thread ms", "%d threads ms" % args.threads, "speed-up"))
    print("%-12s %12.3f %12.3f %10.2f" % ("dlc", dlc1, dlcT, dlc1 / dlcT))
    print("%-12s %12.3f %12.3f %10.2f" % ("onnxruntime", ort1, ortT, ort1 / ortT))
    print("ort/dlc at %d threads: %.2f (> 1: dlc faster); outputs %s; %d runs, median; %d cores, "
          "load average %.1f" % (args.threads, ortT / dlcT, "match" if same else "MISMATCH", args.runs,
                                 os.cpu_count(), os.getloadavg()[0]))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
