#!/usr/bin/env python3
"""End-to-end latency of real models: dlc next to onnxruntime and PyTorch, in one run.

    python3 bench/run.py [--dlc build/bin/dlc] [--models resnet50,mobilenetv2,bert]
        [--batch 1,8] [--threads 2] [--runs 20] [--warmup 3] [--rounds 5]
        [--target cpu|cuda] [--workdir /tmp/dlc-bench]

For every model and batch size (bench/harness/models.py: torchvision
ResNet-50 and MobileNetV2, a BERT-base-sized encoder; random weights,
torch.manual_seed(0), eval mode) the harness
  1. exports the module with torch.onnx (TorchScript exporter, opset 17,
     static shapes, BatchNorm folded) and draws one N(0,1) input (numpy seed 0);
  2. compiles it with `dlc -O2 --emit=lib` (the wall time is "compile s");
  3. runs onnxruntime once as the reference and checks dlc's outputs:
     max |dlc - ort| / max |ort| <= 1e-3 per output ("rel err");
  4. times dlc (`dlc_model_run` through ctypes on the generated library,
     num_threads = --threads), onnxruntime (`InferenceSession.run`,
     intra_op_num_threads = --threads, sequential execution, all graph
     optimizations) and PyTorch eager (torch.set_num_threads,
     inference_mode). Each is called --warmup times, then the --runs timed
     calls of each are made in --rounds alternating blocks (dlc, ort, torch,
     dlc, ort, torch, ...; each block after one untimed call), so that load
     which drifts on a shared machine falls on all three alike; each call is timed with time.perf_counter
     from Python: inference on inputs already in memory, outputs written to
     preallocated (dlc) or fresh (ort, torch) buffers. Median and p90
     (nearest rank) over each one's calls.
     dlc's num_threads is the team size of its oneDNN kernels (and runs
     independent plan nodes in parallel; docs/performance.md).
OpenMP threads spin briefly, then sleep (OMP_WAIT_POLICY=active,
GOMP_SPINCOUNT=30000) unless either variable is set (see below).
`--target cuda` compiles with `dlc --target=cuda` and times dlc against
PyTorch eager and torch.compile on the GPU (host input to host output for
all three, since dlc_model_run takes host buffers); without a GPU it says so
and skips the timing. A model dlc cannot compile or run gets its error in
the table row; the exit code is 1 when any row failed or mismatched.
"""
import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time

# OpenMP (the oneDNN calls of dlc's kernels; PyTorch) reads its wait policy
# once, when libgomp loads, so it is set before anything can load it: a
# short spin, then sleep, which is what dlc's own executables use
# (runtime/src/cli/Cli.cpp explains the measurements). onnxruntime's thread
# pool is not OpenMP and keeps its default.
if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
    os.environ.update(OMP_WAIT_POLICY="active", GOMP_SPINCOUNT="30000")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dlc_ctypes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REL_TOL = 1e-3


def relative_error(out, ref):
    """max |out - ref| / max |ref| (an all-zero reference compares absolutely)."""
    out, ref = np.asarray(out, np.float64), np.asarray(ref, np.float64)
    if out.shape != ref.shape:
        return float("inf")
    scale = float(np.abs(ref).max()) if ref.size else 0.0
    diff = float(np.abs(out - ref).max()) if ref.size else 0.0
    return diff / scale if scale > 0 else diff


def summarize(times):
    """(median, p90 by nearest rank) of a list of times."""
    times = sorted(times)
    p90 = times[min(len(times), max(1, int(np.ceil(0.9 * len(times))))) - 1]
    return statistics.median(times), p90


def timed_calls(call, count, times):
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)


def latency_ms(call, runs, warmup):
    """(median, p90) in ms of `runs` timed calls after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    times = []
    timed_calls(call, runs, times)
    return summarize(times)


def interleaved_latency_ms(calls, runs, warmup, rounds):
    """{name: (median, p90) in ms} for `calls` ({name: callable}): `warmup`
    untimed calls of each, then `runs` timed calls of each, made in `rounds`
    blocks that alternate between them (block sizes differ by at most one).
    Each block starts with one untimed call: the previous peer's threads may
    still be spinning (onnxruntime's pool spins after its work), and caches
    hold its data."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    rounds = max(1, min(rounds, runs))
    times = {name: [] for name in calls}
    for block in range(rounds):
        count = runs // rounds + (1 if block < runs % rounds else 0)
        for name, call in calls.items():
            call()
            timed_calls(call, count, times[name])
    return {name: summarize(t) for name, t in times.items()}


def first_line(text, limit=160):
    """The most telling line of an error message, for a table cell."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "(" in line]
    line = (errors or lines or ["(no message)"])[0]
    line = line.replace("|", "/")
    return line if len(line) <= limit else line[:limit - 3] + "..."


def compile_dlc(dlc, onnx_path, lib_path, target):
    """Runs dlc; returns compile seconds, raises RuntimeError with dlc's message."""
    cmd = [dlc, "-O2", "--emit=lib", "--target=" + target, onnx_path, "-o", lib_path]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("dlc exit %d: %s" % (proc.returncode, first_line(proc.stderr + proc.stdout)))
    return seconds


def ort_session(path, threads):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


class Case:
    """One model at one batch size: exported, with an input and onnxruntime's outputs."""

    def __init__(self, args, name, batch):
        import torch

        from harness import models

        self.directory = os.path.join(args.workdir, name, "b%d" % batch)
        os.makedirs(self.directory, exist_ok=True)
        self.module = models.build(name)
        self.x = np.random.default_rng(0).standard_normal(
            models.input_shape(name, batch)).astype(np.float32)
        self.path = os.path.join(self.directory, "model.onnx")
        models.export(self.module, torch.from_numpy(self.x), self.path)
        self.session = ort_session(self.path, args.threads)
        self.feeds = {self.session.get_inputs()[0].name: self.x}
        self.reference = self.session.run(None, self.feeds)
        self.row = {"model": name, "batch": batch, "failures": []}


def open_dlc(args, case, target, threads, gpu=True):
    """Compiles dlc's library and checks its outputs into case.row; returns
    the open model to time (the caller closes it), or None after a failure
    (noted in the row, not raised) or without a GPU."""
    row, model = case.row, None
    try:
        lib = os.path.join(case.directory, "libmodel-%s.so" % target)
        row["compile"] = compile_dlc(args.dlc, case.path, lib, target)
        if not gpu:
            row["skip"] = "no CUDA GPU: %s" % gpu_absent_reason()
            return None
        model = dlc_ctypes.DlcModel(lib, threads)
        model.bind(case.feeds)
        outputs = model.run()
        errors = [relative_error(o, r) for o, r in zip(outputs, case.reference)]
        row["err"] = max(errors) if errors else 0.0
        if len(outputs) != len(case.reference) or row["err"] > REL_TOL:
            row["failures"].append("dlc outputs differ from onnxruntime (rel err %.3g > %g)"
                                   % (row["err"], REL_TOL))
        return model
    except (RuntimeError, dlc_ctypes.DlcError) as e:
        row["failures"].append("dlc: %s" % first_line(str(e)))
        if model:
            model.close()
        return None


def measure_dlc(args, case, target, threads, gpu=True):
    """open_dlc, then dlc timed alone into case.row."""
    model = open_dlc(args, case, target, threads, gpu)
    if not model:
        return
    try:
        case.row["dlc"] = latency_ms(model.run, args.runs, args.warmup)
    except dlc_ctypes.DlcError as e:
        case.row["failures"].append("dlc: %s" % first_line(str(e)))
    finally:
        model.close()


def measure_cpu(args, name, batch):
    import torch

    case = Case(args, name, batch)
    row = case.row
    model = open_dlc(args, case, "cpu", args.threads)
    torch.set_num_threads(args.threads)
    tx = torch.from_numpy(case.x)
    calls = {"ort": lambda: case.session.run(None, case.feeds), "torch": lambda: case.module(tx)}
    if model:
        calls = {"dlc": model.run, **calls}
    try:
        with torch.inference_mode():
            row["torch_err"] = relative_error(case.module(tx).numpy(), case.reference[0])
            row.update(interleaved_latency_ms(calls, args.runs, args.warmup, args.rounds))
    except dlc_ctypes.DlcError as e:
        row["failures"].append("dlc: %s" % first_line(str(e)))
    finally:
        if model:
            model.close()
    return row


def measure_cuda(args, name, batch, gpu):
    """dlc --target=cuda vs torch eager and torch.compile; host input -> host output.
    onnxruntime on the CPU is the accuracy reference only."""
    import torch

    case = Case(args, name, batch)
    row = case.row
    measure_dlc(args, case, "cuda", 1, gpu)  # GPU nodes run on one host thread
    if not gpu:
        return row
    device_module = case.module.cuda()
    tx = torch.from_numpy(case.x)

    def host_to_host(m):
        return lambda: m(tx.cuda()).cpu()  # .cpu() synchronizes

    with torch.inference_mode():
        row["torch_err"] = relative_error(host_to_host(device_module)().numpy(), case.reference[0])
        row["torch"] = latency_ms(host_to_host(device_module), args.runs, args.warmup)
        try:  # inductor needs triton and a working toolchain; keep the row either way
            compiled = torch.compile(device_module)
            start = time.perf_counter()
            host_to_host(compiled)()
            row["compile_torch"] = time.perf_counter() - start
            row["torch_compile"] = latency_ms(host_to_host(compiled), args.runs, args.warmup)
        except Exception as e:
            row["failures"].append("torch.compile: %s" % first_line(str(e)))
    return row


def gpu_absent_reason():
    import torch

    if not torch.cuda.is_available():
        return "torch.cuda.is_available() is False (no driver or device)"
    return ""


def cell(pair):
    return "%.2f / %.2f" % pair if pair else "-"


def ratio(row, a, b):
    return "%.2f" % (row[a][0] / row[b][0]) if row.get(a) and row.get(b) else "-"


def table(rows, target):
    peers = [("ort", "onnxruntime")] if target == "cpu" else []
    peers += [("torch", "torch eager")]
    peers += [("torch_compile", "torch.compile")] if target == "cuda" else []
    lines = ["| model | batch | dlc ms median / p90 | "
             + " | ".join("%s ms median / p90" % label for _, label in peers) + " | "
             + " | ".join("dlc / %s" % label for _, label in peers)
             + " | dlc compile s | rel err | notes |",
             "|---|---|---|" + "---|" * (2 * len(peers)) + "---|---|---|"]
    for r in rows:
        err = "%.1e" % r["err"] if "err" in r else "-"
        notes = "; ".join(r["failures"]) or r.get("skip", "") or "ok"
        if r.get("torch_err", 0) > REL_TOL:  # the export itself changed the numbers
            notes += "; torch vs onnxruntime rel err %.1e" % r["torch_err"]
        if "compile_torch" in r:
            notes += "; torch.compile first call %.1f s" % r["compile_torch"]
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
            r["model"], r["batch"], cell(r.get("dlc")),
            " | ".join(cell(r.get(key)) for key, _ in peers),
            " | ".join(ratio(r, "dlc", key) for key, _ in peers),
            "%.1f" % r["compile"] if "compile" in r else "-", err, notes))
    return "\n".join(lines)


def environment(args):
    import onnxruntime
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "?"
    return ["command: python3 %s" % " ".join(shlex.quote(a) for a in sys.argv),
            "machine: %s, %d logical cores; source HEAD %s; onnxruntime %s; torch %s; numpy %s"
            % (cpu, os.cpu_count(), commit, onnxruntime.__version__, torch.__version__,
               np.__version__),
            "load average before the run %s (other processes share these cores); "
            "OMP_WAIT_POLICY=%s" % (args.load, os.environ.get("OMP_WAIT_POLICY")),
            "threads %d, %d warm-up + %d timed runs per column%s; ratio > 1: dlc is slower; "
            "rel err = max|dlc - onnxruntime| / max|onnxruntime| (ok <= %g)"
            % (args.threads, args.warmup, args.runs,
               ", in %d alternating blocks" % args.rounds if args.target == "cpu" else "",
               REL_TOL)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", default=os.path.join(ROOT, "build", "bin", "dlc"))
    parser.add_argument("--models", default="resnet50,mobilenetv2,bert")
    parser.add_argument("--batch", default="1,8", help="comma-separated batch sizes")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5,
                        help="--target cpu: the timed calls alternate between dlc, "
                             "onnxruntime and torch in this many blocks")
    parser.add_argument("--target", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--workdir", default="/tmp/dlc-bench",
                        help="exported models and compiled libraries go here")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.threads < 1 or args.rounds < 1:
        parser.error("--runs, --rounds and --threads must be >= 1, --warmup >= 0")
    from harness import models

    names = args.models.split(",")
    unknown = [n for n in names if n not in models.MODELS]
    if unknown:
        parser.error("unknown model(s) %s; known: %s" % (", ".join(unknown), ", ".join(models.MODELS)))
    try:
        batches = [int(b) for b in args.batch.split(",")]
    except ValueError:
        parser.error("--batch takes comma-separated integers, got '%s'" % args.batch)
    if min(batches) < 1:
        parser.error("batch sizes must be >= 1")
    args.dlc = os.path.abspath(args.dlc)
    if not os.access(args.dlc, os.X_OK):
        parser.error("no dlc compiler at %s (build it or pass --dlc)" % args.dlc)
    gpu = False
    if args.target == "cuda":
        reason = gpu_absent_reason()
        gpu = not reason
        if not gpu:
            print("SKIP timing: no CUDA GPU (%s); dlc --target=cuda compiles only" % reason,
                  flush=True)
    args.load = "%.1f %.1f %.1f" % os.getloadavg()
    header = environment(args)  # before the run: the commit dlc was built from, the load
    rows = []
    for name in names:
        for batch in batches:
            measure = measure_cpu if args.target == "cpu" else (
                lambda a, n, b: measure_cuda(a, n, b, gpu))
            try:
                rows.append(measure(args, name, batch))
            except Exception as e:  # export or a peer failed: report the row, go on
                rows.append({"model": name, "batch": batch,
                             "failures": ["%s: %s" % (type(e).__name__, first_line(str(e)))]})
            print("measured %s" % table([rows[-1]], args.target).splitlines()[-1],
                  file=sys.stderr, flush=True)
    header.append("load average after the run %.1f %.1f %.1f" % os.getloadavg())
    print("\n".join(header))
    print()
    print(table(rows, args.target))
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
