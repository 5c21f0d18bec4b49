#!/usr/bin/env python3
"""GEMM sweep: GFLOP/s and % of this machine's f32 peak for single-MatMul
models, dlc -O2 next to onnxruntime, measured in the same run.

Each (M, N, K) is an ONNX model `Y = X @ W` with W an initializer (as in
inference: dlc reorders constant weights once). Both runtimes get the same
thread count; latency is the median of --runs runs after warm-up (dlc: the
executable's own `--bench`), and outputs are compared (rtol 1e-3, atol 1e-3)
so a fast wrong answer cannot pass.

Peak: measured. bench/fma_peak.c is built with the system C compiler and
run on the same thread count (register-only FMAs, best of 5 runs): the f32
rate this machine sustains now, turbo included. The nominal figure (cores x
GHz x FLOPs/cycle: 64 f32 FLOPs per cycle per core with avx512f, 32 with
AVX2+FMA; GHz from lscpu's max MHz, else BogoMIPS / 2, the base clock) is
printed beside it; without a C compiler the nominal one is used.

    python3 bench/gemm_sweep.py --dlc build/bin/dlc [--threads 2] [--runs 50] [--no-spin]
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from cpu_vs_onnxruntime import dlc_median_ms  # noqa: E402
from onnx_files_vs_onnxruntime import ort_median_ms  # noqa: E402

SIZES = [(64, 64, 64), (128, 768, 768), (128, 3072, 768), (256, 256, 256),
         (512, 512, 512), (1024, 1024, 1024), (49, 2048, 512), (1, 1000, 2048)]


def cpu_info():
    """lscpu's text and its CPU flags."""
    info = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    return info, re.search(r"Flags:\s*(.*)", info).group(1).split()


def nominal_peak(threads, info, flags):
    per_cycle = 64 if "avx512f" in flags else 32 if "fma" in flags else 8
    mhz = re.search(r"CPU max MHz:\s*([0-9.]+)", info)
    if mhz:
        ghz, source = float(mhz.group(1)) / 1e3, "lscpu max MHz"
    else:
        ghz, source = float(re.search(r"BogoMIPS:\s*([0-9.]+)", info).group(1)) / 2e3, \
            "BogoMIPS/2 (TSC, base clock)"
    cores = min(threads, os.cpu_count())
    peak = cores * ghz * per_cycle
    return peak, "%d cores x %.2f GHz (%s) x %d f32 FLOPs/cycle = %.1f GFLOP/s" % (
        cores, ghz, source, per_cycle, peak)


def measured_peak(threads, flags, workdir):
    """GFLOP/s of bench/fma_peak.c on `threads` threads (best of 5), or None."""
    isa = ["-mavx512f"] if "avx512f" in flags else ["-mavx2", "-mfma"] if "fma" in flags else None
    if isa is None:
        return None
    exe = os.path.join(workdir, "fma_peak")
    source = pathlib.Path(__file__).resolve().parent / "fma_peak.c"
    build = subprocess.run(["cc", "-O2", *isa, "-pthread", str(source), "-o", exe],
                           capture_output=True, text=True)
    if build.returncode != 0:
        return None
    runs = [float(subprocess.run([exe, str(threads)], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    return max(runs)


def machine_peak(threads):
    info, flags = cpu_info()
    nominal, assumption = nominal_peak(threads, info, flags)
    with tempfile.TemporaryDirectory(prefix="dlc-fma-") as tmp:
        measured = measured_peak(threads, flags, tmp)
    if measured is None:
        return nominal, "nominal " + assumption + " (bench/fma_peak.c not built)"
    return measured, "measured %.1f GFLOP/s on %d threads (bench/fma_peak.c, best of 5); " \
        "nominal %s" % (measured, threads, assumption)


def matmul_model(m, n, k, rng):
    w = rng.standard_normal((k, n)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")], "gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return model, {"x": rng.standard_normal((m, k)).astype(np.float32)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlc", default=str(pathlib.Path(__file__).resolve().parent.parent
                                             / "build" / "bin" / "dlc"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-spin", action="store_true",
                        help="no busy-waiting workers (see onnx_files_vs_onnxruntime.py)")
    args = parser.parse_args()
    if args.no_spin:
        os.environ["OMP_WAIT_POLICY"] = "passive"

    peak, assumption = machine_peak(args.threads)
    rng = np.random.default_rng(0)
    print("%-18s %10s %10s %8s %10s %10s %8s %s" % (
        "M,N,K", "dlc ms", "dlc GF/s", "dlc %pk", "ort ms", "ort GF/s", "ort %pk", "outputs"))
    failed = False
    for m, n, k in SIZES:
        model, feeds = matmul_model(m, n, k, rng)
        with tempfile.TemporaryDirectory(prefix="dlc-gemm-") as tmp:
            ours, ours_out = dlc_median_ms(args.dlc, model, feeds, args.runs, args.threads,
                                           pathlib.Path(tmp))
        theirs, ref_out = ort_median_ms(model, feeds, args.runs, args.threads, not args.no_spin)
        same = np.allclose(ours_out[0], ref_out[0], rtol=1e-3, atol=1e-3)
        failed |= not same
        flops = 2.0 * m * n * k
        g_ours, g_theirs = flops / ours / 1e6, flops / theirs / 1e6
        print("%-18s %10.4f %10.1f %7.1f%% %10.4f %10.1f %7.1f%% %s" % (
            "%d,%d,%d" % (m, n, k), ours, g_ours, 100 * g_ours / peak, theirs, g_theirs,
            100 * g_theirs / peak, "match" if same else "MISMATCH"))
    print("peak: " + assumption)
    print("%d threads, %d runs, median latency, spinning %s, load average %s" % (
        args.threads, args.runs, "off" if args.no_spin else "on (defaults)",
        " ".join("%.1f" % v for v in os.getloadavg())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
