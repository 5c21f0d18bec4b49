#!/usr/bin/env python3
"""Self-test of bench/run.py's non-timing logic, fast enough for ctest.

    test_bench_harness.py --dlc build/bin/dlc

  1. the CPU harness on the tiny models (batch 1 and 2, --runs 2): exit 0, one
     table row per model and batch with every column filled, ratios equal to
     the printed medians' quotient, dlc outputs within the stated tolerance;
  2. a dlc that fails (a stand-in script printing a node error) gives a table
     row with that error and exit 1, not a traceback;
  3. --target cuda without a GPU prints a clear skip and exits 0 (with a GPU:
     the row is measured);
  4. relative_error and latency_ms on known values; usage errors exit 2;
  5. gemm_sweep's measured peak (bench/fma_peak.c) is built and lies between
     a tenth of and twice the nominal cores x clock x lanes figure.
Exits 77 (ctest: skipped) when torch is not installed: the harness needs it.
"""
import argparse
import os
import re
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUN = os.path.join(ROOT, "bench", "run.py")
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


def harness(dlc, workdir, *extra):
    cmd = [sys.executable, RUN, "--dlc", dlc, "--workdir", workdir, "--runs", "2",
           "--warmup", "1", "--threads", "2", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def rows_of(stdout):
    """Table rows as lists of cells (header and separator left out)."""
    lines = [line for line in stdout.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines[1:]]


def median(cell):
    return float(cell.split("/")[0])


def check_cpu(dlc, workdir):
    rc, out, err = harness(dlc, workdir, "--models", "tiny_cnn,tiny_encoder", "--batch", "1,2")
    check(rc == 0, "cpu harness exits 0" + ("" if rc == 0 else " (rc %d; %s)" % (rc, err[-300:])))
    rows = rows_of(out)
    check([(r[0], r[1]) for r in rows] ==
          [("tiny_cnn", "1"), ("tiny_cnn", "2"), ("tiny_encoder", "1"), ("tiny_encoder", "2")],
          "one row per model and batch")
    for r in rows:
        name = "%s b%s" % (r[0], r[1])
        check(all(re.fullmatch(r"[0-9.]+ / [0-9.]+", c) for c in r[2:5]),
              "%s: dlc, ort and torch latencies present: %s" % (name, r[2:5]))
        if not all(re.fullmatch(r"[0-9.]+ / [0-9.]+", c) for c in r[2:5]):
            continue
        for col, peer in ((5, 3), (6, 4)):
            a, b = median(r[2]), median(r[peer])
            expected = a / b
            # The ratio comes from unrounded medians, the cells are rounded
            # to 0.01 ms (+-0.005) and the ratio itself to 0.01.
            lo = (a - 0.005) / (b + 0.005) - 0.01
            hi = (a + 0.005) / (b - 0.005) + 0.01 if b > 0.005 else float("inf")
            check(lo <= float(r[col]) <= hi,
                  "%s: ratio column %d = %s matches %.3f (cells rounded)" % (
                      name, col, r[col], expected))
        check(re.fullmatch(r"[0-9.]+", r[7]) is not None and float(r[7]) > 0,
              "%s: compile time %s" % (name, r[7]))
        check(float(r[8]) <= 1e-3 and r[9] == "ok", "%s: rel err %s, notes '%s'" % (name, r[8], r[9]))
    check("command: python3" in out and "machine:" in out, "environment lines printed")


def check_failing_dlc(workdir):
    fake = os.path.join(workdir, "fake-dlc")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho \"m.onnx:node 'conv1' (Conv): unsupported test error\" >&2\nexit 1\n")
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
    rc, out, err = harness(fake, workdir, "--models", "tiny_cnn", "--batch", "1")
    rows = rows_of(out)
    check(rc == 1, "failing dlc: exit 1 (rc %d)" % rc)
    check("Traceback" not in out + err, "failing dlc: no traceback")
    check(len(rows) == 1 and "node 'conv1' (Conv): unsupported test error" in rows[0][-1]
          and rows[0][2] == "-", "failing dlc: the row carries dlc's error: %s" % rows)
    check(len(rows) == 1 and re.fullmatch(r"[0-9.]+ / [0-9.]+", rows[0][3]) is not None,
          "failing dlc: onnxruntime still measured")


def check_cuda(dlc, workdir):
    import torch

    rc, out, err = harness(dlc, workdir, "--models", "tiny_cnn", "--batch", "1", "--target", "cuda")
    rows = rows_of(out)
    if torch.cuda.is_available():
        check(rc == 0 and len(rows) == 1 and rows[0][-1] == "ok", "cuda harness measures: %s" % rows)
        return
    check(rc == 0, "cuda without GPU: exit 0" + ("" if rc == 0 else " (rc %d; %s)" % (rc, err[-300:])))
    check(out.startswith("SKIP timing: no CUDA GPU"), "cuda without GPU: skip message first")
    check(len(rows) == 1 and "no CUDA GPU" in rows[0][-1] and rows[0][2] == "-",
          "cuda without GPU: row says skipped: %s" % rows)
    check(len(rows) == 1 and re.fullmatch(r"[0-9.]+", rows[0][-3]) is not None,
          "cuda without GPU: dlc --target=cuda still compiled (compile s %s)"
          % (rows[0][-3] if rows else "?"))


def check_usage(dlc, workdir):
    for extra, message in ((["--batch", "1,x"], "--batch takes comma-separated integers"),
                           (["--models", "nosuch"], "unknown model(s) nosuch")):
        rc, out, err = harness(dlc, workdir, *extra)
        check(rc == 2 and message in err and "Traceback" not in err,
              "usage error %s: exit 2 with '%s' (rc %d)" % (" ".join(extra), message, rc))


def check_helpers():
    import numpy as np

    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import run

    check(abs(run.relative_error([1.0, 2.0], [1.0, 4.0]) - 0.5) < 1e-12, "relative_error scales by max|ref|")
    check(run.relative_error(np.zeros(2), np.zeros(3)) == float("inf"), "relative_error: shape mismatch")
    values = iter(range(10))
    calls = []
    run.time.perf_counter, real = (lambda: next(values)), run.time.perf_counter
    try:
        median, p90 = run.latency_ms(lambda: calls.append(1), 5, 2)
    finally:
        run.time.perf_counter = real
    check(len(calls) == 7 and median == 1000.0 and p90 == 1000.0, "latency_ms: warm-up untimed, ms")
    order = []
    result = run.interleaved_latency_ms({"a": lambda: order.append("a"), "b": lambda: order.append("b")},
                                        runs=5, warmup=1, rounds=2)
    check("".join(order) == "ab" + "aaaabbbb" + "aaabbb",
          "interleaved_latency_ms: warm-up each, then alternating blocks of 1 untimed + 3, 1 + 2: %s"
          % "".join(order))
    check(sorted(result) == ["a", "b"] and all(m >= 0 and p >= m for m, p in result.values()),
          "interleaved_latency_ms: (median, p90) per name")


def check_peak():
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import gemm_sweep

    info, flags = gemm_sweep.cpu_info()
    if "fma" not in flags:
        print("skip peak: no FMA on this CPU")
        return
    nominal, _ = gemm_sweep.nominal_peak(1, info, flags)
    with tempfile.TemporaryDirectory(prefix="dlc-fma-test-") as tmp:
        measured = gemm_sweep.measured_peak(1, flags, tmp)
    check(measured is not None and nominal / 10 < measured < 2 * nominal,
          "fma_peak builds and measures a plausible peak: %s GFLOP/s (nominal %.1f)"
          % (measured, nominal))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True)
    args = parser.parse_args()
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
    except ImportError as e:
        print("SKIP: the bench harness needs torch and torchvision (%s)" % e)
        return 77
    with tempfile.TemporaryDirectory(prefix="dlc-bench-test-") as workdir:
        check_helpers()
        check_peak()
        check_usage(os.path.abspath(args.dlc), workdir)
        check_cpu(os.path.abspath(args.dlc), workdir)
        check_failing_dlc(workdir)
        check_cuda(os.path.abspath(args.dlc), workdir)
    print("%d failed" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
