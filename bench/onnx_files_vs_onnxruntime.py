#!/usr/bin/env python3
"""CPU latency of dlc -O2 on given ONNX files next to onnxruntime, same run.

For quick checks of kernel work on full models (e.g. torchvision exports):
random normal inputs (static shapes), both runtimes with --threads threads,
median of --runs after warm-up, outputs compared (rtol 1e-3, atol 1e-4).

--no-spin measures both without busy-waiting worker threads: onnxruntime
with session.intra_op.allow_spinning=0, dlc's oneDNN (OpenMP) with
OMP_WAIT_POLICY=passive. On a machine shared with other jobs, spinning
workers steal the cores the other runtime's threads need, so both modes are
worth reporting.

    python3 bench/onnx_files_vs_onnxruntime.py --dlc build/bin/dlc [--threads 2] [--no-spin] A.onnx ...
"""
import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from cpu_vs_onnxruntime import dlc_median_ms  # noqa: E402


def ort_median_ms(model, feeds, runs, threads, spin):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if not spin:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlc", default=str(pathlib.Path(__file__).resolve().parent.parent
                                             / "build" / "bin" / "dlc"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-spin", action="store_true")
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()
    if args.no_spin:
        os.environ["OMP_WAIT_POLICY"] = "passive"  # inherited by the dlc executable
    failed = False
    print("%-20s %10s %10s %8s %s" % ("model", "dlc ms", "ort ms", "dlc/ort", "outputs"))
    for path in args.models:
        model = onnx.load(path)
        rng = np.random.default_rng(0)
        initializers = {t.name for t in model.graph.initializer}
        feeds = {i.name: rng.standard_normal([d.dim_value for d in i.type.tensor_type.shape.dim])
                 .astype(np.float32) for i in model.graph.input if i.name not in initializers}
        with tempfile.TemporaryDirectory(prefix="dlc-bench-") as tmp:
            ours, ours_out = dlc_median_ms(args.dlc, model, feeds, args.runs, args.threads,
                                           pathlib.Path(tmp))
        theirs, ref_out = ort_median_ms(model, feeds, args.runs, args.threads, not args.no_spin)
        same = all(np.allclose(a, b, rtol=1e-3, atol=1e-4) for a, b in zip(ours_out, ref_out))
        failed |= not same
        print("%-20s %10.3f %10.3f %8.2f %s" % (pathlib.Path(path).stem, ours, theirs,
                                               ours / theirs, "match" if same else "MISMATCH"),
              flush=True)
    print("dlc/ort < 1: dlc is faster. %d threads, %d runs, median; spinning %s; load average %s"
          % (args.threads, args.runs, "off" if args.no_spin else "on (defaults)",
             " ".join("%.1f" % v for v in os.getloadavg())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
