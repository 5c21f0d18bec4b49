"""Helpers of the quantization tests: compile an ONNX model with dlc, run it
on numpy inputs, read its outputs back."""
import os
import subprocess

import numpy as np
import onnx


def run_checked(cmd, timeout=600):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout[-3000:],
                                                  p.stderr[-3000:]))
    return p


def compile_model(dlc, model, directory, name, flags=()):
    """Saves `model` as DIR/NAME.onnx and compiles it to DIR/NAME."""
    path = os.path.join(directory, name + ".onnx")
    if isinstance(model, onnx.ModelProto):
        onnx.save(model, path)
    else:
        path = model
    exe = os.path.join(directory, name)
    run_checked([dlc, *flags, path, "-o", exe])
    return exe


def run_exe(exe, inputs, directory, extra=()):
    """Runs a compiled model on {name: array}; returns its outputs in order."""
    args = [exe]
    for i, (name, value) in enumerate(inputs.items()):
        f = os.path.join(directory, "in_%d.npy" % i)
        np.save(f, value)
        args += ["--input", "%s=%s" % (name, f)]
    out = os.path.join(directory, "out")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    run_checked(args + ["--output-dir", out, *extra])
    outputs, k = [], 0
    while os.path.exists(os.path.join(out, "output_%d.npy" % k)):
        outputs.append(np.load(os.path.join(out, "output_%d.npy" % k)))
        k += 1
    return outputs


def batches(x, batch):
    """`x` cut into batches along dim 0, the last padded with x's first rows."""
    pad = (-len(x)) % batch
    padded = np.concatenate([x, x[:pad]])
    return [padded[i:i + batch] for i in range(0, len(padded), batch)]


def predict_batched(exe, x, tmp, batch, name="x"):
    """Runs a compiled model of batch `batch` over all rows of `x` (input
    `name`); returns its first output for those rows."""
    return np.concatenate([run_exe(exe, {name: b}, tmp)[0] for b in batches(x, batch)])[:len(x)]


def report(line, problems):
    """Prints `ok   LINE` or `FAIL LINE` and the problems; True when none."""
    print("%s %s" % ("FAIL" if problems else "ok  ", line))
    for p in problems:
        print("     " + p)
    return not problems


def run_all(checks):
    """Runs (name, check) pairs; a check returns True when it passed and
    prints its own lines; an exception is a failure named after the check.
    Prints `N passed, N failed` and returns the exit code."""
    passed = failed = 0
    for name, check in checks:
        try:
            ok = check()
        except Exception as e:  # noqa: BLE001 - report and go on
            print("FAIL %s: %s" % (name, str(e).strip()[-2000:]))
            ok = False
        passed += bool(ok)
        failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
