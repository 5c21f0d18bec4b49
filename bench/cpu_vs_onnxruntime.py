#!/usr/bin/env python3
"""CPU latency of dlc-compiled models next to onnxruntime, measured in one run.

For every model of tests/models/model_zoo.py (and the demo MLP) this compiles
an executable with `dlc -O2`, times it with its own `--bench N` (median of N
runs after warm-up), times onnxruntime's InferenceSession.run on the same
input the same way, and prints the ratio. Both use the same number of
threads. The outputs are also compared (rtol 1e-4, atol 1e-5) so a fast wrong
answer cannot pass as a speed-up.

    python3 bench/cpu_vs_onnxruntime.py --dlc build/bin/dlc [--runs 200] [--threads 1]
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "models"))
import model_zoo  # noqa: E402

LATENCY = re.compile(r"latency: median ([0-9.]+) ms")


def ort_median_ms(model, feeds, runs, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    outputs = session.run(None, feeds)
    for _ in range(max(1, min(10, runs // 10))):
        session.run(None, feeds)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), outputs


def dlc_median_ms(dlc, model, feeds, runs, threads, workdir):
    path = workdir / "model.onnx"
    onnx.save(model, path)
    data = workdir / "data"
    data.mkdir()
    for i, value in enumerate(feeds.values()):
        onnx.save_tensor(numpy_helper.from_array(value), data / ("input_%d.pb" % i))
    exe = workdir / "model"
    subprocess.run([dlc, "-O2", str(path), "-o", str(exe)], check=True)
    out = workdir / "out"
    proc = subprocess.run([str(exe), "--data", str(data), "--output-dir", str(out),
                           "--bench", str(runs), "--threads", str(threads)],
                          check=True, capture_output=True, text=True)
    median = float(LATENCY.search(proc.stdout).group(1))
    outputs = [numpy_helper.to_array(onnx.load_tensor(out / ("output_%d.pb" % i)))
               for i in range(len(model.graph.output))]
    return median, outputs


def demo_mlp():
    model = onnx.load(ROOT / "examples" / "demo" / "mlp.onnx")
    x = numpy_helper.to_array(onnx.load_tensor(ROOT / "examples" / "demo" / "data" / "input_0.pb"))
    return model, {model.graph.input[0].name: x}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlc", default=str(ROOT / "build" / "bin" / "dlc"))
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for both runtimes (default 1)")
    args = parser.parse_args()

    builders = {"demo_mlp": demo_mlp, **model_zoo.MODELS}
    print("%-24s %12s %12s %10s %s" % ("model", "dlc ms", "ort ms", "ort/dlc", "outputs"))
    failed = False
    for name, build in builders.items():
        model, feeds = build()
        with tempfile.TemporaryDirectory(prefix="dlc-bench-") as tmp:
            ours, ours_out = dlc_median_ms(args.dlc, model, feeds, args.runs, args.threads,
                                           pathlib.Path(tmp))
        theirs, ref_out = ort_median_ms(model, feeds, args.runs, args.threads)
        same = all(np.allclose(a, b, rtol=1e-4, atol=1e-5) for a, b in zip(ours_out, ref_out))
        failed |= not same
        print("%-24s %12.4f %12.4f %10.2f %s" % (name, ours, theirs, theirs / ours,
                                                 "match" if same else "MISMATCH"))
    print("ratio > 1: dlc is faster. %d threads, %d runs, median latency; machine: %s, %d cores"
          % (args.threads, args.runs, os.uname().machine, os.cpu_count()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
