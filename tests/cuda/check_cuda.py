#!/usr/bin/env python3
"""CUDA target checks that need no GPU, and the GPU run when there is one.

  check_cuda.py --dlc build/bin/dlc [--model M.onnx --data DIR]...

For each model (default: the demo MLP):
 1. `dlc --target=cuda --emit=ptx` and every GPU module's PTX assembles with
    `ptxas -arch=sm_90` (skipped, with the reason printed, without ptxas);
 2. `dlc --target=cuda` builds an executable, which `--data DIR --check`
    runs; without a CUDA device it must fail cleanly (exit 1, "no CUDA"), and
    that is reported as a skip, not a failure.
Exits 0 when nothing failed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEMO = (os.path.join(ROOT, "examples", "demo", "mlp.onnx"), os.path.join(ROOT, "examples", "demo", "data"))


def find_ptxas():
    for candidate in (shutil.which("ptxas"), "/usr/local/cuda/bin/ptxas"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def check_ptx(dlc, model, workdir, ptxas):
    ptx = os.path.join(workdir, "model.ptx")
    r = subprocess.run([dlc, "--target=cuda", "--emit=ptx", model, "-o", ptx], capture_output=True, text=True)
    if r.returncode != 0:
        return "dlc --emit=ptx failed: " + r.stderr.strip()
    parts = re.split(r"^// dlc-gpu-module: (\S+)\n", open(ptx).read(), flags=re.M)
    if len(parts) < 3:
        return "no GPU module in the PTX output"
    if not ptxas:
        print("SKIP ptxas: not found (install the CUDA toolkit or put ptxas on PATH)")
        return None
    for name, text in zip(parts[1::2], parts[2::2]):
        path = os.path.join(workdir, name + ".ptx")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([ptxas, "-arch=sm_90", path, "-o", path + ".cubin"], capture_output=True, text=True)
        if r.returncode != 0:
            return "ptxas rejects module %s: %s" % (name, r.stderr.strip())
    print("OK   ptxas: %d modules of %s" % (len(parts) // 2, os.path.basename(model)))
    return None


def check_run(dlc, model, data, workdir):
    exe = os.path.join(workdir, "model")
    r = subprocess.run([dlc, "--target=cuda", model, "-o", exe], capture_output=True, text=True)
    if r.returncode != 0:
        return "dlc --target=cuda failed: " + r.stderr.strip()
    r = subprocess.run([exe, "--data", data, "--check"], capture_output=True, text=True)
    if r.returncode == 1 and "no CUDA" in r.stderr:
        print("SKIP run: no CUDA device (%s)" % r.stderr.strip().splitlines()[-1])
        return None
    if r.returncode != 0:
        return "run failed (exit %d): %s" % (r.returncode, (r.stderr + r.stdout).strip())
    print("OK   run on the GPU: %s" % os.path.basename(model))
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True)
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--data", action="append", default=[])
    args = parser.parse_args()
    models = list(zip(args.model, args.data)) or [DEMO]
    ptxas = find_ptxas()
    failures = []
    for model, data in models:
        with tempfile.TemporaryDirectory(prefix="dlc-cuda-") as workdir:
            for problem in (check_ptx(args.dlc, model, workdir, ptxas), check_run(args.dlc, model, data, workdir)):
                if problem:
                    failures.append("%s: %s" % (model, problem))
    for failure in failures:
        print("FAIL " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
