#!/usr/bin/env python3
"""Where a dlc-compiled model spends its time: top kernels from `--profile` traces.

    python3 bench/profile_kernels.py --dlc build/bin/dlc MODEL.onnx [--runs 3] [--top 15]
    python3 bench/profile_kernels.py --exe COMPILED_MODEL [--threads 2]

Compiles MODEL.onnx with `dlc -O2` into an executable, runs it --runs times
with `--threads 1 --bench 1 --profile trace.json` (one warm-up run each, then
one profiled run on seeded random inputs), takes each plan node's median
duration over the runs and prints markdown tables: time per kernel kind (the
trace's "cat", the fused op list) and the --top slowest nodes (the trace's
"name", the ONNX node the kernel starts at), each with its share of the sum.
The model to profile can come from bench/run.py's --workdir
(e.g. /tmp/dlc-bench/resnet50/b1/model.onnx); --exe profiles an executable
dlc already compiled (e.g. an int8 build kept by bench/quant_models.py --keep).
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile


def profile(exe, trace, threads):
    subprocess.run([exe, "--threads", str(threads), "--bench", "1", "--profile", trace], check=True,
                   capture_output=True, text=True)
    with open(trace) as f:
        events = [e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"]
    return {e["args"]["node"]: (e["name"], e["cat"], e["dur"] / 1e3) for e in events}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?")
    parser.add_argument("--exe", help="a compiled model executable to profile instead of MODEL")
    parser.add_argument("--dlc", default=os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "build", "bin", "dlc"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per run (each node's kernel may use them all)")
    args = parser.parse_args()
    if (args.model is None) == (args.exe is None):
        parser.error("give MODEL.onnx or --exe, not both")
    with tempfile.TemporaryDirectory(prefix="dlc-profile-") as tmp:
        exe = args.exe
        if exe is None:
            exe = os.path.join(tmp, "model")
            proc = subprocess.run([args.dlc, "-O2", "--stats", args.model, "-o", exe],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 1
            print("dlc: %s" % proc.stdout.strip())
        traces = [profile(exe, os.path.join(tmp, "trace%d.json" % i), args.threads) for i in range(args.runs)]
    nodes = {n: (traces[0][n][0], traces[0][n][1],
                 statistics.median(t[n][2] for t in traces)) for n in traces[0]}
    total = sum(ms for _, _, ms in nodes.values())
    kinds = collections.defaultdict(lambda: [0, 0.0])
    for _, kind, ms in nodes.values():
        kinds[kind][0] += 1
        kinds[kind][1] += ms
    print("\nsum of node times %.1f ms (median of %d profiled runs, %d thread%s), %d nodes\n"
          % (total, args.runs, args.threads, "" if args.threads == 1 else "s", len(nodes)))
    print("| kernel kind | nodes | ms | share |\n|---|---|---|---|")
    for kind, (count, ms) in sorted(kinds.items(), key=lambda kv: -kv[1][1]):
        print("| %s | %d | %.2f | %.1f%% |" % (kind, count, ms, 100 * ms / total))
    print("\n| node | kind | ms | share |\n|---|---|---|---|")
    for name, kind, ms in sorted(nodes.values(), key=lambda v: -v[2])[:args.top]:
        print("| %s | %s | %.2f | %.1f%% |" % (name, kind, ms, 100 * ms / total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
